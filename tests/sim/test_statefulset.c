/* Tests of the StatefulSet controller (sim/controllers/statefulset.c) running
 * with the scheduler, the scheduler driver and the node agent: a set scaled
 * 0 -> 5 -> 2 -> 5 (the test: creation order and times, deletion
 * order, the claims after each step), Parallel management, a partitioned
 * rolling update (highest ordinal first, ordinals below the partition
 * kept), stable identity when a pod is deleted, ordinals.start, and the
 * claim owner references a Delete retention policy asks for, and the
 * adoption and release of pods by selector (ClaimPods). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sched/pod.h"
#include "sched/volume_objects.h"
#include "sim/controllers/garbage_collector.h"
#include "sim/controllers/history.h"
#include "sim/controllers/runtime.h"
#include "sim/controllers/statefulset.h"
#include "sim/controllers/statefulset_util.h"
#include "tests/sim/controller_world.h"
#include "workloads/apps.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)

typedef struct {
  KsCtlWorld cw;
  KsController *ctl;
  KsController *gc; /* NULL unless a test starts it */
  GString *log; /* "t=<s> +<pod>" created, "-<pod>" deleted, "*<pvc>" claim created */
} World;

static void log_event(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                      const KsStoreObject *new_obj, gpointer user_data) {
  World *w = user_data;
  gint64 t = ks_engine_now(ks_store_get_engine(s)) / G_USEC_PER_SEC;
  const KsStoreObject *o = new_obj ? new_obj : old_obj;
  if (type == KS_WATCH_ADDED)
    g_string_append_printf(w->log, "t=%" G_GINT64_FORMAT " %s%s\n", t,
                           o->kind == KS_STORE_POD ? "+" : "*", o->name);
  else if (type == KS_WATCH_DELETED)
    g_string_append_printf(w->log, "t=%" G_GINT64_FORMAT " -%s\n", t, o->name);
}

static void world_init(World *w) {
  memset(w, 0, sizeof *w);
  ks_ctl_world_open(&w->cw);
  w->log = g_string_new("");
  ks_store_watch(w->cw.store, KS_STORE_POD, log_event, w);
  ks_store_watch(w->cw.store, KS_STORE_PERSISTENT_VOLUME_CLAIM, log_event, w);
  /* The default profile without the volume plugins: these tests are about
   * the StatefulSet's pods and claims, not about binding the claims to
   * volumes (the PV controller's and VolumeBinding's job), so the claims
   * need not be known to the scheduler or bound for the pods to be placed. */
  static const char config[] = "apiVersion: kubescheduler.config.k8s.io/v1\n"
                               "kind: KubeSchedulerConfiguration\n"
                               "profiles:\n"
                               "- schedulerName: default-scheduler\n"
                               "  plugins:\n"
                               "    multiPoint:\n"
                               "      disabled:\n"
                               "      - name: VolumeBinding\n"
                               "      - name: VolumeRestrictions\n"
                               "      - name: VolumeZone\n"
                               "      - name: NodeVolumeLimits\n";
  ks_ctl_world_start(&w->cw, TRUE, config);
  KsControllerOptions co;
  ks_controller_options_default(&co);
  w->ctl = ks_controller_new(&ks_statefulset_controller_class, w->cw.store, &co);
  ks_ctl_world_add_node(&w->cw, ks_ctl_node_new("n1"));
  ks_ctl_world_add_node(&w->cw, ks_ctl_node_new("n2"));
  ks_ctl_world_add_node(&w->cw, ks_ctl_node_new("n3"));
}

static void world_free(World *w) {
  ks_controller_free(w->gc);
  ks_controller_free(w->ctl);
  ks_ctl_world_close(&w->cw);
  g_string_free(w->log, TRUE);
}

