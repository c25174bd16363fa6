/* The results writer: one HDF5 file per run (schema in docs/results.md).
 *
 * Rows are buffered per dataset, KS_H5_CHUNK_ROWS at a time, and each full
 * buffer is written as one block that fills exactly one chunk, so every
 * chunk is shuffled and deflated once and memory stays bounded however
 * many pods a run has. Datasets are created empty and extendible at open,
 * so even a run with no pods has all three.
 *
 * Byte-identical output for identical input: object modification times
 * are switched off on the root group and every dataset, no attribute
 * holds wall-clock time, integer members are fixed little-endian, file
 * records are packed (no padding) and string members are zero-filled.
 * Root attributes are buffered and written at commit in a fixed order
 * (schema_version, ksim_version, then the caller's in first-set order),
 * so calling set_attr at any time gives the same file.
 *
 * Crash safety: everything goes to "<path>.partial", which is renamed onto
 * <path> only after HDF5 has closed the file cleanly; abort (and any
 * failure in commit) deletes the partial file.
 */
#include "sim/results.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "ks_version.h"
#include "sim/results_h5.h"

G_DEFINE_QUARK(ks-results-error-quark, ks_results_error)

typedef struct {
  char *key;
  char *str; /* NULL for an integer attribute */
  gint64 num;
} Attr;

typedef struct {
  hid_t dset;
  hid_t memtype;
  guint8 *buf;      /* KS_H5_CHUNK_ROWS records */
  gsize nbuf;       /* records waiting in buf */
  hsize_t written;  /* records already in the file */
} Table;

struct KsResultsWriter {
  char *path;
  char *partial;
  hid_t file;
  Table tables[KS_H5_N_KINDS];
  GPtrArray *attrs; /* Attr*, first-set order */
  gboolean failed;  /* an HDF5 write failed: commit must not publish */
  KsResultsCommitHook hook;
  gpointer hook_data;
};

static const char *const outcome_names[] = {"pending", "running", "succeeded", "failed",
                                            "deleted"};

const char *ks_pod_outcome_to_string(KsPodOutcome o) {
  if ((int)o < 0 || (gsize)o >= G_N_ELEMENTS(outcome_names))
    return "unknown";
  return outcome_names[o];
}

static void attr_free(gpointer p) {
  Attr *a = p;
  g_free(a->key);
  g_free(a->str);
  g_free(a);
}

static gboolean make_parent_dirs(const char *path, GError **error) {
  g_autofree char *dir = g_path_get_dirname(path);
  if (g_mkdir_with_parents(dir, 0777) == 0)
    return TRUE;
  int e = errno;
  g_set_error(error, KS_RESULTS_ERROR, KS_RESULTS_ERROR_IO, "%s: cannot create directory %s: %s",
              path, dir, g_strerror(e));
  return FALSE;
}

static hid_t create_file(const char *partial) {
  hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
  H5Pset_obj_track_times(fcpl, 0); /* the root group */
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG);
  hid_t file = H5Fcreate(partial, H5F_ACC_TRUNC, fcpl, fapl);
  H5Pclose(fapl);
  H5Pclose(fcpl);
  return file;
}

static gboolean create_table(KsResultsWriter *w, KsH5Kind kind, GError **error) {
  Table *t = &w->tables[kind];
  hsize_t dims = 0, maxdims = H5S_UNLIMITED, chunk = KS_H5_CHUNK_ROWS;
  hid_t space = H5Screate_simple(1, &dims, &maxdims);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(dcpl, 1, &chunk);
  H5Pset_shuffle(dcpl);
  H5Pset_deflate(dcpl, KS_H5_DEFLATE_LEVEL);
  H5Pset_obj_track_times(dcpl, 0);
  H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER); /* every chunk is written whole */
  hid_t ftype = ks_h5_record_type(kind, TRUE);
  t->dset = H5Dcreate2(w->file, ks_h5_dataset_name(kind), ftype, space, H5P_DEFAULT, dcpl,
                       H5P_DEFAULT);
  H5Tclose(ftype);
  H5Pclose(dcpl);
  H5Sclose(space);
  if (t->dset < 0) {
    ks_h5_set_error(error, KS_RESULTS_ERROR_IO, w->partial, "cannot create dataset");
    return FALSE;
  }
  t->memtype = ks_h5_record_type(kind, FALSE);
  t->buf = g_malloc0(KS_H5_CHUNK_ROWS * ks_h5_record_size(kind));
  return TRUE;
}

