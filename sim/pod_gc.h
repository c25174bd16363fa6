/* The pod garbage collector's terminated-pod pass (kube-controller-manager
 * PodGC, upstream pkg/controller/podgc/gc_controller.go, gcTerminated).
 *
 * Every check period (20 s, upstream gcCheckPeriod; the first check at the
 * moment the collector starts, as wait.Until runs at once) the collector
 * counts the terminated pods it knows of (phase Succeeded or Failed) and,
 * when there are more than the threshold (kube-controller-manager
 * --terminated-pod-gc-threshold, default 12,500; 0 turns the pass off, as
 * upstream's "threshold > 0"), deletes the oldest of them down to the
 * threshold: ordered by creation timestamp, then name (upstream
 * byEvictionAndCreationTimestamp), then namespace (a tie upstream leaves
 * to an unstable sort, broken here so runs are deterministic). Upstream
 * deletes evicted pods first; ksim pods carry no status.reason, so no pod
 * counts as evicted.
 *
 * Level-triggered over the store, as a controller: it watches pods (its
 * informer) and keeps the terminated ones in that order, so a check costs
 * O(deleted × log terminated) rather than a list of every pod. A delete is
 * conditional on the resource version the collector saw (a pod changed or
 * re-created meanwhile is left for the next check).
 *
 * Why ksim runs it: without it every finished pod stays in the store (and
 * in every watcher's view of the store) for the whole run, so a replay's
 * memory grows with the pods ever created; with it the store holds the
 * live pods + the threshold. The recorder keeps its row of a collected pod
 * (it already recorded the finish), so results do not lose it.
 */
#pragma once
#include <glib.h>

#include "sim/store.h"

#define KS_POD_GC_DEFAULT_THRESHOLD 12500
#define KS_POD_GC_CHECK_PERIOD_US (20 * G_USEC_PER_SEC)

typedef struct KsPodGc KsPodGc;

/* transfer full. Starts watching pods and schedules the first check at the
 * engine's current time. threshold <= 0: the collector is off (it neither
 * watches nor checks; ks_pod_gc_terminated is 0). */
KsPodGc *ks_pod_gc_new(KsStore *store, gint64 threshold);
/* Unwatches and cancels the next check. NULL is a no-op. */
void ks_pod_gc_free(KsPodGc *gc);

#define KS_TAINT_OUT_OF_SERVICE "node.kubernetes.io/out-of-service"

/* Pods the collector deleted so far (terminated-pod pass). */
guint64 ks_pod_gc_deleted(const KsPodGc *gc);
/* Terminating pods it force-deleted on out-of-service nodes so far. */
guint64 ks_pod_gc_forced(const KsPodGc *gc);
/* Terminated pods the collector knows of now. */
guint ks_pod_gc_terminated(const KsPodGc *gc);
