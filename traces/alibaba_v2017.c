/* Importer of Alibaba cluster-trace-v2017 (docs/traces/alibaba-v2017.md).
 *
 * Path: a directory holding batch_task.csv (required) and server_event.csv
 * (optional), or the batch_task file itself; either may be gzipped. The
 * official tables have no header; copies with a header line (as the one in
 * ../shared) are recognised by a first field that is not a number.
 *
 * Machines: server_event's add / softerror / harderror become node-add and
 * node-update (cordoned: upstream says no new work goes to a machine in
 * error while what runs there goes on; harderror=remove makes a hard error
 * a node-remove instead). Without server_event, `nodes` machines of
 * `node-cpu` cores are added at time 0.
 *
 * Tasks: one pod per instance by default (pods=instance), each asking
 * plan_cpu (100 = 1 core) and plan_mem (normalised to 0..1 of a machine:
 * times machine-memory); a task is one heap entry that expands into its
 * pods as they are emitted (alibaba_table.h), so a 64,000-instance task
 * costs one template. pods=task makes one pod per task instead.
 *
 * Order: the published batch_task is not sorted by create time (rows are
 * up to 61,030 s early); the default sort-window (100,000 tasks) is larger
 * than the whole table (80,553 rows), so it is sorted in memory: chosen
 * because the table is small (4.6 MB). Larger inputs need sort -t, -k1,1n.
 */
#include "traces/alibaba_v2017.h"

#include <math.h>
#include <string.h>

#include "traces/alibaba_table.h"
#include "traces/trace_node.h"
#include "workloads/annotations.h"

#define FORMAT "alibaba-v2017"

enum { T_MACHINES, T_TASKS, T_COUNT };

static const char *const task_columns[] = {"create_timestamp", "modify_timestamp", "job_id",
                                           "task_id",          "instance_num",     "status",
                                           "plan_cpu",         "plan_mem",         NULL};
static const char *const event_columns[] = {"timestamp", "machine_id", "event_type",
                                            "event_detail", "cpus", "memory", "disk", NULL};

typedef struct {
  gint64 milli_cpu, memory;
  gboolean cordoned, removed;
} Machine;

typedef struct {
  KsTraceSource base;
  KsAliTable *tables[T_COUNT];
  GHashTable *machines; /* machine id -> Machine* */
  gint64 machine_memory, max_pods, node_cpu;
  guint64 window, max_instances, default_nodes;
  gboolean one_pod_per_task, harderror_removes, header_checked;
} V2017Source;

/* Trace time (s; 0 and negative = before the trace) in microseconds. */
static gint64 trace_time_us(gint64 s) {
  return s > 0 ? s * G_USEC_PER_SEC : 0;
}

/* ---- server_event ------------------------------------------------------------ */

static KsNode *machine_node(const V2017Source *s, const char *name, const Machine *m,
                            const char *detail) {
  KsNode *n = ks_trace_node_new(name, m->milli_cpu, m->memory, s->max_pods);
  n->unschedulable = m->cordoned;
  if (detail && detail[0])
    ks_labels_set(&n->annotations, KS_ALIBABA_ANNOTATION_MACHINE_STATUS, detail);
  return n;
}

/* Capacity columns: a row may leave them empty (error events); then the
 * machine's known values stay. */
static gboolean event_capacity(V2017Source *s, KsCsvReader *csv, Machine *m, char **bad) {
  gint64 cpus;
  double mem;
  if (ks_csv_field(csv, 4)[0]) {
    if (!ks_ali_int(csv, 4, 0, 1 << 20, &cpus, bad))
      return FALSE;
    m->milli_cpu = cpus * 1000;
  }
  if (ks_csv_field(csv, 5)[0]) {
    if (!ks_ali_double(csv, 5, 0, 1, &mem, bad))
      return FALSE;
    m->memory = ks_ali_scale(mem * 100, s->machine_memory);
  }
  return TRUE;
}

