/* The workload feed: puts a Scenario's objects into the store at their times.
 *
 * Node pools are created at time 0; each manifest batch at its `at` time, in
 * file order; each generator is a stream with exactly one pending engine
 * event (its next arrival), so a generator of millions of pods costs the
 * memory of one. Pods pass admission first (sim/admission.h), as a real API
 * server applies it. The workload controllers' kinds (Deployment, ReplicaSet,
 * DaemonSet, StatefulSet, ControllerRevision, Job, CronJob, Service,
 * ConfigMap, Secret, PV, PVC, StorageClass) are created as the API server
 * would: a uid when the manifest has none (seeded stream "apiserver/uid"),
 * creationTimestamp the sim time, metadata.generation 1.
 */
#pragma once
#include <glib.h>

#include "sim/kubelet/kubelet_configs.h"
#include "sim/store.h"
#include "workloads/scenario.h"

typedef struct KsWorkloadFeed KsWorkloadFeed;

/* scenario is borrowed and must outlive the feed. Queues the first events;
 * nothing is created before the engine runs. transfer full */
KsWorkloadFeed *ks_workload_feed_new(KsStore *store, const KsScenario *scenario, guint64 seed);
void ks_workload_feed_free(KsWorkloadFeed *f);
/* The kubelet configurations the feed's nodes register with (their
 * allocatable, sim/kubelet/kubelet_configs.h); a reference is taken. Set
 * before the engine runs. */
void ks_workload_feed_set_kubelets(KsWorkloadFeed *f, KsKubeletConfigs *kubelets);
/* Pods rejected at admission (each also reported once on stderr). */
guint64 ks_workload_feed_rejected(const KsWorkloadFeed *f);
