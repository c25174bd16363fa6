/* Tests of the controller runtime (sim/controllers/): the rate limiter's
 * arithmetic (upstream DefaultControllerRateLimiter), the work queue's
 * dedup / no-concurrent-processing / FIFO / delay rules, expectations, and
 * the controller workers: reconcile latency, a burst of events collapsing
 * into one sync, rate-limited retries at the upstream delays, resync, the
 * informers' initial list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sched/pod.h"
#include "sim/controllers/expectations.h"
#include "sim/controllers/manager.h"
#include "sim/controllers/rate_limiter.h"
#include "sim/controllers/runtime.h"
#include "sim/controllers/work_queue.h"
#include "sim/engine.h"
#include "sim/store.h"

#define MS(x) ((gint64)(x) * 1000)
#define S(x) ((gint64)(x) * G_USEC_PER_SEC)

/* ---- rate limiter -------------------------------------------------------- */

/* Per key: 5 ms doubling (upstream TestItemExponentialFailureRateLimiter's
 * shape with the default base), capped at 1000 s; forget starts again. */
static void test_rate_limiter_per_item(void **state) {
  KsRateLimiterConfig c = {.base_delay_us = MS(5), .max_delay_us = S(1000), .qps = 0};
  KsRateLimiter *r = ks_rate_limiter_new(&c);
  assert_int_equal(ks_rate_limiter_when(r, "a", 0), MS(5));
  assert_int_equal(ks_rate_limiter_when(r, "a", 0), MS(10));
  assert_int_equal(ks_rate_limiter_when(r, "a", 0), MS(20));
  assert_int_equal(ks_rate_limiter_when(r, "a", 0), MS(40));
  assert_int_equal(ks_rate_limiter_when(r, "b", 0), MS(5)); /* keys are independent */
  assert_int_equal(ks_rate_limiter_num_requeues(r, "a"), 4);
  assert_int_equal(ks_rate_limiter_num_requeues(r, "b"), 1);
  ks_rate_limiter_forget(r, "a");
  assert_int_equal(ks_rate_limiter_num_requeues(r, "a"), 0);
  assert_int_equal(ks_rate_limiter_when(r, "a", 0), MS(5));
  /* 5 ms * 2^17 = 655.36 s; 2^18 would be 1310.72 s: capped at 1000 s */
  for (int i = 1; i < 17; i++)
    ks_rate_limiter_when(r, "a", 0);
  assert_int_equal(ks_rate_limiter_when(r, "a", 0), 655360000);
  assert_int_equal(ks_rate_limiter_when(r, "a", 0), S(1000));
  for (int i = 0; i < 100; i++) /* no overflow however many */
    assert_int_equal(ks_rate_limiter_when(r, "a", 0), S(1000));
  ks_rate_limiter_free(r);
}

/* The bucket: 10 qps, burst 100, full at the start. The first 100 takes at
 * one instant wait nothing (so the per-key 5 ms wins), the 101st waits
 * 100 ms, the 102nd 200 ms; a second later 10 tokens came back. */
static void test_rate_limiter_bucket(void **state) {
  KsRateLimiterConfig c;
  ks_rate_limiter_config_default(&c);
  KsRateLimiter *r = ks_rate_limiter_new(&c);
  for (int i = 0; i < 100; i++) {
    char key[16];
    g_snprintf(key, sizeof key, "k%d", i);
    assert_int_equal(ks_rate_limiter_when(r, key, 0), MS(5));
  }
  assert_int_equal(ks_rate_limiter_when(r, "x", 0), MS(100));
  assert_int_equal(ks_rate_limiter_when(r, "y", 0), MS(200));
  /* tokens -2, +10 over 1 s: 8, one taken: no wait */
  assert_int_equal(ks_rate_limiter_when(r, "z", S(1)), MS(5));
  for (int i = 0; i < 7; i++)
    assert_int_equal(ks_rate_limiter_when(r, "w", S(1)) > 0, 1);
  /* 0 tokens left at 1 s: the next waits 100 ms; 50 ms later half a token
   * came back: (1 - 0.5) / 10 s = 50 ms */
  assert_int_equal(ks_rate_limiter_when(r, "v", S(1)), MS(100));
  assert_int_equal(ks_rate_limiter_when(r, "u", S(1) + MS(50)), MS(150));
  /* the bucket never holds more than burst: after an hour, 100 free takes */
  for (int i = 0; i < 100; i++) {
    char key[16];
    g_snprintf(key, sizeof key, "h%d", i);
    assert_int_equal(ks_rate_limiter_when(r, key, S(3600)), MS(5));
  }
  assert_int_equal(ks_rate_limiter_when(r, "h100", S(3600)), MS(100));
  ks_rate_limiter_free(r);
}

