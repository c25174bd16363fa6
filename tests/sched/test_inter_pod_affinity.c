/* InterPodAffinity: upstream filtering_test.go (TestRequiredAffinitySingleNode,
 * TestRequiredAffinityMultipleNodes) and scoring_test.go (TestPreferredAffinity,
 * TestPreferredAffinityWithHardPodAffinitySymmetricWeight) ported case by case
 * with their exact statuses and normalized scores, plus ksim's own checks
 * (args, cycle state, ghost nodes, unknown namespaces, float truncation).
 *
 * Upstream's default namespace "" is "default" here (ks pods always have a
 * namespace). The upstream cases with an invalid label value
 * ("{{.bad-value.}}") are not ported: ksim rejects such selectors when it
 * loads pods, so the plugin never sees them. */
#include "tests/sched/plugin_harness.h"

#include "sched/plugins/inter_pod_affinity.h"

/* ---- builders ------------------------------------------------------------------ */

/* A pod in namespace ns with labels given as key, value pairs, NULL-ended. */
static KsPod *mkpod(const char *ns, const char *name, ...) {
  KsPod *p = ks_pod_new(ns, name);
  ks_pod_add_container(p, "c", FALSE);
  va_list ap;
  va_start(ap, name);
  for (const char *k = va_arg(ap, const char *); k; k = va_arg(ap, const char *))
    ks_labels_set(&p->labels, k, va_arg(ap, const char *));
  va_end(ap);
  return p;
}

static KsPodAffinity *part(KsPod *p, gboolean anti) {
  if (!p->affinity)
    p->affinity = ks_affinity_new();
  KsPodAffinity **pa = anti ? &p->affinity->pod_anti_affinity : &p->affinity->pod_affinity;
  if (!*pa)
    *pa = ks_pod_affinity_new();
  return *pa;
}

static void term_init(KsPodAffinityTerm *t, const char *topo) {
  t->label_selector = ks_label_selector_new();
  t->topology_key = g_strdup(topo);
}

/* Appends a required term (empty label selector) and returns it. */
static KsPodAffinityTerm *req(KsPod *p, gboolean anti, const char *topo) {
  KsPodAffinity *pa = part(p, anti);
  if (!pa->required)
    pa->required = ks_pod_affinity_term_array_new();
  g_array_set_size(pa->required, pa->required->len + 1);
  KsPodAffinityTerm *t = &g_array_index(pa->required, KsPodAffinityTerm, pa->required->len - 1);
  term_init(t, topo);
  return t;
}

/* Appends a preferred term of weight w and returns its term. */
static KsPodAffinityTerm *pref(KsPod *p, gboolean anti, gint32 w, const char *topo) {
  KsPodAffinity *pa = part(p, anti);
  if (!pa->preferred)
    pa->preferred = ks_weighted_pod_affinity_term_array_new();
  g_array_set_size(pa->preferred, pa->preferred->len + 1);
  KsWeightedPodAffinityTerm *w8 =
      &g_array_index(pa->preferred, KsWeightedPodAffinityTerm, pa->preferred->len - 1);
  w8->weight = w;
  term_init(&w8->term, topo);
  return &w8->term;
}

/* ANDs "key op values..." (values NULL-ended) into the term's label selector. */
static KsPodAffinityTerm *expr(KsPodAffinityTerm *t, const char *key, KsSelectorOp op, ...) {
  const char *vals[8];
  guint n = 0;
  va_list ap;
  va_start(ap, op);
  for (const char *v = va_arg(ap, const char *); v && n < 7; v = va_arg(ap, const char *))
    vals[n++] = v;
  va_end(ap);
  vals[n] = NULL;
  ks_label_selector_add_expression(t->label_selector, key, op, n ? vals : NULL);
  return t;
}

/* namespaceSelector "team In value" (value NULL: the empty selector {}). */
static void ns_selector(KsPodAffinityTerm *t, const char *team) {
  t->namespace_selector = ks_label_selector_new();
  if (team) {
    const char *vals[] = {team, NULL};
    ks_label_selector_add_expression(t->namespace_selector, "team", KS_SELECTOR_OP_IN, vals);
  }
}

static void namespaces(KsPodAffinityTerm *t, const char *a, const char *b) {
  const char *v[] = {a, b, NULL};
  t->namespaces = g_strdupv((char **)v);
}

/* The st.MakePod() shorthands of upstream tests. */
#define IN KS_SELECTOR_OP_IN
#define NOT_IN KS_SELECTOR_OP_NOT_IN
#define EXISTS KS_SELECTOR_OP_EXISTS
#define NOT_EXIST KS_SELECTOR_OP_DOES_NOT_EXIST
#define AFF FALSE
#define ANTI TRUE

static KsNode *mknode(const char *name, ...) {
  KsNode *n = ks_test_node(name, "4", "8Gi");
  va_list ap;
  va_start(ap, name);
  for (const char *k = va_arg(ap, const char *); k; k = va_arg(ap, const char *))
    ks_labels_set(&n->labels, k, va_arg(ap, const char *));
  va_end(ap);
  return n;
}

static void add_ns(KsTestEnv *e, const char *name, const char *team) {
  KsLabels l;
  ks_labels_init(&l);
  if (team)
    ks_labels_set(&l, "team", team);
  ks_sched_cache_set_namespace(e->cache, name, &l);
  ks_labels_clear(&l);
}

/* scoring_test.go's `namespaces` */
static void add_team_namespaces(KsTestEnv *e) {
  add_ns(e, "subteam1.team1", "team1");
  add_ns(e, "subteam2.team1", "team1");
  add_ns(e, "subteam1.team2", "team2");
  add_ns(e, "subteam2.team2", "team2");
}

/* ---- expected filter outcomes ------------------------------------------------------ */

typedef enum { OK, W_AFF, W_ANTI, W_EXIST } Want;

static void expect_status(const KsSchedStatus *st, Want w, guint node) {
  static const KsSchedCode codes[] = {KS_SCHED_SUCCESS, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE,
                                      KS_SCHED_UNSCHEDULABLE, KS_SCHED_UNSCHEDULABLE};
  static const char *const reasons[] = {"", "node(s) didn't match pod affinity rules",
                                        "node(s) didn't match pod anti-affinity rules",
                                        "node(s) didn't satisfy existing pods anti-affinity rules"};
  if (st->code != codes[w] || strcmp(ks_test_reason(st), reasons[w]) != 0)
    fail_msg("node %u: got %s \"%s\", want %s \"%s\"", node, ks_sched_code_to_string(st->code),
             ks_test_reason(st), ks_sched_code_to_string(codes[w]), reasons[w]);
  assert_int_equal(st->n_reasons, w == OK ? 0 : 1);
}

/* Runs PreFilter + Filter for `pod` (transfer full) over every node of e;
 * want_skip: PreFilter must return Skip (then `want` is not read). */
static void run_filter(KsTestEnv *e, KsPod *pod, gboolean want_skip, const Want *want) {
  KsSchedStatus st[8];
  KsSchedCode pre = ks_test_env_filter(e, pod, st, NULL);
  assert_int_equal(pre, want_skip ? KS_SCHED_SKIP : KS_SCHED_SUCCESS);
  for (guint i = 0; !want_skip && i < e->n_nodes; i++)
    expect_status(&st[i], want[i], i);
  ks_pod_unref(pod);
  ks_test_env_clear(e);
}

static void bind(KsTestEnv *e, KsPod *p, const char *node) {
  ks_test_env_add_pod(e, p, node);
}

/* ---- TestRequiredAffinitySingleNode ---------------------------------------------------- */

/* node1 {region: r1, zone: z11}, the team namespaces */
static void single_env(KsTestEnv *e) {
  ks_test_env_init(e, &ks_sched_plugin_inter_pod_affinity, NULL);
  ks_test_env_add_node(e, mknode("node1", "region", "r1", "zone", "z11", NULL));
  add_team_namespaces(e);
}

/* upstream `pod`: {service: securityscan} on node1 */
static void bind_securityscan(KsTestEnv *e) {
  bind(e, mkpod("default", "pod", "service", "securityscan", NULL), "node1");
}

static const Want ok1[] = {OK}, aff1[] = {W_AFF}, anti1[] = {W_ANTI}, exist1[] = {W_EXIST};

/* "A pod that has no required pod affinity scheduling rules can schedule onto a node with no existing pods" */
static void test_single_no_rules(void **state) {
  KsTestEnv e;
  single_env(&e);
  run_filter(&e, ks_pod_new("default", "p"), TRUE, NULL);
}

/* "satisfies with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using In operator that matches the existing pod" */
static void test_single_in_matches(void **state) {
  KsTestEnv e;
  single_env(&e);
  bind_securityscan(&e);
  KsPod *p = mkpod("default", "p", "security", "S1", NULL);
  expr(req(p, AFF, "region"), "service", IN, "securityscan", "value2", NULL);
  run_filter(&e, p, FALSE, ok1);
}

/* "satisfies the pod with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using not in operator in labelSelector that matches the existing pod" */
static void test_single_not_in_matches(void **state) {
  KsTestEnv e;
  single_env(&e);
  bind_securityscan(&e);
  KsPod *p = mkpod("default", "p", "security", "S1", NULL);
  expr(req(p, AFF, "region"), "service", NOT_IN, "securityscan3", "value3", NULL);
  run_filter(&e, p, FALSE, ok1);
}

