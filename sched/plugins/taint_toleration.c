/* TaintToleration (Filter, PreScore, Score, NormalizeScore; kube-semantics
 * 3.6, upstream plugins/tainttoleration, v1.31).
 *
 * Filter: the first NoSchedule or NoExecute taint of the node, in the
 * node's order, that none of the pod's tolerations tolerates rejects the
 * node as UnschedulableAndUnresolvable with upstream's reason
 * "node(s) had untolerated taint {<key>: <value>}". The reason names the
 * taint, so it is formatted and interned: the first rejection by a given
 * taint allocates, later ones only look the string up (statuses never own
 * their reasons).
 *
 * PreScore keeps pointers to the pod's tolerations whose effect is empty or
 * PreferNoSchedule (borrowed from the pod, which outlives the cycle) in an
 * array reused across cycles. Score counts the node's PreferNoSchedule
 * taints none of them tolerates; NormalizeScore is
 * DefaultNormalizeScore(100, reverse), so fewer intolerable taints score
 * higher.
 *
 * The node-event pre-check (admit) is upstream preCheckForNode's taint
 * test, which looks at NoSchedule taints only (not NoExecute).
 */
#include "sched/plugins/taint_toleration.h"
#include "sched/cache.h"

#include <string.h>

typedef struct {
  GPtrArray *prefer; /* const KsToleration*, borrowed from `pod` */
  const KsPod *pod;  /* whose tolerations `prefer` holds; guards against stale state */
  /* Filter's verdict per taint set of the cache (node_columns.h), made at
   * cycle_start: memo[id] is the rejection reason, or NULL when the pod
   * tolerates the set. Valid for memo_pod at cache generation memo_gen. */
  const char **memo;
  guint memo_len, memo_cap;
  const KsPod *memo_pod;
  guint64 memo_gen;
} TaintCycle;

/* Taint sets past this many are filtered without the memo. */
#define MAX_MEMO_SETS 256

static const KsToleration *pod_tolerations(const KsPod *pod, guint *n) {
  *n = pod->tolerations ? pod->tolerations->len : 0;
  return pod->tolerations ? (const KsToleration *)pod->tolerations->data : NULL;
}

/* upstream FindMatchingUntoleratedTaint with a filter on effects: the first
 * taint whose effect is in `effects` (bit per KsTaintEffect) and that no
 * toleration tolerates, or NULL. */
/* taints: the node's, as the cache's shared taint set (node_columns.h). */
static const KsTaint *first_untolerated(const GArray *taints, const KsPod *pod, guint effects) {
  if (!taints)
    return NULL;
  guint nt;
  const KsToleration *tols = pod_tolerations(pod, &nt);
  for (guint i = 0; i < taints->len; i++) {
    const KsTaint *t = &g_array_index(taints, KsTaint, i);
    if ((effects & (1u << t->effect)) && !ks_tolerations_tolerate(tols, nt, t))
      return t;
  }
  return NULL;
}

#define DO_NOT_SCHEDULE \
  ((1u << KS_TAINT_EFFECT_NO_SCHEDULE) | (1u << KS_TAINT_EFFECT_NO_EXECUTE))

/* Reasons already made, by taint key and value (the plugin instance's
 * table): a rejected node then costs two string hashes, where formatting
 * and g_intern_string (a global lock) cost most of an unschedulable pod's
 * cycle over thousands of tainted nodes. */
typedef struct {
  char *key, *value;  /* owned in the table; borrowed in a lookup probe */
  const char *reason; /* interned */
} TaintReason;

static guint taint_reason_hash(gconstpointer p) {
  const TaintReason *r = p;
  return g_str_hash(r->key) * 33u + g_str_hash(r->value);
}

static gboolean taint_reason_equal(gconstpointer a, gconstpointer b) {
  const TaintReason *x = a, *y = b;
  return !strcmp(x->key, y->key) && !strcmp(x->value, y->value);
}

static void taint_reason_free(gpointer p) {
  TaintReason *r = p;
  g_free(r->key);
  g_free(r->value);
  g_free(r);
}

/* The instance: the reason table and its lock (Filter may run on the
 * scheduler's filter pool threads). */
typedef struct {
  GMutex lock;
  GHashTable *reasons; /* TaintReason (owned) */
  TaintReason *last;   /* the last one used (atomic; in `reasons`, so never freed before
                          the instance): a cluster's rejecting taints are usually one or
                          two, so most lookups end here, without the lock */
} Taint;

