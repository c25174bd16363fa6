/* DefaultPreemption through the scheduler's public API, with a profile of
 * PrioritySort, SchedulingGates, NodeResourcesFit, DefaultPreemption and
 * DefaultBinder (plus, in one case, a test filter that answers
 * UnschedulableAndUnresolvable). Cases are ported from upstream v1.31
 * default_preemption_test.go (TestDryRunPreemption: candidate nodes and
 * victims; TestSelectBestCandidate: the node picked; TestPostFilter: status
 * messages; TestPodEligibleToPreemptOthers), each named in a comment.
 * Upstream's resources: small 100m/100, medium 200m/200, large 300m/300,
 * veryLarge 500m/500; nodes have veryLarge capacity; priorities neg -100,
 * low 0, mid 100, high 1000, veryHigh 10000; epochTimeN = N (µs here).
 * Start times are the host times at which pods were added as assigned.
 * Also: RunFilterPluginsWithNominatedPods, the nominated node tried first,
 * the cache restored exactly after dry runs, and the full FitError message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sched/cache.h"
#include "sched/plugins/default_preemption.h"
#include "sched/queue.h"
#include "sched/scheduler.h"

enum { NEG = -100, LOW = 0, MID = 100, HIGH = 1000, VHIGH = 10000 };
#define NOW 1000

/* ---- a test filter: UnschedulableAndUnresolvable on nodes labelled "unresolvable" ---- */

static void unres_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                         const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  if (ks_labels_get(&c->nodes[slot]->labels, "unresolvable"))
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE, "node(s) were unresolvable");
}
static const KsSchedPluginDesc unres_desc = {.name = "TestUnresolvable", .filter = unres_filter};

/* ---- fixtures --------------------------------------------------------------------------- */

static KsScheduler *new_sched(guint64 seed, const KsSchedDefaultPreemptionArgs *args,
                              gboolean with_unres) {
  KsSchedRegistry *r = ks_sched_registry_new();
  if (!ks_sched_registry_lookup(r, "DefaultPreemption"))
    assert_true(ks_sched_registry_add(r, &ks_sched_plugin_default_preemption, NULL));
  assert_true(ks_sched_registry_add(r, &unres_desc, NULL));
  KsSchedPluginConfig pc[6];
  guint n = 0;
  pc[n++] = (KsSchedPluginConfig){"PrioritySort", 0, NULL};
  pc[n++] = (KsSchedPluginConfig){"SchedulingGates", 0, NULL};
  if (with_unres) /* before NodeResourcesFit, so that its status is the one kept */
    pc[n++] = (KsSchedPluginConfig){"TestUnresolvable", 0, NULL};
  pc[n++] = (KsSchedPluginConfig){"NodeResourcesFit", 1, NULL};
  pc[n++] = (KsSchedPluginConfig){"DefaultPreemption", 0, args};
  pc[n++] = (KsSchedPluginConfig){"DefaultBinder", 0, NULL};
  GError *err = NULL;
  KsSchedFramework *fw = ks_sched_framework_new(r, "test", pc, n, &err);
  ks_sched_registry_free(r);
  assert_non_null(fw);
  KsSchedConfig cfg;
  ks_sched_config_init_defaults(&cfg);
  cfg.seed = seed;
  KsScheduler *s = ks_sched_new_with_profile(&cfg, fw, &err);
  assert_non_null(s);
  return s;
}

/* cpu/mem NULL = absent; pods = allocatable pod count */
static void add_node(KsScheduler *s, const char *name, const char *cpu, const char *mem,
                     gint64 pods) {
  KsNode *n = ks_node_new(name);
  if (cpu)
    assert_true(ks_resource_list_set_quantity(&n->allocatable, "cpu", cpu, NULL));
  if (mem)
    assert_true(ks_resource_list_set_quantity(&n->allocatable, "memory", mem, NULL));
  ks_resource_list_set(&n->allocatable, "pods", pods);
  ks_sched_add_node(s, n, 0);
  ks_node_unref(n);
}

static KsPod *make_pod(const char *name, gint32 prio, const char *cpu, const char *mem) {
  KsPod *p = ks_pod_new("default", name);
  p->has_priority = TRUE;
  p->priority = prio;
  KsContainer *c = ks_pod_add_container(p, "c", FALSE);
  if (cpu) {
    assert_true(ks_resource_list_set_quantity(&c->requests, "cpu", cpu, NULL));
    assert_true(ks_resource_list_set_quantity(&c->requests, "memory", mem, NULL));
  }
  return p;
}

typedef struct {
  const char *name, *node;
  gint32 prio;
  const char *cpu, *mem; /* NULL = no requests */
  gint64 start;
} PodSpec;

