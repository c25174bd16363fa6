/* v1 ReplicationController (replication_controller.h). */
#include "workloads/replication_controller.h"

KsReplicationController *ks_replication_controller_new(const char *ns, const char *name) {
  KsReplicationController *rc = g_new0(KsReplicationController, 1);
  ks_object_meta_init(&rc->meta, ns && *ns ? ns : "default", name);
  rc->replicas = 1;
  ks_labels_init(&rc->selector);
  rc->template = ks_pod_new(rc->meta.namespace, "");
  return rc; /* transfer full */
}

void ks_replication_controller_free(KsReplicationController *rc) {
  if (!rc)
    return;
  ks_object_meta_clear(&rc->meta);
  ks_labels_clear(&rc->selector);
  if (rc->template)
    ks_pod_unref(rc->template);
  if (rc->conditions)
    g_array_unref(rc->conditions);
  g_free(rc);
}

KsReplicationController *ks_replication_controller_copy(const KsReplicationController *rc) {
  KsReplicationController *c = g_new0(KsReplicationController, 1);
  *c = *rc;
  ks_object_meta_copy(&c->meta, &rc->meta);
  ks_labels_copy(&c->selector, &rc->selector);
  c->template = rc->template ? ks_pod_copy(rc->template) : NULL;
  c->conditions = ks_condition_array_copy(rc->conditions);
  return c; /* transfer full */
}
