/* NodeAffinity, ported from upstream v1.31
 * pkg/scheduler/framework/plugins/nodeaffinity/node_affinity_test.go:
 * TestNodeAffinity (PreFilter status and result, Filter status; every case,
 * by its upstream name) and TestNodeAffinityPriority (normalized scores).
 * Upstream runs Filter even after PreFilter rejected or skipped, so the
 * filter table calls the extension points directly rather than through
 * ks_test_env_filter. */
#include "tests/sched/plugin_harness.h"

#include "sched/plugins/node_affinity.h"

#define V(...) ((const char *const[]){__VA_ARGS__, NULL})
#define REASON_POD KS_SCHED_NODE_AFFINITY_REASON_POD
#define UU KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE

/* ---- builders ---------------------------------------------------------------- */

static KsNodeAffinity *pod_node_affinity(KsPod *p) {
  if (!p->affinity)
    p->affinity = ks_affinity_new();
  if (!p->affinity->node_affinity)
    p->affinity->node_affinity = ks_node_affinity_new();
  return p->affinity->node_affinity;
}

/* A new required term of node affinity na (valid until the next term). */
static KsNodeSelectorTerm *req_term(KsNodeAffinity *na) {
  if (!na->required)
    na->required = ks_node_selector_new();
  return ks_node_selector_add_term(na->required);
}

static KsNodeSelectorTerm *pod_req_term(KsPod *p) {
  return req_term(pod_node_affinity(p));
}

static void expr(KsNodeSelectorTerm *t, const char *key, KsSelectorOp op,
                 const char *const *values) {
  ks_node_selector_term_add_expression(t, key, op, values);
}

static void name_in(KsNodeSelectorTerm *t, const char *const *values) {
  ks_node_selector_term_add_field(t, "metadata.name", KS_SELECTOR_OP_IN, values);
}

/* A new preferred term of weight w. */
static KsNodeSelectorTerm *pref_term(KsNodeAffinity *na, gint32 w) {
  if (!na->preferred)
    na->preferred = ks_preferred_scheduling_term_array_new();
  g_array_set_size(na->preferred, na->preferred->len + 1);
  KsPreferredSchedulingTerm *t =
      &g_array_index(na->preferred, KsPreferredSchedulingTerm, na->preferred->len - 1);
  t->weight = w;
  return &t->preference;
}

static void set_labels(KsLabels *l, const char *const *kv) {
  for (guint i = 0; kv && kv[i]; i += 2)
    ks_labels_set(l, kv[i], kv[i + 1]);
}

/* ---- TestNodeAffinity: pod specs --------------------------------------------- */

