/* VolumeRestrictions (PreFilter + AddPod/RemovePod, Filter; upstream
 * plugins/volumerestrictions, v1.31).
 *
 * Two checks upstream:
 *
 * 1. Inline-volume disk conflicts (isVolumeConflict), against every pod on
 *    the node, for the pod's GCE PD, AWS EBS, RBD and iSCSI volumes:
 *      GCE PD  same pdName, unless both mounts are read-only;
 *      AWS EBS same volumeID, read-only or not;
 *      iSCSI   same IQN, unless both read-only (target portal and LUN are
 *              not compared, as upstream);
 *      RBD     monitors overlap AND same pool AND same image, unless both
 *              read-only.
 *    Failure: Unschedulable "node(s) had no available disk".
 *    What ksim compares is KsVolume.ref, which the manifest decoder
 *    (workloads/manifest_pod.c) fills with pdName / volumeID / iqn exactly
 *    as upstream compares them, and for RBD with "<pool>/<image>" (pool
 *    defaulted to "rbd") plus KsVolume.monitors. A NULL ref (a source with
 *    its key field missing) compares as "", as Go's zero-valued string does.
 *
 * 2. ReadWriteOncePod PVCs: PreFilter looks up each PVC the pod names,
 *    keeps those with accessMode ReadWriteOncePod and counts the ones some
 *    scheduled pod already uses (an absent PVC is UnschedulableAndUnresolvable
 *    `persistentvolumeclaim "<name>" not found`); AddPod/RemovePod keep
 *    the count in step; Filter rejects with ErrReasonReadWriteOncePodConflict
 *    while it is > 0. GAP: ksim does not model PersistentVolumeClaims yet
 *    (they come with the controllers/volumes work), so every PVC volume is
 *    taken as an existing claim without ReadWriteOncePod: the set of
 *    ReadWriteOncePod claims is always empty, the count stays 0, and a pod
 *    whose only volumes are PVCs is skipped at PreFilter. The state and the
 *    extension hooks are kept in upstream's shape so the check slots in
 *    once claims exist.
 *
 * PreFilter returns Skip, as upstream, when the pod has no volume needing
 * the disk check and no ReadWriteOncePod conflict: nearly every pod.
 *
 * Filter walks the node's pods (c->pods[slot]) and their volumes: O(pod's
 * restricted volumes x pods on node x their volumes), no allocation,
 * read-only on the cache and on cycle state (safe for parallel Filter).
 * The cycle state is one small struct reused across cycles; its `pod`
 * field guards against state left by another pod's cycle.
 */
#include "sched/plugins/volume_restrictions.h"
#include "sched/cache.h"

#include <string.h>

#define PRE_FILTER_STATE_MISSING "cannot read \"PreFilterVolumeRestrictions\" from cycleState"

typedef struct {
  const KsPod *pod;              /* whose PreFilter wrote this state; NULL after Skip */
  gint64 conflicting_pvc_refs;   /* upstream conflictingPVCRefCount; 0 until PVCs exist */
} VrCycle;

static const char *ref_or_empty(const KsVolume *v) {
  return v->ref ? v->ref : "";
}

gboolean ks_sched_volume_needs_restrictions_check(const KsVolume *v) {
  switch (v->source) {
  case KS_VOLUME_GCE_PD:
  case KS_VOLUME_AWS_EBS:
  case KS_VOLUME_RBD:
  case KS_VOLUME_ISCSI:
    return TRUE;
  default:
    return FALSE;
  }
}

/* upstream haveOverlap: some Ceph monitor in common (none: no overlap). */
static gboolean monitors_overlap(char *const *a, char *const *b) {
  for (char *const *x = a; x && *x; x++)
    for (char *const *y = b; y && *y; y++)
      if (strcmp(*x, *y) == 0)
        return TRUE;
  return FALSE;
}

/* One pair of volumes: same source kind and same identity (see the top). */
static gboolean volumes_conflict(const KsVolume *v, const KsVolume *e) {
  if (v->source != e->source || strcmp(ref_or_empty(v), ref_or_empty(e)) != 0)
    return FALSE;
  switch (v->source) {
  case KS_VOLUME_AWS_EBS:
    return TRUE;
  case KS_VOLUME_RBD: /* ref is "<pool>/<image>" */
    return monitors_overlap(v->monitors, e->monitors) && !(v->read_only && e->read_only);
  case KS_VOLUME_GCE_PD:
  case KS_VOLUME_ISCSI:
    return !(v->read_only && e->read_only);
  default:
    return FALSE;
  }
}

gboolean ks_sched_volume_conflicts_with_pod(const KsVolume *v, const KsPod *other) {
  if (!ks_sched_volume_needs_restrictions_check(v))
    return FALSE;
  for (guint i = 0; other->volumes && i < other->volumes->len; i++)
    if (volumes_conflict(v, &g_array_index(other->volumes, KsVolume, i)))
      return TRUE;
  return FALSE;
}

