/* `ksim bench sched` measures the real scheduler: check that it schedules
 * every pod, examines exactly upstream's numFeasibleNodesToFind nodes per
 * pod (230 of 500 with the adaptive percentage, all with 100), and that the
 * command's last line is the machine-readable figure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sim/bench_sched.h"

static void test_adaptive_and_all_nodes(void **state) {
  KsBenchSchedOptions opts = {.nodes = 500, .pods = 200, .pods_per_node = 30, .seed = 1};
  KsBenchSchedResult r;
  assert_true(ks_bench_sched_run(&opts, &r, NULL));
  assert_int_equal(r.scheduled, 200);
  assert_int_equal(r.unschedulable, 0);
  assert_int_equal(r.nodes_examined, 200 * 230); /* 500 * (50 - 500/125) / 100 */
  opts.percentage_of_nodes_to_score = 100;
  assert_true(ks_bench_sched_run(&opts, &r, NULL));
  assert_int_equal(r.nodes_examined, 200 * 500);
  assert_true(r.pods_per_s > 0);
}

static void test_full_cluster_reports_unschedulable(void **state) {
  /* 2 nodes x 110 pods: 30 bound each leaves room for 160 more. */
  KsBenchSchedOptions opts = {.nodes = 2, .pods = 170, .pods_per_node = 30, .seed = 3};
  KsBenchSchedResult r;
  assert_true(ks_bench_sched_run(&opts, &r, NULL));
  assert_int_equal(r.scheduled, 160);
  assert_int_equal(r.unschedulable, 10);
}

static void test_report_last_line(void **state) {
  KsBenchSchedOptions opts = {.nodes = 10, .pods = 20, .pods_per_node = 1, .seed = 1,
                              .constraints = KS_BENCH_CONSTRAINTS_SPREAD};
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  assert_true(ks_bench_sched_print(&opts, out, NULL));
  fclose(out);
  char **lines = g_strsplit(g_strstrip(buf), "\n", -1);
  guint n = g_strv_length(lines);
  assert_true(n >= 2);
  assert_true(g_str_has_prefix(lines[n - 1], "pods_per_s="));
  assert_true(g_ascii_strtod(lines[n - 1] + strlen("pods_per_s="), NULL) > 0);
  assert_non_null(strstr(buf, "constraints=spread"));
  g_strfreev(lines);
  free(buf);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_adaptive_and_all_nodes),
    cmocka_unit_test(test_full_cluster_reports_unschedulable),
    cmocka_unit_test(test_report_last_line),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
