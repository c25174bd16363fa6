/* Tests of the pod model: effective requests (kube-semantics 2.1: the
 * fit.go example, sidecars, overhead; cases from component-helpers'
 * TestPodRequestsAndLimits / TestPodResourceRequests), the non-zero
 * requests used by scoring (2.2), constructor defaults, enum strings, and a
 * deep copy round trip (run under ASan to prove nothing is shared). Nodes,
 * namespaces and priority classes are covered at the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sched/objects.h"

#define MI (1024LL * 1024)
#define DEF_MEM 209715200LL

/* Adds a container; cpu/mem are quantity strings or NULL for "no entry". */
static KsContainer *add(KsPod *p, gboolean init, gboolean sidecar, const char *cpu,
                        const char *mem) {
  KsContainer *c = ks_pod_add_container(p, "c", init);
  c->restart_always = sidecar;
  if (cpu)
    assert_true(ks_resource_list_set_quantity(&c->requests, "cpu", cpu, NULL));
  if (mem)
    assert_true(ks_resource_list_set_quantity(&c->requests, "memory", mem, NULL));
  return c;
}

static void expect_requests(const KsPod *p, gint64 cpu, gint64 mem) {
  KsResourceList r;
  ks_pod_compute_requests(p, &r);
  if (r.milli_cpu != cpu || r.memory != mem)
    print_error("requests: cpu %" G_GINT64_FORMAT " mem %" G_GINT64_FORMAT "\n", r.milli_cpu,
                r.memory);
  assert_true(r.milli_cpu == cpu);
  assert_true(r.memory == mem);
  ks_resource_list_clear(&r);
}

static void expect_nonzero(const KsPod *p, gint64 cpu, gint64 mem) {
  gint64 c = -1, m = -1;
  ks_pod_compute_nonzero_requests(p, &c, &m);
  if (c != cpu || m != mem)
    print_error("non-zero: cpu %" G_GINT64_FORMAT " mem %" G_GINT64_FORMAT "\n", c, m);
  assert_true(c == cpu);
  assert_true(m == mem);
}

/* The example in noderesources/fit.go's comment. */
static void test_fit_go_example(void **state) {
  KsPod *p = ks_pod_new("default", "fit");
  add(p, TRUE, FALSE, "2", "1G");
  add(p, TRUE, FALSE, "2", "3G");
  add(p, FALSE, FALSE, "2", "1G");
  add(p, FALSE, FALSE, "1", "1G");
  expect_requests(p, 3000, 3000000000LL);
  expect_nonzero(p, 3000, 3000000000LL);
  ks_pod_unref(p);
}

/* TestPodRequestsAndLimits: getPod puts the same requests on one container
 * and one init container. */
static void test_overhead(void **state) {
  KsPod *p = ks_pod_new("default", "req-and-overhead");
  add(p, FALSE, FALSE, "1", "10");
  add(p, TRUE, FALSE, "1", "10");
  ks_resource_list_set_quantity(&p->overhead, "cpu", "5", NULL);
  ks_resource_list_set_quantity(&p->overhead, "memory", "5", NULL);
  expect_requests(p, 6000, 15);
  ks_pod_unref(p);

  p = ks_pod_new("default", "just-overhead");
  add(p, FALSE, FALSE, NULL, NULL);
  add(p, TRUE, FALSE, NULL, NULL);
  ks_resource_list_set_quantity(&p->overhead, "cpu", "5", NULL);
  ks_resource_list_set_quantity(&p->overhead, "memory", "5", NULL);
  expect_requests(p, 5000, 5);
  /* the non-zero variant adds overhead too (PodRequests without ExcludeOverhead) */
  expect_nonzero(p, 100 + 5000, DEF_MEM + 5);
  ks_pod_unref(p);

  /* "massive init", with overhead included: max(1+4, 1, 40) + 3 */
  p = ks_pod_new("default", "massive-init");
  add(p, FALSE, FALSE, "1", "5");
  add(p, FALSE, FALSE, "4", "12");
  add(p, TRUE, FALSE, "1", "5");
  add(p, TRUE, FALSE, "40", "120");
  ks_resource_list_set_quantity(&p->overhead, "cpu", "3", NULL);
  ks_resource_list_set_quantity(&p->overhead, "memory", "8", NULL);
  expect_requests(p, 43000, 128);
  ks_pod_unref(p);
}

