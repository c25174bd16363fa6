/* One-line JSON manifests of the object model, for the native trace's
 * "full object" form (docs/trace-format.md, "JSON objects").
 *
 * The inverse of workloads/manifest*.c: every field the decoder reads is
 * written with its upstream name, so a Pod or Node with affinity, volumes
 * or several containers survives write -> read unchanged. Output is JSON
 * (which is YAML flow syntax, what the decoder parses), on one line, with
 * non-ASCII written as \u escapes so no byte can end the line or upset the
 * YAML scanner. Fields at their defaults are left out.
 */
#include "traces/trace_json.h"

#include <string.h>

#include "sched/objects.h"
#include "sched/pdb.h"

static void str(GString *o, const char *s) {
  g_string_append_c(o, '"');
  for (const char *p = s; *p;) {
    guchar c = (guchar)*p;
    if (c == '"' || c == '\\') {
      g_string_append_c(o, '\\');
      g_string_append_c(o, (char)c);
      p++;
    } else if (c < 0x20 || c == 0x7f) {
      g_string_append_printf(o, "\\u%04x", c);
      p++;
    } else if (c < 0x80) {
      g_string_append_c(o, (char)c);
      p++;
    } else {
      gunichar u = g_utf8_get_char_validated(p, -1);
      if (u == (gunichar)-1 || u == (gunichar)-2) {
        g_string_append(o, "\\ufffd"); /* not UTF-8: cannot be carried */
        p++;
      } else {
        if (u > 0xffff)
          g_string_append_printf(o, "\\U%08x", u); /* YAML's 32-bit escape */
        else
          g_string_append_printf(o, "\\u%04x", u);
        p = g_utf8_next_char(p);
      }
    }
  }
  g_string_append_c(o, '"');
}

/* ,"key": (the comma unless first) */
static void key(GString *o, gboolean *first, const char *k) {
  if (!*first)
    g_string_append_c(o, ',');
  *first = FALSE;
  str(o, k);
  g_string_append_c(o, ':');
}

static void kv_str(GString *o, gboolean *first, const char *k, const char *v) {
  if (!v)
    return;
  key(o, first, k);
  str(o, v);
}

static void kv_int(GString *o, gboolean *first, const char *k, gint64 v) {
  key(o, first, k);
  g_string_append_printf(o, "%" G_GINT64_FORMAT, v);
}

static void kv_bool(GString *o, gboolean *first, const char *k, gboolean v) {
  key(o, first, k);
  g_string_append(o, v ? "true" : "false");
}

static void labels(GString *o, gboolean *first, const char *k, const KsLabels *l) {
  if (l->n == 0)
    return;
  key(o, first, k);
  gboolean f = TRUE;
  g_string_append_c(o, '{');
  for (guint i = 0; i < l->n; i++)
    kv_str(o, &f, l->items[i].key, l->items[i].value);
  g_string_append_c(o, '}');
}

static void strv(GString *o, gboolean *first, const char *k, char **v) {
  if (!v)
    return;
  key(o, first, k);
  g_string_append_c(o, '[');
  for (guint i = 0; v[i]; i++) {
    if (i)
      g_string_append_c(o, ',');
    str(o, v[i]);
  }
  g_string_append_c(o, ']');
}

typedef struct {
  GString *o;
  gboolean first;
} ResCtx;

static void res_one(const char *name, gint64 v, gpointer data) {
  ResCtx *c = data;
  key(c->o, &c->first, name);
  if (strcmp(name, "cpu") == 0) {
    if (v % 1000 == 0)
      g_string_append_printf(c->o, "\"%" G_GINT64_FORMAT "\"", v / 1000);
    else
      g_string_append_printf(c->o, "\"%" G_GINT64_FORMAT "m\"", v);
  } else {
    g_string_append_printf(c->o, "\"%" G_GINT64_FORMAT "\"", v);
  }
}

static void resources(GString *o, gboolean *first, const char *k, const KsResourceList *l) {
  if (ks_resource_list_count(l) == 0)
    return;
  key(o, first, k);
  g_string_append_c(o, '{');
  ResCtx c = {o, TRUE};
  ks_resource_list_foreach(l, res_one, &c);
  g_string_append_c(o, '}');
}

