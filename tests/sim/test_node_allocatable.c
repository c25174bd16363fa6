/* Node allocatable (sim/kubelet/node_allocatable.c) with upstream's unit-test
 * numbers (pkg/kubelet/cm/node_container_manager_linux_test.go, v1.31:
 * TestNodeAllocatableReservationForScheduling, TestNodeAllocatableForEnforcement),
 * the status setter's hugepages and floor at 0, reservedSystemCPUs replacing
 * the cpu reservation, pods from maxPods, a declared allocatable kept, and
 * the KubeletConfiguration fields this needs (reservedSystemCPUs,
 * enforceNodeAllocatable) with a table of bad values and their messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim/kubelet/node_allocatable.h"

#define MI (1024LL * 1024)
#define GI (1024LL * MI)
#define HEAD "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"

static KsKubeletConfig *load(const char *yaml) {
  GError *err = NULL;
  KsKubeletConfig *c = ks_kubelet_config_load_string(yaml, strlen(yaml), "k.yaml", &err);
  if (!c)
    fail_msg("%s", err->message);
  return c;
}

static KsKubeletConfig *load_fmt(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static KsKubeletConfig *load_fmt(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *body = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  char *yaml = g_strconcat(HEAD, body, NULL);
  KsKubeletConfig *c = load(yaml);
  g_free(yaml);
  g_free(body);
  return c;
}

/* capacity "cpu=10" style: cpu in millicores, the rest in plain units */
static void capacity(KsResourceList *l, gint64 milli_cpu, gint64 memory) {
  ks_resource_list_init(l);
  if (milli_cpu >= 0)
    ks_resource_list_set(l, KS_RESOURCE_CPU, milli_cpu);
  if (memory >= 0)
    ks_resource_list_set(l, KS_RESOURCE_MEMORY, memory);
}

/* TestNodeAllocatableReservationForScheduling, cpu and memory: capacity 10
 * cpus and 10Gi, a memory.available hard threshold (none, 100Mi, 5%). */
static void test_reservation_cpu_memory(void **state) {
  (void)state;
  static const struct {
    const char *kube, *sys, *hard;
    gint64 cap_cpu, cap_mem;
    gint64 want_cpu, want_mem; /* -1: no entry */
  } cases[] = {
    {"{cpu: 100m, memory: 100Mi}", "{cpu: 50m, memory: 50Mi}", "{}", 10000, 10 * GI, 150,
     150 * MI},
    {"{cpu: 100m, memory: 100Mi}", "{cpu: 50m, memory: 50Mi}", "{memory.available: 100Mi}",
     10000, 10 * GI, 150, 250 * MI},
    {"{cpu: 100m, memory: 100Mi}", "{cpu: 50m, memory: 50Mi}", "{memory.available: \"5%\"}",
     10000, 10 * GI, 150, 694157320},
    {"{}", "{}", "{}", 10000, 10 * GI, -1, -1},
    {"{memory: 100Mi}", "{cpu: 50m, memory: 50Mi}", "{}", 10000, 10 * GI, 50, 150 * MI},
    {"{cpu: 50m, memory: 100Mi}", "{memory: 50Mi}", "{}", 10000, 10 * GI, 50, 150 * MI},
    /* no memory capacity: nothing of memory is reserved */
    {"{memory: 100Mi}", "{memory: 50Mi}", "{}", 10000, -1, -1, -1},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    KsKubeletConfig *c = load_fmt("kubeReserved: %s\nsystemReserved: %s\nevictionHard: %s\n",
                                  cases[i].kube, cases[i].sys, cases[i].hard);
    KsResourceList cap, res;
    capacity(&cap, cases[i].cap_cpu, cases[i].cap_mem);
    ks_resource_list_init(&res);
    ks_node_allocatable_reservation(c, &cap, &res);
    assert_int_equal(ks_resource_list_has(&res, KS_RESOURCE_CPU), cases[i].want_cpu >= 0);
    assert_int_equal(ks_resource_list_has(&res, KS_RESOURCE_MEMORY), cases[i].want_mem >= 0);
    if (cases[i].want_cpu >= 0)
      assert_int_equal(res.milli_cpu, cases[i].want_cpu);
    if (cases[i].want_mem >= 0)
      assert_int_equal(res.memory, cases[i].want_mem);
    ks_resource_list_clear(&cap);
    ks_resource_list_clear(&res);
    ks_kubelet_config_unref(c);
  }
}

