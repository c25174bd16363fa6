/* NodeResourcesFit: upstream's fit_test.go filter tables (TestEnoughRequests,
 * TestNotEnoughRequests, TestStorageRequests) with their expected reasons,
 * and least_allocated_test.go / most_allocated_test.go scores with the exact
 * upstream numbers, ported as tables. The plugin runs inside a real profile
 * over a real cache. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sched/cache.h"
#include "sched/framework.h"
#include "sched/objects.h"
#include "sched/plugins/node_resources_fit.h"

/* ---- helpers ------------------------------------------------------------------ */

typedef struct {
  gint64 cpu, mem, eph; /* milli-cpu, bytes, bytes */
  const char *scalar;   /* NULL: none */
  gint64 sval;
} Req;

static void set_req(KsResourceList *l, const Req *r) {
  ks_resource_list_set(l, "cpu", r->cpu);
  ks_resource_list_set(l, "memory", r->mem);
  ks_resource_list_set(l, "ephemeral-storage", r->eph);
  if (r->scalar)
    ks_resource_list_set(l, r->scalar, r->sval);
}

static KsPod *make_pod(const char *name, const Req *app, guint n_app, const Req *init,
                       guint n_init) {
  KsPod *p = ks_pod_new("default", name);
  for (guint i = 0; i < n_app; i++)
    set_req(&ks_pod_add_container(p, "c", FALSE)->requests, &app[i]);
  for (guint i = 0; i < n_init; i++)
    set_req(&ks_pod_add_container(p, "i", TRUE)->requests, &init[i]);
  return p;
}

typedef struct {
  KsSchedRegistry *reg;
  KsSchedFramework *fw;
  KsSchedPlugin *fit;
  KsSchedCache *cache;
  KsSchedCycleState cs;
} Env;

static void env_init(Env *e, const KsSchedFitArgs *args) {
  e->reg = ks_sched_registry_new();
  KsSchedPluginConfig pc = {"NodeResourcesFit", 1, args};
  GError *err = NULL;
  e->fw = ks_sched_framework_new(e->reg, "test", &pc, 1, &err);
  assert_null(err);
  assert_non_null(e->fw);
  e->fit = ks_sched_framework_plugin(e->fw, "NodeResourcesFit");
  e->cache = ks_sched_cache_new();
  ks_sched_cycle_state_init(&e->cs);
}

static void env_clear(Env *e) {
  ks_sched_cycle_state_clear(&e->cs, e->fw);
  ks_sched_cache_free(e->cache);
  ks_sched_framework_free(e->fw);
  ks_sched_registry_free(e->reg);
}

static guint add_node(Env *e, const char *name, const char *cpu, const char *mem) {
  KsNode *n = ks_node_new(name);
  if (cpu)
    assert_true(ks_resource_list_set_quantity(&n->allocatable, "cpu", cpu, NULL));
  if (mem)
    assert_true(ks_resource_list_set_quantity(&n->allocatable, "memory", mem, NULL));
  ks_resource_list_set(&n->allocatable, "pods", 110);
  guint slot = ks_sched_cache_set_node(e->cache, n);
  ks_node_unref(n);
  return slot;
}

static int n_pods;

static void add_existing(Env *e, const char *node, const char *cpu, const char *mem) {
  char name[32];
  g_snprintf(name, sizeof name, "existing-%d", n_pods++);
  KsPod *p = ks_pod_new("default", name);
  if (cpu || mem) {
    KsContainer *c = ks_pod_add_container(p, "c", FALSE);
    if (cpu)
      assert_true(ks_resource_list_set_quantity(&c->requests, "cpu", cpu, NULL));
    if (mem)
      assert_true(ks_resource_list_set_quantity(&c->requests, "memory", mem, NULL));
  }
  ks_sched_cache_add_pod(e->cache, p, node);
  ks_pod_unref(p);
}

