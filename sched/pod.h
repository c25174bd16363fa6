/* The Pod as the scheduler and the node agent see it (a subset of v1.Pod,
 * with upstream field names in the comments). Pods are reference counted:
 * the store, the scheduler's queue and cache and the node agent each hold a
 * reference. A pod's spec never changes once shared; status fields do. */
#pragma once
#include <glib.h>
#include "sched/resources.h"
#include "sched/labels.h"
#include "sched/taints.h"
#include "sched/affinity.h"
#include "sched/owner_ref.h"

#define KS_DEFAULT_SCHEDULER_NAME "default-scheduler"

typedef enum { KS_PROTOCOL_TCP = 0, KS_PROTOCOL_UDP, KS_PROTOCOL_SCTP } KsProtocol;
gboolean ks_protocol_from_string(const char *s, KsProtocol *out);
const char *ks_protocol_to_string(KsProtocol p);

typedef struct {
  char *name;           /* may be NULL */
  gint32 container_port;
  gint32 host_port;     /* 0: none */
  KsProtocol protocol;  /* default TCP */
  char *host_ip;        /* may be NULL (= 0.0.0.0) */
} KsContainerPort;

/* A ConfigMap or Secret a container's env / envFrom names (env[].valueFrom
 * .configMapKeyRef / .secretKeyRef, envFrom[].configMapRef / .secretRef). */
typedef enum { KS_CONFIG_REF_CONFIG_MAP = 0, KS_CONFIG_REF_SECRET } KsConfigRefKind;
typedef struct {
  KsConfigRefKind kind;
  char *name;
  gboolean optional;
} KsConfigRef;
void ks_config_ref_clear(KsConfigRef *r);

/* containers[*].imagePullPolicy. UNSET: the manifest gave none, and the
 * API server's default applies (Always for a `latest` or missing tag,
 * otherwise IfNotPresent: sim/kubelet/image_pull_policy.h). */
typedef enum {
  KS_PULL_POLICY_UNSET = 0,
  KS_PULL_ALWAYS,
  KS_PULL_IF_NOT_PRESENT,
  KS_PULL_NEVER,
} KsPullPolicy;
gboolean ks_pull_policy_from_string(const char *s, KsPullPolicy *out);
const char *ks_pull_policy_to_string(KsPullPolicy p); /* NULL for UNSET */

typedef struct {
  char *name;
  char *image;
  KsPullPolicy image_pull_policy;
  GArray *config_refs;     /* of KsConfigRef, in manifest order (env, then envFrom); may be NULL */
  KsResourceList requests; /* after API defaulting: a limit without a request sets the request */
  KsResourceList limits;
  GArray *ports;           /* of KsContainerPort; may be NULL */
  gboolean restart_always; /* init container with restartPolicy: Always (a sidecar) */
} KsContainer;

void ks_container_clear(KsContainer *c);
void ks_container_port_clear(KsContainerPort *port);
/* Appends a reference to c->config_refs (creating it); copies name. */
void ks_container_add_config_ref(KsContainer *c, KsConfigRefKind kind, const char *name,
                                 gboolean optional);
/* Appends a zeroed port (protocol TCP) to c->ports, creating the array with
 * its clear func on first use; the pointer is valid until the next append. */
KsContainerPort *ks_container_add_port(KsContainer *c);

typedef enum {
  KS_VOLUME_OTHER = 0,
  KS_VOLUME_EMPTY_DIR,
  KS_VOLUME_HOST_PATH,
  KS_VOLUME_PVC,
  KS_VOLUME_CONFIG_MAP,
  KS_VOLUME_SECRET,
  KS_VOLUME_PROJECTED,
  KS_VOLUME_DOWNWARD_API,
  KS_VOLUME_GCE_PD,
  KS_VOLUME_AWS_EBS,
  KS_VOLUME_AZURE_DISK,
  KS_VOLUME_CSI,
  KS_VOLUME_ISCSI,
  KS_VOLUME_RBD,
  KS_VOLUME_NFS,
  KS_VOLUME_LOCAL, /* local (PersistentVolumes only) */
} KsVolumeSource;

