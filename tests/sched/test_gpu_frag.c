/* The FGD fragmentation measure (sched/gpu_frag.h, docs/fgd.md section 2):
 * typical pods from a workload (order, ties, the 95% cut, CPU-only pods in
 * or out), node fragmentation per category on hand-made nodes, cluster
 * fragmentation and allocation figures from a real cache, malformed pods,
 * and the real openb default trace against values computed independently
 * (a Python transcription of upstream's frag.go, outside the project). */
#include "tests/sched/plugin_harness.h"

#include <math.h>
#include <stdio.h>

#include "sched/gpu.h"
#include "sched/gpu_frag.h"
#include "sched/pod.h"

/* ---- helpers ---------------------------------------------------------------- */

static KsGpuRequest req(guint count, gint32 milli, const char *model) {
  KsGpuRequest r;
  memset(&r, 0, sizeof r);
  r.count = count;
  r.milli = milli;
  if (model) {
    r.n_models = 1;
    r.models[0] = g_quark_from_string(model);
  }
  return r;
}

static KsGpuTypicalPod shape(gint64 cpu, guint count, gint32 milli, const char *model, gint64 n) {
  KsGpuTypicalPod s;
  memset(&s, 0, sizeof s);
  s.milli_cpu = cpu;
  s.gpu_count = count;
  s.gpu_milli = milli;
  if (model) {
    s.n_models = 1;
    s.models[0] = g_quark_from_string(model);
  }
  s.count = n;
  return s;
}

/* The workload of the builder tests: 5 x (4 CPU, share 500), 3 x (8 CPU, 1
 * GPU), 1 x (2 CPU, no GPU), 1 x (16 CPU, 2 x A100). */
static KsGpuTypicalBuilder *workload(void) {
  KsGpuTypicalBuilder *b = ks_gpu_typical_builder_new();
  KsGpuRequest share = req(1, 500, NULL), one = req(1, 1000, NULL), two = req(2, 1000, "A100");
  for (int i = 0; i < 5; i++)
    ks_gpu_typical_builder_add(b, 4000, &share);
  for (int i = 0; i < 3; i++)
    ks_gpu_typical_builder_add(b, 8000, &one);
  ks_gpu_typical_builder_add(b, 2000, NULL);
  ks_gpu_typical_builder_add(b, 16000, &two);
  return b;
}

/* The typical set of the node tests: the workload above, all kept (cum 10). */
static KsGpuTypicalPods *four_shapes(void) {
  KsGpuTypicalPod s[] = {
      shape(4000, 1, 500, NULL, 5),   /* A */
      shape(8000, 1, 1000, NULL, 3),  /* B */
      shape(2000, 0, 0, NULL, 1),     /* C: CPU only */
      shape(16000, 2, 1000, "A100", 1), /* D */
  };
  return ks_gpu_typical_pods_new(s, G_N_ELEMENTS(s));
}

/* ---- typical pods ----------------------------------------------------------- */

static void test_typical_order_and_cut(void **state) {
  KsGpuTypicalBuilder *b = workload();
  /* threshold 80: 100*cum >= 80*10 after 5 + 3 = 8 pods: A, B. */
  KsGpuTypicalPods *tp = ks_gpu_typical_builder_finish(b, 80, TRUE);
  assert_int_equal(tp->n, 2);
  assert_int_equal(tp->n_shapes, 4);
  assert_int_equal(tp->total, 10);
  assert_int_equal(tp->cum, 8);
  assert_int_equal(tp->pods[0].milli_cpu, 4000);
  assert_int_equal(tp->pods[0].count, 5);
  assert_int_equal(tp->pods[1].milli_cpu, 8000);
  ks_gpu_typical_pods_unref(tp);
  /* threshold 85: one more shape; the two count-1 shapes tie and the
   * larger CPU (16000, the 2 x A100 one) comes first. cum 9. */
  tp = ks_gpu_typical_builder_finish(b, 85, TRUE);
  assert_int_equal(tp->n, 3);
  assert_int_equal(tp->cum, 9);
  assert_int_equal(tp->pods[2].milli_cpu, 16000);
  assert_int_equal(tp->pods[2].gpu_count, 2);
  assert_int_equal(tp->pods[2].models[0], g_quark_from_string("A100"));
  assert_int_equal(tp->cpu_count, 0);
  ks_gpu_typical_pods_unref(tp);
  /* threshold 95: 950 <= 100*cum needs cum 10: all four, CPU-only last. */
  tp = ks_gpu_typical_builder_finish(b, 95, TRUE);
  assert_int_equal(tp->n, 4);
  assert_int_equal(tp->cum, 10);
  assert_int_equal(tp->pods[3].gpu_count, 0);
  assert_int_equal(tp->cpu_count, 1);
  ks_gpu_typical_pods_unref(tp);
  /* CPU-only pods left out: total 9, 95% of 9 = 8.55 -> 5 + 3 + 1 = 9. */
  tp = ks_gpu_typical_builder_finish(b, 95, FALSE);
  assert_int_equal(tp->total, 9);
  assert_int_equal(tp->n, 3);
  assert_int_equal(tp->cum, 9);
  ks_gpu_typical_pods_unref(tp);
  ks_gpu_typical_builder_free(b);
}

