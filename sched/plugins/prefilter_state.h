/* Read-only views of the PreFilter state that InterPodAffinity and
 * PodTopologySpread keep in the cycle state, for tests that compare it with
 * upstream's expected preFilterState after AddPod / RemovePod (upstream
 * compares the structs; ours are private to the plugins' .c files). */
#pragma once
#include <glib.h>
#include "sched/framework.h"

/* PodTopologySpread (v1.31 layout, keyed by topology key). FALSE when
 * PreFilter did not run or the key/pair is unknown. */
gboolean ks_sched_pts_state_count(const KsSchedPlugin *p, const KsSchedCycleState *cs,
                                  const char *key, const char *value, gint64 *count);
/* TpKeyToDomainsNum[key] and TpKeyToCriticalPaths[key][0..1] (value NULL
 * and num G_MAXINT32 for an empty path). */
gboolean ks_sched_pts_state_paths(const KsSchedPlugin *p, const KsSchedCycleState *cs,
                                  const char *key, guint *domains, const char **v0, gint64 *n0,
                                  const char **v1, gint64 *n1);

typedef enum {
  KS_SCHED_IPA_EXISTING_ANTI, /* existingAntiAffinityCounts */
  KS_SCHED_IPA_AFFINITY,      /* affinityCounts */
  KS_SCHED_IPA_ANTI,          /* antiAffinityCounts */
} KsSchedIpaMap;

/* InterPodAffinity: the count of (key, value) in one map (0 when absent)
 * and the number of pairs with a non-zero count (upstream's len()). */
gint64 ks_sched_ipa_state_count(const KsSchedPlugin *p, const KsSchedCycleState *cs,
                                KsSchedIpaMap m, const char *key, const char *value);
guint ks_sched_ipa_state_len(const KsSchedPlugin *p, const KsSchedCycleState *cs, KsSchedIpaMap m);

/* InterPodAffinity's PreScore visits every pod (scan TRUE: the
 * straightforward reference path) or only the candidates the cache's
 * indexes give (FALSE, the default). Both must give the same scores. */
void ks_sched_ipa_set_scan(KsSchedPlugin *p, gboolean scan);
/* PodTopologySpread counts matching pods by scanning every node's pods
 * (scan TRUE: the reference path) or through the cache's label index
 * (FALSE, the default). Both must give the same states and scores. */
void ks_sched_pts_set_scan(KsSchedPlugin *p, gboolean scan);
