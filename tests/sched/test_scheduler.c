/* ScheduleOne end to end through the public API: exact placements on three
 * nodes, the upstream FitError message, numFeasibleNodesToFind
 * (TestNumFeasibleNodesToFind), round-robin search start
 * (TestFairEvaluationForNodes), seeded tie-break determinism, requeueing on
 * node add / pod delete with the tick grid, gates, and bind failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sched/cache.h"
#include "sched/scheduler.h"

#define SEC G_GINT64_CONSTANT(1000000)

static KsNode *node(const char *name, const char *cpu, const char *mem) {
  KsNode *n = ks_node_new(name);
  assert_true(ks_resource_list_set_quantity(&n->allocatable, "cpu", cpu, NULL));
  assert_true(ks_resource_list_set_quantity(&n->allocatable, "memory", mem, NULL));
  ks_resource_list_set(&n->allocatable, "pods", 110);
  return n;
}

static void add_node(KsScheduler *s, const char *name, const char *cpu, const char *mem,
                     gint64 now) {
  KsNode *n = node(name, cpu, mem);
  ks_sched_add_node(s, n, now);
  ks_node_unref(n);
}

static KsPod *pod(const char *name, const char *cpu, const char *mem) {
  KsPod *p = ks_pod_new("default", name);
  if (cpu) {
    KsContainer *c = ks_pod_add_container(p, "c", FALSE);
    assert_true(ks_resource_list_set_quantity(&c->requests, "cpu", cpu, NULL));
    assert_true(ks_resource_list_set_quantity(&c->requests, "memory", mem, NULL));
  }
  return p;
}

static KsScheduler *new_sched(guint64 seed, gint32 pct) {
  KsSchedConfig cfg;
  ks_sched_config_init_defaults(&cfg);
  cfg.seed = seed;
  cfg.percentage_of_nodes_to_score = pct;
  GError *err = NULL;
  KsScheduler *s = ks_sched_new(&cfg, &err);
  assert_null(err);
  return s;
}

/* Schedules one pod and binds it at once; returns the node name (static). */
static const char *schedule_and_bind(KsScheduler *s, KsPod *p, gint64 now) {
  static char node_name[64];
  ks_sched_add_pending_pod(s, p, now);
  KsSchedResult r;
  ks_sched_schedule_one(s, now, &r);
  if (r.kind != KS_SCHED_RESULT_SCHEDULED)
    return r.kind == KS_SCHED_RESULT_UNSCHEDULABLE ? "<unschedulable>" : "<other>";
  g_strlcpy(node_name, r.node, sizeof node_name);
  ks_sched_bind_done(s, p, TRUE, now);
  ks_sched_add_assigned_pod(s, p, node_name, now);
  return node_name;
}

static void three_nodes(KsScheduler *s) {
  add_node(s, "n1", "4", "4Gi", 0);
  add_node(s, "n2", "2", "4Gi", 0);
  add_node(s, "n3", "1", "4Gi", 0);
}

/* The v1.31 default profile, 500m/512Mi pods on n1 4cpu, n2 2cpu, n3 1cpu
 * (4Gi each). Totals (hand computed) = LeastAllocated + BalancedAllocation
 * + 3 x 100 TaintToleration (no taints: every node normalizes to 100);
 * ImageLocality 0, NodeAffinity/PodTopologySpread/InterPodAffinity skip:
 *   p0: n1 87+100, n2 81+93, n3 68+81      -> n1
 *   p1: n1 75+100 = 175 vs n2 174           -> n1
 *   p2: n1 62+100 = 162 vs n2 174           -> n2
 *   p3: n1 162, n2 62+87 = 149, n3 68+81    -> n1 */
