/* The pure parts of the StatefulSet controller (upstream v1.31
 * pkg/controller/statefulset/stateful_set_utils.go): ordinal names, the
 * ordinal a pod name carries, the identity and storage a member pod must
 * have, and which revision a newly created member gets.
 *
 * Names and labels are upstream's: pod <set>-<ordinal>, claim
 * <template>-<set>-<ordinal>, labels statefulset.kubernetes.io/pod-name and
 * apps.kubernetes.io/pod-index (PodIndexLabel, on by default in v1.31),
 * controller-revision-hash = the revision's name. No store, no clock.
 */
#pragma once
#include <glib.h>

#include "sched/pod.h"

#define KS_STATEFULSET_POD_NAME_LABEL "statefulset.kubernetes.io/pod-name"
#define KS_STATEFULSET_POD_INDEX_LABEL "apps.kubernetes.io/pod-index"
#define KS_STATEFULSET_REVISION_LABEL "controller-revision-hash"

/* "<set>-<ordinal>" (getPodName). transfer full. */
char *ks_statefulset_pod_name(const char *set_name, gint ordinal);
/* "<claim>-<set>-<ordinal>" (getPersistentVolumeClaimName). transfer full. */
char *ks_statefulset_claim_name(const char *claim_template, const char *set_name, gint ordinal);

/* upstream getParentNameAndOrdinal: the name matches (.*)-([0-9]+)$ (the
 * last '-' followed only by digits); the digits parse as a base-10 int32.
 * Returns the ordinal, or -1 (no match, or the digits overflow int32: the
 * parent is still reported then, as upstream). *parent (transfer full; may
 * be NULL) is the part before that '-', or NULL when there is no match. */
gint ks_statefulset_parse_ordinal(const char *pod_name, char **parent);
/* isMemberOf: the pod name's parent is set_name. */
gboolean ks_statefulset_is_member(const char *set_name, const char *pod_name);
/* podInOrdinalRange: start <= ordinal <= start + replicas - 1. */
gboolean ks_statefulset_in_range(gint ordinal, gint start, gint replicas);

/* initIdentity/updateIdentity: name <set>-<ordinal>, the set's namespace, the
 * pod-name and pod-index labels. (Upstream also sets spec.hostname and
 * spec.subdomain from the service name; KsPod does not model them.) pod must
 * not be shared yet. */
void ks_statefulset_set_identity(KsPod *pod, const char *set_name, const char *set_namespace,
                                 gint ordinal);
/* identityMatches: pod is <set>-<ordinal> in the set's namespace with the
 * pod-name label. */
gboolean ks_statefulset_identity_matches(const KsPod *pod, const char *set_name,
                                         const char *set_namespace);

/* updateStorage: for each claim template name (NULL-terminated, may be NULL)
 * a volume of that name using claim <template>-<set>-<ordinal>, in template
 * order, then the pod's other volumes in their order. (Upstream walks a Go
 * map, so its order of the claim volumes is random.) */
void ks_statefulset_set_storage(KsPod *pod, const char *set_name, const char *const *templates,
                                gint ordinal);
/* storageMatches: every template has a volume of its name using the claim
 * <template>-<set>-<ordinal>, where ordinal is the pod name's. */
gboolean ks_statefulset_storage_matches(const KsPod *pod, const char *set_name,
                                        const char *const *templates);

/* newVersionedStatefulSetPod's choice: TRUE when ordinal gets the current
 * revision. Upstream's condition, with Go's && binding tighter than ||:
 *   (RollingUpdate && no rollingUpdate block && ordinal < start + currentReplicas)
 *   || (a rollingUpdate block && ordinal < start + partition)
 * has_rolling_block: spec.updateStrategy.rollingUpdate is set (partition then
 * defaults to 0). */
gboolean ks_statefulset_new_pod_gets_current(gboolean rolling_update, gboolean has_rolling_block,
                                             gint partition, gint start, gint current_replicas,
                                             gint ordinal);

/* The pod's controller-revision-hash label, or "" (getPodRevision). */
const char *ks_statefulset_pod_revision(const KsPod *pod);
