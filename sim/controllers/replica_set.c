/* See replica_set.h. Handlers follow upstream's addPod / updatePod /
 * deletePod: a pod's own controller is told of it (and its expectations
 * lowered); an orphan wakes every ReplicaSet whose selector matches it.
 * "ReplicaSet" below is any object of the kind the controller runs (Rsc.k):
 * handlers read it through the kind's accessors, a sync through one
 * KsReplicaSet view made at its start. */
#include "sim/controllers/replica_set.h"

#include <string.h>

#include "sim/controllers/controller_utils.h"
#include "sim/controllers/deletion.h"
#include "sim/controllers/expectations.h"
#include "workloads/apps.h"

typedef struct {
  KsController *c;
  const KsReplicaKind *k;
  KsExpectations *exp;
} Rsc;

static const KsPod *pod_of(const KsStoreObject *o) { return o->data; }
static const KsObjectMeta *meta_of(Rsc *r, const KsStoreObject *o) { return r->k->meta(o->data); }

static char *pod_key(const KsPod *p) { return g_strconcat(p->namespace, "/", p->name, NULL); }

/* resolveControllerRef: the ReplicaSet ref names, if it is that one (uid). */
static const KsStoreObject *resolve(Rsc *r, const char *ns, const KsOwnerReference *ref) {
  if (!ref || g_strcmp0(ref->kind, r->k->kind) != 0)
    return NULL;
  const KsStoreObject *o = ks_store_get(ks_controller_store(r->c), r->k->store_kind, ns,
                                        ref->name);
  if (!o || g_strcmp0(meta_of(r, o)->uid, ref->uid) != 0)
    return NULL;
  return o;
}

typedef struct {
  Rsc *r;
  const KsPod *pod;
} Orphan;

static gboolean enqueue_if_selects(const KsStoreObject *o, gpointer data) {
  Orphan *x = data;
  if (strcmp(o->namespace, x->pod->namespace) == 0 &&
      x->r->k->selects(o->data, &x->pod->labels))
    ks_controller_enqueue(x->r->c, o);
  return TRUE;
}

/* GetPodReplicaSets: every ReplicaSet of the pod's namespace selecting it. */
static void enqueue_selecting(Rsc *r, const KsPod *pod) {
  Orphan x = {r, pod};
  ks_store_foreach(ks_controller_store(r->c), r->k->store_kind, enqueue_if_selects, &x);
}

static void on_pod_delete(KsController *c, gpointer self, const KsStoreObject *obj);

static void on_pod_add(KsController *c, gpointer self, const KsStoreObject *obj) {
  Rsc *r = self;
  const KsPod *pod = pod_of(obj);
  if (pod->deletion_timestamp_us) {
    on_pod_delete(c, self, obj); /* restarted controller seeing a terminating pod */
    return;
  }
  const KsOwnerReference *ref = ks_pod_get_controller(pod);
  if (ref) {
    const KsStoreObject *rs = resolve(r, pod->namespace, ref);
    if (!rs)
      return;
    char *key = ks_controller_key(rs);
    ks_expectations_creation_observed(r->exp, key);
    ks_controller_enqueue_key(c, key);
    g_free(key);
    return;
  }
  enqueue_selecting(r, pod);
}

static void on_pod_update(KsController *c, gpointer self, const KsStoreObject *old_obj,
                          const KsStoreObject *new_obj) {
  Rsc *r = self;
  const KsPod *old = pod_of(old_obj), *cur = pod_of(new_obj);
  if (old_obj->resource_version == new_obj->resource_version)
    return; /* a resync */
  gboolean labels_changed = !ks_labels_equal(&old->labels, &cur->labels);
  if (cur->deletion_timestamp_us) {
    on_pod_delete(c, self, new_obj);
    if (labels_changed)
      on_pod_delete(c, self, old_obj);
    return;
  }
  const KsOwnerReference *cur_ref = ks_pod_get_controller(cur);
  const KsOwnerReference *old_ref = ks_pod_get_controller(old);
  gboolean ref_changed = !(cur_ref == old_ref || (cur_ref && old_ref &&
                                                  ks_owner_reference_equal(cur_ref, old_ref)));
  if (ref_changed && old_ref) {
    const KsStoreObject *rs = resolve(r, old->namespace, old_ref);
    if (rs)
      ks_controller_enqueue(c, rs);
  }
  if (cur_ref) {
    const KsStoreObject *rs = resolve(r, cur->namespace, cur_ref);
    if (!rs)
      return;
    ks_controller_enqueue(c, rs);
    /* a pod turned ready: look again when it becomes available, one
     * second late as upstream (availability is strictly after
     * minReadySeconds) */
    gint32 min_ready = r->k->min_ready_seconds(rs->data);
    if (!old->ready && cur->ready && min_ready > 0) {
      char *key = ks_controller_key(rs);
      ks_controller_enqueue_after(c, key, ((gint64)min_ready + 1) * G_USEC_PER_SEC);
      g_free(key);
    }
    return;
  }
  if (labels_changed || ref_changed)
    enqueue_selecting(r, cur);
}

