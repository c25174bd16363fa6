/* Tests of quantity parsing and formatting against upstream apimachinery.
 *
 * The valid table takes its inputs from apimachinery's quantity_test.go
 * (TestQuantityParse, incl. "things that saturate/round" and "things written
 * by trolls") and kube-semantics section 6; the expected Value() and
 * MilliValue() are the exact ceil (away from zero) of the number. Rows whose
 * milli value does not fit in int64 expect KS_QUANTITY_ERROR_RANGE there
 * (upstream silently overflows). The invalid table asserts whole messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sched/quantity.h"

#define OVF G_MININT64 /* marker: this output is out of range */
#define QMAX G_MAXINT64

typedef struct {
  const char *in;
  gint64 value;
  gint64 milli;
} Valid;

static const Valid valid[] = {
    /* kube-semantics 6 examples */
    {"0", 0, 0},
    {"100m", 1, 100},
    {"1.5", 2, 1500},
    {"2Gi", 2147483648LL, 2147483648000LL},
    {"1e3", 1000, 1000000},
    {"500M", 500000000LL, 500000000000LL},
    {"0.1m", 1, 1},
    {"1m", 1, 1},
    {"0.5Gi", 536870912LL, 536870912000LL},
    {"1.5Gi", 1610612736LL, 1610612736000LL},
    {"129e6", 129000000LL, 129000000000LL},
    {"123Mi", 128974848LL, 128974848000LL},
    {"1E", 1000000000000000000LL, OVF},
    {"12E6", 12000000LL, 12000000000LL},
    {"+1", 1, 1000},
    {"-1", -1, -1000},
    /* TestQuantityParse: zeros, binary and decimal suffixes */
    {"0n", 0, 0},
    {"0Ki", 0, 0},
    {"0Ti", 0, 0},
    {"1Ki", 1024, 1024000},
    {"8Ki", 8192, 8192000},
    {"7Mi", 7340032LL, 7340032000LL},
    {"6Gi", 6442450944LL, 6442450944000LL},
    {"5Ti", 5497558138880LL, 5497558138880000LL},
    {"4Pi", 4503599627370496LL, 4503599627370496000LL},
    {"3Ei", 3458764513820540928LL, OVF},
    {"100Ti", 109951162777600LL, 109951162777600000LL},
    {"5n", 1, 1},
    {"4u", 1, 1},
    {"3m", 1, 3},
    {"8k", 8000, 8000000},
    {"50k", 50000, 50000000},
    {"7M", 7000000, 7000000000LL},
    {"6G", 6000000000LL, 6000000000000LL},
    {"40T", 40000000000000LL, 40000000000000000LL},
    {"2P", 2000000000000000LL, 2000000000000000000LL},
    /* decimal exponents */
    {"1E-3", 1, 1},
    {"1E18", 1000000000000000000LL, OVF},
    {"1e+3", 1000, 1000000},
    {"100.035k", 100035, 100035000},
    /* things that look like floating point */
    {"0.001", 1, 1},
    {"0.0005k", 1, 500},
    {"0.5e-1", 1, 50},
    {"10.035M", 10035000, 10035000000LL},
    {"1.2e3", 1200, 1200000},
    {"1.3E+6", 1300000, 1300000000LL},
    {"1.7E18", 1700000000000000000LL, OVF},
    {"9.01", 10, 9010},
    {"6.987654321G", 6987654321LL, 6987654321000LL},
    {"2.5P", 2500000000000000LL, 2500000000000000000LL},
    {"1.01E", 1010000000000000000LL, OVF},
    /* things that saturate or round */
    {"3.001n", 1, 1},
    {"1.1E-9", 1, 1},
    {"0.0000000001", 1, 1},
    {"0.00000012345", 1, 1},
    {"9Ei", QMAX, OVF},
    {"9223372036854775807Ki", QMAX, OVF},
    {"8Ei", QMAX, OVF},
    {"-8Ei", -QMAX, OVF},
    {"12E", OVF, OVF},
    /* fractional binary */
    {"100.035Ki", 102436, 102435840},
    {"0.5Mi", 524288, 524288000},
    {"0.05Gi", 53687092, 53687091200LL},
    {"0.025Ti", 27487790695LL, 27487790694400LL},
    /* written by trolls, still valid upstream */
    {"0.000000000001Ki", 1, 1},
    {".001", 1, 1},
    {".0001k", 1, 100},
    {"1.", 1, 1000},
    {"1.G", 1000000000LL, 1000000000000LL},
    {".", 0, 0},
    {"-", 0, 0},
    {"Mi", 0, 0},
    {"e3", 0, 0},
    {"-.", 0, 0},
    {"0e99999999", 0, 0},
    {"000123", 123, 123000},
    /* negatives round away from zero */
    {"-1.5", -2, -1500},
    {"-0.1m", -1, -1},
    {"-9.01", -10, -9010},
    /* the int64 edges */
    {"9223372036854775807", QMAX, OVF},
    {"-9223372036854775808", G_MININT64 + 0, OVF},
    {"9223372036854775808", OVF, OVF},
    {"9223372036854775.807", 9223372036854776LL, QMAX},
    {"9223372036854775.808", 9223372036854776LL, OVF},
    {"1e-1000", 1, 1},
    {"1e1000", OVF, OVF},
    {"1.000000000000000000000000000001", 2, 1001},
};

