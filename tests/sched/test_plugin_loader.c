/* The plugin loader (sched/plugin_loader.c) with real shared objects: the
 * example NodeLabelScore loaded, registered and deciding a placement in a
 * profile beside NodeResourcesFit through the public scheduler API; its scores
 * through the plugin harness; its args errors; and every refusal with its
 * exact message: missing file, not a shared object, not a plugin, ABI and
 * layout mismatch, unresolved host symbol, name clashes (built-in, already
 * loaded, twice in one module), descriptors without a name, none at all.
 *
 * The modules are found under $KSIM_BUILD_DIR (set by tests/CMakeLists.txt):
 * plugins/node_label_score.so and tests/plugin_fixtures/fixture_*.so (built
 * from tests/sched/plugin_fixtures/fixture.c). Not an upstream port: there
 * is no upstream equivalent of loading plugins at run time (kube-scheduler
 * plugins are compiled in). */
#include "tests/sched/plugin_harness.h"

#include <glib/gstdio.h>

#include "sched/ksim_plugin.h"
#include "sched/plugin_loader.h"
#include "sched/scheduler.h"

#define LABEL "example.com/efficiency"

static char *build_path(const char *rel) {
  const char *dir = g_getenv("KSIM_BUILD_DIR");
  if (!dir)
    fail_msg("KSIM_BUILD_DIR is unset: run this test through ctest");
  return g_build_filename(dir, rel, NULL);
}

static char *example_path(void) { return build_path("plugins/node_label_score.so"); }

static char *fixture_path(const char *variant) {
  char *rel = g_strdup_printf("tests/plugin_fixtures/fixture_%s.so", variant);
  char *p = build_path(rel);
  g_free(rel);
  return p;
}

/* Loads `path` expecting failure with `code` and exactly `message`. */
static void expect_load_error(KsSchedPluginLoader *ld, const char *path, gint code,
                              const char *message) {
  GError *err = NULL;
  assert_false(ks_sched_load_plugin(ld, path, &err));
  assert_non_null(err);
  assert_true(err->domain == KS_SCHED_PLUGIN_ERROR);
  assert_string_equal(err->message, message);
  assert_int_equal(err->code, code);
  g_error_free(err);
}

static void load_ok(KsSchedPluginLoader *ld, const char *path) {
  GError *err = NULL;
  if (!ks_sched_load_plugin(ld, path, &err))
    fail_msg("%s", err->message);
}

static KsNode *labelled_node(const char *name, const char *cpu, const char *value) {
  KsNode *n = ks_test_node(name, cpu, "8Gi");
  if (value)
    ks_labels_set(&n->labels, LABEL, value);
  return n;
}

static KsPod *cpu_pod(const char *name, const char *cpu, const char *mem) {
  KsPod *p = ks_pod_new("default", name);
  KsContainer *c = ks_pod_add_container(p, "c", FALSE);
  assert_true(ks_resource_list_set_quantity(&c->requests, "cpu", cpu, NULL));
  if (mem)
    assert_true(ks_resource_list_set_quantity(&c->requests, "memory", mem, NULL));
  return p;
}

/* Where one 1-cpu/1Gi pod goes on n1 (4 cpu, label 10), n2 (4 cpu with 2 cpu
 * used, label 40), n3 (500m cpu: too small, label 100); `with_label_score`
 * adds NodeLabelScore at weight 5 to PrioritySort, NodeResourcesFit (weight
 * 1, LeastAllocated) and DefaultBinder. transfer full */
static char *place_one(const KsSchedRegistry *reg, gboolean with_label_score) {
  KsLabels args;
  ks_labels_init(&args);
  ks_labels_set(&args, "label", LABEL);
  KsSchedPluginConfig pcs[] = {
      {"PrioritySort", 0, NULL},
      {"NodeResourcesFit", 1, NULL},
      {"DefaultBinder", 0, NULL},
      {"NodeLabelScore", 5, &args},
  };
  GError *err = NULL;
  KsSchedFramework *fw =
      ks_sched_framework_new(reg, "research", pcs, with_label_score ? 4 : 3, &err);
  if (!fw)
    fail_msg("%s", err->message);
  ks_labels_clear(&args); /* create() copied what it needs */
  KsScheduler *s = ks_sched_new_with_profile(NULL, fw, &err);
  if (!s)
    fail_msg("%s", err->message);
  KsNode *nodes[] = {labelled_node("n1", "4", "10"), labelled_node("n2", "4", "40"),
                     labelled_node("n3", "500m", "100")};
  for (guint i = 0; i < G_N_ELEMENTS(nodes); i++) {
    ks_sched_add_node(s, nodes[i], 0);
    ks_node_unref(nodes[i]);
  }
  KsPod *busy = cpu_pod("busy", "2", NULL);
  g_free(busy->node_name);
  busy->node_name = g_strdup("n2");
  ks_sched_add_assigned_pod(s, busy, "n2", 0);
  KsPod *p = cpu_pod("p", "1", "1Gi");
  ks_sched_add_pending_pod(s, p, 0);
  KsSchedResult r;
  ks_sched_schedule_one(s, 0, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_SCHEDULED);
  assert_int_equal(r.feasible_nodes, 2);
  char *node = g_strdup(r.node);
  ks_sched_bind_done(s, p, TRUE, 0);
  ks_pod_unref(p);
  ks_pod_unref(busy);
  ks_sched_free(s);
  return node;
}

