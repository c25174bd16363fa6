/* Reads a results file back into arrays (see results_read.h).
 *
 * The checks come in the order that gives the most useful message: the
 * file exists and is readable (errno text), it is HDF5, it carries a
 * schema_version attribute (else it is some other HDF5 file), the version
 * is ours, and each dataset has every member this reader needs. Members
 * are matched by name, so extra members written by a later ksim of the
 * same schema version are ignored.
 *
 * Datasets are read in blocks of KS_H5_CHUNK_ROWS rows, matching the
 * writer's chunks, so the temporary buffer stays small and each chunk is
 * inflated once.
 */
#include "sim/results_read.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sim/results_h5.h"

typedef struct {
  const char *path;
  GArray *attrs; /* KsResultsAttr */
  gboolean failed;
} AttrWalk;

static char *read_string_attr(hid_t a, hid_t ftype) {
  if (H5Tis_variable_str(ftype) > 0) {
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5Tget_cset(ftype)); /* HDF5 does not convert ASCII <-> UTF-8 */
    char *s = NULL;
    char *out = NULL;
    if (H5Aread(a, mt, &s) >= 0 && s)
      out = g_strdup(s);
    if (s)
      H5free_memory(s);
    H5Tclose(mt);
    return out;
  }
  size_t n = H5Tget_size(ftype);
  char *buf = g_malloc0(n + 1);
  hid_t mt = H5Tcopy(H5T_C_S1);
  H5Tset_size(mt, n);
  H5Tset_cset(mt, H5Tget_cset(ftype));
  if (H5Aread(a, mt, buf) < 0)
    g_clear_pointer(&buf, g_free);
  H5Tclose(mt);
  return buf;
}

/* Integer and string attributes are kept; others (none are written by
 * ksim) are skipped. */
static herr_t attr_cb(hid_t loc, const char *name, const H5A_info_t *info, void *data) {
  AttrWalk *walk = data;
  hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
  if (a < 0)
    return -1;
  hid_t ftype = H5Aget_type(a);
  KsResultsAttr attr = {g_strdup(name), NULL, 0};
  gboolean keep = TRUE;
  switch (H5Tget_class(ftype)) {
  case H5T_INTEGER:
    keep = H5Aread(a, H5T_NATIVE_INT64, &attr.num) >= 0;
    break;
  case H5T_STRING:
    attr.str = read_string_attr(a, ftype);
    keep = attr.str != NULL;
    break;
  default:
    keep = FALSE;
  }
  H5Tclose(ftype);
  H5Aclose(a);
  if (keep)
    g_array_append_val(walk->attrs, attr);
  else
    g_free(attr.key);
  return 0;
}

static gboolean read_attrs(hid_t file, const char *path, KsResults *r, GError **error) {
  GArray *arr = g_array_new(FALSE, TRUE, sizeof(KsResultsAttr));
  AttrWalk walk = {path, arr, FALSE};
  hsize_t idx = 0;
  herr_t rc = H5Aiterate2(file, H5_INDEX_NAME, H5_ITER_INC, &idx, attr_cb, &walk);
  r->n_attrs = arr->len;
  r->attrs = (KsResultsAttr *)g_array_free(arr, FALSE);
  if (rc < 0) {
    ks_h5_set_error(error, KS_RESULTS_ERROR_IO, path, "cannot read attributes");
    return FALSE;
  }
  return TRUE;
}

static gboolean check_schema(const char *path, KsResults *r, GError **error) {
  const KsResultsAttr *v = ks_results_attr(r, KS_H5_ATTR_SCHEMA);
  if (!v || v->str) {
    g_set_error(error, KS_RESULTS_ERROR, KS_RESULTS_ERROR_FORMAT,
                "%s: not a ksim results file (no integer schema_version attribute)", path);
    return FALSE;
  }
  if (v->num != KS_RESULTS_SCHEMA_VERSION) {
    g_set_error(error, KS_RESULTS_ERROR, KS_RESULTS_ERROR_FORMAT,
                "%s: results schema version %" G_GINT64_FORMAT
                ", this ksim reads version %d; use the ksim that wrote it",
                path, v->num, KS_RESULTS_SCHEMA_VERSION);
    return FALSE;
  }
  r->schema_version = v->num;
  return TRUE;
}

/* Every member of the memory type must exist in the file type: HDF5 would
 * otherwise leave it unset without complaint. */
