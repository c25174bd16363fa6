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