static void test_placements(void **state) {
  KsScheduler *s = new_sched(1, 0);
  three_nodes(s);
  static const char *want[] = {"n1", "n1", "n2", "n1"};
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    char name[16];
    g_snprintf(name, sizeof name, "p%u", i);
    KsPod *p = pod(name, "500m", "512Mi");
    assert_string_equal(schedule_and_bind(s, p, (gint64)i), want[i]);
    ks_pod_unref(p);
  }
  KsSchedCache *c = ks_sched_cache(s);
  gint n1 = ks_sched_cache_node_slot(c, "n1");
  assert_true(c->req_cpu[n1] == 1500);
  assert_int_equal(c->pod_count[n1], 3);
  assert_int_equal(ks_sched_pending_len(s), 0);
  ks_sched_free(s);
}

static void test_unschedulable_message(void **state) {
  KsScheduler *s = new_sched(1, 0);
  three_nodes(s);
  KsPod *big = pod("big", "10", "1Gi");
  ks_sched_add_pending_pod(s, big, 0);
  KsSchedResult r;
  ks_sched_schedule_one(s, 0, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_UNSCHEDULABLE);
  /* The default profile has DefaultPreemption: with no pods to preempt, its
   * verdict is appended as upstream's FitError does. */
  assert_string_equal(r.message, "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 "
                                 "nodes are available: 3 No preemption victims found for incoming "
                                 "pod.");
  assert_int_equal(r.n_victims, 0);
  assert_int_equal(r.feasible_nodes, 0);
  assert_int_equal(r.nodes_examined, 3);
  assert_int_equal(r.attempts, 1);

  /* reasons histogram, sorted as upstream sorts "count reason" strings */
  KsPod *both = pod("both", "3", "5Gi");
  ks_sched_add_pending_pod(s, both, 0);
  ks_sched_schedule_one(s, 0, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_UNSCHEDULABLE);
  assert_string_equal(r.message,
                      "0/3 nodes are available: 2 Insufficient cpu, 3 Insufficient memory. "
                      "preemption: 0/3 nodes are available: 3 No preemption victims found for "
                      "incoming pod.");
  assert_int_equal(ks_sched_pending_len(s), 2);
  ks_pod_unref(big);
  ks_pod_unref(both);
  ks_sched_free(s);
}

static void test_no_nodes(void **state) {
  KsScheduler *s = new_sched(1, 0);
  KsPod *p = pod("p", "1", "1Gi");
  ks_sched_add_pending_pod(s, p, 0);
  KsSchedResult r;
  ks_sched_schedule_one(s, 0, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_ERROR);
  assert_string_equal(r.message, "no nodes available to schedule pods");
  ks_sched_schedule_one(s, 0, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_NONE); /* in backoff */
  ks_pod_unref(p);
  ks_sched_free(s);
}

