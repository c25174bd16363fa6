/* NodeVolumeLimits (PreFilter, Filter; upstream plugins/nodevolumelimits
 * csi.go, v1.31): a node may attach at most so many volumes of each CSI
 * driver.
 *
 * The limit: ksim has no CSINode kind, so the per-driver count upstream
 * reads from CSINode.spec.drivers[].allocatable.count is read from the
 * node's allocatable "attachable-volumes-csi-<driver>"
 * (ks_sched_csi_attach_limit_key; the key kubelet published before
 * CSINode, which upstream's getVolumeLimits still merged in). A node
 * without that key has no limit for the driver.
 *
 * A volume counts for driver D with a unique handle when it is a PVC
 * volume whose claim is bound to a CSI PV of driver D (handle: the PV's
 * volumeHandle), or whose claim is unbound (or bound to a missing PV) and
 * has a class whose provisioner is D (handle: the claim's namespace/name,
 * upstream's "<random prefix>-<namespace>/<name>"). A claim without a
 * class, with a missing class, an in-tree provisioner ("kubernetes.io/...")
 * or a non-CSI PV is not counted: CSI migration of in-tree volumes needs
 * the CSINode migrated-plugins annotation, which ksim does not model.
 *
 * Filter: the pod's new volumes (computed once at PreFilter) minus those
 * already attached on the node, per driver, plus the distinct volumes the
 * node's pods already use for that driver, must not exceed the limit:
 * else Unschedulable "node(s) exceed max volume count". A claim of the
 * new pod that does not exist makes every node UnschedulableAndUnresolvable
 * `looking up PVC <ns>/<name>: persistentvolumeclaim "<name>" not found`
 * (upstream returns it from Filter; the answer does not depend on the
 * node, so PreFilter computes it). Claims of pods already on the node
 * that are missing are not counted, as upstream.
 *
 * PreFilter returns Skip for a pod without PVC volumes and without an
 * in-tree volume CSI migration could translate (AWS EBS, GCE PD, Azure
 * disk), as upstream does. Filter reads only: parallel-safe; it
 * de-duplicates the node's volumes by a quadratic scan over a stack array
 * (no allocation for nodes with up to 64 countable pod volumes).
 */
#include "sched/plugins/node_volume_limits.h"
#include "sched/cache.h"
#include "sched/volume_lister.h"

#include <string.h>

#define STATE_MISSING "reading \"PreFilterNodeVolumeLimits\" from cycleState: not found"

/* A countable volume: its driver and unique handle (h2 NULL for a PV's
 * volumeHandle in h1; namespace + claim name for an unbound claim). */
typedef struct {
  const char *driver;
  const char *h1, *h2;
} VolId;

typedef struct {
  const KsPod *pod;      /* whose PreFilter wrote this */
  GArray *new_vols;      /* of VolId, distinct */
  GPtrArray *keys;       /* per new_vols entry: its limit key (owned) */
  const char *reject;    /* UnschedulableAndUnresolvable reason for every node, or NULL */
  GString *message;
} NvlCycle;

static void nvl_cycle_free(gpointer p) {
  NvlCycle *vc = p;
  g_array_unref(vc->new_vols);
  g_ptr_array_unref(vc->keys);
  g_string_free(vc->message, TRUE);
  g_free(vc);
}

static NvlCycle *cycle_data(KsSchedPlugin *p, KsSchedCycleState *cs) {
  if (!cs->data[p->index]) {
    NvlCycle *vc = g_new0(NvlCycle, 1);
    vc->new_vols = g_array_new(FALSE, FALSE, sizeof(VolId));
    vc->keys = g_ptr_array_new_with_free_func(g_free);
    vc->message = g_string_new(NULL);
    cs->data[p->index] = vc;
  }
  return cs->data[p->index];
}

static gboolean vol_id_equal(const VolId *a, const VolId *b) {
  return strcmp(a->driver, b->driver) == 0 && strcmp(a->h1, b->h1) == 0 &&
         g_strcmp0(a->h2, b->h2) == 0;
}