static void sel_foo_bar(KsPod *p) { set_labels(&p->node_selector, V("foo", "bar")); }
static void sel_foo_bar_baz_blah(KsPod *p) {
  set_labels(&p->node_selector, V("foo", "bar", "baz", "blah"));
}
static void in_foo_bar_value2(KsPod *p) {
  expr(pod_req_term(p), "foo", KS_SELECTOR_OP_IN, V("bar", "value2"));
}
static void gt_kernel(KsPod *p) {
  expr(pod_req_term(p), "kernel-version", KS_SELECTOR_OP_GT, V("0204"));
}
static void notin_mem(KsPod *p) {
  expr(pod_req_term(p), "mem-type", KS_SELECTOR_OP_NOT_IN, V("DDR", "DDR2"));
}
static void exists_gpu(KsPod *p) { expr(pod_req_term(p), "GPU", KS_SELECTOR_OP_EXISTS, NULL); }
static void in_foo_value12(KsPod *p) {
  expr(pod_req_term(p), "foo", KS_SELECTOR_OP_IN, V("value1", "value2"));
}
static void empty_term(KsPod *p) { pod_req_term(p); }
static void no_affinity(KsPod *p) { (void)p; }
static void nil_required(KsPod *p) { pod_node_affinity(p); }
static void gpu_exists_notin(KsPod *p) {
  KsNodeSelectorTerm *t = pod_req_term(p);
  expr(t, "GPU", KS_SELECTOR_OP_EXISTS, NULL);
  expr(t, "GPU", KS_SELECTOR_OP_NOT_IN, V("AMD", "INTER"));
}
static void gpu_exists_in(KsPod *p) {
  KsNodeSelectorTerm *t = pod_req_term(p);
  expr(t, "GPU", KS_SELECTOR_OP_EXISTS, NULL);
  expr(t, "GPU", KS_SELECTOR_OP_IN, V("AMD", "INTER"));
}
static void two_terms_ored(KsPod *p) {
  expr(pod_req_term(p), "foo", KS_SELECTOR_OP_IN, V("bar", "value2"));
  expr(pod_req_term(p), "diffkey", KS_SELECTOR_OP_IN, V("wrong", "value2"));
}
static void sel_and_exists_foo(KsPod *p) {
  sel_foo_bar(p);
  expr(pod_req_term(p), "foo", KS_SELECTOR_OP_EXISTS, NULL);
}
static void invalid_value(KsPod *p) {
  expr(pod_req_term(p), "foo", KS_SELECTOR_OP_NOT_IN, V("invalid value: ___@#$%^"));
}
static void field_node1(KsPod *p) { name_in(pod_req_term(p), V("node1")); }
static void fields_both_or_expr(KsPod *p) {
  KsNodeSelectorTerm *t = pod_req_term(p);
  name_in(t, V("node1"));
  name_in(t, V("node2"));
  expr(pod_req_term(p), "foo", KS_SELECTOR_OP_IN, V("bar"));
}
static void field_and_expr(KsPod *p) {
  KsNodeSelectorTerm *t = pod_req_term(p);
  name_in(t, V("node1"));
  expr(t, "foo", KS_SELECTOR_OP_IN, V("bar"));
}
static void field_or_expr_nomatch(KsPod *p) {
  name_in(pod_req_term(p), V("node1"));
  expr(pod_req_term(p), "foo", KS_SELECTOR_OP_IN, V("not-match-to-bar"));
}
static void two_name_terms(KsPod *p) {
  name_in(pod_req_term(p), V("node1"));
  name_in(pod_req_term(p), V("node2"));
}
static void conflicting_fields(KsPod *p) {
  KsNodeSelectorTerm *t = pod_req_term(p);
  name_in(t, V("node1"));
  name_in(t, V("node2"));
}
static void zone_in_foo(KsPod *p) { expr(pod_req_term(p), "zone", KS_SELECTOR_OP_IN, V("foo")); }
static void zone_in_bar(KsPod *p) { expr(pod_req_term(p), "zone", KS_SELECTOR_OP_IN, V("bar")); }

/* ---- TestNodeAffinity: added affinities --------------------------------------- */

static KsNodeAffinity *added_name_node2(void) {
  KsNodeAffinity *na = ks_node_affinity_new();
  name_in(req_term(na), V("node2"));
  return na;
}

static KsNodeAffinity *added_zone_bar(void) {
  KsNodeAffinity *na = ks_node_affinity_new();
  expr(req_term(na), "zone", KS_SELECTOR_OP_IN, V("bar"));
  return na;
}

typedef struct {
  const char *name; /* upstream case name */
  void (*pod)(KsPod *);
  const char *node_name;
  const char *const *labels;
  KsNodeAffinity *(*added)(void);
  gboolean run_pre_filter;
  KsSchedCode want_pre;
  const char *want_pre_reason;
  const char *const *want_result; /* PreFilterResult names; NULL = none */
  KsSchedCode want;
  const char *want_reason;
} FilterCase;

