/* Tests of the pod garbage collector (sim/pod_gc.c): which terminated pods
 * it deletes (oldest creation timestamp first, then name, then namespace),
 * when (every 20 s from its start), that it leaves running pods and pods
 * within the threshold alone, that threshold 0 turns it off, and that a run
 * with it records collected pods exactly as a run without it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib/gstdio.h>

#include "sched/pod.h"
#include "sim/engine.h"
#include "sim/pod_gc.h"
#include "sim/results_read.h"
#include "sim/simulation.h"
#include "sim/store.h"
#include "workloads/scenario.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)

/* Records every DELETED pod as "ns/name@seconds". */
static void on_delete(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                      const KsStoreObject *new_obj, gpointer user_data) {
  if (type != KS_WATCH_DELETED)
    return;
  GPtrArray *log = user_data;
  gint64 now = ks_engine_now(ks_store_get_engine(s));
  g_ptr_array_add(log, g_strdup_printf("%s/%s@%" G_GINT64_FORMAT, old_obj->namespace,
                                       old_obj->name, now / G_USEC_PER_SEC));
}

static void put_pod(KsStore *s, const char *ns, const char *name, gint64 created_us,
                    KsPodPhase phase) {
  KsPod *p = ks_pod_new(ns, name);
  p->creation_timestamp_us = created_us;
  p->phase = phase;
  assert_true(ks_store_create(s, KS_STORE_POD, ns, name, p, (GDestroyNotify)ks_pod_unref, NULL));
}

static void set_phase(KsStore *s, const char *ns, const char *name, KsPodPhase phase) {
  const KsStoreObject *o = ks_store_get(s, KS_STORE_POD, ns, name);
  assert_non_null(o);
  KsPod *p = ks_pod_copy(o->data);
  p->phase = phase;
  assert_true(ks_store_update(s, KS_STORE_POD, ns, name, p, (GDestroyNotify)ks_pod_unref, 0, NULL));
}

static void assert_log(GPtrArray *log, const char *const *want) {
  guint n = g_strv_length((char **)want);
  for (guint i = 0; i < MIN(n, log->len); i++)
    assert_string_equal(log->pdata[i], want[i]);
  assert_int_equal(log->len, n);
}

typedef struct {
  KsEngine *e;
  KsStore *s;
  KsPodGc *gc;
  GPtrArray *log;
} World;

static void world_init(World *w, gint64 threshold) {
  w->e = ks_engine_new();
  w->s = ks_store_new(w->e);
  w->log = g_ptr_array_new_with_free_func(g_free);
  ks_store_watch(w->s, KS_STORE_POD, on_delete, w->log);
  w->gc = ks_pod_gc_new(w->s, threshold);
}

static void world_free(World *w) {
  ks_pod_gc_free(w->gc);
  ks_store_free(w->s);
  ks_engine_free(w->e);
  g_ptr_array_unref(w->log);
}

/* Six pods appear at t = 1 s, five of them terminated; threshold 2. */
static void add_six(World *w) {
  ks_engine_run_until(w->e, S(1));
  put_pod(w->s, "default", "running", 0, KS_POD_RUNNING);
  put_pod(w->s, "default", "p3", S(3), KS_POD_SUCCEEDED);
  put_pod(w->s, "default", "p1b", S(1), KS_POD_FAILED);
  put_pod(w->s, "default", "p1a", S(1), KS_POD_SUCCEEDED);
  put_pod(w->s, "default", "p2", S(2), KS_POD_SUCCEEDED);
  put_pod(w->s, "other", "p1a", S(1), KS_POD_SUCCEEDED);
}

static void test_oldest_first_at_the_check(void **state) {
  World w;
  world_init(&w, 2);
  add_six(&w);
  ks_engine_run_until(w.e, S(20) - 1);
  assert_int_equal(ks_pod_gc_terminated(w.gc), 5);
  assert_int_equal(w.log->len, 0); /* the check at 0 s saw nothing; the next is at 20 s */
  ks_engine_run_until(w.e, S(20));
  /* 5 terminated - threshold 2 = 3, by (creation, name, namespace):
   * (1s, p1a, default), (1s, p1a, other), (1s, p1b, default). */
  const char *const first[] = {"default/p1a@20", "other/p1a@20", "default/p1b@20", NULL};
  assert_log(w.log, first);
  assert_int_equal(ks_pod_gc_deleted(w.gc), 3);
  assert_int_equal(ks_pod_gc_terminated(w.gc), 2);
  assert_null(ks_store_get(w.s, KS_STORE_POD, "default", "p1a"));
  assert_non_null(ks_store_get(w.s, KS_STORE_POD, "default", "p2"));
  assert_non_null(ks_store_get(w.s, KS_STORE_POD, "default", "p3"));

  /* The running pod (created at 0 s, the oldest) ends at 30 s: three
   * terminated again, and the check at 40 s deletes it, not p2 or p3. */
  ks_engine_run_until(w.e, S(30));
  set_phase(w.s, "default", "running", KS_POD_SUCCEEDED);
  ks_engine_run_until(w.e, S(40) - 1);
  assert_int_equal(w.log->len, 3);
  ks_engine_run_until(w.e, S(40));
  const char *const second[] = {"default/p1a@20", "other/p1a@20", "default/p1b@20",
                                "default/running@40", NULL};
  assert_log(w.log, second);
  /* Within the threshold: nothing more, however long it runs. */
  ks_engine_run_until(w.e, S(200));
  assert_int_equal(w.log->len, 4);
  assert_int_equal(ks_pod_gc_deleted(w.gc), 4);
  world_free(&w);
}

