/* NodeName (Filter; kube-semantics 3.4, upstream plugins/nodename, v1.31).
 *
 * A pod that names a node in spec.nodeName may only land there. The check is
 * a single string comparison, so there is no PreFilter state: Filter reads
 * the pod and the node directly, and the same predicate serves the
 * node-event pre-check (upstream AdmissionCheck calls nodename.Fits).
 *
 * The rejection is UnschedulableAndUnresolvable: preemption cannot make a
 * different node acceptable.
 */
#include "sched/plugins/node_name.h"
#include "sched/cache.h"

/* upstream Fits: no nodeName, or the node's own name */
static gboolean node_name_fits(const KsPod *pod, const KsNode *node) {
  return pod->node_name == NULL || pod->node_name[0] == '\0' ||
         g_strcmp0(pod->node_name, node->name) == 0;
}

static void node_name_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                             const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  if (!node_name_fits(pod, c->nodes[slot]))
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE, KS_SCHED_NODE_NAME_REASON);
}

static void node_name_filter_nodes(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                   const KsSchedCache *c, const guint *slots, guint n,
                                   KsSchedStatus *statuses) {
  if (pod->node_name == NULL || pod->node_name[0] == '\0')
    return; /* fits everywhere */
  for (guint i = 0; i < n; i++)
    node_name_filter(p, cs, pod, c, slots[i], &statuses[slots[i]]);
}

static gboolean node_name_admit(KsSchedPlugin *p, const KsPod *pod, const KsSchedCache *c,
                                guint slot) {
  return node_name_fits(pod, c->nodes[slot]);
}

/* v1.31, queueing hints off: only a new node can match; taint and label
 * updates are registered too because the pre-check may have dropped the
 * node's Add event (upstream issue 109437). */
static const KsSchedClusterEvent node_name_events[] = {
    {KS_SCHED_EV_NODE,
     KS_SCHED_ACT_ADD | KS_SCHED_ACT_UPDATE_NODE_TAINT | KS_SCHED_ACT_UPDATE_NODE_LABEL,
     "NodeAdd|NodeTaintChange|NodeLabelChange"},
};

const KsSchedPluginDesc ks_sched_plugin_node_name = {
    .name = "NodeName",
    .events = node_name_events,
    .n_events = G_N_ELEMENTS(node_name_events),
    .filter = node_name_filter,
    .filter_nodes = node_name_filter_nodes,
    .admit = node_name_admit,
};
