/* PodTopologySpread: cases ported from kube-scheduler v1.31's
 * pkg/scheduler/framework/plugins/podtopologyspread/filtering_test.go
 * (TestSingleConstraint, TestMultipleConstraints) and scoring_test.go
 * (TestPodTopologySpreadScore, TestPreScoreSkip), with the upstream case name
 * in a comment above each. Expected codes and scores are upstream's.
 *
 * Compact specs keep the tables readable:
 *   nodes: "node-a|zone=zone1,node=node-a;node-b|..."   (name|labels)
 *   pods:  "p-a1@node-a:foo=;ns1/p-b1@node-a:foo="      ([ns/]name@node:labels)
 *   selector: NULL = nil (matches nothing), "" = empty, "foo" = Exists(foo),
 *             "k=v" = matchLabels {k: v}
 *   expected filter codes, one per node: S success, U Unschedulable,
 *             R UnschedulableAndUnresolvable.
 */
#include "tests/sched/plugin_harness.h"

#include "sched/plugins/pod_topology_spread.h"
#include "sched/spread_lister.h"

#define DNS KS_UNSATISFIABLE_DO_NOT_SCHEDULE
#define SA KS_UNSATISFIABLE_SCHEDULE_ANYWAY
#define HONOR KS_INCLUSION_POLICY_HONOR
#define IGNORE KS_INCLUSION_POLICY_IGNORE
#define HOST "kubernetes.io/hostname"

/* ---- builders ---------------------------------------------------------------- */

static void set_labels(KsLabels *l, const char *spec) {
  if (!spec || !*spec)
    return;
  char **kvs = g_strsplit(spec, ",", -1);
  for (char **kv = kvs; *kv; kv++) {
    char *eq = strchr(*kv, '=');
    assert_non_null(eq);
    *eq = '\0';
    ks_labels_set(l, *kv, eq + 1);
  }
  g_strfreev(kvs);
}

static void add_nodes(KsTestEnv *e, const char *spec) {
  char **items = g_strsplit(spec, ";", -1);
  for (char **it = items; *it; it++) {
    char **parts = g_strsplit(*it, "|", 2);
    KsNode *n = ks_test_node(parts[0], "100", "100Gi");
    set_labels(&n->labels, parts[1]);
    ks_test_env_add_node(e, n);
    g_strfreev(parts);
  }
  g_strfreev(items);
}

/* Adds an untolerated NoSchedule taint (upstream test var `taints`) to node i
 * before it is added: call instead of add_nodes for that node. */
static void add_tainted_node(KsTestEnv *e, const char *name, const char *labels) {
  KsNode *n = ks_test_node(name, "100", "100Gi");
  set_labels(&n->labels, labels);
  ks_node_add_taint(n, "node.kubernetes.io/unschedulable", "", KS_TAINT_EFFECT_NO_SCHEDULE);
  ks_test_env_add_node(e, n);
}

static void add_pods(KsTestEnv *e, const char *spec) {
  if (!spec)
    return;
  char **items = g_strsplit(spec, ";", -1);
  for (char **it = items; *it; it++) {
    char *at = strchr(*it, '@'), *colon = strchr(*it, ':');
    assert_non_null(at);
    *at = '\0';
    if (colon)
      *colon = '\0';
    char *slash = strchr(*it, '/');
    const char *ns = "default", *name = *it;
    if (slash) {
      *slash = '\0';
      ns = *it;
      name = slash + 1;
    }
    KsPod *p = ks_pod_new(ns, name);
    ks_pod_add_container(p, "c", FALSE);
    set_labels(&p->labels, colon ? colon + 1 : NULL);
    ks_test_env_add_pod(e, p, at + 1);
  }
  g_strfreev(items);
}

static KsPod *incoming(const char *labels) {
  KsPod *p = ks_pod_new("default", "p");
  ks_pod_add_container(p, "c", FALSE);
  set_labels(&p->labels, labels);
  return p;
}

static KsLabelSelector *selector(const char *spec) {
  if (!spec)
    return NULL;
  KsLabelSelector *s = ks_label_selector_new();
  if (strchr(spec, '='))
    set_labels(&s->match_labels, spec);
  else if (*spec)
    ks_label_selector_add_expression(s, spec, KS_SELECTOR_OP_EXISTS, NULL);
  return s;
}

/* st.MakePod().SpreadConstraint(maxSkew, key, action, selector, minDomains,
 * nodeAffinityPolicy, nodeTaintsPolicy, matchLabelKeys) */
static void tsc(KsPod *p, gint32 max_skew, const char *key, KsUnsatisfiableAction action,
                const char *sel, gint32 min_domains, KsInclusionPolicy aff,
                KsInclusionPolicy taints, const char *match_label_keys) {
  if (!p->topology_spread_constraints)
    p->topology_spread_constraints = ks_topology_spread_constraint_array_new();
  KsTopologySpreadConstraint c = {
      .max_skew = max_skew,
      .topology_key = g_strdup(key),
      .when_unsatisfiable = action,
      .label_selector = selector(sel),
      .min_domains = min_domains,
      .node_affinity_policy = aff,
      .node_taints_policy = taints,
      .match_label_keys = match_label_keys ? g_strsplit(match_label_keys, ",", -1) : NULL,
  };
  g_array_append_val(p->topology_spread_constraints, c);
}

static char **one_empty_value(void) {
  char **v = g_new0(char *, 2);
  v[0] = g_strdup("");
  return v;
}

/* st.MakePod().NodeAffinityIn / NodeAffinityNotIn (one required term). */
static void node_affinity(KsPod *p, const char *key, KsSelectorOp op, const char *values) {
  /* g_strsplit("") gives no element; upstream's [""] is one empty value */
  char **vals = *values ? g_strsplit(values, ",", -1) : one_empty_value();
  p->affinity = ks_affinity_new();
  p->affinity->node_affinity = ks_node_affinity_new();
  p->affinity->node_affinity->required = ks_node_selector_new();
  KsNodeSelectorTerm *t = ks_node_selector_add_term(p->affinity->node_affinity->required);
  ks_node_selector_term_add_expression(t, key, op, (const char *const *)vals);
  g_strfreev(vals);
}

/* ---- assertions ----------------------------------------------------------------- */

static void expect_filter(KsTestEnv *e, const KsPod *pod, const char *want, const char *name) {
  KsSchedStatus st[16];
  assert_int_equal(strlen(want), e->n_nodes);
  ks_test_env_filter(e, pod, st, NULL);
  for (guint i = 0; i < e->n_nodes; i++) {
    KsSchedCode code = want[i] == 'S'   ? KS_SCHED_SUCCESS
                       : want[i] == 'U' ? KS_SCHED_UNSCHEDULABLE
                                        : KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE;
    if (st[i].code != code)
      fail_msg("%s: node %u: want code %d, got %d (%s)", name, i, code, st[i].code,
               ks_test_reason(&st[i]));
    if (code == KS_SCHED_UNSCHEDULABLE)
      assert_string_equal(ks_test_reason(&st[i]), KS_SCHED_PTS_REASON_CONSTRAINTS_NOT_MATCH);
    if (code == KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE)
      assert_string_equal(ks_test_reason(&st[i]), KS_SCHED_PTS_REASON_NODE_LABEL_NOT_MATCH);
  }
}

