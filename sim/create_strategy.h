/* What the API server does to a workload object it creates, beyond
 * defaulting (which the manifest decoders do): each kind's registry
 * strategy PrepareForCreate clears the status (apps/v1 Deployment,
 * ReplicaSet, DaemonSet, StatefulSet; batch/v1 Job, CronJob; v1
 * ReplicationController, v1.31), and FillObjectMetaSystemFields stamps the
 * creation time. So a `kubectl get -o yaml` dump, whose status blocks and
 * creationTimestamps describe the cluster it came from, starts afresh: the
 * controllers recompute every status from the pods they make in the run
 * (docs/controllers.md, "Loading kubectl dumps"). Other kinds (Services,
 * ConfigMaps, volumes, ...) are left as they are.
 */
#pragma once
#include <glib.h>

#include "sim/store.h"

/* Clears the status of data (a payload of kind, owned by the caller, not
 * yet stored) and sets its creationTimestamp to now_us, for the workload
 * kinds above; does nothing for other kinds. */
void ks_sim_prepare_for_create(KsStoreKind kind, gpointer data, gint64 now_us);
