/* `ksim plot SWEEPDIR`: the data files of a hand-made sweep (2 profiles x 3
 * seeds of results files written here, one run missing) checked value by
 * value, and every plot rendered as a PNG of 1024 x 640 (IHDR read back)
 * and as SVG. Rendering is skipped, with a message, only when gnuplot is
 * not installed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>
#include <hdf5.h>

#include "sim/plot.h"
#include "sim/results.h"
#include "sim/sweep.h"

#define S ((gint64)1000000)

static void rm_rf(const char *dir) {
  GDir *d = g_dir_open(dir, 0, NULL);
  if (!d)
    return;
  const char *name;
  while ((name = g_dir_read_name(d))) {
    g_autofree char *p = g_build_filename(dir, name, NULL);
    if (g_file_test(p, G_FILE_TEST_IS_DIR))
      rm_rf(p);
    else
      g_unlink(p);
  }
  g_dir_close(d);
  g_rmdir(dir);
}

/* One node of 2 CPU, 4Gi and `gpus` GPUs; `pods` pods of 1 CPU and 1Gi
 * (and 250 milli-GPU on a node with GPUs) created at 0, pod i bound at i
 * seconds and finished at 50s; samples every 10s to 100s. */
static void write_run(const char *path, int pods, int gpus) {
  GError *error = NULL;
  KsResultsWriter *w = ks_results_writer_open(path, &error);
  assert_non_null(w);
  for (int i = 0; i <= 10; i++) {
    gint64 t = (gint64)i * 10 * S;
    int running = 0;
    for (int p = 0; p < pods; p++)
      running += (gint64)p * S <= t && t < 50 * S;
    KsSampleRow s = {.time_us = t, .nodes = 1, .running = running,
                     .cpu_requested_milli = 1000 * running, .cpu_allocatable_milli = 2000,
                     .memory_requested = 0, .memory_allocatable = (gint64)4 << 30,
                     .pods_allocatable = 110};
    assert_true(ks_results_writer_append_sample(w, &s, &error));
  }
  for (int p = 0; p < pods; p++) {
    char name[16];
    g_snprintf(name, sizeof name, "p%d", p);
    KsPodRow row = {.name = name, .namespace = "default", .cpu_request_milli = 1000,
                    .memory_request = (gint64)1 << 30, .gpu_count = gpus ? 1 : 0,
                    .gpu_request_milli = gpus ? 250 : 0, .created_us = 0, .scheduled_us = (gint64)p * S, .started_us = (gint64)p * S,
                    .finished_us = 50 * S, .node = 0, .attempts = 1,
                    .outcome = KS_OUTCOME_SUCCEEDED};
    assert_true(ks_results_writer_append_pod(w, &row, &error));
  }
  KsNodeRow node = {.name = "n-0", .pool = "n", .cpu_allocatable_milli = 2000,
                    .memory_allocatable = (gint64)4 << 30, .pods_allocatable = 110,
                    .gpus = gpus, .gpu_model = gpus ? "T4" : "", .added_us = 0, .removed_us = -1,
                    .pods_bound = pods};
  assert_true(ks_results_writer_append_node(w, &node, &error));
  assert_true(ks_results_writer_commit(w, &error));
}

/* The resource model's node usage, as a run with usage profiles has it
 * (/kubelet/nodes names, /kubelet/node_usage rows; docs/results.md): each
 * running pod of write_run uses 500m and 512Mi of node n-0. */
