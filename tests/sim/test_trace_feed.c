/* The trace feed (sim/trace_feed.c) on hand-made traces: an in-memory
 * KsTraceSource yields the events, a watch on the store records what
 * happened at which sim time, and each expected time is worked out by hand
 * in the comment beside it (sim = (trace - start) / speed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sched/gpu.h"
#include "sim/node_agent.h"
#include "sim/sched_driver.h"
#include "sim/scheduler_setup.h"
#include "sim/store.h"
#include "sim/trace_feed.h"
#include "workloads/annotations.h"

#define S(x) ((gint64)(x) * 1000000)

/* ---- an in-memory trace source ------------------------------------------- */

typedef struct {
  KsTraceSource base;
  GArray *events; /* KsTraceEvent, handed out in order */
  guint next;
} MemSource;

static gboolean mem_next(KsTraceSource *src, KsTraceEvent *ev, GError **error) {
  MemSource *m = (MemSource *)src;
  if (m->next >= m->events->len)
    return FALSE;
  *ev = g_array_index(m->events, KsTraceEvent, m->next);
  ks_trace_event_init(&g_array_index(m->events, KsTraceEvent, m->next));
  m->next++;
  return TRUE;
}

static void mem_free(KsTraceSource *src) {
  MemSource *m = (MemSource *)src;
  for (guint i = 0; i < m->events->len; i++)
    ks_trace_event_clear(&g_array_index(m->events, KsTraceEvent, i));
  g_array_free(m->events, TRUE);
  g_free(m);
}

static const KsTraceSourceVTable mem_vt = {mem_next, mem_free};

static MemSource *mem_new(void) {
  MemSource *m = g_new0(MemSource, 1);
  KsTraceOpenOptions o = {0};
  ks_trace_source_init(&m->base, &mem_vt, &o, "mem.trace");
  m->events = g_array_new(FALSE, TRUE, sizeof(KsTraceEvent));
  return m;
}

static KsTraceEvent *push(MemSource *m, KsTraceEventType type, gint64 t) {
  KsTraceEvent ev;
  ks_trace_event_init(&ev);
  ev.type = type;
  ev.time_us = t;
  ev.line = m->events->len + 1;
  g_array_append_val(m->events, ev);
  return &g_array_index(m->events, KsTraceEvent, m->events->len - 1);
}

static KsNode *make_node(const char *name, const char *zone, guint gpus) {
  KsNode *n = ks_node_new(name);
  ks_resource_list_set(&n->allocatable, "cpu", 8000);
  ks_resource_list_set(&n->allocatable, "memory", (gint64)32 << 30);
  ks_resource_list_set(&n->allocatable, "pods", 110);
  ks_resource_list_copy(&n->capacity, &n->allocatable);
  ks_labels_set(&n->labels, KS_LABEL_HOSTNAME, name);
  if (zone)
    ks_labels_set(&n->labels, "zone", zone);
  if (gpus)
    ks_gpu_node_set(n, gpus, "V100");
  return n;
}

static void node_add(MemSource *m, gint64 t, const char *name, const char *zone, guint gpus) {
  push(m, KS_TRACE_NODE_ADD, t)->node = make_node(name, zone, gpus);
}

static KsPod *make_pod(const char *name, gint64 cpu_milli) {
  KsPod *p = ks_pod_new("default", name);
  KsContainer *c = ks_pod_add_container(p, "main", FALSE);
  ks_resource_list_set(&c->requests, "cpu", cpu_milli);
  ks_resource_list_copy(&c->limits, &c->requests);
  return p;
}

static KsPod *pod_create(MemSource *m, gint64 t, const char *name, gint64 cpu_milli) {
  KsPod *p = make_pod(name, cpu_milli);
  push(m, KS_TRACE_POD_CREATE, t)->pod = p;
  return p;
}