static void test_init_vs_containers(void **state) {
  /* "nil options, larger init container" / "larger containers" */
  KsPod *p = ks_pod_new("default", "a");
  add(p, TRUE, FALSE, "4", NULL);
  add(p, FALSE, FALSE, "1", NULL);
  expect_requests(p, 4000, 0);
  ks_pod_unref(p);
  p = ks_pod_new("default", "b");
  add(p, TRUE, FALSE, "2", NULL);
  add(p, FALSE, FALSE, "2", NULL);
  add(p, FALSE, FALSE, "3", NULL);
  expect_requests(p, 5000, 0);
  ks_pod_unref(p);
}

static void test_sidecars(void **state) {
  /* a sidecar runs beside the app: 1 + 1 */
  KsPod *p = ks_pod_new("default", "one-sidecar");
  add(p, TRUE, TRUE, "1", NULL);
  add(p, FALSE, FALSE, "1", NULL);
  expect_requests(p, 2000, 0);
  ks_pod_unref(p);

  /* sidecars 1, 2, 3 and an app of 1 */
  p = ks_pod_new("default", "three-sidecars");
  add(p, TRUE, TRUE, "1", NULL);
  add(p, TRUE, TRUE, "2", NULL);
  add(p, TRUE, TRUE, "3", NULL);
  add(p, FALSE, FALSE, "1", NULL);
  expect_requests(p, 7000, 0);
  ks_pod_unref(p);

  /* init 5, sidecar 1, sidecar 2, init 5, sidecar 3; app 1:
   * sum = 1+1+2+3 = 7, the second init needs 5 + (1+2) = 8 */
  p = ks_pod_new("default", "mixed");
  add(p, TRUE, FALSE, "5", NULL);
  add(p, TRUE, TRUE, "1", NULL);
  add(p, TRUE, TRUE, "2", NULL);
  add(p, TRUE, FALSE, "5", NULL);
  add(p, TRUE, TRUE, "3", NULL);
  add(p, FALSE, FALSE, "1", NULL);
  expect_requests(p, 8000, 0);
  ks_pod_unref(p);

  /* a plain init container after a sidecar needs both: 1 + 5 = 6 > 1 + 3 */
  p = ks_pod_new("default", "init-after-sidecar");
  add(p, TRUE, TRUE, "1", "100Mi");
  add(p, TRUE, FALSE, "5", "50Mi");
  add(p, FALSE, FALSE, "3", "1Gi");
  expect_requests(p, 6000, 1024 * MI + 100 * MI);
  ks_pod_unref(p);

  /* an init container before the sidecar does not overlap it */
  p = ks_pod_new("default", "init-before-sidecar");
  add(p, TRUE, FALSE, "2", NULL);
  add(p, TRUE, TRUE, "1", NULL);
  add(p, FALSE, FALSE, "1", NULL);
  expect_requests(p, 2000, 0);
  ks_pod_unref(p);
}