static const FilterCase filter_cases[] = {
    {"missing labels", sel_foo_bar, "", NULL, NULL, TRUE, 0, NULL, NULL, UU, REASON_POD},
    {"same labels", sel_foo_bar, "", V("foo", "bar"), NULL, TRUE, 0, NULL, NULL, 0, NULL},
    {"node labels are superset", sel_foo_bar, "", V("foo", "bar", "baz", "blah"), NULL, TRUE, 0,
     NULL, NULL, 0, NULL},
    {"node labels are subset", sel_foo_bar_baz_blah, "", V("foo", "bar"), NULL, TRUE, 0, NULL,
     NULL, UU, REASON_POD},
    {"Pod with matchExpressions using In operator that matches the existing node",
     in_foo_bar_value2, "", V("foo", "bar"), NULL, TRUE, 0, NULL, NULL, 0, NULL},
    {"Pod with matchExpressions using Gt operator that matches the existing node", gt_kernel, "",
     V("kernel-version", "0206"), NULL, TRUE, 0, NULL, NULL, 0, NULL},
    {"Pod with matchExpressions using NotIn operator that matches the existing node", notin_mem,
     "", V("mem-type", "DDR3"), NULL, TRUE, 0, NULL, NULL, 0, NULL},
    {"Pod with matchExpressions using Exists operator that matches the existing node", exists_gpu,
     "", V("GPU", "NVIDIA-GRID-K1"), NULL, TRUE, 0, NULL, NULL, 0, NULL},
    {"Pod with affinity that don't match node's labels won't schedule onto the node",
     in_foo_value12, "", V("foo", "bar"), NULL, TRUE, 0, NULL, NULL, UU, REASON_POD},
    {"Pod with empty MatchExpressions is not a valid value will match no objects and won't "
     "schedule onto the node",
     empty_term, "", V("foo", "bar"), NULL, TRUE, 0, NULL, NULL, UU, REASON_POD},
    {"Pod with no Affinity will schedule onto a node", no_affinity, "", V("foo", "bar"), NULL,
     TRUE, KS_SCHED_SKIP, NULL, NULL, 0, NULL},
    {"Pod with Affinity but nil NodeSelector will schedule onto a node", nil_required, "",
     V("foo", "bar"), NULL, TRUE, KS_SCHED_SKIP, NULL, NULL, 0, NULL},
    {"Pod with multiple matchExpressions ANDed that matches the existing node", gpu_exists_notin,
     "", V("GPU", "NVIDIA-GRID-K1"), NULL, TRUE, 0, NULL, NULL, 0, NULL},
    {"Pod with multiple matchExpressions ANDed that doesn't match the existing node",
     gpu_exists_in, "", V("GPU", "NVIDIA-GRID-K1"), NULL, TRUE, 0, NULL, NULL, UU, REASON_POD},
    {"Pod with multiple NodeSelectorTerms ORed in affinity, matches the node's labels and will "
     "schedule onto the node",
     two_terms_ored, "", V("foo", "bar"), NULL, TRUE, 0, NULL, NULL, 0, NULL},
    {"Pod with an Affinity and a PodSpec.NodeSelector(the old thing that we are deprecating) both "
     "are satisfied, will schedule onto the node",
     sel_and_exists_foo, "", V("foo", "bar"), NULL, TRUE, 0, NULL, NULL, 0, NULL},
    {"Pod with an Affinity matches node's labels but the PodSpec.NodeSelector(the old thing that "
     "we are deprecating) is not satisfied, won't schedule onto the node",
     sel_and_exists_foo, "", V("foo", "barrrrrr"), NULL, TRUE, 0, NULL, NULL, UU, REASON_POD},
    {"Pod with an invalid value in Affinity term won't be scheduled onto the node", invalid_value,
     "", V("foo", "bar"), NULL, TRUE, 0, NULL, NULL, UU, REASON_POD},
    {"Pod with matchFields using In operator that matches the existing node", field_node1, "node1",
     NULL, NULL, TRUE, 0, NULL, V("node1"), 0, NULL},
    {"Pod with matchFields using In operator that does not match the existing node", field_node1,
     "node2", NULL, NULL, TRUE, 0, NULL, V("node1"), UU, REASON_POD},
    {"Pod with two terms: matchFields does not match, but matchExpressions matches",
     fields_both_or_expr, "node2", V("foo", "bar"), NULL, TRUE, 0, NULL, NULL, 0, NULL},
    {"Pod with one term: matchFields does not match, but matchExpressions matches", field_and_expr,
     "node2", V("foo", "bar"), NULL, TRUE, 0, NULL, V("node1"), UU, REASON_POD},
    {"Pod with one term: both matchFields and matchExpressions match", field_and_expr, "node1",
     V("foo", "bar"), NULL, TRUE, 0, NULL, V("node1"), 0, NULL},
    {"Pod with two terms: both matchFields and matchExpressions do not match",
     field_or_expr_nomatch, "node2", V("foo", "bar"), NULL, TRUE, 0, NULL, NULL, UU, REASON_POD},
    {"Pod with two terms of node.Name affinity", two_name_terms, "node2", NULL, NULL, TRUE, 0, NULL,
     V("node1", "node2"), 0, NULL},
    {"Pod with two conflicting mach field requirements", conflicting_fields, "node2",
     V("foo", "bar"), NULL, TRUE, UU, KS_SCHED_NODE_AFFINITY_REASON_CONFLICT, NULL, UU,
     REASON_POD},
    {"Matches added affinity and Pod's node affinity", zone_in_foo, "node2", V("zone", "foo"),
     added_name_node2, TRUE, 0, NULL, NULL, 0, NULL},
    {"Matches added affinity but not Pod's node affinity", zone_in_bar, "node2", V("zone", "foo"),
     added_name_node2, TRUE, 0, NULL, NULL, UU, REASON_POD},
    {"Doesn't match added affinity", no_affinity, "node2", V("zone", "foo"), added_zone_bar, TRUE,
     0, NULL, NULL, UU, KS_SCHED_NODE_AFFINITY_REASON_ENFORCED},
    {"Matches node selector correctly even if PreFilter is not called", sel_foo_bar, "",
     V("foo", "bar", "baz", "blah"), NULL, FALSE, 0, NULL, NULL, 0, NULL},
    {"Matches node affinity correctly even if PreFilter is not called", gpu_exists_notin, "",
     V("GPU", "NVIDIA-GRID-K1"), NULL, FALSE, 0, NULL, NULL, 0, NULL},
};