/* "Does not satisfy the PodAffinity with labelSelector because of diff Namespace" */
static void test_single_diff_namespace(void **state) {
  KsTestEnv e;
  single_env(&e);
  bind(&e, mkpod("ns", "x", "service", "securityscan", NULL), "node1");
  KsPod *p = mkpod("default", "p", "security", "S1", NULL);
  KsPodAffinityTerm *t = expr(req(p, AFF, ""), "service", IN, "securityscan", "value2", NULL);
  namespaces(t, "DiffNameSpace", NULL);
  run_filter(&e, p, FALSE, aff1);
}

/* "Doesn't satisfy the PodAffinity because of unmatching labelSelector with the existing pod" */
static void test_single_unmatching_selector(void **state) {
  KsTestEnv e;
  single_env(&e);
  bind_securityscan(&e);
  KsPod *p = mkpod("default", "p", "service", "securityscan", NULL);
  expr(req(p, AFF, ""), "service", IN, "antivirusscan", "value2", NULL);
  run_filter(&e, p, FALSE, aff1);
}

/* "satisfies the PodAffinity with different label Operators in multiple RequiredDuringSchedulingIgnoredDuringExecution " */
static void test_single_multiple_operators(void **state) {
  KsTestEnv e;
  single_env(&e);
  bind_securityscan(&e);
  KsPod *p = mkpod("default", "p", "security", "S1", NULL);
  KsPodAffinityTerm *t = req(p, AFF, "region");
  expr(t, "service", EXISTS, NULL);
  expr(t, "wrongkey", NOT_EXIST, NULL);
  t = req(p, AFF, "region");
  expr(t, "service", IN, "securityscan", NULL);
  expr(t, "service", NOT_IN, "WrongValue", NULL);
  run_filter(&e, p, FALSE, ok1);
}

/* "The labelSelector requirements(items of matchExpressions) are ANDed, the pod cannot schedule onto the node because one of the matchExpression item don't match." */
static void test_single_requirements_anded(void **state) {
  KsTestEnv e;
  single_env(&e);
  bind_securityscan(&e);
  KsPod *p = mkpod("default", "p", "security", "S1", NULL);
  KsPodAffinityTerm *t = req(p, AFF, "region");
  expr(t, "service", EXISTS, NULL);
  expr(t, "wrongkey", NOT_EXIST, NULL);
  t = req(p, AFF, "region");
  expr(t, "service", IN, "securityscan2", NULL);
  expr(t, "service", NOT_IN, "WrongValue", NULL);
  run_filter(&e, p, FALSE, aff1);
}

/* the incoming pod of the next three upstream cases */
static KsPod *aff_region_anti_node(const char *label_key, const char *label_value) {
  KsPod *p = mkpod("default", "p", label_key, label_value, NULL);
  expr(req(p, AFF, "region"), "service", IN, "securityscan", "value2", NULL);
  expr(req(p, ANTI, "node"), "service", IN, "antivirusscan", "value2", NULL);
  return p;
}

/* "satisfies the PodAffinity and PodAntiAffinity with the existing pod" */
static void test_single_aff_and_anti(void **state) {
  KsTestEnv e;
  single_env(&e);
  bind_securityscan(&e);
  run_filter(&e, aff_region_anti_node("security", "S1"), FALSE, ok1);
}

/* "satisfies the PodAffinity and PodAntiAffinity and PodAntiAffinity symmetry with the existing pod" */
static void test_single_aff_anti_symmetry(void **state) {
  KsTestEnv e;
  single_env(&e);
  KsPod *x = mkpod("default", "x", "service", "securityscan", NULL);
  expr(req(x, ANTI, "node"), "service", IN, "antivirusscan", "value2", NULL);
  bind(&e, x, "node1");
  run_filter(&e, aff_region_anti_node("security", "S1"), FALSE, ok1);
}

/* "satisfies the PodAffinity but doesn't satisfy the PodAntiAffinity with the existing pod" */
static void test_single_anti_fails(void **state) {
  KsTestEnv e;
  single_env(&e);
  bind_securityscan(&e);
  KsPod *p = mkpod("default", "p", "security", "S1", NULL);
  expr(req(p, AFF, "region"), "service", IN, "securityscan", "value2", NULL);
  expr(req(p, ANTI, "zone"), "service", IN, "securityscan", "value2", NULL);
  run_filter(&e, p, FALSE, anti1);
}

/* "satisfies the PodAffinity and PodAntiAffinity but doesn't satisfy PodAntiAffinity symmetry with the existing pod" */
static void test_single_symmetry_fails(void **state) {
  KsTestEnv e;
  single_env(&e);
  KsPod *x = mkpod("default", "x", "service", "securityscan", NULL);
  expr(req(x, ANTI, "zone"), "service", IN, "securityscan", "value2", NULL);
  bind(&e, x, "node1");
  run_filter(&e, aff_region_anti_node("service", "securityscan"), FALSE, exist1);
}

/* "pod matches its own Label in PodAffinity and that matches the existing pod Labels"
 * (the existing pod runs on node2, which the snapshot does not have) */
static void test_single_own_label_not_in(void **state) {
  KsTestEnv e;
  single_env(&e);
  bind(&e, mkpod("default", "x", "service", "securityscan", NULL), "node2");
  KsPod *p = mkpod("default", "p", "service", "securityscan", NULL);
  expr(req(p, AFF, "region"), "service", NOT_IN, "securityscan", "value2", NULL);
  run_filter(&e, p, FALSE, aff1);
}

/* "verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints. doesn't satisfy PodAntiAffinity symmetry with the existing pod" */
static void test_single_existing_anti_no_constraints(void **state) {
  KsTestEnv e;
  single_env(&e);
  KsPod *x = mkpod("default", "x", "service", "securityscan", NULL);
  expr(req(x, ANTI, "zone"), "service", IN, "securityscan", "value2", NULL);
  bind(&e, x, "node1");
  run_filter(&e, mkpod("default", "p", "service", "securityscan", NULL), FALSE, exist1);
}

/* "verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints. satisfy PodAntiAffinity symmetry with the existing pod" */
static void test_single_existing_anti_not_in(void **state) {
  KsTestEnv e;
  single_env(&e);
  KsPod *x = mkpod("default", "x", "service", "securityscan", NULL);
  expr(req(x, ANTI, "zone"), "service", NOT_IN, "securityscan", "value2", NULL);
  bind(&e, x, "node1");
  run_filter(&e, mkpod("default", "p", "service", "securityscan", NULL), TRUE, NULL);
}

/* "satisfies the PodAntiAffinity with existing pod but doesn't satisfy PodAntiAffinity symmetry with incoming pod" */
static void test_single_anti_symmetry_incoming(void **state) {
  KsTestEnv e;
  single_env(&e);
  KsPod *x = mkpod("default", "x", "security", "S1", NULL);
  expr(req(x, ANTI, "zone"), "security", EXISTS, NULL);
  bind(&e, x, "node1");
  KsPod *p = mkpod("default", "p", "service", "securityscan", NULL);
  expr(req(p, ANTI, "region"), "service", EXISTS, NULL);
  expr(req(p, ANTI, "region"), "security", EXISTS, NULL);
  run_filter(&e, p, FALSE, anti1);
}

/* "PodAntiAffinity symmetry check a1: incoming pod and existing pod partially match each other on AffinityTerms" */
static void test_single_symmetry_a1(void **state) {
  KsTestEnv e;
  single_env(&e);
  KsPod *x = mkpod("default", "x", "security", "S1", NULL);
  expr(req(x, ANTI, "zone"), "security", EXISTS, NULL);
  bind(&e, x, "node1");
  KsPod *p = mkpod("default", "p", "service", "securityscan", NULL);
  expr(req(p, ANTI, "zone"), "service", EXISTS, NULL);
  expr(req(p, ANTI, "zone"), "security", EXISTS, NULL);
  run_filter(&e, p, FALSE, anti1);
}

/* "PodAntiAffinity symmetry check a2: incoming pod and existing pod partially match each other on AffinityTerms" */
static void test_single_symmetry_a2(void **state) {
  KsTestEnv e;
  single_env(&e);
  KsPod *x = mkpod("default", "x", "service", "securityscan", NULL);
  expr(req(x, ANTI, "zone"), "service", EXISTS, NULL);
  expr(req(x, ANTI, "zone"), "security", EXISTS, NULL);
  bind(&e, x, "node1");
  KsPod *p = mkpod("default", "p", "security", "S1", NULL);
  expr(req(p, ANTI, "zone"), "security", EXISTS, NULL);
  run_filter(&e, p, FALSE, exist1);
}

/* both "b" cases: existing pod labelled `existing`, incoming `incoming`, both
 * with anti-affinity Exists abc and Exists def in zone */
static KsPod *abc_def_pod(const char *name, const char *label) {
  KsPod *p = mkpod("default", name, label, "", "xyz", "", NULL);
  expr(req(p, ANTI, "zone"), "abc", EXISTS, NULL);
  expr(req(p, ANTI, "zone"), "def", EXISTS, NULL);
  return p;
}

/* "PodAntiAffinity symmetry check b1: incoming pod and existing pod partially match each other on AffinityTerms" */
static void test_single_symmetry_b1(void **state) {
  KsTestEnv e;
  single_env(&e);
  bind(&e, abc_def_pod("x", "def"), "node1");
  run_filter(&e, abc_def_pod("p", "abc"), FALSE, anti1);
}

