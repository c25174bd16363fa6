/* The FGD paper's GPU policies (docs/fgd.md section 3): each policy's
 * scores, chosen node and chosen GPU on one small hand-made cluster, worked
 * out by hand from the definitions (the arithmetic is in the comments).
 *
 * The cluster (all V100, 32 CPU allocatable unless said):
 *   n0: 4 GPUs, idle, no pods                   free [1000,1000,1000,1000], CPU left 32000
 *   n1: 4 GPUs, pods 1-gpu (10 CPU) on 0, 1-gpu (10 CPU) on 1, share 700 (4 CPU) on 2
 *                                               free [0, 0, 300, 1000],      CPU left  8000
 *   n2: 2 GPUs, pod share 400 (16 CPU) on 1     free [1000, 600],            CPU left 16000
 * Pods: "share" 4 CPU + 1 x 500 m; "whole" 4 CPU + 1 x 1000 m; "cpu" 4 CPU.
 */
#include "tests/sched/plugin_harness.h"

#include "sched/gpu.h"
#include "sched/gpu_frag.h"
#include "sched/plugins/fgd.h"
#include "sched/plugins/gpu_best_fit.h"
#include "sched/plugins/gpu_clustering.h"
#include "sched/plugins/gpu_dot_product.h"
#include "sched/plugins/gpu_packing.h"
#include "sched/plugins/gpu_policy.h"
#include "sched/plugins/gpu_random.h"
#include "sched/rng.h"
#include "sched/scheduler.h"

/* ---- fixtures ------------------------------------------------------------------ */

static KsPod *mkpod(const char *name, const char *cpu, guint count, gint32 milli) {
  KsPod *p = ks_pod_new("default", name);
  KsContainer *c = ks_pod_add_container(p, "c", FALSE);
  assert_true(ks_resource_list_set_quantity(&c->requests, "cpu", cpu, NULL));
  assert_true(ks_resource_list_set_quantity(&c->requests, "memory", "1Gi", NULL));
  if (count)
    ks_gpu_pod_set(p, count, milli, NULL);
  return p;
}

static void bind_to(KsTestEnv *e, const char *node, const char *name, const char *cpu,
                    gint32 milli, const char *index) {
  KsPod *p = mkpod(name, cpu, 1, milli);
  ks_labels_set(&p->annotations, KS_GPU_KEY_INDEX, index);
  ks_test_env_add_pod(e, p, node);
}

static void cluster(KsTestEnv *e, const KsSchedPluginDesc *desc, gconstpointer args) {
  ks_test_env_init(e, desc, args);
  const char *names[] = {"n0", "n1", "n2"};
  guint gpus[] = {4, 4, 2};
  for (guint i = 0; i < 3; i++) {
    KsNode *n = ks_test_node(names[i], "32", "256Gi");
    ks_gpu_node_set(n, gpus[i], "V100");
    ks_test_env_add_node(e, n);
  }
  bind_to(e, "n1", "u1", "10", 1000, "0");
  bind_to(e, "n1", "u2", "10", 1000, "1");
  bind_to(e, "n1", "u3", "4", 700, "2");
  bind_to(e, "n2", "v1", "16", 400, "1");
}

/* PreFilter + Score + NormalizeScore on every node. */
static void run_scores(KsTestEnv *e, const KsPod *pod, gint64 out[3]) {
  KsSchedStatus st[3];
  assert_int_equal(ks_test_env_filter(e, pod, st, NULL), KS_SCHED_SUCCESS);
  ks_test_env_score(e, pod, NULL, 0, out);
}

/* The GPUs the pod gets when assumed on node i (the policy's chooser, set
 * by PreFilter); the assumption is undone. */
static guint64 gpus_on(KsTestEnv *e, KsPod *pod, guint i) {
  KsSchedStatus st[3];
  assert_int_equal(ks_test_env_filter(e, pod, st, NULL), KS_SCHED_SUCCESS);
  ks_sched_cache_assume_pod(e->cache, pod, e->slots[i]);
  guint64 mask = ks_sched_cache_pod_gpus(e->cache, pod).mask;
  ks_sched_cache_forget_pod(e->cache, pod);
  return mask;
}

static void assert_scores(const char *what, const gint64 got[3], gint64 a, gint64 b, gint64 c) {
  if (got[0] != a || got[1] != b || got[2] != c)
    fail_msg("%s: scores %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
             ", want %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
             what, got[0], got[1], got[2], a, b, c);
}

/* Typical pods A (4 CPU, 1 x 500 m) x5, B (8 CPU, 1 x 1000 m) x3,
 * C (2 CPU, no GPU) x1, D (16 CPU, 2 x 1000 m, A100 only) x1: cum 10. */