static void on_pod_delete(KsController *c, gpointer self, const KsStoreObject *obj) {
  Rsc *r = self;
  const KsPod *pod = pod_of(obj);
  const KsStoreObject *rs = resolve(r, pod->namespace, ks_pod_get_controller(pod));
  if (!rs)
    return;
  char *key = ks_controller_key(rs);
  char *pk = pod_key(pod);
  ks_expectations_deletion_observed_of(r->exp, key, pk);
  ks_controller_enqueue_key(c, key);
  g_free(pk);
  g_free(key);
}

static void on_rs_add(KsController *c, gpointer self, const KsStoreObject *obj) {
  ks_controller_enqueue(c, obj);
}

static void on_rs_update(KsController *c, gpointer self, const KsStoreObject *old_obj,
                         const KsStoreObject *new_obj) {
  ks_controller_enqueue(c, new_obj);
}

static void on_rs_delete(KsController *c, gpointer self, const KsStoreObject *obj) {
  Rsc *r = self;
  char *key = ks_controller_key(obj);
  ks_expectations_delete(r->exp, key);
  ks_controller_enqueue_key(c, key);
  g_free(key);
}

gpointer ks_replica_controller_init(KsController *c, const KsReplicaKind *kind) {
  Rsc *r = g_new0(Rsc, 1);
  r->c = c;
  r->k = kind;
  r->exp = ks_expectations_new(ks_controller_engine(c));
  KsInformerHandlers rs = {on_rs_add, on_rs_update, on_rs_delete};
  KsInformerHandlers pods = {on_pod_add, on_pod_update, on_pod_delete};
  ks_controller_watch(c, kind->store_kind, &rs, 0);
  ks_controller_watch(c, KS_STORE_POD, &pods, 0);
  return r; /* transfer full */
}

void ks_replica_controller_free(gpointer self) {
  Rsc *r = self;
  ks_expectations_free(r->exp);
  g_free(r);
}

/* ---- claiming ---------------------------------------------------------------- */

/* Writes a copy of pod with its owner references changed: adopt (add a
 * controller reference to rs) or release (remove rs's references). */
static gboolean patch_owner(Rsc *r, const KsStoreObject *pod_obj, const KsReplicaSet *rs,
                            gboolean adopt) {
  KsPod *p = ks_pod_copy(pod_of(pod_obj));
  if (adopt)
    ks_owner_reference_array_add(&p->owner_references, r->k->api_version, r->k->kind,
                                 rs->meta.name, rs->meta.uid, TRUE, TRUE);
  else if (p->owner_references)
    ks_owner_reference_array_remove_uid(p->owner_references, rs->meta.uid);
  return ks_store_update(ks_controller_store(r->c), KS_STORE_POD, pod_obj->namespace,
                         pod_obj->name, p, (GDestroyNotify)ks_pod_unref,
                         pod_obj->resource_version, NULL) != 0;
}

/* ClaimPods over the active pods of the namespace: returns the pods (store
 * objects, referenced) the ReplicaSet owns after adopting and releasing. */
static GPtrArray *claim_pods(Rsc *r, const KsStoreObject *rs_obj, const KsReplicaSet *rs) {
  KsStore *store = ks_controller_store(r->c);
  GPtrArray *all = ks_controller_claimable_pods(store, rs_obj->namespace, rs->meta.uid);
  GPtrArray *owned = g_ptr_array_new_with_free_func((GDestroyNotify)ks_store_object_unref);
  gboolean deleting = rs->meta.deletion_timestamp_us != 0;
  for (guint i = 0; i < all->len; i++) {
    const KsStoreObject *o = all->pdata[i];
    const KsPod *pod = pod_of(o);
    if (!ks_controller_pod_is_active(pod))
      continue;
    gboolean match = ks_label_selector_matches(rs->selector, &pod->labels);
    const KsOwnerReference *ref = ks_pod_get_controller(pod);
    if (ref) {
      if (g_strcmp0(ref->uid, rs->meta.uid) != 0)
        continue; /* someone else's */
      if (match) {
        g_ptr_array_add(owned, ks_store_object_ref(o));
      } else if (!deleting) {
        patch_owner(r, o, rs, FALSE);
      }
      continue;
    }
    if (deleting || !match || pod->deletion_timestamp_us)
      continue;
    if (patch_owner(r, o, rs, TRUE)) {
      const KsStoreObject *adopted = ks_store_get(store, KS_STORE_POD, o->namespace, o->name);
      g_ptr_array_add(owned, ks_store_object_ref(adopted));
    }
  }
  g_ptr_array_unref(all);
  return owned;
}

