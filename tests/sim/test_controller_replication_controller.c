/* Tests of the ReplicationController controller (sim/controllers/
 * replication_controller.c over replica_set.c): create (names, controller
 * references kind ReplicationController apiVersion v1, status), scale up
 * and down with the exact victims of upstream's ranking, adoption of an
 * orphan by the selector map (equality) and release, a pod controlled by a
 * ReplicaSet left alone, cascading deletion by the garbage collector, and
 * the ReplicaFailure condition of a refused create.
 * The test plays the kubelet: it writes pod phases and readiness itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sched/pod.h"
#include "sched/priority_class.h"
#include "sim/controllers/controller_utils.h"
#include "sim/controllers/deletion.h"
#include "sim/controllers/garbage_collector.h"
#include "sim/controllers/replication_controller.h"
#include "sim/controllers/runtime.h"
#include "tests/sim/replica_world.h"
#include "workloads/apps.h"
#include "workloads/replication_controller.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)
#define RC_UID "33333333-3333-4333-8333-333333333333"

typedef KsReplicaWorld World;

static void world_init(World *w, gboolean gc) {
  ks_replica_world_init(w, &ks_replication_controller_class, 0, gc);
}

static void world_free(World *w) { ks_replica_world_free(w); }

static KsReplicationController *rc_new(gint32 replicas) {
  KsReplicationController *rc = ks_replication_controller_new("ns", "web");
  rc->meta.uid = g_strdup(RC_UID);
  rc->meta.generation = 1;
  rc->replicas = replicas;
  ks_labels_set(&rc->selector, "app", "web");
  ks_labels_set(&rc->template->labels, "app", "web");
  ks_labels_set(&rc->template->labels, "tier", "front");
  return rc;
}

static void put_rc(World *w, KsReplicationController *rc) {
  assert_true(ks_store_create(w->s, KS_STORE_REPLICATION_CONTROLLER, "ns", rc->meta.name, rc,
                              (GDestroyNotify)ks_replication_controller_free, NULL));
}

static const KsReplicationController *get_rc(World *w) {
  const KsStoreObject *o = ks_store_get(w->s, KS_STORE_REPLICATION_CONTROLLER, "ns", "web");
  assert_non_null(o);
  return o->data;
}

static void scale(World *w, gint32 replicas) {
  KsReplicationController *rc = ks_replication_controller_copy(get_rc(w));
  rc->replicas = replicas;
  rc->meta.generation++;
  assert_true(ks_store_update(w->s, KS_STORE_REPLICATION_CONTROLLER, "ns", "web", rc,
                              (GDestroyNotify)ks_replication_controller_free, 0, NULL));
}

static KsPod *owned_pod(const char *name, const char *uid, const char *node, KsPodPhase phase,
                        gboolean ready, gint64 ready_since, gint64 created) {
  return ks_replica_owned_pod("v1", "ReplicationController", RC_UID, name, uid, node, phase, ready,
                              ready_since, created);
}

static void put_pod(World *w, KsPod *p) { ks_replica_put_pod(w, p); }

static const KsPod *get_pod(World *w, const char *name) { return ks_replica_get_pod(w, name); }

/* Pods controlled by the RC (by uid), counted. */
static guint controlled(World *w) {
  GPtrArray *pods = ks_store_list(w->s, KS_STORE_POD, "ns");
  guint n = 0;
  for (guint i = 0; i < pods->len; i++) {
    const KsOwnerReference *ref = ks_pod_get_controller(((const KsStoreObject *)pods->pdata[i])->data);
    if (ref && !g_strcmp0(ref->uid, RC_UID))
      n++;
  }
  g_ptr_array_unref(pods);
  return n;
}

/* 0 -> 3: three pods "web-xxxxx" from the template, controlled by the RC
 * with kind ReplicationController, apiVersion v1; status written back. */
