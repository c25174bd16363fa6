/* Pod admission: priority from PriorityClasses (named, globalDefault,
 * built-in system classes, missing → upstream's forbidden message) and the
 * matchLabelKeys fold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "sim/admission.h"

static const KsPriorityClass *lookup(const char *name, gpointer user_data) {
  GPtrArray *classes = user_data;
  for (guint i = 0; i < classes->len; i++) {
    const KsPriorityClass *pc = classes->pdata[i];
    if (name ? !g_strcmp0(pc->name, name) : pc->global_default)
      return pc;
  }
  return NULL;
}

static gint32 admitted_priority(GPtrArray *classes, const char *class_name) {
  KsPod *pod = ks_pod_new("default", "p");
  pod->priority_class_name = g_strdup(class_name);
  GError *error = NULL;
  assert_true(ks_admit_pod(pod, lookup, classes, &error));
  assert_true(pod->has_priority);
  gint32 v = pod->priority;
  ks_pod_unref(pod);
  return v;
}

static void test_priority(void **state) {
  GPtrArray *classes = g_ptr_array_new_with_free_func((GDestroyNotify)ks_priority_class_free);
  g_ptr_array_add(classes, ks_priority_class_new("high", 1000));
  assert_int_equal(admitted_priority(classes, "high"), 1000);
  assert_int_equal(admitted_priority(classes, NULL), 0);
  assert_int_equal(admitted_priority(classes, "system-node-critical"), 2000001000);
  assert_int_equal(admitted_priority(classes, "system-cluster-critical"), 2000000000);
  KsPriorityClass *def = ks_priority_class_new("everyday", 7);
  def->global_default = TRUE;
  g_ptr_array_add(classes, def);
  assert_int_equal(admitted_priority(classes, NULL), 7);
  assert_int_equal(admitted_priority(classes, ""), 7);

  KsPod *pod = ks_pod_new("shop", "web-0");
  pod->priority_class_name = g_strdup("missing");
  GError *error = NULL;
  assert_false(ks_admit_pod(pod, lookup, classes, &error));
  assert_string_equal(error->message,
                      "pods \"shop/web-0\" is forbidden: no PriorityClass with name missing was found");
  g_error_free(error);
  ks_pod_unref(pod);
  g_ptr_array_free(classes, TRUE);
}

static void test_match_label_keys_folded(void **state) {
  GPtrArray *none = g_ptr_array_new();
  KsPod *pod = ks_pod_new("default", "p");
  ks_labels_set(&pod->labels, "app", "web");
  pod->affinity = ks_affinity_new();
  pod->affinity->pod_anti_affinity = ks_pod_affinity_new();
  pod->affinity->pod_anti_affinity->required = ks_pod_affinity_term_array_new();
  KsPodAffinityTerm t = {0};
  t.label_selector = ks_label_selector_new();
  t.topology_key = g_strdup("kubernetes.io/hostname");
  t.match_label_keys = g_strsplit("app", ",", -1);
  g_array_append_val(pod->affinity->pod_anti_affinity->required, t);
  assert_true(ks_admit_pod(pod, lookup, none, NULL));
  const KsPodAffinityTerm *term =
    &g_array_index(pod->affinity->pod_anti_affinity->required, KsPodAffinityTerm, 0);
  KsLabels other;
  ks_labels_init(&other);
  ks_labels_set(&other, "app", "db");
  assert_false(ks_label_selector_matches(term->label_selector, &other));
  assert_true(ks_label_selector_matches(term->label_selector, &pod->labels));
  ks_labels_clear(&other);
  ks_pod_unref(pod);
  g_ptr_array_free(none, TRUE);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_priority),
                                     cmocka_unit_test(test_match_label_keys_folded)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
