/* The CSV reader (traces/csv.h): RFC 4180 quoting (commas, doubled quotes
 * and line breaks inside quoted fields), headers and importer-given column
 * names, blank lines, CRLF, gzip, typed fields, and a table of bad inputs
 * whose "path:line: column <name>: reason" messages are checked word for
 * word. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "traces/csv.h"
#include "traces/line_reader.h"
#include "traces/trace_source.h"
#include "trace_test_util.h"

typedef TraceTestFixture Fixture;

static int setup(void **state) {
  return trace_test_fixture_setup(state, "ksim-csv-XXXXXX");
}

static int teardown(void **state) {
  return trace_test_fixture_teardown(state);
}

/* Writes text to dir/name. transfer full: the path */
static char *write_file(Fixture *f, const char *name, const char *text, gssize len) {
  return trace_test_put(f->dir, name, text, len);
}

static void expect_row(KsCsvReader *r, guint64 line, guint n, ...) {
  GError *error = NULL;
  assert_true(ks_csv_next(r, &error));
  assert_null(error);
  assert_int_equal(ks_csv_line(r), line);
  assert_int_equal(ks_csv_n_fields(r), n);
  va_list ap;
  va_start(ap, n);
  for (guint i = 0; i < n; i++)
    assert_string_equal(ks_csv_field(r, i), va_arg(ap, const char *));
  va_end(ap);
}

static void expect_end(KsCsvReader *r) {
  GError *error = NULL;
  assert_false(ks_csv_next(r, &error));
  assert_null(error);
}

static void test_header_and_fields(void **state) {
  char *p = write_file(*state, "a.csv", "name,cpu_milli,gpu_spec\npod-1,12000,\n\npod-2,500,G2|T4\n", -1);
  GError *error = NULL;
  KsCsvReader *r = ks_csv_open(p, TRUE, &error);
  assert_non_null(r);
  assert_int_equal(ks_csv_column(r, "name"), 0);
  assert_int_equal(ks_csv_column(r, "gpu_spec"), 2);
  assert_int_equal(ks_csv_column(r, "qos"), -1);
  expect_row(r, 2, 3, "pod-1", "12000", "");
  gint64 v = 0;
  assert_true(ks_csv_int64(r, 1, &v, &error));
  assert_int_equal(v, 12000);
  assert_string_equal(ks_csv_field(r, 7), ""); /* beyond the row */
  expect_row(r, 4, 3, "pod-2", "500", "G2|T4"); /* line 3 is blank */
  assert_string_equal(ks_csv_path(r), p);
  expect_end(r);
  ks_csv_free(r);
  g_free(p);
}

static void test_quotes(void **state) {
  const char *text = "a,b,c\n"
                     "\"x,y\",\"say \"\"hi\"\"\",\"\"\n"
                     "\"multi\nline\",2,\"3\r\nx\"\n"
                     "ab\"c,\"\"\"\",\n"
                     "last,row,\"q\"";
  char *p = write_file(*state, "q.csv", text, -1);
  GError *error = NULL;
  KsCsvReader *r = ks_csv_open(p, TRUE, &error);
  assert_non_null(r);
  expect_row(r, 2, 3, "x,y", "say \"hi\"", "");
  /* Line breaks inside quotes belong to the field; the row is numbered by
   * its first line, the next row by its own. The line reader drops the
   * "\r" of a CRLF line end, inside quotes too. */
  expect_row(r, 3, 3, "multi\nline", "2", "3\nx");
  expect_row(r, 6, 3, "ab\"c", "\"", "");
  expect_row(r, 7, 3, "last", "row", "q"); /* no final newline */
  expect_end(r);
  ks_csv_free(r);
  g_free(p);
}

static void test_headerless_and_crlf(void **state) {
  char *p = write_file(*state, "m.csv", "m_1,0,add,,96,100,\r\nm_2,5,softerror,3,96,100,\r\n", -1);
  GError *error = NULL;
  KsCsvReader *r = ks_csv_open(p, FALSE, &error);
  assert_non_null(r);
  const char *const names[] = {"machine_id", "time_stamp", "status", NULL};
  ks_csv_set_columns(r, names);
  assert_int_equal(ks_csv_column(r, "status"), 2);
  expect_row(r, 1, 7, "m_1", "0", "add", "", "96", "100", "");
  expect_row(r, 2, 7, "m_2", "5", "softerror", "3", "96", "100", "");
  gint64 v = 0;
  assert_false(ks_csv_int64(r, 2, &v, &error));
  char *want = g_strdup_printf("%s:2: column status: \"softerror\" is not an integer", p);
  assert_string_equal(error->message, want);
  g_free(want);
  g_clear_error(&error);
  /* Columns the importer did not name are numbered from 1. */
  assert_false(ks_csv_int64(r, 6, &v, &error));
  want = g_strdup_printf("%s:2: column #7: \"\" is not an integer", p);
  assert_string_equal(error->message, want);
  g_free(want);
  g_clear_error(&error);
  char *prefix = ks_csv_error_prefix(r, 0);
  want = g_strdup_printf("%s:2: column machine_id: ", p);
  assert_string_equal(prefix, want);
  g_free(want);
  g_free(prefix);
  expect_end(r);
  ks_csv_free(r);
  g_free(p);
}

