/* Nominated pods and PreFilter state (upstream RunFilterPluginsWithNominatedPods
 * with AddPod): a higher-or-equal priority pod nominated to a node counts in
 * PodTopologySpread's PreFilter counts while the filters run on that node.
 *
 * n1 (8 cpu) would win on LeastAllocated; "x" (nominated to n1, app=web) is
 * still in the queue when "y" (app=web, maxSkew 1 on hostname, DoNotSchedule)
 * is scheduled. With x counted on n1, placing y there makes the skew 2: only
 * n2 is feasible. Without AddPod the count would miss x and y would go to n1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sched/scheduler.h"
#include "workloads/manifest.h"

static const char *const yaml =
  "apiVersion: v1\nkind: Pod\nmetadata: {name: y, labels: {app: web}}\n"
  "spec:\n"
  "  priority: 50\n"
  "  containers: [{name: c, image: app, resources: {requests: {cpu: 100m}}}]\n"
  "  topologySpreadConstraints:\n"
  "  - maxSkew: 1\n"
  "    topologyKey: kubernetes.io/hostname\n"
  "    whenUnsatisfiable: DoNotSchedule\n"
  "    labelSelector: {matchLabels: {app: web}}\n"
  "---\n"
  "apiVersion: v1\nkind: Pod\nmetadata: {name: x, labels: {app: web}}\n"
  "spec:\n"
  "  priority: 50\n"
  "  containers: [{name: c, image: app, resources: {requests: {cpu: 100m}}}]\n"
  "status: {nominatedNodeName: n1}\n";

static KsNode *node(const char *name, gint64 milli_cpu) {
  KsNode *n = ks_node_new(name);
  ks_labels_set(&n->labels, "kubernetes.io/hostname", name);
  ks_resource_list_set(&n->allocatable, "cpu", milli_cpu);
  ks_resource_list_set(&n->allocatable, "memory", (gint64)8 << 30);
  ks_resource_list_set(&n->allocatable, "pods", 110);
  return n;
}

static void test_nominated_pod_counts_in_spread(void **state) {
  KsManifestSet *set = ks_manifest_load_string(yaml, strlen(yaml), "test", NULL);
  assert_non_null(set);
  KsPod *y = ((KsManifestObject *)set->objects->pdata[0])->u.pod;
  KsPod *x = ((KsManifestObject *)set->objects->pdata[1])->u.pod;
  assert_string_equal(x->nominated_node_name, "n1");

  KsSchedConfig cfg;
  ks_sched_config_init_defaults(&cfg);
  KsScheduler *s = ks_sched_new(&cfg, NULL);
  KsNode *n1 = node("n1", 8000), *n2 = node("n2", 2000);
  ks_sched_add_node(s, n1, 0);
  ks_sched_add_node(s, n2, 0);
  ks_node_unref(n1);
  ks_node_unref(n2);
  assert_true(ks_sched_add_pending_pod(s, y, 0)); /* first in the queue */
  assert_true(ks_sched_add_pending_pod(s, x, 1));
  KsSchedResult r;
  ks_sched_schedule_one(s, 2, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_SCHEDULED);
  assert_string_equal(r.pod->name, "y");
  assert_string_equal(r.node, "n2");
  ks_sched_free(s);
  ks_manifest_set_free(set);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_nominated_pod_counts_in_spread)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
