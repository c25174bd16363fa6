/* NodePorts plugin (kube-semantics 3.5). No args. */
#pragma once
#include "sched/framework.h"

#define KS_SCHED_NODE_PORTS_REASON "node(s) didn't have free ports for the requested pod ports"

extern const KsSchedPluginDesc ks_sched_plugin_node_ports;

/* upstream nodeports.Fits: do the host ports of pod's regular containers
 * conflict with none used by the pods already on node `slot`? */
gboolean ks_sched_node_ports_fit(const KsPod *pod, const KsSchedCache *c, guint slot);
