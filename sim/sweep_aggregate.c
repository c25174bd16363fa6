/* The table of a sweep: one row per run, its coordinates and every metric
 * (sim/metrics.h, docs/metrics.md), written as OUT/sweep.csv and
 * OUT/sweep.h5 (layout in docs/sweeps.md).
 *
 * Rows follow OUT/runs.tsv (the matrix order), never the order runs
 * finished in, so the same results give byte-identical tables. A run
 * without a results file (failed, or not run yet on the cluster) still has
 * its row, with status "missing" and empty metrics, so a table never hides
 * a hole in the matrix. Metric columns are the metrics catalogue in its
 * order, the same for every sweep.
 *
 * Both files are written to "<name>.partial" and renamed, as results files
 * are, so a reader never sees half a table.
 */
#include "sim/sweep.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <hdf5.h>

#include "sim/metrics.h"
#include "sim/results_h5.h"

void ks_sweep_table_free(KsSweepTable *t) {
  if (!t)
    return;
  g_strfreev(t->columns);
  g_strfreev(t->metrics);
  if (t->runs)
    g_ptr_array_free(t->runs, TRUE);
  g_free(t->present);
  g_free(t->values);
  g_free(t);
}

int ks_sweep_table_metric(const KsSweepTable *t, const char *name) {
  for (guint i = 0; i < t->n_metrics; i++)
    if (!strcmp(t->metrics[i], name))
      return (int)i;
  return -1;
}

KsSweepTable *ks_sweep_table_collect(const char *out_dir, GError **error) {
  KsSweepPlan *plan = ks_sweep_plan_read(out_dir, error);
  if (!plan)
    return NULL;
  KsSweepTable *t = g_new0(KsSweepTable, 1);
  gsize n = 0;
  const KsMetric *cat = ks_metrics_catalogue(&n);
  t->n_metrics = (guint)n;
  t->metrics = g_new0(char *, n + 1);
  for (gsize i = 0; i < n; i++)
    t->metrics[i] = g_strdup(cat[i].name);
  t->columns = g_steal_pointer(&plan->columns);
  t->runs = g_steal_pointer(&plan->runs);
  ks_sweep_plan_free(plan);
  t->present = g_new0(gboolean, MAX(t->runs->len, 1));
  t->values = g_new(double, MAX((gsize)t->runs->len * n, 1));
  for (gsize i = 0; i < (gsize)t->runs->len * n; i++)
    t->values[i] = NAN;
  for (guint r = 0; r < t->runs->len; r++) {
    const KsSweepRun *run = t->runs->pdata[r];
    if (!g_file_test(run->output, G_FILE_TEST_EXISTS))
      continue;
    KsMetrics *m = ks_metrics_read(run->output, error);
    if (!m) {
      ks_sweep_table_free(t);
      return NULL;
    }
    for (gsize i = 0; i < n; i++)
      t->values[(gsize)r * n + i] = ks_metrics_value(m, t->metrics[i]);
    t->present[r] = TRUE;
    ks_metrics_free(m);
  }
  return t;
}

/* ---- CSV ----------------------------------------------------------------- */

static void csv_field(GString *s, const char *v) {
  if (s->len && s->str[s->len - 1] != '\n')
    g_string_append_c(s, ',');
  if (!strpbrk(v, ",\"\r\n")) {
    g_string_append(s, v);
    return;
  }
  g_string_append_c(s, '"');
  for (const char *c = v; *c; c++) {
    if (*c == '"')
      g_string_append_c(s, '"');
    g_string_append_c(s, *c);
  }
  g_string_append_c(s, '"');
}

/* Shortest of %.15g: exact for integers and for seconds from microseconds. */
static void csv_number(GString *s, double v) {
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  csv_field(s, isnan(v) ? "" : g_ascii_formatd(buf, sizeof buf, "%.15g", v));
}

static char *table_csv(const KsSweepTable *t) {
  GString *s = g_string_new(NULL);
  csv_field(s, "run_id");
  csv_field(s, "status");
  for (char **c = t->columns; *c; c++)
    csv_field(s, *c);
  for (guint i = 0; i < t->n_metrics; i++)
    csv_field(s, t->metrics[i]);
  g_string_append_c(s, '\n');
  for (guint r = 0; r < t->runs->len; r++) {
    const KsSweepRun *run = t->runs->pdata[r];
    csv_field(s, run->id);
    csv_field(s, t->present[r] ? "ok" : "missing");
    for (char **c = run->coords; *c; c++)
      csv_field(s, *c);
    for (guint i = 0; i < t->n_metrics; i++)
      csv_number(s, t->values[(gsize)r * t->n_metrics + i]);
    g_string_append_c(s, '\n');
  }
  return g_string_free(s, FALSE);
}

static gboolean commit(const char *partial, const char *path, GError **error) {
  if (g_rename(partial, path) == 0)
    return TRUE;
  int e = errno;
  g_set_error(error, KS_SWEEP_ERROR, KS_SWEEP_ERROR_IO, "%s: cannot rename to %s: %s", partial,
              path, g_strerror(e));
  g_unlink(partial);
  return FALSE;
}

