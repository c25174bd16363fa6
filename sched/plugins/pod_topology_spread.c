/* PodTopologySpread (PreFilter, Filter, PreScore, Score, NormalizeScore;
 * kube-semantics 3.12), following kube-scheduler v1.31's podtopologyspread
 * plugin (common.go, filtering.go, scoring.go).
 *
 * Constraints. The pod's own constraints of the wanted kind (DoNotSchedule
 * for filtering, ScheduleAnyway for scoring), or, when the pod has none at
 * all, the default constraints of the args (System: hostname maxSkew 3 and
 * zone maxSkew 5, both ScheduleAnyway; List: the configured ones) with the
 * selector of the workload objects that select the pod. A constraint keeps
 * borrowed pointers into the pod (selector, topology key) and its
 * matchLabelKeys as (key, pod's value) pairs ANDed with the selector, so
 * building the constraints of a cycle allocates nothing once the reusable
 * arrays have grown. A nil selector matches nothing (and stays nil with
 * matchLabelKeys, as upstream mergeLabelSetWithSelector returns it as is);
 * an empty selector counts no pods (upstream countPodsMatchSelector returns
 * 0 for selector.Empty()) but does match the incoming pod itself.
 *
 * Domains. v1.31 keys its counts by topology pair (key, value) and its
 * critical paths and domain numbers by topology key, not by constraint. Two
 * constraints with the same key therefore share one table: in PreFilter the
 * later constraint's count on a node overwrites the earlier one's for that
 * node, and in PreScore both constraints add into the same pair. Upstream
 * fixed this in v1.33 (PR #129119, tables per constraint); ksim keeps the
 * v1.31 behaviour on purpose. A table per key maps a value (borrowed from
 * a node's labels, valid for the cycle) to a domain index and count.
 *
 * Counting matching pods per node (countPodsMatchSelector) goes through the
 * cache's label index when the selector has matchLabels: only pods carrying
 * its first pair are matched (in full) and counted per slot, once per
 * cycle, instead of matching every pod of every node (index_counts; the
 * scan stays as the reference path, compared in a randomized test).
 *
 * Filter is O(constraints): one label lookup and one hash lookup each. The
 * global minimum is the first critical path (the two smallest domains are
 * tracked exactly as upstream's criticalPaths.update), or 0 when the key has
 * fewer domains than minDomains.
 *
 * Scoring looks at every node of the cluster (c->order), not only the
 * feasible ones, as upstream: the feasible nodes decide which topology
 * values exist (and the weights log(size + 2)); all nodes contribute counts
 * to those values. Hostname constraints are counted per node at Score time.
 * Feasible nodes lacking a key are "ignored" (score 0) unless the
 * constraints are the System defaults. NormalizeScore receives scores in the
 * order of PreScore's slots, so the ignored flags are kept per position.
 *
 * Departures (documented in docs/scheduler.md by the integrator):
 * - The default constraints' selector is helper.DefaultSelector over the
 *   cache's spread lister (sched/spread_lister.h: the Services, RCs,
 *   ReplicaSets and StatefulSets the host put there), unless the host
 *   passes its own `default_selector` function. An empty selector means no
 *   default constraint applies (the plugin then skips), as upstream. List
 *   defaulting works the same way.
 * - Terminating pods (deletionTimestamp set) are not modelled: KsPod has no
 *   deletion timestamp and the host removes deleted pods from the cache.
 *
 * PreFilterExtensions (AddPod/RemovePod) follow v1.31's updateWithPod (see
 * update_with_pod); the number of domains Filter compares with minDomains
 * is PreFilter's, as upstream's TpKeyToDomainsNum, even when AddPod creates
 * a pair.
 */
#include "sched/plugins/pod_topology_spread.h"
#include "sched/plugins/prefilter_state.h"
#include "sched/cache.h"
#include "sched/spread_lister.h"

#include <math.h>
#include <string.h>

#define LABEL_HOSTNAME "kubernetes.io/hostname"
#define LABEL_ZONE "topology.kubernetes.io/zone"

/* ---- types ------------------------------------------------------------------------ */

typedef struct {
  gint32 max_skew;
  gint32 min_domains;          /* 1 when unset */
  const char *key;             /* borrowed (pod or plugin args) */
  const KsLabelSelector *sel;  /* borrowed; NULL matches nothing */
  guint extra_off, n_extra;    /* matchLabelKeys pairs in Spread.extra */
  gboolean honor_affinity;     /* nodeAffinityPolicy Honor (default) */
  gboolean honor_taints;       /* nodeTaintsPolicy Honor (default Ignore) */
  gboolean is_hostname;
  guint key_id;                /* index of its topology key's table */
  gboolean indexed;            /* per-slot counts precomputed in Spread.slot_count */
} Constraint;

typedef struct {
  const char *value;
  gint64 num;
} CriticalPath;

