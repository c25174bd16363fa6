/* See eviction.h. The disruption controller's part (expected pods from the
 * controllers' scale, healthy pods) follows v1.31
 * pkg/controller/disruption/disruption.go getExpectedPodCount /
 * getExpectedScale / countHealthyPods and its finders. */
#include "sim/eviction.h"

#include <string.h>

#include "sched/pdb.h"
#include "sched/pod.h"
#include "sim/controllers/deletion.h"
#include "workloads/apps.h"

#define MSG_TOO_MANY "Cannot evict pod as it would violate the pod's disruption budget."
#define MSG_EVICTING "Eviction API: evicting"
#define MSG_MULTIPLE                                                                       \
  "Internal error occurred: This pod has more than one PodDisruptionBudget, which the "    \
  "eviction subresource does not support."

typedef struct {
  gint32 expected, desired_healthy, current_healthy, disruptions_allowed;
} BudgetStatus;

/* The scale of a pod's controller and the uid it is counted under
 * (finders: Deployment through its ReplicaSet, a ReplicaSet a Deployment
 * does not control, a StatefulSet). FALSE when none has a scale. */
static gboolean controller_scale(KsStore *store, const char *ns, const KsOwnerReference *ref,
                                 const char **uid, gint32 *scale) {
  if (!g_strcmp0(ref->kind, "ReplicaSet")) {
    const KsStoreObject *o = ks_store_get(store, KS_STORE_REPLICA_SET, ns, ref->name);
    const KsReplicaSet *rs = o ? o->data : NULL;
    if (!rs || g_strcmp0(rs->meta.uid, ref->uid))
      return FALSE;
    const KsOwnerReference *up = ks_object_meta_get_controller(&rs->meta);
    if (up && !g_strcmp0(up->kind, "Deployment")) {
      const KsStoreObject *d = ks_store_get(store, KS_STORE_DEPLOYMENT, ns, up->name);
      const KsDeployment *dep = d ? d->data : NULL;
      if (!dep || g_strcmp0(dep->meta.uid, up->uid))
        return FALSE;
      *uid = dep->meta.uid;
      *scale = dep->replicas;
      return TRUE;
    }
    *uid = rs->meta.uid;
    *scale = rs->replicas;
    return TRUE;
  }
  if (!g_strcmp0(ref->kind, "StatefulSet")) {
    const KsStoreObject *o = ks_store_get(store, KS_STORE_STATEFUL_SET, ns, ref->name);
    const KsStatefulSet *ss = o ? o->data : NULL;
    if (!ss || g_strcmp0(ss->meta.uid, ref->uid))
      return FALSE;
    *uid = ss->meta.uid;
    *scale = ss->replicas;
    return TRUE;
  }
  return FALSE;
}

/* getExpectedScale: the sum of the scales of the pods' controllers, each
 * counted once; pods without a controller are left out. FALSE when a pod's
 * controller has no scale (upstream's sync fails). */
static gboolean expected_scale(KsStore *store, const char *ns, GPtrArray *pods, gint32 *out) {
  GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
  gint64 sum = 0;
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < pods->len; i++) {
    const KsOwnerReference *ref = ks_pod_get_controller(pods->pdata[i]);
    const char *uid = NULL;
    gint32 scale = 0;
    if (!ref || (ref->uid && g_hash_table_contains(seen, ref->uid)))
      continue;
    ok = controller_scale(store, ns, ref, &uid, &scale);
    if (ok && uid && !g_hash_table_contains(seen, uid)) {
      g_hash_table_add(seen, (gpointer)uid);
      sum += scale;
    }
  }
  g_hash_table_destroy(seen);
  *out = (gint32)MIN(sum, G_MAXINT32);
  return ok;
}

/* The budget's status as the disruption controller would write it now. */
static void budget_status(KsStore *store, const KsPodDisruptionBudget *b, BudgetStatus *st) {
  GPtrArray *all = ks_store_list(store, KS_STORE_POD, b->namespace);
  GPtrArray *pods = g_ptr_array_new();
  for (guint i = 0; i < all->len; i++) {
    const KsPod *p = ((const KsStoreObject *)all->pdata[i])->data;
    if (ks_pdb_selects(b, p))
      g_ptr_array_add(pods, (gpointer)p);
  }
  *st = (BudgetStatus){0};
  gboolean ok = TRUE;
  if (b->max_unavailable.set || (b->min_available.set && b->min_available.is_percent))
    ok = expected_scale(store, b->namespace, pods, &st->expected);
  else if (b->min_available.set)
    st->expected = (gint32)pods->len;
  for (guint i = 0; i < pods->len; i++) {
    const KsPod *p = pods->pdata[i];
    st->current_healthy += p->ready && !ks_pod_is_terminating(p);
  }
  if (ok) {
    st->desired_healthy = ks_pdb_desired_healthy(b, st->expected);
    st->disruptions_allowed = ks_pdb_disruptions_allowed(b, st->expected, st->current_healthy);
  } /* else failSafe: no disruption allowed */
  g_ptr_array_unref(pods);
  g_ptr_array_unref(all);
}

