/* Tests of the DaemonSet controller's pure parts (sim/controllers/
 * daemonset_util.c): NodeShouldRunDaemonPod over a table of nodes (cases after
 * upstream's TestNodeShouldRunDaemonPod and TestTaintedNode* tests), the
 * tolerations every daemon pod gets, the node affinity that pins a pod to its
 * node, the target node of a pod, and which of a node's pods is oldest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sched/affinity.h"
#include "sched/node.h"
#include "sched/pod.h"
#include "sched/selector.h"
#include "sim/controllers/daemonset_util.h"

static KsPod *template_pod(void) {
  KsPod *p = ks_pod_new("default", "");
  ks_labels_set(&p->labels, "app", "agent");
  ks_pod_add_container(p, "agent", FALSE)->image = g_strdup("agent:1");
  return p;
}

static KsNode *node(const char *name) {
  KsNode *n = ks_node_new(name);
  ks_labels_set(&n->labels, "kubernetes.io/hostname", name);
  return n;
}

static void assert_should(const KsPod *tmpl, const KsNode *n, gboolean run, gboolean cont) {
  KsPod *dp = ks_daemonset_new_pod(tmpl, "kube-system");
  gboolean r = !run, c = !cont;
  ks_daemonset_node_should_run(dp, n, &r, &c);
  assert_int_equal(r, run);
  assert_int_equal(c, cont);
  ks_pod_unref(dp);
}

static void test_plain_node_runs(void **state) {
  (void)state;
  KsPod *t = template_pod();
  KsNode *n = node("n1");
  assert_should(t, n, TRUE, TRUE);
  ks_node_unref(n);
  ks_pod_unref(t);
}

static void test_node_selector(void **state) {
  (void)state;
  KsPod *t = template_pod();
  ks_labels_set(&t->node_selector, "disk", "ssd");
  KsNode *ssd = node("n1"), *hdd = node("n2"), *none = node("n3");
  ks_labels_set(&ssd->labels, "disk", "ssd");
  ks_labels_set(&hdd->labels, "disk", "hdd");
  assert_should(t, ssd, TRUE, TRUE);
  assert_should(t, hdd, FALSE, FALSE);
  assert_should(t, none, FALSE, FALSE);
  ks_node_unref(ssd);
  ks_node_unref(hdd);
  ks_node_unref(none);
  ks_pod_unref(t);
}

static void test_required_node_affinity(void **state) {
  (void)state;
  KsPod *t = template_pod();
  t->affinity = ks_affinity_new();
  t->affinity->node_affinity = ks_node_affinity_new();
  t->affinity->node_affinity->required = ks_node_selector_new();
  const char *vals[] = {"a", "b", NULL};
  ks_node_selector_term_add_expression(ks_node_selector_add_term(t->affinity->node_affinity->required),
                                       "zone", KS_SELECTOR_OP_IN, vals);
  KsNode *a = node("n1"), *c = node("n2");
  ks_labels_set(&a->labels, "zone", "a");
  ks_labels_set(&c->labels, "zone", "c");
  assert_should(t, a, TRUE, TRUE);
  assert_should(t, c, FALSE, FALSE);
  ks_node_unref(a);
  ks_node_unref(c);
  ks_pod_unref(t);
}

static void test_template_node_name(void **state) {
  (void)state;
  KsPod *t = template_pod();
  t->node_name = g_strdup("n2");
  KsNode *n1 = node("n1"), *n2 = node("n2");
  assert_should(t, n1, FALSE, FALSE);
  assert_should(t, n2, TRUE, TRUE);
  ks_node_unref(n1);
  ks_node_unref(n2);
  ks_pod_unref(t);
}

/* Taints: untolerated NoSchedule stops new pods and keeps old ones;
 * untolerated NoExecute stops both; PreferNoSchedule is ignored; the
 * automatically added tolerations let daemon pods onto not-ready,
 * unreachable, unschedulable and pressured nodes. */
