/* kind: PodDisruptionBudget (policy/v1).
 *
 * Kept: metadata.namespace/name, spec.selector, spec.minAvailable,
 * spec.maxUnavailable, status.disruptionsAllowed and the pod names of
 * status.disruptedPods (their eviction times are not needed: preemption only
 * asks whether a pod is listed). Other fields (unhealthyPodEvictionPolicy,
 * the status counters, conditions) are ignored.
 *
 * Validation follows upstream ValidatePodDisruptionBudgetSpec where a bad
 * value would otherwise change meaning: an IntOrString must be a
 * non-negative integer or a percentage "<digits>%" not above 100%, and
 * minAvailable and maxUnavailable may not both be set.
 */
#include "workloads/manifest_decode.h"

#include <string.h>

#include "sched/pdb.h"

/* intstr.IntOrString: a plain integer scalar is an int, anything else a string. */
static gboolean dec_int_or_percent(KsDec *d, const KsYamlNode *m, const char *key,
                                   KsIntOrPercent *out) {
  const KsYamlNode *n = ks_yaml_get(m, key);
  if (ks_dec_is_absent(n))
    return TRUE;
  gsize mark = ks_dec_push_field(d, key);
  gboolean ok = FALSE;
  const char *s = NULL;
  if (!ks_dec_scalar(d, n, &s)) {
    /* message set */
  } else if (!n->quoted && !g_str_has_suffix(s, "%")) {
    gint64 v = 0;
    if (!ks_selector_parse_int64(s, &v))
      ks_dec_fail(d, n, "\"%s\" must be an integer or percentage (e.g '5%%')", s);
    else if (v < 0)
      ks_dec_fail(d, n, "%s must be greater than or equal to 0", s);
    else if (v > G_MAXINT32)
      ks_dec_fail(d, n, "%s is out of range [0, %d]", s, G_MAXINT32);
    else {
      *out = (KsIntOrPercent){TRUE, FALSE, (gint32)v};
      ok = TRUE;
    }
  } else if (!g_str_has_suffix(s, "%") || !ks_int_or_percent_parse_percent(s, out)) {
    ks_dec_fail(d, n, "\"%s\" must be an integer or percentage (e.g '5%%')", s);
  } else if (out->value > 100) {
    out->set = FALSE;
    ks_dec_fail(d, n, "\"%s\" must not be greater than 100%%", s);
  } else {
    ok = TRUE;
  }
  ks_dec_pop(d, mark);
  return ok;
}

static gboolean dec_spec(KsDec *d, const KsYamlNode *obj, KsPodDisruptionBudget *b) {
  const KsYamlNode *spec = ks_yaml_get(obj, "spec");
  gsize mark = ks_dec_push_field(d, "spec");
  gboolean ok = ks_dec_expect_mapping(d, spec) &&
                ks_dec_label_selector(d, spec, "selector", &b->selector) &&
                dec_int_or_percent(d, spec, "minAvailable", &b->min_available) &&
                dec_int_or_percent(d, spec, "maxUnavailable", &b->max_unavailable);
  if (ok && b->min_available.set && b->max_unavailable.set)
    ok = ks_dec_fail(d, spec, "minAvailable and maxUnavailable cannot be both set");
  ks_dec_pop(d, mark);
  return ok;
}

static gboolean dec_status(KsDec *d, const KsYamlNode *obj, KsPodDisruptionBudget *b) {
  const KsYamlNode *st = ks_yaml_get(obj, "status");
  gsize mark = ks_dec_push_field(d, "status");
  gboolean ok = ks_dec_expect_mapping(d, st) &&
                ks_dec_int32(d, st, "disruptionsAllowed", &b->disruptions_allowed, NULL);
  if (ok && b->disruptions_allowed < 0) {
    gsize m2 = ks_dec_push_field(d, "disruptionsAllowed");
    ok = ks_dec_fail(d, ks_yaml_get(st, "disruptionsAllowed"),
                     "%d must be greater than or equal to 0", b->disruptions_allowed);
    ks_dec_pop(d, m2);
  }
  const KsYamlNode *dp = ok ? ks_yaml_get(st, "disruptedPods") : NULL;
  if (ok && !ks_dec_is_absent(dp)) {
    gsize m2 = ks_dec_push_field(d, "disruptedPods");
    ok = ks_dec_expect_mapping(d, dp);
    if (ok) {
      GPtrArray *names = g_ptr_array_new();
      for (guint i = 0; i < ks_yaml_len(dp); i++)
        g_ptr_array_add(names, g_strdup(ks_yaml_key(dp, i)));
      g_ptr_array_add(names, NULL);
      b->disrupted_pods = (char **)g_ptr_array_free(names, FALSE);
    }
    ks_dec_pop(d, m2);
  }
  ks_dec_pop(d, mark);
  return ok;
}

KsPodDisruptionBudget *ks_dec_pdb(KsDec *d, const KsYamlNode *obj) {
  KsDecMeta meta;
  if (!ks_dec_metadata(d, obj, &meta)) {
    ks_dec_meta_clear(&meta);
    return NULL;
  }
  KsPodDisruptionBudget *b = ks_pdb_new(meta.namespace, meta.name);
  ks_dec_meta_clear(&meta);
  if (!dec_spec(d, obj, b) || !dec_status(d, obj, b)) {
    ks_pdb_free(b);
    return NULL;
  }
  return b; /* transfer full */
}
