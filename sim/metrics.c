/* The metric catalogue and its computation (definitions in docs/metrics.md).
 *
 * Everything the summary already computes (pod counts, pending times,
 * allocation ratios, makespan, node time) comes from ks_summary_compute,
 * so `ksim summary` and the metrics can never disagree; what only the
 * metrics need is computed here, per-node figures in metrics_nodes.c and
 * storage in metrics_h5.c.
 *
 * Figures the pod, node and sample rows cannot give (the scheduler's own
 * counters, evictions, OOM kills, restarts, node prices) are read from
 * root attributes that the run sets (docs/results.md); a figure whose
 * attribute is absent is NAN, never a made-up 0.
 */
#include "sim/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/metrics_private.h"
#include "sim/summary.h"

enum {
  M_PODS_TOTAL, M_PODS_SCHEDULED, M_PODS_NEVER, M_PODS_FAILED,
  M_LAT_P50, M_LAT_P90, M_LAT_P99, M_LAT_MAX, M_LAT_MEAN,
  M_PEND_P50, M_PEND_P90, M_PEND_P99, M_PEND_MAX, M_PEND_MEAN, M_PEND_CENSORED,
  M_THROUGHPUT,
  M_ALLOC_CPU_MEAN, M_ALLOC_CPU_PEAK, M_ALLOC_MEM_MEAN, M_ALLOC_MEM_PEAK,
  M_ALLOC_GPU_MEAN, M_ALLOC_GPU_PEAK,
  M_USAGE_CPU_MEAN, M_USAGE_MEM_MEAN,
  M_FRAG_CPU, M_FRAG_MEM, M_FRAG_GPU,
  M_BAL_CPU, M_BAL_MEM, M_BAL_GPU,
  M_EVICTIONS, M_PREEMPTIONS, M_OOM, M_RESTARTS,
  M_MAKESPAN, M_NODE_HOURS, M_COST,
  M_SLO_PODS, M_SLO_ATTAINMENT,
  M_SCHED_CYCLES, M_SCHED_NODES_PER_CYCLE, M_SCHED_WALL_PER_CYCLE, M_SCHED_ATTEMPTS,
  M_N
};

