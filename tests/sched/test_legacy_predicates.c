/* Legacy v1.7 predicates, ported from Kubernetes v1.7
 * plugin/pkg/scheduler/algorithm/predicates/predicates_test.go with v1.7's
 * exact failure reasons; each table names its upstream test. Adaptations
 * forced by ksim's model are stated at the case. */
#include "tests/sched/plugin_harness.h"

#include "sched/volume_lister.h"

#include "sched/plugins/legacy_predicates.h"

#define V(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Filters `pod` on the env's only node; returns the status. */
static KsSchedStatus filter_one(KsTestEnv *e, const KsPod *pod) {
  KsSchedStatus st[1];
  ks_test_env_filter(e, pod, st, NULL);
  return st[0];
}

/* Asserts the status: reasons NULL = fits; else Unschedulable with exactly
 * these reasons in order. */
static void expect(const char *test, const KsSchedStatus *st, const char *const *reasons) {
  if (!reasons) {
    if (st->code != KS_SCHED_SUCCESS)
      fail_msg("%s: want fit, got %s (%s)", test, ks_sched_code_to_string(st->code),
               ks_test_reason(st));
    return;
  }
  if (st->code != KS_SCHED_UNSCHEDULABLE)
    fail_msg("%s: want Unschedulable, got %s", test, ks_sched_code_to_string(st->code));
  guint n = g_strv_length((char **)reasons);
  if (st->n_reasons != n)
    fail_msg("%s: want %u reasons, got %u (%s)", test, n, st->n_reasons, ks_test_reason(st));
  for (guint i = 0; i < n; i++)
    if (strcmp(st->reasons[i], reasons[i]) != 0)
      fail_msg("%s: reason %u: want %s got %s", test, i, reasons[i], st->reasons[i]);
}

/* ---- PodFitsResources ------------------------------------------------------------------- */

typedef struct {
  gint64 cpu, mem;
} Res;

static void add_container(KsPod *p, Res r, gboolean init) {
  KsContainer *c = ks_pod_add_container(p, init ? "i" : "c", init);
  ks_resource_list_set(&c->requests, "cpu", r.cpu);
  ks_resource_list_set(&c->requests, "memory", r.mem);
}

/* upstream newResourcePod / newResourceInitPod. transfer full */
static KsPod *res_pod(const char *name, const Res *app, guint n_app, const Res *init,
                      guint n_init) {
  KsPod *p = ks_pod_new("default", name);
  for (guint i = 0; i < n_app; i++)
    add_container(p, app[i], FALSE);
  for (guint i = 0; i < n_init; i++)
    add_container(p, init[i], TRUE);
  return p;
}

typedef struct {
  const char *test;
  Res pod;        /* {0,0} with no_containers: the empty pod */
  gboolean empty;
  Res init[2];
  guint n_init;
  Res existing;
  const char *const *reasons;
} FitsCase;

static void run_fits(const FitsCase *cases, guint n, gint64 pods_allowed) {
  for (guint t = 0; t < n; t++) {
    const FitsCase *tc = &cases[t];
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_legacy_pod_fits_resources, NULL);
    /* upstream makeAllocatableResources(10, 20, 0, pods, ...): 10 millicpu, 20 bytes */
    KsNode *node = ks_node_new("machine1");
    ks_resource_list_set(&node->allocatable, "cpu", 10);
    ks_resource_list_set(&node->allocatable, "memory", 20);
    ks_resource_list_set(&node->allocatable, "pods", pods_allowed);
    ks_test_env_add_node(&e, node);
    ks_test_env_add_pod(&e, res_pod("existing", &tc->existing, 1, NULL, 0), "machine1");
    KsPod *pod = res_pod("p", &tc->pod, tc->empty ? 0 : 1, tc->init, tc->n_init);
    KsSchedStatus st = filter_one(&e, pod);
    expect(tc->test, &st, tc->reasons);
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
}

#define CPU V("Insufficient cpu")
#define MEM V("Insufficient memory")
#define PODS V("Insufficient pods")

/* TestPodFitsResources enoughPodsTests (node 10m cpu, 20 bytes, 32 pods):
 * every case without GPUs or opaque integer resources. */
static void test_pod_fits_resources(void **state) {
  const FitsCase cases[] = {
      {"no resources requested always fits", {0, 0}, TRUE, {{0}}, 0, {10, 20}, NULL},
      {"too many resources fails", {1, 1}, FALSE, {{0}}, 0, {10, 20}, V("Insufficient cpu", "Insufficient memory")},
      {"too many resources fails due to init container cpu", {1, 1}, FALSE, {{3, 1}}, 1, {8, 19}, CPU},
      {"too many resources fails due to highest init container cpu", {1, 1}, FALSE, {{3, 1}, {2, 1}}, 2, {8, 19}, CPU},
      {"too many resources fails due to init container memory", {1, 1}, FALSE, {{1, 3}}, 1, {9, 19}, MEM},
      {"too many resources fails due to highest init container memory", {1, 1}, FALSE, {{1, 3}, {1, 2}}, 2, {9, 19}, MEM},
      {"init container fits because it's the max, not sum, of containers and init containers", {1, 1}, FALSE, {{1, 1}}, 1, {9, 19}, NULL},
      {"multiple init containers fit because it's the max, not sum, of containers and init containers", {1, 1}, FALSE, {{1, 1}, {1, 1}}, 2, {9, 19}, NULL},
      {"both resources fit", {1, 1}, FALSE, {{0}}, 0, {5, 5}, NULL},
      {"one resource memory fits", {2, 1}, FALSE, {{0}}, 0, {9, 5}, CPU},
      {"one resource cpu fits", {1, 2}, FALSE, {{0}}, 0, {5, 19}, MEM},
      {"equal edge case", {5, 1}, FALSE, {{0}}, 0, {5, 19}, NULL},
      {"equal edge case for init container", {4, 1}, FALSE, {{5, 1}}, 1, {5, 19}, NULL},
  };
  run_fits(cases, G_N_ELEMENTS(cases), 32);
}

