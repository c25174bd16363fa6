/* The YAML document tree: positions, scalars, aliases, limits and the exact
 * error messages users see. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "workloads/yaml_doc.h"

static KsYamlStream *load(const char *text) {
  GError *error = NULL;
  KsYamlStream *s = ks_yaml_load_string(text, strlen(text), "t.yaml", &error);
  if (!s)
    fail_msg("unexpected error: %s", error->message);
  return s;
}

/* Loads text expecting an error; returns its message (transfer full). */
static char *load_error(const char *text, gint code) {
  GError *error = NULL;
  KsYamlStream *s = ks_yaml_load_string(text, strlen(text), "t.yaml", &error);
  assert_null(s);
  assert_non_null(error);
  assert_true(error->domain == KS_YAML_ERROR);
  assert_int_equal(error->code, code);
  char *msg = g_strdup(error->message);
  g_error_free(error);
  return msg;
}

static void expect_error(const char *text, gint code, const char *message) {
  char *msg = load_error(text, code);
  assert_string_equal(msg, message);
  g_free(msg);
}

static void test_tree_and_positions(void **state) {
  KsYamlStream *s = load("a: 1\nb:\n  - x\n  - \"2\"\n  - ~\nc: {d: e}\n");
  assert_int_equal(s->documents->len, 1);
  const KsYamlNode *root = s->documents->pdata[0];
  assert_int_equal(root->kind, KS_YAML_MAPPING);
  assert_int_equal(ks_yaml_len(root), 3);
  assert_string_equal(ks_yaml_key(root, 1), "b");
  const KsYamlNode *a = ks_yaml_get(root, "a");
  assert_string_equal(a->scalar, "1");
  assert_false(a->quoted);
  assert_int_equal(a->line, 1);
  assert_int_equal(a->column, 4);
  const KsYamlNode *b = ks_yaml_get(root, "b");
  assert_int_equal(b->kind, KS_YAML_SEQUENCE);
  assert_int_equal(ks_yaml_len(b), 3);
  const KsYamlNode *two = ks_yaml_item(b, 1);
  assert_string_equal(two->scalar, "2");
  assert_true(two->quoted);
  assert_int_equal(two->line, 4);
  assert_int_equal(two->column, 5);
  assert_true(ks_yaml_is_null(ks_yaml_item(b, 2)));
  assert_null(ks_yaml_item(b, 3));
  const KsYamlNode *c = ks_yaml_get(root, "c");
  assert_string_equal(ks_yaml_get(c, "d")->scalar, "e");
  assert_int_equal(ks_yaml_get(c, "d")->column, 8);
  assert_null(ks_yaml_get(root, "zzz"));
  assert_null(ks_yaml_get(a, "x"));
  ks_yaml_stream_free(s);
}

static void test_nulls_and_quotes(void **state) {
  KsYamlStream *s =
      load("a:\nb: null\nc: 'null'\nd: !!str ~\ne: |\n  text\nf: NULL\ng: \"\"\n");
  const KsYamlNode *r = s->documents->pdata[0];
  assert_true(ks_yaml_get(r, "a")->is_null);
  assert_true(ks_yaml_get(r, "b")->is_null);
  assert_false(ks_yaml_get(r, "c")->is_null);
  assert_true(ks_yaml_get(r, "c")->quoted);
  assert_false(ks_yaml_get(r, "d")->is_null);
  assert_true(ks_yaml_get(r, "d")->quoted);
  assert_true(ks_yaml_get(r, "e")->quoted);
  assert_string_equal(ks_yaml_get(r, "e")->scalar, "text\n");
  assert_true(ks_yaml_get(r, "f")->is_null);
  assert_false(ks_yaml_get(r, "g")->is_null);
  ks_yaml_stream_free(s);
}

static void test_multi_document(void **state) {
  KsYamlStream *s = load("a: 1\n---\n---\n# only a comment\n---\nb: 2\n...\n");
  assert_int_equal(s->documents->len, 4);
  assert_non_null(s->documents->pdata[0]);
  assert_null(s->documents->pdata[1]);
  assert_null(s->documents->pdata[2]); /* a comment alone is an empty document */
  const KsYamlNode *third = s->documents->pdata[3];
  assert_string_equal(ks_yaml_get(third, "b")->scalar, "2");
  assert_int_equal(ks_yaml_get(third, "b")->line, 6);
  ks_yaml_stream_free(s);

  s = load("");
  assert_int_equal(s->documents->len, 0);
  ks_yaml_stream_free(s);
}

static void test_aliases_share_nodes(void **state) {
  KsYamlStream *s = load("base: &b {cpu: 1}\nx: *b\ny: *b\nlist: &l [1, 2]\nz: *l\n");
  const KsYamlNode *r = s->documents->pdata[0];
  assert_ptr_equal(ks_yaml_get(r, "base"), ks_yaml_get(r, "x"));
  assert_ptr_equal(ks_yaml_get(r, "x"), ks_yaml_get(r, "y"));
  assert_ptr_equal(ks_yaml_get(r, "list"), ks_yaml_get(r, "z"));
  assert_string_equal(ks_yaml_get(ks_yaml_get(r, "y"), "cpu")->scalar, "1");
  ks_yaml_stream_free(s);
}

