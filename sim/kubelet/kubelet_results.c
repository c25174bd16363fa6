/* See kubelet_results.h. Five compound datasets under /kubelet: the
 * three counter tables share one record layout (name, namespace, qos,
 * counters), the usage series and the eviction list have their own.
 * Modification times are off, so the file stays byte-identical run to run.
 * cpu time is stored in cpu-milliseconds (the model counts
 * millicore-microseconds; / 10^6). */
#include "sim/kubelet/kubelet_results.h"

#include <string.h>

#include "sim/results_h5.h"

#define QOS_LEN 16
#define CAUSE_LEN 16
#define REASON_LEN 32
#define MESSAGE_LEN 256
#define ATTR_MODEL_NODES "model_nodes"

typedef struct {
  char name[KS_H5_NAME_LEN];
  char namespace[KS_H5_SHORT_LEN];
  char qos[QOS_LEN];
  gint64 pods, oom_kills, node_oom_kills, restarts, throttled_cpu_ms, cpu_used_cpu_ms;
  gint64 evictions[KS_EVICTION_CAUSE_COUNT];
} CounterRec;

typedef struct {
  gint64 time_us;
  char name[KS_H5_NAME_LEN];
  char namespace[KS_H5_SHORT_LEN];
  char node[KS_H5_NAME_LEN];
  char qos[QOS_LEN];
  char cause[CAUSE_LEN];
  char reason[REASON_LEN];
  char message[MESSAGE_LEN];
} EvictionRec;

static hid_t str_type(gsize len) {
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, len);
  H5Tset_strpad(t, H5T_STR_NULLPAD);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return t;
}

/* transfer full: the native record type; the file type is it packed. */
static hid_t counter_type(void) {
  hid_t name = str_type(KS_H5_NAME_LEN), ns = str_type(KS_H5_SHORT_LEN), qos = str_type(QOS_LEN);
  hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(CounterRec));
  H5Tinsert(t, "name", G_STRUCT_OFFSET(CounterRec, name), name);
  H5Tinsert(t, "namespace", G_STRUCT_OFFSET(CounterRec, namespace), ns);
  H5Tinsert(t, "qos", G_STRUCT_OFFSET(CounterRec, qos), qos);
  H5Tinsert(t, "pods", G_STRUCT_OFFSET(CounterRec, pods), H5T_STD_I64LE);
  H5Tinsert(t, "oom_kills", G_STRUCT_OFFSET(CounterRec, oom_kills), H5T_STD_I64LE);
  H5Tinsert(t, "node_oom_kills", G_STRUCT_OFFSET(CounterRec, node_oom_kills), H5T_STD_I64LE);
  H5Tinsert(t, "restarts", G_STRUCT_OFFSET(CounterRec, restarts), H5T_STD_I64LE);
  H5Tinsert(t, "throttled_cpu_ms", G_STRUCT_OFFSET(CounterRec, throttled_cpu_ms), H5T_STD_I64LE);
  H5Tinsert(t, "cpu_used_cpu_ms", G_STRUCT_OFFSET(CounterRec, cpu_used_cpu_ms), H5T_STD_I64LE);
  for (guint c = 0; c < KS_EVICTION_CAUSE_COUNT; c++) {
    g_autofree char *member = g_strconcat("evictions_", ks_eviction_cause_to_string(c), NULL);
    H5Tinsert(t, member, G_STRUCT_OFFSET(CounterRec, evictions) + c * sizeof(gint64),
              H5T_STD_I64LE);
  }
  H5Tclose(name);
  H5Tclose(ns);
  H5Tclose(qos);
  return t;
}

/* transfer full */
static hid_t eviction_type(void) {
  static const struct {
    const char *member;
    gsize offset, len;
  } strs[] = {
      {"name", G_STRUCT_OFFSET(EvictionRec, name), KS_H5_NAME_LEN},
      {"namespace", G_STRUCT_OFFSET(EvictionRec, namespace), KS_H5_SHORT_LEN},
      {"node", G_STRUCT_OFFSET(EvictionRec, node), KS_H5_NAME_LEN},
      {"qos", G_STRUCT_OFFSET(EvictionRec, qos), QOS_LEN},
      {"cause", G_STRUCT_OFFSET(EvictionRec, cause), CAUSE_LEN},
      {"reason", G_STRUCT_OFFSET(EvictionRec, reason), REASON_LEN},
      {"message", G_STRUCT_OFFSET(EvictionRec, message), MESSAGE_LEN},
  };
  hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(EvictionRec));
  H5Tinsert(t, "time_us", G_STRUCT_OFFSET(EvictionRec, time_us), H5T_STD_I64LE);
  for (guint i = 0; i < G_N_ELEMENTS(strs); i++) {
    hid_t st = str_type(strs[i].len);
    H5Tinsert(t, strs[i].member, strs[i].offset, st);
    H5Tclose(st);
  }
  return t;
}

