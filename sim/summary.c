/* The headline figures of a run (definitions in docs/results.md).
 *
 * Choices worth knowing:
 * - Pending time includes pods still pending when the run ended, counted
 *   up to the end of the run. Their true pending time is longer, so the
 *   percentiles are lower bounds whenever pending_time_censored_count > 0;
 *   leaving those pods out instead would make a policy that starves pods
 *   look better than one that schedules them late. Pods deleted before
 *   being scheduled are left out: their wait ended without a placement and
 *   the file does not record when.
 * - Percentiles are nearest-rank on the sorted int64 microsecond values,
 *   so every reported percentile is a value some pod actually had and no
 *   floating point enters until printing.
 * - Mean utilization is the ratio of integrals, sum(requested * dt) /
 *   sum(allocatable * dt), each sample holding until the next one: it is
 *   requested core-seconds over allocatable core-seconds, which stays
 *   meaningful when the autoscaler changes the cluster's size.
 * - Seconds are printed from integer microseconds with exactly six
 *   decimals, so JSON output is exact and byte-stable.
 */
#include "sim/summary.h"

#include "sim/kubelet/image_results.h"
#include "sim/kubelet/kubelet_results.h"

#include "sim/json.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>


gint64 ks_summary_percentile(const gint64 *sorted, gsize n, int p) {
  g_return_val_if_fail(n > 0 && p > 0 && p <= 100, 0);
  gsize rank = ((gsize)p * n + 99) / 100; /* ceil(p * n / 100), >= 1 */
  return sorted[rank - 1];
}

static int cmp_i64(const void *a, const void *b) {
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;
  return (x > y) - (x < y);
}

static void widen(gint64 t, gint64 *lo, gint64 *hi) {
  if (t < 0)
    return;
  *lo = MIN(*lo, t);
  *hi = MAX(*hi, t);
}

static void time_bounds(const KsResults *r, KsSummary *s) {
  gint64 lo = G_MAXINT64, hi = -1;
  for (gsize i = 0; i < r->n_samples; i++)
    widen(r->samples[i].time_us, &lo, &hi);
  for (gsize i = 0; i < r->n_pods; i++) {
    const KsPodRow *p = &r->pods[i];
    widen(p->created_us, &lo, &hi);
    widen(p->scheduled_us, &lo, &hi);
    widen(p->started_us, &lo, &hi);
    widen(p->finished_us, &lo, &hi);
  }
  for (gsize i = 0; i < r->n_nodes; i++) {
    widen(r->nodes[i].added_us, &lo, &hi);
    widen(r->nodes[i].removed_us, &lo, &hi);
  }
  const KsResultsAttr *end = ks_results_attr(r, "sim_end_us");
  if (end && !end->str)
    widen(end->num, &lo, &hi);
  s->sim_start_us = hi < 0 ? 0 : lo;
  s->sim_end_us = hi < 0 ? 0 : hi;
}

static void count_outcome(KsSummary *s, KsPodOutcome o) {
  switch (o) {
  case KS_OUTCOME_PENDING: s->pods_pending_at_end++; break;
  case KS_OUTCOME_RUNNING: s->pods_running_at_end++; break;
  case KS_OUTCOME_SUCCEEDED: s->pods_succeeded++; break;
  case KS_OUTCOME_FAILED: s->pods_failed++; break;
  case KS_OUTCOME_DELETED: s->pods_deleted++; break;
  }
}

gint64 *ks_summary_pending_times(const KsResults *r, gint64 sim_end_us, gsize *n_out,
                                 gint64 *censored) {
  gint64 *v = g_new(gint64, MAX(r->n_pods, 1));
  gsize n = 0;
  *censored = 0;
  for (gsize i = 0; i < r->n_pods; i++) {
    const KsPodRow *p = &r->pods[i];
    if (p->created_us < 0)
      continue;
    if (p->scheduled_us >= 0) {
      v[n++] = p->scheduled_us - p->created_us;
    } else if (p->outcome == KS_OUTCOME_PENDING) {
      v[n++] = MAX(sim_end_us - p->created_us, 0);
      (*censored)++;
    }
  }
  qsort(v, n, sizeof *v, cmp_i64);
  *n_out = n;
  return v;
}

