/* Tests of the garbage collector and deletion (sim/controllers/
 * garbage_collector.c, deletion.c): cascading deletion in the background
 * and in the foreground (one and two levels: Deployment -> ReplicaSet ->
 * pods), orphaning, dangling references removed while a solid owner
 * remains, a finalizer holding an object until it is removed, and the
 * propagation names. The ReplicaSet controller runs alongside and makes
 * the pods. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sched/pod.h"
#include "sim/controllers/deletion.h"
#include "sim/controllers/garbage_collector.h"
#include "sim/controllers/replica_set.h"
#include "sim/controllers/runtime.h"
#include "sim/engine.h"
#include "sim/store.h"
#include "workloads/apps.h"
#include "workloads/core_objects.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)
#define RS_UID "11111111-1111-4111-8111-111111111111"
#define D_UID "22222222-2222-4222-8222-222222222222"

typedef struct {
  KsEngine *e;
  KsStore *s;
  KsController *rsc, *gc;
  GString *log; /* "-kind/name " per delete, "pods" shortened to "pod" */
} World;

static void on_delete(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                      const KsStoreObject *new_obj, gpointer user_data) {
  if (type != KS_WATCH_DELETED)
    return;
  GString *log = user_data;
  const char *kind = old_obj->kind == KS_STORE_POD ? "pod" : ks_store_kind_to_string(old_obj->kind);
  /* generated pod names differ per run in their suffix only: log the prefix */
  g_string_append_printf(log, "-%s/%.*s ", kind,
                         old_obj->kind == KS_STORE_POD ? (int)strcspn(old_obj->name, "-")
                                                        : (int)strlen(old_obj->name),
                         old_obj->name);
}

static void world_init(World *w) {
  w->e = ks_engine_new();
  w->s = ks_store_new(w->e);
  w->log = g_string_new("");
  ks_store_watch(w->s, KS_STORE_POD, on_delete, w->log);
  ks_store_watch(w->s, KS_STORE_REPLICA_SET, on_delete, w->log);
  ks_store_watch(w->s, KS_STORE_DEPLOYMENT, on_delete, w->log);
  KsControllerOptions o;
  ks_controller_options_default(&o);
  w->rsc = ks_controller_new(&ks_replica_set_controller_class, w->s, &o);
  w->gc = ks_controller_new(&ks_garbage_collector_class, w->s, &o);
}

static void world_free(World *w) {
  ks_controller_free(w->gc);
  ks_controller_free(w->rsc);
  ks_store_free(w->s);
  ks_engine_free(w->e);
  g_string_free(w->log, TRUE);
}

/* RS "web" with 3 replicas; owned by Deployment "app" when owned. */
static void put_rs(World *w, gboolean owned) {
  KsReplicaSet *rs = ks_replica_set_new("ns", "web");
  rs->meta.uid = g_strdup(RS_UID);
  rs->replicas = 3;
  rs->selector = ks_label_selector_new();
  ks_labels_set(&rs->selector->match_labels, "app", "web");
  ks_labels_set(&rs->template->labels, "app", "web");
  if (owned)
    ks_owner_reference_array_add(&rs->meta.owner_references, "apps/v1", "Deployment", "app", D_UID,
                                 TRUE, TRUE);
  assert_true(ks_store_create(w->s, KS_STORE_REPLICA_SET, "ns", "web", rs,
                              (GDestroyNotify)ks_replica_set_free, NULL));
}

static void put_deployment(World *w) {
  KsDeployment *d = ks_deployment_new("ns", "app");
  d->meta.uid = g_strdup(D_UID);
  assert_true(ks_store_create(w->s, KS_STORE_DEPLOYMENT, "ns", "app", d,
                              (GDestroyNotify)ks_deployment_free, NULL));
}

typedef struct {
  World *w;
  KsStoreKind kind;
  const char *name;
  KsPropagation policy;
} Del;

static void do_delete(KsEngine *e, gpointer data) {
  Del *d = data;
  GError *error = NULL;
  assert_true(ks_object_delete(d->w->s, d->kind, "ns", d->name, d->policy, &error));
  g_assert_no_error(error);
}

static guint pods(World *w) { return ks_store_count(w->s, KS_STORE_POD); }