/* One topology key's domains: value -> index into `count`. */
typedef struct {
  const char *key;
  GHashTable *index;   /* value (borrowed) -> domain index + 1 */
  GArray *count;       /* gint64 per domain */
  CriticalPath paths[2];
  /* PreFilter's result, for PreFilterExtensions: the counts and paths as
   * PreFilter left them, the number of domains (upstream TpKeyToDomainsNum,
   * which AddPod never changes) and how many domains differ from count0. */
  GArray *count0;      /* gint64 per domain (domains AddPod creates: 0) */
  CriticalPath paths0[2];
  guint domains_num;
  guint n_dirty;
  gint64 node_count;   /* PreFilter scratch: this node's count for the key */
  gboolean node_set;
} KeyTable;

/* Constraints of one kind and their key tables, reused cycle after cycle. */
typedef struct {
  GArray *cons;     /* Constraint */
  GArray *extra;    /* const char *: key, value, key, value ... */
  GPtrArray *keys;  /* KeyTable*; the first n_keys are in use */
  guint n_keys;
  GArray *slot_count; /* gint64 [constraint * cap + slot] for indexed constraints */
  guint count_cap;    /* the cache capacity slot_count was laid out for */
  KsLabelSelector *def_sel; /* the default selector from the cache's spread lister (owned) */
} Spread;

typedef struct {
  Spread filter;
  Spread score;
  GArray *weight;      /* double per score constraint */
  GArray *topo_size;   /* gint per score constraint */
  GByteArray *ignored; /* per cache slot (valid for PreScore's slots) */
  GByteArray *ignored_pos; /* per PreScore position */
  gboolean prefilter_done;
} PtsCycle;

typedef struct {
  GArray *defaults; /* KsTopologySpreadConstraint (owned copies) */
  gboolean system_defaulted;
  KsSchedPtsDefaultSelectorFunc default_selector;
  gpointer default_selector_data;
  gboolean scan; /* TRUE: count by scanning every node's pods (reference path, tests) */
} Pts;

/* ---- args ----------------------------------------------------------------------- */

static gboolean validate_default(const KsTopologySpreadConstraint *c, guint i,
                                 const KsTopologySpreadConstraint *all, GError **error) {
  const char *msg = NULL;
  if (c->max_skew <= 0)
    msg = "maxSkew: must be greater than zero";
  else if (!c->topology_key || !*c->topology_key)
    msg = "topologyKey: Required value: can not be empty";
  else if (c->label_selector)
    msg = "labelSelector: Forbidden: constraint must not define a selector, as they deduced for "
          "each pod";
  for (guint j = 0; !msg && j < i; j++)
    if (all[j].when_unsatisfiable == c->when_unsatisfiable &&
        g_strcmp0(all[j].topology_key, c->topology_key) == 0)
      msg = "{topologyKey, whenUnsatisfiable}: Duplicate value";
  if (msg)
    g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS, "defaultConstraints[%u].%s",
                i, msg);
  return msg == NULL;
}

static void add_default(Pts *p, const KsTopologySpreadConstraint *c) {
  g_array_set_size(p->defaults, p->defaults->len + 1);
  ks_topology_spread_constraint_copy(
      &g_array_index(p->defaults, KsTopologySpreadConstraint, p->defaults->len - 1), c);
}

static void pts_destroy(gpointer self) {
  Pts *p = self;
  if (!p)
    return;
  g_array_unref(p->defaults);
  g_free(p);
}

static gpointer pts_create(gconstpointer args, GError **error) {
  const KsSchedPodTopologySpreadArgs *a = args;
  Pts *p = g_new0(Pts, 1);
  p->defaults = ks_topology_spread_constraint_array_new();
  if (a) {
    p->default_selector = a->default_selector;
    p->default_selector_data = a->default_selector_data;
  }
  if (!a || a->defaulting_type == KS_SCHED_PTS_DEFAULTING_SYSTEM) {
    if (a && a->n_default_constraints > 0) {
      g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                  "defaultConstraints: Invalid value: when .defaultingType is \"System\", "
                  ".defaultConstraints must be empty");
      pts_destroy(p);
      return NULL;
    }
    /* upstream systemDefaultConstraints, in this order */
    KsTopologySpreadConstraint host = {.max_skew = 3, .topology_key = (char *)LABEL_HOSTNAME,
                                       .when_unsatisfiable = KS_UNSATISFIABLE_SCHEDULE_ANYWAY};
    KsTopologySpreadConstraint zone = {.max_skew = 5, .topology_key = (char *)LABEL_ZONE,
                                       .when_unsatisfiable = KS_UNSATISFIABLE_SCHEDULE_ANYWAY};
    add_default(p, &host);
    add_default(p, &zone);
    p->system_defaulted = TRUE;
    return p;
  }
  if (a->defaulting_type != KS_SCHED_PTS_DEFAULTING_LIST) {
    g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                "defaultingType: Unsupported value: %d", (int)a->defaulting_type);
    pts_destroy(p);
    return NULL;
  }
  for (guint i = 0; i < a->n_default_constraints; i++) {
    if (!validate_default(&a->default_constraints[i], i, a->default_constraints, error)) {
      pts_destroy(p);
      return NULL;
    }
    add_default(p, &a->default_constraints[i]);
  }
  return p;
}

