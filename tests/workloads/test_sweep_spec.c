/* The Sweep file decoder (a good file with every field asserted, seed
 * ranges, defaults, a table of broken files with their exact messages) and
 * setting scenario fields by path (ksim run --set). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <glib/gstdio.h>

#include "workloads/sweep_spec.h"

#define HEAD "apiVersion: ksim.io/v1alpha1\nkind: Sweep\nmetadata: {name: s}\n"

static KsSweepSpec *load(const char *text) {
  GError *error = NULL;
  KsSweepSpec *s = ks_sweep_spec_load_string(text, strlen(text), "sw.yaml", "/base", &error);
  if (!s)
    fail_msg("%s", error->message);
  return s;
}

static const KsSweepEntry *entry(const GPtrArray *a, guint i) {
  assert_true(i < a->len);
  return a->pdata[i];
}

static void test_full(void **state) {
  (void)state;
  KsSweepSpec *s = load(HEAD
                        "spec:\n"
                        "  scenarios: [a.yaml, /abs/b.yaml]\n"
                        "  traces: [t1.csv]\n"
                        "  traceFormat: openb\n"
                        "  profiles: [legacy-v1.7, conf/pack.yaml]\n"
                        "  parameters:\n"
                        "    spec.nodePools[0].count: [4, \"8\"]\n"
                        "    --replay: [speed=2]\n"
                        "  seeds: [7, 3]\n"
                        "  output: out/x\n");
  assert_string_equal(s->name, "s");
  assert_int_equal(s->scenarios->len, 2);
  assert_string_equal(entry(s->scenarios, 0)->text, "a.yaml");
  assert_string_equal(entry(s->scenarios, 0)->path, "/base/a.yaml");
  assert_int_equal(entry(s->scenarios, 0)->line, 5);
  assert_int_equal(entry(s->scenarios, 0)->column, 15);
  assert_string_equal(entry(s->scenarios, 1)->path, "/abs/b.yaml");
  assert_string_equal(entry(s->traces, 0)->path, "/base/t1.csv");
  assert_string_equal(s->trace_format, "openb");
  assert_null(entry(s->profiles, 0)->path);
  assert_string_equal(entry(s->profiles, 1)->path, "/base/conf/pack.yaml");
  assert_int_equal(s->params->len, 2);
  const KsSweepParam *p = s->params->pdata[0];
  assert_int_equal(p->kind, KS_SWEEP_PARAM_FIELD);
  assert_string_equal(p->name, "spec.nodePools[0].count");
  assert_int_equal(p->values->len, 2);
  const KsSweepValue *v0 = p->values->pdata[0], *v1 = p->values->pdata[1];
  assert_string_equal(v0->text, "4");
  assert_false(v0->quoted);
  assert_string_equal(v1->text, "8");
  assert_true(v1->quoted);
  p = s->params->pdata[1];
  assert_int_equal(p->kind, KS_SWEEP_PARAM_OPTION);
  assert_string_equal(p->name, "--replay");
  assert_int_equal(s->seeds->len, 2);
  assert_int_equal(g_array_index(s->seeds, gint64, 0), 7);
  assert_int_equal(g_array_index(s->seeds, gint64, 1), 3);
  assert_string_equal(s->output, "out/x");
  /* 2 scenarios x 1 trace x 2 profiles x 2 x 1 x 2 seeds */
  assert_int_equal(ks_sweep_spec_run_count(s), 16);
  ks_sweep_spec_free(s);
}

static void test_defaults_and_ranges(void **state) {
  (void)state;
  KsSweepSpec *s = load(HEAD "spec:\n  scenarios: [a.yaml]\n  seeds: {from: 5, to: 7}\n");
  assert_int_equal(s->profiles->len, 1);
  assert_string_equal(entry(s->profiles, 0)->text, "default");
  assert_null(entry(s->profiles, 0)->path);
  assert_int_equal(s->traces->len, 0);
  assert_int_equal(s->params->len, 0);
  assert_string_equal(s->output, "results/sweeps/s");
  assert_int_equal(s->seeds->len, 3);
  assert_int_equal(g_array_index(s->seeds, gint64, 0), 5);
  assert_int_equal(g_array_index(s->seeds, gint64, 2), 7);
  assert_int_equal(ks_sweep_spec_run_count(s), 3);
  ks_sweep_spec_free(s);
  s = load(HEAD "spec:\n  scenarios: [a.yaml]\n  seeds: {from: 0, count: 4}\n");
  assert_int_equal(s->seeds->len, 4);
  assert_int_equal(g_array_index(s->seeds, gint64, 3), 3);
  ks_sweep_spec_free(s);
}

