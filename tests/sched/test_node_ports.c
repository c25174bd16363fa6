/* NodePorts: upstream node_ports_test.go (v1.31) TestNodePorts (all 13
 * cases, exact PreFilter and Filter statuses), TestPreFilterDisabled and
 * TestGetContainerPorts (as behaviour: which ports count), plus the
 * admission check, the reuse of the cycle state, and the events registered
 * with queueing hints off. Ports are written as upstream's newPod helper
 * takes them: "PROTOCOL/hostIP/hostPort". */
#include "tests/sched/plugin_harness.h"

#include "sched/plugins/node_ports.h"

#define MAX_PORTS 4

/* Adds a container whose ports are "PROTO/IP/PORT" strings (NULL-ended). */
static void add_container_ports(KsPod *p, const char *const *specs, gboolean init) {
  KsContainer *c = ks_pod_add_container(p, "c", init);
  for (guint i = 0; i < MAX_PORTS && specs[i]; i++) {
    char **f = g_strsplit(specs[i], "/", 3);
    KsContainerPort *port = ks_container_add_port(c);
    assert_true(ks_protocol_from_string(f[0], &port->protocol));
    port->host_ip = g_strdup(f[1]);
    port->host_port = (gint32)g_ascii_strtoll(f[2], NULL, 10);
    g_strfreev(f);
  }
}

/* upstream newPod: one container with these host ports */
static KsPod *new_pod(const char *name, const char *const *specs) {
  KsPod *p = ks_pod_new("default", name);
  add_container_ports(p, specs, FALSE);
  return p;
}

typedef struct {
  const char *name;                  /* upstream case name */
  const char *pod[MAX_PORTS + 1];    /* the incoming pod's ports; {NULL} = &v1.Pod{} */
  const char *node[MAX_PORTS + 1];   /* ports of the pod on the node; {NULL} = empty node */
  KsSchedCode want_pre_filter;
  KsSchedCode want_filter;
} Case;

/* TestNodePorts */
static const Case cases[] = {
    {"skip filter", {NULL}, {NULL}, KS_SCHED_SKIP, KS_SCHED_SUCCESS},
    {"other port", {"UDP/127.0.0.1/8080"}, {"UDP/127.0.0.1/9090"}, 0, KS_SCHED_SUCCESS},
    {"same udp port", {"UDP/127.0.0.1/8080"}, {"UDP/127.0.0.1/8080"}, 0, KS_SCHED_UNSCHEDULABLE},
    {"same tcp port", {"TCP/127.0.0.1/8080"}, {"TCP/127.0.0.1/8080"}, 0, KS_SCHED_UNSCHEDULABLE},
    {"different host ip", {"TCP/127.0.0.1/8080"}, {"TCP/127.0.0.2/8080"}, 0, KS_SCHED_SUCCESS},
    {"different protocol", {"UDP/127.0.0.1/8080"}, {"TCP/127.0.0.1/8080"}, 0, KS_SCHED_SUCCESS},
    {"second udp port conflict", {"UDP/127.0.0.1/8000", "UDP/127.0.0.1/8080"},
     {"UDP/127.0.0.1/8080"}, 0, KS_SCHED_UNSCHEDULABLE},
    {"first tcp port conflict", {"TCP/127.0.0.1/8001", "UDP/127.0.0.1/8080"},
     {"TCP/127.0.0.1/8001", "UDP/127.0.0.1/8081"}, 0, KS_SCHED_UNSCHEDULABLE},
    {"first tcp port conflict due to 0.0.0.0 hostIP", {"TCP/0.0.0.0/8001"},
     {"TCP/127.0.0.1/8001"}, 0, KS_SCHED_UNSCHEDULABLE},
    {"TCP hostPort conflict due to 0.0.0.0 hostIP", {"TCP/10.0.10.10/8001", "TCP/0.0.0.0/8001"},
     {"TCP/127.0.0.1/8001"}, 0, KS_SCHED_UNSCHEDULABLE},
    {"second tcp port conflict to 0.0.0.0 hostIP", {"TCP/127.0.0.1/8001"}, {"TCP/0.0.0.0/8001"}, 0,
     KS_SCHED_UNSCHEDULABLE},
    {"second different protocol", {"UDP/127.0.0.1/8001"}, {"TCP/0.0.0.0/8001"}, 0,
     KS_SCHED_SUCCESS},
    {"UDP hostPort conflict due to 0.0.0.0 hostIP", {"UDP/127.0.0.1/8001"},
     {"TCP/0.0.0.0/8001", "UDP/0.0.0.0/8001"}, 0, KS_SCHED_UNSCHEDULABLE},
};