/* ---- cycle data ----------------------------------------------------------------------- */

static void key_table_free(gpointer data) {
  KeyTable *t = data;
  g_hash_table_unref(t->index);
  g_array_unref(t->count);
  g_array_unref(t->count0);
  g_free(t);
}

static void spread_init(Spread *s) {
  s->cons = g_array_new(FALSE, TRUE, sizeof(Constraint));
  s->extra = g_array_new(FALSE, FALSE, sizeof(const char *));
  s->keys = g_ptr_array_new_with_free_func(key_table_free);
  s->slot_count = g_array_new(FALSE, TRUE, sizeof(gint64));
  s->def_sel = ks_label_selector_new();
}

static void spread_clear(Spread *s) {
  g_array_unref(s->cons);
  g_array_unref(s->extra);
  g_ptr_array_unref(s->keys);
  g_array_unref(s->slot_count);
  ks_label_selector_free(s->def_sel);
}

static void pts_cycle_free(gpointer data) {
  PtsCycle *pc = data;
  spread_clear(&pc->filter);
  spread_clear(&pc->score);
  g_array_unref(pc->weight);
  g_array_unref(pc->topo_size);
  g_byte_array_unref(pc->ignored);
  g_byte_array_unref(pc->ignored_pos);
  g_free(pc);
}

static PtsCycle *cycle_data(KsSchedPlugin *p, KsSchedCycleState *cs) {
  if (!cs->data[p->index]) {
    PtsCycle *pc = g_new0(PtsCycle, 1);
    spread_init(&pc->filter);
    spread_init(&pc->score);
    pc->weight = g_array_new(FALSE, TRUE, sizeof(double));
    pc->topo_size = g_array_new(FALSE, TRUE, sizeof(gint));
    pc->ignored = g_byte_array_new();
    pc->ignored_pos = g_byte_array_new();
    cs->data[p->index] = pc;
  }
  return cs->data[p->index];
}

static inline Constraint *con_at(const Spread *s, guint i) {
  return &g_array_index(s->cons, Constraint, i);
}

static inline KeyTable *key_at(const Spread *s, guint i) {
  return g_ptr_array_index(s->keys, i);
}

/* ---- constraints ------------------------------------------------------------------- */

/* The key's table id, taking (and emptying) a pooled table for a new key. */
static guint key_id_for(Spread *s, const char *key) {
  for (guint k = 0; k < s->n_keys; k++)
    if (strcmp(key_at(s, k)->key, key) == 0)
      return k;
  if (s->n_keys == s->keys->len) {
    KeyTable *t = g_new0(KeyTable, 1);
    t->index = g_hash_table_new(g_str_hash, g_str_equal);
    t->count = g_array_new(FALSE, TRUE, sizeof(gint64));
    t->count0 = g_array_new(FALSE, TRUE, sizeof(gint64));
    g_ptr_array_add(s->keys, t);
  }
  KeyTable *t = key_at(s, s->n_keys);
  t->key = key;
  g_hash_table_remove_all(t->index);
  g_array_set_size(t->count, 0);
  g_array_set_size(t->count0, 0);
  t->paths[0] = t->paths[1] = (CriticalPath){NULL, G_MAXINT32};
  t->domains_num = 0;
  t->n_dirty = 0;
  return s->n_keys++;
}

static void add_constraint(Spread *s, const KsTopologySpreadConstraint *tc,
                           const KsLabelSelector *sel, const KsLabels *pod_labels) {
  Constraint c = {
      .max_skew = tc->max_skew,
      .min_domains = tc->min_domains > 0 ? tc->min_domains : 1,
      .key = tc->topology_key,
      .sel = sel,
      .extra_off = s->extra->len,
      .honor_affinity = tc->node_affinity_policy != KS_INCLUSION_POLICY_IGNORE,
      .honor_taints = tc->node_taints_policy == KS_INCLUSION_POLICY_HONOR,
      .is_hostname = strcmp(tc->topology_key, LABEL_HOSTNAME) == 0,
  };
  /* matchLabelKeys: `key in (pod's value)` for each key the pod has */
  for (char **k = pod_labels ? tc->match_label_keys : NULL; k && *k; k++) {
    const char *v = ks_labels_get(pod_labels, *k);
    if (!v)
      continue;
    g_array_append_val(s->extra, *k);
    g_array_append_val(s->extra, v);
    c.n_extra++;
  }
  c.key_id = key_id_for(s, c.key);
  g_array_append_val(s->cons, c);
}

/* Fills s with the pod's constraints of kind `action`. FALSE (st set to
 * Error) when a selector is invalid, as upstream LabelSelectorAsSelector. */
