/* The API server's part in deleting objects: deletionTimestamp, finalizers
 * and the propagation policy, over the store's plain delete
 * (k8s.io/apiserver registry/generic/registry/store.go Delete, v1.31).
 *
 * DELETE with a propagation policy (what `kubectl delete --cascade=...`
 * sends):
 * - the object's garbage-collection finalizers are set from the policy:
 *   both "orphan" and "foregroundDeletion" removed, then "orphan" added
 *   for Orphan, "foregroundDeletion" for Foreground, neither for
 *   Background;
 * - a pod is deleted gracefully first (rest.BeforeDelete with the pod
 *   strategy's CheckGracefulDelete, sim/kubelet/pod_termination.h): with a
 *   grace period > 0 it stays, Terminating, with deletionTimestamp = now +
 *   grace and deletionGracePeriodSeconds = grace, until its kubelet has
 *   killed its containers and deletes it with grace 0 (a pod already
 *   terminating only takes a shorter grace: deletionTimestamp moves to the
 *   deletion start + the new grace). Grace 0 (unbound or terminal pods,
 *   gracePeriodSeconds 0) goes on as any object. ksim's shortcut: when the
 *   kubelet would finish at once (no ksim.io/shutdown-time, kubelet up) the
 *   pod is removed by the DELETE itself, in the same instant. The deletion
 *   start stays readable as deletionTimestamp - deletionGracePeriodSeconds
 *   (the Job controller reads it so);
 * - an object left with no finalizer is removed from the store at once;
 * - otherwise it stays, with metadata.deletionTimestamp set (kept if it
 *   was already set) and the new finalizers: it is "being deleted" until
 *   whoever owns each finalizer removes it. The one who removes the last
 *   finalizer of an object being deleted removes the object
 *   (ks_object_remove_finalizer does both); the garbage collector also
 *   removes any object it sees in that state, as the API server would.
 * Kinds without finalizers (nodes, namespaces, priority classes, PDBs,
 * storage classes) are removed at once.
 */
#pragma once
#include <glib.h>

#include "sim/store.h"

typedef enum {
  KS_PROPAGATION_BACKGROUND = 0, /* delete now; the garbage collector deletes dependents after */
  KS_PROPAGATION_FOREGROUND,     /* dependents with blockOwnerDeletion first, then the owner */
  KS_PROPAGATION_ORPHAN,         /* dependents lose their owner reference and stay */
} KsPropagation;

/* "Background", "Foreground", "Orphan" (metav1.DeletionPropagation). */
gboolean ks_propagation_from_string(const char *s, KsPropagation *out);
const char *ks_propagation_to_string(KsPropagation p);

/* DELETE at the store's engine time. FALSE with *error
 * (KS_STORE_ERROR_NOT_FOUND when there is no such object). */
gboolean ks_object_delete(KsStore *store, KsStoreKind kind, const char *ns, const char *name,
                          KsPropagation policy, GError **error);
/* The same with DeleteOptions.gracePeriodSeconds (grace_seconds; NULL when
 * not given, as ks_object_delete). Only pods have a grace period. */
gboolean ks_object_delete_grace(KsStore *store, KsStoreKind kind, const char *ns,
                                const char *name, KsPropagation policy,
                                const gint64 *grace_seconds, GError **error);

/* Removes finalizer from the object (an update; nothing when absent) and,
 * when that was the last finalizer of an object being deleted, removes the
 * object (not a pod still in its grace period: its kubelet's delete with
 * grace 0 removes it, as the API server's shouldDeleteDuringUpdate). FALSE with *error when the object is gone or the write fails. */
gboolean ks_object_remove_finalizer(KsStore *store, KsStoreKind kind, const char *ns,
                                    const char *name, const char *finalizer, GError **error);

/* TRUE when the NULL-terminated finalizers hold finalizer. */
gboolean ks_finalizers_have(char *const *finalizers, const char *finalizer);