static KsStatefulSet *stateful_set(gint32 replicas, const char *image) {
  KsStatefulSet *ss = ks_stateful_set_new("default", "web");
  ss->meta.uid = g_strdup("sts-uid-1");
  ss->meta.generation = 1;
  ss->replicas = replicas;
  ss->service_name = g_strdup("web");
  ss->selector = ks_label_selector_new();
  ks_labels_set(&ss->selector->match_labels, "app", "web");
  ks_pod_unref(ss->template);
  ss->template = ks_pod_new("default", "");
  ks_labels_set(&ss->template->labels, "app", "web");
  KsContainer *c = ks_pod_add_container(ss->template, "web", FALSE);
  c->image = g_strdup(image);
  ks_resource_list_set(&c->requests, "cpu", 100);
  KsPersistentVolumeClaim *t = ks_pvc_new("default", "data");
  t->request = (gint64)1 << 30;
  ss->volume_claim_templates = g_ptr_array_new_with_free_func((GDestroyNotify)ks_pvc_free);
  g_ptr_array_add(ss->volume_claim_templates, t);
  return ss;
}

static const KsStatefulSet *get_set(World *w) {
  const KsStoreObject *o = ks_store_get(w->cw.store, KS_STORE_STATEFUL_SET, "default", "web");
  assert_non_null(o);
  return o->data;
}

static void put_set(World *w, KsStatefulSet *ss) {
  if (ks_store_get(w->cw.store, KS_STORE_STATEFUL_SET, "default", "web") == NULL) {
    assert_true(ks_store_create(w->cw.store, KS_STORE_STATEFUL_SET, "default", "web", ss,
                                (GDestroyNotify)ks_stateful_set_free, NULL));
    return;
  }
  /* keep the status the controller wrote, as a spec update does */
  const KsStatefulSet *cur = get_set(w);
  ss->observed_generation = cur->observed_generation;
  ss->status_replicas = cur->status_replicas;
  ss->ready_replicas = cur->ready_replicas;
  ss->current_replicas = cur->current_replicas;
  ss->updated_replicas = cur->updated_replicas;
  ss->available_replicas = cur->available_replicas;
  ss->current_revision = g_strdup(cur->current_revision);
  ss->update_revision = g_strdup(cur->update_revision);
  ss->collision_count = cur->collision_count;
  ss->meta.generation = cur->meta.generation + 1;
  assert_true(ks_store_update(w->cw.store, KS_STORE_STATEFUL_SET, "default", "web", ss,
                              (GDestroyNotify)ks_stateful_set_free, 0, NULL));
}

static void scale(World *w, gint32 replicas) {
  KsStatefulSet *ss = ks_stateful_set_copy(get_set(w));
  ss->replicas = replicas;
  ss->meta.generation++;
  assert_true(ks_store_update(w->cw.store, KS_STORE_STATEFUL_SET, "default", "web", ss,
                              (GDestroyNotify)ks_stateful_set_free, 0, NULL));
}

/* The names of a kind in the namespace, space separated, in store order. */
static char *names(World *w, KsStoreKind kind) {
  GPtrArray *a = ks_store_list(w->cw.store, kind, "default");
  GString *s = g_string_new("");
  for (guint i = 0; i < a->len; i++)
    g_string_append_printf(s, "%s%s", i ? " " : "", ((const KsStoreObject *)a->pdata[i])->name);
  g_ptr_array_unref(a);
  return g_string_free(s, FALSE);
}

static void assert_names(World *w, KsStoreKind kind, const char *want) {
  char *have = names(w, kind);
  assert_string_equal(have, want);
  g_free(have);
}

static void assert_log(World *w, const char *want) {
  assert_string_equal(w->log->str, want);
  g_string_truncate(w->log, 0);
}

static void assert_status(World *w, gint32 replicas, gint32 ready, gint32 current,
                          gint32 updated) {
  const KsStatefulSet *ss = get_set(w);
  assert_int_equal(ss->status_replicas, replicas);
  assert_int_equal(ss->ready_replicas, ready);
  assert_int_equal(ss->available_replicas, ready);
  assert_int_equal(ss->current_replicas, current);
  assert_int_equal(ss->updated_replicas, updated);
  assert_int_equal(ss->observed_generation, ss->meta.generation);
  assert_non_null(ss->current_revision);
  assert_non_null(ss->update_revision);
}

