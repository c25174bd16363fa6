/* See alibaba_table.h: one Alibaba table as a bounded reorder heap of
 * events over a CSV stream, and the time merge of several tables. */
#include "traces/alibaba_table.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "sched/quantity.h"
#include "traces/trace_heap.h"
#include "workloads/annotations.h"

typedef struct {
  gint64 time_us;
  guint64 seq;
  guint64 repeat, next; /* repeat > 0: ev.pod is the template of `repeat` pods; next to emit */
  KsTraceEvent ev;
} Item;

struct KsAliTable {
  KsCsvReader *csv; /* NULL once read to the end */
  KsAliRowFunc row;
  gpointer data;
  GPtrArray *heap;  /* of Item*, min-heap on (time_us, seq) */
  guint64 window, seq;
  guint row_start;  /* heap length before the current row's pushes */
  gint64 emitted_us;
};

static void item_free(Item *it) {
  ks_trace_event_clear(&it->ev);
  g_free(it);
}

/* Heap order: time, then the order rows were read. */
static gboolean item_less(gconstpointer pa, gconstpointer pb) {
  const Item *a = pa, *b = pb;
  return a->time_us != b->time_us ? a->time_us < b->time_us : a->seq < b->seq;
}

KsAliTable *ks_ali_table_open(const char *path, const char *const *columns, guint64 window,
                              KsAliRowFunc row, gpointer data, GError **error) {
  KsCsvReader *csv = ks_csv_open(path, columns == NULL, error);
  if (!csv)
    return NULL;
  if (columns)
    ks_csv_set_columns(csv, columns);
  KsAliTable *t = g_new0(KsAliTable, 1);
  t->csv = csv;
  t->row = row;
  t->data = data;
  t->heap = g_ptr_array_new();
  t->window = window;
  t->emitted_us = G_MININT64;
  return t;
}

void ks_ali_table_free(KsAliTable *t) {
  if (!t)
    return;
  ks_csv_free(t->csv);
  for (guint i = 0; i < t->heap->len; i++)
    item_free(t->heap->pdata[i]);
  g_ptr_array_unref(t->heap);
  g_free(t);
}

KsTraceEvent *ks_ali_table_push(KsAliTable *t, KsTraceEventType type, gint64 time_us, guint time_col,
                                char **bad) {
  if (time_us < t->emitted_us) {
    *bad = ks_ali_bad(t->csv, time_col,
                      "%.6f s is before %.6f s, already replayed: the table is out of time order "
                      "by more than sort-window=%" G_GUINT64_FORMAT " events (sort it: sort -t, -k%u,%un)",
                      time_us / 1e6, t->emitted_us / 1e6, t->window, time_col + 1, time_col + 1);
    return NULL;
  }
  /* Appended unsorted; the row's items are sifted in when the row is kept. */
  Item *it = g_new0(Item, 1);
  ks_trace_event_init(&it->ev);
  it->time_us = time_us;
  it->seq = t->seq++;
  it->ev.type = type;
  it->ev.time_us = time_us;
  it->ev.line = ks_csv_line(t->csv);
  g_ptr_array_add(t->heap, it);
  return &it->ev;
}

/* Reads one row into the heap. FALSE at the end of the file or on error
 * (error set); a bad row goes through the source's policy. */
static gboolean read_row(KsAliTable *t, KsTraceSource *src, GError **error) {
  GError *local = NULL;
  char *bad = NULL;
  if (!ks_csv_next(t->csv, &local)) {
    if (!local) {
      g_clear_pointer(&t->csv, ks_csv_free);
      return FALSE;
    }
    if (local->code != KS_TRACE_ERROR_FORMAT) {
      g_propagate_error(error, local);
      return FALSE;
    }
    bad = g_strdup(local->message); /* a malformed row (quotes) */
    g_error_free(local);
  }
  t->row_start = t->heap->len;
  if (!bad && t->row(t, t->csv, t->data, &bad)) {
    for (guint i = t->row_start; i < t->heap->len; i++)
      ks_trace_heap_sift_up(t->heap, i, item_less);
    return TRUE;
  }
  while (t->heap->len > t->row_start) {
    item_free(t->heap->pdata[t->heap->len - 1]);
    g_ptr_array_set_size(t->heap, t->heap->len - 1);
  }
  gboolean go_on = ks_trace_source_bad_row(src, error, bad);
  if (!go_on && error && *error && strstr(bad, "already replayed"))
    (*error)->code = KS_TRACE_ERROR_ORDER;
  g_free(bad);
  return go_on;
}

