/* See sched_driver.h.
 *
 * The store is copy on write: binding and every status update store a new
 * KsPod. The scheduler, however, identifies a pod by the object it was given,
 * so the driver keeps, per pod key, the object it handed over and passes
 * that same object back when the pod is bound or leaves.
 *
 * PodDisruptionBudgets: ksim has no disruption controller yet, so the
 * driver stands in for it. Per PDB it keeps the pods the controller would
 * select (same namespace, selector matches; an empty selector selects all,
 * a missing one none; terminal pods left out), updated on every pod event
 * (O(#PDBs) per event), and marks the PDB dirty. Before each cycle it
 * recomputes status.disruptionsAllowed of the dirty PDBs as the controller
 * does (ks_pdb_disruptions_allowed: currentHealthy = bound Running members,
 * expected = the members; O(members)) and hands the PDB to the scheduler,
 * which preempts by it. The status in the manifest is overridden.
 *
 * GPUs (sched/gpu.h): the scheduler cache chooses a GPU pod's GPU(s) when
 * it assumes the pod; binding writes that choice into the bound pod's
 * alibabacloud.com/gpu-index annotation (as the FGD simulator's binder
 * does), so the stored pod, the node agent and the results all see the
 * same GPUs, and the cache reads them back exactly after a preemption dry
 * run. A pod that arrives already bound without that annotation gets the
 * cache's best-fit choice written back the same way.
 *
 * Volumes: the store's PersistentVolumes, PersistentVolumeClaims and
 * StorageClasses are copied into the scheduler's volume lister
 * (sched/volume_lister.h) as their watch events arrive, each change then
 * reported to the scheduler as a cluster event (which moves the pods the
 * volume plugins rejected). VolumeBinding's PreBind writes through the
 * lister's writer: the PV with its claimRef, the claim with its
 * selected-node annotation, stored unconditionally as upstream's
 * binder's updates of its assumed objects; the PV controller
 * (sim/controllers/pv_controller.c) takes it from there.
 *
 * Spreading: the store's Services (spec.selector), ReplicationControllers
 * (spec.selector, a map), ReplicaSets and StatefulSets (spec.selector) are
 * copied into the cache's spread lister (sched/spread_lister.h), from which
 * PodTopologySpread builds the selector of its default constraints. No
 * cluster event is reported: as upstream, PodTopologySpread registers for
 * Pod and Node events only.
 */
#include "sim/sched_driver.h"

#include <string.h>
#include <time.h>

#include "sched/cache.h"
#include "sched/gpu.h"
#include "sched/objects.h"
#include "sched/pdb.h"
#include "sched/spread_lister.h"
#include "sched/volume_lister.h"
#include "sim/controllers/deletion.h"
#include "workloads/apps.h"
#include "workloads/core_objects.h"
#include "workloads/replication_controller.h"

struct KsSchedDriver {
  KsStore *store;
  KsEngine *engine;
  KsScheduler *sched;
  KsRecorder *recorder;
  GHashTable *known;      /* set of KsPod* (a ref each) the scheduler knows, keyed by
                             namespace/name (ks_pod_key_hash): no key string is built
                             per watch event, a third of which reach this table */
  guint pod_watch, node_watch, namespace_watch, pdb_watch;
  guint pv_watch, pvc_watch, sc_watch;
  guint svc_watch, rc_watch, rs_watch, ss_watch;
  GHashTable *pdbs;       /* "ns/name" -> PdbState* */
  gboolean pdbs_dirty;    /* some PdbState is dirty */
  guint64 cycle_event;    /* pending cycle event, or KS_ENGINE_NO_EVENT */
  guint64 wakeup_event;   /* pending timer event */
  gint64 wakeup_at;
  KsSchedDriverStats stats;
};


/* ---- the disruption controller's stand-in ----------------------------------------------- */

typedef struct {
  KsStoreObject *obj;   /* a ref: the PDB as stored (data: KsPodDisruptionBudget*) */
  GHashTable *members;  /* pod name -> KsPod* (a ref, the store's current object) */
  gboolean dirty;
} PdbState;

static void pdb_state_free(gpointer p) {
  PdbState *st = p;
  ks_store_object_unref(st->obj);
  g_hash_table_destroy(st->members);
  g_free(st);
}

static gboolean is_terminal(const KsPod *p);

