/* The Scenario loader: the bundled examples with their fields asserted, the
 * defaults, and a table of broken scenarios with their exact messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "workloads/annotations.h"
#include "workloads/scenario.h"

#define S ((gint64)1000000)
#define GI ((gint64)1 << 30)

static KsScenario *load_example(const char *name) {
  const char *src = g_getenv("KSIM_SOURCE_DIR");
  assert_non_null(src);
  char *path = g_build_filename(src, "workloads", "examples", name, NULL);
  GError *error = NULL;
  KsScenario *s = ks_scenario_load_file(path, &error);
  if (!s)
    fail_msg("%s", error->message);
  g_free(path);
  return s;
}

static KsScenario *load_text(const char *text) {
  GError *error = NULL;
  KsScenario *s = ks_scenario_load_string(text, strlen(text), "t.yaml", NULL, &error);
  if (!s)
    fail_msg("%s", error->message);
  return s;
}

static char *load_text_error(const char *text) {
  GError *error = NULL;
  KsScenario *s = ks_scenario_load_string(text, strlen(text), "t.yaml", NULL, &error);
  assert_null(s);
  assert_non_null(error);
  char *msg = g_strdup(error->message);
  g_error_free(error);
  return msg;
}

static const KsManifestObject *object(const KsScenarioBatch *b, guint i) {
  assert_true(i < b->set->objects->len);
  return b->set->objects->pdata[i];
}

static KsPodTiming timing(const KsPod *pod) {
  KsPodTiming t;
  GError *error = NULL;
  if (!ks_pod_read_timing(pod, &t, &error))
    fail_msg("%s", error->message);
  return t;
}

static void check_pool(const KsScenario *s, guint i, const char *name, guint count,
                       gint64 milli_cpu, gint64 memory, gint64 pods) {
  const KsNodePool *pool = s->node_pools->pdata[i];
  assert_string_equal(pool->name, name);
  assert_string_equal(pool->prefix, name);
  assert_int_equal(pool->count, count);
  assert_int_equal(pool->template->capacity.milli_cpu, milli_cpu);
  assert_int_equal(pool->template->capacity.memory, memory);
  assert_int_equal(pool->template->allocatable.milli_cpu, milli_cpu);
  assert_int_equal(pool->template->capacity.pods, pods);
  assert_string_equal(ks_labels_get(&pool->template->labels, KS_LABEL_NODE_POOL), name);
  KsNode *last = ks_node_pool_instantiate(pool, count - 1);
  char *want = g_strdup_printf("%s-%u", name, count - 1);
  assert_string_equal(last->name, want);
  assert_string_equal(ks_labels_get(&last->labels, KS_LABEL_HOSTNAME), want);
  g_free(want);
  ks_node_unref(last);
}

static void test_default_example(void **state) {
  KsScenario *s = load_example("default.yaml");
  assert_string_equal(s->name, "default");
  assert_int_equal(s->seed, 42);
  assert_int_equal(s->duration_us, 2 * 3600 * S);
  assert_int_equal(s->sample_interval_us, 10 * S);
  assert_string_equal(s->output, "results/default.h5");
  assert_int_equal(s->node_pools->len, 2);
  check_pool(s, 0, "general", 4, 4000, 16 * GI, 110);
  check_pool(s, 1, "large", 2, 8000, 32 * GI, 110);
  assert_int_equal(ks_scenario_node_count(s), 6);
  assert_int_equal(s->warnings->len, 0);

  assert_int_equal(s->batches->len, 1);
  const KsScenarioBatch *b = s->batches->pdata[0];
  assert_int_equal(b->at_us, 0);
  assert_int_equal(b->set->objects->len, 8);
  assert_int_equal(object(b, 0)->kind, KS_KIND_NAMESPACE);
  assert_string_equal(object(b, 1)->u.ns->name, "monitoring");
  assert_int_equal(object(b, 2)->kind, KS_KIND_PRIORITY_CLASS);
  assert_string_equal(object(b, 2)->u.priority_class->name, "critical-service");
  assert_int_equal(object(b, 2)->u.priority_class->value, 100000);
  const KsPod *api = object(b, 3)->u.pod;
  assert_string_equal(api->name, "api-0");
  assert_string_equal(api->namespace, "shop");
  assert_string_equal(api->priority_class_name, "critical-service");
  assert_int_equal(timing(api).run_time_us, KS_RUN_TIME_FOREVER);
  assert_int_equal(timing(api).start_latency_us, KS_DEFAULT_START_LATENCY_US);
  const KsPod *web = object(b, 4)->u.pod;
  assert_string_equal(web->name, "web-0");
  assert_int_equal(timing(web).start_latency_us, 5 * S);
  assert_string_equal(object(b, 7)->u.pod->name, "redis-0");
  assert_string_equal(object(b, 7)->u.pod->namespace, "default");

  assert_int_equal(s->generators->len, 1);
  const KsGeneratorSpec *g = s->generators->pdata[0];
  assert_string_equal(g->name, "batch");
  assert_int_equal(g->start_us, 0);
  assert_int_equal(g->stop_us, 2 * 3600 * S);
  assert_int_equal(g->count, 0);
  assert_int_equal(g->arrivals, KS_ARRIVALS_POISSON);
  assert_int_equal(g->interval_us, 20 * S);
  assert_int_equal(g->run_time.distribution, KS_RUN_TIME_LOGNORMAL);
  assert_true(g->run_time.mu == 6.0 && g->run_time.sigma == 0.5);
  assert_int_equal(g->run_time.unit_us, S);
  assert_string_equal(g->template->name, "batch");
  assert_int_equal(g->template->restart_policy, KS_RESTART_NEVER);

  /* About 7200s / 20s = 360 arrivals (4 standard deviations either side). */
  KsGenerator *gen = ks_generator_new(g, s->seed);
  gint64 at;
  KsPod *pod;
  guint n = 0;
  while (ks_generator_next(gen, &at, &pod)) {
    assert_true(timing(pod).run_time_us >= 1);
    ks_pod_unref(pod);
    n++;
  }
  assert_true(n > 360 - 76 && n < 360 + 76);
  ks_generator_free(gen);
  ks_scenario_free(s);
}

