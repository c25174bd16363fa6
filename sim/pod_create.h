/* Putting objects into the store as a client of the API server would:
 * pods through admission (sim/admission.h) then create, other manifest
 * objects (Node, Namespace, PriorityClass, PodDisruptionBudget) copied and
 * created. One implementation for every feed that creates objects: the
 * scenario's workload feed and the trace replay (sim/trace_feed.c).
 */
#pragma once
#include <glib.h>

#include "sim/store.h"
#include "workloads/manifest.h"

/* The PriorityClass lookup admission needs, over the store's classes
 * (name NULL: the globalDefault one). user_data is the KsStore. */
const KsPriorityClass *ks_sim_store_priority_class(const char *name, gpointer user_data);

/* Admits pod and creates it; creation_timestamp_us 0 becomes now.
 * pod: transfer full (freed on failure). FALSE with *error when admission
 * refuses the pod or the store does (an existing name). */
gboolean ks_sim_create_pod(KsStore *store, KsPod *pod, GError **error);

/* Creates a copy of a manifest object (a Pod goes through admission).
 * FALSE with *error when refused. */
gboolean ks_sim_create_object(KsStore *store, const KsManifestObject *o, GError **error);