static void check_status(const char *name, const KsSchedStatus *st, KsSchedCode want) {
  if (st->code != want)
    fail_msg("%s: code %s, want %s", name, ks_sched_code_to_string(st->code),
             ks_sched_code_to_string(want));
  if (want == KS_SCHED_UNSCHEDULABLE)
    assert_string_equal(ks_test_reason(st),
                        "node(s) didn't have free ports for the requested pod ports");
  else
    assert_int_equal(st->n_reasons, 0);
}

static void test_node_ports_table(void **state) {
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    const Case *tc = &cases[i];
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_node_ports, NULL);
    ks_test_env_add_node(&e, ks_test_node("m1", "1", "1Gi"));
    if (tc->node[0])
      ks_test_env_add_pod(&e, new_pod("existing", tc->node), "m1");
    KsPod *pod = new_pod("incoming", tc->pod);
    KsSchedStatus st[1];
    KsSchedCode pre = ks_test_env_filter(&e, pod, st, NULL);
    if (pre != tc->want_pre_filter)
      fail_msg("%s: PreFilter %s, want %s", tc->name, ks_sched_code_to_string(pre),
               ks_sched_code_to_string(tc->want_pre_filter));
    check_status(tc->name, &st[0], tc->want_filter);
    /* the node-event pre-check agrees with Filter (upstream Fits) */
    assert_true(ks_sched_node_ports_fit(pod, e.cache, e.slots[0]) ==
                (tc->want_filter == KS_SCHED_SUCCESS));
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
}

/* TestPreFilterDisabled: Filter without PreFilter is an Error. */
static void test_node_ports_pre_filter_disabled(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_node_ports, NULL);
  ks_test_env_add_node(&e, ks_test_node("n", "1", "1Gi"));
  KsPod *pod = ks_pod_new("default", "p");
  KsSchedStatus st;
  ks_sched_status_reset(&st);
  e.plugin->desc->filter(e.plugin, &e.cs, pod, e.cache, e.slots[0], &st);
  assert_int_equal(st.code, KS_SCHED_ERROR_CODE);
  assert_string_equal(ks_test_reason(&st),
                      "reading \"PreFilterNodePorts\" from cycleState: not found");
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

/* TestGetContainerPorts, as behaviour: every regular container's ports with
 * hostPort > 0 count (8001..8004 of three containers); a port without a
 * hostPort (8005) neither conflicts nor makes the pod take part. */