static const struct {
  const char *text;
  const char *message;
} bad[] = {
  {"", "sw.yaml: empty file: expected a Sweep document"},
  {"- 1\n", "sw.yaml:1:1: must be a mapping, not a sequence"},
  {"apiVersion: ksim.io/v1alpha1\nkind: Scenario\nmetadata: {name: s}\nspec: {}\n",
   "sw.yaml:2:7: kind: must be Sweep, not \"Scenario\""},
  {"apiVersion: v1\nkind: Sweep\n", "sw.yaml:1:13: apiVersion: \"v1\" is not supported; use ksim.io/v1alpha1"},
  {"kind: Sweep\n", "sw.yaml:1:1: apiVersion: required field is missing"},
  {HEAD "spec: {scenarios: [a.yaml], seeds: [1]}\n---\nx: 1\n",
   "sw.yaml:6:1: a Sweep file holds one document; found a second one here"},
  {"apiVersion: ksim.io/v1alpha1\nkind: Sweep\nmetadata: {name: Bad_Name}\nspec: {}\n",
   "sw.yaml:3:18: metadata.name: \"Bad_Name\" is not a valid name (lower-case letters, digits, '-' and '.')"},
  {HEAD "spec:\n  scenarios: [a.yaml]\n  seed: [1]\n",
   "sw.yaml:6:3: spec.seed: unknown field (known fields: scenarios, traces, traceFormat, profiles, parameters, seeds, output)"},
  {HEAD "spec:\n  seeds: [1]\n", "sw.yaml:5:3: spec.scenarios: required field is missing"},
  {HEAD "spec:\n  scenarios: []\n  seeds: [1]\n", "sw.yaml:5:14: spec.scenarios: must list at least one value"},
  {HEAD "spec:\n  scenarios: a.yaml\n  seeds: [1]\n", "sw.yaml:5:14: spec.scenarios: must be a sequence, not a scalar"},
  {HEAD "spec:\n  scenarios: [a.yaml, a.yaml]\n  seeds: [1]\n",
   "sw.yaml:5:23: spec.scenarios[1]: \"a.yaml\" is listed twice (also spec.scenarios[0])"},
  {HEAD "spec:\n  scenarios: [{a: 1}]\n  seeds: [1]\n", "sw.yaml:5:15: spec.scenarios[0]: must be a string, not a mapping"},
  {HEAD "spec:\n  scenarios: [\"a\\tb.yaml\"]\n  seeds: [1]\n",
   "sw.yaml:5:15: spec.scenarios[0]: must not contain control characters (tab, newline, ...)"},
  {HEAD "spec:\n  scenarios: [a.yaml]\n  profiles: [fast]\n  seeds: [1]\n",
   "sw.yaml:6:14: spec.profiles[0]: \"fast\" is neither a built-in profile (default, legacy-v1.7) nor a KubeSchedulerConfiguration file (a path ending in .yaml or .yml)"},
  {HEAD "spec:\n  scenarios: [a.yaml]\n  traceFormat: openb\n  seeds: [1]\n",
   "sw.yaml:6:16: spec.traceFormat: only applies with spec.traces"},
  {HEAD "spec:\n  scenarios: [a.yaml]\n", "sw.yaml:5:3: spec.seeds: required field is missing"},
  {HEAD "spec:\n  scenarios: [a.yaml]\n  seeds: [1, -2]\n",
   "sw.yaml:6:14: spec.seeds[1]: must be an integer between 0 and 9223372036854775807"},
  {HEAD "spec:\n  scenarios: [a.yaml]\n  seeds: [\"1\"]\n",
   "sw.yaml:6:11: spec.seeds[0]: must be an integer between 0 and 9223372036854775807"},
  {HEAD "spec:\n  scenarios: [a.yaml]\n  seeds: [3, 3]\n",
   "sw.yaml:6:14: spec.seeds[1]: seed 3 is listed twice (also spec.seeds[0])"},
  {HEAD "spec:\n  scenarios: [a.yaml]\n  seeds: {from: 3, to: 2}\n",
   "sw.yaml:6:24: spec.seeds.to: must not be less than spec.seeds.from (3)"},
  {HEAD "spec:\n  scenarios: [a.yaml]\n  seeds: {from: 3}\n", "sw.yaml:6:10: spec.seeds: give exactly one of to and count"},
  {HEAD "spec:\n  scenarios: [a.yaml]\n  seeds: {to: 3}\n", "sw.yaml:6:10: spec.seeds.from: required field is missing"},
  {HEAD "spec:\n  scenarios: [a.yaml]\n  seeds: {from: 1, count: 0}\n",
   "sw.yaml:6:27: spec.seeds.count: must be between 1 and 10000"},
  {HEAD "spec:\n  scenarios: [a.yaml]\n  seeds: {from: 1, to: 10001}\n", "sw.yaml:6:10: spec.seeds: more than 10000 seeds"},
  {HEAD "spec:\n  scenarios: [a.yaml]\n  seeds: {from: 9223372036854775807, count: 2}\n",
   "sw.yaml:6:45: spec.seeds.count: the last seed would be larger than 9223372036854775807"},
  {HEAD "spec:\n  scenarios: [a.yaml]\n  seeds: {from: 1, step: 2}\n",
   "sw.yaml:6:20: spec.seeds.step: unknown field (known fields: from, to, count)"},
  {HEAD "spec:\n  scenarios: [a.yaml]\n  seeds: 1\n",
   "sw.yaml:6:10: spec.seeds: must be a sequence of seeds or a range {from, to} or {from, count}, not a scalar"},
  {HEAD "spec:\n  scenarios: [a.yaml]\n  parameters:\n    nodes: [1]\n  seeds: [1]\n",
   "sw.yaml:7:5: spec.parameters.nodes: not a scenario field path (spec.… or metadata.…, e.g. spec.nodePools[0].count) nor a ksim run option (--tie-break, --replay, --trace-param, --terminated-pod-gc-threshold)"},
  {HEAD "spec:\n  scenarios: [a.yaml]\n  parameters:\n    spec.nodePools[x].count: [1]\n  seeds: [1]\n",
   "sw.yaml:7:5: spec.parameters[spec.nodePools[x].count]: not a scenario field path (spec.… or metadata.…, e.g. spec.nodePools[0].count) nor a ksim run option (--tie-break, --replay, --trace-param, --terminated-pod-gc-threshold)"},
  {HEAD "spec:\n  scenarios: [a.yaml]\n  parameters:\n    --seed: [1]\n  seeds: [1]\n",
   "sw.yaml:7:5: spec.parameters[--seed]: not a scenario field path (spec.… or metadata.…, e.g. spec.nodePools[0].count) nor a ksim run option (--tie-break, --replay, --trace-param, --terminated-pod-gc-threshold)"},
  {HEAD "spec:\n  scenarios: [a.yaml]\n  parameters:\n    --replay: [speed]\n  seeds: [1]\n",
   "sw.yaml:7:16: spec.parameters[--replay][0]: \"speed\" is not KEY=VALUE"},
  {HEAD "spec:\n  scenarios: [a.yaml]\n  parameters:\n    spec.seed: [1, 1]\n  seeds: [1]\n",
   "sw.yaml:7:20: spec.parameters[spec.seed][1]: \"1\" is listed twice (also spec.parameters[spec.seed][0])"},
  {HEAD "spec:\n  scenarios: [a.yaml]\n  parameters:\n    spec.seed: []\n  seeds: [1]\n",
   "sw.yaml:7:16: spec.parameters[spec.seed]: must list at least one value"},
  {HEAD "spec:\n  scenarios: [a.yaml]\n  parameters:\n    spec.seed: [[1]]\n  seeds: [1]\n",
   "sw.yaml:7:17: spec.parameters[spec.seed][0]: must be a string, not a sequence"},
  {HEAD "spec:\n  scenarios: [a.yaml]\n  parameters: [spec.seed]\n  seeds: [1]\n",
   "sw.yaml:6:15: spec.parameters: must be a mapping, not a sequence"},
  {HEAD "spec:\n  scenarios: [a.yaml]\n  output: \"\"\n  seeds: [1]\n", "sw.yaml:6:11: spec.output: must not be empty"},
};