/* ---- Filter: fit_test.go -------------------------------------------------------------- */

#define AAA "example.com/aaa"
#define BBB "example.com/bbb"
#define KIO_A "kubernetes.io/something"
#define KIO_B "subdomain.kubernetes.io/something"
#define HUGE "hugepages-2Mi"

typedef struct {
  const char *name;
  Req app[2];
  guint n_app;
  Req init[2];
  guint n_init;
  gint64 oh_cpu, oh_mem; /* spec.overhead; 0 = unset */
  Req existing;          /* the pod already on the node */
  const char *ignored;   /* ignoredResources entry */
  gboolean one_pod_node; /* TestNotEnoughRequests node: pods = 1 */
  const char *want[3];   /* expected reasons, in order */
} FilterCase;

static const FilterCase filter_cases[] = {
    {"no resources requested always fits", {{0}}, 0, {{0}}, 0, 0, 0, {10, 20, 0, NULL, 0}, NULL, FALSE, {NULL}},
    {"too many resources fails", {{1, 1, 0, NULL, 0}}, 1, {{0}}, 0, 0, 0, {10, 20, 0, NULL, 0}, NULL, FALSE,
     {"Insufficient cpu", "Insufficient memory", NULL}},
    {"too many resources fails due to init container cpu", {{1, 1, 0, NULL, 0}}, 1, {{3, 1, 0, NULL, 0}}, 1, 0, 0,
     {8, 19, 0, NULL, 0}, NULL, FALSE, {"Insufficient cpu", NULL}},
    {"too many resources fails due to highest init container cpu", {{1, 1, 0, NULL, 0}}, 1,
     {{3, 1, 0, NULL, 0}, {2, 1, 0, NULL, 0}}, 2, 0, 0, {8, 19, 0, NULL, 0}, NULL, FALSE, {"Insufficient cpu", NULL}},
    {"too many resources fails due to init container memory", {{1, 1, 0, NULL, 0}}, 1, {{1, 3, 0, NULL, 0}}, 1, 0, 0,
     {9, 19, 0, NULL, 0}, NULL, FALSE, {"Insufficient memory", NULL}},
    {"too many resources fails due to highest init container memory", {{1, 1, 0, NULL, 0}}, 1,
     {{1, 3, 0, NULL, 0}, {1, 2, 0, NULL, 0}}, 2, 0, 0, {9, 19, 0, NULL, 0}, NULL, FALSE, {"Insufficient memory", NULL}},
    {"init container fits because it's the max, not sum", {{1, 1, 0, NULL, 0}}, 1, {{1, 1, 0, NULL, 0}}, 1, 0, 0,
     {9, 19, 0, NULL, 0}, NULL, FALSE, {NULL}},
    {"multiple init containers fit because it's the max", {{1, 1, 0, NULL, 0}}, 1,
     {{1, 1, 0, NULL, 0}, {1, 1, 0, NULL, 0}}, 2, 0, 0, {9, 19, 0, NULL, 0}, NULL, FALSE, {NULL}},
    {"both resources fit", {{1, 1, 0, NULL, 0}}, 1, {{0}}, 0, 0, 0, {5, 5, 0, NULL, 0}, NULL, FALSE, {NULL}},
    {"one resource memory fits", {{2, 1, 0, NULL, 0}}, 1, {{0}}, 0, 0, 0, {9, 5, 0, NULL, 0}, NULL, FALSE,
     {"Insufficient cpu", NULL}},
    {"one resource cpu fits", {{1, 2, 0, NULL, 0}}, 1, {{0}}, 0, 0, 0, {5, 19, 0, NULL, 0}, NULL, FALSE,
     {"Insufficient memory", NULL}},
    {"equal edge case", {{5, 1, 0, NULL, 0}}, 1, {{0}}, 0, 0, 0, {5, 19, 0, NULL, 0}, NULL, FALSE, {NULL}},
    {"equal edge case for init container", {{4, 1, 0, NULL, 0}}, 1, {{5, 1, 0, NULL, 0}}, 1, 0, 0,
     {5, 19, 0, NULL, 0}, NULL, FALSE, {NULL}},
    {"extended resource fits", {{0, 0, 0, AAA, 1}}, 1, {{0}}, 0, 0, 0, {0, 0, 0, NULL, 0}, NULL, FALSE, {NULL}},
    {"extended resource fits for init container", {{0}}, 1, {{0, 0, 0, AAA, 1}}, 1, 0, 0, {0, 0, 0, NULL, 0}, NULL,
     FALSE, {NULL}},
    {"extended resource capacity enforced", {{1, 1, 0, AAA, 10}}, 1, {{0}}, 0, 0, 0, {0, 0, 0, AAA, 0}, NULL, FALSE,
     {"Insufficient " AAA, NULL}},
    {"extended resource allocatable enforced", {{1, 1, 0, AAA, 1}}, 1, {{0}}, 0, 0, 0, {0, 0, 0, AAA, 5}, NULL,
     FALSE, {"Insufficient " AAA, NULL}},
    {"extended resource allocatable enforced for multiple containers", {{1, 1, 0, AAA, 3}, {1, 1, 0, AAA, 3}}, 2,
     {{0}}, 0, 0, 0, {0, 0, 0, AAA, 2}, NULL, FALSE, {"Insufficient " AAA, NULL}},
    {"extended resource allocatable admits multiple init containers", {{0}}, 1,
     {{1, 1, 0, AAA, 3}, {1, 1, 0, AAA, 3}}, 2, 0, 0, {0, 0, 0, AAA, 2}, NULL, FALSE, {NULL}},
    {"extended resource allocatable enforced for multiple init containers", {{0}}, 1,
     {{1, 1, 0, AAA, 6}, {1, 1, 0, AAA, 3}}, 2, 0, 0, {0, 0, 0, AAA, 2}, NULL, FALSE, {"Insufficient " AAA, NULL}},
    {"extended resource allocatable enforced for unknown resource", {{1, 1, 0, BBB, 1}}, 1, {{0}}, 0, 0, 0,
     {0, 0, 0, NULL, 0}, NULL, FALSE, {"Insufficient " BBB, NULL}},
    {"kubernetes.io resource capacity enforced", {{1, 1, 0, KIO_A, 10}}, 1, {{0}}, 0, 0, 0, {0, 0, 0, NULL, 0}, NULL,
     FALSE, {"Insufficient " KIO_A, NULL}},
    {"kubernetes.io resource capacity enforced for init container", {{0}}, 1, {{1, 1, 0, KIO_B, 10}}, 1, 0, 0,
     {0, 0, 0, NULL, 0}, NULL, FALSE, {"Insufficient " KIO_B, NULL}},
    {"hugepages resource capacity enforced", {{1, 1, 0, HUGE, 10}}, 1, {{0}}, 0, 0, 0, {0, 0, 0, HUGE, 0}, NULL,
     FALSE, {"Insufficient " HUGE, NULL}},
    {"hugepages resource allocatable enforced for multiple containers", {{1, 1, 0, HUGE, 3}, {1, 1, 0, HUGE, 3}}, 2,
     {{0}}, 0, 0, 0, {0, 0, 0, HUGE, 2}, NULL, FALSE, {"Insufficient " HUGE, NULL}},
    {"skip checking ignored extended resource", {{1, 1, 0, BBB, 1}}, 1, {{0}}, 0, 0, 0, {0, 0, 0, NULL, 0}, BBB,
     FALSE, {NULL}},
    {"resources + pod overhead fits", {{1, 1, 0, NULL, 0}}, 1, {{0}}, 0, 3, 13, {5, 5, 0, NULL, 0}, NULL, FALSE,
     {NULL}},
    {"requests + overhead does not fit for memory", {{1, 1, 0, NULL, 0}}, 1, {{0}}, 0, 1, 15, {5, 5, 0, NULL, 0},
     NULL, FALSE, {"Insufficient memory", NULL}},
    /* TestNotEnoughRequests: node allows 1 pod */
    {"no space for additional pod even without requests", {{0}}, 0, {{0}}, 0, 0, 0, {10, 20, 0, NULL, 0}, NULL,
     TRUE, {"Too many pods", NULL}},
    {"no space for additional pod even if both resources fit", {{1, 1, 0, NULL, 0}}, 1, {{0}}, 0, 0, 0,
     {5, 5, 0, NULL, 0}, NULL, TRUE, {"Too many pods", NULL}},
    {"no space for additional pod, equal edge case", {{5, 1, 0, NULL, 0}}, 1, {{0}}, 0, 0, 0, {5, 19, 0, NULL, 0},
     NULL, TRUE, {"Too many pods", NULL}},
    {"no space for additional pod due to init container", {{5, 1, 0, NULL, 0}}, 1, {{5, 1, 0, NULL, 0}}, 1, 0, 0,
     {5, 19, 0, NULL, 0}, NULL, TRUE, {"Too many pods", NULL}},
    /* TestStorageRequests */
    {"due to container scratch disk", {{1, 1, 0, NULL, 0}}, 1, {{0}}, 0, 0, 0, {10, 10, 0, NULL, 0}, NULL, FALSE,
     {"Insufficient cpu", NULL}},
    {"storage pod fit", {{1, 1, 0, NULL, 0}}, 1, {{0}}, 0, 0, 0, {2, 10, 0, NULL, 0}, NULL, FALSE, {NULL}},
    {"ephemeral local storage request exceeds allocatable", {{0, 0, 25, NULL, 0}}, 1, {{0}}, 0, 0, 0,
     {2, 2, 0, NULL, 0}, NULL, FALSE, {"Insufficient ephemeral-storage", NULL}},
    {"ephemeral storage pod fits", {{0, 0, 10, NULL, 0}}, 1, {{0}}, 0, 0, 0, {2, 2, 0, NULL, 0}, NULL, FALSE,
     {NULL}},
};

