/* Tests of the StatefulSet controller's pure parts (sim/controllers/
 * statefulset_util.c): ordinal names, parsing a pod name's ordinal (cases
 * after upstream's getParentNameAndOrdinal regexp and ParseInt(.., 10, 32)),
 * identity, storage, and which revision a new member gets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sched/pod.h"
#include "sim/controllers/statefulset_util.h"

static void test_names(void **state) {
  (void)state;
  char *s = ks_statefulset_pod_name("web", 0);
  assert_string_equal(s, "web-0");
  g_free(s);
  s = ks_statefulset_pod_name("web", 12);
  assert_string_equal(s, "web-12");
  g_free(s);
  s = ks_statefulset_claim_name("www", "web", 3);
  assert_string_equal(s, "www-web-3");
  g_free(s);
}

static void test_parse_ordinal(void **state) {
  (void)state;
  static const struct {
    const char *name;
    gint ordinal;
    const char *parent; /* NULL: no match */
  } cases[] = {
      {"web-0", 0, "web"},
      {"web-12", 12, "web"},
      {"my-web-3", 3, "my-web"},
      {"web-01", 1, "web"},
      {"-5", 5, ""},
      {"web-2147483647", 2147483647, "web"},
      {"web-2147483648", -1, "web"}, /* overflows int32: parent kept, ordinal -1 */
      {"web", -1, NULL},
      {"web-", -1, NULL},
      {"web-1a", -1, NULL},
      {"5", -1, NULL},
      {"", -1, NULL},
      {"web--1", 1, "web-"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    char *parent = (char *)"unset";
    gint o = ks_statefulset_parse_ordinal(cases[i].name, &parent);
    assert_int_equal(o, cases[i].ordinal);
    if (cases[i].parent)
      assert_string_equal(parent, cases[i].parent);
    else
      assert_null(parent);
    g_free(parent);
  }
  assert_int_equal(ks_statefulset_parse_ordinal("db-7", NULL), 7);
  assert_true(ks_statefulset_is_member("web", "web-3"));
  assert_false(ks_statefulset_is_member("web", "my-web-3"));
  assert_false(ks_statefulset_is_member("web", "web"));
}

static void test_in_range(void **state) {
  (void)state;
  assert_true(ks_statefulset_in_range(0, 0, 3));
  assert_true(ks_statefulset_in_range(2, 0, 3));
  assert_false(ks_statefulset_in_range(3, 0, 3));
  assert_false(ks_statefulset_in_range(-1, 0, 3));
  assert_false(ks_statefulset_in_range(4, 5, 2));
  assert_true(ks_statefulset_in_range(5, 5, 2));
  assert_true(ks_statefulset_in_range(6, 5, 2));
  assert_false(ks_statefulset_in_range(7, 5, 2));
  assert_false(ks_statefulset_in_range(0, 0, 0)); /* replicas 0: empty range */
}

static void test_identity(void **state) {
  (void)state;
  KsPod *p = ks_pod_new("default", "");
  ks_labels_set(&p->labels, "app", "web");
  ks_statefulset_set_identity(p, "web", "prod", 4);
  assert_string_equal(p->name, "web-4");
  assert_string_equal(p->namespace, "prod");
  assert_string_equal(ks_labels_get(&p->labels, KS_STATEFULSET_POD_NAME_LABEL), "web-4");
  assert_string_equal(ks_labels_get(&p->labels, KS_STATEFULSET_POD_INDEX_LABEL), "4");
  assert_string_equal(ks_labels_get(&p->labels, "app"), "web");
  assert_true(ks_statefulset_identity_matches(p, "web", "prod"));
  assert_false(ks_statefulset_identity_matches(p, "web", "default"));
  assert_false(ks_statefulset_identity_matches(p, "db", "prod"));
  ks_labels_set(&p->labels, KS_STATEFULSET_POD_NAME_LABEL, "web-5");
  assert_false(ks_statefulset_identity_matches(p, "web", "prod"));
  ks_pod_unref(p);

  KsPod *q = ks_pod_new("prod", "web-04");
  ks_labels_set(&q->labels, KS_STATEFULSET_POD_NAME_LABEL, "web-04");
  assert_false(ks_statefulset_identity_matches(q, "web", "prod"));
  ks_pod_unref(q);
}

