/* Tests of the Job controller's arithmetic (sim/controllers/job_math.c):
 * the pod-failure back-off sequence of v1.31 (10 s doubling, capped at
 * 10 min) and what is left of it, the wanted number of active pods,
 * completed-index strings both ways, and generated pod names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sim/controllers/job.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)

static void test_backoff_sequence(void **state) {
  static const gint64 want_s[] = {0, 10, 20, 40, 80, 160, 320, 600, 600, 600};
  for (gint32 n = 0; n < (gint32)G_N_ELEMENTS(want_s); n++)
    assert_int_equal(ks_job_backoff_us(n), S(want_s[n]));
  assert_int_equal(ks_job_backoff_us(1000), S(600));
  assert_int_equal(ks_job_backoff_us(-1), 0);
}

static void test_backoff_remaining(void **state) {
  /* upstream TestGetRemainingTime-style cases: failures, since the failure, left */
  static const struct {
    gint32 failures;
    gint64 elapsed_s, left_s;
  } cases[] = {
      {0, 5, 0},  {1, 0, 10}, {1, 1, 9},   {1, 10, 0},  {1, 11, 0},
      {2, 5, 15}, {3, 0, 40}, {7, 0, 600}, {9, 599, 1}, {9, 600, 0},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
    assert_int_equal(ks_job_backoff_remaining_us(cases[i].failures, S(100),
                                                 S(100 + cases[i].elapsed_s)),
                     S(cases[i].left_s));
}

static void test_want_active(void **state) {
  static const struct {
    gint32 parallelism, completions, succeeded, active, want;
  } cases[] = {
      {2, 5, 0, 0, 2}, {2, 5, 4, 1, 1}, {2, 5, 5, 0, 0}, {2, 5, 7, 0, 0}, {10, 3, 1, 0, 2},
      {3, -1, 0, 0, 3}, /* completions unset: parallelism until a success */
      {3, -1, 1, 2, 2}, /* then whatever still runs */
      {0, 5, 0, 3, 0},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
    assert_int_equal(ks_job_want_active(cases[i].parallelism, cases[i].completions,
                                        cases[i].succeeded, cases[i].active),
                     cases[i].want);
}

static void test_indexes(void **state) {
  static const struct {
    gint32 idx[10];
    guint n;
    const char *text;
  } cases[] = {
      {{0}, 0, ""},
      {{3}, 1, "3"},
      {{3, 4}, 2, "3,4"},
      {{1, 3, 4, 5, 7}, 5, "1,3-5,7"},
      {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 10, "0-9"},
      {{0, 2, 3, 9}, 4, "0,2,3,9"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    char *s = ks_job_format_indexes(cases[i].idx, cases[i].n);
    assert_string_equal(s, cases[i].text);
    GArray *back = ks_job_parse_indexes(s, 10);
    assert_int_equal(back->len, cases[i].n);
    for (guint k = 0; k < back->len; k++)
      assert_int_equal(g_array_index(back, gint32, k), cases[i].idx[k]);
    g_array_free(back, TRUE);
    g_free(s);
  }
  /* beyond completions, malformed parts and duplicates are dropped */
  GArray *a = ks_job_parse_indexes("7,1-3,x,2,5-4-3,9-12", 10);
  gint32 want[] = {1, 2, 3, 7, 9};
  assert_int_equal(a->len, G_N_ELEMENTS(want));
  for (guint k = 0; k < a->len; k++)
    assert_int_equal(g_array_index(a, gint32, k), want[k]);
  g_array_free(a, TRUE);
  a = ks_job_parse_indexes(NULL, 3);
  assert_int_equal(a->len, 0);
  g_array_free(a, TRUE);
}

static void test_names(void **state) {
  KsRng rng;
  ks_rng_init(&rng, 42, "test");
  char *n = ks_job_generate_name("pi-", &rng);
  assert_int_equal(strlen(n), 8);
  assert_true(g_str_has_prefix(n, "pi-"));
  for (int i = 3; i < 8; i++)
    assert_non_null(strchr("bcdfghjklmnpqrstvwxz2456789", n[i]));
  g_free(n);
  /* a long base is cut to 58 bytes before the 5 random characters */
  char *base = g_strnfill(70, 'a');
  n = ks_job_generate_name(base, &rng);
  assert_int_equal(strlen(n), 63);
  assert_int_equal(strncmp(n, base, 58), 0);
  g_free(n);
  /* same seed, same names */
  KsRng r1, r2;
  ks_rng_init(&r1, 7, "controller/job");
  ks_rng_init(&r2, 7, "controller/job");
  char *a = ks_job_generate_name("x-", &r1), *b = ks_job_generate_name("x-", &r2);
  assert_string_equal(a, b);
  g_free(a);
  g_free(b);

  char *g = ks_job_pod_generate_name("pi", -1);
  assert_string_equal(g, "pi-");
  g_free(g);
  g = ks_job_pod_generate_name("pi", 12);
  assert_string_equal(g, "pi-12-");
  g_free(g);
  g = ks_job_pod_generate_name(base, 123); /* 58 - len("-123-") = 53 bytes of the name */
  assert_int_equal(strlen(g), 58);
  assert_true(g_str_has_suffix(g, "a-123-"));
  assert_int_equal(strspn(g, "a"), 53);
  g_free(g);
  g_free(base);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_backoff_sequence), cmocka_unit_test(test_backoff_remaining),
      cmocka_unit_test(test_want_active),      cmocka_unit_test(test_indexes),
      cmocka_unit_test(test_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