static void set_message(char **message, const char *text) {
  if (message)
    *message = g_strdup(text);
}

/* addConditionAndDeletePod: the DisruptionTarget condition (PodDisruptionConditions, GA in
 * v1.31), then the DELETE. */
static KsEvictionResult delete_pod(KsStore *store, const char *ns, const char *name,
                                   const gint64 *grace, char **message) {
  const KsStoreObject *o = ks_store_get(store, KS_STORE_POD, ns, name);
  if (o) {
    KsPod *copy = ks_pod_copy(o->data);
    if (ks_pod_set_condition(copy, KS_POD_CONDITION_DISRUPTION_TARGET, KS_POD_CONDITION_TRUE,
                             KS_POD_REASON_EVICTION_BY_EVICTION_API, MSG_EVICTING,
                             ks_engine_now(ks_store_get_engine(store))))
      ks_store_update(store, KS_STORE_POD, ns, name, copy, (GDestroyNotify)ks_pod_unref,
                      o->resource_version, NULL);
    else
      ks_pod_unref(copy);
  }
  GError *error = NULL;
  if (ks_object_delete_grace(store, KS_STORE_POD, ns, name, KS_PROPAGATION_BACKGROUND, grace,
                             &error))
    return KS_EVICTION_OK;
  KsEvictionResult r = g_error_matches(error, KS_STORE_ERROR, KS_STORE_ERROR_NOT_FOUND)
                           ? KS_EVICTION_NOT_FOUND
                           : KS_EVICTION_ERROR;
  set_message(message, error->message);
  g_error_free(error);
  return r;
}

KsEvictionResult ks_sim_evict_pod(KsStore *store, const char *ns, const char *name,
                                  char **message) {
  return ks_sim_evict_pod_grace(store, ns, name, NULL, message);
}

KsEvictionResult ks_sim_evict_pod_grace(KsStore *store, const char *ns, const char *name,
                                        const gint64 *grace_seconds, char **message) {
  if (message)
    *message = NULL;
  const KsStoreObject *o = ks_store_get(store, KS_STORE_POD, ns, name);
  if (!o) {
    if (message)
      *message = g_strdup_printf("pods \"%s\" not found", name);
    return KS_EVICTION_NOT_FOUND;
  }
  const KsPod *pod = o->data;
  if (pod->phase == KS_POD_SUCCEEDED || pod->phase == KS_POD_FAILED ||
      pod->phase == KS_POD_PENDING || ks_pod_is_terminating(pod))
    return delete_pod(store, ns, name, grace_seconds, message);
  GPtrArray *pdbs = ks_store_list(store, KS_STORE_POD_DISRUPTION_BUDGET, ns);
  const KsPodDisruptionBudget *budget = NULL;
  guint covering = 0;
  for (guint i = 0; i < pdbs->len; i++) {
    const KsPodDisruptionBudget *b = ((const KsStoreObject *)pdbs->pdata[i])->data;
    /* a nil or empty selector matches nothing here */
    if (b->selector && !ks_label_selector_is_empty(b->selector) &&
        ks_label_selector_matches(b->selector, &pod->labels)) {
      budget = b;
      covering++;
    }
  }
  KsEvictionResult r;
  BudgetStatus st;
  if (covering > 1) {
    set_message(message, MSG_MULTIPLE);
    r = KS_EVICTION_ERROR;
  } else if (covering == 0) {
    r = delete_pod(store, ns, name, grace_seconds, message);
  } else {
    budget_status(store, budget, &st);
    if (!pod->ready && st.current_healthy >= st.desired_healthy && st.desired_healthy > 0)
      r = delete_pod(store, ns, name, grace_seconds, message); /* IfHealthyBudget: not counted, not needed */
    else if (st.disruptions_allowed == 0) {
      set_message(message, MSG_TOO_MANY);
      r = KS_EVICTION_TOO_MANY_REQUESTS;
    } else
      r = delete_pod(store, ns, name, grace_seconds, message);
  }
  g_ptr_array_unref(pdbs);
  return r;
}
