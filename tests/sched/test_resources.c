/* Tests of resource lists: setting from quantities (cpu in millicores, the
 * rest as Value()), presence of explicit zeros, scalar order by name string,
 * add/sub/max with upstream map semantics, copies, and upstream's
 * classification of resource names (v1helper). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sched/resources.h"

static void test_set_quantity(void **state) {
  KsResourceList l;
  ks_resource_list_init(&l);
  assert_true(ks_resource_list_set_quantity(&l, "cpu", "1.5", NULL));
  assert_true(ks_resource_list_set_quantity(&l, "memory", "1Gi", NULL));
  assert_true(ks_resource_list_set_quantity(&l, "ephemeral-storage", "10G", NULL));
  assert_true(ks_resource_list_set_quantity(&l, "pods", "110", NULL));
  assert_true(ks_resource_list_set_quantity(&l, "nvidia.com/gpu", "2", NULL));
  assert_true(ks_resource_list_set_quantity(&l, "hugepages-2Mi", "0.5Gi", NULL));
  assert_true(l.milli_cpu == 1500);
  assert_true(l.memory == 1073741824LL);
  assert_true(l.ephemeral_storage == 10000000000LL);
  assert_true(l.pods == 110);
  assert_true(ks_resource_list_get(&l, "cpu") == 1500);
  assert_true(ks_resource_list_get(&l, "nvidia.com/gpu") == 2);
  assert_true(ks_resource_list_get(&l, "hugepages-2Mi") == 536870912LL);
  assert_true(ks_resource_list_get(&l, "example.com/absent") == 0);
  assert_int_equal(ks_resource_list_count(&l), 6);
  /* "0.1m" of cpu is 1 millicore; "1m" of memory is 1 byte */
  assert_true(ks_resource_list_set_quantity(&l, "cpu", "0.1m", NULL));
  assert_true(ks_resource_list_set_quantity(&l, "memory", "1m", NULL));
  assert_true(l.milli_cpu == 1 && l.memory == 1);
  ks_resource_list_clear(&l);
}

static void test_set_quantity_error(void **state) {
  KsResourceList l;
  ks_resource_list_init(&l);
  ks_resource_list_set(&l, "cpu", 7);
  GError *error = NULL;
  assert_false(ks_resource_list_set_quantity(&l, "cpu", "12x", &error));
  assert_string_equal(error->message, "\"12x\" is not a quantity");
  g_error_free(error);
  assert_true(l.milli_cpu == 7); /* unchanged */
  assert_false(ks_resource_list_set_quantity(&l, "example.com/foo", "1K", NULL));
  assert_false(ks_resource_list_has(&l, "example.com/foo"));
  ks_resource_list_clear(&l);
}

static void test_presence(void **state) {
  KsResourceList l;
  ks_resource_list_init(&l);
  assert_false(ks_resource_list_has(&l, "cpu"));
  assert_false(ks_resource_list_has(&l, "memory"));
  assert_true(ks_resource_list_is_zero(&l));
  ks_resource_list_set(&l, "cpu", 0);
  ks_resource_list_set(&l, "example.com/foo", 0);
  assert_true(ks_resource_list_has(&l, "cpu"));
  assert_true(ks_resource_list_has(&l, "example.com/foo"));
  assert_false(ks_resource_list_has(&l, "memory"));
  assert_true(ks_resource_list_is_zero(&l));
  ks_resource_list_set(&l, "example.com/foo", 3);
  assert_false(ks_resource_list_is_zero(&l));
  ks_resource_list_clear(&l);
  assert_false(ks_resource_list_has(&l, "cpu"));
}

static void collect(const char *name, gint64 value, gpointer data) {
  g_string_append_printf(data, "%s=%" G_GINT64_FORMAT ";", name, value);
}

static char *dump(const KsResourceList *l) {
  GString *s = g_string_new(NULL);
  ks_resource_list_foreach(l, collect, s);
  return g_string_free(s, FALSE);
}

static void test_scalar_order(void **state) {
  /* Intern the names in reverse order so quark order and string order differ. */
  const char *names[] = {"zz.example.com/last", "nvidia.com/gpu", "hugepages-2Mi",
                         "example.com/foo", "attachable-volumes-aws-ebs"};
  for (guint i = 0; i < G_N_ELEMENTS(names); i++)
    g_quark_from_string(names[i]);
  KsResourceList l;
  ks_resource_list_init(&l);
  const guint order[] = {1, 4, 0, 3, 2};
  for (guint i = 0; i < G_N_ELEMENTS(order); i++)
    ks_resource_list_set(&l, names[order[i]], (gint64)order[i] + 1);
  ks_resource_list_set(&l, "memory", 5);
  ks_resource_list_set(&l, "cpu", 250);
  char *s = dump(&l);
  assert_string_equal(s, "cpu=250;memory=5;attachable-volumes-aws-ebs=5;example.com/foo=4;"
                         "hugepages-2Mi=3;nvidia.com/gpu=2;zz.example.com/last=1;");
  g_free(s);
  for (guint i = 1; i < l.scalars->len; i++) {
    const char *a = g_quark_to_string(g_array_index(l.scalars, KsScalarResource, i - 1).name);
    const char *b = g_quark_to_string(g_array_index(l.scalars, KsScalarResource, i).name);
    assert_true(strcmp(a, b) < 0);
  }
  ks_resource_list_clear(&l);
}

static void make(KsResourceList *l, gint64 cpu, gint64 mem, gint64 gpu) {
  ks_resource_list_init(l);
  if (cpu >= 0)
    ks_resource_list_set(l, "cpu", cpu);
  if (mem >= 0)
    ks_resource_list_set(l, "memory", mem);
  if (gpu >= 0)
    ks_resource_list_set(l, "nvidia.com/gpu", gpu);
}