typedef struct {
  char *name;
  KsVolumeSource source;
  char *ref;         /* claimName, configMap/secret name, hostPath path, pdName, volumeID, CSI driver */
  gboolean read_only;
  gint64 size_limit; /* emptyDir.sizeLimit in bytes; 0 when unset */
  gboolean optional; /* configMap / secret: optional (a missing object is then no error) */
  char **monitors;   /* rbd.monitors (NULL-terminated; NULL when none); for RBD `ref` is
                        "<pool>/<image>" with pool defaulted to "rbd" as upstream */
} KsVolume;

void ks_volume_clear(KsVolume *v);
const char *ks_volume_source_to_string(KsVolumeSource s);

typedef enum {
  KS_POD_PENDING = 0,
  KS_POD_RUNNING,
  KS_POD_SUCCEEDED,
  KS_POD_FAILED,
  KS_POD_UNKNOWN,
} KsPodPhase;
const char *ks_pod_phase_to_string(KsPodPhase p);
gboolean ks_pod_phase_from_string(const char *s, KsPodPhase *out);

typedef enum { KS_RESTART_ALWAYS = 0, KS_RESTART_ON_FAILURE, KS_RESTART_NEVER } KsRestartPolicy;
gboolean ks_restart_policy_from_string(const char *s, KsRestartPolicy *out);
const char *ks_restart_policy_to_string(KsRestartPolicy p);

typedef enum {
  KS_PREEMPT_LOWER_PRIORITY = 0, /* PreemptLowerPriority (default) */
  KS_PREEMPT_NEVER,
} KsPreemptionPolicy;
gboolean ks_preemption_policy_from_string(const char *s, KsPreemptionPolicy *out);
const char *ks_preemption_policy_to_string(KsPreemptionPolicy p);

/* status.conditions[*].status */
typedef enum {
  KS_POD_CONDITION_UNKNOWN = 0, /* "Unknown" */
  KS_POD_CONDITION_TRUE,        /* "True" */
  KS_POD_CONDITION_FALSE,       /* "False" */
} KsPodConditionStatus;
const char *ks_pod_condition_status_to_string(KsPodConditionStatus s);
gboolean ks_pod_condition_status_from_string(const char *s, KsPodConditionStatus *out);

/* Upstream's pod condition types and reasons (core/v1 types.go) ksim writes. */
#define KS_POD_CONDITION_POD_SCHEDULED "PodScheduled"
#define KS_POD_CONDITION_DISRUPTION_TARGET "DisruptionTarget"
#define KS_POD_CONDITION_INITIALIZED "Initialized"
#define KS_POD_CONDITION_CONTAINERS_READY "ContainersReady"
#define KS_POD_REASON_UNSCHEDULABLE "Unschedulable"
#define KS_POD_REASON_SCHEDULING_GATED "SchedulingGated"
#define KS_POD_REASON_SCHEDULER_ERROR "SchedulerError"
#define KS_POD_REASON_PREEMPTION_BY_SCHEDULER "PreemptionByScheduler"
#define KS_POD_REASON_DELETION_BY_TAINT_MANAGER "DeletionByTaintManager"
#define KS_POD_REASON_EVICTION_BY_EVICTION_API "EvictionByEvictionAPI"
#define KS_POD_REASON_DELETION_BY_POD_GC "DeletionByPodGC"
#define KS_POD_REASON_TERMINATION_BY_KUBELET "TerminationByKubelet"

/* One entry of status.conditions other than Ready (Ready stays in KsPod's
 * ready / ready_since_us, which everything already reads). */
typedef struct {
  char *type;                     /* owned; never NULL */
  KsPodConditionStatus status;
  char *reason;                   /* may be NULL */
  char *message;                  /* may be NULL */
  gint64 last_transition_time_us; /* lastTransitionTime; 0 = unset */
} KsPodCondition;

void ks_pod_condition_clear(KsPodCondition *c);

/* A container's state as the kubelet reports it (status.containerStatuses[*]
 * .state / .lastState). A pod carries one state for the node agent's plain
 * path and start-up, and the resource model writes one per container
 * (KsContainerStatus, docs/node-agent.md). */
typedef enum {
  KS_CONTAINER_STATE_NONE = 0, /* not reported (pods the resource model does not run) */
  KS_CONTAINER_WAITING,
  KS_CONTAINER_RUNNING,
  KS_CONTAINER_TERMINATED,
} KsContainerStateKind;
const char *ks_container_state_kind_to_string(KsContainerStateKind k); /* "waiting", ... */