/* makeAllocatableResources(10, 20, 32, 5, 20, 5), or (10, 20, 1, 0, 0, 0) */
static KsNode *filter_node(gboolean one_pod) {
  KsNode *n = ks_node_new("machine");
  ks_resource_list_set(&n->allocatable, "cpu", 10);
  ks_resource_list_set(&n->allocatable, "memory", 20);
  ks_resource_list_set(&n->allocatable, "pods", one_pod ? 1 : 32);
  ks_resource_list_set(&n->allocatable, AAA, one_pod ? 0 : 5);
  ks_resource_list_set(&n->allocatable, "ephemeral-storage", one_pod ? 0 : 20);
  ks_resource_list_set(&n->allocatable, HUGE, one_pod ? 0 : 5);
  return n;
}

static void run_filter_case(const FilterCase *tc) {
  const char *ignored[] = {tc->ignored, NULL};
  KsSchedFitArgs args = {.ignored_resources = tc->ignored ? ignored : NULL};
  Env e;
  env_init(&e, &args);
  KsNode *n = filter_node(tc->one_pod_node);
  guint slot = ks_sched_cache_set_node(e.cache, n);
  ks_node_unref(n);
  KsPod *existing = make_pod("existing", &tc->existing, 1, NULL, 0);
  ks_sched_cache_add_pod(e.cache, existing, "machine");
  ks_pod_unref(existing);

  KsPod *pod = make_pod("pod", tc->app, tc->n_app, tc->init, tc->n_init);
  if (tc->oh_cpu || tc->oh_mem) {
    ks_resource_list_set(&pod->overhead, "cpu", tc->oh_cpu);
    ks_resource_list_set(&pod->overhead, "memory", tc->oh_mem);
  }
  KsSchedStatus st;
  ks_sched_status_reset(&st);
  GHashTable *names = NULL;
  e.fit->desc->pre_filter(e.fit, &e.cs, pod, e.cache, &names, &st);
  assert_int_equal(st.code, KS_SCHED_SUCCESS);
  e.fit->desc->filter(e.fit, &e.cs, pod, e.cache, slot, &st);

  guint want_n = 0;
  while (want_n < 3 && tc->want[want_n])
    want_n++;
  if (st.n_reasons != want_n)
    print_error("case \"%s\": %u reasons, want %u\n", tc->name, st.n_reasons, want_n);
  assert_int_equal(st.n_reasons, want_n);
  assert_int_equal(st.code, want_n ? KS_SCHED_UNSCHEDULABLE : KS_SCHED_SUCCESS);
  for (guint i = 0; i < want_n; i++)
    assert_string_equal(st.reasons[i], tc->want[i]);
  ks_pod_unref(pod);
  env_clear(&e);
}

