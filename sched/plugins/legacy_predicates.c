/* The v1.7 fit predicates (Kubernetes v1.6/v1.7,
 * plugin/pkg/scheduler/algorithm/predicates/predicates.go) as Filter
 * plugins registered under their old names, for the legacy-v1.7 profile.
 *
 * Each predicate keeps v1.7's rule and failure reason, not v1.31's:
 *  - PodFitsResources: "Insufficient pods|cpu|memory|<scalar>", every failing
 *    resource listed (v1.7 collected all of them); requests are the pod's
 *    effective requests (max(sum of containers, each init container)).
 *  - PodFitsHostPorts: a host port number used by any pod on the node
 *    conflicts, whatever its protocol or host IP (v1.7's UsedPorts was a
 *    map[int]bool over app containers).
 *  - HostName: spec.nodeName, when set, must be the node's name.
 *  - PodToleratesNodeTaints: every NoSchedule/NoExecute taint tolerated.
 *  - MatchNodeSelector: nodeSelector plus required node affinity.
 *  - NoDiskConflict: same GCE PD (unless all read-only), same EBS volume
 *    ID, same ISCSI IQN, same RBD pool and image behind a common monitor
 *    (unless all read-only): v1.7's isVolumeConflict, which v1.31's
 *    VolumeRestrictions kept, so both use volume_restrictions.c's.
 *  - MaxEBSVolumeCount / MaxGCEPDVolumeCount: distinct volumes of the kind
 *    (inline, or PVs of the kind behind the pods' claims) of the node's pods
 *    plus the pod's new ones must not exceed the limit; a missing claim or
 *    PV counts as a volume of its own, as v1.7's random id did.
 *  - NoVolumeZoneConflict: only PVC-bound PVs' zone/region labels can
 *    conflict with the node's (read through the volume lister).
 *  - CheckNodeMemoryPressure: a BestEffort pod (no cpu/memory request or
 *    limit in its app containers, v1.7's qos.GetPodQOS) fails on a node whose
 *    MemoryPressure condition is True.
 *  - CheckNodeDiskPressure: every pod fails on a node with DiskPressure True.
 *
 * v1.7 had no Unschedulable/UnschedulableAndUnresolvable split (preemption
 * came in v1.8): every failure is Unschedulable. v1.7 retried unschedulable
 * pods on a timer, not on events, so each predicate registers every event:
 * any cluster change moves a pod it rejected.
 *
 * Per-cycle data: PodFitsResources keeps the pod's request and the volume
 * counters the pod's volume ids in their cycle slots (computed once at
 * PreFilter, reused across cycles); Filter only reads them, so it is safe
 * to run on several nodes at once.
 * Reasons are string literals, or g_intern_string() for scalar resources.
 */
#include "sched/plugins/legacy_predicates.h"
#include "sched/plugins/volume_restrictions.h"
#include "sched/cache.h"
#include "sched/pod.h"
#include "sched/volume_lister.h"

static const KsSchedClusterEvent legacy_events[] = {
    {KS_SCHED_EV_ANY_RESOURCE, KS_SCHED_ACT_ALL, "*"},
};

#define LEGACY_EVENTS .events = legacy_events, .n_events = G_N_ELEMENTS(legacy_events)

/* ---- PodFitsResources ------------------------------------------------------- */

typedef struct {
  KsResourceList req;
} FitsState;

static void fits_state_free(gpointer d) {
  FitsState *s = d;
  ks_resource_list_clear(&s->req);
  g_free(s);
}

static void fits_pre_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                            const KsSchedCache *c, GHashTable **names, KsSchedStatus *st) {
  FitsState *s = cs->data[p->index];
  if (!s) {
    s = g_new0(FitsState, 1);
    ks_resource_list_init(&s->req);
    cs->data[p->index] = s;
  }
  ks_resource_list_clear(&s->req);
  ks_pod_compute_requests(pod, &s->req);
}

static void fits_scalars(const KsResourceList *req, const KsSchedCache *c, guint slot,
                         KsSchedStatus *st) {
  if (!req->scalars)
    return;
  for (guint i = 0; i < req->scalars->len; i++) {
    const KsScalarResource *r = &g_array_index(req->scalars, KsScalarResource, i);
    const char *name = g_quark_to_string(r->name);
    gint64 alloc = ks_resource_list_get(&c->nodes[slot]->allocatable, name);
    gint64 used = ks_resource_list_get(&c->requested[slot], name);
    if (r->value > 0 && alloc < r->value + used) {
      char buf[256];
      g_snprintf(buf, sizeof buf, "Insufficient %s", name);
      ks_sched_status_add_reason(st, g_intern_string(buf));
    }
  }
}