/* ---- work queue ------------------------------------------------------- */

static void count_notify(KsWorkQueue *q, gpointer user_data) { (*(int *)user_data)++; }

static void test_queue_dedup_and_processing(void **state) {
  KsEngine *e = ks_engine_new();
  int notified = 0;
  KsWorkQueue *q = ks_work_queue_new(e, NULL, count_notify, &notified);
  ks_work_queue_add(q, "ns/a");
  ks_work_queue_add(q, "ns/b");
  ks_work_queue_add(q, "ns/a"); /* already queued: nothing */
  assert_int_equal(ks_work_queue_len(q), 2);
  assert_int_equal(notified, 2);
  char *k = ks_work_queue_get(q);
  assert_string_equal(k, "ns/a");
  assert_true(ks_work_queue_is_processing(q, "ns/a"));
  /* added while processing: dirty, not queued (never processed twice at once) */
  ks_work_queue_add(q, "ns/a");
  ks_work_queue_add(q, "ns/a");
  assert_int_equal(ks_work_queue_len(q), 1);
  assert_int_equal(notified, 2);
  ks_work_queue_done(q, k); /* back at the end, once */
  g_free(k);
  assert_int_equal(ks_work_queue_len(q), 2);
  assert_int_equal(notified, 3);
  k = ks_work_queue_get(q);
  assert_string_equal(k, "ns/b");
  ks_work_queue_done(q, k); /* not dirty: gone */
  g_free(k);
  k = ks_work_queue_get(q);
  assert_string_equal(k, "ns/a");
  ks_work_queue_done(q, k);
  g_free(k);
  assert_null(ks_work_queue_get(q));
  ks_work_queue_free(q);
  ks_engine_free(e);
}

static void test_queue_add_after(void **state) {
  KsEngine *e = ks_engine_new();
  KsWorkQueue *q = ks_work_queue_new(e, NULL, NULL, NULL);
  ks_work_queue_add_after(q, "b", MS(30));
  ks_work_queue_add_after(q, "a", MS(20));
  ks_work_queue_add_after(q, "a", MS(50)); /* later than the one waiting: kept at 20 */
  ks_work_queue_add_after(q, "b", MS(10)); /* earlier: moved to 10 */
  ks_work_queue_add_after(q, "c", 0);      /* at once */
  assert_int_equal(ks_work_queue_len(q), 1);
  assert_int_equal(ks_work_queue_waiting(q), 2);
  ks_engine_run_until(e, MS(10));
  assert_int_equal(ks_work_queue_len(q), 2);
  ks_engine_run_until(e, MS(19));
  assert_int_equal(ks_work_queue_len(q), 2);
  ks_engine_run_until(e, MS(20));
  assert_int_equal(ks_work_queue_len(q), 3);
  const char *want[] = {"c", "b", "a"};
  for (int i = 0; i < 3; i++) {
    char *k = ks_work_queue_get(q);
    assert_string_equal(k, want[i]);
    ks_work_queue_done(q, k);
    g_free(k);
  }
  assert_int_equal(ks_work_queue_waiting(q), 0);
  ks_engine_run(e);
  assert_int_equal(ks_work_queue_len(q), 0); /* the cancelled 30 ms and 50 ms never fire */
  /* freeing with keys still waiting cancels their events */
  ks_work_queue_add_after(q, "d", S(1));
  ks_work_queue_free(q);
  assert_int_equal(ks_engine_pending(e), 0);
  ks_engine_free(e);
}