/* ---- manageReplicas --------------------------------------------------------- */

/* slowStartBatch: count creations in batches 1, 2, 4, ...; stops after the
 * first batch with a failure. Returns the successes; *error the first
 * failure. */
static gint create_pods(Rsc *r, const KsStoreObject *rs_obj, const KsReplicaSet *rs, gint count,
                        GError **error) {
  char *prefix = g_strconcat(rs->meta.name, "-", NULL);
  gint successes = 0, remaining = count;
  for (gint batch = MIN(remaining, 1); batch > 0; batch = MIN(2 * batch, remaining)) {
    gboolean failed = FALSE;
    for (gint i = 0; i < batch; i++) {
      KsPod *pod = ks_controller_pod_from_template(rs->template, rs_obj->namespace, prefix,
                                                   r->k->api_version, r->k->kind, rs->meta.name,
                                                   rs->meta.uid);
      GError *local = NULL;
      char *name = ks_controller_create_pod(r->c, pod, &local);
      if (name) {
        successes++;
        g_free(name);
      } else {
        failed = TRUE;
        if (error && !*error)
          g_propagate_error(error, local);
        else
          g_error_free(local);
      }
    }
    if (failed)
      break;
    remaining -= batch;
  }
  g_free(prefix);
  return successes;
}

typedef struct {
  Rsc *r;
  const char *controller_uid; /* of the ReplicaSet's own controller */
  const char *namespace;
  GPtrArray *rs_uids;         /* ReplicaSets with that controller */
} Related;

static gboolean collect_sibling(const KsStoreObject *o, gpointer data) {
  Related *x = data;
  const KsObjectMeta *m = meta_of(x->r, o);
  const KsOwnerReference *ref = ks_object_meta_get_controller(m);
  if (strcmp(o->namespace, x->namespace) == 0 && ref && g_strcmp0(ref->uid, x->controller_uid) == 0)
    g_ptr_array_add(x->rs_uids, m->uid);
  return TRUE;
}

/* getIndirectlyRelatedPods: the pods owned by the ReplicaSet or by any
 * ReplicaSet with the same controller (a Deployment's old and new ones). */
static GPtrArray *related_pods(Rsc *r, const KsStoreObject *rs_obj, const KsReplicaSet *rs,
                               GPtrArray *pod_objs) {
  KsStore *store = ks_controller_store(r->c);
  GPtrArray *uids = g_ptr_array_new();
  g_ptr_array_add(uids, rs->meta.uid);
  const KsOwnerReference *ref = ks_object_meta_get_controller(&rs->meta);
  if (ref) {
    Related x = {r, ref->uid, rs_obj->namespace, uids};
    ks_store_foreach(store, r->k->store_kind, collect_sibling, &x);
  }
  GPtrArray *related = g_ptr_array_new();
  for (guint i = 0; i < pod_objs->len; i++) {
    const KsPod *p = pod_of(pod_objs->pdata[i]);
    const KsOwnerReference *pref = ks_pod_get_controller(p);
    for (guint j = 0; pref && j < uids->len; j++)
      if (g_strcmp0(pref->uid, uids->pdata[j]) == 0) {
        g_ptr_array_add(related, (gpointer)p);
        break;
      }
  }
  g_ptr_array_unref(uids);
  return related;
}

static gboolean delete_pod(Rsc *r, const KsPod *pod, GError **error) {
  return ks_object_delete(ks_controller_store(r->c), KS_STORE_POD, pod->namespace, pod->name,
                          KS_PROPAGATION_BACKGROUND, error);
}

