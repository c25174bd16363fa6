/* The GPU sharing model (sched/gpu.h) and the cache's per-GPU accounting:
 * reading nodes and pods in both representations (the FGD simulator's
 * alibabacloud.com keys and plain nvidia.com/gpu), bad values and their
 * messages, the fit test and the best-fit choice on hand-made nodes, the
 * gpu-index annotation, and the cache's used milli through add, assume,
 * forget, remove, node changes and the policy hook. Expected values are
 * worked out by hand in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sched/cache.h"
#include "sched/gpu.h"
#include "sched/objects.h"

/* ---- helpers --------------------------------------------------------------------------- */

static KsNode *fgd_node(const char *name, guint count, const char *model) {
  KsNode *n = ks_node_new(name);
  ks_resource_list_set(&n->allocatable, "pods", 110);
  ks_gpu_node_set(n, count, model);
  return n;
}

/* A pod with annotations given as key, value pairs, NULL-terminated. */
static KsPod *ann_pod(const char *name, ...) {
  KsPod *p = ks_pod_new("default", name);
  KsContainer c = {0};
  c.name = g_strdup("main");
  ks_resource_list_init(&c.requests);
  ks_resource_list_init(&c.limits);
  g_array_append_val(p->containers, c);
  va_list ap;
  va_start(ap, name);
  for (const char *k; (k = va_arg(ap, const char *));)
    ks_labels_set(&p->annotations, k, va_arg(ap, const char *));
  va_end(ap);
  return p;
}

static KsGpuRequest request_ok(const KsPod *p) {
  KsGpuRequest r;
  GError *e = NULL;
  if (!ks_gpu_request_from_pod(p, &r, &e))
    fail_msg("unexpected error: %s", e->message);
  return r;
}

static KsGpuNodeView view_of(gint32 *used, guint count, const char *model) {
  KsGpuNodeView v = {count, model ? g_quark_from_string(model) : 0, used};
  return v;
}

static KsGpuRequest share(gint32 milli) {
  KsGpuRequest r;
  memset(&r, 0, sizeof r);
  r.count = 1;
  r.milli = milli;
  return r;
}

static KsGpuRequest whole(guint count) {
  KsGpuRequest r = share(KS_GPU_MILLI);
  r.count = count;
  return r;
}

/* ---- nodes ----------------------------------------------------------------------------- */

static void test_node_fgd_yaml_keys(void **state) {
  /* example/test-cluster/node/pai-node-00.yaml of the FGD simulator */
  KsNode *n = ks_node_new("pai-node-00");
  ks_resource_list_set(&n->allocatable, KS_GPU_KEY_COUNT, 2);
  ks_resource_list_set(&n->allocatable, KS_GPU_KEY_MILLI, 2000);
  ks_labels_set(&n->labels, KS_GPU_KEY_MODEL, "V100");
  KsGpuNodeSpec s;
  assert_true(ks_gpu_node_spec(n, &s, NULL));
  assert_int_equal(s.count, 2);
  assert_int_equal(s.model, g_quark_from_string("V100"));
  ks_node_unref(n);
}

static void test_node_nvidia_keys(void **state) {
  KsNode *n = ks_node_new("n");
  ks_resource_list_set(&n->allocatable, KS_GPU_RESOURCE_NVIDIA, 4);
  ks_labels_set(&n->labels, KS_GPU_LABEL_NVIDIA_PRODUCT, "Tesla-T4");
  KsGpuNodeSpec s;
  assert_true(ks_gpu_node_spec(n, &s, NULL));
  assert_int_equal(s.count, 4);
  assert_int_equal(s.model, g_quark_from_string("Tesla-T4"));
  ks_node_unref(n);
}

static void test_node_alibaba_wins(void **state) {
  KsNode *n = ks_node_new("n");
  ks_resource_list_set(&n->allocatable, KS_GPU_RESOURCE_NVIDIA, 8);
  ks_labels_set(&n->labels, KS_GPU_LABEL_NVIDIA_PRODUCT, "Tesla-T4");
  ks_resource_list_set(&n->allocatable, KS_GPU_KEY_COUNT, 2);
  ks_labels_set(&n->labels, KS_GPU_KEY_MODEL, "A100");
  KsGpuNodeSpec s;
  assert_true(ks_gpu_node_spec(n, &s, NULL));
  assert_int_equal(s.count, 2);
  assert_int_equal(s.model, g_quark_from_string("A100"));
  ks_node_unref(n);
}

