/* The metrics of a small synthetic run, every one computed by hand below;
 * the /metrics dataset written at commit and read back; files without it;
 * the hourly-cost parser; and a real run of the tiny scenario. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <hdf5.h>

#include "sim/metrics.h"
#include "sim/results.h"
#include "sim/results_read.h"
#include "sim/simulation.h"

#define S 1000000LL /* µs per second */

/* Nodes: a (pool p, 4 cores, 8000 B, 10 pods) 0..end; b (pool p, same)
 * 0..20 s; c (pool q, 2 cores, 4000 B, 1 pod, 2 GPUs) 10 s..end.
 * node_hours = (30 + 20 + 20) s / 3600. Pool p costs 3.6 per node hour:
 * (30 + 20) s x 0.001 = 0.05; pool q has no price. */
static void add_nodes(KsResultsWriter *w) {
  KsNodeRow a = {.name = "a", .pool = "p", .cpu_allocatable_milli = 4000,
                 .memory_allocatable = 8000, .pods_allocatable = 10, .added_us = 0,
                 .removed_us = -1};
  KsNodeRow b = a;
  b.name = "b";
  b.removed_us = 20 * S;
  KsNodeRow c = {.name = "c", .pool = "q", .cpu_allocatable_milli = 2000,
                 .memory_allocatable = 4000, .pods_allocatable = 1, .gpus = 2,
                 .gpu_model = "T4", .added_us = 10 * S, .removed_us = -1};
  assert_true(ks_results_writer_append_node(w, &a, NULL));
  assert_true(ks_results_writer_append_node(w, &b, NULL));
  assert_true(ks_results_writer_append_node(w, &c, NULL));
}

static void pod(KsResultsWriter *w, const char *name, gint64 cpu, gint64 mem, gint64 gpu,
                gint64 created, gint64 scheduled, gint64 finished, int node, int attempts,
                KsPodOutcome outcome, gint64 deadline) {
  KsPodRow p = {.name = name, .namespace = "default", .cpu_request_milli = cpu,
                .memory_request = mem, .gpu_count = gpu ? 1 : 0, .gpu_request_milli = gpu,
                .created_us = created, .scheduled_us = scheduled, .started_us = scheduled,
                .finished_us = finished, .node = node, .attempts = attempts, .outcome = outcome,
                .deadline_us = deadline};
  assert_true(ks_results_writer_append_pod(w, &p, NULL));
}

/* Latency (bind - creation) of the 4 scheduled pods: 0, 5, 5, 6 s.
 * Nearest rank: p50 = v[2] = 5, p90 = v[ceil(3.6)] = v[4] = 6, p99 = 6,
 * max 6, mean 16/4 = 4. Pending time adds p4, still pending at the end
 * (30 - 8 = 22 s, censored); p5 was deleted unscheduled (left out):
 * 0 5 5 6 22: p50 = v[3] = 5, p90 = v[5] = 22, p99 = 22, max 22, mean 7.6.
 * Throughput 4 scheduled / 30 s. Makespan: last finish 25 s - first
 * creation 0. Attempts 1+1+2+4+1+1 = 10 over 6 pods.
 * Deadlines (5 pods): p1 succeeded at 25 s, due 25 s: met (the bound is
 * inclusive); p2 failed: missed; p3 due 15 s, still running at the end
 * (30 s): missed; p6 due 25 s, running: missed; p4 due 108 s, after the
 * end, still pending: undecided. slo.attainment = 1 / 4. */
static void add_pods(KsResultsWriter *w) {
  pod(w, "p1", 2000, 2000, 0, 0, 0, 25 * S, 0, 1, KS_OUTCOME_SUCCEEDED, 25 * S);
  pod(w, "p2", 1000, 4000, 0, 0, 5 * S, 20 * S, 1, 1, KS_OUTCOME_FAILED, 60 * S);
  pod(w, "p3", 2000, 1000, 1000, 5 * S, 10 * S, -1, 2, 2, KS_OUTCOME_RUNNING, 10 * S);
  pod(w, "p4", 3000, 1000, 0, 8 * S, -1, -1, -1, 4, KS_OUTCOME_PENDING, 100 * S);
  pod(w, "p5", 500, 500, 0, 12 * S, -1, 15 * S, -1, 1, KS_OUTCOME_DELETED, 0);
  pod(w, "p6", 1000, 1000, 0, 20 * S, 26 * S, -1, 0, 1, KS_OUTCOME_RUNNING, 5 * S);
}

/* Samples at 0, 10, 20, 30 s, from the pods above (bound and unfinished at
 * the end of each instant):
 *   t=0  p1          cpu 2000/8000   mem 2000/16000  gpu 0/0
 *   t=10 p1 p2 p3    cpu 5000/10000  mem 7000/20000  gpu 1000/2000
 *   t=20 p1 p3       cpu 4000/6000   mem 3000/12000  gpu 1000/2000
 *   t=30 p3 p6       cpu 3000/6000   mem 2000/12000  gpu 1000/2000
 * alloc.cpu.mean = (2000+5000+4000)x10 / (8000+10000+6000)x10 = 11/24,
 * peak 4000/6000; memory 12000/48000 = 0.25, peak 0.35; gpu
 * 2000/4000 = 0.5, peak 0.5 (the last sample has no weight). */
