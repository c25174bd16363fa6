/* Manifest decoding: real `kubectl get -o yaml` output loads with every
 * field the object model keeps, and every broken file fails with the exact
 * message a user sees (file:line:column: field path: reason). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "workloads/manifest.h"

#define DIR KSIM_TEST_DATA "/manifests/"

static KsManifestSet *load(const char *name) {
  char *path = g_strconcat(DIR, name, NULL);
  GError *error = NULL;
  KsManifestSet *set = ks_manifest_load_file(path, &error);
  if (!set)
    fail_msg("%s: %s", path, error->message);
  g_free(path);
  return set;
}

static const KsManifestObject *obj(const KsManifestSet *s, guint i, KsKind kind) {
  assert_true(i < s->objects->len);
  const KsManifestObject *o = s->objects->pdata[i];
  assert_int_equal(o->kind, kind);
  return o;
}

static const KsContainer *container(const GArray *a, guint i) {
  assert_non_null(a);
  assert_true(i < a->len);
  return &g_array_index(a, KsContainer, i);
}

static void test_kubectl_pod_metadata_and_containers(void **state) {
  KsManifestSet *s = load("pod-kubectl.yaml");
  assert_int_equal(s->objects->len, 1);
  assert_int_equal(s->warnings->len, 0);
  const KsManifestObject *o = obj(s, 0, KS_KIND_POD);
  assert_int_equal(o->line, 1);
  assert_int_equal(o->column, 1);
  assert_true(g_str_has_suffix(o->file, "manifests/pod-kubectl.yaml"));
  const KsPod *p = o->u.pod;
  assert_string_equal(p->name, "web-7d4b9c8f6d-x2x9k");
  assert_string_equal(p->namespace, "shop");
  assert_string_equal(p->uid, "0a8e2b8c-4c9f-4b2e-8f0a-3d1c2b4a5e6f");
  assert_int_equal(p->labels.n, 3);
  assert_string_equal(ks_labels_get(&p->labels, "app.kubernetes.io/name"), "web");
  assert_string_equal(ks_labels_get(&p->labels, "pod-template-hash"), "7d4b9c8f6d");
  assert_int_equal(p->annotations.n, 2);
  assert_string_equal(ks_labels_get(&p->annotations, "prometheus.io/scrape"), "true");
  assert_int_equal(p->creation_timestamp_us, G_GINT64_CONSTANT(1714641225) * G_USEC_PER_SEC);

  assert_int_equal(p->containers->len, 1);
  const KsContainer *web = container(p->containers, 0);
  assert_string_equal(web->name, "web");
  assert_string_equal(web->image, "registry.example.com/web:1.4.2");
  assert_int_equal(web->requests.milli_cpu, 250);            /* explicit request wins */
  assert_int_equal(web->requests.memory, 512 * 1024 * 1024); /* defaulted from the limit */
  assert_int_equal(ks_resource_list_get(&web->requests, "nvidia.com/gpu"), 1);
  assert_int_equal(web->limits.milli_cpu, 1000);
  assert_int_equal(web->limits.memory, 512 * 1024 * 1024);
  assert_false(web->restart_always);
  assert_int_equal(web->ports->len, 2);
  const KsContainerPort *http = &g_array_index(web->ports, KsContainerPort, 0);
  assert_string_equal(http->name, "http");
  assert_int_equal(http->container_port, 8080);
  assert_int_equal(http->host_port, 0);
  assert_int_equal(http->protocol, KS_PROTOCOL_TCP);
  assert_null(http->host_ip);
  const KsContainerPort *udp = &g_array_index(web->ports, KsContainerPort, 1);
  assert_int_equal(udp->container_port, 9090);
  assert_int_equal(udp->host_port, 19090);
  assert_int_equal(udp->protocol, KS_PROTOCOL_UDP);
  assert_string_equal(udp->host_ip, "10.0.0.5");

  assert_int_equal(p->init_containers->len, 2);
  const KsContainer *migrate = container(p->init_containers, 0);
  assert_string_equal(migrate->name, "migrate");
  assert_int_equal(migrate->requests.milli_cpu, 2000);
  assert_int_equal(migrate->requests.memory, 1024 * 1024 * 1024);
  assert_false(migrate->restart_always);
  const KsContainer *proxy = container(p->init_containers, 1);
  assert_string_equal(proxy->image, "envoyproxy/envoy:v1.30");
  assert_true(proxy->restart_always);
  assert_int_equal(proxy->requests.milli_cpu, 100);
  assert_int_equal(p->overhead.milli_cpu, 10);
  assert_int_equal(p->overhead.memory, 20 * 1024 * 1024);
  ks_manifest_set_free(s);
}

