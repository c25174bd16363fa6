/* The GPU allocation curve of a fill run: how much of the cluster's GPU
 * capacity is allocated as the arrived GPU workload grows, the measure of
 * the FGD paper's Fig. 9 (docs/fgd.md, section 4.5).
 *
 * Read from a results file's /pods rows in creation (arrival) order: after
 * pod i's one scheduling attempt, arrived A_i = sum of gpu_request_milli of
 * pods 0..i, allocated U_i = the same sum over those that were bound. That
 * is exact for a fill run (no pod leaves, each pod gets one attempt, as the
 * replay's fill mode does); for other runs the curve is not defined.
 *
 * Points are binned as the paper's analysis scripts do: per event,
 * arrive% = A/N/10 rounded half to even, alloc% = U/N/10 rounded to 2
 * decimals (N = GPUs in the cluster); the value at integer x is the mean
 * alloc% of the events whose arrive% is x, or when there are none, of those
 * within x +- 1; a point without any event is absent.
 */
#pragma once
#include <glib.h>
#include <stdio.h>

#include "sim/results_read.h"

#define KS_GPU_CURVE_MAX_PCT 130

typedef struct {
  gint64 total_gpus;       /* N: GPUs over the run's nodes */
  gint64 arrived_milli;    /* A at the last pod */
  gint64 allocated_milli;  /* U at the last pod */
  guint64 pods;            /* pod rows (events) */
  /* alloc% at arrive% x = 0..KS_GPU_CURVE_MAX_PCT; has[x] FALSE when absent */
  double alloc_pct[KS_GPU_CURVE_MAX_PCT + 1];
  gboolean has[KS_GPU_CURVE_MAX_PCT + 1];
} KsGpuCurve;

/* FALSE with KS_RESULTS_ERROR_FORMAT when the run has no GPUs. */
gboolean ks_gpu_curve_compute(const KsResults *r, KsGpuCurve *out, GError **error);

/* Writes the curve as CSV: "arrived_pct,alloc_pct,unalloc_pct" rows for the
 * points present (unalloc = 100 - alloc), preceded by a comment line with
 * N, A and U. */
void ks_gpu_curve_write_csv(const KsGpuCurve *c, FILE *out);