static gboolean build_constraints(const Pts *p, Spread *s, const KsPod *pod,
                                  const KsSchedCache *c, KsUnsatisfiableAction action,
                                  KsSchedStatus *st) {
  g_array_set_size(s->cons, 0);
  g_array_set_size(s->extra, 0);
  s->n_keys = 0;
  const GArray *own = pod->topology_spread_constraints;
  if (own && own->len > 0) {
    for (guint i = 0; i < own->len; i++) {
      const KsTopologySpreadConstraint *tc = &g_array_index(own, KsTopologySpreadConstraint, i);
      if (tc->when_unsatisfiable != action)
        continue;
      if (!ks_label_selector_is_valid(tc->label_selector)) {
        ks_sched_status_set(st, KS_SCHED_ERROR_CODE,
                            "obtaining pod's topology spread constraints: invalid label selector");
        return FALSE;
      }
      add_constraint(s, tc, tc->label_selector, &pod->labels);
    }
    return TRUE;
  }
  gboolean any = FALSE;
  for (guint i = 0; i < p->defaults->len && !any; i++)
    any = g_array_index(p->defaults, KsTopologySpreadConstraint, i).when_unsatisfiable == action;
  if (!any)
    return TRUE;
  /* buildDefaultConstraints: an empty workload selector means no defaults.
   * The host's function when given, else helper.DefaultSelector over the
   * cache's spread lister. */
  const KsLabelSelector *sel = NULL;
  if (p->default_selector) {
    sel = p->default_selector(pod, p->default_selector_data);
  } else if (c->spread) {
    ks_sched_spread_lister_default_selector(c->spread, pod, s->def_sel);
    sel = s->def_sel;
  }
  if (!sel || ks_label_selector_is_empty(sel))
    return TRUE;
  for (guint i = 0; i < p->defaults->len; i++) {
    const KsTopologySpreadConstraint *tc = &g_array_index(p->defaults, KsTopologySpreadConstraint, i);
    if (tc->when_unsatisfiable == action)
      add_constraint(s, tc, sel, NULL); /* the workload selector replaces matchLabelKeys */
  }
  return TRUE;
}

static gboolean constraint_matches(const Spread *s, const Constraint *c, const KsLabels *labels) {
  if (!ks_label_selector_matches(c->sel, labels))
    return FALSE;
  const char **extra = &g_array_index(s->extra, const char *, c->extra_off);
  for (guint i = 0; i < c->n_extra; i++) {
    const char *v = ks_labels_get(labels, extra[2 * i]);
    if (!v || strcmp(v, extra[2 * i + 1]) != 0)
      return FALSE;
  }
  return TRUE;
}

/* countPodsMatchSelector: same namespace, matching; an empty selector counts none. */
static gint64 count_matching(const Spread *s, const Constraint *c, const GPtrArray *pods,
                             const char *ns) {
  if (!c->sel || (ks_label_selector_is_empty(c->sel) && c->n_extra == 0))
    return 0;
  gint64 n = 0;
  for (guint i = 0; pods && i < pods->len; i++) {
    const KsPod *q = ((const KsSchedPodEntry *)g_ptr_array_index(pods, i))->pod;
    if (strcmp(q->namespace, ns) == 0 && constraint_matches(s, c, &q->labels))
      n++;
  }
  return n;
}

/* Per-slot counts through the cache's label index: a constraint whose
 * selector has matchLabels can only count pods carrying its first pair, so
 * only those pods are matched (in full, as count_matching does) and
 * counted per slot; the per-node loops then read the count instead of
 * scanning the node's pods. Other constraints keep the scan. Valid for the
 * cycle (the cache does not change during one). */
static void index_counts(Spread *s, const KsPod *pod, const KsSchedCache *c, gboolean scan) {
  guint nc = s->cons->len;
  const char *ns = g_intern_string(pod->namespace);
  s->count_cap = c->cap;
  g_array_set_size(s->slot_count, 0);
  g_array_set_size(s->slot_count, (gsize)nc * c->cap); /* zero-filled */
  for (guint i = 0; i < nc; i++) {
    Constraint *con = &g_array_index(s->cons, Constraint, i);
    con->indexed = !scan && con->sel && con->sel->match_labels.n > 0;
    if (!con->indexed)
      continue;
    if (!ks_label_selector_is_valid(con->sel))
      continue; /* matches no pod: counts stay 0 */
    const KsLabel *first = &con->sel->match_labels.items[0];
    const GPtrArray *b = ks_sched_cache_pods_with_label(c, first->key, first->value);
    gint64 *cnt = &g_array_index(s->slot_count, gint64, (gsize)i * c->cap);
    /* constraint_matches with the selector validated once, the first pair
     * known to hold (the bucket's), namespaces compared interned */
    const char **extra = &g_array_index(s->extra, const char *, con->extra_off);
    for (guint k = 0; b && k < b->len; k++) {
      const KsSchedPodEntry *e = g_ptr_array_index(b, k);
      if (e->ns != ns || !ks_label_selector_matches_valid(con->sel, &e->pod->labels, 1))
        continue;
      gboolean ok = TRUE;
      for (guint x = 0; ok && x < con->n_extra; x++) {
        const char *v = ks_labels_get(&e->pod->labels, extra[2 * x]);
        ok = v && strcmp(v, extra[2 * x + 1]) == 0;
      }
      if (ok)
        cnt[e->slot]++;
    }
  }
}

