/* PodTopologySpread args (upstream PodTopologySpreadArgs, v1.31) and the
 * plugin descriptor. NULL args mean the upstream defaults: defaultingType
 * System, no explicit default constraints. */
#pragma once
#include <glib.h>
#include "sched/framework.h"

typedef enum {
  KS_SCHED_PTS_DEFAULTING_SYSTEM = 0, /* upstream default */
  KS_SCHED_PTS_DEFAULTING_LIST,
} KsSchedPtsDefaultingType;

/* Upstream derives the selector of default constraints from the Services,
 * ReplicationControllers, ReplicaSets and StatefulSets that select the pod
 * (helper.DefaultSelector). ksim computes it from the cache's spread lister
 * (sched/spread_lister.h, filled by the host); a host may instead supply this
 * function, which returns that selector, borrowed and valid for the cycle
 * (transfer none), or NULL when nothing selects the pod. */
typedef const KsLabelSelector *(*KsSchedPtsDefaultSelectorFunc)(const KsPod *pod,
                                                                gpointer user_data);

typedef struct {
  /* List defaulting only: constraints applied to pods without their own. They
   * must not carry a labelSelector (upstream validation); they are copied. */
  const KsTopologySpreadConstraint *default_constraints;
  guint n_default_constraints;
  KsSchedPtsDefaultingType defaulting_type;
  KsSchedPtsDefaultSelectorFunc default_selector; /* may be NULL */
  gpointer default_selector_data;
} KsSchedPodTopologySpreadArgs;

/* Upstream error reasons (filtering.go / plugin.go). */
#define KS_SCHED_PTS_REASON_CONSTRAINTS_NOT_MATCH "node(s) didn't match pod topology spread constraints"
#define KS_SCHED_PTS_REASON_NODE_LABEL_NOT_MATCH \
  "node(s) didn't match pod topology spread constraints (missing required label)"

extern const KsSchedPluginDesc ks_sched_plugin_pod_topology_spread;
