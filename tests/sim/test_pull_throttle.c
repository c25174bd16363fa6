/* The kubelet's registry pull throttle (sim/kubelet/pull_throttle.h): a
 * token bucket of registryPullQPS per second, registryBurst deep, full at
 * the start; QPS 0 unlimited. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim/kubelet/pull_throttle.h"

#define MS(x) ((gint64)(x) * 1000)

/* Defaults 5 / 10: 20 pods landing on one node at t=0 -> 10 pulls start,
 * 10 get "pull QPS exceeded"; one token every 200 ms after. */
static void test_defaults_twenty_at_once(void **state) {
  (void)state;
  KsPullThrottle t;
  ks_pull_throttle_init(&t, 5, 10, 0);
  guint ok = 0;
  for (guint i = 0; i < 20; i++)
    ok += ks_pull_throttle_try_accept(&t, 0);
  assert_int_equal(ok, 10);
  assert_false(ks_pull_throttle_try_accept(&t, MS(199)));
  assert_true(ks_pull_throttle_try_accept(&t, MS(200)));
  assert_false(ks_pull_throttle_try_accept(&t, MS(200)));
  /* at 10 s (the image back-off's retry) the bucket is full again: 10 more */
  ok = 0;
  for (guint i = 0; i < 20; i++)
    ok += ks_pull_throttle_try_accept(&t, MS(10000));
  assert_int_equal(ok, 10);
  /* 1 s later: 5 tokens */
  ok = 0;
  for (guint i = 0; i < 20; i++)
    ok += ks_pull_throttle_try_accept(&t, MS(11000));
  assert_int_equal(ok, 5);
}

static void test_unlimited_and_zero_burst(void **state) {
  (void)state;
  KsPullThrottle t;
  ks_pull_throttle_init(&t, 0, 10, 0);
  for (guint i = 0; i < 1000; i++)
    assert_true(ks_pull_throttle_try_accept(&t, 0));
  /* QPS 1, burst 0: the bucket never holds a token */
  ks_pull_throttle_init(&t, 1, 0, 0);
  assert_false(ks_pull_throttle_try_accept(&t, 0));
  assert_false(ks_pull_throttle_try_accept(&t, MS(100000)));
}

/* Refill never overflows past the burst, even after a very long idle time. */
static void test_refill_capped(void **state) {
  (void)state;
  KsPullThrottle t;
  ks_pull_throttle_init(&t, 3, 2, 0);
  assert_true(ks_pull_throttle_try_accept(&t, 0));
  assert_true(ks_pull_throttle_try_accept(&t, 0));
  assert_false(ks_pull_throttle_try_accept(&t, MS(333)));
  assert_true(ks_pull_throttle_try_accept(&t, MS(334))); /* 334 ms * 3/s = 1.002 tokens */
  gint64 later = (gint64)1 << 50;
  assert_true(ks_pull_throttle_try_accept(&t, later));
  assert_true(ks_pull_throttle_try_accept(&t, later));
  assert_false(ks_pull_throttle_try_accept(&t, later));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_defaults_twenty_at_once),
      cmocka_unit_test(test_unlimited_and_zero_burst),
      cmocka_unit_test(test_refill_capped),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
