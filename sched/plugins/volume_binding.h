/* VolumeBinding plugin (upstream plugins/volumebinding, v1.31). See
 * volume_binding.c for what is modelled and what is not. */
#pragma once
#include "sched/framework.h"
#include "sched/plugins/node_resources_fit.h"

/* upstream ErrReasonBindConflict, ErrReasonNodeConflict,
 * ErrReasonNotEnoughSpace, ErrReasonPVNotExist */
#define KS_SCHED_VOLUME_BINDING_BIND_CONFLICT "node(s) didn't find available persistent volumes to bind"
#define KS_SCHED_VOLUME_BINDING_NODE_CONFLICT "node(s) had volume node affinity conflict"
#define KS_SCHED_VOLUME_BINDING_NOT_ENOUGH_SPACE "node(s) did not have enough free storage"
#define KS_SCHED_VOLUME_BINDING_PV_NOT_EXIST                                                   \
  "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)"
#define KS_SCHED_VOLUME_BINDING_UNBOUND_IMMEDIATE "pod has unbound immediate PersistentVolumeClaims"

/* VolumeBindingArgs. NULL args = upstream defaults: bindTimeoutSeconds 600,
 * capacity scoring off. A KubeSchedulerConfiguration's pluginConfig fills
 * them (workloads/scheduler_config_args.c) with v1.31's default gates:
 * scoring off, no shape. */
typedef struct {
  /* >= 0 (negative: create() fails). Upstream defaults only an unset value
   * to 600; 0 means "do not wait". ksim's PreBind never waits (see .c), so
   * the value is validated and otherwise unused. */
  gint64 bind_timeout_seconds;
  /* The alpha gate VolumeCapacityPriority (v1.31's name; StorageCapacityScoring
   * from v1.33): off by default. When on, Score prefers the node whose
   * static bindings fill their PVs best, through `shape`. */
  gboolean capacity_scoring;
  /* (utilization 0..100 strictly increasing, score 0..10); n_shape 0 with
   * scoring on = v1.31's default {(0,0), (100,10)}. At most 10 points. */
  const KsSchedShapePoint *shape;
  guint n_shape;
} KsSchedVolumeBindingArgs;

#define KS_SCHED_VOLUME_BINDING_DEFAULT_BIND_TIMEOUT_SECONDS 600

extern const KsSchedPluginDesc ks_sched_plugin_volume_binding;
