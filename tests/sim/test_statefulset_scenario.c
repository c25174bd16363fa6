/* StatefulSets through a whole simulation run: tests/scenarios/statefulset-parallel.yaml
 * and statefulset-ordered.yaml (the expected pods and times are worked out in
 * their headers), read back from the results file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/sim/scenario_results.h"
#include <glib/gstdio.h>

#include "sim/results_read.h"
#include "sim/simulation.h"
#include "workloads/scenario.h"

#define S(x) ((gint64)(x) * 1000000)

static KsResults *run(const char *file) { return ks_test_run_bundled_scenario(file); }

static void test_statefulset_scenario(void **state) {
  (void)state;
  KsResults *r = run("statefulset-parallel.yaml");
  assert_int_equal(r->n_pods, 3);
  for (gsize i = 0; i < r->n_pods; i++) {
    const KsPodRow *p = &r->pods[i];
    char *want = g_strdup_printf("web-%d", (int)i); /* rows in creation order */
    assert_string_equal(p->name, want);
    g_free(want);
    assert_string_equal(p->namespace, "default");
    assert_int_equal(p->created_us, S(0));
    assert_int_equal(p->scheduled_us, S(0));
    assert_int_equal(p->started_us, S(1));
    assert_int_equal(p->outcome, KS_OUTCOME_RUNNING);
    assert_true(p->node >= 0);
  }
  ks_results_free(r);
}

/* OrderedReady: member i is created when member i-1 turns Ready (Running),
 * one start latency after the one before. */
static void test_statefulset_ordered_scenario(void **state) {
  (void)state;
  KsResults *r = run("statefulset-ordered.yaml");
  assert_int_equal(r->n_pods, 3);
  for (gsize i = 0; i < r->n_pods; i++) {
    const KsPodRow *p = &r->pods[i];
    char *want = g_strdup_printf("web-%d", (int)i);
    assert_string_equal(p->name, want);
    g_free(want);
    assert_int_equal(p->created_us, S(i));
    assert_int_equal(p->scheduled_us, S(i));
    assert_int_equal(p->started_us, S(i + 1));
    assert_int_equal(p->outcome, KS_OUTCOME_RUNNING);
  }
  ks_results_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_statefulset_scenario),
      cmocka_unit_test(test_statefulset_ordered_scenario),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
