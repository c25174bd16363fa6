/* Importer of Google cluster-data 2011 (clusterdata-2011-2).
 *
 * Design: the trace is two tables that are each sorted by time,
 * machine_events and task_events, split into gzip'd part files. Each is a
 * KsGoogleStream (google_common.h) with one row read ahead; next() takes the
 * earlier row (machines first on ties, so a node exists before the tasks
 * that arrive with it) and turns it into zero or more events in a small
 * queue. The PriorityClasses of the 12 priorities come first, at time 0.
 *
 * Memory: one row per table, the queue (at most two events), and the table
 * of tasks alive now (KsGoogleLive): a SUBMIT adds the task, SCHEDULE notes
 * its start, and the event that ends the incarnation (FINISH, FAIL, KILL,
 * LOST, EVICT) removes it after computing ran_us. Nothing else grows with the
 * trace: incarnations are named by their SUBMIT time, so no count of past
 * incarnations is kept. Mapping and its reasons: docs/traces/google-2011.md.
 */
#include "traces/google_2011.h"

#include <string.h>

#include "sched/quantity.h"
#include "traces/google_common.h"

enum { T_TIME, T_MISSING, T_JOB, T_TASK, T_MACHINE, T_TYPE, T_USER, T_CLASS, T_PRIORITY, T_CPU,
       T_MEMORY, T_DISK, T_DIFFERENT, T_N };
static const KsGoogleColumn task_columns[T_N] = {
    {"time", NULL, NULL, 0},
    {"missing info", NULL, NULL, 1},
    {"job ID", NULL, NULL, 2},
    {"task index", NULL, NULL, 3},
    {"machine ID", NULL, NULL, 4},
    {"event type", NULL, NULL, 5},
    {"user", NULL, NULL, 6},
    {"scheduling class", NULL, NULL, 7},
    {"priority", NULL, NULL, 8},
    {"CPU request", NULL, NULL, 9},
    {"memory request", NULL, NULL, 10},
    {"disk space request", NULL, NULL, 11},
    {"different machines restriction", NULL, NULL, 12},
};

enum { M_TIME, M_MACHINE, M_TYPE, M_PLATFORM, M_CPUS, M_MEMORY, M_N };
static const KsGoogleColumn machine_columns[M_N] = {
    {"time", NULL, NULL, 0},        {"machine ID", NULL, NULL, 1}, {"event type", NULL, NULL, 2},
    {"platform ID", NULL, NULL, 3}, {"CPUs", NULL, NULL, 4},       {"Memory", NULL, NULL, 5},
};

#define N_PRIORITIES 12

typedef struct {
  KsTraceSource base;
  KsGoogleStream machines, tasks;
  KsGoogleScale scale;
  KsGoogleLive *live;
  GQueue out;
  gboolean classes_done;
  KsGoogleImportStats stats;
} Google2011;

static const KsTraceSourceVTable google_2011_vt;

const char *ks_trace_google_2011_tier(gint64 p) {
  /* Tiers as "Borg: the Next Generation" (EuroSys'20) maps the 2011 bands. */
  if (p <= 1)
    return "free";
  if (p <= 8)
    return "beb";
  if (p <= 10)
    return "production";
  return "monitoring";
}

static char *class_name(gint64 p) {
  return g_strdup_printf("google-2011-priority-%" G_GINT64_FORMAT, p);
}

static void push_classes(Google2011 *g) {
  for (gint p = 0; p < N_PRIORITIES; p++) {
    KsTraceEvent *ev = ks_google_queue_push(&g->out, KS_TRACE_OBJECT, 0, 0);
    char *name = class_name(p);
    char *desc = g_strdup_printf("Google 2011 trace priority %d (%s tier)", p,
                                 ks_trace_google_2011_tier(p));
    ev->object = ks_google_priority_class(g->base.path, name, p, desc);
    g_free(name);
    g_free(desc);
  }
}

static gboolean range_error(KsGoogleTable *t, guint k, const char *what, char **bad) {
  char *where = ks_google_table_where(t, k);
  *bad = g_strdup_printf("%s\"%s\" is not %s", where, ks_google_table_text(t, k), what);
  g_free(where);
  return FALSE;
}

/* ---- machine_events ------------------------------------------------------- */