static void test_bom_and_numbers(void **state) {
  char *p = write_file(*state, "b.csv", "\xEF\xBB\xBFx,y\n-42,0.25\n+7,1e3\n", -1);
  GError *error = NULL;
  KsCsvReader *r = ks_csv_open(p, TRUE, &error);
  assert_non_null(r);
  assert_int_equal(ks_csv_column(r, "x"), 0);
  gint64 i = 0;
  double d = 0;
  expect_row(r, 2, 2, "-42", "0.25");
  assert_true(ks_csv_int64(r, 0, &i, &error));
  assert_int_equal(i, -42);
  assert_true(ks_csv_double(r, 1, &d, &error));
  assert_true(d == 0.25);
  expect_row(r, 3, 2, "+7", "1e3");
  assert_true(ks_csv_int64(r, 0, &i, &error));
  assert_int_equal(i, 7);
  assert_true(ks_csv_double(r, 1, &d, &error));
  assert_true(d == 1000.0);
  ks_csv_free(r);
  g_free(p);
}

static void test_gzip(void **state) {
  const char *text = "h1,h2\n\"a\nb\",1\nc,2\n";
  GBytes *gz = trace_test_gzip_bytes(text, strlen(text));
  gsize len = 0;
  const char *data = g_bytes_get_data(gz, &len);
  char *p = write_file(*state, "t.csv.gz", data, (gssize)len);
  GError *error = NULL;
  KsCsvReader *r = ks_csv_open(p, TRUE, &error);
  assert_non_null(r);
  expect_row(r, 2, 2, "a\nb", "1");
  expect_row(r, 4, 2, "c", "2");
  expect_end(r);
  assert_true(ks_csv_offset(r) > 0);
  ks_csv_free(r);
  g_bytes_unref(gz);
  g_free(p);
}

/* A wide row (more fields than the initial array) and many rows. */
static void test_wide_and_long(void **state) {
  GString *s = g_string_new(NULL);
  for (int i = 0; i < 100; i++)
    g_string_append_printf(s, "%s%d", i ? "," : "", i);
  g_string_append_c(s, '\n');
  for (int row = 0; row < 5000; row++)
    g_string_append_printf(s, "%d,\"%d\"\n", row, row * 2);
  char *p = write_file(*state, "w.csv", s->str, (gssize)s->len);
  g_string_free(s, TRUE);
  GError *error = NULL;
  KsCsvReader *r = ks_csv_open(p, FALSE, &error);
  assert_true(ks_csv_next(r, &error));
  assert_int_equal(ks_csv_n_fields(r), 100);
  assert_string_equal(ks_csv_field(r, 99), "99");
  gint64 sum = 0, rows = 0;
  while (ks_csv_next(r, &error)) {
    gint64 v = 0;
    assert_true(ks_csv_int64(r, 1, &v, &error));
    sum += v;
    rows++;
  }
  assert_null(error);
  assert_int_equal(rows, 5000);
  assert_int_equal(sum, 4999 * 5000); /* 2 * (0 + ... + 4999) */
  ks_csv_free(r);
  g_free(p);
}

/* Bad inputs: what the file holds, which typed read is tried on which
 * field of the first data row (-1: none, the error comes from ks_csv_next
 * or open), and the message after "path:". */
typedef struct {
  const char *text;
  int field;
  gboolean as_double;
  const char *message;
} BadCase;

static const BadCase bad_cases[] = {
    {"a,b\n\"open,1\n", -1, FALSE, "2: column a: unterminated quoted field"},
    {"a,b\n1,\"x\"y\n", -1, FALSE, "2: column b: text after the closing quote of a quoted field"},
    {"a,b\n1,\"x\ny\nz", -1, FALSE, "2: column b: unterminated quoted field"},
    {"a,b\n12x,1\n", 0, FALSE, "2: column a: \"12x\" is not an integer"},
    {"a,b\n,1\n", 0, FALSE, "2: column a: \"\" is not an integer"},
    {"a,b\n 5,1\n", 0, FALSE, "2: column a: \" 5\" is not an integer"},
    {"a,b\n1.5,1\n", 0, FALSE, "2: column a: \"1.5\" is not an integer"},
    {"a,b\n99999999999999999999,1\n", 0, FALSE,
     "2: column a: \"99999999999999999999\" is out of range (64-bit integer)"},
    {"a,b\n1\n", 1, FALSE, "2: column b: missing: the row has only 1 field, expected an integer"},
    {"a,b\n1,nan\n", 1, TRUE, "2: column b: \"nan\" is not a number"},
    {"a,b\n1,0x\n", 1, TRUE, "2: column b: \"0x\" is not a number"},
    {"a,b\n1,inf\n", 1, TRUE, "2: column b: \"inf\" is not a number"},
    {"a,b\n\n\n1\n", 1, TRUE, "4: column b: missing: the row has only 1 field, expected a number"},
    {"", -1, FALSE, "1: empty file: expected a header line"},
};

