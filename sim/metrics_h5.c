/* The /metrics dataset (docs/results.md): written by the results writer's
 * commit hook from the rows just written, read back by ks_metrics_read.
 *
 * One row per metric, in catalogue order: name, unit, better (an enum) and
 * the value as an IEEE double (NaN when undefined). The dataset is small
 * (a few dozen rows), so it is contiguous and unfiltered; as for the other
 * datasets, modification times are off so the file stays byte-identical.
 * The metrics are computed by reading the rows (and the resource model's
 * node usage, /kubelet) back through the open file, so what is stored is
 * exactly what ks_metrics_compute_with_usage gives for the file.
 */
#include "sim/metrics.h"

#include <string.h>

#include "sim/metrics_private.h"
#include "sim/results_h5.h"

#define METRICS_DATASET "metrics"

typedef struct {
  char name[KS_METRIC_NAME_MAX];
  char unit[KS_METRIC_UNIT_MAX];
  gint32 better; /* KsMetricBetter */
  double value;
} MetricRec;

static hid_t better_type(gboolean file) {
  hid_t t = H5Tenum_create(file ? H5T_STD_I8LE : H5T_NATIVE_INT32);
  static const char *const names[] = {"none", "lower", "higher"};
  for (gint32 i = 0; i < 3; i++) {
    gint8 small = (gint8)i;
    H5Tenum_insert(t, names[i], file ? (void *)&small : (void *)&i);
  }
  return t;
}

static hid_t str_type(gsize len) {
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, len);
  H5Tset_strpad(t, H5T_STR_NULLPAD);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return t;
}

/* transfer full (H5Tclose): the packed file type or the native one. */
static hid_t metric_type(gboolean file) {
  hid_t name = str_type(KS_METRIC_NAME_MAX), unit = str_type(KS_METRIC_UNIT_MAX);
  hid_t better = better_type(file);
  hid_t t;
  if (file) {
    gsize off = 0;
    t = H5Tcreate(H5T_COMPOUND, KS_METRIC_NAME_MAX + KS_METRIC_UNIT_MAX + 1 + 8);
    H5Tinsert(t, "name", off, name);
    off += KS_METRIC_NAME_MAX;
    H5Tinsert(t, "unit", off, unit);
    off += KS_METRIC_UNIT_MAX;
    H5Tinsert(t, "better", off, better);
    off += 1;
    H5Tinsert(t, "value", off, H5T_IEEE_F64LE);
  } else {
    t = H5Tcreate(H5T_COMPOUND, sizeof(MetricRec));
    H5Tinsert(t, "name", G_STRUCT_OFFSET(MetricRec, name), name);
    H5Tinsert(t, "unit", G_STRUCT_OFFSET(MetricRec, unit), unit);
    H5Tinsert(t, "better", G_STRUCT_OFFSET(MetricRec, better), better);
    H5Tinsert(t, "value", G_STRUCT_OFFSET(MetricRec, value), H5T_NATIVE_DOUBLE);
  }
  H5Tclose(name);
  H5Tclose(unit);
  H5Tclose(better);
  return t;
}

