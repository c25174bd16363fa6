/* Tests of pod affinity term matching (kube-semantics 3.11: namespaces ∪
 * namespaceSelector, owner's namespace when both are unset, {} selects all
 * namespaces, nil labelSelector selects no pod) and of the deep copies and
 * frees of the affinity types (run under ASan they also prove ownership). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sched/affinity.h"

typedef enum { SEL_NULL, SEL_EMPTY, SEL_APP_WEB, SEL_TEAM_A, SEL_INVALID } SelKind;

typedef struct {
  const char *name;
  gboolean ns_set;        /* namespaces non-NULL (possibly empty) */
  const char *ns[3];      /* NULL-terminated */
  SelKind ns_selector;
  SelKind label_selector;
  const char *owner_ns;
  const char *pod_ns;
  const char *pod_labels; /* "k=v,..." */
  const char *ns_labels;  /* NULL: namespace labels unknown */
  gboolean want;
} TermCase;

static const TermCase cases[] = {
    {"unset: owner's namespace", FALSE, {NULL}, SEL_NULL, SEL_APP_WEB, "ns1", "ns1", "app=web",
     NULL, TRUE},
    {"unset: other namespace", FALSE, {NULL}, SEL_NULL, SEL_APP_WEB, "ns1", "ns2", "app=web",
     "team=a", FALSE},
    {"empty-but-set namespaces: owner's namespace", TRUE, {NULL}, SEL_NULL, SEL_APP_WEB, "ns1",
     "ns1", "app=web", NULL, TRUE},
    {"empty-but-set namespaces: other namespace", TRUE, {NULL}, SEL_NULL, SEL_APP_WEB, "ns1", "ns2",
     "app=web", NULL, FALSE},
    {"namespaces list contains pod's", TRUE, {"ns2", "ns3"}, SEL_NULL, SEL_APP_WEB, "ns1", "ns3",
     "app=web", NULL, TRUE},
    {"namespaces list replaces owner's namespace", TRUE, {"ns2"}, SEL_NULL, SEL_APP_WEB, "ns1",
     "ns1", "app=web", NULL, FALSE},
    {"empty namespaceSelector selects every namespace", FALSE, {NULL}, SEL_EMPTY, SEL_APP_WEB, "ns1",
     "ns9", "app=web", "team=z", TRUE},
    {"empty namespaceSelector, namespace labels unknown", FALSE, {NULL}, SEL_EMPTY, SEL_APP_WEB,
     "ns1", "ns9", "app=web", NULL, TRUE},
    {"namespaceSelector matches namespace labels", FALSE, {NULL}, SEL_TEAM_A, SEL_APP_WEB, "ns1",
     "ns2", "app=web", "team=a", TRUE},
    {"namespaceSelector does not match", FALSE, {NULL}, SEL_TEAM_A, SEL_APP_WEB, "ns1", "ns2",
     "app=web", "team=b", FALSE},
    {"namespaceSelector, labels unknown", FALSE, {NULL}, SEL_TEAM_A, SEL_APP_WEB, "ns1", "ns2",
     "app=web", NULL, FALSE},
    {"namespaceSelector set: owner's namespace not implied", FALSE, {NULL}, SEL_TEAM_A, SEL_APP_WEB,
     "ns1", "ns1", "app=web", "team=b", FALSE},
    {"union: listed namespace", TRUE, {"ns2"}, SEL_TEAM_A, SEL_APP_WEB, "ns1", "ns2", "app=web",
     "team=b", TRUE},
    {"union: selected namespace", TRUE, {"ns2"}, SEL_TEAM_A, SEL_APP_WEB, "ns1", "ns3", "app=web",
     "team=a", TRUE},
    {"union: neither", TRUE, {"ns2"}, SEL_TEAM_A, SEL_APP_WEB, "ns1", "ns1", "app=web", "team=b",
     FALSE},
    {"invalid namespaceSelector selects nothing", FALSE, {NULL}, SEL_INVALID, SEL_APP_WEB, "ns1",
     "ns1", "app=web", "team=a", FALSE},
    {"nil labelSelector matches no pod", FALSE, {NULL}, SEL_NULL, SEL_NULL, "ns1", "ns1", "app=web",
     NULL, FALSE},
    {"empty labelSelector matches every pod", FALSE, {NULL}, SEL_NULL, SEL_EMPTY, "ns1", "ns1", "",
     NULL, TRUE},
    {"labelSelector does not match", FALSE, {NULL}, SEL_NULL, SEL_APP_WEB, "ns1", "ns1", "app=db",
     NULL, FALSE},
    {"namespace matches but labels do not (all namespaces)", FALSE, {NULL}, SEL_EMPTY, SEL_APP_WEB,
     "ns1", "ns2", "tier=fe", NULL, FALSE},
};