static void pod_gone(MemSource *m, KsTraceEventType type, gint64 t, const char *name,
                     gint64 ran_us) {
  KsTraceEvent *ev = push(m, type, t);
  ev->namespace = g_strdup("default");
  ev->name = g_strdup(name);
  ev->phase = KS_POD_SUCCEEDED;
  ev->ran_us = ran_us;
}

/* ---- a world: engine, store, and a log of what the store saw -------------- */

typedef struct {
  KsEngine *engine;
  KsStore *store;
  KsSchedSetup *sched;
  KsSchedDriver *driver;
  KsNodeAgent *agent;
  KsTraceFeed *feed;
  GString *log; /* "t=<sec> <ADDED|MODIFIED|DELETED> <kind> <name> [phase]\n" */
} World;

static void log_watch(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                      const KsStoreObject *new_obj, gpointer user_data) {
  World *w = user_data;
  const KsStoreObject *o = new_obj ? new_obj : old_obj;
  gint64 now = ks_engine_now(w->engine);
  g_string_append_printf(w->log, "t=%g %s %s %s", now / 1e6, ks_watch_event_type_to_string(type),
                         ks_store_kind_to_string(o->kind), o->name);
  if (o->kind == KS_STORE_POD && type == KS_WATCH_MODIFIED) {
    const KsPod *p = o->data, *old = old_obj->data;
    if (p->phase != old->phase)
      g_string_append_printf(w->log, " %s", ks_pod_phase_to_string(p->phase));
    else if (p->node_name && !old->node_name)
      g_string_append_printf(w->log, " bound");
  }
  g_string_append_c(w->log, '\n');
}

static void world_init(World *w, gboolean with_scheduler) {
  memset(w, 0, sizeof *w);
  w->engine = ks_engine_new();
  w->store = ks_store_new(w->engine);
  w->log = g_string_new("");
  ks_store_watch(w->store, KS_STORE_NODE, log_watch, w);
  ks_store_watch(w->store, KS_STORE_POD, log_watch, w);
  if (with_scheduler) {
    KsSchedSetupOptions o = {.percentage_of_nodes_to_score = -1, .seed = 1};
    GError *error = NULL;
    w->sched = ks_sched_setup_new(&o, &error);
    assert_non_null(w->sched);
    w->driver = ks_sched_driver_new(w->store, w->sched->sched, NULL);
  }
  w->agent = ks_node_agent_new(w->store);
}

static void world_feed(World *w, MemSource *m, const KsScenarioTrace *spec, guint64 seed) {
  KsTraceFeedOptions o = {.spec = spec, .seed = seed,
                          .sched = w->sched ? w->sched->sched : NULL};
  w->feed = ks_trace_feed_new(w->store, &m->base, &o);
}

static void world_free(World *w) {
  ks_sched_driver_free(w->driver);
  ks_node_agent_free(w->agent);
  ks_store_free(w->store);
  ks_engine_free(w->engine);
  ks_trace_feed_free(w->feed);
  ks_sched_setup_free(w->sched);
  g_string_free(w->log, TRUE);
}

static KsScenarioTrace *spec_new(void) {
  KsScenarioTrace *t = ks_scenario_trace_new();
  t->path = g_strdup("mem.trace");
  return t;
}

static void set(KsScenarioTrace *t, const char *key, const char *value) {
  GError *error = NULL;
  if (!ks_scenario_trace_set(t, key, value, &error))
    fail_msg("%s=%s: %s", key, value, error->message);
}

/* ---- tests ------------------------------------------------------------------ */

static void test_time_mapping(void **state) {
  KsScenarioTrace *t = spec_new();
  set(t, "start", "10s");
  set(t, "speed", "4");
  assert_int_equal(ks_trace_feed_sim_time(t, S(5)), 0);    /* before the window */
  assert_int_equal(ks_trace_feed_sim_time(t, S(10)), 0);
  assert_int_equal(ks_trace_feed_sim_time(t, S(18)), S(2)); /* 8s / 4 */
  assert_int_equal(ks_trace_feed_sim_time(t, S(11)), 250000);
  assert_int_equal(ks_trace_feed_sim_duration(t, S(6)), 1500000);
  assert_int_equal(ks_trace_feed_sim_duration(t, 3), 1); /* 0.75us rounds down, kept >= 1 */
  set(t, "speed", "0.5");
  assert_int_equal(ks_trace_feed_sim_time(t, S(13)), S(6)); /* 3s / 0.5 */
  ks_scenario_trace_free(t);
}