static void check_status(const char *what, const char *name, const KsSchedStatus *st,
                         KsSchedCode code, const char *reason) {
  if (st->code != code || g_strcmp0(reason ? reason : "", ks_test_reason(st)) != 0)
    fail_msg("%s: %s: got %s \"%s\", want %s \"%s\"", name, what, ks_sched_code_to_string(st->code),
             ks_test_reason(st), ks_sched_code_to_string(code), reason ? reason : "");
}

static void check_result(const FilterCase *fc, GHashTable *got) {
  guint want_n = fc->want_result ? g_strv_length((char **)fc->want_result) : 0;
  if (!fc->want_result) {
    if (got)
      fail_msg("%s: unexpected PreFilterResult of %u nodes", fc->name, g_hash_table_size(got));
    return;
  }
  if (!got)
    fail_msg("%s: no PreFilterResult", fc->name);
  assert_int_equal(g_hash_table_size(got), want_n);
  for (guint i = 0; i < want_n; i++)
    if (!g_hash_table_contains(got, fc->want_result[i]))
      fail_msg("%s: PreFilterResult lacks %s", fc->name, fc->want_result[i]);
}

static void run_filter_case(const FilterCase *fc) {
  KsSchedNodeAffinityArgs args = {fc->added ? fc->added() : NULL};
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_node_affinity, &args);
  KsNode *node = ks_node_new(fc->node_name);
  set_labels(&node->labels, fc->labels);
  ks_test_env_add_node(&e, node);
  KsPod *pod = ks_pod_new("default", "p");
  fc->pod(pod);
  KsSchedPlugin *p = e.plugin;
  if (fc->run_pre_filter) {
    KsSchedStatus pre;
    ks_sched_status_reset(&pre);
    GHashTable *names = NULL;
    p->desc->pre_filter(p, &e.cs, pod, e.cache, &names, &pre);
    check_status("PreFilter", fc->name, &pre, fc->want_pre, fc->want_pre_reason);
    check_result(fc, names);
  }
  KsSchedStatus st;
  ks_sched_status_reset(&st);
  p->desc->filter(p, &e.cs, pod, e.cache, e.slots[0], &st);
  check_status("Filter", fc->name, &st, fc->want, fc->want_reason);
  ks_pod_unref(pod);
  ks_node_affinity_free(args.added_affinity);
  ks_test_env_clear(&e);
}

