/* GpuDotProduct (Score): the FGD paper's DotProduct baseline as its
 * experiments configure it (docs/fgd.md 3.4; upstream
 * pkg/simulator/plugin/dot_product_score.go with dimExtMethod "merge" and
 * normMethod "max"):
 *
 *   node = (cpu_left / 128000, gpu_free / 8000)   pod = (c / 128000, k*m / 8000)
 *   score = trunc(100 * (1 - (node . pod) / 2))   0 when cpu_left < c
 *
 * with c the non-zero CPU request, gpu_free the node's total free milli GPU
 * and k*m the pod's total GPU milli; computed in double in upstream's order.
 * Clamped to [0, 100] (only a node beyond the 128-core / 8-GPU spec could
 * leave it). No normalisation. GPUs inside the node: best fit (the
 * experiments' gpuSelMethod "best").
 */
#include "sched/plugins/gpu_dot_product.h"

#include "sched/plugins/gpu_policy.h"


static void dp_pre_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                          const KsSchedCache *c, GHashTable **node_names, KsSchedStatus *st) {
  ks_sched_gpu_pod_prepare(p, cs, pod, c, ks_gpu_choose_best_fit, NULL, st);
}

static void dp_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
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
  if (cpu_left < gp->cpu)
    return;
  double n0 = (double)cpu_left / (double)KS_GPU_MAX_SPEC_CPU;
  double n1 = (double)gpu_free / (double)KS_GPU_MAX_SPEC_GPU;
  double p0 = (double)gp->cpu / (double)KS_GPU_MAX_SPEC_CPU;
  double p1 = (double)ks_gpu_request_total(&gp->req) / (double)KS_GPU_MAX_SPEC_GPU;
  double dot = (n0 * p0 + n1 * p1) / 2.0;
  gint64 s = (gint64)(KS_SCHED_MAX_NODE_SCORE * (1.0 - dot));
  *score = CLAMP(s, KS_SCHED_MIN_NODE_SCORE, KS_SCHED_MAX_NODE_SCORE);
}

const KsSchedPluginDesc ks_sched_plugin_gpu_dot_product = {
    .name = "GpuDotProduct",
    .cycle_data_free = ks_sched_gpu_pod_free,
    .pre_filter = dp_pre_filter,
    .score = dp_score,
};
