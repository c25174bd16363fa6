/* The DaemonSet controller (upstream v1.31 pkg/controller/daemon): one pod
 * of each DaemonSet on every eligible node, placed through the scheduler.
 *
 * Per sync of a DaemonSet key, as upstream's syncDaemonSet:
 *  1. history: the current ControllerRevision is the one whose template
 *     equals the DaemonSet's; none -> create "<ds>-<hash>" with revision
 *     max(old)+1 (hash: history.h ks_history_compute_hash of the template
 *     and status.collisionCount); an older equal one gets the next revision
 *     number. Its hash labels the pods (controller-revision-hash).
 *  2. manage (when the expectations of the last sync's creates and deletes
 *     are met): for every node, NodeShouldRunDaemonPod (daemonset_util.h)
 *     and the DaemonSet's pods targeting that node (spec.nodeName, or the
 *     injected matchFields affinity of a pod not yet bound) decide:
 *       should run, no pod          -> create one (the template with the
 *                                      daemon tolerations, the hash label,
 *                                      pod-template-generation, and the
 *                                      affinity pinning it to the node; the
 *                                      scheduler binds it);
 *       may continue, pods there    -> delete failed pods (rate limited per
 *                                      node: back-off 1 s doubling to 15 min)
 *                                      and succeeded ones; without surge keep
 *                                      only the oldest running pod; with
 *                                      surge keep the oldest new-hash pod and
 *                                      the oldest old one until the new one
 *                                      is available;
 *       must not run, pods there    -> delete them all;
 *     and pods not yet bound whose node is gone are deleted. Creates and
 *     deletes are capped at 250 per sync (burstReplicas), creates in
 *     slow-start batches 1, 2, 4, ... that stop at the first failure.
 *  3. rolling update (RollingUpdate strategy, expectations met):
 *     maxUnavailable (rounded up from a percentage of the desired number;
 *     default 1) and maxSurge (default 0; both 0 -> maxUnavailable 1) as
 *     upstream's rollingUpdate: without surge, delete old pods that are not
 *     available at once and available old pods while fewer than
 *     maxUnavailable nodes are unavailable (manage then recreates them at
 *     the new hash); with surge, create a new pod next to an old one (at
 *     once when the old one is unavailable, else up to maxSurge at a time)
 *     and delete the old one when the new one is available.
 *     OnDelete: nothing; deleted pods come back at the new hash.
 *  4. history cleanup beyond revisionHistoryLimit (oldest first, never a
 *     revision a live pod uses).
 *  5. status: desiredNumberScheduled, currentNumberScheduled,
 *     numberMisscheduled, numberReady, numberAvailable, numberUnavailable,
 *     updatedNumberScheduled (from the oldest pod of each node),
 *     observedGeneration; written only when it changed. With minReadySeconds
 *     the key is requeued after it while ready pods are not yet available.
 *
 * Where ksim departs: upstream walks a Go map of nodes in the rolling update
 * (a random order); ksim walks nodes by name. Orphan pods and revisions are
 * not adopted (ksim's own objects always carry their controller reference).
 * Pods bound to a node that is deleted are left to whoever removes the node
 * (upstream: the pod garbage collector), as upstream's DaemonSet controller
 * does.
 */
#pragma once
#include "sim/controllers/runtime.h"

/* upstream BurstReplicas and the failed-pod back-off (1 s to 15 min). */
#define KS_DAEMONSET_BURST_REPLICAS 250
#define KS_DAEMONSET_FAILED_BACKOFF_INITIAL_US ((gint64)G_USEC_PER_SEC)
#define KS_DAEMONSET_FAILED_BACKOFF_MAX_US ((gint64)15 * 60 * G_USEC_PER_SEC)

/* The controller's class for the manager's table ("daemonset", upstream
 * --concurrent-daemonset-syncs default 2 workers). */
extern const KsControllerClass ks_daemonset_controller_class;
