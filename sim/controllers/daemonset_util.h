/* The pure parts of the DaemonSet controller (upstream v1.31
 * pkg/controller/daemon/daemon_controller.go NodeShouldRunDaemonPod and
 * pkg/controller/daemon/util/daemonset_util.go): which nodes should run a
 * daemon pod, the tolerations every daemon pod gets, the node affinity that
 * pins a daemon pod to its node (the pod is still placed by the scheduler,
 * as upstream has done since v1.12), and how the controller tells which
 * node a pod is for and which of a node's pods is oldest.
 *
 * None of this touches the store or the clock: the controller
 * (daemonset.c) calls it once per node per sync.
 */
#pragma once
#include <glib.h>

#include "sched/node.h"
#include "sched/pod.h"

/* The taints the node lifecycle controller and TaintNodesByCondition put on
 * nodes (k8s.io/api/core/v1 well_known_taints.go). */
#define KS_TAINT_NODE_NOT_READY "node.kubernetes.io/not-ready"
#define KS_TAINT_NODE_UNREACHABLE "node.kubernetes.io/unreachable"
#define KS_TAINT_NODE_UNSCHEDULABLE "node.kubernetes.io/unschedulable"
#define KS_TAINT_NODE_MEMORY_PRESSURE "node.kubernetes.io/memory-pressure"
#define KS_TAINT_NODE_DISK_PRESSURE "node.kubernetes.io/disk-pressure"
#define KS_TAINT_NODE_NETWORK_UNAVAILABLE "node.kubernetes.io/network-unavailable"
#define KS_TAINT_NODE_PID_PRESSURE "node.kubernetes.io/pid-pressure"

/* Labels a DaemonSet puts on its pods (apps.DefaultDaemonSetUniqueLabelKey
 * = apps.ControllerRevisionHashLabelKey, and the deprecated
 * extensions.DaemonSetTemplateGenerationKey). */
#define KS_DAEMONSET_HASH_LABEL "controller-revision-hash"
#define KS_DAEMONSET_TEMPLATE_GENERATION_LABEL "pod-template-generation"
/* The annotation carrying a DaemonSet's template generation
 * (apps.DeprecatedTemplateGeneration). */
#define KS_DAEMONSET_TEMPLATE_GENERATION_ANNOTATION "deprecated.daemonset.template.generation"

/* upstream v1helper.AddOrUpdateTolerationInPodSpec: a toleration of pod that
 * has tol's key, operator, value and effect is replaced by tol (so its
 * tolerationSeconds goes), unless it is already identical; otherwise tol is
 * appended. TRUE when pod changed. pod must not be shared yet. */
gboolean ks_daemonset_add_or_update_toleration(KsPod *pod, const KsToleration *tol);

/* upstream util.AddOrUpdateDaemonPodTolerations: not-ready and unreachable
 * (Exists, NoExecute, no tolerationSeconds), disk-pressure, memory-pressure,
 * pid-pressure and unschedulable (Exists, NoSchedule), and network-unavailable
 * (Exists, NoSchedule) when the pod uses the host network; in that order. */
void ks_daemonset_add_daemon_tolerations(KsPod *pod);

/* The pod NodeShouldRunDaemonPod reasons about: a copy of the DaemonSet's pod
 * template, in the DaemonSet's namespace, with the daemon tolerations added.
 * Make it once per sync and ask about every node. transfer full. */
KsPod *ks_daemonset_new_pod(const KsPod *template, const char *ds_namespace);

/* upstream NodeShouldRunDaemonPod(node, ds) for daemon_pod made by
 * ks_daemonset_new_pod:
 *   - a template spec.nodeName naming another node: neither;
 *   - nodeSelector or required node affinity not matching node: neither;
 *   - a NoSchedule or NoExecute taint the pod does not tolerate: should not
 *     run, but a pod already there may continue when every NoExecute taint
 *     is tolerated;
 *   - otherwise both.
 * Either out pointer may be NULL. */
void ks_daemonset_node_should_run(const KsPod *daemon_pod, const KsNode *node,
                                  gboolean *should_run, gboolean *should_continue_running);

/* upstream util.ReplaceDaemonSetPodNodeNameNodeAffinity: the pod's required
 * node affinity becomes exactly one term, matchFields metadata.name In
 * [node_name] (any required terms it had are replaced; preferred terms and
 * pod (anti-)affinity are kept). pod must not be shared yet. */
void ks_daemonset_set_target_node(KsPod *pod, const char *node_name);

/* upstream util.GetTargetNodeName: spec.nodeName when set, else the single
 * value of the first matchFields metadata.name In requirement of the
 * required node affinity terms. NULL when there is none or it has several
 * values. transfer none (points into pod). */
const char *ks_daemonset_target_node(const KsPod *pod);

/* upstream podByCreationTimestampAndPhase: bound pods (spec.nodeName set)
 * first, then older creation timestamp first, then name. For
 * g_ptr_array_sort on an array of KsPod *. */
gint ks_daemonset_pod_compare(gconstpointer a, gconstpointer b);

/* upstream util.IsPodUpdated: the pod's controller-revision-hash label is
 * hash (non-empty). Upstream also compares the pod-template-generation label
 * with fmt.Sprint of a *int64, which prints the pointer, so that half never
 * matches; it is left out. */
gboolean ks_daemonset_pod_is_updated(const KsPod *pod, const char *hash);