typedef struct {
  KsContainerStateKind kind;
  char *reason;           /* waiting: ContainerCreating, CrashLoopBackOff,
                             CreateContainerConfigError; terminated: OOMKilled, Error,
                             Completed; may be NULL */
  char *message;          /* may be NULL */
  gint32 exit_code;       /* terminated */
  gint64 started_at_us;   /* running and terminated: startedAt; 0 = unset */
  gint64 finished_at_us;  /* terminated: finishedAt */
} KsContainerState;

void ks_container_state_clear(KsContainerState *s);
/* Replaces *dst by a deep copy of *src. */
void ks_container_state_set(KsContainerState *dst, const KsContainerState *src);

/* One container's status (status.containerStatuses[*], sidecars'
 * initContainerStatuses[*]) as the resource model writes it. */
typedef struct {
  char *name;            /* the container's name; owned */
  gboolean ready;
  gint32 restart_count;
  KsContainerState state, last_state;
} KsContainerStatus;
void ks_container_status_clear(KsContainerStatus *s);

typedef struct {
  gint ref_count;
  /* metadata */
  char *name;
  char *namespace;            /* "default" when absent */
  char *uid;                  /* may be NULL */
  KsLabels labels;
  KsLabels annotations;
  gint64 creation_timestamp_us; /* metadata.creationTimestamp, 0 when absent */
  char *generate_name;        /* metadata.generateName; may be NULL */
  GArray *owner_references;   /* metadata.ownerReferences, of KsOwnerReference; may be NULL */
  gint64 deletion_timestamp_us; /* metadata.deletionTimestamp; 0 = not being deleted */
  gint64 deletion_grace_period_seconds; /* metadata.deletionGracePeriodSeconds (set with the
                                           deletion timestamp; 0 otherwise) */
  char **finalizers;          /* metadata.finalizers, NULL-terminated; NULL when none */
  /* spec */
  GArray *containers;         /* of KsContainer */
  GArray *init_containers;    /* of KsContainer; may be NULL */
  KsResourceList overhead;    /* spec.overhead (empty when unset) */
  char *node_name;            /* spec.nodeName; NULL when unset */
  KsLabels node_selector;     /* spec.nodeSelector */
  char *scheduler_name;       /* default "default-scheduler" */
  gboolean has_priority;
  gint32 priority;            /* spec.priority (0 when unset) */
  char *priority_class_name;  /* may be NULL */
  KsPreemptionPolicy preemption_policy;
  GArray *tolerations;        /* of KsToleration; may be NULL */
  KsAffinity *affinity;       /* may be NULL */
  GArray *topology_spread_constraints; /* of KsTopologySpreadConstraint; may be NULL */
  GArray *volumes;            /* of KsVolume; may be NULL */
  char **scheduling_gates;    /* NULL-terminated names; NULL when none */
  KsRestartPolicy restart_policy; /* default Always */
  gint64 termination_grace_period_seconds; /* default 30 */
  gboolean host_network;
  /* status */
  KsPodPhase phase;
  char *nominated_node_name;  /* status.nominatedNodeName; may be NULL */
  gint64 start_time_us;       /* status.startTime (kubelet accepted the pod), when
                                 has_start_time; sim time 0 is a real startTime */
  gboolean has_start_time;
  gboolean ready;             /* status.conditions[type=Ready].status == "True" */
  gint64 ready_since_us;      /* that condition's lastTransitionTime; meaningful only when
                                 ready; minReadySeconds counts from here */
  char *reason;               /* status.reason (Evicted, OutOfcpu, NodeLost, ...); may be NULL */
  char *message;              /* status.message; may be NULL */
  GArray *conditions;         /* status.conditions except Ready, of KsPodCondition, in the
                                 order they were first set; may be NULL */
  KsContainerState container_state; /* containerStatuses[*].state (see KsContainerState) */
  KsContainerState last_state;      /* containerStatuses[*].lastState */
  GArray *container_statuses; /* of KsContainerStatus, one per regular container the
                                 resource model runs (status.containerStatuses); written by it,
                                 NULL for other pods. container_state / last_state then
                                 repeat the container that changed last */
  GArray *init_container_statuses; /* of KsContainerStatus: the init containers the
                                      resource model runs, sidecars among them, in spec
                                      order (status.initContainerStatuses);
                                      NULL for other pods */
} KsPod;

