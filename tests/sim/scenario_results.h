/* Scenario tests: run a scenario file through ks_simulation_run and read its
 * results file back, the way a user's `ksim run` + results reader would.
 * Header-only (static functions) so each test file stays one executable. */
#pragma once
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib/gstdio.h>

#include "sim/results_read.h"
#include "sim/simulation.h"
#include "workloads/scenario.h"

/* Runs the scenario at `path` (default options) into a results file of the
 * test's own (under the temporary directory, named by tag and pid) and
 * returns its path, for readers beyond ks_results_read; the caller deletes
 * it. Fails the test on any error. transfer full */
static inline char *ks_test_run_scenario_to_file(const char *path, const char *tag) {
  GError *error = NULL;
  KsScenario *s = ks_scenario_load_file(path, &error);
  if (!s)
    fail_msg("%s", error->message);
  char *out = g_strdup_printf("%s/ksim-%s-%d.h5", g_get_tmp_dir(), tag, (int)getpid());
  KsRunOptions opts = {.output = out};
  KsRunReport report;
  if (!ks_simulation_run(s, &opts, &report, &error))
    fail_msg("run failed: %s", error->message);
  ks_run_report_clear(&report);
  ks_scenario_free(s);
  return out;
}

/* Runs the scenario at `path` (default options) and returns its results; the
 * results file is deleted. Fails the test on any error. transfer full */
static inline KsResults *ks_test_run_scenario(const char *path) {
  GError *error = NULL;
  char *out = ks_test_run_scenario_to_file(path, "scenario-test");
  KsResults *r = ks_results_read(out, &error);
  if (!r)
    fail_msg("%s", error->message);
  g_unlink(out);
  g_free(out);
  return r;
}

/* The same for tests/scenarios/<file>. transfer full */
static inline KsResults *ks_test_run_bundled_scenario(const char *file) {
  char *path = g_strdup_printf("%s/../scenarios/%s", KSIM_TEST_DATA, file);
  KsResults *r = ks_test_run_scenario(path);
  g_free(path);
  return r;
}

/* The results row of pod `name`; fails the test when there is none. */
static inline const KsPodRow *ks_test_pod_row(const KsResults *r, const char *name) {
  for (gsize i = 0; i < r->n_pods; i++)
    if (!strcmp(r->pods[i].name, name))
      return &r->pods[i];
  fail_msg("pod %s not in results", name);
  return NULL;
}