/* Fills the table's window. FALSE on error. */
static gboolean fill(KsAliTable *t, KsTraceSource *src, GError **error) {
  while (t->csv && t->heap->len < t->window) {
    GError *local = NULL;
    if (!read_row(t, src, &local) && local) {
      g_propagate_error(error, local);
      return FALSE;
    }
  }
  return TRUE;
}

gboolean ks_ali_merge_next(KsAliTable *const *tables, guint n, KsTraceSource *src, KsTraceEvent *ev,
                           GError **error) {
  KsAliTable *best = NULL;
  for (guint i = 0; i < n; i++) {
    KsAliTable *t = tables[i];
    if (!t)
      continue;
    if (!fill(t, src, error))
      return FALSE;
    if (t->heap->len && (!best || ((Item *)t->heap->pdata[0])->time_us <
                                      ((Item *)best->heap->pdata[0])->time_us))
      best = t;
  }
  if (!best)
    return FALSE;
  Item *top = best->heap->pdata[0];
  best->emitted_us = top->time_us;
  ks_trace_event_clear(ev);
  if (top->repeat > 0) {
    /* One pod of a repeated template; the item stays on top (same key)
     * until its last pod. */
    ev->type = top->ev.type;
    ev->time_us = top->ev.time_us;
    ev->line = top->ev.line;
    ev->pod = ks_pod_copy(top->ev.pod);
    g_free(ev->pod->name);
    ev->pod->name = g_strdup_printf("%s-%" G_GUINT64_FORMAT, top->ev.pod->name, top->next);
    if (++top->next < top->repeat)
      return TRUE;
    item_free(ks_trace_heap_pop(best->heap, item_less));
    return TRUE;
  }
  Item *it = ks_trace_heap_pop(best->heap, item_less);
  *ev = it->ev; /* moves ownership */
  g_free(it);
  return TRUE;
}

/* ---- helpers -------------------------------------------------------------- */

char *ks_ali_bad(KsCsvReader *csv, guint col, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  char *prefix = ks_csv_error_prefix(csv, col);
  char *full = g_strconcat(prefix, msg, NULL);
  g_free(prefix);
  g_free(msg);
  return full;
}

gboolean ks_ali_int(KsCsvReader *csv, guint col, gint64 min, gint64 max, gint64 *out, char **bad) {
  GError *error = NULL;
  if (!ks_csv_int64(csv, col, out, &error)) {
    *bad = g_strdup(error->message);
    g_error_free(error);
    return FALSE;
  }
  if (*out < min || *out > max) {
    *bad = ks_ali_bad(csv, col, "%" G_GINT64_FORMAT " is not in %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT,
                      *out, min, max);
    return FALSE;
  }
  return TRUE;
}

gboolean ks_ali_double(KsCsvReader *csv, guint col, double min, double max, double *out, char **bad) {
  GError *error = NULL;
  if (!ks_csv_double(csv, col, out, &error)) {
    *bad = g_strdup(error->message);
    g_error_free(error);
    return FALSE;
  }
  if (*out < min || *out > max) {
    *bad = ks_ali_bad(csv, col, "%s is not in %g..%g", ks_csv_field(csv, col), min, max);
    return FALSE;
  }
  return TRUE;
}

