/* The kubelet's eviction manager (sim/kubelet/eviction_manager.h) through the
 * store, the engine and the node agent: pods created already bound to a
 * 1Gi node start at 1 s; housekeeping passes run at 10 s, 20 s, ...; the
 * default hard threshold memory.available<100Mi. Every time, victim and
 * message is worked out by hand in the comments. */
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
#include "tests/sim/scenario_results.h"
#include "workloads/kubelet_config.h"
#include "workloads/annotations.h"
#include "workloads/usage.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)

typedef struct {
  KsEngine *engine;
  KsStore *store;
  KsNodeAgent *agent;
  GString *log; /* "<t>s <pod> <phase>\n" for every phase change, and node conditions */
} World;

static void log_pods(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                     const KsStoreObject *new_obj, gpointer user_data) {
  (void)s;
  World *w = user_data;
  if (type == KS_WATCH_DELETED)
    return;
  const KsPod *p = new_obj->data, *o = old_obj ? old_obj->data : NULL;
  if (o && o->phase == p->phase)
    return;
  g_string_append_printf(w->log, "%" G_GINT64_FORMAT "s %s %s\n",
                         ks_engine_now(w->engine) / G_USEC_PER_SEC, p->name,
                         ks_pod_phase_to_string(p->phase));
}

static void log_nodes(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                      const KsStoreObject *new_obj, gpointer user_data) {
  (void)s;
  (void)old_obj;
  World *w = user_data;
  if (type != KS_WATCH_MODIFIED)
    return;
  const KsNode *n = new_obj->data;
  const char *st = ks_node_condition_status(n, "MemoryPressure");
  g_string_append_printf(w->log, "%" G_GINT64_FORMAT "s node MemoryPressure=%s\n",
                         ks_engine_now(w->engine) / G_USEC_PER_SEC, st ? st : "-");
}

static void world_init(World *w) {
  w->engine = ks_engine_new();
  w->store = ks_store_new(w->engine);
  w->log = g_string_new(NULL);
  ks_store_watch(w->store, KS_STORE_POD, log_pods, w);
  ks_store_watch(w->store, KS_STORE_NODE, log_nodes, w);
  w->agent = ks_node_agent_new_seeded(w->store, 7);
  KsNode *n = ks_node_new("n1");
  assert_true(ks_resource_list_set_quantity(&n->capacity, "cpu", "4", NULL));
  assert_true(ks_resource_list_set_quantity(&n->capacity, "memory", "1Gi", NULL));
  ks_resource_list_copy(&n->allocatable, &n->capacity);
  assert_true(ks_store_create(w->store, KS_STORE_NODE, NULL, "n1", n,
                              (GDestroyNotify)ks_node_unref, NULL));
}

/* Every node's kubelet runs with the KubeletConfiguration whose fields
 * (after apiVersion and kind) are `fields`. */
static void world_set_config(World *w, const char *fields) {
  char *yaml = g_strconcat("apiVersion: kubelet.config.k8s.io/v1beta1\n"
                           "kind: KubeletConfiguration\n",
                           fields, NULL);
  GError *err = NULL;
  KsKubeletConfig *c = ks_kubelet_config_load_string(yaml, strlen(yaml), "kubelet.yaml", &err);
  if (!c)
    fail_msg("%s", err->message);
  ks_eviction_manager_set_config(ks_node_agent_evictions(w->agent), c);
  ks_kubelet_config_unref(c); /* the manager holds its own reference */
  g_free(yaml);
}

static void world_clear(World *w) {
  ks_node_agent_free(w->agent);
  ks_store_free(w->store);
  ks_engine_free(w->engine);
  g_string_free(w->log, TRUE);
}

/* A pod bound to n1 with one container "app": memory request and limit
 * ("" = none; a limit sets cpu too, so the pod is Guaranteed), and a memory
 * usage profile (NULL: none). */
static void create(World *w, const char *name, const char *req, const char *lim,
                   const char *usage) {
  KsPod *p = ks_pod_new("default", name);
  p->uid = g_strdup_printf("uid-%s", name);
  p->node_name = g_strdup("n1");
  KsContainer *c = ks_pod_add_container(p, "app", FALSE);
  if (*req)
    assert_true(ks_resource_list_set_quantity(&c->requests, "memory", req, NULL));
  if (*lim) {
    assert_true(ks_resource_list_set_quantity(&c->limits, "memory", lim, NULL));
    assert_true(ks_resource_list_set_quantity(&c->limits, "cpu", "100m", NULL));
    assert_true(ks_resource_list_set_quantity(&c->requests, "cpu", "100m", NULL));
  }
  if (usage)
    ks_labels_set(&p->annotations, KS_ANNOTATION_USAGE_MEMORY, usage);
  assert_true(ks_store_create(w->store, KS_STORE_POD, p->namespace, p->name, p,
                              (GDestroyNotify)ks_pod_unref, NULL));
}

