/* The scheduling queue (kube-semantics 1.1, queueing hints OFF): PrioritySort
 * order, FIFO among equal priorities, backoff 1-2-4-8-10 s, the 5 minute
 * unschedulable flush, moves on assigned-pod deletion chosen by the
 * rejecting plugins' registered events, the move-request rule, and gates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sched/framework.h"
#include "sched/queue.h"

#define SEC G_GINT64_CONSTANT(1000000)

typedef struct {
  KsSchedRegistry *reg;
  KsSchedFramework *fw;
  KsSchedQueue *q;
} Env;

static int setup(void **state) {
  Env *e = g_new0(Env, 1);
  e->reg = ks_sched_registry_new();
  e->fw = ks_sched_framework_new_default(e->reg, NULL);
  e->q = ks_sched_queue_new(e->fw, 1 * SEC, 10 * SEC, 300 * SEC);
  *state = e;
  return 0;
}

static int teardown(void **state) {
  Env *e = *state;
  ks_sched_queue_free(e->q);
  ks_sched_framework_free(e->fw);
  ks_sched_registry_free(e->reg);
  g_free(e);
  return 0;
}

static KsPod *pod(const char *name, gint32 prio) {
  KsPod *p = ks_pod_new("default", name);
  p->priority = prio;
  p->has_priority = TRUE;
  return p;
}

static void add(Env *e, const char *name, gint32 prio, gint64 now) {
  KsPod *p = pod(name, prio);
  ks_sched_queue_add(e->q, p, now);
  ks_pod_unref(p);
}

static guint64 bit_of(Env *e, const char *plugin) {
  KsSchedPlugin *p = ks_sched_framework_plugin(e->fw, plugin);
  assert_non_null(p);
  return G_GUINT64_CONSTANT(1) << p->index;
}

static void expect_pop(Env *e, const char *name) {
  KsSchedQueuedPod *qp = ks_sched_queue_pop(e->q);
  assert_non_null(qp);
  assert_string_equal(qp->pod->name, name);
  ks_sched_queue_done(e->q, qp);
}

static void test_priority_order(void **state) {
  Env *e = *state;
  add(e, "low", 1, 0);
  add(e, "high", 10, 5);
  add(e, "mid", 5, 3);
  assert_int_equal(ks_sched_queue_active_len(e->q), 3);
  expect_pop(e, "high");
  expect_pop(e, "mid");
  expect_pop(e, "low");
  assert_null(ks_sched_queue_pop(e->q));
}

static void test_fifo_among_equal_priority(void **state) {
  Env *e = *state;
  add(e, "b", 0, 2);
  add(e, "a", 0, 1);
  add(e, "c", 0, 2); /* same timestamp as b: insertion order decides */
  add(e, "d", 0, 2);
  expect_pop(e, "a");
  expect_pop(e, "b");
  expect_pop(e, "c");
  expect_pop(e, "d");
}

static void test_backoff_durations(void **state) {
  Env *e = *state;
  static const gint64 want[] = {1, 2, 4, 8, 10, 10, 10};
  for (guint i = 0; i < G_N_ELEMENTS(want); i++)
    assert_true(ks_sched_queue_backoff_duration(e->q, (gint32)i + 1) == want[i] * SEC);

  /* the same through failures: an error (no rejector) goes to backoffQ,
   * expiring timestamp + backoff(attempts) */
  add(e, "p", 0, 0);
  gint64 now = 0;
  for (guint i = 0; i < 5; i++) {
    KsSchedQueuedPod *qp = ks_sched_queue_pop(e->q);
    assert_non_null(qp);
    assert_int_equal(qp->attempts, (gint)i + 1);
    ks_sched_queue_requeue(e->q, qp, 0, now);
    assert_int_equal(ks_sched_queue_backoff_len(e->q), 1);
    gint64 expiry = ks_sched_queue_next_backoff_expiry(e->q);
    assert_true(expiry == now + want[i] * SEC);
    ks_sched_queue_flush_backoff(e->q, expiry - 1);
    assert_int_equal(ks_sched_queue_active_len(e->q), 0);
    ks_sched_queue_flush_backoff(e->q, expiry);
    assert_int_equal(ks_sched_queue_active_len(e->q), 1);
    now = expiry;
  }
}

