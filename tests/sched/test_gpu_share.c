/* GpuShare: PreFilter and Filter statuses on hand-made nodes (no GPU, wrong
 * model, not enough free GPU, fits), Reserve's check, and whole scheduling
 * cycles: GPU pods placed on the expected node and GPUs, the bound copies'
 * gpu-index, preemption freeing the victims' GPUs, and a GPU policy's
 * chooser (ks_gpu_set_chooser) taking over the in-node choice. */
#include "tests/sched/plugin_harness.h"

#include "sched/gpu.h"
#include "sched/plugins/gpu_share.h"
#include "sched/scheduler.h"

/* ---- helpers ------------------------------------------------------------------------- */

static KsNode *gpu_node(const char *name, guint count, const char *model) {
  KsNode *n = ks_test_node(name, "32", "128Gi");
  if (count)
    ks_gpu_node_set(n, count, model);
  return n;
}

/* A pod asking for `count` GPUs of `milli` (count 0 = none), models "A|B" or NULL. */
static KsPod *gpu_pod(const char *name, guint count, gint32 milli, const char *models) {
  KsPod *p = ks_pod_new("default", name);
  KsContainer *c = ks_pod_add_container(p, "c", FALSE);
  assert_true(ks_resource_list_set_quantity(&c->requests, "cpu", "1", NULL));
  assert_true(ks_resource_list_set_quantity(&c->requests, "memory", "1Gi", NULL));
  if (count)
    ks_gpu_pod_set(p, count, milli, models);
  return p;
}

static KsPod *bound(KsPod *p, const char *node, const char *index) {
  p->node_name = g_strdup(node);
  ks_labels_set(&p->annotations, KS_GPU_KEY_INDEX, index);
  return p;
}

/* ---- Filter ------------------------------------------------------------------------- */

/* n0: no GPU; n1: 4 x V100 used [1000, 500, 300, 0]; n2: 2 x A100, free. */
static void filter_env(KsTestEnv *e) {
  ks_test_env_init(e, &ks_sched_plugin_gpu_share, NULL);
  ks_test_env_add_node(e, gpu_node("n0", 0, NULL));
  ks_test_env_add_node(e, gpu_node("n1", 4, "V100"));
  ks_test_env_add_node(e, gpu_node("n2", 2, "A100"));
  ks_test_env_add_pod(e, bound(gpu_pod("u0", 1, 1000, NULL), "n1", "0"), "n1");
  ks_test_env_add_pod(e, bound(gpu_pod("u1", 1, 500, NULL), "n1", "1"), "n1");
  ks_test_env_add_pod(e, bound(gpu_pod("u2", 1, 300, NULL), "n1", "2"), "n1");
}

typedef struct {
  const char *name;
  guint count;
  gint32 milli;
  const char *models;
  KsSchedCode want[3];
  const char *reason[3];
} FilterCase;

static void test_filter(void **state) {
  static const FilterCase cases[] = {
      {"share 600",
       1,
       600,
       NULL,
       {KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE, KS_SCHED_SUCCESS, KS_SCHED_SUCCESS},
       {KS_SCHED_GPU_SHARE_REASON_NO_GPU, "", ""}},
      {"share 600 on A100 only",
       1,
       600,
       "A100",
       {KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE,
        KS_SCHED_SUCCESS},
       {KS_SCHED_GPU_SHARE_REASON_NO_GPU, KS_SCHED_GPU_SHARE_REASON_MODEL, ""}},
      {"share 800: only GPU 3 of n1 has room",
       1,
       800,
       "V100|T4",
       {KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE, KS_SCHED_SUCCESS,
        KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE},
       {KS_SCHED_GPU_SHARE_REASON_NO_GPU, "", KS_SCHED_GPU_SHARE_REASON_MODEL}},
      {"2 whole GPUs: n1 has one free",
       2,
       1000,
       NULL,
       {KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE, KS_SCHED_UNSCHEDULABLE, KS_SCHED_SUCCESS},
       {KS_SCHED_GPU_SHARE_REASON_NO_GPU, KS_SCHED_GPU_SHARE_REASON_FREE, ""}},
      {"4 whole GPUs: more than n2 has",
       4,
       1000,
       NULL,
       {KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE, KS_SCHED_UNSCHEDULABLE,
        KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE},
       {KS_SCHED_GPU_SHARE_REASON_NO_GPU, KS_SCHED_GPU_SHARE_REASON_FREE,
        KS_SCHED_GPU_SHARE_REASON_FREE}},
  };
  KsTestEnv e;
  filter_env(&e);
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    const FilterCase *c = &cases[i];
    KsPod *p = gpu_pod("p", c->count, c->milli, c->models);
    KsSchedStatus out[3];
    assert_int_equal(ks_test_env_filter(&e, p, out, NULL), KS_SCHED_SUCCESS);
    for (guint n = 0; n < 3; n++) {
      if (out[n].code != c->want[n] || strcmp(ks_test_reason(&out[n]), c->reason[n]))
        fail_msg("%s, node n%u: got %s \"%s\"", c->name, n, ks_sched_code_to_string(out[n].code),
                 ks_test_reason(&out[n]));
    }
    ks_pod_unref(p);
  }
  ks_test_env_clear(&e);
}

