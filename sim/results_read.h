/* Reading a results file (docs/results.md) back into arrays, for
 * `ksim summary`, `ksim plot` and `ksim compare`.
 *
 * The whole file is loaded; a pod row costs about 100 bytes, so a million
 * pods take about 100 MB. Row structs are those of the writer (results.h);
 * their strings point into storage owned by the KsResults.
 */
#pragma once
#include <glib.h>

#include "sim/results.h"

typedef struct {
  char *key;
  char *str;        /* NULL for an integer attribute */
  gint64 num;       /* integer attributes */
} KsResultsAttr;

typedef struct {
  KsResultsAttr *attrs; /* root attributes, sorted by key */
  gsize n_attrs;
  gint64 schema_version;
  KsSampleRow *samples;
  gsize n_samples;
  KsPodRow *pods;
  gsize n_pods;
  KsNodeRow *nodes;
  gsize n_nodes;
  GStringChunk *strings; /* backs every name, namespace and pool */
} KsResults;

/* Errors: KS_RESULTS_ERROR_IO when the file cannot be read,
 * KS_RESULTS_ERROR_FORMAT when it is not a ksim results file (not HDF5, no
 * schema_version attribute, another schema version, missing datasets or
 * members). Messages begin with the path. */
/* transfer full: free with ks_results_free */
KsResults *ks_results_read(const char *path, GError **error);
void ks_results_free(KsResults *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(KsResults, ks_results_free)

/* The root attribute named key, or NULL. */
const KsResultsAttr *ks_results_attr(const KsResults *r, const char *key);
