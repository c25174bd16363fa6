/* DefaultPreemption (PostFilter), upstream v1.31 defaultpreemption plugin
 * with the framework/preemption evaluator. */
#pragma once
#include <glib.h>
#include "sched/framework.h"
#include "sched/preemption.h"

extern const KsSchedPluginDesc ks_sched_plugin_default_preemption;

/* Upstream DefaultPreemptionArgs; NULL args = the defaults (10, 100). */
typedef struct {
  gint32 min_candidate_nodes_percentage; /* [0, 100] */
  gint32 min_candidate_nodes_absolute;   /* >= 0; not both zero */
} KsSchedDefaultPreemptionArgs;

#define KS_SCHED_DEFAULT_MIN_CANDIDATE_NODES_PERCENTAGE 10
#define KS_SCHED_DEFAULT_MIN_CANDIDATE_NODES_ABSOLUTE 100

/* Connects the plugin instance to its scheduler (framework.Handle); the host
 * must outlive the plugin. Without a host PostFilter returns an Error. */
void ks_sched_default_preemption_attach(KsSchedPlugin *p, KsSchedPreemptionHost *host);
/* calculateNumCandidates for `n` potential nodes. */
gint32 ks_sched_default_preemption_num_candidates(const KsSchedPlugin *p, gint32 n);
/* The candidates of the latest PostFilter call, non-violating ones first,
 * each group in dry-run order (diagnostics and tests; borrowed until the
 * next call). */
guint ks_sched_default_preemption_n_candidates(const KsSchedPlugin *p);
const char *ks_sched_default_preemption_candidate(const KsSchedPlugin *p, guint i,
                                                  KsPod *const **victims, guint *n_victims);
/* Candidate i's numPDBViolations: its victims that violate a PDB. */
gint64 ks_sched_default_preemption_candidate_pdb_violations(const KsSchedPlugin *p, guint i);