/* Brings st's membership of `name` up to date with the pod as now stored
 * (NULL: gone). */
static void pdb_track(KsSchedDriver *d, PdbState *st, const char *name, const KsPod *now) {
  const KsPodDisruptionBudget *b = st->obj->data;
  if (now && !is_terminal(now) && ks_pdb_selects(b, now))
    g_hash_table_replace(st->members, g_strdup(name), ks_pod_ref((KsPod *)now));
  else if (!g_hash_table_remove(st->members, name))
    return;
  st->dirty = d->pdbs_dirty = TRUE;
}

static void pdb_pod_changed(KsSchedDriver *d, const KsPod *pod) {
  if (g_hash_table_size(d->pdbs) == 0)
    return;
  const KsStoreObject *o = ks_store_get(d->store, KS_STORE_POD, pod->namespace, pod->name);
  const KsPod *now = o ? o->data : NULL;
  GHashTableIter it;
  gpointer v;
  g_hash_table_iter_init(&it, d->pdbs);
  while (g_hash_table_iter_next(&it, NULL, &v)) {
    PdbState *st = v;
    if (!strcmp(((const KsPodDisruptionBudget *)st->obj->data)->namespace, pod->namespace))
      pdb_track(d, st, pod->name, now);
  }
}

static gboolean add_member(const KsStoreObject *obj, gpointer user_data) {
  gpointer *ctx = user_data;
  pdb_track(ctx[0], ctx[1], ((const KsPod *)obj->data)->name, obj->data);
  return TRUE;
}

static void pdb_watch(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                      const KsStoreObject *new_obj, gpointer user_data) {
  KsSchedDriver *d = user_data;
  const KsPodDisruptionBudget *b = (new_obj ? new_obj : old_obj)->data;
  char *key = g_strconcat(b->namespace, "/", b->name, NULL);
  if (type == KS_WATCH_DELETED) {
    g_hash_table_remove(d->pdbs, key);
    ks_sched_remove_pdb(d->sched, b->namespace, b->name);
    g_free(key);
    return;
  }
  PdbState *st = g_new0(PdbState, 1);
  st->obj = ks_store_object_ref(new_obj);
  st->members = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify)ks_pod_unref);
  g_hash_table_replace(d->pdbs, key, st);
  /* the pods as they are now; later pod events keep the set current */
  GPtrArray *pods = ks_store_list(d->store, KS_STORE_POD, b->namespace);
  gpointer ctx[2] = {d, st};
  for (guint i = 0; i < pods->len; i++)
    add_member(pods->pdata[i], ctx);
  g_ptr_array_unref(pods);
  st->dirty = d->pdbs_dirty = TRUE;
}

/* Before a cycle: disruptionsAllowed of every dirty PDB, to the scheduler. */
static void pdb_flush(KsSchedDriver *d) {
  if (!d->pdbs_dirty)
    return;
  d->pdbs_dirty = FALSE;
  GHashTableIter it;
  gpointer v;
  g_hash_table_iter_init(&it, d->pdbs);
  while (g_hash_table_iter_next(&it, NULL, &v)) {
    PdbState *st = v;
    if (!st->dirty)
      continue;
    st->dirty = FALSE;
    gint32 expected = (gint32)g_hash_table_size(st->members), healthy = 0;
    GHashTableIter mi;
    gpointer m;
    g_hash_table_iter_init(&mi, st->members);
    while (g_hash_table_iter_next(&mi, NULL, &m)) {
      const KsPod *p = m;
      healthy += p->node_name != NULL && p->phase == KS_POD_RUNNING;
    }
    KsPodDisruptionBudget *b = ks_pdb_copy(st->obj->data);
    b->disruptions_allowed = ks_pdb_disruptions_allowed(b, expected, healthy);
    ks_sched_set_pdb(d->sched, b);
    ks_pdb_free(b);
  }
}

static void run_cycle(KsEngine *e, gpointer data);
static void on_wakeup(KsEngine *e, gpointer data);

/* After anything that may have changed the scheduler's queues: make sure a
 * cycle runs if pods are active, and the timer matches the next wakeup. */