static void test_node_without_gpus(void **state) {
  KsNode *n = ks_node_new("cpu-only");
  ks_resource_list_set(&n->allocatable, "cpu", 4000);
  KsGpuNodeSpec s = {7, 7};
  assert_true(ks_gpu_node_spec(n, &s, NULL));
  assert_int_equal(s.count, 0);
  assert_int_equal(s.model, 0);
  ks_node_unref(n);
}

static void test_node_bad_count(void **state) {
  KsNode *n = ks_node_new("big");
  ks_resource_list_set(&n->allocatable, KS_GPU_KEY_COUNT, 65);
  KsGpuNodeSpec s;
  GError *e = NULL;
  assert_false(ks_gpu_node_spec(n, &s, &e));
  assert_string_equal(e->message,
                      "node big: status.allocatable[alibabacloud.com/gpu-count]: 65 GPUs is out "
                      "of range 0..64");
  g_error_free(e);
  ks_node_unref(n);
}

static void test_node_set(void **state) {
  KsNode *n = fgd_node("n", 8, "V100M32");
  assert_int_equal(ks_resource_list_get(&n->capacity, KS_GPU_KEY_COUNT), 8);
  assert_int_equal(ks_resource_list_get(&n->allocatable, KS_GPU_KEY_MILLI), 8000);
  assert_string_equal(ks_labels_get(&n->labels, KS_GPU_KEY_MODEL), "V100M32");
  ks_gpu_node_set(n, 0, NULL);
  KsGpuNodeSpec s;
  assert_true(ks_gpu_node_spec(n, &s, NULL));
  assert_int_equal(s.count, 0);
  assert_null(ks_labels_get(&n->labels, KS_GPU_KEY_MODEL));
  ks_node_unref(n);
}

/* ---- pods ------------------------------------------------------------------------------ */

static void test_pod_share(void **state) {
  /* example/test-cluster/pod/gpu-pod-00.yaml: milli "500", count "1" */
  KsPod *p = ann_pod("gpu-pod-00", KS_GPU_KEY_MILLI, "500", KS_GPU_KEY_COUNT, "1", NULL);
  KsGpuRequest r = request_ok(p);
  assert_int_equal(r.count, 1);
  assert_int_equal(r.milli, 500);
  assert_int_equal(r.n_models, 0);
  assert_int_equal(r.pinned, 0);
  assert_int_equal(ks_gpu_request_total(&r), 500);
  ks_pod_unref(p);
}

static void test_pod_whole_and_defaults(void **state) {
  KsPod *p = ann_pod("a", KS_GPU_KEY_MILLI, "1000", KS_GPU_KEY_COUNT, "2", NULL);
  KsGpuRequest r = request_ok(p);
  assert_int_equal(r.count, 2);
  assert_int_equal(r.milli, 1000);
  assert_int_equal(ks_gpu_request_total(&r), 2000);
  ks_pod_unref(p);
  p = ann_pod("b", KS_GPU_KEY_COUNT, "4", NULL); /* count alone: whole GPUs */
  r = request_ok(p);
  assert_int_equal(r.count, 4);
  assert_int_equal(r.milli, 1000);
  ks_pod_unref(p);
  p = ann_pod("c", KS_GPU_KEY_MILLI, "300", NULL); /* milli alone: one GPU */
  r = request_ok(p);
  assert_int_equal(r.count, 1);
  assert_int_equal(r.milli, 300);
  ks_pod_unref(p);
}

static void test_pod_no_gpu(void **state) {
  const char *cases[][2] = {{KS_GPU_KEY_COUNT, "0"}, {KS_GPU_KEY_MILLI, "0"}, {"other", "1"}};
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    KsPod *p = ann_pod("p", cases[i][0], cases[i][1], NULL);
    KsGpuRequest r = request_ok(p);
    assert_int_equal(r.count, 0);
    assert_int_equal(r.milli, 0);
    ks_pod_unref(p);
  }
}

