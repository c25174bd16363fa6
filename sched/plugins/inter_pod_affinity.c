/* InterPodAffinity (PreFilter, Filter, PreScore, Score, NormalizeScore;
 * kube-semantics 3.11, upstream pkg/scheduler/framework/plugins/
 * interpodaffinity v1.31).
 *
 * Everything this plugin computes is a count per topology pair
 * (topologyKey, node label value), exactly as upstream's
 * topologyToMatchedTermCount / scoreMap:
 *   PreFilter builds three of them: pairs forbidden by existing pods'
 *   required anti-affinity terms that select the incoming pod (scanning only
 *   nodes that host pods with required anti-affinity), pairs where pods
 *   matching ALL the incoming pod's required affinity terms run, and pairs
 *   where pods matching any of its required anti-affinity terms run (both
 *   scanning every pod of every node). Filter then looks the candidate node's
 *   labels up: affinity (UnschedulableAndUnresolvable), anti-affinity, then
 *   existing pods' anti-affinity (both Unschedulable), in upstream's order.
 *   PreScore builds the weighted score per pair from the incoming pod's
 *   preferred terms and the existing pods' required affinity (weighted by
 *   hardPodAffinityWeight) and preferred terms; Score sums the node's pairs;
 *   NormalizeScore maps [min, max] onto [0, 100] in float64, truncated.
 *
 * Speed: the counts and scores are sums over (existing pod, term) pairs, so
 * instead of matching every term against every pod (upstream's loops, kept
 * as the reference path `scan`), PreFilter and PreScore visit candidates
 * from the cache's indexes (cache.h): for a term of the incoming pod, the
 * pods carrying its selector's first matchLabels pair; for existing pods'
 * terms, those listed under one of the incoming pod's labels or having no
 * matchLabels. Each candidate is still matched in full, so decisions are
 * unchanged (randomized test against `scan` in test_prefilter_extensions);
 * only selectors without matchLabels fall back to visiting every pod.
 *
 * The pair maps are small open-addressing hash tables whose strings are
 * BORROWED: topology keys from the terms (owned by the incoming pod or by
 * pods the cache holds) and values from the cache's nodes' labels. That is
 * safe because the host never changes the cache during a cycle, and a map is
 * reset (without reading its stale entries) before each cycle fills it. The
 * tables live in the plugin's cycle-state slot and keep their capacity, so a
 * steady-state cycle allocates nothing.
 *
 * Namespaces: upstream unrolls the incoming pod's namespaceSelector into the
 * list of existing namespaces it selects; we evaluate the selector against
 * the namespace labels the cache knows, which is the same except for
 * namespaces the cache does not know: those are never selected by a
 * non-empty selector (as upstream, whose lister does not return them), while
 * an empty selector {} still selects them. Existing pods' terms are matched
 * against the incoming pod's namespace labels (empty when unknown), as
 * upstream's GetNamespaceLabelsSnapshot.
 *
 * PreFilterExtensions (AddPod/RemovePod) update the three PreFilter maps for
 * one pod joining or leaving a node, as upstream's updateWithPod; counts
 * are exact integers, so a RemovePod undone by an AddPod restores the
 * state exactly (preemption relies on that: see sched/preemption.c). Keys
 * of pairs created by AddPod are borrowed from the added pod's terms, which
 * the caller keeps alive for the cycle (a nominated pod or a victim held by
 * the preemption save).
 *
 * Departures: selectors are validated when pods are loaded, so upstream's
 * "parsing pod" PreFilter errors cannot occur here.
 */
#include "sched/plugins/inter_pod_affinity.h"
#include "sched/plugins/prefilter_state.h"

#include <string.h>

#include "sched/cache.h"

#define REASON_AFFINITY "node(s) didn't match pod affinity rules"
#define REASON_ANTI_AFFINITY "node(s) didn't match pod anti-affinity rules"
#define REASON_EXISTING_ANTI "node(s) didn't satisfy existing pods anti-affinity rules"

/* ---- topology pair map -------------------------------------------------------- */

typedef struct {
  const char *key;   /* borrowed; NULL marks a free entry */
  const char *value; /* borrowed */
  guint hash;
  gint64 count;
} TpEntry;

typedef struct {
  TpEntry *e;
  guint cap;        /* 0 or a power of two */
  guint n;          /* entries in use */
  guint n_live;     /* entries whose count is not 0 (upstream's map length
                     * after update() deletes pairs that reach zero) */
  GPtrArray *keys;  /* distinct topology keys in use (borrowed), for Score */
} TpMap;

static void tp_init(TpMap *m) {
  memset(m, 0, sizeof *m);
  m->keys = g_ptr_array_new();
}

static void tp_clear(TpMap *m) {
  g_free(m->e);
  g_ptr_array_unref(m->keys);
}

static void tp_reset(TpMap *m) {
  if (m->n > 0)
    memset(m->e, 0, m->cap * sizeof *m->e);
  m->n = 0;
  m->n_live = 0;
  g_ptr_array_set_size(m->keys, 0);
}

static guint tp_hash_kh(guint key_hash, const char *value) {
  return key_hash * 31u + g_str_hash(value);
}

static guint tp_hash(const char *key, const char *value) {
  return tp_hash_kh(g_str_hash(key), value);
}

/* The entry of (key, value), or the free entry where it would go. */
static TpEntry *tp_slot(const TpMap *m, const char *key, const char *value, guint h) {
  guint mask = m->cap - 1;
  for (guint i = h & mask;; i = (i + 1) & mask) {
    TpEntry *e = &m->e[i];
    if (e->key == NULL ||
        (e->hash == h && (e->key == key || strcmp(e->key, key) == 0) &&
         (e->value == value || strcmp(e->value, value) == 0)))
      return e;
  }
}