/* "PodAntiAffinity symmetry check b2: incoming pod and existing pod partially match each other on AffinityTerms" */
static void test_single_symmetry_b2(void **state) {
  KsTestEnv e;
  single_env(&e);
  bind(&e, abc_def_pod("x", "abc"), "node1");
  run_filter(&e, abc_def_pod("p", "def"), FALSE, anti1);
}

/* affinity term service In [securityscan, value2] with namespaceSelector team In team1 */
static KsPodAffinityTerm *team1_term(KsPod *p, gboolean anti, const char *topo, const char *team) {
  KsPodAffinityTerm *t = expr(req(p, anti, topo), "service", IN, "securityscan", "value2", NULL);
  ns_selector(t, team);
  return t;
}

/* "affinity with NamespaceSelector" */
static void test_single_ns_selector(void **state) {
  KsTestEnv e;
  single_env(&e);
  bind(&e, mkpod("subteam1.team1", "x", "service", "securityscan", NULL), "node1");
  KsPod *p = mkpod("default", "p", "security", "S1", NULL);
  team1_term(p, AFF, "region", "team1");
  run_filter(&e, p, FALSE, ok1);
}

/* "affinity with non-matching NamespaceSelector" */
static void test_single_ns_selector_no_match(void **state) {
  KsTestEnv e;
  single_env(&e);
  bind(&e, mkpod("subteam1.team2", "x", "service", "securityscan", NULL), "node1");
  KsPod *p = mkpod("default", "p", "security", "S1", NULL);
  team1_term(p, AFF, "region", "team1");
  run_filter(&e, p, FALSE, aff1);
}

/* "anti-affinity with matching NamespaceSelector" */
static void test_single_anti_ns_selector(void **state) {
  KsTestEnv e;
  single_env(&e);
  bind(&e, mkpod("subteam2.team1", "x", "service", "securityscan", NULL), "node1");
  KsPod *p = mkpod("subteam1.team1", "p", "security", "S1", NULL);
  team1_term(p, ANTI, "zone", "team1");
  run_filter(&e, p, FALSE, anti1);
}

/* "anti-affinity with matching all NamespaceSelector" */
static void test_single_anti_ns_selector_all(void **state) {
  KsTestEnv e;
  single_env(&e);
  bind(&e, mkpod("subteam2.team1", "x", "service", "securityscan", NULL), "node1");
  KsPod *p = mkpod("subteam1.team1", "p", "security", "S1", NULL);
  team1_term(p, ANTI, "zone", NULL);
  run_filter(&e, p, FALSE, anti1);
}

/* "anti-affinity with non-matching NamespaceSelector" */
static void test_single_anti_ns_selector_no_match(void **state) {
  KsTestEnv e;
  single_env(&e);
  bind(&e, mkpod("subteam1.team2", "x", "service", "securityscan", NULL), "node1");
  KsPod *p = mkpod("subteam1.team1", "p", "security", "S1", NULL);
  team1_term(p, ANTI, "zone", "team1");
  run_filter(&e, p, FALSE, ok1);
}

/* ---- TestRequiredAffinityMultipleNodes ------------------------------------------------------ */

static void multi_env(KsTestEnv *e) {
  ks_test_env_init(e, &ks_sched_plugin_inter_pod_affinity, NULL);
  add_ns(e, "NS1", NULL);
}

/* nodeA/nodeB/nodeC as labelRgChina, labelRgChinaAzAz1, labelRgIndia */
static void china_india_nodes(KsTestEnv *e, const char *a, const char *b, const char *c) {
  ks_test_env_add_node(e, mknode(a, "region", "China", NULL));
  ks_test_env_add_node(e, mknode(b, "region", "China", "az", "az1", NULL));
  ks_test_env_add_node(e, mknode(c, "region", "India", NULL));
}

/* nodeA, nodeB (, nodeC) with region r1 and the given zones; hostname = name */
static void zone_nodes(KsTestEnv *e, const char *za, const char *zb, const char *zc) {
  ks_test_env_add_node(e, mknode("nodeA", "region", "r1", "zone", za, "hostname", "nodeA", NULL));
  ks_test_env_add_node(e, mknode("nodeB", "region", "r1", "zone", zb, "hostname", "nodeB", NULL));
  if (zc)
    ks_test_env_add_node(e, mknode("nodeC", "region", "r1", "zone", zc, "hostname", "nodeC", NULL));
}

/* "A pod can be scheduled onto all the nodes that have the same topology key & label value with one of them has an existing pod that matches the affinity rules" */
static void test_multi_same_topology(void **state) {
  KsTestEnv e;
  multi_env(&e);
  china_india_nodes(&e, "node1", "node2", "node3");
  bind(&e, mkpod("default", "p1", "foo", "bar", NULL), "node1");
  KsPod *p = mkpod("default", "p", NULL);
  expr(req(p, AFF, "region"), "foo", IN, "bar", NULL);
  run_filter(&e, p, FALSE, (const Want[]){OK, OK, W_AFF});
}

/* the collection pod: labels foo=bar, service=securityscan; affinity to both in `zone` */
static KsPod *collection_pod(void) {
  KsPod *p = mkpod("default", "p", "foo", "bar", "service", "securityscan", NULL);
  expr(req(p, AFF, "zone"), "foo", IN, "bar", NULL);
  expr(req(p, AFF, "zone"), "service", IN, "securityscan", NULL);
  return p;
}

/* "The affinity rule is to schedule all of the pods of this collection to the same zone. The first pod of the collection should not be blocked from being scheduled onto any node, even there's no existing pod that matches the rule anywhere." */
static void test_multi_first_pod_of_collection(void **state) {
  KsTestEnv e;
  multi_env(&e);
  ks_test_env_add_node(&e, mknode("nodeA", "zone", "az1", "hostname", "h1", NULL));
  ks_test_env_add_node(&e, mknode("nodeB", "zone", "az2", "hostname", "h2", NULL));
  bind(&e, mkpod("default", "p1", "foo", "bar", NULL), "nodeA");
  run_filter(&e, collection_pod(), FALSE, (const Want[]){OK, OK});
}

/* "The first pod of the collection can only be scheduled on nodes labelled with the requested topology keys" */
static void test_multi_first_pod_needs_keys(void **state) {
  KsTestEnv e;
  multi_env(&e);
  ks_test_env_add_node(&e, mknode("nodeA", "zoneLabel", "az1", "hostname", "h1", NULL));
  ks_test_env_add_node(&e, mknode("nodeB", "zoneLabel", "az2", "hostname", "h2", NULL));
  bind(&e, mkpod("default", "p1", "foo", "bar", NULL), "nodeA");
  run_filter(&e, collection_pod(), FALSE, (const Want[]){W_AFF, W_AFF});
}

/* "NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that matches the inter pod affinity rule. The pod can not be scheduled onto nodeA and nodeB." */
static void test_multi_anti_same_region(void **state) {
  KsTestEnv e;
  multi_env(&e);
  ks_test_env_add_node(&e, mknode("nodeA", "region", "r1", "hostname", "nodeA", NULL));
  ks_test_env_add_node(&e, mknode("nodeB", "region", "r1", "hostname", "nodeB", NULL));
  bind(&e, mkpod("default", "x", "foo", "abc", NULL), "nodeA");
  KsPod *p = mkpod("default", "p", NULL);
  expr(req(p, ANTI, "region"), "foo", IN, "abc", NULL);
  run_filter(&e, p, FALSE, (const Want[]){W_ANTI, W_ANTI});
}

/* "This test ensures that anti-affinity matches a pod when any term of the anti-affinity rule matches a pod." */
static void test_multi_anti_any_term(void **state) {
  KsTestEnv e;
  multi_env(&e);
  ks_test_env_add_node(&e, mknode("nodeA", "region", "r1", "zone", "z1", "hostname", "nodeA", NULL));
  ks_test_env_add_node(&e, mknode("nodeB", "region", "r1", "zone", "z2", "hostname", "nodeB", NULL));
  bind(&e, mkpod("default", "x", "foo", "abc", "service", "securityscan", NULL), "nodeA");
  KsPod *p = mkpod("default", "p", NULL);
  expr(req(p, ANTI, "region"), "foo", IN, "abc", NULL);
  expr(req(p, ANTI, "zone"), "service", IN, "securityscan", NULL);
  run_filter(&e, p, FALSE, (const Want[]){W_ANTI, W_ANTI});
}

/* "NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that matches the inter pod affinity rule. The pod can not be scheduled onto nodeA and nodeB but can be scheduled onto nodeC" */
static void test_multi_anti_node_c(void **state) {
  KsTestEnv e;
  multi_env(&e);
  china_india_nodes(&e, "nodeA", "nodeB", "nodeC");
  bind(&e, mkpod("default", "x", "foo", "abc", NULL), "nodeA");
  KsPod *p = mkpod("default", "p", NULL);
  expr(req(p, ANTI, "region"), "foo", IN, "abc", NULL);
  run_filter(&e, p, FALSE, (const Want[]){W_ANTI, W_ANTI, OK});
}

