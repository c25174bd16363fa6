/* FirstFit (PreScore, Score): the classic first-fit heuristic, not an
 * upstream plugin.
 *
 * Let the n scored (feasible) nodes be ranked 0..n-1 by their position in
 * the cache's node-tree order (KsSchedCache.order, the zone round-robin list
 * of kube-semantics 1.3). Then
 *
 *   score(node of rank k) = 100                          if n == 1
 *                         = 100 * (n - 1 - k) / (n - 1)  otherwise (integer,
 *                                                        truncating)
 *
 * Rank 0 scores 100 and every other rank strictly less (100 * (n-2) / (n-1)
 * < 100), so as the only score plugin the first node has the unique maximum
 * and is chosen without a tie-break draw. Next to other score plugins the
 * gap between ranks 0 and 1 is at least 100 / (n-1) points, so FirstFit
 * dominates only when weight * ceil(100 / (n-1)) > 100 * (sum of the other
 * weights); otherwise it is a bias towards the front of the list.
 *
 * Why ranks and not raw positions: positions depend on the cluster size and
 * on removed nodes; ranks among the scored nodes always span 0..100.
 *
 * Caveat: the scheduler filters from nextStartNodeIndex (round robin) and
 * stops after numFeasibleNodesToFind feasible nodes (percentageOfNodesToScore;
 * adaptive by default, all nodes below 100 nodes). FirstFit ranks the nodes
 * it is given, so with sampling it is "first fit among the examined nodes",
 * and the examined window moves every cycle. For textbook first fit use
 * percentageOfNodesToScore: 100.
 *
 * Cost: PreScore walks the node order once (O(all nodes), a linear pass
 * over an int array) to rank the scored nodes; Score is O(1). The rank and
 * mark arrays live in the cycle-state slot, sized by the cache capacity and
 * reused across cycles; they grow only when the cache does.
 */
#include "sched/plugins/first_fit.h"

#include "sched/cache.h"

typedef struct {
  guint *rank;   /* per cache slot: rank among this cycle's scored nodes */
  guint64 *mark; /* per cache slot: == stamp when scored this cycle */
  guint cap;
  guint64 stamp;
  guint n; /* scored nodes this cycle */
} FirstFitCycle;

static void first_fit_cycle_free(gpointer data) {
  FirstFitCycle *fc = data;
  g_free(fc->rank);
  g_free(fc->mark);
  g_free(fc);
}

static FirstFitCycle *cycle_data(KsSchedPlugin *p, KsSchedCycleState *cs, guint cap) {
  FirstFitCycle *fc = cs->data[p->index];
  if (!fc)
    fc = cs->data[p->index] = g_new0(FirstFitCycle, 1);
  if (fc->cap < cap) {
    fc->rank = g_renew(guint, fc->rank, cap);
    fc->mark = g_renew(guint64, fc->mark, cap);
    for (guint i = fc->cap; i < cap; i++)
      fc->mark[i] = 0;
    fc->cap = cap;
  }
  return fc;
}

static void first_fit_pre_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                const KsSchedCache *c, const guint *slots, guint n,
                                KsSchedStatus *st) {
  FirstFitCycle *fc = cycle_data(p, cs, c->cap);
  fc->stamp++; /* marks of earlier cycles become stale at once: no clearing pass */
  for (guint i = 0; i < n; i++)
    fc->mark[slots[i]] = fc->stamp;
  guint r = 0;
  for (guint i = 0; i < c->n_order; i++) {
    guint s = c->order[i];
    if (fc->mark[s] == fc->stamp)
      fc->rank[s] = r++;
  }
  fc->n = r;
}

static void first_fit_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                            const KsSchedCache *c, guint slot, gint64 *score, KsSchedStatus *st) {
  const FirstFitCycle *fc = cs->data[p->index];
  if (!fc || slot >= fc->cap || fc->mark[slot] != fc->stamp) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE, "FirstFit: node was not passed to PreScore");
    return;
  }
  if (fc->n <= 1) {
    *score = KS_SCHED_MAX_NODE_SCORE;
    return;
  }
  gint64 n = fc->n, k = fc->rank[slot];
  *score = KS_SCHED_MAX_NODE_SCORE * (n - 1 - k) / (n - 1);
}

const KsSchedPluginDesc ks_sched_plugin_first_fit = {
    .name = "FirstFit",
    .cycle_data_free = first_fit_cycle_free,
    .pre_score = first_fit_pre_score,
    .score = first_fit_score,
};