static gboolean event_row(KsAliTable *t, KsCsvReader *csv, gpointer data, char **bad) {
  V2017Source *s = data;
  gint64 time;
  const char *id = ks_csv_field(csv, 1), *type = ks_csv_field(csv, 2);
  if (!ks_ali_int(csv, 0, G_MININT64 / 2, G_MAXINT64 / G_USEC_PER_SEC, &time, bad))
    return FALSE;
  if (!id[0]) {
    *bad = ks_ali_bad(csv, 1, "empty machine id");
    return FALSE;
  }
  gboolean add = strcmp(type, "add") == 0, hard = strcmp(type, "harderror") == 0;
  if (!add && !hard && strcmp(type, "softerror") != 0) {
    *bad = ks_ali_bad(csv, 2, "\"%s\" is not add, softerror or harderror", type);
    return FALSE;
  }
  Machine *m = g_hash_table_lookup(s->machines, id), next = {0};
  if (m)
    next = *m;
  if (!event_capacity(s, csv, &next, bad))
    return FALSE;
  if (!m && !add) {
    *bad = ks_ali_bad(csv, 2, "%s for machine %s before its add event", type, id);
    return FALSE;
  }
  next.cordoned = !add;
  KsTraceEventType et = !m || m->removed ? KS_TRACE_NODE_ADD : KS_TRACE_NODE_UPDATE;
  if (hard && s->harderror_removes)
    et = KS_TRACE_NODE_REMOVE;
  next.removed = et == KS_TRACE_NODE_REMOVE;
  KsTraceEvent *ev = ks_ali_table_push(t, et, trace_time_us(time), 0, bad);
  if (!ev)
    return FALSE;
  if (et == KS_TRACE_NODE_REMOVE)
    ev->name = g_strdup(id);
  else
    ev->node = machine_node(s, id, &next, ks_csv_field(csv, 3));
  if (!m) {
    m = g_new0(Machine, 1);
    g_hash_table_insert(s->machines, g_strdup(id), m);
  }
  *m = next;
  return TRUE;
}

/* ---- batch_task ------------------------------------------------------------------ */

static gboolean task_row(KsAliTable *t, KsCsvReader *csv, gpointer data, char **bad) {
  V2017Source *s = data;
  if (!s->header_checked) {
    s->header_checked = TRUE;
    gint64 dummy;
    gboolean numbers = FALSE;
    for (guint i = 0; i < 5; i++)
      numbers = numbers || ks_csv_int64(csv, i, &dummy, NULL);
    if (!numbers)
      return TRUE; /* a header line added to the table: no number in its first five fields */
  }
  gint64 create, modify, n;
  double cpu, mem;
  const char *status = ks_csv_field(csv, 5);
  if (!ks_ali_int(csv, 0, G_MININT64 / 2, G_MAXINT64 / G_USEC_PER_SEC, &create, bad) ||
      !ks_ali_int(csv, 1, G_MININT64 / 2, G_MAXINT64 / G_USEC_PER_SEC, &modify, bad) ||
      !ks_ali_int(csv, 2, 0, G_MAXINT64, &n, bad) || !ks_ali_int(csv, 3, 0, G_MAXINT64, &n, bad) ||
      !ks_ali_int(csv, 4, 0, (gint64)s->max_instances, &n, bad))
    return FALSE;
  /* A task that never got a request (Waiting, with empty plan_cpu and
   * plan_mem) never ran: no pods. */
  if (!ks_csv_field(csv, 6)[0] && !ks_csv_field(csv, 7)[0])
    return TRUE;
  if (!ks_ali_double(csv, 6, 0, 1e7, &cpu, bad) || !ks_ali_double(csv, 7, 0, 1, &mem, bad))
    return FALSE;
  gboolean ended = strcmp(status, "Terminated") == 0 || strcmp(status, "Failed") == 0;
  if (ended && modify < create) {
    *bad = ks_ali_bad(csv, 1, "%" G_GINT64_FORMAT " is before create_timestamp %" G_GINT64_FORMAT,
                      modify, create);
    return FALSE;
  }
  gint64 start_us = trace_time_us(create);
  gint64 run_us = ended ? MAX(0, trace_time_us(modify) - start_us) : -1;
  *bad = NULL;
  KsPod *pod = ks_ali_task_pods(t, ks_csv_field(csv, 2), ks_csv_field(csv, 3),
                                s->one_pod_per_task ? MIN(n, 1) : n, start_us, run_us,
                                (gint64)llround(cpu * 10), ks_ali_scale(mem * 100, s->machine_memory),
                                0, bad);
  if (pod && status[0])
    ks_labels_set(&pod->annotations, KS_ALIBABA_ANNOTATION_TRACE_STATUS, status);
  if (pod && s->one_pod_per_task) {
    char buf[32];
    g_snprintf(buf, sizeof buf, "%" G_GINT64_FORMAT, n);
    ks_labels_set(&pod->annotations, KS_ALIBABA_ANNOTATION_INSTANCES, buf);
  }
  return *bad == NULL;
}

/* ---- the default cluster ---------------------------------------------------------- */

/* Without server_event: `nodes` machines "machine-<i>" at time 0, as a
 * one-shot table-less stream. */
static gboolean default_nodes_next(V2017Source *s, KsTraceEvent *ev) {
  guint64 i = (guint64)g_hash_table_size(s->machines);
  if (i >= s->default_nodes)
    return FALSE;
  char *name = g_strdup_printf("machine-%" G_GUINT64_FORMAT, i + 1);
  Machine *m = g_new0(Machine, 1);
  m->milli_cpu = s->node_cpu * 1000;
  m->memory = s->machine_memory;
  ev->type = KS_TRACE_NODE_ADD;
  ev->time_us = 0;
  ev->node = machine_node(s, name, m, NULL);
  g_hash_table_insert(s->machines, name, m);
  return TRUE;
}

