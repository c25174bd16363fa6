/* Taints and tolerations, matched as upstream v1.Toleration.ToleratesTaint.
 *
 * A toleration tolerates a taint iff
 *   - its effect is empty (ALL) or equals the taint's effect, and
 *   - its key is empty or equals the taint's key, and
 *   - its operator is Exists, or Equal (the default for an empty operator)
 *     with value equal to the taint's value.
 * An empty key with Exists therefore tolerates everything. An empty key with
 * Equal is rejected by API validation, but the matcher does not special-case
 * it: upstream would compare values only, and so do we.
 *
 * NULL and "" are the same for keys and values (Go strings cannot be nil).
 * The Gt/Lt toleration operators of newer releases (alpha in 1.35) are not
 * modelled: we follow v1.31, where any other operator tolerates nothing.
 */
#include "sched/taints.h"

#include <string.h>

static const char *const effect_names[] = {
    [KS_TAINT_EFFECT_ALL] = "",
    [KS_TAINT_EFFECT_NO_SCHEDULE] = "NoSchedule",
    [KS_TAINT_EFFECT_PREFER_NO_SCHEDULE] = "PreferNoSchedule",
    [KS_TAINT_EFFECT_NO_EXECUTE] = "NoExecute",
};

gboolean ks_taint_effect_from_string(const char *s, KsTaintEffect *out) {
  if (s == NULL)
    s = "";
  for (guint i = 0; i < G_N_ELEMENTS(effect_names); i++) {
    if (strcmp(s, effect_names[i]) == 0) {
      *out = (KsTaintEffect)i;
      return TRUE;
    }
  }
  return FALSE;
}

const char *ks_taint_effect_to_string(KsTaintEffect e) {
  if ((guint)e >= G_N_ELEMENTS(effect_names))
    return "";
  return effect_names[e];
}

void ks_taint_clear(KsTaint *t) {
  g_clear_pointer(&t->key, g_free);
  g_clear_pointer(&t->value, g_free);
}

void ks_taint_copy(KsTaint *dst, const KsTaint *src) {
  *dst = *src;
  dst->key = g_strdup(src->key);
  dst->value = g_strdup(src->value);
}

void ks_toleration_clear(KsToleration *t) {
  g_clear_pointer(&t->key, g_free);
  g_clear_pointer(&t->value, g_free);
}

void ks_toleration_copy(KsToleration *dst, const KsToleration *src) {
  *dst = *src;
  dst->key = g_strdup(src->key);
  dst->value = g_strdup(src->value);
}

static const char *str_or_empty(const char *s) {
  return s != NULL ? s : "";
}

gboolean ks_toleration_tolerates(const KsToleration *tol, const KsTaint *taint) {
  if (tol->effect != KS_TAINT_EFFECT_ALL && tol->effect != taint->effect)
    return FALSE;
  const char *key = str_or_empty(tol->key);
  if (key[0] != '\0' && strcmp(key, str_or_empty(taint->key)) != 0)
    return FALSE;
  switch (tol->op) {
  case KS_TOLERATION_OP_EXISTS:
    return TRUE;
  case KS_TOLERATION_OP_EQUAL:
    return strcmp(str_or_empty(tol->value), str_or_empty(taint->value)) == 0;
  }
  return FALSE;
}

gboolean ks_tolerations_tolerate(const KsToleration *tols, guint n, const KsTaint *taint) {
  for (guint i = 0; i < n; i++)
    if (ks_toleration_tolerates(&tols[i], taint))
      return TRUE;
  return FALSE;
}

gboolean ks_taint_matches(const KsTaint *a, const KsTaint *b) {
  return a->effect == b->effect && strcmp(str_or_empty(a->key), str_or_empty(b->key)) == 0;
}

static void taint_clear_func(gpointer p) {
  ks_taint_clear(p);
}

static void toleration_clear_func(gpointer p) {
  ks_toleration_clear(p);
}

GArray *ks_taint_array_copy(const GArray *src) {
  if (src == NULL)
    return NULL;
  GArray *a = g_array_sized_new(FALSE, TRUE, sizeof(KsTaint), src->len);
  g_array_set_clear_func(a, taint_clear_func);
  g_array_set_size(a, src->len);
  for (guint i = 0; i < src->len; i++)
    ks_taint_copy(&g_array_index(a, KsTaint, i), &((const KsTaint *)(const void *)src->data)[i]);
  return a;
}

GArray *ks_toleration_array_copy(const GArray *src) {
  if (src == NULL)
    return NULL;
  GArray *a = g_array_sized_new(FALSE, TRUE, sizeof(KsToleration), src->len);
  g_array_set_clear_func(a, toleration_clear_func);
  g_array_set_size(a, src->len);
  for (guint i = 0; i < src->len; i++)
    ks_toleration_copy(&g_array_index(a, KsToleration, i),
                       &((const KsToleration *)(const void *)src->data)[i]);
  return a;
}
