/* NodeVolumeLimits plugin (upstream plugins/nodevolumelimits, the CSI
 * limits, v1.31). No args. See node_volume_limits.c. */
#pragma once
#include "sched/framework.h"

/* upstream ErrReasonMaxVolumeCountExceeded */
#define KS_SCHED_NODE_VOLUME_LIMITS_EXCEEDED "node(s) exceed max volume count"

extern const KsSchedPluginDesc ks_sched_plugin_node_volume_limits;
