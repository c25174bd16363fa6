/* Tests of the ReplicaSet controller (sim/controllers/replica_set.c):
 * scale up (names, owner references, slow start and the 500 burst), scale
 * down with the exact victims of upstream's ranking, replacement of
 * finished pods, adoption and release, status with minReadySeconds, and a
 * create refused by admission. The test plays the kubelet: it writes pod
 * phases and readiness itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sched/pod.h"
#include "sim/controllers/controller_utils.h"
#include "sim/controllers/replica_set.h"
#include "sim/controllers/runtime.h"
#include "tests/sim/replica_world.h"
#include "workloads/apps.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)
#define RS_UID "11111111-1111-4111-8111-111111111111"

typedef KsReplicaWorld World;

static void world_init(World *w, gint64 latency) {
  ks_replica_world_init(w, &ks_replica_set_controller_class, latency, FALSE);
}

static void world_free(World *w) { ks_replica_world_free(w); }

static KsReplicaSet *rs_new(gint32 replicas) {
  KsReplicaSet *rs = ks_replica_set_new("ns", "web");
  rs->meta.uid = g_strdup(RS_UID);
  rs->meta.generation = 1;
  rs->replicas = replicas;
  rs->selector = ks_label_selector_new();
  ks_labels_set(&rs->selector->match_labels, "app", "web");
  ks_labels_set(&rs->template->labels, "app", "web");
  ks_labels_set(&rs->template->labels, "tier", "front");
  return rs;
}

static void put_rs(World *w, KsReplicaSet *rs) {
  assert_true(ks_store_create(w->s, KS_STORE_REPLICA_SET, "ns", rs->meta.name, rs,
                              (GDestroyNotify)ks_replica_set_free, NULL));
}

static const KsReplicaSet *get_rs(World *w) {
  const KsStoreObject *o = ks_store_get(w->s, KS_STORE_REPLICA_SET, "ns", "web");
  assert_non_null(o);
  return o->data;
}

static void scale(World *w, gint32 replicas) {
  KsReplicaSet *rs = ks_replica_set_copy(get_rs(w));
  rs->replicas = replicas;
  rs->meta.generation++;
  assert_true(ks_store_update(w->s, KS_STORE_REPLICA_SET, "ns", "web", rs,
                              (GDestroyNotify)ks_replica_set_free, 0, NULL));
}

/* A pod owned by the RS. */
static KsPod *owned_pod(const char *name, const char *uid, const char *node, KsPodPhase phase,
                        gboolean ready, gint64 ready_since, gint64 created) {
  return ks_replica_owned_pod("apps/v1", "ReplicaSet", RS_UID, name, uid, node, phase, ready,
                              ready_since, created);
}

static void put_pod(World *w, KsPod *p) { ks_replica_put_pod(w, p); }

static const KsPod *get_pod(World *w, const char *name) { return ks_replica_get_pod(w, name); }

static void set_pod(World *w, const char *name, KsPodPhase phase, gboolean ready) {
  KsPod *p = ks_pod_copy(get_pod(w, name));
  p->phase = phase;
  if (ready && !p->ready)
    p->ready_since_us = ks_engine_now(w->e);
  p->ready = ready;
  assert_true(ks_store_update(w->s, KS_STORE_POD, "ns", name, p, (GDestroyNotify)ks_pod_unref, 0,
                              NULL));
}

static gboolean generated_name(const char *name) {
  if (strlen(name) != strlen("web-") + 5 || strncmp(name, "web-", 4) != 0)
    return FALSE;
  for (const char *c = name + 4; *c; c++)
    if (!strchr("bcdfghjklmnpqrstvwxz2456789", *c))
      return FALSE;
  return TRUE;
}

