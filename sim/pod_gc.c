/* See pod_gc.h.
 *
 * The terminated pods are kept in a GTree ordered as the collector deletes
 * them (creation timestamp, name, namespace). Each tree key is a small
 * record: the creation timestamp, copied so that most comparisons read the
 * record alone (a replay inserts and removes every finished pod, and the
 * pointer chasing into the pod showed in profiles), and a reference to the
 * latest stored version of the pod the collector has seen, whose strings
 * break ties. A pod's DELETED or MODIFIED event finds its node by the same
 * comparison (name, namespace and creation timestamp never change over a
 * pod's life). A check walks the
 * tree from its first node and deletes from the store; the tree itself
 * changes only when those deletes come back as watch events, so the walk
 * is never invalidated under it.
 */
#include "sim/pod_gc.h"

#include <string.h>

#include "sched/node.h"
#include "sched/pod.h"
#include "sim/controllers/deletion.h"

struct KsPodGc {
  KsStore *store;
  KsEngine *engine;
  gint64 threshold;
  guint watch;
  guint64 check_event;
  GTree *terminated; /* GcEntry (owned, the key) -> itself */
  GHashTable *terminating; /* "ns/name" -> KsStoreObject* (a ref): deletionTimestamp set */
  guint64 deleted;
  guint64 forced;
};

static const KsPod *pod_of(const KsStoreObject *o) { return o->data; }

typedef struct {
  gint64 created;      /* the pod's creation timestamp */
  KsStoreObject *obj;  /* a reference (in a lookup probe: borrowed) */
} GcEntry;

static void gc_entry_free(gpointer p) {
  GcEntry *e = p;
  ks_store_object_unref(e->obj);
  g_free(e);
}

static GcEntry probe_of(const KsStoreObject *obj) {
  return (GcEntry){pod_of(obj)->creation_timestamp_us, (KsStoreObject *)obj};
}

static gboolean is_terminated(const KsPod *p) {
  return p->phase == KS_POD_SUCCEEDED || p->phase == KS_POD_FAILED;
}

/* byEvictionAndCreationTimestamp without eviction (see pod_gc.h). */
static gint gc_order(gconstpointer a, gconstpointer b, gpointer unused) {
  const GcEntry *x = a, *y = b;
  if (x->created != y->created)
    return x->created < y->created ? -1 : 1;
  int c = strcmp(x->obj->name, y->obj->name);
  return c ? c : strcmp(x->obj->namespace, y->obj->namespace);
}

/* Puts `obj` in the tree in place of the version there, if any. */
static void remember(KsPodGc *gc, const KsStoreObject *obj) {
  GcEntry *e = g_new(GcEntry, 1);
  *e = probe_of(obj);
  ks_store_object_ref(obj);
  g_tree_replace(gc->terminated, e, e);
}

static void pod_watch(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                      const KsStoreObject *new_obj, gpointer user_data) {
  KsPodGc *gc = user_data;
  if (old_obj && is_terminated(pod_of(old_obj)) &&
      (type == KS_WATCH_DELETED || !is_terminated(pod_of(new_obj)))) {
    GcEntry probe = probe_of(old_obj);
    g_tree_remove(gc->terminated, &probe);
  }
  if (new_obj && is_terminated(pod_of(new_obj)))
    remember(gc, new_obj);
  const KsStoreObject *o = new_obj ? new_obj : old_obj;
  char *key = g_strdup_printf("%s/%s", o->namespace, o->name);
  if (new_obj && ks_pod_is_terminating(pod_of(new_obj)) && pod_of(new_obj)->node_name)
    g_hash_table_replace(gc->terminating, key, ks_store_object_ref(new_obj));
  else {
    g_hash_table_remove(gc->terminating, key);
    g_free(key);
  }
}

static gint terminating_order(gconstpointer a, gconstpointer b) {
  GcEntry x = probe_of(*(KsStoreObject *const *)a), y = probe_of(*(KsStoreObject *const *)b);
  return gc_order(&x, &y, NULL);
}

/* upstream gcTerminating: a terminating pod on a node that is not Ready
 * and carries the node.kubernetes.io/out-of-service taint has no kubelet
 * to finish it: Failed (markFailedAndDeletePod, no condition), then
 * deleted with grace 0, in creation order. */
