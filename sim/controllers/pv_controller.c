/* See pv_controller.h. One file: claim sync, volume sync, provisioning.
 *
 * Every write is an update of a fresh copy against the resource version
 * read at the start of the step (optimistic concurrency): a conflict
 * requeues the key, as upstream's controller retries. Provisioning state
 * (when it started, the PV name chosen) lives in the controller, keyed by
 * claim, until the PV exists.
 */
#include "sim/controllers/pv_controller.h"

#include <string.h>

#include "sched/node.h"
#include "sched/volume_lister.h"
#include "sim/admission_storage_class.h"
#include "workloads/duration.h"

#define NOT_SUPPORTED_PROVISIONER "kubernetes.io/no-provisioner"
#define LABEL_ZONE "topology.kubernetes.io/zone"
#define LABEL_REGION "topology.kubernetes.io/region"

typedef struct {
  gint64 started_us;
  char *pv_name;
} Provisioning;

typedef struct {
  KsController *c;
  GHashTable *provisioning; /* claim key (owned) -> Provisioning* */
} PvCtrl;

static void provisioning_free(gpointer p) {
  Provisioning *pr = p;
  g_free(pr->pv_name);
  g_free(pr);
}

/* ---- store access -------------------------------------------------------------------------- */

static KsStore *store_of(PvCtrl *pc) {
  return ks_controller_store(pc->c);
}

static gboolean update_pv(PvCtrl *pc, KsPersistentVolume *pv, guint64 rv) {
  GError *error = NULL;
  guint64 ok = ks_store_update(store_of(pc), KS_STORE_PERSISTENT_VOLUME, NULL, pv->name, pv,
                               (GDestroyNotify)ks_pv_free, rv, &error);
  g_clear_error(&error);
  return ok != 0;
}

static gboolean update_pvc(PvCtrl *pc, KsPersistentVolumeClaim *pvc, guint64 rv) {
  GError *error = NULL;
  guint64 ok = ks_store_update(store_of(pc), KS_STORE_PERSISTENT_VOLUME_CLAIM, pvc->namespace,
                               pvc->name, pvc, (GDestroyNotify)ks_pvc_free, rv, &error);
  g_clear_error(&error);
  return ok != 0;
}

static const KsStorageClass *get_class(PvCtrl *pc, const char *name) {
  const KsStoreObject *o =
      name && *name ? ks_store_get(store_of(pc), KS_STORE_STORAGE_CLASS, NULL, name) : NULL;
  return o ? o->data : NULL;
}

static char *claim_key(const char *ns, const char *name) {
  return g_strconcat(ns, "/", name, NULL);
}

/* ---- binding --------------------------------------------------------------------------------- */

/* upstream bind(): the PV half (claimRef, bound-by-controller, phase Bound)
 * then the claim half (volumeName, annotations, phase and status). */
static KsSyncResult bind(PvCtrl *pc, const KsStoreObject *pv_obj, const KsStoreObject *pvc_obj) {
  const KsPersistentVolume *pv = pv_obj->data;
  const KsPersistentVolumeClaim *claim = pvc_obj->data;
  if (!ks_sched_pv_bound_to_claim(pv, claim) || pv->phase != KS_PV_BOUND) {
    KsPersistentVolume *np = ks_pv_copy(pv);
    if (!ks_sched_pv_bound_to_claim(pv, claim)) {
      ks_object_reference_free(np->claim_ref);
      np->claim_ref = ks_object_reference_new("PersistentVolumeClaim", claim->namespace,
                                              claim->name, claim->uid);
      ks_labels_set(&np->annotations, KS_ANN_BOUND_BY_CONTROLLER, "yes");
    }
    np->phase = KS_PV_BOUND;
    if (!update_pv(pc, np, pv_obj->resource_version))
      return KS_SYNC_RETRY;
  }
  gboolean named = claim->volume_name && strcmp(claim->volume_name, pv->name) == 0;
  if (named && claim->phase == KS_PVC_BOUND &&
      ks_labels_get(&claim->annotations, KS_ANN_BIND_COMPLETED))
    return KS_SYNC_DONE;
  KsPersistentVolumeClaim *nc = ks_pvc_copy(claim);
  if (!named) {
    g_free(nc->volume_name);
    nc->volume_name = g_strdup(pv->name);
    ks_labels_set(&nc->annotations, KS_ANN_BOUND_BY_CONTROLLER, "yes");
  }
  ks_labels_set(&nc->annotations, KS_ANN_BIND_COMPLETED, "yes");
  nc->phase = KS_PVC_BOUND;
  nc->capacity = pv->capacity;
  nc->status_access_modes = pv->access_modes;
  return update_pvc(pc, nc, pvc_obj->resource_version) ? KS_SYNC_DONE : KS_SYNC_RETRY;
}

