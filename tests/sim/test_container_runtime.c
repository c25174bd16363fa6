/* Per-container run times and exit codes and init containers in the node
 * agent's resource model (docs/node-agent.md, "Containers: run times, exit
 * codes, init containers"), through the store and the engine: pods created
 * already bound with ksim.io/start-latency 0s (they start at 0), and a
 * watch that logs every status the kubelet writes as one line:
 *
 *   "<t> <phase> <ready|-> [<init>...] <container>... [Initialized=<T|F>@<t>]"
 *
 * with a container as name:R (running), name:T<exit>/<reason>,
 * name:W/<reason> (waiting), and #<restarts> when it restarted. Times are
 * worked out by hand in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sched/objects.h"
#include "tests/sim/scenario_results.h"
#include "sim/engine.h"
#include "sim/kubelet/resource_model.h"
#include "sim/node_agent.h"
#include "sim/node_faults.h"
#include "sim/store.h"
#include "workloads/annotations.h"
#include "workloads/usage.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)

typedef struct {
  KsEngine *engine;
  KsStore *store;
  KsNodeAgent *agent;
  GPtrArray *log; /* char*: one line per write of the watched pod */
  const char *watch;
} World;

static void add_status(GString *s, const KsContainerStatus *c) {
  g_string_append_printf(s, " %s:", c->name);
  switch (c->state.kind) {
  case KS_CONTAINER_RUNNING: g_string_append(s, "R"); break;
  case KS_CONTAINER_TERMINATED:
    g_string_append_printf(s, "T%d/%s", c->state.exit_code, c->state.reason ? c->state.reason : "");
    break;
  case KS_CONTAINER_WAITING:
    g_string_append_printf(s, "W/%s", c->state.reason ? c->state.reason : "");
    break;
  default: g_string_append(s, "-"); break;
  }
  if (c->restart_count)
    g_string_append_printf(s, "#%d", c->restart_count);
}

static void log_pod(KsStore *st, KsWatchEventType type, const KsStoreObject *old_obj,
                    const KsStoreObject *new_obj, gpointer user_data) {
  (void)st;
  (void)old_obj;
  World *w = user_data;
  if (type == KS_WATCH_DELETED)
    return;
  const KsPod *p = new_obj->data;
  if (g_strcmp0(p->name, w->watch) || !p->container_statuses)
    return;
  GString *s = g_string_new(NULL);
  g_string_append_printf(s, "%" G_GINT64_FORMAT " %s %s", ks_engine_now(w->engine) / G_USEC_PER_SEC,
                         ks_pod_phase_to_string(p->phase), p->ready ? "ready" : "-");
  for (guint i = 0; p->init_container_statuses && i < p->init_container_statuses->len; i++)
    add_status(s, &g_array_index(p->init_container_statuses, KsContainerStatus, i));
  g_string_append(s, " |");
  for (guint i = 0; i < p->container_statuses->len; i++)
    add_status(s, &g_array_index(p->container_statuses, KsContainerStatus, i));
  const KsPodCondition *init = ks_pod_get_condition(p, KS_POD_CONDITION_INITIALIZED);
  if (init)
    g_string_append_printf(s, " Initialized=%s@%" G_GINT64_FORMAT,
                           init->status == KS_POD_CONDITION_TRUE ? "T" : "F",
                           init->last_transition_time_us / G_USEC_PER_SEC);
  g_ptr_array_add(w->log, g_string_free(s, FALSE));
}

static void world_init(World *w, const char *watch) {
  w->engine = ks_engine_new();
  w->store = ks_store_new(w->engine);
  w->log = g_ptr_array_new_with_free_func(g_free);
  w->watch = watch;
  ks_store_watch(w->store, KS_STORE_POD, log_pod, w);
  w->agent = ks_node_agent_new_seeded(w->store, 7);
  KsNode *n = ks_node_new("n1");
  assert_true(ks_resource_list_set_quantity(&n->capacity, "cpu", "4", NULL));
  assert_true(ks_resource_list_set_quantity(&n->capacity, "memory", "4Gi", NULL));
  ks_resource_list_copy(&n->allocatable, &n->capacity);
  assert_true(ks_store_create(w->store, KS_STORE_NODE, NULL, "n1", n,
                              (GDestroyNotify)ks_node_unref, NULL));
}

