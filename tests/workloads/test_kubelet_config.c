/* KubeletConfiguration loading: v1.31 defaults (with and without a file),
 * evictionHard replacing the defaults when given (even {}), percentages as
 * float32 fractions and GetThresholdQuantity, soft thresholds with their
 * grace periods, minimum reclaim per signal, the image-pull fields and their
 * defaulting (serializeImagePulls from maxParallelImagePulls), a real
 * cluster's file with fields ksim ignores, and a table of broken files with
 * exact file:line:column messages in upstream's words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "workloads/kubelet_config.h"

#define MI (1024LL * 1024)
#define HEAD "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"

static KsKubeletConfig *load(const char *yaml) {
  GError *err = NULL;
  KsKubeletConfig *c = ks_kubelet_config_load_string(yaml, strlen(yaml), "k.yaml", &err);
  if (!c)
    fail_msg("%s", err->message);
  return c;
}

static void assert_defaults_scalars(const KsKubeletConfig *c) {
  assert_int_equal(c->eviction_pressure_transition_period_us, 300 * G_USEC_PER_SEC);
  assert_int_equal(c->eviction_max_pod_grace_period, 0);
  assert_true(c->serialize_image_pulls);
  assert_false(c->has_max_parallel_image_pulls);
  assert_int_equal(c->image_gc_high_threshold_percent, 85);
  assert_int_equal(c->image_gc_low_threshold_percent, 80);
  assert_int_equal(c->image_minimum_gc_age_us, 120 * G_USEC_PER_SEC);
  assert_int_equal(c->image_maximum_gc_age_us, 0);
  assert_int_equal(c->node_status_max_images, 50);
  assert_int_equal(c->registry_pull_qps, 5);
  assert_int_equal(c->registry_burst, 10);
  assert_int_equal(c->max_pods, 110);
}

/* DefaultEvictionHard: memory 100Mi, nodefs 10%, nodefs inodes 5%, imagefs 15%. */
static void assert_default_hard(const KsKubeletConfig *c) {
  assert_int_equal(c->thresholds->len, 4);
  const KsEvictionThreshold *t = &g_array_index(c->thresholds, KsEvictionThreshold, 0);
  assert_int_equal(t->signal, KS_EVICTION_SIGNAL_MEMORY_AVAILABLE);
  assert_true(t->hard);
  assert_false(t->value.is_percentage);
  assert_int_equal(t->value.quantity, 100 * MI);
  t = ks_kubelet_config_threshold(c, KS_EVICTION_SIGNAL_NODEFS_AVAILABLE, TRUE);
  assert_non_null(t);
  assert_true(t->value.is_percentage);
  /* float32 0.1 times 10Gi: 1073741840, not 1073741824 */
  assert_int_equal(ks_threshold_value_quantity(&t->value, 10 * 1024 * MI), 1073741840);
  t = ks_kubelet_config_threshold(c, KS_EVICTION_SIGNAL_NODEFS_INODES_FREE, TRUE);
  assert_non_null(t);
  assert_int_equal(ks_threshold_value_quantity(&t->value, 1000000), 50000);
  t = ks_kubelet_config_threshold(c, KS_EVICTION_SIGNAL_IMAGEFS_AVAILABLE, TRUE);
  assert_non_null(t);
  assert_int_equal(ks_threshold_value_quantity(&t->value, 100000), 15000);
  assert_null(ks_kubelet_config_threshold(c, KS_EVICTION_SIGNAL_MEMORY_AVAILABLE, FALSE));
}

static void test_defaults(void **state) {
  (void)state;
  KsKubeletConfig *c = ks_kubelet_config_new_default();
  assert_null(c->file);
  assert_defaults_scalars(c);
  assert_default_hard(c);
  ks_kubelet_config_unref(c);
  /* a file with only the type: the same; evictionHard null is absent */
  c = load(HEAD "evictionHard:\n");
  assert_string_equal(c->file, "k.yaml");
  assert_defaults_scalars(c);
  assert_default_hard(c);
  ks_kubelet_config_unref(c);
}

