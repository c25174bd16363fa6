/* The apps/v1 workload kinds: ReplicaSet, Deployment, DaemonSet, StatefulSet
 * and ControllerRevision, as the controllers (sim/controllers/) read and
 * write them. Field comments give upstream's JSON names and the API
 * server's defaults, which the manifest loader applies.
 *
 * apps/v1 has no rollbackTo: `kubectl rollout undo` copies an old
 * ReplicaSet's template into the Deployment, and so does ksim's timeline.
 *
 * Every kind embeds its metadata as `meta` (object_meta.h). A pod template
 * is a KsPod (its metadata.labels and annotations in the pod's labels and
 * annotations, name ""); a controller instantiates it with ks_pod_copy.
 * Ownership: each object owns everything hanging off it; *_copy is deep;
 * *_free accepts NULL.
 *
 * int-or-percent fields (maxSurge, maxUnavailable) are intstr.IntOrString
 * as PodDisruptionBudgets use it: KsIntOrPercent of sched/pdb.h, scaled with
 * ks_int_or_percent_scaled (upstream rounds maxSurge up and maxUnavailable
 * down).
 */
#pragma once
#include <glib.h>
#include "sched/pod.h"
#include "sched/selector.h"
#include "sched/pdb.h"
#include "sched/volume_objects.h"
#include "workloads/object_meta.h"

/* Labels and annotations the apps controllers put on what they create. */
#define KS_LABEL_POD_TEMPLATE_HASH "pod-template-hash"              /* Deployment -> RS, pods */
#define KS_LABEL_CONTROLLER_REVISION_HASH "controller-revision-hash" /* DS, STS pods */
#define KS_LABEL_STATEFULSET_POD_NAME "statefulset.kubernetes.io/pod-name"
#define KS_LABEL_POD_INDEX "apps.kubernetes.io/pod-index"           /* STS ordinal */
#define KS_ANN_DEPLOYMENT_REVISION "deployment.kubernetes.io/revision"
#define KS_ANN_DEPLOYMENT_REVISION_HISTORY "deployment.kubernetes.io/revision-history"
#define KS_ANN_DESIRED_REPLICAS "deployment.kubernetes.io/desired-replicas"
#define KS_ANN_MAX_REPLICAS "deployment.kubernetes.io/max-replicas"
#define KS_ANN_CHANGE_CAUSE "kubernetes.io/change-cause"

/* ---- ReplicaSet ------------------------------------------------------------ */
#define KS_RS_COND_REPLICA_FAILURE "ReplicaFailure" /* reasons FailedCreate, FailedDelete */

typedef struct {
  KsObjectMeta meta;
  /* spec */
  gint32 replicas;           /* replicas, default 1 */
  KsLabelSelector *selector; /* selector (required in apps/v1) */
  KsPod *template;           /* template; never NULL */
  gint32 min_ready_seconds;  /* minReadySeconds, default 0 */
  /* status */
  gint32 status_replicas;    /* status.replicas */
  gint32 fully_labeled_replicas; /* status.fullyLabeledReplicas */
  gint32 ready_replicas;     /* status.readyReplicas */
  gint32 available_replicas; /* status.availableReplicas */
  gint64 observed_generation;/* status.observedGeneration */
  GArray *conditions;        /* status.conditions, of KsCondition; may be NULL */
} KsReplicaSet;

KsReplicaSet *ks_replica_set_new(const char *ns, const char *name); /* transfer full */
void ks_replica_set_free(KsReplicaSet *rs);
KsReplicaSet *ks_replica_set_copy(const KsReplicaSet *rs); /* transfer full */

/* ---- Deployment ------------------------------------------------------------ */
typedef enum {
  KS_DEPLOYMENT_ROLLING_UPDATE = 0, /* RollingUpdate (default) */
  KS_DEPLOYMENT_RECREATE,           /* Recreate */
} KsDeploymentStrategyType;
gboolean ks_deployment_strategy_type_from_string(const char *s, KsDeploymentStrategyType *out);
const char *ks_deployment_strategy_type_to_string(KsDeploymentStrategyType t);