static const KsPod *get(World *w, const char *name) {
  const KsStoreObject *o = ks_store_get(w->store, KS_STORE_POD, "default", name);
  return o ? o->data : NULL;
}

static const char *node_condition(World *w, const char *type) {
  const KsStoreObject *o = ks_store_get(w->store, KS_STORE_NODE, NULL, "n1");
  return ks_node_condition_status(o->data, type);
}

/* 1Gi node, from 1 s: g Guaranteed 200Mi/200Mi using 200Mi; b1 Burstable
 * (request 100Mi) using 250Mi, 500Mi from 16 s; b2 Burstable (request
 * 200Mi) using 250Mi, 800Mi from 26 s; be BestEffort using 280Mi.
 *  - 10 s: usage 200+250+250+280 = 980Mi, available 44Mi < 100Mi. All but g
 *    exceed their requests; by usage above requests: be 280Mi, b1 150Mi,
 *    b2 50Mi: be is evicted.
 *  - 20 s: 200+500+250 = 950Mi, available 74Mi: b1 (400Mi above) before b2
 *    (50Mi above).
 *  - 30 s: 200+800 = 1000Mi, available 24Mi: b2 (600Mi above).
 *  - 40 s: 200Mi used; no threshold met, but MemoryPressure stays True
 *    until the pass at 330 s (300 s after it was last met at 30 s; True
 *    while less than the transition period has passed).
 * g, within its request, survives. */
static void test_memory_pressure_order(void **state) {
  (void)state;
  World w;
  world_init(&w);
  create(&w, "g", "200Mi", "200Mi", "200Mi");
  create(&w, "b1", "100Mi", "", "step(0s=250Mi, 15s=500Mi)");
  create(&w, "b2", "200Mi", "", "step(0s=250Mi, 25s=800Mi)");
  create(&w, "be", "", "", "280Mi");
  ks_engine_run_until(w.engine, S(400));
  assert_string_equal(w.log->str, "0s g Pending\n"
                                  "0s b1 Pending\n"
                                  "0s b2 Pending\n"
                                  "0s be Pending\n"
                                  "1s g Running\n"
                                  "1s b1 Running\n"
                                  "1s b2 Running\n"
                                  "1s be Running\n"
                                  "10s node MemoryPressure=True\n"
                                  "10s be Failed\n"
                                  "20s b1 Failed\n"
                                  "30s b2 Failed\n"
                                  "330s node MemoryPressure=False\n");
  const KsPod *be = get(&w, "be");
  assert_string_equal(be->reason, "Evicted");
  assert_string_equal(be->message,
                      "The node was low on resource: memory. Threshold quantity: 100Mi, "
                      "available: 44Mi. Container app was using 280Mi, request is 0, has larger "
                      "consumption of memory. ");
  const KsPodCondition *c = ks_pod_get_condition(be, "DisruptionTarget");
  assert_non_null(c);
  assert_int_equal(c->status, KS_POD_CONDITION_TRUE);
  assert_string_equal(c->reason, "TerminationByKubelet");
  assert_string_equal(c->message, be->message);
  assert_int_equal(c->last_transition_time_us, S(10));
  assert_string_equal(get(&w, "b1")->message,
                      "The node was low on resource: memory. Threshold quantity: 100Mi, "
                      "available: 74Mi. Container app was using 500Mi, request is 100Mi, has "
                      "larger consumption of memory. ");
  assert_string_equal(get(&w, "b2")->message,
                      "The node was low on resource: memory. Threshold quantity: 100Mi, "
                      "available: 24Mi. Container app was using 800Mi, request is 200Mi, has "
                      "larger consumption of memory. ");
  assert_int_equal(get(&w, "g")->phase, KS_POD_RUNNING);
  assert_string_equal(node_condition(&w, "MemoryPressure"), "False");
  assert_null(node_condition(&w, "DiskPressure"));
  KsEvictionManager *em = ks_node_agent_evictions(w.agent);
  assert_int_equal(ks_eviction_manager_evictions_by_qos(em, KS_QOS_BEST_EFFORT), 1);
  assert_int_equal(ks_eviction_manager_evictions_by_qos(em, KS_QOS_BURSTABLE), 2);
  assert_int_equal(ks_eviction_manager_evictions_by_qos(em, KS_QOS_GUARANTEED), 0);
  assert_int_equal(ks_eviction_manager_n_nodes(em), 1);
  assert_string_equal(ks_eviction_manager_node_name(em, 0), "n1");
  assert_int_equal(ks_eviction_manager_node_evictions(em, 0), 3);
  world_clear(&w);
}

