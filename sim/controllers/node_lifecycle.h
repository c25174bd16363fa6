/* The node lifecycle controller (upstream pkg/controller/nodelifecycle,
 * v1.31, kube-controller-manager defaults): node health from the kubelets'
 * heartbeats, the NoExecute taints that make the taint eviction controller
 * (taint_eviction.h) move pods off failed nodes, rate limited per zone, and
 * TaintNodesByCondition's NoSchedule taints.
 *
 * Heartbeats. A kubelet renews its node Lease every 10 s; the controller
 * notes, at each monitor pass (every 5 s, --node-monitor-period), whether
 * the renew time moved, and takes that pass's time as the node's probe
 * time. ksim keeps no Lease objects (one write per node every 10 s would
 * cost more than the rest of a run): a node whose kubelet is up renews
 * implicitly, and a node whose kubelet is down carries the annotation
 * ksim.io/last-lease-renewal (written by sim/node_faults.c) with the sim
 * time of its last renewal, so its probe time is the first monitor pass at
 * or after it. An up kubelet also implicitly posts Ready=True and the
 * pressure conditions False: a node without a Ready condition is Ready.
 *
 * Monitor pass (monitorNodeHealth), at sim times that are multiples of 5 s:
 * - a node whose probe time is more than 40 s (--node-monitor-grace-period,
 *   the v1.31 default; 50 s from v1.32) in the past gets Ready,
 *   MemoryPressure, DiskPressure and PIDPressure set to Unknown, reason
 *   NodeStatusUnknown (written when Ready changes);
 * - with the Ready status it *observed* at the start of the pass (so one
 *   pass after the change): False or Unknown queue the node in its zone's
 *   tainting queue (or swap not-ready <-> unreachable at once when the other
 *   is there), True removes both NoExecute taints and the node from the
 *   queue (markNodeAsReachable);
 * - a node turning not Ready in this pass has its pods marked not Ready
 *   (MarkPodsNotReady);
 * - then zone states: Normal, PartialDisruption (more than 2 nodes not
 *   Ready and at least 55 % of the zone, --unhealthy-zone-threshold),
 *   FullDisruption (none Ready). A zone's tainting rate is 0.1 node/s
 *   (--node-eviction-rate) when Normal or fully disrupted, in partial
 *   disruption 0.01/s (--secondary-node-eviction-rate) in a zone of more
 *   than 50 nodes (--large-cluster-size-threshold) and 0 otherwise; when
 *   every zone is fully disrupted all evictions stop and the NoExecute
 *   taints come off (the control plane is the likely culprit).
 * Zones are the topology.kubernetes.io/region + zone labels (failure-domain
 * beta labels as fallback); nodes labelled node.kubernetes.io/
 * exclude-disruption are left out of the zone counts.
 *
 * Tainting pass (doNoExecuteTaintingPass, every 100 ms): each zone's queue,
 * in order, as far as its token bucket (burst 1) allows: the node gets
 * node.kubernetes.io/unreachable:NoExecute (Ready Unknown) or not-ready
 * (Ready False) with timeAdded now, and loses the other. A pass runs right
 * after each monitor pass and on the 100 ms grid when a token comes due.
 *
 * NoSchedule pass (doNoScheduleTaintingPass), on every node add / update
 * through the work queue: NoSchedule taints for Ready False (not-ready) and
 * Unknown (unreachable), MemoryPressure, DiskPressure, PIDPressure and
 * NetworkUnavailable True, and spec.unschedulable, added (timeAdded now) or
 * removed to match; other taints are left alone.
 *
 * Event-driven, with upstream's timing: the monitor pass is scheduled only
 * while some node is down, not Ready, tainted by the controller or queued,
 * or a zone is not Normal, always on the 5 s grid, so a run without faults
 * has no extra events and the same results. Nodes and zones are visited in
 * name order (upstream: map order).
 */
#pragma once
#include <glib.h>

#include "sched/objects.h"
#include "sim/controllers/runtime.h"

#define KS_NODE_MONITOR_PERIOD_US ((gint64)5 * G_USEC_PER_SEC)        /* --node-monitor-period */
#define KS_NODE_MONITOR_GRACE_PERIOD_US ((gint64)40 * G_USEC_PER_SEC) /* v1.31 default */
#define KS_NODE_EVICTION_PASS_US ((gint64)100 * 1000)                 /* scheduler.NodeEvictionPeriod */
#define KS_NODE_EVICTION_RATE_MQPS 100           /* --node-eviction-rate 0.1, in milli-QPS */
#define KS_SECONDARY_NODE_EVICTION_RATE_MQPS 10  /* --secondary-node-eviction-rate 0.01 */
#define KS_LARGE_CLUSTER_SIZE_THRESHOLD 50       /* --large-cluster-size-threshold */
#define KS_UNHEALTHY_ZONE_THRESHOLD_PERCENT 55   /* --unhealthy-zone-threshold 0.55 */
#define KS_NODE_LIFECYCLE_DEFAULT_WORKERS 8      /* nodeUpdateWorkerSize */

/* Present while a node's kubelet is down: the sim time of its Lease's last
 * renewal, a Go duration from the start of the run ("1m30s"). */
#define KS_ANNOTATION_LAST_LEASE_RENEWAL "ksim.io/last-lease-renewal"

/* Upstream taint keys (k8s.io/api/core/v1 well_known_taints.go). */
#define KS_TAINT_NODE_NOT_READY "node.kubernetes.io/not-ready"
#define KS_TAINT_NODE_UNREACHABLE "node.kubernetes.io/unreachable"
#define KS_TAINT_NODE_UNSCHEDULABLE "node.kubernetes.io/unschedulable"
#define KS_TAINT_NODE_MEMORY_PRESSURE "node.kubernetes.io/memory-pressure"
#define KS_TAINT_NODE_DISK_PRESSURE "node.kubernetes.io/disk-pressure"
#define KS_TAINT_NODE_NETWORK_UNAVAILABLE "node.kubernetes.io/network-unavailable"
#define KS_TAINT_NODE_PID_PRESSURE "node.kubernetes.io/pid-pressure"

#define KS_NODE_REASON_STATUS_UNKNOWN "NodeStatusUnknown"

extern const KsControllerClass ks_node_lifecycle_controller_class;

/* upstream nodetopology.GetZoneKey: "" without zone and region labels, else
 * "<region>:/:<zone>" (upstream joins them with ":\0:"; '/' cannot occur in
 * a label value either, and survives C strings). transfer full */
char *ks_node_zone_key(const KsNode *node);