static void add_running(KsScheduler *s, const PodSpec *ps) {
  for (; ps->name; ps++) {
    KsPod *p = make_pod(ps->name, ps->prio, ps->cpu, ps->mem);
    p->node_name = g_strdup(ps->node);
    ks_sched_add_assigned_pod(s, p, ps->node, ps->start);
    ks_pod_unref(p);
  }
}

/* Adds the preemptor and runs one cycle. */
static void run(KsScheduler *s, KsPod *p, KsSchedResult *r) {
  ks_sched_add_pending_pod(s, p, NOW);
  ks_sched_schedule_one(s, NOW, r);
  assert_ptr_equal(r->pod, p);
}

static gint cmp_name(gconstpointer a, gconstpointer b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The latest preemption's candidates as "node:v1,v2 node:..." with nodes
 * and victims sorted by name, as upstream's test compares them. */
static char *candidates(KsScheduler *s) {
  KsSchedPlugin *p = ks_sched_framework_plugin(ks_sched_framework(s), "DefaultPreemption");
  GPtrArray *items = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < ks_sched_default_preemption_n_candidates(p); i++) {
    KsPod *const *v;
    guint n;
    const char *node = ks_sched_default_preemption_candidate(p, i, &v, &n);
    GPtrArray *names = g_ptr_array_new();
    for (guint k = 0; k < n; k++)
      g_ptr_array_add(names, v[k]->name);
    g_ptr_array_sort(names, cmp_name);
    g_ptr_array_add(names, NULL);
    char *joined = g_strjoinv(",", (char **)names->pdata);
    g_ptr_array_add(items, g_strdup_printf("%s:%s", node, joined));
    g_free(joined);
    g_ptr_array_free(names, TRUE);
  }
  g_ptr_array_sort(items, cmp_name);
  g_ptr_array_add(items, NULL);
  char *out = g_strjoinv(" ", (char **)items->pdata);
  g_ptr_array_free(items, TRUE);
  return out;
}

static char *victim_names(const KsSchedResult *r) {
  GString *g = g_string_new(NULL);
  for (guint i = 0; i < r->n_victims; i++)
    g_string_append_printf(g, "%s%s", i ? "," : "", r->victims[i]->name);
  return g_string_free(g, FALSE);
}

/* ---- TestDryRunPreemption --------------------------------------------------------------- */

typedef struct {
  const char *name;           /* upstream case name */
  const char *nodes[6];
  gint32 prio;                /* preemptor */
  const char *cpu, *mem;
  PodSpec pods[8];
  const char *want;           /* candidates() */
} DryCase;

#define L "300m", "300"
#define M "200m", "200"
#define S "100m", "100"
#define VL "500m", "500"

static const DryCase dry_cases[] = {
    {"a pod that fits on both nodes when lower priority pods are preempted",
     {"node1", "node2"}, HIGH, L,
     {{"p1", "node1", MID, L, 0}, {"p2", "node2", MID, L, 0}},
     "node1:p1 node2:p2"},
    {"a pod that would fit on the nodes, but other pods running are higher priority, no "
     "preemption would happen",
     {"node1", "node2"}, LOW, L,
     {{"p1", "node1", MID, L, 0}, {"p2", "node2", MID, L, 0}},
     ""},
    {"medium priority pod is preempted, but lower priority one stays as it is small",
     {"node1", "node2"}, HIGH, L,
     {{"p1.1", "node1", LOW, S, 0}, {"p1.2", "node1", MID, L, 0}, {"p2", "node2", MID, L, 0}},
     "node1:p1.2 node2:p2"},
    {"mixed priority pods are preempted",
     {"node1", "node2"}, HIGH, L,
     {{"p1.1", "node1", MID, S, 0}, {"p1.2", "node1", LOW, S, 0}, {"p1.3", "node1", MID, M, 0},
      {"p1.4", "node1", HIGH, S, 0}, {"p2", "node2", HIGH, L, 0}},
     "node1:p1.2,p1.3"},
    {"mixed priority pods are preempted, pick later StartTime one when priorities are equal",
     {"node1", "node2"}, HIGH, L,
     {{"p1.1", "node1", LOW, S, 5}, {"p1.2", "node1", LOW, S, 4}, {"p1.3", "node1", MID, M, 3},
      {"p1.4", "node1", HIGH, S, 2}, {"p2", "node2", HIGH, L, 1}},
     "node1:p1.1,p1.3"},
};

static void run_dry_case(const DryCase *c, guint64 seed, const KsSchedDefaultPreemptionArgs *a) {
  KsScheduler *s = new_sched(seed, a, FALSE);
  for (guint i = 0; c->nodes[i]; i++)
    add_node(s, c->nodes[i], VL, 32);
  add_running(s, c->pods);
  KsPod *p = make_pod("p", c->prio, c->cpu, c->mem);
  KsSchedResult r;
  run(s, p, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_UNSCHEDULABLE);
  char *got = candidates(s);
  if (strcmp(got, c->want) != 0)
    fail_msg("%s: candidates \"%s\", want \"%s\"", c->name, got, c->want);
  g_free(got);
  ks_pod_unref(p);
  ks_sched_free(s);
}

