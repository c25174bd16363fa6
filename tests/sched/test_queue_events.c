/* Precise event moves of the scheduling queue (v1.31, queueing hints off):
 * AssignedPodAdded / AssignedPodUpdated narrow the candidates as upstream's
 * getUnschedulablePodsWithCrossTopologyTerm (TestPriorityQueue_AssignedPodAdded_,
 * TestPriorityQueue_AssignedPodUpdated ported with their outcomes), an
 * unschedulable pod moves on update only when more than its status changed
 * (isPodUpdated; ks_pod_equal_except_status), and the scheduler's
 * assigned-pod entry point raises Add first and Update afterwards. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sched/framework.h"
#include "sched/node.h"
#include "sched/queue.h"
#include "sched/scheduler.h"

#define SEC G_GINT64_CONSTANT(1000000)

typedef struct {
  KsSchedRegistry *reg;
  KsSchedFramework *fw;
  KsSchedQueue *q;
} Env;

static int setup(void **state) {
  Env *e = g_new0(Env, 1);
  e->reg = ks_sched_registry_new();
  e->fw = ks_sched_framework_new_default(e->reg, NULL);
  e->q = ks_sched_queue_new(e->fw, 1 * SEC, 10 * SEC, 300 * SEC);
  *state = e;
  return 0;
}

static int teardown(void **state) {
  Env *e = *state;
  ks_sched_queue_free(e->q);
  ks_sched_framework_free(e->fw);
  ks_sched_registry_free(e->reg);
  g_free(e);
  return 0;
}

static guint64 bit_of(Env *e, const char *plugin) {
  KsSchedPlugin *p = ks_sched_framework_plugin(e->fw, plugin);
  assert_non_null(p);
  return G_GUINT64_CONSTANT(1) << p->index;
}

/* st.MakePod().PodAffinityExists(key, topologyKey, required) */
static void pod_affinity_exists(KsPod *p, const char *key, const char *topology, gboolean anti) {
  if (!p->affinity)
    p->affinity = ks_affinity_new();
  KsPodAffinity **slot = anti ? &p->affinity->pod_anti_affinity : &p->affinity->pod_affinity;
  if (!*slot)
    *slot = ks_pod_affinity_new();
  if (!(*slot)->required)
    (*slot)->required = ks_pod_affinity_term_array_new();
  KsPodAffinityTerm t = {0};
  t.label_selector = ks_label_selector_new();
  t.label_selector->match_expressions = ks_selector_requirement_array_new();
  KsSelectorRequirement r = {g_strdup(key), KS_SELECTOR_OP_EXISTS, NULL};
  g_array_append_val(t.label_selector->match_expressions, r);
  t.topology_key = g_strdup(topology);
  g_array_append_val((*slot)->required, t);
}

/* st.MakePod().SpreadConstraint(1, "node", DoNotSchedule, nil, ...) */
static void spread_constraint(KsPod *p) {
  if (!p->topology_spread_constraints)
    p->topology_spread_constraints = ks_topology_spread_constraint_array_new();
  KsTopologySpreadConstraint c = {0};
  c.max_skew = 1;
  c.topology_key = g_strdup("node");
  c.when_unsatisfiable = KS_UNSATISFIABLE_DO_NOT_SCHEDULE;
  g_array_append_val(p->topology_spread_constraints, c);
}

static KsPod *assigned(const char *ns, const char *key, const char *value) {
  KsPod *p = ks_pod_new(ns, "lbp");
  ks_labels_set(&p->labels, key, value);
  p->node_name = g_strdup("node1");
  return p;
}

/* Pops the pod and requeues it rejected by `plugin`, then lets its 1 s
 * backoff pass: a move now goes straight to activeQ. Returns the time. */
static gint64 make_unschedulable(Env *e, KsPod *p, const char *plugin) {
  ks_sched_queue_add(e->q, p, 0);
  KsSchedQueuedPod *qp = ks_sched_queue_pop(e->q);
  assert_ptr_equal(qp->pod, p);
  ks_sched_queue_requeue(e->q, qp, bit_of(e, plugin), 0);
  assert_int_equal(ks_sched_queue_unschedulable_len(e->q), 1);
  return 2 * SEC; /* DefaultPodInitialBackoffDuration + 1 s */
}

