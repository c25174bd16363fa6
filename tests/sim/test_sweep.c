/* ksim sweep: expansion order, ids and command lines; the run list; the
 * checks made before anything runs; emitted GNU parallel and Slurm files
 * (exact text); and a real sweep of 2 profiles x 3 seeds through child ksim
 * processes with its aggregated table (CSV and HDF5) checked value by value
 * against figures computed by hand (tests/data/sweeps/two-nodes.yaml). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>
#include <hdf5.h>

#include "sim/sweep.h"

#define DATA KSIM_TEST_DATA "/sweeps"
#define HEAD "apiVersion: ksim.io/v1alpha1\nkind: Sweep\nmetadata: {name: s}\n"

static KsSweepSpec *spec_text(const char *text, const char *base_dir) {
  GError *error = NULL;
  KsSweepSpec *s = ks_sweep_spec_load_string(text, strlen(text), "sw.yaml", base_dir, &error);
  if (!s)
    fail_msg("%s", error->message);
  return s;
}

static KsSweepPlan *plan_of(const KsSweepSpec *s, const char *out, gboolean check) {
  GError *error = NULL;
  KsSweepPlan *p = ks_sweep_plan_new(s, out, check, &error);
  if (!p)
    fail_msg("%s", error->message);
  return p;
}

static const KsSweepRun *run_at(const KsSweepPlan *p, guint i) {
  assert_true(i < p->runs->len);
  return p->runs->pdata[i];
}

static char *tmpdir(void) {
  GError *error = NULL;
  char *d = g_dir_make_tmp("ksim-sweep-XXXXXX", &error);
  if (!d)
    fail_msg("%s", error->message);
  return d;
}

static void rm_rf(const char *path) {
  if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
    GDir *d = g_dir_open(path, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name(d))) {
      char *child = g_build_filename(path, name, NULL);
      rm_rf(child);
      g_free(child);
    }
    if (d)
      g_dir_close(d);
    g_rmdir(path);
  } else {
    g_unlink(path);
  }
}

static char *read_text(const char *dir, const char *name) {
  char *path = g_build_filename(dir, name, NULL);
  char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL))
    fail_msg("cannot read %s", path);
  g_free(path);
  return text;
}

/* ---- expansion ------------------------------------------------------------ */

static const char *const matrix =
  HEAD "spec:\n"
  "  scenarios: [a.yaml, dir/b.yml]\n"
  "  profiles: [default, conf/pack.yaml]\n"
  "  parameters:\n"
  "    spec.nodePools[0].count: [4, \"8\"]\n"
  "    --tie-break: [first]\n"
  "  seeds: [2, 1]\n";

static void test_expansion_order_and_ids(void **state) {
  (void)state;
  KsSweepSpec *s = spec_text(matrix, "/base");
  KsSweepPlan *p = plan_of(s, "out", FALSE);
  const char *const cols[] = {"scenario", "profile", "spec.nodePools[0].count", "--tie-break",
                              "seed", NULL};
  assert_int_equal(g_strv_length(p->columns), 5);
  for (guint i = 0; cols[i]; i++)
    assert_string_equal(p->columns[i], cols[i]);
  /* Scenarios, profiles, parameters in file order, seeds; the last fastest. */
  static const char *const ids[] = {
    "a_default_count-4_tie-break-first_s2", "a_default_count-4_tie-break-first_s1",
    "a_default_count-8_tie-break-first_s2", "a_default_count-8_tie-break-first_s1",
    "a_pack_count-4_tie-break-first_s2",    "a_pack_count-4_tie-break-first_s1",
    "a_pack_count-8_tie-break-first_s2",    "a_pack_count-8_tie-break-first_s1",
    "b_default_count-4_tie-break-first_s2", "b_default_count-4_tie-break-first_s1",
    "b_default_count-8_tie-break-first_s2", "b_default_count-8_tie-break-first_s1",
    "b_pack_count-4_tie-break-first_s2",    "b_pack_count-4_tie-break-first_s1",
    "b_pack_count-8_tie-break-first_s2",    "b_pack_count-8_tie-break-first_s1",
  };
  assert_int_equal(p->runs->len, G_N_ELEMENTS(ids));
  for (guint i = 0; i < G_N_ELEMENTS(ids); i++) {
    assert_string_equal(run_at(p, i)->id, ids[i]);
    assert_int_equal(run_at(p, i)->index, i);
  }
  const KsSweepRun *r = run_at(p, 13);
  const char *const coords[] = {"dir/b.yml", "conf/pack.yaml", "4", "first", "1", NULL};
  for (guint i = 0; coords[i]; i++)
    assert_string_equal(r->coords[i], coords[i]);
  assert_null(r->coords[5]);
  assert_string_equal(r->output, "out/runs/b_pack_count-4_tie-break-first_s1.h5");
  g_autofree char *cmd = ks_sweep_run_command(r, "ksim");
  assert_string_equal(cmd, "ksim run /base/dir/b.yml --config /base/conf/pack.yaml --set "
                           "'spec.nodePools[0].count=4' --tie-break first --seed 1 --output "
                           "out/runs/b_pack_count-4_tie-break-first_s1.h5 --quiet");
  g_autofree char *cmd3 = ks_sweep_run_command(run_at(p, 3), "/opt/k sim/ksim");
  assert_string_equal(cmd3, "'/opt/k sim/ksim' run /base/a.yaml --profile default --set "
                            "'spec.nodePools[0].count=\"8\"' --tie-break first --seed 1 --output "
                            "out/runs/a_default_count-8_tie-break-first_s1.h5 --quiet");
  /* Adding a value keeps every existing run's id. */
  ks_sweep_plan_free(p);
  ks_sweep_spec_free(s);
  g_autofree char *more = g_strdup(matrix);
  char *at = strstr(more, "[first]");
  g_autofree char *bigger = g_strdup_printf("%.*s[first, random]%s", (int)(at - more), more,
                                            at + strlen("[first]"));
  s = spec_text(bigger, "/base");
  p = plan_of(s, "out", FALSE);
  assert_int_equal(p->runs->len, 32);
  assert_string_equal(run_at(p, 0)->id, ids[0]);
  assert_string_equal(run_at(p, 2)->id, "a_default_count-4_tie-break-random_s2");
  assert_string_equal(run_at(p, 4)->id, ids[2]);
  ks_sweep_plan_free(p);
  ks_sweep_spec_free(s);
}

