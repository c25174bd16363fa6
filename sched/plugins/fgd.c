/* FGD (Score): fragmentation gradient descent, the FGD paper's policy
 * (docs/fgd.md 3.6; upstream pkg/simulator/plugin/fgd_score.go).
 *
 * With F the node's fragmentation against the typical pods (milli-GPU,
 * sched/gpu_frag.h) before and after the placement:
 *
 *   score = floor(100 * sigmoid((F_before - F_after) / 1000))
 *
 * A GPU-share pod (1 GPU, < 1000 milli) is tried on every GPU with room, in
 * index order; the node scores the best of them and the pod goes to the
 * first GPU reaching it (integer scores compared, as upstream). Whole-GPU
 * and CPU-only pods have one outcome per node (which free GPUs they take
 * does not change F); they take the lowest-indexed free GPUs. A pod that
 * requests nothing scores 100. No normalisation.
 *
 * F_before - F_after is exact (integer cum x F, gpu_frag.h); only the
 * sigmoid is floating point. The GPU chooser runs at assume, when the
 * scheduler has picked the node: it finds the node's slot from the view it
 * is given (ks_sched_gpu_slot_of_view) to read the CPU left, and recomputes
 * the same arg-max as Score.
 *
 * State: the typical pods (shared, reference counted) and, per cycle, the
 * cache pointer and pod CPU the chooser needs (written at PreFilter; one
 * scheduler per instance).
 */
#include "sched/plugins/fgd.h"

#include <math.h>
#include <string.h>

#include "sched/plugins/gpu_policy.h"

typedef struct {
  KsGpuTypicalPods *typical;
  const KsSchedCache *cache; /* of the current cycle, for the chooser */
  gint64 cpu;                /* the current pod's non-zero CPU */
} Fgd;

static gpointer fgd_create(gconstpointer args, GError **error) {
  const KsSchedFgdArgs *a = args;
  Fgd *f = g_new0(Fgd, 1);
  if (a && a->typical)
    f->typical = ks_gpu_typical_pods_ref(a->typical);
  return f; /* transfer full */
}

static void fgd_destroy(gpointer self) {
  Fgd *f = self;
  ks_gpu_typical_pods_unref(f->typical);
  g_free(f);
}

void ks_sched_fgd_set_typical_pods(KsSchedPlugin *p, KsGpuTypicalPods *tp) {
  g_return_if_fail(p && p->desc == &ks_sched_plugin_fgd);
  Fgd *f = p->self;
  if (tp)
    ks_gpu_typical_pods_ref(tp);
  ks_gpu_typical_pods_unref(f->typical);
  f->typical = tp;
}

/* floor(100 * sigmoid(delta / cum / 1000)) for delta = cum x (F_before - F_after). */
static gint64 frag_score(gint64 delta, gint64 cum) {
  double x = (double)delta / ((double)cum * 1000.0);
  return (gint64)(1.0 / (1.0 + exp(-x)) * KS_SCHED_MAX_NODE_SCORE);
}

static gboolean seen_before(const gint32 *free, guint i) {
  for (guint j = 0; j < i; j++)
    if (free[j] == free[i])
      return TRUE;
  return FALSE;
}

/* Share pod: the best GPU by score, first index on ties. */
static gint64 score_share(const KsGpuTypicalPods *tp, gint64 cpu, const KsGpuRequest *r,
                          gint64 cpu_left, const gint32 *free, guint count, GQuark model,
                          gint64 before, KsGpuAssignment *out) {
  gint32 after[KS_GPU_MAX_PER_NODE];
  gint64 best = 0;
  gint best_i = -1;
  memcpy(after, free, count * sizeof *free);
  for (guint i = 0; i < count; i++) {
    if (free[i] < r->milli || seen_before(free, i))
      continue; /* an earlier GPU with the same free milli scores the same and wins the tie */
    after[i] = free[i] - r->milli;
    gint64 s = frag_score(before - ks_gpu_frag_free_scaled(tp, cpu_left - cpu, after, count, model,
                                                           NULL),
                          tp->cum);
    after[i] = free[i];
    if (best_i < 0 || s > best) {
      best = s;
      best_i = (gint)i;
    }
  }
  if (best_i >= 0) {
    out->mask = G_GUINT64_CONSTANT(1) << best_i;
    out->milli = r->milli;
  }
  return best;
}

