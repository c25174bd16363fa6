/* The kubelet's image pull back-off (sim/kubelet/image_backoff.h): 10 s,
 * doubling, 300 s cap, per pod UID + image, expiry after 600 s without an
 * update, IsInBackOffSinceUpdate's strict comparison. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim/kubelet/image_backoff.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)

/* An image that never pulls, failing at t=0 and at every retry: retries at
 * 10, 30, 70, 150, 310, 610 (back-off 300 reached), 910, 1210. */
static void test_sequence_capped(void **state) {
  (void)state;
  KsImageBackoff *b = ks_image_backoff_new();
  static const gint64 retries[] = {10, 30, 70, 150, 310, 610, 910, 1210};
  static const gint64 backoffs[] = {10, 20, 40, 80, 160, 300, 300, 300};
  gint64 now = 0;
  for (guint i = 0; i < G_N_ELEMENTS(retries); i++) {
    assert_false(ks_image_backoff_in_backoff(b, "uid-1", "app:v1", S(now)));
    gint64 at = ks_image_backoff_failed(b, "uid-1", "app:v1", S(now));
    assert_int_equal(at, S(retries[i]));
    assert_int_equal(ks_image_backoff_get(b, "uid-1", "app:v1"), S(backoffs[i]));
    /* ImagePullBackOff until the retry, not at it */
    assert_true(ks_image_backoff_in_backoff(b, "uid-1", "app:v1", S(now)));
    assert_true(ks_image_backoff_in_backoff(b, "uid-1", "app:v1", at - 1));
    assert_false(ks_image_backoff_in_backoff(b, "uid-1", "app:v1", at));
    now = retries[i];
  }
  ks_image_backoff_free(b);
}

/* Keys are per pod and image: another pod, another image start at 10 s. */
static void test_keys(void **state) {
  (void)state;
  KsImageBackoff *b = ks_image_backoff_new();
  ks_image_backoff_failed(b, "uid-1", "app:v1", 0);
  ks_image_backoff_failed(b, "uid-1", "app:v1", S(10));
  assert_int_equal(ks_image_backoff_get(b, "uid-1", "app:v1"), S(20));
  assert_int_equal(ks_image_backoff_failed(b, "uid-2", "app:v1", S(10)), S(20));
  assert_int_equal(ks_image_backoff_failed(b, "uid-1", "app:v2", S(10)), S(20));
  assert_false(ks_image_backoff_in_backoff(b, "uid-3", "app:v1", S(10)));
  /* a pod UID that is a prefix of another's is not confused with it */
  ks_image_backoff_failed(b, "uid-10", "app:v1", S(10));
  ks_image_backoff_forget_pod(b, "uid-1");
  assert_int_equal(ks_image_backoff_get(b, "uid-1", "app:v1"), 0);
  assert_int_equal(ks_image_backoff_get(b, "uid-1", "app:v2"), 0);
  assert_int_equal(ks_image_backoff_get(b, "uid-10", "app:v1"), S(10));
  assert_int_equal(ks_image_backoff_get(b, "uid-2", "app:v1"), S(10));
  ks_image_backoff_free(b);
}

/* Expiry: a failure more than 600 s after the last update starts at 10 s
 * again; exactly 600 s later it still doubles (hasExpired uses >). */
static void test_expiry(void **state) {
  (void)state;
  KsImageBackoff *b = ks_image_backoff_new();
  ks_image_backoff_failed(b, "u", "i", 0);
  ks_image_backoff_failed(b, "u", "i", S(10)); /* 20 */
  assert_int_equal(ks_image_backoff_failed(b, "u", "i", S(610)), S(650)); /* 40 */
  assert_int_equal(ks_image_backoff_failed(b, "u", "i", S(1210) + 1), S(1220) + 1); /* expired: 10 */
  ks_image_backoff_free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sequence_capped),
      cmocka_unit_test(test_keys),
      cmocka_unit_test(test_expiry),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
