/* PreFilterExtensions (AddPod / RemovePod) of PodTopologySpread and
 * InterPodAffinity, and DefaultPreemption's dry run through them.
 *
 * - PodTopologySpread: upstream v1.31 filtering_test.go TestPreFilterStateAddPod
 *   and TestPreFilterStateRemovePod, with the exact expected pair counts,
 *   domain numbers and critical-path minimums (cases named in comments).
 * - InterPodAffinity: upstream filtering_test.go TestPreFilterStateAddRemovePod
 *   (expected counts after AddPod, and the original state after RemovePod).
 * - DefaultPreemption: upstream default_preemption_test.go TestDryRunPreemption
 *   "pod with anti-affinity is preempted" and "preemption to resolve pod
 *   topology spread filter failure", run through the plugin with a test
 *   host whose diagnosis marks every node Unschedulable (upstream passes
 *   all nodes to DryRunPreemption); both find their victims only because
 *   RemovePod updates the PreFilter state. The cycle state is checked to be
 *   back to PreFilter's afterwards.
 * - A randomized cluster: state updated through RemovePod/AddPod gives the
 *   same Filter outcome on every node as a fresh PreFilter over the changed
 *   cluster, and undoing the updates gives PreFilter's state back. */
#include "tests/sched/plugin_harness.h"

#include "sched/plugins/default_preemption.h"
#include "sched/plugins/inter_pod_affinity.h"
#include "sched/plugins/pod_topology_spread.h"
#include "sched/plugins/prefilter_state.h"
#include "sched/preemption.h"
#include "sched/rng.h"

/* ---- builders ----------------------------------------------------------------------------- */

/* "k=v,k=v" */
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

/* small: requests upstream's smallRes (100m cpu, 100 memory) */
static KsPod *mkpod_req(const char *ns, const char *name, const char *labels, gint32 prio,
                        gboolean small) {
  KsPod *p = ks_pod_new(ns, name);
  KsContainer *c = ks_pod_add_container(p, "c", FALSE);
  if (small) {
    assert_true(ks_resource_list_set_quantity(&c->requests, "cpu", "100m", NULL));
    assert_true(ks_resource_list_set_quantity(&c->requests, "memory", "100", NULL));
  }
  set_labels(&p->labels, labels);
  p->has_priority = TRUE;
  p->priority = prio;
  return p;
}

static KsPod *mkpod(const char *ns, const char *name, const char *labels, gint32 prio) {
  return mkpod_req(ns, name, labels, prio, FALSE);
}

static void add_node(KsTestEnv *e, const char *name, const char *labels) {
  KsNode *n = ks_test_node(name, "500m", "500");
  set_labels(&n->labels, labels);
  ks_test_env_add_node(e, n);
}

/* Binds p (a new ref is taken; the caller keeps its own). */
static void bind(KsTestEnv *e, KsPod *p, const char *node) {
  ks_test_env_add_pod(e, ks_pod_ref(p), node);
}

/* A DoNotSchedule constraint maxSkew 1 on `key` selecting `sel_key` Exists. */
static void spread(KsPod *p, const char *key, const char *sel_key) {
  if (!p->topology_spread_constraints)
    p->topology_spread_constraints = ks_topology_spread_constraint_array_new();
  KsTopologySpreadConstraint c = {.max_skew = 1,
                                  .topology_key = g_strdup(key),
                                  .when_unsatisfiable = KS_UNSATISFIABLE_DO_NOT_SCHEDULE,
                                  .label_selector = ks_label_selector_new()};
  ks_label_selector_add_expression(c.label_selector, sel_key, KS_SELECTOR_OP_EXISTS, NULL);
  g_array_append_val(p->topology_spread_constraints, c);
}

/* Required node affinity "key NotIn (value)". */
static void node_affinity_not_in(KsPod *p, const char *key, const char *value) {
  if (!p->affinity)
    p->affinity = ks_affinity_new();
  p->affinity->node_affinity = ks_node_affinity_new();
  p->affinity->node_affinity->required = ks_node_selector_new();
  const char *vals[] = {value, NULL};
  ks_node_selector_term_add_expression(ks_node_selector_add_term(p->affinity->node_affinity->required),
                                       key, KS_SELECTOR_OP_NOT_IN, vals);
}

/* Appends a required (anti-)affinity term on `topo` with one expression. */
static void pod_term(KsPod *p, gboolean anti, const char *topo, const char *key, KsSelectorOp op,
                     const char *const *values) {
  if (!p->affinity)
    p->affinity = ks_affinity_new();
  KsPodAffinity **pa = anti ? &p->affinity->pod_anti_affinity : &p->affinity->pod_affinity;
  if (!*pa)
    *pa = ks_pod_affinity_new();
  if (!(*pa)->required)
    (*pa)->required = ks_pod_affinity_term_array_new();
  KsPodAffinityTerm t = {.label_selector = ks_label_selector_new(),
                         .topology_key = g_strdup(topo)};
  ks_label_selector_add_expression(t.label_selector, key, op, values);
  g_array_append_val((*pa)->required, t);
}

static const char *const BAR[] = {"bar", NULL};
static const char *const BAR_BUZZ[] = {"bar", "buzz", NULL};
static const char *const BAR_SEC_TEST[] = {"bar", "security", "test", NULL};

/* upstream antiAffinityFooBar / antiAffinityComplex / affinityComplex */
static void foo_bar_region(KsPod *p, gboolean anti) {
  pod_term(p, anti, "region", "foo", KS_SELECTOR_OP_IN, BAR);
}
static void complex_terms(KsPod *p, gboolean anti) {
  pod_term(p, anti, "region", "foo", KS_SELECTOR_OP_IN, BAR_BUZZ);
  pod_term(p, anti, "zone", "service", KS_SELECTOR_OP_NOT_IN, BAR_SEC_TEST);
}

static void pre_filter(KsTestEnv *e, const KsPod *pod, KsSchedCode want) {
  KsSchedStatus st;
  ks_sched_status_reset(&st);
  GHashTable *names = NULL;
  e->plugin->desc->pre_filter(e->plugin, &e->cs, pod, e->cache, &names, &st);
  assert_int_equal(st.code, want);
}

static guint slot_of(KsTestEnv *e, const char *node) {
  gint s = ks_sched_cache_node_slot(e->cache, node);
  assert_true(s >= 0);
  return (guint)s;
}

static void add_pod_ext(KsTestEnv *e, const KsPod *pod, const KsPod *other, const char *node) {
  KsSchedStatus st;
  ks_sched_status_reset(&st);
  e->plugin->desc->add_pod(e->plugin, &e->cs, pod, other, e->cache, slot_of(e, node), &st);
  assert_int_equal(st.code, KS_SCHED_SUCCESS);
}

static void remove_pod_ext(KsTestEnv *e, const KsPod *pod, const KsPod *other, const char *node) {
  KsSchedStatus st;
  ks_sched_status_reset(&st);
  e->plugin->desc->remove_pod(e->plugin, &e->cs, pod, other, e->cache, slot_of(e, node), &st);
  assert_int_equal(st.code, KS_SCHED_SUCCESS);
}

/* ---- PodTopologySpread state checks -------------------------------------------------------- */

static const KsSchedPodTopologySpreadArgs list_args = {.defaulting_type =
                                                           KS_SCHED_PTS_DEFAULTING_LIST};

static void expect_pair(KsTestEnv *e, const char *key, const char *value, gint64 want) {
  gint64 got = -1;
  if (!ks_sched_pts_state_count(e->plugin, &e->cs, key, value, &got))
    fail_msg("pair (%s, %s) missing, want %" G_GINT64_FORMAT, key, value, want);
  if (got != want)
    fail_msg("pair (%s, %s) = %" G_GINT64_FORMAT ", want %" G_GINT64_FORMAT, key, value, got,
             want);
}

static void expect_no_pair(KsTestEnv *e, const char *key, const char *value) {
  gint64 got;
  if (ks_sched_pts_state_count(e->plugin, &e->cs, key, value, &got) && got != 0)
    fail_msg("pair (%s, %s) = %" G_GINT64_FORMAT ", want none", key, value, got);
}

/* TpKeyToDomainsNum and the critical paths' match numbers (upstream's
 * values; path names are compared only where the numbers differ, since
 * upstream's test sorts tied paths). */