static void pending_times(const KsResults *r, KsSummary *s) {
  gsize n = 0;
  gint64 *v = ks_summary_pending_times(r, s->sim_end_us, &n, &s->pending_time_censored);
  double sum = 0;
  for (gsize i = 0; i < n; i++)
    sum += (double)v[i];
  s->pending_time_count = (gint64)n;
  if (n > 0) {
    s->pending_time_p50_us = ks_summary_percentile(v, n, 50);
    s->pending_time_p95_us = ks_summary_percentile(v, n, 95);
    s->pending_time_p99_us = ks_summary_percentile(v, n, 99);
    s->pending_time_max_us = v[n - 1];
    s->pending_time_mean_us = sum / (double)n;
  }
  g_free(v);
}

static void pods(const KsResults *r, KsSummary *s) {
  gint64 first_created = G_MAXINT64, last_finished = -1;
  s->pods_total = (gint64)r->n_pods;
  for (gsize i = 0; i < r->n_pods; i++) {
    const KsPodRow *p = &r->pods[i];
    if (p->scheduled_us >= 0)
      s->pods_scheduled++;
    else
      s->pods_never_scheduled++;
    count_outcome(s, p->outcome);
    if (p->created_us >= 0)
      first_created = MIN(first_created, p->created_us);
    last_finished = MAX(last_finished, p->finished_us);
  }
  s->has_makespan = last_finished >= 0 && first_created != G_MAXINT64;
  s->makespan_us = s->has_makespan ? last_finished - first_created : 0;
  pending_times(r, s);
}

/* Mean and peak of req/alloc over the samples; NAN when undefined. */
static void utilization(const KsResults *r, gsize req_off, gsize alloc_off, double *mean,
                        double *peak) {
  double num = 0, den = 0, sum_req = 0, sum_alloc = 0;
  *peak = NAN;
  for (gsize i = 0; i < r->n_samples; i++) {
    const char *row = (const char *)&r->samples[i];
    double req = (double)*(const gint64 *)(row + req_off);
    double alloc = (double)*(const gint64 *)(row + alloc_off);
    sum_req += req;
    sum_alloc += alloc;
    if (alloc > 0 && (isnan(*peak) || req / alloc > *peak))
      *peak = req / alloc;
    if (i + 1 < r->n_samples) {
      double dt = (double)(r->samples[i + 1].time_us - r->samples[i].time_us);
      if (dt > 0) {
        num += req * dt;
        den += alloc * dt;
      }
    }
  }
  if (den > 0)
    *mean = num / den;
  else /* no duration to weigh by: the plain ratio of sums */
    *mean = sum_alloc > 0 ? sum_req / sum_alloc : NAN;
}

static void nodes(const KsResults *r, KsSummary *s) {
  s->nodes_total = (gint64)r->n_nodes;
  for (gsize i = 0; i < r->n_nodes; i++) {
    const KsNodeRow *n = &r->nodes[i];
    gint64 until = n->removed_us >= 0 ? n->removed_us : s->sim_end_us;
    if (n->added_us >= 0 && until > n->added_us)
      s->node_seconds_us += until - n->added_us;
  }
}

void ks_summary_compute(const KsResults *r, KsSummary *s) {
  memset(s, 0, sizeof *s);
  time_bounds(r, s);
  pods(r, s);
  utilization(r, offsetof(KsSampleRow, cpu_requested_milli),
              offsetof(KsSampleRow, cpu_allocatable_milli), &s->cpu_utilization_mean,
              &s->cpu_utilization_peak);
  utilization(r, offsetof(KsSampleRow, memory_requested),
              offsetof(KsSampleRow, memory_allocatable), &s->memory_utilization_mean,
              &s->memory_utilization_peak);
  s->has_utilization = !isnan(s->cpu_utilization_mean) || !isnan(s->memory_utilization_mean);
  utilization(r, offsetof(KsSampleRow, gpu_requested_milli),
              offsetof(KsSampleRow, gpu_allocatable_milli), &s->gpu_allocation_mean,
              &s->gpu_allocation_peak);
  nodes(r, s);
}

/* ---- output ---- */

