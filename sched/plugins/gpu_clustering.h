/* GpuClustering: the FGD paper's GPU-clustering baseline (docs/fgd.md
 * 3.3): keeps pods of the same GPU shape ("share-gpu", "1-gpu", "2-gpu",
 * ...) together, fuller nodes first within a class. GPUs inside the node:
 * best fit. Extension points: PreFilter, Score. No args. */
#pragma once
#include "sched/framework.h"

extern const KsSchedPluginDesc ks_sched_plugin_gpu_clustering;
