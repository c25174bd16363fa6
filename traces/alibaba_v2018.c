/* Importer of Alibaba cluster-trace-v2018 (docs/traces/alibaba-v2018.md).
 *
 * The trace is a directory of headerless tables: machine_meta (required),
 * container_meta, batch_task, batch_instance, machine_usage (each optional,
 * each may be gzipped). Each table is read as its own stream through a
 * bounded reorder heap (alibaba_table.h) and the streams are merged by time;
 * at equal times machines come first, then containers, batch pods, usage.
 *
 * What is kept per trace, not per row: one small record per machine (the
 * state last emitted, to turn machine_meta's repeated rows into node-update
 * events only when something changed, and the capacity machine_usage's
 * percentages refer to) and the set of container ids already created
 * (container_meta repeats a container on every status change). Both grow
 * with the cluster (4,034 machines, ~71,000 containers in the real trace),
 * not with the multi-gigabyte batch and usage tables, which stream in
 * constant memory.
 *
 * Units: CPU in the trace is "100 = 1 core", so millicores = value x 10;
 * memory is normalised to 0..100 of a machine, so bytes = value / 100 x
 * machine-memory (a parameter: the trace does not publish it).
 */
#include "traces/alibaba_v2018.h"

#include <math.h>
#include <string.h>

#include "traces/alibaba_table.h"
#include "traces/trace_node.h"
#include "workloads/annotations.h"

#define FORMAT "alibaba-v2018"

enum { T_MACHINES, T_CONTAINERS, T_BATCH, T_USAGE, T_COUNT };
typedef enum { BATCH_INSTANCES, BATCH_TASKS, BATCH_NONE } BatchMode;

static const char *const machine_columns[] = {"machine_id", "time_stamp", "failure_domain_1",
                                              "failure_domain_2", "cpu_num", "mem_size", "status",
                                              NULL};
static const char *const container_columns[] = {"container_id", "machine_id", "time_stamp",
                                                "app_du", "status", "cpu_request", "cpu_limit",
                                                "mem_size", NULL};
static const char *const task_columns[] = {"task_name", "instance_num", "job_name", "task_type",
                                           "status", "start_time", "end_time", "plan_cpu",
                                           "plan_mem", NULL};
static const char *const instance_columns[] = {
    "instance_name", "task_name", "job_name", "task_type", "status", "start_time", "end_time",
    "machine_id", "seq_no", "total_seq_no", "cpu_avg", "cpu_max", "mem_avg", "mem_max", NULL};
static const char *const usage_columns[] = {"machine_id", "time_stamp", "cpu_util_percent",
                                            "mem_util_percent", "mem_gps", "mkpi", "net_in",
                                            "net_out", "disk_io_percent", NULL};

typedef struct {
  gint64 first_us;  /* of its first row: when the node was added */
  gint64 time_us;   /* of its last row */
  gint64 milli_cpu, memory;
  char *fd1, *fd2, *status;
} Machine;

typedef struct {
  KsTraceSource base;
  KsAliTable *tables[T_COUNT];
  GHashTable *machines;   /* machine_id -> Machine* */
  GHashTable *containers; /* container ids created */
  gint64 machine_memory, max_pods;
  guint64 window, max_instances;
} V2018Source;

static void machine_free(gpointer p) {
  Machine *m = p;
  g_free(m->fd1);
  g_free(m->fd2);
  g_free(m->status);
  g_free(m);
}

/* ---- machine_meta ----------------------------------------------------------- */

static KsNode *machine_node(const V2018Source *s, const char *name, const Machine *m) {
  KsNode *n = ks_trace_node_new(name, m->milli_cpu, m->memory, s->max_pods);
  ks_labels_set(&n->labels, KS_ALIBABA_LABEL_FAILURE_DOMAIN_1, m->fd1);
  ks_labels_set(&n->labels, KS_ALIBABA_LABEL_FAILURE_DOMAIN_2, m->fd2);
  ks_labels_set(&n->annotations, KS_ALIBABA_ANNOTATION_MACHINE_STATUS, m->status);
  /* Only a machine in service takes work; IMPORT_INSTALLING (and any other
   * status) is cordoned. */
  n->unschedulable = strcmp(m->status, "USING") != 0;
  return n;
}