static hid_t usage_type(void) {
  hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(KsKubeletUsageRow));
  H5Tinsert(t, "time_us", G_STRUCT_OFFSET(KsKubeletUsageRow, time_us), H5T_STD_I64LE);
  H5Tinsert(t, "node", G_STRUCT_OFFSET(KsKubeletUsageRow, node), H5T_STD_I32LE);
  H5Tinsert(t, "cpu_milli", G_STRUCT_OFFSET(KsKubeletUsageRow, milli_cpu), H5T_STD_I64LE);
  H5Tinsert(t, "memory", G_STRUCT_OFFSET(KsKubeletUsageRow, memory), H5T_STD_I64LE);
  H5Tinsert(t, "ephemeral_storage", G_STRUCT_OFFSET(KsKubeletUsageRow, ephemeral_storage),
            H5T_STD_I64LE);
  return t;
}

static void copy_str(char *dst, gsize cap, const char *src) {
  memset(dst, 0, cap);
  if (src)
    memcpy(dst, src, MIN(strlen(src), cap));
}

/* Free text cut to cap bytes at a character boundary, so a long message
 * never ends in half a UTF-8 sequence. */
static void copy_text(char *dst, gsize cap, const char *src) {
  memset(dst, 0, cap);
  gsize n = src ? strlen(src) : 0;
  if (n > cap)
    for (n = cap; n > 0 && ((guchar)src[n] & 0xC0) == 0x80; n--)
      ;
  if (n)
    memcpy(dst, src, n);
}

static void fill(CounterRec *r, const char *name, const char *ns, const char *qos, gint64 pods,
                 const KsKubeletStats *s) {
  static const KsKubeletStats none;
  s = s ? s : &none;
  copy_str(r->name, sizeof r->name, name);
  copy_str(r->namespace, sizeof r->namespace, ns);
  copy_str(r->qos, sizeof r->qos, qos);
  r->pods = pods;
  r->oom_kills = (gint64)s->oom_kills;
  r->node_oom_kills = (gint64)s->node_oom_kills;
  r->restarts = (gint64)s->restarts;
  r->throttled_cpu_ms = s->throttled_mcpu_us / 1000000;
  r->cpu_used_cpu_ms = s->cpu_used_mcpu_us / 1000000;
  memset(r->evictions, 0, sizeof r->evictions);
}

/* /kubelet/evictions, converted and written a chunk at a time: a run with
 * many preemptions must not hold every fixed-size record at once. */
