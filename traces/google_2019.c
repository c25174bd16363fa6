/* Importer of Google cluster-data 2019 (Borg v3), as exported from BigQuery.
 *
 * Design: as google_2011.c (two time-sorted tables merged, one row read
 * ahead per table, a queue for the events a row becomes, a table of live
 * instances for ran_us), with three differences the export brings:
 *
 *   - each table's parts may be CSV or JSON lines. CSV cannot hold the
 *     nested resource_request / capacity records, so a CSV export flattens
 *     them into two columns in place (documented order, or found by name
 *     when the file has a header); JSON keeps them nested, and BigQuery
 *     writes its INT64 values as strings, which KsGoogleTable accepts;
 *   - priorities are open-ended (0..450 in practice), so the PriorityClass
 *     of a priority is emitted the first time a pod needs it, just before
 *     that pod, and remembered (bounded by KS_GOOGLE_MAX_PRIORITIES);
 *   - alloc sets reserve resources that their jobs' instances then use: by
 *     default the alloc instances become pods and the instances running
 *     inside an alloc are left out (counted), so nothing is counted twice;
 *     alloc-sets=ignore does the opposite.
 */
#include "traces/google_2019.h"

#include <string.h>

#include "sched/quantity.h"

enum { I_TIME, I_TYPE, I_COLLECTION, I_CLASS, I_MISSING, I_CTYPE, I_PRIORITY, I_ALLOC, I_INDEX,
       I_MACHINE, I_ALLOC_INDEX, I_CPUS, I_MEMORY, I_N };
static const KsGoogleColumn instance_columns[I_N] = {
    {"time", "time", NULL, 0},
    {"type", "type", NULL, 1},
    {"collection_id", "collection_id", NULL, 2},
    {"scheduling_class", "scheduling_class", NULL, 3},
    {"missing_type", "missing_type", NULL, 4},
    {"collection_type", "collection_type", NULL, 5},
    {"priority", "priority", NULL, 6},
    {"alloc_collection_id", "alloc_collection_id", NULL, 7},
    {"instance_index", "instance_index", NULL, 8},
    {"machine_id", "machine_id", NULL, 9},
    {"alloc_instance_index", "alloc_instance_index", NULL, 10},
    {"resource_request.cpus", "resource_request.cpus", "resource_request_cpus|cpus|request_cpus", 11},
    {"resource_request.memory", "resource_request.memory",
     "resource_request_memory|memory|request_memory", 12},
};

enum { M_TIME, M_MACHINE, M_TYPE, M_SWITCH, M_CPUS, M_MEMORY, M_PLATFORM, M_MISSING, M_N };
static const KsGoogleColumn machine_columns[M_N] = {
    {"time", "time", NULL, 0},
    {"machine_id", "machine_id", NULL, 1},
    {"type", "type", NULL, 2},
    {"switch_id", "switch_id", NULL, 3},
    {"capacity.cpus", "capacity.cpus", "capacity_cpus|cpus", 4},
    {"capacity.memory", "capacity.memory", "capacity_memory|memory", 5},
    {"platform_id", "platform_id", NULL, 6},
    {"missing_data_reason", "missing_data_reason", NULL, 7},
};

static const char *const instance_type_names[] = {
    "SUBMIT", "QUEUE", "ENABLE", "SCHEDULE", "EVICT", "FAIL", "FINISH", "KILL", "LOST",
    "UPDATE_PENDING", "UPDATE_RUNNING", NULL};
static const char *const machine_type_names[] = {"UNKNOWN", "ADD", "REMOVE", "UPDATE", NULL};

typedef struct {
  KsTraceSource base;
  KsGoogleStream machines, instances;
  KsGoogleScale scale;
  gboolean alloc_reserve; /* alloc-sets=reserve (default) */
  KsGoogleLive *live;
  GHashTable *classes; /* priorities whose PriorityClass was emitted (gint64 keys) */
  GQueue out;
  KsGoogleImportStats stats;
} Google2019;

const char *ks_trace_google_2019_tier(gint64 p) {
  /* "Borg: the Next Generation" (EuroSys'20), section 2: free <= 99,
   * best-effort batch 110..115, mid 116..119, production 120..359,
   * monitoring >= 360. 100..109 is named by no tier; it is counted with beb. */
  if (p <= 99)
    return "free";
  if (p <= 115)
    return "beb";
  if (p <= 119)
    return "mid";
  if (p <= 359)
    return "production";
  return "monitoring";
}

static gboolean range_error(KsGoogleTable *t, guint k, const char *what, char **bad) {
  char *where = ks_google_table_where(t, k);
  const char *text = ks_google_table_text(t, k);
  *bad = g_strdup_printf("%s\"%.64s\" is not %s", where, text, what);
  g_free(where);
  return FALSE;
}

