/* Tests of the sorted label map: order kept on insertion, replace, lookups,
 * removal, deep copy and equality. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sched/labels.h"

static void assert_sorted(const KsLabels *l) {
  for (guint i = 1; i < l->n; i++)
    assert_true(strcmp(l->items[i - 1].key, l->items[i].key) < 0);
}

static void test_empty(void **state) {
  KsLabels l;
  ks_labels_init(&l);
  assert_int_equal(l.n, 0);
  assert_null(ks_labels_get(&l, "x"));
  assert_false(ks_labels_has(&l, "x"));
  assert_false(ks_labels_remove(&l, "x"));
  ks_labels_clear(&l);
  assert_null(ks_labels_get(NULL, "x"));
}

static void test_set_keeps_order(void **state) {
  const char *keys[] = {"zone", "app", "kubernetes.io/hostname", "tier", "a", "zz", "b/c", "app2"};
  KsLabels l;
  ks_labels_init(&l);
  for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
    ks_labels_set(&l, keys[i], keys[i]);
    assert_sorted(&l);
  }
  assert_int_equal(l.n, G_N_ELEMENTS(keys));
  assert_string_equal(l.items[0].key, "a");
  assert_string_equal(l.items[l.n - 1].key, "zz");
  for (guint i = 0; i < G_N_ELEMENTS(keys); i++)
    assert_string_equal(ks_labels_get(&l, keys[i]), keys[i]);
  assert_null(ks_labels_get(&l, "ap"));
  assert_null(ks_labels_get(&l, "zzz"));
  ks_labels_clear(&l);
  assert_int_equal(l.n, 0);
}

static void test_replace_and_empty_value(void **state) {
  KsLabels l;
  ks_labels_init(&l);
  ks_labels_set(&l, "app", "web");
  ks_labels_set(&l, "app", "db");
  assert_int_equal(l.n, 1);
  assert_string_equal(ks_labels_get(&l, "app"), "db");
  /* An empty value is present: selectors distinguish "" from absent. */
  ks_labels_set(&l, "flag", "");
  assert_true(ks_labels_has(&l, "flag"));
  assert_string_equal(ks_labels_get(&l, "flag"), "");
  ks_labels_set(&l, "nullv", NULL);
  assert_string_equal(ks_labels_get(&l, "nullv"), "");
  ks_labels_clear(&l);
}

static void test_remove(void **state) {
  KsLabels l;
  ks_labels_init(&l);
  ks_labels_set(&l, "b", "2");
  ks_labels_set(&l, "a", "1");
  ks_labels_set(&l, "c", "3");
  assert_true(ks_labels_remove(&l, "b"));
  assert_false(ks_labels_remove(&l, "b"));
  assert_int_equal(l.n, 2);
  assert_sorted(&l);
  assert_string_equal(ks_labels_get(&l, "c"), "3");
  assert_true(ks_labels_remove(&l, "a"));
  assert_true(ks_labels_remove(&l, "c"));
  assert_int_equal(l.n, 0);
  ks_labels_set(&l, "d", "4");
  assert_string_equal(ks_labels_get(&l, "d"), "4");
  ks_labels_clear(&l);
}

static void test_copy_and_equal(void **state) {
  KsLabels a, b, c;
  ks_labels_init(&a);
  ks_labels_set(&a, "x", "1");
  ks_labels_set(&a, "y", "2");
  ks_labels_copy(&b, &a);
  assert_true(ks_labels_equal(&a, &b));
  ks_labels_set(&b, "y", "3");
  assert_false(ks_labels_equal(&a, &b));
  assert_string_equal(ks_labels_get(&a, "y"), "2"); /* deep copy */
  ks_labels_clear(&a);
  assert_string_equal(ks_labels_get(&b, "x"), "1");
  ks_labels_copy(&c, &a); /* copy of empty */
  assert_int_equal(c.n, 0);
  ks_labels_clear(&b);
  ks_labels_clear(&c);
}

static void test_many_keys(void **state) {
  KsLabels l;
  ks_labels_init(&l);
  /* Insert in a scrambled order (37 is coprime with 500). */
  for (guint i = 0; i < 500; i++) {
    char key[16];
    g_snprintf(key, sizeof key, "k%03u", (i * 37) % 500);
    ks_labels_set(&l, key, key);
  }
  assert_int_equal(l.n, 500);
  assert_sorted(&l);
  assert_string_equal(ks_labels_get(&l, "k123"), "k123");
  ks_labels_clear(&l);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_empty),
      cmocka_unit_test(test_set_keeps_order),
      cmocka_unit_test(test_replace_and_empty_value),
      cmocka_unit_test(test_remove),
      cmocka_unit_test(test_copy_and_equal),
      cmocka_unit_test(test_many_keys),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
