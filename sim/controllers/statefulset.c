/* The StatefulSet controller: see statefulset.h for what a sync does.
 *
 * No state between syncs: upstream's StatefulSet controller keeps no
 * expectations, and ksim reads the store itself (its own writes are visible
 * at once), so each sync starts from the store.
 */
#include "sim/controllers/statefulset.h"

#include <string.h>

#include "sim/admission_storage_class.h"
#include "sim/controllers/controller_utils.h"
#include "sim/controllers/history.h"
#include "sim/controllers/statefulset_util.h"
#include "sim/pod_create.h"
#include "traces/trace_json.h"
#include "workloads/apps.h"

#define STS_KIND "StatefulSet"
#define STS_API_VERSION "apps/v1"

/* upstream MaxBatchSize of slowStartBatch */
#define STS_MAX_BATCH 500

typedef struct {
  KsController *c;
} Sts;

typedef struct {
  KsPod *pod;       /* ref */
  gboolean created; /* in the store (upstream isCreated: a phase is set) */
} Member;

typedef struct {
  Sts *st;
  const KsStatefulSet *set;
  const char *const *claims; /* claim template names, NULL-terminated */
  const KsControllerRevision *current, *update;
  gboolean monotonic;
  gint64 now;
  GArray *replicas;  /* Member, index = ordinal - start */
  GArray *condemned; /* Member, highest ordinal first */
} Sync;

static char *set_key(const KsStatefulSet *set) {
  return g_strdup_printf("%s/%s", set->meta.namespace, set->meta.name);
}

static const KsStatefulSet *owner_of(KsController *c, const KsPod *pod) {
  const KsStoreObject *o = ks_controller_pod_owner(c, pod, KS_STORE_STATEFUL_SET);
  return o ? o->data : NULL;
}

static void enqueue_set(KsController *c, const KsStatefulSet *set) {
  char *key = set_key(set);
  ks_controller_enqueue_key(c, key);
  g_free(key);
}

/* ---- informers -------------------------------------------------------------------- */

/* getStatefulSetsForPod: an orphan pod wakes every set of its namespace
 * whose selector matches it, so one may adopt it. */
static void enqueue_matching_sets(KsController *c, const KsPod *pod) {
  GPtrArray *sets = ks_store_list(ks_controller_store(c), KS_STORE_STATEFUL_SET, pod->namespace);
  for (guint i = 0; i < sets->len; i++) {
    const KsStatefulSet *set = ((const KsStoreObject *)sets->pdata[i])->data;
    if (set->selector && !ks_label_selector_is_empty(set->selector) &&
        ks_label_selector_matches(set->selector, &pod->labels))
      enqueue_set(c, set);
  }
  g_ptr_array_unref(sets);
}

static void on_pod(KsController *c, gpointer self, const KsStoreObject *obj) {
  (void)self;
  const KsPod *pod = obj->data;
  if (!ks_controller_enqueue_pod_owner(c, pod, KS_STORE_STATEFUL_SET) &&
      !ks_pod_get_controller(pod) && pod->deletion_timestamp_us == 0)
    enqueue_matching_sets(c, pod); /* an orphan: who wants it */
}

static void on_pod_del(KsController *c, gpointer self, const KsStoreObject *obj) {
  (void)self;
  ks_controller_enqueue_pod_owner(c, obj->data, KS_STORE_STATEFUL_SET);
}

static void on_pod_update(KsController *c, gpointer self, const KsStoreObject *old_obj,
                          const KsStoreObject *new_obj) {
  (void)self;
  if (old_obj->resource_version == new_obj->resource_version)
    return;
  const KsPod *old = old_obj->data, *cur = new_obj->data;
  const KsStatefulSet *old_set = owner_of(c, old), *set = owner_of(c, cur);
  if (old_set && old_set != set)
    enqueue_set(c, old_set);
  if (set == NULL) {
    /* an orphan whose labels or owner changed: who wants it now */
    if (!ks_pod_get_controller(cur) &&
        (!ks_labels_equal(&old->labels, &cur->labels) || ks_pod_get_controller(old)))
      enqueue_matching_sets(c, cur);
    return;
  }
  enqueue_set(c, set);
  if (!old->ready && cur->ready && set->min_ready_seconds > 0) {
    char *key = set_key(set);
    /* + 1 us: availability is strictly after minReadySeconds and ksim's sync
     * runs at the instant the pod turned ready (upstream's a few ms later). */
    ks_controller_enqueue_after(c, key, (gint64)set->min_ready_seconds * G_USEC_PER_SEC + 1);
    g_free(key);
  }
}

/* ---- revisions -------------------------------------------------------------------- */