static void test_node_ports_which_ports_count(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_node_ports, NULL);
  ks_test_env_add_node(&e, ks_test_node("n", "1", "1Gi"));
  KsPod *pod1 = ks_pod_new("default", "pod1");
  add_container_ports(pod1, (const char *const[]){"TCP//8001", "TCP//8002", NULL}, FALSE);
  add_container_ports(pod1, (const char *const[]){"TCP//8003", "TCP//8004", NULL}, FALSE);
  add_container_ports(pod1, (const char *const[]){"TCP//0", NULL}, FALSE); /* containerPort only */
  ks_test_env_add_pod(&e, pod1, "n");
  KsSchedStatus st[1];
  static const char *const taken[] = {"TCP//8001", "TCP//8002", "TCP//8003", "TCP//8004"};
  for (guint i = 0; i < G_N_ELEMENTS(taken); i++) {
    KsPod *p = new_pod("p", (const char *const[]){taken[i], NULL});
    assert_int_equal(ks_test_env_filter(&e, p, st, NULL), KS_SCHED_SUCCESS);
    check_status(taken[i], &st[0], KS_SCHED_UNSCHEDULABLE);
    ks_pod_unref(p);
  }
  KsPod *p = new_pod("p", (const char *const[]){"TCP//8005", NULL});
  assert_int_equal(ks_test_env_filter(&e, p, st, NULL), KS_SCHED_SUCCESS);
  check_status("8005", &st[0], KS_SCHED_SUCCESS);
  ks_pod_unref(p);
  p = new_pod("p", (const char *const[]){"TCP//0", NULL});
  assert_int_equal(ks_test_env_filter(&e, p, st, NULL), KS_SCHED_SKIP);
  ks_pod_unref(p);
  ks_test_env_clear(&e);
}

/* v1.31 reads regular containers only: host ports of init containers,
 * sidecars included, neither count for the pod (PreFilter skips; upstream
 * "non-sidecar initContainer using hostPort") nor occupy the node. Later
 * releases count sidecars; v1.31 does not. */
static void test_node_ports_init_containers_ignored(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_node_ports, NULL);
  ks_test_env_add_node(&e, ks_test_node("m1", "1", "1Gi"));
  ks_test_env_add_pod(&e, new_pod("existing", (const char *const[]){"TCP/0.0.0.0/8001", NULL}),
                      "m1");
  KsPod *init = ks_pod_new("default", "init");
  ks_pod_add_container(init, "app", FALSE);
  add_container_ports(init, (const char *const[]){"TCP//8001", NULL}, TRUE);
  KsSchedStatus st[1];
  assert_int_equal(ks_test_env_filter(&e, init, st, NULL), KS_SCHED_SKIP);
  g_array_index(init->init_containers, KsContainer, 0).restart_always = TRUE;
  assert_int_equal(ks_test_env_filter(&e, init, st, NULL), KS_SCHED_SKIP);
  ks_pod_unref(init);

  /* an init container's port on the node does not block */
  KsTestEnv e2;
  ks_test_env_init(&e2, &ks_sched_plugin_node_ports, NULL);
  ks_test_env_add_node(&e2, ks_test_node("m1", "1", "1Gi"));
  KsPod *holder = ks_pod_new("default", "holder");
  ks_pod_add_container(holder, "app", FALSE);
  add_container_ports(holder, (const char *const[]){"TCP//8001", NULL}, TRUE);
  ks_test_env_add_pod(&e2, holder, "m1");
  KsPod *want = new_pod("want", (const char *const[]){"TCP//8001", NULL});
  assert_int_equal(ks_test_env_filter(&e2, want, st, NULL), KS_SCHED_SUCCESS);
  check_status("init holder", &st[0], KS_SCHED_SUCCESS);
  ks_pod_unref(want);
  ks_test_env_clear(&e2);
  ks_test_env_clear(&e);
}

/* Empty hostIP is 0.0.0.0 and SCTP is its own protocol; every pod on the
 * node counts, the conflicting one need not be the first. */
