/* Graceful pod termination (sim/kubelet/pod_termination.c, the pod branch
 * of sim/controllers/deletion.c, PodGC's terminating pass): the grace
 * arithmetic of CheckGracefulDelete, the kill time min(shutdown-time,
 * grace), the states a deleted pod goes through and when it leaves the
 * store, with the kubelet up and down. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sched/node.h"
#include "sched/pod.h"
#include "sim/controllers/deletion.h"
#include "sim/engine.h"
#include "sim/eviction.h"
#include "sim/kubelet/pod_termination.h"
#include "sim/node_faults.h"
#include "sim/pod_gc.h"
#include "sim/store.h"
#include "workloads/annotations.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)

/* ---- the arithmetic ----------------------------------------------------------------- */

static KsPod *pod_on(const char *node, const char *shutdown) {
  KsPod *p = ks_pod_new("default", "p");
  if (node)
    p->node_name = g_strdup(node);
  p->phase = node ? KS_POD_RUNNING : KS_POD_PENDING;
  if (shutdown)
    ks_labels_set(&p->annotations, KS_ANNOTATION_SHUTDOWN_TIME, shutdown);
  return p;
}

static void test_grace_seconds(void **state) {
  (void)state;
  KsPod *p = pod_on("n1", NULL);
  assert_int_equal(ks_pod_deletion_grace_seconds(p, NULL), 30); /* spec default */
  p->termination_grace_period_seconds = 45;
  assert_int_equal(ks_pod_deletion_grace_seconds(p, NULL), 45);
  const gint64 five = 5, zero = 0, negative = -3;
  assert_int_equal(ks_pod_deletion_grace_seconds(p, &five), 5); /* DeleteOptions win */
  assert_int_equal(ks_pod_deletion_grace_seconds(p, &zero), 0);
  assert_int_equal(ks_pod_deletion_grace_seconds(p, &negative), 1);
  p->phase = KS_POD_SUCCEEDED;
  assert_int_equal(ks_pod_deletion_grace_seconds(p, &five), 0);
  p->phase = KS_POD_FAILED;
  assert_int_equal(ks_pod_deletion_grace_seconds(p, NULL), 0);
  ks_pod_unref(p);
  p = pod_on(NULL, NULL); /* not scheduled */
  assert_int_equal(ks_pod_deletion_grace_seconds(p, &five), 0);
  ks_pod_unref(p);
}

static void test_kill_duration_and_phase(void **state) {
  (void)state;
  KsPod *p = pod_on("n1", "20s");
  assert_int_equal(ks_pod_shutdown_time_us(p), S(20));
  assert_int_equal(ks_pod_kill_duration_us(p, 30), S(20));
  assert_int_equal(ks_pod_kill_duration_us(p, 5), S(5));
  assert_int_equal(ks_pod_kill_duration_us(p, 0), 0);
  assert_int_equal(ks_pod_killed_phase(p, 30), KS_POD_SUCCEEDED); /* exits by itself */
  assert_int_equal(ks_pod_killed_phase(p, 20), KS_POD_SUCCEEDED);
  assert_int_equal(ks_pod_killed_phase(p, 5), KS_POD_FAILED); /* SIGKILL at 5 s */
  ks_labels_set(&p->annotations, KS_ANNOTATION_EXIT_CODE, "3");
  assert_int_equal(ks_pod_killed_phase(p, 30), KS_POD_FAILED);
  p->deletion_timestamp_us = S(100) + S(30);
  p->deletion_grace_period_seconds = 30;
  assert_int_equal(ks_pod_termination_due_us(p), S(120)); /* start 100 + 20 */
  p->deletion_timestamp_us = S(100) + S(5);
  p->deletion_grace_period_seconds = 5;
  assert_int_equal(ks_pod_termination_due_us(p), S(105));
  ks_labels_set(&p->annotations, KS_ANNOTATION_SHUTDOWN_TIME, "x");
  assert_int_equal(ks_pod_shutdown_time_us(p), 0); /* malformed: 0 (checked at load) */
  ks_pod_unref(p);
  p = pod_on("n1", NULL);
  assert_int_equal(ks_pod_kill_duration_us(p, 30), 0);
  ks_pod_unref(p);
}

