/* The results schema as tables, and HDF5 helpers shared by the writer
 * (results.c) and the reader (results_read.c).
 *
 * Each dataset is described once, as a table of members (name, offset in
 * the in-memory record, member kind). From a table we build two compound
 * types: the native in-memory type (offsets of the C struct) and the file
 * type (members packed in table order, fixed little-endian integers), so
 * a file is the same bytes on every platform and has no padding whose
 * content could vary. HDF5 converts between the two by member name, which
 * also lets a future reader ignore members it does not know.
 *
 * Strings are fixed-length and NUL-padded rather than variable-length:
 * variable-length data lives in the global heap, outside the chunks, so it
 * is neither compressed nor read in blocks; fixed-length padding
 * compresses to almost nothing after the shuffle filter, and h5py/pandas
 * read it as plain bytes columns.
 */
#include "sim/results_h5.h"

#include <stddef.h>

typedef enum { M_I32, M_I64, M_NAME, M_SHORT, M_OUTCOME } MemberKind;

typedef struct {
  const char *name;
  size_t offset;
  MemberKind kind;
} Member;

/* Members added within a schema version: files written before lack them,
 * and readers then see 0. */
static const char *const optional_members[] = {"deadline_us", NULL};

#define S(f) #f, offsetof(KsSampleRow, f)
static const Member sample_members[] = {
  {S(time_us), M_I64},
  {S(nodes), M_I32},
  {S(pending), M_I32},
  {S(running), M_I32},
  {S(succeeded), M_I32},
  {S(failed), M_I32},
  {S(cpu_requested_milli), M_I64},
  {S(cpu_allocatable_milli), M_I64},
  {S(memory_requested), M_I64},
  {S(memory_allocatable), M_I64},
  {S(pods_allocatable), M_I64},
  {S(gpu_requested_milli), M_I64},
  {S(gpu_allocatable_milli), M_I64},
  {NULL, 0, 0},
};
#undef S

#define P(f) #f, offsetof(KsH5PodRec, f)
static const Member pod_members[] = {
  {P(name), M_NAME},
  {P(namespace), M_SHORT},
  {P(priority), M_I32},
  {P(cpu_request_milli), M_I64},
  {P(memory_request), M_I64},
  {P(gpu_count), M_I32},
  {P(gpu_request_milli), M_I64},
  {P(created_us), M_I64},
  {P(scheduled_us), M_I64},
  {P(started_us), M_I64},
  {P(finished_us), M_I64},
  {P(node), M_I32},
  {P(attempts), M_I32},
  {P(outcome), M_OUTCOME},
  {P(deadline_us), M_I64},
  {NULL, 0, 0},
};
#undef P

#define N(f) #f, offsetof(KsH5NodeRec, f)
static const Member node_members[] = {
  {N(name), M_NAME},
  {N(pool), M_SHORT},
  {N(cpu_allocatable_milli), M_I64},
  {N(memory_allocatable), M_I64},
  {N(pods_allocatable), M_I64},
  {N(gpus), M_I32},
  {N(gpu_model), M_SHORT},
  {N(added_us), M_I64},
  {N(removed_us), M_I64},
  {N(pods_bound), M_I32},
  {NULL, 0, 0},
};
#undef N

static const struct {
  const char *dataset;
  const Member *members;
  gsize record_size;
} kinds[KS_H5_N_KINDS] = {
  [KS_H5_SAMPLES] = {KS_H5_TIMESERIES, sample_members, sizeof(KsSampleRow)},
  [KS_H5_PODS_KIND] = {KS_H5_PODS, pod_members, sizeof(KsH5PodRec)},
  [KS_H5_NODES_KIND] = {KS_H5_NODES, node_members, sizeof(KsH5NodeRec)},
};

const char *ks_h5_dataset_name(KsH5Kind kind) { return kinds[kind].dataset; }

gsize ks_h5_record_size(KsH5Kind kind) { return kinds[kind].record_size; }

/* The outcome enum: values are KsPodOutcome's, names its lower-case words.
 * The file stores it in one byte. */
static hid_t outcome_type(gboolean file) {
  hid_t t = H5Tenum_create(file ? H5T_STD_I8LE : H5T_NATIVE_INT32);
  for (int v = KS_OUTCOME_PENDING; v <= KS_OUTCOME_DELETED; v++) {
    if (file) {
      gint8 b = (gint8)v;
      H5Tenum_insert(t, ks_pod_outcome_to_string(v), &b);
    } else {
      gint32 i = v;
      H5Tenum_insert(t, ks_pod_outcome_to_string(v), &i);
    }
  }
  return t;
}