static void test_background(void **state) {
  World w;
  world_init(&w);
  put_rs(&w, FALSE);
  ks_engine_run_until(w.e, S(1));
  assert_int_equal(pods(&w), 3);
  Del d = {&w, KS_STORE_REPLICA_SET, "web", KS_PROPAGATION_BACKGROUND};
  ks_engine_schedule(w.e, S(10), do_delete, &d, NULL);
  ks_engine_run(w.e);
  /* the owner goes at once, its pods after it */
  assert_string_equal(w.log->str, "-replicasets/web -pod/web -pod/web -pod/web ");
  assert_int_equal(pods(&w), 0);
  world_free(&w);
}

/* Foreground: the RS stays, being deleted, until its pods (all with
 * blockOwnerDeletion) are gone. */
static void test_foreground(void **state) {
  World w;
  world_init(&w);
  put_rs(&w, FALSE);
  ks_engine_run_until(w.e, S(1));
  Del d = {&w, KS_STORE_REPLICA_SET, "web", KS_PROPAGATION_FOREGROUND};
  ks_engine_schedule(w.e, S(10), do_delete, &d, NULL);
  ks_engine_run_until(w.e, S(10) - 1);
  ks_engine_step(w.e); /* the delete itself */
  const KsStoreObject *o = ks_store_get(w.s, KS_STORE_REPLICA_SET, "ns", "web");
  assert_non_null(o);
  const KsReplicaSet *rs = o->data;
  assert_int_equal(rs->meta.deletion_timestamp_us, S(10));
  assert_true(ks_finalizers_have(rs->meta.finalizers, "foregroundDeletion"));
  ks_engine_run(w.e);
  assert_string_equal(w.log->str, "-pod/web -pod/web -pod/web -replicasets/web ");
  world_free(&w);
}

/* Orphan: the RS goes, its pods stay with no owner reference. */
static void test_orphan(void **state) {
  World w;
  world_init(&w);
  put_rs(&w, FALSE);
  ks_engine_run_until(w.e, S(1));
  Del d = {&w, KS_STORE_REPLICA_SET, "web", KS_PROPAGATION_ORPHAN};
  ks_engine_schedule(w.e, S(10), do_delete, &d, NULL);
  ks_engine_run(w.e);
  assert_string_equal(w.log->str, "-replicasets/web ");
  GPtrArray *all = ks_store_list(w.s, KS_STORE_POD, "ns");
  assert_int_equal(all->len, 3);
  for (guint i = 0; i < all->len; i++)
    assert_null(((const KsPod *)((const KsStoreObject *)all->pdata[i])->data)->owner_references);
  g_ptr_array_unref(all);
  world_free(&w);
}

/* Two levels. Foreground from the Deployment: the RS (an owner waiting on
 * it, dependents of its own) is deleted in the foreground too: pods, then
 * the RS, then the Deployment. Background: the Deployment, then the RS,
 * then its pods. */
static void two_levels(KsPropagation policy, const char *want) {
  World w;
  world_init(&w);
  put_deployment(&w);
  put_rs(&w, TRUE);
  ks_engine_run_until(w.e, S(1));
  assert_int_equal(pods(&w), 3);
  Del d = {&w, KS_STORE_DEPLOYMENT, "app", policy};
  ks_engine_schedule(w.e, S(10), do_delete, &d, NULL);
  ks_engine_run(w.e);
  assert_string_equal(w.log->str, want);
  assert_int_equal(pods(&w), 0);
  assert_int_equal(ks_store_count(w.s, KS_STORE_REPLICA_SET), 0);
  world_free(&w);
}

static void test_two_levels_foreground(void **state) {
  two_levels(KS_PROPAGATION_FOREGROUND,
             "-pod/web -pod/web -pod/web -replicasets/web -deployments/app ");
}

static void test_two_levels_background(void **state) {
  two_levels(KS_PROPAGATION_BACKGROUND,
             "-deployments/app -replicasets/web -pod/web -pod/web -pod/web ");
}

/* A pod owned by the RS (solid) and by a ConfigMap that does not exist
 * (dangling): the dangling reference is removed, the pod stays. */
static void put_two_owner_pod(KsEngine *e, gpointer data) {
  World *w = data;
  KsPod *p = ks_pod_new("ns", "two");
  ks_labels_set(&p->labels, "app", "web");
  ks_owner_reference_array_add(&p->owner_references, "apps/v1", "ReplicaSet", "web", RS_UID, TRUE,
                               TRUE);
  ks_owner_reference_array_add(&p->owner_references, "v1", "ConfigMap", "gone", "cm-uid", FALSE,
                               FALSE);
  assert_true(ks_store_create(w->s, KS_STORE_POD, "ns", "two", p, (GDestroyNotify)ks_pod_unref,
                              NULL));
}

