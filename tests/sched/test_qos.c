/* QoS classes (upstream v1.31 TestComputePodQOS, the container-level cases,
 * plus ksim's own: sidecars, extended resources, an empty pod) and the
 * kubelet's OOM score adjust (TestGetContainerOOMScoreAdjust; upstream
 * asserts ranges, here every value is exact). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sched/objects.h"
#include "sched/qos.h"

/* One container: requests and limits as "cpu,memory" with "" for absent
 * ("100m,100Mi", ",100Mi", "," = none); no API defaulting, as upstream's
 * test builds its pods. */
typedef struct {
  const char *req, *lim;
  gboolean init, sidecar;
} C;
#define R(req, lim) {req, lim, FALSE, FALSE}
#define I(req, lim) {req, lim, TRUE, FALSE}
#define S(req, lim) {req, lim, FALSE, TRUE}

static void set_pair(KsResourceList *l, const char *pair) {
  if (!pair)
    return;
  char **v = g_strsplit(pair, ",", 2);
  if (v[0] && *v[0])
    assert_true(ks_resource_list_set_quantity(l, "cpu", v[0], NULL));
  if (v[0] && v[1] && *v[1])
    assert_true(ks_resource_list_set_quantity(l, "memory", v[1], NULL));
  g_strfreev(v);
}

static KsContainer *add(KsPod *p, const C *c) {
  KsContainer *k = ks_pod_add_container(p, c->sidecar ? "sidecar" : "c", c->init || c->sidecar);
  k->restart_always = c->sidecar;
  set_pair(&k->requests, c->req);
  set_pair(&k->limits, c->lim);
  return k;
}

static const struct {
  const char *name;
  C c[4];
  KsQosClass want;
} qos_cases[] = {
    /* TestComputePodQOS (v1.31; the pod-level resources cases need a later gate) */
    {"guaranteed", {R("100m,100Mi", "100m,100Mi")}, KS_QOS_GUARANTEED},
    {"guaranteed-guaranteed", {R("100m,100Mi", "100m,100Mi"), R("100m,100Mi", "100m,100Mi")},
     KS_QOS_GUARANTEED},
    {"best-effort-best-effort", {R(",", ","), R(",", ",")}, KS_QOS_BEST_EFFORT},
    {"best-effort", {R(",", ",")}, KS_QOS_BEST_EFFORT},
    {"best-effort-burstable", {R(",", ","), R("1,", "2,")}, KS_QOS_BURSTABLE},
    {"best-effort-guaranteed", {R(",", ","), R("10m,100Mi", "10m,100Mi")}, KS_QOS_BURSTABLE},
    {"burstable-cpu-guaranteed-memory", {R(",100Mi", ",100Mi")}, KS_QOS_BURSTABLE},
    {"burstable-no-limits", {R("100m,100Mi", ",")}, KS_QOS_BURSTABLE},
    {"burstable-guaranteed", {R("1,100Mi", "2,100Mi"), R("100m,100Mi", "100m,100Mi")},
     KS_QOS_BURSTABLE},
    {"burstable-unbounded-but-requests-match-limits",
     {R("100m,100Mi", "200m,200Mi"), R("100m,100Mi", ",")},
     KS_QOS_BURSTABLE},
    {"burstable-1", {R("10m,100Mi", "100m,200Mi")}, KS_QOS_BURSTABLE},
    {"burstable-2", {R("0,0", "100m,200Mi")}, KS_QOS_BURSTABLE},
    {"best-effort-zero-requests-and-limits", {R("0,0", "0,0")}, KS_QOS_BEST_EFFORT},
    {"init-container", {R(",", ","), I("10m,100Mi", "100m,200Mi")}, KS_QOS_BURSTABLE},
    /* TestCollectContainerLevelResources' pods, classified */
    {"single-container-full-limits", {R("100m,200Mi", "200m,400Mi")}, KS_QOS_BURSTABLE},
    {"two-containers-and-init-with-limits",
     {R("100m,100Mi", "200m,200Mi"), R("300m,400Mi", "800m,1000Mi"), I("50m,50Mi", "100m,100Mi")},
     KS_QOS_BURSTABLE},
    {"only-cpu-limit", {R("0,0", "100m,")}, KS_QOS_BURSTABLE},
    /* ksim's: init containers and sidecars count like any container */
    {"guaranteed-with-init-and-sidecar",
     {R("1,1Gi", "1,1Gi"), I("100m,10Mi", "100m,10Mi"), S("50m,5Mi", "50m,5Mi")},
     KS_QOS_GUARANTEED},
    {"guaranteed-but-best-effort-sidecar",
     {R("1,1Gi", "1,1Gi"), S(",", ",")},
     KS_QOS_BURSTABLE},
    {"best-effort-with-best-effort-init", {R(",", ","), I(",", ",")}, KS_QOS_BEST_EFFORT},
    /* sums equal though no container matches itself */
    {"sums-equal", {R("100m,100Mi", "200m,100Mi"), R("200m,100Mi", "100m,100Mi")}, KS_QOS_GUARANTEED},
};