static void test_dry_run(void **state) {
  for (guint i = 0; i < G_N_ELEMENTS(dry_cases); i++)
    run_dry_case(&dry_cases[i], 1, NULL);
}

/* A seed whose "sched/preemption" stream starts with the given offsets
 * below n: upstream fixes rand.NewSource(4), whose draws its comments give. */
static guint64 seed_for_offsets(const guint *offs, guint k, guint64 n) {
  for (guint64 seed = 0;; seed++) {
    KsRng r;
    ks_rng_init(&r, seed, "sched/preemption");
    guint i = 0;
    while (i < k && ks_rng_below(&r, n) == offs[i])
      i++;
    if (i == k)
      return seed;
  }
}

static const KsSchedDefaultPreemptionArgs args_40_1 = {40, 1};

/* TestDryRunPreemption "all nodes are possible candidates, but
 * DefaultPreemptionArgs limits to 2" (offset 4: node5, node1) and "some nodes
 * are not possible candidates, DefaultPreemptionArgs limits to 2" (offset 4:
 * node5 no, node1 yes, node2 no, node3 yes). */
static void test_dry_run_limits(void **state) {
  static const guint off4[] = {4};
  guint64 seed = seed_for_offsets(off4, 1, 5);
  DryCase c = {"all nodes are possible candidates, but DefaultPreemptionArgs limits to 2",
               {"node1", "node2", "node3", "node4", "node5"}, HIGH, L,
               {{"p1", "node1", MID, L, 0}, {"p2", "node2", MID, L, 0}, {"p3", "node3", MID, L, 0},
                {"p4", "node4", MID, L, 0}, {"p5", "node5", MID, L, 0}},
               "node1:p1 node5:p5"};
  run_dry_case(&c, seed, &args_40_1);
  c.name = "some nodes are not possible candidates, DefaultPreemptionArgs limits to 2";
  c.pods[1].prio = VHIGH;
  c.pods[4].prio = VHIGH;
  c.want = "node1:p1 node3:p3";
  run_dry_case(&c, seed, &args_40_1);
}

/* TestDryRunPreemption "preemption offset across multiple scheduling cycles
 * and wrap around": offsets 4, 1, 3. Each preemptor is deleted after its
 * cycle so that its nomination does not weigh on the next (upstream calls
 * DryRunPreemption directly, without nominations). */
static void test_dry_run_offsets(void **state) {
  static const guint offs[] = {4, 1, 3};
  static const char *want[] = {"node1:p1 node5:p5", "node2:p2 node3:p3", "node4:p4 node5:p5"};
  KsScheduler *s = new_sched(seed_for_offsets(offs, 3, 5), &args_40_1, FALSE);
  const char *names[] = {"node1", "node2", "node3", "node4", "node5"};
  for (guint i = 0; i < 5; i++)
    add_node(s, names[i], VL, 32);
  PodSpec pods[] = {{"p1", "node1", MID, L, 0}, {"p2", "node2", MID, L, 0},
                    {"p3", "node3", MID, L, 0}, {"p4", "node4", MID, L, 0},
                    {"p5", "node5", MID, L, 0}, {NULL}};
  add_running(s, pods);
  for (guint cycle = 0; cycle < 3; cycle++) {
    char name[8];
    g_snprintf(name, sizeof name, "tp%u", cycle + 1);
    KsPod *p = make_pod(name, HIGH, L);
    KsSchedResult r;
    run(s, p, &r);
    assert_int_equal(r.kind, KS_SCHED_RESULT_UNSCHEDULABLE);
    char *got = candidates(s);
    assert_string_equal(got, want[cycle]);
    g_free(got);
    ks_sched_remove_pod(s, p, NOW);
    ks_pod_unref(p);
  }
  ks_sched_free(s);
}

/* ---- TestSelectBestCandidate ------------------------------------------------------------- */

typedef struct {
  const char *name;
  const char *nodes[5];
  const char *cpu, *mem; /* preemptor, priority HIGH (VHIGH in one case) */
  gint32 prio;
  PodSpec pods[13];
  const char *want;
} PickCase;

