/* Usage: what the pods used, as opposed to what they requested
 * (allocation). The node agent's resource model measures it node by node
 * (docs/node-agent.md) and the run stores it as /kubelet/node_usage, one
 * row per modelled node per sample (docs/results.md); the rows are read
 * here, from a path or from the file a commit hook holds open.
 *
 * Definition (docs/metrics.md): at sample t, cluster usage of r is the sum
 * over present nodes of the model's used r over the sum of allocatable r
 * (the /timeseries denominator, as for allocation); usage.r.mean weighs
 * it by time exactly as alloc.r.mean does (used core-seconds over
 * allocatable core-seconds). Pods without a usage profile use nothing in
 * the model, so they count 0, as a pod without requests counts 0 in
 * allocation; a file whose /kubelet/node_usage has no row (no pod had a
 * profile: the run did not model usage; /kubelet is also written for
 * evictions alone) or without /kubelet has no usage, NaN.
 *
 * A /kubelet/node_usage row names a node by its row of /kubelet/nodes; it
 * is resolved to the /nodes row of that name present at the row's time
 * (a name can come back after its node was removed), -1 when none is.
 */
#include "sim/metrics.h"

#include <math.h>
#include <string.h>

#include "sim/kubelet/kubelet_results.h"
#include "sim/metrics_private.h"
#include "sim/results_h5.h"

typedef struct {
  gint64 time_us;
  gint32 node;
  gint64 cpu_milli, memory;
} UsageRec;

typedef struct {
  char name[KS_H5_NAME_LEN];
} NameRec;

/* transfer full: the members this reader needs; HDF5 matches by name. */
static hid_t usage_type(void) {
  hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(UsageRec));
  H5Tinsert(t, "time_us", G_STRUCT_OFFSET(UsageRec, time_us), H5T_NATIVE_INT64);
  H5Tinsert(t, "node", G_STRUCT_OFFSET(UsageRec, node), H5T_NATIVE_INT32);
  H5Tinsert(t, "cpu_milli", G_STRUCT_OFFSET(UsageRec, cpu_milli), H5T_NATIVE_INT64);
  H5Tinsert(t, "memory", G_STRUCT_OFFSET(UsageRec, memory), H5T_NATIVE_INT64);
  return t;
}

static hid_t name_type(void) {
  hid_t s = H5Tcopy(H5T_C_S1);
  H5Tset_size(s, KS_H5_NAME_LEN);
  H5Tset_strpad(s, H5T_STR_NULLPAD);
  H5Tset_cset(s, H5T_CSET_UTF8);
  hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(NameRec));
  H5Tinsert(t, "name", G_STRUCT_OFFSET(NameRec, name), s);
  H5Tclose(s);
  return t;
}

/* Rows of group/name read as mtype; NULL on failure. *n the row count.
 * transfer full */
