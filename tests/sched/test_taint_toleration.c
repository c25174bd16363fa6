/* TaintToleration: upstream taint_toleration_test.go (v1.31)
 * TestTaintTolerationScore (all 5 cases, exact normalized scores) and
 * TestTaintTolerationFilter (all 9 cases, exact statuses and reasons), plus
 * the reason for a value-less taint, the first-untolerated-taint order, the
 * NoSchedule-only admission check (upstream preCheckForNode), the cycle
 * state and the events registered with queueing hints off. */
#include "tests/sched/plugin_harness.h"

#include "sched/plugins/taint_toleration.h"

#define NS KS_TAINT_EFFECT_NO_SCHEDULE
#define PNS KS_TAINT_EFFECT_PREFER_NO_SCHEDULE
#define NE KS_TAINT_EFFECT_NO_EXECUTE
#define ALL KS_TAINT_EFFECT_ALL
#define EQ KS_TOLERATION_OP_EQUAL
#define EX KS_TOLERATION_OP_EXISTS
#define N_MAX 3

typedef struct {
  const char *key, *value;
  KsTaintEffect effect;
} Taint;

typedef struct {
  const char *key;
  KsTolerationOp op;
  const char *value;
  KsTaintEffect effect;
} Tol;

/* upstream nodeWithTaints; key NULL ends the list */
static KsNode *node_with_taints(const char *name, const Taint *taints) {
  KsNode *n = ks_test_node(name, "1", "1Gi");
  for (guint i = 0; i < N_MAX && taints[i].key; i++)
    ks_node_add_taint(n, taints[i].key, taints[i].value, taints[i].effect);
  return n;
}

/* upstream podWithTolerations; key NULL and op EQUAL ends the list */
static KsPod *pod_with_tolerations(const Tol *tols) {
  KsPod *p = ks_pod_new("default", "pod1");
  ks_pod_add_container(p, "c", FALSE);
  for (guint i = 0; i < N_MAX && (tols[i].key || tols[i].op == EX); i++) {
    KsToleration *t = ks_pod_add_toleration(p);
    t->key = g_strdup(tols[i].key);
    t->op = tols[i].op;
    t->value = g_strdup(tols[i].value);
    t->effect = tols[i].effect;
  }
  return p;
}

/* ---- TestTaintTolerationScore ------------------------------------------------------ */

typedef struct {
  const char *name;
  Tol tols[N_MAX + 1];
  Taint nodes[N_MAX][N_MAX + 1];
  guint n_nodes;
  gint64 want[N_MAX];
} ScoreCase;

static const ScoreCase score_cases[] = {
    {"node with taints tolerated by the pod, gets a higher score than those node with "
     "intolerable taints",
     {{"foo", EQ, "bar", PNS}},
     {{{"foo", "bar", PNS}}, {{"foo", "blah", PNS}}},
     2,
     {100, 0}},
    {"the nodes that all of their taints are tolerated by the pod, get the same score, no matter "
     "how many tolerable taints a node has",
     {{"cpu-type", EQ, "arm64", PNS}, {"disk-type", EQ, "ssd", PNS}},
     {{{NULL}}, {{"cpu-type", "arm64", PNS}}, {{"cpu-type", "arm64", PNS}, {"disk-type", "ssd", PNS}}},
     3,
     {100, 100, 100}},
    {"the more intolerable taints a node has, the lower score it gets.",
     {{"foo", EQ, "bar", PNS}},
     {{{NULL}}, {{"cpu-type", "arm64", PNS}}, {{"cpu-type", "arm64", PNS}, {"disk-type", "ssd", PNS}}},
     3,
     {100, 50, 0}},
    {"only taints and tolerations that have effect PreferNoSchedule are checked by "
     "taints-tolerations priority function",
     {{"cpu-type", EQ, "arm64", NS}, {"disk-type", EQ, "ssd", NS}},
     {{{NULL}}, {{"cpu-type", "arm64", NS}}, {{"cpu-type", "arm64", PNS}, {"disk-type", "ssd", PNS}}},
     3,
     {100, 100, 0}},
    {"Default behaviour No taints and tolerations, lands on node with no taints",
     {{NULL}},
     {{{NULL}}, {{"cpu-type", "arm64", PNS}}},
     2,
     {100, 0}},
};