static void close_tables(KsResultsWriter *w) {
  for (int k = 0; k < KS_H5_N_KINDS; k++) {
    Table *t = &w->tables[k];
    if (t->dset >= 0)
      H5Dclose(t->dset);
    if (t->memtype >= 0)
      H5Tclose(t->memtype);
    t->dset = t->memtype = -1;
    g_clear_pointer(&t->buf, g_free);
  }
}

static void writer_free(KsResultsWriter *w) {
  close_tables(w);
  if (w->file >= 0)
    H5Fclose(w->file);
  g_ptr_array_unref(w->attrs);
  g_free(w->path);
  g_free(w->partial);
  g_free(w);
}

static KsResultsWriter *writer_new(const char *path) {
  KsResultsWriter *w = g_new0(KsResultsWriter, 1);
  w->path = g_strdup(path);
  w->partial = g_strconcat(path, ".partial", NULL);
  w->file = -1;
  for (int k = 0; k < KS_H5_N_KINDS; k++)
    w->tables[k].dset = w->tables[k].memtype = -1;
  w->attrs = g_ptr_array_new_with_free_func(attr_free);
  return w;
}

static KsResultsWriter *open_quiet(const char *path, GError **error) {
  if (!H5Zfilter_avail(H5Z_FILTER_DEFLATE) || !H5Zfilter_avail(H5Z_FILTER_SHUFFLE)) {
    g_set_error(error, KS_RESULTS_ERROR, KS_RESULTS_ERROR_IO,
                "%s: this HDF5 library lacks the deflate or shuffle filter", path);
    return NULL;
  }
  if (!make_parent_dirs(path, error))
    return NULL;
  KsResultsWriter *w = writer_new(path);
  w->file = create_file(w->partial);
  if (w->file < 0) {
    ks_h5_set_error(error, KS_RESULTS_ERROR_IO, w->partial, "cannot create file");
    writer_free(w);
    return NULL;
  }
  for (int k = 0; k < KS_H5_N_KINDS; k++) {
    if (!create_table(w, k, error)) {
      ks_results_writer_abort(w);
      return NULL;
    }
  }
  return w;
}

KsResultsWriter *ks_results_writer_open(const char *path, GError **error) {
  g_return_val_if_fail(path && *path, NULL);
  KsH5Quiet q;
  ks_h5_quiet_begin(&q);
  KsResultsWriter *w = open_quiet(path, error);
  ks_h5_quiet_end(&q);
  return w;
}

static gboolean is_reserved(const char *key) {
  return !strcmp(key, KS_H5_ATTR_SCHEMA) || !strcmp(key, KS_H5_ATTR_VERSION);
}

/* The attribute named key, appended empty if new (its position is that of
 * its first set). */
static Attr *attr_slot(KsResultsWriter *w, const char *key) {
  for (guint i = 0; i < w->attrs->len; i++) {
    Attr *a = g_ptr_array_index(w->attrs, i);
    if (!strcmp(a->key, key))
      return a;
  }
  Attr *a = g_new0(Attr, 1);
  a->key = g_strdup(key);
  g_ptr_array_add(w->attrs, a);
  return a;
}

void ks_results_writer_set_attr_string(KsResultsWriter *w, const char *key, const char *value) {
  g_return_if_fail(w && key && *key && value);
  g_return_if_fail(!is_reserved(key));
  Attr *a = attr_slot(w, key);
  g_free(a->str);
  a->str = g_strdup(value);
}

void ks_results_writer_set_attr_int(KsResultsWriter *w, const char *key, gint64 value) {
  g_return_if_fail(w && key && *key);
  g_return_if_fail(!is_reserved(key));
  Attr *a = attr_slot(w, key);
  g_clear_pointer(&a->str, g_free);
  a->num = value;
}

static gboolean flush_table(KsResultsWriter *w, KsH5Kind kind, GError **error) {
  Table *t = &w->tables[kind];
  if (t->nbuf == 0)
    return TRUE;
  hsize_t start = t->written, count = t->nbuf, total = t->written + t->nbuf;
  gboolean ok = FALSE;
  KsH5Quiet q;
  ks_h5_quiet_begin(&q);
  if (H5Dset_extent(t->dset, &total) >= 0) {
    hid_t fspace = H5Dget_space(t->dset);
    hid_t mspace = H5Screate_simple(1, &count, NULL);
    ok = H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, NULL, &count, NULL) >= 0 &&
         H5Dwrite(t->dset, t->memtype, mspace, fspace, H5P_DEFAULT, t->buf) >= 0;
    H5Sclose(mspace);
    H5Sclose(fspace);
  }
  if (!ok) {
    w->failed = TRUE;
    ks_h5_set_error(error, KS_RESULTS_ERROR_IO, w->partial, "cannot write rows");
  }
  ks_h5_quiet_end(&q);
  t->written = total;
  t->nbuf = 0;
  memset(t->buf, 0, KS_H5_CHUNK_ROWS * ks_h5_record_size(kind));
  return ok;
}

