/* The Node as the scheduler sees it (a subset of v1.Node). Reference counted. */
#pragma once
#include <glib.h>
#include "sched/resources.h"
#include "sched/labels.h"
#include "sched/taints.h"

typedef struct {
  char *type;   /* Ready, MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable, ... */
  char *status; /* "True", "False", "Unknown" */
  char *reason; /* may be NULL */
} KsNodeCondition;

typedef struct {
  char **names; /* NULL-terminated; owned */
  gint64 size_bytes;
} KsContainerImage;

typedef struct {
  gint ref_count;
  char *name;
  char *uid;                 /* may be NULL */
  KsLabels labels;
  KsLabels annotations;
  GArray *taints;            /* of KsTaint; may be NULL */
  gboolean unschedulable;    /* spec.unschedulable */
  KsResourceList capacity;   /* status.capacity */
  KsResourceList allocatable;/* status.allocatable; defaults to capacity when absent */
  gboolean allocatable_from_capacity; /* status.allocatable was not declared (decoders copy
                                        capacity into it): the node's KubeletConfiguration
                                        derives it when it registers
                                        (sim/kubelet/node_allocatable.h) */
  GArray *conditions;        /* of KsNodeCondition; may be NULL */
  GArray *images;            /* of KsContainerImage; may be NULL */
} KsNode;

KsNode *ks_node_new(const char *name); /* transfer full; refcount 1 */
KsNode *ks_node_ref(KsNode *n);
void ks_node_unref(KsNode *n);
KsNode *ks_node_copy(const KsNode *n); /* transfer full; refcount 1 */
void ks_node_add_taint(KsNode *n, const char *key, const char *value, KsTaintEffect effect);
/* status of condition `type`, or NULL */
const char *ks_node_condition_status(const KsNode *n, const char *type);
void ks_node_set_condition(KsNode *n, const char *type, const char *status, const char *reason);

/* Namespace and PriorityClass: small cluster-scoped objects. */
typedef struct {
  char *name;
  KsLabels labels;
} KsNamespace;

KsNamespace *ks_namespace_new(const char *name); /* transfer full */
void ks_namespace_free(KsNamespace *ns);
