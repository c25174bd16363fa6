/* How the scheduler sees PersistentVolumes, PersistentVolumeClaims,
 * StorageClasses and per-node volume limits: upstream's PV/PVC/StorageClass
 * listers plus VolumeBinding's assume cache, behind one small interface
 * that the host fills (sim/sched_driver.c from the store's watches, a test
 * by hand). `sched` knows nothing of the store: the host hands over copies
 * of the objects as its informers see them, and VolumeBinding's PreBind
 * hands its API writes back through a KsSchedVolumeWriter the host sets.
 *
 * One lister per scheduler cache (KsSchedCache.volumes), shared by every
 * profile, as upstream's informers are shared.
 *
 * Assume cache (upstream assume_cache.go): Reserve may replace the API
 * version of a PV (claimRef set: "this PV is taken by that claim") or of a
 * PVC (selected-node annotation set) by an assumed copy, so that the next
 * pods' Filter sees the PV as taken before the host has written anything.
 * Lookups return the assumed copy while there is one. An informer update
 * of the same object (ks_sched_volume_lister_set_pv/_pvc) replaces both
 * (upstream keeps the assumed copy until the informer's resourceVersion is
 * newer; in ksim every informer delivery comes after the write it
 * reflects, so any delivery is newer); Unreserve restores the API version.
 *
 * Volume limits: CSI attach limits are read from the node's allocatable
 * "attachable-volumes-csi-<driver>" (upstream GetCSIAttachLimitKey, the
 * form kubelet published before CSINode took over), not from a CSINode
 * object: ksim has no CSINode kind (docs/scheduler.md).
 *
 * Lookups are read-only and may run from several Filter threads at once;
 * every change happens between cycles or in Reserve/Unreserve/PreBind
 * (one thread).
 */
#pragma once
#include <glib.h>
#include "sched/volume_objects.h"

typedef struct KsSchedVolumeLister KsSchedVolumeLister;

/* The host's side of VolumeBinding's PreBind (upstream BindPodVolumes'
 * API updates). Each returns FALSE with *error set when the write failed. */
typedef struct {
  /* PV `pv` (an updated copy with spec.claimRef set to the claim and the
   * bound-by-controller annotation) replaces the stored PV. */
  gboolean (*update_pv)(gpointer data, const KsPersistentVolume *pv, GError **error);
  /* PVC `pvc` (an updated copy with the selected-node annotation) replaces
   * the stored PVC. */
  gboolean (*update_pvc)(gpointer data, const KsPersistentVolumeClaim *pvc, GError **error);
  gpointer data;
} KsSchedVolumeWriter;

KsSchedVolumeLister *ks_sched_volume_lister_new(void); /* transfer full */
void ks_sched_volume_lister_free(KsSchedVolumeLister *l);

/* The writer PreBind uses (copied; NULL = none: PreBind then fails with an
 * Error status, as a scheduler without an API client would). */
void ks_sched_volume_lister_set_writer(KsSchedVolumeLister *l, const KsSchedVolumeWriter *w);
const KsSchedVolumeWriter *ks_sched_volume_lister_writer(const KsSchedVolumeLister *l);

/* ---- informer side (the host) ------------------------------------------------------------
 * set_* take the object (transfer full) and replace one of the same name
 * (and any assumed copy of it); remove_* forget it (FALSE when unknown). */
void ks_sched_volume_lister_set_pv(KsSchedVolumeLister *l, KsPersistentVolume *pv);
gboolean ks_sched_volume_lister_remove_pv(KsSchedVolumeLister *l, const char *name);
void ks_sched_volume_lister_set_pvc(KsSchedVolumeLister *l, KsPersistentVolumeClaim *pvc);
gboolean ks_sched_volume_lister_remove_pvc(KsSchedVolumeLister *l, const char *ns,
                                           const char *name);
void ks_sched_volume_lister_set_storage_class(KsSchedVolumeLister *l, KsStorageClass *sc);
gboolean ks_sched_volume_lister_remove_storage_class(KsSchedVolumeLister *l, const char *name);

/* ---- lookups (borrowed; valid until that object changes) -------------------------------- */

/* The PV (its assumed copy if any), or NULL. */
const KsPersistentVolume *ks_sched_volume_lister_pv(const KsSchedVolumeLister *l,
                                                    const char *name);