typedef struct {
  const char *name;
  KsPod *(*unsched)(void);
  const char *plugin;
  const char *ns, *key, *value; /* the assigned pod */
  gboolean want_requeue;
} Case;

static KsPod *afp(void) {
  KsPod *p = ks_pod_new("ns1", "afp");
  ks_labels_set(&p->annotations, "annot2", "val2");
  pod_affinity_exists(p, "service", "region", FALSE);
  return p;
}

static KsPod *tsp(void) {
  KsPod *p = ks_pod_new("ns1", "tsp");
  spread_constraint(p);
  return p;
}

static KsPod *plain(void) {
  KsPod *p = ks_pod_new("ns1", "afp");
  ks_labels_set(&p->annotations, "annot2", "val2");
  return p;
}

/* an anti-affinity term selecting the assigned pod: an Add cannot help */
static KsPod *anti(void) {
  KsPod *p = ks_pod_new("ns1", "anti");
  pod_affinity_exists(p, "service", "region", TRUE);
  return p;
}

static const Case cases[] = {
    {"Pod rejected by pod affinity is requeued with matching Pod's update", afp,
     "InterPodAffinity", "ns1", "service", "securityscan", TRUE},
    {"Pod rejected by pod affinity isn't requeued with unrelated Pod's update", afp,
     "InterPodAffinity", "unrelated", "unrelated", "unrelated", FALSE},
    {"Pod rejected by pod topology spread is requeued with Pod's update in the same namespace", tsp,
     "PodTopologySpread", "ns1", "service", "securityscan", TRUE},
    {"Pod rejected by pod topology spread isn't requeued with unrelated Pod's update", afp,
     "PodTopologySpread", "unrelated", "unrelated", "unrelated", FALSE},
    /* upstream's "fakePlugin" registers the event but is neither affinity
     * nor spread; InterPodAffinity on a pod without affinity terms is the
     * same case with a plugin of the default profile */
    {"Pod rejected by other plugins isn't requeued with any Pod's update", plain,
     "InterPodAffinity", "unrelated", "unrelated", "unrelated", FALSE},
    /* ksim additions */
    {"affinity term selects the pod but in another namespace", afp, "InterPodAffinity", "ns2",
     "service", "securityscan", FALSE},
    {"spread rejection, same namespace, unrelated labels", tsp, "PodTopologySpread", "ns1",
     "unrelated", "unrelated", TRUE},
    {"required anti-affinity term selecting the pod: not moved", anti, "InterPodAffinity", "ns1",
     "service", "securityscan", FALSE},
    {"affinity pod rejected by NodeResourcesFit (no Pod/Add registered): not moved", afp,
     "NodeResourcesFit", "ns1", "service", "securityscan", FALSE},
};

static void run_cases(gboolean update) {
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    const Case *c = &cases[i];
    void *st = NULL;
    setup(&st);
    Env *e = st;
    KsPod *p = c->unsched();
    gint64 now = make_unschedulable(e, p, c->plugin);
    KsPod *a = assigned(c->ns, c->key, c->value);
    if (update) {
      KsPod *old = ks_pod_copy(a); /* same requests: no scale-down */
      ks_sched_queue_assigned_pod_updated(e->q, old, a, NULL, now);
      ks_pod_unref(old);
    } else {
      ks_sched_queue_assigned_pod_added(e->q, a, NULL, now);
    }
    if ((ks_sched_queue_active_len(e->q) == 1) != c->want_requeue)
      fail_msg("%s (%s): want requeue %d", c->name, update ? "update" : "add", c->want_requeue);
    assert_int_equal(ks_sched_queue_unschedulable_len(e->q), c->want_requeue ? 0 : 1);
    assert_int_equal(ks_sched_queue_backoff_len(e->q), 0);
    ks_pod_unref(a);
    ks_pod_unref(p);
    teardown(&st);
  }
}

static void test_assigned_pod_added(void **state) { run_cases(FALSE); }
static void test_assigned_pod_updated(void **state) { run_cases(TRUE); }

