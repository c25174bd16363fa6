/* VolumeBinding (PreFilter, Filter, PreScore, Score, Reserve, Unreserve,
 * PreBind; upstream plugins/volumebinding, v1.31).
 *
 * PreFilter (upstream podHasPVCs + GetPodVolumeClaims): a pod without PVC
 * volumes is skipped. For each claim: missing ->
 * `persistentvolumeclaim "x" not found`, phase Lost -> `persistentvolumeclaim
 * "x" bound to non-existent persistentvolume "y"`, being deleted ->
 * `persistentvolumeclaim "x" is being deleted` (all
 * UnschedulableAndUnresolvable). A claim is bound when spec.volumeName is
 * set and it carries pv.kubernetes.io/bind-completed (isPVCFullyBound);
 * an unbound claim is "delay binding" when its class exists with
 * WaitForFirstConsumer and it names no volume, else it is an unbound
 * Immediate claim: any such claim -> "pod has unbound immediate
 * PersistentVolumeClaims" (UnschedulableAndUnresolvable; the pod comes
 * back when the PV controller binds it: PVC/PV events). The delay-binding
 * claims are kept sorted by requested size (stable), as findMatchingVolumes
 * sorts them.
 *
 * Filter (FindPodVolumes) on a node: every bound claim's PV must exist
 * (else reason PVNotExist, and the rest of the bound claims are not
 * looked at) and its node affinity must match the node (else
 * NodeConflict). Delay-binding claims: one already carrying the
 * selected-node annotation for another node fails at once (BindConflict);
 * the others get, smallest claim first, the smallest matching Available
 * PV of their class (ks_sched_find_matching_volume; a PV chosen for one
 * claim is excluded for the next); claims without a match must be
 * provisionable: their class's provisioner is set and not
 * "kubernetes.io/no-provisioner", and its allowedTopologies match the
 * node's labels, else BindConflict. Reasons in upstream order
 * (NodeConflict, BindConflict, NotEnoughSpace, PVNotExist), all
 * UnschedulableAndUnresolvable. Storage capacity (CSIStorageCapacity) is
 * not modelled: NotEnoughSpace never occurs.
 *
 * Score (only with capacity_scoring, the alpha gate; off by default, then
 * PreScore returns Skip): per storage class of the node's static bindings,
 * utilization = Σrequested x 100 / Σcapacity (100 when over or capacity
 * 0) through the broken-linear shape (scores x 10), averaged over classes
 * with Go's math.Round.
 *
 * Reserve (AssumePodVolumes) recomputes the node's bindings (Filter keeps
 * nothing per node, so it stays read-only and parallel-safe) and puts
 * assumed copies in the lister: each chosen PV with claimRef set (and
 * pv.kubernetes.io/bound-by-controller "yes"), each claim to provision
 * with volume.kubernetes.io/selected-node. Unreserve restores them.
 * PreBind (BindPodVolumes) hands the assumed copies to the host's writer
 * (KsSchedVolumeWriter), which stores them; the PV controller then
 * completes the binding or provisions.
 *
 * Departures (docs/scheduler.md):
 *  - upstream PreBind then polls until every claim is bound (up to
 *    bindTimeoutSeconds); ksim's binding cycle is synchronous, so the pod
 *    is bound to the node at once and its claims finish binding (or are
 *    provisioned) afterwards, as the PV controller gets to them;
 *  - PreFilter returns no PreFilterResult (upstream narrows the nodes to
 *    the hostnames of bound local PVs): the same nodes pass, the others
 *    fail at Filter with NodeConflict instead of not being examined;
 *  - ephemeral volumes, CSI migration and CSIStorageCapacity are not
 *    modelled.
 *
 * Reasons with names (PreFilter rejections) are formatted into the cycle
 * state and stay valid until this plugin's next PreFilter.
 */
#include "sched/plugins/volume_binding.h"
#include "sched/cache.h"
#include "sched/volume_lister.h"

#include <math.h>
#include <string.h>

#define NOT_SUPPORTED_PROVISIONER "kubernetes.io/no-provisioner"
#define STATE_MISSING "reading \"PreFilterVolumeBinding\" from cycleState: not found"
#define MAX_SHAPE 10

typedef struct {
  gboolean scoring;
  KsSchedShapePoint shape[MAX_SHAPE];
  guint n_shape;
} VolumeBinding;