/* The test. OrderedReady: one pod at a time, each created once its
 * predecessor is Running and Ready (the node agent starts a pod 1 s after
 * it is bound); its claim first. Scale-in deletes the highest ordinal first
 * and keeps the claims (Retain); scale-out reuses them. */
static void test_scale_0_5_2_5(void **state) {
  (void)state;
  World w;
  world_init(&w);
  put_set(&w, stateful_set(0, "web:1"));
  ks_engine_run_until(w.cw.engine, S(9));
  assert_log(&w, "");
  assert_status(&w, 0, 0, 0, 0);
  const KsStatefulSet *ss = get_set(&w);
  assert_string_equal(ss->current_revision, ss->update_revision);
  assert_true(g_str_has_prefix(ss->update_revision, "web-"));

  scale(&w, 5);
  ks_engine_run_until(w.cw.engine, S(29));
  assert_log(&w, "t=9 *data-web-0\n"
                 "t=9 +web-0\n"
                 "t=10 *data-web-1\n"
                 "t=10 +web-1\n"
                 "t=11 *data-web-2\n"
                 "t=11 +web-2\n"
                 "t=12 *data-web-3\n"
                 "t=12 +web-3\n"
                 "t=13 *data-web-4\n"
                 "t=13 +web-4\n");
  assert_names(&w, KS_STORE_POD, "web-0 web-1 web-2 web-3 web-4");
  assert_names(&w, KS_STORE_PERSISTENT_VOLUME_CLAIM,
               "data-web-0 data-web-1 data-web-2 data-web-3 data-web-4");
  assert_status(&w, 5, 5, 5, 5);

  scale(&w, 2);
  ks_engine_run_until(w.cw.engine, S(49));
  assert_log(&w, "t=29 -web-4\n"
                 "t=29 -web-3\n"
                 "t=29 -web-2\n");
  assert_names(&w, KS_STORE_POD, "web-0 web-1");
  assert_names(&w, KS_STORE_PERSISTENT_VOLUME_CLAIM,
               "data-web-0 data-web-1 data-web-2 data-web-3 data-web-4");
  assert_status(&w, 2, 2, 2, 2);

  scale(&w, 5);
  ks_engine_run_until(w.cw.engine, S(69));
  assert_log(&w, "t=49 +web-2\n"
                 "t=50 +web-3\n"
                 "t=51 +web-4\n");
  assert_names(&w, KS_STORE_POD, "web-0 web-1 web-2 web-3 web-4");
  assert_names(&w, KS_STORE_PERSISTENT_VOLUME_CLAIM,
               "data-web-0 data-web-1 data-web-2 data-web-3 data-web-4");
  assert_status(&w, 5, 5, 5, 5);
  /* each pod uses its own claim */
  for (int i = 0; i < 5; i++) {
    char *pn = ks_statefulset_pod_name("web", i), *cn = ks_statefulset_claim_name("data", "web", i);
    const KsPod *p = ks_store_get(w.cw.store, KS_STORE_POD, "default", pn)->data;
    const KsVolume *v = &g_array_index(p->volumes, KsVolume, 0);
    assert_string_equal(v->name, "data");
    assert_string_equal(v->ref, cn);
    assert_string_equal(ks_labels_get(&p->labels, KS_STATEFULSET_POD_NAME_LABEL), pn);
    g_free(pn);
    g_free(cn);
  }
  /* one revision throughout */
  assert_int_equal(ks_store_count(w.cw.store, KS_STORE_CONTROLLER_REVISION), 1);
  world_free(&w);
}

