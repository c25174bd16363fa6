/* batch/v1 kinds: construction with the API server's defaults, deep copies,
 * free, string forms of the enums (see batch.h). */
#include "workloads/batch.h"

#include <string.h>

static gboolean lookup(const char *const *names, guint n, const char *s, guint *out) {
  for (guint i = 0; s && i < n; i++) {
    if (strcmp(names[i], s) == 0) {
      *out = i;
      return TRUE;
    }
  }
  return FALSE;
}

#define ENUM_FUNCS(prefix, Type, names)                                                         \
  gboolean prefix##_from_string(const char *s, Type *out) {                                     \
    guint i;                                                                                    \
    if (!lookup(names, G_N_ELEMENTS(names), s, &i))                                             \
      return FALSE;                                                                             \
    *out = (Type)i;                                                                             \
    return TRUE;                                                                                \
  }                                                                                             \
  const char *prefix##_to_string(Type v) {                                                      \
    return (guint)v < G_N_ELEMENTS(names) ? names[v] : "?";                                     \
  }

static const char *const completion_names[] = {"NonIndexed", "Indexed"};
static const char *const replacement_names[] = {"TerminatingOrFailed", "Failed"};
static const char *const concurrency_names[] = {"Allow", "Forbid", "Replace"};

ENUM_FUNCS(ks_completion_mode, KsCompletionMode, completion_names)
ENUM_FUNCS(ks_pod_replacement_policy, KsPodReplacementPolicy, replacement_names)
ENUM_FUNCS(ks_concurrency_policy, KsConcurrencyPolicy, concurrency_names)

static const char *const pfp_action_names[] = {"Count", "FailIndex", "FailJob", "Ignore"};

const char *ks_pod_failure_policy_action_to_string(KsPodFailurePolicyAction a) {
  return (guint)a < G_N_ELEMENTS(pfp_action_names) ? pfp_action_names[a] : "?";
}

/* ---- podFailurePolicy and successPolicy rules ------------------------------------ */

static void pattern_clear(gpointer p) { g_free(((KsPodConditionPattern *)p)->type); }

static void pfp_rule_clear(gpointer p) {
  KsPodFailurePolicyRule *r = p;
  g_free(r->container_name);
  if (r->values)
    g_array_unref(r->values);
  if (r->patterns)
    g_array_unref(r->patterns);
}

static void success_rule_clear(gpointer p) { g_free(((KsSuccessPolicyRule *)p)->succeeded_indexes); }

GArray *ks_pod_failure_rule_array_new(void) {
  GArray *a = g_array_new(FALSE, TRUE, sizeof(KsPodFailurePolicyRule));
  g_array_set_clear_func(a, pfp_rule_clear);
  return a; /* transfer full */
}

GArray *ks_success_rule_array_new(void) {
  GArray *a = g_array_new(FALSE, TRUE, sizeof(KsSuccessPolicyRule));
  g_array_set_clear_func(a, success_rule_clear);
  return a; /* transfer full */
}

/* transfer full; NULL -> NULL */
static GArray *pfp_rules_copy(const GArray *src) {
  if (!src)
    return NULL;
  GArray *a = ks_pod_failure_rule_array_new();
  for (guint i = 0; i < src->len; i++) {
    KsPodFailurePolicyRule r = g_array_index(src, KsPodFailurePolicyRule, i);
    r.container_name = g_strdup(r.container_name);
    if (r.values)
      r.values = g_array_copy(r.values);
    if (r.patterns) {
      const GArray *ps = r.patterns;
      r.patterns = g_array_new(FALSE, TRUE, sizeof(KsPodConditionPattern));
      g_array_set_clear_func(r.patterns, pattern_clear);
      for (guint k = 0; k < ps->len; k++) {
        KsPodConditionPattern p = g_array_index(ps, KsPodConditionPattern, k);
        p.type = g_strdup(p.type);
        g_array_append_val(r.patterns, p);
      }
    }
    g_array_append_val(a, r);
  }
  return a;
}

/* transfer full; NULL -> NULL */
static GArray *success_rules_copy(const GArray *src) {
  if (!src)
    return NULL;
  GArray *a = ks_success_rule_array_new();
  for (guint i = 0; i < src->len; i++) {
    KsSuccessPolicyRule r = g_array_index(src, KsSuccessPolicyRule, i);
    r.succeeded_indexes = g_strdup(r.succeeded_indexes);
    g_array_append_val(a, r);
  }
  return a;
}