/* Condition types and reasons (pkg/controller/deployment/util). */
#define KS_DEPLOYMENT_COND_AVAILABLE "Available"
#define KS_DEPLOYMENT_COND_PROGRESSING "Progressing"
#define KS_DEPLOYMENT_COND_REPLICA_FAILURE "ReplicaFailure"
#define KS_DEPLOYMENT_REASON_MIN_AVAILABLE "MinimumReplicasAvailable"
#define KS_DEPLOYMENT_REASON_MIN_UNAVAILABLE "MinimumReplicasUnavailable"
#define KS_DEPLOYMENT_REASON_NEW_RS_CREATED "NewReplicaSetCreated"
#define KS_DEPLOYMENT_REASON_FOUND_NEW_RS "FoundNewReplicaSet"
#define KS_DEPLOYMENT_REASON_RS_UPDATED "ReplicaSetUpdated"
#define KS_DEPLOYMENT_REASON_NEW_RS_AVAILABLE "NewReplicaSetAvailable"
#define KS_DEPLOYMENT_REASON_TIMED_OUT "ProgressDeadlineExceeded"
#define KS_DEPLOYMENT_REASON_PAUSED "DeploymentPaused"
#define KS_DEPLOYMENT_REASON_RESUMED "DeploymentResumed"
#define KS_DEPLOYMENT_REASON_FAILED_RS_CREATE "ReplicaSetCreateError"
#define KS_DEPLOYMENT_REASON_FAILED_CREATE "FailedCreate"

typedef struct {
  KsObjectMeta meta;
  /* spec */
  gint32 replicas;             /* replicas, default 1 */
  KsLabelSelector *selector;   /* selector (required in apps/v1) */
  KsPod *template;             /* template; never NULL */
  KsDeploymentStrategyType strategy; /* strategy.type, default RollingUpdate */
  KsIntOrPercent max_surge;    /* strategy.rollingUpdate.maxSurge, default 25% (RollingUpdate) */
  KsIntOrPercent max_unavailable; /* strategy.rollingUpdate.maxUnavailable, default 25% */
  gint32 min_ready_seconds;    /* minReadySeconds, default 0 */
  gint32 revision_history_limit; /* revisionHistoryLimit, default 10 */
  gboolean paused;             /* paused */
  gint32 progress_deadline_seconds; /* progressDeadlineSeconds, default 600 */
  /* status */
  gint64 observed_generation;  /* status.observedGeneration */
  gint32 status_replicas;      /* status.replicas (CURRENT) */
  gint32 updated_replicas;     /* status.updatedReplicas (UP-TO-DATE) */
  gint32 ready_replicas;       /* status.readyReplicas (READY) */
  gint32 available_replicas;   /* status.availableReplicas (AVAILABLE) */
  gint32 unavailable_replicas; /* status.unavailableReplicas */
  gint32 collision_count;      /* status.collisionCount (0 when unset) */
  GArray *conditions;          /* status.conditions, of KsCondition; may be NULL */
} KsDeployment;

KsDeployment *ks_deployment_new(const char *ns, const char *name); /* transfer full; defaults set */
void ks_deployment_free(KsDeployment *d);
KsDeployment *ks_deployment_copy(const KsDeployment *d); /* transfer full */

/* ---- DaemonSet -------------------------------------------------------------- */
typedef enum {
  KS_DAEMON_SET_ROLLING_UPDATE = 0, /* RollingUpdate (default) */
  KS_DAEMON_SET_ON_DELETE,          /* OnDelete */
} KsDaemonSetUpdateStrategyType;
gboolean ks_daemon_set_update_strategy_type_from_string(const char *s,
                                                        KsDaemonSetUpdateStrategyType *out);
const char *ks_daemon_set_update_strategy_type_to_string(KsDaemonSetUpdateStrategyType t);

typedef struct {
  KsObjectMeta meta;
  /* spec */
  KsLabelSelector *selector;   /* selector (required in apps/v1) */
  KsPod *template;             /* template; never NULL */
  KsDaemonSetUpdateStrategyType update_strategy; /* updateStrategy.type, default RollingUpdate */
  KsIntOrPercent max_unavailable; /* updateStrategy.rollingUpdate.maxUnavailable, default 1 */
  KsIntOrPercent max_surge;    /* updateStrategy.rollingUpdate.maxSurge, default 0 */
  gint32 min_ready_seconds;    /* minReadySeconds, default 0 */
  gint32 revision_history_limit; /* revisionHistoryLimit, default 10 */
  /* status */
  gint32 current_number_scheduled; /* status.currentNumberScheduled */
  gint32 number_misscheduled;  /* status.numberMisscheduled */
  gint32 desired_number_scheduled; /* status.desiredNumberScheduled */
  gint32 number_ready;         /* status.numberReady */
  gint32 updated_number_scheduled; /* status.updatedNumberScheduled */
  gint32 number_available;     /* status.numberAvailable */
  gint32 number_unavailable;   /* status.numberUnavailable */
  gint64 observed_generation;  /* status.observedGeneration */
  gint32 collision_count;      /* status.collisionCount */
  GArray *conditions;          /* status.conditions, of KsCondition; may be NULL */
} KsDaemonSet;

