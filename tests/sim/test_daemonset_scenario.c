/* A DaemonSet through a whole simulation run: tests/scenarios/daemonset-nodes.yaml
 * (the expected pods and times are worked out in its header), read back from
 * the results file. */
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
#define SCENARIO KSIM_TEST_DATA "/../scenarios/daemonset-nodes.yaml"

static KsResults *run(void) { return ks_test_run_scenario(SCENARIO); }

static void test_daemonset_scenario(void **state) {
  (void)state;
  KsResults *r = run();
  /* node -> (scheduled, started) of its one pod */
  static const struct {
    const char *node;
    gint64 scheduled, started;
  } want[] = {{"pool-0", S(0), S(1)}, {"pool-1", S(0), S(1)}, {"late-0", S(20), S(21)},
              {"infra-0", S(20), S(21)}};
  assert_int_equal(r->n_pods, G_N_ELEMENTS(want));
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    const KsPodRow *found = NULL;
    for (gsize j = 0; j < r->n_pods; j++) {
      const KsPodRow *p = &r->pods[j];
      assert_true(p->node >= 0);
      if (strcmp(r->nodes[p->node].name, want[i].node) == 0) {
        assert_null(found); /* one pod per node */
        found = p;
      }
    }
    if (found == NULL)
      fail_msg("no pod on %s", want[i].node);
    assert_string_equal(found->namespace, "kube-system");
    assert_true(g_str_has_prefix(found->name, "agent-"));
    assert_int_equal(strlen(found->name), strlen("agent-") + 5);
    assert_int_equal(found->created_us, want[i].scheduled);
    assert_int_equal(found->scheduled_us, want[i].scheduled);
    assert_int_equal(found->started_us, want[i].started);
    assert_int_equal(found->outcome, KS_OUTCOME_RUNNING);
    assert_int_equal(found->cpu_request_milli, 100);
  }
  ks_results_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_daemonset_scenario),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