static void world_clear(World *w) {
  ks_node_agent_free(w->agent);
  ks_store_free(w->store);
  ks_engine_free(w->engine);
  g_ptr_array_unref(w->log);
}

/* A pod bound to n1, starting at 0; containers "a,b" with "-x" a plain init
 * container and "+x" a sidecar (init containers in the order given);
 * annotations "key=value" pairs, NULL-terminated. */
static KsPod *make_pod(const char *name, KsRestartPolicy policy, const char *containers, ...) {
  KsPod *p = ks_pod_new("default", name);
  p->uid = g_strdup_printf("uid-%s", name);
  p->node_name = g_strdup("n1");
  p->restart_policy = policy;
  char **names = g_strsplit(containers, ",", -1);
  for (guint i = 0; names[i]; i++) {
    const char *n = names[i];
    gboolean init = n[0] == '-' || n[0] == '+';
    KsContainer *c = ks_pod_add_container(p, init ? n + 1 : n, init);
    c->restart_always = n[0] == '+';
  }
  g_strfreev(names);
  ks_labels_set(&p->annotations, KS_ANNOTATION_START_LATENCY, "0s");
  va_list ap;
  va_start(ap, containers);
  const char *kv;
  while ((kv = va_arg(ap, const char *)) != NULL) {
    char **pair = g_strsplit(kv, "=", 2);
    ks_labels_set(&p->annotations, pair[0], pair[1]);
    g_strfreev(pair);
  }
  va_end(ap);
  return p;
}

static void create(World *w, KsPod *p) {
  assert_true(ks_store_create(w->store, KS_STORE_POD, p->namespace, p->name, p,
                              (GDestroyNotify)ks_pod_unref, NULL));
}

static const KsPod *get(World *w, const char *name) {
  const KsStoreObject *o = ks_store_get(w->store, KS_STORE_POD, "default", name);
  return o ? o->data : NULL;
}

static void expect(World *w, const char *const *want, guint n) {
  for (guint i = 0; i < MAX(n, w->log->len); i++) {
    const char *got = i < w->log->len ? w->log->pdata[i] : "(none)";
    const char *exp = i < n ? want[i] : "(none)";
    if (strcmp(got, exp))
      fail_msg("write %u: got \"%s\", want \"%s\"", i, got, exp);
  }
}

/* Two containers of 60 s and 120 s, OnFailure, both exit 0: short ends at
 * 60 s (the pod runs on), long at 120 s, and the pod Succeeds then. */
static void test_two_run_times(void **state) {
  (void)state;
  World w;
  world_init(&w, "job");
  create(&w, make_pod("job", KS_RESTART_ON_FAILURE, "short,long", "ksim.io/run-time.short=60s",
                      "ksim.io/run-time.long=2m", NULL));
  ks_engine_run_until(w.engine, S(1000));
  static const char *const want[] = {
      "60 Running - | short:T0/Completed long:R Initialized=T@0",
      "120 Succeeded - | short:T0/Completed long:T0/Completed Initialized=T@0",
  };
  expect(&w, want, G_N_ELEMENTS(want));
  const KsPod *p = get(&w, "job");
  const KsContainerStatus *l = &g_array_index(p->container_statuses, KsContainerStatus, 1);
  assert_int_equal(l->state.started_at_us, 0);
  assert_int_equal(l->state.finished_at_us, S(120));
  /* started at sim time 0: status.startTime is 0, set (not the 60 s of the
   * model's first write) */
  assert_true(p->has_start_time);
  assert_int_equal(p->start_time_us, 0);
  /* no init containers: Initialized True from the start (the node agent's
   * first write), reason PodCompleted once Succeeded, as upstream's
   * GeneratePodInitializedCondition */
  const KsPodCondition *ini = ks_pod_get_condition(p, KS_POD_CONDITION_INITIALIZED);
  assert_int_equal(ini->status, KS_POD_CONDITION_TRUE);
  assert_string_equal(ini->reason, "PodCompleted");
  assert_null(ini->message);
  assert_int_equal(ini->last_transition_time_us, 0);
  assert_false(ks_kubelet_model_has(ks_node_agent_model(w.agent), "default", "job"));
  world_clear(&w);
}