static void test_alias_errors(void **state) {
  expect_error("a: *nope\n", KS_YAML_ERROR_SYNTAX,
               "t.yaml:1:4: alias *nope refers to no anchor defined before it");
  /* a node cannot contain itself */
  expect_error("a: &x [1, *x]\n", KS_YAML_ERROR_SYNTAX,
               "t.yaml:1:11: alias *x refers to no anchor defined before it");
  /* anchors are document scoped */
  expect_error("a: &x 1\n---\nb: *x\n", KS_YAML_ERROR_SYNTAX,
               "t.yaml:3:4: alias *x refers to no anchor defined before it");
  expect_error("a: &x {b: 1}\nc:\n  <<: *x\n", KS_YAML_ERROR_SYNTAX,
               "t.yaml:3:3: merge keys (<<) are not supported");
}

static void test_billion_laughs(void **state) {
  GString *y = g_string_new("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; c++, prev++)
    g_string_append_printf(y, "%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n", c, c,
                           prev, prev, prev, prev, prev, prev, prev, prev, prev);
  char *msg = load_error(y->str, KS_YAML_ERROR_LIMIT);
  assert_non_null(strstr(msg, "aliases expand to more than 16777216 nodes"));
  assert_true(g_str_has_prefix(msg, "t.yaml:"));
  g_free(msg);
  g_string_free(y, TRUE);
}

static void test_depth_limit(void **state) {
  GString *y = g_string_new("");
  for (int i = 0; i < KS_YAML_MAX_DEPTH; i++)
    g_string_append_c(y, '[');
  for (int i = 0; i < KS_YAML_MAX_DEPTH; i++)
    g_string_append_c(y, ']');
  KsYamlStream *s = load(y->str); /* exactly at the limit: fine */
  ks_yaml_stream_free(s);
  g_string_prepend_c(y, '[');
  g_string_append_c(y, ']');
  expect_error(y->str, KS_YAML_ERROR_LIMIT, "t.yaml:1:257: nesting deeper than 256 levels");
  g_string_free(y, TRUE);
}

static void test_size_limit(void **state) {
  static const char tiny[] = "a: 1";
  GError *error = NULL;
  /* the length is checked before a byte is read */
  assert_null(ks_yaml_load_string(tiny, KS_YAML_MAX_FILE_SIZE + 1, "big.yaml", &error));
  assert_int_equal(error->code, KS_YAML_ERROR_LIMIT);
  assert_string_equal(error->message,
                      "big.yaml: 268435457 bytes is larger than the limit of 268435456 bytes");
  g_error_free(error);
}

static void test_syntax_errors(void **state) {
  expect_error("a: b: c\n", KS_YAML_ERROR_SYNTAX,
               "t.yaml:1:5: mapping values are not allowed in this context");
  expect_error("a:\n\tb: 1\n", KS_YAML_ERROR_SYNTAX,
               "t.yaml:2:1: tab character in indentation (YAML allows only spaces there)");
  expect_error("a: [1, 2\n", KS_YAML_ERROR_SYNTAX,
               "t.yaml:2:1: did not find expected ',' or ']' (while parsing a flow sequence at "
               "line 1 column 4)");
  expect_error("a: 1\na: 2\n", KS_YAML_ERROR_SYNTAX,
               "t.yaml:2:1: duplicate key \"a\" (first at line 1)");
  expect_error("? [a]\n: 1\n", KS_YAML_ERROR_SYNTAX, "t.yaml:1:3: a mapping key must be a scalar");
}

static void test_duplicate_in_big_mapping(void **state) {
  GString *y = g_string_new("");
  for (int i = 0; i < 20; i++)
    g_string_append_printf(y, "k%d: %d\n", i, i);
  g_string_append(y, "k7: again\n");
  expect_error(y->str, KS_YAML_ERROR_SYNTAX, "t.yaml:21:1: duplicate key \"k7\" (first at line 8)");
  g_string_free(y, TRUE);
}

static void test_load_file_errors(void **state) {
  GError *error = NULL;
  assert_null(ks_yaml_load_file("/nonexistent/x.yaml", &error));
  assert_int_equal(error->code, KS_YAML_ERROR_IO);
  assert_non_null(strstr(error->message, "/nonexistent/x.yaml"));
  g_error_free(error);
}

static void test_set_error(void **state) {
  KsYamlStream *s = load("spec:\n  cpu: 12x\n");
  const KsYamlNode *cpu = ks_yaml_get(ks_yaml_get(s->documents->pdata[0], "spec"), "cpu");
  GError *error = NULL;
  ks_yaml_set_error(&error, "p.yaml", cpu, "spec.cpu", "\"%s\" is not a quantity", cpu->scalar);
  assert_int_equal(error->code, KS_YAML_ERROR_FIELD);
  assert_string_equal(error->message, "p.yaml:2:8: spec.cpu: \"12x\" is not a quantity");
  g_clear_error(&error);
  ks_yaml_set_error(&error, "p.yaml", cpu, NULL, "plain");
  assert_string_equal(error->message, "p.yaml:2:8: plain");
  g_clear_error(&error);
  ks_yaml_set_error(&error, "p.yaml", NULL, "x", "no node");
  assert_string_equal(error->message, "p.yaml: x: no node");
  g_clear_error(&error);
  ks_yaml_stream_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tree_and_positions),
      cmocka_unit_test(test_nulls_and_quotes),
      cmocka_unit_test(test_multi_document),
      cmocka_unit_test(test_aliases_share_nodes),
      cmocka_unit_test(test_alias_errors),
      cmocka_unit_test(test_billion_laughs),
      cmocka_unit_test(test_depth_limit),
      cmocka_unit_test(test_size_limit),
      cmocka_unit_test(test_syntax_errors),
      cmocka_unit_test(test_duplicate_in_big_mapping),
      cmocka_unit_test(test_load_file_errors),
      cmocka_unit_test(test_set_error),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