/* A still-backing-off candidate goes to backoffQ, a non-candidate stays,
 * and the move request counts even for pods that stayed. */
static void test_added_backoff_and_move_request(void **state) {
  Env *e = *state;
  KsPod *p = afp();
  make_unschedulable(e, p, "InterPodAffinity");
  KsPod *other = ks_pod_new("ns1", "other");
  ks_sched_queue_add(e->q, other, 0);
  KsSchedQueuedPod *in_flight = ks_sched_queue_pop(e->q);
  assert_ptr_equal(in_flight->pod, other);
  KsPod *a = assigned("ns1", "service", "x");
  ks_sched_queue_assigned_pod_added(e->q, a, NULL, SEC / 2); /* backoff until 1 s */
  assert_int_equal(ks_sched_queue_backoff_len(e->q), 1);
  assert_int_equal(ks_sched_queue_unschedulable_len(e->q), 0);
  /* the pod in flight during the event fails: backoffQ, not unschedulable */
  ks_sched_queue_requeue(e->q, in_flight, bit_of(e, "InterPodAffinity"), SEC / 2);
  assert_int_equal(ks_sched_queue_backoff_len(e->q), 2);
  ks_pod_unref(a);
  ks_pod_unref(other);
  ks_pod_unref(p);
}

/* A request scale-down of an assigned pod considers every unschedulable
 * pod (upstream moveAllToActiveOrBackoffQueue with AssignedPodUpdate). */
static void test_assigned_pod_scale_down(void **state) {
  Env *e = *state;
  KsPod *p = tsp();
  g_free(p->namespace);
  p->namespace = g_strdup("ns2"); /* not a cross-topology candidate */
  gint64 now = make_unschedulable(e, p, "PodTopologySpread");
  KsPod *old = assigned("ns1", "app", "x");
  KsContainer *c = ks_pod_add_container(old, "c", FALSE);
  ks_resource_list_set(&c->requests, "cpu", 1000);
  KsPod *same = ks_pod_copy(old);
  ks_sched_queue_assigned_pod_updated(e->q, old, same, NULL, now);
  assert_int_equal(ks_sched_queue_unschedulable_len(e->q), 1);
  KsPod *smaller = ks_pod_copy(old);
  ks_resource_list_set(&g_array_index(smaller->containers, KsContainer, 0).requests, "cpu", 500);
  ks_sched_queue_assigned_pod_updated(e->q, old, smaller, NULL, now);
  assert_int_equal(ks_sched_queue_unschedulable_len(e->q), 0);
  assert_int_equal(ks_sched_queue_active_len(e->q), 1);
  ks_pod_unref(old);
  ks_pod_unref(same);
  ks_pod_unref(smaller);
  ks_pod_unref(p);
}

/* namespaceSelector terms see the assigned pod's namespace labels. */
static void test_namespace_selector(void **state) {
  Env *e = *state;
  KsPod *p = afp();
  KsPodAffinityTerm *t = &g_array_index(p->affinity->pod_affinity->required, KsPodAffinityTerm, 0);
  t->namespace_selector = ks_label_selector_new();
  ks_labels_set(&t->namespace_selector->match_labels, "team", "a");
  gint64 now = make_unschedulable(e, p, "InterPodAffinity");
  KsPod *a = assigned("ns9", "service", "s");
  KsLabels other, team;
  ks_labels_init(&other);
  ks_labels_init(&team);
  ks_labels_set(&other, "team", "b");
  ks_labels_set(&team, "team", "a");
  ks_sched_queue_assigned_pod_added(e->q, a, NULL, now); /* namespace unknown */
  ks_sched_queue_assigned_pod_added(e->q, a, &other, now);
  assert_int_equal(ks_sched_queue_unschedulable_len(e->q), 1);
  ks_sched_queue_assigned_pod_added(e->q, a, &team, now);
  assert_int_equal(ks_sched_queue_active_len(e->q), 1);
  ks_labels_clear(&other);
  ks_labels_clear(&team);
  ks_pod_unref(a);
  ks_pod_unref(p);
}

/* ---- pod update (isPodUpdated) ------------------------------------------------------ */