static gint64 tp_get(const TpMap *m, const char *key, const char *value) {
  if (m->n == 0)
    return 0;
  const TpEntry *e = tp_slot(m, key, value, tp_hash(key, value));
  return e->key ? e->count : 0;
}

static void tp_grow(TpMap *m) {
  TpEntry *old = m->e;
  guint old_cap = m->cap;
  m->cap = old_cap ? old_cap * 2 : 16;
  m->e = g_new0(TpEntry, m->cap);
  for (guint i = 0; i < old_cap; i++)
    if (old[i].key)
      *tp_slot(m, old[i].key, old[i].value, old[i].hash) = old[i];
  g_free(old);
}

static void tp_note_key(TpMap *m, const char *key) {
  for (guint i = 0; i < m->keys->len; i++)
    if (strcmp(g_ptr_array_index(m->keys, i), key) == 0)
      return;
  g_ptr_array_add(m->keys, (gpointer)key);
}

/* Adds delta at (key, value), creating the entry (as a Go map's += does);
 * key_hash is g_str_hash(key), for callers that add under one key often. */
static void tp_add_kh(TpMap *m, const char *key, guint key_hash, const char *value,
                      gint64 delta) {
  if ((m->n + 1) * 2 > m->cap)
    tp_grow(m);
  guint h = tp_hash_kh(key_hash, value);
  TpEntry *e = tp_slot(m, key, value, h);
  if (e->key == NULL) {
    *e = (TpEntry){key, value, h, 0};
    m->n++;
    tp_note_key(m, key);
  }
  gboolean was_live = e->count != 0;
  e->count += delta;
  m->n_live += (e->count != 0) - was_live;
}

static void tp_add(TpMap *m, const char *key, const char *value, gint64 delta) {
  tp_add_kh(m, key, g_str_hash(key), value, delta);
}

/* ---- plugin, args and cycle state ------------------------------------------------- */

typedef struct {
  gint32 hard_weight;
  gboolean ignore_preferred_of_existing;
  gboolean scan;  /* TRUE: PreScore scans every pod (the reference path, for tests) */
} Ipa;

typedef struct {
  const KsPod *filter_pod; /* the pod PreFilter ran for */
  gboolean self_match;     /* it matches all its own required affinity terms */
  TpMap existing_anti;     /* existing pods' required anti-affinity */
  TpMap affinity;          /* incoming pod's required affinity */
  TpMap anti;              /* incoming pod's required anti-affinity */
  const KsPod *score_pod;  /* the pod PreScore ran for */
  TpMap score;             /* topologyScore */
} IpaCycle;

static gpointer ipa_create(gconstpointer args, GError **error) {
  const KsSchedInterPodAffinityArgs *a = args;
  gint32 w = a ? a->hard_pod_affinity_weight : KS_SCHED_DEFAULT_HARD_POD_AFFINITY_WEIGHT;
  if (w < 0 || w > 100) {
    g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                "hardPodAffinityWeight: Invalid value: %d: not in valid range [0-100]", w);
    return NULL;
  }
  Ipa *self = g_new0(Ipa, 1);
  self->hard_weight = w;
  self->ignore_preferred_of_existing = a ? a->ignore_preferred_terms_of_existing_pods : FALSE;
  return self;
}

static void ipa_destroy(gpointer self) {
  g_free(self);
}

static void ipa_cycle_free(gpointer data) {
  IpaCycle *cy = data;
  tp_clear(&cy->existing_anti);
  tp_clear(&cy->affinity);
  tp_clear(&cy->anti);
  tp_clear(&cy->score);
  g_free(cy);
}

static IpaCycle *cycle_data(KsSchedPlugin *p, KsSchedCycleState *cs) {
  if (!cs->data[p->index]) {
    IpaCycle *cy = g_new0(IpaCycle, 1);
    tp_init(&cy->existing_anti);
    tp_init(&cy->affinity);
    tp_init(&cy->anti);
    tp_init(&cy->score);
    cs->data[p->index] = cy;
  }
  return cs->data[p->index];
}

/* ---- terms -------------------------------------------------------------------------- */

#define TERM(a, i) (&g_array_index((a), KsPodAffinityTerm, (i)))
#define WTERM(a, i) (&g_array_index((a), KsWeightedPodAffinityTerm, (i)))

static const KsPodAffinity *pod_aff(const KsPod *p) {
  return p->affinity ? p->affinity->pod_affinity : NULL;
}

static const KsPodAffinity *pod_anti(const KsPod *p) {
  return p->affinity ? p->affinity->pod_anti_affinity : NULL;
}

/* Required / preferred terms, or NULL when there are none. */
static const GArray *required(const KsPodAffinity *pa) {
  return pa && pa->required && pa->required->len ? pa->required : NULL;
}

static const GArray *preferred(const KsPodAffinity *pa) {
  return pa && pa->preferred && pa->preferred->len ? pa->preferred : NULL;
}

static const char *topo_key(const KsPodAffinityTerm *t) {
  return t->topology_key ? t->topology_key : "";
}

/* Does a term of the INCOMING pod `owner` select `target`? (see the top:
 * an unknown namespace is selected only by name or by an empty selector) */
