/* The streaming line reader: line splitting (LF, CRLF, no final newline,
 * empty lines, lines across buffer refills and longer than the buffer),
 * gzip detected by magic (single and multi-member), and the errors: missing
 * file, truncated and corrupt gzip, a line over the limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "traces/line_reader.h"
#include "traces/trace_source.h"
#include "trace_test_util.h"

typedef TraceTestFixture Fixture;

static int setup(void **state) {
  return trace_test_fixture_setup(state, "ksim-line-XXXXXX");
}

static int teardown(void **state) {
  return trace_test_fixture_teardown(state);
}

/* Writes len bytes of data to the fixture's folder. transfer full: the path */
static char *write_file(Fixture *f, const char *name, const void *data, gsize len) {
  return trace_test_put(f->dir, name, data, (gssize)len);
}

/* All lines of path joined with '|'; asserts no error. transfer full */
static char *read_all(const char *path, gboolean *gz) {
  GError *error = NULL;
  KsLineReader *r = ks_line_reader_open(path, &error);
  assert_null(error);
  GString *s = g_string_new(NULL);
  char *line;
  gsize len;
  guint64 n = 0;
  while ((line = ks_line_reader_next(r, &len, &error))) {
    assert_int_equal(strlen(line), len);
    g_string_append_printf(s, "%s%s", n ? "|" : "", line);
    n++;
    assert_int_equal(ks_line_reader_line(r), n);
  }
  if (error)
    fail_msg("%s", error->message);
  if (gz)
    *gz = ks_line_reader_is_gzip(r);
  ks_line_reader_free(r);
  return g_string_free(s, FALSE);
}

static const struct {
  const char *text;
  const char *lines;
} split_cases[] = {
    {"", ""},
    {"a", "a"},
    {"a\n", "a"},
    {"a\nb", "a|b"},
    {"a\r\nb\r\n", "a|b"},
    {"\n\nx\n", "||x"},
    {"a\rb\n", "a\rb"}, /* a lone CR inside a line is data */
    {"\x1f", "\x1f"},   /* one byte of a gzip magic is plain text */
};

static void test_split(void **state) {
  Fixture *f = *state;
  for (gsize i = 0; i < G_N_ELEMENTS(split_cases); i++) {
    char *p = write_file(f, "plain.txt", split_cases[i].text, strlen(split_cases[i].text));
    gboolean gz = TRUE;
    char *got = read_all(p, &gz);
    assert_string_equal(got, split_cases[i].lines);
    assert_false(gz);
    g_free(got);
    /* The same text compressed reads the same. */
    GBytes *b = trace_test_gzip_bytes(split_cases[i].text, strlen(split_cases[i].text));
    char *pz = write_file(f, "plain.txt.gz", g_bytes_get_data(b, NULL), g_bytes_get_size(b));
    got = read_all(pz, &gz);
    assert_string_equal(got, split_cases[i].lines);
    assert_true(gz);
    g_free(got);
    g_bytes_unref(b);
    g_free(p);
    g_free(pz);
  }
}

/* Lines of growing length (up to 1.5 MiB) cross every refill boundary and
 * force the buffer to grow; the same file gzip'd in three members. */
static GString *long_text(void) {
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < 40; i++) {
    gsize n = (gsize)i * i * 1000;
    for (gsize k = 0; k < n; k++)
      g_string_append_c(s, (char)('a' + (k + i) % 26));
    g_string_append_c(s, '\n');
  }
  return s;
}

static void check_long(const char *path, const GString *text) {
  GError *error = NULL;
  KsLineReader *r = ks_line_reader_open(path, &error);
  assert_non_null(r);
  const char *p = text->str;
  char *line;
  gsize len;
  guint n = 0;
  while ((line = ks_line_reader_next(r, &len, &error))) {
    const char *nl = strchr(p, '\n');
    assert_int_equal(len, (gsize)(nl - p));
    assert_memory_equal(line, p, len);
    p = nl + 1;
    n++;
  }
  assert_null(error);
  assert_int_equal(n, 40);
  ks_line_reader_free(r);
}

