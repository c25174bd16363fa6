/* Private to the results writer and reader: the on-disk record layouts of
 * the three datasets, the HDF5 types built from them, and HDF5 error
 * handling. The writer and the reader share this file so the schema is
 * defined exactly once (documented in docs/results.md).
 */
#pragma once
#include <glib.h>
#include <hdf5.h>

#include "sim/results.h"
#include "sim/results_read.h"

/* Rows per chunk and per write: every chunk is compressed exactly once. */
#define KS_H5_CHUNK_ROWS 4096
#define KS_H5_DEFLATE_LEVEL 4

/* Fixed-length string members (bytes of UTF-8, NUL-padded, no terminator
 * when full). The limits are Kubernetes' own: object names are DNS
 * subdomains (253), namespaces and label values (the pool) at most 63. */
#define KS_H5_NAME_LEN 253
#define KS_H5_SHORT_LEN 63

#define KS_H5_TIMESERIES "timeseries"
#define KS_H5_PODS "pods"
#define KS_H5_NODES "nodes"
#define KS_H5_ATTR_SCHEMA "schema_version"
#define KS_H5_ATTR_VERSION "ksim_version"

/* In-memory records; HDF5 converts them to the packed little-endian file
 * types. KsSampleRow has no strings and is used as is. */
typedef struct {
  char name[KS_H5_NAME_LEN];
  char namespace[KS_H5_SHORT_LEN];
  gint32 priority;
  gint64 cpu_request_milli;
  gint64 memory_request;
  gint32 gpu_count;
  gint64 gpu_request_milli;
  gint64 created_us;
  gint64 scheduled_us;
  gint64 started_us;
  gint64 finished_us;
  gint32 node;
  gint32 attempts;
  gint32 outcome; /* KsPodOutcome */
  gint64 deadline_us;
} KsH5PodRec;

typedef struct {
  char name[KS_H5_NAME_LEN];
  char pool[KS_H5_SHORT_LEN];
  gint64 cpu_allocatable_milli;
  gint64 memory_allocatable;
  gint64 pods_allocatable;
  gint32 gpus;
  char gpu_model[KS_H5_SHORT_LEN];
  gint64 added_us;
  gint64 removed_us;
  gint32 pods_bound;
} KsH5NodeRec;

typedef enum { KS_H5_SAMPLES, KS_H5_PODS_KIND, KS_H5_NODES_KIND, KS_H5_N_KINDS } KsH5Kind;

/* Dataset name and in-memory record size of a kind. */
const char *ks_h5_dataset_name(KsH5Kind kind);
gsize ks_h5_record_size(KsH5Kind kind);
/* transfer full: close with H5Tclose. file=TRUE gives the packed
 * little-endian file type, FALSE the native in-memory type. */
hid_t ks_h5_record_type(KsH5Kind kind, gboolean file);
/* The native type to read dset with: every member, except optional ones
 * (added after their dataset, e.g. /pods deadline_us) the file lacks,
 * which then read as 0. transfer full */
hid_t ks_h5_read_type(KsH5Kind kind, hid_t dset);

/* For commit hooks: the open file (rows and attributes flushed) and the
 * path it will be renamed to. transfer none */
hid_t ks_h5_writer_file(const KsResultsWriter *w);
const char *ks_h5_writer_path(const KsResultsWriter *w);
/* The file exists, is readable and is HDF5 (errors as ks_results_read). */
gboolean ks_h5_check_file(const char *path, GError **error);
/* Reads an open file as ks_results_read reads a path (path names it in
 * errors). transfer full */
KsResults *ks_h5_read_open(hid_t file, const char *path, GError **error);

/* Writes a whole 1-D table of n records of mtype (native; the file gets it
 * packed) as `name` under loc: deflated and shuffled in chunks, no
 * modification times; a table of 0 rows is left contiguous. The writers of
 * the fixed tables (/kubelet, /image_pulls, ...) share it. */
gboolean ks_h5_write_table(hid_t loc, const char *name, hid_t mtype, const void *rows, gsize n);
/* The dataset creation properties of such a table (for writers that fill it
 * a chunk at a time). transfer full: close with H5Pclose */
hid_t ks_h5_table_dcpl(gsize n);

/* Sets *error from the current HDF5 error stack (its innermost message),
 * prefixed with path and what failed, then clears the stack. */
void ks_h5_set_error(GError **error, int code, const char *path, const char *what);

/* HDF5 prints its error stack to stderr by default. Entry points silence it
 * for their duration and restore the caller's handler afterwards, so the
 * library's global setting is left as found. */
typedef struct {
  H5E_auto2_t func;
  void *data;
} KsH5Quiet;
void ks_h5_quiet_begin(KsH5Quiet *q);
void ks_h5_quiet_end(const KsH5Quiet *q);
