/* The scheduling queue: upstream's PriorityQueue with the v1.31 default
 * SchedulerQueueingHints=OFF semantics (kube-semantics 1.1).
 *
 * activeQ (heap by the profile's QueueSort, then insertion sequence),
 * backoffQ (heap by backoff expiry, then sequence), unschedulablePods (a
 * list, with each pod's rejecting plugins) and the in-flight pods popped
 * but not yet finished. Time is the host's int64 microseconds.
 */
#pragma once
#include <glib.h>
#include "sched/framework.h"

typedef struct KsSchedQueue KsSchedQueue;

/* Decides, for a node event, whether the pod could now fit that node
 * (upstream preCheckForNode). */
typedef gboolean (*KsSchedQueuePreCheck)(const KsPod *pod, gpointer user_data);

/* fw is borrowed and must outlive the queue. transfer full */
KsSchedQueue *ks_sched_queue_new(const KsSchedFramework *fw, gint64 initial_backoff_us,
                                 gint64 max_backoff_us, gint64 max_in_unschedulable_us);
void ks_sched_queue_free(KsSchedQueue *q);
/* Several profiles sharing this queue (fws borrowed, must outlive it; the
 * first is the one given to ks_sched_queue_new, whose QueueSort orders
 * every pod): PreEnqueue and event moves use the profile named by each
 * pod's spec.schedulerName, since rejector bits index that profile. */
void ks_sched_queue_set_profiles(KsSchedQueue *q, const KsSchedFramework *const *fws, guint n);

/* A new pending pod: PreEnqueue, then activeQ or (gated) unschedulablePods. */
void ks_sched_queue_add(KsSchedQueue *q, KsPod *pod, gint64 now);
/* The pending pod changed (same namespace/name): replaces the object. An
 * unschedulable (or gated) pod whose metadata or spec changed (upstream
 * isPodUpdated: anything but the status) moves to backoffQ, or through
 * PreEnqueue to activeQ; a status-only update leaves it where it is. FALSE
 * when the pod is not queued. */
gboolean ks_sched_queue_update(KsSchedQueue *q, KsPod *pod, gint64 now);
/* Drops a pending pod from every structure. FALSE when not queued. */
gboolean ks_sched_queue_delete(KsSchedQueue *q, const KsPod *pod);

/* Pops the first pod of activeQ: increments its attempts and the scheduling
 * cycle. The pod is "in flight" until done() or requeue(). NULL when empty. */
KsSchedQueuedPod *ks_sched_queue_pop(KsSchedQueue *q);
/* The in-flight pod for `pod`, or NULL. */
KsSchedQueuedPod *ks_sched_queue_in_flight(KsSchedQueue *q, const KsPod *pod);
/* The in-flight pod was bound (or dropped): forget it. */
void ks_sched_queue_done(KsSchedQueue *q, KsSchedQueuedPod *qp);
/* AddUnschedulableIfNotPresent: the attempt failed; rejectors is the set of
 * rejecting plugins (0 for errors). */
void ks_sched_queue_requeue(KsSchedQueue *q, KsSchedQueuedPod *qp, guint64 rejectors, gint64 now);

/* MoveAllToActiveOrBackoffQueue for a cluster event. pre_check may be NULL. */
void ks_sched_queue_move_all(KsSchedQueue *q, const KsSchedClusterEvent *ev,
                             KsSchedQueuePreCheck pre_check, gpointer user_data, gint64 now);
/* AssignedPodAdded (v1.31, queueing hints off): an assigned pod appeared.
 * Only unschedulable pods that PodTopologySpread rejected and that share
 * the pod's namespace, or whose required pod affinity terms select it
 * (ns_labels: the labels of its namespace, NULL if unknown), are candidates;
 * they move as for ks_sched_queue_move_all with event Pod/Add. */
void ks_sched_queue_assigned_pod_added(KsSchedQueue *q, const KsPod *pod,
                                       const KsLabels *ns_labels, gint64 now);
/* AssignedPodUpdated: the same with event Pod/Update for the new object;
 * when a request of the pod shrank (or vanished) every unschedulable pod is
 * a candidate (upstream's UpdatePodScaleDown case). */
void ks_sched_queue_assigned_pod_updated(KsSchedQueue *q, const KsPod *old, const KsPod *pod,
                                         const KsLabels *ns_labels, gint64 now);
/* flushBackoffQCompleted: backoff-expired pods to activeQ. */
void ks_sched_queue_flush_backoff(KsSchedQueue *q, gint64 now);
/* flushUnschedulablePodsLeftover: pods unschedulable for longer than the limit. */
void ks_sched_queue_flush_unschedulable(KsSchedQueue *q, gint64 now);

/* backoffDuration(attempts) in microseconds. */
gint64 ks_sched_queue_backoff_duration(const KsSchedQueue *q, gint32 attempts);
/* Earliest backoff expiry in backoffQ, or G_MAXINT64. */
gint64 ks_sched_queue_next_backoff_expiry(const KsSchedQueue *q);
/* Earliest timestamp among non-gated unschedulable pods, or G_MAXINT64
 * (cached; q is not const for the cache's sake). */
gint64 ks_sched_queue_oldest_unschedulable(KsSchedQueue *q);

guint ks_sched_queue_active_len(const KsSchedQueue *q);
guint ks_sched_queue_backoff_len(const KsSchedQueue *q);
guint ks_sched_queue_unschedulable_len(const KsSchedQueue *q);
gint64 ks_sched_queue_scheduling_cycle(const KsSchedQueue *q);

/* ---- nominator (upstream PodNominator) -------------------------------------- */

/* Records that `pod` is nominated to `node` (NULL or "" clears), replacing
 * any earlier record; the pod goes last in the node's list. */
void ks_sched_queue_nominate(KsSchedQueue *q, KsPod *pod, const char *node);
/* The pod's nominated node (interned), or NULL. */
const char *ks_sched_queue_nominated_node(const KsSchedQueue *q, const KsPod *pod);
/* Pods nominated to `node`, in nomination order (borrowed, valid until the
 * next nominator change), or NULL when none. */
const GPtrArray *ks_sched_queue_nominated_pods(const KsSchedQueue *q, const char *node);
/* Number of nominated pods. */
guint ks_sched_queue_nominated_len(const KsSchedQueue *q);