static const PickCase pick_cases[] = {
    {"node with min highest priority pod is picked", {"node1", "node2", "node3"}, VL, HIGH,
     {{"p1.1", "node1", MID, M, 0}, {"p1.2", "node1", MID, L, 0}, {"p2.1", "node2", MID, M, 0},
      {"p2.2", "node2", LOW, M, 0}, {"p3.1", "node3", LOW, M, 0}, {"p3.2", "node3", LOW, M, 0}},
     "node3"},
    {"when highest priorities are the same, minimum sum of priorities is picked",
     {"node1", "node2", "node3"}, VL, HIGH,
     {{"p1.1", "node1", MID, M, 0}, {"p1.2", "node1", MID, L, 0}, {"p2.1", "node2", MID, L, 0},
      {"p2.2", "node2", LOW, M, 0}, {"p3.1", "node3", MID, M, 0}, {"p3.2", "node3", MID, M, 0}},
     "node2"},
    {"when highest priority and sum are the same, minimum number of pods is picked",
     {"node1", "node2", "node3"}, VL, HIGH,
     {{"p1.1", "node1", MID, S, 0}, {"p1.2", "node1", NEG, S, 0}, {"p1.3", "node1", MID, S, 0},
      {"p1.4", "node1", NEG, S, 0}, {"p2.1", "node2", MID, L, 0}, {"p2.2", "node2", NEG, M, 0},
      {"p3.1", "node3", MID, M, 0}, {"p3.2", "node3", NEG, S, 0}, {"p3.3", "node3", LOW, S, 0}},
     "node2"},
    {"sum of adjusted priorities is considered", {"node1", "node2", "node3"}, VL, HIGH,
     {{"p1.1", "node1", MID, S, 0}, {"p1.2", "node1", NEG, S, 0}, {"p1.3", "node1", NEG, S, 0},
      {"p2.1", "node2", MID, L, 0}, {"p2.2", "node2", NEG, M, 0}, {"p3.1", "node3", MID, M, 0},
      {"p3.2", "node3", NEG, S, 0}, {"p3.3", "node3", LOW, S, 0}},
     "node2"},
    {"non-overlapping lowest high priority, sum priorities, and number of pods",
     {"node1", "node2", "node3", "node4"}, VL, VHIGH,
     {{"p1.1", "node1", MID, S, 0}, {"p1.2", "node1", LOW, S, 0}, {"p1.3", "node1", LOW, S, 0},
      {"p2.1", "node2", HIGH, L, 0}, {"p3.1", "node3", MID, M, 0}, {"p3.2", "node3", LOW, S, 0},
      {"p3.3", "node3", LOW, S, 0}, {"p3.4", "node3", LOW, M, 0}, {"p4.1", "node4", MID, M, 0},
      {"p4.2", "node4", MID, S, 0}, {"p4.3", "node4", MID, S, 0}, {"p4.4", "node4", NEG, S, 0}},
     "node1"},
    {"same priority, same number of victims, different start time for each node's pod",
     {"node1", "node2", "node3"}, VL, HIGH,
     {{"p1.1", "node1", MID, M, 2}, {"p1.2", "node1", MID, M, 2}, {"p2.1", "node2", MID, M, 3},
      {"p2.2", "node2", MID, M, 3}, {"p3.1", "node3", MID, M, 1}, {"p3.2", "node3", MID, M, 1}},
     "node2"},
    {"same priority, same number of victims, different start time for all pods",
     {"node1", "node2", "node3"}, VL, HIGH,
     {{"p1.1", "node1", MID, M, 4}, {"p1.2", "node1", MID, M, 2}, {"p2.1", "node2", MID, M, 5},
      {"p2.2", "node2", MID, M, 1}, {"p3.1", "node3", MID, M, 3}, {"p3.2", "node3", MID, M, 6}},
     "node3"},
    {"different priority, same number of victims, different start time for all pods",
     {"node1", "node2", "node3"}, VL, HIGH,
     {{"p1.1", "node1", LOW, M, 4}, {"p1.2", "node1", MID, M, 2}, {"p2.1", "node2", MID, M, 6},
      {"p2.2", "node2", LOW, M, 1}, {"p3.1", "node3", LOW, M, 3}, {"p3.2", "node3", MID, M, 5}},
     "node2"},
};

static void test_select_best_candidate(void **state) {
  for (guint i = 0; i < G_N_ELEMENTS(pick_cases); i++) {
    const PickCase *c = &pick_cases[i];
    KsScheduler *s = new_sched(1, NULL, FALSE);
    for (guint k = 0; c->nodes[k]; k++)
      add_node(s, c->nodes[k], VL, 32);
    add_running(s, c->pods);
    KsPod *p = make_pod("p", c->prio, c->cpu, c->mem);
    KsSchedResult r;
    run(s, p, &r);
    assert_int_equal(r.kind, KS_SCHED_RESULT_UNSCHEDULABLE);
    if (!r.nominated_node || strcmp(r.nominated_node, c->want) != 0)
      fail_msg("%s: picked %s, want %s", c->name, r.nominated_node ? r.nominated_node : "(none)",
               c->want);
    ks_pod_unref(p);
    ks_sched_free(s);
  }
}

/* TestSelectBestCandidate "a pod that fits on both nodes when lower priority
 * pods are preempted": either node is right upstream; ksim takes the first
 * in dry-run order, so the pick follows the seeded offset. */
