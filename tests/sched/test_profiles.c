/* Several profiles in one scheduler (ks_sched_new_with_profiles): upstream's
 * profile map, where every profile shares the scheduler's cache and queue
 * and a pod is scheduled by the profile named by its spec.schedulerName.
 *
 * Placements are hand computed. Nodes n1 (4 cpu, 4Gi) and n2 (1 cpu, 4Gi);
 * pods request 500m / 512Mi.
 * - "default-scheduler" (the v1.31 default profile, LeastAllocated):
 *   on an empty cluster n1 scores 87 (cpu 87, mem 87) against n2's 68
 *   (cpu 50, mem 87), and BalancedAllocation also prefers n1: n1.
 * - "bin-packer" (NodeResourcesFit with MostAllocated, the only scorer):
 *   n1 (cpu 12, mem 12) = 12, n2 (cpu 50, mem 12) = 31: n2.
 * So the same pod spec lands on different nodes of one shared cluster, and
 * each profile sees the other's placements (shared cache). */
#include "tests/sched/plugin_harness.h"

#include "sched/plugins/node_resources_fit.h"
#include "sched/scheduler.h"

static KsSchedFramework *bin_packer(KsSchedRegistry *r, const char *name) {
  static const KsSchedFitArgs most = {.strategy = KS_SCHED_FIT_MOST_ALLOCATED};
  KsSchedPluginConfig pcs[] = {
      {"PrioritySort", 0, NULL}, {"NodeResourcesFit", 1, &most}, {"DefaultBinder", 0, NULL}};
  GError *err = NULL;
  KsSchedFramework *fw = ks_sched_framework_new(r, name, pcs, G_N_ELEMENTS(pcs), &err);
  if (!fw)
    fail_msg("profile: %s", err->message);
  return fw; /* transfer full */
}

static KsScheduler *two_profiles(void) {
  KsSchedRegistry *r = ks_sched_registry_new();
  KsSchedFramework *fws[2] = {ks_sched_framework_new_default(r, NULL), bin_packer(r, "bin-packer")};
  ks_sched_registry_free(r);
  GError *err = NULL;
  KsScheduler *s = ks_sched_new_with_profiles(NULL, fws, 2, &err);
  if (!s)
    fail_msg("scheduler: %s", err->message);
  KsNode *n1 = ks_test_node("n1", "4", "4Gi"), *n2 = ks_test_node("n2", "1", "4Gi");
  ks_sched_add_node(s, n1, 0);
  ks_sched_add_node(s, n2, 0);
  ks_node_unref(n1);
  ks_node_unref(n2);
  return s;
}

static KsPod *pod(const char *name, const char *scheduler_name) {
  KsPod *p = ks_pod_new("default", name);
  KsContainer *c = ks_pod_add_container(p, "c", FALSE);
  assert_true(ks_resource_list_set_quantity(&c->requests, "cpu", "500m", NULL));
  assert_true(ks_resource_list_set_quantity(&c->requests, "memory", "512Mi", NULL));
  g_free(p->scheduler_name);
  p->scheduler_name = g_strdup(scheduler_name);
  return p; /* transfer full */
}

/* Schedules the next pod and binds it; the node name (static) or a marker. */
static const char *place(KsScheduler *s, KsPod *p) {
  static char node[64];
  assert_true(ks_sched_add_pending_pod(s, p, 0));
  KsSchedResult r;
  ks_sched_schedule_one(s, 0, &r);
  if (r.kind != KS_SCHED_RESULT_SCHEDULED)
    return "<not scheduled>";
  g_strlcpy(node, r.node, sizeof node);
  ks_sched_bind_done(s, p, TRUE, 0);
  ks_sched_add_assigned_pod(s, p, node, 0);
  ks_pod_unref(p);
  return node;
}

static void test_same_pod_different_profiles(void **state) {
  (void)state;
  KsScheduler *s = two_profiles();
  /* empty cluster: each profile's own choice */
  assert_string_equal(place(s, pod("a", "default-scheduler")), "n1");
  /* with a on n1 (1000m/1Gi with b): n1 25/25 = 25 vs n2 50/12 = 31 */
  assert_string_equal(place(s, pod("b", "bin-packer")), "n2");
  /* b's 500m on n2 counts for the default profile too: n2 cpu is 0 free
   * after c (LeastAllocated 0 + mem 75 = 37) vs n1 (75, 75) = 75 */
  assert_string_equal(place(s, pod("c", "default-scheduler")), "n1");
  /* d: n1 (1500m: 37, 1.5Gi: 37) = 37 vs n2 (1000m: 100, 1Gi: 25) = 62 */
  assert_string_equal(place(s, pod("d", "bin-packer")), "n2");
  /* n2's cpu is now full: the bin packer must use n1 */
  assert_string_equal(place(s, pod("e", "bin-packer")), "n1");
  KsSchedCache *c = ks_sched_cache(s);
  assert_int_equal(c->pod_count[ks_sched_cache_node_slot(c, "n1")], 3);
  assert_int_equal(c->pod_count[ks_sched_cache_node_slot(c, "n2")], 2);
  ks_sched_free(s);
}

