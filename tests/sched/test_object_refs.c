/* Owner references, the pod's metadata additions (owner references,
 * deletion, finalizers, readiness) and the volume objects: copies are deep,
 * equality and availability follow upstream. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "sched/owner_ref.h"
#include "sched/pod.h"
#include "sched/volume_objects.h"

static void test_owner_refs(void **state) {
  (void)state;
  GArray *refs = NULL;
  ks_owner_reference_array_add(&refs, "apps/v1", "ReplicaSet", "web-1", "uid-a", FALSE, FALSE);
  ks_owner_reference_array_add(&refs, "apps/v1", "ReplicaSet", "web-2", "uid-b", TRUE, TRUE);
  const KsOwnerReference *c = ks_owner_reference_get_controller(refs);
  assert_non_null(c);
  assert_string_equal(c->name, "web-2");
  assert_null(ks_owner_reference_get_controller(NULL));
  assert_string_equal(ks_owner_reference_find_uid(refs, "uid-a")->name, "web-1");
  assert_null(ks_owner_reference_find_uid(refs, "uid-z"));

  GArray *copy = ks_owner_reference_array_copy(refs);
  assert_true(ks_owner_reference_array_equal(refs, copy));
  g_free(g_array_index(copy, KsOwnerReference, 0).uid);
  g_array_index(copy, KsOwnerReference, 0).uid = g_strdup("uid-c");
  assert_false(ks_owner_reference_array_equal(refs, copy));
  assert_true(ks_owner_reference_array_remove_uid(copy, "uid-c"));
  assert_false(ks_owner_reference_array_remove_uid(copy, "uid-c"));
  assert_int_equal(copy->len, 1);
  assert_string_equal(g_array_index(copy, KsOwnerReference, 0).name, "web-2");
  /* NULL equals empty */
  GArray *empty = ks_owner_reference_array_new();
  assert_true(ks_owner_reference_array_equal(NULL, empty));
  g_array_unref(empty);
  g_array_unref(copy);
  g_array_unref(refs);

  KsObjectReference *o = ks_object_reference_new("Job", "default", "j-1", "u1");
  KsObjectReference *o2 = ks_object_reference_copy(o);
  assert_true(ks_object_reference_equal(o, o2));
  g_free(o2->uid);
  o2->uid = NULL;
  assert_false(ks_object_reference_equal(o, o2));
  assert_false(ks_object_reference_equal(o, NULL));
  ks_object_reference_free(o);
  ks_object_reference_free(o2);
}

static void test_pod_metadata_additions(void **state) {
  (void)state;
  KsPod *a = ks_pod_new("ns", "web-abc");
  a->generate_name = g_strdup("web-");
  ks_owner_reference_array_add(&a->owner_references, "apps/v1", "ReplicaSet", "web", "u1", TRUE,
                               TRUE);
  a->finalizers = g_strsplit("example.com/f", ",", -1);
  KsPod *b = ks_pod_copy(a);
  assert_ptr_not_equal(a->owner_references, b->owner_references);
  assert_string_equal(ks_pod_get_controller(b)->uid, "u1");
  assert_string_equal(b->generate_name, "web-");
  assert_string_equal(b->finalizers[0], "example.com/f");
  assert_true(ks_pod_equal_except_status(a, b));

  /* status and finalizers are not compared (upstream strips them) */
  b->ready = TRUE;
  b->ready_since_us = 5;
  b->start_time_us = 3;
  g_strfreev(b->finalizers);
  b->finalizers = NULL;
  assert_true(ks_pod_equal_except_status(a, b));
  /* metadata is */
  b->deletion_timestamp_us = 10;
  b->deletion_grace_period_seconds = 30;
  assert_true(ks_pod_is_terminating(b));
  assert_false(ks_pod_is_terminating(a));
  assert_false(ks_pod_equal_except_status(a, b));
  b->deletion_timestamp_us = 0;
  b->deletion_grace_period_seconds = 0;
  assert_true(ks_pod_equal_except_status(a, b));
  g_array_index(b->owner_references, KsOwnerReference, 0).controller = FALSE;
  assert_false(ks_pod_equal_except_status(a, b));
  assert_null(ks_pod_get_controller(b));
  ks_pod_unref(b);
  b = ks_pod_copy(a);
  g_free(b->generate_name);
  b->generate_name = NULL;
  assert_false(ks_pod_equal_except_status(a, b));
  ks_pod_unref(b);
  ks_pod_unref(a);
}

static void test_pod_available(void **state) {
  (void)state;
  KsPod *p = ks_pod_new("ns", "p");
  assert_false(ks_pod_is_available(p, 0, 100));
  p->ready = TRUE;
  p->ready_since_us = 10 * G_USEC_PER_SEC;
  assert_true(ks_pod_is_available(p, 0, 10 * G_USEC_PER_SEC));
  /* ready at 10 s with minReadySeconds 5: available strictly after 15 s */
  assert_false(ks_pod_is_available(p, 5, 15 * G_USEC_PER_SEC));
  assert_true(ks_pod_is_available(p, 5, 15 * G_USEC_PER_SEC + 1));
  ks_pod_unref(p);
}