static void timestamp(GString *o, gboolean *first, const char *k, gint64 us) {
  if (us == 0)
    return;
  GDateTime *dt = g_date_time_new_from_unix_utc(us / 1000000);
  if (!dt)
    return;
  char *s = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S");
  key(o, first, k);
  if (us % 1000000)
    g_string_append_printf(o, "\"%s.%06dZ\"", s, (int)(us % 1000000));
  else
    g_string_append_printf(o, "\"%sZ\"", s);
  g_free(s);
  g_date_time_unref(dt);
}

static void requirements(GString *o, gboolean *first, const char *k, const GArray *a) {
  if (!a)
    return;
  key(o, first, k);
  g_string_append_c(o, '[');
  for (guint i = 0; i < a->len; i++) {
    const KsSelectorRequirement *r = &g_array_index(a, KsSelectorRequirement, i);
    gboolean f = TRUE;
    g_string_append(o, i ? ",{" : "{");
    kv_str(o, &f, "key", r->key);
    kv_str(o, &f, "operator", ks_selector_op_to_string(r->op));
    strv(o, &f, "values", r->values);
    g_string_append_c(o, '}');
  }
  g_string_append_c(o, ']');
}

static void label_selector(GString *o, gboolean *first, const char *k, const KsLabelSelector *s) {
  if (!s)
    return;
  key(o, first, k);
  gboolean f = TRUE;
  g_string_append_c(o, '{');
  labels(o, &f, "matchLabels", &s->match_labels);
  requirements(o, &f, "matchExpressions", s->match_expressions);
  g_string_append_c(o, '}');
}

static void node_term(GString *o, const KsNodeSelectorTerm *t) {
  gboolean f = TRUE;
  g_string_append_c(o, '{');
  requirements(o, &f, "matchExpressions", t->match_expressions);
  requirements(o, &f, "matchFields", t->match_fields);
  g_string_append_c(o, '}');
}

static void node_affinity(GString *o, gboolean *first, const KsNodeAffinity *na) {
  if (!na)
    return;
  key(o, first, "nodeAffinity");
  gboolean f = TRUE;
  g_string_append_c(o, '{');
  if (na->required) {
    key(o, &f, "requiredDuringSchedulingIgnoredDuringExecution");
    g_string_append(o, "{\"nodeSelectorTerms\":[");
    for (guint i = 0; i < na->required->terms->len; i++) {
      if (i)
        g_string_append_c(o, ',');
      node_term(o, &g_array_index(na->required->terms, KsNodeSelectorTerm, i));
    }
    g_string_append(o, "]}");
  }
  if (na->preferred) {
    key(o, &f, "preferredDuringSchedulingIgnoredDuringExecution");
    g_string_append_c(o, '[');
    for (guint i = 0; i < na->preferred->len; i++) {
      const KsPreferredSchedulingTerm *t = &g_array_index(na->preferred, KsPreferredSchedulingTerm, i);
      g_string_append_printf(o, "%s{\"weight\":%d,\"preference\":", i ? "," : "", t->weight);
      node_term(o, &t->preference);
      g_string_append_c(o, '}');
    }
    g_string_append_c(o, ']');
  }
  g_string_append_c(o, '}');
}

static void pod_term(GString *o, const KsPodAffinityTerm *t) {
  gboolean f = TRUE;
  g_string_append_c(o, '{');
  label_selector(o, &f, "labelSelector", t->label_selector);
  strv(o, &f, "namespaces", t->namespaces);
  label_selector(o, &f, "namespaceSelector", t->namespace_selector);
  kv_str(o, &f, "topologyKey", t->topology_key);
  strv(o, &f, "matchLabelKeys", t->match_label_keys);
  strv(o, &f, "mismatchLabelKeys", t->mismatch_label_keys);
  g_string_append_c(o, '}');
}

static void pod_affinity(GString *o, gboolean *first, const char *k, const KsPodAffinity *pa) {
  if (!pa)
    return;
  key(o, first, k);
  gboolean f = TRUE;
  g_string_append_c(o, '{');
  if (pa->required) {
    key(o, &f, "requiredDuringSchedulingIgnoredDuringExecution");
    g_string_append_c(o, '[');
    for (guint i = 0; i < pa->required->len; i++) {
      if (i)
        g_string_append_c(o, ',');
      pod_term(o, &g_array_index(pa->required, KsPodAffinityTerm, i));
    }
    g_string_append_c(o, ']');
  }
  if (pa->preferred) {
    key(o, &f, "preferredDuringSchedulingIgnoredDuringExecution");
    g_string_append_c(o, '[');
    for (guint i = 0; i < pa->preferred->len; i++) {
      const KsWeightedPodAffinityTerm *t = &g_array_index(pa->preferred, KsWeightedPodAffinityTerm, i);
      g_string_append_printf(o, "%s{\"weight\":%d,\"podAffinityTerm\":", i ? "," : "", t->weight);
      pod_term(o, &t->term);
      g_string_append_c(o, '}');
    }
    g_string_append_c(o, ']');
  }
  g_string_append_c(o, '}');
}

