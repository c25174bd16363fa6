/* NodeUnschedulable (Filter; kube-semantics 3.3, upstream
 * plugins/nodeunschedulable, v1.31).
 *
 * A cordoned node (spec.unschedulable) rejects every pod except those that
 * tolerate the taint {node.kubernetes.io/unschedulable, NoSchedule}, the
 * taint the node lifecycle controller puts on cordoned nodes. The taint is
 * built on the stack for each check: nothing is allocated.
 *
 * No admission check: upstream's node-event pre-check (AdmissionCheck plus
 * the NoSchedule taint check) does not consult spec.unschedulable either,
 * so a cordoned node added or updated still moves pods, which then fail
 * here in their next cycle.
 */
#include "sched/plugins/node_unschedulable.h"
#include "sched/cache.h"

static gboolean tolerates_unschedulable(const KsPod *pod) {
  if (!pod->tolerations)
    return FALSE;
  KsTaint t = {.key = (char *)KS_TAINT_NODE_UNSCHEDULABLE,
               .value = NULL,
               .effect = KS_TAINT_EFFECT_NO_SCHEDULE};
  return ks_tolerations_tolerate((const KsToleration *)pod->tolerations->data,
                                 pod->tolerations->len, &t);
}

static void node_unschedulable_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                      const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  if (c->cols.unschedulable[slot] && !tolerates_unschedulable(pod))
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE,
                        KS_SCHED_NODE_UNSCHEDULABLE_REASON);
}

static void node_unschedulable_filter_nodes(KsSchedPlugin *p, KsSchedCycleState *cs,
                                            const KsPod *pod, const KsSchedCache *c,
                                            const guint *slots, guint n,
                                            KsSchedStatus *statuses) {
  gint tolerates = -1; /* asked once, if some node is unschedulable */
  for (guint i = 0; i < n; i++) {
    if (!c->cols.unschedulable[slots[i]])
      continue;
    if (tolerates < 0)
      tolerates = tolerates_unschedulable(pod);
    if (!tolerates)
      ks_sched_status_set(&statuses[slots[i]], KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE,
                          KS_SCHED_NODE_UNSCHEDULABLE_REASON);
  }
}

/* v1.31, queueing hints off: a node added or uncordoned (spec.unschedulable
 * changes raise the taint action); labels as for every Node/Add plugin
 * (upstream issue 109437). */
static const KsSchedClusterEvent node_unschedulable_events[] = {
    {KS_SCHED_EV_NODE,
     KS_SCHED_ACT_ADD | KS_SCHED_ACT_UPDATE_NODE_TAINT | KS_SCHED_ACT_UPDATE_NODE_LABEL,
     "NodeAdd|NodeTaintChange|NodeLabelChange"},
};

const KsSchedPluginDesc ks_sched_plugin_node_unschedulable = {
    .name = "NodeUnschedulable",
    .events = node_unschedulable_events,
    .n_events = G_N_ELEMENTS(node_unschedulable_events),
    .filter = node_unschedulable_filter,
    .filter_nodes = node_unschedulable_filter_nodes,
};