/* Admission under MemoryPressure (True from 10 s to 330 s, as above, with
 * only be and g): a BestEffort pod bound at 100 s is rejected at once; a
 * Burstable one is admitted (Running after its 1 s start-up); a BestEffort
 * one tolerating the memory-pressure taint is admitted; a BestEffort pod
 * bound at 400 s, after the condition cleared, runs. */
static void test_admission(void **state) {
  (void)state;
  World w;
  world_init(&w);
  create(&w, "g", "200Mi", "200Mi", "step(0s=200Mi, 20s=0)");
  create(&w, "be", "", "", "800Mi");
  ks_engine_run_until(w.engine, S(100));
  create(&w, "late-be", "", "", NULL);
  create(&w, "late-bu", "10Mi", "", NULL);
  KsPod *p = ks_pod_new("default", "late-tol");
  p->node_name = g_strdup("n1");
  ks_pod_add_container(p, "app", FALSE);
  KsToleration *t = ks_pod_add_toleration(p);
  t->key = g_strdup("node.kubernetes.io/memory-pressure");
  t->op = KS_TOLERATION_OP_EXISTS;
  t->effect = KS_TAINT_EFFECT_NO_SCHEDULE;
  assert_true(ks_store_create(w.store, KS_STORE_POD, "default", "late-tol", p,
                              (GDestroyNotify)ks_pod_unref, NULL));
  ks_engine_run_until(w.engine, S(400));
  create(&w, "after-be", "", "", NULL);
  ks_engine_run_until(w.engine, S(410));
  assert_string_equal(w.log->str, "0s g Pending\n"
                                  "0s be Pending\n"
                                  "1s g Running\n"
                                  "1s be Running\n"
                                  "10s node MemoryPressure=True\n"
                                  "10s be Failed\n"
                                  "100s late-be Pending\n"
                                  "100s late-bu Pending\n"
                                  "100s late-tol Pending\n"
                                  "100s late-be Failed\n"
                                  "101s late-bu Running\n"
                                  "101s late-tol Running\n"
                                  "310s node MemoryPressure=False\n"
                                  "400s after-be Pending\n"
                                  "401s after-be Running\n");
  const KsPod *late = get(&w, "late-be");
  assert_string_equal(late->reason, "Evicted");
  assert_string_equal(late->message, "The node had condition: [MemoryPressure]. ");
  assert_null(ks_pod_get_condition(late, "DisruptionTarget"));
  assert_int_equal(ks_eviction_manager_rejections(ks_node_agent_evictions(w.agent)), 1);
  world_clear(&w);
}

/* A run without usage profiles has no housekeeping pass: no event is queued. */
static void test_no_profiles_no_events(void **state) {
  (void)state;
  World w;
  world_init(&w);
  create(&w, "plain", "100Mi", "", NULL);
  ks_engine_run_until(w.engine, S(100));
  assert_int_equal(ks_engine_pending(w.engine), 0);
  assert_int_equal(get(&w, "plain")->phase, KS_POD_RUNNING);
  world_clear(&w);
}

/* Soft threshold memory.available<300Mi held 30 s (evictionSoftGracePeriod
 * 30s; evictionHard {} so no hard threshold): a BestEffort pod uses 500Mi,
 * 800Mi from 15 s (14 s after its start at 1 s). Passes: 10 s available
 * 524Mi; 20 s available 224Mi < 300Mi, first observed: MemoryPressure True
 * at once (conditions count soft thresholds before their grace period),
 * no eviction at 20, 30 or 40 s (held 0, 10, 20 s); 50 s: held 30 s,
 * evicted. MemoryPressure False at 350 s (5 min after 50 s). */
static void test_soft_grace_period(void **state) {
  (void)state;
  World w;
  world_init(&w);
  world_set_config(&w, "evictionHard: {}\n"
                       "evictionSoft:\n  memory.available: 300Mi\n"
                       "evictionSoftGracePeriod:\n  memory.available: 30s\n"
                       "evictionMaxPodGracePeriod: 20\n");
  create(&w, "a", "", "", "step(0s=500Mi, 14s=800Mi)");
  ks_engine_run_until(w.engine, S(49));
  assert_int_equal(get(&w, "a")->phase, KS_POD_RUNNING);
  ks_engine_run_until(w.engine, S(400));
  assert_string_equal(w.log->str, "0s a Pending\n"
                                  "1s a Running\n"
                                  "20s node MemoryPressure=True\n"
                                  "50s a Failed\n"
                                  "350s node MemoryPressure=False\n");
  assert_string_equal(get(&w, "a")->message,
                      "The node was low on resource: memory. Threshold quantity: 300Mi, "
                      "available: 224Mi. Container app was using 800Mi, request is 0, has larger "
                      "consumption of memory. ");
  world_clear(&w);
}

