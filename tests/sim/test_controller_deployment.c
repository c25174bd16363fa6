/* Tests of the Deployment controller (sim/controllers/deployment.c) with
 * the ReplicaSet controller and the garbage collector: the rolling update
 * of 10 replicas with maxSurge 3 / maxUnavailable 2 step by step, Recreate,
 * rollback, pause and resume, revisionHistoryLimit, status and
 * conditions. The test plays the kubelet: a pod becomes Running and ready
 * 10 s after it is created. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sched/pod.h"
#include "sim/controllers/deployment.h"
#include "sim/controllers/garbage_collector.h"
#include "sim/controllers/replica_set.h"
#include "sim/controllers/runtime.h"
#include "sim/engine.h"
#include "sim/store.h"
#include "workloads/apps.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)
#define D_UID "33333333-3333-4333-8333-333333333333"

typedef struct {
  KsEngine *e;
  KsStore *s;
  KsController *dc, *rsc, *gc;
  GPtrArray *sizes; /* "v1=8,v2=3@30" each time a ReplicaSet's size changes */
  GHashTable *current; /* version -> replicas + 1, as the last event said */
  char *last;
} World;

/* The image of a ReplicaSet's template, "v1" for "app:v1". */
static const char *version_of(const KsReplicaSet *rs) {
  const KsContainer *c = &g_array_index(rs->template->containers, KsContainer, 0);
  return strchr(c->image, ':') + 1;
}

/* Logs the sizes as each write left them: the watch events carry the
 * object written, so two writes of one sync show as two steps. */
static void log_sizes(World *w) {
  GList *keys = g_list_sort(g_hash_table_get_keys(w->current), (GCompareFunc)strcmp);
  GString *line = g_string_new("");
  for (GList *k = keys; k; k = k->next)
    g_string_append_printf(line, "%s%s=%d", k == keys ? "" : ",", (char *)k->data,
                           GPOINTER_TO_INT(g_hash_table_lookup(w->current, k->data)) - 1);
  g_list_free(keys);
  if (!w->last || strcmp(w->last, line->str) != 0) {
    g_free(w->last);
    w->last = g_strdup(line->str);
    g_ptr_array_add(w->sizes, g_strdup_printf("%s@%" G_GINT64_FORMAT, line->str,
                                              ks_engine_now(w->e) / G_USEC_PER_SEC));
  }
  g_string_free(line, TRUE);
}

static void on_rs(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                  const KsStoreObject *new_obj, gpointer user_data) {
  World *w = user_data;
  if (new_obj) {
    const KsReplicaSet *rs = new_obj->data;
    g_hash_table_insert(w->current, g_strdup(version_of(rs)), GINT_TO_POINTER(rs->replicas + 1));
  } else {
    g_hash_table_remove(w->current, version_of(old_obj->data));
  }
  log_sizes(w);
}

/* The kubelet: 10 s after a pod is created it is Running and ready. */
typedef struct {
  World *w;
  char *name;
} Start;

static void start_free(gpointer p) {
  Start *st = p;
  g_free(st->name);
  g_free(st);
}

static void start_pod(KsEngine *e, gpointer data) {
  Start *st = data;
  const KsStoreObject *o = ks_store_get(st->w->s, KS_STORE_POD, "ns", st->name);
  if (!o)
    return;
  KsPod *p = ks_pod_copy(o->data);
  p->node_name = g_strdup("n1");
  p->phase = KS_POD_RUNNING;
  p->ready = TRUE;
  p->ready_since_us = ks_engine_now(e);
  ks_store_update(st->w->s, KS_STORE_POD, "ns", st->name, p, (GDestroyNotify)ks_pod_unref, 0,
                  NULL);
}

static void on_pod(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                   const KsStoreObject *new_obj, gpointer user_data) {
  World *w = user_data;
  if (type != KS_WATCH_ADDED)
    return;
  Start *st = g_new0(Start, 1);
  st->w = w;
  st->name = g_strdup(new_obj->name);
  ks_engine_schedule_after(w->e, S(10), start_pod, st, start_free);
}