/* count_matching for constraint i on node `slot`. */
static gint64 node_matching(const Spread *s, guint i, const KsSchedCache *c, guint slot,
                            const char *ns) {
  const Constraint *con = &g_array_index(s->cons, Constraint, i);
  if (con->indexed && slot < s->count_cap)
    return g_array_index(s->slot_count, gint64, (gsize)i * s->count_cap + slot);
  return count_matching(s, con, c->pods[slot], ns);
}

/* ---- node eligibility ----------------------------------------------------------------- */

static gboolean has_all_keys(const Spread *s, const KsNode *node) {
  for (guint i = 0; i < s->cons->len; i++)
    if (!ks_labels_has(&node->labels, con_at(s, i)->key))
      return FALSE;
  return TRUE;
}

/* nodeaffinity.GetRequiredNodeAffinity(pod).Match(node): nodeSelector and
 * the required node affinity terms. */
static gboolean required_affinity_matches(const KsPod *pod, const KsNode *node) {
  for (guint i = 0; i < pod->node_selector.n; i++) {
    const char *v = ks_labels_get(&node->labels, pod->node_selector.items[i].key);
    if (!v || strcmp(v, pod->node_selector.items[i].value) != 0)
      return FALSE;
  }
  const KsNodeAffinity *na = pod->affinity ? pod->affinity->node_affinity : NULL;
  if (na && na->required)
    return ks_node_selector_matches(na->required, &node->labels, node->name);
  return TRUE;
}

/* FindMatchingUntoleratedTaint with DoNotScheduleTaintsFilterFunc. */
static gboolean has_untolerated_taint(const KsPod *pod, const KsNode *node) {
  const GArray *tols = pod->tolerations;
  for (guint i = 0; node->taints && i < node->taints->len; i++) {
    const KsTaint *t = &g_array_index(node->taints, KsTaint, i);
    if (t->effect != KS_TAINT_EFFECT_NO_SCHEDULE && t->effect != KS_TAINT_EFFECT_NO_EXECUTE)
      continue;
    if (!tols || !ks_tolerations_tolerate((const KsToleration *)tols->data, tols->len, t))
      return TRUE;
  }
  return FALSE;
}

/* matchNodeInclusionPolicies; *aff caches the affinity match per node (-1 unknown). */
static gboolean node_included(const Constraint *c, const KsPod *pod, const KsNode *node,
                              int *aff) {
  if (c->honor_affinity) {
    if (*aff < 0)
      *aff = required_affinity_matches(pod, node);
    if (!*aff)
      return FALSE;
  }
  return !(c->honor_taints && has_untolerated_taint(pod, node));
}

/* ---- domains ------------------------------------------------------------------------ */

static gint domain_lookup(const KeyTable *t, const char *value) {
  return GPOINTER_TO_INT(g_hash_table_lookup(t->index, value)) - 1;
}

static guint domain_add(KeyTable *t, const char *value) {
  gint d = domain_lookup(t, value);
  if (d >= 0)
    return (guint)d;
  gint64 zero = 0;
  g_array_append_val(t->count, zero);
  g_hash_table_insert(t->index, (gpointer)value, GINT_TO_POINTER((gint)t->count->len));
  return t->count->len - 1;
}

/* upstream criticalPaths.update */
static void paths_update(CriticalPath p[2], const char *value, gint64 num) {
  int i = p[0].value && strcmp(value, p[0].value) == 0   ? 0
          : p[1].value && strcmp(value, p[1].value) == 0 ? 1
                                                         : -1;
  if (i >= 0) {
    p[i].num = num;
    if (p[0].num > p[1].num) {
      CriticalPath tmp = p[0];
      p[0] = p[1];
      p[1] = tmp;
    }
  } else if (num < p[0].num) {
    p[1] = p[0];
    p[0] = (CriticalPath){value, num};
  } else if (num < p[1].num) {
    p[1] = (CriticalPath){value, num};
  }
}

/* ---- PreFilter / Filter ------------------------------------------------------------ */

/* One node's contribution to TpPairToMatchNum (v1.31: per node, a later
 * constraint with the same key overwrites the earlier one's count). */
static void prefilter_node(Spread *s, const KsPod *pod, const KsSchedCache *c, guint slot) {
  const KsNode *node = c->nodes[slot];
  if (!has_all_keys(s, node))
    return;
  for (guint k = 0; k < s->n_keys; k++)
    key_at(s, k)->node_set = FALSE;
  int aff = -1;
  for (guint i = 0; i < s->cons->len; i++) {
    const Constraint *con = con_at(s, i);
    if (!node_included(con, pod, node, &aff))
      continue;
    KeyTable *t = key_at(s, con->key_id);
    t->node_count = node_matching(s, i, c, slot, pod->namespace);
    t->node_set = TRUE;
  }
  for (guint k = 0; k < s->n_keys; k++) {
    KeyTable *t = key_at(s, k);
    if (!t->node_set)
      continue;
    guint d = domain_add(t, ks_labels_get(&node->labels, t->key));
    g_array_index(t->count, gint64, d) += t->node_count;
  }
}