static void test_bad_inputs(void **state) {
  (void)state;
  guint failures = 0;
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    GError *error = NULL;
    KsSweepSpec *s = ks_sweep_spec_load_string(bad[i].text, strlen(bad[i].text), "sw.yaml", NULL, &error);
    if (s)
      fail_msg("case %zu loaded", i);
    if (strcmp(error->message, bad[i].message)) {
      print_error("case %zu:\n got  %s\n want %s\n", i, error->message, bad[i].message);
      failures++;
    }
    g_error_free(error);
  }
  assert_int_equal(failures, 0);
}

static void test_too_many_runs(void **state) {
  (void)state;
  GString *t = g_string_new(HEAD "spec:\n  scenarios: [a.yaml]\n  parameters:\n");
  for (int p = 0; p < 3; p++) {
    g_string_append_printf(t, "    spec.p%d: [", p);
    for (int v = 0; v < 50; v++)
      g_string_append_printf(t, "%s%d", v ? ", " : "", v);
    g_string_append(t, "]\n");
  }
  g_string_append(t, "  seeds: [1]\n");
  GError *error = NULL;
  assert_null(ks_sweep_spec_load_string(t->str, t->len, "sw.yaml", NULL, &error));
  assert_string_equal(error->message, "sw.yaml:5:3: spec: the matrix has 125000 runs, more than 100000");
  g_error_free(error);
  g_string_free(t, TRUE);
}