static guint popcount(guint x) {
  guint n = 0;
  for (; x; x &= x - 1)
    n++;
  return n;
}

static gint modes_cmp(gconstpointer a, gconstpointer b) {
  guint x = *(const guint *)a, y = *(const guint *)b;
  if (popcount(x) != popcount(y))
    return popcount(x) < popcount(y) ? -1 : 1;
  return x < y ? -1 : x > y;
}

/* upstream findBestMatchForClaim: by access-mode set (fewest modes first),
 * the smallest matching PV of the first set that has one. */
static const KsStoreObject *find_best_match(PvCtrl *pc, const KsPersistentVolumeClaim *claim,
                                            gboolean delay_binding) {
  GPtrArray *objs = ks_store_list(store_of(pc), KS_STORE_PERSISTENT_VOLUME, NULL);
  GArray *sets = g_array_new(FALSE, FALSE, sizeof(guint));
  for (guint i = 0; i < objs->len; i++) {
    guint m = ((const KsPersistentVolume *)((const KsStoreObject *)objs->pdata[i])->data)->access_modes;
    gboolean seen = FALSE;
    for (guint k = 0; k < sets->len && !seen; k++)
      seen = g_array_index(sets, guint, k) == m;
    if (!seen && (m & claim->access_modes) == claim->access_modes)
      g_array_append_val(sets, m);
  }
  g_array_sort(sets, modes_cmp);
  const KsPersistentVolume **pvs = g_new(const KsPersistentVolume *, objs->len + 1);
  const KsStoreObject *found = NULL;
  for (guint k = 0; k < sets->len && !found; k++) {
    guint n = 0;
    for (guint i = 0; i < objs->len; i++) {
      const KsPersistentVolume *pv = ((const KsStoreObject *)objs->pdata[i])->data;
      if (pv->access_modes == g_array_index(sets, guint, k))
        pvs[n++] = pv;
    }
    const KsPersistentVolume *m = ks_sched_find_matching_volume(claim, pvs, n, NULL, NULL, 0,
                                                                delay_binding);
    if (m)
      found = ks_store_get(store_of(pc), KS_STORE_PERSISTENT_VOLUME, NULL, m->name);
  }
  g_free(pvs);
  g_array_unref(sets);
  g_ptr_array_unref(objs);
  return found;
}

/* ---- provisioning ------------------------------------------------------------------------------ */

static char *new_uid(KsController *c) {
  KsRng *r = ks_controller_rng(c);
  guint64 a = ks_rng_next(r), b = ks_rng_next(r);
  return g_strdup_printf("%08x-%04x-4%03x-%04x-%012" G_GINT64_MODIFIER "x", (guint32)(a >> 32),
                         (guint32)(a >> 16) & 0xffff, (guint32)a & 0xfff,
                         (guint32)(0x8000 | ((b >> 48) & 0x3fff)),
                         (guint64)(b & G_GUINT64_CONSTANT(0xffffffffffff)));
}

static gint64 provisioning_delay(const KsStorageClass *sc) {
  const char *v = ks_labels_get(&sc->annotations, KS_ANNOTATION_PROVISIONING_DELAY);
  gint64 us = 0;
  if (v && !ks_duration_parse(v, &us, NULL))
    us = 0; /* a bad value counts as none (the class is not ksim's to reject) */
  return us < 0 ? 0 : us;
}

static void add_in(KsNodeSelectorTerm *t, const char *key, const char *value) {
  const char *values[] = {value, NULL};
  ks_node_selector_term_add_expression(t, key, KS_SELECTOR_OP_IN, values);
}