static void fits_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                        const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  const FitsState *s = cs->data[p->index];
  g_return_if_fail(s != NULL);
  const KsResourceList *req = &s->req;
  if (c->pod_count[slot] + 1 > c->alloc_pods[slot])
    ks_sched_status_add_reason(st, "Insufficient pods");
  gboolean zero = req->milli_cpu == 0 && req->memory == 0 &&
                  (!req->scalars || req->scalars->len == 0);
  if (!zero) {
    if (c->alloc_cpu[slot] < req->milli_cpu + c->req_cpu[slot])
      ks_sched_status_add_reason(st, "Insufficient cpu");
    if (c->alloc_mem[slot] < req->memory + c->req_mem[slot])
      ks_sched_status_add_reason(st, "Insufficient memory");
    fits_scalars(req, c, slot, st);
  }
  if (st->n_reasons)
    st->code = KS_SCHED_UNSCHEDULABLE;
}

const KsSchedPluginDesc ks_sched_plugin_legacy_pod_fits_resources = {
    .name = "PodFitsResources",
    .cycle_data_free = fits_state_free,
    LEGACY_EVENTS,
    .pre_filter = fits_pre_filter,
    .filter = fits_filter,
};

/* ---- PodFitsHostPorts --------------------------------------------------------- */

static gboolean pod_uses_host_port(const KsPod *pod, gint32 port) {
  for (guint i = 0; pod->containers && i < pod->containers->len; i++) {
    const KsContainer *ct = &g_array_index(pod->containers, KsContainer, i);
    for (guint j = 0; ct->ports && j < ct->ports->len; j++)
      if (g_array_index(ct->ports, KsContainerPort, j).host_port == port)
        return TRUE;
  }
  return FALSE;
}

static gboolean node_uses_host_port(const KsSchedCache *c, guint slot, gint32 port) {
  const GPtrArray *pods = c->pods[slot];
  for (guint i = 0; pods && i < pods->len; i++)
    if (pod_uses_host_port(((const KsSchedPodEntry *)pods->pdata[i])->pod, port))
      return TRUE;
  return FALSE;
}

static void host_ports_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                              const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  for (guint i = 0; pod->containers && i < pod->containers->len; i++) {
    const KsContainer *ct = &g_array_index(pod->containers, KsContainer, i);
    for (guint j = 0; ct->ports && j < ct->ports->len; j++) {
      gint32 port = g_array_index(ct->ports, KsContainerPort, j).host_port;
      if (port != 0 && node_uses_host_port(c, slot, port)) {
        ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE, KS_LEGACY_REASON_HOST_PORTS);
        return;
      }
    }
  }
}

const KsSchedPluginDesc ks_sched_plugin_legacy_pod_fits_host_ports = {
    .name = "PodFitsHostPorts",
    LEGACY_EVENTS,
    .filter = host_ports_filter,
};

/* ---- HostName ------------------------------------------------------------------------ */

static void host_name_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                             const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  if (pod->node_name && *pod->node_name && strcmp(pod->node_name, c->nodes[slot]->name) != 0)
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE, KS_LEGACY_REASON_HOST_NAME);
}

const KsSchedPluginDesc ks_sched_plugin_legacy_host_name = {
    .name = "HostName",
    LEGACY_EVENTS,
    .filter = host_name_filter,
};

/* ---- PodToleratesNodeTaints -------------------------------------------------------------- */

/* Only NoSchedule and NoExecute taints must be tolerated (v1.7). */
static void tolerates_taints_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                    const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  const GArray *taints = c->nodes[slot]->taints;
  const KsToleration *tols = pod->tolerations ? (const KsToleration *)pod->tolerations->data : NULL;
  guint n_tols = pod->tolerations ? pod->tolerations->len : 0;
  for (guint i = 0; taints && i < taints->len; i++) {
    const KsTaint *t = &g_array_index(taints, KsTaint, i);
    if (t->effect != KS_TAINT_EFFECT_NO_SCHEDULE && t->effect != KS_TAINT_EFFECT_NO_EXECUTE)
      continue;
    if (!ks_tolerations_tolerate(tols, n_tols, t)) {
      ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE, KS_LEGACY_REASON_TAINTS);
      return;
    }
  }
}