static gboolean write_evictions(hid_t group, const KsEvictionRecord *ev) {
  gsize n = ev ? ks_eviction_record_n_rows(ev) : 0;
  hsize_t dims = n;
  hid_t space = H5Screate_simple(1, &dims, NULL);
  hid_t dcpl = ks_h5_table_dcpl(n);
  hid_t mtype = eviction_type(), ftype = H5Tcopy(mtype);
  H5Tpack(ftype);
  hid_t dset = H5Dcreate2(group, "evictions", ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  gboolean ok = dset >= 0;
  gsize cap = MIN(MAX(n, 1), (gsize)KS_H5_CHUNK_ROWS);
  EvictionRec *buf = g_new(EvictionRec, cap);
  for (gsize start = 0; ok && start < n; start += cap) {
    hsize_t off = start, count = MIN(cap, n - start);
    for (gsize i = 0; i < count; i++) {
      KsEvictionRow row;
      ks_eviction_record_row(ev, (guint)(start + i), &row);
      EvictionRec *r = &buf[i];
      r->time_us = row.time_us;
      copy_str(r->name, sizeof r->name, row.name);
      copy_str(r->namespace, sizeof r->namespace, row.namespace);
      copy_str(r->node, sizeof r->node, row.node);
      copy_str(r->qos, sizeof r->qos, ks_qos_class_to_string(row.qos));
      copy_str(r->cause, sizeof r->cause, ks_eviction_cause_to_string(row.cause));
      copy_str(r->reason, sizeof r->reason, row.reason);
      copy_text(r->message, sizeof r->message, row.message);
    }
    hid_t mem = H5Screate_simple(1, &count, NULL);
    ok = H5Sselect_hyperslab(space, H5S_SELECT_SET, &off, NULL, &count, NULL) >= 0 &&
         H5Dwrite(dset, mtype, mem, space, H5P_DEFAULT, buf) >= 0;
    H5Sclose(mem);
  }
  g_free(buf);
  if (dset >= 0)
    H5Dclose(dset);
  H5Tclose(ftype);
  H5Tclose(mtype);
  H5Pclose(dcpl);
  H5Sclose(space);
  return ok;
}

static gboolean write_model_nodes(hid_t group, gint64 n) {
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t attr = H5Acreate2(group, ATTR_MODEL_NODES, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  gboolean ok = attr >= 0 && H5Awrite(attr, H5T_NATIVE_INT64, &n) >= 0;
  if (attr >= 0)
    H5Aclose(attr);
  H5Sclose(space);
  return ok;
}

static void add_counts(CounterRec *r, const guint64 *counts) {
  for (guint c = 0; c < KS_EVICTION_CAUSE_COUNT; c++)
    r->evictions[c] += (gint64)counts[c];
}

/* The nodes table: the model's nodes (first-seen order, the node index of
 * node_usage), then nodes with evictions only (first-eviction order).
 * *n_rows is its length. transfer full */
static CounterRec *node_rows(KsKubeletModel *m, const KsEvictionRecord *ev, guint *n_rows) {
  guint nn = ks_kubelet_model_n_nodes(m), ne = ev ? ks_eviction_record_n_nodes(ev) : 0;
  CounterRec *nodes = g_new0(CounterRec, MAX(nn + ne, 1));
  GHashTable *index = g_hash_table_new(g_str_hash, g_str_equal); /* name -> row + 1 */
  guint n = 0;
  for (; n < nn; n++) {
    const char *name = ks_kubelet_model_node_name(m, n);
    fill(&nodes[n], name, "", "", 0, ks_kubelet_model_node_stats(m, n));
    g_hash_table_insert(index, (gpointer)name, GUINT_TO_POINTER(n + 1));
  }
  for (guint i = 0; i < ne; i++) {
    const char *name = ks_eviction_record_node_name(ev, i);
    guint row = GPOINTER_TO_UINT(g_hash_table_lookup(index, name));
    if (!row) {
      fill(&nodes[n], name, "", "", 0, NULL);
      row = ++n;
    }
    guint64 counts[KS_EVICTION_CAUSE_COUNT];
    for (guint c = 0; c < KS_EVICTION_CAUSE_COUNT; c++)
      counts[c] = ks_eviction_record_node_count(ev, i, (KsEvictionCause)c);
    add_counts(&nodes[row - 1], counts);
  }
  g_hash_table_destroy(index);
  *n_rows = n;
  return nodes;
}

/* Each modelled pod's evictions, from the eviction rows. */
static void pod_evictions(CounterRec *pods, guint np, const KsEvictionRecord *ev) {
  guint ne = ev ? ks_eviction_record_n_rows(ev) : 0;
  if (!np || !ne)
    return;
  GHashTable *index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < np; i++)
    g_hash_table_insert(index, g_strconcat(pods[i].namespace, "/", pods[i].name, NULL),
                        GUINT_TO_POINTER(i + 1));
  for (guint i = 0; i < ne; i++) {
    KsEvictionRow row;
    ks_eviction_record_row(ev, i, &row);
    g_autofree char *key = g_strconcat(row.namespace, "/", row.name, NULL);
    guint p = GPOINTER_TO_UINT(g_hash_table_lookup(index, key));
    if (p)
      pods[p - 1].evictions[row.cause]++;
  }
  g_hash_table_destroy(index);
}

gboolean ks_kubelet_results_write(KsResultsWriter *w, KsKubeletModel *m,
                                  const KsEvictionRecord *ev, GError **error) {
  if (!ks_kubelet_model_used(m) && (!ev || ks_eviction_record_n_rows(ev) == 0))
    return TRUE;
  hid_t file = ks_h5_writer_file(w);
  const char *path = ks_h5_writer_path(w);
  hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
  H5Pset_obj_track_times(gcpl, 0);
  hid_t group = H5Gcreate2(file, KS_KUBELET_GROUP, H5P_DEFAULT, gcpl, H5P_DEFAULT);
  H5Pclose(gcpl);
  if (group < 0) {
    ks_h5_set_error(error, KS_RESULTS_ERROR_IO, path, "cannot create /kubelet");
    return FALSE;
  }
  hid_t ct = counter_type();
  /* by QoS class, with the number of pods of each */
  CounterRec q[KS_QOS_CLASS_COUNT];
  gint64 per_class[KS_QOS_CLASS_COUNT] = {0};
  guint np = ks_kubelet_model_n_pods(m);
  CounterRec *pods = g_new0(CounterRec, MAX(np, 1));
  for (guint i = 0; i < np; i++) {
    const char *ns, *name;
    KsQosClass qos;
    const KsKubeletStats *s = ks_kubelet_model_pod_record(m, i, &ns, &name, &qos);
    fill(&pods[i], name, ns, ks_qos_class_to_string(qos), 1, s);
    per_class[qos]++;
  }
  pod_evictions(pods, np, ev);
  for (guint c = 0; c < KS_QOS_CLASS_COUNT; c++) {
    fill(&q[c], ks_qos_class_to_string((KsQosClass)c), "", ks_qos_class_to_string((KsQosClass)c),
         per_class[c], ks_kubelet_model_qos_stats(m, (KsQosClass)c));
    for (guint k = 0; ev && k < KS_EVICTION_CAUSE_COUNT; k++)
      q[c].evictions[k] = (gint64)ks_eviction_record_qos_count(ev, (KsQosClass)c, k);
  }
  guint nn;
  CounterRec *nodes = node_rows(m, ev, &nn);
  hid_t ut = usage_type();
  const GArray *u = ks_kubelet_model_samples(m);
  gboolean ok = write_model_nodes(group, ks_kubelet_model_n_nodes(m)) &&
                ks_h5_write_table(group, "qos", ct, q, KS_QOS_CLASS_COUNT) &&
                ks_h5_write_table(group, "nodes", ct, nodes, nn) &&
                ks_h5_write_table(group, "pods", ct, pods, np) &&
                ks_h5_write_table(group, "node_usage", ut, u->data, u->len) &&
                write_evictions(group, ev);
  H5Tclose(ut);
  H5Tclose(ct);
  g_free(nodes);
  g_free(pods);
  H5Gclose(group);
  if (!ok)
    ks_h5_set_error(error, KS_RESULTS_ERROR_IO, path, "cannot write /kubelet");
  return ok;
}

/* ---- reading ---------------------------------------------------------------- */

static void row_clear(gpointer p) {
  KsKubeletResultRow *r = p;
  g_free(r->name);
  g_free(r->namespace);
  g_free(r->qos);
}

static GArray *row_array(void) {
  GArray *a = g_array_new(FALSE, TRUE, sizeof(KsKubeletResultRow));
  g_array_set_clear_func(a, row_clear);
  return a;
}

/* A fixed string member, NUL-padded, maybe full. transfer full */
static char *take_str(const char *s, gsize cap) { return g_strndup(s, cap); }

static gboolean read_counters(hid_t group, const char *name, GArray *out) {
  hid_t dset = H5Dopen2(group, name, H5P_DEFAULT);
  if (dset < 0)
    return FALSE;
  hid_t space = H5Dget_space(dset);
  hssize_t n = H5Sget_simple_extent_npoints(space);
  hid_t ct = counter_type();
  CounterRec *recs = g_new0(CounterRec, MAX(n, 1));
  gboolean ok = n >= 0 && (n == 0 || H5Dread(dset, ct, H5S_ALL, H5S_ALL, H5P_DEFAULT, recs) >= 0);
  for (hssize_t i = 0; ok && i < n; i++) {
    const CounterRec *c = &recs[i];
    KsKubeletResultRow r = {take_str(c->name, sizeof c->name),
                            take_str(c->namespace, sizeof c->namespace),
                            take_str(c->qos, sizeof c->qos),
                            c->pods,
                            c->oom_kills,
                            c->node_oom_kills,
                            c->restarts,
                            c->throttled_cpu_ms,
                            c->cpu_used_cpu_ms,
                            {0}};
    memcpy(r.evictions, c->evictions, sizeof r.evictions);
    g_array_append_val(out, r);
  }
  g_free(recs);
  H5Tclose(ct);
  H5Sclose(space);
  H5Dclose(dset);
  return ok;
}

static void eviction_clear(gpointer p) {
  KsKubeletEviction *e = p;
  g_free(e->name);
  g_free(e->namespace);
  g_free(e->node);
  g_free(e->qos);
  g_free(e->cause);
  g_free(e->reason);
  g_free(e->message);
}

static gboolean read_evictions(hid_t group, GArray *out) {
  hid_t dset = H5Dopen2(group, "evictions", H5P_DEFAULT);
  if (dset < 0)
    return FALSE;
  hid_t space = H5Dget_space(dset);
  hssize_t n = H5Sget_simple_extent_npoints(space);
  hid_t et = eviction_type();
  EvictionRec *recs = g_new0(EvictionRec, MAX(n, 1));
  gboolean ok = n >= 0 && (n == 0 || H5Dread(dset, et, H5S_ALL, H5S_ALL, H5P_DEFAULT, recs) >= 0);
  for (hssize_t i = 0; ok && i < n; i++) {
    const EvictionRec *e = &recs[i];
    KsKubeletEviction r = {e->time_us,
                           take_str(e->name, sizeof e->name),
                           take_str(e->namespace, sizeof e->namespace),
                           take_str(e->node, sizeof e->node),
                           take_str(e->qos, sizeof e->qos),
                           take_str(e->cause, sizeof e->cause),
                           take_str(e->reason, sizeof e->reason),
                           take_str(e->message, sizeof e->message)};
    g_array_append_val(out, r);
  }
  g_free(recs);
  H5Tclose(et);
  H5Sclose(space);
  H5Dclose(dset);
  return ok;
}

/* Files written before evictions were recorded have no attribute: every
 * node row is then one of the model's. */
static gboolean read_model_nodes(hid_t group, guint n_nodes, guint *out) {
  *out = n_nodes;
  if (H5Aexists(group, ATTR_MODEL_NODES) <= 0)
    return TRUE;
  hid_t attr = H5Aopen(group, ATTR_MODEL_NODES, H5P_DEFAULT);
  gint64 v = -1;
  gboolean ok = attr >= 0 && H5Aread(attr, H5T_NATIVE_INT64, &v) >= 0 && v >= 0 &&
                v <= (gint64)n_nodes;
  if (attr >= 0)
    H5Aclose(attr);
  if (ok)
    *out = (guint)v;
  return ok;
}

static gboolean read_usage(hid_t group, GArray *out) {
  hid_t dset = H5Dopen2(group, "node_usage", H5P_DEFAULT);
  if (dset < 0)
    return FALSE;
  hid_t space = H5Dget_space(dset);
  hssize_t n = H5Sget_simple_extent_npoints(space);
  hid_t ut = usage_type();
  gboolean ok = n >= 0;
  if (ok && n > 0) {
    g_array_set_size(out, (guint)n);
    ok = H5Dread(dset, ut, H5S_ALL, H5S_ALL, H5P_DEFAULT, out->data) >= 0;
  }
  H5Tclose(ut);
  H5Sclose(space);
  H5Dclose(dset);
  return ok;
}

KsKubeletResults *ks_kubelet_results_read(const char *path, GError **error) {
  KsH5Quiet quiet;
  ks_h5_quiet_begin(&quiet);
  KsKubeletResults *r = NULL;
  hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) {
    ks_h5_set_error(error, KS_RESULTS_ERROR_IO, path, "cannot open");
    ks_h5_quiet_end(&quiet);
    return NULL;
  }
  if (H5Lexists(file, KS_KUBELET_GROUP, H5P_DEFAULT) > 0) {
    hid_t group = H5Gopen2(file, KS_KUBELET_GROUP, H5P_DEFAULT);
    r = g_new0(KsKubeletResults, 1);
    r->qos = row_array();
    r->nodes = row_array();
    r->pods = row_array();
    r->usage = g_array_new(FALSE, TRUE, sizeof(KsKubeletUsageRow));
    r->evictions = g_array_new(FALSE, TRUE, sizeof(KsKubeletEviction));
    g_array_set_clear_func(r->evictions, eviction_clear);
    gboolean ok = group >= 0 && read_counters(group, "qos", r->qos) &&
                  read_counters(group, "nodes", r->nodes) &&
                  read_counters(group, "pods", r->pods) && read_usage(group, r->usage) &&
                  read_model_nodes(group, r->nodes->len, &r->model_nodes) &&
                  (H5Lexists(group, "evictions", H5P_DEFAULT) <= 0 ||
                   read_evictions(group, r->evictions));
    if (group >= 0)
      H5Gclose(group);
    if (!ok) {
      g_set_error(error, KS_RESULTS_ERROR, KS_RESULTS_ERROR_FORMAT,
                  "%s: /kubelet is incomplete or damaged", path);
      g_clear_pointer(&r, ks_kubelet_results_free);
    }
  }
  H5Fclose(file);
  ks_h5_quiet_end(&quiet);
  return r;
}

void ks_kubelet_results_free(KsKubeletResults *r) {
  if (!r)
    return;
  g_array_unref(r->qos);
  g_array_unref(r->nodes);
  g_array_unref(r->pods);
  g_array_unref(r->usage);
  g_array_unref(r->evictions);
  g_free(r);
}
