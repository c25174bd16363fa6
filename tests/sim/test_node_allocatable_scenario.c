/* Node allocatable end to end: tests/scenarios/node-allocatable.yaml
 * (numbers worked out in its comment). Pool nodes get the allocatable of
 * spec.kubeletConfig, a pool with its own kubeletConfig gets its own, a
 * Node that declares status.allocatable keeps it; the results' /nodes show
 * it; a pod that fits capacity but no allocatable stays Pending with the
 * scheduler's "Insufficient memory". A pool's kubeletConfig that does not
 * load names the scenario field. */
#include "tests/sim/scenario_results.h"

#include "sim/kubelet/kubelet_configs.h"
#include "sim/scheduler_setup.h"
#include "sim/timeline.h"
#include "sim/trace_feed.h"
#include "sim/workload_feed.h"

#define MI ((gint64)1 << 20)
#define SCENARIO KSIM_TEST_DATA "/../scenarios/node-allocatable.yaml"

static const KsNodeRow *node_row(const KsResults *r, const char *name) {
  for (gsize i = 0; i < r->n_nodes; i++)
    if (!strcmp(r->nodes[i].name, name))
      return &r->nodes[i];
  fail_msg("node %s not in results", name);
  return NULL;
}

static void test_results(void **state) {
  (void)state;
  KsResults *r = ks_test_run_bundled_scenario("node-allocatable.yaml");
  assert_int_equal(r->n_nodes, 3);
  const KsNodeRow *general = node_row(r, "general-0");
  assert_int_equal(general->cpu_allocatable_milli, 3500);
  assert_int_equal(general->memory_allocatable, 6668 * MI);
  assert_int_equal(general->pods_allocatable, 110);
  const KsNodeRow *tight = node_row(r, "tight-0");
  assert_int_equal(tight->cpu_allocatable_milli, 4000);
  assert_int_equal(tight->memory_allocatable, 6044 * MI);
  assert_int_equal(tight->pods_allocatable, 20);
  const KsNodeRow *declared = node_row(r, "declared");
  assert_int_equal(declared->cpu_allocatable_milli, 4000);
  assert_int_equal(declared->memory_allocatable, 6144 * MI);
  const KsPodRow *big = ks_test_pod_row(r, "big");
  assert_int_equal(big->outcome, KS_OUTCOME_PENDING);
  assert_int_equal(big->node, -1);
  const KsPodRow *fits = ks_test_pod_row(r, "fits");
  assert_int_equal(fits->outcome, KS_OUTCOME_RUNNING);
  assert_string_equal(r->nodes[fits->node].name, "general-0");
  ks_results_free(r);
}

/* The feed registers the nodes as the run does; one scheduling cycle of
 * "big" against them gives upstream's FailedScheduling message. */
static void test_insufficient_memory_message(void **state) {
  (void)state;
  GError *error = NULL;
  KsScenario *s = ks_scenario_load_file(SCENARIO, &error);
  if (!s)
    fail_msg("%s", error->message);
  KsKubeletConfigs *k = ks_kubelet_configs_load(s, &error);
  if (!k)
    fail_msg("%s", error->message);
  KsEngine *engine = ks_engine_new();
  KsStore *store = ks_store_new(engine);
  KsWorkloadFeed *feed = ks_workload_feed_new(store, s, 1);
  ks_workload_feed_set_kubelets(feed, k);
  ks_engine_run_until(engine, 2 * G_USEC_PER_SEC);

  KsSchedSetupOptions setup = {.percentage_of_nodes_to_score = -1, .seed = 1};
  KsSchedSetup *sched = ks_sched_setup_new(&setup, &error);
  if (!sched)
    fail_msg("%s", error->message);
  gint64 now = ks_engine_now(engine);
  GPtrArray *nodes = ks_store_list(store, KS_STORE_NODE, NULL);
  assert_int_equal(nodes->len, 3);
  for (guint i = 0; i < nodes->len; i++)
    ks_sched_add_node(sched->sched, ((const KsStoreObject *)nodes->pdata[i])->data, now);
  g_ptr_array_unref(nodes);
  const KsStoreObject *o = ks_store_get(store, KS_STORE_POD, "default", "big");
  assert_non_null(o);
  assert_true(ks_sched_add_pending_pod(sched->sched, o->data, now));
  KsSchedResult res;
  ks_sched_schedule_one(sched->sched, now, &res);
  assert_int_equal(res.kind, KS_SCHED_RESULT_UNSCHEDULABLE);
  assert_string_equal(res.message, "0/3 nodes are available: 3 Insufficient memory. preemption: "
                                   "0/3 nodes are available: 3 No preemption victims found for "
                                   "incoming pod.");
  ks_sched_setup_free(sched);
  ks_store_free(store);
  ks_engine_free(engine);
  ks_workload_feed_free(feed);
  ks_kubelet_configs_unref(k);
  ks_scenario_free(s);
}

static void write_file(const char *path, const char *text) {
  GError *error = NULL;
  if (!g_file_set_contents(path, text, -1, &error))
    fail_msg("%s", error->message);
}