/* OnFailure, app runs 30 s and exits 1, beside a container that runs on:
 *   30  exit 1: no back-off entry -> restarts at once (entry 10 s)
 *   60  exit 1: CrashLoopBackOff 10 s -> restarts at 70 (next 20 s)
 *  100  exit 1: CrashLoopBackOff 20 s -> restarts at 120
 * The pod stays Running throughout (getPhase: OnFailure, restarting). */
static void test_on_failure_backoff(void **state) {
  (void)state;
  World w;
  world_init(&w, "crash");
  create(&w, make_pod("crash", KS_RESTART_ON_FAILURE, "app,web", "ksim.io/run-time.app=30s",
                      "ksim.io/exit-code.app=1", NULL));
  ks_engine_run_until(w.engine, S(125));
  static const char *const want[] = {
      "30 Running ready | app:T1/Error web:R Initialized=T@0",
      "30 Running ready | app:R#1 web:R Initialized=T@0",
      "60 Running - | app:W/CrashLoopBackOff#1 web:R Initialized=T@0",
      "70 Running ready | app:R#2 web:R Initialized=T@0",
      "100 Running - | app:W/CrashLoopBackOff#2 web:R Initialized=T@0",
      "120 Running ready | app:R#3 web:R Initialized=T@0",
  };
  expect(&w, want, G_N_ELEMENTS(want));
  const KsPod *p = get(&w, "crash");
  assert_string_equal(ks_labels_get(&p->annotations, KS_ANNOTATION_RESTART_COUNT), "3");
  const KsContainerStatus *a = &g_array_index(p->container_statuses, KsContainerStatus, 0);
  assert_int_equal(a->last_state.exit_code, 1);
  assert_string_equal(a->last_state.reason, "Error");
  assert_int_equal(a->last_state.started_at_us, S(70));
  assert_int_equal(a->last_state.finished_at_us, S(100));
  world_clear(&w);
}

/* restartPolicy Always restarts a container that exits 0 too (its own run
 * time given): at once at 30 s, after 10 s at 70 s; the pod never ends. */
static void test_always_restarts_exit_zero(void **state) {
  (void)state;
  World w;
  world_init(&w, "svc");
  create(&w, make_pod("svc", KS_RESTART_ALWAYS, "app", "ksim.io/run-time.app=30s", NULL));
  ks_engine_run_until(w.engine, S(75));
  static const char *const want[] = {
      "30 Running ready | app:T0/Completed Initialized=T@0",
      "30 Running ready | app:R#1 Initialized=T@0",
      "60 Running - | app:W/CrashLoopBackOff#1 Initialized=T@0",
      "70 Running ready | app:R#2 Initialized=T@0",
  };
  expect(&w, want, G_N_ELEMENTS(want));
  world_clear(&w);
}

/* restartPolicy Never with two containers: one exits 3 at 20 s, the other
 * ends 0 at 40 s: Failed at 40 s (getPhase: all terminated, one failed). */
static void test_never_one_fails(void **state) {
  (void)state;
  World w;
  world_init(&w, "nv");
  create(&w, make_pod("nv", KS_RESTART_NEVER, "a,b", "ksim.io/run-time.a=20s",
                      "ksim.io/exit-code.a=3", "ksim.io/run-time.b=40s", NULL));
  ks_engine_run_until(w.engine, S(100));
  static const char *const want[] = {
      "20 Running - | a:T3/Error b:R Initialized=T@0",
      "40 Failed - | a:T3/Error b:T0/Completed Initialized=T@0",
  };
  expect(&w, want, G_N_ELEMENTS(want));
  world_clear(&w);
}