static void test_traces_and_options(void **state) {
  (void)state;
  KsSweepSpec *s = spec_text(HEAD "spec:\n"
                                  "  scenarios: [base.yaml]\n"
                                  "  traces: [t/week.ksim, t/alibaba.csv.gz]\n"
                                  "  traceFormat: ksim\n"
                                  "  parameters:\n"
                                  "    --replay: [speed=60, 'nodeSelector=a=b,c']\n"
                                  "    --terminated-pod-gc-threshold: [0]\n"
                                  "  seeds: {from: 1, count: 1}\n",
                             "/b");
  KsSweepPlan *p = plan_of(s, "/o", FALSE);
  assert_int_equal(p->runs->len, 4);
  assert_string_equal(p->columns[1], "trace");
  assert_string_equal(run_at(p, 0)->id, "base_week_default_replay-speed-60_terminated-pod-gc-threshold-0_s1");
  assert_string_equal(run_at(p, 3)->id, "base_alibaba_default_replay-nodeSelector-a-b-c_terminated-pod-gc-threshold-0_s1");
  g_autofree char *cmd = ks_sweep_run_command(run_at(p, 3), "ksim");
  assert_string_equal(cmd, "ksim run /b/base.yaml --trace /b/t/alibaba.csv.gz --trace-format ksim "
                           "--profile default --replay nodeSelector=a=b,c "
                           "--terminated-pod-gc-threshold 0 --seed 1 --output "
                           "/o/runs/base_alibaba_default_replay-nodeSelector-a-b-c_terminated-pod-gc-threshold-0_s1.h5 --quiet");
  ks_sweep_plan_free(p);
  ks_sweep_spec_free(s);
}

static void test_id_collision(void **state) {
  (void)state;
  KsSweepSpec *s = spec_text(HEAD "spec:\n  scenarios: [x/a.yaml, y/a.yaml]\n  seeds: [1]\n", "/b");
  GError *error = NULL;
  assert_null(ks_sweep_plan_new(s, "o", FALSE, &error));
  assert_string_equal(error->message,
                      "sw.yaml: runs 0 and 1 would both get the id \"a_default_s1\" (their values "
                      "differ only in characters other than letters, digits, '.' and '-'): rename "
                      "a file or change a value");
  g_clear_error(&error);
  ks_sweep_spec_free(s);
  s = spec_text(HEAD "spec:\n  scenarios: [a.yaml]\n  parameters:\n    spec.x: [a_b, a/b]\n  seeds: [1]\n", "/b");
  assert_null(ks_sweep_plan_new(s, "o", FALSE, &error));
  assert_true(g_str_has_prefix(error->message, "sw.yaml: runs 0 and 1 would both get the id \"a_default_x-a-b_s1\""));
  g_clear_error(&error);
  ks_sweep_spec_free(s);
}

/* ---- checks before running ------------------------------------------------ */