static void test_storage(void **state) {
  (void)state;
  const char *templates[] = {"data", "logs", NULL};
  KsPod *p = ks_pod_new("default", "web-2");
  ks_pod_add_volume(p, "config", KS_VOLUME_CONFIG_MAP)->ref = g_strdup("web-config");
  ks_pod_add_volume(p, "logs", KS_VOLUME_EMPTY_DIR); /* shadowed by the claim template */
  assert_false(ks_statefulset_storage_matches(p, "web", templates));
  ks_statefulset_set_storage(p, "web", templates, 2);
  assert_int_equal(p->volumes->len, 3);
  const KsVolume *v = &g_array_index(p->volumes, KsVolume, 0);
  assert_string_equal(v->name, "data");
  assert_int_equal(v->source, KS_VOLUME_PVC);
  assert_string_equal(v->ref, "data-web-2");
  v = &g_array_index(p->volumes, KsVolume, 1);
  assert_string_equal(v->name, "logs");
  assert_string_equal(v->ref, "logs-web-2");
  v = &g_array_index(p->volumes, KsVolume, 2);
  assert_string_equal(v->name, "config");
  assert_int_equal(v->source, KS_VOLUME_CONFIG_MAP);
  assert_string_equal(v->ref, "web-config");
  assert_true(ks_statefulset_storage_matches(p, "web", templates));
  assert_false(ks_statefulset_storage_matches(p, "db", templates));
  /* no templates: anything matches, volumes untouched */
  ks_statefulset_set_storage(p, "web", NULL, 2);
  assert_int_equal(p->volumes->len, 3);
  assert_true(ks_statefulset_storage_matches(p, "web", NULL));
  ks_pod_unref(p);

  KsPod *bad = ks_pod_new("default", "web");
  assert_false(ks_statefulset_storage_matches(bad, "web", NULL)); /* no ordinal */
  ks_pod_unref(bad);
}

/* newVersionedStatefulSetPod's revision choice. */
static void test_new_pod_revision(void **state) {
  (void)state;
  static const struct {
    gboolean rolling, block;
    gint partition, start, current, ordinal;
    gboolean current_rev;
  } cases[] = {
      /* RollingUpdate without a rollingUpdate block: the first currentReplicas keep current */
      {TRUE, FALSE, 0, 0, 3, 2, TRUE},
      {TRUE, FALSE, 0, 0, 3, 3, FALSE},
      /* with a partition: ordinals below it keep current */
      {TRUE, TRUE, 2, 0, 5, 1, TRUE},
      {TRUE, TRUE, 2, 0, 5, 2, FALSE},
      {TRUE, TRUE, 0, 0, 5, 0, FALSE},
      /* ordinals.start shifts both */
      {TRUE, TRUE, 2, 10, 5, 11, TRUE},
      {TRUE, TRUE, 2, 10, 5, 12, FALSE},
      {TRUE, FALSE, 0, 10, 1, 10, TRUE},
      {TRUE, FALSE, 0, 10, 1, 11, FALSE},
      /* OnDelete: update revision, but Go's precedence still honours a block */
      {FALSE, FALSE, 0, 0, 5, 0, FALSE},
      {FALSE, TRUE, 3, 0, 5, 2, TRUE},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
    assert_int_equal(ks_statefulset_new_pod_gets_current(cases[i].rolling, cases[i].block,
                                                         cases[i].partition, cases[i].start,
                                                         cases[i].current, cases[i].ordinal),
                     cases[i].current_rev);
}

static void test_pod_revision(void **state) {
  (void)state;
  KsPod *p = ks_pod_new("default", "web-0");
  assert_string_equal(ks_statefulset_pod_revision(p), "");
  ks_labels_set(&p->labels, KS_STATEFULSET_REVISION_LABEL, "web-7b9f5c6d8");
  assert_string_equal(ks_statefulset_pod_revision(p), "web-7b9f5c6d8");
  ks_pod_unref(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_names),       cmocka_unit_test(test_parse_ordinal),
      cmocka_unit_test(test_in_range),    cmocka_unit_test(test_identity),
      cmocka_unit_test(test_storage),     cmocka_unit_test(test_new_pod_revision),
      cmocka_unit_test(test_pod_revision),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