/* An enum column: its number, or its name as some exports write it. */
static gboolean enum_column(KsGoogleTable *t, guint k, const char *const *names, gint64 lo,
                            const char *what, gint64 *out, char **bad) {
  const char *s = ks_google_table_text(t, k);
  for (gint64 i = 0; s[0] && g_ascii_isalpha(s[0]) && names[i]; i++) {
    if (g_ascii_strcasecmp(s, names[i]) == 0 && i >= lo) {
      *out = i;
      return TRUE;
    }
  }
  if (s[0] && g_ascii_isalpha(s[0]))
    return range_error(t, k, what, bad);
  if (!ks_google_table_int(t, k, TRUE, out, NULL, bad))
    return FALSE;
  gint64 n = 0;
  while (names[n])
    n++;
  if (*out < lo || *out >= n)
    return range_error(t, k, what, bad);
  return TRUE;
}

/* ---- machine_events ------------------------------------------------------- */

static gboolean machine_row(Google2019 *g, char **bad) {
  KsGoogleTable *t = g->machines.table;
  gint64 id = 0, type = 0;
  double cpus = 0, mem = 0;
  if (!ks_google_table_int(t, M_MACHINE, TRUE, &id, NULL, bad) ||
      !enum_column(t, M_TYPE, machine_type_names, 1,
                   "a machine event type (1 ADD, 2 REMOVE, 3 UPDATE)", &type, bad) ||
      !ks_google_table_double(t, M_CPUS, FALSE, &cpus, NULL, bad) ||
      !ks_google_table_double(t, M_MEMORY, FALSE, &mem, NULL, bad))
    return FALSE;
  if (cpus < 0 || mem < 0)
    return range_error(t, cpus < 0 ? M_CPUS : M_MEMORY, "a normalised capacity (>= 0)", bad);
  static const KsTraceEventType types[] = {0, KS_TRACE_NODE_ADD, KS_TRACE_NODE_REMOVE,
                                           KS_TRACE_NODE_UPDATE};
  KsTraceEvent *ev = ks_google_push_machine(&g->out, types[type], id, cpus, mem, &g->scale,
                                            ks_google_table_text(t, M_PLATFORM),
                                            g->machines.time_us, ks_google_table_line(t));
  const char *sw = ks_google_table_text(t, M_SWITCH);
  if (ev->node && sw[0])
    ks_labels_set(&ev->node->annotations, "ksim.io/switch", sw);
  return TRUE;
}

/* ---- instance_events ------------------------------------------------------ */

typedef struct {
  gint64 type, collection, sched_class, ctype, priority, alloc, index;
  gboolean has_class, has_cpu, has_mem;
  double cpu, mem;
} InstanceRow;

static gboolean parse_instance_row(KsGoogleTable *t, InstanceRow *r, char **bad) {
  gboolean has_ctype = FALSE, has_alloc = FALSE;
  if (!enum_column(t, I_TYPE, instance_type_names, 0,
                   "an instance event type (0 SUBMIT .. 10 UPDATE_RUNNING)", &r->type, bad) ||
      !ks_google_table_int(t, I_COLLECTION, TRUE, &r->collection, NULL, bad) ||
      !ks_google_table_int(t, I_CLASS, FALSE, &r->sched_class, &r->has_class, bad) ||
      !ks_google_table_int(t, I_CTYPE, FALSE, &r->ctype, &has_ctype, bad) ||
      !ks_google_table_int(t, I_PRIORITY, TRUE, &r->priority, NULL, bad) ||
      !ks_google_table_int(t, I_ALLOC, FALSE, &r->alloc, &has_alloc, bad) ||
      !ks_google_table_int(t, I_INDEX, TRUE, &r->index, NULL, bad) ||
      !ks_google_table_double(t, I_CPUS, FALSE, &r->cpu, &r->has_cpu, bad) ||
      !ks_google_table_double(t, I_MEMORY, FALSE, &r->mem, &r->has_mem, bad))
    return FALSE;
  if (!has_ctype)
    r->ctype = 0;
  if (!has_alloc)
    r->alloc = 0;
  if (r->has_class && (r->sched_class < 0 || r->sched_class > 3))
    return range_error(t, I_CLASS, "a scheduling class (0..3)", bad);
  if (r->ctype < 0 || r->ctype > 1)
    return range_error(t, I_CTYPE, "a collection type (0 JOB, 1 ALLOC_SET)", bad);
  if (r->priority < 0 || r->priority > 1000000000)
    return range_error(t, I_PRIORITY, "a priority (0..1000000000)", bad);
  if (r->has_cpu && r->cpu < 0)
    return range_error(t, I_CPUS, "a normalised request (>= 0)", bad);
  if (r->has_mem && r->mem < 0)
    return range_error(t, I_MEMORY, "a normalised request (>= 0)", bad);
  return TRUE;
}

