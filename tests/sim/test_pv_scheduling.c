/* Volumes end to end: the scheduler (default profile, with VolumeBinding,
 * VolumeZone, NodeVolumeLimits), its driver feeding the volume lister, the
 * node agent and the PV controller, on one store.
 *  - WaitForFirstConsumer: the claim waits; the scheduler picks the only
 *    node the pod fits (zone-b), PreBind writes the selected node, and the
 *    PV controller provisions the volume after the class's 10 s in zone-b.
 *  - Immediate: the PV controller binds the claim to the smallest fitting
 *    PV before the pod schedules (the pod is first rejected with "pod has
 *    unbound immediate PersistentVolumeClaims" and comes back on the claim
 *    update), and the pod follows its PV's node affinity.
 *  - a static WaitForFirstConsumer PV with node affinity: the scheduler
 *    picks the node and the PV; two pods cannot take the same PV.
 *  - VolumeZone against a bound zonal PV. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sched/node.h"
#include "sched/pod.h"
#include "sched/volume_lister.h"
#include "sim/controllers/pv_controller.h"
#include "sim/engine.h"
#include "sim/node_agent.h"
#include "sim/pod_create.h"
#include "sim/sched_driver.h"
#include "sim/scheduler_setup.h"
#include "sim/store.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)
#define GI (G_GINT64_CONSTANT(1) << 30)

typedef struct {
  KsEngine *engine;
  KsStore *store;
  KsSchedSetup *sched;
  KsSchedDriver *driver;
  KsNodeAgent *agent;
  KsController *pvc;
  GString *log; /* "t=<s> bind <pod> <node>" and "t=<s> bound <claim> <pv>" */
} World;

static void log_pods(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                     const KsStoreObject *new_obj, gpointer user_data) {
  World *w = user_data;
  if (type != KS_WATCH_MODIFIED)
    return;
  const KsPod *o = old_obj->data, *n = new_obj->data;
  if (!o->node_name && n->node_name)
    g_string_append_printf(w->log, "t=%" G_GINT64_FORMAT " bind %s %s\n",
                           ks_engine_now(w->engine) / G_USEC_PER_SEC, n->name, n->node_name);
}

static void log_claims(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                       const KsStoreObject *new_obj, gpointer user_data) {
  World *w = user_data;
  if (type != KS_WATCH_MODIFIED)
    return;
  const KsPersistentVolumeClaim *o = old_obj->data, *n = new_obj->data;
  if (o->phase != KS_PVC_BOUND && n->phase == KS_PVC_BOUND)
    g_string_append_printf(w->log, "t=%" G_GINT64_FORMAT " bound %s %s\n",
                           ks_engine_now(w->engine) / G_USEC_PER_SEC, n->name, n->volume_name);
  if (!ks_pvc_selected_node(o) && ks_pvc_selected_node(n))
    g_string_append_printf(w->log, "t=%" G_GINT64_FORMAT " selected %s %s\n",
                           ks_engine_now(w->engine) / G_USEC_PER_SEC, n->name,
                           ks_pvc_selected_node(n));
}

static void add_node(World *w, const char *name, const char *zone, gint64 milli_cpu) {
  KsNode *n = ks_node_new(name);
  ks_labels_set(&n->labels, "kubernetes.io/hostname", name);
  ks_labels_set(&n->labels, "topology.kubernetes.io/region", "r1");
  ks_labels_set(&n->labels, "topology.kubernetes.io/zone", zone);
  ks_resource_list_set(&n->allocatable, "cpu", milli_cpu);
  ks_resource_list_set(&n->allocatable, "memory", (gint64)8 << 30);
  ks_resource_list_set(&n->allocatable, "pods", 110);
  ks_resource_list_copy(&n->capacity, &n->allocatable);
  assert_true(ks_store_create(w->store, KS_STORE_NODE, NULL, name, n, (GDestroyNotify)ks_node_unref,
                              NULL));
}

static void world_init(World *w) {
  memset(w, 0, sizeof *w);
  w->engine = ks_engine_new();
  w->store = ks_store_new(w->engine);
  w->log = g_string_new("");
  ks_store_watch(w->store, KS_STORE_POD, log_pods, w);
  ks_store_watch(w->store, KS_STORE_PERSISTENT_VOLUME_CLAIM, log_claims, w);
  GError *error = NULL;
  KsSchedSetupOptions o = {.percentage_of_nodes_to_score = -1, .seed = 1};
  w->sched = ks_sched_setup_new(&o, &error);
  if (!w->sched)
    fail_msg("%s", error->message);
  w->driver = ks_sched_driver_new(w->store, w->sched->sched, NULL);
  w->agent = ks_node_agent_new(w->store);
  KsControllerOptions co;
  ks_controller_options_default(&co);
  w->pvc = ks_controller_new(&ks_pv_controller_class, w->store, &co);
  add_node(w, "n1", "zone-a", 1000);
  add_node(w, "n2", "zone-b", 4000);
  add_node(w, "n3", "zone-c", 1000);
}