static void add_samples(KsResultsWriter *w) {
  static const gint64 cpu[] = {2000, 5000, 4000, 3000}, cpu_alloc[] = {8000, 10000, 6000, 6000},
                      mem[] = {2000, 7000, 3000, 2000}, mem_alloc[] = {16000, 20000, 12000, 12000},
                      gpu[] = {0, 1000, 1000, 1000}, gpu_alloc[] = {0, 2000, 2000, 2000};
  for (int i = 0; i < 4; i++) {
    KsSampleRow row = {.time_us = i * 10 * S, .cpu_requested_milli = cpu[i],
                       .cpu_allocatable_milli = cpu_alloc[i], .memory_requested = mem[i],
                       .memory_allocatable = mem_alloc[i], .gpu_requested_milli = gpu[i],
                       .gpu_allocatable_milli = gpu_alloc[i]};
    assert_true(ks_results_writer_append_sample(w, &row, NULL));
  }
}

static char *write_synthetic(const char *dir, const char *file, gboolean attach) {
  char *path = g_build_filename(dir, file, NULL);
  GError *error = NULL;
  KsResultsWriter *w = ks_results_writer_open(path, &error);
  assert_non_null(w);
  ks_results_writer_set_attr_int(w, "sim_end_us", 30 * S);
  ks_results_writer_set_attr_int(w, "sched_cycles", 8);
  ks_results_writer_set_attr_int(w, "sched_nodes_examined", 20);
  ks_results_writer_set_attr_int(w, "sched_wall_us", 400);
  ks_results_writer_set_attr_int(w, "preemptions", 1);
  ks_results_writer_set_attr_int(w, "evictions", 2);
  ks_results_writer_set_attr_int(w, "oom_kills", 0);
  ks_results_writer_set_attr_int(w, "restarts", 3);
  ks_results_writer_set_attr_int(w, "hourly_cost.p", 3600000);
  add_samples(w);
  add_pods(w);
  add_nodes(w);
  if (attach)
    ks_metrics_attach(w);
  if (!ks_results_writer_commit(w, &error))
    fail_msg("commit: %s", error->message);
  return path;
}

typedef struct {
  const char *name;
  const char *unit;
  KsMetricBetter better;
  double value; /* NAN: undefined */
} Want;

#define LO KS_METRIC_BETTER_LOWER
#define HI KS_METRIC_BETTER_HIGHER
#define NO KS_METRIC_BETTER_NONE

/* Every metric, in catalogue order. Per-node figures at t = 0, 10, 20, 30
 * (weights 10, 10, 10, 0):
 * fragmentation (free resource on nodes where no pending pod fits, over
 * allocatable): t=0 pending p2 (1000m, 4000) fits a and b: 0. t=10 pending
 * p4 (3000m): a has 2000m free (stranded: 2000m, 6000 B, 0 GPU), b 3000m
 * (fits), c has no pod slot (stranded: 0m, 3000 B, 1000 mGPU): cpu
 * 2000/10000, mem 9000/20000, gpu 1000/2000. t=20 pending p4, p6 (1000m)
 * fits a; c stranded: cpu 0, mem 3000/12000, gpu 1000/2000. t=30 (weight
 * 0) p4 fits a (3000m free). cpu (0 + 0.2 + 0) / 3, mem (0 + 0.45 +
 * 0.25) / 3, gpu (t=0 has no GPU) (0.5 + 0.5) / 2.
 * balance (CV of requested/allocatable over nodes): cpu t=0 {0.5, 0}: 1;
 * t=10 {0.5, 0.25, 1}: sqrt(14)/7; t=20 {0.5, 1}: 1/3 -> mean of the three.
 * memory t=0 {0.25, 0}: 1; t=10 {0.25, 0.5, 0.25}: sqrt(2)/4; t=20 {0.25,
 * 0.25}: 0. gpu: one GPU node, CV 0. */
