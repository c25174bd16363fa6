/* The scheduler's view of the objects that select pods (spread_lister.h).
 *
 * Per kind and namespace the objects sit in a GTree by name, so every walk
 * is in name order. Upstream's listers walk an informer's map (random
 * order); where the order shows (v1.7 ServiceAntiAffinity's "first"
 * service, the order of SelectorSpread's selectors) ksim fixes it to name
 * order: it is what the API server's
 * LIST returns (sorted by key), it does not depend on the order in which
 * the host happened to learn of the objects (a scenario, a trace,
 * `ksim explain`'s manifests), and it survives a restart; creation order
 * would need creation times the scheduler does not otherwise hold, and
 * ties among objects created in the same instant would still need names.
 */
#include "sched/spread_lister.h"

#include <string.h>

#include "sched/owner_ref.h"

enum { KIND_SERVICE, KIND_RC, KIND_RS, KIND_SS, N_KINDS };

struct KsSchedSpreadLister {
  /* per kind: namespace (owned) -> GTree name (owned, strcmp order) -> KsLabelSelector*
   * (owned; NULL for a ReplicaSet / StatefulSet without a selector) */
  GHashTable *by_kind[N_KINDS];
  guint n;
};

static void selector_free(gpointer p) {
  if (p)
    ks_label_selector_free(p);
}

KsSchedSpreadLister *ks_sched_spread_lister_new(void) {
  KsSchedSpreadLister *l = g_new0(KsSchedSpreadLister, 1);
  for (guint k = 0; k < N_KINDS; k++)
    l->by_kind[k] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify)g_tree_unref);
  return l;
}

void ks_sched_spread_lister_free(KsSchedSpreadLister *l) {
  if (!l)
    return;
  for (guint k = 0; k < N_KINDS; k++)
    g_hash_table_unref(l->by_kind[k]);
  g_free(l);
}

static gint compare_names(gconstpointer a, gconstpointer b, gpointer unused) {
  (void)unused;
  return strcmp(a, b);
}

static void set(KsSchedSpreadLister *l, guint kind, const char *ns, const char *name,
                KsLabelSelector *sel /* transfer full */) {
  GTree *names = g_hash_table_lookup(l->by_kind[kind], ns);
  if (!names) {
    names = g_tree_new_full(compare_names, NULL, g_free, selector_free);
    g_hash_table_insert(l->by_kind[kind], g_strdup(ns), names);
  }
  if (!g_tree_lookup_extended(names, name, NULL, NULL))
    l->n++;
  g_tree_replace(names, g_strdup(name), sel);
}

static gboolean remove_obj(KsSchedSpreadLister *l, guint kind, const char *ns, const char *name) {
  GTree *names = g_hash_table_lookup(l->by_kind[kind], ns);
  if (!names || !g_tree_remove(names, name))
    return FALSE;
  l->n--;
  if (g_tree_nnodes(names) == 0)
    g_hash_table_remove(l->by_kind[kind], ns);
  return TRUE;
}

static KsLabelSelector *from_map(const KsLabels *m) {
  KsLabelSelector *s = ks_label_selector_new();
  if (m) {
    ks_labels_clear(&s->match_labels);
    ks_labels_copy(&s->match_labels, m);
  }
  return s;
}

void ks_sched_spread_lister_set_service(KsSchedSpreadLister *l, const char *ns, const char *name,
                                        const KsLabels *selector) {
  set(l, KIND_SERVICE, ns, name, from_map(selector));
}

gboolean ks_sched_spread_lister_remove_service(KsSchedSpreadLister *l, const char *ns,
                                               const char *name) {
  return remove_obj(l, KIND_SERVICE, ns, name);
}

void ks_sched_spread_lister_set_replication_controller(KsSchedSpreadLister *l, const char *ns,
                                                       const char *name, const KsLabels *selector) {
  set(l, KIND_RC, ns, name, from_map(selector));
}

gboolean ks_sched_spread_lister_remove_replication_controller(KsSchedSpreadLister *l,
                                                              const char *ns, const char *name) {
  return remove_obj(l, KIND_RC, ns, name);
}

void ks_sched_spread_lister_set_replica_set(KsSchedSpreadLister *l, const char *ns,
                                            const char *name, const KsLabelSelector *selector) {
  set(l, KIND_RS, ns, name, ks_label_selector_copy(selector));
}

gboolean ks_sched_spread_lister_remove_replica_set(KsSchedSpreadLister *l, const char *ns,
                                                   const char *name) {
  return remove_obj(l, KIND_RS, ns, name);
}

void ks_sched_spread_lister_set_stateful_set(KsSchedSpreadLister *l, const char *ns,
                                             const char *name, const KsLabelSelector *selector) {
  set(l, KIND_SS, ns, name, ks_label_selector_copy(selector));
}

gboolean ks_sched_spread_lister_remove_stateful_set(KsSchedSpreadLister *l, const char *ns,
                                                    const char *name) {
  return remove_obj(l, KIND_SS, ns, name);
}

guint ks_sched_spread_lister_size(const KsSchedSpreadLister *l) { return l->n; }

/* The object, or NULL when unknown; *found tells a known object without a
 * selector from an unknown one. */
