/* apps/v1 kinds: construction with the API server's defaults, deep copies,
 * free, string forms of the enums (see apps.h). */
#include "workloads/apps.h"

#include <string.h>

static gboolean lookup(const char *const *names, guint n, const char *s, guint *out) {
  for (guint i = 0; s && i < n; i++) {
    if (strcmp(names[i], s) == 0) {
      *out = i;
      return TRUE;
    }
  }
  return FALSE;
}

#define ENUM_FUNCS(prefix, Type, names)                                                         \
  gboolean prefix##_from_string(const char *s, Type *out) {                                     \
    guint i;                                                                                    \
    if (!lookup(names, G_N_ELEMENTS(names), s, &i))                                             \
      return FALSE;                                                                             \
    *out = (Type)i;                                                                             \
    return TRUE;                                                                                \
  }                                                                                             \
  const char *prefix##_to_string(Type v) {                                                      \
    return (guint)v < G_N_ELEMENTS(names) ? names[v] : "?";                                     \
  }

static const char *const deployment_strategy_names[] = {"RollingUpdate", "Recreate"};
static const char *const update_strategy_names[] = {"RollingUpdate", "OnDelete"};
static const char *const pod_management_names[] = {"OrderedReady", "Parallel"};
static const char *const retention_names[] = {"Retain", "Delete"};

ENUM_FUNCS(ks_deployment_strategy_type, KsDeploymentStrategyType, deployment_strategy_names)
ENUM_FUNCS(ks_daemon_set_update_strategy_type, KsDaemonSetUpdateStrategyType,
           update_strategy_names)
ENUM_FUNCS(ks_stateful_set_update_strategy_type, KsStatefulSetUpdateStrategyType,
           update_strategy_names)
ENUM_FUNCS(ks_pod_management_policy, KsPodManagementPolicy, pod_management_names)
ENUM_FUNCS(ks_pvc_retention_policy_type, KsPvcRetentionPolicyType, retention_names)

static KsPod *template_new(const char *ns) { return ks_pod_new(ns, ""); }

static KsPod *template_copy(const KsPod *t) { return t ? ks_pod_copy(t) : NULL; }

static const KsIntOrPercent percent25 = {.set = TRUE, .is_percent = TRUE, .value = 25};
static const KsIntOrPercent int1 = {.set = TRUE, .is_percent = FALSE, .value = 1};
static const KsIntOrPercent int0 = {.set = TRUE, .is_percent = FALSE, .value = 0};

/* ---- ReplicaSet -------------------------------------------------------------- */

KsReplicaSet *ks_replica_set_new(const char *ns, const char *name) {
  KsReplicaSet *rs = g_new0(KsReplicaSet, 1);
  ks_object_meta_init(&rs->meta, ns && *ns ? ns : "default", name);
  rs->replicas = 1;
  rs->template = template_new(rs->meta.namespace);
  return rs;
}

void ks_replica_set_free(KsReplicaSet *rs) {
  if (!rs)
    return;
  ks_object_meta_clear(&rs->meta);
  ks_label_selector_free(rs->selector);
  ks_pod_unref(rs->template);
  if (rs->conditions)
    g_array_unref(rs->conditions);
  g_free(rs);
}

KsReplicaSet *ks_replica_set_copy(const KsReplicaSet *rs) {
  KsReplicaSet *c = g_new0(KsReplicaSet, 1);
  *c = *rs;
  ks_object_meta_copy(&c->meta, &rs->meta);
  c->selector = ks_label_selector_copy(rs->selector);
  c->template = template_copy(rs->template);
  c->conditions = ks_condition_array_copy(rs->conditions);
  return c;
}

/* ---- Deployment -------------------------------------------------------------- */

KsDeployment *ks_deployment_new(const char *ns, const char *name) {
  KsDeployment *d = g_new0(KsDeployment, 1);
  ks_object_meta_init(&d->meta, ns && *ns ? ns : "default", name);
  d->replicas = 1;
  d->template = template_new(d->meta.namespace);
  d->strategy = KS_DEPLOYMENT_ROLLING_UPDATE;
  d->max_surge = percent25;
  d->max_unavailable = percent25;
  d->revision_history_limit = 10;
  d->progress_deadline_seconds = 600;
  return d;
}

void ks_deployment_free(KsDeployment *d) {
  if (!d)
    return;
  ks_object_meta_clear(&d->meta);
  ks_label_selector_free(d->selector);
  ks_pod_unref(d->template);
  if (d->conditions)
    g_array_unref(d->conditions);
  g_free(d);
}