static gboolean incoming_term_matches(const KsPodAffinityTerm *t, const KsPod *owner,
                                      const KsPod *target, const KsLabels *target_ns_labels) {
  if (target_ns_labels == NULL && t->namespace_selector != NULL &&
      !ks_label_selector_is_empty(t->namespace_selector)) {
    const char *const *names = (const char *const *)t->namespaces;
    return names && g_strv_contains(names, target->namespace) &&
           ks_label_selector_matches(t->label_selector, &target->labels);
  }
  return ks_pod_affinity_term_matches(t, owner->namespace, target->namespace, &target->labels,
                                      target_ns_labels);
}

/* Does a term of EXISTING pod `owner` select the incoming pod? */
static gboolean existing_term_matches(const KsPodAffinityTerm *t, const KsPod *owner,
                                      const KsPod *pod, const KsLabels *pod_ns_labels) {
  return ks_pod_affinity_term_matches(t, owner->namespace, pod->namespace, &pod->labels,
                                      pod_ns_labels);
}

/* upstream podMatchesAllAffinityTerms (FALSE for no terms) */
static gboolean matches_all(const GArray *terms, const KsPod *owner, const KsPod *target,
                            const KsLabels *target_ns_labels) {
  if (!terms)
    return FALSE;
  for (guint i = 0; i < terms->len; i++)
    if (!incoming_term_matches(TERM(terms, i), owner, target, target_ns_labels))
      return FALSE;
  return TRUE;
}

/* Do any of these terms have a namespaceSelector? Only then is an existing
 * pod's namespace looked up (a hash lookup per pod saved otherwise). */
static gboolean uses_ns_selector(const GArray *terms, gboolean weighted) {
  for (guint i = 0; terms && i < terms->len; i++)
    if ((weighted ? &WTERM(terms, i)->term : TERM(terms, i))->namespace_selector)
      return TRUE;
  return FALSE;
}

/* ---- fast matching of indexed candidates ------------------------------------------
 * The indexed paths below match (term, pod) pairs whose selector they know
 * to be non-NULL and valid, often for a pod found under the selector's first
 * matchLabels pair (`skip` = 1: that pair holds). A term with neither
 * namespaces nor namespaceSelector selects exactly its owner's namespace
 * (ks_pod_affinity_term_selects_namespace): then namespaces, interned
 * (KsSchedPodEntry.ns, g_intern_string), compare by pointer; other terms go
 * through the general matchers above. Same answers, less work. */

static gboolean owner_ns_only(const KsPodAffinityTerm *t) {
  return (t->namespaces == NULL || t->namespaces[0] == NULL) && t->namespace_selector == NULL;
}

/* incoming_term_matches(t, owner, e->pod, e_ns_labels); owner_ns interned. */
static gboolean incoming_entry_matches(const KsPodAffinityTerm *t, const KsPod *owner,
                                       const char *owner_ns, const KsSchedPodEntry *e,
                                       const KsLabels *e_ns_labels, guint skip) {
  if (owner_ns_only(t))
    return owner_ns == e->ns &&
           ks_label_selector_matches_valid(t->label_selector, &e->pod->labels, skip);
  return incoming_term_matches(t, owner, e->pod, e_ns_labels);
}

/* existing_term_matches(r->term, r->entry->pod, pod, pod_ns_labels); pod_ns
 * interned. Indexed terms all have a valid selector (cache.h). */
static gboolean existing_ref_matches(const KsSchedTermRef *r, const KsPod *pod,
                                     const char *pod_ns, const KsLabels *pod_ns_labels,
                                     guint skip) {
  if (owner_ns_only(r->term))
    return r->entry->ns == pod_ns &&
           ks_label_selector_matches_valid(r->term->label_selector, &pod->labels, skip);
  return existing_term_matches(r->term, r->entry->pod, pod, pod_ns_labels);
}

/* ---- PreFilter ------------------------------------------------------------------------ */

/* upstream getExistingAntiAffinityCounts: nodes with pods with required
 * anti-affinity, each such pod's terms that select the incoming pod. */
static void count_existing_anti(IpaCycle *cy, const KsPod *pod, const KsLabels *ns_labels,
                                const KsSchedCache *c) {
  for (guint i = 0; i < c->n_have_required_anti_affinity; i++) {
    guint s = c->have_required_anti_affinity[i];
    const KsLabels *node_labels = &c->nodes[s]->labels;
    const GPtrArray *pods = c->pods_with_required_anti_affinity[s];
    for (guint j = 0; j < pods->len; j++) {
      const KsPod *e = ((const KsSchedPodEntry *)g_ptr_array_index(pods, j))->pod;
      const GArray *terms = required(pod_anti(e));
      for (guint k = 0; terms && k < terms->len; k++) {
        const KsPodAffinityTerm *t = TERM(terms, k);
        const char *v = ks_labels_get(node_labels, topo_key(t));
        if (v && existing_term_matches(t, e, pod, ns_labels))
          tp_add(&cy->existing_anti, topo_key(t), v, 1);
      }
    }
  }
}

/* upstream getIncomingAffinityAntiAffinityCounts over every pod of every node. */
static void count_incoming(IpaCycle *cy, const KsPod *pod, const GArray *aff, const GArray *anti,
                           const KsSchedCache *c) {
  gboolean need_ns = uses_ns_selector(aff, FALSE) || uses_ns_selector(anti, FALSE);
  for (guint i = 0; i < c->n_order; i++) {
    guint s = c->order[i];
    const KsLabels *node_labels = &c->nodes[s]->labels;
    const GPtrArray *pods = c->pods[s];
    for (guint j = 0; j < pods->len; j++) {
      const KsPod *e = ((const KsSchedPodEntry *)g_ptr_array_index(pods, j))->pod;
      const KsLabels *ns_labels =
          need_ns ? ks_sched_cache_namespace_labels(c, e->namespace) : NULL;
      if (matches_all(aff, pod, e, ns_labels)) {
        for (guint k = 0; k < aff->len; k++) {
          const char *v = ks_labels_get(node_labels, topo_key(TERM(aff, k)));
          if (v)
            tp_add(&cy->affinity, topo_key(TERM(aff, k)), v, 1);
        }
      }
      for (guint k = 0; anti && k < anti->len; k++) {
        const KsPodAffinityTerm *t = TERM(anti, k);
        const char *v = ks_labels_get(node_labels, topo_key(t));
        if (v && incoming_term_matches(t, pod, e, ns_labels))
          tp_add(&cy->anti, topo_key(t), v, 1);
      }
    }
  }
}