/* Exact decimal seconds from microseconds: "-1.500000". */
static const char *fmt_s(gint64 us, char buf[32]) {
  guint64 a = us < 0 ? (guint64)0 - (guint64)us : (guint64)us;
  g_snprintf(buf, 32, "%s%" G_GUINT64_FORMAT ".%06" G_GUINT64_FORMAT, us < 0 ? "-" : "",
             a / 1000000, a % 1000000);
  return buf;
}

/* Locale-independent "%.6f", or NULL for NAN. */
static const char *fmt_f(double v, char buf[G_ASCII_DTOSTR_BUF_SIZE]) {
  return isnan(v) ? NULL : g_ascii_formatd(buf, G_ASCII_DTOSTR_BUF_SIZE, "%.6f", v);
}

static void json_secs(KsJson *j, const char *key, gboolean valid, gint64 us) {
  char buf[32];
  ks_json_raw(j, key, valid ? fmt_s(us, buf) : NULL);
}

static void json_double(KsJson *j, const char *key, double v) {
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  ks_json_raw(j, key, fmt_f(v, buf));
}

static void json_attrs(KsJson *j, const KsResults *r) {
  ks_json_begin_object(j, "attributes");
  for (gsize i = 0; i < r->n_attrs; i++) {
    const KsResultsAttr *a = &r->attrs[i];
    if (a->str)
      ks_json_string(j, a->key, a->str);
    else
      ks_json_int(j, a->key, a->num);
  }
  ks_json_end_object(j);
}

/* The resource model's totals by QoS class (docs/node-agent.md). */
static void json_kubelet(KsJson *j, const KsKubeletResults *k) {
  ks_json_begin_object(j, "kubelet");
  for (guint i = 0; i < k->qos->len; i++) {
    const KsKubeletResultRow *q = &g_array_index(k->qos, KsKubeletResultRow, i);
    ks_json_begin_object(j, q->name);
    ks_json_int(j, "pods", q->pods);
    ks_json_int(j, "oom_kills", q->oom_kills);
    ks_json_int(j, "node_oom_kills", q->node_oom_kills);
    ks_json_int(j, "restarts", q->restarts);
    json_double(j, "throttled_cpu_s", (double)q->throttled_cpu_ms / 1e3);
    json_double(j, "cpu_used_cpu_s", (double)q->cpu_used_cpu_ms / 1e3);
    ks_json_end_object(j);
  }
  ks_json_end_object(j);
}

/* Evictions by cause, QoS class and node (docs/node-agent.md "Results"). */
static void json_eviction_counts(KsJson *j, const char *key, const gint64 *counts) {
  ks_json_begin_object(j, key);
  for (guint c = 0; c < KS_EVICTION_CAUSE_COUNT; c++)
    ks_json_int(j, ks_eviction_cause_to_string((KsEvictionCause)c), counts[c]);
  ks_json_end_object(j);
}

static void json_evictions(KsJson *j, const KsKubeletResults *k) {
  gint64 by_cause[KS_EVICTION_CAUSE_COUNT] = {0};
  for (guint i = 0; i < k->qos->len; i++)
    for (guint c = 0; c < KS_EVICTION_CAUSE_COUNT; c++)
      by_cause[c] += g_array_index(k->qos, KsKubeletResultRow, i).evictions[c];
  ks_json_begin_object(j, "evictions");
  ks_json_int(j, "total", (gint64)k->evictions->len);
  json_eviction_counts(j, "by_cause", by_cause);
  ks_json_begin_object(j, "by_qos");
  for (guint i = 0; i < k->qos->len; i++) {
    const KsKubeletResultRow *q = &g_array_index(k->qos, KsKubeletResultRow, i);
    json_eviction_counts(j, q->name, q->evictions);
  }
  ks_json_end_object(j);
  ks_json_begin_object(j, "by_node");
  for (guint i = 0; i < k->nodes->len; i++) {
    const KsKubeletResultRow *n = &g_array_index(k->nodes, KsKubeletResultRow, i);
    gint64 total = 0;
    for (guint c = 0; c < KS_EVICTION_CAUSE_COUNT; c++)
      total += n->evictions[c];
    if (total)
      json_eviction_counts(j, n->name, n->evictions);
  }
  ks_json_end_object(j);
  ks_json_end_object(j);
}

