/* Pod QoS classes and the kubelet's OOM score adjust (kube-semantics 5.1,
 * 5.2; upstream v1.31 pkg/apis/core/v1/helper/qos ComputePodQOS and
 * pkg/kubelet/qos/policy.go GetContainerOOMScoreAdjust). Shared by the node
 * agent (cpu shares, OOM kills, eviction), preemption and the results. */
#pragma once
#include <glib.h>

#include "sched/pod.h"

/* In the order results list them. */
typedef enum {
  KS_QOS_GUARANTEED = 0,
  KS_QOS_BURSTABLE,
  KS_QOS_BEST_EFFORT,
} KsQosClass;
#define KS_QOS_CLASS_COUNT 3

/* "Guaranteed", "Burstable", "BestEffort" (status.qosClass spelling). */
const char *ks_qos_class_to_string(KsQosClass q);
gboolean ks_qos_class_from_string(const char *s, KsQosClass *out);

/* ComputePodQOS (v1.31, no pod-level resources): regular and init
 * containers (sidecars too), only cpu and memory, only quantities > 0.
 * BestEffort when no container has a positive cpu/memory request or limit;
 * Guaranteed when every container has positive cpu and memory limits and
 * the summed requests equal the summed limits for both; else Burstable.
 * Requests are taken as KsContainer holds them (after API defaulting a
 * limit without a request has set the request). */
KsQosClass ks_pod_qos(const KsPod *p);

/* oom_score_adj values (policy.go). */
#define KS_OOM_SCORE_ADJ_KUBELET (-999)
#define KS_OOM_SCORE_ADJ_GUARANTEED (-997)
#define KS_OOM_SCORE_ADJ_BEST_EFFORT 1000
/* The kernel's range: -1000 exempts a process from the OOM killer. */
#define KS_OOM_SCORE_ADJ_MIN (-1000)
#define KS_OOM_SCORE_ADJ_MAX 1000

/* scheduling.SystemCriticalPriority: pods at or above it are critical. */
#define KS_SYSTEM_CRITICAL_PRIORITY 2000000000

/* types.IsCriticalPod without static/mirror pods (ksim has none): priority
 * at or above SystemCriticalPriority. */
gboolean ks_pod_is_critical(const KsPod *p);
/* types.IsNodeCriticalPod: critical and priorityClassName
 * system-node-critical. */
gboolean ks_pod_is_node_critical(const KsPod *p);

/* GetContainerOOMScoreAdjust (v1.31): node-critical pods and Guaranteed
 * -997, BestEffort 1000, Burstable 1000 - 1000*memRequest/memoryCapacity
 * (int64 division; a sidecar takes the min with the same formula over the
 * smallest regular container's request), clamped to [3, 999].
 * memory_capacity is the node's memory capacity in bytes (> 0). */
gint ks_qos_container_oom_score_adj(const KsPod *p, const KsContainer *c,
                                    gint64 memory_capacity);