static void test_pre_filter_skip_and_invalid(void **state) {
  KsTestEnv e;
  filter_env(&e);
  KsSchedStatus out[3];
  KsPod *cpu = gpu_pod("cpu", 0, 0, NULL);
  assert_int_equal(ks_test_env_filter(&e, cpu, out, NULL), KS_SCHED_SKIP);
  ks_pod_unref(cpu);
  KsPod *bad = gpu_pod("bad", 0, 0, NULL);
  ks_labels_set(&bad->annotations, KS_GPU_KEY_MILLI, "2000");
  assert_int_equal(ks_test_env_filter(&e, bad, out, NULL), KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE);
  assert_string_equal(ks_test_reason(&out[0]),
                      "pod default/bad: alibabacloud.com/gpu-milli: \"2000\" must be a whole "
                      "number from 0 to 1000");
  ks_pod_unref(bad);
  ks_test_env_clear(&e);
}

static void test_reserve_checks_the_cache(void **state) {
  KsTestEnv e;
  filter_env(&e);
  KsSchedStatus out[3], st;
  KsPod *p = gpu_pod("p", 1, 600, NULL);
  ks_test_env_filter(&e, p, out, NULL);
  /* assumed on n1: the cache puts it on GPU 2 (700 free, the tightest) */
  ks_sched_cache_assume_pod(e.cache, p, e.slots[1]);
  ks_sched_status_reset(&st);
  e.plugin->desc->reserve(e.plugin, &e.cs, p, "n1", &st);
  assert_int_equal(st.code, KS_SCHED_SUCCESS);
  assert_int_equal(ks_sched_cache_pod_gpus(e.cache, p).mask, 1u << 2);
  e.plugin->desc->unreserve(e.plugin, &e.cs, p, "n1");
  ks_sched_cache_forget_pod(e.cache, p);
  KsGpuNodeView v = ks_sched_cache_gpu_view(e.cache, e.slots[1]);
  assert_int_equal(v.used[2], 300);
  /* assumed where it cannot get a GPU (n0): Reserve refuses */
  ks_sched_cache_assume_pod(e.cache, p, e.slots[0]);
  ks_sched_status_reset(&st);
  e.plugin->desc->reserve(e.plugin, &e.cs, p, "n0", &st);
  assert_int_equal(st.code, KS_SCHED_UNSCHEDULABLE);
  assert_string_equal(ks_test_reason(&st), KS_SCHED_GPU_SHARE_REASON_FREE);
  ks_sched_cache_forget_pod(e.cache, p);
  ks_pod_unref(p);
  ks_test_env_clear(&e);
}

/* ---- whole cycles -------------------------------------------------------------------- */

#define NOW G_GINT64_CONSTANT(1000000)

static gboolean choose_highest(const KsGpuRequest *r, const KsGpuNodeView *v, gpointer data,
                               KsGpuAssignment *out) {
  for (guint i = v->count; i-- > 0;)
    if (ks_gpu_free(v, i) >= r->milli) {
      out->mask = G_GUINT64_CONSTANT(1) << i;
      out->milli = r->milli;
      return TRUE;
    }
  return FALSE;
}