static void test_tiny_example(void **state) {
  KsScenario *s = load_example("tiny.yaml");
  assert_string_equal(s->name, "tiny");
  assert_int_equal(s->duration_us, 300 * S);
  assert_int_equal(s->sample_interval_us, S);
  assert_string_equal(s->output, "results/tiny.h5");
  check_pool(s, 0, "tiny", 2, 2000, 4 * GI, 10);
  assert_int_equal(s->generators->len, 0);
  assert_int_equal(s->batches->len, 1);
  const KsScenarioBatch *b = s->batches->pdata[0];
  static const struct {
    const char *name;
    gint64 milli_cpu, run_time_us;
  } pods[] = {{"short", 1500, 60 * S},
              {"long", 1500, 240 * S},
              {"waiter", 1000, 30 * S},
              {"small", 500, KS_RUN_TIME_FOREVER}};
  assert_int_equal(b->set->objects->len, 4);
  for (guint i = 0; i < 4; i++) {
    const KsPod *p = object(b, i)->u.pod;
    KsResourceList req;
    ks_pod_compute_requests(p, &req);
    assert_string_equal(p->name, pods[i].name);
    assert_int_equal(req.milli_cpu, pods[i].milli_cpu);
    assert_int_equal(timing(p).run_time_us, pods[i].run_time_us);
    assert_string_equal(object(b, i)->file + strlen(object(b, i)->file) - 9, "tiny.yaml");
    ks_resource_list_clear(&req);
  }
  ks_scenario_free(s);
}

#define CONTAINERS "spec: {containers: [{name: c, image: busybox}]}"
#define HEAD "apiVersion: ksim.io/v1alpha1\nkind: Scenario\nmetadata: {name: t}\n"

static void test_defaults_and_order(void **state) {
  KsScenario *s = load_text(
      HEAD "spec:\n"
           "  duration: 10m\n"
           "  seed: ~\n"
           "  nodePools:\n"
           "  - {name: p, count: 1, template: {metadata: {name: worker}}}\n"
           "  workloads:\n"
           "  - at: 5m\n"
           "    objects: [{apiVersion: v1, kind: Pod, metadata: {name: late}, " CONTAINERS "}]\n"
           "  - objects: [{apiVersion: v1, kind: Pod, metadata: {name: early}, " CONTAINERS "}]\n"
           "  - generator:\n"
           "      arrivals: {process: fixed, interval: 1m}\n"
           "      template: {metadata: {name: job, namespace: jobs}, " CONTAINERS "}\n");
  assert_int_equal(s->seed, KS_SCENARIO_DEFAULT_SEED);
  assert_int_equal(s->sample_interval_us, KS_SCENARIO_DEFAULT_SAMPLE_INTERVAL_US);
  assert_string_equal(s->output, "results/t.h5");
  const KsNodePool *pool = s->node_pools->pdata[0];
  assert_string_equal(pool->prefix, "worker");
  KsNode *n = ks_node_pool_instantiate(pool, 0);
  assert_string_equal(n->name, "worker-0");
  ks_node_unref(n);
  /* batches sorted by time */
  assert_string_equal(object(s->batches->pdata[0], 0)->u.pod->name, "early");
  assert_string_equal(object(s->batches->pdata[1], 0)->u.pod->name, "late");
  assert_int_equal(((KsScenarioBatch *)s->batches->pdata[1])->at_us, 300 * S);
  const KsGeneratorSpec *g = s->generators->pdata[0];
  assert_string_equal(g->name, "job"); /* defaults to the template name */
  assert_int_equal(g->stop_us, 600 * S);
  assert_int_equal(g->run_time.distribution, KS_RUN_TIME_TEMPLATE);
  assert_int_equal(g->arrivals, KS_ARRIVALS_FIXED);
  ks_scenario_free(s);
}