/* The grace period restarts when the threshold stops being met at a pass:
 * 800Mi from 15 s, 500Mi from 34 s, 800Mi again from 45 s. Met at 20 and
 * 30 s, not at 40 s (the clock restarts), met again from 50 s: evicted at
 * 80 s, 30 s after 50 s. A 25 s grace period would not evict at 40 s
 * either (20 s held at 40 s) and evicts at 80 s too (30 s >= 25 s at 80 s,
 * 20 s at 70 s). */
static void test_soft_grace_period_restarts(void **state) {
  (void)state;
  const char *grace[] = {"30s", "25s"};
  for (guint i = 0; i < G_N_ELEMENTS(grace); i++) {
    World w;
    world_init(&w);
    char *cfg = g_strdup_printf("evictionHard: {}\n"
                                "evictionSoft:\n  memory.available: 300Mi\n"
                                "evictionSoftGracePeriod:\n  memory.available: %s\n",
                                grace[i]);
    world_set_config(&w, cfg);
    g_free(cfg);
    create(&w, "a", "", "", "step(0s=500Mi, 14s=800Mi, 33s=500Mi, 44s=800Mi)");
    ks_engine_run_until(w.engine, S(100));
    assert_string_equal(w.log->str, "0s a Pending\n"
                                    "1s a Running\n"
                                    "20s node MemoryPressure=True\n"
                                    "80s a Failed\n");
    world_clear(&w);
  }
}

/* evictionHard memory.available<200Mi with evictionMinimumReclaim 300Mi.
 * 1Gi node: p1 (BestEffort) 400Mi, p2 (BestEffort) 300Mi, p3 (request
 * 300Mi) 250Mi: 950Mi used, 74Mi available at 10 s: p1 evicted (400Mi
 * above its request against 300Mi). 474Mi available at 20 s: above 200Mi,
 * but below 200Mi + 300Mi, so the threshold that drove the eviction stays
 * met and p2 goes at 20 s. 774Mi available at 30 s >= 500Mi: resolved.
 * MemoryPressure, last observed at 20 s, turns False at 320 s. Without the
 * minimum reclaim only p1 is evicted and MemoryPressure is False at 310 s. */
static void test_min_reclaim(void **state) {
  (void)state;
  for (int with = 0; with < 2; with++) {
    World w;
    world_init(&w);
    world_set_config(&w, with ? "evictionHard:\n  memory.available: 200Mi\n"
                                "evictionMinimumReclaim:\n  memory.available: 300Mi\n"
                              : "evictionHard:\n  memory.available: 200Mi\n");
    create(&w, "p1", "", "", "400Mi");
    create(&w, "p2", "", "", "300Mi");
    create(&w, "p3", "300Mi", "", "250Mi");
    ks_engine_run_until(w.engine, S(400));
    assert_non_null(strstr(w.log->str, with ? "320s node MemoryPressure=False\n"
                                            : "310s node MemoryPressure=False\n"));
    assert_int_equal(get(&w, "p1")->phase, KS_POD_FAILED);
    assert_int_equal(get(&w, "p2")->phase, with ? KS_POD_FAILED : KS_POD_RUNNING);
    assert_int_equal(get(&w, "p3")->phase, KS_POD_RUNNING);
    if (with)
      /* the message gives the threshold, not threshold + reclaim */
      assert_string_equal(get(&w, "p2")->message,
                          "The node was low on resource: memory. Threshold quantity: 200Mi, "
                          "available: 474Mi. Container app was using 300Mi, request is 0, has "
                          "larger consumption of memory. ");
    assert_non_null(strstr(w.log->str, "10s p1 Failed\n"));
    assert_true((strstr(w.log->str, "20s p2 Failed\n") != NULL) == with);
    world_clear(&w);
  }
}

/* A custom evictionHard memory.available<500Mi moves the eviction of a pod
 * ramping from 100Mi to 1100Mi over 100 s (from 1 s; usage 100Mi + 10Mi per
 * second of its run) on a 1Gi node. A pass at t sees the ramp's value of
 * t - 1 s (the step due at t is queued after the pass). The default 100Mi
 * threshold is crossed past 924Mi: the pass at 90 s (980Mi, 44Mi
 * available; at 80 s 880Mi, 144Mi). 500Mi is crossed past 524Mi: the pass
 * at 50 s (580Mi, 444Mi available; at 40 s 480Mi, 544Mi). */