static void test_checks(void **state) {
  (void)state;
  static const struct {
    const char *spec, *message;
  } cases[] = {
    {"  scenarios: [missing.yaml]\n  seeds: [1]\n",
     "sw.yaml:5:15: spec.scenarios[0]: " DATA "/missing.yaml: no such file"},
    {"  scenarios: [two-nodes.yaml]\n  parameters:\n    spec.nodePools[0].count: [1, 0]\n  seeds: [1]\n",
     "sw.yaml:7:34: spec.parameters[spec.nodePools[0].count][1] (with scenario two-nodes.yaml): "
     DATA "/two-nodes.yaml:16:12: spec.nodePools[0].count: must be a positive integer"},
    {"  scenarios: [two-nodes.yaml]\n  parameters:\n    spec.nodePools[2].count: [1]\n  seeds: [1]\n",
     "sw.yaml:7:31: spec.parameters[spec.nodePools[2].count][0] (with scenario two-nodes.yaml): "
     "--set spec.nodePools[2].count=1: spec.nodePools[2]: index out of range (the sequence has 1 item)"},
    {"  scenarios: [two-nodes.yaml]\n  traces: [none.ksim]\n  seeds: [1]\n",
     "sw.yaml:6:12: spec.traces[0]: " DATA "/none.ksim: no such file"},
    {"  scenarios: [two-nodes.yaml]\n  profiles: [two-nodes.yaml]\n  seeds: [1]\n",
     "sw.yaml:6:14: spec.profiles[0]: " DATA "/two-nodes.yaml:9:1: metadata: unknown field \"metadata\""},
    {"  scenarios: [two-nodes.yaml]\n  parameters:\n    --tie-break: [first, best]\n  seeds: [1]\n",
     "sw.yaml:7:26: spec.parameters[--tie-break][1]: tie-break \"best\": use random, first or node-rank"},
    {"  scenarios: [two-nodes.yaml]\n  parameters:\n    --replay: [speed=fast]\n  seeds: [1]\n",
     NULL /* the replay option parser's own words, checked by prefix */},
    {"  scenarios: [two-nodes.yaml]\n  parameters:\n    --terminated-pod-gc-threshold: [-1]\n  seeds: [1]\n",
     "sw.yaml:7:37: spec.parameters[--terminated-pod-gc-threshold][0]: \"-1\" is not a non-negative integer"},
  };
  guint failures = 0;
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *text = g_strconcat(HEAD "spec:\n", cases[i].spec, NULL);
    KsSweepSpec *s = spec_text(text, DATA);
    GError *error = NULL;
    assert_null(ks_sweep_plan_new(s, "o", TRUE, &error));
    if (cases[i].message && strcmp(error->message, cases[i].message)) {
      print_error("case %zu:\n got  %s\n want %s\n", i, error->message, cases[i].message);
      failures++;
    }
    if (!cases[i].message)
      assert_true(g_str_has_prefix(error->message, "sw.yaml:7:16: spec.parameters[--replay][0]: "));
    g_error_free(error);
    ks_sweep_spec_free(s);
  }
  assert_int_equal(failures, 0);
}

/* A scenario with spec.schedulerConfig: a built-in profile would be ignored. */
static void test_builtin_profile_with_scheduler_config(void **state) {
  (void)state;
  g_autofree char *dir = tmpdir();
  g_autofree char *scn = read_text(DATA, "two-nodes.yaml");
  g_autofree char *with = g_strconcat(scn, "  schedulerConfig: pack.yaml\n", NULL);
  g_autofree char *scn_path = g_build_filename(dir, "s.yaml", NULL);
  g_autofree char *cfg = read_text(DATA, "pack.yaml");
  g_autofree char *cfg_path = g_build_filename(dir, "pack.yaml", NULL);
  assert_true(g_file_set_contents(scn_path, with, -1, NULL));
  assert_true(g_file_set_contents(cfg_path, cfg, -1, NULL));
  KsSweepSpec *s = spec_text(HEAD "spec:\n  scenarios: [s.yaml]\n  profiles: [pack.yaml, legacy-v1.7]\n  seeds: [1]\n", dir);
  GError *error = NULL;
  assert_null(ks_sweep_plan_new(s, "o", TRUE, &error));
  assert_string_equal(error->message,
                      "sw.yaml:6:25: spec.profiles[1]: the built-in profile \"legacy-v1.7\" would not "
                      "apply: scenario s.yaml sets spec.schedulerConfig, which wins over a built-in "
                      "profile (list KubeSchedulerConfiguration files instead)");
  g_error_free(error);
  ks_sweep_spec_free(s);
  rm_rf(dir);
}

/* ---- the run list and emitted jobs ---------------------------------------- */

