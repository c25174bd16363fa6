/* GPU sharing through a whole simulation run: tests/scenarios/gpu-share.yaml
 * (the expected placements and times are worked out in its header) with a
 * KubeSchedulerConfiguration that enables GpuShare, read back from the
 * results file. */
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
#define SCENARIO KSIM_TEST_DATA "/../scenarios/gpu-share.yaml"

static KsResults *run(void) { return ks_test_run_scenario(SCENARIO); }

static const KsPodRow *pod(const KsResults *r, const char *name) {
  return ks_test_pod_row(r, name);
}

static const char *node_of(const KsResults *r, const KsPodRow *p) {
  return p->node >= 0 ? r->nodes[p->node].name : "(none)";
}

static void test_gpu_scenario(void **state) {
  KsResults *r = run();
  const KsPodRow *a = pod(r, "half-a"), *b = pod(r, "half-b"), *one = pod(r, "single");
  assert_string_equal(node_of(r, a), "v100-0");
  assert_string_equal(node_of(r, b), "v100-0");
  assert_string_equal(node_of(r, one), "v100-0");
  assert_int_equal(one->scheduled_us, S(2));
  assert_int_equal(one->outcome, KS_OUTCOME_RUNNING);
  const KsPodRow *pair = pod(r, "pair");
  assert_int_equal(pair->outcome, KS_OUTCOME_PENDING);
  assert_int_equal(pair->node, -1);
  assert_int_equal(pair->gpu_count, 2);
  assert_int_equal(pair->gpu_request_milli, 2000);
  const KsPodRow *share = pod(r, "t4-share"), *whole = pod(r, "t4-whole");
  assert_string_equal(node_of(r, share), "t4-0");
  assert_int_equal(share->scheduled_us, S(4));
  assert_int_equal(share->finished_us, S(15));
  assert_int_equal(share->outcome, KS_OUTCOME_SUCCEEDED);
  assert_string_equal(node_of(r, whole), "t4-0");
  if (whole->scheduled_us < S(15) || whole->scheduled_us > S(17))
    fail_msg("t4-whole bound at %" G_GINT64_FORMAT " us, want 15-17 s", whole->scheduled_us);
  ks_results_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_gpu_scenario),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
