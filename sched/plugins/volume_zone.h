/* VolumeZone plugin (upstream plugins/volumezone, v1.31). No args. See
 * volume_zone.c for what is modelled. */
#pragma once
#include "sched/framework.h"

/* upstream ErrReasonConflict */
#define KS_SCHED_VOLUME_ZONE_CONFLICT "node(s) had no available volume zone"

extern const KsSchedPluginDesc ks_sched_plugin_volume_zone;

/* Does a node with these labels satisfy a PV topology label `key` whose
 * value is pv_value (a "__"-separated zone set)? The node's label `key`,
 * or for a beta key its GA form, must hold one of the zones. Shared with
 * the v1.7 NoVolumeZoneConflict predicate. */
gboolean ks_sched_volume_zone_node_fits(const KsLabels *node_labels, const char *key,
                                        const char *pv_value);
