/* The plugin test harness itself, exercised on NodeResourcesFit: Filter
 * statuses per node and LeastAllocated scores (upstream least_allocated_test
 * "nothing scheduled, nothing requested": both nodes 100). */
#include "tests/sched/plugin_harness.h"

#include "sched/plugins/node_resources_fit.h"
#include "sched/plugins/plugins.h"

static void test_filter_and_score(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_node_resources_fit, NULL);
  ks_test_env_add_node(&e, ks_test_node("node1", "4", "10000"));
  ks_test_env_add_node(&e, ks_test_node("node2", "1", "10000"));
  KsPod *big = ks_pod_new("default", "big");
  assert_true(ks_resource_list_set_quantity(&ks_pod_add_container(big, "c", FALSE)->requests,
                                            "cpu", "2", NULL));
  KsSchedStatus st[2];
  assert_int_equal(ks_test_env_filter(&e, big, st, NULL), KS_SCHED_SUCCESS);
  assert_int_equal(st[0].code, KS_SCHED_SUCCESS);
  assert_int_equal(st[1].code, KS_SCHED_UNSCHEDULABLE);
  assert_string_equal(ks_test_reason(&st[1]), "Insufficient cpu");

  KsPod *empty = ks_pod_new("default", "empty");
  ks_pod_add_container(empty, "c", FALSE);
  ks_test_env_add_pod(&e, ks_pod_copy(empty), "node2");
  gint64 scores[2];
  assert_int_equal(ks_test_env_score(&e, empty, NULL, 0, scores), KS_SCHED_SUCCESS);
  /* node1: cpu (4000-100)*100/4000 = 97, mem (10000-209715200)<0 -> 0: (97+0)/2 = 48 */
  assert_int_equal(scores[0], 48);
  ks_pod_unref(big);
  ks_pod_unref(empty);
  ks_test_env_clear(&e);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_filter_and_score)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
