/* Random (Score): a research baseline, not an upstream plugin.
 *
 *   score(n) = U{0..100}, drawn independently per scored node
 *
 * from the plugin's own KsRng stream "policy/random" of the configured seed
 * (sched/rng.h), one ks_rng_below(101) per Score call. The draws are i.i.d.,
 * so each feasible node is equally likely to hold the maximum; the
 * scheduler breaks ties among maxima uniformly too (its "sched/tie"
 * stream), so with Random as the only score plugin the chosen node is
 * uniform over the feasible nodes. Combined with other score plugins it is
 * a random perturbation of weight w * 100.
 *
 * The stream lives in the plugin instance and runs on across cycles: the
 * k-th draw of a run is fixed by the seed, and the scheduler scores nodes in
 * a deterministic order, so the same inputs and seed give the same
 * placements. A stream per instance (not per pod) keeps Score allocation
 * free and O(1); the price is that inserting one pod earlier shifts every
 * later pod's draws, as any single-stream simulator does.
 *
 * The instance state changes in Score, so an instance must not be shared by
 * two schedulers running concurrently (profiles never share instances).
 */
#include "sched/plugins/random.h"

#include "sched/rng.h"

typedef struct {
  KsRng rng;
} RandomPolicy;

static gpointer random_create(gconstpointer args, GError **error) {
  const KsSchedRandomArgs *a = args;
  RandomPolicy *r = g_new0(RandomPolicy, 1);
  ks_rng_init(&r->rng, a ? a->seed : 0, "policy/random");
  return r; /* transfer full */
}

static void random_destroy(gpointer self) { g_free(self); }

static void random_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                         const KsSchedCache *c, guint slot, gint64 *score, KsSchedStatus *st) {
  RandomPolicy *r = p->self;
  *score = (gint64)ks_rng_below(&r->rng, KS_SCHED_MAX_NODE_SCORE + 1);
}

const KsSchedPluginDesc ks_sched_plugin_random = {
    .name = "Random",
    .create = random_create,
    .destroy = random_destroy,
    .score = random_score,
};
