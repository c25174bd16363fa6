/* See kubelet_results.h. Four small compound datasets under /kubelet: the
 * three counter tables share one record layout (name, namespace, qos,
 * counters), the usage series has its own. Modification times are off, so
 * the file stays byte-identical run to run. cpu time is stored in
 * cpu-milliseconds (the model counts millicore-microseconds; / 10^6). */
#include "sim/kubelet/kubelet_results.h"

#include <string.h>

#include "sim/results_h5.h"

#define QOS_LEN 16

typedef struct {
  char name[KS_H5_NAME_LEN];
  char namespace[KS_H5_SHORT_LEN];
  char qos[QOS_LEN];
  gint64 pods, oom_kills, node_oom_kills, restarts, throttled_cpu_ms, cpu_used_cpu_ms;
} CounterRec;

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
  H5Tclose(name);
  H5Tclose(ns);
  H5Tclose(qos);
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

static void fill(CounterRec *r, const char *name, const char *ns, const char *qos, gint64 pods,
                 const KsKubeletStats *s) {
  copy_str(r->name, sizeof r->name, name);
  copy_str(r->namespace, sizeof r->namespace, ns);
  copy_str(r->qos, sizeof r->qos, qos);
  r->pods = pods;
  r->oom_kills = (gint64)s->oom_kills;
  r->node_oom_kills = (gint64)s->node_oom_kills;
  r->restarts = (gint64)s->restarts;
  r->throttled_cpu_ms = s->throttled_mcpu_us / 1000000;
  r->cpu_used_cpu_ms = s->cpu_used_mcpu_us / 1000000;
}

static gboolean write_table(hid_t group, const char *name, hid_t mtype, const void *rows, gsize n) {
  hsize_t dims = n;
  hid_t space = H5Screate_simple(1, &dims, NULL);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_obj_track_times(dcpl, 0);
  if (n > 0) {
    hsize_t chunk = MIN(n, (gsize)KS_H5_CHUNK_ROWS);
    H5Pset_chunk(dcpl, 1, &chunk);
    H5Pset_shuffle(dcpl);
    H5Pset_deflate(dcpl, KS_H5_DEFLATE_LEVEL);
  }
  hid_t ftype = H5Tcopy(mtype);
  H5Tpack(ftype);
  hid_t dset = H5Dcreate2(group, name, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  gboolean ok = dset >= 0 && (n == 0 || H5Dwrite(dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                                 rows) >= 0);
  if (dset >= 0)
    H5Dclose(dset);
  H5Tclose(ftype);
  H5Pclose(dcpl);
  H5Sclose(space);
  return ok;
}

gboolean ks_kubelet_results_write(KsResultsWriter *w, KsKubeletModel *m, GError **error) {
  if (!ks_kubelet_model_used(m))
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
  for (guint c = 0; c < KS_QOS_CLASS_COUNT; c++)
    fill(&q[c], ks_qos_class_to_string((KsQosClass)c), "", ks_qos_class_to_string((KsQosClass)c),
         per_class[c], ks_kubelet_model_qos_stats(m, (KsQosClass)c));
  guint nn = ks_kubelet_model_n_nodes(m);
  CounterRec *nodes = g_new0(CounterRec, MAX(nn, 1));
  for (guint i = 0; i < nn; i++)
    fill(&nodes[i], ks_kubelet_model_node_name(m, i), "", "", 0, ks_kubelet_model_node_stats(m, i));
  hid_t ut = usage_type();
  const GArray *u = ks_kubelet_model_samples(m);
  gboolean ok = write_table(group, "qos", ct, q, KS_QOS_CLASS_COUNT) &&
                write_table(group, "nodes", ct, nodes, nn) &&
                write_table(group, "pods", ct, pods, np) &&
                write_table(group, "node_usage", ut, u->data, u->len);
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
                            c->cpu_used_cpu_ms};
    g_array_append_val(out, r);
  }
  g_free(recs);
  H5Tclose(ct);
  H5Sclose(space);
  H5Dclose(dset);
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
    gboolean ok = group >= 0 && read_counters(group, "qos", r->qos) &&
                  read_counters(group, "nodes", r->nodes) &&
                  read_counters(group, "pods", r->pods) && read_usage(group, r->usage);
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
  g_free(r);
}