/* The provisioned PV's node affinity (see the header). */
static KsNodeSelector *provisioned_affinity(PvCtrl *pc, const KsPersistentVolumeClaim *claim,
                                            const KsStorageClass *sc) {
  const char *selected = ks_pvc_selected_node(claim);
  if (selected) {
    const KsStoreObject *o = ks_store_get(store_of(pc), KS_STORE_NODE, NULL, selected);
    const KsNode *node = o ? o->data : NULL;
    const char *zone = node ? ks_labels_get(&node->labels, LABEL_ZONE) : NULL;
    if (!zone)
      return NULL;
    KsNodeSelector *s = ks_node_selector_new();
    KsNodeSelectorTerm *t = ks_node_selector_add_term(s);
    const char *region = ks_labels_get(&node->labels, LABEL_REGION);
    if (region)
      add_in(t, LABEL_REGION, region);
    add_in(t, LABEL_ZONE, zone);
    return s;
  }
  if (!sc->allowed_topologies || sc->allowed_topologies->len == 0)
    return NULL;
  const KsNodeSelectorTerm *first = &g_array_index(sc->allowed_topologies, KsNodeSelectorTerm, 0);
  KsNodeSelector *s = ks_node_selector_new();
  KsNodeSelectorTerm *t = ks_node_selector_add_term(s);
  for (guint i = 0; first->match_expressions && i < first->match_expressions->len; i++) {
    const KsSelectorRequirement *r = &g_array_index(first->match_expressions, KsSelectorRequirement, i);
    if (r->values && r->values[0])
      add_in(t, r->key, r->values[0]);
  }
  return s;
}

/* provisionClaim: annotate the claim, wait the class's delay, create the PV. */
static KsSyncResult provision(PvCtrl *pc, const char *key, const KsStoreObject *pvc_obj,
                              const KsStorageClass *sc) {
  const KsPersistentVolumeClaim *claim = pvc_obj->data;
  gint64 now = ks_controller_now(pc->c);
  Provisioning *pr = g_hash_table_lookup(pc->provisioning, key);
  if (!pr) {
    pr = g_new0(Provisioning, 1);
    pr->started_us = now;
    char *uid = claim->uid && *claim->uid ? g_strdup(claim->uid) : new_uid(pc->c);
    pr->pv_name = g_strconcat("pvc-", uid, NULL);
    g_free(uid);
    g_hash_table_insert(pc->provisioning, g_strdup(key), pr);
  }
  if (g_strcmp0(ks_labels_get(&claim->annotations, KS_ANN_STORAGE_PROVISIONER), sc->provisioner)) {
    KsPersistentVolumeClaim *nc = ks_pvc_copy(claim);
    ks_labels_set(&nc->annotations, KS_ANN_STORAGE_PROVISIONER, sc->provisioner);
    ks_labels_set(&nc->annotations, KS_ANN_BETA_STORAGE_PROVISIONER, sc->provisioner);
    if (!update_pvc(pc, nc, pvc_obj->resource_version))
      return KS_SYNC_RETRY;
  }
  gint64 due = pr->started_us + provisioning_delay(sc);
  if (now < due) {
    ks_controller_enqueue_after(pc->c, key, due - now);
    return KS_SYNC_DONE;
  }
  if (!ks_store_get(store_of(pc), KS_STORE_PERSISTENT_VOLUME, NULL, pr->pv_name)) {
    KsPersistentVolume *pv = ks_pv_new(pr->pv_name);
    pv->creation_timestamp_us = now;
    pv->capacity = claim->request;
    pv->access_modes = claim->access_modes;
    pv->volume_mode = claim->volume_mode;
    pv->storage_class_name = g_strdup(sc->name);
    pv->reclaim_policy = sc->reclaim_policy;
    pv->claim_ref = ks_object_reference_new("PersistentVolumeClaim", claim->namespace, claim->name,
                                            claim->uid);
    pv->phase = KS_PV_BOUND;
    ks_labels_set(&pv->annotations, KS_ANN_BOUND_BY_CONTROLLER, "yes");
    ks_labels_set(&pv->annotations, KS_ANN_DYNAMICALLY_PROVISIONED, sc->provisioner);
    if (!g_str_has_prefix(sc->provisioner, "kubernetes.io/")) {
      pv->source = KS_VOLUME_CSI;
      pv->source_driver = g_strdup(sc->provisioner);
      pv->source_id = g_strdup(pr->pv_name);
    }
    pv->node_affinity = provisioned_affinity(pc, claim, sc);
    GError *error = NULL;
    gboolean ok = ks_store_create(store_of(pc), KS_STORE_PERSISTENT_VOLUME, NULL, pv->name, pv,
                                  (GDestroyNotify)ks_pv_free, &error) != 0;
    g_clear_error(&error);
    if (!ok)
      return KS_SYNC_RETRY;
  }
  g_hash_table_remove(pc->provisioning, key);
  /* the claim binds to its new PV at its next sync */
  ks_controller_enqueue_key(pc->c, key);
  return KS_SYNC_DONE;
}

