/* Hands the FGD policy its target workload before a run starts.
 *
 * FGD scores a placement by the change of the node's fragmentation against
 * the workload's "typical pods" (docs/fgd.md 2.1), which the paper's
 * simulator computes once from the original pod list of the trace, before
 * any shuffling or resampling. ksim does the same: a first streaming pass
 * over the scenario's trace (every pod-create, whatever the window or the
 * node subset) feeds ks_gpu_typical_builder, threshold 95%, CPU-only pods
 * included, the paper's experiment settings. Without a trace, the pods of
 * the scenario's manifest batches are the workload. Profiles without FGD
 * cost nothing: the trace is read only when some profile has FGD.
 */
#pragma once
#include <glib.h>

#include "sim/scheduler_setup.h"
#include "workloads/scenario.h"

#define KS_FGD_TYPICAL_THRESHOLD_PCT 95

/* Sets the typical pods on every FGD instance of setup's profiles. FALSE
 * with *error when the trace cannot be read, or when FGD runs on a
 * scenario that has no pods to learn them from. */
/* trace: the replayed trace (the scenario's spec.trace with any command-line
 * overrides), NULL when the run has none. */
gboolean ks_sim_fgd_setup(KsSchedSetup *setup, const KsScenario *scenario,
                          const KsScenarioTrace *trace, GError **error);