static void test_long_lines_and_members(void **state) {
  Fixture *f = *state;
  GString *text = long_text();
  char *p = write_file(f, "long.txt", text->str, text->len);
  check_long(p, text);
  /* Three gzip members, split inside lines. */
  gsize cut1 = text->len / 3 + 17, cut2 = 2 * text->len / 3 + 5;
  GBytes *m1 = trace_test_gzip_bytes(text->str, cut1);
  GBytes *m2 = trace_test_gzip_bytes(text->str + cut1, cut2 - cut1);
  GBytes *m3 = trace_test_gzip_bytes(text->str + cut2, text->len - cut2);
  GByteArray *all = g_byte_array_new();
  GBytes *ms[] = {m1, m2, m3};
  for (int i = 0; i < 3; i++) {
    gsize n;
    const guint8 *d = g_bytes_get_data(ms[i], &n);
    g_byte_array_append(all, d, (guint)n);
  }
  char *pz = write_file(f, "long.gz", all->data, all->len);
  check_long(pz, text);
  /* offset counts the compressed bytes consumed */
  KsLineReader *r = ks_line_reader_open(pz, NULL);
  while (ks_line_reader_next(r, NULL, NULL))
    ;
  assert_int_equal(ks_line_reader_offset(r), all->len);
  ks_line_reader_free(r);
  for (int i = 0; i < 3; i++)
    g_bytes_unref(ms[i]);
  g_byte_array_unref(all);
  g_string_free(text, TRUE);
  g_free(p);
  g_free(pz);
}

/* Reads path to its end and returns the error message. transfer full */
static char *read_error(const char *path, guint64 *lines_ok) {
  GError *error = NULL;
  KsLineReader *r = ks_line_reader_open(path, &error);
  *lines_ok = 0;
  if (r) {
    while (ks_line_reader_next(r, NULL, &error))
      (*lines_ok)++;
    ks_line_reader_free(r);
  }
  assert_non_null(error);
  assert_true(error->domain == KS_TRACE_ERROR);
  char *m = g_strdup(error->message);
  g_error_free(error);
  return m;
}

static void test_errors(void **state) {
  Fixture *f = *state;
  guint64 ok;
  char *missing = g_build_filename(f->dir, "nope.trace", NULL);
  char *m = read_error(missing, &ok);
  char *want = g_strdup_printf("%s: cannot open: No such file or directory", missing);
  assert_string_equal(m, want);
  g_free(m);
  g_free(want);
  g_free(missing);

  /* Truncated: the gzip of three lines cut before its trailer. */
  const char *text = "one\ntwo\nthree\n";
  GBytes *b = trace_test_gzip_bytes(text, strlen(text));
  gsize n;
  const guint8 *d = g_bytes_get_data(b, &n);
  char *p = write_file(f, "cut.gz", d, n - 6);
  m = read_error(p, &ok);
  want = g_strdup_printf(
      "%s:%" G_GUINT64_FORMAT ": gzip data is truncated (the file ends inside a compressed member)",
      p, ok + 1);
  assert_string_equal(m, want);
  g_free(want);
  g_free(m);
  g_free(p);

  /* Corrupt: the deflate data overwritten. */
  guint8 *bad = g_memdup2(d, n);
  memset(bad + 10, 0xff, n - 18);
  p = write_file(f, "bad.gz", bad, n);
  m = read_error(p, &ok);
  char *prefix = g_strdup_printf("%s:1: corrupt gzip data: ", p);
  assert_true(g_str_has_prefix(m, prefix));
  g_free(prefix);
  g_free(m);
  g_free(p);
  g_free(bad);
  g_bytes_unref(b);

  /* A line over 16 MiB (after two good lines). */
  gsize big = KS_LINE_READER_MAX_LINE + 10;
  char *huge = g_malloc(big + 8);
  memcpy(huge, "a\nb\n", 4);
  memset(huge + 4, 'x', big);
  p = write_file(f, "huge.txt", huge, big + 4);
  m = read_error(p, &ok);
  want = g_strdup_printf("%s:3: line longer than 16 MiB", p);
  assert_string_equal(m, want);
  assert_int_equal(ok, 2);
  g_free(want);
  g_free(m);
  g_free(p);
  g_free(huge);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_split, setup, teardown),
      cmocka_unit_test_setup_teardown(test_long_lines_and_members, setup, teardown),
      cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