/* 0 -> 5: five pods "web-xxxxx" from the template, controlled by the RS. */
static void test_scale_up(void **state) {
  World w;
  world_init(&w, 0);
  put_rs(&w, rs_new(5));
  ks_engine_run(w.e);
  GPtrArray *pods = ks_store_list(w.s, KS_STORE_POD, "ns");
  assert_int_equal(pods->len, 5);
  for (guint i = 0; i < pods->len; i++) {
    const KsStoreObject *o = pods->pdata[i];
    const KsPod *p = o->data;
    assert_true(generated_name(o->name));
    assert_string_equal(p->generate_name, "web-");
    assert_string_equal(ks_labels_get(&p->labels, "tier"), "front");
    const KsOwnerReference *ref = ks_pod_get_controller(p);
    assert_non_null(ref);
    assert_string_equal(ref->kind, "ReplicaSet");
    assert_string_equal(ref->api_version, "apps/v1");
    assert_string_equal(ref->name, "web");
    assert_string_equal(ref->uid, RS_UID);
    assert_true(ref->block_owner_deletion);
    assert_non_null(p->uid);
  }
  g_ptr_array_unref(pods);
  const KsReplicaSet *rs = get_rs(&w);
  assert_int_equal(rs->status_replicas, 5);
  assert_int_equal(rs->fully_labeled_replicas, 5);
  assert_int_equal(rs->ready_replicas, 0);
  assert_int_equal(rs->available_replicas, 0);
  assert_int_equal(rs->observed_generation, 1);
  world_free(&w);
}

/* Same seed, same names: the generated names come from the controller's
 * RNG stream. */
static void test_names_deterministic(void **state) {
  char *first[2][3];
  for (int run = 0; run < 2; run++) {
    World w;
    world_init(&w, 0);
    put_rs(&w, rs_new(3));
    ks_engine_run(w.e);
    GPtrArray *pods = ks_store_list(w.s, KS_STORE_POD, "ns");
    assert_int_equal(pods->len, 3);
    for (int i = 0; i < 3; i++)
      first[run][i] = g_strdup(((const KsStoreObject *)pods->pdata[i])->name);
    g_ptr_array_unref(pods);
    world_free(&w);
  }
  for (int i = 0; i < 3; i++) {
    assert_string_equal(first[0][i], first[1][i]);
    g_free(first[0][i]);
    g_free(first[1][i]);
  }
}

/* 600 replicas: 500 (burstReplicas) in the first sync, the other 100 in
 * the next, once the 500 creations have been observed. With a 1 s
 * reconcile latency the syncs run at 1 s and 2 s. */
static void test_burst(void **state) {
  World w;
  world_init(&w, S(1));
  put_rs(&w, rs_new(600));
  ks_engine_run_until(w.e, S(1));
  assert_int_equal(ks_store_count(w.s, KS_STORE_POD), 500);
  ks_engine_run_until(w.e, S(2) - 1);
  assert_int_equal(ks_store_count(w.s, KS_STORE_POD), 500);
  ks_engine_run_until(w.e, S(2));
  assert_int_equal(ks_store_count(w.s, KS_STORE_POD), 600);
  ks_engine_run(w.e);
  assert_int_equal(ks_store_count(w.s, KS_STORE_POD), 600);
  assert_int_equal(get_rs(&w)->status_replicas, 600);
  world_free(&w);
}

/* Scale 6 -> 2 at t=100 s. The four victims, in upstream's order:
 *   unassigned (1. unassigned < assigned)
 *   assigned-pending (2. Pending < Running)
 *   running-not-ready (3. not ready < ready)
 *   ready-recent: ready since 90 s (10 s ago, log2(1e10 ns) = 33) before
 *     ready-old, ready since 10 s (90 s ago, log2(9e10 ns) = 36) (6.);
 * ready-costly, as recent as ready-recent but with pod-deletion-cost 100,
 * survives (4. lower cost first). */
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
  put_rs(w, rs_new(6));
}

static void scale_to_2(KsEngine *e, gpointer data) { scale(data, 2); }

static void test_scale_down_victims(void **state) {
  World w;
  world_init(&w, 0);
  ks_engine_schedule(w.e, 0, setup_six, &w, NULL);
  ks_engine_schedule(w.e, S(100), scale_to_2, &w, NULL);
  ks_engine_run_until(w.e, S(99));
  assert_int_equal(w.deleted->len, 0); /* 6 owned pods, 6 replicas: nothing to do */
  assert_int_equal(get_rs(&w)->ready_replicas, 3);
  ks_engine_run(w.e);
  const char *want[] = {"unassigned", "assigned-pending", "running-not-ready", "ready-recent",
                        NULL};
  ks_replica_assert_names(w.deleted, want);
  assert_non_null(get_pod(&w, "ready-old"));
  assert_non_null(get_pod(&w, "ready-costly"));
  assert_int_equal(get_rs(&w)->status_replicas, 2);
  assert_int_equal(get_rs(&w)->observed_generation, 2);
  world_free(&w);
}

