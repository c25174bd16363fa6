/* The kubelet's eviction manager (node-pressure eviction), upstream
 * pkg/kubelet/eviction v1.31, run over the resource model's usage
 * (resource_model.h). docs/node-agent.md "Eviction manager" has the
 * equations; in short:
 *
 *  - signals per node: memory.available = memory capacity - (system memory
 *    + the memory of the running modelled pods); nodefs.available =
 *    ephemeral-storage capacity - the pods' ephemeral-storage usage (only
 *    on nodes that declare ephemeral-storage capacity). imagefs and inodes
 *    are not modelled.
 *  - thresholds: the kubelet's default evictionHard, memory.available<100Mi
 *    and nodefs.available<10% (a float32 fraction of capacity, as upstream),
 *    minimum reclaim 0. No soft thresholds (see the departures).
 *  - housekeeping: one synchronize pass over every node the model has run a
 *    pod on (first-seen order) at each multiple of 10 s, from the first
 *    multiple at or after the model's first pod; at most one eviction per
 *    node per pass.
 *  - node conditions MemoryPressure / DiskPressure: True while a threshold
 *    is met and for the pressure transition period (5 min) after it was last
 *    met, written to the Node in the store when they change.
 *  - victims ranked as rankMemoryPressure / rankDiskPressureFunc: usage
 *    above requests first, then lower priority, then larger usage above
 *    requests (name order breaks ties); critical pods are skipped. The
 *    victim becomes Failed, reason Evicted, with the kubelet's message and a
 *    DisruptionTarget condition (TerminationByKubelet); the node agent then
 *    drops it from the model, so it stops using resources.
 *  - admission (the kubelet's eviction admit handler): a pod bound to a node
 *    with MemoryPressure is rejected when BestEffort and not tolerating the
 *    memory-pressure NoSchedule taint; with DiskPressure every pod is
 *    rejected; critical pods are always admitted. A rejected pod becomes
 *    Failed, reason Evicted, "The node had condition: [MemoryPressure]. ".
 *
 * Runs without any usage profile never see a pass: their results stay as
 * they were. */
#pragma once
#include <glib.h>

#include "sched/qos.h"
#include "sim/kubelet/resource_model.h"
#include "sim/store.h"

#define KS_EVICTION_HOUSEKEEPING_US (10 * G_USEC_PER_SEC)
#define KS_EVICTION_PRESSURE_TRANSITION_US (5 * 60 * G_USEC_PER_SEC)
#define KS_EVICTION_REASON "Evicted"

typedef struct KsEvictionManager KsEvictionManager;

/* transfer full; watches pods after whoever was registered before it (the
 * node agent, whose model it reads). model: transfer none, outlives it. */
KsEvictionManager *ks_eviction_manager_new(KsStore *store, KsKubeletModel *model);
void ks_eviction_manager_free(KsEvictionManager *em);

/* Evictions (pressure evictions and admission rejections are counted apart). */
guint64 ks_eviction_manager_evictions_by_qos(const KsEvictionManager *em, KsQosClass q);
/* Number of nodes with at least one eviction or rejection, in first-eviction order. */
guint ks_eviction_manager_n_nodes(const KsEvictionManager *em);
/* transfer none */
const char *ks_eviction_manager_node_name(const KsEvictionManager *em, guint i);
guint64 ks_eviction_manager_node_evictions(const KsEvictionManager *em, guint i);
/* Pods rejected at admission under node pressure. */
guint64 ks_eviction_manager_rejections(const KsEvictionManager *em);