static void kick(KsSchedDriver *d) {
  gint64 now = ks_engine_now(d->engine);
  if (ks_sched_active_len(d->sched) > 0 && d->cycle_event == KS_ENGINE_NO_EVENT)
    d->cycle_event = ks_engine_schedule(d->engine, now, run_cycle, d, NULL);
  gint64 next = ks_sched_next_wakeup(d->sched, now);
  if (d->wakeup_event != KS_ENGINE_NO_EVENT && d->wakeup_at == next)
    return;
  if (d->wakeup_event != KS_ENGINE_NO_EVENT)
    ks_engine_cancel(d->engine, d->wakeup_event);
  d->wakeup_event = KS_ENGINE_NO_EVENT;
  if (next != G_MAXINT64) {
    d->wakeup_at = next;
    d->wakeup_event = ks_engine_schedule(d->engine, next, on_wakeup, d, NULL);
  }
}

static void on_wakeup(KsEngine *e, gpointer data) {
  KsSchedDriver *d = data;
  d->wakeup_event = KS_ENGINE_NO_EVENT;
  ks_sched_tick(d->sched, ks_engine_now(e));
  kick(d);
}

/* Sets the gpu-index annotation of `pod` (a private copy) to the GPUs the
 * cache holds for `known`; FALSE when there is nothing to write. */
static gboolean annotate_gpus(KsSchedDriver *d, const KsPod *known, KsPod *pod) {
  KsGpuAssignment g = ks_sched_cache_pod_gpus(ks_sched_cache(d->sched), known);
  if (!g.mask)
    return FALSE;
  char *idx = ks_gpu_index_format(g.mask);
  gboolean changed = g_strcmp0(ks_labels_get(&pod->annotations, KS_GPU_KEY_INDEX), idx) != 0;
  if (changed)
    ks_labels_set(&pod->annotations, KS_GPU_KEY_INDEX, idx);
  g_free(idx);
  return changed;
}

/* A pod created bound, whose GPUs the cache just chose: record them. */
static void record_gpus(KsSchedDriver *d, KsPod *known) {
  if (ks_labels_get(&known->annotations, KS_GPU_KEY_INDEX) ||
      !ks_sched_cache_pod_gpus(ks_sched_cache(d->sched), known).mask)
    return;
  const KsStoreObject *obj = ks_store_get(d->store, KS_STORE_POD, known->namespace, known->name);
  if (!obj)
    return;
  KsPod *copy = ks_pod_copy(obj->data);
  if (!annotate_gpus(d, known, copy)) {
    ks_pod_unref(copy);
    return;
  }
  GError *error = NULL;
  if (!ks_store_update(d->store, KS_STORE_POD, known->namespace, known->name, copy,
                       (GDestroyNotify)ks_pod_unref, obj->resource_version, &error)) {
    g_warning("recording GPUs of %s/%s: %s", known->namespace, known->name, error->message);
    g_error_free(error);
  }
}

/* The binding subresource: store the pod with spec.nodeName set (and the
 * GPUs the scheduler chose in its gpu-index annotation). */
static gboolean bind_pod(KsSchedDriver *d, const KsPod *pod, const char *node) {
  const KsStoreObject *obj = ks_store_get(d->store, KS_STORE_POD, pod->namespace, pod->name);
  if (!obj)
    return FALSE; /* deleted while being scheduled */
  const KsPod *current = obj->data;
  if (current->node_name)
    return FALSE;
  KsPod *bound = ks_pod_copy(current);
  bound->node_name = g_strdup(node);
  annotate_gpus(d, pod, bound);
  GError *error = NULL;
  if (!ks_store_update(d->store, KS_STORE_POD, pod->namespace, pod->name, bound,
                       (GDestroyNotify)ks_pod_unref, obj->resource_version, &error)) {
    g_warning("binding %s/%s: %s", pod->namespace, pod->name, error->message);
    g_error_free(error);
    return FALSE;
  }
  return TRUE;
}

/* Records status.nominatedNodeName ("" clears it) as the scheduler's
 * status update does; the scheduler already holds the nomination. */
static void record_nomination(KsSchedDriver *d, const KsPod *pod, const char *node) {
  const KsStoreObject *obj = ks_store_get(d->store, KS_STORE_POD, pod->namespace, pod->name);
  if (!obj)
    return;
  const KsPod *current = obj->data;
  if (!g_strcmp0(current->nominated_node_name ? current->nominated_node_name : "", node))
    return;
  KsPod *copy = ks_pod_copy(current);
  g_free(copy->nominated_node_name);
  copy->nominated_node_name = *node ? g_strdup(node) : NULL;
  GError *error = NULL;
  if (!ks_store_update(d->store, KS_STORE_POD, pod->namespace, pod->name, copy,
                       (GDestroyNotify)ks_pod_unref, obj->resource_version, &error)) {
    g_warning("nominating %s/%s: %s", pod->namespace, pod->name, error->message);
    g_error_free(error);
  }
}