static void world_free(World *w) {
  ks_controller_free(w->pvc);
  ks_sched_driver_free(w->driver);
  ks_node_agent_free(w->agent);
  ks_store_free(w->store);
  ks_engine_free(w->engine);
  ks_sched_setup_free(w->sched);
  g_string_free(w->log, TRUE);
}

static void add_sc(World *w, const char *name, const char *provisioner, KsVolumeBindingMode mode,
                   const char *delay) {
  KsStorageClass *sc = ks_storage_class_new(name, provisioner);
  sc->volume_binding_mode = mode;
  if (delay)
    ks_labels_set(&sc->annotations, KS_ANNOTATION_PROVISIONING_DELAY, delay);
  assert_true(ks_store_create(w->store, KS_STORE_STORAGE_CLASS, NULL, name, sc,
                              (GDestroyNotify)ks_storage_class_free, NULL));
}

static void add_pv(World *w, const char *name, const char *sc, gint64 size, const char *key,
                   const char *value) {
  KsPersistentVolume *pv = ks_pv_new(name);
  pv->storage_class_name = g_strdup(sc);
  pv->capacity = size;
  pv->access_modes = KS_ACCESS_RWO;
  if (key) {
    pv->node_affinity = ks_node_selector_new();
    const char *values[] = {value, NULL};
    ks_node_selector_term_add_expression(ks_node_selector_add_term(pv->node_affinity), key,
                                         KS_SELECTOR_OP_IN, values);
  }
  assert_true(ks_store_create(w->store, KS_STORE_PERSISTENT_VOLUME, NULL, name, pv,
                              (GDestroyNotify)ks_pv_free, NULL));
}

static void add_pvc(World *w, const char *name, const char *sc, gint64 size) {
  KsPersistentVolumeClaim *c = ks_pvc_new("default", name);
  c->storage_class_name = g_strdup(sc);
  c->request = size;
  c->access_modes = KS_ACCESS_RWO;
  assert_true(ks_store_create(w->store, KS_STORE_PERSISTENT_VOLUME_CLAIM, "default", name, c,
                              (GDestroyNotify)ks_pvc_free, NULL));
}

/* A pod asking for `milli_cpu` with one PVC volume. */
static void add_pod(World *w, const char *name, const char *claim, gint64 milli_cpu) {
  KsPod *p = ks_pod_new("default", name);
  KsContainer *c = ks_pod_add_container(p, "c", FALSE);
  ks_resource_list_set(&c->requests, "cpu", milli_cpu);
  ks_pod_add_volume(p, "data", KS_VOLUME_PVC)->ref = g_strdup(claim);
  GError *error = NULL;
  if (!ks_sim_create_pod(w->store, p, &error))
    fail_msg("%s", error->message);
}

static const KsPod *pod(World *w, const char *name) {
  const KsStoreObject *o = ks_store_get(w->store, KS_STORE_POD, "default", name);
  return o ? o->data : NULL;
}

static const KsPersistentVolumeClaim *claim(World *w, const char *name) {
  const KsStoreObject *o = ks_store_get(w->store, KS_STORE_PERSISTENT_VOLUME_CLAIM, "default", name);
  return o ? o->data : NULL;
}

static const KsPersistentVolume *volume(World *w, const char *name) {
  const KsStoreObject *o = ks_store_get(w->store, KS_STORE_PERSISTENT_VOLUME, NULL, name);
  return o ? o->data : NULL;
}

static void assert_affinity_zone(const KsPersistentVolume *v, const char *zone) {
  KsLabels l;
  ks_labels_init(&l);
  ks_labels_set(&l, "topology.kubernetes.io/region", "r1");
  ks_labels_set(&l, "topology.kubernetes.io/zone", zone);
  assert_true(ks_sched_pv_node_affinity_matches(v, &l));
  ks_labels_set(&l, "topology.kubernetes.io/zone", "elsewhere");
  assert_false(ks_sched_pv_node_affinity_matches(v, &l));
  ks_labels_clear(&l);
}

static void test_wait_for_first_consumer_provisioned_in_chosen_zone(void **state) {
  World w;
  world_init(&w);
  add_sc(&w, "zonal", "pd.csi.storage.gke.io", KS_BINDING_WAIT_FOR_FIRST_CONSUMER, "10s");
  add_pvc(&w, "data", "zonal", 20 * GI);
  ks_engine_run_until(w.engine, S(5));
  assert_int_equal(claim(&w, "data")->phase, KS_PVC_PENDING); /* waits for its consumer */
  add_pod(&w, "db", "data", 2000); /* fits n2 only */
  ks_engine_run_until(w.engine, S(30));
  const KsPersistentVolumeClaim *c = claim(&w, "data");
  assert_int_equal(c->phase, KS_PVC_BOUND);
  char *want = g_strdup_printf("t=5 selected data n2\n"
                               "t=5 bind db n2\n"
                               "t=15 bound data %s\n",
                               c->volume_name);
  assert_string_equal(w.log->str, want);
  g_free(want);
  const KsPersistentVolume *v = volume(&w, c->volume_name);
  assert_int_equal(v->capacity, 20 * GI);
  assert_string_equal(v->source_driver, "pd.csi.storage.gke.io");
  assert_affinity_zone(v, "zone-b");
  assert_string_equal(pod(&w, "db")->node_name, "n2");
  world_free(&w);
}