static void test_custom_hard_threshold(void **state) {
  (void)state;
  const char *want[] = {"90s r Failed\n", "50s r Failed\n"};
  const char *msg[] = {"Threshold quantity: 100Mi, available: 44Mi. Container app was using 980Mi",
                       "Threshold quantity: 500Mi, available: 444Mi. Container app was using 580Mi"};
  for (int custom = 0; custom < 2; custom++) {
    World w;
    world_init(&w);
    if (custom)
      world_set_config(&w, "evictionHard:\n  memory.available: 500Mi\n");
    create(&w, "r", "", "", "ramp(0s=100Mi, 100s=1100Mi)");
    ks_engine_run_until(w.engine, S(200));
    assert_non_null(strstr(w.log->str, want[custom]));
    if (!strstr(get(&w, "r")->message, msg[custom]))
      fail_msg("%s", get(&w, "r")->message);
    world_clear(&w);
  }
}

/* No dedicated image filesystem: imagefs.available observes the node
 * filesystem, so the default imagefs.available<15% acts on it before
 * nodefs.available<10%. 10Gi ephemeral-storage; a pod using 8.6Gi leaves
 * 1.4Gi: 15% of 10Gi as float32 is 1610612800 bytes (> 1.4Gi), 10% is
 * 1073741840 (< 1.4Gi): DiskPressure and an eviction for ephemeral-storage
 * at 10 s with the imagefs threshold's quantity. */
static void test_imagefs_on_node_filesystem(void **state) {
  (void)state;
  World w;
  world_init(&w);
  const KsStoreObject *o = ks_store_get(w.store, KS_STORE_NODE, NULL, "n1");
  KsNode *n = ks_node_copy(o->data);
  assert_true(ks_resource_list_set_quantity(&n->capacity, "ephemeral-storage", "10Gi", NULL));
  assert_true(ks_store_update(w.store, KS_STORE_NODE, NULL, "n1", n, (GDestroyNotify)ks_node_unref,
                              o->resource_version, NULL));
  KsPod *p = ks_pod_new("default", "disk");
  p->node_name = g_strdup("n1");
  ks_pod_add_container(p, "app", FALSE);
  ks_labels_set(&p->annotations, KS_ANNOTATION_USAGE_EPHEMERAL_STORAGE, "8806Mi");
  assert_true(ks_store_create(w.store, KS_STORE_POD, "default", "disk", p,
                              (GDestroyNotify)ks_pod_unref, NULL));
  ks_engine_run_until(w.engine, S(20));
  assert_int_equal(get(&w, "disk")->phase, KS_POD_FAILED);
  assert_string_equal(get(&w, "disk")->message,
                      "The node was low on resource: ephemeral-storage. Threshold quantity: "
                      "1610612800, available: 1434Mi. Container app was using 8806Mi, request is "
                      "0, has larger consumption of ephemeral-storage. ");
  assert_string_equal(node_condition(&w, "DiskPressure"), "True");
  world_clear(&w);
}

/* evictionPressureTransitionPeriod 1m: a BestEffort pod using 1000Mi of
 * 1Gi is evicted at 10 s (the default evictionHard stays, the file gives
 * none); MemoryPressure, last observed at 10 s, is False at the pass at
 * 70 s instead of 310 s. */
static void test_transition_period(void **state) {
  (void)state;
  World w;
  world_init(&w);
  world_set_config(&w, "evictionPressureTransitionPeriod: 1m\n");
  create(&w, "hog", "", "", "1000Mi");
  ks_engine_run_until(w.engine, S(100));
  assert_string_equal(w.log->str, "0s hog Pending\n"
                                  "1s hog Running\n"
                                  "10s node MemoryPressure=True\n"
                                  "10s hog Failed\n"
                                  "70s node MemoryPressure=False\n");
  world_clear(&w);
}

static void go_down(KsEngine *e, gpointer data) {
  (void)e;
  World *w = data;
  assert_true(ks_node_fault_set_down(w->store, "n1", TRUE, NULL));
}

static void come_back(KsEngine *e, gpointer data) {
  (void)e;
  World *w = data;
  assert_true(ks_node_fault_set_down(w->store, "n1", FALSE, NULL));
}

/* A node whose kubelet is down runs no eviction pass: a BestEffort pod
 * using 1000Mi of 1Gi from 1 s would be evicted at 10 s; with the kubelet
 * down from 5 s to 55 s nothing happens (no MemoryPressure, no eviction)
 * until the first pass after it is back, at 60 s. */
