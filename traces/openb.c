/* Importer of Alibaba cluster-trace-gpu-v2023 ("openb"), the trace of the
 * FGD paper (Weng et al., USENIX ATC'23). docs/traces/openb.md is the
 * reference: column mapping, units, parameters, quirks.
 *
 * Design. The trace is two small CSVs: a node list (every node exists from
 * time 0) and a pod list. So the source first streams the node list as
 * node-add events at time 0, then the pods.
 *
 * Pod rows are not guaranteed sorted by creation_time (the sampled variants,
 * e.g. gpushare40, are not). Rows go through a reorder heap keyed by (time,
 * row number) that holds at most `sort-window` rows: a row is emitted only
 * when the window is full or the file ended, so any file whose rows are out
 * of place by fewer than sort-window rows comes out in creation order, ties
 * in file order. The default window (100,000) is larger than every openb pod
 * list (at most 10,094 rows): for this data set it amounts to reading the
 * whole pod list, which is what we choose because it is small; memory stays
 * bounded (one compact record per held row) for larger files, and a row
 * that arrives after a later time was already emitted is a bad row (error,
 * or skipped and counted).
 *
 * The same heap carries pod-delete events of pods that the trace deleted
 * before they were ever scheduled (no scheduled_time): such a pod leaves at
 * deletion_time whether or not the simulation placed it.
 *
 * A record keeps the row's values, not a KsPod: the pod is built when it is
 * emitted, so the window costs ~100 bytes per row.
 *
 * Shared with the other Alibaba importers: the heap (trace_heap.h), typed
 * fields, errors and parameters (alibaba_table.h), the node (trace_node.h).
 */
#include "traces/openb.h"

#include <errno.h>
#include <string.h>

#include "sched/gpu.h"
#include "traces/alibaba_table.h"
#include "traces/csv.h"
#include "traces/trace_heap.h"
#include "traces/trace_node.h"
#include "workloads/annotations.h"

#define MIB ((gint64)1 << 20)
#define PARAM_NODES_NONE "none"

typedef enum { RUN_TIME_SCHEDULED, RUN_TIME_CREATED, RUN_TIME_NONE } RunTimeMode;
typedef enum { ITEM_CREATE, ITEM_DELETE } ItemKind;

/* Pod list columns, by header name (the multigpu files carry only the
 * first five). */
enum { P_NAME, P_CPU, P_MEM, P_NUM_GPU, P_GPU_MILLI, P_GPU_SPEC, P_QOS, P_PHASE, P_CREATION,
       P_DELETION, P_SCHEDULED, P_COUNT };
static const char *const pod_columns[P_COUNT] = {
    "name", "cpu_milli", "memory_mib", "num_gpu", "gpu_milli", "gpu_spec", "qos", "pod_phase",
    "creation_time", "deletion_time", "scheduled_time"};
#define P_REQUIRED 4 /* name .. num_gpu */

enum { N_SN, N_CPU, N_MEM, N_GPU, N_MODEL, N_COUNT };
static const char *const node_columns[N_COUNT] = {"sn", "cpu_milli", "memory_mib", "gpu", "model"};
#define N_REQUIRED 4 /* sn .. gpu */

typedef struct {
  gint64 time_us;
  guint64 seq; /* row order: ties keep the file's order */
  guint64 line;
  ItemKind kind;
  char *name;
  /* ITEM_CREATE only */
  gint64 cpu_milli, memory_mib, run_us; /* run_us -1: unknown */
  guint num_gpu;
  gint32 gpu_milli;
  char *spec, *qos, *phase; /* NULL when empty */
} Item;

typedef struct {
  KsTraceSource base;
  KsCsvReader *nodes; /* NULL once read (or nodes=none) */
  KsCsvReader *pods;  /* NULL once read */
  gint ncol[N_COUNT], pcol[P_COUNT];
  gint64 max_pods;
  guint64 window;
  gboolean file_order;
  RunTimeMode run_mode;
  GPtrArray *heap;    /* of Item*, a binary min-heap on (time_us, seq) */
  guint64 rows_held;  /* ITEM_CREATE entries in the heap */
  guint64 seq;
  gint64 emitted_us;  /* time of the last item taken from the heap */
} OpenbSource;

/* ---- the reorder heap ------------------------------------------------------- */

static void item_free(Item *it) {
  g_free(it->name);
  g_free(it->spec);
  g_free(it->qos);
  g_free(it->phase);
  g_free(it);
}

/* Heap order: time, then row order. */
static gboolean item_less(gconstpointer pa, gconstpointer pb) {
  const Item *a = pa, *b = pb;
  return a->time_us != b->time_us ? a->time_us < b->time_us : a->seq < b->seq;
}

