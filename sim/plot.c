/* Plots of a run: data files for gnuplot, then gnuplot itself.
 *
 * The work is split so each side does what it is good at: C reads the
 * results file and writes small tab-separated files in ready-to-plot
 * units; the gnuplot scripts in scripts/plot/ only draw, so a user can
 * restyle a plot, or rerun gnuplot by hand in out_dir, without touching C.
 *
 * gnuplot runs with out_dir as its working directory and the scripts name
 * their files relatively, so no path ever has to be quoted inside gnuplot
 * syntax; the few parameters (time unit, emptiness) are numbers or fixed
 * words passed with -e. It is spawned from an argv, never through a shell.
 *
 * The pending-time CDF is drawn from at most KS_PLOT_CDF_POINTS points
 * (evenly spaced ranks plus the maximum): a million-pod run plots as fast
 * as a small one and looks the same at PNG resolution.
 */
#include "sim/plot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib/gstdio.h>

#include "sim/results_read.h"

G_DEFINE_QUARK(ks-plot-error-quark, ks_plot_error)

#define KS_PLOT_CDF_POINTS 2000

static const char *const scripts[] = {"utilization.gp", "pending.gp", "pending-cdf.gp"};

static void time_unit(const KsResults *r, const char **name, double *div) {
  gint64 span = r->n_samples ? r->samples[r->n_samples - 1].time_us - r->samples[0].time_us : 0;
  ks_plot_time_unit(span, name, div);
}

void ks_plot_time_unit(gint64 span, const char **name, double *div) {
  if (span <= G_GINT64_CONSTANT(600) * 1000000) {
    *name = "s", *div = 1e6;
  } else if (span <= G_GINT64_CONSTANT(10) * 3600 * 1000000) {
    *name = "min", *div = 60e6;
  } else if (span <= G_GINT64_CONSTANT(96) * 3600 * 1000000) {
    *name = "h", *div = 3600e6;
  } else {
    *name = "d", *div = 86400e6;
  }
}

static const char *num(char buf[G_ASCII_DTOSTR_BUF_SIZE], double v) {
  return g_ascii_formatd(buf, G_ASCII_DTOSTR_BUF_SIZE, "%.6g", v);
}

static FILE *open_data(const char *dir, const char *name, GError **error) {
  g_autofree char *path = g_build_filename(dir, name, NULL);
  FILE *f = g_fopen(path, "w");
  if (!f) {
    int e = errno;
    g_set_error(error, KS_PLOT_ERROR, KS_PLOT_ERROR_IO, "%s: %s", path, g_strerror(e));
  }
  return f;
}

static gboolean close_data(FILE *f, const char *dir, const char *name, GError **error) {
  gboolean ok = !ferror(f);
  ok = fclose(f) == 0 && ok;
  if (!ok) {
    int e = errno;
    g_set_error(error, KS_PLOT_ERROR, KS_PLOT_ERROR_IO, "%s/%s: write failed: %s", dir, name,
                g_strerror(e));
  }
  return ok;
}

static gboolean write_timeseries(const KsResults *r, const char *dir, double div,
                                 GError **error) {
  FILE *f = open_data(dir, "timeseries.tsv", error);
  if (!f)
    return FALSE;
  fputs("# time\tcpu_requested_cores\tcpu_allocatable_cores\tmemory_requested_gib\t"
        "memory_allocatable_gib\tpending\trunning\tnodes\n", f);
  for (gsize i = 0; i < r->n_samples; i++) {
    const KsSampleRow *s = &r->samples[i];
    char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE], c[G_ASCII_DTOSTR_BUF_SIZE],
      d[G_ASCII_DTOSTR_BUF_SIZE], e[G_ASCII_DTOSTR_BUF_SIZE];
    fprintf(f, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\n", num(a, (double)s->time_us / div),
            num(b, (double)s->cpu_requested_milli / 1000), num(c, (double)s->cpu_allocatable_milli / 1000),
            num(d, (double)s->memory_requested / 1073741824.0),
            num(e, (double)s->memory_allocatable / 1073741824.0), s->pending, s->running,
            s->nodes);
  }
  return close_data(f, dir, "timeseries.tsv", error);
}

static int cmp_i64(const void *a, const void *b) {
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;
  return (x > y) - (x < y);
}

/* Sorted pending times (µs) of scheduled pods. transfer full */
static gint64 *scheduled_pending(const KsResults *r, gsize *n) {
  gint64 *v = g_new(gint64, MAX(r->n_pods, 1));
  *n = 0;
  for (gsize i = 0; i < r->n_pods; i++)
    if (r->pods[i].scheduled_us >= 0 && r->pods[i].created_us >= 0)
      v[(*n)++] = r->pods[i].scheduled_us - r->pods[i].created_us;
  qsort(v, *n, sizeof *v, cmp_i64);
  return v;
}

/* Rows "seconds<TAB>fraction": the empirical CDF at (at most
 * KS_PLOT_CDF_POINTS) ranks k, fraction k/n. */