static void test_parallel(void **state) {
  (void)state;
  World w;
  world_init(&w);
  KsStatefulSet *ss = stateful_set(3, "web:1");
  ss->pod_management_policy = KS_POD_MANAGEMENT_PARALLEL;
  /* the orphans carry no controller-revision-hash: a RollingUpdate would
   * replace them (as upstream's), OnDelete keeps them */
  ss->update_strategy = KS_STATEFUL_SET_ON_DELETE;
  put_set(&w, ss);
  ks_engine_run_until(w.cw.engine, S(10));
  assert_log(&w, "t=0 *data-web-0\n"
                 "t=0 +web-0\n"
                 "t=0 *data-web-1\n"
                 "t=0 +web-1\n"
                 "t=0 *data-web-2\n"
                 "t=0 +web-2\n");
  scale(&w, 1);
  ks_engine_run_until(w.cw.engine, S(20));
  assert_log(&w, "t=10 -web-2\n"
                 "t=10 -web-1\n");
  assert_status(&w, 1, 1, 1, 1);
  world_free(&w);
}

/* RollingUpdate with partition 2 over 4 replicas: web-3 then web-2 are
 * replaced (highest first, one at a time, each once the last is ready);
 * web-0 and web-1 stay at the old revision. */
static void test_partitioned_update(void **state) {
  (void)state;
  World w;
  world_init(&w);
  KsStatefulSet *ss = stateful_set(4, "web:1");
  ss->partition = 2;
  put_set(&w, ss);
  ks_engine_run_until(w.cw.engine, S(10));
  g_string_truncate(w.log, 0);
  char *rev1 = g_strdup(get_set(&w)->update_revision);
  ss = stateful_set(4, "web:2");
  ss->partition = 2;
  put_set(&w, ss);
  ks_engine_run_until(w.cw.engine, S(30));
  assert_log(&w, "t=10 -web-3\n"
                 "t=10 +web-3\n"
                 "t=11 -web-2\n"
                 "t=11 +web-2\n");
  const KsStatefulSet *cur = get_set(&w);
  assert_string_equal(cur->current_revision, rev1);
  assert_string_not_equal(cur->update_revision, rev1);
  assert_status(&w, 4, 4, 2, 2);
  for (int i = 0; i < 4; i++) {
    char *pn = ks_statefulset_pod_name("web", i);
    const KsPod *p = ks_store_get(w.cw.store, KS_STORE_POD, "default", pn)->data;
    assert_string_equal(ks_statefulset_pod_revision(p), i < 2 ? rev1 : cur->update_revision);
    assert_string_equal(g_array_index(p->containers, KsContainer, 0).image, i < 2 ? "web:1" : "web:2");
    g_free(pn);
  }
  /* partition 0: the rest follow, then the update revision becomes current */
  ss = stateful_set(4, "web:2");
  put_set(&w, ss);
  ks_engine_run_until(w.cw.engine, S(50));
  assert_log(&w, "t=30 -web-1\n"
                 "t=30 +web-1\n"
                 "t=31 -web-0\n"
                 "t=31 +web-0\n");
  cur = get_set(&w);
  assert_string_equal(cur->current_revision, cur->update_revision);
  assert_status(&w, 4, 4, 4, 4);
  g_free(rev1);
  world_free(&w);
}

/* A deleted member comes back with the same name and claim. */
static void test_stable_identity(void **state) {
  (void)state;
  World w;
  world_init(&w);
  put_set(&w, stateful_set(3, "web:1"));
  ks_engine_run_until(w.cw.engine, S(10));
  g_string_truncate(w.log, 0);
  assert_true(ks_store_delete(w.cw.store, KS_STORE_POD, "default", "web-1", 0, NULL));
  ks_engine_run_until(w.cw.engine, S(20));
  assert_log(&w, "t=10 -web-1\n"
                 "t=10 +web-1\n");
  assert_names(&w, KS_STORE_PERSISTENT_VOLUME_CLAIM, "data-web-0 data-web-1 data-web-2");
  world_free(&w);
}

