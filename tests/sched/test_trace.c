/* The per-cycle trace (`ksim explain`): ks_sched_trace_next_cycle.
 *
 * A small profile makes every number hand-checkable: PrioritySort,
 * NodeResourcesFit (LeastAllocated, weight 2), TaintToleration (weight 3),
 * DefaultPreemption, DefaultBinder. Nodes n1 (4 cpu, 4Gi), n2 (2 cpu, 4Gi,
 * one PreferNoSchedule taint), n3 (1 cpu, 4Gi); the pod asks 1500m/512Mi.
 *   NodeResourcesFit: n1 cpu 62, mem 87 -> 74; n2 cpu 25, mem 87 -> 56;
 *                     n3 (1500m > 1 cpu: filtered) cpu 0, mem 87 -> 43
 *   TaintToleration raw (intolerable PreferNoSchedule taints): n1 0, n2 1,
 *   n3 0, normalized reversed against the max 1: 100, 0, 100.
 *   totals: n1 74x2 + 100x3 = 448; n2 56x2 + 0 = 112; (n3 43x2 + 300 = 386)
 * Finally: with and without a trace, a random cluster gets the same
 * placements (tracing must not change decisions). */
#include "tests/sched/plugin_harness.h"

#include "sched/rng.h"
#include "sched/scheduler.h"
#include "sched/trace.h"

static KsScheduler *small_sched(void) {
  KsSchedRegistry *r = ks_sched_registry_new();
  KsSchedPluginConfig pcs[] = {{"PrioritySort", 0, NULL},     {"NodeResourcesFit", 2, NULL},
                               {"TaintToleration", 3, NULL},  {"DefaultPreemption", 0, NULL},
                               {"DefaultBinder", 0, NULL}};
  GError *err = NULL;
  KsSchedFramework *fw = ks_sched_framework_new(r, "t", pcs, G_N_ELEMENTS(pcs), &err);
  ks_sched_registry_free(r);
  if (!fw)
    fail_msg("profile: %s", err->message);
  KsScheduler *s = ks_sched_new_with_profile(NULL, fw, NULL);
  KsNode *n1 = ks_test_node("n1", "4", "4Gi"), *n2 = ks_test_node("n2", "2", "4Gi"),
         *n3 = ks_test_node("n3", "1", "4Gi");
  n2->taints = g_array_new(FALSE, TRUE, sizeof(KsTaint));
  g_array_set_clear_func(n2->taints, (GDestroyNotify)ks_taint_clear);
  KsTaint t = {.key = g_strdup("k"), .value = g_strdup("v"), .effect = KS_TAINT_EFFECT_PREFER_NO_SCHEDULE};
  g_array_append_val(n2->taints, t);
  ks_sched_add_node(s, n1, 0);
  ks_sched_add_node(s, n2, 0);
  ks_sched_add_node(s, n3, 0);
  ks_node_unref(n1);
  ks_node_unref(n2);
  ks_node_unref(n3);
  return s;
}

static KsPod *pod(const char *name, const char *cpu, gint32 prio) {
  KsPod *p = ks_pod_new("default", name);
  p->has_priority = TRUE;
  p->priority = prio;
  KsContainer *c = ks_pod_add_container(p, "c", FALSE);
  assert_true(ks_resource_list_set_quantity(&c->requests, "cpu", cpu, NULL));
  assert_true(ks_resource_list_set_quantity(&c->requests, "memory", "512Mi", NULL));
  return p; /* transfer full */
}

static const KsSchedTraceNode *row(const KsSchedTrace *t, guint i) {
  assert_true(i < t->nodes->len);
  return &g_array_index(t->nodes, KsSchedTraceNode, i);
}

static void assert_score(const KsSchedTraceNode *n, guint k, const char *plugin, gint64 raw,
                         gint64 normalized, gint32 weight) {
  assert_true(k < n->n_scores);
  assert_string_equal(n->scores[k].plugin, plugin);
  assert_int_equal(n->scores[k].raw, raw);
  assert_int_equal(n->scores[k].normalized, normalized);
  assert_int_equal(n->scores[k].weight, weight);
  assert_int_equal(n->scores[k].weighted, normalized * weight);
}

/* Runs one traced cycle for p (transfer full). */
static void traced_cycle(KsScheduler *s, KsPod *p, KsSchedTrace *t, KsSchedResult *r) {
  assert_true(ks_sched_add_pending_pod(s, p, 0));
  ks_sched_trace_next_cycle(s, t);
  ks_sched_schedule_one(s, 0, r);
  ks_pod_unref(p);
}