/* "... but can be scheduled onto nodeC (NodeC has an existing pod that match the inter pod affinity rule but in different namespace)" */
static void test_multi_anti_other_namespace(void **state) {
  KsTestEnv e;
  multi_env(&e);
  china_india_nodes(&e, "nodeA", "nodeB", "nodeC");
  bind(&e, mkpod("NS1", "x", "foo", "bar", NULL), "nodeA");
  KsPod *y = mkpod("NS2", "y", NULL);
  expr(req(y, ANTI, "region"), "foo", IN, "123", NULL);
  bind(&e, y, "nodeC");
  KsPod *p = mkpod("NS1", "p", "foo", "123", NULL);
  expr(req(p, ANTI, "region"), "foo", IN, "bar", NULL);
  run_filter(&e, p, FALSE, (const Want[]){W_ANTI, W_ANTI, OK});
}

/* "Test existing pod's anti-affinity: if an existing pod has a term with invalid topologyKey, labelSelector of the term is firstly checked, and then topologyKey of the term is also checked" */
static void test_multi_existing_invalid_topology(void **state) {
  KsTestEnv e;
  multi_env(&e);
  zone_nodes(&e, "z1", "z1", NULL);
  KsPod *x = mkpod("default", "x", NULL);
  expr(req(x, ANTI, "invalid-node-label"), "foo", EXISTS, NULL);
  bind(&e, x, "nodeA");
  run_filter(&e, mkpod("default", "p", "foo", "", NULL), TRUE, NULL);
}

/* "Test incoming pod's anti-affinity: even if labelSelector matches, we still check if topologyKey matches" */
static void test_multi_incoming_invalid_topology(void **state) {
  KsTestEnv e;
  multi_env(&e);
  zone_nodes(&e, "z1", "z1", NULL);
  bind(&e, mkpod("default", "x", "foo", "", NULL), "nodeA");
  KsPod *p = mkpod("default", "p", NULL);
  expr(req(p, ANTI, "invalid-node-label"), "foo", EXISTS, NULL);
  run_filter(&e, p, FALSE, (const Want[]){OK, OK});
}

/* "Test existing pod's anti-affinity: incoming pod wouldn't considered as a fit as it violates each existingPod's terms on all nodes" */
static void test_multi_existing_violates_all(void **state) {
  KsTestEnv e;
  multi_env(&e);
  zone_nodes(&e, "z1", "z2", NULL);
  KsPod *x = mkpod("default", "x", NULL);
  expr(req(x, ANTI, "zone"), "foo", EXISTS, NULL);
  bind(&e, x, "nodeA");
  KsPod *y = mkpod("default", "y", NULL);
  expr(req(y, ANTI, "region"), "bar", EXISTS, NULL);
  bind(&e, y, "nodeA");
  run_filter(&e, mkpod("default", "p", "foo", "", "bar", "", NULL), FALSE,
             (const Want[]){W_EXIST, W_EXIST});
}

/* "Test incoming pod's anti-affinity: incoming pod wouldn't considered as a fit as it at least violates one anti-affinity rule of existingPod" */
static void test_multi_incoming_violates_one(void **state) {
  KsTestEnv e;
  multi_env(&e);
  zone_nodes(&e, "z1", "z2", NULL);
  bind(&e, mkpod("default", "x", "foo", "", NULL), "nodeA");
  bind(&e, mkpod("default", "y", "bar", "", NULL), "nodeB");
  KsPod *p = mkpod("default", "p", NULL);
  expr(req(p, ANTI, "zone"), "foo", EXISTS, NULL);
  expr(req(p, ANTI, "region"), "bar", EXISTS, NULL);
  run_filter(&e, p, FALSE, (const Want[]){W_ANTI, W_ANTI});
}

/* "Test existing pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a single term match - case when one term has invalid topologyKey" */
static void test_multi_existing_one_invalid_key(void **state) {
  KsTestEnv e;
  multi_env(&e);
  zone_nodes(&e, "z1", "z2", NULL);
  KsPod *x = mkpod("default", "x", NULL);
  expr(req(x, ANTI, "invalid-node-label"), "foo", EXISTS, NULL);
  expr(req(x, ANTI, "zone"), "bar", EXISTS, NULL);
  bind(&e, x, "nodeA");
  run_filter(&e, mkpod("default", "p", "foo", "", "bar", "", NULL), FALSE,
             (const Want[]){W_EXIST, OK});
}

/* "Test incoming pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a single term match - case when one term has invalid topologyKey" */
static void test_multi_incoming_one_invalid_key(void **state) {
  KsTestEnv e;
  multi_env(&e);
  zone_nodes(&e, "z1", "z2", NULL);
  bind(&e, mkpod("default", "podA", "foo", "", "bar", "", NULL), "nodeA");
  KsPod *p = mkpod("default", "p", NULL);
  expr(req(p, ANTI, "invalid-node-label"), "foo", EXISTS, NULL);
  expr(req(p, ANTI, "zone"), "bar", EXISTS, NULL);
  run_filter(&e, p, FALSE, (const Want[]){W_ANTI, OK});
}

/* "Test existing pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a single term match - case when all terms have valid topologyKey" */
static void test_multi_existing_all_valid(void **state) {
  KsTestEnv e;
  multi_env(&e);
  zone_nodes(&e, "z1", "z2", NULL);
  KsPod *x = mkpod("default", "x", NULL);
  expr(req(x, ANTI, "region"), "foo", EXISTS, NULL);
  expr(req(x, ANTI, "zone"), "bar", EXISTS, NULL);
  bind(&e, x, "nodeA");
  run_filter(&e, mkpod("default", "p", "foo", "", "bar", "", NULL), FALSE,
             (const Want[]){W_EXIST, W_EXIST});
}

/* "Test incoming pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a single term match - case when all terms have valid topologyKey" */
static void test_multi_incoming_all_valid(void **state) {
  KsTestEnv e;
  multi_env(&e);
  zone_nodes(&e, "z1", "z2", NULL);
  bind(&e, mkpod("default", "x", "foo", "", "bar", "", NULL), "nodeA");
  KsPod *p = mkpod("default", "p", NULL);
  expr(req(p, ANTI, "region"), "foo", EXISTS, NULL);
  expr(req(p, ANTI, "zone"), "bar", EXISTS, NULL);
  run_filter(&e, p, FALSE, (const Want[]){W_ANTI, W_ANTI});
}

/* "Test existing pod's anti-affinity: existingPod on nodeA and nodeB has at least one anti-affinity term matches incoming pod, so incoming pod can only be scheduled to nodeC" */
static void test_multi_existing_only_node_c(void **state) {
  KsTestEnv e;
  multi_env(&e);
  zone_nodes(&e, "z1", "z2", "z3");
  KsPod *x = mkpod("default", "x", NULL);
  expr(req(x, ANTI, "zone"), "foo", EXISTS, NULL);
  expr(req(x, ANTI, "zone"), "labelA", EXISTS, NULL);
  bind(&e, x, "nodeA");
  KsPod *y = mkpod("default", "y", NULL);
  expr(req(y, ANTI, "zone"), "bar", EXISTS, NULL);
  expr(req(y, ANTI, "zone"), "labelB", EXISTS, NULL);
  bind(&e, y, "nodeB");
  run_filter(&e, mkpod("default", "p", "foo", "", "bar", "", NULL), FALSE,
             (const Want[]){W_EXIST, W_EXIST, OK});
}

static KsPod *foo_region_bar_zone_affinity(void) {
  KsPod *p = mkpod("default", "p", NULL);
  expr(req(p, AFF, "region"), "foo", EXISTS, NULL);
  expr(req(p, AFF, "zone"), "bar", EXISTS, NULL);
  return p;
}

/* "Test incoming pod's affinity: firstly check if all affinityTerms match, and then check if all topologyKeys match" */
static void test_multi_affinity_all_terms(void **state) {
  KsTestEnv e;
  multi_env(&e);
  zone_nodes(&e, "z1", "z1", NULL);
  bind(&e, mkpod("default", "pod1", "foo", "", "bar", "", NULL), "nodeA");
  run_filter(&e, foo_region_bar_zone_affinity(), FALSE, (const Want[]){OK, OK});
}

/* "Test incoming pod's affinity: firstly check if all affinityTerms match, and then check if all topologyKeys match, and the match logic should be satisfied on the same pod" */
static void test_multi_affinity_same_pod(void **state) {
  KsTestEnv e;
  multi_env(&e);
  zone_nodes(&e, "z1", "z2", NULL);
  bind(&e, mkpod("default", "pod1", "foo", "", NULL), "nodeA");
  bind(&e, mkpod("default", "pod2", "bar", "", NULL), "nodeB");
  run_filter(&e, foo_region_bar_zone_affinity(), FALSE, (const Want[]){W_AFF, W_AFF});
}

/* ---- ksim's own filter checks ------------------------------------------------------------------ */

/* upstream TestPreFilterDisabled: Filter without PreFilter is an Error */
static void test_filter_without_pre_filter(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_inter_pod_affinity, NULL);
  ks_test_env_add_node(&e, mknode("n", NULL));
  KsPod *p = mkpod("default", "p", NULL);
  KsSchedStatus st;
  ks_sched_status_reset(&st);
  e.plugin->desc->filter(e.plugin, &e.cs, p, e.cache, e.slots[0], &st);
  assert_int_equal(st.code, KS_SCHED_ERROR_CODE);
  assert_string_equal(ks_test_reason(&st),
                      "error reading \"PreFilterInterPodAffinity\" from cycleState: not found");
  ks_pod_unref(p);
  ks_test_env_clear(&e);
}

