/* NodeAffinity (PreFilter, Filter, PreScore, Score, NormalizeScore;
 * kube-semantics 3.7, upstream plugins/nodeaffinity v1.31).
 *
 * Design and trade-offs.
 * - Upstream parses the pod's nodeSelector and node affinity into selector
 *   objects at PreFilter/PreScore and keeps them in the cycle state. Our
 *   selectors are already structured (sched/selector.h), so Filter and Score
 *   evaluate the pod's spec directly: no per-cycle state is needed for them,
 *   and they give the same answer when PreFilter/PreScore did not run (as
 *   upstream's fallback does).
 * - The only per-cycle data is PreFilter's node-name set (PreFilterResult):
 *   a hash set reused across cycles whose keys are borrowed from the pod's
 *   matchFields values, valid for the cycle only. No allocation in steady
 *   state beyond the hash table's own growth.
 * - addedAffinity (args) is validated at create, as upstream's strict
 *   NodeSelector/PreferredSchedulingTerms constructors and
 *   ValidateNodeAffinityArgs do; its required part is checked before the
 *   pod's own and fails with its own reason.
 * - Events: v1.31 with queueing hints off registers Node Add|Update (the
 *   finer Add|UpdateNodeLabel|UpdateNodeTaint split arrived in v1.32, PR
 *   #127220). The admission check used by the node-event pre-check is the
 *   pod's required node affinity and nodeSelector only (upstream
 *   AdmissionCheck does not include addedAffinity).
 * - A pod whose preferred terms do not parse fails PreScore with an Error,
 *   as upstream's NewPreferredSchedulingTerms error does; the API server
 *   normally rejects such pods.
 */
#include "sched/plugins/node_affinity.h"
#include "sched/cache.h"

#include <string.h>

typedef struct {
  KsNodeAffinity *added; /* owned copy; NULL when no args */
} NodeAffinity;

typedef struct {
  GHashTable *names; /* PreFilterResult: node names (borrowed keys) */
} NodeAffinityCycle;

/* ---- args ------------------------------------------------------------------------ */

static const KsNodeSelector *added_required(const NodeAffinity *na) {
  return na->added ? na->added->required : NULL;
}

static gboolean has_terms(const GArray *a) {
  return a && a->len > 0;
}

static gboolean validate_added(const KsNodeAffinity *a, GError **error) {
  if (a->required) {
    if (!has_terms(a->required->terms)) {
      g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                  "addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms:"
                  " Required value: must have at least one node selector term");
      return FALSE;
    }
    for (guint i = 0; i < a->required->terms->len; i++) {
      if (!ks_node_selector_term_is_valid(&g_array_index(a->required->terms, KsNodeSelectorTerm, i))) {
        g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                    "addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[%u]:"
                    " Invalid value: invalid node selector requirement", i);
        return FALSE;
      }
    }
  }
  for (guint i = 0; a->preferred && i < a->preferred->len; i++) {
    const KsPreferredSchedulingTerm *t = &g_array_index(a->preferred, KsPreferredSchedulingTerm, i);
    if (t->weight < 1 || t->weight > 100) {
      g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                  "addedAffinity.preferredDuringSchedulingIgnoredDuringExecution[%u].weight:"
                  " Invalid value: %d: must be in the range 1-100", i, t->weight);
      return FALSE;
    }
    if (!ks_node_selector_term_is_valid(&t->preference)) {
      g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                  "addedAffinity.preferredDuringSchedulingIgnoredDuringExecution[%u].preference:"
                  " Invalid value: invalid node selector requirement", i);
      return FALSE;
    }
  }
  return TRUE;
}

static void na_destroy(gpointer self) {
  NodeAffinity *na = self;
  if (!na)
    return;
  ks_node_affinity_free(na->added);
  g_free(na);
}

