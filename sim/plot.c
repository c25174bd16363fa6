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
 *
 * Runs whose pods had usage profiles also get usage: the used cpu and
 * memory beside the requested in utilization, and node-memory, the memory
 * the resource model measured on each node over time (at most
 * KS_PLOT_MAX_NODE_LINES nodes, those of highest peak) with the kubelet's
 * evictions (/kubelet/evictions of cause node_pressure or admission: the
 * pods it turned Failed with reason Evicted) marked at the memory their
 * node had at the sample before.
 */
#include "sim/plot.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "sim/kubelet/kubelet_results.h"
#include "sim/metrics.h"
#include "sim/results_read.h"

G_DEFINE_QUARK(ks-plot-error-quark, ks_plot_error)

#define KS_PLOT_CDF_POINTS 2000
#define KS_PLOT_MAX_NODE_LINES 12

static const char *const scripts[] = {"utilization.gp", "pending.gp", "pending-cdf.gp"};
#define NODE_MEMORY_SCRIPT "node-memory.gp"

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
  if (isnan(v))
    return "NaN";
  return g_ascii_formatd(buf, G_ASCII_DTOSTR_BUF_SIZE, "%.6g", v);
}

void ks_plot_append_gp_string(GString *out, const char *text) {
  g_string_append_c(out, '"');
  for (const char *c = text; *c; c++) {
    if (*c == '"' || *c == '\\')
      g_string_append_c(out, '\\');
    g_string_append_c(out, *c);
  }
  g_string_append_c(out, '"');
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

#define GIB 1073741824.0

/* u: the run's node usage, NULL when it had none (the used columns are NaN). */
static gboolean write_timeseries(const KsResults *r, const KsNodeUsage *u, const char *dir,
                                 double div, GError **error) {
  FILE *f = open_data(dir, "timeseries.tsv", error);
  if (!f)
    return FALSE;
  gint64 *cpu_used = g_new(gint64, MAX(r->n_samples, 1)), *mem_used = g_new(gint64, MAX(r->n_samples, 1));
  ks_metrics_usage_series(r, u, NULL, NULL, cpu_used, mem_used);
  fputs("# time\tcpu_requested_cores\tcpu_allocatable_cores\tmemory_requested_gib\t"
        "memory_allocatable_gib\tpending\trunning\tnodes\tcpu_used_cores\tmemory_used_gib\n", f);
  for (gsize i = 0; i < r->n_samples; i++) {
    const KsSampleRow *s = &r->samples[i];
    char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE], c[G_ASCII_DTOSTR_BUF_SIZE],
      d[G_ASCII_DTOSTR_BUF_SIZE], e[G_ASCII_DTOSTR_BUF_SIZE], g[G_ASCII_DTOSTR_BUF_SIZE],
      h[G_ASCII_DTOSTR_BUF_SIZE];
    fprintf(f, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\n", num(a, (double)s->time_us / div),
            num(b, (double)s->cpu_requested_milli / 1000), num(c, (double)s->cpu_allocatable_milli / 1000),
            num(d, (double)s->memory_requested / GIB),
            num(e, (double)s->memory_allocatable / GIB), s->pending, s->running,
            s->nodes, u ? num(g, (double)cpu_used[i] / 1000) : "NaN",
            u ? num(h, (double)mem_used[i] / GIB) : "NaN");
  }
  g_free(cpu_used);
  g_free(mem_used);
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

/* ---- node memory and evictions ------------------------------------------------ */

typedef struct {
  gint32 node;  /* row of /nodes */
  gint64 peak;  /* bytes */
} NodePeak;

static int cmp_peak(const void *a, const void *b) {
  const NodePeak *x = a, *y = b;
  if (x->peak != y->peak)
    return (x->peak < y->peak) - (x->peak > y->peak); /* highest first */
  return (x->node > y->node) - (x->node < y->node);
}

static int cmp_node(const void *a, const void *b) {
  const NodePeak *x = a, *y = b;
  return (x->node > y->node) - (x->node < y->node);
}

/* The nodes to draw, in /nodes order: the model's, at most
 * KS_PLOT_MAX_NODE_LINES of them, those of highest peak memory. col[n] is
 * node n's column (1-based) or 0. transfer full */
static NodePeak *pick_nodes(const KsResults *r, const KsNodeUsage *u, gint32 *col, guint *n_out,
                            guint *n_model) {
  NodePeak *all = g_new0(NodePeak, MAX(r->n_nodes, 1));
  gboolean *seen = g_new0(gboolean, MAX(r->n_nodes, 1));
  guint n = 0;
  for (gsize i = 0; i < u->n; i++) {
    gint32 node = u->rows[i].node;
    if (node < 0)
      continue;
    if (!seen[node]) {
      seen[node] = TRUE;
      all[n++] = (NodePeak){node, 0};
    }
  }
  for (gsize i = 0; i < u->n; i++)
    for (guint k = 0; k < n; k++)
      if (all[k].node == u->rows[i].node)
        all[k].peak = MAX(all[k].peak, u->rows[i].memory);
  *n_model = n;
  qsort(all, n, sizeof *all, cmp_peak);
  n = MIN(n, (guint)KS_PLOT_MAX_NODE_LINES);
  qsort(all, n, sizeof *all, cmp_node);
  for (guint k = 0; k < n; k++)
    col[all[k].node] = (gint32)k + 1;
  g_free(seen);
  *n_out = n;
  return all;
}

/* node-memory.tsv: time, then each drawn node's memory (GiB) at each
 * sample (NaN before the model saw it); nodes.gp: their names and
 * allocatable memory. */
static gboolean write_node_memory(const KsResults *r, const KsNodeUsage *u, const gint32 *col,
                                  const NodePeak *nodes, guint n, guint n_model, double div,
                                  const char *dir, GError **error) {
  GString *gp = g_string_new("# Written by ksim plot: the nodes of node-memory.tsv.\n");
  g_string_append_printf(gp, "nnodes = %u\nmodel_nodes = %u\narray node[%u]\narray alloc[%u]\n", n,
                         n_model, MAX(n, 1), MAX(n, 1));
  for (guint k = 0; k < n; k++) {
    char a[G_ASCII_DTOSTR_BUF_SIZE];
    g_string_append_printf(gp, "node[%u] = ", k + 1);
    ks_plot_append_gp_string(gp, r->nodes[nodes[k].node].name);
    g_string_append_printf(gp, "\nalloc[%u] = %s\n", k + 1,
                           num(a, (double)r->nodes[nodes[k].node].memory_allocatable / GIB));
  }
  g_autofree char *gp_path = g_build_filename(dir, "nodes.gp", NULL);
  gboolean ok = g_file_set_contents(gp_path, gp->str, (gssize)gp->len, NULL);
  g_string_free(gp, TRUE);
  if (!ok) {
    g_set_error(error, KS_PLOT_ERROR, KS_PLOT_ERROR_IO, "%s: cannot write", gp_path);
    return FALSE;
  }
  FILE *f = open_data(dir, "node-memory.tsv", error);
  if (!f)
    return FALSE;
  fputs("# time\tmemory_used_gib of each node of nodes.gp\n", f);
  double *row = g_new(double, MAX(n, 1));
  gsize j = 0;
  for (gsize i = 0; i < r->n_samples; i++) {
    gint64 t = r->samples[i].time_us;
    for (guint k = 0; k < n; k++)
      row[k] = NAN;
    while (j < u->n && u->rows[j].time_us < t)
      j++;
    for (; j < u->n && u->rows[j].time_us == t; j++)
      if (u->rows[j].node >= 0 && col[u->rows[j].node] > 0)
        row[col[u->rows[j].node] - 1] = (double)u->rows[j].memory / GIB;
    char a[G_ASCII_DTOSTR_BUF_SIZE];
    fputs(num(a, (double)t / div), f);
    for (guint k = 0; k < n; k++)
      fprintf(f, "\t%s", num(a, row[k]));
    fputc('\n', f);
  }
  g_free(row);
  return close_data(f, dir, "node-memory.tsv", error);
}

/* The memory of node row `node` at the last usage sample before t, NaN
 * when there is none. */
static double memory_before(const KsNodeUsage *u, gint32 node, gint64 t) {
  double v = NAN;
  for (gsize i = 0; i < u->n && u->rows[i].time_us < t; i++)
    if (u->rows[i].node == node)
      v = (double)u->rows[i].memory / GIB;
  return v;
}

static gint32 node_by_name(const KsResults *r, const char *name, gint64 t) {
  for (gsize i = 0; i < r->n_nodes; i++) {
    const KsNodeRow *n = &r->nodes[i];
    if (!strcmp(n->name, name) && n->added_us <= t && (n->removed_us < 0 || n->removed_us > t))
      return (gint32)i;
  }
  return -1;
}

/* The kubelet's own evictions: the pods it turned Failed, reason Evicted. */
static gboolean kubelet_eviction(const KsKubeletEviction *e) {
  return !strcmp(e->cause, ks_eviction_cause_to_string(KS_EVICTION_CAUSE_NODE_PRESSURE)) ||
         !strcmp(e->cause, ks_eviction_cause_to_string(KS_EVICTION_CAUSE_ADMISSION));
}

/* evictions.tsv: time, the memory of the pod's node just before (0 when
 * its node is not drawn), the node's column (0: not drawn), the pod, the
 * cause. *count: its rows. */
static gboolean write_evictions(const KsResults *r, const KsNodeUsage *u, const GArray *ev,
                                const gint32 *col, double div, const char *dir, guint *count,
                                GError **error) {
  FILE *f = open_data(dir, "evictions.tsv", error);
  if (!f)
    return FALSE;
  fputs("# time\tnode_memory_used_gib\tnode_column\tnode\tpod\tcause\n", f);
  *count = 0;
  for (guint i = 0; ev && i < ev->len; i++) {
    const KsKubeletEviction *e = &g_array_index(ev, KsKubeletEviction, i);
    if (!kubelet_eviction(e))
      continue;
    gint32 node = node_by_name(r, e->node, e->time_us);
    gint32 c = node >= 0 ? col[node] : 0;
    double mem = c > 0 ? memory_before(u, node, e->time_us) : NAN;
    char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];
    fprintf(f, "%s\t%s\t%d\t%s\t%s/%s\t%s\n", num(a, (double)e->time_us / div),
            num(b, isnan(mem) ? 0 : mem), c, e->node, e->namespace, e->name, e->cause);
    (*count)++;
  }
  return close_data(f, dir, "evictions.tsv", error);
}