static void test_run_list_and_emit(void **state) {
  (void)state;
  g_autofree char *dir = tmpdir();
  g_autofree char *out = g_build_filename(dir, "o", NULL);
  KsSweepSpec *s = spec_text(HEAD "spec:\n  scenarios: [a.yaml]\n  profiles: [default, legacy-v1.7]\n"
                                  "  parameters:\n    spec.seed: [1, \"x y\"]\n  seeds: [5]\n", "in");
  KsSweepPlan *p = plan_of(s, out, FALSE);
  GError *error = NULL;
  guint n = 0;
  g_autofree char *jobs = ks_sweep_emit(p, KS_SWEEP_EMIT_PARALLEL, FALSE, "ksim", "/w", &n, &error);
  assert_non_null(jobs);
  assert_int_equal(n, 4);
  g_autofree char *list = read_text(out, "runs.tsv");
  assert_string_equal(list, "run_id\tscenario\tprofile\tspec.seed\tseed\n"
                            "a_default_seed-1_s5\ta.yaml\tdefault\t1\t5\n"
                            "a_default_seed-x-y_s5\ta.yaml\tdefault\tx y\t5\n"
                            "a_legacy-v1.7_seed-1_s5\ta.yaml\tlegacy-v1.7\t1\t5\n"
                            "a_legacy-v1.7_seed-x-y_s5\ta.yaml\tlegacy-v1.7\tx y\t5\n");
  /* A run whose results exist is left out of the next job list. */
  g_autofree char *done = g_build_filename(out, "runs", "a_default_seed-1_s5.h5", NULL);
  assert_true(g_file_set_contents(done, "", 0, NULL));
  g_free(g_steal_pointer(&jobs));
  jobs = ks_sweep_emit(p, KS_SWEEP_EMIT_PARALLEL, FALSE, "ksim", "/w", &n, &error);
  assert_int_equal(n, 3);
  g_autofree char *text = read_text(out, "jobs.txt");
  g_autofree char *want = g_strdup_printf(
    "ksim run in/a.yaml --profile default --set 'spec.seed=\"x y\"' --seed 5 --output %s/runs/a_default_seed-x-y_s5.h5 --quiet\n"
    "ksim run in/a.yaml --profile legacy-v1.7 --set spec.seed=1 --seed 5 --output %s/runs/a_legacy-v1.7_seed-1_s5.h5 --quiet\n"
    "ksim run in/a.yaml --profile legacy-v1.7 --set 'spec.seed=\"x y\"' --seed 5 --output %s/runs/a_legacy-v1.7_seed-x-y_s5.h5 --quiet\n",
    out, out, out);
  assert_string_equal(text, want);
  g_autofree char *slurm = ks_sweep_emit(p, KS_SWEEP_EMIT_SLURM, FALSE, "ksim", "/w", &n, &error);
  g_autofree char *slurm_path = g_build_filename(out, "sweep.slurm", NULL);
  assert_string_equal(slurm, slurm_path);
  g_autofree char *script = read_text(out, "sweep.slurm");
  g_autofree char *want_script = g_strdup_printf(
    "#!/bin/bash\n"
    "# ksim sweep: 3 runs, one per array task (ksim sweep --emit slurm).\n"
    "# Submit: sbatch %s/sweep.slurm\n"
    "# Then:   ksim sweep --aggregate %s\n"
    "#SBATCH --job-name=ksim-o\n"
    "#SBATCH --array=0-2\n"
    "#SBATCH --ntasks=1\n"
    "#SBATCH --cpus-per-task=1\n"
    "#SBATCH --chdir=/w\n"
    "#SBATCH --output=%s/logs/slurm-%%A_%%a.out\n"
    "set -euo pipefail\n"
    "case \"$SLURM_ARRAY_TASK_ID\" in\n"
    "  0) exec ksim run in/a.yaml --profile default --set 'spec.seed=\"x y\"' --seed 5 --output %s/runs/a_default_seed-x-y_s5.h5 --quiet ;;\n"
    "  1) exec ksim run in/a.yaml --profile legacy-v1.7 --set spec.seed=1 --seed 5 --output %s/runs/a_legacy-v1.7_seed-1_s5.h5 --quiet ;;\n"
    "  2) exec ksim run in/a.yaml --profile legacy-v1.7 --set 'spec.seed=\"x y\"' --seed 5 --output %s/runs/a_legacy-v1.7_seed-x-y_s5.h5 --quiet ;;\n"
    "  *) echo \"ksim sweep: no run for array task $SLURM_ARRAY_TASK_ID\" >&2; exit 2 ;;\n"
    "esac\n",
    out, out, out, out, out, out);
  assert_string_equal(script, want_script);
  /* --force emits all four; with every result present nothing is left. */
  g_free(ks_sweep_emit(p, KS_SWEEP_EMIT_PARALLEL, TRUE, "ksim", "/w", &n, &error));
  assert_int_equal(n, 4);
  for (guint i = 0; i < p->runs->len; i++)
    assert_true(g_file_set_contents(run_at(p, i)->output, "", 0, NULL));
  assert_null(ks_sweep_emit(p, KS_SWEEP_EMIT_SLURM, FALSE, "ksim", "/w", &n, &error));
  assert_null(error);
  assert_int_equal(n, 0);
  /* The run list reads back with the same ids and coordinates. */
  KsSweepPlan *back = ks_sweep_plan_read(out, &error);
  assert_non_null(back);
  assert_int_equal(back->runs->len, 4);
  assert_string_equal(back->columns[2], "spec.seed");
  assert_string_equal(run_at(back, 1)->id, "a_default_seed-x-y_s5");
  assert_string_equal(run_at(back, 1)->coords[2], "x y");
  assert_string_equal(run_at(back, 1)->output, run_at(p, 1)->output);
  ks_sweep_plan_free(back);
  ks_sweep_plan_free(p);
  ks_sweep_spec_free(s);
  rm_rf(dir);
}

