/* The scheduler's public face: what a host (the simulator or the live shim)
 * calls. The scheduler knows nothing of events: the host tells it about
 * nodes and pods, asks it to run one scheduling cycle at time `now`, and
 * asks when it next needs to be woken (backoff expiry, unschedulable flush).
 * Times are int64 microseconds of the host's clock.
 */
#pragma once
#include <glib.h>
#include "sched/objects.h"
#include "sched/framework.h"
#include "sched/labels.h"
#include "sched/trace.h"

typedef struct KsScheduler KsScheduler;

typedef struct {
  guint64 seed;                     /* tie-break stream */
  gint32 percentage_of_nodes_to_score; /* 0 = adaptive (upstream default) */
  gint64 pod_initial_backoff_us;    /* default 1 s */
  gint64 pod_max_backoff_us;        /* default 10 s */
  gint64 pod_max_in_unschedulable_us; /* default 5 min */
  /* Threads that run Filter (KubeSchedulerConfiguration parallelism);
   * 1 = serial (the default here; upstream's is 16), 0 is taken as 1.
   * Decisions do not depend on it (docs/scheduler.md). */
  gint32 parallelism;
} KsSchedConfig;

void ks_sched_config_init_defaults(KsSchedConfig *c);

typedef enum {
  KS_SCHED_RESULT_NONE = 0,      /* nothing to do: the active queue is empty */
  KS_SCHED_RESULT_SCHEDULED,     /* pod assumed on node; host must bind (or call forget) */
  KS_SCHED_RESULT_UNSCHEDULABLE, /* no node fits; the pod went back to the queue */
  KS_SCHED_RESULT_ERROR,         /* internal error; pod went to backoff */
} KsSchedResultKind;

typedef struct {
  KsSchedResultKind kind;
  KsPod *pod;          /* borrowed: the pod this cycle was about (NULL for NONE) */
  const char *node;    /* borrowed: chosen node (SCHEDULED) */
  gint32 nodes_examined;
  gint32 feasible_nodes;
  gint32 attempts;     /* this pod's attempts so far, this one included */
  char *message;       /* owned by the scheduler until the next cycle: e.g.
                          "0/3 nodes are available: 3 Insufficient cpu." */
  /* Preemption (UNSCHEDULABLE only). Everything below is owned by the
   * scheduler until the next ks_sched_schedule_one.
   * victims: pods the host must delete (most important first); the
   * scheduler treats them as terminating until the host reports each one
   * gone with ks_sched_remove_pod.
   * nominated_node: the pod's new status.nominatedNodeName when this cycle
   * changed it ("" = cleared), NULL when unchanged. The scheduler's
   * nominator already holds it: the host only records it.
   * cleared_nominations: lower-priority pods nominated to the same node
   * that lost their nomination (the host records nominatedNodeName ""). */
  KsPod **victims;
  guint n_victims;
  const char *nominated_node;
  KsPod **cleared_nominations;
  guint n_cleared_nominations;
} KsSchedResult;

/* transfer full */
KsScheduler *ks_sched_new(const KsSchedConfig *config, GError **error);
void ks_sched_free(KsScheduler *s);

/* Cluster state, as the informers would deliver it. */
void ks_sched_add_node(KsScheduler *s, KsNode *node, gint64 now);    /* takes a ref */
void ks_sched_update_node(KsScheduler *s, KsNode *node, gint64 now); /* same name; takes a ref */
void ks_sched_remove_node(KsScheduler *s, const char *name, gint64 now);

/* A pod the scheduler should place (spec.nodeName unset, its schedulerName
 * served by this scheduler). Takes a ref. */
gboolean ks_sched_add_pending_pod(KsScheduler *s, KsPod *pod, gint64 now);
/* Returns FALSE (and ignores the pod) when no profile serves its
 * spec.schedulerName. */
/* A pod bound to a node (by this scheduler, confirmed by the host, or created
 * with spec.nodeName): its resources count on the node. Takes a ref. */
void ks_sched_add_assigned_pod(KsScheduler *s, KsPod *pod, const char *node, gint64 now);
/* A pod left the cluster or finished (terminal pods do not hold resources).
 * Frees its resources and moves unschedulable pods that may now fit. */
void ks_sched_remove_pod(KsScheduler *s, KsPod *pod, gint64 now);

/* One scheduling cycle (ScheduleOne). The assumed pod's resources count at
 * once; the host confirms with ks_sched_bind_done(). */
void ks_sched_schedule_one(KsScheduler *s, gint64 now, KsSchedResult *out);
/* The binding cycle finished. ok=FALSE forgets the assumed pod and requeues it. */
void ks_sched_bind_done(KsScheduler *s, KsPod *pod, gboolean ok, gint64 now);

/* Moves backoff-expired pods to the active queue and flushes pods that have
 * waited longer than pod_max_in_unschedulable. */
void ks_sched_tick(KsScheduler *s, gint64 now);
/* Number of pods in the active queue. */
guint ks_sched_active_len(const KsScheduler *s);
/* Pods waiting in any queue (active, backoff, unschedulable). */
guint ks_sched_pending_len(const KsScheduler *s);
/* The earliest time > now at which ks_sched_tick would move a pod, or
 * G_MAXINT64 when nothing waits on time. */
