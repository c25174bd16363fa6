/* Graceful termination of node-pressure eviction victims through a whole
 * run: tests/scenarios/eviction-grace.yaml (times worked out in its
 * header). A soft victim whose containers take longer than
 * evictionMaxPodGracePeriod is SIGKILLed at the end of that grace, a hard
 * one after 1 s; each is Failed (Evicted) from the pass that chose it, and
 * its memory stays in use until the kill; the next victim comes at the
 * first pass after the kill and the cleanup wait. */
#include "tests/sim/scenario_results.h"

#include "sim/kubelet/kubelet_results.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)
#define MI(x) ((gint64)(x) * 1024 * 1024)
#define SCENARIO KSIM_TEST_DATA "/../scenarios/eviction-grace.yaml"

typedef struct {
  KsResults *rows;
  KsKubeletResults *k;
} Run;

static void run(Run *r) {
  GError *error = NULL;
  char *out = ks_test_run_scenario_to_file(SCENARIO, "eviction-grace");
  r->rows = ks_results_read(out, &error);
  if (!r->rows)
    fail_msg("%s", error->message);
  r->k = ks_kubelet_results_read(out, &error);
  if (!r->k)
    fail_msg("no /kubelet: %s", error ? error->message : "");
  g_unlink(out);
  g_free(out);
}

static void run_clear(Run *r) {
  ks_results_free(r->rows);
  ks_kubelet_results_free(r->k);
}

/* Memory in use on node at t (the sample at t; fails when there is none). */
static gint64 memory_at(const Run *r, const char *node, gint64 t) {
  gint32 idx = -1;
  for (guint i = 0; i < r->k->model_nodes; i++)
    if (!strcmp(g_array_index(r->k->nodes, KsKubeletResultRow, i).name, node))
      idx = (gint32)i;
  assert_true(idx >= 0);
  for (guint i = 0; i < r->k->usage->len; i++) {
    const KsKubeletUsageRow *u = &g_array_index(r->k->usage, KsKubeletUsageRow, i);
    if (u->node == idx && u->time_us == t)
      return u->memory;
  }
  fail_msg("no sample of %s at %" G_GINT64_FORMAT, node, t);
  return -1;
}

static void test_victims_and_times(void **state) {
  (void)state;
  Run r;
  run(&r);
  /* Failed from the pass that evicted them */
  const KsPodRow *hog = ks_test_pod_row(r.rows, "hog");
  assert_int_equal(hog->outcome, KS_OUTCOME_FAILED);
  assert_int_equal(hog->finished_us, S(10));
  const KsPodRow *big = ks_test_pod_row(r.rows, "big");
  assert_int_equal(big->outcome, KS_OUTCOME_FAILED);
  assert_int_equal(big->finished_us, S(20));
  const KsPodRow *small = ks_test_pod_row(r.rows, "small");
  assert_int_equal(small->outcome, KS_OUTCOME_FAILED);
  assert_int_equal(small->finished_us, S(50)); /* not 30 s: the manager waited for big */
  /* evictions: time, pod, reason */
  assert_int_equal(r.k->evictions->len, 3);
  const char *names[] = {"hog", "big", "small"};
  const gint64 times[] = {S(10), S(20), S(50)};
  for (guint i = 0; i < 3; i++) {
    const KsKubeletEviction *e = &g_array_index(r.k->evictions, KsKubeletEviction, i);
    assert_string_equal(e->name, names[i]);
    assert_int_equal(e->time_us, times[i]);
    assert_string_equal(e->cause, "node_pressure");
    assert_string_equal(e->reason, "TerminationByKubelet");
  }
  assert_string_equal(g_array_index(r.k->evictions, KsKubeletEviction, 1).message,
                      "The node was low on resource: memory. Threshold quantity: 800Mi, "
                      "available: 224Mi. Container app was using 500Mi, request is 0, has "
                      "larger consumption of memory. ");
  assert_string_equal(g_array_index(r.k->evictions, KsKubeletEviction, 2).message,
                      "The node was low on resource: memory. Threshold quantity: 800Mi, "
                      "available: 724Mi. Container app was using 300Mi, request is 0, has "
                      "larger consumption of memory. ");
  /* hard: memory in use until SIGKILL 1 s after the eviction */
  assert_int_equal(memory_at(&r, "hard-0", S(10)), MI(950));
  assert_int_equal(memory_at(&r, "hard-0", S(12)), 0);
  /* soft: big's 500Mi until SIGKILL at 40 s (20 s grace, not its 60 s
   * shutdown), small's 300Mi until it stops by itself at 55 s */
  assert_int_equal(memory_at(&r, "soft-0", S(19)), MI(800));
  assert_int_equal(memory_at(&r, "soft-0", S(39)), MI(800));
  assert_int_equal(memory_at(&r, "soft-0", S(41)), MI(300));
  assert_int_equal(memory_at(&r, "soft-0", S(54)), MI(300));
  assert_int_equal(memory_at(&r, "soft-0", S(56)), 0);
  run_clear(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_victims_and_times),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