static void test_feasible_and_scores(void **state) {
  (void)state;
  KsScheduler *s = small_sched();
  KsSchedTrace t;
  ks_sched_trace_init(&t, FALSE);
  KsSchedResult r;
  traced_cycle(s, pod("p", "1500m", 0), &t, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_SCHEDULED);
  assert_string_equal(t.pod, "default/p");
  assert_string_equal(t.selected, "n1");
  assert_null(t.message);
  assert_null(t.nominated);
  assert_int_equal(t.pre_filter.code, KS_SCHED_SUCCESS);
  assert_int_equal(t.nodes->len, 3);
  const KsSchedTraceNode *n1 = row(&t, 0), *n2 = row(&t, 1), *n3 = row(&t, 2);
  assert_string_equal(n1->name, "n1");
  assert_string_equal(n3->name, "n3");
  assert_true(n1->examined && n1->feasible && n1->scored);
  assert_score(n1, 0, "NodeResourcesFit", 74, 74, 2);
  assert_score(n1, 1, "TaintToleration", 0, 100, 3);
  assert_int_equal(n1->total, 448);
  assert_score(n2, 0, "NodeResourcesFit", 56, 56, 2);
  assert_score(n2, 1, "TaintToleration", 1, 0, 3);
  assert_int_equal(n2->total, 112);
  assert_true(n3->examined);
  assert_false(n3->feasible);
  assert_false(n3->scored);
  assert_string_equal(n3->status.plugin, "NodeResourcesFit");
  assert_string_equal(ks_test_reason(&n3->status), "Insufficient cpu");
  /* the trace is for one cycle: the next one leaves it alone */
  KsPod *q = pod("q", "100m", 0);
  assert_true(ks_sched_add_pending_pod(s, q, 0));
  ks_sched_schedule_one(s, 0, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_SCHEDULED);
  assert_string_equal(t.pod, "default/p");
  ks_pod_unref(q);
  ks_sched_trace_clear(&t);
  ks_sched_free(s);
}

/* score_all: the infeasible n3 is scored too (as upstream score-plugin
 * tests score every node given) but never selected. */
static void test_score_all(void **state) {
  (void)state;
  KsScheduler *s = small_sched();
  KsSchedTrace t;
  ks_sched_trace_init(&t, TRUE);
  KsSchedResult r;
  traced_cycle(s, pod("p", "1500m", 0), &t, &r);
  assert_string_equal(t.selected, "n1");
  const KsSchedTraceNode *n3 = row(&t, 2);
  assert_true(n3->scored);
  assert_false(n3->feasible);
  assert_score(n3, 0, "NodeResourcesFit", 43, 43, 2);
  assert_score(n3, 1, "TaintToleration", 0, 100, 3);
  assert_int_equal(n3->total, 386);
  assert_int_equal(row(&t, 0)->total, 448);
  ks_sched_trace_clear(&t);
  ks_sched_free(s);
}

/* Nothing fits (8 cpu): every node filtered, the FitError message; with
 * score_all the rejected nodes still get scores (LeastAllocated gives 0
 * for cpu when the request exceeds capacity). */
static void test_unschedulable(void **state) {
  (void)state;
  KsScheduler *s = small_sched();
  KsSchedTrace t;
  ks_sched_trace_init(&t, TRUE);
  KsSchedResult r;
  traced_cycle(s, pod("big", "8", 0), &t, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_UNSCHEDULABLE);
  assert_null(t.selected);
  assert_string_equal(t.message, "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 "
                                 "nodes are available: 3 No preemption victims found for "
                                 "incoming pod.");
  for (guint i = 0; i < 3; i++) {
    const KsSchedTraceNode *n = row(&t, i);
    assert_true(n->examined);
    assert_false(n->feasible);
    assert_string_equal(n->status.plugin, "NodeResourcesFit");
    assert_true(n->scored);
  }
  assert_score(row(&t, 0), 0, "NodeResourcesFit", 43, 43, 2);
  assert_int_equal(row(&t, 1)->total, 43 * 2 + 0);
  assert_null(t.nominated);
  assert_int_equal(t.victims->len, 0);
  ks_sched_trace_clear(&t);
  ks_sched_free(s);
}

/* PostFilter: a 1-cpu pod of priority 100 preempts the 900m pod of
 * priority 0 on n3 ... every node is full of low-priority pods first. */