static void test_kubelet_down_no_pass(void **state) {
  (void)state;
  World w;
  world_init(&w);
  create(&w, "hog", "", "", "1000Mi");
  ks_engine_schedule(w.engine, S(5), go_down, &w, NULL);
  ks_engine_schedule(w.engine, S(55), come_back, &w, NULL);
  ks_engine_run_until(w.engine, S(59));
  assert_int_equal(get(&w, "hog")->phase, KS_POD_RUNNING);
  assert_null(node_condition(&w, "MemoryPressure"));
  ks_engine_run_until(w.engine, S(100));
  assert_int_equal(get(&w, "hog")->phase, KS_POD_FAILED);
  assert_non_null(strstr(w.log->str, "60s node MemoryPressure=True\n60s hog Failed\n"));
  assert_null(strstr(w.log->str, "10s hog"));
  world_clear(&w);
}

static gint cmp_i64(gconstpointer a, gconstpointer b) {
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;
  return x < y ? -1 : x > y;
}

/* workloads/examples/overcommit.yaml: three 2Gi nodes, each with two web
 * pods (request 512Mi, usage 300Mi ramping to 1100Mi over 4 min, from 1 s)
 * and a 200Mi BestEffort cache pod. usage(t) = 300Mi + 800Mi * t / 240 s
 * (t whole seconds since start); memory.available < 100Mi when 2 usage +
 * 200Mi > 1948Mi, usage > 874Mi, first at t = 173 (174 s): the pass at
 * 180 s sets MemoryPressure on every node and evicts one web pod per node
 * (usage above request 384Mi against the cache's 200Mi). The node lifecycle
 * controller taints the nodes memory-pressure:NoSchedule, so the three
 * replacements stay Pending while the survivors (1100Mi from 241 s, 1300Mi
 * per node in all) no longer meet the threshold. MemoryPressure turns False
 * at the pass at 480 s (300 s after 180 s), the taints go, the replacements
 * are bound at 480 s and start at 481 s; with the survivor at 1100Mi a node
 * crosses again when the new pod passes 648Mi, 105 s after its start
 * (586 s): the pass at 590 s evicts the survivors (588Mi above request
 * against 151Mi), whose replacements are still pending at the end (10 min).
 * The cache pods are never the furthest above their request. */
static void test_overcommit_example(void **state) {
  (void)state;
  char *path = g_strdup_printf("%s/../../workloads/examples/overcommit.yaml", KSIM_TEST_DATA);
  KsResults *r = ks_test_run_scenario(path);
  g_free(path);
  GArray *failed = g_array_new(FALSE, FALSE, sizeof(gint64));
  guint running = 0, pending = 0, late = 0;
  for (gsize i = 0; i < r->n_pods; i++) {
    const KsPodRow *p = &r->pods[i];
    if (p->outcome == KS_OUTCOME_FAILED) {
      assert_true(g_str_has_prefix(p->name, "web-"));
      g_array_append_val(failed, p->finished_us);
    } else if (p->outcome == KS_OUTCOME_PENDING) {
      assert_int_equal(p->created_us, S(590));
      pending++;
    } else {
      assert_int_equal(p->outcome, KS_OUTCOME_RUNNING);
      running++;
    }
    if (p->created_us == S(180)) {
      assert_int_equal(p->scheduled_us, S(480));
      late++;
    }
  }
  for (int i = 0; i < 3; i++)
    assert_int_equal(ks_test_pod_row(r, (const char *[]){"cache-0", "cache-1", "cache-2"}[i])->outcome,
                     KS_OUTCOME_RUNNING);
  g_array_sort(failed, cmp_i64);
  const gint64 want[] = {S(180), S(180), S(180), S(590), S(590), S(590)};
  assert_int_equal(failed->len, G_N_ELEMENTS(want));
  for (guint i = 0; i < failed->len; i++)
    assert_int_equal(g_array_index(failed, gint64, i), want[i]);
  assert_int_equal(running, 6);
  assert_int_equal(pending, 3);
  assert_int_equal(late, 3);
  g_array_unref(failed);
  ks_results_free(r);
}


/* The grace a victim is killed with (synchronize's override, then the pod
 * worker's calculateEffectiveGracePeriod), v1.31: hard 1 s; soft
 * min(evictionMaxPodGracePeriod, terminationGracePeriodSeconds); an
 * override of 0 falls back to the pod's own; below 1 becomes 1. */