/* A pool's broken file: its error after the scenario's position and field;
 * validate's check and the run both refuse it. */
static void test_bad_pool_kubelet_config(void **state) {
  (void)state;
  char *dir = g_dir_make_tmp("ksim-alloc-XXXXXX", NULL);
  char *scenario = g_build_filename(dir, "s.yaml", NULL);
  char *cfg = g_build_filename(dir, "pool.yaml", NULL);
  write_file(cfg, "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
                  "kubeReserved: {memory: lots}\n");
  write_file(scenario, "apiVersion: ksim.io/v1alpha1\nkind: Scenario\nmetadata: {name: s}\n"
                       "spec:\n  duration: 1m\n  nodePools:\n  - name: a\n    count: 1\n"
                       "    template: {status: {capacity: {cpu: \"1\"}}}\n"
                       "  - name: b\n    count: 1\n    kubeletConfig: pool.yaml\n"
                       "    template: {status: {capacity: {cpu: \"1\"}}}\n");
  GError *error = NULL;
  KsScenario *s = ks_scenario_load_file(scenario, &error);
  if (!s)
    fail_msg("%s", error->message);
  char *want = g_strdup_printf(
      "%s:12:20: spec.nodePools[1].kubeletConfig: %s:3:24: kubeReserved.memory: failed to parse "
      "quantity \"lots\" for \"memory\" resource: quantities must match the regular expression "
      "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
      scenario, cfg);
  assert_false(ks_simulation_check_scenario(s, &error));
  assert_string_equal(error->message, want);
  g_clear_error(&error);
  char *out = g_build_filename(dir, "out.h5", NULL);
  KsRunOptions opts = {.output = out};
  KsRunReport report;
  assert_false(ks_simulation_run(s, &opts, &report, &error));
  assert_string_equal(error->message, want);
  assert_false(g_file_test(out, G_FILE_TEST_EXISTS));
  g_clear_error(&error);
  g_free(want);
  g_free(out);
  ks_scenario_free(s);
  g_unlink(cfg);
  g_unlink(scenario);
  g_rmdir(dir);
  g_free(cfg);
  g_free(scenario);
  g_free(dir);
}

/* Trace nodes register through the same point: t1 (no alloc) derived, t2
 * (alloc in the trace) kept. */
static void test_trace_nodes(void **state) {
  (void)state;
  KsResults *r = ks_test_run_bundled_scenario("node-allocatable-trace.yaml");
  assert_int_equal(r->n_nodes, 2);
  const KsNodeRow *t1 = node_row(r, "t1"), *t2 = node_row(r, "t2");
  assert_int_equal(t1->cpu_allocatable_milli, 3500);
  assert_int_equal(t1->memory_allocatable, 6668 * MI);
  assert_int_equal(t1->pods_allocatable, 110);
  assert_int_equal(t2->cpu_allocatable_milli, 4000);
  assert_int_equal(t2->memory_allocatable, 7168 * MI);
  ks_results_free(r);
}

/* A trace's node-update is the kubelet's status: t1's 16Gi at 60 s gives
 * 16384Mi - 1024Mi - 500Mi = 14860Mi in the store. */
static void test_trace_node_update(void **state) {
  (void)state;
  GError *error = NULL;
  KsScenario *s = ks_scenario_load_file(KSIM_TEST_DATA "/../scenarios/node-allocatable-trace.yaml",
                                        &error);
  if (!s)
    fail_msg("%s", error->message);
  KsKubeletConfigs *k = ks_kubelet_configs_load(s, &error);
  KsTraceSource *src = k ? ks_trace_feed_open_source(s->trace, &error) : NULL;
  if (!src)
    fail_msg("%s", error->message);
  KsEngine *engine = ks_engine_new();
  KsStore *store = ks_store_new(engine);
  KsTraceFeedOptions fo = {.spec = s->trace, .seed = 1, .kubelets = k};
  KsTraceFeed *feed = ks_trace_feed_new(store, src, &fo);
  ks_engine_run_until(engine, 30 * G_USEC_PER_SEC);
  const KsNode *t1 = ks_store_get(store, KS_STORE_NODE, NULL, "t1")->data;
  assert_int_equal(t1->allocatable.memory, 6668 * MI);
  ks_engine_run_until(engine, 61 * G_USEC_PER_SEC);
  t1 = ks_store_get(store, KS_STORE_NODE, NULL, "t1")->data;
  assert_int_equal(t1->capacity.memory, 16384 * MI);
  assert_int_equal(t1->allocatable.memory, 14860 * MI);
  assert_int_equal(t1->allocatable.pods, 110);
  ks_store_free(store);
  ks_engine_free(engine);
  ks_trace_feed_free(feed);
  ks_kubelet_configs_unref(k);
  ks_scenario_free(s);
}

/* A pool's own kubeletConfig sets its image pulls (times worked out in
 * tests/scenarios/node-allocatable-images.yaml). */