/* A stand-in GPU policy: installs "highest index that fits" for share pods. */
static void policy_pre_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                              const KsSchedCache *c, GHashTable **node_names, KsSchedStatus *st) {
  KsGpuRequest r;
  if (!ks_gpu_request_from_pod(pod, &r, NULL) || r.count != 1) {
    ks_sched_status_set(st, KS_SCHED_SKIP, NULL);
    return;
  }
  ks_gpu_set_chooser(c, pod, choose_highest, NULL);
}
static const KsSchedPluginDesc policy_desc = {.name = "TestGpuPolicy",
                                              .pre_filter = policy_pre_filter};

static KsScheduler *new_sched(gboolean with_policy) {
  KsSchedRegistry *r = ks_sched_registry_new();
  if (!ks_sched_registry_lookup(r, KS_SCHED_GPU_SHARE_NAME))
    assert_true(ks_sched_registry_add(r, &ks_sched_plugin_gpu_share, NULL));
  assert_true(ks_sched_registry_add(r, &policy_desc, NULL));
  KsSchedPluginConfig pc[7];
  guint n = 0;
  pc[n++] = (KsSchedPluginConfig){"PrioritySort", 0, NULL};
  pc[n++] = (KsSchedPluginConfig){"NodeResourcesFit", 1, NULL};
  pc[n++] = (KsSchedPluginConfig){KS_SCHED_GPU_SHARE_NAME, 0, NULL};
  if (with_policy)
    pc[n++] = (KsSchedPluginConfig){"TestGpuPolicy", 0, NULL};
  pc[n++] = (KsSchedPluginConfig){"DefaultPreemption", 0, NULL};
  pc[n++] = (KsSchedPluginConfig){"DefaultBinder", 0, NULL};
  GError *err = NULL;
  KsSchedFramework *fw = ks_sched_framework_new(r, "test", pc, n, &err);
  ks_sched_registry_free(r);
  if (!fw)
    fail_msg("%s", err->message);
  KsSchedConfig cfg;
  ks_sched_config_init_defaults(&cfg);
  cfg.seed = 7;
  KsScheduler *s = ks_sched_new_with_profile(&cfg, fw, &err);
  assert_non_null(s);
  return s;
}

static void add_node(KsScheduler *s, KsNode *n) {
  ks_sched_add_node(s, n, 0);
  ks_node_unref(n);
}

/* One cycle for p; when scheduled, binds as the simulator's driver does (a
 * bound copy with the cache's GPUs in gpu-index) and returns that index
 * ("" when unschedulable), node in *node. transfer full */
static char *schedule(KsScheduler *s, KsPod *p, char **node) {
  KsSchedResult r;
  ks_sched_add_pending_pod(s, p, NOW);
  ks_sched_schedule_one(s, NOW, &r);
  assert_ptr_equal(r.pod, p);
  *node = NULL;
  if (r.kind != KS_SCHED_RESULT_SCHEDULED)
    return g_strdup("");
  *node = g_strdup(r.node);
  KsGpuAssignment g = ks_sched_cache_pod_gpus(ks_sched_cache(s), p);
  char *idx = g.mask ? ks_gpu_index_format(g.mask) : g_strdup("");
  ks_sched_bind_done(s, p, TRUE, NOW);
  KsPod *b = ks_pod_copy(p);
  b->node_name = g_strdup(r.node);
  if (g.mask)
    ks_labels_set(&b->annotations, KS_GPU_KEY_INDEX, idx);
  ks_sched_add_assigned_pod(s, b, r.node, NOW);
  ks_pod_unref(b);
  return idx;
}

static void expect(KsScheduler *s, KsPod *p, const char *want_node, const char *want_index) {
  char *node = NULL;
  char *idx = schedule(s, p, &node);
  if (g_strcmp0(node, want_node) || strcmp(idx, want_index))
    fail_msg("%s: placed on %s GPUs \"%s\", want %s \"%s\"", p->name, node ? node : "(none)", idx,
             want_node ? want_node : "(none)", want_index);
  g_free(node);
  g_free(idx);
  ks_pod_unref(p);
}

