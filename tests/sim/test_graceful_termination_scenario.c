/* Graceful pod termination through whole runs (times worked out in each
 * scenario's header): tests/scenarios/graceful-scale-down.yaml (a
 * Deployment scaled down whose pods take 20 s to stop, with grace 30 and
 * 5; a timeline delete and a drain with gracePeriodSeconds), graceful-preemption.yaml (the preemptor waits 10 s for its one
 * victim), graceful-node-failure.yaml (pods stay Terminating on a failed
 * node until its kubelet is back; the StatefulSet's member is recreated
 * only then). */
#include "scenario_results.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)

static const char *node_of(const KsResults *r, const KsPodRow *p) {
  return p->node >= 0 ? r->nodes[p->node].name : "-";
}

/* Counts the pods of prefix by (created, finished, outcome). */
static guint count(const KsResults *r, const char *prefix, gint64 created, gint64 finished,
                   KsPodOutcome outcome) {
  guint n = 0;
  for (gsize i = 0; i < r->n_pods; i++) {
    const KsPodRow *p = &r->pods[i];
    if (g_str_has_prefix(p->name, prefix) && p->created_us == created &&
        p->finished_us == finished && p->outcome == outcome)
      n++;
  }
  return n;
}

static guint pods_of(const KsResults *r, const char *prefix) {
  guint n = 0;
  for (gsize i = 0; i < r->n_pods; i++)
    n += g_str_has_prefix(r->pods[i].name, prefix);
  return n;
}

static void test_scale_down(void **state) {
  (void)state;
  KsResults *r = ks_test_run_bundled_scenario("graceful-scale-down.yaml");
  /* slow: two deleted at 100 s, gone at 120 s (shutdown 20 s < grace 30 s);
   * two new at 110 s, beside them; the survivor and those two drained at
   * 175 s with grace 4: gone at 179 s, replaced at 175 s, Pending */
  assert_int_equal(pods_of(r, "slow-"), 8);
  assert_int_equal(count(r, "slow-", 0, S(120), KS_OUTCOME_DELETED), 2);
  assert_int_equal(count(r, "slow-", 0, S(179), KS_OUTCOME_DELETED), 1);
  assert_int_equal(count(r, "slow-", S(110), S(179), KS_OUTCOME_DELETED), 2);
  assert_int_equal(count(r, "slow-", S(175), -1, KS_OUTCOME_PENDING), 3);
  for (gsize i = 0; i < r->n_pods; i++)
    if (g_str_has_prefix(r->pods[i].name, "slow-") && r->pods[i].created_us == S(110)) {
      assert_int_equal(r->pods[i].scheduled_us, S(110));
      assert_int_equal(r->pods[i].started_us, S(111));
    }
  /* quick: grace 5 s, SIGKILL at 105 s; the survivor drained */
  assert_int_equal(pods_of(r, "quick-"), 4);
  assert_int_equal(count(r, "quick-", 0, S(105), KS_OUTCOME_DELETED), 2);
  assert_int_equal(count(r, "quick-", 0, S(179), KS_OUTCOME_DELETED), 1);
  assert_int_equal(count(r, "quick-", S(175), -1, KS_OUTCOME_PENDING), 1);
  /* timeline delete: gracePeriodSeconds 2 wins over the pod's 30 */
  const KsPodRow *p = ks_test_pod_row(r, "single");
  assert_int_equal(p->outcome, KS_OUTCOME_DELETED);
  assert_int_equal(p->finished_us, S(152));
  p = ks_test_pod_row(r, "single-default");
  assert_int_equal(p->outcome, KS_OUTCOME_DELETED);
  assert_int_equal(p->finished_us, S(170));
  ks_results_free(r);
}

static void test_preemption(void **state) {
  (void)state;
  KsResults *r = ks_test_run_bundled_scenario("graceful-preemption.yaml");
  const KsPodRow *v = ks_test_pod_row(r, "victim");
  assert_int_equal(v->outcome, KS_OUTCOME_DELETED);
  assert_int_equal(v->finished_us, S(40));
  const KsPodRow *b = ks_test_pod_row(r, "bystander");
  assert_int_equal(b->outcome, KS_OUTCOME_RUNNING); /* only one victim */
  const KsPodRow *p = ks_test_pod_row(r, "preemptor");
  assert_int_equal(p->created_us, S(30));
  assert_int_equal(p->scheduled_us, S(40)); /* 10 s later, not earlier */
  assert_int_equal(p->started_us, S(41));
  assert_string_equal(node_of(r, p), "n-0");
  ks_results_free(r);
}

static void test_node_failure(void **state) {
  (void)state;
  KsResults *r = ks_test_run_bundled_scenario("graceful-node-failure.yaml");
  /* PodGC force-deletes stuck on the out-of-service node at its 220 s check */
  const KsPodRow *p = ks_test_pod_row(r, "stuck");
  assert_int_equal(p->outcome, KS_OUTCOME_DELETED);
  assert_int_equal(p->finished_us, S(220));
  /* DELETEd at 440 s, gone when big-0's kubelet is back at 600 s */
  assert_int_equal(count(r, "db-0", 0, S(600), KS_OUTCOME_DELETED), 1);
  assert_int_equal(count(r, "web-", 0, S(600), KS_OUTCOME_DELETED), 1);
  /* the ReplicaSet replaced web's pod at the DELETE, the StatefulSet db-0
   * only once it was gone */
  assert_int_equal(count(r, "web-", S(440), -1, KS_OUTCOME_RUNNING), 1);
  assert_int_equal(count(r, "db-0", S(600), -1, KS_OUTCOME_RUNNING), 1);
  assert_int_equal(pods_of(r, "db-"), 2);
  assert_int_equal(pods_of(r, "web-"), 2);
  for (gsize i = 0; i < r->n_pods; i++) {
    const KsPodRow *w = &r->pods[i];
    if (w->created_us == S(440)) {
      assert_string_equal(node_of(r, w), "small-0");
      assert_int_equal(w->started_us, S(441));
    }
    if (w->created_us == S(600)) {
      assert_string_equal(w->name, "db-0");
      assert_string_equal(node_of(r, w), "big-0");
      assert_int_equal(w->scheduled_us, S(600));
      assert_int_equal(w->started_us, S(601));
    }
  }
  ks_results_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_scale_down),
    cmocka_unit_test(test_preemption),
    cmocka_unit_test(test_node_failure),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