static void test_pool_image_pulls(void **state) {
  (void)state;
  KsResults *r = ks_test_run_bundled_scenario("node-allocatable-images.yaml");
  static const struct {
    const char *pod;
    gint64 started_ms;
  } want[] = {{"sa", 3100}, {"sb", 6200}, {"sc", 7300}, {"pa", 5100}, {"pb", 7000}, {"pc", 7100}};
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    const KsPodRow *p = ks_test_pod_row(r, want[i].pod);
    if (p->started_us != want[i].started_ms * 1000)
      fail_msg("%s started at %" G_GINT64_FORMAT " us, want %" G_GINT64_FORMAT " ms", want[i].pod,
               p->started_us, want[i].started_ms);
  }
  ks_results_free(r);
}

/* A pool's own kubeletConfig sets its eviction thresholds
 * (tests/scenarios/node-allocatable-eviction.yaml). */
static void test_pool_eviction(void **state) {
  (void)state;
  KsResults *r = ks_test_run_bundled_scenario("node-allocatable-eviction.yaml");
  const KsPodRow *strict = ks_test_pod_row(r, "s"), *lax = ks_test_pod_row(r, "l");
  assert_int_equal(strict->outcome, KS_OUTCOME_FAILED);
  assert_int_equal(strict->finished_us, 10 * G_USEC_PER_SEC);
  assert_string_equal(r->nodes[strict->node].name, "strict-0");
  assert_int_equal(lax->outcome, KS_OUTCOME_RUNNING);
  assert_string_equal(r->nodes[lax->node].name, "lax-0");
  /* strict-0's allocatable: 2048Mi - 500Mi; lax-0 keeps its capacity */
  assert_int_equal(node_row(r, "strict-0")->memory_allocatable, 1548 * MI);
  assert_int_equal(node_row(r, "lax-0")->memory_allocatable, 2048 * MI);
  ks_results_free(r);
}

/* The timeline's apply registers a Node it creates, and again one it
 * replaces (tests/scenarios/node-allocatable-timeline.yaml). */
static void test_timeline_nodes(void **state) {
  (void)state;
  GError *error = NULL;
  KsScenario *s = ks_scenario_load_file(
      KSIM_TEST_DATA "/../scenarios/node-allocatable-timeline.yaml", &error);
  if (!s)
    fail_msg("%s", error->message);
  KsKubeletConfigs *k = ks_kubelet_configs_load(s, &error);
  if (!k)
    fail_msg("%s", error->message);
  KsEngine *engine = ks_engine_new();
  KsStore *store = ks_store_new(engine);
  KsTimeline *t = ks_timeline_new(store, s->timeline, s->file, s->seed);
  ks_timeline_set_kubelets(t, k);
  ks_engine_run_until(engine, 11 * G_USEC_PER_SEC);
  const KsNode *n = ks_store_get(store, KS_STORE_NODE, NULL, "late")->data;
  assert_int_equal(n->allocatable.milli_cpu, 3500);
  assert_int_equal(n->allocatable.memory, 6668 * MI);
  ks_engine_run_until(engine, 21 * G_USEC_PER_SEC);
  n = ks_store_get(store, KS_STORE_NODE, NULL, "late")->data;
  assert_int_equal(n->allocatable.memory, 14860 * MI);
  assert_int_equal(n->allocatable.pods, 110);
  assert_int_equal(ks_timeline_warning_count(t), 0);
  ks_store_free(store);
  ks_engine_free(engine);
  ks_timeline_free(t);
  ks_kubelet_configs_unref(k);
  ks_scenario_free(s);
}

/* `ksim validate` shows what each pool's kubelet registers. */
static void test_validate_shows_allocatable(void **state) {
  (void)state;
  char *argv[] = {(char *)KSIM_BINARY, (char *)"validate", (char *)SCENARIO, NULL};
  char *out = NULL, *err = NULL;
  gint status = 0;
  GError *error = NULL;
  if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error))
    fail_msg("%s", error->message);
  assert_int_equal(status, 0);
  char *want = g_strdup_printf(
      "%s: ok: scenario node-allocatable, 2 nodes in 2 pools, 2 batches, 0 generators\n"
      "%s: pool general: allocatable cpu 3500m, memory 6668Mi, pods 110 "
      "(node-allocatable-kubelet.yaml)\n"
      "%s: pool tight: allocatable cpu 4, memory 6044Mi, pods 20 (node-allocatable-tight.yaml)\n",
      SCENARIO, SCENARIO, SCENARIO);
  assert_string_equal(out, want);
  g_free(want);
  g_free(out);
  g_free(err);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_results),
    cmocka_unit_test(test_insufficient_memory_message),
    cmocka_unit_test(test_bad_pool_kubelet_config),
    cmocka_unit_test(test_validate_shows_allocatable),
    cmocka_unit_test(test_trace_nodes),
    cmocka_unit_test(test_trace_node_update),
    cmocka_unit_test(test_pool_image_pulls),
    cmocka_unit_test(test_pool_eviction),
    cmocka_unit_test(test_timeline_nodes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
