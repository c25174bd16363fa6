/* Research policies (docs/policies.md): Random, FirstFit, BestFit and
 * DotProduct. For each, exact scores on small hand-computed clusters through
 * the plugin harness, then a selection through the real scheduler
 * (ks_sched_new_with_profile) showing the node the policy must choose.
 *
 * Selection profiles pair the policy with a filter-only copy of
 * NodeResourcesFit ("FitFilter": same PreFilter/Filter, no score), so the
 * policy is the only score plugin and the choice is the policy's alone. */
#include "tests/sched/plugin_harness.h"

#include "sched/plugins/best_fit.h"
#include "sched/plugins/dot_product.h"
#include "sched/plugins/first_fit.h"
#include "sched/plugins/node_resources_fit.h"
#include "sched/plugins/plugins.h"
#include "sched/plugins/random.h"
#include "sched/rng.h"
#include "sched/scheduler.h"

/* ---- helpers ------------------------------------------------------------------------------ */

/* A pod with one container requesting cpu/memory (NULL = no entry). */
static KsPod *pod_req(const char *name, const char *cpu, const char *mem) {
  KsPod *p = ks_pod_new("default", name);
  KsContainer *c = ks_pod_add_container(p, "c", FALSE);
  if (cpu)
    assert_true(ks_resource_list_set_quantity(&c->requests, "cpu", cpu, NULL));
  if (mem)
    assert_true(ks_resource_list_set_quantity(&c->requests, "memory", mem, NULL));
  return p; /* transfer full */
}

static KsNode *zone_node(const char *name, const char *zone) {
  KsNode *n = ks_test_node(name, "4", "4Gi");
  ks_labels_set(&n->labels, "topology.kubernetes.io/zone", zone);
  return n; /* transfer full */
}

/* NodeResourcesFit's Filter without its Score: filled in by selection tests. */
typedef struct {
  KsSchedRegistry *reg;
  KsSchedPluginDesc fit_filter;
} Registry;

static void registry_init(Registry *r) {
  r->reg = ks_sched_registry_new();
  r->fit_filter = ks_sched_plugin_node_resources_fit;
  r->fit_filter.name = "FitFilter";
  r->fit_filter.pre_score = NULL;
  r->fit_filter.score = NULL;
  assert_true(ks_sched_registry_add(r->reg, &r->fit_filter, NULL));
  const KsSchedPluginDesc *ours[] = {&ks_sched_plugin_random, &ks_sched_plugin_first_fit,
                                     &ks_sched_plugin_best_fit, &ks_sched_plugin_dot_product};
  for (guint i = 0; i < G_N_ELEMENTS(ours); i++)
    if (!ks_sched_registry_lookup(r->reg, ours[i]->name))
      assert_true(ks_sched_registry_add(r->reg, ours[i], NULL));
}

/* A scheduler over profile PrioritySort, <filter>, <policy>, DefaultBinder,
 * with percentageOfNodesToScore 100. Frees r->reg. */
static KsScheduler *sched_with(Registry *r, const char *filter, const char *policy,
                               gconstpointer policy_args, gconstpointer filter_args,
                               guint64 seed) {
  KsSchedPluginConfig pcs[4] = {{"PrioritySort", 0, NULL}, {filter, 0, filter_args}};
  guint n = 2;
  if (policy)
    pcs[n++] = (KsSchedPluginConfig){policy, 1, policy_args};
  pcs[n++] = (KsSchedPluginConfig){"DefaultBinder", 0, NULL};
  GError *err = NULL;
  KsSchedFramework *fw = ks_sched_framework_new(r->reg, "policy", pcs, n, &err);
  if (!fw)
    fail_msg("profile: %s", err->message);
  ks_sched_registry_free(r->reg);
  r->reg = NULL;
  KsSchedConfig cfg;
  ks_sched_config_init_defaults(&cfg);
  cfg.seed = seed;
  cfg.percentage_of_nodes_to_score = 100;
  KsScheduler *s = ks_sched_new_with_profile(&cfg, fw, &err);
  if (!s)
    fail_msg("scheduler: %s", err->message);
  return s;
}

static void add_node(KsScheduler *s, KsNode *n) {
  ks_sched_add_node(s, n, 0);
  ks_node_unref(n);
}

