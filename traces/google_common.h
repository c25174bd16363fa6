/* What the two Google importers (google_2011.c, google_2019.c) share.
 *
 * Both traces are sets of tables split into part files, each table sorted by
 * time, with resources normalised to the largest machine and tasks that are
 * submitted, scheduled and end many times. The pieces that do not depend on
 * the trace's column layout live here once:
 *
 *   - KsGoogleTable: one logical table read from its part files in name
 *     order, CSV (with or without a header) or JSON lines, gzip or not, with
 *     named fields and "path:line: column <name>: reason" messages;
 *   - KsGoogleLive: the only table that grows, tasks alive right now (for
 *     ran_us and to end an incarnation a missing record left open);
 *   - an output queue, since one row can become several events;
 *   - pod / node / PriorityClass builders with the units conversion;
 *   - the gzip writer the synth functions use.
 *
 * Private to traces/ (no ks_trace_ prefix, not a format of its own).
 */
#pragma once
#include <glib.h>
#include <stdio.h>

#include "traces/trace_event.h"
#include "traces/trace_source.h"

/* Trace times that are not instants (both traces): 0 = "before the trace
 * window began", G_MAXINT64 = "after it ended". */
#define KS_GOOGLE_TIME_AFTER_END G_MAXINT64
/* Label keys every imported task pod carries. */
#define KS_GOOGLE_LABEL_JOB "ksim.io/job"
#define KS_GOOGLE_LABEL_TASK_INDEX "ksim.io/task-index"
#define KS_GOOGLE_LABEL_SCHED_CLASS "ksim.io/scheduling-class"
#define KS_GOOGLE_LABEL_TIER "ksim.io/priority-tier"
#define KS_GOOGLE_ANNOTATION_PLATFORM "ksim.io/platform"
/* Limit on the number of distinct priorities (PriorityClasses) of one trace. */
#define KS_GOOGLE_MAX_PRIORITIES 4096

/* What an import dropped on purpose (not bad rows): rows at the "after the
 * end" time, events of tasks never submitted in the trace, UPDATE_* rows. */
typedef struct {
  guint64 after_end;
  guint64 orphans;
  guint64 updates;
  guint64 live_peak; /* most tasks alive at once (the importer's table) */
  guint64 alloc_dropped; /* 2019: instance rows left out by the alloc-sets parameter */
} KsGoogleImportStats;

/* ---- tables ------------------------------------------------------------- */

typedef struct {
  const char *name;      /* logical name, used in messages ("time", "cpu request") */
  const char *json;      /* JSON key path, "a" or "a.b" (NULL: not in the JSON form) */
  const char *aliases;   /* CSV header names that mean this column, '|'-separated */
  gint csv_index;        /* position in a headerless CSV row; -1: none */
} KsGoogleColumn;

typedef struct KsGoogleTable KsGoogleTable;

/* The part files of `table` under dir, sorted by name: every file of
 * dir/<table>/, or dir/<table>*.{csv,json}[.gz] when there is no such
 * folder. An empty array when there are none. transfer full */
GPtrArray *ks_google_find_parts(const char *dir, const char *table, GError **error);

/* Reads the part files one after another as one table. `columns` must
 * outlive the table. With `bigquery` (the 2019 trace's exports) a part may be
 * JSON lines (.json, .json.gz) and a CSV part may start with a header;
 * otherwise parts are headerless CSV. transfer full; NULL on error. */
KsGoogleTable *ks_google_table_open(GPtrArray *parts /* transfer full */,
                                    const KsGoogleColumn *columns, guint n_columns,
                                    gboolean bigquery, GError **error);
/* Opens table `name` from its part files under dir (ks_google_find_parts);
 * *out stays NULL when dir has none. FALSE on error. */
gboolean ks_google_table_open_dir(const char *dir, const char *name, const KsGoogleColumn *columns,
                                  guint n_columns, gboolean bigquery,
                                  KsGoogleTable **out /* transfer full */, GError **error);
/* Advances to the next row. FALSE at the end (error unset) or on an I/O
 * error. A row that is not even JSON is returned with *bad set to the
 * message (transfer full); the caller applies the bad-row policy. */
gboolean ks_google_table_next(KsGoogleTable *t, char **bad, GError **error);
/* Text of column k in the current row; "" when absent or null. */
const char *ks_google_table_text(const KsGoogleTable *t, guint k);
/* "path:line: column <name>: " for column k. transfer full */
char *ks_google_table_where(const KsGoogleTable *t, guint k);
guint64 ks_google_table_line(const KsGoogleTable *t);
const char *ks_google_table_path(const KsGoogleTable *t);
void ks_google_table_free(KsGoogleTable *t);

