/* What the scheduler knows of the objects that select pods: per namespace,
 * the Services' spec.selector maps, the ReplicationControllers' selector
 * maps and the ReplicaSets' and StatefulSets' label selectors, by name.
 * Upstream's Service / RC / RS / StatefulSet listers, behind one small
 * interface that the host fills (sim/sched_driver.c from the store's
 * watches, a test by hand); `sched` knows nothing of the store.
 *
 * One lister per scheduler cache (KsSchedCache.spread), shared by every
 * profile. PodTopologySpread reads it for the selector of its default
 * constraints (upstream helper.DefaultSelector, v1.31); the legacy
 * SelectorSpreadPriority and CalculateAntiAffinityPriority for v1.7's
 * getSelectors and GetPodServices. Objects of a kind are walked in name
 * order within a namespace.
 *
 * Lookups are read-only and may run from several threads at once; every
 * change happens between cycles.
 */
#pragma once
#include <glib.h>
#include "sched/labels.h"
#include "sched/pod.h"
#include "sched/selector.h"

typedef struct KsSchedSpreadLister KsSchedSpreadLister;

KsSchedSpreadLister *ks_sched_spread_lister_new(void); /* transfer full */
void ks_sched_spread_lister_free(KsSchedSpreadLister *l);

/* ---- informer side (the host) ------------------------------------------------------------
 * set_* copy the selector and replace the object of the same namespace and
 * name; remove_* forget it (FALSE when unknown). A Service's or RC's
 * selector map may be empty (it then selects no pods); a ReplicaSet's or
 * StatefulSet's selector may be NULL (kept as "selects nothing"). */
void ks_sched_spread_lister_set_service(KsSchedSpreadLister *l, const char *ns, const char *name,
                                        const KsLabels *selector);
gboolean ks_sched_spread_lister_remove_service(KsSchedSpreadLister *l, const char *ns,
                                               const char *name);
void ks_sched_spread_lister_set_replication_controller(KsSchedSpreadLister *l, const char *ns,
                                                       const char *name, const KsLabels *selector);
gboolean ks_sched_spread_lister_remove_replication_controller(KsSchedSpreadLister *l,
                                                              const char *ns, const char *name);
void ks_sched_spread_lister_set_replica_set(KsSchedSpreadLister *l, const char *ns,
                                            const char *name, const KsLabelSelector *selector);
gboolean ks_sched_spread_lister_remove_replica_set(KsSchedSpreadLister *l, const char *ns,
                                                   const char *name);
void ks_sched_spread_lister_set_stateful_set(KsSchedSpreadLister *l, const char *ns,
                                             const char *name, const KsLabelSelector *selector);
gboolean ks_sched_spread_lister_remove_stateful_set(KsSchedSpreadLister *l, const char *ns,
                                                    const char *name);
/* Number of objects known, all kinds (0: every default selector is empty). */
guint ks_sched_spread_lister_size(const KsSchedSpreadLister *l);

/* ---- lookups -------------------------------------------------------------------------------- */

/* upstream helper.DefaultSelector (v1.31). Clears `out` (an initialised
 * selector) and fills it with: the labels of every Service of the pod's
 * namespace whose non-empty selector matches the pod's labels, merged
 * (GetPodServices); then, when the pod's controller owner reference is a
 * ReplicationController (apiVersion "v1") known here, its selector merged
 * in as labels; or a ReplicaSet / StatefulSet ("apps/v1") known here, its
 * selector's requirements added (ANDed: matchLabels kept as matchLabels
 * unless the key is already there with another value, then as an In
 * requirement). An empty result means no default constraints. */
void ks_sched_spread_lister_default_selector(const KsSchedSpreadLister *l, const KsPod *pod,
                                             KsLabelSelector *out);

/* v1.7 getSelectors (SelectorSpreadPriority): appends to `out` the
 * selectors (borrowed; valid until that object changes) of the Services,
 * then the ReplicationControllers, ReplicaSets and StatefulSets of the
 * pod's namespace whose selector matches the pod's labels. An empty or
 * absent selector matches nothing (v1.7's "should match nothing, not
 * everything"); an invalid one is passed over. Within a kind, in name
 * order (spread_lister.c says why). Returns the number appended. */
guint ks_sched_spread_lister_pod_selectors(const KsSchedSpreadLister *l, const KsPod *pod,
                                           GPtrArray *out);
/* v1.7 GetPodServices: the Services alone, as above (name order, so the
 * first is well defined: v1.7 ServiceAntiAffinity used only the first). */
guint ks_sched_spread_lister_pod_services(const KsSchedSpreadLister *l, const KsPod *pod,
                                          GPtrArray *out);
