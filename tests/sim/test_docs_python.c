/* docs/results.md shows how to read a results file from h5py and pandas.
 * This test runs every ```python block of that page against a real results
 * file, so the documentation cannot drift from the schema. It needs Debian's
 * python3-h5py and python3-pandas (scripts/install-deps installs them); when
 * /usr/bin/python3 cannot import them the test says so and is skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <glib/gstdio.h>

#include "sim/simulation.h"

#define PYTHON "/usr/bin/python3"

static char *source_path(const char *rel) {
  const char *root = g_getenv("KSIM_SOURCE_DIR");
  return g_build_filename(root ? root : KSIM_SOURCE_DIR, rel, NULL);
}

static gboolean python_has(const char *modules) {
  char *code = g_strdup_printf("import %s", modules);
  char *argv[] = {PYTHON, "-c", code, NULL};
  int status = -1;
  gboolean ok = g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                             NULL, NULL, NULL, NULL, &status, NULL) &&
                g_spawn_check_wait_status(status, NULL);
  g_free(code);
  return ok;
}

/* transfer full: the ```python blocks of a Markdown file, in order. */
static GPtrArray *python_blocks(const char *markdown) {
  GPtrArray *blocks = g_ptr_array_new_with_free_func(g_free);
  const char *p = markdown;
  while ((p = strstr(p, "```python\n"))) {
    p += strlen("```python\n");
    const char *end = strstr(p, "```");
    assert_non_null(end);
    g_ptr_array_add(blocks, g_strndup(p, end - p));
    p = end + 3;
  }
  return blocks;
}

static void test_results_md_python_examples(void **state) {
  if (!g_file_test(PYTHON, G_FILE_TEST_IS_EXECUTABLE) || !python_has("h5py, pandas")) {
    print_message("skipped: " PYTHON " cannot import h5py and pandas (scripts/install-deps)\n");
    skip();
  }
  /* The examples open results/run.h5 relative to the working directory. */
  char *dir = g_dir_make_tmp("ksim-docs-XXXXXX", NULL);
  char *results_dir = g_build_filename(dir, "results", NULL);
  g_mkdir(results_dir, 0755);
  char *out = g_build_filename(results_dir, "run.h5", NULL);
  char *scenario_path = source_path("workloads/examples/tiny.yaml");
  KsScenario *scenario = ks_scenario_load_file(scenario_path, NULL);
  assert_non_null(scenario);
  KsRunOptions opts = {.output = out};
  KsRunReport report;
  assert_true(ks_simulation_run(scenario, &opts, &report, NULL));
  ks_run_report_clear(&report);
  ks_scenario_free(scenario);

  char *doc_path = source_path("docs/results.md");
  char *doc = NULL;
  assert_true(g_file_get_contents(doc_path, &doc, NULL, NULL));
  GPtrArray *blocks = python_blocks(doc);
  assert_true(blocks->len >= 2);
  for (guint i = 0; i < blocks->len; i++) {
    char *argv[] = {PYTHON, "-c", blocks->pdata[i], NULL};
    char *err = NULL;
    int status = -1;
    assert_true(g_spawn_sync(dir, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
                             &status, NULL));
    if (!g_spawn_check_wait_status(status, NULL))
      fail_msg("docs/results.md python block %u failed:\n%s\n%s", i + 1,
               (char *)blocks->pdata[i], err);
    g_free(err);
  }
  g_ptr_array_free(blocks, TRUE);
  g_free(doc);
  g_free(doc_path);
  g_unlink(out);
  g_rmdir(results_dir);
  g_rmdir(dir);
  g_free(scenario_path);
  g_free(out);
  g_free(results_dir);
  g_free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_results_md_python_examples),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