static const char *policy_name(KsInclusionPolicy p) {
  return p == KS_INCLUSION_POLICY_HONOR ? "Honor" : "Ignore";
}

static void spread(GString *o, gboolean *first, const GArray *a) {
  if (!a || a->len == 0)
    return;
  key(o, first, "topologySpreadConstraints");
  g_string_append_c(o, '[');
  for (guint i = 0; i < a->len; i++) {
    const KsTopologySpreadConstraint *c = &g_array_index(a, KsTopologySpreadConstraint, i);
    gboolean f = TRUE;
    g_string_append(o, i ? ",{" : "{");
    kv_int(o, &f, "maxSkew", c->max_skew);
    kv_str(o, &f, "topologyKey", c->topology_key);
    kv_str(o, &f, "whenUnsatisfiable",
           c->when_unsatisfiable == KS_UNSATISFIABLE_SCHEDULE_ANYWAY ? "ScheduleAnyway"
                                                                      : "DoNotSchedule");
    label_selector(o, &f, "labelSelector", c->label_selector);
    if (c->min_domains)
      kv_int(o, &f, "minDomains", c->min_domains);
    if (c->node_affinity_policy != KS_INCLUSION_POLICY_UNSET)
      kv_str(o, &f, "nodeAffinityPolicy", policy_name(c->node_affinity_policy));
    if (c->node_taints_policy != KS_INCLUSION_POLICY_UNSET)
      kv_str(o, &f, "nodeTaintsPolicy", policy_name(c->node_taints_policy));
    strv(o, &f, "matchLabelKeys", c->match_label_keys);
    g_string_append_c(o, '}');
  }
  g_string_append_c(o, ']');
}

static void tolerations(GString *o, gboolean *first, const GArray *a) {
  if (!a || a->len == 0)
    return;
  key(o, first, "tolerations");
  g_string_append_c(o, '[');
  for (guint i = 0; i < a->len; i++) {
    const KsToleration *t = &g_array_index(a, KsToleration, i);
    gboolean f = TRUE;
    g_string_append(o, i ? ",{" : "{");
    kv_str(o, &f, "key", t->key);
    kv_str(o, &f, "operator", t->op == KS_TOLERATION_OP_EXISTS ? "Exists" : "Equal");
    kv_str(o, &f, "value", t->value);
    if (t->effect != KS_TAINT_EFFECT_ALL)
      kv_str(o, &f, "effect", ks_taint_effect_to_string(t->effect));
    if (t->has_toleration_seconds)
      kv_int(o, &f, "tolerationSeconds", t->toleration_seconds);
    g_string_append_c(o, '}');
  }
  g_string_append_c(o, ']');
}

/* The source field of each volume kind and the key naming its `ref`, as
 * workloads/manifest_pod.c decodes them. */
static const struct {
  KsVolumeSource source;
  const char *field, *ref;
} volume_kinds[] = {
    {KS_VOLUME_EMPTY_DIR, "emptyDir", NULL},
    {KS_VOLUME_HOST_PATH, "hostPath", "path"},
    {KS_VOLUME_PVC, "persistentVolumeClaim", "claimName"},
    {KS_VOLUME_CONFIG_MAP, "configMap", "name"},
    {KS_VOLUME_SECRET, "secret", "secretName"},
    {KS_VOLUME_PROJECTED, "projected", NULL},
    {KS_VOLUME_DOWNWARD_API, "downwardAPI", NULL},
    {KS_VOLUME_GCE_PD, "gcePersistentDisk", "pdName"},
    {KS_VOLUME_AWS_EBS, "awsElasticBlockStore", "volumeID"},
    {KS_VOLUME_AZURE_DISK, "azureDisk", "diskName"},
    {KS_VOLUME_CSI, "csi", "driver"},
    {KS_VOLUME_ISCSI, "iscsi", "iqn"},
    {KS_VOLUME_RBD, "rbd", "image"},
    {KS_VOLUME_NFS, "nfs", "path"},
};

