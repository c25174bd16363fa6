/* See object_access.h. */
#include "sim/controllers/object_access.h"

#include <string.h>

#include "sched/objects.h"
#include "sched/pdb.h"
#include "sched/volume_objects.h"
#include "workloads/apps.h"
#include "workloads/batch.h"
#include "workloads/core_objects.h"
#include "workloads/replication_controller.h"

static void from_meta(KsObjectMeta *m, KsObjectFields *out) {
  *out = (KsObjectFields){&m->namespace, &m->name, &m->uid, &m->creation_timestamp_us, &m->deletion_timestamp_us,
                          &m->owner_references, &m->finalizers, &m->generation};
}

void ks_object_fields(KsStoreKind kind, gpointer data, KsObjectFields *out) {
  *out = (KsObjectFields){0};
  switch (kind) {
  case KS_STORE_POD: {
    KsPod *p = data;
    *out = (KsObjectFields){&p->namespace, &p->name, &p->uid, &p->creation_timestamp_us, &p->deletion_timestamp_us,
                            &p->owner_references, &p->finalizers, NULL};
    break;
  }
  case KS_STORE_NODE:
    out->name = &((KsNode *)data)->name;
    out->uid = &((KsNode *)data)->uid;
    break;
  case KS_STORE_NAMESPACE:
    out->name = &((KsNamespace *)data)->name;
    break;
  case KS_STORE_PRIORITY_CLASS:
    out->name = &((KsPriorityClass *)data)->name;
    break;
  case KS_STORE_POD_DISRUPTION_BUDGET:
    out->namespace = &((KsPodDisruptionBudget *)data)->namespace;
    out->name = &((KsPodDisruptionBudget *)data)->name;
    break;
  case KS_STORE_STORAGE_CLASS:
    out->name = &((KsStorageClass *)data)->name;
    out->creation_timestamp_us = &((KsStorageClass *)data)->creation_timestamp_us;
    break;
  case KS_STORE_DEPLOYMENT:
    from_meta(&((KsDeployment *)data)->meta, out);
    break;
  case KS_STORE_REPLICA_SET:
    from_meta(&((KsReplicaSet *)data)->meta, out);
    break;
  case KS_STORE_JOB:
    from_meta(&((KsJob *)data)->meta, out);
    break;
  case KS_STORE_DAEMON_SET:
    from_meta(&((KsDaemonSet *)data)->meta, out);
    break;
  case KS_STORE_STATEFUL_SET:
    from_meta(&((KsStatefulSet *)data)->meta, out);
    break;
  case KS_STORE_CONTROLLER_REVISION:
    from_meta(&((KsControllerRevision *)data)->meta, out);
    break;
  case KS_STORE_CRON_JOB:
    from_meta(&((KsCronJob *)data)->meta, out);
    break;
  case KS_STORE_SERVICE:
    from_meta(&((KsService *)data)->meta, out);
    break;
  case KS_STORE_CONFIG_MAP:
    from_meta(&((KsConfigMap *)data)->meta, out);
    break;
  case KS_STORE_SECRET:
    from_meta(&((KsSecret *)data)->meta, out);
    break;
  case KS_STORE_REPLICATION_CONTROLLER:
    from_meta(&((KsReplicationController *)data)->meta, out);
    break;
  case KS_STORE_PERSISTENT_VOLUME: {
    KsPersistentVolume *pv = data;
    *out = (KsObjectFields){NULL, &pv->name, &pv->uid, &pv->creation_timestamp_us, &pv->deletion_timestamp_us,
                            NULL, &pv->finalizers, NULL};
    break;
  }
  case KS_STORE_PERSISTENT_VOLUME_CLAIM: {
    KsPersistentVolumeClaim *c = data;
    *out = (KsObjectFields){&c->namespace, &c->name, &c->uid, &c->creation_timestamp_us, &c->deletion_timestamp_us,
                            &c->owner_references, &c->finalizers, NULL};
    break;
  }
  case KS_STORE_N_KINDS:
    break;
  }
}

gpointer ks_object_data_copy(KsStoreKind kind, gconstpointer data) {
  switch (kind) {
  case KS_STORE_POD:
    return ks_pod_copy(data);
  case KS_STORE_NODE:
    return ks_node_copy(data);
  case KS_STORE_NAMESPACE: {
    const KsNamespace *src = data;
    KsNamespace *ns = ks_namespace_new(src->name);
    ks_labels_clear(&ns->labels);
    ks_labels_copy(&ns->labels, &src->labels);
    return ns;
  }
  case KS_STORE_PRIORITY_CLASS: {
    const KsPriorityClass *src = data;
    KsPriorityClass *pc = ks_priority_class_new(src->name, src->value);
    pc->global_default = src->global_default;
    pc->preemption_policy = src->preemption_policy;
    pc->description = g_strdup(src->description);
    return pc;
  }
  case KS_STORE_DEPLOYMENT:
    return ks_deployment_copy(data);
  case KS_STORE_REPLICA_SET:
    return ks_replica_set_copy(data);
  case KS_STORE_JOB:
    return ks_job_copy(data);
  case KS_STORE_POD_DISRUPTION_BUDGET:
    return ks_pdb_copy(data);
  case KS_STORE_DAEMON_SET:
    return ks_daemon_set_copy(data);
  case KS_STORE_STATEFUL_SET:
    return ks_stateful_set_copy(data);
  case KS_STORE_CONTROLLER_REVISION:
    return ks_controller_revision_copy(data);
  case KS_STORE_CRON_JOB:
    return ks_cron_job_copy(data);
  case KS_STORE_SERVICE:
    return ks_service_copy(data);
  case KS_STORE_CONFIG_MAP:
    return ks_config_map_copy(data);
  case KS_STORE_SECRET:
    return ks_secret_copy(data);
  case KS_STORE_PERSISTENT_VOLUME:
    return ks_pv_copy(data);
  case KS_STORE_PERSISTENT_VOLUME_CLAIM:
    return ks_pvc_copy(data);
  case KS_STORE_STORAGE_CLASS:
    return ks_storage_class_copy(data);
  case KS_STORE_REPLICATION_CONTROLLER:
    return ks_replication_controller_copy(data);
  case KS_STORE_N_KINDS:
    break;
  }
  g_return_val_if_reached(NULL);
}