static gboolean check_members(hid_t dset, hid_t memtype, const char *path, const char *name,
                              GError **error) {
  hid_t ftype = H5Dget_type(dset);
  gboolean ok = H5Tget_class(ftype) == H5T_COMPOUND;
  int n = H5Tget_nmembers(memtype);
  for (int i = 0; ok && i < n; i++) {
    char *member = H5Tget_member_name(memtype, (unsigned)i);
    if (H5Tget_member_index(ftype, member) < 0) {
      g_set_error(error, KS_RESULTS_ERROR, KS_RESULTS_ERROR_FORMAT,
                  "%s: /%s has no member '%s'", path, name, member);
      ok = FALSE;
    }
    H5free_memory(member);
  }
  if (H5Tget_class(ftype) != H5T_COMPOUND)
    g_set_error(error, KS_RESULTS_ERROR, KS_RESULTS_ERROR_FORMAT,
                "%s: /%s is not a table of records", path, name);
  H5Tclose(ftype);
  H5Eclear2(H5E_DEFAULT);
  return ok;
}

/* Called for each block of records read; converts them into r. */
typedef void (*BlockFn)(KsResults *r, const guint8 *recs, gsize n);

static gboolean read_blocks(hid_t dset, hid_t memtype, gsize recsize, hsize_t total,
                            KsResults *r, BlockFn fn) {
  guint8 *buf = g_malloc0(KS_H5_CHUNK_ROWS * recsize);
  hid_t fspace = H5Dget_space(dset);
  gboolean ok = fspace >= 0;
  for (hsize_t start = 0; ok && start < total; start += KS_H5_CHUNK_ROWS) {
    hsize_t count = MIN((hsize_t)KS_H5_CHUNK_ROWS, total - start);
    hid_t mspace = H5Screate_simple(1, &count, NULL);
    ok = H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, NULL, &count, NULL) >= 0 &&
         H5Dread(dset, memtype, mspace, fspace, H5P_DEFAULT, buf) >= 0;
    H5Sclose(mspace);
    if (ok)
      fn(r, buf, count);
  }
  if (fspace >= 0)
    H5Sclose(fspace);
  g_free(buf);
  return ok;
}

static void samples_block(KsResults *r, const guint8 *recs, gsize n) {
  memcpy(r->samples + r->n_samples, recs, n * sizeof(KsSampleRow));
  r->n_samples += n;
}

static const char *intern(KsResults *r, const char *s, gsize max, gboolean dedup) {
  char tmp[KS_H5_NAME_LEN + 1];
  gsize n = strnlen(s, max);
  if (!dedup)
    return g_string_chunk_insert_len(r->strings, s, (gssize)n);
  memcpy(tmp, s, n);
  tmp[n] = '\0';
  return g_string_chunk_insert_const(r->strings, tmp);
}

static void pods_block(KsResults *r, const guint8 *recs, gsize n) {
  const KsH5PodRec *in = (const KsH5PodRec *)recs;
  for (gsize i = 0; i < n; i++, in++) {
    KsPodRow *p = &r->pods[r->n_pods++];
    p->name = intern(r, in->name, KS_H5_NAME_LEN, FALSE);
    p->namespace = intern(r, in->namespace, KS_H5_SHORT_LEN, TRUE);
    p->priority = in->priority;
    p->cpu_request_milli = in->cpu_request_milli;
    p->memory_request = in->memory_request;
    p->gpu_count = in->gpu_count;
    p->gpu_request_milli = in->gpu_request_milli;
    p->created_us = in->created_us;
    p->scheduled_us = in->scheduled_us;
    p->started_us = in->started_us;
    p->finished_us = in->finished_us;
    p->node = in->node;
    p->attempts = in->attempts;
    p->outcome = (KsPodOutcome)in->outcome;
    p->deadline_us = in->deadline_us;
  }
}

static void nodes_block(KsResults *r, const guint8 *recs, gsize n) {
  const KsH5NodeRec *in = (const KsH5NodeRec *)recs;
  for (gsize i = 0; i < n; i++, in++) {
    KsNodeRow *o = &r->nodes[r->n_nodes++];
    o->name = intern(r, in->name, KS_H5_NAME_LEN, FALSE);
    o->pool = intern(r, in->pool, KS_H5_SHORT_LEN, TRUE);
    o->cpu_allocatable_milli = in->cpu_allocatable_milli;
    o->memory_allocatable = in->memory_allocatable;
    o->pods_allocatable = in->pods_allocatable;
    o->gpus = in->gpus;
    o->gpu_model = intern(r, in->gpu_model, KS_H5_SHORT_LEN, TRUE);
    o->added_us = in->added_us;
    o->removed_us = in->removed_us;
    o->pods_bound = in->pods_bound;
  }
}