/* The first n_cand nodes are the feasible ones (upstream `nodes`), the rest
 * are `failedNodes`. want: comma-separated scores of the candidates. */
static void expect_scores(KsTestEnv *e, const KsPod *pod, guint n_cand, const char *want,
                          const char *name) {
  guint idx[16] = {0};
  gint64 got[16] = {0};
  for (guint i = 0; i < n_cand; i++)
    idx[i] = i;
  assert_int_equal(ks_test_env_score(e, pod, idx, n_cand, got), KS_SCHED_SUCCESS);
  char **w = g_strsplit(want, ",", -1);
  assert_int_equal(g_strv_length(w), n_cand);
  for (guint i = 0; i < n_cand; i++)
    if (got[i] != g_ascii_strtoll(w[i], NULL, 10))
      fail_msg("%s: node %u: want score %s, got %" G_GINT64_FORMAT, name, i, w[i], got[i]);
  g_strfreev(w);
}

static void env_begin(KsTestEnv *e, gconstpointer args) {
  ks_test_env_init(e, &ks_sched_plugin_pod_topology_spread, args);
}

static const char *const ZONE4 = "node-a|zone=zone1,node=node-a;node-b|zone=zone1,node=node-b;"
                                 "node-x|zone=zone2,node=node-x;node-y|zone=zone2,node=node-y";
static const char *const PODS_2103 = "p-a1@node-a:foo=;p-a2@node-a:foo=;p-b1@node-b:foo=;"
                                     "p-y1@node-y:foo=;p-y2@node-y:foo=;p-y3@node-y:foo=";

/* One filter case over a fresh environment with List defaulting (as upstream). */
typedef struct {
  const char *name, *pod_labels, *nodes, *pods, *want;
  gint32 max_skew;
  const char *key, *sel;
  gint32 min_domains;
  KsInclusionPolicy aff, taints;
} FilterCase;

static void run_filter_case(const FilterCase *fc) {
  KsSchedPodTopologySpreadArgs args = {.defaulting_type = KS_SCHED_PTS_DEFAULTING_LIST};
  KsTestEnv e;
  env_begin(&e, &args);
  add_nodes(&e, fc->nodes);
  add_pods(&e, fc->pods);
  KsPod *pod = incoming(fc->pod_labels);
  tsc(pod, fc->max_skew, fc->key, DNS, fc->sel, fc->min_domains, fc->aff, fc->taints, NULL);
  expect_filter(&e, pod, fc->want, fc->name);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

/* ---- TestSingleConstraint --------------------------------------------------------- */

static void test_single_constraint(void **state) {
  static const FilterCase cases[] = {
      {"no existing pods", "foo=", NULL, NULL, "SSSS", 1, "zone", "foo", 0, 0, 0},
      {"no existing pods, incoming pod doesn't match itself", "foo=", NULL, NULL, "SSSS", 1,
       "zone", "bar", 0, 0, 0},
      {"existing pods in a different namespace do not count", "foo=", NULL,
       "ns1/p-a1@node-a:foo=;ns2/p-b1@node-a:foo=;p-x1@node-x:foo=;p-y1@node-y:foo=", "SSUU", 1,
       "zone", "foo", 0, 0, 0},
      {"existing pods do not match null selector", "foo=", NULL,
       "p-x1@node-x:foo=;p-y1@node-y:foo=", "SSSS", 1, "zone", NULL, 0, 0, 0},
      {"pods spread across zones as 3/3, all nodes fit", "foo=", NULL, PODS_2103, "SSSS", 1,
       "zone", "foo", 0, 0, 0},
      {"pods spread across zones as 1/2 due to absence of label 'zone' on node-b", "foo=",
       "node-a|zone=zone1,node=node-a;node-b|zon=zone1,node=node-b;"
       "node-x|zone=zone2,node=node-x;node-y|zone=zone2,node=node-y",
       "p-a1@node-a:foo=;p-b1@node-b:foo=;p-x1@node-x:foo=;p-y1@node-y:foo=", "SRUU", 1, "zone",
       "foo", 0, 0, 0},
      {"pod cannot be scheduled as all nodes don't have label 'rack'", "foo=",
       "node-a|zone=zone1,node=node-a;node-x|zone=zone2,node=node-x", NULL, "RR", 1, "rack",
       "foo", 0, 0, 0},
      {"pods spread across nodes as 2/1/0/3, only node-x fits", "foo=", NULL, PODS_2103, "UUSU",
       1, "node", "foo", 0, 0, 0},
      {"pods spread across nodes as 2/1/0/3, maxSkew is 2, node-b and node-x fit", "foo=", NULL,
       PODS_2103, "USSU", 2, "node", "foo", 0, 0, 0},
      {"pods spread across nodes as 2/1/0/3, but pod doesn't match itself", "bar=", NULL,
       PODS_2103, "USSU", 1, "node", "foo", 0, 0, 0},
      {"pods spread across nodes as 2/2/1, maxSkew is 2, and the number of domains < "
       "minDomains, then the third node fits",
       "foo=", "node-a|node=node-a;node-b|node=node-b;node-c|node=node-c",
       "p-a1@node-a:foo=;p-a2@node-a:foo=;p-b1@node-b:foo=;p-b2@node-b:foo=;p-c1@node-c:foo=",
       "UUS", 2, "node", "foo", 4, 0, 0},
      {"pods spread across nodes as 2/2/1, maxSkew is 2, and the number of domains > "
       "minDomains, then the all nodes fit",
       "foo=", "node-a|node=node-a;node-b|node=node-b;node-c|node=node-c",
       "p-a1@node-a:foo=;p-a2@node-a:foo=;p-b1@node-b:foo=;p-b2@node-b:foo=;p-c1@node-c:foo=",
       "SSS", 2, "node", "foo", 2, 0, 0},
      {"pods spread across zone as 2/1, maxSkew is 2 and the number of domains < minDomains, "
       "then the third and fourth nodes fit",
       "foo=", NULL, "p-b1@node-a:foo=;p-b2@node-b:foo=;p-y1@node-y:foo=", "UUSS", 2, "zone",
       "foo", 3, 0, 0},
      {"pods spread across zone as 2/1, maxSkew is 2 and the number of domains > minDomains, "
       "then the all nodes fit",
       "foo=", NULL, "p-b1@node-a:foo=;p-b2@node-b:foo=;p-y1@node-y:foo=", "SSSS", 2, "zone",
       "foo", 1, 0, 0},
  };
  (void)state;
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    FilterCase fc = cases[i];
    if (!fc.nodes)
      fc.nodes = ZONE4;
    run_filter_case(&fc);
  }
}