/* The same test, ephemeral storage: capacity 10Gi, nodefs.available. */
static void test_reservation_ephemeral_storage(void **state) {
  (void)state;
  static const struct {
    const char *kube, *hard;
    gint64 want; /* -1: no entry */
  } cases[] = {
    {"{ephemeral-storage: 100Mi}", "{}", 100 * MI},
    {"{ephemeral-storage: 100Mi}", "{nodefs.available: 100Mi}", 200 * MI},
    {"{ephemeral-storage: 150Mi}", "{nodefs.available: \"5%\"}", 694157320},
    {"{}", "{}", -1},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    KsKubeletConfig *c =
        load_fmt("kubeReserved: %s\nevictionHard: %s\n", cases[i].kube, cases[i].hard);
    KsResourceList cap, res;
    ks_resource_list_init(&cap);
    ks_resource_list_set(&cap, KS_RESOURCE_EPHEMERAL_STORAGE, 10 * GI);
    ks_resource_list_init(&res);
    ks_node_allocatable_reservation(c, &cap, &res);
    assert_int_equal(ks_resource_list_has(&res, KS_RESOURCE_EPHEMERAL_STORAGE), cases[i].want >= 0);
    if (cases[i].want >= 0)
      assert_int_equal(res.ephemeral_storage, cases[i].want);
    ks_resource_list_clear(&cap);
    ks_resource_list_clear(&res);
    ks_kubelet_config_unref(c);
  }
}

/* TestNodeAllocatableForEnforcement: the kubepods limit leaves the eviction
 * threshold out (10Gi - 150Mi = 10090Mi whatever the threshold). */
static void test_kubepods_memory(void **state) {
  (void)state;
  static const struct {
    const char *kube, *sys, *hard;
    gint64 cap_mem, want;
  } cases[] = {
    {"{cpu: 100m, memory: 100Mi}", "{cpu: 50m, memory: 50Mi}", "{}", 10 * GI, 10090 * MI},
    {"{cpu: 100m, memory: 100Mi}", "{cpu: 50m, memory: 50Mi}", "{memory.available: 100Mi}",
     10 * GI, 10090 * MI},
    {"{cpu: 100m, memory: 100Mi}", "{cpu: 50m, memory: 50Mi}", "{memory.available: \"5%\"}",
     10 * GI, 10090 * MI},
    {"{}", "{}", "{}", 10 * GI, 10 * GI},
    {"{memory: 100Mi}", "{cpu: 50m, memory: 50Mi}", "{}", 10 * GI, 10090 * MI},
    {"{cpu: 50m, memory: 100Mi}", "{memory: 50Mi}", "{}", 10 * GI, 10090 * MI},
    {"{memory: 100Mi}", "{memory: 50Mi}", "{}", -1, -1},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    KsKubeletConfig *c = load_fmt("kubeReserved: %s\nsystemReserved: %s\nevictionHard: %s\n",
                                  cases[i].kube, cases[i].sys, cases[i].hard);
    KsResourceList cap;
    capacity(&cap, 10000, cases[i].cap_mem);
    assert_int_equal(ks_node_allocatable_kubepods_memory(c, &cap), cases[i].want);
    ks_resource_list_clear(&cap);
    ks_kubelet_config_unref(c);
  }
  /* enforceNodeAllocatable without "pods": the kubepods cgroup keeps the capacity */
  KsKubeletConfig *c = load(HEAD "kubeReserved: {memory: 1Gi}\nenforceNodeAllocatable: []\n");
  KsResourceList cap;
  capacity(&cap, 10000, 10 * GI);
  assert_int_equal(ks_node_allocatable_kubepods_memory(c, &cap), 10 * GI);
  ks_kubelet_config_unref(c);
  c = load(HEAD "kubeReserved: {memory: 1Gi}\nenforceNodeAllocatable: [none]\n");
  assert_int_equal(ks_node_allocatable_kubepods_memory(c, &cap), 10 * GI);
  ks_kubelet_config_unref(c);
  /* hugepages are off the kubepods limit too */
  ks_resource_list_set(&cap, "hugepages-2Mi", 1 * GI);
  c = load(HEAD "kubeReserved: {memory: 1Gi}\n");
  assert_int_equal(ks_node_allocatable_kubepods_memory(c, &cap), 8 * GI);
  ks_kubelet_config_unref(c);
  ks_resource_list_clear(&cap);
}

/* The status setter: capacity - reservation per resource, floored at 0;
 * hugepages capacity off memory; extended resources untouched; pods from
 * maxPods when the capacity has none. */
