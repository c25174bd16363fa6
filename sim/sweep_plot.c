/* The comparison plots of a sweep (`ksim plot SWEEPDIR`, docs/sweeps.md).
 *
 * As for a run's plots (sim/plot.c), C does the arithmetic and writes small
 * tab-separated files in ready-to-plot units, and the scripts in
 * scripts/plot/sweep-*.gp only draw. Runs are put in groups: every
 * coordinate but the seed ("policy" when only the profile varies), and a
 * group's label names the coordinates that vary across the sweep. The
 * groups, numbered from 1 in matrix order, and their labels go to
 * groups.gp, which every script loads, so labels never pass through a
 * command line.
 *
 * - metric-<name>: per group, mean over its runs (seeds) with the sample
 *   standard deviation (n - 1; 0 for one run) as the error bar.
 * - pending-cdf: per group, every scheduled pod of every seed pooled, at
 *   most KS_SWEEP_PLOT_CDF_POINTS ranks as in a run's CDF.
 * - utilization: per group, requested / allocatable (CPU, memory) at each
 *   sample index, the mean over the group's runs that have that sample;
 *   and used / allocatable (docs/metrics.md, usage), the mean over the
 *   group's runs that modelled usage (pods with usage profiles).
 * - heatmap-<k>-<resource>: the first run of group k: requested /
 *   allocatable per node and time bucket, one map per resource the results
 *   record (cpu, memory, and gpu when the run has GPUs: milli-GPU of the
 *   bound pods over 1000 x the node's GPUs), each bound pod counted from
 *   binding to its end (finish, or the end of the run), weighted by its
 *   overlap with the bucket; nodes are folded into bands of consecutive
 *   nodes when there are more than KS_SWEEP_PLOT_MAX_ROWS.
 *
 * Results files are read one at a time, so a sweep of many runs costs the
 * memory of one run plus the per-group curves.
 */
#include "sim/sweep.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "sim/metrics.h"
#include "sim/plot.h"
#include "sim/results_read.h"

#define KS_SWEEP_PLOT_CDF_POINTS 2000
#define KS_SWEEP_PLOT_MAX_ROWS 400    /* heat map rows (node bands) */
#define KS_SWEEP_PLOT_MAX_BUCKETS 200 /* heat map columns */

static const char *const default_metrics[] = {"pending.p99", "pending.mean", "alloc.cpu.mean",
                                              "makespan", NULL};

typedef struct {
  gint64 time_us;
  double cpu, memory;
  guint n;
  double cpu_used, memory_used; /* runs with usage */
  guint n_used;
} UtilPoint;

/* The heat maps' resources, as the results record them per pod and node. */
enum { HEAT_CPU, HEAT_MEMORY, HEAT_GPU, HEAT_N };
static const char *const heat_names[HEAT_N] = {"cpu", "memory", "gpu"};

typedef struct {
  char *key;
  char *label;
  GArray *rows;     /* guint: table rows, in matrix order */
  GArray *pending;  /* gint64: pending µs of scheduled pods, all runs */
  GArray *util;     /* UtilPoint, by sample index */
  double *heat[HEAT_N]; /* rows x buckets, NAN where no node was; NULL: not drawn */
  guint heat_rows, heat_cols, band;
  double heat_dt_us;
  gboolean heat_done;
  const char *heat_run;
} Group;

static void group_free(gpointer p) {
  Group *g = p;
  g_free(g->key);
  g_free(g->label);
  g_array_free(g->rows, TRUE);
  g_array_free(g->pending, TRUE);
  g_array_free(g->util, TRUE);
  for (int h = 0; h < HEAT_N; h++)
    g_free(g->heat[h]);
  g_free(g);
}

static gboolean io_error(GError **error, const char *path) {
  int e = errno;
  g_set_error(error, KS_PLOT_ERROR, KS_PLOT_ERROR_IO, "%s: %s", path, g_strerror(e));
  return FALSE;
}

static char *num(char buf[G_ASCII_DTOSTR_BUF_SIZE], double v) {
  if (isnan(v))
    return strcpy(buf, "NaN");
  return g_ascii_formatd(buf, G_ASCII_DTOSTR_BUF_SIZE, "%.6g", v);
}

/* ---- groups ---------------------------------------------------------------- */