/* ordinals.start 3: web-3, web-4 and claims to match. */
static void test_ordinals_start(void **state) {
  (void)state;
  World w;
  world_init(&w);
  KsStatefulSet *ss = stateful_set(2, "web:1");
  ss->ordinals_start = 3;
  put_set(&w, ss);
  ks_engine_run_until(w.cw.engine, S(10));
  assert_names(&w, KS_STORE_POD, "web-3 web-4");
  assert_names(&w, KS_STORE_PERSISTENT_VOLUME_CLAIM, "data-web-3 data-web-4");
  world_free(&w);
}

/* whenScaled Delete: a condemned pod becomes its claim's controller before
 * it is deleted (the garbage collector then deletes the claim); whenDeleted
 * Delete: claims of members are owned by the set. */
static void test_retention_owner_refs(void **state) {
  (void)state;
  World w;
  world_init(&w);
  KsStatefulSet *ss = stateful_set(2, "web:1");
  ss->when_scaled = KS_PVC_RETENTION_DELETE;
  ss->when_deleted = KS_PVC_RETENTION_DELETE;
  put_set(&w, ss);
  ks_engine_run_until(w.cw.engine, S(10));
  const KsPersistentVolumeClaim *c0 =
      ks_store_get(w.cw.store, KS_STORE_PERSISTENT_VOLUME_CLAIM, "default", "data-web-0")->data;
  const KsOwnerReference *ref = ks_owner_reference_get_controller(c0->owner_references);
  assert_non_null(ref);
  assert_string_equal(ref->kind, "StatefulSet");
  assert_string_equal(ref->uid, "sts-uid-1");
  const KsPod *p1 = ks_store_get(w.cw.store, KS_STORE_POD, "default", "web-1")->data;
  char *p1_uid = g_strdup(p1->uid);
  scale(&w, 1);
  ks_engine_run_until(w.cw.engine, S(20));
  const KsPersistentVolumeClaim *c1 =
      ks_store_get(w.cw.store, KS_STORE_PERSISTENT_VOLUME_CLAIM, "default", "data-web-1")->data;
  assert_int_equal(c1->owner_references->len, 1);
  ref = ks_owner_reference_get_controller(c1->owner_references);
  assert_string_equal(ref->kind, "Pod");
  assert_string_equal(ref->name, "web-1");
  assert_string_equal(ref->uid, p1_uid);
  g_free(p1_uid);
  world_free(&w);
}

/* Going back to the first template renumbers its revision (no copy), and
 * the members roll back highest first. */
static void test_rollback(void **state) {
  (void)state;
  World w;
  world_init(&w);
  put_set(&w, stateful_set(2, "web:1"));
  ks_engine_run_until(w.cw.engine, S(10));
  char *rev1 = g_strdup(get_set(&w)->update_revision);
  put_set(&w, stateful_set(2, "web:2"));
  ks_engine_run_until(w.cw.engine, S(20));
  char *rev2 = g_strdup(get_set(&w)->update_revision);
  assert_string_not_equal(rev1, rev2);
  g_string_truncate(w.log, 0);
  put_set(&w, stateful_set(2, "web:1"));
  ks_engine_run_until(w.cw.engine, S(30));
  assert_log(&w, "t=20 -web-1\n"
                 "t=20 +web-1\n"
                 "t=21 -web-0\n"
                 "t=21 +web-0\n");
  const KsStatefulSet *ss = get_set(&w);
  assert_string_equal(ss->update_revision, rev1);
  assert_string_equal(ss->current_revision, rev1);
  assert_int_equal(ks_store_count(w.cw.store, KS_STORE_CONTROLLER_REVISION), 2);
  const KsControllerRevision *cr =
      ks_store_get(w.cw.store, KS_STORE_CONTROLLER_REVISION, "default", rev1)->data;
  assert_int_equal(cr->revision, 3);
  cr = ks_store_get(w.cw.store, KS_STORE_CONTROLLER_REVISION, "default", rev2)->data;
  assert_int_equal(cr->revision, 2);
  g_free(rev1);
  g_free(rev2);
  world_free(&w);
}