static gpointer taint_create(gconstpointer args, GError **error) {
  Taint *t = g_new0(Taint, 1);
  g_mutex_init(&t->lock);
  t->reasons = g_hash_table_new_full(taint_reason_hash, taint_reason_equal, taint_reason_free, NULL);
  return t;
}

static void taint_destroy(gpointer self) {
  Taint *t = self;
  if (!t)
    return;
  g_hash_table_destroy(t->reasons);
  g_mutex_clear(&t->lock);
  g_free(t);
}

static const char *format_reason(const char *key, const char *value) {
  char buf[512];
  int len = g_snprintf(buf, sizeof buf, "node(s) had untolerated taint {%s: %s}", key, value);
  if (len >= 0 && (gsize)len < sizeof buf)
    return g_intern_string(buf);
  char *long_reason = g_strdup_printf("node(s) had untolerated taint {%s: %s}", key, value);
  const char *r = g_intern_string(long_reason);
  g_free(long_reason);
  return r;
}

static const char *untolerated_reason(Taint *self, const KsTaint *t) {
  TaintReason probe = {(char *)(t->key ? t->key : ""), (char *)(t->value ? t->value : ""), NULL};
  TaintReason *last = g_atomic_pointer_get(&self->last);
  if (last && taint_reason_equal(last, &probe))
    return last->reason;
  g_mutex_lock(&self->lock);
  TaintReason *r = g_hash_table_lookup(self->reasons, &probe);
  if (!r) {
    r = g_new(TaintReason, 1);
    *r = (TaintReason){g_strdup(probe.key), g_strdup(probe.value),
                       format_reason(probe.key, probe.value)};
    g_hash_table_add(self->reasons, r);
  }
  const char *reason = r->reason;
  g_atomic_pointer_set(&self->last, r);
  g_mutex_unlock(&self->lock);
  return reason;
}

static const char *filter_reason(Taint *self, const GArray *taints, const KsPod *pod) {
  const KsTaint *t = first_untolerated(taints, pod, DO_NOT_SCHEDULE);
  return t ? untolerated_reason(self, t) : NULL;
}

static TaintCycle *taint_cycle(KsSchedPlugin *p, KsSchedCycleState *cs) {
  if (!cs->data[p->index]) {
    TaintCycle *tc = g_new0(TaintCycle, 1);
    tc->prefer = g_ptr_array_new();
    cs->data[p->index] = tc;
  }
  return cs->data[p->index];
}

/* The verdict for every taint set, so that each tainted node costs Filter
 * one array read (nodes of a pool share a set). */
static void taint_cycle_start(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                              const KsSchedCache *c) {
  TaintCycle *tc = taint_cycle(p, cs);
  const GPtrArray *sets = c->cols.sets;
  tc->memo_pod = NULL;
  if (sets->len > MAX_MEMO_SETS)
    return;
  if (tc->memo_cap < sets->len) {
    tc->memo_cap = MAX_MEMO_SETS;
    tc->memo = g_renew(const char *, tc->memo, tc->memo_cap);
  }
  for (guint id = 1; id < sets->len; id++) {
    const KsSchedTaintSet *set = g_ptr_array_index(sets, id);
    tc->memo[id] = set ? filter_reason(p->self, set->taints, pod) : NULL;
  }
  tc->memo_len = sets->len;
  tc->memo_pod = pod;
  tc->memo_gen = c->generation;
}

/* The cycle's memo when it is this pod's at this cache generation, else NULL. */
static const TaintCycle *valid_memo(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                    const KsSchedCache *c) {
  const TaintCycle *tc = cs->data[p->index];
  return tc && tc->memo_pod == pod && tc->memo_gen == c->generation ? tc : NULL;
}

static inline void filter_one(KsSchedPlugin *p, const TaintCycle *memo, const KsPod *pod,
                              const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  guint32 id = c->cols.taint_set[slot];
  if (!id)
    return;
  const char *reason;
  if (memo && id < memo->memo_len)
    reason = memo->memo[id];
  else
    reason = filter_reason(p->self, ks_sched_node_columns_taints(&c->cols, slot), pod);
  if (reason)
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE, reason);
}

static void taint_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                         const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  filter_one(p, valid_memo(p, cs, pod, c), pod, c, slot, st);
}

static void taint_filter_nodes(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                               const KsSchedCache *c, const guint *slots, guint n,
                               KsSchedStatus *statuses) {
  const TaintCycle *memo = valid_memo(p, cs, pod, c);
  for (guint i = 0; i < n; i++)
    filter_one(p, memo, pod, c, slots[i], &statuses[slots[i]]);
}