static void test_extended_resources(void **state) {
  KsPod *p = ks_pod_new("default", "gpu");
  KsContainer *c = add(p, FALSE, FALSE, "1", NULL);
  ks_resource_list_set(&c->requests, "nvidia.com/gpu", 1);
  c = add(p, FALSE, FALSE, NULL, NULL);
  ks_resource_list_set(&c->requests, "nvidia.com/gpu", 2);
  c = add(p, TRUE, FALSE, NULL, NULL);
  ks_resource_list_set(&c->requests, "nvidia.com/gpu", 4);
  ks_resource_list_set(&c->requests, "hugepages-2Mi", 2 * MI);
  KsResourceList r;
  ks_pod_compute_requests(p, &r);
  assert_true(ks_resource_list_get(&r, "nvidia.com/gpu") == 4);
  assert_true(ks_resource_list_get(&r, "hugepages-2Mi") == 2 * MI);
  assert_true(r.milli_cpu == 1000);
  assert_false(ks_resource_list_has(&r, "memory"));
  ks_resource_list_clear(&r);
  ks_pod_unref(p);
}

static void test_nonzero(void **state) {
  KsPod *p = ks_pod_new("default", "empty");
  expect_nonzero(p, 0, 0); /* no containers at all */
  add(p, FALSE, FALSE, NULL, NULL);
  expect_nonzero(p, 100, DEF_MEM);
  add(p, FALSE, FALSE, NULL, NULL);
  expect_nonzero(p, 200, 2 * DEF_MEM);
  ks_pod_unref(p);

  /* an explicit 0 stays 0 */
  p = ks_pod_new("default", "zero");
  add(p, FALSE, FALSE, "0", NULL);
  expect_nonzero(p, 0, DEF_MEM);
  expect_requests(p, 0, 0);
  ks_pod_unref(p);

  p = ks_pod_new("default", "explicit");
  add(p, FALSE, FALSE, "500m", "1Gi");
  expect_nonzero(p, 500, 1024 * MI);
  ks_pod_unref(p);

  /* defaults apply to init containers too ("non missing container requests
   * applied to init container"): init cpu 1, no memory entry */
  p = ks_pod_new("default", "init-only");
  add(p, TRUE, FALSE, "1", NULL);
  expect_nonzero(p, 1000, DEF_MEM);
  expect_requests(p, 1000, 0);
  ks_pod_unref(p);

  /* app without requests (100m) vs init of 2 cpu without memory */
  p = ks_pod_new("default", "init-bigger");
  add(p, FALSE, FALSE, NULL, NULL);
  add(p, TRUE, FALSE, "2", NULL);
  expect_nonzero(p, 2000, DEF_MEM);
  ks_pod_unref(p);

  /* a sidecar without requests counts the defaults beside the app */
  p = ks_pod_new("default", "sidecar-defaults");
  add(p, TRUE, TRUE, NULL, NULL);
  add(p, FALSE, FALSE, NULL, NULL);
  expect_nonzero(p, 200, 2 * DEF_MEM);
  expect_requests(p, 0, 0);
  ks_pod_unref(p);

  /* overhead is added after the defaults */
  p = ks_pod_new("default", "overhead");
  add(p, FALSE, FALSE, NULL, NULL);
  ks_resource_list_set_quantity(&p->overhead, "cpu", "250m", NULL);
  ks_resource_list_set_quantity(&p->overhead, "memory", "120Mi", NULL);
  expect_nonzero(p, 350, DEF_MEM + 120 * MI);
  ks_pod_unref(p);
}