/* OnDelete: nothing is replaced until a member is deleted; it comes back at
 * the update revision. */
static void test_on_delete(void **state) {
  (void)state;
  World w;
  world_init(&w);
  KsStatefulSet *ss = stateful_set(2, "web:1");
  ss->update_strategy = KS_STATEFUL_SET_ON_DELETE;
  put_set(&w, ss);
  ks_engine_run_until(w.cw.engine, S(10));
  g_string_truncate(w.log, 0);
  ss = stateful_set(2, "web:2");
  ss->update_strategy = KS_STATEFUL_SET_ON_DELETE;
  put_set(&w, ss);
  ks_engine_run_until(w.cw.engine, S(20));
  assert_log(&w, "");
  assert_status(&w, 2, 2, 2, 0);
  assert_true(ks_store_delete(w.cw.store, KS_STORE_POD, "default", "web-0", 0, NULL));
  ks_engine_run_until(w.cw.engine, S(30));
  assert_log(&w, "t=20 -web-0\n"
                 "t=20 +web-0\n");
  assert_status(&w, 2, 2, 1, 1);
  const KsPod *p = ks_store_get(w.cw.store, KS_STORE_POD, "default", "web-0")->data;
  assert_string_equal(g_array_index(p->containers, KsContainer, 0).image, "web:2");
  world_free(&w);
}

/* A member that fails is deleted and made again with the same name. */
static void test_failed_member(void **state) {
  (void)state;
  World w;
  world_init(&w);
  put_set(&w, stateful_set(2, "web:1"));
  ks_engine_run_until(w.cw.engine, S(10));
  g_string_truncate(w.log, 0);
  const KsStoreObject *o = ks_store_get(w.cw.store, KS_STORE_POD, "default", "web-0");
  KsPod *f = ks_pod_copy(o->data);
  f->phase = KS_POD_FAILED;
  f->ready = FALSE;
  assert_true(ks_store_update(w.cw.store, KS_STORE_POD, "default", "web-0", f,
                              (GDestroyNotify)ks_pod_unref, 0, NULL));
  ks_engine_run_until(w.cw.engine, S(20));
  assert_log(&w, "t=10 -web-0\n"
                 "t=10 +web-0\n");
  assert_status(&w, 2, 2, 2, 2);
  world_free(&w);
}

/* minReadySeconds 5: each member waits for its predecessor to be available
 * (Ready at 1 s after creation, available 5 s later). */
static void test_min_ready_seconds(void **state) {
  (void)state;
  World w;
  world_init(&w);
  KsStatefulSet *ss = stateful_set(3, "web:1");
  ss->min_ready_seconds = 5;
  put_set(&w, ss);
  ks_engine_run_until(w.cw.engine, S(4));
  const KsStatefulSet *early = get_set(&w);
  assert_int_equal(early->status_replicas, 1);
  assert_int_equal(early->ready_replicas, 1);
  assert_int_equal(early->available_replicas, 0); /* ready, not yet available */
  ks_engine_run_until(w.cw.engine, S(30));
  assert_log(&w, "t=0 *data-web-0\n"
                 "t=0 +web-0\n"
                 "t=6 *data-web-1\n"
                 "t=6 +web-1\n"
                 "t=12 *data-web-2\n"
                 "t=12 +web-2\n");
  const KsStatefulSet *cur = get_set(&w);
  assert_int_equal(cur->ready_replicas, 3);
  assert_int_equal(cur->available_replicas, 3);
  world_free(&w);
}

/* With the garbage collector running, the owner references do their work:
 * whenScaled Delete removes a condemned member's claim after the member;
 * whenDeleted Retain keeps the others when the set is deleted. */
