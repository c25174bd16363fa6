/* The legacy-v1.7 profile (see legacy_profile.h).
 *
 * v1.7's DefaultProvider: predicates NoVolumeZoneConflict, MaxEBSVolumeCount,
 * MaxGCEPDVolumeCount, MatchInterPodAffinity, NoDiskConflict,
 * GeneralPredicates (PodFitsResources, HostName, PodFitsHostPorts,
 * MatchNodeSelector), PodToleratesNodeTaints, CheckNodeMemoryPressure,
 * CheckNodeDiskPressure; priorities SelectorSpreadPriority 1,
 * InterPodAffinityPriority 1, LeastRequestedPriority 1,
 * BalancedResourceAllocation 1, NodePreferAvoidPodsPriority 10000,
 * NodeAffinityPriority 1, TaintTolerationPriority 1.
 *
 * Built here from the legacy plugins, with two substitutions and two
 * omissions, all stated in docs/legacy-scheduler.md:
 *  - MatchInterPodAffinity is v1.31's InterPodAffinity restricted to
 *    PreFilter/Filter (its score is on the 0-100 scale, so it does not
 *    score here), included only when the registry has it;
 *  - InterPodAffinityPriority and NodePreferAvoidPodsPriority are left out
 *    (no 0-10 port yet; ksim pods carry no controller owner references).
 * v1.7 ran predicates in map order and evaluated all of them; the
 * framework stops at the first failing filter, so the order below (v1.7's
 * GeneralPredicates order first, then v1.8's predicatesOrdering) decides
 * which reason a node reports.
 *
 * The profile is built with explicit per-point lists
 * (ks_sched_framework_new_points) so that a v1.31 plugin joins only the
 * points its v1.7 counterpart had.
 */
#include "sched/legacy_profile.h"

#define EP_BIT(e) (1u << (e))

static const KsSchedLegacyEntry legacy_entries[] = {
    {"PrioritySort", 0, FALSE, 0},
    {"PodFitsResources", 0, FALSE, 0},
    {"HostName", 0, FALSE, 0},
    {"PodFitsHostPorts", 0, FALSE, 0},
    {"MatchNodeSelector", 0, FALSE, 0},
    {"NoDiskConflict", 0, FALSE, 0},
    {"PodToleratesNodeTaints", 0, FALSE, 0},
    {"CheckNodeMemoryPressure", 0, FALSE, 0},
    {"CheckNodeDiskPressure", 0, FALSE, 0},
    {"MaxEBSVolumeCount", 0, FALSE, 0},
    {"MaxGCEPDVolumeCount", 0, FALSE, 0},
    {"NoVolumeZoneConflict", 0, FALSE, 0},
    {"InterPodAffinity", 0, TRUE, EP_BIT(KS_SCHED_EP_PRE_FILTER) | EP_BIT(KS_SCHED_EP_FILTER)},
    {"SelectorSpreadPriority", 1, FALSE, 0},
    {"LeastRequestedPriority", 1, FALSE, 0},
    {"BalancedResourceAllocation", 1, FALSE, 0},
    {"NodeAffinityPriority", 1, FALSE, 0},
    {"TaintTolerationPriority", 1, FALSE, 0},
    {"DefaultBinder", 0, FALSE, 0},
};

#define N_LEGACY G_N_ELEMENTS(legacy_entries)

const KsSchedLegacyEntry *ks_sched_legacy_profile_entries(guint *n) {
  *n = N_LEGACY;
  return legacy_entries;
}

/* Adds plugin number `i` (of the profile being built) to its points. */
static void add_to_points(const KsSchedPluginDesc *d, guint32 only, guint8 i,
                          guint8 pts[KS_SCHED_EP_COUNT][KS_SCHED_MAX_PLUGINS],
                          guint n_pts[KS_SCHED_EP_COUNT]) {
  for (guint e = 0; e < KS_SCHED_EP_COUNT; e++) {
    if (only && !(only & EP_BIT(e)))
      continue;
    if (ks_sched_plugin_implements(d, (KsSchedExtensionPoint)e))
      pts[e][n_pts[e]++] = i;
  }
}

KsSchedFramework *ks_sched_framework_new_legacy(const KsSchedRegistry *r, GError **error) {
  KsSchedPluginConfig cfg[N_LEGACY];
  guint8 pts[KS_SCHED_EP_COUNT][KS_SCHED_MAX_PLUGINS];
  guint n_pts[KS_SCHED_EP_COUNT] = {0};
  guint n = 0;
  for (guint k = 0; k < N_LEGACY; k++) {
    const KsSchedLegacyEntry *le = &legacy_entries[k];
    const KsSchedPluginDesc *d = ks_sched_registry_lookup(r, le->name);
    if (!d && le->optional)
      continue;
    if (!d) {
      g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_UNKNOWN_PLUGIN,
                  "legacy-v1.7 profile: plugin %s is not in the registry", le->name);
      return NULL;
    }
    cfg[n] = (KsSchedPluginConfig){le->name, le->weight, NULL};
    add_to_points(d, le->only_points, (guint8)n, pts, n_pts);
    n++;
  }
  const guint8 *points[KS_SCHED_EP_COUNT];
  for (guint e = 0; e < KS_SCHED_EP_COUNT; e++)
    points[e] = pts[e];
  KsSchedFramework *fw = ks_sched_framework_new_points(r, KS_SCHED_LEGACY_PROFILE_NAME, cfg, n,
                                                       points, n_pts, error);
  if (!fw)
    return NULL;
  fw->percentage_of_nodes_to_score = 100; /* v1.7 examined every node */
  fw->select_host = KS_SCHED_SELECT_HOST_ROUND_ROBIN;
  return fw; /* transfer full */
}