static gboolean write_csv(const KsSweepTable *t, const char *out_dir, GError **error) {
  g_autofree char *path = g_build_filename(out_dir, "sweep.csv", NULL);
  g_autofree char *partial = g_strconcat(path, ".partial", NULL);
  g_autofree char *text = table_csv(t);
  GError *e = NULL;
  if (!g_file_set_contents(partial, text, -1, &e)) {
    g_set_error(error, KS_SWEEP_ERROR, KS_SWEEP_ERROR_IO, "%s", e->message);
    g_error_free(e);
    return FALSE;
  }
  return commit(partial, path, error);
}

/* ---- HDF5 ---------------------------------------------------------------- */

/* One compound dataset "runs": run_id, status and the coordinates as
 * variable-length UTF-8 strings, then every metric as a float64 (NaN when
 * undefined or missing). In memory every member is an 8-byte slot. */
static gboolean write_h5(const KsSweepTable *t, const char *out_dir, GError **error) {
  g_autofree char *path = g_build_filename(out_dir, "sweep.h5", NULL);
  g_autofree char *partial = g_strconcat(path, ".partial", NULL);
  guint n_cols = g_strv_length(t->columns);
  guint n_str = 2 + n_cols, n_members = n_str + t->n_metrics;
  gsize rec = (gsize)n_members * 8;
  KsH5Quiet quiet;
  ks_h5_quiet_begin(&quiet);
  hid_t str = H5Tcopy(H5T_C_S1);
  H5Tset_size(str, H5T_VARIABLE);
  H5Tset_cset(str, H5T_CSET_UTF8);
  hid_t mem = H5Tcreate(H5T_COMPOUND, rec);
  for (guint i = 0; i < n_members; i++) {
    const char *name = i == 0 ? "run_id" : i == 1 ? "status"
                     : i < n_str ? t->columns[i - 2] : t->metrics[i - n_str];
    H5Tinsert(mem, name, (gsize)i * 8, i < n_str ? str : H5T_NATIVE_DOUBLE);
  }
  /* The file type: the same members, doubles stated little-endian. */
  hid_t file_type = H5Tcreate(H5T_COMPOUND, rec);
  for (guint i = 0; i < n_members; i++) {
    char *name = H5Tget_member_name(mem, i);
    H5Tinsert(file_type, name, (gsize)i * 8, i < n_str ? str : H5T_IEEE_F64LE);
    H5free_memory(name);
  }
  guint8 *buf = g_malloc0(MAX(rec * t->runs->len, 1));
  for (guint r = 0; r < t->runs->len; r++) {
    const KsSweepRun *run = t->runs->pdata[r];
    guint8 *row = buf + rec * r;
    const char *texts[2] = {run->id, t->present[r] ? "ok" : "missing"};
    for (guint i = 0; i < n_str; i++) {
      const char *v = i < 2 ? texts[i] : run->coords[i - 2];
      memcpy(row + (gsize)i * 8, &v, sizeof v);
    }
    for (guint i = 0; i < t->n_metrics; i++)
      memcpy(row + (gsize)(n_str + i) * 8, &t->values[(gsize)r * t->n_metrics + i], 8);
  }
  gboolean ok = FALSE;
  hsize_t dims[1] = {t->runs->len};
  hid_t file = H5Fcreate(partial, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  hid_t space = file >= 0 ? H5Screate_simple(1, dims, NULL) : -1;
  hid_t ds = space >= 0 ? H5Dcreate2(file, "runs", file_type, space, H5P_DEFAULT, H5P_DEFAULT,
                                     H5P_DEFAULT)
                        : -1;
  if (ds >= 0 && H5Dwrite(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0) {
    hid_t aspace = H5Screate(H5S_SCALAR);
    hid_t attr = H5Acreate2(file, KS_H5_ATTR_SCHEMA, H5T_STD_I64LE, aspace, H5P_DEFAULT,
                            H5P_DEFAULT);
    gint64 version = 1;
    ok = attr >= 0 && H5Awrite(attr, H5T_NATIVE_INT64, &version) >= 0;
    if (attr >= 0)
      H5Aclose(attr);
    H5Sclose(aspace);
  }
  if (!ok)
    ks_h5_set_error(error, KS_RESULTS_ERROR_IO, partial, "cannot write the sweep table");
  if (ds >= 0)
    H5Dclose(ds);
  if (space >= 0)
    H5Sclose(space);
  if (file >= 0 && H5Fclose(file) < 0 && ok) {
    ks_h5_set_error(error, KS_RESULTS_ERROR_IO, partial, "cannot close");
    ok = FALSE;
  }
  H5Tclose(file_type);
  H5Tclose(mem);
  H5Tclose(str);
  ks_h5_quiet_end(&quiet);
  g_free(buf);
  if (!ok) {
    g_unlink(partial);
    return FALSE;
  }
  return commit(partial, path, error);
}

gboolean ks_sweep_aggregate(const char *out_dir, guint *n_missing, GError **error) {
  *n_missing = 0;
  g_autoptr(KsSweepTable) t = ks_sweep_table_collect(out_dir, error);
  if (!t)
    return FALSE;
  for (guint r = 0; r < t->runs->len; r++)
    *n_missing += !t->present[r];
  return write_csv(t, out_dir, error) && write_h5(t, out_dir, error);
}
