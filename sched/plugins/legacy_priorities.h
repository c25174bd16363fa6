/* The v1.7 scheduler's priority functions (plugin/pkg/scheduler/algorithm/
 * priorities, Kubernetes v1.6/v1.7) as Score plugins under their OLD names,
 * on v1.7's 0-10 scale (schedulerapi.MaxPriority = 10), for the
 * "legacy-v1.7" profile (docs/legacy-scheduler.md). */
#pragma once
#include "sched/framework.h"
#include "sched/selector.h"

/* schedulerapi.MaxPriority of v1.7 */
#define KS_LEGACY_MAX_PRIORITY 10

/* v1.7 image size thresholds of ImageLocalityPriority */
#define KS_LEGACY_MIN_IMAGE_SIZE (G_GINT64_CONSTANT(23) * 1024 * 1024)
#define KS_LEGACY_MAX_IMAGE_SIZE (G_GINT64_CONSTANT(1000) * 1024 * 1024)

/* The selectors of the Services, ReplicationControllers, ReplicaSets and
 * StatefulSets that select `pod` (v1.7 getSelectors), in that order. ksim's
 * scheduler holds no such objects, so the host supplies them: set *out to a
 * borrowed array valid for the cycle (transfer none) and return its length;
 * 0 when nothing selects the pod. */
typedef guint (*KsSchedLegacySelectorsFunc)(const KsPod *pod, const KsLabelSelector *const **out,
                                            gpointer user_data);

/* SelectorSpreadPriority args. NULL args or a NULL function: the selectors
 * come from the cache's spread lister (sched/spread_lister.h); with none
 * selecting the pod every node scores 10, as v1.7 did. */
typedef struct {
  KsSchedLegacySelectorsFunc selectors;
  gpointer user_data;
} KsSchedLegacySelectorSpreadArgs;

/* CalculateAntiAffinityPriority (v1.7 ServiceAntiAffinity, a policy-file
 * priority) args: `label` is the node label whose values are the spreading
 * domains (required); `services` returns the selectors of the Services
 * selecting the pod, of which only the first is used, as in v1.7. NULL: the
 * Services of the cache's spread lister that select the pod, in name order
 * (so the first is the one whose name sorts first); with none, every
 * labeled node scores 10. */
typedef struct {
  const char *label;
  KsSchedLegacySelectorsFunc services;
  gpointer user_data;
} KsSchedLegacyServiceAntiAffinityArgs;

extern const KsSchedPluginDesc ks_sched_plugin_legacy_least_requested;         /* LeastRequestedPriority */
extern const KsSchedPluginDesc ks_sched_plugin_legacy_balanced_resource_allocation; /* BalancedResourceAllocation */
extern const KsSchedPluginDesc ks_sched_plugin_legacy_selector_spread;         /* SelectorSpreadPriority */
extern const KsSchedPluginDesc ks_sched_plugin_legacy_service_anti_affinity;   /* CalculateAntiAffinityPriority */
extern const KsSchedPluginDesc ks_sched_plugin_legacy_image_locality;          /* ImageLocalityPriority */
extern const KsSchedPluginDesc ks_sched_plugin_legacy_taint_toleration;        /* TaintTolerationPriority */
extern const KsSchedPluginDesc ks_sched_plugin_legacy_node_affinity;           /* NodeAffinityPriority */