static void add_usage(const char *path, int pods) {
  hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  assert_true(file >= 0);
  hid_t group = H5Gcreate2(file, "kubelet", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  typedef struct {
    char name[253];
  } NameRec;
  NameRec node = {"n-0"};
  hid_t str = H5Tcopy(H5T_C_S1);
  H5Tset_size(str, 253);
  H5Tset_strpad(str, H5T_STR_NULLPAD);
  H5Tset_cset(str, H5T_CSET_UTF8); /* as ksim writes names; HDF5 converts no charset */
  hid_t nt = H5Tcreate(H5T_COMPOUND, sizeof(NameRec));
  H5Tinsert(nt, "name", 0, str);
  hsize_t one = 1;
  hid_t space = H5Screate_simple(1, &one, NULL);
  hid_t d = H5Dcreate2(group, "nodes", nt, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  assert_true(H5Dwrite(d, nt, H5S_ALL, H5S_ALL, H5P_DEFAULT, &node) >= 0);
  H5Dclose(d);
  H5Sclose(space);
  typedef struct {
    gint64 time_us;
    gint32 node;
    gint64 cpu_milli, memory;
  } UsageRec;
  /* Zeroed whole, then field by field: a compound literal leaves the
   * padding after `node` undefined, and H5Dwrite copies those bytes into
   * the file (valgrind: uninitialised bytes in a write). */
  UsageRec rows[11];
  memset(rows, 0, sizeof rows);
  for (int i = 0; i <= 10; i++) {
    gint64 t = (gint64)i * 10 * S, running = 0;
    for (int p = 0; p < pods; p++)
      running += (gint64)p * S <= t && t < 50 * S;
    rows[i].time_us = t;
    rows[i].node = 0;
    rows[i].cpu_milli = 500 * running;
    rows[i].memory = running << 29;
  }
  hid_t ut = H5Tcreate(H5T_COMPOUND, sizeof(UsageRec));
  H5Tinsert(ut, "time_us", G_STRUCT_OFFSET(UsageRec, time_us), H5T_NATIVE_INT64);
  H5Tinsert(ut, "node", G_STRUCT_OFFSET(UsageRec, node), H5T_NATIVE_INT32);
  H5Tinsert(ut, "cpu_milli", G_STRUCT_OFFSET(UsageRec, cpu_milli), H5T_NATIVE_INT64);
  H5Tinsert(ut, "memory", G_STRUCT_OFFSET(UsageRec, memory), H5T_NATIVE_INT64);
  hsize_t n = 11;
  space = H5Screate_simple(1, &n, NULL);
  d = H5Dcreate2(group, "node_usage", ut, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  assert_true(H5Dwrite(d, ut, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) >= 0);
  H5Dclose(d);
  H5Sclose(space);
  H5Tclose(ut);
  H5Tclose(nt);
  H5Tclose(str);
  H5Gclose(group);
  H5Fclose(file);
}

/* OUT/runs.tsv and the results of a sweep of profiles a, b x seeds 1..3;
 * run (b, 3) has no results. Run (x, s) has s + (x == b) pods; b's node
 * has a GPU, a's none; b's runs modelled usage (add_usage), a's did not. */
static char *make_sweep(void) {
  char *dir = g_dir_make_tmp("ksim-sweep-plot-XXXXXX", NULL);
  g_autofree char *runs = g_build_filename(dir, "runs", NULL);
  g_mkdir_with_parents(runs, 0777);
  GString *list = g_string_new("run_id\tscenario\tprofile\tseed\n");
  for (int x = 0; x < 2; x++)
    for (int seed = 1; seed <= 3; seed++) {
      g_autofree char *id = g_strdup_printf("s_%c_s%d", "ab"[x], seed);
      g_string_append_printf(list, "%s\ts.yaml\t%c\t%d\n", id, "ab"[x], seed);
      if (x == 1 && seed == 3)
        continue;
      g_autofree char *file = g_strconcat(id, ".h5", NULL);
      g_autofree char *path = g_build_filename(runs, file, NULL);
      write_run(path, seed + x, x);
      if (x == 1)
        add_usage(path, seed + x);
    }
  g_autofree char *path = g_build_filename(dir, "runs.tsv", NULL);
  assert_true(g_file_set_contents(path, list->str, -1, NULL));
  g_string_free(list, TRUE);
  return dir;
}

static char *read_text(const char *dir, const char *name) {
  g_autofree char *path = g_build_filename(dir, name, NULL);
  char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL))
    fail_msg("%s was not written", path);
  return text;
}

static guint32 be32(const guint8 *p) {
  return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3];
}

static void assert_png(const char *dir, const char *name) {
  g_autofree char *data = NULL;
  g_autofree char *path = g_build_filename(dir, name, NULL);
  gsize len = 0;
  if (!g_file_get_contents(path, &data, &len, NULL))
    fail_msg("%s was not written", path);
  assert_true(len > 2000); /* axes, labels and data: never a blank image */
  assert_memory_equal(data, "\x89PNG\r\n\x1a\n", 8);
  assert_memory_equal(data + 12, "IHDR", 4);
  assert_int_equal(be32((const guint8 *)data + 16), 1024);
  assert_int_equal(be32((const guint8 *)data + 20), 640);
}

static gboolean have_gnuplot(void) {
  g_autofree char *p = g_find_program_in_path("gnuplot");
  if (!p)
    print_message("gnuplot is not installed: skipping (install it with scripts/install-deps)\n");
  return p != NULL;
}