static void test_update_status_only_stays(void **state) {
  Env *e = *state;
  KsPod *p = plain();
  gint64 now = make_unschedulable(e, p, "NodeResourcesFit");
  KsPod *status = ks_pod_copy(p);
  status->phase = KS_POD_FAILED;
  status->nominated_node_name = g_strdup("node1");
  assert_true(ks_sched_queue_update(e->q, status, now));
  assert_int_equal(ks_sched_queue_unschedulable_len(e->q), 1);
  assert_int_equal(ks_sched_queue_active_len(e->q), 0);
  /* the same object again: no change either */
  assert_true(ks_sched_queue_update(e->q, status, now));
  assert_int_equal(ks_sched_queue_unschedulable_len(e->q), 1);
  /* a label change moves it; the newest object is the one popped */
  KsPod *labelled = ks_pod_copy(status);
  ks_labels_set(&labelled->labels, "x", "y");
  assert_true(ks_sched_queue_update(e->q, labelled, now));
  assert_int_equal(ks_sched_queue_unschedulable_len(e->q), 0);
  KsSchedQueuedPod *qp = ks_sched_queue_pop(e->q);
  assert_ptr_equal(qp->pod, labelled);
  ks_sched_queue_done(e->q, qp);
  ks_pod_unref(labelled);
  ks_pod_unref(status);
  ks_pod_unref(p);
}

/* Spec change of a backing-off unschedulable pod: backoffQ. */
static void test_update_spec_backing_off(void **state) {
  Env *e = *state;
  KsPod *p = plain();
  make_unschedulable(e, p, "NodeResourcesFit");
  KsPod *q = ks_pod_copy(p);
  KsContainer *c = ks_pod_add_container(q, "c", FALSE);
  ks_resource_list_set(&c->requests, "cpu", 100);
  assert_true(ks_sched_queue_update(e->q, q, SEC / 2));
  assert_int_equal(ks_sched_queue_backoff_len(e->q), 1);
  assert_int_equal(ks_sched_queue_unschedulable_len(e->q), 0);
  ks_pod_unref(q);
  ks_pod_unref(p);
}

/* Gates: a status-only update keeps a gated pod gated, removing a gate
 * re-runs PreEnqueue, removing the last one admits it. */
static void test_update_gates(void **state) {
  Env *e = *state;
  KsPod *p = ks_pod_new("ns1", "gated");
  p->scheduling_gates = g_strsplit("a,b", ",", -1);
  ks_sched_queue_add(e->q, p, 0);
  assert_int_equal(ks_sched_queue_unschedulable_len(e->q), 1);
  KsPod *s = ks_pod_copy(p);
  s->nominated_node_name = g_strdup("n");
  ks_sched_queue_update(e->q, s, 1);
  assert_int_equal(ks_sched_queue_unschedulable_len(e->q), 1);
  KsPod *one = ks_pod_copy(p);
  g_strfreev(one->scheduling_gates);
  one->scheduling_gates = g_strsplit("b", ",", -1);
  ks_sched_queue_update(e->q, one, 2);
  assert_int_equal(ks_sched_queue_unschedulable_len(e->q), 1);
  assert_int_equal(ks_sched_queue_active_len(e->q), 0);
  KsPod *none = ks_pod_copy(one);
  g_strfreev(none->scheduling_gates);
  none->scheduling_gates = NULL;
  ks_sched_queue_update(e->q, none, 3);
  assert_int_equal(ks_sched_queue_active_len(e->q), 1);
  ks_pod_unref(none);
  ks_pod_unref(one);
  ks_pod_unref(s);
  ks_pod_unref(p);
}

/* ---- ks_pod_equal_except_status --------------------------------------------------------- */