static void test_kubectl_pod_spec_and_status(void **state) {
  KsManifestSet *s = load("pod-kubectl.yaml");
  const KsPod *p = obj(s, 0, KS_KIND_POD)->u.pod;
  assert_string_equal(p->node_name, "ip-10-0-1-17.ec2.internal");
  assert_string_equal(ks_labels_get(&p->node_selector, "kubernetes.io/os"), "linux");
  assert_string_equal(p->scheduler_name, "default-scheduler");
  assert_true(p->has_priority);
  assert_int_equal(p->priority, 1000);
  assert_string_equal(p->priority_class_name, "shop-high");
  assert_int_equal(p->preemption_policy, KS_PREEMPT_NEVER);
  assert_non_null(p->scheduling_gates);
  assert_string_equal(p->scheduling_gates[0], "example.com/quota");
  assert_null(p->scheduling_gates[1]);
  assert_int_equal(p->restart_policy, KS_RESTART_ALWAYS);
  assert_int_equal(p->termination_grace_period_seconds, 45);
  assert_false(p->host_network);
  assert_int_equal(p->phase, KS_POD_RUNNING);
  assert_string_equal(p->nominated_node_name, "ip-10-0-1-18.ec2.internal");

  assert_int_equal(p->tolerations->len, 3);
  const KsToleration *t0 = &g_array_index(p->tolerations, KsToleration, 0);
  assert_string_equal(t0->key, "node.kubernetes.io/not-ready");
  assert_int_equal(t0->op, KS_TOLERATION_OP_EXISTS);
  assert_int_equal(t0->effect, KS_TAINT_EFFECT_NO_EXECUTE);
  assert_true(t0->has_toleration_seconds);
  assert_int_equal(t0->toleration_seconds, 300);
  const KsToleration *t1 = &g_array_index(p->tolerations, KsToleration, 1);
  assert_int_equal(t1->op, KS_TOLERATION_OP_EQUAL);
  assert_string_equal(t1->value, "shop");
  assert_int_equal(t1->effect, KS_TAINT_EFFECT_NO_SCHEDULE);
  assert_false(t1->has_toleration_seconds);
  const KsToleration *t2 = &g_array_index(p->tolerations, KsToleration, 2);
  assert_null(t2->key);
  assert_int_equal(t2->effect, KS_TAINT_EFFECT_ALL);

  assert_int_equal(p->topology_spread_constraints->len, 1);
  const KsTopologySpreadConstraint *c =
      &g_array_index(p->topology_spread_constraints, KsTopologySpreadConstraint, 0);
  assert_int_equal(c->max_skew, 1);
  assert_int_equal(c->min_domains, 3);
  assert_string_equal(c->topology_key, "topology.kubernetes.io/zone");
  assert_int_equal(c->when_unsatisfiable, KS_UNSATISFIABLE_SCHEDULE_ANYWAY);
  assert_int_equal(c->node_affinity_policy, KS_INCLUSION_POLICY_HONOR);
  assert_int_equal(c->node_taints_policy, KS_INCLUSION_POLICY_IGNORE);
  assert_string_equal(ks_labels_get(&c->label_selector->match_labels, "app"), "web");
  assert_string_equal(c->match_label_keys[0], "pod-template-hash");
  ks_manifest_set_free(s);
}