/* The next free record of a table's buffer, flushing a full buffer first.
 * The record is zeroed (the buffer is cleared on every flush). */
static gpointer next_record(KsResultsWriter *w, KsH5Kind kind, GError **error) {
  Table *t = &w->tables[kind];
  if (w->failed) {
    g_set_error(error, KS_RESULTS_ERROR, KS_RESULTS_ERROR_IO, "%s: an earlier write failed",
                w->partial);
    return NULL;
  }
  if (t->nbuf == KS_H5_CHUNK_ROWS && !flush_table(w, kind, error))
    return NULL;
  return t->buf + t->nbuf * ks_h5_record_size(kind);
}

/* Copies s into a fixed-length member; refuses what does not fit rather
 * than truncating, since two pods must never share a name in the file. */
static gboolean copy_string(char *dst, gsize len, const char *s, const char *what,
                            const KsResultsWriter *w, GError **error) {
  if (!s)
    s = "";
  gsize n = strlen(s);
  if (n > len) {
    g_set_error(error, KS_RESULTS_ERROR, KS_RESULTS_ERROR_FORMAT,
                "%s: %s \"%.40s...\" is %" G_GSIZE_FORMAT " bytes, longer than %" G_GSIZE_FORMAT,
                w->path, what, s, n, len);
    return FALSE;
  }
  memcpy(dst, s, n);
  return TRUE;
}

gboolean ks_results_writer_append_sample(KsResultsWriter *w, const KsSampleRow *row,
                                         GError **error) {
  g_return_val_if_fail(w && row, FALSE);
  KsSampleRow *rec = next_record(w, KS_H5_SAMPLES, error);
  if (!rec)
    return FALSE;
  *rec = *row;
  w->tables[KS_H5_SAMPLES].nbuf++;
  return TRUE;
}

gboolean ks_results_writer_append_pod(KsResultsWriter *w, const KsPodRow *row, GError **error) {
  g_return_val_if_fail(w && row, FALSE);
  if ((int)row->outcome < KS_OUTCOME_PENDING || row->outcome > KS_OUTCOME_DELETED) {
    g_set_error(error, KS_RESULTS_ERROR, KS_RESULTS_ERROR_FORMAT, "%s: pod %s: bad outcome %d",
                w->path, row->name ? row->name : "", (int)row->outcome);
    return FALSE;
  }
  KsH5PodRec *rec = next_record(w, KS_H5_PODS_KIND, error);
  if (!rec)
    return FALSE;
  if (!copy_string(rec->name, KS_H5_NAME_LEN, row->name, "pod name", w, error) ||
      !copy_string(rec->namespace, KS_H5_SHORT_LEN, row->namespace, "namespace", w, error)) {
    memset(rec, 0, sizeof *rec);
    return FALSE;
  }
  rec->priority = row->priority;
  rec->cpu_request_milli = row->cpu_request_milli;
  rec->memory_request = row->memory_request;
  rec->gpu_count = row->gpu_count;
  rec->gpu_request_milli = row->gpu_request_milli;
  rec->created_us = row->created_us;
  rec->scheduled_us = row->scheduled_us;
  rec->started_us = row->started_us;
  rec->finished_us = row->finished_us;
  rec->node = row->node;
  rec->attempts = row->attempts;
  rec->outcome = row->outcome;
  rec->deadline_us = row->deadline_us;
  w->tables[KS_H5_PODS_KIND].nbuf++;
  return TRUE;
}