static char *class_name(gint64 p) {
  return g_strdup_printf("google-2019-priority-%" G_GINT64_FORMAT, p);
}

/* Emits the PriorityClass of p the first time it is used. */
static gboolean ensure_class(Google2019 *g, gint64 p, gint64 now, char **bad) {
  if (g_hash_table_contains(g->classes, &p))
    return TRUE;
  if (g_hash_table_size(g->classes) >= KS_GOOGLE_MAX_PRIORITIES) {
    char *where = ks_google_table_where(g->instances.table, I_PRIORITY);
    *bad = g_strdup_printf("%smore than %d distinct priorities", where, KS_GOOGLE_MAX_PRIORITIES);
    g_free(where);
    return FALSE;
  }
  gint64 *key = g_new(gint64, 1);
  *key = p;
  g_hash_table_add(g->classes, key);
  KsTraceEvent *ev = ks_google_queue_push(&g->out, KS_TRACE_OBJECT, now,
                                          ks_google_table_line(g->instances.table));
  char *name = class_name(p);
  char *desc = g_strdup_printf("Google 2019 trace priority %" G_GINT64_FORMAT " (%s tier)", p,
                               ks_trace_google_2019_tier(p));
  ev->object = ks_google_priority_class(g->base.path, name, (gint32)p, desc);
  g_free(name);
  g_free(desc);
  return TRUE;
}

static KsPod *instance_pod(Google2019 *g, const InstanceRow *r, const KsGoogleTask *task) {
  char *name = ks_google_task_pod_name(task);
  char *job = g_strdup_printf("%" G_GINT64_FORMAT, r->collection);
  char *index = g_strdup_printf("%" G_GINT64_FORMAT, r->index);
  char *cls = g_strdup_printf("%" G_GINT64_FORMAT, r->sched_class);
  char *pc = class_name(r->priority);
  const char *labels[] = {KS_GOOGLE_LABEL_JOB, job, KS_GOOGLE_LABEL_TASK_INDEX, index,
                          KS_GOOGLE_LABEL_TIER, ks_trace_google_2019_tier(r->priority),
                          r->ctype == 1 ? "ksim.io/alloc-set" : KS_GOOGLE_LABEL_TIER,
                          r->ctype == 1 ? "true" : ks_trace_google_2019_tier(r->priority),
                          r->has_class ? KS_GOOGLE_LABEL_SCHED_CLASS : NULL, cls, NULL};
  KsPod *pod = ks_google_pod_new(
      name, task->submit_us,
      r->has_cpu ? ks_google_scale_value(r->cpu, g->scale.machine_milli_cpu) : -1,
      r->has_mem ? ks_google_scale_value(r->mem, g->scale.machine_memory) : -1, pc, labels);
  g_free(name);
  g_free(job);
  g_free(index);
  g_free(cls);
  g_free(pc);
  return pod;
}

/* How an incarnation ending with an event of this type leaves the replay. */
static KsGoogleEnd end_of(gint64 type) {
  return type == KS_GOOGLE_2019_FINISH ? KS_GOOGLE_END_SUCCEEDED
         : type == KS_GOOGLE_2019_FAIL ? KS_GOOGLE_END_FAILED
                                      : KS_GOOGLE_END_DELETE;
}

/* Is the row's instance left out by the alloc-sets parameter? */
static gboolean alloc_dropped(const Google2019 *g, const InstanceRow *r) {
  return g->alloc_reserve ? (r->ctype == 0 && r->alloc != 0) : r->ctype == 1;
}

static gboolean instance_row(Google2019 *g, char **bad) {
  KsGoogleTable *t = g->instances.table;
  InstanceRow r = {0};
  if (!parse_instance_row(t, &r, bad))
    return FALSE;
  gint64 now = g->instances.time_us;
  guint64 line = ks_google_table_line(t);
  if (alloc_dropped(g, &r)) {
    g->stats.alloc_dropped++;
    return TRUE;
  }
  switch (r.type) {
  case KS_GOOGLE_2019_QUEUE:
  case KS_GOOGLE_2019_ENABLE:
    return TRUE;
  case KS_GOOGLE_2019_UPDATE_PENDING:
  case KS_GOOGLE_2019_UPDATE_RUNNING:
    g->stats.updates++;
    return TRUE;
  default:
    break;
  }
  KsGoogleTask *task = ks_google_live_lookup(g->live, r.collection, r.index);
  if (r.type == KS_GOOGLE_2019_SUBMIT) {
    if (!ensure_class(g, r.priority, now, bad))
      return FALSE;
    task = ks_google_task_submit(g->live, &g->out, task, r.collection, r.index, now, line,
                                 &g->stats.live_peak);
    KsTraceEvent *ev = ks_google_queue_push(&g->out, KS_TRACE_POD_CREATE, now, line);
    ev->pod = instance_pod(g, &r, task);
    return TRUE;
  }
  ks_google_task_event(g->live, &g->out, task, r.type == KS_GOOGLE_2019_SCHEDULE, end_of(r.type),
                       now, line, &g->stats);
  return TRUE;
}