typedef struct {
  const KsStatefulSet *set;
  GPtrArray *revs; /* KsStoreObject refs */
} RevList;

static gboolean collect_rev(const KsStoreObject *obj, gpointer user_data) {
  RevList *rl = user_data;
  const KsControllerRevision *cr = obj->data;
  if (g_strcmp0(obj->namespace, rl->set->meta.namespace) != 0)
    return TRUE;
  const KsOwnerReference *ref = ks_object_meta_get_controller(&cr->meta);
  if (ref && g_strcmp0(ref->kind, STS_KIND) == 0 && g_strcmp0(ref->uid, rl->set->meta.uid) == 0)
    g_ptr_array_add(rl->revs, ks_store_object_ref(obj));
  return TRUE;
}

/* history.SortControllerRevisions: revision, then creation time, then name. */
static gint rev_compare(gconstpointer a, gconstpointer b) {
  const KsControllerRevision *x = (*(const KsStoreObject *const *)a)->data;
  const KsControllerRevision *y = (*(const KsStoreObject *const *)b)->data;
  if (x->revision != y->revision)
    return x->revision < y->revision ? -1 : 1;
  if (x->meta.creation_timestamp_us != y->meta.creation_timestamp_us)
    return x->meta.creation_timestamp_us < y->meta.creation_timestamp_us ? -1 : 1;
  return strcmp(x->meta.name, y->meta.name);
}

static char *rev_data(const KsControllerRevision *cr) {
  return cr->data ? ks_history_template_data(cr->data) : g_strdup("");
}

/* getStatefulSetRevisions. Sets *current and *update (store objects, refs)
 * and *collision_count; FALSE when a store write failed (retry). */
static gboolean get_revisions(Sts *st, const KsStatefulSet *set, GPtrArray *revs,
                              KsStoreObject **current, KsStoreObject **update,
                              gint32 *collision_count) {
  KsStore *s = ks_controller_store(st->c);
  *collision_count = set->collision_count;
  *current = *update = NULL;
  gint64 next = revs->len ? ((const KsControllerRevision *)((KsStoreObject *)revs->pdata[revs->len - 1])->data)->revision + 1 : 1;
  char *data = ks_history_template_data(set->template);
  gint last_equal = -1;
  for (guint i = 0; i < revs->len; i++) {
    char *d = rev_data(((KsStoreObject *)revs->pdata[i])->data);
    if (strcmp(d, data) == 0)
      last_equal = (gint)i;
    g_free(d);
  }
  gboolean ok = TRUE;
  if (last_equal >= 0 && last_equal == (gint)revs->len - 1) {
    *update = ks_store_object_ref(revs->pdata[last_equal]); /* unchanged */
  } else if (last_equal >= 0) {
    /* a rollback to an older revision: renumber it */
    KsStoreObject *o = revs->pdata[last_equal];
    KsControllerRevision *up = ks_controller_revision_copy(o->data);
    up->revision = next;
    if (ks_store_update(s, KS_STORE_CONTROLLER_REVISION, o->namespace, o->name, up,
                        (GDestroyNotify)ks_controller_revision_free, o->resource_version, NULL)) {
      const KsStoreObject *now = ks_store_get(s, KS_STORE_CONTROLLER_REVISION, o->namespace, o->name);
      *update = ks_store_object_ref(now);
    } else {
      ok = FALSE;
    }
  } else {
    /* CreateControllerRevision: a name taken by other data bumps the count */
    for (;;) {
      char *hash = ks_history_hash_revision(data, strlen(data), collision_count);
      char *name = ks_history_revision_name(set->meta.name, hash);
      const KsStoreObject *taken = ks_store_get(s, KS_STORE_CONTROLLER_REVISION,
                                                set->meta.namespace, name);
      if (taken) {
        char *d = rev_data(taken->data);
        gboolean same = strcmp(d, data) == 0;
        g_free(d);
        if (same)
          *update = ks_store_object_ref(taken);
        else
          (*collision_count)++;
        g_free(hash);
        g_free(name);
        if (same)
          break;
        continue;
      }
      KsControllerRevision *cr = ks_controller_revision_new(set->meta.namespace, name);
      ks_labels_copy(&cr->meta.labels, &set->template->labels);
      ks_labels_set(&cr->meta.labels, KS_HISTORY_HASH_LABEL, hash);
      ks_labels_clear(&cr->meta.annotations);
      ks_labels_copy(&cr->meta.annotations, &set->meta.annotations);
      ks_owner_reference_array_add(&cr->meta.owner_references, STS_API_VERSION, STS_KIND,
                                   set->meta.name, set->meta.uid, TRUE, TRUE);
      cr->meta.creation_timestamp_us = ks_controller_now(st->c);
      cr->revision = next;
      cr->data = ks_pod_copy(set->template);
      if (ks_store_create(s, KS_STORE_CONTROLLER_REVISION, set->meta.namespace, name, cr,
                          (GDestroyNotify)ks_controller_revision_free, NULL))
        *update = ks_store_object_ref(ks_store_get(s, KS_STORE_CONTROLLER_REVISION,
                                                   set->meta.namespace, name));
      else
        ok = FALSE;
      g_free(hash);
      g_free(name);
      break;
    }
  }
  g_free(data);
  if (!ok)
    return FALSE;
  for (guint i = 0; i < revs->len && set->current_revision; i++) {
    KsStoreObject *o = revs->pdata[i];
    if (strcmp(o->name, set->current_revision) == 0) {
      /* the renumbered one may have been replaced in the store */
      const KsStoreObject *now = ks_store_get(s, KS_STORE_CONTROLLER_REVISION, o->namespace, o->name);
      *current = ks_store_object_ref(now ? now : o);
      break;
    }
  }
  if (*current == NULL)
    *current = ks_store_object_ref(*update);
  return TRUE;
}

