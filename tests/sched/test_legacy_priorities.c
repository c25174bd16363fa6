/* Legacy v1.7 priorities, ported from Kubernetes v1.7
 * plugin/pkg/scheduler/algorithm/priorities/ *_test.go with their exact 0-10
 * scores; each case names its upstream test and case. Adaptations, where
 * ksim's model forces one, are stated at the case. */
#include "tests/sched/plugin_harness.h"

#include "sched/plugins/legacy_priorities.h"
#include "sched/spread_lister.h"

#define MB (G_GINT64_CONSTANT(1024) * 1024)

/* ---- pods of the upstream resource tests ----------------------------------------- */

typedef enum { NO_RESOURCES, CPU_ONLY, CPU_AND_MEMORY } PodKind;

static void add_req(KsPod *p, const char *cpu, const char *mem) {
  KsContainer *c = ks_pod_add_container(p, "c", FALSE);
  assert_true(ks_resource_list_set_quantity(&c->requests, "cpu", cpu, NULL));
  assert_true(ks_resource_list_set_quantity(&c->requests, "memory", mem, NULL));
}

/* upstream noResources / cpuOnly / cpuAndMemory pod specs. transfer full */
static KsPod *resource_pod(PodKind k, int i) {
  char name[32];
  g_snprintf(name, sizeof name, "p%d", i);
  KsPod *p = ks_pod_new("default", name);
  if (k == CPU_ONLY) {
    add_req(p, "1000m", "0");
    add_req(p, "2000m", "0");
  } else if (k == CPU_AND_MEMORY) {
    add_req(p, "1000m", "2000");
    add_req(p, "2000m", "3000");
  }
  return p;
}

typedef struct {
  PodKind kind;
  int node; /* 0 = machine1, 1 = machine2 */
} Existing;

typedef struct {
  const char *name; /* upstream case */
  PodKind pod;
  const char *cpu[2], *mem[2];
  Existing existing[4];
  int n_existing;
  gint64 want[2];
} ResourceCase;