static void test_create(void **state) {
  World w;
  world_init(&w, FALSE);
  put_rc(&w, rc_new(3));
  ks_engine_run(w.e);
  GPtrArray *pods = ks_store_list(w.s, KS_STORE_POD, "ns");
  assert_int_equal(pods->len, 3);
  for (guint i = 0; i < pods->len; i++) {
    const KsStoreObject *o = pods->pdata[i];
    const KsPod *p = o->data;
    assert_int_equal(strlen(o->name), strlen("web-") + 5);
    assert_true(g_str_has_prefix(o->name, "web-"));
    assert_string_equal(p->generate_name, "web-");
    assert_string_equal(ks_labels_get(&p->labels, "tier"), "front");
    const KsOwnerReference *ref = ks_pod_get_controller(p);
    assert_non_null(ref);
    assert_string_equal(ref->kind, "ReplicationController");
    assert_string_equal(ref->api_version, "v1");
    assert_string_equal(ref->name, "web");
    assert_string_equal(ref->uid, RC_UID);
    assert_true(ref->block_owner_deletion);
  }
  g_ptr_array_unref(pods);
  const KsReplicationController *rc = get_rc(&w);
  assert_int_equal(rc->status_replicas, 3);
  assert_int_equal(rc->fully_labeled_replicas, 3);
  assert_int_equal(rc->ready_replicas, 0);
  assert_int_equal(rc->available_replicas, 0);
  assert_int_equal(rc->observed_generation, 1);
  assert_string_equal(ks_controller_name(w.c), "replicationcontroller");
  world_free(&w);
}

/* Scale up 2 -> 7 (slow start 1, 2, 2 more: all five in one sync), then
 * the status follows. */
static void scale_to_7(KsEngine *e, gpointer data) { scale(data, 7); }

static void test_scale_up(void **state) {
  World w;
  world_init(&w, FALSE);
  put_rc(&w, rc_new(2));
  ks_engine_schedule(w.e, S(10), scale_to_7, &w, NULL);
  ks_engine_run_until(w.e, S(9));
  assert_int_equal(ks_store_count(w.s, KS_STORE_POD), 2);
  ks_engine_run(w.e);
  assert_int_equal(ks_store_count(w.s, KS_STORE_POD), 7);
  assert_int_equal(get_rc(&w)->status_replicas, 7);
  assert_int_equal(get_rc(&w)->observed_generation, 2);
  world_free(&w);
}

/* Scale 6 -> 2 at t=100 s: the victims of the ReplicaSet test's table, in
 * upstream's order (unassigned, Pending, not ready, then the more recently
 * ready of two ready pods; the one with pod-deletion-cost 100 survives). */
static void setup_six(KsEngine *e, gpointer data) {
  World *w = data;
  put_pod(w, owned_pod("unassigned", "u1", NULL, KS_POD_PENDING, FALSE, 0, S(0)));
  put_pod(w, owned_pod("assigned-pending", "u2", "n1", KS_POD_PENDING, FALSE, 0, S(0)));
  put_pod(w, owned_pod("running-not-ready", "u3", "n1", KS_POD_RUNNING, FALSE, 0, S(0)));
  put_pod(w, owned_pod("ready-recent", "u4", "n2", KS_POD_RUNNING, TRUE, S(90), S(0)));
  put_pod(w, owned_pod("ready-old", "u5", "n3", KS_POD_RUNNING, TRUE, S(10), S(0)));
  KsPod *costly = owned_pod("ready-costly", "u6", "n4", KS_POD_RUNNING, TRUE, S(90), S(0));
  ks_labels_set(&costly->annotations, KS_ANN_POD_DELETION_COST, "100");
  put_pod(w, costly);
  put_rc(w, rc_new(6));
}

static void scale_to_2(KsEngine *e, gpointer data) { scale(data, 2); }

static void test_scale_down_victims(void **state) {
  World w;
  world_init(&w, FALSE);
  ks_engine_schedule(w.e, 0, setup_six, &w, NULL);
  ks_engine_schedule(w.e, S(100), scale_to_2, &w, NULL);
  ks_engine_run_until(w.e, S(99));
  assert_int_equal(w.deleted->len, 0);
  assert_int_equal(get_rc(&w)->ready_replicas, 3);
  assert_int_equal(get_rc(&w)->status_replicas, 6);
  ks_engine_run(w.e);
  const char *want[] = {"unassigned", "assigned-pending", "running-not-ready", "ready-recent",
                        NULL};
  ks_replica_assert_names(w.deleted, want);
  assert_non_null(get_pod(&w, "ready-old"));
  assert_non_null(get_pod(&w, "ready-costly"));
  assert_int_equal(get_rc(&w)->status_replicas, 2);
  assert_int_equal(get_rc(&w)->ready_replicas, 2);
  assert_int_equal(get_rc(&w)->observed_generation, 2);
  world_free(&w);
}

/* The selector is a map: an orphan carrying app=web (and more labels) is
 * adopted, one with app=other is not; the adopted one, relabelled, is
 * released and replaced. */