/* Events arrive at (trace - 0) / 2, in trace order; only one engine event
 * of the feed is pending at any time. */
static void test_order_and_compression(void **state) {
  World w;
  world_init(&w, FALSE);
  MemSource *m = mem_new();
  node_add(m, 0, "n1", NULL, 0);
  pod_create(m, S(10), "p1", 100);
  pod_create(m, S(10), "p2", 100);
  pod_create(m, S(20), "p3", 100);
  pod_gone(m, KS_TRACE_POD_DELETE, S(30), "p1", -1);
  pod_gone(m, KS_TRACE_POD_DELETE, S(31), "missing", -1);
  KsScenarioTrace *t = spec_new();
  set(t, "speed", "2");
  world_feed(&w, m, t, 1);
  ks_engine_run_until(w.engine, S(4));
  /* the feed's next step (t=5s) plus nothing else: one pending event */
  assert_int_equal(ks_engine_pending(w.engine), 1);
  assert_int_equal(ks_engine_next_time(w.engine), S(5));
  ks_engine_run_until(w.engine, S(100));
  assert_string_equal(w.log->str, "t=0 ADDED nodes n1\n"
                                  "t=5 ADDED pods p1\n"
                                  "t=5 ADDED pods p2\n"
                                  "t=10 ADDED pods p3\n"
                                  "t=15 DELETED pods p1\n");
  KsTraceFeedStats st;
  ks_trace_feed_get_stats(w.feed, &st);
  assert_int_equal(st.events, 6);
  assert_int_equal(st.pods_created, 3);
  assert_int_equal(st.pods_deleted, 1);
  assert_int_equal(st.ignored, 1);
  assert_true(st.finished);
  assert_null(ks_trace_feed_error(w.feed));
  world_free(&w);
  ks_scenario_trace_free(t);
}

static gint64 run_time_of(KsStore *store, const char *name) {
  const KsStoreObject *o = ks_store_get(store, KS_STORE_POD, "default", name);
  assert_non_null(o);
  KsPodTiming timing;
  assert_true(ks_pod_read_timing(o->data, &timing, NULL));
  return timing.run_time_us;
}

/* Window [15s, 40s): what is alive at 15s is created at sim 0 with what is
 * left of its run time; what ended before, or comes at 40s or later, never
 * appears. */
static void test_window(void **state) {
  World w;
  world_init(&w, FALSE);
  MemSource *m = mem_new();
  node_add(m, 0, "n1", NULL, 0);
  ks_pod_set_run_time(pod_create(m, S(5), "p0", 100), S(5));   /* ends at 10s < 15s */
  ks_pod_set_run_time(pod_create(m, S(10), "p1", 100), S(20)); /* 20 - (15 - 10) = 15s left */
  pod_create(m, S(12), "p3", 100);
  pod_gone(m, KS_TRACE_POD_DELETE, S(14), "p3", -1);           /* deleted before the window */
  pod_create(m, S(14), "p5", 100);                             /* no run time: runs on */
  ks_pod_set_run_time(pod_create(m, S(20), "p2", 100), S(8));  /* at (20-15)/1 = 5s, 8s */
  pod_create(m, S(40), "p4", 100);                             /* at the end: excluded */
  KsScenarioTrace *t = spec_new();
  set(t, "start", "15s");
  set(t, "end", "40s");
  world_feed(&w, m, t, 1);
  ks_engine_run_until(w.engine, S(6));
  assert_string_equal(w.log->str, "t=0 ADDED nodes n1\n"
                                  "t=0 ADDED pods p1\n"
                                  "t=0 ADDED pods p5\n"
                                  "t=5 ADDED pods p2\n");
  assert_int_equal(run_time_of(w.store, "p1"), S(15));
  assert_int_equal(run_time_of(w.store, "p5"), KS_RUN_TIME_FOREVER);
  assert_int_equal(run_time_of(w.store, "p2"), S(8));
  ks_engine_run_until(w.engine, S(100));
  KsTraceFeedStats st;
  ks_trace_feed_get_stats(w.feed, &st);
  assert_int_equal(st.pods_before_window, 2);
  assert_int_equal(st.pods_created, 3);
  assert_true(st.finished);
  assert_null(ks_store_get(w.store, KS_STORE_POD, "default", "p4"));
  world_free(&w);
  ks_scenario_trace_free(t);
}

