/* ControllerRevisions: the hashing and naming DaemonSets and StatefulSets use
 * for the revisions of their pod template (upstream v1.31
 * pkg/controller/history/controller_history.go, controller.ComputeHash,
 * apimachinery util/rand.SafeEncodeString).
 *
 * Upstream hashes bytes only Go can produce (a strategic-merge patch in
 * Go's JSON encoding for StatefulSets, a spew dump of the template for
 * DaemonSets). ksim hashes its own canonical JSON of the template
 * (traces/trace_json.h) with the same functions (FNV-1 32-bit for
 * HashControllerRevision, FNV-1a 32-bit for ComputeHash, the collision
 * count appended in decimal) and the same encoding, so names look like
 * upstream's ("web-6d8f7c9b5") and change exactly when the template does,
 * but the hash values differ from a real cluster's.
 */
#pragma once
#include <glib.h>

#include "sched/pod.h"

/* The ControllerRevision label holding HashControllerRevision's value. */
#define KS_HISTORY_HASH_LABEL "controller.kubernetes.io/hash"
/* ControllerRevisionName truncates the prefix to 223 bytes (253 - 30). */
#define KS_HISTORY_NAME_PREFIX_MAX 223

/* Go's hash/fnv New32 (FNV-1) and New32a (FNV-1a) over len bytes. */
guint32 ks_history_fnv1_32(const void *data, gsize len);
guint32 ks_history_fnv1a_32(const void *data, gsize len);

/* rand.SafeEncodeString: each byte b becomes
 * "bcdfghjklmnpqrstvwxz2456789"[b % 27] (no vowels, no 0/1/3, so no words).
 * transfer full. */
char *ks_history_safe_encode(const char *s);

/* HashControllerRevision(revision, probe): FNV-1 of data, then of probe's
 * decimal digits when probe is non-NULL, printed in decimal and safe
 * encoded. transfer full. */
char *ks_history_hash_revision(const char *data, gsize len, const gint32 *probe);

/* controller.ComputeHash(template, collisionCount): FNV-1a of the template's
 * canonical JSON, then of the collision count's decimal digits when
 * collision_count is non-NULL, printed in decimal and safe encoded (the
 * DaemonSet's controller-revision-hash). transfer full. */
char *ks_history_compute_hash(const KsPod *template, const gint32 *collision_count);

/* The canonical bytes of a pod template that revisions store and compare
 * (one line of JSON). transfer full. */
char *ks_history_template_data(const KsPod *template);

/* ControllerRevisionName: "<prefix>-<hash>", prefix cut to 223 bytes.
 * transfer full. */
char *ks_history_revision_name(const char *prefix, const char *hash);
