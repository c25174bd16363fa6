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
 * podFailurePolicy allows only podReplacementPolicy Failed. The
 * podFailurePolicy and successPolicy rules are decoded in full and checked
 * as validatePodFailurePolicy / validateSuccessPolicy do (limits, required
 * fields, exit-code order, container names, index intervals).
 */
#include "workloads/manifest_decode.h"

#include <stdarg.h>
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

/* ---- podFailurePolicy and successPolicy ------------------------------------------- */

/* Upstream limits (pkg/apis/batch/validation, v1.31). */
#define MAX_POD_FAILURE_POLICY_RULES 20
#define MAX_ON_EXIT_CODES_VALUES 255
#define MAX_ON_POD_CONDITIONS_PATTERNS 20
#define MAX_SUCCESS_POLICY_RULES 20
#define MAX_SUCCEEDED_INDEXES_LENGTH (64 * 1024)

/* sorted, as upstream lists them (sets.List) */
static const char *const pfp_actions[] = {"Count", "FailIndex", "FailJob", "Ignore"};
static const char *const pfp_operators[] = {"In", "NotIn"};
static const char *const pfp_statuses[] = {"False", "True", "Unknown"};
static const KsConditionStatus pfp_status_values[] = {KS_CONDITION_FALSE, KS_CONDITION_TRUE,
                                                      KS_CONDITION_UNKNOWN};

/* Fails at m[key] (or m when absent) with the path m's path + key. */
static gboolean fail_field(KsDec *d, const KsYamlNode *m, const char *key, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);
static gboolean fail_field(KsDec *d, const KsYamlNode *m, const char *key, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  fail_at(d, m, key, msg);
  g_free(msg);
  return FALSE;
}

/* "Required value: valid values: [\"a\" \"b\"]" (Go's %q of a []string). */
static gboolean fail_required_of(KsDec *d, const KsYamlNode *m, const char *key,
                                 const char *const *names, guint n) {
  GString *s = g_string_new("Required value: valid values: [");
  for (guint i = 0; i < n; i++)
    g_string_append_printf(s, "%s\"%s\"", i ? " " : "", names[i]);
  g_string_append_c(s, ']');
  fail_at(d, m, key, s->str);
  g_string_free(s, TRUE);
  return FALSE;
}

/* An enum field that upstream requires: absent is "Required value: valid
 * values: [...]", else ks_dec_enum's NotSupported. */
static gboolean required_enum(KsDec *d, const KsYamlNode *m, const char *key,
                              const char *const *names, guint n, guint *out) {
  const KsYamlNode *v = ks_yaml_get(m, key);
  if (ks_dec_is_absent(v) || (v->kind == KS_YAML_SCALAR && !*v->scalar))
    return fail_required_of(d, m, key, names, n);
  return ks_dec_enum(d, m, key, names, n, out);
}

static gboolean decode_exit_code(KsDec *d, const KsYamlNode *n, gpointer elem) {
  gint64 v = 0;
  if (ks_dec_is_absent(n) || n->kind != KS_YAML_SCALAR || n->quoted)
    return ks_dec_fail(d, n, "expected an integer");
  if (!g_ascii_string_to_signed(n->scalar, 10, G_MININT32, G_MAXINT32, &v, NULL))
    return ks_dec_fail(d, n, "\"%s\" is not an integer", n->scalar);
  *(gint32 *)elem = (gint32)v;
  return TRUE;
}

static void pattern_clear(gpointer p) { g_free(((KsPodConditionPattern *)p)->type); }

