/* tests/scenarios/usage-model.yaml through ks_simulation_run: the /kubelet
 * datasets of the results file (OOM kills, restarts and pods by QoS class,
 * per node and per pod, the node's usage series) with the values worked out
 * in the scenario's comment, `ksim summary` showing them, and a scenario
 * without usage profiles writing no /kubelet at all; containers one by one
 * (tests/scenarios/usage-containers.yaml) and a container annotation
 * refused at load with its file position. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib/gstdio.h>

#include "sim/kubelet/kubelet_results.h"
#include "tests/sim/scenario_results.h"
#include "sim/results_read.h"
#include "sim/simulation.h"
#include "sim/summary.h"
#include "workloads/scenario.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)
#define MI (1024LL * 1024)

/* Runs tests/scenarios/<file> into a results file. transfer full (path) */
static char *run(const char *file) {
  char *path = g_strdup_printf("%s/../scenarios/%s", KSIM_TEST_DATA, file);
  char *out = ks_test_run_scenario_to_file(path, "kubelet-test");
  g_free(path);
  return out;
}

static const KsKubeletResultRow *find(const GArray *rows, const char *name) {
  for (guint i = 0; i < rows->len; i++) {
    const KsKubeletResultRow *r = &g_array_index(rows, KsKubeletResultRow, i);
    if (strcmp(r->name, name) == 0)
      return r;
  }
  fail_msg("%s not found", name);
  return NULL;
}

static void test_usage_scenario(void **state) {
  (void)state;
  char *out = run("usage-model.yaml");
  GError *error = NULL;
  KsKubeletResults *k = ks_kubelet_results_read(out, &error);
  assert_non_null(k);
  assert_int_equal(k->qos->len, 3);
  const KsKubeletResultRow *g = find(k->qos, "Guaranteed");
  assert_int_equal(g->pods, 1);
  assert_int_equal(g->oom_kills, 5);
  assert_int_equal(g->node_oom_kills, 0);
  assert_int_equal(g->restarts, 4);
  const KsKubeletResultRow *b = find(k->qos, "Burstable");
  assert_int_equal(b->pods, 1);
  assert_int_equal(b->oom_kills, 0);
  assert_true(b->throttled_cpu_ms > 0);
  assert_int_equal(find(k->qos, "BestEffort")->pods, 1);
  assert_int_equal(k->nodes->len, 1);
  assert_string_equal(g_array_index(k->nodes, KsKubeletResultRow, 0).name, "small-0");
  assert_int_equal(g_array_index(k->nodes, KsKubeletResultRow, 0).restarts, 4);
  const KsKubeletResultRow *hog = find(k->pods, "hog");
  assert_string_equal(hog->namespace, "default");
  assert_string_equal(hog->qos, "Guaranteed");
  /* hog wants 1000m and gets 500m (its quota) whenever it runs: 1..31,
   * 31..61, 71..101, 121..151, 191..221 = 150 s x 500m = 75 cpu-s, both
   * throttled and used */
  assert_int_equal(hog->throttled_cpu_ms, 75000);
  assert_int_equal(hog->cpu_used_cpu_ms, 75000);
  /* the usage series: one row per sample from 1 s (when pods start) to 300 s */
  assert_int_equal(k->usage->len, 300);
  const KsKubeletUsageRow *at10 = &g_array_index(k->usage, KsKubeletUsageRow, 9);
  assert_true(at10->time_us == S(10));
  assert_int_equal(at10->node, 0);
  assert_int_equal(at10->milli_cpu, 500 + 496 + 3);
  assert_true(at10->memory == 50 * MI);
  /* 65 s: hog waits in back-off (61..71), batch and be split the node 256:2:
   * 1000*256/258 = 992, 1000*2/258 = 7 */
  const KsKubeletUsageRow *at65 = &g_array_index(k->usage, KsKubeletUsageRow, 64);
  assert_true(at65->time_us == S(65));
  assert_int_equal(at65->milli_cpu, 992 + 7);
  assert_int_equal(at65->memory, 0);
  ks_kubelet_results_free(k);

  /* batch's 60 s of work took longer than 60 s */
  KsResults *r = ks_results_read(out, &error);
  assert_non_null(r);
  for (gsize i = 0; i < r->n_pods; i++)
    if (strcmp(r->pods[i].name, "batch") == 0) {
      assert_int_equal(r->pods[i].outcome, KS_OUTCOME_SUCCEEDED);
      assert_true(r->pods[i].finished_us > S(61));
    }
  ks_results_free(r);

  /* ksim summary */
  char *txt = g_strdup_printf("%s.txt", out);
  FILE *f = fopen(txt, "w");
  assert_true(ks_summary_print(out, KS_SUMMARY_TABLE, f, &error));
  fclose(f);
  char *content = NULL;
  assert_true(g_file_get_contents(txt, &content, NULL, NULL));
  assert_non_null(strstr(content, "cpu throttled        Guaranteed 75.0 cpu-s, "));
  assert_non_null(strstr(content, "usage-modelled pods  3 on 1 nodes\n"));
  assert_non_null(strstr(content, "oom kills            Guaranteed 5, Burstable 0, BestEffort 0\n"));
  assert_non_null(strstr(content, "restarts             Guaranteed 4, Burstable 0, BestEffort 0\n"));
  g_free(content);
  f = fopen(txt, "w");
  assert_true(ks_summary_print(out, KS_SUMMARY_JSON, f, &error));
  fclose(f);
  assert_true(g_file_get_contents(txt, &content, NULL, NULL));
  assert_non_null(strstr(content, "\"Guaranteed\": {\n      \"pods\": 1,\n      \"oom_kills\": 5,\n"
                                  "      \"node_oom_kills\": 0,\n      \"restarts\": 4,\n"
                                  "      \"throttled_cpu_s\": 75.000000,\n"));
  g_free(content);
  g_unlink(txt);
  g_free(txt);
  g_unlink(out);
  g_free(out);
}

