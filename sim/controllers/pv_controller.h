/* The PersistentVolume controller (upstream v1.31
 * pkg/controller/volume/persistentvolume, the "PV binder"), with the
 * provisioner a real cluster runs beside it (an external CSI provisioner)
 * folded in. It syncs claims (keys "namespace/name") and volumes (keys
 * "name": a PV name never holds '/'), on their watch events and on a 15 s
 * resync (upstream --pvclaimbinder-sync-period).
 *
 * Claims (syncClaim):
 *  - unbound (no pv.kubernetes.io/bind-completed): without
 *    spec.volumeName, findBestMatchForClaim: over the
 *    access-mode sets of the PVs that contain the claim's modes, fewest
 *    modes first, the smallest matching Available PV
 *    (ks_sched_find_matching_volume without a node); for a claim of a
 *    WaitForFirstConsumer class only a PV already pre-bound to it (by the
 *    scheduler's PreBind) matches. Found: bind (PV claimRef + phase Bound,
 *    then the claim's volumeName, bind-completed and bound-by-controller
 *    annotations, phase Bound, status capacity and access modes). Not
 *    found: a claim without a class (storageClassName unset, no beta
 *    annotation) gets the default StorageClass if there is one now
 *    (RetroactiveDefaultStorageClass, GA in v1.28: for claims created while
 *    there was none; DefaultStorageClass admission, sim/admission_storage_class.h,
 *    sets it on create otherwise; the same newest-default rule) and is synced
 *    again; else a WaitForFirstConsumer claim waits for the scheduler's
 *    volume.kubernetes.io/selected-node; a claim whose class has a
 *    provisioner (not kubernetes.io/no-provisioner) is provisioned; any
 *    other stays Pending. A claim naming a volume binds to it when the PV
 *    is free or already points back at it, else stays Pending.
 *  - bound: its PV gone or bound elsewhere -> phase Lost; else the binding
 *    is completed if a half is missing.
 * Provisioning: the claim is annotated with the provisioner
 * (volume.kubernetes.io/storage-provisioner and the beta key), and after
 * the class's delay (annotation ksim.io/provisioning-delay on the
 * StorageClass, a Go duration, default 0s) a PV "pvc-<claim uid>" is
 * created: the claim's size, access modes and volume mode, the class's
 * name and reclaim policy, claimRef to the claim, phase Bound,
 * pv.kubernetes.io/provisioned-by and bound-by-controller; a CSI source
 * (driver = provisioner, handle = the PV name) unless the provisioner is
 * in-tree ("kubernetes.io/..."). Its node affinity: for a claim with a
 * selected node, that node's topology.kubernetes.io/zone (and region)
 * labels; else the class's first allowedTopologies term, each expression
 * narrowed to its first value (upstream's provisioner picks one of the
 * allowed segments; ksim picks the first, deterministically); else none.
 * Volumes (syncVolume): no claimRef -> Available; a claimRef without uid
 * (pre-bound by a user) -> Available; its claim gone -> Released and the
 * reclaim policy runs: Delete deletes the PV, Recycle clears the claimRef
 * (Available again), Retain keeps it Released; the claim not yet pointing
 * back -> the claim is synced; the claim bound elsewhere -> a PV bound by
 * the controller is freed, a user's pre-binding is kept.
 *
 * Where ksim departs: no events, no finalizers (pvc/pv protection), no
 * storage capacity, no volume attributes classes; deletion of a volume's
 * storage asset takes no time.
 */
#pragma once
#include "sim/controllers/runtime.h"

/* StorageClass annotation: how long provisioning a volume of the class
 * takes (Go duration). */
#define KS_ANNOTATION_PROVISIONING_DELAY "ksim.io/provisioning-delay"
/* upstream's pvclaimbinder-sync-period */
#define KS_PV_CONTROLLER_RESYNC_US G_GINT64_CONSTANT(15000000)

/* The controller's class for the manager's table ("persistentvolume-binder",
 * one worker each for claims and volumes upstream: 1 here). */
extern const KsControllerClass ks_pv_controller_class;
