/* DefaultPreemption with PodDisruptionBudgets (ks_sched_set_pdb), ported
 * from upstream v1.31 default_preemption_test.go TestDryRunPreemption:
 * "preemption with violation of same pdb", the three "preemption with
 * violation of the pdb with pod whose eviction was processed, ..." cases
 * and "preemption looks past numCandidates until a non-PDB violating node
 * is found" (victims, numPDBViolations, candidate nodes). Upstream's
 * TestSelectBestCandidate has no PDB case; pickOneNodeForPreemption's first
 * criterion (fewest PDB violations) and the violating-first reprieve order
 * are checked by ksim cases built on the same fixtures.
 * Upstream's resources: small 100m/100, medium 200m/200, large 300m/300,
 * veryLarge 500m/500; nodes have veryLarge capacity; priorities low 0,
 * mid 100, high 1000. Pods and PDBs live in namespace "default" (upstream's
 * test objects share the empty namespace). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sched/pdb.h"
#include "sched/plugins/default_preemption.h"
#include "sched/scheduler.h"

enum { LOW = 0, MID = 100, HIGH = 1000 };
#define NOW 1000

static KsScheduler *new_sched(guint64 seed, const KsSchedDefaultPreemptionArgs *args) {
  KsSchedRegistry *r = ks_sched_registry_new();
  if (!ks_sched_registry_lookup(r, "DefaultPreemption"))
    assert_true(ks_sched_registry_add(r, &ks_sched_plugin_default_preemption, NULL));
  KsSchedPluginConfig pc[] = {
      {"PrioritySort", 0, NULL},   {"NodeResourcesFit", 1, NULL},
      {"DefaultPreemption", 0, args}, {"DefaultBinder", 0, NULL},
  };
  GError *err = NULL;
  KsSchedFramework *fw = ks_sched_framework_new(r, "test", pc, G_N_ELEMENTS(pc), &err);
  ks_sched_registry_free(r);
  assert_non_null(fw);
  KsSchedConfig cfg;
  ks_sched_config_init_defaults(&cfg);
  cfg.seed = seed;
  KsScheduler *s = ks_sched_new_with_profile(&cfg, fw, &err);
  assert_non_null(s);
  return s;
}

static void add_node(KsScheduler *s, const char *name) {
  KsNode *n = ks_node_new(name);
  assert_true(ks_resource_list_set_quantity(&n->allocatable, "cpu", "500m", NULL));
  assert_true(ks_resource_list_set_quantity(&n->allocatable, "memory", "500", NULL));
  ks_resource_list_set(&n->allocatable, "pods", 32);
  ks_sched_add_node(s, n, 0);
  ks_node_unref(n);
}

static KsPod *make_pod(const char *name, gint32 prio, const char *cpu, const char *mem) {
  KsPod *p = ks_pod_new("default", name);
  p->has_priority = TRUE;
  p->priority = prio;
  KsContainer *c = ks_pod_add_container(p, "c", FALSE);
  assert_true(ks_resource_list_set_quantity(&c->requests, "cpu", cpu, NULL));
  assert_true(ks_resource_list_set_quantity(&c->requests, "memory", mem, NULL));
  return p;
}

typedef struct {
  const char *name, *node;
  gint32 prio;
  const char *cpu, *mem;
  const char *app; /* label app=<app>, NULL = no labels */
} PodSpec;

#define L "300m", "300"
#define M "200m", "200"
#define VL "500m", "500"

static void add_running(KsScheduler *s, const PodSpec *ps) {
  for (; ps->name; ps++) {
    KsPod *p = make_pod(ps->name, ps->prio, ps->cpu, ps->mem);
    if (ps->app)
      ks_labels_set(&p->labels, "app", ps->app);
    p->node_name = g_strdup(ps->node);
    ks_sched_add_assigned_pod(s, p, ps->node, 0);
    ks_pod_unref(p);
  }
}

/* A PDB on app=<app> in "default"; disrupted: NULL-terminated pod names or NULL. */
static void set_pdb(KsScheduler *s, const char *name, const char *app, gint32 allowed,
                    const char *const *disrupted) {
  KsPodDisruptionBudget *b = ks_pdb_new("default", name);
  b->selector = ks_label_selector_new();
  ks_labels_set(&b->selector->match_labels, "app", app);
  b->disruptions_allowed = allowed;
  b->disrupted_pods = g_strdupv((char **)disrupted);
  ks_sched_set_pdb(s, b);
  ks_pdb_free(b);
}

static KsSchedPlugin *dp(KsScheduler *s) {
  return ks_sched_framework_plugin(ks_sched_framework(s), "DefaultPreemption");
}

static gint cmp_name(gconstpointer a, gconstpointer b) {
  return strcmp((*(KsPod *const *)a)->name, (*(KsPod *const *)b)->name);
}

/* The candidates in list order as "node:v1,v2/violations ..." with victims
 * sorted by name, as upstream's test compares them (equal victims keep no
 * defined order upstream: sort.Slice). */
