/* NodeAffinity (PreFilter, Filter, PreScore, Score, NormalizeScore;
 * kube-semantics 3.7). */
#pragma once
#include "sched/framework.h"
#include "sched/objects.h"

/* NodeAffinityArgs. added_affinity (may be NULL) is copied at create:
 * its required terms are ANDed into every pod's Filter (a mismatch gives
 * "node(s) didn't match scheduler-enforced node affinity"), its preferred
 * terms add to every pod's Score. Invalid terms or weights outside [1, 100]
 * fail create with KS_SCHED_ERROR_INVALID_ARGS. */
typedef struct {
  KsNodeAffinity *added_affinity;
} KsSchedNodeAffinityArgs;

extern const KsSchedPluginDesc ks_sched_plugin_node_affinity;

/* Upstream reasons. */
#define KS_SCHED_NODE_AFFINITY_REASON_POD "node(s) didn't match Pod's node affinity/selector"
#define KS_SCHED_NODE_AFFINITY_REASON_ENFORCED \
  "node(s) didn't match scheduler-enforced node affinity"
#define KS_SCHED_NODE_AFFINITY_REASON_CONFLICT "pod affinity terms conflict"