gboolean ks_sched_volume_restrictions_fit(const KsPod *pod, const KsSchedCache *c, guint slot) {
  const GPtrArray *pods = c->pods[slot];
  for (guint i = 0; pod->volumes && i < pod->volumes->len; i++) {
    const KsVolume *v = &g_array_index(pod->volumes, KsVolume, i);
    if (!ks_sched_volume_needs_restrictions_check(v))
      continue;
    for (guint j = 0; pods && j < pods->len; j++)
      if (ks_sched_volume_conflicts_with_pod(v, ((const KsSchedPodEntry *)pods->pdata[j])->pod))
        return FALSE;
  }
  return TRUE;
}

/* upstream conflictingPVCRefCountForPod: volumes of `other` naming one of
 * the pod's ReadWriteOncePod claims. That set is empty until PVCs are
 * modelled (see the top), so no pod adds to the count. */
static gint64 conflicting_pvc_refs_of(const KsPod *pod, const KsPod *other) {
  return 0;
}

/* ---- extension points ------------------------------------------------------------ */

static VrCycle *cycle_data(KsSchedPlugin *p, KsSchedCycleState *cs) {
  if (!cs->data[p->index])
    cs->data[p->index] = g_new0(VrCycle, 1);
  return cs->data[p->index];
}

static void vr_pre_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                          const KsSchedCache *c, GHashTable **node_names, KsSchedStatus *st) {
  VrCycle *vc = cycle_data(p, cs);
  gboolean needs_check = FALSE;
  for (guint i = 0; pod->volumes && i < pod->volumes->len && !needs_check; i++)
    needs_check = ks_sched_volume_needs_restrictions_check(&g_array_index(pod->volumes, KsVolume, i));
  /* upstream readWriteOncePodPVCsForPod + calPreFilterState: no claims are
   * modelled, so no PVC is ReadWriteOncePod and none is found in use. */
  vc->conflicting_pvc_refs = 0;
  if (!needs_check && vc->conflicting_pvc_refs == 0) {
    vc->pod = NULL;
    ks_sched_status_set(st, KS_SCHED_SKIP, NULL);
    return;
  }
  vc->pod = pod;
}

static VrCycle *state_of(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod) {
  VrCycle *vc = cs->data[p->index];
  return vc && vc->pod == pod ? vc : NULL;
}

static void vr_update(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                      const KsPod *other, gint64 multiplier, KsSchedStatus *st) {
  VrCycle *vc = state_of(p, cs, pod);
  if (!vc) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE, PRE_FILTER_STATE_MISSING);
    return;
  }
  vc->conflicting_pvc_refs += multiplier * conflicting_pvc_refs_of(pod, other);
}

static void vr_add_pod(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                       const KsPod *other, const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  vr_update(p, cs, pod, other, 1, st);
}

static void vr_remove_pod(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                          const KsPod *other, const KsSchedCache *c, guint slot,
                          KsSchedStatus *st) {
  vr_update(p, cs, pod, other, -1, st);
}

/* Upstream order: the disk check first (it needs no state), then the
 * state read, then the ReadWriteOncePod count. */
static void vr_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                      const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  if (!ks_sched_volume_restrictions_fit(pod, c, slot)) {
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE, KS_SCHED_VOLUME_RESTRICTIONS_DISK_CONFLICT);
    return;
  }
  const VrCycle *vc = state_of(p, cs, pod);
  if (!vc) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE, PRE_FILTER_STATE_MISSING);
    return;
  }
  if (vc->conflicting_pvc_refs > 0)
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE, KS_SCHED_VOLUME_RESTRICTIONS_RWOP_CONFLICT);
}

/* v1.31 with queueing hints off: a deleted pod may release a disk (volumes
 * are immutable, so pod updates are ignored); Node Add, with UpdateNodeTaint
 * and UpdateNodeLabel because preCheck may hide a Node/Add (upstream
 * 109437); PVC Add (the claim whose access modes PreFilter reads). */
static const KsSchedClusterEvent vr_events[] = {
    {KS_SCHED_EV_POD, KS_SCHED_ACT_DELETE, "AssignedPodDelete"},
    {KS_SCHED_EV_NODE,
     KS_SCHED_ACT_ADD | KS_SCHED_ACT_UPDATE_NODE_TAINT | KS_SCHED_ACT_UPDATE_NODE_LABEL,
     "NodeAdd|NodeTaintChange|NodeLabelChange"},
    {KS_SCHED_EV_PVC, KS_SCHED_ACT_ADD, "PvcAdd"},
};

const KsSchedPluginDesc ks_sched_plugin_volume_restrictions = {
    .name = "VolumeRestrictions",
    .cycle_data_free = g_free,
    .events = vr_events,
    .n_events = G_N_ELEMENTS(vr_events),
    .pre_filter = vr_pre_filter,
    .filter = vr_filter,
    .add_pod = vr_add_pod,
    .remove_pod = vr_remove_pod,
};
