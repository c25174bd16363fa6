/* See image_results.h. Modification times are off, so the file stays
 * byte-identical run to run. */
#include "sim/kubelet/image_results.h"

#include <string.h>

#include "sim/results_h5.h"

typedef struct {
  char node[KS_H5_NAME_LEN];
  gint64 pulls, bytes, registry_checks, pods_waited, wait_us, max_wait_us, gc_images, gc_bytes;
} Rec;

#define N_COUNTERS 8
static const char *const counter_names[N_COUNTERS] = {
    "pulls", "bytes", "registry_checks", "pods_waited", "wait_us", "max_wait_us", "gc_images",
    "gc_bytes"};

/* A record of a node name and n int64 counters in a row from `first` on:
 * both datasets' type. transfer full */
static hid_t node_counters_type(gsize size, gsize first, const char *const *names, guint n) {
  hid_t s = H5Tcopy(H5T_C_S1);
  H5Tset_size(s, KS_H5_NAME_LEN);
  H5Tset_strpad(s, H5T_STR_NULLPAD);
  H5Tset_cset(s, H5T_CSET_UTF8);
  hid_t t = H5Tcreate(H5T_COMPOUND, size);
  H5Tinsert(t, "node", 0, s); /* node is each record's first member */
  for (guint i = 0; i < n; i++)
    H5Tinsert(t, names[i], first + i * sizeof(gint64), H5T_STD_I64LE);
  H5Tclose(s);
  return t;
}

/* transfer full */
static hid_t rec_type(void) {
  return node_counters_type(sizeof(Rec), G_STRUCT_OFFSET(Rec, pulls), counter_names, N_COUNTERS);
}

typedef struct {
  char node[KS_H5_NAME_LEN];
  gint64 failed_pulls, qps_refused, backoff_waits, invalid_names;
} FailRec;

#define N_FAIL_COUNTERS 4
static const char *const fail_names[N_FAIL_COUNTERS] = {"failed_pulls", "qps_refused",
                                                        "backoff_waits", "invalid_names"};

/* transfer full */
static hid_t fail_type(void) {
  return node_counters_type(sizeof(FailRec), G_STRUCT_OFFSET(FailRec, failed_pulls), fail_names,
                            N_FAIL_COUNTERS);
}

static gboolean failing(const KsImageNodeStats *s) {
  return s->failed_pulls || s->qps_refused || s->backoff_waits || s->invalid_names;
}

static gboolean write_failures(KsResultsWriter *w, const KsImageManager *m, GError **error) {
  guint n = ks_image_manager_n_nodes(m), rows = 0;
  FailRec *recs = g_new0(FailRec, MAX(n, 1));
  for (guint i = 0; i < n; i++) {
    KsImageNodeStats s;
    ks_image_manager_node_stats(m, i, &s);
    if (!failing(&s))
      continue;
    FailRec *r = &recs[rows++];
    *r = (FailRec){.failed_pulls = (gint64)s.failed_pulls, .qps_refused = (gint64)s.qps_refused,
                   .backoff_waits = (gint64)s.backoff_waits,
                   .invalid_names = (gint64)s.invalid_names};
    memcpy(r->node, s.node, MIN(strlen(s.node), sizeof r->node));
  }
  hid_t mtype = fail_type();
  gboolean ok =
      ks_h5_write_table(ks_h5_writer_file(w), KS_IMAGE_FAILURES_DATASET, mtype, recs, rows);
  H5Tclose(mtype);
  g_free(recs);
  if (!ok)
    ks_h5_set_error(error, KS_RESULTS_ERROR_IO, ks_h5_writer_path(w),
                    "cannot write /" KS_IMAGE_FAILURES_DATASET);
  return ok;
}

static gboolean active(const KsImageNodeStats *s) {
  return s->pulls || s->registry_checks || s->pods_waited || s->gc_images;
}