/* A removed node's pods (a ghost slot) impose no anti-affinity, as upstream
 * lists only nodes of the node tree; adding the node back restores it. */
static void test_ghost_node_pods_ignored(void **state) {
  KsTestEnv e;
  multi_env(&e);
  zone_nodes(&e, "z1", "z2", NULL);
  KsPod *x = mkpod("default", "x", NULL);
  expr(req(x, ANTI, "region"), "foo", EXISTS, NULL);
  bind(&e, x, "nodeA");
  assert_true(ks_sched_cache_remove_node(e.cache, "nodeA"));
  KsSchedStatus st[2];
  KsPod *p = mkpod("default", "p", "foo", "", NULL);
  assert_int_equal(ks_test_env_filter(&e, p, st, NULL), KS_SCHED_SKIP);
  KsNode *a = mknode("nodeA", "region", "r1", "zone", "z1", "hostname", "nodeA", NULL);
  e.slots[0] = ks_sched_cache_set_node(e.cache, a);
  ks_node_unref(a);
  assert_int_equal(ks_test_env_filter(&e, p, st, NULL), KS_SCHED_SUCCESS);
  expect_status(&st[0], W_EXIST, 0);
  expect_status(&st[1], W_EXIST, 1);
  ks_pod_unref(p);
  ks_test_env_clear(&e);
}

/* A namespace the cache does not know is selected by an empty
 * namespaceSelector but not by a non-empty one (upstream lists namespaces),
 * even one that matches empty labels; a known namespace without labels is. */
static void test_unknown_namespace_selector(void **state) {
  KsTestEnv e;
  multi_env(&e);
  zone_nodes(&e, "z1", "z2", NULL);
  add_ns(&e, "known", NULL);
  bind(&e, mkpod("unknown", "x", "app", "db", NULL), "nodeA");
  bind(&e, mkpod("known", "y", "app", "db", NULL), "nodeB");
  KsPod *p = mkpod("default", "p", NULL);
  KsPodAffinityTerm *t = expr(req(p, ANTI, "zone"), "app", IN, "db", NULL);
  t->namespace_selector = ks_label_selector_new();
  ks_label_selector_add_expression(t->namespace_selector, "team", NOT_EXIST, NULL);
  KsSchedStatus st[2];
  assert_int_equal(ks_test_env_filter(&e, p, st, NULL), KS_SCHED_SUCCESS);
  expect_status(&st[0], OK, 0);     /* unknown: not selected */
  expect_status(&st[1], W_ANTI, 1); /* known, no team label: selected */
  ks_pod_unref(p);
  p = mkpod("default", "p", NULL);
  ns_selector(expr(req(p, ANTI, "zone"), "app", IN, "db", NULL), NULL);
  assert_int_equal(ks_test_env_filter(&e, p, st, NULL), KS_SCHED_SUCCESS);
  expect_status(&st[0], W_ANTI, 0); /* {} selects every namespace */
  expect_status(&st[1], W_ANTI, 1);
  ks_pod_unref(p);
  ks_test_env_clear(&e);
}

/* The cycle state is reused: a second pod's PreFilter starts from empty
 * counts, and a pod without rules skips even after one with rules. */
static void test_cycle_state_reused(void **state) {
  KsTestEnv e;
  multi_env(&e);
  zone_nodes(&e, "z1", "z2", NULL);
  bind(&e, mkpod("default", "x", "foo", "", NULL), "nodeA");
  KsSchedStatus st[2];
  KsPod *p = mkpod("default", "p", NULL);
  expr(req(p, ANTI, "zone"), "foo", EXISTS, NULL);
  assert_int_equal(ks_test_env_filter(&e, p, st, NULL), KS_SCHED_SUCCESS);
  expect_status(&st[0], W_ANTI, 0);
  expect_status(&st[1], OK, 1);
  KsPod *q = mkpod("default", "q", NULL);
  expr(req(q, ANTI, "zone"), "nothing", EXISTS, NULL);
  assert_int_equal(ks_test_env_filter(&e, q, st, NULL), KS_SCHED_SUCCESS);
  expect_status(&st[0], OK, 0);
  expect_status(&st[1], OK, 1);
  KsPod *r = mkpod("default", "r", NULL);
  assert_int_equal(ks_test_env_filter(&e, r, st, NULL), KS_SCHED_SKIP);
  /* Filter with a pod PreFilter did not run for is an error, not stale data */
  ks_sched_status_reset(&st[0]);
  e.plugin->desc->filter(e.plugin, &e.cs, p, e.cache, e.slots[0], &st[0]);
  assert_int_equal(st[0].code, KS_SCHED_ERROR_CODE);
  ks_pod_unref(p);
  ks_pod_unref(q);
  ks_pod_unref(r);
  ks_test_env_clear(&e);
}

/* ---- scoring: TestPreferredAffinity -------------------------------------------------------- */

/* the affinities of scoring_test.go, added to p */
static void stay_with_s1_in_region(KsPod *p) {
  expr(pref(p, AFF, 5, "region"), "security", IN, "S1", NULL);
}
static void stay_with_s2_in_region(KsPod *p) {
  expr(pref(p, AFF, 6, "region"), "security", IN, "S2", NULL);
}
static void affinity3(KsPod *p) {
  KsPodAffinityTerm *t = pref(p, AFF, 8, "region");
  expr(t, "security", NOT_IN, "S1", NULL);
  expr(t, "security", IN, "S2", NULL);
  t = pref(p, AFF, 2, "region");
  expr(t, "security", EXISTS, NULL);
  expr(t, "wrongkey", NOT_EXIST, NULL);
}
static void hard_affinity(KsPod *p) {
  expr(req(p, AFF, "region"), "security", IN, "S1", "value2", NULL);
  KsPodAffinityTerm *t = req(p, AFF, "region");
  expr(t, "security", EXISTS, NULL);
  expr(t, "wrongkey", NOT_EXIST, NULL);
}
static void away_from_s1_in_az(KsPod *p) {
  expr(pref(p, ANTI, 5, "az"), "security", IN, "S1", NULL);
}
static void away_from_s2_in_az(KsPod *p) {
  expr(pref(p, ANTI, 5, "az"), "security", IN, "S2", NULL);
}
static void stay_with_s1_in_region_away_from_s2_in_az(KsPod *p) {
  expr(pref(p, AFF, 8, "region"), "security", IN, "S1", NULL);
  expr(pref(p, ANTI, 5, "az"), "security", IN, "S2", NULL);
}
/* affinityNamespaceSelector / antiAffinityNamespaceSelector */
static void ns_selector_pref(KsPod *p, gboolean anti) {
  KsPodAffinityTerm *t = expr(pref(p, anti, 5, "region"), "security", IN, "S1", NULL);
  namespaces(t, "subteam2.team2", NULL);
  ns_selector(t, "team1");
}
static void affinity_ns_selector(KsPod *p) {
  ns_selector_pref(p, AFF);
}
static void anti_affinity_ns_selector(KsPod *p) {
  ns_selector_pref(p, ANTI);
}

typedef void (*AffinityFn)(KsPod *p);

/* A pod with labels security=<sec> (NULL: none) and an optional affinity. */
static KsPod *sec_pod(const char *ns, const char *name, const char *sec, AffinityFn aff) {
  KsPod *p = sec ? mkpod(ns, name, "security", sec, NULL) : mkpod(ns, name, NULL);
  if (aff)
    aff(p);
  return p;
}

/* node label sets of scoring_test.go */
typedef enum { RG_CHINA, RG_INDIA, AZ1, AZ2, RG_CHINA_AZ1 } NodeLabels;

static void add_score_node(KsTestEnv *e, guint i, NodeLabels l) {
  char name[16];
  g_snprintf(name, sizeof name, "node%u", i + 1);
  KsNode *n = mknode(name, NULL);
  if (l == RG_CHINA || l == RG_CHINA_AZ1)
    ks_labels_set(&n->labels, "region", "China");
  if (l == RG_INDIA)
    ks_labels_set(&n->labels, "region", "India");
  if (l == AZ1 || l == RG_CHINA_AZ1)
    ks_labels_set(&n->labels, "az", "az1");
  if (l == AZ2)
    ks_labels_set(&n->labels, "az", "az2");
  ks_test_env_add_node(e, n);
}

static void score_env(KsTestEnv *e, const KsSchedInterPodAffinityArgs *args, const NodeLabels *nodes,
                      guint n) {
  ks_test_env_init(e, &ks_sched_plugin_inter_pod_affinity, args);
  add_team_namespaces(e);
  for (guint i = 0; i < n; i++)
    add_score_node(e, i, nodes[i]);
}

/* An existing pod on node<i+1> */
static void on(KsTestEnv *e, guint i, KsPod *p) {
  char name[16];
  g_snprintf(name, sizeof name, "node%u", i + 1);
  bind(e, p, name);
}