/* ---- the source --------------------------------------------------------------------- */

static gboolean v2017_next(KsTraceSource *base, KsTraceEvent *ev, GError **error) {
  V2017Source *s = (V2017Source *)base;
  if (!s->tables[T_MACHINES] && default_nodes_next(s, ev))
    return TRUE;
  return ks_ali_merge_next(s->tables, T_COUNT, base, ev, error);
}

static void v2017_free(KsTraceSource *base) {
  V2017Source *s = (V2017Source *)base;
  for (guint i = 0; i < T_COUNT; i++)
    ks_ali_table_free(s->tables[i]);
  g_hash_table_unref(s->machines);
  g_free(s);
}

static const KsTraceSourceVTable v2017_vtable = {v2017_next, v2017_free};

static gboolean parse_params(V2017Source *s, const KsTraceOpenOptions *opts, GError **error) {
  static const char *const known[] = {"machine-memory", "max-pods", "sort-window", "pods",
                                      "harderror", "nodes", "node-cpu", "max-instances", NULL};
  guint64 max_pods = (guint64)s->max_pods, node_cpu = (guint64)s->node_cpu;
  if (!ks_trace_params_check(opts, FORMAT, known, error) ||
      !ks_ali_param_bytes(opts, FORMAT, "machine-memory", &s->machine_memory, error) ||
      !ks_ali_param_uint(opts, FORMAT, "max-pods", 1, &max_pods, error) ||
      !ks_ali_param_uint(opts, FORMAT, "sort-window", 1, &s->window, error) ||
      !ks_ali_param_uint(opts, FORMAT, "max-instances", 1, &s->max_instances, error) ||
      !ks_ali_param_uint(opts, FORMAT, "nodes", 0, &s->default_nodes, error) ||
      !ks_ali_param_uint(opts, FORMAT, "node-cpu", 1, &node_cpu, error))
    return FALSE;
  s->max_pods = (gint64)max_pods;
  s->node_cpu = (gint64)node_cpu;
  const char *pods = ks_trace_param(opts, "pods"), *hard = ks_trace_param(opts, "harderror");
  if (pods && strcmp(pods, "instance") && strcmp(pods, "task")) {
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_OPTION,
                FORMAT " parameter pods=%s: expected instance or task", pods);
    return FALSE;
  }
  if (hard && strcmp(hard, "cordon") && strcmp(hard, "remove")) {
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_OPTION,
                FORMAT " parameter harderror=%s: expected cordon or remove", hard);
    return FALSE;
  }
  s->one_pod_per_task = pods && !strcmp(pods, "task");
  s->harderror_removes = hard && !strcmp(hard, "remove");
  return TRUE;
}

KsTraceSource *ks_alibaba_v2017_open(const char *path, const KsTraceOpenOptions *opts,
                                     GError **error) {
  V2017Source *s = g_new0(V2017Source, 1);
  ks_trace_source_init(&s->base, &v2017_vtable, opts, path);
  s->machines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  s->machine_memory = KS_ALIBABA_V2017_DEFAULT_MACHINE_MEMORY;
  s->max_pods = KS_ALIBABA_DEFAULT_MAX_PODS;
  s->window = KS_ALIBABA_V2017_DEFAULT_SORT_WINDOW;
  s->max_instances = KS_ALIBABA_DEFAULT_MAX_INSTANCES;
  s->default_nodes = KS_ALIBABA_V2017_DEFAULT_NODES;
  s->node_cpu = KS_ALIBABA_V2017_DEFAULT_NODE_CPU;
  gboolean ok = parse_params(s, opts, error);
  gboolean is_dir = g_file_test(path, G_FILE_TEST_IS_DIR);
  char *dir = is_dir ? g_strdup(path) : g_path_get_dirname(path);
  char *tasks = is_dir ? ks_ali_find(dir, "batch_task.csv") : g_strdup(path);
  char *events = ks_ali_find(dir, "server_event.csv");
  if (ok && !tasks) {
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_IO,
                "%s: no batch_task.csv(.gz) in this directory", path);
    ok = FALSE;
  }
  if (ok && events)
    ok = (s->tables[T_MACHINES] = ks_ali_table_open(events, event_columns, s->window, event_row, s,
                                                    error)) != NULL;
  if (ok)
    ok = (s->tables[T_TASKS] = ks_ali_table_open(tasks, task_columns, s->window, task_row, s,
                                                 error)) != NULL;
  g_free(dir);
  g_free(tasks);
  g_free(events);
  if (!ok) {
    ks_trace_source_free(&s->base);
    return NULL;
  }
  return &s->base;
}

const KsTraceFormat ks_trace_format_alibaba_v2017 = {
    .name = "alibaba-v2017",
    .summary = "Alibaba cluster-trace-v2017: batch_task (+ server_event), a directory or the batch_task file",
    .open = ks_alibaba_v2017_open,
    .synth = ks_alibaba_v2017_synth,
};