static KsGpuTypicalPods *typical(void) {
  KsGpuTypicalPod s[4];
  memset(s, 0, sizeof s);
  s[0] = (KsGpuTypicalPod){.milli_cpu = 4000, .gpu_count = 1, .gpu_milli = 500, .count = 5};
  s[1] = (KsGpuTypicalPod){.milli_cpu = 8000, .gpu_count = 1, .gpu_milli = 1000, .count = 3};
  s[2] = (KsGpuTypicalPod){.milli_cpu = 2000, .count = 1};
  s[3] = (KsGpuTypicalPod){.milli_cpu = 16000, .gpu_count = 2, .gpu_milli = 1000, .count = 1};
  s[3].n_models = 1;
  s[3].models[0] = g_quark_from_string("A100");
  return ks_gpu_typical_pods_new(s, 4);
}

/* ---- FGD ----------------------------------------------------------------------- */

/* 10 x F = 10 I - sum over eligible shapes of count x (free milli on GPUs
 * >= the shape's milli); A eligible with CPU left >= 4000 and a GPU >= 500,
 * B with CPU left >= 8000 and a GPU >= 1000; C and D (A100) never.
 * score = floor(100 sigmoid(delta / 10 / 1000)), delta = 10 (F_before - F_after).
 *
 * share (4 CPU, 500 m):
 *  n0 before 40000 - 5*4000 - 3*4000 = 8000; any GPU -> [500,1000,1000,1000],
 *     CPU 28000: 35000 - 5*3500 - 3*3000 = 8500; delta -500: sigmoid(-0.05) = 0.4875 -> 48
 *  n1 before 13000 - 5*1000 - 3*1000 = 5000; only GPU 3 -> [0,0,300,500], CPU 4000:
 *     8000 - 5*500 (B: CPU short) = 5500; delta -500 -> 48
 *  n2 before 16000 - 5*1600 - 3*1000 = 5000;
 *     GPU 0 -> [500,600], CPU 12000: 11000 - 5*1100 = 5500, delta -500 -> 48
 *     GPU 1 -> [1000,100]:           11000 - 5*1000 - 3*1000 = 3000, delta 2000:
 *     sigmoid(0.2) = 0.5498 -> 54: node n2, GPU 1.
 * whole (4 CPU, 1000 m), the lowest free GPU:
 *  n0 -> [0,1000,1000,1000]: 30000 - 15000 - 9000 = 6000, delta 2000 -> 54
 *  n1 -> [0,0,300,0], CPU 4000: 3000 (no GPU fits A), delta 2000 -> 54
 *  n2 -> [0,600], CPU 12000: 6000 - 5*600 = 3000, delta 2000 -> 54
 * cpu (4 CPU): n0, n2 keep both shapes eligible: delta 0 -> 50; n1 drops to
 *  4000 CPU, B no longer eligible: 13000 - 5000 = 8000, delta -3000:
 *  sigmoid(-0.3) = 0.4256 -> 42. */
static void test_fgd(void **state) {
  KsGpuTypicalPods *tp = typical();
  KsSchedFgdArgs args = {tp};
  KsTestEnv e;
  cluster(&e, &ks_sched_plugin_fgd, &args);
  ks_gpu_typical_pods_unref(tp); /* the plugin holds its own reference */
  gint64 s[3];
  KsPod *share = mkpod("share", "4", 1, 500), *whole = mkpod("whole", "4", 1, 1000);
  KsPod *cpu = mkpod("cpu", "4", 0, 0);
  run_scores(&e, share, s);
  assert_scores("FGD share", s, 48, 48, 54);
  assert_int_equal(gpus_on(&e, share, 2), 1u << 1);
  assert_int_equal(gpus_on(&e, share, 0), 1u << 0); /* all 48: first GPU */
  assert_int_equal(gpus_on(&e, share, 1), 1u << 3);
  run_scores(&e, whole, s);
  assert_scores("FGD whole", s, 54, 54, 54);
  assert_int_equal(gpus_on(&e, whole, 0), 1u << 0);
  assert_int_equal(gpus_on(&e, whole, 1), 1u << 3);
  run_scores(&e, cpu, s);
  assert_scores("FGD cpu", s, 50, 42, 50);
  ks_pod_unref(share);
  ks_pod_unref(whole);
  ks_pod_unref(cpu);
  ks_test_env_clear(&e);
}

/* The exposed scorer gives the same numbers, and the choice it reports. */
static void test_fgd_node_score(void **state) {
  KsGpuTypicalPods *tp = typical();
  KsGpuRequest r;
  memset(&r, 0, sizeof r);
  r.count = 1;
  r.milli = 500;
  gint32 free2[] = {1000, 600};
  KsGpuAssignment a;
  GQuark v100 = g_quark_from_string("V100");
  assert_int_equal(ks_sched_fgd_node_score(tp, 4000, &r, 16000, free2, 2, v100, &a), 54);
  assert_int_equal(a.mask, 1u << 1);
  assert_int_equal(a.milli, 500);
  /* no typical pods: minimum score, no choice */
  assert_int_equal(ks_sched_fgd_node_score(NULL, 4000, &r, 16000, free2, 2, v100, &a), 0);
  assert_int_equal(a.mask, 0);
  ks_gpu_typical_pods_unref(tp);
}

