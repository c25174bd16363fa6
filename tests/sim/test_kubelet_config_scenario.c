/* spec.kubeletConfig end to end: tests/scenarios/kubelet-config.yaml runs
 * every node's kubelet with a real KubeletConfiguration (soft threshold
 * with a 30 s grace period, custom hard threshold; times worked out in the
 * scenario's comment); the same scenario without it evicts nothing; a
 * broken KubeletConfiguration fails `ksim validate`'s check and the run
 * with its file:line:column message. */
#include "tests/sim/scenario_results.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)
#define SCENARIO KSIM_TEST_DATA "/../scenarios/kubelet-config.yaml"

static KsResults *run(KsScenario *s) {
  GError *error = NULL;
  char *out = g_strdup_printf("%s/ksim-kubelet-config-%d.h5", g_get_tmp_dir(), (int)getpid());
  KsRunOptions opts = {.output = out};
  KsRunReport report;
  if (!ks_simulation_run(s, &opts, &report, &error))
    fail_msg("run failed: %s", error->message);
  ks_run_report_clear(&report);
  KsResults *r = ks_results_read(out, &error);
  if (!r)
    fail_msg("%s", error->message);
  g_unlink(out);
  g_free(out);
  return r;
}

static void test_soft_and_hard_thresholds(void **state) {
  (void)state;
  KsResults *r = ks_test_run_bundled_scenario("kubelet-config.yaml");
  const KsPodRow *steady = ks_test_pod_row(r, "steady");
  assert_int_equal(steady->outcome, KS_OUTCOME_FAILED);
  assert_int_equal(steady->finished_us, S(100));
  const KsPodRow *burst = ks_test_pod_row(r, "burst");
  assert_int_equal(burst->outcome, KS_OUTCOME_FAILED);
  assert_int_equal(burst->finished_us, S(210));
  assert_int_equal(ks_test_pod_row(r, "late")->outcome, KS_OUTCOME_RUNNING);
  ks_results_free(r);
}

static void test_defaults_evict_nothing(void **state) {
  (void)state;
  GError *error = NULL;
  KsScenario *s = ks_scenario_load_file(SCENARIO, &error);
  if (!s)
    fail_msg("%s", error->message);
  assert_true(g_str_has_suffix(s->kubelet_config, "/scenarios/kubelet-config-kubelet.yaml"));
  g_clear_pointer(&s->kubelet_config, g_free);
  KsResults *r = run(s);
  for (gsize i = 0; i < r->n_pods; i++)
    assert_int_equal(r->pods[i].outcome, KS_OUTCOME_RUNNING);
  assert_int_equal(r->n_pods, 3);
  ks_results_free(r);
  ks_scenario_free(s);
}

static void test_bad_kubelet_config(void **state) {
  (void)state;
  char *dir = g_dir_make_tmp("ksim-kcfg-XXXXXX", NULL);
  char *cfg = g_build_filename(dir, "kubelet.yaml", NULL);
  assert_true(g_file_set_contents(cfg,
                                  "apiVersion: kubelet.config.k8s.io/v1beta1\n"
                                  "kind: KubeletConfiguration\n"
                                  "evictionSoft:\n"
                                  "  memory.available: 1Gi\n",
                                  -1, NULL));
  const char *scn = "apiVersion: ksim.io/v1alpha1\nkind: Scenario\nmetadata: {name: k}\n"
                    "spec:\n  duration: 1m\n  kubeletConfig: kubelet.yaml\n";
  char *scn_path = g_build_filename(dir, "s.yaml", NULL);
  assert_true(g_file_set_contents(scn_path, scn, -1, NULL));
  GError *error = NULL;
  KsScenario *s = ks_scenario_load_file(scn_path, &error);
  if (!s)
    fail_msg("%s", error->message);
  assert_false(ks_simulation_check_scenario(s, &error));
  char *want = g_strdup_printf("%s:4:21: evictionSoft[memory.available]: grace period must be "
                               "specified for the soft eviction threshold memory.available",
                               cfg);
  assert_string_equal(error->message, want);
  g_clear_error(&error);
  KsRunOptions opts = {.output = "/nonexistent/never-written.h5"};
  KsRunReport report;
  assert_false(ks_simulation_run(s, &opts, &report, &error));
  assert_string_equal(error->message, want);
  g_clear_error(&error);
  ks_scenario_free(s);
  /* a missing file */
  g_unlink(cfg);
  s = ks_scenario_load_file(scn_path, &error);
  assert_false(ks_simulation_check_scenario(s, &error));
  assert_non_null(strstr(error->message, "kubelet.yaml"));
  g_clear_error(&error);
  ks_scenario_free(s);
  g_unlink(scn_path);
  g_rmdir(dir);
  g_free(want);
  g_free(scn_path);
  g_free(cfg);
  g_free(dir);
}

/* `ksim validate` on a KubeletConfiguration file on its own. */
static void test_validate_command(void **state) {
  (void)state;
  char *file = g_strdup(KSIM_TEST_DATA "/../scenarios/kubelet-config-kubelet.yaml");
  const char *argv[] = {KSIM_BINARY, "validate", file, NULL};
  char *out = NULL, *err = NULL;
  gint status = 0;
  assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                           &status, NULL));
  assert_true(g_spawn_check_wait_status(status, NULL));
  char *want = g_strdup_printf("%s: ok: KubeletConfiguration, 3 hard and 1 soft eviction "
                               "thresholds\n", file);
  assert_string_equal(out, want);
  g_free(want);
  g_free(out);
  g_free(err);
  g_free(file);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_soft_and_hard_thresholds),
      cmocka_unit_test(test_defaults_evict_nothing),
      cmocka_unit_test(test_bad_kubelet_config),
      cmocka_unit_test(test_validate_command),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