/* TestPodFitsResources notEnoughPodsTests (node allows 1 pod): every case. */
static void test_pod_fits_resources_pods(void **state) {
  const FitsCase cases[] = {
      {"even without specified resources predicate fails when there's no space for additional pod", {0, 0}, TRUE, {{0}}, 0, {10, 20}, PODS},
      {"even if both resources fit predicate fails when there's no space for additional pod", {1, 1}, FALSE, {{0}}, 0, {5, 5}, PODS},
      {"even for equal edge case predicate fails when there's no space for additional pod", {5, 1}, FALSE, {{0}}, 0, {5, 19}, PODS},
      {"even for equal edge case predicate fails when there's no space for additional pod due to init container", {5, 1}, FALSE, {{5, 1}}, 1, {5, 19}, PODS},
  };
  run_fits(cases, G_N_ELEMENTS(cases), 1);
}

/* Extended resources: "Insufficient <name>" (v1.7 printed the resource
 * name for GPUs and opaque integer resources alike). */
static void test_pod_fits_resources_scalar(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_legacy_pod_fits_resources, NULL);
  KsNode *node = ks_test_node("n", "4", "4Gi");
  ks_resource_list_set(&node->allocatable, "example.com/foo", 1);
  ks_test_env_add_node(&e, node);
  KsPod *pod = ks_pod_new("default", "p");
  KsContainer *c = ks_pod_add_container(pod, "c", FALSE);
  ks_resource_list_set(&c->requests, "example.com/foo", 2);
  KsSchedStatus st = filter_one(&e, pod);
  expect("scalar", &st, V("Insufficient example.com/foo"));
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

/* ---- HostName ---------------------------------------------------------------------------------- */

/* TestPodFitsHost: every case. */
static void test_host_name(void **state) {
  const struct {
    const char *test, *node_name;
    const char *const *reasons;
  } cases[] = {
      {"no host specified", NULL, NULL},
      {"host matches", "foo", NULL},
      {"host doesn't match", "bar", V("HostName")},
  };
  for (guint t = 0; t < G_N_ELEMENTS(cases); t++) {
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_legacy_host_name, NULL);
    ks_test_env_add_node(&e, ks_test_node("foo", "1", "1Gi"));
    KsPod *pod = ks_pod_new("default", "p");
    pod->node_name = g_strdup(cases[t].node_name);
    KsSchedStatus st = filter_one(&e, pod);
    expect(cases[t].test, &st, cases[t].reasons);
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
}

/* ---- PodFitsHostPorts ----------------------------------------------------------------------------- */

static KsPod *port_pod(const char *name, const gint32 *ports) {
  KsPod *p = ks_pod_new("default", name);
  KsContainer *c = ks_pod_add_container(p, "c", FALSE);
  for (guint i = 0; ports && ports[i]; i++) {
    KsContainerPort *port = ks_container_add_port(c);
    port->host_port = ports[i];
    port->container_port = ports[i];
  }
  return p;
}

#define P(...) ((const gint32[]){__VA_ARGS__, 0})

/* TestPodFitsHostPorts (v1.7: ports by number only): every case. */
static void test_pod_fits_host_ports(void **state) {
  const struct {
    const char *test;
    const gint32 *pod, *existing;
    const char *const *reasons;
  } cases[] = {
      {"nothing running", NULL, NULL, NULL},
      {"other port", P(8080), P(9090), NULL},
      {"same port", P(8080), P(8080), V("PodFitsHostPorts")},
      {"second port", P(8000, 8080), P(8080), V("PodFitsHostPorts")},
      {"second port", P(8000, 8080), P(8001, 8080), V("PodFitsHostPorts")},
  };
  for (guint t = 0; t < G_N_ELEMENTS(cases); t++) {
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_legacy_pod_fits_host_ports, NULL);
    ks_test_env_add_node(&e, ks_test_node("m", "1", "1Gi"));
    ks_test_env_add_pod(&e, port_pod("existing", cases[t].existing), "m");
    KsPod *pod = port_pod("p", cases[t].pod);
    KsSchedStatus st = filter_one(&e, pod);
    expect(cases[t].test, &st, cases[t].reasons);
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
}

/* v1.7 ignored protocol: a UDP port conflicts with a TCP one of the same
 * number (v1.31 NodePorts would let both run). */