/* Without typical pods Score fails with a message saying how to set them;
 * ks_sched_fgd_set_typical_pods fixes it. */
static void test_fgd_typical_pods_missing(void **state) {
  KsTestEnv e;
  cluster(&e, &ks_sched_plugin_fgd, NULL);
  KsPod *share = mkpod("share", "4", 1, 500);
  KsSchedStatus st[3];
  ks_test_env_filter(&e, share, st, NULL);
  KsSchedStatus sc;
  ks_sched_status_reset(&sc);
  gint64 score = -1;
  e.plugin->desc->score(e.plugin, &e.cs, share, e.cache, e.slots[2], &score, &sc);
  assert_int_equal(sc.code, KS_SCHED_ERROR_CODE);
  assert_non_null(strstr(ks_test_reason(&sc), "typical pods"));
  KsGpuTypicalPods *tp = typical();
  ks_sched_fgd_set_typical_pods(e.plugin, tp);
  ks_gpu_typical_pods_unref(tp);
  gint64 s[3];
  run_scores(&e, share, s);
  assert_scores("FGD after set", s, 48, 48, 54);
  ks_pod_unref(share);
  ks_test_env_clear(&e);
}

/* Score through the plugin (whose memo keeps results per node state and pod
 * shape) on every node of e, each checked against the plain scorer on the
 * node's current state; returns the scores in out[0..n_nodes). */
static void memo_scores(KsTestEnv *e, const KsPod *pod, const KsGpuTypicalPods *tp,
                        gint64 *out) {
  KsSchedStatus st[256];
  assert_int_equal(ks_test_env_filter(e, pod, st, NULL), KS_SCHED_SUCCESS);
  ks_test_env_score(e, pod, NULL, 0, out);
  KsGpuRequest r;
  GError *err = NULL;
  assert_true(ks_gpu_request_from_pod(pod, &r, &err));
  gint64 cpu = 0, mem = 0;
  ks_pod_compute_nonzero_requests(pod, &cpu, &mem);
  for (guint i = 0; i < e->n_nodes; i++) {
    gint64 cpu_left;
    gint32 free[KS_GPU_MAX_PER_NODE];
    guint count;
    GQuark model;
    ks_sched_gpu_node(e->cache, e->slots[i], &cpu_left, free, &count, &model);
    KsGpuAssignment a;
    gint64 want = ks_sched_fgd_node_score(tp, cpu, &r, cpu_left, free, count, model, &a);
    if (out[i] != want)
      fail_msg("%s on node %u: memo %" G_GINT64_FORMAT ", fresh %" G_GINT64_FORMAT,
               pod->name, i, out[i], want);
  }
}

/* The memo never returns a stale result: a node that changed (a pod bound
 * on n2), more shapes than the memo keeps (70 CPU sizes, then the first
 * ones again), new typical pods, and a cache that grows all give the
 * scores computed afresh. Hand-computed after binding 4 CPU + 500 m on
 * n2's GPU 1 (n2 free [1000, 100], CPU left 12000):
 *   share: before 11000 - 5*1000 - 3*1000 = 3000; GPU 0 -> [500,100], CPU
 *   8000: 6000 - 5*500 = 3500, delta -500 -> 48 (was 54 before the bind).
 * Typical pods {A x1}: n0 4000-4000 -> 3500-3500, n1 1300-1000 -> 800-500,
 *   n2 1100-1000 -> 600-500: delta 0 everywhere -> 50. */
static void test_fgd_memo(void **state) {
  KsGpuTypicalPods *tp = typical();
  KsSchedFgdArgs args = {tp};
  KsTestEnv e;
  cluster(&e, &ks_sched_plugin_fgd, &args);
  gint64 s[256];
  KsPod *share = mkpod("share", "4", 1, 500);
  memo_scores(&e, share, tp, s);
  assert_scores("FGD share", s, 48, 48, 54);
  memo_scores(&e, share, tp, s); /* from the memo */
  assert_scores("FGD share again", s, 48, 48, 54);
  bind_to(&e, "n2", "w1", "4", 500, "1");
  memo_scores(&e, share, tp, s);
  assert_scores("FGD share after bind", s, 48, 48, 48);
  assert_int_equal(gpus_on(&e, share, 2), 1u << 0);
  /* more shapes than the memo holds, then the evicted ones again */
  for (guint round = 0; round < 2; round++)
    for (guint i = 0; i < 70; i++) {
      char cpu[16], name[32];
      g_snprintf(cpu, sizeof cpu, "%um", 100 * (i + 1));
      g_snprintf(name, sizeof name, "p%u-%u", round, i);
      KsPod *p = mkpod(name, cpu, i % 3 ? 1 : 0, i % 3 == 1 ? 1000 : 300);
      memo_scores(&e, p, tp, s);
      ks_pod_unref(p);
    }
  /* other typical pods: the memo is dropped */
  KsGpuTypicalPod a1 = {.milli_cpu = 4000, .gpu_count = 1, .gpu_milli = 500, .count = 1};
  KsGpuTypicalPods *tp1 = ks_gpu_typical_pods_new(&a1, 1);
  ks_sched_fgd_set_typical_pods(e.plugin, tp1);
  memo_scores(&e, share, tp1, s);
  assert_scores("FGD share, typical {A}", s, 50, 50, 50);
  /* the cache grows past its capacity: every node still scored right */
  guint cap = e.cache->cap;
  for (guint i = 0; e.cache->cap == cap && i < 200; i++) {
    char name[16];
    g_snprintf(name, sizeof name, "m%u", i);
    KsNode *n = ks_test_node(name, "32", "256Gi");
    ks_gpu_node_set(n, 1 + i % 8, "V100");
    ks_test_env_add_node(&e, n);
  }
  assert_true(e.cache->cap > cap);
  memo_scores(&e, share, tp1, s);
  memo_scores(&e, share, tp1, s);
  ks_gpu_typical_pods_unref(tp1);
  ks_gpu_typical_pods_unref(tp);
  ks_pod_unref(share);
  ks_test_env_clear(&e);
}