/* A pod deleted by someone else leaves the collector's count; a pod created
 * terminated counts at once. */
static void test_follows_other_deletes(void **state) {
  World w;
  world_init(&w, 1);
  add_six(&w);
  ks_engine_run_until(w.e, S(5));
  assert_true(ks_store_delete(w.s, KS_STORE_POD, "default", "p1a", 0, NULL));
  assert_true(ks_store_delete(w.s, KS_STORE_POD, "other", "p1a", 0, NULL));
  ks_engine_run_until(w.e, S(6));
  assert_int_equal(ks_pod_gc_terminated(w.gc), 3);
  ks_engine_run_until(w.e, S(20));
  const char *const want[] = {"default/p1a@5", "other/p1a@5", "default/p1b@20", "default/p2@20",
                              NULL};
  assert_log(w.log, want);
  assert_int_equal(ks_pod_gc_deleted(w.gc), 2);
  world_free(&w);
}

static void test_threshold_zero_is_off(void **state) {
  World w;
  world_init(&w, 0);
  add_six(&w);
  ks_engine_run_until(w.e, S(600));
  assert_int_equal(w.log->len, 0);
  assert_int_equal(ks_pod_gc_deleted(w.gc), 0);
  assert_int_equal(ks_store_count(w.s, KS_STORE_POD), 6);
  world_free(&w);
}

/* Ten 10 s pods, one every 5 s, on one node; threshold 3. */
static const char *scenario_text =
    "apiVersion: ksim.io/v1alpha1\nkind: Scenario\nmetadata: {name: gc}\n"
    "spec:\n  seed: 1\n  duration: 5m\n  sampleInterval: 10s\n"
    "  nodePools:\n  - name: n\n    count: 1\n    template:\n      apiVersion: v1\n"
    "      kind: Node\n      status:\n        capacity: {cpu: \"8\", memory: 8Gi, pods: \"20\"}\n"
    "  workloads:\n  - generator:\n      name: job\n      count: 10\n"
    "      arrivals: {process: fixed, interval: 5s}\n"
    "      runTime: {distribution: constant, value: 10s}\n"
    "      template:\n        apiVersion: v1\n        kind: Pod\n        metadata: {name: job}\n"
    "        spec:\n          containers:\n          - name: c\n            image: busybox\n"
    "            resources:\n              requests: {cpu: 100m, memory: 64Mi}\n";

static char *run(const KsScenario *s, gboolean gc_on, guint64 *collected) {
  char *out = g_strdup_printf("%s/ksim-podgc-%d-%d.h5", g_get_tmp_dir(), (int)getpid(), gc_on);
  KsRunOptions opts = {.output = out, .has_pod_gc_threshold = TRUE,
                       .pod_gc_threshold = gc_on ? 3 : 0};
  KsRunReport report;
  GError *error = NULL;
  if (!ks_simulation_run(s, &opts, &report, &error))
    fail_msg("run failed: %s", error->message);
  *collected = report.pods_garbage_collected;
  ks_run_report_clear(&report);
  return out;
}

static gchar *slurp(const char *path, gsize *len) {
  gchar *data = NULL;
  assert_true(g_file_get_contents(path, &data, len, NULL));
  return data;
}

static void test_run_records_collected_pods(void **state) {
  GError *error = NULL;
  KsScenario *s = ks_scenario_load_string(scenario_text, strlen(scenario_text), "gc.yaml", NULL,
                                          &error);
  if (!s)
    fail_msg("%s", error->message);
  guint64 with = 0, without = 0;
  char *a = run(s, TRUE, &with), *b = run(s, FALSE, &without);
  /* All ten finish well before 5 m; 10 terminated - 3 = 7 collected. */
  assert_int_equal(with, 7);
  assert_int_equal(without, 0);
  KsResults *r = ks_results_read(a, &error);
  assert_non_null(r);
  assert_int_equal(r->n_pods, 10);
  for (gsize i = 0; i < r->n_pods; i++)
    assert_int_equal(r->pods[i].outcome, KS_OUTCOME_SUCCEEDED);
  ks_results_free(r);
  /* The collector changes nothing the results record. */
  gsize la, lb;
  gchar *da = slurp(a, &la), *db = slurp(b, &lb);
  assert_int_equal(la, lb);
  assert_memory_equal(da, db, la);
  g_free(da);
  g_free(db);
  g_unlink(a);
  g_unlink(b);
  g_free(a);
  g_free(b);
  ks_scenario_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_oldest_first_at_the_check),
    cmocka_unit_test(test_follows_other_deletes),
    cmocka_unit_test(test_threshold_zero_is_off),
    cmocka_unit_test(test_run_records_collected_pods),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
