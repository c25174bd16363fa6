/* The v1.7 scheduler's fit predicates (plugin/pkg/scheduler/algorithm/
 * predicates, Kubernetes v1.6/v1.7) as Filter plugins under their OLD
 * names, for the "legacy-v1.7" profile (sched/legacy_profile.h,
 * docs/legacy-scheduler.md). Failure reasons are the strings v1.7 printed:
 * the predicate's name (PredicateFailureError.GetReason) or
 * "Insufficient <resource>" (InsufficientResourceError.GetReason). */
#pragma once
#include "sched/framework.h"

#define KS_LEGACY_REASON_HOST_PORTS "PodFitsHostPorts"
#define KS_LEGACY_REASON_HOST_NAME "HostName"
#define KS_LEGACY_REASON_TAINTS "PodToleratesNodeTaints"
#define KS_LEGACY_REASON_NODE_SELECTOR "MatchNodeSelector"
#define KS_LEGACY_REASON_DISK_CONFLICT "NoDiskConflict"
#define KS_LEGACY_REASON_VOLUME_ZONE "NoVolumeZoneConflict"
#define KS_LEGACY_REASON_MAX_VOLUME_COUNT "MaxVolumeCount"
#define KS_LEGACY_REASON_MEMORY_PRESSURE "NodeUnderMemoryPressure"
#define KS_LEGACY_REASON_DISK_PRESSURE "NodeUnderDiskPressure"

/* v1.7 defaults: aws.DefaultMaxEBSVolumes and DefaultMaxGCEPDVolumes
 * (KUBE_MAX_PD_VOLS overrode both; here the args do). */
#define KS_LEGACY_DEFAULT_MAX_EBS_VOLUMES 39
#define KS_LEGACY_DEFAULT_MAX_GCE_PD_VOLUMES 16

/* Args of MaxEBSVolumeCount and MaxGCEPDVolumeCount; NULL args or
 * max_volumes 0 = the default above; negative is rejected. */
typedef struct {
  gint32 max_volumes;
} KsSchedLegacyMaxVolumeCountArgs;

extern const KsSchedPluginDesc ks_sched_plugin_legacy_pod_fits_resources;   /* PodFitsResources */
extern const KsSchedPluginDesc ks_sched_plugin_legacy_pod_fits_host_ports;  /* PodFitsHostPorts */
extern const KsSchedPluginDesc ks_sched_plugin_legacy_host_name;            /* HostName */
extern const KsSchedPluginDesc ks_sched_plugin_legacy_pod_tolerates_node_taints; /* PodToleratesNodeTaints */
extern const KsSchedPluginDesc ks_sched_plugin_legacy_match_node_selector;  /* MatchNodeSelector */
extern const KsSchedPluginDesc ks_sched_plugin_legacy_no_disk_conflict;     /* NoDiskConflict */
extern const KsSchedPluginDesc ks_sched_plugin_legacy_no_volume_zone_conflict; /* NoVolumeZoneConflict */
extern const KsSchedPluginDesc ks_sched_plugin_legacy_max_ebs_volume_count; /* MaxEBSVolumeCount */
extern const KsSchedPluginDesc ks_sched_plugin_legacy_max_gce_pd_volume_count; /* MaxGCEPDVolumeCount */
extern const KsSchedPluginDesc ks_sched_plugin_legacy_check_node_memory_pressure; /* CheckNodeMemoryPressure */
extern const KsSchedPluginDesc ks_sched_plugin_legacy_check_node_disk_pressure;   /* CheckNodeDiskPressure */