static void test_pod_models(void **state) {
  /* models are interned by the nodes that declare them */
  g_quark_from_string("V100M16");
  g_quark_from_string("V100M32");
  g_quark_from_string("A100");
  KsPod *p = ann_pod("p", KS_GPU_KEY_MILLI, "1000", KS_GPU_KEY_COUNT, "1", KS_GPU_KEY_MODEL,
                     "V100M16|V100M32", NULL);
  KsGpuRequest r = request_ok(p);
  assert_int_equal(r.n_models, 2);
  assert_true(ks_gpu_model_allowed(&r, g_quark_from_string("V100M32")));
  assert_true(ks_gpu_model_allowed(&r, g_quark_from_string("V100M16")));
  assert_false(ks_gpu_model_allowed(&r, g_quark_from_string("A100")));
  assert_false(ks_gpu_model_allowed(&r, 0));
  ks_pod_unref(p);
  p = ann_pod("q", KS_GPU_KEY_COUNT, "1", KS_GPU_KEY_MODEL, "|A100|", NULL);
  r = request_ok(p);
  assert_int_equal(r.n_models, 1); /* empty entries skipped, as the FGD simulator */
  ks_pod_unref(p);
  /* a model no node has declared matches no node, not even one without a model */
  p = ann_pod("u", KS_GPU_KEY_COUNT, "1", KS_GPU_KEY_MODEL, "No-Such-Card-7f3a", NULL);
  r = request_ok(p);
  assert_int_equal(r.n_models, 1);
  assert_int_equal(r.models[0], KS_GPU_MODEL_UNKNOWN);
  assert_false(ks_gpu_model_allowed(&r, 0));
  assert_false(ks_gpu_model_allowed(&r, g_quark_from_string("A100")));
  assert_int_equal(g_quark_try_string("No-Such-Card-7f3a"), 0); /* not interned */
  ks_pod_unref(p);
  p = ann_pod("any", KS_GPU_KEY_COUNT, "1", KS_GPU_KEY_MODEL, "", NULL);
  r = request_ok(p);
  assert_int_equal(r.n_models, 0);
  assert_true(ks_gpu_model_allowed(&r, 0));
  ks_pod_unref(p);
}

static void test_pod_nvidia_resource(void **state) {
  KsPod *p = ann_pod("p", NULL);
  KsContainer *c = &g_array_index(p->containers, KsContainer, 0);
  ks_resource_list_set(&c->requests, KS_GPU_RESOURCE_NVIDIA, 2);
  ks_resource_list_set(&c->limits, KS_GPU_RESOURCE_NVIDIA, 2);
  KsContainer c2 = {0};
  c2.name = g_strdup("side");
  ks_resource_list_init(&c2.requests);
  ks_resource_list_init(&c2.limits);
  ks_resource_list_set(&c2.requests, KS_GPU_RESOURCE_NVIDIA, 1);
  g_array_append_val(p->containers, c2);
  KsGpuRequest r = request_ok(p);
  assert_int_equal(r.count, 3); /* 2 + 1 over the containers */
  assert_int_equal(r.milli, 1000);
  /* the annotations win over the resource */
  ks_labels_set(&p->annotations, KS_GPU_KEY_MILLI, "250");
  r = request_ok(p);
  assert_int_equal(r.count, 1);
  assert_int_equal(r.milli, 250);
  ks_pod_unref(p);
}

static void test_pod_pinned(void **state) {
  KsPod *p = ann_pod("p", KS_GPU_KEY_COUNT, "2", KS_GPU_KEY_INDEX, "1-3", NULL);
  KsGpuRequest r = request_ok(p);
  assert_int_equal(r.pinned, 0xa); /* GPUs 1 and 3 */
  KsGpuAssignment a = ks_gpu_pod_assignment(p);
  assert_int_equal(a.mask, 0xa);
  assert_int_equal(a.milli, 1000);
  ks_pod_unref(p);
}