static void parse_labels(KsLabels *l, const char *s) {
  ks_labels_init(l);
  if (s == NULL || *s == '\0')
    return;
  char **kvs = g_strsplit(s, ",", -1);
  for (char **p = kvs; *p != NULL; p++) {
    char *eq = strchr(*p, '=');
    assert_non_null(eq);
    *eq = '\0';
    ks_labels_set(l, *p, eq + 1);
  }
  g_strfreev(kvs);
}

/* transfer full */
static KsLabelSelector *make_selector(SelKind k) {
  static const char *one[] = {"1", NULL};
  KsLabelSelector *s = NULL;
  switch (k) {
  case SEL_NULL:
    return NULL;
  case SEL_EMPTY:
    return ks_label_selector_new();
  case SEL_APP_WEB:
    s = ks_label_selector_new();
    ks_labels_set(&s->match_labels, "app", "web");
    return s;
  case SEL_TEAM_A:
    s = ks_label_selector_new();
    ks_labels_set(&s->match_labels, "team", "a");
    return s;
  case SEL_INVALID: /* Gt is not a LabelSelector operator */
    s = ks_label_selector_new();
    ks_label_selector_add_expression(s, "team", KS_SELECTOR_OP_GT, one);
    return s;
  }
  return NULL;
}

static void build_term(KsPodAffinityTerm *t, const TermCase *c) {
  memset(t, 0, sizeof *t);
  t->label_selector = make_selector(c->label_selector);
  t->namespace_selector = make_selector(c->ns_selector);
  if (c->ns_set)
    t->namespaces = g_strdupv((char **)c->ns);
  t->topology_key = g_strdup("kubernetes.io/hostname");
}

static void test_term_namespace_table(void **state) {
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    const TermCase *c = &cases[i];
    KsPodAffinityTerm t, copy;
    build_term(&t, c);
    KsLabels pod_labels, ns_labels;
    parse_labels(&pod_labels, c->pod_labels);
    parse_labels(&ns_labels, c->ns_labels);
    const KsLabels *nsl = c->ns_labels != NULL ? &ns_labels : NULL;
    gboolean got = ks_pod_affinity_term_matches(&t, c->owner_ns, c->pod_ns, &pod_labels, nsl);
    if (got != c->want)
      fail_msg("affinity term case \"%s\": got %d want %d", c->name, got, c->want);
    ks_pod_affinity_term_copy(&copy, &t);
    ks_pod_affinity_term_clear(&t);
    assert_int_equal(ks_pod_affinity_term_matches(&copy, c->owner_ns, c->pod_ns, &pod_labels, nsl),
                     c->want);
    ks_pod_affinity_term_clear(&copy);
    ks_labels_clear(&pod_labels);
    ks_labels_clear(&ns_labels);
  }
}

