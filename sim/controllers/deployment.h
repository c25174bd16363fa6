/* The Deployment controller (upstream pkg/controller/deployment, v1.31).
 *
 * A Deployment owns one ReplicaSet per pod template: its name is
 * "<deployment>-<pod-template-hash>", the hash being controller.ComputeHash
 * (FNV-32a over the template and status.collisionCount, safe-encoded:
 * sim/controllers/history.h; ksim hashes its own canonical JSON of the
 * template, so the values differ from a real cluster's but change exactly
 * when the template does), and the label pod-template-hash is added to the
 * ReplicaSet's labels, selector and template. Each sync:
 * - claims ReplicaSets (adopts orphans its selector matches, releases
 *   owned ones it no longer matches);
 * - being deleted: status only; paused: scale only (proportional), plus
 *   history cleanup; a change of spec.replicas (a ReplicaSet's
 *   desired-replicas annotation differs): scale only;
 * - otherwise rolls out: RollingUpdate (maxSurge rounded up, maxUnavailable
 *   rounded down, both 0 means maxUnavailable 1) or Recreate (old
 *   ReplicaSets to 0, wait for their pods to go, then the new one up);
 * - keeps deployment.kubernetes.io/revision on the ReplicaSets (the new
 *   one gets max(old revisions) + 1, the old number going into
 *   revision-history) and on the Deployment, desired-replicas and
 *   max-replicas on the ReplicaSets;
 * - deletes old ReplicaSets scaled to 0 beyond revisionHistoryLimit,
 *   lowest revision first, once the rollout is complete;
 * - writes status (replicas, updatedReplicas, readyReplicas,
 *   availableReplicas, unavailableReplicas, observedGeneration,
 *   collisionCount) and the Available and Progressing conditions, with
 *   progressDeadlineSeconds (ProgressDeadlineExceeded), paused / resumed.
 *
 * Rollback (kubectl rollout undo) is a template change back to an old
 * ReplicaSet's template: that ReplicaSet becomes the new one again and
 * gets the next revision number.
 */
#pragma once
#include "sim/controllers/runtime.h"

#define KS_DEPLOYMENT_WORKERS 5 /* --concurrent-deployment-syncs */

extern const KsControllerClass ks_deployment_controller_class;

/* Upstream EqualIgnoreHash: two pod templates equal but for the
 * pod-template-hash label (the Deployment controller finding its new
 * ReplicaSet; kubectl rollout undo skipping an undo to the current one). */
gboolean ks_deployment_templates_equal_ignore_hash(const KsPod *a, const KsPod *b);
