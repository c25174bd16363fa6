/* `ksim plot`: three PNGs of the expected size from a small run and from an
 * empty one, and the message when gnuplot is missing. Rendering tests are
 * skipped (with a message) only when gnuplot is not installed. */
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

static const char *const pngs[] = {"utilization.png", "pending.png", "pending-cdf.png"};

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

static gboolean have_gnuplot(void) {
  g_autofree char *p = g_find_program_in_path("gnuplot");
  if (!p)
    print_message("gnuplot is not installed: skipping (install it with scripts/install-deps)\n");
  return p != NULL;
}

static void render_and_check(int samples, int pods) {
  if (!have_gnuplot())
    skip();
  g_autofree char *dir = g_dir_make_tmp("ksim-plot-XXXXXX", NULL);
  g_autofree char *results = g_build_filename(dir, "run.h5", NULL);
  g_autofree char *out = g_build_filename(dir, "plots", "nested", NULL);
  write_run(results, samples, pods);
  GError *error = NULL;
  if (!ks_plot_render(results, out, &error))
    fail_msg("plot: %s", error->message);
  for (gsize i = 0; i < G_N_ELEMENTS(pngs); i++) {
    g_autofree char *png = g_build_filename(out, pngs[i], NULL);
    assert_png(png, 1024, 640);
  }
  g_autofree char *tsv = g_build_filename(out, "timeseries.tsv", NULL);
  assert_true(g_file_test(tsv, G_FILE_TEST_IS_REGULAR));
  rm_rf(dir);
}

static void test_render(void **state) { render_and_check(120, 500); }

static void test_render_empty_run(void **state) { render_and_check(0, 0); }

static void test_gnuplot_missing(void **state) {
  g_autofree char *dir = g_dir_make_tmp("ksim-plot-XXXXXX", NULL);
  g_autofree char *results = g_build_filename(dir, "run.h5", NULL);
  write_run(results, 2, 2);
  g_setenv("KSIM_GNUPLOT", "/nonexistent/gnuplot", TRUE);
  GError *error = NULL;
  assert_false(ks_plot_render(results, dir, &error));
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
    cmocka_unit_test(test_render_empty_run),
    cmocka_unit_test(test_gnuplot_missing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