/* ---- the source ----------------------------------------------------------- */

static gboolean google_2019_next(KsTraceSource *src, KsTraceEvent *ev, GError **error) {
  Google2019 *g = (Google2019 *)src;
  for (;;) {
    if (ks_google_queue_pop(&g->out, ev))
      return TRUE;
    KsGoogleStream *s = ks_google_stream_take(&g->machines, &g->instances, src, error);
    if (!s)
      return FALSE;
    char *bad = NULL;
    gboolean ok = s == &g->machines ? machine_row(g, &bad) : instance_row(g, &bad);
    if (!ok) {
      ks_google_queue_clear(&g->out); /* nothing half-done from a bad row */
      if (!ks_google_bad_row(src, bad, error))
        return FALSE;
    }
  }
}

static void google_2019_free(KsTraceSource *src) {
  Google2019 *g = (Google2019 *)src;
  ks_google_stream_clear(&g->machines);
  ks_google_stream_clear(&g->instances);
  ks_google_live_free(g->live);
  g_hash_table_destroy(g->classes);
  ks_google_queue_clear(&g->out);
  g_free(g);
}

static const KsTraceSourceVTable google_2019_vt = {google_2019_next, google_2019_free};

void ks_trace_google_2019_stats(const KsTraceSource *src, KsGoogleImportStats *out) {
  memset(out, 0, sizeof *out);
  if (!src || src->vt != &google_2019_vt)
    return;
  const Google2019 *g = (const Google2019 *)src;
  *out = g->stats;
  out->after_end = g->machines.after_end + g->instances.after_end;
}

static gboolean parse_options(const KsTraceOpenOptions *opts, KsGoogleScale *scale,
                              gboolean *reserve, GError **error) {
  static const char *const known[] = {"machine-cpu", "machine-memory", "max-pods", "alloc-sets",
                                      NULL};
  if (!ks_trace_params_check(opts, "google-2019", known, error))
    return FALSE;
  *scale = (KsGoogleScale){0, 0, KS_GOOGLE_2019_MAX_PODS};
  ks_quantity_parse(KS_GOOGLE_2019_MACHINE_CPU, NULL, &scale->machine_milli_cpu, NULL);
  ks_quantity_parse(KS_GOOGLE_2019_MACHINE_MEMORY, &scale->machine_memory, NULL, NULL);
  if (!ks_google_scale_parse(scale, opts, "google-2019", error))
    return FALSE;
  const char *a = ks_trace_param(opts, "alloc-sets");
  *reserve = !a || strcmp(a, "reserve") == 0;
  if (a && !*reserve && strcmp(a, "ignore") != 0) {
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_OPTION,
                "trace format google-2019: parameter alloc-sets: \"%s\" is not reserve or ignore", a);
    return FALSE;
  }
  return TRUE;
}

static KsTraceSource *google_2019_open(const char *path, const KsTraceOpenOptions *opts,
                                       GError **error) {
  KsGoogleScale scale;
  gboolean reserve = TRUE;
  if (!parse_options(opts, &scale, &reserve, error))
    return NULL;
  KsGoogleTable *machines = NULL, *instances = NULL;
  if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_IO, "%s: not a directory (expected one with "
                "machine_events* and instance_events* files)", path);
    return NULL;
  }
  if (!ks_google_table_open_dir(path, "machine_events", machine_columns, M_N, TRUE, &machines,
                                error) ||
      !ks_google_table_open_dir(path, "instance_events", instance_columns, I_N, TRUE, &instances,
                                error)) {
    ks_google_table_free(machines);
    return NULL;
  }
  if (!machines && !instances) {
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_IO,
                "%s: no machine_events or instance_events files (expected "
                "machine_events*.json.gz or .csv.gz and instance_events*.json.gz or .csv.gz)",
                path);
    return NULL;
  }
  Google2019 *g = g_new0(Google2019, 1);
  ks_trace_source_init(&g->base, &google_2019_vt, opts, path);
  ks_google_stream_init(&g->machines, machines, M_TIME);
  ks_google_stream_init(&g->instances, instances, I_TIME);
  g->scale = scale;
  g->alloc_reserve = reserve;
  g->live = ks_google_live_new();
  g->classes = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
  g_queue_init(&g->out);
  return &g->base;
}

const KsTraceFormat ks_trace_format_google_2019 = {
    "google-2019",
    "Google cluster-data 2019 (Borg v3): machine_events + instance_events, CSV or JSON lines",
    google_2019_open,
    ks_trace_google_2019_synth,
};