/* Doubled up first, then LogarithmicScaleDown: at t=2000 s,
 * - a and b share node n1 (rank 2), c is alone on n2: one of a, b goes
 *   first (5. more related pods on the node first); a and b are equal on
 *   everything else: ksim's tie-break by name picks a;
 * - then between b (n1, now alone) and c: equal rank 1; created at 1000 s
 *   and 1001 s, 1000 and 999 s ago, both in bucket log2(~1e12 ns) = 39:
 *   the uid decides, "u-b" < "u-c", so the older b goes before c (8.). */
static void setup_three(KsEngine *e, gpointer data) {
  World *w = data;
  put_pod(w, owned_pod("a", "u-a", "n1", KS_POD_RUNNING, TRUE, S(500), S(1000)));
  put_pod(w, owned_pod("b", "u-b", "n1", KS_POD_RUNNING, TRUE, S(500), S(1000)));
  put_pod(w, owned_pod("c", "u-c", "n2", KS_POD_RUNNING, TRUE, S(500), S(1001)));
  put_rs(w, rs_new(3));
}
static void scale_to_1(KsEngine *e, gpointer data) { scale(data, 1); }

static void test_scale_down_rank_and_log_scale(void **state) {
  World w;
  world_init(&w, 0);
  ks_engine_schedule(w.e, S(1001), setup_three, &w, NULL);
  ks_engine_schedule(w.e, S(2000), scale_to_2, &w, NULL);
  ks_engine_schedule(w.e, S(2001), scale_to_1, &w, NULL);
  ks_engine_run(w.e);
  const char *want[] = {"a", "b", NULL};
  ks_replica_assert_names(w.deleted, want);
  world_free(&w);
}

/* The ranking itself, on the upstream unit test's shape: a zero creation
 * time sorts before any other (afterOrZero). */
static void test_sort_zero_time(void **state) {
  KsPod *old = owned_pod("old", "u1", "n1", KS_POD_RUNNING, FALSE, 0, S(10));
  KsPod *zero = owned_pod("zero", "u2", "n1", KS_POD_RUNNING, FALSE, 0, 0);
  KsPod *newer = owned_pod("newer", "u3", "n1", KS_POD_RUNNING, FALSE, 0, S(1000));
  GPtrArray *pods = g_ptr_array_new();
  g_ptr_array_add(pods, old);
  g_ptr_array_add(pods, zero);
  g_ptr_array_add(pods, newer);
  ks_controller_sort_pods_to_delete(pods, NULL, S(5000));
  assert_string_equal(((KsPod *)pods->pdata[0])->name, "zero");
  /* 4990 s ago: log2(4.99e12) = 42; 4000 s ago: log2(4e12) = 41 */
  assert_string_equal(((KsPod *)pods->pdata[1])->name, "newer");
  assert_string_equal(((KsPod *)pods->pdata[2])->name, "old");
  g_ptr_array_unref(pods);
  ks_pod_unref(old);
  ks_pod_unref(zero);
  ks_pod_unref(newer);
}

/* A finished pod is not active: the RS does not count it and replaces it. */
static void finish_first(KsEngine *e, gpointer data) {
  World *w = data;
  GPtrArray *pods = ks_store_list(w->s, KS_STORE_POD, "ns");
  set_pod(w, ((const KsStoreObject *)pods->pdata[0])->name, KS_POD_SUCCEEDED, FALSE);
  g_ptr_array_unref(pods);
}

static void test_replace_finished(void **state) {
  World w;
  world_init(&w, 0);
  put_rs(&w, rs_new(2));
  ks_engine_schedule(w.e, S(10), finish_first, &w, NULL);
  ks_engine_run(w.e);
  assert_int_equal(ks_store_count(w.s, KS_STORE_POD), 3); /* the finished one stays */
  assert_int_equal(get_rs(&w)->status_replicas, 2);
  world_free(&w);
}

/* An orphan matching the selector is adopted (no pod created for it); an
 * owned pod whose labels stop matching is released and replaced. */
