/* The StatefulSet controller (upstream v1.31 pkg/controller/statefulset):
 * pods with stable names <set>-<ordinal>, each with its own claims
 * <template>-<set>-<ordinal>, created, updated and deleted in ordinal order.
 *
 * Per sync of a StatefulSet key, as upstream's UpdateStatefulSet:
 *  1. revisions: the update revision is "<set>-<hash>" where hash is
 *     HashControllerRevision of the template's data with the collision
 *     count as probe (history.h); an equal revision already the newest is
 *     reused, an equal older one is renumbered to the next revision (a
 *     rollback), else a new one is created (a name taken by other data bumps
 *     the collision count and tries again). The current revision is
 *     status.currentRevision's, or the update revision at first.
 *  2. members: the set's pods whose name parent is the set; ordinals in
 *     [start, start+replicas) are replicas, the others (valid ordinals) are
 *     condemned, highest first. A missing replica is made from the current
 *     revision's template when its ordinal is below the partition, else the
 *     update revision's (newVersionedStatefulSetPod).
 *  3. replicas, in ordinal order: a Failed or Succeeded pod is deleted (it
 *     comes back with the same name and claims); a missing one is created,
 *     its missing claims first. OrderedReady stops at the first pod it
 *     creates and at the first pod that is not Running, Ready and available
 *     (minReadySeconds) or is terminating; Parallel creates all at once
 *     (slow start 1, 2, 4, ... stopping at an error).
 *  4. condemned: claims get the owner references the retention policy asks
 *     for (whenScaled Delete: the pod owns its claims, so the garbage
 *     collector deletes them with it; whenDeleted Delete: the set owns
 *     them), then pods are deleted highest ordinal first; OrderedReady one
 *     per sync and only while the others are healthy (or the pod is the
 *     first unhealthy one).
 *  5. update (RollingUpdate): from the highest ordinal down to the
 *     partition, the first replica not at the update revision is deleted
 *     (step 3 recreates it at the new revision); an unavailable replica
 *     stops the walk. OnDelete: nothing.
 *  6. status: replicas, readyReplicas, availableReplicas, currentReplicas,
 *     updatedReplicas, currentRevision, updateRevision, collisionCount,
 *     observedGeneration; a finished rolling update makes the update
 *     revision current. Written only when it changed. Then revisions beyond
 *     revisionHistoryLimit that no pod uses are deleted, lowest first.
 *
 * Pods and revisions are claimed as upstream's ClaimPods: orphans the
 * selector matches (pods named <set>-<ordinal>) are adopted, owned pods
 * that no longer match are released.
 *
 * Where ksim departs: spec.hostname/subdomain are not modelled; MaxUnavailableStatefulSet (alpha in v1.31) is off; a
 * RollingUpdate strategy always has its rollingUpdate block (the API
 * server's default), so a new pod's revision follows the partition.
 */
#pragma once
#include "sim/controllers/runtime.h"

/* The controller's class for the manager's table ("statefulset",
 * upstream --concurrent-statefulset-syncs default 5 workers). */
extern const KsControllerClass ks_statefulset_controller_class;
