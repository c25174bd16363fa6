/* GPU sharing through the simulator's pieces: the FGD simulator's YAML
 * (tests/scenarios/gpu-share-cluster.yaml) loaded by the manifest loader,
 * the store, the scheduler driver with a profile holding GpuShare, and the
 * node agent. Checks that every GPU pod lands on the node and GPUs worked
 * out by hand, that the bound pods in the store carry those GPUs in their
 * gpu-index annotation (also a pod created bound without one), that the
 * node agent's per-GPU use follows binding and completion, and that the
 * scheduler's cache frees a finished pod's share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sched/gpu.h"
#include "sched/plugins/gpu_share.h"
#include "sched/scheduler.h"
#include "sim/engine.h"
#include "sim/node_agent.h"
#include "sim/sched_driver.h"
#include "sim/store.h"
#include "workloads/manifest.h"

#define S(x) ((gint64)(x) * 1000000)
#define CLUSTER KSIM_TEST_DATA "/../scenarios/gpu-share-cluster.yaml"

typedef struct {
  KsEngine *engine;
  KsStore *store;
  KsScheduler *sched;
  KsSchedDriver *driver;
  KsNodeAgent *agent;
} World;

static KsScheduler *gpu_scheduler(void) {
  KsSchedRegistry *r = ks_sched_registry_new();
  if (!ks_sched_registry_lookup(r, KS_SCHED_GPU_SHARE_NAME))
    assert_true(ks_sched_registry_add(r, &ks_sched_plugin_gpu_share, NULL));
  KsSchedPluginConfig pc[] = {
      {"PrioritySort", 0, NULL},      {"NodeResourcesFit", 1, NULL},
      {KS_SCHED_GPU_SHARE_NAME, 0, NULL}, {"DefaultPreemption", 0, NULL},
      {"DefaultBinder", 0, NULL},
  };
  GError *err = NULL;
  KsSchedFramework *fw = ks_sched_framework_new(r, "default-scheduler", pc, G_N_ELEMENTS(pc), &err);
  ks_sched_registry_free(r);
  if (!fw)
    fail_msg("%s", err->message);
  KsSchedConfig cfg;
  ks_sched_config_init_defaults(&cfg);
  KsScheduler *s = ks_sched_new_with_profile(&cfg, fw, &err);
  assert_non_null(s);
  return s;
}

static void create_pod(World *w, KsPod *p) {
  GError *err = NULL;
  if (!ks_store_create(w->store, KS_STORE_POD, p->namespace, p->name, p,
                       (GDestroyNotify)ks_pod_unref, &err))
    fail_msg("%s", err->message);
}

static void world_init(World *w) {
  w->engine = ks_engine_new();
  w->store = ks_store_new(w->engine);
  w->sched = gpu_scheduler();
  w->driver = ks_sched_driver_new(w->store, w->sched, NULL);
  w->agent = ks_node_agent_new(w->store);
  GError *err = NULL;
  KsManifestSet *set = ks_manifest_load_file(CLUSTER, &err);
  if (!set)
    fail_msg("%s", err->message);
  for (guint i = 0; i < set->objects->len; i++) {
    KsManifestObject *o = g_ptr_array_index(set->objects, i);
    if (o->kind == KS_KIND_NODE)
      assert_true(ks_store_create(w->store, KS_STORE_NODE, NULL, o->u.node->name,
                                  ks_node_ref(o->u.node), (GDestroyNotify)ks_node_unref, &err));
    else if (o->kind == KS_KIND_POD)
      create_pod(w, ks_pod_ref(o->u.pod));
  }
  ks_manifest_set_free(set);
}

static void world_clear(World *w) {
  ks_node_agent_free(w->agent);
  ks_sched_driver_free(w->driver);
  ks_store_free(w->store);
  ks_sched_free(w->sched);
  ks_engine_free(w->engine);
}

static const KsPod *stored(World *w, const char *name) {
  const KsStoreObject *o = ks_store_get(w->store, KS_STORE_POD, "pai-gpu", name);
  if (!o)
    fail_msg("pod %s not in the store", name);
  return o->data;
}

static void expect_bound(World *w, const char *name, const char *node, const char *index) {
  const KsPod *p = stored(w, name);
  const char *got = ks_labels_get(&p->annotations, KS_GPU_KEY_INDEX);
  if (g_strcmp0(p->node_name, node) || g_strcmp0(got, index))
    fail_msg("%s: on %s GPUs %s, want %s %s", name, p->node_name ? p->node_name : "(none)",
             got ? got : "(none)", node, index);
}

static void expect_agent(World *w, const char *node, const gint32 *want, guint n) {
  guint count = 0;
  const gint32 *used = ks_node_agent_gpu_used(w->agent, node, &count);
  assert_non_null(used);
  assert_int_equal(count, n);
  for (guint i = 0; i < n; i++)
    if (used[i] != want[i])
      fail_msg("%s GPU %u: agent says %d, want %d", node, i, used[i], want[i]);
}

static void test_cluster_places_and_tracks(void **state) {
  World w;
  world_init(&w);
  ks_engine_run_until(w.engine, S(10));
  /* pai-node-00 (4 x V100): share-600 -> GPU 0 (all free: lowest index);
   * share-300 -> GPU 0 (400 free, the tightest); whole-2 -> GPUs 1, 2.
   * nv-node-00 (2 x T4): prebound (250, created bound) -> GPU 0 by best fit
   * when the driver first sees it; nvidia-1 (one whole GPU) -> GPU 1. */
  expect_bound(&w, "share-600", "pai-node-00", "0");
  expect_bound(&w, "share-300", "pai-node-00", "0");
  expect_bound(&w, "whole-2", "pai-node-00", "1-2");
  expect_bound(&w, "prebound", "nv-node-00", "0");
  expect_bound(&w, "nvidia-1", "nv-node-00", "1");
  expect_agent(&w, "pai-node-00", (gint32[]){900, 1000, 1000, 0}, 4);
  expect_agent(&w, "nv-node-00", (gint32[]){250, 1000}, 2);
  assert_int_equal(ks_node_agent_gpu_used_total(w.agent), 0 + 900 + 2000 + 250 + 1000);
  assert_int_equal(ks_node_agent_gpus_busy(w.agent), 5);
  guint n = 0;
  assert_null(ks_node_agent_gpu_used(w.agent, "no-such-node", &n));
  assert_int_equal(n, 0);
  /* share-300 runs 30 s from its start at 1 s: gone by 40 s */
  ks_engine_run_until(w.engine, S(40));
  assert_int_equal(stored(&w, "share-300")->phase, KS_POD_SUCCEEDED);
  expect_agent(&w, "pai-node-00", (gint32[]){600, 1000, 1000, 0}, 4);
  /* the cache freed it too: 350 milli fits GPU 0 again (400 free) rather
   * than GPU 3 */
  KsPod *late = ks_pod_new("pai-gpu", "late-350");
  KsContainer *c = ks_pod_add_container(late, "main", FALSE);
  assert_true(ks_resource_list_set_quantity(&c->requests, "cpu", "1", NULL));
  ks_gpu_pod_set(late, 1, 350, "V100");
  create_pod(&w, late);
  ks_engine_run_until(w.engine, S(50));
  expect_bound(&w, "late-350", "pai-node-00", "0");
  expect_agent(&w, "pai-node-00", (gint32[]){950, 1000, 1000, 0}, 4);
  /* deleting a pod releases its GPUs in the agent */
  assert_true(ks_store_delete(w.store, KS_STORE_POD, "pai-gpu", "whole-2", 0, NULL));
  ks_engine_run_until(w.engine, S(51));
  expect_agent(&w, "pai-node-00", (gint32[]){950, 0, 0, 0}, 4);
  assert_int_equal(ks_node_agent_gpu_used_total(w.agent), 950 + 250 + 1000);
  assert_int_equal(ks_node_agent_gpus_busy(w.agent), 3);
  world_clear(&w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cluster_places_and_tracks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