const KsSchedPluginDesc ks_sched_plugin_legacy_pod_tolerates_node_taints = {
    .name = "PodToleratesNodeTaints",
    LEGACY_EVENTS,
    .filter = tolerates_taints_filter,
};

/* ---- MatchNodeSelector ---------------------------------------------------------- */

static gboolean pod_matches_node_labels(const KsPod *pod, const KsNode *node) {
  for (guint i = 0; i < pod->node_selector.n; i++) {
    const KsLabel *l = &pod->node_selector.items[i];
    const char *v = ks_labels_get(&node->labels, l->key);
    if (!v || strcmp(v, l->value) != 0)
      return FALSE;
  }
  const KsNodeSelector *req =
      pod->affinity && pod->affinity->node_affinity ? pod->affinity->node_affinity->required
                                                    : NULL;
  return !req || ks_node_selector_matches(req, &node->labels, node->name);
}

static void node_selector_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                 const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  if (!pod_matches_node_labels(pod, c->nodes[slot]))
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE, KS_LEGACY_REASON_NODE_SELECTOR);
}

const KsSchedPluginDesc ks_sched_plugin_legacy_match_node_selector = {
    .name = "MatchNodeSelector",
    LEGACY_EVENTS,
    .filter = node_selector_filter,
};

/* ---- NoDiskConflict ---------------------------------------------------------------- */


static void disk_conflict_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                 const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  const GPtrArray *pods = c->pods[slot];
  for (guint i = 0; pod->volumes && i < pod->volumes->len; i++) {
    const KsVolume *v = &g_array_index(pod->volumes, KsVolume, i);
    if (!ks_sched_volume_needs_restrictions_check(v))
      continue;
    for (guint j = 0; pods && j < pods->len; j++) {
      if (ks_sched_volume_conflicts_with_pod(v, ((const KsSchedPodEntry *)pods->pdata[j])->pod)) {
        ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE, KS_LEGACY_REASON_DISK_CONFLICT);
        return;
      }
    }
  }
}

const KsSchedPluginDesc ks_sched_plugin_legacy_no_disk_conflict = {
    .name = "NoDiskConflict",
    LEGACY_EVENTS,
    .filter = disk_conflict_filter,
};

/* ---- NoVolumeZoneConflict ------------------------------------------------------------- */

/* v1.7 VolumeZoneChecker: only PVC-bound PVs can conflict. A node with a
 * zone or region label must carry, for each zone/region label of each PV
 * bound to the pod's claims, the same value (exact string: v1.7 had no
 * "__" zone sets). v1.7 knew only the failure-domain.beta labels; ksim
 * reads the topology.kubernetes.io ones too (the GA label first, then the
 * beta one, on nodes and PVs alike), as SelectorSpread does here. A claim
 * without name, missing, unbound, or whose PV is missing is a predicate
 * error (v1.7's messages), reported only on nodes with zone labels, as v1.7
 * checked the node first. PreFilter (ksim's) resolves the pod's claims
 * once through the volume lister; Filter only reads. */

#define LEGACY_LABEL_ZONE "topology.kubernetes.io/zone"
#define LEGACY_LABEL_REGION "topology.kubernetes.io/region"
#define LEGACY_LABEL_BETA_ZONE "failure-domain.beta.kubernetes.io/zone"
#define LEGACY_LABEL_BETA_REGION "failure-domain.beta.kubernetes.io/region"

typedef struct {
  const char *zone, *region; /* one PV's values (borrowed), NULL = none */
} PvZone;

typedef struct {
  const KsPod *pod;
  GArray *pvs;      /* of PvZone */
  GString *error;   /* non-empty: the predicate error */
} ZoneState;

static void zone_state_free(gpointer p) {
  ZoneState *z = p;
  g_array_unref(z->pvs);
  g_string_free(z->error, TRUE);
  g_free(z);
}

static const char *zone_label(const KsLabels *l, const char *ga, const char *beta) {
  const char *v = ks_labels_get(l, ga);
  return v ? v : ks_labels_get(l, beta);
}