/* Time replay: pods end when the trace says, measured from their sim start
 * (start latency 1s by default). */
static void test_time_replay_finish(void **state) {
  World w;
  world_init(&w, FALSE);
  MemSource *m = mem_new();
  node_add(m, 0, "n1", NULL, 0);
  /* bound pods (spec.nodeName) need no scheduler: the node agent starts them at 1s */
  pod_create(m, 0, "a", 100)->node_name = g_strdup("n1");
  pod_create(m, 0, "b", 100)->node_name = g_strdup("n1");
  KsPod *c = pod_create(m, 0, "c", 100);
  c->node_name = g_strdup("n1");
  ks_labels_set(&c->annotations, KS_ANNOTATION_START_LATENCY, "20s"); /* Running at 20s */
  pod_create(m, 0, "d", 100)->node_name = g_strdup("n1");
  pod_gone(m, KS_TRACE_POD_FINISH, S(5), "c", S(10));   /* not running yet: 20 + 10 = 30s */
  pod_gone(m, KS_TRACE_POD_FINISH, S(10), "b", S(30));  /* running since 1s: 1 + 30 = 31s */
  pod_gone(m, KS_TRACE_POD_FINISH, S(12), "d", -1);     /* unknown run time: now, 12s */
  pod_gone(m, KS_TRACE_POD_FINISH, S(100), "a", S(50)); /* 1 + 50 = 51s is past: now, 100s */
  KsScenarioTrace *t = spec_new();
  world_feed(&w, m, t, 1);
  ks_engine_run_until(w.engine, S(200));
  const char *expect = "t=0 ADDED nodes n1\n"
                       "t=0 ADDED pods a\n"
                       "t=0 ADDED pods b\n"
                       "t=0 ADDED pods c\n"
                       "t=0 ADDED pods d\n"
                       "t=1 MODIFIED pods a Running\n"
                       "t=1 MODIFIED pods b Running\n"
                       "t=1 MODIFIED pods d Running\n"
                       "t=12 MODIFIED pods d Succeeded\n"
                       "t=20 MODIFIED pods c Running\n"
                       "t=30 MODIFIED pods c Succeeded\n"
                       "t=31 MODIFIED pods b Succeeded\n"
                       "t=100 MODIFIED pods a Succeeded\n";
  assert_string_equal(w.log->str, expect);
  KsTraceFeedStats st;
  ks_trace_feed_get_stats(w.feed, &st);
  assert_int_equal(st.pods_finished, 4);
  world_free(&w);
  ks_scenario_trace_free(t);
}

