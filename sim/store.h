/* The object store: the API server and etcd of the simulation.
 *
 * Objects are keyed by (kind, namespace, name); cluster-scoped kinds (nodes,
 * namespaces, priority classes) have the namespace "". Every change (create,
 * update, delete) takes the next value of one store-wide revision counter, as
 * etcd does; an object's resource_version is the revision of its last write.
 *
 * Stored objects are immutable and refcounted. An update stores a new object
 * and drops the store's reference to the old one, so whoever still holds the
 * old one (a watcher's queued event, a controller) sees a consistent
 * snapshot: copy on write, never modify data in place.
 *
 * Watches are asynchronous, as informers are: a change queues one engine
 * event at the current sim time that calls every watcher of that kind, in
 * order of change and then of watch registration. The queued event holds
 * references to the old and new objects until it is delivered, so deleting
 * an object whose ADDED event is still queued is safe.
 *
 * Single-threaded, like the engine it queues on.
 */
#pragma once
#include <glib.h>

#include "sim/engine.h"

#define KS_STORE_ERROR (ks_store_error_quark())
GQuark ks_store_error_quark(void);
typedef enum {
  KS_STORE_ERROR_ALREADY_EXISTS, /* create of an existing key */
  KS_STORE_ERROR_NOT_FOUND,      /* update or delete of a missing key */
  KS_STORE_ERROR_CONFLICT,       /* expected resource version is not the current one */
  KS_STORE_ERROR_INVALID,        /* empty name, namespace on a cluster-scoped kind, ... */
} KsStoreError;

/* Append new kinds before KS_STORE_N_KINDS (and name them in store.c). */
typedef enum {
  KS_STORE_POD,
  KS_STORE_NODE,
  KS_STORE_NAMESPACE,
  KS_STORE_PRIORITY_CLASS,
  KS_STORE_DEPLOYMENT,
  KS_STORE_REPLICA_SET,
  KS_STORE_JOB,
  KS_STORE_POD_DISRUPTION_BUDGET,
  KS_STORE_DAEMON_SET,
  KS_STORE_STATEFUL_SET,
  KS_STORE_CONTROLLER_REVISION,
  KS_STORE_CRON_JOB,
  KS_STORE_SERVICE,
  KS_STORE_CONFIG_MAP,
  KS_STORE_SECRET,
  KS_STORE_PERSISTENT_VOLUME,
  KS_STORE_PERSISTENT_VOLUME_CLAIM,
  KS_STORE_STORAGE_CLASS,
  KS_STORE_REPLICATION_CONTROLLER,
  KS_STORE_N_KINDS
} KsStoreKind;

/* Upstream's plural resource name ("pods", "priorityclasses"); static string. */
const char *ks_store_kind_to_string(KsStoreKind kind);
gboolean ks_store_kind_is_namespaced(KsStoreKind kind);

typedef struct {
  KsStoreKind kind;
  const char *namespace;     /* "" for cluster-scoped kinds */
  const char *name;
  guint64 resource_version;  /* store revision of the write that made this object */
  gpointer data;             /* the caller's payload (e.g. a KsPod *); read-only */
  GDestroyNotify free_data;
  /*< private >*/
  gint ref_count;
} KsStoreObject;

/* transfer full: returns obj with one more reference. */
KsStoreObject *ks_store_object_ref(const KsStoreObject *obj);
/* Drops a reference; the last one frees data with free_data. NULL is a no-op. */
void ks_store_object_unref(KsStoreObject *obj);

typedef struct KsStore KsStore;

/* transfer full. engine (transfer none) must outlive the store's last
 * change; it may be NULL for a store nobody watches. Free the store before
 * the engine or after it, either works, but make no change once the engine
 * is gone. */
KsStore *ks_store_new(KsEngine *engine);
/* Drops queued watch events undelivered (cancelling them on the engine) and
 * every object. NULL is a no-op. */
void ks_store_free(KsStore *s);

/* transfer none: the engine given to ks_store_new() (watch handlers use it
 * to schedule follow-up work). */
KsEngine *ks_store_get_engine(const KsStore *s);
/* The revision of the last change, 0 before the first. */
guint64 ks_store_revision(const KsStore *s);