static void volume_zone_pre_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                   const KsSchedCache *c, GHashTable **names, KsSchedStatus *st) {
  ZoneState *z = cs->data[p->index];
  if (!z) {
    z = g_new0(ZoneState, 1);
    z->pvs = g_array_new(FALSE, FALSE, sizeof(PvZone));
    z->error = g_string_new(NULL);
    cs->data[p->index] = z;
  }
  z->pod = pod;
  g_array_set_size(z->pvs, 0);
  g_string_truncate(z->error, 0);
  for (guint i = 0; pod->volumes && i < pod->volumes->len && !z->error->len; i++) {
    const KsVolume *v = &g_array_index(pod->volumes, KsVolume, i);
    if (v->source != KS_VOLUME_PVC)
      continue;
    if (!v->ref || !*v->ref) {
      g_string_assign(z->error, "PersistentVolumeClaim had no name");
      break;
    }
    const KsPersistentVolumeClaim *pvc = ks_sched_volume_lister_pvc(c->volumes, pod->namespace, v->ref);
    if (!pvc) {
      g_string_printf(z->error, "PersistentVolumeClaim was not found: \"%s\"", v->ref);
      break;
    }
    if (!pvc->volume_name || !*pvc->volume_name) {
      g_string_printf(z->error, "PersistentVolumeClaim is not bound: \"%s\"", v->ref);
      break;
    }
    const KsPersistentVolume *pv = ks_sched_volume_lister_pv(c->volumes, pvc->volume_name);
    if (!pv) {
      g_string_printf(z->error, "PersistentVolume not found: \"%s\"", pvc->volume_name);
      break;
    }
    PvZone pz = {zone_label(&pv->labels, LEGACY_LABEL_ZONE, LEGACY_LABEL_BETA_ZONE),
                 zone_label(&pv->labels, LEGACY_LABEL_REGION, LEGACY_LABEL_BETA_REGION)};
    if (pz.zone || pz.region)
      g_array_append_val(z->pvs, pz);
  }
}

static void volume_zone_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                               const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  if (!pod->volumes || pod->volumes->len == 0)
    return;
  const KsLabels *labels = &c->nodes[slot]->labels;
  const char *zone = zone_label(labels, LEGACY_LABEL_ZONE, LEGACY_LABEL_BETA_ZONE);
  const char *region = zone_label(labels, LEGACY_LABEL_REGION, LEGACY_LABEL_BETA_REGION);
  if (!zone && !region)
    return; /* no zone constraints */
  const ZoneState *z = cs->data[p->index];
  if (!z || z->pod != pod) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE, "NoVolumeZoneConflict: no PreFilter state");
    return;
  }
  if (z->error->len) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE, z->error->str);
    return;
  }
  for (guint i = 0; i < z->pvs->len; i++) {
    const PvZone *pz = &g_array_index(z->pvs, PvZone, i);
    if ((pz->zone && g_strcmp0(pz->zone, zone) != 0) ||
        (pz->region && g_strcmp0(pz->region, region) != 0)) {
      ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE, KS_LEGACY_REASON_VOLUME_ZONE);
      return;
    }
  }
}

const KsSchedPluginDesc ks_sched_plugin_legacy_no_volume_zone_conflict = {
    .name = "NoVolumeZoneConflict",
    .cycle_data_free = zone_state_free,
    LEGACY_EVENTS,
    .pre_filter = volume_zone_pre_filter,
    .filter = volume_zone_filter,
};

/* ---- MaxEBSVolumeCount / MaxGCEPDVolumeCount ------------------------------------------------ */

typedef struct {
  KsVolumeSource source;
  gint32 max_volumes;
} MaxVolumes;

/* The pod's distinct volume ids of the counted kind, computed at PreFilter
 * (borrowed from its spec or from the lister's PVs; the array is reused
 * across cycles), plus the count of its claims v1.7 counted under a random
 * id (a missing claim or PV: never equal to anything), or the predicate
 * error v1.7 raised (a claim without name or not bound). Filter only reads
 * it, so Filter may run on several nodes at once. */
typedef struct {
  const KsPod *pod;
  GPtrArray *ids;
  guint missing;
  GString *error;
} PodVolumes;

static void pod_volumes_free(gpointer d) {
  PodVolumes *s = d;
  g_ptr_array_unref(s->ids);
  g_string_free(s->error, TRUE);
  g_free(s);
}

static gpointer max_volumes_create(KsVolumeSource source, gint32 def, gconstpointer args,
                                   GError **error) {
  const KsSchedLegacyMaxVolumeCountArgs *a = args;
  if (a && a->max_volumes < 0) {
    g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                "maxVolumes must be positive, got %d", a->max_volumes);
    return NULL;
  }
  MaxVolumes *m = g_new0(MaxVolumes, 1);
  m->source = source;
  m->max_volumes = a && a->max_volumes > 0 ? a->max_volumes : def;
  return m;
}

