/* See admission.h. */
#include "sim/admission.h"

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

gboolean ks_admit_pod(KsPod *pod, KsPriorityClassLookup lookup, gpointer user_data,
                      GError **error) {
  gint32 priority = 0;
  if (!resolve_priority(pod, lookup, user_data, &priority, error))
    return FALSE;
  pod->priority = priority;
  pod->has_priority = TRUE;
  if (pod->affinity)
    ks_affinity_apply_label_keys(pod->affinity, &pod->labels);
  return TRUE;
}