#define L KS_METRIC_BETTER_LOWER
#define H KS_METRIC_BETTER_HIGHER
#define N KS_METRIC_BETTER_NONE
static const KsMetric catalogue[M_N] = {
  [M_PODS_TOTAL] = {"pods.total", "pods", N, NAN},
  [M_PODS_SCHEDULED] = {"pods.scheduled", "pods", H, NAN},
  [M_PODS_NEVER] = {"pods.never_scheduled", "pods", L, NAN},
  [M_PODS_FAILED] = {"pods.failed", "pods", L, NAN},
  [M_LAT_P50] = {"latency.p50", "s", L, NAN},
  [M_LAT_P90] = {"latency.p90", "s", L, NAN},
  [M_LAT_P99] = {"latency.p99", "s", L, NAN},
  [M_LAT_MAX] = {"latency.max", "s", L, NAN},
  [M_LAT_MEAN] = {"latency.mean", "s", L, NAN},
  [M_PEND_P50] = {"pending.p50", "s", L, NAN},
  [M_PEND_P90] = {"pending.p90", "s", L, NAN},
  [M_PEND_P99] = {"pending.p99", "s", L, NAN},
  [M_PEND_MAX] = {"pending.max", "s", L, NAN},
  [M_PEND_MEAN] = {"pending.mean", "s", L, NAN},
  [M_PEND_CENSORED] = {"pending.censored", "pods", L, NAN},
  [M_THROUGHPUT] = {"throughput", "pods/s", H, NAN},
  [M_ALLOC_CPU_MEAN] = {"alloc.cpu.mean", "ratio", H, NAN},
  [M_ALLOC_CPU_PEAK] = {"alloc.cpu.peak", "ratio", N, NAN},
  [M_ALLOC_MEM_MEAN] = {"alloc.memory.mean", "ratio", H, NAN},
  [M_ALLOC_MEM_PEAK] = {"alloc.memory.peak", "ratio", N, NAN},
  [M_ALLOC_GPU_MEAN] = {"alloc.gpu.mean", "ratio", H, NAN},
  [M_ALLOC_GPU_PEAK] = {"alloc.gpu.peak", "ratio", N, NAN},
  [M_USAGE_CPU_MEAN] = {"usage.cpu.mean", "ratio", H, NAN},
  [M_USAGE_MEM_MEAN] = {"usage.memory.mean", "ratio", H, NAN},
  [M_FRAG_CPU] = {"fragmentation.cpu", "ratio", L, NAN},
  [M_FRAG_MEM] = {"fragmentation.memory", "ratio", L, NAN},
  [M_FRAG_GPU] = {"fragmentation.gpu", "ratio", L, NAN},
  [M_BAL_CPU] = {"balance.cpu.cv", "ratio", L, NAN},
  [M_BAL_MEM] = {"balance.memory.cv", "ratio", L, NAN},
  [M_BAL_GPU] = {"balance.gpu.cv", "ratio", L, NAN},
  [M_EVICTIONS] = {"evictions", "count", L, NAN},
  [M_PREEMPTIONS] = {"preemptions", "count", L, NAN},
  [M_OOM] = {"oom_kills", "count", L, NAN},
  [M_RESTARTS] = {"restarts", "count", L, NAN},
  [M_MAKESPAN] = {"makespan", "s", L, NAN},
  [M_NODE_HOURS] = {"node_hours", "node-h", L, NAN},
  [M_COST] = {"cost", "cost", L, NAN},
  [M_SLO_PODS] = {"slo.pods", "pods", N, NAN},
  [M_SLO_ATTAINMENT] = {"slo.attainment", "ratio", H, NAN},
  [M_SCHED_CYCLES] = {"sched.cycles", "count", N, NAN},
  [M_SCHED_NODES_PER_CYCLE] = {"sched.nodes_examined_per_cycle", "nodes", L, NAN},
  [M_SCHED_WALL_PER_CYCLE] = {"sched.wall_per_cycle_us", "us", L, NAN},
  [M_SCHED_ATTEMPTS] = {"sched.attempts_per_pod", "count", L, NAN},
};
#undef L
#undef H
#undef N

const KsMetric *ks_metrics_catalogue(gsize *n) {
  *n = M_N;
  return catalogue;
}

const char *ks_metric_better_to_string(KsMetricBetter b) {
  switch (b) {
  case KS_METRIC_BETTER_LOWER: return "lower";
  case KS_METRIC_BETTER_HIGHER: return "higher";
  default: return "none";
  }
}

static int cmp_i64(const void *a, const void *b) {
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;
  return (x > y) - (x < y);
}

static double secs(gint64 us) {
  return (double)us / 1e6;
}

/* An integer root attribute as a double, NAN when absent. */
static double attr_num(const KsResults *r, const char *key) {
  const KsResultsAttr *a = ks_results_attr(r, key);
  return a && !a->str ? (double)a->num : NAN;
}

static void latency(const KsResults *r, double *v) {
  gint64 *lat = g_new(gint64, MAX(r->n_pods, 1));
  gsize n = 0;
  double sum = 0;
  for (gsize i = 0; i < r->n_pods; i++) {
    const KsPodRow *p = &r->pods[i];
    if (p->created_us >= 0 && p->scheduled_us >= p->created_us) {
      lat[n++] = p->scheduled_us - p->created_us;
      sum += (double)lat[n - 1];
    }
  }
  if (n > 0) {
    qsort(lat, n, sizeof *lat, cmp_i64);
    v[M_LAT_P50] = secs(ks_summary_percentile(lat, n, 50));
    v[M_LAT_P90] = secs(ks_summary_percentile(lat, n, 90));
    v[M_LAT_P99] = secs(ks_summary_percentile(lat, n, 99));
    v[M_LAT_MAX] = secs(lat[n - 1]);
    v[M_LAT_MEAN] = sum / (double)n / 1e6;
  }
  g_free(lat);
}

