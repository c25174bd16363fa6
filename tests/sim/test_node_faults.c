/* Node faults (sim/node_faults.c): the kubelet's down/up writes, the last
 * Lease renewal on the 10 s grid, random faults drawn per node from its own
 * stream (exact times recomputed from the stream, unchanged when another
 * pool or entry is added, different with another seed), and spec.faults'
 * bad inputs with their exact messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sched/objects.h"
#include "sim/controllers/node_lifecycle.h"
#include "sim/engine.h"
#include "sim/node_faults.h"
#include "sim/store.h"
#include "workloads/generator.h"
#include "workloads/scenario.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)

static void test_last_renewal(void **state) {
  (void)state;
  assert_int_equal(ks_node_fault_last_renewal(0), 0);
  assert_int_equal(ks_node_fault_last_renewal(1), 0);
  assert_int_equal(ks_node_fault_last_renewal(S(10)), 0);
  assert_int_equal(ks_node_fault_last_renewal(S(10) + 1), S(10));
  assert_int_equal(ks_node_fault_last_renewal(S(95)), S(90));
  assert_int_equal(ks_node_fault_last_renewal(S(100)), S(90));
}

static void test_set_down_and_up(void **state) {
  (void)state;
  KsEngine *e = ks_engine_new();
  KsStore *s = ks_store_new(e);
  KsNode *n = ks_node_new("n");
  ks_node_set_condition(n, "NetworkUnavailable", "False", "RouteCreated");
  assert_true(ks_store_create(s, KS_STORE_NODE, NULL, "n", n, (GDestroyNotify)ks_node_unref, NULL));
  ks_engine_run_until(e, S(100));
  GError *error = NULL;
  assert_true(ks_node_fault_set_down(s, "n", TRUE, &error));
  const KsNode *got = ks_store_get(s, KS_STORE_NODE, NULL, "n")->data;
  assert_true(ks_node_fault_is_down(got));
  assert_string_equal(ks_labels_get(&got->annotations, KS_ANNOTATION_LAST_LEASE_RENEWAL), "1m30s");
  /* already down: nothing written, no error */
  guint64 rv = ks_store_get(s, KS_STORE_NODE, NULL, "n")->resource_version;
  assert_false(ks_node_fault_set_down(s, "n", TRUE, &error));
  assert_null(error);
  assert_int_equal(ks_store_get(s, KS_STORE_NODE, NULL, "n")->resource_version, rv);
  /* the controller's Unknowns, then the kubelet's post on coming back */
  KsNode *c = ks_node_copy(got);
  ks_node_set_condition(c, "Ready", "Unknown", "NodeStatusUnknown");
  ks_node_set_condition(c, "MemoryPressure", "Unknown", "NodeStatusUnknown");
  ks_node_set_condition(c, "DiskPressure", "Unknown", "NodeStatusUnknown");
  ks_node_set_condition(c, "PIDPressure", "Unknown", "NodeStatusUnknown");
  assert_true(ks_store_update(s, KS_STORE_NODE, NULL, "n", c, (GDestroyNotify)ks_node_unref, rv,
                              NULL));
  assert_true(ks_node_fault_set_down(s, "n", FALSE, &error));
  got = ks_store_get(s, KS_STORE_NODE, NULL, "n")->data;
  assert_false(ks_node_fault_is_down(got));
  static const char *const want[][3] = {
    {"NetworkUnavailable", "False", "RouteCreated"},
    {"Ready", "True", "KubeletReady"},
    {"MemoryPressure", "False", "KubeletHasSufficientMemory"},
    {"DiskPressure", "False", "KubeletHasNoDiskPressure"},
    {"PIDPressure", "False", "KubeletHasSufficientPID"},
  };
  assert_int_equal(got->conditions->len, G_N_ELEMENTS(want));
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    const KsNodeCondition *nc = &g_array_index(got->conditions, KsNodeCondition, i);
    assert_string_equal(nc->type, want[i][0]);
    assert_string_equal(nc->status, want[i][1]);
    assert_string_equal(nc->reason, want[i][2]);
  }
  assert_false(ks_node_fault_set_down(s, "missing", TRUE, &error));
  assert_true(g_error_matches(error, KS_STORE_ERROR, KS_STORE_ERROR_NOT_FOUND));
  assert_string_equal(error->message, "nodes \"missing\" not found");
  g_error_free(error);
  ks_store_free(s);
  ks_engine_free(e);
}

/* ---- random faults ------------------------------------------------------------ */

static const char *scenario_fmt =
    "apiVersion: ksim.io/v1alpha1\n"
    "kind: Scenario\n"
    "metadata: {name: faults}\n"
    "spec:\n"
    "  duration: 12h\n"
    "  nodePools:\n"
    "  - name: a\n"
    "    count: 3\n"
    "    template: {status: {capacity: {cpu: '4'}}}\n"
    "  - name: b\n"
    "    count: 2\n"
    "    template: {metadata: {labels: {flaky: 'yes'}}, status: {capacity: {cpu: '4'}}}\n"
    "  faults:\n"
    "%s"
    "  - pool: a\n"
    "    mtbf: {distribution: exponential, mean: 2h}\n"
    "    mttr: {distribution: uniform, min: 5m, max: 20m}\n"
    "%s";