static void test_queue_rate_limited(void **state) {
  KsEngine *e = ks_engine_new();
  KsWorkQueue *q = ks_work_queue_new(e, NULL, NULL, NULL);
  ks_work_queue_add_rate_limited(q, "k");
  ks_work_queue_add_rate_limited(q, "k"); /* 10 ms is later than the 5 ms waiting: kept */
  assert_int_equal(ks_work_queue_num_requeues(q, "k"), 2);
  ks_engine_run_until(e, MS(5));
  assert_int_equal(ks_work_queue_len(q), 1);
  ks_work_queue_forget(q, "k");
  assert_int_equal(ks_work_queue_num_requeues(q, "k"), 0);
  ks_work_queue_free(q);
  ks_engine_free(e);
}

/* ---- expectations ------------------------------------------------------- */

static void test_expectations(void **state) {
  KsEngine *e = ks_engine_new();
  KsExpectations *x = ks_expectations_new(e);
  gint64 add, del;
  assert_true(ks_expectations_satisfied(x, "ns/rs")); /* no record */
  assert_false(ks_expectations_get(x, "ns/rs", &add, &del));
  ks_expectations_expect_creations(x, "ns/rs", 2);
  assert_false(ks_expectations_satisfied(x, "ns/rs"));
  ks_expectations_creation_observed(x, "ns/rs");
  assert_false(ks_expectations_satisfied(x, "ns/rs"));
  ks_expectations_creation_observed(x, "ns/rs");
  assert_true(ks_expectations_satisfied(x, "ns/rs"));
  ks_expectations_creation_observed(x, "ns/rs"); /* below zero: still fulfilled */
  assert_true(ks_expectations_get(x, "ns/rs", &add, &del));
  assert_int_equal(add, -1);
  assert_int_equal(del, 0);
  /* raise / lower */
  ks_expectations_set(x, "ns/rs", 1, 1);
  ks_expectations_lower(x, "ns/rs", 1, 0);
  assert_false(ks_expectations_satisfied(x, "ns/rs"));
  ks_expectations_raise(x, "ns/rs", 0, -1);
  assert_true(ks_expectations_satisfied(x, "ns/rs"));
  /* deletions tracked by object key: a second observation of one pod, or
   * one of a pod not expected, changes nothing */
  const char *pods[] = {"ns/p1", "ns/p2", "ns/p1"};
  ks_expectations_expect_deletions_of(x, "ns/rs", pods, 3);
  assert_true(ks_expectations_get(x, "ns/rs", &add, &del));
  assert_int_equal(del, 2);
  ks_expectations_deletion_observed_of(x, "ns/rs", "ns/p1");
  ks_expectations_deletion_observed_of(x, "ns/rs", "ns/p1");
  ks_expectations_deletion_observed_of(x, "ns/rs", "ns/other");
  assert_true(ks_expectations_get(x, "ns/rs", &add, &del));
  assert_int_equal(del, 1);
  assert_false(ks_expectations_satisfied(x, "ns/rs"));
  /* unfulfilled records expire after 5 minutes, not at exactly 5 */
  ks_engine_run_until(e, S(300));
  assert_false(ks_expectations_satisfied(x, "ns/rs"));
  ks_engine_run_until(e, S(300) + 1);
  assert_true(ks_expectations_satisfied(x, "ns/rs"));
  ks_expectations_expect_deletions(x, "ns/rs", 1); /* a new record, stamped now */
  assert_false(ks_expectations_satisfied(x, "ns/rs"));
  ks_expectations_deletion_observed(x, "ns/rs");
  assert_true(ks_expectations_satisfied(x, "ns/rs"));
  ks_expectations_expect_creations(x, "ns/rs", 1);
  ks_expectations_delete(x, "ns/rs");
  assert_true(ks_expectations_satisfied(x, "ns/rs"));
  ks_expectations_free(x);
  ks_engine_free(e);
}

/* ---- controllers -------------------------------------------------------- */

/* A test controller over pods: every pod change enqueues the pod's key;
 * sync logs "key@µs" and fails while the pod has annotation "fail" with
 * more failures to go (the value counts down in the controller's state). */
typedef struct {
  GPtrArray *log;
  GHashTable *fails_left; /* key -> remaining failures */
  gint64 resync_us;
} TestCtl;

