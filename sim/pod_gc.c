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

#include "sched/pod.h"

struct KsPodGc {
  KsStore *store;
  KsEngine *engine;
  gint64 threshold;
  guint watch;
  guint64 check_event;
  GTree *terminated; /* GcEntry (owned, the key) -> itself */
  guint64 deleted;
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
  schedule_check(gc, KS_POD_GC_CHECK_PERIOD_US);
}

KsPodGc *ks_pod_gc_new(KsStore *store, gint64 threshold) {
  KsPodGc *gc = g_new0(KsPodGc, 1);
  gc->store = store;
  gc->engine = ks_store_get_engine(store);
  gc->threshold = threshold;
  gc->check_event = KS_ENGINE_NO_EVENT;
  gc->terminated = g_tree_new_full(gc_order, NULL, gc_entry_free, NULL);
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
  g_free(gc);
}

guint64 ks_pod_gc_deleted(const KsPodGc *gc) { return gc->deleted; }

guint ks_pod_gc_terminated(const KsPodGc *gc) { return (guint)g_tree_nnodes(gc->terminated); }