static void gc_terminating(KsPodGc *gc) {
  GPtrArray *due = g_ptr_array_new();
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init(&it, gc->terminating);
  while (g_hash_table_iter_next(&it, NULL, &value)) {
    const KsStoreObject *node =
        ks_store_get(gc->store, KS_STORE_NODE, NULL, pod_of(value)->node_name);
    if (!node)
      continue; /* upstream: "Failed to get node", skipped */
    const KsNode *n = node->data;
    gboolean tainted = FALSE;
    for (guint i = 0; n->taints && i < n->taints->len; i++)
      if (g_strcmp0(g_array_index(n->taints, KsTaint, i).key, KS_TAINT_OUT_OF_SERVICE) == 0)
        tainted = TRUE;
    if (tainted && g_strcmp0(ks_node_condition_status(n, "Ready"), "True") != 0)
      g_ptr_array_add(due, value);
  }
  g_ptr_array_sort(due, terminating_order);
  static const gint64 force = 0;
  for (guint i = 0; i < due->len; i++) {
    const KsStoreObject *o = ks_store_get(gc->store, KS_STORE_POD, ((KsStoreObject *)due->pdata[i])->namespace,
                                          ((KsStoreObject *)due->pdata[i])->name);
    if (!o)
      continue;
    const KsPod *pod = o->data;
    if (!is_terminated(pod)) {
      KsPod *copy = ks_pod_copy(pod);
      copy->phase = KS_POD_FAILED;
      copy->ready = FALSE;
      if (!ks_store_update(gc->store, KS_STORE_POD, o->namespace, o->name, copy,
                           (GDestroyNotify)ks_pod_unref, o->resource_version, NULL))
        continue;
    }
    char *ns = g_strdup(o->namespace), *name = g_strdup(o->name);
    if (ks_object_delete_grace(gc->store, KS_STORE_POD, ns, name, KS_PROPAGATION_BACKGROUND,
                               &force, NULL))
      gc->forced++;
    g_free(ns);
    g_free(name);
  }
  g_ptr_array_unref(due);
}

static void check(KsEngine *e, gpointer data);

static void schedule_check(KsPodGc *gc, gint64 delay_us) {
  gc->check_event = ks_engine_schedule_after(gc->engine, delay_us, check, gc, NULL);
}

/* upstream gcTerminated: delete the oldest (count - threshold). */
static void check(KsEngine *e, gpointer data) {
  KsPodGc *gc = data;
  gint64 excess = (gint64)g_tree_nnodes(gc->terminated) - gc->threshold;
  for (GTreeNode *n = g_tree_node_first(gc->terminated); n && excess > 0;
       n = g_tree_node_next(n), excess--) {
    const KsStoreObject *o = ((const GcEntry *)g_tree_node_key(n))->obj;
    /* Not found or changed since: upstream ignores the error; the next
     * check sees the pod as it is then. */
    if (ks_store_delete(gc->store, KS_STORE_POD, o->namespace, o->name, o->resource_version,
                        NULL))
      gc->deleted++;
  }
  gc_terminating(gc);
  schedule_check(gc, KS_POD_GC_CHECK_PERIOD_US);
}

KsPodGc *ks_pod_gc_new(KsStore *store, gint64 threshold) {
  KsPodGc *gc = g_new0(KsPodGc, 1);
  gc->store = store;
  gc->engine = ks_store_get_engine(store);
  gc->threshold = threshold;
  gc->check_event = KS_ENGINE_NO_EVENT;
  gc->terminated = g_tree_new_full(gc_order, NULL, gc_entry_free, NULL);
  gc->terminating = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify)ks_store_object_unref);
  if (threshold > 0) {
    gc->watch = ks_store_watch(store, KS_STORE_POD, pod_watch, gc);
    schedule_check(gc, 0);
  }
  return gc;
}

void ks_pod_gc_free(KsPodGc *gc) {
  if (!gc)
    return;
  if (gc->watch)
    ks_store_unwatch(gc->store, gc->watch);
  if (gc->check_event != KS_ENGINE_NO_EVENT)
    ks_engine_cancel(gc->engine, gc->check_event);
  g_tree_unref(gc->terminated);
  g_hash_table_destroy(gc->terminating);
  g_free(gc);
}

guint64 ks_pod_gc_deleted(const KsPodGc *gc) { return gc->deleted; }

guint64 ks_pod_gc_forced(const KsPodGc *gc) { return gc->forced; }

guint ks_pod_gc_terminated(const KsPodGc *gc) { return (guint)g_tree_nnodes(gc->terminated); }
