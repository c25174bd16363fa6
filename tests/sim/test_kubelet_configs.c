/* The run's KubeletConfigurations (sim/kubelet/kubelet_configs.h): a node
 * runs with its pool's file, else spec.kubeletConfig's, else none; two pools
 * naming one file share one load; the eviction manager reads a node's own
 * configuration (its thresholds), the others the default. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <glib/gstdio.h>

#include "sim/kubelet/eviction_manager.h"
#include "sim/kubelet/kubelet_configs.h"
#include "sim/node_agent.h"
#include "workloads/annotations.h"

#define HEAD "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"

static void write_file(const char *dir, const char *name, const char *text) {
  char *path = g_build_filename(dir, name, NULL);
  GError *error = NULL;
  if (!g_file_set_contents(path, text, -1, &error))
    fail_msg("%s", error->message);
  g_free(path);
}

static void remove_file(const char *dir, const char *name) {
  char *path = g_build_filename(dir, name, NULL);
  g_unlink(path);
  g_free(path);
}

static KsNode *node_in(const char *pool) {
  KsNode *n = ks_node_new("n");
  if (pool)
    ks_labels_set(&n->labels, KS_LABEL_NODE_POOL, pool);
  return n;
}

static void test_lookup(void **state) {
  (void)state;
  char *dir = g_dir_make_tmp("ksim-kcs-XXXXXX", NULL);
  write_file(dir, "spec.yaml", HEAD "evictionHard: {memory.available: 300Mi}\n");
  write_file(dir, "pool.yaml", HEAD "evictionHard: {memory.available: 1Gi}\n");
  write_file(dir, "s.yaml",
             "apiVersion: ksim.io/v1alpha1\nkind: Scenario\nmetadata: {name: s}\nspec:\n"
             "  duration: 1m\n  kubeletConfig: spec.yaml\n  nodePools:\n"
             "  - {name: a, count: 1, kubeletConfig: pool.yaml, template: {}}\n"
             "  - {name: b, count: 1, template: {}}\n"
             "  - {name: c, count: 1, kubeletConfig: pool.yaml, template: {}}\n");
  char *path = g_build_filename(dir, "s.yaml", NULL);
  GError *error = NULL;
  KsScenario *s = ks_scenario_load_file(path, &error);
  if (!s)
    fail_msg("%s", error->message);
  KsKubeletConfigs *k = ks_kubelet_configs_load(s, &error);
  if (!k)
    fail_msg("%s", error->message);
  assert_true(ks_kubelet_configs_has_pools(k));
  KsNode *a = node_in("a"), *b = node_in("b"), *c = node_in("c"), *none = node_in(NULL);
  const KsKubeletConfig *ca = ks_kubelet_configs_for_node(k, a);
  assert_ptr_equal(ca, ks_kubelet_configs_for_node(k, c)); /* one load per path */
  assert_ptr_equal(ks_kubelet_configs_for_node(k, b), ks_kubelet_configs_default(k));
  assert_ptr_equal(ks_kubelet_configs_for_node(k, none), ks_kubelet_configs_default(k));
  assert_int_equal(
      ks_kubelet_config_threshold(ca, KS_EVICTION_SIGNAL_MEMORY_AVAILABLE, TRUE)->value.quantity,
      1024LL << 20);
  assert_true(g_str_has_suffix(ks_kubelet_configs_default(k)->file, "/spec.yaml"));

  /* the eviction manager: the node's pool's thresholds, else the default */
  KsEngine *engine = ks_engine_new();
  KsStore *store = ks_store_new(engine);
  KsNodeAgent *agent = ks_node_agent_new(store);
  KsEvictionManager *em = ks_node_agent_evictions(agent);
  ks_eviction_manager_set_config(em, ks_kubelet_configs_default(k));
  assert_ptr_equal(ks_eviction_manager_node_config(em, a), ks_kubelet_configs_default(k));
  ks_eviction_manager_set_kubelets(em, k);
  assert_ptr_equal(ks_eviction_manager_node_config(em, a), ca);
  assert_ptr_equal(ks_eviction_manager_node_config(em, b), ks_kubelet_configs_default(k));
  assert_ptr_equal(ks_eviction_manager_node_config(em, NULL), ks_kubelet_configs_default(k));
  ks_node_agent_free(agent);
  ks_store_free(store);
  ks_engine_free(engine);

  /* without any file: no configuration, nodes unchanged */
  KsKubeletConfigs *empty = ks_kubelet_configs_new(NULL);
  assert_null(ks_kubelet_configs_for_node(empty, a));
  assert_null(ks_kubelet_configs_for_node(NULL, a));
  assert_false(ks_kubelet_configs_has_pools(empty));
  ks_kubelet_configs_unref(empty);

  ks_node_unref(a);
  ks_node_unref(b);
  ks_node_unref(c);
  ks_node_unref(none);
  ks_kubelet_configs_unref(k);
  ks_scenario_free(s);
  g_free(path);
  remove_file(dir, "s.yaml");
  remove_file(dir, "spec.yaml");
  remove_file(dir, "pool.yaml");
  g_rmdir(dir);
  g_free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_lookup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
