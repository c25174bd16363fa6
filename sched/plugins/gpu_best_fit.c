/* GpuBestFit (Score): the FGD paper's BestFit baseline (docs/fgd.md 3.1;
 * upstream pkg/simulator/plugin/best_fit_score.go).
 *
 *   raw(n) = trunc(100 * (1 - [ (cpu_left - c) / 128000 * 0.5
 *                              + (gpu_free - k*m) / 8000 * 0.5 ]))
 *   score  = (raw - min) * 100 / (max - min)   over the scored nodes; 0 when all equal
 *
 * with c the non-zero CPU request, gpu_free the node's total free milli GPU
 * and k*m the pod's total GPU milli. The sum is accumulated in double in
 * upstream's order (CPU then GPU) so the truncation matches. A node left
 * short of either resource (which the filters exclude) is an error, as
 * upstream. GPUs inside the node: best fit (ks_gpu_choose_best_fit).
 */
#include "sched/plugins/gpu_best_fit.h"

#include "sched/plugins/gpu_policy.h"


static void bf_pre_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                          const KsSchedCache *c, GHashTable **node_names, KsSchedStatus *st) {
  ks_sched_gpu_pod_prepare(p, cs, pod, c, ks_gpu_choose_best_fit, NULL, st);
}

static void bf_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                     const KsSchedCache *c, guint slot, gint64 *score, KsSchedStatus *st) {
  const KsSchedGpuPod *gp = ks_sched_gpu_pod_get(p, cs, st);
  *score = KS_SCHED_MIN_NODE_SCORE;
  if (!gp)
    return;
  gint64 cpu_left;
  gint32 free[KS_GPU_MAX_PER_NODE];
  guint count;
  GQuark model;
  gint64 gpu_free = ks_sched_gpu_node(c, slot, &cpu_left, free, &count, &model);
  gint64 gpu_req = ks_gpu_request_total(&gp->req);
  if (cpu_left < gp->cpu || gpu_free < gpu_req) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE, "GpuBestFit: free resource not enough");
    return;
  }
  double s = 0;
  s += (double)(cpu_left - gp->cpu) / (double)KS_GPU_MAX_SPEC_CPU * 0.5;
  s += (double)(gpu_free - gpu_req) / (double)KS_GPU_MAX_SPEC_GPU * 0.5;
  *score = (gint64)((1.0 - s) * KS_SCHED_MAX_NODE_SCORE);
}

/* Upstream NormalizeScore (plugin_utils.go): min-max to [0, 100]. */
static void bf_normalize(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                         gint64 *scores, guint n, KsSchedStatus *st) {
  if (n == 0)
    return;
  gint64 hi = scores[0], lo = scores[0];
  for (guint i = 1; i < n; i++) {
    hi = MAX(hi, scores[i]);
    lo = MIN(lo, scores[i]);
  }
  for (guint i = 0; i < n; i++)
    scores[i] = hi == lo ? KS_SCHED_MIN_NODE_SCORE
                         : (scores[i] - lo) * (KS_SCHED_MAX_NODE_SCORE - KS_SCHED_MIN_NODE_SCORE) /
                                   (hi - lo) +
                               KS_SCHED_MIN_NODE_SCORE;
}

const KsSchedPluginDesc ks_sched_plugin_gpu_best_fit = {
    .name = "GpuBestFit",
    .cycle_data_free = ks_sched_gpu_pod_free,
    .pre_filter = bf_pre_filter,
    .score = bf_score,
    .normalize_score = bf_normalize,
};
