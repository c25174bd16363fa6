/* The headline figures of a run, computed from its results file: what
 * `ksim summary` prints (a table for people, JSON for programs) and what
 * `ksim compare` compares. Every figure is defined in docs/results.md.
 */
#pragma once
#include <stdio.h>

#include <glib.h>

#include "sim/results_read.h"

typedef enum { KS_SUMMARY_TABLE, KS_SUMMARY_JSON } KsSummaryFormat;

typedef struct {
  gint64 pods_total;
  gint64 pods_scheduled;        /* scheduled_us >= 0 */
  gint64 pods_never_scheduled;  /* scheduled_us < 0 (pending at end or deleted first) */
  gint64 pods_pending_at_end;   /* outcome pending */
  gint64 pods_running_at_end;   /* outcome running */
  gint64 pods_succeeded;
  gint64 pods_failed;
  gint64 pods_deleted;

  /* Pending time (µs): scheduled - created for scheduled pods, end - created
   * (a lower bound) for pods still pending at the end; pods deleted before
   * being scheduled are left out. Valid when pending_time_count > 0. */
  gint64 pending_time_count;
  gint64 pending_time_censored; /* of which still pending at the end */
  gint64 pending_time_p50_us;
  gint64 pending_time_p95_us;
  gint64 pending_time_p99_us;
  gint64 pending_time_max_us;
  double pending_time_mean_us;

  /* Requested / allocatable. Valid when has_utilization. */
  gboolean has_utilization;
  double cpu_utilization_mean;
  double cpu_utilization_peak;
  double memory_utilization_mean;
  double memory_utilization_peak;
  /* GPU milli held by running pods / GPUs x 1000: NAN when the run has no GPUs. */
  double gpu_allocation_mean;
  double gpu_allocation_peak;

  gboolean has_makespan;
  gint64 makespan_us;    /* last finish - first creation */
  gint64 sim_start_us;   /* earliest timestamp in the file */
  gint64 sim_end_us;     /* latest timestamp, or the sim_end_us attribute if later */
  gint64 nodes_total;
  gint64 node_seconds_us; /* sum over nodes of time present, µs */
} KsSummary;

/* Nearest-rank percentile of n >= 1 values sorted ascending: the value at
 * rank ceil(p * n / 100) (1-based), 0 < p <= 100. */
gint64 ks_summary_percentile(const gint64 *sorted, gsize n, int p);

void ks_summary_compute(const KsResults *r, KsSummary *out);

/* The pending time (µs, definition in docs/results.md) of every pod that
 * has one, sorted ascending, n values; *censored counts those of pods still
 * pending at the end. transfer full (g_free), never NULL */
gint64 *ks_summary_pending_times(const KsResults *r, gint64 sim_end_us, gsize *n,
                                 gint64 *censored);

/* Reads the results file at path and writes its summary to out. */
gboolean ks_summary_print(const char *path, KsSummaryFormat fmt, FILE *out, GError **error);