/* ---- ks_yaml_set_path ---------------------------------------------------- */

static const char *const scenario =
  "apiVersion: ksim.io/v1alpha1\n"
  "kind: Scenario\n"
  "metadata:\n"
  "  name: t\n"
  "spec:\n"
  "  duration: 1m\n"
  "  trace:\n"
  "  nodePools:\n"
  "  - name: a\n"
  "    count: 2\n"
  "    template: {apiVersion: v1, kind: Node, status: {capacity: {cpu: \"2\"}}}\n";

static KsYamlStream *stream(void) {
  GError *error = NULL;
  KsYamlStream *s = ks_yaml_load_string(scenario, strlen(scenario), "scn.yaml", &error);
  if (!s)
    fail_msg("%s", error->message);
  return s;
}

static void set_ok(KsYamlStream *s, const char *path, const char *value) {
  GError *error = NULL;
  if (!ks_yaml_set_path(s, path, value, &error))
    fail_msg("%s=%s: %s", path, value, error->message);
}

static const KsYamlNode *at(const KsYamlStream *s, const char *a, const char *b, const char *c) {
  const KsYamlNode *n = ks_yaml_get(s->documents->pdata[0], a);
  n = b ? ks_yaml_get(n, b) : n;
  return c ? ks_yaml_get(n, c) : n;
}

static void test_set_path(void **state) {
  (void)state;
  KsYamlStream *s = stream();
  set_ok(s, "spec.nodePools[0].count", "8");
  const KsYamlNode *count = ks_yaml_get(ks_yaml_item(at(s, "spec", "nodePools", NULL), 0), "count");
  assert_string_equal(count->scalar, "8");
  assert_false(count->quoted);
  assert_int_equal(count->line, 10); /* the position of the value replaced */
  assert_int_equal(count->column, 12);
  set_ok(s, "spec.seed", "'42'"); /* a new key */
  assert_string_equal(at(s, "spec", "seed", NULL)->scalar, "42");
  assert_true(at(s, "spec", "seed", NULL)->quoted);
  set_ok(s, "spec.controllers.reconcileLatency", "2s"); /* a new mapping on the way */
  assert_string_equal(at(s, "spec", "controllers", "reconcileLatency")->scalar, "2s");
  set_ok(s, "spec.trace.speed", "3"); /* "trace:" was null: it becomes a mapping */
  assert_string_equal(at(s, "spec", "trace", "speed")->scalar, "3");
  set_ok(s, "spec.nodePools[0].template.status.capacity", "{cpu: \"4\", memory: 8Gi}");
  const KsYamlNode *cap = ks_yaml_get(
    ks_yaml_get(ks_yaml_get(ks_yaml_item(at(s, "spec", "nodePools", NULL), 0), "template"), "status"),
    "capacity");
  assert_string_equal(ks_yaml_get(cap, "memory")->scalar, "8Gi");
  set_ok(s, "metadata.name", "");
  assert_true(ks_yaml_is_null(at(s, "metadata", "name", NULL)));
  ks_yaml_stream_free(s);
}