static void world_init(World *w) {
  memset(w, 0, sizeof *w);
  w->e = ks_engine_new();
  w->s = ks_store_new(w->e);
  w->sizes = g_ptr_array_new_with_free_func(g_free);
  w->current = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  ks_store_watch(w->s, KS_STORE_REPLICA_SET, on_rs, w);
  ks_store_watch(w->s, KS_STORE_POD, on_pod, w);
  KsControllerOptions o;
  ks_controller_options_default(&o);
  o.seed = 7;
  w->dc = ks_controller_new(&ks_deployment_controller_class, w->s, &o);
  w->rsc = ks_controller_new(&ks_replica_set_controller_class, w->s, &o);
  w->gc = ks_controller_new(&ks_garbage_collector_class, w->s, &o);
}

static void world_free(World *w) {
  ks_controller_free(w->gc);
  ks_controller_free(w->rsc);
  ks_controller_free(w->dc);
  ks_store_free(w->s);
  ks_engine_free(w->e);
  g_ptr_array_unref(w->sizes);
  g_hash_table_unref(w->current);
  g_free(w->last);
}

static void set_image(KsPod *tmpl, const char *image) {
  if (!tmpl->containers || tmpl->containers->len == 0)
    ks_pod_add_container(tmpl, "app", FALSE);
  KsContainer *c = &g_array_index(tmpl->containers, KsContainer, 0);
  g_free(c->image);
  c->image = g_strdup(image);
}

static KsDeployment *deployment(gint32 replicas, gint32 surge, gint32 unavailable) {
  KsDeployment *d = ks_deployment_new("ns", "app");
  d->meta.uid = g_strdup(D_UID);
  d->meta.generation = 1;
  d->replicas = replicas;
  d->max_surge = (KsIntOrPercent){TRUE, FALSE, surge};
  d->max_unavailable = (KsIntOrPercent){TRUE, FALSE, unavailable};
  d->selector = ks_label_selector_new();
  ks_labels_set(&d->selector->match_labels, "app", "web");
  ks_labels_set(&d->template->labels, "app", "web");
  set_image(d->template, "app:v1");
  return d;
}

static const KsDeployment *get_d(World *w) {
  const KsStoreObject *o = ks_store_get(w->s, KS_STORE_DEPLOYMENT, "ns", "app");
  assert_non_null(o);
  return o->data;
}

/* A spec change as kubectl makes it: generation + 1. */
typedef struct {
  World *w;
  const char *image;   /* NULL: unchanged */
  gint32 replicas;     /* < 0: unchanged */
  gint paused;         /* < 0: unchanged */
} Change;

static void apply_change(KsEngine *e, gpointer data) {
  Change *ch = data;
  KsDeployment *d = ks_deployment_copy(get_d(ch->w));
  if (ch->image)
    set_image(d->template, ch->image);
  if (ch->replicas >= 0)
    d->replicas = ch->replicas;
  if (ch->paused >= 0)
    d->paused = ch->paused;
  d->meta.generation++;
  assert_true(ks_store_update(ch->w->s, KS_STORE_DEPLOYMENT, "ns", "app", d,
                              (GDestroyNotify)ks_deployment_free, 0, NULL));
}

static void put_d(World *w, KsDeployment *d) {
  assert_true(ks_store_create(w->s, KS_STORE_DEPLOYMENT, "ns", "app", d,
                              (GDestroyNotify)ks_deployment_free, NULL));
}

static void assert_sizes(World *w, const char *const *want) {
  guint n = g_strv_length((char **)want);
  for (guint i = 0; i < MIN(n, w->sizes->len); i++)
    assert_string_equal(w->sizes->pdata[i], want[i]);
  assert_int_equal(w->sizes->len, n);
}

static const KsReplicaSet *rs_of_version(World *w, const char *v) {
  GPtrArray *all = ks_store_list(w->s, KS_STORE_REPLICA_SET, "ns");
  const KsReplicaSet *found = NULL;
  for (guint i = 0; i < all->len; i++) {
    const KsReplicaSet *rs = ((const KsStoreObject *)all->pdata[i])->data;
    if (strcmp(version_of(rs), v) == 0)
      found = rs; /* the store keeps it alive after the list goes */
  }
  g_ptr_array_unref(all);
  return found;
}