static gpointer read_rows(hid_t group, const char *name, hid_t mtype, gsize size, gsize *n) {
  hid_t dset = H5Dopen2(group, name, H5P_DEFAULT);
  if (dset < 0)
    return NULL;
  hid_t space = H5Dget_space(dset);
  hssize_t rows = H5Sget_simple_extent_npoints(space);
  gpointer buf = NULL;
  if (rows >= 0 && rows <= G_MAXINT32) {
    buf = g_malloc0(size * (gsize)MAX(rows, 1));
    if (rows > 0 && H5Dread(dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
      g_clear_pointer(&buf, g_free);
    *n = (gsize)rows;
  }
  H5Sclose(space);
  H5Dclose(dset);
  return buf;
}

static gboolean present(const KsNodeRow *n, gint64 t) {
  return n->added_us >= 0 && n->added_us <= t && (n->removed_us < 0 || n->removed_us > t);
}

/* The /nodes row named name that is present at t; -1 when none. */
static gint32 node_row(const KsResults *r, GHashTable *first, const gint32 *next,
                       const char *name, gint64 t) {
  gpointer v;
  if (!g_hash_table_lookup_extended(first, name, NULL, &v))
    return -1;
  for (gint32 i = GPOINTER_TO_INT(v); i >= 0; i = next[i])
    if (present(&r->nodes[i], t))
      return i;
  return -1;
}

static KsNodeUsage *resolve(const KsResults *r, const UsageRec *recs, gsize n,
                            const NameRec *names, gsize n_names) {
  /* name -> first /nodes row with it, chained through next[] */
  GHashTable *first = g_hash_table_new(g_str_hash, g_str_equal);
  gint32 *next = g_new(gint32, MAX(r->n_nodes, 1));
  for (gsize i = r->n_nodes; i-- > 0;) {
    gpointer v;
    next[i] = g_hash_table_lookup_extended(first, r->nodes[i].name, NULL, &v) ? GPOINTER_TO_INT(v)
                                                                            : -1;
    g_hash_table_insert(first, (gpointer)r->nodes[i].name, GINT_TO_POINTER((gint)i));
  }
  char **model_names = g_new0(char *, MAX(n_names, 1));
  for (gsize i = 0; i < n_names; i++)
    model_names[i] = g_strndup(names[i].name, KS_H5_NAME_LEN);
  KsNodeUsage *u = g_new0(KsNodeUsage, 1);
  u->rows = g_new(KsNodeUsageRow, MAX(n, 1));
  u->n = n;
  for (gsize i = 0; i < n; i++) {
    const UsageRec *x = &recs[i];
    gint32 row = x->node >= 0 && (gsize)x->node < n_names
                   ? node_row(r, first, next, model_names[x->node], x->time_us)
                   : -1;
    u->rows[i] = (KsNodeUsageRow){x->time_us, row, x->cpu_milli, x->memory};
  }
  for (gsize i = 0; i < n_names; i++)
    g_free(model_names[i]);
  g_free(model_names);
  g_free(next);
  g_hash_table_destroy(first);
  return u;
}

KsNodeUsage *ks_metrics_node_usage_read_h5(hid_t file, const char *path, const KsResults *r,
                                           GError **error) {
  if (H5Lexists(file, KS_KUBELET_GROUP, H5P_DEFAULT) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return NULL;
  }
  hid_t group = H5Gopen2(file, KS_KUBELET_GROUP, H5P_DEFAULT);
  hid_t ut = usage_type(), nt = name_type();
  gsize n = 0, n_names = 0;
  UsageRec *recs = group >= 0 ? read_rows(group, "node_usage", ut, sizeof(UsageRec), &n) : NULL;
  NameRec *names = group >= 0 ? read_rows(group, "nodes", nt, sizeof(NameRec), &n_names) : NULL;
  H5Tclose(nt);
  H5Tclose(ut);
  if (group >= 0)
    H5Gclose(group);
  H5Eclear2(H5E_DEFAULT);
  KsNodeUsage *u = NULL;
  if (recs && names) {
    if (n > 0) /* else the model ran no pod: /kubelet holds evictions only */
      u = resolve(r, recs, n, names, n_names);
  } else
    g_set_error(error, KS_RESULTS_ERROR, KS_RESULTS_ERROR_FORMAT,
                "%s: /kubelet/node_usage or /kubelet/nodes cannot be read", path);
  g_free(recs);
  g_free(names);
  return u;
}

KsNodeUsage *ks_metrics_node_usage_read(const char *path, const KsResults *r, GError **error) {
  g_return_val_if_fail(path && r, NULL);
  KsH5Quiet q;
  ks_h5_quiet_begin(&q);
  KsNodeUsage *u = NULL;
  hid_t file = ks_h5_check_file(path, error) ? H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT) : -1;
  if (file >= 0) {
    u = ks_metrics_node_usage_read_h5(file, path, r, error);
    H5Fclose(file);
  } else if (error && !*error) {
    ks_h5_set_error(error, KS_RESULTS_ERROR_IO, path, "cannot open");
  }
  ks_h5_quiet_end(&q);
  return u;
}

void ks_node_usage_free(KsNodeUsage *u) {
  if (!u)
    return;
  g_free(u->rows);
  g_free(u);
}

void ks_metrics_usage_series(const KsResults *r, const KsNodeUsage *u, double *cpu,
                             double *memory, gint64 *cpu_used, gint64 *memory_used) {
  gsize j = 0;
  for (gsize i = 0; i < r->n_samples; i++) {
    const KsSampleRow *s = &r->samples[i];
    gint64 used[2] = {0, 0};
    /* rows are in sample order; rows between samples (none are written) are skipped */
    while (u && j < u->n && u->rows[j].time_us < s->time_us)
      j++;
    for (; u && j < u->n && u->rows[j].time_us == s->time_us; j++) {
      const KsNodeUsageRow *x = &u->rows[j];
      if (x->node < 0)
        continue; /* not a present node */
      used[0] += x->cpu_milli;
      used[1] += x->memory;
    }
    if (cpu_used)
      cpu_used[i] = u ? used[0] : -1;
    if (memory_used)
      memory_used[i] = u ? used[1] : -1;
    if (cpu)
      cpu[i] = u && s->cpu_allocatable_milli > 0 ? (double)used[0] / (double)s->cpu_allocatable_milli
                                                 : NAN;
    if (memory)
      memory[i] = u && s->memory_allocatable > 0 ? (double)used[1] / (double)s->memory_allocatable
                                                 : NAN;
  }
}

/* Σ used·dt / Σ allocatable·dt over the samples but the last (which has
 * no duration), as summary.c weighs requests; with no duration, the plain
 * ratio of sums. NAN without allocatable. */
static double weighted_ratio(const KsResults *r, const gint64 *used, gsize alloc_off) {
  double num = 0, den = 0, sum_used = 0, sum_alloc = 0;
  for (gsize i = 0; i < r->n_samples; i++) {
    double alloc = (double)*(const gint64 *)((const char *)&r->samples[i] + alloc_off);
    sum_used += (double)used[i];
    sum_alloc += alloc;
    if (i + 1 < r->n_samples) {
      double dt = (double)(r->samples[i + 1].time_us - r->samples[i].time_us);
      if (dt > 0) {
        num += (double)used[i] * dt;
        den += alloc * dt;
      }
    }
  }
  if (den > 0)
    return num / den;
  return sum_alloc > 0 ? sum_used / sum_alloc : NAN;
}

void ks_metrics_usage_means(const KsResults *r, const KsNodeUsage *u, double *cpu,
                            double *memory) {
  *cpu = *memory = NAN;
  if (!u)
    return;
  gint64 *cu = g_new(gint64, MAX(r->n_samples, 1)), *mu = g_new(gint64, MAX(r->n_samples, 1));
  ks_metrics_usage_series(r, u, NULL, NULL, cu, mu);
  *cpu = weighted_ratio(r, cu, G_STRUCT_OFFSET(KsSampleRow, cpu_allocatable_milli));
  *memory = weighted_ratio(r, mu, G_STRUCT_OFFSET(KsSampleRow, memory_allocatable));
  g_free(cu);
  g_free(mu);
}