static void expect_paths(KsTestEnv *e, const char *key, guint domains, const char *v0, gint64 n0,
                         const char *v1, gint64 n1) {
  guint d;
  const char *g0, *g1;
  gint64 m0, m1;
  assert_true(ks_sched_pts_state_paths(e->plugin, &e->cs, key, &d, &g0, &m0, &g1, &m1));
  assert_int_equal(d, domains);
  assert_int_equal(m0, n0);
  assert_int_equal(m1, n1);
  if (n0 != n1) {
    assert_string_equal(g0, v0);
    if (v1)
      assert_string_equal(g1, v1);
    else if (n1 == G_MAXINT32)
      assert_null(g1); /* an empty path; otherwise NULL = any name */
  }
}

#define ZONE1_A "zone=zone1,node=node-a"
#define ZONE1_B "zone=zone1,node=node-b"
#define ZONE2_X "zone=zone2,node=node-x"
#define ZONE2_Y "zone=zone2,node=node-y"

/* TestPreFilterStateAddPod "node a and b both impact current min match" */
static void test_pts_add_both_impact(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_pod_topology_spread, &list_args);
  add_node(&e, "node-a", ZONE1_A);
  add_node(&e, "node-b", ZONE1_B);
  KsPod *p = mkpod("default", "p", "foo=", 0);
  spread(p, "node", "foo");
  KsPod *a1 = mkpod("default", "p-a1", "foo=", 0);
  pre_filter(&e, p, KS_SCHED_SUCCESS);
  add_pod_ext(&e, p, a1, "node-a");
  expect_pair(&e, "node", "node-a", 1);
  expect_pair(&e, "node", "node-b", 0);
  expect_paths(&e, "node", 2, "node-b", 0, "node-a", 1);
  ks_pod_unref(a1);
  ks_pod_unref(p);
  ks_test_env_clear(&e);
}

/* TestPreFilterStateAddPod "only node a impacts current min match",
 * "add a pod in a different namespace doesn't change topologyKeyToMinPodsMap"
 * and "add pod on non-critical node won't trigger re-calculation". */
static void test_pts_add_single_node_cases(void **state) {
  struct {
    const char *ns, *name, *node;
    gint64 a, b;
    const char *v0;
    gint64 n0;
    const char *v1;
    gint64 n1;
  } cases[] = {
      {"default", "p-a1", "node-a", 1, 1, "node-a", 1, "node-b", 1},
      {"ns1", "p-a1", "node-a", 0, 1, "node-a", 0, "node-b", 1},
      {"default", "p-b2", "node-b", 0, 2, "node-a", 0, "node-b", 2},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_pod_topology_spread, &list_args);
    add_node(&e, "node-a", ZONE1_A);
    add_node(&e, "node-b", ZONE1_B);
    KsPod *b1 = mkpod("default", "p-b1", "foo=", 0);
    bind(&e, b1, "node-b");
    KsPod *p = mkpod("default", "p", "foo=", 0);
    spread(p, "node", "foo");
    KsPod *added = mkpod(cases[i].ns, cases[i].name, "foo=", 0);
    pre_filter(&e, p, KS_SCHED_SUCCESS);
    add_pod_ext(&e, p, added, cases[i].node);
    expect_pair(&e, "node", "node-a", cases[i].a);
    expect_pair(&e, "node", "node-b", cases[i].b);
    expect_paths(&e, "node", 2, cases[i].v0, cases[i].n0, cases[i].v1, cases[i].n1);
    ks_pod_unref(added);
    ks_pod_unref(p);
    ks_pod_unref(b1);
    ks_test_env_clear(&e);
  }
}

/* TestPreFilterStateAddPod: zone + node constraints.
 * "node a and x both impact topologyKeyToMinPodsMap on zone and node",
 * "only node a impacts topologyKeyToMinPodsMap on zone and node",
 * "node a impacts topologyKeyToMinPodsMap on node, node x impacts
 * topologyKeyToMinPodsMap on zone". */
static void test_pts_add_zone_and_node(void **state) {
  for (guint i = 0; i < 3; i++) {
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_pod_topology_spread, &list_args);
    add_node(&e, "node-a", ZONE1_A);
    if (i == 2)
      add_node(&e, "node-b", ZONE1_B);
    add_node(&e, "node-x", ZONE2_X);
    GPtrArray *keep = g_ptr_array_new_with_free_func((GDestroyNotify)ks_pod_unref);
    if (i >= 1) {
      g_ptr_array_add(keep, mkpod("default", "p-x1", "foo=", 0));
      bind(&e, g_ptr_array_index(keep, keep->len - 1), "node-x");
    }
    if (i == 2) {
      g_ptr_array_add(keep, mkpod("default", "p-b1", "foo=", 0));
      bind(&e, g_ptr_array_index(keep, keep->len - 1), "node-b");
      g_ptr_array_add(keep, mkpod("default", "p-b2", "foo=", 0));
      bind(&e, g_ptr_array_index(keep, keep->len - 1), "node-b");
    }
    KsPod *p = mkpod("default", "p", "foo=", 0);
    spread(p, "zone", "foo");
    spread(p, "node", "foo");
    KsPod *a1 = mkpod("default", "p-a1", "foo=", 0);
    pre_filter(&e, p, KS_SCHED_SUCCESS);
    add_pod_ext(&e, p, a1, "node-a");
    if (i == 0) {
      expect_pair(&e, "zone", "zone1", 1);
      expect_pair(&e, "zone", "zone2", 0);
      expect_pair(&e, "node", "node-a", 1);
      expect_pair(&e, "node", "node-x", 0);
      expect_paths(&e, "zone", 2, "zone2", 0, "zone1", 1);
      expect_paths(&e, "node", 2, "node-x", 0, "node-a", 1);
    } else if (i == 1) {
      expect_pair(&e, "zone", "zone1", 1);
      expect_pair(&e, "zone", "zone2", 1);
      expect_pair(&e, "node", "node-a", 1);
      expect_pair(&e, "node", "node-x", 1);
      expect_paths(&e, "zone", 2, "zone1", 1, "zone2", 1);
      expect_paths(&e, "node", 2, "node-a", 1, "node-x", 1);
    } else {
      expect_pair(&e, "zone", "zone1", 3);
      expect_pair(&e, "zone", "zone2", 1);
      expect_pair(&e, "node", "node-a", 1);
      expect_pair(&e, "node", "node-b", 2);
      expect_pair(&e, "node", "node-x", 1);
      expect_paths(&e, "zone", 2, "zone2", 1, "zone1", 3);
      expect_paths(&e, "node", 3, "node-a", 1, "node-x", 1);
    }
    ks_pod_unref(a1);
    ks_pod_unref(p);
    g_ptr_array_free(keep, TRUE);
    ks_test_env_clear(&e);
  }
}

/* TestPreFilterStateAddPod "Constraints hold different labelSelectors, node
 * a impacts topologyKeyToMinPodsMap on zone" (added pod foo only) and "...
 * on both zone and node" (added pod foo and bar, existing p-b1 bar only). */
static void test_pts_add_different_selectors(void **state) {
  for (guint i = 0; i < 2; i++) {
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_pod_topology_spread, &list_args);
    add_node(&e, "node-a", ZONE1_A);
    add_node(&e, "node-b", ZONE1_B);
    add_node(&e, "node-x", ZONE2_X);
    KsPod *b1 = mkpod("default", "p-b1", i == 0 ? "foo=,bar=" : "bar=", 0);
    KsPod *x1 = mkpod("default", "p-x1", "foo=,bar=", 0);
    KsPod *x2 = mkpod("default", "p-x2", "bar=", 0);
    bind(&e, b1, "node-b");
    bind(&e, x1, "node-x");
    bind(&e, x2, "node-x");
    KsPod *p = mkpod("default", "p", "foo=,bar=", 0);
    spread(p, "zone", "foo");
    spread(p, "node", "bar");
    KsPod *a1 = mkpod("default", "p-a1", i == 0 ? "foo=" : "foo=,bar=", 0);
    pre_filter(&e, p, KS_SCHED_SUCCESS);
    add_pod_ext(&e, p, a1, "node-a");
    if (i == 0) {
      expect_pair(&e, "zone", "zone1", 2);
      expect_pair(&e, "zone", "zone2", 1);
      expect_pair(&e, "node", "node-a", 0);
      expect_pair(&e, "node", "node-b", 1);
      expect_pair(&e, "node", "node-x", 2);
      expect_paths(&e, "zone", 2, "zone2", 1, "zone1", 2);
      expect_paths(&e, "node", 3, "node-a", 0, "node-b", 1);
    } else {
      expect_pair(&e, "zone", "zone1", 1);
      expect_pair(&e, "zone", "zone2", 1);
      expect_pair(&e, "node", "node-a", 1);
      expect_pair(&e, "node", "node-b", 1);
      expect_pair(&e, "node", "node-x", 2);
      expect_paths(&e, "zone", 2, "zone1", 1, "zone2", 1);
      expect_paths(&e, "node", 3, "node-a", 1, "node-b", 1);
    }
    ks_pod_unref(a1);
    ks_pod_unref(p);
    ks_pod_unref(b1);
    ks_pod_unref(x1);
    ks_pod_unref(x2);
    ks_test_env_clear(&e);
  }
}