/* NodeResourcesFit alone: n1 81 ((75+87)/2) beats n2 55 ((25+85)/2).
 * With NodeLabelScore x5: n1 81+25*5 = 206, n2 55+100*5 = 555: n2. n3's
 * higher label does not matter: it is filtered out. */
static void test_example_decides_placement(void **state) {
  KsSchedRegistry *reg = ks_sched_registry_new();
  KsSchedPluginLoader *ld = ks_sched_plugin_loader_new(reg);
  assert_null(ks_sched_registry_lookup(reg, "NodeLabelScore"));
  char *path = example_path();
  load_ok(ld, path);
  assert_non_null(ks_sched_registry_lookup(reg, "NodeLabelScore"));
  assert_string_equal(ks_sched_plugin_loader_origin(ld, "NodeLabelScore"), path);
  assert_null(ks_sched_plugin_loader_origin(ld, "NodeResourcesFit"));
  assert_int_equal(ks_sched_plugin_loader_n_plugins(ld), 1);

  char *without = place_one(reg, FALSE);
  char *with = place_one(reg, TRUE);
  assert_string_equal(without, "n1");
  assert_string_equal(with, "n2");
  g_free(without);
  g_free(with);
  g_free(path);
  ks_sched_registry_free(reg);
  ks_sched_plugin_loader_free(ld);
}

/* Raw values 7, "x" (not an integer), absent, -3, 14, "+20": 7, 0, 0, 0, 14,
 * 20 (Go ParseInt accepts a sign); DefaultNormalizeScore: 100*v/20. */
static void test_example_scores(void **state) {
  KsSchedRegistry *reg = ks_sched_registry_new();
  KsSchedPluginLoader *ld = ks_sched_plugin_loader_new(reg);
  char *path = example_path();
  load_ok(ld, path);
  KsLabels args;
  ks_labels_init(&args);
  ks_labels_set(&args, "label", LABEL);
  KsTestEnv e;
  ks_test_env_init(&e, ks_sched_registry_lookup(reg, "NodeLabelScore"), &args);
  const char *values[] = {"7", "x", NULL, "-3", "14", "+20"};
  for (guint i = 0; i < G_N_ELEMENTS(values); i++) {
    char *name = g_strdup_printf("node%u", i);
    ks_test_env_add_node(&e, labelled_node(name, "1", values[i]));
    g_free(name);
  }
  KsPod *p = cpu_pod("p", "1", NULL);
  gint64 scores[G_N_ELEMENTS(values)];
  assert_int_equal(ks_test_env_score(&e, p, NULL, 0, scores), KS_SCHED_SUCCESS);
  const gint64 want[] = {35, 0, 0, 0, 70, 100};
  for (guint i = 0; i < G_N_ELEMENTS(want); i++)
    assert_int_equal(scores[i], want[i]);
  ks_pod_unref(p);
  ks_test_env_clear(&e);
  ks_labels_clear(&args);
  g_free(path);
  ks_sched_registry_free(reg);
  ks_sched_plugin_loader_free(ld);
}

static void expect_profile_error(const KsSchedRegistry *reg, const KsLabels *args,
                                 const char *message) {
  KsSchedPluginConfig pc = {"NodeLabelScore", 1, args};
  GError *err = NULL;
  assert_null(ks_sched_framework_new(reg, "research", &pc, 1, &err));
  assert_non_null(err);
  assert_string_equal(err->message, message);
  g_error_free(err);
}

