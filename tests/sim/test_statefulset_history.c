/* Tests of ControllerRevision hashing and naming (sim/controllers/history.c),
 * shared by StatefulSets and DaemonSets: Go's FNV-1/FNV-1a 32-bit test
 * vectors (hash/fnv golden32, golden32a), rand.SafeEncodeString,
 * HashControllerRevision with and without a probe, ControllerRevisionName's
 * 223-byte prefix cut, and that a template's hash changes with the template
 * and the collision count and with nothing else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sched/pod.h"
#include "sim/controllers/history.h"

static void test_fnv_vectors(void **state) {
  (void)state;
  assert_int_equal(ks_history_fnv1_32("", 0), 0x811c9dc5u);
  assert_int_equal(ks_history_fnv1_32("a", 1), 0x050c5d7eu);
  assert_int_equal(ks_history_fnv1_32("abc", 3), 0x439c2f4bu);
  assert_int_equal(ks_history_fnv1a_32("", 0), 0x811c9dc5u);
  assert_int_equal(ks_history_fnv1a_32("a", 1), 0xe40c292cu);
  assert_int_equal(ks_history_fnv1a_32("abc", 3), 0x1a47e90bu);
}

static void test_safe_encode(void **state) {
  (void)state;
  char *s = ks_history_safe_encode("0123456789");
  assert_string_equal(s, "456789bcdf");
  g_free(s);
  s = ks_history_safe_encode("");
  assert_string_equal(s, "");
  g_free(s);
  s = ks_history_safe_encode("aeiou");
  /* 'a' 97 % 27 = 16 -> v; e 101 -> 20 '2'; i 105 -> 24 '7'; o 111 -> 3 f; u 117 -> 9 m */
  assert_string_equal(s, "v27fm");
  g_free(s);
}

static void test_hash_revision(void **state) {
  (void)state;
  char *h = ks_history_hash_revision("", 0, NULL);
  assert_string_equal(h, "65bb57b6b5"); /* 2166136261 */
  g_free(h);
  h = ks_history_hash_revision("a", 1, NULL);
  assert_string_equal(h, "d8bfb88b"); /* 84696446 */
  g_free(h);
  gint32 probe = 3;
  h = ks_history_hash_revision("a", 1, &probe);
  assert_string_equal(h, "5ddbd9db45"); /* FNV-1("a" "3") = 1886858601 */
  g_free(h);
}

static void test_revision_name(void **state) {
  (void)state;
  char *n = ks_history_revision_name("web", "65bb57b6b5");
  assert_string_equal(n, "web-65bb57b6b5");
  g_free(n);
  char long_prefix[301];
  memset(long_prefix, 'x', 300);
  long_prefix[300] = '\0';
  n = ks_history_revision_name(long_prefix, "abc");
  assert_int_equal(strlen(n), 223 + 4);
  assert_int_equal(n[222], 'x');
  assert_string_equal(n + 223, "-abc");
  g_free(n);
}

static KsPod *tmpl(const char *image) {
  KsPod *p = ks_pod_new("default", "");
  ks_labels_set(&p->labels, "app", "web");
  ks_pod_add_container(p, "web", FALSE)->image = g_strdup(image);
  return p;
}

static void test_compute_hash(void **state) {
  (void)state;
  KsPod *a = tmpl("nginx:1.25"), *a2 = tmpl("nginx:1.25"), *b = tmpl("nginx:1.26");
  char *ha = ks_history_compute_hash(a, NULL);
  char *ha2 = ks_history_compute_hash(a2, NULL);
  char *hb = ks_history_compute_hash(b, NULL);
  gint32 one = 1;
  char *ha1 = ks_history_compute_hash(a, &one);
  assert_string_equal(ha, ha2);
  assert_string_not_equal(ha, hb);
  assert_string_not_equal(ha, ha1);
  /* the value is the FNV-1a of the template data, safe encoded */
  char *data = ks_history_template_data(a);
  char digits[16];
  g_snprintf(digits, sizeof digits, "%u", ks_history_fnv1a_32(data, strlen(data)));
  char *want = ks_history_safe_encode(digits);
  assert_string_equal(ha, want);
  /* only the safe alphabet */
  assert_int_equal(strspn(ha, "bcdfghjklmnpqrstvwxz2456789"), strlen(ha));
  g_free(want);
  g_free(data);
  g_free(ha);
  g_free(ha2);
  g_free(hb);
  g_free(ha1);
  ks_pod_unref(a);
  ks_pod_unref(a2);
  ks_pod_unref(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fnv_vectors),  cmocka_unit_test(test_safe_encode),
      cmocka_unit_test(test_hash_revision), cmocka_unit_test(test_revision_name),
      cmocka_unit_test(test_compute_hash),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