static void test_add_sub(void **state) {
  KsResourceList acc, x;
  make(&acc, 1000, -1, 1);
  make(&x, 500, 2048, 2);
  ks_resource_list_set(&x, "hugepages-1Gi", 1073741824LL);
  ks_resource_list_add(&acc, &x);
  char *s = dump(&acc);
  assert_string_equal(s, "cpu=1500;memory=2048;hugepages-1Gi=1073741824;nvidia.com/gpu=3;");
  g_free(s);
  ks_resource_list_sub(&acc, &x);
  s = dump(&acc);
  assert_string_equal(s, "cpu=1000;memory=0;hugepages-1Gi=0;nvidia.com/gpu=1;");
  g_free(s);
  ks_resource_list_clear(&acc);
  ks_resource_list_clear(&x);
}

static void test_max(void **state) {
  KsResourceList acc, x;
  make(&acc, 1000, 4096, -1);
  make(&x, 2000, 1024, 1);
  ks_resource_list_max(&acc, &x);
  char *s = dump(&acc);
  assert_string_equal(s, "cpu=2000;memory=4096;nvidia.com/gpu=1;");
  g_free(s);
  ks_resource_list_clear(&acc);
  ks_resource_list_clear(&x);
  /* An absent entry takes the other value as is, as upstream's maxResourceList. */
  make(&acc, -1, -1, -1);
  make(&x, 0, -1, 0);
  ks_resource_list_max(&acc, &x);
  assert_true(ks_resource_list_has(&acc, "cpu"));
  assert_false(ks_resource_list_has(&acc, "memory"));
  assert_true(ks_resource_list_has(&acc, "nvidia.com/gpu"));
  ks_resource_list_clear(&acc);
  ks_resource_list_clear(&x);
}

static void test_copy_equal(void **state) {
  KsResourceList a, b;
  make(&a, 100, 200, 3);
  ks_resource_list_copy(&b, &a);
  assert_true(ks_resource_list_equal(&a, &b));
  ks_resource_list_set(&b, "nvidia.com/gpu", 4);
  assert_false(ks_resource_list_equal(&a, &b));
  assert_true(ks_resource_list_get(&a, "nvidia.com/gpu") == 3);
  ks_resource_list_clear(&b);
  ks_resource_list_clear(&a);
  ks_resource_list_copy(&b, &a); /* an empty list copies without a scalar array */
  assert_null(b.scalars);
  assert_true(ks_resource_list_equal(&a, &b));
  ks_resource_list_clear(&a);
  ks_resource_list_clear(&b);
}

static const struct {
  const char *name;
  gboolean hugepages, extended, scalar;
} classes[] = {
    {"cpu", FALSE, FALSE, FALSE},
    {"memory", FALSE, FALSE, FALSE},
    {"ephemeral-storage", FALSE, FALSE, FALSE},
    {"pods", FALSE, FALSE, FALSE},
    {"foo", FALSE, FALSE, FALSE},
    {"hugepages-2Mi", TRUE, FALSE, TRUE},
    {"hugepages-1Gi", TRUE, FALSE, TRUE},
    {"nvidia.com/gpu", FALSE, TRUE, TRUE},
    {"example.com/foo", FALSE, TRUE, TRUE},
    {"example.com/foo_bar.v2", FALSE, TRUE, TRUE},
    {"kubernetes.io/foo", FALSE, FALSE, TRUE},
    {"foo.kubernetes.io/bar", FALSE, FALSE, TRUE},
    {"attachable-volumes-aws-ebs", FALSE, FALSE, TRUE},
    {"requests.example.com/foo", FALSE, FALSE, FALSE},
    {"example.com/", FALSE, FALSE, FALSE},
    {"Example.com/foo", FALSE, FALSE, FALSE},
    {"example.com/a/b", FALSE, FALSE, FALSE},
    {"example.com/-foo", FALSE, FALSE, FALSE},
    {"example..com/foo", FALSE, FALSE, FALSE},
    {"/foo", FALSE, FALSE, FALSE},
};

static void test_classification(void **state) {
  for (guint i = 0; i < G_N_ELEMENTS(classes); i++) {
    const char *n = classes[i].name;
    if (ks_resource_is_hugepages(n) != classes[i].hugepages ||
        ks_resource_is_extended(n) != classes[i].extended ||
        ks_resource_is_scalar(n) != classes[i].scalar)
      print_error("%s: classified wrongly\n", n);
    assert_int_equal(ks_resource_is_hugepages(n), classes[i].hugepages);
    assert_int_equal(ks_resource_is_extended(n), classes[i].extended);
    assert_int_equal(ks_resource_is_scalar(n), classes[i].scalar);
  }
  /* the qualified name part is limited to 63 characters */
  char *long_name = g_strconcat("example.com/", "a", NULL);
  assert_true(ks_resource_is_extended(long_name));
  g_free(long_name);
  char *part = g_strnfill(64, 'a');
  long_name = g_strconcat("example.com/", part, NULL);
  assert_false(ks_resource_is_extended(long_name));
  g_free(long_name);
  g_free(part);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_set_quantity), cmocka_unit_test(test_set_quantity_error),
      cmocka_unit_test(test_presence),     cmocka_unit_test(test_scalar_order),
      cmocka_unit_test(test_add_sub),      cmocka_unit_test(test_max),
      cmocka_unit_test(test_copy_equal),   cmocka_unit_test(test_classification),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
