/* The Job controller (upstream pkg/controller/job, v1.31), and the pure
 * arithmetic it runs on, exposed for tests.
 *
 * Behaviour kept from upstream (docs/controllers.md, "Job"):
 * - NonIndexed and Indexed completion modes; active pods wanted =
 *   min(parallelism, completions - succeeded) (with completions unset:
 *   parallelism until the first success, then whatever still runs);
 *   pods named "<job>-<random5>" / "<job>-<index>-<random5>", Indexed pods
 *   carrying batch.kubernetes.io/job-completion-index as annotation and
 *   label; creates in slow-start batches 1, 2, 4, ... (at most 500 per sync);
 * - pod failures counted against backoffLimit (with restartPolicy
 *   OnFailure, container restarts count too); after a failure new pods wait
 *   10 s x 2^(failures since the last success - 1), capped at 10 min
 *   (MaxJobPodFailureBackOff in v1.31's code; the documentation says 6 min),
 *   measured from the last failure's finish time;
 * - backoffLimitPerIndex / maxFailedIndexes for Indexed jobs (per-index
 *   failure counts and back-off, status.failedIndexes);
 * - podFailurePolicy (FailJob / Ignore / Count / FailIndex on the
 *   ksim.io/exit-code of a failed pod or on its conditions) and
 *   successPolicy (succeededIndexes / succeededCount of an Indexed Job),
 *   job_policies.c;
 * - activeDeadlineSeconds, suspend (pods deleted, startTime reset on
 *   resume), the conditions FailureTarget / SuccessCriteriaMet then
 *   Failed / Complete with upstream's reasons and messages, status
 *   active / ready / succeeded / failed / terminating / startTime /
 *   completionTime / completedIndexes;
 * - job tracking with the batch.kubernetes.io/job-tracking finalizer: a pod
 *   is counted once, when the controller removes its finalizer;
 * - syncs: immediately on a Job's creation or spec change, 1 s after a pod
 *   or status event (syncJobBatchPeriod), and at the back-off and deadline
 *   expiries.
 */
#pragma once
#include <glib.h>

#include "sched/rng.h"
#include "sim/controllers/runtime.h"
#include "workloads/batch.h"

/* Upstream constants (pkg/controller/job, v1.31). */
#define KS_JOB_POD_FAILURE_BACKOFF_US ((gint64)10 * G_USEC_PER_SEC)  /* DefaultJobPodFailureBackOff */
#define KS_JOB_POD_FAILURE_BACKOFF_MAX_US ((gint64)600 * G_USEC_PER_SEC) /* MaxJobPodFailureBackOff */
#define KS_JOB_SYNC_BATCH_PERIOD_US ((gint64)G_USEC_PER_SEC)            /* syncJobBatchPeriod */
#define KS_JOB_MAX_POD_CREATE_DELETE_PER_SYNC 500                     /* MaxPodCreateDeletePerSync */
#define KS_JOB_DEFAULT_WORKERS 5 /* --concurrent-job-syncs */

/* The controller class, for the manager's table. */
extern const KsControllerClass ks_job_controller_class;

/* The back-off before the next pod after `failures` consecutive failures
 * (getRemainingTimeForFailuresCount without the elapsed part): 0 for none,
 * then 10 s, 20 s, 40 s, ... capped at 600 s. */
gint64 ks_job_backoff_us(gint32 failures);
/* What is left of that back-off at now_us when the last failure finished
 * at last_failure_us (never negative). */
gint64 ks_job_backoff_remaining_us(gint32 failures, gint64 last_failure_us, gint64 now_us);

/* Active pods wanted (manageJob): completions < 0 means unset. */
gint32 ks_job_want_active(gint32 parallelism, gint32 completions, gint32 succeeded,
                          gint32 active);

/* status.completedIndexes for a sorted, duplicate-free list of indexes:
 * "1,3-5,7" (a run of two is written "3,4"). transfer full */
char *ks_job_format_indexes(const gint32 *sorted, guint n);
/* The inverse, keeping only indexes < completions; malformed parts are
 * skipped, as upstream's parser does. transfer full: a GArray of gint32 */
GArray *ks_job_parse_indexes(const char *s, gint32 completions);

/* The name the API server makes from generateName (names.SimpleNameGenerator):
 * base truncated to 58 bytes, plus 5 characters of
 * "bcdfghjklmnpqrstvwxz2456789" drawn from rng. transfer full */
char *ks_job_generate_name(const char *base, KsRng *rng);
/* generateName of a Job's pod: "<job>-" or, Indexed, "<job>-<index>-"
 * (podGenerateNameWithIndex: the job name is cut so that the prefix fits
 * 58 bytes). index < 0: NonIndexed. transfer full */
char *ks_job_pod_generate_name(const char *job, gint32 index);

/* podFailurePolicy (job_policies.c, upstream matchPodFailurePolicy) for a
 * failed pod: TRUE when a rule matched, with its action; *count_failed is
 * FALSE only for Ignore (TRUE when nothing matched); for FailJob *message
 * (when message is not NULL) is upstream's "Container c for pod ns/p failed
 * with exit code 42 matching FailJob rule at index 0" or "Pod ns/p has
 * condition DisruptionTarget matching FailJob rule at index 1". transfer
 * full: *message */
gboolean ks_job_match_pod_failure_policy(const GArray *rules, const KsPod *pod,
                                         KsPodFailurePolicyAction *action,
                                         gboolean *count_failed, char **message);
/* successPolicy (upstream matchSuccessPolicy): the first rule the sorted,
 * duplicate-free succeeded indexes meet; *message "Matched rules at index
 * <i>". transfer full: *message */
gboolean ks_job_match_success_policy(const GArray *rules, gint32 completions,
                                     const GArray *succeeded, char **message);