static void test_inline_errors(void **state) {
  char *msg = load_text_error(HEAD "spec:\n  duration: 1h\n  workloads:\n  - objects:\n"
                                   "    - {apiVersion: v1, kind: Pod, metadata: {name: p},\n"
                                   "       spec: {containers: [{name: c, resources: {requests: "
                                   "{cpu: 1x}}}]}}\n");
  assert_string_equal(msg, "t.yaml:9:66: spec.containers[0].resources.requests.cpu: \"1x\" is not "
                           "a quantity");
  g_free(msg);
  msg = load_text_error(HEAD "spec:\n  duration: 1h\n  workloads:\n  - generator:\n"
                             "      arrivals: {process: poisson, meanInterval: 1s}\n"
                             "      runTime: {distribution: constant, value: 0s}\n"
                             "      template: {metadata: {name: x}, " CONTAINERS "}\n");
  assert_string_equal(msg, "t.yaml:9:48: spec.workloads[0].generator.runTime.value: must be "
                           "greater than 0");
  g_free(msg);
}

static const struct {
  const char *file;
  const char *message; /* after "<file>:" */
} bad[] = {
    {"api-version.yaml", "1:13: apiVersion: \"ksim.io/v1\" is not supported; use ksim.io/v1alpha1"},
    {"kind.yaml", "2:7: kind: must be Scenario, not \"Simulation\""},
    {"unknown-field.yaml", "7:3: spec.sampleIntervall: unknown field (known fields: seed, duration, "
                           "sampleInterval, output, nodePools, workloads, schedulerConfig, trace, "
                           "controllers, timeline, faults, kubeletConfig, images, imagePulls)"},
    {"missing-duration.yaml", "6:3: spec.duration: required field is missing"},
    {"bad-duration.yaml", "6:13: spec.duration: \"2 hours\" is not a duration (use units such as "
                          "500ms, 30s, 5m, 2h)"},
    {"bad-name.yaml", "4:9: metadata.name: \"Small_Batch\" is not a valid name (lower-case "
                      "letters, digits, '-' and '.')"},
    {"seed-negative.yaml", "7:9: spec.seed: must be a non-negative integer"},
    {"sample-interval-too-short.yaml", "7:19: spec.sampleInterval: must be at least 1ms"},
    {"too-many-samples.yaml",
     "7:19: spec.sampleInterval: too short for the duration: more than 10000000 samples"},
    {"pool-count-zero.yaml", "9:12: spec.nodePools[0].count: must be a positive integer"},
    {"pool-count-quoted.yaml", "9:12: spec.nodePools[0].count: must be a positive integer"},
    {"pool-count-too-large.yaml", "9:12: spec.nodePools[0].count: must be at most 100000"},
    {"pool-missing-count.yaml", "8:5: spec.nodePools[0].count: required field is missing"},
    {"pool-duplicate.yaml", "12:11: spec.nodePools[1].name: duplicate node pool name \"general\""},
    {"pool-bad-name.yaml", "8:11: spec.nodePools[0].name: \"General\" is not a valid pool name "
                           "(lower-case letters, digits and '-', at most 63)"},
    {"pool-template-kind.yaml", "11:13: spec.nodePools[0].template.kind: must be Node, not \"Pod\""},
    {"pool-template-quantity.yaml",
     "11:32: spec.nodePools[0].template.status.capacity.cpu: \"4x\" is not a quantity"},
    {"pool-unknown-field.yaml",
     "10:5: spec.nodePools[0].size: unknown field (known fields: name, count, template, "
     "kubeletConfig)"},
    {"pool-kubelet-config-empty.yaml", "10:20: spec.nodePools[0].kubeletConfig: must not be empty"},
    {"pool-kubelet-config-mapping.yaml",
     "12:20: spec.nodePools[0].kubeletConfig: must be a string, not a mapping"},
    {"nodepools-mapping.yaml", "7:14: spec.nodePools: must be a sequence, not a mapping"},
    {"workload-empty.yaml", "8:5: spec.workloads[0]: needs manifests, objects or a generator"},
    {"workload-after-end.yaml",
     "8:9: spec.workloads[0].at: must be before the end of the run (spec.duration: 1h)"},
    {"workload-missing-file.yaml", NULL}, /* names the path: checked separately */
    {"workload-inline-manifest.yaml", "10:7: spec.workloads[0].manifests[0]: must be a file name, "
                                      "not a mapping (objects written inline go under "
                                      "\"objects\")"},
    {"workload-generator-and-at.yaml", "8:5: spec.workloads[0]: a workload is a generator or "
                                       "manifests/objects applied at a time, not both"},
    {"generator-no-name.yaml", "11:9: spec.workloads[0].generator.template.metadata.name: "
                               "required: generated pods are named <name>-<index>"},
    {"generator-process.yaml", "9:27: spec.workloads[0].generator.arrivals.process: \"bursty\" is "
                               "not an arrival process (poisson, fixed)"},
    {"generator-wrong-interval-field.yaml",
     "9:36: spec.workloads[0].generator.arrivals.interval: unknown field (known fields: process, "
     "meanInterval)"},
    {"generator-distribution.yaml",
     "10:31: spec.workloads[0].generator.runTime.distribution: \"weibull\" is not a distribution "
     "(constant, exponential, uniform, lognormal)"},
    {"generator-sigma.yaml", "10:56: spec.workloads[0].generator.runTime.sigma: must not be "
                             "negative"},
    {"generator-mu.yaml", "10:46: spec.workloads[0].generator.runTime.mu: must be a number"},
    {"generator-uniform.yaml",
     "10:54: spec.workloads[0].generator.runTime.max: must not be below min"},
    {"generator-stop.yaml", "10:13: spec.workloads[0].generator.stop: must be after start"},
    {"generator-count.yaml", "9:14: spec.workloads[0].generator.count: must be a positive integer"},
    {"generator-missing-arrivals.yaml",
     "9:7: spec.workloads[0].generator.arrivals: required field is missing"},
    {"generator-duplicate.yaml", "13:17: spec.workloads[1].generator.template: pod name prefix "
                                 "default/batch is used by another generator"},
    {"two-documents.yaml", "8:1: a Scenario file holds one document; found a second one here"},
    {"empty.yaml", " empty file: expected a Scenario document"},
};

