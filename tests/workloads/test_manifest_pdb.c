/* kind: PodDisruptionBudget (policy/v1): every field ksim keeps, the typed
 * list, and the exact message of each broken file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "workloads/manifest.h"

#define DIR KSIM_TEST_DATA "/manifests/"

static const KsPodDisruptionBudget *pdb_at(const KsManifestSet *s, guint i) {
  assert_true(i < s->objects->len);
  const KsManifestObject *o = s->objects->pdata[i];
  assert_int_equal(o->kind, KS_KIND_POD_DISRUPTION_BUDGET);
  return o->u.pdb;
}

static void test_good(void **state) {
  GError *error = NULL;
  KsManifestSet *s = ks_manifest_load_file(DIR "pdb.yaml", &error);
  if (!s)
    fail_msg("%s", error->message);
  assert_int_equal(s->objects->len, 3);
  assert_int_equal(s->warnings->len, 0);
  assert_string_equal(ks_kind_to_string(KS_KIND_POD_DISRUPTION_BUDGET), "PodDisruptionBudget");

  const KsPodDisruptionBudget *b = pdb_at(s, 0);
  assert_string_equal(b->namespace, "shop");
  assert_string_equal(b->name, "web-pdb");
  assert_true(b->min_available.set);
  assert_false(b->min_available.is_percent);
  assert_int_equal(b->min_available.value, 2);
  assert_false(b->max_unavailable.set);
  assert_string_equal(ks_labels_get(&b->selector->match_labels, "app"), "web");
  assert_int_equal(b->disruptions_allowed, 1);
  assert_int_equal(g_strv_length(b->disrupted_pods), 1);
  assert_true(ks_pdb_is_disrupted(b, "web-1"));
  assert_false(ks_pdb_is_disrupted(b, "web-2"));

  b = pdb_at(s, 1);
  assert_string_equal(b->namespace, "default");
  assert_string_equal(b->name, "db-pdb");
  assert_true(b->max_unavailable.set && b->max_unavailable.is_percent);
  assert_int_equal(b->max_unavailable.value, 25);
  assert_int_equal(b->selector->match_expressions->len, 1);
  assert_int_equal(b->disruptions_allowed, 0);
  assert_null(b->disrupted_pods);

  b = pdb_at(s, 2);
  assert_true(b->min_available.set && b->min_available.is_percent);
  assert_int_equal(b->min_available.value, 100);
  assert_true(ks_label_selector_is_empty(b->selector));
  ks_manifest_set_free(s);
}

/* The disruption controller's arithmetic (v1.31 trySync): percentages
 * round up (GetScaledValueFromIntOrPercent(..., true)) for both fields. */
static void test_disruptions_allowed(void **state) {
  KsPodDisruptionBudget *b = ks_pdb_new(NULL, "b");
  b->min_available = (KsIntOrPercent){TRUE, FALSE, 2};
  assert_int_equal(ks_pdb_disruptions_allowed(b, 3, 3), 1);
  assert_int_equal(ks_pdb_disruptions_allowed(b, 3, 2), 0);
  assert_int_equal(ks_pdb_disruptions_allowed(b, 3, 1), 0);
  assert_int_equal(ks_pdb_disruptions_allowed(b, 0, 0), 0);
  b->min_available = (KsIntOrPercent){TRUE, TRUE, 50}; /* ceil(1.5) = 2 */
  assert_int_equal(ks_pdb_desired_healthy(b, 3), 2);
  assert_int_equal(ks_pdb_disruptions_allowed(b, 3, 3), 1);
  b->min_available.set = FALSE;
  b->max_unavailable = (KsIntOrPercent){TRUE, TRUE, 50}; /* 3 - ceil(1.5) = 1 */
  assert_int_equal(ks_pdb_desired_healthy(b, 3), 1);
  assert_int_equal(ks_pdb_disruptions_allowed(b, 3, 3), 2);
  b->max_unavailable = (KsIntOrPercent){TRUE, FALSE, 5}; /* max(0, 3 - 5) */
  assert_int_equal(ks_pdb_desired_healthy(b, 3), 0);
  assert_int_equal(ks_pdb_disruptions_allowed(b, 3, 2), 2);
  ks_pdb_free(b);
}

static const struct {
  const char *file;
  const char *message; /* after "<dir>/bad/<file>:" */
} bad_files[] = {
    {"pdb-both.yaml", "6:3: spec: minAvailable and maxUnavailable cannot be both set"},
    {"pdb-percent.yaml",
     "6:19: spec.maxUnavailable: \"50\" must be an integer or percentage (e.g '5%')"},
    {"pdb-over-100.yaml", "6:17: spec.minAvailable: \"150%\" must not be greater than 100%"},
    {"pdb-negative.yaml", "6:17: spec.minAvailable: -1 must be greater than or equal to 0"},
    {"pdb-apiversion.yaml", "1:13: apiVersion: \"policy/v1beta1\" is not a valid apiVersion for "
                            "kind PodDisruptionBudget (use policy/v1)"},
    {"pdb-selector.yaml", "9:17: spec.selector.matchExpressions[0].operator: unknown operator "
                          "\"Gt\" (use In, NotIn, Exists or DoesNotExist)"},
};

static void test_bad_files(void **state) {
  for (guint i = 0; i < G_N_ELEMENTS(bad_files); i++) {
    char *path = g_strconcat(DIR, "bad/", bad_files[i].file, NULL);
    GError *error = NULL;
    KsManifestSet *set = ks_manifest_load_file(path, &error);
    if (set)
      fail_msg("%s loaded but should not", path);
    assert_true(error->domain == KS_YAML_ERROR);
    char *want = g_strdup_printf("%s:%s", path, bad_files[i].message);
    if (strcmp(error->message, want))
      fail_msg("got  %s\nwant %s", error->message, want);
    g_free(want);
    g_error_free(error);
    g_free(path);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_good),
      cmocka_unit_test(test_disruptions_allowed),
      cmocka_unit_test(test_bad_files),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
