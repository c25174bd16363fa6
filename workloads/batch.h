/* The batch/v1 kinds Job and CronJob, as the controllers read and write
 * them. Field comments give upstream's JSON names and the API server's
 * defaults (applied by the manifest loader). Every kind embeds `meta`
 * (object_meta.h); a Job's pod template is a KsPod (name ""). Each object
 * owns everything hanging off it; *_copy is deep; *_free accepts NULL.
 */
#pragma once
#include <glib.h>
#include "sched/pod.h"
#include "sched/selector.h"
#include "sched/owner_ref.h"
#include "workloads/object_meta.h"

/* Labels, annotations and the finalizer the Job controller uses (v1.31). The
 * API server puts both the batch.kubernetes.io/ labels and the legacy ones
 * on a Job's template when it generates the selector. */
#define KS_LABEL_JOB_CONTROLLER_UID "batch.kubernetes.io/controller-uid"
#define KS_LABEL_JOB_NAME "batch.kubernetes.io/job-name"
#define KS_LABEL_LEGACY_CONTROLLER_UID "controller-uid"
#define KS_LABEL_LEGACY_JOB_NAME "job-name"
#define KS_LABEL_JOB_COMPLETION_INDEX "batch.kubernetes.io/job-completion-index" /* also an annotation */
#define KS_FINALIZER_JOB_TRACKING "batch.kubernetes.io/job-tracking"
#define KS_ANN_CRONJOB_SCHEDULED_TIMESTAMP "batch.kubernetes.io/cronjob-scheduled-timestamp"

/* Job condition types and reasons. */
#define KS_JOB_COND_COMPLETE "Complete"
#define KS_JOB_COND_FAILED "Failed"
#define KS_JOB_COND_SUSPENDED "Suspended"
#define KS_JOB_COND_FAILURE_TARGET "FailureTarget"
#define KS_JOB_COND_SUCCESS_CRITERIA_MET "SuccessCriteriaMet"
#define KS_JOB_REASON_BACKOFF_LIMIT_EXCEEDED "BackoffLimitExceeded"
#define KS_JOB_REASON_DEADLINE_EXCEEDED "DeadlineExceeded"
#define KS_JOB_REASON_MAX_FAILED_INDEXES_EXCEEDED "MaxFailedIndexesExceeded"
#define KS_JOB_REASON_FAILED_INDEXES "FailedIndexes"
#define KS_JOB_REASON_POD_FAILURE_POLICY "PodFailurePolicy"
#define KS_JOB_REASON_SUSPENDED "JobSuspended"
#define KS_JOB_REASON_RESUMED "JobResumed"
#define KS_JOB_REASON_COMPLETIONS_REACHED "CompletionsReached"
#define KS_JOB_REASON_SUCCESS_POLICY "SuccessPolicy"

typedef enum {
  KS_COMPLETION_NON_INDEXED = 0, /* NonIndexed (default) */
  KS_COMPLETION_INDEXED,         /* Indexed */
} KsCompletionMode;
gboolean ks_completion_mode_from_string(const char *s, KsCompletionMode *out);
const char *ks_completion_mode_to_string(KsCompletionMode m);

typedef enum {
  KS_POD_REPLACEMENT_TERMINATING_OR_FAILED = 0, /* TerminatingOrFailed (default) */
  KS_POD_REPLACEMENT_FAILED,                    /* Failed (default with a podFailurePolicy) */
} KsPodReplacementPolicy;
gboolean ks_pod_replacement_policy_from_string(const char *s, KsPodReplacementPolicy *out);
const char *ks_pod_replacement_policy_to_string(KsPodReplacementPolicy p);

/* podFailurePolicy (v1.31, beta, on): rules matched in order against a
 * failed pod; the first match decides. Actions sorted as upstream lists
 * them (sets.List). */
typedef enum {
  KS_PFP_ACTION_COUNT = 0,  /* Count: the failure counts against backoffLimit */
  KS_PFP_ACTION_FAIL_INDEX, /* FailIndex: the pod's index fails (backoffLimitPerIndex) */
  KS_PFP_ACTION_FAIL_JOB,   /* FailJob: the whole Job fails */
  KS_PFP_ACTION_IGNORE,     /* Ignore: the failure is not counted */
} KsPodFailurePolicyAction;
const char *ks_pod_failure_policy_action_to_string(KsPodFailurePolicyAction a);

typedef struct {
  char *type;               /* onPodConditions[].type, e.g. "DisruptionTarget" */
  KsConditionStatus status; /* onPodConditions[].status */
} KsPodConditionPattern;

typedef struct {
  KsPodFailurePolicyAction action;
  gboolean on_exit_codes;  /* TRUE: onExitCodes; FALSE: onPodConditions */
  char *container_name;    /* onExitCodes.containerName; NULL: any container */
  gboolean not_in;         /* onExitCodes.operator NotIn (else In) */
  GArray *values;          /* onExitCodes.values, of gint32, ascending and unique */
  GArray *patterns;        /* onPodConditions, of KsPodConditionPattern */
} KsPodFailurePolicyRule;

/* successPolicy.rules[] (v1.31, beta, on; Indexed Jobs only). */
typedef struct {
  char *succeeded_indexes;     /* succeededIndexes ("0,2-4"); NULL: unset */
  gboolean has_succeeded_count;
  gint32 succeeded_count;      /* succeededCount */
} KsSuccessPolicyRule;