static void test_host_ports_ignore_protocol(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_legacy_pod_fits_host_ports, NULL);
  ks_test_env_add_node(&e, ks_test_node("m", "1", "1Gi"));
  KsPod *other = port_pod("existing", P(53));
  g_array_index(g_array_index(other->containers, KsContainer, 0).ports, KsContainerPort, 0)
      .protocol = KS_PROTOCOL_UDP;
  ks_test_env_add_pod(&e, other, "m");
  KsPod *pod = port_pod("p", P(53));
  KsSchedStatus st = filter_one(&e, pod);
  expect("udp vs tcp", &st, V("PodFitsHostPorts"));
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

/* ---- MatchNodeSelector ------------------------------------------------------------------------------ */

static void require(KsPod *p, const char *key, KsSelectorOp op, const char *const *values) {
  if (!p->affinity)
    p->affinity = ks_affinity_new();
  if (!p->affinity->node_affinity)
    p->affinity->node_affinity = ks_node_affinity_new();
  KsNodeAffinity *na = p->affinity->node_affinity;
  if (!na->required)
    na->required = ks_node_selector_new();
  if (!key)
    return; /* an empty term list */
  if (na->required->terms->len == 0)
    g_array_set_size(na->required->terms, 1);
  ks_node_selector_term_add_expression(&g_array_index(na->required->terms, KsNodeSelectorTerm, 0),
                                       key, op, values);
}

typedef struct {
  const char *test;
  const char *const *selector;  /* nodeSelector key/values */
  const char *req_key;          /* one required expression, or NULL */
  KsSelectorOp op;
  const char *const *values;
  gboolean empty_terms;         /* required with no terms */
  const char *const *node_labels;
  gboolean fits;
} SelectorCase;

/* TestPodFitsSelector: the nodeSelector cases and the single-expression
 * affinity cases. */
static void test_match_node_selector(void **state) {
  const SelectorCase cases[] = {
      {"no selector", NULL, NULL, 0, NULL, FALSE, NULL, TRUE},
      {"missing labels", V("foo", "bar"), NULL, 0, NULL, FALSE, NULL, FALSE},
      {"same labels", V("foo", "bar"), NULL, 0, NULL, FALSE, V("foo", "bar"), TRUE},
      {"node labels are superset", V("foo", "bar"), NULL, 0, NULL, FALSE, V("foo", "bar", "baz", "blah"), TRUE},
      {"node labels are subset", V("foo", "bar", "baz", "blah"), NULL, 0, NULL, FALSE, V("foo", "bar"), FALSE},
      {"Pod with matchExpressions using In operator that matches the existing node", NULL, "foo", KS_SELECTOR_OP_IN, V("bar", "value2"), FALSE, V("foo", "bar"), TRUE},
      {"Pod with matchExpressions using Gt operator that matches the existing node", NULL, "kernel-version", KS_SELECTOR_OP_GT, V("0204"), FALSE, V("kernel-version", "0206"), TRUE},
      {"Pod with matchExpressions using NotIn operator that matches the existing node", NULL, "mem-type", KS_SELECTOR_OP_NOT_IN, V("DDR", "DDR2"), FALSE, V("mem-type", "DDR3"), TRUE},
      {"Pod with matchExpressions using Exists operator that matches the existing node", NULL, "GPU", KS_SELECTOR_OP_EXISTS, NULL, FALSE, V("GPU", "NVIDIA-GRID-K1"), TRUE},
      {"Pod with affinity that don't match node's labels won't schedule onto the node", NULL, "foo", KS_SELECTOR_OP_IN, V("value1", "value2"), FALSE, V("foo", "bar"), FALSE},
      {"Pod with a nil []NodeSelectorTerm in affinity, can't match the node's labels and won't schedule onto the node", NULL, NULL, 0, NULL, TRUE, V("foo", "bar"), FALSE},
      {"Pod with an Affinity both requiredDuringSchedulingIgnoredDuringExecution in nodeAffinity and nodeSelector is satisfied, but not both; won't schedule onto the node", V("foo", "bar"), "kernel-version", KS_SELECTOR_OP_EXISTS, NULL, FALSE, V("foo", "barrrrrr"), FALSE},
  };
  for (guint t = 0; t < G_N_ELEMENTS(cases); t++) {
    const SelectorCase *tc = &cases[t];
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_legacy_match_node_selector, NULL);
    KsNode *node = ks_test_node("machine1", "1", "1Gi");
    for (guint i = 0; tc->node_labels && tc->node_labels[i]; i += 2)
      ks_labels_set(&node->labels, tc->node_labels[i], tc->node_labels[i + 1]);
    ks_test_env_add_node(&e, node);
    KsPod *pod = ks_pod_new("default", "p");
    for (guint i = 0; tc->selector && tc->selector[i]; i += 2)
      ks_labels_set(&pod->node_selector, tc->selector[i], tc->selector[i + 1]);
    if (tc->req_key || tc->empty_terms)
      require(pod, tc->req_key, tc->op, tc->values);
    KsSchedStatus st = filter_one(&e, pod);
    expect(tc->test, &st, tc->fits ? NULL : V("MatchNodeSelector"));
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
}

/* ---- PodToleratesNodeTaints ------------------------------------------------------------------------- */