static void test_kubectl_pod_affinity(void **state) {
  KsManifestSet *s = load("pod-kubectl.yaml");
  const KsAffinity *a = obj(s, 0, KS_KIND_POD)->u.pod->affinity;
  assert_non_null(a);
  const KsNodeAffinity *na = a->node_affinity;
  assert_int_equal(na->required->terms->len, 1);
  const KsNodeSelectorTerm *term = &g_array_index(na->required->terms, KsNodeSelectorTerm, 0);
  const KsSelectorRequirement *arch =
      &g_array_index(term->match_expressions, KsSelectorRequirement, 0);
  assert_string_equal(arch->key, "kubernetes.io/arch");
  assert_int_equal(arch->op, KS_SELECTOR_OP_IN);
  assert_string_equal(arch->values[1], "arm64");
  assert_null(arch->values[2]);
  const KsSelectorRequirement *field = &g_array_index(term->match_fields, KsSelectorRequirement, 0);
  assert_string_equal(field->key, "metadata.name");
  assert_int_equal(field->op, KS_SELECTOR_OP_NOT_IN);
  assert_int_equal(na->preferred->len, 1);
  const KsPreferredSchedulingTerm *pref = &g_array_index(na->preferred, KsPreferredSchedulingTerm, 0);
  assert_int_equal(pref->weight, 20);
  assert_int_equal(g_array_index(pref->preference.match_expressions, KsSelectorRequirement, 0).op,
                   KS_SELECTOR_OP_GT);

  assert_null(a->pod_anti_affinity->required);
  const KsWeightedPodAffinityTerm *w =
      &g_array_index(a->pod_anti_affinity->preferred, KsWeightedPodAffinityTerm, 0);
  assert_int_equal(w->weight, 100);
  assert_string_equal(w->term.topology_key, "kubernetes.io/hostname");
  assert_string_equal(ks_labels_get(&w->term.label_selector->match_labels, "app"), "web");
  assert_non_null(w->term.match_label_keys);

  assert_int_equal(a->pod_affinity->required->len, 1);
  const KsPodAffinityTerm *pt = &g_array_index(a->pod_affinity->required, KsPodAffinityTerm, 0);
  assert_string_equal(pt->topology_key, "topology.kubernetes.io/zone");
  assert_string_equal(pt->namespaces[0], "cache");
  assert_string_equal(ks_labels_get(&pt->namespace_selector->match_labels, "team"), "shop");
  assert_int_equal(g_array_index(pt->label_selector->match_expressions, KsSelectorRequirement, 0).op,
                   KS_SELECTOR_OP_EXISTS);
  ks_manifest_set_free(s);
}

static void test_kubectl_pod_volumes(void **state) {
  KsManifestSet *s = load("pod-kubectl.yaml");
  const GArray *v = obj(s, 0, KS_KIND_POD)->u.pod->volumes;
  static const struct {
    const char *name;
    KsVolumeSource source;
    const char *ref;
  } want[] = {
      {"kube-api-access-abcde", KS_VOLUME_PROJECTED, NULL},
      {"cache", KS_VOLUME_EMPTY_DIR, NULL},
      {"data", KS_VOLUME_PVC, "web-data"},
      {"config", KS_VOLUME_CONFIG_MAP, "web-config"},
      {"tls", KS_VOLUME_SECRET, "web-tls"},
      {"host", KS_VOLUME_HOST_PATH, "/var/log"},
      {"disk", KS_VOLUME_GCE_PD, "web-pd"},
      {"ebs", KS_VOLUME_AWS_EBS, "vol-0abc"},
      {"az", KS_VOLUME_AZURE_DISK, "web-az"},
      {"csi", KS_VOLUME_CSI, "ebs.csi.aws.com"},
      {"iscsi", KS_VOLUME_ISCSI, "iqn.2001-04.com.example:storage"},
      {"rbd", KS_VOLUME_RBD, "rbd/foo"} /* pool defaults to rbd */,
      {"nfs", KS_VOLUME_NFS, "nfs.example.com:/exports"},
      {"down", KS_VOLUME_DOWNWARD_API, NULL},
      {"scratch", KS_VOLUME_EMPTY_DIR, NULL},
      {"eph", KS_VOLUME_OTHER, NULL},
  };
  assert_int_equal(v->len, G_N_ELEMENTS(want));
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    const KsVolume *vol = &g_array_index(v, KsVolume, i);
    assert_string_equal(vol->name, want[i].name);
    assert_int_equal(vol->source, want[i].source);
    if (want[i].ref)
      assert_string_equal(vol->ref, want[i].ref);
    else
      assert_null(vol->ref);
  }
  for (guint i = 0; i < v->len; i++) {
    const KsVolume *vol = &g_array_index(v, KsVolume, i);
    if (vol->source == KS_VOLUME_RBD) {
      assert_non_null(vol->monitors);
      assert_string_equal(vol->monitors[0], "10.0.0.1:6789");
      assert_null(vol->monitors[1]);
    } else {
      assert_null(vol->monitors);
    }
  }
  assert_int_equal(g_array_index(v, KsVolume, 1).size_limit, 1024 * 1024 * 1024);
  assert_int_equal(g_array_index(v, KsVolume, 14).size_limit, 0);
  assert_true(g_array_index(v, KsVolume, 2).read_only);
  assert_false(g_array_index(v, KsVolume, 3).read_only);
  ks_manifest_set_free(s);
}

