/* InterPodAffinity (upstream "InterPodAffinity", v1.31; kube-semantics 3.11):
 * required pod (anti-)affinity at PreFilter/Filter, preferred terms and
 * their symmetry at PreScore/Score/NormalizeScore. */
#pragma once
#include <glib.h>
#include "sched/framework.h"

/* Upstream InterPodAffinityArgs. NULL args mean the upstream defaults
 * (hardPodAffinityWeight 1, ignorePreferredTermsOfExistingPods false); a
 * struct passed in is taken literally (the config loader applies the
 * defaults, as upstream's defaulting does), so weight 0 means 0. */
typedef struct {
  gint32 hard_pod_affinity_weight;                /* 0..100; upstream default 1 */
  gboolean ignore_preferred_terms_of_existing_pods;
} KsSchedInterPodAffinityArgs;

#define KS_SCHED_DEFAULT_HARD_POD_AFFINITY_WEIGHT 1

extern const KsSchedPluginDesc ks_sched_plugin_inter_pod_affinity;
