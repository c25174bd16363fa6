/* Private to sim/metrics*.c: the pieces of the metric computation that
 * live in their own files. */
#pragma once
#include <glib.h>
#include <hdf5.h>

#include "sim/metrics.h"
#include "sim/results_read.h"

/* Resources the per-node figures cover, in this order. */
enum { KS_MR_CPU, KS_MR_MEMORY, KS_MR_GPU, KS_MR_N };

typedef struct {
  double fragmentation[KS_MR_N]; /* NAN when undefined */
  double balance_cv[KS_MR_N];
} KsNodeFigures;

/* Replays the pods' binds and departures node by node and evaluates, at
 * every /timeseries sample, fragmentation and balance (metrics_nodes.c). */
void ks_metrics_node_figures(const KsResults *r, KsNodeFigures *out);

/* Time-weighted mean over samples (each holds until the next, the last
 * has no weight); with no duration, the plain mean; NAN when no sample
 * had a value. */
typedef struct {
  double sum_wv, sum_w, sum_v;
  gsize n;
} KsWeightedMean;

static inline void ks_weighted_add(KsWeightedMean *m, double v, double w) {
  m->sum_wv += v * w;
  m->sum_w += w;
  m->sum_v += v;
  m->n++;
}

double ks_weighted_result(const KsWeightedMean *m);

/* ks_metrics_node_usage_read on an open file (the /metrics commit hook's);
 * path names it in errors (metrics_usage.c). */
KsNodeUsage *ks_metrics_node_usage_read_h5(hid_t file, const char *path, const KsResults *r,
                                           GError **error);
/* usage.cpu.mean and usage.memory.mean: NAN when u is NULL. */
void ks_metrics_usage_means(const KsResults *r, const KsNodeUsage *u, double *cpu,
                            double *memory);