static const char *ann(const KsLabels *l, const char *k) { return ks_labels_get(l, k); }

/* 10 replicas, maxSurge 3, maxUnavailable 2: at most 13 pods, at least 8
 * available. v1 is created at 0 s (10 at once: 0 + min(13 - 0, 10)) and
 * is available at 10 s; the template changes to v2 at 30 s. Upstream's
 * rolloutRolling, sync by sync:
 *  30 s  the new RS is created with NewRSNewReplicas = min(13 - 10, 10 - 0)
 *        = 3                                              -> v1=10, v2=3
 *        reconcileOldReplicaSets: 13 pods - 8 min available - 3 new
 *        unavailable = 2 may go; none unhealthy; 10 available - 8 = 2
 *                                                          -> v1=8, v2=3
 *        next sync: 11 pods < 13: the new one grows by min(2, 10 - 3)
 *                                                          -> v1=8, v2=5
 *        next: 13 pods; 13 - 8 - 5 unavailable = 0 may go: wait
 *  40 s  the five v2 pods are available: 13 - 8 - 0 = 5 may go, 8 + 5
 *        available - 8 = 5: v1 loses 5                     -> v1=3, v2=5
 *        next: 8 pods: v2 grows by min(5, 5)               -> v1=3, v2=10
 *        next: 13 - 8 - (10 - 5) = 0 may go: wait
 *  50 s  all ten v2 pods available: 3 + 10 - 8 = 5 > 3     -> v1=0, v2=10 */
static void test_rolling_update_steps(void **state) {
  World w;
  world_init(&w);
  put_d(&w, deployment(10, 3, 2));
  Change ch = {&w, "app:v2", -1, -1};
  ks_engine_schedule(w.e, S(30), apply_change, &ch, NULL);
  ks_engine_run_until(w.e, S(100));
  const char *want[] = {"v1=10@0",        "v1=10,v2=3@30", "v1=8,v2=3@30", "v1=8,v2=5@30",
                        "v1=3,v2=5@40", "v1=3,v2=10@40", "v1=0,v2=10@50", NULL};
  assert_sizes(&w, want);
  /* status as kubectl shows it: DESIRED / CURRENT / UP-TO-DATE / AVAILABLE */
  const KsDeployment *d = get_d(&w);
  assert_int_equal(d->replicas, 10);
  assert_int_equal(d->status_replicas, 10);
  assert_int_equal(d->updated_replicas, 10);
  assert_int_equal(d->available_replicas, 10);
  assert_int_equal(d->ready_replicas, 10);
  assert_int_equal(d->unavailable_replicas, 0);
  assert_int_equal(d->observed_generation, 2);
  const KsCondition *p = ks_conditions_get(d->conditions, "Progressing");
  assert_non_null(p);
  assert_int_equal(p->status, KS_CONDITION_TRUE);
  assert_string_equal(p->reason, "NewReplicaSetAvailable");
  const KsReplicaSet *v2 = rs_of_version(&w, "v2");
  char *msg = g_strdup_printf("ReplicaSet \"%s\" has successfully progressed.", v2->meta.name);
  assert_string_equal(p->message, msg);
  g_free(msg);
  assert_true(ks_conditions_is_true(d->conditions, "Available"));
  assert_string_equal(ann(&d->meta.annotations, "deployment.kubernetes.io/revision"), "2");
  /* the ReplicaSets: name <deployment>-<hash>, the hash in labels, selector, template */
  const char *hash = ann(&v2->meta.labels, "pod-template-hash");
  assert_non_null(hash);
  char *name = g_strconcat("app-", hash, NULL);
  assert_string_equal(v2->meta.name, name);
  g_free(name);
  assert_string_equal(ks_labels_get(&v2->selector->match_labels, "pod-template-hash"), hash);
  assert_string_equal(ks_labels_get(&v2->template->labels, "pod-template-hash"), hash);
  assert_string_equal(ann(&v2->meta.annotations, "deployment.kubernetes.io/revision"), "2");
  assert_string_equal(ann(&v2->meta.annotations, "deployment.kubernetes.io/desired-replicas"), "10");
  assert_string_equal(ann(&v2->meta.annotations, "deployment.kubernetes.io/max-replicas"), "13");
  const KsReplicaSet *v1 = rs_of_version(&w, "v1");
  assert_string_equal(ann(&v1->meta.annotations, "deployment.kubernetes.io/revision"), "1");
  assert_int_equal(v1->replicas, 0);
  world_free(&w);
}