static void tolerate(KsPod *p, const char *key, KsTolerationOp op, const char *value,
                     KsTaintEffect eff) {
  KsToleration *t = ks_pod_add_toleration(p);
  t->key = g_strdup(key);
  t->op = op;
  t->value = g_strdup(value);
  t->effect = eff;
}

/* TestPodToleratesTaints: the single-taint cases. */
static void test_pod_tolerates_node_taints(void **state) {
  const struct {
    const char *test;
    const char *tol_key, *tol_value;
    KsTolerationOp op;
    KsTaintEffect tol_effect;
    const char *taint_key, *taint_value;
    KsTaintEffect taint_effect;
    gboolean fits;
  } cases[] = {
      {"a pod having no tolerations can't be scheduled onto a node with nonempty taints", NULL, NULL, 0, 0, "dedicated", "user1", KS_TAINT_EFFECT_NO_SCHEDULE, FALSE},
      {"a pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule", "dedicated", "user1", KS_TOLERATION_OP_EQUAL, KS_TAINT_EFFECT_NO_SCHEDULE, "dedicated", "user1", KS_TAINT_EFFECT_NO_SCHEDULE, TRUE},
      {"a pod which can't be scheduled on a dedicated node assigned to user2 with effect NoSchedule", "dedicated", "user2", KS_TOLERATION_OP_EQUAL, KS_TAINT_EFFECT_NO_SCHEDULE, "dedicated", "user1", KS_TAINT_EFFECT_NO_SCHEDULE, FALSE},
      {"a pod can be scheduled onto the node, with a toleration uses operator Exists that tolerates the taints on the node", "foo", NULL, KS_TOLERATION_OP_EXISTS, KS_TAINT_EFFECT_NO_SCHEDULE, "foo", "bar", KS_TAINT_EFFECT_NO_SCHEDULE, TRUE},
      {"The pod has a toleration that keys and values match the taint on the node, but (non-empty) effect doesn't match, can't be scheduled onto the node", "foo", "bar", KS_TOLERATION_OP_EQUAL, KS_TAINT_EFFECT_PREFER_NO_SCHEDULE, "foo", "bar", KS_TAINT_EFFECT_NO_SCHEDULE, FALSE},
      {"The pod has a toleration that keys and values match the taint on the node, the effect of toleration is empty, and the effect of taint is NoSchedule. Pod can be scheduled onto the node", "foo", "bar", KS_TOLERATION_OP_EQUAL, KS_TAINT_EFFECT_ALL, "foo", "bar", KS_TAINT_EFFECT_NO_SCHEDULE, TRUE},
      {"The pod has a toleration that key and value don't match the taint on the node, but the effect of taint on node is PreferNochedule. Pod can be scheduled onto the node", "dedicated", "user2", KS_TOLERATION_OP_EQUAL, KS_TAINT_EFFECT_NO_SCHEDULE, "dedicated", "user1", KS_TAINT_EFFECT_PREFER_NO_SCHEDULE, TRUE},
      {"The pod has no toleration, but the effect of taint on node is PreferNochedule. Pod can be scheduled onto the node", NULL, NULL, 0, 0, "dedicated", "user1", KS_TAINT_EFFECT_PREFER_NO_SCHEDULE, TRUE},
  };
  for (guint t = 0; t < G_N_ELEMENTS(cases); t++) {
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_legacy_pod_tolerates_node_taints, NULL);
    KsNode *node = ks_test_node("n", "1", "1Gi");
    ks_node_add_taint(node, cases[t].taint_key, cases[t].taint_value, cases[t].taint_effect);
    ks_test_env_add_node(&e, node);
    KsPod *pod = ks_pod_new("default", "p");
    if (cases[t].tol_key)
      tolerate(pod, cases[t].tol_key, cases[t].op, cases[t].tol_value, cases[t].tol_effect);
    KsSchedStatus st = filter_one(&e, pod);
    expect(cases[t].test, &st, cases[t].fits ? NULL : V("PodToleratesNodeTaints"));
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
}

/* ---- NoDiskConflict ------------------------------------------------------------------------------------ */

/* An RBD ref is "<pool>/<image>@<monitor>,<monitor>" here: the decoder
 * keeps "<pool>/<image>" in ref and the monitors beside it. */
static KsPod *vol_pod(const char *name, KsVolumeSource src, const char *ref, gboolean ro) {
  KsPod *p = ks_pod_new("default", name);
  if (ref) {
    KsVolume *v = ks_pod_add_volume(p, "v", src);
    const char *at = src == KS_VOLUME_RBD ? strchr(ref, '@') : NULL;
    v->ref = at ? g_strndup(ref, at - ref) : g_strdup(ref);
    if (src == KS_VOLUME_RBD)
      v->monitors = g_strsplit(at ? at + 1 : "m1", ",", -1);
    v->read_only = ro;
  }
  return p;
}

/* TestGCEDiskConflicts, TestAWSDiskConflicts, TestRBDDiskConflicts and
 * TestISCSIDiskConflicts share one table: nothing; one state; same state;
 * different state. The RBD table's "different state" differs in the Ceph
 * monitors only (same pool and image), which makes it fit. */
