/* GpuDotProduct: the FGD paper's DotProduct baseline (docs/fgd.md 3.4,
 * Tetris-style alignment of the node's free CPU/GPU with the pod's demand,
 * normalised by the largest node spec; larger alignment scores lower).
 * GPUs inside the node: best fit. Extension points: PreFilter, Score. No
 * args. (The plain `DotProduct` plugin is a different, CPU/memory policy.) */
#pragma once
#include "sched/framework.h"

extern const KsSchedPluginDesc ks_sched_plugin_gpu_dot_product;
