/* See replication_controller.h: the RC kind's conversion to and from the
 * ReplicaSet the shared code works on (upstream conversion.go's
 * Convert_v1_ReplicationController_To_apps_ReplicaSet and back). */
#include "sim/controllers/replication_controller.h"

#include "workloads/replication_controller.h"

static const KsReplicationController *rc_of(gconstpointer data) { return data; }

static const KsObjectMeta *rc_meta(gconstpointer data) { return &rc_of(data)->meta; }

static gint32 rc_min_ready_seconds(gconstpointer data) { return rc_of(data)->min_ready_seconds; }

/* labels.SelectorFromSet over a non-empty map: every pair must be there. */
static gboolean rc_selects(gconstpointer data, const KsLabels *labels) {
  const KsLabels *sel = &rc_of(data)->selector;
  if (sel->n == 0)
    return FALSE;
  for (guint i = 0; i < sel->n; i++)
    if (g_strcmp0(ks_labels_get(labels, sel->items[i].key), sel->items[i].value) != 0)
      return FALSE;
  return TRUE;
}

static KsReplicaSet *rc_to_replica_set(gconstpointer data) {
  const KsReplicationController *rc = data;
  KsReplicaSet *rs = ks_replica_set_new(rc->meta.namespace, rc->meta.name);
  ks_object_meta_clear(&rs->meta);
  ks_object_meta_copy(&rs->meta, &rc->meta);
  rs->replicas = rc->replicas;
  rs->min_ready_seconds = rc->min_ready_seconds;
  if (!rs->selector)
    rs->selector = ks_label_selector_new();
  ks_labels_clear(&rs->selector->match_labels);
  ks_labels_copy(&rs->selector->match_labels, &rc->selector);
  ks_pod_unref(rs->template);
  rs->template = ks_pod_copy(rc->template);
  rs->status_replicas = rc->status_replicas;
  rs->fully_labeled_replicas = rc->fully_labeled_replicas;
  rs->ready_replicas = rc->ready_replicas;
  rs->available_replicas = rc->available_replicas;
  rs->observed_generation = rc->observed_generation;
  rs->conditions = ks_condition_array_copy(rc->conditions);
  return rs; /* transfer full */
}

static gpointer rc_with_status(gconstpointer data, const KsReplicaSet *rs) {
  KsReplicationController *rc = ks_replication_controller_copy(data);
  rc->status_replicas = rs->status_replicas;
  rc->fully_labeled_replicas = rs->fully_labeled_replicas;
  rc->ready_replicas = rs->ready_replicas;
  rc->available_replicas = rs->available_replicas;
  rc->observed_generation = rs->observed_generation;
  if (rc->conditions)
    g_array_unref(rc->conditions);
  rc->conditions = ks_condition_array_copy(rs->conditions);
  return rc; /* transfer full */
}

const KsReplicaKind ks_replication_controller_kind = {
  .store_kind = KS_STORE_REPLICATION_CONTROLLER,
  .api_version = KS_REPLICATION_CONTROLLER_API_VERSION,
  .kind = KS_REPLICATION_CONTROLLER_KIND,
  .meta = rc_meta,
  .min_ready_seconds = rc_min_ready_seconds,
  .selects = rc_selects,
  .to_replica_set = rc_to_replica_set,
  .with_status = rc_with_status,
  .free = (GDestroyNotify)ks_replication_controller_free,
};

static gpointer rcc_init(KsController *c) {
  return ks_replica_controller_init(c, &ks_replication_controller_kind);
}

const KsControllerClass ks_replication_controller_class = {
  .name = "replicationcontroller",
  .default_workers = KS_REPLICATION_CONTROLLER_WORKERS,
  .init = rcc_init,
  .sync = ks_replica_controller_sync,
  .free = ks_replica_controller_free,
};