/* -9223372036854775808 itself is representable; OVF marks overflow, so that
 * row is checked separately below. */
static gboolean is_min_row(const Valid *v) { return strcmp(v->in, "-9223372036854775808") == 0; }

static void check_one(const char *in, gboolean want_value, gint64 expect) {
  gint64 got = 12345;
  GError *error = NULL;
  gboolean ok = want_value ? ks_quantity_parse(in, &got, NULL, &error)
                           : ks_quantity_parse(in, NULL, &got, &error);
  if (expect == OVF) {
    if (ok)
      print_error("%s: expected a range error, got %" G_GINT64_FORMAT "\n", in, got);
    assert_false(ok);
    assert_true(g_error_matches(error, KS_QUANTITY_ERROR, KS_QUANTITY_ERROR_RANGE));
    g_error_free(error);
    return;
  }
  if (!ok)
    print_error("%s: %s\n", in, error->message);
  assert_true(ok);
  if (got != expect)
    print_error("%s (%s): expected %" G_GINT64_FORMAT ", got %" G_GINT64_FORMAT "\n", in,
                want_value ? "value" : "milli", expect, got);
  assert_true(got == expect);
}

static void test_valid_table(void **state) {
  assert_true(G_N_ELEMENTS(valid) >= 40);
  for (guint i = 0; i < G_N_ELEMENTS(valid); i++) {
    if (is_min_row(&valid[i]))
      continue;
    check_one(valid[i].in, TRUE, valid[i].value);
    check_one(valid[i].in, FALSE, valid[i].milli);
  }
}

static void test_int64_min(void **state) {
  gint64 v = 0;
  assert_true(ks_quantity_parse("-9223372036854775808", &v, NULL, NULL));
  assert_true(v == G_MININT64);
  check_one("-9223372036854775808", FALSE, OVF);
}

static void test_both_outputs(void **state) {
  gint64 v = 0, m = 0;
  assert_true(ks_quantity_parse("1.5Gi", &v, &m, NULL));
  assert_true(v == 1610612736LL && m == 1610612736000LL);
  /* memory can be 8Ei, but asking for milli too reports the overflow */
  GError *error = NULL;
  assert_false(ks_quantity_parse("8Ei", &v, &m, &error));
  assert_string_equal(error->message, "\"8Ei\" is out of range: its value in milli-units does not "
                                      "fit in a signed 64-bit integer");
  g_error_free(error);
  error = NULL;
  assert_false(ks_quantity_parse("12E", &v, NULL, &error));
  assert_string_equal(error->message,
                      "\"12E\" is out of range: its value does not fit in a signed 64-bit integer");
  g_error_free(error);
  assert_true(ks_quantity_parse("0.5", NULL, NULL, NULL));
}

#define SUFFIX_HINT " (use n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or e<exponent>)"

