/* The ksim command as a user meets it: exit codes (0 ok, 1 run-time
 * failure, 2 bad usage or input), --help on every command, and error
 * messages that name the file, line, column and field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib/gstdio.h>

#include "sim/results_read.h"

typedef struct {
  int status;
  char *out;
  char *err;
} Result;

static Result ksim(const char *first, ...) {
  GPtrArray *argv = g_ptr_array_new();
  g_ptr_array_add(argv, (gpointer)KSIM_BINARY);
  va_list ap;
  va_start(ap, first);
  for (const char *a = first; a; a = va_arg(ap, const char *))
    g_ptr_array_add(argv, (gpointer)a);
  va_end(ap);
  g_ptr_array_add(argv, NULL);
  Result r = {0};
  int wait_status = 0;
  GError *error = NULL;
  const char *root = g_getenv("KSIM_SOURCE_DIR");
  if (!g_spawn_sync(root ? root : KSIM_SOURCE_DIR, (char **)argv->pdata, NULL,
                    G_SPAWN_DEFAULT, NULL, NULL, &r.out, &r.err, &wait_status, &error))
    fail_msg("spawn: %s", error->message);
  r.status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128;
  g_ptr_array_free(argv, TRUE);
  return r;
}

static void result_clear(Result *r) {
  g_free(r->out);
  g_free(r->err);
}

static void assert_contains(const char *haystack, const char *needle) {
  if (!strstr(haystack, needle))
    fail_msg("expected \"%s\" in:\n%s", needle, haystack);
}

static void test_version_and_usage(void **state) {
  Result r = ksim("--version", NULL);
  assert_int_equal(r.status, 0);
  assert_true(g_str_has_prefix(r.out, "ksim "));
  result_clear(&r);
  r = ksim(NULL);
  assert_int_equal(r.status, 2);
  assert_contains(r.err, "Usage: ksim <command>");
  result_clear(&r);
  r = ksim("frobnicate", NULL);
  assert_int_equal(r.status, 2);
  assert_contains(r.err, "unknown command 'frobnicate'");
  result_clear(&r);
}

/* Every command's --help: exit 0, the exit codes, and the options
 * docs/cli.md documents for it (an option documented there but gone from
 * the command, or renamed, fails here). */
static void test_help_on_every_command(void **state) {
  static const char *const cmds[][2] = {
      {"run", "--seed --config --plugin --profile --summary-output --quiet --no-progress "
              "--record-wall-time --terminated-pod-gc-threshold --tie-break --trace "
              "--trace-format --trace-param --skip-bad-rows --set --replay --output"},
      {"summary", "--output"},
      {"plot", "--output-dir --sweep --format --metric"},
      {"compare", "--baseline --fail-on --output --list-metrics"},
      {"validate", "FILE..."},
      {"explain", "--filename --config --profile --plugin --output --score-all --seed"},
      {"sweep", "--jobs --output-dir --force --list --emit --ksim-command --aggregate"},
      {"gpu-curve", "FILE.h5"},
      {"bench sched", "--nodes --pods --pods-per-node --constraints "
                      "--percentage-of-nodes-to-score --seed --config --parallelism"},
      {"trace inspect", "--format --param --skip-bad-rows --output"},
      {"trace convert", "--from --output --param --skip-bad-rows --gzip --quiet"},
      {"trace synth", "--output --seed --pods"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cmds); i++) {
    char **words = g_strsplit(cmds[i][0], " ", 2);
    Result r = ksim(words[0], words[1] ? words[1] : "--help", words[1] ? "--help" : NULL, NULL);
    if (r.status != 0)
      fail_msg("ksim %s --help: exit %d\n%s", cmds[i][0], r.status, r.err);
    char **options = g_strsplit(cmds[i][1], " ", -1);
    for (char **o = options; *o; o++)
      if (!strstr(r.out, *o))
        fail_msg("ksim %s --help does not show %s:\n%s", cmds[i][0], *o, r.out);
    assert_contains(r.out, "Exit codes");
    g_strfreev(options);
    g_strfreev(words);
    result_clear(&r);
  }
  Result r = ksim("run", "--no-such-option", NULL);
  assert_int_equal(r.status, 2);
  assert_contains(r.err, "Unknown option --no-such-option");
  result_clear(&r);
}