static void run_resource_cases(const KsSchedPluginDesc *desc, const ResourceCase *cases, guint n) {
  for (guint t = 0; t < n; t++) {
    const ResourceCase *tc = &cases[t];
    KsTestEnv e;
    ks_test_env_init(&e, desc, NULL);
    ks_test_env_add_node(&e, ks_test_node("machine1", tc->cpu[0], tc->mem[0]));
    ks_test_env_add_node(&e, ks_test_node("machine2", tc->cpu[1], tc->mem[1]));
    for (int i = 0; i < tc->n_existing; i++)
      ks_test_env_add_pod(&e, resource_pod(tc->existing[i].kind, 100 + i),
                          tc->existing[i].node ? "machine2" : "machine1");
    KsPod *pod = resource_pod(tc->pod, 0);
    gint64 got[2];
    ks_test_env_score(&e, pod, NULL, 0, got);
    if (got[0] != tc->want[0] || got[1] != tc->want[1])
      fail_msg("%s / %s: got %" G_GINT64_FORMAT ",%" G_GINT64_FORMAT " want %" G_GINT64_FORMAT
               ",%" G_GINT64_FORMAT,
               desc->name, tc->name, got[0], got[1], tc->want[0], tc->want[1]);
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
}

/* The four existing-pod sets of the upstream tables. */
#define NONE {{0, 0}}, 0
#define FOUR_EMPTY {{NO_RESOURCES, 0}, {NO_RESOURCES, 0}, {NO_RESOURCES, 1}, {NO_RESOURCES, 1}}, 4
#define FOUR_RES {{CPU_ONLY, 0}, {CPU_ONLY, 0}, {CPU_ONLY, 1}, {CPU_AND_MEMORY, 1}}, 4
/* upstream {Spec: cpuOnly}, {Spec: cpuAndMemory}: their specs' nodeName
 * machine1 and machine2 */
#define TWO_RES {{CPU_ONLY, 0}, {CPU_AND_MEMORY, 1}}, 2

/* least_requested_test.go TestLeastRequested: every case. */
static void test_least_requested(void **state) {
  static const ResourceCase cases[] = {
      {"nothing scheduled, nothing requested", NO_RESOURCES, {"4000m", "4000m"}, {"10000", "10000"}, NONE, {10, 10}},
      {"nothing scheduled, resources requested, differently sized machines", CPU_AND_MEMORY, {"4000m", "6000m"}, {"10000", "10000"}, NONE, {3, 5}},
      {"no resources requested, pods scheduled", NO_RESOURCES, {"4000m", "4000m"}, {"10000", "10000"}, FOUR_EMPTY, {10, 10}},
      {"no resources requested, pods scheduled with resources", NO_RESOURCES, {"10000m", "10000m"}, {"20000", "20000"}, FOUR_RES, {7, 5}},
      {"resources requested, pods scheduled with resources", CPU_AND_MEMORY, {"10000m", "10000m"}, {"20000", "20000"}, TWO_RES, {5, 4}},
      {"resources requested, pods scheduled with resources, differently sized machines", CPU_AND_MEMORY, {"10000m", "10000m"}, {"20000", "50000"}, TWO_RES, {5, 6}},
      {"requested resources exceed node capacity", CPU_ONLY, {"4000m", "4000m"}, {"10000", "10000"}, TWO_RES, {5, 2}},
      {"zero node resources, pods scheduled with resources", NO_RESOURCES, {"0", "0"}, {"0", "0"}, TWO_RES, {0, 0}},
  };
  run_resource_cases(&ks_sched_plugin_legacy_least_requested, cases, G_N_ELEMENTS(cases));
}

/* balanced_resource_allocation_test.go TestBalancedResourceAllocation: every case. */
static void test_balanced_resource_allocation(void **state) {
  static const ResourceCase cases[] = {
      {"nothing scheduled, nothing requested", NO_RESOURCES, {"4000m", "4000m"}, {"10000", "10000"}, NONE, {10, 10}},
      {"nothing scheduled, resources requested, differently sized machines", CPU_AND_MEMORY, {"4000m", "6000m"}, {"10000", "10000"}, NONE, {7, 10}},
      {"no resources requested, pods scheduled", NO_RESOURCES, {"4000m", "4000m"}, {"10000", "10000"}, FOUR_EMPTY, {10, 10}},
      {"no resources requested, pods scheduled with resources", NO_RESOURCES, {"10000m", "10000m"}, {"20000", "20000"}, FOUR_RES, {4, 6}},
      {"resources requested, pods scheduled with resources", CPU_AND_MEMORY, {"10000m", "10000m"}, {"20000", "20000"}, TWO_RES, {6, 9}},
      {"resources requested, pods scheduled with resources, differently sized machines", CPU_AND_MEMORY, {"10000m", "10000m"}, {"20000", "50000"}, TWO_RES, {6, 6}},
      {"requested resources exceed node capacity", CPU_ONLY, {"4000m", "4000m"}, {"10000", "10000"}, TWO_RES, {0, 0}},
      {"zero node resources, pods scheduled with resources", NO_RESOURCES, {"0", "0"}, {"0", "0"}, TWO_RES, {0, 0}},
  };
  run_resource_cases(&ks_sched_plugin_legacy_balanced_resource_allocation, cases,
                     G_N_ELEMENTS(cases));
}

/* A pod without requests counts 100m / 200Mi per container (v1.7
 * priorityutil.GetNonzeroRequests): 1 container on 1000m / 2000Mi gives
 * cpu (1000-100)*10/1000 = 9, memory (2000-200)*10/2000 = 9 -> 9; an
 * explicit 0 request is not defaulted -> 10. */
static void test_least_requested_nonzero_defaults(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_legacy_least_requested, NULL);
  ks_test_env_add_node(&e, ks_test_node("n", "1000m", "2000Mi"));
  KsPod *pod = ks_pod_new("default", "p");
  ks_pod_add_container(pod, "c", FALSE);
  gint64 got[1];
  ks_test_env_score(&e, pod, NULL, 0, got);
  assert_int_equal(got[0], 9);
  ks_pod_unref(pod);
  pod = resource_pod(NO_RESOURCES, 1);
  add_req(pod, "0", "0");
  ks_test_env_score(&e, pod, NULL, 0, got);
  assert_int_equal(got[0], 10);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

/* ---- ImageLocalityPriority ---------------------------------------------------------------- */

static void image_clear(gpointer p) {
  g_strfreev(((KsContainerImage *)p)->names);
}

static void add_image(KsNode *n, gint64 size_mb, const char *const *names) {
  if (!n->images) {
    n->images = g_array_new(FALSE, TRUE, sizeof(KsContainerImage));
    g_array_set_clear_func(n->images, image_clear);
  }
  KsContainerImage im = {g_strdupv((char **)names), size_mb * MB};
  g_array_append_val(n->images, im);
}

#define V(...) ((const char *const[]){__VA_ARGS__, NULL})

static KsPod *image_pod(const char *a, const char *b) {
  KsPod *p = ks_pod_new("default", "p");
  ks_pod_add_container(p, "a", FALSE)->image = g_strdup(a);
  ks_pod_add_container(p, "b", FALSE)->image = g_strdup(b);
  return p;
}

/* image_locality_test.go TestImageLocalityPriority: every case. */
static void test_image_locality(void **state) {
  static const struct {
    const char *name, *img[2];
    gint64 want[2];
  } cases[] = {
      {"two images spread on two nodes, prefer the larger image one", {"gcr.io/40", "gcr.io/250"}, {1, 3}},
      {"two images on one node, prefer this node", {"gcr.io/40", "gcr.io/140"}, {2, 0}},
      {"if exceed limit, use limit", {"gcr.io/2000", "gcr.io/10"}, {10, 0}},
  };
  for (guint t = 0; t < G_N_ELEMENTS(cases); t++) {
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_legacy_image_locality, NULL);
    KsNode *n1 = ks_test_node("machine1", "1", "1Gi");
    add_image(n1, 40, V("gcr.io/40", "gcr.io/40:v1", "gcr.io/40:v1"));
    add_image(n1, 140, V("gcr.io/140", "gcr.io/140:v1"));
    add_image(n1, 2000, V("gcr.io/2000"));
    KsNode *n2 = ks_test_node("machine2", "1", "1Gi");
    add_image(n2, 250, V("gcr.io/250"));
    add_image(n2, 10, V("gcr.io/10", "gcr.io/10:v1"));
    ks_test_env_add_node(&e, n1);
    ks_test_env_add_node(&e, n2);
    KsPod *pod = image_pod(cases[t].img[0], cases[t].img[1]);
    gint64 got[2];
    ks_test_env_score(&e, pod, NULL, 0, got);
    if (got[0] != cases[t].want[0] || got[1] != cases[t].want[1])
      fail_msg("%s: got %" G_GINT64_FORMAT ",%" G_GINT64_FORMAT, cases[t].name, got[0], got[1]);
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
}

/* v1.7 compared names exactly: a node listing "gcr.io/40" does not serve a
 * pod asking for "gcr.io/40:latest" (v1.31 normalizes both). */
static void test_image_locality_exact_names(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_legacy_image_locality, NULL);
  KsNode *n = ks_test_node("n", "1", "1Gi");
  add_image(n, 500, V("gcr.io/500"));
  ks_test_env_add_node(&e, n);
  KsPod *pod = image_pod("gcr.io/500:latest", "gcr.io/500");
  gint64 got[1];
  ks_test_env_score(&e, pod, NULL, 0, got);
  /* only the second container counts: 10*(500-23)/977 + 1 = 5 */
  assert_int_equal(got[0], 5);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

/* ---- NodeAffinityPriority ------------------------------------------------------------------- */

static void add_pref(KsPod *p, gint32 weight, const char *const *kv) {
  if (!p->affinity)
    p->affinity = ks_affinity_new();
  if (!p->affinity->node_affinity)
    p->affinity->node_affinity = ks_node_affinity_new();
  KsNodeAffinity *na = p->affinity->node_affinity;
  if (!na->preferred)
    na->preferred = ks_preferred_scheduling_term_array_new();
  KsPreferredSchedulingTerm t = {.weight = weight};
  for (guint i = 0; kv[i]; i += 2) {
    const char *vals[] = {kv[i + 1], NULL};
    ks_node_selector_term_add_expression(&t.preference, kv[i], KS_SELECTOR_OP_IN, vals);
  }
  g_array_append_val(na->preferred, t);
}

static KsNode *labeled_node(const char *name, const char *const *kv) {
  KsNode *n = ks_test_node(name, "1", "1Gi");
  for (guint i = 0; kv && kv[i]; i += 2)
    ks_labels_set(&n->labels, kv[i], kv[i + 1]);
  return n;
}

/* node_affinity_test.go TestNodeAffinityPriority: label1 {foo: bar},
 * label2 {key: value}, label3 {az: az1}, label5 {foo: bar, key: value,
 * az: az1}; affinity1 = {2: foo in bar}, affinity2 adds {4: key in value},
 * {5: foo in bar, key in value, az in az1}. */
static void test_node_affinity_priority(void **state) {
  const char *const *labels[] = {V("foo", "bar"), V("key", "value"), V("az", "az1"),
                                        V("foo", "bar", "key", "value", "az", "az1")};
  static const struct {
    const char *name;
    int affinity;     /* 0 none, 1, 2 */
    int node_lab[3];  /* index into labels */
    gint64 want[3];
  } cases[] = {
      {"all machines are same priority as NodeAffinity is nil", 0, {0, 1, 2}, {0, 0, 0}},
      {"only machine1 matches the preferred scheduling requirements of pod", 1, {0, 1, 2}, {10, 0, 0}},
      {"all machines matches the preferred scheduling requirements of pod but with different "
       "priorities",
       2, {0, 3, 1}, {1, 10, 3}},
  };
  for (guint t = 0; t < G_N_ELEMENTS(cases); t++) {
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_legacy_node_affinity, NULL);
    for (int i = 0; i < 3; i++) {
      char name[16];
      g_snprintf(name, sizeof name, "machine%d", i + 1);
      ks_test_env_add_node(&e, labeled_node(name, labels[cases[t].node_lab[i]]));
    }
    KsPod *pod = ks_pod_new("default", "p");
    if (cases[t].affinity >= 1)
      add_pref(pod, 2, V("foo", "bar"));
    if (cases[t].affinity == 2) {
      add_pref(pod, 4, V("key", "value"));
      add_pref(pod, 5, V("foo", "bar", "key", "value", "az", "az1"));
    }
    gint64 got[3];
    ks_test_env_score(&e, pod, NULL, 0, got);
    for (int i = 0; i < 3; i++)
      if (got[i] != cases[t].want[i])
        fail_msg("%s: node %d got %" G_GINT64_FORMAT, cases[t].name, i, got[i]);
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
}

/* ---- TaintTolerationPriority ---------------------------------------------------------------------- */

static KsToleration *tolerate(KsPod *p, const char *key, const char *value, KsTaintEffect eff) {
  KsToleration *t = ks_pod_add_toleration(p);
  t->key = g_strdup(key);
  t->value = g_strdup(value);
  t->op = KS_TOLERATION_OP_EQUAL;
  t->effect = eff;
  return t;
}

/* taint_toleration_test.go TestTaintAndToleration (v1.7), cases "the more
 * intolerable taints a node has, the lower score it gets" (node1 no
 * taints, node2 one of three tolerated... see below) and "only taints and
 * tolerations that have effect PreferNoSchedule are checked". */
static void test_taint_toleration_priority(void **state) {
  /* the more intolerable taints: pod tolerates nothing; node1 0, node2 1,
   * node3 2 PreferNoSchedule taints -> 10, 5, 0 */
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_legacy_taint_toleration, NULL);
  KsNode *n1 = ks_test_node("nodeA", "1", "1Gi");
  KsNode *n2 = ks_test_node("nodeB", "1", "1Gi");
  ks_node_add_taint(n2, "cpu-type", "arm64", KS_TAINT_EFFECT_PREFER_NO_SCHEDULE);
  KsNode *n3 = ks_test_node("nodeC", "1", "1Gi");
  ks_node_add_taint(n3, "cpu-type", "arm64", KS_TAINT_EFFECT_PREFER_NO_SCHEDULE);
  ks_node_add_taint(n3, "disk-type", "ssd", KS_TAINT_EFFECT_PREFER_NO_SCHEDULE);
  ks_test_env_add_node(&e, n1);
  ks_test_env_add_node(&e, n2);
  ks_test_env_add_node(&e, n3);
  KsPod *pod = ks_pod_new("default", "p");
  gint64 got[3];
  ks_test_env_score(&e, pod, NULL, 0, got);
  assert_int_equal(got[0], 10);
  assert_int_equal(got[1], 5);
  assert_int_equal(got[2], 0);
  /* tolerating cpu-type: node2 0 intolerable, node3 1 -> 10, 10, 0 */
  tolerate(pod, "cpu-type", "arm64", KS_TAINT_EFFECT_PREFER_NO_SCHEDULE);
  ks_test_env_score(&e, pod, NULL, 0, got);
  assert_int_equal(got[0], 10);
  assert_int_equal(got[1], 10);
  assert_int_equal(got[2], 0);
  /* a NoSchedule toleration does not tolerate a PreferNoSchedule taint */
  tolerate(pod, "disk-type", "ssd", KS_TAINT_EFFECT_NO_SCHEDULE);
  ks_test_env_score(&e, pod, NULL, 0, got);
  assert_int_equal(got[2], 0);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

/* ---- SelectorSpreadPriority / CalculateAntiAffinityPriority ------------------------------------- */

typedef struct {
  const KsLabelSelector *sel[2];
  guint n;
} Selectors;

static guint selectors_cb(const KsPod *pod, const KsLabelSelector *const **out, gpointer data) {
  Selectors *s = data;
  *out = s->sel;
  return s->n;
}

static KsLabelSelector *selector_of(const char *const *kv) {
  KsLabelSelector *s = ks_label_selector_new();
  for (guint i = 0; kv[i]; i += 2) {
    const char *vals[] = {kv[i + 1], NULL};
    ks_label_selector_add_expression(s, kv[i], KS_SELECTOR_OP_IN, vals);
  }
  return s;
}

#define LABELS1 V("foo", "bar", "baz", "blah")
#define LABELS2 V("bar", "foo", "baz", "blah")

typedef struct {
  int node;                 /* index into the case's nodes */
  int labels;               /* 0 none, 1 labels1, 2 labels2 */
  const char *ns;           /* upstream "" is "ns0" here: ksim defaults an empty namespace */
} SpreadPod;

typedef struct {
  const char *name;
  int pod_labels;           /* 1 labels1, 3 {foo: bar, bar: foo} */
  const char *pod_ns;
  SpreadPod pods[5];
  int n_pods;
  const char *const *sel[2]; /* services then RCs */
  gint64 want[6];
} SpreadCase;

static KsPod *spread_pod(int labels, const char *ns, int i) {
  char name[16];
  g_snprintf(name, sizeof name, "p%d", i);
  KsPod *p = ks_pod_new(ns, name);
  const char *const *kv = labels == 1   ? LABELS1
                          : labels == 2 ? LABELS2
                          : labels == 3 ? V("foo", "bar", "bar", "foo")
                                        : NULL;
  for (guint k = 0; kv && kv[k]; k += 2)
    ks_labels_set(&p->labels, kv[k], kv[k + 1]);
  return p;
}

static void run_spread_case(const KsSchedPluginDesc *desc, const SpreadCase *tc,
                            const char *const *node_names, const char *const *const *node_labels,
                            guint n_nodes, gconstpointer args_template, Selectors *sels) {
  KsTestEnv e;
  ks_test_env_init(&e, desc, args_template);
  for (guint i = 0; i < n_nodes; i++)
    ks_test_env_add_node(&e, labeled_node(node_names[i], node_labels ? node_labels[i] : NULL));
  for (int i = 0; i < tc->n_pods; i++)
    ks_test_env_add_pod(&e, spread_pod(tc->pods[i].labels, tc->pods[i].ns, 100 + i),
                        node_names[tc->pods[i].node]);
  KsPod *pod = spread_pod(tc->pod_labels, tc->pod_ns, 0);
  gint64 got[6];
  ks_test_env_score(&e, pod, NULL, 0, got);
  for (guint i = 0; i < n_nodes; i++)
    if (got[i] != tc->want[i])
      fail_msg("%s / %s: %s got %" G_GINT64_FORMAT " want %" G_GINT64_FORMAT, desc->name,
               tc->name, node_names[i], got[i], tc->want[i]);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
  for (guint k = 0; k < sels->n; k++)
    ks_label_selector_free((KsLabelSelector *)sels->sel[k]);
}

static void fill_selectors(Selectors *s, const SpreadCase *tc) {
  s->n = 0;
  for (int k = 0; k < 2; k++)
    if (tc->sel[k])
      s->sel[s->n++] = selector_of(tc->sel[k]);
}

/* selector_spreading_test.go TestSelectorSpreadPriority (two machines, no
 * zones). Upstream's empty namespace is "ns0" (ksim defaults "" to
 * "default"), kept distinct from "default" as upstream's was. */
static void test_selector_spread(void **state) {
  static const char *const nodes[] = {"machine1", "machine2"};
  const SpreadCase cases[] = {
      {"nothing scheduled", 0, "ns0", {{0}}, 0, {NULL, NULL}, {10, 10}},
      {"no services", 1, "ns0", {{0, 0, "ns0"}}, 1, {NULL, NULL}, {10, 10}},
      {"different services", 1, "ns0", {{0, 2, "ns0"}}, 1, {V("key", "value"), NULL}, {10, 10}},
      {"two pods, one service pod", 1, "ns0", {{0, 2, "ns0"}, {1, 1, "ns0"}}, 2, {LABELS1, NULL}, {10, 0}},
      {"five pods, one service pod in no namespace", 1, "ns0",
       {{0, 2, "ns0"}, {0, 1, "default"}, {0, 1, "ns1"}, {1, 1, "ns0"}, {1, 2, "ns0"}}, 5, {LABELS1, NULL}, {10, 0}},
      {"four pods, one service pod in default namespace", 1, "default",
       {{0, 1, "ns0"}, {0, 1, "ns1"}, {1, 1, "default"}, {1, 2, "ns0"}}, 4, {LABELS1, NULL}, {10, 0}},
      {"five pods, one service pod in specific namespace", 1, "ns1",
       {{0, 1, "ns0"}, {0, 1, "default"}, {0, 1, "ns2"}, {1, 1, "ns1"}, {1, 2, "ns0"}}, 5, {LABELS1, NULL}, {10, 0}},
      {"three pods, two service pods on different machines", 1, "ns0",
       {{0, 2, "ns0"}, {0, 1, "ns0"}, {1, 1, "ns0"}}, 3, {LABELS1, NULL}, {0, 0}},
      {"four pods, three service pods", 1, "ns0",
       {{0, 2, "ns0"}, {0, 1, "ns0"}, {1, 1, "ns0"}, {1, 1, "ns0"}}, 4, {LABELS1, NULL}, {5, 0}},
      {"service with partial pod label matches", 1, "ns0",
       {{0, 2, "ns0"}, {0, 1, "ns0"}, {1, 1, "ns0"}}, 3, {V("baz", "blah"), NULL}, {0, 5}},
      {"service with partial pod label matches with service and replication controller", 1, "ns0",
       {{0, 2, "ns0"}, {0, 1, "ns0"}, {1, 1, "ns0"}}, 3, {V("baz", "blah"), V("foo", "bar")}, {0, 5}},
      {"disjoined service and replication controller should be treated equally", 3, "ns0",
       {{0, 2, "ns0"}, {0, 1, "ns0"}, {1, 1, "ns0"}}, 3, {V("bar", "foo"), V("foo", "bar")}, {0, 5}},
      {"Replication controller with partial pod label matches", 1, "ns0",
       {{0, 2, "ns0"}, {0, 1, "ns0"}, {1, 1, "ns0"}}, 3, {NULL, V("foo", "bar")}, {0, 0}},
      {"Replication controller with partial pod label matches (baz=blah)", 1, "ns0",
       {{0, 2, "ns0"}, {0, 1, "ns0"}, {1, 1, "ns0"}}, 3, {NULL, V("baz", "blah")}, {0, 5}},
  };
  for (guint t = 0; t < G_N_ELEMENTS(cases); t++) {
    Selectors sels;
    fill_selectors(&sels, &cases[t]);
    KsSchedLegacySelectorSpreadArgs args = {selectors_cb, &sels};
    run_spread_case(&ks_sched_plugin_legacy_selector_spread, &cases[t], nodes, NULL, 2, &args,
                    &sels);
  }
}

/* Without a selector callback every node scores 10 (v1.7 with no
 * Services/RCs/RSs selecting the pod). */
static void test_selector_spread_no_callback(void **state) {
  static const char *const nodes[] = {"machine1", "machine2"};
  const SpreadCase tc = {"no callback", 1, "ns0", {{0, 1, "ns0"}}, 1, {NULL, NULL}, {10, 10}};
  Selectors none = {{NULL, NULL}, 0};
  run_spread_case(&ks_sched_plugin_legacy_selector_spread, &tc, nodes, NULL, 2, NULL, &none);
}

/* The same upstream table with no callback: the Service (sel[0]) and the
 * ReplicationController (sel[1]) are in the cache's spread lister, in the
 * pod's namespace, and SelectorSpread takes those selecting the pod (v1.7
 * getSelectors). Plus: an RS of another namespace and an RS with an empty
 * selector select nothing. */
static void test_selector_spread_from_lister(void **state) {
  static const char *const nodes[] = {"machine1", "machine2"};
  const SpreadCase cases[] = {
      {"no services", 1, "ns0", {{0, 0, "ns0"}}, 1, {NULL, NULL}, {10, 10}},
      {"two pods, one service pod", 1, "ns0", {{0, 2, "ns0"}, {1, 1, "ns0"}}, 2, {LABELS1, NULL}, {10, 0}},
      {"five pods, one service pod in specific namespace", 1, "ns1",
       {{0, 1, "ns0"}, {0, 1, "default"}, {0, 1, "ns2"}, {1, 1, "ns1"}, {1, 2, "ns0"}}, 5, {LABELS1, NULL}, {10, 0}},
      {"four pods, three service pods", 1, "ns0",
       {{0, 2, "ns0"}, {0, 1, "ns0"}, {1, 1, "ns0"}, {1, 1, "ns0"}}, 4, {LABELS1, NULL}, {5, 0}},
      {"service with partial pod label matches with service and replication controller", 1, "ns0",
       {{0, 2, "ns0"}, {0, 1, "ns0"}, {1, 1, "ns0"}}, 3, {V("baz", "blah"), V("foo", "bar")}, {0, 5}},
      {"disjoined service and replication controller should be treated equally", 3, "ns0",
       {{0, 2, "ns0"}, {0, 1, "ns0"}, {1, 1, "ns0"}}, 3, {V("bar", "foo"), V("foo", "bar")}, {0, 5}},
      {"Replication controller with partial pod label matches (baz=blah)", 1, "ns0",
       {{0, 2, "ns0"}, {0, 1, "ns0"}, {1, 1, "ns0"}}, 3, {NULL, V("baz", "blah")}, {0, 5}},
  };
  for (guint t = 0; t < G_N_ELEMENTS(cases); t++) {
    const SpreadCase *tc = &cases[t];
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_legacy_selector_spread, NULL);
    for (guint i = 0; i < 2; i++)
      ks_test_env_add_node(&e, labeled_node(nodes[i], NULL));
    for (int i = 0; i < tc->n_pods; i++)
      ks_test_env_add_pod(&e, spread_pod(tc->pods[i].labels, tc->pods[i].ns, 100 + i),
                          nodes[tc->pods[i].node]);
    for (int k = 0; k < 2; k++) {
      if (!tc->sel[k])
        continue;
      KsLabels m;
      ks_labels_init(&m);
      for (guint i = 0; tc->sel[k][i]; i += 2)
        ks_labels_set(&m, tc->sel[k][i], tc->sel[k][i + 1]);
      if (k == 0)
        ks_sched_spread_lister_set_service(e.cache->spread, tc->pod_ns, "s", &m);
      else
        ks_sched_spread_lister_set_replication_controller(e.cache->spread, tc->pod_ns, "rc", &m);
      ks_labels_clear(&m);
    }
    /* selecting nothing: another namespace's RS, an RS with an empty selector */
    KsLabelSelector *all = ks_label_selector_new();
    KsLabelSelector *l1 = selector_of(LABELS1);
    ks_sched_spread_lister_set_replica_set(e.cache->spread, "elsewhere", "rs", l1);
    ks_sched_spread_lister_set_replica_set(e.cache->spread, tc->pod_ns, "rs-empty", all);
    ks_label_selector_free(l1);
    ks_label_selector_free(all);
    KsPod *pod = spread_pod(tc->pod_labels, tc->pod_ns, 0);
    gint64 got[2];
    ks_test_env_score(&e, pod, NULL, 0, got);
    for (guint i = 0; i < 2; i++)
      if (got[i] != tc->want[i])
        fail_msg("lister / %s: %s got %" G_GINT64_FORMAT " want %" G_GINT64_FORMAT, tc->name,
                 nodes[i], got[i], tc->want[i]);
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
}

/* Zone weighting (v1.7 TestZoneSelectorSpreadPriority's arithmetic): four
 * nodes in zones z1 {m1, m2}, z2 {m3, m4}; service pods: m1 2, m2 0, m3 1,
 * m4 0. maxNode 2, zone counts z1 2, z2 1, maxZone 2.
 *   m1: node 0, zone 0 -> 0;            m2: node 10, zone 0 -> 10/3 = 3
 *   m3: node 5, zone 5 -> 5;            m4: node 10, zone 5 -> 10/3+10/3 = 6 */
static void test_selector_spread_zones(void **state) {
  static const char *const nodes[] = {"m1", "m2", "m3", "m4"};
  const char *const *const zl[] = {
      V("topology.kubernetes.io/zone", "z1"), V("failure-domain.beta.kubernetes.io/zone", "z1"),
      V("topology.kubernetes.io/zone", "z2"), V("topology.kubernetes.io/zone", "z2")};
  const SpreadCase tc = {"zones", 1, "default",
                                {{0, 1, "default"}, {0, 1, "default"}, {2, 1, "default"}}, 3,
                                {LABELS1, NULL}, {0, 3, 5, 6}};
  Selectors sels;
  fill_selectors(&sels, &tc);
  KsSchedLegacySelectorSpreadArgs args = {selectors_cb, &sels};
  run_spread_case(&ks_sched_plugin_legacy_selector_spread, &tc, nodes, zl, 4, &args, &sels);
}

/* Go folds v1.7's 1.0 - zoneWeighting (an untyped constant) exactly, so the
 * node weight is the double nearest 1/3. Nodes A (zone z1, 10 service
 * pods), X (z2, 0) and Y (z2, 3): maxNode 10, zones z1 10, z2 3.
 *   X: node 10, zone 10*(7/10) = 7 -> 10/3 + 14/3 = 7.999... -> 7
 *   Y: node 7, zone 7 -> 6.999... -> 6    (1.0 - 2.0/3.0 in C would give 8, 7) */
static void test_selector_spread_zone_rounding(void **state) {
  KsLabelSelector *sel = selector_of(LABELS1);
  Selectors sels = {{sel, NULL}, 1};
  KsSchedLegacySelectorSpreadArgs args = {selectors_cb, &sels};
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_legacy_selector_spread, &args);
  ks_test_env_add_node(&e, labeled_node("A", V("topology.kubernetes.io/zone", "z1")));
  ks_test_env_add_node(&e, labeled_node("X", V("topology.kubernetes.io/zone", "z2")));
  ks_test_env_add_node(&e, labeled_node("Y", V("topology.kubernetes.io/zone", "z2")));
  for (int i = 0; i < 13; i++)
    ks_test_env_add_pod(&e, spread_pod(1, "default", 100 + i), i < 10 ? "A" : "Y");
  KsPod *pod = spread_pod(1, "default", 0);
  gint64 got[3];
  ks_test_env_score(&e, pod, NULL, 0, got);
  assert_int_equal(got[0], 0);
  assert_int_equal(got[1], 7);
  assert_int_equal(got[2], 6);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
  ks_label_selector_free(sel);
}