/* ---- GpuBestFit ---------------------------------------------------------------- */

/* raw = trunc(100 (1 - [(cpu_left - c)/128000/2 + (free - k m)/8000/2])):
 * share: n0 (28000/256000 = 0.109375) + (3500/16000 = 0.21875) -> 67.19 -> 67
 *        n1 (4000/256000 = 0.015625) + (800/16000 = 0.05)     -> 93.44 -> 93
 *        n2 (12000/256000 = 0.046875) + (1100/16000 = 0.06875) -> 88.44 -> 88
 *   min-max: (s - 67) * 100 / 26 -> 0, 100, 2100/26 = 80. Node n1; its only
 *   GPU with 500 free is GPU 3. On n2 best fit takes GPU 1 (600 < 1000).
 * cpu:   n0 0.109375 + 4000/16000 = 0.359375 -> 64; n1 0.015625 + 0.08125
 *        -> 90; n2 0.046875 + 0.1 -> 85; (s - 64) * 100 / 26 -> 0, 100, 80. */
static void test_gpu_best_fit(void **state) {
  KsTestEnv e;
  cluster(&e, &ks_sched_plugin_gpu_best_fit, NULL);
  gint64 s[3];
  KsPod *share = mkpod("share", "4", 1, 500), *cpu = mkpod("cpu", "4", 0, 0);
  run_scores(&e, share, s);
  assert_scores("GpuBestFit share", s, 0, 100, 80);
  assert_int_equal(gpus_on(&e, share, 1), 1u << 3);
  assert_int_equal(gpus_on(&e, share, 2), 1u << 1);
  run_scores(&e, cpu, s);
  assert_scores("GpuBestFit cpu", s, 0, 100, 80);
  ks_pod_unref(share);
  ks_pod_unref(cpu);
  ks_test_env_clear(&e);
}

/* ---- GpuPacking ---------------------------------------------------------------- */

/* share: n0 idle (4 of 4 free): max(33 - 4, 4) = 29; n1 ascending free
 *   [0,0,300,1000]: the first with >= 500 is GPU 3, fully free: max(50 - 1, 33) = 49;
 *   n2 ascending [600 (GPU 1), 1000]: GPU 1, partly used:
 *   max(100 - (600*100/1000)/10, 50) = 94. Node n2, GPU 1 (best fit).
 * whole: n0 29; n1 GPU 3 free: 49; n2 GPU 0 free: 49.
 * cpu: 0 everywhere. */
static void test_gpu_packing(void **state) {
  KsTestEnv e;
  cluster(&e, &ks_sched_plugin_gpu_packing, NULL);
  gint64 s[3];
  KsPod *share = mkpod("share", "4", 1, 500), *whole = mkpod("whole", "4", 1, 1000);
  KsPod *cpu = mkpod("cpu", "4", 0, 0);
  run_scores(&e, share, s);
  assert_scores("GpuPacking share", s, 29, 49, 94);
  assert_int_equal(gpus_on(&e, share, 2), 1u << 1);
  run_scores(&e, whole, s);
  assert_scores("GpuPacking whole", s, 29, 49, 49);
  assert_int_equal(gpus_on(&e, whole, 2), 1u << 0);
  run_scores(&e, cpu, s);
  assert_scores("GpuPacking cpu", s, 0, 0, 0);
  ks_pod_unref(share);
  ks_pod_unref(whole);
  ks_pod_unref(cpu);
  ks_test_env_clear(&e);
}

