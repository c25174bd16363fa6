/* NodeResourcesBalancedAllocation (PreScore, Score; kube-semantics 3.9, v1.31).
 * Args follow upstream NodeResourcesBalancedAllocationArgs: a list of
 * resources, each with weight 1 (upstream validation rejects any other
 * weight and duplicate names). NULL args or n_resources == 0 mean the
 * upstream default cpu:1, memory:1. */
#pragma once
#include "sched/framework.h"
#include "sched/plugins/node_resources_fit.h" /* KsSchedResourceSpec */

/* At most this many resources (a ksim limit: the per-cycle request vector is
 * a fixed array in the cycle state). */
#define KS_SCHED_BALANCED_MAX_RESOURCES 16

typedef struct {
  const KsSchedResourceSpec *resources; /* n_resources == 0: cpu:1, memory:1 */
  guint n_resources;
} KsSchedBalancedAllocationArgs;

extern const KsSchedPluginDesc ks_sched_plugin_balanced_allocation;