/* truncateHistory: non-live revisions beyond revisionHistoryLimit go,
 * lowest first. revs is sorted. */
static void truncate_history(Sts *st, const KsStatefulSet *set, GPtrArray *pods, GPtrArray *revs,
                             const char *current, const char *update) {
  GHashTable *live = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_add(live, (gpointer)current);
  g_hash_table_add(live, (gpointer)update);
  for (guint i = 0; i < pods->len; i++)
    g_hash_table_add(live, (gpointer)ks_statefulset_pod_revision(pods->pdata[i]));
  GPtrArray *history = g_ptr_array_new();
  for (guint i = 0; i < revs->len; i++)
    if (!g_hash_table_contains(live, ((KsStoreObject *)revs->pdata[i])->name))
      g_ptr_array_add(history, revs->pdata[i]);
  gint limit = set->revision_history_limit;
  if (limit >= 0 && (gint)history->len > limit) {
    KsStore *s = ks_controller_store(st->c);
    for (guint i = 0; i < history->len - (guint)limit; i++) {
      KsStoreObject *o = history->pdata[i];
      ks_store_delete(s, KS_STORE_CONTROLLER_REVISION, o->namespace, o->name, 0, NULL);
    }
  }
  g_ptr_array_unref(history);
  g_hash_table_unref(live);
}

/* ---- pods and claims ------------------------------------------------------------- */

static gboolean is_running_and_ready(const KsPod *p) {
  return p->phase == KS_POD_RUNNING && p->ready;
}

static gboolean is_available(const Sync *sy, const KsPod *p) {
  return ks_pod_is_available(p, sy->set->min_ready_seconds, sy->now);
}

/* upstream isUnavailable: not (running, ready, available and not terminating). */
static gboolean is_unavailable(const Sync *sy, const Member *m) {
  return !m->created || !is_running_and_ready(m->pod) || ks_pod_is_terminating(m->pod) ||
         !is_available(sy, m->pod);
}

/* newStatefulSetPod from a revision's template. */
static KsPod *new_pod(const Sync *sy, const KsControllerRevision *rev, gint ordinal) {
  const KsStatefulSet *set = sy->set;
  KsPod *pod = ks_pod_copy(rev->data ? rev->data : set->template);
  if (pod->owner_references)
    g_array_set_size(pod->owner_references, 0);
  ks_owner_reference_array_add(&pod->owner_references, STS_API_VERSION, STS_KIND, set->meta.name,
                               set->meta.uid, TRUE, TRUE);
  ks_statefulset_set_identity(pod, set->meta.name, set->meta.namespace, ordinal);
  ks_statefulset_set_storage(pod, set->meta.name, sy->claims, ordinal);
  ks_labels_set(&pod->labels, KS_STATEFULSET_REVISION_LABEL, rev->meta.name);
  return pod;
}

static const KsPersistentVolumeClaim *claim_template(const KsStatefulSet *set, guint i) {
  return set->volume_claim_templates->pdata[i];
}

/* The owner references a claim of pod should carry under the retention
 * policy (updateClaimOwnerRefForSetAndPod): Retain/Retain none; whenDeleted
 * Delete the set (while the pod is in range); whenScaled Delete the pod
 * once it is scaled down. Other owners are kept. TRUE when refs changed. */