/* Rollback: back to v1's template at 100 s. v1's ReplicaSet is the new
 * one again (no third ReplicaSet), with revision 3 and its old number in
 * revision-history; the same rolling steps bring it back to 10. */
static void test_rollback(void **state) {
  World w;
  world_init(&w);
  put_d(&w, deployment(10, 3, 2));
  Change to_v2 = {&w, "app:v2", -1, -1}, back = {&w, "app:v1", -1, -1};
  ks_engine_schedule(w.e, S(30), apply_change, &to_v2, NULL);
  ks_engine_schedule(w.e, S(100), apply_change, &back, NULL);
  ks_engine_run_until(w.e, S(200));
  assert_int_equal(ks_store_count(w.s, KS_STORE_REPLICA_SET), 2);
  const KsReplicaSet *v1 = rs_of_version(&w, "v1"), *v2 = rs_of_version(&w, "v2");
  assert_int_equal(v1->replicas, 10);
  assert_int_equal(v2->replicas, 0);
  assert_string_equal(ann(&v1->meta.annotations, "deployment.kubernetes.io/revision"), "3");
  assert_string_equal(ann(&v1->meta.annotations, "deployment.kubernetes.io/revision-history"),
                      "1");
  assert_string_equal(ann(&get_d(&w)->meta.annotations, "deployment.kubernetes.io/revision"),
                      "3");
  /* the way back takes the same steps as the way there */
  const char *tail[] = {"v1=3,v2=10@100", "v1=3,v2=8@100", "v1=5,v2=8@100", "v1=5,v2=3@110",
                        "v1=10,v2=3@110", "v1=10,v2=0@120"};
  assert_true(w.sizes->len >= 6);
  for (int i = 0; i < 6; i++)
    assert_string_equal(w.sizes->pdata[w.sizes->len - 6 + i], tail[i]);
  assert_int_equal(get_d(&w)->updated_replicas, 10);
  world_free(&w);
}

/* Pause at 20 s, new template at 30 s: nothing rolls out, Progressing is
 * Unknown/DeploymentPaused; a scale to 12 at 35 s still applies. Resume at
 * 60 s: the v2 ReplicaSet appears and the rollout completes. */
static void test_pause_resume(void **state) {
  World w;
  world_init(&w);
  put_d(&w, deployment(10, 3, 2));
  Change pause = {&w, NULL, -1, 1}, image = {&w, "app:v2", -1, -1}, up = {&w, NULL, 12, -1},
         resume = {&w, NULL, -1, 0};
  ks_engine_schedule(w.e, S(20), apply_change, &pause, NULL);
  ks_engine_schedule(w.e, S(30), apply_change, &image, NULL);
  ks_engine_schedule(w.e, S(35), apply_change, &up, NULL);
  ks_engine_schedule(w.e, S(60), apply_change, &resume, NULL);
  ks_engine_run_until(w.e, S(59));
  assert_int_equal(ks_store_count(w.s, KS_STORE_REPLICA_SET), 1);
  assert_int_equal(rs_of_version(&w, "v1")->replicas, 12);
  const KsCondition *p = ks_conditions_get(get_d(&w)->conditions, "Progressing");
  assert_int_equal(p->status, KS_CONDITION_UNKNOWN);
  assert_string_equal(p->reason, "DeploymentPaused");
  assert_string_equal(p->message, "Deployment is paused");
  assert_int_equal(p->last_update_time_us, S(20));
  ks_engine_run_until(w.e, S(60));
  assert_int_equal(ks_store_count(w.s, KS_STORE_REPLICA_SET), 2);
  ks_engine_run_until(w.e, S(200));
  assert_int_equal(rs_of_version(&w, "v2")->replicas, 12);
  assert_int_equal(rs_of_version(&w, "v1")->replicas, 0);
  p = ks_conditions_get(get_d(&w)->conditions, "Progressing");
  assert_string_equal(p->reason, "NewReplicaSetAvailable");
  assert_int_equal(get_d(&w)->available_replicas, 12);
  world_free(&w);
}