static void test_example_args_errors(void **state) {
  KsSchedRegistry *reg = ks_sched_registry_new();
  KsSchedPluginLoader *ld = ks_sched_plugin_loader_new(reg);
  char *path = example_path();
  load_ok(ld, path);
  expect_profile_error(reg, NULL,
                       "profile research: plugin NodeLabelScore: args.label: Required value: "
                       "the node label to score by");
  KsLabels args;
  ks_labels_init(&args);
  ks_labels_set(&args, "label", "");
  expect_profile_error(reg, &args,
                       "profile research: plugin NodeLabelScore: args.label: Required value: "
                       "the node label to score by");
  ks_labels_set(&args, "label", LABEL);
  ks_labels_set(&args, "lable", LABEL);
  expect_profile_error(reg, &args,
                       "profile research: plugin NodeLabelScore: args.lable: unknown field "
                       "(NodeLabelScore takes: label)");
  ks_labels_clear(&args);
  g_free(path);
  ks_sched_registry_free(reg);
  ks_sched_plugin_loader_free(ld);
}

static void test_open_errors(void **state) {
  KsSchedRegistry *reg = ks_sched_registry_new();
  KsSchedPluginLoader *ld = ks_sched_plugin_loader_new(reg);

  char *missing = build_path("plugins/no_such_plugin.so");
  char *msg = g_strdup_printf("%s: cannot load plugin: no such file", missing);
  expect_load_error(ld, missing, KS_SCHED_PLUGIN_ERROR_OPEN, msg);
  g_free(msg);

  /* A directory is not a plugin file either. */
  char *dir = build_path("plugins");
  msg = g_strdup_printf("%s: cannot load plugin: no such file", dir);
  expect_load_error(ld, dir, KS_SCHED_PLUGIN_ERROR_OPEN, msg);
  g_free(msg);

  /* Not a shared object at all: dlopen's own message, with the full path. */
  const char *src = g_getenv("KSIM_SOURCE_DIR");
  assert_non_null(src);
  char *text = g_build_filename(src, "sched", "ksim_plugin.h", NULL);
  msg = g_strdup_printf("%s: cannot load plugin: %s: invalid ELF header", text, text);
  expect_load_error(ld, text, KS_SCHED_PLUGIN_ERROR_OPEN, msg);
  g_free(msg);

  /* BIND_NOW: a call into a function the host lacks is refused at load. */
  char *undef = fixture_path("undefined_symbol");
  msg = g_strdup_printf("%s: cannot load plugin: %s: undefined symbol: ks_no_such_function",
                        undef, undef);
  expect_load_error(ld, undef, KS_SCHED_PLUGIN_ERROR_OPEN, msg);
  g_free(msg);
  assert_null(ks_sched_registry_lookup(reg, "FixtureUndefined"));
  assert_int_equal(ks_sched_plugin_loader_n_plugins(ld), 0);

  g_free(missing);
  g_free(dir);
  g_free(text);
  g_free(undef);
  ks_sched_registry_free(reg);
  ks_sched_plugin_loader_free(ld);
}

/* A relative path means the current directory, not the library search path. */
static void test_relative_path(void **state) {
  KsSchedRegistry *reg = ks_sched_registry_new();
  KsSchedPluginLoader *ld = ks_sched_plugin_loader_new(reg);
  char *cwd = g_get_current_dir();
  char *dir = build_path("plugins");
  assert_int_equal(g_chdir(dir), 0);
  load_ok(ld, "node_label_score.so");
  assert_string_equal(ks_sched_plugin_loader_origin(ld, "NodeLabelScore"), "node_label_score.so");
  /* dlopen("libm.so.6") would find the system's libm; we look in "." only. */
  expect_load_error(ld, "libm.so.6", KS_SCHED_PLUGIN_ERROR_OPEN,
                    "libm.so.6: cannot load plugin: no such file");
  assert_int_equal(g_chdir(cwd), 0);
  g_free(cwd);
  g_free(dir);
  ks_sched_registry_free(reg);
  ks_sched_plugin_loader_free(ld);
}