gboolean ks_ali_param_uint(const KsTraceOpenOptions *opts, const char *format, const char *key,
                           guint64 min, guint64 *out, GError **error) {
  const char *v = ks_trace_param(opts, key);
  if (!v)
    return TRUE;
  GError *local = NULL;
  if (!g_ascii_string_to_unsigned(v, 10, min, G_MAXINT64, out, &local)) {
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_OPTION, "%s parameter %s=%s: %s", format, key,
                v, local->message);
    g_error_free(local);
    return FALSE;
  }
  return TRUE;
}

gboolean ks_ali_param_bytes(const KsTraceOpenOptions *opts, const char *format, const char *key,
                            gint64 *out, GError **error) {
  const char *v = ks_trace_param(opts, key);
  if (!v)
    return TRUE;
  gint64 bytes = 0;
  if (!ks_quantity_parse(v, &bytes, NULL, NULL) || bytes <= 0) {
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_OPTION,
                "%s parameter %s=%s: expected a positive quantity such as 384Gi", format, key, v);
    return FALSE;
  }
  *out = bytes;
  return TRUE;
}

gint64 ks_ali_scale(double norm, gint64 unit) {
  return (gint64)llround(norm / 100.0 * (double)unit);
}

char *ks_ali_find(const char *dir, const char *name) {
  char *p = g_build_filename(dir, name, NULL);
  if (g_file_test(p, G_FILE_TEST_IS_REGULAR))
    return p;
  char *gz = g_strconcat(p, ".gz", NULL);
  g_free(p);
  if (g_file_test(gz, G_FILE_TEST_IS_REGULAR))
    return gz;
  g_free(gz);
  return NULL;
}

KsPod *ks_ali_pod_new(const char *name, gint64 time_us, gint64 milli_cpu, gint64 cpu_limit,
                      gint64 memory) {
  KsPod *pod = ks_pod_new("default", name);
  pod->creation_timestamp_us = time_us;
  /* A trace pod that ended is not restarted in place. */
  pod->restart_policy = KS_RESTART_NEVER;
  KsContainer *c = ks_pod_add_container(pod, "main", FALSE);
  ks_resource_list_set(&c->requests, KS_RESOURCE_CPU, milli_cpu);
  ks_resource_list_set(&c->limits, KS_RESOURCE_CPU, cpu_limit >= 0 ? cpu_limit : milli_cpu);
  ks_resource_list_set(&c->requests, KS_RESOURCE_MEMORY, memory);
  ks_resource_list_set(&c->limits, KS_RESOURCE_MEMORY, memory);
  return pod;
}

void ks_ali_pod_label_batch(KsPod *pod, const char *job, const char *task, gint64 run_us) {
  if (job && job[0])
    ks_labels_set(&pod->labels, KS_ALIBABA_LABEL_JOB, job);
  if (task && task[0])
    ks_labels_set(&pod->labels, KS_ALIBABA_LABEL_TASK, task);
  if (run_us >= 0)
    ks_pod_set_run_time(pod, run_us);
}

KsPod *ks_ali_task_pods(KsAliTable *t, const char *job, const char *task, gint64 n, gint64 time_us,
                        gint64 run_us, gint64 milli_cpu, gint64 memory, guint time_col, char **bad) {
  if (n <= 0)
    return NULL;
  KsTraceEvent *ev = ks_ali_table_push(t, KS_TRACE_POD_CREATE, time_us, time_col, bad);
  if (!ev)
    return NULL;
  char *name = g_strdup_printf("%s-%s", job, task);
  ev->pod = ks_ali_pod_new(name, time_us, milli_cpu, -1, memory);
  g_free(name);
  ks_ali_pod_label_batch(ev->pod, job, task, run_us);
  /* The pods are made one by one as they are emitted: a task of 64,000
   * instances holds one template, not 64,000 pods. */
  ((Item *)t->heap->pdata[t->heap->len - 1])->repeat = (guint64)n;
  return ev->pod;
}