/* v1.31: a given evictionHard replaces the defaults; {} means no hard thresholds. */
static void test_eviction_hard_replaces_defaults(void **state) {
  (void)state;
  KsKubeletConfig *c = load(HEAD "evictionHard:\n  memory.available: 500Mi\n");
  assert_int_equal(c->thresholds->len, 1);
  const KsEvictionThreshold *t = ks_kubelet_config_threshold(c, KS_EVICTION_SIGNAL_MEMORY_AVAILABLE, TRUE);
  assert_int_equal(t->value.quantity, 500 * MI);
  assert_null(ks_kubelet_config_threshold(c, KS_EVICTION_SIGNAL_NODEFS_AVAILABLE, TRUE));
  ks_kubelet_config_unref(c);
  c = load(HEAD "evictionHard: {}\n");
  assert_int_equal(c->thresholds->len, 0);
  ks_kubelet_config_unref(c);
  /* 0% and 100% are dropped (upstream's way to disable a signal) */
  c = load(HEAD "evictionHard:\n  nodefs.available: 0%\n  imagefs.available: 100%\n"
                "  pid.available: 2.5%\n");
  assert_int_equal(c->thresholds->len, 1);
  t = &g_array_index(c->thresholds, KsEvictionThreshold, 0);
  assert_int_equal(t->signal, KS_EVICTION_SIGNAL_PID_AVAILABLE);
  assert_true(t->value.percentage == 2.5f / 100.0f);
  assert_int_equal(ks_threshold_value_quantity(&t->value, 4194304), 104857);
  ks_kubelet_config_unref(c);
}

static void test_soft_and_min_reclaim(void **state) {
  (void)state;
  KsKubeletConfig *c = load(HEAD
                            "evictionHard:\n"
                            "  nodefs.available: 5%\n"
                            "  memory.available: 200Mi\n"
                            "evictionSoft:\n"
                            "  memory.available: 1Gi\n"
                            "evictionSoftGracePeriod:\n"
                            "  memory.available: 1m30s\n"
                            "  nodefs.available: 10s\n" /* no soft nodefs threshold: unused */
                            "evictionMinimumReclaim:\n"
                            "  memory.available: 300Mi\n"
                            "  nodefs.available: 1%\n"
                            "evictionPressureTransitionPeriod: 30s\n"
                            "evictionMaxPodGracePeriod: 60\n");
  assert_int_equal(c->thresholds->len, 3);
  /* hard in signal order (memory first), then soft */
  const KsEvictionThreshold *t = &g_array_index(c->thresholds, KsEvictionThreshold, 0);
  assert_int_equal(t->signal, KS_EVICTION_SIGNAL_MEMORY_AVAILABLE);
  assert_true(t->hard);
  assert_int_equal(t->grace_period_us, 0);
  assert_true(t->has_min_reclaim);
  assert_int_equal(t->min_reclaim.quantity, 300 * MI);
  t = &g_array_index(c->thresholds, KsEvictionThreshold, 1);
  assert_int_equal(t->signal, KS_EVICTION_SIGNAL_NODEFS_AVAILABLE);
  assert_true(t->has_min_reclaim);
  assert_true(t->min_reclaim.is_percentage);
  /* float32 0.01 is 0.0099999998: 9999, as upstream computes it */
  assert_int_equal(ks_threshold_value_quantity(&t->min_reclaim, 1000000), 9999);
  t = &g_array_index(c->thresholds, KsEvictionThreshold, 2);
  assert_int_equal(t->signal, KS_EVICTION_SIGNAL_MEMORY_AVAILABLE);
  assert_false(t->hard);
  assert_int_equal(t->value.quantity, 1024 * MI);
  assert_int_equal(t->grace_period_us, 90 * G_USEC_PER_SEC);
  assert_true(t->has_min_reclaim);
  assert_int_equal(c->eviction_pressure_transition_period_us, 30 * G_USEC_PER_SEC);
  assert_int_equal(c->eviction_max_pod_grace_period, 60);
  ks_kubelet_config_unref(c);
  /* "0s" transition period is the default 5m */
  c = load(HEAD "evictionPressureTransitionPeriod: 0s\n");
  assert_int_equal(c->eviction_pressure_transition_period_us, 300 * G_USEC_PER_SEC);
  ks_kubelet_config_unref(c);
}