/* Compressed time scales run times too: run-time 40s at speed 4 is 10s. */
static void test_speed_scales_run_time(void **state) {
  World w;
  world_init(&w, FALSE);
  MemSource *m = mem_new();
  node_add(m, 0, "n1", NULL, 0);
  KsPod *p = pod_create(m, S(8), "p", 100);
  p->node_name = g_strdup("n1");
  ks_pod_set_run_time(p, S(40));
  KsScenarioTrace *t = spec_new();
  set(t, "speed", "4");
  world_feed(&w, m, t, 1);
  ks_engine_run_until(w.engine, S(100));
  /* created at 8/4 = 2s, Running at 3s, Succeeded at 3 + 10 = 13s */
  assert_string_equal(w.log->str, "t=0 ADDED nodes n1\n"
                                  "t=2 ADDED pods p\n"
                                  "t=3 MODIFIED pods p Running\n"
                                  "t=13 MODIFIED pods p Succeeded\n");
  world_free(&w);
  ks_scenario_trace_free(t);
}

static char *chosen_nodes(const char *selector, const char *count, const char *fraction,
                          guint64 seed) {
  World w;
  world_init(&w, FALSE);
  MemSource *m = mem_new();
  for (int i = 0; i < 10; i++) {
    char name[16];
    g_snprintf(name, sizeof name, "n%d", i);
    node_add(m, 0, name, i % 2 ? "b" : "a", 0);
  }
  pod_create(m, S(1), "p", 100);
  node_add(m, S(2), "late", "a", 0); /* joins after the subset is chosen */
  KsScenarioTrace *t = spec_new();
  if (selector)
    set(t, "nodeSelector", selector);
  if (count)
    set(t, "nodeCount", count);
  if (fraction)
    set(t, "nodeFraction", fraction);
  world_feed(&w, m, t, seed);
  ks_engine_run_until(w.engine, S(10));
  GString *names = g_string_new("");
  GPtrArray *nodes = ks_store_list(w.store, KS_STORE_NODE, NULL);
  for (guint i = 0; i < nodes->len; i++)
    g_string_append_printf(names, "%s%s", i ? "," : "",
                           ((const KsStoreObject *)nodes->pdata[i])->name);
  g_ptr_array_unref(nodes);
  world_free(&w);
  ks_scenario_trace_free(t);
  return g_string_free(names, FALSE);
}

static int count_names(const char *list) {
  if (!*list)
    return 0;
  int n = 1;
  for (const char *p = list; *p; p++)
    n += *p == ',';
  return n;
}

static void test_node_subset(void **state) {
  /* a selector alone: the five zone=a nodes and the late one */
  char *a = chosen_nodes("zone=a", NULL, NULL, 1);
  assert_string_equal(a, "late,n0,n2,n4,n6,n8");
  g_free(a);
  /* count 3 among zone=a: three of n0,n2,n4,n6,n8; the late node is over the count */
  char *x = chosen_nodes("zone=a", "3", NULL, 7);
  char *y = chosen_nodes("zone=a", "3", NULL, 7);
  assert_string_equal(x, y); /* same seed, same subset */
  assert_int_equal(count_names(x), 3);
  assert_null(strstr(x, "late"));
  for (const char *odd = "13579"; *odd; odd++) {
    char name[4] = {'n', *odd, 0};
    gchar **parts = g_strsplit(x, ",", -1);
    assert_false(g_strv_contains((const char *const *)parts, name));
    g_strfreev(parts);
  }
  /* other seeds choose other subsets (10 seeds give at least 2 distinct ones) */
  GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (guint64 s = 1; s <= 10; s++)
    g_hash_table_add(seen, chosen_nodes("zone=a", "3", NULL, s));
  assert_true(g_hash_table_size(seen) >= 2);
  g_hash_table_destroy(seen);
  g_free(x);
  g_free(y);
  /* fraction 0.5 of the 10 initial nodes: 5 of them (+ the late one by a coin) */
  char *f = chosen_nodes(NULL, NULL, "0.5", 3);
  int n = count_names(f);
  assert_true(n == 5 || (n == 6 && strstr(f, "late")));
  g_free(f);
}

