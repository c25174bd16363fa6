/* The scenario's timeline in a run: each spec.timeline action
 * (workloads/scenario_timeline.h) is carried out at its time as kubectl
 * would carry it out, by writing to the store as a client of the API server
 * does (an update with metadata.generation + 1 on a spec change, deletes
 * through sim/controllers/deletion.h's propagation policies, evictions
 * through the Eviction API, sim/eviction.h). Controllers react by watching.
 *
 * One engine event per action, queued at creation; a drain keeps one
 * pending event per pod it still has to evict (kubectl retries a refused
 * eviction every 5 s). An action that cannot be carried out (the object
 * does not exist, a rollback has no history, a drain times out) records a
 * warning in the run, worded as kubectl would print the error, and the run
 * goes on. Semantics per action: docs/formats.md "Timeline",
 * docs/controllers.md "Timeline actions".
 */
#pragma once
#include <glib.h>

#include "sim/kubelet/kubelet_configs.h"
#include "sim/store.h"
#include "workloads/scenario_timeline.h"

/* Warnings kept word for word; beyond that only counted. */
#define KS_TIMELINE_MAX_WARNINGS 1000

typedef struct KsTimeline KsTimeline;

/* actions (KsTimelineAction*, sorted by at) are borrowed and must outlive
 * the timeline; file names the scenario in warnings; seed seeds the uids of
 * the objects apply creates (stream "apiserver/uid/timeline"). Queues one
 * event per action; nothing runs before the engine does. transfer full */
KsTimeline *ks_timeline_new(KsStore *store, const GPtrArray *actions, const char *file,
                            guint64 seed);
/* Pending events point at the timeline: free it only after the engine has
 * been freed or has run past its last event (as the workload feed). */
void ks_timeline_free(KsTimeline *t);
/* Nodes the timeline applies register with these kubelet configurations
 * (sim/kubelet/kubelet_configs.h); a reference is taken. */
void ks_timeline_set_kubelets(KsTimeline *t, KsKubeletConfigs *kubelets);

/* The warnings so far, in order ("file:line:column: at 30s: scale: Error
 * from server (NotFound): deployments.apps \"web\" not found"), at most
 * KS_TIMELINE_MAX_WARNINGS of them. transfer none */
const GPtrArray *ks_timeline_warnings(const KsTimeline *t);
/* All warnings, kept or not. */
guint64 ks_timeline_warning_count(const KsTimeline *t);
/* Actions carried out so far (run, whether they succeeded or not). */
guint64 ks_timeline_actions_run(const KsTimeline *t);
