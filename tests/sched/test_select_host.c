/* Round-robin selectHost (KS_SCHED_SELECT_HOST_ROUND_ROBIN), as v1.7's
 * genericScheduler.selectHost: the list sorted by score, then host name,
 * descending (sort.Reverse of HostPriorityList.Less); the
 * (lastNodeIndex % count)-th of the `count` max-score hosts; lastNodeIndex
 * incremented on every call, kept by the scheduler across pods.
 *
 * The pure function gets v1.7's TestSelectHost table (generic_scheduler_test.go):
 * upstream only checks that each of 10 calls returns one of possibleHosts,
 * with one genericScheduler shared by every case; round robin makes the
 * exact sequence predictable, so we assert it. Then the scheduler: ties
 * rotate through node names descending, and a pod with a single feasible
 * node also advances the index (v1.7's Schedule ran selectHost for one node
 * too; the single-node shortcut came later). */
#include "tests/sched/plugin_harness.h"

#include "sched/plugins/node_resources_fit.h"
#include "sched/plugins/plugins.h"
#include "sched/scheduler.h"

typedef struct {
  const char *host;
  gint64 score;
} HostPriority;

static const char *select_rr(const HostPriority *list, guint n, guint64 *last) {
  const char *names[8], *scratch[8];
  gint64 totals[8];
  for (guint i = 0; i < n; i++) {
    names[i] = list[i].host;
    totals[i] = list[i].score;
  }
  guint ix = ks_sched_select_host_round_robin(names, totals, n, last, scratch);
  return ix == G_MAXUINT ? NULL : names[ix];
}

static void test_upstream_table(void **state) {
  (void)state;
  guint64 last = 0; /* one scheduler for every case, as upstream */
  /* TestSelectHost "unique properly ordered scores": always machine2.1 */
  static const HostPriority unique[] = {{"machine1.1", 1}, {"machine2.1", 2}};
  for (guint i = 0; i < 10; i++)
    assert_string_equal(select_rr(unique, 2, &last), "machine2.1");
  assert_int_equal(last, 10);
  /* "equal scores": possibleHosts machine1.2, machine1.3, machine2.1;
   * descending names 2.1, 1.3, 1.2 from index 10 % 3 = 1 */
  static const HostPriority equal[] = {
      {"machine1.1", 1}, {"machine1.2", 2}, {"machine1.3", 2}, {"machine2.1", 2}};
  static const char *const want_equal[] = {"machine1.3", "machine1.2", "machine2.1"};
  for (guint i = 0; i < 10; i++)
    assert_string_equal(select_rr(equal, 4, &last), want_equal[i % 3]);
  /* "out of order scores": possibleHosts machine1.1, machine1.2, machine1.3;
   * descending 1.3, 1.2, 1.1 from index 20 % 3 = 2 */
  static const HostPriority unordered[] = {{"machine1.1", 3}, {"machine1.2", 3}, {"machine2.1", 2},
                                           {"machine3.1", 1}, {"machine1.3", 3}};
  static const char *const want_unordered[] = {"machine1.1", "machine1.3", "machine1.2"};
  for (guint i = 0; i < 10; i++)
    assert_string_equal(select_rr(unordered, 5, &last), want_unordered[i % 3]);
  /* "empty priorityList": an error, and the index does not move */
  assert_null(select_rr(NULL, 0, &last));
  assert_int_equal(last, 30);
}

/* NodeResourcesFit's Filter alone ("FitFilter") and ImageLocality (0 on
 * every node without images): every feasible node ties, so the choice is
 * the round robin's alone. Nodes b (4 cpu), a (8 cpu), c (4 cpu). */
static KsScheduler *rr_sched(KsSchedSelectHost policy) {
  KsSchedRegistry *r = ks_sched_registry_new();
  static KsSchedPluginDesc fit_filter;
  fit_filter = ks_sched_plugin_node_resources_fit;
  fit_filter.name = "FitFilter";
  fit_filter.pre_score = NULL;
  fit_filter.score = NULL;
  assert_true(ks_sched_registry_add(r, &fit_filter, NULL));
  KsSchedPluginConfig pcs[] = {{"PrioritySort", 0, NULL},
                               {"FitFilter", 0, NULL},
                               {"ImageLocality", 1, NULL},
                               {"DefaultBinder", 0, NULL}};
  KsSchedFramework *fw = ks_sched_framework_new(r, "legacy", pcs, G_N_ELEMENTS(pcs), NULL);
  ks_sched_registry_free(r);
  assert_non_null(fw);
  fw->select_host = policy;
  KsScheduler *s = ks_sched_new_with_profile(NULL, fw, NULL);
  static const char *const names[] = {"b", "a", "c"}; /* node-tree order is not name order */
  for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
    KsNode *n = ks_test_node(names[i], i == 1 ? "8" : "4", "4Gi");
    ks_sched_add_node(s, n, 0);
    ks_node_unref(n);
  }
  return s;
}

/* A pod asking `cpu` (NULL: no requests), scheduled and bound. */
static const char *place(KsScheduler *s, const char *name, const char *cpu) {
  static char node[16];
  KsPod *p = ks_pod_new("default", name);
  KsContainer *c = ks_pod_add_container(p, "c", FALSE);
  if (cpu)
    assert_true(ks_resource_list_set_quantity(&c->requests, "cpu", cpu, NULL));
  ks_sched_add_pending_pod(s, p, 0);
  KsSchedResult r;
  ks_sched_schedule_one(s, 0, &r);
  g_strlcpy(node, r.kind == KS_SCHED_RESULT_SCHEDULED ? r.node : "-", sizeof node);
  if (r.kind == KS_SCHED_RESULT_SCHEDULED)
    ks_sched_bind_done(s, p, TRUE, 0);
  ks_pod_unref(p);
  return node;
}

static void test_scheduler_round_robin(void **state) {
  (void)state;
  KsScheduler *s = rr_sched(KS_SCHED_SELECT_HOST_ROUND_ROBIN);
  /* ties rotate by name descending: c, b, a, ... */
  assert_string_equal(place(s, "p0", NULL), "c");
  assert_string_equal(place(s, "p1", NULL), "b");
  /* 6 cpu fit only on a: it takes index 2 (without the v1.7 increment
   * for a single feasible node, p3 would get a) */
  assert_string_equal(place(s, "big", "6"), "a");
  static const char *const want[] = {"c", "b", "a", "c"};
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    char name[8];
    g_snprintf(name, sizeof name, "q%u", i);
    assert_string_equal(place(s, name, NULL), want[i]);
  }
  ks_sched_free(s);
}

/* The default policy on the same cluster is the seeded random one: it
 * never consults lastNodeIndex and (with this seed) does not follow the
 * round-robin sequence. */
static void test_random_is_not_round_robin(void **state) {
  (void)state;
  KsScheduler *s = rr_sched(KS_SCHED_SELECT_HOST_RANDOM);
  static const char *const rr[] = {"c", "b", "a", "c", "b", "a", "c", "b"};
  guint same = 0;
  for (guint i = 0; i < G_N_ELEMENTS(rr); i++) {
    char name[8];
    g_snprintf(name, sizeof name, "p%u", i);
    same += strcmp(place(s, name, NULL), rr[i]) == 0;
  }
  assert_true(same < G_N_ELEMENTS(rr));
  ks_sched_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_upstream_table),
      cmocka_unit_test(test_scheduler_round_robin),
      cmocka_unit_test(test_random_is_not_round_robin),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