/* PostFilter's outcome: delete the victims, each with its own grace period
 * (the API server's graceful delete, sim/controllers/deletion.h: a victim
 * stays Terminating on its node until its kubelet has killed it; its
 * DELETED event tells the scheduler it is gone), and record the
 * nominations. */
/* upstream prepareCandidate (v1.31, PodDisruptionConditions on): the victim
 * gains DisruptionTarget=True, reason PreemptionByScheduler, naming the
 * preemptor's scheduler, before it is deleted. */
static void mark_preempted(KsSchedDriver *d, const KsPod *victim, const KsPod *preemptor,
                           gint64 now) {
  const KsStoreObject *obj = ks_store_get(d->store, KS_STORE_POD, victim->namespace, victim->name);
  if (!obj)
    return;
  char *message = g_strdup_printf("%s: preempting to accommodate a higher priority pod",
                                  preemptor->scheduler_name ? preemptor->scheduler_name
                                                            : "default-scheduler");
  KsPod *copy = ks_pod_copy(obj->data);
  if (ks_pod_set_condition(copy, KS_POD_CONDITION_DISRUPTION_TARGET, KS_POD_CONDITION_TRUE,
                           KS_POD_REASON_PREEMPTION_BY_SCHEDULER, message, now))
    ks_store_update(d->store, KS_STORE_POD, victim->namespace, victim->name, copy,
                    (GDestroyNotify)ks_pod_unref, obj->resource_version, NULL);
  else
    ks_pod_unref(copy);
  g_free(message);
}

static void apply_preemption(KsSchedDriver *d, const KsSchedResult *r, gint64 now) {
  for (guint i = 0; i < r->n_victims; i++) {
    const KsPod *v = r->victims[i];
    GError *error = NULL;
    mark_preempted(d, v, r->pod, now);
    if (ks_object_delete(d->store, KS_STORE_POD, v->namespace, v->name,
                         KS_PROPAGATION_BACKGROUND, &error))
      d->stats.preempted++;
    else {
      g_warning("preempting %s/%s: %s", v->namespace, v->name, error->message);
      g_error_free(error);
    }
  }
  if (r->nominated_node)
    record_nomination(d, r->pod, r->nominated_node);
  for (guint i = 0; i < r->n_cleared_nominations; i++)
    record_nomination(d, r->cleared_nominations[i], "");
}

static void run_cycle(KsEngine *e, gpointer data) {
  KsSchedDriver *d = data;
  d->cycle_event = KS_ENGINE_NO_EVENT;
  gint64 now = ks_engine_now(e);
  pdb_flush(d);
  KsSchedResult result;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  ks_sched_schedule_one(d->sched, now, &result);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  if (result.kind != KS_SCHED_RESULT_NONE) {
    d->stats.cycles++;
    d->stats.wall_ns += (guint64)MAX((t1.tv_sec - t0.tv_sec) * G_GINT64_CONSTANT(1000000000) +
                                       (t1.tv_nsec - t0.tv_nsec), 0);
    d->stats.nodes_examined += (guint64)MAX(result.nodes_examined, 0);
    if (d->recorder)
      ks_recorder_count_attempt(d->recorder, result.pod->namespace, result.pod->name);
  }
  if (result.kind == KS_SCHED_RESULT_SCHEDULED) {
    gboolean ok = bind_pod(d, result.pod, result.node);
    ks_sched_bind_done(d->sched, result.pod, ok, now);
    if (ok)
      d->stats.scheduled++;
  } else if (result.kind == KS_SCHED_RESULT_UNSCHEDULABLE) {
    d->stats.unschedulable++;
    apply_preemption(d, &result, now);
  }
  kick(d);
}

static gboolean is_terminal(const KsPod *p) {
  return p->phase == KS_POD_SUCCEEDED || p->phase == KS_POD_FAILED;
}

/* Key and value are the same pod: replace (not insert) so that a stored key
 * never outlives its value's reference. */
static void known_add(KsSchedDriver *d, KsPod *pod) {
  g_hash_table_replace(d->known, pod, ks_pod_ref(pod));
}