/* Whole GPUs (or none): the k lowest-indexed fully free GPUs. */
static gint64 score_whole(const KsGpuTypicalPods *tp, gint64 cpu, const KsGpuRequest *r,
                          gint64 cpu_left, const gint32 *free, guint count, GQuark model,
                          gint64 before, KsGpuAssignment *out) {
  gint32 after[KS_GPU_MAX_PER_NODE];
  guint64 mask = 0;
  guint need = r->count;
  memcpy(after, free, count * sizeof *free);
  for (guint i = 0; i < count && need > 0; i++) {
    if (free[i] >= KS_GPU_MILLI && free[i] >= r->milli) {
      after[i] = free[i] - r->milli;
      mask |= G_GUINT64_CONSTANT(1) << i;
      need--;
    }
  }
  if (need == 0 && r->count > 0) {
    out->mask = mask;
    out->milli = r->milli;
  }
  gint64 after_s = ks_gpu_frag_free_scaled(tp, cpu_left - cpu, after, count, model, NULL);
  return frag_score(before - after_s, tp->cum);
}

gint64 ks_sched_fgd_node_score(const KsGpuTypicalPods *tp, gint64 cpu, const KsGpuRequest *r,
                               gint64 cpu_left, const gint32 *free, guint count, GQuark model,
                               KsGpuAssignment *out) {
  KsGpuAssignment none = {0, 0};
  *out = none;
  if (!tp || tp->cum == 0)
    return KS_SCHED_MIN_NODE_SCORE;
  gint64 before = ks_gpu_frag_free_scaled(tp, cpu_left, free, count, model, NULL);
  if (r->count == 1 && r->milli < KS_GPU_MILLI)
    return score_share(tp, cpu, r, cpu_left, free, count, model, before, out);
  return score_whole(tp, cpu, r, cpu_left, free, count, model, before, out);
}

static gboolean fgd_choose(const KsGpuRequest *r, const KsGpuNodeView *v, gpointer data,
                           KsGpuAssignment *out) {
  const Fgd *f = data;
  if (!f->typical || f->typical->cum == 0 || !(r->count == 1 && r->milli < KS_GPU_MILLI))
    return ks_gpu_choose_best_fit(r, v, NULL, out);
  gint slot = f->cache ? ks_sched_gpu_slot_of_view(f->cache, v) : -1;
  gint64 cpu_left = G_MAXINT64 / 4; /* slot unknown: as if the CPU were ample */
  if (slot >= 0)
    cpu_left = f->cache->alloc_cpu[slot] - f->cache->req_cpu[slot];
  gint32 free[KS_GPU_MAX_PER_NODE];
  guint count = MIN(v->count, KS_GPU_MAX_PER_NODE);
  for (guint i = 0; i < count; i++)
    free[i] = ks_gpu_free(v, i);
  ks_sched_fgd_node_score(f->typical, f->cpu, r, cpu_left, free, count, v->model, out);
  return out->mask != 0;
}

static void fgd_pre_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                           const KsSchedCache *c, GHashTable **node_names, KsSchedStatus *st) {
  Fgd *f = p->self;
  const KsSchedGpuPod *gp = ks_sched_gpu_pod_prepare(p, cs, pod, c, fgd_choose, f, st);
  f->cache = c;
  f->cpu = gp ? gp->cpu : 0;
}

static void fgd_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                      const KsSchedCache *c, guint slot, gint64 *score, KsSchedStatus *st) {
  const Fgd *f = p->self;
  const KsSchedGpuPod *gp = ks_sched_gpu_pod_get(p, cs, st);
  *score = KS_SCHED_MIN_NODE_SCORE;
  if (!gp)
    return;
  if (!gp->requests) {
    *score = KS_SCHED_MAX_NODE_SCORE;
    return;
  }
  if (!f->typical || f->typical->cum == 0) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE, "FGD: no typical pods (set them in the args or "
                                                 "with ks_sched_fgd_set_typical_pods)");
    return;
  }
  gint64 cpu_left;
  gint32 free[KS_GPU_MAX_PER_NODE];
  guint count;
  GQuark model;
  ks_sched_gpu_node(c, slot, &cpu_left, free, &count, &model);
  KsGpuAssignment a;
  *score = ks_sched_fgd_node_score(f->typical, gp->cpu, &gp->req, cpu_left, free, count, model, &a);
}

const KsSchedPluginDesc ks_sched_plugin_fgd = {
    .name = "FGD",
    .create = fgd_create,
    .destroy = fgd_destroy,
    .cycle_data_free = ks_sched_gpu_pod_free,
    .pre_filter = fgd_pre_filter,
    .score = fgd_score,
};
