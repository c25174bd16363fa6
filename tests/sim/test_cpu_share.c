/* CPU sharing arithmetic (sim/kubelet/cpu_share.h), every number worked
 * out by hand in the comments: upstream's MilliCPUToShares, limits as CFS
 * quota caps, proportional shares with water-filling, and the node of the
 * issue with a Guaranteed, a Burstable and a BestEffort pod. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim/kubelet/cpu_share.h"

static void test_milli_to_shares(void **state) {
  (void)state;
  /* pkg/kubelet/cm MilliCPUToShares: 0 -> MinShares; milli*1024/1000 truncated, >= 2, <= 262144 */
  static const gint64 cases[][2] = {
      {0, 2},    {1, 2},       {2, 2},       {3, 3},          {100, 102},
      {500, 512}, {1000, 1024}, {1500, 1536}, {256000, 262144}, {300000, 262144},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
    assert_int_equal(ks_cpu_milli_to_shares(cases[i][0]), cases[i][1]);
}

/* Node with 4000m allocatable:
 *   Guaranteed  request 1000m limit 1000m (1024 shares) wants 1500m -> capped to 1000m
 *   Burstable   request  500m limit 3000m ( 512 shares) wants 3000m
 *   BestEffort  no request          (  2 shares)  wants 2000m
 * Demands 1000 + 3000 + 2000 = 6000 > 4000. Demand per share: G 0.98, B 5.9,
 * BE 1000. W = 1538, R = 4000. G: 1000*1538 <= 4000*1024, so G gets 1000;
 * R = 3000, W = 514. B: 3000*514 = 1542000 > 3000*512 = 1536000, so B and
 * BE split 3000 by shares: B 3000*512/514 = 2988 (2988.3), BE 3000*2/514 =
 * 11 (11.7). One millicore is lost to rounding. */
static void test_three_qos_classes(void **state) {
  (void)state;
  KsCpuClaim c[] = {
      {1500, 1000, ks_cpu_milli_to_shares(1000), -1},
      {3000, 3000, ks_cpu_milli_to_shares(500), -1},
      {2000, 0, ks_cpu_milli_to_shares(0), -1},
  };
  ks_cpu_share(c, 3, 4000);
  assert_int_equal(c[0].granted, 1000);
  assert_int_equal(c[1].granted, 2988);
  assert_int_equal(c[2].granted, 11);

  /* 8000m: everyone fits, the Guaranteed pod still throttled at its quota */
  ks_cpu_share(c, 3, 8000);
  assert_int_equal(c[0].granted, 1000);
  assert_int_equal(c[1].granted, 3000);
  assert_int_equal(c[2].granted, 2000);

  /* 2000m: demand per share G 0.98 (fits: 1000*1538 <= 2000*1024), R = 1000,
   * W = 514: B 1000*512/514 = 996, BE 1000*2/514 = 3 */
  ks_cpu_share(c, 3, 2000);
  assert_int_equal(c[0].granted, 1000);
  assert_int_equal(c[1].granted, 996);
  assert_int_equal(c[2].granted, 3);

  /* 1000m: nobody fits its demand: split by shares 1024:512:2 over 1538:
   * 1000*1024/1538 = 665, 1000*512/1538 = 332, 1000*2/1538 = 1 */
  ks_cpu_share(c, 3, 1000);
  assert_int_equal(c[0].granted, 665);
  assert_int_equal(c[1].granted, 332);
  assert_int_equal(c[2].granted, 1);
}

/* What a light pod leaves goes to the others: equal requests, capacity
 * 1000m; A wants 100m (below its half), B wants 2000m: A 100, B 900. */
static void test_idle_share_redistributed(void **state) {
  (void)state;
  KsCpuClaim c[] = {{100, 0, 512, -1}, {2000, 0, 512, -1}};
  ks_cpu_share(c, 2, 1000);
  assert_int_equal(c[0].granted, 100);
  assert_int_equal(c[1].granted, 900);
  /* the same in the other order */
  KsCpuClaim d[] = {{2000, 0, 512, -1}, {100, 0, 512, -1}};
  ks_cpu_share(d, 2, 1000);
  assert_int_equal(d[0].granted, 900);
  assert_int_equal(d[1].granted, 100);
  /* wanting nothing gets nothing; an empty node and a zero capacity work */
  KsCpuClaim e[] = {{0, 0, 2, -1}, {500, 0, 2, -1}};
  ks_cpu_share(e, 2, 0);
  assert_int_equal(e[0].granted, 0);
  assert_int_equal(e[1].granted, 0);
  ks_cpu_share(NULL, 0, 1000);
}

/* Equal demand per share keeps the claims' order for ties and splits
 * exactly: 3 pods x 1024 shares wanting 2000m each on 3000m: 1000 each. */
static void test_equal_split(void **state) {
  (void)state;
  KsCpuClaim c[] = {{2000, 0, 1024, -1}, {2000, 0, 1024, -1}, {2000, 0, 1024, -1}};
  ks_cpu_share(c, 3, 3000);
  for (int i = 0; i < 3; i++)
    assert_int_equal(c[i].granted, 1000);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_milli_to_shares),
      cmocka_unit_test(test_three_qos_classes),
      cmocka_unit_test(test_idle_share_redistributed),
      cmocka_unit_test(test_equal_split),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