static void test_select_tie(void **state) {
  for (guint64 seed = 0; seed < 8; seed++) {
    KsScheduler *s = new_sched(seed, NULL, FALSE);
    add_node(s, "node1", VL, 32);
    add_node(s, "node2", VL, 32);
    PodSpec pods[] = {{"p1", "node1", MID, L, 0}, {"p2", "node2", MID, L, 0}, {NULL}};
    add_running(s, pods);
    KsRng rng;
    ks_rng_init(&rng, seed, "sched/preemption");
    const char *want = ks_rng_below(&rng, 2) == 0 ? "node1" : "node2";
    KsPod *p = make_pod("p", HIGH, L);
    KsSchedResult r;
    run(s, p, &r);
    assert_string_equal(r.nominated_node, want);
    char *v = victim_names(&r);
    assert_string_equal(v, strcmp(want, "node1") == 0 ? "p1" : "p2");
    g_free(v);
    ks_pod_unref(p);
    ks_sched_free(s);
  }
}

/* ---- TestPostFilter: outcome and message ---------------------------------------------- */

/* "pod with higher priority can be made schedulable" and "pod with tied
 * priority is still unschedulable": node1 holds one pod at most. */
static void test_post_filter_one_pod_node(void **state) {
  for (int tied = 0; tied < 2; tied++) {
    KsScheduler *s = new_sched(1, NULL, FALSE);
    add_node(s, "node1", NULL, NULL, 1);
    PodSpec pods[] = {{"p1", "node1", LOW, NULL, NULL, 0}, {NULL}};
    add_running(s, pods);
    KsPod *p = make_pod("p", tied ? LOW : HIGH, NULL, NULL);
    KsSchedResult r;
    run(s, p, &r);
    assert_int_equal(r.kind, KS_SCHED_RESULT_UNSCHEDULABLE);
    if (tied) {
      assert_null(r.nominated_node);
      assert_int_equal(r.n_victims, 0);
      assert_string_equal(r.message,
                          "0/1 nodes are available: 1 Too many pods. preemption: 0/1 nodes are "
                          "available: 1 No preemption victims found for incoming pod.");
    } else {
      assert_string_equal(r.nominated_node, "node1");
      assert_int_equal(r.n_victims, 1);
      assert_string_equal(r.victims[0]->name, "p1");
      /* a successful PostFilter adds nothing to the message */
      assert_string_equal(r.message, "0/1 nodes are available: 1 Too many pods.");
    }
    ks_pod_unref(p);
    ks_sched_free(s);
  }
}

/* "pod can be made schedulable on one node": node1's pod has higher priority. */
static void test_post_filter_one_node(void **state) {
  KsScheduler *s = new_sched(1, NULL, FALSE);
  add_node(s, "node1", NULL, NULL, 1);
  add_node(s, "node2", NULL, NULL, 1);
  PodSpec pods[] = {{"p1", "node1", HIGH, NULL, NULL, 0}, {"p2", "node2", LOW, NULL, NULL, 0},
                    {NULL}};
  add_running(s, pods);
  KsPod *p = make_pod("p", MID, NULL, NULL);
  KsSchedResult r;
  run(s, p, &r);
  assert_string_equal(r.nominated_node, "node2");
  assert_int_equal(r.n_victims, 1);
  assert_string_equal(r.victims[0]->name, "p2");
  ks_pod_unref(p);
  ks_sched_free(s);
}

/* "no candidate nodes found, no enough resource after removing low priority
 * pods" and "no candidate nodes found with mixed reasons, no lower priority
 * pod and no enough CPU resource". */
static void test_post_filter_no_candidates(void **state) {
  KsScheduler *s = new_sched(1, NULL, FALSE);
  add_node(s, "node1", "200m", "400", 32);
  add_node(s, "node2", "200m", "400", 32);
  PodSpec pods[] = {{"p1", "node1", LOW, NULL, NULL, 0}, {"p2", "node2", LOW, NULL, NULL, 0},
                    {NULL}};
  add_running(s, pods);
  KsPod *p = make_pod("p", HIGH, L);
  KsSchedResult r;
  run(s, p, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_UNSCHEDULABLE);
  assert_string_equal(r.message, "0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 "
                                 "nodes are available: 2 Insufficient cpu.");
  assert_int_equal(r.n_victims, 0);
  ks_pod_unref(p);
  ks_sched_free(s);

  s = new_sched(1, NULL, FALSE);
  add_node(s, "node1", NULL, NULL, 1);
  add_node(s, "node2", "200m", "400", 32);
  add_node(s, "node3", NULL, NULL, 1);
  PodSpec mixed[] = {{"p1", "node1", HIGH, NULL, NULL, 0},
                     {"p2", "node2", LOW, NULL, NULL, 0},
                     {"p3", "node3", HIGH, NULL, NULL, 0},
                     {NULL}};
  add_running(s, mixed);
  p = make_pod("p", HIGH, L);
  run(s, p, &r);
  assert_string_equal(strstr(r.message, "preemption:"),
                      "preemption: 0/3 nodes are available: 1 Insufficient cpu, 2 No preemption "
                      "victims found for incoming pod.");
  ks_pod_unref(p);
  ks_sched_free(s);
}

