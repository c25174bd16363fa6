/* The summary of a small synthetic run whose figures are computed by hand
 * below: percentiles, utilization, makespan, and the exact JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "ks_version.h"
#include "sim/results.h"
#include "sim/summary.h"

#define S 1000000LL /* µs per second */

/* Samples at 0, 10, 30, 40 s. CPU: 0/4, 2/4, 4/8, 1/8 cores.
 * Time-weighted mean = (0*10 + 2*20 + 4*10) / (4*10 + 4*20 + 8*10) = 0.4,
 * peak 0.5. Memory (GiB): 0/8, 2/8, 8/16, 1/16: (2*20 + 8*10) / (8*10 +
 * 8*20 + 16*10) = 0.3, peak 0.5. GPU milli: 0/4000, 1000/4000, 3000/8000,
 * 0/8000: (1000*20 + 3000*10) / (4000*10 + 4000*20 + 8000*10) = 0.25, peak
 * 0.375. The last sample has no weight. */
static void add_samples(KsResultsWriter *w) {
  static const gint64 t[] = {0, 10, 30, 40}, cpu[] = {0, 2000, 4000, 1000},
                      cpu_alloc[] = {4000, 4000, 8000, 8000}, mem[] = {0, 2, 8, 1},
                      mem_alloc[] = {8, 8, 16, 16}, gpu[] = {0, 1000, 3000, 0},
                      gpu_alloc[] = {4000, 4000, 8000, 8000};
  for (int i = 0; i < 4; i++) {
    KsSampleRow row = {.time_us = t[i] * S, .cpu_requested_milli = cpu[i],
                       .cpu_allocatable_milli = cpu_alloc[i], .memory_requested = mem[i] << 30,
                       .memory_allocatable = mem_alloc[i] << 30,
                       .gpu_requested_milli = gpu[i], .gpu_allocatable_milli = gpu_alloc[i]};
    assert_true(ks_results_writer_append_sample(w, &row, NULL));
  }
}

/* Pods 1..20 are created at 0 and scheduled after k seconds; 1-15 succeed
 * and 16-18 fail at k+5 s, 19-20 still run. One pod is created at 35 s and
 * still pending at the end (40 s): a censored 5 s. One is deleted unscheduled
 * (left out). Pending times sorted: 1 2 3 4 5 5 6 ... 20 (n = 21).
 * Nearest rank: p50 = v[ceil(10.5)] = v[11] = 10, p95 = v[ceil(19.95)] =
 * v[20] = 19, p99 = v[ceil(20.79)] = v[21] = 20; mean = 215/21.
 * Makespan: last finish 23 s (pod 18) - first creation 0 = 23 s. */
static void add_pods(KsResultsWriter *w) {
  for (int k = 1; k <= 20; k++) {
    char name[16];
    g_snprintf(name, sizeof name, "p%d", k);
    KsPodRow p = {.name = name, .namespace = "default", .created_us = 0,
                  .scheduled_us = k * S, .started_us = k * S, .finished_us = -1, .node = 0,
                  .attempts = 1, .outcome = KS_OUTCOME_RUNNING};
    if (k <= 18) {
      p.finished_us = (k + 5) * S;
      p.outcome = k <= 15 ? KS_OUTCOME_SUCCEEDED : KS_OUTCOME_FAILED;
    }
    assert_true(ks_results_writer_append_pod(w, &p, NULL));
  }
  KsPodRow late = {.name = "late", .namespace = "default", .created_us = 35 * S,
                   .scheduled_us = -1, .started_us = -1, .finished_us = -1, .node = -1,
                   .attempts = 3, .outcome = KS_OUTCOME_PENDING};
  KsPodRow gone = {.name = "gone", .namespace = "default", .created_us = 2 * S,
                   .scheduled_us = -1, .started_us = -1, .finished_us = -1, .node = -1,
                   .attempts = 1, .outcome = KS_OUTCOME_DELETED};
  assert_true(ks_results_writer_append_pod(w, &late, NULL));
  assert_true(ks_results_writer_append_pod(w, &gone, NULL));
}

/* Node a: 0..end (40 s); node b: 30..40 s. 50 node-seconds. */
static void add_nodes(KsResultsWriter *w) {
  KsNodeRow a = {.name = "a", .pool = "p", .cpu_allocatable_milli = 4000, .added_us = 0,
                 .removed_us = -1};
  KsNodeRow b = {.name = "b", .pool = "p", .cpu_allocatable_milli = 4000, .added_us = 30 * S,
                 .removed_us = 40 * S};
  assert_true(ks_results_writer_append_node(w, &a, NULL));
  assert_true(ks_results_writer_append_node(w, &b, NULL));
}

static char *write_synthetic(char **dir_out) {
  char *dir = g_dir_make_tmp("ksim-summary-XXXXXX", NULL);
  char *path = g_build_filename(dir, "run.h5", NULL);
  GError *error = NULL;
  KsResultsWriter *w = ks_results_writer_open(path, &error);
  assert_non_null(w);
  ks_results_writer_set_attr_string(w, "scenario", "syn \"q\"");
  add_samples(w);
  add_pods(w);
  add_nodes(w);
  assert_true(ks_results_writer_commit(w, &error));
  *dir_out = dir;
  return path;
}

