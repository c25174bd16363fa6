/* NodeName filter plugin (kube-semantics 3.4). No args. */
#pragma once
#include "sched/framework.h"

#define KS_SCHED_NODE_NAME_REASON "node(s) didn't match the requested node name"

extern const KsSchedPluginDesc ks_sched_plugin_node_name;