static gpointer na_create(gconstpointer args, GError **error) {
  const KsSchedNodeAffinityArgs *a = args;
  if (a && a->added_affinity && !validate_added(a->added_affinity, error))
    return NULL;
  NodeAffinity *na = g_new0(NodeAffinity, 1);
  if (a && a->added_affinity)
    na->added = ks_node_affinity_copy(a->added_affinity);
  return na;
}

static void na_cycle_free(gpointer data) {
  NodeAffinityCycle *cd = data;
  g_hash_table_destroy(cd->names);
  g_free(cd);
}

static NodeAffinityCycle *cycle_data(KsSchedPlugin *p, KsSchedCycleState *cs) {
  if (!cs->data[p->index]) {
    NodeAffinityCycle *cd = g_new0(NodeAffinityCycle, 1);
    cd->names = g_hash_table_new(g_str_hash, g_str_equal);
    cs->data[p->index] = cd;
  }
  return cs->data[p->index];
}

/* ---- filter ---------------------------------------------------------------------- */

static const KsNodeSelector *pod_required(const KsPod *pod) {
  const KsAffinity *a = pod->affinity;
  return a && a->node_affinity ? a->node_affinity->required : NULL;
}

/* upstream RequiredNodeAffinity.Match: nodeSelector (key = value each) AND
 * the required node selector when set. */
static gboolean pod_required_matches(const KsPod *pod, const KsNode *node) {
  for (guint i = 0; i < pod->node_selector.n; i++) {
    const KsLabel *l = &pod->node_selector.items[i];
    const char *v = ks_labels_get(&node->labels, l->key);
    if (!v || strcmp(v, l->value) != 0)
      return FALSE;
  }
  const KsNodeSelector *req = pod_required(pod);
  return !req || ks_node_selector_matches(req, &node->labels, node->name);
}

/* The names a term pins the pod to: the intersection of its metadata.name In
 * requirements, added to `set`. FALSE when the term has none (any node). */
static gboolean term_node_names(const KsNodeSelectorTerm *t, GHashTable *set) {
  const GArray *f = t->match_fields;
  const KsSelectorRequirement *first = NULL;
  for (guint i = 0; f && i < f->len && !first; i++) {
    const KsSelectorRequirement *r = &g_array_index(f, KsSelectorRequirement, i);
    if (strcmp(r->key, "metadata.name") == 0 && r->op == KS_SELECTOR_OP_IN)
      first = r;
  }
  if (!first)
    return FALSE;
  for (char **v = first->values; v && *v; v++) {
    gboolean in_all = TRUE;
    for (guint i = 0; i < f->len && in_all; i++) {
      const KsSelectorRequirement *r = &g_array_index(f, KsSelectorRequirement, i);
      if (r == first || strcmp(r->key, "metadata.name") != 0 || r->op != KS_SELECTOR_OP_IN)
        continue;
      in_all = r->values && g_strv_contains((const char *const *)r->values, *v);
    }
    if (in_all)
      g_hash_table_add(set, *v);
  }
  return TRUE;
}

static void na_pre_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                          const KsSchedCache *c, GHashTable **node_names, KsSchedStatus *st) {
  (void)c;
  const NodeAffinity *na = p->self;
  const KsNodeSelector *req = pod_required(pod);
  if (!req && !added_required(na) && pod->node_selector.n == 0) {
    ks_sched_status_set(st, KS_SCHED_SKIP, NULL);
    return;
  }
  if (!req || !has_terms(req->terms))
    return;
  NodeAffinityCycle *cd = cycle_data(p, cs);
  g_hash_table_remove_all(cd->names);
  for (guint i = 0; i < req->terms->len; i++)
    if (!term_node_names(&g_array_index(req->terms, KsNodeSelectorTerm, i), cd->names))
      return; /* terms are ORed: one unpinned term admits every node */
  if (g_hash_table_size(cd->names) == 0) {
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE,
                        KS_SCHED_NODE_AFFINITY_REASON_CONFLICT);
    return;
  }
  *node_names = cd->names;
}

