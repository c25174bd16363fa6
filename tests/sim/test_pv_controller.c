/* The PV controller (sim/controllers/pv_controller.c) alone on a store:
 * Immediate binding to the smallest fitting Available PV, upstream's
 * access-mode order (fewest modes first, before size), pre-bound claims
 * and volumes, dynamic provisioning after the class's delay with node
 * affinity from allowedTopologies, WaitForFirstConsumer waiting for the
 * selected node and provisioning in its zone, the default class assigned
 * retroactively to a claim without one that no PV matched, reclaim
 * Delete / Retain / Recycle, a claim losing its volume. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sched/node.h"
#include "sched/volume_lister.h"
#include "sim/controllers/pv_controller.h"
#include "sim/engine.h"
#include "sim/store.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)
#define GI (G_GINT64_CONSTANT(1) << 30)

typedef struct {
  KsEngine *engine;
  KsStore *store;
  KsController *ctl;
} World;

static void world_init(World *w) {
  w->engine = ks_engine_new();
  w->store = ks_store_new(w->engine);
  KsControllerOptions co;
  ks_controller_options_default(&co);
  co.seed = 7;
  w->ctl = ks_controller_new(&ks_pv_controller_class, w->store, &co);
}

static void world_free(World *w) {
  ks_controller_free(w->ctl);
  ks_store_free(w->store);
  ks_engine_free(w->engine);
}

static void run_to(World *w, gint64 t) {
  ks_engine_run_until(w->engine, t);
}

static KsStorageClass *new_sc(const char *name, const char *provisioner, KsVolumeBindingMode mode,
                              KsReclaimPolicy reclaim) {
  KsStorageClass *sc = ks_storage_class_new(name, provisioner);
  sc->volume_binding_mode = mode;
  sc->reclaim_policy = reclaim;
  return sc;
}

static void store_sc(World *w, KsStorageClass *sc) {
  assert_true(ks_store_create(w->store, KS_STORE_STORAGE_CLASS, NULL, sc->name, sc,
                              (GDestroyNotify)ks_storage_class_free, NULL));
}

static void add_sc(World *w, const char *name, const char *provisioner, KsVolumeBindingMode mode,
                   KsReclaimPolicy reclaim) {
  store_sc(w, new_sc(name, provisioner, mode, reclaim));
}

static void add_pv(World *w, const char *name, const char *sc, gint64 size, guint modes,
                   KsReclaimPolicy reclaim) {
  KsPersistentVolume *pv = ks_pv_new(name);
  pv->storage_class_name = g_strdup(sc);
  pv->capacity = size;
  pv->access_modes = modes;
  pv->reclaim_policy = reclaim;
  assert_true(ks_store_create(w->store, KS_STORE_PERSISTENT_VOLUME, NULL, name, pv,
                              (GDestroyNotify)ks_pv_free, NULL));
}

static KsPersistentVolumeClaim *new_pvc(const char *name, const char *sc, gint64 size) {
  KsPersistentVolumeClaim *c = ks_pvc_new("default", name);
  c->storage_class_name = g_strdup(sc);
  c->request = size;
  c->access_modes = KS_ACCESS_RWO;
  return c;
}

static void add_pvc(World *w, KsPersistentVolumeClaim *c) {
  assert_true(ks_store_create(w->store, KS_STORE_PERSISTENT_VOLUME_CLAIM, c->namespace, c->name, c,
                              (GDestroyNotify)ks_pvc_free, NULL));
}

static const KsPersistentVolume *pv(World *w, const char *name) {
  const KsStoreObject *o = ks_store_get(w->store, KS_STORE_PERSISTENT_VOLUME, NULL, name);
  return o ? o->data : NULL;
}

static const KsPersistentVolumeClaim *pvc(World *w, const char *name) {
  const KsStoreObject *o = ks_store_get(w->store, KS_STORE_PERSISTENT_VOLUME_CLAIM, "default", name);
  return o ? o->data : NULL;
}

static void assert_bound(World *w, const char *claim, const char *volume) {
  const KsPersistentVolumeClaim *c = pvc(w, claim);
  assert_non_null(c);
  assert_string_equal(c->volume_name, volume);
  assert_int_equal(c->phase, KS_PVC_BOUND);
  assert_string_equal(ks_labels_get(&c->annotations, KS_ANN_BIND_COMPLETED), "yes");
  const KsPersistentVolume *v = pv(w, volume);
  assert_non_null(v);
  assert_int_equal(v->phase, KS_PV_BOUND);
  assert_string_equal(v->claim_ref->name, claim);
  assert_string_equal(v->claim_ref->namespace, "default");
  assert_int_equal(c->capacity, v->capacity);
}

/* Immediate: the smallest Available PV of the class that fits, a second
 * claim the next one; PVs of another class, too small, or not Available
 * are passed over; a claim nothing fits stays Pending until a PV appears
 * (the 15 s resync finds it). */