/* Typed columns. On a malformed value they return FALSE with *bad set to
 * "path:line: column <name>: "<text>" is not an integer" (transfer full).
 * Optional columns: *present is FALSE when the field is empty (or null). */
gboolean ks_google_table_int(const KsGoogleTable *t, guint k, gboolean required, gint64 *out,
                             gboolean *present, char **bad);
gboolean ks_google_table_double(const KsGoogleTable *t, guint k, gboolean required, double *out,
                                gboolean *present, char **bad);

/* ---- time-ordered streams of rows -------------------------------------- */

/* One table with one row read ahead, so two tables merge by time. */
typedef struct {
  KsGoogleTable *table; /* owned */
  guint time_col;
  gboolean have;        /* a row is waiting: the table's current row */
  gboolean done;
  gint64 time_us;       /* of the waiting row */
  gint64 last_us;       /* of the last row accepted (G_MININT64 before one) */
  guint64 after_end;    /* rows at KS_GOOGLE_TIME_AFTER_END, dropped */
} KsGoogleStream;

void ks_google_stream_init(KsGoogleStream *s, KsGoogleTable *table /* transfer full */,
                           guint time_col);
void ks_google_stream_clear(KsGoogleStream *s);
/* Reads ahead until a row with a usable time waits or the table ends. Bad
 * rows (unparsable time, time before the previous row's) go through the
 * source's bad-row policy. FALSE on error. */
gboolean ks_google_stream_fill(KsGoogleStream *s, KsTraceSource *src, GError **error);
/* The waiting row of a or b with the smaller time (a on ties); NULL when
 * both are done. */
KsGoogleStream *ks_google_stream_pick(KsGoogleStream *a, KsGoogleStream *b);
/* Fills a and b, then takes the earlier waiting row (a on ties): returns
 * its stream, whose table's current row it is. NULL when both are done or on
 * error (error set). */
KsGoogleStream *ks_google_stream_take(KsGoogleStream *a, KsGoogleStream *b, KsTraceSource *src,
                                      GError **error);

/* ks_trace_source_bad_row for a message the caller owns (freed here). */
gboolean ks_google_bad_row(KsTraceSource *src, char *message, GError **error);

/* ---- live tasks --------------------------------------------------------- */

typedef struct {
  gint64 job;       /* job / collection id */
  gint64 task;      /* task / instance index */
  gint64 submit_us; /* the incarnation's SUBMIT time (part of its pod's name) */
  gint64 start_us;  /* its last SCHEDULE time; -1 before one */
} KsGoogleTask;

typedef struct KsGoogleLive KsGoogleLive;
KsGoogleLive *ks_google_live_new(void); /* transfer full */
void ks_google_live_free(KsGoogleLive *l);
KsGoogleTask *ks_google_live_lookup(KsGoogleLive *l, gint64 job, gint64 task); /* transfer none */
KsGoogleTask *ks_google_live_insert(KsGoogleLive *l, gint64 job, gint64 task, gint64 submit_us);
void ks_google_live_remove(KsGoogleLive *l, gint64 job, gint64 task);
guint ks_google_live_size(const KsGoogleLive *l);
/* The pod name of an incarnation: "<job>-<task>-<submit_us>". transfer full */
char *ks_google_task_pod_name(const KsGoogleTask *t);

/* ---- output queue ------------------------------------------------------- */

/* A new initialised event appended to q (owned by q until popped). */
KsTraceEvent *ks_google_queue_push(GQueue *q, KsTraceEventType type, gint64 time_us,
                                   guint64 line);
/* Moves the head into ev (initialised, empty). FALSE when q is empty. */
gboolean ks_google_queue_pop(GQueue *q, KsTraceEvent *ev);
void ks_google_queue_clear(GQueue *q);

/* ---- incarnations -------------------------------------------------------- */

/* How an incarnation ends in the replay: a pod-delete, or a pod-finish with
 * its phase. */
typedef enum { KS_GOOGLE_END_DELETE, KS_GOOGLE_END_SUCCEEDED, KS_GOOGLE_END_FAILED } KsGoogleEnd;

/* Ends task's incarnation at now: pushes its pod-finish (ran_us from its
 * last SCHEDULE, -1 without one) or pod-delete on q, then removes the task
 * from live (task is freed). */
void ks_google_task_end(KsGoogleLive *live, GQueue *q, KsGoogleTask *task, KsGoogleEnd end,
                        gint64 now, guint64 line);