static void volume_source(GString *o, gboolean *first, const KsVolume *v) {
  for (guint i = 0; i < G_N_ELEMENTS(volume_kinds); i++) {
    if (volume_kinds[i].source != v->source)
      continue;
    key(o, first, volume_kinds[i].field);
    gboolean f = TRUE;
    g_string_append_c(o, '{');
    if (v->source == KS_VOLUME_RBD && v->ref) {
      /* ref is "<pool>/<image>" */
      const char *slash = strchr(v->ref, '/');
      char *pool = slash ? g_strndup(v->ref, slash - v->ref) : NULL;
      kv_str(o, &f, "pool", pool);
      kv_str(o, &f, "image", slash ? slash + 1 : v->ref);
      strv(o, &f, "monitors", v->monitors);
      g_free(pool);
    } else if (volume_kinds[i].ref) {
      kv_str(o, &f, volume_kinds[i].ref, v->ref);
    }
    if (v->read_only)
      kv_bool(o, &f, "readOnly", TRUE);
    if (v->optional)
      kv_bool(o, &f, "optional", TRUE);
    if (v->source == KS_VOLUME_EMPTY_DIR && v->size_limit)
      kv_int(o, &f, "sizeLimit", v->size_limit);
    g_string_append_c(o, '}');
    return;
  }
}

static void volumes(GString *o, gboolean *first, const GArray *a) {
  if (!a || a->len == 0)
    return;
  key(o, first, "volumes");
  g_string_append_c(o, '[');
  for (guint i = 0; i < a->len; i++) {
    const KsVolume *v = &g_array_index(a, KsVolume, i);
    gboolean f = TRUE;
    g_string_append(o, i ? ",{" : "{");
    kv_str(o, &f, "name", v->name);
    volume_source(o, &f, v);
    g_string_append_c(o, '}');
  }
  g_string_append_c(o, ']');
}

static void containers(GString *o, gboolean *first, const char *k, const GArray *a) {
  if (!a || a->len == 0)
    return;
  key(o, first, k);
  g_string_append_c(o, '[');
  for (guint i = 0; i < a->len; i++) {
    const KsContainer *c = &g_array_index(a, KsContainer, i);
    gboolean f = TRUE;
    g_string_append(o, i ? ",{" : "{");
    kv_str(o, &f, "name", c->name);
    kv_str(o, &f, "image", c->image);
    if (c->image_pull_policy != KS_PULL_POLICY_UNSET)
      kv_str(o, &f, "imagePullPolicy", ks_pull_policy_to_string(c->image_pull_policy));
    if (ks_resource_list_count(&c->requests) || ks_resource_list_count(&c->limits)) {
      key(o, &f, "resources");
      gboolean rf = TRUE;
      g_string_append_c(o, '{');
      resources(o, &rf, "requests", &c->requests);
      resources(o, &rf, "limits", &c->limits);
      g_string_append_c(o, '}');
    }
    if (c->restart_always)
      kv_str(o, &f, "restartPolicy", "Always");
    if (c->config_refs && c->config_refs->len) {
      /* the objects env and envFrom name, all as envFrom (what the kubelet waits for) */
      key(o, &f, "envFrom");
      g_string_append_c(o, '[');
      for (guint j = 0; j < c->config_refs->len; j++) {
        const KsConfigRef *r = &g_array_index(c->config_refs, KsConfigRef, j);
        gboolean ef = TRUE, rf = TRUE;
        g_string_append(o, j ? ",{" : "{");
        key(o, &ef, r->kind == KS_CONFIG_REF_SECRET ? "secretRef" : "configMapRef");
        g_string_append_c(o, '{');
        kv_str(o, &rf, "name", r->name);
        if (r->optional)
          kv_bool(o, &rf, "optional", TRUE);
        g_string_append(o, "}}");
      }
      g_string_append_c(o, ']');
    }
    if (c->ports && c->ports->len) {
      key(o, &f, "ports");
      g_string_append_c(o, '[');
      for (guint j = 0; j < c->ports->len; j++) {
        const KsContainerPort *p = &g_array_index(c->ports, KsContainerPort, j);
        gboolean pf = TRUE;
        g_string_append(o, j ? ",{" : "{");
        kv_str(o, &pf, "name", p->name);
        kv_int(o, &pf, "containerPort", p->container_port);
        if (p->host_port)
          kv_int(o, &pf, "hostPort", p->host_port);
        kv_str(o, &pf, "protocol", ks_protocol_to_string(p->protocol));
        kv_str(o, &pf, "hostIP", p->host_ip);
        g_string_append_c(o, '}');
      }
      g_string_append_c(o, ']');
    }
    g_string_append_c(o, '}');
  }
  g_string_append_c(o, ']');
}