static void test_filter_table(void **state) {
  for (guint i = 0; i < G_N_ELEMENTS(filter_cases); i++)
    run_filter_case(&filter_cases[i]);
}

/* TestPreFilterDisabled: Filter without PreFilter is an Error. */
static void test_filter_without_pre_filter(void **state) {
  Env e;
  env_init(&e, NULL);
  guint slot = add_node(&e, "n", "1", "1Gi");
  KsPod *pod = ks_pod_new("default", "p");
  KsSchedStatus st;
  ks_sched_status_reset(&st);
  e.fit->desc->filter(e.fit, &e.cs, pod, e.cache, slot, &st);
  assert_int_equal(st.code, KS_SCHED_ERROR_CODE);
  assert_string_equal(st.reasons[0],
                      "error reading \"PreFilterNodeResourcesFit\" from cycleState: not found");
  ks_pod_unref(pod);
  env_clear(&e);
}

/* ---- Score: least_allocated_test.go / most_allocated_test.go ----------------------------- */

typedef struct {
  const char *cpu, *mem;
} Q;

typedef struct {
  const char *name;
  Q pod[2];            /* containers of the incoming pod (cpu NULL = no container) */
  Q nodes[2];          /* allocatable (cpu NULL = none) */
  const char *node_scalar; /* node2 only: "abc.com/xyz" = 4 */
  Q existing[2][2];    /* pods per node, one container each */
  KsSchedResourceSpec res[3];
  guint n_res;
  gint64 want[2];
} ScoreCase;

