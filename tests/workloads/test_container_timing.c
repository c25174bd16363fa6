/* Per-container run times and exit codes (workloads/annotations.h):
 * ksim.io/run-time.<c> and ksim.io/exit-code.<c>, the fallback on the
 * pod-level annotations for regular containers, the defaults of init
 * containers (0 s, exit 0) and sidecars (forever), and a table of bad
 * inputs with their exact messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "sched/objects.h"
#include "workloads/annotations.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)

/* app, log; init containers setup (plain) and proxy (sidecar). */
static KsPod *web(void) {
  KsPod *p = ks_pod_new("default", "web");
  ks_pod_add_container(p, "app", FALSE);
  ks_pod_add_container(p, "log", FALSE);
  ks_pod_add_container(p, "setup", TRUE);
  ks_pod_add_container(p, "proxy", TRUE)->restart_always = TRUE;
  return p;
}

static void test_fallback_and_defaults(void **state) {
  (void)state;
  KsPod *p = web();
  assert_false(ks_pod_has_container_timing(p));
  ks_labels_set(&p->annotations, KS_ANNOTATION_RUN_TIME, "2m");
  ks_labels_set(&p->annotations, KS_ANNOTATION_EXIT_CODE, "3");
  assert_false(ks_pod_has_container_timing(p)); /* pod-level ones do not count */
  ks_labels_set(&p->annotations, "ksim.io/run-time.app", "1m30s");
  ks_labels_set(&p->annotations, "ksim.io/exit-code.log", "137");
  ks_labels_set(&p->annotations, "ksim.io/run-time.setup", "30s");
  assert_true(ks_pod_has_container_timing(p));
  GError *error = NULL;
  assert_true(ks_pod_check_container_timing(p, &error));
  assert_null(error);
  KsContainerTiming t;
  ks_pod_container_timing(p, "app", KS_CONTAINER_REGULAR, &t);
  assert_int_equal(t.run_time_us, S(90));
  assert_int_equal(t.exit_code, 3); /* the pod's */
  ks_pod_container_timing(p, "log", KS_CONTAINER_REGULAR, &t);
  assert_int_equal(t.run_time_us, S(120)); /* the pod's */
  assert_int_equal(t.exit_code, 137);
  ks_pod_container_timing(p, "setup", KS_CONTAINER_INIT, &t);
  assert_int_equal(t.run_time_us, S(30));
  assert_int_equal(t.exit_code, 0); /* the pod's exit code is its regular containers' */
  ks_pod_container_timing(p, "proxy", KS_CONTAINER_SIDECAR, &t);
  assert_int_equal(t.run_time_us, KS_RUN_TIME_FOREVER);
  assert_int_equal(t.exit_code, 0);
  ks_pod_unref(p);
  /* nothing at all: regular forever exit 0, init 0 s */
  p = web();
  ks_pod_container_timing(p, "app", KS_CONTAINER_REGULAR, &t);
  assert_int_equal(t.run_time_us, KS_RUN_TIME_FOREVER);
  assert_int_equal(t.exit_code, 0);
  ks_pod_container_timing(p, "setup", KS_CONTAINER_INIT, &t);
  assert_int_equal(t.run_time_us, 0);
  ks_pod_unref(p);
}

typedef struct {
  const char *key, *value, *message;
} Bad;

static void test_bad_inputs(void **state) {
  (void)state;
  static const char long_name[] = "cccccccccccccccccccccccccccccccccccccccccccccccccccccc"; /* 54: 64 with "exit-code." */
  char *long_key = g_strconcat("ksim.io/exit-code.", long_name, NULL);
  char *long_msg = g_strdup_printf(
      "pod default/web: annotation %s: the key's name part is longer than 63 characters (the "
      "API server refuses it); shorten the container's name",
      long_key);
  const Bad bad[] = {
      {"ksim.io/run-time.app", "5x",
       "pod default/web: annotation ksim.io/run-time.app: \"5x\" is not a duration (use units "
       "such as 500ms, 30s, 5m, 2h)"},
      {"ksim.io/run-time.app", "-5s",
       "pod default/web: annotation ksim.io/run-time.app: \"-5s\": a duration must not be negative"},
      {"ksim.io/exit-code.app", "x",
       "pod default/web: annotation ksim.io/exit-code.app: \"x\" is not an exit code (an integer "
       "0..255)"},
      {"ksim.io/exit-code.app", "256",
       "pod default/web: annotation ksim.io/exit-code.app: \"256\" is not an exit code (an "
       "integer 0..255)"},
      {"ksim.io/exit-code.app", "-1",
       "pod default/web: annotation ksim.io/exit-code.app: \"-1\" is not an exit code (an integer "
       "0..255)"},
      {"ksim.io/exit-code.app", "+1",
       "pod default/web: annotation ksim.io/exit-code.app: \"+1\" is not an exit code (an integer "
       "0..255)"},
      {"ksim.io/exit-code.app", "",
       "pod default/web: annotation ksim.io/exit-code.app: \"\" is not an exit code (an integer "
       "0..255)"},
      {"ksim.io/run-time.lgo", "5s",
       "pod default/web: annotation ksim.io/run-time.lgo: no container \"lgo\" in the pod "
       "(containers: app, log; init containers: setup, proxy)"},
      {"ksim.io/exit-code.", "1",
       "pod default/web: annotation ksim.io/exit-code.: no container \"\" in the pod (containers: "
       "app, log; init containers: setup, proxy)"},
      {long_key, "1", long_msg},
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    KsPod *p = web();
    ks_labels_set(&p->annotations, bad[i].key, bad[i].value);
    GError *error = NULL;
    assert_false(ks_pod_check_container_timing(p, &error));
    assert_non_null(error);
    assert_int_equal(error->domain, KS_ANNOTATION_ERROR);
    assert_string_equal(error->message, bad[i].message);
    g_error_free(error);
    /* the reader never fails: a bad own value counts as absent */
    KsContainerTiming t;
    ks_pod_container_timing(p, "app", KS_CONTAINER_REGULAR, &t);
    assert_int_equal(t.run_time_us, KS_RUN_TIME_FOREVER);
    assert_int_equal(t.exit_code, 0);
    ks_pod_unref(p);
  }
  /* a pod without containers lists none */
  KsPod *p = ks_pod_new("ns", "bare");
  ks_labels_set(&p->annotations, "ksim.io/run-time.x", "1s");
  GError *error = NULL;
  assert_false(ks_pod_check_container_timing(p, &error));
  assert_string_equal(error->message, "pod ns/bare: annotation ksim.io/run-time.x: no container "
                                      "\"x\" in the pod (containers: none)");
  g_error_free(error);
  ks_pod_unref(p);
  g_free(long_key);
  g_free(long_msg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fallback_and_defaults),
      cmocka_unit_test(test_bad_inputs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