static void print_json(const char *path, const KsResults *r, const KsSummary *s,
                       const KsKubeletResults *k, const KsImagePullTotals *img, FILE *f) {
  KsJson j;
  ks_json_init(&j, f);
  const KsResultsAttr *ver = ks_results_attr(r, "ksim_version");
  ks_json_begin_object(&j, NULL);
  ks_json_string(&j, "file", path);
  ks_json_int(&j, "schema_version", r->schema_version);
  ks_json_string(&j, "ksim_version", ver && ver->str ? ver->str : "");
  json_attrs(&j, r);
  ks_json_int(&j, "pods_total", s->pods_total);
  ks_json_int(&j, "pods_scheduled", s->pods_scheduled);
  ks_json_int(&j, "pods_never_scheduled", s->pods_never_scheduled);
  ks_json_int(&j, "pods_pending_at_end", s->pods_pending_at_end);
  ks_json_int(&j, "pods_running_at_end", s->pods_running_at_end);
  ks_json_int(&j, "pods_succeeded", s->pods_succeeded);
  ks_json_int(&j, "pods_failed", s->pods_failed);
  ks_json_int(&j, "pods_deleted", s->pods_deleted);
  gboolean pt = s->pending_time_count > 0;
  ks_json_int(&j, "pending_time_count", s->pending_time_count);
  ks_json_int(&j, "pending_time_censored_count", s->pending_time_censored);
  json_secs(&j, "pending_time_p50_s", pt, s->pending_time_p50_us);
  json_secs(&j, "pending_time_p95_s", pt, s->pending_time_p95_us);
  json_secs(&j, "pending_time_p99_s", pt, s->pending_time_p99_us);
  json_double(&j, "pending_time_mean_s", pt ? s->pending_time_mean_us / 1e6 : NAN);
  json_secs(&j, "pending_time_max_s", pt, s->pending_time_max_us);
  json_double(&j, "cpu_utilization_mean_ratio", s->cpu_utilization_mean);
  json_double(&j, "cpu_utilization_peak_ratio", s->cpu_utilization_peak);
  json_double(&j, "memory_utilization_mean_ratio", s->memory_utilization_mean);
  json_double(&j, "memory_utilization_peak_ratio", s->memory_utilization_peak);
  json_double(&j, "gpu_allocation_mean_ratio", s->gpu_allocation_mean);
  json_double(&j, "gpu_allocation_peak_ratio", s->gpu_allocation_peak);
  json_secs(&j, "makespan_s", s->has_makespan, s->makespan_us);
  json_secs(&j, "sim_start_s", TRUE, s->sim_start_us);
  json_secs(&j, "sim_end_s", TRUE, s->sim_end_us);
  json_secs(&j, "sim_duration_s", TRUE, s->sim_end_us - s->sim_start_us);
  ks_json_int(&j, "nodes_total", s->nodes_total);
  json_double(&j, "node_hours", (double)s->node_seconds_us / 3.6e9);
  if (k && k->pods->len) /* the resource model ran */
    json_kubelet(&j, k);
  if (k)
    json_evictions(&j, k);
  if (img) /* image pulls happened (sim/kubelet/image_results.h) */
    ks_image_results_print_json(&j, img);
  ks_json_end_object(&j);
  ks_json_finish(&j);
}

/* Human durations: "42.500s", "12m03.250s", "3h07m12.000s". */
static const char *fmt_human(gint64 us, char buf[48]) {
  gint64 ms = us / 1000, h = ms / 3600000, m = ms / 60000 % 60;
  double sec = (double)(ms % 60000) / 1000.0;
  if (h)
    g_snprintf(buf, 48, "%" G_GINT64_FORMAT "h%02" G_GINT64_FORMAT "m%06.3fs", h, m, sec);
  else if (m)
    g_snprintf(buf, 48, "%" G_GINT64_FORMAT "m%06.3fs", m, sec);
  else
    g_snprintf(buf, 48, "%.3fs", sec);
  return buf;
}