/* Without usage profiles there is no /kubelet (the file is as before). */
static void test_no_kubelet_group(void **state) {
  (void)state;
  char *out = run("gpu-share.yaml");
  GError *error = NULL;
  assert_null(ks_kubelet_results_read(out, &error));
  assert_null(error);
  g_unlink(out);
  g_free(out);
}

/* tests/scenarios/usage-containers.yaml: per-container kills, restarts,
 * throttling and the two-level cpu split, as worked out in its comment. */
static void test_containers_scenario(void **state) {
  (void)state;
  char *out = run("usage-containers.yaml");
  GError *error = NULL;
  KsKubeletResults *k = ks_kubelet_results_read(out, &error);
  assert_non_null(k);
  const KsKubeletResultRow *web = find(k->pods, "web");
  assert_string_equal(web->qos, "Burstable");
  assert_int_equal(web->oom_kills, 4);
  assert_int_equal(web->node_oom_kills, 0);
  assert_int_equal(web->restarts, 3);
  /* app: 500m short of its 1000m from 1 to 180 s = 89.5 cpu-s; log always
   * gets its 50m. Used: app 500m x 179 s, log 50m while it runs: 1..61,
   * 71..101, 121..151 = 120 s -> 89500 + 6000 ms */
  assert_int_equal(web->throttled_cpu_ms, 89500);
  assert_int_equal(web->cpu_used_cpu_ms, 95500);
  const KsKubeletResultRow *batch = find(k->pods, "batch");
  assert_int_equal(batch->oom_kills, 0);
  /* 10 s: web 500 + 50, batch 360 + 90; memory app 50Mi + log 10Mi */
  const KsKubeletUsageRow *at10 = &g_array_index(k->usage, KsKubeletUsageRow, 9);
  assert_true(at10->time_us == S(10));
  assert_int_equal(at10->milli_cpu, 550 + 360 + 90);
  assert_true(at10->memory == 60 * MI);
  /* 65 s: log waits; web 500, batch 400 + 100; memory app's 50Mi */
  const KsKubeletUsageRow *at65 = &g_array_index(k->usage, KsKubeletUsageRow, 64);
  assert_true(at65->time_us == S(65));
  assert_int_equal(at65->milli_cpu, 500 + 400 + 100);
  assert_true(at65->memory == 50 * MI);
  ks_kubelet_results_free(k);
  g_unlink(out);
  g_free(out);
}

