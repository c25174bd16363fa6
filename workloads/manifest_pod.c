/* v1.Pod -> KsPod.
 *
 * The pod is built in place and unref'd on the first error, so a caller
 * never sees a partial pod. Upstream API defaulting that changes scheduling
 * is applied here, once, as pods enter ksim: a container limit without a
 * request sets the request (kube-semantics 2.1), namespace "default",
 * schedulerName "default-scheduler", restartPolicy Always,
 * terminationGracePeriodSeconds 30, protocol TCP. Admission (priority from
 * priorityClassName) is the simulator's job, not the decoder's.
 */
#include "workloads/manifest_decode.h"

#include <string.h>

#define DEFAULT_TERMINATION_GRACE_SECONDS 30

static gboolean decode_port(KsDec *d, const KsYamlNode *n, gpointer elem) {
  KsContainerPort *p = elem; /* zeroed: protocol TCP */
  char *proto = NULL;
  gboolean has_port = FALSE;
  if (ks_dec_is_absent(n))
    return ks_dec_fail(d, n, "expected a mapping, got null");
  gboolean ok = ks_dec_expect_mapping(d, n) && ks_dec_string(d, n, "name", &p->name) &&
                ks_dec_int32(d, n, "containerPort", &p->container_port, &has_port) &&
                (has_port || ks_dec_missing(d, n, "containerPort")) &&
                ks_dec_int32(d, n, "hostPort", &p->host_port, NULL) &&
                ks_dec_string(d, n, "hostIP", &p->host_ip) &&
                ks_dec_string(d, n, "protocol", &proto);
  if (ok && proto && !ks_protocol_from_string(proto, &p->protocol)) {
    gsize mark = ks_dec_push_field(d, "protocol");
    ok = ks_dec_fail(d, ks_yaml_get(n, "protocol"), "unknown protocol \"%s\" (use TCP, UDP or SCTP)",
                     proto);
    ks_dec_pop(d, mark);
  }
  g_free(proto);
  return ok;
}

static void port_clear(KsContainerPort *p) {
  g_free(p->name);
  g_free(p->host_ip);
}

static void port_clear_func(gpointer p) {
  port_clear(p);
}

static gboolean decode_ports(KsDec *d, const KsYamlNode *c, GArray **out) {
  return ks_dec_array(d, c, "ports", sizeof(KsContainerPort), port_clear_func, decode_port, out);
}

/* API defaulting: for every resource with a limit and no request, the
 * request is the limit. */
static void default_requests(const KsYamlNode *limits, KsContainer *c) {
  for (guint i = 0; i < ks_yaml_len(limits); i++) {
    const char *name = ks_yaml_key(limits, i);
    if (!ks_resource_list_has(&c->requests, name))
      ks_resource_list_set(&c->requests, name, ks_resource_list_get(&c->limits, name));
  }
}

static gboolean decode_resources(KsDec *d, const KsYamlNode *cn, KsContainer *c) {
  const KsYamlNode *r = ks_yaml_get(cn, "resources");
  if (ks_dec_is_absent(r))
    return TRUE;
  gsize mark = ks_dec_push_field(d, "resources");
  gboolean ok = ks_dec_expect_mapping(d, r) && ks_dec_resources(d, r, "requests", &c->requests) &&
                ks_dec_resources(d, r, "limits", &c->limits);
  ks_dec_pop(d, mark);
  if (ok)
    default_requests(ks_yaml_get(r, "limits"), c);
  return ok;
}

/* Containers may set restartPolicy only as init containers, and only to
 * Always: that is what makes them sidecars. */
static gboolean decode_container_restart(KsDec *d, const KsYamlNode *cn, gboolean init,
                                         KsContainer *c) {
  char *policy = NULL;
  if (!ks_dec_string(d, cn, "restartPolicy", &policy))
    return FALSE;
  if (!policy)
    return TRUE;
  gboolean ok = TRUE;
  gsize mark = ks_dec_push_field(d, "restartPolicy");
  const KsYamlNode *at = ks_yaml_get(cn, "restartPolicy");
  if (!init)
    ok = ks_dec_fail(d, at, "may be set only on init containers");
  else if (strcmp(policy, "Always"))
    ok = ks_dec_fail(d, at, "unknown value \"%s\" (an init container allows only Always)", policy);
  else
    c->restart_always = TRUE;
  ks_dec_pop(d, mark);
  g_free(policy);
  return ok;
}

/* {name, optional} of a configMapKeyRef / secretKeyRef / configMapRef /
 * secretRef under m[key], appended to c->config_refs; absent: nothing. */