/* Init containers of 30 s and 20 s, then app (60 s, OnFailure): Pending
 * with Initialized False until 50 s; app starts at 50 s, the pod is Running
 * and Ready then, Initialized True since 50 s; app ends at 110 s. */
static void test_init_containers(void **state) {
  (void)state;
  World w;
  world_init(&w, "init");
  create(&w, make_pod("init", KS_RESTART_ON_FAILURE, "-setup1,-setup2,app",
                      "ksim.io/run-time.setup1=30s", "ksim.io/run-time.setup2=20s",
                      "ksim.io/run-time.app=1m", NULL));
  ks_engine_run_until(w.engine, S(40));
  const KsPod *p = get(&w, "init");
  const KsPodCondition *c = ks_pod_get_condition(p, KS_POD_CONDITION_INITIALIZED);
  assert_string_equal(c->reason, "ContainersNotInitialized");
  assert_string_equal(c->message, "containers with incomplete status: [setup2]");
  ks_engine_run_until(w.engine, S(200));
  static const char *const want[] = {
      "0 Pending - setup1:R setup2:W/PodInitializing | app:W/PodInitializing Initialized=F@0",
      "30 Pending - setup1:T0/Completed setup2:R | app:W/PodInitializing Initialized=F@0",
      "50 Running ready setup1:T0/Completed setup2:T0/Completed | app:R Initialized=T@50",
      "110 Succeeded - setup1:T0/Completed setup2:T0/Completed | app:T0/Completed "
      "Initialized=T@50",
  };
  expect(&w, want, G_N_ELEMENTS(want));
  p = get(&w, "init");
  const KsContainerStatus *app = &g_array_index(p->container_statuses, KsContainerStatus, 0);
  assert_int_equal(app->state.started_at_us, S(50));
  c = ks_pod_get_condition(p, KS_POD_CONDITION_INITIALIZED);
  assert_null(c->message);
  world_clear(&w);
}

/* An init container failing (exit 2 after 10 s) with restartPolicy Never:
 * the pod is Failed at 10 s and app never starts. */
static void test_init_fails_never(void **state) {
  (void)state;
  World w;
  world_init(&w, "bad");
  create(&w, make_pod("bad", KS_RESTART_NEVER, "-setup,app", "ksim.io/run-time.setup=10s",
                      "ksim.io/exit-code.setup=2", NULL));
  ks_engine_run_until(w.engine, S(100));
  static const char *const want[] = {
      "0 Pending - setup:R | app:W/PodInitializing Initialized=F@0",
      "10 Failed - setup:T2/Error | app:W/PodInitializing Initialized=F@0",
  };
  expect(&w, want, G_N_ELEMENTS(want));
  const KsPod *p = get(&w, "bad");
  assert_string_equal(ks_pod_get_condition(p, KS_POD_CONDITION_INITIALIZED)->message,
                      "containers with incomplete status: [setup]");
  world_clear(&w);
}

/* The same with OnFailure: the init container restarts with its back-off
 * (at once at 10 s, after 10 s at 30 s) and the pod stays Pending. */
static void test_init_fails_restarts(void **state) {
  (void)state;
  World w;
  world_init(&w, "retry");
  create(&w, make_pod("retry", KS_RESTART_ON_FAILURE, "-setup,app",
                      "ksim.io/run-time.setup=10s", "ksim.io/exit-code.setup=2", NULL));
  ks_engine_run_until(w.engine, S(45));
  static const char *const want[] = {
      "0 Pending - setup:R | app:W/PodInitializing Initialized=F@0",
      "10 Pending - setup:T2/Error | app:W/PodInitializing Initialized=F@0",
      "10 Pending - setup:R#1 | app:W/PodInitializing Initialized=F@0",
      "20 Pending - setup:W/CrashLoopBackOff#1 | app:W/PodInitializing Initialized=F@0",
      "30 Pending - setup:R#2 | app:W/PodInitializing Initialized=F@0",
      "40 Pending - setup:W/CrashLoopBackOff#2 | app:W/PodInitializing Initialized=F@0",
  };
  expect(&w, want, G_N_ELEMENTS(want));
  world_clear(&w);
}