/* Equal counts and CPU: larger GPU milli first, then more GPUs, then the
 * model string in reverse byte order ("T4" before "A100" before none). */
static void test_typical_tie_order(void **state) {
  KsGpuTypicalBuilder *b = ks_gpu_typical_builder_new();
  KsGpuRequest r[] = {req(1, 300, NULL), req(1, 700, NULL), req(2, 1000, NULL),
                      req(1, 1000, NULL), req(1, 1000, "A100"), req(1, 1000, "T4")};
  for (guint i = 0; i < G_N_ELEMENTS(r); i++)
    ks_gpu_typical_builder_add(b, 1000, &r[i]);
  KsGpuTypicalPods *tp = ks_gpu_typical_builder_finish(b, 100, TRUE);
  assert_int_equal(tp->n, 6);
  /* milli desc: 1000 (x4: count 2 first, then T4, A100, none), 700, 300 */
  assert_int_equal(tp->pods[0].gpu_count, 2);
  assert_int_equal(tp->pods[1].models[0], g_quark_from_string("T4"));
  assert_int_equal(tp->pods[2].models[0], g_quark_from_string("A100"));
  assert_int_equal(tp->pods[3].n_models, 0);
  assert_int_equal(tp->pods[4].gpu_milli, 700);
  assert_int_equal(tp->pods[5].gpu_milli, 300);
  ks_gpu_typical_pods_unref(tp);
  ks_gpu_typical_builder_free(b);
}

static KsPod *cpu_pod(const char *name, const char *cpu) {
  KsPod *p = ks_pod_new("default", name);
  KsContainer *c = ks_pod_add_container(p, "c", FALSE);
  if (cpu)
    assert_true(ks_resource_list_set_quantity(&c->requests, "cpu", cpu, NULL));
  return p;
}

/* add_pod: the non-zero CPU request (none -> 100m) and the annotations. */
static void test_typical_from_pods(void **state) {
  KsGpuTypicalBuilder *b = ks_gpu_typical_builder_new();
  KsPod *p1 = cpu_pod("p1", NULL), *p2 = cpu_pod("p2", "100m"), *p3 = cpu_pod("p3", "2");
  ks_gpu_pod_set(p3, 1, 250, "V100|T4");
  GError *err = NULL;
  assert_true(ks_gpu_typical_builder_add_pod(b, p1, &err));
  assert_true(ks_gpu_typical_builder_add_pod(b, p2, &err));
  assert_true(ks_gpu_typical_builder_add_pod(b, p3, &err));
  KsGpuTypicalPods *tp = ks_gpu_typical_builder_finish(b, 95, TRUE);
  assert_int_equal(tp->n, 2);
  assert_int_equal(tp->pods[0].count, 2); /* p1 and p2: both 100m, no GPU */
  assert_int_equal(tp->pods[0].milli_cpu, 100);
  assert_int_equal(tp->pods[1].milli_cpu, 2000);
  assert_int_equal(tp->pods[1].gpu_milli, 250);
  assert_int_equal(tp->pods[1].n_models, 2);
  assert_int_equal(tp->pods[1].models[1], g_quark_from_string("T4"));
  ks_gpu_typical_pods_unref(tp);
  ks_pod_unref(p1);
  ks_pod_unref(p2);
  ks_pod_unref(p3);
  ks_gpu_typical_builder_free(b);
}