/* In create and update, data (transfer full) is owned by the store from the
 * call on, even when the call fails (then it is freed with free_data at
 * once). Each returns the new resource version, or 0 with *error set.
 * namespace may be NULL for "". */
guint64 ks_store_create(KsStore *s, KsStoreKind kind, const char *namespace, const char *name,
                        gpointer data, GDestroyNotify free_data, GError **error);
/* expected_rv 0: unconditional; otherwise the write fails with CONFLICT
 * unless the object's resource_version is expected_rv (optimistic
 * concurrency, as a PUT with metadata.resourceVersion). */
guint64 ks_store_update(KsStore *s, KsStoreKind kind, const char *namespace, const char *name,
                        gpointer data, GDestroyNotify free_data, guint64 expected_rv,
                        GError **error);
/* expected_rv as in ks_store_update (a delete precondition). */
gboolean ks_store_delete(KsStore *s, KsStoreKind kind, const char *namespace, const char *name,
                         guint64 expected_rv, GError **error);

/* transfer none: valid until the next change to that key; ref it to keep
 * it. NULL when absent. */
const KsStoreObject *ks_store_get(const KsStore *s, KsStoreKind kind, const char *namespace,
                                  const char *name);
/* transfer container: an array of references (freeing the array drops
 * them), sorted by (namespace, name) byte-wise. namespace NULL lists all
 * namespaces, else only that one. */
GPtrArray *ks_store_list(const KsStore *s, KsStoreKind kind, const char *namespace);
/* Calls fn on each object of kind in list order, without allocating; fn
 * returns FALSE to stop early. fn must not change the store. */
typedef gboolean (*KsStoreForeachFn)(const KsStoreObject *obj, gpointer user_data);
void ks_store_foreach(const KsStore *s, KsStoreKind kind, KsStoreForeachFn fn,
                      gpointer user_data);
guint ks_store_count(const KsStore *s, KsStoreKind kind);

/* Secondary indexes, as client-go's Indexers (the controllers' pod index by
 * controller UID): fn gives an object's index value, a string inside
 * obj->data (transfer none), or NULL to leave the object out. fn must
 * depend only on the object. The store keeps every index up to date on
 * create, update and delete. */
typedef const char *(*KsStoreIndexFn)(const KsStoreObject *obj);
/* The id (> 0) of index `name` on kind, added on first use (the objects
 * already stored are indexed then): callers share an index by its name.
 * The name is copied; fn must be the same at every call for a name. */
guint ks_store_index(KsStore *s, KsStoreKind kind, const char *name, KsStoreIndexFn fn);
/* transfer container: the objects whose value in index index_id is value,
 * referenced and sorted as ks_store_list; namespace NULL for all, else only
 * that one. O(k) for the k objects with the value, whatever the store
 * holds. */
GPtrArray *ks_store_list_by_index(const KsStore *s, guint index_id, const char *value,
                                  const char *namespace);

typedef enum { KS_WATCH_ADDED, KS_WATCH_MODIFIED, KS_WATCH_DELETED } KsWatchEventType;
const char *ks_watch_event_type_to_string(KsWatchEventType type);

/* ADDED: old_obj NULL, new_obj the created object. MODIFIED: both.
 * DELETED: old_obj the object as last stored, new_obj NULL. Both are
 * transfer none (ref to keep). The handler runs from an engine event and may
 * change the store (its changes are queued in turn), watch and unwatch, but
 * must not free the store. */
typedef void (*KsWatchFn)(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                          const KsStoreObject *new_obj, gpointer user_data);

/* Registers fn for changes to kind made from now on (no replay of existing
 * objects: list them first, as an informer does). Returns a watch id > 0.
 * Needs a store made with an engine. */
guint ks_store_watch(KsStore *s, KsStoreKind kind, KsWatchFn fn, gpointer user_data);
/* Stops delivery at once, including events already queued for this watch.
 * FALSE when id is not an active watch. */
gboolean ks_store_unwatch(KsStore *s, guint watch_id);
/* Watch events queued and not yet delivered (all watchers). */
gsize ks_store_pending_events(const KsStore *s);