static void test_no_disk_conflict(void **state) {
  const struct {
    KsVolumeSource src;
    const char *state1, *state2;
  } kinds[] = {
      {KS_VOLUME_GCE_PD, "foo", "bar"},
      {KS_VOLUME_AWS_EBS, "foo", "bar"},
      {KS_VOLUME_RBD, "foo/bar@a,b", "foo/bar@c,d"},
      {KS_VOLUME_ISCSI, "iqn.2016-12.server:storage.target01", "iqn.2016-12.server:storage.target02"},
  };
  for (guint k = 0; k < G_N_ELEMENTS(kinds); k++) {
    const struct {
      const char *test, *pod, *existing;
      gboolean fits;
    } cases[] = {
        {"nothing", NULL, NULL, TRUE},
        {"one state", NULL, kinds[k].state1, TRUE},
        {"same state", kinds[k].state1, kinds[k].state1, FALSE},
        {"different state", kinds[k].state2, kinds[k].state1, TRUE},
    };
    for (guint t = 0; t < G_N_ELEMENTS(cases); t++) {
      KsTestEnv e;
      ks_test_env_init(&e, &ks_sched_plugin_legacy_no_disk_conflict, NULL);
      ks_test_env_add_node(&e, ks_test_node("m", "1", "1Gi"));
      if (cases[t].existing)
        ks_test_env_add_pod(&e, vol_pod("existing", kinds[k].src, cases[t].existing, FALSE), "m");
      KsPod *pod = vol_pod("p", kinds[k].src, cases[t].pod, FALSE);
      KsSchedStatus st = filter_one(&e, pod);
      expect(cases[t].test, &st, cases[t].fits ? NULL : V("NoDiskConflict"));
      ks_pod_unref(pod);
      ks_test_env_clear(&e);
    }
  }
}

/* Read-only mounts of the same GCE PD / ISCSI / RBD volume share; EBS never. */
static void test_no_disk_conflict_read_only(void **state) {
  const struct {
    KsVolumeSource src;
    gboolean fits;
  } cases[] = {
      {KS_VOLUME_GCE_PD, TRUE}, {KS_VOLUME_ISCSI, TRUE}, {KS_VOLUME_RBD, TRUE}, {KS_VOLUME_AWS_EBS, FALSE}};
  for (guint t = 0; t < G_N_ELEMENTS(cases); t++) {
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_legacy_no_disk_conflict, NULL);
    ks_test_env_add_node(&e, ks_test_node("m", "1", "1Gi"));
    ks_test_env_add_pod(&e, vol_pod("existing", cases[t].src, "d", TRUE), "m");
    KsPod *pod = vol_pod("p", cases[t].src, "d", TRUE);
    KsSchedStatus st = filter_one(&e, pod);
    expect(ks_volume_source_to_string(cases[t].src), &st,
           cases[t].fits ? NULL : V("NoDiskConflict"));
    ks_pod_unref(pod);
    /* one read-write mount conflicts for every kind */
    pod = vol_pod("p", cases[t].src, "d", FALSE);
    st = filter_one(&e, pod);
    expect("read-write", &st, V("NoDiskConflict"));
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
}

/* ---- MaxEBSVolumeCount / MaxGCEPDVolumeCount -------------------------------------------------------------- */

typedef enum {
  ONE_VOL, TWO_VOL, SPLIT_VOLS, NON_APPLICABLE, EMPTY,
  EBS_PVC,     /* claim someEBSVol (a PV of the counted kind, id ebsVol) */
  SPLIT_PVC,   /* claims someNonEBSVol (a PV of another kind) and someEBSVol */
  DELETED_PVC, /* claim deletedPVC: no such claim */
  DELETED_PV,  /* claim pvcWithDeletedPV: bound to a PV that does not exist */
  UNBOUND_PVC, /* claim unboundPVC: no volumeName */
} VolPodKind;

static KsPod *count_pod(VolPodKind k, KsVolumeSource src, int i) {
  char name[16];
  g_snprintf(name, sizeof name, "p%d", i);
  KsPod *p = ks_pod_new("default", name);
  const char *ids[2] = {NULL, NULL};
  if (k == ONE_VOL)
    ids[0] = "ovp";
  else if (k == TWO_VOL)
    ids[0] = "tvp1", ids[1] = "tvp2";
  else if (k == SPLIT_VOLS)
    ids[0] = "svp";
  if (k == SPLIT_VOLS || k == NON_APPLICABLE)
    ks_pod_add_volume(p, "hp", KS_VOLUME_HOST_PATH)->ref = g_strdup("/tmp");
  for (int j = 0; j < 2; j++)
    if (ids[j])
      ks_pod_add_volume(p, ids[j], src)->ref = g_strdup(ids[j]);
  const char *claims[][2] = {[EBS_PVC] = {"someEBSVol", NULL},
                             [SPLIT_PVC] = {"someNonEBSVol", "someEBSVol"},
                             [DELETED_PVC] = {"deletedPVC", NULL},
                             [DELETED_PV] = {"pvcWithDeletedPV", NULL},
                             [UNBOUND_PVC] = {"unboundPVC", NULL}};
  for (int j = 0; k >= EBS_PVC && j < 2; j++)
    if (claims[k][j])
      ks_pod_add_volume(p, claims[k][j], KS_VOLUME_PVC)->ref = g_strdup(claims[k][j]);
  return p;
}

