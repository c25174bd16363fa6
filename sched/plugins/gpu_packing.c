/* GpuPacking (Score): the FGD paper's GPU-packing baseline (docs/fgd.md
 * 3.2; upstream pkg/simulator/plugin/gpu_packing_score.go). Integer
 * arithmetic throughout, with F the node's fully free GPUs of G:
 *
 *   CPU-only pod                      0
 *   idle node (F == G)                max(33 - F, F)
 *   else take, in ascending free milli (index order on ties), the first k
 *   GPUs with >= m free; u = how many of them are fully free:
 *     u > 0                           max(50 - u, 33)
 *     u == 0                          max(100 - (sum of floor(free * 100 / 1000)) / 10, 50)
 *
 * (the max(.., F) of the idle case is upstream's, kept as is). No
 * normalisation. A node where the GPUs do not fit (excluded by the filters)
 * is an error. GPUs inside the node: best fit.
 */
#include "sched/plugins/gpu_packing.h"

#include "sched/plugins/gpu_policy.h"

static void pk_pre_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                          const KsSchedCache *c, GHashTable **node_names, KsSchedStatus *st) {
  ks_sched_gpu_pod_prepare(p, cs, pod, c, ks_gpu_choose_best_fit, NULL, st);
}

/* GPU indexes by ascending free milli, stable. */
static void ascending(const gint32 *free, guint count, guint *idx) {
  for (guint i = 0; i < count; i++) {
    guint j = i;
    while (j > 0 && free[idx[j - 1]] > free[i]) {
      idx[j] = idx[j - 1];
      j--;
    }
    idx[j] = i;
  }
}

static void pk_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                     const KsSchedCache *c, guint slot, gint64 *score, KsSchedStatus *st) {
  const KsSchedGpuPod *gp = ks_sched_gpu_pod_get(p, cs, st);
  *score = KS_SCHED_MIN_NODE_SCORE;
  if (!gp || gp->req.count == 0)
    return;
  gint64 cpu_left;
  gint32 free[KS_GPU_MAX_PER_NODE];
  guint count, idx[KS_GPU_MAX_PER_NODE];
  GQuark model;
  ks_sched_gpu_node(c, slot, &cpu_left, free, &count, &model);
  gint64 fully = 0;
  for (guint i = 0; i < count; i++)
    fully += free[i] == KS_GPU_MILLI;
  if (fully == count) {
    *score = MAX(KS_SCHED_MAX_NODE_SCORE / 3 - fully, fully);
    return;
  }
  ascending(free, count, idx);
  guint need = gp->req.count;
  gint64 used_free = 0, sum_ratio = 0;
  for (guint j = 0; j < count && need > 0; j++) {
    gint32 f = free[idx[j]];
    if (gp->req.milli > f)
      continue;
    need--;
    used_free += f == KS_GPU_MILLI;
    sum_ratio += (gint64)f * 100 / KS_GPU_MILLI;
  }
  if (need > 0) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE, "GpuPacking: the GPUs do not fit");
    return;
  }
  if (used_free > 0)
    *score = MAX(KS_SCHED_MAX_NODE_SCORE / 2 - used_free, KS_SCHED_MAX_NODE_SCORE / 3);
  else
    *score = MAX(KS_SCHED_MAX_NODE_SCORE - sum_ratio / 10, KS_SCHED_MAX_NODE_SCORE / 2);
}

const KsSchedPluginDesc ks_sched_plugin_gpu_packing = {
    .name = "GpuPacking",
    .cycle_data_free = ks_sched_gpu_pod_free,
    .pre_filter = pk_pre_filter,
    .score = pk_score,
};