static gboolean write_cdf(const KsResults *r, const char *dir, gsize *count, GError **error) {
  FILE *f = open_data(dir, "pending-cdf.tsv", error);
  if (!f)
    return FALSE;
  gsize n;
  g_autofree gint64 *v = scheduled_pending(r, &n);
  fputs("# pending_time_s\tfraction_of_scheduled_pods\n", f);
  gsize steps = MIN(n, (gsize)KS_PLOT_CDF_POINTS);
  for (gsize j = 1; j <= steps; j++) {
    gsize k = (j * n + steps - 1) / steps; /* rank, 1..n; the last is n */
    char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];
    fprintf(f, "%s\t%s\n", num(a, (double)v[k - 1] / 1e6), num(b, (double)k / (double)n));
  }
  *count = n;
  return close_data(f, dir, "pending-cdf.tsv", error);
}

char *ks_plot_find_scripts(GError **error) {
  const char *env = g_getenv("KSIM_SOURCE_DIR");
  char *candidates[] = {
    env ? g_build_filename(env, "scripts", "plot", NULL) : NULL,
    g_build_filename(KSIM_SOURCE_DIR, "scripts", "plot", NULL),
    g_build_filename(KSIM_DATA_DIR, "scripts", "plot", NULL),
  };
  char *found = NULL;
  for (gsize i = 0; i < G_N_ELEMENTS(candidates); i++) {
    g_autofree char *probe =
      candidates[i] ? g_build_filename(candidates[i], scripts[0], NULL) : NULL;
    if (!found && probe && g_file_test(probe, G_FILE_TEST_IS_REGULAR))
      found = g_steal_pointer(&candidates[i]);
    g_free(candidates[i]);
  }
  if (!found)
    g_set_error(error, KS_PLOT_ERROR, KS_PLOT_ERROR_NO_SCRIPTS,
                "gnuplot scripts not found in $KSIM_SOURCE_DIR/scripts/plot, "
                "%s/scripts/plot or %s/scripts/plot: set KSIM_SOURCE_DIR to the ksim source tree",
                KSIM_SOURCE_DIR, KSIM_DATA_DIR);
  return found;
}

char *ks_plot_find_gnuplot(GError **error) {
  const char *prog = g_getenv("KSIM_GNUPLOT");
  char *path = g_find_program_in_path(prog && *prog ? prog : "gnuplot");
  if (!path)
    g_set_error(error, KS_PLOT_ERROR, KS_PLOT_ERROR_NO_GNUPLOT,
                "gnuplot not found: install it with scripts/install-deps");
  return path;
}

gboolean ks_plot_run_gnuplot(const char *gnuplot, const char *script, const char *params,
                            const char *out_dir, GError **error) {
  const char *argv[] = {gnuplot, "-e", params, script, NULL};
  g_autofree char *err = NULL;
  int status = 0;
  GError *spawn_error = NULL;
  if (!g_spawn_sync(out_dir, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                    &err, &status, &spawn_error)) {
    g_set_error(error, KS_PLOT_ERROR, KS_PLOT_ERROR_GNUPLOT, "cannot run %s: %s", gnuplot,
                spawn_error->message);
    g_error_free(spawn_error);
    return FALSE;
  }
  if (!g_spawn_check_wait_status(status, NULL)) {
    g_set_error(error, KS_PLOT_ERROR, KS_PLOT_ERROR_GNUPLOT, "gnuplot failed on %s:\n%s", script,
                err ? g_strchomp(err) : "");
    return FALSE;
  }
  return TRUE;
}

static gboolean render_all(const char *gnuplot, const char *script_dir, const char *params,
                           const char *out_dir, GError **error) {
  for (gsize i = 0; i < G_N_ELEMENTS(scripts); i++) {
    g_autofree char *script = g_build_filename(script_dir, scripts[i], NULL);
    if (!ks_plot_run_gnuplot(gnuplot, script, params, out_dir, error))
      return FALSE;
  }
  return TRUE;
}

gboolean ks_plot_render(const char *results_path, const char *out_dir, GError **error) {
  g_autofree char *gnuplot = ks_plot_find_gnuplot(error);
  if (!gnuplot)
    return FALSE;
  g_autofree char *script_dir = ks_plot_find_scripts(error);
  if (!script_dir)
    return FALSE;
  g_autoptr(KsResults) r = ks_results_read(results_path, error);
  if (!r)
    return FALSE;
  if (g_mkdir_with_parents(out_dir, 0777) != 0) {
    int e = errno;
    g_set_error(error, KS_PLOT_ERROR, KS_PLOT_ERROR_IO, "%s: cannot create directory: %s",
                out_dir, g_strerror(e));
    return FALSE;
  }
  const char *unit;
  double div;
  gsize cdf_count = 0;
  time_unit(r, &unit, &div);
  if (!write_timeseries(r, out_dir, div, error) || !write_cdf(r, out_dir, &cdf_count, error))
    return FALSE;
  g_autofree char *params = g_strdup_printf(
    "tunit='%s'; no_samples=%d; no_scheduled=%d; unscheduled=%" G_GSIZE_FORMAT, unit,
    r->n_samples == 0, cdf_count == 0, r->n_pods - cdf_count);
  return render_all(gnuplot, script_dir, params, out_dir, error);
}
