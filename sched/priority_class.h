/* PriorityClass (scheduling.k8s.io/v1). */
#pragma once
#include <glib.h>
#include "sched/pod.h"

typedef struct {
  char *name;
  gint32 value;
  gboolean global_default;
  KsPreemptionPolicy preemption_policy;
  char *description; /* may be NULL */
} KsPriorityClass;

KsPriorityClass *ks_priority_class_new(const char *name, gint32 value); /* transfer full */
void ks_priority_class_free(KsPriorityClass *pc);