/* TestPreFilterStateAddPod / RemovePod "... node affinity unmatched pod with
 * NodeInclusionPolicy enabled": node-a (foo=bar) is excluded by the
 * preemptor's node affinity, so adding or removing a pod there changes
 * nothing. And "... node affinity matched pod with NodeInclusionPolicy
 * enabled" (v1.31 default): adding / removing on node-b moves zone2. */
static void test_pts_inclusion_policy(void **state) {
  for (guint remove = 0; remove < 2; remove++) {
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_pod_topology_spread, &list_args);
    add_node(&e, "node-a", "zone=zone1,node=node-a,foo=bar");
    add_node(&e, "node-b", "zone=zone2,node=node-b,foo=");
    KsPod *a2 = mkpod("default", "p-a2", "foo=,zone=zone1", 0);
    KsPod *b1 = mkpod("default", "p-b1", "foo=,zone=zone2", 0);
    bind(&e, a2, "node-a");
    bind(&e, b1, "node-b");
    KsPod *p = mkpod("default", "p", "foo=", 0);
    node_affinity_not_in(p, "foo", "bar");
    spread(p, "zone", "foo");
    KsPod *a1 = mkpod("default", "p-a1", "foo=,zone=zone1", 0);
    pre_filter(&e, p, KS_SCHED_SUCCESS);
    if (remove)
      remove_pod_ext(&e, p, a1, "node-a");
    else
      add_pod_ext(&e, p, a1, "node-a");
    expect_no_pair(&e, "zone", "zone1");
    expect_pair(&e, "zone", "zone2", 1);
    expect_paths(&e, "zone", 1, "zone2", 1, NULL, G_MAXINT32);
    ks_pod_unref(a1);
    ks_pod_unref(p);
    ks_pod_unref(a2);
    ks_pod_unref(b1);
    ks_test_env_clear(&e);
  }
  /* matched: p-a1 on node-a, p-b2 on node-b; AddPod p-b1 on node-b gives
   * zone2 2 (upstream "add a pod when scheduling node affinity matched pod
   * with NodeInclusionPolicy enabled"); RemovePod gives zone2 0 ("remove
   * a pod when scheduling node affinity matched pod with NodeInclusionPolicy
   * enabled": {zone2 0, zone1 1}). */
  for (guint remove = 0; remove < 2; remove++) {
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_pod_topology_spread, &list_args);
    add_node(&e, "node-a", "zone=zone1,node=node-a,foo=bar");
    add_node(&e, "node-b", "zone=zone2,node=node-b,foo=");
    KsPod *a1 = mkpod("default", "p-a1", "foo=,zone=zone1", 0);
    KsPod *b2 = mkpod("default", "p-b2", "foo=,zone=zone2", 0);
    bind(&e, a1, "node-a");
    bind(&e, b2, "node-b");
    KsPod *p = mkpod("default", "p", "foo=", 0);
    spread(p, "zone", "foo");
    KsPod *b1 = mkpod("default", "p-b1", "foo=,zone=zone2", 0);
    pre_filter(&e, p, KS_SCHED_SUCCESS);
    if (remove) {
      remove_pod_ext(&e, p, b1, "node-b");
      expect_pair(&e, "zone", "zone2", 0);
      expect_pair(&e, "zone", "zone1", 1);
      expect_paths(&e, "zone", 2, "zone2", 0, "zone1", 1);
    } else {
      add_pod_ext(&e, p, b1, "node-b");
      expect_pair(&e, "zone", "zone1", 1);
      expect_pair(&e, "zone", "zone2", 2);
      expect_paths(&e, "zone", 2, "zone1", 1, "zone2", 2);
    }
    ks_pod_unref(a1);
    ks_pod_unref(b2);
    ks_pod_unref(b1);
    ks_pod_unref(p);
    ks_test_env_clear(&e);
  }
}

/* TestPreFilterStateRemovePod: "one spreadConstraint on zone,
 * topologyKeyToMinPodsMap unchanged" (3 nodes), "one spreadConstraint on
 * node, topologyKeyToMinPodsMap changed" (4 nodes), "delete an irrelevant
 * pod won't help", "delete a non-existing pod won't help". */
static void test_pts_remove_zone(void **state) {
  for (guint i = 0; i < 4; i++) {
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_pod_topology_spread, &list_args);
    add_node(&e, "node-a", ZONE1_A);
    add_node(&e, "node-b", ZONE1_B);
    add_node(&e, "node-x", ZONE2_X);
    if (i >= 1)
      add_node(&e, "node-y", ZONE2_Y);
    KsPod *a0 = mkpod("default", "p-a0", "bar=", 0);
    KsPod *pods[4] = {mkpod("default", "p-a1", "foo=", 0), mkpod("default", "p-b1", "foo=", 0),
                      mkpod("default", "p-x1", "foo=", 0), mkpod("default", "p-y1", "foo=", 0)};
    const char *nodes[4] = {"node-a", "node-b", "node-x", "node-y"};
    if (i == 2)
      bind(&e, a0, "node-a");
    for (guint k = 0; k < (i >= 1 ? 4u : 3u); k++)
      bind(&e, pods[k], nodes[k]);
    KsPod *p = mkpod("default", "p", "foo=", 0);
    spread(p, "zone", "foo");
    pre_filter(&e, p, KS_SCHED_SUCCESS);
    remove_pod_ext(&e, p, i >= 2 ? a0 : pods[0], "node-a");
    if (i == 0) {
      expect_pair(&e, "zone", "zone1", 1);
      expect_pair(&e, "zone", "zone2", 1);
      expect_paths(&e, "zone", 2, "zone1", 1, "zone2", 1);
    } else if (i == 1) {
      expect_pair(&e, "zone", "zone1", 1);
      expect_pair(&e, "zone", "zone2", 2);
      expect_paths(&e, "zone", 2, "zone1", 1, "zone2", 2);
    } else {
      expect_pair(&e, "zone", "zone1", 2);
      expect_pair(&e, "zone", "zone2", 2);
      expect_paths(&e, "zone", 2, "zone1", 2, "zone2", 2);
    }
    for (guint k = 0; k < 4; k++)
      ks_pod_unref(pods[k]);
    ks_pod_unref(a0);
    ks_pod_unref(p);
    ks_test_env_clear(&e);
  }
}

/* TestPreFilterStateRemovePod "two spreadConstraints" */
static void test_pts_remove_two_constraints(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_pod_topology_spread, &list_args);
  add_node(&e, "node-a", ZONE1_A);
  add_node(&e, "node-b", ZONE1_B);
  add_node(&e, "node-x", ZONE2_X);
  const char *names[5] = {"p-a1", "p-a2", "p-b1", "p-x1", "p-x2"};
  const char *nodes[5] = {"node-a", "node-a", "node-b", "node-x", "node-x"};
  KsPod *pods[5];
  for (guint k = 0; k < 5; k++) {
    pods[k] = mkpod("default", names[k], "foo=", 0);
    bind(&e, pods[k], nodes[k]);
  }
  KsPod *p = mkpod("default", "p", "foo=", 0);
  spread(p, "zone", "foo");
  spread(p, "node", "foo");
  pre_filter(&e, p, KS_SCHED_SUCCESS);
  remove_pod_ext(&e, p, pods[3], "node-x");
  expect_pair(&e, "zone", "zone1", 3);
  expect_pair(&e, "zone", "zone2", 1);
  expect_pair(&e, "node", "node-a", 2);
  expect_pair(&e, "node", "node-b", 1);
  expect_pair(&e, "node", "node-x", 1);
  expect_paths(&e, "zone", 2, "zone2", 1, "zone1", 3);
  expect_paths(&e, "node", 3, "node-b", 1, "node-x", 1);
  /* undoing the removal gives PreFilter's paths back exactly */
  add_pod_ext(&e, p, pods[3], "node-x");
  expect_pair(&e, "node", "node-x", 2);
  expect_paths(&e, "zone", 2, "zone2", 2, "zone1", 3);
  expect_paths(&e, "node", 3, "node-b", 1, NULL, 2);
  for (guint k = 0; k < 5; k++)
    ks_pod_unref(pods[k]);
  ks_pod_unref(p);
  ks_test_env_clear(&e);
}

