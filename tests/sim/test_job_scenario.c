/* Jobs and CronJobs through whole simulation runs, from scenario files to
 * the results file: tests/scenarios/job-backoff.yaml (a Job whose pods fail
 * until backoffLimit, at upstream's back-off times) and
 * tests/scenarios/cronjob-day.yaml (a day of CronJobs, one per
 * concurrencyPolicy). The expected times are worked out in the files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/sim/scenario_results.h"
#include <glib/gstdio.h>

#include "sim/results_read.h"
#include "sim/simulation.h"
#include "workloads/scenario.h"

#define S(x) ((gint64)(x) * 1000000)

static KsResults *run(const char *file) { return ks_test_run_bundled_scenario(file); }

/* "<created>/<finished>/<outcome>" (tenths of seconds) of the pods whose
 * names start with prefix, in creation order. */
static char *pods_of(const KsResults *r, const char *prefix) {
  GString *s = g_string_new(NULL);
  for (gsize i = 0; i < r->n_pods; i++) {
    const KsPodRow *p = &r->pods[i];
    if (!g_str_has_prefix(p->name, prefix))
      continue;
    g_string_append_printf(s, "%s%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT "/", s->len ? " " : "",
                           p->created_us / 1000000, p->created_us / 100000 % 10);
    if (p->finished_us >= 0)
      g_string_append_printf(s, "%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT, p->finished_us / 1000000,
                             p->finished_us / 100000 % 10);
    else
      g_string_append(s, "-");
    g_string_append_printf(s, "/%s", ks_pod_outcome_to_string(p->outcome));
  }
  return g_string_free(s, FALSE);
}

static void test_job_backoff(void **state) {
  KsResults *r = run("job-backoff.yaml");
  char *got = pods_of(r, "crash-");
  assert_string_equal(got, "10.0/16.0/failed 26.0/32.0/failed 52.0/58.0/failed");
  g_free(got);
  for (gsize i = 0; i < r->n_pods; i++) {
    assert_int_equal(r->pods[i].scheduled_us, r->pods[i].created_us);
    assert_int_equal(r->pods[i].started_us, r->pods[i].created_us + S(1));
  }
  ks_results_free(r);
}

static void test_cronjob_day(void **state) {
  KsResults *r = run("cronjob-day.yaml");
  char *got = pods_of(r, "forbid-");
  assert_string_equal(got, "7200.1/18001.1/succeeded 21600.1/32401.1/succeeded "
                           "36000.1/46801.1/succeeded 50400.1/61201.1/succeeded "
                           "64800.1/75601.1/succeeded 79200.1/-/running");
  g_free(got);
  got = pods_of(r, "replace-");
  GString *want = g_string_new(NULL);
  for (int k = 1; k <= 11; k++)
    g_string_append_printf(want, "%s%d.1/%d.1/deleted", k > 1 ? " " : "", 7200 * k,
                           7200 * (k + 1));
  g_string_append(want, " 86400.1/-/running");
  assert_string_equal(got, want->str);
  g_string_free(want, TRUE);
  g_free(got);
  got = pods_of(r, "allow-");
  want = g_string_new(NULL);
  for (int k = 1; k <= 10; k++)
    g_string_append_printf(want, "%s%d.1/%d.1/succeeded", k > 1 ? " " : "", 7200 * k,
                           7200 * k + 10801);
  g_string_append(want, " 79200.1/-/running 86400.1/-/running");
  assert_string_equal(got, want->str);
  g_string_free(want, TRUE);
  g_free(got);
  ks_results_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_job_backoff),
      cmocka_unit_test(test_cronjob_day),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
