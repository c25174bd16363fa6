/* VolumeZone (PreFilter, Filter; upstream plugins/volumezone, v1.31).
 *
 * The PVs bound to the pod's claims may carry zone/region labels
 * (failure-domain.beta.kubernetes.io/zone, .../region,
 * topology.kubernetes.io/zone, .../region, looked at in that order); a
 * node that has any of the four labels must carry, for every such PV
 * label, the same key (or, for a beta key, its GA form) with a value in
 * the PV label's "__"-separated zone set. Nodes without any topology label
 * always fit (single-zone clusters). PV node affinity is not looked at
 * here: VolumeBinding checks it.
 *
 * PreFilter walks the pod's PVC volumes: a claim with no name, a missing
 * claim, an unbound claim without a class, with a missing class or with
 * an Immediate class are UnschedulableAndUnresolvable; unbound claims of a
 * WaitForFirstConsumer class are skipped (their PV does not exist yet); a
 * bound claim whose PV is missing is UnschedulableAndUnresolvable. No
 * topology found -> Skip. Upstream's "VolumeBindingMode not set" cannot
 * happen here: ksim's StorageClass defaults the mode to Immediate as the
 * API server does, so that case gets "PersistentVolume had no name".
 *
 * "not found" messages use the real listers' wording
 * (`persistentvolumeclaim "x" not found`, `persistentvolume "x" not found`,
 * `storageclass.storage.k8s.io "x" not found`); upstream's volume_zone_test
 * uses fake listers whose class message says "storageclasses".
 *
 * The cycle state holds borrowed pointers into the lister's PVs (valid
 * for the cycle: the host changes nothing during one) and the one
 * formatted message a PreFilter rejection may need (the status points
 * into it until the next PreFilter). Filter only reads: parallel-safe.
 */
#include "sched/plugins/volume_zone.h"
#include "sched/cache.h"
#include "sched/volume_lister.h"

#include <string.h>

#define LABEL_BETA_ZONE "failure-domain.beta.kubernetes.io/zone"
#define LABEL_BETA_REGION "failure-domain.beta.kubernetes.io/region"
#define LABEL_ZONE "topology.kubernetes.io/zone"
#define LABEL_REGION "topology.kubernetes.io/region"

static const char *const topology_labels[] = {LABEL_BETA_ZONE, LABEL_BETA_REGION, LABEL_ZONE,
                                              LABEL_REGION};

typedef struct {
  const char *key;   /* one of topology_labels */
  const char *value; /* the PV's label value: "__"-separated zones (validated) */
} PvTopology;

typedef struct {
  const KsPod *pod;   /* whose PreFilter wrote this; NULL after Skip or rejection */
  GArray *topologies; /* of PvTopology */
  GString *message;   /* a PreFilter rejection's formatted reason */
} VzCycle;

static void vz_cycle_free(gpointer p) {
  VzCycle *vc = p;
  g_array_unref(vc->topologies);
  g_string_free(vc->message, TRUE);
  g_free(vc);
}

static VzCycle *cycle_data(KsSchedPlugin *p, KsSchedCycleState *cs) {
  if (!cs->data[p->index]) {
    VzCycle *vc = g_new0(VzCycle, 1);
    vc->topologies = g_array_new(FALSE, FALSE, sizeof(PvTopology));
    vc->message = g_string_new(NULL);
    cs->data[p->index] = vc;
  }
  return cs->data[p->index];
}

/* Calls fn on each trimmed zone of a "__"-separated list; FALSE as soon as
 * fn does (then the walk stops) or a zone is empty (upstream stringToSet's
 * error). */
typedef gboolean (*ZoneFn)(const char *zone, gsize len, gconstpointer data);

static gboolean each_zone(const char *value, ZoneFn fn, gconstpointer data) {
  const char *p = value;
  for (;;) {
    const char *end = strstr(p, "__");
    gsize len = end ? (gsize)(end - p) : strlen(p);
    const char *s = p;
    while (len > 0 && g_ascii_isspace(*s))
      s++, len--;
    while (len > 0 && g_ascii_isspace(s[len - 1]))
      len--;
    if (len == 0 || !fn(s, len, data))
      return FALSE;
    if (!end)
      return TRUE;
    p = end + 2;
  }
}

static gboolean zone_ok(const char *zone, gsize len, gconstpointer data) {
  return TRUE;
}

/* TRUE when the zone differs from `data` (a node's value): the walk goes on. */
static gboolean zone_differs(const char *zone, gsize len, gconstpointer data) {
  const char *want = data;
  return !(strlen(want) == len && memcmp(want, zone, len) == 0);
}

static gboolean zone_set_has(const char *value, const char *v) {
  /* each_zone stops (FALSE) at the matching zone; a value that walked to
   * the end without a match returns TRUE */
  return !each_zone(value, zone_differs, v);
}

static const char *translate_to_ga(const char *key) {
  if (strcmp(key, LABEL_BETA_REGION) == 0)
    return LABEL_REGION;
  if (strcmp(key, LABEL_BETA_ZONE) == 0)
    return LABEL_ZONE;
  return key;
}

