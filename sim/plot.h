/* Plots of a run: `ksim plot` renders PNGs or SVGs from a results file with
 * gnuplot (a run-time tool, not a library), using the scripts in
 * scripts/plot/ (see its README.md for the data files they read).
 */
#pragma once
#include <glib.h>

#define KS_PLOT_ERROR (ks_plot_error_quark())
GQuark ks_plot_error_quark(void);
typedef enum {
  KS_PLOT_ERROR_NO_GNUPLOT, /* gnuplot is not installed */
  KS_PLOT_ERROR_NO_SCRIPTS, /* scripts/plot/ not found */
  KS_PLOT_ERROR_IO,         /* out_dir or a data file cannot be written */
  KS_PLOT_ERROR_GNUPLOT,    /* gnuplot ran and failed; its stderr is in the message */
} KsPlotError;

/* Writes timeseries.tsv and pending-cdf.tsv into out_dir (created if
 * missing) and renders utilization, pending and pending-cdf there, as
 * format ("png", the default when NULL, or "svg"). A run whose pods had
 * usage profiles (/kubelet) also gets node-memory.tsv, nodes.gp and
 * evictions.tsv and the plot node-memory (*node_memory set TRUE; may be
 * NULL). Errors from reading the results file are KS_RESULTS_ERROR.
 *
 * The scripts are looked for in $KSIM_SOURCE_DIR/scripts/plot, then in the
 * source tree ksim was built from, then in KSIM_DATA_DIR/scripts/plot. The
 * gnuplot program is $KSIM_GNUPLOT if set, else "gnuplot" from PATH. */
gboolean ks_plot_render(const char *results_path, const char *out_dir, const char *format,
                        gboolean *node_memory, GError **error);

/* Shared with the sweep plots (sim/sweep_plot.c). */
/* A unit for a time axis spanning span_us that keeps tick labels short:
 * "s", "min", "h" or "d", and the microseconds in one. */
void ks_plot_time_unit(gint64 span_us, const char **name, double *div);
/* The scripts folder (see ks_plot_render). transfer full */
char *ks_plot_find_scripts(GError **error);
/* The gnuplot program. transfer full */
char *ks_plot_find_gnuplot(GError **error);
/* Appends text as a gnuplot double-quoted string ("a\"b"), so names
 * reach gnuplot through a loaded file, never through -e. */
void ks_plot_append_gp_string(GString *out, const char *text);
/* Runs `gnuplot -e params script` in out_dir, stderr into the error. */
gboolean ks_plot_run_gnuplot(const char *gnuplot, const char *script, const char *params,
                             const char *out_dir, GError **error);
