/* The garbage collector (upstream pkg/controller/garbagecollector, v1.31):
 * ownerReferences, cascading deletion in the background and in the
 * foreground, and orphaning. Deletion itself (deletionTimestamp,
 * finalizers, propagation policies) is sim/controllers/deletion.h.
 *
 * It watches every kind whose objects can have owner references or
 * finalizers and keeps the owner graph: for each owner uid, its dependents.
 * Its queue holds objects ("<kind>/<namespace>/<name>"); syncing one:
 * - being deleted with no finalizer left: removed (the API server's part);
 * - being deleted with "orphan": every dependent loses its references to
 *   it, then the finalizer goes (and with it the object);
 * - being deleted with "foregroundDeletion": while dependents with
 *   blockOwnerDeletion remain, they are queued for deletion; when none
 *   remains, the finalizer goes (and with it the object);
 * - having owner references (upstream attemptToDeleteItem): an owner is
 *   "dangling" when the store has no object of its kind and name with its
 *   uid, "waiting" when it is being deleted in the foreground, else
 *   "solid". With a solid owner, dangling and waiting references are
 *   removed; with none, the object is deleted: in the foreground when
 *   an owner is waiting and the object has dependents of its own, else
 *   per its own GC finalizer (orphan / foregroundDeletion), else in the
 *   background.
 * An owner reference of a kind ksim does not store is always solid.
 *
 * When an object goes, its dependents are queued, and when a dependent
 * goes or changes, its owners being deleted in the foreground are.
 */
#pragma once
#include "sim/controllers/runtime.h"

#define KS_GARBAGE_COLLECTOR_WORKERS 20 /* --concurrent-gc-syncs */

extern const KsControllerClass ks_garbage_collector_class;

/* The queue key of an object: "<plural kind>/<namespace>/<name>". transfer full */
char *ks_garbage_collector_key(KsStoreKind kind, const char *ns, const char *name);
