/* The "legacy-v1.7" profile: the Kubernetes v1.7 default algorithm
 * provider (algorithmprovider/defaults) rebuilt from the legacy predicate
 * and priority plugins (sched/plugins/legacy_predicates.h,
 * legacy_priorities.h), so a study can replay one trace under the 2017
 * scheduler and the v1.31 one. docs/legacy-scheduler.md lists what it
 * holds and how it departs from v1.7. */
#pragma once
#include "sched/framework.h"

#define KS_SCHED_LEGACY_PROFILE_NAME "legacy-v1.7"

/* One plugin of the profile. */
typedef struct {
  const char *name;
  gint32 weight;       /* v1.7 priority weight; 0 for non-score plugins */
  gboolean optional;   /* left out when the registry lacks it */
  guint32 only_points; /* 0: every point the plugin implements; else
                        * (1u << KsSchedExtensionPoint) bits it joins */
} KsSchedLegacyEntry;

/* The profile's plugins, in order (borrowed, static). */
const KsSchedLegacyEntry *ks_sched_legacy_profile_entries(guint *n);

/* The legacy-v1.7 profile over registry `r`, which must hold the legacy
 * descriptors (KS_SCHED_ERROR_UNKNOWN_PLUGIN otherwise), PrioritySort and
 * DefaultBinder. percentage_of_nodes_to_score is 100 (v1.7 examined every
 * node) and select_host is round robin. transfer full */
KsSchedFramework *ks_sched_framework_new_legacy(const KsSchedRegistry *r, GError **error);