static void test_dangling_reference_removed(void **state) {
  World w;
  world_init(&w);
  ks_engine_schedule(w.e, 0, put_two_owner_pod, &w, NULL);
  put_rs(&w, FALSE);
  ks_engine_run(w.e);
  const KsStoreObject *o = ks_store_get(w.s, KS_STORE_POD, "ns", "two");
  assert_non_null(o);
  const GArray *refs = ((const KsPod *)o->data)->owner_references;
  assert_int_equal(refs->len, 1);
  assert_string_equal(g_array_index(refs, KsOwnerReference, 0).uid, RS_UID);
  assert_int_equal(pods(&w), 3); /* "two" counts as one of the three */
  world_free(&w);
}

/* A pod with its own finalizer is only marked when its owner goes; it
 * goes when the finalizer is removed. A ConfigMap of another kind, owned
 * by the RS, is collected as well. */
static void add_finalizer_and_cm(KsEngine *e, gpointer data) {
  World *w = data;
  GPtrArray *all = ks_store_list(w->s, KS_STORE_POD, "ns");
  const KsStoreObject *o = all->pdata[0];
  KsPod *p = ks_pod_copy(o->data);
  p->finalizers = g_new0(char *, 2);
  p->finalizers[0] = g_strdup("example.com/keep");
  assert_true(ks_store_update(w->s, KS_STORE_POD, "ns", o->name, p, (GDestroyNotify)ks_pod_unref,
                              0, NULL));
  g_ptr_array_unref(all);
  KsConfigMap *cm = ks_config_map_new("ns", "cfg");
  ks_owner_reference_array_add(&cm->meta.owner_references, "apps/v1", "ReplicaSet", "web", RS_UID,
                               FALSE, FALSE);
  assert_true(ks_store_create(w->s, KS_STORE_CONFIG_MAP, "ns", "cfg", cm,
                              (GDestroyNotify)ks_config_map_free, NULL));
}

static void test_finalizer_holds(void **state) {
  World w;
  world_init(&w);
  put_rs(&w, FALSE);
  ks_engine_schedule(w.e, S(1), add_finalizer_and_cm, &w, NULL);
  Del d = {&w, KS_STORE_REPLICA_SET, "web", KS_PROPAGATION_BACKGROUND};
  ks_engine_schedule(w.e, S(10), do_delete, &d, NULL);
  ks_engine_run(w.e);
  assert_int_equal(pods(&w), 1);
  assert_null(ks_store_get(w.s, KS_STORE_CONFIG_MAP, "ns", "cfg"));
  GPtrArray *all = ks_store_list(w.s, KS_STORE_POD, "ns");
  const KsStoreObject *o = all->pdata[0];
  assert_int_equal(((const KsPod *)o->data)->deletion_timestamp_us, S(10));
  char *name = g_strdup(o->name);
  g_ptr_array_unref(all);
  assert_true(ks_object_remove_finalizer(w.s, KS_STORE_POD, "ns", name, "example.com/keep", NULL));
  assert_null(ks_store_get(w.s, KS_STORE_POD, "ns", name));
  g_free(name);
  world_free(&w);
}

static void test_propagation_names(void **state) {
  KsPropagation p;
  assert_true(ks_propagation_from_string("Foreground", &p));
  assert_int_equal(p, KS_PROPAGATION_FOREGROUND);
  assert_true(ks_propagation_from_string("Orphan", &p));
  assert_int_equal(p, KS_PROPAGATION_ORPHAN);
  assert_true(ks_propagation_from_string("Background", &p));
  assert_int_equal(p, KS_PROPAGATION_BACKGROUND);
  assert_false(ks_propagation_from_string("background", &p));
  assert_string_equal(ks_propagation_to_string(KS_PROPAGATION_ORPHAN), "Orphan");
  GError *error = NULL;
  World w;
  world_init(&w);
  assert_false(ks_object_delete(w.s, KS_STORE_REPLICA_SET, "ns", "nope", KS_PROPAGATION_ORPHAN,
                                &error));
  g_assert_error(error, KS_STORE_ERROR, KS_STORE_ERROR_NOT_FOUND);
  assert_string_equal(error->message, "replicasets \"nope\" not found");
  g_error_free(error);
  world_free(&w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_background),
    cmocka_unit_test(test_foreground),
    cmocka_unit_test(test_orphan),
    cmocka_unit_test(test_two_levels_foreground),
    cmocka_unit_test(test_two_levels_background),
    cmocka_unit_test(test_dangling_reference_removed),
    cmocka_unit_test(test_finalizer_holds),
    cmocka_unit_test(test_propagation_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
