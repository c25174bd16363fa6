/* `ksim plot`: three PNGs (and SVGs) of the expected size from a small run
 * and from an empty one; the overcommit example's memory per node with its
 * evictions, the data checked against hand-worked values; and the message
 * when gnuplot is missing. Rendering tests are skipped (with a message)
 * only when gnuplot is not installed; nothing depends on timing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "sim/plot.h"
#include "sim/results.h"
#include "sim/simulation.h"

static const char *const plots[] = {"utilization", "pending", "pending-cdf"};

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

static void write_run(const char *path, int samples, int pods) {
  GError *error = NULL;
  KsResultsWriter *w = ks_results_writer_open(path, &error);
  assert_non_null(w);
  for (int i = 0; i < samples; i++) {
    KsSampleRow s = {.time_us = (gint64)i * 60000000, .nodes = 3, .pending = (i * 7) % 11,
                     .running = i % 20, .cpu_requested_milli = 500 * (i % 20),
                     .cpu_allocatable_milli = 12000, .memory_requested = (gint64)(i % 20) << 29,
                     .memory_allocatable = (gint64)48 << 30, .pods_allocatable = 330};
    assert_true(ks_results_writer_append_sample(w, &s, &error));
  }
  for (int i = 0; i < pods; i++) {
    char name[32];
    g_snprintf(name, sizeof name, "pod-%d", i);
    gboolean sched = i % 10 != 0;
    KsPodRow p = {.name = name, .namespace = "default", .created_us = (gint64)i * 1000000,
                  .scheduled_us = sched ? (gint64)i * 1000000 + (i % 37) * 250000 : -1,
                  .started_us = -1, .finished_us = -1, .node = sched ? i % 3 : -1,
                  .outcome = sched ? KS_OUTCOME_RUNNING : KS_OUTCOME_PENDING};
    assert_true(ks_results_writer_append_pod(w, &p, &error));
  }
  assert_true(ks_results_writer_commit(w, &error));
}

static guint32 be32(const guint8 *p) {
  return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3];
}

/* The file is a PNG (signature, then an IHDR chunk first) of w x h. */
static void assert_png(const char *path, guint32 w, guint32 h) {
  g_autofree char *data = NULL;
  gsize len = 0;
  if (!g_file_get_contents(path, &data, &len, NULL))
    fail_msg("%s was not written", path);
  assert_true(len > 24);
  assert_memory_equal(data, "\x89PNG\r\n\x1a\n", 8);
  assert_memory_equal(data + 12, "IHDR", 4);
  assert_int_equal(be32((const guint8 *)data + 16), w);
  assert_int_equal(be32((const guint8 *)data + 20), h);
}

/* The file is an SVG document whose root element is <svg> of w x h. */
static void assert_svg(const char *path, int w, int h) {
  g_autofree char *data = NULL;
  if (!g_file_get_contents(path, &data, NULL, NULL))
    fail_msg("%s was not written", path);
  const char *p = data;
  if (g_str_has_prefix(p, "<?xml"))
    p = strstr(p, "?>") + 2;
  /* after the prolog (comments, doctype), the first element is the root */
  while ((p = strchr(p, '<')) && (g_str_has_prefix(p, "<!") || g_str_has_prefix(p, "<?")))
    p++;
  assert_non_null(p);
  assert_true(g_str_has_prefix(p, "<svg"));
  g_autofree char *size = g_strdup_printf("width=\"%d\" height=\"%d\"", w, h);
  const char *end = strchr(p, '>');
  const char *at = strstr(p, size);
  assert_true(at != NULL && at < end);
  assert_non_null(strstr(p, "</svg>"));
}

static void assert_plot(const char *dir, const char *name, const char *fmt) {
  g_autofree char *file = g_strdup_printf("%s.%s", name, fmt);
  g_autofree char *path = g_build_filename(dir, file, NULL);
  if (!strcmp(fmt, "svg"))
    assert_svg(path, 1024, 640);
  else
    assert_png(path, 1024, 640);
}

static char *read_text(const char *dir, const char *name) {
  g_autofree char *path = g_build_filename(dir, name, NULL);
  char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL))
    fail_msg("%s was not written", path);
  return text;
}