static TestCtl *test_state; /* what the class's init hands over */

static void on_add(KsController *c, gpointer self, const KsStoreObject *obj) {
  ks_controller_enqueue(c, obj);
}
static void on_update(KsController *c, gpointer self, const KsStoreObject *old_obj,
                      const KsStoreObject *new_obj) {
  ks_controller_enqueue(c, new_obj);
}
static void on_del(KsController *c, gpointer self, const KsStoreObject *obj) {
  ks_controller_enqueue(c, obj);
}

static gpointer test_init(KsController *c) {
  KsInformerHandlers h = {on_add, on_update, on_del};
  ks_controller_watch(c, KS_STORE_POD, &h, test_state->resync_us);
  return test_state;
}

static KsSyncResult test_sync(KsController *c, gpointer self, const char *key) {
  TestCtl *t = self;
  g_ptr_array_add(t->log, g_strdup_printf("%s@%" G_GINT64_FORMAT, key, ks_controller_now(c)));
  gpointer left = g_hash_table_lookup(t->fails_left, key);
  if (GPOINTER_TO_INT(left) > 0) {
    g_hash_table_insert(t->fails_left, g_strdup(key), GINT_TO_POINTER(GPOINTER_TO_INT(left) - 1));
    return KS_SYNC_RETRY;
  }
  return KS_SYNC_DONE;
}

static const KsControllerClass test_class = {
  .name = "test", .default_workers = 1, .init = test_init, .sync = test_sync};

typedef struct {
  KsEngine *e;
  KsStore *s;
  TestCtl t;
  KsController *c;
} World;

static void world_init(World *w, gint64 resync) {
  w->e = ks_engine_new();
  w->s = ks_store_new(w->e);
  w->t.log = g_ptr_array_new_with_free_func(g_free);
  w->t.fails_left = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  w->t.resync_us = resync;
}

static void world_start(World *w, gint64 latency, guint workers) {
  KsControllerOptions o;
  ks_controller_options_default(&o);
  o.reconcile_latency_us = latency;
  o.workers = workers;
  test_state = &w->t;
  w->c = ks_controller_new(&test_class, w->s, &o);
}

static void world_free(World *w) {
  ks_controller_free(w->c);
  ks_store_free(w->s);
  ks_engine_free(w->e);
  g_ptr_array_unref(w->t.log);
  g_hash_table_unref(w->t.fails_left);
}

static void put_pod(World *w, const char *name) {
  KsPod *p = ks_pod_new("ns", name);
  assert_true(ks_store_create(w->s, KS_STORE_POD, "ns", name, p, (GDestroyNotify)ks_pod_unref,
                              NULL));
}

static void touch_pod(World *w, const char *name) {
  const KsStoreObject *o = ks_store_get(w->s, KS_STORE_POD, "ns", name);
  KsPod *p = ks_pod_copy(o->data);
  assert_true(ks_store_update(w->s, KS_STORE_POD, "ns", name, p, (GDestroyNotify)ks_pod_unref, 0,
                              NULL));
}

static void assert_log(GPtrArray *log, const char *const *want) {
  guint n = g_strv_length((char **)want);
  for (guint i = 0; i < MIN(n, log->len); i++)
    assert_string_equal(log->pdata[i], want[i]);
  assert_int_equal(log->len, n);
}

/* A burst of changes to one pod at one instant is one sync; with a 100 ms
 * latency the sync runs 100 ms after the changes. */
static void burst(KsEngine *e, gpointer data) {
  World *w = data;
  put_pod(w, "a");
  touch_pod(w, "a");
  touch_pod(w, "a");
  put_pod(w, "b");
}

static void test_controller_burst_and_latency(void **state) {
  World w = {0};
  world_init(&w, 0);
  world_start(&w, MS(100), 1);
  ks_engine_schedule(w.e, S(1), burst, &w, NULL);
  ks_engine_run(w.e);
  /* one worker: a at 1.1 s, then b taken at 1.1 s and synced at 1.2 s */
  const char *want[] = {"ns/a@1100000", "ns/b@1200000", NULL};
  assert_log(w.t.log, want);
  assert_int_equal(ks_controller_syncs(w.c), 2);
  world_free(&w);
}