static gboolean machine_row(Google2011 *g, char **bad) {
  KsGoogleTable *t = g->machines.table;
  gint64 id = 0, type = 0;
  double cpus = 0, mem = 0;
  if (!ks_google_table_int(t, M_MACHINE, TRUE, &id, NULL, bad) ||
      !ks_google_table_int(t, M_TYPE, TRUE, &type, NULL, bad) ||
      !ks_google_table_double(t, M_CPUS, FALSE, &cpus, NULL, bad) ||
      !ks_google_table_double(t, M_MEMORY, FALSE, &mem, NULL, bad))
    return FALSE;
  if (type < 0 || type > 2)
    return range_error(t, M_TYPE, "a machine event type (0 ADD, 1 REMOVE, 2 UPDATE)", bad);
  if (cpus < 0 || mem < 0)
    return range_error(t, cpus < 0 ? M_CPUS : M_MEMORY, "a normalised capacity (>= 0)", bad);
  static const KsTraceEventType types[] = {KS_TRACE_NODE_ADD, KS_TRACE_NODE_REMOVE,
                                           KS_TRACE_NODE_UPDATE};
  ks_google_push_machine(&g->out, types[type], id, cpus, mem, &g->scale,
                         ks_google_table_text(t, M_PLATFORM), g->machines.time_us,
                         ks_google_table_line(t));
  return TRUE;
}

/* ---- task_events ---------------------------------------------------------- */

typedef struct {
  gint64 job, task, type, sched_class, priority;
  gboolean has_class, has_cpu, has_mem;
  double cpu, mem;
  gboolean different;
} TaskRow;

static gboolean parse_task_row(KsGoogleTable *t, TaskRow *r, char **bad) {
  if (!ks_google_table_int(t, T_JOB, TRUE, &r->job, NULL, bad) ||
      !ks_google_table_int(t, T_TASK, TRUE, &r->task, NULL, bad) ||
      !ks_google_table_int(t, T_TYPE, TRUE, &r->type, NULL, bad) ||
      !ks_google_table_int(t, T_CLASS, FALSE, &r->sched_class, &r->has_class, bad) ||
      !ks_google_table_int(t, T_PRIORITY, TRUE, &r->priority, NULL, bad) ||
      !ks_google_table_double(t, T_CPU, FALSE, &r->cpu, &r->has_cpu, bad) ||
      !ks_google_table_double(t, T_MEMORY, FALSE, &r->mem, &r->has_mem, bad))
    return FALSE;
  if (r->type < 0 || r->type > KS_GOOGLE_2011_UPDATE_RUNNING)
    return range_error(t, T_TYPE, "a task event type (0 SUBMIT .. 8 UPDATE_RUNNING)", bad);
  if (r->priority < 0 || r->priority >= N_PRIORITIES)
    return range_error(t, T_PRIORITY, "a priority (0..11)", bad);
  if (r->has_class && (r->sched_class < 0 || r->sched_class > 3))
    return range_error(t, T_CLASS, "a scheduling class (0..3)", bad);
  if (r->has_cpu && r->cpu < 0)
    return range_error(t, T_CPU, "a normalised request (>= 0)", bad);
  if (r->has_mem && r->mem < 0)
    return range_error(t, T_MEMORY, "a normalised request (>= 0)", bad);
  const char *d = ks_google_table_text(t, T_DIFFERENT);
  if (d[0] && strcmp(d, "0") != 0 && strcmp(d, "1") != 0)
    return range_error(t, T_DIFFERENT, "a boolean (0 or 1)", bad);
  r->different = strcmp(d, "1") == 0;
  return TRUE;
}

static KsPod *task_pod(Google2011 *g, const TaskRow *r, const KsGoogleTask *task) {
  char *name = ks_google_task_pod_name(task);
  char *job = g_strdup_printf("%" G_GINT64_FORMAT, r->job);
  char *index = g_strdup_printf("%" G_GINT64_FORMAT, r->task);
  char *cls = g_strdup_printf("%" G_GINT64_FORMAT, r->sched_class);
  char *pc = class_name(r->priority);
  const char *labels[] = {KS_GOOGLE_LABEL_JOB, job, KS_GOOGLE_LABEL_TASK_INDEX, index,
                          KS_GOOGLE_LABEL_TIER, ks_trace_google_2011_tier(r->priority),
                          r->has_class ? KS_GOOGLE_LABEL_SCHED_CLASS : NULL, cls, NULL};
  KsPod *pod = ks_google_pod_new(
      name, task->submit_us, r->has_cpu ? ks_google_scale_value(r->cpu, g->scale.machine_milli_cpu) : -1,
      r->has_mem ? ks_google_scale_value(r->mem, g->scale.machine_memory) : -1, pc, labels);
  if (r->different)
    ks_google_pod_add_spread(pod, KS_GOOGLE_LABEL_JOB, job);
  g_free(name);
  g_free(job);
  g_free(index);
  g_free(cls);
  g_free(pc);
  return pod;
}

/* How an incarnation ending with an event of this type leaves the replay. */
static KsGoogleEnd end_of(gint64 type) {
  return type == KS_GOOGLE_2011_FINISH ? KS_GOOGLE_END_SUCCEEDED
         : type == KS_GOOGLE_2011_FAIL ? KS_GOOGLE_END_FAILED
                                      : KS_GOOGLE_END_DELETE;
}