static void pts_pre_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                           const KsSchedCache *c, GHashTable **node_names, KsSchedStatus *st) {
  (void)node_names;
  PtsCycle *pc = cycle_data(p, cs);
  Spread *s = &pc->filter;
  pc->prefilter_done = FALSE;
  if (!build_constraints(p->self, s, pod, c, KS_UNSATISFIABLE_DO_NOT_SCHEDULE, st))
    return;
  if (s->cons->len == 0) {
    ks_sched_status_set(st, KS_SCHED_SKIP, NULL);
    return;
  }
  index_counts(s, pod, c, ((const Pts *)p->self)->scan);
  for (guint i = 0; i < c->n_order; i++)
    prefilter_node(s, pod, c, c->order[i]);
  for (guint k = 0; k < s->n_keys; k++) {
    KeyTable *t = key_at(s, k);
    GHashTableIter it;
    gpointer value, idx;
    /* the minimum does not depend on the visiting order (only ties' names do) */
    g_hash_table_iter_init(&it, t->index);
    while (g_hash_table_iter_next(&it, &value, &idx))
      paths_update(t->paths, value, g_array_index(t->count, gint64, GPOINTER_TO_INT(idx) - 1));
    t->domains_num = t->count->len;
    g_array_set_size(t->count0, t->count->len);
    if (t->count->len)
      memcpy(t->count0->data, t->count->data, t->count->len * sizeof(gint64));
    t->paths0[0] = t->paths[0];
    t->paths0[1] = t->paths[1];
    t->n_dirty = 0;
  }
  pc->prefilter_done = TRUE;
}

static void pts_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                       const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  PtsCycle *pc = cycle_data(p, cs);
  const Spread *s = &pc->filter;
  if (!pc->prefilter_done) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE, "PreFilterPodTopologySpread state not found");
    return;
  }
  const KsNode *node = c->nodes[slot];
  for (guint i = 0; i < s->cons->len; i++) {
    const Constraint *con = con_at(s, i);
    const char *value = ks_labels_get(&node->labels, con->key);
    if (!value) {
      ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE,
                          KS_SCHED_PTS_REASON_NODE_LABEL_NOT_MATCH);
      return;
    }
    const KeyTable *t = key_at(s, con->key_id);
    guint domains = t->domains_num;
    if (domains == 0)
      continue; /* v1.31: no domain count for the key is an internal error, skipped */
    gint64 min_match = domains < (guint)con->min_domains ? 0 : t->paths[0].num;
    gint64 self = constraint_matches(s, con, &pod->labels) ? 1 : 0;
    gint d = domain_lookup(t, value);
    gint64 match = d >= 0 ? g_array_index(t->count, gint64, d) : 0;
    if (match + self - min_match > con->max_skew) {
      ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE, KS_SCHED_PTS_REASON_CONSTRAINTS_NOT_MATCH);
      return;
    }
  }
}

/* ---- PreFilterExtensions (AddPod / RemovePod) ----------------------------------------- */

/* Count delta for domain d of t, keeping n_dirty (domains whose count
 * differs from PreFilter's). */
static gint64 domain_move(KeyTable *t, guint d, gint64 delta) {
  if (t->count0->len <= d) {
    guint old = t->count0->len;
    g_array_set_size(t->count0, d + 1);
    memset(&g_array_index(t->count0, gint64, old), 0, (d + 1 - old) * sizeof(gint64));
  }
  gint64 *n = &g_array_index(t->count, gint64, d);
  gint64 base = g_array_index(t->count0, gint64, d);
  gboolean was = *n != base;
  *n += delta;
  t->n_dirty += (guint)(*n != base) - (guint)was;
  return *n;
}

/* upstream v1.31 updateWithPod: `other` joins (delta +1) or leaves (-1)
 * node `slot`. Same namespace, node with every key; per constraint whose
 * selector (with matchLabelKeys) matches the pod and whose inclusion
 * policies admit the node, the pair (key, node's value) moves by delta (a
 * Go map += creates it), then the key's critical paths are updated. Two
 * constraints on one key both move the shared pair, as in v1.31.
 * When every count is back to PreFilter's, the paths are reset to
 * PreFilter's: upstream clones the state per candidate node, ksim undoes its
 * updates instead (sched/preemption.c), and the reset makes that undo exact.
 * It cannot change a Filter outcome: updates within one dry run touch one
 * node, hence one value per key, and then paths[0] (all Filter reads) is the
 * true minimum either way. */
static void update_with_pod(Spread *s, const KsPod *pod, const KsPod *other,
                            const KsSchedCache *c, guint slot, gint64 delta) {
  const KsNode *node = slot < c->cap ? c->nodes[slot] : NULL;
  if (!node || strcmp(other->namespace, pod->namespace) != 0 || !has_all_keys(s, node))
    return;
  int aff = -1;
  for (guint i = 0; i < s->cons->len; i++) {
    const Constraint *con = con_at(s, i);
    if (!constraint_matches(s, con, &other->labels) || !node_included(con, pod, node, &aff))
      continue;
    KeyTable *t = key_at(s, con->key_id);
    const char *v = ks_labels_get(&node->labels, con->key);
    gint64 n = domain_move(t, domain_add(t, v), delta);
    paths_update(t->paths, v, n);
    if (t->n_dirty == 0) {
      t->paths[0] = t->paths0[0];
      t->paths[1] = t->paths0[1];
    }
  }
}