/* upstream getCSIDriverInfoFromSC */
static gboolean from_class(const KsSchedVolumeLister *l, const KsPersistentVolumeClaim *pvc,
                           VolId *out) {
  const char *name = ks_pvc_get_class(pvc);
  const KsStorageClass *sc = *name ? ks_sched_volume_lister_storage_class(l, name) : NULL;
  if (!sc || !sc->provisioner || !*sc->provisioner ||
      g_str_has_prefix(sc->provisioner, "kubernetes.io/"))
    return FALSE;
  *out = (VolId){sc->provisioner, pvc->namespace, pvc->name};
  return TRUE;
}

/* upstream getCSIDriverInfo: FALSE when the claim's volume is not counted. */
static gboolean claim_volume(const KsSchedVolumeLister *l, const KsPersistentVolumeClaim *pvc,
                             VolId *out) {
  if (!pvc->volume_name || !*pvc->volume_name)
    return from_class(l, pvc, out);
  const KsPersistentVolume *pv = ks_sched_volume_lister_pv(l, pvc->volume_name);
  if (!pv)
    return from_class(l, pvc, out);
  if (pv->source != KS_VOLUME_CSI || !pv->source_driver || !*pv->source_driver ||
      !pv->source_id || !*pv->source_id)
    return FALSE;
  *out = (VolId){pv->source_driver, pv->source_id, NULL};
  return TRUE;
}

static gboolean needs_check(const KsPod *pod) {
  for (guint i = 0; pod->volumes && i < pod->volumes->len; i++) {
    switch (g_array_index(pod->volumes, KsVolume, i).source) {
    case KS_VOLUME_PVC:
    case KS_VOLUME_AWS_EBS:
    case KS_VOLUME_GCE_PD:
    case KS_VOLUME_AZURE_DISK:
      return TRUE;
    default:
      break;
    }
  }
  return FALSE;
}

static void nvl_pre_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                           const KsSchedCache *c, GHashTable **node_names, KsSchedStatus *st) {
  NvlCycle *vc = cycle_data(p, cs);
  g_array_set_size(vc->new_vols, 0);
  g_ptr_array_set_size(vc->keys, 0);
  vc->reject = NULL;
  vc->pod = NULL;
  if (!needs_check(pod)) {
    ks_sched_status_set(st, KS_SCHED_SKIP, NULL);
    return;
  }
  vc->pod = pod;
  const KsSchedVolumeLister *l = c->volumes;
  for (guint i = 0; i < pod->volumes->len; i++) {
    const KsVolume *v = &g_array_index(pod->volumes, KsVolume, i);
    if (v->source != KS_VOLUME_PVC)
      continue;
    if (!v->ref || !*v->ref) {
      vc->reject = "PersistentVolumeClaim had no name";
      return;
    }
    const KsPersistentVolumeClaim *pvc = ks_sched_volume_lister_pvc(l, pod->namespace, v->ref);
    if (!pvc) {
      g_string_printf(vc->message,
                      "looking up PVC %s/%s: persistentvolumeclaim \"%s\" not found",
                      pod->namespace, v->ref, v->ref);
      vc->reject = vc->message->str;
      return;
    }
    VolId id;
    if (!claim_volume(l, pvc, &id))
      continue;
    gboolean dup = FALSE;
    for (guint k = 0; k < vc->new_vols->len && !dup; k++)
      dup = vol_id_equal(&g_array_index(vc->new_vols, VolId, k), &id);
    if (dup)
      continue;
    g_array_append_val(vc->new_vols, id);
    g_ptr_array_add(vc->keys, ks_sched_csi_attach_limit_key(id.driver));
  }
}

/* The countable volumes of the node's pods into ids[0..cap); returns how
 * many there are (possibly more than cap: then the caller retries with a
 * larger array). */