/* ---- InterPodAffinity: TestPreFilterStateAddRemovePod -------------------------------------- */

typedef struct {
  const char *name;
  void (*pending)(KsPod *);
  void (*p2)(KsPod *);
  void (*added)(KsPod *);
  const char *added_node;
  /* expected incoming anti-affinity / affinity counts after AddPod */
  const char *anti[4][2];
  gint64 anti_n[4];
  const char *aff[4][2];
  gint64 aff_n[4];
} IpaCase;

static void none(KsPod *p) { (void)p; }
static void anti_foo_bar(KsPod *p) { foo_bar_region(p, TRUE); }
static void anti_complex(KsPod *p) { complex_terms(p, TRUE); }
static void aff_complex(KsPod *p) { complex_terms(p, FALSE); }
static void anti_foo_bar_aff_complex(KsPod *p) {
  foo_bar_region(p, TRUE);
  complex_terms(p, FALSE);
}

static const IpaCase ipa_cases[] = {
    {"no affinity exist", none, none, none, "nodeB", {{0}}, {0}, {{0}}, {0}},
    {"preFilterState anti-affinity terms are updated correctly after adding and removing a pod",
     anti_foo_bar, anti_foo_bar, anti_foo_bar, "nodeB",
     {{"region", "r1"}}, {2}, {{0}}, {0}},
    {"preFilterState anti-affinity terms are updated correctly after adding and removing a pod "
     "(complex)",
     anti_complex, anti_foo_bar, anti_complex, "nodeA",
     {{"region", "r1"}, {"zone", "z11"}, {"zone", "z21"}}, {2, 2, 1}, {{0}}, {0}},
    {"preFilterState matching pod affinity and anti-affinity are updated correctly after adding "
     "and removing a pod",
     aff_complex, anti_foo_bar_aff_complex, anti_complex, "nodeA",
     {{0}}, {0}, {{"region", "r1"}, {"zone", "z11"}}, {2, 2}},
};

static guint n_expected(const char *const pairs[4][2]) {
  guint n = 0;
  while (n < 4 && pairs[n][0])
    n++;
  return n;
}

static void expect_ipa_map(KsTestEnv *e, KsSchedIpaMap m, const char *const pairs[4][2],
                           const gint64 *counts, const char *name) {
  guint n = n_expected(pairs);
  if (ks_sched_ipa_state_len(e->plugin, &e->cs, m) != n)
    fail_msg("%s: map %d has %u pairs, want %u", name, (int)m,
             ks_sched_ipa_state_len(e->plugin, &e->cs, m), n);
  for (guint i = 0; i < n; i++)
    if (ks_sched_ipa_state_count(e->plugin, &e->cs, m, pairs[i][0], pairs[i][1]) != counts[i])
      fail_msg("%s: (%s, %s) wrong", name, pairs[i][0], pairs[i][1]);
}

/* Snapshot of all three maps over the pairs the test's nodes can have. */
static void ipa_snapshot(KsTestEnv *e, gint64 out[3][6]) {
  const char *pairs[6][2] = {{"region", "r1"}, {"region", "r2"}, {"zone", "z11"},
                             {"zone", "z12"},  {"zone", "z21"},  {"zone", "none"}};
  for (int m = 0; m < 3; m++)
    for (int i = 0; i < 6; i++)
      out[m][i] = ks_sched_ipa_state_count(e->plugin, &e->cs, (KsSchedIpaMap)m, pairs[i][0],
                                           pairs[i][1]);
}

static void ipa_env(KsTestEnv *e, const IpaCase *c, KsPod **p1, KsPod **p2) {
  ks_test_env_init(e, &ks_sched_plugin_inter_pod_affinity, NULL);
  add_node(e, "nodeA", "region=r1,zone=z11");
  add_node(e, "nodeB", "region=r1,zone=z12");
  add_node(e, "nodeC", "region=r2,zone=z21");
  *p1 = mkpod("default", "p1", "foo=bar", 0);
  *p2 = mkpod("default", "p2", NULL, 0);
  c->p2(*p2);
  bind(e, *p1, "nodeA");
  bind(e, *p2, "nodeC");
}

static void test_ipa_add_remove(void **state) {
  for (guint i = 0; i < G_N_ELEMENTS(ipa_cases); i++) {
    const IpaCase *c = &ipa_cases[i];
    KsPod *pending = mkpod("default", "pending", "foo=bar", 0);
    c->pending(pending);
    KsPod *added = mkpod("default", "addedPod", "foo=bar", 0);
    c->added(added);
    /* allPodsState: PreFilter with the added pod bound */
    KsTestEnv all;
    KsPod *p1, *p2;
    ipa_env(&all, c, &p1, &p2);
    bind(&all, added, c->added_node);
    /* upstream v1.31 PreFilter skips when there is nothing to count */
    KsSchedCode want_pre = i == 0 ? KS_SCHED_SKIP : KS_SCHED_SUCCESS;
    pre_filter(&all, pending, want_pre);
    gint64 want_all[3][6];
    ipa_snapshot(&all, want_all);
    ks_pod_unref(p1);
    ks_pod_unref(p2);
    ks_test_env_clear(&all);

    KsTestEnv e;
    ipa_env(&e, c, &p1, &p2);
    pre_filter(&e, pending, want_pre);
    gint64 orig[3][6], got[3][6];
    ipa_snapshot(&e, orig);
    add_pod_ext(&e, pending, added, c->added_node);
    expect_ipa_map(&e, KS_SCHED_IPA_ANTI, c->anti, c->anti_n, c->name);
    expect_ipa_map(&e, KS_SCHED_IPA_AFFINITY, c->aff, c->aff_n, c->name);
    ipa_snapshot(&e, got);
    if (memcmp(got, want_all, sizeof got) != 0)
      fail_msg("%s: AddPod state differs from PreFilter with the pod", c->name);
    remove_pod_ext(&e, pending, added, c->added_node);
    ipa_snapshot(&e, got);
    if (memcmp(got, orig, sizeof got) != 0)
      fail_msg("%s: RemovePod did not restore the state", c->name);
    ks_pod_unref(p1);
    ks_pod_unref(p2);
    ks_pod_unref(added);
    ks_pod_unref(pending);
    ks_test_env_clear(&e);
  }
}

/* Upstream Filter after RemovePod: an existing pod's anti-affinity that
 * blocks a node stops blocking once RemovePod drops it, and its pair leaves
 * the map (len 0), as upstream's update() deletes zero counts. */
static void test_ipa_remove_lifts_existing_anti(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_inter_pod_affinity, NULL);
  add_node(&e, "node1", "hostname=node1");
  KsPod *blocker = mkpod("default", "p1.1", "foo=", 0);
  pod_term(blocker, TRUE, "hostname", "foo", KS_SELECTOR_OP_EXISTS, NULL);
  bind(&e, blocker, "node1");
  KsPod *p = mkpod("default", "p", "foo=", 0);
  KsSchedStatus st[1];
  assert_int_equal(ks_test_env_filter(&e, p, st, NULL), KS_SCHED_SUCCESS);
  assert_int_equal(st[0].code, KS_SCHED_UNSCHEDULABLE);
  assert_string_equal(st[0].reasons[0], "node(s) didn't satisfy existing pods anti-affinity rules");
  remove_pod_ext(&e, p, blocker, "node1");
  assert_int_equal(ks_sched_ipa_state_len(e.plugin, &e.cs, KS_SCHED_IPA_EXISTING_ANTI), 0);
  ks_sched_status_reset(&st[0]);
  e.plugin->desc->filter(e.plugin, &e.cs, p, e.cache, e.slots[0], &st[0]);
  assert_int_equal(st[0].code, KS_SCHED_SUCCESS);
  add_pod_ext(&e, p, blocker, "node1");
  assert_int_equal(ks_sched_ipa_state_count(e.plugin, &e.cs, KS_SCHED_IPA_EXISTING_ANTI,
                                            "hostname", "node1"),
                   1);
  ks_pod_unref(blocker);
  ks_pod_unref(p);
  ks_test_env_clear(&e);
}

/* ---- DefaultPreemption dry runs ------------------------------------------------------------- */

typedef struct {
  KsSchedPreemptionHost h;
  KsSchedFramework *fw;
  KsRng rng;
} TestHost;

