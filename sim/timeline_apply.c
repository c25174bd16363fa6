/* The timeline's apply (kubectl apply -f): each object of the entry, in
 * order, is created when the store has none of its kind, namespace and
 * name, or else updated.
 *
 * Create: as the workload feed creates (sim/workload_feed.c): pods through
 * admission, the workload kinds with a uid when they have none (stream
 * "apiserver/uid/timeline"), creationTimestamp now, generation 1, and a
 * Job's generated selector.
 *
 * Update: kubectl's three-way merge is not modelled. For Deployments,
 * ReplicaSets, DaemonSets and StatefulSets the live object keeps its
 * identity, status, selector and the annotations and labels the manifest
 * does not name, and takes the manifest's spec (the fields the API server
 * lets change); generation goes up by 1 when the spec changed, and nothing
 * is written when nothing changed. Nodes, Namespaces, PriorityClasses,
 * PodDisruptionBudgets, Services, ConfigMaps, Secrets and StorageClasses are
 * replaced by the manifest's object (uid and creation time kept). An
 * existing object of any other kind (Pod, Job, CronJob, ...) is left as it
 * is, with a warning.
 */
#include "sim/timeline_actions.h"

#include <string.h>

#include "sim/controllers/object_access.h"
#include "sim/pod_create.h"
#include "workloads/apps.h"
#include "workloads/batch.h"

/* The payload of a manifest object (every union member is a pointer). */
static gconstpointer payload(const KsManifestObject *o) {
  switch (o->kind) {
  case KS_KIND_POD: return o->u.pod;
  case KS_KIND_NODE: return o->u.node;
  case KS_KIND_NAMESPACE: return o->u.ns;
  case KS_KIND_PRIORITY_CLASS: return o->u.priority_class;
  case KS_KIND_POD_DISRUPTION_BUDGET: return o->u.pdb;
  case KS_KIND_DEPLOYMENT: return o->u.deployment;
  case KS_KIND_REPLICA_SET: return o->u.replica_set;
  case KS_KIND_DAEMON_SET: return o->u.daemon_set;
  case KS_KIND_STATEFUL_SET: return o->u.stateful_set;
  case KS_KIND_CONTROLLER_REVISION: return o->u.controller_revision;
  case KS_KIND_JOB: return o->u.job;
  case KS_KIND_CRON_JOB: return o->u.cron_job;
  case KS_KIND_SERVICE: return o->u.service;
  case KS_KIND_CONFIG_MAP: return o->u.config_map;
  case KS_KIND_SECRET: return o->u.secret;
  case KS_KIND_PERSISTENT_VOLUME: return o->u.pv;
  case KS_KIND_PERSISTENT_VOLUME_CLAIM: return o->u.pvc;
  case KS_KIND_STORAGE_CLASS: return o->u.storage_class;
  case KS_KIND_REPLICATION_CONTROLLER: return o->u.replication_controller;
  }
  return NULL;
}

/* ---- create ---------------------------------------------------------------------- */

static void create(KsTimeline *t, const KsTimelineAction *a, const KsManifestObject *o,
                   KsStoreKind kind) {
  GError *error = NULL;
  gboolean ok;
  switch (o->kind) {
  case KS_KIND_POD:
  case KS_KIND_NODE:
  case KS_KIND_NAMESPACE:
  case KS_KIND_PRIORITY_CLASS:
  case KS_KIND_POD_DISRUPTION_BUDGET:
    ok = ks_sim_create_object_kubelets(t->store, o, t->kubelets, &error);
    break;
  default:
    ok = ks_sim_create_workload(t->store, &t->uids, kind, payload(o), &error);
  }
  if (!ok) {
    ks_timeline_warn(t, a, "%s:%u:%u: %s", o->file, o->line, o->column, error->message);
    g_error_free(error);
  }
}

/* ---- update ------------------------------------------------------------------------ */

static gboolean intstr_equal(const KsIntOrPercent *x, const KsIntOrPercent *y) {
  return x->set == y->set && x->is_percent == y->is_percent && x->value == y->value;
}

/* Each SET_* assigns the manifest's value and notes a difference. */
#define SET_INT(field)                                                                    \
  do {                                                                                    \
    changed |= live->field != m->field;                                                   \
    live->field = m->field;                                                               \
  } while (0)
#define SET_INTSTR(field)                                                                 \
  do {                                                                                    \
    changed |= !intstr_equal(&live->field, &m->field);                                    \
    live->field = m->field;                                                               \
  } while (0)

/* The template: replaced when it differs (status is not part of it). */
static gboolean set_template(KsPod **live, const KsPod *m) {
  if (ks_pod_equal_except_status(*live, m))
    return FALSE;
  ks_pod_unref(*live);
  *live = ks_pod_copy(m);
  return TRUE;
}

/* Labels and annotations: the manifest's set on top of the live ones (those
 * the controllers added stay, as kubectl apply leaves fields it never set).
 * TRUE when one changed. */
static gboolean merge_labels(KsLabels *live, const KsLabels *m) {
  gboolean changed = FALSE;
  for (guint i = 0; i < m->n; i++) {
    changed |= g_strcmp0(ks_labels_get(live, m->items[i].key), m->items[i].value) != 0;
    ks_labels_set(live, m->items[i].key, m->items[i].value);
  }
  return changed;
}

static gboolean merge_meta(KsObjectMeta *live, const KsObjectMeta *m) {
  gboolean labels = merge_labels(&live->labels, &m->labels);
  return merge_labels(&live->annotations, &m->annotations) || labels;
}

/* Each update_* takes the manifest's spec into live and returns TRUE when
 * the spec changed; *meta when labels or annotations did. */