static void test_nodes_none(void **state) {
  World w;
  world_init(&w, FALSE);
  MemSource *m = mem_new();
  node_add(m, 0, "n1", NULL, 0);
  node_add(m, 0, "n2", NULL, 0);
  pod_create(m, 0, "p", 100);
  KsScenarioTrace *t = spec_new();
  set(t, "nodes", "none");
  world_feed(&w, m, t, 1);
  ks_engine_run_until(w.engine, S(10));
  assert_int_equal(ks_store_count(w.store, KS_STORE_NODE), 0);
  assert_int_equal(ks_store_count(w.store, KS_STORE_POD), 1);
  KsTraceFeedStats st;
  ks_trace_feed_get_stats(w.feed, &st);
  assert_int_equal(st.nodes_excluded, 2);
  world_free(&w);
  ks_scenario_trace_free(t);
}

/* Fill mode with the real scheduler: one node of 1000m cpu; pods of 600m,
 * 300m, 500m, 100m, 200m arrive: 600 fits, 300 fits (900), 500 does not
 * (given up and deleted), 100 fits (1000), 200 does not. Deletes and
 * finishes are ignored; nobody leaves. */
static void test_fill_mode(void **state) {
  World w;
  world_init(&w, TRUE);
  MemSource *m = mem_new();
  KsTraceEvent *ev = push(m, KS_TRACE_NODE_ADD, 0);
  ev->node = make_node("n1", NULL, 0);
  ks_resource_list_set(&ev->node->allocatable, "cpu", 1000);
  ks_pod_set_run_time(pod_create(m, S(1), "p600", 600), S(5));
  pod_create(m, S(2), "p300", 300);
  pod_create(m, S(3), "p500", 500);
  pod_gone(m, KS_TRACE_POD_DELETE, S(4), "p600", -1);
  pod_create(m, S(5), "p100", 100);
  pod_create(m, S(5), "p200", 200);
  KsScenarioTrace *t = spec_new();
  set(t, "mode", "fill");
  world_feed(&w, m, t, 1);
  ks_engine_run_until(w.engine, S(1000));
  KsTraceFeedStats st;
  ks_trace_feed_get_stats(w.feed, &st);
  assert_int_equal(st.pods_created, 5);
  assert_int_equal(st.pods_given_up, 2);
  assert_int_equal(st.ignored, 1);
  const char *bound[] = {"p600", "p300", "p100"};
  for (guint i = 0; i < 3; i++) {
    const KsStoreObject *o = ks_store_get(w.store, KS_STORE_POD, "default", bound[i]);
    assert_non_null(o);
    const KsPod *p = o->data;
    assert_string_equal(p->node_name, "n1");
    assert_int_equal(p->phase, KS_POD_RUNNING); /* run time dropped: runs on */
  }
  assert_null(ks_store_get(w.store, KS_STORE_POD, "default", "p500"));
  assert_null(ks_store_get(w.store, KS_STORE_POD, "default", "p200"));
  world_free(&w);
  ks_scenario_trace_free(t);
}

static void gpu_pod(MemSource *m, const char *name, guint count, gint32 milli) {
  KsPod *p = pod_create(m, 0, name, 100);
  ks_gpu_pod_set(p, count, milli, NULL);
}

typedef struct {
  gint64 total;   /* GPU milli of the pods in the store at the end */
  guint pods;     /* pods in the store */
  KsTraceFeedStats st;
  char *log;
} Resampled;

/* Two nodes of 4 GPUs (capacity 8000 milli); `n` pods of `count` GPUs
 * (whole) named p0.., shuffled and resampled to `share`; a real scheduler
 * places them. */
