/* Pod admission: what the API server does to a pod on creation before
 * anyone sees it, done once here for the simulator and for `ksim explain`:
 *  - Priority: spec.priorityClassName (or the globalDefault class, or the
 *    built-in system-cluster-critical / system-node-critical) becomes
 *    spec.priority; a pod naming a missing class is refused as upstream:
 *    pods "ns/name" is forbidden: no PriorityClass with name X was found
 *  - MatchLabelKeysInPodAffinity: affinity matchLabelKeys/mismatchLabelKeys
 *    are folded into the terms' label selectors.
 *  - DefaultTolerationSeconds: a pod that does not already tolerate
 *    node.kubernetes.io/not-ready:NoExecute (resp. unreachable) gets
 *    {key, operator: Exists, effect: NoExecute, tolerationSeconds: 300}
 *    appended, so its pods leave a failed node 300 s after the taint
 *    (sim/controllers/taint_eviction.h).
 */
#pragma once
#include <glib.h>

#include "sched/objects.h"

#define KS_SYSTEM_CLUSTER_CRITICAL "system-cluster-critical"
#define KS_SYSTEM_NODE_CRITICAL "system-node-critical"
#define KS_SYSTEM_CLUSTER_CRITICAL_VALUE 2000000000
#define KS_SYSTEM_NODE_CRITICAL_VALUE 2000001000

/* plugin/pkg/admission/defaulttolerationseconds: both defaults are 300 s. */
#define KS_DEFAULT_TOLERATION_SECONDS 300
#define KS_TAINT_NODE_NOT_READY "node.kubernetes.io/not-ready"
#define KS_TAINT_NODE_UNREACHABLE "node.kubernetes.io/unreachable"

#define KS_ADMISSION_ERROR (ks_admission_error_quark())
GQuark ks_admission_error_quark(void);
typedef enum { KS_ADMISSION_ERROR_FORBIDDEN } KsAdmissionError;

/* The PriorityClass called name, or NULL; name NULL asks for the
 * globalDefault class. */
typedef const KsPriorityClass *(*KsPriorityClassLookup)(const char *name, gpointer user_data);

/* Admits pod in place (call once per pod, on the object about to be stored). */
gboolean ks_admit_pod(KsPod *pod, KsPriorityClassLookup lookup, gpointer user_data,
                      GError **error);
/* The DefaultTolerationSeconds step alone (ks_admit_pod runs it last). */
void ks_admit_default_toleration_seconds(KsPod *pod);