static void test_node_ports_sanitize_and_many_pods(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_node_ports, NULL);
  ks_test_env_add_node(&e, ks_test_node("a", "1", "1Gi"));
  ks_test_env_add_node(&e, ks_test_node("b", "1", "1Gi"));
  ks_test_env_add_pod(&e, new_pod("a1", (const char *const[]){"TCP/10.0.0.1/80", NULL}), "a");
  ks_test_env_add_pod(&e, new_pod("a2", (const char *const[]){"SCTP//9000", NULL}), "a");
  ks_test_env_add_pod(&e, new_pod("b1", (const char *const[]){"UDP//80", NULL}), "b");
  struct {
    const char *port;
    KsSchedCode a, b;
  } want[] = {
      {"TCP//80", KS_SCHED_UNSCHEDULABLE, KS_SCHED_SUCCESS},         /* "" overlaps 10.0.0.1 */
      {"TCP/10.0.0.2/80", KS_SCHED_SUCCESS, KS_SCHED_SUCCESS},       /* other IP, other proto */
      {"UDP/10.0.0.2/80", KS_SCHED_SUCCESS, KS_SCHED_UNSCHEDULABLE}, /* b1's "" is 0.0.0.0 */
      {"SCTP/10.0.0.1/9000", KS_SCHED_UNSCHEDULABLE, KS_SCHED_SUCCESS},
      {"TCP//9000", KS_SCHED_SUCCESS, KS_SCHED_SUCCESS},
  };
  KsSchedStatus st[2];
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    KsPod *p = new_pod("p", (const char *const[]){want[i].port, NULL});
    ks_test_env_filter(&e, p, st, NULL);
    check_status(want[i].port, &st[0], want[i].a);
    check_status(want[i].port, &st[1], want[i].b);
    ks_pod_unref(p);
  }
  ks_test_env_clear(&e);
}

/* The cycle state is allocated once and reused; state left by another pod
 * is not taken for this pod's. */
static void test_node_ports_cycle_state(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_node_ports, NULL);
  ks_test_env_add_node(&e, ks_test_node("n", "1", "1Gi"));
  KsPod *a = new_pod("a", (const char *const[]){"TCP//80", NULL});
  KsPod *b = new_pod("b", (const char *const[]){"TCP//81", NULL});
  KsSchedStatus st[1];
  ks_test_env_filter(&e, a, st, NULL);
  gpointer slot = e.cs.data[e.plugin->index];
  assert_non_null(slot);
  ks_test_env_filter(&e, b, st, NULL);
  assert_ptr_equal(e.cs.data[e.plugin->index], slot);
  ks_sched_status_reset(&st[0]);
  e.plugin->desc->filter(e.plugin, &e.cs, a, e.cache, e.slots[0], &st[0]);
  assert_int_equal(st[0].code, KS_SCHED_ERROR_CODE);
  ks_pod_unref(a);
  ks_pod_unref(b);
  ks_test_env_clear(&e);
}

/* Gate off: Pod Delete; Node Add | UpdateNodeTaint | UpdateNodeLabel. */
static void test_node_ports_events(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_node_ports, NULL);
  guint64 rej = G_GUINT64_CONSTANT(1) << e.plugin->index;
  KsSchedClusterEvent alloc = {KS_SCHED_EV_NODE, KS_SCHED_ACT_UPDATE_NODE_ALLOCATABLE, "x"};
  KsSchedClusterEvent pod_add = {KS_SCHED_EV_POD, KS_SCHED_ACT_ADD, "AssignedPodAdd"};
  assert_true(ks_sched_framework_event_moves(e.fw, rej, &KS_SCHED_EVENT_ASSIGNED_POD_DELETE));
  assert_true(ks_sched_framework_event_moves(e.fw, rej, &KS_SCHED_EVENT_NODE_ADD));
  assert_false(ks_sched_framework_event_moves(e.fw, rej, &alloc));
  assert_false(ks_sched_framework_event_moves(e.fw, rej, &pod_add));
  ks_test_env_clear(&e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_node_ports_table),
      cmocka_unit_test(test_node_ports_pre_filter_disabled),
      cmocka_unit_test(test_node_ports_which_ports_count),
      cmocka_unit_test(test_node_ports_init_containers_ignored),
      cmocka_unit_test(test_node_ports_sanitize_and_many_pods),
      cmocka_unit_test(test_node_ports_cycle_state),
      cmocka_unit_test(test_node_ports_events),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