static void pts_update(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                       const KsPod *other, const KsSchedCache *c, guint slot, gint64 delta,
                       KsSchedStatus *st) {
  PtsCycle *pc = cs->data[p->index];
  if (!pc || !pc->prefilter_done) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE,
                        "reading \"PreFilterPodTopologySpread\" from cycleState: not found");
    return;
  }
  update_with_pod(&pc->filter, pod, other, c, slot, delta);
}

static void pts_add_pod(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                        const KsPod *other, const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  pts_update(p, cs, pod, other, c, slot, 1, st);
}

static void pts_remove_pod(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                           const KsPod *other, const KsSchedCache *c, guint slot,
                           KsSchedStatus *st) {
  pts_update(p, cs, pod, other, c, slot, -1, st);
}

/* ---- PreScore / Score / NormalizeScore ------------------------------------------------- */

/* initPreScoreState over the feasible nodes: ignored nodes, the topology
 * values that exist (pairs shared by key, as v1.31) and the weights. */
static void prescore_init(PtsCycle *pc, const KsSchedCache *c, const guint *slots, guint n,
                          gboolean require_all) {
  Spread *s = &pc->score;
  guint nc = s->cons->len, n_ignored = 0;
  g_array_set_size(pc->topo_size, nc);
  memset(pc->topo_size->data, 0, nc * sizeof(gint));
  if (pc->ignored->len < c->cap)
    g_byte_array_set_size(pc->ignored, c->cap);
  g_byte_array_set_size(pc->ignored_pos, n);
  for (guint k = 0; k < n; k++) {
    const KsNode *node = c->nodes[slots[k]];
    gboolean ign = require_all && !has_all_keys(s, node);
    pc->ignored->data[slots[k]] = pc->ignored_pos->data[k] = (guint8)ign;
    if (ign) {
      n_ignored++;
      continue;
    }
    for (guint i = 0; i < nc; i++) {
      const Constraint *con = con_at(s, i);
      if (con->is_hostname)
        continue; /* counted per node at Score */
      KeyTable *t = key_at(s, con->key_id);
      const char *v = ks_labels_get(&node->labels, con->key);
      guint before = t->count->len;
      domain_add(t, v ? v : "");
      if (t->count->len != before)
        g_array_index(pc->topo_size, gint, i)++;
    }
  }
  g_array_set_size(pc->weight, nc);
  for (guint i = 0; i < nc; i++) {
    gint sz = con_at(s, i)->is_hostname ? (gint)(n - n_ignored) : g_array_index(pc->topo_size, gint, i);
    g_array_index(pc->weight, double, i) = log((double)sz + 2.0);
  }
}

/* Counts over every node of the cluster, for the values the feasible nodes have. */
static void prescore_count(Spread *s, const KsPod *pod, const KsSchedCache *c,
                           gboolean require_all) {
  for (guint o = 0; o < c->n_order; o++) {
    guint slot = c->order[o];
    const KsNode *node = c->nodes[slot];
    if (require_all && !has_all_keys(s, node))
      continue;
    int aff = -1;
    for (guint i = 0; i < s->cons->len; i++) {
      const Constraint *con = con_at(s, i);
      if (!node_included(con, pod, node, &aff))
        continue;
      KeyTable *t = key_at(s, con->key_id);
      const char *v = ks_labels_get(&node->labels, con->key);
      gint d = domain_lookup(t, v ? v : "");
      if (d < 0)
        continue;
      g_array_index(t->count, gint64, d) += node_matching(s, i, c, slot, pod->namespace);
    }
  }
}

static void pts_pre_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                          const KsSchedCache *c, const guint *slots, guint n, KsSchedStatus *st) {
  const Pts *self = p->self;
  PtsCycle *pc = cycle_data(p, cs);
  Spread *s = &pc->score;
  g_array_set_size(s->cons, 0);
  s->n_keys = 0;
  if (c->n_order == 0) {
    ks_sched_status_set(st, KS_SCHED_SKIP, NULL);
    return;
  }
  if (!build_constraints(self, s, pod, c, KS_UNSATISFIABLE_SCHEDULE_ANYWAY, st))
    return;
  if (s->cons->len == 0) {
    ks_sched_status_set(st, KS_SCHED_SKIP, NULL);
    return;
  }
  /* Only non-system-default spreading requires every topology label, so
   * nodes without a zone still get hostname spreading. */
  const GArray *own = pod->topology_spread_constraints;
  gboolean require_all = (own && own->len > 0) || !self->system_defaulted;
  prescore_init(pc, c, slots, n, require_all);
  index_counts(s, pod, c, self->scan);
  prescore_count(s, pod, c, require_all);
}

