/* BestFit: a research policy (docs/policies.md). Prefers the node left with
 * the least free cpu and memory after placement, measured in absolute
 * amounts (scaled by the largest scored node), not as fractions. */
#pragma once
#include "sched/framework.h"

typedef struct {
  /* Weights 0..100. Zero-initialised args (both 0) mean 1:1; a single 0
   * leaves that resource out. */
  gint64 cpu_weight;
  gint64 memory_weight;
} KsSchedBestFitArgs;

extern const KsSchedPluginDesc ks_sched_plugin_best_fit;
