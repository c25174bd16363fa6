/* What a run hands the metrics beyond the rows (sim/metrics.h): the
 * scheduler's counters and the node pools' prices, as root attributes
 * (docs/results.md), and the /metrics dataset at commit. */
#pragma once
#include <glib.h>

#include "sim/results.h"
#include "sim/sched_driver.h"
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

/* Sets sched_cycles, sched_nodes_examined, preemptions and one
 * hourly_cost.<pool> per priced pool, and attaches the /metrics hook. */
void ks_metrics_record_run(KsResultsWriter *w, const KsScenario *s,
                           const KsSchedDriverStats *stats);
