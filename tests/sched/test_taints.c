/* Tests of toleration/taint matching against upstream outcomes.
 *
 * Cases marked "upstream" come from k8s.io/api core/v1 toleration_test.go
 * and taint_test.go (TestTolerationToleratesTaint, TestMatchTaint) and the
 * v1 helper TestTolerationsTolerateTaintsWithFilter; the rest exercise the
 * rules of kube-semantics 3.6 (empty effect, empty key, default operator).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sched/taints.h"

#define ALL KS_TAINT_EFFECT_ALL
#define NS KS_TAINT_EFFECT_NO_SCHEDULE
#define PNS KS_TAINT_EFFECT_PREFER_NO_SCHEDULE
#define NE KS_TAINT_EFFECT_NO_EXECUTE
#define EQUAL KS_TOLERATION_OP_EQUAL
#define EXISTS KS_TOLERATION_OP_EXISTS

typedef struct {
  const char *name;
  const char *tol_key;
  KsTolerationOp tol_op;
  const char *tol_value;
  KsTaintEffect tol_effect;
  const char *taint_key;
  const char *taint_value;
  KsTaintEffect taint_effect;
  gboolean want;
} TolerationCase;

static const TolerationCase cases[] = {
    {"same key and effect, Exists, taint without value (upstream)", "foo", EXISTS, NULL, NS, "foo",
     NULL, NS, TRUE},
    {"same key and effect, Exists, taint with value (upstream)", "foo", EXISTS, NULL, NS, "foo",
     "bar", NS, TRUE},
    {"empty key with Exists matches every key (upstream)", "", EXISTS, NULL, NS, "foo", "bar", NS,
     TRUE},
    {"same key, effect and value, Equal (upstream)", "foo", EQUAL, "bar", NS, "foo", "bar", NS,
     TRUE},
    {"different values, Equal (upstream)", "foo", EQUAL, "value1", NS, "foo", "value2", NS, FALSE},
    {"different effects, Equal (upstream)", "foo", EQUAL, "bar", NS, "foo", "bar", NE, FALSE},
    {"empty key, Exists, empty effect tolerates everything", "", EXISTS, NULL, ALL, "any", "v", NE,
     TRUE},
    {"NULL key behaves as empty key", NULL, EXISTS, NULL, ALL, "any", NULL, PNS, TRUE},
    {"empty effect matches NoExecute", "foo", EXISTS, NULL, ALL, "foo", NULL, NE, TRUE},
    {"empty effect matches PreferNoSchedule, Equal", "foo", EQUAL, "bar", ALL, "foo", "bar", PNS,
     TRUE},
    {"Equal with no value vs taint without value", "foo", EQUAL, NULL, NS, "foo", NULL, NS, TRUE},
    {"Equal with \"\" vs taint NULL value", "foo", EQUAL, "", NS, "foo", NULL, NS, TRUE},
    {"Equal with no value vs taint with value", "foo", EQUAL, NULL, NS, "foo", "bar", NS, FALSE},
    {"different key, Exists", "foo", EXISTS, NULL, NS, "bar", NULL, NS, FALSE},
    {"empty key with Exists still checks the effect", "", EXISTS, NULL, NE, "foo", NULL, NS, FALSE},
    {"PreferNoSchedule toleration vs NoSchedule taint", "foo", EXISTS, NULL, PNS, "foo", NULL, NS,
     FALSE},
    {"NoSchedule toleration vs NoExecute taint", "foo", EXISTS, NULL, NS, "foo", NULL, NE, FALSE},
    {"empty key with Equal compares values only (upstream matcher)", "", EQUAL, "bar", NS, "foo",
     "bar", NS, TRUE},
    {"empty key with Equal, different value", "", EQUAL, "bar", NS, "foo", "baz", NS, FALSE},
    {"unschedulable taint tolerated by key Exists", "node.kubernetes.io/unschedulable", EXISTS,
     NULL, NS, "node.kubernetes.io/unschedulable", NULL, NS, TRUE},
    {"keys compare case-sensitively", "Foo", EXISTS, NULL, ALL, "foo", NULL, NS, FALSE},
};

static void test_toleration_table(void **state) {
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    const TolerationCase *c = &cases[i];
    KsToleration tol = {.key = (char *)c->tol_key,
                        .op = c->tol_op,
                        .value = (char *)c->tol_value,
                        .effect = c->tol_effect};
    KsTaint taint = {.key = (char *)c->taint_key,
                     .value = (char *)c->taint_value,
                     .effect = c->taint_effect};
    gboolean got = ks_toleration_tolerates(&tol, &taint);
    if (got != c->want)
      fail_msg("toleration case \"%s\": got %d want %d", c->name, got, c->want);
    /* A single-element list says the same; copies match the same. */
    assert_int_equal(ks_tolerations_tolerate(&tol, 1, &taint), c->want);
    KsToleration tcopy;
    KsTaint kcopy;
    ks_toleration_copy(&tcopy, &tol);
    ks_taint_copy(&kcopy, &taint);
    assert_int_equal(ks_toleration_tolerates(&tcopy, &kcopy), c->want);
    ks_toleration_clear(&tcopy);
    ks_taint_clear(&kcopy);
  }
}