static void test_allocatable(void **state) {
  (void)state;
  KsKubeletConfig *c = load(HEAD "systemReserved: {memory: 1Gi, ephemeral-storage: 1Gi}\n"
                                 "kubeReserved: {cpu: 500m}\n"
                                 "evictionHard: {memory.available: 500Mi, nodefs.available: \"10%\"}\n");
  KsResourceList cap, out_cap, alloc;
  capacity(&cap, 4000, 8 * GI);
  ks_resource_list_set(&cap, KS_RESOURCE_EPHEMERAL_STORAGE, 100 * GI);
  ks_resource_list_set(&cap, "hugepages-2Mi", 512 * MI);
  ks_resource_list_set(&cap, "nvidia.com/gpu", 4);
  ks_resource_list_init(&out_cap);
  ks_resource_list_init(&alloc);
  ks_node_allocatable_compute(c, &cap, &out_cap, &alloc);
  assert_int_equal(alloc.milli_cpu, 3500);
  /* 8Gi - 1Gi - 500Mi - 512Mi (hugepages) */
  assert_int_equal(alloc.memory, 8 * GI - 1 * GI - 500 * MI - 512 * MI);
  /* 100Gi - 1Gi - int64(float32(0.1) * 100Gi) = 107374182400 - 1073741824 - 10737418400 */
  assert_int_equal(alloc.ephemeral_storage, 95563022176LL);
  assert_int_equal(ks_resource_list_get(&alloc, "hugepages-2Mi"), 512 * MI);
  assert_int_equal(ks_resource_list_get(&alloc, "nvidia.com/gpu"), 4);
  assert_int_equal(alloc.pods, 110);
  assert_int_equal(out_cap.pods, 110);
  assert_int_equal(out_cap.memory, 8 * GI);
  ks_kubelet_config_unref(c);

  /* floored at 0; maxPods; a declared pods capacity is kept */
  c = load(HEAD "kubeReserved: {cpu: \"5\", memory: 20Gi}\nmaxPods: 50\n");
  ks_node_allocatable_compute(c, &cap, &out_cap, &alloc);
  assert_int_equal(alloc.milli_cpu, 0);
  assert_int_equal(alloc.memory, 0);
  assert_int_equal(alloc.pods, 50);
  ks_resource_list_set(&cap, KS_RESOURCE_PODS, 30);
  ks_node_allocatable_compute(c, &cap, NULL, &alloc);
  assert_int_equal(alloc.pods, 30);
  ks_kubelet_config_unref(c);

  /* podsPerCore: min(cores * podsPerCore, maxPods); 4 cpus (and 4500m: 4 cores) */
  KsResourceList cores;
  capacity(&cores, 4000, 8 * GI);
  c = load(HEAD "podsPerCore: 10\n");
  ks_node_allocatable_compute(c, &cores, NULL, &alloc);
  assert_int_equal(alloc.pods, 40);
  ks_resource_list_set(&cores, KS_RESOURCE_CPU, 4500);
  ks_node_allocatable_compute(c, &cores, NULL, &alloc);
  assert_int_equal(alloc.pods, 40);
  ks_kubelet_config_unref(c);
  c = load(HEAD "podsPerCore: 50\nmaxPods: 120\n");
  ks_node_allocatable_compute(c, &cores, NULL, &alloc);
  assert_int_equal(alloc.pods, 120);
  ks_kubelet_config_unref(c);
  ks_resource_list_clear(&cores);

  /* the defaults: 100Mi of memory, 10% of ephemeral storage */
  c = ks_kubelet_config_new_default();
  ks_node_allocatable_compute(c, &cap, NULL, &alloc);
  assert_int_equal(alloc.milli_cpu, 4000);
  assert_int_equal(alloc.memory, 8 * GI - 100 * MI - 512 * MI);
  assert_int_equal(alloc.ephemeral_storage, 100 * GI - 10737418400LL);
  ks_kubelet_config_unref(c);
  ks_resource_list_clear(&cap);
  ks_resource_list_clear(&out_cap);
  ks_resource_list_clear(&alloc);
}

/* reservedSystemCPUs: systemReserved's cpu becomes the number of CPUs it
 * lists and kubeReserved's is dropped (cmd/kubelet/app/server.go). */