/* Allocates r's array for kind and returns the block converter. */
static BlockFn prepare(KsResults *r, KsH5Kind kind, hsize_t rows) {
  switch (kind) {
  case KS_H5_SAMPLES:
    r->samples = g_new0(KsSampleRow, rows);
    return samples_block;
  case KS_H5_PODS_KIND:
    r->pods = g_new0(KsPodRow, rows);
    return pods_block;
  default:
    r->nodes = g_new0(KsNodeRow, rows);
    return nodes_block;
  }
}

static gboolean read_table(hid_t file, const char *path, KsH5Kind kind, KsResults *r,
                           GError **error) {
  const char *name = ks_h5_dataset_name(kind);
  if (H5Lexists(file, name, H5P_DEFAULT) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    g_set_error(error, KS_RESULTS_ERROR, KS_RESULTS_ERROR_FORMAT, "%s: no /%s dataset", path,
                name);
    return FALSE;
  }
  hid_t dset = H5Dopen2(file, name, H5P_DEFAULT);
  hid_t memtype = dset >= 0 ? ks_h5_read_type(kind, dset) : ks_h5_record_type(kind, FALSE);
  gboolean ok = dset >= 0 && check_members(dset, memtype, path, name, error);
  if (ok) {
    hid_t space = H5Dget_space(dset);
    hsize_t rows = 0;
    ok = H5Sget_simple_extent_ndims(space) == 1 &&
         H5Sget_simple_extent_dims(space, &rows, NULL) == 1;
    H5Sclose(space);
    ok = ok && read_blocks(dset, memtype, ks_h5_record_size(kind), rows, r,
                           prepare(r, kind, rows));
    if (!ok)
      ks_h5_set_error(error, KS_RESULTS_ERROR_FORMAT, path,
                      kind == KS_H5_PODS_KIND ? "cannot read /pods" :
                      kind == KS_H5_NODES_KIND ? "cannot read /nodes" : "cannot read /timeseries");
  } else if (dset < 0) {
    ks_h5_set_error(error, KS_RESULTS_ERROR_FORMAT, path, "cannot open dataset");
  }
  H5Tclose(memtype);
  if (dset >= 0)
    H5Dclose(dset);
  return ok;
}

gboolean ks_h5_check_file(const char *path, GError **error) {
  if (g_access(path, R_OK) != 0) {
    int e = errno;
    g_set_error(error, KS_RESULTS_ERROR, KS_RESULTS_ERROR_IO, "%s: %s", path, g_strerror(e));
    return FALSE;
  }
  htri_t is = H5Fis_hdf5(path);
  if (is <= 0) {
    H5Eclear2(H5E_DEFAULT);
    g_set_error(error, KS_RESULTS_ERROR, KS_RESULTS_ERROR_FORMAT,
                "%s: not a ksim results file (not an HDF5 file)", path);
    return FALSE;
  }
  return TRUE;
}

KsResults *ks_h5_read_open(hid_t file, const char *path, GError **error) {
  KsResults *r = g_new0(KsResults, 1);
  r->strings = g_string_chunk_new(64 * 1024);
  gboolean ok = read_attrs(file, path, r, error) && check_schema(path, r, error);
  for (int k = 0; ok && k < KS_H5_N_KINDS; k++)
    ok = read_table(file, path, k, r, error);
  if (!ok)
    g_clear_pointer(&r, ks_results_free);
  return r;
}

static KsResults *read_quiet(const char *path, GError **error) {
  if (!ks_h5_check_file(path, error))
    return NULL;
  hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) {
    ks_h5_set_error(error, KS_RESULTS_ERROR_IO, path, "cannot open");
    return NULL;
  }
  KsResults *r = ks_h5_read_open(file, path, error);
  H5Fclose(file);
  return r;
}

KsResults *ks_results_read(const char *path, GError **error) {
  g_return_val_if_fail(path, NULL);
  KsH5Quiet q;
  ks_h5_quiet_begin(&q);
  KsResults *r = read_quiet(path, error);
  ks_h5_quiet_end(&q);
  return r;
}

void ks_results_free(KsResults *r) {
  if (!r)
    return;
  for (gsize i = 0; i < r->n_attrs; i++) {
    g_free(r->attrs[i].key);
    g_free(r->attrs[i].str);
  }
  g_free(r->attrs);
  g_free(r->samples);
  g_free(r->pods);
  g_free(r->nodes);
  if (r->strings)
    g_string_chunk_free(r->strings);
  g_free(r);
}

const KsResultsAttr *ks_results_attr(const KsResults *r, const char *key) {
  for (gsize i = 0; i < r->n_attrs; i++)
    if (!strcmp(r->attrs[i].key, key))
      return &r->attrs[i];
  return NULL;
}