/* upstream TestTolerationsTolerateTaintsWithFilter, per taint. */
static void test_toleration_lists(void **state) {
  KsToleration tols[2] = {
      {.key = "foo", .op = EXISTS, .effect = NS},
      {.key = "foo", .op = EXISTS, .effect = NE},
  };
  KsTaint foo_ns = {.key = "foo", .effect = NS};
  KsTaint foo_ne = {.key = "foo", .effect = NE};
  KsTaint bar_ns = {.key = "bar", .effect = NS};
  assert_false(ks_tolerations_tolerate(NULL, 0, &foo_ns)); /* no tolerations */
  assert_true(ks_tolerations_tolerate(tols, 1, &foo_ns));
  assert_false(ks_tolerations_tolerate(tols, 1, &bar_ns));
  assert_false(ks_tolerations_tolerate(tols, 1, &foo_ne));
  assert_true(ks_tolerations_tolerate(tols, 2, &foo_ne)); /* the second one */
}

/* upstream TestMatchTaint: key and effect, value ignored. */
static void test_taint_match(void **state) {
  KsTaint a = {.key = "foo", .value = "bar", .effect = NS};
  KsTaint same = {.key = "foo", .value = "bar", .effect = NS};
  KsTaint other_value = {.key = "foo", .value = "different-value", .effect = NS};
  KsTaint other_key = {.key = "different-key", .value = "bar", .effect = NS};
  KsTaint other_effect = {.key = "foo", .value = "bar", .effect = PNS};
  assert_true(ks_taint_matches(&a, &same));
  assert_true(ks_taint_matches(&a, &other_value));
  assert_false(ks_taint_matches(&a, &other_key));
  assert_false(ks_taint_matches(&a, &other_effect));
}

static void test_effect_strings(void **state) {
  static const struct {
    const char *s;
    KsTaintEffect e;
  } names[] = {{"", ALL}, {"NoSchedule", NS}, {"PreferNoSchedule", PNS}, {"NoExecute", NE}};
  for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
    KsTaintEffect e = (KsTaintEffect)99;
    assert_true(ks_taint_effect_from_string(names[i].s, &e));
    assert_int_equal(e, names[i].e);
    assert_string_equal(ks_taint_effect_to_string(names[i].e), names[i].s);
  }
  KsTaintEffect e;
  assert_false(ks_taint_effect_from_string("noschedule", &e));
  assert_false(ks_taint_effect_from_string("NoScheduleX", &e));
  assert_true(ks_taint_effect_from_string(NULL, &e));
  assert_int_equal(e, ALL);
}

static void test_array_copies(void **state) {
  GArray *taints = g_array_new(FALSE, TRUE, sizeof(KsTaint));
  KsTaint t = {.key = g_strdup("k"), .value = g_strdup("v"), .effect = NE, .time_added_us = 7};
  g_array_append_val(taints, t);
  GArray *copy = ks_taint_array_copy(taints);
  ks_taint_clear(&g_array_index(taints, KsTaint, 0));
  g_array_unref(taints);
  assert_int_equal(copy->len, 1);
  KsTaint *c = &g_array_index(copy, KsTaint, 0);
  assert_string_equal(c->key, "k");
  assert_string_equal(c->value, "v");
  assert_int_equal(c->effect, NE);
  assert_int_equal(c->time_added_us, 7);
  g_array_unref(copy); /* clear func frees the strings */
  assert_null(ks_taint_array_copy(NULL));

  GArray *tols = g_array_new(FALSE, TRUE, sizeof(KsToleration));
  KsToleration tol = {.key = g_strdup("k"), .op = EXISTS, .effect = NE,
                      .has_toleration_seconds = TRUE, .toleration_seconds = 300};
  g_array_append_val(tols, tol);
  GArray *tcopy = ks_toleration_array_copy(tols);
  ks_toleration_clear(&g_array_index(tols, KsToleration, 0));
  g_array_unref(tols);
  KsToleration *tc = &g_array_index(tcopy, KsToleration, 0);
  assert_string_equal(tc->key, "k");
  assert_null(tc->value);
  assert_true(tc->has_toleration_seconds);
  assert_int_equal(tc->toleration_seconds, 300);
  g_array_unref(tcopy);
  assert_null(ks_toleration_array_copy(NULL));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_toleration_table),
      cmocka_unit_test(test_toleration_lists),
      cmocka_unit_test(test_taint_match),
      cmocka_unit_test(test_effect_strings),
      cmocka_unit_test(test_array_copies),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