static void test_retention_with_gc(void **state) {
  (void)state;
  World w;
  world_init(&w);
  KsControllerOptions co;
  ks_controller_options_default(&co);
  w.gc = ks_controller_new(&ks_garbage_collector_class, w.cw.store, &co);
  KsStatefulSet *ss = stateful_set(3, "web:1");
  ss->when_scaled = KS_PVC_RETENTION_DELETE;
  put_set(&w, ss);
  ks_engine_run_until(w.cw.engine, S(10));
  g_string_truncate(w.log, 0);
  scale(&w, 1);
  ks_engine_run_until(w.cw.engine, S(20));
  assert_log(&w, "t=10 -web-2\n"
                 "t=10 -data-web-2\n"
                 "t=10 -web-1\n"
                 "t=10 -data-web-1\n");
  assert_names(&w, KS_STORE_PERSISTENT_VOLUME_CLAIM, "data-web-0");
  /* the set goes (its pods with it, by the collector); its claim stays */
  assert_true(ks_store_delete(w.cw.store, KS_STORE_STATEFUL_SET, "default", "web", 0, NULL));
  ks_engine_run_until(w.cw.engine, S(30));
  assert_names(&w, KS_STORE_POD, "");
  assert_names(&w, KS_STORE_PERSISTENT_VOLUME_CLAIM, "data-web-0");
  world_free(&w);
}

/* A revision name taken by other data: the next collision count is tried
 * (HashControllerRevision with probe 1) and recorded in the status. */
static void test_hash_collision(void **state) {
  (void)state;
  World w;
  world_init(&w);
  KsStatefulSet *ss = stateful_set(1, "web:1");
  char *data = ks_history_template_data(ss->template);
  gint32 zero = 0, one = 1;
  char *hash0 = ks_history_hash_revision(data, strlen(data), &zero);
  char *hash1 = ks_history_hash_revision(data, strlen(data), &one);
  char *name0 = ks_history_revision_name("web", hash0);
  char *name1 = ks_history_revision_name("web", hash1);
  KsControllerRevision *squatter = ks_controller_revision_new("default", name0);
  squatter->revision = 1;
  squatter->data = ks_pod_new("default", "");
  assert_true(ks_store_create(w.cw.store, KS_STORE_CONTROLLER_REVISION, "default", name0, squatter,
                              (GDestroyNotify)ks_controller_revision_free, NULL));
  put_set(&w, ss);
  ks_engine_run_until(w.cw.engine, S(10));
  const KsStatefulSet *cur = get_set(&w);
  assert_int_equal(cur->collision_count, 1);
  assert_string_equal(cur->update_revision, name1);
  const KsPod *p = ks_store_get(w.cw.store, KS_STORE_POD, "default", "web-0")->data;
  assert_string_equal(ks_statefulset_pod_revision(p), name1);
  g_free(data);
  g_free(hash0);
  g_free(hash1);
  g_free(name0);
  g_free(name1);
  world_free(&w);
}

/* ClaimPods: orphans a set's selector matches and named <set>-<ordinal>
 * are adopted (a controller reference, blockOwnerDeletion) rather than
 * made again; an orphan whose name is no member's and one that does not
 * match are left alone; an owned pod relabelled out of the selector is
 * released (its reference removed). */
static void put_orphan(World *w, const char *name, const char *app) {
  KsPod *p = ks_pod_new("default", name);
  ks_labels_set(&p->labels, "app", app);
  KsContainer *c = ks_pod_add_container(p, "web", FALSE);
  c->image = g_strdup("web:1");
  assert_true(ks_store_create(w->cw.store, KS_STORE_POD, "default", name, p,
                              (GDestroyNotify)ks_pod_unref, NULL));
}

static const KsPod *get_pod(World *w, const char *name) {
  const KsStoreObject *o = ks_store_get(w->cw.store, KS_STORE_POD, "default", name);
  assert_non_null(o);
  return o->data;
}