/* tests/scenarios/init-usage.yaml: plain init containers with usage of
 * their own: OOM kills and restarts, a pod Failed by its init container's
 * kill under Never, the node's usage while they run (worked out in its
 * comment). */
static void test_init_usage_scenario(void **state) {
  (void)state;
  char *out = run("init-usage.yaml");
  GError *error = NULL;
  KsKubeletResults *k = ks_kubelet_results_read(out, &error);
  assert_non_null(k);
  const KsKubeletResultRow *oom = find(k->pods, "oom-init");
  assert_int_equal(oom->oom_kills, 4);
  assert_int_equal(oom->restarts, 4);
  const KsKubeletResultRow *never = find(k->pods, "oom-never");
  assert_int_equal(never->oom_kills, 1);
  assert_int_equal(never->restarts, 0);
  const KsKubeletResultRow *uses = find(k->pods, "uses-init");
  assert_int_equal(uses->oom_kills, 0);
  /* setup 1000m for 20 s, app 200m from 21 s to 120 s */
  assert_int_equal(uses->cpu_used_cpu_ms, 1000 * 20 + 200 * 99);
  /* samples from 1 s: row 8 is 9 s, row 28 is 29 s */
  const KsKubeletUsageRow *at9 = &g_array_index(k->usage, KsKubeletUsageRow, 8);
  assert_true(at9->time_us == S(9));
  assert_int_equal(at9->milli_cpu, 1000);
  assert_true(at9->memory == 110 * MI);
  const KsKubeletUsageRow *at29 = &g_array_index(k->usage, KsKubeletUsageRow, 28);
  assert_true(at29->time_us == S(29));
  assert_int_equal(at29->milli_cpu, 200);
  assert_true(at29->memory == 50 * MI);
  ks_kubelet_results_free(k);
  KsResults *r = ks_results_read(out, &error);
  assert_non_null(r);
  for (gsize i = 0; i < r->n_pods; i++) {
    const KsPodRow *p = &r->pods[i];
    if (!strcmp(p->name, "oom-never")) {
      assert_int_equal(p->outcome, KS_OUTCOME_FAILED);
      assert_true(p->finished_us == S(6));
    } else if (!strcmp(p->name, "oom-init")) {
      assert_int_equal(p->outcome, KS_OUTCOME_RUNNING); /* bound, Pending at the end */
    } else {
      assert_true(p->started_us == S(21)); /* Running once setup completed */
    }
  }
  ks_results_free(r);
  g_unlink(out);
  g_free(out);
}

/* A container annotation naming no container is refused when the scenario
 * is checked, with the pod's file position. */
static void test_container_annotation_refused(void **state) {
  (void)state;
  static const char yaml[] =
      "apiVersion: ksim.io/v1alpha1\n"
      "kind: Scenario\n"
      "metadata: {name: bad}\n"
      "spec:\n"
      "  duration: 1m\n"
      "  nodePools:\n"
      "  - name: p\n"
      "    count: 1\n"
      "    template: {apiVersion: v1, kind: Node, status: {capacity: {cpu: '1', memory: 1Gi}}}\n"
      "  workloads:\n"
      "  - at: 0s\n"
      "    objects:\n"
      "    - apiVersion: v1\n"
      "      kind: Pod\n"
      "      metadata:\n"
      "        name: web\n"
      "        annotations: {ksim.io/usage-memory.lgo: 1Gi}\n"
      "      spec:\n"
      "        containers: [{name: app, image: busybox}, {name: log, image: busybox}]\n";
  GError *error = NULL;
  KsScenario *s = ks_scenario_load_string(yaml, sizeof yaml - 1, "bad.yaml", ".", &error);
  assert_non_null(s);
  assert_false(ks_simulation_check_scenario(s, &error));
  assert_non_null(error);
  assert_string_equal(error->message,
                      "bad.yaml:13:7: pod default/web: annotation ksim.io/usage-memory.lgo: no "
                      "container \"lgo\" in the pod (containers: app, log)");
  g_clear_error(&error);
  ks_scenario_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_usage_scenario),
      cmocka_unit_test(test_no_kubelet_group),
      cmocka_unit_test(test_containers_scenario),
      cmocka_unit_test(test_init_usage_scenario),
      cmocka_unit_test(test_container_annotation_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