/* The claim and the pod arrive together: the pod is rejected (claim not
 * bound yet), the PV controller binds the claim to the smallest PV that
 * fits (10Gi of 5, 10, 50), and the claim update brings the pod back; it
 * lands on n3, where its PV's node affinity points. */
static void test_immediate_binds_before_pod_schedules(void **state) {
  World w;
  world_init(&w);
  add_sc(&w, "std", "kubernetes.io/no-provisioner", KS_BINDING_IMMEDIATE, NULL);
  add_pv(&w, "pv-50", "std", 50 * GI, "kubernetes.io/hostname", "n2");
  add_pv(&w, "pv-10", "std", 10 * GI, "kubernetes.io/hostname", "n3");
  add_pv(&w, "pv-5", "std", 5 * GI, "kubernetes.io/hostname", "n1");
  ks_engine_run_until(w.engine, S(1));
  add_pod(&w, "app", "data", 500);
  add_pvc(&w, "data", "std", 8 * GI);
  ks_engine_run_until(w.engine, S(10));
  /* the claim update moves the pod at t=1, to backoffQ: its 1 s backoff
   * from the rejection at t=1 ends at t=2 */
  assert_string_equal(w.log->str, "t=1 bound data pv-10\n"
                                  "t=2 bind app n3\n");
  assert_int_equal(volume(&w, "pv-10")->phase, KS_PV_BOUND);
  assert_int_equal(volume(&w, "pv-5")->phase, KS_PV_AVAILABLE);
  world_free(&w);
}

/* Static local PVs of a WaitForFirstConsumer class: the scheduler chooses
 * node and PV together (VolumeBinding filters nodes without a fitting PV;
 * Reserve assumes the PV so the second pod cannot have it), the PV
 * controller completes the binding. A third pod finds no PV left: it stays
 * pending with VolumeBinding's reason. */
static void test_static_wait_for_first_consumer(void **state) {
  World w;
  world_init(&w);
  add_sc(&w, "local", "kubernetes.io/no-provisioner", KS_BINDING_WAIT_FOR_FIRST_CONSUMER, NULL);
  add_pv(&w, "local-n1", "local", 10 * GI, "kubernetes.io/hostname", "n1");
  add_pv(&w, "local-n3", "local", 10 * GI, "kubernetes.io/hostname", "n3");
  add_pvc(&w, "a", "local", GI);
  add_pvc(&w, "b", "local", GI);
  add_pvc(&w, "c", "local", GI);
  ks_engine_run_until(w.engine, S(1));
  add_pod(&w, "pa", "a", 100);
  add_pod(&w, "pb", "b", 100);
  add_pod(&w, "pc", "c", 100);
  ks_engine_run_until(w.engine, S(5));
  const KsPod *pa = pod(&w, "pa"), *pb = pod(&w, "pb");
  assert_non_null(pa->node_name);
  assert_non_null(pb->node_name);
  assert_string_not_equal(pa->node_name, pb->node_name);
  char *va = g_strconcat("local-", pa->node_name, NULL), *vb = g_strconcat("local-", pb->node_name, NULL);
  assert_string_equal(claim(&w, "a")->volume_name, va);
  assert_string_equal(claim(&w, "b")->volume_name, vb);
  g_free(va), g_free(vb);
  assert_null(pod(&w, "pc")->node_name);
  assert_int_equal(claim(&w, "c")->phase, KS_PVC_PENDING);
  world_free(&w);
}

/* VolumeZone: a claim bound to a PV labelled zone-c keeps its pod in zone-c
 * (the PV has no node affinity, only the label). */
static void test_volume_zone_label(void **state) {
  World w;
  world_init(&w);
  KsPersistentVolume *pv = ks_pv_new("zonal");
  pv->capacity = GI;
  pv->access_modes = KS_ACCESS_RWO;
  ks_labels_set(&pv->labels, "topology.kubernetes.io/zone", "zone-c");
  assert_true(ks_store_create(w.store, KS_STORE_PERSISTENT_VOLUME, NULL, "zonal", pv,
                              (GDestroyNotify)ks_pv_free, NULL));
  add_pvc(&w, "data", "", GI);
  ks_engine_run_until(w.engine, S(1));
  add_pod(&w, "p", "data", 100);
  ks_engine_run_until(w.engine, S(2));
  assert_string_equal(pod(&w, "p")->node_name, "n3");
  world_free(&w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_wait_for_first_consumer_provisioned_in_chosen_zone),
      cmocka_unit_test(test_immediate_binds_before_pod_schedules),
      cmocka_unit_test(test_static_wait_for_first_consumer),
      cmocka_unit_test(test_volume_zone_label),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