static guint node_volumes(const KsSchedCache *c, guint slot, VolId *ids, guint cap) {
  const GPtrArray *pods = c->pods[slot];
  guint n = 0;
  for (guint j = 0; pods && j < pods->len; j++) {
    const KsPod *other = ((const KsSchedPodEntry *)pods->pdata[j])->pod;
    for (guint i = 0; other->volumes && i < other->volumes->len; i++) {
      const KsVolume *v = &g_array_index(other->volumes, KsVolume, i);
      if (v->source != KS_VOLUME_PVC || !v->ref)
        continue;
      const KsPersistentVolumeClaim *pvc =
          ks_sched_volume_lister_pvc(c->volumes, other->namespace, v->ref);
      VolId id;
      if (!pvc || !claim_volume(c->volumes, pvc, &id))
        continue;
      if (n < cap)
        ids[n] = id;
      n++;
    }
  }
  return n;
}

static gboolean exceeds(const NvlCycle *vc, const KsNode *node, const VolId *ids, guint n) {
  guint nn = vc->new_vols->len;
  gboolean *attached = g_newa(gboolean, nn + 1);
  for (guint k = 0; k < nn; k++) {
    attached[k] = FALSE;
    for (guint i = 0; i < n && !attached[k]; i++)
      attached[k] = vol_id_equal(&g_array_index(vc->new_vols, VolId, k), &ids[i]);
  }
  for (guint k = 0; k < nn; k++) {
    if (attached[k])
      continue;
    const char *key = vc->keys->pdata[k];
    if (!ks_resource_list_has(&node->allocatable, key))
      continue;
    /* first unattached new volume of this key: count the key's new and attached volumes */
    gboolean seen = FALSE;
    for (guint m = 0; m < k && !seen; m++)
      seen = !attached[m] && strcmp(vc->keys->pdata[m], key) == 0;
    if (seen)
      continue;
    const char *driver = g_array_index(vc->new_vols, VolId, k).driver;
    gint64 count = 0;
    for (guint m = k; m < nn; m++)
      count += !attached[m] && strcmp(vc->keys->pdata[m], key) == 0;
    for (guint i = 0; i < n; i++) {
      if (strcmp(ids[i].driver, driver) != 0)
        continue;
      gboolean dup = FALSE;
      for (guint j = 0; j < i && !dup; j++)
        dup = vol_id_equal(&ids[j], &ids[i]);
      count += !dup;
    }
    if (count > ks_resource_list_get(&node->allocatable, key))
      return TRUE;
  }
  return FALSE;
}

static void nvl_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                       const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  if (!pod->volumes || pod->volumes->len == 0)
    return;
  const NvlCycle *vc = cs->data[p->index];
  if (!vc || vc->pod != pod) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE, STATE_MISSING);
    return;
  }
  if (vc->reject) {
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE, vc->reject);
    return;
  }
  if (vc->new_vols->len == 0)
    return;
  VolId *stack = g_newa(VolId, 64);
  guint n = node_volumes(c, slot, stack, 64);
  VolId *ids = stack, *heap = NULL;
  if (n > 64) {
    ids = heap = g_new(VolId, n);
    node_volumes(c, slot, ids, n);
  }
  if (exceeds(vc, c->nodes[slot], ids, n))
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE, KS_SCHED_NODE_VOLUME_LIMITS_EXCEEDED);
  g_free(heap);
}

/* v1.31, queueing hints off: CSINode Add (here: a node added or its
 * allocatable changed, where ksim keeps the limits), Pod Delete, PVC Add. */
static const KsSchedClusterEvent nvl_events[] = {
    {KS_SCHED_EV_NODE, KS_SCHED_ACT_ADD | KS_SCHED_ACT_UPDATE_NODE_ALLOCATABLE,
     "NodeAdd|NodeAllocatableChange (for CSINodeAdd)"},
    {KS_SCHED_EV_POD, KS_SCHED_ACT_DELETE, "AssignedPodDelete"},
    {KS_SCHED_EV_PVC, KS_SCHED_ACT_ADD, "PvcAdd"},
};

const KsSchedPluginDesc ks_sched_plugin_node_volume_limits = {
    .name = "NodeVolumeLimits",
    .cycle_data_free = nvl_cycle_free,
    .events = nvl_events,
    .n_events = G_N_ELEMENTS(nvl_events),
    .pre_filter = nvl_pre_filter,
    .filter = nvl_filter,
};