/* A pod naming no profile is another scheduler's: ignored, not queued. */
static void test_unknown_scheduler_name(void **state) {
  (void)state;
  KsScheduler *s = two_profiles();
  assert_true(ks_sched_serves(s, "default-scheduler"));
  assert_true(ks_sched_serves(s, "bin-packer"));
  assert_false(ks_sched_serves(s, "volcano"));
  KsPod *p = pod("x", "volcano");
  assert_false(ks_sched_add_pending_pod(s, p, 0));
  assert_int_equal(ks_sched_pending_len(s), 0);
  KsSchedResult r;
  ks_sched_schedule_one(s, 0, &r);
  assert_int_equal(r.kind, KS_SCHED_RESULT_NONE);
  ks_pod_unref(p);
  ks_sched_free(s);
}

/* The single-profile constructor also takes default-scheduler pods whatever
 * its profile's name (as before profiles existed), and refuses pods naming
 * another scheduler. */
static void test_single_profile_serves_all(void **state) {
  (void)state;
  KsSchedRegistry *r = ks_sched_registry_new();
  KsScheduler *s = ks_sched_new_with_profile(NULL, bin_packer(r, "research"), NULL);
  ks_sched_registry_free(r);
  assert_false(ks_sched_serves(s, "default-scheduler"));
  assert_true(ks_sched_serves(s, "research"));
  KsNode *n = ks_test_node("n1", "4", "4Gi");
  ks_sched_add_node(s, n, 0);
  ks_node_unref(n);
  assert_string_equal(place(s, pod("a", "default-scheduler")), "n1");
  assert_string_equal(place(s, pod("b", "research")), "n1");
  KsPod *other = pod("c", "volcano");
  assert_false(ks_sched_add_pending_pod(s, other, 0));
  assert_int_equal(ks_sched_pending_len(s), 0);
  ks_pod_unref(other);
  ks_sched_free(s);
}

/* Per-profile percentageOfNodesToScore over 1000 identical nodes: the
 * scheduler's adaptive default (50 - 1000/125 = 42 %: 420 nodes), 100 %
 * (all) and 20 % (200) in the same scheduler. */
static void test_per_profile_percentage(void **state) {
  (void)state;
  KsSchedRegistry *r = ks_sched_registry_new();
  KsSchedFramework *fws[3] = {ks_sched_framework_new_default(r, NULL), bin_packer(r, "all"),
                              bin_packer(r, "fifth")};
  ks_sched_registry_free(r);
  fws[1]->percentage_of_nodes_to_score = 100;
  fws[2]->percentage_of_nodes_to_score = 20;
  KsScheduler *s = ks_sched_new_with_profiles(NULL, fws, 3, NULL);
  assert_non_null(s);
  for (guint i = 0; i < 1000; i++) {
    char name[16];
    g_snprintf(name, sizeof name, "n%04u", i);
    KsNode *n = ks_test_node(name, "4", "4Gi");
    ks_sched_add_node(s, n, 0);
    ks_node_unref(n);
  }
  static const struct {
    const char *profile;
    gint32 examined;
  } cases[] = {{"default-scheduler", 420}, {"all", 1000}, {"fifth", 200}};
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    KsPod *p = pod(cases[i].profile, cases[i].profile);
    assert_true(ks_sched_add_pending_pod(s, p, 0));
    KsSchedResult res;
    ks_sched_schedule_one(s, 0, &res);
    assert_int_equal(res.kind, KS_SCHED_RESULT_SCHEDULED);
    assert_int_equal(res.nodes_examined, cases[i].examined);
    assert_int_equal(res.feasible_nodes, cases[i].examined);
    ks_sched_bind_done(s, p, TRUE, 0);
    ks_pod_unref(p);
  }
  ks_sched_free(s);
}

/* profile.NewMap's errors, with upstream's messages; the profiles are
 * freed on error (checked by the sanitizer build). */
static void test_profile_errors(void **state) {
  (void)state;
  KsSchedRegistry *r = ks_sched_registry_new();
  GError *err = NULL;
  KsSchedFramework *dup[2] = {bin_packer(r, "p"), bin_packer(r, "p")};
  assert_null(ks_sched_new_with_profiles(NULL, dup, 2, &err));
  assert_string_equal(err->message, "duplicate profile with scheduler name \"p\"");
  g_clear_error(&err);

  KsSchedPluginDesc other = *ks_sched_registry_lookup(r, "PrioritySort");
  other.name = "OtherSort";
  assert_true(ks_sched_registry_add(r, &other, NULL));
  KsSchedPluginConfig pcs[] = {
      {"OtherSort", 0, NULL}, {"NodeResourcesFit", 1, NULL}, {"DefaultBinder", 0, NULL}};
  KsSchedFramework *mixed[2] = {bin_packer(r, "a"),
                                ks_sched_framework_new(r, "b", pcs, G_N_ELEMENTS(pcs), NULL)};
  assert_null(ks_sched_new_with_profiles(NULL, mixed, 2, &err));
  assert_string_equal(err->message,
                      "different queue sort plugins for profile \"b\": \"OtherSort\", first: "
                      "\"PrioritySort\"");
  g_clear_error(&err);

  KsSchedConfig cfg;
  ks_sched_config_init_defaults(&cfg);
  cfg.parallelism = -1;
  KsSchedFramework *one[1] = {bin_packer(r, "a")};
  assert_null(ks_sched_new_with_profiles(&cfg, one, 1, &err));
  assert_string_equal(err->message,
                      "parallelism: Invalid value: -1: should be an integer value greater than zero");
  g_clear_error(&err);
  ks_sched_registry_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_same_pod_different_profiles),
      cmocka_unit_test(test_unknown_scheduler_name),
      cmocka_unit_test(test_single_profile_serves_all),
      cmocka_unit_test(test_per_profile_percentage),
      cmocka_unit_test(test_profile_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