/* upstream getPVTopologies: labels whose zone list does not parse are ignored. */
static void add_pv_topologies(GArray *out, const KsPersistentVolume *pv) {
  for (guint i = 0; i < G_N_ELEMENTS(topology_labels); i++) {
    const char *v = ks_labels_get(&pv->labels, topology_labels[i]);
    if (v && each_zone(v, zone_ok, NULL)) {
      PvTopology t = {topology_labels[i], v};
      g_array_append_val(out, t);
    }
  }
}

/* upstream getPVbyPod: the topologies of the pod's bound PVs into
 * vc->topologies; NULL, or the rejection's reason. */
static const char *collect(VzCycle *vc, const KsPod *pod, const KsSchedVolumeLister *l) {
  for (guint i = 0; pod->volumes && i < pod->volumes->len; i++) {
    const KsVolume *v = &g_array_index(pod->volumes, KsVolume, i);
    if (v->source != KS_VOLUME_PVC)
      continue;
    if (!v->ref || !*v->ref)
      return "PersistentVolumeClaim had no name";
    const KsPersistentVolumeClaim *pvc = ks_sched_volume_lister_pvc(l, pod->namespace, v->ref);
    if (!pvc) {
      g_string_printf(vc->message, "persistentvolumeclaim \"%s\" not found", v->ref);
      return vc->message->str;
    }
    if (!pvc->volume_name || !*pvc->volume_name) {
      const char *sc_name = ks_pvc_get_class(pvc);
      if (!*sc_name)
        return "PersistentVolumeClaim had no pv name and storageClass name";
      const KsStorageClass *sc = ks_sched_volume_lister_storage_class(l, sc_name);
      if (!sc) {
        g_string_printf(vc->message, "storageclass.storage.k8s.io \"%s\" not found", sc_name);
        return vc->message->str;
      }
      if (sc->volume_binding_mode == KS_BINDING_WAIT_FOR_FIRST_CONSUMER)
        continue; /* skip unbound volumes */
      return "PersistentVolume had no name";
    }
    const KsPersistentVolume *pv = ks_sched_volume_lister_pv(l, pvc->volume_name);
    if (!pv) {
      g_string_printf(vc->message, "persistentvolume \"%s\" not found", pvc->volume_name);
      return vc->message->str;
    }
    add_pv_topologies(vc->topologies, pv);
  }
  return NULL;
}

static void vz_pre_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                          const KsSchedCache *c, GHashTable **node_names, KsSchedStatus *st) {
  VzCycle *vc = cycle_data(p, cs);
  g_array_set_size(vc->topologies, 0);
  vc->pod = NULL;
  const char *err = collect(vc, pod, c->volumes);
  if (err)
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE, err);
  else if (vc->topologies->len == 0)
    ks_sched_status_set(st, KS_SCHED_SKIP, NULL);
  else
    vc->pod = pod;
}

static gboolean node_has_topology(const KsLabels *labels) {
  for (guint i = 0; i < G_N_ELEMENTS(topology_labels); i++)
    if (ks_labels_get(labels, topology_labels[i]))
      return TRUE;
  return FALSE;
}

gboolean ks_sched_volume_zone_node_fits(const KsLabels *node_labels, const char *key,
                                        const char *pv_value) {
  const char *v = ks_labels_get(node_labels, key);
  if (!v)
    v = ks_labels_get(node_labels, translate_to_ga(key));
  return v && zone_set_has(pv_value, v);
}

static void vz_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                      const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  if (!pod->volumes || pod->volumes->len == 0)
    return;
  const VzCycle *vc = cs->data[p->index];
  if (!vc || vc->pod != pod) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE,
                        "reading \"PreFilterVolumeZone\" from cycleState: not found");
    return;
  }
  const KsLabels *labels = &c->nodes[slot]->labels;
  if (!node_has_topology(labels))
    return;
  for (guint i = 0; i < vc->topologies->len; i++) {
    const PvTopology *t = &g_array_index(vc->topologies, PvTopology, i);
    if (!ks_sched_volume_zone_node_fits(labels, t->key, t->value)) {
      ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE,
                          KS_SCHED_VOLUME_ZONE_CONFLICT);
      return;
    }
  }
}

/* v1.31, queueing hints off: a new WaitForFirstConsumer class, a node that
 * is added or relabelled (taint changes too: the pre-check may hide a
 * Node/Add, upstream 109437), a claim added or bound, a PV added or
 * relabelled. */
static const KsSchedClusterEvent vz_events[] = {
    {KS_SCHED_EV_STORAGE_CLASS, KS_SCHED_ACT_ADD, "StorageClassAdd"},
    {KS_SCHED_EV_NODE,
     KS_SCHED_ACT_ADD | KS_SCHED_ACT_UPDATE_NODE_LABEL | KS_SCHED_ACT_UPDATE_NODE_TAINT,
     "NodeAdd|NodeLabelChange|NodeTaintChange"},
    {KS_SCHED_EV_PVC, KS_SCHED_ACT_ADD | KS_SCHED_ACT_UPDATE, "PvcAdd|PvcUpdate"},
    {KS_SCHED_EV_PV, KS_SCHED_ACT_ADD | KS_SCHED_ACT_UPDATE, "PvAdd|PvUpdate"},
};

const KsSchedPluginDesc ks_sched_plugin_volume_zone = {
    .name = "VolumeZone",
    .cycle_data_free = vz_cycle_free,
    .events = vz_events,
    .n_events = G_N_ELEMENTS(vz_events),
    .pre_filter = vz_pre_filter,
    .filter = vz_filter,
};