static void pod_spec(GString *o, const KsPod *p) {
  gboolean f = TRUE;
  g_string_append(o, ",\"spec\":{");
  containers(o, &f, "initContainers", p->init_containers);
  containers(o, &f, "containers", p->containers);
  resources(o, &f, "overhead", &p->overhead);
  kv_str(o, &f, "nodeName", p->node_name);
  labels(o, &f, "nodeSelector", &p->node_selector);
  kv_str(o, &f, "schedulerName", p->scheduler_name);
  if (p->has_priority)
    kv_int(o, &f, "priority", p->priority);
  kv_str(o, &f, "priorityClassName", p->priority_class_name);
  kv_str(o, &f, "preemptionPolicy", ks_preemption_policy_to_string(p->preemption_policy));
  kv_str(o, &f, "restartPolicy", ks_restart_policy_to_string(p->restart_policy));
  kv_int(o, &f, "terminationGracePeriodSeconds", p->termination_grace_period_seconds);
  if (p->host_network)
    kv_bool(o, &f, "hostNetwork", TRUE);
  tolerations(o, &f, p->tolerations);
  if (p->affinity) {
    key(o, &f, "affinity");
    gboolean af = TRUE;
    g_string_append_c(o, '{');
    node_affinity(o, &af, p->affinity->node_affinity);
    pod_affinity(o, &af, "podAffinity", p->affinity->pod_affinity);
    pod_affinity(o, &af, "podAntiAffinity", p->affinity->pod_anti_affinity);
    g_string_append_c(o, '}');
  }
  spread(o, &f, p->topology_spread_constraints);
  volumes(o, &f, p->volumes);
  if (p->scheduling_gates) {
    key(o, &f, "schedulingGates");
    g_string_append_c(o, '[');
    for (guint i = 0; p->scheduling_gates[i]; i++) {
      g_string_append(o, i ? ",{\"name\":" : "{\"name\":");
      str(o, p->scheduling_gates[i]);
      g_string_append_c(o, '}');
    }
    g_string_append_c(o, ']');
  }
  g_string_append_c(o, '}');
}

static void metadata(GString *o, const char *ns, const char *name, const char *uid,
                     const KsLabels *l, const KsLabels *a) {
  gboolean f = TRUE;
  g_string_append(o, ",\"metadata\":{");
  kv_str(o, &f, "name", name);
  kv_str(o, &f, "namespace", ns);
  kv_str(o, &f, "uid", uid);
  if (l)
    labels(o, &f, "labels", l);
  if (a)
    labels(o, &f, "annotations", a);
  g_string_append_c(o, '}');
}

/* RFC 3339 in UTC with microseconds when there are any. */
static void kv_time(GString *o, gboolean *first, const char *k, gint64 us) {
  GDateTime *t = g_date_time_new_from_unix_utc(us / G_USEC_PER_SEC);
  gint64 frac = us % G_USEC_PER_SEC;
  char *base = t ? g_date_time_format(t, "%Y-%m-%dT%H:%M:%S") : g_strdup("1970-01-01T00:00:00");
  char *v = frac > 0 ? g_strdup_printf("%s.%06" G_GINT64_FORMAT "Z", base, frac)
                     : g_strdup_printf("%sZ", base);
  kv_str(o, first, k, v);
  g_free(v);
  g_free(base);
  if (t)
    g_date_time_unref(t);
}

/* A pod's metadata: metadata() plus what controllers and the garbage
 * collector read (generateName, ownerReferences, deletion, finalizers);
 * each only when set, so pods without them are written as before. */