static gboolean have_gnuplot(void) {
  g_autofree char *p = g_find_program_in_path("gnuplot");
  if (!p)
    print_message("gnuplot is not installed: skipping (install it with scripts/install-deps)\n");
  return p != NULL;
}

static void render_and_check(int samples, int pods, const char *fmt) {
  if (!have_gnuplot())
    skip();
  g_autofree char *dir = g_dir_make_tmp("ksim-plot-XXXXXX", NULL);
  g_autofree char *results = g_build_filename(dir, "run.h5", NULL);
  g_autofree char *out = g_build_filename(dir, "plots", "nested", NULL);
  write_run(results, samples, pods);
  GError *error = NULL;
  gboolean node_memory = TRUE;
  if (!ks_plot_render(results, out, fmt, &node_memory, &error))
    fail_msg("plot: %s", error->message);
  for (gsize i = 0; i < G_N_ELEMENTS(plots); i++)
    assert_plot(out, plots[i], fmt);
  /* no usage profile: no usage, no memory per node */
  assert_false(node_memory);
  g_autofree char *nm = g_build_filename(out, "node-memory.tsv", NULL);
  assert_false(g_file_test(nm, G_FILE_TEST_EXISTS));
  g_autofree char *ts = read_text(out, "timeseries.tsv");
  g_auto(GStrv) lines = g_strsplit(ts, "\n", -1);
  assert_string_equal(lines[0], "# time\tcpu_requested_cores\tcpu_allocatable_cores\t"
                                "memory_requested_gib\tmemory_allocatable_gib\tpending\trunning\t"
                                "nodes\tcpu_used_cores\tmemory_used_gib");
  if (samples > 1) /* minute 1: 500m of 12 cores, 0.5 of 48 GiB, 7 pending, 1 running */
    assert_string_equal(lines[2], "1\t0.5\t12\t0.5\t48\t7\t1\t3\tNaN\tNaN");
  rm_rf(dir);
}

static void test_render(void **state) { render_and_check(120, 500, "png"); }

static void test_render_svg(void **state) { render_and_check(120, 500, "svg"); }

static void test_render_empty_run(void **state) {
  render_and_check(0, 0, "png");
  render_and_check(0, 0, "svg");
}

static char *source_path(const char *rel) {
  const char *root = g_getenv("KSIM_SOURCE_DIR");
  return g_build_filename(root ? root : KSIM_SOURCE_DIR, rel, NULL);
}

/* workloads/examples/overcommit.yaml (docs/node-agent.md, Eviction manager):
 * three 2Gi nodes, each with two web pods whose memory ramps from 300Mi at
 * their start (1 s) to 1100Mi at 241 s, and a 200Mi cache pod. At the
 * sample before the first evictions (170 s) a node uses 200 + 2 x (300 +
 * 800 x 169 / 240) = 1926.67Mi = 1.88151 GiB, and the eviction manager
 * evicts one web pod per node at 180 s. The replacements start at 481 s;
 * at 580 s a node holds the survivor (1100Mi), the replacement (300 + 800 x
 * 99 / 240 = 630Mi) and the cache: 1930Mi = 1.88477 GiB, and the
 * replacements are evicted at 590 s. */