static gboolean write_pulls(KsResultsWriter *w, const KsImageManager *m, GError **error) {
  guint n = ks_image_manager_n_nodes(m), rows = 0;
  Rec *recs = g_new0(Rec, MAX(n, 1));
  for (guint i = 0; i < n; i++) {
    KsImageNodeStats s;
    ks_image_manager_node_stats(m, i, &s);
    if (!active(&s))
      continue;
    Rec *r = &recs[rows++];
    *r = (Rec){.pulls = (gint64)s.pulls, .bytes = s.bytes,
               .registry_checks = (gint64)s.registry_checks,
               .pods_waited = (gint64)s.pods_waited, .wait_us = s.wait_us,
               .max_wait_us = s.max_wait_us, .gc_images = (gint64)s.gc_images,
               .gc_bytes = s.gc_bytes};
    memcpy(r->node, s.node, MIN(strlen(s.node), sizeof r->node));
  }
  hid_t mtype = rec_type();
  gboolean ok =
      ks_h5_write_table(ks_h5_writer_file(w), KS_IMAGE_RESULTS_DATASET, mtype, recs, rows);
  H5Tclose(mtype);
  g_free(recs);
  if (!ok)
    ks_h5_set_error(error, KS_RESULTS_ERROR_IO, ks_h5_writer_path(w),
                    "cannot write /" KS_IMAGE_RESULTS_DATASET);
  return ok;
}

gboolean ks_image_results_write(KsResultsWriter *w, const KsImageManager *m, GError **error) {
  if (!m)
    return TRUE;
  if (ks_image_manager_active(m) && !write_pulls(w, m, error))
    return FALSE;
  return !ks_image_manager_failures(m) || write_failures(w, m, error);
}

/* Sums /image_pull_failures into out. */
static gboolean read_failures(hid_t file, const char *path, KsImagePullTotals *out, GError **error) {
  hid_t dset = H5Dopen2(file, KS_IMAGE_FAILURES_DATASET, H5P_DEFAULT);
  hid_t space = dset >= 0 ? H5Dget_space(dset) : -1;
  hssize_t n = space >= 0 ? H5Sget_simple_extent_npoints(space) : -1;
  hid_t mtype = fail_type();
  FailRec *recs = n > 0 ? g_new0(FailRec, n) : NULL;
  gboolean ok = n >= 0 && (n == 0 || H5Dread(dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, recs) >= 0);
  for (hssize_t i = 0; ok && i < n; i++) {
    out->failure_nodes++;
    out->failed_pulls += recs[i].failed_pulls;
    out->qps_refused += recs[i].qps_refused;
    out->backoff_waits += recs[i].backoff_waits;
    out->invalid_names += recs[i].invalid_names;
  }
  g_free(recs);
  H5Tclose(mtype);
  if (space >= 0)
    H5Sclose(space);
  if (dset >= 0)
    H5Dclose(dset);
  if (ok)
    out->has_failures = TRUE;
  else
    g_set_error(error, KS_RESULTS_ERROR, KS_RESULTS_ERROR_FORMAT, "%s: /%s is damaged", path,
                KS_IMAGE_FAILURES_DATASET);
  return ok;
}