static KsPod *rich_pod(void) {
  KsPod *p = ks_pod_new("ns1", "rich");
  ks_labels_set(&p->labels, "app", "web");
  ks_labels_set(&p->annotations, "a", "b");
  KsContainer *c = ks_pod_add_container(p, "c", FALSE);
  ks_resource_list_set(&c->requests, "cpu", 100);
  KsContainerPort *port = ks_container_add_port(c);
  port->container_port = 80;
  port->host_port = 8080;
  KsToleration *t = ks_pod_add_toleration(p);
  t->key = g_strdup("k");
  t->op = KS_TOLERATION_OP_EXISTS;
  ks_pod_add_volume(p, "v", KS_VOLUME_PVC)->ref = g_strdup("claim");
  pod_affinity_exists(p, "service", "zone", FALSE);
  pod_affinity_exists(p, "service", "zone", TRUE);
  spread_constraint(p);
  ks_labels_set(&p->node_selector, "disk", "ssd");
  p->priority = 5;
  p->has_priority = TRUE;
  return p;
}

static void test_pod_equal_except_status(void **state) {
  KsPod *a = rich_pod();
  KsPod *b = ks_pod_copy(a);
  assert_true(ks_pod_equal_except_status(a, a));
  assert_true(ks_pod_equal_except_status(a, b));
  /* status is ignored */
  b->phase = KS_POD_RUNNING;
  b->nominated_node_name = g_strdup("n1");
  assert_true(ks_pod_equal_except_status(a, b));
  ks_pod_unref(b);

  /* every other change counts */
  KsPod *x;
#define DIFFERS(stmt)                                                                              \
  do {                                                                                             \
    x = ks_pod_copy(a);                                                                            \
    stmt;                                                                                          \
    assert_false(ks_pod_equal_except_status(a, x));                                                \
    assert_false(ks_pod_equal_except_status(x, a));                                                \
    ks_pod_unref(x);                                                                               \
  } while (0)
  DIFFERS(ks_labels_set(&x->labels, "app", "db"));
  DIFFERS(ks_labels_remove(&x->annotations, "a"));
  DIFFERS(ks_resource_list_set(&g_array_index(x->containers, KsContainer, 0).requests, "cpu", 200));
  DIFFERS(g_array_index(g_array_index(x->containers, KsContainer, 0).ports, KsContainerPort, 0)
              .host_port = 9090);
  DIFFERS(ks_pod_add_container(x, "init", TRUE));
  DIFFERS(g_array_index(x->tolerations, KsToleration, 0).op = KS_TOLERATION_OP_EQUAL);
  DIFFERS(ks_pod_add_volume(x, "w", KS_VOLUME_EMPTY_DIR));
  DIFFERS(g_array_index(x->affinity->pod_affinity->required, KsPodAffinityTerm, 0).topology_key[0] =
              'Z');
  DIFFERS(g_array_set_size(x->affinity->pod_anti_affinity->required, 0));
  DIFFERS(x->affinity->node_affinity = ks_node_affinity_new());
  DIFFERS(g_array_index(x->topology_spread_constraints, KsTopologySpreadConstraint, 0).max_skew = 2);
  DIFFERS(ks_labels_set(&x->node_selector, "disk", "hdd"));
  DIFFERS(x->priority = 6);
  DIFFERS(x->scheduling_gates = g_strsplit("g", ",", -1));
  DIFFERS(x->host_network = TRUE);
  DIFFERS(x->restart_policy = KS_RESTART_NEVER);
  DIFFERS(x->preemption_policy = KS_PREEMPT_NEVER);
  DIFFERS((g_free(x->scheduler_name), x->scheduler_name = g_strdup("other")));
  DIFFERS((g_free(x->node_name), x->node_name = g_strdup("node1")));
#undef DIFFERS

  /* absent and empty arrays, NULL and "" strings are the same value */
  KsPod *y = ks_pod_copy(a);
  KsPod *z = ks_pod_copy(a);
  y->scheduling_gates = g_new0(char *, 1);
  assert_true(ks_pod_equal_except_status(y, z));
  KsPod *n1 = ks_pod_new("ns", "n"), *n2 = ks_pod_new("ns", "n");
  n2->tolerations = g_array_new(FALSE, TRUE, sizeof(KsToleration));
  assert_true(ks_pod_equal_except_status(n1, n2));
  ks_pod_unref(n1);
  ks_pod_unref(n2);
  ks_pod_unref(y);
  ks_pod_unref(z);
  ks_pod_unref(a);
}

