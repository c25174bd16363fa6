/* The ReplicationController controller (upstream pkg/controller/replication,
 * v1.31): the ReplicaSet controller (replica_set.h) run over v1
 * ReplicationControllers, as upstream's ReplicationManager wraps the
 * ReplicaSet controller in a conversion layer. An RC is seen as a
 * ReplicaSet whose selector is matchLabels of the RC's selector map
 * (equality only); pods it creates or adopts get a controller reference
 * kind ReplicationController, apiVersion v1; status (replicas,
 * fullyLabeledReplicas, readyReplicas, availableReplicas,
 * observedGeneration, and the ReplicaFailure condition of calculateStatus:
 * FailedCreate / FailedDelete with the error's message while creates or
 * deletes fail) is written back to the RC. Everything else - claim, slow
 * start, burst 500, deletion ranking, expectations, minReadySeconds - is
 * the ReplicaSet code.
 */
#pragma once
#include "sim/controllers/replica_set.h"

#define KS_REPLICATION_CONTROLLER_WORKERS 5 /* --concurrent-rc-syncs */
#define KS_REPLICATION_CONTROLLER_API_VERSION "v1"
#define KS_REPLICATION_CONTROLLER_KIND "ReplicationController"

extern const KsReplicaKind ks_replication_controller_kind;
extern const KsControllerClass ks_replication_controller_class;