static void test_run_list_errors(void **state) {
  (void)state;
  static const struct {
    const char *text, *message;
  } cases[] = {
    {"", "%s/runs.tsv:1: not a sweep run list (expected a header run_id<TAB>...<TAB>seed)"},
    {"id\tscenario\tseed\n", "%s/runs.tsv:1: not a sweep run list (expected a header run_id<TAB>...<TAB>seed)"},
    {"run_id\tscenario\tseed\na\tx\n", "%s/runs.tsv:2: expected 3 fields, found 2"},
    {"run_id\tscenario\tseed\n../a\tx\t1\n", "%s/runs.tsv:2: bad run id"},
    {"run_id\tscenario\tseed\na\tx\t1\na\ty\t1\n", "%s/runs.tsv:3: duplicate run id"},
  };
  g_autofree char *dir = tmpdir();
  g_autofree char *path = g_build_filename(dir, "runs.tsv", NULL);
  GError *error = NULL;
  assert_null(ks_sweep_plan_read(dir, &error));
  g_autofree char *hint = g_strdup_printf("(is %s the output folder of a sweep?)", dir);
  assert_true(g_str_has_suffix(error->message, hint));
  g_clear_error(&error);
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    assert_true(g_file_set_contents(path, cases[i].text, -1, NULL));
    assert_null(ks_sweep_plan_read(dir, &error));
    g_autofree char *want = g_strdup_printf(cases[i].message, dir);
    assert_string_equal(error->message, want);
    g_clear_error(&error);
  }
  rm_rf(dir);
}

/* ---- a real sweep ---------------------------------------------------------- */

/* Reads member `name` of every row of OUT/sweep.h5's "runs" as doubles. */
static double *h5_column(const char *path, const char *name, hsize_t *n) {
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(f >= 0);
  hid_t ds = H5Dopen2(f, "runs", H5P_DEFAULT);
  assert_true(ds >= 0);
  hid_t space = H5Dget_space(ds);
  H5Sget_simple_extent_dims(space, n, NULL);
  hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(double));
  H5Tinsert(t, name, 0, H5T_NATIVE_DOUBLE);
  double *v = g_new0(double, *n + 1);
  assert_true(H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
  H5Tclose(t);
  H5Sclose(space);
  H5Dclose(ds);
  H5Fclose(f);
  return v;
}

static char **h5_strings(const char *path, const char *name) {
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t ds = H5Dopen2(f, "runs", H5P_DEFAULT);
  hid_t space = H5Dget_space(ds);
  hsize_t n;
  H5Sget_simple_extent_dims(space, &n, NULL);
  hid_t str = H5Tcopy(H5T_C_S1);
  H5Tset_size(str, H5T_VARIABLE);
  H5Tset_cset(str, H5T_CSET_UTF8); /* HDF5 converts no string between ASCII and UTF-8 */
  hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(char *));
  H5Tinsert(t, name, 0, str);
  char **v = g_new0(char *, n + 1);
  assert_true(H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
  char **copy = g_new0(char *, n + 1);
  for (hsize_t i = 0; i < n; i++)
    copy[i] = g_strdup(v[i]);
  H5Dvlen_reclaim(t, space, H5P_DEFAULT, v);
  g_free(v);
  H5Tclose(t);
  H5Tclose(str);
  H5Sclose(space);
  H5Dclose(ds);
  H5Fclose(f);
  return copy;
}

/* The CSV cell of row r (1-based, after the header) in column `name`. */
static char *csv_cell(const char *csv, guint r, const char *name) {
  g_auto(GStrv) lines = g_strsplit(csv, "\n", -1);
  g_auto(GStrv) header = g_strsplit(lines[0], ",", -1);
  g_auto(GStrv) row = g_strsplit(lines[r], ",", -1);
  for (guint i = 0; header[i]; i++)
    if (!strcmp(header[i], name))
      return g_strdup(row[i]);
  fail_msg("no column %s", name);
  return NULL;
}