static void pts_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                      const KsSchedCache *c, guint slot, gint64 *score, KsSchedStatus *st) {
  (void)st;
  PtsCycle *pc = cycle_data(p, cs);
  const Spread *s = &pc->score;
  *score = 0;
  if (slot < pc->ignored->len && pc->ignored->data[slot])
    return;
  const KsNode *node = c->nodes[slot];
  double sum = 0;
  for (guint i = 0; i < s->cons->len; i++) {
    const Constraint *con = con_at(s, i);
    const char *v = ks_labels_get(&node->labels, con->key);
    if (!v)
      continue;
    gint64 cnt = 0;
    if (con->is_hostname) {
      cnt = node_matching(s, i, c, slot, pod->namespace);
    } else {
      const KeyTable *t = key_at(s, con->key_id);
      gint d = domain_lookup(t, v);
      cnt = d >= 0 ? g_array_index(t->count, gint64, d) : 0;
    }
    sum += (double)cnt * g_array_index(pc->weight, double, i) + (double)(con->max_skew - 1);
  }
  *score = (gint64)round(sum); /* Go math.Round: half away from zero */
}

static void pts_normalize(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                          gint64 *scores, guint n, KsSchedStatus *st) {
  (void)pod;
  (void)st;
  PtsCycle *pc = cycle_data(p, cs);
  const guint8 *ign = pc->ignored_pos->data;
  gboolean known = pc->ignored_pos->len == n;
  gint64 min = G_MAXINT64, max = 0;
  for (guint i = 0; i < n; i++) {
    if (known && ign[i])
      continue;
    min = MIN(min, scores[i]);
    max = MAX(max, scores[i]);
  }
  for (guint i = 0; i < n; i++) {
    if (known && ign[i])
      scores[i] = 0;
    else if (max == 0)
      scores[i] = KS_SCHED_MAX_NODE_SCORE;
    else
      scores[i] = KS_SCHED_MAX_NODE_SCORE * (max + min - scores[i]) / max;
  }
}

/* ---- descriptor ------------------------------------------------------------------------ */

/* v1.31 EventsToRegister with queueing hints off: any pod change may change
 * the counts; node add/delete and label or taint updates change domains and
 * the inclusion policies. */
static const KsSchedClusterEvent pts_events[] = {
    {KS_SCHED_EV_POD, KS_SCHED_ACT_ALL, "Pod"},
    {KS_SCHED_EV_NODE,
     KS_SCHED_ACT_ADD | KS_SCHED_ACT_DELETE | KS_SCHED_ACT_UPDATE_NODE_LABEL |
         KS_SCHED_ACT_UPDATE_NODE_TAINT,
     "NodeAdd|NodeDelete|UpdateNodeLabel|UpdateNodeTaint"},
};

const KsSchedPluginDesc ks_sched_plugin_pod_topology_spread = {
    .name = "PodTopologySpread",
    .create = pts_create,
    .destroy = pts_destroy,
    .cycle_data_free = pts_cycle_free,
    .events = pts_events,
    .n_events = G_N_ELEMENTS(pts_events),
    .pre_filter = pts_pre_filter,
    .filter = pts_filter,
    .pre_score = pts_pre_score,
    .score = pts_score,
    .normalize_score = pts_normalize,
    .add_pod = pts_add_pod,
    .remove_pod = pts_remove_pod,
};

/* ---- state views for tests (sched/plugins/prefilter_state.h) ----------------------------- */

static const KeyTable *state_key(const KsSchedPlugin *p, const KsSchedCycleState *cs,
                                 const char *key) {
  const PtsCycle *pc = cs->data[p->index];
  if (!pc || !pc->prefilter_done)
    return NULL;
  for (guint k = 0; k < pc->filter.n_keys; k++)
    if (strcmp(key_at(&pc->filter, k)->key, key) == 0)
      return key_at(&pc->filter, k);
  return NULL;
}

gboolean ks_sched_pts_state_count(const KsSchedPlugin *p, const KsSchedCycleState *cs,
                                  const char *key, const char *value, gint64 *count) {
  const KeyTable *t = state_key(p, cs, key);
  gint d = t ? domain_lookup(t, value) : -1;
  if (d < 0)
    return FALSE;
  *count = g_array_index(t->count, gint64, d);
  return TRUE;
}

gboolean ks_sched_pts_state_paths(const KsSchedPlugin *p, const KsSchedCycleState *cs,
                                  const char *key, guint *domains, const char **v0, gint64 *n0,
                                  const char **v1, gint64 *n1) {
  const KeyTable *t = state_key(p, cs, key);
  if (!t)
    return FALSE;
  *domains = t->domains_num;
  *v0 = t->paths[0].value, *n0 = t->paths[0].num;
  *v1 = t->paths[1].value, *n1 = t->paths[1].num;
  return TRUE;
}

void ks_sched_pts_set_scan(KsSchedPlugin *p, gboolean scan) {
  ((Pts *)p->self)->scan = scan;
}