static void test_image_fields(void **state) {
  (void)state;
  /* maxParallelImagePulls >= 2 without serializeImagePulls defaults it to false */
  KsKubeletConfig *c = load(HEAD "maxParallelImagePulls: 3\nregistryPullQPS: 0\n"
                                 "registryBurst: 0\nnodeStatusMaxImages: -1\n"
                                 "imageGCHighThresholdPercent: 90\nimageGCLowThresholdPercent: 70\n"
                                 "imageMinimumGCAge: 5m\nimageMaximumGCAge: 1h\n");
  assert_false(c->serialize_image_pulls);
  assert_true(c->has_max_parallel_image_pulls);
  assert_int_equal(c->max_parallel_image_pulls, 3);
  assert_int_equal(c->registry_pull_qps, 0); /* explicit 0: no limit */
  assert_int_equal(c->registry_burst, 10);   /* 0 is defaulted */
  assert_int_equal(c->node_status_max_images, -1);
  assert_int_equal(c->image_gc_high_threshold_percent, 90);
  assert_int_equal(c->image_gc_low_threshold_percent, 70);
  assert_int_equal(c->image_minimum_gc_age_us, 300 * G_USEC_PER_SEC);
  assert_int_equal(c->image_maximum_gc_age_us, (gint64)3600 * G_USEC_PER_SEC);
  ks_kubelet_config_unref(c);
  c = load(HEAD "maxParallelImagePulls: 1\n");
  assert_true(c->serialize_image_pulls);
  assert_int_equal(c->max_parallel_image_pulls, 1);
  ks_kubelet_config_unref(c);
  c = load(HEAD "serializeImagePulls: false\n");
  assert_false(c->serialize_image_pulls);
  assert_false(c->has_max_parallel_image_pulls);
  ks_kubelet_config_unref(c);
}

static void test_reserved(void **state) {
  (void)state;
  KsKubeletConfig *c = load(HEAD "systemReserved:\n  cpu: 500m\n  memory: 1Gi\n"
                                 "kubeReserved:\n  ephemeral-storage: 1Gi\n  pid: \"1000\"\n");
  assert_int_equal(ks_resource_list_get(&c->system_reserved, "cpu"), 500);
  assert_int_equal(ks_resource_list_get(&c->system_reserved, "memory"), 1024 * MI);
  assert_int_equal(ks_resource_list_get(&c->kube_reserved, "ephemeral-storage"), 1024 * MI);
  assert_int_equal(ks_resource_list_get(&c->kube_reserved, "pid"), 1000);
  ks_kubelet_config_unref(c);
}

/* A kubeadm-style file, fields ksim ignores included, loads unchanged. */
static void test_real_file(void **state) {
  (void)state;
  GError *err = NULL;
  KsKubeletConfig *c = ks_kubelet_config_load_file(KSIM_TEST_DATA "/kubelet/kubeadm-kubelet.yaml", &err);
  if (!c)
    fail_msg("%s", err->message);
  const KsEvictionThreshold *t = ks_kubelet_config_threshold(c, KS_EVICTION_SIGNAL_MEMORY_AVAILABLE, TRUE);
  assert_non_null(t);
  assert_int_equal(t->value.quantity, 500 * MI);
  t = ks_kubelet_config_threshold(c, KS_EVICTION_SIGNAL_MEMORY_AVAILABLE, FALSE);
  assert_non_null(t);
  assert_int_equal(t->grace_period_us, 30 * G_USEC_PER_SEC);
  assert_false(c->serialize_image_pulls);
  assert_int_equal(c->max_parallel_image_pulls, 5);
  ks_kubelet_config_unref(c);
}

typedef struct {
  const char *yaml; /* after HEAD unless it starts with '!' (then whole) */
  const char *message;
} Bad;