/* "no candidate nodes found with mixed reason, 2 UnschedulableAndUnresolvable
 * nodes and 2 nodes don't have enough CPU resource". */
static void test_post_filter_unresolvable(void **state) {
  KsScheduler *s = new_sched(1, NULL, TRUE);
  const char *names[] = {"node1", "node2", "node3", "node4"};
  for (guint i = 0; i < 4; i++) {
    KsNode *n = ks_node_new(names[i]);
    assert_true(ks_resource_list_set_quantity(&n->allocatable, "cpu", "200m", NULL));
    assert_true(ks_resource_list_set_quantity(&n->allocatable, "memory", "400", NULL));
    ks_resource_list_set(&n->allocatable, "pods", 32);
    if (i >= 2)
      ks_labels_set(&n->labels, "unresolvable", "true");
    ks_sched_add_node(s, n, 0);
    ks_node_unref(n);
  }
  PodSpec pods[] = {{"p1", "node1", LOW, NULL, NULL, 0}, {"p2", "node2", LOW, NULL, NULL, 0},
                    {NULL}};
  add_running(s, pods);
  KsPod *p = make_pod("p", HIGH, L);
  KsSchedResult r;
  run(s, p, &r);
  assert_string_equal(r.message,
                      "0/4 nodes are available: 2 Insufficient cpu, 2 node(s) were unresolvable. "
                      "preemption: 0/4 nodes are available: 2 Insufficient cpu, 2 Preemption is "
                      "not helpful for scheduling.");
  ks_pod_unref(p);
  ks_sched_free(s);
}

/* ---- TestPodEligibleToPreemptOthers ----------------------------------------------------- */

/* "Pod with preemptionPolicy=Never": not eligible, nothing preempted. */
static void test_preemption_policy_never(void **state) {
  KsScheduler *s = new_sched(1, NULL, FALSE);
  add_node(s, "node1", VL, 32);
  PodSpec pods[] = {{"p1", "node1", LOW, VL, 0}, {NULL}};
  add_running(s, pods);
  KsPod *p = make_pod("p", HIGH, S);
  p->preemption_policy = KS_PREEMPT_NEVER;
  KsSchedResult r;
  run(s, p, &r);
  assert_int_equal(r.n_victims, 0);
  assert_null(r.nominated_node);
  assert_string_equal(r.message, "0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient "
                                 "memory. preemption: not eligible due to preemptionPolicy=Never.");
  ks_pod_unref(p);
  ks_sched_free(s);
}

/* "Pod with nominated node, but without any lower priority pods terminating"
 * is eligible; "... with lower priority pods terminating" is not: the
 * victims stay terminating until the host removes them. Then the pod is
 * scheduled on its nominated node. */
static void test_terminating_victims(void **state) {
  KsScheduler *s = new_sched(1, NULL, FALSE);
  add_node(s, "node1", VL, 32);
  PodSpec pods[] = {{"p1", "node1", LOW, L, 0}, {"p2", "node1", LOW, M, 0}, {NULL}};
  add_running(s, pods);
  KsPod *p = make_pod("p", HIGH, L);
  KsSchedResult r;
  run(s, p, &r);
  assert_string_equal(r.nominated_node, "node1");
  char *v = victim_names(&r);
  assert_string_equal(v, "p1"); /* p2 (200m) is reprieved: 300+200 = 500 */
  g_free(v);
  KsPod *victim = ks_pod_ref(r.victims[0]);
  /* retry before the host deleted the victim: an update that changes more
   * than the status (isPodUpdated) moves the unschedulable pod */
  ks_sched_tick(s, NOW + 20000000);
  KsPod *p2 = ks_pod_copy(p);
  ks_labels_set(&p2->labels, "retry", "1");
  ks_sched_update_pending_pod(s, p2, NOW + 20000000);
  ks_sched_schedule_one(s, NOW + 20000000, &r);
  assert_ptr_equal(r.pod, p2);
  assert_int_equal(r.kind, KS_SCHED_RESULT_UNSCHEDULABLE);
  assert_int_equal(r.n_victims, 0);
  assert_string_equal(strstr(r.message, "preemption:"),
                      "preemption: not eligible due to a terminating pod on the nominated node.");
  /* the host deletes the victim: the pod moves and lands on node1 */
  ks_sched_remove_pod(s, victim, NOW + 20000000);
  ks_sched_tick(s, NOW + 40000000);
  ks_sched_schedule_one(s, NOW + 40000000, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_SCHEDULED);
  assert_string_equal(r.node, "node1");
  assert_int_equal(r.nodes_examined, 1); /* nominated node tried first */
  ks_pod_unref(victim);
  ks_pod_unref(p2);
  ks_pod_unref(p);
  ks_sched_free(s);
}