static hid_t string_type(size_t len) {
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, len);
  H5Tset_strpad(t, H5T_STR_NULLPAD);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return t;
}

/* transfer full */
static hid_t member_type(MemberKind kind, gboolean file) {
  switch (kind) {
  case M_I32: return H5Tcopy(file ? H5T_STD_I32LE : H5T_NATIVE_INT32);
  case M_I64: return H5Tcopy(file ? H5T_STD_I64LE : H5T_NATIVE_INT64);
  case M_NAME: return string_type(KS_H5_NAME_LEN);
  case M_SHORT: return string_type(KS_H5_SHORT_LEN);
  case M_OUTCOME: return outcome_type(file);
  }
  g_assert_not_reached();
}

hid_t ks_h5_record_type(KsH5Kind kind, gboolean file) {
  const Member *members = kinds[kind].members;
  size_t packed = 0;
  for (const Member *m = members; m->name; m++) {
    hid_t t = member_type(m->kind, file);
    packed += H5Tget_size(t);
    H5Tclose(t);
  }
  hid_t rec = H5Tcreate(H5T_COMPOUND, file ? packed : kinds[kind].record_size);
  size_t at = 0;
  for (const Member *m = members; m->name; m++) {
    hid_t t = member_type(m->kind, file);
    H5Tinsert(rec, m->name, file ? at : m->offset, t);
    at += H5Tget_size(t);
    H5Tclose(t);
  }
  return rec;
}

hid_t ks_h5_read_type(KsH5Kind kind, hid_t dset) {
  hid_t ftype = H5Dget_type(dset);
  gboolean compound = ftype >= 0 && H5Tget_class(ftype) == H5T_COMPOUND;
  hid_t rec = H5Tcreate(H5T_COMPOUND, kinds[kind].record_size);
  for (const Member *m = kinds[kind].members; m->name; m++) {
    if (compound && g_strv_contains(optional_members, m->name) &&
        H5Tget_member_index(ftype, m->name) < 0)
      continue;
    hid_t t = member_type(m->kind, FALSE);
    H5Tinsert(rec, m->name, m->offset, t);
    H5Tclose(t);
  }
  if (ftype >= 0)
    H5Tclose(ftype);
  H5Eclear2(H5E_DEFAULT);
  return rec;
}

typedef struct {
  char *innermost;
} WalkState;

static herr_t walk_cb(unsigned n, const H5E_error2_t *e, void *data) {
  WalkState *s = data;
  if (e->desc && *e->desc) {
    g_free(s->innermost);
    s->innermost = g_strdup(e->desc);
  }
  return 0;
}

hid_t ks_h5_table_dcpl(gsize n) {
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_obj_track_times(dcpl, 0);
  if (n > 0) {
    hsize_t chunk = MIN(n, (gsize)KS_H5_CHUNK_ROWS);
    H5Pset_chunk(dcpl, 1, &chunk);
    H5Pset_shuffle(dcpl);
    H5Pset_deflate(dcpl, KS_H5_DEFLATE_LEVEL);
  }
  return dcpl;
}

gboolean ks_h5_write_table(hid_t loc, const char *name, hid_t mtype, const void *rows, gsize n) {
  hsize_t dims = n;
  hid_t space = H5Screate_simple(1, &dims, NULL);
  hid_t dcpl = ks_h5_table_dcpl(n);
  hid_t ftype = H5Tcopy(mtype);
  H5Tpack(ftype);
  hid_t dset = H5Dcreate2(loc, name, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  gboolean ok = dset >= 0 && (n == 0 || H5Dwrite(dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                                 rows) >= 0);
  if (dset >= 0)
    H5Dclose(dset);
  H5Tclose(ftype);
  H5Pclose(dcpl);
  H5Sclose(space);
  return ok;
}

void ks_h5_set_error(GError **error, int code, const char *path, const char *what) {
  WalkState s = {NULL};
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, walk_cb, &s);
  H5Eclear2(H5E_DEFAULT);
  if (s.innermost)
    g_set_error(error, KS_RESULTS_ERROR, code, "%s: %s: %s", path, what, s.innermost);
  else
    g_set_error(error, KS_RESULTS_ERROR, code, "%s: %s", path, what);
  g_free(s.innermost);
}

void ks_h5_quiet_begin(KsH5Quiet *q) {
  H5Eget_auto2(H5E_DEFAULT, &q->func, &q->data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

void ks_h5_quiet_end(const KsH5Quiet *q) { H5Eset_auto2(H5E_DEFAULT, q->func, q->data); }