static void test_sweep_two_profiles_three_seeds(void **state) {
  (void)state;
  g_autofree char *dir = tmpdir();
  g_autofree char *out = g_build_filename(dir, "out", NULL);
  GError *error = NULL;
  KsSweepSpec *s = ks_sweep_spec_load_file(DATA "/profiles.yaml", &error);
  assert_non_null(s);
  KsSweepPlan *p = plan_of(s, out, TRUE);
  assert_int_equal(p->runs->len, 6);
  KsSweepExecOptions opts = {.ksim = KSIM_BINARY, .jobs = 2};
  KsSweepExecReport rep;
  assert_true(ks_sweep_execute(p, &opts, &rep, &error));
  assert_int_equal(rep.ran, 6);
  assert_int_equal(rep.skipped, 0);
  assert_int_equal(rep.failed, 0);
  guint missing = 9;
  assert_true(ks_sweep_aggregate(out, &missing, &error));
  assert_int_equal(missing, 0);

  g_autofree char *csv = read_text(out, "sweep.csv");
  g_auto(GStrv) lines = g_strsplit(csv, "\n", -1);
  assert_int_equal(g_strv_length(lines), 8); /* header, 6 rows, "" after the last newline */
  assert_true(g_str_has_prefix(lines[0], "run_id,status,scenario,profile,seed,"));
  static const char *const rows[] = {
    "two-nodes_default_s1,ok,two-nodes.yaml,default,1,", "two-nodes_default_s2,ok,two-nodes.yaml,default,2,",
    "two-nodes_default_s3,ok,two-nodes.yaml,default,3,", "two-nodes_pack_s1,ok,two-nodes.yaml,pack.yaml,1,",
    "two-nodes_pack_s2,ok,two-nodes.yaml,pack.yaml,2,",  "two-nodes_pack_s3,ok,two-nodes.yaml,pack.yaml,3,",
  };
  /* Spreading makes c wait 59s for a to finish (created 2s, bound 61s); packing binds it at once.
   * Makespan: c finishes at 61 + 1 + 30 = 92s spread, a at 0 + 1 + 60 = 61s and b at 62s packed. */
  static const char *const p99[] = {"59", "59", "59", "0", "0", "0"};
  static const char *const mean[] = {"19.6666666666667", "19.6666666666667", "19.6666666666667", "0", "0", "0"};
  static const char *const makespan[] = {"92", "92", "92", "62", "62", "62"};
  for (guint r = 0; r < 6; r++) {
    assert_true(g_str_has_prefix(lines[r + 1], rows[r]));
    g_autofree char *a = csv_cell(csv, r + 1, "pending.p99");
    g_autofree char *b = csv_cell(csv, r + 1, "pending.mean");
    g_autofree char *c = csv_cell(csv, r + 1, "makespan");
    g_autofree char *d = csv_cell(csv, r + 1, "pods.scheduled");
    assert_string_equal(a, p99[r]);
    assert_string_equal(b, mean[r]);
    assert_string_equal(c, makespan[r]);
    assert_string_equal(d, "3");
  }
  g_autofree char *h5 = g_build_filename(out, "sweep.h5", NULL);
  hsize_t n = 0;
  g_autofree double *v = h5_column(h5, "pending.p99", &n);
  assert_int_equal(n, 6);
  for (guint r = 0; r < 6; r++)
    assert_true(v[r] == (r < 3 ? 59.0 : 0.0));
  g_auto(GStrv) ids = h5_strings(h5, "run_id");
  g_auto(GStrv) profiles = h5_strings(h5, "profile");
  assert_string_equal(ids[3], "two-nodes_pack_s1");
  assert_string_equal(profiles[3], "pack.yaml");
  assert_string_equal(profiles[2], "default");

  /* Again: everything is skipped; a deleted result is run again. */
  assert_true(ks_sweep_execute(p, &opts, &rep, &error));
  assert_int_equal(rep.skipped, 6);
  assert_int_equal(rep.ran, 0);
  g_unlink(run_at(p, 4)->output);
  assert_true(ks_sweep_execute(p, &opts, &rep, &error));
  assert_int_equal(rep.skipped, 5);
  assert_int_equal(rep.ran, 1);
  opts.force = TRUE;
  assert_true(ks_sweep_execute(p, &opts, &rep, &error));
  assert_int_equal(rep.ran, 6);
  /* Same runs, same table, byte for byte. */
  assert_true(ks_sweep_aggregate(out, &missing, &error));
  g_autofree char *csv2 = read_text(out, "sweep.csv");
  {
    /* Every cell but the scheduler's wall time per cycle, which is measured. */
    g_auto(GStrv) head = g_strsplit(lines[0], ",", -1);
    for (guint r = 1; r <= 6; r++)
      for (guint c = 0; head[c]; c++) {
        if (g_str_has_prefix(head[c], "sched.wall"))
          continue;
        g_autofree char *x = csv_cell(csv, r, head[c]);
        g_autofree char *y = csv_cell(csv2, r, head[c]);
        assert_string_equal(x, y);
      }
  }
  KsSweepTable *t = ks_sweep_table_collect(out, &error);
  assert_non_null(t);
  assert_int_equal(t->runs->len, 6);
  int m = ks_sweep_table_metric(t, "pending.p99");
  assert_true(m >= 0);
  assert_true(t->values[5 * t->n_metrics + (guint)m] == 0.0);
  assert_true(t->values[0 * t->n_metrics + (guint)m] == 59.0);
  assert_int_equal(ks_sweep_table_metric(t, "no.such.metric"), -1);
  ks_sweep_table_free(t);
  ks_sweep_plan_free(p);
  ks_sweep_spec_free(s);
  rm_rf(dir);
}