/* Models no node has yet: the builder keeps them apart (by name) and a node
 * of one of them, known later, matches its shape. Shapes X (1 CPU, 1 x 500 m,
 * model "FragTestModelX") and Y (same, "FragTestModelY"), one pod each.
 * On an idle 1-GPU node of model X with 8 CPU: X fits (q3 1000), Y has no
 * access (1000): cum x F = 1000, F = 500 milli. */
static void test_typical_unknown_models(void **state) {
  assert_int_equal(g_quark_try_string("FragTestModelX"), 0);
  KsGpuTypicalBuilder *b = ks_gpu_typical_builder_new();
  KsPod *px = cpu_pod("px", "1"), *py = cpu_pod("py", "1");
  ks_gpu_pod_set(px, 1, 500, "FragTestModelX");
  ks_gpu_pod_set(py, 1, 500, " FragTestModelY |");
  assert_true(ks_gpu_typical_builder_add_pod(b, px, NULL));
  assert_true(ks_gpu_typical_builder_add_pod(b, py, NULL));
  KsGpuTypicalPods *tp = ks_gpu_typical_builder_finish(b, 100, TRUE);
  assert_int_equal(tp->n, 2);
  assert_int_equal(tp->pods[0].n_models, 1);
  assert_int_equal(tp->pods[1].n_models, 1);
  /* same count, CPU, milli and GPUs: "FragTestModelY" > "FragTestModelX" comes first */
  assert_int_equal(tp->pods[0].models[0], g_quark_try_string("FragTestModelY"));
  assert_int_equal(tp->pods[1].models[0], g_quark_try_string("FragTestModelX"));
  gint32 used[1] = {0};
  KsGpuNodeView v = {.count = 1, .model = g_quark_from_string("FragTestModelX"), .used = used};
  gint64 cat[KS_GPU_FRAG_N];
  assert_int_equal(ks_gpu_frag_node_scaled(tp, 8000, &v, cat), 1000);
  assert_int_equal(cat[KS_GPU_FRAG_Q3_SATISFIED], 1000);
  assert_int_equal(cat[KS_GPU_FRAG_NO_ACCESS], 1000);
  ks_gpu_typical_pods_unref(tp);
  ks_pod_unref(px);
  ks_pod_unref(py);
  ks_gpu_typical_builder_free(b);
}

/* Malformed GPU requests: the builder refuses the pod with the request's
 * error, which names the annotation. */
static void test_typical_bad_pods(void **state) {
  static const struct {
    const char *key, *value, *want;
  } cases[] = {
      {KS_GPU_KEY_MILLI, "abc", KS_GPU_KEY_MILLI},
      {KS_GPU_KEY_MILLI, "1500", KS_GPU_KEY_MILLI},
      {KS_GPU_KEY_COUNT, "-1", KS_GPU_KEY_COUNT},
      {KS_GPU_KEY_COUNT, "2.5", KS_GPU_KEY_COUNT},
  };
  KsGpuTypicalBuilder *b = ks_gpu_typical_builder_new();
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    KsPod *p = cpu_pod("bad", "1");
    ks_labels_set(&p->annotations, cases[i].key, cases[i].value);
    GError *err = NULL;
    assert_false(ks_gpu_typical_builder_add_pod(b, p, &err));
    assert_non_null(err);
    if (!strstr(err->message, cases[i].want))
      fail_msg("case %u: %s lacks %s", i, err->message, cases[i].want);
    g_error_free(err);
    ks_pod_unref(p);
  }
  KsGpuTypicalPods *tp = ks_gpu_typical_builder_finish(b, 95, TRUE);
  assert_int_equal(tp->n, 0);
  assert_int_equal(tp->total, 0);
  ks_gpu_typical_pods_unref(tp);
  ks_gpu_typical_builder_free(b);
}

/* ---- node fragmentation ----------------------------------------------------- */

typedef struct {
  const char *name;
  gint64 cpu_left;
  gint32 free[4];
  guint count;
  const char *model;
  gint64 cat[KS_GPU_FRAG_N]; /* x cum (10) */
  gint64 scaled;
} NodeCase;

/* Shapes A (4 CPU, 500 m), B (8 CPU, 1000 m), C (2 CPU, CPU only),
 * D (16 CPU, 2 x 1000 m A100); counts 5, 3, 1, 1 (cum 10). */