/* Recreate: the old ReplicaSet goes to 0 and its pods go before the new one
 * gets any: v1=0 at 30 s, then v2=4 once no v1 pod remains (the same
 * instant: ksim deletes pods at once). */
static void test_recreate(void **state) {
  World w;
  world_init(&w);
  KsDeployment *d = deployment(4, 1, 1);
  d->strategy = KS_DEPLOYMENT_RECREATE;
  put_d(&w, d);
  Change ch = {&w, "app:v2", -1, -1};
  ks_engine_schedule(w.e, S(30), apply_change, &ch, NULL);
  ks_engine_run_until(w.e, S(100));
  const char *want[] = {"v1=4@0", "v1=0@30", "v1=0,v2=4@30", NULL};
  assert_sizes(&w, want);
  assert_int_equal(get_d(&w)->available_replicas, 4);
  world_free(&w);
}

/* revisionHistoryLimit 1: after v1 -> v2 -> v3, only one old ReplicaSet
 * (v2, the higher revision) is kept; v1's is deleted once at 0. */
static void test_history_limit(void **state) {
  World w;
  world_init(&w);
  KsDeployment *d = deployment(2, 1, 0);
  d->revision_history_limit = 1;
  put_d(&w, d);
  Change v2 = {&w, "app:v2", -1, -1}, v3 = {&w, "app:v3", -1, -1};
  ks_engine_schedule(w.e, S(30), apply_change, &v2, NULL);
  ks_engine_schedule(w.e, S(100), apply_change, &v3, NULL);
  ks_engine_run_until(w.e, S(200));
  assert_int_equal(ks_store_count(w.s, KS_STORE_REPLICA_SET), 2);
  assert_null(rs_of_version(&w, "v1"));
  assert_non_null(rs_of_version(&w, "v2"));
  assert_int_equal(rs_of_version(&w, "v3")->replicas, 2);
  world_free(&w);
}

/* progressDeadlineSeconds: pods that never become ready (no kubelet here)
 * time the rollout out: Progressing False/ProgressDeadlineExceeded after
 * the deadline, found by the requeue upstream schedules for it. */
static void test_progress_deadline(void **state) {
  World w;
  world_init(&w);
  ks_store_unwatch(w.s, 2); /* the kubelet's watch (registered second) */
  KsDeployment *d = deployment(2, 1, 0);
  d->progress_deadline_seconds = 60;
  put_d(&w, d);
  ks_engine_run_until(w.e, S(60));
  /* the pods' creation counted as progress at 0 s (updatedReplicas 0 -> 2) */
  const KsCondition *p = ks_conditions_get(get_d(&w)->conditions, "Progressing");
  assert_string_equal(p->reason, "ReplicaSetUpdated");
  assert_int_equal(p->last_update_time_us, 0);
  assert_int_equal(p->status, KS_CONDITION_TRUE);
  /* timed out strictly after 0 + 60 s; the requeue comes at 61 s */
  ks_engine_run_until(w.e, S(61) - 1);
  assert_string_equal(ks_conditions_get(get_d(&w)->conditions, "Progressing")->reason,
                      "ReplicaSetUpdated");
  ks_engine_run_until(w.e, S(61));
  p = ks_conditions_get(get_d(&w)->conditions, "Progressing");
  assert_int_equal(p->status, KS_CONDITION_FALSE);
  assert_string_equal(p->reason, "ProgressDeadlineExceeded");
  assert_false(ks_conditions_is_true(get_d(&w)->conditions, "Available"));
  world_free(&w);
}