static void test_not_a_plugin_and_abi(void **state) {
  KsSchedRegistry *reg = ks_sched_registry_new();
  KsSchedPluginLoader *ld = ks_sched_plugin_loader_new(reg);

  char *p = fixture_path("no_entry");
  char *msg = g_strdup_printf(
      "%s: not a ksim plugin: it does not export ksim_plugin_descriptors (see docs/plugins.md)",
      p);
  expect_load_error(ld, p, KS_SCHED_PLUGIN_ERROR_NOT_A_PLUGIN, msg);
  g_free(msg);
  g_free(p);

  p = fixture_path("bad_abi");
  msg = g_strdup_printf("%s: plugin built for ksim plugin ABI 999, but this ksim has ABI %u: "
                        "rebuild it against this ksim's sched/ksim_plugin.h",
                        p, KSIM_PLUGIN_ABI_VERSION);
  expect_load_error(ld, p, KS_SCHED_PLUGIN_ERROR_ABI, msg);
  g_free(msg);
  g_free(p);

  p = fixture_path("bad_layout");
  msg = g_strdup_printf("%s: plugin built against other ksim headers (layout 0x12345678, this "
                        "ksim 0x%08x, both ABI %u): rebuild it against this ksim's "
                        "sched/ksim_plugin.h",
                        p, (guint32)KSIM_PLUGIN_LAYOUT, KSIM_PLUGIN_ABI_VERSION);
  expect_load_error(ld, p, KS_SCHED_PLUGIN_ERROR_ABI, msg);
  g_free(msg);
  g_free(p);
  assert_null(ks_sched_registry_lookup(reg, "FixtureAbi"));

  p = fixture_path("empty");
  msg = g_strdup_printf("%s: plugin exports no descriptors", p);
  expect_load_error(ld, p, KS_SCHED_PLUGIN_ERROR_INVALID, msg);
  g_free(msg);
  g_free(p);

  p = fixture_path("unnamed");
  msg = g_strdup_printf("%s: descriptor 1 has no name", p);
  expect_load_error(ld, p, KS_SCHED_PLUGIN_ERROR_INVALID, msg);
  g_free(msg);
  g_free(p);
  assert_null(ks_sched_registry_lookup(reg, "FixtureGood")); /* all or nothing */
  assert_int_equal(ks_sched_plugin_loader_n_plugins(ld), 0);

  ks_sched_registry_free(reg);
  ks_sched_plugin_loader_free(ld);
}

static void test_name_clashes(void **state) {
  KsSchedRegistry *reg = ks_sched_registry_new();
  KsSchedPluginLoader *ld = ks_sched_plugin_loader_new(reg);
  const KsSchedPluginDesc *builtin = ks_sched_registry_lookup(reg, "NodeResourcesFit");

  char *p = fixture_path("builtin_clash");
  char *msg = g_strdup_printf("%s: plugin NodeResourcesFit has the name of a built-in plugin", p);
  expect_load_error(ld, p, KS_SCHED_PLUGIN_ERROR_DUPLICATE, msg);
  g_free(msg);
  g_free(p);
  /* Nothing of that module registered, the built-in untouched. */
  assert_null(ks_sched_registry_lookup(reg, "FixtureGood"));
  assert_ptr_equal(ks_sched_registry_lookup(reg, "NodeResourcesFit"), builtin);

  p = fixture_path("twice");
  msg = g_strdup_printf("%s: the module defines plugin FixtureTwice twice", p);
  expect_load_error(ld, p, KS_SCHED_PLUGIN_ERROR_DUPLICATE, msg);
  g_free(msg);
  g_free(p);
  assert_null(ks_sched_registry_lookup(reg, "FixtureTwice"));

  /* Two good modules side by side, then the example a second time. */
  char *example = example_path();
  char *good = fixture_path("good");
  load_ok(ld, example);
  load_ok(ld, good);
  assert_int_equal(ks_sched_plugin_loader_n_plugins(ld), 2);
  assert_string_equal(ks_sched_plugin_loader_origin(ld, "FixtureGood"), good);
  msg = g_strdup_printf("%s: plugin NodeLabelScore is already loaded from %s", example, example);
  expect_load_error(ld, example, KS_SCHED_PLUGIN_ERROR_DUPLICATE, msg);
  g_free(msg);
  /* The refused second open must not have closed the first: still usable. */
  KsLabels args;
  ks_labels_init(&args);
  ks_labels_set(&args, "label", LABEL);
  KsSchedPluginConfig pc = {"NodeLabelScore", 1, &args};
  GError *err = NULL;
  KsSchedFramework *fw = ks_sched_framework_new(reg, "research", &pc, 1, &err);
  assert_non_null(fw);
  ks_sched_framework_free(fw);
  ks_labels_clear(&args);

  g_free(example);
  g_free(good);
  ks_sched_registry_free(reg);
  ks_sched_plugin_loader_free(ld);
}

/* The loader is freed last and NULL-safe; the public header's numbers are
 * what a module compiled now reports. */
static void test_free_null(void **state) { ks_sched_plugin_loader_free(NULL); }

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_example_decides_placement),
      cmocka_unit_test(test_example_scores),
      cmocka_unit_test(test_example_args_errors),
      cmocka_unit_test(test_open_errors),
      cmocka_unit_test(test_relative_path),
      cmocka_unit_test(test_not_a_plugin_and_abi),
      cmocka_unit_test(test_name_clashes),
      cmocka_unit_test(test_free_null),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