static void pending(const KsResults *r, const KsSummary *s, double *v) {
  gsize n = 0;
  gint64 censored = 0;
  gint64 *pend = ks_summary_pending_times(r, s->sim_end_us, &n, &censored);
  v[M_PEND_CENSORED] = (double)censored;
  if (n > 0) {
    v[M_PEND_P50] = secs(ks_summary_percentile(pend, n, 50));
    v[M_PEND_P90] = secs(ks_summary_percentile(pend, n, 90));
    v[M_PEND_P99] = secs(ks_summary_percentile(pend, n, 99));
    v[M_PEND_MAX] = secs(pend[n - 1]);
    v[M_PEND_MEAN] = s->pending_time_mean_us / 1e6;
  }
  g_free(pend);
}

/* Node time priced by the "hourly_cost.<pool>" attributes (millionths per
 * node hour); NAN when no pool has a price. */
static double cost(const KsResults *r, gint64 sim_end_us) {
  gboolean priced = FALSE;
  double total = 0;
  for (gsize i = 0; i < r->n_nodes; i++) {
    const KsNodeRow *n = &r->nodes[i];
    g_autofree char *key = g_strconcat("hourly_cost.", n->pool, NULL);
    double micro = attr_num(r, key);
    if (isnan(micro))
      continue;
    priced = TRUE;
    gint64 until = n->removed_us >= 0 ? n->removed_us : sim_end_us;
    if (n->added_us >= 0 && until > n->added_us)
      total += (double)(until - n->added_us) * micro;
  }
  if (!priced) {
    for (gsize i = 0; i < r->n_attrs; i++)
      if (g_str_has_prefix(r->attrs[i].key, "hourly_cost.") && !r->attrs[i].str)
        return 0; /* priced pools, none of whose nodes existed */
    return NAN;
  }
  return total / 3.6e15; /* µs x millionths -> hours x units */
}

/* Pods with a deadline: met when they succeeded within it; missed when
 * they finished otherwise or later, or were still unfinished when the
 * deadline passed before the end; undecided (left out) when the run ended
 * before their deadline while they were still pending or running. */
static void slo(const KsResults *r, gint64 sim_end_us, double *v) {
  gint64 pods = 0, met = 0, missed = 0;
  for (gsize i = 0; i < r->n_pods; i++) {
    const KsPodRow *p = &r->pods[i];
    if (p->deadline_us <= 0 || p->created_us < 0)
      continue;
    pods++;
    gint64 due = p->created_us + p->deadline_us;
    if (p->finished_us >= 0 && p->outcome == KS_OUTCOME_SUCCEEDED && p->finished_us <= due)
      met++;
    else if (p->finished_us >= 0 || due <= sim_end_us)
      missed++;
  }
  v[M_SLO_PODS] = (double)pods;
  if (met + missed > 0)
    v[M_SLO_ATTAINMENT] = (double)met / (double)(met + missed);
}

static void sched_work(const KsResults *r, double *v) {
  double cycles = attr_num(r, "sched_cycles");
  double examined = attr_num(r, "sched_nodes_examined");
  double wall = attr_num(r, "sched_wall_us");
  v[M_SCHED_CYCLES] = cycles;
  if (cycles > 0) {
    v[M_SCHED_NODES_PER_CYCLE] = examined / cycles;
    v[M_SCHED_WALL_PER_CYCLE] = wall / cycles;
  }
  gint64 attempts = 0, pods = 0;
  for (gsize i = 0; i < r->n_pods; i++) {
    if (r->pods[i].created_us < 0)
      continue;
    attempts += r->pods[i].attempts;
    pods++;
  }
  if (pods > 0)
    v[M_SCHED_ATTEMPTS] = (double)attempts / (double)pods;
}

KsMetrics *ks_metrics_compute(const KsResults *r) {
  return ks_metrics_compute_with_usage(r, NULL);
}

