/* Per-container usage annotations (workloads/usage.h,
 * ksim.io/usage-<resource>.<container>): which container each reaches, the
 * model's container order (regular containers, then init containers, plain
 * ones and sidecars, in spec order), the
 * pod-level annotation kept beside them, and a table of bad inputs with
 * their exact messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sched/objects.h"
#include "workloads/usage.h"

/* A pod "team/web" with containers app and log, init container setup and
 * sidecar proxy (restartPolicy Always). */
static KsPod *web(void) {
  KsPod *p = ks_pod_new("team", "web");
  ks_pod_add_container(p, "app", FALSE);
  ks_pod_add_container(p, "log", FALSE);
  ks_pod_add_container(p, "setup", TRUE);
  ks_pod_add_container(p, "proxy", TRUE)->restart_always = TRUE;
  return p;
}

static void test_container_profiles(void **state) {
  (void)state;
  KsPod *p = web();
  ks_labels_set(&p->annotations, "ksim.io/usage-memory.proxy", "64Mi");
  assert_true(ks_pod_has_usage(p)); /* a container annotation alone counts */
  ks_labels_set(&p->annotations, "ksim.io/usage-memory.log", "ramp(0s=0, 1m=300Mi)");
  ks_labels_set(&p->annotations, "ksim.io/usage-cpu.log", "50%limit");
  ks_labels_set(&p->annotations, KS_ANNOTATION_USAGE_MEMORY, "1Gi");
  KsPodUsage u;
  GError *error = NULL;
  assert_true(ks_pod_read_usage(p, &u, &error));
  assert_null(error);
  /* the pod-level profile stays (it covers app, the one without its own) */
  gint64 v = 0;
  assert_true(ks_usage_profile_is_constant(u.profile[KS_USAGE_MEMORY], &v));
  assert_true(v == 1024LL * 1024 * 1024);
  assert_null(u.profile[KS_USAGE_CPU]);
  /* in the model's order: log (a regular container) before proxy (a sidecar) */
  assert_int_equal(u.containers->len, 2);
  const KsContainerUsage *log = g_ptr_array_index(u.containers, 0);
  const KsContainerUsage *proxy = g_ptr_array_index(u.containers, 1);
  assert_string_equal(log->name, "log");
  assert_string_equal(proxy->name, "proxy");
  assert_int_equal(log->profile[KS_USAGE_MEMORY]->kind, KS_USAGE_RAMP);
  assert_int_equal(log->profile[KS_USAGE_CPU]->a.base, KS_USAGE_OF_LIMIT);
  assert_int_equal(log->profile[KS_USAGE_CPU]->a.v, 5000);
  assert_null(log->profile[KS_USAGE_EPHEMERAL_STORAGE]);
  assert_true(ks_usage_profile_is_constant(proxy->profile[KS_USAGE_MEMORY], &v));
  assert_true(v == 64LL * 1024 * 1024);
  assert_ptr_equal(ks_pod_usage_container(&u, "log", KS_USAGE_CPU), log->profile[KS_USAGE_CPU]);
  assert_null(ks_pod_usage_container(&u, "app", KS_USAGE_MEMORY));
  assert_null(ks_pod_usage_container(&u, "proxy", KS_USAGE_CPU));
  ks_pod_usage_clear(&u);
  assert_null(u.containers);
  ks_pod_unref(p);
}

/* Keys that only look alike are not container annotations. */
static void test_other_keys_ignored(void **state) {
  (void)state;
  KsPod *p = web();
  ks_labels_set(&p->annotations, "ksim.io/usage-gpu.app", "1");
  ks_labels_set(&p->annotations, "ksim.io/usage-cpuapp", "1");
  ks_labels_set(&p->annotations, "example.com/usage-cpu.app", "1");
  assert_false(ks_pod_has_usage(p));
  KsPodUsage u;
  assert_true(ks_pod_read_usage(p, &u, NULL));
  assert_null(u.containers);
  ks_pod_unref(p);
}

typedef struct {
  const char *key, *value;
  const char *key2, *value2; /* a second annotation, or NULL */
  const char *message;
} Bad;