static void pod_metadata(GString *o, const KsPod *p) {
  gboolean f = TRUE;
  g_string_append(o, ",\"metadata\":{");
  kv_str(o, &f, "name", p->name);
  kv_str(o, &f, "namespace", p->namespace);
  kv_str(o, &f, "uid", p->uid);
  kv_str(o, &f, "generateName", p->generate_name);
  labels(o, &f, "labels", &p->labels);
  labels(o, &f, "annotations", &p->annotations);
  if (p->owner_references && p->owner_references->len) {
    key(o, &f, "ownerReferences");
    g_string_append_c(o, '[');
    for (guint i = 0; i < p->owner_references->len; i++) {
      const KsOwnerReference *r = &g_array_index(p->owner_references, KsOwnerReference, i);
      gboolean rf = TRUE;
      g_string_append(o, i ? ",{" : "{");
      kv_str(o, &rf, "apiVersion", r->api_version);
      kv_str(o, &rf, "kind", r->kind);
      kv_str(o, &rf, "name", r->name);
      kv_str(o, &rf, "uid", r->uid);
      if (r->controller)
        kv_bool(o, &rf, "controller", TRUE);
      if (r->block_owner_deletion)
        kv_bool(o, &rf, "blockOwnerDeletion", TRUE);
      g_string_append_c(o, '}');
    }
    g_string_append_c(o, ']');
  }
  if (p->deletion_timestamp_us)
    kv_time(o, &f, "deletionTimestamp", p->deletion_timestamp_us);
  if (p->deletion_grace_period_seconds)
    kv_int(o, &f, "deletionGracePeriodSeconds", p->deletion_grace_period_seconds);
  if (p->finalizers && p->finalizers[0]) {
    key(o, &f, "finalizers");
    g_string_append_c(o, '[');
    for (guint i = 0; p->finalizers[i]; i++) {
      if (i)
        g_string_append_c(o, ',');
      str(o, p->finalizers[i]);
    }
    g_string_append_c(o, ']');
  }
  g_string_append_c(o, '}');
}

/* status.conditions except Ready (the trace does not carry Ready: the
 * simulator's node agent sets it). */
static void pod_conditions(GString *o, gboolean *f, const GArray *conds) {
  key(o, f, "conditions");
  g_string_append_c(o, '[');
  for (guint i = 0; i < conds->len; i++) {
    const KsPodCondition *c = &g_array_index(conds, KsPodCondition, i);
    gboolean cf = TRUE;
    g_string_append(o, i ? ",{" : "{");
    kv_str(o, &cf, "type", c->type);
    kv_str(o, &cf, "status", ks_pod_condition_status_to_string(c->status));
    kv_str(o, &cf, "reason", c->reason);
    kv_str(o, &cf, "message", c->message);
    if (c->last_transition_time_us)
      kv_time(o, &cf, "lastTransitionTime", c->last_transition_time_us);
    g_string_append_c(o, '}');
  }
  g_string_append_c(o, ']');
}

void ks_trace_json_pod(GString *o, const KsPod *p) {
  g_string_append(o, "{\"apiVersion\":\"v1\",\"kind\":\"Pod\"");
  pod_metadata(o, p);
  pod_spec(o, p);
  gboolean conds = p->conditions && p->conditions->len;
  if (p->phase != KS_POD_PENDING || p->nominated_node_name || p->reason || p->message || conds) {
    gboolean f = TRUE;
    g_string_append(o, ",\"status\":{");
    kv_str(o, &f, "phase", ks_pod_phase_to_string(p->phase));
    kv_str(o, &f, "nominatedNodeName", p->nominated_node_name);
    kv_str(o, &f, "reason", p->reason);
    kv_str(o, &f, "message", p->message);
    if (conds)
      pod_conditions(o, &f, p->conditions);
    g_string_append_c(o, '}');
  }
  g_string_append_c(o, '}');
}