static void test_taint_toleration_score(void **state) {
  for (guint i = 0; i < G_N_ELEMENTS(score_cases); i++) {
    const ScoreCase *tc = &score_cases[i];
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_taint_toleration, NULL);
    static const char *const names[] = {"nodeA", "nodeB", "nodeC"};
    for (guint k = 0; k < tc->n_nodes; k++)
      ks_test_env_add_node(&e, node_with_taints(names[k], tc->nodes[k]));
    KsPod *pod = pod_with_tolerations(tc->tols);
    gint64 got[N_MAX];
    assert_int_equal(ks_test_env_score(&e, pod, NULL, 0, got), KS_SCHED_SUCCESS);
    for (guint k = 0; k < tc->n_nodes; k++)
      if (got[k] != tc->want[k])
        fail_msg("%s: %s scored %" G_GINT64_FORMAT ", want %" G_GINT64_FORMAT, tc->name,
                 names[k], got[k], tc->want[k]);
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
}

/* Raw scores before normalization, and an empty-effect toleration counting
 * for PreferNoSchedule (getAllTolerationPreferNoSchedule keeps it). */
static void test_taint_toleration_raw_score(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_taint_toleration, NULL);
  ks_test_env_add_node(&e, node_with_taints("a", (Taint[]){{"x", "1", PNS}, {"y", "1", PNS},
                                                          {"z", "1", NS}, {NULL}}));
  ks_test_env_add_node(&e, node_with_taints("b", (Taint[]){{"x", "2", PNS}, {NULL}}));
  KsPod *pod = pod_with_tolerations((Tol[]){{"x", EX, NULL, ALL}, {NULL}});
  KsSchedStatus st;
  ks_sched_status_reset(&st);
  const KsSchedPluginDesc *d = e.plugin->desc;
  d->pre_score(e.plugin, &e.cs, pod, e.cache, e.slots, 2, &st);
  assert_int_equal(st.code, KS_SCHED_SUCCESS);
  gint64 raw[2];
  d->score(e.plugin, &e.cs, pod, e.cache, e.slots[0], &raw[0], &st);
  d->score(e.plugin, &e.cs, pod, e.cache, e.slots[1], &raw[1], &st);
  assert_int_equal(raw[0], 1); /* y */
  assert_int_equal(raw[1], 0);
  d->normalize_score(e.plugin, &e.cs, pod, raw, 2, &st);
  assert_int_equal(raw[0], 0);
  assert_int_equal(raw[1], 100);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

/* ---- TestTaintTolerationFilter --------------------------------------------------- */

typedef struct {
  const char *name;
  Tol tols[N_MAX + 1];
  Taint taints[N_MAX + 1];
  KsSchedCode want;
  const char *reason;
} FilterCase;