/* selector_spreading_test.go TestZoneSpreadPriority (ServiceAntiAffinity
 * with label "zone"): machine01/02 unlabeled, machine11/12 zone1,
 * machine21/22 zone2. Pods on machine01, machine11, machine21. */
static void test_service_anti_affinity(void **state) {
  static const char *const nodes[] = {"machine11", "machine12", "machine21",
                                      "machine22", "machine01", "machine02"};
  const char *const *const labels[] = {V("zone", "zone1"), V("zone", "zone1"),
                                              V("zone", "zone2"), V("zone", "zone2"),
                                              V("name", "value"), V("name", "value")};
  /* node indexes: 0 = machine11, 2 = machine21, 4 = machine01 */
  const SpreadCase cases[] = {
      {"nothing scheduled", 0, "ns0", {{0}}, 0, {NULL, NULL}, {10, 10, 10, 10, 0, 0}},
      {"no services", 1, "ns0", {{0, 0, "ns0"}}, 1, {NULL, NULL}, {10, 10, 10, 10, 0, 0}},
      {"different services", 1, "ns0", {{0, 2, "ns0"}}, 1, {V("key", "value"), NULL}, {10, 10, 10, 10, 0, 0}},
      {"three pods, one service pod", 1, "ns0", {{4, 2, "ns0"}, {0, 2, "ns0"}, {2, 1, "ns0"}}, 3,
       {LABELS1, NULL}, {10, 10, 0, 0, 0, 0}},
      {"three pods, two service pods on different machines", 1, "ns0",
       {{0, 2, "ns0"}, {0, 1, "ns0"}, {2, 1, "ns0"}}, 3, {LABELS1, NULL}, {5, 5, 5, 5, 0, 0}},
      {"three service label match pods in different namespaces", 1, "default",
       {{0, 1, "ns0"}, {0, 1, "default"}, {2, 1, "ns0"}, {2, 1, "ns1"}}, 4, {LABELS1, NULL},
       {0, 0, 10, 10, 0, 0}},
      {"four pods, three service pods", 1, "ns0",
       {{0, 2, "ns0"}, {0, 1, "ns0"}, {2, 1, "ns0"}, {2, 1, "ns0"}}, 4, {LABELS1, NULL},
       {6, 6, 3, 3, 0, 0}},
      {"service with partial pod label matches", 1, "ns0",
       {{0, 2, "ns0"}, {0, 1, "ns0"}, {2, 1, "ns0"}}, 3, {V("baz", "blah"), NULL},
       {3, 3, 6, 6, 0, 0}},
  };
  for (guint t = 0; t < G_N_ELEMENTS(cases); t++) {
    Selectors sels;
    fill_selectors(&sels, &cases[t]);
    KsSchedLegacyServiceAntiAffinityArgs args = {"zone", selectors_cb, &sels};
    run_spread_case(&ks_sched_plugin_legacy_service_anti_affinity, &cases[t], nodes, labels, 6,
                    &args, &sels);
  }
}