static void test_grace_seconds(void **state) {
  (void)state;
  KsKubeletConfig *c = ks_kubelet_config_new_default();
  KsEvictionThreshold hard = {.signal = KS_EVICTION_SIGNAL_MEMORY_AVAILABLE, .hard = TRUE};
  KsEvictionThreshold soft = {.signal = KS_EVICTION_SIGNAL_MEMORY_AVAILABLE,
                              .grace_period_us = S(30)};
  KsPod *p = ks_pod_new("default", "p");
  const struct {
    const KsEvictionThreshold *t;
    gint32 max;
    gint64 pod_grace, want;
  } rows[] = {
      {&hard, 20, 30, 1}, {&hard, 0, 0, 1},   {&soft, 20, 30, 20}, {&soft, 20, 5, 5},
      {&soft, 0, 30, 30}, {&soft, 0, 90, 90}, {&soft, -5, 30, 1},  {&soft, 20, 0, 1},
      {&soft, 0, 0, 1},   {&soft, 20, -3, 1}, {&soft, 45, 45, 45},
  };
  for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
    c->eviction_max_pod_grace_period = rows[i].max;
    p->termination_grace_period_seconds = rows[i].pod_grace;
    if (ks_eviction_grace_seconds(c, rows[i].t, p) != rows[i].want)
      fail_msg("row %u: %" G_GINT64_FORMAT " want %" G_GINT64_FORMAT, i,
               ks_eviction_grace_seconds(c, rows[i].t, p), rows[i].want);
  }
  ks_pod_unref(p);
  ks_kubelet_config_unref(c);
}

/* create() with ksim.io/shutdown-time. */
static void create_slow(World *w, const char *name, const char *usage, const char *shutdown) {
  create(w, name, "", "", usage);
  const KsStoreObject *o = ks_store_get(w->store, KS_STORE_POD, "default", name);
  KsPod *copy = ks_pod_copy(o->data);
  ks_labels_set(&copy->annotations, KS_ANNOTATION_SHUTDOWN_TIME, shutdown);
  assert_true(ks_store_update(w->store, KS_STORE_POD, "default", name, copy,
                              (GDestroyNotify)ks_pod_unref, o->resource_version, NULL));
}

/* The pod's memory in the resource model; -1 when it runs no more. */
static gint64 pod_memory(World *w, const char *name) {
  gint64 mem = 0, eph = 0;
  if (!ks_kubelet_model_pod_usage(ks_node_agent_model(w->agent), "default", name, &mem, &eph))
    return -1;
  return mem;
}

static gint64 node_memory(World *w) {
  gint64 cpu = 0, mem = 0, eph = 0;
  ks_kubelet_model_node_usage(ks_node_agent_model(w->agent), 0, &cpu, &mem, &eph);
  return mem;
}

#define MI(x) ((gint64)(x) * 1024 * 1024)

/* A hard victim that takes 30 s to stop: a (980Mi, 34Mi available with b's
 * 10Mi) is Failed at the 10 s pass, its 980Mi in use until SIGKILL at
 * 11 s; the next pass is 20 s (upstream: 12 s, after the cleanup poll),
 * where b (950Mi from 15 s, 74Mi available) is evicted and stops by
 * itself 500 ms later. */
static void test_hard_victim_killed_after_1s(void **state) {
  (void)state;
  World w;
  world_init(&w);
  create_slow(&w, "a", "980Mi", "30s");
  create_slow(&w, "b", "step(0s=10Mi, 14s=950Mi)", "500ms");
  ks_engine_run_until(w.engine, S(10));
  assert_int_equal(get(&w, "a")->phase, KS_POD_FAILED);
  assert_string_equal(get(&w, "a")->reason, "Evicted");
  assert_true(ks_eviction_manager_killing(ks_node_agent_evictions(w.agent), "default", "a"));
  assert_int_equal(pod_memory(&w, "a"), MI(980));
  ks_engine_run_until(w.engine, S(11) - 1);
  assert_int_equal(node_memory(&w), MI(990));
  assert_int_equal(get(&w, "a")->container_state.kind, KS_CONTAINER_RUNNING);
  ks_engine_run_until(w.engine, S(11));
  assert_int_equal(pod_memory(&w, "a"), -1);
  /* SIGKILL: 137, reason Error, in containerStatuses too */
  const KsPod *a = get(&w, "a");
  assert_int_equal(a->container_state.kind, KS_CONTAINER_TERMINATED);
  assert_int_equal(a->container_state.exit_code, 137);
  assert_string_equal(a->container_state.reason, "Error");
  assert_int_equal(a->container_state.finished_at_us, S(11));
  for (guint i = 0; a->container_statuses && i < a->container_statuses->len; i++)
    assert_int_equal(g_array_index(a->container_statuses, KsContainerStatus, i).state.exit_code,
                     137);
  assert_false(ks_eviction_manager_killing(ks_node_agent_evictions(w.agent), "default", "a"));
  ks_engine_run_until(w.engine, S(20));
  assert_int_equal(get(&w, "b")->phase, KS_POD_FAILED);
  assert_int_equal(pod_memory(&w, "b"), MI(950));
  ks_engine_run_until(w.engine, S(20) + 500000);
  assert_int_equal(pod_memory(&w, "b"), -1);
  /* stopped by itself within the grace: its own exit code 0, Completed */
  assert_int_equal(get(&w, "b")->container_state.kind, KS_CONTAINER_TERMINATED);
  assert_int_equal(get(&w, "b")->container_state.exit_code, 0);
  assert_string_equal(get(&w, "b")->container_state.reason, "Completed");
  assert_int_equal(get(&w, "b")->phase, KS_POD_FAILED); /* evicted all the same */
  assert_int_equal(node_memory(&w), 0);
  assert_string_equal(w.log->str, "0s a Pending\n"
                                  "0s b Pending\n"
                                  "1s a Running\n"
                                  "1s b Running\n"
                                  "10s node MemoryPressure=True\n"
                                  "10s a Failed\n"
                                  "20s b Failed\n");
  /* the kubelet does not delete an evicted pod: it stays Failed (PodGC's) */
  ks_engine_run_until(w.engine, S(60));
  assert_non_null(get(&w, "a"));
  assert_non_null(get(&w, "b"));
  world_clear(&w);
}

