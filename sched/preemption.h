/* What a PostFilter (preemption) plugin needs from the scheduler that runs
 * it, beyond the framework's PostFilter arguments: upstream passes a
 * framework.Handle to every plugin at creation; our descriptors take only
 * args, so the scheduler attaches this host to the preemption plugins of its
 * profile (see scheduler.c) and reads the plugin's outputs back from it.
 *
 * Also here: the FitError message shared by the scheduler and the
 * preemption evaluator, and the save/restore of one node's pods that lets
 * preemption run filters "as if" pods were gone and then leave the cache
 * exactly as it was.
 */
#pragma once
#include <glib.h>
#include "sched/cache.h"
#include "sched/framework.h"
#include "sched/rng.h"

/* Values of PostFilter's *nominated besides a cache slot: the scheduler sets
 * NOOP before the call (upstream: nil PostFilterResult, the pod keeps its
 * nomination); CLEAR is a result with an empty nominatedNodeName. */
#define KS_SCHED_NOMINATE_NOOP (-1)
#define KS_SCHED_NOMINATE_CLEAR (-2)

typedef struct KsSchedPreemptionHost KsSchedPreemptionHost;
struct KsSchedPreemptionHost {
  KsSchedCache *cache; /* the PostFilter's cache, writable: dry runs remove and restore pods */
  /* RunFilterPluginsWithNominatedPods for `pod` on node `slot`, as the cache is now. */
  gboolean (*run_filters)(KsSchedPreemptionHost *h, KsSchedCycleState *cs, const KsPod *pod,
                          guint slot, KsSchedStatus *st);
  /* The pod's nominated node (the scheduler's record), or NULL. */
  const char *(*nominated_node)(KsSchedPreemptionHost *h, const KsPod *pod);
  /* A pod this scheduler already preempted that the host has not removed yet
   * (ksim's stand-in for deletionTimestamp + DisruptionTarget). */
  gboolean (*terminating)(KsSchedPreemptionHost *h, const KsPod *pod);
  /* The pod's start time (upstream GetPodStartTime: now when unknown). */
  gint64 (*start_time)(KsSchedPreemptionHost *h, const KsPod *pod);
  KsRng *rng;          /* stream "sched/preemption": the dry-run offset */
  /* The PodDisruptionBudgets (KsPodDisruptionBudget*, sched/pdb.h) the
   * scheduler knows (upstream getPodDisruptionBudgets: the PDB lister). */
  const GPtrArray *pdbs;
  gpointer data;       /* the scheduler */
  /* Output of a successful PostFilter: the victims (refs), most important
   * first. The scheduler empties it before each PostFilter. */
  GPtrArray *victims;
};

/* FitError.Error() (v1.31): "0/N nodes are available: <pre_filter>." when
 * pre_filter rejected, else the reasons of status[slots[i]] counted, as
 * "<count> <reason>" strings sorted bytewise and joined by ", ". transfer full */
char *ks_sched_fit_error_message(guint n_all, const KsSchedStatus *pre_filter,
                                 const KsSchedStatus *status, const guint *slots, guint n);

/* One node's pods, saved so that they can be put back exactly: same
 * entries, same order in cache->pods[slot], same assumed flags. */
typedef struct {
  guint slot;
  GPtrArray *pods;    /* KsPod* refs, in cache order */
  GArray *assumed;    /* gboolean per pod */
} KsSchedNodeSave;

void ks_sched_node_save_init(KsSchedNodeSave *sv);
void ks_sched_node_save_clear(KsSchedNodeSave *sv);
/* Remembers node `slot`'s pods (reusing sv's buffers). */
void ks_sched_node_save(KsSchedNodeSave *sv, const KsSchedCache *c, guint slot);
/* Puts the node back as saved, whatever was added or removed since. */
void ks_sched_node_restore(KsSchedNodeSave *sv, KsSchedCache *c);

/* ---- PreFilterExtensions (upstream RunPreFilterExtensionAddPod / RemovePod) ----
 * Every PreFilter plugin of fw that implements add_pod / remove_pod and did
 * not return Skip at PreFilter (cs->skip_filter) updates its PreFilter state
 * in cs as if `other` joined / left node `slot`, in profile order; the first
 * failure stops the run. The cache is not touched: callers add or remove
 * `other` in the cache themselves (either order works: the built-in hooks
 * read only the node's labels). `other` must stay alive until the cycle
 * ends (plugins may borrow its term strings).
 *
 * Where the scheduler calls them (RunFilterPluginsWithNominatedPods): after
 * assuming each nominated pod np onto the node, ks_sched_run_add_pod(fw, cs,
 * pod, np, cache, slot); after the filters ran, before forgetting them, the
 * same pods through ks_sched_run_remove_pod, which restores cs exactly.
 * Upstream's AddPod/RemovePod statuses are returned by the _status forms
 * (FALSE and *st set, with st->plugin naming the plugin). */
gboolean ks_sched_run_add_pod_status(const KsSchedFramework *fw, KsSchedCycleState *cs,
                                     const KsPod *pod, const KsPod *other,
                                     const KsSchedCache *c, guint slot, KsSchedStatus *st);
gboolean ks_sched_run_remove_pod_status(const KsSchedFramework *fw, KsSchedCycleState *cs,
                                        const KsPod *pod, const KsPod *other,
                                        const KsSchedCache *c, guint slot, KsSchedStatus *st);
/* The same, failures dropped (they mean PreFilter did not run for `pod`). */
void ks_sched_run_add_pod(const KsSchedFramework *fw, KsSchedCycleState *cs, const KsPod *pod,
                          const KsPod *other, const KsSchedCache *c, guint slot);
void ks_sched_run_remove_pod(const KsSchedFramework *fw, KsSchedCycleState *cs, const KsPod *pod,
                             const KsPod *other, const KsSchedCache *c, guint slot);
/* The profile a plugin instance belongs to (every KsSchedPlugin lives in
 * its framework's plugins[] array at p->index). */
const KsSchedFramework *ks_sched_plugin_framework(const KsSchedPlugin *p);