static void test_kubectl_node(void **state) {
  KsManifestSet *s = load("node-kubectl.yaml");
  assert_int_equal(s->objects->len, 1);
  const KsNode *n = obj(s, 0, KS_KIND_NODE)->u.node;
  assert_string_equal(n->name, "worker-1");
  assert_string_equal(n->uid, "3b2c9d64-8a1e-4f5b-9c1d-2e7f6a5b4c3d");
  assert_int_equal(n->labels.n, 8);
  assert_string_equal(ks_labels_get(&n->labels, "topology.kubernetes.io/zone"), "eu-west-1a");
  assert_string_equal(ks_labels_get(&n->annotations, "node.alpha.kubernetes.io/ttl"), "0");
  assert_true(n->unschedulable);
  assert_int_equal(n->taints->len, 2);
  const KsTaint *t0 = &g_array_index(n->taints, KsTaint, 0);
  assert_string_equal(t0->key, "dedicated");
  assert_string_equal(t0->value, "gpu");
  assert_int_equal(t0->effect, KS_TAINT_EFFECT_NO_SCHEDULE);
  const KsTaint *t1 = &g_array_index(n->taints, KsTaint, 1);
  assert_int_equal(t1->effect, KS_TAINT_EFFECT_NO_EXECUTE);
  assert_null(t1->value);
  /* 10:00:00.5+02:00 is 08:00:00.5 UTC */
  assert_int_equal(t1->time_added_us, G_GINT64_CONSTANT(1714636800) * G_USEC_PER_SEC + 500000);
  assert_int_equal(n->capacity.milli_cpu, 4000);
  assert_int_equal(n->capacity.memory, G_GINT64_CONSTANT(16116284) * 1024);
  assert_int_equal(n->capacity.ephemeral_storage, G_GINT64_CONSTANT(103865288) * 1024);
  assert_int_equal(n->capacity.pods, 110);
  assert_int_equal(n->allocatable.milli_cpu, 3920);
  assert_int_equal(n->allocatable.memory, G_GINT64_CONSTANT(15611452) * 1024);
  assert_int_equal(n->allocatable.ephemeral_storage, G_GINT64_CONSTANT(95551679124));
  assert_int_equal(ks_resource_list_get(&n->allocatable, "nvidia.com/gpu"), 4);
  assert_true(ks_resource_list_has(&n->allocatable, "hugepages-2Mi"));
  assert_string_equal(ks_node_condition_status(n, "Ready"), "True");
  assert_string_equal(ks_node_condition_status(n, "MemoryPressure"), "False");
  assert_null(ks_node_condition_status(n, "DiskPressure"));
  assert_int_equal(n->images->len, 2);
  const KsContainerImage *im = &g_array_index(n->images, KsContainerImage, 0);
  assert_string_equal(im->names[1], "registry.example.com/web:1.4.2");
  assert_null(im->names[2]);
  assert_int_equal(im->size_bytes, 187654321);
  assert_int_equal(g_array_index(n->images, KsContainerImage, 1).size_bytes, 2231050);
  ks_manifest_set_free(s);
}