KsPod *ks_pod_new(const char *ns, const char *name); /* transfer full; refcount 1 */
KsPod *ks_pod_ref(KsPod *p);
void ks_pod_unref(KsPod *p);
/* A deep copy with refcount 1 (a template instantiated into a new pod). transfer full */
KsPod *ks_pod_copy(const KsPod *p);
/* Appends a container (to init_containers when init), creating the array on
 * first use; the pointer is valid until the next append to the same array. */
KsContainer *ks_pod_add_container(KsPod *p, const char *name, gboolean init);
/* Appends a volume / a toleration the same way (arrays get their clear funcs). */
KsVolume *ks_pod_add_volume(KsPod *p, const char *name, KsVolumeSource source);
KsToleration *ks_pod_add_toleration(KsPod *p);

/* Upstream podutil.UpdatePodCondition: sets the condition of that type
 * (appended when absent). lastTransitionTime becomes now_us when the
 * condition is new or its status changed, and is kept otherwise. Returns
 * TRUE when anything (status, reason, message, transition time) changed.
 * type must not be "Ready" (that lives in ready / ready_since_us). Call it on
 * a private copy only: shared pods never change. */
gboolean ks_pod_set_condition(KsPod *p, const char *type, KsPodConditionStatus status,
                              const char *reason, const char *message, gint64 now_us);
/* The condition of that type, or NULL. transfer none */
const KsPodCondition *ks_pod_get_condition(const KsPod *p, const char *type);
/* Removes the condition of that type; TRUE when there was one. */
gboolean ks_pod_remove_condition(KsPod *p, const char *type);
/* Sets status.reason and status.message (NULL clears); copies both. */
void ks_pod_set_status_reason(KsPod *p, const char *reason, const char *message);

/* Hash and equality of a pod's identity (namespace/name), for hash tables
 * keyed by KsPod* where different objects stand for the same pod. */
guint ks_pod_key_hash(gconstpointer pod);
gboolean ks_pod_key_equal(gconstpointer a, gconstpointer b);

/* Effective pod request (kube-semantics 2.1): max(sum of app containers and
 * sidecars, max over init containers) + overhead. out is initialised here. */
void ks_pod_compute_requests(const KsPod *p, KsResourceList *out);
/* The pod's effective limits, aggregated as requests are (upstream
 * PodLimits: sum of regular containers and sidecars, max with each init
 * step, plus overhead), for the resources every container declares a limit
 * for: a resource some container leaves unlimited is absent from out (the
 * kubelet then sets no pod-level cgroup limit for it). out is initialised. */
void ks_pod_compute_limits(const KsPod *p, KsResourceList *out);
/* The "non-zero" cpu/memory request used by scoring (2.2): containers without
 * an entry count 100m / 200Mi. */
void ks_pod_compute_nonzero_requests(const KsPod *p, gint64 *milli_cpu, gint64 *memory);

/* Upstream isPodUpdated, negated: TRUE when a and b agree on everything but
 * the status (phase, nominatedNodeName, startTime, reason, message, the
 * conditions, Ready among them) and
 * the finalizers, i.e. on metadata (namespace, name, generateName, uid,
 * labels, annotations, creation time, owner references, deletion timestamp
 * and grace period) and the whole spec. An absent
 * array equals an empty one and a NULL string equals "". The queue keeps an
 * updated unschedulable pod where it is when this holds. */
gboolean ks_pod_equal_except_status(const KsPod *a, const KsPod *b);

/* The pod's controller (metav1.GetControllerOf); NULL when none. transfer none */
const KsOwnerReference *ks_pod_get_controller(const KsPod *p);
/* TRUE while metadata.deletionTimestamp is set (upstream's "terminating"). */
gboolean ks_pod_is_terminating(const KsPod *p);
/* podutil.IsPodAvailable: ready, and either min_ready_seconds is 0 or
 * ready_since_us + minReadySeconds is strictly before now_us. */
gboolean ks_pod_is_available(const KsPod *p, gint32 min_ready_seconds, gint64 now_us);

/* schedutil.DefaultMilliCPURequest / DefaultMemoryRequest (200 MiB). */
#define KS_DEFAULT_MILLI_CPU_REQUEST 100
#define KS_DEFAULT_MEMORY_REQUEST (200 * 1024 * 1024)