static gboolean machine_row(KsAliTable *t, KsCsvReader *csv, gpointer data, char **bad) {
  V2018Source *s = data;
  gint64 time, cpu;
  double mem;
  const char *name = ks_csv_field(csv, 0), *status = ks_csv_field(csv, 6);
  if (!name[0]) {
    *bad = ks_ali_bad(csv, 0, "empty machine id");
    return FALSE;
  }
  if (!ks_ali_int(csv, 1, 0, G_MAXINT64 / G_USEC_PER_SEC, &time, bad) ||
      !ks_ali_int(csv, 4, 0, 1 << 20, &cpu, bad) || !ks_ali_double(csv, 5, 0, 100, &mem, bad))
    return FALSE;
  if (!status[0]) {
    *bad = ks_ali_bad(csv, 6, "empty status");
    return FALSE;
  }
  Machine next = {time * G_USEC_PER_SEC, time * G_USEC_PER_SEC, cpu * 1000, ks_ali_scale(mem, s->machine_memory),
                  (char *)ks_csv_field(csv, 2), (char *)ks_csv_field(csv, 3), (char *)status};
  Machine *m = g_hash_table_lookup(s->machines, name);
  if (m && next.time_us < m->time_us) {
    *bad = ks_ali_bad(csv, 1, "%" G_GINT64_FORMAT " is before this machine's previous row (%" G_GINT64_FORMAT
                      "): a machine's rows must be in time order",
                      time, m->time_us / G_USEC_PER_SEC);
    return FALSE;
  }
  gboolean changed = !m || m->milli_cpu != next.milli_cpu || m->memory != next.memory ||
                     strcmp(m->fd1, next.fd1) || strcmp(m->fd2, next.fd2) ||
                     strcmp(m->status, next.status);
  if (changed) {
    KsTraceEvent *ev = ks_ali_table_push(t, m ? KS_TRACE_NODE_UPDATE : KS_TRACE_NODE_ADD,
                                         next.time_us, 1, bad);
    if (!ev)
      return FALSE;
    ev->node = machine_node(s, name, &next);
  }
  if (!m) {
    m = g_new0(Machine, 1);
    m->first_us = next.time_us;
    g_hash_table_insert(s->machines, g_strdup(name), m);
  }
  m->time_us = next.time_us;
  m->milli_cpu = next.milli_cpu;
  m->memory = next.memory;
  if (changed) {
    g_free(m->fd1);
    g_free(m->fd2);
    g_free(m->status);
    m->fd1 = g_strdup(next.fd1);
    m->fd2 = g_strdup(next.fd2);
    m->status = g_strdup(next.status);
  }
  return TRUE;
}

/* ---- pods --------------------------------------------------------------------- */

static gboolean container_row(KsAliTable *t, KsCsvReader *csv, gpointer data, char **bad) {
  V2018Source *s = data;
  const char *id = ks_csv_field(csv, 0);
  gint64 time, req, lim;
  double mem;
  if (!id[0]) {
    *bad = ks_ali_bad(csv, 0, "empty container id");
    return FALSE;
  }
  if (!ks_ali_int(csv, 2, 0, G_MAXINT64 / G_USEC_PER_SEC, &time, bad) ||
      !ks_ali_int(csv, 5, 0, G_MAXINT64 / 10, &req, bad) ||
      !ks_ali_int(csv, 6, 0, G_MAXINT64 / 10, &lim, bad) ||
      !ks_ali_double(csv, 7, 0, 100, &mem, bad))
    return FALSE;
  if (g_hash_table_contains(s->containers, id))
    return TRUE; /* a later status row of a container already created */
  KsTraceEvent *ev = ks_ali_table_push(t, KS_TRACE_POD_CREATE, time * G_USEC_PER_SEC, 2, bad);
  if (!ev)
    return FALSE;
  ev->pod = ks_ali_pod_new(id, ev->time_us, req * 10, lim * 10, ks_ali_scale(mem, s->machine_memory));
  if (ks_csv_field(csv, 3)[0])
    ks_labels_set(&ev->pod->labels, KS_ALIBABA_LABEL_APP_DU, ks_csv_field(csv, 3));
  if (ks_csv_field(csv, 1)[0])
    ks_labels_set(&ev->pod->annotations, KS_ALIBABA_ANNOTATION_TRACE_NODE, ks_csv_field(csv, 1));
  g_hash_table_add(s->containers, g_strdup(id));
  return TRUE;
}

