/* The workload controllers in a whole run (tests/scenarios/controllers-*.yaml):
 * a Deployment and a ReplicaSet from manifests, pods created, scheduled,
 * finished and replaced; the reconcile latency delaying them; and the
 * spec.controllers block's bad inputs with their messages. */
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

/* "<prefix><5 characters of the name generator's alphabet>" */
static gboolean generated(const char *name, const char *prefix) {
  gsize n = strlen(prefix);
  if (strncmp(name, prefix, n) != 0 || strlen(name) != n + 5)
    return FALSE;
  return strspn(name + n, "bcdfghjklmnpqrstvwxz2456789") == 5;
}

static void test_deployment_and_replica_set(void **state) {
  KsResults *r = run("controllers-deployment.yaml");
  guint web = 0, batch = 0;
  gint64 batch_created[6] = {0};
  for (gsize i = 0; i < r->n_pods; i++) {
    const KsPodRow *p = &r->pods[i];
    if (strncmp(p->name, "web-", 4) == 0) {
      /* web-<10-character hash>-xxxxx */
      const char *dash = strrchr(p->name, '-');
      assert_true(dash > p->name + 4);
      char *prefix = g_strndup(p->name, (gsize)(dash - p->name + 1));
      assert_true(generated(p->name, prefix));
      g_free(prefix);
      assert_int_equal(p->created_us, 0);
      assert_int_equal(p->scheduled_us, 0);
      assert_true(p->node >= 0);
      web++;
    } else {
      assert_true(generated(p->name, "batch-"));
      assert_true(batch < 12);
      assert_int_equal(p->created_us % S(11), 0);
      batch_created[p->created_us / S(11)]++;
      batch++;
    }
  }
  assert_int_equal(web, 3);
  assert_int_equal(batch, 12);
  for (int g = 0; g < 6; g++)
    assert_int_equal(batch_created[g], 2);
  ks_results_free(r);
}

static void test_reconcile_latency(void **state) {
  KsResults *r = run("controllers-latency.yaml");
  assert_int_equal(r->n_pods, 3);
  for (gsize i = 0; i < r->n_pods; i++) {
    assert_int_equal(r->pods[i].created_us, S(4));
    assert_int_equal(r->pods[i].scheduled_us, S(4));
  }
  ks_results_free(r);
}

/* Same scenario and seed, same pod names. */
static void test_deterministic(void **state) {
  KsResults *a = run("controllers-deployment.yaml");
  KsResults *b = run("controllers-deployment.yaml");
  assert_int_equal(a->n_pods, b->n_pods);
  for (gsize i = 0; i < a->n_pods; i++)
    assert_string_equal(a->pods[i].name, b->pods[i].name);
  ks_results_free(a);
  ks_results_free(b);
}

static const char HEAD[] = "apiVersion: ksim.io/v1alpha1\n"
                           "kind: Scenario\n"
                           "metadata: {name: x}\n"
                           "spec:\n"
                           "  duration: 1m\n";

static void expect_error(const char *tail, const char *message) {
  char *doc = g_strconcat(HEAD, tail, NULL);
  GError *error = NULL;
  KsScenario *s = ks_scenario_load_string(doc, strlen(doc), "x.yaml", NULL, &error);
  assert_null(s);
  assert_non_null(error);
  assert_string_equal(error->message, message);
  g_error_free(error);
  g_free(doc);
}

static void test_bad_controllers_block(void **state) {
  expect_error("  controllers: 5\n", "x.yaml:6:16: spec.controllers: must be a mapping, not a scalar");
  expect_error("  controllers: {latency: 1s}\n",
               "x.yaml:6:17: spec.controllers.latency: unknown field (known fields: "
               "reconcileLatency)");
  expect_error("  controllers: {reconcileLatency: soon}\n",
               "x.yaml:6:35: spec.controllers.reconcileLatency: \"soon\" is not a duration "
               "(use units such as 500ms, 30s, 5m, 2h)");
  expect_error("  controllers: {reconcileLatency: -1s}\n",
               "x.yaml:6:35: spec.controllers.reconcileLatency: \"-1s\": a duration must not be "
               "negative");
  expect_error("  controllers: {reconcileLatency: [1s]}\n",
               "x.yaml:6:35: spec.controllers.reconcileLatency: must be a duration such as 30s, "
               "not a sequence");
  /* and the good one */
  char *doc = g_strconcat(HEAD, "  controllers: {reconcileLatency: 250ms}\n", NULL);
  GError *error = NULL;
  KsScenario *s = ks_scenario_load_string(doc, strlen(doc), "x.yaml", NULL, &error);
  g_assert_no_error(error);
  assert_int_equal(s->controller_reconcile_latency_us, 250000);
  ks_scenario_free(s);
  g_free(doc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_deployment_and_replica_set),
    cmocka_unit_test(test_reconcile_latency),
    cmocka_unit_test(test_deterministic),
    cmocka_unit_test(test_bad_controllers_block),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
