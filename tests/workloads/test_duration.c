/* Go-style durations: the table of what parses to what, what is refused and
 * the exact messages, and that ks_duration_format reads back exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "workloads/duration.h"

static const struct {
  const char *text;
  gint64 us;
} good[] = {
    {"0", 0},
    {"0s", 0},
    {"+5s", 5000000},
    {"1us", 1},
    {"1\xc2\xb5s", 1},        /* micro sign */
    {"1\xce\xbcs", 1},        /* Greek mu */
    {"1ns", 1},               /* rounds up: a positive duration never becomes 0 */
    {"999ns", 1},
    {"1001ns", 2},
    {"300ms", 300000},
    {"1.5s", 1500000},
    {"1.1s", 1100000},        /* exact, no binary floating point */
    {".5s", 500000},
    {"1.s", 1000000},         /* Go accepts a bare trailing dot */
    {"2h45m", 9900000000},
    {"1h1h", 7200000000},     /* repeated units add up, as in Go */
    {"1m30.5s", 90500000},
    {"0.0000001s", 1},        /* 100ns */
    {"2562047788h", 9223372036800000000}, /* close to the int64 limit */
};

static const struct {
  const char *text;
  KsDurationError code;
  const char *message;
} bad[] = {
    {"", KS_DURATION_ERROR_SYNTAX,
     "\"\" is not a duration (use units such as 500ms, 30s, 5m, 2h)"},
    {"5", KS_DURATION_ERROR_SYNTAX,
     "\"5\" is not a duration (use units such as 500ms, 30s, 5m, 2h)"},
    {"00", KS_DURATION_ERROR_SYNTAX,
     "\"00\" is not a duration (use units such as 500ms, 30s, 5m, 2h)"},
    {"5x", KS_DURATION_ERROR_SYNTAX,
     "\"5x\" is not a duration (use units such as 500ms, 30s, 5m, 2h)"},
    {"s", KS_DURATION_ERROR_SYNTAX,
     "\"s\" is not a duration (use units such as 500ms, 30s, 5m, 2h)"},
    {".s", KS_DURATION_ERROR_SYNTAX,
     "\".s\" is not a duration (use units such as 500ms, 30s, 5m, 2h)"},
    {"1.5", KS_DURATION_ERROR_SYNTAX,
     "\"1.5\" is not a duration (use units such as 500ms, 30s, 5m, 2h)"},
    {"1 s", KS_DURATION_ERROR_SYNTAX,
     "\"1 s\" is not a duration (use units such as 500ms, 30s, 5m, 2h)"},
    {"1e3s", KS_DURATION_ERROR_SYNTAX,
     "\"1e3s\" is not a duration (use units such as 500ms, 30s, 5m, 2h)"},
    {"1mss", KS_DURATION_ERROR_SYNTAX,
     "\"1mss\" is not a duration (use units such as 500ms, 30s, 5m, 2h)"},
    {"+", KS_DURATION_ERROR_SYNTAX,
     "\"+\" is not a duration (use units such as 500ms, 30s, 5m, 2h)"},
    {"-1s", KS_DURATION_ERROR_RANGE, "\"-1s\": a duration must not be negative"},
    {"2562047789h", KS_DURATION_ERROR_RANGE, "\"2562047789h\" is too long a duration"},
    {"99999999999999999999999999s", KS_DURATION_ERROR_RANGE,
     "\"99999999999999999999999999s\" is too long a duration"},
};

static void test_good(void **state) {
  for (gsize i = 0; i < G_N_ELEMENTS(good); i++) {
    GError *error = NULL;
    gint64 us = -1;
    if (!ks_duration_parse(good[i].text, &us, &error))
      fail_msg("%s: %s", good[i].text, error->message);
    if (us != good[i].us)
      fail_msg("%s: got %" G_GINT64_FORMAT ", want %" G_GINT64_FORMAT, good[i].text, us,
               good[i].us);
  }
}

static void test_bad(void **state) {
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    GError *error = NULL;
    gint64 us = 42;
    if (ks_duration_parse(bad[i].text, &us, &error))
      fail_msg("%s: accepted as %" G_GINT64_FORMAT, bad[i].text, us);
    assert_int_equal(us, 42);
    assert_true(error->domain == KS_DURATION_ERROR);
    assert_int_equal(error->code, bad[i].code);
    assert_string_equal(error->message, bad[i].message);
    g_error_free(error);
  }
}

static void test_format_round_trip(void **state) {
  static const struct {
    gint64 us;
    const char *text;
  } cases[] = {
      {0, "0s"},          {1, "1us"},           {1500, "1500us"},     {250000, "250ms"},
      {1000000, "1s"},    {90500000, "1m30.5s"}, {3600000000, "1h"},  {3600000500, "1h0.0005s"},
      {9900000000, "2h45m"}, {1000001, "1.000001s"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    char *s = ks_duration_format(cases[i].us);
    assert_string_equal(s, cases[i].text);
    gint64 back = -1;
    assert_true(ks_duration_parse(s, &back, NULL));
    assert_int_equal(back, cases[i].us);
    g_free(s);
  }
  /* Every microsecond count round-trips, including awkward ones. */
  for (gint64 us = 1; us < G_MAXINT64 / 3; us = us * 3 + 7) {
    char *s = ks_duration_format(us);
    gint64 back = -1;
    assert_true(ks_duration_parse(s, &back, NULL));
    assert_int_equal(back, us);
    g_free(s);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_good),
      cmocka_unit_test(test_bad),
      cmocka_unit_test(test_format_round_trip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