/* start/end columns of a batch row: FALSE with *bad on bad numbers; *start
 * 0 means "never started" (no pod). *run_us -1 when the end is unknown. */
static gboolean batch_times(KsCsvReader *csv, guint start_col, gint64 *start, gint64 *run_us,
                            char **bad) {
  gint64 end = 0;
  if (!ks_ali_int(csv, start_col, 0, G_MAXINT64 / G_USEC_PER_SEC, start, bad))
    return FALSE;
  if (ks_csv_field(csv, start_col + 1)[0] &&
      !ks_ali_int(csv, start_col + 1, 0, G_MAXINT64 / G_USEC_PER_SEC, &end, bad))
    return FALSE;
  *run_us = end > 0 && end >= *start ? (end - *start) * G_USEC_PER_SEC : -1;
  return TRUE;
}

/* An optional normalised value (CPU 100 = 1 core, or memory 0..100): 0 when empty. */
static gboolean opt_double(KsCsvReader *csv, guint col, double max, double *out, char **bad) {
  *out = 0;
  return !ks_csv_field(csv, col)[0] || ks_ali_double(csv, col, 0, max, out, bad);
}

static gboolean instance_row(KsAliTable *t, KsCsvReader *csv, gpointer data, char **bad) {
  V2018Source *s = data;
  gint64 start, run_us;
  double cpu, mem;
  const char *name = ks_csv_field(csv, 0);
  if (!name[0]) {
    *bad = ks_ali_bad(csv, 0, "empty instance name");
    return FALSE;
  }
  if (!batch_times(csv, 5, &start, &run_us, bad) || !opt_double(csv, 11, 1e7, &cpu, bad) ||
      !opt_double(csv, 13, 101, &mem, bad))
    return FALSE;
  if (start == 0)
    return TRUE; /* never started: no pod */
  KsTraceEvent *ev = ks_ali_table_push(t, KS_TRACE_POD_CREATE, start * G_USEC_PER_SEC, 5, bad);
  if (!ev)
    return FALSE;
  const char *seq = ks_csv_field(csv, 8);
  char *pod_name = seq[0] ? g_strdup_printf("%s-%s", name, seq) : g_strdup(name);
  ev->pod = ks_ali_pod_new(pod_name, ev->time_us, (gint64)llround(cpu * 10), -1,
                    ks_ali_scale(MIN(mem, 100), s->machine_memory));
  g_free(pod_name);
  ks_ali_pod_label_batch(ev->pod, ks_csv_field(csv, 2), ks_csv_field(csv, 1), run_us);
  if (ks_csv_field(csv, 7)[0])
    ks_labels_set(&ev->pod->annotations, KS_ALIBABA_ANNOTATION_TRACE_NODE, ks_csv_field(csv, 7));
  return TRUE;
}