static void test_plot_sweep(void **state) {
  (void)state;
  if (!have_gnuplot())
    skip();
  g_autofree char *dir = make_sweep();
  GError *error = NULL;
  const char *metrics[] = {"pods.total", NULL};
  if (!ks_sweep_plot(dir, NULL, "png", metrics, &error))
    fail_msg("%s", error->message);
  g_autofree char *plots = g_build_filename(dir, "plots", NULL);
  static const char *const pngs[] = {"metric-pods.total.png", "pending-cdf.png", "utilization.png",
                                     "heatmap-1-cpu.png",     "heatmap-1-memory.png",
                                     "heatmap-2-cpu.png",     "heatmap-2-memory.png",
                                     "heatmap-2-gpu.png"};
  for (gsize i = 0; i < G_N_ELEMENTS(pngs); i++)
    assert_png(plots, pngs[i]);
  /* a's runs have no GPU: no GPU map */
  g_autofree char *no_gpu = g_build_filename(plots, "heatmap-1-gpu.png", NULL);
  assert_false(g_file_test(no_gpu, G_FILE_TEST_EXISTS));

  g_autofree char *groups = read_text(plots, "groups.gp");
  assert_string_equal(groups, "# Written by ksim plot: the groups of this sweep.\n"
                              "ngroups = 2\n"
                              "grouped_by = \"profile\"\n"
                              "array label[2]\n"
                              "label[1] = \"a\"\n"
                              "label[2] = \"b\"\n");
  /* a: 1, 2, 3 pods -> mean 2, sd 1; b: 2, 3 (seed 3 missing) -> 2.5, 0.707107. */
  g_autofree char *metric = read_text(plots, "metric-pods.total.tsv");
  assert_string_equal(metric, "# group\tlabel\tmean\tstddev\tmin\tmax\truns\n"
                              "1\ta\t2\t1\t1\t3\t3\n"
                              "2\tb\t2.5\t0.707107\t2\t3\t2\n");
  /* a pools 1 + 2 + 3 pods bound at 0s, 0-1s, 0-2s: pending 0,0,1,0,1,2 s. */
  g_autofree char *cdf = read_text(plots, "pending-cdf-1.tsv");
  assert_string_equal(cdf, "# pending_time_s\tfraction_of_scheduled_pods\n"
                           "0\t0.166667\n0\t0.333333\n0\t0.5\n1\t0.666667\n1\t0.833333\n2\t1\n");
  /* b at 10s: 2 and 3 pods running of 2 CPU -> 1 and 1.5, mean 1.25; used
   * 1000m and 1500m -> 0.625, 1Gi and 1.5Gi of 4Gi -> 0.3125; at 50s all
   * finished. a modelled no usage: NaN. */
  g_autofree char *util = read_text(plots, "utilization-2.tsv");
  g_auto(GStrv) lines = g_strsplit(util, "\n", -1);
  assert_string_equal(lines[0], "# time\tcpu_requested_over_allocatable\tmemory_requested_over_allocatable"
                                "\tcpu_used_over_allocatable\tmemory_used_over_allocatable");
  assert_string_equal(lines[2], "10\t1.25\t0\t0.625\t0.3125");
  assert_string_equal(lines[6], "50\t0\t0\t0\t0");
  g_autofree char *util_a = read_text(plots, "utilization-1.tsv");
  g_auto(GStrv) lines_a = g_strsplit(util_a, "\n", -1);
  assert_true(g_str_has_suffix(lines_a[2], "\tNaN\tNaN"));
  assert_int_equal(g_strv_length(lines), 13); /* header, 11 samples, "" */
  /* The heat map of a's first run (1 pod of 1 CPU on 2 CPU from 0 to 50s):
   * 11 buckets of 100/11 s; 0.5 in the first five, the sixth [45.45, 54.55)
   * half covered, so 0.25. */
  g_autofree char *heat = read_text(plots, "heatmap-1-cpu.tsv");
  assert_string_equal(heat, "0.5 0.5 0.5 0.5 0.5 0.25 0 0 0 0 0\n");
  /* memory: 1Gi of 4Gi */
  g_autofree char *heat_mem = read_text(plots, "heatmap-1-memory.tsv");
  assert_string_equal(heat_mem, "0.25 0.25 0.25 0.25 0.25 0.125 0 0 0 0 0\n");
  /* b's first run: 250 + 250 milli-GPU of 1000, p1 from 1 s, so the first
   * bucket holds 0.25 + 0.25 x (100/11 - 1) / (100/11) = 0.4725 */
  g_autofree char *heat_gpu = read_text(plots, "heatmap-2-gpu.tsv");
  assert_string_equal(heat_gpu, "0.4725 0.5 0.5 0.5 0.5 0.25 0 0 0 0 0\n");

  /* SVG: the same plots as SVG documents of 1024 x 640. */
  g_autofree char *svg_dir = g_build_filename(dir, "svg", NULL);
  if (!ks_sweep_plot(dir, svg_dir, "svg", NULL, &error))
    fail_msg("%s", error->message);
  static const char *const svgs[] = {"metric-pending.p99.svg", "metric-pending.mean.svg",
                                     "metric-alloc.cpu.mean.svg", "metric-makespan.svg",
                                     "pending-cdf.svg", "utilization.svg", "heatmap-2-cpu.svg",
                                     "heatmap-2-memory.svg", "heatmap-2-gpu.svg"};
  for (gsize i = 0; i < G_N_ELEMENTS(svgs); i++) {
    g_autofree char *text = read_text(svg_dir, svgs[i]);
    assert_true(g_str_has_prefix(text, "<?xml"));
    assert_non_null(strstr(text, "width=\"1024\" height=\"640\""));
  }
  rm_rf(dir);
}