static gboolean host_filters(KsSchedPreemptionHost *h, KsSchedCycleState *cs, const KsPod *pod,
                             guint slot, KsSchedStatus *st) {
  TestHost *t = (TestHost *)h;
  for (guint k = 0; k < t->fw->n_ep[KS_SCHED_EP_FILTER]; k++) {
    KsSchedPlugin *p = &t->fw->plugins[t->fw->ep[KS_SCHED_EP_FILTER][k]];
    if (cs->skip_filter & (G_GUINT64_CONSTANT(1) << p->index))
      continue;
    ks_sched_status_reset(st);
    p->desc->filter(p, cs, pod, h->cache, slot, st);
    if (!ks_sched_status_ok(st))
      return FALSE;
  }
  return TRUE;
}

static const char *host_nominated(KsSchedPreemptionHost *h, const KsPod *pod) {
  (void)h, (void)pod;
  return NULL;
}
static gboolean host_terminating(KsSchedPreemptionHost *h, const KsPod *pod) {
  (void)h, (void)pod;
  return FALSE;
}
static gint64 host_start(KsSchedPreemptionHost *h, const KsPod *pod) {
  (void)h, (void)pod;
  return 0;
}

typedef struct {
  KsSchedRegistry *reg;
  KsSchedFramework *fw;
  KsSchedCache *cache;
  KsSchedCycleState cs;
  TestHost host;
  GPtrArray *pods; /* refs */
} DryEnv;

static void dry_init(DryEnv *d, const char *const *plugins, guint n) {
  memset(d, 0, sizeof *d);
  d->reg = ks_sched_registry_new();
  if (!ks_sched_registry_lookup(d->reg, "DefaultPreemption"))
    assert_true(ks_sched_registry_add(d->reg, &ks_sched_plugin_default_preemption, NULL));
  if (!ks_sched_registry_lookup(d->reg, "InterPodAffinity"))
    assert_true(ks_sched_registry_add(d->reg, &ks_sched_plugin_inter_pod_affinity, NULL));
  if (!ks_sched_registry_lookup(d->reg, "PodTopologySpread"))
    assert_true(ks_sched_registry_add(d->reg, &ks_sched_plugin_pod_topology_spread, NULL));
  KsSchedPluginConfig pc[8];
  for (guint i = 0; i < n; i++)
    pc[i] = (KsSchedPluginConfig){plugins[i], 0,
                                  strcmp(plugins[i], "PodTopologySpread") == 0 ? &list_args : NULL};
  GError *err = NULL;
  d->fw = ks_sched_framework_new(d->reg, "test", pc, n, &err);
  if (!d->fw)
    fail_msg("%s", err->message);
  d->cache = ks_sched_cache_new();
  ks_sched_cycle_state_init(&d->cs);
  d->pods = g_ptr_array_new_with_free_func((GDestroyNotify)ks_pod_unref);
  d->host.fw = d->fw;
  ks_rng_init(&d->host.rng, 1, "sched/preemption");
  d->host.h = (KsSchedPreemptionHost){.cache = d->cache,
                                      .run_filters = host_filters,
                                      .nominated_node = host_nominated,
                                      .terminating = host_terminating,
                                      .start_time = host_start,
                                      .rng = &d->host.rng,
                                      .victims = g_ptr_array_new_with_free_func(
                                          (GDestroyNotify)ks_pod_unref)};
  ks_sched_default_preemption_attach(ks_sched_framework_plugin(d->fw, "DefaultPreemption"),
                                     &d->host.h);
}

static void dry_clear(DryEnv *d) {
  g_ptr_array_free(d->host.h.victims, TRUE);
  ks_sched_cycle_state_clear(&d->cs, d->fw);
  ks_sched_cache_free(d->cache);
  g_ptr_array_free(d->pods, TRUE);
  ks_sched_framework_free(d->fw);
  ks_sched_registry_free(d->reg);
}

static void dry_node(DryEnv *d, const char *name, const char *labels) {
  KsNode *n = ks_test_node(name, "500m", "500");
  set_labels(&n->labels, labels);
  ks_sched_cache_set_node(d->cache, n);
  ks_node_unref(n);
}

static KsPod *dry_pod(DryEnv *d, const char *name, const char *labels, gint32 prio,
                      const char *node, gboolean small) {
  KsPod *p = mkpod_req("default", name, labels, prio, small);
  if (node) {
    p->node_name = g_strdup(node);
    ks_sched_cache_add_pod(d->cache, p, node);
  }
  g_ptr_array_add(d->pods, p);
  return p;
}

/* Every PreFilter, then PostFilter with every node Unschedulable; returns
 * the candidates as "node:victim,victim node:..." in dry-run order. */
static char *dry_run(DryEnv *d, const KsPod *pod) {
  KsSchedFramework *fw = d->fw;
  for (guint k = 0; k < fw->n_ep[KS_SCHED_EP_PRE_FILTER]; k++) {
    KsSchedPlugin *p = &fw->plugins[fw->ep[KS_SCHED_EP_PRE_FILTER][k]];
    KsSchedStatus st;
    ks_sched_status_reset(&st);
    GHashTable *names = NULL;
    p->desc->pre_filter(p, &d->cs, pod, d->cache, &names, &st);
    if (st.code == KS_SCHED_SKIP)
      d->cs.skip_filter |= G_GUINT64_CONSTANT(1) << p->index;
    else
      assert_int_equal(st.code, KS_SCHED_SUCCESS);
  }
  KsSchedStatus *node_status = g_new0(KsSchedStatus, d->cache->cap);
  guint *failed = g_new0(guint, d->cache->cap);
  for (guint i = 0; i < d->cache->n_order; i++) {
    failed[i] = d->cache->order[i];
    ks_sched_status_set(&node_status[failed[i]], KS_SCHED_UNSCHEDULABLE, "test");
  }
  KsSchedDiagnosis diag = {.node_status = node_status, .failed_slots = failed,
                           .n_failed = d->cache->n_order};
  ks_sched_status_reset(&diag.pre_filter);
  KsSchedPlugin *dp = ks_sched_framework_plugin(fw, "DefaultPreemption");
  KsSchedStatus st;
  ks_sched_status_reset(&st);
  gint nominated = KS_SCHED_NOMINATE_NOOP;
  dp->desc->post_filter(dp, &d->cs, pod, d->cache, &diag, &nominated, &st);
  GString *out = g_string_new(NULL);
  for (guint i = 0; i < ks_sched_default_preemption_n_candidates(dp); i++) {
    KsPod *const *v;
    guint n;
    const char *node = ks_sched_default_preemption_candidate(dp, i, &v, &n);
    g_string_append_printf(out, "%s%s:", i ? " " : "", node);
    for (guint k = 0; k < n; k++)
      g_string_append_printf(out, "%s%s", k ? "," : "", v[k]->name);
  }
  g_free(node_status);
  g_free(failed);
  return g_string_free(out, FALSE);
}

enum { LOW = 0, MID = 100, HIGH = 1000 };

/* TestDryRunPreemption "pod with anti-affinity is preempted": p1.1's
 * required anti-affinity (foo Exists, hostname) rejects the preemptor on
 * node1 until RemovePod drops it; node2 has no lower-priority pod. */
static void test_dry_run_anti_affinity(void **state) {
  DryEnv d;
  const char *plugins[] = {"NodeResourcesFit", "InterPodAffinity", "DefaultPreemption"};
  dry_init(&d, plugins, G_N_ELEMENTS(plugins));
  dry_node(&d, "node1", "hostname=node1");
  dry_node(&d, "node2", "hostname=node2");
  KsPod *p11 = mkpod_req("default", "p1.1", "foo=", LOW, TRUE);
  pod_term(p11, TRUE, "hostname", "foo", KS_SELECTOR_OP_EXISTS, NULL);
  p11->node_name = g_strdup("node1");
  ks_sched_cache_add_pod(d.cache, p11, "node1");
  g_ptr_array_add(d.pods, p11);
  dry_pod(&d, "p1.2", NULL, MID, "node1", TRUE);
  dry_pod(&d, "p1.3", NULL, HIGH, "node1", TRUE);
  dry_pod(&d, "p2", NULL, HIGH, "node2", TRUE);
  KsPod *p = dry_pod(&d, "p", "foo=", HIGH, NULL, TRUE);
  char *got = dry_run(&d, p);
  assert_string_equal(got, "node1:p1.1");
  g_free(got);
  /* the state is PreFilter's again */
  KsSchedPlugin *ipa = ks_sched_framework_plugin(d.fw, "InterPodAffinity");
  assert_int_equal(
      ks_sched_ipa_state_count(ipa, &d.cs, KS_SCHED_IPA_EXISTING_ANTI, "hostname", "node1"), 1);
  assert_int_equal(ks_sched_ipa_state_len(ipa, &d.cs, KS_SCHED_IPA_EXISTING_ANTI), 1);
  assert_int_equal(d.cache->pods[ks_sched_cache_node_slot(d.cache, "node1")]->len, 3);
  dry_clear(&d);
}

