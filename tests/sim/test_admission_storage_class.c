/* DefaultStorageClass admission (sim/admission_storage_class.c): which
 * class is the default (upstream GetDefaultClass: the GA or beta
 * is-default-class annotation "true", the newest by creationTimestamp to
 * the second, then the name), and which claims get it (upstream
 * PersistentVolumeClaimHasClass false: storageClassName unset and no beta
 * storage-class annotation). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "sim/admission_storage_class.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)

static void add_class(KsStore *s, const char *name, const char *ann, const char *value,
                      gint64 created_us) {
  KsStorageClass *sc = ks_storage_class_new(name, "csi.example.com");
  if (ann)
    ks_labels_set(&sc->annotations, ann, value);
  sc->creation_timestamp_us = created_us;
  assert_true(ks_store_create(s, KS_STORE_STORAGE_CLASS, NULL, name, sc,
                              (GDestroyNotify)ks_storage_class_free, NULL));
}

static const char *default_name(KsStore *s) {
  const KsStorageClass *sc = ks_sim_default_storage_class(s);
  return sc ? sc->name : NULL;
}

/* Only "true" in either annotation marks a default. */
static void test_default_annotations(void **state) {
  (void)state;
  KsStore *s = ks_store_new(NULL);
  assert_null(default_name(s));
  add_class(s, "plain", NULL, NULL, S(5));
  add_class(s, "false", KS_ANN_IS_DEFAULT_CLASS, "false", S(6));
  add_class(s, "upper", KS_ANN_IS_DEFAULT_CLASS, "True", S(7));
  add_class(s, "beta-no", KS_ANN_BETA_IS_DEFAULT_CLASS, "yes", S(8));
  assert_null(default_name(s));
  add_class(s, "beta", KS_ANN_BETA_IS_DEFAULT_CLASS, "true", S(1));
  assert_string_equal(default_name(s), "beta");
  add_class(s, "ga", KS_ANN_IS_DEFAULT_CLASS, "true", S(2));
  assert_string_equal(default_name(s), "ga"); /* newer */
  ks_store_free(s);
}

/* Of several defaults the newest wins; created in the same second (µs
 * apart, as the API server stores whole seconds), the first by name. */
static void test_newest_then_name(void **state) {
  (void)state;
  KsStore *s = ks_store_new(NULL);
  add_class(s, "old", KS_ANN_IS_DEFAULT_CLASS, "true", S(10));
  add_class(s, "zeta", KS_ANN_IS_DEFAULT_CLASS, "true", S(20) + 900000);
  assert_string_equal(default_name(s), "zeta");
  add_class(s, "alpha", KS_ANN_IS_DEFAULT_CLASS, "true", S(20) + 1);
  assert_string_equal(default_name(s), "alpha");
  add_class(s, "newest", KS_ANN_BETA_IS_DEFAULT_CLASS, "true", S(21));
  assert_string_equal(default_name(s), "newest");
  ks_store_free(s);
}

/* The claims: unset class -> the default; "" or the beta annotation (even
 * empty) are the user's choice and are kept; no default -> unchanged. */
static void test_admit_claims(void **state) {
  (void)state;
  KsStore *s = ks_store_new(NULL);
  KsPersistentVolumeClaim *unset = ks_pvc_new("default", "unset");
  assert_false(ks_admit_pvc_default_storage_class(unset, s));
  assert_null(unset->storage_class_name);

  add_class(s, "standard", KS_ANN_IS_DEFAULT_CLASS, "true", S(0));
  assert_true(ks_admit_pvc_default_storage_class(unset, s));
  assert_string_equal(unset->storage_class_name, "standard");
  assert_false(ks_admit_pvc_default_storage_class(unset, s)); /* has one now */

  KsPersistentVolumeClaim *none = ks_pvc_new("default", "none");
  none->storage_class_name = g_strdup("");
  assert_false(ks_admit_pvc_default_storage_class(none, s));
  assert_string_equal(none->storage_class_name, "");

  KsPersistentVolumeClaim *beta = ks_pvc_new("default", "beta");
  ks_labels_set(&beta->annotations, KS_ANN_BETA_STORAGE_CLASS, "");
  assert_false(ks_admit_pvc_default_storage_class(beta, s));
  assert_null(beta->storage_class_name);

  KsPersistentVolumeClaim *fast = ks_pvc_new("default", "fast");
  fast->storage_class_name = g_strdup("fast");
  assert_false(ks_admit_pvc_default_storage_class(fast, s));
  assert_string_equal(fast->storage_class_name, "fast");

  ks_pvc_free(unset);
  ks_pvc_free(none);
  ks_pvc_free(beta);
  ks_pvc_free(fast);
  ks_store_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_default_annotations),
      cmocka_unit_test(test_newest_then_name),
      cmocka_unit_test(test_admit_claims),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
