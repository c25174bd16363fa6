/* GpuBestFit: the FGD paper's BestFit baseline (docs/fgd.md 3.1): prefers
 * the node left with the least CPU and GPU after placement, relative to the
 * largest node spec (128 cores, 8 GPUs), min-max normalised over the scored
 * nodes. GPUs inside the node: best fit. Extension points: PreFilter,
 * Score, NormalizeScore. No args. */
#pragma once
#include "sched/framework.h"

extern const KsSchedPluginDesc ks_sched_plugin_gpu_best_fit;