/* transfer full: an affinity with every part populated. */
static KsAffinity *make_full_affinity(void) {
  static const char *zones[] = {"a", "b", NULL};
  KsAffinity *a = ks_affinity_new();
  a->node_affinity = ks_node_affinity_new();
  a->node_affinity->required = ks_node_selector_new();
  ks_node_selector_term_add_expression(ks_node_selector_add_term(a->node_affinity->required),
                                       "zone", KS_SELECTOR_OP_IN, zones);
  a->node_affinity->preferred = ks_preferred_scheduling_term_array_new();
  KsPreferredSchedulingTerm pref = {.weight = 10};
  ks_node_selector_term_add_expression(&pref.preference, "ssd", KS_SELECTOR_OP_EXISTS, NULL);
  g_array_append_val(a->node_affinity->preferred, pref);

  a->pod_affinity = ks_pod_affinity_new();
  a->pod_affinity->required = ks_pod_affinity_term_array_new();
  KsPodAffinityTerm req = {.label_selector = make_selector(SEL_APP_WEB),
                           .topology_key = g_strdup("zone")};
  g_array_append_val(a->pod_affinity->required, req);

  a->pod_anti_affinity = ks_pod_affinity_new();
  a->pod_anti_affinity->preferred = ks_weighted_pod_affinity_term_array_new();
  KsWeightedPodAffinityTerm w = {.weight = 50};
  w.term.label_selector = make_selector(SEL_EMPTY);
  w.term.namespace_selector = make_selector(SEL_TEAM_A);
  w.term.topology_key = g_strdup("kubernetes.io/hostname");
  w.term.match_label_keys = g_strsplit("pod-template-hash", ",", -1);
  g_array_append_val(a->pod_anti_affinity->preferred, w);
  return a;
}

static void test_affinity_copy(void **state) {
  KsAffinity *a = make_full_affinity();
  KsAffinity *c = ks_affinity_copy(a);
  ks_affinity_free(a); /* the copy must not share anything */

  KsLabels node;
  ks_labels_init(&node);
  ks_labels_set(&node, "zone", "b");
  assert_true(ks_node_selector_matches(c->node_affinity->required, &node, "n1"));
  KsPreferredSchedulingTerm *p =
      &g_array_index(c->node_affinity->preferred, KsPreferredSchedulingTerm, 0);
  assert_int_equal(p->weight, 10);
  assert_false(ks_node_selector_term_matches(&p->preference, &node, "n1"));

  KsLabels pod;
  ks_labels_init(&pod);
  ks_labels_set(&pod, "app", "web");
  KsPodAffinityTerm *r = &g_array_index(c->pod_affinity->required, KsPodAffinityTerm, 0);
  assert_string_equal(r->topology_key, "zone");
  assert_true(ks_pod_affinity_term_matches(r, "ns1", "ns1", &pod, NULL));
  assert_null(c->pod_affinity->preferred);

  KsWeightedPodAffinityTerm *w =
      &g_array_index(c->pod_anti_affinity->preferred, KsWeightedPodAffinityTerm, 0);
  assert_int_equal(w->weight, 50);
  assert_string_equal(w->term.match_label_keys[0], "pod-template-hash");
  KsLabels team;
  ks_labels_init(&team);
  ks_labels_set(&team, "team", "a");
  assert_true(ks_pod_affinity_term_matches(&w->term, "ns1", "ns7", &pod, &team));

  ks_affinity_free(c);
  ks_labels_clear(&node);
  ks_labels_clear(&pod);
  ks_labels_clear(&team);
  assert_null(ks_affinity_copy(NULL));
  ks_affinity_free(NULL);
  assert_null(ks_node_affinity_copy(NULL));
  assert_null(ks_pod_affinity_copy(NULL));
}