/* TestNumFeasibleNodesToFind */
static void test_num_feasible_nodes_to_find(void **state) {
  static const struct {
    gint32 pct, n, want;
  } cases[] = {
      {0, 10, 10}, {40, 10, 10}, {0, 1000, 420}, {40, 1000, 400},
      {0, 6000, 300}, {40, 6000, 2400}, {0, 100, 100}, {0, 125, 100},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
    assert_int_equal(ks_sched_num_feasible_nodes_to_find(cases[i].pct, cases[i].n), cases[i].want);
}

/* TestFairEvaluationForNodes: 500 feasible nodes, 30 % -> 150 examined per
 * pod; the search start advances by 150 modulo 500. */
static void test_fair_evaluation(void **state) {
  KsScheduler *s = new_sched(7, 30);
  for (guint i = 0; i < 500; i++) {
    char name[16];
    g_snprintf(name, sizeof name, "node-%03u", i);
    add_node(s, name, "100", "100Gi", 0);
  }
  for (guint i = 0; i < 10; i++) {
    char name[16];
    g_snprintf(name, sizeof name, "p%u", i);
    KsPod *p = pod(name, NULL, NULL);
    ks_sched_add_pending_pod(s, p, 0);
    KsSchedResult r;
    ks_sched_schedule_one(s, 0, &r);
    assert_int_equal(r.kind, KS_SCHED_RESULT_SCHEDULED);
    assert_int_equal(r.nodes_examined, 150);
    assert_int_equal(r.feasible_nodes, 150);
    assert_int_equal(ks_sched_next_start_node_index(s), (i + 1) * 150 % 500);
    ks_sched_bind_done(s, p, TRUE, 0);
    ks_pod_unref(p);
  }
  ks_sched_free(s);
}

/* Pods without containers leave every node tied forever: the choice is the
 * seeded reservoir draw alone. */
static void tie_sequence(guint64 seed, char *out, guint n) {
  KsScheduler *s = new_sched(seed, 0);
  three_nodes(s);
  for (guint i = 0; i < n; i++) {
    char name[16];
    g_snprintf(name, sizeof name, "p%u", i);
    KsPod *p = pod(name, NULL, NULL);
    const char *where = schedule_and_bind(s, p, 0);
    out[i] = where[1]; /* '1', '2' or '3' */
    ks_pod_unref(p);
  }
  out[n] = '\0';
  ks_sched_free(s);
}

static void test_tie_break_determinism(void **state) {
  char a[61], b[61], c[61];
  tie_sequence(42, a, 60);
  tie_sequence(42, b, 60);
  tie_sequence(43, c, 60);
  assert_string_equal(a, b);
  assert_string_not_equal(a, c);
  assert_non_null(strchr(a, '1'));
  assert_non_null(strchr(a, '2'));
  assert_non_null(strchr(a, '3'));
}

/* An unschedulable pod waits; a node add that it fits moves it (pre-check),
 * one it does not fit leaves it alone. */
static void test_node_add_moves_pod(void **state) {
  KsScheduler *s = new_sched(1, 0);
  three_nodes(s);
  KsPod *big = pod("big", "8", "1Gi");
  ks_sched_add_pending_pod(s, big, 0);
  KsSchedResult r;
  ks_sched_schedule_one(s, 0, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_UNSCHEDULABLE);
  assert_int_equal(ks_sched_active_len(s), 0);

  add_node(s, "small", "2", "4Gi", 20 * SEC);
  ks_sched_tick(s, 20 * SEC);
  assert_int_equal(ks_sched_active_len(s), 0); /* pre-check: would not fit */

  add_node(s, "huge", "16", "64Gi", 21 * SEC);
  assert_int_equal(ks_sched_active_len(s), 1); /* backoff expired at 1 s */
  ks_sched_schedule_one(s, 21 * SEC, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_SCHEDULED);
  assert_string_equal(r.node, "huge");
  assert_int_equal(r.attempts, 2);
  ks_pod_unref(big);
  ks_sched_free(s);
}

/* Deleting an assigned pod moves the waiting pod; backoff is honoured on the
 * 1 s grid and next_wakeup names the grid point. */
static void test_pod_delete_moves_pod(void **state) {
  KsScheduler *s = new_sched(1, 0);
  add_node(s, "only", "1", "4Gi", 0);
  KsPod *first = pod("first", "800m", "1Gi");
  assert_string_equal(schedule_and_bind(s, first, 0), "only");
  KsPod *second = pod("second", "800m", "1Gi");
  ks_sched_add_pending_pod(s, second, 100000);
  KsSchedResult r;
  ks_sched_schedule_one(s, 100000, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_UNSCHEDULABLE);
  /* unschedulable since 0.1 s: flushed at the first 30 s grid point after 300.1 s */
  assert_true(ks_sched_next_wakeup(s, 100000) == 330 * SEC);

  ks_sched_remove_pod(s, first, 500000);
  assert_int_equal(ks_sched_active_len(s), 0); /* backing off until 1.1 s */
  assert_true(ks_sched_next_wakeup(s, 500000) == 2 * SEC);
  ks_sched_tick(s, 1500000); /* grid says 1 s had passed; not yet expired */
  assert_int_equal(ks_sched_active_len(s), 0);
  ks_sched_tick(s, 1700000); /* no grid point since the last flush: nothing */
  assert_int_equal(ks_sched_active_len(s), 0);
  ks_sched_tick(s, 2 * SEC);
  assert_int_equal(ks_sched_active_len(s), 1);
  ks_sched_schedule_one(s, 2 * SEC, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_SCHEDULED);
  ks_pod_unref(first);
  ks_pod_unref(second);
  ks_sched_free(s);
}

static void test_gated_pod(void **state) {
  KsScheduler *s = new_sched(1, 0);
  three_nodes(s);
  KsPod *p = pod("gated", "100m", "100Mi");
  p->scheduling_gates = g_new0(char *, 2);
  p->scheduling_gates[0] = g_strdup("wait");
  ks_sched_add_pending_pod(s, p, 0);
  KsSchedResult r;
  ks_sched_schedule_one(s, 0, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_NONE);
  assert_int_equal(ks_sched_pending_len(s), 1);
  assert_true(ks_sched_next_wakeup(s, 0) == G_MAXINT64);
  KsPod *open = ks_pod_copy(p);
  g_strfreev(open->scheduling_gates);
  open->scheduling_gates = NULL;
  ks_sched_update_pending_pod(s, open, 1);
  ks_sched_schedule_one(s, 1, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_SCHEDULED);
  ks_pod_unref(p);
  ks_pod_unref(open);
  ks_sched_free(s);
}

/* A failed bind forgets the assumed pod (its resources are free again) and
 * requeues it to backoff. */
static void test_bind_failure(void **state) {
  KsScheduler *s = new_sched(1, 0);
  add_node(s, "only", "1", "4Gi", 0);
  KsPod *p = pod("p", "800m", "1Gi");
  ks_sched_add_pending_pod(s, p, 0);
  KsSchedResult r;
  ks_sched_schedule_one(s, 0, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_SCHEDULED);
  KsSchedCache *c = ks_sched_cache(s);
  gint slot = ks_sched_cache_node_slot(c, "only");
  assert_true(c->req_cpu[slot] == 800);
  ks_sched_bind_done(s, p, FALSE, 0);
  assert_true(c->req_cpu[slot] == 0);
  assert_int_equal(ks_sched_pending_len(s), 1);
  ks_sched_tick(s, 1 * SEC);
  ks_sched_schedule_one(s, 1 * SEC, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_SCHEDULED);
  assert_int_equal(r.attempts, 2);
  ks_sched_bind_done(s, p, TRUE, 1 * SEC);
  assert_int_equal(ks_sched_pending_len(s), 0);
  ks_pod_unref(p);
  ks_sched_free(s);
}

/* Node tree order: zones interleave round robin. */
static void test_node_tree_order(void **state) {
  KsScheduler *s = new_sched(1, 0);
  static const char *names[] = {"a1", "a2", "b1", "a3", "c1", "b2"};
  static const char *zones[] = {"a", "a", "b", "a", "c", "b"};
  for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
    KsNode *n = node(names[i], "1", "1Gi");
    ks_labels_set(&n->labels, "topology.kubernetes.io/zone", zones[i]);
    ks_sched_add_node(s, n, 0);
    ks_node_unref(n);
  }
  KsSchedCache *c = ks_sched_cache(s);
  static const char *want[] = {"a1", "b1", "c1", "a2", "b2", "a3"};
  assert_int_equal(c->n_order, 6);
  for (guint i = 0; i < 6; i++)
    assert_string_equal(c->nodes[c->order[i]]->name, want[i]);
  ks_sched_remove_node(s, "c1", 0);
  static const char *want2[] = {"a1", "b1", "a2", "b2", "a3"};
  assert_int_equal(c->n_order, 5);
  for (guint i = 0; i < 5; i++)
    assert_string_equal(c->nodes[c->order[i]]->name, want2[i]);
  ks_sched_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_placements),
      cmocka_unit_test(test_unschedulable_message),
      cmocka_unit_test(test_no_nodes),
      cmocka_unit_test(test_num_feasible_nodes_to_find),
      cmocka_unit_test(test_fair_evaluation),
      cmocka_unit_test(test_tie_break_determinism),
      cmocka_unit_test(test_node_add_moves_pod),
      cmocka_unit_test(test_pod_delete_moves_pod),
      cmocka_unit_test(test_gated_pod),
      cmocka_unit_test(test_bind_failure),
      cmocka_unit_test(test_node_tree_order),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