/* ---- PreFilter through the cache's indexes -------------------------------------------
 * Same counts as count_existing_anti / count_incoming, visiting candidates
 * only (see the indexed PreScore below): counts are sums, so the order in
 * which candidates come does not matter. */

/* Candidate pods for a selector: those carrying its first matchLabels pair,
 * or every pod of every live node when it has none. Ghost slots skipped. */
typedef struct {
  const KsSchedCache *c;
  const GPtrArray *bucket; /* NULL: every pod */
  guint o, k;
} Cand;

static void cand_init(Cand *it, const KsLabelSelector *sel, const KsSchedCache *c) {
  *it = (Cand){c, NULL, 0, 0};
  if (sel->match_labels.n > 0) {
    it->bucket = ks_sched_cache_pods_with_label(c, sel->match_labels.items[0].key,
                                                sel->match_labels.items[0].value);
    if (!it->bucket)
      it->o = G_MAXUINT; /* no candidate */
  }
}

static const KsSchedPodEntry *cand_next(Cand *it) {
  if (it->o == G_MAXUINT)
    return NULL;
  if (it->bucket) {
    while (it->k < it->bucket->len) {
      const KsSchedPodEntry *e = g_ptr_array_index(it->bucket, it->k++);
      if (it->c->nodes[e->slot])
        return e;
    }
    return NULL;
  }
  while (it->o < it->c->n_order) {
    const GPtrArray *pods = it->c->pods[it->c->order[it->o]];
    if (it->k < pods->len)
      return g_ptr_array_index(pods, it->k++);
    it->o++, it->k = 0;
  }
  return NULL;
}

static gboolean selects_something(const KsPodAffinityTerm *t) {
  return t->label_selector && ks_label_selector_is_valid(t->label_selector);
}

static void count_existing_anti_refs(IpaCycle *cy, const GArray *refs, guint skip,
                                     const KsPod *pod, const char *pod_ns,
                                     const KsLabels *ns_labels, const KsSchedCache *c) {
  for (guint i = 0; refs && i < refs->len; i++) {
    const KsSchedTermRef *r = &g_array_index(refs, KsSchedTermRef, i);
    const KsNode *node = c->nodes[r->entry->slot];
    if (r->kind != KS_SCHED_TERM_REQUIRED_ANTI_AFFINITY || !node)
      continue;
    const char *v = ks_labels_get(&node->labels, topo_key(r->term));
    if (v && existing_ref_matches(r, pod, pod_ns, ns_labels, skip))
      tp_add(&cy->existing_anti, topo_key(r->term), v, 1);
  }
}

static void count_existing_anti_indexed(IpaCycle *cy, const KsPod *pod, const KsLabels *ns_labels,
                                        const KsSchedCache *c) {
  const char *pod_ns = g_intern_string(pod->namespace);
  /* listed under one of pod's labels = under the selector's first pair */
  for (guint i = 0; i < pod->labels.n; i++)
    count_existing_anti_refs(cy,
                             ks_sched_cache_terms_with_label(c, pod->labels.items[i].key,
                                                             pod->labels.items[i].value),
                             1, pod, pod_ns, ns_labels, c);
  count_existing_anti_refs(cy, ks_sched_cache_terms_general(c), 0, pod, pod_ns, ns_labels, c);
}

/* Pods matching ALL affinity terms: candidates of one term with matchLabels
 * (or all pods); none when some term selects nothing. */
static void count_affinity_indexed(IpaCycle *cy, const KsPod *pod, const GArray *aff,
                                   gboolean need_ns, const KsSchedCache *c) {
  const KsLabelSelector *pick = NULL;
  for (guint k = 0; k < aff->len; k++) {
    if (!selects_something(TERM(aff, k)))
      return;
    const KsLabelSelector *sel = TERM(aff, k)->label_selector;
    if (!pick || (pick->match_labels.n == 0 && sel->match_labels.n > 0))
      pick = sel;
  }
  Cand it;
  cand_init(&it, pick, c);
  for (const KsSchedPodEntry *e; (e = cand_next(&it));) {
    const KsLabels *ns = need_ns ? ks_sched_cache_namespace_labels(c, e->pod->namespace) : NULL;
    if (!matches_all(aff, pod, e->pod, ns))
      continue;
    const KsLabels *nl = &c->nodes[e->slot]->labels;
    for (guint k = 0; k < aff->len; k++) {
      const char *v = ks_labels_get(nl, topo_key(TERM(aff, k)));
      if (v)
        tp_add(&cy->affinity, topo_key(TERM(aff, k)), v, 1);
    }
  }
}