/* A soft victim: grace min(evictionMaxPodGracePeriod 20, its 30) = 20 s
 * although it would take 60 s: SIGKILL at 40 s. With
 * evictionMaxPodGracePeriod 0 the pod's own 30 s: SIGKILL at 50 s. The
 * threshold (300Mi, held 10 s) is met from the 10 s pass: eviction at
 * 20 s. No pass runs during the kill. */
static void test_soft_victim_grace(void **state) {
  (void)state;
  const char *max[] = {"20", "0"};
  const gint64 kill_at[] = {S(40), S(50)};
  for (guint i = 0; i < G_N_ELEMENTS(max); i++) {
    World w;
    world_init(&w);
    char *cfg = g_strdup_printf("evictionHard: {}\n"
                                "evictionSoft:\n  memory.available: 300Mi\n"
                                "evictionSoftGracePeriod:\n  memory.available: 10s\n"
                                "evictionMaxPodGracePeriod: %s\n",
                                max[i]);
    world_set_config(&w, cfg);
    g_free(cfg);
    create_slow(&w, "a", "800Mi", "60s");
    ks_engine_run_until(w.engine, S(20));
    assert_int_equal(get(&w, "a")->phase, KS_POD_FAILED);
    ks_engine_run_until(w.engine, kill_at[i] - 1);
    assert_int_equal(pod_memory(&w, "a"), MI(800));
    ks_engine_run_until(w.engine, kill_at[i]);
    assert_int_equal(pod_memory(&w, "a"), -1);
    world_clear(&w);
  }
}

/* A victim deleted while its containers stop: the kill's event is dropped,
 * the model forgets it at the delete. */
static void test_victim_deleted_during_kill(void **state) {
  (void)state;
  World w;
  world_init(&w);
  create_slow(&w, "a", "980Mi", "30s");
  ks_engine_run_until(w.engine, S(10));
  assert_int_equal(pod_memory(&w, "a"), MI(980));
  assert_true(ks_store_delete(w.store, KS_STORE_POD, "default", "a", 0, NULL));
  ks_engine_run_until(w.engine, S(10) + 1); /* the watches are told */
  assert_false(ks_eviction_manager_killing(ks_node_agent_evictions(w.agent), "default", "a"));
  assert_int_equal(pod_memory(&w, "a"), -1);
  ks_engine_run_until(w.engine, S(30));
  world_clear(&w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_memory_pressure_order),
      cmocka_unit_test(test_admission),
      cmocka_unit_test(test_no_profiles_no_events),
      cmocka_unit_test(test_soft_grace_period),
      cmocka_unit_test(test_soft_grace_period_restarts),
      cmocka_unit_test(test_min_reclaim),
      cmocka_unit_test(test_custom_hard_threshold),
      cmocka_unit_test(test_imagefs_on_node_filesystem),
      cmocka_unit_test(test_transition_period),
      cmocka_unit_test(test_kubelet_down_no_pass),
      cmocka_unit_test(test_overcommit_example),
      cmocka_unit_test(test_grace_seconds),
      cmocka_unit_test(test_hard_victim_killed_after_1s),
      cmocka_unit_test(test_soft_victim_grace),
      cmocka_unit_test(test_victim_deleted_during_kill),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