/* Proportional scaling (upstream sync_test.go TestScale, "proportional
 * scaling: 5 -> 10" and "5 -> 3"): a Deployment with maxSurge 0 and two
 * active ReplicaSets, v2 (new, 2) and v1 (old, 3), both annotated as sized
 * for 5 replicas, is scaled to 10 / 3. Each gets round(size * new / 5):
 * 10: v2 2*10/5 = 4, v1 3*10/5 = 6. 3: the larger (v1) first: 3*3/5 =
 * 1.8 -> 2, then v2 2*3/5 = 1.2 -> 1. No pods here: only the Deployment
 * controller runs. */
static KsReplicaSet *scale_rs_fixture(const KsDeployment *d, const char *version, gint32 size,
                                      gint64 created) {
  KsReplicaSet *rs = ks_replica_set_new("ns", NULL);
  g_free(rs->meta.name);
  rs->meta.name = g_strconcat("app-", version, NULL);
  rs->meta.uid = g_strconcat("uid-", version, NULL);
  rs->meta.creation_timestamp_us = created;
  rs->replicas = size;
  ks_pod_unref(rs->template);
  rs->template = ks_pod_copy(d->template);
  char *image = g_strconcat("app:", version, NULL);
  set_image(rs->template, image);
  g_free(image);
  ks_labels_set(&rs->template->labels, "pod-template-hash", version);
  ks_labels_set(&rs->meta.labels, "app", "web");
  rs->selector = ks_label_selector_copy(d->selector);
  ks_labels_set(&rs->meta.annotations, "deployment.kubernetes.io/desired-replicas", "5");
  ks_labels_set(&rs->meta.annotations, "deployment.kubernetes.io/max-replicas", "5");
  ks_owner_reference_array_add(&rs->meta.owner_references, "apps/v1", "Deployment", "app", D_UID,
                               TRUE, TRUE);
  return rs;
}

static void proportional(gint32 to, gint32 want_v2, gint32 want_v1) {
  KsEngine *e = ks_engine_new();
  KsStore *s = ks_store_new(e);
  KsDeployment *d = deployment(to, 0, 0);
  set_image(d->template, "app:v2");
  KsReplicaSet *v1 = scale_rs_fixture(d, "v1", 3, S(1));
  KsReplicaSet *v2 = scale_rs_fixture(d, "v2", 2, S(2));
  assert_true(ks_store_create(s, KS_STORE_REPLICA_SET, "ns", v1->meta.name, v1,
                              (GDestroyNotify)ks_replica_set_free, NULL));
  assert_true(ks_store_create(s, KS_STORE_REPLICA_SET, "ns", v2->meta.name, v2,
                              (GDestroyNotify)ks_replica_set_free, NULL));
  assert_true(ks_store_create(s, KS_STORE_DEPLOYMENT, "ns", "app", d,
                              (GDestroyNotify)ks_deployment_free, NULL));
  KsControllerOptions o;
  ks_controller_options_default(&o);
  KsController *c = ks_controller_new(&ks_deployment_controller_class, s, &o);
  ks_engine_run_until(e, S(10));
  const KsReplicaSet *r1 = ks_store_get(s, KS_STORE_REPLICA_SET, "ns", "app-v1")->data;
  const KsReplicaSet *r2 = ks_store_get(s, KS_STORE_REPLICA_SET, "ns", "app-v2")->data;
  assert_int_equal(r2->replicas, want_v2);
  assert_int_equal(r1->replicas, want_v1);
  char buf[16];
  g_snprintf(buf, sizeof buf, "%d", to);
  assert_string_equal(ann(&r1->meta.annotations, "deployment.kubernetes.io/desired-replicas"),
                      buf);
  ks_controller_free(c);
  ks_store_free(s);
  ks_engine_free(e);
}

static void test_proportional_scaling(void **state) {
  proportional(10, 4, 6);
  proportional(3, 1, 2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_rolling_update_steps),
    cmocka_unit_test(test_rollback),
    cmocka_unit_test(test_pause_resume),
    cmocka_unit_test(test_recreate),
    cmocka_unit_test(test_history_limit),
    cmocka_unit_test(test_progress_deadline),
    cmocka_unit_test(test_proportional_scaling),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