static const char *selector_entry = "  - nodeSelector: {matchLabels: {flaky: 'yes'}}\n"
                                    "    mtbf: {distribution: constant, value: 3h}\n"
                                    "    mttr: {distribution: constant, value: 10m}\n";

typedef struct {
  KsEngine *e;
  GString *log; /* "node:down@s " / "node:up@s " */
} Log;

static void on_node(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                    const KsStoreObject *new_obj, gpointer user_data) {
  (void)s;
  Log *l = user_data;
  if (type != KS_WATCH_MODIFIED)
    return;
  gboolean was = ks_node_fault_is_down(old_obj->data), now = ks_node_fault_is_down(new_obj->data);
  if (was != now)
    g_string_append_printf(l->log, "%s:%s@%" G_GINT64_FORMAT " ", new_obj->name,
                           now ? "down" : "up", ks_engine_now(l->e));
}

/* The fault log of a 12 h run; before / after: spec.faults entries put
 * before and after pool a's. transfer full */
static char *fault_log(guint64 seed, const char *before, const char *after, guint64 *failures) {
  char *yaml = g_strdup_printf(scenario_fmt, before, after);
  GError *error = NULL;
  KsScenario *sc = ks_scenario_load_string(yaml, strlen(yaml), "f.yaml", NULL, &error);
  if (!sc)
    fail_msg("%s", error->message);
  KsEngine *e = ks_engine_new();
  KsStore *s = ks_store_new(e);
  Log l = {e, g_string_new("")};
  ks_store_watch(s, KS_STORE_NODE, on_node, &l);
  KsNodeFaults *f = ks_node_faults_new(s, sc->faults, seed);
  for (guint p = 0; p < sc->node_pools->len; p++) {
    const KsNodePool *pool = sc->node_pools->pdata[p];
    for (guint i = 0; i < pool->count; i++) {
      KsNode *n = ks_node_pool_instantiate(pool, i);
      assert_true(ks_store_create(s, KS_STORE_NODE, NULL, n->name, n,
                                  (GDestroyNotify)ks_node_unref, NULL));
    }
  }
  ks_engine_run_until(e, sc->duration_us);
  *failures = ks_node_faults_failures(f);
  ks_node_faults_free(f);
  ks_store_free(s);
  ks_engine_free(e);
  ks_scenario_free(sc);
  g_free(yaml);
  return g_string_free(l.log, FALSE);
}

/* The log lines of one node, in order. transfer full */
static char *only(const char *log, const char *node) {
  GString *g = g_string_new("");
  char **items = g_strsplit(log, " ", -1);
  for (guint i = 0; items[i]; i++)
    if (g_str_has_prefix(items[i], node) && items[i][strlen(node)] == ':')
      g_string_append_printf(g, "%s ", items[i]);
  g_strfreev(items);
  return g_string_free(g, FALSE);
}

static void test_random_faults_per_node_stream(void **state) {
  (void)state;
  guint64 failures = 0;
  char *log = fault_log(11, "", "", &failures);
  assert_true(failures > 0);
  /* a-1's faults, recomputed from its stream "fault/0/a-1" */
  GError *error = NULL;
  char *yaml = g_strdup_printf(scenario_fmt, "", "");
  KsScenario *sc = ks_scenario_load_string(yaml, strlen(yaml), "f.yaml", NULL, &error);
  const KsScenarioFault *spec = sc->faults->pdata[0];
  KsRng rng;
  ks_rng_init(&rng, 11, "fault/0/a-1");
  GString *want = g_string_new("");
  gint64 t = 0;
  for (gboolean down = FALSE;; down = !down) {
    t += ks_run_time_sample(down ? &spec->mttr : &spec->mtbf, &rng);
    if (t > sc->duration_us)
      break;
    g_string_append_printf(want, "a-1:%s@%" G_GINT64_FORMAT " ", down ? "up" : "down", t);
  }
  char *a1 = only(log, "a-1");
  assert_string_equal(a1, want->str);
  assert_true(strlen(a1) > 0);
  /* b's nodes have no entry: no faults */
  char *b0 = only(log, "b-0");
  assert_string_equal(b0, "");
  g_free(b0);

  /* the same seed: the same log; an entry for pool b after a's: a's nodes
   * unchanged; another seed: a different log */
  guint64 f2 = 0;
  char *again = fault_log(11, "", "", &f2);
  assert_string_equal(again, log);
  assert_int_equal(f2, failures);
  char *with_b = fault_log(11, "", selector_entry, &f2);
  char *a1_b = only(with_b, "a-1");
  assert_string_equal(a1_b, a1);
  b0 = only(with_b, "b-0");
  /* constant 3 h up, 10 min down, from 0 */
  assert_string_equal(b0, "b-0:down@10800000000 b-0:up@11400000000 b-0:down@22200000000 "
                          "b-0:up@22800000000 b-0:down@33600000000 b-0:up@34200000000 ");
  char *other = fault_log(12, "", "", &f2);
  assert_string_not_equal(other, log);

  g_free(b0);
  g_free(a1_b);
  g_free(with_b);
  g_free(other);
  g_free(again);
  g_free(a1);
  g_string_free(want, TRUE);
  ks_scenario_free(sc);
  g_free(yaml);
  g_free(log);
}