/* ---- nominated pods in Filter ------------------------------------------------------------- */

static KsPod *gated(const char *name, gint32 prio, const char *cpu, const char *mem,
                    const char *nominated) {
  KsPod *p = make_pod(name, prio, cpu, mem);
  p->scheduling_gates = g_new0(char *, 2);
  p->scheduling_gates[0] = g_strdup("wait");
  p->nominated_node_name = g_strdup(nominated);
  return p;
}

/* A pod nominated to node1 with priority >= the incoming pod's takes its
 * room; a lower-priority one does not (kube-semantics 1.2 step 6). */
static void test_filter_with_nominated(void **state) {
  static const struct {
    gint32 nominated_prio, pod_prio;
    gboolean fits;
  } cases[] = {{HIGH, MID, FALSE}, {MID, MID, FALSE}, {LOW, MID, TRUE}};
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    KsScheduler *s = new_sched(1, NULL, FALSE);
    add_node(s, "node1", "1", "1Gi", 32);
    KsPod *n = gated("nominated", cases[i].nominated_prio, "600m", "100", "node1");
    ks_sched_add_pending_pod(s, n, 0);
    KsPod *p = make_pod("p", cases[i].pod_prio, "500m", "100");
    KsSchedResult r;
    run(s, p, &r);
    if (cases[i].fits) {
      assert_int_equal(r.kind, KS_SCHED_RESULT_SCHEDULED);
    } else {
      assert_int_equal(r.kind, KS_SCHED_RESULT_UNSCHEDULABLE);
      /* equal priority: no victims (nominated pods are not in the cache) */
      assert_string_equal(r.message, "0/1 nodes are available: 1 Insufficient cpu. preemption: "
                                     "0/1 nodes are available: 1 No preemption victims found for "
                                     "incoming pod.");
    }
    /* the nominated pod is never left in the cache */
    assert_null(ks_sched_cache_pod(ks_sched_cache(s), n));
    ks_pod_unref(n);
    ks_pod_unref(p);
    ks_sched_free(s);
  }
}

/* A pod with a nominated node is tried there first, even where scoring
 * would pick another node. */
static void test_nominated_node_first(void **state) {
  KsScheduler *s = new_sched(1, NULL, FALSE);
  add_node(s, "node1", "4", "4Gi", 32);
  add_node(s, "node2", "1", "4Gi", 32);
  KsPod *p = make_pod("p", LOW, "100m", "100");
  p->nominated_node_name = g_strdup("node2");
  KsSchedResult r;
  run(s, p, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_SCHEDULED);
  assert_string_equal(r.node, "node2");
  assert_int_equal(r.nodes_examined, 1);
  assert_int_equal(ks_sched_next_start_node_index(s), 0);
  ks_pod_unref(p);
  ks_sched_free(s);
}

/* prepareCandidate: lower-priority pods nominated to the chosen node lose
 * their nomination; the preemptor is nominated. */
static void test_clear_lower_nominations(void **state) {
  KsScheduler *s = new_sched(1, NULL, FALSE);
  add_node(s, "node1", VL, 32);
  PodSpec pods[] = {{"p1", "node1", LOW, VL, 0}, {NULL}};
  add_running(s, pods);
  KsPod *low = gated("low", LOW, S, "node1");
  ks_sched_add_pending_pod(s, low, 0);
  KsPod *p = make_pod("p", HIGH, VL);
  KsSchedResult r;
  run(s, p, &r);
  assert_string_equal(r.nominated_node, "node1");
  assert_int_equal(r.n_cleared_nominations, 1);
  assert_string_equal(r.cleared_nominations[0]->name, "low");
  ks_pod_unref(low);
  ks_pod_unref(p);
  ks_sched_free(s);
}

/* Dry runs leave the cache as it was: every node's pods in the same order,
 * with the same sums and assumed flags. */
