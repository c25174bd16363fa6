/* Descriptors of the built-in plugins, one per file in sched/plugins/.
 * framework.c lists them in its registry table; adding a plugin is one
 * extern here and one line there. */
#pragma once
#include "sched/framework.h"

extern const KsSchedPluginDesc ks_sched_plugin_priority_sort;
extern const KsSchedPluginDesc ks_sched_plugin_scheduling_gates;
extern const KsSchedPluginDesc ks_sched_plugin_node_resources_fit;
extern const KsSchedPluginDesc ks_sched_plugin_default_binder;
extern const KsSchedPluginDesc ks_sched_plugin_node_name;
extern const KsSchedPluginDesc ks_sched_plugin_node_unschedulable;
extern const KsSchedPluginDesc ks_sched_plugin_node_ports;
extern const KsSchedPluginDesc ks_sched_plugin_taint_toleration;
extern const KsSchedPluginDesc ks_sched_plugin_node_affinity;
extern const KsSchedPluginDesc ks_sched_plugin_image_locality;
extern const KsSchedPluginDesc ks_sched_plugin_balanced_allocation;
extern const KsSchedPluginDesc ks_sched_plugin_pod_topology_spread;
extern const KsSchedPluginDesc ks_sched_plugin_inter_pod_affinity;
extern const KsSchedPluginDesc ks_sched_plugin_default_preemption;
/* Research policies (docs/policies.md): registered, never in the default profile. */
extern const KsSchedPluginDesc ks_sched_plugin_random;
extern const KsSchedPluginDesc ks_sched_plugin_first_fit;
extern const KsSchedPluginDesc ks_sched_plugin_best_fit;
extern const KsSchedPluginDesc ks_sched_plugin_dot_product;
