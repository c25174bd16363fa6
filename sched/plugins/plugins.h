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
extern const KsSchedPluginDesc ks_sched_plugin_volume_restrictions;
extern const KsSchedPluginDesc ks_sched_plugin_node_volume_limits;
extern const KsSchedPluginDesc ks_sched_plugin_volume_binding;
extern const KsSchedPluginDesc ks_sched_plugin_volume_zone;
/* Research policies (docs/policies.md): registered, never in the default profile. */
extern const KsSchedPluginDesc ks_sched_plugin_random;
extern const KsSchedPluginDesc ks_sched_plugin_first_fit;
extern const KsSchedPluginDesc ks_sched_plugin_best_fit;
extern const KsSchedPluginDesc ks_sched_plugin_dot_product;
/* GPU sharing (docs/gpu-sharing.md) and the FGD paper's GPU policies
 * (docs/fgd.md): registered, never in the default profile. */
extern const KsSchedPluginDesc ks_sched_plugin_gpu_share;
extern const KsSchedPluginDesc ks_sched_plugin_fgd;
extern const KsSchedPluginDesc ks_sched_plugin_gpu_best_fit;
extern const KsSchedPluginDesc ks_sched_plugin_gpu_packing;
extern const KsSchedPluginDesc ks_sched_plugin_gpu_clustering;
extern const KsSchedPluginDesc ks_sched_plugin_gpu_dot_product;
extern const KsSchedPluginDesc ks_sched_plugin_gpu_random;
/* The v1.7 predicates and priorities under their old names (legacy profile,
 * docs/legacy-scheduler.md). */
extern const KsSchedPluginDesc ks_sched_plugin_legacy_pod_fits_resources;
extern const KsSchedPluginDesc ks_sched_plugin_legacy_pod_fits_host_ports;
extern const KsSchedPluginDesc ks_sched_plugin_legacy_host_name;
extern const KsSchedPluginDesc ks_sched_plugin_legacy_pod_tolerates_node_taints;
extern const KsSchedPluginDesc ks_sched_plugin_legacy_match_node_selector;
extern const KsSchedPluginDesc ks_sched_plugin_legacy_no_disk_conflict;
extern const KsSchedPluginDesc ks_sched_plugin_legacy_no_volume_zone_conflict;
extern const KsSchedPluginDesc ks_sched_plugin_legacy_max_ebs_volume_count;
extern const KsSchedPluginDesc ks_sched_plugin_legacy_max_gce_pd_volume_count;
extern const KsSchedPluginDesc ks_sched_plugin_legacy_check_node_memory_pressure;
extern const KsSchedPluginDesc ks_sched_plugin_legacy_check_node_disk_pressure;
extern const KsSchedPluginDesc ks_sched_plugin_legacy_least_requested;
extern const KsSchedPluginDesc ks_sched_plugin_legacy_balanced_resource_allocation;
extern const KsSchedPluginDesc ks_sched_plugin_legacy_selector_spread;
extern const KsSchedPluginDesc ks_sched_plugin_legacy_service_anti_affinity;
extern const KsSchedPluginDesc ks_sched_plugin_legacy_image_locality;
extern const KsSchedPluginDesc ks_sched_plugin_legacy_taint_toleration;
extern const KsSchedPluginDesc ks_sched_plugin_legacy_node_affinity;
