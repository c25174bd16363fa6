/* The Eviction API (sim/eviction.c) on a bare store: no controllers run, so
 * the owners' scales stay as written and every count below is worked out
 * from the objects the test creates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sched/pdb.h"
#include "sched/pod.h"
#include "sim/engine.h"
#include "sim/eviction.h"
#include "sim/store.h"
#include "workloads/apps.h"

#define RS_UID "11111111-1111-4111-8111-111111111111"
#define D_UID "22222222-2222-4222-8222-222222222222"
#define DS_UID "33333333-3333-4333-8333-333333333333"

typedef struct {
  KsEngine *e;
  KsStore *s;
} World;

static void world_init(World *w) {
  w->e = ks_engine_new();
  w->s = ks_store_new(w->e);
}

static void world_free(World *w) {
  ks_store_free(w->s);
  ks_engine_free(w->e);
}

/* A Running pod labelled app=web, controlled by (kind, name, uid) when kind is set. */
static KsPod *pod(const char *name, gboolean ready, const char *kind, const char *owner,
                  const char *uid) {
  KsPod *p = ks_pod_new("default", name);
  p->uid = g_strdup_printf("uid-%s", name);
  ks_labels_set(&p->labels, "app", "web");
  ks_pod_add_container(p, "c", FALSE);
  p->node_name = g_strdup("n1");
  p->phase = KS_POD_RUNNING;
  p->ready = ready;
  if (kind)
    ks_owner_reference_array_add(&p->owner_references, "apps/v1", kind, owner, uid, TRUE, TRUE);
  return p;
}

static void put_pod(World *w, KsPod *p) {
  assert_true(ks_store_create(w->s, KS_STORE_POD, p->namespace, p->name, p,
                              (GDestroyNotify)ks_pod_unref, NULL));
}

/* A budget over app=web: min_available / max_unavailable as "3", "50%" or NULL. */
static void put_pdb(World *w, const char *name, const char *min_available,
                    const char *max_unavailable, gboolean empty_selector) {
  KsPodDisruptionBudget *b = ks_pdb_new("default", name);
  b->selector = ks_label_selector_new();
  if (!empty_selector)
    ks_labels_set(&b->selector->match_labels, "app", "web");
  if (min_available)
    assert_true(ks_int_or_percent_parse_percent(min_available, &b->min_available));
  if (max_unavailable)
    assert_true(ks_int_or_percent_parse_percent(max_unavailable, &b->max_unavailable));
  assert_true(ks_store_create(w->s, KS_STORE_POD_DISRUPTION_BUDGET, "default", name, b,
                              (GDestroyNotify)ks_pdb_free, NULL));
}

static void put_replica_set(World *w, gint32 replicas, gboolean under_deployment) {
  KsReplicaSet *rs = ks_replica_set_new("default", "web-abc");
  rs->meta.uid = g_strdup(RS_UID);
  rs->replicas = replicas;
  if (under_deployment)
    ks_owner_reference_array_add(&rs->meta.owner_references, "apps/v1", "Deployment", "web",
                                 D_UID, TRUE, TRUE);
  assert_true(ks_store_create(w->s, KS_STORE_REPLICA_SET, "default", rs->meta.name, rs,
                              (GDestroyNotify)ks_replica_set_free, NULL));
}

static void put_deployment(World *w, gint32 replicas) {
  KsDeployment *d = ks_deployment_new("default", "web");
  d->meta.uid = g_strdup(D_UID);
  d->replicas = replicas;
  assert_true(ks_store_create(w->s, KS_STORE_DEPLOYMENT, "default", "web", d,
                              (GDestroyNotify)ks_deployment_free, NULL));
}

static void expect(World *w, const char *name, KsEvictionResult want, const char *message) {
  char *msg = NULL;
  KsEvictionResult r = ks_sim_evict_pod(w->s, "default", name, &msg);
  if (r != want)
    fail_msg("%s: result %d, want %d (%s)", name, r, want, msg ? msg : "");
  if (message)
    assert_string_equal(msg, message);
  else
    assert_null(msg);
  g_free(msg);
}

#define TOO_MANY "Cannot evict pod as it would violate the pod's disruption budget."

static gboolean exists(World *w, const char *name) {
  return ks_store_get(w->s, KS_STORE_POD, "default", name) != NULL;
}

/* Deployment of 3 (its ReplicaSet says 5: the Deployment's scale counts), maxUnavailable
 * 1: expected 3, desired 2, healthy 3 -> one eviction, then 429. */
static void test_deployment_budget(void **state) {
  (void)state;
  World w;
  world_init(&w);
  put_deployment(&w, 3);
  put_replica_set(&w, 5, TRUE);
  put_pdb(&w, "web", NULL, "1", FALSE);
  put_pod(&w, pod("a", TRUE, "ReplicaSet", "web-abc", RS_UID));
  put_pod(&w, pod("b", TRUE, "ReplicaSet", "web-abc", RS_UID));
  put_pod(&w, pod("c", TRUE, "ReplicaSet", "web-abc", RS_UID));
  expect(&w, "a", KS_EVICTION_OK, NULL);
  assert_false(exists(&w, "a"));
  expect(&w, "b", KS_EVICTION_TOO_MANY_REQUESTS, TOO_MANY);
  assert_true(exists(&w, "b"));
  expect(&w, "a", KS_EVICTION_NOT_FOUND, "pods \"a\" not found");
  world_free(&w);
}

/* A ReplicaSet of its own (4) and maxUnavailable 50%: ceil(2) may go, the third is
 * refused. */