/* Scores `pod` (transfer full) over all nodes; want NULL: PreScore must skip. */
static void run_score(KsTestEnv *e, KsPod *pod, const gint64 *want) {
  gint64 got[8];
  KsSchedCode code = ks_test_env_score(e, pod, NULL, 0, got);
  assert_int_equal(code, want ? KS_SCHED_SUCCESS : KS_SCHED_SKIP);
  for (guint i = 0; want && i < e->n_nodes; i++)
    if (got[i] != want[i])
      fail_msg("node%u: score %" G_GINT64_FORMAT ", want %" G_GINT64_FORMAT, i + 1, got[i], want[i]);
  ks_pod_unref(pod);
  ks_test_env_clear(e);
}

#define NODES(...) (const NodeLabels[]){__VA_ARGS__}, G_N_ELEMENTS(((const NodeLabels[]){__VA_ARGS__}))
#define SCORES(...) (const gint64[]){__VA_ARGS__}

static const KsSchedInterPodAffinityArgs default_args = {1, FALSE};

/* "all nodes are same priority as Affinity is nil" */
static void test_score_affinity_nil(void **state) {
  KsTestEnv e;
  score_env(&e, &default_args, NODES(RG_CHINA, RG_INDIA, AZ1));
  run_score(&e, sec_pod("default", "p", "S1", NULL), NULL);
}

/* "Affinity: pod that matches topology key & pods in nodes will get high score comparing to otherswhich doesn't match either pods in nodes or in topology key" */
static void test_score_affinity_basic(void **state) {
  KsTestEnv e;
  score_env(&e, &default_args, NODES(RG_CHINA, RG_INDIA, AZ1));
  on(&e, 0, sec_pod("default", "a", "S1", NULL));
  on(&e, 1, sec_pod("default", "b", "S2", NULL));
  on(&e, 2, sec_pod("default", "c", "S1", NULL));
  run_score(&e, sec_pod("default", "p", "S1", stay_with_s1_in_region), SCORES(100, 0, 0));
}

/* "All the nodes that have the same topology key & label value with one of them has an existing pod that match the affinity rules, have the same score" */
static void test_score_same_topology(void **state) {
  KsTestEnv e;
  score_env(&e, &default_args, NODES(RG_CHINA, RG_CHINA_AZ1, RG_INDIA));
  on(&e, 0, sec_pod("default", "a", "S1", NULL));
  run_score(&e, sec_pod("default", "p", NULL, stay_with_s1_in_region), SCORES(100, 100, 0));
}

/* "Affinity: nodes in one region has more matching pods comparing to other region, so the region which has more matches will get high score" */
static void test_score_region_more_matches(void **state) {
  KsTestEnv e;
  score_env(&e, &default_args, NODES(RG_CHINA, RG_INDIA, RG_CHINA, RG_CHINA, RG_INDIA));
  on(&e, 0, sec_pod("default", "a", "S2", NULL));
  on(&e, 0, sec_pod("default", "b", "S2", NULL));
  on(&e, 1, sec_pod("default", "c", "S2", NULL));
  on(&e, 2, sec_pod("default", "d", "S2", NULL));
  on(&e, 3, sec_pod("default", "e", "S2", NULL));
  on(&e, 4, sec_pod("default", "f", "S2", NULL));
  run_score(&e, sec_pod("default", "p", "S1", stay_with_s2_in_region), SCORES(100, 0, 100, 100, 0));
}

/* "Affinity: different Label operators and values for pod affinity scheduling preference, including some match failures " */
static void test_score_operators(void **state) {
  KsTestEnv e;
  score_env(&e, &default_args, NODES(RG_CHINA, RG_INDIA, AZ1));
  on(&e, 0, sec_pod("default", "a", "S1", NULL));
  on(&e, 1, sec_pod("default", "b", "S2", NULL));
  on(&e, 2, sec_pod("default", "c", "S1", NULL));
  run_score(&e, sec_pod("default", "p", "S1", affinity3), SCORES(20, 100, 0));
}

/* "Affinity symmetry: considered only the preferredDuringSchedulingIgnoredDuringExecution in pod affinity symmetry" */
static void test_score_symmetry_preferred(void **state) {
  KsTestEnv e;
  score_env(&e, &default_args, NODES(RG_CHINA, RG_INDIA, AZ1));
  on(&e, 0, sec_pod("default", "a", "S1", stay_with_s1_in_region));
  on(&e, 1, sec_pod("default", "b", "S2", stay_with_s2_in_region));
  run_score(&e, sec_pod("default", "p", "S2", NULL), SCORES(0, 100, 0));
}

/* "Affinity symmetry with namespace selector" */
static void test_score_symmetry_ns_selector(void **state) {
  KsTestEnv e;
  score_env(&e, &default_args, NODES(RG_CHINA, RG_INDIA, AZ1));
  on(&e, 0, sec_pod("default", "a", "S1", affinity_ns_selector));
  on(&e, 1, sec_pod("default", "b", "S2", stay_with_s2_in_region));
  run_score(&e, sec_pod("subteam1.team1", "p", "S1", NULL), SCORES(100, 0, 0));
}

/* "AntiAffinity symmetry with namespace selector" */
static void test_score_anti_symmetry_ns_selector(void **state) {
  KsTestEnv e;
  score_env(&e, &default_args, NODES(RG_CHINA, RG_INDIA, AZ1));
  on(&e, 0, sec_pod("default", "a", "S1", anti_affinity_ns_selector));
  on(&e, 1, sec_pod("default", "b", "S2", stay_with_s2_in_region));
  run_score(&e, sec_pod("subteam1.team1", "p", "S1", NULL), SCORES(0, 100, 100));
}

/* "Affinity symmetry: considered RequiredDuringSchedulingIgnoredDuringExecution in pod affinity symmetry" */
static void test_score_symmetry_required(void **state) {
  KsTestEnv e;
  score_env(&e, &default_args, NODES(RG_CHINA, RG_INDIA, AZ1));
  on(&e, 0, sec_pod("default", "a", "S1", hard_affinity));
  on(&e, 1, sec_pod("default", "b", "S2", hard_affinity));
  run_score(&e, sec_pod("default", "p", "S1", NULL), SCORES(100, 100, 0));
}

/* "Anti Affinity: pod that does not match existing pods in node will get high score " */
static void test_score_anti_basic(void **state) {
  KsTestEnv e;
  score_env(&e, &default_args, NODES(AZ1, RG_CHINA));
  on(&e, 0, sec_pod("default", "a", "S1", NULL));
  on(&e, 1, sec_pod("default", "b", "S2", NULL));
  run_score(&e, sec_pod("default", "p", "S1", away_from_s1_in_az), SCORES(0, 100));
}

/* "Anti Affinity: pod that does not match topology key & match the pods in nodes will get higher score comparing to others " */
static void test_score_anti_topology_key(void **state) {
  KsTestEnv e;
  score_env(&e, &default_args, NODES(AZ1, RG_CHINA));
  on(&e, 0, sec_pod("default", "a", "S1", NULL));
  on(&e, 1, sec_pod("default", "b", "S1", NULL));
  run_score(&e, sec_pod("default", "p", "S1", away_from_s1_in_az), SCORES(0, 100));
}

/* "Anti Affinity: one node has more matching pods comparing to other node, so the node which has more unmatches will get high score" */
static void test_score_anti_more_matches(void **state) {
  KsTestEnv e;
  score_env(&e, &default_args, NODES(AZ1, RG_INDIA));
  on(&e, 0, sec_pod("default", "a", "S1", NULL));
  on(&e, 0, sec_pod("default", "b", "S1", NULL));
  on(&e, 1, sec_pod("default", "c", "S2", NULL));
  run_score(&e, sec_pod("default", "p", "S1", away_from_s1_in_az), SCORES(0, 100));
}

/* "Anti Affinity symmetry: the existing pods in node which has anti affinity match will get high score" */
static void test_score_anti_symmetry(void **state) {
  KsTestEnv e;
  score_env(&e, &default_args, NODES(AZ1, AZ2));
  on(&e, 0, sec_pod("default", "a", "S1", away_from_s2_in_az));
  on(&e, 1, sec_pod("default", "b", "S2", away_from_s1_in_az));
  run_score(&e, sec_pod("default", "p", "S2", NULL), SCORES(0, 100));
}

/* "Affinity and Anti Affinity: considered only preferredDuringSchedulingIgnoredDuringExecution in both pod affinity & anti affinity" */
static void test_score_aff_and_anti(void **state) {
  KsTestEnv e;
  score_env(&e, &default_args, NODES(RG_CHINA, AZ1));
  on(&e, 0, sec_pod("default", "a", "S1", NULL));
  on(&e, 1, sec_pod("default", "b", "S1", NULL));
  run_score(&e, sec_pod("default", "p", "S1", stay_with_s1_in_region_away_from_s2_in_az),
            SCORES(100, 0));
}

/* "Affinity and Anti Affinity: considering both affinity and anti-affinity, the pod to schedule and existing pods have the same labels" */
static void test_score_aff_and_anti_same_labels(void **state) {
  KsTestEnv e;
  score_env(&e, &default_args, NODES(RG_CHINA_AZ1, RG_INDIA, RG_CHINA, RG_CHINA, RG_INDIA));
  static const guint where[] = {0, 0, 1, 2, 2, 3, 4};
  for (guint i = 0; i < G_N_ELEMENTS(where); i++) {
    char name[8];
    g_snprintf(name, sizeof name, "x%u", i);
    on(&e, where[i], sec_pod("default", name, "S1", NULL));
  }
  run_score(&e, sec_pod("default", "p", "S1", stay_with_s1_in_region_away_from_s2_in_az),
            SCORES(100, 0, 100, 100, 0));
}