/* Two workers process two keys at once; a key changed while its sync is in
 * flight is synced again after it, never twice at once. */
static void touch_a(KsEngine *e, gpointer data) { touch_pod(data, "a"); }

static void test_controller_workers(void **state) {
  World w = {0};
  world_init(&w, 0);
  world_start(&w, MS(100), 2);
  ks_engine_schedule(w.e, S(1), burst, &w, NULL);
  ks_engine_schedule(w.e, S(1) + MS(50), touch_a, &w, NULL);
  ks_engine_run(w.e);
  const char *want[] = {"ns/a@1100000", "ns/b@1100000", "ns/a@1200000", NULL};
  assert_log(w.t.log, want);
  world_free(&w);
}

/* A failing sync is retried at the rate limiter's delays: 5, 10, 20 ms. */
static void test_controller_retry(void **state) {
  World w = {0};
  world_init(&w, 0);
  g_hash_table_insert(w.t.fails_left, g_strdup("ns/a"), GINT_TO_POINTER(3));
  world_start(&w, 0, 1);
  ks_engine_schedule(w.e, S(1), burst, &w, NULL);
  ks_engine_run(w.e);
  const char *want[] = {"ns/a@1000000", "ns/b@1000000", "ns/a@1005000", "ns/a@1015000",
                        "ns/a@1035000", NULL};
  assert_log(w.t.log, want);
  /* success forgot the requeues */
  assert_int_equal(ks_work_queue_num_requeues(ks_controller_queue(w.c), "ns/a"), 0);
  world_free(&w);
}

/* Pods in the store before the controller starts are listed (initial
 * list); resync hands every pod to update each period. */
static void test_controller_initial_list_and_resync(void **state) {
  World w = {0};
  world_init(&w, S(30));
  put_pod(&w, "b");
  put_pod(&w, "a");
  world_start(&w, 0, 1);
  ks_engine_run_until(w.e, S(61));
  const char *want[] = {"ns/a@0", "ns/b@0", "ns/a@30000000", "ns/b@30000000", "ns/a@60000000",
                        "ns/b@60000000", NULL};
  assert_log(w.t.log, want);
  world_free(&w);
}

/* The manager starts classes, finds them by name, frees them. */
static void test_manager(void **state) {
  World w = {0};
  world_init(&w, 0);
  test_state = &w.t;
  KsControllerManagerOptions mo = {.reconcile_latency_us = MS(250), .seed = 7};
  KsControllerManager *m = ks_controller_manager_new(w.s, &mo);
  KsController *c = ks_controller_manager_start(m, &test_class);
  assert_ptr_equal(ks_controller_manager_get(m, "test"), c);
  assert_null(ks_controller_manager_get(m, "nope"));
  put_pod(&w, "a");
  ks_engine_run(w.e);
  const char *want[] = {"ns/a@250000", NULL};
  assert_log(w.t.log, want);
  ks_controller_manager_free(m);
  ks_store_free(w.s);
  ks_engine_free(w.e);
  g_ptr_array_unref(w.t.log);
  g_hash_table_unref(w.t.fails_left);
}

static void test_keys(void **state) {
  char *ns, *name;
  ks_controller_split_key("default/web", &ns, &name);
  assert_string_equal(ns, "default");
  assert_string_equal(name, "web");
  g_free(ns);
  g_free(name);
  ks_controller_split_key("node-1", &ns, &name);
  assert_string_equal(ns, "");
  assert_string_equal(name, "node-1");
  g_free(ns);
  g_free(name);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_rate_limiter_per_item),
    cmocka_unit_test(test_rate_limiter_bucket),
    cmocka_unit_test(test_queue_dedup_and_processing),
    cmocka_unit_test(test_queue_add_after),
    cmocka_unit_test(test_queue_rate_limited),
    cmocka_unit_test(test_expectations),
    cmocka_unit_test(test_controller_burst_and_latency),
    cmocka_unit_test(test_controller_workers),
    cmocka_unit_test(test_controller_retry),
    cmocka_unit_test(test_controller_initial_list_and_resync),
    cmocka_unit_test(test_manager),
    cmocka_unit_test(test_keys),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