static const ScoreCase least_cases[] = {
    {"nothing scheduled, nothing requested", {{0}}, {{"4000", "10000"}, {"4000", "10000"}}, NULL, {{{0}}}, {{0}}, 0,
     {100, 100}},
    {"nothing scheduled, resources requested, differently sized nodes", {{"1000", "2000"}, {"2000", "3000"}},
     {{"4000", "10000"}, {"6000", "10000"}}, NULL, {{{0}}}, {{0}}, 0, {37, 50}},
    {"no resources requested, pods scheduled with resources", {{0}}, {{"10000", "20000"}, {"10000", "20000"}}, NULL,
     {{{"3000", "0"}, {"3000", "0"}}, {{"3000", "0"}, {"3000", "5000"}}}, {{0}}, 0, {70, 57}},
    {"resources requested, pods scheduled with resources", {{"1000", "2000"}, {"2000", "3000"}},
     {{"10000", "20000"}, {"10000", "20000"}}, NULL, {{{"3000", "0"}}, {{"3000", "5000"}}}, {{0}}, 0, {57, 45}},
    {"resources requested, pods scheduled with resources, differently sized nodes",
     {{"1000", "2000"}, {"2000", "3000"}}, {{"10000", "20000"}, {"10000", "50000"}}, NULL,
     {{{"3000", "0"}}, {{"3000", "5000"}}}, {{0}}, 0, {57, 60}},
    {"requested resources exceed node capacity", {{"3000", "0"}}, {{"4000", "10000"}, {"4000", "10000"}}, NULL,
     {{{"3000", "0"}}, {{"3000", "5000"}}}, {{0}}, 0, {50, 25}},
    {"zero node resources, pods scheduled with resources", {{0}}, {{NULL, NULL}, {NULL, NULL}}, NULL,
     {{{"3000", "0"}}, {{"3000", "5000"}}}, {{0}}, 0, {0, 0}},
    {"different weight on CPU and memory, differently sized nodes", {{"1000", "2000"}, {"2000", "3000"}},
     {{"4000", "10000"}, {"6000", "10000"}}, NULL, {{{0}}}, {{"memory", 2}, {"cpu", 1}}, 2, {41, 50}},
    {"bypass extended resource if the pod does not request", {{"1000", "2000"}, {"2000", "3000"}},
     {{"6000", "10000"}, {"6000", "10000"}}, "abc.com/xyz", {{{0}}},
     {{"cpu", 1}, {"memory", 1}, {"abc.com/xyz", 1}}, 3, {50, 50}},
};

