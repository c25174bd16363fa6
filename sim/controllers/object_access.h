/* Uniform access to the metadata of any stored object, whatever its kind's
 * payload type: what the garbage collector, the workload feed and the
 * generic delete need (uid, creation and deletion timestamps, owner
 * references, finalizers, generation), and how to copy and free a payload.
 *
 * The kinds keep metadata in different places (pods, PVs and PVCs inline,
 * the workload kinds in an embedded KsObjectMeta, nodes and namespaces only
 * a name and labels); this file is the one switch over them. A field a kind
 * does not have is NULL in KsObjectFields.
 */
#pragma once
#include <glib.h>

#include "sim/store.h"

typedef struct {
  char **namespace;           /* NULL for cluster-scoped kinds */
  char **name;
  char **uid;                 /* may be NULL */
  gint64 *creation_timestamp_us;
  gint64 *deletion_timestamp_us;
  GArray **owner_references;  /* of KsOwnerReference */
  char ***finalizers;         /* NULL-terminated */
  gint64 *generation;
} KsObjectFields;

/* Pointers into data (a payload of kind) for the fields the kind has. Use
 * them to read, or to write into a copy the caller owns (never into a
 * stored object). */
void ks_object_fields(KsStoreKind kind, gpointer data, KsObjectFields *out);
/* A deep copy of a payload of kind. transfer full */
gpointer ks_object_data_copy(KsStoreKind kind, gconstpointer data);
/* The free function of kind's payloads. */
GDestroyNotify ks_object_data_free_func(KsStoreKind kind);
/* Upstream's Kind name ("ReplicaSet") and apiVersion ("apps/v1") of a store
 * kind (static strings), as owner references name them. */
const char *ks_object_kind_name(KsStoreKind kind);
const char *ks_object_api_version(KsStoreKind kind);
/* The store kind whose Kind name is kind_name (apiVersion is not checked:
 * one group per kind here); FALSE when none. */
gboolean ks_object_kind_from_name(const char *kind_name, KsStoreKind *out);