static char *candidates(KsScheduler *s) {
  GString *g = g_string_new(NULL);
  KsSchedPlugin *p = dp(s);
  for (guint i = 0; i < ks_sched_default_preemption_n_candidates(p); i++) {
    KsPod *const *v;
    guint n;
    const char *node = ks_sched_default_preemption_candidate(p, i, &v, &n);
    g_string_append_printf(g, "%s%s:", i ? " " : "", node);
    KsPod **sorted = g_memdup2(v, n * sizeof *v);
    qsort(sorted, n, sizeof *sorted, cmp_name);
    for (guint k = 0; k < n; k++)
      g_string_append_printf(g, "%s%s", k ? "," : "", sorted[k]->name);
    g_free(sorted);
    g_string_append_printf(g, "/%" G_GINT64_FORMAT,
                           ks_sched_default_preemption_candidate_pdb_violations(p, i));
  }
  return g_string_free(g, FALSE);
}

static void run(KsScheduler *s, KsPod *p, KsSchedResult *r) {
  ks_sched_add_pending_pod(s, p, NOW);
  ks_sched_schedule_one(s, NOW, r);
  assert_ptr_equal(r->pod, p);
  assert_int_equal(r->kind, KS_SCHED_RESULT_UNSCHEDULABLE);
}

static void expect_candidates(KsScheduler *s, const char *name, const char *want) {
  char *got = candidates(s);
  if (strcmp(got, want))
    fail_msg("%s: candidates \"%s\", want \"%s\"", name, got, want);
  g_free(got);
}

/* ---- TestDryRunPreemption, one node -------------------------------------------------- */

typedef struct {
  const char *name;
  PodSpec pods[4];
  gint32 allowed;
  const char *disrupted[2];
  const char *want;
} OneNodeCase;

static const OneNodeCase one_node_cases[] = {
    {"preemption with violation of same pdb",
     {{"p1.1", "node1", MID, M, "foo"}, {"p1.2", "node1", MID, M, "foo"}},
     1, {NULL}, "node1:p1.1,p1.2/1"},
    {"preemption with violation of the pdb with pod whose eviction was processed, the victim "
     "doesn't belong to DisruptedPods",
     {{"p1.1", "node1", MID, M, "foo"}, {"p1.2", "node1", MID, M, "foo"}},
     1, {"p2", NULL}, "node1:p1.1,p1.2/1"},
    {"preemption with violation of the pdb with pod whose eviction was processed, the victim "
     "belongs to DisruptedPods",
     {{"p1.1", "node1", MID, M, "foo"}, {"p1.2", "node1", MID, M, "foo"}},
     1, {"p1.2", NULL}, "node1:p1.1,p1.2/0"},
    {"preemption with violation of the pdb with pod whose eviction was processed, the victim "
     "which belongs to DisruptedPods is treated as 'nonViolating'",
     {{"p1.1", "node1", MID, M, "foo"}, {"p1.2", "node1", MID, M, "foo"},
      {"p1.3", "node1", MID, M, "foo"}},
     1, {"p1.3", NULL}, "node1:p1.1,p1.2,p1.3/1"},
};

static void test_dry_run_one_node(void **state) {
  for (guint i = 0; i < G_N_ELEMENTS(one_node_cases); i++) {
    const OneNodeCase *c = &one_node_cases[i];
    KsScheduler *s = new_sched(1, NULL);
    add_node(s, "node1");
    add_running(s, c->pods);
    set_pdb(s, "pdb", "foo", c->allowed, c->disrupted[0] ? c->disrupted : NULL);
    KsPod *p = make_pod("p", HIGH, VL);
    KsSchedResult r;
    run(s, p, &r);
    expect_candidates(s, c->name, c->want);
    assert_string_equal(r.nominated_node, "node1");
    ks_pod_unref(p);
    ks_sched_free(s);
  }
}

/* A seed whose "sched/preemption" stream starts with offset `off` below n. */
static guint64 seed_for_offset(guint off, guint64 n) {
  for (guint64 seed = 0;; seed++) {
    KsRng r;
    ks_rng_init(&r, seed, "sched/preemption");
    if (ks_rng_below(&r, n) == off)
      return seed;
  }
}

/* "preemption looks past numCandidates until a non-PDB violating node is
 * found": offset 4 => node5 (yes, pdb), node1 (yes, pdb), node2 (yes, pdb,
 * but the violating list already holds numCandidates = 2: dropped), node3
 * (yes): candidates node1, node3, node5. */
