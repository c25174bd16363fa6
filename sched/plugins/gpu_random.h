/* GpuRandom: the FGD paper's Random baseline (docs/fgd.md 3.5): a node
 * drawn uniformly from the feasible ones, and a GPU-share pod on a GPU
 * drawn uniformly from those with room (whole GPUs: the lowest-indexed
 * free ones). Differs from `Random` (sched/plugins/random.h), which keeps
 * best-fit GPUs. Extension points: PreFilter, PreScore, Score. */
#pragma once
#include "sched/framework.h"

typedef struct {
  guint64 seed; /* run seed of the stream "policy/gpu-random"; NULL args = seed 0 */
} KsSchedGpuRandomArgs;

extern const KsSchedPluginDesc ks_sched_plugin_gpu_random;