/* A node with 8 idle GPUs takes max(33 - 8, 8) = 25; with 2 idle GPUs 31. */
static void test_gpu_packing_idle_sizes(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_gpu_packing, NULL);
  KsNode *a = ks_test_node("a", "32", "64Gi"), *b = ks_test_node("b", "32", "64Gi");
  ks_gpu_node_set(a, 8, "V100");
  ks_gpu_node_set(b, 2, "V100");
  ks_test_env_add_node(&e, a);
  ks_test_env_add_node(&e, b);
  KsPod *share = mkpod("share", "1", 1, 100);
  KsSchedStatus st[2];
  gint64 s[2];
  ks_test_env_filter(&e, share, st, NULL);
  ks_test_env_score(&e, share, NULL, 0, s);
  assert_int_equal(s[0], 25);
  assert_int_equal(s[1], 31);
  ks_pod_unref(share);
  ks_test_env_clear(&e);
}

/* ---- GpuClustering ---------------------------------------------------------------- */

/* fill = 25 * (8000 - free) / 8000: n0 25*4000/8000 = 12 (12.5); n1
 * 25*6700/8000 = 20 (20.94); n2 25*6400/8000 = 20.
 * Tags: n0 none; n1 1-gpu, 1-gpu, share; n2 share.
 * share: n0 no tag 12 + 25 = 37; n1 share and others 20 + 50 = 70; n2 only
 *   share 20 + 75 = 95. Node n2, GPU 1 (best fit).
 * whole (1-gpu): n0 37; n1 1-gpu and others 70; n2 only other tags 20 + 0 = 20.
 *   Node n1, GPU 3 (its only free GPU).
 * cpu: 0. */
static void test_gpu_clustering(void **state) {
  KsTestEnv e;
  cluster(&e, &ks_sched_plugin_gpu_clustering, NULL);
  gint64 s[3];
  KsPod *share = mkpod("share", "4", 1, 500), *whole = mkpod("whole", "4", 1, 1000);
  KsPod *cpu = mkpod("cpu", "4", 0, 0);
  run_scores(&e, share, s);
  assert_scores("GpuClustering share", s, 37, 70, 95);
  assert_int_equal(gpus_on(&e, share, 2), 1u << 1);
  run_scores(&e, whole, s);
  assert_scores("GpuClustering whole", s, 37, 70, 20);
  assert_int_equal(gpus_on(&e, whole, 1), 1u << 3);
  run_scores(&e, cpu, s);
  assert_scores("GpuClustering cpu", s, 0, 0, 0);
  ks_pod_unref(share);
  ks_pod_unref(whole);
  ks_pod_unref(cpu);
  ks_test_env_clear(&e);
}

/* ---- GpuDotProduct -------------------------------------------------------------- */

/* node (cpu_left/128000, free/8000) . pod (c/128000, k m/8000) / 2:
 * 8 CPU + 500 m, pod (0.0625, 0.0625):
 *   n0 (0.25, 0.5):    (0.015625 + 0.03125) / 2 = 0.0234375 -> 97.66 -> 97
 *   n1 (0.0625, 0.1625): (0.00390625 + 0.01015625) / 2 = 0.00703125 -> 99.30 -> 99
 *   n2 (0.125, 0.2):   (0.0078125 + 0.0125) / 2 = 0.01015625 -> 98.98 -> 98
 *   Node n1, GPU 3.
 * 10 CPU + 500 m, pod (0.078125, 0.0625): n1 has 8000 < 10000 CPU: 0;
 *   n0 (0.01953125 + 0.03125) / 2 = 0.025390625 -> 97;
 *   n2 (0.009765625 + 0.0125) / 2 = 0.0111328125 -> 98. */
static void test_gpu_dot_product(void **state) {
  KsTestEnv e;
  cluster(&e, &ks_sched_plugin_gpu_dot_product, NULL);
  gint64 s[3];
  KsPod *p8 = mkpod("p8", "8", 1, 500), *p10 = mkpod("p10", "10", 1, 500);
  run_scores(&e, p8, s);
  assert_scores("GpuDotProduct 8 CPU", s, 97, 99, 98);
  assert_int_equal(gpus_on(&e, p8, 1), 1u << 3);
  run_scores(&e, p10, s);
  assert_scores("GpuDotProduct 10 CPU", s, 97, 0, 98);
  assert_int_equal(gpus_on(&e, p10, 2), 1u << 1);
  ks_pod_unref(p8);
  ks_pod_unref(p10);
  ks_test_env_clear(&e);
}

/* ---- GpuRandom ---------------------------------------------------------------- */

/* One node scores 100, the others 0; over 600 cycles each of the 3 nodes
 * is drawn 200 times on average (bounds 140..260, > 5 sd). A share pod on
 * n0 (4 GPUs with room) lands on each GPU ~150 of 600 times (100..200); on
 * n1 only GPU 3 has room. The same seed gives the same draws. */