static void test_list_with_unknown_kind(void **state) {
  KsManifestSet *s = load("list.yaml");
  assert_int_equal(s->objects->len, 2);
  const KsManifestObject *a = obj(s, 0, KS_KIND_POD);
  assert_string_equal(a->u.pod->name, "a");
  assert_int_equal(a->line, 3);
  assert_int_equal(a->column, 3);
  assert_int_equal(container(a->u.pod->containers, 0)->requests.memory, 128 * 1024 * 1024);
  const KsPod *b = obj(s, 1, KS_KIND_POD)->u.pod;
  assert_string_equal(b->name, "b");
  assert_string_equal(b->namespace, "default");                  /* defaulted */
  assert_string_equal(b->scheduler_name, "default-scheduler");   /* defaulted */
  assert_int_equal(b->termination_grace_period_seconds, 30);     /* defaulted */
  assert_false(b->has_priority);
  assert_int_equal(b->phase, KS_POD_PENDING);
  assert_null(b->affinity);
  assert_null(b->tolerations);
  assert_int_equal(s->warnings->len, 1);
  char *want = g_strconcat(DIR, "list.yaml:16:3: kind Ingress (networking.k8s.io/v1) is not supported; skipped",
                           NULL);
  assert_string_equal(s->warnings->pdata[0], want);
  g_free(want);
  ks_manifest_set_free(s);
}

static void test_typed_list_items_without_kind(void **state) {
  KsManifestSet *s = load("nodelist.yaml");
  assert_int_equal(s->objects->len, 2);
  const KsNode *n1 = obj(s, 0, KS_KIND_NODE)->u.node;
  assert_string_equal(n1->name, "n1");
  assert_int_equal(n1->capacity.memory, G_GINT64_CONSTANT(32) * 1024 * 1024 * 1024);
  /* allocatable defaults to capacity */
  assert_int_equal(n1->allocatable.milli_cpu, 8000);
  assert_int_equal(n1->allocatable.pods, 110);
  const KsNode *n2 = obj(s, 1, KS_KIND_NODE)->u.node;
  assert_int_equal(n2->allocatable.milli_cpu, 2000);
  assert_false(n2->unschedulable);
  assert_null(n2->taints);
  ks_manifest_set_free(s);
}

static void test_multi_document(void **state) {
  KsManifestSet *s = load("multi.yaml");
  assert_int_equal(s->objects->len, 3);
  const KsNamespace *ns = obj(s, 0, KS_KIND_NAMESPACE)->u.ns;
  assert_string_equal(ns->name, "shop");
  assert_string_equal(ks_labels_get(&ns->labels, "team"), "shop");
  const KsPriorityClass *pc = obj(s, 1, KS_KIND_PRIORITY_CLASS)->u.priority_class;
  assert_string_equal(pc->name, "shop-high");
  assert_int_equal(pc->value, 100000);
  assert_false(pc->global_default);
  assert_int_equal(pc->preemption_policy, KS_PREEMPT_NEVER);
  assert_string_equal(pc->description, "Shop front-end pods.");
  const KsManifestObject *po = obj(s, 2, KS_KIND_POD);
  assert_int_equal(po->line, 33);
  const KsPod *p = po->u.pod;
  assert_string_equal(p->namespace, "shop");
  assert_int_equal(p->restart_policy, KS_RESTART_ON_FAILURE);
  assert_true(p->host_network);
  assert_false(p->has_priority);
  const KsContainer *c = container(p->containers, 0);
  assert_int_equal(c->requests.memory, 256 * 1024 * 1024);                     /* explicit */
  assert_int_equal(c->requests.ephemeral_storage, G_GINT64_CONSTANT(2) << 30); /* from limit */
  assert_int_equal(c->requests.milli_cpu, 0);
  assert_false(ks_resource_list_has(&c->requests, "cpu"));
  assert_int_equal(s->warnings->len, 1);
  assert_true(g_str_has_suffix(s->warnings->pdata[0],
                               "multi.yaml:25:1: kind Ingress (networking.k8s.io/v1) is not supported; skipped"));
  ks_manifest_set_free(s);
}