static void put_orphans(KsEngine *e, gpointer data) {
  KsPod *p = ks_pod_new("ns", "orphan");
  ks_labels_set(&p->labels, "app", "web");
  ks_labels_set(&p->labels, "extra", "x");
  put_pod(data, p);
  KsPod *q = ks_pod_new("ns", "stranger");
  ks_labels_set(&q->labels, "app", "other");
  put_pod(data, q);
}

static void relabel_orphan(KsEngine *e, gpointer data) {
  World *w = data;
  KsPod *p = ks_pod_copy(get_pod(w, "orphan"));
  ks_labels_set(&p->labels, "app", "other");
  assert_true(ks_store_update(w->s, KS_STORE_POD, "ns", "orphan", p, (GDestroyNotify)ks_pod_unref,
                              0, NULL));
}

static void test_adopt_and_release(void **state) {
  World w;
  world_init(&w, FALSE);
  ks_engine_schedule(w.e, 0, put_orphans, &w, NULL);
  put_rc(&w, rc_new(1));
  ks_engine_run_until(w.e, S(1));
  assert_int_equal(ks_store_count(w.s, KS_STORE_POD), 2); /* no pod created */
  const KsOwnerReference *ref = ks_pod_get_controller(get_pod(&w, "orphan"));
  assert_non_null(ref);
  assert_string_equal(ref->kind, "ReplicationController");
  assert_string_equal(ref->api_version, "v1");
  assert_string_equal(ref->uid, RC_UID);
  assert_true(ref->controller);
  assert_null(ks_pod_get_controller(get_pod(&w, "stranger")));
  assert_int_equal(get_rc(&w)->status_replicas, 1);
  /* the orphan lacks the template's tier=front label */
  assert_int_equal(get_rc(&w)->fully_labeled_replicas, 0);
  ks_engine_schedule(w.e, S(5), relabel_orphan, &w, NULL);
  ks_engine_run(w.e);
  assert_null(ks_pod_get_controller(get_pod(&w, "orphan")));
  assert_int_equal(ks_store_count(w.s, KS_STORE_POD), 3);
  assert_int_equal(controlled(&w), 1);
  assert_int_equal(get_rc(&w)->status_replicas, 1);
  assert_int_equal(get_rc(&w)->fully_labeled_replicas, 1);
  world_free(&w);
}

/* A pod the selector matches but controlled by a ReplicaSet named like
 * the RC is someone else's (ClaimPods goes by the controller's uid): not
 * adopted, not counted; the RC makes its own pod. */
static void test_other_kind_left_alone(void **state) {
  World w;
  world_init(&w, FALSE);
  KsPod *p = ks_pod_new("ns", "rs-pod");
  ks_labels_set(&p->labels, "app", "web");
  ks_owner_reference_array_add(&p->owner_references, "apps/v1", "ReplicaSet", "web",
                               "44444444-4444-4444-8444-444444444444", TRUE, TRUE);
  put_pod(&w, p);
  put_rc(&w, rc_new(1));
  ks_engine_run(w.e);
  assert_int_equal(ks_store_count(w.s, KS_STORE_POD), 2);
  assert_string_equal(ks_pod_get_controller(get_pod(&w, "rs-pod"))->kind, "ReplicaSet");
  assert_int_equal(controlled(&w), 1);
  assert_int_equal(get_rc(&w)->status_replicas, 1);
  world_free(&w);
}

/* Deleting the RC (background propagation): the garbage collector deletes
 * its pods, whose controller reference names it; an unrelated pod stays. */
static void delete_rc(KsEngine *e, gpointer data) {
  World *w = data;
  GError *error = NULL;
  assert_true(ks_object_delete(w->s, KS_STORE_REPLICATION_CONTROLLER, "ns", "web",
                               KS_PROPAGATION_BACKGROUND, &error));
  g_assert_no_error(error);
}

static void test_cascade_delete(void **state) {
  World w;
  world_init(&w, TRUE);
  KsPod *q = ks_pod_new("ns", "stranger");
  ks_labels_set(&q->labels, "app", "other");
  put_pod(&w, q);
  put_rc(&w, rc_new(3));
  ks_engine_run_until(w.e, S(1));
  assert_int_equal(controlled(&w), 3);
  ks_engine_schedule(w.e, S(10), delete_rc, &w, NULL);
  ks_engine_run(w.e);
  assert_null(ks_store_get(w.s, KS_STORE_REPLICATION_CONTROLLER, "ns", "web"));
  assert_int_equal(w.deleted->len, 3);
  for (guint i = 0; i < w.deleted->len; i++)
    assert_true(g_str_has_prefix(w.deleted->pdata[i], "web-"));
  assert_int_equal(ks_store_count(w.s, KS_STORE_POD), 1);
  assert_non_null(get_pod(&w, "stranger"));
  world_free(&w);
}