static gpointer max_ebs_create(gconstpointer args, GError **error) {
  return max_volumes_create(KS_VOLUME_AWS_EBS, KS_LEGACY_DEFAULT_MAX_EBS_VOLUMES, args, error);
}

static gpointer max_gce_create(gconstpointer args, GError **error) {
  return max_volumes_create(KS_VOLUME_GCE_PD, KS_LEGACY_DEFAULT_MAX_GCE_PD_VOLUMES, args, error);
}

static gboolean ids_contain(const GPtrArray *ids, const char *id) {
  for (guint i = 0; i < ids->len; i++)
    if (strcmp(ids->pdata[i], id) == 0)
      return TRUE;
  return FALSE;
}

typedef enum { VOL_NONE, VOL_ID, VOL_MISSING, VOL_NO_NAME, VOL_UNBOUND } VolKind;

/* v1.7 filterVolumes for one volume: an inline volume of the kind (its id),
 * or a claim bound to a PV of the kind (the PV's id); a missing claim or PV
 * counts under a random id (VOL_MISSING); a claim without name or not bound
 * is an error. */
static VolKind volume_id(const KsSchedVolumeLister *l, const KsPod *pod, const KsVolume *v,
                         KsVolumeSource source, const char **id) {
  if (v->source == source) {
    *id = v->ref;
    return v->ref ? VOL_ID : VOL_NONE;
  }
  if (v->source != KS_VOLUME_PVC)
    return VOL_NONE;
  if (!v->ref || !*v->ref)
    return VOL_NO_NAME;
  const KsPersistentVolumeClaim *pvc = ks_sched_volume_lister_pvc(l, pod->namespace, v->ref);
  if (!pvc)
    return VOL_MISSING;
  if (!pvc->volume_name || !*pvc->volume_name)
    return VOL_UNBOUND;
  const KsPersistentVolume *pv = ks_sched_volume_lister_pv(l, pvc->volume_name);
  if (!pv)
    return VOL_MISSING;
  *id = pv->source_id;
  return pv->source == source && pv->source_id ? VOL_ID : VOL_NONE;
}

static void max_volumes_pre_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                   const KsSchedCache *c, GHashTable **names, KsSchedStatus *st) {
  const MaxVolumes *m = p->self;
  PodVolumes *s = cs->data[p->index];
  if (!s) {
    s = g_new0(PodVolumes, 1);
    s->ids = g_ptr_array_new();
    s->error = g_string_new(NULL);
    cs->data[p->index] = s;
  }
  s->pod = pod;
  g_ptr_array_set_size(s->ids, 0);
  s->missing = 0;
  g_string_truncate(s->error, 0);
  for (guint i = 0; pod->volumes && i < pod->volumes->len; i++) {
    const KsVolume *v = &g_array_index(pod->volumes, KsVolume, i);
    const char *id = NULL;
    switch (volume_id(c->volumes, pod, v, m->source, &id)) {
    case VOL_ID:
      if (!ids_contain(s->ids, id))
        g_ptr_array_add(s->ids, (gpointer)id);
      break;
    case VOL_MISSING:
      s->missing++;
      break;
    case VOL_NO_NAME:
      g_string_assign(s->error, "PersistentVolumeClaim had no name");
      return;
    case VOL_UNBOUND:
      g_string_printf(s->error, "PersistentVolumeClaim is not bound: \"%s\"", v->ref);
      return;
    case VOL_NONE:
      break;
    }
  }
}

/* Does some pod of the node before (pod i, volume j) use volume id `id`? */
static gboolean seen_before(const KsSchedCache *c, const GPtrArray *pods, guint pi, guint vj,
                            KsVolumeSource source, const char *id) {
  for (guint i = 0; i <= pi; i++) {
    const KsPod *o = ((const KsSchedPodEntry *)pods->pdata[i])->pod;
    guint end = i == pi ? vj : (o->volumes ? o->volumes->len : 0);
    for (guint j = 0; j < end; j++) {
      const char *other = NULL;
      if (volume_id(c->volumes, o, &g_array_index(o->volumes, KsVolume, j), source, &other) ==
              VOL_ID &&
          strcmp(other, id) == 0)
        return TRUE;
    }
  }
  return FALSE;
}

/* Distinct volume ids of the kind on the node's pods (each missing claim or
 * PV counted apart); `fresh` counts the pod's ids the node does not have
 * yet. *unbound is set when a pod of the node has a claim without name or
 * not bound (v1.7's predicate error). Quadratic in the node's volumes,
 * which the limit keeps to a few dozen, and allocation-free. */