static void test_defaults_and_strings(void **state) {
  KsPod *p = ks_pod_new(NULL, "p");
  assert_string_equal(p->namespace, "default");
  assert_string_equal(p->scheduler_name, "default-scheduler");
  assert_int_equal(p->restart_policy, KS_RESTART_ALWAYS);
  assert_true(p->termination_grace_period_seconds == 30);
  assert_int_equal(p->preemption_policy, KS_PREEMPT_LOWER_PRIORITY);
  assert_int_equal(p->phase, KS_POD_PENDING);
  assert_non_null(p->containers);
  assert_int_equal(p->containers->len, 0);
  assert_null(p->init_containers);
  assert_ptr_equal(ks_pod_ref(p), p);
  assert_int_equal(p->ref_count, 2);
  ks_pod_unref(p);
  ks_pod_unref(p);

  KsPodPhase ph;
  assert_true(ks_pod_phase_from_string("Succeeded", &ph));
  assert_int_equal(ph, KS_POD_SUCCEEDED);
  assert_false(ks_pod_phase_from_string("succeeded", &ph));
  assert_string_equal(ks_pod_phase_to_string(KS_POD_UNKNOWN), "Unknown");
  KsProtocol pr;
  assert_true(ks_protocol_from_string("SCTP", &pr));
  assert_int_equal(pr, KS_PROTOCOL_SCTP);
  assert_false(ks_protocol_from_string("tcp", &pr));
  assert_string_equal(ks_protocol_to_string(KS_PROTOCOL_UDP), "UDP");
  KsRestartPolicy rp;
  assert_true(ks_restart_policy_from_string("OnFailure", &rp));
  assert_int_equal(rp, KS_RESTART_ON_FAILURE);
  assert_false(ks_restart_policy_from_string("", &rp));
  assert_false(ks_restart_policy_from_string(NULL, &rp));
  assert_string_equal(ks_restart_policy_to_string(KS_RESTART_NEVER), "Never");
  KsPreemptionPolicy pp;
  assert_true(ks_preemption_policy_from_string("Never", &pp));
  assert_int_equal(pp, KS_PREEMPT_NEVER);
  assert_string_equal(ks_preemption_policy_to_string(KS_PREEMPT_LOWER_PRIORITY),
                      "PreemptLowerPriority");
  assert_string_equal(ks_volume_source_to_string(KS_VOLUME_PVC), "persistentVolumeClaim");
}

/* A pod with every owned part filled in. */
static KsPod *full_pod(void) {
  KsPod *p = ks_pod_new("team-a", "web-0");
  p->uid = g_strdup("uid-1");
  ks_labels_set(&p->labels, "app", "web");
  ks_labels_set(&p->annotations, "note", "x");
  ks_labels_set(&p->node_selector, "disk", "ssd");
  KsContainer *c = add(p, FALSE, FALSE, "250m", "64Mi");
  c->image = g_strdup("nginx:1.27");
  ks_resource_list_set(&c->limits, "nvidia.com/gpu", 1);
  KsContainerPort *port = ks_container_add_port(c);
  port->name = g_strdup("http");
  port->container_port = 80;
  port->host_port = 8080;
  port->host_ip = g_strdup("10.0.0.1");
  add(p, TRUE, TRUE, "100m", NULL);
  ks_resource_list_set_quantity(&p->overhead, "cpu", "10m", NULL);
  p->node_name = g_strdup("node-1");
  p->has_priority = TRUE;
  p->priority = 1000;
  p->priority_class_name = g_strdup("high");
  KsToleration *t = ks_pod_add_toleration(p);
  t->key = g_strdup("gpu");
  t->op = KS_TOLERATION_OP_EXISTS;
  t->effect = KS_TAINT_EFFECT_NO_SCHEDULE;
  p->affinity = ks_affinity_new();
  p->affinity->node_affinity = ks_node_affinity_new();
  p->affinity->node_affinity->required = ks_node_selector_new();
  const char *zones[] = {"z1", "z2", NULL};
  ks_node_selector_term_add_expression(ks_node_selector_add_term(p->affinity->node_affinity->required),
                                       "zone", KS_SELECTOR_OP_IN, zones);
  p->affinity->pod_anti_affinity = ks_pod_affinity_new();
  p->affinity->pod_anti_affinity->required = ks_pod_affinity_term_array_new();
  KsPodAffinityTerm term = {0};
  term.label_selector = ks_label_selector_new();
  ks_labels_set(&term.label_selector->match_labels, "app", "web");
  term.topology_key = g_strdup("kubernetes.io/hostname");
  g_array_append_val(p->affinity->pod_anti_affinity->required, term);
  p->topology_spread_constraints = ks_topology_spread_constraint_array_new();
  KsTopologySpreadConstraint tsc = {0};
  tsc.max_skew = 1;
  tsc.topology_key = g_strdup("zone");
  tsc.label_selector = ks_label_selector_new();
  g_array_append_val(p->topology_spread_constraints, tsc);
  KsVolume *v = ks_pod_add_volume(p, "data", KS_VOLUME_PVC);
  v->ref = g_strdup("claim-1");
  const char *gates[] = {"wait", NULL};
  p->scheduling_gates = g_strdupv((char **)gates);
  p->phase = KS_POD_RUNNING;
  p->nominated_node_name = g_strdup("node-2");
  return p;
}