static gboolean fix_claim_refs(const Sync *sy, KsPersistentVolumeClaim *claim, const KsPod *pod,
                               gboolean scaled_down) {
  const KsStatefulSet *set = sy->set;
  GArray *old = claim->owner_references;
  GArray *refs = NULL;
  for (guint i = 0; old && i < old->len; i++) {
    const KsOwnerReference *r = &g_array_index(old, KsOwnerReference, i);
    gboolean ours = (g_strcmp0(r->kind, STS_KIND) == 0 && g_strcmp0(r->name, set->meta.name) == 0) ||
                    (g_strcmp0(r->kind, "Pod") == 0 && g_strcmp0(r->name, pod->name) == 0);
    if (!ours)
      ks_owner_reference_array_add(&refs, r->api_version, r->kind, r->name, r->uid, r->controller,
                                   r->block_owner_deletion);
  }
  if (set->when_scaled == KS_PVC_RETENTION_DELETE && scaled_down)
    ks_owner_reference_array_add(&refs, "v1", "Pod", pod->name, pod->uid, TRUE, TRUE);
  if (set->when_deleted == KS_PVC_RETENTION_DELETE &&
      !(set->when_scaled == KS_PVC_RETENTION_DELETE && scaled_down))
    ks_owner_reference_array_add(&refs, STS_API_VERSION, STS_KIND, set->meta.name, set->meta.uid,
                                 TRUE, TRUE);
  if (ks_owner_reference_array_equal(old, refs)) {
    if (refs)
      g_array_unref(refs);
    return FALSE;
  }
  if (old)
    g_array_unref(old);
  claim->owner_references = refs;
  return TRUE;
}

/* Creates the pod's missing claims and brings existing ones' owner
 * references in line with the policy. FALSE on a store error. */
static gboolean sync_claims(const Sync *sy, const KsPod *pod, gint ordinal, gboolean scaled_down,
                            gboolean create_missing) {
  const KsStatefulSet *set = sy->set;
  KsStore *s = ks_controller_store(sy->st->c);
  guint n = set->volume_claim_templates ? set->volume_claim_templates->len : 0;
  gboolean retain = set->when_scaled == KS_PVC_RETENTION_RETAIN &&
                    set->when_deleted == KS_PVC_RETENTION_RETAIN;
  for (guint i = 0; i < n; i++) {
    const KsPersistentVolumeClaim *t = claim_template(set, i);
    char *name = ks_statefulset_claim_name(t->name, set->meta.name, ordinal);
    const KsStoreObject *o = ks_store_get(s, KS_STORE_PERSISTENT_VOLUME_CLAIM, set->meta.namespace, name);
    gboolean ok = TRUE;
    if (o == NULL && create_missing) {
      KsPersistentVolumeClaim *c = ks_pvc_copy(t);
      g_free(c->name);
      c->name = g_strdup(name);
      g_free(c->namespace);
      c->namespace = g_strdup(set->meta.namespace);
      for (guint j = 0; set->selector && j < set->selector->match_labels.n; j++)
        ks_labels_set(&c->labels, set->selector->match_labels.items[j].key,
                      set->selector->match_labels.items[j].value);
      c->creation_timestamp_us = sy->now;
      ks_admit_pvc_default_storage_class(c, s); /* the API server's admission on create */
      if (!retain)
        fix_claim_refs(sy, c, pod, scaled_down);
      GError *error = NULL;
      ok = ks_store_create(s, KS_STORE_PERSISTENT_VOLUME_CLAIM, set->meta.namespace, name, c,
                           (GDestroyNotify)ks_pvc_free, &error) != 0;
      g_clear_error(&error);
    } else if (o != NULL && !retain) {
      KsPersistentVolumeClaim *c = ks_pvc_copy(o->data);
      if (fix_claim_refs(sy, c, pod, scaled_down))
        ok = ks_store_update(s, KS_STORE_PERSISTENT_VOLUME_CLAIM, o->namespace, o->name, c,
                             (GDestroyNotify)ks_pvc_free, o->resource_version, NULL) != 0;
      else
        ks_pvc_free(c);
    }
    g_free(name);
    if (!ok)
      return FALSE;
  }
  return TRUE;
}

static gboolean delete_pod(const Sync *sy, const KsPod *pod) {
  GError *error = NULL;
  gboolean ok = ks_controller_delete_pod(ks_controller_store(sy->st->c), pod, sy->now, &error);
  /* already gone: nothing to do (upstream ignores NotFound) */
  if (!ok && g_error_matches(error, KS_STORE_ERROR, KS_STORE_ERROR_NOT_FOUND))
    ok = TRUE;
  g_clear_error(&error);
  return ok;
}

/* ---- the sync's steps ------------------------------------------------------------- */