static gboolean task_row(KsAliTable *t, KsCsvReader *csv, gpointer data, char **bad) {
  V2018Source *s = data;
  gint64 start, run_us, n;
  double cpu, mem;
  const char *task = ks_csv_field(csv, 0), *job = ks_csv_field(csv, 2);
  if (!task[0]) {
    *bad = ks_ali_bad(csv, 0, "empty task name");
    return FALSE;
  }
  if (!ks_ali_int(csv, 1, 0, (gint64)s->max_instances, &n, bad) ||
      !batch_times(csv, 5, &start, &run_us, bad) || !opt_double(csv, 7, 1e7, &cpu, bad) ||
      !opt_double(csv, 8, 100, &mem, bad))
    return FALSE;
  if (start == 0)
    return TRUE;
  *bad = NULL;
  ks_ali_task_pods(t, job, task, n, start * G_USEC_PER_SEC, run_us, (gint64)llround(cpu * 10),
                   ks_ali_scale(mem, s->machine_memory), 5, bad);
  return *bad == NULL;
}

/* ---- machine_usage ---------------------------------------------------------- */

static gboolean usage_row(KsAliTable *t, KsCsvReader *csv, gpointer data, char **bad) {
  V2018Source *s = data;
  double time, cpu, mem;
  const char *name = ks_csv_field(csv, 0);
  if (!ks_ali_double(csv, 1, 0, (double)(G_MAXINT64 / G_USEC_PER_SEC), &time, bad) ||
      !ks_ali_double(csv, 2, 0, 100, &cpu, bad) || !ks_ali_double(csv, 3, 0, 100, &mem, bad))
    return FALSE;
  const Machine *m = g_hash_table_lookup(s->machines, name);
  if (!m) {
    *bad = ks_ali_bad(csv, 0, "machine \"%s\" is not in machine_meta (or machine_meta has more "
                      "than sort-window=%" G_GUINT64_FORMAT " events: raise it)", name, s->window);
    return FALSE;
  }
  gint64 time_us = llround(time * 1e6);
  if (time_us < m->first_us)
    return TRUE; /* a sample from before the machine joined: there is no node to charge */
  KsTraceEvent *ev = ks_ali_table_push(t, KS_TRACE_USAGE, time_us, 1, bad);
  if (!ev)
    return FALSE;
  ev->name = g_strdup(name);
  ks_resource_list_set(&ev->usage, KS_RESOURCE_CPU, ks_ali_scale(cpu, m->milli_cpu));
  ks_resource_list_set(&ev->usage, KS_RESOURCE_MEMORY, ks_ali_scale(mem, m->memory));
  return TRUE;
}

/* ---- the source ----------------------------------------------------------------- */

static gboolean v2018_next(KsTraceSource *base, KsTraceEvent *ev, GError **error) {
  V2018Source *s = (V2018Source *)base;
  return ks_ali_merge_next(s->tables, T_COUNT, base, ev, error);
}

static void v2018_free(KsTraceSource *base) {
  V2018Source *s = (V2018Source *)base;
  for (guint i = 0; i < T_COUNT; i++)
    ks_ali_table_free(s->tables[i]);
  g_hash_table_unref(s->machines);
  g_hash_table_unref(s->containers);
  g_free(s);
}

static const KsTraceSourceVTable v2018_vtable = {v2018_next, v2018_free};

static gboolean parse_params(V2018Source *s, const KsTraceOpenOptions *opts, BatchMode *batch,
                             gboolean *usage, GError **error) {
  static const char *const known[] = {"machine-memory", "max-pods", "sort-window", "batch",
                                      "usage", "max-instances", NULL};
  guint64 max_pods = (guint64)s->max_pods;
  if (!ks_trace_params_check(opts, FORMAT, known, error) ||
      !ks_ali_param_bytes(opts, FORMAT, "machine-memory", &s->machine_memory, error) ||
      !ks_ali_param_uint(opts, FORMAT, "max-pods", 1, &max_pods, error) ||
      !ks_ali_param_uint(opts, FORMAT, "sort-window", 1, &s->window, error) ||
      !ks_ali_param_uint(opts, FORMAT, "max-instances", 1, &s->max_instances, error))
    return FALSE;
  s->max_pods = (gint64)max_pods;
  const char *b = ks_trace_param(opts, "batch"), *u = ks_trace_param(opts, "usage");
  if (b && strcmp(b, "instances") && strcmp(b, "tasks") && strcmp(b, "none")) {
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_OPTION,
                FORMAT " parameter batch=%s: expected instances, tasks or none", b);
    return FALSE;
  }
  if (u && strcmp(u, "true") && strcmp(u, "false")) {
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_OPTION,
                FORMAT " parameter usage=%s: expected true or false", u);
    return FALSE;
  }
  *batch = !b ? BATCH_INSTANCES : !strcmp(b, "tasks") ? BATCH_TASKS : !strcmp(b, "none") ? BATCH_NONE
                                                                                         : BATCH_INSTANCES;
  *usage = !u || !strcmp(u, "true");
  return TRUE;
}