KsDeployment *ks_deployment_copy(const KsDeployment *d) {
  KsDeployment *c = g_new0(KsDeployment, 1);
  *c = *d;
  ks_object_meta_copy(&c->meta, &d->meta);
  c->selector = ks_label_selector_copy(d->selector);
  c->template = template_copy(d->template);
  c->conditions = ks_condition_array_copy(d->conditions);
  return c;
}

/* ---- DaemonSet ----------------------------------------------------------------- */

KsDaemonSet *ks_daemon_set_new(const char *ns, const char *name) {
  KsDaemonSet *ds = g_new0(KsDaemonSet, 1);
  ks_object_meta_init(&ds->meta, ns && *ns ? ns : "default", name);
  ds->template = template_new(ds->meta.namespace);
  ds->update_strategy = KS_DAEMON_SET_ROLLING_UPDATE;
  ds->max_unavailable = int1;
  ds->max_surge = int0;
  ds->revision_history_limit = 10;
  return ds;
}

void ks_daemon_set_free(KsDaemonSet *ds) {
  if (!ds)
    return;
  ks_object_meta_clear(&ds->meta);
  ks_label_selector_free(ds->selector);
  ks_pod_unref(ds->template);
  if (ds->conditions)
    g_array_unref(ds->conditions);
  g_free(ds);
}

KsDaemonSet *ks_daemon_set_copy(const KsDaemonSet *ds) {
  KsDaemonSet *c = g_new0(KsDaemonSet, 1);
  *c = *ds;
  ks_object_meta_copy(&c->meta, &ds->meta);
  c->selector = ks_label_selector_copy(ds->selector);
  c->template = template_copy(ds->template);
  c->conditions = ks_condition_array_copy(ds->conditions);
  return c;
}

/* ---- StatefulSet --------------------------------------------------------------- */

KsStatefulSet *ks_stateful_set_new(const char *ns, const char *name) {
  KsStatefulSet *ss = g_new0(KsStatefulSet, 1);
  ks_object_meta_init(&ss->meta, ns && *ns ? ns : "default", name);
  ss->replicas = 1;
  ss->template = template_new(ss->meta.namespace);
  ss->pod_management_policy = KS_POD_MANAGEMENT_ORDERED_READY;
  ss->update_strategy = KS_STATEFUL_SET_ROLLING_UPDATE;
  ss->when_deleted = KS_PVC_RETENTION_RETAIN;
  ss->when_scaled = KS_PVC_RETENTION_RETAIN;
  ss->revision_history_limit = 10;
  return ss;
}

void ks_stateful_set_free(KsStatefulSet *ss) {
  if (!ss)
    return;
  ks_object_meta_clear(&ss->meta);
  ks_label_selector_free(ss->selector);
  ks_pod_unref(ss->template);
  g_free(ss->service_name);
  if (ss->volume_claim_templates)
    g_ptr_array_unref(ss->volume_claim_templates);
  g_free(ss->current_revision);
  g_free(ss->update_revision);
  if (ss->conditions)
    g_array_unref(ss->conditions);
  g_free(ss);
}

KsStatefulSet *ks_stateful_set_copy(const KsStatefulSet *ss) {
  KsStatefulSet *c = g_new0(KsStatefulSet, 1);
  *c = *ss;
  ks_object_meta_copy(&c->meta, &ss->meta);
  c->selector = ks_label_selector_copy(ss->selector);
  c->template = template_copy(ss->template);
  c->service_name = g_strdup(ss->service_name);
  c->volume_claim_templates = ks_pvc_array_copy(ss->volume_claim_templates);
  c->current_revision = g_strdup(ss->current_revision);
  c->update_revision = g_strdup(ss->update_revision);
  c->conditions = ks_condition_array_copy(ss->conditions);
  return c;
}

/* ---- ControllerRevision ------------------------------------------------------- */

KsControllerRevision *ks_controller_revision_new(const char *ns, const char *name) {
  KsControllerRevision *cr = g_new0(KsControllerRevision, 1);
  ks_object_meta_init(&cr->meta, ns && *ns ? ns : "default", name);
  return cr;
}

void ks_controller_revision_free(KsControllerRevision *cr) {
  if (!cr)
    return;
  ks_object_meta_clear(&cr->meta);
  ks_pod_unref(cr->data);
  g_free(cr);
}

KsControllerRevision *ks_controller_revision_copy(const KsControllerRevision *cr) {
  KsControllerRevision *c = g_new0(KsControllerRevision, 1);
  *c = *cr;
  ks_object_meta_copy(&c->meta, &cr->meta);
  c->data = template_copy(cr->data);
  return c;
}