static void test_bad_inputs(void **state) {
  for (gsize k = 0; k < G_N_ELEMENTS(bad_cases); k++) {
    const BadCase *c = &bad_cases[k];
    char *name = g_strdup_printf("bad%zu.csv", k);
    char *p = write_file(*state, name, c->text, -1);
    GError *error = NULL;
    KsCsvReader *r = ks_csv_open(p, TRUE, &error);
    if (r && c->field < 0) {
      while (ks_csv_next(r, &error))
        ;
    } else if (r) {
      assert_true(ks_csv_next(r, &error));
      gint64 i = 0;
      double d = 0;
      gboolean ok = c->as_double ? ks_csv_double(r, (guint)c->field, &d, &error)
                                 : ks_csv_int64(r, (guint)c->field, &i, &error);
      assert_false(ok);
    }
    assert_non_null(error);
    assert_true(error->domain == KS_TRACE_ERROR);
    assert_int_equal(error->code, KS_TRACE_ERROR_FORMAT);
    char *want = g_strdup_printf("%s:%s", p, c->message);
    if (strcmp(error->message, want) != 0)
      fail_msg("case %zu: got \"%s\", want \"%s\"", k, error->message, want);
    g_free(want);
    g_clear_error(&error);
    ks_csv_free(r);
    g_free(p);
    g_free(name);
  }
}

/* A malformed row leaves the reader after it (an importer in skip mode goes
 * on); a line over the line reader's limit stops the reader for good, so a
 * retry can never loop. */
static void test_recovery(void **state) {
  Fixture *f = *state;
  char *p = write_file(f, "r.csv", "a,b\n1,\"x\"y\n2,3\n", -1);
  GError *error = NULL;
  KsCsvReader *r = ks_csv_open(p, TRUE, &error);
  assert_false(ks_csv_next(r, &error));
  assert_int_equal(error->code, KS_TRACE_ERROR_FORMAT);
  g_clear_error(&error);
  expect_row(r, 3, 2, "2", "3");
  expect_end(r);
  ks_csv_free(r);
  g_free(p);

  gsize big = KS_LINE_READER_MAX_LINE + 16;
  char *text = g_malloc(big + 8);
  memcpy(text, "a\n", 2);
  memset(text + 2, 'x', big);
  memcpy(text + 2 + big, "\n1\n", 4);
  p = write_file(f, "long.csv", text, (gssize)(big + 6));
  g_free(text);
  r = ks_csv_open(p, TRUE, &error);
  assert_false(ks_csv_next(r, &error));
  assert_int_equal(error->code, KS_TRACE_ERROR_FORMAT);
  char *want = g_strdup_printf("%s:2: line longer than 16 MiB", p);
  assert_string_equal(error->message, want);
  g_free(want);
  g_clear_error(&error);
  assert_false(ks_csv_next(r, &error));
  assert_int_equal(error->code, KS_TRACE_ERROR_IO);
  want = g_strdup_printf("%s: cannot read on after an earlier error", p);
  assert_string_equal(error->message, want);
  g_free(want);
  g_clear_error(&error);
  ks_csv_free(r);
  g_free(p);
}

static void test_missing_file(void **state) {
  Fixture *f = *state;
  char *p = g_build_filename(f->dir, "nope.csv", NULL);
  GError *error = NULL;
  assert_null(ks_csv_open(p, TRUE, &error));
  assert_true(error->domain == KS_TRACE_ERROR);
  assert_int_equal(error->code, KS_TRACE_ERROR_IO);
  assert_non_null(strstr(error->message, p));
  g_clear_error(&error);
  g_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_header_and_fields, setup, teardown),
      cmocka_unit_test_setup_teardown(test_quotes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_headerless_and_crlf, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bom_and_numbers, setup, teardown),
      cmocka_unit_test_setup_teardown(test_gzip, setup, teardown),
      cmocka_unit_test_setup_teardown(test_wide_and_long, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bad_inputs, setup, teardown),
      cmocka_unit_test_setup_teardown(test_recovery, setup, teardown),
      cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