static void test_unschedulable_flush_after_5_minutes(void **state) {
  Env *e = *state;
  add(e, "p", 0, 0);
  KsSchedQueuedPod *qp = ks_sched_queue_pop(e->q);
  ks_sched_queue_requeue(e->q, qp, bit_of(e, "NodeResourcesFit"), 10 * SEC);
  assert_int_equal(ks_sched_queue_unschedulable_len(e->q), 1);
  assert_true(ks_sched_queue_oldest_unschedulable(e->q) == 10 * SEC);
  ks_sched_queue_flush_unschedulable(e->q, 310 * SEC); /* exactly 5 min: not "longer than" */
  assert_int_equal(ks_sched_queue_unschedulable_len(e->q), 1);
  ks_sched_queue_flush_unschedulable(e->q, 310 * SEC + 1);
  assert_int_equal(ks_sched_queue_unschedulable_len(e->q), 0);
  assert_int_equal(ks_sched_queue_active_len(e->q), 1); /* backoff long expired */
}

/* The oldest unschedulable timestamp (when the next flush is due) follows
 * the pods in and out, whatever order they leave in. */
static void test_oldest_unschedulable_tracks_pods(void **state) {
  Env *e = *state;
  guint64 fit = bit_of(e, "NodeResourcesFit");
  add(e, "a", 0, 0);
  add(e, "b", 0, 0);
  add(e, "c", 0, 0);
  const gint64 at[] = {30 * SEC, 10 * SEC, 20 * SEC};
  for (guint i = 0; i < 3; i++)
    ks_sched_queue_requeue(e->q, ks_sched_queue_pop(e->q), fit, at[i]);
  assert_int_equal(ks_sched_queue_unschedulable_len(e->q), 3);
  assert_true(ks_sched_queue_oldest_unschedulable(e->q) == 10 * SEC);
  KsPod *b = pod("b", 0);
  assert_true(ks_sched_queue_delete(e->q, b)); /* the oldest goes */
  ks_pod_unref(b);
  assert_true(ks_sched_queue_oldest_unschedulable(e->q) == 20 * SEC);
  add(e, "d", 0, 40 * SEC);
  ks_sched_queue_requeue(e->q, ks_sched_queue_pop(e->q), fit, 5 * SEC); /* an older one comes */
  assert_true(ks_sched_queue_oldest_unschedulable(e->q) == 5 * SEC);
  ks_sched_queue_flush_unschedulable(e->q, 305 * SEC + 1); /* d leaves */
  assert_int_equal(ks_sched_queue_unschedulable_len(e->q), 2);
  assert_true(ks_sched_queue_oldest_unschedulable(e->q) == 20 * SEC);
  ks_sched_queue_flush_unschedulable(e->q, 330 * SEC + 1); /* the rest leave */
  assert_true(ks_sched_queue_oldest_unschedulable(e->q) == G_MAXINT64);
}

static void test_move_on_assigned_pod_delete(void **state) {
  Env *e = *state;
  add(e, "fit", 0, 0);
  add(e, "other", 0, 0);
  KsSchedQueuedPod *a = ks_sched_queue_pop(e->q);
  ks_sched_queue_requeue(e->q, a, bit_of(e, "NodeResourcesFit"), 0);
  KsSchedQueuedPod *b = ks_sched_queue_pop(e->q);
  /* DefaultBinder registers no events: nothing can move this pod but time */
  ks_sched_queue_requeue(e->q, b, bit_of(e, "DefaultBinder"), 0);
  assert_int_equal(ks_sched_queue_unschedulable_len(e->q), 2);

  /* a node delete is registered by nobody */
  KsSchedClusterEvent node_delete = {KS_SCHED_EV_NODE, KS_SCHED_ACT_DELETE, "NodeDelete"};
  ks_sched_queue_move_all(e->q, &node_delete, NULL, NULL, 500000);
  assert_int_equal(ks_sched_queue_unschedulable_len(e->q), 2);

  /* still backing off (1 s): to backoffQ */
  ks_sched_queue_move_all(e->q, &KS_SCHED_EVENT_ASSIGNED_POD_DELETE, NULL, NULL, 500000);
  assert_int_equal(ks_sched_queue_unschedulable_len(e->q), 1);
  assert_int_equal(ks_sched_queue_backoff_len(e->q), 1);
  ks_sched_queue_flush_backoff(e->q, 1 * SEC);
  expect_pop(e, "fit");
}