/* ---- fields --------------------------------------------------------------- */

/* ks_ali_int for a column index found in the header (gint: -1 when absent). */
static gboolean get_int(KsCsvReader *r, gint col, gint64 min, gint64 max, gint64 *out, char **bad) {
  return ks_ali_int(r, (guint)col, min, max, out, bad);
}

/* An optional time column in seconds: -1 when the column is absent or empty. */
static gboolean get_opt_time(KsCsvReader *r, gint col, gint64 *out_s, char **bad) {
  *out_s = -1;
  if (col < 0 || ks_csv_field(r, (guint)col)[0] == '\0')
    return TRUE;
  return get_int(r, col, 0, G_MAXINT64 / G_USEC_PER_SEC, out_s, bad);
}

/* Text of an optional column, NULL when absent or empty. transfer full */
static char *get_opt_text(KsCsvReader *r, gint col) {
  if (col < 0 || ks_csv_field(r, (guint)col)[0] == '\0')
    return NULL;
  return g_strdup(ks_csv_field(r, (guint)col));
}

/* gpu_spec "A|B||C" -> "A|B|C" (empty parts dropped, as the FGD
 * simulator's converter does); NULL when none. FALSE when too many. */
static gboolean normalise_spec(KsCsvReader *r, gint col, char **out, char **bad) {
  *out = NULL;
  if (col < 0)
    return TRUE;
  char **parts = g_strsplit(ks_csv_field(r, (guint)col), "|", -1);
  GString *s = g_string_new(NULL);
  guint n = 0;
  for (char **p = parts; *p; p++) {
    if (!**p)
      continue;
    g_string_append_printf(s, "%s%s", n ? "|" : "", *p);
    n++;
  }
  g_strfreev(parts);
  if (n > KS_GPU_MAX_MODELS) {
    *bad = ks_ali_bad(r, (guint)col, "%u GPU models; at most %d are allowed", n,
                      KS_GPU_MAX_MODELS);
    g_string_free(s, TRUE);
    return FALSE;
  }
  *out = n ? g_string_free(s, FALSE) : (g_string_free(s, TRUE), NULL);
  return TRUE;
}

/* ---- nodes ---------------------------------------------------------------- */

/* Builds the node of the current node-list row. transfer full; NULL with
 * *bad on a bad row. */
static KsNode *node_from_row(OpenbSource *s, char **bad) {
  KsCsvReader *r = s->nodes;
  gint64 cpu, mem, gpu;
  const char *name = ks_csv_field(r, (guint)s->ncol[N_SN]);
  if (!name[0]) {
    *bad = ks_ali_bad(r, (guint)s->ncol[N_SN], "empty node name");
    return NULL;
  }
  if (!get_int(r, s->ncol[N_CPU], 0, G_MAXINT64, &cpu, bad) ||
      !get_int(r, s->ncol[N_MEM], 0, G_MAXINT64 / MIB, &mem, bad) ||
      !get_int(r, s->ncol[N_GPU], 0, KS_GPU_MAX_PER_NODE, &gpu, bad))
    return NULL;
  KsNode *n = ks_trace_node_new(name, cpu, mem * MIB, s->max_pods);
  if (gpu > 0) {
    const char *model = s->ncol[N_MODEL] >= 0 ? ks_csv_field(r, (guint)s->ncol[N_MODEL]) : "";
    ks_gpu_node_set(n, (guint)gpu, model);
  }
  return n;
}

/* The next node-add, FALSE when the node list is done (or on error). */
static gboolean next_node(OpenbSource *s, KsTraceEvent *ev, GError **error) {
  while (s->nodes) {
    GError *local = NULL;
    char *bad = NULL;
    KsNode *n = NULL;
    if (ks_csv_next(s->nodes, &local)) {
      n = node_from_row(s, &bad);
    } else if (local && local->code == KS_TRACE_ERROR_FORMAT) { /* a malformed row (quotes) */
      bad = g_strdup(local->message);
      g_clear_error(&local);
    } else {
      g_clear_pointer(&s->nodes, ks_csv_free);
      if (local)
        g_propagate_error(error, local);
      return FALSE;
    }
    if (n) {
      ev->type = KS_TRACE_NODE_ADD;
      ev->time_us = 0;
      ev->line = ks_csv_line(s->nodes);
      ev->node = n;
      return TRUE;
    }
    gboolean go_on = ks_trace_source_bad_row(&s->base, error, bad);
    g_free(bad);
    if (!go_on)
      return FALSE;
  }
  return FALSE;
}

/* ---- pods ----------------------------------------------------------------- */