static void test_copy_round_trip(void **state) {
  KsPod *orig = full_pod();
  KsPod *c = ks_pod_copy(orig);
  ks_pod_unref(orig); /* the copy must not share anything with it */
  assert_int_equal(c->ref_count, 1);
  assert_string_equal(c->namespace, "team-a");
  assert_string_equal(c->name, "web-0");
  assert_string_equal(c->uid, "uid-1");
  assert_string_equal(ks_labels_get(&c->labels, "app"), "web");
  assert_string_equal(ks_labels_get(&c->annotations, "note"), "x");
  assert_string_equal(ks_labels_get(&c->node_selector, "disk"), "ssd");
  assert_int_equal(c->containers->len, 1);
  KsContainer *ct = &g_array_index(c->containers, KsContainer, 0);
  assert_string_equal(ct->image, "nginx:1.27");
  assert_true(ks_resource_list_get(&ct->limits, "nvidia.com/gpu") == 1);
  KsContainerPort *port = &g_array_index(ct->ports, KsContainerPort, 0);
  assert_string_equal(port->name, "http");
  assert_string_equal(port->host_ip, "10.0.0.1");
  assert_int_equal(port->host_port, 8080);
  assert_int_equal(c->init_containers->len, 1);
  assert_true(g_array_index(c->init_containers, KsContainer, 0).restart_always);
  expect_requests(c, 250 + 100 + 10, 64 * MI);
  assert_string_equal(c->node_name, "node-1");
  assert_true(c->has_priority && c->priority == 1000);
  assert_string_equal(c->priority_class_name, "high");
  KsToleration *t = &g_array_index(c->tolerations, KsToleration, 0);
  assert_string_equal(t->key, "gpu");
  assert_int_equal(t->op, KS_TOLERATION_OP_EXISTS);
  KsNodeSelectorTerm *nt =
      &g_array_index(c->affinity->node_affinity->required->terms, KsNodeSelectorTerm, 0);
  KsSelectorRequirement *req = &g_array_index(nt->match_expressions, KsSelectorRequirement, 0);
  assert_string_equal(req->key, "zone");
  assert_string_equal(req->values[1], "z2");
  KsPodAffinityTerm *pt = &g_array_index(c->affinity->pod_anti_affinity->required,
                                         KsPodAffinityTerm, 0);
  assert_string_equal(pt->topology_key, "kubernetes.io/hostname");
  assert_string_equal(ks_labels_get(&pt->label_selector->match_labels, "app"), "web");
  KsTopologySpreadConstraint *tsc =
      &g_array_index(c->topology_spread_constraints, KsTopologySpreadConstraint, 0);
  assert_string_equal(tsc->topology_key, "zone");
  assert_non_null(tsc->label_selector);
  KsVolume *v = &g_array_index(c->volumes, KsVolume, 0);
  assert_string_equal(v->name, "data");
  assert_string_equal(v->ref, "claim-1");
  assert_int_equal(v->source, KS_VOLUME_PVC);
  assert_string_equal(c->scheduling_gates[0], "wait");
  assert_null(c->scheduling_gates[1]);
  assert_int_equal(c->phase, KS_POD_RUNNING);
  assert_string_equal(c->nominated_node_name, "node-2");
  /* a copy of a copy, edited, leaves its source alone */
  KsPod *c2 = ks_pod_copy(c);
  ks_labels_set(&c2->labels, "app", "other");
  ks_resource_list_set(&g_array_index(c2->containers, KsContainer, 0).requests, "cpu", 1);
  assert_string_equal(ks_labels_get(&c->labels, "app"), "web");
  expect_requests(c, 360, 64 * MI);
  ks_pod_unref(c2);
  ks_pod_unref(c);
}

