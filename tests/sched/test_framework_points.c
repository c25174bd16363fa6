/* ks_sched_framework_new_points: a profile whose extension points list their
 * plugins explicitly. Checks that the lists are taken as given (subset and
 * order), that weights and args reach the plugins as with
 * ks_sched_framework_new, and the errors upstream's updatePluginList raises
 * for a bad list (a plugin at a point it does not extend, a repeat), plus
 * ksim's own (an index out of range, a count without a list).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "sched/framework.h"
#include "sched/plugins/plugins.h"

/* Profile "p": 0 PrioritySort, 1 NodeResourcesFit, 2 TaintToleration (w 3),
 * 3 DefaultBinder. */
static const KsSchedPluginConfig plugins[] = {
    {"PrioritySort", 0, NULL},
    {"NodeResourcesFit", 0, NULL},
    {"TaintToleration", 3, NULL},
    {"DefaultBinder", 0, NULL},
};

typedef struct {
  guint8 lists[KS_SCHED_EP_COUNT][KS_SCHED_MAX_PLUGINS];
  const guint8 *points[KS_SCHED_EP_COUNT];
  guint n[KS_SCHED_EP_COUNT];
} Points;

static void points_init(Points *p) {
  memset(p, 0, sizeof *p);
  for (guint e = 0; e < KS_SCHED_EP_COUNT; e++)
    p->points[e] = p->lists[e];
}

static void points_set(Points *p, KsSchedExtensionPoint e, guint n, const guint8 *idx) {
  memcpy(p->lists[e], idx, n);
  p->n[e] = n;
}

/* The smallest valid profile: a queue sort and a binder. */
static void points_minimal(Points *p) {
  points_init(p);
  points_set(p, KS_SCHED_EP_QUEUE_SORT, 1, (const guint8[]){0});
  points_set(p, KS_SCHED_EP_BIND, 1, (const guint8[]){3});
}

static KsSchedFramework *build(const KsSchedRegistry *r, const Points *p, GError **error) {
  return ks_sched_framework_new_points(r, "p", plugins, G_N_ELEMENTS(plugins), p->points, p->n,
                                       error);
}

static void test_points_taken_as_given(void **state) {
  (void)state;
  KsSchedRegistry *r = ks_sched_registry_new();
  Points p;
  points_minimal(&p);
  /* Filter in reverse profile order; Score only TaintToleration; Fit's
   * PreFilter left out although it implements it. */
  points_set(&p, KS_SCHED_EP_FILTER, 2, (const guint8[]){2, 1});
  points_set(&p, KS_SCHED_EP_SCORE, 1, (const guint8[]){2});
  GError *error = NULL;
  KsSchedFramework *fw = build(r, &p, &error);
  assert_null(error);
  assert_non_null(fw);
  assert_int_equal(fw->n_plugins, 4);
  assert_int_equal(fw->n_ep[KS_SCHED_EP_FILTER], 2);
  assert_int_equal(fw->ep[KS_SCHED_EP_FILTER][0], 2);
  assert_int_equal(fw->ep[KS_SCHED_EP_FILTER][1], 1);
  assert_int_equal(fw->n_ep[KS_SCHED_EP_PRE_FILTER], 0);
  assert_int_equal(fw->n_ep[KS_SCHED_EP_PRE_SCORE], 0);
  assert_int_equal(fw->n_ep[KS_SCHED_EP_SCORE], 1);
  assert_int_equal(fw->ep[KS_SCHED_EP_SCORE][0], 2);
  assert_int_equal(fw->n_ep[KS_SCHED_EP_QUEUE_SORT], 1);
  assert_int_equal(fw->n_ep[KS_SCHED_EP_BIND], 1);
  assert_int_equal(fw->ep[KS_SCHED_EP_BIND][0], 3);
  assert_int_equal(fw->plugins[2].weight, 3);
  assert_int_equal(fw->plugins[1].weight, 1); /* unset weight: 1, as with new() */
  assert_string_equal(fw->name, "p");
  assert_int_equal(fw->percentage_of_nodes_to_score, -1);
  ks_sched_framework_free(fw);
  ks_sched_registry_free(r);
}

/* The MultiPoint lists that ks_sched_framework_new computes, handed back,
 * give the same framework. */