static void test_bad_scenarios(void **state) {
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    char *path = g_build_filename(KSIM_TEST_DATA, "scenarios", "bad", bad[i].file, NULL);
    GError *error = NULL;
    KsScenario *s = ks_scenario_load_file(path, &error);
    if (s)
      fail_msg("%s: loaded", bad[i].file);
    assert_true(error->domain == KS_YAML_ERROR);
    char *want = bad[i].message
                     ? g_strdup_printf("%s:%s", path, bad[i].message)
                     : g_strdup_printf("%s:9:17: spec.workloads[0].manifests[0]: %s/%s: no such "
                                       "file",
                                       path, KSIM_TEST_DATA "/scenarios/bad", "no-such-file.yaml");
    if (strcmp(error->message, want))
      fail_msg("%s:\n got  %s\n want %s", bad[i].file, error->message, want);
    g_free(want);
    g_free(path);
    g_error_free(error);
  }
}

/* A syntax error comes from the YAML reader, with its position. */
static void test_syntax_error(void **state) {
  char *path = g_build_filename(KSIM_TEST_DATA, "scenarios", "bad", "syntax.yaml", NULL);
  GError *error = NULL;
  assert_null(ks_scenario_load_file(path, &error));
  assert_true(error->domain == KS_YAML_ERROR);
  assert_int_equal(error->code, KS_YAML_ERROR_SYNTAX);
  assert_true(g_str_has_prefix(error->message, path));
  assert_non_null(strstr(error->message, ":8:1: "));
  g_error_free(error);
  g_free(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_default_example),  cmocka_unit_test(test_tiny_example),
      cmocka_unit_test(test_defaults_and_order), cmocka_unit_test(test_inline_errors),
      cmocka_unit_test(test_bad_scenarios),    cmocka_unit_test(test_syntax_error),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
