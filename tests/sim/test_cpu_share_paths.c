/* ks_cpu_share's fast paths (insertion sort and 64-bit products for few
 * claims of ordinary size) give exactly what the plain algorithm gives: the
 * water-filling of cpu_share.c with qsort and 128-bit arithmetic, kept here
 * as the reference, on random claims (ties, limits, idle claims, more than
 * 64 claims, demands and shares too large for 64-bit products). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/kubelet/cpu_share.h"

typedef struct {
  KsCpuClaim *c;
  gint64 demand;
  guint index;
} RefItem;

static gint ref_cmp(gconstpointer pa, gconstpointer pb) {
  const RefItem *a = pa, *b = pb;
  __int128 x = (__int128)a->demand * b->c->shares, y = (__int128)b->demand * a->c->shares;
  if (x != y)
    return x < y ? -1 : 1;
  return a->index < b->index ? -1 : a->index > b->index;
}

static void ref_share(KsCpuClaim *claims, guint n, gint64 capacity) {
  gint64 total = 0;
  for (guint i = 0; i < n; i++) {
    gint64 d = MAX(claims[i].want, 0);
    if (claims[i].limit > 0 && d > claims[i].limit)
      d = claims[i].limit;
    claims[i].granted = d;
    total += d;
  }
  if (total <= capacity)
    return;
  RefItem *items = g_new(RefItem, n);
  guint m = 0;
  __int128 weight = 0;
  for (guint i = 0; i < n; i++) {
    if (claims[i].granted == 0)
      continue;
    items[m++] = (RefItem){&claims[i], claims[i].granted, i};
    weight += claims[i].shares;
  }
  qsort(items, m, sizeof(RefItem), ref_cmp);
  __int128 left = MAX(capacity, 0);
  guint k = 0;
  for (; k < m; k++) {
    if ((__int128)items[k].demand * weight > left * items[k].c->shares)
      break;
    left -= items[k].demand;
    weight -= items[k].c->shares;
  }
  for (; k < m; k++)
    items[k].c->granted = (gint64)(left * items[k].c->shares / weight);
  g_free(items);
}

static void check_random(GRand *rng, guint n, gint64 max_want, gboolean huge_shares) {
  KsCpuClaim *a = g_new(KsCpuClaim, n), *b = g_new(KsCpuClaim, n);
  gint64 sum = 0;
  for (guint i = 0; i < n; i++) {
    /* Few distinct values, so demand-per-share ties are common. */
    gint64 want = g_rand_int_range(rng, 0, 4) == 0 ? 0
                  : (max_want / 8) * g_rand_int_range(rng, 1, 9);
    gint64 limit = g_rand_int_range(rng, 0, 3) == 0 ? (max_want / 4) * g_rand_int_range(rng, 1, 5)
                                                    : 0;
    gint64 shares = huge_shares ? (G_GINT64_CONSTANT(1) << 40) + g_rand_int_range(rng, 0, 3)
                                : ks_cpu_milli_to_shares(100 * g_rand_int_range(rng, 0, 5));
    a[i] = (KsCpuClaim){want, limit, shares, -1};
    sum += want;
  }
  if (n)
    memcpy(b, a, n * sizeof *a);
  /* 0 to twice what they want: contention about half the time. */
  gint64 capacity = n ? (sum / 50 + 1) * g_rand_int_range(rng, 0, 100) : 0;
  ks_cpu_share(a, n, capacity);
  ref_share(b, n, capacity);
  for (guint i = 0; i < n; i++)
    assert_int_equal(a[i].granted, b[i].granted);
  g_free(a);
  g_free(b);
}

static void test_few_claims(void **state) {
  (void)state;
  GRand *rng = g_rand_new_with_seed(1);
  for (int round = 0; round < 20000; round++)
    check_random(rng, (guint)g_rand_int_range(rng, 0, 17), 4000, FALSE);
  g_rand_free(rng);
}

static void test_many_claims(void **state) {
  (void)state;
  GRand *rng = g_rand_new_with_seed(2);
  for (int round = 0; round < 2000; round++)
    check_random(rng, (guint)g_rand_int_range(rng, 60, 200), 64000, FALSE);
  g_rand_free(rng);
}

static void test_large_values(void **state) {
  (void)state;
  GRand *rng = g_rand_new_with_seed(3);
  /* Demands of 2^44 and more, and shares of 2^40 (not cpu.shares, but the
   * function takes any): the 128-bit path. */
  for (int round = 0; round < 2000; round++) {
    check_random(rng, (guint)g_rand_int_range(rng, 1, 17), G_GINT64_CONSTANT(1) << 50, FALSE);
    check_random(rng, (guint)g_rand_int_range(rng, 1, 17), 4000, TRUE);
  }
  g_rand_free(rng);
}

/* A worked case on the fast path, with a tie broken by index: 1000m for
 * three claims of 600m at 512 shares (equal demand per share) and an idle
 * one: each gets 1000 * 512 / 1536 = 333. */
static void test_tie_fast_path(void **state) {
  (void)state;
  KsCpuClaim c[] = {{600, 0, 512, -1}, {0, 0, 1024, -1}, {600, 0, 512, -1}, {600, 0, 512, -1}};
  ks_cpu_share(c, 4, 1000);
  assert_int_equal(c[0].granted, 333);
  assert_int_equal(c[1].granted, 0);
  assert_int_equal(c[2].granted, 333);
  assert_int_equal(c[3].granted, 333);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_few_claims),
      cmocka_unit_test(test_many_claims),
      cmocka_unit_test(test_large_values),
      cmocka_unit_test(test_tie_fast_path),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