static const struct {
  const char *in;
  const char *message;
} invalid[] = {
    {"12x", "\"12x\" is not a quantity"},
    {"1K", "\"1K\" is not a quantity: unknown suffix \"K\"" SUFFIX_HINT},
    {"", "\"\" is not a quantity"},
    {" 1", "\" 1\" is not a quantity"},
    {"1 ", "\"1 \" is not a quantity"},
    {"1.2.3", "\"1.2.3\" is not a quantity"},
    {"1Gib", "\"1Gib\" is not a quantity"},
    {"--1", "\"--1\" is not a quantity: unknown suffix \"-1\"" SUFFIX_HINT},
    {"1e", "\"1e\" is not a quantity: unknown suffix \"e\"" SUFFIX_HINT},
    {"0x10", "\"0x10\" is not a quantity"},
    {"1.1.M", "\"1.1.M\" is not a quantity"},
    {"1+1.0M", "\"1+1.0M\" is not a quantity"},
    {"0.1mi", "\"0.1mi\" is not a quantity: unknown suffix \"mi\"" SUFFIX_HINT},
    {"0.1am", "\"0.1am\" is not a quantity"},
    {"aoeu", "\"aoeu\" is not a quantity"},
    {".5i", "\".5i\" is not a quantity: unknown suffix \"i\"" SUFFIX_HINT},
    {"1i", "\"1i\" is not a quantity: unknown suffix \"i\"" SUFFIX_HINT},
    {"-3.01i", "\"-3.01i\" is not a quantity: unknown suffix \"i\"" SUFFIX_HINT},
    {"-3.01e-", "\"-3.01e-\" is not a quantity: unknown suffix \"e-\"" SUFFIX_HINT},
    {"Non-Numeric", "\"Non-Numeric\" is not a quantity"},
    {"1KiB", "\"1KiB\" is not a quantity"},
    {"1e99999999999999999999",
     "\"1e99999999999999999999\" is not a quantity: unknown suffix \"e99999999999999999999\""
     SUFFIX_HINT},
    {"Pi", "\"Pi\" is not a quantity: it has no digits"},
    {"-Ei", "\"-Ei\" is not a quantity: it has no digits"},
    {"e-10", "\"e-10\" is not a quantity: it has no digits"},
    {"1,5", "\"1,5\" is not a quantity"},
};

static void test_invalid_table(void **state) {
  assert_true(G_N_ELEMENTS(invalid) >= 15);
  for (guint i = 0; i < G_N_ELEMENTS(invalid); i++) {
    gint64 v = 7, m = 7;
    GError *error = NULL;
    if (ks_quantity_parse(invalid[i].in, &v, &m, &error))
      print_error("\"%s\" parsed unexpectedly\n", invalid[i].in);
    assert_non_null(error);
    assert_true(g_error_matches(error, KS_QUANTITY_ERROR, KS_QUANTITY_ERROR_SYNTAX));
    assert_string_equal(error->message, invalid[i].message);
    assert_true(v == 7 && m == 7); /* outputs untouched on error */
    g_error_free(error);
  }
}

static void test_for_resource(void **state) {
  gint64 v = 0;
  assert_true(ks_quantity_parse_for_resource("cpu", "0.1m", &v, NULL));
  assert_true(v == 1);
  assert_true(ks_quantity_parse_for_resource("cpu", "2", &v, NULL));
  assert_true(v == 2000);
  assert_true(ks_quantity_parse_for_resource("memory", "1m", &v, NULL));
  assert_true(v == 1);
  assert_true(ks_quantity_parse_for_resource("nvidia.com/gpu", "2", &v, NULL));
  assert_true(v == 2);
  assert_true(ks_quantity_parse_for_resource("memory", "8Ei", &v, NULL));
  assert_true(v == G_MAXINT64);
  GError *error = NULL;
  assert_false(ks_quantity_parse_for_resource("cpu", "8Ei", &v, &error));
  assert_true(g_error_matches(error, KS_QUANTITY_ERROR, KS_QUANTITY_ERROR_RANGE));
  g_error_free(error);
}

static void expect_format(char *got, const char *want) {
  assert_string_equal(got, want);
  g_free(got);
}