/* v1.7's pvInfo / pvcInfo for the PVC cases (PV someEBSVol of the counted
 * kind with id ebsVol, someNonEBSVol of another kind). */
static void count_listers(KsSchedVolumeLister *l, KsVolumeSource src) {
  KsPersistentVolume *pv = ks_pv_new("someEBSVol");
  pv->source = src;
  pv->source_id = g_strdup("ebsVol");
  ks_sched_volume_lister_set_pv(l, pv);
  pv = ks_pv_new("someNonEBSVol");
  pv->source = KS_VOLUME_NFS;
  pv->source_id = g_strdup("server:/x");
  ks_sched_volume_lister_set_pv(l, pv);
  const char *pvcs[][2] = {{"someEBSVol", "someEBSVol"},
                           {"someNonEBSVol", "someNonEBSVol"},
                           {"pvcWithDeletedPV", "pvcWithDeletedPV"},
                           {"unboundPVC", NULL}};
  for (guint i = 0; i < G_N_ELEMENTS(pvcs); i++) {
    KsPersistentVolumeClaim *c = ks_pvc_new("default", pvcs[i][0]);
    c->volume_name = g_strdup(pvcs[i][1]);
    ks_sched_volume_lister_set_pvc(l, c);
  }
}

/* TestEBSVolumeCountConflicts (v1.7), inline and PVC cases; run for EBS
 * and, with the same volume layout, for GCE PD. */
static void test_max_volume_count(void **state) {
  const struct {
    const char *test;
    VolPodKind pod;
    VolPodKind existing[3];
    int n_existing;
    gint32 max;
    gboolean fits;
  } cases[] = {
      {"fits when node capacity >= new pod's EBS volumes", ONE_VOL, {TWO_VOL, ONE_VOL}, 2, 4, TRUE},
      {"doesn't fit when node capacity < new pod's EBS volumes", TWO_VOL, {ONE_VOL}, 1, 2, FALSE},
      {"new pod's count ignores non-EBS volumes", SPLIT_VOLS, {TWO_VOL}, 1, 3, TRUE},
      {"existing pods' counts ignore non-EBS volumes", TWO_VOL, {SPLIT_VOLS, NON_APPLICABLE, EMPTY}, 3, 3, TRUE},
      /* ksim: a volume already attached to the node is not counted twice */
      {"already-attached volumes count once", TWO_VOL, {TWO_VOL, ONE_VOL}, 2, 3, TRUE},
      {"new pod's count considers PVCs backed by EBS volumes", EBS_PVC,
       {SPLIT_VOLS, NON_APPLICABLE, EMPTY}, 3, 3, TRUE},
      {"new pod's count ignores PVCs not backed by EBS volumes", SPLIT_PVC, {SPLIT_VOLS, ONE_VOL},
       2, 3, TRUE},
      {"existing pods' counts considers PVCs backed by EBS volumes", TWO_VOL, {ONE_VOL, EBS_PVC}, 2,
       3, FALSE},
      {"already-mounted EBS volumes are always ok to allow", TWO_VOL, {ONE_VOL, TWO_VOL, EBS_PVC}, 3,
       4, TRUE},
      {"the same EBS volumes are not counted multiple times", SPLIT_VOLS,
       {ONE_VOL, ONE_VOL, EBS_PVC}, 3, 3, TRUE},
      {"pod with missing PVC is counted towards the PV limit", EBS_PVC, {ONE_VOL, DELETED_PVC}, 2, 2,
       FALSE},
      {"pod with missing PV is counted towards the PV limit", EBS_PVC, {ONE_VOL, DELETED_PV}, 2, 2,
       FALSE},
      {"two missing PVCs are two volumes", DELETED_PVC, {DELETED_PVC}, 1, 1, FALSE},
  };
  const KsSchedPluginDesc *descs[] = {&ks_sched_plugin_legacy_max_ebs_volume_count,
                                      &ks_sched_plugin_legacy_max_gce_pd_volume_count};
  const KsVolumeSource srcs[] = {KS_VOLUME_AWS_EBS, KS_VOLUME_GCE_PD};
  for (guint d = 0; d < 2; d++) {
    for (guint t = 0; t < G_N_ELEMENTS(cases); t++) {
      KsSchedLegacyMaxVolumeCountArgs args = {cases[t].max};
      KsTestEnv e;
      ks_test_env_init(&e, descs[d], &args);
      count_listers(e.cache->volumes, srcs[d]);
      ks_test_env_add_node(&e, ks_test_node("m", "1", "1Gi"));
      for (int i = 0; i < cases[t].n_existing; i++)
        ks_test_env_add_pod(&e, count_pod(cases[t].existing[i], srcs[d], 10 + i), "m");
      KsPod *pod = count_pod(cases[t].pod, srcs[d], 0);
      KsSchedStatus st = filter_one(&e, pod);
      expect(cases[t].test, &st, cases[t].fits ? NULL : V("MaxVolumeCount"));
      ks_pod_unref(pod);
      ks_test_env_clear(&e);
    }
    /* v1.7's errors: the pod's claim not bound; a pod on the node with one */
    KsTestEnv e;
    ks_test_env_init(&e, descs[d], NULL);
    count_listers(e.cache->volumes, srcs[d]);
    ks_test_env_add_node(&e, ks_test_node("m", "1", "1Gi"));
    KsPod *pod = count_pod(UNBOUND_PVC, srcs[d], 0);
    KsSchedStatus st = filter_one(&e, pod);
    assert_int_equal(st.code, KS_SCHED_ERROR_CODE);
    assert_string_equal(ks_test_reason(&st), "PersistentVolumeClaim is not bound: \"unboundPVC\"");
    ks_pod_unref(pod);
    ks_test_env_add_pod(&e, count_pod(UNBOUND_PVC, srcs[d], 1), "m");
    pod = count_pod(ONE_VOL, srcs[d], 0);
    st = filter_one(&e, pod);
    assert_int_equal(st.code, KS_SCHED_ERROR_CODE);
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
}

/* Defaults 39 (EBS) and 16 (GCE PD); negative args are rejected. */
static void test_max_volume_count_defaults(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_legacy_max_gce_pd_volume_count, NULL);
  ks_test_env_add_node(&e, ks_test_node("m", "1", "1Gi"));
  KsPod *big = ks_pod_new("default", "big");
  for (int i = 0; i < 16; i++) {
    char id[8];
    g_snprintf(id, sizeof id, "d%d", i);
    ks_pod_add_volume(big, id, KS_VOLUME_GCE_PD)->ref = g_strdup(id);
  }
  ks_test_env_add_pod(&e, big, "m");
  KsPod *pod = count_pod(ONE_VOL, KS_VOLUME_GCE_PD, 0);
  KsSchedStatus st = filter_one(&e, pod);
  expect("17 > 16", &st, V("MaxVolumeCount"));
  ks_pod_unref(pod);
  /* an EBS volume is not a GCE PD */
  pod = count_pod(ONE_VOL, KS_VOLUME_AWS_EBS, 0);
  st = filter_one(&e, pod);
  expect("other kind", &st, NULL);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);

  KsSchedLegacyMaxVolumeCountArgs bad = {-1};
  GError *err = NULL;
  assert_null(ks_sched_plugin_legacy_max_ebs_volume_count.create(&bad, &err));
  assert_string_equal(err->message, "maxVolumes must be positive, got -1");
  g_clear_error(&err);
  gint32 *m = ks_sched_plugin_legacy_max_ebs_volume_count.create(NULL, NULL);
  assert_non_null(m);
  ks_sched_plugin_legacy_max_ebs_volume_count.destroy(m);
}