gint64 ks_sched_next_wakeup(const KsScheduler *s, gint64 now);

/* ---- additions (scheduler engineer) --------------------------------------- */

/* Periods of upstream's background loops (wait.Until), on a grid anchored at
 * time 0: backoffQ is flushed every second, unschedulablePods every 30 s. */
#define KS_SCHED_BACKOFF_FLUSH_PERIOD_US G_GINT64_CONSTANT(1000000)
#define KS_SCHED_UNSCHEDULABLE_FLUSH_PERIOD_US G_GINT64_CONSTANT(30000000)

/* Like ks_sched_new with an explicit profile (built with
 * ks_sched_framework_new). framework is taken over and freed with the
 * scheduler, also on error. Such a single-profile scheduler takes the pods
 * of its profile's name and, whatever that name, those of
 * "default-scheduler" (the default of spec.schedulerName), as before
 * profiles existed; pods naming another scheduler are refused. transfer full */
KsScheduler *ks_sched_new_with_profile(const KsSchedConfig *config,
                                       KsSchedFramework *framework, GError **error);
/* The pending pod changed (e.g. its scheduling gates were removed). */
void ks_sched_update_pending_pod(KsScheduler *s, KsPod *pod, gint64 now);
/* numFeasibleNodesToFind (kube-semantics 1.3); percentage 0 = adaptive. */
gint32 ks_sched_num_feasible_nodes_to_find(gint32 percentage, gint32 num_all_nodes);
/* Where the next Filter search starts (nextStartNodeIndex). */
guint ks_sched_next_start_node_index(const KsScheduler *s);
/* The scheduler's profile and cache, borrowed (tests, diagnostics). */
KsSchedFramework *ks_sched_framework(KsScheduler *s);
KsSchedCache *ks_sched_cache(KsScheduler *s);

/* Several profiles (upstream's profile map) sharing ONE cache and ONE queue:
 * each pod is scheduled by the profile whose name is its
 * spec.schedulerName; pods naming no profile are not this scheduler's.
 * Names must be present and unique and every profile must use the same
 * QueueSort plugin (upstream's profile.NewMap validation). The profiles are
 * taken over (also on error); the array itself stays the caller's.
 * transfer full */
KsScheduler *ks_sched_new_with_profiles(const KsSchedConfig *config, KsSchedFramework **profiles,
                                        guint n, GError **error);
/* TRUE when a profile is named scheduler_name. */
gboolean ks_sched_serves(const KsScheduler *s, const char *scheduler_name);
/* The profile called `name`, or NULL (borrowed). */
KsSchedFramework *ks_sched_profile(KsScheduler *s, const char *name);

/* Namespaces and their labels (namespaceSelector of pod affinity terms). */
void ks_sched_set_namespace(KsScheduler *s, const char *name, const KsLabels *labels);
void ks_sched_remove_namespace(KsScheduler *s, const char *name);

/* PodDisruptionBudgets (the PDB informer): preemption counts a victim as
 * violating when a PDB covering it has no disruptionsAllowed left
 * (docs/scheduler.md). set copies b and replaces the PDB of the same
 * namespace/name; remove forgets it (no-op when unknown). */
typedef struct KsPodDisruptionBudget KsPodDisruptionBudget;
void ks_sched_set_pdb(KsScheduler *s, const KsPodDisruptionBudget *b);
void ks_sched_remove_pdb(KsScheduler *s, const char *namespace, const char *name);

/* PersistentVolumes, PersistentVolumeClaims and StorageClasses
 * (sched/volume_lister.h): the host fills the lister of the scheduler's
 * cache (ks_sched_volume_lister(s), borrowed) and then reports the change
 * as a cluster event (resource KS_SCHED_EV_PV / _PVC / _STORAGE_CLASS,
 * actions KS_SCHED_ACT_ADD / _UPDATE / _DELETE), which moves the
 * unschedulable pods whose rejecting plugins registered it. */
struct KsSchedVolumeLister *ks_sched_volume_lister(KsScheduler *s);
void ks_sched_volume_event(KsScheduler *s, guint32 resource, guint32 actions, gint64 now);

/* Arms `t` (sched/trace.h; initialized by the caller) for the next
 * ks_sched_schedule_one: its previous output is cleared and the cycle
 * fills it. The trace is used for that one cycle only; NULL disarms. */
void ks_sched_trace_next_cycle(KsScheduler *s, KsSchedTrace *t);

/* v1.7 selectHost (round robin): the index in names/totals[0..n) of the
 * (*last_node_index % count)-th of the `count` max-total nodes ordered by
 * name descending; increments *last_node_index. scratch holds n pointers.
 * G_MAXUINT for n == 0 (v1.7's "empty priorityList" error). */
guint ks_sched_select_host_round_robin(const char *const *names, const gint64 *totals, guint n,
                                       guint64 *last_node_index, const char **scratch);

/* Diagnostics: how many node batches the parallel Filter ran (0 when
 * serial: parallelism 1, or a profile with a Filter not known to be
 * thread-safe). */
guint64 ks_sched_parallel_batches(const KsScheduler *s);