/* Sets init container `name`'s memory request and limit. */
static void init_memory(KsPod *p, const char *name, const char *q) {
  for (guint i = 0; i < p->init_containers->len; i++) {
    KsContainer *c = &g_array_index(p->init_containers, KsContainer, i);
    if (strcmp(c->name, name))
      continue;
    assert_true(ks_resource_list_set_quantity(&c->requests, "memory", q, NULL));
    assert_true(ks_resource_list_set_quantity(&c->limits, "memory", q, NULL));
  }
}

/* A plain init container with a usage of its own (10Mi, 200Mi from 10 s
 * after each start) over its 128Mi limit: OOM-killed (137, OOMKilled) at
 * 10 s, restarted at once (OnFailure), killed at 20 s, restarted after 10 s
 * at 30 s, killed at 40 s, CrashLoopBackOff 20 s: the pod stays Pending
 * and app never starts. */
static void test_init_oom_restarts(void **state) {
  (void)state;
  World w;
  world_init(&w, "oomi");
  KsPod *p = make_pod("oomi", KS_RESTART_ON_FAILURE, "-setup,app",
                      "ksim.io/usage-memory.setup=step(0s=10Mi, 10s=200Mi)",
                      "ksim.io/run-time.setup=30s", NULL);
  init_memory(p, "setup", "128Mi");
  create(&w, p);
  ks_engine_run_until(w.engine, S(55));
  static const char *const want[] = {
      "0 Pending - setup:R | app:W/PodInitializing Initialized=F@0",
      "10 Pending - setup:T137/OOMKilled | app:W/PodInitializing Initialized=F@0",
      "10 Pending - setup:R#1 | app:W/PodInitializing Initialized=F@0",
      "20 Pending - setup:W/CrashLoopBackOff#1 | app:W/PodInitializing Initialized=F@0",
      "30 Pending - setup:R#2 | app:W/PodInitializing Initialized=F@0",
      "40 Pending - setup:W/CrashLoopBackOff#2 | app:W/PodInitializing Initialized=F@0",
  };
  expect(&w, want, G_N_ELEMENTS(want));
  const KsPod *got = get(&w, "oomi");
  const KsContainerStatus *s = &g_array_index(got->init_container_statuses, KsContainerStatus, 0);
  assert_string_equal(s->last_state.reason, "OOMKilled");
  assert_int_equal(s->last_state.exit_code, 137);
  assert_int_equal(s->last_state.started_at_us, S(30));
  assert_int_equal(s->last_state.finished_at_us, S(40));
  world_clear(&w);
}

/* The same kill under restartPolicy Never (100Mi from 5 s, limit 64Mi):
 * the pod is Failed at 5 s with no reason of its own (upstream's getPhase:
 * a failed init container and Never), the container OOMKilled. */
static void test_init_oom_never(void **state) {
  (void)state;
  World w;
  world_init(&w, "oomn");
  KsPod *p = make_pod("oomn", KS_RESTART_NEVER, "-setup,app",
                      "ksim.io/usage-memory.setup=step(0s=10Mi, 5s=100Mi)",
                      "ksim.io/run-time.setup=30s", NULL);
  init_memory(p, "setup", "64Mi");
  create(&w, p);
  ks_engine_run_until(w.engine, S(100));
  static const char *const want[] = {
      "0 Pending - setup:R | app:W/PodInitializing Initialized=F@0",
      "5 Failed - setup:T137/OOMKilled | app:W/PodInitializing Initialized=F@0",
  };
  expect(&w, want, G_N_ELEMENTS(want));
  const KsPod *got = get(&w, "oomn");
  assert_null(got->reason);
  assert_true(got->has_start_time);
  assert_int_equal(got->start_time_us, 0);
  world_clear(&w);
}