void ks_trace_json_node(GString *o, const KsNode *n) {
  g_string_append(o, "{\"apiVersion\":\"v1\",\"kind\":\"Node\"");
  metadata(o, NULL, n->name, n->uid, &n->labels, &n->annotations);
  gboolean f = TRUE;
  g_string_append(o, ",\"spec\":{");
  if (n->unschedulable)
    kv_bool(o, &f, "unschedulable", TRUE);
  if (n->taints && n->taints->len) {
    key(o, &f, "taints");
    g_string_append_c(o, '[');
    for (guint i = 0; i < n->taints->len; i++) {
      const KsTaint *t = &g_array_index(n->taints, KsTaint, i);
      gboolean tf = TRUE;
      g_string_append(o, i ? ",{" : "{");
      kv_str(o, &tf, "key", t->key);
      kv_str(o, &tf, "value", t->value);
      kv_str(o, &tf, "effect", ks_taint_effect_to_string(t->effect));
      timestamp(o, &tf, "timeAdded", t->time_added_us);
      g_string_append_c(o, '}');
    }
    g_string_append_c(o, ']');
  }
  g_string_append(o, "},\"status\":{");
  f = TRUE;
  resources(o, &f, "capacity", &n->capacity);
  resources(o, &f, "allocatable", &n->allocatable);
  if (n->conditions && n->conditions->len) {
    key(o, &f, "conditions");
    g_string_append_c(o, '[');
    for (guint i = 0; i < n->conditions->len; i++) {
      const KsNodeCondition *c = &g_array_index(n->conditions, KsNodeCondition, i);
      gboolean cf = TRUE;
      g_string_append(o, i ? ",{" : "{");
      kv_str(o, &cf, "type", c->type);
      kv_str(o, &cf, "status", c->status);
      kv_str(o, &cf, "reason", c->reason);
      g_string_append_c(o, '}');
    }
    g_string_append_c(o, ']');
  }
  if (n->images && n->images->len) {
    key(o, &f, "images");
    g_string_append_c(o, '[');
    for (guint i = 0; i < n->images->len; i++) {
      const KsContainerImage *im = &g_array_index(n->images, KsContainerImage, i);
      gboolean imf = TRUE;
      g_string_append(o, i ? ",{" : "{");
      strv(o, &imf, "names", im->names);
      kv_int(o, &imf, "sizeBytes", im->size_bytes);
      g_string_append_c(o, '}');
    }
    g_string_append_c(o, ']');
  }
  g_string_append(o, "}}");
}

static void priority_class(GString *o, const KsPriorityClass *pc) {
  g_string_append(o, "{\"apiVersion\":\"scheduling.k8s.io/v1\",\"kind\":\"PriorityClass\"");
  metadata(o, NULL, pc->name, NULL, NULL, NULL);
  gboolean f = FALSE;
  kv_int(o, &f, "value", pc->value);
  if (pc->global_default)
    kv_bool(o, &f, "globalDefault", TRUE);
  kv_str(o, &f, "preemptionPolicy", ks_preemption_policy_to_string(pc->preemption_policy));
  kv_str(o, &f, "description", pc->description);
  g_string_append_c(o, '}');
}

static void int_or_percent(GString *o, gboolean *first, const char *k, const KsIntOrPercent *v) {
  if (!v->set)
    return;
  key(o, first, k);
  if (v->is_percent)
    g_string_append_printf(o, "\"%d%%\"", v->value);
  else
    g_string_append_printf(o, "%d", v->value);
}

/* spec only: status.disruptionsAllowed is computed by the simulator. */
static void pdb(GString *o, const KsPodDisruptionBudget *b) {
  g_string_append(o, "{\"apiVersion\":\"policy/v1\",\"kind\":\"PodDisruptionBudget\"");
  metadata(o, b->namespace, b->name, NULL, NULL, NULL);
  gboolean f = TRUE;
  g_string_append(o, ",\"spec\":{");
  label_selector(o, &f, "selector", b->selector);
  int_or_percent(o, &f, "minAvailable", &b->min_available);
  int_or_percent(o, &f, "maxUnavailable", &b->max_unavailable);
  g_string_append(o, "}}");
}

gboolean ks_trace_json_object(GString *o, const KsManifestObject *obj) {
  switch (obj->kind) {
  case KS_KIND_POD:
    ks_trace_json_pod(o, obj->u.pod);
    return TRUE;
  case KS_KIND_NODE:
    ks_trace_json_node(o, obj->u.node);
    return TRUE;
  case KS_KIND_NAMESPACE:
    g_string_append(o, "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\"");
    metadata(o, NULL, obj->u.ns->name, NULL, &obj->u.ns->labels, NULL);
    g_string_append_c(o, '}');
    return TRUE;
  case KS_KIND_PRIORITY_CLASS:
    priority_class(o, obj->u.priority_class);
    return TRUE;
  case KS_KIND_POD_DISRUPTION_BUDGET:
    pdb(o, obj->u.pdb);
    return TRUE;
  default: /* the workload controllers' kinds are not trace objects */
    break;
  }
  return FALSE;
}