static void count_anti_indexed(IpaCycle *cy, const KsPod *pod, const GArray *anti,
                               const KsSchedCache *c) {
  const char *pod_ns = anti ? g_intern_string(pod->namespace) : NULL;
  for (guint k = 0; anti && k < anti->len; k++) {
    const KsPodAffinityTerm *t = TERM(anti, k);
    if (!selects_something(t))
      continue;
    const char *key = topo_key(t);
    guint kh = g_str_hash(key);
    Cand it;
    cand_init(&it, t->label_selector, c);
    guint skip = it.bucket ? 1 : 0;
    for (const KsSchedPodEntry *e; (e = cand_next(&it));) {
      const char *v = ks_labels_get(&c->nodes[e->slot]->labels, key);
      if (!v)
        continue;
      const KsLabels *ns =
          t->namespace_selector ? ks_sched_cache_namespace_labels(c, e->pod->namespace) : NULL;
      if (incoming_entry_matches(t, pod, pod_ns, e, ns, skip))
        tp_add_kh(&cy->anti, key, kh, v, 1);
    }
  }
}

static void ipa_pre_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                           const KsSchedCache *c, GHashTable **node_names, KsSchedStatus *st) {
  (void)node_names;
  IpaCycle *cy = cycle_data(p, cs);
  cy->filter_pod = pod;
  tp_reset(&cy->existing_anti);
  tp_reset(&cy->affinity);
  tp_reset(&cy->anti);
  const KsLabels *ns_labels = ks_sched_cache_namespace_labels(c, pod->namespace);
  const GArray *aff = required(pod_aff(pod)), *anti = required(pod_anti(pod));
  const Ipa *self = p->self;
  if (self->scan) {
    count_existing_anti(cy, pod, ns_labels, c);
    if (aff || anti)
      count_incoming(cy, pod, aff, anti, c);
  } else {
    count_existing_anti_indexed(cy, pod, ns_labels, c);
    if (aff)
      count_affinity_indexed(cy, pod, aff, uses_ns_selector(aff, FALSE), c);
    count_anti_indexed(cy, pod, anti, c);
  }
  cy->self_match = matches_all(aff, pod, pod, ns_labels);
  if (cy->existing_anti.n == 0 && !aff && !anti)
    ks_sched_status_set(st, KS_SCHED_SKIP, NULL);
}

/* ---- Filter ------------------------------------------------------------------------------ */

/* upstream satisfyPodAffinity, including the "first pod of a series" case. */
static gboolean satisfies_affinity(const IpaCycle *cy, const KsPod *pod, const KsLabels *nl) {
  const GArray *aff = required(pod_aff(pod));
  gboolean pods_exist = TRUE;
  for (guint i = 0; aff && i < aff->len; i++) {
    const char *key = topo_key(TERM(aff, i));
    const char *v = ks_labels_get(nl, key);
    if (!v)
      return FALSE; /* every topology key must exist on the node */
    if (tp_get(&cy->affinity, key, v) <= 0)
      pods_exist = FALSE;
  }
  return pods_exist || (cy->affinity.n_live == 0 && cy->self_match);
}

static gboolean satisfies_anti_affinity(const IpaCycle *cy, const KsPod *pod, const KsLabels *nl) {
  const GArray *anti = required(pod_anti(pod));
  for (guint i = 0; anti && i < anti->len; i++) {
    const char *key = topo_key(TERM(anti, i));
    const char *v = ks_labels_get(nl, key);
    if (v && tp_get(&cy->anti, key, v) > 0)
      return FALSE;
  }
  return TRUE;
}

static gboolean satisfies_existing_anti(const IpaCycle *cy, const KsLabels *nl) {
  if (cy->existing_anti.n_live == 0)
    return TRUE;
  for (guint i = 0; i < nl->n; i++)
    if (tp_get(&cy->existing_anti, nl->items[i].key, nl->items[i].value) > 0)
      return FALSE;
  return TRUE;
}

static void ipa_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                       const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  const IpaCycle *cy = cs->data[p->index];
  if (!cy || cy->filter_pod != pod) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE,
                        "error reading \"PreFilterInterPodAffinity\" from cycleState: not found");
    return;
  }
  const KsLabels *nl = &c->nodes[slot]->labels;
  if (!satisfies_affinity(cy, pod, nl))
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE, REASON_AFFINITY);
  else if (!satisfies_anti_affinity(cy, pod, nl))
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE, REASON_ANTI_AFFINITY);
  else if (!satisfies_existing_anti(cy, nl))
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE, REASON_EXISTING_ANTI);
}

/* ---- PreScore / Score / NormalizeScore ------------------------------------------------------ */

/* upstream scoreMap.processTerm: weight at (key, node's value) if the term
 * selects the target and the node has the key. */
static void score_term(TpMap *m, const KsPodAffinityTerm *t, gint64 weight, gboolean matches,
                       const KsLabels *node_labels) {
  if (!matches)
    return;
  const char *v = ks_labels_get(node_labels, topo_key(t));
  if (v)
    tp_add(m, topo_key(t), v, weight);
}

/* The incoming pod's preferred terms against existing pod e (sign +1 for
 * affinity, -1 for anti-affinity). */
static void score_incoming_terms(TpMap *m, const GArray *terms, gint64 sign, const KsPod *pod,
                                 const KsPod *e, const KsLabels *e_ns_labels,
                                 const KsLabels *node_labels) {
  for (guint i = 0; terms && i < terms->len; i++) {
    const KsWeightedPodAffinityTerm *w = WTERM(terms, i);
    score_term(m, &w->term, sign * w->weight,
               incoming_term_matches(&w->term, pod, e, e_ns_labels), node_labels);
  }
}

