/* `ksim compare --fail-on RULE`: when a candidate run counts as a
 * regression against the baseline (grammar and semantics in
 * docs/metrics.md, "Rules").
 *
 *   RULE      = METRIC OP THRESHOLD
 *   OP        = ">" | "<" | ">=" | "<="
 *   THRESHOLD = SIGN NUMBER "%"      change relative to the baseline
 *             | SIGN NUMBER [UNIT]   change (candidate - baseline)
 *             | NUMBER [UNIT]        the candidate's own value
 *   UNIT      = "ms" | "s" | "m" | "h"   (metrics measured in seconds only)
 *
 * A rule that holds is a regression: 'pending.p99>+5%' fails when p99
 * pending time grew by more than 5 %, 'evictions>0' when the candidate
 * evicted any pod, 'throughput<-10%' when throughput fell by more than 10 %.
 */
#pragma once
#include <glib.h>

#define KS_COMPARE_ERROR (ks_compare_error_quark())
GQuark ks_compare_error_quark(void);
typedef enum { KS_COMPARE_ERROR_RULE, KS_COMPARE_ERROR_USAGE } KsCompareError;

/* Longest rule text accepted. */
#define KS_COMPARE_RULE_MAX 256

typedef enum { KS_RULE_GT, KS_RULE_LT, KS_RULE_GE, KS_RULE_LE } KsRuleOp;

typedef enum {
  KS_RULE_VALUE,    /* the candidate's value against the threshold */
  KS_RULE_CHANGE,   /* candidate - baseline */
  KS_RULE_PERCENT,  /* (candidate - baseline) / |baseline| x 100 */
} KsRuleKind;

typedef struct {
  char *text;       /* as given, trimmed */
  char *metric;
  KsRuleOp op;
  KsRuleKind kind;
  double threshold; /* in the metric's unit (seconds for time units), or percent */
} KsCompareRule;

typedef enum {
  KS_RULE_PASS,
  KS_RULE_FAIL,
  KS_RULE_NA,       /* both values undefined (or the candidate's, for a value rule) */
} KsRuleResult;

const char *ks_rule_op_to_string(KsRuleOp op);
const char *ks_rule_result_to_string(KsRuleResult r); /* "pass", "fail", "n/a" */

/* Parses text; the metric must be one of ks_metrics_catalogue. Errors
 * (KS_COMPARE_ERROR_RULE) quote the rule: "'pending.p99>x': 'x' is not a
 * number". transfer full: free with ks_compare_rule_free */
KsCompareRule *ks_compare_rule_parse(const char *text, GError **error);
void ks_compare_rule_free(KsCompareRule *rule);

/* Evaluates rule on a baseline and candidate value (NAN when undefined).
 * *change receives what the threshold was compared with (NAN if none).
 * Change rules with exactly one side undefined fail: a figure that
 * appears or vanishes is a change. */
KsRuleResult ks_compare_rule_eval(const KsCompareRule *rule, double baseline, double candidate,
                                  double *change);
