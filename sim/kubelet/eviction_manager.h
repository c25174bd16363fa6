/* The kubelet's eviction manager (node-pressure eviction), upstream
 * pkg/kubelet/eviction v1.31, run over the resource model's usage
 * (resource_model.h) with the thresholds of a KubeletConfiguration
 * (workloads/kubelet_config.h; the v1.31 defaults unless the scenario names
 * one with spec.kubeletConfig). docs/node-agent.md "Eviction manager" has
 * the equations; in short:
 *
 *  - signals per node: memory.available = memory capacity - (system memory
 *    + the memory of the running modelled pods); nodefs.available =
 *    ephemeral-storage capacity - the pods' ephemeral-storage usage (only
 *    on nodes that declare ephemeral-storage capacity); imagefs.available
 *    is the same observation (no node has a dedicated image filesystem).
 *    Inodes, pids and allocatableMemory.available are not observed: their
 *    thresholds are never met.
 *  - thresholds: the config's hard ones, and soft ones that count once met
 *    continuously for their grace period (thresholdsFirstObservedAt /
 *    thresholdsMetGracePeriod); a threshold that drove evictions stays met
 *    until available >= quantity + minimum reclaim. A percentage is a
 *    float32 fraction of capacity, as upstream.
 *  - housekeeping: one synchronize pass over every node the model has run a
 *    pod on (first-seen order) at each multiple of 10 s, from the first
 *    multiple at or after the model's first pod; at most one eviction per
 *    node per pass. A node whose kubelet is down (node faults) gets no pass
 *    and starts with a fresh state when it is back.
 *  - node conditions MemoryPressure / DiskPressure: True while a threshold
 *    (hard or soft, before its grace period) is met and for
 *    evictionPressureTransitionPeriod after it was last met, written to the
 *    Node in the store when they change.
 *  - victims ranked as rankMemoryPressure / rankDiskPressureFunc: usage
 *    above requests first, then lower priority, then larger usage above
 *    requests (name order breaks ties); critical pods are skipped. The
 *    victim becomes Failed, reason Evicted, with the kubelet's message and a
 *    DisruptionTarget condition (TerminationByKubelet), written as the kill
 *    starts; the kubelet never deletes it. Its containers take
 *    min(shutdown-time, grace) to stop (grace: 1 s for hard thresholds,
 *    min(evictionMaxPodGracePeriod, terminationGracePeriodSeconds) for
 *    soft ones, 0 meaning the pod's own, at least 1), during which it
 *    keeps its usage in the model and the node gets no pass (nor in the
 *    1 s cleanup poll after); then the model drops it and its running
 *    containers are terminated (137 when SIGKILLed).
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
#include "sim/kubelet/kubelet_configs.h"
#include "workloads/kubelet_config.h"

#define KS_EVICTION_HOUSEKEEPING_US (10 * G_USEC_PER_SEC)
#define KS_EVICTION_REASON "Evicted"
/* immediateEvictionGracePeriodSeconds: the grace of a hard eviction */
#define KS_EVICTION_IMMEDIATE_GRACE_SECONDS 1
/* podCleanupPollFreq: waitForPodsCleanup's first look after the kill */
#define KS_EVICTION_CLEANUP_POLL_US G_USEC_PER_SEC

typedef struct KsEvictionManager KsEvictionManager;

/* transfer full; watches pods after whoever was registered before it (the
 * node agent, whose model it reads). model: transfer none, outlives it. */
KsEvictionManager *ks_eviction_manager_new(KsStore *store, KsKubeletModel *model);
void ks_eviction_manager_free(KsEvictionManager *em);

/* The kubelet configuration every node's eviction manager uses (one config
 * for all nodes, spec.kubeletConfig). Takes a reference; NULL restores the
 * v1.31 defaults, which a new manager starts with. Set it before the run:
 * nodes already seen start over. */
void ks_eviction_manager_set_config(KsEvictionManager *em, KsKubeletConfig *config);
/* transfer none; never NULL. The node agent's kubelet settings (image pulls,
 * image GC) come from here too. The pointer changes (and the old config may
 * be freed) when set_config runs: read it when needed, or hold a reference
 * (ks_kubelet_config_ref). */
const KsKubeletConfig *ks_eviction_manager_config(const KsEvictionManager *em);
/* Per-pool configurations (spec.nodePools[].kubeletConfig): a node whose
 * pool has its own runs with it (sim/kubelet/kubelet_configs.h); the others
 * with ks_eviction_manager_config. A reference is taken; NULL: none. */
void ks_eviction_manager_set_kubelets(KsEvictionManager *em, KsKubeletConfigs *kubelets);
/* transfer none: the configuration node's kubelet runs with (node NULL:
 * the default one). Valid while the configurations are set. */
const KsKubeletConfig *ks_eviction_manager_node_config(const KsEvictionManager *em,
                                                       const KsNode *node);

/* Evictions (pressure evictions and admission rejections are counted apart). */
guint64 ks_eviction_manager_evictions_by_qos(const KsEvictionManager *em, KsQosClass q);
/* Number of nodes with at least one eviction or rejection, in first-eviction order. */
guint ks_eviction_manager_n_nodes(const KsEvictionManager *em);
/* transfer none */
const char *ks_eviction_manager_node_name(const KsEvictionManager *em, guint i);
guint64 ks_eviction_manager_node_evictions(const KsEvictionManager *em, guint i);
/* Pods rejected at admission under node pressure. */
guint64 ks_eviction_manager_rejections(const KsEvictionManager *em);

/* The grace period (seconds) a victim of threshold t is killed with on a
 * kubelet running config (docs/node-agent.md "Eviction manager"). */
gint64 ks_eviction_grace_seconds(const KsKubeletConfig *config, const KsEvictionThreshold *t,
                                 const KsPod *pod);
/* TRUE while an evicted pod (Failed already) has containers that have not
 * stopped yet: it still runs in the resource model. em may be NULL. */
gboolean ks_eviction_manager_killing(const KsEvictionManager *em, const char *ns,
                                     const char *name);