/* Schedules pod (transfer full) and binds it; returns the node (static buffer). */
static const char *place(KsScheduler *s, KsPod *p) {
  static char node[64];
  ks_sched_add_pending_pod(s, p, 0);
  KsSchedResult r;
  ks_sched_schedule_one(s, 0, &r);
  if (r.kind != KS_SCHED_RESULT_SCHEDULED) {
    g_strlcpy(node, r.kind == KS_SCHED_RESULT_UNSCHEDULABLE ? "<unschedulable>" : "<error>",
              sizeof node);
  } else {
    g_strlcpy(node, r.node, sizeof node);
    ks_sched_bind_done(s, p, TRUE, 0);
    ks_sched_add_assigned_pod(s, p, node, 0);
  }
  ks_pod_unref(p);
  return node;
}

/* ---- Random -------------------------------------------------------------------------------- */

/* Score k is the k-th draw below 101 of stream "policy/random" of the seed. */
static void test_random_scores(void **state) {
  KsSchedRandomArgs args = {42};
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_random, &args);
  for (guint i = 0; i < 5; i++) {
    char name[8];
    g_snprintf(name, sizeof name, "n%u", i);
    ks_test_env_add_node(&e, ks_test_node(name, "4", "4Gi"));
  }
  KsPod *p = pod_req("p", "1", "1Gi");
  KsRng ref;
  ks_rng_init(&ref, 42, "policy/random");
  gint64 got[5];
  gboolean differs = FALSE;
  for (guint round = 0; round < 3; round++) { /* the stream runs on across cycles */
    assert_int_equal(ks_test_env_score(&e, p, NULL, 0, got), KS_SCHED_SUCCESS);
    for (guint i = 0; i < 5; i++) {
      assert_int_equal(got[i], (gint64)ks_rng_below(&ref, 101));
      assert_in_range(got[i], 0, 100);
      differs |= got[i] != got[0];
    }
  }
  assert_true(differs);
  ks_test_env_clear(&e);
  /* another seed, other scores (the first round of seed 42 is the reference) */
  ks_rng_init(&ref, 42, "policy/random");
  args.seed = 43;
  ks_test_env_init(&e, &ks_sched_plugin_random, &args);
  for (guint i = 0; i < 5; i++) {
    char name[8];
    g_snprintf(name, sizeof name, "m%u", i);
    ks_test_env_add_node(&e, ks_test_node(name, "4", "4Gi"));
  }
  ks_test_env_score(&e, p, NULL, 0, got);
  gboolean same = TRUE;
  for (guint i = 0; i < 5; i++)
    same &= got[i] == (gint64)ks_rng_below(&ref, 101);
  assert_false(same);
  ks_pod_unref(p);
  ks_test_env_clear(&e);
}

/* 200 pods that request nothing (explicit zeros) on four equal nodes and
 * one node that admits no pod: every pod lands on a feasible node, each
 * feasible node gets a fair share (expected 50, sd 6.1; bounds at +-3.3 sd),
 * and the same seed reproduces the placements exactly. */
static void random_run(guint64 seed, guint counts[4], GString *seq) {
  Registry r;
  registry_init(&r);
  KsSchedRandomArgs args = {seed};
  KsScheduler *s = sched_with(&r, "FitFilter", "Random", &args, NULL, 7);
  KsNode *full = ks_test_node("full", "4", "4Gi");
  ks_resource_list_set(&full->allocatable, "pods", 0);
  add_node(s, full);
  static const char *names[] = {"n0", "n1", "n2", "n3"};
  for (guint i = 0; i < 4; i++)
    add_node(s, ks_test_node(names[i], "4", "4Gi"));
  memset(counts, 0, 4 * sizeof *counts);
  for (guint k = 0; k < 200; k++) {
    char name[16];
    g_snprintf(name, sizeof name, "p%u", k);
    const char *node = place(s, pod_req(name, "0", "0"));
    guint i = 0;
    while (i < 4 && strcmp(node, names[i]) != 0)
      i++;
    if (i == 4)
      fail_msg("pod %u placed on %s", k, node);
    counts[i]++;
    g_string_append_c(seq, (char)('0' + i));
  }
  ks_sched_free(s);
}