/* Sets a Service (sel[0]) of the case's namespace in the cache's lister. */
static void lister_service(KsTestEnv *e, const char *ns, const char *name, const char *const *kv) {
  KsLabels m;
  ks_labels_init(&m);
  for (guint i = 0; kv && kv[i]; i += 2)
    ks_labels_set(&m, kv[i], kv[i + 1]);
  ks_sched_spread_lister_set_service(e->cache->spread, ns, name, &m);
  ks_labels_clear(&m);
}

/* The same TestZoneSpreadPriority table with no services function: the
 * Service is in the cache's spread lister (v1.7 GetPodServices), plus a
 * Service of another namespace that would select the pod's labels. */
static void test_service_anti_affinity_from_lister(void **state) {
  static const char *const nodes[] = {"machine11", "machine12", "machine21",
                                      "machine22", "machine01", "machine02"};
  const char *const *const labels[] = {V("zone", "zone1"), V("zone", "zone1"),
                                       V("zone", "zone2"), V("zone", "zone2"),
                                       V("name", "value"), V("name", "value")};
  const SpreadCase cases[] = {
      {"no services", 1, "ns0", {{0, 0, "ns0"}}, 1, {NULL, NULL}, {10, 10, 10, 10, 0, 0}},
      {"different services", 1, "ns0", {{0, 2, "ns0"}}, 1, {V("key", "value"), NULL}, {10, 10, 10, 10, 0, 0}},
      {"three pods, one service pod", 1, "ns0", {{4, 2, "ns0"}, {0, 2, "ns0"}, {2, 1, "ns0"}}, 3,
       {LABELS1, NULL}, {10, 10, 0, 0, 0, 0}},
      {"three pods, two service pods on different machines", 1, "ns0",
       {{0, 2, "ns0"}, {0, 1, "ns0"}, {2, 1, "ns0"}}, 3, {LABELS1, NULL}, {5, 5, 5, 5, 0, 0}},
      {"three service label match pods in different namespaces", 1, "default",
       {{0, 1, "ns0"}, {0, 1, "default"}, {2, 1, "ns0"}, {2, 1, "ns1"}}, 4, {LABELS1, NULL},
       {0, 0, 10, 10, 0, 0}},
      {"four pods, three service pods", 1, "ns0",
       {{0, 2, "ns0"}, {0, 1, "ns0"}, {2, 1, "ns0"}, {2, 1, "ns0"}}, 4, {LABELS1, NULL},
       {6, 6, 3, 3, 0, 0}},
      {"service with partial pod label matches", 1, "ns0",
       {{0, 2, "ns0"}, {0, 1, "ns0"}, {2, 1, "ns0"}}, 3, {V("baz", "blah"), NULL},
       {3, 3, 6, 6, 0, 0}},
  };
  for (guint t = 0; t < G_N_ELEMENTS(cases); t++) {
    const SpreadCase *tc = &cases[t];
    KsSchedLegacyServiceAntiAffinityArgs args = {"zone", NULL, NULL};
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_legacy_service_anti_affinity, &args);
    for (guint i = 0; i < 6; i++)
      ks_test_env_add_node(&e, labeled_node(nodes[i], labels[i]));
    for (int i = 0; i < tc->n_pods; i++)
      ks_test_env_add_pod(&e, spread_pod(tc->pods[i].labels, tc->pods[i].ns, 100 + i),
                          nodes[tc->pods[i].node]);
    if (tc->sel[0])
      lister_service(&e, tc->pod_ns, "s", tc->sel[0]);
    lister_service(&e, "elsewhere", "a", V("foo", "bar")); /* another namespace: not the pod's */
    KsPod *pod = spread_pod(tc->pod_labels, tc->pod_ns, 0);
    gint64 got[6];
    ks_test_env_score(&e, pod, NULL, 0, got);
    for (guint i = 0; i < 6; i++)
      if (got[i] != tc->want[i])
        fail_msg("lister / %s: %s got %" G_GINT64_FORMAT " want %" G_GINT64_FORMAT, tc->name,
                 nodes[i], got[i], tc->want[i]);
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
}