static void test_pod_bad_values(void **state) {
  static const struct {
    const char *k1, *v1, *k2, *v2;
    const char *message;
  } bad[] = {
      {KS_GPU_KEY_MILLI, "abc", NULL, NULL,
       "pod default/bad: alibabacloud.com/gpu-milli: \"abc\" is not a quantity"},
      {KS_GPU_KEY_MILLI, "1500", NULL, NULL,
       "pod default/bad: alibabacloud.com/gpu-milli: \"1500\" must be a whole number from 0 to "
       "1000"},
      {KS_GPU_KEY_MILLI, "0.5", NULL, NULL,
       "pod default/bad: alibabacloud.com/gpu-milli: \"0.5\" must be a whole number from 0 to "
       "1000"},
      {KS_GPU_KEY_COUNT, "-1", NULL, NULL,
       "pod default/bad: alibabacloud.com/gpu-count: \"-1\" must be a whole number from 0 to 64"},
      {KS_GPU_KEY_COUNT, "65", NULL, NULL,
       "pod default/bad: alibabacloud.com/gpu-count: \"65\" must be a whole number from 0 to 64"},
      {KS_GPU_KEY_COUNT, "2", KS_GPU_KEY_MILLI, "500",
       "pod default/bad: alibabacloud.com/gpu-milli: 2 GPUs of 500 milli: a share (< 1000 "
       "milli) is of one GPU only"},
      {KS_GPU_KEY_COUNT, "1", KS_GPU_KEY_INDEX, "1-1",
       "pod default/bad: alibabacloud.com/gpu-index: \"1-1\" is not a list of distinct GPU "
       "indexes 0..63 joined by '-'"},
      {KS_GPU_KEY_COUNT, "1", KS_GPU_KEY_INDEX, "x",
       "pod default/bad: alibabacloud.com/gpu-index: \"x\" is not a list of distinct GPU "
       "indexes 0..63 joined by '-'"},
      {KS_GPU_KEY_COUNT, "1", KS_GPU_KEY_INDEX, "0-1",
       "pod default/bad: alibabacloud.com/gpu-index: \"0-1\" names 2 GPUs but the pod asks for "
       "1"},
      {KS_GPU_KEY_COUNT, "1", KS_GPU_KEY_MODEL, "a|b|c|d|e|f|g|h|i",
       "pod default/bad: alibabacloud.com/gpu-card-model: \"a|b|c|d|e|f|g|h|i\" lists more than "
       "8 models"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    KsPod *p = ann_pod("bad", bad[i].k1, bad[i].v1, bad[i].k2, bad[i].v2, NULL);
    KsGpuRequest r;
    GError *e = NULL;
    if (ks_gpu_request_from_pod(p, &r, &e))
      fail_msg("case %u: accepted", i);
    assert_int_equal(e->domain, KS_GPU_ERROR);
    assert_string_equal(e->message, bad[i].message);
    g_error_free(e);
    /* a pod with a bad request holds no GPU in the cache or the agent */
    assert_int_equal(ks_gpu_pod_assignment(p).mask, 0);
    ks_pod_unref(p);
  }
}

static void test_pod_set(void **state) {
  KsPod *p = ann_pod("p", NULL);
  ks_gpu_pod_set(p, 1, 350, "T4|P100");
  KsGpuRequest r = request_ok(p);
  assert_int_equal(r.count, 1);
  assert_int_equal(r.milli, 350);
  assert_int_equal(r.n_models, 2);
  ks_gpu_pod_set(p, 0, 0, NULL);
  r = request_ok(p);
  assert_int_equal(r.count, 0);
  assert_null(ks_labels_get(&p->annotations, KS_GPU_KEY_COUNT));
  ks_pod_unref(p);
}

/* ---- gpu-index -------------------------------------------------------------------------- */

static void test_index_format_parse(void **state) {
  char *s = ks_gpu_index_format(0xb); /* bits 0, 1, 3 */
  assert_string_equal(s, "0-1-3");
  g_free(s);
  s = ks_gpu_index_format(G_GUINT64_CONSTANT(1) << 63);
  assert_string_equal(s, "63");
  g_free(s);
  guint64 m = 0;
  assert_true(ks_gpu_index_parse("3-0-1", &m, NULL));
  assert_int_equal(m, 0xb);
  const char *bad[] = {"", "64", "1-", "-1", "1--2", "+1", "1 ", "99999999999999999999"};
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    GError *e = NULL;
    assert_false(ks_gpu_index_parse(bad[i], &m, &e));
    assert_non_null(strstr(e->message, "is not a list of distinct GPU indexes"));
    g_error_free(e);
  }
}

/* ---- fit and choice ------------------------------------------------------------------- */

static void test_best_fit_share(void **state) {
  gint32 used[4] = {1000, 500, 300, 0}; /* free: 0, 500, 700, 1000 */
  KsGpuNodeView v = view_of(used, 4, "V100");
  KsGpuAssignment a;
  KsGpuRequest r = share(600); /* fits GPU 2 (700) and 3 (1000): tightest is 2 */
  assert_true(ks_gpu_fits(&r, &v));
  assert_true(ks_gpu_choose(&r, &v, NULL, NULL, &a));
  assert_int_equal(a.mask, 1u << 2);
  assert_int_equal(a.milli, 600);
  r = share(500); /* GPU 1 exactly */
  assert_true(ks_gpu_choose(&r, &v, NULL, NULL, &a));
  assert_int_equal(a.mask, 1u << 1);
  r = share(1000); /* only GPU 3 */
  assert_true(ks_gpu_choose(&r, &v, NULL, NULL, &a));
  assert_int_equal(a.mask, 1u << 3);
  assert_int_equal(ks_gpu_free_whole(&v), 1);
  assert_int_equal(ks_gpu_free_total(&v), 2200);
}

static void test_best_fit_ties_lowest_index(void **state) {
  gint32 used[4] = {200, 200, 0, 0}; /* free 800, 800, 1000, 1000 */
  KsGpuNodeView v = view_of(used, 4, NULL);
  KsGpuRequest r = share(800);
  KsGpuAssignment a;
  assert_true(ks_gpu_choose(&r, &v, NULL, NULL, &a));
  assert_int_equal(a.mask, 1u << 0);
}