static const KsLabelSelector *lookup(const KsSchedSpreadLister *l, guint kind, const char *ns,
                                     const char *name, gboolean *found) {
  GTree *names = g_hash_table_lookup(l->by_kind[kind], ns);
  gpointer v = NULL;
  *found = names && g_tree_lookup_extended(names, name, NULL, &v);
  return v;
}

/* labels.Merge into out's matchLabels (the later value wins). */
static void merge_labels(KsLabelSelector *out, const KsLabels *m) {
  for (guint i = 0; i < m->n; i++)
    ks_labels_set(&out->match_labels, m->items[i].key, m->items[i].value);
}

/* selector.Add(requirements...): ANDed with what is there. */
static void add_requirements(KsLabelSelector *out, const KsLabelSelector *sel) {
  for (guint i = 0; i < sel->match_labels.n; i++) {
    const KsLabel *kv = &sel->match_labels.items[i];
    const char *have = ks_labels_get(&out->match_labels, kv->key);
    if (!have)
      ks_labels_set(&out->match_labels, kv->key, kv->value);
    else if (strcmp(have, kv->value) != 0) {
      const char *values[] = {kv->value, NULL};
      ks_label_selector_add_expression(out, kv->key, KS_SELECTOR_OP_IN, values);
    }
  }
  for (guint i = 0; sel->match_expressions && i < sel->match_expressions->len; i++) {
    const KsSelectorRequirement *r =
        &g_array_index(sel->match_expressions, KsSelectorRequirement, i);
    ks_label_selector_add_expression(out, r->key, r->op, (const char *const *)r->values);
  }
}

void ks_sched_spread_lister_default_selector(const KsSchedSpreadLister *l, const KsPod *pod,
                                             KsLabelSelector *out) {
  ks_labels_clear(&out->match_labels);
  ks_labels_init(&out->match_labels);
  if (out->match_expressions)
    g_array_set_size(out->match_expressions, 0);
  if (l->n == 0)
    return;
  /* GetPodServices: the namespace's services whose (non-nil) selector
   * matches the pod, merged (they agree: each matches the pod's labels) */
  GTree *svcs = g_hash_table_lookup(l->by_kind[KIND_SERVICE], pod->namespace);
  for (GTreeNode *it = svcs ? g_tree_node_first(svcs) : NULL; it; it = g_tree_node_next(it)) {
    const KsLabelSelector *s = g_tree_node_value(it);
    if (s->match_labels.n > 0 && ks_label_selector_matches(s, &pod->labels))
      merge_labels(out, &s->match_labels);
  }
  const KsOwnerReference *owner = ks_owner_reference_get_controller(pod->owner_references);
  if (!owner || !owner->api_version || !owner->kind || !owner->name)
    return;
  gboolean found;
  if (strcmp(owner->api_version, "v1") == 0 && strcmp(owner->kind, "ReplicationController") == 0) {
    const KsLabelSelector *rc = lookup(l, KIND_RC, pod->namespace, owner->name, &found);
    if (rc)
      merge_labels(out, &rc->match_labels);
    return;
  }
  if (strcmp(owner->api_version, "apps/v1") != 0)
    return;
  guint kind;
  if (strcmp(owner->kind, "ReplicaSet") == 0)
    kind = KIND_RS;
  else if (strcmp(owner->kind, "StatefulSet") == 0)
    kind = KIND_SS;
  else
    return;
  /* LabelSelectorAsSelector: a nil selector is Nothing (no requirements to
   * add); an invalid one fails and adds nothing */
  const KsLabelSelector *sel = lookup(l, kind, pod->namespace, owner->name, &found);
  if (sel && ks_label_selector_is_valid(sel))
    add_requirements(out, sel);
}

/* Appends the selectors of kind `kind` in the pod's namespace that select
 * it, in name order (v1.7: an empty, absent or invalid selector selects
 * nothing). */
static guint append_selecting(const KsSchedSpreadLister *l, guint kind, const KsPod *pod,
                              GPtrArray *out) {
  GTree *names = g_hash_table_lookup(l->by_kind[kind], pod->namespace);
  guint n = 0;
  for (GTreeNode *it = names ? g_tree_node_first(names) : NULL; it; it = g_tree_node_next(it)) {
    const KsLabelSelector *s = g_tree_node_value(it);
    if (!s || ks_label_selector_is_empty(s) || !ks_label_selector_is_valid(s) ||
        !ks_label_selector_matches(s, &pod->labels))
      continue;
    g_ptr_array_add(out, (gpointer)s);
    n++;
  }
  return n;
}

guint ks_sched_spread_lister_pod_selectors(const KsSchedSpreadLister *l, const KsPod *pod,
                                           GPtrArray *out) {
  guint n = 0;
  for (guint k = 0; l->n > 0 && k < N_KINDS; k++)
    n += append_selecting(l, k, pod, out);
  return n;
}

guint ks_sched_spread_lister_pod_services(const KsSchedSpreadLister *l, const KsPod *pod,
                                          GPtrArray *out) {
  return l->n > 0 ? append_selecting(l, KIND_SERVICE, pod, out) : 0;
}