static void test_node(void **state) {
  KsNode *n = ks_node_new("node-1");
  ks_labels_set(&n->labels, "zone", "z1");
  ks_resource_list_set_quantity(&n->allocatable, "cpu", "4", NULL);
  ks_resource_list_set_quantity(&n->allocatable, "memory", "16Gi", NULL);
  ks_resource_list_set_quantity(&n->allocatable, "pods", "110", NULL);
  ks_node_add_taint(n, "dedicated", "gpu", KS_TAINT_EFFECT_NO_SCHEDULE);
  ks_node_add_taint(n, "spot", NULL, KS_TAINT_EFFECT_PREFER_NO_SCHEDULE);
  assert_null(ks_node_condition_status(n, "Ready"));
  ks_node_set_condition(n, "Ready", "False", "KubeletNotReady");
  ks_node_set_condition(n, "Ready", "True", NULL);
  ks_node_set_condition(n, "MemoryPressure", "False", NULL);
  assert_string_equal(ks_node_condition_status(n, "Ready"), "True");
  assert_int_equal(n->conditions->len, 2);
  n->images = g_array_new(FALSE, TRUE, sizeof(KsContainerImage));
  KsNode *c = ks_node_copy(n);
  ks_node_unref(n);
  assert_string_equal(c->name, "node-1");
  assert_string_equal(ks_labels_get(&c->labels, "zone"), "z1");
  assert_true(c->allocatable.milli_cpu == 4000);
  assert_true(c->allocatable.memory == 16 * 1024 * MI);
  assert_true(c->allocatable.pods == 110);
  assert_int_equal(c->taints->len, 2);
  KsTaint *t = &g_array_index(c->taints, KsTaint, 0);
  assert_string_equal(t->key, "dedicated");
  assert_string_equal(t->value, "gpu");
  assert_int_equal(t->effect, KS_TAINT_EFFECT_NO_SCHEDULE);
  assert_null(g_array_index(c->taints, KsTaint, 1).value);
  assert_string_equal(ks_node_condition_status(c, "MemoryPressure"), "False");
  assert_int_equal(c->images->len, 0);
  assert_int_equal(c->ref_count, 1);
  ks_node_unref(ks_node_ref(c));
  ks_node_unref(c);
}

static void test_namespace_priority_class(void **state) {
  KsNamespace *ns = ks_namespace_new("team-a");
  ks_labels_set(&ns->labels, "env", "prod");
  assert_string_equal(ns->name, "team-a");
  ks_namespace_free(ns);
  ks_namespace_free(NULL);
  KsPriorityClass *pc = ks_priority_class_new("high", 1000000);
  assert_int_equal(pc->value, 1000000);
  assert_false(pc->global_default);
  assert_int_equal(pc->preemption_policy, KS_PREEMPT_LOWER_PRIORITY);
  pc->description = g_strdup("important");
  ks_priority_class_free(pc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fit_go_example),
      cmocka_unit_test(test_overhead),
      cmocka_unit_test(test_init_vs_containers),
      cmocka_unit_test(test_sidecars),
      cmocka_unit_test(test_extended_resources),
      cmocka_unit_test(test_nonzero),
      cmocka_unit_test(test_defaults_and_strings),
      cmocka_unit_test(test_copy_round_trip),
      cmocka_unit_test(test_node),
      cmocka_unit_test(test_namespace_priority_class),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