static void test_node_affinity_filter(void **state) {
  (void)state;
  for (guint i = 0; i < G_N_ELEMENTS(filter_cases); i++)
    run_filter_case(&filter_cases[i]);
}

/* The cycle state is reused: a pinned pod's set must not leak into the next
 * pod's PreFilter, and the set is rebuilt for each pod. */
static void test_pre_filter_result_reused(void **state) {
  (void)state;
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_node_affinity, NULL);
  ks_test_env_add_node(&e, ks_node_new("node1"));
  ks_test_env_add_node(&e, ks_node_new("node2"));
  KsPod *a = ks_pod_new("default", "a"), *b = ks_pod_new("default", "b");
  two_name_terms(a);
  field_node1(b);
  KsSchedStatus st[2];
  GHashTable *names = NULL;
  assert_int_equal(ks_test_env_filter(&e, a, st, &names), KS_SCHED_SUCCESS);
  assert_non_null(names);
  assert_int_equal(g_hash_table_size(names), 2);
  assert_int_equal(st[0].code, KS_SCHED_SUCCESS);
  assert_int_equal(st[1].code, KS_SCHED_SUCCESS);
  assert_int_equal(ks_test_env_filter(&e, b, st, &names), KS_SCHED_SUCCESS);
  assert_int_equal(g_hash_table_size(names), 1);
  assert_true(g_hash_table_contains(names, "node1"));
  assert_int_equal(st[1].code, UU);
  /* a pod without pinned terms gets no set */
  KsPod *c = ks_pod_new("default", "c");
  zone_in_foo(c);
  assert_int_equal(ks_test_env_filter(&e, c, st, &names), KS_SCHED_SUCCESS);
  assert_null(names);
  ks_pod_unref(a);
  ks_pod_unref(b);
  ks_pod_unref(c);
  ks_test_env_clear(&e);
}

/* ---- args, events, admission -------------------------------------------------- */

static void test_args_validation(void **state) {
  (void)state;
  KsSchedRegistry *r = ks_sched_registry_new();
  if (!ks_sched_registry_lookup(r, "NodeAffinity"))
    assert_true(ks_sched_registry_add(r, &ks_sched_plugin_node_affinity, NULL));
  KsNodeAffinity *na = ks_node_affinity_new();
  expr(pref_term(na, 101), "foo", KS_SELECTOR_OP_IN, V("bar"));
  KsSchedNodeAffinityArgs args = {na};
  KsSchedPluginConfig pc = {"NodeAffinity", 1, &args};
  GError *err = NULL;
  assert_null(ks_sched_framework_new(r, "t", &pc, 1, &err));
  assert_int_equal(err->code, KS_SCHED_ERROR_INVALID_ARGS);
  assert_non_null(strstr(err->message, "must be in the range 1-100"));
  g_clear_error(&err);
  ks_node_affinity_free(na);

  na = ks_node_affinity_new();
  expr(req_term(na), "foo", KS_SELECTOR_OP_IN, NULL); /* In without values */
  args.added_affinity = na;
  assert_null(ks_sched_framework_new(r, "t", &pc, 1, &err));
  assert_non_null(strstr(err->message, "nodeSelectorTerms[0]"));
  g_clear_error(&err);
  ks_node_affinity_free(na);
  ks_sched_registry_free(r);
}