static void test_adopt_and_release(void **state) {
  (void)state;
  World w;
  world_init(&w);
  put_orphan(&w, "web-0", "web");
  put_orphan(&w, "web-1", "web");
  put_orphan(&w, "web-x", "web");  /* no ordinal: not a member */
  put_orphan(&w, "web-2", "db");   /* the selector does not match */
  put_orphan(&w, "cache-0", "web"); /* another set's name */
  ks_engine_run_until(w.cw.engine, S(5));
  g_string_truncate(w.log, 0);
  KsStatefulSet *ss = stateful_set(2, "web:1");
  g_ptr_array_unref(ss->volume_claim_templates);
  ss->volume_claim_templates = NULL;
  ss->pod_management_policy = KS_POD_MANAGEMENT_PARALLEL;
  /* the orphans carry no controller-revision-hash: a RollingUpdate would
   * replace them (as upstream's), OnDelete keeps them */
  ss->update_strategy = KS_STATEFUL_SET_ON_DELETE;
  put_set(&w, ss);
  ks_engine_run_until(w.cw.engine, S(20));
  assert_log(&w, ""); /* nothing created: both members were adopted */
  for (guint i = 0; i < 2; i++) {
    const KsPod *p = get_pod(&w, i ? "web-1" : "web-0");
    const KsOwnerReference *ref = ks_pod_get_controller(p);
    assert_non_null(ref);
    assert_string_equal(ref->kind, "StatefulSet");
    assert_string_equal(ref->api_version, "apps/v1");
    assert_string_equal(ref->name, "web");
    assert_string_equal(ref->uid, "sts-uid-1");
    assert_true(ref->block_owner_deletion);
  }
  assert_null(ks_pod_get_controller(get_pod(&w, "web-x")));
  assert_null(ks_pod_get_controller(get_pod(&w, "web-2")));
  assert_null(ks_pod_get_controller(get_pod(&w, "cache-0")));
  assert_int_equal(get_set(&w)->status_replicas, 2);
  /* relabel web-1 out of the selector: released (the set's new web-1 then
   * finds the name taken, as upstream's would) */
  const KsStoreObject *o = ks_store_get(w.cw.store, KS_STORE_POD, "default", "web-1");
  KsPod *p = ks_pod_copy(o->data);
  ks_labels_set(&p->labels, "app", "other");
  assert_true(ks_store_update(w.cw.store, KS_STORE_POD, "default", "web-1", p,
                              (GDestroyNotify)ks_pod_unref, o->resource_version, NULL));
  ks_engine_run_until(w.cw.engine, S(30));
  assert_null(ks_pod_get_controller(get_pod(&w, "web-1")));
  assert_non_null(ks_pod_get_controller(get_pod(&w, "web-0")));
  /* an orphan that turns into a match later is adopted then (the informer
   * wakes the sets that match it) */
  o = ks_store_get(w.cw.store, KS_STORE_POD, "default", "web-2");
  p = ks_pod_copy(o->data);
  ks_labels_set(&p->labels, "app", "web");
  assert_true(ks_store_update(w.cw.store, KS_STORE_POD, "default", "web-2", p,
                              (GDestroyNotify)ks_pod_unref, o->resource_version, NULL));
  scale(&w, 3);
  ks_engine_run_until(w.cw.engine, S(40));
  const KsOwnerReference *ref = ks_pod_get_controller(get_pod(&w, "web-2"));
  assert_non_null(ref);
  assert_string_equal(ref->uid, "sts-uid-1");
  world_free(&w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scale_0_5_2_5),     cmocka_unit_test(test_parallel),
      cmocka_unit_test(test_partitioned_update), cmocka_unit_test(test_stable_identity),
      cmocka_unit_test(test_ordinals_start),    cmocka_unit_test(test_retention_owner_refs),
      cmocka_unit_test(test_rollback),          cmocka_unit_test(test_on_delete),
      cmocka_unit_test(test_failed_member),     cmocka_unit_test(test_min_ready_seconds),
      cmocka_unit_test(test_retention_with_gc),
      cmocka_unit_test(test_hash_collision),
      cmocka_unit_test(test_adopt_and_release),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
