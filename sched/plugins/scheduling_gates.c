/* SchedulingGates (PreEnqueue, kube-semantics 3.2): a pod with a non-empty
 * spec.schedulingGates never enters activeQ; it waits, gated, among the
 * unschedulable pods until an update of the pod removes every gate.
 * Upstream's reason lists the gates; ours is a constant so that a status
 * never allocates (the gates are on the pod for whoever needs them). */
#include "sched/plugins/plugins.h"

static void scheduling_gates_pre_enqueue(KsSchedPlugin *p, const KsPod *pod, KsSchedStatus *st) {
  if (pod->scheduling_gates && pod->scheduling_gates[0])
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE,
                        "waiting for scheduling gates");
}

static const KsSchedClusterEvent scheduling_gates_events[] = {
    {KS_SCHED_EV_POD, KS_SCHED_ACT_UPDATE_POD, "PodUpdate"},
};

const KsSchedPluginDesc ks_sched_plugin_scheduling_gates = {
    .name = "SchedulingGates",
    .events = scheduling_gates_events,
    .n_events = G_N_ELEMENTS(scheduling_gates_events),
    .pre_enqueue = scheduling_gates_pre_enqueue,
};