static gboolean node_memory(const KsResults *r, const KsNodeUsage *u, const char *path,
                            double div, const char *dir, guint *evictions, GError **error) {
  GError *local = NULL;
  KsKubeletResults *k = ks_kubelet_results_read(path, &local);
  if (local) {
    g_propagate_error(error, local);
    return FALSE;
  }
  gint32 *col = g_new0(gint32, MAX(r->n_nodes, 1));
  guint n = 0, n_model = 0;
  NodePeak *nodes = pick_nodes(r, u, col, &n, &n_model);
  gboolean ok = write_node_memory(r, u, col, nodes, n, n_model, div, dir, error) &&
                write_evictions(r, u, k ? k->evictions : NULL, col, div, dir, evictions, error);
  ks_kubelet_results_free(k);
  g_free(nodes);
  g_free(col);
  return ok;
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
                           gboolean with_node_memory, const char *out_dir, GError **error) {
  for (gsize i = 0; i <= G_N_ELEMENTS(scripts); i++) {
    if (i == G_N_ELEMENTS(scripts) && !with_node_memory)
      break;
    const char *name = i < G_N_ELEMENTS(scripts) ? scripts[i] : NODE_MEMORY_SCRIPT;
    g_autofree char *script = g_build_filename(script_dir, name, NULL);
    if (!ks_plot_run_gnuplot(gnuplot, script, params, out_dir, error))
      return FALSE;
  }
  return TRUE;
}