typedef struct {
  const KsPod *pod;        /* whose PreFilter wrote this; NULL after a rejection */
  gboolean skip;
  const KsSchedCache *cache;
  GPtrArray *bound;        /* const KsPersistentVolumeClaim*: fully bound claims */
  GPtrArray *to_bind;      /* delay-binding claims, by request ascending (stable) */
  GString *message;
  /* Reserve: what was assumed (owned strings) */
  gboolean reserved;
  gboolean all_bound;
  GPtrArray *assumed_pvs;  /* PV names */
  GPtrArray *assumed_pvcs; /* "namespace/name" */
} VbCycle;

/* ---- args --------------------------------------------------------------------------------- */

static gpointer vb_create(gconstpointer args, GError **error) {
  const KsSchedVolumeBindingArgs *a = args;
  VolumeBinding *vb = g_new0(VolumeBinding, 1);
  if (a && a->bind_timeout_seconds < 0) {
    g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                "bindTimeoutSeconds: Invalid value: %" G_GINT64_FORMAT
                ": invalid BindTimeoutSeconds, should not be a negative value",
                a->bind_timeout_seconds);
    g_free(vb);
    return NULL;
  }
  vb->scoring = a && a->capacity_scoring;
  if (!vb->scoring)
    return vb;
  if (a->n_shape == 0) {
    vb->shape[0] = (KsSchedShapePoint){0, 0};
    vb->shape[1] = (KsSchedShapePoint){100, 10};
    vb->n_shape = 2;
    return vb;
  }
  if (a->n_shape > MAX_SHAPE) {
    g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                "shape: Too many: %u: must have at most %d items", a->n_shape, MAX_SHAPE);
    g_free(vb);
    return NULL;
  }
  for (guint i = 0; i < a->n_shape; i++) {
    const KsSchedShapePoint *sp = &a->shape[i];
    const char *bad = NULL;
    if (sp->utilization < 0 || sp->utilization > 100)
      bad = "utilization";
    else if (sp->score < 0 || sp->score > 10)
      bad = "score";
    else if (i > 0 && sp->utilization <= a->shape[i - 1].utilization)
      bad = "utilization values must be sorted in increasing order";
    if (bad) {
      g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                  "shape[%u]: Invalid value: %s", i, bad);
      g_free(vb);
      return NULL;
    }
    vb->shape[i] = *sp;
  }
  vb->n_shape = a->n_shape;
  return vb;
}

/* ---- cycle state ---------------------------------------------------------------------------- */

static void vb_cycle_free(gpointer p) {
  VbCycle *vc = p;
  g_ptr_array_unref(vc->bound);
  g_ptr_array_unref(vc->to_bind);
  g_ptr_array_unref(vc->assumed_pvs);
  g_ptr_array_unref(vc->assumed_pvcs);
  g_string_free(vc->message, TRUE);
  g_free(vc);
}

static VbCycle *cycle_data(KsSchedPlugin *p, KsSchedCycleState *cs) {
  if (!cs->data[p->index]) {
    VbCycle *vc = g_new0(VbCycle, 1);
    vc->bound = g_ptr_array_new();
    vc->to_bind = g_ptr_array_new();
    vc->assumed_pvs = g_ptr_array_new_with_free_func(g_free);
    vc->assumed_pvcs = g_ptr_array_new_with_free_func(g_free);
    vc->message = g_string_new(NULL);
    cs->data[p->index] = vc;
  }
  return cs->data[p->index];
}

static VbCycle *state_of(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod) {
  VbCycle *vc = cs->data[p->index];
  return vc && vc->pod == pod ? vc : NULL;
}

/* ---- PreFilter ---------------------------------------------------------------------------- */

static gboolean fully_bound(const KsPersistentVolumeClaim *pvc) {
  return pvc->volume_name && *pvc->volume_name &&
         ks_labels_get(&pvc->annotations, KS_ANN_BIND_COMPLETED) != NULL;
}

/* upstream IsDelayBindingMode: a missing class or none counts as Immediate. */
static gboolean delay_binding(const KsSchedVolumeLister *l, const KsPersistentVolumeClaim *pvc) {
  const char *name = ks_pvc_get_class(pvc);
  const KsStorageClass *sc = *name ? ks_sched_volume_lister_storage_class(l, name) : NULL;
  return sc && sc->volume_binding_mode == KS_BINDING_WAIT_FOR_FIRST_CONSUMER;
}