static void test_percent_budget(void **state) {
  (void)state;
  World w;
  world_init(&w);
  put_replica_set(&w, 4, FALSE);
  put_pdb(&w, "web", NULL, "50%", FALSE);
  const char *names[] = {"a", "b", "c", "d"};
  for (guint i = 0; i < 4; i++)
    put_pod(&w, pod(names[i], TRUE, "ReplicaSet", "web-abc", RS_UID));
  expect(&w, "a", KS_EVICTION_OK, NULL);
  expect(&w, "b", KS_EVICTION_OK, NULL);
  expect(&w, "c", KS_EVICTION_TOO_MANY_REQUESTS, TOO_MANY);
  world_free(&w);
}

/* minAvailable 2 over 3 pods, one not ready: expected 3, desired 2, healthy 2, no
 * disruption allowed; the not-ready pod still goes (IfHealthyBudget), a ready one not. */
static void test_unready_pod_if_healthy_budget(void **state) {
  (void)state;
  World w;
  world_init(&w);
  put_pdb(&w, "web", "2", NULL, FALSE);
  put_pod(&w, pod("a", TRUE, NULL, NULL, NULL));
  put_pod(&w, pod("b", TRUE, NULL, NULL, NULL));
  put_pod(&w, pod("sick", FALSE, NULL, NULL, NULL));
  expect(&w, "a", KS_EVICTION_TOO_MANY_REQUESTS, TOO_MANY);
  expect(&w, "sick", KS_EVICTION_OK, NULL);
  assert_false(exists(&w, "sick"));
  world_free(&w);
}

/* A pod that is Pending is evicted whatever the budget says; so is one being deleted. */
static void test_budget_ignored(void **state) {
  (void)state;
  World w;
  world_init(&w);
  put_pdb(&w, "web", "5", NULL, FALSE);
  KsPod *p = pod("pending", FALSE, NULL, NULL, NULL);
  p->phase = KS_POD_PENDING;
  g_clear_pointer(&p->node_name, g_free);
  put_pod(&w, p);
  put_pod(&w, pod("running", TRUE, NULL, NULL, NULL));
  expect(&w, "running", KS_EVICTION_TOO_MANY_REQUESTS, TOO_MANY);
  expect(&w, "pending", KS_EVICTION_OK, NULL);
  world_free(&w);
}

/* Two budgets over one pod: the API server refuses; an empty selector covers nothing. */
static void test_selectors(void **state) {
  (void)state;
  World w;
  world_init(&w);
  put_pdb(&w, "everything", "9", NULL, TRUE);
  put_pod(&w, pod("a", TRUE, NULL, NULL, NULL));
  put_pod(&w, pod("b", TRUE, NULL, NULL, NULL));
  expect(&w, "a", KS_EVICTION_OK, NULL); /* the empty selector's budget does not apply */
  put_pdb(&w, "one", NULL, "1", FALSE);
  put_pdb(&w, "two", NULL, "1", FALSE);
  expect(&w, "b", KS_EVICTION_ERROR,
         "Internal error occurred: This pod has more than one PodDisruptionBudget, which the "
         "eviction subresource does not support.");
  world_free(&w);
}

/* A DaemonSet has no scale: the disruption controller cannot count the expected pods of a
 * percentage or maxUnavailable budget, allows nothing, and the eviction is refused. */
static void test_no_scale(void **state) {
  (void)state;
  World w;
  world_init(&w);
  put_pdb(&w, "web", NULL, "1", FALSE);
  put_pod(&w, pod("a", TRUE, "DaemonSet", "agent", DS_UID));
  put_pod(&w, pod("b", TRUE, "DaemonSet", "agent", DS_UID));
  expect(&w, "a", KS_EVICTION_TOO_MANY_REQUESTS, TOO_MANY);
  world_free(&w);
}

/* The pod gets the DisruptionTarget condition before the delete: seen on a pod whose
 * finalizer keeps it (at 5 s: a deletionTimestamp of 0 would read as unset). */
static void test_disruption_target(void **state) {
  (void)state;
  World w;
  world_init(&w);
  ks_engine_run_until(w.e, 5 * G_USEC_PER_SEC);
  KsPod *p = pod("kept", TRUE, NULL, NULL, NULL);
  p->finalizers = g_new0(char *, 2);
  p->finalizers[0] = g_strdup("example.com/keep");
  put_pod(&w, p);
  expect(&w, "kept", KS_EVICTION_OK, NULL);
  const KsPod *now = ks_store_get(w.s, KS_STORE_POD, "default", "kept")->data;
  assert_true(ks_pod_is_terminating(now));
  const KsPodCondition *c = ks_pod_get_condition(now, KS_POD_CONDITION_DISRUPTION_TARGET);
  assert_non_null(c);
  assert_int_equal(c->status, KS_POD_CONDITION_TRUE);
  assert_string_equal(c->reason, "EvictionByEvictionAPI");
  assert_string_equal(c->message, "Eviction API: evicting");
  assert_int_equal(c->last_transition_time_us, 5 * G_USEC_PER_SEC);
  assert_int_equal(now->deletion_timestamp_us, 5 * G_USEC_PER_SEC);
  world_free(&w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_deployment_budget),
      cmocka_unit_test(test_percent_budget),
      cmocka_unit_test(test_unready_pod_if_healthy_budget),
      cmocka_unit_test(test_budget_ignored),
      cmocka_unit_test(test_selectors),
      cmocka_unit_test(test_no_scale),
      cmocka_unit_test(test_disruption_target),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