/* IsQualifiedName's name part (the optional "prefix/" is checked as a DNS subdomain). */
static const char *qualified_name_error(const char *s) {
  const char *slash = strrchr(s, '/');
  const char *name = slash ? slash + 1 : s;
  if (slash) {
    if (slash == s)
      return "prefix part must be non-empty";
    for (const char *p = s; p < slash; p++)
      if (!g_ascii_islower(*p) && !g_ascii_isdigit(*p) && *p != '-' && *p != '.')
        return "prefix part a lowercase RFC 1123 subdomain must consist of lower case "
               "alphanumeric characters, '-' or '.', and must start and end with an "
               "alphanumeric character";
  }
  if (!*name)
    return "name part must be non-empty";
  if (strlen(name) > 63)
    return "name part must be no more than 63 characters";
  gsize n = strlen(name);
  for (gsize i = 0; i < n; i++) {
    char c = name[i];
    gboolean alnum = g_ascii_isalnum(c);
    if ((!alnum && c != '-' && c != '_' && c != '.') || ((i == 0 || i == n - 1) && !alnum))
      return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start "
             "and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
             "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  }
  return NULL;
}

static gboolean decode_pattern(KsDec *d, const KsYamlNode *n, gpointer elem) {
  KsPodConditionPattern *p = elem;
  if (ks_dec_is_absent(n))
    return ks_dec_fail(d, n, "expected a mapping, got null");
  guint st = 0;
  if (!ks_dec_expect_mapping(d, n) || !ks_dec_string(d, n, "type", &p->type))
    return FALSE;
  const char *err = qualified_name_error(p->type ? p->type : "");
  if (err)
    return fail_at(d, n, "type", err);
  if (!required_enum(d, n, "status", pfp_statuses, G_N_ELEMENTS(pfp_statuses), &st))
    return FALSE;
  p->status = pfp_status_values[st];
  return TRUE;
}

static gboolean on_exit_codes(KsDec *d, const KsYamlNode *oec, const KsJob *j,
                              KsPodFailurePolicyRule *r) {
  guint op = 0;
  if (!ks_dec_expect_mapping(d, oec) ||
      !required_enum(d, oec, "operator", pfp_operators, G_N_ELEMENTS(pfp_operators), &op) ||
      !ks_dec_string(d, oec, "containerName", &r->container_name) ||
      !ks_dec_array(d, oec, "values", sizeof(gint32), NULL, decode_exit_code, &r->values))
    return FALSE;
  r->not_in = op == 1;
  if (r->container_name) {
    gboolean known = FALSE;
    const GArray *lists[] = {j->template->containers, j->template->init_containers};
    for (guint l = 0; l < G_N_ELEMENTS(lists) && !known; l++)
      for (guint i = 0; lists[l] && i < lists[l]->len && !known; i++)
        known = !g_strcmp0(g_array_index(lists[l], KsContainer, i).name, r->container_name);
    if (!known)
      return fail_at(d, oec, "containerName",
                     "must be one of the container or initContainer names in the pod template");
  }
  guint n = r->values ? r->values->len : 0;
  if (n == 0)
    return fail_at(d, oec, "values", "at least one value is required");
  if (n > MAX_ON_EXIT_CODES_VALUES)
    return fail_field(d, oec, "values", "Too many: %u: must have at most %d items", n,
                      MAX_ON_EXIT_CODES_VALUES);
  const KsYamlNode *seq = ks_yaml_get(oec, "values");
  gboolean ordered = TRUE;
  for (guint i = 0; i < n; i++) {
    gint32 v = g_array_index(r->values, gint32, i);
    const char *msg = NULL;
    char *dup = NULL;
    if (!r->not_in && v == 0)
      msg = "must not be 0 for the In operator";
    for (guint k = 0; k < i && !msg; k++)
      if (g_array_index(r->values, gint32, k) == v)
        msg = dup = g_strdup_printf("Duplicate value: %d", v);
    if (msg) {
      gsize m1 = ks_dec_push_field(d, "values");
      gsize m2 = ks_dec_push_index(d, i);
      ks_dec_fail(d, ks_yaml_item(seq, i), "%s", msg);
      ks_dec_pop(d, m2);
      ks_dec_pop(d, m1);
      g_free(dup);
      return FALSE;
    }
    if (i > 0 && g_array_index(r->values, gint32, i - 1) > v)
      ordered = FALSE;
  }
  if (!ordered)
    return fail_at(d, oec, "values", "must be ordered");
  return TRUE;
}

static gboolean decode_pfp_rule(KsDec *d, const KsYamlNode *n, gpointer elem, const KsJob *j) {
  KsPodFailurePolicyRule *r = elem;
  if (ks_dec_is_absent(n))
    return ks_dec_fail(d, n, "expected a mapping, got null");
  guint action = 0;
  if (!ks_dec_expect_mapping(d, n) ||
      !required_enum(d, n, "action", pfp_actions, G_N_ELEMENTS(pfp_actions), &action))
    return FALSE;
  r->action = (KsPodFailurePolicyAction)action;
  if (r->action == KS_PFP_ACTION_FAIL_INDEX && !j->has_backoff_limit_per_index)
    return fail_at(d, n, "action", "requires the backoffLimitPerIndex to be set");
  const KsYamlNode *oec = ks_yaml_get(n, "onExitCodes");
  gboolean has_oec = !ks_dec_is_absent(oec);
  if (has_oec) {
    gsize mark = ks_dec_push_field(d, "onExitCodes");
    gboolean ok = on_exit_codes(d, oec, j, r);
    ks_dec_pop(d, mark);
    if (!ok)
      return FALSE;
  }
  if (!ks_dec_array(d, n, "onPodConditions", sizeof(KsPodConditionPattern), pattern_clear,
                    decode_pattern, &r->patterns))
    return FALSE;
  guint np = r->patterns ? r->patterns->len : 0;
  if (np > MAX_ON_POD_CONDITIONS_PATTERNS)
    return fail_field(d, n, "onPodConditions", "Too many: %u: must have at most %d items", np,
                      MAX_ON_POD_CONDITIONS_PATTERNS);
  if (has_oec && np > 0)
    return ks_dec_fail(d, n, "Invalid value: specifying both OnExitCodes and OnPodConditions is not supported");
  if (!has_oec && np == 0)
    return ks_dec_fail(d, n, "Invalid value: specifying one of OnExitCodes and OnPodConditions is required");
  r->on_exit_codes = has_oec;
  return TRUE;
}

static gboolean pod_failure_policy(KsDec *d, const KsYamlNode *spec, KsJob *j) {
  const KsYamlNode *pfp = ks_yaml_get(spec, "podFailurePolicy");
  if (ks_dec_is_absent(pfp))
    return TRUE;
  gsize mark = ks_dec_push_field(d, "podFailurePolicy");
  gboolean ok = ks_dec_expect_mapping(d, pfp);
  const KsYamlNode *rules = ok ? ks_yaml_get(pfp, "rules") : NULL;
  if (ok && ks_dec_is_absent(rules))
    ok = ks_dec_missing(d, pfp, "rules");
  if (ok) {
    gsize m1 = ks_dec_push_field(d, "rules");
    ok = ks_dec_expect_sequence(d, rules);
    ks_dec_pop(d, m1);
  }
  guint n = ok ? ks_yaml_len(rules) : 0;
  if (ok && n > MAX_POD_FAILURE_POLICY_RULES)
    ok = fail_field(d, pfp, "rules", "Too many: %u: must have at most %d items", n,
                    MAX_POD_FAILURE_POLICY_RULES);
  GArray *out = ks_pod_failure_rule_array_new();
  for (guint i = 0; ok && i < n; i++) {
    gsize m1 = ks_dec_push_field(d, "rules");
    gsize m2 = ks_dec_push_index(d, i);
    g_array_set_size(out, i + 1); /* zeroed; cleared with the array on failure */
    ok = decode_pfp_rule(d, ks_yaml_item(rules, i), &g_array_index(out, KsPodFailurePolicyRule, i), j);
    ks_dec_pop(d, m2);
    ks_dec_pop(d, m1);
  }
  ks_dec_pop(d, mark);
  if (ok)
    j->pod_failure_rules = out;
  else
    g_array_unref(out);
  return ok;
}

/* validateIndexesFormat: the number of indexes, or -1 with *err set. transfer full: *err */
static gint64 indexes_format(const char *s, gint32 completions, char **err) {
  gint64 total = 0, last = -1;
  char **parts = g_strsplit(s, ",", -1);
  for (guint i = 0; *s && parts[i] && !*err; i++) {
    char **lim = g_strsplit(parts[i], "-", -1);
    guint n = g_strv_length(lim);
    gint64 x = 0, y = 0;
    if (n > 2)
      *err = g_strdup_printf("the fragment \"%s\" violates the requirement that an index "
                             "interval can have at most two parts separated by '-'", parts[i]);
    else if (!g_ascii_string_to_signed(lim[0], 10, G_MININT64, G_MAXINT64, &x, NULL))
      *err = g_strdup_printf("cannot convert string to integer for index: \"%s\"", lim[0]);
    else if (x >= completions)
      *err = g_strdup_printf("too large index: \"%s\"", lim[0]);
    else if (n == 2 && !g_ascii_string_to_signed(lim[1], 10, G_MININT64, G_MAXINT64, &y, NULL))
      *err = g_strdup_printf("cannot convert string to integer for index: \"%s\"", lim[1]);
    else if (n == 2 && y >= completions)
      *err = g_strdup_printf("too large index: \"%s\"", lim[1]);
    else if (n == 2 && x >= y)
      *err = g_strdup_printf("non-increasing order, previous: %" G_GINT64_FORMAT
                             ", current: %" G_GINT64_FORMAT, x, y);
    else {
      if (n == 1)
        y = x;
      if (last >= 0 && last >= x)
        *err = g_strdup_printf("non-increasing order, previous: %" G_GINT64_FORMAT
                               ", current: %" G_GINT64_FORMAT, last, x);
      total += y - x + 1;
      last = y;
    }
    g_strfreev(lim);
  }
  g_strfreev(parts);
  return *err ? -1 : total;
}

static gboolean decode_success_rule(KsDec *d, const KsYamlNode *n, gpointer elem) {
  KsSuccessPolicyRule *r = elem;
  if (ks_dec_is_absent(n))
    return ks_dec_fail(d, n, "expected a mapping, got null");
  return ks_dec_expect_mapping(d, n) &&
         ks_dec_string(d, n, "succeededIndexes", &r->succeeded_indexes) &&
         ks_dec_int32(d, n, "succeededCount", &r->succeeded_count, &r->has_succeeded_count);
}

static void success_rule_clear_func(gpointer p) {
  g_free(((KsSuccessPolicyRule *)p)->succeeded_indexes);
}

/* validateSuccessPolicyRule */
static gboolean check_success_rule(KsDec *d, const KsYamlNode *n, const KsSuccessPolicyRule *r,
                                   const KsJob *j) {
  if (!r->has_succeeded_count && !r->succeeded_indexes)
    return ks_dec_fail(d, n, "Required value: at least one of succeededCount or "
                             "succeededIndexes must be specified");
  gint64 total = 0;
  if (r->succeeded_indexes) {
    if (strlen(r->succeeded_indexes) > MAX_SUCCEEDED_INDEXES_LENGTH)
      return fail_field(d, n, "succeededIndexes", "Too long: may not be more than %d bytes",
                        MAX_SUCCEEDED_INDEXES_LENGTH);
    char *err = NULL;
    total = indexes_format(r->succeeded_indexes, j->completions, &err);
    if (err) {
      fail_field(d, n, "succeededIndexes", "error parsing succeededIndexes: %s", err);
      g_free(err);
      return FALSE;
    }
  }
  if (r->has_succeeded_count) {
    if (r->succeeded_count < 0)
      return fail_field(d, n, "succeededCount", "%d must be greater than or equal to 0",
                        r->succeeded_count);
    if (r->succeeded_count > j->completions)
      return fail_field(d, n, "succeededCount",
                        "must be less than or equal to %d (the number of specified completions)",
                        j->completions);
    if (r->succeeded_indexes && r->succeeded_count > total)
      return fail_field(d, n, "succeededCount",
                        "must be less than or equal to %" G_GINT64_FORMAT
                        " (the number of indexes in the specified succeededIndexes field)",
                        total);
  }
  return TRUE;
}

static gboolean success_policy(KsDec *d, const KsYamlNode *spec, KsJob *j) {
  const KsYamlNode *sp = ks_yaml_get(spec, "successPolicy");
  if (ks_dec_is_absent(sp))
    return TRUE;
  if (j->completion_mode != KS_COMPLETION_INDEXED)
    return fail_at(d, spec, "successPolicy", "requires indexed completion mode");
  gsize mark = ks_dec_push_field(d, "successPolicy");
  GArray *out = NULL;
  gboolean ok = ks_dec_expect_mapping(d, sp) &&
                ks_dec_array(d, sp, "rules", sizeof(KsSuccessPolicyRule), success_rule_clear_func,
                             decode_success_rule, &out);
  guint n = out ? out->len : 0;
  if (ok && n == 0)
    ok = fail_at(d, sp, "rules", "Required value: at least one rules must be specified when the "
                                 "successPolicy is specified");
  if (ok && n > MAX_SUCCESS_POLICY_RULES)
    ok = fail_field(d, sp, "rules", "Too many: %u: must have at most %d items", n,
                    MAX_SUCCESS_POLICY_RULES);
  const KsYamlNode *seq = ks_yaml_get(sp, "rules");
  for (guint i = 0; ok && i < n; i++) {
    gsize m1 = ks_dec_push_field(d, "rules");
    gsize m2 = ks_dec_push_index(d, i);
    ok = check_success_rule(d, ks_yaml_item(seq, i), &g_array_index(out, KsSuccessPolicyRule, i), j);
    ks_dec_pop(d, m2);
    ks_dec_pop(d, m1);
  }
  ks_dec_pop(d, mark);
  if (ok) {
    j->success_rules = ks_success_rule_array_new();
    g_array_append_vals(j->success_rules, out->data, out->len);
    g_array_set_clear_func(out, NULL);
  }
  if (out)
    g_array_unref(out);
  return ok;
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
  if (!pod_failure_policy(d, spec, j) || !success_policy(d, spec, j))
    return FALSE;
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