/* ---- Job ------------------------------------------------------------------------ */

KsJob *ks_job_new(const char *ns, const char *name) {
  KsJob *j = g_new0(KsJob, 1);
  ks_object_meta_init(&j->meta, ns && *ns ? ns : "default", name);
  j->parallelism = 1;
  j->has_completions = TRUE; /* both unset: both default to 1 */
  j->completions = 1;
  j->completion_mode = KS_COMPLETION_NON_INDEXED;
  j->backoff_limit = 6;
  j->pod_replacement_policy = KS_POD_REPLACEMENT_TERMINATING_OR_FAILED;
  j->template = ks_pod_new(j->meta.namespace, "");
  return j;
}

void ks_job_free(KsJob *j) {
  if (!j)
    return;
  ks_object_meta_clear(&j->meta);
  ks_label_selector_free(j->selector);
  ks_pod_unref(j->template);
  if (j->conditions)
    g_array_unref(j->conditions);
  g_free(j->completed_indexes);
  g_free(j->failed_indexes);
  if (j->pod_failure_rules)
    g_array_unref(j->pod_failure_rules);
  if (j->success_rules)
    g_array_unref(j->success_rules);
  g_free(j);
}

KsJob *ks_job_copy(const KsJob *j) {
  KsJob *c = g_new0(KsJob, 1);
  *c = *j;
  ks_object_meta_copy(&c->meta, &j->meta);
  c->selector = ks_label_selector_copy(j->selector);
  c->template = j->template ? ks_pod_copy(j->template) : NULL;
  c->conditions = ks_condition_array_copy(j->conditions);
  c->completed_indexes = g_strdup(j->completed_indexes);
  c->failed_indexes = g_strdup(j->failed_indexes);
  c->pod_failure_rules = pfp_rules_copy(j->pod_failure_rules);
  c->success_rules = success_rules_copy(j->success_rules);
  return c;
}

gboolean ks_job_is_finished(const KsJob *j) {
  return ks_conditions_is_true(j->conditions, KS_JOB_COND_COMPLETE) ||
         ks_conditions_is_true(j->conditions, KS_JOB_COND_FAILED);
}

static void label_default(KsLabels *l, const char *key, const char *value) {
  if (!ks_labels_has(l, key))
    ks_labels_set(l, key, value);
}

void ks_job_generate_selector(KsJob *j) {
  if (j->manual_selector || !j->meta.uid || !*j->meta.uid)
    return;
  KsLabels *t = &j->template->labels;
  label_default(t, KS_LABEL_LEGACY_JOB_NAME, j->meta.name);
  label_default(t, KS_LABEL_JOB_NAME, j->meta.name);
  label_default(t, KS_LABEL_LEGACY_CONTROLLER_UID, j->meta.uid);
  label_default(t, KS_LABEL_JOB_CONTROLLER_UID, j->meta.uid);
  if (!j->selector)
    j->selector = ks_label_selector_new();
  label_default(&j->selector->match_labels, KS_LABEL_JOB_CONTROLLER_UID, j->meta.uid);
}

/* ---- CronJob ---------------------------------------------------------------------- */

KsCronJob *ks_cron_job_new(const char *ns, const char *name) {
  KsCronJob *cj = g_new0(KsCronJob, 1);
  ks_object_meta_init(&cj->meta, ns && *ns ? ns : "default", name);
  cj->concurrency_policy = KS_CONCURRENCY_ALLOW;
  cj->successful_jobs_history_limit = 3;
  cj->failed_jobs_history_limit = 1;
  cj->job_template = ks_job_new(cj->meta.namespace, "");
  return cj;
}

void ks_cron_job_free(KsCronJob *cj) {
  if (!cj)
    return;
  ks_object_meta_clear(&cj->meta);
  g_free(cj->schedule);
  g_free(cj->time_zone);
  ks_job_free(cj->job_template);
  if (cj->active)
    g_ptr_array_unref(cj->active);
  g_free(cj);
}

KsCronJob *ks_cron_job_copy(const KsCronJob *cj) {
  KsCronJob *c = g_new0(KsCronJob, 1);
  *c = *cj;
  ks_object_meta_copy(&c->meta, &cj->meta);
  c->schedule = g_strdup(cj->schedule);
  c->time_zone = g_strdup(cj->time_zone);
  c->job_template = cj->job_template ? ks_job_copy(cj->job_template) : NULL;
  c->active = ks_object_reference_array_copy(cj->active);
  return c;
}