static void test_gpu_random(void **state) {
  KsSchedGpuRandomArgs args = {42};
  KsTestEnv e;
  cluster(&e, &ks_sched_plugin_gpu_random, &args);
  KsPod *share = mkpod("share", "4", 1, 500);
  guint nodes[3] = {0}, gpus[4] = {0};
  GString *trace = g_string_new(NULL);
  for (int k = 0; k < 600; k++) {
    gint64 s[3];
    run_scores(&e, share, s);
    guint hits = 0;
    for (guint i = 0; i < 3; i++) {
      assert_true(s[i] == 0 || s[i] == 100);
      if (s[i] == 100) {
        hits++;
        nodes[i]++;
        g_string_append_c(trace, (char)('0' + i));
      }
    }
    assert_int_equal(hits, 1);
    guint64 m = gpus_on(&e, share, 0);
    assert_int_equal(__builtin_popcountll(m), 1);
    gpus[__builtin_ctzll(m)]++;
    assert_int_equal(gpus_on(&e, share, 1), 1u << 3);
  }
  for (guint i = 0; i < 3; i++)
    if (nodes[i] < 140 || nodes[i] > 260)
      fail_msg("node %u drawn %u times of 600", i, nodes[i]);
  for (guint i = 0; i < 4; i++)
    if (gpus[i] < 100 || gpus[i] > 200)
      fail_msg("GPU %u drawn %u times of 600", i, gpus[i]);
  ks_test_env_clear(&e);
  /* same seed, same node draws (the GPU draws interleave identically too) */
  cluster(&e, &ks_sched_plugin_gpu_random, &args);
  for (int k = 0; k < 600; k++) {
    gint64 s[3];
    run_scores(&e, share, s);
    guint i = s[0] == 100 ? 0 : s[1] == 100 ? 1 : 2;
    assert_int_equal('0' + i, trace->str[k]);
    gpus_on(&e, share, 0);
    gpus_on(&e, share, 1);
  }
  g_string_free(trace, TRUE);
  ks_pod_unref(share);
  ks_test_env_clear(&e);
}

/* ---- common --------------------------------------------------------------------- */

/* Every policy refuses a malformed GPU request at PreFilter. */
static void test_bad_request(void **state) {
  const KsSchedPluginDesc *descs[] = {&ks_sched_plugin_fgd, &ks_sched_plugin_gpu_best_fit,
                                      &ks_sched_plugin_gpu_packing, &ks_sched_plugin_gpu_clustering,
                                      &ks_sched_plugin_gpu_dot_product, &ks_sched_plugin_gpu_random};
  for (guint d = 0; d < G_N_ELEMENTS(descs); d++) {
    KsTestEnv e;
    cluster(&e, descs[d], NULL);
    KsPod *bad = mkpod("bad", "1", 0, 0);
    ks_labels_set(&bad->annotations, KS_GPU_KEY_MILLI, "2000");
    KsSchedStatus st[3];
    assert_int_equal(ks_test_env_filter(&e, bad, st, NULL),
                     KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE);
    assert_string_equal(ks_test_reason(&st[0]), "invalid GPU request");
    ks_pod_unref(bad);
    ks_test_env_clear(&e);
  }
}

/* ---- the paper's experiment on the real trace ------------------------------------ */

/* One CSV row of the openb node or pod list (the columns used here). */
typedef struct {
  char *name, *model, *spec;
  gint64 cpu, mem;
  guint gpus;
  gint32 milli;
} OpenbRow;

static void openb_row_free(gpointer p) {
  OpenbRow *r = p;
  g_free(r->name);
  g_free(r->model);
  g_free(r->spec);
  g_free(r);
}

/* nodes: sn,cpu_milli,memory_mib,gpu,model; pods:
 * name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,... transfer full */
static GPtrArray *openb_read(const char *file, gboolean nodes) {
  const char *src = g_getenv("KSIM_SOURCE_DIR");
  char *path = src ? g_build_filename(src, "..", "shared", "traces", "alibaba-gpu-v2023", "csv",
                                      file, NULL)
                   : NULL;
  char *text = NULL;
  if (!path || !g_file_get_contents(path, &text, NULL, NULL)) {
    g_free(path);
    return NULL;
  }
  GPtrArray *rows = g_ptr_array_new_with_free_func(openb_row_free);
  char **lines = g_strsplit(text, "\n", -1);
  for (guint i = 1; lines[i]; i++) {
    char **f = g_strsplit(lines[i], ",", -1);
    if (g_strv_length(f) >= 5) {
      OpenbRow *r = g_new0(OpenbRow, 1);
      r->name = g_strdup(f[0]);
      r->cpu = g_ascii_strtoll(f[1], NULL, 10);
      r->mem = g_ascii_strtoll(f[2], NULL, 10);
      r->gpus = (guint)g_ascii_strtoull(f[3], NULL, 10);
      if (nodes)
        r->model = g_strdup(f[4]);
      else if (r->gpus)
        r->milli = (gint32)MIN(g_ascii_strtoll(f[4], NULL, 10), 1000);
      if (!nodes && r->gpus && f[5] && *f[5])
        r->spec = g_strdup(f[5]);
      g_ptr_array_add(rows, r);
    }
    g_strfreev(f);
  }
  g_strfreev(lines);
  g_free(text);
  g_free(path);
  return rows;
}