/* TestDryRunPreemption "preemption to resolve pod topology spread filter
 * failure": zone and hostname constraints (maxSkew 1, foo Exists). */
static void test_dry_run_topology_spread(void **state) {
  DryEnv d;
  const char *plugins[] = {"PodTopologySpread", "DefaultPreemption"};
  dry_init(&d, plugins, G_N_ELEMENTS(plugins));
  dry_node(&d, "node-a", "hostname=node-a,zone=zone1");
  dry_node(&d, "node-b", "hostname=node-b,zone=zone1");
  dry_node(&d, "node-x", "hostname=node-x,zone=zone2");
  dry_pod(&d, "pod-a1", "foo=", MID, "node-a", FALSE);
  dry_pod(&d, "pod-a2", "foo=", LOW, "node-a", FALSE);
  dry_pod(&d, "pod-b1", "foo=", LOW, "node-b", FALSE);
  dry_pod(&d, "pod-x1", "foo=", HIGH, "node-x", FALSE);
  dry_pod(&d, "pod-x2", "foo=", HIGH, "node-x", FALSE);
  KsPod *p = dry_pod(&d, "p", "foo=", HIGH, NULL, FALSE);
  spread(p, "zone", "foo");
  spread(p, "hostname", "foo");
  char *got = dry_run(&d, p);
  /* dry-run order starts at a random offset: compare as a set */
  gboolean ok = strcmp(got, "node-a:pod-a2 node-b:pod-b1") == 0 ||
                strcmp(got, "node-b:pod-b1 node-a:pod-a2") == 0;
  if (!ok)
    fail_msg("candidates \"%s\"", got);
  g_free(got);
  KsSchedPlugin *pts = ks_sched_framework_plugin(d.fw, "PodTopologySpread");
  KsTestEnv view = {.plugin = pts, .cs = d.cs};
  expect_pair(&view, "zone", "zone1", 3);
  expect_pair(&view, "zone", "zone2", 2);
  expect_pair(&view, "hostname", "node-a", 2);
  expect_paths(&view, "zone", 2, "zone2", 2, "zone1", 3);
  expect_paths(&view, "hostname", 3, "node-b", 1, NULL, 2);
  dry_clear(&d);
}

/* ---- randomized: updated state == recomputed state ------------------------------------------- */

static const char *const LABEL_VALUES[] = {"a", "b", "c"};

static KsPod *random_pod(KsRng *r, guint i) {
  char name[32];
  g_snprintf(name, sizeof name, "r%u", i);
  KsPod *p = mkpod(ks_rng_below(r, 4) == 0 ? "other" : "default", name, NULL, 0);
  ks_labels_set(&p->labels, "app", LABEL_VALUES[ks_rng_below(r, 3)]);
  if (ks_rng_below(r, 2))
    ks_labels_set(&p->labels, "tier", LABEL_VALUES[ks_rng_below(r, 3)]);
  if (ks_rng_below(r, 4) == 0) {
    const char *v[] = {LABEL_VALUES[ks_rng_below(r, 3)], NULL};
    pod_term(p, TRUE, ks_rng_below(r, 2) ? "zone" : "hostname", "app", KS_SELECTOR_OP_IN, v);
  }
  return p;
}

static KsPod *random_incoming(KsRng *r) {
  KsPod *p = mkpod("default", "incoming", "app=a,tier=b", 0);
  const char *va[] = {LABEL_VALUES[ks_rng_below(r, 3)], NULL};
  const char *vb[] = {LABEL_VALUES[ks_rng_below(r, 3)], NULL};
  pod_term(p, FALSE, "zone", "app", KS_SELECTOR_OP_IN, va);
  pod_term(p, TRUE, "hostname", "tier", KS_SELECTOR_OP_IN, vb);
  spread(p, "zone", "app");
  spread(p, "hostname", "tier");
  return p;
}

/* Filter codes of the plugin on every node after PreFilter (or with the
 * current state when `pre` is FALSE). */
static void filter_codes(KsTestEnv *e, const KsPod *pod, gboolean pre, KsSchedCode *out) {
  KsSchedStatus st[16];
  if (pre) {
    ks_test_env_filter(e, pod, st, NULL);
  } else {
    for (guint i = 0; i < e->n_nodes; i++) {
      ks_sched_status_reset(&st[i]);
      e->plugin->desc->filter(e->plugin, &e->cs, pod, e->cache, e->slots[i], &st[i]);
    }
  }
  for (guint i = 0; i < e->n_nodes; i++)
    out[i] = st[i].code;
}

static void random_round(const KsSchedPluginDesc *desc, gconstpointer args, guint64 seed) {
  KsRng r;
  ks_rng_init(&r, seed, "test/prefilter-extensions");
  KsTestEnv e;
  ks_test_env_init(&e, desc, args);
  guint n_nodes = 3 + (guint)ks_rng_below(&r, 6);
  char name[32], labels[96];
  for (guint i = 0; i < n_nodes; i++) {
    g_snprintf(name, sizeof name, "n%u", i);
    g_snprintf(labels, sizeof labels, "hostname=n%u,zone=z%u", i, (guint)ks_rng_below(&r, 3));
    add_node(&e, name, labels);
  }
  GPtrArray *pods = g_ptr_array_new_with_free_func((GDestroyNotify)ks_pod_unref);
  guint n_pods = 4 + (guint)ks_rng_below(&r, 20);
  for (guint i = 0; i < n_pods; i++) {
    KsPod *p = random_pod(&r, i);
    g_snprintf(name, sizeof name, "n%u", (guint)ks_rng_below(&r, n_nodes));
    bind(&e, p, name);
    g_ptr_array_add(pods, p);
  }
  KsPod *in = random_incoming(&r);
  KsSchedCode before[16], after[16], fresh[16];
  filter_codes(&e, in, TRUE, before);
  KsSchedStatus pst;
  ks_sched_status_reset(&pst);
  GHashTable *names = NULL;
  e.plugin->desc->pre_filter(e.plugin, &e.cs, in, e.cache, &names, &pst);
  if (pst.code != KS_SCHED_SUCCESS)
    goto out; /* Skip: no state to update (the framework would not call the hooks) */
  /* remove some pods of one node (cache and state), compare with a fresh PreFilter */
  guint node = (guint)ks_rng_below(&r, n_nodes);
  GPtrArray *removed = g_ptr_array_new();
  const GPtrArray *on = e.cache->pods[e.slots[node]];
  for (guint i = on->len; i-- > 0;) {
    KsPod *p = ((const KsSchedPodEntry *)g_ptr_array_index(on, i))->pod;
    if (ks_rng_below(&r, 2))
      g_ptr_array_add(removed, p);
  }
  for (guint i = 0; i < removed->len; i++) {
    KsPod *p = g_ptr_array_index(removed, i);
    ks_sched_cache_remove_pod(e.cache, p);
    remove_pod_ext(&e, in, p, e.cache->nodes[e.slots[node]]->name);
  }
  /* a nominated-style addition on another node */
  KsPod *extra = random_pod(&r, 999);
  guint node2 = (guint)ks_rng_below(&r, n_nodes);
  ks_sched_cache_assume_pod(e.cache, extra, e.slots[node2]);
  add_pod_ext(&e, in, extra, e.cache->nodes[e.slots[node2]]->name);
  filter_codes(&e, in, FALSE, after);
  KsSchedCycleState saved = e.cs;
  KsSchedCycleState scratch;
  ks_sched_cycle_state_init(&scratch);
  e.cs = scratch;
  filter_codes(&e, in, TRUE, fresh); /* fresh PreFilter over the changed cluster */
  ks_sched_cycle_state_clear(&e.cs, e.fw);
  e.cs = saved;
  for (guint i = 0; i < n_nodes; i++)
    if (after[i] != fresh[i])
      fail_msg("seed %" G_GUINT64_FORMAT " node %u: updated %d, fresh %d", seed, i, after[i],
               fresh[i]);
  /* undo, in another order: the state is PreFilter's again */
  remove_pod_ext(&e, in, extra, e.cache->nodes[e.slots[node2]]->name);
  ks_sched_cache_forget_pod(e.cache, extra);
  for (guint i = removed->len; i-- > 0;) {
    KsPod *p = g_ptr_array_index(removed, i);
    ks_sched_cache_add_pod(e.cache, p, e.cache->nodes[e.slots[node]]->name);
    add_pod_ext(&e, in, p, e.cache->nodes[e.slots[node]]->name);
  }
  filter_codes(&e, in, FALSE, after);
  for (guint i = 0; i < n_nodes; i++)
    if (after[i] != before[i])
      fail_msg("seed %" G_GUINT64_FORMAT " node %u: restored %d, before %d", seed, i, after[i],
               before[i]);
  ks_pod_unref(extra);
  g_ptr_array_free(removed, TRUE);
out:
  ks_pod_unref(in);
  g_ptr_array_free(pods, TRUE);
  ks_test_env_clear(&e);
}