/* Existing pod e's preferred terms against the incoming pod. */
static void score_existing_terms(TpMap *m, const GArray *terms, gint64 sign, const KsPod *e,
                                 const KsPod *pod, const KsLabels *pod_ns_labels,
                                 const KsLabels *node_labels) {
  for (guint i = 0; terms && i < terms->len; i++) {
    const KsWeightedPodAffinityTerm *w = WTERM(terms, i);
    score_term(m, &w->term, sign * w->weight,
               existing_term_matches(&w->term, e, pod, pod_ns_labels), node_labels);
  }
}

/* upstream processExistingPod */
static void score_existing_pod(const Ipa *self, TpMap *m, const KsPod *pod,
                               const KsLabels *pod_ns_labels, gboolean need_ns, const KsPod *e,
                               const KsLabels *node_labels, const KsSchedCache *c) {
  if (node_labels->n == 0)
    return;
  if (preferred(pod_aff(pod)) || preferred(pod_anti(pod))) {
    const KsLabels *e_ns = need_ns ? ks_sched_cache_namespace_labels(c, e->namespace) : NULL;
    score_incoming_terms(m, preferred(pod_aff(pod)), 1, pod, e, e_ns, node_labels);
    score_incoming_terms(m, preferred(pod_anti(pod)), -1, pod, e, e_ns, node_labels);
  }
  const GArray *hard = required(pod_aff(e));
  for (guint i = 0; self->hard_weight > 0 && hard && i < hard->len; i++)
    score_term(m, TERM(hard, i), self->hard_weight,
               existing_term_matches(TERM(hard, i), e, pod, pod_ns_labels), node_labels);
  score_existing_terms(m, preferred(pod_aff(e)), 1, e, pod, pod_ns_labels, node_labels);
  score_existing_terms(m, preferred(pod_anti(e)), -1, e, pod, pod_ns_labels, node_labels);
}

/* All pods of all nodes when the incoming pod has preferred terms, else only
 * pods with (anti-)affinity on the nodes that have some. */
static void build_topology_score(const Ipa *self, IpaCycle *cy, const KsPod *pod,
                                 gboolean has_constraints, const KsSchedCache *c) {
  const KsLabels *pod_ns_labels = ks_sched_cache_namespace_labels(c, pod->namespace);
  gboolean need_ns = uses_ns_selector(preferred(pod_aff(pod)), TRUE) ||
                     uses_ns_selector(preferred(pod_anti(pod)), TRUE);
  guint n = has_constraints ? c->n_order : c->n_have_affinity;
  for (guint i = 0; i < n; i++) {
    guint s = has_constraints ? c->order[i] : c->have_affinity[i];
    const GPtrArray *pods = has_constraints ? c->pods[s] : c->pods_with_affinity[s];
    const KsLabels *node_labels = &c->nodes[s]->labels;
    for (guint j = 0; j < pods->len; j++) {
      const KsPod *e = ((const KsSchedPodEntry *)g_ptr_array_index(pods, j))->pod;
      score_existing_pod(self, &cy->score, pod, pod_ns_labels, need_ns, e, node_labels, c);
    }
  }
}

/* ---- PreScore through the cache's indexes ----------------------------------------------
 * The same sums as build_topology_score, visiting only candidates: for an
 * incoming term whose selector has matchLabels, the pods carrying its first
 * pair (a pod without it cannot match); for the existing pods' terms, those
 * listed under one of the incoming pod's labels or in the general list
 * (cache.h). Every candidate is matched in full, as before, and the score
 * is a sum, so the visiting order changes nothing; pods on ghost slots and
 * on nodes without labels are skipped as the scan skips them. */

/* One incoming term's per-cycle constants. */
typedef struct {
  const KsPodAffinityTerm *t;
  const char *key; /* topo_key(t) */
  guint key_hash;  /* g_str_hash(key) */
  gint64 weight;
  const KsPod *pod;
  const char *pod_ns; /* interned */
  guint skip;         /* matchLabels pairs the candidates are known to carry */
} IncomingTerm;

static void score_incoming_entry(TpMap *m, const IncomingTerm *it, const KsSchedPodEntry *e,
                                 const KsSchedCache *c) {
  const KsNode *node = c->nodes[e->slot];
  if (!node || node->labels.n == 0)
    return;
  const KsPodAffinityTerm *t = it->t;
  const KsLabels *e_ns =
      t->namespace_selector ? ks_sched_cache_namespace_labels(c, e->pod->namespace) : NULL;
  if (!incoming_entry_matches(t, it->pod, it->pod_ns, e, e_ns, it->skip))
    return;
  const char *v = ks_labels_get(&node->labels, it->key);
  if (v)
    tp_add_kh(m, it->key, it->key_hash, v, it->weight);
}

static void score_incoming_indexed(TpMap *m, const GArray *terms, gint64 sign, const KsPod *pod,
                                   const KsSchedCache *c) {
  const char *pod_ns = terms ? g_intern_string(pod->namespace) : NULL;
  for (guint i = 0; terms && i < terms->len; i++) {
    const KsWeightedPodAffinityTerm *w = WTERM(terms, i);
    const KsLabelSelector *sel = w->term.label_selector;
    if (!sel || !ks_label_selector_is_valid(sel))
      continue; /* selects no pod */
    IncomingTerm it = {&w->term, topo_key(&w->term), g_str_hash(topo_key(&w->term)),
                       sign * w->weight, pod, pod_ns, 0};
    if (sel->match_labels.n > 0) {
      const GPtrArray *b = ks_sched_cache_pods_with_label(c, sel->match_labels.items[0].key,
                                                          sel->match_labels.items[0].value);
      it.skip = 1;
      for (guint k = 0; b && k < b->len; k++)
        score_incoming_entry(m, &it, g_ptr_array_index(b, k), c);
      continue;
    }
    for (guint o = 0; o < c->n_order; o++) {
      const GPtrArray *pods = c->pods[c->order[o]];
      for (guint k = 0; k < pods->len; k++)
        score_incoming_entry(m, &it, g_ptr_array_index(pods, k), c);
    }
  }
}