static gboolean manage_replicas(Rsc *r, const KsStoreObject *rs_obj, const KsReplicaSet *rs,
                                GPtrArray *owned, const char *key, GError **error) {
  gint diff = (gint)owned->len - rs->replicas;
  if (diff < 0) {
    diff = MIN(-diff, KS_REPLICA_SET_BURST_REPLICAS);
    ks_expectations_expect_creations(r->exp, key, diff);
    gint created = create_pods(r, rs_obj, rs, diff, error);
    /* the skipped ones will never be observed */
    ks_expectations_lower(r->exp, key, diff - created, 0);
    return created == diff;
  }
  if (diff == 0)
    return TRUE;
  diff = MIN(diff, KS_REPLICA_SET_BURST_REPLICAS);
  GPtrArray *pods = g_ptr_array_new();
  for (guint i = 0; i < owned->len; i++)
    g_ptr_array_add(pods, (gpointer)pod_of(owned->pdata[i]));
  if ((guint)diff < pods->len) {
    GPtrArray *ns_pods = ks_store_list(ks_controller_store(r->c), KS_STORE_POD, rs_obj->namespace);
    GPtrArray *related = related_pods(r, rs_obj, rs, ns_pods);
    ks_controller_sort_pods_to_delete(pods, related, ks_controller_now(r->c));
    g_ptr_array_unref(related);
    g_ptr_array_unref(ns_pods);
  }
  char **keys = g_new0(char *, diff + 1);
  for (gint i = 0; i < diff; i++)
    keys[i] = pod_key(pods->pdata[i]);
  ks_expectations_expect_deletions_of(r->exp, key, (const char *const *)keys, (guint)diff);
  gboolean ok = TRUE;
  for (gint i = 0; i < diff; i++) {
    GError *local = NULL;
    if (delete_pod(r, pods->pdata[i], &local))
      continue;
    /* a pod already gone is no error; either way it will not be observed */
    ks_expectations_deletion_observed_of(r->exp, key, keys[i]);
    if (g_error_matches(local, KS_STORE_ERROR, KS_STORE_ERROR_NOT_FOUND)) {
      g_error_free(local);
      continue;
    }
    ok = FALSE;
    if (error && !*error)
      g_propagate_error(error, local);
    else
      g_error_free(local);
  }
  g_strfreev(keys);
  g_ptr_array_unref(pods);
  return ok;
}

/* ---- status ----------------------------------------------------------------- */

static gboolean template_labels_match(const KsPod *tmpl, const KsPod *pod) {
  for (guint i = 0; i < tmpl->labels.n; i++)
    if (g_strcmp0(ks_labels_get(&pod->labels, tmpl->labels.items[i].key),
                  tmpl->labels.items[i].value) != 0)
      return FALSE;
  return TRUE;
}

static gboolean write_status(Rsc *r, const KsStoreObject *rs_obj, const KsReplicaSet *rs,
                             GPtrArray *owned, const GError *manage_error, KsReplicaSet **written) {
  gint64 now = ks_controller_now(r->c);
  gint32 fully = 0, ready = 0, available = 0;
  for (guint i = 0; i < owned->len; i++) {
    const KsPod *p = pod_of(owned->pdata[i]);
    if (template_labels_match(rs->template, p))
      fully++;
    if (p->ready) {
      ready++;
      if (ks_pod_is_available(p, rs->min_ready_seconds, now))
        available++;
    }
  }
  KsReplicaSet *n = ks_replica_set_copy(rs);
  n->status_replicas = (gint32)owned->len;
  n->fully_labeled_replicas = fully;
  n->ready_replicas = ready;
  n->available_replicas = available;
  gboolean cond_changed = FALSE;
  gboolean has_failure = ks_conditions_get(n->conditions, KS_RS_COND_REPLICA_FAILURE) != NULL;
  if (manage_error && !has_failure) {
    /* upstream: the reason from the sign of the difference */
    gint diff = (gint)owned->len - rs->replicas;
    cond_changed = ks_conditions_set(&n->conditions, KS_RS_COND_REPLICA_FAILURE,
                                     KS_CONDITION_TRUE,
                                     diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "",
                                     manage_error->message, now);
  } else if (!manage_error && has_failure) {
    cond_changed = ks_conditions_remove(n->conditions, KS_RS_COND_REPLICA_FAILURE);
  }
  gboolean same = n->status_replicas == rs->status_replicas &&
                  n->fully_labeled_replicas == rs->fully_labeled_replicas &&
                  n->ready_replicas == rs->ready_replicas &&
                  n->available_replicas == rs->available_replicas &&
                  rs->observed_generation == rs->meta.generation &&
                  !cond_changed;
  if (same) {
    ks_replica_set_free(n);
    *written = NULL;
    return TRUE;
  }
  n->observed_generation = n->meta.generation;
  *written = n;
  return ks_store_update(ks_controller_store(r->c), r->k->store_kind, rs_obj->namespace,
                         rs_obj->name, r->k->with_status(rs_obj->data, n), r->k->free,
                         rs_obj->resource_version, NULL) != 0;
}