static void na_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                      const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  (void)cs;
  const NodeAffinity *na = p->self;
  const KsNode *node = c->nodes[slot];
  const KsNodeSelector *added = added_required(na);
  if (added && !ks_node_selector_matches(added, &node->labels, node->name)) {
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE,
                        KS_SCHED_NODE_AFFINITY_REASON_ENFORCED);
    return;
  }
  if (!pod_required_matches(pod, node))
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE,
                        KS_SCHED_NODE_AFFINITY_REASON_POD);
}

static gboolean na_admit(KsSchedPlugin *p, const KsPod *pod, const KsSchedCache *c, guint slot) {
  (void)p;
  return pod_required_matches(pod, c->nodes[slot]);
}

/* ---- score ------------------------------------------------------------------------ */

static const GArray *pod_preferred(const KsPod *pod) {
  const KsAffinity *a = pod->affinity;
  return a && a->node_affinity ? a->node_affinity->preferred : NULL;
}

/* upstream skips terms of weight 0 and empty terms when parsing */
static gboolean term_counts(const KsPreferredSchedulingTerm *t) {
  return t->weight != 0 && (has_terms(t->preference.match_expressions) ||
                            has_terms(t->preference.match_fields));
}

static gint64 preferred_score(const GArray *terms, const KsNode *node) {
  gint64 sum = 0;
  for (guint i = 0; terms && i < terms->len; i++) {
    const KsPreferredSchedulingTerm *t = &g_array_index(terms, KsPreferredSchedulingTerm, i);
    if (term_counts(t) && ks_node_selector_term_matches(&t->preference, &node->labels, node->name))
      sum += t->weight;
  }
  return sum;
}

static void na_pre_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                         const KsSchedCache *c, const guint *slots, guint n, KsSchedStatus *st) {
  (void)cs, (void)c, (void)slots, (void)n;
  const NodeAffinity *na = p->self;
  const GArray *pref = pod_preferred(pod);
  if (!pref && !(na->added && has_terms(na->added->preferred))) {
    ks_sched_status_set(st, KS_SCHED_SKIP, NULL);
    return;
  }
  for (guint i = 0; pref && i < pref->len; i++) {
    const KsPreferredSchedulingTerm *t = &g_array_index(pref, KsPreferredSchedulingTerm, i);
    if (term_counts(t) && !ks_node_selector_term_is_valid(&t->preference)) {
      ks_sched_status_set(st, KS_SCHED_ERROR_CODE, "invalid preferred node affinity term");
      return;
    }
  }
}

static void na_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                     const KsSchedCache *c, guint slot, gint64 *score, KsSchedStatus *st) {
  (void)cs, (void)st;
  const NodeAffinity *na = p->self;
  const KsNode *node = c->nodes[slot];
  *score = (na->added ? preferred_score(na->added->preferred, node) : 0) +
           preferred_score(pod_preferred(pod), node);
}

static void na_normalize_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                               gint64 *scores, guint n, KsSchedStatus *st) {
  (void)p, (void)cs, (void)pod, (void)st;
  ks_sched_default_normalize_score(KS_SCHED_MAX_NODE_SCORE, FALSE, scores, n);
}

static const KsSchedClusterEvent na_events[] = {
    {KS_SCHED_EV_NODE, KS_SCHED_ACT_ADD | KS_SCHED_ACT_UPDATE, "NodeAdd|NodeUpdate"},
};

const KsSchedPluginDesc ks_sched_plugin_node_affinity = {
    .name = "NodeAffinity",
    .create = na_create,
    .destroy = na_destroy,
    .cycle_data_free = na_cycle_free,
    .events = na_events,
    .n_events = G_N_ELEMENTS(na_events),
    .pre_filter = na_pre_filter,
    .filter = na_filter,
    .pre_score = na_pre_score,
    .score = na_score,
    .normalize_score = na_normalize_score,
    .admit = na_admit,
};
