/* See admission.h. */
#include "sim/admission.h"

#include <string.h>

G_DEFINE_QUARK(ks-admission-error-quark, ks_admission_error)

static gboolean resolve_priority(const KsPod *pod, KsPriorityClassLookup lookup,
                                 gpointer user_data, gint32 *value, GError **error) {
  const char *name = pod->priority_class_name;
  if (!name || !*name) {
    const KsPriorityClass *def = lookup(NULL, user_data);
    *value = def ? def->value : 0;
    return TRUE;
  }
  if (!g_strcmp0(name, KS_SYSTEM_CLUSTER_CRITICAL)) {
    *value = KS_SYSTEM_CLUSTER_CRITICAL_VALUE;
    return TRUE;
  }
  if (!g_strcmp0(name, KS_SYSTEM_NODE_CRITICAL)) {
    *value = KS_SYSTEM_NODE_CRITICAL_VALUE;
    return TRUE;
  }
  const KsPriorityClass *pc = lookup(name, user_data);
  if (!pc) {
    g_set_error(error, KS_ADMISSION_ERROR, KS_ADMISSION_ERROR_FORBIDDEN,
                "pods \"%s/%s\" is forbidden: no PriorityClass with name %s was found",
                pod->namespace, pod->name, name);
    return FALSE;
  }
  *value = pc->value;
  return TRUE;
}

/* DefaultTolerationSeconds: a toleration with an empty key (or this key)
 * and an empty effect (or NoExecute) already covers the taint, whatever its
 * operator, value or tolerationSeconds, exactly as upstream checks it. */
static gboolean tolerates_no_execute(const KsPod *pod, const char *key) {
  for (guint i = 0; pod->tolerations && i < pod->tolerations->len; i++) {
    const KsToleration *t = &g_array_index(pod->tolerations, KsToleration, i);
    if ((!t->key || !*t->key || !strcmp(t->key, key)) &&
        (t->effect == KS_TAINT_EFFECT_ALL || t->effect == KS_TAINT_EFFECT_NO_EXECUTE))
      return TRUE;
  }
  return FALSE;
}

static void add_default_toleration(KsPod *pod, const char *key) {
  KsToleration *t = ks_pod_add_toleration(pod);
  t->key = g_strdup(key);
  t->op = KS_TOLERATION_OP_EXISTS;
  t->effect = KS_TAINT_EFFECT_NO_EXECUTE;
  t->has_toleration_seconds = TRUE;
  t->toleration_seconds = KS_DEFAULT_TOLERATION_SECONDS;
}

void ks_admit_default_toleration_seconds(KsPod *pod) {
  /* Both checks first, then both appends, as upstream: the first append
   * must not count as tolerating the second taint. */
  gboolean not_ready = tolerates_no_execute(pod, KS_TAINT_NODE_NOT_READY);
  gboolean unreachable = tolerates_no_execute(pod, KS_TAINT_NODE_UNREACHABLE);
  if (!not_ready)
    add_default_toleration(pod, KS_TAINT_NODE_NOT_READY);
  if (!unreachable)
    add_default_toleration(pod, KS_TAINT_NODE_UNREACHABLE);
}

gboolean ks_admit_pod(KsPod *pod, KsPriorityClassLookup lookup, gpointer user_data,
                      GError **error) {
  gint32 priority = 0;
  if (!resolve_priority(pod, lookup, user_data, &priority, error))
    return FALSE;
  pod->priority = priority;
  pod->has_priority = TRUE;
  if (pod->affinity)
    ks_affinity_apply_label_keys(pod->affinity, &pod->labels);
  ks_admit_default_toleration_seconds(pod);
  return TRUE;
}