/* A sidecar declared after a plain init container starts when that one
 * completes (30 s), together with app; app's end (90 s) ends the pod and
 * stops the sidecar. An init container without a run time completes at
 * once. */
static void test_sidecar_after_init(void **state) {
  (void)state;
  World w;
  world_init(&w, "mesh");
  create(&w, make_pod("mesh", KS_RESTART_NEVER, "-quick,-setup,+proxy,app",
                      "ksim.io/run-time.setup=30s", "ksim.io/run-time.app=1m", NULL));
  ks_engine_run_until(w.engine, S(200));
  static const char *const want[] = {
      "0 Pending - quick:R setup:W/PodInitializing proxy:W/PodInitializing | "
      "app:W/PodInitializing Initialized=F@0",
      "0 Pending - quick:T0/Completed setup:R proxy:W/PodInitializing | app:W/PodInitializing "
      "Initialized=F@0",
      "30 Running ready quick:T0/Completed setup:T0/Completed proxy:R | app:R Initialized=T@30",
      "90 Succeeded - quick:T0/Completed setup:T0/Completed proxy:T0/Completed | "
      "app:T0/Completed Initialized=T@30",
  };
  expect(&w, want, G_N_ELEMENTS(want));
  world_clear(&w);
}

/* A pod with init containers but none of these annotations (and no usage
 * profile) keeps the plain path: no container statuses, Running at 0,
 * Succeeded after its pod-level run time. */
static void test_plain_path_kept(void **state) {
  (void)state;
  World w;
  world_init(&w, "plain");
  create(&w, make_pod("plain", KS_RESTART_NEVER, "-setup,app", "ksim.io/run-time=30s", NULL));
  ks_engine_run_until(w.engine, S(100));
  assert_int_equal(w.log->len, 0); /* the watch logs only model-written pods */
  const KsPod *p = get(&w, "plain");
  assert_int_equal(p->phase, KS_POD_SUCCEEDED);
  assert_null(p->container_statuses);
  assert_null(p->init_container_statuses);
  /* the plain path writes Initialized too: True since the start (its init
   * containers complete at once), PodCompleted once Succeeded; startTime 0 */
  const KsPodCondition *ini = ks_pod_get_condition(p, KS_POD_CONDITION_INITIALIZED);
  assert_int_equal(ini->status, KS_POD_CONDITION_TRUE);
  assert_string_equal(ini->reason, "PodCompleted");
  assert_int_equal(ini->last_transition_time_us, 0);
  assert_true(p->has_start_time && p->start_time_us == 0);
  assert_false(ks_kubelet_model_used(ks_node_agent_model(w.agent)));
  world_clear(&w);
}

/* The kubelet down from 10 s to 70 s while the init containers run (30 s
 * and 20 s): they complete and the app starts at 50 s unseen; when the
 * kubelet is back one write shows it all (Initialized's transition time is
 * that write's); the app's own times are when things happened. */
static void test_init_while_down(void **state) {
  (void)state;
  World w;
  world_init(&w, "init");
  create(&w, make_pod("init", KS_RESTART_ON_FAILURE, "-setup1,-setup2,app",
                      "ksim.io/run-time.setup1=30s", "ksim.io/run-time.setup2=20s",
                      "ksim.io/run-time.app=1m", NULL));
  ks_engine_run_until(w.engine, S(10));
  assert_true(ks_node_fault_set_down(w.store, "n1", TRUE, NULL));
  ks_engine_run_until(w.engine, S(70));
  assert_true(ks_node_fault_set_down(w.store, "n1", FALSE, NULL));
  ks_engine_run_until(w.engine, S(200));
  static const char *const want[] = {
      "0 Pending - setup1:R setup2:W/PodInitializing | app:W/PodInitializing Initialized=F@0",
      "70 Running ready setup1:T0/Completed setup2:T0/Completed | app:R Initialized=T@70",
      "110 Succeeded - setup1:T0/Completed setup2:T0/Completed | app:T0/Completed "
      "Initialized=T@70",
  };
  expect(&w, want, G_N_ELEMENTS(want));
  const KsPod *p = get(&w, "init");
  const KsContainerStatus *app = &g_array_index(p->container_statuses, KsContainerStatus, 0);
  assert_int_equal(app->state.started_at_us, S(50));
  assert_int_equal(app->state.finished_at_us, S(110));
  world_clear(&w);
}

