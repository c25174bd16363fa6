/* Parallel Filter (KsSchedConfig.parallelism) gives exactly the serial
 * decisions: on large random clusters with mixed constraints (node
 * selectors, taints and tolerations, unschedulable nodes, topology spread,
 * pod anti-affinity, priorities with preemption), a serial and a parallel
 * scheduler fed the same pods agree cycle by cycle on the outcome, the
 * node, the FitError message, the nodes examined, the feasible count, the
 * next start index and the victims. Preemption leaves nominations behind,
 * so the runs also cover the serial fallback (nominated pods in Filter). */
#include "tests/sched/plugin_harness.h"

#include "sched/affinity.h"
#include "sched/rng.h"
#include "sched/scheduler.h"
#include "sched/selector.h"

#define N_NODES 2000
#define N_PODS 3000

static KsScheduler *cluster(guint64 seed, gint32 parallelism) {
  KsSchedConfig cfg;
  ks_sched_config_init_defaults(&cfg);
  cfg.seed = seed;
  cfg.parallelism = parallelism;
  GError *err = NULL;
  KsScheduler *s = ks_sched_new(&cfg, &err);
  if (!s)
    fail_msg("scheduler: %s", err->message);
  KsRng rng;
  ks_rng_init(&rng, seed, "test/nodes");
  for (guint i = 0; i < N_NODES; i++) {
    char name[16], cpu[8], mem[8], zone[8];
    g_snprintf(name, sizeof name, "node-%04u", i);
    g_snprintf(cpu, sizeof cpu, "%u", 1 + (guint)ks_rng_below(&rng, 8));
    g_snprintf(mem, sizeof mem, "%uGi", 8 * (1 + (guint)ks_rng_below(&rng, 8)));
    g_snprintf(zone, sizeof zone, "z%u", (guint)ks_rng_below(&rng, 5));
    KsNode *n = ks_test_node(name, cpu, mem);
    ks_labels_set(&n->labels, "topology.kubernetes.io/zone", zone);
    ks_labels_set(&n->labels, "kubernetes.io/hostname", name);
    if (ks_rng_below(&rng, 3) == 0)
      ks_labels_set(&n->labels, "disk", "ssd");
    if (ks_rng_below(&rng, 20) == 0) {
      n->taints = g_array_new(FALSE, TRUE, sizeof(KsTaint));
      g_array_set_clear_func(n->taints, (GDestroyNotify)ks_taint_clear);
      KsTaint t = {g_strdup("dedicated"), g_strdup("gpu"), KS_TAINT_EFFECT_NO_SCHEDULE, 0};
      g_array_append_val(n->taints, t);
    }
    n->unschedulable = ks_rng_below(&rng, 100) == 0;
    ks_sched_add_node(s, n, 0);
    ks_node_unref(n);
  }
  return s;
}

static KsLabelSelector *app_selector(const char *app) {
  KsLabelSelector *sel = ks_label_selector_new();
  ks_labels_set(&sel->match_labels, "app", app);
  return sel; /* transfer full */
}

static void spread(KsPod *p, const char *app) {
  p->topology_spread_constraints = ks_topology_spread_constraint_array_new();
  KsTopologySpreadConstraint c = {
      .max_skew = 1,
      .topology_key = g_strdup("topology.kubernetes.io/zone"),
      .when_unsatisfiable = KS_UNSATISFIABLE_DO_NOT_SCHEDULE,
      .label_selector = app_selector(app),
  };
  g_array_append_val(p->topology_spread_constraints, c);
}

static void anti_affinity(KsPod *p, const char *app) {
  p->affinity = ks_affinity_new();
  p->affinity->pod_anti_affinity = g_new0(KsPodAffinity, 1);
  p->affinity->pod_anti_affinity->required = ks_pod_affinity_term_array_new();
  KsPodAffinityTerm t = {.label_selector = app_selector(app),
                         .topology_key = g_strdup("kubernetes.io/hostname")};
  g_array_append_val(p->affinity->pod_anti_affinity->required, t);
}