static void test_cycles_place_gpu_pods(void **state) {
  KsScheduler *s = new_sched(FALSE);
  add_node(s, gpu_node("cpu", 0, NULL));
  add_node(s, gpu_node("v100", 4, "V100"));
  add_node(s, gpu_node("a100", 2, "A100"));
  /* v100 free: [1000, 1000, 1000, 1000] -> GPU 0 (lowest of equals) */
  expect(s, gpu_pod("share-a", 1, 600, "V100"), "v100", "0");
  /* GPU 0 has 400 free, the tightest fit for 300 */
  expect(s, gpu_pod("share-b", 1, 300, "V100"), "v100", "0");
  /* two whole GPUs: the lowest free ones, 1 and 2 */
  expect(s, gpu_pod("whole-2", 2, 1000, "V100"), "v100", "1-2");
  expect(s, gpu_pod("a100-1", 1, 1000, "A100"), "a100", "0");
  /* 3 whole GPUs: v100 and a100 have one free each */
  expect(s, gpu_pod("big-3", 3, 1000, NULL), NULL, "");
  /* a pod without GPUs is not affected: any node, no index */
  KsPod *cpu = gpu_pod("plain", 0, 0, NULL);
  char *node = NULL, *idx = schedule(s, cpu, &node);
  assert_non_null(node);
  assert_string_equal(idx, "");
  assert_null(ks_labels_get(&cpu->annotations, KS_GPU_KEY_INDEX));
  g_free(node);
  g_free(idx);
  ks_pod_unref(cpu);
  KsSchedCache *c = ks_sched_cache(s);
  KsGpuNodeView v = ks_sched_cache_gpu_view(c, (guint)ks_sched_cache_node_slot(c, "v100"));
  assert_int_equal(v.used[0], 900);
  assert_int_equal(v.used[1], 1000);
  assert_int_equal(v.used[2], 1000);
  assert_int_equal(v.used[3], 0);
  ks_sched_free(s);
}

static void test_unschedulable_message(void **state) {
  KsScheduler *s = new_sched(FALSE);
  add_node(s, gpu_node("cpu", 0, NULL));
  add_node(s, gpu_node("v100", 1, "V100"));
  add_node(s, gpu_node("a100", 1, "A100"));
  KsPod *p = gpu_pod("p", 1, 500, "A100");
  KsSchedResult r;
  ks_sched_add_pending_pod(s, p, NOW);
  KsPod *hog = bound(gpu_pod("hog", 1, 700, NULL), "a100", "0");
  ks_sched_add_assigned_pod(s, hog, "a100", 0);
  ks_sched_schedule_one(s, NOW, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_UNSCHEDULABLE);
  assert_string_equal(r.message,
                      "0/3 nodes are available: 1 node(s) didn't have GPUs, 1 node(s) didn't "
                      "have enough free GPU, 1 node(s) didn't have the requested GPU model. "
                      "preemption: 0/3 nodes are available: 1 No preemption victims found for "
                      "incoming pod, 2 Preemption is not helpful for scheduling.");
  ks_pod_unref(hog);
  ks_pod_unref(p);
  ks_sched_free(s);
}

static KsPod *prio(KsPod *p, gint32 priority) {
  p->has_priority = TRUE;
  p->priority = priority;
  return p;
}