static void test_taints(void **state) {
  (void)state;
  static const struct {
    const char *key;
    KsTaintEffect effect;
    gboolean run, cont;
  } cases[] = {
      {"dedicated", KS_TAINT_EFFECT_NO_SCHEDULE, FALSE, TRUE},
      {"dedicated", KS_TAINT_EFFECT_NO_EXECUTE, FALSE, FALSE},
      {"dedicated", KS_TAINT_EFFECT_PREFER_NO_SCHEDULE, TRUE, TRUE},
      {KS_TAINT_NODE_NOT_READY, KS_TAINT_EFFECT_NO_EXECUTE, TRUE, TRUE},
      {KS_TAINT_NODE_UNREACHABLE, KS_TAINT_EFFECT_NO_EXECUTE, TRUE, TRUE},
      {KS_TAINT_NODE_UNSCHEDULABLE, KS_TAINT_EFFECT_NO_SCHEDULE, TRUE, TRUE},
      {KS_TAINT_NODE_DISK_PRESSURE, KS_TAINT_EFFECT_NO_SCHEDULE, TRUE, TRUE},
      {KS_TAINT_NODE_MEMORY_PRESSURE, KS_TAINT_EFFECT_NO_SCHEDULE, TRUE, TRUE},
      {KS_TAINT_NODE_PID_PRESSURE, KS_TAINT_EFFECT_NO_SCHEDULE, TRUE, TRUE},
      /* only hostNetwork pods tolerate network-unavailable */
      {KS_TAINT_NODE_NETWORK_UNAVAILABLE, KS_TAINT_EFFECT_NO_SCHEDULE, FALSE, TRUE},
      /* the added tolerations are for one effect each */
      {KS_TAINT_NODE_UNSCHEDULABLE, KS_TAINT_EFFECT_NO_EXECUTE, FALSE, FALSE},
      {KS_TAINT_NODE_NOT_READY, KS_TAINT_EFFECT_NO_SCHEDULE, FALSE, TRUE},
  };
  KsPod *t = template_pod();
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    KsNode *n = node("n1");
    ks_node_add_taint(n, cases[i].key, NULL, cases[i].effect);
    assert_should(t, n, cases[i].run, cases[i].cont);
    ks_node_unref(n);
  }
  /* A toleration in the template lets the pod on. */
  KsToleration *tol = ks_pod_add_toleration(t);
  tol->key = g_strdup("dedicated");
  tol->op = KS_TOLERATION_OP_EQUAL;
  tol->value = g_strdup("infra");
  tol->effect = KS_TAINT_EFFECT_ALL;
  KsNode *n = node("n1");
  ks_node_add_taint(n, "dedicated", "infra", KS_TAINT_EFFECT_NO_EXECUTE);
  assert_should(t, n, TRUE, TRUE);
  ks_node_unref(n);
  /* NoSchedule untolerated, NoExecute tolerated: keep running, add none. */
  n = node("n1");
  ks_node_add_taint(n, "dedicated", "infra", KS_TAINT_EFFECT_NO_EXECUTE);
  ks_node_add_taint(n, "gpu", NULL, KS_TAINT_EFFECT_NO_SCHEDULE);
  assert_should(t, n, FALSE, TRUE);
  ks_node_unref(n);
  /* host network: network-unavailable tolerated */
  t->host_network = TRUE;
  n = node("n1");
  ks_node_add_taint(n, KS_TAINT_NODE_NETWORK_UNAVAILABLE, NULL, KS_TAINT_EFFECT_NO_SCHEDULE);
  assert_should(t, n, TRUE, TRUE);
  ks_node_unref(n);
  ks_pod_unref(t);
}

static const KsToleration *tol_at(const KsPod *p, guint i) {
  return &g_array_index(p->tolerations, KsToleration, i);
}

