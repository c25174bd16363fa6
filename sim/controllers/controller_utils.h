/* What several controllers share (upstream pkg/controller/controller_utils.go
 * and the API server's part in creating an object): generated names and
 * uids, pods from a template with a controller reference, which pods count
 * as active, and the ranking of pods to delete first on scale-down.
 */
#pragma once
#include <glib.h>

#include "sched/owner_ref.h"
#include "sched/pod.h"
#include "sched/rng.h"
#include "sim/controllers/runtime.h"

/* The annotation controller.kubernetes.io/pod-deletion-cost (PodDeletionCost,
 * on by default since v1.22): an int32; pods with a lower cost go first. */
#define KS_ANN_POD_DELETION_COST "controller.kubernetes.io/pod-deletion-cost"

/* The API server's name generator (SimpleNameGenerator): base cut to 58
 * bytes (63 - 5) + 5 characters of utilrand's alphabet
 * "bcdfghjklmnpqrstvwxz2456789", drawn from rng. transfer full */
char *ks_controller_generate_name(KsRng *rng, const char *base);
/* A version-4-shaped uid (8-4-4-4-12 lowercase hex) from rng, standing in
 * for the one the API server assigns. transfer full */
char *ks_controller_new_uid(KsRng *rng);

/* upstream IsPodActive: not Succeeded, not Failed, no deletionTimestamp. */
gboolean ks_controller_pod_is_active(const KsPod *pod);

/* The pods of namespace ns whose controller reference has uid (client-go's
 * PodControllerUIDIndex), from the store's "pod-controller-uid" index:
 * what a controller owns, without walking the namespace's other pods.
 * transfer container (references), in ks_store_list order. */
GPtrArray *ks_controller_pods_controlled_by(KsStore *store, const char *ns, const char *uid);
/* The pods of namespace ns without a controller reference (the orphans a
 * controller may adopt), from the store's "pod-orphans" index. transfer
 * container (references), in ks_store_list order. */
GPtrArray *ks_controller_orphan_pods(KsStore *store, const char *ns);
/* What ClaimPods looks at for the controller with uid: its own pods and the
 * orphans of ns, merged in ks_store_list order (the pods of other
 * controllers, which ClaimPods skips, are never visited). transfer
 * container (references). */
GPtrArray *ks_controller_claimable_pods(KsStore *store, const char *ns, const char *uid);

/* upstream GetPodFromTemplate: a copy of tmpl (labels, annotations,
 * finalizers, spec) in namespace ns with generateName generate_name, no
 * name yet, owned by a controller reference to (api_version, kind, name,
 * uid) with controller and blockOwnerDeletion true, and no status.
 * transfer full */
KsPod *ks_controller_pod_from_template(const KsPod *tmpl, const char *ns,
                                       const char *generate_name, const char *api_version,
                                       const char *kind, const char *owner_name,
                                       const char *owner_uid);

/* The API server's create of a pod with generateName: a generated name
 * (retried on a collision, up to 8 tries as with RetryGenerateName), a uid
 * when it has none, creationTimestamp now, admission (sim/pod_create.h).
 * pod: transfer full. Returns the name (transfer full), NULL with *error. */
char *ks_controller_create_pod(KsController *c, KsPod *pod, GError **error);

/* A controller's delete of a pod: ks_object_delete (sim/controllers/
 * deletion.h) with the Background policy. A pod with finalizers only gets
 * its deletionTimestamp; one without is removed at once. now_us is unused
 * (the store's engine time is used). FALSE with *error
 * (KS_STORE_ERROR_NOT_FOUND when gone). */
gboolean ks_controller_delete_pod(KsStore *store, const KsPod *pod, gint64 now_us,
                                  GError **error);

/* upstream getPodsToDelete's sort (ActivePodsWithRanks.Less, v1.31 with
 * PodDeletionCost and LogarithmicScaleDown on): sorts pods (KsPod*, in
 * place) so that the first are deleted first:
 *   1. unassigned < assigned;
 *   2. Pending < Unknown < Running;
 *   3. not ready < ready;
 *   4. lower pod-deletion-cost < higher;
 *   5. more related active pods on the same node < fewer (rank: the active
 *      pods of `related`, KsPod*, counted per node name);
 *   6. both ready: ready more recently < longer, compared on
 *      floor(log2(nanoseconds since ready)), equal buckets broken by uid;
 *   7. (restart counts: ksim pods never restart, all equal);
 *   8. created more recently < earlier, on the same log2 buckets, equal
 *      buckets broken by uid; a zero time sorts first.
 * Pods equal on all of these keep no upstream order (Go's sort is not
 * stable and the informer's order is a map's): ksim breaks the tie by
 * namespace/name so runs are deterministic. */
void ks_controller_sort_pods_to_delete(GPtrArray *pods, const GPtrArray *related, gint64 now_us);
