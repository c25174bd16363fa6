/* NodeUnschedulable: upstream node_unschedulable_test.go
 * TestNodeUnschedulable (all 3 cases, exact statuses), plus tolerations that
 * do and do not match the unschedulable taint, and the events registered
 * with queueing hints off. */
#include "tests/sched/plugin_harness.h"

#include "sched/plugins/node_unschedulable.h"

typedef struct {
  const char *key;
  KsTolerationOp op;
  const char *value;
  KsTaintEffect effect;
} Tol;

typedef struct {
  const char *name; /* upstream case name, or ours */
  gboolean unschedulable;
  Tol tol;          /* key NULL and op EQUAL with no effect: none */
  gboolean has_tol;
  KsSchedCode want;
} Case;

static const Case cases[] = {
    /* TestNodeUnschedulable */
    {"Does not schedule pod to unschedulable node (node.Spec.Unschedulable==true)", TRUE,
     {0}, FALSE, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE},
    {"Schedule pod to normal node", FALSE, {0}, FALSE, KS_SCHED_SUCCESS},
    {"Schedule pod with toleration to unschedulable node (node.Spec.Unschedulable==true)", TRUE,
     {KS_TAINT_NODE_UNSCHEDULABLE, KS_TOLERATION_OP_EQUAL, NULL, KS_TAINT_EFFECT_NO_SCHEDULE},
     TRUE, KS_SCHED_SUCCESS},
    /* ours: matching rules of the toleration (kube-semantics 3.6) */
    {"Exists with empty key tolerates everything", TRUE,
     {NULL, KS_TOLERATION_OP_EXISTS, NULL, KS_TAINT_EFFECT_ALL}, TRUE, KS_SCHED_SUCCESS},
    {"toleration for NoExecute does not tolerate the NoSchedule taint", TRUE,
     {KS_TAINT_NODE_UNSCHEDULABLE, KS_TOLERATION_OP_EXISTS, NULL, KS_TAINT_EFFECT_NO_EXECUTE},
     TRUE, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE},
    {"Equal with a value does not match the value-less taint", TRUE,
     {KS_TAINT_NODE_UNSCHEDULABLE, KS_TOLERATION_OP_EQUAL, "x", KS_TAINT_EFFECT_NO_SCHEDULE},
     TRUE, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE},
    {"toleration of another key", TRUE,
     {"other", KS_TOLERATION_OP_EXISTS, NULL, KS_TAINT_EFFECT_NO_SCHEDULE}, TRUE,
     KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE},
};

static KsPod *make_pod(const Case *tc) {
  KsPod *p = ks_pod_new("default", "p");
  ks_pod_add_container(p, "c", FALSE);
  if (tc->has_tol) {
    KsToleration *t = ks_pod_add_toleration(p);
    t->key = g_strdup(tc->tol.key);
    t->op = tc->tol.op;
    t->value = g_strdup(tc->tol.value);
    t->effect = tc->tol.effect;
  }
  return p;
}

static void test_node_unschedulable_table(void **state) {
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    const Case *tc = &cases[i];
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_node_unschedulable, NULL);
    KsNode *n = ks_test_node("n", "1", "1Gi");
    n->unschedulable = tc->unschedulable;
    ks_test_env_add_node(&e, n);
    KsPod *pod = make_pod(tc);
    KsSchedStatus st[1];
    assert_int_equal(ks_test_env_filter(&e, pod, st, NULL), KS_SCHED_SUCCESS);
    if (st[0].code != tc->want)
      fail_msg("%s: code %s, want %s", tc->name, ks_sched_code_to_string(st[0].code),
               ks_sched_code_to_string(tc->want));
    if (tc->want == KS_SCHED_SUCCESS)
      assert_int_equal(st[0].n_reasons, 0);
    else
      assert_string_equal(ks_test_reason(&st[0]), "node(s) were unschedulable");
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
}

/* Gate off: Node Add | UpdateNodeTaint (spec.unschedulable) | UpdateNodeLabel.
 * No admission check: upstream's pre-check ignores spec.unschedulable. */
static void test_node_unschedulable_events(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_node_unschedulable, NULL);
  guint64 rej = G_GUINT64_CONSTANT(1) << e.plugin->index;
  KsSchedClusterEvent taint = {KS_SCHED_EV_NODE, KS_SCHED_ACT_UPDATE_NODE_TAINT, "x"};
  KsSchedClusterEvent cond = {KS_SCHED_EV_NODE, KS_SCHED_ACT_UPDATE_NODE_CONDITION, "x"};
  assert_true(ks_sched_framework_event_moves(e.fw, rej, &KS_SCHED_EVENT_NODE_ADD));
  assert_true(ks_sched_framework_event_moves(e.fw, rej, &taint));
  assert_false(ks_sched_framework_event_moves(e.fw, rej, &cond));
  assert_false(ks_sched_framework_event_moves(e.fw, rej, &KS_SCHED_EVENT_ASSIGNED_POD_DELETE));
  assert_null(ks_sched_plugin_node_unschedulable.admit);
  ks_test_env_clear(&e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_node_unschedulable_table),
      cmocka_unit_test(test_node_unschedulable_events),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