static void run_resample(const char *share, guint n, guint count, guint64 seed, Resampled *out) {
  World w;
  world_init(&w, TRUE);
  MemSource *m = mem_new();
  node_add(m, 0, "g1", NULL, 4);
  node_add(m, 0, "g2", NULL, 4);
  for (guint i = 0; i < n; i++) {
    char name[16];
    g_snprintf(name, sizeof name, "p%u", i);
    gpu_pod(m, name, count, 1000);
  }
  KsScenarioTrace *t = spec_new();
  set(t, "mode", "fill");
  set(t, "shuffle", "true");
  set(t, "gpuShare", share);
  world_feed(&w, m, t, seed);
  ks_engine_run_until(w.engine, S(1000));
  assert_null(ks_trace_feed_error(w.feed));
  ks_trace_feed_get_stats(w.feed, &out->st);
  out->total = 0;
  GPtrArray *all = ks_store_list(w.store, KS_STORE_POD, NULL);
  out->pods = all->len;
  for (guint i = 0; i < all->len; i++) {
    KsGpuRequest r;
    assert_true(ks_gpu_request_from_pod(((const KsStoreObject *)all->pdata[i])->data, &r, NULL));
    out->total += ks_gpu_request_total(&r);
  }
  g_ptr_array_unref(all);
  out->log = g_strdup(w.log->str);
  world_free(&w);
  ks_scenario_trace_free(t);
}

/* 4 one-GPU pods = 4000; share 0.25 = 2000: two random pods go. */
static void test_resample_down(void **state) {
  Resampled r;
  run_resample("0.25", 4, 1, 11, &r);
  assert_int_equal(r.st.pods_resampled_out, 2);
  assert_int_equal(r.st.pods_resampled_in, 0);
  assert_int_equal(r.pods, 2);
  assert_int_equal(r.total, 2000);
  assert_int_equal(r.st.pods_given_up, 0);
  g_free(r.log);
}

/* 4 one-GPU pods = 4000; share 1 = 8000: copies p<i>-tuned-0..3 are added
 * (5000, 6000, 7000, 8000 <= 8000), the fifth would make 9000: stop. All 8
 * fit the 8 GPUs. */
static void test_resample_up(void **state) {
  Resampled r;
  run_resample("1", 4, 1, 5, &r);
  assert_int_equal(r.st.pods_resampled_in, 4);
  assert_int_equal(r.st.pods_resampled_out, 0);
  assert_int_equal(r.pods, 8);
  assert_int_equal(r.total, 8000);
  assert_int_equal(r.st.pods_given_up, 0);
  assert_non_null(strstr(r.log, "-tuned-0\n"));
  assert_non_null(strstr(r.log, "-tuned-3\n"));
  assert_null(strstr(r.log, "-tuned-4\n"));
  /* one pod per arrivalInterval (1s): the 8th at 7s */
  assert_non_null(strstr(r.log, "t=7 ADDED pods "));
  assert_null(strstr(r.log, "t=8 ADDED pods "));
  /* the same seed gives the same order and copies */
  Resampled again;
  run_resample("1", 4, 1, 5, &again);
  assert_string_equal(r.log, again.log);
  g_free(r.log);
  g_free(again.log);
}

/* The FGD simulator's stop test adds the copy's milli per GPU, not its
 * total: one 4-GPU pod (4000), share 0.9 (7200): 4000 + 1000 <= 7200, so a
 * copy is added (total 8000, over the target); then 8000 + 1000 > 7200. */
static void test_resample_fgd_stop_rule(void **state) {
  Resampled r;
  run_resample("0.9", 1, 4, 3, &r);
  assert_int_equal(r.st.pods_resampled_in, 1);
  assert_int_equal(r.pods, 2);
  assert_int_equal(r.total, 8000);
  g_free(r.log);
}