static void test_random_agrees_with_prefilter(void **state) {
  for (guint64 seed = 0; seed < 300; seed++) {
    random_round(&ks_sched_plugin_pod_topology_spread, &list_args, seed);
    random_round(&ks_sched_plugin_inter_pod_affinity, NULL, seed);
  }
}

/* ---- InterPodAffinity PreScore: cache indexes vs the full scan ------------------------------ */

static const char *const KEYS[] = {"app", "tier", "env"};

/* A random term: matchLabels (0-2 pairs) and/or an expression, maybe a nil
 * selector, other namespaces or a namespaceSelector. */
static void random_term(KsRng *r, KsPodAffinityTerm *t) {
  static const char *const topo[] = {"hostname", "zone", "rack"};
  t->topology_key = g_strdup(topo[ks_rng_below(r, 3)]);
  if (ks_rng_below(r, 10) == 0)
    return; /* nil selector: selects nothing */
  t->label_selector = ks_label_selector_new();
  guint n_ml = (guint)ks_rng_below(r, 3);
  for (guint i = 0; i < n_ml; i++)
    ks_labels_set(&t->label_selector->match_labels, KEYS[ks_rng_below(r, 3)],
                  LABEL_VALUES[ks_rng_below(r, 3)]);
  if (ks_rng_below(r, 3) == 0) {
    const char *v[] = {LABEL_VALUES[ks_rng_below(r, 3)], NULL};
    KsSelectorOp ops[] = {KS_SELECTOR_OP_IN, KS_SELECTOR_OP_NOT_IN, KS_SELECTOR_OP_EXISTS,
                          KS_SELECTOR_OP_DOES_NOT_EXIST};
    KsSelectorOp op = ops[ks_rng_below(r, 4)];
    gboolean with_values = op == KS_SELECTOR_OP_IN || op == KS_SELECTOR_OP_NOT_IN;
    if (ks_rng_below(r, 15) == 0)
      with_values = !with_values; /* an invalid requirement: selects nothing */
    ks_label_selector_add_expression(t->label_selector, KEYS[ks_rng_below(r, 3)], op,
                                     with_values ? v : NULL);
  }
  guint ns = (guint)ks_rng_below(r, 6);
  if (ns == 0) {
    t->namespaces = g_new0(char *, 2);
    t->namespaces[0] = g_strdup("other");
  } else if (ns == 1) {
    t->namespace_selector = ks_label_selector_new();
    if (ks_rng_below(r, 2))
      ks_labels_set(&t->namespace_selector->match_labels, "team", "a");
  }
}

static void random_terms(KsRng *r, KsPod *p, gboolean anti, gboolean preferred, guint n) {
  if (n == 0)
    return;
  if (!p->affinity)
    p->affinity = ks_affinity_new();
  KsPodAffinity **pa = anti ? &p->affinity->pod_anti_affinity : &p->affinity->pod_affinity;
  if (!*pa)
    *pa = ks_pod_affinity_new();
  for (guint i = 0; i < n; i++) {
    if (preferred) {
      if (!(*pa)->preferred)
        (*pa)->preferred = ks_weighted_pod_affinity_term_array_new();
      KsWeightedPodAffinityTerm w = {.weight = 1 + (gint32)ks_rng_below(r, 100)};
      random_term(r, &w.term);
      g_array_append_val((*pa)->preferred, w);
    } else {
      if (!(*pa)->required)
        (*pa)->required = ks_pod_affinity_term_array_new();
      KsPodAffinityTerm t = {0};
      random_term(r, &t);
      g_array_append_val((*pa)->required, t);
    }
  }
}

static KsPod *random_affinity_pod(KsRng *r, const char *name) {
  static const char *const ns[] = {"default", "default", "other", "unknown"};
  KsPod *p = mkpod(ns[ks_rng_below(r, 4)], name, NULL, 0);
  for (guint k = 0; k < 3; k++)
    if (ks_rng_below(r, 3))
      ks_labels_set(&p->labels, KEYS[k], LABEL_VALUES[ks_rng_below(r, 3)]);
  if (ks_rng_below(r, 2)) {
    random_terms(r, p, FALSE, FALSE, (guint)ks_rng_below(r, 2));
    random_terms(r, p, TRUE, FALSE, (guint)ks_rng_below(r, 2));
    random_terms(r, p, FALSE, TRUE, (guint)ks_rng_below(r, 3));
    random_terms(r, p, TRUE, TRUE, (guint)ks_rng_below(r, 3));
  }
  return p;
}

/* PreScore code and raw Score of every live node. */
static KsSchedCode raw_scores(KsTestEnv *e, const KsPod *pod, gint64 *out, guint *n_out) {
  guint slots[64], n = 0;
  for (guint i = 0; i < e->n_nodes; i++)
    if (e->cache->nodes[e->slots[i]])
      slots[n++] = e->slots[i];
  KsSchedStatus st;
  ks_sched_status_reset(&st);
  e->plugin->desc->pre_score(e->plugin, &e->cs, pod, e->cache, slots, n, &st);
  *n_out = n;
  if (st.code != KS_SCHED_SUCCESS)
    return st.code;
  for (guint k = 0; k < n; k++) {
    e->plugin->desc->score(e->plugin, &e->cs, pod, e->cache, slots[k], &out[k], &st);
    assert_int_equal(st.code, KS_SCHED_SUCCESS);
  }
  return KS_SCHED_SUCCESS;
}

static void index_round(guint64 seed, const KsSchedInterPodAffinityArgs *args) {
  KsRng r;
  ks_rng_init(&r, seed, "test/ipa-index");
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_inter_pod_affinity, args);
  KsLabels team = {NULL, 0};
  ks_labels_set(&team, "team", "a");
  ks_sched_cache_set_namespace(e.cache, "other", &team);
  ks_sched_cache_set_namespace(e.cache, "default", NULL);
  ks_labels_clear(&team);
  guint n_nodes = 2 + (guint)ks_rng_below(&r, 10);
  char name[32], labels[96];
  for (guint i = 0; i < n_nodes; i++) {
    g_snprintf(name, sizeof name, "n%u", i);
    if (ks_rng_below(&r, 8) == 0)
      labels[0] = '\0'; /* a node without labels */
    else
      g_snprintf(labels, sizeof labels, "hostname=n%u,zone=z%u%s", i,
                 (guint)ks_rng_below(&r, 3), ks_rng_below(&r, 2) ? ",rack=r1" : "");
    add_node(&e, name, labels);
  }
  GPtrArray *pods = g_ptr_array_new_with_free_func((GDestroyNotify)ks_pod_unref);
  guint n_pods = (guint)ks_rng_below(&r, 40);
  for (guint i = 0; i < n_pods; i++) {
    g_snprintf(name, sizeof name, "p%u", i);
    KsPod *p = random_affinity_pod(&r, name);
    g_snprintf(name, sizeof name, "n%u", (guint)ks_rng_below(&r, n_nodes));
    bind(&e, p, name);
    g_ptr_array_add(pods, p);
  }
  /* churn: remove some pods, and maybe a node (its pods stay on a ghost slot) */
  for (guint i = 0; i < pods->len; i++)
    if (ks_rng_below(&r, 5) == 0)
      assert_true(ks_sched_cache_remove_pod(e.cache, g_ptr_array_index(pods, i)));
  if (ks_rng_below(&r, 3) == 0) {
    g_snprintf(name, sizeof name, "n%u", (guint)ks_rng_below(&r, n_nodes));
    ks_sched_cache_remove_node(e.cache, name);
  }
  for (guint q = 0; q < 5; q++) {
    KsPod *in = random_affinity_pod(&r, "incoming");
    gint64 a[64], b[64];
    guint na, nb;
    ks_sched_ipa_set_scan(e.plugin, TRUE);
    KsSchedCode ca = raw_scores(&e, in, a, &na);
    ks_sched_ipa_set_scan(e.plugin, FALSE);
    KsSchedCode cb = raw_scores(&e, in, b, &nb);
    if (ca != cb)
      fail_msg("seed %" G_GUINT64_FORMAT ": PreScore %d (scan) vs %d (index)", seed, ca, cb);
    for (guint k = 0; ca == KS_SCHED_SUCCESS && k < na; k++)
      if (a[k] != b[k])
        fail_msg("seed %" G_GUINT64_FORMAT " node %u: %" G_GINT64_FORMAT " (scan) vs %"
                 G_GINT64_FORMAT " (index)", seed, k, a[k], b[k]);
    /* PreFilter + Filter on every live node, both paths */
    KsSchedStatus fa[64], fb[64];
    KsSchedCode pa = KS_SCHED_SUCCESS, pb = KS_SCHED_SUCCESS;
    for (guint pass = 0; pass < 2; pass++) {
      ks_sched_ipa_set_scan(e.plugin, pass == 0);
      KsSchedStatus *f = pass == 0 ? fa : fb;
      KsSchedStatus pst;
      ks_sched_status_reset(&pst);
      GHashTable *names = NULL;
      e.plugin->desc->pre_filter(e.plugin, &e.cs, in, e.cache, &names, &pst);
      *(pass == 0 ? &pa : &pb) = pst.code;
      for (guint k = 0; k < e.n_nodes; k++) {
        ks_sched_status_reset(&f[k]);
        if (pst.code == KS_SCHED_SUCCESS && e.cache->nodes[e.slots[k]])
          e.plugin->desc->filter(e.plugin, &e.cs, in, e.cache, e.slots[k], &f[k]);
      }
    }
    assert_int_equal(pa, pb);
    for (guint k = 0; k < e.n_nodes; k++)
      if (fa[k].code != fb[k].code || g_strcmp0(ks_test_reason(&fa[k]), ks_test_reason(&fb[k])))
        fail_msg("seed %" G_GUINT64_FORMAT " node %u: filter %d (scan) vs %d (index)", seed, k,
                 fa[k].code, fb[k].code);
    ks_pod_unref(in);
  }
  g_ptr_array_free(pods, TRUE);
  ks_test_env_clear(&e);
}

