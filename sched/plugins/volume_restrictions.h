/* VolumeRestrictions plugin (upstream plugins/volumerestrictions, v1.31).
 * No args. See volume_restrictions.c for what is modelled and what is not. */
#pragma once
#include "sched/framework.h"

/* upstream ErrReasonDiskConflict */
#define KS_SCHED_VOLUME_RESTRICTIONS_DISK_CONFLICT "node(s) had no available disk"
/* upstream ErrReasonReadWriteOncePodConflict (v1.31 wording) */
#define KS_SCHED_VOLUME_RESTRICTIONS_RWOP_CONFLICT                                             \
  "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode"

extern const KsSchedPluginDesc ks_sched_plugin_volume_restrictions;

/* upstream needsRestrictionsCheck: a GCE PD, AWS EBS, RBD or iSCSI volume */
gboolean ks_sched_volume_needs_restrictions_check(const KsVolume *v);
/* upstream isVolumeConflict: does `v` (of the incoming pod) conflict with
 * some volume of `other` (a pod on the node)? */
gboolean ks_sched_volume_conflicts_with_pod(const KsVolume *v, const KsPod *other);
/* upstream satisfyVolumeConflicts: no volume of `pod` conflicts with a pod
 * on node `slot` */
gboolean ks_sched_volume_restrictions_fit(const KsPod *pod, const KsSchedCache *c, guint slot);