static void put_orphan(KsEngine *e, gpointer data) {
  KsPod *p = ks_pod_new("ns", "orphan");
  ks_labels_set(&p->labels, "app", "web");
  put_pod(data, p);
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
  world_init(&w, 0);
  ks_engine_schedule(w.e, 0, put_orphan, &w, NULL);
  put_rs(&w, rs_new(1));
  ks_engine_run_until(w.e, S(1));
  assert_int_equal(ks_store_count(w.s, KS_STORE_POD), 1);
  const KsOwnerReference *ref = ks_pod_get_controller(get_pod(&w, "orphan"));
  assert_non_null(ref);
  assert_string_equal(ref->uid, RS_UID);
  assert_true(ref->controller);
  ks_engine_schedule(w.e, S(5), relabel_orphan, &w, NULL);
  ks_engine_run(w.e);
  assert_null(ks_pod_get_controller(get_pod(&w, "orphan")));
  assert_int_equal(ks_store_count(w.s, KS_STORE_POD), 2);
  assert_int_equal(get_rs(&w)->status_replicas, 1);
  assert_int_equal(get_rs(&w)->fully_labeled_replicas, 1);
  world_free(&w);
}

/* minReadySeconds 10: a pod ready at 5 s is available strictly after 15 s.
 * The sync at 5 s (the pod's update) sees every pod ready and not all
 * available and looks again minReadySeconds + 1 µs later (ksim's version
 * of upstream's requeue; docs/controllers.md): at 15 s + 1 µs. */
static void make_ready(KsEngine *e, gpointer data) {
  World *w = data;
  GPtrArray *pods = ks_store_list(w->s, KS_STORE_POD, "ns");
  set_pod(w, ((const KsStoreObject *)pods->pdata[0])->name, KS_POD_RUNNING, TRUE);
  g_ptr_array_unref(pods);
}

static void test_min_ready_seconds(void **state) {
  World w;
  world_init(&w, 0);
  KsReplicaSet *rs = rs_new(1);
  rs->min_ready_seconds = 10;
  put_rs(&w, rs);
  ks_engine_schedule(w.e, S(5), make_ready, &w, NULL);
  ks_engine_run_until(w.e, S(5));
  assert_int_equal(get_rs(&w)->ready_replicas, 1);
  assert_int_equal(get_rs(&w)->available_replicas, 0);
  ks_engine_run_until(w.e, S(15));
  assert_int_equal(get_rs(&w)->available_replicas, 0);
  ks_engine_run_until(w.e, S(15) + 1);
  assert_int_equal(get_rs(&w)->available_replicas, 1);
  world_free(&w);
}

/* Admission refuses the template (a missing PriorityClass): the first
 * slow-start batch (one pod) fails, the rest are skipped, the RS gets
 * ReplicaFailure/FailedCreate with the API server's message, and the key
 * is retried rate limited. At t=0 it is synced twice (its creation, then
 * its own status write): two failures, requeued at 5 ms (the 10 ms of the
 * second is later than the 5 ms waiting, so it is dropped, as upstream);
 * the third failure, at 5 ms, waits 20 ms: the next sync is at 25 ms. */
static void test_create_refused(void **state) {
  World w;
  world_init(&w, 0);
  KsReplicaSet *rs = rs_new(3);
  rs->template->priority_class_name = g_strdup("missing");
  put_rs(&w, rs);
  ks_engine_run_until(w.e, 0);
  assert_int_equal(ks_store_count(w.s, KS_STORE_POD), 0);
  const KsCondition *cond = ks_conditions_get(get_rs(&w)->conditions, KS_RS_COND_REPLICA_FAILURE);
  assert_non_null(cond);
  assert_int_equal(cond->status, KS_CONDITION_TRUE);
  assert_string_equal(cond->reason, "FailedCreate");
  assert_non_null(strstr(cond->message, "no PriorityClass with name missing was found"));
  assert_int_equal(ks_controller_syncs(w.c), 2);
  ks_engine_run_until(w.e, 5000);
  assert_int_equal(ks_controller_syncs(w.c), 3);
  ks_engine_run_until(w.e, 25000 - 1);
  assert_int_equal(ks_controller_syncs(w.c), 3);
  ks_engine_run_until(w.e, 25000);
  assert_int_equal(ks_controller_syncs(w.c), 4);
  assert_int_equal(ks_work_queue_num_requeues(ks_controller_queue(w.c), "ns/web"), 4);
  world_free(&w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_scale_up),
    cmocka_unit_test(test_names_deterministic),
    cmocka_unit_test(test_burst),
    cmocka_unit_test(test_scale_down_victims),
    cmocka_unit_test(test_scale_down_rank_and_log_scale),
    cmocka_unit_test(test_sort_zero_time),
    cmocka_unit_test(test_replace_finished),
    cmocka_unit_test(test_adopt_and_release),
    cmocka_unit_test(test_min_ready_seconds),
    cmocka_unit_test(test_create_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