static void test_priority_class_and_namespace(void **state) {
  KsManifestSet *s = load("priorityclass.yaml");
  const KsPriorityClass *pc = obj(s, 0, KS_KIND_PRIORITY_CLASS)->u.priority_class;
  assert_string_equal(pc->name, "system-cluster-critical");
  assert_int_equal(pc->value, 2000000000);
  assert_int_equal(pc->preemption_policy, KS_PREEMPT_LOWER_PRIORITY);
  assert_true(g_str_has_prefix(pc->description, "Used for system critical pods"));
  ks_manifest_set_free(s);
  s = load("namespace.yaml");
  const KsNamespace *ns = obj(s, 0, KS_KIND_NAMESPACE)->u.ns;
  assert_string_equal(ns->name, "kube-system");
  assert_string_equal(ks_labels_get(&ns->labels, "kubernetes.io/metadata.name"), "kube-system");
  ks_manifest_set_free(s);
}

/* ---- broken files: the exact message for each ------------------------------ */

static const struct {
  const char *file;
  const char *message; /* after "<dir>/bad/<file>:" */
} bad_files[] = {
    {"quantity.yaml", "10:14: spec.containers[0].resources.requests.cpu: \"12x\" is not a quantity"},
    {"syntax.yaml", "4:10: mapping values are not allowed in this context"},
    {"tabs.yaml", "4:1: tab character in indentation (YAML allows only spaces there)"},
    {"wrong-type.yaml", "7:5: spec.containers: expected a sequence, got a mapping"},
    {"operator.yaml",
     "14:23: spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution."
     "nodeSelectorTerms[0].matchExpressions[0].operator: unknown operator \"Has\" (use In, NotIn, "
     "Exists, DoesNotExist, Gt or Lt)"},
    {"effect.yaml", "12:13: spec.tolerations[0].effect: unknown effect \"NoSchedul\" (use "
                    "NoSchedule, PreferNoSchedule or NoExecute)"},
    {"missing-name.yaml", "4:3: metadata.name: required field is missing"},
    {"missing-containers.yaml", "6:3: spec.containers: required field is missing"},
    {"container-name.yaml", "8:5: spec.containers[1].name: required field is missing"},
    {"priority.yaml", "6:13: spec.priority: \"high\" is not an integer"},
    {"priority-range.yaml",
     "6:13: spec.priority: 3000000000 is out of range [-2147483648, 2147483647]"},
    {"protocol.yaml",
     "10:17: spec.containers[0].ports[0].protocol: unknown protocol \"HTTP\" (use TCP, UDP or SCTP)"},
    {"apiversion.yaml",
     "1:13: apiVersion: \"apps/v1\" is not a valid apiVersion for kind Pod (use v1)"},
    {"timestamp.yaml", "5:22: metadata.creationTimestamp: \"2024-13-01T00:00:00Z\" is not an RFC "
                       "3339 timestamp (e.g. 2024-01-15T10:00:00Z)"},
    {"taint-effect.yaml", "7:5: spec.taints[0].effect: required field is missing"},
    {"quoted-int.yaml", "9:22: spec.containers[0].ports[0].containerPort: expected an integer, "
                        "got the string \"80\""},
    {"duplicate-key.yaml", "5:3: duplicate key \"name\" (first at line 4)"},
    {"weight.yaml", "11:17: spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuring"
                    "Execution[0].weight: 0 is not in the range 1 to 100"},
    {"node-capacity.yaml", "8:13: status.capacity.memory: \"lots\" is not a quantity"},
    {"list-item.yaml", "20:19: items[1].spec.containers[0].resources.limits.memory: expected a "
                       "quantity, got a mapping"},
    {"missing-kind.yaml", "1:1: kind: required field is missing"},
    {"init-restart.yaml", "8:20: spec.initContainers[0].restartPolicy: unknown value \"OnFailure\" "
                          "(an init container allows only Always)"},
    {"label-value.yaml",
     "6:29: metadata.labels[app.kubernetes.io/name]: expected a string, got a sequence"},
};