static void test_whole_gpus(void **state) {
  gint32 used[4] = {1000, 500, 300, 0}; /* one free GPU */
  KsGpuNodeView v = view_of(used, 4, NULL);
  KsGpuRequest r = whole(2);
  KsGpuAssignment a;
  assert_false(ks_gpu_fits(&r, &v));
  assert_false(ks_gpu_choose(&r, &v, NULL, NULL, &a));
  used[2] = 0; /* GPUs 2 and 3 free */
  assert_true(ks_gpu_fits(&r, &v));
  assert_true(ks_gpu_choose(&r, &v, NULL, NULL, &a));
  assert_int_equal(a.mask, (1u << 2) | (1u << 3));
  used[0] = used[1] = 0; /* all free: lowest two */
  assert_true(ks_gpu_choose(&r, &v, NULL, NULL, &a));
  assert_int_equal(a.mask, 0x3);
  r = whole(5); /* more than the node has */
  assert_false(ks_gpu_fits(&r, &v));
}

static void test_model_restriction(void **state) {
  gint32 used[2] = {0, 0};
  KsGpuNodeView v = view_of(used, 2, "V100");
  KsGpuRequest r = share(100);
  r.n_models = 1;
  r.models[0] = g_quark_from_string("A100");
  KsGpuAssignment a;
  assert_false(ks_gpu_fits(&r, &v));
  assert_false(ks_gpu_choose(&r, &v, NULL, NULL, &a));
  r.models[r.n_models++] = g_quark_from_string("V100");
  assert_true(ks_gpu_fits(&r, &v));
  KsGpuNodeView none = view_of(NULL, 0, NULL);
  r = share(100);
  assert_false(ks_gpu_fits(&r, &none)); /* no GPU at all */
  r.count = 0;
  assert_true(ks_gpu_fits(&r, &none)); /* no request fits anywhere */
}

static void test_pinned_fit(void **state) {
  gint32 used[4] = {1000, 500, 300, 0};
  KsGpuNodeView v = view_of(used, 4, NULL);
  KsGpuRequest r = share(600);
  r.pinned = 1u << 1; /* GPU 1 has 500 free */
  KsGpuAssignment a;
  assert_false(ks_gpu_fits(&r, &v));
  r.pinned = 1u << 3;
  assert_true(ks_gpu_fits(&r, &v));
  assert_true(ks_gpu_choose(&r, &v, NULL, NULL, &a));
  assert_int_equal(a.mask, 1u << 3);
  r.pinned = 1u << 4; /* beyond the node */
  assert_false(ks_gpu_fits(&r, &v));
}

static gboolean choose_last(const KsGpuRequest *r, const KsGpuNodeView *v, gpointer data,
                            KsGpuAssignment *out) {
  (*(int *)data)++;
  for (guint i = v->count; i-- > 0;)
    if (ks_gpu_free(v, i) >= r->milli) {
      out->mask = G_GUINT64_CONSTANT(1) << i;
      out->milli = r->milli;
      return TRUE;
    }
  return FALSE;
}

static gboolean choose_full_gpu(const KsGpuRequest *r, const KsGpuNodeView *v, gpointer data,
                                KsGpuAssignment *out) {
  out->mask = 1; /* GPU 0, which is full in the test */
  out->milli = r->milli;
  return TRUE;
}

static void test_custom_chooser(void **state) {
  gint32 used[4] = {1000, 500, 300, 0};
  KsGpuNodeView v = view_of(used, 4, NULL);
  KsGpuRequest r = share(400);
  KsGpuAssignment a;
  int calls = 0;
  assert_true(ks_gpu_choose(&r, &v, choose_last, &calls, &a));
  assert_int_equal(a.mask, 1u << 3);
  assert_int_equal(calls, 1);
  /* an invalid answer is refused */
  assert_false(ks_gpu_choose(&r, &v, choose_full_gpu, NULL, &a));
  assert_int_equal(a.mask, 0);
}

static void test_used_add_sub_exact(void **state) {
  gint32 used[2] = {700, 0};
  KsGpuAssignment a = {0x1, 600}; /* overcommit by an annotation: 1300 */
  ks_gpu_used_add(used, 2, &a);
  assert_int_equal(used[0], 1300);
  ks_gpu_used_sub(used, 2, &a);
  assert_int_equal(used[0], 700);
  KsGpuAssignment beyond = {0x4, 1000}; /* GPU 2 of a 2-GPU node: ignored */
  ks_gpu_used_add(used, 2, &beyond);
  assert_int_equal(used[0], 700);
  assert_int_equal(used[1], 0);
}