static void test_plot_errors(void **state) {
  (void)state;
  g_autofree char *dir = make_sweep();
  GError *error = NULL;
  const char *metrics[] = {"pending.p99", "nope", NULL};
  assert_false(ks_sweep_plot(dir, NULL, "png", metrics, &error));
  assert_true(g_str_has_prefix(error->message, "unknown metric \"nope\" (metrics: pods.total, "));
  g_clear_error(&error);
  g_setenv("KSIM_GNUPLOT", "/nonexistent/gnuplot", TRUE);
  assert_false(ks_sweep_plot(dir, NULL, "png", NULL, &error));
  g_unsetenv("KSIM_GNUPLOT");
  assert_int_equal(error->code, KS_PLOT_ERROR_NO_GNUPLOT);
  g_clear_error(&error);
  g_autofree char *none = g_build_filename(dir, "nothing", NULL);
  assert_false(ks_sweep_plot(none, NULL, "png", NULL, &error));
  assert_true(error->domain == KS_SWEEP_ERROR);
  g_clear_error(&error);
  rm_rf(dir);
}

/* Before any run has results (a sweep emitted for a cluster): every plot
 * says so instead of failing, and there is no heat map. */
static void test_plot_no_results(void **state) {
  (void)state;
  if (!have_gnuplot())
    skip();
  g_autofree char *dir = make_sweep();
  g_autofree char *runs = g_build_filename(dir, "runs", NULL);
  rm_rf(runs);
  GError *error = NULL;
  if (!ks_sweep_plot(dir, NULL, "png", NULL, &error))
    fail_msg("%s", error->message);
  g_autofree char *plots = g_build_filename(dir, "plots", NULL);
  assert_png(plots, "metric-pending.p99.png");
  assert_png(plots, "pending-cdf.png");
  assert_png(plots, "utilization.png");
  g_autofree char *heat = g_build_filename(plots, "heatmap-1-cpu.png", NULL);
  assert_false(g_file_test(heat, G_FILE_TEST_EXISTS));
  g_autofree char *metric = read_text(plots, "metric-pending.p99.tsv");
  assert_string_equal(metric, "# group\tlabel\tmean\tstddev\tmin\tmax\truns\n"
                              "1\ta\tNaN\tNaN\tNaN\tNaN\t0\n"
                              "2\tb\tNaN\tNaN\tNaN\tNaN\t0\n");
  rm_rf(dir);
}

/* `ksim plot RUN.h5` still renders a run's three PNGs; `ksim plot DIR` a sweep's;
 * --metric is refused for a run. */
static void test_cli(void **state) {
  (void)state;
  if (!have_gnuplot())
    skip();
  g_autofree char *dir = make_sweep();
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  const char *argv[] = {KSIM_BINARY, "plot", dir, "--format", "svg", "-m", "pods.total", NULL};
  assert_true(g_spawn_sync(NULL, (char **)argv, NULL, 0, NULL, NULL, &out, &err, &status, NULL));
  assert_int_equal(status, 0);
  g_autofree char *want = g_strdup_printf(
    "ksim plot: wrote %s/plots/metric-*.svg, pending-cdf.svg, utilization.svg, heatmap-*.svg "
    "(groups in %s/plots/groups.gp)\n", dir, dir);
  assert_string_equal(out, want);
  g_autofree char *run = g_build_filename(dir, "runs", "s_a_s1.h5", NULL);
  g_autofree char *run_plots = g_build_filename(dir, "run-plots", NULL);
  const char *argv2[] = {KSIM_BINARY, "plot", run, "-o", run_plots, NULL};
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  assert_true(g_spawn_sync(NULL, (char **)argv2, NULL, 0, NULL, NULL, &out, &err, &status, NULL));
  assert_int_equal(status, 0);
  assert_png(run_plots, "utilization.png");
  assert_png(run_plots, "pending-cdf.png");
  const char *argv3[] = {KSIM_BINARY, "plot", run, "-m", "pods.total", NULL};
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  assert_true(g_spawn_sync(NULL, (char **)argv3, NULL, 0, NULL, NULL, &out, &err, &status, NULL));
  assert_int_equal(WEXITSTATUS(status), 2);
  assert_string_equal(err, "ksim plot: --metric is for sweep plots\n");
  rm_rf(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_plot_sweep),
    cmocka_unit_test(test_plot_errors),
    cmocka_unit_test(test_plot_no_results),
    cmocka_unit_test(test_cli),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