/* ---- syncReplicaSet --------------------------------------------------------- */

KsSyncResult ks_replica_controller_sync(KsController *c, gpointer self, const char *key) {
  Rsc *r = self;
  char *ns, *name;
  ks_controller_split_key(key, &ns, &name);
  const KsStoreObject *rs_obj = ks_store_get(ks_controller_store(c), r->k->store_kind, ns, name);
  g_free(ns);
  g_free(name);
  if (!rs_obj) {
    ks_expectations_delete(r->exp, key);
    return KS_SYNC_DONE;
  }
  KsStoreObject *held = ks_store_object_ref(rs_obj); /* our writes may replace it */
  /* a kind without a conversion stores KsReplicaSets: no copy */
  KsReplicaSet *view = r->k->to_replica_set ? r->k->to_replica_set(held->data) : NULL;
  const KsReplicaSet *rs = view ? view : held->data;
  gboolean needs_sync = ks_expectations_satisfied(r->exp, key);
  GPtrArray *owned = claim_pods(r, held, rs);
  GError *manage_error = NULL;
  gboolean ok = TRUE;
  if (needs_sync && rs->meta.deletion_timestamp_us == 0)
    ok = manage_replicas(r, held, rs, owned, key, &manage_error);
  KsReplicaSet *written = NULL;
  if (!write_status(r, held, rs, owned, manage_error, &written))
    ok = FALSE;
  const KsReplicaSet *now_rs = written ? written : rs;
  /* Upstream requeues after minReadySeconds; its sync runs some
   * milliseconds after the pod turned ready, ksim's at the same instant,
   * where minReadySeconds later the pod is not yet available (that is
   * strictly after): 1 µs more stands for upstream's skew. */
  if (ok && now_rs->min_ready_seconds > 0 && now_rs->ready_replicas == now_rs->replicas &&
      now_rs->available_replicas != now_rs->replicas)
    ks_controller_enqueue_after(c, key, (gint64)now_rs->min_ready_seconds * G_USEC_PER_SEC + 1);
  if (written)
    ks_replica_set_free(written);
  g_clear_error(&manage_error);
  g_ptr_array_unref(owned);
  ks_replica_set_free(view);
  ks_store_object_unref(held);
  return ok ? KS_SYNC_DONE : KS_SYNC_RETRY;
}

/* ---- the ReplicaSet kind ---------------------------------------------------- */

static const KsObjectMeta *rs_meta(gconstpointer data) { return &((const KsReplicaSet *)data)->meta; }

static gint32 rs_min_ready_seconds(gconstpointer data) {
  return ((const KsReplicaSet *)data)->min_ready_seconds;
}

static gboolean rs_selects(gconstpointer data, const KsLabels *labels) {
  const KsReplicaSet *rs = data;
  return rs->selector && !ks_label_selector_is_empty(rs->selector) &&
         ks_label_selector_matches(rs->selector, labels);
}

/* rs is a copy of data with its status rewritten: it is the new object. */
static gpointer rs_with_status(gconstpointer data, const KsReplicaSet *rs) {
  return ks_replica_set_copy(rs); /* transfer full */
}

const KsReplicaKind ks_replica_set_kind = {
  .store_kind = KS_STORE_REPLICA_SET,
  .api_version = KS_REPLICA_SET_API_VERSION,
  .kind = KS_REPLICA_SET_KIND,
  .meta = rs_meta,
  .min_ready_seconds = rs_min_ready_seconds,
  .selects = rs_selects,
  .to_replica_set = NULL, /* stored as KsReplicaSet */
  .with_status = rs_with_status,
  .free = (GDestroyNotify)ks_replica_set_free,
};

static gpointer rsc_init(KsController *c) { return ks_replica_controller_init(c, &ks_replica_set_kind); }

const KsControllerClass ks_replica_set_controller_class = {
  .name = "replicaset",
  .default_workers = KS_REPLICA_SET_WORKERS,
  .init = rsc_init,
  .sync = ks_replica_controller_sync,
  .free = ks_replica_controller_free,
};
