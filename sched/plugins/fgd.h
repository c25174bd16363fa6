/* FGD (fragmentation gradient descent): the FGD paper's policy
 * (docs/fgd.md 3.6). Scores a node by how much placing the pod there lowers
 * the node's fragmentation against the workload's typical pods
 * (sched/gpu_frag.h), and puts a GPU-share pod on the GPU that lowers it
 * most. Extension points: PreFilter (request, GPU chooser), Score. */
#pragma once
#include "sched/framework.h"
#include "sched/gpu_frag.h"

typedef struct {
  /* The target workload (a reference is taken); NULL: set later with
   * ks_sched_fgd_set_typical_pods, Score fails until then. */
  KsGpuTypicalPods *typical;
} KsSchedFgdArgs;

extern const KsSchedPluginDesc ks_sched_plugin_fgd;

/* Replaces the typical pods of an FGD instance (a reference is taken; NULL
 * clears). `p` must be an FGD plugin of a profile. */
void ks_sched_fgd_set_typical_pods(KsSchedPlugin *p, KsGpuTypicalPods *tp);

/* FGD's score of putting the pod (cpu milli, request r) on a node with
 * cpu_left and GPUs free[0..count) of `model`, and the GPU(s) it would take
 * (*out; mask 0 when the pod needs no GPU or does not fit). Exposed for
 * tests and for the replay's explain output. */
gint64 ks_sched_fgd_node_score(const KsGpuTypicalPods *tp, gint64 cpu, const KsGpuRequest *r,
                               gint64 cpu_left, const gint32 *free, guint count, GQuark model,
                               KsGpuAssignment *out);