typedef struct {
  KsObjectMeta meta;             /* labels default to the template's when empty */
  /* spec */
  gint32 parallelism;            /* parallelism, default 1 */
  gboolean has_completions;      /* completions unset: any one success completes the job;
                                    both completions and parallelism unset: both default 1 */
  gint32 completions;            /* completions (when has_completions) */
  KsCompletionMode completion_mode; /* completionMode, default NonIndexed */
  gint32 backoff_limit;          /* backoffLimit, default 6 (2147483647 with backoffLimitPerIndex) */
  gboolean has_backoff_limit_per_index;
  gint32 backoff_limit_per_index;/* backoffLimitPerIndex (Indexed only) */
  gboolean has_max_failed_indexes;
  gint32 max_failed_indexes;     /* maxFailedIndexes */
  gboolean has_active_deadline_seconds;
  gint64 active_deadline_seconds;/* activeDeadlineSeconds */
  gboolean has_ttl_seconds_after_finished;
  gint32 ttl_seconds_after_finished; /* ttlSecondsAfterFinished */
  gboolean suspend;              /* suspend, default false */
  KsLabelSelector *selector;     /* selector; generated from the uid unless manualSelector */
  gboolean manual_selector;      /* manualSelector */
  KsPodReplacementPolicy pod_replacement_policy; /* podReplacementPolicy */
  gboolean has_pod_failure_policy; /* podFailurePolicy present */
  GArray *pod_failure_rules;     /* podFailurePolicy.rules, of KsPodFailurePolicyRule; NULL
                                    when there is no podFailurePolicy */
  GArray *success_rules;         /* successPolicy.rules, of KsSuccessPolicyRule; NULL when
                                    there is no successPolicy */
  KsPod *template;               /* template; never NULL */
  /* status */
  gint32 active;                 /* status.active */
  gint32 succeeded;              /* status.succeeded */
  gint32 failed;                 /* status.failed */
  gint32 ready;                  /* status.ready */
  gint32 terminating;            /* status.terminating */
  gint64 start_time_us;          /* status.startTime; 0 = unset */
  gint64 completion_time_us;     /* status.completionTime; 0 = unset */
  GArray *conditions;            /* status.conditions, of KsCondition; may be NULL */
  char *completed_indexes;       /* status.completedIndexes ("1,3-5,7"); may be NULL */
  char *failed_indexes;          /* status.failedIndexes; may be NULL */
} KsJob;

KsJob *ks_job_new(const char *ns, const char *name); /* transfer full; defaults set */
/* Empty arrays with their clear functions set. transfer full */
GArray *ks_pod_failure_rule_array_new(void);
GArray *ks_success_rule_array_new(void);
void ks_job_free(KsJob *j);
KsJob *ks_job_copy(const KsJob *j); /* transfer full */
/* The API server's generateSelector (pkg/registry/batch/job, v1.31), for a
 * job without manualSelector once it has a uid: the template gets the labels
 * job-name and batch.kubernetes.io/job-name (the job's name) and
 * controller-uid and batch.kubernetes.io/controller-uid (its uid) unless it
 * has them, and the selector (created if NULL) gets matchLabels
 * batch.kubernetes.io/controller-uid: <uid> unless it has that key. The
 * manifest loader calls it when the file gives a uid; otherwise the
 * workload feed (sim/workload_feed.c) does once it has assigned one. No-op
 * without a uid or with manualSelector. */
void ks_job_generate_selector(KsJob *j);
/* The job has a Complete or Failed condition with status True (upstream IsJobFinished). */
gboolean ks_job_is_finished(const KsJob *j);

typedef enum {
  KS_CONCURRENCY_ALLOW = 0, /* Allow (default) */
  KS_CONCURRENCY_FORBID,    /* Forbid */
  KS_CONCURRENCY_REPLACE,   /* Replace */
} KsConcurrencyPolicy;
gboolean ks_concurrency_policy_from_string(const char *s, KsConcurrencyPolicy *out);
const char *ks_concurrency_policy_to_string(KsConcurrencyPolicy p);

typedef struct {
  KsObjectMeta meta;
  /* spec */
  char *schedule;                /* schedule (cron syntax; required) */
  char *time_zone;               /* timeZone; NULL = the controller's local zone (ksim: UTC) */
  gboolean has_starting_deadline_seconds;
  gint64 starting_deadline_seconds; /* startingDeadlineSeconds */
  KsConcurrencyPolicy concurrency_policy; /* concurrencyPolicy, default Allow */
  gboolean suspend;              /* suspend, default false */
  gint32 successful_jobs_history_limit; /* successfulJobsHistoryLimit, default 3 */
  gint32 failed_jobs_history_limit;     /* failedJobsHistoryLimit, default 1 */
  KsJob *job_template;           /* jobTemplate: its meta holds jobTemplate.metadata (labels,
                                    annotations), the rest its spec; never NULL */
  /* status */
  GPtrArray *active;             /* status.active, of KsObjectReference*; may be NULL */
  gint64 last_schedule_time_us;  /* status.lastScheduleTime; 0 = unset */
  gint64 last_successful_time_us;/* status.lastSuccessfulTime; 0 = unset */
} KsCronJob;

KsCronJob *ks_cron_job_new(const char *ns, const char *name); /* transfer full; defaults set */
void ks_cron_job_free(KsCronJob *cj);
KsCronJob *ks_cron_job_copy(const KsCronJob *cj); /* transfer full */
