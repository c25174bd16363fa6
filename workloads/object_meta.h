/* metav1.ObjectMeta as the workload kinds carry it (embedded as `meta`), and
 * metav1.Condition-style status conditions.
 *
 * resourceVersion is not here: the store keeps it on its KsStoreObject.
 * managedFields, selfLink and the like are dropped by the loader. Pods keep
 * their metadata inline (sched/pod.h) because the scheduler reads them;
 * PersistentVolumes and claims do the same (sched/volume_objects.h).
 */
#pragma once
#include <glib.h>
#include "sched/labels.h"
#include "sched/owner_ref.h"

typedef struct {
  char *name;                  /* name; "" for a template without one */
  char *generate_name;         /* generateName; may be NULL */
  char *namespace;             /* namespace; "default" for namespaced kinds when absent,
                                  NULL for cluster-scoped ones */
  char *uid;                   /* uid; may be NULL until the store assigns one */
  KsLabels labels;             /* labels */
  KsLabels annotations;        /* annotations */
  gint64 creation_timestamp_us;/* creationTimestamp; 0 when absent */
  gint64 deletion_timestamp_us;/* deletionTimestamp; 0 = not being deleted */
  gint64 deletion_grace_period_seconds; /* deletionGracePeriodSeconds; 0 when unset */
  GArray *owner_references;    /* ownerReferences, of KsOwnerReference; may be NULL */
  char **finalizers;           /* finalizers, NULL-terminated; NULL when none */
  gint64 generation;           /* generation: the API server sets 1 on create and adds 1
                                  on each spec change; 0 when absent */
} KsObjectMeta;

/* Zeroes m and sets name and namespace (copied; either may be NULL). */
void ks_object_meta_init(KsObjectMeta *m, const char *ns, const char *name);
void ks_object_meta_clear(KsObjectMeta *m);
void ks_object_meta_copy(KsObjectMeta *dst, const KsObjectMeta *src); /* dst uninitialised */
/* metav1.GetControllerOf; NULL when none. transfer none */
const KsOwnerReference *ks_object_meta_get_controller(const KsObjectMeta *m);
/* TRUE when finalizer is in m->finalizers. */
gboolean ks_object_meta_has_finalizer(const KsObjectMeta *m, const char *finalizer);
/* Adds (if missing) / removes (if present) a finalizer; TRUE if m changed. */
gboolean ks_object_meta_add_finalizer(KsObjectMeta *m, const char *finalizer);
gboolean ks_object_meta_remove_finalizer(KsObjectMeta *m, const char *finalizer);

/* The garbage collector's finalizers (metav1.FinalizerOrphanDependents,
 * FinalizerDeleteDependents). */
#define KS_FINALIZER_ORPHAN "orphan"
#define KS_FINALIZER_FOREGROUND "foregroundDeletion"

/* ---- status conditions ------------------------------------------------------
 * The conditions of Deployment, ReplicaSet, DaemonSet, StatefulSet and Job
 * status (apps/v1 DeploymentCondition, batch/v1 JobCondition, ...): a type,
 * a status, a reason and message, and two times. Types and reasons are
 * upstream's strings (macros in apps.h and batch.h). */
typedef enum {
  KS_CONDITION_UNKNOWN = 0, /* "Unknown" */
  KS_CONDITION_TRUE,        /* "True" */
  KS_CONDITION_FALSE,       /* "False" */
} KsConditionStatus;
const char *ks_condition_status_to_string(KsConditionStatus s);
gboolean ks_condition_status_from_string(const char *s, KsConditionStatus *out);

typedef struct {
  char *type;                   /* type, e.g. "Progressing", "Complete" */
  KsConditionStatus status;     /* status */
  char *reason;                 /* reason; may be NULL */
  char *message;                /* message; may be NULL */
  gint64 last_transition_time_us; /* lastTransitionTime; 0 when absent */
  gint64 last_update_time_us;   /* lastUpdateTime (Deployment) / lastProbeTime (Job); 0 when absent */
} KsCondition;

void ks_condition_clear(KsCondition *c);
/* An empty GArray of KsCondition with its clear func set. transfer full */
GArray *ks_condition_array_new(void);
GArray *ks_condition_array_copy(const GArray *src); /* transfer full; NULL->NULL */
/* The condition of that type, or NULL. transfer none */
const KsCondition *ks_conditions_get(const GArray *conds, const char *type);
/* TRUE when a condition of that type has status True. */
gboolean ks_conditions_is_true(const GArray *conds, const char *type);
/* Upstream SetDeploymentCondition (creating *conds on first use): an
 * existing condition of that type with the same status and reason is left
 * as it is (FALSE); otherwise the old one is removed and the new one
 * appended with lastUpdateTime now_us and lastTransitionTime now_us, or the
 * old one's when the status did not change (TRUE). To refresh
 * lastUpdateTime only (Deployment's ReplicaSetUpdated), remove, then set. */
gboolean ks_conditions_set(GArray **conds, const char *type, KsConditionStatus status,
                               const char *reason, const char *message, gint64 now_us);
/* Removes the condition of that type; TRUE if there was one. */
gboolean ks_conditions_remove(GArray *conds, const char *type);
