/* The Eviction API (POST pods/<name>/eviction, policy/v1), as the API
 * server carries it out (v1.31 pkg/registry/core/pod/storage/eviction.go):
 * what `kubectl drain` uses to remove pods without breaking a
 * PodDisruptionBudget.
 *
 * - No such pod: NotFound.
 * - A pod that is Succeeded, Failed or Pending, or already being deleted,
 *   is deleted without looking at budgets (canIgnorePDB).
 * - The budgets that cover the pod: same namespace, a selector that is
 *   neither nil nor empty and matches the pod's labels. More than one: an
 *   internal error ("This pod has more than one PodDisruptionBudget, which
 *   the eviction subresource does not support."). None: the pod is deleted.
 * - One: its status is what the disruption controller would compute now
 *   (ksim has no disruption controller writing PDB status; this is the same
 *   arithmetic, sched/pdb.h, over the store's pods): expected pods from the
 *   pods' controllers' scale (Deployment, ReplicaSet, StatefulSet
 *   spec.replicas; an integer minAvailable counts the matching pods
 *   instead), healthy = matching pods that are Ready and not being deleted.
 *   A pod that is not Ready is deleted while the budget is met
 *   (currentHealthy >= desiredHealthy > 0; the IfHealthyBudget policy, the
 *   default). Otherwise with disruptionsAllowed 0 the eviction is refused
 *   with 429 TooManyRequests ("Cannot evict pod as it would violate the
 *   pod's disruption budget."); a pod controlled by something with no scale
 *   (a DaemonSet, a Job) makes the controller's sync fail, and upstream then
 *   allows 0 disruptions: refused too. Else the pod is deleted.
 * Deleting is first the pod's DisruptionTarget condition (reason
 * EvictionByEvictionAPI, "Eviction API: evicting"; PodDisruptionConditions,
 * GA in v1.31), then the API server's delete with the background policy
 * (sim/controllers/deletion.h) with the Eviction's DeleteOptions: the pod
 * terminates gracefully (its own grace, or gracePeriodSeconds when given),
 * and a pod with finalizers is only marked.
 */
#pragma once
#include <glib.h>

#include "sim/store.h"

typedef enum {
  KS_EVICTION_OK = 0,            /* evicted (deleted, or marked for deletion) */
  KS_EVICTION_NOT_FOUND,         /* 404 */
  KS_EVICTION_TOO_MANY_REQUESTS, /* 429: a budget allows no disruption now */
  KS_EVICTION_ERROR,             /* anything else (500: more than one budget) */
} KsEvictionResult;

/* Evicts pod ns/name at the store's engine time. *message (transfer full;
 * may be NULL) gets the API server's message unless the result is OK. */
KsEvictionResult ks_sim_evict_pod(KsStore *store, const char *ns, const char *name,
                                  char **message);
/* The same with deleteOptions.gracePeriodSeconds (NULL: not given). */
KsEvictionResult ks_sim_evict_pod_grace(KsStore *store, const char *ns, const char *name,
                                        const gint64 *grace_seconds, char **message);