static void pod_added(KsSchedDriver *d, KsPod *pod, gint64 now) {
  if (is_terminal(pod))
    return;
  if (pod->node_name)
    ks_sched_add_assigned_pod(d->sched, pod, pod->node_name, now);
  else if (!ks_sched_add_pending_pod(d->sched, pod, now))
    return; /* another scheduler's pod (spec.schedulerName no profile serves) */
  known_add(d, pod);
  if (pod->node_name)
    record_gpus(d, pod);
}

/* The assigned-pod informer: a binding (nodeName newly set) confirms the
 * pod in the cache (AssignedPodAdded), any later update of a bound pod is
 * AssignedPodUpdated; both may move unschedulable pods, as upstream. */
static void assigned_pod_changed(KsSchedDriver *d, KsPod *pod, gint64 now) {
  if (!g_hash_table_contains(d->known, pod))
    known_add(d, pod);
  ks_sched_add_assigned_pod(d->sched, pod, pod->node_name, now);
}

static void pod_gone(KsSchedDriver *d, const KsPod *pod, gint64 now) {
  gpointer known;
  /* steal: one hash of namespace/name where lookup + remove took two. The
   * key is the pod (known_add): glib 2.74 steals a NULL value from a table
   * whose keys and values are all equal (its "set" mode), so take the key. */
  if (g_hash_table_steal_extended(d->known, pod, &known, NULL)) {
    ks_sched_remove_pod(d->sched, known, now);
    ks_pod_unref(known);
  }
}

static void pod_watch(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                      const KsStoreObject *new_obj, gpointer user_data) {
  KsSchedDriver *d = user_data;
  gint64 now = ks_engine_now(d->engine);
  if (type == KS_WATCH_ADDED)
    pod_added(d, new_obj->data, now);
  else if (type == KS_WATCH_DELETED)
    pod_gone(d, old_obj->data, now);
  else if (is_terminal(new_obj->data) && !is_terminal(old_obj->data))
    pod_gone(d, new_obj->data, now);
  else if (((const KsPod *)new_obj->data)->node_name)
    assigned_pod_changed(d, new_obj->data, now);
  pdb_pod_changed(d, (new_obj ? new_obj : old_obj)->data);
  kick(d);
}

static void node_watch(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                       const KsStoreObject *new_obj, gpointer user_data) {
  KsSchedDriver *d = user_data;
  gint64 now = ks_engine_now(d->engine);
  if (type == KS_WATCH_ADDED)
    ks_sched_add_node(d->sched, new_obj->data, now);
  else if (type == KS_WATCH_MODIFIED)
    ks_sched_update_node(d->sched, new_obj->data, now);
  else
    ks_sched_remove_node(d->sched, ((const KsNode *)old_obj->data)->name, now);
  kick(d);
}

/* Namespace labels feed namespaceSelector in pod (anti-)affinity terms. */
static void namespace_watch(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                            const KsStoreObject *new_obj, gpointer user_data) {
  KsSchedDriver *d = user_data;
  if (type == KS_WATCH_DELETED) {
    ks_sched_remove_namespace(d->sched, ((const KsNamespace *)old_obj->data)->name);
    return;
  }
  const KsNamespace *ns = new_obj->data;
  ks_sched_set_namespace(d->sched, ns->name, &ns->labels);
}

/* ---- volumes: the lister's informers and PreBind's writer ---------------------------------- */

static void volume_set(KsSchedDriver *d, KsStoreKind kind, const KsStoreObject *obj) {
  KsSchedVolumeLister *l = ks_sched_volume_lister(d->sched);
  if (kind == KS_STORE_PERSISTENT_VOLUME)
    ks_sched_volume_lister_set_pv(l, ks_pv_copy(obj->data));
  else if (kind == KS_STORE_PERSISTENT_VOLUME_CLAIM)
    ks_sched_volume_lister_set_pvc(l, ks_pvc_copy(obj->data));
  else
    ks_sched_volume_lister_set_storage_class(l, ks_storage_class_copy(obj->data));
}