static void test_move_request_during_cycle_goes_to_backoff(void **state) {
  Env *e = *state;
  add(e, "p", 0, 0);
  KsSchedQueuedPod *qp = ks_sched_queue_pop(e->q);
  /* an event while the pod is being scheduled */
  ks_sched_queue_move_all(e->q, &KS_SCHED_EVENT_ASSIGNED_POD_DELETE, NULL, NULL, 0);
  ks_sched_queue_requeue(e->q, qp, bit_of(e, "NodeResourcesFit"), 0);
  assert_int_equal(ks_sched_queue_unschedulable_len(e->q), 0);
  assert_int_equal(ks_sched_queue_backoff_len(e->q), 1);
}

static void test_scheduling_gates(void **state) {
  Env *e = *state;
  KsPod *p = pod("gated", 0);
  p->scheduling_gates = g_new0(char *, 2);
  p->scheduling_gates[0] = g_strdup("example.com/wait");
  ks_sched_queue_add(e->q, p, 0);
  assert_int_equal(ks_sched_queue_active_len(e->q), 0);
  assert_int_equal(ks_sched_queue_unschedulable_len(e->q), 1);
  assert_null(ks_sched_queue_pop(e->q));

  /* neither events nor the timeout flush move a gated pod */
  ks_sched_queue_move_all(e->q, &KS_SCHED_EVENT_ASSIGNED_POD_DELETE, NULL, NULL, 1);
  ks_sched_queue_flush_unschedulable(e->q, 3600 * SEC);
  assert_int_equal(ks_sched_queue_unschedulable_len(e->q), 1);
  assert_true(ks_sched_queue_oldest_unschedulable(e->q) == G_MAXINT64);

  /* an update that keeps a gate: still gated */
  KsPod *p2 = ks_pod_copy(p);
  assert_true(ks_sched_queue_update(e->q, p2, 2));
  assert_int_equal(ks_sched_queue_active_len(e->q), 0);

  /* an update that removes the gates admits it */
  KsPod *p3 = ks_pod_copy(p);
  g_strfreev(p3->scheduling_gates);
  p3->scheduling_gates = NULL;
  assert_true(ks_sched_queue_update(e->q, p3, 3));
  assert_int_equal(ks_sched_queue_unschedulable_len(e->q), 0);
  expect_pop(e, "gated");
  ks_pod_unref(p);
  ks_pod_unref(p2);
  ks_pod_unref(p3);
}

static void test_delete_pending(void **state) {
  Env *e = *state;
  add(e, "a", 0, 0);
  add(e, "b", 0, 0);
  KsPod *key = ks_pod_new("default", "a");
  assert_true(ks_sched_queue_delete(e->q, key));
  assert_false(ks_sched_queue_delete(e->q, key));
  ks_pod_unref(key);
  expect_pop(e, "b");
  assert_null(ks_sched_queue_pop(e->q));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_priority_order, setup, teardown),
      cmocka_unit_test_setup_teardown(test_fifo_among_equal_priority, setup, teardown),
      cmocka_unit_test_setup_teardown(test_backoff_durations, setup, teardown),
      cmocka_unit_test_setup_teardown(test_unschedulable_flush_after_5_minutes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_oldest_unschedulable_tracks_pods, setup, teardown),
      cmocka_unit_test_setup_teardown(test_move_on_assigned_pod_delete, setup, teardown),
      cmocka_unit_test_setup_teardown(test_move_request_during_cycle_goes_to_backoff, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_scheduling_gates, setup, teardown),
      cmocka_unit_test_setup_teardown(test_delete_pending, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