/* processReplica. *exit: stop the monotonic walk. FALSE on an error. */
static gboolean process_replica(Sync *sy, guint i, gboolean *exit) {
  Member *m = &g_array_index(sy->replicas, Member, i);
  gint ordinal = sy->set->ordinals_start + (gint)i;
  *exit = FALSE;
  if (m->created && (m->pod->phase == KS_POD_FAILED || m->pod->phase == KS_POD_SUCCEEDED)) {
    if (!ks_pod_is_terminating(m->pod))
      delete_pod(sy, m->pod);
    *exit = TRUE; /* recreated at the next sync, once it is gone */
    return TRUE;
  }
  if (!m->created) {
    if (!sync_claims(sy, m->pod, ordinal, FALSE, TRUE)) {
      *exit = TRUE;
      return FALSE;
    }
    KsPod *pod = ks_pod_copy(m->pod);
    pod->creation_timestamp_us = sy->now;
    g_free(pod->uid);
    pod->uid = ks_controller_new_uid(ks_controller_rng(sy->st->c));
    GError *error = NULL;
    gboolean ok = ks_sim_create_pod(ks_controller_store(sy->st->c), pod, &error);
    g_clear_error(&error);
    if (!ok) {
      *exit = TRUE;
      return FALSE;
    }
    if (sy->monotonic) {
      *exit = TRUE;
      return TRUE;
    }
    return TRUE; /* Parallel: the new pod is not running yet; nothing more to check */
  }
  if (m->pod->phase == KS_POD_PENDING)
    sync_claims(sy, m->pod, ordinal, FALSE, TRUE); /* createMissingPersistentVolumeClaims */
  if (sy->monotonic && (ks_pod_is_terminating(m->pod) || !is_running_and_ready(m->pod) ||
                        !is_available(sy, m->pod))) {
    *exit = TRUE;
    return TRUE;
  }
  /* the invariants: identity, storage, claim owners */
  if (!sync_claims(sy, m->pod, ordinal, FALSE, FALSE)) {
    *exit = TRUE;
    return FALSE;
  }
  if (!ks_statefulset_identity_matches(m->pod, sy->set->meta.name, sy->set->meta.namespace) ||
      !ks_statefulset_storage_matches(m->pod, sy->set->meta.name, sy->claims)) {
    KsPod *fixed = ks_pod_copy(m->pod);
    ks_statefulset_set_identity(fixed, sy->set->meta.name, sy->set->meta.namespace, ordinal);
    ks_statefulset_set_storage(fixed, sy->set->meta.name, sy->claims, ordinal);
    if (!ks_store_update(ks_controller_store(sy->st->c), KS_STORE_POD, fixed->namespace,
                         fixed->name, fixed, (GDestroyNotify)ks_pod_unref, 0, NULL)) {
      *exit = TRUE;
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean process_condemned(Sync *sy, guint i, const Member *first_unhealthy,
                                  gboolean *exit) {
  const Member *m = &g_array_index(sy->condemned, Member, i);
  *exit = FALSE;
  if (ks_pod_is_terminating(m->pod)) {
    *exit = sy->monotonic;
    return TRUE;
  }
  if (sy->monotonic && m != first_unhealthy &&
      (!is_running_and_ready(m->pod) || !is_available(sy, m->pod))) {
    *exit = TRUE;
    return TRUE;
  }
  delete_pod(sy, m->pod);
  *exit = TRUE;
  return TRUE;
}

typedef enum { STEP_REPLICA, STEP_FIX_CLAIMS, STEP_CONDEMNED } Step;

static gboolean run_step(Sync *sy, Step step, guint i, const Member *first_unhealthy,
                         gboolean *exit) {
  switch (step) {
  case STEP_REPLICA:
    return process_replica(sy, i, exit);
  case STEP_FIX_CLAIMS: {
    const Member *m = &g_array_index(sy->condemned, Member, i);
    *exit = FALSE;
    gint ordinal = ks_statefulset_parse_ordinal(m->pod->name, NULL);
    gboolean ok = sync_claims(sy, m->pod, ordinal, TRUE, FALSE);
    *exit = !ok;
    return ok;
  }
  case STEP_CONDEMNED:
    return process_condemned(sy, i, first_unhealthy, exit);
  }
  return FALSE;
}

/* runForAll: in order, stopping where a step says so (monotonic), or in
 * slow-start batches stopping after a batch with an error (burst). TRUE
 * when the walk stopped early. */
static gboolean run_for_all(Sync *sy, Step step, guint n, const Member *first_unhealthy,
                            gboolean *error) {
  *error = FALSE;
  if (sy->monotonic) {
    for (guint i = 0; i < n; i++) {
      gboolean exit = FALSE;
      if (!run_step(sy, step, i, first_unhealthy, &exit))
        *error = TRUE;
      if (exit || *error)
        return TRUE;
    }
    return FALSE;
  }
  guint done = 0;
  for (guint batch = MIN(n, 1u); batch > 0; batch = MIN(MIN(2 * batch, n - done), STS_MAX_BATCH)) {
    gboolean failed = FALSE;
    for (guint i = done; i < done + batch; i++) {
      gboolean exit = FALSE;
      if (!run_step(sy, step, i, first_unhealthy, &exit))
        failed = TRUE;
    }
    done += batch;
    if (failed) {
      *error = TRUE;
      return TRUE;
    }
  }
  return FALSE;
}

typedef struct {
  gint32 replicas, ready, available, current, updated;
} Counts;

static void count(const Sync *sy, GArray *members, Counts *c) {
  for (guint i = 0; i < members->len; i++) {
    const Member *m = &g_array_index(members, Member, i);
    if (!m->created)
      continue;
    c->replicas++;
    if (is_running_and_ready(m->pod)) {
      c->ready++;
      c->available += is_available(sy, m->pod);
    }
    if (!ks_pod_is_terminating(m->pod)) {
      const char *rev = ks_statefulset_pod_revision(m->pod);
      c->current += strcmp(rev, sy->current->meta.name) == 0;
      c->updated += strcmp(rev, sy->update->meta.name) == 0;
    }
  }
}

static void member_clear(gpointer p) {
  Member *m = p;
  if (m->pod)
    ks_pod_unref(m->pod);
}

static gint descending_ordinal(gconstpointer a, gconstpointer b) {
  gint x = ks_statefulset_parse_ordinal(((const Member *)a)->pod->name, NULL);
  gint y = ks_statefulset_parse_ordinal(((const Member *)b)->pod->name, NULL);
  return x > y ? -1 : x < y;
}

/* ---- claiming (upstream getPodsForStatefulSet, ClaimPods) --------------------------- */

/* Writes a copy of the pod with a controller reference to set (adopt) or
 * without set's references (release); the stored pod after it, or NULL
 * when the write failed (a conflict: the next sync tries again).
 * transfer none */
static const KsStoreObject *patch_owner(KsStore *s, const KsStoreObject *obj,
                                        const KsStatefulSet *set, gboolean adopt) {
  KsPod *p = ks_pod_copy(obj->data);
  if (adopt)
    ks_owner_reference_array_add(&p->owner_references, STS_API_VERSION, STS_KIND, set->meta.name,
                                 set->meta.uid, TRUE, TRUE);
  else if (p->owner_references)
    ks_owner_reference_array_remove_uid(p->owner_references, set->meta.uid);
  if (!ks_store_update(s, KS_STORE_POD, obj->namespace, obj->name, p, (GDestroyNotify)ks_pod_unref,
                       obj->resource_version, NULL))
    return NULL;
  return ks_store_get(s, KS_STORE_POD, obj->namespace, obj->name);
}

/* ClaimPods with isMemberOf as filter: the set's pods are those with its
 * controller reference that its selector matches and whose name is
 * <set>-<ordinal>; an orphan that is such a member is adopted (unless the
 * pod or the set is being deleted); an owned pod that no longer is one is
 * released (unless the set is being deleted). Returns KsPod refs. */
static GPtrArray *claim_pods(KsStore *s, const KsStatefulSet *set) {
  GPtrArray *pods = g_ptr_array_new_with_free_func((GDestroyNotify)ks_pod_unref);
  GPtrArray *all = ks_controller_claimable_pods(s, set->meta.namespace, set->meta.uid);
  gboolean deleting = set->meta.deletion_timestamp_us != 0;
  for (guint i = 0; i < all->len; i++) {
    const KsStoreObject *o = all->pdata[i];
    const KsPod *pod = o->data;
    gboolean match = ks_label_selector_matches(set->selector, &pod->labels) &&
                     ks_statefulset_is_member(set->meta.name, pod->name);
    const KsOwnerReference *ref = ks_pod_get_controller(pod);
    if (ref) {
      if (g_strcmp0(ref->uid, set->meta.uid) != 0)
        continue; /* someone else's */
      if (match)
        g_ptr_array_add(pods, ks_pod_ref((KsPod *)pod));
      else if (!deleting)
        patch_owner(s, o, set, FALSE);
      continue;
    }
    if (deleting || !match || pod->deletion_timestamp_us)
      continue;
    const KsStoreObject *adopted = patch_owner(s, o, set, TRUE);
    if (adopted)
      g_ptr_array_add(pods, ks_pod_ref((KsPod *)adopted->data));
  }
  g_ptr_array_unref(all);
  return pods;
}

/* adoptOrphanRevisions: revisions of the namespace that the selector
 * matches and that have no controller get one to the set (ListControllerRevisions
 * lists them with the set's own). */
static void adopt_orphan_revisions(KsStore *s, const KsStatefulSet *set) {
  if (set->meta.deletion_timestamp_us)
    return; /* canAdopt */
  GPtrArray *all = ks_store_list(s, KS_STORE_CONTROLLER_REVISION, set->meta.namespace);
  for (guint i = 0; i < all->len; i++) {
    const KsStoreObject *o = all->pdata[i];
    const KsControllerRevision *cr = o->data;
    if (ks_object_meta_get_controller(&cr->meta) ||
        !ks_label_selector_matches(set->selector, &cr->meta.labels))
      continue;
    KsControllerRevision *up = ks_controller_revision_copy(cr);
    ks_owner_reference_array_add(&up->meta.owner_references, STS_API_VERSION, STS_KIND,
                                 set->meta.name, set->meta.uid, TRUE, TRUE);
    ks_store_update(s, KS_STORE_CONTROLLER_REVISION, o->namespace, o->name, up,
                    (GDestroyNotify)ks_controller_revision_free, o->resource_version, NULL);
  }
  g_ptr_array_unref(all);
}

static KsSyncResult sts_sync(KsController *c, gpointer self, const char *key) {
  Sts *st = self;
  KsStore *s = ks_controller_store(c);
  char *ns = NULL, *name = NULL;
  ks_controller_split_key(key, &ns, &name);
  const KsStoreObject *obj = ks_store_get(s, KS_STORE_STATEFUL_SET, ns, name);
  g_free(ns);
  g_free(name);
  if (obj == NULL)
    return KS_SYNC_DONE;
  KsStoreObject *held = ks_store_object_ref(obj);
  const KsStatefulSet *set = held->data;
  if (set->selector == NULL) {
    ks_store_object_unref(held);
    return KS_SYNC_DONE;
  }
  adopt_orphan_revisions(s, set);
  GPtrArray *pods = claim_pods(s, set); /* KsPod refs */
  RevList rl = {set, g_ptr_array_new_with_free_func((GDestroyNotify)ks_store_object_unref)};
  ks_store_foreach(s, KS_STORE_CONTROLLER_REVISION, collect_rev, &rl);
  g_ptr_array_sort(rl.revs, rev_compare);

  KsStoreObject *cur_obj = NULL, *upd_obj = NULL;
  gint32 collisions = 0;
  KsSyncResult result = KS_SYNC_DONE;
  if (!get_revisions(st, set, rl.revs, &cur_obj, &upd_obj, &collisions)) {
    result = KS_SYNC_RETRY;
    goto out;
  }

  guint n_claims = set->volume_claim_templates ? set->volume_claim_templates->len : 0;
  const char **claims = g_new0(const char *, n_claims + 1);
  for (guint i = 0; i < n_claims; i++)
    claims[i] = claim_template(set, i)->name;
  Sync sy = {st, set, claims, cur_obj->data, upd_obj->data,
             set->pod_management_policy == KS_POD_MANAGEMENT_ORDERED_READY, ks_controller_now(c),
             g_array_new(FALSE, TRUE, sizeof(Member)), g_array_new(FALSE, TRUE, sizeof(Member))};
  g_array_set_clear_func(sy.replicas, member_clear);
  g_array_set_clear_func(sy.condemned, member_clear);
  gint start = set->ordinals_start, replicas = MAX(set->replicas, 0);
  g_array_set_size(sy.replicas, (guint)replicas);
  for (guint i = 0; i < pods->len; i++) {
    KsPod *pod = pods->pdata[i];
    gint ord = ks_statefulset_parse_ordinal(pod->name, NULL);
    Member m = {ks_pod_ref(pod), TRUE};
    if (ks_statefulset_in_range(ord, start, replicas))
      g_array_index(sy.replicas, Member, ord - start) = m;
    else if (ord >= 0)
      g_array_append_val(sy.condemned, m);
    else
      ks_pod_unref(m.pod);
  }
  for (gint i = 0; i < replicas; i++) {
    Member *m = &g_array_index(sy.replicas, Member, i);
    if (m->pod)
      continue;
    gboolean cur = ks_statefulset_new_pod_gets_current(
        set->update_strategy == KS_STATEFUL_SET_ROLLING_UPDATE,
        set->update_strategy == KS_STATEFUL_SET_ROLLING_UPDATE, set->partition, start,
        set->current_replicas, start + i);
    m->pod = new_pod(&sy, cur ? sy.current : sy.update, start + i);
  }
  g_array_sort(sy.condemned, descending_ordinal);

  const Member *first_unhealthy = NULL;
  for (guint i = 0; i < sy.replicas->len && !first_unhealthy; i++)
    if (is_unavailable(&sy, &g_array_index(sy.replicas, Member, i)))
      first_unhealthy = &g_array_index(sy.replicas, Member, i);
  for (guint i = sy.condemned->len; i-- > 0 && !first_unhealthy;)
    if (is_unavailable(&sy, &g_array_index(sy.condemned, Member, i)))
      first_unhealthy = &g_array_index(sy.condemned, Member, i);

  gboolean error = FALSE;
  gint32 deleted_for_update = 0;
  if (set->meta.deletion_timestamp_us == 0 &&
      !run_for_all(&sy, STEP_REPLICA, sy.replicas->len, NULL, &error) &&
      !run_for_all(&sy, STEP_FIX_CLAIMS, sy.condemned->len, NULL, &error) &&
      !run_for_all(&sy, STEP_CONDEMNED, sy.condemned->len, first_unhealthy, &error) &&
      set->update_strategy == KS_STATEFUL_SET_ROLLING_UPDATE) {
    /* the update: highest ordinal first, down to the partition */
    for (gint t = (gint)sy.replicas->len - 1; t >= set->partition; t--) {
      Member *m = &g_array_index(sy.replicas, Member, t);
      if (m->created && strcmp(ks_statefulset_pod_revision(m->pod), sy.update->meta.name) != 0 &&
          !ks_pod_is_terminating(m->pod)) {
        delete_pod(&sy, m->pod);
        deleted_for_update = 1; /* upstream: status.CurrentReplicas-- */
        break;
      }
      if (is_unavailable(&sy, m))
        break;
    }
  }
  /* status, from the pods as this sync saw them (upstream's updateStatus
   * over replicas and condemned) */
  Counts cnt = {0};
  count(&sy, sy.replicas, &cnt);
  count(&sy, sy.condemned, &cnt);
  cnt.current -= deleted_for_update;
  const char *cur_name = sy.current->meta.name, *upd_name = sy.update->meta.name;
  /* completeRollingUpdate */
  if (set->update_strategy == KS_STATEFUL_SET_ROLLING_UPDATE && cnt.updated == set->replicas &&
      cnt.ready == set->replicas && cnt.replicas == set->replicas) {
    cnt.current = cnt.updated;
    cur_name = upd_name;
  }
  if (set->meta.generation > set->observed_generation || cnt.replicas != set->status_replicas ||
      cnt.current != set->current_replicas || cnt.ready != set->ready_replicas ||
      cnt.updated != set->updated_replicas || g_strcmp0(cur_name, set->current_revision) != 0 ||
      cnt.available != set->available_replicas || g_strcmp0(upd_name, set->update_revision) != 0 ||
      collisions != set->collision_count) {
    KsStatefulSet *up = ks_stateful_set_copy(set);
    up->observed_generation = set->meta.generation;
    up->status_replicas = cnt.replicas;
    up->ready_replicas = cnt.ready;
    up->available_replicas = cnt.available;
    up->current_replicas = cnt.current;
    up->updated_replicas = cnt.updated;
    g_free(up->current_revision);
    up->current_revision = g_strdup(cur_name);
    g_free(up->update_revision);
    up->update_revision = g_strdup(upd_name);
    up->collision_count = collisions;
    ks_store_update(s, KS_STORE_STATEFUL_SET, set->meta.namespace, set->meta.name, up,
                    (GDestroyNotify)ks_stateful_set_free, held->resource_version, NULL);
  }
  truncate_history(st, set, pods, rl.revs, cur_obj->name, upd_obj->name);
  if (error)
    result = KS_SYNC_RETRY;
  g_array_unref(sy.replicas);
  g_array_unref(sy.condemned);
  g_free(claims);
out:
  if (cur_obj)
    ks_store_object_unref(cur_obj);
  if (upd_obj)
    ks_store_object_unref(upd_obj);
  g_ptr_array_unref(rl.revs);
  g_ptr_array_unref(pods);
  ks_store_object_unref(held);
  return result;
}

static gpointer sts_init(KsController *c) {
  Sts *st = g_new0(Sts, 1);
  st->c = c;
  ks_controller_watch(c, KS_STORE_STATEFUL_SET, &ks_controller_enqueue_handlers, 0);
  KsInformerHandlers ph = {on_pod, on_pod_update, on_pod_del};
  ks_controller_watch(c, KS_STORE_POD, &ph, 0);
  return st;
}

const KsControllerClass ks_statefulset_controller_class = {
    .name = "statefulset",
    .default_workers = 5,
    .init = sts_init,
    .sync = sts_sync,
    .free = g_free,
};
