/* Descriptors of the built-in plugins, one per file in sched/plugins/.
 * framework.c lists them in its registry table; adding a plugin is one
 * extern here and one line there. */
#pragma once
#include "sched/framework.h"

extern const KsSchedPluginDesc ks_sched_plugin_priority_sort;
extern const KsSchedPluginDesc ks_sched_plugin_scheduling_gates;
extern const KsSchedPluginDesc ks_sched_plugin_node_resources_fit;
extern const KsSchedPluginDesc ks_sched_plugin_default_binder;
