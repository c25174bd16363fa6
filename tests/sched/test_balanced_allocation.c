/* NodeResourcesBalancedAllocation: upstream balanced_allocation_test.go
 * TestNodeResourcesBalancedAllocation (v1.31 table, every case, exact
 * scores), one case from the later upstream table whose rule is unchanged
 * since v1.31, args validation (TestValidateNodeResourcesBalancedAllocationArgs)
 * and the pieces upstream's table does not reach (float truncation, the
 * cap at 1, ephemeral-storage, cycle-state reuse). */
#include "tests/sched/plugin_harness.h"

#include "sched/plugins/balanced_allocation.h"

/* The pod specs of the upstream test. */
typedef enum {
  SPEC_EMPTY,            /* st.MakePod().Obj(): no containers */
  SPEC_CPU_AND_MEMORY,   /* 1000m/2000 + 2000m/3000 */
  SPEC_CPU_ONLY,         /* 1000m/0 + 2000m/0 */
  SPEC_CPU_MEMORY_GPU,   /* 1000m/2000 + 2000m/3000/gpu 3 */
  SPEC_MEM0_GPU1,        /* one container: memory 0, nvidia.com/gpu 1 */
} Spec;

static void set_req(KsContainer *c, const char *name, const char *q) {
  assert_true(ks_resource_list_set_quantity(&c->requests, name, q, NULL));
}

static KsPod *make_pod(const char *name, Spec spec) {
  KsPod *p = ks_pod_new("default", name);
  KsContainer *c;
  switch (spec) {
  case SPEC_EMPTY: break;
  case SPEC_CPU_AND_MEMORY:
  case SPEC_CPU_MEMORY_GPU:
    c = ks_pod_add_container(p, "c1", FALSE);
    set_req(c, "cpu", "1000m");
    set_req(c, "memory", "2000");
    c = ks_pod_add_container(p, "c2", FALSE);
    set_req(c, "cpu", "2000m");
    set_req(c, "memory", "3000");
    if (spec == SPEC_CPU_MEMORY_GPU)
      set_req(c, "nvidia.com/gpu", "3");
    break;
  case SPEC_CPU_ONLY:
    c = ks_pod_add_container(p, "c1", FALSE);
    set_req(c, "cpu", "1000m");
    set_req(c, "memory", "0");
    c = ks_pod_add_container(p, "c2", FALSE);
    set_req(c, "cpu", "2000m");
    set_req(c, "memory", "0");
    break;
  case SPEC_MEM0_GPU1:
    c = ks_pod_add_container(p, "c1", FALSE);
    set_req(c, "memory", "0");
    set_req(c, "nvidia.com/gpu", "1");
    break;
  }
  return p; /* transfer full */
}

/* upstream makeNode(name, milliCPU, memory, scalars) */
static KsNode *make_node(const char *name, gint64 milli_cpu, gint64 memory, gint64 gpus) {
  KsNode *n = ks_node_new(name);
  ks_resource_list_set(&n->allocatable, "cpu", milli_cpu);
  ks_resource_list_set(&n->allocatable, "memory", memory);
  ks_resource_list_set(&n->allocatable, "pods", 110);
  if (gpus)
    ks_resource_list_set(&n->allocatable, "nvidia.com/gpu", gpus);
  ks_resource_list_copy(&n->capacity, &n->allocatable);
  return n; /* transfer full */
}

typedef struct {
  gint64 cpu, mem, gpu;
} NodeSpec;

typedef struct {
  Spec spec;
  const char *node;
} Placed;

static const KsSchedResourceSpec cpu_mem_gpu[] = {{"cpu", 1}, {"memory", 1}, {"nvidia.com/gpu", 1}};
static const KsSchedResourceSpec cpu_gpu[] = {{"cpu", 1}, {"nvidia.com/gpu", 1}};

typedef struct {
  const char *name; /* upstream t.Run name */
  Spec pod;
  NodeSpec nodes[2];
  Placed pods[4];
  guint n_pods;
  const KsSchedResourceSpec *resources; /* NULL: the default cpu:1, memory:1 */
  guint n_resources;
  gboolean run_pre_score;
  gint64 want[2];
} Case;

