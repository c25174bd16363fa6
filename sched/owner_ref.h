/* References between objects: metadata.ownerReferences (metav1.OwnerReference)
 * and the plain v1.ObjectReference (a PersistentVolume's claimRef, a
 * CronJob's status.active).
 *
 * An owner reference names its owner by kind and name in the dependent's own
 * namespace (upstream forbids cross-namespace owners) and by uid: the
 * garbage collector treats an owner whose uid differs as gone. At most one
 * reference of a list has controller=true (the API server rejects two);
 * that one is "the controller" of the dependent (metav1.GetControllerOf).
 */
#pragma once
#include <glib.h>

typedef struct {
  char *api_version;             /* apiVersion, e.g. "apps/v1" */
  char *kind;                    /* kind, e.g. "ReplicaSet" */
  char *name;                    /* name */
  char *uid;                     /* uid */
  gboolean controller;           /* controller (*bool, nil = false) */
  gboolean block_owner_deletion; /* blockOwnerDeletion (*bool, nil = false) */
} KsOwnerReference;

void ks_owner_reference_clear(KsOwnerReference *r);
void ks_owner_reference_copy(KsOwnerReference *dst, const KsOwnerReference *src); /* dst uninitialised */
gboolean ks_owner_reference_equal(const KsOwnerReference *a, const KsOwnerReference *b);

/* An empty GArray of KsOwnerReference with its clear func set. transfer full */
GArray *ks_owner_reference_array_new(void);
/* Deep copy; NULL -> NULL. transfer full */
GArray *ks_owner_reference_array_copy(const GArray *src);
/* Appends a deep copy of the given fields, creating *refs on first use; the
 * pointer is valid until the next append. */
KsOwnerReference *ks_owner_reference_array_add(GArray **refs, const char *api_version,
                                               const char *kind, const char *name,
                                               const char *uid, gboolean controller,
                                               gboolean block_owner_deletion);
/* Same references in the same order; NULL equals empty. */
gboolean ks_owner_reference_array_equal(const GArray *a, const GArray *b);
/* metav1.GetControllerOf: the first reference with controller=true, or NULL.
 * transfer none; refs may be NULL. */
const KsOwnerReference *ks_owner_reference_get_controller(const GArray *refs);
/* The reference whose uid is uid, or NULL. transfer none. */
const KsOwnerReference *ks_owner_reference_find_uid(const GArray *refs, const char *uid);
/* Removes every reference whose uid is uid; TRUE if one was removed. */
gboolean ks_owner_reference_array_remove_uid(GArray *refs, const char *uid);

/* v1.ObjectReference, the fields ksim uses. */
typedef struct {
  char *kind;       /* may be NULL */
  char *namespace;  /* may be NULL (cluster-scoped) */
  char *name;
  char *uid;        /* may be NULL */
  char *api_version;/* may be NULL */
} KsObjectReference;

KsObjectReference *ks_object_reference_new(const char *kind, const char *ns, const char *name,
                                           const char *uid); /* transfer full */
void ks_object_reference_free(KsObjectReference *r);
KsObjectReference *ks_object_reference_copy(const KsObjectReference *r); /* transfer full; NULL->NULL */
gboolean ks_object_reference_equal(const KsObjectReference *a, const KsObjectReference *b);
/* A GPtrArray of KsObjectReference* that frees its elements. transfer full */
GPtrArray *ks_object_reference_array_new(void);
GPtrArray *ks_object_reference_array_copy(const GPtrArray *src); /* transfer full; NULL->NULL */