static gboolean task_row(Google2011 *g, char **bad) {
  KsGoogleTable *t = g->tasks.table;
  TaskRow r = {0};
  if (!parse_task_row(t, &r, bad))
    return FALSE;
  gint64 now = g->tasks.time_us;
  guint64 line = ks_google_table_line(t);
  KsGoogleTask *task = ks_google_live_lookup(g->live, r.job, r.task);
  if (r.type == KS_GOOGLE_2011_UPDATE_PENDING || r.type == KS_GOOGLE_2011_UPDATE_RUNNING) {
    g->stats.updates++;
    return TRUE;
  }
  if (r.type == KS_GOOGLE_2011_SUBMIT) {
    task = ks_google_task_submit(g->live, &g->out, task, r.job, r.task, now, line,
                                 &g->stats.live_peak);
    KsTraceEvent *ev = ks_google_queue_push(&g->out, KS_TRACE_POD_CREATE, now, line);
    ev->pod = task_pod(g, &r, task);
    return TRUE;
  }
  ks_google_task_event(g->live, &g->out, task, r.type == KS_GOOGLE_2011_SCHEDULE, end_of(r.type),
                       now, line, &g->stats);
  return TRUE;
}

/* ---- the source ----------------------------------------------------------- */

static gboolean google_2011_next(KsTraceSource *src, KsTraceEvent *ev, GError **error) {
  Google2011 *g = (Google2011 *)src;
  for (;;) {
    if (ks_google_queue_pop(&g->out, ev))
      return TRUE;
    if (!g->classes_done) {
      g->classes_done = TRUE;
      push_classes(g);
      continue;
    }
    KsGoogleStream *s = ks_google_stream_take(&g->machines, &g->tasks, src, error);
    if (!s)
      return FALSE;
    char *bad = NULL;
    gboolean ok = s == &g->machines ? machine_row(g, &bad) : task_row(g, &bad);
    if (!ok && !ks_google_bad_row(src, bad, error))
      return FALSE;
  }
}

static void google_2011_free(KsTraceSource *src) {
  Google2011 *g = (Google2011 *)src;
  ks_google_stream_clear(&g->machines);
  ks_google_stream_clear(&g->tasks);
  ks_google_live_free(g->live);
  ks_google_queue_clear(&g->out);
  g_free(g);
}

static const KsTraceSourceVTable google_2011_vt = {google_2011_next, google_2011_free};

void ks_trace_google_2011_stats(const KsTraceSource *src, KsGoogleImportStats *out) {
  memset(out, 0, sizeof *out);
  if (!src || src->vt != &google_2011_vt)
    return;
  const Google2011 *g = (const Google2011 *)src;
  *out = g->stats;
  out->after_end = g->machines.after_end + g->tasks.after_end;
}

static KsTraceSource *google_2011_open(const char *path, const KsTraceOpenOptions *opts,
                                       GError **error) {
  static const char *const known[] = {"machine-cpu", "machine-memory", "max-pods", NULL};
  if (!ks_trace_params_check(opts, "google-2011", known, error))
    return NULL;
  KsGoogleScale scale = {0, 0, KS_GOOGLE_2011_MAX_PODS};
  ks_quantity_parse(KS_GOOGLE_2011_MACHINE_CPU, NULL, &scale.machine_milli_cpu, NULL);
  ks_quantity_parse(KS_GOOGLE_2011_MACHINE_MEMORY, &scale.machine_memory, NULL, NULL);
  if (!ks_google_scale_parse(&scale, opts, "google-2011", error))
    return NULL;
  KsGoogleTable *machines = NULL, *tasks = NULL;
  if (g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
    /* A single file is a task_events table on its own. */
    GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(parts, g_strdup(path));
    if (!(tasks = ks_google_table_open(parts, task_columns, T_N, FALSE, error)))
      return NULL;
  } else if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_IO, "%s: no such file or directory", path);
    return NULL;
  } else if (!ks_google_table_open_dir(path, "machine_events", machine_columns, M_N, FALSE,
                                       &machines, error) ||
             !ks_google_table_open_dir(path, "task_events", task_columns, T_N, FALSE, &tasks,
                                       error)) {
    ks_google_table_free(machines);
    return NULL;
  } else if (!machines && !tasks) {
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_IO,
                "%s: no machine_events or task_events files (expected "
                "machine_events/part-*.csv.gz and task_events/part-*.csv.gz)",
                path);
    return NULL;
  }
  Google2011 *g = g_new0(Google2011, 1);
  ks_trace_source_init(&g->base, &google_2011_vt, opts, path);
  ks_google_stream_init(&g->machines, machines, M_TIME);
  ks_google_stream_init(&g->tasks, tasks, T_TIME);
  g->scale = scale;
  g->live = ks_google_live_new();
  g_queue_init(&g->out);
  return &g->base;
}

const KsTraceFormat ks_trace_format_google_2011 = {
    "google-2011",
    "Google cluster-data 2011 (clusterdata-2011-2): machine_events + task_events folder",
    google_2011_open,
    ks_trace_google_2011_synth,
};