/* Opens table `name` of dir into slot i when it exists (required: error
 * when it does not). */
static gboolean open_table(V2018Source *s, guint i, const char *dir, const char *name,
                           const char *const *columns, KsAliRowFunc row, gboolean required,
                           GError **error) {
  char *path = ks_ali_find(dir, name);
  if (!path) {
    if (required)
      g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_IO,
                  "%s: no %s(.gz) in this directory (an " FORMAT " trace needs at least machine_meta)",
                  dir, name);
    return !required;
  }
  s->tables[i] = ks_ali_table_open(path, columns, s->window, row, s, error);
  g_free(path);
  return s->tables[i] != NULL;
}

KsTraceSource *ks_alibaba_v2018_open(const char *path, const KsTraceOpenOptions *opts,
                                     GError **error) {
  V2018Source *s = g_new0(V2018Source, 1);
  ks_trace_source_init(&s->base, &v2018_vtable, opts, path);
  s->machines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, machine_free);
  s->containers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  s->machine_memory = KS_ALIBABA_V2018_DEFAULT_MACHINE_MEMORY;
  s->max_pods = KS_ALIBABA_DEFAULT_MAX_PODS;
  s->window = KS_ALIBABA_DEFAULT_SORT_WINDOW;
  s->max_instances = KS_ALIBABA_DEFAULT_MAX_INSTANCES;
  BatchMode batch;
  gboolean usage, ok = parse_params(s, opts, &batch, &usage, error);
  if (ok && !g_file_test(path, G_FILE_TEST_IS_DIR)) {
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_IO,
                "%s: not a directory (an " FORMAT " trace is the directory of its CSV tables)", path);
    ok = FALSE;
  }
  ok = ok && open_table(s, T_MACHINES, path, "machine_meta.csv", machine_columns, machine_row, TRUE, error);
  ok = ok && open_table(s, T_CONTAINERS, path, "container_meta.csv", container_columns, container_row, FALSE, error);
  if (ok && batch == BATCH_INSTANCES)
    ok = open_table(s, T_BATCH, path, "batch_instance.csv", instance_columns, instance_row, FALSE, error);
  /* Without batch_instance, the tasks stand in for their instances. */
  if (ok && (batch == BATCH_TASKS || (batch == BATCH_INSTANCES && !s->tables[T_BATCH] &&
                                      !ks_trace_param(opts, "batch"))))
    ok = open_table(s, T_BATCH, path, "batch_task.csv", task_columns, task_row, FALSE, error);
  if (ok && usage)
    ok = open_table(s, T_USAGE, path, "machine_usage.csv", usage_columns, usage_row, FALSE, error);
  if (!ok) {
    ks_trace_source_free(&s->base);
    return NULL;
  }
  return &s->base;
}

const KsTraceFormat ks_trace_format_alibaba_v2018 = {
    .name = "alibaba-v2018",
    .summary = "Alibaba cluster-trace-v2018: directory of machine_meta, container_meta, batch_*, machine_usage",
    .open = ks_alibaba_v2018_open,
    .synth = ks_alibaba_v2018_synth,
};