/* "Affinity and Anti Affinity and symmetry: considered only preferredDuringSchedulingIgnoredDuringExecution in both pod affinity & anti affinity & symmetry" */
static void test_score_aff_anti_symmetry(void **state) {
  KsTestEnv e;
  score_env(&e, &default_args, NODES(RG_CHINA, AZ1, RG_INDIA, AZ2));
  on(&e, 0, sec_pod("default", "a", "S1", NULL));
  on(&e, 1, sec_pod("default", "b", "S2", NULL));
  on(&e, 2, sec_pod("default", "c", NULL, stay_with_s1_in_region_away_from_s2_in_az));
  on(&e, 3, sec_pod("default", "d", NULL, away_from_s1_in_az));
  run_score(&e, sec_pod("default", "p", "S1", stay_with_s1_in_region_away_from_s2_in_az),
            SCORES(100, 0, 100, 0));
}

/* "Avoid panic when partial nodes in a topology don't have pods with affinity" */
static void test_score_partial_topology(void **state) {
  KsTestEnv e;
  score_env(&e, &default_args, NODES(RG_CHINA, RG_CHINA));
  on(&e, 0, sec_pod("default", "a", "S1", NULL));
  on(&e, 1, sec_pod("default", "b", NULL, stay_with_s1_in_region_away_from_s2_in_az));
  run_score(&e, sec_pod("default", "p", "S1", NULL), SCORES(0, 0));
}

/* the four NamespaceSelector cases: pods on node1 in ns0, ns0, ns2 and on node2 in subteam2.team1 */
static void ns_pods(KsTestEnv *e, const char *ns2) {
  on(e, 0, sec_pod("subteam1.team1", "a", "S1", NULL));
  on(e, 0, sec_pod("subteam1.team1", "b", "S1", NULL));
  on(e, 0, sec_pod(ns2, "c", "S1", NULL));
  on(e, 1, sec_pod("subteam2.team1", "d", "S1", NULL));
}

/* "Affinity with pods matching NamespaceSelector" */
static void test_score_ns_selector(void **state) {
  KsTestEnv e;
  score_env(&e, &default_args, NODES(RG_CHINA, RG_INDIA));
  ns_pods(&e, "subteam1.team2");
  run_score(&e, sec_pod("subteam1.team1", "p", "S1", affinity_ns_selector), SCORES(100, 0));
}

/* "Affinity with pods matching both NamespaceSelector and Namespaces fields" */
static void test_score_ns_selector_and_names(void **state) {
  KsTestEnv e;
  score_env(&e, &default_args, NODES(RG_CHINA, RG_INDIA));
  ns_pods(&e, "subteam2.team2");
  run_score(&e, sec_pod("subteam1.team1", "p", "S1", affinity_ns_selector), SCORES(100, 0));
}

/* "Affinity with pods matching NamespaceSelector" (anti-affinity) */
static void test_score_anti_ns_selector(void **state) {
  KsTestEnv e;
  score_env(&e, &default_args, NODES(RG_CHINA, RG_INDIA));
  ns_pods(&e, "subteam1.team2");
  run_score(&e, sec_pod("subteam1.team1", "p", "S1", anti_affinity_ns_selector), SCORES(0, 100));
}

/* "Affinity with pods matching both NamespaceSelector and Namespaces fields" (anti-affinity) */
static void test_score_anti_ns_selector_and_names(void **state) {
  KsTestEnv e;
  score_env(&e, &default_args, NODES(RG_CHINA, RG_INDIA));
  ns_pods(&e, "subteam2.team2");
  run_score(&e, sec_pod("subteam1.team1", "p", "S1", anti_affinity_ns_selector), SCORES(0, 100));
}

static void ignore_preferred_case(const KsSchedInterPodAffinityArgs *args, const gint64 *want) {
  KsTestEnv e;
  score_env(&e, args, NODES(RG_CHINA, RG_INDIA));
  on(&e, 0, sec_pod("default", "a", "S1", stay_with_s1_in_region_away_from_s2_in_az));
  on(&e, 1, sec_pod("default", "b", "S2", stay_with_s2_in_region));
  run_score(&e, sec_pod("default", "p", "S2", NULL), want);
}

/* "Ignore preferred terms of existing pods" */
static void test_score_ignore_preferred_of_existing(void **state) {
  static const KsSchedInterPodAffinityArgs args = {1, TRUE};
  ignore_preferred_case(&args, NULL);
}

/* "Do not ignore preferred terms of existing pods" */
static void test_score_do_not_ignore_preferred(void **state) {
  ignore_preferred_case(&default_args, SCORES(0, 100));
}

/* "No nodes to score" */
static void test_score_no_nodes(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_inter_pod_affinity, &default_args);
  run_score(&e, sec_pod("default", "p", "S2", NULL), NULL);
}

/* ---- scoring: TestPreferredAffinityWithHardPodAffinitySymmetricWeight ---------------------- */

/* hardPodAffinity: service In S1, namespaces {"" (default), subteam2.team2},
 * namespaceSelector team In team1, topology region */
static void hard_pod_affinity(KsPod *p) {
  KsPodAffinityTerm *t = expr(req(p, AFF, "region"), "service", IN, "S1", NULL);
  namespaces(t, "default", "subteam2.team2");
  ns_selector(t, "team1");
}

static void hard_weight_case(gint32 weight, const char *ns, const gint64 *want) {
  KsSchedInterPodAffinityArgs args = {weight, FALSE};
  KsTestEnv e;
  score_env(&e, &args, NODES(RG_CHINA, RG_INDIA, AZ1));
  on(&e, 0, sec_pod("default", "a", NULL, hard_pod_affinity));
  on(&e, 1, sec_pod("default", "b", NULL, hard_pod_affinity));
  run_score(&e, mkpod(ns, "p", "service", "S1", NULL), want);
}

/* "with default weight" */
static void test_hard_default_weight(void **state) {
  hard_weight_case(KS_SCHED_DEFAULT_HARD_POD_AFFINITY_WEIGHT, "default", SCORES(100, 100, 0));
}

/* "with zero weight" */
static void test_hard_zero_weight(void **state) {
  hard_weight_case(0, "default", NULL);
}

/* "with no matching namespace" */
static void test_hard_no_matching_namespace(void **state) {
  hard_weight_case(1, "subteam1.team2", NULL);
}

/* "with matching NamespaceSelector" */
static void test_hard_matching_ns_selector(void **state) {
  hard_weight_case(1, "subteam1.team1", SCORES(100, 100, 0));
}

/* "with matching Namespaces" */
static void test_hard_matching_namespaces(void **state) {
  hard_weight_case(1, "subteam2.team2", SCORES(100, 100, 0));
}

/* ---- ksim's own scoring checks ------------------------------------------------------------- */

/* NULL args mean hardPodAffinityWeight 1; the weight is a real multiplier:
 * node1 gets 3 (hard weight) and node2 5 (a preferred term of weight 5), so
 * weight 1 ranks node2 first and weight 10 ranks node1 first. */
static void weighted_case(const KsSchedInterPodAffinityArgs *args, const gint64 *want) {
  KsTestEnv e;
  score_env(&e, args, NODES(RG_CHINA, RG_INDIA, AZ1));
  on(&e, 0, sec_pod("default", "a", NULL, hard_pod_affinity));
  KsPod *b = mkpod("default", "b", NULL);
  expr(pref(b, AFF, 5, "region"), "service", IN, "S1", NULL);
  on(&e, 1, b);
  run_score(&e, mkpod("default", "p", "service", "S1", NULL), want);
}

static void test_hard_weight_multiplies(void **state) {
  weighted_case(NULL, SCORES(20, 100, 0)); /* 1, 5, 0: (1-0)/5 */
  static const KsSchedInterPodAffinityArgs ten = {10, FALSE};
  weighted_case(&ten, SCORES(100, 50, 0)); /* 10, 5, 0 */
}

/* NormalizeScore uses the true minimum (negative scores) and float64 in
 * upstream's order, truncated: 100 * (29/100) = 28.999... -> 28, where
 * integer arithmetic would give 29. */
static void test_normalize_truncates_float(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_inter_pod_affinity, NULL);
  ks_test_env_add_node(&e, mknode("n1", "zone", "z1", NULL));
  KsPod *p = mkpod("default", "p", "app", "web", NULL);
  expr(pref(p, AFF, 1, "zone"), "app", IN, "web", NULL);
  bind(&e, mkpod("default", "x", "app", "web", NULL), "n1");
  gint64 s[1];
  assert_int_equal(ks_test_env_score(&e, p, NULL, 0, s), KS_SCHED_SUCCESS);
  assert_int_equal(s[0], 0); /* a single node: max == min */
  KsSchedStatus st;
  ks_sched_status_reset(&st);
  gint64 scores[] = {0, 29, 100};
  e.plugin->desc->normalize_score(e.plugin, &e.cs, p, scores, 3, &st);
  assert_int_equal(scores[1], 28);
  assert_int_equal(scores[2], 100);
  gint64 neg[] = {-5, 0, 3, -5};
  e.plugin->desc->normalize_score(e.plugin, &e.cs, p, neg, 4, &st);
  assert_int_equal(neg[0], 0);
  assert_int_equal(neg[1], 62); /* 100 * 5/8 = 62.5 */
  assert_int_equal(neg[2], 100);
  assert_int_equal(neg[3], 0);
  assert_true(ks_sched_status_ok(&st));
  ks_pod_unref(p);
  ks_test_env_clear(&e);
}

