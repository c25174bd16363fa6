/* Scheduling-quality metrics of a run: a flat, ordered set of named
 * figures computed from a results file (definitions and formulas in
 * docs/metrics.md), stored in the file's /metrics dataset at the end of a
 * run and read back by `ksim compare` and `ksim sweep`.
 *
 * The set is fixed: every computation gives every metric of the catalogue
 * (ks_metrics_catalogue), in catalogue order, so tables of many runs line
 * up column by column. A metric that is undefined for a run (no pod was
 * scheduled, the run has no GPUs, its input is not recorded) has the value
 * NAN; it is still present.
 */
#pragma once
#include <glib.h>

#include "sim/results.h"
#include "sim/results_read.h"

/* Which way is better; compare's default rules and the sweep plots use it. */
typedef enum {
  KS_METRIC_BETTER_NONE = 0, /* neither: a description of the run (pods.total) */
  KS_METRIC_BETTER_LOWER,
  KS_METRIC_BETTER_HIGHER,
} KsMetricBetter;

/* "none", "lower", "higher" */
const char *ks_metric_better_to_string(KsMetricBetter b);

/* Longest metric name and unit the /metrics dataset stores. */
#define KS_METRIC_NAME_MAX 63
#define KS_METRIC_UNIT_MAX 15

typedef struct {
  const char *name;   /* dotted: "pending.p99"; owned by the KsMetrics or static */
  const char *unit;   /* "s", "pods", "pods/s", "ratio", "count", "node-h", "cost", "nodes", "us" */
  KsMetricBetter better;
  double value;       /* NAN: undefined for this run */
} KsMetric;

typedef struct {
  KsMetric *items;
  gsize n;
  GStringChunk *strings; /* names and units of metrics read from a file */
} KsMetrics;

/* The definitions (value NAN), in the order every KsMetrics holds them. */
const KsMetric *ks_metrics_catalogue(gsize *n);

/* The nodes' usage as the node agent's resource model measured it
 * (/kubelet/node_usage, docs/results.md): one row per modelled node per
 * sample, in sample order, each resolved to the /nodes row of its name
 * present at that time. */
typedef struct {
  gint64 time_us;
  gint32 node;      /* row of /nodes; -1 when no node of that name is present */
  gint64 cpu_milli; /* granted to the node's modelled pods, plus its system usage */
  gint64 memory;    /* bytes in use, system usage included */
} KsNodeUsageRow;

typedef struct {
  KsNodeUsageRow *rows;
  gsize n;
} KsNodeUsage;

/* The node usage of the results file at path, r its rows (ks_results_read).
 * NULL without an error when the file has no /kubelet group or no
 * /kubelet/node_usage row: no pod had a usage profile, so the run did not
 * model usage. transfer full */
KsNodeUsage *ks_metrics_node_usage_read(const char *path, const KsResults *r, GError **error);
void ks_node_usage_free(KsNodeUsage *u);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(KsNodeUsage, ks_node_usage_free)

/* Cluster usage at each of r's samples (arrays of r->n_samples; any may be
 * NULL): used / allocatable cpu and memory (NAN without allocatable, or
 * when u is NULL), and the used millicores and bytes (-1 when u is NULL).
 * Pods without a usage profile use nothing (docs/metrics.md). */
void ks_metrics_usage_series(const KsResults *r, const KsNodeUsage *u, double *cpu,
                             double *memory, gint64 *cpu_used, gint64 *memory_used);

/* Computes every metric of r; usage.* from u (NULL: NAN, usage not
 * modelled). ks_metrics_read and the /metrics hook pass the file's own
 * usage. transfer full: free with ks_metrics_free */
KsMetrics *ks_metrics_compute_with_usage(const KsResults *r, const KsNodeUsage *u);
/* ks_metrics_compute_with_usage(r, NULL): for rows without a file. */
KsMetrics *ks_metrics_compute(const KsResults *r);

/* The metrics of a results file: its /metrics dataset when it has one,
 * else computed from its rows (files written by ksim before /metrics, or
 * by a writer without ks_metrics_attach). Errors as ks_results_read, plus
 * KS_RESULTS_ERROR_FORMAT for a malformed /metrics. transfer full */
KsMetrics *ks_metrics_read(const char *path, GError **error);

void ks_metrics_free(KsMetrics *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(KsMetrics, ks_metrics_free)

/* The metric named name, or NULL. transfer none */
const KsMetric *ks_metrics_get(const KsMetrics *m, const char *name);
/* Its value, NAN when absent or undefined. */
double ks_metrics_value(const KsMetrics *m, const char *name);

/* Makes commit compute the metrics of everything written and store them
 * as the /metrics dataset (docs/results.md) before the file is closed. */
void ks_metrics_attach(KsResultsWriter *w);

/* ksim.io/hourly-cost: a non-negative decimal price per node hour
 * ("0.096", "12"), at most 6 decimals. Stored exactly as millionths. */
gboolean ks_metrics_parse_hourly_cost(const char *text, gint64 *micro, GError **error);