KsMetrics *ks_metrics_compute_with_usage(const KsResults *r, const KsNodeUsage *u) {
  g_return_val_if_fail(r, NULL);
  double v[M_N];
  for (int i = 0; i < M_N; i++)
    v[i] = NAN;
  KsSummary s;
  ks_summary_compute(r, &s);
  v[M_PODS_TOTAL] = (double)s.pods_total;
  v[M_PODS_SCHEDULED] = (double)s.pods_scheduled;
  v[M_PODS_NEVER] = (double)s.pods_never_scheduled;
  v[M_PODS_FAILED] = (double)s.pods_failed;
  latency(r, v);
  pending(r, &s, v);
  gint64 duration = s.sim_end_us - s.sim_start_us;
  if (duration > 0)
    v[M_THROUGHPUT] = (double)s.pods_scheduled / secs(duration);
  v[M_ALLOC_CPU_MEAN] = s.cpu_utilization_mean;
  v[M_ALLOC_CPU_PEAK] = s.cpu_utilization_peak;
  v[M_ALLOC_MEM_MEAN] = s.memory_utilization_mean;
  v[M_ALLOC_MEM_PEAK] = s.memory_utilization_peak;
  v[M_ALLOC_GPU_MEAN] = s.gpu_allocation_mean;
  v[M_ALLOC_GPU_PEAK] = s.gpu_allocation_peak;
  ks_metrics_usage_means(r, u, &v[M_USAGE_CPU_MEAN], &v[M_USAGE_MEM_MEAN]);
  KsNodeFigures nf;
  ks_metrics_node_figures(r, &nf);
  v[M_FRAG_CPU] = nf.fragmentation[KS_MR_CPU];
  v[M_FRAG_MEM] = nf.fragmentation[KS_MR_MEMORY];
  v[M_FRAG_GPU] = nf.fragmentation[KS_MR_GPU];
  v[M_BAL_CPU] = nf.balance_cv[KS_MR_CPU];
  v[M_BAL_MEM] = nf.balance_cv[KS_MR_MEMORY];
  v[M_BAL_GPU] = nf.balance_cv[KS_MR_GPU];
  v[M_EVICTIONS] = attr_num(r, "evictions");
  v[M_PREEMPTIONS] = attr_num(r, "preemptions");
  v[M_OOM] = attr_num(r, "oom_kills");
  v[M_RESTARTS] = attr_num(r, "restarts");
  if (s.has_makespan)
    v[M_MAKESPAN] = secs(s.makespan_us);
  v[M_NODE_HOURS] = (double)s.node_seconds_us / 3.6e9;
  v[M_COST] = cost(r, s.sim_end_us);
  slo(r, s.sim_end_us, v);
  sched_work(r, v);

  KsMetrics *m = g_new0(KsMetrics, 1);
  m->n = M_N;
  m->items = g_new(KsMetric, M_N);
  for (int i = 0; i < M_N; i++) {
    m->items[i] = catalogue[i];
    m->items[i].value = v[i];
  }
  return m;
}

void ks_metrics_free(KsMetrics *m) {
  if (!m)
    return;
  g_free(m->items);
  if (m->strings)
    g_string_chunk_free(m->strings);
  g_free(m);
}

const KsMetric *ks_metrics_get(const KsMetrics *m, const char *name) {
  for (gsize i = 0; i < m->n; i++)
    if (!strcmp(m->items[i].name, name))
      return &m->items[i];
  return NULL;
}

double ks_metrics_value(const KsMetrics *m, const char *name) {
  const KsMetric *x = ks_metrics_get(m, name);
  return x ? x->value : NAN;
}

gboolean ks_metrics_parse_hourly_cost(const char *text, gint64 *micro, GError **error) {
  const char *p = text;
  gint64 whole = 0, frac = 0;
  int int_digits = 0, frac_digits = 0;
  for (; g_ascii_isdigit(*p) && int_digits <= 9; p++, int_digits++)
    whole = whole * 10 + (*p - '0');
  if (*p == '.')
    for (p++; g_ascii_isdigit(*p) && frac_digits <= 6; p++, frac_digits++)
      frac = frac * 10 + (*p - '0');
  if (int_digits == 0 || int_digits > 9 || *p || (p[-1] == '.') || frac_digits > 6) {
    g_set_error(error, KS_RESULTS_ERROR, KS_RESULTS_ERROR_FORMAT,
                "\"%s\" is not a price per node hour (a decimal such as 0.096, at most 9 "
                "digits before the point and 6 after)", text);
    return FALSE;
  }
  for (int i = frac_digits; i < 6; i++)
    frac *= 10;
  *micro = whole * 1000000 + frac;
  return TRUE;
}
