/* See trace_node.h. Allocatable equals capacity: the traces record what a
 * machine offers to tasks, with no system reservation to subtract. */
#include "traces/trace_node.h"

#include "workloads/annotations.h"

KsNode *ks_trace_node_new(const char *name, gint64 milli_cpu, gint64 memory, gint64 max_pods) {
  KsNode *n = ks_node_new(name);
  ks_labels_set(&n->labels, KS_LABEL_HOSTNAME, name);
  ks_resource_list_set(&n->capacity, KS_RESOURCE_CPU, milli_cpu);
  ks_resource_list_set(&n->capacity, KS_RESOURCE_MEMORY, memory);
  ks_resource_list_set(&n->capacity, KS_RESOURCE_PODS, max_pods);
  ks_resource_list_clear(&n->allocatable);
  ks_resource_list_copy(&n->allocatable, &n->capacity);
  n->allocatable_from_capacity = TRUE;
  return n;
}
