/* Default spreading changes placements, end to end
 * (tests/scenarios/default-spreading*.yaml): a Service selects a
 * Deployment's 5 pods on a 3-node, 2-zone cluster. With the default
 * profile, PodTopologySpread's system default constraints spread them by
 * host and zone; with defaultingType List and no defaultConstraints they
 * pack onto zone a. The pods are created in one ReplicaSet sync at 0 s and
 * scheduled one by one in creation order (equal priority and queue time:
 * FIFO); the results list them in creation order.
 *
 * Hand derivation. Nodes L = za-large-0 (zone a, 14 cores), M =
 * za-medium-0 (zone a, 10), S = zb-small-0 (zone b, 4); memory 2Gi per
 * core and pods of 1 core + 2Gi, so cpu and memory fractions are equal
 * everywhere. Score terms that differ between nodes:
 *  - NodeResourcesFit (LeastAllocated, cpu:1 memory:1, weight 1):
 *    (C - k) * 100 / C with integer division, k = web pods on the node
 *    including the incoming one: L 92 85 78 71 (k = 1..4), M 90 80 70,
 *    S 75 50.
 *  - PodTopologySpread (weight 2), system defaults: raw = round(h * ln 5
 *    + 2 + z * ln 4 + 4), h = web pods on the node, z = web pods in its
 *    zone (ln 5 = 1.609: 3 nodes scored; ln 4 = 1.386: 2 zones); normalized
 *    100 * (max + min - raw) / max (integer division).
 * Every other default plugin scores all nodes alike here (no taints,
 * affinities or images; BalancedAllocation 100 since cpu and memory
 * fractions are equal), so the host is the maximum of 2 * PTS + Fit; no
 * step below ties.
 *
 * Default profile (System defaulting):
 *   pod 1: counts 0: raw 6 6 6 -> PTS 100 100 100; L 200+92 = 292,
 *          M 200+90 = 290, S 200+75 = 275                          -> L
 *   pod 2: L h1 z1: raw round(8.996) = 9; M z1: round(7.386) = 7; S 6;
 *          PTS 100*6/9 = 66, 100*8/9 = 88, 100*9/9 = 100;
 *          L 132+85 = 217, M 176+90 = 266, S 200+75 = 275          -> S
 *   pod 3: L h1 z1: 9; M z1: 7; S h1 z1: 9; PTS (16 - raw)*100/9:
 *          77, 100, 77; L 154+85 = 239, M 200+90 = 290,
 *          S 154+50 = 204                                          -> M
 *   pod 4: L h1 z2: round(10.382) = 10; M h1 z2: 10; S h1 z1: 9;
 *          PTS (19 - raw)*100/10: 90, 90, 100;
 *          L 180+85 = 265, M 180+80 = 260, S 200+50 = 250          -> L
 *   pod 5: L h2 z3: round(13.378) = 13; M h1 z3: round(11.768) = 12;
 *          S h1 z1: 9; PTS (22 - raw)*100/13: 69, 76, 100;
 *          L 138+78 = 216, M 152+80 = 232, S 200+50 = 250          -> S
 *   => L, S, M, L, S: zone a 3, zone b 2; hosts 2, 1, 2.
 * defaultingType List, no defaultConstraints (PodTopologySpread skips;
 * Fit decides):
 *   pod 1: L 92, M 90, S 75 -> L;  pod 2: L 85, M 90 -> M;
 *   pod 3: L 85, M 80 -> L;       pod 4: L 78, M 80 -> M;
 *   pod 5: L 78, M 70, S 75 -> L
 *   => L, M, L, M, L: all in zone a, nothing on the small zone-b node. */
#include "tests/sim/scenario_results.h"

static const char *node_of(const KsResults *r, const KsPodRow *p) {
  assert_true(p->node >= 0 && (gsize)p->node < r->n_nodes);
  return r->nodes[p->node].name;
}

static void expect_placements(const char *file, const char *const want[5]) {
  KsResults *r = ks_test_run_bundled_scenario(file);
  guint web = 0;
  for (gsize i = 0; i < r->n_pods; i++) {
    const KsPodRow *p = &r->pods[i];
    if (strncmp(p->name, "web-", 4) != 0)
      fail_msg("%s: unexpected pod %s", file, p->name);
    assert_true(web < 5);
    assert_int_equal(p->created_us, 0);
    assert_int_equal(p->scheduled_us, 0);
    if (strcmp(node_of(r, p), want[web]) != 0)
      fail_msg("%s: pod %u (%s) on %s, want %s", file, web + 1, p->name, node_of(r, p),
               want[web]);
    web++;
  }
  assert_int_equal(web, 5);
  ks_results_free(r);
}

static void test_system_default_spreading(void **state) {
  (void)state;
  static const char *const want[5] = {"za-large-0", "zb-small-0", "za-medium-0", "za-large-0",
                                      "zb-small-0"};
  expect_placements("default-spreading.yaml", want);
}

static void test_list_defaulting_packs(void **state) {
  (void)state;
  static const char *const want[5] = {"za-large-0", "za-medium-0", "za-large-0", "za-medium-0",
                                      "za-large-0"};
  expect_placements("default-spreading-list.yaml", want);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_system_default_spreading),
      cmocka_unit_test(test_list_defaulting_packs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
