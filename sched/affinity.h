/* Node affinity, pod (anti-)affinity and topology spread constraints. */
#pragma once
#include <glib.h>
#include "sched/labels.h"
#include "sched/selector.h"

typedef struct {
  gint32 weight; /* 1..100 */
  KsNodeSelectorTerm preference;
} KsPreferredSchedulingTerm;

typedef struct {
  KsNodeSelector *required;  /* requiredDuringSchedulingIgnoredDuringExecution; may be NULL */
  GArray *preferred;         /* of KsPreferredSchedulingTerm; may be NULL */
} KsNodeAffinity;

typedef struct {
  KsLabelSelector *label_selector;     /* NULL: matches no pod */
  char **namespaces;                   /* NULL-terminated; may be NULL */
  KsLabelSelector *namespace_selector; /* NULL: unset; empty: all namespaces */
  char *topology_key;
  char **match_label_keys;             /* may be NULL */
  char **mismatch_label_keys;          /* may be NULL */
} KsPodAffinityTerm;

void ks_pod_affinity_term_clear(KsPodAffinityTerm *t);

/* Does term (owned by a pod in namespace owner_ns) select a pod in namespace
 * pod_ns with labels pod_labels? ns_labels are the labels of pod_ns's
 * Namespace object (NULL if unknown), used by namespaceSelector. */
gboolean ks_pod_affinity_term_matches(const KsPodAffinityTerm *t, const char *owner_ns,
                                      const char *pod_ns, const KsLabels *pod_labels,
                                      const KsLabels *ns_labels);

typedef struct {
  gint32 weight; /* 1..100 */
  KsPodAffinityTerm term;
} KsWeightedPodAffinityTerm;

typedef struct {
  GArray *required;  /* of KsPodAffinityTerm; may be NULL */
  GArray *preferred; /* of KsWeightedPodAffinityTerm; may be NULL */
} KsPodAffinity;

typedef struct {
  KsNodeAffinity *node_affinity;   /* may be NULL */
  KsPodAffinity *pod_affinity;     /* may be NULL */
  KsPodAffinity *pod_anti_affinity;/* may be NULL */
} KsAffinity;

KsAffinity *ks_affinity_new(void); /* transfer full */
void ks_affinity_free(KsAffinity *a);

typedef enum {
  KS_UNSATISFIABLE_DO_NOT_SCHEDULE,
  KS_UNSATISFIABLE_SCHEDULE_ANYWAY,
} KsUnsatisfiableAction;

typedef enum {
  KS_INCLUSION_POLICY_UNSET = 0, /* the plugin applies the upstream default */
  KS_INCLUSION_POLICY_HONOR,
  KS_INCLUSION_POLICY_IGNORE,
} KsInclusionPolicy;

typedef struct {
  gint32 max_skew;
  char *topology_key;
  KsUnsatisfiableAction when_unsatisfiable;
  KsLabelSelector *label_selector; /* may be NULL */
  gint32 min_domains;              /* 0 when unset (upstream treats as 1) */
  KsInclusionPolicy node_affinity_policy; /* default Honor */
  KsInclusionPolicy node_taints_policy;   /* default Ignore */
  char **match_label_keys;         /* may be NULL */
} KsTopologySpreadConstraint;

void ks_topology_spread_constraint_clear(KsTopologySpreadConstraint *c);

/* ---- additions: constructors, copies, array helpers ------------------------
 * Every *_array_new returns an empty GArray with the element clear func set,
 * so g_array_unref frees the elements' contents. Copies are deep; *_copy of a
 * struct into dst expects dst uninitialised; pointer copies map NULL->NULL. */
void ks_preferred_scheduling_term_clear(KsPreferredSchedulingTerm *t);
void ks_preferred_scheduling_term_copy(KsPreferredSchedulingTerm *dst,
                                       const KsPreferredSchedulingTerm *src);
GArray *ks_preferred_scheduling_term_array_new(void); /* transfer full */

KsNodeAffinity *ks_node_affinity_new(void);                    /* transfer full */
void ks_node_affinity_free(KsNodeAffinity *na);
KsNodeAffinity *ks_node_affinity_copy(const KsNodeAffinity *na); /* transfer full */

void ks_pod_affinity_term_copy(KsPodAffinityTerm *dst, const KsPodAffinityTerm *src);
GArray *ks_pod_affinity_term_array_new(void); /* transfer full */
/* The namespace half of ks_pod_affinity_term_matches. */
gboolean ks_pod_affinity_term_selects_namespace(const KsPodAffinityTerm *t, const char *owner_ns,
                                                const char *pod_ns, const KsLabels *ns_labels);

void ks_weighted_pod_affinity_term_clear(KsWeightedPodAffinityTerm *t);
void ks_weighted_pod_affinity_term_copy(KsWeightedPodAffinityTerm *dst,
                                        const KsWeightedPodAffinityTerm *src);
GArray *ks_weighted_pod_affinity_term_array_new(void); /* transfer full */

KsPodAffinity *ks_pod_affinity_new(void);                   /* transfer full */
void ks_pod_affinity_free(KsPodAffinity *pa);
KsPodAffinity *ks_pod_affinity_copy(const KsPodAffinity *pa); /* transfer full */

KsAffinity *ks_affinity_copy(const KsAffinity *a); /* transfer full; NULL->NULL */

void ks_topology_spread_constraint_copy(KsTopologySpreadConstraint *dst,
                                        const KsTopologySpreadConstraint *src);
GArray *ks_topology_spread_constraint_array_new(void);              /* transfer full */
GArray *ks_topology_spread_constraint_array_copy(const GArray *src); /* transfer full */

/* Fold matchLabelKeys (In) and mismatchLabelKeys (NotIn) into the term's
 * labelSelector using the owning pod's labels, as the API server does once at
 * pod creation (MatchLabelKeysInPodAffinity). Call once per pod, not per copy. */
void ks_pod_affinity_term_apply_label_keys(KsPodAffinityTerm *t, const KsLabels *pod_labels);
/* The same for every pod (anti-)affinity term of a; NULL is a no-op. */
void ks_affinity_apply_label_keys(KsAffinity *a, const KsLabels *pod_labels);