static void cleanup(char *dir, char *path) {
  g_unlink(path);
  g_rmdir(dir);
  g_free(path);
  g_free(dir);
}

static char *render(const char *path, KsSummaryFormat fmt) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  GError *error = NULL;
  if (!ks_summary_print(path, fmt, f, &error))
    fail_msg("summary: %s", error->message);
  fclose(f);
  return buf;
}

static void test_percentile(void **state) {
  const gint64 v[] = {15, 20, 35, 40, 50};
  assert_int_equal(ks_summary_percentile(v, 5, 5), 15);
  assert_int_equal(ks_summary_percentile(v, 5, 30), 20);
  assert_int_equal(ks_summary_percentile(v, 5, 40), 20);
  assert_int_equal(ks_summary_percentile(v, 5, 50), 35);
  assert_int_equal(ks_summary_percentile(v, 5, 100), 50);
  assert_int_equal(ks_summary_percentile(v, 1, 99), 15);
}

static void test_json(void **state) {
  char *dir;
  char *path = write_synthetic(&dir);
  char *got = render(path, KS_SUMMARY_JSON);
  g_autofree char *want = g_strdup_printf(
    "{\n"
    "  \"file\": \"%s\",\n"
    "  \"schema_version\": 2,\n"
    "  \"ksim_version\": \"%s\",\n"
    "  \"attributes\": {\n"
    "    \"ksim_version\": \"%s\",\n"
    "    \"scenario\": \"syn \\\"q\\\"\",\n"
    "    \"schema_version\": 2\n"
    "  },\n"
    "  \"pods_total\": 22,\n"
    "  \"pods_scheduled\": 20,\n"
    "  \"pods_never_scheduled\": 2,\n"
    "  \"pods_pending_at_end\": 1,\n"
    "  \"pods_running_at_end\": 2,\n"
    "  \"pods_succeeded\": 15,\n"
    "  \"pods_failed\": 3,\n"
    "  \"pods_deleted\": 1,\n"
    "  \"pending_time_count\": 21,\n"
    "  \"pending_time_censored_count\": 1,\n"
    "  \"pending_time_p50_s\": 10.000000,\n"
    "  \"pending_time_p95_s\": 19.000000,\n"
    "  \"pending_time_p99_s\": 20.000000,\n"
    "  \"pending_time_mean_s\": 10.238095,\n"
    "  \"pending_time_max_s\": 20.000000,\n"
    "  \"cpu_utilization_mean_ratio\": 0.400000,\n"
    "  \"cpu_utilization_peak_ratio\": 0.500000,\n"
    "  \"memory_utilization_mean_ratio\": 0.300000,\n"
    "  \"memory_utilization_peak_ratio\": 0.500000,\n"
    "  \"gpu_allocation_mean_ratio\": 0.250000,\n"
    "  \"gpu_allocation_peak_ratio\": 0.375000,\n"
    "  \"makespan_s\": 23.000000,\n"
    "  \"sim_start_s\": 0.000000,\n"
    "  \"sim_end_s\": 40.000000,\n"
    "  \"sim_duration_s\": 40.000000,\n"
    "  \"nodes_total\": 2,\n"
    "  \"node_hours\": 0.013889\n"
    "}\n",
    path, KSIM_VERSION, KSIM_VERSION);
  assert_string_equal(got, want);
  free(got);
  cleanup(dir, path);
}

static void test_table(void **state) {
  char *dir;
  char *path = write_synthetic(&dir);
  char *got = render(path, KS_SUMMARY_TABLE);
  assert_non_null(strstr(got, "pods                 22 total, 20 scheduled, 2 never scheduled\n"));
  assert_non_null(strstr(got, "pending time         p50 10.000s  p95 19.000s  p99 20.000s  "
                              "mean 10.238s  max 20.000s\n"));
  assert_non_null(strstr(got, "(1 of 21 pods still pending at the end: figures are lower"));
  assert_non_null(strstr(got, "cpu utilization      mean 40.0%  peak 50.0%\n"));
  assert_non_null(strstr(got, "memory utilization   mean 30.0%  peak 50.0%\n"));
  assert_non_null(strstr(got, "gpu allocation       mean 25.0%  peak 37.5%\n"));
  assert_non_null(strstr(got, "makespan             23.000s\n"));
  free(got);
  cleanup(dir, path);
}

static void test_not_results(void **state) {
  char *dir = g_dir_make_tmp("ksim-summary-XXXXXX", NULL);
  char *path = g_build_filename(dir, "x.txt", NULL);
  assert_true(g_file_set_contents(path, "hello", -1, NULL));
  GError *error = NULL;
  assert_false(ks_summary_print(path, KS_SUMMARY_JSON, stdout, &error));
  g_autofree char *want = g_strconcat(path, ": not a ksim results file (not an HDF5 file)", NULL);
  assert_string_equal(error->message, want);
  g_error_free(error);
  cleanup(dir, path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_percentile),
    cmocka_unit_test(test_json),
    cmocka_unit_test(test_table),
    cmocka_unit_test(test_not_results),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
