/* batch/v1: Job and CronJob.
 *
 * Defaulting (SetDefaults_Job, SetDefaults_CronJob, v1.31): completions and
 * parallelism both unset -> both 1, else parallelism 1; backoffLimit 6
 * (2147483647 with backoffLimitPerIndex); completionMode NonIndexed;
 * suspend false; podReplacementPolicy TerminatingOrFailed (Failed with a
 * podFailurePolicy); a Job without labels takes its template's. CronJob:
 * concurrencyPolicy Allow, suspend false, history limits 3 and 1; its
 * jobTemplate is decoded as a Job spec with the same defaults, which the
 * Job created from it would get.
 *
 * Selector: unless manualSelector, the API server generates it from the uid
 * (ks_job_generate_selector); a file with a uid gets it here, as the object
 * would have it; without a uid the selector is left for whoever assigns one.
 * With manualSelector the selector is required and must match the template.
 *
 * Validation (upstream ValidateJobSpec): the template's restartPolicy must
 * be OnFailure or Never (Never with a podFailurePolicy); counts are
 * non-negative; Indexed needs completions and maxFailedIndexes <=
 * completions; backoffLimitPerIndex and maxFailedIndexes need Indexed; a
 * podFailurePolicy allows only podReplacementPolicy Failed.
 */
#include "workloads/manifest_decode.h"

#include <string.h>

static const KsRestartPolicy job_restart[] = {KS_RESTART_ON_FAILURE, KS_RESTART_NEVER};
static const char *const completion_modes[] = {"NonIndexed", "Indexed"};
/* sorted, as upstream lists them (sets.List); index 0 is Failed */
static const char *const replacement_policies[] = {"Failed", "TerminatingOrFailed"};
static const char *const concurrency_policies[] = {"Allow", "Forbid", "Replace"};

static gboolean fail_at(KsDec *d, const KsYamlNode *m, const char *key, const char *msg) {
  const KsYamlNode *at = ks_yaml_get(m, key);
  gsize mark = ks_dec_push_field(d, key);
  ks_dec_fail(d, at ? at : m, "%s", msg);
  ks_dec_pop(d, mark);
  return FALSE;
}

/* The template's restartPolicy, as upstream words it: Always (the pod
 * default) is "Required", anything but OnFailure/Never "Unsupported", and a
 * podFailurePolicy needs Never. */
static gboolean job_restart_policy(KsDec *d, const KsYamlNode *spec, const KsJob *j) {
  KsRestartPolicy rp = j->template->restart_policy;
  if (rp == KS_RESTART_ALWAYS || (rp == KS_RESTART_ON_FAILURE && j->has_pod_failure_policy)) {
    const KsYamlNode *at = ks_dec_get_path(spec, "template.spec.restartPolicy");
    if (!at)
      at = ks_dec_get_path(spec, "template.spec");
    gsize mark = ks_dec_push_field(d, "template");
    gsize m2 = ks_dec_push_field(d, "spec");
    gsize m3 = ks_dec_push_field(d, "restartPolicy");
    if (rp == KS_RESTART_ALWAYS)
      ks_dec_fail(d, at, "Required value: valid values: \"OnFailure\", \"Never\"");
    else
      ks_dec_fail(d, at, "only \"Never\" is supported when podFailurePolicy is specified");
    ks_dec_pop(d, m3);
    ks_dec_pop(d, m2);
    ks_dec_pop(d, mark);
    return FALSE;
  }
  return ks_dec_check_restart_policy(d, spec, j->template, job_restart, G_N_ELEMENTS(job_restart));
}

