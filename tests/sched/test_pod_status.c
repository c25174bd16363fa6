/* A pod's status beyond phase: status.reason / message and the conditions
 * other than Ready. ks_pod_set_condition follows upstream's
 * podutil.UpdatePodCondition (transition time moves only with the status;
 * the return value says whether anything changed); copies are deep; none of
 * it is compared by ks_pod_equal_except_status (upstream isPodUpdated strips
 * the whole status). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sched/objects.h"

static void test_set_get(void **state) {
  (void)state;
  KsPod *p = ks_pod_new("ns", "p");
  assert_null(ks_pod_get_condition(p, KS_POD_CONDITION_DISRUPTION_TARGET));
  assert_true(ks_pod_set_condition(p, KS_POD_CONDITION_POD_SCHEDULED, KS_POD_CONDITION_FALSE,
                                   KS_POD_REASON_UNSCHEDULABLE, "0/3 nodes are available", 100));
  assert_true(ks_pod_set_condition(p, KS_POD_CONDITION_DISRUPTION_TARGET, KS_POD_CONDITION_TRUE,
                                   KS_POD_REASON_PREEMPTION_BY_SCHEDULER, NULL, 150));
  assert_int_equal(p->conditions->len, 2);

  /* the same status, reason and message: nothing changes, time kept */
  assert_false(ks_pod_set_condition(p, KS_POD_CONDITION_POD_SCHEDULED, KS_POD_CONDITION_FALSE,
                                    KS_POD_REASON_UNSCHEDULABLE, "0/3 nodes are available", 200));
  const KsPodCondition *c = ks_pod_get_condition(p, KS_POD_CONDITION_POD_SCHEDULED);
  assert_int_equal(c->last_transition_time_us, 100);

  /* a new message with the same status: changed, transition time kept */
  assert_true(ks_pod_set_condition(p, KS_POD_CONDITION_POD_SCHEDULED, KS_POD_CONDITION_FALSE,
                                   KS_POD_REASON_UNSCHEDULABLE, "0/4 nodes are available", 300));
  c = ks_pod_get_condition(p, KS_POD_CONDITION_POD_SCHEDULED);
  assert_int_equal(c->last_transition_time_us, 100);
  assert_string_equal(c->message, "0/4 nodes are available");

  /* a status change moves the transition time; NULL reason clears it;
   * the condition keeps its place */
  assert_true(ks_pod_set_condition(p, KS_POD_CONDITION_POD_SCHEDULED, KS_POD_CONDITION_TRUE, NULL,
                                   NULL, 400));
  c = &g_array_index(p->conditions, KsPodCondition, 0);
  assert_string_equal(c->type, KS_POD_CONDITION_POD_SCHEDULED);
  assert_int_equal(c->status, KS_POD_CONDITION_TRUE);
  assert_int_equal(c->last_transition_time_us, 400);
  assert_null(c->reason);
  assert_null(c->message);

  c = ks_pod_get_condition(p, "DisruptionTarget");
  assert_string_equal(c->reason, "PreemptionByScheduler");
  assert_int_equal(c->last_transition_time_us, 150);

  assert_true(ks_pod_remove_condition(p, KS_POD_CONDITION_POD_SCHEDULED));
  assert_false(ks_pod_remove_condition(p, KS_POD_CONDITION_POD_SCHEDULED));
  assert_int_equal(p->conditions->len, 1);
  assert_string_equal(g_array_index(p->conditions, KsPodCondition, 0).type, "DisruptionTarget");
  ks_pod_unref(p);
}

static void test_status_strings(void **state) {
  (void)state;
  KsPodConditionStatus s = KS_POD_CONDITION_TRUE;
  assert_true(ks_pod_condition_status_from_string("Unknown", &s));
  assert_int_equal(s, KS_POD_CONDITION_UNKNOWN);
  assert_true(ks_pod_condition_status_from_string("False", &s));
  assert_int_equal(s, KS_POD_CONDITION_FALSE);
  assert_false(ks_pod_condition_status_from_string("true", &s));
  assert_int_equal(s, KS_POD_CONDITION_FALSE);
  assert_string_equal(ks_pod_condition_status_to_string(KS_POD_CONDITION_TRUE), "True");
  assert_string_equal(ks_pod_condition_status_to_string((KsPodConditionStatus)7), "?");
}

/* Copies are deep (ASan would see a shared string freed twice) and the
 * status is not compared as spec. */
