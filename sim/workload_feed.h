/* The workload feed: puts a Scenario's objects into the store at their times.
 *
 * Node pools are created at time 0; each manifest batch at its `at` time, in
 * file order; each generator is a stream with exactly one pending engine
 * event (its next arrival), so a generator of millions of pods costs the
 * memory of one. Pods pass the admission a real API server applies to them
 * first: the Priority admission plugin resolves spec.priorityClassName (or
 * the globalDefault class) into spec.priority, and rejects pods naming a
 * class that does not exist.
 */
#pragma once
#include <glib.h>

#include "sim/store.h"
#include "workloads/scenario.h"

typedef struct KsWorkloadFeed KsWorkloadFeed;

/* scenario is borrowed and must outlive the feed. Queues the first events;
 * nothing is created before the engine runs. transfer full */
KsWorkloadFeed *ks_workload_feed_new(KsStore *store, const KsScenario *scenario, guint64 seed);
void ks_workload_feed_free(KsWorkloadFeed *f);
/* Pods rejected at admission (each also reported once on stderr). */
guint64 ks_workload_feed_rejected(const KsWorkloadFeed *f);

/* Built-in classes every cluster has (scheduling.k8s.io). */
#define KS_SYSTEM_CLUSTER_CRITICAL "system-cluster-critical"
#define KS_SYSTEM_NODE_CRITICAL "system-node-critical"
#define KS_SYSTEM_CLUSTER_CRITICAL_VALUE 2000000000
#define KS_SYSTEM_NODE_CRITICAL_VALUE 2000001000
