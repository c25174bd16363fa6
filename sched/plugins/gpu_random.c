/* GpuRandom (Score): the FGD paper's Random baseline (docs/fgd.md 3.5;
 * upstream pkg/simulator/plugin/random_score.go and the "random"
 * gpuSelMethod of open_gpu_share.go).
 *
 * PreScore draws one of the n nodes it is given (the feasible ones) with
 * ks_rng_below(n); Score gives that node 100 and the others 0. The GPU
 * chooser puts a share pod on a GPU drawn uniformly among those with enough
 * free milli (reservoir sampling in index order: the j-th fitting GPU
 * replaces the pick when ks_rng_below(j) == 0, as upstream), whole-GPU
 * pods on the lowest-indexed free GPUs.
 *
 * All draws come from the instance's stream "policy/gpu-random" of
 * args.seed (sched/rng.h), which runs on across cycles: the same inputs and
 * seed give the same placements. An instance must not be shared by two
 * schedulers running concurrently.
 */
#include "sched/plugins/gpu_random.h"

#include "sched/plugins/gpu_policy.h"
#include "sched/rng.h"

typedef struct {
  KsRng rng;
} GpuRandom;

static gpointer gr_create(gconstpointer args, GError **error) {
  const KsSchedGpuRandomArgs *a = args;
  GpuRandom *r = g_new0(GpuRandom, 1);
  ks_rng_init(&r->rng, a ? a->seed : 0, "policy/gpu-random");
  return r; /* transfer full */
}

static void gr_destroy(gpointer self) { g_free(self); }

static gboolean gr_choose(const KsGpuRequest *r, const KsGpuNodeView *v, gpointer data,
                          KsGpuAssignment *out) {
  GpuRandom *g = data;
  if (!(r->count == 1 && r->milli < KS_GPU_MILLI))
    return ks_gpu_choose_best_fit(r, v, NULL, out);
  gint pick = -1;
  guint64 seen = 0;
  for (guint i = 0; i < v->count; i++) {
    if (ks_gpu_free(v, i) < r->milli)
      continue;
    if (ks_rng_below(&g->rng, ++seen) == 0)
      pick = (gint)i;
  }
  if (pick < 0)
    return FALSE;
  out->mask = G_GUINT64_CONSTANT(1) << pick;
  out->milli = r->milli;
  return TRUE;
}

static void gr_pre_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                          const KsSchedCache *c, GHashTable **node_names, KsSchedStatus *st) {
  ks_sched_gpu_pod_prepare(p, cs, pod, c, gr_choose, p->self, st);
}

static void gr_pre_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                         const KsSchedCache *c, const guint *slots, guint n, KsSchedStatus *st) {
  GpuRandom *g = p->self;
  KsSchedGpuPod *gp = cs->data[p->index];
  if (!gp) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE, "GPU policy: PreFilter did not run");
    return;
  }
  gp->choice = n ? (gint)slots[ks_rng_below(&g->rng, n)] : -1;
}

static void gr_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                     const KsSchedCache *c, guint slot, gint64 *score, KsSchedStatus *st) {
  const KsSchedGpuPod *gp = ks_sched_gpu_pod_get(p, cs, st);
  *score = gp && gp->choice == (gint)slot ? KS_SCHED_MAX_NODE_SCORE : KS_SCHED_MIN_NODE_SCORE;
}

const KsSchedPluginDesc ks_sched_plugin_gpu_random = {
    .name = "GpuRandom",
    .create = gr_create,
    .destroy = gr_destroy,
    .cycle_data_free = ks_sched_gpu_pod_free,
    .pre_filter = gr_pre_filter,
    .pre_score = gr_pre_score,
    .score = gr_score,
};