/* A refused create (a missing PriorityClass): no pod, and the RC gets
 * upstream's ReplicaFailure condition (calculateStatus: FailedCreate, as
 * fewer pods than replicas exist; the API server's message), written with
 * the status, so the RC is synced twice at t=0 (its creation, then its own
 * status write), as the ReplicaSet is. Retried rate limited: 5 ms, 25 ms
 * (5 ms doubling per failure, the second failure's 10 ms dropped as the
 * key already waits), 65 ms. The PriorityClass appears at 30 ms: at 65 ms
 * the three pods are made and the condition is removed. */
static void add_priority_class(KsEngine *e, gpointer data) {
  World *w = data;
  KsPriorityClass *pc = ks_priority_class_new("missing", 1000);
  assert_true(ks_store_create(w->s, KS_STORE_PRIORITY_CLASS, NULL, "missing", pc,
                              (GDestroyNotify)ks_priority_class_free, NULL));
}

static void test_create_refused(void **state) {
  World w;
  world_init(&w, FALSE);
  KsReplicationController *rc = rc_new(3);
  rc->template->priority_class_name = g_strdup("missing");
  put_rc(&w, rc);
  ks_engine_schedule(w.e, 30000, add_priority_class, &w, NULL);
  ks_engine_run_until(w.e, 0);
  assert_int_equal(ks_store_count(w.s, KS_STORE_POD), 0);
  assert_int_equal(get_rc(&w)->observed_generation, 1);
  assert_int_equal(get_rc(&w)->conditions->len, 1);
  const KsCondition *cond = ks_conditions_get(get_rc(&w)->conditions, KS_RS_COND_REPLICA_FAILURE);
  assert_non_null(cond);
  assert_string_equal(cond->type, "ReplicaFailure");
  assert_int_equal(cond->status, KS_CONDITION_TRUE);
  assert_string_equal(cond->reason, "FailedCreate");
  /* the admission error of the first pod tried (the name drawn for it) */
  assert_true(g_str_has_prefix(cond->message, "pods \"ns/web-"));
  assert_true(g_str_has_suffix(cond->message, "\" is forbidden: no PriorityClass with name "
                                              "missing was found"));
  assert_int_equal(strlen(cond->message), strlen("pods \"ns/web-xxxxx\" is forbidden: no "
                                                 "PriorityClass with name missing was found"));
  assert_int_equal(cond->last_transition_time_us, 0);
  assert_int_equal(ks_controller_syncs(w.c), 2);
  ks_engine_run_until(w.e, 4999);
  assert_int_equal(ks_controller_syncs(w.c), 2);
  ks_engine_run_until(w.e, 5000);
  assert_int_equal(ks_controller_syncs(w.c), 3);
  ks_engine_run_until(w.e, 25000);
  assert_int_equal(ks_controller_syncs(w.c), 4);
  assert_int_equal(ks_store_count(w.s, KS_STORE_POD), 0);
  /* unchanged by the failed retries: set once */
  assert_int_equal(ks_conditions_get(get_rc(&w)->conditions, KS_RS_COND_REPLICA_FAILURE)
                       ->last_transition_time_us,
                   0);
  ks_engine_run_until(w.e, 65000 - 1);
  assert_int_equal(ks_store_count(w.s, KS_STORE_POD), 0);
  ks_engine_run_until(w.e, 65000);
  assert_int_equal(ks_store_count(w.s, KS_STORE_POD), 3);
  assert_null(ks_conditions_get(get_rc(&w)->conditions, KS_RS_COND_REPLICA_FAILURE));
  assert_int_equal(get_rc(&w)->status_replicas, 3);
  world_free(&w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_create),
    cmocka_unit_test(test_scale_up),
    cmocka_unit_test(test_scale_down_victims),
    cmocka_unit_test(test_adopt_and_release),
    cmocka_unit_test(test_other_kind_left_alone),
    cmocka_unit_test(test_cascade_delete),
    cmocka_unit_test(test_create_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