static void test_topology_spread_copy(void **state) {
  GArray *a = ks_topology_spread_constraint_array_new();
  KsTopologySpreadConstraint c = {
      .max_skew = 2,
      .topology_key = g_strdup("topology.kubernetes.io/zone"),
      .when_unsatisfiable = KS_UNSATISFIABLE_SCHEDULE_ANYWAY,
      .label_selector = make_selector(SEL_APP_WEB),
      .min_domains = 3,
      .node_affinity_policy = KS_INCLUSION_POLICY_IGNORE,
      .node_taints_policy = KS_INCLUSION_POLICY_HONOR,
      .match_label_keys = g_strsplit("pod-template-hash", ",", -1),
  };
  g_array_append_val(a, c);
  GArray *b = ks_topology_spread_constraint_array_copy(a);
  g_array_unref(a);
  KsTopologySpreadConstraint *d = &g_array_index(b, KsTopologySpreadConstraint, 0);
  assert_int_equal(d->max_skew, 2);
  assert_string_equal(d->topology_key, "topology.kubernetes.io/zone");
  assert_int_equal(d->when_unsatisfiable, KS_UNSATISFIABLE_SCHEDULE_ANYWAY);
  assert_int_equal(d->min_domains, 3);
  assert_int_equal(d->node_affinity_policy, KS_INCLUSION_POLICY_IGNORE);
  assert_int_equal(d->node_taints_policy, KS_INCLUSION_POLICY_HONOR);
  assert_string_equal(d->match_label_keys[0], "pod-template-hash");
  KsLabels pod;
  ks_labels_init(&pod);
  ks_labels_set(&pod, "app", "web");
  assert_true(ks_label_selector_matches(d->label_selector, &pod));
  ks_labels_clear(&pod);
  g_array_unref(b);
  assert_null(ks_topology_spread_constraint_array_copy(NULL));
}

/* matchLabelKeys / mismatchLabelKeys folded as the API server does
 * (pkg/registry/core/pod strategy applyMatchLabelKeysAndMismatchLabelKeys). */
static void test_apply_label_keys(void **state) {
  KsLabels owner, same, other_hash, other_tenant;
  parse_labels(&owner, "app=web,pod-template-hash=h1,tenant=t1");
  parse_labels(&same, "app=web,pod-template-hash=h1,tenant=t2");
  parse_labels(&other_hash, "app=web,pod-template-hash=h2,tenant=t2");
  parse_labels(&other_tenant, "app=web,pod-template-hash=h1,tenant=t1");

  KsAffinity *a = ks_affinity_new();
  a->pod_anti_affinity = ks_pod_affinity_new();
  a->pod_anti_affinity->required = ks_pod_affinity_term_array_new();
  KsPodAffinityTerm t = {.label_selector = make_selector(SEL_APP_WEB),
                         .topology_key = g_strdup("zone"),
                         .match_label_keys = g_strsplit("pod-template-hash,missing", ",", -1),
                         .mismatch_label_keys = g_strsplit("tenant", ",", -1)};
  g_array_append_val(a->pod_anti_affinity->required, t);
  /* A nil labelSelector stays nil (matches nothing). */
  KsPodAffinityTerm nil_term = {.match_label_keys = g_strsplit("app", ",", -1)};
  g_array_append_val(a->pod_anti_affinity->required, nil_term);

  ks_affinity_apply_label_keys(a, &owner);
  KsPodAffinityTerm *f = &g_array_index(a->pod_anti_affinity->required, KsPodAffinityTerm, 0);
  /* app=web AND pod-template-hash in (h1) AND tenant notin (t1); "missing" skipped */
  assert_int_equal(f->label_selector->match_expressions->len, 2);
  assert_true(ks_pod_affinity_term_matches(f, "ns", "ns", &same, NULL));
  assert_false(ks_pod_affinity_term_matches(f, "ns", "ns", &other_hash, NULL));
  assert_false(ks_pod_affinity_term_matches(f, "ns", "ns", &other_tenant, NULL));
  KsPodAffinityTerm *n = &g_array_index(a->pod_anti_affinity->required, KsPodAffinityTerm, 1);
  assert_null(n->label_selector);
  assert_false(ks_pod_affinity_term_matches(n, "ns", "ns", &same, NULL));
  ks_affinity_apply_label_keys(NULL, &owner);

  ks_affinity_free(a);
  ks_labels_clear(&owner);
  ks_labels_clear(&same);
  ks_labels_clear(&other_hash);
  ks_labels_clear(&other_tenant);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_term_namespace_table),
      cmocka_unit_test(test_affinity_copy),
      cmocka_unit_test(test_topology_spread_copy),
      cmocka_unit_test(test_apply_label_keys),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