const KsPersistentVolumeClaim *ks_sched_volume_lister_pvc(const KsSchedVolumeLister *l,
                                                          const char *ns, const char *name);
const KsStorageClass *ks_sched_volume_lister_storage_class(const KsSchedVolumeLister *l,
                                                           const char *name);
/* Every PV (assumed copies where there are), sorted by name: the order in
 * which findMatchingVolume meets them, so ties go to the first name.
 * The array is the lister's (valid until a PV is set or removed). */
const GPtrArray *ks_sched_volume_lister_pvs(const KsSchedVolumeLister *l);
/* Number of PVCs known (0 = nothing for the volume plugins to look at). */
guint ks_sched_volume_lister_n_pvcs(const KsSchedVolumeLister *l);

/* ---- assume cache (VolumeBinding's Reserve / Unreserve) --------------------------------- */

/* Replaces the visible PV / PVC by `assumed` (transfer full; same name)
 * until the host sets or removes it or restore_* is called. FALSE (and
 * `assumed` freed) when the object is unknown. */
gboolean ks_sched_volume_lister_assume_pv(KsSchedVolumeLister *l, KsPersistentVolume *assumed);
gboolean ks_sched_volume_lister_assume_pvc(KsSchedVolumeLister *l,
                                           KsPersistentVolumeClaim *assumed);
/* Back to the API version (no-op when nothing is assumed). */
void ks_sched_volume_lister_restore_pv(KsSchedVolumeLister *l, const char *name);
void ks_sched_volume_lister_restore_pvc(KsSchedVolumeLister *l, const char *ns,
                                        const char *name);

/* ---- helpers the volume plugins and the PV controller share ---------------------------- */

/* upstream volume.CheckNodeAffinity: the PV has no required node affinity,
 * or one of its terms matches the node's labels (the node name is not
 * offered to matchFields, as upstream passes a Node with labels only). */
gboolean ks_sched_pv_node_affinity_matches(const KsPersistentVolume *pv,
                                           const KsLabels *node_labels);
/* upstream IsVolumeBoundToClaim: claimRef names the claim (namespace and
 * name; uid too when both have one). */
gboolean ks_sched_pv_bound_to_claim(const KsPersistentVolume *pv,
                                    const KsPersistentVolumeClaim *claim);
/* upstream FindMatchingVolume (component-helpers storage/volume): among
 * pvs[0..n) the PV pre-bound to the claim (when its node affinity fits
 * `node_labels`; if it does not: NULL at once), else the smallest
 * Available, unclaimed PV of the claim's class whose capacity covers the
 * request, whose volumeMode matches, that is not being deleted, whose
 * labels the claim's selector matches, whose node affinity fits the node
 * and (when a node is given) whose access modes include the claim's; the
 * first of equal size wins. node_labels NULL = no node (the PV
 * controller): with delay_binding, only a pre-bound PV can match.
 * With a node (the scheduler), PVs of another class are passed over first,
 * as the scheduler lists only the claim's class. excluded[0..n_excluded)
 * (NULL entries ignored) are PVs already chosen for other claims of the
 * same pod, compared by pointer. */
const KsPersistentVolume *ks_sched_find_matching_volume(const KsPersistentVolumeClaim *claim,
                                                        const KsPersistentVolume *const *pvs,
                                                        guint n, const KsLabels *node_labels,
                                                        const KsPersistentVolume *const *excluded,
                                                        guint n_excluded, gboolean delay_binding);
/* upstream GetCSIAttachLimitKey: "attachable-volumes-csi-<driver>", or for
 * a driver name that would make the key 63 characters or longer, the
 * prefix, the driver's first 23 characters and the first 16 hex digits of
 * the SHA-1 of the driver name. transfer full */
char *ks_sched_csi_attach_limit_key(const char *driver);

/* The claim named by volume `v` (a PVC volume) of `pod`, or NULL. */
const KsPersistentVolumeClaim *ks_sched_volume_lister_pod_claim(const KsSchedVolumeLister *l,
                                                                const KsPod *pod,
                                                                const KsVolume *v);
/* TRUE when the pod has a PVC volume. */
gboolean ks_sched_pod_has_pvc(const KsPod *pod);
