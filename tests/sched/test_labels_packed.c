/* Tests of ks_labels_copy's one-block layout (sched/labels.c): a copy reads
 * like the original, survives set/remove (which unpack it) with the
 * strings read before still valid, and frees cleanly (run under ASan or
 * valgrind to check the last two). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sched/labels.h"

static void fill(KsLabels *l) {
  ks_labels_init(l);
  ks_labels_set(l, "tier", "web");
  ks_labels_set(l, "app", "shop");
  ks_labels_set(l, "kubernetes.io/hostname", "node-7");
}

static void test_copy_reads_like_original(void **state) {
  KsLabels a, b;
  fill(&a);
  ks_labels_copy(&b, &a);
  assert_int_equal(b.n, 3);
  assert_true(ks_labels_equal(&a, &b));
  assert_string_equal(b.items[0].key, "app");
  assert_string_equal(b.items[2].key, "tier");
  assert_string_equal(ks_labels_get(&b, "kubernetes.io/hostname"), "node-7");
  assert_null(ks_labels_get(&b, "zone"));
  /* a copy of a copy, and the copy outliving its source */
  KsLabels c;
  ks_labels_copy(&c, &b);
  ks_labels_clear(&a);
  ks_labels_clear(&b);
  assert_string_equal(ks_labels_get(&c, "app"), "shop");
  assert_int_equal(c.n, 3);
  ks_labels_clear(&c);
  assert_int_equal(c.n, 0);
  assert_null(c.items);
}

static void test_set_on_copy(void **state) {
  KsLabels a, b;
  fill(&a);
  ks_labels_copy(&b, &a);
  const char *tier = ks_labels_get(&b, "tier");
  const char *app = ks_labels_get(&b, "app");
  ks_labels_set(&b, "zone", "z1"); /* insert */
  ks_labels_set(&b, "tier", "db"); /* replace */
  /* read before the first change: still readable (the block is retired) */
  assert_string_equal(tier, "web");
  assert_string_equal(app, "shop");
  assert_int_equal(b.n, 4);
  assert_string_equal(ks_labels_get(&b, "tier"), "db");
  assert_string_equal(ks_labels_get(&b, "zone"), "z1");
  assert_string_equal(b.items[3].key, "zone");
  /* a value taken from the copy itself */
  ks_labels_set(&b, "owner", ks_labels_get(&b, "app"));
  assert_string_equal(ks_labels_get(&b, "owner"), "shop");
  /* the original is untouched */
  assert_string_equal(ks_labels_get(&a, "tier"), "web");
  assert_int_equal(a.n, 3);
  ks_labels_clear(&a);
  ks_labels_clear(&b);
}

static void test_remove_on_copy(void **state) {
  KsLabels a, b;
  fill(&a);
  ks_labels_copy(&b, &a);
  assert_false(ks_labels_remove(&b, "zone"));
  assert_true(ks_labels_remove(&b, "app"));
  assert_int_equal(b.n, 2);
  assert_string_equal(b.items[0].key, "kubernetes.io/hostname");
  assert_true(ks_labels_remove(&b, "tier"));
  assert_true(ks_labels_remove(&b, "kubernetes.io/hostname"));
  assert_int_equal(b.n, 0);
  assert_null(b.items);
  ks_labels_set(&b, "a", "1"); /* usable again after emptying */
  assert_string_equal(ks_labels_get(&b, "a"), "1");
  ks_labels_clear(&b);
  ks_labels_clear(&a);
}

static void test_copy_of_empty(void **state) {
  KsLabels a, b;
  ks_labels_init(&a);
  ks_labels_copy(&b, &a);
  assert_int_equal(b.n, 0);
  assert_null(b.items);
  ks_labels_copy(&b, NULL);
  assert_null(b.items);
  ks_labels_set(&b, "k", "");
  KsLabels c;
  ks_labels_copy(&c, &b);
  assert_string_equal(ks_labels_get(&c, "k"), "");
  assert_true(ks_labels_equal(&b, &c));
  ks_labels_clear(&b);
  ks_labels_clear(&c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_copy_reads_like_original),
      cmocka_unit_test(test_set_on_copy),
      cmocka_unit_test(test_remove_on_copy),
      cmocka_unit_test(test_copy_of_empty),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