static void test_validate(void **state) {
  Result r = ksim("validate", "tests/data/manifests/pod-kubectl.yaml",
                  "workloads/examples/tiny.yaml", NULL);
  assert_int_equal(r.status, 0);
  assert_contains(r.out, "tests/data/manifests/pod-kubectl.yaml: ok: 1 objects (1 Pod");
  assert_contains(r.out, "workloads/examples/tiny.yaml: ok: scenario tiny, 2 nodes in 1 pools");
  result_clear(&r);
  r = ksim("validate", "tests/data/manifests/bad/quantity.yaml", NULL);
  assert_int_equal(r.status, 2);
  assert_contains(r.err, "tests/data/manifests/bad/quantity.yaml:10:14: "
                         "spec.containers[0].resources.requests.cpu: \"12x\" is not a quantity");
  result_clear(&r);
  char *empty = g_strdup_printf("%s/ksim-empty-%d.yaml", g_get_tmp_dir(), (int)getpid());
  assert_true(g_file_set_contents(empty, "# nothing\n", -1, NULL));
  r = ksim("validate", empty, NULL);
  assert_int_equal(r.status, 2);
  assert_contains(r.err, "no objects found (the file is empty)");
  result_clear(&r);
  g_unlink(empty);
  g_free(empty);
  /* what the API server's CronJob validation refuses, checked by validate */
  r = ksim("validate", "tests/data/manifests/bad/cronjob-schedule.yaml", NULL);
  assert_int_equal(r.status, 2);
  assert_contains(r.err, "tests/data/manifests/bad/cronjob-schedule.yaml:1:1: spec.schedule: "
                         "Invalid value: \"61 * * * *\": end of range (61) above maximum (59): 61");
  result_clear(&r);
  r = ksim("validate", "tests/data/manifests/bad/cronjob-time-zone.yaml", NULL);
  assert_int_equal(r.status, 2);
  assert_contains(r.err, "tests/data/manifests/bad/cronjob-time-zone.yaml:1:1: spec.timeZone: "
                         "Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus");
  result_clear(&r);
  r = ksim("validate", "tests/data/no-such-file.yaml", NULL);
  assert_int_equal(r.status, 2);
  assert_contains(r.err, "tests/data/no-such-file.yaml");
  result_clear(&r);
}

/* spec.timeline and spec.faults are checked by validate as ksim run checks
 * them at load (the scenario loader, then the objects a timeline apply
 * creates): the ok line counts them, and each broken one exits 2 with the
 * loader's message. */