static void test_daemon_tolerations(void **state) {
  (void)state;
  KsPod *p = template_pod();
  /* a user toleration for not-ready with tolerationSeconds: replaced in place */
  KsToleration *t = ks_pod_add_toleration(p);
  t->key = g_strdup("app-owned");
  t->op = KS_TOLERATION_OP_EXISTS;
  t = ks_pod_add_toleration(p);
  t->key = g_strdup(KS_TAINT_NODE_NOT_READY);
  t->op = KS_TOLERATION_OP_EXISTS;
  t->effect = KS_TAINT_EFFECT_NO_EXECUTE;
  t->has_toleration_seconds = TRUE;
  t->toleration_seconds = 300;
  ks_daemonset_add_daemon_tolerations(p);
  static const struct {
    const char *key;
    KsTaintEffect effect;
  } want[] = {
      {"app-owned", KS_TAINT_EFFECT_ALL},
      {KS_TAINT_NODE_NOT_READY, KS_TAINT_EFFECT_NO_EXECUTE},
      {KS_TAINT_NODE_UNREACHABLE, KS_TAINT_EFFECT_NO_EXECUTE},
      {KS_TAINT_NODE_DISK_PRESSURE, KS_TAINT_EFFECT_NO_SCHEDULE},
      {KS_TAINT_NODE_MEMORY_PRESSURE, KS_TAINT_EFFECT_NO_SCHEDULE},
      {KS_TAINT_NODE_PID_PRESSURE, KS_TAINT_EFFECT_NO_SCHEDULE},
      {KS_TAINT_NODE_UNSCHEDULABLE, KS_TAINT_EFFECT_NO_SCHEDULE},
  };
  assert_int_equal(p->tolerations->len, G_N_ELEMENTS(want));
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    assert_string_equal(tol_at(p, i)->key, want[i].key);
    assert_int_equal(tol_at(p, i)->effect, want[i].effect);
    assert_int_equal(tol_at(p, i)->op, KS_TOLERATION_OP_EXISTS);
  }
  assert_false(tol_at(p, 1)->has_toleration_seconds);
  /* adding them again changes nothing */
  ks_daemonset_add_daemon_tolerations(p);
  assert_int_equal(p->tolerations->len, G_N_ELEMENTS(want));
  KsToleration same = {.key = (char *)KS_TAINT_NODE_UNREACHABLE, .op = KS_TOLERATION_OP_EXISTS,
                       .effect = KS_TAINT_EFFECT_NO_EXECUTE};
  assert_false(ks_daemonset_add_or_update_toleration(p, &same));
  /* host network adds the eighth */
  p->host_network = TRUE;
  ks_daemonset_add_daemon_tolerations(p);
  assert_int_equal(p->tolerations->len, 8);
  assert_string_equal(tol_at(p, 7)->key, KS_TAINT_NODE_NETWORK_UNAVAILABLE);
  ks_pod_unref(p);
}

