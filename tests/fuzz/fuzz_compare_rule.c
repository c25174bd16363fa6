/* Fuzz target: any byte string is parsed as a `ksim compare --fail-on`
 * rule. It must never crash, hang or leak; a failure must come with a
 * KS_COMPARE_ERROR message, and a parsed rule must name a known metric,
 * evaluate on any pair of values (undefined and infinite included) and
 * parse again from its own text to the same rule. */
#include <glib.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/compare_rule.h"
#include "sim/metrics.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise(const KsCompareRule *r) {
  static const double values[] = {0, 1, -1, 12.5, NAN, INFINITY, -INFINITY, 1e300};
  if (!r->metric || !*r->metric)
    abort();
  for (gsize i = 0; i < G_N_ELEMENTS(values); i++)
    for (gsize j = 0; j < G_N_ELEMENTS(values); j++) {
      double change;
      KsRuleResult res = ks_compare_rule_eval(r, values[i], values[j], &change);
      if (res != KS_RULE_PASS && res != KS_RULE_FAIL && res != KS_RULE_NA)
        abort();
    }
  KsCompareRule *again = ks_compare_rule_parse(r->text, NULL);
  if (!again || strcmp(again->metric, r->metric) || again->op != r->op ||
      again->kind != r->kind || again->threshold != r->threshold)
    abort();
  ks_compare_rule_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = g_strndup((const char *)data, size); /* stops at an embedded NUL */
  GError *error = NULL;
  KsCompareRule *r = ks_compare_rule_parse(s, &error);
  if (r)
    exercise(r);
  else if (!error || !error->message || error->domain != KS_COMPARE_ERROR)
    abort();
  g_clear_error(&error);
  ks_compare_rule_free(r);
  g_free(s);
  return 0;
}