static void test_validate_timeline_and_faults(void **state) {
  Result r = ksim("validate", "tests/data/scenarios/timeline-faults.yaml",
                  "tests/scenarios/timeline-rc-scale.yaml", NULL);
  assert_int_equal(r.status, 0);
  assert_string_equal(r.out, "tests/data/scenarios/timeline-faults.yaml: ok: scenario "
                             "timeline-faults, 3 nodes in 1 pools, 0 batches, 0 generators, 3 "
                             "timeline actions, 1 fault entries\n"
                             "tests/scenarios/timeline-rc-scale.yaml: ok: scenario "
                             "timeline-rc-scale, 2 nodes in 1 pools, 1 batches, 0 generators, 2 "
                             "timeline actions\n");
  result_clear(&r);
  static const char *const cases[][2] = {
    {"timeline-after-end.yaml",
     "9:10: spec.timeline[1].at: must be before the end of the run (spec.duration: 1m)"},
    {"timeline-unknown-field.yaml",
     "8:59: spec.timeline[0].replica: unknown field (known fields: at, action, kind, name, "
     "namespace, replicas)"},
    /* an object the apply would create, refused as the API server would */
    {"timeline-apply-cronjob.yaml",
     "11:7: spec.schedule: Invalid value: \"0 25 * * *\": end of range (25) above maximum (23): "
     "25"},
    {"faults-pool.yaml", "16:11: spec.faults[0].pool: no node pool named \"workers\""},
    {"faults-distribution.yaml",
     "17:26: spec.faults[0].mtbf.distribution: \"weibull\" is not a distribution (constant, "
     "exponential, uniform, lognormal)"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    char *rel = g_strconcat("tests/data/scenarios/bad/", cases[i][0], NULL);
    r = ksim("validate", rel, NULL);
    char *want = g_strdup_printf("%s:%s\n", rel, cases[i][1]);
    if (r.status != 2 || strcmp(r.err, want) != 0)
      fail_msg("ksim validate %s: exit %d\ngot  %swant %s", rel, r.status, r.err, want);
    assert_string_equal(r.out, "");
    g_free(want);
    g_free(rel);
    result_clear(&r);
  }
}

/* Every broken manifest and scenario of the loader tests also fails through
 * the command: exit 2, one message naming the file with line and column. */
static void check_bad_dir(const char *rel_dir) {
  const char *root = g_getenv("KSIM_SOURCE_DIR");
  char *dir_path = g_build_filename(root ? root : KSIM_SOURCE_DIR, rel_dir, NULL);
  GDir *dir = g_dir_open(dir_path, 0, NULL);
  assert_non_null(dir);
  guint checked = 0;
  const char *name;
  while ((name = g_dir_read_name(dir))) {
    char *rel = g_build_filename(rel_dir, name, NULL);
    Result r = ksim("validate", rel, NULL);
    if (r.status != 2)
      fail_msg("ksim validate %s: exit %d, expected 2\n%s%s", rel, r.status, r.out, r.err);
    /* An empty file has no line to point at; every other error does. */
    char *prefix = g_strconcat(rel, ":", NULL);
    gboolean empty = !strcmp(name, "empty.yaml");
    if (!g_str_has_prefix(r.err, prefix) || (!empty && !g_ascii_isdigit(r.err[strlen(prefix)])))
      fail_msg("ksim validate %s: message does not start with %s<line>:\n%s", rel, prefix, r.err);
    g_free(prefix);
    result_clear(&r);
    g_free(rel);
    checked++;
  }
  g_dir_close(dir);
  g_free(dir_path);
  assert_true(checked >= 10);
}

static void test_validate_every_bad_file(void **state) {
  check_bad_dir("tests/data/manifests/bad");
  check_bad_dir("tests/data/scenarios/bad");
}

/* The bundled GPU example end to end: the openb sample (45 nodes, 234 GPUs:
 * awk -F, 'NR>1{g+=$4} END{print g}' traces/samples/openb/openb_node_list_gpu_node.csv)
 * resampled to 130% of the GPUs, so the arrived GPU milli is at most
 * 1.3 x 234,000 = 304,200 and more than 304,200 - 1,000 (the stop rule adds
 * at most one GPU's milli, docs/fgd.md 4.3); the curve has its 100% point;
 * a rerun gives the same bytes. */
static void test_gpu_fill_example(void **state) {
  char *dir = g_dir_make_tmp("ksim-cli-XXXXXX", NULL);
  char *a = g_build_filename(dir, "a.h5", NULL);
  char *b = g_build_filename(dir, "b.h5", NULL);
  Result r = ksim("run", "workloads/examples/gpu-fill.yaml", "-o", a, "-q", "--tie-break",
                  "node-rank", NULL);
  assert_int_equal(r.status, 0);
  result_clear(&r);
  r = ksim("run", "workloads/examples/gpu-fill.yaml", "-o", b, "-q", "--tie-break", "node-rank",
           NULL);
  assert_int_equal(r.status, 0);
  result_clear(&r);
  gchar *da = NULL, *db = NULL;
  gsize la = 0, lb = 0;
  assert_true(g_file_get_contents(a, &da, &la, NULL) && g_file_get_contents(b, &db, &lb, NULL));
  assert_true(la == lb && memcmp(da, db, la) == 0);
  g_free(da);
  g_free(db);
  r = ksim("gpu-curve", a, NULL);
  assert_int_equal(r.status, 0);
  gint64 gpus = 0, arrived = 0, allocated = 0, pods = 0;
  assert_int_equal(sscanf(r.out, "# gpus=%" G_GINT64_FORMAT " arrived_milli=%" G_GINT64_FORMAT
                                 " allocated_milli=%" G_GINT64_FORMAT " pods=%" G_GINT64_FORMAT,
                          &gpus, &arrived, &allocated, &pods),
                   4);
  assert_int_equal(gpus, 234);
  assert_true(arrived <= 304200 && arrived > 303200);
  assert_true(allocated > 0 && allocated <= 234000 && allocated < arrived);
  assert_true(pods > 300); /* resampled copies came after the 300 originals */
  assert_contains(r.out, "\narrived_pct,alloc_pct,unalloc_pct\n0,");
  assert_contains(r.out, "\n100,");
  result_clear(&r);
  r = ksim("run", "workloads/examples/gpu-fill.yaml", "-o", a, "--tie-break", "lowest", NULL);
  assert_int_equal(r.status, 2);
  assert_contains(r.err, "tie-break \"lowest\": use random, first or node-rank");
  result_clear(&r);
  r = ksim("gpu-curve", "/nonexistent.h5", NULL);
  assert_int_equal(r.status, 2);
  result_clear(&r);
  /* FGD without a trace learns its typical pods from the manifests' pods:
   * a scenario with none is refused before it runs. */
  char *empty = g_build_filename(dir, "no-pods.yaml", NULL);
  char *config = g_build_filename(g_getenv("KSIM_SOURCE_DIR"), "workloads", "examples",
                                  "gpu-fgd-scheduler.yaml", NULL);
  assert_true(g_file_set_contents(empty,
                                  "apiVersion: ksim.io/v1alpha1\nkind: Scenario\n"
                                  "metadata: {name: no-pods}\nspec:\n  duration: 1m\n",
                                  -1, NULL));
  g_unlink(a); /* a failed run must leave nothing behind */
  r = ksim("run", empty, "--config", config, "-o", a, NULL);
  assert_int_equal(r.status, 2);
  assert_contains(r.err, "FGD needs the workload's typical pods (docs/fgd.md 2.1): give the "
                         "scenario a trace (spec.trace) or pods in its manifests");
  assert_false(g_file_test(a, G_FILE_TEST_EXISTS));
  result_clear(&r);
  g_unlink(empty);
  g_free(empty);
  g_free(config);
  g_unlink(a);
  g_unlink(b);
  g_rmdir(dir);
  g_free(a);
  g_free(b);
  g_free(dir);
}

/* The native sample is what `ksim trace synth` makes from its seed, and the
 * trace-replay example replays it: every pod-create of the file becomes a
 * pod, the first (trace time 362.775695 s) created at 362.775695 / 60 s =
 * 6.046261 s of sim time (speed 60, rounded down to the microsecond). */
static void test_native_sample_and_replay(void **state) {
  char *dir = g_dir_make_tmp("ksim-cli-XXXXXX", NULL);
  char *synth = g_build_filename(dir, "week.ksim", NULL);
  char *h5 = g_build_filename(dir, "replay.h5", NULL);
  Result r = ksim("trace", "synth", "ksim", "-o", synth, "--pods", "400", "--seed", "1", NULL);
  assert_int_equal(r.status, 0);
  result_clear(&r);
  gchar *want = NULL, *got = NULL;
  gsize lw = 0, lg = 0;
  g_autofree char *sample = g_build_filename(g_getenv("KSIM_SOURCE_DIR"), "traces", "samples",
                                             "ksim", "week.ksim", NULL);
  assert_true(g_file_get_contents(sample, &want, &lw, NULL));
  assert_true(g_file_get_contents(synth, &got, &lg, NULL));
  assert_true(lw == lg && memcmp(want, got, lw) == 0);
  guint creates = 0;
  for (const char *p = want; (p = strstr(p, " pod-create ")); p++)
    creates++;
  g_free(want);
  g_free(got);
  r = ksim("run", "workloads/examples/trace-replay.yaml", "-o", h5, "-q", NULL);
  assert_int_equal(r.status, 0);
  result_clear(&r);
  KsResults *res = ks_results_read(h5, NULL);
  assert_non_null(res);
  assert_int_equal(res->n_pods, creates);
  assert_int_equal(res->pods[0].created_us, 6046261);
  ks_results_free(res);
  g_unlink(synth);
  g_unlink(h5);
  g_rmdir(dir);
  g_free(synth);
  g_free(h5);
  g_free(dir);
}

static void test_run_summary_plot(void **state) {
  char *dir = g_dir_make_tmp("ksim-cli-XXXXXX", NULL);
  char *out = g_build_filename(dir, "tiny.h5", NULL);
  Result r = ksim("run", "workloads/examples/tiny.yaml", "-o", out, "--summary-output", "json",
                  NULL);
  assert_int_equal(r.status, 0);
  assert_contains(r.out, "\"pods_total\": 4");
  assert_contains(r.out, "\"pending_time_max_s\": 61.000000");
  result_clear(&r);
  r = ksim("summary", out, NULL);
  assert_int_equal(r.status, 0);
  assert_contains(r.out, "4 total, 4 scheduled");
  result_clear(&r);
  r = ksim("summary", out, "--output", "yaml", NULL);
  assert_int_equal(r.status, 2);
  result_clear(&r);

  char *plots = g_build_filename(dir, "plots", NULL);
  r = ksim("plot", out, "-o", plots, NULL);
  char *gnuplot = g_find_program_in_path("gnuplot");
  if (gnuplot) {
    assert_int_equal(r.status, 0);
    char *png = g_build_filename(plots, "utilization.png", NULL);
    assert_true(g_file_test(png, G_FILE_TEST_IS_REGULAR));
    g_free(png);
  } else {
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "gnuplot");
  }
  result_clear(&r);
  g_free(gnuplot);
  char *rm[] = {"rm", "-rf", dir, NULL};
  g_spawn_sync(NULL, rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  g_free(plots);
  g_free(out);
  g_free(dir);
}

static void test_bad_inputs_exit_2(void **state) {
  char *out = g_strdup_printf("%s/ksim-cli-%d-bad.h5", g_get_tmp_dir(), (int)getpid());
  Result r = ksim("run", "tests/data/scenarios/bad/missing-duration.yaml", "-o", out, NULL);
  assert_int_equal(r.status, 2);
  assert_contains(r.err, "tests/data/scenarios/bad/missing-duration.yaml:");
  assert_false(g_file_test(out, G_FILE_TEST_EXISTS));
  g_free(out);
  result_clear(&r);
  r = ksim("run", "workloads/examples/tiny.yaml", "extra.yaml", NULL);
  assert_int_equal(r.status, 2);
  result_clear(&r);
  r = ksim("summary", "tests/data/manifests/pod-kubectl.yaml", NULL);
  assert_int_equal(r.status, 2);
  assert_contains(r.err, "pod-kubectl.yaml");
  result_clear(&r);
}

static void test_run_with_scheduler_config_and_plugins(void **state) {
  char *out = g_strdup_printf("%s/ksim-cli-%d-cfg.h5", g_get_tmp_dir(), (int)getpid());
  Result r = ksim("run", "workloads/examples/tiny.yaml", "-o", out, "--config",
                  "tests/data/schedconfig/most-allocated.yaml", NULL);
  assert_int_equal(r.status, 0);
  assert_contains(r.out, "scheduler_config     tests/data/schedconfig/most-allocated.yaml");
  result_clear(&r);
  g_unlink(out);
  r = ksim("run", "workloads/examples/tiny.yaml", "-o", out, "--config",
           "tests/data/schedconfig/bad/no-such.yaml", NULL);
  assert_int_equal(r.status, 2);
  assert_contains(r.err, "tests/data/schedconfig/bad/no-such.yaml");
  assert_false(g_file_test(out, G_FILE_TEST_EXISTS));
  result_clear(&r);
  r = ksim("run", "workloads/examples/tiny.yaml", "-o", out, "--plugin", "/nonexistent/p.so", NULL);
  assert_int_equal(r.status, 2);
  assert_contains(r.err, "/nonexistent/p.so");
  assert_false(g_file_test(out, G_FILE_TEST_EXISTS));
  result_clear(&r);
  g_free(out);
}

/* The example out-of-tree plugin, loaded with --plugin and enabled by the
 * configuration, decides the placement (ksim explain shows its scores). */
static void test_user_plugin_through_the_command(void **state) {
  char *bin_dir = g_path_get_dirname(KSIM_BINARY);
  char *so = g_build_filename(bin_dir, "plugins", "node_label_score.so", NULL);
  Result r = ksim("explain", "-f", "tests/data/explain/labelled.yaml", "--config",
                  "tests/data/schedconfig/node-label-score.yaml", "--plugin", so, "-o", "json", NULL);
  assert_int_equal(r.status, 0);
  assert_contains(r.out, "\"selected\": \"node-2\"");
  assert_contains(r.out, "\"NodeLabelScore\": {\n          \"raw\": 40,\n          \"normalized\": 100,\n"
                         "          \"weighted\": 500\n        }");
  result_clear(&r);
  /* Without the module the configuration names a plugin nobody registered. */
  r = ksim("explain", "-f", "tests/data/explain/labelled.yaml", "--config",
           "tests/data/schedconfig/node-label-score.yaml", NULL);
  assert_int_equal(r.status, 2);
  assert_contains(r.err, "NodeLabelScore");
  result_clear(&r);
  g_free(so);
  g_free(bin_dir);
}

static void test_unwritable_output_exits_1(void **state) {
  Result r = ksim("run", "workloads/examples/tiny.yaml", "-o", "/proc/ksim/none.h5", NULL);
  assert_int_equal(r.status, 1);
  assert_contains(r.err, "/proc/ksim/none.h5");
  result_clear(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_version_and_usage),   cmocka_unit_test(test_help_on_every_command),
    cmocka_unit_test(test_validate),            cmocka_unit_test(test_validate_every_bad_file),
    cmocka_unit_test(test_validate_timeline_and_faults),
    cmocka_unit_test(test_run_summary_plot),
    cmocka_unit_test(test_bad_inputs_exit_2),   cmocka_unit_test(test_unwritable_output_exits_1),
    cmocka_unit_test(test_run_with_scheduler_config_and_plugins),
    cmocka_unit_test(test_gpu_fill_example),
    cmocka_unit_test(test_native_sample_and_replay),
    cmocka_unit_test(test_user_plugin_through_the_command),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