/* The pod of a row, as pod_csv_to_yaml.py writes it. transfer full */
static KsPod *openb_pod(const OpenbRow *r, guint k) {
  char *name = g_strdup_printf("%s-%u", r->name, k);
  KsPod *p = ks_pod_new("default", name);
  g_free(name);
  KsContainer *c = ks_pod_add_container(p, "c", FALSE);
  ks_resource_list_set(&c->requests, "cpu", r->cpu);
  ks_resource_list_set(&c->requests, "memory", r->mem * 1024 * 1024);
  if (r->gpus)
    ks_gpu_pod_set(p, r->gpus, r->milli, r->spec);
  return p;
}

static void shuffle(guint *v, guint n, KsRng *rng) {
  for (guint i = n; i > 1; i--) {
    guint j = (guint)ks_rng_below(rng, i), t = v[i - 1];
    v[i - 1] = v[j];
    v[j] = t;
  }
}

/* Pod order (docs/fgd.md 4.2-4.3): the trace shuffled, then resampled with
 * replacement until the GPU demand would pass 1.3 x capacity. *n_out pods. */
static guint *openb_order(const GPtrArray *pods, gint64 capacity, KsRng *rng, guint *n_out) {
  guint n = pods->len, m = n;
  GArray *order = g_array_sized_new(FALSE, FALSE, sizeof(guint), n + n / 2);
  gint64 demand = 0;
  for (guint i = 0; i < n; i++) {
    g_array_append_val(order, i);
    const OpenbRow *r = pods->pdata[i];
    demand += (gint64)r->gpus * r->milli;
  }
  shuffle((guint *)(void *)order->data, n, rng);
  for (;;) {
    guint i = (guint)ks_rng_below(rng, n);
    const OpenbRow *r = pods->pdata[i];
    if ((double)(demand + r->milli) > 1.3 * (double)capacity)
      break;
    demand += (gint64)r->gpus * r->milli;
    g_array_append_val(order, i);
    m++;
  }
  *n_out = m;
  return (guint *)(void *)g_array_free(order, FALSE);
}

/* Unallocated GPU share (%) when the arrived GPU demand first reaches the
 * capacity, for one policy and seed: a filter-only NodeResourcesFit,
 * GpuShare, the policy (weight 1000) and FirstFit (weight 1) over the
 * nodes added in a seeded permutation (ties: first in that order, docs/fgd.md
 * 4.4.1); failed pods are dropped, never retried. */