/* ---- spec.faults bad inputs ------------------------------------------------------- */

static void test_bad_faults(void **state) {
  (void)state;
  static const struct {
    const char *faults, *message;
  } cases[] = {
    {"  faults: {pool: a}\n", "f.yaml:10:11: spec.faults: must be a sequence, not a mapping"},
    {"  faults:\n  - {mtbf: {distribution: constant, value: 1h}, mttr: {distribution: constant, "
     "value: 1m}}\n",
     "f.yaml:11:5: spec.faults[0]: needs pool or nodeSelector"},
    {"  faults:\n  - {pool: a, nodeSelector: {matchLabels: {x: y}}, mtbf: {distribution: "
     "constant, value: 1h}, mttr: {distribution: constant, value: 1m}}\n",
     "f.yaml:11:5: spec.faults[0]: give pool or nodeSelector, not both"},
    {"  faults:\n  - {pool: b, mtbf: {distribution: constant, value: 1h}, mttr: {distribution: "
     "constant, value: 1m}}\n",
     "f.yaml:11:12: spec.faults[0].pool: no node pool named \"b\""},
    {"  faults:\n  - {pool: a, mttr: {distribution: constant, value: 1m}}\n",
     "f.yaml:11:5: spec.faults[0].mtbf: required field is missing"},
    {"  faults:\n  - {pool: a, mtbf: {distribution: constant, value: 1h}}\n",
     "f.yaml:11:5: spec.faults[0].mttr: required field is missing"},
    {"  faults:\n  - {pool: a, mtbf: {distribution: weibull}, mttr: {distribution: constant, "
     "value: 1m}}\n",
     "f.yaml:11:36: spec.faults[0].mtbf.distribution: \"weibull\" is not a distribution "
     "(constant, exponential, uniform, lognormal)"},
    {"  faults:\n  - {pool: a, mtbf: {distribution: constant, value: 0s}, mttr: {distribution: "
     "constant, value: 1m}}\n",
     "f.yaml:11:53: spec.faults[0].mtbf.value: must be greater than 0"},
    {"  faults:\n  - {pool: a, mtbf: {distribution: exponential, value: 1h}, mttr: "
     "{distribution: constant, value: 1m}}\n",
     "f.yaml:11:49: spec.faults[0].mtbf.value: unknown field (known fields: distribution, "
     "mean)"},
    {"  faults:\n  - {pool: a, mtbf: 1h, mttr: {distribution: constant, value: 1m}}\n",
     "f.yaml:11:21: spec.faults[0].mtbf: must be a mapping, not a scalar"},
    {"  faults:\n  - {pool: a, mtbf: {distribution: uniform, min: 2h, max: 1h}, mttr: "
     "{distribution: constant, value: 1m}}\n",
     "f.yaml:11:59: spec.faults[0].mtbf.max: must not be below min"},
    {"  faults:\n  - {pool: a, mtbf: {distribution: constant, value: 1h}, mttr: {distribution: "
     "constant, value: 1m}, node: x}\n",
     "f.yaml:11:101: spec.faults[0].node: unknown field (known fields: pool, nodeSelector, mtbf, "
     "mttr)"},
    {"  faults:\n  - {nodeSelector: {matchExpressions: [{key: x, operator: Bad}]}, mtbf: "
     "{distribution: constant, value: 1h}, mttr: {distribution: constant, value: 1m}}\n",
     NULL},
  };
  const char *head = "apiVersion: ksim.io/v1alpha1\n"
                     "kind: Scenario\n"
                     "metadata: {name: f}\n"
                     "spec:\n"
                     "  duration: 1h\n"
                     "  nodePools:\n"
                     "  - name: a\n"
                     "    count: 1\n"
                     "    template: {status: {capacity: {cpu: '1'}}}\n";
  guint bad = 0;
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    char *yaml = g_strconcat(head, cases[i].faults, NULL);
    GError *error = NULL;
    KsScenario *s = ks_scenario_load_string(yaml, strlen(yaml), "f.yaml", NULL, &error);
    if (s)
      fail_msg("case %u loaded", i);
    if (cases[i].message && strcmp(error->message, cases[i].message)) {
      print_error("case %u:\n got  %s\n want %s\n", i, error->message, cases[i].message);
      bad++;
    }
    if (!cases[i].message)
      assert_non_null(strstr(error->message, "spec.faults[0].nodeSelector"));
    g_error_free(error);
    g_free(yaml);
  }
  assert_int_equal(bad, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_last_renewal),
    cmocka_unit_test(test_set_down_and_up),
    cmocka_unit_test(test_random_faults_per_node_stream),
    cmocka_unit_test(test_bad_faults),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