static void score_existing_refs(const Ipa *self, TpMap *m, const GArray *refs, guint skip,
                                const KsPod *pod, const char *pod_ns,
                                const KsLabels *pod_ns_labels, const KsSchedCache *c) {
  for (guint i = 0; refs && i < refs->len; i++) {
    const KsSchedTermRef *r = &g_array_index(refs, KsSchedTermRef, i);
    const KsNode *node = c->nodes[r->entry->slot];
    if (!node || node->labels.n == 0)
      continue;
    gint64 weight;
    switch (r->kind) {
    case KS_SCHED_TERM_REQUIRED_AFFINITY:
      if (self->hard_weight <= 0)
        continue;
      weight = self->hard_weight;
      break;
    case KS_SCHED_TERM_PREFERRED_AFFINITY: weight = r->weight; break;
    case KS_SCHED_TERM_PREFERRED_ANTI_AFFINITY: weight = -(gint64)r->weight; break;
    default: continue; /* required anti-affinity does not score */
    }
    score_term(m, r->term, weight, existing_ref_matches(r, pod, pod_ns, pod_ns_labels, skip),
               &node->labels);
  }
}

static void build_topology_score_indexed(const Ipa *self, IpaCycle *cy, const KsPod *pod,
                                         gboolean has_constraints, const KsSchedCache *c) {
  const KsLabels *pod_ns_labels = ks_sched_cache_namespace_labels(c, pod->namespace);
  if (has_constraints) {
    score_incoming_indexed(&cy->score, preferred(pod_aff(pod)), 1, pod, c);
    score_incoming_indexed(&cy->score, preferred(pod_anti(pod)), -1, pod, c);
  }
  const char *pod_ns = g_intern_string(pod->namespace);
  /* listed under one of pod's labels = under the selector's first pair */
  for (guint i = 0; i < pod->labels.n; i++)
    score_existing_refs(self, &cy->score,
                        ks_sched_cache_terms_with_label(c, pod->labels.items[i].key,
                                                        pod->labels.items[i].value),
                        1, pod, pod_ns, pod_ns_labels, c);
  score_existing_refs(self, &cy->score, ks_sched_cache_terms_general(c), 0, pod, pod_ns,
                      pod_ns_labels, c);
}

static void ipa_pre_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                          const KsSchedCache *c, const guint *slots, guint n, KsSchedStatus *st) {
  (void)slots;
  const Ipa *self = p->self;
  IpaCycle *cy = cycle_data(p, cs);
  cy->score_pod = NULL;
  tp_reset(&cy->score);
  gboolean has_constraints = preferred(pod_aff(pod)) || preferred(pod_anti(pod));
  if (n == 0 || (self->ignore_preferred_of_existing && !has_constraints)) {
    ks_sched_status_set(st, KS_SCHED_SKIP, NULL);
    return;
  }
  if (self->scan)
    build_topology_score(self, cy, pod, has_constraints, c);
  else
    build_topology_score_indexed(self, cy, pod, has_constraints, c);
  if (cy->score.n == 0) {
    ks_sched_status_set(st, KS_SCHED_SKIP, NULL);
    return;
  }
  cy->score_pod = pod;
}

static void ipa_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                      const KsSchedCache *c, guint slot, gint64 *score, KsSchedStatus *st) {
  const IpaCycle *cy = cs->data[p->index];
  if (!cy || cy->score_pod != pod) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE,
                        "failed to read \"PreScoreInterPodAffinity\" from cycleState: not found");
    return;
  }
  const KsLabels *nl = &c->nodes[slot]->labels;
  gint64 sum = 0;
  for (guint i = 0; i < cy->score.keys->len; i++) {
    const char *key = g_ptr_array_index(cy->score.keys, i);
    const char *v = ks_labels_get(nl, key);
    if (v)
      sum += tp_get(&cy->score, key, v);
  }
  *score = sum;
}

/* True min and max (negative scores are common); float64 arithmetic in
 * upstream's order, 100 * ((s - min) / (max - min)), truncated. */
static void ipa_normalize_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                gint64 *scores, guint n, KsSchedStatus *st) {
  (void)pod;
  (void)st;
  const IpaCycle *cy = cs->data[p->index];
  if (!cy || cy->score.n == 0 || n == 0)
    return;
  gint64 min = G_MAXINT64, max = G_MININT64;
  for (guint i = 0; i < n; i++) {
    min = MIN(min, scores[i]);
    max = MAX(max, scores[i]);
  }
  gint64 diff = max - min;
  for (guint i = 0; i < n; i++) {
    double f = 0;
    if (diff > 0)
      f = (double)KS_SCHED_MAX_NODE_SCORE * ((double)(scores[i] - min) / (double)diff);
    scores[i] = (gint64)f;
  }
}

/* ---- PreFilterExtensions (AddPod / RemovePod) ------------------------------------------ */

/* upstream preFilterState.updateWithPod: `other` joins (delta +1) or leaves
 * (delta -1) node `slot`. Its required anti-affinity terms that select the
 * incoming pod move existingAntiAffinityCounts; if it matches all the
 * incoming pod's required affinity terms, every affinity term's pair moves;
 * each incoming anti-affinity term selecting it moves its pair. A pair whose
 * count returns to 0 stops counting (n_live), as upstream deletes it. Only the
 * pair's node label is read, so a ghost or label-less node changes nothing. */