/* The i-th pod of the stream (same for both schedulers). transfer full */
static KsPod *random_pod(KsRng *rng, guint i) {
  char name[16], app[8], cpu[16], mem[16];
  g_snprintf(name, sizeof name, "pod-%04u", i);
  g_snprintf(app, sizeof app, "a%u", (guint)ks_rng_below(rng, 40));
  KsPod *p = ks_pod_new("default", name);
  ks_labels_set(&p->labels, "app", app);
  p->has_priority = TRUE;
  p->priority = (gint32)ks_rng_below(rng, 3) * 100;
  KsContainer *c = ks_pod_add_container(p, "c", FALSE);
  if (ks_rng_below(rng, 10) != 0) {
    g_snprintf(cpu, sizeof cpu, "%um", 100 * (1 + (guint)ks_rng_below(rng, 60)));
    g_snprintf(mem, sizeof mem, "%uMi", 256 * (1 + (guint)ks_rng_below(rng, 32)));
    assert_true(ks_resource_list_set_quantity(&c->requests, "cpu", cpu, NULL));
    assert_true(ks_resource_list_set_quantity(&c->requests, "memory", mem, NULL));
  }
  guint kind = (guint)ks_rng_below(rng, 10);
  if (kind == 0)
    ks_labels_set(&p->node_selector, "disk", "ssd");
  else if (kind == 1) {
    KsToleration *t = ks_pod_add_toleration(p);
    t->key = g_strdup("dedicated");
    t->op = KS_TOLERATION_OP_EXISTS;
    t->effect = KS_TAINT_EFFECT_NO_SCHEDULE;
  } else if (kind == 2)
    spread(p, app);
  else if (kind == 3)
    anti_affinity(p, app);
  return p;
}

static void assert_same(const KsSchedResult *a, const KsSchedResult *b) {
  assert_int_equal(a->kind, b->kind);
  if (a->kind == KS_SCHED_RESULT_NONE)
    return;
  assert_string_equal(a->pod->name, b->pod->name);
  assert_string_equal(a->node ? a->node : "-", b->node ? b->node : "-");
  assert_string_equal(a->message ? a->message : "-", b->message ? b->message : "-");
  assert_int_equal(a->nodes_examined, b->nodes_examined);
  assert_int_equal(a->feasible_nodes, b->feasible_nodes);
  assert_int_equal(a->n_victims, b->n_victims);
  for (guint i = 0; i < a->n_victims; i++)
    assert_string_equal(a->victims[i]->name, b->victims[i]->name);
}

/* The host's side of a cycle: bind what was placed, delete the victims. */
static void settle(KsScheduler *s, const KsSchedResult *r) {
  if (r->kind == KS_SCHED_RESULT_SCHEDULED) {
    ks_sched_bind_done(s, r->pod, TRUE, 0);
    return;
  }
  for (guint i = 0; i < r->n_victims; i++)
    ks_sched_remove_pod(s, r->victims[i], 0);
}

static void compare_runs(guint64 seed, gint32 threads, guint *placed, guint *failed) {
  KsScheduler *serial = cluster(seed, 1), *parallel = cluster(seed, threads);
  KsRng rng;
  ks_rng_init(&rng, seed, "test/pods");
  for (guint i = 0; i < N_PODS; i++) {
    KsPod *p = random_pod(&rng, i), *q = ks_pod_copy(p);
    ks_sched_add_pending_pod(serial, p, 0);
    ks_sched_add_pending_pod(parallel, q, 0);
    ks_pod_unref(p);
    ks_pod_unref(q);
    KsSchedResult a, b;
    ks_sched_schedule_one(serial, 0, &a);
    ks_sched_schedule_one(parallel, 0, &b);
    assert_same(&a, &b);
    assert_int_equal(ks_sched_next_start_node_index(serial),
                     ks_sched_next_start_node_index(parallel));
    *placed += a.kind == KS_SCHED_RESULT_SCHEDULED;
    *failed += a.kind == KS_SCHED_RESULT_UNSCHEDULABLE;
    settle(serial, &a);
    settle(parallel, &b);
  }
  assert_int_equal(ks_sched_parallel_batches(serial), 0);
  assert_true(ks_sched_parallel_batches(parallel) >= N_PODS / 2); /* the pool did the work */
  ks_sched_free(serial);
  ks_sched_free(parallel);
}

static void test_parallel_equals_serial(void **state) {
  (void)state;
  static const struct {
    guint64 seed;
    gint32 threads;
  } runs[] = {{1, 2}, {2, 4}, {3, 3}};
  for (guint r = 0; r < G_N_ELEMENTS(runs); r++) {
    guint placed = 0, failed = 0;
    compare_runs(runs[r].seed, runs[r].threads, &placed, &failed);
    g_test_message("seed %" G_GUINT64_FORMAT ": %u placed, %u unschedulable", runs[r].seed, placed, failed);
    /* both outcomes occurred, so both paths were compared */
    assert_true(placed > 1000);
    assert_true(failed > 10);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parallel_equals_serial),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