static gboolean write_metrics(hid_t file, const char *path, const KsMetrics *m, GError **error) {
  MetricRec *recs = g_new0(MetricRec, MAX(m->n, 1));
  for (gsize i = 0; i < m->n; i++) {
    const char *name = m->items[i].name, *unit = m->items[i].unit;
    memcpy(recs[i].name, name, MIN(strlen(name), (gsize)KS_METRIC_NAME_MAX));
    memcpy(recs[i].unit, unit, MIN(strlen(unit), (gsize)KS_METRIC_UNIT_MAX));
    recs[i].better = m->items[i].better;
    recs[i].value = m->items[i].value;
  }
  hsize_t dims = m->n;
  hid_t space = H5Screate_simple(1, &dims, NULL);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_obj_track_times(dcpl, 0);
  hid_t ftype = metric_type(TRUE), mtype = metric_type(FALSE);
  hid_t dset = H5Dcreate2(file, METRICS_DATASET, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  gboolean ok = dset >= 0 && H5Dwrite(dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, recs) >= 0;
  if (dset >= 0)
    H5Dclose(dset);
  H5Tclose(mtype);
  H5Tclose(ftype);
  H5Pclose(dcpl);
  H5Sclose(space);
  g_free(recs);
  if (!ok)
    ks_h5_set_error(error, KS_RESULTS_ERROR_IO, path, "cannot write /metrics");
  return ok;
}

static gboolean commit_hook(KsResultsWriter *w, gpointer data, GError **error) {
  (void)data;
  const char *path = ks_h5_writer_path(w);
  hid_t file = ks_h5_writer_file(w);
  KsResults *r = ks_h5_read_open(file, path, error);
  if (!r)
    return FALSE;
  GError *local = NULL;
  KsNodeUsage *u = ks_metrics_node_usage_read_h5(file, path, r, &local);
  gboolean ok = local == NULL;
  if (ok) {
    KsMetrics *m = ks_metrics_compute_with_usage(r, u);
    ok = write_metrics(file, path, m, error);
    ks_metrics_free(m);
  } else {
    g_propagate_error(error, local);
  }
  ks_node_usage_free(u);
  ks_results_free(r);
  return ok;
}

void ks_metrics_attach(KsResultsWriter *w) {
  ks_results_writer_on_commit(w, commit_hook, NULL);
}

/* ---- reading ---- */

static gboolean format_error(GError **error, const char *path, const char *what) {
  g_set_error(error, KS_RESULTS_ERROR, KS_RESULTS_ERROR_FORMAT, "%s: /metrics %s", path, what);
  return FALSE;
}

static gboolean check_schema(hid_t file, const char *path, GError **error) {
  gint64 v = -1;
  gboolean ok = H5Aexists(file, KS_H5_ATTR_SCHEMA) > 0;
  if (ok) {
    hid_t a = H5Aopen(file, KS_H5_ATTR_SCHEMA, H5P_DEFAULT);
    ok = a >= 0 && H5Aread(a, H5T_NATIVE_INT64, &v) >= 0;
    if (a >= 0)
      H5Aclose(a);
  }
  H5Eclear2(H5E_DEFAULT);
  if (!ok || v != KS_RESULTS_SCHEMA_VERSION) {
    /* the full reader words every case */
    KsResults *r = ks_results_read(path, error);
    ks_results_free(r);
    return r == NULL ? FALSE : format_error(error, path, "without a schema_version");
  }
  return TRUE;
}

static gboolean check_members(hid_t dset, const char *path, GError **error) {
  static const char *const members[] = {"name", "unit", "better", "value"};
  hid_t ftype = H5Dget_type(dset);
  gboolean ok = H5Tget_class(ftype) == H5T_COMPOUND;
  if (!ok)
    format_error(error, path, "is not a table of records");
  for (gsize i = 0; ok && i < G_N_ELEMENTS(members); i++) {
    if (H5Tget_member_index(ftype, members[i]) < 0) {
      g_set_error(error, KS_RESULTS_ERROR, KS_RESULTS_ERROR_FORMAT,
                  "%s: /metrics has no member '%s'", path, members[i]);
      ok = FALSE;
    }
  }
  H5Tclose(ftype);
  H5Eclear2(H5E_DEFAULT);
  return ok;
}

static KsMetrics *read_dataset(hid_t file, const char *path, GError **error) {
  hid_t dset = H5Dopen2(file, METRICS_DATASET, H5P_DEFAULT);
  if (dset < 0) {
    ks_h5_set_error(error, KS_RESULTS_ERROR_FORMAT, path, "cannot open /metrics");
    return NULL;
  }
  KsMetrics *m = NULL;
  if (check_members(dset, path, error)) {
    hid_t space = H5Dget_space(dset);
    hsize_t rows = 0;
    gboolean ok = H5Sget_simple_extent_ndims(space) == 1 &&
                  H5Sget_simple_extent_dims(space, &rows, NULL) == 1 && rows <= 100000;
    H5Sclose(space);
    MetricRec *recs = ok ? g_new0(MetricRec, MAX(rows, 1)) : NULL;
    hid_t mtype = metric_type(FALSE);
    ok = ok && H5Dread(dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, recs) >= 0;
    H5Tclose(mtype);
    if (ok) {
      m = g_new0(KsMetrics, 1);
      m->strings = g_string_chunk_new(4096);
      m->items = g_new0(KsMetric, MAX(rows, 1));
      for (gsize i = 0; i < rows; i++) {
        KsMetric *x = &m->items[m->n++];
        x->name = g_string_chunk_insert_len(m->strings, recs[i].name,
                                            (gssize)strnlen(recs[i].name, KS_METRIC_NAME_MAX));
        x->unit = g_string_chunk_insert_len(m->strings, recs[i].unit,
                                            (gssize)strnlen(recs[i].unit, KS_METRIC_UNIT_MAX));
        x->better = recs[i].better >= 0 && recs[i].better <= 2 ? (KsMetricBetter)recs[i].better
                                                                : KS_METRIC_BETTER_NONE;
        x->value = recs[i].value;
      }
    } else {
      ks_h5_set_error(error, KS_RESULTS_ERROR_FORMAT, path, "cannot read /metrics");
    }
    g_free(recs);
  }
  H5Dclose(dset);
  return m;
}

/* The stored metrics; *absent set (and NULL returned without error) when
 * the file has no /metrics. */
static KsMetrics *read_stored(const char *path, gboolean *absent, GError **error) {
  *absent = FALSE;
  if (!ks_h5_check_file(path, error))
    return NULL;
  hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) {
    ks_h5_set_error(error, KS_RESULTS_ERROR_IO, path, "cannot open");
    return NULL;
  }
  KsMetrics *m = NULL;
  if (check_schema(file, path, error)) {
    if (H5Lexists(file, METRICS_DATASET, H5P_DEFAULT) > 0)
      m = read_dataset(file, path, error);
    else
      *absent = TRUE;
  }
  H5Eclear2(H5E_DEFAULT);
  H5Fclose(file);
  return m;
}

KsMetrics *ks_metrics_read(const char *path, GError **error) {
  g_return_val_if_fail(path, NULL);
  KsH5Quiet q;
  ks_h5_quiet_begin(&q);
  gboolean absent = FALSE;
  KsMetrics *m = read_stored(path, &absent, error);
  if (absent) {
    KsResults *r = ks_results_read(path, error);
    GError *local = NULL;
    KsNodeUsage *u = r ? ks_metrics_node_usage_read(path, r, &local) : NULL;
    if (local)
      g_propagate_error(error, local);
    else if (r)
      m = ks_metrics_compute_with_usage(r, u);
    ks_node_usage_free(u);
    ks_results_free(r);
  }
  ks_h5_quiet_end(&q);
  return m;
}