static void test_cache_restored(void **state) {
  KsScheduler *s = new_sched(1, NULL, FALSE);
  add_node(s, "node1", VL, 32);
  add_node(s, "node2", VL, 32);
  PodSpec pods[] = {{"a", "node1", LOW, S, 0}, {"b", "node1", MID, M, 0},
                    {"c", "node1", LOW, S, 0}, {"d", "node2", HIGH, M, 0},
                    {"e", "node2", LOW, M, 0}, {NULL}};
  add_running(s, pods);
  KsSchedCache *c = ks_sched_cache(s);
  /* an assumed (not yet confirmed) pod on node2 */
  KsPod *f = make_pod("f", LOW, S);
  KsSchedResult r;
  run(s, f, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_SCHEDULED);
  char *before[2];
  for (guint k = 0; k < 2; k++) {
    guint slot = (guint)ks_sched_cache_node_slot(c, k ? "node2" : "node1");
    GString *g = g_string_new(NULL);
    for (guint i = 0; i < c->pods[slot]->len; i++) {
      const KsSchedPodEntry *e = g_ptr_array_index(c->pods[slot], i);
      g_string_append_printf(g, "%s%s@%u ", e->pod->name, e->assumed ? "*" : "", e->pos);
    }
    g_string_append_printf(g, "%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "/%d", c->req_cpu[slot],
                           c->req_mem[slot], c->pod_count[slot]);
    before[k] = g_string_free(g, FALSE);
  }
  KsPod *p = make_pod("p", HIGH, "450m", "450"); /* too big anywhere: no candidate */
  run(s, p, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_UNSCHEDULABLE);
  KsPod *q = make_pod("q", HIGH, "300m", "300"); /* preempts: dry runs on both nodes */
  run(s, q, &r);
  assert_non_null(r.nominated_node);
  for (guint k = 0; k < 2; k++) {
    guint slot = (guint)ks_sched_cache_node_slot(c, k ? "node2" : "node1");
    GString *g = g_string_new(NULL);
    for (guint i = 0; i < c->pods[slot]->len; i++) {
      const KsSchedPodEntry *e = g_ptr_array_index(c->pods[slot], i);
      g_string_append_printf(g, "%s%s@%u ", e->pod->name, e->assumed ? "*" : "", e->pos);
    }
    g_string_append_printf(g, "%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "/%d", c->req_cpu[slot],
                           c->req_mem[slot], c->pod_count[slot]);
    assert_string_equal(g->str, before[k]);
    g_string_free(g, TRUE);
    g_free(before[k]);
  }
  ks_pod_unref(f);
  ks_pod_unref(p);
  ks_pod_unref(q);
  ks_sched_free(s);
}

/* DefaultPreemptionArgs validation (ValidateDefaultPreemptionArgs) and
 * calculateNumCandidates. */
static void test_args(void **state) {
  KsSchedRegistry *reg = ks_sched_registry_new();
  if (!ks_sched_registry_lookup(reg, "DefaultPreemption"))
    assert_true(ks_sched_registry_add(reg, &ks_sched_plugin_default_preemption, NULL));
  static const struct {
    KsSchedDefaultPreemptionArgs a;
    const char *err;
  } bad[] = {
      {{-1, 100}, "minCandidateNodesPercentage: Invalid value: -1: not in valid range [0, 100]"},
      {{101, 100}, "minCandidateNodesPercentage: Invalid value: 101: not in valid range [0, 100]"},
      {{10, -1}, "minCandidateNodesAbsolute: Invalid value: -1: not in valid range [0, inf)"},
      {{0, 0}, "both minCandidateNodesPercentage and minCandidateNodesAbsolute cannot be zero"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    KsSchedPluginConfig pc = {"DefaultPreemption", 0, &bad[i].a};
    GError *err = NULL;
    assert_null(ks_sched_framework_new(reg, "t", &pc, 1, &err));
    assert_non_null(err);
    if (!g_str_has_suffix(err->message, bad[i].err))
      fail_msg("%s: want suffix %s", err->message, bad[i].err);
    g_error_free(err);
  }
  KsSchedPluginConfig pc = {"DefaultPreemption", 0, NULL};
  KsSchedFramework *fw = ks_sched_framework_new(reg, "t", &pc, 1, NULL);
  KsSchedPlugin *p = ks_sched_framework_plugin(fw, "DefaultPreemption");
  /* max(100, n*10/100) capped at n */
  assert_int_equal(ks_sched_default_preemption_num_candidates(p, 50), 50);
  assert_int_equal(ks_sched_default_preemption_num_candidates(p, 999), 100);
  assert_int_equal(ks_sched_default_preemption_num_candidates(p, 5000), 500);
  ks_sched_framework_free(fw);
  ks_sched_registry_free(reg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dry_run),
      cmocka_unit_test(test_dry_run_limits),
      cmocka_unit_test(test_dry_run_offsets),
      cmocka_unit_test(test_select_best_candidate),
      cmocka_unit_test(test_select_tie),
      cmocka_unit_test(test_post_filter_one_pod_node),
      cmocka_unit_test(test_post_filter_one_node),
      cmocka_unit_test(test_post_filter_no_candidates),
      cmocka_unit_test(test_post_filter_unresolvable),
      cmocka_unit_test(test_preemption_policy_never),
      cmocka_unit_test(test_terminating_victims),
      cmocka_unit_test(test_filter_with_nominated),
      cmocka_unit_test(test_nominated_node_first),
      cmocka_unit_test(test_clear_lower_nominations),
      cmocka_unit_test(test_cache_restored),
      cmocka_unit_test(test_args),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