KsDaemonSet *ks_daemon_set_new(const char *ns, const char *name); /* transfer full; defaults set */
void ks_daemon_set_free(KsDaemonSet *ds);
KsDaemonSet *ks_daemon_set_copy(const KsDaemonSet *ds); /* transfer full */

/* ---- StatefulSet ------------------------------------------------------------ */
typedef enum {
  KS_POD_MANAGEMENT_ORDERED_READY = 0, /* OrderedReady (default) */
  KS_POD_MANAGEMENT_PARALLEL,          /* Parallel */
} KsPodManagementPolicy;
gboolean ks_pod_management_policy_from_string(const char *s, KsPodManagementPolicy *out);
const char *ks_pod_management_policy_to_string(KsPodManagementPolicy p);

typedef enum {
  KS_STATEFUL_SET_ROLLING_UPDATE = 0, /* RollingUpdate (default) */
  KS_STATEFUL_SET_ON_DELETE,          /* OnDelete */
} KsStatefulSetUpdateStrategyType;
gboolean ks_stateful_set_update_strategy_type_from_string(const char *s,
                                                          KsStatefulSetUpdateStrategyType *out);
const char *ks_stateful_set_update_strategy_type_to_string(KsStatefulSetUpdateStrategyType t);

typedef enum {
  KS_PVC_RETENTION_RETAIN = 0, /* Retain (default of both fields) */
  KS_PVC_RETENTION_DELETE,     /* Delete */
} KsPvcRetentionPolicyType;
gboolean ks_pvc_retention_policy_type_from_string(const char *s, KsPvcRetentionPolicyType *out);
const char *ks_pvc_retention_policy_type_to_string(KsPvcRetentionPolicyType t);

typedef struct {
  KsObjectMeta meta;
  /* spec */
  gint32 replicas;             /* replicas, default 1 */
  KsLabelSelector *selector;   /* selector (required in apps/v1) */
  KsPod *template;             /* template; never NULL */
  char *service_name;          /* serviceName; may be NULL */
  KsPodManagementPolicy pod_management_policy; /* podManagementPolicy, default OrderedReady */
  KsStatefulSetUpdateStrategyType update_strategy; /* updateStrategy.type, default RollingUpdate */
  gint32 partition;            /* updateStrategy.rollingUpdate.partition, default 0 */
  KsIntOrPercent max_unavailable; /* updateStrategy.rollingUpdate.maxUnavailable (alpha
                                     MaxUnavailableStatefulSet); unset = 1 */
  GPtrArray *volume_claim_templates; /* volumeClaimTemplates, of KsPersistentVolumeClaim*;
                                        may be NULL */
  KsPvcRetentionPolicyType when_deleted; /* persistentVolumeClaimRetentionPolicy.whenDeleted */
  KsPvcRetentionPolicyType when_scaled;  /* persistentVolumeClaimRetentionPolicy.whenScaled */
  gint32 min_ready_seconds;    /* minReadySeconds, default 0 */
  gint32 revision_history_limit; /* revisionHistoryLimit, default 10 */
  gint32 ordinals_start;       /* ordinals.start, default 0 */
  /* status */
  gint64 observed_generation;  /* status.observedGeneration */
  gint32 status_replicas;      /* status.replicas */
  gint32 ready_replicas;       /* status.readyReplicas */
  gint32 current_replicas;     /* status.currentReplicas */
  gint32 updated_replicas;     /* status.updatedReplicas */
  gint32 available_replicas;   /* status.availableReplicas */
  char *current_revision;      /* status.currentRevision; may be NULL */
  char *update_revision;       /* status.updateRevision; may be NULL */
  gint32 collision_count;      /* status.collisionCount */
  GArray *conditions;          /* status.conditions, of KsCondition; may be NULL */
} KsStatefulSet;

KsStatefulSet *ks_stateful_set_new(const char *ns, const char *name); /* transfer full; defaults */
void ks_stateful_set_free(KsStatefulSet *ss);
KsStatefulSet *ks_stateful_set_copy(const KsStatefulSet *ss); /* transfer full */

/* ---- ControllerRevision ------------------------------------------------------ */
typedef struct {
  KsObjectMeta meta;
  gint64 revision; /* revision */
  KsPod *data;     /* data: upstream stores a patch holding spec.template; ksim keeps the
                      template itself (NULL when the loaded object had none) */
} KsControllerRevision;

KsControllerRevision *ks_controller_revision_new(const char *ns, const char *name); /* transfer full */
void ks_controller_revision_free(KsControllerRevision *cr);
KsControllerRevision *ks_controller_revision_copy(const KsControllerRevision *cr); /* transfer full */
