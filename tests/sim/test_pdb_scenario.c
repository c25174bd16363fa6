/* A PodDisruptionBudget through the whole simulator: the workload feed puts
 * it into the store, the scheduler driver computes its disruptionsAllowed
 * (the disruption controller's stand-in) and preemption, finding that
 * evicting the PDB-covered pod would violate the budget, picks the other
 * node's victim (tests/data/scenarios/preemption-pdb.yaml). The control run
 * without the PDB picks the covered pod. */
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

#define S(x) ((gint64)(x) * 1000000)
#define SCENARIO KSIM_TEST_DATA "/scenarios/preemption-pdb.yaml"

/* Runs the scenario, with the PDB document dropped when !with_pdb. */
static KsResults *run(gboolean with_pdb, const char *tag) {
  GError *error = NULL;
  char *text = NULL;
  assert_true(g_file_get_contents(SCENARIO, &text, NULL, &error));
  if (!with_pdb) {
    /* the PDB's selector then matches nothing: it selects no pod */
    char *p = strstr(text, "matchLabels: {app: web}");
    assert_non_null(p);
    memcpy(p, "matchLabels: {app: xyz}", strlen("matchLabels: {app: xyz}"));
  }
  KsScenario *s = ks_scenario_load_string(text, strlen(text), SCENARIO, KSIM_TEST_DATA "/scenarios", &error);
  if (!s)
    fail_msg("%s", error->message);
  char *out = g_strdup_printf("%s/ksim-pdb-%d-%s.h5", g_get_tmp_dir(), (int)getpid(), tag);
  KsRunOptions opts = {.output = out};
  KsRunReport report;
  if (!ks_simulation_run(s, &opts, &report, &error))
    fail_msg("run failed: %s", error->message);
  ks_run_report_clear(&report);
  ks_scenario_free(s);
  g_free(text);
  KsResults *r = ks_results_read(out, &error);
  assert_non_null(r);
  g_unlink(out);
  g_free(out);
  return r;
}

static const KsPodRow *pod(const KsResults *r, const char *name) {
  for (gsize i = 0; i < r->n_pods; i++)
    if (!strcmp(r->pods[i].name, name))
      return &r->pods[i];
  fail_msg("pod %s not in results", name);
  return NULL;
}

static const char *node_of(const KsResults *r, const KsPodRow *p) {
  return p->node >= 0 ? r->nodes[p->node].name : "(none)";
}

static void test_pdb_moves_preemption(void **state) {
  KsResults *r = run(TRUE, "pdb");
  const KsPodRow *web = pod(r, "web"), *batch = pod(r, "batch"), *urgent = pod(r, "urgent");
  assert_string_equal(node_of(r, web), "pdb-0");
  assert_int_equal(web->finished_us, -1); /* spared by the budget */
  assert_string_equal(node_of(r, batch), "pdb-1");
  assert_int_equal(batch->finished_us, S(10));
  assert_int_equal(batch->outcome, KS_OUTCOME_DELETED);
  assert_string_equal(node_of(r, urgent), "pdb-1");
  assert_int_equal(urgent->scheduled_us, S(11));
  assert_int_equal(urgent->outcome, KS_OUTCOME_SUCCEEDED);
  ks_results_free(r);
}

static void test_without_pdb(void **state) {
  KsResults *r = run(FALSE, "nopdb");
  const KsPodRow *web = pod(r, "web"), *batch = pod(r, "batch"), *urgent = pod(r, "urgent");
  assert_int_equal(web->finished_us, S(10));
  assert_int_equal(web->outcome, KS_OUTCOME_DELETED);
  assert_int_equal(batch->finished_us, -1);
  assert_string_equal(node_of(r, urgent), "pdb-0");
  ks_results_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pdb_moves_preemption),
      cmocka_unit_test(test_without_pdb),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