/* ksim.io/shutdown-time is checked at load with the other timing
 * annotations (ks_pod_read_timing): bad values and their messages. */
static void test_shutdown_time_bad_inputs(void **state) {
  (void)state;
  static const struct {
    const char *value, *message;
  } bad[] = {
      {"-5s", "pod default/web: annotation ksim.io/shutdown-time: \"-5s\": a duration must not "
              "be negative"},
      {"5", "pod default/web: annotation ksim.io/shutdown-time: \"5\" is not a duration (use "
            "units such as 500ms, 30s, 5m, 2h)"},
      {"", "pod default/web: annotation ksim.io/shutdown-time: \"\" is not a duration (use "
           "units such as 500ms, 30s, 5m, 2h)"},
      {"5x", "pod default/web: annotation ksim.io/shutdown-time: \"5x\" is not a duration (use "
             "units such as 500ms, 30s, 5m, 2h)"},
      {" 5s", "pod default/web: annotation ksim.io/shutdown-time: \" 5s\" is not a duration "
              "(use units such as 500ms, 30s, 5m, 2h)"},
      {"99999999999h", "pod default/web: annotation ksim.io/shutdown-time: \"99999999999h\" is "
                       "too long a duration"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    KsPod *p = ks_pod_new("default", "web");
    ks_labels_set(&p->annotations, KS_ANNOTATION_SHUTDOWN_TIME, bad[i].value);
    KsPodTiming t = {1, 2, 3};
    GError *error = NULL;
    assert_false(ks_pod_read_timing(p, &t, &error));
    assert_true(g_error_matches(error, KS_ANNOTATION_ERROR, KS_ANNOTATION_ERROR_INVALID));
    assert_string_equal(error->message, bad[i].message);
    assert_int_equal(t.shutdown_time_us, 3); /* untouched */
    assert_int_equal(ks_pod_shutdown_time_us(p), 0);
    g_error_free(error);
    ks_pod_unref(p);
  }
  KsPod *p = ks_pod_new("default", "web");
  KsPodTiming t;
  assert_true(ks_pod_read_timing(p, &t, NULL));
  assert_int_equal(t.shutdown_time_us, 0); /* absent: 0 */
  ks_labels_set(&p->annotations, KS_ANNOTATION_SHUTDOWN_TIME, "1m30.5s");
  assert_true(ks_pod_read_timing(p, &t, NULL));
  assert_int_equal(t.shutdown_time_us, S(90) + 500000);
  ks_pod_unref(p);
}

/* ---- the states ---------------------------------------------------------------------- */

typedef struct {
  KsEngine *e;
  KsStore *s;
  KsPodTermination *t;
  GPtrArray *log; /* "name:phase@s" on each change of a pod, "name:gone@s" on delete */
} World;

static void on_pod(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                   const KsStoreObject *new_obj, gpointer user_data) {
  (void)old_obj;
  gint64 now = ks_engine_now(ks_store_get_engine(s)) / G_USEC_PER_SEC;
  if (type == KS_WATCH_DELETED) {
    g_ptr_array_add(user_data, g_strdup_printf("%s:gone@%" G_GINT64_FORMAT, old_obj->name, now));
    return;
  }
  const KsPod *p = new_obj->data;
  g_ptr_array_add(user_data, g_strdup_printf("%s:%s%s@%" G_GINT64_FORMAT, p->name,
                                             ks_pod_phase_to_string(p->phase),
                                             p->deletion_timestamp_us ? "/terminating" : "",
                                             now));
}

static void world_init(World *w) {
  w->e = ks_engine_new();
  w->s = ks_store_new(w->e);
  w->log = g_ptr_array_new_with_free_func(g_free);
  KsNode *n = ks_node_new("n1");
  assert_true(ks_store_create(w->s, KS_STORE_NODE, NULL, "n1", n, (GDestroyNotify)ks_node_unref,
                              NULL));
  ks_store_watch(w->s, KS_STORE_POD, on_pod, w->log);
  w->t = ks_pod_termination_new(w->s);
  ks_engine_run(w->e);
}

static void world_free(World *w) {
  ks_pod_termination_free(w->t);
  ks_store_free(w->s);
  ks_engine_free(w->e);
  g_ptr_array_unref(w->log);
}

static void add_pod(World *w, const char *name, const char *shutdown) {
  KsPod *p = pod_on("n1", shutdown);
  g_free(p->name);
  p->name = g_strdup(name);
  assert_true(ks_store_create(w->s, KS_STORE_POD, "default", name, p,
                              (GDestroyNotify)ks_pod_unref, NULL));
}

static const KsPod *get_pod(World *w, const char *name) {
  const KsStoreObject *o = ks_store_get(w->s, KS_STORE_POD, "default", name);
  return o ? o->data : NULL;
}

static void run_to(World *w, gint64 s) { ks_engine_run_until(w->e, S(s)); }

static void at(KsEngine *e, gint64 when, KsEventFn fn, gpointer data) {
  ks_engine_schedule(e, when, fn, data, NULL);
}

static void assert_log(GPtrArray *log, const char *const *want) {
  guint n = g_strv_length((char **)want);
  for (guint i = 0; i < MIN(n, log->len); i++)
    assert_string_equal(log->pdata[i], want[i]);
  assert_int_equal(log->len, n);
}

static gboolean del(World *w, const char *name, const gint64 *grace) {
  return ks_object_delete_grace(w->s, KS_STORE_POD, "default", name, KS_PROPAGATION_BACKGROUND,
                                grace, NULL);
}

/* No shutdown-time, kubelet up: the DELETE removes the pod in the same
 * instant, as before graceful termination. */
static void test_default_is_instant(void **state) {
  (void)state;
  World w;
  world_init(&w);
  add_pod(&w, "a", NULL);
  run_to(&w, 10);
  assert_true(del(&w, "a", NULL));
  assert_null(get_pod(&w, "a"));
  run_to(&w, 60);
  assert_log(w.log, (const char *const[]){"a:Running@0", "a:gone@10", NULL});
  world_free(&w);
}

/* shutdown-time 20 s, grace 30: Terminating from 10 s with
 * deletionTimestamp 40 s, Succeeded and gone at 30 s. */
static void test_shutdown_within_grace(void **state) {
  (void)state;
  World w;
  world_init(&w);
  add_pod(&w, "a", "20s");
  run_to(&w, 10);
  assert_true(del(&w, "a", NULL));
  const KsPod *p = get_pod(&w, "a");
  assert_non_null(p);
  assert_int_equal(p->deletion_timestamp_us, S(40));
  assert_int_equal(p->deletion_grace_period_seconds, 30);
  assert_int_equal(p->phase, KS_POD_RUNNING);
  run_to(&w, 29);
  assert_non_null(get_pod(&w, "a"));
  run_to(&w, 60);
  assert_null(get_pod(&w, "a"));
  assert_int_equal(ks_pod_termination_finished(w.t), 1);
  assert_log(w.log, (const char *const[]){"a:Running@0", "a:Running/terminating@10",
                                          "a:Succeeded/terminating@30", "a:gone@30", NULL});
  world_free(&w);
}

/* grace 5 from DeleteOptions: SIGKILL at 5 s, Failed and gone at 15 s. */
static void test_sigkill_at_grace(void **state) {
  (void)state;
  World w;
  world_init(&w);
  add_pod(&w, "a", "20s");
  run_to(&w, 10);
  const gint64 five = 5;
  assert_true(del(&w, "a", &five));
  assert_int_equal(get_pod(&w, "a")->deletion_timestamp_us, S(15));
  run_to(&w, 60);
  assert_log(w.log, (const char *const[]){"a:Running@0", "a:Running/terminating@10",
                                          "a:Failed/terminating@15", "a:gone@15", NULL});
  world_free(&w);
}

typedef struct {
  World *w;
  gint64 grace;
} Redelete;

static void redelete(KsEngine *e, gpointer data) {
  (void)e;
  Redelete *r = data;
  assert_true(del(r->w, "a", &r->grace));
}

/* A second DELETE only shortens: grace 10 at 12 s (start 10 s, ts 20 s)
 * moves the end to 20 s; a later one with grace 15 changes nothing. */
static void test_second_delete_shortens(void **state) {
  (void)state;
  World w;
  world_init(&w);
  add_pod(&w, "a", "30s");
  run_to(&w, 10);
  assert_true(del(&w, "a", NULL)); /* grace 30: due at 10 + 30 = 40 s */
  Redelete shorter = {&w, 10}, longer = {&w, 15};
  at(w.e, S(12), redelete, &shorter);
  at(w.e, S(14), redelete, &longer);
  run_to(&w, 14);
  const KsPod *p = get_pod(&w, "a");
  assert_int_equal(p->deletion_timestamp_us, S(20));
  assert_int_equal(p->deletion_grace_period_seconds, 10);
  run_to(&w, 60);
  assert_log(w.log, (const char *const[]){"a:Running@0", "a:Running/terminating@10",
                                          "a:Running/terminating@12", "a:Failed/terminating@20",
                                          "a:gone@20", NULL});
  world_free(&w);
}

/* The Eviction API's DeleteOptions: gracePeriodSeconds 3 wins over the
 * pod's 30; without it the pod's own. */
static void test_eviction_api_grace(void **state) {
  (void)state;
  World w;
  world_init(&w);
  add_pod(&w, "a", "20s");
  add_pod(&w, "b", "20s");
  run_to(&w, 10);
  const gint64 three = 3;
  assert_int_equal(ks_sim_evict_pod_grace(w.s, "default", "a", &three, NULL), KS_EVICTION_OK);
  assert_int_equal(ks_sim_evict_pod(w.s, "default", "b", NULL), KS_EVICTION_OK);
  assert_int_equal(get_pod(&w, "a")->deletion_timestamp_us, S(13));
  assert_int_equal(get_pod(&w, "b")->deletion_timestamp_us, S(40));
  run_to(&w, 13);
  assert_null(get_pod(&w, "a"));
  assert_non_null(get_pod(&w, "b"));
  run_to(&w, 30);
  assert_null(get_pod(&w, "b"));
  world_free(&w);
}

/* Unbound and finished pods have grace 0: gone at once whatever their
 * shutdown-time. */
static void test_grace_zero_cases(void **state) {
  (void)state;
  World w;
  world_init(&w);
  KsPod *p = pod_on(NULL, "20s");
  g_free(p->name);
  p->name = g_strdup("pending");
  assert_true(ks_store_create(w.s, KS_STORE_POD, "default", "pending", p,
                              (GDestroyNotify)ks_pod_unref, NULL));
  add_pod(&w, "done", "20s");
  const KsStoreObject *o = ks_store_get(w.s, KS_STORE_POD, "default", "done");
  KsPod *c = ks_pod_copy(o->data);
  c->phase = KS_POD_SUCCEEDED;
  assert_true(ks_store_update(w.s, KS_STORE_POD, "default", "done", c,
                              (GDestroyNotify)ks_pod_unref, 0, NULL));
  assert_true(del(&w, "pending", NULL));
  assert_true(del(&w, "done", NULL));
  assert_null(get_pod(&w, "pending"));
  assert_null(get_pod(&w, "done"));
  world_free(&w);
}

static void set_down(KsEngine *e, gpointer data) {
  (void)e;
  World *w = data;
  assert_true(ks_node_fault_set_down(w->s, "n1", TRUE, NULL));
}

static void set_up(KsEngine *e, gpointer data) {
  (void)e;
  World *w = data;
  assert_true(ks_node_fault_set_down(w->s, "n1", FALSE, NULL));
}

/* A down kubelet finishes nothing: the pods stay Terminating (even with no
 * shutdown-time) until it is back at 200 s; a pod whose kill would have
 * ended at 60 s ends at 200 s, one whose kill ends after ends then. */
static void test_kubelet_down(void **state) {
  (void)state;
  World w;
  world_init(&w);
  add_pod(&w, "a", NULL);
  add_pod(&w, "b", "20s");
  add_pod(&w, "c", "200s");
  at(w.e, S(5), set_down, &w);
  run_to(&w, 40);
  const gint64 long_grace = 300;
  assert_true(del(&w, "a", NULL));
  assert_true(del(&w, "b", NULL));
  assert_true(del(&w, "c", &long_grace)); /* due at 40 + 200 = 240 s */
  assert_non_null(get_pod(&w, "a"));
  assert_int_equal(get_pod(&w, "a")->deletion_timestamp_us, S(70));
  run_to(&w, 199);
  assert_non_null(get_pod(&w, "a"));
  assert_non_null(get_pod(&w, "b"));
  at(w.e, S(200), set_up, &w);
  run_to(&w, 200);
  assert_null(get_pod(&w, "a"));
  assert_null(get_pod(&w, "b"));
  assert_non_null(get_pod(&w, "c"));
  run_to(&w, 239);
  assert_non_null(get_pod(&w, "c"));
  run_to(&w, 240);
  assert_null(get_pod(&w, "c"));
  world_free(&w);
}

/* A pod in its grace period keeps a finalizer's removal from removing it;
 * the kubelet's delete with grace 0 does when there is none left. */
static void test_finalizer_removed_during_grace(void **state) {
  (void)state;
  World w;
  world_init(&w);
  KsPod *p = pod_on("n1", "20s");
  p->finalizers = g_new0(char *, 2);
  p->finalizers[0] = g_strdup("example.com/f");
  assert_true(ks_store_create(w.s, KS_STORE_POD, "default", "p", p, (GDestroyNotify)ks_pod_unref,
                              NULL));
  run_to(&w, 10);
  assert_true(del(&w, "p", NULL));
  assert_true(ks_object_remove_finalizer(w.s, KS_STORE_POD, "default", "p", "example.com/f",
                                         NULL));
  assert_non_null(get_pod(&w, "p"));
  run_to(&w, 29);
  assert_non_null(get_pod(&w, "p"));
  run_to(&w, 30);
  assert_null(get_pod(&w, "p"));
  world_free(&w);
}

/* PodGC's terminating pass: a terminating pod on a node not Ready with the
 * out-of-service taint is made Failed and deleted with grace 0 at the
 * collector's next check (20 s grid); the same node without the taint
 * keeps it. */
static void taint_out_of_service(KsEngine *e, gpointer data) {
  (void)e;
  World *w = data;
  const KsStoreObject *o = ks_store_get(w->s, KS_STORE_NODE, NULL, "n1");
  KsNode *n = ks_node_copy(o->data);
  ks_node_set_condition(n, "Ready", "Unknown", "NodeStatusUnknown");
  ks_node_add_taint(n, KS_TAINT_OUT_OF_SERVICE, "nodeshutdown", KS_TAINT_EFFECT_NO_EXECUTE);
  assert_true(ks_store_update(w->s, KS_STORE_NODE, NULL, "n1", n, (GDestroyNotify)ks_node_unref,
                              0, NULL));
}

static void test_pod_gc_out_of_service(void **state) {
  (void)state;
  World w;
  world_init(&w);
  KsPodGc *gc = ks_pod_gc_new(w.s, KS_POD_GC_DEFAULT_THRESHOLD);
  add_pod(&w, "a", NULL);
  at(w.e, S(5), set_down, &w);
  run_to(&w, 10);
  assert_true(del(&w, "a", NULL));
  run_to(&w, 50);
  assert_non_null(get_pod(&w, "a")); /* down kubelet, no taint: stays */
  at(w.e, S(55), taint_out_of_service, &w);
  run_to(&w, 59);
  assert_non_null(get_pod(&w, "a"));
  run_to(&w, 60); /* the check at 60 s */
  assert_null(get_pod(&w, "a"));
  assert_int_equal(ks_pod_gc_forced(gc), 1);
  assert_log(w.log, (const char *const[]){"a:Running@0", "a:Running/terminating@10",
                                          "a:Failed/terminating@60", "a:gone@60", NULL});
  ks_pod_gc_free(gc);
  world_free(&w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_grace_seconds),
    cmocka_unit_test(test_kill_duration_and_phase),
    cmocka_unit_test(test_shutdown_time_bad_inputs),
    cmocka_unit_test(test_eviction_api_grace),
    cmocka_unit_test(test_default_is_instant),
    cmocka_unit_test(test_shutdown_within_grace),
    cmocka_unit_test(test_sigkill_at_grace),
    cmocka_unit_test(test_second_delete_shortens),
    cmocka_unit_test(test_grace_zero_cases),
    cmocka_unit_test(test_kubelet_down),
    cmocka_unit_test(test_finalizer_removed_during_grace),
    cmocka_unit_test(test_pod_gc_out_of_service),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