static void test_target_node_affinity(void **state) {
  (void)state;
  KsPod *p = template_pod();
  assert_null(ks_daemonset_target_node(p));
  /* no affinity at all */
  ks_daemonset_set_target_node(p, "n7");
  assert_string_equal(ks_daemonset_target_node(p), "n7");
  KsNode *n7 = node("n7"), *n8 = node("n8");
  const KsNodeSelector *req = p->affinity->node_affinity->required;
  assert_int_equal(req->terms->len, 1);
  assert_true(ks_node_selector_matches(req, &n7->labels, "n7"));
  assert_false(ks_node_selector_matches(req, &n8->labels, "n8"));

  /* existing required terms (two, with expressions) are replaced by the one
   * matchFields term; preferred terms stay */
  KsPod *q = template_pod();
  q->affinity = ks_affinity_new();
  q->affinity->node_affinity = ks_node_affinity_new();
  KsNodeAffinity *na = q->affinity->node_affinity;
  na->required = ks_node_selector_new();
  const char *zone[] = {"a", NULL};
  ks_node_selector_term_add_expression(ks_node_selector_add_term(na->required), "zone",
                                       KS_SELECTOR_OP_IN, zone);
  ks_node_selector_term_add_expression(ks_node_selector_add_term(na->required), "zone",
                                       KS_SELECTOR_OP_IN, zone);
  na->preferred = ks_preferred_scheduling_term_array_new();
  g_array_set_size(na->preferred, 1);
  g_array_index(na->preferred, KsPreferredSchedulingTerm, 0).weight = 5;
  ks_daemonset_set_target_node(q, "n8");
  assert_int_equal(na->required->terms->len, 1);
  const KsNodeSelectorTerm *term = &g_array_index(na->required->terms, KsNodeSelectorTerm, 0);
  assert_true(term->match_expressions == NULL || term->match_expressions->len == 0);
  assert_int_equal(term->match_fields->len, 1);
  assert_int_equal(na->preferred->len, 1);
  assert_true(ks_node_selector_matches(na->required, &n8->labels, "n8")); /* no zone label needed */
  assert_string_equal(ks_daemonset_target_node(q), "n8");

  /* spec.nodeName wins */
  q->node_name = g_strdup("n9");
  assert_string_equal(ks_daemonset_target_node(q), "n9");

  /* two values: not a target */
  KsPod *r = template_pod();
  r->affinity = ks_affinity_new();
  r->affinity->node_affinity = ks_node_affinity_new();
  r->affinity->node_affinity->required = ks_node_selector_new();
  const char *two[] = {"n1", "n2", NULL};
  ks_node_selector_term_add_field(ks_node_selector_add_term(r->affinity->node_affinity->required),
                                  "metadata.name", KS_SELECTOR_OP_IN, two);
  assert_null(ks_daemonset_target_node(r));
  ks_node_unref(n7);
  ks_node_unref(n8);
  ks_pod_unref(p);
  ks_pod_unref(q);
  ks_pod_unref(r);
}

static KsPod *aged(const char *name, gint64 created, const char *node_name) {
  KsPod *p = ks_pod_new("default", name);
  p->creation_timestamp_us = created;
  p->node_name = g_strdup(node_name);
  return p;
}

static void test_pod_order(void **state) {
  (void)state;
  GPtrArray *a = g_ptr_array_new_with_free_func((GDestroyNotify)ks_pod_unref);
  g_ptr_array_add(a, aged("d", 5, NULL));    /* unbound, oldest: still last */
  g_ptr_array_add(a, aged("c", 30, "n1"));
  g_ptr_array_add(a, aged("b", 20, "n1"));
  g_ptr_array_add(a, aged("a", 20, "n1"));   /* same time as b: name breaks the tie */
  g_ptr_array_add(a, aged("e", 40, NULL));
  g_ptr_array_sort(a, ks_daemonset_pod_compare);
  const char *want[] = {"a", "b", "c", "d", "e"};
  for (guint i = 0; i < a->len; i++)
    assert_string_equal(((KsPod *)a->pdata[i])->name, want[i]);
  g_ptr_array_unref(a);
}

static void test_pod_is_updated(void **state) {
  (void)state;
  KsPod *p = template_pod();
  assert_false(ks_daemonset_pod_is_updated(p, "abc"));
  ks_labels_set(&p->labels, KS_DAEMONSET_HASH_LABEL, "abc");
  assert_true(ks_daemonset_pod_is_updated(p, "abc"));
  assert_false(ks_daemonset_pod_is_updated(p, "abd"));
  assert_false(ks_daemonset_pod_is_updated(p, ""));
  ks_pod_unref(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plain_node_runs),
      cmocka_unit_test(test_node_selector),
      cmocka_unit_test(test_required_node_affinity),
      cmocka_unit_test(test_template_node_name),
      cmocka_unit_test(test_taints),
      cmocka_unit_test(test_daemon_tolerations),
      cmocka_unit_test(test_target_node_affinity),
      cmocka_unit_test(test_pod_order),
      cmocka_unit_test(test_pod_is_updated),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