static void test_bad_annotations(void **state) {
  (void)state;
  char long_name[64];
  memset(long_name, 'x', 40);
  long_name[40] = '\0';
  char *long_key = g_strconcat("ksim.io/usage-ephemeral-storage.", long_name, NULL);
  const Bad bad[] = {
      {"ksim.io/usage-memory.lgo", "1Gi", NULL, NULL,
       "pod team/web: annotation ksim.io/usage-memory.lgo: no container \"lgo\" in the pod "
       "(containers: app, log; init containers: setup, proxy)"},
      {"ksim.io/usage-cpu.", "1", NULL, NULL,
       "pod team/web: annotation ksim.io/usage-cpu.: no container \"\" in the pod (containers: "
       "app, log; init containers: setup, proxy)"},
      {"ksim.io/usage-cpu.setup", "1x", NULL, NULL,
       "pod team/web: annotation ksim.io/usage-cpu.setup: container \"setup\": \"1x\": column "
       "1: \"1x\" is not a quantity"},
      {"ksim.io/usage-memory.log", "uniform(1Gi 2Gi)", NULL, NULL,
       "pod team/web: annotation ksim.io/usage-memory.log: container \"log\": \"uniform(1Gi "
       "2Gi)\": column 13: expected ',', got '2'"},
      {"ksim.io/usage-cpu.proxy", "80%requests", NULL, NULL,
       "pod team/web: annotation ksim.io/usage-cpu.proxy: container \"proxy\": \"80%requests\": "
       "column 1: \"80%requests\": a percentage is of \"request\" or \"limit\" (e.g. "
       "80%request)"},
      {long_key, "1Gi", NULL, NULL, NULL}, /* message built below */
      /* the pod-level one would apply to no container */
      {"ksim.io/usage-cpu", "1", "ksim.io/usage-cpu.app", "1",
       NULL}, /* needs every container: see test_pod_level_unused */
      /* a bad pod-level profile is named as before */
      {"ksim.io/usage-cpu", "1x", "ksim.io/usage-cpu.app", "1",
       "pod team/web: annotation ksim.io/usage-cpu: \"1x\": column 1: \"1x\" is not a "
       "quantity"},
  };
  char *long_msg = g_strdup_printf(
      "pod team/web: annotation %s: the key's name part is longer than 63 characters (the API "
      "server refuses it); shorten the container's name",
      long_key);
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    KsPod *p = web();
    ks_labels_set(&p->annotations, bad[i].key, bad[i].value);
    if (bad[i].key2)
      ks_labels_set(&p->annotations, bad[i].key2, bad[i].value2);
    KsPodUsage u;
    GError *error = NULL;
    gboolean ok = ks_pod_read_usage(p, &u, &error);
    const char *want = bad[i].key == long_key ? long_msg : bad[i].message;
    if (!want) {
      assert_true(ok); /* app alone overrides; log and proxy still take the pod's */
      ks_pod_usage_clear(&u);
    } else {
      if (ok)
        fail_msg("case %u: accepted", i);
      assert_int_equal(error->domain, KS_USAGE_ERROR);
      if (strcmp(error->message, want) != 0)
        fail_msg("case %u:\n got  %s\n want %s", i, error->message, want);
      assert_null(u.containers);
      assert_null(u.profile[KS_USAGE_CPU]);
      g_clear_error(&error);
    }
    ks_pod_unref(p);
  }
  g_free(long_msg);
  g_free(long_key);
}

/* A pod-level annotation every container overrides applies to nothing. */
static void test_pod_level_unused(void **state) {
  (void)state;
  KsPod *p = web();
  ks_labels_set(&p->annotations, KS_ANNOTATION_USAGE_MEMORY, "1Gi");
  ks_labels_set(&p->annotations, "ksim.io/usage-memory.app", "1Gi");
  ks_labels_set(&p->annotations, "ksim.io/usage-memory.log", "1Gi");
  ks_labels_set(&p->annotations, "ksim.io/usage-memory.proxy", "1Gi");
  KsPodUsage u;
  GError *error = NULL;
  assert_false(ks_pod_read_usage(p, &u, &error));
  assert_string_equal(error->message,
                      "pod team/web: annotation ksim.io/usage-memory: every container has its own "
                      "ksim.io/usage-memory.<container>, so it applies to none; remove one or "
                      "the other");
  g_clear_error(&error);
  /* cpu is another resource: the memory overrides do not touch it */
  ks_labels_remove(&p->annotations, KS_ANNOTATION_USAGE_MEMORY);
  ks_labels_set(&p->annotations, KS_ANNOTATION_USAGE_CPU, "1");
  assert_true(ks_pod_read_usage(p, &u, &error));
  assert_int_equal(u.containers->len, 3);
  ks_pod_usage_clear(&u);
  ks_pod_unref(p);
}

/* A plain init container has a usage of its own (it runs, alone, before the
 * containers); listed in the model's order, after the regular containers
 * and before the sidecar declared after it. It takes no part of the
 * pod-level profile: the pod-level memory still applies to app alone. */
static void test_init_container_usage(void **state) {
  (void)state;
  KsPod *p = web();
  ks_labels_set(&p->annotations, "ksim.io/usage-memory.setup", "step(0s=10Mi, 5s=300Mi)");
  assert_true(ks_pod_has_usage(p));
  ks_labels_set(&p->annotations, "ksim.io/usage-memory.proxy", "64Mi");
  ks_labels_set(&p->annotations, "ksim.io/usage-memory.log", "64Mi");
  ks_labels_set(&p->annotations, KS_ANNOTATION_USAGE_MEMORY, "1Gi");
  KsPodUsage u;
  GError *error = NULL;
  assert_true(ks_pod_read_usage(p, &u, &error));
  assert_null(error);
  assert_int_equal(u.containers->len, 3);
  assert_string_equal(((const KsContainerUsage *)g_ptr_array_index(u.containers, 0))->name, "log");
  assert_string_equal(((const KsContainerUsage *)g_ptr_array_index(u.containers, 1))->name,
                      "setup");
  assert_string_equal(((const KsContainerUsage *)g_ptr_array_index(u.containers, 2))->name,
                      "proxy");
  assert_int_equal(ks_pod_usage_container(&u, "setup", KS_USAGE_MEMORY)->kind, KS_USAGE_STEP);
  assert_non_null(u.profile[KS_USAGE_MEMORY]);
  ks_pod_usage_clear(&u);
  ks_pod_unref(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_container_profiles),
      cmocka_unit_test(test_init_container_usage),
      cmocka_unit_test(test_other_keys_ignored),
      cmocka_unit_test(test_bad_annotations),
      cmocka_unit_test(test_pod_level_unused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