static void test_reserved_system_cpus(void **state) {
  (void)state;
  KsKubeletConfig *c = load(HEAD "reservedSystemCPUs: \"0-1,6\"\n"
                                 "kubeReserved: {cpu: 500m, memory: 1Gi}\n"
                                 "systemReserved: {cpu: 100m}\n");
  assert_int_equal(c->reserved_system_cpus, 3);
  KsResourceList cap, alloc;
  capacity(&cap, 8000, 4 * GI);
  ks_resource_list_init(&alloc);
  ks_node_allocatable_compute(c, &cap, NULL, &alloc);
  assert_int_equal(alloc.milli_cpu, 5000);
  assert_int_equal(alloc.memory, 3 * GI - 100 * MI);
  ks_kubelet_config_unref(c);
  /* duplicates count once; "" is unset */
  c = load(HEAD "reservedSystemCPUs: \"3,1-3,2-2\"\n");
  assert_int_equal(c->reserved_system_cpus, 3);
  ks_kubelet_config_unref(c);
  c = load(HEAD "reservedSystemCPUs: \"\"\nkubeReserved: {cpu: 500m}\n");
  assert_int_equal(c->reserved_system_cpus, 0);
  ks_node_allocatable_compute(c, &cap, NULL, &alloc);
  assert_int_equal(alloc.milli_cpu, 7500);
  ks_kubelet_config_unref(c);
  ks_resource_list_clear(&cap);
  ks_resource_list_clear(&alloc);
}

static KsNode *node_with(gboolean from_capacity) {
  KsNode *n = ks_node_new("n");
  ks_resource_list_set(&n->capacity, KS_RESOURCE_CPU, 2000);
  ks_resource_list_set(&n->capacity, KS_RESOURCE_MEMORY, 4 * GI);
  ks_resource_list_set(&n->allocatable, KS_RESOURCE_CPU, 1900);
  ks_resource_list_set(&n->allocatable, KS_RESOURCE_MEMORY, 3 * GI);
  n->allocatable_from_capacity = from_capacity;
  return n;
}

/* A declared status.allocatable is the kubelet's own result: kept. */
static void test_apply(void **state) {
  (void)state;
  KsKubeletConfig *c = load(HEAD "systemReserved: {memory: 1Gi}\nkubeReserved: {cpu: 500m}\n"
                                 "evictionHard: {memory.available: 500Mi}\n");
  KsNode *declared = node_with(FALSE), *derived = node_with(TRUE);
  ks_node_allocatable_apply(declared, c);
  assert_int_equal(declared->allocatable.milli_cpu, 1900);
  assert_int_equal(declared->allocatable.memory, 3 * GI);
  assert_false(ks_resource_list_has(&declared->capacity, KS_RESOURCE_PODS));
  /* without a configuration: only the kubelet's pods capacity is added */
  ks_node_allocatable_apply(declared, NULL);
  assert_false(ks_resource_list_has(&declared->allocatable, KS_RESOURCE_PODS));
  KsNode *bare = node_with(TRUE);
  ks_node_allocatable_apply(bare, NULL);
  assert_int_equal(bare->allocatable.memory, 3 * GI);
  assert_int_equal(bare->allocatable.milli_cpu, 1900);
  assert_int_equal(bare->allocatable.pods, 110);
  assert_int_equal(bare->capacity.pods, 110);
  ks_resource_list_set(&bare->capacity, KS_RESOURCE_PODS, 30);
  ks_resource_list_set(&bare->allocatable, KS_RESOURCE_PODS, 30);
  ks_node_allocatable_apply(bare, NULL); /* a pods capacity of its own is kept */
  assert_int_equal(bare->allocatable.pods, 30);
  ks_node_unref(bare);
  ks_node_allocatable_apply(derived, c);
  assert_int_equal(derived->allocatable.milli_cpu, 1500);
  assert_int_equal(derived->allocatable.memory, 3 * GI - 500 * MI);
  assert_int_equal(derived->allocatable.pods, 110);
  assert_int_equal(derived->capacity.pods, 110);
  assert_int_equal(derived->capacity.memory, 4 * GI);
  KsNode *copy = ks_node_copy(derived);
  assert_true(copy->allocatable_from_capacity);
  ks_node_unref(copy);
  ks_node_unref(declared);
  ks_node_unref(derived);
  ks_kubelet_config_unref(c);
}

static void test_enforce_node_allocatable(void **state) {
  (void)state;
  KsKubeletConfig *c = ks_kubelet_config_new_default();
  assert_int_equal(c->enforce_node_allocatable, KS_ENFORCE_PODS);
  ks_kubelet_config_unref(c);
  c = load(HEAD "enforceNodeAllocatable:\n");
  assert_int_equal(c->enforce_node_allocatable, KS_ENFORCE_PODS);
  ks_kubelet_config_unref(c);
  c = load(HEAD "enforceNodeAllocatable: [pods, system-reserved, kube-reserved]\n"
                "systemReservedCgroup: /system.slice\nkubeReservedCgroup: /kube.slice\n");
  assert_int_equal(c->enforce_node_allocatable,
                   KS_ENFORCE_PODS | KS_ENFORCE_SYSTEM_RESERVED | KS_ENFORCE_KUBE_RESERVED);
  ks_kubelet_config_unref(c);
  c = load(HEAD "enforceNodeAllocatable: [none]\n");
  assert_int_equal(c->enforce_node_allocatable, 0);
  ks_kubelet_config_unref(c);
}

