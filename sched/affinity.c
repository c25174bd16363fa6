/* Node affinity, pod (anti-)affinity and topology spread constraints:
 * ownership helpers and the pod affinity term matcher.
 *
 * Ownership: a KsAffinity owns its three parts; each part owns its arrays;
 * every GArray of terms made here has a clear func, so g_array_unref frees
 * the terms' contents too. Loaders should create term arrays with the
 * *_array_new functions below so the clear funcs are always in place, and
 * the copies below produce arrays of the same kind.
 *
 * Pod affinity term matching follows the scheduler framework's AffinityTerm
 * (pkg/scheduler/framework/types.go, v1.31):
 *   namespaces = term.namespaces, or {owner's namespace} when both
 *                namespaces and namespaceSelector are unset/empty;
 *   a pod in namespace N matches iff (N in namespaces or the namespace
 *   selector matches N's labels) and its labels match labelSelector.
 * A NULL namespaceSelector matches no namespace (metav1 nil selector =
 * Nothing); an empty one ({}) matches every namespace, even one whose labels
 * are unknown. A NULL labelSelector matches no pod.
 *
 * matchLabelKeys / mismatchLabelKeys are not evaluated by the matcher:
 * upstream the API server folds them into labelSelector once, when the pod
 * is created (key In (pod's value) / key NotIn (pod's value); keys the pod
 * lacks and nil selectors are left alone). ks_affinity_apply_label_keys does
 * that fold; whoever creates a pod calls it exactly once.
 */
#include "sched/affinity.h"

#include <string.h>

/* ---- node affinity -------------------------------------------------------- */

void ks_preferred_scheduling_term_clear(KsPreferredSchedulingTerm *t) {
  ks_node_selector_term_clear(&t->preference);
}

void ks_preferred_scheduling_term_copy(KsPreferredSchedulingTerm *dst,
                                       const KsPreferredSchedulingTerm *src) {
  dst->weight = src->weight;
  ks_node_selector_term_copy(&dst->preference, &src->preference);
}

static void preferred_scheduling_term_clear_func(gpointer p) {
  ks_preferred_scheduling_term_clear(p);
}

GArray *ks_preferred_scheduling_term_array_new(void) {
  GArray *a = g_array_new(FALSE, TRUE, sizeof(KsPreferredSchedulingTerm));
  g_array_set_clear_func(a, preferred_scheduling_term_clear_func);
  return a;
}

static GArray *preferred_scheduling_terms_copy(const GArray *src) {
  if (src == NULL)
    return NULL;
  GArray *a = ks_preferred_scheduling_term_array_new();
  g_array_set_size(a, src->len);
  for (guint i = 0; i < src->len; i++)
    ks_preferred_scheduling_term_copy(&g_array_index(a, KsPreferredSchedulingTerm, i),
                                      &g_array_index(src, KsPreferredSchedulingTerm, i));
  return a;
}

KsNodeAffinity *ks_node_affinity_new(void) {
  return g_new0(KsNodeAffinity, 1);
}

void ks_node_affinity_free(KsNodeAffinity *na) {
  if (na == NULL)
    return;
  ks_node_selector_free(na->required);
  if (na->preferred != NULL)
    g_array_unref(na->preferred);
  g_free(na);
}

KsNodeAffinity *ks_node_affinity_copy(const KsNodeAffinity *na) {
  if (na == NULL)
    return NULL;
  KsNodeAffinity *c = ks_node_affinity_new();
  c->required = ks_node_selector_copy(na->required);
  c->preferred = preferred_scheduling_terms_copy(na->preferred);
  return c;
}

/* ---- pod affinity terms --------------------------------------------------- */

void ks_pod_affinity_term_clear(KsPodAffinityTerm *t) {
  g_clear_pointer(&t->label_selector, ks_label_selector_free);
  g_clear_pointer(&t->namespaces, g_strfreev);
  g_clear_pointer(&t->namespace_selector, ks_label_selector_free);
  g_clear_pointer(&t->topology_key, g_free);
  g_clear_pointer(&t->match_label_keys, g_strfreev);
  g_clear_pointer(&t->mismatch_label_keys, g_strfreev);
}

