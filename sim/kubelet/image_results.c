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

/* transfer full */
static hid_t rec_type(void) {
  hid_t s = H5Tcopy(H5T_C_S1);
  H5Tset_size(s, KS_H5_NAME_LEN);
  H5Tset_strpad(s, H5T_STR_NULLPAD);
  H5Tset_cset(s, H5T_CSET_UTF8);
  hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(Rec));
  H5Tinsert(t, "node", G_STRUCT_OFFSET(Rec, node), s);
  for (guint i = 0; i < N_COUNTERS; i++)
    H5Tinsert(t, counter_names[i], G_STRUCT_OFFSET(Rec, pulls) + i * sizeof(gint64),
              H5T_STD_I64LE);
  H5Tclose(s);
  return t;
}

static gboolean active(const KsImageNodeStats *s) {
  return s->pulls || s->registry_checks || s->pods_waited || s->gc_images;
}

gboolean ks_image_results_write(KsResultsWriter *w, const KsImageManager *m, GError **error) {
  if (!m || !ks_image_manager_active(m))
    return TRUE;
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
  hid_t file = ks_h5_writer_file(w);
  hsize_t dims = rows;
  hid_t space = H5Screate_simple(1, &dims, NULL);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_obj_track_times(dcpl, 0);
  hsize_t chunk = MIN(MAX(rows, 1), (guint)KS_H5_CHUNK_ROWS);
  H5Pset_chunk(dcpl, 1, &chunk);
  H5Pset_shuffle(dcpl);
  H5Pset_deflate(dcpl, KS_H5_DEFLATE_LEVEL);
  hid_t mtype = rec_type(), ftype = H5Tcopy(mtype);
  H5Tpack(ftype);
  hid_t dset = H5Dcreate2(file, KS_IMAGE_RESULTS_DATASET, ftype, space, H5P_DEFAULT, dcpl,
                          H5P_DEFAULT);
  gboolean ok = dset >= 0 && H5Dwrite(dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, recs) >= 0;
  if (dset >= 0)
    H5Dclose(dset);
  H5Tclose(ftype);
  H5Tclose(mtype);
  H5Pclose(dcpl);
  H5Sclose(space);
  g_free(recs);
  if (!ok)
    ks_h5_set_error(error, KS_RESULTS_ERROR_IO, ks_h5_writer_path(w),
                    "cannot write /" KS_IMAGE_RESULTS_DATASET);
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
  ks_json_end_object(j);
}
