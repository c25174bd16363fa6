/* See pod_create.h. The code is the workload feed's original create path,
 * moved here so the trace replay does not grow a second copy of admission
 * and object creation. */
#include "sim/pod_create.h"

#include "sched/objects.h"
#include "sched/pdb.h"
#include "sim/admission.h"
#include "sim/admission_storage_class.h"
#include "sim/controllers/controller_utils.h"
#include "sim/controllers/object_access.h"
#include "sim/create_strategy.h"
#include "workloads/batch.h"

/* ks_store_foreach callback: stops at the first globalDefault class. */
static gboolean find_global_default(const KsStoreObject *obj, gpointer user_data) {
  const KsPriorityClass *pc = obj->data;
  if (!pc->global_default)
    return TRUE;
  *(const KsPriorityClass **)user_data = pc;
  return FALSE;
}

const KsPriorityClass *ks_sim_store_priority_class(const char *name, gpointer user_data) {
  KsStore *store = user_data;
  if (name) {
    const KsStoreObject *obj = ks_store_get(store, KS_STORE_PRIORITY_CLASS, NULL, name);
    return obj ? obj->data : NULL;
  }
  /* A walk without a list: this runs for every pod created without a
   * priorityClassName (most of a trace's). */
  const KsPriorityClass *found = NULL;
  ks_store_foreach(store, KS_STORE_PRIORITY_CLASS, find_global_default, &found);
  return found; /* the store holds it */
}

gboolean ks_sim_create_pod(KsStore *store, KsPod *pod, GError **error) {
  if (!ks_admit_pod(pod, ks_sim_store_priority_class, store, error)) {
    ks_pod_unref(pod);
    return FALSE;
  }
  if (pod->creation_timestamp_us == 0)
    pod->creation_timestamp_us = ks_engine_now(ks_store_get_engine(store));
  return ks_store_create(store, KS_STORE_POD, pod->namespace, pod->name, pod,
                         (GDestroyNotify)ks_pod_unref, error) != 0;
}

static gboolean create_namespace(KsStore *store, const KsNamespace *src, GError **error) {
  KsNamespace *ns = ks_namespace_new(src->name);
  ks_labels_clear(&ns->labels);
  ks_labels_copy(&ns->labels, &src->labels);
  return ks_store_create(store, KS_STORE_NAMESPACE, NULL, ns->name, ns,
                         (GDestroyNotify)ks_namespace_free, error) != 0;
}

static gboolean create_priority_class(KsStore *store, const KsPriorityClass *src,
                                      GError **error) {
  KsPriorityClass *pc = ks_priority_class_new(src->name, src->value);
  pc->global_default = src->global_default;
  pc->preemption_policy = src->preemption_policy;
  pc->description = g_strdup(src->description);
  return ks_store_create(store, KS_STORE_PRIORITY_CLASS, NULL, pc->name, pc,
                         (GDestroyNotify)ks_priority_class_free, error) != 0;
}

gboolean ks_sim_create_node(KsStore *store, KsNode *node, const KsKubeletConfigs *kubelets,
                            GError **error) {
  ks_kubelet_configs_register_node(kubelets, node);
  return ks_store_create(store, KS_STORE_NODE, NULL, node->name, node,
                         (GDestroyNotify)ks_node_unref, error) != 0;
}

gboolean ks_sim_create_object(KsStore *store, const KsManifestObject *o, GError **error) {
  return ks_sim_create_object_kubelets(store, o, NULL, error);
}

gboolean ks_sim_create_object_kubelets(KsStore *store, const KsManifestObject *o,
                                       const KsKubeletConfigs *kubelets, GError **error) {
  switch (o->kind) {
  case KS_KIND_POD:
    return ks_sim_create_pod(store, ks_pod_copy(o->u.pod), error);
  case KS_KIND_NODE:
    return ks_sim_create_node(store, ks_node_copy(o->u.node), kubelets, error);
  case KS_KIND_NAMESPACE:
    return create_namespace(store, o->u.ns, error);
  case KS_KIND_PRIORITY_CLASS:
    return create_priority_class(store, o->u.priority_class, error);
  case KS_KIND_POD_DISRUPTION_BUDGET: {
    KsPodDisruptionBudget *b = ks_pdb_copy(o->u.pdb);
    return ks_store_create(store, KS_STORE_POD_DISRUPTION_BUDGET, b->namespace, b->name, b,
                           (GDestroyNotify)ks_pdb_free, error) != 0;
  }
  default: /* the workload controllers' kinds: not created here (yet) */
    break;
  }
  return TRUE;
}

gboolean ks_sim_create_workload(KsStore *store, KsRng *uids, KsStoreKind kind, gconstpointer src,
                                GError **error) {
  gpointer data = ks_object_data_copy(kind, src);
  KsObjectFields m;
  ks_object_fields(kind, data, &m);
  if (m.uid && !*m.uid)
    *m.uid = ks_controller_new_uid(uids);
  if (kind == KS_STORE_JOB) /* the API server's defaulting, now that the Job has a uid */
    ks_job_generate_selector(data);
  if (kind == KS_STORE_PERSISTENT_VOLUME_CLAIM) /* DefaultStorageClass admission */
    ks_admit_pvc_default_storage_class(data, store);
  /* a dump's status and creation time describe another cluster */
  ks_sim_prepare_for_create(kind, data, ks_engine_now(ks_store_get_engine(store)));
  if (m.creation_timestamp_us && !*m.creation_timestamp_us)
    *m.creation_timestamp_us = ks_engine_now(ks_store_get_engine(store));
  if (m.generation && !*m.generation)
    *m.generation = 1;
  const char *ns = m.namespace ? *m.namespace : NULL;
  return ks_store_create(store, kind, ns, *m.name, data, ks_object_data_free_func(kind), error) !=
         0;
}