static void test_ipa_index_agrees_with_scan(void **state) {
  KsSchedInterPodAffinityArgs zero = {.hard_pod_affinity_weight = 0};
  KsSchedInterPodAffinityArgs ignore = {.hard_pod_affinity_weight = 5,
                                        .ignore_preferred_terms_of_existing_pods = TRUE};
  for (guint64 seed = 0; seed < 400; seed++)
    index_round(seed, seed % 5 == 3 ? &zero : seed % 5 == 4 ? &ignore : NULL);
}

/* ---- PodTopologySpread: label-index counts vs the full scan ---------------------------------- */

static void random_spread(KsRng *r, KsPod *p) {
  static const char *const topo[] = {"hostname", "zone", "rack"};
  guint n = 1 + (guint)ks_rng_below(r, 3);
  p->topology_spread_constraints = ks_topology_spread_constraint_array_new();
  for (guint i = 0; i < n; i++) {
    KsTopologySpreadConstraint c = {
        .max_skew = 1 + (gint32)ks_rng_below(r, 2),
        .topology_key = g_strdup(topo[ks_rng_below(r, 3)]),
        .when_unsatisfiable = ks_rng_below(r, 2) ? KS_UNSATISFIABLE_DO_NOT_SCHEDULE
                                                 : KS_UNSATISFIABLE_SCHEDULE_ANYWAY,
        .min_domains = ks_rng_below(r, 4) == 0 ? 3 : 0,
    };
    if (ks_rng_below(r, 8)) {
      c.label_selector = ks_label_selector_new();
      guint n_ml = (guint)ks_rng_below(r, 3);
      for (guint k = 0; k < n_ml; k++)
        ks_labels_set(&c.label_selector->match_labels, KEYS[ks_rng_below(r, 3)],
                      LABEL_VALUES[ks_rng_below(r, 3)]);
      if (ks_rng_below(r, 3) == 0)
        ks_label_selector_add_expression(c.label_selector, KEYS[ks_rng_below(r, 3)],
                                         KS_SELECTOR_OP_EXISTS, NULL);
    }
    if (ks_rng_below(r, 4) == 0) {
      c.match_label_keys = g_new0(char *, 2);
      c.match_label_keys[0] = g_strdup(KEYS[ks_rng_below(r, 3)]);
    }
    g_array_append_val(p->topology_spread_constraints, c);
  }
}

static void spread_round(guint64 seed) {
  KsRng r;
  ks_rng_init(&r, seed, "test/pts-index");
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_pod_topology_spread, &list_args);
  guint n_nodes = 2 + (guint)ks_rng_below(&r, 10);
  char name[32], labels[96];
  for (guint i = 0; i < n_nodes; i++) {
    g_snprintf(name, sizeof name, "n%u", i);
    g_snprintf(labels, sizeof labels, "hostname=n%u,zone=z%u%s", i, (guint)ks_rng_below(&r, 3),
               ks_rng_below(&r, 3) ? ",rack=r1" : "");
    add_node(&e, name, labels);
  }
  GPtrArray *pods = g_ptr_array_new_with_free_func((GDestroyNotify)ks_pod_unref);
  guint n_pods = (guint)ks_rng_below(&r, 50);
  for (guint i = 0; i < n_pods; i++) {
    g_snprintf(name, sizeof name, "p%u", i);
    KsPod *p = mkpod(ks_rng_below(&r, 4) ? "default" : "other", name, NULL, 0);
    for (guint k = 0; k < 3; k++)
      if (ks_rng_below(&r, 3))
        ks_labels_set(&p->labels, KEYS[k], LABEL_VALUES[ks_rng_below(&r, 3)]);
    g_snprintf(name, sizeof name, "n%u", (guint)ks_rng_below(&r, n_nodes));
    bind(&e, p, name);
    g_ptr_array_add(pods, p);
  }
  for (guint i = 0; i < pods->len; i++)
    if (ks_rng_below(&r, 5) == 0)
      assert_true(ks_sched_cache_remove_pod(e.cache, g_ptr_array_index(pods, i)));
  for (guint q = 0; q < 5; q++) {
    KsPod *in = mkpod("default", "incoming", NULL, 0);
    for (guint k = 0; k < 3; k++)
      if (ks_rng_below(&r, 2))
        ks_labels_set(&in->labels, KEYS[k], LABEL_VALUES[ks_rng_below(&r, 3)]);
    random_spread(&r, in);
    KsSchedStatus fa[16], fb[16];
    gint64 sa[16], sb[16];
    ks_sched_pts_set_scan(e.plugin, TRUE);
    KsSchedCode pa = ks_test_env_filter(&e, in, fa, NULL);
    KsSchedCode qa = ks_test_env_score(&e, in, NULL, 0, sa);
    ks_sched_pts_set_scan(e.plugin, FALSE);
    KsSchedCode pb = ks_test_env_filter(&e, in, fb, NULL);
    KsSchedCode qb = ks_test_env_score(&e, in, NULL, 0, sb);
    assert_int_equal(pa, pb);
    assert_int_equal(qa, qb);
    for (guint k = 0; k < n_nodes; k++) {
      if (fa[k].code != fb[k].code || sa[k] != sb[k])
        fail_msg("seed %" G_GUINT64_FORMAT " node %u: filter %d/%d score %" G_GINT64_FORMAT
                 "/%" G_GINT64_FORMAT " (scan/index)",
                 seed, k, fa[k].code, fb[k].code, sa[k], sb[k]);
    }
    ks_pod_unref(in);
  }
  g_ptr_array_free(pods, TRUE);
  ks_test_env_clear(&e);
}

static void test_pts_index_agrees_with_scan(void **state) {
  for (guint64 seed = 0; seed < 400; seed++)
    spread_round(seed);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pts_add_both_impact),
      cmocka_unit_test(test_pts_add_single_node_cases),
      cmocka_unit_test(test_pts_add_zone_and_node),
      cmocka_unit_test(test_pts_add_different_selectors),
      cmocka_unit_test(test_pts_inclusion_policy),
      cmocka_unit_test(test_pts_remove_zone),
      cmocka_unit_test(test_pts_remove_two_constraints),
      cmocka_unit_test(test_ipa_add_remove),
      cmocka_unit_test(test_ipa_remove_lifts_existing_anti),
      cmocka_unit_test(test_dry_run_anti_affinity),
      cmocka_unit_test(test_dry_run_topology_spread),
      cmocka_unit_test(test_random_agrees_with_prefilter),
      cmocka_unit_test(test_ipa_index_agrees_with_scan),
      cmocka_unit_test(test_pts_index_agrees_with_scan),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