static void row(FILE *f, const char *label, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void row(FILE *f, const char *label, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(f, "%-20s ", label);
  vfprintf(f, fmt, ap);
  fputc('\n', f);
  va_end(ap);
}

static void table_pending(FILE *f, const KsSummary *s) {
  if (s->pending_time_count == 0) {
    row(f, "pending time", "-");
    return;
  }
  char a[48], b[48], c[48], d[48], e[48];
  row(f, "pending time", "p50 %s  p95 %s  p99 %s  mean %s  max %s",
      fmt_human(s->pending_time_p50_us, a), fmt_human(s->pending_time_p95_us, b),
      fmt_human(s->pending_time_p99_us, c), fmt_human((gint64)s->pending_time_mean_us, d),
      fmt_human(s->pending_time_max_us, e));
  if (s->pending_time_censored)
    row(f, "", "(%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT
        " pods still pending at the end: figures are lower bounds)",
        s->pending_time_censored, s->pending_time_count);
}

static void table_util(FILE *f, const char *label, double mean, double peak) {
  if (isnan(mean))
    row(f, label, "-");
  else
    row(f, label, "mean %.1f%%  peak %.1f%%", 100 * mean, 100 * peak);
}

static void table_kubelet(FILE *f, const KsKubeletResults *k) {
  GString *oom = g_string_new(NULL), *rs = g_string_new(NULL), *thr = g_string_new(NULL);
  for (guint i = 0; i < k->qos->len; i++) {
    const KsKubeletResultRow *q = &g_array_index(k->qos, KsKubeletResultRow, i);
    const char *sep = i ? ", " : "";
    g_string_append_printf(oom, "%s%s %" G_GINT64_FORMAT, sep, q->name, q->oom_kills);
    if (q->node_oom_kills)
      g_string_append_printf(oom, " (%" G_GINT64_FORMAT " by the node)", q->node_oom_kills);
    g_string_append_printf(rs, "%s%s %" G_GINT64_FORMAT, sep, q->name, q->restarts);
    g_string_append_printf(thr, "%s%s %.1f cpu-s", sep, q->name, (double)q->throttled_cpu_ms / 1e3);
  }
  row(f, "usage-modelled pods", "%u on %u nodes", k->pods->len, k->model_nodes);
  row(f, "oom kills", "%s", oom->str);
  row(f, "restarts", "%s", rs->str);
  row(f, "cpu throttled", "%s", thr->str);
  g_string_free(oom, TRUE);
  g_string_free(rs, TRUE);
  g_string_free(thr, TRUE);
}

static gint64 eviction_total(const KsKubeletResultRow *r) {
  gint64 t = 0;
  for (guint c = 0; c < KS_EVICTION_CAUSE_COUNT; c++)
    t += r->evictions[c];
  return t;
}

static gint cmp_node_evictions(gconstpointer a, gconstpointer b) {
  const KsKubeletResultRow *x = *(KsKubeletResultRow *const *)a, *y = *(KsKubeletResultRow *const *)b;
  gint64 tx = eviction_total(x), ty = eviction_total(y);
  return (ty > tx) - (ty < tx);
}

/* The nodes with the most evictions (ties in row order), at most this many. */
#define SUMMARY_EVICTION_NODES 10

static void table_evictions(FILE *f, const KsKubeletResults *k) {
  GString *qos = g_string_new(NULL), *cause = g_string_new(NULL), *nodes = g_string_new(NULL);
  gint64 by_cause[KS_EVICTION_CAUSE_COUNT] = {0};
  for (guint i = 0; i < k->qos->len; i++) {
    const KsKubeletResultRow *q = &g_array_index(k->qos, KsKubeletResultRow, i);
    g_string_append_printf(qos, "%s%s %" G_GINT64_FORMAT, i ? ", " : "", q->name,
                           eviction_total(q));
    for (guint c = 0; c < KS_EVICTION_CAUSE_COUNT; c++)
      by_cause[c] += q->evictions[c];
  }
  for (guint c = 0; c < KS_EVICTION_CAUSE_COUNT; c++)
    g_string_append_printf(cause, "%s%s %" G_GINT64_FORMAT, c ? ", " : "",
                           ks_eviction_cause_to_string((KsEvictionCause)c), by_cause[c]);
  GPtrArray *hit = g_ptr_array_new();
  for (guint i = 0; i < k->nodes->len; i++)
    if (eviction_total(&g_array_index(k->nodes, KsKubeletResultRow, i)))
      g_ptr_array_add(hit, &g_array_index(k->nodes, KsKubeletResultRow, i));
  g_ptr_array_sort(hit, cmp_node_evictions); /* g_ptr_array_sort is stable */
  for (guint i = 0; i < MIN(hit->len, SUMMARY_EVICTION_NODES); i++) {
    const KsKubeletResultRow *n = hit->pdata[i];
    g_string_append_printf(nodes, "%s%s %" G_GINT64_FORMAT, i ? ", " : "", n->name,
                           eviction_total(n));
  }
  if (hit->len > SUMMARY_EVICTION_NODES)
    g_string_append_printf(nodes, " and %u more nodes", hit->len - SUMMARY_EVICTION_NODES);
  row(f, "evictions", "%u: %s", k->evictions->len, qos->str);
  row(f, "evictions by cause", "%s", cause->str);
  row(f, "evictions by node", "%s", hit->len ? nodes->str : "-");
  g_ptr_array_unref(hit);
  g_string_free(qos, TRUE);
  g_string_free(cause, TRUE);
  g_string_free(nodes, TRUE);
}

static void print_table(const char *path, const KsResults *r, const KsSummary *s,
                        const KsKubeletResults *k, const KsImagePullTotals *img, FILE *f) {
  char a[48], b[48];
  row(f, "file", "%s", path);
  for (gsize i = 0; i < r->n_attrs; i++) {
    const KsResultsAttr *at = &r->attrs[i];
    if (at->str)
      row(f, at->key, "%s", at->str);
    else
      row(f, at->key, "%" G_GINT64_FORMAT, at->num);
  }
  fputc('\n', f);
  row(f, "pods", "%" G_GINT64_FORMAT " total, %" G_GINT64_FORMAT " scheduled, %" G_GINT64_FORMAT
      " never scheduled", s->pods_total, s->pods_scheduled, s->pods_never_scheduled);
  row(f, "outcomes", "%" G_GINT64_FORMAT " succeeded, %" G_GINT64_FORMAT " failed, %"
      G_GINT64_FORMAT " deleted, %" G_GINT64_FORMAT " running and %" G_GINT64_FORMAT
      " pending at the end", s->pods_succeeded, s->pods_failed, s->pods_deleted,
      s->pods_running_at_end, s->pods_pending_at_end);
  table_pending(f, s);
  table_util(f, "cpu utilization", s->cpu_utilization_mean, s->cpu_utilization_peak);
  table_util(f, "memory utilization", s->memory_utilization_mean, s->memory_utilization_peak);
  if (!isnan(s->gpu_allocation_mean)) /* only runs whose nodes have GPUs */
    table_util(f, "gpu allocation", s->gpu_allocation_mean, s->gpu_allocation_peak);
  row(f, "makespan", "%s", s->has_makespan ? fmt_human(s->makespan_us, a) : "-");
  row(f, "sim duration", "%s (%s to %s)", fmt_human(s->sim_end_us - s->sim_start_us, a),
      fmt_human(s->sim_start_us, b), fmt_human(s->sim_end_us, (char[48]){0}));
  row(f, "nodes", "%" G_GINT64_FORMAT " (%.2f node-hours)", s->nodes_total,
      (double)s->node_seconds_us / 3.6e9);
  if (k && k->pods->len) /* the resource model ran */
    table_kubelet(f, k);
  if (k)
    table_evictions(f, k);
  if (img)
    ks_image_results_print_row(f, img);
}

gboolean ks_summary_print(const char *path, KsSummaryFormat fmt, FILE *out, GError **error) {
  g_autoptr(KsResults) r = ks_results_read(path, error);
  if (!r)
    return FALSE;
  KsSummary s;
  ks_summary_compute(r, &s);
  /* the node agent's resource model, only in runs that used it */
  KsKubeletResults *k = ks_kubelet_results_read(path, error);
  if (!k && error && *error)
    return FALSE;
  KsImagePullTotals img;
  gboolean has_img = FALSE;
  if (!ks_image_results_read_totals(path, &img, &has_img, error)) {
    ks_kubelet_results_free(k);
    return FALSE;
  }
  if (fmt == KS_SUMMARY_JSON)
    print_json(path, r, &s, k, has_img ? &img : NULL, out);
  else
    print_table(path, r, &s, k, has_img ? &img : NULL, out);
  ks_kubelet_results_free(k);
  return TRUE;
}