/* Columns (but the seed, the last) whose value differs between runs. */
static gboolean *varying_columns(const KsSweepTable *t, guint n_cols) {
  gboolean *vary = g_new0(gboolean, n_cols);
  for (guint c = 0; c + 1 < n_cols; c++)
    for (guint r = 1; r < t->runs->len; r++)
      if (strcmp(((KsSweepRun *)t->runs->pdata[r])->coords[c],
                 ((KsSweepRun *)t->runs->pdata[0])->coords[c]))
        vary[c] = TRUE;
  return vary;
}

static GPtrArray *make_groups(const KsSweepTable *t, char **grouped_by) {
  guint n_cols = g_strv_length(t->columns);
  g_autofree gboolean *vary = varying_columns(t, n_cols);
  GString *by = g_string_new(NULL);
  for (guint c = 0; c + 1 < n_cols; c++)
    if (vary[c])
      g_string_append_printf(by, "%s%s", by->len ? ", " : "", t->columns[c]);
  /* Nothing varies but the seed: label by profile. */
  guint profile_col = 0;
  while (profile_col + 1 < n_cols && strcmp(t->columns[profile_col], "profile"))
    profile_col++;
  if (!by->len) {
    vary[profile_col] = TRUE;
    g_string_append(by, "profile");
  }
  *grouped_by = g_string_free(by, FALSE);
  GPtrArray *groups = g_ptr_array_new_with_free_func(group_free);
  GHashTable *index = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint r = 0; r < t->runs->len; r++) {
    const KsSweepRun *run = t->runs->pdata[r];
    GString *key = g_string_new(NULL), *label = g_string_new(NULL);
    for (guint c = 0; c + 1 < n_cols; c++) {
      g_string_append_printf(key, "%s\t", run->coords[c]);
      if (vary[c])
        g_string_append_printf(label, "%s%s", label->len ? " " : "", run->coords[c]);
    }
    Group *g = g_hash_table_lookup(index, key->str);
    if (!g) {
      g = g_new0(Group, 1);
      g->key = g_strdup(key->str);
      g->label = g_strdup(label->str);
      g->rows = g_array_new(FALSE, FALSE, sizeof(guint));
      g->pending = g_array_new(FALSE, FALSE, sizeof(gint64));
      g->util = g_array_new(FALSE, TRUE, sizeof(UtilPoint));
      g_ptr_array_add(groups, g);
      g_hash_table_insert(index, g->key, g);
    }
    g_array_append_val(g->rows, r);
    g_string_free(key, TRUE);
    g_string_free(label, TRUE);
  }
  g_hash_table_destroy(index);
  return groups;
}

/* groups.gp: ngroups, grouped_by and label[1..ngroups] as gnuplot strings. */
static gboolean write_groups(const GPtrArray *groups, const char *grouped_by, const char *dir,
                             GError **error) {
  GString *s = g_string_new("# Written by ksim plot: the groups of this sweep.\n");
  g_string_append_printf(s, "ngroups = %u\n", groups->len);
  GString *q = g_string_new(NULL);
  for (guint k = 0; k <= groups->len; k++) {
    const char *text = k == 0 ? grouped_by : ((const Group *)groups->pdata[k - 1])->label;
    g_string_truncate(q, 0);
    ks_plot_append_gp_string(q, text);
    if (k == 0)
      g_string_append_printf(s, "grouped_by = %s\narray label[%u]\n", q->str, MAX(groups->len, 1));
    else
      g_string_append_printf(s, "label[%u] = %s\n", k, q->str);
  }
  g_string_free(q, TRUE);
  g_autofree char *path = g_build_filename(dir, "groups.gp", NULL);
  gboolean ok = g_file_set_contents(path, s->str, (gssize)s->len, NULL);
  g_string_free(s, TRUE);
  return ok || io_error(error, path);
}

/* ---- reading the runs ------------------------------------------------------ */

static gint64 run_end(const KsResults *r) {
  return r->n_samples ? r->samples[r->n_samples - 1].time_us : 0;
}