/* Insertion into to_bind keeping it sorted by request, equal ones in pod order. */
static void add_to_bind(GPtrArray *a, const KsPersistentVolumeClaim *pvc) {
  guint i = a->len;
  g_ptr_array_add(a, (gpointer)pvc);
  while (i > 0 && ((const KsPersistentVolumeClaim *)a->pdata[i - 1])->request > pvc->request) {
    a->pdata[i] = a->pdata[i - 1];
    i--;
  }
  a->pdata[i] = (gpointer)pvc;
}

/* The claims of the pod into vc; NULL, or a rejection's reason. */
static const char *collect_claims(VbCycle *vc, const KsPod *pod, const KsSchedVolumeLister *l,
                                  gboolean *has_pvc) {
  gboolean immediate = FALSE;
  *has_pvc = FALSE;
  /* podHasPVCs first: every claim must exist, not be lost or being deleted */
  for (guint i = 0; pod->volumes && i < pod->volumes->len; i++) {
    const KsVolume *v = &g_array_index(pod->volumes, KsVolume, i);
    if (v->source != KS_VOLUME_PVC)
      continue;
    *has_pvc = TRUE;
    const KsPersistentVolumeClaim *pvc = ks_sched_volume_lister_pvc(l, pod->namespace, v->ref);
    if (!pvc) {
      g_string_printf(vc->message, "persistentvolumeclaim \"%s\" not found",
                      v->ref ? v->ref : "");
      return vc->message->str;
    }
    if (pvc->phase == KS_PVC_LOST) {
      g_string_printf(vc->message,
                      "persistentvolumeclaim \"%s\" bound to non-existent persistentvolume \"%s\"",
                      pvc->name, pvc->volume_name ? pvc->volume_name : "");
      return vc->message->str;
    }
    if (pvc->deletion_timestamp_us != 0) {
      g_string_printf(vc->message, "persistentvolumeclaim \"%s\" is being deleted", pvc->name);
      return vc->message->str;
    }
  }
  if (!*has_pvc)
    return NULL;
  for (guint i = 0; i < pod->volumes->len; i++) {
    const KsVolume *v = &g_array_index(pod->volumes, KsVolume, i);
    if (v->source != KS_VOLUME_PVC)
      continue;
    const KsPersistentVolumeClaim *pvc = ks_sched_volume_lister_pvc(l, pod->namespace, v->ref);
    if (fully_bound(pvc))
      g_ptr_array_add(vc->bound, (gpointer)pvc);
    else if (delay_binding(l, pvc) && !(pvc->volume_name && *pvc->volume_name))
      add_to_bind(vc->to_bind, pvc);
    else
      immediate = TRUE; /* a pre-bound claim is treated as unbound immediate */
  }
  return immediate ? KS_SCHED_VOLUME_BINDING_UNBOUND_IMMEDIATE : NULL;
}

static void vb_pre_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                          const KsSchedCache *c, GHashTable **node_names, KsSchedStatus *st) {
  VbCycle *vc = cycle_data(p, cs);
  vc->pod = NULL;
  vc->skip = FALSE;
  vc->reserved = FALSE;
  vc->cache = c;
  g_ptr_array_set_size(vc->bound, 0);
  g_ptr_array_set_size(vc->to_bind, 0);
  gboolean has_pvc;
  const char *err = collect_claims(vc, pod, c->volumes, &has_pvc);
  if (err) {
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE, err);
    return;
  }
  vc->pod = pod;
  if (!has_pvc) {
    vc->skip = TRUE;
    ks_sched_status_set(st, KS_SCHED_SKIP, NULL);
  }
}

/* ---- FindPodVolumes ------------------------------------------------------------------------ */

typedef struct {
  gboolean bound_ok, unbound_ok, pvs_found;
  const char *error; /* an Error status' message, or NULL */
} FindResult;

/* upstream checkVolumeProvisions for one claim: can its class provision on
 * a node with these labels? */
static gboolean provisionable(const KsSchedVolumeLister *l, const KsPersistentVolumeClaim *pvc,
                              const KsNode *node, const char **error) {
  const char *name = ks_pvc_get_class(pvc);
  if (!*name) {
    *error = "no class for claim";
    return FALSE;
  }
  const KsStorageClass *sc = ks_sched_volume_lister_storage_class(l, name);
  if (!sc) {
    *error = "failed to find storage class";
    return FALSE;
  }
  if (!sc->provisioner || !*sc->provisioner ||
      strcmp(sc->provisioner, NOT_SUPPORTED_PROVISIONER) == 0)
    return FALSE;
  if (sc->allowed_topologies && sc->allowed_topologies->len > 0) {
    gboolean any = FALSE;
    for (guint i = 0; i < sc->allowed_topologies->len && !any; i++)
      any = ks_node_selector_term_matches(
          &g_array_index(sc->allowed_topologies, KsNodeSelectorTerm, i), &node->labels, "");
    if (!any)
      return FALSE;
  }
  return TRUE;
}