gboolean ks_results_writer_append_node(KsResultsWriter *w, const KsNodeRow *row,
                                       GError **error) {
  g_return_val_if_fail(w && row, FALSE);
  KsH5NodeRec *rec = next_record(w, KS_H5_NODES_KIND, error);
  if (!rec)
    return FALSE;
  if (!copy_string(rec->name, KS_H5_NAME_LEN, row->name, "node name", w, error) ||
      !copy_string(rec->pool, KS_H5_SHORT_LEN, row->pool, "node pool", w, error) ||
      !copy_string(rec->gpu_model, KS_H5_SHORT_LEN, row->gpu_model ? row->gpu_model : "",
                   "GPU model", w, error)) {
    memset(rec, 0, sizeof *rec);
    return FALSE;
  }
  rec->cpu_allocatable_milli = row->cpu_allocatable_milli;
  rec->memory_allocatable = row->memory_allocatable;
  rec->pods_allocatable = row->pods_allocatable;
  rec->gpus = row->gpus;
  rec->added_us = row->added_us;
  rec->removed_us = row->removed_us;
  rec->pods_bound = row->pods_bound;
  w->tables[KS_H5_NODES_KIND].nbuf++;
  return TRUE;
}

static gboolean write_attr(hid_t file, const char *key, const char *str, gint64 num) {
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t ftype;
  if (str) {
    ftype = H5Tcopy(H5T_C_S1);
    H5Tset_size(ftype, H5T_VARIABLE);
    H5Tset_cset(ftype, H5T_CSET_UTF8);
  } else {
    ftype = H5Tcopy(H5T_STD_I64LE);
  }
  hid_t a = H5Acreate2(file, key, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
  herr_t rc = -1;
  if (a >= 0) {
    rc = str ? H5Awrite(a, ftype, &str) : H5Awrite(a, H5T_NATIVE_INT64, &num);
    H5Aclose(a);
  }
  H5Tclose(ftype);
  H5Sclose(space);
  return a >= 0 && rc >= 0;
}

static gboolean write_attrs(KsResultsWriter *w, GError **error) {
  gboolean ok = write_attr(w->file, KS_H5_ATTR_SCHEMA, NULL, KS_RESULTS_SCHEMA_VERSION) &&
                write_attr(w->file, KS_H5_ATTR_VERSION, KSIM_VERSION, 0);
  for (guint i = 0; ok && i < w->attrs->len; i++) {
    const Attr *a = g_ptr_array_index(w->attrs, i);
    ok = write_attr(w->file, a->key, a->str, a->num);
  }
  if (!ok)
    ks_h5_set_error(error, KS_RESULTS_ERROR_IO, w->partial, "cannot write attributes");
  return ok;
}

void ks_results_writer_on_commit(KsResultsWriter *w, KsResultsCommitHook hook, gpointer data) {
  g_return_if_fail(w);
  w->hook = hook;
  w->hook_data = data;
}

hid_t ks_h5_writer_file(const KsResultsWriter *w) {
  return w->file;
}

const char *ks_h5_writer_path(const KsResultsWriter *w) {
  return w->path;
}

static gboolean commit_quiet(KsResultsWriter *w, GError **error) {
  if (w->failed) {
    g_set_error(error, KS_RESULTS_ERROR, KS_RESULTS_ERROR_IO, "%s: an earlier write failed",
                w->partial);
    return FALSE;
  }
  for (int k = 0; k < KS_H5_N_KINDS; k++)
    if (!flush_table(w, k, error))
      return FALSE;
  if (!write_attrs(w, error))
    return FALSE;
  if (w->hook && (H5Fflush(w->file, H5F_SCOPE_LOCAL) < 0 || !w->hook(w, w->hook_data, error)))
    return FALSE;
  close_tables(w);
  herr_t rc = H5Fclose(w->file);
  w->file = -1;
  if (rc < 0) {
    ks_h5_set_error(error, KS_RESULTS_ERROR_IO, w->partial, "cannot close file");
    return FALSE;
  }
  if (g_rename(w->partial, w->path) != 0) {
    int e = errno;
    g_set_error(error, KS_RESULTS_ERROR, KS_RESULTS_ERROR_IO, "%s: cannot rename %s: %s",
                w->path, w->partial, g_strerror(e));
    return FALSE;
  }
  return TRUE;
}

gboolean ks_results_writer_commit(KsResultsWriter *w, GError **error) {
  g_return_val_if_fail(w, FALSE);
  KsH5Quiet q;
  ks_h5_quiet_begin(&q);
  gboolean ok = commit_quiet(w, error);
  ks_h5_quiet_end(&q);
  if (ok)
    writer_free(w);
  else
    ks_results_writer_abort(w);
  return ok;
}

void ks_results_writer_abort(KsResultsWriter *w) {
  if (!w)
    return;
  KsH5Quiet q;
  ks_h5_quiet_begin(&q);
  close_tables(w);
  if (w->file >= 0)
    H5Fclose(w->file);
  w->file = -1;
  ks_h5_quiet_end(&q);
  g_unlink(w->partial);
  writer_free(w);
}