/* Bad values of the fields above, with ValidateKubeletConfiguration's words. */
static void test_bad_inputs(void **state) {
  (void)state;
  static const struct {
    const char *body, *msg;
  } cases[] = {
    {"reservedSystemCPUs: invalid-reserved-system-cpus\n",
     "k.yaml:3:21: reservedSystemCPUs: invalid configuration: unable to parse reservedSystemCPUs "
     "(--reserved-cpus) invalid-reserved-system-cpus, error: strconv.Atoi: parsing \"invalid\": "
     "invalid syntax"},
    {"reservedSystemCPUs: \"3-1\"\n",
     "k.yaml:3:21: reservedSystemCPUs: invalid configuration: unable to parse reservedSystemCPUs "
     "(--reserved-cpus) 3-1, error: invalid range \"3-1\" (3 > 1)"},
    {"reservedSystemCPUs: \"0,,1\"\n",
     "k.yaml:3:21: reservedSystemCPUs: invalid configuration: unable to parse reservedSystemCPUs "
     "(--reserved-cpus) 0,,1, error: strconv.Atoi: parsing \"\": invalid syntax"},
    {"reservedSystemCPUs: \"0-3\"\nsystemReservedCgroup: /system.slice\n",
     "k.yaml:3:21: reservedSystemCPUs: invalid configuration: can't use reservedSystemCPUs "
     "(--reserved-cpus) with systemReservedCgroup (--system-reserved-cgroup) or "
     "kubeReservedCgroup (--kube-reserved-cgroup)"},
    {"enforceNodeAllocatable: [invalid-enforce-node-allocatable]\n",
     "k.yaml:3:25: enforceNodeAllocatable: invalid configuration: option "
     "\"invalid-enforce-node-allocatable\" specified for enforceNodeAllocatable "
     "(--enforce-node-allocatable). Valid options are \"pods\", \"system-reserved\", "
     "\"kube-reserved\", or \"none\""},
    {"enforceNodeAllocatable: [none, kube-reserved]\nkubeReservedCgroup: /kube.slice\n",
     "k.yaml:3:25: enforceNodeAllocatable: invalid configuration: enforceNodeAllocatable "
     "(--enforce-node-allocatable) may not contain additional enforcements when \"none\" is "
     "specified"},
    {"enforceNodeAllocatable: [pods, system-reserved]\n",
     "k.yaml:3:25: enforceNodeAllocatable: invalid configuration: systemReservedCgroup "
     "(--system-reserved-cgroup) must be specified when \"system-reserved\" contained in "
     "enforceNodeAllocatable (--enforce-node-allocatable)"},
    {"enforceNodeAllocatable: [kube-reserved]\n",
     "k.yaml:3:25: enforceNodeAllocatable: invalid configuration: kubeReservedCgroup "
     "(--kube-reserved-cgroup) must be specified when \"kube-reserved\" contained in "
     "enforceNodeAllocatable (--enforce-node-allocatable)"},
    {"podsPerCore: -1\n",
     "k.yaml:3:14: podsPerCore: invalid configuration: podsPerCore (--pods-per-core) -1 must not "
     "be a negative number"},
    {"enforceNodeAllocatable: pods\n",
     "k.yaml:3:25: enforceNodeAllocatable: expected a sequence, got \"pods\""},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    char *yaml = g_strconcat(HEAD, cases[i].body, NULL);
    GError *err = NULL;
    KsKubeletConfig *c = ks_kubelet_config_load_string(yaml, strlen(yaml), "k.yaml", &err);
    if (c)
      fail_msg("case %u loaded", i);
    if (strcmp(err->message, cases[i].msg) != 0)
      fail_msg("case %u:\n got: %s\nwant: %s", i, err->message, cases[i].msg);
    g_error_free(err);
    g_free(yaml);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_reservation_cpu_memory),
    cmocka_unit_test(test_reservation_ephemeral_storage),
    cmocka_unit_test(test_kubepods_memory),
    cmocka_unit_test(test_allocatable),
    cmocka_unit_test(test_reserved_system_cpus),
    cmocka_unit_test(test_apply),
    cmocka_unit_test(test_enforce_node_allocatable),
    cmocka_unit_test(test_bad_inputs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