static void run_score_case(const ScoreCase *tc, KsSchedFitStrategy strategy) {
  KsSchedFitArgs args = {.strategy = strategy, .resources = tc->res, .n_resources = tc->n_res};
  Env e;
  env_init(&e, &args);
  guint slots[2];
  const char *names[2] = {"node1", "node2"};
  for (guint i = 0; i < 2; i++) {
    slots[i] = add_node(&e, names[i], tc->nodes[i].cpu, tc->nodes[i].mem);
    if (i == 1 && tc->node_scalar) {
      KsNode *n = ks_node_copy(e.cache->nodes[slots[i]]);
      ks_resource_list_set(&n->allocatable, tc->node_scalar, 4);
      ks_sched_cache_set_node(e.cache, n);
      ks_node_unref(n);
    }
    for (guint k = 0; k < 2; k++)
      if (tc->existing[i][k].cpu)
        add_existing(&e, names[i], tc->existing[i][k].cpu, tc->existing[i][k].mem);
  }
  KsPod *pod = ks_pod_new("default", "incoming");
  for (guint k = 0; k < 2; k++) {
    if (!tc->pod[k].cpu)
      continue;
    KsContainer *c = ks_pod_add_container(pod, "c", FALSE);
    assert_true(ks_resource_list_set_quantity(&c->requests, "cpu", tc->pod[k].cpu, NULL));
    assert_true(ks_resource_list_set_quantity(&c->requests, "memory", tc->pod[k].mem, NULL));
  }
  KsSchedStatus st;
  ks_sched_status_reset(&st);
  e.fit->desc->pre_score(e.fit, &e.cs, pod, e.cache, slots, 2, &st);
  assert_int_equal(st.code, KS_SCHED_SUCCESS);
  for (guint i = 0; i < 2; i++) {
    gint64 score = -1;
    e.fit->desc->score(e.fit, &e.cs, pod, e.cache, slots[i], &score, &st);
    if (score != tc->want[i])
      print_error("case \"%s\" node%u: score %" G_GINT64_FORMAT ", want %" G_GINT64_FORMAT "\n",
                  tc->name, i + 1, score, tc->want[i]);
    assert_int_equal(score, tc->want[i]);
  }
  gint64 batch[2] = {-1, -1}; /* the one-call form gives the same */
  e.fit->desc->score_nodes(e.fit, &e.cs, pod, e.cache, slots, 2, batch, &st);
  assert_int_equal(batch[0], tc->want[0]);
  assert_int_equal(batch[1], tc->want[1]);
  ks_pod_unref(pod);
  env_clear(&e);
}