/* The resources and GPU request of the current row into it. */
static gboolean pod_resources(OpenbSource *s, Item *it, char **bad) {
  KsCsvReader *r = s->pods;
  gint64 num_gpu, milli = KS_GPU_MILLI;
  if (!get_int(r, s->pcol[P_CPU], 0, G_MAXINT64, &it->cpu_milli, bad) ||
      !get_int(r, s->pcol[P_MEM], 0, G_MAXINT64 / MIB, &it->memory_mib, bad) ||
      !get_int(r, s->pcol[P_NUM_GPU], 0, KS_GPU_MAX_PER_NODE, &num_gpu, bad))
    return FALSE;
  if (s->pcol[P_GPU_MILLI] >= 0 && !get_int(r, s->pcol[P_GPU_MILLI], 0, KS_GPU_MILLI, &milli, bad))
    return FALSE;
  if (num_gpu > 1 && milli > 0 && milli < KS_GPU_MILLI) {
    *bad = ks_ali_bad(r, (guint)s->pcol[P_GPU_MILLI],
                      "%" G_GINT64_FORMAT " with num_gpu %" G_GINT64_FORMAT
                      ": a share of a GPU (< 1000) needs num_gpu 1",
                      milli, num_gpu);
    return FALSE;
  }
  /* gpu_milli 0 or num_gpu 0: no GPU, as in the FGD simulator. */
  it->num_gpu = milli > 0 ? (guint)num_gpu : 0;
  it->gpu_milli = it->num_gpu ? (gint32)milli : 0;
  return !it->num_gpu || normalise_spec(r, s->pcol[P_GPU_SPEC], &it->spec, bad);
}

/* The times of the current row: the item's time and run time, and a
 * pod-delete item when the pod was deleted before it was scheduled.
 * *del is NULL otherwise. */
static gboolean pod_times(OpenbSource *s, Item *it, Item **del, char **bad) {
  KsCsvReader *r = s->pods;
  gint64 created = 0, deleted, scheduled;
  *del = NULL;
  if (s->pcol[P_CREATION] >= 0 &&
      !get_int(r, s->pcol[P_CREATION], 0, G_MAXINT64 / G_USEC_PER_SEC, &created, bad))
    return FALSE;
  if (!get_opt_time(r, s->pcol[P_DELETION], &deleted, bad) ||
      !get_opt_time(r, s->pcol[P_SCHEDULED], &scheduled, bad))
    return FALSE;
  if (deleted >= 0 && deleted < created) {
    *bad = ks_ali_bad(r, (guint)s->pcol[P_DELETION],
                      "%" G_GINT64_FORMAT " is before creation_time %" G_GINT64_FORMAT, deleted,
                      created);
    return FALSE;
  }
  if (deleted >= 0 && scheduled >= 0 && deleted < scheduled) {
    *bad = ks_ali_bad(r, (guint)s->pcol[P_DELETION],
                      "%" G_GINT64_FORMAT " is before scheduled_time %" G_GINT64_FORMAT, deleted,
                      scheduled);
    return FALSE;
  }
  it->time_us = s->file_order ? 0 : created * G_USEC_PER_SEC;
  it->run_us = -1;
  if (deleted < 0 || s->run_mode == RUN_TIME_NONE)
    return TRUE;
  if (s->run_mode == RUN_TIME_CREATED) {
    it->run_us = (deleted - created) * G_USEC_PER_SEC;
  } else if (scheduled >= 0) {
    it->run_us = (deleted - scheduled) * G_USEC_PER_SEC;
  } else {
    *del = g_new0(Item, 1);
    (*del)->kind = ITEM_DELETE;
    (*del)->time_us = it->time_us + (deleted - created) * G_USEC_PER_SEC;
    (*del)->line = it->line;
    (*del)->name = g_strdup(it->name);
  }
  return TRUE;
}

/* Reads the current pod row into the heap. FALSE only when it stops the
 * trace (bad row in FAIL mode). */