static Want wants[] = {
  {"pods.total", "pods", NO, 6},
  {"pods.scheduled", "pods", HI, 4},
  {"pods.never_scheduled", "pods", LO, 2},
  {"pods.failed", "pods", LO, 1},
  {"latency.p50", "s", LO, 5},
  {"latency.p90", "s", LO, 6},
  {"latency.p99", "s", LO, 6},
  {"latency.max", "s", LO, 6},
  {"latency.mean", "s", LO, 4},
  {"pending.p50", "s", LO, 5},
  {"pending.p90", "s", LO, 22},
  {"pending.p99", "s", LO, 22},
  {"pending.max", "s", LO, 22},
  {"pending.mean", "s", LO, 7.6},
  {"pending.censored", "pods", LO, 1},
  {"throughput", "pods/s", HI, 4.0 / 30},
  {"alloc.cpu.mean", "ratio", HI, 11.0 / 24},
  {"alloc.cpu.peak", "ratio", NO, 4000.0 / 6000},
  {"alloc.memory.mean", "ratio", HI, 0.25},
  {"alloc.memory.peak", "ratio", NO, 0.35},
  {"alloc.gpu.mean", "ratio", HI, 0.5},
  {"alloc.gpu.peak", "ratio", NO, 0.5},
  {"usage.cpu.mean", "ratio", HI, NAN},
  {"usage.memory.mean", "ratio", HI, NAN},
  {"fragmentation.cpu", "ratio", LO, 0.2 / 3},
  {"fragmentation.memory", "ratio", LO, 0.7 / 3},
  {"fragmentation.gpu", "ratio", LO, 0.5},
  {"balance.cpu.cv", "ratio", LO, 0}, /* set in main: (1 + sqrt(14)/7 + 1/3) / 3 */
  {"balance.memory.cv", "ratio", LO, 0}, /* (1 + sqrt(2)/4 + 0) / 3 */
  {"balance.gpu.cv", "ratio", LO, 0},
  {"evictions", "count", LO, 2},
  {"preemptions", "count", LO, 1},
  {"oom_kills", "count", LO, 0},
  {"restarts", "count", LO, 3},
  {"makespan", "s", LO, 25},
  {"node_hours", "node-h", LO, 70.0 / 3600},
  {"cost", "cost", LO, 0.05},
  {"slo.pods", "pods", NO, 5},
  {"slo.attainment", "ratio", HI, 0.25},
  {"sched.cycles", "count", NO, 8},
  {"sched.nodes_examined_per_cycle", "nodes", LO, 2.5},
  {"sched.wall_per_cycle_us", "us", LO, 50},
  {"sched.attempts_per_pod", "count", LO, 10.0 / 6},
};

static void check_all(const KsMetrics *m) {
  assert_int_equal(m->n, G_N_ELEMENTS(wants));
  for (gsize i = 0; i < m->n; i++) {
    const KsMetric *x = &m->items[i];
    assert_string_equal(x->name, wants[i].name);
    assert_string_equal(x->unit, wants[i].unit);
    assert_int_equal(x->better, wants[i].better);
    if (isnan(wants[i].value)) {
      if (!isnan(x->value))
        fail_msg("%s = %g, want undefined", x->name, x->value);
    } else if (!(fabs(x->value - wants[i].value) <= 1e-12 * MAX(1, fabs(wants[i].value)))) {
      fail_msg("%s = %.15g, want %.15g", x->name, x->value, wants[i].value);
    }
  }
}

static void test_synthetic_stored(void **state) {
  (void)state;
  g_autofree char *dir = g_dir_make_tmp("ksim-metrics-XXXXXX", NULL);
  g_autofree char *path = write_synthetic(dir, "run.h5", TRUE);
  GError *error = NULL;
  KsMetrics *m = ks_metrics_read(path, &error);
  assert_non_null(m);
  assert_non_null(m->strings); /* read from /metrics, not recomputed */
  check_all(m);
  ks_metrics_free(m);
  g_unlink(path);
  g_rmdir(dir);
}

static void test_synthetic_computed(void **state) {
  (void)state;
  g_autofree char *dir = g_dir_make_tmp("ksim-metrics-XXXXXX", NULL);
  g_autofree char *path = write_synthetic(dir, "plain.h5", FALSE);
  GError *error = NULL;
  KsMetrics *m = ks_metrics_read(path, &error);
  assert_non_null(m);
  assert_null(m->strings); /* no /metrics: computed from the rows */
  check_all(m);
  assert_true(ks_metrics_get(m, "pending.p99") == &m->items[11]);
  assert_null(ks_metrics_get(m, "pending.p95"));
  assert_true(isnan(ks_metrics_value(m, "nope")));
  assert_true(ks_metrics_value(m, "makespan") == 25);
  ks_metrics_free(m);
  g_unlink(path);
  g_rmdir(dir);
}

/* Without the attributes a run sets, the figures they feed are undefined,
 * never 0; an empty file has counts of 0 and undefined times. */
