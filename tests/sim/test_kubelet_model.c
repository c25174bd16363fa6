/* The node agent's resource model (sim/kubelet/resource_model.h) through the
 * store and the engine: pods created already bound, the node agent starting
 * them after the default 1 s latency, and a watch logging every status the
 * kubelet writes. Timelines are asserted to the microsecond and worked out
 * by hand in the comments:
 *  - an OOM kill and CrashLoopBackOff (immediate first restart, then 10 s
 *    doubling to 5 min) and the reset after 10 minutes of running;
 *  - restartPolicy Never: the pod Fails with OOMKilled, exit 137;
 *  - cpu contention stretching run times, and the throttled cpu counted;
 *  - the node's OOM killer choosing by badness;
 *  - a pod without a usage profile is left alone;
 *  - containers one by one: a sidecar OOM-killed and restarted with its
 *    own back-off while the main container runs on, restartPolicy Never
 *    with two containers, the node's OOM killer choosing a container by
 *    its own oom_score_adj, cpu shared between pods and then between a
 *    pod's containers, and a node whose kubelet is down writing nothing
 *    until it is back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sched/objects.h"
#include "sim/engine.h"
#include "sim/node_agent.h"
#include "sim/node_faults.h"
#include "sim/store.h"
#include "workloads/annotations.h"
#include "workloads/usage.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)
#define MI (1024LL * 1024)
#define GI (1024LL * MI)

typedef struct {
  gint64 t;
  char *pod;
  KsPodPhase phase;
  gboolean ready;
  KsContainerStateKind state;
  char *reason;
  gint32 exit_code;
  gint64 restarts;
} Entry;

typedef struct {
  KsEngine *engine;
  KsStore *store;
  KsNodeAgent *agent;
  GArray *log; /* of Entry */
} World;

static void entry_clear(gpointer p) {
  Entry *e = p;
  g_free(e->pod);
  g_free(e->reason);
}

static void log_pods(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                     const KsStoreObject *new_obj, gpointer user_data) {
  (void)s;
  (void)old_obj;
  World *w = user_data;
  if (type == KS_WATCH_DELETED)
    return;
  const KsPod *p = new_obj->data;
  const char *rc = ks_labels_get(&p->annotations, KS_ANNOTATION_RESTART_COUNT);
  Entry e = {ks_engine_now(w->engine), g_strdup(p->name), p->phase, p->ready,
             p->container_state.kind, g_strdup(p->container_state.reason),
             p->container_state.exit_code, rc ? g_ascii_strtoll(rc, NULL, 10) : 0};
  g_array_append_val(w->log, e);
}

static void world_init(World *w, const char *cpu, const char *memory) {
  w->engine = ks_engine_new();
  w->store = ks_store_new(w->engine);
  w->log = g_array_new(FALSE, TRUE, sizeof(Entry));
  g_array_set_clear_func(w->log, entry_clear);
  ks_store_watch(w->store, KS_STORE_POD, log_pods, w);
  w->agent = ks_node_agent_new_seeded(w->store, 7);
  KsNode *n = ks_node_new("n1");
  assert_true(ks_resource_list_set_quantity(&n->capacity, "cpu", cpu, NULL));
  assert_true(ks_resource_list_set_quantity(&n->capacity, "memory", memory, NULL));
  ks_resource_list_copy(&n->allocatable, &n->capacity);
  assert_true(ks_store_create(w->store, KS_STORE_NODE, NULL, "n1", n,
                              (GDestroyNotify)ks_node_unref, NULL));
}

static void world_clear(World *w) {
  ks_node_agent_free(w->agent);
  ks_store_free(w->store);
  ks_engine_free(w->engine);
  g_array_unref(w->log);
}

