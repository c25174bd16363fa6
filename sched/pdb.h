/* PodDisruptionBudget (policy/v1), as the scheduler's preemption and the
 * simulator's stand-in for the disruption controller see it.
 *
 * Two selection rules, both upstream's:
 * - the scheduler (filterPodsWithPDBViolation, v1.31) counts a pod against
 *   a PDB when the pod has labels, the namespaces are equal and the PDB's
 *   selector is non-empty and matches; a nil or empty selector selects
 *   nothing there (ks_pdb_covers).
 * - the disruption controller (getPodsForPdb) lists the namespace's pods
 *   with the selector: a nil selector selects nothing, an empty one every
 *   pod of the namespace (ks_pdb_selects).
 */
#pragma once
#include <glib.h>
#include "sched/pod.h"
#include "sched/selector.h"

/* intstr.IntOrString as PDB specs use it; absent when !set. */
typedef struct {
  gboolean set;
  gboolean is_percent; /* "<value>%" */
  gint32 value;        /* >= 0 (validated) */
} KsIntOrPercent;

/* "5" -> 5, "50%" -> 50 percent. FALSE unless s is digits optionally
 * followed by '%' (upstream IsValidPercent / a non-negative int). */
gboolean ks_int_or_percent_parse_percent(const char *s, KsIntOrPercent *out);
/* intstr.GetScaledValueFromIntOrPercent: the int itself, or
 * value*total/100 rounded up (round_up) or down. */
gint32 ks_int_or_percent_scaled(const KsIntOrPercent *v, gint32 total, gboolean round_up);

typedef struct KsPodDisruptionBudget KsPodDisruptionBudget;
struct KsPodDisruptionBudget {
  char *namespace;               /* "default" when absent */
  char *name;
  KsLabelSelector *selector;     /* spec.selector; NULL = nil */
  KsIntOrPercent min_available;  /* spec.minAvailable */
  KsIntOrPercent max_unavailable;/* spec.maxUnavailable */
  gint32 disruptions_allowed;    /* status.disruptionsAllowed */
  char **disrupted_pods;         /* status.disruptedPods keys (pod names); NULL-terminated, may be NULL */
};

KsPodDisruptionBudget *ks_pdb_new(const char *ns, const char *name); /* transfer full */
void ks_pdb_free(KsPodDisruptionBudget *b);
KsPodDisruptionBudget *ks_pdb_copy(const KsPodDisruptionBudget *b); /* transfer full */

/* The scheduler's rule (see above). */
gboolean ks_pdb_covers(const KsPodDisruptionBudget *b, const KsPod *pod);
/* The disruption controller's rule (see above). */
gboolean ks_pdb_selects(const KsPodDisruptionBudget *b, const KsPod *pod);
/* pod_name is in status.disruptedPods. */
gboolean ks_pdb_is_disrupted(const KsPodDisruptionBudget *b, const char *pod_name);

/* The disruption controller's arithmetic (v1.31 trySync/updatePdbStatus):
 * desiredHealthy = minAvailable (an int), or ceil(minAvailable% * expected),
 * or max(0, expected - ceil(maxUnavailable% * expected)) (or the int);
 * neither field set: desiredHealthy 0 (upstream leaves it so).
 * disruptionsAllowed = currentHealthy - desiredHealthy, 0 when negative or
 * when expected <= 0. */
gint32 ks_pdb_desired_healthy(const KsPodDisruptionBudget *b, gint32 expected);
gint32 ks_pdb_disruptions_allowed(const KsPodDisruptionBudget *b, gint32 expected,
                                  gint32 current_healthy);