static void test_random_selection(void **state) {
  guint a[4], b[4], c[4];
  GString *sa = g_string_new(NULL), *sb = g_string_new(NULL), *sc = g_string_new(NULL);
  random_run(1, a, sa);
  for (guint i = 0; i < 4; i++)
    if (a[i] < 30 || a[i] > 70)
      fail_msg("node n%u got %u of 200 pods", i, a[i]);
  random_run(1, b, sb);
  assert_string_equal(sa->str, sb->str);
  random_run(2, c, sc);
  assert_string_not_equal(sa->str, sc->str);
  g_string_free(sa, TRUE);
  g_string_free(sb, TRUE);
  g_string_free(sc, TRUE);
}

/* ---- FirstFit ------------------------------------------------------------------------------ */

static void test_first_fit_scores(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_first_fit, NULL);
  for (guint i = 0; i < 5; i++) {
    char name[8];
    g_snprintf(name, sizeof name, "n%u", i);
    ks_test_env_add_node(&e, ks_test_node(name, "4", "4Gi"));
  }
  KsPod *p = pod_req("p", "1", "1Gi");
  gint64 got[5];
  /* all five: 100 * (4 - k) / 4 */
  ks_test_env_score(&e, p, NULL, 0, got);
  const gint64 want5[] = {100, 75, 50, 25, 0};
  for (guint i = 0; i < 5; i++)
    assert_int_equal(got[i], want5[i]);
  /* a subset given out of order: ranks by node order n1 < n3 < n4 */
  const guint idx[] = {4, 1, 3};
  ks_test_env_score(&e, p, idx, 3, got);
  assert_int_equal(got[0], 0);
  assert_int_equal(got[1], 100);
  assert_int_equal(got[2], 50);
  /* four nodes: 100 * (3 - k) / 3 truncates */
  const guint idx4[] = {0, 1, 2, 3};
  ks_test_env_score(&e, p, idx4, 4, got);
  const gint64 want4[] = {100, 66, 33, 0};
  for (guint i = 0; i < 4; i++)
    assert_int_equal(got[i], want4[i]);
  /* a single node */
  const guint one[] = {2};
  ks_test_env_score(&e, p, one, 1, got);
  assert_int_equal(got[0], 100);
  ks_pod_unref(p);
  ks_test_env_clear(&e);
}

/* The node-tree order interleaves zones: a1, a2 (zone a), b1 (zone b) are
 * ordered a1, b1, a2, so b1 comes before a2. */
static void test_first_fit_zone_order(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_first_fit, NULL);
  ks_test_env_add_node(&e, zone_node("a1", "a"));
  ks_test_env_add_node(&e, zone_node("a2", "a"));
  ks_test_env_add_node(&e, zone_node("b1", "b"));
  KsPod *p = pod_req("p", "1", "1Gi");
  gint64 got[3];
  ks_test_env_score(&e, p, NULL, 0, got);
  assert_int_equal(got[0], 100); /* a1 */
  assert_int_equal(got[1], 0);   /* a2 */
  assert_int_equal(got[2], 50);  /* b1 */
  ks_pod_unref(p);
  ks_test_env_clear(&e);
}

/* 600m pods on n1 (1 cpu), n2 (4), n3 (4): the first node with room wins
 * every time, whatever node the round-robin search starts from: n1 once,
 * n2 six times (3600m), then n3. LeastAllocated would spread them. */
static void test_first_fit_selection(void **state) {
  Registry r;
  registry_init(&r);
  KsScheduler *s = sched_with(&r, "FitFilter", "FirstFit", NULL, NULL, 1);
  add_node(s, ks_test_node("n1", "1", "4Gi"));
  add_node(s, ks_test_node("n2", "4", "4Gi"));
  add_node(s, ks_test_node("n3", "4", "4Gi"));
  static const char *want[] = {"n1", "n2", "n2", "n2", "n2", "n2", "n2", "n3", "n3"};
  for (guint k = 0; k < G_N_ELEMENTS(want); k++) {
    char name[16];
    g_snprintf(name, sizeof name, "p%u", k);
    const char *got = place(s, pod_req(name, "600m", "100Mi"));
    if (strcmp(got, want[k]) != 0)
      fail_msg("pod %u on %s, want %s", k, got, want[k]);
  }
  ks_sched_free(s);
}

/* ---- BestFit ------------------------------------------------------------------------------- */

/* Nodes: A 2000m/4000 empty; B 8000m/16000 empty; D 8000m/16000 holding
 * 2000m/13000. Pod 1000m/2000. L = 8000m, 16000.
 *   A: left 1000, 2000 -> 12, 12            1:1 -> 88   3:1 -> 88
 *   B: left 7000, 14000 -> 87, 87           1:1 -> 13   3:1 -> 13
 *   D: left 5000, 1000 -> 62, 6   1:1 -> 100-34 = 66   3:1 -> 100-(186+6)/4 = 52
 *   memory only (0:1): A 88, B 13, D 94 */