static const Bad bad[] = {
    {"!kind: KubeletConfiguration\n",
     "k.yaml:1:1: apiVersion: Required value: must be kubelet.config.k8s.io/v1beta1"},
    {"!apiVersion: kubelet.config.k8s.io/v1\nkind: KubeletConfiguration\n",
     "k.yaml:1:13: apiVersion: no kind \"KubeletConfiguration\" is registered for version "
     "\"kubelet.config.k8s.io/v1\": the v1.31 kubelet reads kubelet.config.k8s.io/v1beta1 files"},
    {"!apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeProxyConfiguration\n",
     "k.yaml:2:7: kind: no kind \"KubeProxyConfiguration\" is registered for version "
     "\"kubelet.config.k8s.io/v1beta1\""},
    {"!- 1\n", "k.yaml:1:1: expected a mapping, got a sequence"},
    {"evictionHrad:\n  memory.available: 1Gi\n",
     "k.yaml:3:1: evictionHrad: unknown field \"evictionHrad\""},
    {"maxPods: 10\nmaxPods: 20\n", "k.yaml:4:1: duplicate key \"maxPods\" (first at line 3)"},
    {"mergeDefaultEvictionSettings: true\n",
     "k.yaml:3:1: mergeDefaultEvictionSettings: unknown field \"mergeDefaultEvictionSettings\": "
     "KubeletConfiguration v1.31 has no such field (it came in a later release; ksim follows "
     "v1.31, where a given evictionHard replaces the defaults)"},
    {"evictionHard:\n  memory.free: 1Gi\n",
     "k.yaml:4:3: evictionHard[memory.free]: unsupported eviction signal memory.free"},
    {"evictionHard:\n  memory.available: 1Gi\n  memory.available: 2Gi\n",
     "k.yaml:5:3: duplicate key \"memory.available\" (first at line 4)"},
    {"evictionHard:\n  memory.available: <500Mi\n",
     "k.yaml:4:21: evictionHard[memory.available]: quantities must match the regular expression "
     "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"},
    {"evictionHard:\n  memory.available: 0\n",
     "k.yaml:4:21: evictionHard[memory.available]: eviction threshold memory.available must be "
     "positive: 0"},
    {"evictionHard:\n  memory.available: -100Mi\n",
     "k.yaml:4:21: evictionHard[memory.available]: eviction threshold memory.available must be "
     "positive: -100Mi"},
    {"evictionHard:\n  nodefs.available: 110%\n",
     "k.yaml:4:21: evictionHard[nodefs.available]: eviction percentage threshold nodefs.available "
     "must be <= 100%: 110%"},
    {"evictionHard:\n  nodefs.available: -5%\n",
     "k.yaml:4:21: evictionHard[nodefs.available]: eviction percentage threshold nodefs.available "
     "must be >= 0%: -5%"},
    {"evictionHard:\n  nodefs.available: ten%\n",
     "k.yaml:4:21: evictionHard[nodefs.available]: strconv.ParseFloat: parsing \"ten\": invalid "
     "syntax"},
    {"evictionHard:\n  nodefs.available: 1e40%\n",
     "k.yaml:4:21: evictionHard[nodefs.available]: strconv.ParseFloat: parsing \"1e40\": value out "
     "of range"},
    {"evictionHard:\n  memory.available:\n",
     "k.yaml:4:20: evictionHard[memory.available]: expected a string, got null"},
    {"evictionHard:\n  memory.available: [1]\n",
     "k.yaml:4:21: evictionHard[memory.available]: expected a string, got a sequence"},
    {"evictionHard: 1Gi\n", "k.yaml:3:15: evictionHard: expected a mapping, got \"1Gi\""},
    {"evictionSoft:\n  memory.available: 1Gi\n",
     "k.yaml:4:21: evictionSoft[memory.available]: grace period must be specified for the soft "
     "eviction threshold memory.available"},
    {"evictionSoft:\n  memory.available: 1Gi\nevictionSoftGracePeriod:\n  memory.available: 30\n",
     "k.yaml:6:21: evictionSoftGracePeriod[memory.available]: time: invalid duration \"30\""},
    {"evictionSoft:\n  memory.available: 1Gi\nevictionSoftGracePeriod:\n  memory.available: -30s\n",
     "k.yaml:6:21: evictionSoftGracePeriod[memory.available]: invalid eviction grace period "
     "specified: -30s, must be a positive value"},
    {"evictionSoftGracePeriod:\n  memory.avail: 30s\n",
     "k.yaml:4:3: evictionSoftGracePeriod[memory.avail]: unsupported eviction signal memory.avail"},
    {"evictionMinimumReclaim:\n  memory.available: 0%\n",
     "k.yaml:4:21: evictionMinimumReclaim[memory.available]: eviction percentage minimum reclaim "
     "memory.available must be positive: 0%"},
    {"evictionMinimumReclaim:\n  memory.available: -1Mi\n",
     "k.yaml:4:21: evictionMinimumReclaim[memory.available]: negative eviction minimum reclaim "
     "specified for memory.available"},
    {"evictionPressureTransitionPeriod: 5\n",
     "k.yaml:3:35: evictionPressureTransitionPeriod: time: invalid duration \"5\""},
    {"evictionMaxPodGracePeriod: \"60\"\n",
     "k.yaml:3:28: evictionMaxPodGracePeriod: expected an integer, got the string \"60\""},
    {"serializeImagePulls: yes please\n",
     "k.yaml:3:22: serializeImagePulls: \"yes please\" is not a boolean (true or false)"},
    {"maxParallelImagePulls: 0\nserializeImagePulls: false\n",
     "k.yaml:3:24: maxParallelImagePulls: invalid configuration: maxParallelImagePulls 0 must be "
     "a positive number"},
    {"maxParallelImagePulls: 4\nserializeImagePulls: true\n",
     "k.yaml:3:24: maxParallelImagePulls: invalid configuration: maxParallelImagePulls cannot be "
     "larger than 1 unless SerializeImagePulls (--serialize-image-pulls) is set to false"},
    {"imageGCHighThresholdPercent: 101\n",
     "k.yaml:3:30: imageGCHighThresholdPercent: invalid configuration: imageGCHighThresholdPercent "
     "(--image-gc-high-threshold) 101 must be between 0 and 100, inclusive"},
    {"imageGCLowThresholdPercent: -1\n",
     "k.yaml:3:29: imageGCLowThresholdPercent: invalid configuration: imageGCLowThresholdPercent "
     "(--image-gc-low-threshold) -1 must be between 0 and 100, inclusive"},
    {"imageGCLowThresholdPercent: 85\n",
     "k.yaml:3:29: imageGCLowThresholdPercent: invalid configuration: imageGCLowThresholdPercent "
     "(--image-gc-low-threshold) 85 must be less than imageGCHighThresholdPercent "
     "(--image-gc-high-threshold) 85"},
    {"imageMinimumGCAge: -1m\n",
     "k.yaml:3:20: imageMinimumGCAge: invalid configuration: imageMinimumGCAge -1m0s must not be "
     "negative"},
    {"imageMaximumGCAge: 90s\n",
     "k.yaml:3:20: imageMaximumGCAge: invalid configuration: imageMaximumGCAge 1m30s must be "
     "greater than imageMinimumGCAge 2m0s"},
    {"nodeStatusMaxImages: -2\n",
     "k.yaml:3:22: nodeStatusMaxImages: invalid configuration: nodeStatusMaxImages "
     "(--node-status-max-images) -2 must be -1 or greater"},
    {"registryPullQPS: -1\n",
     "k.yaml:3:18: registryPullQPS: invalid configuration: registryPullQPS (--registry-qps) -1 "
     "must not be a negative number"},
    {"registryBurst: -3\n",
     "k.yaml:3:16: registryBurst: invalid configuration: registryBurst (--registry-burst) -3 must "
     "not be a negative number"},
    {"maxPods: -1\n",
     "k.yaml:3:10: maxPods: invalid configuration: maxPods (--max-pods) -1 must not be a negative "
     "number"},
    {"systemReserved:\n  gpu: 1\n", "k.yaml:4:3: systemReserved.gpu: cannot reserve \"gpu\" resource"},
    {"kubeReserved:\n  memory: -1Gi\n",
     "k.yaml:4:11: kubeReserved.memory: resource quantity for \"memory\" cannot be negative: -1Gi"},
    {"kubeReserved:\n  memory: lots\n",
     "k.yaml:4:11: kubeReserved.memory: failed to parse quantity \"lots\" for \"memory\" resource: "
     "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"},
    {"!apiVersion: kubelet.config.k8s.io/v1beta1\n---\nkind: KubeletConfiguration\n",
     "k.yaml: expected exactly one KubeletConfiguration document, found 2"},
};

static void test_bad(void **state) {
  (void)state;
  guint failed = 0;
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    char *yaml = bad[i].yaml[0] == '!' ? g_strdup(bad[i].yaml + 1) : g_strconcat(HEAD, bad[i].yaml, NULL);
    GError *err = NULL;
    KsKubeletConfig *c = ks_kubelet_config_load_string(yaml, strlen(yaml), "k.yaml", &err);
    if (c) {
      print_error("bad[%u] loaded: %s\n", i, yaml);
      ks_kubelet_config_unref(c);
      failed++;
    } else if (strcmp(err->message, bad[i].message) != 0) {
      print_error("bad[%u]:\n got  %s\n want %s\n", i, err->message, bad[i].message);
      failed++;
    }
    g_clear_error(&err);
    g_free(yaml);
  }
  assert_int_equal(failed, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_eviction_hard_replaces_defaults),
      cmocka_unit_test(test_soft_and_min_reclaim),
      cmocka_unit_test(test_image_fields),
      cmocka_unit_test(test_reserved),
      cmocka_unit_test(test_real_file),
      cmocka_unit_test(test_bad),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
