/* DotProduct (PreScore, Score, NormalizeScore): Tetris-style alignment
 * (Grandl et al., SIGCOMM 2014), not an upstream plugin.
 *
 * Over r in {cpu, memory} and every scalar resource the pod requests
 * (value > 0), skipping resources the node has no allocatable of
 * (A_r = alloc_r(n) == 0), with S = KS_SCHED_DOT_PRODUCT_SCALE = 10^4:
 *
 *   d_r(n) = min(pod_r, A_r) * S / A_r                 demand fraction
 *   f_r(n) = clamp(A_r - requested_r(n), 0, A_r) * S / A_r   free fraction
 *   raw(n) = Σ_r d_r(n) * f_r(n)                       (int64, ≤ k * 10^8)
 *
 * NormalizeScore scales by the maximum over the scored nodes:
 *
 *   score(n) = raw(n) * 100 / max_m raw(m)    (0 everywhere when the max is 0)
 *
 * so the best-aligned node scores 100 whatever the number of resources.
 *
 * Requests are the plain effective requests (what Filter checks; Tetris uses
 * the real demand vector), so a pod that requests nothing has d = 0 and
 * scores 0 everywhere: the policy is neutral for best-effort pods. Free is
 * measured before placement, as in the paper. Integer fixed point with 10^4
 * keeps results exact and platform independent; a resource contributes only
 * when the demand is at least 0.01% of the node, and pod_r * S must stay
 * below 2^63 (memory up to ~900 TB).
 *
 * PreScore computes the pod's request list into the cycle-state slot (the
 * list is reused across cycles; only scalar requests allocate).
 */
#include "sched/plugins/dot_product.h"

#include "sched/cache.h"

typedef struct {
  KsResourceList req;
} DotCycle;

static void dot_cycle_free(gpointer data) {
  DotCycle *dc = data;
  ks_resource_list_clear(&dc->req);
  g_free(dc);
}

static void dot_pre_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                          const KsSchedCache *c, const guint *slots, guint n, KsSchedStatus *st) {
  DotCycle *dc = cs->data[p->index];
  if (!dc) {
    dc = cs->data[p->index] = g_new0(DotCycle, 1);
    ks_resource_list_init(&dc->req);
  }
  ks_resource_list_clear(&dc->req);
  ks_pod_compute_requests(pod, &dc->req);
}

/* d_r * f_r for one resource; 0 when the node has none of it. */
static gint64 term(gint64 pod, gint64 alloc, gint64 requested) {
  if (alloc <= 0 || pod <= 0)
    return 0;
  gint64 d = MIN(pod, alloc) * KS_SCHED_DOT_PRODUCT_SCALE / alloc;
  gint64 f = CLAMP(alloc - requested, 0, alloc) * KS_SCHED_DOT_PRODUCT_SCALE / alloc;
  return d * f;
}

static void dot_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                      const KsSchedCache *c, guint slot, gint64 *score, KsSchedStatus *st) {
  const DotCycle *dc = cs->data[p->index];
  if (!dc) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE, "DotProduct: PreScore did not run");
    return;
  }
  const KsResourceList *r = &dc->req;
  gint64 raw = term(r->milli_cpu, c->alloc_cpu[slot], c->req_cpu[slot]) +
               term(r->memory, c->alloc_mem[slot], c->req_mem[slot]);
  for (guint i = 0; r->scalars && i < r->scalars->len; i++) {
    const KsScalarResource *sr = &g_array_index(r->scalars, KsScalarResource, i);
    const char *name = g_quark_to_string(sr->name);
    raw += term(sr->value, ks_resource_list_get(&c->nodes[slot]->allocatable, name),
                ks_resource_list_get(&c->requested[slot], name));
  }
  *score = raw;
}

static void dot_normalize(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                          gint64 *scores, guint n, KsSchedStatus *st) {
  ks_sched_default_normalize_score(KS_SCHED_MAX_NODE_SCORE, FALSE, scores, n);
}

const KsSchedPluginDesc ks_sched_plugin_dot_product = {
    .name = "DotProduct",
    .cycle_data_free = dot_cycle_free,
    .pre_score = dot_pre_score,
    .score = dot_score,
    .normalize_score = dot_normalize,
};