static void best_fit_case(const KsSchedBestFitArgs *args, const gint64 want[3]) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_best_fit, args);
  ks_test_env_add_node(&e, ks_test_node("A", "2000m", "4000"));
  ks_test_env_add_node(&e, ks_test_node("B", "8000m", "16000"));
  ks_test_env_add_node(&e, ks_test_node("D", "8000m", "16000"));
  ks_test_env_add_pod(&e, pod_req("existing", "2000m", "13000"), "D");
  KsPod *p = pod_req("p", "1000m", "2000");
  gint64 got[3];
  ks_test_env_score(&e, p, NULL, 0, got);
  for (guint i = 0; i < 3; i++)
    if (got[i] != want[i])
      fail_msg("node %u scored %" G_GINT64_FORMAT ", want %" G_GINT64_FORMAT, i, got[i],
               want[i]);
  ks_pod_unref(p);
  ks_test_env_clear(&e);
}

static void test_best_fit_scores(void **state) {
  const gint64 even[] = {88, 13, 66}, cpu3[] = {88, 13, 52}, mem_only[] = {88, 13, 94};
  best_fit_case(NULL, even);
  KsSchedBestFitArgs zero = {0, 0}, w31 = {3, 1}, w01 = {0, 1};
  best_fit_case(&zero, even);
  best_fit_case(&w31, cpu3);
  best_fit_case(&w01, mem_only);
}

static void test_best_fit_args(void **state) {
  KsSchedBestFitArgs bad_cpu = {101, 1}, bad_mem = {1, -1};
  GError *err = NULL;
  assert_null(ks_sched_plugin_best_fit.create(&bad_cpu, &err));
  assert_string_equal(err->message, "cpuWeight: Invalid value: 101: must be in the range [0, 100]");
  g_clear_error(&err);
  assert_null(ks_sched_plugin_best_fit.create(&bad_mem, &err));
  assert_string_equal(err->message, "memoryWeight: Invalid value: -1: must be in the range [0, 100]");
  g_clear_error(&err);
}

/* Heterogeneous nodes: small S 2000m/4000 empty, big G 8000m/16000 half
 * full (4000m/8000). Pod 500m/1000. BestFit: S left 1500/3000 -> 18 -> 82,
 * G left 3500/7000 -> 43 -> 57: S, the tighter gap. MostAllocated prefers
 * G (56% used after placement against S's 25%): the two policies differ. */
static const char *hetero_choice(const char *policy, gconstpointer fit_args) {
  Registry r;
  registry_init(&r);
  KsScheduler *s = policy ? sched_with(&r, "FitFilter", policy, NULL, NULL, 1)
                          : sched_with(&r, "NodeResourcesFit", NULL, NULL, fit_args, 1);
  add_node(s, ks_test_node("G", "8000m", "16000"));
  add_node(s, ks_test_node("S", "2000m", "4000"));
  KsPod *filler = pod_req("filler", "4000m", "8000");
  filler->node_name = g_strdup("G");
  ks_sched_add_assigned_pod(s, filler, "G", 0);
  ks_pod_unref(filler);
  const char *got = place(s, pod_req("p", "500m", "1000"));
  ks_sched_free(s);
  return got;
}

static void test_best_fit_selection(void **state) {
  assert_string_equal(hetero_choice("BestFit", NULL), "S");
  KsSchedFitArgs most = {.strategy = KS_SCHED_FIT_MOST_ALLOCATED};
  assert_string_equal(hetero_choice(NULL, &most), "G");
}

/* ---- DotProduct ---------------------------------------------------------------------------- */

/* Nodes 4000m/4000: X empty; C holding 0m/3000 (cpu free); M holding
 * 2000m/0 (memory free). Pod 2000m/500 (cpu heavy): d = 5000, 1250.
 *   X: 5000*10000 + 1250*10000 = 62500000                   -> 100
 *   C: 5000*10000 + 1250*2500  = 53125000 -> *100/62500000  -> 85
 *   M: 5000*5000  + 1250*10000 = 37500000                   -> 60 */