static void test_immediate_smallest_fit(void **state) {
  World w;
  world_init(&w);
  add_sc(&w, "std", "kubernetes.io/no-provisioner", KS_BINDING_IMMEDIATE, KS_RECLAIM_RETAIN);
  add_pv(&w, "pv-20", "std", 20 * GI, KS_ACCESS_RWO, KS_RECLAIM_RETAIN);
  add_pv(&w, "pv-10", "std", 10 * GI, KS_ACCESS_RWO, KS_RECLAIM_RETAIN);
  add_pv(&w, "pv-5", "std", 5 * GI, KS_ACCESS_RWO, KS_RECLAIM_RETAIN);
  add_pv(&w, "pv-9-other", "other", 9 * GI, KS_ACCESS_RWO, KS_RECLAIM_RETAIN);
  run_to(&w, S(1));
  assert_int_equal(pv(&w, "pv-5")->phase, KS_PV_AVAILABLE);
  add_pvc(&w, new_pvc("a", "std", 8 * GI));
  run_to(&w, S(2));
  assert_bound(&w, "a", "pv-10");
  add_pvc(&w, new_pvc("b", "std", 8 * GI));
  run_to(&w, S(3));
  assert_bound(&w, "b", "pv-20");
  add_pvc(&w, new_pvc("c", "std", 8 * GI));
  run_to(&w, S(4));
  assert_int_equal(pvc(&w, "c")->phase, KS_PVC_PENDING);
  assert_null(pvc(&w, "c")->volume_name);
  add_pv(&w, "pv-8", "std", 8 * GI, KS_ACCESS_RWO, KS_RECLAIM_RETAIN);
  run_to(&w, S(10));
  assert_int_equal(pvc(&w, "c")->phase, KS_PVC_PENDING); /* not before the resync */
  run_to(&w, S(16));
  assert_bound(&w, "c", "pv-8");
  world_free(&w);
}

/* findBestMatchForClaim walks the access-mode sets containing the claim's
 * modes, fewest modes first: a RWO claim takes the 20Gi RWO PV although a
 * 9Gi RWO+RWX one would fit; a RWX claim can only take the latter. */
static void test_access_mode_order(void **state) {
  World w;
  world_init(&w);
  add_pv(&w, "rwo-rwx-9", "", 9 * GI, KS_ACCESS_RWO | KS_ACCESS_RWX, KS_RECLAIM_RETAIN);
  add_pv(&w, "rwo-20", "", 20 * GI, KS_ACCESS_RWO, KS_RECLAIM_RETAIN);
  add_pvc(&w, new_pvc("a", "", 8 * GI));
  KsPersistentVolumeClaim *x = new_pvc("x", "", 1 * GI);
  x->access_modes = KS_ACCESS_RWX;
  add_pvc(&w, x);
  run_to(&w, S(1));
  assert_bound(&w, "a", "rwo-20");
  assert_bound(&w, "x", "rwo-rwx-9");
  world_free(&w);
}

/* A claim naming a volume binds to it (even larger than another fit); a
 * volume pre-bound to a claim (claimRef without uid) is taken by that
 * claim only. */