static const FilterCase filter_cases[] = {
    {"A pod having no tolerations can't be scheduled onto a node with nonempty taints",
     {{NULL}},
     {{"dedicated", "user1", NS}},
     KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE,
     "node(s) had untolerated taint {dedicated: user1}"},
    {"A pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule",
     {{"dedicated", EQ, "user1", NS}},
     {{"dedicated", "user1", NS}},
     KS_SCHED_SUCCESS, NULL},
    {"A pod which can't be scheduled on a dedicated node assigned to user2 with effect NoSchedule",
     {{"dedicated", EQ, "user2", NS}},
     {{"dedicated", "user1", NS}},
     KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE,
     "node(s) had untolerated taint {dedicated: user1}"},
    {"A pod can be scheduled onto the node, with a toleration uses operator Exists that "
     "tolerates the taints on the node",
     {{"foo", EX, NULL, NS}},
     {{"foo", "bar", NS}},
     KS_SCHED_SUCCESS, NULL},
    {"A pod has multiple tolerations, node has multiple taints, all the taints are tolerated, "
     "pod can be scheduled onto the node",
     {{"dedicated", EQ, "user2", NS}, {"foo", EX, NULL, NS}},
     {{"dedicated", "user2", NS}, {"foo", "bar", NS}},
     KS_SCHED_SUCCESS, NULL},
    {"A pod has a toleration that keys and values match the taint on the node, but (non-empty) "
     "effect doesn't match, can't be scheduled onto the node",
     {{"foo", EQ, "bar", PNS}},
     {{"foo", "bar", NS}},
     KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE,
     "node(s) had untolerated taint {foo: bar}"},
    {"The pod has a toleration that keys and values match the taint on the node, the effect of "
     "toleration is empty, and the effect of taint is NoSchedule. Pod can be scheduled onto the "
     "node",
     {{"foo", EQ, "bar", ALL}},
     {{"foo", "bar", NS}},
     KS_SCHED_SUCCESS, NULL},
    {"The pod has a toleration that key and value don't match the taint on the node, but the "
     "effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node",
     {{"dedicated", EQ, "user2", NS}},
     {{"dedicated", "user1", PNS}},
     KS_SCHED_SUCCESS, NULL},
    {"The pod has no toleration, but the effect of taint on node is PreferNoSchedule. Pod can be "
     "scheduled onto the node",
     {{NULL}},
     {{"dedicated", "user1", PNS}},
     KS_SCHED_SUCCESS, NULL},
    /* ours: NoExecute filters too; an empty value prints as Go's "%s" of "";
     * the first untolerated taint in the node's order is named */
    {"NoExecute taint not tolerated", {{NULL}}, {{"k", "v", NE}},
     KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE, "node(s) had untolerated taint {k: v}"},
    {"value-less taint", {{NULL}}, {{"node.kubernetes.io/not-ready", NULL, NE}},
     KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE,
     "node(s) had untolerated taint {node.kubernetes.io/not-ready: }"},
    {"first untolerated taint wins", {{"a", EX, NULL, ALL}},
     {{"a", "1", NS}, {"b", "2", PNS}, {"c", "3", NS}},
     KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE, "node(s) had untolerated taint {c: 3}"},
    {"Exists with an empty key tolerates every taint", {{NULL, EX, NULL, ALL}},
     {{"a", "1", NS}, {"c", "3", NE}}, KS_SCHED_SUCCESS, NULL},
};

static void test_taint_toleration_filter(void **state) {
  for (guint i = 0; i < G_N_ELEMENTS(filter_cases); i++) {
    const FilterCase *tc = &filter_cases[i];
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_taint_toleration, NULL);
    ks_test_env_add_node(&e, node_with_taints("nodeA", tc->taints));
    KsPod *pod = pod_with_tolerations(tc->tols);
    KsSchedStatus st[1];
    assert_int_equal(ks_test_env_filter(&e, pod, st, NULL), KS_SCHED_SUCCESS);
    if (st[0].code != tc->want)
      fail_msg("%s: code %s, want %s", tc->name, ks_sched_code_to_string(st[0].code),
               ks_sched_code_to_string(tc->want));
    if (tc->reason) {
      assert_int_equal(st[0].n_reasons, 1);
      assert_string_equal(st[0].reasons[0], tc->reason);
    } else {
      assert_int_equal(st[0].n_reasons, 0);
    }
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
}

/* The reason is interned: the same taint yields the same pointer, so a
 * rejection after the first allocates nothing. */
static void test_taint_toleration_reason_interned(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_taint_toleration, NULL);
  ks_test_env_add_node(&e, node_with_taints("a", (Taint[]){{"k", "v", NS}, {NULL}}));
  ks_test_env_add_node(&e, node_with_taints("b", (Taint[]){{"k", "v", NS}, {NULL}}));
  KsPod *pod = pod_with_tolerations((Tol[]){{NULL}});
  KsSchedStatus st[2];
  ks_test_env_filter(&e, pod, st, NULL);
  assert_ptr_equal(st[0].reasons[0], st[1].reasons[0]);
  assert_ptr_equal(st[0].reasons[0], g_intern_string("node(s) had untolerated taint {k: v}"));
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