gboolean ks_image_results_read_totals(const char *path, KsImagePullTotals *out, gboolean *present,
                                      GError **error) {
  *out = (KsImagePullTotals){0};
  *present = FALSE;
  KsH5Quiet quiet;
  ks_h5_quiet_begin(&quiet);
  hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) {
    ks_h5_quiet_end(&quiet);
    ks_h5_set_error(error, KS_RESULTS_ERROR_IO, path, "cannot open");
    return FALSE;
  }
  gboolean ok = TRUE;
  if (H5Lexists(file, KS_IMAGE_RESULTS_DATASET, H5P_DEFAULT) > 0) {
    hid_t dset = H5Dopen2(file, KS_IMAGE_RESULTS_DATASET, H5P_DEFAULT);
    hid_t space = dset >= 0 ? H5Dget_space(dset) : -1;
    hssize_t n = space >= 0 ? H5Sget_simple_extent_npoints(space) : -1;
    hid_t mtype = rec_type();
    Rec *recs = n > 0 ? g_new0(Rec, n) : NULL;
    ok = n >= 0 && (n == 0 || H5Dread(dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, recs) >= 0);
    for (hssize_t i = 0; ok && i < n; i++) {
      const Rec *r = &recs[i];
      out->nodes++;
      out->pulls += r->pulls;
      out->bytes += r->bytes;
      out->registry_checks += r->registry_checks;
      out->pods_waited += r->pods_waited;
      out->wait_us += r->wait_us;
      out->max_wait_us = MAX(out->max_wait_us, r->max_wait_us);
      out->gc_images += r->gc_images;
      out->gc_bytes += r->gc_bytes;
    }
    g_free(recs);
    H5Tclose(mtype);
    if (space >= 0)
      H5Sclose(space);
    if (dset >= 0)
      H5Dclose(dset);
    if (ok)
      *present = TRUE;
    else
      g_set_error(error, KS_RESULTS_ERROR, KS_RESULTS_ERROR_FORMAT, "%s: /%s is damaged", path,
                  KS_IMAGE_RESULTS_DATASET);
  }
  if (ok && H5Lexists(file, KS_IMAGE_FAILURES_DATASET, H5P_DEFAULT) > 0) {
    ok = read_failures(file, path, out, error);
    *present = ok;
  }
  H5Fclose(file);
  ks_h5_quiet_end(&quiet);
  return ok;
}

static double mib(gint64 bytes) { return (double)bytes / (1024.0 * 1024.0); }

void ks_image_results_print_row(FILE *f, const KsImagePullTotals *t) {
  double mean = t->pods_waited ? (double)t->wait_us / (double)t->pods_waited / 1e6 : 0;
  fprintf(f, "%-20s %" G_GINT64_FORMAT " pulls (%.1f MiB) on %" G_GINT64_FORMAT " nodes, %"
          G_GINT64_FORMAT " registry checks; %" G_GINT64_FORMAT " pods waited, mean %.3fs max "
          "%.3fs; GC deleted %" G_GINT64_FORMAT " images (%.1f MiB)\n",
          "image pulls", t->pulls, mib(t->bytes), t->nodes, t->registry_checks, t->pods_waited,
          mean, (double)t->max_wait_us / 1e6, t->gc_images, mib(t->gc_bytes));
  if (t->has_failures)
    fprintf(f, "%-20s %" G_GINT64_FORMAT " failed pulls, %" G_GINT64_FORMAT
            " refused by registryPullQPS, %" G_GINT64_FORMAT " syncs in back-off, %"
            G_GINT64_FORMAT " invalid image names on %" G_GINT64_FORMAT " nodes\n",
            "image pull failures", t->failed_pulls, t->qps_refused, t->backoff_waits,
            t->invalid_names, t->failure_nodes);
}

void ks_image_results_print_json(KsJson *j, const KsImagePullTotals *t) {
  ks_json_begin_object(j, "image_pulls");
  ks_json_int(j, "nodes", t->nodes);
  ks_json_int(j, "pulls", t->pulls);
  ks_json_int(j, "bytes", t->bytes);
  ks_json_int(j, "registry_checks", t->registry_checks);
  ks_json_int(j, "pods_waited", t->pods_waited);
  ks_json_int(j, "wait_us", t->wait_us);
  ks_json_int(j, "max_wait_us", t->max_wait_us);
  ks_json_int(j, "gc_images", t->gc_images);
  ks_json_int(j, "gc_bytes", t->gc_bytes);
  if (t->has_failures) {
    ks_json_int(j, "failure_nodes", t->failure_nodes);
    ks_json_int(j, "failed_pulls", t->failed_pulls);
    ks_json_int(j, "qps_refused", t->qps_refused);
    ks_json_int(j, "backoff_waits", t->backoff_waits);
    ks_json_int(j, "invalid_names", t->invalid_names);
  }
  ks_json_end_object(j);
}