static void volume_watch(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                         const KsStoreObject *new_obj, gpointer user_data) {
  KsSchedDriver *d = user_data;
  const KsStoreObject *obj = new_obj ? new_obj : old_obj;
  KsSchedVolumeLister *l = ks_sched_volume_lister(d->sched);
  guint32 resource = obj->kind == KS_STORE_PERSISTENT_VOLUME         ? KS_SCHED_EV_PV
                     : obj->kind == KS_STORE_PERSISTENT_VOLUME_CLAIM ? KS_SCHED_EV_PVC
                                                                     : KS_SCHED_EV_STORAGE_CLASS;
  guint32 action = type == KS_WATCH_ADDED      ? KS_SCHED_ACT_ADD
                   : type == KS_WATCH_MODIFIED ? KS_SCHED_ACT_UPDATE
                                               : KS_SCHED_ACT_DELETE;
  if (type != KS_WATCH_DELETED)
    volume_set(d, obj->kind, obj);
  else if (obj->kind == KS_STORE_PERSISTENT_VOLUME)
    ks_sched_volume_lister_remove_pv(l, obj->name);
  else if (obj->kind == KS_STORE_PERSISTENT_VOLUME_CLAIM)
    ks_sched_volume_lister_remove_pvc(l, obj->namespace, obj->name);
  else
    ks_sched_volume_lister_remove_storage_class(l, obj->name);
  ks_sched_volume_event(d->sched, resource, action, ks_engine_now(d->engine));
  kick(d);
}

static gboolean list_volume(const KsStoreObject *obj, gpointer user_data) {
  volume_set(user_data, obj->kind, obj);
  return TRUE;
}

static gboolean write_pv(gpointer data, const KsPersistentVolume *pv, GError **error) {
  KsSchedDriver *d = data;
  return ks_store_update(d->store, KS_STORE_PERSISTENT_VOLUME, NULL, pv->name, ks_pv_copy(pv),
                         (GDestroyNotify)ks_pv_free, 0, error) != 0;
}

static gboolean write_pvc(gpointer data, const KsPersistentVolumeClaim *pvc, GError **error) {
  KsSchedDriver *d = data;
  return ks_store_update(d->store, KS_STORE_PERSISTENT_VOLUME_CLAIM, pvc->namespace, pvc->name,
                         ks_pvc_copy(pvc), (GDestroyNotify)ks_pvc_free, 0, error) != 0;
}

static void volumes_start(KsSchedDriver *d) {
  const KsStoreKind kinds[] = {KS_STORE_STORAGE_CLASS, KS_STORE_PERSISTENT_VOLUME,
                               KS_STORE_PERSISTENT_VOLUME_CLAIM};
  for (guint i = 0; i < G_N_ELEMENTS(kinds); i++)
    ks_store_foreach(d->store, kinds[i], list_volume, d);
  d->sc_watch = ks_store_watch(d->store, KS_STORE_STORAGE_CLASS, volume_watch, d);
  d->pv_watch = ks_store_watch(d->store, KS_STORE_PERSISTENT_VOLUME, volume_watch, d);
  d->pvc_watch = ks_store_watch(d->store, KS_STORE_PERSISTENT_VOLUME_CLAIM, volume_watch, d);
  KsSchedVolumeWriter w = {write_pv, write_pvc, d};
  ks_sched_volume_lister_set_writer(ks_sched_volume_lister(d->sched), &w);
}

/* ---- spreading: Services, ReplicaSets, StatefulSets into the spread lister ----------------- */

static void spread_set(KsSchedDriver *d, const KsStoreObject *obj) {
  KsSchedSpreadLister *l = ks_sched_cache(d->sched)->spread;
  if (obj->kind == KS_STORE_SERVICE) {
    const KsService *svc = obj->data;
    ks_sched_spread_lister_set_service(l, obj->namespace, obj->name, &svc->selector);
  } else if (obj->kind == KS_STORE_REPLICATION_CONTROLLER) {
    const KsReplicationController *rc = obj->data;
    ks_sched_spread_lister_set_replication_controller(l, obj->namespace, obj->name,
                                                      &rc->selector);
  } else if (obj->kind == KS_STORE_REPLICA_SET) {
    const KsReplicaSet *rs = obj->data;
    ks_sched_spread_lister_set_replica_set(l, obj->namespace, obj->name, rs->selector);
  } else {
    const KsStatefulSet *ss = obj->data;
    ks_sched_spread_lister_set_stateful_set(l, obj->namespace, obj->name, ss->selector);
  }
}