/* The TestSingleConstraint cases that need node affinity, taints or a
 * nodeSelector on the incoming pod. */
static void test_single_constraint_inclusion(void **state) {
  (void)state;
  static const char *const nodes = "node-a|node=node-a,foo=;node-b|node=node-b,foo=;"
                                   "node-x|node=node-x,foo=;node-y|node=node-y";
  static const char *const pods = "p-b1@node-a:foo=;p-b2@node-b:foo=;p-y1@node-y:foo=";
  for (int variant = 0; variant < 4; variant++) {
    /* "NodeAffinityPolicy honored with labelSelectors" (nodeSelector) /
     * "NodeAffinityPolicy ignored with labelSelectors" /
     * "NodeAffinityPolicy honored with nodeAffinity" /
     * "NodeAffinityPolicy ignored with labelSelectors" (nodeAffinity, ignore) */
    KsTestEnv e;
    env_begin(&e, NULL);
    add_nodes(&e, nodes);
    add_pods(&e, pods);
    KsPod *pod = incoming("foo=");
    if (variant < 2)
      ks_labels_set(&pod->node_selector, "foo", "");
    else
      node_affinity(pod, "foo", KS_SELECTOR_OP_IN, "");
    gboolean ignore = variant % 2 == 1;
    tsc(pod, 1, "node", DNS, "foo", 0, ignore ? IGNORE : 0, 0, NULL);
    /* honoured: spread 1/1/0/~0~ (node-y not counted, passes in this unit test) */
    expect_filter(&e, pod, ignore ? "UUSU" : "UUSS", "NodeAffinityPolicy");
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
  for (int honor = 0; honor < 2; honor++) {
    /* "NodeTaintsPolicy honored" / "NodeTaintsPolicy ignored" */
    KsTestEnv e;
    env_begin(&e, NULL);
    add_nodes(&e, "node-a|node=node-a,foo=;node-b|node=node-b,foo=;node-x|node=node-x,foo=");
    add_tainted_node(&e, "node-y", "node=node-y");
    add_pods(&e, pods);
    KsPod *pod = incoming("foo=");
    tsc(pod, 1, "node", DNS, "foo", 0, 0, honor ? HONOR : 0, NULL);
    expect_filter(&e, pod, honor ? "UUSS" : "UUSU", "NodeTaintsPolicy");
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
  {
    /* "incoming pod has nodeAffinity, pods spread as 2/~1~/~0~/3, hence node-a fits" */
    KsTestEnv e;
    env_begin(&e, NULL);
    add_nodes(&e, ZONE4);
    add_pods(&e, PODS_2103);
    KsPod *pod = incoming("foo=");
    node_affinity(pod, "node", KS_SELECTOR_OP_IN, "node-a,node-y");
    tsc(pod, 1, "node", DNS, "foo", 0, 0, 0, NULL);
    expect_filter(&e, pod, "SSSU", "nodeAffinity 2/~1~/~0~/3");
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
  {
    /* "incoming pod has nodeAffinity, pods spread as 0/~2~/0/1, hence node-a fits" */
    KsTestEnv e;
    env_begin(&e, NULL);
    add_nodes(&e, ZONE4);
    add_pods(&e, "p-b1@node-b:foo=;p-b2@node-b:foo=;p-y1@node-y:foo=");
    KsPod *pod = incoming("foo=");
    node_affinity(pod, "node", KS_SELECTOR_OP_NOT_IN, "node-b");
    tsc(pod, 1, "zone", DNS, "foo", 0, 0, 0, NULL);
    expect_filter(&e, pod, "SSUU", "nodeAffinity 0/~2~/0/1");
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
}

/* ---- TestMultipleConstraints ---------------------------------------------------------- */

static void multi_case(const char *name, const char *labels, const char *sel2, const char *pods,
                       const char *want) {
  KsTestEnv e;
  env_begin(&e, NULL);
  add_nodes(&e, ZONE4);
  add_pods(&e, pods);
  KsPod *pod = incoming(labels);
  tsc(pod, 1, "zone", DNS, "foo", 0, 0, 0, NULL);
  tsc(pod, 1, "node", DNS, sel2, 0, 0, 0, NULL);
  expect_filter(&e, pod, want, name);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

static void test_multiple_constraints(void **state) {
  (void)state;
  multi_case("two Constraints on zone and node, spreads = [3/3, 2/1/0/3]", "foo=", "foo",
             PODS_2103, "UUSU");
  multi_case("two Constraints on zone and node, spreads = [3/4, 2/1/0/4]", "foo=", "foo",
             "p-a1@node-a:foo=;p-a2@node-a:foo=;p-b1@node-b:foo=;p-y1@node-y:foo=;"
             "p-y2@node-y:foo=;p-y3@node-y:foo=;p-y4@node-y:foo=",
             "UUUU");
  multi_case("Constraints hold different labelSelectors, spreads = [1/0, 1/0/0/1]", "foo=,bar=",
             "bar", "p-a1@node-a:foo=;p-y1@node-y:bar=", "UUSU");
  multi_case("Constraints hold different labelSelectors, spreads = [1/0, 0/0/1/1]", "foo=,bar=",
             "bar", "p-a1@node-a:foo=;p-x1@node-x:bar=;p-y1@node-y:bar=", "UUUU");
}

/* matchLabelKeys are ANDed into the selector by the plugin: pods with another
 * value of the key do not count (derived from the filtering_test.go idea of
 * "matchLabelKeys ANDed with LabelSelector"; expectations computed here). */
static void test_match_label_keys_filter(void **state) {
  (void)state;
  KsTestEnv e;
  env_begin(&e, NULL);
  add_nodes(&e, "node-a|node=node-a;node-b|node=node-b");
  /* two pods of another revision on node-a, one of ours on node-b */
  add_pods(&e, "p-a1@node-a:foo=,rev=1;p-a2@node-a:foo=,rev=1;p-b1@node-b:foo=,rev=2");
  KsPod *pod = incoming("foo=,rev=2");
  tsc(pod, 1, "node", DNS, "foo", 0, 0, 0, "rev");
  /* counted: a=0, b=1 -> node-a 0+1-0 fits, node-b 1+1-0=2 > 1 */
  expect_filter(&e, pod, "SU", "matchLabelKeys");
  ks_pod_unref(pod);
  KsPod *plain = incoming("foo=,rev=2");
  tsc(plain, 1, "node", DNS, "foo", 0, 0, 0, NULL);
  /* without matchLabelKeys: a=2, b=1 -> node-a 3-1 > 1, node-b 2-1 = 1 fits */
  expect_filter(&e, plain, "US", "no matchLabelKeys");
  ks_pod_unref(plain);
  ks_test_env_clear(&e);
}

/* v1.31 keys its counts by (topologyKey, value): two hard constraints on the
 * same key share one table, and on each node the later constraint's count
 * wins (fixed upstream in v1.33, PR #129119). Expectations computed here. */
static void test_same_key_constraints_v131(void **state) {
  (void)state;
  KsTestEnv e;
  env_begin(&e, NULL);
  add_nodes(&e, "node-a|node=node-a;node-b|node=node-b");
  add_pods(&e, "p-a1@node-a:foo=;p-a2@node-a:foo=;p-b1@node-b:bar=");
  KsPod *pod = incoming("foo=,bar=");
  tsc(pod, 1, "node", DNS, "foo", 0, 0, 0, NULL);
  tsc(pod, 5, "node", DNS, "bar", 0, 0, 0, NULL);
  /* shared table holds the "bar" counts: a=0, b=1, min 0. Constraint 1
   * (maxSkew 1) sees node-b 1+1 = 2 > 1; node-a 0+1 fits, although two foo
   * pods run there. */
  expect_filter(&e, pod, "SU", "same key");
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

static void test_prefilter_skip(void **state) {
  (void)state;
  KsTestEnv e;
  env_begin(&e, NULL);
  add_nodes(&e, "node-a|node=node-a");
  KsSchedStatus st[1];
  KsPod *none = incoming("foo=");
  assert_int_equal(ks_test_env_filter(&e, none, st, NULL), KS_SCHED_SKIP);
  KsPod *soft = incoming("foo=");
  tsc(soft, 1, "node", SA, "foo", 0, 0, 0, NULL);
  assert_int_equal(ks_test_env_filter(&e, soft, st, NULL), KS_SCHED_SKIP);
  KsPod *bad = incoming("foo=");
  tsc(bad, 1, "node", DNS, NULL, 0, 0, 0, NULL);
  KsLabelSelector *s = ks_label_selector_new();
  ks_label_selector_add_expression(s, "foo", KS_SELECTOR_OP_IN, NULL); /* In without values */
  g_array_index(bad->topology_spread_constraints, KsTopologySpreadConstraint, 0).label_selector = s;
  assert_int_equal(ks_test_env_filter(&e, bad, st, NULL), KS_SCHED_ERROR_CODE);
  ks_pod_unref(none);
  ks_pod_unref(soft);
  ks_pod_unref(bad);
  ks_test_env_clear(&e);
}

/* ---- TestPodTopologySpreadScore ------------------------------------------------------ */

typedef struct {
  const char *name, *pod_labels, *nodes, *pods;
  guint n_cand;
  const char *want;
  gint32 max_skew;
  const char *key, *sel;
  KsInclusionPolicy aff, taints;
  gint32 min_domains;
} ScoreCase;

static const char *const HOST4 = "node-a|kubernetes.io/hostname=node-a;"
                                 "node-b|kubernetes.io/hostname=node-b;"
                                 "node-c|kubernetes.io/hostname=node-c;"
                                 "node-d|kubernetes.io/hostname=node-d";
static const char *const PODS_4321 =
    "p-a1@node-a:foo=;p-a2@node-a:foo=;p-a3@node-a:foo=;p-a4@node-a:foo=;p-b1@node-b:foo=;"
    "p-b2@node-b:foo=;p-b3@node-b:foo=;p-c1@node-c:foo=;p-c2@node-c:foo=;p-d1@node-d:foo=";
static const char *const PODS_4213 =
    "p-a1@node-a:foo=;p-a2@node-a:foo=;p-a3@node-a:foo=;p-a4@node-a:foo=;p-b1@node-b:foo=;"
    "p-b2@node-b:foo=;p-x1@node-x:foo=;p-y1@node-y:foo=;p-y2@node-y:foo=;p-y3@node-y:foo=";
static const char *const PODS_2103D = "p-a1@node-a:foo=;p-a2@node-a:foo=;p-b1@node-b:foo=;"
                                      "p-d1@node-d:foo=;p-d2@node-d:foo=;p-d3@node-d:foo=";

static void run_score_case(const ScoreCase *sc) {
  KsTestEnv e;
  env_begin(&e, NULL); /* upstream: SystemDefaulting; the pod has its own constraints */
  add_nodes(&e, sc->nodes);
  add_pods(&e, sc->pods);
  KsPod *pod = incoming(sc->pod_labels);
  tsc(pod, sc->max_skew, sc->key, SA, sc->sel, sc->min_domains, sc->aff, sc->taints, NULL);
  expect_scores(&e, pod, sc->n_cand, sc->want, sc->name);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

static void test_score_single(void **state) {
  (void)state;
  static const ScoreCase cases[] = {
      {"one constraint on node, no existing pods", "foo=",
       "node-a|kubernetes.io/hostname=node-a;node-b|kubernetes.io/hostname=node-b", NULL, 2,
       "100,100", 1, HOST, "foo", 0, 0, 0},
      {"one constraint on node, only one node is candidate", "foo=",
       "node-a|kubernetes.io/hostname=node-a;node-b|kubernetes.io/hostname=node-b",
       "p-a1@node-a:foo=;p-a2@node-a:foo=;p-b1@node-b:foo=", 1, "100", 1, HOST, "foo", 0, 0, 0},
      {"one constraint on node, all nodes have the same number of matching pods", "foo=",
       "node-a|kubernetes.io/hostname=node-a;node-b|kubernetes.io/hostname=node-b",
       "p-a1@node-a:foo=;p-b1@node-b:foo=", 2, "100,100", 1, HOST, "foo", 0, 0, 0},
      {"one constraint on node, all 4 nodes are candidates", "foo=", HOST4, PODS_2103D, 4,
       "20,60,100,0", 1, HOST, "foo", 0, 0, 0},
      {"one constraint on node, null selector", "foo=", HOST4, PODS_2103D, 4,
       "100,100,100,100", 1, HOST, NULL, 0, 0, 0},
      {"one constraint on node, all 4 nodes are candidates, maxSkew=2", "foo=", HOST4,
       PODS_2103D, 4, "33,66,100,16", 2, HOST, "foo", 0, 0, 0},
      {"one constraint on node, all 4 nodes are candidates, maxSkew=3", "foo=", HOST4, PODS_4321,
       4, "44,66,77,100", 3, HOST, "foo", 0, 0, 0},
      {"one constraint on node, 3 out of 4 nodes are candidates", "foo=",
       "node-a|kubernetes.io/hostname=node-a;node-b|kubernetes.io/hostname=node-b;"
       "node-x|kubernetes.io/hostname=node-x;node-y|kubernetes.io/hostname=node-y",
       PODS_4213, 3, "33,83,100", 1, HOST, "foo", 0, 0, 0},
      {"one constraint on node, 3 out of 4 nodes are candidates, one node doesn't match "
       "topology key",
       "foo=",
       "node-a|kubernetes.io/hostname=node-a;node-b|n=node-b;"
       "node-x|kubernetes.io/hostname=node-x;node-y|kubernetes.io/hostname=node-y",
       PODS_4213, 3, "16,0,100", 1, HOST, "foo", 0, 0, 0},
      {"one constraint on zone, 3 out of 4 nodes are candidates", "foo=",
       "node-a|zone=zone1,kubernetes.io/hostname=node-a;node-b|zone=zone1,kubernetes.io/"
       "hostname=node-b;node-x|zone=zone2,kubernetes.io/hostname=node-x;"
       "node-y|zone=zone2,kubernetes.io/hostname=node-y",
       PODS_4213, 3, "75,75,100", 1, "zone", "foo", 0, 0, 0},
      {"existing pods in a different namespace do not count", "foo=",
       "node-a|kubernetes.io/hostname=node-a;node-b|kubernetes.io/hostname=node-b",
       "ns1/p-a1@node-a:foo=;p-a2@node-a:foo=;p-b1@node-b:foo=;p-b2@node-b:foo=", 2, "100,33",
       1, HOST, "foo", 0, 0, 0},
      {"minDomains has no effect when ScheduleAnyway", "foo=",
       "node-a|node=node-a;node-b|node=node-b;node-c|node=node-c",
       "p-a1@node-a:foo=;p-a2@node-a:foo=;p-b1@node-b:foo=;p-b2@node-b:foo=;p-c1@node-c:foo=", 3,
       "75,75,100", 2, "node", "foo", 0, 0, 10 /* larger than the number of domains (3) */},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
    run_score_case(&cases[i]);
}

/* Cases with two constraints (zone + hostname). */
static void score_two(const char *name, const char *labels, const char *sel2, const char *nodes,
                      const char *pods, guint n_cand, const char *want) {
  KsTestEnv e;
  env_begin(&e, NULL);
  add_nodes(&e, nodes);
  add_pods(&e, pods);
  KsPod *pod = incoming(labels);
  tsc(pod, 1, "zone", SA, "foo", 0, 0, 0, NULL);
  tsc(pod, 1, HOST, SA, sel2, 0, 0, 0, NULL);
  expect_scores(&e, pod, n_cand, want, name);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

#define ZH(n, z) n "|zone=" z ",kubernetes.io/hostname=" n

static void test_score_multiple(void **state) {
  (void)state;
  /* candidates first, then failed nodes */
  score_two("two Constraints on zone and node, 2 out of 4 nodes are candidates", "foo=", "foo",
            ZH("node-a", "zone1") ";" ZH("node-x", "zone2") ";" ZH("node-b", "zone1") ";" ZH(
                "node-y", "zone2"),
            "p-a1@node-a:foo=;p-a2@node-a:foo=;p-b1@node-b:foo=;p-x1@node-x:foo=;"
            "p-x2@node-x:foo=;p-y1@node-y:foo=;p-y2@node-y:foo=;p-y3@node-y:foo=;"
            "p-y4@node-y:foo=",
            2, "100,63");
  const char *all4 = ZH("node-a", "zone1") ";" ZH("node-b", "zone1") ";" ZH(
      "node-x", "zone2") ";" ZH("node-y", "zone2");
  score_two("two Constraints on zone and node, with different labelSelectors", "foo=,bar=",
            "bar", all4,
            "p-a1@node-a:foo=;p-b1@node-b:foo=,bar=;p-y1@node-y:foo=;p-y2@node-y:bar=", 4,
            "60,20,100,60");
  score_two("two Constraints on zone and node, with different labelSelectors, some nodes have 0 "
            "pods",
            "foo=,bar=", "bar", all4, "p-b1@node-b:bar=;p-x1@node-x:foo=;p-y1@node-y:foo=,bar=",
            4, "100,60,40,0");
  score_two("two Constraints on zone and node, with different labelSelectors, 3 out of 4 nodes "
            "are candidates",
            "foo=,bar=", "bar", all4,
            "p-a1@node-a:foo=;p-b1@node-b:foo=,bar=;p-y1@node-y:foo=;p-y2@node-y:bar=", 3,
            "50,25,100");
}

/* NodeAffinityPolicy / NodeTaintsPolicy scoring cases (3 nodes "node" key). */
static void test_score_inclusion(void **state) {
  (void)state;
  static const char *const pods =
      "p-a1@node-a:foo=;p-a2@node-a:foo=;p-b1@node-b:foo=;p-c1@node-c:foo=";
  for (int variant = 0; variant < 4; variant++) {
    /* "NodeAffinityPolicy honoed with labelSelectors" / "... ignored with labelSelectors" /
     * "NodeAffinityPolicy honoed with nodeAffinity" / "... ignored with nodeAffinity" */
    KsTestEnv e;
    env_begin(&e, NULL);
    add_nodes(&e, "node-a|node=node-a,foo=;node-b|node=node-b,foo=;node-c|node=node-c");
    add_pods(&e, pods);
    KsPod *pod = incoming("foo=");
    if (variant < 2)
      ks_labels_set(&pod->node_selector, "foo", "");
    else
      node_affinity(pod, "foo", KS_SELECTOR_OP_IN, "");
    gboolean ignore = variant % 2 == 1;
    tsc(pod, 1, "node", SA, "foo", 0, ignore ? IGNORE : 0, 0, NULL);
    expect_scores(&e, pod, 3, ignore ? "66,100,100" : "0,33,100", "NodeAffinityPolicy");
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
  for (int honor = 0; honor < 2; honor++) {
    /* "NodeTaintsPolicy honored" / "NodeTaintsPolicy ignored" */
    KsTestEnv e;
    env_begin(&e, NULL);
    add_nodes(&e, "node-a|node=node-a;node-b|node=node-b");
    add_tainted_node(&e, "node-c", "node=node-c");
    add_pods(&e, pods);
    KsPod *pod = incoming("foo=");
    tsc(pod, 1, "node", SA, "foo", 0, 0, honor ? HONOR : 0, NULL);
    expect_scores(&e, pod, 3, honor ? "0,33,100" : "66,100,100", "NodeTaintsPolicy");
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
}

static void test_score_match_label_keys(void **state) {
  (void)state;
  const char *all4 = ZH("node-a", "zone1") ";" ZH("node-b", "zone1") ";" ZH(
      "node-c", "zone2") ";" ZH("node-d", "zone2");
  {
    /* "matchLabelKeys ANDed with LabelSelector when LabelSelector is empty" */
    KsTestEnv e;
    env_begin(&e, NULL);
    add_nodes(&e, all4);
    add_pods(&e, "p-a1@node-a:foo=;p-b1@node-b:foo=,bar=;p-y1@node-c:foo=;p-y2@node-c:bar=");
    KsPod *pod = incoming("foo=,bar=");
    tsc(pod, 1, "zone", SA, "", 0, 0, 0, "foo");
    tsc(pod, 1, HOST, SA, "", 0, 0, 0, "bar");
    expect_scores(&e, pod, 4, "60,20,60,100", "matchLabelKeys, empty selector");
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
  {
    /* "matchLabelKeys ANDed with LabelSelector when LabelSelector isn't empty" */
    KsTestEnv e;
    env_begin(&e, NULL);
    add_nodes(&e, all4);
    add_pods(&e, "p-a1@node-a:foo=;p-b1@node-b:foo=,bar=,baz=;p-c1@node-c:foo=;"
                 "p-c2@node-c:bar=;p-d3@node-c:bar=,baz=");
    KsPod *pod = incoming("foo=,bar=,baz=");
    tsc(pod, 1, "zone", SA, "foo", 0, 0, 0, NULL);
    tsc(pod, 1, HOST, SA, "bar", 0, 0, 0, "baz");
    expect_scores(&e, pod, 4, "60,20,60,100", "matchLabelKeys, selector");
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
}

/* ---- defaulting ------------------------------------------------------------------- */

static const KsLabelSelector *foo_selector(const KsPod *pod, gpointer data) {
  (void)pod;
  return data;
}

static void test_score_system_defaulting(void **state) {
  (void)state;
  /* "system defaulting, nodes don't have zone, pods match service": the
   * Service selector {foo: ""} comes from the host's selector function. */
  KsLabelSelector *svc = selector("foo=");
  KsSchedPodTopologySpreadArgs args = {.defaulting_type = KS_SCHED_PTS_DEFAULTING_SYSTEM,
                                       .default_selector = foo_selector,
                                       .default_selector_data = svc};
  KsTestEnv e;
  env_begin(&e, &args);
  add_nodes(&e, HOST4);
  add_pods(&e, PODS_4321);
  KsPod *pod = incoming("foo=");
  expect_scores(&e, pod, 4, "44,66,77,100", "system defaulting");
  /* System defaults are ScheduleAnyway only: nothing to filter */
  KsSchedStatus st[4];
  assert_int_equal(ks_test_env_filter(&e, pod, st, NULL), KS_SCHED_SKIP);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
  ks_label_selector_free(svc);
}

static void test_system_defaulting_without_selector_skips(void **state) {
  (void)state;
  /* TestPreScoreSkip "default constraints and a replicaset that doesn't
   * match": no workload selects the pod -> Skip. ksim's default without a
   * selector function is exactly this case. */
  KsTestEnv e;
  env_begin(&e, NULL);
  add_nodes(&e, HOST4);
  KsPod *pod = incoming("foo=");
  gint64 out[4];
  assert_int_equal(ks_test_env_score(&e, pod, NULL, 0, out), KS_SCHED_SKIP);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

/* ---- the default selector from the cache's spread lister (helper.DefaultSelector) ---- */

static void own_by(KsPod *pod, const char *api_version, const char *kind, const char *name) {
  ks_owner_reference_array_add(&pod->owner_references, api_version, kind, name, "uid-1", TRUE,
                               TRUE);
}

static void test_score_system_defaulting_service_lister(void **state) {
  (void)state;
  /* "system defaulting, nodes don't have zone, pods match service": the
   * Service {foo: ""} is in the cache's spread lister, no selector function. */
  KsTestEnv e;
  env_begin(&e, NULL);
  add_nodes(&e, HOST4);
  add_pods(&e, PODS_4321);
  KsLabels svc;
  ks_labels_init(&svc);
  set_labels(&svc, "foo=");
  ks_sched_spread_lister_set_service(e.cache->spread, "default", "s", &svc);
  KsPod *pod = incoming("foo=");
  expect_scores(&e, pod, 4, "44,66,77,100", "system defaulting, service from the lister");
  KsSchedStatus st[4];
  assert_int_equal(ks_test_env_filter(&e, pod, st, NULL), KS_SCHED_SKIP);
  /* the same service in another namespace selects nothing: Skip */
  assert_true(ks_sched_spread_lister_remove_service(e.cache->spread, "default", "s"));
  assert_false(ks_sched_spread_lister_remove_service(e.cache->spread, "default", "s"));
  ks_sched_spread_lister_set_service(e.cache->spread, "other", "s", &svc);
  gint64 out[4];
  assert_int_equal(ks_test_env_score(&e, pod, NULL, 0, out), KS_SCHED_SKIP);
  ks_labels_clear(&svc);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

static void test_prescore_skip_replicaset_not_matching(void **state) {
  (void)state;
  /* TestPreScoreSkip "default constraints and a replicaset that doesn't
   * match": the pod's owner rs2 is unknown (only rs1 exists) -> Skip. */
  KsTopologySpreadConstraint defs[] = {
      {.max_skew = 2, .topology_key = (char *)"planet", .when_unsatisfiable = SA},
  };
  KsSchedPodTopologySpreadArgs args = {.default_constraints = defs,
                                       .n_default_constraints = 1,
                                       .defaulting_type = KS_SCHED_PTS_DEFAULTING_LIST};
  KsTestEnv e;
  env_begin(&e, &args);
  add_nodes(&e, "node-a|planet=mars");
  KsLabelSelector *tar = selector("tar");
  ks_sched_spread_lister_set_replica_set(e.cache->spread, "default", "rs1", tar);
  KsPod *pod = incoming("foo=bar,baz=sup");
  own_by(pod, "apps/v1", "ReplicaSet", "rs2");
  gint64 out[1];
  assert_int_equal(ks_test_env_score(&e, pod, NULL, 0, out), KS_SCHED_SKIP);
  /* owned by rs1 (selector Exists(tar)): the default constraint applies */
  KsPod *owned = incoming("foo=bar,baz=sup");
  own_by(owned, "apps/v1", "ReplicaSet", "rs1");
  assert_int_equal(ks_test_env_score(&e, owned, NULL, 0, out), KS_SCHED_SUCCESS);
  ks_pod_unref(owned);
  ks_pod_unref(pod);
  ks_label_selector_free(tar);
  ks_test_env_clear(&e);
}

static void test_system_defaulting_replicaset(void **state) {
  (void)state;
  /* TestPreScoreStateEmptyNodes "system default constraints and a
   * replicaset": rs1 selects Exists(foo); the pod (owned by rs1) gets the
   * hostname (maxSkew 3) and zone (maxSkew 5) defaults with that selector.
   * Nodes without a zone form the "" zone (upstream's want: zone counts
   * {mars: 0, "": 0}, weights log(4+2) and log(2+2)). The scores below add
   * two foo pods on node-a to that state (ksim's numbers, by upstream's
   * formula). */
  KsTestEnv e;
  env_begin(&e, NULL);
  add_nodes(&e, "node-a|kubernetes.io/hostname=node-a,topology.kubernetes.io/zone=mars;"
                "node-b|kubernetes.io/hostname=node-b,topology.kubernetes.io/zone=mars;"
                "node-c|kubernetes.io/hostname=node-c;node-d|kubernetes.io/hostname=node-d");
  KsLabelSelector *foo = selector("foo");
  ks_sched_spread_lister_set_replica_set(e.cache->spread, "default", "rs1", foo);
  KsPod *pod = incoming("foo=tar,baz=sup");
  own_by(pod, "apps/v1", "ReplicaSet", "rs1");
  KsLabelSelector *got = ks_label_selector_new();
  ks_sched_spread_lister_default_selector(e.cache->spread, pod, got);
  assert_int_equal(got->match_labels.n, 0);
  assert_non_null(got->match_expressions);
  assert_int_equal(got->match_expressions->len, 1);
  const KsSelectorRequirement *r = &g_array_index(got->match_expressions, KsSelectorRequirement, 0);
  assert_string_equal(r->key, "foo");
  assert_int_equal(r->op, KS_SELECTOR_OP_EXISTS);
  ks_label_selector_free(got);
  add_pods(&e, "p-a1@node-a:foo=;p-a2@node-a:foo=;p-c1@node-c:bar=");
  /* raw (rounded): node-a 2*log(6)+2 + 2*log(4)+4 = 12, node-b 2 +
   * 2*log(4)+4 = 9, node-c/-d 2 (a node without the zone label is not
   * ignored, but the zone constraint adds nothing to its score);
   * normalized 100*(12+2-raw)/12 */
  expect_scores(&e, pod, 4, "16,41,100,100", "system default constraints and a replicaset");
  ks_pod_unref(pod);
  ks_label_selector_free(foo);
  ks_test_env_clear(&e);
}

static void test_spread_lister_default_selector(void **state) {
  (void)state;
  KsSchedSpreadLister *l = ks_sched_spread_lister_new();
  KsLabels m;
  ks_labels_init(&m);
  set_labels(&m, "app=web");
  ks_sched_spread_lister_set_service(l, "default", "web", &m);
  ks_labels_clear(&m);
  ks_labels_init(&m);
  set_labels(&m, "tier=front");
  ks_sched_spread_lister_set_service(l, "default", "front", &m);
  ks_labels_clear(&m);
  ks_labels_init(&m);
  set_labels(&m, "app=db");
  ks_sched_spread_lister_set_service(l, "default", "db", &m); /* does not select the pod */
  ks_labels_clear(&m);
  ks_labels_init(&m);
  ks_sched_spread_lister_set_service(l, "default", "headless", &m); /* empty: selects nothing */
  set_labels(&m, "app=web,rc=1");
  ks_sched_spread_lister_set_replication_controller(l, "default", "rc1", &m);
  ks_labels_clear(&m);
  KsLabelSelector *rs = selector("app=other");
  ks_label_selector_add_expression(rs, "track", KS_SELECTOR_OP_EXISTS, NULL);
  ks_sched_spread_lister_set_replica_set(l, "default", "rs1", rs);
  ks_sched_spread_lister_set_stateful_set(l, "default", "ss1", NULL);
  assert_int_equal(ks_sched_spread_lister_size(l), 7);

  KsLabelSelector *out = ks_label_selector_new();
  KsPod *pod = incoming("app=web,tier=front,rc=1,track=x");
  ks_sched_spread_lister_default_selector(l, pod, out);
  /* services only (no controller): {app=web, tier=front} */
  assert_int_equal(out->match_labels.n, 2);
  assert_string_equal(ks_labels_get(&out->match_labels, "app"), "web");
  assert_string_equal(ks_labels_get(&out->match_labels, "tier"), "front");
  assert_int_equal(out->match_expressions ? out->match_expressions->len : 0, 0);

  /* a v1 ReplicationController owner merges its map */
  own_by(pod, "v1", "ReplicationController", "rc1");
  ks_sched_spread_lister_default_selector(l, pod, out);
  assert_int_equal(out->match_labels.n, 3);
  assert_string_equal(ks_labels_get(&out->match_labels, "rc"), "1");
  ks_pod_unref(pod);

  /* an apps/v1 ReplicaSet owner adds its requirements, ANDed: app=other
   * conflicts with the services' app=web, so it becomes app In (other) */
  pod = incoming("app=web,tier=front,track=x");
  own_by(pod, "apps/v1", "ReplicaSet", "rs1");
  ks_sched_spread_lister_default_selector(l, pod, out);
  assert_int_equal(out->match_labels.n, 2);
  assert_int_equal(out->match_expressions->len, 2);
  const KsSelectorRequirement *r0 = &g_array_index(out->match_expressions, KsSelectorRequirement, 0);
  const KsSelectorRequirement *r1 = &g_array_index(out->match_expressions, KsSelectorRequirement, 1);
  assert_string_equal(r0->key, "app");
  assert_int_equal(r0->op, KS_SELECTOR_OP_IN);
  assert_string_equal(r0->values[0], "other");
  assert_null(r0->values[1]);
  assert_string_equal(r1->key, "track");
  assert_int_equal(r1->op, KS_SELECTOR_OP_EXISTS);
  assert_false(ks_label_selector_matches(out, &pod->labels));
  ks_pod_unref(pod);

  /* wrong apiVersion, unknown kind, a StatefulSet without selector, another
   * namespace: services only */
  static const char *const owners[][3] = {{"extensions/v1beta1", "ReplicaSet", "rs1"},
                                          {"apps/v1", "Deployment", "rs1"},
                                          {"apps/v1", "StatefulSet", "ss1"},
                                          {"apps/v1", "ReplicaSet", "nope"}};
  for (guint i = 0; i < G_N_ELEMENTS(owners); i++) {
    pod = incoming("app=web,tier=front");
    own_by(pod, owners[i][0], owners[i][1], owners[i][2]);
    ks_sched_spread_lister_default_selector(l, pod, out);
    assert_int_equal(out->match_labels.n, 2);
    assert_int_equal(out->match_expressions->len, 0);
    ks_pod_unref(pod);
  }
  pod = ks_pod_new("elsewhere", "p");
  set_labels(&pod->labels, "app=web");
  own_by(pod, "apps/v1", "ReplicaSet", "rs1");
  ks_sched_spread_lister_default_selector(l, pod, out);
  assert_true(ks_label_selector_is_empty(out));
  ks_pod_unref(pod);

  /* a StatefulSet with a selector */
  KsLabelSelector *ss = selector("app=web");
  ks_sched_spread_lister_set_stateful_set(l, "default", "ss1", ss);
  assert_int_equal(ks_sched_spread_lister_size(l), 7);
  pod = incoming("app=web");
  own_by(pod, "apps/v1", "StatefulSet", "ss1");
  ks_sched_spread_lister_default_selector(l, pod, out);
  assert_int_equal(out->match_labels.n, 1);
  assert_int_equal(out->match_expressions->len, 0);
  ks_pod_unref(pod);

  assert_true(ks_sched_spread_lister_remove_stateful_set(l, "default", "ss1"));
  assert_true(ks_sched_spread_lister_remove_replica_set(l, "default", "rs1"));
  assert_true(ks_sched_spread_lister_remove_replication_controller(l, "default", "rc1"));
  assert_false(ks_sched_spread_lister_remove_replica_set(l, "default", "rs1"));
  assert_false(ks_sched_spread_lister_remove_stateful_set(l, "x", "ss1"));
  assert_int_equal(ks_sched_spread_lister_size(l), 4);
  ks_label_selector_free(ss);
  ks_label_selector_free(rs);
  ks_label_selector_free(out);
  ks_sched_spread_lister_free(l);
}

static void test_list_defaulting(void **state) {
  (void)state;
  /* List defaulting with one hostname constraint behaves as the pod's own
   * constraint would ("one constraint on node, all 4 nodes are candidates"),
   * and a DoNotSchedule default filters ("pods spread across nodes as
   * 2/1/0/3, only node-x fits"). */
  KsLabelSelector *rs = selector("foo");
  KsTopologySpreadConstraint defs[] = {
      {.max_skew = 1, .topology_key = (char *)HOST, .when_unsatisfiable = SA},
      {.max_skew = 1, .topology_key = (char *)"node", .when_unsatisfiable = DNS},
  };
  KsSchedPodTopologySpreadArgs args = {.default_constraints = defs,
                                       .n_default_constraints = 2,
                                       .defaulting_type = KS_SCHED_PTS_DEFAULTING_LIST,
                                       .default_selector = foo_selector,
                                       .default_selector_data = rs};
  KsTestEnv e;
  env_begin(&e, &args);
  add_nodes(&e, "node-a|kubernetes.io/hostname=node-a,node=node-a;"
                "node-b|kubernetes.io/hostname=node-b,node=node-b;"
                "node-c|kubernetes.io/hostname=node-c,node=node-c;"
                "node-d|kubernetes.io/hostname=node-d,node=node-d");
  add_pods(&e, PODS_2103D);
  KsPod *pod = incoming("foo=");
  expect_scores(&e, pod, 4, "20,60,100,0", "list defaulting score");
  expect_filter(&e, pod, "UUSU", "list defaulting filter");
  /* TestPreScoreStateEmptyNodes "default constraints and a replicaset, but
   * pod has constraints": the pod's own constraints replace the defaults. */
  KsPod *own = incoming("foo=");
  tsc(own, 1, "zone", DNS, "bar", 0, 0, 0, NULL);
  gint64 out[4];
  assert_int_equal(ks_test_env_score(&e, own, NULL, 0, out), KS_SCHED_SKIP);
  ks_pod_unref(own);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
  ks_label_selector_free(rs);
}

static void test_args_validation(void **state) {
  (void)state;
  GError *err = NULL;
  KsTopologySpreadConstraint one = {.max_skew = 1, .topology_key = (char *)"zone",
                                    .when_unsatisfiable = SA};
  KsSchedPodTopologySpreadArgs sys = {.default_constraints = &one,
                                      .n_default_constraints = 1,
                                      .defaulting_type = KS_SCHED_PTS_DEFAULTING_SYSTEM};
  assert_null(ks_sched_plugin_pod_topology_spread.create(&sys, &err));
  assert_non_null(strstr(err->message, "must be empty"));
  g_clear_error(&err);

  KsTopologySpreadConstraint bad[] = {
      {.max_skew = 0, .topology_key = (char *)"zone", .when_unsatisfiable = SA},
  };
  KsSchedPodTopologySpreadArgs list = {.default_constraints = bad,
                                       .n_default_constraints = 1,
                                       .defaulting_type = KS_SCHED_PTS_DEFAULTING_LIST};
  assert_null(ks_sched_plugin_pod_topology_spread.create(&list, &err));
  assert_string_equal(err->message, "defaultConstraints[0].maxSkew: must be greater than zero");
  g_clear_error(&err);

  KsLabelSelector *sel = selector("foo");
  KsTopologySpreadConstraint with_sel = {.max_skew = 1, .topology_key = (char *)"zone",
                                         .when_unsatisfiable = SA, .label_selector = sel};
  list.default_constraints = &with_sel;
  assert_null(ks_sched_plugin_pod_topology_spread.create(&list, &err));
  assert_non_null(strstr(err->message, "labelSelector"));
  g_clear_error(&err);
  ks_label_selector_free(sel);

  KsTopologySpreadConstraint dup[] = {one, one};
  list.default_constraints = dup;
  list.n_default_constraints = 2;
  assert_null(ks_sched_plugin_pod_topology_spread.create(&list, &err));
  assert_non_null(strstr(err->message, "defaultConstraints[1]"));
  g_clear_error(&err);
}

static void test_events(void **state) {
  (void)state;
  const KsSchedPluginDesc *d = &ks_sched_plugin_pod_topology_spread;
  assert_string_equal(d->name, "PodTopologySpread");
  assert_int_equal(d->n_events, 2);
  assert_int_equal(d->events[0].resource, KS_SCHED_EV_POD);
  assert_int_equal(d->events[0].actions, KS_SCHED_ACT_ALL);
  assert_int_equal(d->events[1].resource, KS_SCHED_EV_NODE);
  assert_int_equal(d->events[1].actions, KS_SCHED_ACT_ADD | KS_SCHED_ACT_DELETE |
                                             KS_SCHED_ACT_UPDATE_NODE_LABEL |
                                             KS_SCHED_ACT_UPDATE_NODE_TAINT);
}

/* State is reused across cycles: a second, different pod in the same cycle
 * state gets fresh tables (no stale domains from the first). */
static void test_cycle_state_reuse(void **state) {
  (void)state;
  KsTestEnv e;
  env_begin(&e, NULL);
  add_nodes(&e, ZONE4);
  add_pods(&e, PODS_2103);
  KsPod *zone = incoming("foo=");
  tsc(zone, 1, "zone", DNS, "foo", 0, 0, 0, NULL);
  KsPod *node = incoming("foo=");
  tsc(node, 1, "node", DNS, "foo", 0, 0, 0, NULL);
  for (int round = 0; round < 3; round++) {
    expect_filter(&e, zone, "SSSS", "reuse zone");
    expect_filter(&e, node, "UUSU", "reuse node");
  }
  ks_pod_unref(zone);
  ks_pod_unref(node);
  ks_test_env_clear(&e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_single_constraint),
      cmocka_unit_test(test_single_constraint_inclusion),
      cmocka_unit_test(test_multiple_constraints),
      cmocka_unit_test(test_match_label_keys_filter),
      cmocka_unit_test(test_same_key_constraints_v131),
      cmocka_unit_test(test_prefilter_skip),
      cmocka_unit_test(test_score_single),
      cmocka_unit_test(test_score_multiple),
      cmocka_unit_test(test_score_inclusion),
      cmocka_unit_test(test_score_match_label_keys),
      cmocka_unit_test(test_score_system_defaulting),
      cmocka_unit_test(test_system_defaulting_without_selector_skips),
      cmocka_unit_test(test_score_system_defaulting_service_lister),
      cmocka_unit_test(test_prescore_skip_replicaset_not_matching),
      cmocka_unit_test(test_system_defaulting_replicaset),
      cmocka_unit_test(test_spread_lister_default_selector),
      cmocka_unit_test(test_list_defaulting),
      cmocka_unit_test(test_args_validation),
      cmocka_unit_test(test_events),
      cmocka_unit_test(test_cycle_state_reuse),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