/* ---- claims ------------------------------------------------------------------------------------ */

static gboolean delay_binding(PvCtrl *pc, const KsPersistentVolumeClaim *claim) {
  const KsStorageClass *sc = get_class(pc, ks_pvc_get_class(claim));
  return sc && sc->volume_binding_mode == KS_BINDING_WAIT_FOR_FIRST_CONSUMER;
}

static KsSyncResult set_claim_phase(PvCtrl *pc, const KsStoreObject *o,
                                    KsPersistentVolumeClaimPhase phase) {
  const KsPersistentVolumeClaim *claim = o->data;
  if (claim->phase == phase)
    return KS_SYNC_DONE;
  KsPersistentVolumeClaim *nc = ks_pvc_copy(claim);
  nc->phase = phase;
  return update_pvc(pc, nc, o->resource_version) ? KS_SYNC_DONE : KS_SYNC_RETRY;
}

static KsSyncResult sync_unbound_claim(PvCtrl *pc, const char *key, const KsStoreObject *o) {
  const KsPersistentVolumeClaim *claim = o->data;
  KsStore *s = store_of(pc);
  if (!claim->volume_name || !*claim->volume_name) {
    gboolean delay = delay_binding(pc, claim);
    const KsStoreObject *pv = find_best_match(pc, claim, delay);
    if (pv)
      return bind(pc, pv, o);
    /* RetroactiveDefaultStorageClass (GA in v1.28): a claim admitted while
     * no class was the default gets the one there is now, once no PV
     * without a class matched it; the update's watch event syncs it again. */
    KsPersistentVolumeClaim *nc = ks_pvc_copy(claim);
    if (ks_admit_pvc_default_storage_class(nc, s))
      return update_pvc(pc, nc, o->resource_version) ? KS_SYNC_DONE : KS_SYNC_RETRY;
    ks_pvc_free(nc);
    if (delay && !ks_pvc_selected_node(claim))
      return set_claim_phase(pc, o, KS_PVC_PENDING); /* WaitForFirstConsumer */
    const KsStorageClass *sc = get_class(pc, ks_pvc_get_class(claim));
    if (sc && sc->provisioner && *sc->provisioner &&
        strcmp(sc->provisioner, NOT_SUPPORTED_PROVISIONER) != 0)
      return provision(pc, key, o, sc);
    return set_claim_phase(pc, o, KS_PVC_PENDING);
  }
  /* pre-bound claim: the PV it names */
  const KsStoreObject *pv_obj = ks_store_get(s, KS_STORE_PERSISTENT_VOLUME, NULL, claim->volume_name);
  if (!pv_obj)
    return set_claim_phase(pc, o, KS_PVC_PENDING);
  const KsPersistentVolume *pv = pv_obj->data;
  if (!pv->claim_ref || ks_sched_pv_bound_to_claim(pv, claim))
    return bind(pc, pv_obj, o);
  return set_claim_phase(pc, o, KS_PVC_PENDING); /* the volume is bound to another claim */
}

static KsSyncResult sync_bound_claim(PvCtrl *pc, const KsStoreObject *o) {
  const KsPersistentVolumeClaim *claim = o->data;
  if (!claim->volume_name || !*claim->volume_name)
    return set_claim_phase(pc, o, KS_PVC_LOST);
  const KsStoreObject *pv_obj =
      ks_store_get(store_of(pc), KS_STORE_PERSISTENT_VOLUME, NULL, claim->volume_name);
  if (!pv_obj)
    return set_claim_phase(pc, o, KS_PVC_LOST);
  const KsPersistentVolume *pv = pv_obj->data;
  if (!pv->claim_ref || ks_sched_pv_bound_to_claim(pv, claim))
    return bind(pc, pv_obj, o);
  return set_claim_phase(pc, o, KS_PVC_LOST); /* misbound */
}