static const NodeCase node_cases[] = {
    /* V100, free [1000, 1000, 300, 600], 10 CPU left; idle 2900.
     * A fits (3 GPUs >= 500), CPU ok: q2 5*300 = 1500, q3 5*2600 = 13000.
     * B fits (2 GPUs >= 1000), CPU ok: q2 3*(300+600) = 2700, q3 3*2000 = 6000.
     * C: xl 1*2900. D: A100 only: no_access 1*2900.
     * frag = 1500 + 2700 + 2900 + 2900 = 10000 -> F = 1000 milli. */
    {"V100 10 CPU", 10000, {1000, 1000, 300, 600}, 4, "V100",
     {0, 4200, 19000, 0, 2900, 0, 2900}, 10000},
    /* Same GPUs, 6 CPU left: B's CPU is short: q4 3*2900 = 8700.
     * frag = 1500 + 8700 + 2900 + 2900 = 16000 -> F = 1600. */
    {"V100 6 CPU", 6000, {1000, 1000, 300, 600}, 4, "V100",
     {0, 1500, 13000, 8700, 2900, 0, 2900}, 16000},
    /* A100, 2 free GPUs, 20 CPU; idle 2000. A, B, D fit with nothing too
     * small: q3 5*2000 + 3*2000 + 1*2000 = 18000. C: xl 2000. F = 200. */
    {"A100 idle", 20000, {1000, 1000}, 2, "A100",
     {0, 0, 18000, 0, 2000, 0, 0}, 2000},
    /* A100, free [1000, 200], 1 CPU left; idle 1200. A and B fit on GPUs
     * but lack CPU: q4 (5+3)*1200 = 9600; C lacks CPU: xr 1200; D lacks both
     * (one free GPU, CPU short): q1 1200. All idle is fragment: F = 1200. */
    {"A100 CPU short", 1000, {1000, 200}, 2, "A100",
     {1200, 0, 0, 9600, 0, 1200, 0}, 12000},
    /* Node without a model: D (A100 only) has no access; the rest as
     * "A100 idle" with 1 GPU: A, B fit; idle 1000: q3 8000, xl 1000, na 1000. */
    {"no model", 50000, {1000}, 1, NULL,
     {0, 0, 8000, 0, 1000, 0, 1000}, 2000},
    /* Overcommitted GPU (free -100 counted as 0) and a full one: idle 0. */
    {"full", 50000, {-100, 0}, 2, "A100", {0, 0, 0, 0, 0, 0, 0}, 0},
};

static void test_node_frag(void **state) {
  KsGpuTypicalPods *tp = four_shapes();
  assert_int_equal(tp->cum, 10);
  for (guint k = 0; k < G_N_ELEMENTS(node_cases); k++) {
    const NodeCase *nc = &node_cases[k];
    gint32 used[4];
    for (guint i = 0; i < nc->count; i++)
      used[i] = KS_GPU_MILLI - nc->free[i];
    KsGpuNodeView v = {.count = nc->count,
                      .model = nc->model ? g_quark_from_string(nc->model) : 0,
                      .used = used};
    gint64 cat[KS_GPU_FRAG_N];
    gint64 s = ks_gpu_frag_node_scaled(tp, nc->cpu_left, &v, cat);
    if (s != nc->scaled)
      fail_msg("%s: scaled %" G_GINT64_FORMAT ", want %" G_GINT64_FORMAT, nc->name, s, nc->scaled);
    for (guint i = 0; i < KS_GPU_FRAG_N; i++)
      if (cat[i] != nc->cat[i])
        fail_msg("%s: %s = %" G_GINT64_FORMAT ", want %" G_GINT64_FORMAT, nc->name,
                 ks_gpu_frag_category_name(i), cat[i], nc->cat[i]);
    assert_true(fabs(ks_gpu_frag_node(tp, nc->cpu_left, &v) - nc->scaled / 10.0) < 1e-9);
    /* without the category split: the same sum */
    assert_int_equal(ks_gpu_frag_node_scaled(tp, nc->cpu_left, &v, NULL), nc->scaled);
  }
  ks_gpu_typical_pods_unref(tp);
}

static void test_category_names(void **state) {
  assert_string_equal(ks_gpu_frag_category_name(KS_GPU_FRAG_Q1_LACK_BOTH), "q1_lack_both");
  assert_string_equal(ks_gpu_frag_category_name(KS_GPU_FRAG_NO_ACCESS), "no_access");
  assert_string_equal(ks_gpu_frag_category_name(KS_GPU_FRAG_N), "unknown");
}