static gboolean update_deployment(KsDeployment *live, const KsDeployment *m, gboolean *meta) {
  gboolean changed = set_template(&live->template, m->template);
  SET_INT(replicas);
  SET_INT(strategy);
  SET_INTSTR(max_surge);
  SET_INTSTR(max_unavailable);
  SET_INT(min_ready_seconds);
  SET_INT(revision_history_limit);
  SET_INT(paused);
  SET_INT(progress_deadline_seconds);
  *meta = merge_meta(&live->meta, &m->meta);
  return changed;
}

static gboolean update_replica_set(KsReplicaSet *live, const KsReplicaSet *m, gboolean *meta) {
  gboolean changed = set_template(&live->template, m->template);
  SET_INT(replicas);
  SET_INT(min_ready_seconds);
  *meta = merge_meta(&live->meta, &m->meta);
  return changed;
}

static gboolean update_daemon_set(KsDaemonSet *live, const KsDaemonSet *m, gboolean *meta) {
  gboolean template = set_template(&live->template, m->template);
  gboolean changed = template;
  SET_INT(update_strategy);
  SET_INTSTR(max_unavailable);
  SET_INTSTR(max_surge);
  SET_INT(min_ready_seconds);
  SET_INT(revision_history_limit);
  *meta = merge_meta(&live->meta, &m->meta);
  if (template)
    ks_timeline_daemon_set_template_changed(live);
  return changed;
}

/* The fields upstream's ValidateStatefulSetUpdate lets change. */
static gboolean update_stateful_set(KsStatefulSet *live, const KsStatefulSet *m,
                                    gboolean *meta) {
  gboolean changed = set_template(&live->template, m->template);
  SET_INT(replicas);
  SET_INT(update_strategy);
  SET_INT(partition);
  SET_INTSTR(max_unavailable);
  SET_INT(when_deleted);
  SET_INT(when_scaled);
  SET_INT(min_ready_seconds);
  SET_INT(ordinals_start);
  *meta = merge_meta(&live->meta, &m->meta);
  return changed;
}

#undef SET_INT
#undef SET_INTSTR

/* A replacement of a simple object: the manifest's, with the live uid and
 * creation time. */
static gpointer replacement(KsStoreKind kind, const KsStoreObject *old, gconstpointer src) {
  gpointer data = ks_object_data_copy(kind, src);
  KsObjectFields now, was;
  ks_object_fields(kind, data, &now);
  ks_object_fields(kind, old->data, &was);
  if (now.uid && was.uid && *was.uid) {
    g_free(*now.uid);
    *now.uid = g_strdup(*was.uid);
  }
  if (now.creation_timestamp_us && was.creation_timestamp_us)
    *now.creation_timestamp_us = *was.creation_timestamp_us;
  return data;
}

static void update(KsTimeline *t, const KsTimelineAction *a, const KsManifestObject *o,
                   const KsStoreObject *old) {
  gpointer live = NULL;
  gboolean spec = FALSE, meta = FALSE;
  switch (old->kind) {
  case KS_STORE_DEPLOYMENT:
    live = ks_deployment_copy(old->data);
    spec = update_deployment(live, o->u.deployment, &meta);
    break;
  case KS_STORE_REPLICA_SET:
    live = ks_replica_set_copy(old->data);
    spec = update_replica_set(live, o->u.replica_set, &meta);
    break;
  case KS_STORE_DAEMON_SET:
    live = ks_daemon_set_copy(old->data);
    spec = update_daemon_set(live, o->u.daemon_set, &meta);
    break;
  case KS_STORE_STATEFUL_SET:
    live = ks_stateful_set_copy(old->data);
    spec = update_stateful_set(live, o->u.stateful_set, &meta);
    break;
  case KS_STORE_NODE: { /* the kubelet registers the applied status again */
    KsNode *node = replacement(old->kind, old, payload(o));
    ks_kubelet_configs_register_node(t->kubelets, node);
    ks_timeline_update(t, a, old, node, FALSE);
    return;
  }
  case KS_STORE_NAMESPACE:
  case KS_STORE_PRIORITY_CLASS:
  case KS_STORE_POD_DISRUPTION_BUDGET:
  case KS_STORE_SERVICE:
  case KS_STORE_CONFIG_MAP:
  case KS_STORE_SECRET:
  case KS_STORE_STORAGE_CLASS:
    ks_timeline_update(t, a, old, replacement(old->kind, old, payload(o)), FALSE);
    return;
  default: {
    char *res = ks_timeline_resource(old->kind);
    ks_timeline_warn(t, a,
                     "%s \"%s\" exists: ksim's apply updates Deployments, ReplicaSets, "
                     "DaemonSets, StatefulSets and simple objects only; left as it is",
                     res, old->name);
    g_free(res);
    return;
  }
  }
  if (spec || meta)
    ks_timeline_update(t, a, old, live, spec);
  else
    ks_object_data_free_func(old->kind)(live);
}

void ks_timeline_apply(KsTimeline *t, const KsTimelineAction *a) {
  const GPtrArray *objects = a->objects->objects;
  for (guint i = 0; i < objects->len; i++) {
    const KsManifestObject *o = objects->pdata[i];
    KsStoreKind kind = ks_timeline_store_kind(o->kind);
    KsObjectFields f;
    ks_object_fields(kind, (gpointer)payload(o), &f);
    const char *ns = f.namespace ? *f.namespace : NULL;
    if (!*f.name || !**f.name) { /* a generateName object: kubectl apply refuses it */
      ks_timeline_warn(t, a, "error: from %s:%u:%u: cannot use generate name with apply",
                       o->file, o->line, o->column);
      continue;
    }
    const KsStoreObject *old = ks_store_get(t->store, kind, ns, *f.name);
    if (old)
      update(t, a, o, old);
    else
      create(t, a, o, kind);
  }
}
