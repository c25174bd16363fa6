/* Node allocatable: what the kubelet reports as a Node's status.allocatable
 * and the kubepods cgroup limit it enforces, from its KubeletConfiguration
 * (upstream v1.31: pkg/kubelet/cm/node_container_manager_linux.go
 * GetNodeAllocatableReservation and getNodeAllocatableAbsolute,
 * pkg/kubelet/cm/helpers.go hardEvictionReservation, the MachineInfo node
 * status setter; docs/node-agent.md "Node allocatable").
 *
 *   reservation[r] = systemReserved[r] + kubeReserved[r] + hardEviction[r]
 *   allocatable[r] = max(0, capacity[r] - reservation[r])   for every r of capacity
 *   allocatable[memory] -= Σ capacity[hugepages-*]           (floored at 0)
 *   kubepods[memory] = max(0, capacity - systemReserved - kubeReserved) - hugepages
 *                      (enforceNodeAllocatable has "pods"; else capacity)
 *
 * hardEviction: memory.available's hard threshold on memory, nodefs.available's
 * on ephemeral-storage (a percentage is of that capacity, as
 * GetThresholdQuantity); no other signal reserves anything. With
 * reservedSystemCPUs the cpu reservation is the number of CPUs it lists
 * (systemReserved cpu replaced, kubeReserved cpu dropped). A node without a
 * `pods` capacity gets maxPods, or min(cores * podsPerCore, maxPods) with
 * podsPerCore (the kubelet's capacity; cores: whole cpus of capacity). Extended resources
 * (nvidia.com/gpu, ...) reserve nothing: allocatable = capacity.
 *
 * All integer arithmetic on upstream's units (millicores, bytes); nothing
 * here allocates except the output lists.
 */
#pragma once
#include <glib.h>

#include "sched/node.h"
#include "workloads/kubelet_config.h"

/* GetNodeAllocatableReservation: the reservation of every resource of
 * `capacity` that is not zero. out: initialised, emptied first. */
void ks_node_allocatable_reservation(const KsKubeletConfig *c, const KsResourceList *capacity,
                                     KsResourceList *out);

/* The kubelet's status.allocatable for a node of `capacity` (pods from
 * maxPods when capacity has none; then the setter's arithmetic above).
 * capacity_out (may be NULL): capacity with that pods entry. Both outputs:
 * initialised, emptied first. */
void ks_node_allocatable_compute(const KsKubeletConfig *c, const KsResourceList *capacity,
                                 KsResourceList *capacity_out, KsResourceList *allocatable);

/* The kubepods cgroup's memory limit in bytes: capacity minus systemReserved
 * and kubeReserved (not the eviction threshold) and hugepages, floored at 0,
 * when enforceNodeAllocatable has "pods"; the memory capacity otherwise.
 * -1 when capacity has no memory. */
gint64 ks_node_allocatable_kubepods_memory(const KsKubeletConfig *c,
                                           const KsResourceList *capacity);

/* What the kubelet registers: a node whose allocatable was not declared
 * (allocatable_from_capacity) gets capacity (with pods) and allocatable
 * from `c`; with c NULL only a missing pods entry is added to both (the
 * default maxPods, allocatable otherwise the capacity). A node that declares
 * status.allocatable (a `kubectl get node` dump already shows its kubelet's
 * result) is left as it is. */
void ks_node_allocatable_apply(KsNode *node, const KsKubeletConfig *c);