static void test_set_path_errors(void **state) {
  (void)state;
  static const struct {
    const char *path, *value, *message;
  } cases[] = {
    {"spec.nodePools[3].count", "1", "spec.nodePools[3]: index out of range (the sequence has 1 item)"},
    {"spec.duration[0]", "1", "spec.duration[0]: the parent is a scalar, not a sequence"},
    {"spec.duration.x", "1", "spec.duration.x: the parent is a scalar, not a mapping"},
    {"spec.nodePools.x", "1", "spec.nodePools.x: the parent is a sequence, not a mapping"},
    {"spec..x", "1", "\"spec..x\" is not a field path"},
    {"spec.seed", "[1", "value:2:1: did not find expected ',' or ']' (while parsing a flow sequence at line 1 column 1)"},
    {"spec.seed", "1\n---\n2", "the value holds more than one document"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    KsYamlStream *s = stream();
    GError *error = NULL;
    assert_false(ks_yaml_set_path(s, cases[i].path, cases[i].value, &error));
    if (strcmp(error->message, cases[i].message))
      fail_msg("case %zu:\n got  %s\n want %s", i, error->message, cases[i].message);
    g_error_free(error);
    ks_yaml_stream_free(s);
  }
}

static char *write_scenario(void) {
  GError *error = NULL;
  char *dir = g_dir_make_tmp("ksim-sweep-spec-XXXXXX", &error);
  assert_non_null(dir);
  char *path = g_build_filename(dir, "scn.yaml", NULL);
  assert_true(g_file_set_contents(path, scenario, -1, NULL));
  g_free(dir);
  return path;
}

static void remove_scenario(char *path) {
  g_unlink(path);
  char *dir = g_path_get_dirname(path);
  g_rmdir(dir);
  g_free(dir);
  g_free(path);
}

static void test_load_with_sets(void **state) {
  (void)state;
  char *path = write_scenario();
  GError *error = NULL;
  const char *sets[] = {"spec.nodePools[0].count=5", "spec.seed=9", "metadata.name=other", NULL};
  KsScenario *s = ks_scenario_load_file_with_sets(path, sets, &error);
  if (!s)
    fail_msg("%s", error->message);
  assert_int_equal(((KsNodePool *)s->node_pools->pdata[0])->count, 5);
  assert_int_equal(s->seed, 9);
  assert_string_equal(s->name, "other");
  ks_scenario_free(s);
  /* A value the scenario decoder refuses: its message, at the field's place. */
  const char *bad_value[] = {"spec.nodePools[0].count=0", NULL};
  assert_null(ks_scenario_load_file_with_sets(path, bad_value, &error));
  char *want = g_strdup_printf("%s:10:12: spec.nodePools[0].count: must be a positive integer", path);
  assert_string_equal(error->message, want);
  g_free(want);
  g_clear_error(&error);
  const char *no_eq[] = {"spec.seed", NULL};
  assert_null(ks_scenario_load_file_with_sets(path, no_eq, &error));
  assert_string_equal(error->message, "--set spec.seed: expected PATH=VALUE");
  g_clear_error(&error);
  const char *bad_path[] = {"spec.nodePools[1].count=1", NULL};
  assert_null(ks_scenario_load_file_with_sets(path, bad_path, &error));
  assert_string_equal(error->message,
                      "--set spec.nodePools[1].count=1: spec.nodePools[1]: index out of range (the sequence has 1 item)");
  g_clear_error(&error);
  remove_scenario(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_full),
    cmocka_unit_test(test_defaults_and_ranges),
    cmocka_unit_test(test_bad_inputs),
    cmocka_unit_test(test_too_many_runs),
    cmocka_unit_test(test_set_path),
    cmocka_unit_test(test_set_path_errors),
    cmocka_unit_test(test_load_with_sets),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