/* ---- through the scheduler ------------------------------------------------------------- */

static KsNode *node(const char *name) {
  KsNode *n = ks_node_new(name);
  ks_labels_set(&n->labels, "region", "r1");
  ks_labels_set(&n->labels, "kubernetes.io/hostname", name);
  ks_resource_list_set(&n->allocatable, "cpu", 4000);
  ks_resource_list_set(&n->allocatable, "memory", G_GINT64_CONSTANT(8) << 30);
  ks_resource_list_set(&n->allocatable, "pods", 110);
  return n;
}

/* A pending pod with required affinity to service=web fails; an assigned
 * pod elsewhere or unrelated leaves it waiting; the first matching one
 * (an Add) brings it back and it schedules. A later object of a known
 * assigned pod is an update: relabelling it moves a waiting match too. */
static void test_scheduler_assigned_pod_events(void **state) {
  KsSchedConfig cfg;
  ks_sched_config_init_defaults(&cfg);
  KsScheduler *s = ks_sched_new(&cfg, NULL);
  assert_non_null(s);
  KsNode *n = node("node1");
  ks_sched_add_node(s, n, 0);
  KsPod *p = afp();
  g_free(p->namespace);
  p->namespace = g_strdup("default");
  KsPodAffinityTerm *t = &g_array_index(p->affinity->pod_affinity->required, KsPodAffinityTerm, 0);
  ks_selector_requirement_clear(&g_array_index(t->label_selector->match_expressions,
                                               KsSelectorRequirement, 0));
  g_array_set_size(t->label_selector->match_expressions, 0);
  ks_labels_set(&t->label_selector->match_labels, "service", "web");
  assert_true(ks_sched_add_pending_pod(s, p, 0));
  KsSchedResult r;
  ks_sched_schedule_one(s, 0, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_UNSCHEDULABLE);
  assert_int_equal(ks_sched_active_len(s), 0);

  KsPod *elsewhere = assigned("other", "service", "web");
  KsPod *unrelated = assigned("default", "service", "db");
  g_free(unrelated->name);
  unrelated->name = g_strdup("unrelated");
  ks_sched_add_assigned_pod(s, elsewhere, "node1", 5 * SEC);
  ks_sched_add_assigned_pod(s, unrelated, "node1", 5 * SEC);
  assert_int_equal(ks_sched_active_len(s), 0);
  /* the same object again is no update */
  ks_sched_add_assigned_pod(s, unrelated, "node1", 5 * SEC);
  assert_int_equal(ks_sched_active_len(s), 0);
  /* relabelled to service=web: an update that matches */
  KsPod *relabelled = ks_pod_copy(unrelated);
  ks_labels_set(&relabelled->labels, "service", "web");
  ks_sched_add_assigned_pod(s, relabelled, "node1", 6 * SEC);
  assert_int_equal(ks_sched_active_len(s), 1);
  ks_sched_schedule_one(s, 6 * SEC, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_SCHEDULED);
  assert_string_equal(r.node, "node1");
  ks_sched_bind_done(s, r.pod, TRUE, 6 * SEC);
  assert_int_equal(ks_sched_pending_len(s), 0);

  ks_pod_unref(relabelled);
  ks_pod_unref(unrelated);
  ks_pod_unref(elsewhere);
  ks_pod_unref(p);
  ks_node_unref(n);
  ks_sched_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_assigned_pod_added),
      cmocka_unit_test(test_assigned_pod_updated),
      cmocka_unit_test_setup_teardown(test_added_backoff_and_move_request, setup, teardown),
      cmocka_unit_test_setup_teardown(test_assigned_pod_scale_down, setup, teardown),
      cmocka_unit_test_setup_teardown(test_namespace_selector, setup, teardown),
      cmocka_unit_test_setup_teardown(test_update_status_only_stays, setup, teardown),
      cmocka_unit_test_setup_teardown(test_update_spec_backing_off, setup, teardown),
      cmocka_unit_test_setup_teardown(test_update_gates, setup, teardown),
      cmocka_unit_test(test_pod_equal_except_status),
      cmocka_unit_test(test_scheduler_assigned_pod_events),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
