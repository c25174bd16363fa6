/* See pdb.h. */
#include "sched/pdb.h"

#include <string.h>

gboolean ks_int_or_percent_parse_percent(const char *s, KsIntOrPercent *out) {
  gsize n = s ? strlen(s) : 0;
  gboolean pct = n > 0 && s[n - 1] == '%';
  gsize digits = pct ? n - 1 : n;
  if (digits == 0 || digits > 9)
    return FALSE;
  gint32 v = 0;
  for (gsize i = 0; i < digits; i++) {
    if (s[i] < '0' || s[i] > '9')
      return FALSE;
    v = v * 10 + (s[i] - '0');
  }
  *out = (KsIntOrPercent){TRUE, pct, v};
  return TRUE;
}

gint32 ks_int_or_percent_scaled(const KsIntOrPercent *v, gint32 total, gboolean round_up) {
  if (!v->is_percent)
    return v->value;
  gint64 x = (gint64)v->value * total;
  return (gint32)(round_up ? (x + 99) / 100 : x / 100);
}

KsPodDisruptionBudget *ks_pdb_new(const char *ns, const char *name) {
  KsPodDisruptionBudget *b = g_new0(KsPodDisruptionBudget, 1);
  b->namespace = g_strdup(ns && *ns ? ns : "default");
  b->name = g_strdup(name ? name : "");
  return b; /* transfer full */
}

void ks_pdb_free(KsPodDisruptionBudget *b) {
  if (!b)
    return;
  g_free(b->namespace);
  g_free(b->name);
  ks_label_selector_free(b->selector);
  g_strfreev(b->disrupted_pods);
  g_free(b);
}

KsPodDisruptionBudget *ks_pdb_copy(const KsPodDisruptionBudget *b) {
  KsPodDisruptionBudget *c = ks_pdb_new(b->namespace, b->name);
  c->selector = ks_label_selector_copy(b->selector);
  c->min_available = b->min_available;
  c->max_unavailable = b->max_unavailable;
  c->disruptions_allowed = b->disruptions_allowed;
  c->disrupted_pods = g_strdupv(b->disrupted_pods);
  return c; /* transfer full */
}

gboolean ks_pdb_covers(const KsPodDisruptionBudget *b, const KsPod *pod) {
  return pod->labels.n != 0 && !strcmp(b->namespace, pod->namespace) && b->selector &&
         !ks_label_selector_is_empty(b->selector) &&
         ks_label_selector_matches(b->selector, &pod->labels);
}

gboolean ks_pdb_selects(const KsPodDisruptionBudget *b, const KsPod *pod) {
  return b->selector && !strcmp(b->namespace, pod->namespace) &&
         ks_label_selector_matches(b->selector, &pod->labels);
}

gboolean ks_pdb_is_disrupted(const KsPodDisruptionBudget *b, const char *pod_name) {
  return b->disrupted_pods && g_strv_contains((const char *const *)b->disrupted_pods, pod_name);
}

gint32 ks_pdb_desired_healthy(const KsPodDisruptionBudget *b, gint32 expected) {
  if (b->max_unavailable.set) {
    gint32 d = expected - ks_int_or_percent_scaled(&b->max_unavailable, expected, TRUE);
    return d < 0 ? 0 : d;
  }
  if (b->min_available.set)
    return ks_int_or_percent_scaled(&b->min_available, expected, TRUE);
  return 0;
}

gint32 ks_pdb_disruptions_allowed(const KsPodDisruptionBudget *b, gint32 expected,
                                  gint32 current_healthy) {
  gint32 allowed = current_healthy - ks_pdb_desired_healthy(b, expected);
  return expected <= 0 || allowed <= 0 ? 0 : allowed;
}
