/* PrioritySort (QueueSort, kube-semantics 3.1): higher spec.priority first,
 * then the earlier queue timestamp. The queue adds its insertion sequence as
 * the last tie-break so equal pods pop in a reproducible order. */
#include "sched/plugins/plugins.h"

static gboolean priority_sort_less(KsSchedPlugin *p, const KsSchedQueuedPod *a,
                                   const KsSchedQueuedPod *b) {
  gint32 pa = a->pod->priority, pb = b->pod->priority;
  return pa > pb || (pa == pb && a->timestamp < b->timestamp);
}

const KsSchedPluginDesc ks_sched_plugin_priority_sort = {
    .name = "PrioritySort",
    .less = priority_sort_less,
};
