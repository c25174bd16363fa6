/* What a run hands the metrics beyond the rows (sim/metrics.h): the
 * scheduler's counters and the node pools' prices, as root attributes
 * (docs/results.md), and the /metrics dataset at commit. */
#pragma once
#include <glib.h>

#include "sim/results.h"
#include "sim/kubelet/resource_model.h"
#include "sim/sched_driver.h"
#include "sim/store.h"
#include "workloads/scenario.h"

/* ksim.io/deadline: a positive Go duration ("10m"): the pod should have
 * succeeded this long after its creation (docs/metrics.md, slo.*).
 * *us = 0 when the pod has none. Errors read
 * 'pod default/web: annotation ksim.io/deadline: "5x" is not a duration'. */
#define KS_ANNOTATION_DEADLINE "ksim.io/deadline"
gboolean ks_metrics_pod_deadline(const KsPod *pod, gint64 *us, GError **error);

/* The node pools' ksim.io/hourly-cost annotations are prices; errors name
 * file:line:column of the pool. */
gboolean ks_metrics_check_scenario(const KsScenario *s, GError **error);

/* Counts what no results row holds, watching the run's pods: container
 * restarts (increments of the node agent's ksim.io/restart-count, from
 * exit codes and OOM kills alike) and evictions (a pod gaining
 * DisruptionTarget=True for DeletionByTaintManager, EvictionByEvictionAPI
 * or TerminationByKubelet). transfer full */
typedef struct KsMetricsWatch KsMetricsWatch;
KsMetricsWatch *ks_metrics_watch_new(KsStore *store);
void ks_metrics_watch_free(KsMetricsWatch *mw);

/* Sets sched_cycles, sched_nodes_examined, preemptions, restarts and evictions (from mw),
 * oom_kills (from the node agent's resource model, which is the only way a
 * pod is OOM-killed) and one hourly_cost.<pool> per priced pool, and
 * attaches the /metrics hook. With record_wall_time (`ksim run
 * --record-wall-time`) also sched_wall_us, the wall-clock time of the
 * scheduling cycles: the file then differs between identical runs. */
void ks_metrics_record_run(KsResultsWriter *w, const KsScenario *s,
                           const KsSchedDriverStats *stats, const KsMetricsWatch *mw,
                           const KsKubeletModel *model, gboolean record_wall_time);
