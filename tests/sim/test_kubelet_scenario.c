/* tests/scenarios/usage-model.yaml through ks_simulation_run: the /kubelet
 * datasets of the results file (OOM kills, restarts and pods by QoS class,
 * per node and per pod, the node's usage series) with the values worked out
 * in the scenario's comment, `ksim summary` showing them, and a scenario
 * without usage profiles writing no /kubelet at all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib/gstdio.h>

#include "sim/kubelet/kubelet_results.h"
#include "sim/results_read.h"
#include "sim/simulation.h"
#include "sim/summary.h"
#include "workloads/scenario.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)
#define MI (1024LL * 1024)

/* Runs tests/scenarios/<file> into a results file. transfer full (path) */
static char *run(const char *file) {
  GError *error = NULL;
  char *path = g_strdup_printf("%s/../scenarios/%s", KSIM_TEST_DATA, file);
  KsScenario *s = ks_scenario_load_file(path, &error);
  if (!s)
    fail_msg("%s", error->message);
  char *out = g_strdup_printf("%s/ksim-kubelet-test-%d.h5", g_get_tmp_dir(), (int)getpid());
  KsRunOptions opts = {.output = out};
  KsRunReport report;
  if (!ks_simulation_run(s, &opts, &report, &error))
    fail_msg("run failed: %s", error->message);
  ks_run_report_clear(&report);
  ks_scenario_free(s);
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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_usage_scenario),
      cmocka_unit_test(test_no_kubelet_group),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
