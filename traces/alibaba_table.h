/* One table of an Alibaba trace (v2018, v2017) read as a stream of events,
 * and the merge of several such streams by time. Private to traces/.
 *
 * The Alibaba tables are separate CSV files, each in its own order (the
 * machine tables grouped by machine, the batch tables as exported), and one
 * row may become several events (a pod-create and, later, its delete). A
 * KsAliTable reads its CSV row by row; the importer's row function turns a
 * row into events pushed into the table's reorder heap, which holds at most
 * `window` events: an event leaves the heap only when the heap is full or
 * the file ended, so a table whose rows are out of place by fewer than
 * `window` events comes out in time order (ties in row order). A row whose
 * time is before an event already emitted is a bad row (the message says to
 * sort the table, with the sort command). Memory: `window` events per
 * table, whatever the file's size.
 *
 * ks_ali_merge_next picks, among the tables, the one whose next event is
 * earliest (ties: the table listed first), so a trace is the time-ordered
 * merge of its tables.
 */
#pragma once
#include <glib.h>

#include "traces/csv.h"
#include "traces/trace_source.h"

typedef struct KsAliTable KsAliTable;

/* Turns the table's current row into events (ks_ali_table_push). FALSE with
 * *bad (transfer full: "path:line: column <name>: reason") on a bad row;
 * the row's events pushed so far are dropped. */
typedef gboolean (*KsAliRowFunc)(KsAliTable *t, KsCsvReader *csv, gpointer data, char **bad);

/* transfer full; NULL with *error when the file cannot be opened. `columns`
 * names the fields of a headerless table (NULL: the file has a header). */
KsAliTable *ks_ali_table_open(const char *path, const char *const *columns, guint64 window,
                              KsAliRowFunc row, gpointer data, GError **error);
void ks_ali_table_free(KsAliTable *t);

/* A new empty event at time_us for the current row (owned by the table).
 * NULL, with *bad naming column `time_col`, when time_us is before an event
 * the table already emitted (the row must then be rejected). */
KsTraceEvent *ks_ali_table_push(KsAliTable *t, KsTraceEventType type, gint64 time_us, guint time_col,
                                char **bad);

/* The next event of the tables (in list order for ties) moved into ev.
 * Bad rows follow src's policy. FALSE at the end (error unset) or on error. */
gboolean ks_ali_merge_next(KsAliTable *const *tables, guint n, KsTraceSource *src, KsTraceEvent *ev,
                           GError **error);

/* Helpers for row functions: typed fields with a range, "path:line:
 * column <name>: reason" in *bad (transfer full) otherwise. */
gboolean ks_ali_int(KsCsvReader *csv, guint col, gint64 min, gint64 max, gint64 *out, char **bad);
gboolean ks_ali_double(KsCsvReader *csv, guint col, double min, double max, double *out, char **bad);
/* "path:line: column <name>: " + printf. transfer full */
char *ks_ali_bad(KsCsvReader *csv, guint col, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* Parses a positive integer parameter of `format` (absent: *out unchanged). */
gboolean ks_ali_param_uint(const KsTraceOpenOptions *opts, const char *format, const char *key,
                           guint64 min, guint64 *out, GError **error);
/* Parses a byte quantity parameter ("384Gi") of `format`. */
gboolean ks_ali_param_bytes(const KsTraceOpenOptions *opts, const char *format, const char *key,
                            gint64 *out, GError **error);
/* round(norm / 100 * unit): a value normalised to 0..100 in units. */
gint64 ks_ali_scale(double norm, gint64 unit);
/* Finds dir/name, or dir/name.gz; NULL when neither exists. transfer full */
char *ks_ali_find(const char *dir, const char *name);

/* ---- what the Alibaba importers share ------------------------------------ */

/* Labels and annotations of imported objects (docs/traces/alibaba-v2018.md). */
#define KS_ALIBABA_LABEL_JOB "ksim.io/job"
#define KS_ALIBABA_LABEL_TASK "ksim.io/task"
#define KS_ALIBABA_LABEL_APP_DU "ksim.io/app-du"
#define KS_ALIBABA_LABEL_FAILURE_DOMAIN_1 "ksim.io/failure-domain-1"
#define KS_ALIBABA_LABEL_FAILURE_DOMAIN_2 "ksim.io/failure-domain-2"
#define KS_ALIBABA_ANNOTATION_TRACE_NODE "ksim.io/trace-node"
#define KS_ALIBABA_ANNOTATION_MACHINE_STATUS "ksim.io/machine-status"
#define KS_ALIBABA_ANNOTATION_TRACE_STATUS "ksim.io/trace-status"
#define KS_ALIBABA_ANNOTATION_INSTANCES "ksim.io/instances"
/* Defaults of the parameters max-pods, sort-window and max-instances. */
#define KS_ALIBABA_DEFAULT_MAX_PODS 110
#define KS_ALIBABA_DEFAULT_SORT_WINDOW 10000
#define KS_ALIBABA_DEFAULT_MAX_INSTANCES 100000

/* A pod "default/<name>" with one container "main": cpu requests milli_cpu
 * (limits cpu_limit, or milli_cpu when cpu_limit < 0), memory requests ==
 * limits, restartPolicy Never. transfer full */
KsPod *ks_ali_pod_new(const char *name, gint64 time_us, gint64 milli_cpu, gint64 cpu_limit,
                      gint64 memory);
/* Labels job / task (when not empty) and the run time (when >= 0). */
void ks_ali_pod_label_batch(KsPod *pod, const char *job, const char *task, gint64 run_us);
/* Pushes the n pods "<job>-<task>-<i>" (i = 0..n-1) of a batch task, all at
 * time_us: one heap entry whose template pod (named "<job>-<task>") is
 * copied as each pod is emitted. Returns the template (transfer none: the
 * caller may add labels), NULL when n <= 0 (*bad unset: nothing to do) or
 * the time is out of order (*bad set). */
KsPod *ks_ali_task_pods(KsAliTable *t, const char *job, const char *task, gint64 n, gint64 time_us,
                        gint64 run_us, gint64 milli_cpu, gint64 memory, guint time_col, char **bad);
