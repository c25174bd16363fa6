/* `ksim bench sched`: the scheduler's throughput on a synthetic cluster.
 *
 * Builds N nodes (10 zones) with K pods already bound to each, then
 * schedules M pending pods through ks_sched_schedule_one, confirming each
 * binding as the informer would. Only the scheduling loop is timed. Prints
 * pods/s, ns per node examined and nodes examined per pod; the last line is
 * `pods_per_s=<number>` for scripts. Pods optionally carry pod
 * (anti-)affinity or topology spread constraints (upstream scheduler_perf's
 * SchedulingPodAntiAffinity / TopologySpreading shapes).
 */
#pragma once
#include <stdio.h>

#include <glib.h>

typedef enum {
  KS_BENCH_CONSTRAINTS_NONE,
  KS_BENCH_CONSTRAINTS_AFFINITY,
  KS_BENCH_CONSTRAINTS_SPREAD,
} KsBenchConstraints;

typedef struct {
  guint nodes;
  guint pods;          /* pods to schedule */
  guint pods_per_node; /* already bound before timing starts */
  KsBenchConstraints constraints;
  gint32 percentage_of_nodes_to_score; /* 0 = adaptive, -1 = the configuration's (else 0) */
  guint64 seed;
  gint32 parallelism;  /* Filter threads (KsSchedConfig.parallelism); 0 or 1 = serial */
  const char *config;  /* KubeSchedulerConfiguration (its default-scheduler profile), or NULL */
} KsBenchSchedOptions;

typedef struct {
  guint64 scheduled, unschedulable;
  guint64 nodes_examined;
  double seconds;
  double pods_per_s;
  double ns_per_node;
} KsBenchSchedResult;

gboolean ks_bench_sched_run(const KsBenchSchedOptions *opts, KsBenchSchedResult *out,
                            GError **error);
/* Runs and prints the report (the last line is pods_per_s=...). */
gboolean ks_bench_sched_print(const KsBenchSchedOptions *opts, FILE *out, GError **error);