static gboolean taint_admit(KsSchedPlugin *p, const KsPod *pod, const KsSchedCache *c,
                            guint slot) {
  return first_untolerated(ks_sched_node_columns_taints(&c->cols, slot), pod,
                           1u << KS_TAINT_EFFECT_NO_SCHEDULE) == NULL;
}

/* ---- score ------------------------------------------------------------------------ */

static void taint_cycle_free(gpointer data) {
  TaintCycle *tc = data;
  g_ptr_array_unref(tc->prefer);
  g_free(tc->memo);
  g_free(tc);
}

static void taint_pre_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                            const KsSchedCache *c, const guint *slots, guint n,
                            KsSchedStatus *st) {
  TaintCycle *tc = taint_cycle(p, cs);
  g_ptr_array_set_size(tc->prefer, 0);
  guint nt;
  const KsToleration *tols = pod_tolerations(pod, &nt);
  /* an empty effect means every effect, PreferNoSchedule included */
  for (guint i = 0; i < nt; i++)
    if (tols[i].effect == KS_TAINT_EFFECT_ALL || tols[i].effect == KS_TAINT_EFFECT_PREFER_NO_SCHEDULE)
      g_ptr_array_add(tc->prefer, (gpointer)&tols[i]);
  tc->pod = pod;
}

static gboolean prefer_tolerated(const GPtrArray *prefer, const KsTaint *t) {
  for (guint i = 0; i < prefer->len; i++)
    if (ks_toleration_tolerates(g_ptr_array_index(prefer, i), t))
      return TRUE;
  return FALSE;
}

/* The PreScore state, or NULL with st set. */
static const TaintCycle *score_state(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                     KsSchedStatus *st) {
  const TaintCycle *tc = cs->data[p->index];
  if (tc && tc->pod == pod)
    return tc;
  ks_sched_status_set(st, KS_SCHED_ERROR_CODE,
                      "failed to read \"PreScoreTaintToleration\" from cycleState: not found");
  return NULL;
}

/* Untolerated PreferNoSchedule taints of slot (raw score; normalized reversed). */
static inline gint64 taint_score_one(const TaintCycle *tc, const KsSchedCache *c, guint slot) {
  const GArray *taints = ks_sched_node_columns_taints(&c->cols, slot);
  gint64 count = 0;
  for (guint i = 0; taints && i < taints->len; i++) {
    const KsTaint *t = &g_array_index(taints, KsTaint, i);
    if (t->effect == KS_TAINT_EFFECT_PREFER_NO_SCHEDULE && !prefer_tolerated(tc->prefer, t))
      count++;
  }
  return count;
}

static void taint_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                        const KsSchedCache *c, guint slot, gint64 *score, KsSchedStatus *st) {
  const TaintCycle *tc = score_state(p, cs, pod, st);
  if (tc)
    *score = taint_score_one(tc, c, slot);
}

static void taint_score_nodes(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                              const KsSchedCache *c, const guint *slots, guint n, gint64 *scores,
                              KsSchedStatus *st) {
  const TaintCycle *tc = score_state(p, cs, pod, st);
  for (guint i = 0; tc && i < n; i++)
    scores[i] = taint_score_one(tc, c, slots[i]);
}

static void taint_normalize_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                  gint64 *scores, guint n, KsSchedStatus *st) {
  ks_sched_default_normalize_score(KS_SCHED_MAX_NODE_SCORE, TRUE, scores, n);
}

/* v1.31, queueing hints off: a new node or changed taints may be tolerated;
 * labels as for every Node/Add plugin (upstream issue 109437). Pod updates
 * (new tolerations) move the pod anyway while hints are off. */
static const KsSchedClusterEvent taint_events[] = {
    {KS_SCHED_EV_NODE,
     KS_SCHED_ACT_ADD | KS_SCHED_ACT_UPDATE_NODE_TAINT | KS_SCHED_ACT_UPDATE_NODE_LABEL,
     "NodeAdd|NodeTaintChange|NodeLabelChange"},
};

const KsSchedPluginDesc ks_sched_plugin_taint_toleration = {
    .name = "TaintToleration",
    .create = taint_create,
    .destroy = taint_destroy,
    .cycle_data_free = taint_cycle_free,
    .events = taint_events,
    .n_events = G_N_ELEMENTS(taint_events),
    .filter = taint_filter,
    .filter_nodes = taint_filter_nodes,
    .pre_score = taint_pre_score,
    .score = taint_score,
    .score_nodes = taint_score_nodes,
    .cycle_start = taint_cycle_start,
    .normalize_score = taint_normalize_score,
    .admit = taint_admit,
};