/* ---- the cache --------------------------------------------------------------------------- */

static void assert_used(const KsSchedCache *c, guint slot, const gint32 *want, guint n) {
  KsGpuNodeView v = ks_sched_cache_gpu_view(c, slot);
  assert_int_equal(v.count, n);
  for (guint i = 0; i < n; i++)
    if (v.used[i] != want[i])
      fail_msg("GPU %u: used %d, want %d", i, v.used[i], want[i]);
}

static KsPod *bound_share(const char *name, const char *milli, const char *index) {
  return ann_pod(name, KS_GPU_KEY_COUNT, "1", KS_GPU_KEY_MILLI, milli, KS_GPU_KEY_INDEX, index,
                 NULL);
}

/* The brief's node: 4 GPUs used [1000, 500, 300, 0] by bound pods. */
static guint brief_node(KsSchedCache *c, KsPod **pods) {
  KsNode *n = fgd_node("g", 4, "V100");
  guint slot = ks_sched_cache_set_node(c, n);
  ks_node_unref(n);
  pods[0] = bound_share("p0", "1000", "0");
  pods[1] = bound_share("p1", "500", "1");
  pods[2] = bound_share("p2", "300", "2");
  for (int i = 0; i < 3; i++)
    ks_sched_cache_add_pod(c, pods[i], "g");
  return slot;
}

static void test_cache_add_assume_forget_remove(void **state) {
  KsSchedCache *c = ks_sched_cache_new();
  KsPod *pods[3];
  guint slot = brief_node(c, pods);
  assert_used(c, slot, (gint32[]){1000, 500, 300, 0}, 4);
  KsPod *q = ann_pod("q", KS_GPU_KEY_COUNT, "1", KS_GPU_KEY_MILLI, "600", NULL);
  ks_sched_cache_assume_pod(c, q, slot);
  assert_int_equal(ks_sched_cache_pod_gpus(c, q).mask, 1u << 2); /* best fit */
  assert_used(c, slot, (gint32[]){1000, 500, 900, 0}, 4);
  ks_sched_cache_forget_pod(c, q);
  assert_used(c, slot, (gint32[]){1000, 500, 300, 0}, 4);
  assert_int_equal(ks_sched_cache_pod_gpus(c, q).mask, 0);
  assert_true(ks_sched_cache_remove_pod(c, pods[0]));
  assert_used(c, slot, (gint32[]){0, 500, 300, 0}, 4);
  /* a 2-GPU pod now takes GPUs 0 and 3 */
  KsPod *w = ann_pod("w", KS_GPU_KEY_COUNT, "2", NULL);
  ks_sched_cache_assume_pod(c, w, slot);
  assert_int_equal(ks_sched_cache_pod_gpus(c, w).mask, 0x9);
  assert_used(c, slot, (gint32[]){1000, 500, 300, 1000}, 4);
  /* a pod without GPUs changes nothing */
  KsPod *cpu = ann_pod("cpu", NULL);
  ks_sched_cache_add_pod(c, cpu, "g");
  assert_used(c, slot, (gint32[]){1000, 500, 300, 1000}, 4);
  assert_int_equal(ks_sched_cache_pod_gpus(c, cpu).mask, 0);
  for (int i = 0; i < 3; i++)
    ks_pod_unref(pods[i]);
  ks_pod_unref(q);
  ks_pod_unref(w);
  ks_pod_unref(cpu);
  ks_sched_cache_free(c);
}

static void test_cache_confirm_with_annotation(void **state) {
  KsSchedCache *c = ks_sched_cache_new();
  KsPod *pods[3];
  guint slot = brief_node(c, pods);
  KsPod *q = ann_pod("q", KS_GPU_KEY_COUNT, "1", KS_GPU_KEY_MILLI, "600", NULL);
  ks_sched_cache_assume_pod(c, q, slot); /* GPU 2 */
  /* the bound copy says GPU 3 (another binder's choice): the cache follows it */
  KsPod *bound = ks_pod_copy(q);
  ks_labels_set(&bound->annotations, KS_GPU_KEY_INDEX, "3");
  ks_sched_cache_add_pod(c, bound, "g");
  assert_int_equal(ks_sched_cache_pod_gpus(c, q).mask, 1u << 3);
  assert_used(c, slot, (gint32[]){1000, 500, 300, 600}, 4);
  /* the entry holds the bound object now: a remove and re-add (preemption's
   * restore) reads GPU 3 back */
  const KsSchedPodEntry *e = ks_sched_cache_pod(c, q);
  assert_ptr_equal(e->pod, bound);
  KsPod *keep = ks_pod_ref(e->pod);
  ks_sched_cache_remove_pod(c, keep);
  assert_used(c, slot, (gint32[]){1000, 500, 300, 0}, 4);
  ks_sched_cache_add_pod(c, keep, "g");
  assert_used(c, slot, (gint32[]){1000, 500, 300, 600}, 4);
  ks_pod_unref(keep);
  for (int i = 0; i < 3; i++)
    ks_pod_unref(pods[i]);
  ks_pod_unref(q);
  ks_pod_unref(bound);
  ks_sched_cache_free(c);
}