/* A run that fails is reported, the others finish, and its row says missing. */
static void test_failed_run(void **state) {
  (void)state;
  g_autofree char *dir = tmpdir();
  g_autofree char *out = g_build_filename(dir, "out", NULL);
  KsSweepSpec *s = spec_text(HEAD "spec:\n  scenarios: [two-nodes.yaml]\n  parameters:\n"
                                  "    spec.nodePools[0].count: [1, 0]\n  seeds: [4]\n", DATA);
  KsSweepPlan *p = plan_of(s, out, FALSE); /* unchecked, so the bad value reaches ksim run */
  char *log_text = NULL;
  gsize log_len = 0;
  FILE *log = open_memstream(&log_text, &log_len);
  KsSweepExecOptions opts = {.ksim = KSIM_BINARY, .jobs = 1, .log = log};
  KsSweepExecReport rep;
  GError *error = NULL;
  assert_true(ks_sweep_execute(p, &opts, &rep, &error));
  fclose(log);
  assert_int_equal(rep.ran, 1);
  assert_int_equal(rep.failed, 1);
  g_autofree char *want = g_strdup_printf(
    "[2/2] FAILED two-nodes_default_count-0_s4: exit 2: ksim run: " DATA
    "/two-nodes.yaml:16:12: spec.nodePools[0].count: must be a positive integer (log: %s/logs/two-nodes_default_count-0_s4.log)\n",
    out);
  assert_true(g_str_has_prefix(log_text, "[1/2] ok two-nodes_default_count-1_s4 ("));
  assert_non_null(strstr(log_text, want));
  free(log_text);
  g_autofree char *logs = g_build_filename(out, "logs", NULL);
  g_autofree char *run_log = read_text(logs, "two-nodes_default_count-0_s4.log");
  assert_non_null(strstr(run_log, "must be a positive integer"));
  guint missing = 0;
  assert_true(ks_sweep_aggregate(out, &missing, &error));
  assert_int_equal(missing, 1);
  g_autofree char *csv = read_text(out, "sweep.csv");
  g_auto(GStrv) lines = g_strsplit(csv, "\n", -1);
  assert_true(g_str_has_prefix(lines[1], "two-nodes_default_count-1_s4,ok,two-nodes.yaml,default,1,4,"));
  assert_true(g_str_has_prefix(lines[2], "two-nodes_default_count-0_s4,missing,two-nodes.yaml,default,0,4,,"));
  g_autofree char *cell = csv_cell(csv, 1, "pending.p99");
  /* One node: c (created 2s) fails again when a finishes at 61s, so it is
   * backing off (2s) when b finishes at 62s, and binds at 63s. */
  assert_string_equal(cell, "61");
  ks_sweep_plan_free(p);
  ks_sweep_spec_free(s);
  rm_rf(dir);
}

/* The README's example: 3 profiles x 5 seeds on the default scenario. */
static void test_example_sweep(void **state) {
  (void)state;
  g_autofree char *dir = tmpdir();
  g_autofree char *out = g_build_filename(dir, "policies", NULL);
  const char *src = g_getenv("KSIM_SOURCE_DIR") ? g_getenv("KSIM_SOURCE_DIR") : KSIM_SOURCE_DIR;
  g_autofree char *file = g_build_filename(src, "workloads", "examples",
                                           "sweep-policies.yaml", NULL);
  GError *error = NULL;
  KsSweepSpec *s = ks_sweep_spec_load_file(file, &error);
  if (!s)
    fail_msg("%s", error->message);
  assert_string_equal(s->output, "results/sweeps/policies");
  KsSweepPlan *p = plan_of(s, out, TRUE);
  assert_int_equal(p->runs->len, 15);
  assert_string_equal(run_at(p, 0)->id, "default_default_s1");
  assert_string_equal(run_at(p, 5)->id, "default_legacy-v1.7_s1");
  assert_string_equal(run_at(p, 14)->id, "default_bin-packing-scheduler_s5");
  KsSweepExecOptions opts = {.ksim = KSIM_BINARY, .jobs = 2};
  KsSweepExecReport rep;
  assert_true(ks_sweep_execute(p, &opts, &rep, &error));
  assert_int_equal(rep.ran, 15);
  assert_int_equal(rep.failed, 0);
  guint missing = 1;
  assert_true(ks_sweep_aggregate(out, &missing, &error));
  assert_int_equal(missing, 0);
  g_autofree char *csv = read_text(out, "sweep.csv");
  g_auto(GStrv) lines = g_strsplit(csv, "\n", -1);
  assert_int_equal(g_strv_length(lines), 17);
  for (guint r = 1; r <= 15; r++) {
    g_autofree char *status = csv_cell(csv, r, "status");
    g_autofree char *total = csv_cell(csv, r, "pods.total");
    assert_string_equal(status, "ok");
    assert_true(g_ascii_strtod(total, NULL) > 300); /* services + about 360 batch pods */
  }
  ks_sweep_plan_free(p);
  ks_sweep_spec_free(s);
  rm_rf(dir);
}

/* ---- the command ------------------------------------------------------------ */