void ks_pod_affinity_term_copy(KsPodAffinityTerm *dst, const KsPodAffinityTerm *src) {
  dst->label_selector = ks_label_selector_copy(src->label_selector);
  dst->namespaces = g_strdupv(src->namespaces);
  dst->namespace_selector = ks_label_selector_copy(src->namespace_selector);
  dst->topology_key = g_strdup(src->topology_key);
  dst->match_label_keys = g_strdupv(src->match_label_keys);
  dst->mismatch_label_keys = g_strdupv(src->mismatch_label_keys);
}

static gboolean namespaces_contain(char *const *namespaces, const char *ns) {
  for (char *const *p = namespaces; p != NULL && *p != NULL; p++)
    if (strcmp(*p, ns) == 0)
      return TRUE;
  return FALSE;
}

gboolean ks_pod_affinity_term_selects_namespace(const KsPodAffinityTerm *t, const char *owner_ns,
                                                const char *pod_ns, const KsLabels *ns_labels) {
  gboolean no_names = t->namespaces == NULL || t->namespaces[0] == NULL;
  if (no_names && t->namespace_selector == NULL)
    return g_strcmp0(owner_ns, pod_ns) == 0;
  if (pod_ns != NULL && namespaces_contain(t->namespaces, pod_ns))
    return TRUE;
  if (t->namespace_selector == NULL)
    return FALSE;
  /* Unknown namespace labels read as an empty set: {} still matches. */
  KsLabels none = {NULL, 0};
  return ks_label_selector_matches(t->namespace_selector, ns_labels != NULL ? ns_labels : &none);
}

gboolean ks_pod_affinity_term_matches(const KsPodAffinityTerm *t, const char *owner_ns,
                                      const char *pod_ns, const KsLabels *pod_labels,
                                      const KsLabels *ns_labels) {
  return ks_pod_affinity_term_selects_namespace(t, owner_ns, pod_ns, ns_labels) &&
         ks_label_selector_matches(t->label_selector, pod_labels);
}

void ks_pod_affinity_term_apply_label_keys(KsPodAffinityTerm *t, const KsLabels *pod_labels) {
  ks_label_selector_add_label_keys(t->label_selector, t->match_label_keys, KS_SELECTOR_OP_IN,
                                   pod_labels);
  ks_label_selector_add_label_keys(t->label_selector, t->mismatch_label_keys,
                                   KS_SELECTOR_OP_NOT_IN, pod_labels);
}

static void pod_affinity_apply_label_keys(KsPodAffinity *pa, const KsLabels *pod_labels) {
  if (pa == NULL)
    return;
  for (guint i = 0; pa->required != NULL && i < pa->required->len; i++)
    ks_pod_affinity_term_apply_label_keys(&g_array_index(pa->required, KsPodAffinityTerm, i),
                                          pod_labels);
  for (guint i = 0; pa->preferred != NULL && i < pa->preferred->len; i++)
    ks_pod_affinity_term_apply_label_keys(
        &g_array_index(pa->preferred, KsWeightedPodAffinityTerm, i).term, pod_labels);
}

void ks_affinity_apply_label_keys(KsAffinity *a, const KsLabels *pod_labels) {
  if (a == NULL)
    return;
  pod_affinity_apply_label_keys(a->pod_affinity, pod_labels);
  pod_affinity_apply_label_keys(a->pod_anti_affinity, pod_labels);
}

static void pod_affinity_term_clear_func(gpointer p) {
  ks_pod_affinity_term_clear(p);
}

GArray *ks_pod_affinity_term_array_new(void) {
  GArray *a = g_array_new(FALSE, TRUE, sizeof(KsPodAffinityTerm));
  g_array_set_clear_func(a, pod_affinity_term_clear_func);
  return a;
}

void ks_weighted_pod_affinity_term_clear(KsWeightedPodAffinityTerm *t) {
  ks_pod_affinity_term_clear(&t->term);
}

void ks_weighted_pod_affinity_term_copy(KsWeightedPodAffinityTerm *dst,
                                        const KsWeightedPodAffinityTerm *src) {
  dst->weight = src->weight;
  ks_pod_affinity_term_copy(&dst->term, &src->term);
}

static void weighted_term_clear_func(gpointer p) {
  ks_weighted_pod_affinity_term_clear(p);
}

GArray *ks_weighted_pod_affinity_term_array_new(void) {
  GArray *a = g_array_new(FALSE, TRUE, sizeof(KsWeightedPodAffinityTerm));
  g_array_set_clear_func(a, weighted_term_clear_func);
  return a;
}

