/* The kubelet's resource model: what runs on each node once pods with a
 * usage profile (workloads/usage.h), or with per-container run times or
 * exit codes (workloads/annotations.h), have started. docs/node-agent.md has
 * the model and its equations; this is the engine-driven part. Containers
 * are modelled one by one (regular containers, then init containers: plain
 * ones run one after another before the others start, the pod Pending and
 * Initialized False meanwhile; sidecars start in their order):
 *
 *  - each running container wants cpu, memory and ephemeral storage as its
 *    own profile, or its part of the pod's, says (re-evaluated at each
 *    profile change); a pod uses the sum of its containers;
 *  - cpu is shared per node between pod cgroups, then inside each pod
 *    between its containers (cpu_share.h); a container that gets less than
 *    it wants progresses at granted/wanted of full speed, so its end moves
 *    (recomputed at every change on its node), and the shortfall is counted
 *    as throttled cpu time;
 *  - memory above a container's own limit OOM-kills that container (exit
 *    137, OOMKilled), and memory above the node's capacity kills containers
 *    by badness (oom.h); killed containers restart per restartPolicy with
 *    their own CrashLoopBackOff (crash_backoff.h), the others keep running;
 *    the end of a run (each container's own run time) and its exit code
 *    work the same way; the phase is upstream's getPhase (pod_phase.h);
 *  - while a node's kubelet is down nothing is written for its pods; the
 *    containers run on, and the status is synced when the kubelet is back.
 *
 * The node agent starts pods (phase Running) and hands the ones with a usage
 * profile to the model, which from then on writes their status itself
 * (phase, Ready, Initialized, KsPod.container_statuses and
 * init_container_statuses). Pods without a profile or per-container
 * annotations never enter it and behave exactly as before. */
#pragma once
#include <glib.h>

#include "sched/qos.h"
#include "sim/kubelet/kubelet_configs.h"
#include "sim/store.h"

typedef struct KsKubeletModel KsKubeletModel;

/* transfer full; seed: the run seed (each pod draws from its own stream
 * "kubelet/usage/<namespace>/<name>"). */
KsKubeletModel *ks_kubelet_model_new(KsStore *store, guint64 seed);
/* Cancels the model's pending events. */
void ks_kubelet_model_free(KsKubeletModel *m);
/* The nodes' KubeletConfigurations (a reference is taken; NULL: none): a
 * node's pods share the kubepods cgroup, whose memory limit
 * (enforceNodeAllocatable "pods": capacity - kubeReserved - systemReserved,
 * sim/kubelet/node_allocatable.h) OOM-kills as the node's limit does. */
void ks_kubelet_model_set_kubelets(KsKubeletModel *m, KsKubeletConfigs *kubelets);

/* The pod's containers have just started (the node agent has written phase
 * Running). run_time_us: its work at full speed, or KS_RUN_TIME_FOREVER.
 * FALSE (and nothing changes) when its usage annotations do not parse. */
gboolean ks_kubelet_model_start(KsKubeletModel *m, const KsPod *pod, gint64 run_time_us,
                                GError **error);
/* TRUE when the model runs init containers of this pod before its
 * containers (it has plain init containers): the pod stays Pending and the
 * model writes its whole status from the start. */
gboolean ks_kubelet_model_runs_init(const KsPod *pod);
/* The store says the pod is gone or terminal (someone else's write): the
 * model stops running it. A no-op for pods it does not run. */
void ks_kubelet_model_forget(KsKubeletModel *m, const char *ns, const char *name);
/* TRUE when the model runs that pod. */
gboolean ks_kubelet_model_has(const KsKubeletModel *m, const char *ns, const char *name);

/* ---- what it measured (results) ------------------------------------------- */

typedef struct {
  guint64 oom_kills;       /* container OOM kills (own limit or node out of memory) */
  guint64 node_oom_kills;  /* of those, by the node's OOM killer */
  guint64 restarts;        /* container restarts (OOM kills and exit codes) */
  gint64 throttled_mcpu_us; /* cpu wanted but not granted, millicores x microseconds */
  gint64 cpu_used_mcpu_us; /* cpu granted, millicores x microseconds */
} KsKubeletStats;

/* Totals over every pod the model ran, by QoS class. transfer none */
const KsKubeletStats *ks_kubelet_model_qos_stats(const KsKubeletModel *m, KsQosClass q);
/* Number of nodes the model has seen a pod on, in first-seen order. */
guint ks_kubelet_model_n_nodes(const KsKubeletModel *m);
/* Node i: its name and totals (transfer none). */
const char *ks_kubelet_model_node_name(const KsKubeletModel *m, guint i);
const KsKubeletStats *ks_kubelet_model_node_stats(const KsKubeletModel *m, guint i);
/* Node i's usage now: the sum over its running modelled pods plus its
 * system usage, cpu in millicores (granted, not wanted), memory and
 * ephemeral storage in bytes. Counts are brought up to the current time. */
void ks_kubelet_model_node_usage(KsKubeletModel *m, guint i, gint64 *milli_cpu, gint64 *memory,
                                 gint64 *ephemeral_storage);
/* TRUE once any pod has been run by the model. */
gboolean ks_kubelet_model_used(const KsKubeletModel *m);
/* A pod's own totals (NULL when the model never ran it). transfer none */
const KsKubeletStats *ks_kubelet_model_pod_stats(const KsKubeletModel *m, const char *ns,
                                                 const char *name);
/* A pod's current cpu grant and want (millicores), summed over its running
 * containers; FALSE when none runs in the model. */
gboolean ks_kubelet_model_pod_cpu(const KsKubeletModel *m, const char *ns, const char *name,
                                  gint64 *granted, gint64 *wanted);
/* One container's current cpu grant and want (millicores) and memory
 * (bytes); FALSE when the model does not run it now (not running, in
 * back-off, or no such pod or container). */
gboolean ks_kubelet_model_container_cpu(const KsKubeletModel *m, const char *ns, const char *name,
                                        const char *container, gint64 *granted, gint64 *wanted);
gboolean ks_kubelet_model_container_memory(const KsKubeletModel *m, const char *ns,
                                           const char *name, const char *container,
                                           gint64 *memory);
/* Pods the model ever ran, in first-start order: i-th's namespace, name,
 * QoS class and totals. transfer none */
guint ks_kubelet_model_n_pods(const KsKubeletModel *m);
const KsKubeletStats *ks_kubelet_model_pod_record(const KsKubeletModel *m, guint i,
                                                  const char **ns, const char **name,
                                                  KsQosClass *qos);

/* One sample of a node's usage (ks_kubelet_model_node_usage). */
typedef struct {
  gint64 time_us;
  gint32 node; /* index as ks_kubelet_model_node_name */
  gint64 milli_cpu, memory, ephemeral_storage;
} KsKubeletUsageRow;
/* Appends a row per node at the current time (nothing before the model ran
 * a pod); the run calls it at every sample. */
void ks_kubelet_model_sample(KsKubeletModel *m);
/* The rows so far, of KsKubeletUsageRow. transfer none */
const GArray *ks_kubelet_model_samples(const KsKubeletModel *m);

/* A running pod's memory and ephemeral-storage usage now (bytes), summed
 * over its running containers; FALSE when the model does not run it (the
 * eviction manager's pod stats). */
gboolean ks_kubelet_model_pod_usage(const KsKubeletModel *m, const char *ns, const char *name,
                                    gint64 *memory, gint64 *ephemeral_storage);