static void test_preemption(void **state) {
  (void)state;
  KsScheduler *s = small_sched();
  static const struct {
    const char *name, *node, *cpu;
  } running[] = {{"low1", "n1", "4"}, {"low2", "n2", "2"}, {"low3", "n3", "1"}};
  for (guint i = 0; i < G_N_ELEMENTS(running); i++) {
    KsPod *p = pod(running[i].name, running[i].cpu, 0);
    p->node_name = g_strdup(running[i].node);
    ks_sched_add_assigned_pod(s, p, running[i].node, 0);
    ks_pod_unref(p);
  }
  KsSchedTrace t;
  ks_sched_trace_init(&t, FALSE);
  KsSchedResult r;
  /* 1 cpu fits only after removing one pod; the candidate with the
   * lowest-priority, fewest victims... all tie: v1.31 picks the node
   * with the latest-started highest-priority victim, here the first in
   * order among equals (all started at 0): n1. The trace names the same
   * node and victims as the result. */
  traced_cycle(s, pod("high", "1", 100), &t, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_UNSCHEDULABLE);
  assert_non_null(r.nominated_node);
  assert_string_equal(t.nominated, r.nominated_node);
  assert_int_equal(t.victims->len, r.n_victims);
  assert_int_equal(t.victims->len, 1);
  char *want = g_strdup_printf("default/%s", r.victims[0]->name);
  assert_string_equal(t.victims->pdata[0], want);
  g_free(want);
  ks_sched_trace_clear(&t);
  ks_sched_free(s);
}

/* ---- tracing changes no decision ---------------------------------------------------------- */

static KsScheduler *random_cluster(guint64 seed, guint n_nodes) {
  KsSchedConfig cfg;
  ks_sched_config_init_defaults(&cfg);
  cfg.seed = seed;
  KsScheduler *s = ks_sched_new(&cfg, NULL);
  KsRng rng;
  ks_rng_init(&rng, seed, "test/cluster");
  for (guint i = 0; i < n_nodes; i++) {
    char name[16], cpu[8];
    g_snprintf(name, sizeof name, "n%03u", i);
    g_snprintf(cpu, sizeof cpu, "%u", 1 + (guint)ks_rng_below(&rng, 8));
    KsNode *n = ks_test_node(name, cpu, "8Gi");
    ks_labels_set(&n->labels, "topology.kubernetes.io/zone", i % 3 ? "a" : "b");
    ks_sched_add_node(s, n, 0);
    ks_node_unref(n);
  }
  return s;
}

static void test_trace_changes_nothing(void **state) {
  (void)state;
  for (guint64 seed = 1; seed <= 3; seed++) {
    KsScheduler *plain = random_cluster(seed, 150), *traced = random_cluster(seed, 150);
    KsRng rng;
    ks_rng_init(&rng, seed, "test/pods");
    KsSchedTrace t;
    ks_sched_trace_init(&t, FALSE);
    guint scheduled = 0;
    for (guint i = 0; i < 400; i++) {
      char name[16], cpu[16];
      g_snprintf(name, sizeof name, "p%03u", i);
      g_snprintf(cpu, sizeof cpu, "%um", 100 + 100 * (guint)ks_rng_below(&rng, 20));
      KsSchedResult a, b;
      KsPod *pa = pod(name, cpu, (gint32)ks_rng_below(&rng, 3));
      KsPod *pb = ks_pod_copy(pa);
      ks_sched_add_pending_pod(plain, pa, 0);
      ks_sched_schedule_one(plain, 0, &a);
      traced_cycle(traced, pb, &t, &b);
      assert_int_equal(a.kind, b.kind);
      assert_string_equal(a.node ? a.node : "-", b.node ? b.node : "-");
      assert_string_equal(a.message ? a.message : "-", b.message ? b.message : "-");
      assert_string_equal(t.selected ? t.selected : "-", b.node ? b.node : "-");
      if (a.kind == KS_SCHED_RESULT_SCHEDULED) {
        scheduled++;
        ks_sched_bind_done(plain, pa, TRUE, 0);
        ks_sched_bind_done(traced, b.pod, TRUE, 0);
      }
      ks_pod_unref(pa);
    }
    assert_true(scheduled > 100); /* the comparison covered real placements */
    ks_sched_trace_clear(&t);
    ks_sched_free(plain);
    ks_sched_free(traced);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_feasible_and_scores), cmocka_unit_test(test_score_all),
      cmocka_unit_test(test_unschedulable),       cmocka_unit_test(test_preemption),
      cmocka_unit_test(test_trace_changes_nothing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