/* ---- cluster ---------------------------------------------------------------------- */

static KsPod *gpu_pod_on(const char *name, const char *cpu, gint32 milli, const char *index) {
  KsPod *p = cpu_pod(name, cpu);
  ks_gpu_pod_set(p, 1, milli, NULL);
  ks_labels_set(&p->annotations, KS_GPU_KEY_INDEX, index);
  return p;
}

/* n1: 4 x V100, 32 CPU; pods 20 CPU on GPU 2 (700 m) and 2 CPU on GPU 3
 * (400 m): free [1000, 1000, 300, 600], 10 CPU left -- node case 1.
 * n3: 2 x A100, 20 CPU, empty -- node case 3. n0: no GPU, 8 CPU.
 * Scaled sums: q2 4200, q3 19000 + 18000, xl 2900 + 2000, na 2900 (/10).
 * idle 4900, frag 1000 + 200 = 1200, ratio 1200/4900 = 24.489796%,
 * q124 420/4900 = 8.571429%. Allocation: 6 GPUs; n1 used (4 GPUs, 1100 m);
 * n3 idle; n0 no GPU and no pod. */
static void test_cluster(void **state) {
  KsGpuTypicalPods *tp = four_shapes();
  KsSchedCache *c = ks_sched_cache_new();
  KsNode *n1 = ks_test_node("n1", "32", "64Gi"), *n3 = ks_test_node("n3", "20", "64Gi");
  KsNode *n0 = ks_test_node("n0", "8", "64Gi");
  ks_gpu_node_set(n1, 4, "V100");
  ks_gpu_node_set(n3, 2, "A100");
  KsNode *nodes[] = {n1, n3, n0};
  for (guint i = 0; i < G_N_ELEMENTS(nodes); i++) {
    ks_sched_cache_set_node(c, nodes[i]);
    ks_node_unref(nodes[i]);
  }
  KsPod *pods[] = {gpu_pod_on("u1", "20", 700, "2"), gpu_pod_on("u2", "2", 400, "3")};
  for (guint i = 0; i < G_N_ELEMENTS(pods); i++) {
    pods[i]->node_name = g_strdup("n1");
    ks_sched_cache_add_pod(c, pods[i], "n1");
    ks_pod_unref(pods[i]);
  }
  KsGpuFragReport r;
  ks_gpu_frag_cluster(tp, c, &r);
  assert_true(fabs(r.category[KS_GPU_FRAG_Q2_LACK_GPU] - 420.0) < 1e-9);
  assert_true(fabs(r.category[KS_GPU_FRAG_Q3_SATISFIED] - 3700.0) < 1e-9);
  assert_true(fabs(r.category[KS_GPU_FRAG_XL_SATISFIED] - 490.0) < 1e-9);
  assert_true(fabs(r.category[KS_GPU_FRAG_NO_ACCESS] - 290.0) < 1e-9);
  assert_true(fabs(r.idle_milli - 4900.0) < 1e-9);
  assert_true(fabs(r.frag_milli - 1200.0) < 1e-9);
  assert_true(fabs(r.frag_ratio_pct - 24.489796) < 1e-6);
  assert_true(fabs(r.q124_ratio_pct - 8.571429) < 1e-6);
  assert_int_equal(r.total_gpus, 6);
  assert_int_equal(r.used_nodes, 1);
  assert_int_equal(r.used_gpus, 4);
  assert_int_equal(r.used_gpu_milli, 1100);
  /* without typical pods: only idle and allocation */
  ks_gpu_frag_cluster(NULL, c, &r);
  assert_true(fabs(r.idle_milli - 4900.0) < 1e-9);
  assert_true(r.frag_milli == 0.0);
  assert_int_equal(r.used_gpu_milli, 1100);
  ks_gpu_typical_pods_unref(tp);
  ks_sched_cache_free(c);
}

/* ---- the real openb default trace ----------------------------------------------- */

static char *openb_csv(const char *file) {
  const char *src = g_getenv("KSIM_SOURCE_DIR");
  if (!src)
    return NULL;
  char *path = g_build_filename(src, "..", "shared", "traces", "alibaba-gpu-v2023", "csv", file, NULL);
  if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
    g_free(path);
    return NULL;
  }
  return path;
}

