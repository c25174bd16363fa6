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
 * - an object left with no finalizer is removed from the store at once
 *   (ksim has no termination grace period);
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

/* Removes finalizer from the object (an update; nothing when absent) and,
 * when that was the last finalizer of an object being deleted, removes the
 * object. FALSE with *error when the object is gone or the write fails. */
gboolean ks_object_remove_finalizer(KsStore *store, KsStoreKind kind, const char *ns,
                                    const char *name, const char *finalizer, GError **error);

/* TRUE when the NULL-terminated finalizers hold finalizer. */
gboolean ks_finalizers_have(char *const *finalizers, const char *finalizer);