/* ---- NoVolumeZoneConflict ------------------------------------------------------------------------------------ */

/* v1.7 TestVolumeZonePredicate: PVs Vol_1 (zone zone_1), Vol_2 (region
 * zone_2), Vol_3 (region zone_3) bound to PVC_1..3, PVC_4 to a missing PV;
 * the five cases, then v1.7's errors (on a zoned node only), a GA-labelled
 * node, and a PVC pod on a node without zone labels. */
static void test_no_volume_zone_conflict(void **state) {
  static const char *const zone_reason[] = {KS_LEGACY_REASON_VOLUME_ZONE, NULL};
  const struct {
    const char *test, *pvc, *key, *value;
    gboolean fits;
  } cases[] = {
      {"node without labels", "PVC_1", NULL, NULL, TRUE},
      {"label zone failure domain matched", "PVC_1", "failure-domain.beta.kubernetes.io/zone",
       "zone_1", TRUE},
      {"label zone region matched", "PVC_2", "failure-domain.beta.kubernetes.io/region", "zone_2",
       TRUE},
      {"label zone region failed match", "PVC_2", "failure-domain.beta.kubernetes.io/region",
       "no_zone_2", FALSE},
      {"label zone failure domain failed match", "PVC_1", "failure-domain.beta.kubernetes.io/zone",
       "no_zone_1", FALSE},
      {"GA node label matched", "PVC_1", "topology.kubernetes.io/zone", "zone_1", TRUE},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_legacy_no_volume_zone_conflict, NULL);
    KsSchedVolumeLister *l = e.cache->volumes;
    const char *pvs[][3] = {{"Vol_1", "failure-domain.beta.kubernetes.io/zone", "zone_1"},
                            {"Vol_2", "failure-domain.beta.kubernetes.io/region", "zone_2"},
                            {"Vol_3", "failure-domain.beta.kubernetes.io/region", "zone_3"}};
    for (guint k = 0; k < G_N_ELEMENTS(pvs); k++) {
      KsPersistentVolume *pv = ks_pv_new(pvs[k][0]);
      ks_labels_set(&pv->labels, pvs[k][1], pvs[k][2]);
      if (k == 1)
        ks_labels_set(&pv->labels, "uselessLabel", "none");
      ks_sched_volume_lister_set_pv(l, pv);
    }
    const char *pvcs[][2] = {{"PVC_1", "Vol_1"}, {"PVC_2", "Vol_2"}, {"PVC_3", "Vol_3"},
                             {"PVC_4", "Vol_not_exist"}, {"PVC_unbound", NULL}};
    for (guint k = 0; k < G_N_ELEMENTS(pvcs); k++) {
      KsPersistentVolumeClaim *c = ks_pvc_new("default", pvcs[k][0]);
      c->volume_name = g_strdup(pvcs[k][1]);
      ks_sched_volume_lister_set_pvc(l, c);
    }
    KsNode *n = ks_test_node("host1", "1", "1Gi");
    if (cases[i].key) {
      ks_labels_set(&n->labels, cases[i].key, cases[i].value);
      ks_labels_set(&n->labels, "uselessLabel", "none");
    }
    ks_test_env_add_node(&e, n);
    KsPod *pod = vol_pod("p", KS_VOLUME_PVC, cases[i].pvc, FALSE);
    KsSchedStatus st = filter_one(&e, pod);
    expect(cases[i].test, &st, cases[i].fits ? NULL : zone_reason);
    ks_pod_unref(pod);
    if (i == 1) {
      /* v1.7's predicate errors, on this zoned node */
      const char *errs[][2] = {{"PVC_4", "PersistentVolume not found: \"Vol_not_exist\""},
                               {"PVC_unbound", "PersistentVolumeClaim is not bound: \"PVC_unbound\""},
                               {"PVC_none", "PersistentVolumeClaim was not found: \"PVC_none\""}};
      for (guint k = 0; k < G_N_ELEMENTS(errs); k++) {
        pod = vol_pod("p", KS_VOLUME_PVC, errs[k][0], FALSE);
        st = filter_one(&e, pod);
        assert_int_equal(st.code, KS_SCHED_ERROR_CODE);
        assert_string_equal(ks_test_reason(&st), errs[k][1]);
        ks_pod_unref(pod);
      }
    }
    if (i == 0) {
      /* no zone labels on the node: even a missing claim passes, as v1.7 */
      pod = vol_pod("p", KS_VOLUME_PVC, "PVC_none", FALSE);
      st = filter_one(&e, pod);
      expect("no node constraints", &st, NULL);
      ks_pod_unref(pod);
    }
    ks_test_env_clear(&e);
  }
}