static void test_cache_bound_without_annotation(void **state) {
  KsSchedCache *c = ks_sched_cache_new();
  KsNode *n = fgd_node("g", 4, NULL);
  guint slot = ks_sched_cache_set_node(c, n);
  ks_node_unref(n);
  KsPod *a = ann_pod("a", KS_GPU_KEY_COUNT, "1", KS_GPU_KEY_MILLI, "700", NULL);
  KsPod *b = ann_pod("b", KS_GPU_KEY_COUNT, "2", NULL);
  ks_sched_cache_add_pod(c, a, "g"); /* best fit: GPU 0 */
  ks_sched_cache_add_pod(c, b, "g"); /* free whole: GPUs 1, 2 */
  assert_int_equal(ks_sched_cache_pod_gpus(c, a).mask, 0x1);
  assert_int_equal(ks_sched_cache_pod_gpus(c, b).mask, 0x6);
  assert_used(c, slot, (gint32[]){700, 1000, 1000, 0}, 4);
  /* the node shrinks to 3 GPUs: choices are redone in pod order (same here) */
  n = fgd_node("g", 3, NULL);
  ks_sched_cache_set_node(c, n);
  ks_node_unref(n);
  assert_used(c, slot, (gint32[]){700, 1000, 1000}, 3);
  /* a GPU-less update keeps the pods but no GPU state */
  n = fgd_node("g", 0, NULL);
  ks_sched_cache_set_node(c, n);
  ks_node_unref(n);
  assert_int_equal(ks_sched_cache_gpu_view(c, slot).count, 0);
  assert_null(ks_sched_cache_gpu_view(c, slot).used);
  n = fgd_node("g", 4, NULL);
  ks_sched_cache_set_node(c, n);
  ks_node_unref(n);
  assert_used(c, slot, (gint32[]){700, 1000, 1000, 0}, 4);
  ks_pod_unref(a);
  ks_pod_unref(b);
  ks_sched_cache_free(c);
}

static void test_cache_ghost_node(void **state) {
  KsSchedCache *c = ks_sched_cache_new();
  KsPod *pods[3];
  guint slot = brief_node(c, pods);
  assert_true(ks_sched_cache_remove_node(c, "g"));
  assert_int_equal(ks_sched_cache_gpu_view(c, slot).count, 0);
  ks_sched_cache_remove_pod(c, pods[1]); /* leaves while the node is gone */
  KsNode *n = fgd_node("g", 4, "V100");
  guint again = ks_sched_cache_set_node(c, n);
  ks_node_unref(n);
  assert_int_equal(again, slot);
  assert_used(c, slot, (gint32[]){1000, 0, 300, 0}, 4);
  /* a pod bound to a node not known yet holds its annotated GPUs once it comes */
  KsPod *early = bound_share("early", "250", "1");
  ks_sched_cache_add_pod(c, early, "later");
  n = fgd_node("later", 2, NULL);
  guint ls = ks_sched_cache_set_node(c, n);
  ks_node_unref(n);
  assert_used(c, ls, (gint32[]){0, 250}, 2);
  for (int i = 0; i < 3; i++)
    ks_pod_unref(pods[i]);
  ks_pod_unref(early);
  ks_sched_cache_free(c);
}

/* A chooser that records which slot the cache says it is choosing on. */
typedef struct {
  const KsSchedCache *c;
  gint slot;
} SlotProbe;

static gboolean choose_probe(const KsGpuRequest *r, const KsGpuNodeView *v, gpointer data,
                             KsGpuAssignment *out) {
  SlotProbe *p = data;
  p->slot = ks_sched_cache_gpu_slot_of_view(p->c, v);
  return ks_gpu_choose_best_fit(r, v, NULL, out);
}