static const Case cases[] = {
    /* TestNodeResourcesBalancedAllocation "nothing scheduled, nothing requested" */
    {"nothing scheduled, nothing requested", SPEC_EMPTY, {{4000, 10000, 0}, {4000, 10000, 0}},
     {{0}}, 0, NULL, 0, TRUE, {100, 100}},
    /* "nothing scheduled, resources requested, differently sized nodes": 0.75/0.5 -> 87 */
    {"nothing scheduled, resources requested, differently sized nodes", SPEC_CPU_AND_MEMORY,
     {{4000, 10000, 0}, {6000, 10000, 0}}, {{0}}, 0, NULL, 0, TRUE, {87, 100}},
    /* "no resources requested, pods without container scheduled" (upstream's
     * expectedList names node2 twice; both scores are MaxNodeScore) */
    {"no resources requested, pods without container scheduled", SPEC_EMPTY,
     {{4000, 10000, 0}, {4000, 10000, 0}},
     {{SPEC_EMPTY, "node1"}, {SPEC_EMPTY, "node1"}, {SPEC_EMPTY, "node2"}, {SPEC_EMPTY, "node2"}},
     4, NULL, 0, TRUE, {100, 100}},
    /* "no resources requested, pods with container scheduled" */
    {"no resources requested, pods with container scheduled", SPEC_EMPTY,
     {{250, 1000 * 1024 * 1024, 0}, {250, 1000 * 1024 * 1024, 0}},
     {{SPEC_EMPTY, "node1"}, {SPEC_EMPTY, "node1"}}, 2, NULL, 0, TRUE, {100, 100}},
    /* "no resources requested, pods scheduled with resources": 0.6/0 -> 70, 0.6/0.25 -> 82 */
    {"no resources requested, pods scheduled with resources", SPEC_EMPTY,
     {{10000, 20000, 0}, {10000, 20000, 0}},
     {{SPEC_CPU_ONLY, "node1"}, {SPEC_CPU_ONLY, "node1"}, {SPEC_CPU_ONLY, "node2"},
      {SPEC_CPU_AND_MEMORY, "node2"}},
     4, NULL, 0, TRUE, {70, 82}},
    /* "resources requested, pods scheduled with resources": 0.6/0.25 -> 82, 0.6/0.5 -> 95 */
    {"resources requested, pods scheduled with resources", SPEC_CPU_AND_MEMORY,
     {{10000, 20000, 0}, {10000, 20000, 0}},
     {{SPEC_CPU_ONLY, "node1"}, {SPEC_CPU_AND_MEMORY, "node2"}}, 2, NULL, 0, TRUE, {82, 95}},
    /* "resources requested, pods scheduled with resources, differently sized nodes" */
    {"resources requested, pods scheduled with resources, differently sized nodes",
     SPEC_CPU_AND_MEMORY, {{10000, 20000, 0}, {10000, 50000, 0}},
     {{SPEC_CPU_ONLY, "node1"}, {SPEC_CPU_AND_MEMORY, "node2"}}, 2, NULL, 0, TRUE, {82, 80}},
    /* "requested resources at node capacity": 1/0 -> 50, 1/0.5 -> 75 */
    {"requested resources at node capacity", SPEC_CPU_ONLY, {{6000, 10000, 0}, {6000, 10000, 0}},
     {{SPEC_CPU_ONLY, "node1"}, {SPEC_CPU_AND_MEMORY, "node2"}}, 2, NULL, 0, TRUE, {50, 75}},
    /* "zero node resources, pods scheduled with resources": every resource skipped */
    {"zero node resources, pods scheduled with resources", SPEC_EMPTY, {{0, 0, 0}, {0, 0, 0}},
     {{SPEC_CPU_ONLY, "node1"}, {SPEC_CPU_AND_MEMORY, "node2"}}, 2, NULL, 0, TRUE, {100, 100}},
    /* "include scalar resource on a node for balanced resource allocation":
     * node1 3000/3500, 5000/40000, 4/8 -> 70; node2 .., 1/8 -> 65 */
    {"include scalar resource on a node for balanced resource allocation", SPEC_MEM0_GPU1,
     {{3500, 40000, 8}, {3500, 40000, 8}},
     {{SPEC_CPU_AND_MEMORY, "node2"}, {SPEC_CPU_MEMORY_GPU, "node1"}}, 2, cpu_mem_gpu, 3, TRUE,
     {70, 65}},
    /* "node without the scalar resource results to a higher score": gpu not
     * requested -> only the cpu fraction -> std 0 */
    {"node without the scalar resource results to a higher score", SPEC_EMPTY,
     {{3500, 40000, 8}, {3500, 40000, 0}},
     {{SPEC_CPU_ONLY, "node1"}, {SPEC_CPU_ONLY, "node2"}}, 2, cpu_gpu, 2, TRUE, {100, 100}},
    /* "resources requested, pods scheduled with resources if PreScore not called" */
    {"resources requested, pods scheduled with resources if PreScore not called",
     SPEC_CPU_AND_MEMORY, {{10000, 20000, 0}, {10000, 20000, 0}},
     {{SPEC_CPU_ONLY, "node1"}, {SPEC_CPU_AND_MEMORY, "node2"}}, 2, NULL, 0, FALSE, {82, 95}},
    /* Later upstream table (same rule in v1.31): "node without the scalar
     * resource should skip the scalar resource": 0.857/0.125 -> 63 on both */
    {"node without the scalar resource should skip the scalar resource", SPEC_CPU_AND_MEMORY,
     {{3500, 40000, 8}, {3500, 40000, 0}}, {{0}}, 0, cpu_mem_gpu, 3, TRUE, {63, 63}},
};