gboolean ks_plot_render(const char *results_path, const char *out_dir, const char *format,
                        gboolean *node_memory_out, GError **error) {
  const char *fmt = format ? format : "png";
  g_return_val_if_fail(!strcmp(fmt, "png") || !strcmp(fmt, "svg"), FALSE);
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
  g_autoptr(KsNodeUsage) u = NULL;
  GError *local = NULL;
  u = ks_metrics_node_usage_read(results_path, r, &local);
  if (local) {
    g_propagate_error(error, local);
    return FALSE;
  }
  const char *unit;
  double div;
  gsize cdf_count = 0;
  guint evictions = 0;
  time_unit(r, &unit, &div);
  if (!write_timeseries(r, u, out_dir, div, error) || !write_cdf(r, out_dir, &cdf_count, error))
    return FALSE;
  if (u && !node_memory(r, u, results_path, div, out_dir, &evictions, error))
    return FALSE;
  g_autofree char *params = g_strdup_printf(
    "fmt='%s'; tunit='%s'; no_samples=%d; no_scheduled=%d; unscheduled=%" G_GSIZE_FORMAT
    "; has_usage=%d; evictions=%u", fmt, unit, r->n_samples == 0, cdf_count == 0,
    r->n_pods - cdf_count, u != NULL, evictions);
  if (node_memory_out)
    *node_memory_out = u != NULL;
  return render_all(gnuplot, script_dir, params, u != NULL, out_dir, error);
}