static KsSyncResult sync_claim(PvCtrl *pc, const char *key, const char *ns, const char *name) {
  const KsStoreObject *o = ks_store_get(store_of(pc), KS_STORE_PERSISTENT_VOLUME_CLAIM, ns, name);
  if (!o) {
    g_hash_table_remove(pc->provisioning, key);
    return KS_SYNC_DONE;
  }
  const KsPersistentVolumeClaim *claim = o->data;
  if (claim->deletion_timestamp_us != 0)
    return KS_SYNC_DONE;
  if (!ks_labels_get(&claim->annotations, KS_ANN_BIND_COMPLETED))
    return sync_unbound_claim(pc, key, o);
  return sync_bound_claim(pc, o);
}

/* ---- volumes ----------------------------------------------------------------------------------- */

static KsSyncResult set_volume_phase(PvCtrl *pc, const KsStoreObject *o,
                                     KsPersistentVolumePhase phase, gboolean clear_claim) {
  const KsPersistentVolume *pv = o->data;
  if (pv->phase == phase && !(clear_claim && pv->claim_ref))
    return KS_SYNC_DONE;
  KsPersistentVolume *np = ks_pv_copy(pv);
  np->phase = phase;
  if (clear_claim) {
    ks_object_reference_free(np->claim_ref);
    np->claim_ref = NULL;
    ks_labels_remove(&np->annotations, KS_ANN_BOUND_BY_CONTROLLER);
  }
  return update_pv(pc, np, o->resource_version) ? KS_SYNC_DONE : KS_SYNC_RETRY;
}

/* reclaimVolume for a PV whose claim is gone. */
static KsSyncResult reclaim(PvCtrl *pc, const KsStoreObject *o) {
  const KsPersistentVolume *pv = o->data;
  if (pv->phase != KS_PV_RELEASED && pv->phase != KS_PV_FAILED &&
      set_volume_phase(pc, o, KS_PV_RELEASED, FALSE) != KS_SYNC_DONE)
    return KS_SYNC_RETRY;
  switch (pv->reclaim_policy) {
  case KS_RECLAIM_DELETE: {
    GError *error = NULL;
    gboolean ok = ks_store_delete(store_of(pc), KS_STORE_PERSISTENT_VOLUME, NULL, pv->name, 0,
                                  &error);
    g_clear_error(&error);
    return ok ? KS_SYNC_DONE : KS_SYNC_RETRY;
  }
  case KS_RECLAIM_RECYCLE: {
    const KsStoreObject *now = ks_store_get(store_of(pc), KS_STORE_PERSISTENT_VOLUME, NULL, pv->name);
    return now ? set_volume_phase(pc, now, KS_PV_AVAILABLE, TRUE) : KS_SYNC_DONE;
  }
  case KS_RECLAIM_RETAIN:
  default:
    return KS_SYNC_DONE;
  }
}