/* usage: the run's node usage, NULL when it did not model usage. */
static void add_run(Group *g, const KsResults *r, const KsNodeUsage *usage) {
  for (gsize i = 0; i < r->n_pods; i++)
    if (r->pods[i].scheduled_us >= 0 && r->pods[i].created_us >= 0) {
      gint64 v = r->pods[i].scheduled_us - r->pods[i].created_us;
      g_array_append_val(g->pending, v);
    }
  if (g->util->len < r->n_samples)
    g_array_set_size(g->util, (guint)r->n_samples);
  for (gsize i = 0; i < r->n_samples; i++) {
    const KsSampleRow *s = &r->samples[i];
    UtilPoint *u = &g_array_index(g->util, UtilPoint, i);
    if (!u->n)
      u->time_us = s->time_us;
    u->cpu += s->cpu_allocatable_milli ? (double)s->cpu_requested_milli / s->cpu_allocatable_milli : 0;
    u->memory += s->memory_allocatable ? (double)s->memory_requested / s->memory_allocatable : 0;
    u->n++;
  }
  if (!usage)
    return;
  double *cpu = g_new(double, MAX(r->n_samples, 1)), *mem = g_new(double, MAX(r->n_samples, 1));
  ks_metrics_usage_series(r, usage, cpu, mem, NULL, NULL);
  for (gsize i = 0; i < r->n_samples; i++) {
    UtilPoint *u = &g_array_index(g->util, UtilPoint, i);
    u->cpu_used += isnan(cpu[i]) ? 0 : cpu[i];
    u->memory_used += isnan(mem[i]) ? 0 : mem[i];
    u->n_used++;
  }
  g_free(cpu);
  g_free(mem);
}

/* Adds x times the overlap of [a, b) with each bucket into acc[row * cols + bucket]. */
static void spread(double *acc, guint row, guint cols, double dt, gint64 a, gint64 b, double x) {
  if (b <= a)
    return;
  guint first = (guint)MIN((double)(cols - 1), floor((double)a / dt));
  guint last = (guint)MIN((double)(cols - 1), floor((double)b / dt));
  for (guint c = first; c <= last; c++) {
    double lo = MAX((double)a, c * dt), hi = c == cols - 1 ? (double)b : MIN((double)b, (c + 1) * dt);
    if (hi > lo)
      acc[(gsize)row * cols + c] += x * (hi - lo);
  }
}

static double pod_request(const KsPodRow *p, int h) {
  return h == HEAT_CPU ? (double)p->cpu_request_milli
         : h == HEAT_MEMORY ? (double)p->memory_request : (double)p->gpu_request_milli;
}

static double node_allocatable(const KsNodeRow *n, int h) {
  return h == HEAT_CPU ? (double)n->cpu_allocatable_milli
         : h == HEAT_MEMORY ? (double)n->memory_allocatable : 1000.0 * n->gpus;
}

/* One resource's map: requested / allocatable per row and bucket, NAN
 * where no node had that resource. transfer full */
static double *heat_of(const KsResults *r, int h, guint rows, guint cols, guint band, double dt,
                       gint64 end) {
  double *used = g_new0(double, (gsize)rows * cols), *cap = g_new0(double, (gsize)rows * cols);
  for (gsize i = 0; i < r->n_pods; i++) {
    const KsPodRow *p = &r->pods[i];
    if (p->node < 0 || (gsize)p->node >= r->n_nodes || p->scheduled_us < 0)
      continue;
    gint64 stop = p->finished_us >= 0 ? MIN(p->finished_us, end) : end;
    spread(used, (guint)p->node / band, cols, dt, p->scheduled_us, stop, pod_request(p, h));
  }
  for (gsize n = 0; n < r->n_nodes; n++) {
    const KsNodeRow *node = &r->nodes[n];
    gint64 stop = node->removed_us >= 0 ? MIN(node->removed_us, end) : end;
    spread(cap, (guint)n / band, cols, dt, MAX(node->added_us, 0), stop, node_allocatable(node, h));
  }
  for (gsize i = 0; i < (gsize)rows * cols; i++)
    used[i] = cap[i] > 0 ? used[i] / cap[i] : NAN;
  g_free(cap);
  return used;
}