/* A SUBMIT of (job, task) at now. old, the live incarnation if any, never
 * recorded its end: it is deleted first. Returns the new incarnation
 * (transfer none) and keeps *live_peak at the most tasks alive at once. */
KsGoogleTask *ks_google_task_submit(KsGoogleLive *live, GQueue *q, KsGoogleTask *old, gint64 job,
                                    gint64 task, gint64 now, guint64 line, guint64 *live_peak);
/* Any later event of an incarnation (task; NULL when none is live: counted
 * in stats->orphans): a SCHEDULE (schedule TRUE) notes its start, any other
 * event ends it with `end`. */
void ks_google_task_event(KsGoogleLive *live, GQueue *q, KsGoogleTask *task, gboolean schedule,
                          KsGoogleEnd end, gint64 now, guint64 line, KsGoogleImportStats *stats);

/* ---- units and objects -------------------------------------------------- */

typedef struct {
  gint64 machine_milli_cpu; /* what a normalised 1.0 of CPU is, in millicores */
  gint64 machine_memory;    /* what a normalised 1.0 of memory is, in bytes */
  gint64 max_pods;          /* the nodes' pods capacity */
} KsGoogleScale;

/* Reads machine-cpu, machine-memory and max-pods from opts over the
 * defaults already in s. FALSE with KS_TRACE_ERROR_OPTION on a bad value. */
gboolean ks_google_scale_parse(KsGoogleScale *s, const KsTraceOpenOptions *opts,
                               const char *format, GError **error);
/* norm * unit rounded to the nearest integer (half away from zero). */
gint64 ks_google_scale_value(double norm, gint64 unit);

/* A node of the given capacity (allocatable = capacity), labelled with its
 * hostname. platform may be NULL or "". transfer full */
KsNode *ks_google_node_new(const char *name, gint64 milli_cpu, gint64 memory, gint64 max_pods,
                           const char *platform);
/* A task pod: one container "task" whose requests == limits (cpu / memory
 * only when >= 0), the given labels (pairs, NULL-terminated), the
 * priorityClassName, creationTimestamp = time_us. transfer full */
KsPod *ks_google_pod_new(const char *name, gint64 time_us, gint64 milli_cpu, gint64 memory,
                         const char *priority_class, const char *const *labels);
/* Adds required anti-affinity on kubernetes.io/hostname against pods with
 * the label key=value (the job's other tasks). */
void ks_google_pod_add_spread(KsPod *pod, const char *key, const char *value);
/* A PriorityClass object (file = the trace path, line 0). transfer full */
KsManifestObject *ks_google_priority_class(const char *path, const char *name, gint32 value,
                                           const char *description);

/* Pushes the node event of a machine row at now on q: a node-remove named
 * id, or a node-add / node-update of capacity cpus x mem (normalised, scaled
 * by scale). transfer none: the event */
KsTraceEvent *ks_google_push_machine(GQueue *q, KsTraceEventType type, gint64 id, double cpus,
                                     double mem, const KsGoogleScale *scale, const char *platform,
                                     gint64 now, guint64 line);

/* ---- synthetic output --------------------------------------------------- */

/* Tasks a synth writes when asked for 0 (the committed samples' size). */
#define KS_GOOGLE_SYNTH_DEFAULT_PODS 600

typedef struct KsGoogleOut KsGoogleOut;
/* A file written through gzip when gzip is TRUE (deterministic bytes: no
 * name, no time in the header). transfer full */
KsGoogleOut *ks_google_out_open(const char *path, gboolean gzip, GError **error);
void ks_google_out_printf(KsGoogleOut *o, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Flushes and closes; frees o also on error. */
gboolean ks_google_out_close(KsGoogleOut *o, GError **error);

/* One table's rows split evenly over `parts` gzip'd files under dir, each
 * opened when its first row comes. Set parts, total, dir and name; the rest
 * starts at zero. */
typedef struct {
  guint parts, total;       /* files to write; rows in all */
  const char *dir;
  char *(*name)(guint part); /* a part's file name. transfer full */
  guint part, written;      /* next part's index; rows handed out */
  KsGoogleOut *out;         /* the part being written, NULL before the first */
} KsGoogleParts;
/* The file the next row goes to, opening the next part when this one has
 * its share. transfer none; NULL on error. */
KsGoogleOut *ks_google_parts_next(KsGoogleParts *p, GError **error);
/* Closes the last part. TRUE when ok, every row was handed out and the
 * close worked; error is set only when ok. */
gboolean ks_google_parts_close(KsGoogleParts *p, gboolean ok, GError **error);
/* Shortest decimal that reads back as the same double ("%.17g" trimmed). */
void ks_google_format_double(char *buf, gsize size, double v);