/* A pod bound to n1 with one container; requests/limits "cpu,memory" ("" = none). */
static KsPod *pod(const char *name, const char *req, const char *lim, KsRestartPolicy policy) {
  KsPod *p = ks_pod_new("default", name);
  p->uid = g_strdup_printf("uid-%s", name);
  p->node_name = g_strdup("n1");
  p->restart_policy = policy;
  KsContainer *c = ks_pod_add_container(p, "app", FALSE);
  const char *pairs[] = {req, lim};
  KsResourceList *lists[] = {&c->requests, &c->limits};
  for (int i = 0; i < 2; i++) {
    char **v = g_strsplit(pairs[i], ",", 2);
    if (v[0] && *v[0])
      assert_true(ks_resource_list_set_quantity(lists[i], "cpu", v[0], NULL));
    if (v[0] && v[1] && *v[1])
      assert_true(ks_resource_list_set_quantity(lists[i], "memory", v[1], NULL));
    g_strfreev(v);
  }
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

typedef struct {
  gint64 t;
  KsPodPhase phase;
  gboolean ready;
  KsContainerStateKind state;
  const char *reason;
  gint32 exit_code;
  gint64 restarts;
} Want;

static void expect_log(World *w, const char *name, const Want *want, guint n) {
  guint k = 0;
  for (guint i = 0; i < w->log->len; i++) {
    const Entry *e = &g_array_index(w->log, Entry, i);
    if (strcmp(e->pod, name) != 0)
      continue;
    if (k >= n)
      fail_msg("%s: extra entry %u at %" G_GINT64_FORMAT, name, k, e->t);
    const Want *x = &want[k];
    if (e->t != x->t || e->phase != x->phase || e->ready != x->ready || e->state != x->state ||
        g_strcmp0(e->reason, x->reason) != 0 || e->exit_code != x->exit_code ||
        e->restarts != x->restarts)
      fail_msg("%s entry %u: t=%" G_GINT64_FORMAT " %s ready=%d %s %s exit=%d restarts=%" G_GINT64_FORMAT
               "; want t=%" G_GINT64_FORMAT " %s ready=%d %s %s exit=%d restarts=%" G_GINT64_FORMAT,
               name, k, e->t, ks_pod_phase_to_string(e->phase), e->ready,
               ks_container_state_kind_to_string(e->state), e->reason ? e->reason : "-",
               e->exit_code, e->restarts, x->t, ks_pod_phase_to_string(x->phase), x->ready,
               ks_container_state_kind_to_string(x->state), x->reason ? x->reason : "-",
               x->exit_code, x->restarts);
    k++;
  }
  if (k != n)
    fail_msg("%s: %u entries, want %u", name, k, n);
}

#define RUN KS_POD_RUNNING
#define W_ KS_CONTAINER_WAITING
#define R_ KS_CONTAINER_RUNNING
#define T_ KS_CONTAINER_TERMINATED

/* Guaranteed pod (100m/100Mi), memory 50Mi for 30 s then 200Mi: over its
 * limit 30 s after every (re)start. Created at 0, Running at 1 (default
 * start latency).
 *   31  OOM #1: no back-off entry -> restart at once (entry 10 s, updated 31)
 *   61  OOM #2: 30 s since 31 -> CrashLoopBackOff 10 s, restart 71 (next 20 s)
 *  101  OOM #3 -> back-off 20 s, restart 121 (40 s)
 *  151  OOM #4 -> 40 s, restart 191 (80 s)
 *  221  OOM #5 -> 80 s, restart 301 (160 s)
 *  331  OOM #6 -> 160 s, restart 491 (300 s, the cap)
 *  521  OOM #7 -> 300 s, restart 821
 *  851  OOM #8 -> 300 s, restart 1151 (after the end of the run) */
static void test_oom_crash_loop(void **state) {
  (void)state;
  World w;
  world_init(&w, "4", "4Gi");
  KsPod *p = pod("oom", "100m,100Mi", "100m,100Mi", KS_RESTART_ALWAYS);
  ks_labels_set(&p->annotations, KS_ANNOTATION_USAGE_MEMORY, "step(0s=50Mi, 30s=200Mi)");
  create(&w, p);
  ks_engine_run_until(w.engine, S(1000));
  static const Want want[] = {
      {0, KS_POD_PENDING, FALSE, KS_CONTAINER_STATE_NONE, NULL, 0, 0},
      {S(1), RUN, TRUE, R_, NULL, 0, 0},
      {S(31), RUN, TRUE, T_, "OOMKilled", 137, 0},
      {S(31), RUN, TRUE, R_, NULL, 0, 1},
      {S(61), RUN, FALSE, W_, "CrashLoopBackOff", 0, 1},
      {S(71), RUN, TRUE, R_, NULL, 0, 2},
      {S(101), RUN, FALSE, W_, "CrashLoopBackOff", 0, 2},
      {S(121), RUN, TRUE, R_, NULL, 0, 3},
      {S(151), RUN, FALSE, W_, "CrashLoopBackOff", 0, 3},
      {S(191), RUN, TRUE, R_, NULL, 0, 4},
      {S(221), RUN, FALSE, W_, "CrashLoopBackOff", 0, 4},
      {S(301), RUN, TRUE, R_, NULL, 0, 5},
      {S(331), RUN, FALSE, W_, "CrashLoopBackOff", 0, 5},
      {S(491), RUN, TRUE, R_, NULL, 0, 6},
      {S(521), RUN, FALSE, W_, "CrashLoopBackOff", 0, 6},
      {S(821), RUN, TRUE, R_, NULL, 0, 7},
      {S(851), RUN, FALSE, W_, "CrashLoopBackOff", 0, 7},
  };
  expect_log(&w, "oom", want, G_N_ELEMENTS(want));
  /* the waiting state carries upstream's message; lastState the kill */
  const KsPod *now = get(&w, "oom");
  assert_string_equal(now->container_state.message,
                      "back-off 5m0s restarting failed container=app pod=oom_default(uid-oom)");
  assert_int_equal(now->last_state.kind, KS_CONTAINER_TERMINATED);
  assert_string_equal(now->last_state.reason, "OOMKilled");
  assert_int_equal(now->last_state.exit_code, 137);
  assert_true(now->last_state.started_at_us == S(821));
  assert_true(now->last_state.finished_at_us == S(851));
  KsKubeletModel *m = ks_node_agent_model(w.agent);
  const KsKubeletStats *st = ks_kubelet_model_pod_stats(m, "default", "oom");
  assert_int_equal(st->oom_kills, 8);
  assert_int_equal(st->node_oom_kills, 0);
  assert_int_equal(st->restarts, 7);
  assert_int_equal(ks_kubelet_model_qos_stats(m, KS_QOS_GUARANTEED)->oom_kills, 8);
  assert_int_equal(ks_kubelet_model_qos_stats(m, KS_QOS_BURSTABLE)->oom_kills, 0);
  assert_int_equal(ks_kubelet_model_n_nodes(m), 1);
  assert_string_equal(ks_kubelet_model_node_name(m, 0), "n1");
  assert_int_equal(ks_kubelet_model_node_stats(m, 0)->restarts, 7);
  world_clear(&w);
}

/* Killed 11 minutes after each start: more than twice the 5 min cap since
 * the back-off entry was last updated, so every restart is immediate. */
static void test_backoff_reset(void **state) {
  (void)state;
  World w;
  world_init(&w, "4", "4Gi");
  KsPod *p = pod("slow", "100m,100Mi", "100m,100Mi", KS_RESTART_ALWAYS);
  ks_labels_set(&p->annotations, KS_ANNOTATION_USAGE_MEMORY, "step(0s=50Mi, 11m=200Mi)");
  create(&w, p);
  ks_engine_run_until(w.engine, S(1400));
  static const Want want[] = {
      {0, KS_POD_PENDING, FALSE, KS_CONTAINER_STATE_NONE, NULL, 0, 0},
      {S(1), RUN, TRUE, R_, NULL, 0, 0},
      {S(661), RUN, TRUE, T_, "OOMKilled", 137, 0},
      {S(661), RUN, TRUE, R_, NULL, 0, 1},
      {S(1321), RUN, TRUE, T_, "OOMKilled", 137, 1},
      {S(1321), RUN, TRUE, R_, NULL, 0, 2},
  };
  expect_log(&w, "slow", want, G_N_ELEMENTS(want));
  world_clear(&w);
}

/* restartPolicy Never: the first kill ends the pod Failed. */
static void test_oom_never(void **state) {
  (void)state;
  World w;
  world_init(&w, "4", "4Gi");
  KsPod *p = pod("once", "100m,64Mi", "200m,128Mi", KS_RESTART_NEVER);
  ks_labels_set(&p->annotations, KS_ANNOTATION_USAGE_MEMORY, "ramp(0s=0, 10s=256Mi)");
  create(&w, p);
  ks_engine_run_until(w.engine, S(100));
  /* the ramp passes 128Mi (the limit) after 5 s: 6 s = 153.6Mi > 128Mi, at
   * 1 s ticks: 5 s gives exactly 128Mi (not above), 6 s kills: t = 1 + 6 */
  static const Want want[] = {
      {0, KS_POD_PENDING, FALSE, KS_CONTAINER_STATE_NONE, NULL, 0, 0},
      {S(1), RUN, TRUE, R_, NULL, 0, 0},
      {S(7), KS_POD_FAILED, FALSE, T_, "OOMKilled", 137, 0},
  };
  expect_log(&w, "once", want, G_N_ELEMENTS(want));
  assert_false(ks_kubelet_model_has(ks_node_agent_model(w.agent), "default", "once"));
  assert_int_equal(
      ks_kubelet_model_qos_stats(ks_node_agent_model(w.agent), KS_QOS_BURSTABLE)->oom_kills, 1);
  world_clear(&w);
}

/* One cpu, two Burstable pods (500m requests, 512 shares each) wanting 1 cpu
 * each, both Running at 1 s: each gets 500m, progress 1/2.
 *   b (50 s of work) ends at 1 + 100 = 101 s;
 *   a (100 s of work) has done 50 s by then, runs alone at full speed for
 *   the other 50 s and ends at 151 s.
 * Throttled: each 500m short for 100 s = 5e10 millicore-microseconds. */
static void test_cpu_contention(void **state) {
  (void)state;
  World w;
  world_init(&w, "1", "4Gi");
  KsPod *a = pod("a", "500m,100Mi", ",", KS_RESTART_ALWAYS);
  ks_labels_set(&a->annotations, KS_ANNOTATION_USAGE_CPU, "1");
  ks_pod_set_run_time(a, S(100));
  KsPod *b = pod("b", "500m,100Mi", ",", KS_RESTART_ALWAYS);
  ks_labels_set(&b->annotations, KS_ANNOTATION_USAGE_CPU, "1");
  ks_pod_set_run_time(b, S(50));
  create(&w, a);
  create(&w, b);
  ks_engine_run_until(w.engine, S(50));
  KsKubeletModel *m = ks_node_agent_model(w.agent);
  gint64 g = 0, want = 0;
  assert_true(ks_kubelet_model_pod_cpu(m, "default", "a", &g, &want));
  assert_int_equal(g, 500);
  assert_int_equal(want, 1000);
  gint64 cpu, mem, eph;
  ks_kubelet_model_node_usage(m, 0, &cpu, &mem, &eph);
  assert_int_equal(cpu, 1000);
  assert_int_equal(mem, 0);
  ks_engine_run_until(w.engine, S(200));
  static const Want want_a[] = {
      {0, KS_POD_PENDING, FALSE, KS_CONTAINER_STATE_NONE, NULL, 0, 0},
      {S(1), RUN, TRUE, R_, NULL, 0, 0},
      {S(151), KS_POD_SUCCEEDED, FALSE, T_, "Completed", 0, 0},
  };
  static const Want want_b[] = {
      {0, KS_POD_PENDING, FALSE, KS_CONTAINER_STATE_NONE, NULL, 0, 0},
      {S(1), RUN, TRUE, R_, NULL, 0, 0},
      {S(101), KS_POD_SUCCEEDED, FALSE, T_, "Completed", 0, 0},
  };
  expect_log(&w, "a", want_a, G_N_ELEMENTS(want_a));
  expect_log(&w, "b", want_b, G_N_ELEMENTS(want_b));
  const KsKubeletStats *sa = ks_kubelet_model_pod_stats(m, "default", "a");
  const KsKubeletStats *sb = ks_kubelet_model_pod_stats(m, "default", "b");
  assert_true(sa->throttled_mcpu_us == 500LL * S(100));
  assert_true(sb->throttled_mcpu_us == 500LL * S(100));
  /* a used 500m for 100 s and 1000m for 50 s */
  assert_true(sa->cpu_used_mcpu_us == 500LL * S(100) + 1000LL * S(50));
  assert_true(ks_kubelet_model_qos_stats(m, KS_QOS_BURSTABLE)->throttled_mcpu_us ==
              1000LL * S(100));
  assert_true(ks_kubelet_model_node_stats(m, 0)->throttled_mcpu_us == 1000LL * S(100));
  world_clear(&w);
}

/* Node memory 1Gi. a: Burstable (request 100Mi) using 600Mi; b: BestEffort
 * using 500Mi; together 1100Mi > 1024Mi. oom_score_adj: a 1000 -
 * 1000*100Mi/1Gi = 1000 - 97 = 903, b 1000. Badness (bytes + adj * 1Gi/1000,
 * 1Gi/1000 = 1073741): a = 629145600 + 903*1073741 = 1598733723,
 * b = 524288000 + 1000*1073741 = 1598029000: the kernel kills a. */
static void test_node_oom(void **state) {
  (void)state;
  World w;
  world_init(&w, "4", "1Gi");
  KsPod *a = pod("a", ",100Mi", ",", KS_RESTART_NEVER);
  ks_labels_set(&a->annotations, KS_ANNOTATION_USAGE_MEMORY, "600Mi");
  KsPod *b = pod("b", ",", ",", KS_RESTART_NEVER);
  ks_labels_set(&b->annotations, KS_ANNOTATION_USAGE_MEMORY, "500Mi");
  create(&w, a);
  create(&w, b);
  ks_engine_run_until(w.engine, S(10));
  assert_int_equal(get(&w, "a")->phase, KS_POD_FAILED);
  assert_string_equal(get(&w, "a")->container_state.reason, "OOMKilled");
  assert_int_equal(get(&w, "b")->phase, KS_POD_RUNNING);
  KsKubeletModel *m = ks_node_agent_model(w.agent);
  assert_int_equal(ks_kubelet_model_pod_stats(m, "default", "a")->node_oom_kills, 1);
  assert_int_equal(ks_kubelet_model_qos_stats(m, KS_QOS_BEST_EFFORT)->oom_kills, 0);
  gint64 cpu, mem, eph;
  ks_kubelet_model_node_usage(m, 0, &cpu, &mem, &eph);
  assert_true(mem == 500 * MI);
  world_clear(&w);
}

/* A pod without a usage profile runs as before: no container state, no
 * model, Succeeded after its run time. */
static void test_unprofiled_pod_untouched(void **state) {
  (void)state;
  World w;
  world_init(&w, "1", "1Gi");
  KsPod *p = pod("plain", "100m,10Mi", ",", KS_RESTART_ALWAYS);
  ks_pod_set_run_time(p, S(10));
  create(&w, p);
  ks_engine_run_until(w.engine, S(20));
  static const Want want[] = {
      {0, KS_POD_PENDING, FALSE, KS_CONTAINER_STATE_NONE, NULL, 0, 0},
      {S(1), RUN, TRUE, KS_CONTAINER_STATE_NONE, NULL, 0, 0},
      {S(11), KS_POD_SUCCEEDED, FALSE, KS_CONTAINER_STATE_NONE, NULL, 0, 0},
  };
  expect_log(&w, "plain", want, G_N_ELEMENTS(want));
  assert_false(ks_kubelet_model_used(ks_node_agent_model(w.agent)));
  world_clear(&w);
}

/* A deleted pod leaves the model and its cpu goes to the others. */
static void test_delete_frees_cpu(void **state) {
  (void)state;
  World w;
  world_init(&w, "1", "1Gi");
  KsPod *a = pod("a", "500m,", ",", KS_RESTART_ALWAYS);
  ks_labels_set(&a->annotations, KS_ANNOTATION_USAGE_CPU, "1");
  KsPod *b = pod("b", "500m,", ",", KS_RESTART_ALWAYS);
  ks_labels_set(&b->annotations, KS_ANNOTATION_USAGE_CPU, "1");
  create(&w, a);
  create(&w, b);
  ks_engine_run_until(w.engine, S(5));
  KsKubeletModel *m = ks_node_agent_model(w.agent);
  gint64 g = 0, want = 0;
  assert_true(ks_kubelet_model_pod_cpu(m, "default", "b", &g, &want));
  assert_int_equal(g, 500);
  assert_true(ks_store_delete(w.store, KS_STORE_POD, "default", "a", 0, NULL));
  ks_engine_run_until(w.engine, S(6));
  assert_false(ks_kubelet_model_has(m, "default", "a"));
  assert_true(ks_kubelet_model_pod_cpu(m, "default", "b", &g, &want));
  assert_int_equal(g, 1000);
  world_clear(&w);
}


/* ---- containers one by one --------------------------------------------------------- */

/* Adds a container; requests/limits "cpu,memory" ("" = none). */
static void add_container(KsPod *p, const char *name, const char *req, const char *lim,
                          gboolean sidecar) {
  KsContainer *c = ks_pod_add_container(p, name, sidecar);
  c->restart_always = sidecar;
  const char *pairs[] = {req, lim};
  KsResourceList *lists[] = {&c->requests, &c->limits};
  for (int i = 0; i < 2; i++) {
    char **v = g_strsplit(pairs[i], ",", 2);
    if (v[0] && *v[0])
      assert_true(ks_resource_list_set_quantity(lists[i], "cpu", v[0], NULL));
    if (v[0] && v[1] && *v[1])
      assert_true(ks_resource_list_set_quantity(lists[i], "memory", v[1], NULL));
    g_strfreev(v);
  }
}

/* The status of a regular container (containerStatuses), or of an init
 * container, sidecars among them (initContainerStatuses). */
static const KsContainerStatus *status_of(const KsPod *p, const char *container) {
  for (guint i = 0; p->container_statuses && i < p->container_statuses->len; i++) {
    const KsContainerStatus *s = &g_array_index(p->container_statuses, KsContainerStatus, i);
    if (strcmp(s->name, container) == 0)
      return s;
  }
  for (guint i = 0; p->init_container_statuses && i < p->init_container_statuses->len; i++) {
    const KsContainerStatus *s =
        &g_array_index(p->init_container_statuses, KsContainerStatus, i);
    if (strcmp(s->name, container) == 0)
      return s;
  }
  fail_msg("%s: no status for container %s", p->name, container);
  return NULL;
}

/* Pod web (restartPolicy Always): app (100m/100Mi, using 50Mi, no limit
 * reached) and log (limit 64Mi) whose own profile steps from 10Mi to 100Mi
 * 30 s after each of its starts. Both start at 1 s. Only log is killed, at
 * 31, 61, 101, 151, 221 s; its own back-off restarts it at 31 (at once), 71
 * (10 s), 121 (20 s), 191 (40 s), 301 (80 s, after the end). app runs from
 * 1 s throughout: restart count 0. The pod stays Running; it is not Ready
 * while log waits in CrashLoopBackOff. */
static KsPod *web_pod(KsRestartPolicy policy) {
  KsPod *p = ks_pod_new("default", "web");
  p->uid = g_strdup("uid-web");
  p->node_name = g_strdup("n1");
  p->restart_policy = policy;
  add_container(p, "app", "100m,100Mi", "100m,100Mi", FALSE);
  add_container(p, "log", "50m,32Mi", "50m,64Mi", FALSE);
  ks_labels_set(&p->annotations, "ksim.io/usage-memory.app", "50Mi");
  ks_labels_set(&p->annotations, "ksim.io/usage-memory.log", "step(0s=10Mi, 30s=100Mi)");
  return p;
}

static void test_sidecar_oom_alone(void **state) {
  (void)state;
  World w;
  world_init(&w, "4", "4Gi");
  create(&w, web_pod(KS_RESTART_ALWAYS));
  KsKubeletModel *m = ks_node_agent_model(w.agent);
  ks_engine_run_until(w.engine, S(65));
  /* 65 s: log waits (killed at 61, restart at 71); app runs, 50Mi */
  const KsPod *p = get(&w, "web");
  assert_int_equal(p->phase, KS_POD_RUNNING);
  assert_false(p->ready);
  assert_int_equal(p->container_statuses->len, 2);
  const KsContainerStatus *app = status_of(p, "app"), *log = status_of(p, "log");
  assert_int_equal(app->state.kind, KS_CONTAINER_RUNNING);
  assert_true(app->state.started_at_us == S(1));
  assert_true(app->ready);
  assert_int_equal(app->restart_count, 0);
  assert_int_equal(app->last_state.kind, KS_CONTAINER_STATE_NONE);
  assert_int_equal(log->state.kind, KS_CONTAINER_WAITING);
  assert_string_equal(log->state.reason, "CrashLoopBackOff");
  assert_string_equal(log->state.message,
                      "back-off 10s restarting failed container=log pod=web_default(uid-web)");
  assert_false(log->ready);
  assert_int_equal(log->restart_count, 1);
  assert_string_equal(log->last_state.reason, "OOMKilled");
  assert_int_equal(log->last_state.exit_code, 137);
  assert_true(log->last_state.started_at_us == S(31) && log->last_state.finished_at_us == S(61));
  gint64 mem = 0;
  assert_true(ks_kubelet_model_container_memory(m, "default", "web", "app", &mem));
  assert_true(mem == 50 * MI);
  assert_false(ks_kubelet_model_container_memory(m, "default", "web", "log", &mem));
  ks_engine_run_until(w.engine, S(250));
  static const Want want[] = {
      {0, KS_POD_PENDING, FALSE, KS_CONTAINER_STATE_NONE, NULL, 0, 0},
      {S(1), RUN, TRUE, R_, NULL, 0, 0},
      {S(31), RUN, TRUE, T_, "OOMKilled", 137, 0},
      {S(31), RUN, TRUE, R_, NULL, 0, 1},
      {S(61), RUN, FALSE, W_, "CrashLoopBackOff", 0, 1},
      {S(71), RUN, TRUE, R_, NULL, 0, 2},
      {S(101), RUN, FALSE, W_, "CrashLoopBackOff", 0, 2},
      {S(121), RUN, TRUE, R_, NULL, 0, 3},
      {S(151), RUN, FALSE, W_, "CrashLoopBackOff", 0, 3},
      {S(191), RUN, TRUE, R_, NULL, 0, 4},
      {S(221), RUN, FALSE, W_, "CrashLoopBackOff", 0, 4},
  };
  expect_log(&w, "web", want, G_N_ELEMENTS(want));
  p = get(&w, "web");
  app = status_of(p, "app");
  log = status_of(p, "log");
  assert_int_equal(app->state.kind, KS_CONTAINER_RUNNING);
  assert_true(app->state.started_at_us == S(1));
  assert_int_equal(app->restart_count, 0);
  assert_int_equal(log->restart_count, 4);
  assert_string_equal(log->state.message,
                      "back-off 1m20s restarting failed container=log pod=web_default(uid-web)");
  const KsKubeletStats *st = ks_kubelet_model_pod_stats(m, "default", "web");
  assert_int_equal(st->oom_kills, 5);
  assert_int_equal(st->restarts, 4);
  world_clear(&w);
}

/* restartPolicy Never, 100 s of work: log is killed at 31 and stays
 * terminated (the pod Running, not Ready: a container is down); app runs
 * its 100 s and exits 0 at 101: every container has stopped, one failed:
 * the pod Fails (upstream getPhase). */
static void test_two_containers_never(void **state) {
  (void)state;
  World w;
  world_init(&w, "4", "4Gi");
  KsPod *p = web_pod(KS_RESTART_NEVER);
  ks_pod_set_run_time(p, S(100));
  create(&w, p);
  ks_engine_run_until(w.engine, S(200));
  static const Want want[] = {
      {0, KS_POD_PENDING, FALSE, KS_CONTAINER_STATE_NONE, NULL, 0, 0},
      {S(1), RUN, TRUE, R_, NULL, 0, 0},
      {S(31), RUN, FALSE, T_, "OOMKilled", 137, 0},
      {S(101), KS_POD_FAILED, FALSE, T_, "Completed", 0, 0},
  };
  expect_log(&w, "web", want, G_N_ELEMENTS(want));
  const KsPod *now = get(&w, "web");
  assert_string_equal(status_of(now, "log")->state.reason, "OOMKilled");
  assert_true(status_of(now, "log")->state.finished_at_us == S(31));
  assert_string_equal(status_of(now, "app")->state.reason, "Completed");
  assert_true(status_of(now, "app")->state.finished_at_us == S(101));
  assert_false(ks_kubelet_model_has(ks_node_agent_model(w.agent), "default", "web"));
  world_clear(&w);
}

/* Node memory 1Gi (1073741824 bytes; capacity/1000 = 1073741).
 *   pod a (Burstable, Never): big  request 100Mi using 400Mi: adj 1000 - 97 = 903
 *                             small request 300Mi using 350Mi: adj 1000 - 292 = 708
 *   pod b (BestEffort):       one container using 300Mi:     adj 1000
 * 1050Mi > 1024Mi. Badness = bytes + adj * 1073741:
 *   big   419430400 + 903 * 1073741 = 1389018523   <- the victim
 *   small 367001600 + 708 * 1073741 = 1127210228
 *   b     314572800 + 1000 * 1073741 = 1388313800
 * Only big dies; small and b run on (650Mi). As one process the pod would
 * have died whole. */
static void test_node_oom_by_container(void **state) {
  (void)state;
  World w;
  world_init(&w, "4", "1Gi");
  KsPod *a = ks_pod_new("default", "a");
  a->node_name = g_strdup("n1");
  a->restart_policy = KS_RESTART_NEVER;
  add_container(a, "big", ",100Mi", ",", FALSE);
  add_container(a, "small", ",300Mi", ",", FALSE);
  ks_labels_set(&a->annotations, "ksim.io/usage-memory.big", "400Mi");
  ks_labels_set(&a->annotations, "ksim.io/usage-memory.small", "350Mi");
  KsPod *b = pod("b", ",", ",", KS_RESTART_NEVER);
  ks_labels_set(&b->annotations, KS_ANNOTATION_USAGE_MEMORY, "300Mi");
  create(&w, a);
  create(&w, b);
  ks_engine_run_until(w.engine, S(10));
  const KsPod *pa = get(&w, "a");
  assert_int_equal(pa->phase, KS_POD_RUNNING);
  assert_int_equal(status_of(pa, "big")->state.kind, KS_CONTAINER_TERMINATED);
  assert_string_equal(status_of(pa, "big")->state.reason, "OOMKilled");
  assert_int_equal(status_of(pa, "small")->state.kind, KS_CONTAINER_RUNNING);
  assert_int_equal(get(&w, "b")->phase, KS_POD_RUNNING);
  KsKubeletModel *m = ks_node_agent_model(w.agent);
  assert_int_equal(ks_kubelet_model_pod_stats(m, "default", "a")->node_oom_kills, 1);
  assert_int_equal(ks_kubelet_model_pod_stats(m, "default", "b")->oom_kills, 0);
  gint64 cpu, mem, eph;
  ks_kubelet_model_node_usage(m, 0, &cpu, &mem, &eph);
  assert_true(mem == 650 * MI);
  gint64 mem_a = 0, eph_a = 0;
  assert_true(ks_kubelet_model_pod_usage(m, "default", "a", &mem_a, &eph_a));
  assert_true(mem_a == 350 * MI);
  world_clear(&w);
}

/* 2 cpu. Pod a: a1 request 500m no limit wanting 1500m, a2 request 250m
 * limit 300m wanting 1000m (pod shares MilliCPUToShares(750) = 768, no pod
 * quota: a1 has no limit; demand 1500 + 300 = 1800). Pod b: request 250m
 * (256 shares) wanting 2000m.
 * Pods: 3800 > 2000; a 1800/768 does not fit its part (1800*1024 >
 * 2000*768), so both split by shares: a 2000*768/1024 = 1500, b 500.
 * In a (1500): a2's 300 per 256 shares fits (300*768 <= 1500*256): a2 300;
 * a1 gets the other 1200.
 * Each of a's containers has 120 s of work: a1 at 1200/1500 = 0.8 ends at
 * 1 + 150 = 151 s; a2 at 300/1000 = 0.3 (its quota, whatever the others
 * do) ends at 1 + 400 = 401 s, and the pod with it (the slowest). b then
 * gets the 1700 a leaves. */
static void test_cpu_per_container(void **state) {
  (void)state;
  World w;
  world_init(&w, "2", "4Gi");
  KsPod *a = ks_pod_new("default", "a");
  a->node_name = g_strdup("n1");
  add_container(a, "a1", "500m,", ",", FALSE);
  add_container(a, "a2", "250m,", "300m,", FALSE);
  ks_labels_set(&a->annotations, "ksim.io/usage-cpu.a1", "1500m");
  ks_labels_set(&a->annotations, "ksim.io/usage-cpu.a2", "1");
  ks_pod_set_run_time(a, S(120));
  KsPod *b = pod("b", "250m,", ",", KS_RESTART_ALWAYS);
  ks_labels_set(&b->annotations, KS_ANNOTATION_USAGE_CPU, "2");
  create(&w, a);
  create(&w, b);
  ks_engine_run_until(w.engine, S(100));
  KsKubeletModel *m = ks_node_agent_model(w.agent);
  gint64 g = 0, want = 0;
  assert_true(ks_kubelet_model_container_cpu(m, "default", "a", "a1", &g, &want));
  assert_int_equal(g, 1200);
  assert_int_equal(want, 1500);
  assert_true(ks_kubelet_model_container_cpu(m, "default", "a", "a2", &g, &want));
  assert_int_equal(g, 300);
  assert_int_equal(want, 1000);
  assert_true(ks_kubelet_model_pod_cpu(m, "default", "a", &g, &want));
  assert_int_equal(g, 1500);
  assert_int_equal(want, 2500);
  assert_true(ks_kubelet_model_pod_cpu(m, "default", "b", &g, &want));
  assert_int_equal(g, 500);
  ks_engine_run_until(w.engine, S(200));
  assert_true(ks_kubelet_model_pod_cpu(m, "default", "b", &g, &want));
  assert_int_equal(g, 1700);
  assert_false(ks_kubelet_model_container_cpu(m, "default", "a", "a1", &g, &want));
  ks_engine_run_until(w.engine, S(500));
  static const Want want_a[] = {
      {0, KS_POD_PENDING, FALSE, KS_CONTAINER_STATE_NONE, NULL, 0, 0},
      {S(1), RUN, TRUE, R_, NULL, 0, 0},
      {S(151), RUN, FALSE, T_, "Completed", 0, 0},
      {S(401), KS_POD_SUCCEEDED, FALSE, T_, "Completed", 0, 0},
  };
  expect_log(&w, "a", want_a, G_N_ELEMENTS(want_a));
  const KsPod *pa = get(&w, "a");
  assert_true(status_of(pa, "a1")->state.finished_at_us == S(151));
  assert_true(status_of(pa, "a2")->state.finished_at_us == S(401));
  /* throttled: a1 300m short for 150 s; a2 700m short for 400 s */
  assert_true(ks_kubelet_model_pod_stats(m, "default", "a")->throttled_mcpu_us ==
              300LL * S(150) + 700LL * S(400));
  world_clear(&w);
}

/* web (Always) as in test_sidecar_oom_alone on a node whose kubelet goes
 * down at 40 s and comes back at 200 s. While it is down nothing is
 * written, but the containers run on: log is still killed at 61, 101, 151
 * and restarted at 71, 121, 191 by the (partitioned) kubelet. At 200 s the
 * kubelet syncs: one write with log running since 191, 4 restarts, its last
 * state the kill at 151. Then the kill at 221 is written as usual. */
static void test_down_node_holds_status(void **state) {
  (void)state;
  World w;
  world_init(&w, "4", "4Gi");
  create(&w, web_pod(KS_RESTART_ALWAYS));
  ks_engine_run_until(w.engine, S(40));
  assert_true(ks_node_fault_set_down(w.store, "n1", TRUE, NULL));
  ks_engine_run_until(w.engine, S(200));
  KsKubeletModel *m = ks_node_agent_model(w.agent);
  assert_int_equal(ks_kubelet_model_pod_stats(m, "default", "web")->oom_kills, 4);
  gint64 g = 0, want = 0;
  assert_true(ks_kubelet_model_container_cpu(m, "default", "web", "log", &g, &want));
  assert_true(ks_node_fault_set_down(w.store, "n1", FALSE, NULL));
  ks_engine_run_until(w.engine, S(250));
  static const Want want_log[] = {
      {0, KS_POD_PENDING, FALSE, KS_CONTAINER_STATE_NONE, NULL, 0, 0},
      {S(1), RUN, TRUE, R_, NULL, 0, 0},
      {S(31), RUN, TRUE, T_, "OOMKilled", 137, 0},
      {S(31), RUN, TRUE, R_, NULL, 0, 1},
      {S(200), RUN, TRUE, R_, NULL, 0, 4},
      {S(221), RUN, FALSE, W_, "CrashLoopBackOff", 0, 4},
  };
  expect_log(&w, "web", want_log, G_N_ELEMENTS(want_log));
  const KsPod *p = get(&w, "web");
  const KsContainerStatus *log = status_of(p, "log");
  assert_int_equal(log->restart_count, 4);
  assert_true(log->last_state.started_at_us == S(191) && log->last_state.finished_at_us == S(221));
  assert_int_equal(status_of(p, "app")->restart_count, 0);
  world_clear(&w);
}

/* A native sidecar (init container, restartPolicy Always) in a
 * restartPolicy Never pod: proxy (limit 64Mi, 10Mi then 100Mi 30 s after
 * each start) restarts anyway, at 31 (at once) and 71 (10 s back-off after
 * the kill at 61); app has 90 s of work and exits 0 at 91. Sidecars do not
 * count for the phase: the pod Succeeds at 91 and proxy is stopped then
 * (Completed), its 2 restarts kept. */
static void test_native_sidecar(void **state) {
  (void)state;
  World w;
  world_init(&w, "4", "4Gi");
  KsPod *p = ks_pod_new("default", "side");
  p->node_name = g_strdup("n1");
  p->restart_policy = KS_RESTART_NEVER;
  add_container(p, "app", "100m,100Mi", "100m,100Mi", FALSE);
  add_container(p, "proxy", "50m,32Mi", "50m,64Mi", TRUE);
  ks_labels_set(&p->annotations, "ksim.io/usage-memory.proxy", "step(0s=10Mi, 30s=100Mi)");
  ks_pod_set_run_time(p, S(90));
  create(&w, p);
  ks_engine_run_until(w.engine, S(200));
  static const Want want[] = {
      {0, KS_POD_PENDING, FALSE, KS_CONTAINER_STATE_NONE, NULL, 0, 0},
      {S(1), RUN, TRUE, R_, NULL, 0, 0},
      {S(31), RUN, TRUE, T_, "OOMKilled", 137, 0},
      {S(31), RUN, TRUE, R_, NULL, 0, 1},
      {S(61), RUN, FALSE, W_, "CrashLoopBackOff", 0, 1},
      {S(71), RUN, TRUE, R_, NULL, 0, 2},
      {S(91), KS_POD_SUCCEEDED, FALSE, T_, "Completed", 0, 2},
  };
  expect_log(&w, "side", want, G_N_ELEMENTS(want));
  const KsPod *now = get(&w, "side");
  const KsContainerStatus *proxy = status_of(now, "proxy");
  assert_int_equal(proxy->state.kind, KS_CONTAINER_TERMINATED);
  assert_string_equal(proxy->state.reason, "Completed");
  assert_true(proxy->state.started_at_us == S(71) && proxy->state.finished_at_us == S(91));
  assert_int_equal(proxy->restart_count, 2);
  assert_int_equal(g_array_index(now->container_statuses, KsContainerStatus, 0).restart_count, 0);
  /* the sidecar's status is in initContainerStatuses, as upstream's */
  assert_int_equal(now->container_statuses->len, 1);
  assert_int_equal(now->init_container_statuses->len, 1);
  assert_string_equal(g_array_index(now->init_container_statuses, KsContainerStatus, 0).name,
                      "proxy");
  world_clear(&w);
}

/* Down from 5 s to 60 s. once (Never, limit 128Mi, 200Mi from 20 s after
 * its start) is killed at 21 s while nobody reports: the pod stays Running
 * in the store until the kubelet is back at 60 s, then Failed is written
 * (terminated at 21 s) and it leaves the model. steady changes nothing, but
 * at 10 s the node lifecycle controller (here by hand) marks it not Ready:
 * the kubelet's sync at 60 s makes it Ready again, transition time 60 s. */
static void test_down_node_sync(void **state) {
  (void)state;
  World w;
  world_init(&w, "4", "4Gi");
  KsPod *steady = pod("steady", "100m,64Mi", "100m,64Mi", KS_RESTART_ALWAYS);
  ks_labels_set(&steady->annotations, KS_ANNOTATION_USAGE_MEMORY, "10Mi");
  KsPod *once = pod("once", "100m,64Mi", "200m,128Mi", KS_RESTART_NEVER);
  ks_labels_set(&once->annotations, KS_ANNOTATION_USAGE_MEMORY, "step(0s=50Mi, 20s=200Mi)");
  create(&w, steady);
  create(&w, once);
  ks_engine_run_until(w.engine, S(5));
  assert_true(ks_node_fault_set_down(w.store, "n1", TRUE, NULL));
  ks_engine_run_until(w.engine, S(10));
  const KsStoreObject *o = ks_store_get(w.store, KS_STORE_POD, "default", "steady");
  KsPod *copy = ks_pod_copy(o->data);
  copy->ready = FALSE;
  copy->ready_since_us = S(10);
  assert_true(ks_store_update(w.store, KS_STORE_POD, "default", "steady", copy,
                              (GDestroyNotify)ks_pod_unref, o->resource_version, NULL));
  ks_engine_run_until(w.engine, S(59));
  KsKubeletModel *m = ks_node_agent_model(w.agent);
  assert_int_equal(get(&w, "once")->phase, KS_POD_RUNNING);
  assert_true(ks_kubelet_model_has(m, "default", "once"));
  assert_int_equal(ks_kubelet_model_pod_stats(m, "default", "once")->oom_kills, 1);
  assert_false(ks_kubelet_model_pod_cpu(m, "default", "once", &(gint64){0}, &(gint64){0}));
  ks_engine_run_until(w.engine, S(60));
  assert_true(ks_node_fault_set_down(w.store, "n1", FALSE, NULL));
  ks_engine_run_until(w.engine, S(100));
  static const Want want_once[] = {
      {0, KS_POD_PENDING, FALSE, KS_CONTAINER_STATE_NONE, NULL, 0, 0},
      {S(1), RUN, TRUE, R_, NULL, 0, 0},
      {S(60), KS_POD_FAILED, FALSE, T_, "OOMKilled", 137, 0},
  };
  expect_log(&w, "once", want_once, G_N_ELEMENTS(want_once));
  assert_true(get(&w, "once")->container_state.finished_at_us == S(21));
  assert_false(ks_kubelet_model_has(m, "default", "once"));
  static const Want want_steady[] = {
      {0, KS_POD_PENDING, FALSE, KS_CONTAINER_STATE_NONE, NULL, 0, 0},
      {S(1), RUN, TRUE, R_, NULL, 0, 0},
      {S(10), RUN, FALSE, R_, NULL, 0, 0},
      {S(60), RUN, TRUE, R_, NULL, 0, 0},
  };
  expect_log(&w, "steady", want_steady, G_N_ELEMENTS(want_steady));
  assert_true(get(&w, "steady")->ready_since_us == S(60));
  world_clear(&w);
}

/* Nine containers (more than the model keeps on the stack), 100m requests
 * (102 shares each), wanting 200m each through the pod-level profile "1800m"
 * split by their equal requests, on 1 cpu: the pod gets 1000m, each
 * container 1000 * 102 / 918 = 111m. */
static void test_many_containers(void **state) {
  (void)state;
  World w;
  world_init(&w, "1", "4Gi");
  KsPod *p = ks_pod_new("default", "nine");
  p->node_name = g_strdup("n1");
  for (int i = 0; i < 9; i++) {
    char *name = g_strdup_printf("c%d", i);
    add_container(p, name, "100m,", ",", FALSE);
    g_free(name);
  }
  ks_labels_set(&p->annotations, KS_ANNOTATION_USAGE_CPU, "1800m");
  create(&w, p);
  ks_engine_run_until(w.engine, S(5));
  KsKubeletModel *m = ks_node_agent_model(w.agent);
  gint64 g = 0, want = 0;
  assert_true(ks_kubelet_model_container_cpu(m, "default", "nine", "c8", &g, &want));
  assert_int_equal(g, 111);
  assert_int_equal(want, 200);
  assert_true(ks_kubelet_model_pod_cpu(m, "default", "nine", &g, &want));
  assert_int_equal(g, 999);
  assert_int_equal(want, 1800);
  world_clear(&w);
}

static void evict_now(KsEngine *e, gpointer data) {
  (void)e;
  World *w = data;
  const KsStoreObject *o = ks_store_get(w->store, KS_STORE_POD, "default", "ev");
  KsPod *copy = ks_pod_copy(o->data);
  copy->phase = KS_POD_FAILED;
  ks_pod_set_status_reason(copy, "Evicted", "by hand");
  assert_true(ks_store_update(w->store, KS_STORE_POD, "default", "ev", copy,
                              (GDestroyNotify)ks_pod_unref, o->resource_version, NULL));
}

/* Someone else ends the pod (an eviction) at 11 s, the instant the model
 * kills its container (limit 64Mi, 100Mi from 10 s after its start at 1 s)
 * and, before the node agent has seen the eviction, would restart it: the
 * model writes nothing over a terminal phase and lets the pod go. */
static void test_no_write_over_terminal(void **state) {
  (void)state;
  World w;
  world_init(&w, "4", "4Gi");
  KsPod *p = pod("ev", "100m,64Mi", "100m,64Mi", KS_RESTART_ALWAYS);
  ks_labels_set(&p->annotations, KS_ANNOTATION_USAGE_MEMORY, "step(0s=10Mi, 10s=100Mi)");
  create(&w, p);
  ks_engine_schedule(w.engine, S(11), evict_now, &w, NULL);
  ks_engine_run_until(w.engine, S(30));
  static const Want want[] = {
      {0, KS_POD_PENDING, FALSE, KS_CONTAINER_STATE_NONE, NULL, 0, 0},
      {S(1), RUN, TRUE, R_, NULL, 0, 0},
      {S(11), KS_POD_FAILED, TRUE, R_, NULL, 0, 0},
  };
  expect_log(&w, "ev", want, G_N_ELEMENTS(want));
  assert_string_equal(get(&w, "ev")->reason, "Evicted");
  assert_false(ks_kubelet_model_has(ks_node_agent_model(w.agent), "default", "ev"));
  world_clear(&w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_oom_crash_loop),
      cmocka_unit_test(test_backoff_reset),
      cmocka_unit_test(test_oom_never),
      cmocka_unit_test(test_cpu_contention),
      cmocka_unit_test(test_node_oom),
      cmocka_unit_test(test_unprofiled_pod_untouched),
      cmocka_unit_test(test_delete_frees_cpu),
      cmocka_unit_test(test_sidecar_oom_alone),
      cmocka_unit_test(test_two_containers_never),
      cmocka_unit_test(test_node_oom_by_container),
      cmocka_unit_test(test_cpu_per_container),
      cmocka_unit_test(test_down_node_holds_status),
      cmocka_unit_test(test_native_sidecar),
      cmocka_unit_test(test_down_node_sync),
      cmocka_unit_test(test_many_containers),
      cmocka_unit_test(test_no_write_over_terminal),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