static void test_events_and_admit(void **state) {
  (void)state;
  const KsSchedPluginDesc *d = &ks_sched_plugin_node_affinity;
  assert_int_equal(d->n_events, 1);
  assert_int_equal(d->events[0].resource, KS_SCHED_EV_NODE);
  assert_int_equal(d->events[0].actions, KS_SCHED_ACT_ADD | KS_SCHED_ACT_UPDATE);
  /* admission: the pod's own requirements only, not addedAffinity */
  KsSchedNodeAffinityArgs args = {added_zone_bar()};
  KsTestEnv e;
  ks_test_env_init(&e, d, &args);
  KsNode *n = ks_node_new("node1");
  set_labels(&n->labels, V("foo", "bar"));
  ks_test_env_add_node(&e, n);
  KsPod *ok = ks_pod_new("default", "ok"), *bad = ks_pod_new("default", "bad");
  sel_foo_bar(ok);
  in_foo_value12(bad);
  assert_true(d->admit(e.plugin, ok, e.cache, e.slots[0]));
  assert_false(d->admit(e.plugin, bad, e.cache, e.slots[0]));
  ks_pod_unref(ok);
  ks_pod_unref(bad);
  ks_node_affinity_free(args.added_affinity);
  ks_test_env_clear(&e);
}

/* ---- TestNodeAffinityPriority ----------------------------------------------- */

static void affinity1(KsNodeAffinity *na) {
  expr(pref_term(na, 2), "foo", KS_SELECTOR_OP_IN, V("bar"));
}

static void affinity2(KsNodeAffinity *na) {
  affinity1(na);
  expr(pref_term(na, 4), "key", KS_SELECTOR_OP_IN, V("value"));
  KsNodeSelectorTerm *t = pref_term(na, 5);
  expr(t, "foo", KS_SELECTOR_OP_IN, V("bar"));
  expr(t, "key", KS_SELECTOR_OP_IN, V("value"));
  expr(t, "az", KS_SELECTOR_OP_IN, V("az1"));
}

static void pod_affinity1(KsPod *p) { affinity1(pod_node_affinity(p)); }
static void pod_affinity2(KsPod *p) { affinity2(pod_node_affinity(p)); }

static KsNodeAffinity *added_affinity1(void) {
  KsNodeAffinity *na = ks_node_affinity_new();
  affinity1(na);
  return na;
}

static KsNodeAffinity *added_key_value3(void) {
  KsNodeAffinity *na = ks_node_affinity_new();
  expr(pref_term(na, 3), "key", KS_SELECTOR_OP_IN, V("value"));
  return na;
}

#define LABEL1 V("foo", "bar")
#define LABEL2 V("key", "value")
#define LABEL3 V("az", "az1")
#define LABEL4 V("abc", "az11", "def", "az22")
#define LABEL5 V("foo", "bar", "key", "value", "az", "az1")

typedef struct {
  const char *name;
  void (*pod)(KsPod *);
  const char *const *labels[3];
  guint n_nodes;
  KsNodeAffinity *(*added)(void);
  gboolean run_pre_score;
  KsSchedCode want_pre_score;
  gint64 want[3];
} ScoreCase;

