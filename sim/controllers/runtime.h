/* The controller runtime: what every controller of sim/controllers/ is
 * built on (client-go's informers + work queue + workers, on sim time).
 *
 * A controller is a KsControllerClass (a struct of callbacks) registered
 * with the manager (sim/controllers/manager.h), which makes one KsController
 * per class for a run. The runtime gives it:
 *
 * - informers: ks_controller_watch(c, kind, handlers, resync) registers
 *   add / update / delete handlers on a store kind. When the controller
 *   starts, the handlers see every object already in the store as an add
 *   (an informer's initial list), then each change as the store delivers it
 *   (an engine event after the write, in order of change). With a resync
 *   period, every object of the kind is handed to update(obj, obj) each
 *   period, as a shared informer's resync. Handlers only look and enqueue
 *   keys; they never write.
 * - a work queue of keys (sim/controllers/work_queue.h): dedup, never one
 *   key processed twice at once, rate-limited requeue, add_after, forget.
 * - workers: up to `workers` keys are processed at once. A worker takes
 *   the next key and the controller's sync runs for it
 *   reconcile_latency_us later (one engine event per sync); the sync reads
 *   the store as it is at that instant and writes at that instant. So the
 *   latency is control-plane lag: the time from a change reaching the
 *   controller's queue to the controller acting on it (docs/controllers.md).
 *   A sync returning KS_SYNC_RETRY is requeued rate limited
 *   (AddRateLimited), KS_SYNC_DONE forgets the key's requeues (Forget).
 * - the store: controllers read the store directly (the lister); the store
 *   is the API server, so a controller's own writes are visible to its next
 *   read at once. Its informers still learn of them only when the watch
 *   events are delivered, which is what expectations
 *   (sim/controllers/expectations.h) wait for.
 * - one RNG stream per controller ("controller/<name>", from the run seed)
 *   for generated names and uids.
 *
 * Deterministic: workers are woken by an engine event queued when a key is
 * added, keys come out FIFO, and syncs run as engine events, so the same
 * inputs give the same order of syncs and writes.
 *
 * Free every controller (the manager does) before the engine.
 */
#pragma once
#include <glib.h>

#include "sched/pod.h"
#include "sched/rng.h"
#include "sim/controllers/work_queue.h"
#include "sim/store.h"

typedef struct KsController KsController;

typedef enum {
  KS_SYNC_DONE,  /* reconciled (or nothing to do): forget the key's requeues */
  KS_SYNC_RETRY, /* failed: requeue the key rate limited */
} KsSyncResult;

typedef struct {
  const char *name; /* "replicaset", "deployment", "garbagecollector", ... (static) */
  /* Upstream's number of concurrent syncs (e.g. --concurrent-replicaset-syncs 5);
   * 0 means 1. */
  guint default_workers;
  /* Makes the controller's state (transfer full, may be NULL) and registers
   * its informers with ks_controller_watch. Runs once, at start. */
  gpointer (*init)(KsController *c);
  /* Reconciles one key. self is what init returned. */
  KsSyncResult (*sync)(KsController *c, gpointer self, const char *key);
  /* Frees self. May be NULL. */
  void (*free)(gpointer self);
} KsControllerClass;

typedef struct {
  gint64 reconcile_latency_us; /* >= 0 */
  guint workers;               /* 0: the class's default_workers */
  KsRateLimiterConfig rate_limiter;
  guint64 seed;
} KsControllerOptions;

/* Zero latency, class workers, the default rate limiter, seed 0. */
void ks_controller_options_default(KsControllerOptions *o);

/* Makes the controller, runs class->init, then hands the store's existing
 * objects to its informers. transfer full; class and store (transfer none)
 * outlive it. */
KsController *ks_controller_new(const KsControllerClass *cls, KsStore *store,
                                const KsControllerOptions *options);
/* Unwatches, cancels its events, frees its state. NULL is a no-op. */
void ks_controller_free(KsController *c);

typedef struct {
  void (*add)(KsController *c, gpointer self, const KsStoreObject *obj);
  void (*update)(KsController *c, gpointer self, const KsStoreObject *old_obj,
                 const KsStoreObject *new_obj);
  void (*del)(KsController *c, gpointer self, const KsStoreObject *obj);
} KsInformerHandlers;

/* Registers handlers (any may be NULL; copied) for kind. resync_us > 0:
 * every resync_us, update(obj, obj) for every object of kind, in store
 * order. Call from init. */
void ks_controller_watch(KsController *c, KsStoreKind kind, const KsInformerHandlers *handlers,
                         gint64 resync_us);

const char *ks_controller_name(const KsController *c);
KsStore *ks_controller_store(const KsController *c);
KsEngine *ks_controller_engine(const KsController *c);
gint64 ks_controller_now(const KsController *c);
KsWorkQueue *ks_controller_queue(const KsController *c);
KsRng *ks_controller_rng(KsController *c);
/* Syncs run so far. */
guint64 ks_controller_syncs(const KsController *c);

/* The key of an object: "namespace/name", or "name" for a cluster-scoped
 * one (upstream MetaNamespaceKeyFunc). transfer full */
char *ks_controller_key(const KsStoreObject *obj);
/* Splits a key; *namespace "" for a cluster-scoped key. transfer full (both). */
void ks_controller_split_key(const char *key, char **namespace, char **name);
/* ks_work_queue_add(queue, key of obj). */
void ks_controller_enqueue(KsController *c, const KsStoreObject *obj);
void ks_controller_enqueue_key(KsController *c, const char *key);
void ks_controller_enqueue_after(KsController *c, const char *key, gint64 delay_us);

/* ---- generic informer handlers ----------------------------------------------
 * What most controllers register for their own kind and for the pods they
 * own, written once. */

/* Handlers that enqueue the object itself on add, update and delete
 * (upstream's addX / updateX / deleteX of a controller's own kind, which
 * only enqueue). Register them with ks_controller_watch. */
extern const KsInformerHandlers ks_controller_enqueue_handlers;
/* resolveControllerRef for a pod: the stored object of owner_kind in the
 * pod's namespace that the pod's controller reference names, when the
 * reference's Kind is owner_kind's (ks_object_kind_name) and its uid is the
 * object's; NULL otherwise. transfer none */
const KsStoreObject *ks_controller_pod_owner(KsController *c, const KsPod *pod,
                                             KsStoreKind owner_kind);
/* ks_controller_pod_owner, and that owner enqueued when there is one.
 * transfer none */
const KsStoreObject *ks_controller_enqueue_pod_owner(KsController *c, const KsPod *pod,
                                                     KsStoreKind owner_kind);