static void test_looks_past_num_candidates(void **state) {
  static const KsSchedDefaultPreemptionArgs args = {40, 2};
  KsScheduler *s = new_sched(seed_for_offset(4, 5), &args);
  const char *nodes[] = {"node1", "node2", "node3", "node4", "node5"};
  for (guint i = 0; i < 5; i++)
    add_node(s, nodes[i]);
  static const PodSpec pods[] = {
      {"p1", "node1", MID, L, "foo"}, {"p2", "node2", MID, L, "foo"}, {"p3", "node3", MID, L, NULL},
      {"p4", "node4", MID, L, NULL},  {"p5", "node5", MID, L, "foo"}, {NULL}};
  add_running(s, pods);
  set_pdb(s, "pdb", "foo", 0, NULL);
  KsPod *p = make_pod("p", HIGH, L);
  KsSchedResult r;
  run(s, p, &r);
  /* upstream order: non-violating candidates, then violating, each in dry-run order */
  expect_candidates(s, "looks past numCandidates", "node3:p3/0 node5:p5/1 node1:p1/1");
  assert_string_equal(r.nominated_node, "node3"); /* fewest PDB violations */
  assert_int_equal(r.n_victims, 1);
  assert_string_equal(r.victims[0]->name, "p3");
  ks_pod_unref(p);
  ks_sched_free(s);
}

/* ---- pickOneNodeForPreemption: fewest PDB violations first ------------------------------ */

/* Without the PDB node1 wins (its victim has the lower priority); the PDB
 * makes node1's victim violating, so node2 is picked. Removing the PDB
 * (ks_sched_remove_pdb) brings node1 back. */
static void test_pick_fewest_violations(void **state) {
  static const PodSpec pods[] = {{"p1", "node1", LOW, L, "foo"}, {"p2", "node2", MID, L, NULL},
                                 {NULL}};
  for (int with_pdb = 0; with_pdb < 3; with_pdb++) {
    KsScheduler *s = new_sched(1, NULL);
    add_node(s, "node1");
    add_node(s, "node2");
    add_running(s, pods);
    if (with_pdb)
      set_pdb(s, "pdb", "foo", 0, NULL);
    if (with_pdb == 2)
      ks_sched_remove_pdb(s, "default", "pdb");
    KsPod *p = make_pod("p", HIGH, L);
    KsSchedResult r;
    run(s, p, &r);
    gboolean pdb = with_pdb == 1;
    assert_string_equal(r.nominated_node, pdb ? "node2" : "node1");
    assert_int_equal(r.n_victims, 1);
    assert_string_equal(r.victims[0]->name, pdb ? "p2" : "p1");
    ks_pod_unref(p);
    ks_sched_free(s);
  }
}

/* ---- SelectVictimsOnNode: violating pods are reprieved first ---------------------------- */

/* p1 (low, covered by an exhausted PDB) and p2 (mid) each take 200m of
 * node1's 500m; the preemptor needs 300m, so one must go. Without the PDB
 * the more important p2 is reprieved and p1 is the victim; with it, p1 is
 * reprieved first and p2 becomes the (non-violating) victim. */
static void test_reprieve_violating_first(void **state) {
  static const PodSpec pods[] = {{"p1", "node1", LOW, M, "foo"}, {"p2", "node1", MID, M, NULL},
                                 {NULL}};
  for (int with_pdb = 0; with_pdb < 2; with_pdb++) {
    KsScheduler *s = new_sched(1, NULL);
    add_node(s, "node1");
    add_running(s, pods);
    if (with_pdb)
      set_pdb(s, "pdb", "foo", 0, NULL);
    KsPod *p = make_pod("p", HIGH, L);
    KsSchedResult r;
    run(s, p, &r);
    expect_candidates(s, "reprieve", with_pdb ? "node1:p2/0" : "node1:p1/0");
    ks_pod_unref(p);
    ks_sched_free(s);
  }
}

/* ---- which pods a PDB covers (filterPodsWithPDBViolation's checks) ---------------------- */

static void test_covers(void **state) {
  KsPodDisruptionBudget *b = ks_pdb_new("default", "b");
  KsPod *p = ks_pod_new("default", "x");
  assert_false(ks_pdb_covers(b, p)); /* nil selector */
  assert_false(ks_pdb_selects(b, p));
  b->selector = ks_label_selector_new();
  assert_false(ks_pdb_covers(b, p)); /* no labels, empty selector */
  assert_true(ks_pdb_selects(b, p)); /* the disruption controller: empty selects all */
  ks_labels_set(&p->labels, "app", "foo");
  assert_false(ks_pdb_covers(b, p)); /* empty selector matches nothing here */
  ks_labels_set(&b->selector->match_labels, "app", "foo");
  assert_true(ks_pdb_covers(b, p));
  KsPod *q = ks_pod_new("other", "x");
  ks_labels_set(&q->labels, "app", "foo");
  assert_false(ks_pdb_covers(b, q)); /* another namespace */
  assert_false(ks_pdb_selects(b, q));
  ks_pod_unref(q);
  ks_pod_unref(p);
  ks_pdb_free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dry_run_one_node),
      cmocka_unit_test(test_looks_past_num_candidates),
      cmocka_unit_test(test_pick_fewest_violations),
      cmocka_unit_test(test_reprieve_violating_first),
      cmocka_unit_test(test_covers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