static void heat_map(Group *g, const KsResults *r, const char *run_id) {
  gint64 end = run_end(r);
  g->heat_done = TRUE;
  g->heat_run = run_id;
  if (end <= 0 || r->n_nodes == 0)
    return;
  guint cols = (guint)MIN((gsize)KS_SWEEP_PLOT_MAX_BUCKETS, MAX(r->n_samples, 2));
  guint band = (guint)((r->n_nodes + KS_SWEEP_PLOT_MAX_ROWS - 1) / KS_SWEEP_PLOT_MAX_ROWS);
  guint rows = (guint)((r->n_nodes + band - 1) / band);
  double dt = (double)end / cols;
  gboolean gpus = FALSE;
  for (gsize n = 0; n < r->n_nodes; n++)
    gpus = gpus || r->nodes[n].gpus > 0;
  for (int h = 0; h < HEAT_N; h++)
    if (h != HEAT_GPU || gpus)
      g->heat[h] = heat_of(r, h, rows, cols, band, dt, end);
  g->heat_rows = rows;
  g->heat_cols = cols;
  g->band = band;
  g->heat_dt_us = dt;
}

static gboolean read_runs(const KsSweepTable *t, GPtrArray *groups, gint64 *span,
                          gboolean *any_usage, GError **error) {
  *span = 0;
  *any_usage = FALSE;
  for (guint k = 0; k < groups->len; k++) {
    Group *g = groups->pdata[k];
    for (guint i = 0; i < g->rows->len; i++) {
      guint row = g_array_index(g->rows, guint, i);
      if (!t->present[row])
        continue;
      const KsSweepRun *run = t->runs->pdata[row];
      g_autoptr(KsResults) r = ks_results_read(run->output, error);
      if (!r)
        return FALSE;
      GError *local = NULL;
      g_autoptr(KsNodeUsage) usage = ks_metrics_node_usage_read(run->output, r, &local);
      if (local) {
        g_propagate_error(error, local);
        return FALSE;
      }
      add_run(g, r, usage);
      *any_usage = *any_usage || usage != NULL;
      *span = MAX(*span, run_end(r));
      if (!g->heat_done)
        heat_map(g, r, run->id);
    }
  }
  return TRUE;
}

/* ---- data files -------------------------------------------------------------- */

static gboolean write_file(const char *dir, const char *name, const GString *s, GError **error) {
  g_autofree char *path = g_build_filename(dir, name, NULL);
  return g_file_set_contents(path, s->str, (gssize)s->len, NULL) || io_error(error, path);
}

static gboolean write_metric(const KsSweepTable *t, const GPtrArray *groups, int m,
                             const char *dir, const char *name, gboolean *no_values,
                             GError **error) {
  GString *s = g_string_new("# group\tlabel\tmean\tstddev\tmin\tmax\truns\n");
  *no_values = TRUE;
  for (guint k = 0; k < groups->len; k++) {
    const Group *g = groups->pdata[k];
    double sum = 0, sq = 0, lo = INFINITY, hi = -INFINITY;
    guint n = 0;
    for (guint i = 0; i < g->rows->len; i++) {
      double v = t->values[(gsize)g_array_index(g->rows, guint, i) * t->n_metrics + (guint)m];
      if (isnan(v))
        continue;
      sum += v, n++, lo = MIN(lo, v), hi = MAX(hi, v);
    }
    double mean = n ? sum / n : NAN;
    for (guint i = 0; n && i < g->rows->len; i++) {
      double v = t->values[(gsize)g_array_index(g->rows, guint, i) * t->n_metrics + (guint)m];
      if (!isnan(v))
        sq += (v - mean) * (v - mean);
    }
    double sd = n > 1 ? sqrt(sq / (n - 1)) : n ? 0 : NAN;
    char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE], c[G_ASCII_DTOSTR_BUF_SIZE],
      d[G_ASCII_DTOSTR_BUF_SIZE];
    g_string_append_printf(s, "%u\t%s\t%s\t%s\t%s\t%s\t%u\n", k + 1, g->label, num(a, mean),
                           num(b, sd), num(c, n ? lo : NAN), num(d, n ? hi : NAN), n);
    *no_values = *no_values && n == 0;
  }
  gboolean ok = write_file(dir, name, s, error);
  g_string_free(s, TRUE);
  return ok;
}

static int cmp_i64(const void *a, const void *b) {
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;
  return (x > y) - (x < y);
}

