/* NodeUnschedulable filter plugin (kube-semantics 3.3). No args. */
#pragma once
#include "sched/framework.h"

#define KS_SCHED_NODE_UNSCHEDULABLE_REASON "node(s) were unschedulable"
/* v1.TaintNodeUnschedulable */
#define KS_TAINT_NODE_UNSCHEDULABLE "node.kubernetes.io/unschedulable"

extern const KsSchedPluginDesc ks_sched_plugin_node_unschedulable;