static void test_overcommit(void **state) {
  (void)state;
  if (!have_gnuplot())
    skip();
  g_autofree char *dir = g_dir_make_tmp("ksim-plot-XXXXXX", NULL);
  g_autofree char *results = g_build_filename(dir, "overcommit.h5", NULL);
  g_autofree char *scenario = source_path("workloads/examples/overcommit.yaml");
  GError *error = NULL;
  KsScenario *sc = ks_scenario_load_file(scenario, &error);
  if (!sc)
    fail_msg("%s", error->message);
  KsRunOptions opts = {.output = results};
  KsRunReport report;
  if (!ks_simulation_run(sc, &opts, &report, &error))
    fail_msg("%s", error->message);
  ks_run_report_clear(&report);
  ks_scenario_free(sc);
  static const char *const fmts[] = {"png", "svg"};
  for (gsize f = 0; f < G_N_ELEMENTS(fmts); f++) {
    g_autofree char *out = g_build_filename(dir, fmts[f], NULL);
    gboolean node_memory = FALSE;
    if (!ks_plot_render(results, out, fmts[f], &node_memory, &error))
      fail_msg("plot: %s", error->message);
    assert_true(node_memory);
    for (gsize i = 0; i < G_N_ELEMENTS(plots); i++)
      assert_plot(out, plots[i], fmts[f]);
    assert_plot(out, "node-memory", fmts[f]);
    g_autofree char *nodes = read_text(out, "nodes.gp");
    assert_string_equal(nodes, "# Written by ksim plot: the nodes of node-memory.tsv.\n"
                               "nnodes = 3\nmodel_nodes = 3\narray node[3]\narray alloc[3]\n"
                               "node[1] = \"small-0\"\nalloc[1] = 2\n"
                               "node[2] = \"small-1\"\nalloc[2] = 2\n"
                               "node[3] = \"small-2\"\nalloc[3] = 2\n");
    g_autofree char *mem = read_text(out, "node-memory.tsv");
    g_auto(GStrv) rows = g_strsplit(mem, "\n", -1);
    assert_int_equal(g_strv_length(rows), 1 + 61 + 1); /* header, samples 0..600 s, "" */
    assert_string_equal(rows[1], "0\tNaN\tNaN\tNaN"); /* before the model ran a pod */
    assert_string_equal(rows[18], "170\t1.88151\t1.88151\t1.88151");
    g_autofree char *ev = read_text(out, "evictions.tsv");
    g_auto(GStrv) lines = g_strsplit(ev, "\n", -1);
    assert_int_equal(g_strv_length(lines), 1 + 6 + 1);
    assert_string_equal(lines[0], "# time\tnode_memory_used_gib\tnode_column\tnode\tpod\tcause");
    static const char *const want[] = {"180\t1.88151\t1\tsmall-0", "180\t1.88151\t3\tsmall-2",
                                       "180\t1.88151\t2\tsmall-1", "590\t1.88477\t1\tsmall-0",
                                       "590\t1.88477\t3\tsmall-2", "590\t1.88477\t2\tsmall-1"};
    for (int i = 0; i < 6; i++) {
      assert_true(g_str_has_prefix(lines[i + 1], want[i]));
      g_autofree char *rest = g_strdup(lines[i + 1] + strlen(want[i]));
      assert_true(g_str_has_prefix(rest, "\tdefault/web-"));
      assert_true(g_str_has_suffix(rest, "\tnode_pressure"));
    }
  }
  /* the command names what it drew */
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *cli_dir = g_build_filename(dir, "cli", NULL);
  int status = 0;
  const char *argv[] = {KSIM_BINARY, "plot", results, "--format", "svg", "-o", cli_dir, NULL};
  assert_true(g_spawn_sync(NULL, (char **)argv, NULL, 0, NULL, NULL, &out, &err, &status, NULL));
  assert_int_equal(status, 0);
  g_autofree char *want = g_strdup_printf(
    "ksim plot: wrote %s/utilization.svg, pending.svg, pending-cdf.svg, node-memory.svg\n", cli_dir);
  assert_string_equal(out, want);
  rm_rf(dir);
}

static void test_gnuplot_missing(void **state) {
  g_autofree char *dir = g_dir_make_tmp("ksim-plot-XXXXXX", NULL);
  g_autofree char *results = g_build_filename(dir, "run.h5", NULL);
  write_run(results, 2, 2);
  g_setenv("KSIM_GNUPLOT", "/nonexistent/gnuplot", TRUE);
  GError *error = NULL;
  assert_false(ks_plot_render(results, dir, NULL, NULL, &error));
  g_unsetenv("KSIM_GNUPLOT");
  assert_true(error->domain == KS_PLOT_ERROR);
  assert_int_equal(error->code, KS_PLOT_ERROR_NO_GNUPLOT);
  assert_string_equal(error->message, "gnuplot not found: install it with scripts/install-deps");
  g_error_free(error);
  rm_rf(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_render),
    cmocka_unit_test(test_render_svg),
    cmocka_unit_test(test_render_empty_run),
    cmocka_unit_test(test_overcommit),
    cmocka_unit_test(test_gnuplot_missing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