static void test_empty(void **state) {
  (void)state;
  g_autofree char *dir = g_dir_make_tmp("ksim-metrics-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "empty.h5", NULL);
  KsResultsWriter *w = ks_results_writer_open(path, NULL);
  ks_metrics_attach(w);
  assert_true(ks_results_writer_commit(w, NULL));
  KsMetrics *m = ks_metrics_read(path, NULL);
  assert_non_null(m);
  assert_true(ks_metrics_value(m, "pods.total") == 0);
  assert_true(ks_metrics_value(m, "node_hours") == 0);
  static const char *const undefined[] = {
    "latency.p50", "pending.max", "throughput", "alloc.cpu.mean", "fragmentation.cpu",
    "balance.cpu.cv", "evictions", "preemptions", "makespan", "cost", "sched.cycles",
    "slo.attainment",
    "sched.nodes_examined_per_cycle", "sched.attempts_per_pod"};
  for (gsize i = 0; i < G_N_ELEMENTS(undefined); i++)
    if (!isnan(ks_metrics_value(m, undefined[i])))
      fail_msg("%s defined in an empty run", undefined[i]);
  ks_metrics_free(m);
  g_unlink(path);
  g_rmdir(dir);
}

/* A file written before /pods had deadline_us (schema 2 allows added
 * members) still reads: every deadline is 0, so no pod counts for the SLO. */
static void test_file_before_deadlines(void **state) {
  (void)state;
  g_autofree char *path = g_build_filename(KSIM_TEST_DATA, "results",
                                           "default-before-deadline.h5", NULL);
  GError *error = NULL;
  KsResults *r = ks_results_read(path, &error);
  if (!r)
    fail_msg("%s", error->message);
  assert_int_equal(r->n_pods, 360);
  for (gsize i = 0; i < r->n_pods; i++)
    assert_int_equal(r->pods[i].deadline_us, 0);
  KsMetrics *m = ks_metrics_compute(r);
  assert_true(ks_metrics_value(m, "slo.pods") == 0);
  assert_true(isnan(ks_metrics_value(m, "slo.attainment")));
  assert_true(ks_metrics_value(m, "pods.never_scheduled") == 2);
  ks_metrics_free(m);
  ks_results_free(r);
}

static void test_read_errors(void **state) {
  (void)state;
  g_autofree char *dir = g_dir_make_tmp("ksim-metrics-XXXXXX", NULL);
  g_autofree char *txt = g_build_filename(dir, "x.txt", NULL);
  g_autofree char *missing = g_build_filename(dir, "missing.h5", NULL);
  assert_true(g_file_set_contents(txt, "hello", -1, NULL));
  GError *error = NULL;
  assert_null(ks_metrics_read(txt, &error));
  g_autofree char *want1 = g_strconcat(txt, ": not a ksim results file (not an HDF5 file)", NULL);
  assert_string_equal(error->message, want1);
  g_clear_error(&error);
  assert_null(ks_metrics_read(missing, &error));
  g_autofree char *want2 = g_strconcat(missing, ": No such file or directory", NULL);
  assert_string_equal(error->message, want2);
  g_clear_error(&error);

  /* A results file (without /metrics) whose /kubelet lacks its datasets. */
  g_autofree char *bad = g_build_filename(dir, "bad.h5", NULL);
  KsResultsWriter *w = ks_results_writer_open(bad, &error);
  assert_non_null(w);
  assert_true(ks_results_writer_commit(w, &error));
  hid_t file = H5Fopen(bad, H5F_ACC_RDWR, H5P_DEFAULT);
  assert_true(file >= 0);
  hid_t group = H5Gcreate2(file, "kubelet", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Gclose(group);
  H5Fclose(file);
  assert_null(ks_metrics_read(bad, &error));
  g_autofree char *want3 = g_strconcat(bad, ": /kubelet/node_usage or /kubelet/nodes cannot be read", NULL);
  assert_string_equal(error->message, want3);
  g_clear_error(&error);
  g_unlink(bad);
  g_unlink(txt);
  g_rmdir(dir);
}

static void test_hourly_cost(void **state) {
  (void)state;
  static const struct {
    const char *text;
    gint64 micro; /* -1: refused */
  } cases[] = {
    {"0", 0}, {"12", 12000000}, {"0.096", 96000}, {"1.000001", 1000001},
    {"999999999.999999", 999999999999999}, {"", -1}, {"-1", -1}, {".5", -1}, {"1.", -1},
    {"1.0000001", -1}, {"1e3", -1}, {"1,5", -1}, {" 1", -1}, {"1000000000", -1},
    {"0x10", -1},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    gint64 micro = -7;
    GError *error = NULL;
    gboolean ok = ks_metrics_parse_hourly_cost(cases[i].text, &micro, &error);
    if (cases[i].micro < 0) {
      if (ok)
        fail_msg("\"%s\" accepted", cases[i].text);
      g_autofree char *want = g_strdup_printf(
        "\"%s\" is not a price per node hour (a decimal such as 0.096, at most 9 digits before "
        "the point and 6 after)", cases[i].text);
      assert_string_equal(error->message, want);
      g_error_free(error);
    } else {
      if (!ok)
        fail_msg("\"%s\": %s", cases[i].text, error->message);
      assert_int_equal(micro, cases[i].micro);
    }
  }
}

static char *source_path(const char *rel) {
  const char *root = g_getenv("KSIM_SOURCE_DIR");
  return g_build_filename(root ? root : KSIM_SOURCE_DIR, rel, NULL);
}

/* The tiny scenario (tests/sim/test_end_to_end.c has its exact outcome):
 * 4 pods, all scheduled; waiter waits 61 s for short to finish, the other
 * three bind at creation: latency 0, 0, 0, 61 -> p50 0, p90 61, mean 15.25.
 * 5 cycles (waiter fails once), each examining both nodes; no preemption;
 * 2 nodes for the 300 s run = 1/6 node hour; no price, so no cost. */
static void test_tiny_run(void **state) {
  (void)state;
  g_autofree char *scenario = source_path("workloads/examples/tiny.yaml");
  GError *error = NULL;
  KsScenario *s = ks_scenario_load_file(scenario, &error);
  assert_non_null(s);
  g_autofree char *out =
    g_strdup_printf("%s/ksim-metrics-%d-tiny.h5", g_get_tmp_dir(), (int)getpid());
  KsRunOptions opts = {.output = out};
  KsRunReport report;
  if (!ks_simulation_run(s, &opts, &report, &error))
    fail_msg("run: %s", error->message);
  ks_run_report_clear(&report);
  ks_scenario_free(s);
  KsMetrics *m = ks_metrics_read(out, &error);
  assert_non_null(m);
  assert_non_null(m->strings);
  assert_true(ks_metrics_value(m, "pods.total") == 4);
  assert_true(ks_metrics_value(m, "pods.never_scheduled") == 0);
  assert_true(ks_metrics_value(m, "latency.p50") == 0);
  assert_true(ks_metrics_value(m, "latency.p90") == 61);
  assert_true(ks_metrics_value(m, "latency.mean") == 15.25);
  assert_true(ks_metrics_value(m, "pending.p99") == 61);
  assert_true(ks_metrics_value(m, "makespan") == 241);
  assert_true(ks_metrics_value(m, "sched.cycles") == 5);
  assert_true(ks_metrics_value(m, "sched.nodes_examined_per_cycle") == 2);
  assert_true(ks_metrics_value(m, "preemptions") == 0);
  assert_true(ks_metrics_value(m, "restarts") == 0);
  assert_true(ks_metrics_value(m, "oom_kills") == 0);
  assert_true(fabs(ks_metrics_value(m, "node_hours") - 600.0 / 3600) < 1e-12);
  assert_true(isnan(ks_metrics_value(m, "cost")));
  assert_true(isnan(ks_metrics_value(m, "sched.wall_per_cycle_us")));
  assert_true(isnan(ks_metrics_value(m, "usage.cpu.mean"))); /* no usage profile: not modelled */
  assert_true(isnan(ks_metrics_value(m, "usage.memory.mean")));
  ks_metrics_free(m);
  g_unlink(out);
}

/* tiny.yaml's cluster and pods, priced and with deadlines. */
static const char priced_yaml[] =
  "apiVersion: ksim.io/v1alpha1\n"
  "kind: Scenario\n"
  "metadata: {name: priced}\n"
  "spec:\n"
  "  seed: 1\n"
  "  duration: 5m\n"
  "  sampleInterval: 1s\n"
  "  nodePools:\n"
  "  - name: tiny\n"
  "    count: 2\n"
  "    template:\n"
  "      metadata:\n"
  "        annotations: {ksim.io/hourly-cost: \"%s\"}\n"
  "      status:\n"
  "        capacity: {cpu: \"2\", memory: 4Gi, pods: \"10\"}\n"
  "  workloads:\n"
  "  - at: 0s\n"
  "    objects:\n"
  "    - {apiVersion: v1, kind: Pod, metadata: {name: short, annotations: {ksim.io/run-time: 60s, "
  "ksim.io/deadline: 61s}}, spec: {containers: [{name: c, image: i, resources: {requests: {cpu: "
  "1500m, memory: 1Gi}}}]}}\n"
  "    - {apiVersion: v1, kind: Pod, metadata: {name: long, annotations: {ksim.io/run-time: 4m, "
  "ksim.io/deadline: 2m}}, spec: {containers: [{name: c, image: i, resources: {requests: {cpu: "
  "1500m, memory: 1Gi}}}]}}\n"
  "    - {apiVersion: v1, kind: Pod, metadata: {name: waiter, annotations: {ksim.io/run-time: 30s, "
  "ksim.io/deadline: %s}}, spec: {containers: [{name: c, image: i, resources: {requests: {cpu: "
  "\"1\", memory: 1Gi}}}]}}\n"
  "    - {apiVersion: v1, kind: Pod, metadata: {name: small, annotations: {ksim.io/deadline: 10m}}, "
  "spec: {containers: [{name: c, image: i, resources: {requests: {cpu: 500m, memory: 512Mi}}}]}}\n";

static gboolean run_priced(const char *dir, const char *price, const char *deadline,
                           KsMetrics **out, GError **error) {
  g_autofree char *yaml = g_strdup_printf(priced_yaml, price, deadline);
  g_autofree char *path = g_build_filename(dir, "priced.yaml", NULL);
  g_autofree char *h5 = g_build_filename(dir, "priced.h5", NULL);
  assert_true(g_file_set_contents(path, yaml, -1, NULL));
  KsScenario *s = ks_scenario_load_file(path, error);
  assert_non_null(s);
  KsRunOptions opts = {.output = h5};
  KsRunReport report;
  gboolean ok = ks_simulation_run(s, &opts, &report, error);
  ks_scenario_free(s);
  if (ok) {
    ks_run_report_clear(&report);
    *out = ks_metrics_read(h5, error);
    assert_non_null(*out);
    g_unlink(h5);
  }
  g_unlink(path);
  return ok;
}

/* short (61 s deadline) succeeds at 61 s: met; long (2 m) finishes at
 * 241 s: missed; waiter (100 s) binds when short ends, starts at 62 s and
 * succeeds at 92 s: met; small (10 m) runs on past the 300 s end before
 * its deadline: undecided. 2 nodes x 300 s at 1.8 per node hour = 0.3. */
static void test_priced_run(void **state) {
  (void)state;
  g_autofree char *dir = g_dir_make_tmp("ksim-metrics-XXXXXX", NULL);
  KsMetrics *m = NULL;
  GError *error = NULL;
  if (!run_priced(dir, "1.8", "100s", &m, &error))
    fail_msg("%s", error->message);
  assert_true(ks_metrics_value(m, "slo.pods") == 4);
  assert_true(fabs(ks_metrics_value(m, "slo.attainment") - 2.0 / 3) < 1e-12);
  assert_true(fabs(ks_metrics_value(m, "cost") - 0.3) < 1e-12);
  ks_metrics_free(m);
  /* waiter's deadline one second short: 1 of 3 */
  assert_true(run_priced(dir, "1.8", "29s", &m, &error));
  assert_true(fabs(ks_metrics_value(m, "slo.attainment") - 1.0 / 3) < 1e-12);
  ks_metrics_free(m);

  static const struct {
    const char *price, *deadline, *message;
  } bad[] = {
    {"1.8", "5x", "priced.yaml:21:7: pod default/waiter: annotation ksim.io/deadline: \"5x\" is "
                  "not a duration (use units such as 500ms, 30s, 5m, 2h)"},
    {"1.8", "0s", "priced.yaml:21:7: pod default/waiter: annotation ksim.io/deadline: \"0s\" is "
                  "not a positive duration"},
    {"-1", "100s", "priced.yaml:9:5: spec.nodePools[0].template.metadata.annotations"
                   "[ksim.io/hourly-cost]: \"-1\" is not a price per node hour (a decimal such "
                   "as 0.096, at most 9 digits before the point and 6 after)"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    m = NULL;
    assert_false(run_priced(dir, bad[i].price, bad[i].deadline, &m, &error));
    assert_null(m);
    g_autofree char *want = g_build_filename(dir, bad[i].message, NULL);
    assert_string_equal(error->message, want);
    g_clear_error(&error);
  }
  g_rmdir(dir);
}

/* crash (run time 10 s, exit code 1, OnFailure) starts at 1 s, fails at
 * 11 s and restarts at once (back-off 0), fails at 21 s and restarts at
 * 31 s (10 s back-off), fails at 41 s and would restart at 61 s, after the
 * 60 s run: 2 restarts. oom uses 1Gi against a 512Mi limit: OOM-killed
 * when it starts, restartPolicy Never, so 1 OOM kill, no restart. */
static void test_restarts_and_oom(void **state) {
  (void)state;
  static const char yaml[] =
    "apiVersion: ksim.io/v1alpha1\n"
    "kind: Scenario\n"
    "metadata: {name: restarts}\n"
    "spec:\n"
    "  duration: 60s\n"
    "  sampleInterval: 1s\n"
    "  nodePools:\n"
    "  - {name: n, count: 1, template: {status: {capacity: {cpu: \"2\", memory: 4Gi, pods: \"10\"}}}}\n"
    "  workloads:\n"
    "  - at: 0s\n"
    "    objects:\n"
    "    - {apiVersion: v1, kind: Pod, metadata: {name: crash, annotations: {ksim.io/run-time: 10s, "
    "ksim.io/exit-code: \"1\"}}, spec: {restartPolicy: OnFailure, containers: [{name: c, image: i, "
    "resources: {requests: {cpu: 500m, memory: 1Gi}}}]}}\n"
    "    - {apiVersion: v1, kind: Pod, metadata: {name: oom, annotations: {ksim.io/usage-memory: 1Gi, "
    "ksim.io/run-time: 30s}}, spec: {restartPolicy: Never, containers: [{name: c, image: i, "
    "resources: {requests: {cpu: 500m, memory: 512Mi}, limits: {memory: 512Mi}}}]}}\n";
  g_autofree char *dir = g_dir_make_tmp("ksim-metrics-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "restarts.yaml", NULL);
  g_autofree char *h5 = g_build_filename(dir, "restarts.h5", NULL);
  assert_true(g_file_set_contents(path, yaml, -1, NULL));
  GError *error = NULL;
  KsScenario *s = ks_scenario_load_file(path, &error);
  if (!s)
    fail_msg("%s", error->message);
  KsRunOptions opts = {.output = h5};
  KsRunReport report;
  if (!ks_simulation_run(s, &opts, &report, &error))
    fail_msg("%s", error->message);
  ks_run_report_clear(&report);
  ks_scenario_free(s);
  KsMetrics *m = ks_metrics_read(h5, &error);
  assert_non_null(m);
  assert_true(ks_metrics_value(m, "restarts") == 2);
  assert_true(ks_metrics_value(m, "oom_kills") == 1);
  assert_true(ks_metrics_value(m, "pods.failed") == 1);
  ks_metrics_free(m);
  g_unlink(h5);
  g_unlink(path);
  g_rmdir(dir);
}

/* Usage (docs/metrics.md): two nodes of 2 CPU / 4Gi, samples every 10 s
 * to 60 s. steady (usage 500m / 1Gi, runs on) starts at 1 s; plain
 * requests a CPU but has no usage profile, so it uses nothing; late
 * (usage 1 CPU / 512Mi, 20 s of work) is created at 30 s, starts at 31 s
 * and ends at 51 s. Cluster usage per sample, of 4000m and 8Gi:
 *   t     0    10    20    30    40     50     60
 *   cpu   0    500   500   500   1500   1500   500
 *   mem   0    1Gi   1Gi   1Gi   1.5Gi  1.5Gi  1Gi
 * (no /kubelet row at 0 s: the model had run no pod yet). The last sample
 * has no weight: usage.cpu.mean = 4500 / (6 x 4000) = 0.1875, usage.memory.mean
 * = 6Gi / (6 x 8Gi) = 0.125. With --record-wall-time the scheduler's wall
 * time is stored and sched.wall_per_cycle_us is positive; without, the
 * file has no sched_wall_us and the metric is NaN. */
static void test_usage_run(void **state) {
  (void)state;
  static const char yaml[] =
    "apiVersion: ksim.io/v1alpha1\n"
    "kind: Scenario\n"
    "metadata: {name: usage}\n"
    "spec:\n"
    "  duration: 60s\n"
    "  sampleInterval: 10s\n"
    "  nodePools:\n"
    "  - {name: n, count: 2, template: {status: {capacity: {cpu: \"2\", memory: 4Gi, pods: \"10\"}}}}\n"
    "  workloads:\n"
    "  - at: 0s\n"
    "    objects:\n"
    "    - {apiVersion: v1, kind: Pod, metadata: {name: steady, annotations: {ksim.io/usage-cpu: "
    "500m, ksim.io/usage-memory: 1Gi}}, spec: {containers: [{name: c, image: i, resources: "
    "{requests: {cpu: 500m, memory: 1Gi}}}]}}\n"
    "    - {apiVersion: v1, kind: Pod, metadata: {name: plain}, spec: {containers: [{name: c, "
    "image: i, resources: {requests: {cpu: \"1\", memory: 1Gi}}}]}}\n"
    "  - at: 30s\n"
    "    objects:\n"
    "    - {apiVersion: v1, kind: Pod, metadata: {name: late, annotations: {ksim.io/usage-cpu: \"1\", "
    "ksim.io/usage-memory: 512Mi, ksim.io/run-time: 20s}}, spec: {containers: [{name: c, image: i, "
    "resources: {requests: {cpu: \"1\", memory: 512Mi}}}]}}\n";
  g_autofree char *dir = g_dir_make_tmp("ksim-metrics-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "usage.yaml", NULL);
  g_autofree char *h5 = g_build_filename(dir, "usage.h5", NULL);
  g_autofree char *h5_wall = g_build_filename(dir, "usage-wall.h5", NULL);
  assert_true(g_file_set_contents(path, yaml, -1, NULL));
  GError *error = NULL;
  KsScenario *s = ks_scenario_load_file(path, &error);
  if (!s)
    fail_msg("%s", error->message);
  KsRunOptions opts = {.output = h5};
  KsRunReport report;
  if (!ks_simulation_run(s, &opts, &report, &error))
    fail_msg("%s", error->message);
  ks_run_report_clear(&report);
  KsRunOptions wall = {.output = h5_wall, .record_wall_time = TRUE};
  if (!ks_simulation_run(s, &wall, &report, &error))
    fail_msg("%s", error->message);
  ks_run_report_clear(&report);
  ks_scenario_free(s);

  KsResults *r = ks_results_read(h5, &error);
  assert_non_null(r);
  assert_int_equal(r->n_samples, 7);
  assert_null(ks_results_attr(r, "sched_wall_us"));
  KsNodeUsage *u = ks_metrics_node_usage_read(h5, r, &error);
  assert_non_null(u);
  /* steady and plain spread over the two nodes (LeastAllocated), and late
   * goes beside steady (500m requested against plain's 1000m): the model
   * saw one node, one row per sample from 10 s */
  assert_int_equal(u->n, 6);
  for (gsize i = 0; i < u->n; i++) {
    assert_int_equal(u->rows[i].time_us, (gint64)(i + 1) * 10 * S);
    assert_int_equal(u->rows[i].node, u->rows[0].node);
  }
  assert_true(u->rows[0].node == 0 || u->rows[0].node == 1);
  double cpu[7], mem[7];
  gint64 cpu_used[7], mem_used[7];
  ks_metrics_usage_series(r, u, cpu, mem, cpu_used, mem_used);
  static const gint64 want_cpu[7] = {0, 500, 500, 500, 1500, 1500, 500};
  static const gint64 want_mem_mi[7] = {0, 1024, 1024, 1024, 1536, 1536, 1024};
  for (int i = 0; i < 7; i++) {
    assert_int_equal(cpu_used[i], want_cpu[i]);
    assert_int_equal(mem_used[i], want_mem_mi[i] << 20);
    assert_true(cpu[i] == want_cpu[i] / 4000.0);
    assert_true(mem[i] == want_mem_mi[i] / 8192.0);
  }
  KsMetrics *m = ks_metrics_read(h5, &error);
  assert_non_null(m);
  assert_true(ks_metrics_value(m, "usage.cpu.mean") == 0.1875);
  assert_true(ks_metrics_value(m, "usage.memory.mean") == 0.125);
  /* requests, for contrast: 1500m of 4000m for 30 s, then 2500m */
  assert_true(fabs(ks_metrics_value(m, "alloc.cpu.mean") - (3 * 1500 + 3 * 2500) / 24000.0) < 1e-12);
  assert_true(isnan(ks_metrics_value(m, "sched.wall_per_cycle_us")));
  KsMetrics *computed = ks_metrics_compute_with_usage(r, u);
  assert_true(ks_metrics_value(computed, "usage.cpu.mean") == 0.1875);
  ks_metrics_free(computed);
  computed = ks_metrics_compute(r); /* no file: usage not known */
  assert_true(isnan(ks_metrics_value(computed, "usage.cpu.mean")));
  ks_metrics_free(computed);
  ks_metrics_free(m);
  ks_node_usage_free(u);
  ks_results_free(r);

  /* the command's flag is the option */
  g_autofree char *h5_cli = g_build_filename(dir, "usage-cli.h5", NULL);
  const char *argv[] = {KSIM_BINARY, "run", "-q", "--record-wall-time", "-o", h5_cli, path, NULL};
  int status = 0;
  assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                           NULL, &status, NULL));
  assert_int_equal(status, 0);
  m = ks_metrics_read(h5_cli, &error);
  assert_non_null(m);
  assert_true(ks_metrics_value(m, "sched.wall_per_cycle_us") > 0);
  ks_metrics_free(m);
  g_unlink(h5_cli);

  r = ks_results_read(h5_wall, &error);
  assert_non_null(r);
  const KsResultsAttr *a = ks_results_attr(r, "sched_wall_us");
  assert_non_null(a);
  assert_true(a->num >= 0);
  m = ks_metrics_read(h5_wall, &error);
  assert_non_null(m);
  assert_true(ks_metrics_value(m, "sched.cycles") == 3);
  assert_true(ks_metrics_value(m, "sched.wall_per_cycle_us") > 0);
  assert_true(ks_metrics_value(m, "usage.cpu.mean") == 0.1875);
  ks_metrics_free(m);
  ks_results_free(r);
  g_unlink(h5_wall);
  g_unlink(h5);
  g_unlink(path);
  g_rmdir(dir);
}

/* rolling-update.yaml drains a node (evictions through the Eviction API),
 * so its file has /kubelet for the evictions, but no pod has a usage
 * profile: usage was not modelled, NaN (not 0). */
static void test_usage_not_modelled(void **state) {
  (void)state;
  g_autofree char *scenario = source_path("workloads/examples/rolling-update.yaml");
  GError *error = NULL;
  KsScenario *s = ks_scenario_load_file(scenario, &error);
  assert_non_null(s);
  g_autofree char *dir = g_dir_make_tmp("ksim-metrics-XXXXXX", NULL);
  g_autofree char *out = g_build_filename(dir, "rolling.h5", NULL);
  KsRunOptions opts = {.output = out};
  KsRunReport report;
  if (!ks_simulation_run(s, &opts, &report, &error))
    fail_msg("run: %s", error->message);
  ks_run_report_clear(&report);
  ks_scenario_free(s);
  KsMetrics *m = ks_metrics_read(out, &error);
  assert_non_null(m);
  assert_true(ks_metrics_value(m, "evictions") > 0);
  assert_true(isnan(ks_metrics_value(m, "usage.cpu.mean")));
  assert_true(isnan(ks_metrics_value(m, "usage.memory.mean")));
  ks_metrics_free(m);
  KsResults *r = ks_results_read(out, &error);
  assert_non_null(r);
  assert_null(ks_metrics_node_usage_read(out, r, &error));
  assert_null(error);
  ks_results_free(r);
  g_unlink(out);
  g_rmdir(dir);
}

int main(void) {
  wants[27].value = (1 + sqrt(14) / 7 + 1.0 / 3) / 3;
  wants[28].value = (1 + sqrt(2) / 4) / 3;
  gsize n;
  ks_metrics_catalogue(&n);
  assert_int_equal(n, G_N_ELEMENTS(wants));
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_synthetic_stored), cmocka_unit_test(test_synthetic_computed),
    cmocka_unit_test(test_empty),            cmocka_unit_test(test_read_errors),
    cmocka_unit_test(test_file_before_deadlines), cmocka_unit_test(test_priced_run),
    cmocka_unit_test(test_restarts_and_oom), cmocka_unit_test(test_usage_run),
    cmocka_unit_test(test_usage_not_modelled),
    cmocka_unit_test(test_hourly_cost),      cmocka_unit_test(test_tiny_run),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