/* Fill mode, shuffled: every pod once, in an order fixed by the seed. */
static void test_shuffle(void **state) {
  Resampled a, b;
  run_resample("0.5", 4, 1, 1, &a); /* 4000 = 0.5 x 8000: no resampling */
  run_resample("0.5", 4, 1, 1, &b);
  assert_int_equal(a.st.pods_resampled_in + a.st.pods_resampled_out, 0);
  assert_int_equal(a.pods, 4);
  assert_string_equal(a.log, b.log);
  for (guint i = 0; i < 4; i++) {
    char line[32];
    g_snprintf(line, sizeof line, "ADDED pods p%u\n", i);
    assert_non_null(strstr(a.log, line));
  }
  /* some seed among 1..10 reorders them (p0..p3 is the trace's order) */
  gboolean reordered = FALSE;
  for (guint64 seed = 1; seed <= 10 && !reordered; seed++) {
    Resampled c;
    run_resample("0.5", 4, 1, seed, &c);
    const char *p0 = strstr(c.log, "pods p0\n"), *p1 = strstr(c.log, "pods p1\n");
    const char *p2 = strstr(c.log, "pods p2\n"), *p3 = strstr(c.log, "pods p3\n");
    reordered = !(p0 < p1 && p1 < p2 && p2 < p3);
    g_free(c.log);
  }
  assert_true(reordered);
  g_free(a.log);
  g_free(b.log);
}

static void test_usage_kept(void **state) {
  World w;
  world_init(&w, FALSE);
  MemSource *m = mem_new();
  node_add(m, 0, "n1", NULL, 0);
  KsTraceEvent *u = push(m, KS_TRACE_USAGE, S(1));
  u->name = g_strdup("n1");
  ks_resource_list_set(&u->usage, "cpu", 1234);
  KsScenarioTrace *t = spec_new();
  world_feed(&w, m, t, 1);
  ks_engine_run_until(w.engine, S(10));
  const KsResourceList *got = ks_trace_feed_usage(w.feed, NULL, "n1");
  assert_non_null(got);
  assert_int_equal(got->milli_cpu, 1234);
  assert_null(ks_trace_feed_usage(w.feed, "default", "n1"));
  world_free(&w);
  ks_scenario_trace_free(t);
}

/* A bad row in fail mode stops the feed and the engine with the error. */
typedef struct {
  KsTraceSource base;
  int n;
} BadSource;

static gboolean bad_next(KsTraceSource *src, KsTraceEvent *ev, GError **error) {
  BadSource *b = (BadSource *)src;
  if (b->n++ == 0) {
    ev->type = KS_TRACE_NODE_ADD;
    ev->node = make_node("n1", NULL, 0);
    ev->time_us = S(1);
    return TRUE;
  }
  g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_FORMAT, "bad.trace:2: field cpu: \"1x\" is not a quantity");
  return FALSE;
}

static void bad_free(KsTraceSource *src) { g_free(src); }
static const KsTraceSourceVTable bad_vt = {bad_next, bad_free};

static void test_source_error_stops(void **state) {
  World w;
  world_init(&w, FALSE);
  BadSource *b = g_new0(BadSource, 1);
  KsTraceOpenOptions o = {0};
  ks_trace_source_init(&b->base, &bad_vt, &o, "bad.trace");
  KsScenarioTrace *t = spec_new();
  KsTraceFeedOptions fo = {.spec = t, .seed = 1};
  w.feed = ks_trace_feed_new(w.store, &b->base, &fo);
  ks_engine_run_until(w.engine, S(10));
  const GError *e = ks_trace_feed_error(w.feed);
  assert_non_null(e);
  assert_string_equal(e->message, "bad.trace:2: field cpu: \"1x\" is not a quantity");
  KsTraceFeedStats st;
  ks_trace_feed_get_stats(w.feed, &st);
  assert_false(st.finished);
  world_free(&w);
  ks_scenario_trace_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_time_mapping),
    cmocka_unit_test(test_order_and_compression),
    cmocka_unit_test(test_window),
    cmocka_unit_test(test_time_replay_finish),
    cmocka_unit_test(test_speed_scales_run_time),
    cmocka_unit_test(test_node_subset),
    cmocka_unit_test(test_nodes_none),
    cmocka_unit_test(test_fill_mode),
    cmocka_unit_test(test_resample_down),
    cmocka_unit_test(test_resample_up),
    cmocka_unit_test(test_resample_fgd_stop_rule),
    cmocka_unit_test(test_shuffle),
    cmocka_unit_test(test_usage_kept),
    cmocka_unit_test(test_source_error_stops),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
