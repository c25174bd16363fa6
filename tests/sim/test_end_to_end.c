/* End-to-end: the tiny scenario through the whole simulator, with its exact
 * outcome asserted (placements, start and finish times, how long the pod that
 * did not fit waited), and determinism: the same seed gives a byte-identical
 * results file. */
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

static char *source_path(const char *rel) {
  const char *root = g_getenv("KSIM_SOURCE_DIR");
  return g_build_filename(root ? root : KSIM_SOURCE_DIR, rel, NULL);
}

static char *run_scenario(const char *rel, gboolean has_seed, guint64 seed, const char *tag) {
  char *path = source_path(rel);
  GError *error = NULL;
  KsScenario *s = ks_scenario_load_file(path, &error);
  assert_null(error);
  char *out = g_strdup_printf("%s/ksim-e2e-%d-%s.h5", g_get_tmp_dir(), (int)getpid(), tag);
  KsRunOptions opts = {.output = out, .has_seed = has_seed, .seed = seed};
  KsRunReport report;
  gboolean ok = ks_simulation_run(s, &opts, &report, &error);
  if (!ok)
    fail_msg("run failed: %s", error->message);
  assert_string_equal(report.output, out);
  ks_run_report_clear(&report);
  ks_scenario_free(s);
  g_free(path);
  return out;
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

static void test_tiny_exact_outcome(void **state) {
  char *out = run_scenario("workloads/examples/tiny.yaml", FALSE, 0, "tiny");
  GError *error = NULL;
  KsResults *r = ks_results_read(out, &error);
  assert_non_null(r);
  assert_int_equal(r->n_nodes, 2);
  assert_int_equal(r->n_pods, 4);
  assert_string_equal(r->nodes[0].name, "tiny-0");
  assert_string_equal(r->nodes[1].name, "tiny-1");

  /* short and long (1500m each) tie on the empty nodes and land apart;
   * seed 1 breaks the first tie towards tiny-0. */
  const KsPodRow *shrt = pod(r, "short"), *lng = pod(r, "long");
  const KsPodRow *waiter = pod(r, "waiter"), *small = pod(r, "small");
  assert_string_equal(node_of(r, shrt), "tiny-0");
  assert_string_equal(node_of(r, lng), "tiny-1");
  assert_int_equal(shrt->created_us, 0);
  assert_int_equal(shrt->scheduled_us, 0);
  assert_int_equal(shrt->started_us, S(1)); /* default start latency */
  assert_int_equal(shrt->finished_us, S(61));
  assert_int_equal(shrt->outcome, KS_OUTCOME_SUCCEEDED);
  assert_int_equal(lng->finished_us, S(241));
  assert_int_equal(lng->outcome, KS_OUTCOME_SUCCEEDED);

  /* small (500m) fits beside either, both have 500m left: tie again, and
   * seed 1 puts it beside long. */
  assert_string_equal(node_of(r, small), "tiny-1");
  assert_int_equal(small->scheduled_us, 0);
  assert_int_equal(small->started_us, S(1));
  assert_int_equal(small->finished_us, -1); /* no run time: runs to the end */
  assert_int_equal(small->outcome, KS_OUTCOME_RUNNING);

  /* waiter (1 CPU) fits nowhere until short finishes at 61 s; the pod delete
   * moves it back to the queue, it binds on short's node at once. */
  assert_int_equal(waiter->scheduled_us, S(61));
  assert_int_equal(waiter->scheduled_us - waiter->created_us, S(61));
  assert_string_equal(node_of(r, waiter), "tiny-0");
  assert_int_equal(waiter->started_us, S(62));
  assert_int_equal(waiter->finished_us, S(92));
  assert_int_equal(waiter->attempts, 2);
  assert_int_equal(waiter->outcome, KS_OUTCOME_SUCCEEDED);

  /* Time series: a sample every second from 0 to 300 s inclusive. */
  assert_int_equal(r->n_samples, 301);
  assert_int_equal(r->samples[0].time_us, 0);
  assert_int_equal(r->samples[0].nodes, 2);
  assert_int_equal(r->samples[0].pending, 1);
  assert_int_equal(r->samples[0].running, 3);
  assert_int_equal(r->samples[0].cpu_requested_milli, 3500);
  assert_int_equal(r->samples[0].cpu_allocatable_milli, 4000);
  assert_int_equal(r->samples[61].pending, 0);
  assert_int_equal(r->samples[61].succeeded, 1);
  assert_int_equal(r->samples[61].cpu_requested_milli, 3000);
  assert_int_equal(r->samples[300].running, 1);
  assert_int_equal(r->samples[300].succeeded, 3);
  ks_results_free(r);
  g_unlink(out);
  g_free(out);
}

/* Preemption through the whole simulator: the high-priority pod preempts the
 * low one (deleted at 10 s), waits out its 1 s backoff and runs. */
static void test_preemption_scenario(void **state) {
  char *out = run_scenario("tests/data/scenarios/preemption.yaml", FALSE, 0, "preemption");
  KsResults *r = ks_results_read(out, NULL);
  assert_non_null(r);
  const KsPodRow *batch = pod(r, "batch"), *urgent = pod(r, "urgent");
  assert_int_equal(batch->priority, 100);
  assert_int_equal(batch->scheduled_us, 0);
  assert_int_equal(batch->finished_us, S(10));
  assert_int_equal(batch->outcome, KS_OUTCOME_DELETED);
  assert_int_equal(urgent->priority, 1000);
  assert_int_equal(urgent->created_us, S(10));
  assert_int_equal(urgent->scheduled_us, S(11));
  assert_int_equal(urgent->started_us, S(12));
  assert_int_equal(urgent->finished_us, S(42));
  assert_int_equal(urgent->attempts, 2);
  assert_string_equal(node_of(r, urgent), "solo-0");
  assert_int_equal(urgent->outcome, KS_OUTCOME_SUCCEEDED);
  /* At 10 s the victim is gone and the preemptor not yet bound. */
  assert_int_equal(r->samples[10].running, 0);
  assert_int_equal(r->samples[10].pending, 1);
  assert_int_equal(r->samples[11].running, 1);
  ks_results_free(r);
  g_unlink(out);
  g_free(out);
}

/* Two profiles of one KubeSchedulerConfiguration place pods differently in
 * one cluster; a pod for an unknown scheduler is left pending. */
static void test_profiles_scenario(void **state) {
  char *out = run_scenario("tests/data/scenarios/profiles.yaml", FALSE, 0, "profiles");
  KsResults *r = ks_results_read(out, NULL);
  assert_non_null(r);
  assert_string_equal(node_of(r, pod(r, "spread")), "big-0");
  assert_string_equal(node_of(r, pod(r, "first")), "small-0");
  const KsPodRow *orphan = pod(r, "orphan");
  assert_int_equal(orphan->scheduled_us, -1);
  assert_int_equal(orphan->attempts, 0);
  assert_int_equal(orphan->outcome, KS_OUTCOME_PENDING);
  const KsResultsAttr *profile = ks_results_attr(r, "profile");
  assert_string_equal(profile->str, "default-scheduler,no-scoring-scheduler");
  ks_results_free(r);
  g_unlink(out);
  g_free(out);
}

static gboolean files_equal(const char *a, const char *b) {
  gchar *da = NULL, *db = NULL;
  gsize la = 0, lb = 0;
  assert_true(g_file_get_contents(a, &da, &la, NULL));
  assert_true(g_file_get_contents(b, &db, &lb, NULL));
  gboolean eq = la == lb && memcmp(da, db, la) == 0;
  g_free(da);
  g_free(db);
  return eq;
}

static void assert_same_rows(const KsResults *a, const KsResults *b) {
  assert_int_equal(a->n_pods, b->n_pods);
  assert_int_equal(a->n_samples, b->n_samples);
  for (gsize i = 0; i < a->n_pods; i++) {
    assert_string_equal(a->pods[i].name, b->pods[i].name);
    assert_int_equal(a->pods[i].node, b->pods[i].node);
    assert_int_equal(a->pods[i].scheduled_us, b->pods[i].scheduled_us);
    assert_int_equal(a->pods[i].finished_us, b->pods[i].finished_us);
  }
  assert_memory_equal(a->samples, b->samples, a->n_samples * sizeof(KsSampleRow));
}

static void test_same_seed_identical_results(void **state) {
  char *a = run_scenario("workloads/examples/default.yaml", TRUE, 7, "a");
  char *b = run_scenario("workloads/examples/default.yaml", TRUE, 7, "b");
  KsResults *ra = ks_results_read(a, NULL), *rb = ks_results_read(b, NULL);
  assert_non_null(ra);
  assert_non_null(rb);
  assert_true(ra->n_pods > 100);
  assert_same_rows(ra, rb);
  assert_true(files_equal(a, b));
  ks_results_free(ra);
  ks_results_free(rb);

  /* Another seed gives another run (the generators draw differently). */
  char *c = run_scenario("workloads/examples/default.yaml", TRUE, 8, "c");
  assert_false(files_equal(a, c));
  g_unlink(a);
  g_unlink(b);
  g_unlink(c);
  g_free(a);
  g_free(b);
  g_free(c);
}

static void test_failed_run_leaves_no_file(void **state) {
  char *path = source_path("workloads/examples/tiny.yaml");
  KsScenario *s = ks_scenario_load_file(path, NULL);
  assert_non_null(s);
  KsRunOptions opts = {.output = "/proc/ksim-cannot-write-here/x.h5"};
  KsRunReport report;
  GError *error = NULL;
  assert_false(ks_simulation_run(s, &opts, &report, &error));
  assert_non_null(error);
  assert_false(g_file_test(opts.output, G_FILE_TEST_EXISTS));
  g_error_free(error);
  ks_scenario_free(s);
  g_free(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_tiny_exact_outcome),
    cmocka_unit_test(test_preemption_scenario),
    cmocka_unit_test(test_profiles_scenario),
    cmocka_unit_test(test_same_seed_identical_results),
    cmocka_unit_test(test_failed_run_leaves_no_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