static void run_case(const Case *tc) {
  KsSchedBalancedAllocationArgs args = {tc->resources, tc->n_resources};
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_balanced_allocation, &args);
  static const char *names[] = {"node1", "node2"};
  for (guint i = 0; i < 2; i++)
    ks_test_env_add_node(&e, make_node(names[i], tc->nodes[i].cpu, tc->nodes[i].mem,
                                       tc->nodes[i].gpu));
  for (guint i = 0; i < tc->n_pods; i++) {
    char name[32];
    g_snprintf(name, sizeof name, "existing-%u", i);
    ks_test_env_add_pod(&e, make_pod(name, tc->pods[i].spec), tc->pods[i].node);
  }
  KsPod *pod = make_pod("incoming", tc->pod);
  gint64 got[2];
  if (tc->run_pre_score) {
    assert_int_equal(ks_test_env_score(&e, pod, NULL, 0, got), KS_SCHED_SUCCESS);
  } else {
    /* upstream calls Score on a fresh CycleState: no PreScore data */
    KsSchedStatus st;
    for (guint i = 0; i < 2; i++) {
      ks_sched_status_reset(&st);
      e.plugin->desc->score(e.plugin, &e.cs, pod, e.cache, e.slots[i], &got[i], &st);
      assert_int_equal(st.code, KS_SCHED_SUCCESS);
    }
  }
  for (guint i = 0; i < 2; i++)
    if (got[i] != tc->want[i])
      fail_msg("%s: %s scored %" G_GINT64_FORMAT ", want %" G_GINT64_FORMAT, tc->name, names[i],
               got[i], tc->want[i]);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

static void test_upstream_table(void **state) {
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
    run_case(&cases[i]);
}

/* A cycle state reused for a second pod must not keep the first pod's request. */
static void test_cycle_state_reused(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_balanced_allocation, NULL);
  ks_test_env_add_node(&e, make_node("node1", 4000, 10000, 0));
  ks_test_env_add_node(&e, make_node("node2", 6000, 10000, 0));
  KsPod *a = make_pod("a", SPEC_CPU_AND_MEMORY), *b = make_pod("b", SPEC_EMPTY);
  gint64 got[2];
  ks_test_env_score(&e, a, NULL, 0, got);
  assert_int_equal(got[0], 87);
  ks_test_env_score(&e, b, NULL, 0, got);
  assert_int_equal(got[0], 100);
  assert_int_equal(got[1], 100);
  ks_pod_unref(a);
  ks_pod_unref(b);
  ks_test_env_clear(&e);
}

/* Hand computed: the float result is truncated, fractions are capped at 1,
 * ephemeral-storage counts even when the pod asks none of it, and "pods" (no
 * scorer branch upstream) never contributes. */