/* The spec mapping of a Job (or of a CronJob's jobTemplate); path pushed by the caller. */
static gboolean job_spec(KsDec *d, const KsYamlNode *spec, KsJob *j) {
  gboolean has_par = FALSE, has_comp = FALSE, has_backoff = FALSE;
  guint mode = j->completion_mode, repl = 0;
  gboolean has_repl = FALSE;
  gboolean ok =
      ks_dec_nonneg_int32(d, spec, "parallelism", &j->parallelism, &has_par) &&
      ks_dec_nonneg_int32(d, spec, "completions", &j->completions, &has_comp) &&
      ks_dec_nonneg_int64(d, spec, "activeDeadlineSeconds", &j->active_deadline_seconds,
                          &j->has_active_deadline_seconds) &&
      ks_dec_nonneg_int32(d, spec, "backoffLimit", &j->backoff_limit, &has_backoff) &&
      ks_dec_nonneg_int32(d, spec, "backoffLimitPerIndex", &j->backoff_limit_per_index,
                          &j->has_backoff_limit_per_index) &&
      ks_dec_nonneg_int32(d, spec, "maxFailedIndexes", &j->max_failed_indexes,
                          &j->has_max_failed_indexes) &&
      ks_dec_nonneg_int32(d, spec, "ttlSecondsAfterFinished", &j->ttl_seconds_after_finished,
                          &j->has_ttl_seconds_after_finished) &&
      ks_dec_enum(d, spec, "completionMode", completion_modes, G_N_ELEMENTS(completion_modes),
                  &mode) &&
      ks_dec_bool(d, spec, "suspend", &j->suspend) &&
      ks_dec_bool(d, spec, "manualSelector", &j->manual_selector) &&
      ks_dec_label_selector(d, spec, "selector", &j->selector) &&
      ks_dec_pod_template(d, spec, "template", j->meta.namespace, &j->template);
  if (ok) {
    has_repl = !ks_dec_is_absent(ks_yaml_get(spec, "podReplacementPolicy"));
    ok = ks_dec_enum(d, spec, "podReplacementPolicy", replacement_policies,
                     G_N_ELEMENTS(replacement_policies), &repl);
  }
  j->completion_mode = (KsCompletionMode)mode;
  if (!ok)
    return FALSE;
  /* defaults */
  j->has_pod_failure_policy = !ks_dec_is_absent(ks_yaml_get(spec, "podFailurePolicy"));
  if (!has_comp && !has_par) {
    j->has_completions = TRUE;
    j->completions = 1;
    j->parallelism = 1;
  } else {
    j->has_completions = has_comp;
    if (!has_comp)
      j->completions = 0;
    if (!has_par)
      j->parallelism = 1;
  }
  if (!has_backoff)
    j->backoff_limit = j->has_backoff_limit_per_index ? G_MAXINT32 : 6;
  if (has_repl)
    j->pod_replacement_policy =
        repl == 0 ? KS_POD_REPLACEMENT_FAILED : KS_POD_REPLACEMENT_TERMINATING_OR_FAILED;
  else
    j->pod_replacement_policy = j->has_pod_failure_policy
                                    ? KS_POD_REPLACEMENT_FAILED
                                    : KS_POD_REPLACEMENT_TERMINATING_OR_FAILED;
  /* validation, in upstream ValidateJobSpec's order */
  if (j->completion_mode == KS_COMPLETION_INDEXED && !j->has_completions)
    return fail_at(d, spec, "completions", "Required value: when completion mode is Indexed");
  if (j->completion_mode == KS_COMPLETION_INDEXED && j->has_max_failed_indexes &&
      j->max_failed_indexes > j->completions)
    return fail_at(d, spec, "maxFailedIndexes", "must be less than or equal to completions");
  if (j->completion_mode != KS_COMPLETION_INDEXED && j->has_backoff_limit_per_index)
    return fail_at(d, spec, "backoffLimitPerIndex", "requires indexed completion mode");
  if (j->completion_mode != KS_COMPLETION_INDEXED && j->has_max_failed_indexes)
    return fail_at(d, spec, "maxFailedIndexes", "requires indexed completion mode");
  if (has_repl && j->has_pod_failure_policy && j->pod_replacement_policy != KS_POD_REPLACEMENT_FAILED)
    return fail_at(d, spec, "podReplacementPolicy",
                   "Unsupported value: \"TerminatingOrFailed\": supported values: \"Failed\"");
  if (!job_restart_policy(d, spec, j))
    return FALSE;
  if (j->manual_selector) {
    if (!j->selector)
      return ks_dec_missing(d, spec, "selector");
    if (!ks_label_selector_matches(j->selector, &j->template->labels)) {
      const KsYamlNode *at = ks_dec_get_path(spec, "template.metadata.labels");
      gsize mark = ks_dec_push_field(d, "template");
      gsize m2 = ks_dec_push_field(d, "metadata");
      gsize m3 = ks_dec_push_field(d, "labels");
      ks_dec_fail(d, at ? at : ks_yaml_get(spec, "template"),
                  "`selector` does not match template `labels`");
      ks_dec_pop(d, m3);
      ks_dec_pop(d, m2);
      ks_dec_pop(d, mark);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean job_status(KsDec *d, const KsYamlNode *obj, KsJob *j) {
  const KsYamlNode *st = ks_yaml_get(obj, "status");
  if (ks_dec_is_absent(st))
    return TRUE;
  gsize mark = ks_dec_push_field(d, "status");
  gboolean ok = ks_dec_expect_mapping(d, st) &&
                ks_dec_timestamp(d, st, "startTime", &j->start_time_us) &&
                ks_dec_timestamp(d, st, "completionTime", &j->completion_time_us) &&
                ks_dec_nonneg_int32(d, st, "active", &j->active, NULL) &&
                ks_dec_nonneg_int32(d, st, "succeeded", &j->succeeded, NULL) &&
                ks_dec_nonneg_int32(d, st, "failed", &j->failed, NULL) &&
                ks_dec_nonneg_int32(d, st, "ready", &j->ready, NULL) &&
                ks_dec_nonneg_int32(d, st, "terminating", &j->terminating, NULL) &&
                ks_dec_string(d, st, "completedIndexes", &j->completed_indexes) &&
                ks_dec_string(d, st, "failedIndexes", &j->failed_indexes) &&
                ks_dec_conditions(d, st, "conditions", &j->conditions);
  ks_dec_pop(d, mark);
  return ok;
}

KsJob *ks_dec_job(KsDec *d, const KsYamlNode *obj) {
  KsJob *j = ks_job_new(NULL, NULL);
  ks_object_meta_clear(&j->meta);
  gboolean ok = ks_dec_object_meta(d, obj, TRUE, &j->meta);
  const KsYamlNode *spec = ok ? ks_yaml_get(obj, "spec") : NULL;
  if (ok && ks_dec_is_absent(spec))
    ok = ks_dec_missing(d, obj, "spec");
  if (ok) {
    gsize mark = ks_dec_push_field(d, "spec");
    ok = ks_dec_expect_mapping(d, spec) && job_spec(d, spec, j);
    ks_dec_pop(d, mark);
  }
  ok = ok && job_status(d, obj, j);
  if (!ok) {
    ks_job_free(j);
    return NULL;
  }
  /* SetDefaults_Job: a job without labels takes its template's */
  if (j->meta.labels.n == 0) {
    ks_labels_clear(&j->meta.labels);
    ks_labels_copy(&j->meta.labels, &j->template->labels);
  }
  ks_job_generate_selector(j);
  return j; /* transfer full */
}

/* ---- CronJob ---------------------------------------------------------------------- */

static gboolean job_template(KsDec *d, const KsYamlNode *spec, KsCronJob *cj) {
  const KsYamlNode *jt = ks_yaml_get(spec, "jobTemplate");
  if (ks_dec_is_absent(jt))
    return ks_dec_missing(d, spec, "jobTemplate");
  gsize mark = ks_dec_push_field(d, "jobTemplate");
  KsJob *j = cj->job_template;
  gboolean ok = ks_dec_expect_mapping(d, jt);
  const KsYamlNode *md = ok ? ks_yaml_get(jt, "metadata") : NULL;
  if (ok && !ks_dec_is_absent(md)) {
    gsize m2 = ks_dec_push_field(d, "metadata");
    ok = ks_dec_expect_mapping(d, md) && ks_dec_labels(d, md, "labels", &j->meta.labels) &&
         ks_dec_labels(d, md, "annotations", &j->meta.annotations);
    ks_dec_pop(d, m2);
  }
  const KsYamlNode *js = ok ? ks_yaml_get(jt, "spec") : NULL;
  if (ok && ks_dec_is_absent(js))
    ok = ks_dec_missing(d, jt, "spec");
  if (ok) {
    gsize m2 = ks_dec_push_field(d, "spec");
    ok = ks_dec_expect_mapping(d, js) && job_spec(d, js, j);
    ks_dec_pop(d, m2);
  }
  ks_dec_pop(d, mark);
  return ok;
}

static gboolean active_ref(KsDec *d, const KsYamlNode *n, gpointer elem) {
  KsObjectReference *r = elem;
  if (ks_dec_is_absent(n))
    return ks_dec_fail(d, n, "expected a mapping, got null");
  return ks_dec_expect_mapping(d, n) && ks_dec_string(d, n, "kind", &r->kind) &&
         ks_dec_string(d, n, "namespace", &r->namespace) &&
         ks_dec_required_string(d, n, "name", &r->name) && ks_dec_string(d, n, "uid", &r->uid) &&
         ks_dec_string(d, n, "apiVersion", &r->api_version);
}

static void object_ref_clear(gpointer p) {
  KsObjectReference *r = p;
  g_free(r->kind);
  g_free(r->namespace);
  g_free(r->name);
  g_free(r->uid);
  g_free(r->api_version);
}

static gboolean cron_job_status(KsDec *d, const KsYamlNode *obj, KsCronJob *cj) {
  const KsYamlNode *st = ks_yaml_get(obj, "status");
  if (ks_dec_is_absent(st))
    return TRUE;
  gsize mark = ks_dec_push_field(d, "status");
  GArray *refs = NULL;
  gboolean ok = ks_dec_expect_mapping(d, st) &&
                ks_dec_timestamp(d, st, "lastScheduleTime", &cj->last_schedule_time_us) &&
                ks_dec_timestamp(d, st, "lastSuccessfulTime", &cj->last_successful_time_us) &&
                ks_dec_array(d, st, "active", sizeof(KsObjectReference), object_ref_clear,
                             active_ref, &refs);
  ks_dec_pop(d, mark);
  if (ok && refs) {
    cj->active = ks_object_reference_array_new();
    for (guint i = 0; i < refs->len; i++)
      g_ptr_array_add(cj->active, ks_object_reference_copy(&g_array_index(refs, KsObjectReference, i)));
  }
  if (refs)
    g_array_unref(refs);
  return ok;
}

KsCronJob *ks_dec_cron_job(KsDec *d, const KsYamlNode *obj) {
  KsCronJob *cj = ks_cron_job_new(NULL, NULL);
  ks_object_meta_clear(&cj->meta);
  gboolean ok = ks_dec_object_meta(d, obj, TRUE, &cj->meta);
  const KsYamlNode *spec = ok ? ks_yaml_get(obj, "spec") : NULL;
  if (ok && ks_dec_is_absent(spec))
    ok = ks_dec_missing(d, obj, "spec");
  if (ok) {
    /* the template's namespace is the CronJob's */
    g_free(cj->job_template->meta.namespace);
    cj->job_template->meta.namespace = g_strdup(cj->meta.namespace);
    guint policy = cj->concurrency_policy;
    gboolean has_deadline = FALSE;
    gsize mark = ks_dec_push_field(d, "spec");
    ok = ks_dec_expect_mapping(d, spec) &&
         ks_dec_required_string(d, spec, "schedule", &cj->schedule) &&
         ks_dec_string(d, spec, "timeZone", &cj->time_zone) &&
         ks_dec_nonneg_int64(d, spec, "startingDeadlineSeconds", &cj->starting_deadline_seconds,
                             &has_deadline) &&
         ks_dec_enum(d, spec, "concurrencyPolicy", concurrency_policies,
                     G_N_ELEMENTS(concurrency_policies), &policy) &&
         ks_dec_bool(d, spec, "suspend", &cj->suspend) &&
         ks_dec_nonneg_int32(d, spec, "successfulJobsHistoryLimit",
                             &cj->successful_jobs_history_limit, NULL) &&
         ks_dec_nonneg_int32(d, spec, "failedJobsHistoryLimit", &cj->failed_jobs_history_limit,
                             NULL) &&
         job_template(d, spec, cj);
    cj->concurrency_policy = (KsConcurrencyPolicy)policy;
    cj->has_starting_deadline_seconds = has_deadline;
    ks_dec_pop(d, mark);
  }
  ok = ok && cron_job_status(d, obj, cj);
  if (!ok) {
    ks_cron_job_free(cj);
    return NULL;
  }
  return cj; /* transfer full */
}