static gboolean take_pod_row(OpenbSource *s, GError **error) {
  KsCsvReader *r = s->pods;
  Item *it = g_new0(Item, 1), *del = NULL;
  it->kind = ITEM_CREATE;
  it->line = ks_csv_line(r);
  it->name = g_strdup(ks_csv_field(r, (guint)s->pcol[P_NAME]));
  char *bad = NULL;
  if (!it->name[0])
    bad = ks_ali_bad(r, (guint)s->pcol[P_NAME], "empty pod name");
  gboolean late = FALSE;
  if (!bad && pod_resources(s, it, &bad) && pod_times(s, it, &del, &bad) &&
      it->time_us < s->emitted_us) {
    late = TRUE;
    gint col = s->pcol[P_CREATION];
    bad = ks_ali_bad(r, (guint)col,
                     "%" G_GINT64_FORMAT " s is before %" G_GINT64_FORMAT
                     " s, already replayed: rows are out of order by more than sort-window=%" G_GUINT64_FORMAT
                     " rows (sort the file by creation_time, or raise sort-window)",
                     it->time_us / G_USEC_PER_SEC, s->emitted_us / G_USEC_PER_SEC, s->window);
  }
  if (bad) {
    item_free(it);
    if (del)
      item_free(del);
    gboolean go_on = ks_trace_source_bad_row(&s->base, error, bad);
    g_free(bad);
    if (!go_on && late && error && *error)
      (*error)->code = KS_TRACE_ERROR_ORDER;
    return go_on;
  }
  it->qos = get_opt_text(r, s->pcol[P_QOS]);
  it->phase = get_opt_text(r, s->pcol[P_PHASE]);
  it->seq = s->seq++;
  ks_trace_heap_push(s->heap, it, item_less);
  s->rows_held++;
  if (del) {
    del->seq = s->seq++;
    ks_trace_heap_push(s->heap, del, item_less);
  }
  return TRUE;
}

/* Fills the window. FALSE on error. */
static gboolean fill_window(OpenbSource *s, GError **error) {
  while (s->pods && s->rows_held < s->window) {
    GError *local = NULL;
    if (!ks_csv_next(s->pods, &local)) {
      if (local && local->code == KS_TRACE_ERROR_FORMAT) { /* a malformed row (quotes) */
        gboolean go_on = ks_trace_source_bad_row(&s->base, error, local->message);
        g_error_free(local);
        if (!go_on)
          return FALSE;
        continue;
      }
      g_clear_pointer(&s->pods, ks_csv_free);
      if (local) {
        g_propagate_error(error, local);
        return FALSE;
      }
      break;
    }
    if (!take_pod_row(s, error))
      return FALSE;
  }
  return TRUE;
}

/* The pod of a create item. transfer full */
static KsPod *pod_from_item(const Item *it) {
  KsPod *pod = ks_pod_new("default", it->name);
  pod->creation_timestamp_us = it->time_us;
  /* A trace pod that ended is not restarted in place. */
  pod->restart_policy = KS_RESTART_NEVER;
  if (it->qos)
    ks_labels_set(&pod->labels, KS_OPENB_LABEL_QOS, it->qos);
  if (it->phase)
    ks_labels_set(&pod->annotations, KS_OPENB_ANNOTATION_PHASE, it->phase);
  KsContainer *c = ks_pod_add_container(pod, "main", FALSE);
  ks_resource_list_set(&c->requests, KS_RESOURCE_CPU, it->cpu_milli);
  ks_resource_list_set(&c->limits, KS_RESOURCE_CPU, it->cpu_milli);
  ks_resource_list_set(&c->requests, KS_RESOURCE_MEMORY, it->memory_mib * MIB);
  ks_resource_list_set(&c->limits, KS_RESOURCE_MEMORY, it->memory_mib * MIB);
  if (it->num_gpu)
    ks_gpu_pod_set(pod, it->num_gpu, it->gpu_milli, it->spec);
  if (it->run_us >= 0)
    ks_pod_set_run_time(pod, it->run_us);
  return pod;
}

static gboolean openb_next(KsTraceSource *base, KsTraceEvent *ev, GError **error) {
  OpenbSource *s = (OpenbSource *)base;
  GError *local = NULL;
  if (next_node(s, ev, &local))
    return TRUE;
  if (local) {
    g_propagate_error(error, local);
    return FALSE;
  }
  if (!fill_window(s, error))
    return FALSE;
  Item *it = ks_trace_heap_pop(s->heap, item_less);
  if (!it)
    return FALSE;
  s->emitted_us = it->time_us;
  ev->time_us = it->time_us;
  ev->line = it->line;
  if (it->kind == ITEM_CREATE) {
    s->rows_held--;
    ev->type = KS_TRACE_POD_CREATE;
    ev->pod = pod_from_item(it);
  } else {
    ev->type = KS_TRACE_POD_DELETE;
    ev->namespace = g_strdup("default");
    ev->name = g_strdup(it->name);
  }
  item_free(it);
  return TRUE;
}

static void openb_free(KsTraceSource *base) {
  OpenbSource *s = (OpenbSource *)base;
  ks_csv_free(s->nodes);
  ks_csv_free(s->pods);
  for (guint i = 0; i < s->heap->len; i++)
    item_free(s->heap->pdata[i]);
  g_ptr_array_unref(s->heap);
  g_free(s);
}