/* Negative raw scores from preferred anti-affinity: -10 and -5 become 0 and 100. */
static void test_score_negative_raw(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_inter_pod_affinity, NULL);
  ks_test_env_add_node(&e, mknode("n1", "zone", "z1", NULL));
  ks_test_env_add_node(&e, mknode("n2", "zone", "z2", NULL));
  bind(&e, mkpod("default", "a", "app", "web", NULL), "n1");
  bind(&e, mkpod("default", "b", "app", "web", NULL), "n1");
  bind(&e, mkpod("default", "c", "app", "web", NULL), "n2");
  KsPod *p = mkpod("default", "p", NULL);
  expr(pref(p, ANTI, 5, "zone"), "app", IN, "web", NULL);
  gint64 raw[2];
  KsSchedStatus st;
  ks_sched_status_reset(&st);
  e.plugin->desc->pre_score(e.plugin, &e.cs, p, e.cache, e.slots, 2, &st);
  assert_true(ks_sched_status_ok(&st));
  for (guint i = 0; i < 2; i++)
    e.plugin->desc->score(e.plugin, &e.cs, p, e.cache, e.slots[i], &raw[i], &st);
  assert_int_equal(raw[0], -10);
  assert_int_equal(raw[1], -5);
  run_score(&e, p, SCORES(0, 100));
}

/* ---- args and events ----------------------------------------------------------------------- */

static void test_args_validation(void **state) {
  KsSchedRegistry *r = ks_sched_registry_new();
  if (!ks_sched_registry_lookup(r, "InterPodAffinity"))
    assert_true(ks_sched_registry_add(r, &ks_sched_plugin_inter_pod_affinity, NULL));
  static const gint32 bad[] = {-1, 101};
  static const char *const msgs[] = {
      "profile t: plugin InterPodAffinity: hardPodAffinityWeight: Invalid value: -1: not in "
      "valid range [0-100]",
      "profile t: plugin InterPodAffinity: hardPodAffinityWeight: Invalid value: 101: not in "
      "valid range [0-100]"};
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    KsSchedInterPodAffinityArgs a = {bad[i], FALSE};
    KsSchedPluginConfig pc = {"InterPodAffinity", 1, &a};
    GError *err = NULL;
    assert_null(ks_sched_framework_new(r, "t", &pc, 1, &err));
    assert_non_null(err);
    assert_string_equal(err->message, msgs[i]);
    g_error_free(err);
  }
  KsSchedInterPodAffinityArgs ok = {100, TRUE};
  KsSchedPluginConfig pc = {"InterPodAffinity", 1, &ok};
  KsSchedFramework *fw = ks_sched_framework_new(r, "t", &pc, 1, NULL);
  assert_non_null(fw);
  ks_sched_framework_free(fw);
  ks_sched_registry_free(r);
}

/* upstream v1.31 plugin.go EventsToRegister: Pod Add|UpdatePodLabel|Delete,
 * Node Add|UpdateNodeLabel|UpdateNodeTaint (no allocatable or condition
 * updates). */
static void test_events(void **state) {
  const KsSchedPluginDesc *d = &ks_sched_plugin_inter_pod_affinity;
  assert_string_equal(d->name, "InterPodAffinity");
  assert_null(d->admit);
  guint32 pod = 0, node = 0;
  for (guint i = 0; i < d->n_events; i++) {
    if (d->events[i].resource & KS_SCHED_EV_POD)
      pod |= d->events[i].actions;
    if (d->events[i].resource & KS_SCHED_EV_NODE)
      node |= d->events[i].actions;
  }
  assert_int_equal(pod, KS_SCHED_ACT_ADD | KS_SCHED_ACT_UPDATE_POD | KS_SCHED_ACT_DELETE);
  assert_int_equal(node, KS_SCHED_ACT_ADD | KS_SCHED_ACT_UPDATE_NODE_LABEL |
                             KS_SCHED_ACT_UPDATE_NODE_TAINT);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      /* TestRequiredAffinitySingleNode */
      cmocka_unit_test(test_single_no_rules),
      cmocka_unit_test(test_single_in_matches),
      cmocka_unit_test(test_single_not_in_matches),
      cmocka_unit_test(test_single_diff_namespace),
      cmocka_unit_test(test_single_unmatching_selector),
      cmocka_unit_test(test_single_multiple_operators),
      cmocka_unit_test(test_single_requirements_anded),
      cmocka_unit_test(test_single_aff_and_anti),
      cmocka_unit_test(test_single_aff_anti_symmetry),
      cmocka_unit_test(test_single_anti_fails),
      cmocka_unit_test(test_single_symmetry_fails),
      cmocka_unit_test(test_single_own_label_not_in),
      cmocka_unit_test(test_single_existing_anti_no_constraints),
      cmocka_unit_test(test_single_existing_anti_not_in),
      cmocka_unit_test(test_single_anti_symmetry_incoming),
      cmocka_unit_test(test_single_symmetry_a1),
      cmocka_unit_test(test_single_symmetry_a2),
      cmocka_unit_test(test_single_symmetry_b1),
      cmocka_unit_test(test_single_symmetry_b2),
      cmocka_unit_test(test_single_ns_selector),
      cmocka_unit_test(test_single_ns_selector_no_match),
      cmocka_unit_test(test_single_anti_ns_selector),
      cmocka_unit_test(test_single_anti_ns_selector_all),
      cmocka_unit_test(test_single_anti_ns_selector_no_match),
      /* TestRequiredAffinityMultipleNodes */
      cmocka_unit_test(test_multi_same_topology),
      cmocka_unit_test(test_multi_first_pod_of_collection),
      cmocka_unit_test(test_multi_first_pod_needs_keys),
      cmocka_unit_test(test_multi_anti_same_region),
      cmocka_unit_test(test_multi_anti_any_term),
      cmocka_unit_test(test_multi_anti_node_c),
      cmocka_unit_test(test_multi_anti_other_namespace),
      cmocka_unit_test(test_multi_existing_invalid_topology),
      cmocka_unit_test(test_multi_incoming_invalid_topology),
      cmocka_unit_test(test_multi_existing_violates_all),
      cmocka_unit_test(test_multi_incoming_violates_one),
      cmocka_unit_test(test_multi_existing_one_invalid_key),
      cmocka_unit_test(test_multi_incoming_one_invalid_key),
      cmocka_unit_test(test_multi_existing_all_valid),
      cmocka_unit_test(test_multi_incoming_all_valid),
      cmocka_unit_test(test_multi_existing_only_node_c),
      cmocka_unit_test(test_multi_affinity_all_terms),
      cmocka_unit_test(test_multi_affinity_same_pod),
      /* ksim: filter */
      cmocka_unit_test(test_filter_without_pre_filter),
      cmocka_unit_test(test_ghost_node_pods_ignored),
      cmocka_unit_test(test_unknown_namespace_selector),
      cmocka_unit_test(test_cycle_state_reused),
      /* TestPreferredAffinity */
      cmocka_unit_test(test_score_affinity_nil),
      cmocka_unit_test(test_score_affinity_basic),
      cmocka_unit_test(test_score_same_topology),
      cmocka_unit_test(test_score_region_more_matches),
      cmocka_unit_test(test_score_operators),
      cmocka_unit_test(test_score_symmetry_preferred),
      cmocka_unit_test(test_score_symmetry_ns_selector),
      cmocka_unit_test(test_score_anti_symmetry_ns_selector),
      cmocka_unit_test(test_score_symmetry_required),
      cmocka_unit_test(test_score_anti_basic),
      cmocka_unit_test(test_score_anti_topology_key),
      cmocka_unit_test(test_score_anti_more_matches),
      cmocka_unit_test(test_score_anti_symmetry),
      cmocka_unit_test(test_score_aff_and_anti),
      cmocka_unit_test(test_score_aff_and_anti_same_labels),
      cmocka_unit_test(test_score_aff_anti_symmetry),
      cmocka_unit_test(test_score_partial_topology),
      cmocka_unit_test(test_score_ns_selector),
      cmocka_unit_test(test_score_ns_selector_and_names),
      cmocka_unit_test(test_score_anti_ns_selector),
      cmocka_unit_test(test_score_anti_ns_selector_and_names),
      cmocka_unit_test(test_score_ignore_preferred_of_existing),
      cmocka_unit_test(test_score_do_not_ignore_preferred),
      cmocka_unit_test(test_score_no_nodes),
      /* TestPreferredAffinityWithHardPodAffinitySymmetricWeight */
      cmocka_unit_test(test_hard_default_weight),
      cmocka_unit_test(test_hard_zero_weight),
      cmocka_unit_test(test_hard_no_matching_namespace),
      cmocka_unit_test(test_hard_matching_ns_selector),
      cmocka_unit_test(test_hard_matching_namespaces),
      /* ksim: scoring, args, events */
      cmocka_unit_test(test_hard_weight_multiplies),
      cmocka_unit_test(test_normalize_truncates_float),
      cmocka_unit_test(test_score_negative_raw),
      cmocka_unit_test(test_args_validation),
      cmocka_unit_test(test_events),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