static gboolean write_cdf(Group *g, guint k, const char *dir, GError **error) {
  GString *s = g_string_new("# pending_time_s\tfraction_of_scheduled_pods\n");
  gsize n = g->pending->len;
  gint64 *v = (gint64 *)(void *)g->pending->data;
  if (n) /* an empty GArray's data is NULL, which qsort must not get */
    qsort(v, n, sizeof *v, cmp_i64);
  gsize steps = MIN(n, (gsize)KS_SWEEP_PLOT_CDF_POINTS);
  for (gsize j = 1; j <= steps; j++) {
    gsize rank = (j * n + steps - 1) / steps;
    char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];
    g_string_append_printf(s, "%s\t%s\n", num(a, (double)v[rank - 1] / 1e6),
                           num(b, (double)rank / (double)n));
  }
  g_autofree char *name = g_strdup_printf("pending-cdf-%u.tsv", k);
  gboolean ok = write_file(dir, name, s, error);
  g_string_free(s, TRUE);
  return ok;
}

static gboolean write_util(const Group *g, guint k, double div, const char *dir, GError **error) {
  GString *s = g_string_new("# time\tcpu_requested_over_allocatable\tmemory_requested_over_allocatable\t"
                             "cpu_used_over_allocatable\tmemory_used_over_allocatable\n");
  for (guint i = 0; i < g->util->len; i++) {
    const UtilPoint *u = &g_array_index(g->util, UtilPoint, i);
    if (!u->n)
      continue;
    char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE], c[G_ASCII_DTOSTR_BUF_SIZE],
      d[G_ASCII_DTOSTR_BUF_SIZE], e[G_ASCII_DTOSTR_BUF_SIZE];
    g_string_append_printf(s, "%s\t%s\t%s\t%s\t%s\n", num(a, (double)u->time_us / div),
                           num(b, u->cpu / u->n), num(c, u->memory / u->n),
                           num(d, u->n_used ? u->cpu_used / u->n_used : NAN),
                           num(e, u->n_used ? u->memory_used / u->n_used : NAN));
  }
  g_autofree char *name = g_strdup_printf("utilization-%u.tsv", k);
  gboolean ok = write_file(dir, name, s, error);
  g_string_free(s, TRUE);
  return ok;
}

static gboolean write_heat(const Group *g, guint k, const char *dir, GError **error) {
  for (int h = 0; h < HEAT_N; h++) {
    if (!g->heat[h])
      continue;
    GString *s = g_string_new(NULL);
    for (guint r = 0; r < g->heat_rows; r++) {
      for (guint c = 0; c < g->heat_cols; c++) {
        char a[G_ASCII_DTOSTR_BUF_SIZE];
        g_string_append_printf(s, "%s%s", c ? " " : "",
                               num(a, g->heat[h][(gsize)r * g->heat_cols + c]));
      }
      g_string_append_c(s, '\n');
    }
    g_autofree char *name = g_strdup_printf("heatmap-%u-%s.tsv", k, heat_names[h]);
    gboolean ok = write_file(dir, name, s, error);
    g_string_free(s, TRUE);
    if (!ok)
      return FALSE;
  }
  return TRUE;
}

/* ---- drawing ------------------------------------------------------------------ */

typedef struct {
  const char *gnuplot, *scripts, *dir, *fmt;
} Draw;

static gboolean draw(const Draw *d, const char *script, const char *params, GError **error) {
  g_autofree char *path = g_build_filename(d->scripts, script, NULL);
  g_autofree char *all = g_strdup_printf("fmt='%s'; %s", d->fmt, params);
  return ks_plot_run_gnuplot(d->gnuplot, path, all, d->dir, error);
}

static gboolean check_metrics(const KsSweepTable *t, const char *const *metrics, GError **error) {
  for (const char *const *m = metrics; *m; m++)
    if (ks_sweep_table_metric(t, *m) < 0) {
      g_autofree char *all = g_strjoinv(", ", t->metrics);
      g_set_error(error, KS_SWEEP_ERROR, KS_SWEEP_ERROR_INPUT, "unknown metric \"%s\" (metrics: %s)",
                  *m, all);
      return FALSE;
    }
  return TRUE;
}

static const char *unit_of(const char *metric) {
  gsize n;
  const KsMetric *cat = ks_metrics_catalogue(&n);
  for (gsize i = 0; i < n; i++)
    if (!strcmp(cat[i].name, metric))
      return cat[i].unit;
  return "";
}