static void update_with_pod(IpaCycle *cy, const KsPod *pod, const KsPod *other,
                            const KsSchedCache *c, guint slot, gint64 delta) {
  const KsNode *node = slot < c->cap ? c->nodes[slot] : NULL;
  if (!node)
    return;
  const KsLabels *nl = &node->labels;
  const KsLabels *pod_ns = ks_sched_cache_namespace_labels(c, pod->namespace);
  const GArray *ex_anti = required(pod_anti(other));
  for (guint k = 0; ex_anti && k < ex_anti->len; k++) {
    const KsPodAffinityTerm *t = TERM(ex_anti, k);
    const char *v = ks_labels_get(nl, topo_key(t));
    if (v && existing_term_matches(t, other, pod, pod_ns))
      tp_add(&cy->existing_anti, topo_key(t), v, delta);
  }
  const GArray *aff = required(pod_aff(pod)), *anti = required(pod_anti(pod));
  if (!aff && !anti)
    return;
  const KsLabels *other_ns = ks_sched_cache_namespace_labels(c, other->namespace);
  if (matches_all(aff, pod, other, other_ns)) {
    for (guint k = 0; k < aff->len; k++) {
      const char *v = ks_labels_get(nl, topo_key(TERM(aff, k)));
      if (v)
        tp_add(&cy->affinity, topo_key(TERM(aff, k)), v, delta);
    }
  }
  for (guint k = 0; anti && k < anti->len; k++) {
    const KsPodAffinityTerm *t = TERM(anti, k);
    const char *v = ks_labels_get(nl, topo_key(t));
    if (v && incoming_term_matches(t, pod, other, other_ns))
      tp_add(&cy->anti, topo_key(t), v, delta);
  }
}

static IpaCycle *prefilter_state(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                 KsSchedStatus *st) {
  IpaCycle *cy = cs->data[p->index];
  if (!cy || cy->filter_pod != pod) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE,
                        "error reading \"PreFilterInterPodAffinity\" from cycleState: not found");
    return NULL;
  }
  return cy;
}

static void ipa_add_pod(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                        const KsPod *other, const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  IpaCycle *cy = prefilter_state(p, cs, pod, st);
  if (cy)
    update_with_pod(cy, pod, other, c, slot, 1);
}

static void ipa_remove_pod(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                           const KsPod *other, const KsSchedCache *c, guint slot,
                           KsSchedStatus *st) {
  IpaCycle *cy = prefilter_state(p, cs, pod, st);
  if (cy)
    update_with_pod(cy, pod, other, c, slot, -1);
}

/* ---- descriptor ------------------------------------------------------------------------------ */

/* v1.31 EventsToRegister (queueing hints off): an assigned pod added,
 * relabelled or deleted may satisfy an affinity or lift an anti-affinity; a
 * node added or relabelled changes topology domains. UpdateNodeTaint is
 * upstream's workaround for NodeAdd events the pre-check filters out (a node
 * added while tainted not-ready). ksim has no UpdatePodLabel action: any pod
 * update counts. */
static const KsSchedClusterEvent ipa_events[] = {
    {KS_SCHED_EV_POD, KS_SCHED_ACT_ADD | KS_SCHED_ACT_UPDATE_POD | KS_SCHED_ACT_DELETE,
     "Pod Add|UpdatePodLabel|Delete"},
    {KS_SCHED_EV_NODE,
     KS_SCHED_ACT_ADD | KS_SCHED_ACT_UPDATE_NODE_LABEL | KS_SCHED_ACT_UPDATE_NODE_TAINT,
     "NodeAdd|UpdateNodeLabel|UpdateNodeTaint"},
};

const KsSchedPluginDesc ks_sched_plugin_inter_pod_affinity = {
    .name = "InterPodAffinity",
    .create = ipa_create,
    .destroy = ipa_destroy,
    .cycle_data_free = ipa_cycle_free,
    .events = ipa_events,
    .n_events = G_N_ELEMENTS(ipa_events),
    .pre_filter = ipa_pre_filter,
    .filter = ipa_filter,
    .pre_score = ipa_pre_score,
    .score = ipa_score,
    .normalize_score = ipa_normalize_score,
    .add_pod = ipa_add_pod,
    .remove_pod = ipa_remove_pod,
};

/* ---- state views for tests (sched/plugins/prefilter_state.h) ----------------------------- */

static const TpMap *state_map(const KsSchedPlugin *p, const KsSchedCycleState *cs,
                              KsSchedIpaMap m) {
  const IpaCycle *cy = cs->data[p->index];
  if (!cy || !cy->filter_pod)
    return NULL;
  return m == KS_SCHED_IPA_EXISTING_ANTI ? &cy->existing_anti
         : m == KS_SCHED_IPA_AFFINITY    ? &cy->affinity
                                         : &cy->anti;
}

gint64 ks_sched_ipa_state_count(const KsSchedPlugin *p, const KsSchedCycleState *cs,
                                KsSchedIpaMap m, const char *key, const char *value) {
  const TpMap *t = state_map(p, cs, m);
  return t ? tp_get(t, key, value) : 0;
}

guint ks_sched_ipa_state_len(const KsSchedPlugin *p, const KsSchedCycleState *cs,
                             KsSchedIpaMap m) {
  const TpMap *t = state_map(p, cs, m);
  return t ? t->n_live : 0;
}

void ks_sched_ipa_set_scan(KsSchedPlugin *p, gboolean scan) {
  ((Ipa *)p->self)->scan = scan;
}