static void test_preemption_frees_gpus(void **state) {
  KsScheduler *s = new_sched(FALSE);
  add_node(s, gpu_node("g", 1, "V100"));
  /* two low-priority shares of 500 fill the only GPU */
  KsPod *low_a = bound(prio(gpu_pod("low-a", 1, 500, NULL), 1), "g", "0");
  KsPod *low_b = bound(prio(gpu_pod("low-b", 1, 500, NULL), 1), "g", "0");
  ks_sched_add_assigned_pod(s, low_a, "g", 0);
  ks_sched_add_assigned_pod(s, low_b, "g", 10);
  /* 400 milli needs one of them gone: one victim, the other reprieved */
  KsPod *high = prio(gpu_pod("high", 1, 400, NULL), 100);
  KsSchedResult r;
  ks_sched_add_pending_pod(s, high, NOW);
  ks_sched_schedule_one(s, NOW, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_UNSCHEDULABLE);
  assert_int_equal(r.n_victims, 1);
  assert_string_equal(r.nominated_node, "g");
  KsPod *victim = ks_pod_ref(r.victims[0]);
  /* the dry runs left the GPU state as it was */
  KsGpuNodeView v = ks_sched_cache_gpu_view(ks_sched_cache(s), 0);
  assert_int_equal(v.used[0], 1000);
  /* the host deletes the victim; the pod then fits on GPU 0 */
  ks_sched_remove_pod(s, victim, NOW);
  assert_int_equal(ks_sched_cache_gpu_view(ks_sched_cache(s), 0).used[0], 500);
  ks_sched_tick(s, NOW + 2000000);
  ks_sched_schedule_one(s, NOW + 2000000, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_SCHEDULED);
  assert_ptr_equal(r.pod, high);
  assert_string_equal(r.node, "g");
  assert_int_equal(ks_sched_cache_pod_gpus(ks_sched_cache(s), high).mask, 1);
  assert_int_equal(ks_sched_cache_gpu_view(ks_sched_cache(s), 0).used[0], 900);
  ks_sched_bind_done(s, high, TRUE, NOW + 2000000);
  ks_pod_unref(victim);
  ks_pod_unref(low_a);
  ks_pod_unref(low_b);
  ks_pod_unref(high);
  ks_sched_free(s);
}

static void test_preemption_whole_gpu(void **state) {
  KsScheduler *s = new_sched(FALSE);
  add_node(s, gpu_node("g", 2, "V100"));
  KsPod *keep = bound(prio(gpu_pod("keep", 1, 1000, NULL), 50), "g", "0");
  KsPod *low = bound(prio(gpu_pod("low", 1, 200, NULL), 1), "g", "1");
  ks_sched_add_assigned_pod(s, keep, "g", 0);
  ks_sched_add_assigned_pod(s, low, "g", 0);
  /* 2 whole GPUs at priority 10: "keep" (50) cannot be preempted, so no
   * candidate; at 100 both must go */
  KsPod *mid = prio(gpu_pod("mid", 2, 1000, NULL), 10);
  KsSchedResult r;
  ks_sched_add_pending_pod(s, mid, NOW);
  ks_sched_schedule_one(s, NOW, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_UNSCHEDULABLE);
  assert_int_equal(r.n_victims, 0);
  KsPod *top = prio(gpu_pod("top", 2, 1000, NULL), 100);
  ks_sched_add_pending_pod(s, top, NOW);
  ks_sched_schedule_one(s, NOW, &r);
  assert_ptr_equal(r.pod, top);
  assert_int_equal(r.n_victims, 2);
  ks_pod_unref(keep);
  ks_pod_unref(low);
  ks_pod_unref(mid);
  ks_pod_unref(top);
  ks_sched_free(s);
}

static void test_policy_hook_chooses(void **state) {
  KsScheduler *s = new_sched(TRUE);
  add_node(s, gpu_node("g", 4, "V100"));
  /* the policy picks the highest index that fits, not best fit's GPU 0 */
  expect(s, gpu_pod("a", 1, 300, NULL), "g", "3");
  expect(s, gpu_pod("b", 1, 800, NULL), "g", "2");
  /* 2-GPU pods are left to the default (the test policy skips them) */
  expect(s, gpu_pod("c", 2, 1000, NULL), "g", "0-1");
  ks_sched_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_filter),
      cmocka_unit_test(test_pre_filter_skip_and_invalid),
      cmocka_unit_test(test_reserve_checks_the_cache),
      cmocka_unit_test(test_cycles_place_gpu_pods),
      cmocka_unit_test(test_unschedulable_message),
      cmocka_unit_test(test_preemption_frees_gpus),
      cmocka_unit_test(test_preemption_whole_gpu),
      cmocka_unit_test(test_policy_hook_chooses),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