static void test_truncation_cap_and_ephemeral(void **state) {
  static const KsSchedResourceSpec res[] = {
      {"cpu", 1}, {"memory", 1}, {"ephemeral-storage", 1}, {"pods", 1}};
  KsSchedBalancedAllocationArgs args = {res, G_N_ELEMENTS(res)};
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_balanced_allocation, &args);
  KsNode *n = make_node("node1", 3000, 3000, 0);
  ks_resource_list_set(&n->allocatable, "ephemeral-storage", 1000);
  ks_test_env_add_node(&e, n);
  /* the pod asks cpu 1000m, memory 4000 (over capacity: fraction capped to 1) */
  KsPod *p = ks_pod_new("default", "p");
  KsContainer *c = ks_pod_add_container(p, "c", FALSE);
  set_req(c, "cpu", "1000m");
  set_req(c, "memory", "4000");
  gint64 got[1];
  ks_test_env_score(&e, p, NULL, 0, got);
  /* f = {1/3, 1, 0}: mean 4/9, deviations -1/9, 5/9, -4/9: var 42/243,
   * std 0.41574, (1 - std) * 100 = 58.43 -> 58 */
  assert_int_equal(got[0], 58);
  ks_pod_unref(p);
  ks_test_env_clear(&e);
}

static void expect_args_error(const KsSchedResourceSpec *rs, guint n, const char *want) {
  KsSchedBalancedAllocationArgs args = {rs, n};
  GError *err = NULL;
  gpointer self = ks_sched_plugin_balanced_allocation.create(&args, &err);
  if (!want) {
    assert_non_null(self);
    assert_null(err);
    ks_sched_plugin_balanced_allocation.destroy(self);
    return;
  }
  assert_null(self);
  assert_non_null(err);
  assert_true(g_error_matches(err, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS));
  assert_string_equal(err->message, want);
  g_error_free(err);
}

/* TestValidateNodeResourcesBalancedAllocationArgs: "valid config",
 * "invalid config" (resources[0].weight), "repeated resources"
 * (resources[1].name Duplicate); plus both at once (aggregate) and the
 * ksim limit on the list length. */
static void test_args_validation(void **state) {
  static const KsSchedResourceSpec valid[] = {{"cpu", 1}, {"memory", 1}};
  static const KsSchedResourceSpec weight2[] = {{"cpu", 2}, {"memory", 1}};
  static const KsSchedResourceSpec repeated[] = {{"cpu", 1}, {"cpu", 1}};
  static const KsSchedResourceSpec both[] = {{"cpu", 1}, {"cpu", 3}};
  expect_args_error(valid, 2, NULL);
  expect_args_error(weight2, 2, "resources[0].weight: Invalid value: 2: must be 1");
  expect_args_error(repeated, 2, "resources[1].name: Duplicate value: \"cpu\"");
  expect_args_error(both, 2,
                    "[resources[1].name: Duplicate value: \"cpu\", "
                    "resources[1].weight: Invalid value: 3: must be 1]");
  KsSchedResourceSpec many[KS_SCHED_BALANCED_MAX_RESOURCES + 1];
  for (guint i = 0; i < G_N_ELEMENTS(many); i++)
    many[i] = (KsSchedResourceSpec){"cpu", 1};
  expect_args_error(many, G_N_ELEMENTS(many), "resources: Too many: 17: must have at most 16 items");

  /* and the profile reports it with the plugin's name */
  KsSchedRegistry *r = ks_sched_registry_new();
  if (!ks_sched_registry_lookup(r, ks_sched_plugin_balanced_allocation.name))
    assert_true(ks_sched_registry_add(r, &ks_sched_plugin_balanced_allocation, NULL));
  KsSchedBalancedAllocationArgs args = {weight2, 2};
  KsSchedPluginConfig pc = {"NodeResourcesBalancedAllocation", 1, &args};
  GError *err = NULL;
  assert_null(ks_sched_framework_new(r, "p", &pc, 1, &err));
  assert_string_equal(err->message, "profile p: plugin NodeResourcesBalancedAllocation: "
                                    "resources[0].weight: Invalid value: 2: must be 1");
  g_error_free(err);
  ks_sched_registry_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_upstream_table),
      cmocka_unit_test(test_cycle_state_reused),
      cmocka_unit_test(test_truncation_cap_and_ephemeral),
      cmocka_unit_test(test_args_validation),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
