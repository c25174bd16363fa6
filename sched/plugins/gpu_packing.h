/* GpuPacking: the FGD paper's GPU-packing baseline (docs/fgd.md 3.2):
 * share a partly used GPU first, then use free GPUs of a used node, then
 * open an idle node. GPUs inside the node: best fit. Extension points:
 * PreFilter, Score. No args. */
#pragma once
#include "sched/framework.h"

extern const KsSchedPluginDesc ks_sched_plugin_gpu_packing;
