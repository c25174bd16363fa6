/* PriorityClass (scheduling.k8s.io/v1): a name, a value and the defaults
 * upstream applies (globalDefault false, preemptionPolicy
 * PreemptLowerPriority). Resolving a pod's priorityClassName to a value is
 * admission's job and lives with the store, not here. */
#include "sched/priority_class.h"

KsPriorityClass *ks_priority_class_new(const char *name, gint32 value) {
  KsPriorityClass *pc = g_new0(KsPriorityClass, 1);
  pc->name = g_strdup(name);
  pc->value = value;
  pc->global_default = FALSE;
  pc->preemption_policy = KS_PREEMPT_LOWER_PRIORITY;
  return pc;
}

void ks_priority_class_free(KsPriorityClass *pc) {
  if (!pc)
    return;
  g_free(pc->name);
  g_free(pc->description);
  g_free(pc);
}