static gboolean decode_config_ref(KsDec *d, const KsYamlNode *m, const char *key,
                                  KsConfigRefKind kind, KsContainer *c) {
  const KsYamlNode *r = ks_yaml_get(m, key);
  if (ks_dec_is_absent(r))
    return TRUE;
  char *name = NULL;
  gboolean optional = FALSE;
  gsize mark = ks_dec_push_field(d, key);
  gboolean ok = ks_dec_expect_mapping(d, r) && ks_dec_string(d, r, "name", &name) &&
                ks_dec_bool(d, r, "optional", &optional);
  ks_dec_pop(d, mark);
  if (ok)
    ks_container_add_config_ref(c, kind, name ? name : "", optional);
  g_free(name);
  return ok;
}

/* The ConfigMaps and Secrets env and envFrom name (values are not kept). */
static gboolean decode_env_refs(KsDec *d, const KsYamlNode *cn, KsContainer *c) {
  static const char *const lists[] = {"env", "envFrom"};
  gboolean ok = TRUE;
  for (guint l = 0; ok && l < G_N_ELEMENTS(lists); l++) {
    const KsYamlNode *seq = ks_yaml_get(cn, lists[l]);
    if (ks_dec_is_absent(seq))
      continue;
    gsize mark = ks_dec_push_field(d, lists[l]);
    ok = ks_dec_expect_sequence(d, seq);
    for (guint i = 0; ok && i < ks_yaml_len(seq); i++) {
      const KsYamlNode *item = ks_yaml_item(seq, i);
      gsize im = ks_dec_push_index(d, i);
      ok = ks_dec_expect_mapping(d, item);
      if (ok && l == 0) {
        const KsYamlNode *from = ks_yaml_get(item, "valueFrom");
        if (!ks_dec_is_absent(from)) {
          gsize fm = ks_dec_push_field(d, "valueFrom");
          ok = ks_dec_expect_mapping(d, from) &&
               decode_config_ref(d, from, "configMapKeyRef", KS_CONFIG_REF_CONFIG_MAP, c) &&
               decode_config_ref(d, from, "secretKeyRef", KS_CONFIG_REF_SECRET, c);
          ks_dec_pop(d, fm);
        }
      } else if (ok) {
        ok = decode_config_ref(d, item, "configMapRef", KS_CONFIG_REF_CONFIG_MAP, c) &&
             decode_config_ref(d, item, "secretRef", KS_CONFIG_REF_SECRET, c);
      }
      ks_dec_pop(d, im);
    }
    ks_dec_pop(d, mark);
  }
  return ok;
}

/* imagePullPolicy: absent stays UNSET (the default is worked out from the
 * image where it is used); any other value is refused as validation does. */
static gboolean decode_pull_policy(KsDec *d, const KsYamlNode *cn, KsContainer *c) {
  char *policy = NULL;
  if (!ks_dec_string(d, cn, "imagePullPolicy", &policy))
    return FALSE;
  gboolean ok = !policy || ks_pull_policy_from_string(policy, &c->image_pull_policy);
  if (!ok) {
    gsize mark = ks_dec_push_field(d, "imagePullPolicy");
    ks_dec_fail(d, ks_yaml_get(cn, "imagePullPolicy"),
                "Unsupported value: \"%s\": supported values: \"Always\", \"IfNotPresent\", "
                "\"Never\"",
                policy);
    ks_dec_pop(d, mark);
  }
  g_free(policy);
  return ok;
}

static gboolean decode_container(KsDec *d, const KsYamlNode *cn, gboolean init, KsPod *p) {
  char *name = NULL;
  if (ks_dec_is_absent(cn))
    return ks_dec_fail(d, cn, "expected a mapping, got null");
  if (!ks_dec_expect_mapping(d, cn) || !ks_dec_required_string(d, cn, "name", &name))
    return FALSE;
  KsContainer *c = ks_pod_add_container(p, name, init);
  g_free(name);
  return ks_dec_string(d, cn, "image", &c->image) && decode_pull_policy(d, cn, c) &&
         decode_resources(d, cn, c) &&
         decode_ports(d, cn, &c->ports) && decode_container_restart(d, cn, init, c) &&
         decode_env_refs(d, cn, c);
}

