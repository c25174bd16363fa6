/* The ReplicaSet controller (upstream pkg/controller/replicaset, v1.31).
 *
 * For each ReplicaSet key: lists the active pods of its namespace (not
 * Succeeded, not Failed, no deletionTimestamp), claims them (adopts
 * orphans its selector matches with a controller reference, releases the
 * pods it owns that no longer match), and unless its expectations are
 * pending or it is being deleted, creates or deletes pods to match
 * spec.replicas:
 * - creates in slow-start batches of 1, 2, 4, ... (a batch with a failure
 *   stops the rest), at most 500 per sync (burstReplicas); pods are named
 *   generateName "<rs>-" + 5 characters of the API server's alphabet from
 *   the controller's RNG stream;
 * - deletes the first pods of upstream's ranking (controller_utils.h,
 *   ks_controller_sort_pods_to_delete; related pods are the pods owned by
 *   any ReplicaSet with the same controller, e.g. one Deployment's), at
 *   most 500 per sync.
 * Then writes status (replicas, fullyLabeledReplicas, readyReplicas,
 * availableReplicas with minReadySeconds, observedGeneration, the
 * ReplicaFailure condition) when it changed, and when every pod is ready
 * but not yet all available, looks again after minReadySeconds.
 *
 * Pods that finish (Succeeded or Failed) are not active: they are not
 * counted, and are replaced.
 */
#pragma once
#include "sim/controllers/runtime.h"

#define KS_REPLICA_SET_BURST_REPLICAS 500 /* upstream BurstReplicas */
#define KS_REPLICA_SET_WORKERS 5          /* --concurrent-replicaset-syncs */
#define KS_REPLICA_SET_API_VERSION "apps/v1"
#define KS_REPLICA_SET_KIND "ReplicaSet"

extern const KsControllerClass ks_replica_set_controller_class;