static void spread_watch(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                         const KsStoreObject *new_obj, gpointer user_data) {
  (void)s;
  KsSchedDriver *d = user_data;
  const KsStoreObject *obj = new_obj ? new_obj : old_obj;
  KsSchedSpreadLister *l = ks_sched_cache(d->sched)->spread;
  if (type != KS_WATCH_DELETED)
    spread_set(d, obj);
  else if (obj->kind == KS_STORE_SERVICE)
    ks_sched_spread_lister_remove_service(l, obj->namespace, obj->name);
  else if (obj->kind == KS_STORE_REPLICATION_CONTROLLER)
    ks_sched_spread_lister_remove_replication_controller(l, obj->namespace, obj->name);
  else if (obj->kind == KS_STORE_REPLICA_SET)
    ks_sched_spread_lister_remove_replica_set(l, obj->namespace, obj->name);
  else
    ks_sched_spread_lister_remove_stateful_set(l, obj->namespace, obj->name);
}

static gboolean list_spread(const KsStoreObject *obj, gpointer user_data) {
  spread_set(user_data, obj);
  return TRUE;
}

static void spread_start(KsSchedDriver *d) {
  const KsStoreKind kinds[] = {KS_STORE_SERVICE, KS_STORE_REPLICATION_CONTROLLER,
                               KS_STORE_REPLICA_SET, KS_STORE_STATEFUL_SET};
  for (guint i = 0; i < G_N_ELEMENTS(kinds); i++)
    ks_store_foreach(d->store, kinds[i], list_spread, d);
  d->svc_watch = ks_store_watch(d->store, KS_STORE_SERVICE, spread_watch, d);
  d->rc_watch = ks_store_watch(d->store, KS_STORE_REPLICATION_CONTROLLER, spread_watch, d);
  d->rs_watch = ks_store_watch(d->store, KS_STORE_REPLICA_SET, spread_watch, d);
  d->ss_watch = ks_store_watch(d->store, KS_STORE_STATEFUL_SET, spread_watch, d);
}

KsSchedDriver *ks_sched_driver_new(KsStore *store, KsScheduler *sched, KsRecorder *recorder) {
  KsSchedDriver *d = g_new0(KsSchedDriver, 1);
  d->store = store;
  d->engine = ks_store_get_engine(store);
  d->sched = sched;
  d->recorder = recorder;
  d->known = g_hash_table_new_full(ks_pod_key_hash, ks_pod_key_equal, NULL,
                                   (GDestroyNotify)ks_pod_unref);
  d->namespace_watch = ks_store_watch(store, KS_STORE_NAMESPACE, namespace_watch, d);
  d->node_watch = ks_store_watch(store, KS_STORE_NODE, node_watch, d);
  d->pod_watch = ks_store_watch(store, KS_STORE_POD, pod_watch, d);
  d->pdbs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, pdb_state_free);
  d->pdb_watch = ks_store_watch(store, KS_STORE_POD_DISRUPTION_BUDGET, pdb_watch, d);
  volumes_start(d);
  spread_start(d);
  return d;
}

void ks_sched_driver_free(KsSchedDriver *d) {
  if (!d)
    return;
  ks_store_unwatch(d->store, d->pod_watch);
  ks_store_unwatch(d->store, d->node_watch);
  ks_store_unwatch(d->store, d->namespace_watch);
  ks_store_unwatch(d->store, d->pdb_watch);
  ks_store_unwatch(d->store, d->pv_watch);
  ks_store_unwatch(d->store, d->pvc_watch);
  ks_store_unwatch(d->store, d->sc_watch);
  ks_store_unwatch(d->store, d->svc_watch);
  ks_store_unwatch(d->store, d->rc_watch);
  ks_store_unwatch(d->store, d->rs_watch);
  ks_store_unwatch(d->store, d->ss_watch);
  ks_sched_volume_lister_set_writer(ks_sched_volume_lister(d->sched), NULL);
  if (d->cycle_event != KS_ENGINE_NO_EVENT)
    ks_engine_cancel(d->engine, d->cycle_event);
  if (d->wakeup_event != KS_ENGINE_NO_EVENT)
    ks_engine_cancel(d->engine, d->wakeup_event);
  g_hash_table_destroy(d->known);
  g_hash_table_destroy(d->pdbs);
  g_free(d);
}

void ks_sched_driver_get_stats(const KsSchedDriver *d, KsSchedDriverStats *out) {
  *out = d->stats;
}
