/* GpuClustering (Score): the FGD paper's GPU-clustering baseline
 * (docs/fgd.md 3.3; upstream pkg/simulator/plugin/gpu_clustering_score.go).
 *
 * A pod's tag: none (no GPU), share (1 GPU, < 1000 milli) or k whole GPUs.
 * The node's tags are those of the pods it holds (assumed ones included).
 * With R the node's total free milli GPU and integer division
 * (25 * (8000 - R) / 8000, evaluated left to right):
 *
 *   pod without GPU                              0
 *   node holds only the pod's tag                25*(8000-R)/8000 + 75
 *   node holds the pod's tag and others          25*(8000-R)/8000 + 50
 *   node holds no GPU pod                        25*(8000-R)/8000 + 25
 *   node holds only other tags                   25*(8000-R)/8000
 *
 * No normalisation. Reading the tags walks the node's pods: O(pods on the
 * node) per Score. GPUs inside the node: best fit.
 */
#include "sched/plugins/gpu_clustering.h"

#include "sched/plugins/gpu_policy.h"


static void cl_pre_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                          const KsSchedCache *c, GHashTable **node_names, KsSchedStatus *st) {
  ks_sched_gpu_pod_prepare(p, cs, pod, c, ks_gpu_choose_best_fit, NULL, st);
}

/* -1 = share, k = k whole GPUs, 0 = no GPU. */
static gint tag_of(guint count, gint32 milli) {
  if (count == 0)
    return 0;
  return count == 1 && milli < KS_GPU_MILLI ? -1 : (gint)count;
}

static void cl_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                     const KsSchedCache *c, guint slot, gint64 *score, KsSchedStatus *st) {
  const KsSchedGpuPod *gp = ks_sched_gpu_pod_get(p, cs, st);
  *score = KS_SCHED_MIN_NODE_SCORE;
  if (!gp || gp->req.count == 0)
    return;
  gint mine = tag_of(gp->req.count, gp->req.milli);
  gboolean same = FALSE, other = FALSE;
  const GPtrArray *pods = c->pods[slot];
  for (guint i = 0; pods && i < pods->len; i++) {
    const KsSchedPodEntry *e = g_ptr_array_index(pods, i);
    gint t = tag_of(e->gpu_count, e->gpu.milli);
    if (t == 0)
      continue;
    if (t == mine)
      same = TRUE;
    else
      other = TRUE;
  }
  gint64 cpu_left;
  gint32 free[KS_GPU_MAX_PER_NODE];
  guint count;
  GQuark model;
  gint64 r = ks_sched_gpu_node(c, slot, &cpu_left, free, &count, &model);
  gint64 quarter = KS_SCHED_MAX_NODE_SCORE / 4;
  gint64 fill = quarter * (KS_GPU_MAX_SPEC_GPU - r) / KS_GPU_MAX_SPEC_GPU;
  if (same)
    *score = fill + (other ? KS_SCHED_MAX_NODE_SCORE * 2 / 4 : KS_SCHED_MAX_NODE_SCORE * 3 / 4);
  else
    *score = fill + (other ? 0 : quarter);
}

const KsSchedPluginDesc ks_sched_plugin_gpu_clustering = {
    .name = "GpuClustering",
    .cycle_data_free = ks_sched_gpu_pod_free,
    .pre_filter = cl_pre_filter,
    .score = cl_score,
};
