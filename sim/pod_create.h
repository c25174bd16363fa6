/* Putting objects into the store as a client of the API server would:
 * pods through admission (sim/admission.h) then create, other manifest
 * objects (Node, Namespace, PriorityClass, PodDisruptionBudget) copied and
 * created, workload objects (Deployments, Jobs, Services, ...) given the
 * API server's uid, creation time and generation. One implementation for
 * everything that creates objects: the scenario's workload feed, the trace
 * replay (sim/trace_feed.c) and the timeline's apply (sim/timeline_apply.c).
 */
#pragma once
#include <glib.h>

#include "sched/rng.h"
#include "sim/kubelet/kubelet_configs.h"
#include "sim/store.h"
#include "workloads/manifest.h"

/* The PriorityClass lookup admission needs, over the store's classes
 * (name NULL: the globalDefault one). user_data is the KsStore. */
const KsPriorityClass *ks_sim_store_priority_class(const char *name, gpointer user_data);

/* Admits pod and creates it; creation_timestamp_us 0 becomes now.
 * pod: transfer full (freed on failure). FALSE with *error when admission
 * refuses the pod or the store does (an existing name). */
gboolean ks_sim_create_pod(KsStore *store, KsPod *pod, GError **error);

/* Creates a copy of a manifest object (a Pod goes through admission).
 * FALSE with *error when refused. */
gboolean ks_sim_create_object(KsStore *store, const KsManifestObject *o, GError **error);
/* The same, a Node registered through ks_sim_create_node with `kubelets`. */
gboolean ks_sim_create_object_kubelets(KsStore *store, const KsManifestObject *o,
                                       const KsKubeletConfigs *kubelets, GError **error);

/* Creates node as its kubelet registers it: the one place every Node of a
 * run (pools, manifests, timeline applies, trace nodes) enters the store.
 * A node that does not declare status.allocatable gets the allocatable of
 * its KubeletConfiguration (kubelets: sim/kubelet/kubelet_configs.h; NULL
 * or no configuration: unchanged). node: transfer full (freed on failure). */
gboolean ks_sim_create_node(KsStore *store, KsNode *node, const KsKubeletConfigs *kubelets,
                            GError **error);

/* Creates a copy of a workload object (src, of store kind `kind`) as the API
 * server would: a uid drawn from `uids` when it has none, a Job's generated
 * selector once it has a uid, a claim without a class the default
 * StorageClass (sim/admission_storage_class.h), the status of the controllers' kinds cleared
 * and their creationTimestamp now (sim/create_strategy.h; other kinds'
 * creationTimestamp now when unset), metadata.generation 1 when unset. FALSE with *error when the store
 * refuses it (an existing name). */
gboolean ks_sim_create_workload(KsStore *store, KsRng *uids, KsStoreKind kind, gconstpointer src,
                                GError **error);
