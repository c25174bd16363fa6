/* BestFit (PreScore, Score): the classic best-fit bin-packing heuristic —
 * put the item in the bin it fills most tightly — not an upstream plugin.
 *
 * For r in {cpu, memory}, with plain requests (what Filter checks):
 *
 *   left_r(n)  = max(0, alloc_r(n) - requested_r(n) - pod_r)
 *   L_r        = max over the scored nodes of alloc_r       (PreScore)
 *   waste_r(n) = left_r(n) * 100 / L_r                      (0..100, truncating)
 *   waste(n)   = Σ_r w_r * waste_r(n) / Σ_r w_r             (truncating)
 *   score(n)   = 100 - waste(n)
 *
 * A resource with L_r == 0 or w_r == 0 is left out; with none left every
 * node scores 100. All arithmetic is int64 (left_r * 100 stays below 2^63
 * up to 92 PB of memory).
 *
 * Why absolute leftovers: MostAllocated scores the fraction used, so on a
 * heterogeneous cluster it prefers a big node 60% full (many cores left)
 * over a small node 50% full (few cores left). Best fit wants the small
 * one: the pod closes the smallest gap. Dividing every node's leftover by
 * the same L_r keeps the comparison absolute while mapping it to [0, 100];
 * on identical nodes the ranking equals MostAllocated's over plain requests.
 * Since L_r depends on which nodes are scored, the scores (not the choice
 * among them) change with the scored set.
 */
#include "sched/plugins/best_fit.h"

#include "sched/cache.h"

typedef struct {
  gint64 w_cpu, w_mem;
} BestFit;

typedef struct {
  KsResourceList req;      /* scratch, reused across cycles */
  gint64 pod_cpu, pod_mem; /* plain effective request */
  gint64 max_cpu, max_mem; /* L_r over the scored nodes */
} BestFitCycle;

static gpointer best_fit_create(gconstpointer args, GError **error) {
  const KsSchedBestFitArgs *a = args;
  gint64 wc = a ? a->cpu_weight : 0, wm = a ? a->memory_weight : 0;
  if (wc < 0 || wc > KS_SCHED_MAX_NODE_SCORE || wm < 0 || wm > KS_SCHED_MAX_NODE_SCORE) {
    g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                "%s: Invalid value: %" G_GINT64_FORMAT ": must be in the range [0, 100]",
                wc < 0 || wc > KS_SCHED_MAX_NODE_SCORE ? "cpuWeight" : "memoryWeight",
                wc < 0 || wc > KS_SCHED_MAX_NODE_SCORE ? wc : wm);
    return NULL;
  }
  BestFit *b = g_new0(BestFit, 1);
  b->w_cpu = wc || wm ? wc : 1;
  b->w_mem = wc || wm ? wm : 1;
  return b; /* transfer full */
}

static void best_fit_destroy(gpointer self) { g_free(self); }

static void best_fit_cycle_free(gpointer data) {
  BestFitCycle *bc = data;
  ks_resource_list_clear(&bc->req);
  g_free(bc);
}

static void best_fit_pre_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                               const KsSchedCache *c, const guint *slots, guint n,
                               KsSchedStatus *st) {
  BestFitCycle *bc = cs->data[p->index];
  if (!bc) {
    bc = cs->data[p->index] = g_new0(BestFitCycle, 1);
    ks_resource_list_init(&bc->req);
  }
  ks_resource_list_clear(&bc->req);
  ks_pod_compute_requests(pod, &bc->req); /* allocates only for pods with scalars */
  bc->pod_cpu = bc->req.milli_cpu;
  bc->pod_mem = bc->req.memory;
  bc->max_cpu = bc->max_mem = 0;
  for (guint i = 0; i < n; i++) {
    bc->max_cpu = MAX(bc->max_cpu, c->alloc_cpu[slots[i]]);
    bc->max_mem = MAX(bc->max_mem, c->alloc_mem[slots[i]]);
  }
}

/* left_r * 100 / L_r, or -1 when the resource is left out */
static gint64 waste_of(gint64 alloc, gint64 requested, gint64 pod, gint64 max, gint64 w) {
  if (max <= 0 || w == 0)
    return -1;
  gint64 left = MAX(0, alloc - requested - pod);
  return MIN(left, max) * KS_SCHED_MAX_NODE_SCORE / max;
}

static void best_fit_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                           const KsSchedCache *c, guint slot, gint64 *score, KsSchedStatus *st) {
  const BestFit *b = p->self;
  const BestFitCycle *bc = cs->data[p->index];
  if (!bc) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE, "BestFit: PreScore did not run");
    return;
  }
  gint64 wc = waste_of(c->alloc_cpu[slot], c->req_cpu[slot], bc->pod_cpu, bc->max_cpu, b->w_cpu);
  gint64 wm = waste_of(c->alloc_mem[slot], c->req_mem[slot], bc->pod_mem, bc->max_mem, b->w_mem);
  gint64 sum = 0, wsum = 0;
  if (wc >= 0) {
    sum += b->w_cpu * wc;
    wsum += b->w_cpu;
  }
  if (wm >= 0) {
    sum += b->w_mem * wm;
    wsum += b->w_mem;
  }
  *score = KS_SCHED_MAX_NODE_SCORE - (wsum ? sum / wsum : 0);
}

const KsSchedPluginDesc ks_sched_plugin_best_fit = {
    .name = "BestFit",
    .create = best_fit_create,
    .destroy = best_fit_destroy,
    .cycle_data_free = best_fit_cycle_free,
    .pre_score = best_fit_pre_score,
    .score = best_fit_score,
};