/* TestMilliNewSet, TestNewSet, TestQuantityString (int64 rows). */
static void test_format_milli(void **state) {
  expect_format(ks_quantity_format_milli(0), "0");
  expect_format(ks_quantity_format_milli(1), "1m");
  expect_format(ks_quantity_format_milli(1000), "1");
  expect_format(ks_quantity_format_milli(1234000), "1234");
  expect_format(ks_quantity_format_milli(1500), "1500m");
  expect_format(ks_quantity_format_milli(100), "100m");
  expect_format(ks_quantity_format_milli(80), "80m");
  expect_format(ks_quantity_format_milli(1080), "1080m");
  expect_format(ks_quantity_format_milli(2000000), "2k");
  expect_format(ks_quantity_format_milli(-9010), "-9010m");
  expect_format(ks_quantity_format_milli(10000000000000000LL), "10T");
  expect_format(ks_quantity_format_milli(G_MAXINT64), "9223372036854775807m");
}

static void test_format_value(void **state) {
  expect_format(ks_quantity_format_value(1, FALSE), "1");
  expect_format(ks_quantity_format_value(1000, FALSE), "1k");
  expect_format(ks_quantity_format_value(1234000, FALSE), "1234k");
  expect_format(ks_quantity_format_value(1500, FALSE), "1500");
  expect_format(ks_quantity_format_value(1000000000, FALSE), "1G");
  expect_format(ks_quantity_format_value(300000000, FALSE), "300M");
  expect_format(ks_quantity_format_value(129000000, FALSE), "129M");
  expect_format(ks_quantity_format_value(1000000000000LL, FALSE), "1T");
  expect_format(ks_quantity_format_value(1000000000000000000LL, FALSE), "1E");
  expect_format(ks_quantity_format_value(0, FALSE), "0");
  expect_format(ks_quantity_format_value(1024, TRUE), "1Ki");
  expect_format(ks_quantity_format_value(1048576, TRUE), "1Mi");
  expect_format(ks_quantity_format_value(1073741824LL, TRUE), "1Gi");
  expect_format(ks_quantity_format_value(300LL * 1024 * 1024, TRUE), "300Mi");
  expect_format(ks_quantity_format_value(6 * 1024, TRUE), "6Ki");
  expect_format(ks_quantity_format_value(1001LL * 1024 * 1024 * 1024, TRUE), "1001Gi");
  expect_format(ks_quantity_format_value(1LL << 40, TRUE), "1Ti");
  expect_format(ks_quantity_format_value(1610612736LL, TRUE), "1536Mi");
  expect_format(ks_quantity_format_value(5, TRUE), "5");
  expect_format(ks_quantity_format_value(1025, TRUE), "1025");
  expect_format(ks_quantity_format_value(0, TRUE), "0");
  expect_format(ks_quantity_format_value(1000, TRUE), "1k"); /* below 1024: DecimalSI */
  expect_format(ks_quantity_format_value(-1024, TRUE), "-1Ki");
  expect_format(ks_quantity_format_value(G_MAXINT64, TRUE), "9223372036854775807");
  expect_format(ks_quantity_format_value(G_MININT64, TRUE), "-9223372036854775808");
}

/* Formatting then parsing gives the number back. */
static void test_round_trip(void **state) {
  const gint64 millis[] = {0, 1, 999, 1000, 1500, 123456789, -42, 4000000};
  for (guint i = 0; i < G_N_ELEMENTS(millis); i++) {
    char *s = ks_quantity_format_milli(millis[i]);
    gint64 m = -1;
    assert_true(ks_quantity_parse(s, NULL, &m, NULL));
    assert_true(m == millis[i]);
    g_free(s);
  }
  const gint64 values[] = {0, 1, 1023, 1024, 1536, 209715200, 1LL << 62, G_MAXINT64};
  for (guint i = 0; i < G_N_ELEMENTS(values); i++) {
    for (int binary = 0; binary < 2; binary++) {
      char *s = ks_quantity_format_value(values[i], binary);
      gint64 v = -1;
      assert_true(ks_quantity_parse(s, &v, NULL, NULL));
      assert_true(v == values[i]);
      g_free(s);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_valid_table),   cmocka_unit_test(test_int64_min),
      cmocka_unit_test(test_both_outputs),  cmocka_unit_test(test_invalid_table),
      cmocka_unit_test(test_for_resource),  cmocka_unit_test(test_format_milli),
      cmocka_unit_test(test_format_value),  cmocka_unit_test(test_round_trip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