static const ScoreCase score_cases[] = {
    /* upstream expects all 0; PreScore Skips (kube-semantics 3.7), which leaves 0 */
    {"all nodes are same priority as NodeAffinity is nil", no_affinity, {LABEL1, LABEL2, LABEL3},
     3, NULL, TRUE, KS_SCHED_SKIP, {0, 0, 0}},
    {"no node matches preferred scheduling requirements in NodeAffinity of pod so all nodes' "
     "priority is zero",
     pod_affinity1, {LABEL4, LABEL2, LABEL3}, 3, NULL, TRUE, 0, {0, 0, 0}},
    {"only node1 matches the preferred scheduling requirements of pod", pod_affinity1,
     {LABEL1, LABEL2, LABEL3}, 3, NULL, TRUE, 0, {100, 0, 0}},
    {"all nodes matches the preferred scheduling requirements of pod but with different "
     "priorities ",
     pod_affinity2, {LABEL1, LABEL5, LABEL2}, 3, NULL, TRUE, 0, {18, 100, 36}},
    {"added affinity", no_affinity, {LABEL1, LABEL2}, 2, added_affinity1, TRUE, 0, {100, 0}},
    {"added affinity and pod has default affinity", pod_affinity1, {LABEL1, LABEL2, LABEL5}, 3,
     added_key_value3, TRUE, 0, {40, 60, 100}},
    {"calculate the priorities correctly even if PreScore is not called", pod_affinity2,
     {LABEL1, LABEL5, LABEL2}, 3, NULL, FALSE, 0, {18, 100, 36}},
};

static void run_score_case(const ScoreCase *sc) {
  KsSchedNodeAffinityArgs args = {sc->added ? sc->added() : NULL};
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_node_affinity, &args);
  for (guint i = 0; i < sc->n_nodes; i++) {
    char *name = g_strdup_printf("node%u", i + 1);
    KsNode *n = ks_node_new(name);
    g_free(name);
    set_labels(&n->labels, sc->labels[i]);
    ks_test_env_add_node(&e, n);
  }
  KsPod *pod = ks_pod_new("default", "p");
  sc->pod(pod);
  gint64 got[3] = {0};
  if (sc->run_pre_score) {
    KsSchedCode code = ks_test_env_score(&e, pod, NULL, 0, got);
    if (code != sc->want_pre_score)
      fail_msg("%s: PreScore %s", sc->name, ks_sched_code_to_string(code));
  } else {
    KsSchedPlugin *p = e.plugin;
    KsSchedStatus st;
    ks_sched_status_reset(&st);
    for (guint i = 0; i < sc->n_nodes; i++)
      p->desc->score(p, &e.cs, pod, e.cache, e.slots[i], &got[i], &st);
    p->desc->normalize_score(p, &e.cs, pod, got, sc->n_nodes, &st);
    assert_int_equal(st.code, KS_SCHED_SUCCESS);
  }
  for (guint i = 0; i < sc->n_nodes; i++)
    if (got[i] != sc->want[i])
      fail_msg("%s: node%u scored %" G_GINT64_FORMAT ", want %" G_GINT64_FORMAT, sc->name, i + 1,
               got[i], sc->want[i]);
  ks_pod_unref(pod);
  ks_node_affinity_free(args.added_affinity);
  ks_test_env_clear(&e);
}

static void test_node_affinity_priority(void **state) {
  (void)state;
  for (guint i = 0; i < G_N_ELEMENTS(score_cases); i++)
    run_score_case(&score_cases[i]);
}

/* Raw scores before normalization: the sum of matching weights. */
static void test_raw_score(void **state) {
  (void)state;
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_node_affinity, NULL);
  KsNode *n = ks_node_new("node5");
  set_labels(&n->labels, LABEL5);
  ks_test_env_add_node(&e, n);
  KsPod *pod = ks_pod_new("default", "p");
  pod_affinity2(pod);
  KsSchedStatus st;
  ks_sched_status_reset(&st);
  gint64 s = -1;
  e.plugin->desc->score(e.plugin, &e.cs, pod, e.cache, e.slots[0], &s, &st);
  assert_int_equal(s, 2 + 4 + 5);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_node_affinity_filter),
      cmocka_unit_test(test_pre_filter_result_reused),
      cmocka_unit_test(test_args_validation),
      cmocka_unit_test(test_events_and_admit),
      cmocka_unit_test(test_node_affinity_priority),
      cmocka_unit_test(test_raw_score),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