static void test_qos_table(void **state) {
  (void)state;
  assert_true(G_N_ELEMENTS(qos_cases) >= 15);
  for (guint i = 0; i < G_N_ELEMENTS(qos_cases); i++) {
    KsPod *p = ks_pod_new("default", qos_cases[i].name);
    for (guint j = 0; j < G_N_ELEMENTS(qos_cases[i].c) && qos_cases[i].c[j].req; j++)
      add(p, &qos_cases[i].c[j]);
    KsQosClass got = ks_pod_qos(p);
    if (got != qos_cases[i].want)
      fail_msg("%s: got %s, want %s", qos_cases[i].name, ks_qos_class_to_string(got),
               ks_qos_class_to_string(qos_cases[i].want));
    ks_pod_unref(p);
  }
}

/* hugepages, ephemeral-storage and extended resources do not count */
static void test_qos_other_resources(void **state) {
  (void)state;
  KsPod *p = ks_pod_new("default", "best-effort-hugepages");
  KsContainer *c = add(p, &(C)R("0,0", "0,0"));
  ks_resource_list_set_quantity(&c->requests, "hugepages-2Mi", "1Gi", NULL);
  ks_resource_list_set_quantity(&c->limits, "hugepages-2Mi", "1Gi", NULL);
  ks_resource_list_set_quantity(&c->requests, "ephemeral-storage", "1Gi", NULL);
  ks_resource_list_set_quantity(&c->limits, "nvidia.com/gpu", "1", NULL);
  assert_int_equal(ks_pod_qos(p), KS_QOS_BEST_EFFORT);
  ks_pod_unref(p);
  p = ks_pod_new("default", "guaranteed-with-gpu-request-only");
  c = add(p, &(C)R("1,1Gi", "1,1Gi"));
  ks_resource_list_set_quantity(&c->requests, "nvidia.com/gpu", "1", NULL);
  assert_int_equal(ks_pod_qos(p), KS_QOS_GUARANTEED);
  ks_pod_unref(p);
  /* a pod without containers has nothing: BestEffort */
  p = ks_pod_new("default", "empty");
  assert_int_equal(ks_pod_qos(p), KS_QOS_BEST_EFFORT);
  ks_pod_unref(p);
}

static void test_qos_strings(void **state) {
  (void)state;
  assert_string_equal(ks_qos_class_to_string(KS_QOS_GUARANTEED), "Guaranteed");
  assert_string_equal(ks_qos_class_to_string(KS_QOS_BURSTABLE), "Burstable");
  assert_string_equal(ks_qos_class_to_string(KS_QOS_BEST_EFFORT), "BestEffort");
  assert_string_equal(ks_qos_class_to_string((KsQosClass)3), "?");
  KsQosClass q = KS_QOS_GUARANTEED;
  assert_true(ks_qos_class_from_string("BestEffort", &q));
  assert_int_equal(q, KS_QOS_BEST_EFFORT);
  assert_false(ks_qos_class_from_string("besteffort", &q));
  assert_false(ks_qos_class_from_string(NULL, &q));
  assert_int_equal(q, KS_QOS_BEST_EFFORT);
}

#define STD_MEM 8000000000LL

/* TestGetContainerOOMScoreAdjust (v1.31) with upstream's pods; each adj of
 * every container (init containers first, as upstream lists them). */