/* v1.7 used only the first Service selecting the pod; the lister's first
 * is the one whose name sorts first, whatever order they were set in.
 * Pod {app: web, tier: front}; Services "front" {tier: front} and "web"
 * {app: web}. Nodes m11, m12 (zone z1), m21, m22 (z2), m01 (no zone label).
 * Existing pods (default namespace): 2 x {app: web} on m11, {tier: front}
 * on m21, {app: web, tier: front} on m22.
 *  - first = "front": its pods are m21's and m22's: total 2, z1 0, z2 2:
 *    z1 nodes int(10 * 2/2) = 10, z2 nodes int(10 * 0/2) = 0, m01 0.
 *  - first = "web" (the other Service renamed "zz-front"): its pods are
 *    m11's two and m22's: total 3, z1 2, z2 1: z1 int(10 * 1/3) = 3,
 *    z2 int(10 * 2/3) = 6, m01 0. */
static void test_service_anti_affinity_first_service(void **state) {
  static const char *const nodes[] = {"m11", "m12", "m21", "m22", "m01"};
  const char *const *const labels[] = {V("zone", "z1"), V("zone", "z1"), V("zone", "z2"),
                                       V("zone", "z2"), V("name", "value")};
  static const struct {
    const char *front_name;
    gboolean web_first; /* set "web" before the tier Service */
    gint64 want[5];
  } cases[] = {
      {"front", FALSE, {10, 10, 0, 0, 0}},
      {"front", TRUE, {10, 10, 0, 0, 0}},
      {"zz-front", FALSE, {3, 3, 6, 6, 0}},
      {"zz-front", TRUE, {3, 3, 6, 6, 0}},
  };
  for (guint t = 0; t < G_N_ELEMENTS(cases); t++) {
    KsSchedLegacyServiceAntiAffinityArgs args = {"zone", NULL, NULL};
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_legacy_service_anti_affinity, &args);
    for (guint i = 0; i < 5; i++)
      ks_test_env_add_node(&e, labeled_node(nodes[i], labels[i]));
    const char *const *const existing[] = {V("app", "web"), V("app", "web"),
                                                  V("tier", "front"),
                                                  V("app", "web", "tier", "front")};
    static const char *const on[] = {"m11", "m11", "m21", "m22"};
    for (guint i = 0; i < 4; i++) {
      KsPod *p = spread_pod(0, "default", 100 + (int)i);
      for (guint k = 0; existing[i][k]; k += 2)
        ks_labels_set(&p->labels, existing[i][k], existing[i][k + 1]);
      ks_test_env_add_pod(&e, p, on[i]);
    }
    if (cases[t].web_first)
      lister_service(&e, "default", "web", V("app", "web"));
    lister_service(&e, "default", cases[t].front_name, V("tier", "front"));
    if (!cases[t].web_first)
      lister_service(&e, "default", "web", V("app", "web"));
    KsPod *pod = spread_pod(0, "default", 0);
    ks_labels_set(&pod->labels, "app", "web");
    ks_labels_set(&pod->labels, "tier", "front");
    gint64 got[5];
    ks_test_env_score(&e, pod, NULL, 0, got);
    for (guint i = 0; i < 5; i++)
      if (got[i] != cases[t].want[i])
        fail_msg("case %u (%s): %s got %" G_GINT64_FORMAT " want %" G_GINT64_FORMAT, t,
                 cases[t].front_name, nodes[i], got[i], cases[t].want[i]);
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
}

