/* The --fail-on rule grammar (see compare_rule.h). A hand-written scanner:
 * the grammar is four tokens, and each failure gets its own message that
 * says what was expected. Numbers are plain decimals (no exponents, no
 * inf/nan, no hex), read by g_ascii_strtod only once the scanner has
 * checked their shape, so the locale never matters.
 */
#include "sim/compare_rule.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "sim/metrics.h"

G_DEFINE_QUARK(ks-compare-error-quark, ks_compare_error)

static const char *const op_names[] = {">", "<", ">=", "<="};

const char *ks_rule_op_to_string(KsRuleOp op) {
  return op_names[op];
}

const char *ks_rule_result_to_string(KsRuleResult r) {
  switch (r) {
  case KS_RULE_PASS: return "pass";
  case KS_RULE_FAIL: return "fail";
  default: return "n/a";
  }
}

void ks_compare_rule_free(KsCompareRule *rule) {
  if (!rule)
    return;
  g_free(rule->text);
  g_free(rule->metric);
  g_free(rule);
}

static gboolean fail(GError **error, const char *rule, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static gboolean fail(GError **error, const char *rule, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error(error, KS_COMPARE_ERROR, KS_COMPARE_ERROR_RULE, "'%s': %s", rule, msg);
  return FALSE;
}

static gboolean is_name_char(char c) {
  return g_ascii_islower(c) || g_ascii_isdigit(c) || c == '_' || c == '.';
}

static const KsMetric *find_metric(const char *name) {
  gsize n;
  const KsMetric *cat = ks_metrics_catalogue(&n);
  for (gsize i = 0; i < n; i++)
    if (!strcmp(cat[i].name, name))
      return &cat[i];
  return NULL;
}

/* Seconds per time unit, 0 when unit is not one. */
static double time_unit(const char *unit) {
  if (!strcmp(unit, "ms"))
    return 1e-3;
  if (!strcmp(unit, "s"))
    return 1;
  if (!strcmp(unit, "m"))
    return 60;
  if (!strcmp(unit, "h"))
    return 3600;
  return 0;
}

static gboolean parse_op(const char **p, KsRuleOp *op) {
  const char *s = *p;
  if (s[0] == '>' || s[0] == '<') {
    gboolean eq = s[1] == '=';
    *op = s[0] == '>' ? (eq ? KS_RULE_GE : KS_RULE_GT) : (eq ? KS_RULE_LE : KS_RULE_LT);
    *p = s + 1 + eq;
    return TRUE;
  }
  return FALSE;
}

static gboolean parse_threshold(KsCompareRule *r, const KsMetric *m, const char *s,
                                GError **error) {
  const char *t = r->text;
  while (*s == ' ')
    s++;
  if (!*s)
    return fail(error, t, "no threshold after '%s'", ks_rule_op_to_string(r->op));
  gboolean sign = *s == '+' || *s == '-';
  const char *num = s + sign, *p = num;
  while (g_ascii_isdigit(*p))
    p++;
  gsize int_digits = (gsize)(p - num);
  if (*p == '.' && int_digits > 0 && g_ascii_isdigit(p[1]))
    for (p++; g_ascii_isdigit(*p); p++)
      ;
  if (int_digits == 0 || p - num > 32) {
    g_autofree char *word = g_strndup(s, strcspn(s, " "));
    return fail(error, t, "'%s' is not a number (write +5%%, -10%%, +30s, 0 or 0.5)", word);
  }
  g_autofree char *digits = g_strndup(s, (gsize)(p - s));
  r->threshold = g_ascii_strtod(digits, NULL);
  g_autofree char *unit = g_strstrip(g_strdup(p));
  if (!strcmp(unit, "%")) {
    if (!sign)
      return fail(error, t, "a percentage is a change from the baseline: write +%s%% or -%s%%",
                  digits, digits);
    r->kind = KS_RULE_PERCENT;
    return TRUE;
  }
  r->kind = sign ? KS_RULE_CHANGE : KS_RULE_VALUE;
  if (!*unit)
    return TRUE;
  double scale = time_unit(unit);
  if (scale == 0)
    return fail(error, t, "unknown unit '%s' (%%, ms, s, m, h)", unit);
  if (strcmp(m->unit, "s"))
    return fail(error, t, "%s is in %s, not a time: drop the '%s'", m->name, m->unit, unit);
  r->threshold *= scale;
  return TRUE;
}

KsCompareRule *ks_compare_rule_parse(const char *text, GError **error) {
  g_return_val_if_fail(text, NULL);
  KsCompareRule *r = g_new0(KsCompareRule, 1);
  r->text = g_strstrip(g_strdup(text));
  const char *t = r->text, *p = t;
  gboolean ok = FALSE;
  if (!*t) {
    g_set_error(error, KS_COMPARE_ERROR, KS_COMPARE_ERROR_RULE,
                "empty rule: expected METRIC OP THRESHOLD, e.g. 'pending.p99>+5%%'");
    goto out;
  }
  if (strlen(t) > KS_COMPARE_RULE_MAX) {
    g_set_error(error, KS_COMPARE_ERROR, KS_COMPARE_ERROR_RULE,
                "rule of %" G_GSIZE_FORMAT " bytes: at most %d", strlen(t), KS_COMPARE_RULE_MAX);
    goto out;
  }
  while (is_name_char(*p))
    p++;
  r->metric = g_strndup(t, (gsize)(p - t));
  while (*p == ' ')
    p++;
  if (!*p) {
    fail(error, t, "no comparison: expected METRIC OP THRESHOLD with OP one of > < >= <=");
    goto out;
  }
  if (!parse_op(&p, &r->op)) {
    if (!*r->metric)
      fail(error, t, "a rule starts with a metric name (lower-case letters, digits, '_', '.')");
    else
      fail(error, t, "'%c' after %s: expected one of > < >= <=", *p, r->metric);
    goto out;
  }
  if (!*r->metric) {
    fail(error, t, "no metric before '%s'", ks_rule_op_to_string(r->op));
    goto out;
  }
  const KsMetric *m = find_metric(r->metric);
  if (!m) {
    fail(error, t, "unknown metric '%s' (ksim compare --list-metrics lists them)", r->metric);
    goto out;
  }
  ok = parse_threshold(r, m, p, error);
out:
  if (!ok)
    g_clear_pointer(&r, ks_compare_rule_free);
  return r;
}

static gboolean holds(KsRuleOp op, double x, double threshold) {
  switch (op) {
  case KS_RULE_GT: return x > threshold;
  case KS_RULE_LT: return x < threshold;
  case KS_RULE_GE: return x >= threshold;
  default: return x <= threshold;
  }
}

KsRuleResult ks_compare_rule_eval(const KsCompareRule *rule, double baseline, double candidate,
                                  double *change) {
  *change = NAN;
  if (rule->kind == KS_RULE_VALUE) {
    if (isnan(candidate))
      return KS_RULE_NA;
    *change = candidate;
    return holds(rule->op, candidate, rule->threshold) ? KS_RULE_FAIL : KS_RULE_PASS;
  }
  if (isnan(baseline) && isnan(candidate))
    return KS_RULE_NA;
  if (isnan(baseline) || isnan(candidate))
    return KS_RULE_FAIL;
  double d = candidate - baseline;
  if (rule->kind == KS_RULE_PERCENT)
    d = d == 0 ? 0 : baseline == 0 ? (d > 0 ? INFINITY : -INFINITY) : d / fabs(baseline) * 100;
  *change = d;
  return holds(rule->op, d, rule->threshold) ? KS_RULE_FAIL : KS_RULE_PASS;
}