static const KsTraceSourceVTable openb_vtable = {openb_next, openb_free};

/* ---- opening ---------------------------------------------------------------- */

/* Finds the columns by header name; FALSE when a required one is missing. */
static gboolean find_columns(KsCsvReader *r, const char *const *names, guint n, guint required,
                             gint *cols, GError **error) {
  for (guint i = 0; i < n; i++) {
    cols[i] = ks_csv_column(r, names[i]);
    if (cols[i] < 0 && i < required) {
      GString *want = g_string_new(NULL);
      for (guint k = 0; k < required; k++)
        g_string_append_printf(want, "%s%s", k ? "," : "", names[k]);
      g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_FORMAT,
                  "%s:1: no column \"%s\" in the header (an openb %s list has at least %s)",
                  ks_csv_path(r), names[i], names == node_columns ? "node" : "pod", want->str);
      g_string_free(want, TRUE);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean parse_params(OpenbSource *s, const KsTraceOpenOptions *opts, GError **error) {
  static const char *const known[] = {"nodes", "max-pods", "sort-window", "run-time", "order", NULL};
  if (!ks_trace_params_check(opts, "openb", known, error))
    return FALSE;
  guint64 max_pods = KS_OPENB_DEFAULT_MAX_PODS, window = KS_OPENB_DEFAULT_SORT_WINDOW;
  if (!ks_ali_param_uint(opts, "openb", "max-pods", 1, &max_pods, error) ||
      !ks_ali_param_uint(opts, "openb", "sort-window", 1, &window, error))
    return FALSE;
  s->max_pods = (gint64)max_pods;
  s->window = window;
  const char *run = ks_trace_param(opts, "run-time");
  const char *order = ks_trace_param(opts, "order");
  if (!run || strcmp(run, "scheduled") == 0)
    s->run_mode = RUN_TIME_SCHEDULED;
  else if (strcmp(run, "created") == 0)
    s->run_mode = RUN_TIME_CREATED;
  else if (strcmp(run, "none") == 0)
    s->run_mode = RUN_TIME_NONE;
  else {
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_OPTION,
                "openb parameter run-time=%s: expected scheduled, created or none", run);
    return FALSE;
  }
  if (order && strcmp(order, "file") != 0 && strcmp(order, "time") != 0) {
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_OPTION,
                "openb parameter order=%s: expected time or file", order);
    return FALSE;
  }
  s->file_order = order && strcmp(order, "file") == 0;
  return TRUE;
}

/* Opens the node list: nodes=PATH, else the default file beside the pods. */
static gboolean open_nodes(OpenbSource *s, const char *pod_path, const KsTraceOpenOptions *opts,
                           GError **error) {
  const char *param = ks_trace_param(opts, "nodes");
  if (param && strcmp(param, PARAM_NODES_NONE) == 0)
    return TRUE;
  char *dir = g_path_get_dirname(pod_path);
  char *path = param ? g_strdup(param) : g_build_filename(dir, KS_OPENB_DEFAULT_NODE_FILE, NULL);
  g_free(dir);
  if (!param && !g_file_test(path, G_FILE_TEST_EXISTS)) {
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_IO,
                "%s: no node list beside the pod list; pass nodes=PATH (e.g. "
                "openb_node_list_all_node.csv) or nodes=none",
                path);
    g_free(path);
    return FALSE;
  }
  s->nodes = ks_csv_open(path, TRUE, error);
  g_free(path);
  return s->nodes && find_columns(s->nodes, node_columns, N_COUNT, N_REQUIRED, s->ncol, error);
}

KsTraceSource *ks_openb_open(const char *path, const KsTraceOpenOptions *opts, GError **error) {
  OpenbSource *s = g_new0(OpenbSource, 1);
  ks_trace_source_init(&s->base, &openb_vtable, opts, path);
  s->heap = g_ptr_array_new(); /* no free func: ks_trace_heap_pop shrinks it */
  s->emitted_us = G_MININT64;
  if (!parse_params(s, opts, error) || !open_nodes(s, path, opts, error) ||
      !(s->pods = ks_csv_open(path, TRUE, error)) ||
      !find_columns(s->pods, pod_columns, P_COUNT, P_REQUIRED, s->pcol, error)) {
    ks_trace_source_free(&s->base);
    return NULL;
  }
  return &s->base;
}

const KsTraceFormat ks_trace_format_openb = {
    .name = "openb",
    .summary = "Alibaba cluster-trace-gpu-v2023 (FGD paper): pod list CSV, node list via nodes=",
    .open = ks_openb_open,
    .synth = ks_openb_synth,
};
