/* The kubepods cgroup's OOM killer in the resource model: with
 * enforceNodeAllocatable "pods" (the default) the pods of a node share a
 * memory limit of capacity - systemReserved - kubeReserved
 * (sim/kubelet/node_allocatable.h), so they are OOM-killed above it though
 * the node's memory is not exhausted; without a KubeletConfiguration, or
 * with enforceNodeAllocatable [], the node's capacity is the only limit.
 *
 * Node 4Gi, systemReserved memory 1Gi: kubepods limit 3Gi (3072Mi). a:
 * Burstable (request 100Mi) using 1800Mi; b: BestEffort using 1400Mi; 3200Mi
 * in all, above 3072Mi and below 4096Mi. oom_score_adj (of the node's
 * capacity): a 1000 - 1000*100Mi/4Gi = 1000 - 24 = 976, b 1000. Badness in
 * the cgroup (3Gi/1000 = 3221225): a = 1887436800 + 976*3221225 =
 * 5031352400, b = 1468006400 + 3221225000 = 4689231400: a is killed at 1 s
 * (its start), b runs on with 1400Mi. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sched/objects.h"
#include "sim/engine.h"
#include "sim/kubelet/kubelet_configs.h"
#include "sim/node_agent.h"
#include "sim/store.h"
#include "workloads/annotations.h"
#include "workloads/usage.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)
#define MI (1024LL * 1024)
#define HEAD "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"

static KsPod *pod(const char *name, const char *request, const char *usage) {
  KsPod *p = ks_pod_new("default", name);
  p->uid = g_strdup_printf("uid-%s", name);
  p->node_name = g_strdup("n1");
  p->restart_policy = KS_RESTART_NEVER;
  KsContainer *c = ks_pod_add_container(p, "app", FALSE);
  if (request)
    assert_true(ks_resource_list_set_quantity(&c->requests, "memory", request, NULL));
  ks_labels_set(&p->annotations, KS_ANNOTATION_USAGE_MEMORY, usage);
  return p;
}

/* Runs a and b on a 4Gi node for 10 s with `config` (NULL: none); TRUE when
 * a was OOM-killed by the node's (kubepods) killer, b untouched. */
static gboolean run(const char *config) {
  KsEngine *engine = ks_engine_new();
  KsStore *store = ks_store_new(engine);
  KsNodeAgent *agent = ks_node_agent_new_seeded(store, 7);
  KsKubeletConfigs *k = NULL;
  if (config) {
    GError *error = NULL;
    KsKubeletConfig *c = ks_kubelet_config_load_string(config, strlen(config), "k.yaml", &error);
    if (!c)
      fail_msg("%s", error->message);
    k = ks_kubelet_configs_new(c);
    ks_kubelet_config_unref(c);
  }
  ks_kubelet_model_set_kubelets(ks_node_agent_model(agent), k);
  KsNode *n = ks_node_new("n1");
  ks_resource_list_set(&n->capacity, KS_RESOURCE_CPU, 4000);
  ks_resource_list_set(&n->capacity, KS_RESOURCE_MEMORY, 4096 * MI);
  ks_resource_list_copy(&n->allocatable, &n->capacity);
  assert_true(ks_store_create(store, KS_STORE_NODE, NULL, "n1", n, (GDestroyNotify)ks_node_unref,
                              NULL));
  KsPod *a = pod("a", "100Mi", "1800Mi"), *b = pod("b", NULL, "1400Mi");
  assert_true(ks_store_create(store, KS_STORE_POD, "default", "a", a,
                              (GDestroyNotify)ks_pod_unref, NULL));
  assert_true(ks_store_create(store, KS_STORE_POD, "default", "b", b,
                              (GDestroyNotify)ks_pod_unref, NULL));
  ks_engine_run_until(engine, S(10));
  const KsPod *pa = ks_store_get(store, KS_STORE_POD, "default", "a")->data;
  const KsPod *pb = ks_store_get(store, KS_STORE_POD, "default", "b")->data;
  assert_int_equal(pb->phase, KS_POD_RUNNING);
  KsKubeletModel *m = ks_node_agent_model(agent);
  gboolean killed = pa->phase == KS_POD_FAILED;
  if (killed) {
    assert_string_equal(pa->container_state.reason, "OOMKilled");
    assert_int_equal(pa->container_state.exit_code, 137);
    assert_int_equal(ks_kubelet_model_pod_stats(m, "default", "a")->node_oom_kills, 1);
    gint64 cpu, mem, eph;
    ks_kubelet_model_node_usage(m, 0, &cpu, &mem, &eph);
    assert_int_equal(mem, 1400 * MI);
  } else {
    assert_int_equal(pa->phase, KS_POD_RUNNING);
  }
  assert_int_equal(ks_kubelet_model_pod_stats(m, "default", "b")->oom_kills, 0);
  ks_node_agent_free(agent);
  ks_store_free(store);
  ks_engine_free(engine);
  ks_kubelet_configs_unref(k);
  return killed;
}

static void test_kubepods_limit(void **state) {
  (void)state;
  assert_true(run(HEAD "systemReserved: {memory: 1Gi}\n"));
  /* the eviction threshold is not part of the cgroup limit: 4Gi - 1Gi still */
  assert_true(run(HEAD "systemReserved: {memory: 1Gi}\nevictionHard: {}\n"));
}

static void test_no_kubepods_limit(void **state) {
  (void)state;
  assert_false(run(NULL));                                    /* no KubeletConfiguration */
  assert_false(run(HEAD "systemReserved: {memory: 1Gi}\nenforceNodeAllocatable: []\n"));
  assert_false(run(HEAD "systemReserved: {memory: 896Mi}\n")); /* limit 3200Mi: not above */
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_kubepods_limit),
    cmocka_unit_test(test_no_kubepods_limit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
