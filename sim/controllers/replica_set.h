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
 *
 * The same implementation runs v1 ReplicationControllers (upstream's
 * ReplicationManager is this controller over a conversion layer, with its
 * own GroupVersionKind and names): a KsReplicaKind says how to see a
 * stored object of the kind as a ReplicaSet and how to write a status
 * back; replication_controller.c is the RC's.
 */
#pragma once
#include "sim/controllers/runtime.h"
#include "workloads/apps.h"

#define KS_REPLICA_SET_BURST_REPLICAS 500 /* upstream BurstReplicas */
#define KS_REPLICA_SET_WORKERS 5          /* --concurrent-replicaset-syncs */
#define KS_REPLICA_SET_API_VERSION "apps/v1"
#define KS_REPLICA_SET_KIND "ReplicaSet"

/* A kind the ReplicaSet logic runs over (upstream's informer, lister and
 * client adapters of pkg/controller/replication/conversion.go). */
typedef struct {
  KsStoreKind store_kind;
  const char *api_version; /* of the controller references written to pods */
  const char *kind;        /* their kind, and the one pods' references are resolved by */
  const KsObjectMeta *(*meta)(gconstpointer data);
  gint32 (*min_ready_seconds)(gconstpointer data);
  /* TRUE iff data's selector is not empty and matches labels (upstream's
   * GetPodReplicaSets skips empty selectors). */
  gboolean (*selects)(gconstpointer data, const KsLabels *labels);
  /* data as a ReplicaSet: metadata, spec and status (transfer full);
   * NULL when data is a KsReplicaSet (used as it is). */
  KsReplicaSet *(*to_replica_set)(gconstpointer data);
  /* A copy of data with the status of rs (the one to_replica_set gave,
   * its status rewritten). transfer full */
  gpointer (*with_status)(gconstpointer data, const KsReplicaSet *rs);
  GDestroyNotify free;
} KsReplicaKind;

extern const KsReplicaKind ks_replica_set_kind;
extern const KsControllerClass ks_replica_set_controller_class;

/* The class callbacks for a kind: a class of another kind is
 * {name, workers, its init calling ks_replica_controller_init(c, &kind),
 * ks_replica_controller_sync, ks_replica_controller_free}. */
gpointer ks_replica_controller_init(KsController *c, const KsReplicaKind *kind); /* transfer full */
KsSyncResult ks_replica_controller_sync(KsController *c, gpointer self, const char *key);
void ks_replica_controller_free(gpointer self);