/* The node's volumes for the pod: chosen[i] is the PV for to_bind[i] or
 * NULL when that claim is to be provisioned (meaningful only when the
 * result is fully satisfied). Read-only on everything. */
static FindResult find_pod_volumes(const VbCycle *vc, const KsSchedVolumeLister *l,
                                   const KsNode *node, const KsPersistentVolume **chosen) {
  FindResult r = {TRUE, TRUE, TRUE, NULL};
  for (guint i = 0; i < vc->bound->len; i++) {
    const KsPersistentVolumeClaim *pvc = vc->bound->pdata[i];
    const KsPersistentVolume *pv = ks_sched_volume_lister_pv(l, pvc->volume_name);
    if (!pv) {
      r.pvs_found = FALSE;
      break;
    }
    if (!ks_sched_pv_node_affinity_matches(pv, &node->labels)) {
      r.bound_ok = FALSE;
      break;
    }
  }
  if (vc->to_bind->len == 0)
    return r;
  for (guint i = 0; i < vc->to_bind->len; i++) {
    const char *sel = ks_pvc_selected_node(vc->to_bind->pdata[i]);
    if (sel && strcmp(sel, node->name) != 0) {
      r.unbound_ok = FALSE; /* fast path: selected for another node */
      return r;
    }
  }
  const GPtrArray *pvs = ks_sched_volume_lister_pvs(l);
  for (guint i = 0; i < vc->to_bind->len; i++) {
    const KsPersistentVolumeClaim *pvc = vc->to_bind->pdata[i];
    chosen[i] = NULL;
    if (ks_pvc_selected_node(pvc))
      continue; /* already handed to provisioning */
    /* chosen[0..i): the PVs the smaller claims took, excluded here */
    chosen[i] = ks_sched_find_matching_volume(pvc, (const KsPersistentVolume *const *)pvs->pdata,
                                              pvs->len, &node->labels, chosen, i, TRUE);
  }
  for (guint i = 0; i < vc->to_bind->len; i++) {
    if (chosen[i])
      continue;
    if (!provisionable(l, vc->to_bind->pdata[i], node, &r.error)) {
      if (!r.error)
        r.unbound_ok = FALSE;
      return r;
    }
  }
  return r;
}

static void set_reasons(KsSchedStatus *st, const FindResult *r) {
  if (r->bound_ok && r->unbound_ok && r->pvs_found)
    return;
  ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE, NULL);
  if (!r->bound_ok)
    ks_sched_status_add_reason(st, KS_SCHED_VOLUME_BINDING_NODE_CONFLICT);
  if (!r->unbound_ok)
    ks_sched_status_add_reason(st, KS_SCHED_VOLUME_BINDING_BIND_CONFLICT);
  if (!r->pvs_found)
    ks_sched_status_add_reason(st, KS_SCHED_VOLUME_BINDING_PV_NOT_EXIST);
}

static void vb_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                      const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  const VbCycle *vc = state_of(p, cs, pod);
  if (!vc) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE, STATE_MISSING);
    return;
  }
  if (vc->skip)
    return;
  const KsPersistentVolume **chosen = g_newa(const KsPersistentVolume *, vc->to_bind->len + 1);
  FindResult r = find_pod_volumes(vc, c->volumes, c->nodes[slot], chosen);
  if (r.error) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE, r.error);
    return;
  }
  set_reasons(st, &r);
}

/* ---- Score (capacity scoring gate) --------------------------------------------------------- */

static gint64 broken_linear(const VolumeBinding *vb, gint64 p) {
  const KsSchedShapePoint *s = vb->shape;
  if (p <= s[0].utilization)
    return s[0].score * 10;
  for (guint i = 1; i < vb->n_shape; i++)
    if (p <= s[i].utilization)
      return s[i - 1].score * 10 + (s[i].score - s[i - 1].score) * 10 *
                                         (p - s[i - 1].utilization) /
                                         (s[i].utilization - s[i - 1].utilization);
  return s[vb->n_shape - 1].score * 10;
}