/* ---- CheckNodeMemoryPressure / CheckNodeDiskPressure ------------------------------------------------------------ */

static KsNode *pressure_node(const char *type, const char *status) {
  KsNode *n = ks_test_node("m", "1", "1Gi");
  if (type)
    ks_node_set_condition(n, type, status, NULL);
  return n;
}

/* TestPodSchedulesOnNodeWithMemoryPressureCondition: every case. The
 * non-best-effort pod has a request; a limit alone also makes it Burstable. */
static void test_memory_pressure(void **state) {
  const struct {
    const char *test;
    gboolean best_effort;
    const char *status;
    gboolean fits;
  } cases[] = {
      {"best-effort pod schedulable on node without memory pressure condition on", TRUE, "False", TRUE},
      {"best-effort pod not schedulable on node with memory pressure condition on", TRUE, "True", FALSE},
      {"non best-effort pod schedulable on node with memory pressure condition on", FALSE, "True", TRUE},
      {"non best-effort pod schedulable on node without memory pressure condition on", FALSE, "False", TRUE},
  };
  for (guint t = 0; t < G_N_ELEMENTS(cases); t++) {
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_legacy_check_node_memory_pressure, NULL);
    ks_test_env_add_node(&e, pressure_node("MemoryPressure", cases[t].status));
    KsPod *pod = ks_pod_new("default", "p");
    KsContainer *c = ks_pod_add_container(pod, "c", FALSE);
    if (!cases[t].best_effort)
      ks_resource_list_set(&c->limits, "memory", 1 << 20);
    KsSchedStatus st = filter_one(&e, pod);
    expect(cases[t].test, &st, cases[t].fits ? NULL : V("NodeUnderMemoryPressure"));
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
}

/* TestPodSchedulesOnNodeWithDiskPressureCondition: every case. */
static void test_disk_pressure(void **state) {
  const struct {
    const char *test, *status;
    gboolean fits;
  } cases[] = {
      {"pod schedulable on node without pressure condition on", "False", TRUE},
      {"pod not schedulable on node with pressure condition on", "True", FALSE},
  };
  for (guint t = 0; t < G_N_ELEMENTS(cases); t++) {
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_legacy_check_node_disk_pressure, NULL);
    ks_test_env_add_node(&e, pressure_node("DiskPressure", cases[t].status));
    KsPod *pod = ks_pod_new("default", "p");
    ks_pod_add_container(pod, "c", FALSE);
    KsSchedStatus st = filter_one(&e, pod);
    expect(cases[t].test, &st, cases[t].fits ? NULL : V("NodeUnderDiskPressure"));
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pod_fits_resources),
      cmocka_unit_test(test_pod_fits_resources_pods),
      cmocka_unit_test(test_pod_fits_resources_scalar),
      cmocka_unit_test(test_host_name),
      cmocka_unit_test(test_pod_fits_host_ports),
      cmocka_unit_test(test_host_ports_ignore_protocol),
      cmocka_unit_test(test_match_node_selector),
      cmocka_unit_test(test_pod_tolerates_node_taints),
      cmocka_unit_test(test_no_disk_conflict),
      cmocka_unit_test(test_no_disk_conflict_read_only),
      cmocka_unit_test(test_max_volume_count),
      cmocka_unit_test(test_max_volume_count_defaults),
      cmocka_unit_test(test_no_volume_zone_conflict),
      cmocka_unit_test(test_memory_pressure),
      cmocka_unit_test(test_disk_pressure),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
