/* Volumes through whole simulation runs, read back from the results file:
 * tests/scenarios/volumes-wffc.yaml (a WaitForFirstConsumer claim
 * provisioned in the zone of the node the scheduler chose: a later pod
 * using the same claim must go there) and volumes-immediate.yaml (Immediate
 * claims bound to the smallest fitting PV before their pods schedule; the
 * pods follow their PVs; a claim nothing fits keeps its pod pending). The
 * expected placements and times are worked out in each scenario's header. */
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

static const KsPodRow *pod(const KsResults *r, const char *name) {
  return ks_test_pod_row(r, name);
}

static void expect(const KsResults *r, const char *name, const char *node, gint64 at) {
  const KsPodRow *p = pod(r, name);
  const char *got = p->node >= 0 ? r->nodes[p->node].name : "(none)";
  if (strcmp(got, node) != 0 || (node[0] != '(' && p->scheduled_us != at))
    fail_msg("%s: on %s at %" G_GINT64_FORMAT " us, want %s at %" G_GINT64_FORMAT, name, got,
             p->scheduled_us, node, at);
}

static void test_wait_for_first_consumer(void **state) {
  KsResults *r = run("volumes-wffc.yaml");
  expect(r, "filler-a", "a-0", S(0));
  expect(r, "filler-c", "c-0", S(0));
  expect(r, "first", "b-0", S(1));
  expect(r, "second", "b-0", S(30));
  ks_results_free(r);
}

static void test_immediate(void **state) {
  KsResults *r = run("volumes-immediate.yaml");
  expect(r, "app", "c-0", S(1));
  expect(r, "big-app", "b-0", S(6));
  expect(r, "stuck", "(none)", 0);
  assert_int_equal(pod(r, "stuck")->outcome, KS_OUTCOME_PENDING);
  ks_results_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_wait_for_first_consumer),
      cmocka_unit_test(test_immediate),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