static void test_volume_objects(void **state) {
  (void)state;
  guint bit = 0;
  assert_true(ks_access_mode_from_string("ReadWriteOncePod", &bit));
  assert_int_equal(bit, KS_ACCESS_RWOP);
  assert_false(ks_access_mode_from_string("ReadWriteSometimes", &bit));
  assert_string_equal(ks_access_mode_to_string(KS_ACCESS_ROX), "ReadOnlyMany");
  assert_string_equal(ks_access_mode_to_string(KS_ACCESS_ROX | KS_ACCESS_RWO), "?");

  KsStorageClass *sc = ks_storage_class_new("fast", "pd.csi.storage.gke.io");
  assert_int_equal(sc->reclaim_policy, KS_RECLAIM_DELETE);
  assert_int_equal(sc->volume_binding_mode, KS_BINDING_IMMEDIATE);
  assert_false(ks_storage_class_is_default(sc));
  ks_labels_set(&sc->annotations, KS_ANN_BETA_IS_DEFAULT_CLASS, "true");
  assert_true(ks_storage_class_is_default(sc));
  KsNodeSelectorTerm t = {0};
  const char *zones[] = {"us-a", NULL};
  ks_node_selector_term_add_expression(&t, "topology.kubernetes.io/zone", KS_SELECTOR_OP_IN, zones);
  sc->allowed_topologies = g_array_new(FALSE, TRUE, sizeof(KsNodeSelectorTerm));
  g_array_set_clear_func(sc->allowed_topologies, (GDestroyNotify)ks_node_selector_term_clear);
  g_array_append_val(sc->allowed_topologies, t);
  KsStorageClass *sc2 = ks_storage_class_copy(sc);
  assert_int_equal(sc2->allowed_topologies->len, 1);
  assert_true(ks_storage_class_is_default(sc2));
  ks_storage_class_free(sc);
  ks_storage_class_free(sc2);

  KsPersistentVolume *pv = ks_pv_new("pv-1");
  assert_int_equal(pv->reclaim_policy, KS_RECLAIM_RETAIN);
  assert_int_equal(pv->phase, KS_PV_PENDING);
  assert_string_equal(ks_pv_get_class(pv), "");
  pv->storage_class_name = g_strdup("fast");
  pv->claim_ref = ks_object_reference_new(NULL, "default", "data-0", "u");
  pv->node_affinity = ks_node_selector_new();
  ks_node_selector_add_term(pv->node_affinity);
  KsPersistentVolume *pv2 = ks_pv_copy(pv);
  assert_string_equal(ks_pv_get_class(pv2), "fast");
  ks_labels_set(&pv2->annotations, KS_ANN_BETA_STORAGE_CLASS, "slow");
  assert_string_equal(ks_pv_get_class(pv2), "slow");
  assert_string_equal(pv2->claim_ref->name, "data-0");
  assert_ptr_not_equal(pv2->node_affinity, pv->node_affinity);
  ks_pv_free(pv);
  ks_pv_free(pv2);

  KsPersistentVolumeClaim *pvc = ks_pvc_new(NULL, "data-0");
  assert_string_equal(pvc->namespace, "default");
  assert_int_equal(pvc->phase, KS_PVC_PENDING);
  assert_null(pvc->storage_class_name); /* unset, not "" */
  assert_string_equal(ks_pvc_get_class(pvc), "");
  assert_null(ks_pvc_selected_node(pvc));
  ks_labels_set(&pvc->annotations, KS_ANN_SELECTED_NODE, "node-3");
  pvc->selector = ks_label_selector_new();
  ks_owner_reference_array_add(&pvc->owner_references, "apps/v1", "StatefulSet", "db", "u", TRUE,
                               TRUE);
  GPtrArray *arr = ks_pvc_array_new();
  g_ptr_array_add(arr, pvc);
  GPtrArray *arr2 = ks_pvc_array_copy(arr);
  const KsPersistentVolumeClaim *c = g_ptr_array_index(arr2, 0);
  assert_ptr_not_equal(c, pvc);
  assert_string_equal(ks_pvc_selected_node(c), "node-3");
  assert_non_null(c->selector);
  assert_string_equal(ks_owner_reference_get_controller(c->owner_references)->name, "db");
  g_ptr_array_unref(arr);
  g_ptr_array_unref(arr2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_owner_refs),
      cmocka_unit_test(test_pod_metadata_additions),
      cmocka_unit_test(test_pod_available),
      cmocka_unit_test(test_volume_objects),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