static double openb_unalloc_at_100(const GPtrArray *nodes, const GPtrArray *pods,
                                   const char *policy, guint64 seed) {
  KsGpuTypicalBuilder *b = ks_gpu_typical_builder_new();
  for (guint i = 0; i < pods->len; i++) {
    KsPod *p = openb_pod(pods->pdata[i], i);
    assert_true(ks_gpu_typical_builder_add_pod(b, p, NULL));
    ks_pod_unref(p);
  }
  KsGpuTypicalPods *tp = ks_gpu_typical_builder_finish(b, 95, TRUE);
  ks_gpu_typical_builder_free(b);
  KsSchedRegistry *reg = ks_sched_registry_new();
  KsSchedPluginDesc fit = *ks_sched_registry_lookup(reg, "NodeResourcesFit");
  fit.name = "NodeResourcesFitFilterOnly";
  fit.pre_score = NULL;
  fit.score = NULL;
  fit.normalize_score = NULL;
  assert_true(ks_sched_registry_add(reg, &fit, NULL));
  KsSchedFgdArgs fa = {tp};
  KsSchedGpuRandomArgs ra = {seed};
  gconstpointer args = !strcmp(policy, "FGD") ? (gconstpointer)&fa
                       : !strcmp(policy, "GpuRandom") ? (gconstpointer)&ra
                                                      : NULL;
  KsSchedPluginConfig pc[] = {{"PrioritySort", 0, NULL},   {fit.name, 0, NULL},
                              {"GpuShare", 0, NULL},       {policy, 1000, args},
                              {"DefaultBinder", 0, NULL}, {"FirstFit", 1, NULL}};
  GError *err = NULL;
  KsSchedFramework *fw = ks_sched_framework_new(reg, "fgd", pc, G_N_ELEMENTS(pc), &err);
  if (!fw)
    fail_msg("%s", err->message);
  KsSchedConfig cfg;
  ks_sched_config_init_defaults(&cfg);
  cfg.seed = seed;
  cfg.percentage_of_nodes_to_score = 100;
  KsScheduler *s = ks_sched_new_with_profile(&cfg, fw, &err);
  assert_non_null(s);
  KsRng rng;
  ks_rng_init(&rng, seed, "test/fgd-node-order");
  guint *perm = g_new(guint, nodes->len);
  gint64 capacity = 0;
  for (guint i = 0; i < nodes->len; i++)
    perm[i] = i;
  shuffle(perm, nodes->len, &rng);
  for (guint k = 0; k < nodes->len; k++) {
    const OpenbRow *r = nodes->pdata[perm[k]];
    KsNode *n = ks_node_new(r->name);
    ks_resource_list_set(&n->allocatable, "cpu", r->cpu);
    ks_resource_list_set(&n->allocatable, "memory", r->mem * 1024 * 1024);
    ks_resource_list_set(&n->allocatable, "pods", 110);
    ks_resource_list_copy(&n->capacity, &n->allocatable);
    ks_gpu_node_set(n, r->gpus, r->model);
    capacity += (gint64)r->gpus * KS_GPU_MILLI;
    ks_sched_add_node(s, n, 0);
    ks_node_unref(n);
  }
  ks_rng_init(&rng, seed, "test/fgd-pod-order");
  guint m;
  guint *order = openb_order(pods, capacity, &rng, &m);
  gint64 arrived = 0;
  double unalloc = -1;
  for (guint k = 0; k < m && unalloc < 0; k++) {
    const OpenbRow *r = pods->pdata[order[k]];
    KsPod *p = openb_pod(r, k);
    arrived += (gint64)r->gpus * r->milli;
    KsSchedResult res;
    ks_sched_add_pending_pod(s, p, 0);
    ks_sched_schedule_one(s, 0, &res);
    if (res.kind == KS_SCHED_RESULT_SCHEDULED) {
      KsGpuAssignment g = ks_sched_cache_pod_gpus(ks_sched_cache(s), p);
      ks_sched_bind_done(s, p, TRUE, 0);
      KsPod *bp = ks_pod_copy(p);
      bp->node_name = g_strdup(res.node);
      if (g.mask) {
        char *idx = ks_gpu_index_format(g.mask);
        ks_labels_set(&bp->annotations, KS_GPU_KEY_INDEX, idx);
        g_free(idx);
      }
      ks_sched_add_assigned_pod(s, bp, res.node, 0);
      ks_pod_unref(bp);
    } else {
      ks_sched_remove_pod(s, p, 0);
    }
    ks_pod_unref(p);
    if (arrived >= capacity) {
      KsGpuFragReport rep;
      ks_gpu_frag_cluster(NULL, ks_sched_cache(s), &rep);
      unalloc = 100.0 - 100.0 * (double)rep.used_gpu_milli / (double)capacity;
    }
  }
  g_free(order);
  g_free(perm);
  ks_sched_free(s);
  ks_sched_registry_free(reg);
  ks_gpu_typical_pods_unref(tp);
  return unalloc;
}

/* The paper (default trace, mean of 10 seeds): FGD 4.8%, BestFit 7.1%,
 * Random 13.7% unallocated at 100% arrived workload. One seed must land
 * within 1 point of each, in that order. */
static void test_openb_paper_order(void **state) {
  GPtrArray *nodes = openb_read("openb_node_list_gpu_node.csv", TRUE);
  GPtrArray *pods = openb_read("openb_pod_list_default.csv", FALSE);
  if (!nodes || !pods) {
    if (nodes)
      g_ptr_array_unref(nodes);
    if (pods)
      g_ptr_array_unref(pods);
    skip();
  }
  assert_int_equal(nodes->len, 1213);
  assert_int_equal(pods->len, 8152);
  static const struct {
    const char *policy;
    double paper;
  } want[] = {{"FGD", 4.8}, {"GpuBestFit", 7.1}, {"GpuRandom", 13.7}};
  double got[G_N_ELEMENTS(want)];
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    got[i] = openb_unalloc_at_100(nodes, pods, want[i].policy, 42);
    print_message("%s: %.2f%% unallocated at 100%% arrived (paper %.1f%%)\n", want[i].policy,
                  got[i], want[i].paper);
    if (got[i] < want[i].paper - 1.0 || got[i] > want[i].paper + 1.0)
      fail_msg("%s: %.2f%% unallocated at 100%%, paper %.1f%%", want[i].policy, got[i],
               want[i].paper);
    if (i > 0 && got[i] <= got[i - 1])
      fail_msg("%s (%.2f%%) not above %s (%.2f%%)", want[i].policy, got[i], want[i - 1].policy,
               got[i - 1]);
  }
  g_ptr_array_unref(nodes);
  g_ptr_array_unref(pods);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fgd),
      cmocka_unit_test(test_fgd_node_score),
      cmocka_unit_test(test_fgd_typical_pods_missing),
      cmocka_unit_test(test_fgd_memo),
      cmocka_unit_test(test_gpu_best_fit),
      cmocka_unit_test(test_gpu_packing),
      cmocka_unit_test(test_gpu_packing_idle_sizes),
      cmocka_unit_test(test_gpu_clustering),
      cmocka_unit_test(test_gpu_dot_product),
      cmocka_unit_test(test_gpu_random),
      cmocka_unit_test(test_bad_request),
      cmocka_unit_test(test_openb_paper_order),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