static const struct {
  const char *name;
  C c[3];
  gint64 capacity;
  const char *priority_class;
  gint32 priority;
  gint want[3];
} oom_cases[] = {
    {"cpu-limit", {R(",", "10,")}, 4000000000LL, NULL, 0, {999}},
    {"memory-limit-cpu-request", {R("0,", ",10G")}, STD_MEM, NULL, 0, {999}},
    {"zero-memory-limit", {R(",", ",0")}, 7230457451LL, NULL, 0, {1000}},
    {"no-request-limit", {R(",", ",")}, 4000000000LL, NULL, 0, {1000}},
    {"equal-request-limit-cpu-memory", {R("5m,10G", "5m,10G")}, 123456789, NULL, 0, {-997}},
    {"cpu-unlimited-memory-limited-with-requests", {R("5m,4000000000", ",10G")}, STD_MEM, NULL, 0,
     {500}},
    {"request-no-limit", {R("5m,7999999999", ",")}, STD_MEM, NULL, 0, {3}},
    {"cluster-critical", {R(",", ",")}, 4000000000LL, "system-cluster-critical", 2000000000, {1000}},
    {"node-critical", {R(",", ",")}, 4000000000LL, "system-node-critical", 2000001000, {-997}},
    {"burstable-unique-container", {R(",1000000000", ",1000001000")}, STD_MEM, NULL, 0, {875}},
    {"burstable-mixed-unique-main-container",
     {I(",1000000000", ",1000001000"), R(",1000000000", ",1000001000")},
     STD_MEM, NULL, 0, {875, 875}},
    {"burstable-mixed-multi-container-small-sidecar",
     {I(",1000000000", ",1000001000"),
      S(",400000000", ",1000001000"),
      R(",1000000000", ",1000001000")},
     STD_MEM, NULL, 0, {875, 875, 875}},
    {"burstable-mixed-multi-container-same-request",
     {I(",1000000000", ",1000001000"),
      S(",1000000000", ",1000001000"),
      R(",1000000000", ",1000001000")},
     STD_MEM, NULL, 0, {875, 875, 875}},
    {"burstable-mixed-multi-container-big-sidecar",
     {I(",1000000000", ",1000001000"),
      S(",4000000000", ",1000001000"),
      R(",1000000000", ",1000001000")},
     STD_MEM, NULL, 0, {875, 500, 875}},
};

static void test_oom_score_adj(void **state) {
  (void)state;
  for (guint i = 0; i < G_N_ELEMENTS(oom_cases); i++) {
    KsPod *p = ks_pod_new("default", oom_cases[i].name);
    if (oom_cases[i].priority_class) {
      p->priority_class_name = g_strdup(oom_cases[i].priority_class);
      p->has_priority = TRUE;
      p->priority = oom_cases[i].priority;
    }
    for (guint j = 0; j < G_N_ELEMENTS(oom_cases[i].c) && oom_cases[i].c[j].req; j++)
      add(p, &oom_cases[i].c[j]);
    guint k = 0;
    for (guint j = 0; p->init_containers && j < p->init_containers->len; j++, k++) {
      gint got = ks_qos_container_oom_score_adj(
          p, &g_array_index(p->init_containers, KsContainer, j), oom_cases[i].capacity);
      if (got != oom_cases[i].want[k])
        fail_msg("%s init %u: %d, want %d", oom_cases[i].name, j, got, oom_cases[i].want[k]);
    }
    for (guint j = 0; j < p->containers->len; j++, k++) {
      gint got = ks_qos_container_oom_score_adj(
          p, &g_array_index(p->containers, KsContainer, j), oom_cases[i].capacity);
      if (got != oom_cases[i].want[k])
        fail_msg("%s container %u: %d, want %d", oom_cases[i].name, j, got, oom_cases[i].want[k]);
    }
    ks_pod_unref(p);
  }
}

static void test_critical(void **state) {
  (void)state;
  KsPod *p = ks_pod_new("kube-system", "p");
  assert_false(ks_pod_is_critical(p));
  p->has_priority = TRUE;
  p->priority = 1999999999;
  assert_false(ks_pod_is_critical(p));
  p->priority = KS_SYSTEM_CRITICAL_PRIORITY;
  assert_true(ks_pod_is_critical(p));
  assert_false(ks_pod_is_node_critical(p));
  p->priority_class_name = g_strdup("system-node-critical");
  assert_true(ks_pod_is_node_critical(p));
  ks_pod_unref(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_qos_table),     cmocka_unit_test(test_qos_other_resources),
      cmocka_unit_test(test_qos_strings),   cmocka_unit_test(test_oom_score_adj),
      cmocka_unit_test(test_critical),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