static void vb_pre_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                         const KsSchedCache *c, const guint *slots, guint n, KsSchedStatus *st) {
  const VolumeBinding *vb = p->self;
  const VbCycle *vc = state_of(p, cs, pod);
  if (!vb->scoring || !vc || vc->skip || vc->to_bind->len == 0)
    ks_sched_status_set(st, KS_SCHED_SKIP, NULL);
}

static void vb_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                     const KsSchedCache *c, guint slot, gint64 *score, KsSchedStatus *st) {
  const VolumeBinding *vb = p->self;
  const VbCycle *vc = state_of(p, cs, pod);
  *score = 0;
  if (!vb->scoring || !vc || vc->skip)
    return;
  guint n = vc->to_bind->len;
  const KsPersistentVolume **chosen = g_newa(const KsPersistentVolume *, n + 1);
  FindResult r = find_pod_volumes(vc, c->volumes, c->nodes[slot], chosen);
  if (r.error || !r.bound_ok || !r.unbound_ok || !r.pvs_found)
    return;
  /* group the static bindings by class: requested and capacity sums */
  const char **cls = g_newa(const char *, n + 1);
  gint64 *req = g_newa(gint64, n + 1), *cap = g_newa(gint64, n + 1);
  guint n_cls = 0;
  for (guint i = 0; i < n; i++) {
    if (!chosen[i])
      continue;
    const KsPersistentVolumeClaim *pvc = vc->to_bind->pdata[i];
    const char *name = ks_pvc_get_class(pvc);
    guint k = 0;
    while (k < n_cls && strcmp(cls[k], name) != 0)
      k++;
    if (k == n_cls) {
      cls[n_cls] = name;
      req[n_cls] = cap[n_cls] = 0;
      n_cls++;
    }
    req[k] += pvc->request;
    cap[k] += chosen[i]->capacity;
  }
  if (n_cls == 0)
    return;
  gint64 sum = 0;
  for (guint k = 0; k < n_cls; k++) {
    gint64 util = cap[k] == 0 || req[k] > cap[k] ? 100 : req[k] * 100 / cap[k];
    sum += broken_linear(vb, util);
  }
  *score = (gint64)round((double)sum / (double)n_cls);
}

/* ---- Reserve / Unreserve / PreBind --------------------------------------------------------- */

static void revert(VbCycle *vc, KsSchedVolumeLister *l) {
  for (guint i = 0; i < vc->assumed_pvs->len; i++)
    ks_sched_volume_lister_restore_pv(l, vc->assumed_pvs->pdata[i]);
  for (guint i = 0; i < vc->assumed_pvcs->len; i++) {
    char *key = vc->assumed_pvcs->pdata[i];
    char *slash = strchr(key, '/');
    *slash = '\0';
    ks_sched_volume_lister_restore_pvc(l, key, slash + 1);
    *slash = '/';
  }
  g_ptr_array_set_size(vc->assumed_pvs, 0);
  g_ptr_array_set_size(vc->assumed_pvcs, 0);
}

static void vb_reserve(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                       const char *node, KsSchedStatus *st) {
  VbCycle *vc = state_of(p, cs, pod);
  if (!vc) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE, STATE_MISSING);
    return;
  }
  g_ptr_array_set_size(vc->assumed_pvs, 0);
  g_ptr_array_set_size(vc->assumed_pvcs, 0);
  vc->reserved = TRUE;
  vc->all_bound = TRUE;
  if (vc->skip || vc->to_bind->len == 0)
    return; /* every claim bound already (or none) */
  KsSchedVolumeLister *l = vc->cache->volumes;
  gint slot = ks_sched_cache_node_slot(vc->cache, node);
  if (slot < 0) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE, "node not found");
    return;
  }
  guint n = vc->to_bind->len;
  const KsPersistentVolume **chosen = g_newa(const KsPersistentVolume *, n + 1);
  FindResult r = find_pod_volumes(vc, l, vc->cache->nodes[slot], chosen);
  if (r.error) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE, r.error);
    return;
  }
  if (!r.bound_ok || !r.unbound_ok || !r.pvs_found) {
    set_reasons(st, &r);
    return;
  }
  vc->all_bound = FALSE;
  for (guint i = 0; i < n; i++) {
    const KsPersistentVolumeClaim *pvc = vc->to_bind->pdata[i];
    if (chosen[i]) {
      /* GetBindVolumeToClaim */
      KsPersistentVolume *pv = ks_pv_copy(chosen[i]);
      ks_object_reference_free(pv->claim_ref);
      pv->claim_ref = ks_object_reference_new("PersistentVolumeClaim", pvc->namespace, pvc->name,
                                              pvc->uid);
      ks_labels_set(&pv->annotations, KS_ANN_BOUND_BY_CONTROLLER, "yes");
      char *name = g_strdup(pv->name);
      if (ks_sched_volume_lister_assume_pv(l, pv))
        g_ptr_array_add(vc->assumed_pvs, name);
      else
        g_free(name);
    } else {
      KsPersistentVolumeClaim *claim = ks_pvc_copy(pvc);
      ks_labels_set(&claim->annotations, KS_ANN_SELECTED_NODE, node);
      char *key = g_strconcat(claim->namespace, "/", claim->name, NULL);
      if (ks_sched_volume_lister_assume_pvc(l, claim))
        g_ptr_array_add(vc->assumed_pvcs, key);
      else
        g_free(key);
    }
  }
}

