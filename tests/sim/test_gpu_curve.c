/* The GPU allocation curve (sim/gpu_curve.c) on hand-made runs whose points
 * are worked out below by hand from the binning rules of docs/fgd.md 4.5. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sim/gpu_curve.h"

static KsResults *make_run(const gint32 *gpus, gsize n_nodes, const gint64 *milli,
                           const gboolean *bound, gsize n_pods) {
  KsResults *r = g_new0(KsResults, 1);
  r->nodes = g_new0(KsNodeRow, n_nodes);
  r->n_nodes = n_nodes;
  for (gsize i = 0; i < n_nodes; i++)
    r->nodes[i].gpus = gpus[i];
  r->pods = g_new0(KsPodRow, n_pods);
  r->n_pods = n_pods;
  for (gsize i = 0; i < n_pods; i++) {
    r->pods[i].gpu_request_milli = milli[i];
    r->pods[i].scheduled_us = bound[i] ? (gint64)i : -1;
  }
  return r;
}

static void free_run(KsResults *r) {
  g_free(r->nodes);
  g_free(r->pods);
  g_free(r);
}

/* N = 2 GPUs. Events (A, U in milli; arrive% = A/20, alloc% = U/20):
 *   p0  500 bound    A=500  U=500   arrive 25     alloc 25.00
 *   p1 1000 bound    A=1500 U=1500  arrive 75     alloc 75.00
 *   p2  990 unbound  A=2490 U=1500  arrive 124.5 -> 124 (half to even) alloc 75.00
 *   p3    0 bound    A=2490 U=1500  arrive 124    alloc 75.00
 *   p4   10 bound    A=2500 U=1510  arrive 125    alloc 75.50
 * Points: 25 -> 25; 24 and 26 (empty) -> their neighbours: 25; 75 -> 75;
 * 124 -> mean(75, 75) = 75; 125 -> 75.5; 123 -> bins 122..124 = 75;
 * 126 -> bins 125..127 = 75.5; 0 and 50: no event within +-1, absent.
 * Rounding half up would put p2 and p3 at 125 and give 125 -> 75.17. */
static void test_points(void **state) {
  const gint32 gpus[] = {1, 0, 1};
  const gint64 milli[] = {500, 1000, 990, 0, 10};
  const gboolean bound[] = {TRUE, TRUE, FALSE, TRUE, TRUE};
  KsResults *r = make_run(gpus, 3, milli, bound, 5);
  KsGpuCurve c;
  assert_true(ks_gpu_curve_compute(r, &c, NULL));
  assert_int_equal(c.total_gpus, 2);
  assert_int_equal(c.arrived_milli, 2500);
  assert_int_equal(c.allocated_milli, 1510);
  struct {
    int x;
    gboolean has;
    double alloc;
  } want[] = {{0, FALSE, 0},     {24, TRUE, 25.0},   {25, TRUE, 25.0},   {26, TRUE, 25.0},
              {27, FALSE, 0},    {50, FALSE, 0},     {75, TRUE, 75.0},   {123, TRUE, 75.0},
              {124, TRUE, 75.0}, {125, TRUE, 75.5},  {126, TRUE, 75.5},  {127, FALSE, 0}};
  for (gsize i = 0; i < G_N_ELEMENTS(want); i++) {
    assert_int_equal(c.has[want[i].x], want[i].has);
    if (want[i].has)
      assert_true(c.alloc_pct[want[i].x] == want[i].alloc);
  }
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  ks_gpu_curve_write_csv(&c, f);
  fclose(f);
  assert_non_null(strstr(buf, "# gpus=2 arrived_milli=2500 allocated_milli=1510 pods=5\n"
                              "arrived_pct,alloc_pct,unalloc_pct\n24,25.00,75.00\n"));
  assert_non_null(strstr(buf, "\n125,75.50,24.50\n126,75.50,24.50\n"));
  free(buf);
  free_run(r);
}

/* The mean of a bin is rounded to 2 decimals. N = 100 GPUs, so
 * arrive% = A/1000 and alloc% = U/1000:
 *   p0 40000 bound    A=40000 U=40000  arrive 40  alloc 40.00
 *   p1 10000 unbound  A=50000 U=40000  arrive 50  alloc 40.00
 *   p2     0 bound    A=50000 U=40000  arrive 50  alloc 40.00
 *   p3   250 bound    A=50250 U=40250  arrive 50.25 -> 50  alloc 40.25
 * bin 50: mean(40, 40, 40.25) = 40.0833.. -> 40.08. */
static void test_mean_rounding(void **state) {
  const gint32 gpus[] = {100};
  const gint64 milli[] = {40000, 10000, 0, 250};
  const gboolean bound[] = {TRUE, FALSE, TRUE, TRUE};
  KsResults *r = make_run(gpus, 1, milli, bound, 4);
  KsGpuCurve c;
  assert_true(ks_gpu_curve_compute(r, &c, NULL));
  assert_true(c.has[40] && c.alloc_pct[40] == 40.0);
  assert_true(c.has[50] && c.alloc_pct[50] == 40.08);
  assert_true(c.has[49] && c.alloc_pct[49] == 40.08); /* empty: bins 48..50 */
  assert_true(c.has[41] && c.alloc_pct[41] == 40.0);  /* empty: bins 40..42 */
  assert_false(c.has[45]);
  free_run(r);
}

static void test_no_gpus(void **state) {
  const gint32 gpus[] = {0};
  const gint64 milli[] = {0};
  const gboolean bound[] = {TRUE};
  KsResults *r = make_run(gpus, 1, milli, bound, 1);
  KsGpuCurve c;
  GError *error = NULL;
  assert_false(ks_gpu_curve_compute(r, &c, &error));
  assert_string_equal(error->message, "the run's nodes have no GPUs: no GPU allocation curve");
  g_error_free(error);
  free_run(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_points),
    cmocka_unit_test(test_mean_rounding),
    cmocka_unit_test(test_no_gpus),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