GDestroyNotify ks_object_data_free_func(KsStoreKind kind) {
  switch (kind) {
  case KS_STORE_POD:
    return (GDestroyNotify)ks_pod_unref;
  case KS_STORE_NODE:
    return (GDestroyNotify)ks_node_unref;
  case KS_STORE_NAMESPACE:
    return (GDestroyNotify)ks_namespace_free;
  case KS_STORE_PRIORITY_CLASS:
    return (GDestroyNotify)ks_priority_class_free;
  case KS_STORE_DEPLOYMENT:
    return (GDestroyNotify)ks_deployment_free;
  case KS_STORE_REPLICA_SET:
    return (GDestroyNotify)ks_replica_set_free;
  case KS_STORE_JOB:
    return (GDestroyNotify)ks_job_free;
  case KS_STORE_POD_DISRUPTION_BUDGET:
    return (GDestroyNotify)ks_pdb_free;
  case KS_STORE_DAEMON_SET:
    return (GDestroyNotify)ks_daemon_set_free;
  case KS_STORE_STATEFUL_SET:
    return (GDestroyNotify)ks_stateful_set_free;
  case KS_STORE_CONTROLLER_REVISION:
    return (GDestroyNotify)ks_controller_revision_free;
  case KS_STORE_CRON_JOB:
    return (GDestroyNotify)ks_cron_job_free;
  case KS_STORE_SERVICE:
    return (GDestroyNotify)ks_service_free;
  case KS_STORE_CONFIG_MAP:
    return (GDestroyNotify)ks_config_map_free;
  case KS_STORE_SECRET:
    return (GDestroyNotify)ks_secret_free;
  case KS_STORE_PERSISTENT_VOLUME:
    return (GDestroyNotify)ks_pv_free;
  case KS_STORE_PERSISTENT_VOLUME_CLAIM:
    return (GDestroyNotify)ks_pvc_free;
  case KS_STORE_STORAGE_CLASS:
    return (GDestroyNotify)ks_storage_class_free;
  case KS_STORE_REPLICATION_CONTROLLER:
    return (GDestroyNotify)ks_replication_controller_free;
  case KS_STORE_N_KINDS:
    break;
  }
  g_return_val_if_reached(NULL);
}

static const struct {
  const char *kind;
  const char *api_version;
} NAMES[KS_STORE_N_KINDS] = {
  [KS_STORE_POD] = {"Pod", "v1"},
  [KS_STORE_NODE] = {"Node", "v1"},
  [KS_STORE_NAMESPACE] = {"Namespace", "v1"},
  [KS_STORE_PRIORITY_CLASS] = {"PriorityClass", "scheduling.k8s.io/v1"},
  [KS_STORE_DEPLOYMENT] = {"Deployment", "apps/v1"},
  [KS_STORE_REPLICA_SET] = {"ReplicaSet", "apps/v1"},
  [KS_STORE_JOB] = {"Job", "batch/v1"},
  [KS_STORE_POD_DISRUPTION_BUDGET] = {"PodDisruptionBudget", "policy/v1"},
  [KS_STORE_DAEMON_SET] = {"DaemonSet", "apps/v1"},
  [KS_STORE_STATEFUL_SET] = {"StatefulSet", "apps/v1"},
  [KS_STORE_CONTROLLER_REVISION] = {"ControllerRevision", "apps/v1"},
  [KS_STORE_CRON_JOB] = {"CronJob", "batch/v1"},
  [KS_STORE_SERVICE] = {"Service", "v1"},
  [KS_STORE_CONFIG_MAP] = {"ConfigMap", "v1"},
  [KS_STORE_SECRET] = {"Secret", "v1"},
  [KS_STORE_PERSISTENT_VOLUME] = {"PersistentVolume", "v1"},
  [KS_STORE_PERSISTENT_VOLUME_CLAIM] = {"PersistentVolumeClaim", "v1"},
  [KS_STORE_STORAGE_CLASS] = {"StorageClass", "storage.k8s.io/v1"},
  [KS_STORE_REPLICATION_CONTROLLER] = {"ReplicationController", "v1"},
};

const char *ks_object_kind_name(KsStoreKind kind) { return NAMES[kind].kind; }
const char *ks_object_api_version(KsStoreKind kind) { return NAMES[kind].api_version; }

gboolean ks_object_kind_from_name(const char *kind_name, KsStoreKind *out) {
  for (int k = 0; k < KS_STORE_N_KINDS; k++)
    if (kind_name && strcmp(NAMES[k].kind, kind_name) == 0) {
      *out = (KsStoreKind)k;
      return TRUE;
    }
  return FALSE;
}