static void test_bad_files(void **state) {
  assert_true(G_N_ELEMENTS(bad_files) >= 12);
  for (guint i = 0; i < G_N_ELEMENTS(bad_files); i++) {
    char *path = g_strconcat(DIR, "bad/", bad_files[i].file, NULL);
    GError *error = NULL;
    KsManifestSet *set = ks_manifest_load_file(path, &error);
    if (set)
      fail_msg("%s loaded but should not", path);
    assert_non_null(error);
    assert_true(error->domain == KS_YAML_ERROR);
    char *want = g_strdup_printf("%s:%s", path, bad_files[i].message);
    assert_string_equal(error->message, want);
    g_free(want);
    g_error_free(error);
    g_free(path);
  }
}

static void expect_string_error(const char *yaml, const char *message) {
  GError *error = NULL;
  KsManifestSet *set = ks_manifest_load_string(yaml, strlen(yaml), "s.yaml", &error);
  assert_null(set);
  assert_non_null(error);
  assert_string_equal(error->message, message);
  g_error_free(error);
}

static void test_more_errors(void **state) {
  expect_string_error("- a\n- b\n", "s.yaml:1:1: expected a Kubernetes object (a mapping), got a sequence");
  expect_string_error("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: []\n",
                      "s.yaml:5:3: spec.containers: required field is missing");
  expect_string_error("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n",
                      "s.yaml:5:9: items[0].kind: a List may not contain another List");
  expect_string_error("apiVersion: v1\nkind: PriorityClass\nmetadata: {name: x}\nvalue: 1\n",
                      "s.yaml:1:13: apiVersion: \"v1\" is not a valid apiVersion for kind "
                      "PriorityClass (use scheduling.k8s.io/v1)");
  expect_string_error("apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: x}\n",
                      "s.yaml:1:1: value: required field is missing");
  expect_string_error("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: "
                      "c}]\n  tolerations: [{value: x}]\n",
                      "s.yaml:6:17: spec.tolerations[0].operator: must be Exists when key is empty");
  expect_string_error("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: "
                      "c}]\n  hostNetwork: maybe\n",
                      "s.yaml:6:16: spec.hostNetwork: \"maybe\" is not a boolean (true or false)");
  expect_string_error(
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c}]\n"
      "  affinity:\n    podAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
      "      - labelSelector:\n          matchExpressions: [{key: a, operator: In}]\n"
      "        topologyKey: zone\n",
      "s.yaml:10:30: spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]."
      "labelSelector.matchExpressions[0].values: must be non-empty when operator is In");
}

static void test_template_decoders(void **state) {
  const char *y = "template:\n  metadata:\n    labels: {pool: a}\n  spec:\n    containers:\n"
                  "    - name: c\n      resources: {requests: {cpu: 2x}}\n";
  GError *error = NULL;
  KsYamlStream *s = ks_yaml_load_string(y, strlen(y), "sc.yaml", &error);
  assert_non_null(s);
  const KsYamlNode *tmpl = ks_yaml_get(s->documents->pdata[0], "template");
  assert_null(ks_manifest_decode_pod(tmpl, "sc.yaml", "spec.workloads[0].template", &error));
  assert_string_equal(error->message, "sc.yaml:7:35: spec.workloads[0].template.spec.containers[0]"
                                      ".resources.requests.cpu: \"2x\" is not a quantity");
  g_clear_error(&error);
  KsNode *n = ks_manifest_decode_node(tmpl, "sc.yaml", "pool", &error);
  assert_non_null(n);
  assert_string_equal(n->name, ""); /* templates may omit the name */
  assert_string_equal(ks_labels_get(&n->labels, "pool"), "a");
  ks_node_unref(n);
  ks_yaml_stream_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_kubectl_pod_metadata_and_containers),
      cmocka_unit_test(test_kubectl_pod_spec_and_status),
      cmocka_unit_test(test_kubectl_pod_affinity),
      cmocka_unit_test(test_kubectl_pod_volumes),
      cmocka_unit_test(test_kubectl_node),
      cmocka_unit_test(test_list_with_unknown_kind),
      cmocka_unit_test(test_typed_list_items_without_kind),
      cmocka_unit_test(test_multi_document),
      cmocka_unit_test(test_priority_class_and_namespace),
      cmocka_unit_test(test_bad_files),
      cmocka_unit_test(test_more_errors),
      cmocka_unit_test(test_template_decoders),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