/* tests/scenarios/container-runtime.yaml through a whole run: the results'
 * start (Running) and finish times and outcomes (worked out in the file). */
static void test_scenario(void **state) {
  (void)state;
  KsResults *r = ks_test_run_bundled_scenario("container-runtime.yaml");
  const KsPodRow *two = ks_test_pod_row(r, "two");
  assert_int_equal(two->started_us, S(1));
  assert_int_equal(two->finished_us, S(121));
  assert_int_equal(two->outcome, KS_OUTCOME_SUCCEEDED);
  const KsPodRow *init = ks_test_pod_row(r, "init");
  assert_int_equal(init->scheduled_us, 0);
  assert_int_equal(init->started_us, S(51));
  assert_int_equal(init->finished_us, S(111));
  assert_int_equal(init->outcome, KS_OUTCOME_SUCCEEDED);
  const KsPodRow *bad = ks_test_pod_row(r, "bad-init");
  assert_int_equal(bad->finished_us, S(11));
  assert_int_equal(bad->outcome, KS_OUTCOME_FAILED);
  ks_results_free(r);
}

/* A bad per-container annotation is refused when the scenario is checked,
 * with the pod's file position. */
static void test_refused_at_load(void **state) {
  (void)state;
  static const char yaml[] =
      "apiVersion: ksim.io/v1alpha1\n"
      "kind: Scenario\n"
      "metadata: {name: bad}\n"
      "spec:\n"
      "  duration: 1m\n"
      "  nodePools:\n"
      "  - name: p\n"
      "    count: 1\n"
      "    template: {apiVersion: v1, kind: Node, status: {capacity: {cpu: '1', memory: 1Gi}}}\n"
      "  workloads:\n"
      "  - at: 0s\n"
      "    objects:\n"
      "    - apiVersion: v1\n"
      "      kind: Pod\n"
      "      metadata:\n"
      "        name: web\n"
      "        annotations: {ksim.io/exit-code.setup: '300'}\n"
      "      spec:\n"
      "        initContainers: [{name: setup, image: busybox}]\n"
      "        containers: [{name: app, image: busybox}]\n";
  GError *error = NULL;
  KsScenario *sc = ks_scenario_load_string(yaml, sizeof yaml - 1, "bad.yaml", ".", &error);
  assert_non_null(sc);
  assert_false(ks_simulation_check_scenario(sc, &error));
  assert_non_null(error);
  assert_string_equal(error->message, "bad.yaml:13:7: pod default/web: annotation "
                                      "ksim.io/exit-code.setup: \"300\" is not an exit code (an "
                                      "integer 0..255)");
  g_clear_error(&error);
  ks_scenario_free(sc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_two_run_times),
      cmocka_unit_test(test_on_failure_backoff),
      cmocka_unit_test(test_always_restarts_exit_zero),
      cmocka_unit_test(test_never_one_fails),
      cmocka_unit_test(test_init_containers),
      cmocka_unit_test(test_init_fails_never),
      cmocka_unit_test(test_init_fails_restarts),
      cmocka_unit_test(test_init_oom_restarts),
      cmocka_unit_test(test_init_oom_never),
      cmocka_unit_test(test_sidecar_after_init),
      cmocka_unit_test(test_plain_path_kept),
      cmocka_unit_test(test_init_while_down),
      cmocka_unit_test(test_scenario),
      cmocka_unit_test(test_refused_at_load),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