static void test_cache_slot_of_view(void **state) {
  KsSchedCache *c = ks_sched_cache_new();
  KsNode *a = fgd_node("a", 2, NULL), *b = fgd_node("b", 2, NULL), *z = fgd_node("z", 0, NULL);
  ks_sched_cache_set_node(c, z);
  guint sa = ks_sched_cache_set_node(c, a), sb = ks_sched_cache_set_node(c, b);
  ks_node_unref(a);
  ks_node_unref(b);
  ks_node_unref(z);
  KsGpuNodeView v = ks_sched_cache_gpu_view(c, sb);
  assert_int_equal(ks_sched_cache_gpu_slot_of_view(c, &v), (gint)sb); /* by scan */
  KsGpuNodeView none = view_of(NULL, 0, NULL);
  assert_int_equal(ks_sched_cache_gpu_slot_of_view(c, &none), -1);
  KsPod *p = ann_pod("p", KS_GPU_KEY_COUNT, "1", KS_GPU_KEY_MILLI, "100", NULL);
  SlotProbe probe = {c, -2};
  ks_gpu_set_chooser(c, p, choose_probe, &probe);
  ks_sched_cache_assume_pod(c, p, sa);
  assert_int_equal(probe.slot, (gint)sa);
  assert_int_equal(c->gpu_hook->placing, -1);
  ks_pod_unref(p);
  ks_sched_cache_free(c);
}

static void test_cache_policy_hook(void **state) {
  KsSchedCache *c = ks_sched_cache_new();
  KsPod *pods[3];
  guint slot = brief_node(c, pods);
  KsPod *q = ann_pod("q", KS_GPU_KEY_COUNT, "1", KS_GPU_KEY_MILLI, "400", NULL);
  KsPod *r = ann_pod("r", KS_GPU_KEY_COUNT, "1", KS_GPU_KEY_MILLI, "400", NULL);
  int calls = 0;
  ks_gpu_set_chooser(c, q, choose_last, &calls);
  /* another pod assumed first is not the hook's: best fit (GPU 1, 500 free) */
  ks_sched_cache_assume_pod(c, r, slot);
  assert_int_equal(ks_sched_cache_pod_gpus(c, r).mask, 1u << 1);
  assert_int_equal(calls, 0);
  ks_sched_cache_assume_pod(c, q, slot); /* the hook: highest index that fits, GPU 3 */
  assert_int_equal(calls, 1);
  assert_int_equal(ks_sched_cache_pod_gpus(c, q).mask, 1u << 3);
  assert_used(c, slot, (gint32[]){1000, 900, 300, 400}, 4);
  /* consumed: q assumed again after a forget gets best fit (GPU 2, 700 free) */
  ks_sched_cache_forget_pod(c, q);
  ks_sched_cache_assume_pod(c, q, slot);
  assert_int_equal(calls, 1);
  assert_int_equal(ks_sched_cache_pod_gpus(c, q).mask, 1u << 2);
  for (int i = 0; i < 3; i++)
    ks_pod_unref(pods[i]);
  ks_pod_unref(q);
  ks_pod_unref(r);
  ks_sched_cache_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_node_fgd_yaml_keys),
      cmocka_unit_test(test_node_nvidia_keys),
      cmocka_unit_test(test_node_alibaba_wins),
      cmocka_unit_test(test_node_without_gpus),
      cmocka_unit_test(test_node_bad_count),
      cmocka_unit_test(test_node_set),
      cmocka_unit_test(test_pod_share),
      cmocka_unit_test(test_pod_whole_and_defaults),
      cmocka_unit_test(test_pod_no_gpu),
      cmocka_unit_test(test_pod_models),
      cmocka_unit_test(test_pod_nvidia_resource),
      cmocka_unit_test(test_pod_pinned),
      cmocka_unit_test(test_pod_bad_values),
      cmocka_unit_test(test_pod_set),
      cmocka_unit_test(test_index_format_parse),
      cmocka_unit_test(test_best_fit_share),
      cmocka_unit_test(test_best_fit_ties_lowest_index),
      cmocka_unit_test(test_whole_gpus),
      cmocka_unit_test(test_model_restriction),
      cmocka_unit_test(test_pinned_fit),
      cmocka_unit_test(test_custom_chooser),
      cmocka_unit_test(test_used_add_sub_exact),
      cmocka_unit_test(test_cache_add_assume_forget_remove),
      cmocka_unit_test(test_cache_confirm_with_annotation),
      cmocka_unit_test(test_cache_bound_without_annotation),
      cmocka_unit_test(test_cache_ghost_node),
      cmocka_unit_test(test_cache_policy_hook),
      cmocka_unit_test(test_cache_slot_of_view),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