/* Shapes as the FGD simulator reads the CSV (pod_csv_to_yaml.py): cpu_milli,
 * and when num_gpu != 0 gpu_milli (clamped to 1000), num_gpu, gpu_spec. */
static KsGpuTypicalBuilder *openb_builder(const char *path) {
  char *text = NULL;
  assert_true(g_file_get_contents(path, &text, NULL, NULL));
  char **lines = g_strsplit(text, "\n", -1);
  KsGpuTypicalBuilder *b = ks_gpu_typical_builder_new();
  for (guint i = 1; lines[i]; i++) {
    if (!*lines[i])
      continue;
    char **f = g_strsplit(lines[i], ",", -1);
    assert_true(g_strv_length(f) >= 6);
    gint64 cpu = g_ascii_strtoll(f[1], NULL, 10);
    KsGpuRequest r;
    memset(&r, 0, sizeof r);
    r.count = (guint)g_ascii_strtoull(f[3], NULL, 10);
    if (r.count) {
      r.milli = (gint32)MIN(g_ascii_strtoll(f[4], NULL, 10), 1000);
      char **models = g_strsplit(f[5], "|", -1);
      for (guint m = 0; models[m] && r.n_models < KS_GPU_MAX_MODELS; m++)
        if (*models[m])
          r.models[r.n_models++] = g_quark_from_string(models[m]);
      g_strfreev(models);
    }
    ks_gpu_typical_builder_add(b, cpu ? cpu : 100, &r);
    g_strfreev(f);
  }
  g_strfreev(lines);
  g_free(text);
  return b;
}

/* Expected (independent Python transcription of GetTypicalPods and
 * NodeGpuShareFragAmount over the same CSV): 8,152 pods, 91 shapes, 35
 * typical covering 7,766 pods; the most frequent (3152 m CPU, 1 x 810 m)
 * 1,047 pods; the last kept (4152 m, 1 x 810 m) 31; five CPU-only shapes
 * among them (12500 m: 366, ...). F of an idle 8-GPU V100M16 node with 96
 * CPU: 1087.8186968838527; of free [1000,190,1000,500,0,1000,1000,1000]
 * with 20 CPU: 1330.1931496265772 (V100M16 or T4 alike: no typical pod
 * names a model). */
static void test_openb_default(void **state) {
  char *path = openb_csv("openb_pod_list_default.csv");
  if (!path)
    skip();
  KsGpuTypicalBuilder *b = openb_builder(path);
  KsGpuTypicalPods *tp = ks_gpu_typical_builder_finish(b, 95, TRUE);
  assert_int_equal(tp->total, 8152);
  assert_int_equal(tp->n_shapes, 91);
  assert_int_equal(tp->n, 35);
  assert_int_equal(tp->cum, 7766);
  assert_int_equal(tp->pods[0].milli_cpu, 3152);
  assert_int_equal(tp->pods[0].gpu_milli, 810);
  assert_int_equal(tp->pods[0].count, 1047);
  assert_int_equal(tp->pods[34].milli_cpu, 4152);
  assert_int_equal(tp->pods[34].count, 31);
  assert_int_equal(tp->cpu_count, 366 + 290 + 185 + 120 + 95);
  gint32 used_idle[8] = {0};
  KsGpuNodeView v = {.count = 8, .model = g_quark_from_string("V100M16"), .used = used_idle};
  assert_true(fabs(ks_gpu_frag_node(tp, 96000, &v) - 1087.8186968838527) < 1e-6);
  gint32 used[8] = {0, 810, 0, 500, 1000, 0, 0, 0};
  v.used = used;
  assert_true(fabs(ks_gpu_frag_node(tp, 20000, &v) - 1330.1931496265772) < 1e-6);
  v.model = g_quark_from_string("T4");
  assert_true(fabs(ks_gpu_frag_node(tp, 20000, &v) - 1330.1931496265772) < 1e-6);
  ks_gpu_typical_pods_unref(tp);
  ks_gpu_typical_builder_free(b);
  g_free(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_typical_order_and_cut),
      cmocka_unit_test(test_typical_tie_order),
      cmocka_unit_test(test_typical_from_pods),
      cmocka_unit_test(test_typical_unknown_models),
      cmocka_unit_test(test_typical_bad_pods),
      cmocka_unit_test(test_node_frag),
      cmocka_unit_test(test_category_names),
      cmocka_unit_test(test_cluster),
      cmocka_unit_test(test_openb_default),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