static void test_copy_and_compare(void **state) {
  (void)state;
  KsPod *a = ks_pod_new("ns", "p");
  ks_pod_add_container(a, "c", FALSE);
  ks_pod_set_status_reason(a, "Evicted", "The node was low on resource: memory.");
  ks_pod_set_condition(a, KS_POD_CONDITION_DISRUPTION_TARGET, KS_POD_CONDITION_TRUE,
                       KS_POD_REASON_TERMINATION_BY_KUBELET, "evicted", 7);
  KsPod *b = ks_pod_copy(a);
  assert_string_equal(b->reason, "Evicted");
  assert_string_equal(b->message, "The node was low on resource: memory.");
  assert_ptr_not_equal(b->reason, a->reason);
  const KsPodCondition *c = ks_pod_get_condition(b, "DisruptionTarget");
  assert_non_null(c);
  assert_ptr_not_equal(c, ks_pod_get_condition(a, "DisruptionTarget"));
  assert_string_equal(c->message, "evicted");
  assert_int_equal(c->last_transition_time_us, 7);
  assert_true(ks_pod_equal_except_status(a, b));

  /* changing any of it on the copy leaves the original and the equality */
  ks_pod_set_status_reason(b, NULL, NULL);
  ks_pod_set_condition(b, KS_POD_CONDITION_DISRUPTION_TARGET, KS_POD_CONDITION_FALSE, NULL, NULL,
                       9);
  ks_pod_set_condition(b, KS_POD_CONDITION_POD_SCHEDULED, KS_POD_CONDITION_TRUE, NULL, NULL, 9);
  assert_null(b->reason);
  assert_null(b->message);
  assert_true(ks_pod_equal_except_status(a, b));
  assert_string_equal(a->reason, "Evicted");
  assert_int_equal(a->conditions->len, 1);
  assert_int_equal(ks_pod_get_condition(a, "DisruptionTarget")->status, KS_POD_CONDITION_TRUE);
  /* a copy of a pod without conditions has none */
  KsPod *n = ks_pod_new("ns", "q");
  KsPod *nc = ks_pod_copy(n);
  assert_null(nc->conditions);
  assert_null(nc->reason);
  ks_pod_unref(nc);
  ks_pod_unref(n);
  ks_pod_unref(b);
  ks_pod_unref(a);
}

/* PodLimits: summed and folded like requests, only for resources every
 * container limits. Containers 1/1Gi and 500m/512Mi, an init container
 * 2/100Mi: cpu max(1500, 2000) = 2000, memory max(1.5Gi, 100Mi) = 1.5Gi,
 * no ephemeral-storage (nobody limits it). */
static void test_limits(void **state) {
  (void)state;
  KsPod *p = ks_pod_new("ns", "p");
  KsContainer *c = ks_pod_add_container(p, "a", FALSE);
  ks_resource_list_set_quantity(&c->limits, "cpu", "1", NULL);
  ks_resource_list_set_quantity(&c->limits, "memory", "1Gi", NULL);
  c = ks_pod_add_container(p, "b", FALSE);
  ks_resource_list_set_quantity(&c->limits, "cpu", "500m", NULL);
  ks_resource_list_set_quantity(&c->limits, "memory", "512Mi", NULL);
  KsContainer *init = ks_pod_add_container(p, "init", TRUE);
  ks_resource_list_set_quantity(&init->limits, "cpu", "2", NULL);
  ks_resource_list_set_quantity(&init->limits, "memory", "100Mi", NULL);
  KsResourceList l;
  ks_pod_compute_limits(p, &l);
  assert_int_equal(l.milli_cpu, 2000);
  assert_true(l.memory == 1536LL * 1024 * 1024);
  assert_false(ks_resource_list_has(&l, "ephemeral-storage"));
  ks_resource_list_clear(&l);
  /* a sidecar after the init container adds to the sum (1500 + 300 = 1800)
   * but not to the init step before it (2000): max(1800, 2000) */
  KsContainer *side = ks_pod_add_container(p, "side", TRUE);
  side->restart_always = TRUE;
  ks_resource_list_set_quantity(&side->limits, "cpu", "300m", NULL);
  ks_resource_list_set_quantity(&side->limits, "memory", "10Mi", NULL);
  ks_pod_compute_limits(p, &l);
  assert_int_equal(l.milli_cpu, 2000);
  ks_resource_list_clear(&l);
  /* one container without a memory limit: no pod memory limit */
  ks_resource_list_clear(&side->limits);
  ks_resource_list_init(&side->limits);
  ks_resource_list_set_quantity(&side->limits, "cpu", "300m", NULL);
  ks_pod_compute_limits(p, &l);
  assert_true(ks_resource_list_has(&l, "cpu"));
  assert_false(ks_resource_list_has(&l, "memory"));
  ks_resource_list_clear(&l);
  ks_pod_unref(p);
}

static void test_container_state_copy(void **state) {
  (void)state;
  KsPod *p = ks_pod_new("ns", "p");
  KsContainerState t = {KS_CONTAINER_TERMINATED, "OOMKilled", "killed", 137, 5, 9};
  ks_container_state_set(&p->last_state, &t);
  KsContainerState w = {KS_CONTAINER_WAITING, "CrashLoopBackOff", NULL, 0, 0, 0};
  ks_container_state_set(&p->container_state, &w);
  KsPod *c = ks_pod_copy(p);
  ks_container_state_clear(&p->last_state);
  assert_int_equal(c->last_state.kind, KS_CONTAINER_TERMINATED);
  assert_string_equal(c->last_state.reason, "OOMKilled");
  assert_string_equal(c->last_state.message, "killed");
  assert_int_equal(c->last_state.exit_code, 137);
  assert_true(c->last_state.started_at_us == 5 && c->last_state.finished_at_us == 9);
  assert_string_equal(c->container_state.reason, "CrashLoopBackOff");
  assert_true(ks_pod_equal_except_status(p, c));
  assert_string_equal(ks_container_state_kind_to_string(KS_CONTAINER_WAITING), "waiting");
  ks_pod_unref(c);
  ks_pod_unref(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_set_get),
      cmocka_unit_test(test_status_strings),
      cmocka_unit_test(test_copy_and_compare),
      cmocka_unit_test(test_limits),
      cmocka_unit_test(test_container_state_copy),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