static void test_service_anti_affinity_requires_label(void **state) {
  GError *err = NULL;
  KsSchedLegacyServiceAntiAffinityArgs args = {NULL, NULL, NULL};
  assert_null(ks_sched_plugin_legacy_service_anti_affinity.create(&args, &err));
  assert_string_equal(err->message, "CalculateAntiAffinityPriority: args.label is required");
  g_clear_error(&err);
  assert_null(ks_sched_plugin_legacy_service_anti_affinity.create(NULL, &err));
  g_clear_error(&err);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_least_requested),
      cmocka_unit_test(test_balanced_resource_allocation),
      cmocka_unit_test(test_least_requested_nonzero_defaults),
      cmocka_unit_test(test_image_locality),
      cmocka_unit_test(test_image_locality_exact_names),
      cmocka_unit_test(test_node_affinity_priority),
      cmocka_unit_test(test_taint_toleration_priority),
      cmocka_unit_test(test_selector_spread),
      cmocka_unit_test(test_selector_spread_no_callback),
      cmocka_unit_test(test_selector_spread_from_lister),
      cmocka_unit_test(test_selector_spread_zones),
      cmocka_unit_test(test_selector_spread_zone_rounding),
      cmocka_unit_test(test_service_anti_affinity),
      cmocka_unit_test(test_service_anti_affinity_from_lister),
      cmocka_unit_test(test_service_anti_affinity_first_service),
      cmocka_unit_test(test_service_anti_affinity_requires_label),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
