/* NodeName: upstream node_name_test.go TestNodeName (all 3 cases, exact
 * statuses), the node-event admission check (upstream nodename.Fits inside
 * AdmissionCheck) and the events registered with queueing hints off. */
#include "tests/sched/plugin_harness.h"

#include "sched/plugins/node_name.h"

static KsPod *pod_on(const char *node_name) {
  KsPod *p = ks_pod_new("default", "p");
  ks_pod_add_container(p, "c", FALSE);
  if (node_name)
    p->node_name = g_strdup(node_name);
  return p;
}

typedef struct {
  const char *name;      /* upstream case name */
  const char *pod_node;  /* spec.nodeName; NULL = unset */
  const char *node;
  KsSchedCode want;
} Case;

/* TestNodeName */
static const Case cases[] = {
    {"no host specified", NULL, "", KS_SCHED_SUCCESS},
    {"host matches", "foo", "foo", KS_SCHED_SUCCESS},
    {"host doesn't match", "bar", "foo", KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE},
};

static void test_node_name_table(void **state) {
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    const Case *tc = &cases[i];
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_node_name, NULL);
    ks_test_env_add_node(&e, ks_test_node(tc->node, "1", "1Gi"));
    KsPod *pod = pod_on(tc->pod_node);
    KsSchedStatus st[1];
    assert_int_equal(ks_test_env_filter(&e, pod, st, NULL), KS_SCHED_SUCCESS);
    if (st[0].code != tc->want)
      fail_msg("%s: code %s, want %s", tc->name, ks_sched_code_to_string(st[0].code),
               ks_sched_code_to_string(tc->want));
    if (tc->want == KS_SCHED_SUCCESS)
      assert_int_equal(st[0].n_reasons, 0);
    else
      assert_string_equal(ks_test_reason(&st[0]), "node(s) didn't match the requested node name");
    assert_true(ks_sched_plugin_node_name.admit(e.plugin, pod, e.cache, e.slots[0]) ==
                (tc->want == KS_SCHED_SUCCESS));
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
}

/* Several nodes: only the named one passes; an empty nodeName passes all. */
static void test_node_name_only_named_node(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_node_name, NULL);
  ks_test_env_add_node(&e, ks_test_node("a", "1", "1Gi"));
  ks_test_env_add_node(&e, ks_test_node("b", "1", "1Gi"));
  ks_test_env_add_node(&e, ks_test_node("c", "1", "1Gi"));
  KsPod *pod = pod_on("b");
  KsSchedStatus st[3];
  ks_test_env_filter(&e, pod, st, NULL);
  assert_int_equal(st[0].code, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE);
  assert_int_equal(st[1].code, KS_SCHED_SUCCESS);
  assert_int_equal(st[2].code, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE);
  ks_pod_unref(pod);
  pod = pod_on("");
  ks_test_env_filter(&e, pod, st, NULL);
  for (guint i = 0; i < 3; i++)
    assert_int_equal(st[i].code, KS_SCHED_SUCCESS);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

/* Gate off: Node Add | UpdateNodeTaint | UpdateNodeLabel, nothing else. */
static void test_node_name_events(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_node_name, NULL);
  guint64 rej = G_GUINT64_CONSTANT(1) << e.plugin->index;
  KsSchedClusterEvent alloc = {KS_SCHED_EV_NODE, KS_SCHED_ACT_UPDATE_NODE_ALLOCATABLE, "x"};
  KsSchedClusterEvent label = {KS_SCHED_EV_NODE, KS_SCHED_ACT_UPDATE_NODE_LABEL, "x"};
  assert_true(ks_sched_framework_event_moves(e.fw, rej, &KS_SCHED_EVENT_NODE_ADD));
  assert_true(ks_sched_framework_event_moves(e.fw, rej, &label));
  assert_false(ks_sched_framework_event_moves(e.fw, rej, &alloc));
  assert_false(ks_sched_framework_event_moves(e.fw, rej, &KS_SCHED_EVENT_ASSIGNED_POD_DELETE));
  ks_test_env_clear(&e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_node_name_table),
      cmocka_unit_test(test_node_name_only_named_node),
      cmocka_unit_test(test_node_name_events),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
