/* DefaultTolerationSeconds admission (plugin/pkg/admission/
 * defaulttolerationseconds, v1.31): which pods get the not-ready and
 * unreachable NoExecute tolerations with tolerationSeconds 300, as a table
 * after upstream's admission_test.go cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "sim/admission.h"

typedef struct {
  const char *key; /* NULL: empty */
  KsTolerationOp op;
  KsTaintEffect effect;
  gint64 seconds; /* -1: unset */
} Tol;

typedef struct {
  const char *name;
  Tol given[2];
  guint n_given;
  gboolean adds_not_ready, adds_unreachable;
} Case;

static void add(KsPod *pod, const Tol *t) {
  KsToleration *x = ks_pod_add_toleration(pod);
  x->key = g_strdup(t->key);
  x->op = t->op;
  x->effect = t->effect;
  x->has_toleration_seconds = t->seconds >= 0;
  x->toleration_seconds = t->seconds >= 0 ? t->seconds : 0;
}

static void assert_default(const KsToleration *t, const char *key) {
  assert_string_equal(t->key, key);
  assert_int_equal(t->op, KS_TOLERATION_OP_EXISTS);
  assert_int_equal(t->effect, KS_TAINT_EFFECT_NO_EXECUTE);
  assert_true(t->has_toleration_seconds);
  assert_int_equal(t->toleration_seconds, 300);
  assert_null(t->value);
}

static const Case cases[] = {
  {"no tolerations", {{0}}, 0, TRUE, TRUE},
  {"not-ready NoExecute 60s kept, unreachable added",
   {{KS_TAINT_NODE_NOT_READY, KS_TOLERATION_OP_EXISTS, KS_TAINT_EFFECT_NO_EXECUTE, 60}}, 1, FALSE,
   TRUE},
  {"unreachable NoExecute forever kept, not-ready added",
   {{KS_TAINT_NODE_UNREACHABLE, KS_TOLERATION_OP_EXISTS, KS_TAINT_EFFECT_NO_EXECUTE, -1}}, 1, TRUE,
   FALSE},
  {"both given", {{KS_TAINT_NODE_NOT_READY, KS_TOLERATION_OP_EXISTS, KS_TAINT_EFFECT_NO_EXECUTE, 1},
                  {KS_TAINT_NODE_UNREACHABLE, KS_TOLERATION_OP_EXISTS, KS_TAINT_EFFECT_NO_EXECUTE, 2}},
   2, FALSE, FALSE},
  {"empty key and effect tolerates everything",
   {{NULL, KS_TOLERATION_OP_EXISTS, KS_TAINT_EFFECT_ALL, -1}}, 1, FALSE, FALSE},
  {"empty key, NoExecute", {{NULL, KS_TOLERATION_OP_EXISTS, KS_TAINT_EFFECT_NO_EXECUTE, -1}}, 1,
   FALSE, FALSE},
  {"empty key, NoSchedule does not count",
   {{NULL, KS_TOLERATION_OP_EXISTS, KS_TAINT_EFFECT_NO_SCHEDULE, -1}}, 1, TRUE, TRUE},
  {"not-ready with an empty effect", {{KS_TAINT_NODE_NOT_READY, KS_TOLERATION_OP_EXISTS,
                                       KS_TAINT_EFFECT_ALL, -1}}, 1, FALSE, TRUE},
  {"unreachable NoSchedule does not count",
   {{KS_TAINT_NODE_UNREACHABLE, KS_TOLERATION_OP_EXISTS, KS_TAINT_EFFECT_NO_SCHEDULE, -1}}, 1, TRUE,
   TRUE},
  {"other key NoExecute", {{"example.com/gpu", KS_TOLERATION_OP_EXISTS,
                            KS_TAINT_EFFECT_NO_EXECUTE, -1}}, 1, TRUE, TRUE},
  /* Upstream looks at key and effect only: an Equal toleration with a
   * value counts although it would not match the value-less taint. */
  {"Equal operator with a value still counts",
   {{KS_TAINT_NODE_NOT_READY, KS_TOLERATION_OP_EQUAL, KS_TAINT_EFFECT_NO_EXECUTE, 5}}, 1, FALSE,
   TRUE},
};

static void test_table(void **state) {
  (void)state;
  for (guint c = 0; c < G_N_ELEMENTS(cases); c++) {
    const Case *tc = &cases[c];
    KsPod *pod = ks_pod_new("default", "p");
    for (guint i = 0; i < tc->n_given; i++)
      add(pod, &tc->given[i]);
    ks_admit_default_toleration_seconds(pod);
    guint n = pod->tolerations ? pod->tolerations->len : 0;
    guint want = tc->n_given + tc->adds_not_ready + tc->adds_unreachable;
    if (n != want)
      fail_msg("%s: %u tolerations, want %u", tc->name, n, want);
    guint at = tc->n_given;
    if (tc->adds_not_ready)
      assert_default(&g_array_index(pod->tolerations, KsToleration, at++), KS_TAINT_NODE_NOT_READY);
    if (tc->adds_unreachable)
      assert_default(&g_array_index(pod->tolerations, KsToleration, at++),
                     KS_TAINT_NODE_UNREACHABLE);
    /* The pod's own tolerations are untouched, in place. */
    for (guint i = 0; i < tc->n_given; i++) {
      const KsToleration *t = &g_array_index(pod->tolerations, KsToleration, i);
      assert_int_equal(t->effect, tc->given[i].effect);
      assert_int_equal(t->has_toleration_seconds, tc->given[i].seconds >= 0);
    }
    /* Idempotent: a second admission adds nothing. */
    ks_admit_default_toleration_seconds(pod);
    assert_int_equal(pod->tolerations->len, want);
    ks_pod_unref(pod);
  }
}

static const KsPriorityClass *no_classes(const char *name, gpointer user_data) {
  (void)name;
  (void)user_data;
  return NULL;
}

/* ks_admit_pod runs the step: every created pod carries the defaults. */
static void test_admit_pod_adds_them(void **state) {
  (void)state;
  KsPod *pod = ks_pod_new("default", "web-0");
  assert_true(ks_admit_pod(pod, no_classes, NULL, NULL));
  assert_int_equal(pod->tolerations->len, 2);
  assert_default(&g_array_index(pod->tolerations, KsToleration, 0), KS_TAINT_NODE_NOT_READY);
  assert_default(&g_array_index(pod->tolerations, KsToleration, 1), KS_TAINT_NODE_UNREACHABLE);
  ks_pod_unref(pod);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_table),
    cmocka_unit_test(test_admit_pod_adds_them),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
