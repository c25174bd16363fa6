/* Controller expectations: upstream ControllerExpectations and
 * UIDTrackingControllerExpectations (pkg/controller/controller_utils.go).
 *
 * A controller that creates or deletes objects records how many it expects
 * to see come back through its watches, and does not act again on that key
 * until they have all been observed (or 5 minutes have passed,
 * ExpectationsTimeout): its view of the world would not yet include its
 * own writes, and it would create or delete twice.
 *
 * Keys are the controller's keys ("namespace/name"). A key with no record
 * is satisfied (a new controller, or one whose record was deleted). Counts
 * may go below zero (an observed creation nobody expected); a record is
 * fulfilled when both counts are <= 0. Deletions may be tracked by the keys
 * of the objects deleted, so a deletion observed twice (an update setting
 * deletionTimestamp, then the delete) counts once, as upstream's UID
 * tracking does.
 *
 * Time is sim time, read from the engine.
 */
#pragma once
#include <glib.h>

#include "sim/engine.h"

/* upstream ExpectationsTimeout */
#define KS_EXPECTATIONS_TIMEOUT_US ((gint64)5 * 60 * G_USEC_PER_SEC)

typedef struct KsExpectations KsExpectations;

/* transfer full. engine: transfer none, outlives this. */
KsExpectations *ks_expectations_new(KsEngine *engine);
void ks_expectations_free(KsExpectations *x);

/* SetExpectations: replaces key's record with (add, del), stamped now. */
void ks_expectations_set(KsExpectations *x, const char *key, gint64 add, gint64 del);
/* ExpectCreations / ExpectDeletions: set(key, n, 0) / set(key, 0, n). */
void ks_expectations_expect_creations(KsExpectations *x, const char *key, gint64 n);
void ks_expectations_expect_deletions(KsExpectations *x, const char *key, gint64 n);
/* UIDTrackingControllerExpectations.ExpectDeletions: set(key, 0, n) and
 * remember the n (distinct) object keys. */
void ks_expectations_expect_deletions_of(KsExpectations *x, const char *key,
                                         const char *const *object_keys, guint n);
/* Lower / raise key's counts; no-op without a record. */
void ks_expectations_lower(KsExpectations *x, const char *key, gint64 add, gint64 del);
void ks_expectations_raise(KsExpectations *x, const char *key, gint64 add, gint64 del);
/* CreationObserved / DeletionObserved: lower by one. */
void ks_expectations_creation_observed(KsExpectations *x, const char *key);
void ks_expectations_deletion_observed(KsExpectations *x, const char *key);
/* The UID-tracking DeletionObserved: lowers del only when object_key is one
 * of the keys expected (and forgets it). */
void ks_expectations_deletion_observed_of(KsExpectations *x, const char *key,
                                          const char *object_key);
/* DeleteExpectations. */
void ks_expectations_delete(KsExpectations *x, const char *key);

/* SatisfiedExpectations: no record, fulfilled, or older than the timeout. */
gboolean ks_expectations_satisfied(const KsExpectations *x, const char *key);
/* FALSE without a record; else the current counts. */
gboolean ks_expectations_get(const KsExpectations *x, const char *key, gint64 *add, gint64 *del);