static KsSyncResult sync_volume(PvCtrl *pc, const char *name) {
  KsStore *s = store_of(pc);
  const KsStoreObject *o = ks_store_get(s, KS_STORE_PERSISTENT_VOLUME, NULL, name);
  if (!o)
    return KS_SYNC_DONE;
  const KsPersistentVolume *pv = o->data;
  if (pv->deletion_timestamp_us != 0)
    return KS_SYNC_DONE;
  if (!pv->claim_ref)
    return set_volume_phase(pc, o, KS_PV_AVAILABLE, FALSE);
  if (!pv->claim_ref->uid || !*pv->claim_ref->uid) {
    /* pre-bound by a user to a claim that may not exist yet */
    const KsStoreObject *co = ks_store_get(s, KS_STORE_PERSISTENT_VOLUME_CLAIM,
                                           pv->claim_ref->namespace, pv->claim_ref->name);
    if (!co || !ks_labels_get(&((const KsPersistentVolumeClaim *)co->data)->annotations,
                              KS_ANN_BIND_COMPLETED) ||
        g_strcmp0(((const KsPersistentVolumeClaim *)co->data)->volume_name, pv->name) != 0) {
      if (co)
        ks_controller_enqueue(pc->c, co);
      if (!co && ks_labels_get(&pv->annotations, KS_ANN_BOUND_BY_CONTROLLER))
        return reclaim(pc, o); /* bound by us to a claim that is gone */
      return co && pv->phase == KS_PV_BOUND ? KS_SYNC_DONE
                                            : set_volume_phase(pc, o, KS_PV_AVAILABLE, FALSE);
    }
    return set_volume_phase(pc, o, KS_PV_BOUND, FALSE);
  }
  const KsStoreObject *co = ks_store_get(s, KS_STORE_PERSISTENT_VOLUME_CLAIM,
                                         pv->claim_ref->namespace, pv->claim_ref->name);
  const KsPersistentVolumeClaim *claim = co ? co->data : NULL;
  if (claim && g_strcmp0(claim->uid, pv->claim_ref->uid) != 0)
    claim = NULL; /* deleted and re-created: not ours */
  if (!claim)
    return reclaim(pc, o);
  if (!claim->volume_name || !*claim->volume_name) {
    ks_controller_enqueue(pc->c, co); /* the claim's sync completes the binding */
    return KS_SYNC_DONE;
  }
  if (strcmp(claim->volume_name, pv->name) == 0)
    return set_volume_phase(pc, o, KS_PV_BOUND, FALSE);
  /* the claim is bound to another volume */
  if (ks_labels_get(&pv->annotations, KS_ANN_BOUND_BY_CONTROLLER))
    return set_volume_phase(pc, o, KS_PV_AVAILABLE, TRUE);
  return KS_SYNC_DONE;
}

/* ---- the controller ------------------------------------------------------------------------------ */

static KsSyncResult pv_sync(KsController *c, gpointer self, const char *key) {
  PvCtrl *pc = self;
  if (!strchr(key, '/'))
    return sync_volume(pc, key);
  char *ns, *name;
  ks_controller_split_key(key, &ns, &name);
  KsSyncResult r = sync_claim(pc, key, ns, name);
  g_free(ns);
  g_free(name);
  return r;
}

static void on_add(KsController *c, gpointer self, const KsStoreObject *obj) {
  ks_controller_enqueue(c, obj);
}

static void on_update(KsController *c, gpointer self, const KsStoreObject *old_obj,
                      const KsStoreObject *new_obj) {
  ks_controller_enqueue(c, new_obj);
}

/* A deleted PV: its claim becomes Lost. */
static void on_pv_delete(KsController *c, gpointer self, const KsStoreObject *obj) {
  const KsPersistentVolume *pv = obj->data;
  if (pv->claim_ref && pv->claim_ref->name) {
    char *key = claim_key(pv->claim_ref->namespace ? pv->claim_ref->namespace : "",
                          pv->claim_ref->name);
    ks_controller_enqueue_key(c, key);
    g_free(key);
  }
}

/* A deleted claim: its volume is released. */
static void on_pvc_delete(KsController *c, gpointer self, const KsStoreObject *obj) {
  const KsPersistentVolumeClaim *claim = obj->data;
  if (claim->volume_name && *claim->volume_name)
    ks_controller_enqueue_key(c, claim->volume_name);
  char *key = claim_key(claim->namespace, claim->name);
  ks_controller_enqueue_key(c, key); /* forgets any provisioning */
  g_free(key);
}

static gpointer pv_init(KsController *c) {
  PvCtrl *pc = g_new0(PvCtrl, 1);
  pc->c = c;
  pc->provisioning = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, provisioning_free);
  KsInformerHandlers pv_h = {on_add, on_update, on_pv_delete};
  KsInformerHandlers pvc_h = {on_add, on_update, on_pvc_delete};
  ks_controller_watch(c, KS_STORE_PERSISTENT_VOLUME, &pv_h, KS_PV_CONTROLLER_RESYNC_US);
  ks_controller_watch(c, KS_STORE_PERSISTENT_VOLUME_CLAIM, &pvc_h, KS_PV_CONTROLLER_RESYNC_US);
  return pc;
}

static void pv_free(gpointer self) {
  PvCtrl *pc = self;
  g_hash_table_destroy(pc->provisioning);
  g_free(pc);
}

const KsControllerClass ks_pv_controller_class = {
    .name = "persistentvolume-binder",
    .default_workers = 1,
    .init = pv_init,
    .sync = pv_sync,
    .free = pv_free,
};