static void test_pre_bound(void **state) {
  World w;
  world_init(&w);
  add_pv(&w, "small", "", 1 * GI, KS_ACCESS_RWO, KS_RECLAIM_RETAIN);
  add_pv(&w, "big", "", 50 * GI, KS_ACCESS_RWO, KS_RECLAIM_RETAIN);
  KsPersistentVolume *r = ks_pv_new("reserved");
  r->capacity = 1 * GI;
  r->access_modes = KS_ACCESS_RWO;
  r->claim_ref = ks_object_reference_new(NULL, "default", "mine", NULL);
  assert_true(ks_store_create(w.store, KS_STORE_PERSISTENT_VOLUME, NULL, "reserved", r,
                              (GDestroyNotify)ks_pv_free, NULL));
  KsPersistentVolumeClaim *c = new_pvc("named", "", 1 * GI);
  c->volume_name = g_strdup("big");
  add_pvc(&w, c);
  add_pvc(&w, new_pvc("other", "", 1 * GI));
  run_to(&w, S(1));
  assert_bound(&w, "named", "big");
  assert_bound(&w, "other", "small");
  assert_int_equal(pv(&w, "reserved")->phase, KS_PV_AVAILABLE);
  add_pvc(&w, new_pvc("mine", "", 1 * GI));
  run_to(&w, S(2));
  assert_bound(&w, "mine", "reserved");
  world_free(&w);
}

/* Immediate provisioning: the claim is annotated at once, the PV created
 * after the class's 30 s, in the first allowed topology, CSI, of the
 * claim's size and the class's reclaim policy; then bound. */
static void test_provisioning_delay_and_topology(void **state) {
  World w;
  world_init(&w);
  KsStorageClass *sc = new_sc("fast", "csi.example.com", KS_BINDING_IMMEDIATE, KS_RECLAIM_DELETE);
  ks_labels_set(&sc->annotations, KS_ANNOTATION_PROVISIONING_DELAY, "30s");
  sc->allowed_topologies = g_array_new(FALSE, TRUE, sizeof(KsNodeSelectorTerm));
  g_array_set_clear_func(sc->allowed_topologies, (GDestroyNotify)ks_node_selector_term_clear);
  g_array_set_size(sc->allowed_topologies, 1);
  const char *zones[] = {"z2", "z1", NULL};
  ks_node_selector_term_add_expression(&g_array_index(sc->allowed_topologies, KsNodeSelectorTerm, 0),
                                       "topology.kubernetes.io/zone", KS_SELECTOR_OP_IN, zones);
  store_sc(&w, sc);
  KsPersistentVolumeClaim *c = new_pvc("data", "fast", 3 * GI);
  c->uid = g_strdup("u-1");
  add_pvc(&w, c);
  run_to(&w, S(1));
  assert_string_equal(ks_labels_get(&pvc(&w, "data")->annotations, KS_ANN_STORAGE_PROVISIONER),
                      "csi.example.com");
  assert_null(pv(&w, "pvc-u-1"));
  run_to(&w, S(29));
  assert_null(pv(&w, "pvc-u-1"));
  run_to(&w, S(30));
  const KsPersistentVolume *v = pv(&w, "pvc-u-1");
  assert_non_null(v);
  assert_int_equal(v->capacity, 3 * GI);
  assert_int_equal(v->reclaim_policy, KS_RECLAIM_DELETE);
  assert_int_equal(v->source, KS_VOLUME_CSI);
  assert_string_equal(v->source_driver, "csi.example.com");
  assert_string_equal(v->source_id, "pvc-u-1");
  assert_string_equal(ks_labels_get(&v->annotations, KS_ANN_DYNAMICALLY_PROVISIONED),
                      "csi.example.com");
  KsLabels z;
  ks_labels_init(&z);
  ks_labels_set(&z, "topology.kubernetes.io/zone", "z2");
  assert_true(ks_sched_pv_node_affinity_matches(v, &z));
  ks_labels_set(&z, "topology.kubernetes.io/zone", "z1");
  assert_false(ks_sched_pv_node_affinity_matches(v, &z));
  ks_labels_clear(&z);
  assert_bound(&w, "data", "pvc-u-1");
  /* Delete: the claim goes, the PV goes */
  assert_true(ks_store_delete(w.store, KS_STORE_PERSISTENT_VOLUME_CLAIM, "default", "data", 0, NULL));
  run_to(&w, S(31));
  assert_null(pv(&w, "pvc-u-1"));
  world_free(&w);
}

/* WaitForFirstConsumer: nothing happens until the scheduler writes the
 * selected node; then the PV is provisioned in that node's zone and region. */