static void test_points_same_as_multi_point(void **state) {
  (void)state;
  KsSchedRegistry *r = ks_sched_registry_new();
  GError *error = NULL;
  KsSchedFramework *mp = ks_sched_framework_new(r, "p", plugins, G_N_ELEMENTS(plugins), &error);
  assert_non_null(mp);
  Points p;
  points_init(&p);
  for (guint e = 0; e < KS_SCHED_EP_COUNT; e++)
    points_set(&p, (KsSchedExtensionPoint)e, mp->n_ep[e], mp->ep[e]);
  KsSchedFramework *fw = build(r, &p, &error);
  assert_null(error);
  for (guint e = 0; e < KS_SCHED_EP_COUNT; e++) {
    assert_int_equal(fw->n_ep[e], mp->n_ep[e]);
    assert_memory_equal(fw->ep[e], mp->ep[e], mp->n_ep[e]);
  }
  assert_true(mp->n_ep[KS_SCHED_EP_FILTER] >= 2); /* the check above compared something */
  ks_sched_framework_free(fw);
  ks_sched_framework_free(mp);
  ks_sched_registry_free(r);
}

static void expect_error(const Points *p, gint code, const char *message) {
  KsSchedRegistry *r = ks_sched_registry_new();
  GError *error = NULL;
  KsSchedFramework *fw = build(r, p, &error);
  assert_null(fw);
  assert_non_null(error);
  assert_true(g_error_matches(error, KS_SCHED_ERROR, code));
  assert_string_equal(error->message, message);
  g_error_free(error);
  ks_sched_registry_free(r);
}

/* upstream updatePluginList: "plugin %q does not extend %s plugin". */
static void test_points_not_implemented(void **state) {
  (void)state;
  Points p;
  points_minimal(&p);
  points_set(&p, KS_SCHED_EP_QUEUE_SORT, 1, (const guint8[]){2});
  expect_error(&p, KS_SCHED_ERROR_INVALID_ARGS,
               "profile p: plugin \"TaintToleration\" does not extend QueueSort plugin");
  points_minimal(&p);
  points_set(&p, KS_SCHED_EP_POST_FILTER, 2, (const guint8[]){1, 0}); /* Fit has no PostFilter */
  expect_error(&p, KS_SCHED_ERROR_INVALID_ARGS,
               "profile p: plugin \"NodeResourcesFit\" does not extend PostFilter plugin");
}

static void test_points_out_of_range(void **state) {
  (void)state;
  Points p;
  points_minimal(&p);
  points_set(&p, KS_SCHED_EP_FILTER, 2, (const guint8[]){1, 4});
  expect_error(&p, KS_SCHED_ERROR_INVALID_ARGS,
               "profile p: Filter entry 1: plugin index 4 out of range (4 plugins)");
  points_minimal(&p);
  p.n[KS_SCHED_EP_SCORE] = KS_SCHED_MAX_PLUGINS + 1;
  expect_error(&p, KS_SCHED_ERROR_INVALID_ARGS,
               "profile p: Score: 65 entries given (more than a profile's plugins can be)");
  points_minimal(&p);
  p.points[KS_SCHED_EP_FILTER] = NULL;
  p.n[KS_SCHED_EP_FILTER] = 1;
  expect_error(&p, KS_SCHED_ERROR_INVALID_ARGS, "profile p: Filter: 1 entries given without a list");
}

/* upstream updatePluginList: a plugin registered twice at one point. */
static void test_points_repeated(void **state) {
  (void)state;
  Points p;
  points_minimal(&p);
  points_set(&p, KS_SCHED_EP_FILTER, 3, (const guint8[]){1, 2, 1});
  expect_error(&p, KS_SCHED_ERROR_DUPLICATE_PLUGIN,
               "profile p: plugin \"NodeResourcesFit\" listed twice at Filter");
}

/* Lookup and args errors are those of ks_sched_framework_new. */
static void test_points_unknown_plugin(void **state) {
  (void)state;
  KsSchedRegistry *r = ks_sched_registry_new();
  const KsSchedPluginConfig bad[] = {{"PrioritySort", 0, NULL}, {"NoSuchPlugin", 0, NULL}};
  Points p;
  points_init(&p);
  GError *error = NULL;
  assert_null(ks_sched_framework_new_points(r, "p", bad, 2, p.points, p.n, &error));
  assert_true(g_error_matches(error, KS_SCHED_ERROR, KS_SCHED_ERROR_UNKNOWN_PLUGIN));
  assert_string_equal(error->message, "profile p: unknown plugin \"NoSuchPlugin\"");
  g_error_free(error);
  ks_sched_registry_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_points_taken_as_given),
      cmocka_unit_test(test_points_same_as_multi_point),
      cmocka_unit_test(test_points_not_implemented),
      cmocka_unit_test(test_points_out_of_range),
      cmocka_unit_test(test_points_repeated),
      cmocka_unit_test(test_points_unknown_plugin),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
