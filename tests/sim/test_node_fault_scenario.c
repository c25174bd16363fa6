/* A node failure through a whole run: tests/scenarios/node-failure.yaml
 * (times worked out in the file): pods are deleted from the failed node
 * after their tolerationSeconds, stay Terminating until its kubelet is back
 * (600 s; graceful termination), and the Deployment's pod comes back
 * elsewhere at the DELETE (the ReplicaSet ignores terminating pods). */
#include "scenario_results.h"

#include "sim/metrics.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)

static const char *node_of(const KsResults *r, const KsPodRow *p) {
  return p->node >= 0 ? r->nodes[p->node].name : "-";
}

static void test_node_failure(void **state) {
  (void)state;
  KsResults *r = ks_test_run_bundled_scenario("node-failure.yaml");
  const KsPodRow *p = ks_test_pod_row(r, "short");
  assert_string_equal(node_of(r, p), "n-0");
  assert_int_equal(p->outcome, KS_OUTCOME_DELETED);
  assert_int_equal(p->finished_us, S(600)); /* DELETE at 200 s, kubelet back at 600 s */
  p = ks_test_pod_row(r, "plain");
  assert_int_equal(p->outcome, KS_OUTCOME_DELETED);
  assert_int_equal(p->finished_us, S(600)); /* DELETE at 440 s */
  p = ks_test_pod_row(r, "forever");
  assert_string_equal(node_of(r, p), "n-0");
  assert_int_equal(p->outcome, KS_OUTCOME_RUNNING);
  /* web: three first pods, one per node; the one on n-0 deleted at 440 s
   * (gone at 600 s) and replaced at once on another node */
  guint first = 0, replaced = 0, on_n0 = 0;
  for (gsize i = 0; i < r->n_pods; i++) {
    const KsPodRow *w = &r->pods[i];
    if (!g_str_has_prefix(w->name, "web-"))
      continue;
    if (w->created_us == 0) {
      first++;
      if (!strcmp(node_of(r, w), "n-0")) {
        on_n0++;
        assert_int_equal(w->outcome, KS_OUTCOME_DELETED);
        assert_int_equal(w->finished_us, S(600));
      } else {
        assert_int_equal(w->outcome, KS_OUTCOME_RUNNING);
      }
    } else {
      replaced++;
      assert_int_equal(w->created_us, S(440));
      assert_int_equal(w->scheduled_us, S(440));
      assert_int_equal(w->started_us, S(441));
      assert_string_not_equal(node_of(r, w), "n-0");
      assert_int_equal(w->outcome, KS_OUTCOME_RUNNING);
    }
  }
  assert_int_equal(first, 3);
  assert_int_equal(on_n0, 1);
  assert_int_equal(replaced, 1);
  /* the taint eviction controller evicted short, plain and web's pod on
   * n-0 (DisruptionTarget DeletionByTaintManager): the evictions metric */
  KsMetrics *m = ks_metrics_compute(r);
  assert_true(ks_metrics_value(m, "evictions") == 3.0);
  ks_metrics_free(m);
  ks_results_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_node_failure),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