static void test_wait_for_first_consumer(void **state) {
  World w;
  world_init(&w);
  add_sc(&w, "wffc", "csi.example.com", KS_BINDING_WAIT_FOR_FIRST_CONSUMER, KS_RECLAIM_DELETE);
  KsNode *n = ks_node_new("n2");
  ks_labels_set(&n->labels, "topology.kubernetes.io/zone", "zone-b");
  ks_labels_set(&n->labels, "topology.kubernetes.io/region", "r1");
  assert_true(ks_store_create(w.store, KS_STORE_NODE, NULL, "n2", n, (GDestroyNotify)ks_node_unref, NULL));
  add_pv(&w, "static-big", "wffc", 100 * GI, KS_ACCESS_RWO, KS_RECLAIM_RETAIN);
  add_pvc(&w, new_pvc("data", "wffc", 2 * GI));
  run_to(&w, S(20));
  const KsPersistentVolumeClaim *c = pvc(&w, "data");
  assert_int_equal(c->phase, KS_PVC_PENDING);
  assert_null(c->volume_name); /* the PV controller never binds it itself */
  assert_null(ks_labels_get(&c->annotations, KS_ANN_STORAGE_PROVISIONER));
  KsPersistentVolumeClaim *sel = ks_pvc_copy(c);
  ks_labels_set(&sel->annotations, KS_ANN_SELECTED_NODE, "n2");
  assert_true(ks_store_update(w.store, KS_STORE_PERSISTENT_VOLUME_CLAIM, "default", "data", sel,
                              (GDestroyNotify)ks_pvc_free, 0, NULL));
  run_to(&w, S(21));
  c = pvc(&w, "data");
  assert_int_equal(c->phase, KS_PVC_BOUND);
  const KsPersistentVolume *v = pv(&w, c->volume_name);
  assert_true(g_str_has_prefix(v->name, "pvc-"));
  KsLabels l;
  ks_labels_init(&l);
  ks_labels_set(&l, "topology.kubernetes.io/zone", "zone-b");
  assert_false(ks_sched_pv_node_affinity_matches(v, &l)); /* region required too */
  ks_labels_set(&l, "topology.kubernetes.io/region", "r1");
  assert_true(ks_sched_pv_node_affinity_matches(v, &l));
  ks_labels_clear(&l);
  world_free(&w);
}

/* A static binding the scheduler made (claimRef written by PreBind) is
 * completed by the controller. */
static void test_scheduler_binding_completed(void **state) {
  World w;
  world_init(&w);
  add_sc(&w, "wffc", "kubernetes.io/no-provisioner", KS_BINDING_WAIT_FOR_FIRST_CONSUMER,
         KS_RECLAIM_RETAIN);
  add_pv(&w, "local-1", "wffc", 10 * GI, KS_ACCESS_RWO, KS_RECLAIM_RETAIN);
  add_pv(&w, "local-0", "wffc", 10 * GI, KS_ACCESS_RWO, KS_RECLAIM_RETAIN);
  add_pvc(&w, new_pvc("data", "wffc", 2 * GI));
  run_to(&w, S(1));
  assert_null(pvc(&w, "data")->volume_name);
  KsPersistentVolume *p = ks_pv_copy(pv(&w, "local-1"));
  p->claim_ref = ks_object_reference_new("PersistentVolumeClaim", "default", "data", NULL);
  ks_labels_set(&p->annotations, KS_ANN_BOUND_BY_CONTROLLER, "yes");
  assert_true(ks_store_update(w.store, KS_STORE_PERSISTENT_VOLUME, NULL, "local-1", p,
                              (GDestroyNotify)ks_pv_free, 0, NULL));
  run_to(&w, S(2));
  assert_bound(&w, "data", "local-1");
  assert_int_equal(pv(&w, "local-0")->phase, KS_PV_AVAILABLE);
  world_free(&w);
}

/* RetroactiveDefaultStorageClass: claims created while no class was the
 * default (here put straight into the store, past the DefaultStorageClass
 * admission of sim/admission_storage_class.c). A claim without a class
 * binds a matching PV without one first; one that matches none gets the
 * default once there is one (no StorageClass watch: the 15 s resync of the
 * claim finds it), the newer of two defaults, and provisions through it;
 * a claim with "" stays without class and Pending. */