static int ksim(const char *const *args, char **out, char **err) {
  GPtrArray *argv = g_ptr_array_new();
  g_ptr_array_add(argv, (char *)KSIM_BINARY);
  for (const char *const *a = args; *a; a++)
    g_ptr_array_add(argv, (char *)*a);
  g_ptr_array_add(argv, NULL);
  int status = 0;
  GError *error = NULL;
  if (!g_spawn_sync(NULL, (char **)argv->pdata, NULL, 0, NULL, NULL, out, err, &status, &error))
    fail_msg("%s", error->message);
  g_ptr_array_free(argv, TRUE);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_cli(void **state) {
  (void)state;
  g_autofree char *out = NULL, *err = NULL;
  const char *list[] = {"sweep", "--list", DATA "/profiles.yaml", NULL};
  assert_int_equal(ksim(list, &out, &err), 0);
  assert_string_equal(out, "index\trun_id\tscenario\tprofile\tseed\n"
                           "0\ttwo-nodes_default_s1\ttwo-nodes.yaml\tdefault\t1\n"
                           "1\ttwo-nodes_default_s2\ttwo-nodes.yaml\tdefault\t2\n"
                           "2\ttwo-nodes_default_s3\ttwo-nodes.yaml\tdefault\t3\n"
                           "3\ttwo-nodes_pack_s1\ttwo-nodes.yaml\tpack.yaml\t1\n"
                           "4\ttwo-nodes_pack_s2\ttwo-nodes.yaml\tpack.yaml\t2\n"
                           "5\ttwo-nodes_pack_s3\ttwo-nodes.yaml\tpack.yaml\t3\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  const char *bad[] = {"sweep", DATA "/two-nodes.yaml", NULL};
  assert_int_equal(ksim(bad, &out, &err), 2);
  assert_string_equal(err, "ksim sweep: " DATA "/two-nodes.yaml:8:7: kind: must be Sweep, not \"Scenario\"\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  const char *emit[] = {"sweep", "--emit", "pbs", DATA "/profiles.yaml", NULL};
  assert_int_equal(ksim(emit, &out, &err), 2);
  assert_string_equal(err, "ksim sweep: --emit must be parallel or slurm\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  /* A failing run: the sweep goes on, aggregates and exits 1. */
  g_autofree char *dir = tmpdir();
  g_autofree char *file = g_build_filename(dir, "bad.yaml", NULL);
  g_autofree char *out_dir = g_build_filename(dir, "out", NULL);
  /* --replay needs a trace: two-nodes.yaml has none, trace-replay.yaml has one. */
  g_autofree char *text = g_strdup_printf(
    HEAD "spec:\n  scenarios: [%s/two-nodes.yaml, %s/workloads/examples/trace-replay.yaml]\n"
    "  parameters:\n    --replay: [speed=600]\n  seeds: [1]\n  output: %s\n",
    DATA, g_getenv("KSIM_SOURCE_DIR") ? g_getenv("KSIM_SOURCE_DIR") : KSIM_SOURCE_DIR, out_dir);
  assert_true(g_file_set_contents(file, text, -1, NULL));
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  const char *run[] = {"sweep", "-j", "1", file, NULL};
  assert_int_equal(ksim(run, &out, &err), 1);
  g_autofree char *failed = g_strdup_printf(
    "[1/2] FAILED two-nodes_default_replay-speed-600_s1: exit 2: ksim run: trace: path: required "
    "field is missing (log: %s/logs/two-nodes_default_replay-speed-600_s1.log)\n", out_dir);
  assert_true(g_str_has_prefix(err, failed));
  assert_non_null(strstr(err, "[2/2] ok trace-replay_default_replay-speed-600_s1 ("));
  assert_non_null(strstr(err, "ksim sweep: 2 runs: 1 ran, 0 skipped (results exist), 1 failed\n"));
  g_autofree char *want_out = g_strdup_printf(
    "ksim sweep: wrote %s/sweep.csv and %s/sweep.h5 (1 runs have no results yet: their rows have "
    "status missing)\n", out_dir, out_dir);
  assert_string_equal(out, want_out);
  /* --emit parallel lists only the failed run, and says how to run it. */
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  const char *emit_p[] = {"sweep", "--emit", "parallel", file, NULL};
  assert_int_equal(ksim(emit_p, &out, &err), 0);
  g_autofree char *cwd = g_get_current_dir();
  g_autofree char *want_emit = g_strdup_printf(
    "ksim sweep: wrote %s/jobs.txt (1 of 2 runs)\n"
    "run it:   parallel --jobs 2 --sshloginfile HOSTS --workdir %s --joblog %s/parallel.log < %s/jobs.txt\n"
    "then:     ksim sweep --aggregate %s\n", out_dir, cwd, out_dir, out_dir, out_dir);
  assert_string_equal(out, want_emit);
  rm_rf(dir);
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  const char *agg[] = {"sweep", "--aggregate", "/nonexistent-ksim-sweep", NULL};
  assert_int_equal(ksim(agg, &out, &err), 1);
  assert_true(g_str_has_prefix(err, "ksim sweep: Failed to open file “/nonexistent-ksim-sweep/runs.tsv”") ||
              g_str_has_prefix(err, "ksim sweep: Failed to open file \"/nonexistent-ksim-sweep/runs.tsv\""));
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_expansion_order_and_ids),
    cmocka_unit_test(test_traces_and_options),
    cmocka_unit_test(test_id_collision),
    cmocka_unit_test(test_checks),
    cmocka_unit_test(test_builtin_profile_with_scheduler_config),
    cmocka_unit_test(test_run_list_and_emit),
    cmocka_unit_test(test_run_list_errors),
    cmocka_unit_test(test_sweep_two_profiles_three_seeds),
    cmocka_unit_test(test_failed_run),
    cmocka_unit_test(test_example_sweep),
    cmocka_unit_test(test_cli),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
