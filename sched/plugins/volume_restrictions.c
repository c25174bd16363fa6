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
 * 2. ReadWriteOncePod PVCs: PreFilter looks up each claim the pod names
 *    (in the cache's volume lister, sched/volume_lister.h; a missing one is
 *    UnschedulableAndUnresolvable `persistentvolumeclaim "<name>" not
 *    found`), keeps the names of those with accessMode ReadWriteOncePod and
 *    counts the ones some pod on a live node (assumed pods included)
 *    already uses: upstream's IsPVCUsedByPods over the snapshot, here a
 *    scan of the cache's pods done only for pods that have such a claim.
 *    AddPod/RemovePod add or subtract the other pod's volumes naming one of
 *    those claims (by claim name only, as upstream, whatever the other
 *    pod's namespace); Filter rejects with ErrReasonReadWriteOncePodConflict
 *    while the count is > 0.
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
#include "sched/volume_lister.h"

#include <string.h>

#define PRE_FILTER_STATE_MISSING "cannot read \"PreFilterVolumeRestrictions\" from cycleState"

typedef struct {
  const KsPod *pod;              /* whose PreFilter wrote this state; NULL after Skip */
  gint64 conflicting_pvc_refs;   /* upstream conflictingPVCRefCount */
  GPtrArray *rwop;               /* the pod's ReadWriteOncePod claim names (borrowed) */
  GString *message;              /* a PreFilter rejection's reason */
} VrCycle;

static void vr_cycle_free(gpointer p) {
  VrCycle *vc = p;
  g_ptr_array_unref(vc->rwop);
  g_string_free(vc->message, TRUE);
  g_free(vc);
}

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

static gboolean names_contain(const GPtrArray *a, const char *name) {
  for (guint i = 0; i < a->len; i++)
    if (strcmp(a->pdata[i], name) == 0)
      return TRUE;
  return FALSE;
}

/* upstream conflictingPVCRefCountForPod: volumes of `other` naming one of
 * the pod's ReadWriteOncePod claims (by name only, as upstream). */
static gint64 conflicting_pvc_refs_of(const VrCycle *vc, const KsPod *other) {
  gint64 n = 0;
  for (guint i = 0; vc->rwop->len && other->volumes && i < other->volumes->len; i++) {
    const KsVolume *v = &g_array_index(other->volumes, KsVolume, i);
    n += v->source == KS_VOLUME_PVC && v->ref && names_contain(vc->rwop, v->ref);
  }
  return n;
}

/* upstream IsPVCUsedByPods: does a pod on a live node use claim ns/name? */
static gboolean pvc_used_by_pods(const KsSchedCache *c, const char *ns, const char *name) {
  for (guint k = 0; k < c->n_order; k++) {
    const GPtrArray *pods = c->pods[c->order[k]];
    for (guint j = 0; pods && j < pods->len; j++) {
      const KsPod *other = ((const KsSchedPodEntry *)pods->pdata[j])->pod;
      if (strcmp(other->namespace, ns) != 0)
        continue;
      for (guint i = 0; other->volumes && i < other->volumes->len; i++) {
        const KsVolume *v = &g_array_index(other->volumes, KsVolume, i);
        if (v->source == KS_VOLUME_PVC && g_strcmp0(v->ref, name) == 0)
          return TRUE;
      }
    }
  }
  return FALSE;
}

/* ---- extension points ------------------------------------------------------------ */

static VrCycle *cycle_data(KsSchedPlugin *p, KsSchedCycleState *cs) {
  if (!cs->data[p->index]) {
    VrCycle *vc = g_new0(VrCycle, 1);
    vc->rwop = g_ptr_array_new();
    vc->message = g_string_new(NULL);
    cs->data[p->index] = vc;
  }
  return cs->data[p->index];
}

/* upstream readWriteOncePodPVCsForPod into vc->rwop; NULL, or the
 * rejection's reason. */
static const char *read_write_once_pod_pvcs(VrCycle *vc, const KsPod *pod,
                                            const KsSchedVolumeLister *l) {
  for (guint i = 0; pod->volumes && i < pod->volumes->len; i++) {
    const KsVolume *v = &g_array_index(pod->volumes, KsVolume, i);
    if (v->source != KS_VOLUME_PVC)
      continue;
    const KsPersistentVolumeClaim *pvc = ks_sched_volume_lister_pvc(l, pod->namespace, v->ref);
    if (!pvc) {
      g_string_printf(vc->message, "persistentvolumeclaim \"%s\" not found",
                      v->ref ? v->ref : "");
      return vc->message->str;
    }
    if ((pvc->access_modes & KS_ACCESS_RWOP) && !names_contain(vc->rwop, v->ref))
      g_ptr_array_add(vc->rwop, v->ref);
  }
  return NULL;
}

static void vr_pre_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                          const KsSchedCache *c, GHashTable **node_names, KsSchedStatus *st) {
  VrCycle *vc = cycle_data(p, cs);
  gboolean needs_check = FALSE;
  for (guint i = 0; pod->volumes && i < pod->volumes->len && !needs_check; i++)
    needs_check = ks_sched_volume_needs_restrictions_check(&g_array_index(pod->volumes, KsVolume, i));
  g_ptr_array_set_size(vc->rwop, 0);
  vc->conflicting_pvc_refs = 0;
  vc->pod = NULL;
  const char *err = read_write_once_pod_pvcs(vc, pod, c->volumes);
  if (err) {
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE, err);
    return;
  }
  /* calPreFilterState */
  for (guint i = 0; i < vc->rwop->len; i++)
    vc->conflicting_pvc_refs += pvc_used_by_pods(c, pod->namespace, vc->rwop->pdata[i]);
  if (!needs_check && vc->conflicting_pvc_refs == 0) {
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
  vc->conflicting_pvc_refs += multiplier * conflicting_pvc_refs_of(vc, other);
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
    .cycle_data_free = vr_cycle_free,
    .events = vr_events,
    .n_events = G_N_ELEMENTS(vr_events),
    .pre_filter = vr_pre_filter,
    .filter = vr_filter,
    .add_pod = vr_add_pod,
    .remove_pod = vr_remove_pod,
};