/* ---- pod (anti-)affinity -------------------------------------------------- */

KsPodAffinity *ks_pod_affinity_new(void) {
  return g_new0(KsPodAffinity, 1);
}

void ks_pod_affinity_free(KsPodAffinity *pa) {
  if (pa == NULL)
    return;
  if (pa->required != NULL)
    g_array_unref(pa->required);
  if (pa->preferred != NULL)
    g_array_unref(pa->preferred);
  g_free(pa);
}

static GArray *pod_affinity_terms_copy(const GArray *src) {
  if (src == NULL)
    return NULL;
  GArray *a = ks_pod_affinity_term_array_new();
  g_array_set_size(a, src->len);
  for (guint i = 0; i < src->len; i++)
    ks_pod_affinity_term_copy(&g_array_index(a, KsPodAffinityTerm, i),
                              &g_array_index(src, KsPodAffinityTerm, i));
  return a;
}

static GArray *weighted_terms_copy(const GArray *src) {
  if (src == NULL)
    return NULL;
  GArray *a = ks_weighted_pod_affinity_term_array_new();
  g_array_set_size(a, src->len);
  for (guint i = 0; i < src->len; i++)
    ks_weighted_pod_affinity_term_copy(&g_array_index(a, KsWeightedPodAffinityTerm, i),
                                       &g_array_index(src, KsWeightedPodAffinityTerm, i));
  return a;
}

KsPodAffinity *ks_pod_affinity_copy(const KsPodAffinity *pa) {
  if (pa == NULL)
    return NULL;
  KsPodAffinity *c = ks_pod_affinity_new();
  c->required = pod_affinity_terms_copy(pa->required);
  c->preferred = weighted_terms_copy(pa->preferred);
  return c;
}

/* ---- affinity ------------------------------------------------------------- */

KsAffinity *ks_affinity_new(void) {
  return g_new0(KsAffinity, 1);
}

void ks_affinity_free(KsAffinity *a) {
  if (a == NULL)
    return;
  ks_node_affinity_free(a->node_affinity);
  ks_pod_affinity_free(a->pod_affinity);
  ks_pod_affinity_free(a->pod_anti_affinity);
  g_free(a);
}

KsAffinity *ks_affinity_copy(const KsAffinity *a) {
  if (a == NULL)
    return NULL;
  KsAffinity *c = ks_affinity_new();
  c->node_affinity = ks_node_affinity_copy(a->node_affinity);
  c->pod_affinity = ks_pod_affinity_copy(a->pod_affinity);
  c->pod_anti_affinity = ks_pod_affinity_copy(a->pod_anti_affinity);
  return c;
}

/* ---- topology spread constraints ----------------------------------------- */

void ks_topology_spread_constraint_clear(KsTopologySpreadConstraint *c) {
  g_clear_pointer(&c->topology_key, g_free);
  g_clear_pointer(&c->label_selector, ks_label_selector_free);
  g_clear_pointer(&c->match_label_keys, g_strfreev);
}

void ks_topology_spread_constraint_copy(KsTopologySpreadConstraint *dst,
                                        const KsTopologySpreadConstraint *src) {
  *dst = *src;
  dst->topology_key = g_strdup(src->topology_key);
  dst->label_selector = ks_label_selector_copy(src->label_selector);
  dst->match_label_keys = g_strdupv(src->match_label_keys);
}

static void tsc_clear_func(gpointer p) {
  ks_topology_spread_constraint_clear(p);
}

GArray *ks_topology_spread_constraint_array_new(void) {
  GArray *a = g_array_new(FALSE, TRUE, sizeof(KsTopologySpreadConstraint));
  g_array_set_clear_func(a, tsc_clear_func);
  return a;
}

GArray *ks_topology_spread_constraint_array_copy(const GArray *src) {
  if (src == NULL)
    return NULL;
  GArray *a = ks_topology_spread_constraint_array_new();
  g_array_set_size(a, src->len);
  for (guint i = 0; i < src->len; i++)
    ks_topology_spread_constraint_copy(&g_array_index(a, KsTopologySpreadConstraint, i),
                                       &g_array_index(src, KsTopologySpreadConstraint, i));
  return a;
}