static gboolean decode_containers(KsDec *d, const KsYamlNode *spec, const char *key,
                                  gboolean init, KsPod *p) {
  const KsYamlNode *seq = ks_yaml_get(spec, key);
  gsize mark = ks_dec_push_field(d, key);
  gboolean ok = ks_dec_expect_sequence(d, seq);
  ks_dec_pop(d, mark);
  if (!ok)
    return FALSE;
  if (!init && ks_yaml_len(seq) == 0)
    return ks_dec_missing(d, spec, key); /* a pod needs at least one container */
  mark = ks_dec_push_field(d, key);
  for (guint i = 0; ok && i < ks_yaml_len(seq); i++) {
    gsize im = ks_dec_push_index(d, i);
    ok = decode_container(d, ks_yaml_item(seq, i), init, p);
    ks_dec_pop(d, im);
  }
  ks_dec_pop(d, mark);
  return ok;
}

/* ---- volumes -------------------------------------------------------------- */

typedef struct {
  const char *field;    /* the v1.VolumeSource member */
  KsVolumeSource source;
  const char *ref;      /* the member's field that identifies what is mounted */
} VolumeKind;

static const VolumeKind volume_kinds[] = {
    {"emptyDir", KS_VOLUME_EMPTY_DIR, NULL},
    {"hostPath", KS_VOLUME_HOST_PATH, "path"},
    {"persistentVolumeClaim", KS_VOLUME_PVC, "claimName"},
    {"configMap", KS_VOLUME_CONFIG_MAP, "name"},
    {"secret", KS_VOLUME_SECRET, "secretName"},
    {"projected", KS_VOLUME_PROJECTED, NULL},
    {"downwardAPI", KS_VOLUME_DOWNWARD_API, NULL},
    {"gcePersistentDisk", KS_VOLUME_GCE_PD, "pdName"},
    {"awsElasticBlockStore", KS_VOLUME_AWS_EBS, "volumeID"},
    {"azureDisk", KS_VOLUME_AZURE_DISK, "diskName"},
    {"csi", KS_VOLUME_CSI, "driver"},
    {"iscsi", KS_VOLUME_ISCSI, "iqn"},
    {"rbd", KS_VOLUME_RBD, "image"},
    {"nfs", KS_VOLUME_NFS, "path"},
};

static gboolean decode_volume_source(KsDec *d, const KsYamlNode *src, const VolumeKind *k,
                                     KsVolume *v) {
  v->source = k->source;
  gsize mark = ks_dec_push_field(d, k->field);
  gboolean ok = ks_dec_expect_mapping(d, src) && (!k->ref || ks_dec_string(d, src, k->ref, &v->ref)) &&
                ks_dec_bool(d, src, "readOnly", &v->read_only);
  if (ok && (k->source == KS_VOLUME_CONFIG_MAP || k->source == KS_VOLUME_SECRET))
    ok = ks_dec_bool(d, src, "optional", &v->optional);
  if (ok && k->source == KS_VOLUME_EMPTY_DIR)
    ok = ks_dec_quantity_value(d, src, "sizeLimit", &v->size_limit);
  if (ok && k->source == KS_VOLUME_NFS && v->ref) {
    char *server = NULL; /* two NFS volumes conflict only on the same server and path */
    ok = ks_dec_string(d, src, "server", &server);
    if (ok && server) {
      char *both = g_strdup_printf("%s:%s", server, v->ref);
      g_free(v->ref);
      v->ref = both;
    }
    g_free(server);
  }
  if (ok && k->source == KS_VOLUME_RBD) {
    /* Upstream's RBD identity: monitors overlap, same pool (default "rbd"),
     * same image; the pool goes into ref as "<pool>/<image>". */
    char *pool = NULL;
    ok = ks_dec_string(d, src, "pool", &pool) &&
         ks_dec_string_list(d, src, "monitors", &v->monitors);
    if (ok) {
      char *both = g_strdup_printf("%s/%s", pool ? pool : "rbd", v->ref ? v->ref : "");
      g_free(v->ref);
      v->ref = both;
    }
    g_free(pool);
  }
  ks_dec_pop(d, mark);
  return ok;
}

static gboolean decode_volume(KsDec *d, const KsYamlNode *n, gpointer elem) {
  KsVolume *v = elem;
  if (ks_dec_is_absent(n))
    return ks_dec_fail(d, n, "expected a mapping, got null");
  if (!ks_dec_expect_mapping(d, n) || !ks_dec_required_string(d, n, "name", &v->name))
    return FALSE;
  v->source = KS_VOLUME_OTHER;
  for (guint i = 0; i < G_N_ELEMENTS(volume_kinds); i++) {
    const KsYamlNode *src = ks_yaml_get(n, volume_kinds[i].field);
    if (!src)
      continue;
    if (ks_dec_is_absent(src)) { /* `emptyDir:` (null) means `emptyDir: {}` */
      v->source = volume_kinds[i].source;
      return TRUE;
    }
    return decode_volume_source(d, src, &volume_kinds[i], v);
  }
  return TRUE;
}

