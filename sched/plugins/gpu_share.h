/* GpuShare plugin: GPU sharing (sched/gpu.h, docs/gpu-sharing.md). No args.
 * PreFilter, Filter, Reserve, Unreserve; harmless in any profile: a pod
 * without a GPU request is skipped at PreFilter and costs nothing more. */
#pragma once
#include "sched/framework.h"

#define KS_SCHED_GPU_SHARE_NAME "GpuShare"
#define KS_SCHED_GPU_SHARE_REASON_NO_GPU "node(s) didn't have GPUs"
#define KS_SCHED_GPU_SHARE_REASON_MODEL "node(s) didn't have the requested GPU model"
#define KS_SCHED_GPU_SHARE_REASON_FREE "node(s) didn't have enough free GPU"
#define KS_SCHED_GPU_SHARE_REASON_INVALID "pod has an invalid GPU request"

extern const KsSchedPluginDesc ks_sched_plugin_gpu_share;
