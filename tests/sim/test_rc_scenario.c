/* A ReplicationController scaled by the timeline, end to end
 * (tests/scenarios/timeline-rc-scale.yaml, loaded from a `kubectl get rc
 * -o yaml` dump): the pod count at each step from the results file of a
 * whole run (scenario_results.h), and the RC's status in the store of a
 * controller test world (timeline_world.h). */
#include "tests/sim/scenario_results.h"
#include "tests/sim/timeline_world.h"

#include "workloads/replication_controller.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)

/* 3 pods created at 0s, 2 at 20s (each bound at once, started 1 s later);
 * 4 deleted at 40s. The survivor is on the node that held fewer of the
 * five (upstream ranks pods on a node with more related pods first). */
static void test_rc_scale_results(void **state) {
  (void)state;
  KsResults *r = ks_test_run_bundled_scenario("timeline-rc-scale.yaml");
  assert_int_equal(r->n_pods, 5);
  guint at0 = 0, at20 = 0, deleted = 0, running = 0;
  guint on_node[2] = {0, 0};
  gint32 survivor_node = -1;
  for (gsize i = 0; i < r->n_pods; i++) {
    const KsPodRow *p = &r->pods[i];
    assert_true(g_str_has_prefix(p->name, "legacy-"));
    assert_int_equal(strlen(p->name), strlen("legacy-") + 5);
    assert_int_equal(p->scheduled_us, p->created_us);
    assert_int_equal(p->started_us, p->created_us + S(1));
    at0 += p->created_us == 0;
    at20 += p->created_us == S(20);
    assert_true(p->node == 0 || p->node == 1);
    on_node[p->node]++;
    if (p->outcome == KS_OUTCOME_DELETED) {
      deleted++;
      assert_int_equal(p->finished_us, S(40));
    } else {
      assert_int_equal(p->outcome, KS_OUTCOME_RUNNING);
      assert_int_equal(p->finished_us, -1);
      running++;
      survivor_node = p->node;
    }
  }
  assert_int_equal(at0, 3);
  assert_int_equal(at20, 2);
  assert_int_equal(deleted, 4);
  assert_int_equal(running, 1);
  assert_true(on_node[survivor_node] < on_node[1 - survivor_node]);
  assert_int_equal(ks_results_attr(r, "timeline_actions")->num, 2);
  assert_int_equal(ks_results_attr(r, "timeline_warnings")->num, 0);
  ks_results_free(r);
}

static guint legacy_pods(KsTestWorld *w) {
  GPtrArray *pods = ks_store_list(w->store, KS_STORE_POD, "default");
  guint n = 0;
  for (guint i = 0; i < pods->len; i++) {
    const KsPod *p = ((const KsStoreObject *)pods->pdata[i])->data;
    const KsOwnerReference *ref = ks_pod_get_controller(p);
    if (p->deletion_timestamp_us == 0 && ref &&
        !g_strcmp0(ref->uid, "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d") &&
        !g_strcmp0(ref->kind, "ReplicationController") && !g_strcmp0(ref->api_version, "v1"))
      n++;
  }
  g_ptr_array_unref(pods);
  return n;
}

static const KsReplicationController *legacy(KsTestWorld *w) {
  const KsStoreObject *o = ks_store_get(w->store, KS_STORE_REPLICATION_CONTROLLER, "default",
                                        "legacy");
  assert_non_null(o);
  return o->data;
}

/* The pod count just before and at each scale, and the status written
 * back (observedGeneration follows the two scales: 2 -> 4). */
static void test_rc_scale_objects(void **state) {
  (void)state;
  KsTestWorld w;
  ks_test_world_init_bundled(&w, "timeline-rc-scale.yaml");
  ks_test_world_run(&w, S(10));
  assert_int_equal(legacy_pods(&w), 3);
  assert_int_equal(legacy(&w)->status_replicas, 3);
  assert_int_equal(legacy(&w)->ready_replicas, 3);
  assert_int_equal(legacy(&w)->available_replicas, 3);
  assert_int_equal(legacy(&w)->observed_generation, 2);
  ks_test_world_run(&w, S(20) - 1);
  assert_int_equal(legacy_pods(&w), 3);
  ks_test_world_run(&w, S(20));
  assert_int_equal(legacy_pods(&w), 5);
  ks_test_world_run(&w, S(30));
  assert_int_equal(legacy(&w)->status_replicas, 5);
  assert_int_equal(legacy(&w)->ready_replicas, 5);
  assert_int_equal(legacy(&w)->observed_generation, 3);
  ks_test_world_run(&w, S(40) - 1);
  assert_int_equal(legacy_pods(&w), 5);
  ks_test_world_run(&w, S(40));
  assert_int_equal(legacy_pods(&w), 1);
  ks_test_world_run(&w, S(60));
  assert_int_equal(legacy(&w)->replicas, 1);
  assert_int_equal(legacy(&w)->status_replicas, 1);
  assert_int_equal(legacy(&w)->fully_labeled_replicas, 1);
  assert_int_equal(legacy(&w)->observed_generation, 4);
  assert_int_equal(ks_timeline_warning_count(w.timeline), 0);
  ks_test_world_free(&w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_rc_scale_results),
    cmocka_unit_test(test_rc_scale_objects),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