static void volume_clear_func(gpointer p) {
  ks_volume_clear(p);
}

static gboolean decode_volumes(KsDec *d, const KsYamlNode *spec, GArray **out) {
  return ks_dec_array(d, spec, "volumes", sizeof(KsVolume), volume_clear_func, decode_volume, out);
}

/* ---- the rest of the spec ------------------------------------------------- */

static gboolean decode_scheduling_gates(KsDec *d, const KsYamlNode *spec, KsPod *p) {
  const KsYamlNode *seq = ks_yaml_get(spec, "schedulingGates");
  if (ks_dec_is_absent(seq))
    return TRUE;
  gsize mark = ks_dec_push_field(d, "schedulingGates");
  gboolean ok = ks_dec_expect_sequence(d, seq);
  GStrvBuilder *b = g_strv_builder_new();
  for (guint i = 0; ok && i < ks_yaml_len(seq); i++) {
    const KsYamlNode *g = ks_yaml_item(seq, i);
    char *name = NULL;
    gsize im = ks_dec_push_index(d, i);
    ok = (!ks_dec_is_absent(g) || ks_dec_fail(d, g, "expected a mapping, got null")) &&
         ks_dec_expect_mapping(d, g) && ks_dec_required_string(d, g, "name", &name);
    ks_dec_pop(d, im);
    if (ok)
      g_strv_builder_add(b, name);
    g_free(name);
  }
  ks_dec_pop(d, mark);
  char **gates = g_strv_builder_end(b);
  g_strv_builder_unref(b);
  if (ok && gates[0]) {
    p->scheduling_gates = gates;
  } else {
    g_strfreev(gates);
  }
  return ok;
}

/* A string field whose value must come from a fixed set, parsed by `parse`. */
static gboolean decode_keyword(KsDec *d, const KsYamlNode *m, const char *key,
                               gboolean (*parse)(const char *, int *), int *out,
                               const char *choices) {
  char *s = NULL;
  if (!ks_dec_string(d, m, key, &s))
    return FALSE;
  gboolean ok = !s || parse(s, out);
  if (!ok) {
    gsize mark = ks_dec_push_field(d, key);
    ks_dec_fail(d, ks_yaml_get(m, key), "unknown value \"%s\" (use %s)", s, choices);
    ks_dec_pop(d, mark);
  }
  g_free(s);
  return ok;
}

static gboolean parse_restart(const char *s, int *out) {
  KsRestartPolicy p;
  gboolean ok = ks_restart_policy_from_string(s, &p);
  *out = ok ? (int)p : *out;
  return ok;
}

static gboolean parse_preemption(const char *s, int *out) {
  if (!strcmp(s, "PreemptLowerPriority"))
    *out = KS_PREEMPT_LOWER_PRIORITY;
  else if (!strcmp(s, "Never"))
    *out = KS_PREEMPT_NEVER;
  else
    return FALSE;
  return TRUE;
}

static gboolean parse_phase(const char *s, int *out) {
  KsPodPhase p;
  gboolean ok = ks_pod_phase_from_string(s, &p);
  *out = ok ? (int)p : *out;
  return ok;
}

static gboolean decode_spec_scalars(KsDec *d, const KsYamlNode *spec, KsPod *p) {
  int restart = p->restart_policy, preempt = p->preemption_policy;
  gboolean ok =
      ks_dec_string(d, spec, "nodeName", &p->node_name) &&
      ks_dec_labels(d, spec, "nodeSelector", &p->node_selector) &&
      ks_dec_string(d, spec, "schedulerName", &p->scheduler_name) &&
      ks_dec_int32(d, spec, "priority", &p->priority, &p->has_priority) &&
      ks_dec_string(d, spec, "priorityClassName", &p->priority_class_name) &&
      decode_keyword(d, spec, "preemptionPolicy", parse_preemption, &preempt,
                     "PreemptLowerPriority or Never") &&
      decode_keyword(d, spec, "restartPolicy", parse_restart, &restart,
                     "Always, OnFailure or Never") &&
      ks_dec_int64(d, spec, "terminationGracePeriodSeconds", &p->termination_grace_period_seconds,
                   NULL) &&
      ks_dec_bool(d, spec, "hostNetwork", &p->host_network);
  p->restart_policy = restart;
  p->preemption_policy = preempt;
  return ok;
}