static gboolean render(const Draw *d, const KsSweepTable *t, GPtrArray *groups,
                       const char *const *metrics, GError **error) {
  gint64 span;
  gboolean any_usage;
  if (!read_runs(t, groups, &span, &any_usage, error))
    return FALSE;
  const char *tunit;
  double div;
  ks_plot_time_unit(span, &tunit, &div);
  for (const char *const *m = metrics; *m; m++) {
    g_autofree char *data = g_strdup_printf("metric-%s.tsv", *m);
    gboolean none;
    if (!write_metric(t, groups, ks_sweep_table_metric(t, *m), d->dir, data, &none, error))
      return FALSE;
    g_autofree char *params = g_strdup_printf(
      "data='%s'; out='metric-%s.%s'; metric='%s'; unit='%s'; no_values=%d", data, *m, d->fmt, *m,
      unit_of(*m), none);
    if (!draw(d, "sweep-metric.gp", params, error))
      return FALSE;
  }
  gboolean any_pending = FALSE, any_samples = FALSE;
  for (guint k = 0; k < groups->len; k++) {
    Group *g = groups->pdata[k];
    any_pending = any_pending || g->pending->len > 0;
    any_samples = any_samples || g->util->len > 0;
    if (!write_cdf(g, k + 1, d->dir, error) || !write_util(g, k + 1, div, d->dir, error) ||
        !write_heat(g, k + 1, d->dir, error))
      return FALSE;
  }
  g_autofree char *cdf = g_strdup_printf("no_scheduled=%d", !any_pending);
  g_autofree char *util = g_strdup_printf("tunit='%s'; no_samples=%d; has_usage=%d", tunit,
                                          !any_samples, any_usage);
  if (!draw(d, "sweep-pending-cdf.gp", cdf, error) || !draw(d, "sweep-utilization.gp", util, error))
    return FALSE;
  for (guint k = 0; k < groups->len; k++) {
    const Group *g = groups->pdata[k];
    if (!g->heat_done)
      continue; /* no run of the group has results */
    for (int h = 0; h < HEAT_N; h++) {
      gboolean empty = g->heat[HEAT_CPU] == NULL; /* a run without nodes or samples */
      if (!g->heat[h] && (h == HEAT_GPU || !empty))
        continue; /* no GPUs: no GPU map */
      char dt[G_ASCII_DTOSTR_BUF_SIZE];
      g_autofree char *params = g_strdup_printf(
        "k=%u; res='%s'; dt=%s; tunit='%s'; band=%u; rows=%u; run='%s'; no_samples=%d", k + 1,
        heat_names[h], num(dt, g->heat_dt_us / div), tunit, MAX(g->band, 1), g->heat_rows,
        g->heat_run, empty);
      if (!draw(d, "sweep-heatmap.gp", params, error))
        return FALSE;
    }
  }
  return TRUE;
}

gboolean ks_sweep_plot(const char *out_dir, const char *plot_dir, const char *format,
                       const char *const *metrics, GError **error) {
  const char *fmt = format ? format : "png";
  g_return_val_if_fail(!strcmp(fmt, "png") || !strcmp(fmt, "svg"), FALSE);
  g_autoptr(KsSweepTable) t = ks_sweep_table_collect(out_dir, error);
  if (!t)
    return FALSE;
  const char *const *list = metrics && metrics[0] ? metrics : default_metrics;
  if (!check_metrics(t, list, error))
    return FALSE;
  g_autofree char *gnuplot = ks_plot_find_gnuplot(error);
  if (!gnuplot)
    return FALSE;
  g_autofree char *scripts = ks_plot_find_scripts(error);
  if (!scripts)
    return FALSE;
  g_autofree char *dir = plot_dir ? g_strdup(plot_dir) : g_build_filename(out_dir, "plots", NULL);
  if (g_mkdir_with_parents(dir, 0777) != 0)
    return io_error(error, dir);
  g_autofree char *grouped_by = NULL;
  GPtrArray *groups = make_groups(t, &grouped_by);
  Draw d = {gnuplot, scripts, dir, fmt};
  gboolean ok = write_groups(groups, grouped_by, dir, error) && render(&d, t, groups, list, error);
  g_ptr_array_free(groups, TRUE);
  return ok;
}