static guint node_volumes(const KsSchedCache *c, guint slot, KsVolumeSource source,
                          const PodVolumes *s, guint *fresh, gboolean *unbound) {
  const GPtrArray *pods = c->pods[slot];
  guint existing = 0;
  *fresh = s->ids->len + s->missing;
  *unbound = FALSE;
  for (guint i = 0; pods && i < pods->len; i++) {
    const KsPod *o = ((const KsSchedPodEntry *)pods->pdata[i])->pod;
    for (guint j = 0; o->volumes && j < o->volumes->len; j++) {
      const char *id = NULL;
      VolKind k = volume_id(c->volumes, o, &g_array_index(o->volumes, KsVolume, j), source, &id);
      if (k == VOL_MISSING) {
        existing++;
        continue;
      }
      if (k == VOL_NO_NAME || k == VOL_UNBOUND)
        *unbound = TRUE;
      if (k != VOL_ID || seen_before(c, pods, i, j, source, id))
        continue;
      existing++;
      if (ids_contain(s->ids, id))
        (*fresh)--; /* already attached: not counted twice */
    }
  }
  return existing;
}

static void max_volumes_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                               const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  const MaxVolumes *m = p->self;
  const PodVolumes *s = cs->data[p->index];
  g_return_if_fail(s != NULL && s->pod == pod);
  if (s->error->len) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE, s->error->str);
    return;
  }
  if (s->ids->len == 0 && s->missing == 0)
    return;
  guint fresh;
  gboolean unbound;
  guint existing = node_volumes(c, slot, m->source, s, &fresh, &unbound);
  if (unbound) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE,
                        "a pod on the node has a PersistentVolumeClaim that is not bound");
    return;
  }
  if ((gint64)existing + fresh > m->max_volumes)
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE, KS_LEGACY_REASON_MAX_VOLUME_COUNT);
}

const KsSchedPluginDesc ks_sched_plugin_legacy_max_ebs_volume_count = {
    .name = "MaxEBSVolumeCount",
    .create = max_ebs_create,
    .destroy = g_free,
    .cycle_data_free = pod_volumes_free,
    LEGACY_EVENTS,
    .pre_filter = max_volumes_pre_filter,
    .filter = max_volumes_filter,
};

const KsSchedPluginDesc ks_sched_plugin_legacy_max_gce_pd_volume_count = {
    .name = "MaxGCEPDVolumeCount",
    .create = max_gce_create,
    .destroy = g_free,
    .cycle_data_free = pod_volumes_free,
    LEGACY_EVENTS,
    .pre_filter = max_volumes_pre_filter,
    .filter = max_volumes_filter,
};

/* ---- CheckNodeMemoryPressure / CheckNodeDiskPressure ------------------------------------------ */

static gboolean has_cpu_or_memory(const KsResourceList *l) {
  return l->milli_cpu > 0 || l->memory > 0;
}

/* v1.7 qos.GetPodQOS == BestEffort: no app container has a positive cpu or
 * memory request or limit (init containers were not considered then). */
static gboolean pod_is_best_effort(const KsPod *pod) {
  for (guint i = 0; pod->containers && i < pod->containers->len; i++) {
    const KsContainer *ct = &g_array_index(pod->containers, KsContainer, i);
    if (has_cpu_or_memory(&ct->requests) || has_cpu_or_memory(&ct->limits))
      return FALSE;
  }
  return TRUE;
}

static gboolean condition_true(const KsNode *n, const char *type) {
  const char *s = ks_node_condition_status(n, type);
  return s && strcmp(s, "True") == 0;
}

static void memory_pressure_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                   const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  if (pod_is_best_effort(pod) && condition_true(c->nodes[slot], "MemoryPressure"))
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE, KS_LEGACY_REASON_MEMORY_PRESSURE);
}

static void disk_pressure_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                 const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  if (condition_true(c->nodes[slot], "DiskPressure"))
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE, KS_LEGACY_REASON_DISK_PRESSURE);
}

const KsSchedPluginDesc ks_sched_plugin_legacy_check_node_memory_pressure = {
    .name = "CheckNodeMemoryPressure",
    LEGACY_EVENTS,
    .filter = memory_pressure_filter,
};

const KsSchedPluginDesc ks_sched_plugin_legacy_check_node_disk_pressure = {
    .name = "CheckNodeDiskPressure",
    LEGACY_EVENTS,
    .filter = disk_pressure_filter,
};