static gboolean decode_spec(KsDec *d, const KsYamlNode *obj, KsPod *p) {
  const KsYamlNode *spec = ks_yaml_get(obj, "spec");
  gsize mark = ks_dec_push_field(d, "spec");
  gboolean ok = ks_dec_expect_mapping(d, spec);
  ks_dec_pop(d, mark);
  if (!ok)
    return FALSE;
  if (ks_dec_is_absent(spec))
    return ks_dec_missing(d, obj, "spec.containers");
  mark = ks_dec_push_field(d, "spec");
  ok = decode_containers(d, spec, "initContainers", TRUE, p) &&
       decode_containers(d, spec, "containers", FALSE, p) &&
       ks_dec_resources(d, spec, "overhead", &p->overhead) && decode_spec_scalars(d, spec, p) &&
       ks_dec_tolerations(d, spec, "tolerations", &p->tolerations) &&
       ks_dec_affinity(d, spec, "affinity", &p->affinity) &&
       ks_dec_topology_spread(d, spec, "topologySpreadConstraints",
                              &p->topology_spread_constraints) &&
       decode_volumes(d, spec, &p->volumes) && decode_scheduling_gates(d, spec, p);
  ks_dec_pop(d, mark);
  return ok;
}

/* status.conditions other than Ready (ks_dec_pod_extras reads that one into
 * ready / ready_since_us) into the pod's own conditions, in manifest order.
 * A type given twice keeps its last entry, as a later map key would. */
static void take_conditions(KsPod *p, const GArray *conds) {
  for (guint i = 0; conds && i < conds->len; i++) {
    const KsCondition *c = &g_array_index(conds, KsCondition, i);
    if (strcmp(c->type, "Ready") == 0)
      continue;
    KsPodConditionStatus status = c->status == KS_CONDITION_TRUE    ? KS_POD_CONDITION_TRUE
                                  : c->status == KS_CONDITION_FALSE ? KS_POD_CONDITION_FALSE
                                                                    : KS_POD_CONDITION_UNKNOWN;
    ks_pod_remove_condition(p, c->type);
    ks_pod_set_condition(p, c->type, status, c->reason, c->message, c->last_transition_time_us);
  }
}

static gboolean decode_status(KsDec *d, const KsYamlNode *obj, KsPod *p) {
  const KsYamlNode *st = ks_yaml_get(obj, "status");
  if (ks_dec_is_absent(st))
    return TRUE;
  gsize mark = ks_dec_push_field(d, "status");
  int phase = p->phase;
  GArray *conds = NULL;
  gboolean ok = ks_dec_expect_mapping(d, st) &&
                decode_keyword(d, st, "phase", parse_phase, &phase,
                               "Pending, Running, Succeeded, Failed or Unknown") &&
                ks_dec_string(d, st, "nominatedNodeName", &p->nominated_node_name) &&
                ks_dec_string(d, st, "reason", &p->reason) &&
                ks_dec_string(d, st, "message", &p->message) &&
                ks_dec_conditions(d, st, "conditions", &conds);
  p->phase = phase;
  ks_dec_pop(d, mark);
  if (ok)
    take_conditions(p, conds);
  if (conds)
    g_array_unref(conds);
  return ok;
}

/* metadata fields move into the pod; ks_pod_new gave it name and namespace */
static void take_metadata(KsPod *p, KsDecMeta *m) {
  p->uid = g_steal_pointer(&m->uid);
  ks_labels_clear(&p->labels);
  ks_labels_clear(&p->annotations);
  p->labels = m->labels;
  p->annotations = m->annotations;
  ks_labels_init(&m->labels);
  ks_labels_init(&m->annotations);
  p->creation_timestamp_us = m->creation_timestamp_us;
}

KsPod *ks_dec_pod(KsDec *d, const KsYamlNode *obj) {
  KsDecMeta meta;
  if (!ks_dec_metadata(d, obj, &meta)) {
    ks_dec_meta_clear(&meta);
    return NULL;
  }
  KsPod *p = ks_pod_new(meta.namespace && *meta.namespace ? meta.namespace : "default", meta.name);
  take_metadata(p, &meta);
  ks_dec_meta_clear(&meta);
  p->termination_grace_period_seconds = DEFAULT_TERMINATION_GRACE_SECONDS;
  p->restart_policy = KS_RESTART_ALWAYS;
  if (!decode_spec(d, obj, p) || !decode_status(d, obj, p)) {
    ks_pod_unref(p);
    return NULL;
  }
  if (!p->scheduler_name || !*p->scheduler_name) {
    g_free(p->scheduler_name);
    p->scheduler_name = g_strdup(KS_DEFAULT_SCHEDULER_NAME);
  }
  return p; /* transfer full */
}