/* preCheckForNode looks at NoSchedule taints only. */
static void test_taint_toleration_admit(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_taint_toleration, NULL);
  ks_test_env_add_node(&e, node_with_taints("ns", (Taint[]){{"k", "v", NS}, {NULL}}));
  ks_test_env_add_node(&e, node_with_taints("ne", (Taint[]){{"k", "v", NE}, {NULL}}));
  ks_test_env_add_node(&e, node_with_taints("pns", (Taint[]){{"k", "v", PNS}, {NULL}}));
  KsPod *bare = pod_with_tolerations((Tol[]){{NULL}});
  KsPod *tol = pod_with_tolerations((Tol[]){{"k", EQ, "v", NS}, {NULL}});
  gboolean (*admit)(KsSchedPlugin *, const KsPod *, const KsSchedCache *, guint) =
      ks_sched_plugin_taint_toleration.admit;
  assert_false(admit(e.plugin, bare, e.cache, e.slots[0]));
  assert_true(admit(e.plugin, bare, e.cache, e.slots[1])); /* Filter still rejects it */
  assert_true(admit(e.plugin, bare, e.cache, e.slots[2]));
  assert_true(admit(e.plugin, tol, e.cache, e.slots[0]));
  KsSchedStatus st[3];
  ks_test_env_filter(&e, bare, st, NULL);
  assert_int_equal(st[1].code, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE);
  ks_pod_unref(bare);
  ks_pod_unref(tol);
  ks_test_env_clear(&e);
}

/* Score without this pod's PreScore is an error, not another pod's data. */
static void test_taint_toleration_stale_state(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_taint_toleration, NULL);
  ks_test_env_add_node(&e, node_with_taints("a", (Taint[]){{NULL}}));
  KsPod *a = pod_with_tolerations((Tol[]){{NULL}});
  KsPod *b = pod_with_tolerations((Tol[]){{NULL}});
  KsSchedStatus st;
  ks_sched_status_reset(&st);
  gint64 score = -1;
  const KsSchedPluginDesc *d = e.plugin->desc;
  d->score(e.plugin, &e.cs, a, e.cache, e.slots[0], &score, &st);
  assert_int_equal(st.code, KS_SCHED_ERROR_CODE);
  ks_sched_status_reset(&st);
  d->pre_score(e.plugin, &e.cs, a, e.cache, e.slots, 1, &st);
  gpointer slot = e.cs.data[e.plugin->index];
  d->score(e.plugin, &e.cs, b, e.cache, e.slots[0], &score, &st);
  assert_int_equal(st.code, KS_SCHED_ERROR_CODE);
  ks_sched_status_reset(&st);
  d->pre_score(e.plugin, &e.cs, b, e.cache, e.slots, 1, &st);
  assert_ptr_equal(e.cs.data[e.plugin->index], slot); /* reused, not reallocated */
  d->score(e.plugin, &e.cs, b, e.cache, e.slots[0], &score, &st);
  assert_int_equal(st.code, KS_SCHED_SUCCESS);
  assert_int_equal(score, 0);
  ks_pod_unref(a);
  ks_pod_unref(b);
  ks_test_env_clear(&e);
}

/* Gate off: Node Add | UpdateNodeTaint | UpdateNodeLabel. */
static void test_taint_toleration_events(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_taint_toleration, NULL);
  guint64 rej = G_GUINT64_CONSTANT(1) << e.plugin->index;
  KsSchedClusterEvent taint = {KS_SCHED_EV_NODE, KS_SCHED_ACT_UPDATE_NODE_TAINT, "x"};
  KsSchedClusterEvent alloc = {KS_SCHED_EV_NODE, KS_SCHED_ACT_UPDATE_NODE_ALLOCATABLE, "x"};
  assert_true(ks_sched_framework_event_moves(e.fw, rej, &KS_SCHED_EVENT_NODE_ADD));
  assert_true(ks_sched_framework_event_moves(e.fw, rej, &taint));
  assert_false(ks_sched_framework_event_moves(e.fw, rej, &alloc));
  assert_false(ks_sched_framework_event_moves(e.fw, rej, &KS_SCHED_EVENT_ASSIGNED_POD_DELETE));
  ks_test_env_clear(&e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_taint_toleration_score),
      cmocka_unit_test(test_taint_toleration_raw_score),
      cmocka_unit_test(test_taint_toleration_filter),
      cmocka_unit_test(test_taint_toleration_reason_interned),
      cmocka_unit_test(test_taint_toleration_admit),
      cmocka_unit_test(test_taint_toleration_stale_state),
      cmocka_unit_test(test_taint_toleration_events),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