static void test_dot_product_scores(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_dot_product, NULL);
  ks_test_env_add_node(&e, ks_test_node("X", "4000m", "4000"));
  ks_test_env_add_node(&e, ks_test_node("C", "4000m", "4000"));
  ks_test_env_add_node(&e, ks_test_node("M", "4000m", "4000"));
  ks_test_env_add_pod(&e, pod_req("c-mem", "0", "3000"), "C");
  ks_test_env_add_pod(&e, pod_req("m-cpu", "2000m", "0"), "M");
  KsPod *p = pod_req("p", "2000m", "500");
  gint64 got[3];
  ks_test_env_score(&e, p, NULL, 0, got);
  assert_int_equal(got[0], 100);
  assert_int_equal(got[1], 85);
  assert_int_equal(got[2], 60);
  /* without X the maximum is C's raw score */
  const guint cm[] = {1, 2};
  ks_test_env_score(&e, p, cm, 2, got);
  assert_int_equal(got[0], 100);
  assert_int_equal(got[1], 70);
  /* a pod requesting nothing: d = 0 everywhere, all 0 */
  KsPod *be = pod_req("be", NULL, NULL);
  ks_test_env_score(&e, be, NULL, 0, got);
  for (guint i = 0; i < 3; i++)
    assert_int_equal(got[i], 0);
  ks_pod_unref(be);
  ks_pod_unref(p);
  ks_test_env_clear(&e);
}

/* Requested scalars count: pod 1000m/1000/gpu 1 on 4000m/4000 nodes.
 *   G1 (4 gpus, 3 used): 2500*10000 + 2500*10000 + 2500*2500  = 56250000 -> 75
 *   G2 (4 gpus, none used): 50000000 + 2500*10000            = 75000000 -> 100
 *   G0 (no gpus): 50000000                                              -> 66 */
static void test_dot_product_scalars(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_dot_product, NULL);
  static const char *names[] = {"G1", "G2", "G0"};
  for (guint i = 0; i < 3; i++) {
    KsNode *n = ks_test_node(names[i], "4000m", "4000");
    if (i < 2)
      ks_resource_list_set(&n->allocatable, "nvidia.com/gpu", 4);
    ks_test_env_add_node(&e, n);
  }
  KsPod *used = ks_pod_new("default", "used");
  assert_true(ks_resource_list_set_quantity(&ks_pod_add_container(used, "c", FALSE)->requests,
                                            "nvidia.com/gpu", "3", NULL));
  ks_test_env_add_pod(&e, used, "G1");
  KsPod *p = pod_req("p", "1000m", "1000");
  assert_true(ks_resource_list_set_quantity(
      &g_array_index(p->containers, KsContainer, 0).requests, "nvidia.com/gpu", "1", NULL));
  gint64 got[3];
  ks_test_env_score(&e, p, NULL, 0, got);
  assert_int_equal(got[0], 75);
  assert_int_equal(got[1], 100);
  assert_int_equal(got[2], 66);
  ks_pod_unref(p);
  ks_test_env_clear(&e);
}

/* C (cpu free) and M (memory free) as above: the cpu-heavy pod goes to C,
 * where it aligns; LeastAllocated alone would pick M (43 against 31). */
static void test_dot_product_selection(void **state) {
  Registry r;
  registry_init(&r);
  KsScheduler *s = sched_with(&r, "FitFilter", "DotProduct", NULL, NULL, 1);
  add_node(s, ks_test_node("M", "4000m", "4000"));
  add_node(s, ks_test_node("C", "4000m", "4000"));
  KsPod *a = pod_req("c-mem", "0", "3000"), *b = pod_req("m-cpu", "2000m", "0");
  ks_sched_add_assigned_pod(s, a, "C", 0);
  ks_sched_add_assigned_pod(s, b, "M", 0);
  ks_pod_unref(a);
  ks_pod_unref(b);
  assert_string_equal(place(s, pod_req("p", "2000m", "500")), "C");
  ks_sched_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_random_scores),      cmocka_unit_test(test_random_selection),
      cmocka_unit_test(test_first_fit_scores),   cmocka_unit_test(test_first_fit_zone_order),
      cmocka_unit_test(test_first_fit_selection), cmocka_unit_test(test_best_fit_scores),
      cmocka_unit_test(test_best_fit_args),      cmocka_unit_test(test_best_fit_selection),
      cmocka_unit_test(test_dot_product_scores), cmocka_unit_test(test_dot_product_scalars),
      cmocka_unit_test(test_dot_product_selection),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