static void test_least_allocated(void **state) {
  for (guint i = 0; i < G_N_ELEMENTS(least_cases); i++)
    run_score_case(&least_cases[i], KS_SCHED_FIT_LEAST_ALLOCATED);
}

/* most_allocated_test.go (TestMostAllocatedScoringStrategy), numbers upstream's. */
static const ScoreCase most_cases[] = {
    {"nothing scheduled, nothing requested", {{0}}, {{"4000", "10000"}, {"4000", "10000"}}, NULL, {{{0}}}, {{0}}, 0,
     {0, 0}},
    {"nothing scheduled, resources requested, differently sized nodes", {{"1000", "2000"}, {"2000", "3000"}},
     {{"4000", "10000"}, {"6000", "10000"}}, NULL, {{{0}}}, {{0}}, 0, {62, 50}},
    {"resources requested, pods scheduled with resources", {{"1000", "2000"}, {"2000", "3000"}},
     {{"10000", "20000"}, {"10000", "20000"}}, NULL, {{{"3000", "0"}}, {{"3000", "5000"}}}, {{0}}, 0, {42, 55}},
};

static void test_most_allocated(void **state) {
  for (guint i = 0; i < G_N_ELEMENTS(most_cases); i++)
    run_score_case(&most_cases[i], KS_SCHED_FIT_MOST_ALLOCATED);
}

/* Validation: weights outside [1, 100] are refused with the field path. */
static void test_invalid_weights(void **state) {
  static const gint64 bad[] = {-1, 0, 101};
  KsSchedRegistry *reg = ks_sched_registry_new();
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    KsSchedResourceSpec res[] = {{"memory", 1}, {"cpu", bad[i]}};
    KsSchedFitArgs args = {.resources = res, .n_resources = 2};
    KsSchedPluginConfig pc = {"NodeResourcesFit", 1, &args};
    GError *err = NULL;
    KsSchedFramework *fw = ks_sched_framework_new(reg, "p", &pc, 1, &err);
    assert_null(fw);
    assert_true(g_error_matches(err, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS));
    assert_non_null(strstr(err->message, "scoringStrategy.resources[1].weight"));
    g_error_free(err);
  }
  ks_sched_registry_free(reg);
}

/* RequestedToCapacityRatio with the upstream default-like shape
 * {0:10, 100:0} (a "least allocated" curve): node of 4000 cpu / 10000 mem,
 * pod 3000/5000 -> utilization 75 % and 50 % -> 25 and 50 -> round(37.5) = 38. */
static void test_requested_to_capacity_ratio(void **state) {
  static const KsSchedShapePoint shape[] = {{0, 10}, {100, 0}};
  KsSchedFitArgs args = {.strategy = KS_SCHED_FIT_REQUESTED_TO_CAPACITY_RATIO,
                         .shape = shape, .n_shape = 2};
  Env e;
  env_init(&e, &args);
  guint slot = add_node(&e, "n", "4000", "10000");
  KsPod *pod = ks_pod_new("default", "p");
  KsContainer *c = ks_pod_add_container(pod, "c", FALSE);
  ks_resource_list_set_quantity(&c->requests, "cpu", "3000", NULL);
  ks_resource_list_set_quantity(&c->requests, "memory", "5000", NULL);
  KsSchedStatus st;
  ks_sched_status_reset(&st);
  e.fit->desc->pre_score(e.fit, &e.cs, pod, e.cache, &slot, 1, &st);
  gint64 score = -1;
  e.fit->desc->score(e.fit, &e.cs, pod, e.cache, slot, &score, &st);
  assert_int_equal(score, 38);
  ks_pod_unref(pod);
  env_clear(&e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_filter_table),
      cmocka_unit_test(test_filter_without_pre_filter),
      cmocka_unit_test(test_least_allocated),
      cmocka_unit_test(test_most_allocated),
      cmocka_unit_test(test_invalid_weights),
      cmocka_unit_test(test_requested_to_capacity_ratio),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