static void test_default_class(void **state) {
  World w;
  world_init(&w);
  add_pv(&w, "bare", "", GI, KS_ACCESS_RWO, KS_RECLAIM_RETAIN);
  add_pvc(&w, new_pvc("first", NULL, GI));
  run_to(&w, S(1));
  assert_bound(&w, "first", "bare");
  assert_null(pvc(&w, "first")->storage_class_name);
  add_pvc(&w, new_pvc("unset", NULL, GI));
  add_pvc(&w, new_pvc("none", "", GI));
  run_to(&w, S(2));
  assert_null(pvc(&w, "unset")->storage_class_name);
  assert_int_equal(pvc(&w, "unset")->phase, KS_PVC_PENDING);
  KsStorageClass *old = new_sc("old", "csi.example.com", KS_BINDING_IMMEDIATE, KS_RECLAIM_DELETE);
  ks_labels_set(&old->annotations, KS_ANN_IS_DEFAULT_CLASS, "true");
  old->creation_timestamp_us = S(2);
  store_sc(&w, old);
  KsStorageClass *sc = new_sc("standard", "csi.example.com", KS_BINDING_IMMEDIATE, KS_RECLAIM_DELETE);
  ks_labels_set(&sc->annotations, KS_ANN_BETA_IS_DEFAULT_CLASS, "true");
  sc->creation_timestamp_us = S(3);
  store_sc(&w, sc);
  run_to(&w, S(3));
  assert_null(pvc(&w, "unset")->storage_class_name); /* not before the resync */
  run_to(&w, S(17));
  assert_string_equal(pvc(&w, "unset")->storage_class_name, "standard");
  assert_int_equal(pvc(&w, "unset")->phase, KS_PVC_BOUND);
  assert_string_equal(pv(&w, pvc(&w, "unset")->volume_name)->storage_class_name, "standard");
  assert_string_equal(pvc(&w, "none")->storage_class_name, "");
  assert_int_equal(pvc(&w, "none")->phase, KS_PVC_PENDING);
  assert_null(pvc(&w, "first")->storage_class_name); /* bound: left alone */
  world_free(&w);
}

/* Reclaim: Retain keeps the PV Released (with its claimRef), Recycle makes
 * it Available again; deleting a bound claim's PV makes the claim Lost. */
static void test_reclaim_and_lost(void **state) {
  World w;
  world_init(&w);
  add_pv(&w, "keep", "", 1 * GI, KS_ACCESS_RWO, KS_RECLAIM_RETAIN);
  add_pvc(&w, new_pvc("a", "", GI));
  run_to(&w, S(1));
  assert_bound(&w, "a", "keep");
  add_pv(&w, "recycle", "", 2 * GI, KS_ACCESS_RWO, KS_RECLAIM_RECYCLE);
  add_pvc(&w, new_pvc("b", "", 2 * GI));
  add_pv(&w, "gone", "", 3 * GI, KS_ACCESS_RWO, KS_RECLAIM_RETAIN);
  add_pvc(&w, new_pvc("c", "", 3 * GI));
  run_to(&w, S(2));
  assert_bound(&w, "b", "recycle");
  assert_bound(&w, "c", "gone");
  assert_true(ks_store_delete(w.store, KS_STORE_PERSISTENT_VOLUME_CLAIM, "default", "a", 0, NULL));
  assert_true(ks_store_delete(w.store, KS_STORE_PERSISTENT_VOLUME_CLAIM, "default", "b", 0, NULL));
  assert_true(ks_store_delete(w.store, KS_STORE_PERSISTENT_VOLUME, NULL, "gone", 0, NULL));
  run_to(&w, S(3));
  assert_int_equal(pv(&w, "keep")->phase, KS_PV_RELEASED);
  assert_non_null(pv(&w, "keep")->claim_ref);
  assert_int_equal(pv(&w, "recycle")->phase, KS_PV_AVAILABLE);
  assert_null(pv(&w, "recycle")->claim_ref);
  assert_int_equal(pvc(&w, "c")->phase, KS_PVC_LOST);
  /* a Released PV is not bound again */
  add_pvc(&w, new_pvc("d", "", GI));
  run_to(&w, S(4));
  assert_bound(&w, "d", "recycle");
  world_free(&w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_immediate_smallest_fit),
      cmocka_unit_test(test_access_mode_order),
      cmocka_unit_test(test_pre_bound),
      cmocka_unit_test(test_provisioning_delay_and_topology),
      cmocka_unit_test(test_wait_for_first_consumer),
      cmocka_unit_test(test_scheduler_binding_completed),
      cmocka_unit_test(test_default_class),
      cmocka_unit_test(test_reclaim_and_lost),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
