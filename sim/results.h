/* The results file of one run (HDF5; schema in docs/results.md).
 *
 * Root attributes hold the run metadata; three chunked, gzip-compressed
 * compound datasets hold the data: /timeseries (one row per sample),
 * /pods (one row per pod that existed) and /nodes (one row per node).
 * The writer writes to "<path>.partial" and renames on close, so a failed
 * run never leaves a file that looks complete.
 */
#pragma once
#include <glib.h>

#define KS_RESULTS_ERROR (ks_results_error_quark())
GQuark ks_results_error_quark(void);
typedef enum { KS_RESULTS_ERROR_IO, KS_RESULTS_ERROR_FORMAT } KsResultsError;

#define KS_RESULTS_SCHEMA_VERSION 2

typedef struct {
  gint64 time_us;
  gint32 nodes;              /* nodes in the cluster */
  gint32 pending;            /* pods created, not yet bound */
  gint32 running;            /* pods bound and not finished (incl. starting) */
  gint32 succeeded;          /* cumulative */
  gint32 failed;             /* cumulative */
  gint64 cpu_requested_milli;   /* sum of requests of bound, unfinished pods */
  gint64 cpu_allocatable_milli; /* sum over nodes */
  gint64 memory_requested;      /* bytes */
  gint64 memory_allocatable;    /* bytes */
  gint64 pods_allocatable;      /* sum of allocatable pods over nodes */
  gint64 gpu_requested_milli;   /* GPU milli held by bound, unfinished pods (sched/gpu.h) */
  gint64 gpu_allocatable_milli; /* 1000 x GPUs over nodes */
} KsSampleRow;

typedef enum {
  KS_OUTCOME_PENDING = 0,   /* never scheduled before the run ended */
  KS_OUTCOME_RUNNING,       /* bound, still running at the end */
  KS_OUTCOME_SUCCEEDED,
  KS_OUTCOME_FAILED,
  KS_OUTCOME_DELETED,       /* deleted before finishing */
} KsPodOutcome;
const char *ks_pod_outcome_to_string(KsPodOutcome o);

typedef struct {
  const char *name;       /* borrowed while appending */
  const char *namespace;
  gint32 priority;
  gint64 cpu_request_milli;
  gint64 memory_request;
  gint32 gpu_count;       /* GPUs asked for (sched/gpu.h); 0: none */
  gint64 gpu_request_milli; /* gpu_count x milli per GPU */
  gint64 created_us;      /* -1 when the event never happened */
  gint64 scheduled_us;    /* bound to a node */
  gint64 started_us;      /* containers running */
  gint64 finished_us;
  gint32 node;            /* index into /nodes, -1 when never bound */
  gint32 attempts;        /* scheduling attempts */
  KsPodOutcome outcome;
  gint64 deadline_us;     /* ksim.io/deadline: should succeed this long after creation; 0: none */
} KsPodRow;

typedef struct {
  const char *name;       /* borrowed while appending */
  const char *pool;       /* node pool, "" when none */
  gint64 cpu_allocatable_milli;
  gint64 memory_allocatable;
  gint64 pods_allocatable;
  gint32 gpus;            /* GPUs on the node (sched/gpu.h) */
  const char *gpu_model;  /* card model, "" when none; borrowed while appending */
  gint64 added_us;
  gint64 removed_us;      /* -1 when still present at the end */
  gint32 pods_bound;      /* pods ever bound to it */
} KsNodeRow;

typedef struct KsResultsWriter KsResultsWriter;

/* transfer full */
KsResultsWriter *ks_results_writer_open(const char *path, GError **error);
void ks_results_writer_set_attr_string(KsResultsWriter *w, const char *key, const char *value);
void ks_results_writer_set_attr_int(KsResultsWriter *w, const char *key, gint64 value);
gboolean ks_results_writer_append_sample(KsResultsWriter *w, const KsSampleRow *row,
                                         GError **error);
gboolean ks_results_writer_append_pod(KsResultsWriter *w, const KsPodRow *row, GError **error);
gboolean ks_results_writer_append_node(KsResultsWriter *w, const KsNodeRow *row, GError **error);
/* Called by commit once every row and attribute is in the file and before
 * it is closed; may add datasets (sim/metrics.h adds /metrics). Failing
 * fails the commit. One hook per writer; setting it again replaces it. */
typedef gboolean (*KsResultsCommitHook)(KsResultsWriter *w, gpointer data, GError **error);
void ks_results_writer_on_commit(KsResultsWriter *w, KsResultsCommitHook hook, gpointer data);
/* Flushes, closes and renames into place. Frees w in every case. */
gboolean ks_results_writer_commit(KsResultsWriter *w, GError **error);
/* Closes and deletes the partial file. Frees w. */
void ks_results_writer_abort(KsResultsWriter *w);