static void vb_unreserve(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                         const char *node) {
  VbCycle *vc = state_of(p, cs, pod);
  if (!vc || !vc->reserved)
    return;
  revert(vc, vc->cache->volumes);
  vc->reserved = FALSE;
}

static void vb_pre_bind(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                        const char *node, KsSchedStatus *st) {
  VbCycle *vc = state_of(p, cs, pod);
  if (!vc) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE, STATE_MISSING);
    return;
  }
  if (vc->skip || vc->all_bound)
    return;
  KsSchedVolumeLister *l = vc->cache->volumes;
  const KsSchedVolumeWriter *w = ks_sched_volume_lister_writer(l);
  if (!w) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE, "binding volumes: no API writer");
    return;
  }
  GError *error = NULL;
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < vc->assumed_pvs->len; i++) {
    const KsPersistentVolume *pv = ks_sched_volume_lister_pv(l, vc->assumed_pvs->pdata[i]);
    ok = pv && w->update_pv(w->data, pv, &error);
  }
  for (guint i = 0; ok && i < vc->assumed_pvcs->len; i++) {
    char *key = vc->assumed_pvcs->pdata[i];
    char *slash = strchr(key, '/');
    *slash = '\0';
    const KsPersistentVolumeClaim *pvc = ks_sched_volume_lister_pvc(l, key, slash + 1);
    *slash = '/';
    ok = pvc && w->update_pvc(w->data, pvc, &error);
  }
  if (!ok) {
    /* the message must outlive this call: keep it in the cycle state */
    g_string_printf(vc->message, "binding volumes: %s",
                    error ? error->message : "assumed volume vanished");
    g_clear_error(&error);
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE, vc->message->str);
  }
}

/* v1.31, queueing hints off: StorageClass Add|Update, PVC Add|Update, PV
 * Add|Update, Node Add|UpdateNodeLabel|UpdateNodeTaint (CSINode, CSIDriver
 * and CSIStorageCapacity events are not modelled: no such kinds). */
static const KsSchedClusterEvent vb_events[] = {
    {KS_SCHED_EV_STORAGE_CLASS, KS_SCHED_ACT_ADD | KS_SCHED_ACT_UPDATE,
     "StorageClassAdd|StorageClassUpdate"},
    {KS_SCHED_EV_PVC, KS_SCHED_ACT_ADD | KS_SCHED_ACT_UPDATE, "PvcAdd|PvcUpdate"},
    {KS_SCHED_EV_PV, KS_SCHED_ACT_ADD | KS_SCHED_ACT_UPDATE, "PvAdd|PvUpdate"},
    {KS_SCHED_EV_NODE,
     KS_SCHED_ACT_ADD | KS_SCHED_ACT_UPDATE_NODE_LABEL | KS_SCHED_ACT_UPDATE_NODE_TAINT,
     "NodeAdd|NodeLabelChange|NodeTaintChange"},
};

const KsSchedPluginDesc ks_sched_plugin_volume_binding = {
    .name = "VolumeBinding",
    .create = vb_create,
    .destroy = g_free,
    .cycle_data_free = vb_cycle_free,
    .events = vb_events,
    .n_events = G_N_ELEMENTS(vb_events),
    .pre_filter = vb_pre_filter,
    .filter = vb_filter,
    .pre_score = vb_pre_score,
    .score = vb_score,
    .reserve = vb_reserve,
    .unreserve = vb_unreserve,
    .pre_bind = vb_pre_bind,
};
