/* The alibaba-v2017 importer: a hand-made trace (server_event and an
 * unsorted batch_task with a header line) checked event by event with its
 * units, the parameters (pods=task, harderror=remove, the default cluster),
 * the committed sample against totals summed here by a separate tiny
 * parser, the real batch_task in ../shared/traces (skipped when absent)
 * against awk totals, and a table of bad rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "traces/alibaba_v2017.h"
#include "workloads/annotations.h"
#include "trace_test_util.h"

#define GIB ((gint64)1 << 30)

typedef struct {
  guint64 adds, updates, removes, pods, run_times, instances;
  gint64 node_cpu, pod_cpu, pod_mem, run_us, last_us;
  gboolean sorted;
} Totals;

static void add_event(gpointer data, const KsTraceEvent *ev) {
  Totals *t = data;
  if (ev->time_us < t->last_us)
    t->sorted = FALSE;
  t->last_us = ev->time_us;
  if (ev->type == KS_TRACE_NODE_ADD) {
    t->adds++;
    t->node_cpu += ks_resource_list_get(&ev->node->capacity, KS_RESOURCE_CPU);
  } else if (ev->type == KS_TRACE_NODE_UPDATE) {
    t->updates++;
  } else if (ev->type == KS_TRACE_NODE_REMOVE) {
    t->removes++;
  } else {
    assert_int_equal(ev->type, KS_TRACE_POD_CREATE);
    const KsContainer *c = &g_array_index(ev->pod->containers, KsContainer, 0);
    t->pods++;
    t->pod_cpu += ks_resource_list_get(&c->requests, KS_RESOURCE_CPU);
    t->pod_mem += ks_resource_list_get(&c->requests, KS_RESOURCE_MEMORY);
    const char *n = ks_labels_get(&ev->pod->annotations, "ksim.io/instances");
    t->instances += n ? g_ascii_strtoull(n, NULL, 10) : 1;
    KsPodTiming timing;
    assert_true(ks_pod_read_timing(ev->pod, &timing, NULL));
    if (timing.run_time_us != KS_RUN_TIME_FOREVER) {
      t->run_times++;
      t->run_us += timing.run_time_us;
    }
  }
}

static Totals read_all(const char *path, KsTraceBadRows mode, const char *const *params,
                       guint64 *skipped) {
  Totals t = {.sorted = TRUE, .last_us = G_MININT64};
  guint64 n = trace_test_read_all(&ks_trace_format_alibaba_v2017, path, mode, params, add_event, &t);
  if (skipped)
    *skipped = n;
  return t;
}

/* ---- a hand-made trace --------------------------------------------------------- */

static const char hand_events[] = "0,1,add,,64,0.5,1\n"
                                  "0,2,add,,32,0.25,1\n"
                                  "100,1,softerror,agent failure,,,\n"
                                  "160,1,add,,64,0.5,1\n"
                                  "200,2,harderror,disk failure,,,\n";
/* A header line as in ../shared's copy; rows out of create order; a task
 * created before the trace (-60); a Waiting task without a request; a
 * Running task (no end). */
static const char hand_tasks[] =
    "task_create_time, task_end_time, job_id, task_id,number_of_instances, status, cpus, mem\n"
    "150,210,7,3,2,Terminated,50,0.5\n"
    "-60,30,7,1,1,Terminated,100,0.125\n"
    "120,120,7,4,5,Waiting,,\n"
    "90,95,8,2,1,Running,40,0.01\n";

typedef TraceTestExpected Expected;

static void test_hand_made(void **state) {
  (void)state;
  char *dir = g_dir_make_tmp("ksim-v2017-XXXXXX", NULL);
  trace_test_write_file(dir, "server_event.csv", hand_events);
  trace_test_write_file(dir, "batch_task.csv", hand_tasks);
  const char *const params[] = {"machine-memory=64Gi", NULL};
  KsTraceOpenOptions opts = {KS_TRACE_BAD_ROWS_FAIL, params};
  GError *error = NULL;
  KsTraceSource *src = ks_alibaba_v2017_open(dir, &opts, &error);
  assert_non_null(src);
  static const Expected want[] = {
      {KS_TRACE_NODE_ADD, 0, "1"},           {KS_TRACE_NODE_ADD, 0, "2"},
      {KS_TRACE_POD_CREATE, 0, "7-1-0"},     {KS_TRACE_POD_CREATE, 90000000, "8-2-0"},
      {KS_TRACE_NODE_UPDATE, 100000000, "1"}, {KS_TRACE_POD_CREATE, 150000000, "7-3-0"},
      {KS_TRACE_POD_CREATE, 150000000, "7-3-1"}, {KS_TRACE_NODE_UPDATE, 160000000, "1"},
      {KS_TRACE_NODE_UPDATE, 200000000, "2"},
  };
  KsTraceEvent ev;
  ks_trace_event_init(&ev);
  for (gsize i = 0; i < G_N_ELEMENTS(want); i++) {
    trace_test_expect_next(src, &ev, &want[i]);
    const KsContainer *c = ev.pod ? &g_array_index(ev.pod->containers, KsContainer, 0) : NULL;
    KsPodTiming timing = {0};
    if (ev.pod)
      assert_true(ks_pod_read_timing(ev.pod, &timing, NULL));
    switch (i) {
    case 1: /* 32 cores; memory 0.25 of 64Gi */
      assert_int_equal(ks_resource_list_get(&ev.node->capacity, KS_RESOURCE_CPU), 32000);
      assert_int_equal(ks_resource_list_get(&ev.node->capacity, KS_RESOURCE_MEMORY), 16 * GIB);
      assert_false(ev.node->unschedulable);
      break;
    case 2: /* created before the trace: at 0; runs until 30 s */
      assert_int_equal(ks_resource_list_get(&c->requests, KS_RESOURCE_CPU), 1000);
      assert_int_equal(ks_resource_list_get(&c->requests, KS_RESOURCE_MEMORY), 8 * GIB);
      assert_int_equal(timing.run_time_us, 30000000);
      assert_string_equal(ks_labels_get(&ev.pod->labels, "ksim.io/job"), "7");
      assert_string_equal(ks_labels_get(&ev.pod->labels, "ksim.io/task"), "1");
      break;
    case 3: /* Running at the end: no run time */
      assert_int_equal(timing.run_time_us, KS_RUN_TIME_FOREVER);
      assert_string_equal(ks_labels_get(&ev.pod->annotations, "ksim.io/trace-status"), "Running");
      break;
    case 4: /* soft error: cordoned, capacity kept */
      assert_true(ev.node->unschedulable);
      assert_int_equal(ks_resource_list_get(&ev.node->capacity, KS_RESOURCE_CPU), 64000);
      assert_string_equal(ks_labels_get(&ev.node->annotations, "ksim.io/machine-status"),
                          "agent failure");
      break;
    case 5: /* 50 = half a core; 0.5 of 64Gi; 60 s */
      assert_int_equal(ks_resource_list_get(&c->requests, KS_RESOURCE_CPU), 500);
      assert_int_equal(ks_resource_list_get(&c->limits, KS_RESOURCE_MEMORY), 32 * GIB);
      assert_int_equal(timing.run_time_us, 60000000);
      break;
    case 7: /* back in service */
    case 8: /* a hard error cordons by default */
      assert_true(ev.node->unschedulable == (i == 8));
      break;
    }
  }
  trace_test_expect_end(src, &ev);

  /* pods=task: one pod per task, the instance count as an annotation;
   * harderror=remove: node-remove. */
  const char *const per_task[] = {"pods=task", "harderror=remove", NULL};
  Totals t = read_all(dir, KS_TRACE_BAD_ROWS_FAIL, per_task, NULL);
  assert_int_equal(t.pods, 3);
  assert_int_equal(t.instances, 2 + 1 + 1);
  assert_int_equal(t.pod_cpu, 500 + 1000 + 400);
  assert_int_equal(t.removes, 1);
  assert_int_equal(t.updates, 2);
  assert_true(t.sorted);
  /* The batch_task file alone: the default cluster of nodes x node-cpu. */
  char *file = g_build_filename(dir, "batch_task.csv", NULL);
  const char *const cluster[] = {"nodes=3", "node-cpu=8", NULL};
  t = read_all(file, KS_TRACE_BAD_ROWS_FAIL, cluster, NULL);
  g_free(file);
  trace_test_rm_tree(dir);
  /* The file is the only table when it has no sibling server_event. */
  dir = g_dir_make_tmp("ksim-v2017-XXXXXX", NULL);
  trace_test_write_file(dir, "batch_task.csv", hand_tasks);
  file = g_build_filename(dir, "batch_task.csv", NULL);
  t = read_all(file, KS_TRACE_BAD_ROWS_FAIL, cluster, NULL);
  assert_int_equal(t.adds, 3);
  assert_int_equal(t.node_cpu, 3 * 8000);
  assert_int_equal(t.pods, 4);
  g_free(file);
  trace_test_rm_tree(dir);
}

/* ---- the sample ------------------------------------------------------------------ */

static void test_sample(void **state) {
  (void)state;
  char *src = trace_test_source_dir();
  char *dir = g_build_filename(src, "traces", "samples", "alibaba-v2017", NULL);
  Totals t = read_all(dir, KS_TRACE_BAD_ROWS_FAIL, NULL, NULL);
  /* Independently: instances and cpu of the tasks with a request. */
  char *p = g_build_filename(dir, "batch_task.csv", NULL), *text = NULL;
  assert_true(g_file_get_contents(p, &text, NULL, NULL));
  char **lines = g_strsplit(text, "\n", -1);
  guint64 instances = 0, rows = 0;
  gint64 cpu = 0;
  for (char **l = lines; *l; l++) {
    if (!**l)
      continue;
    rows++;
    char **f = g_strsplit(*l, ",", -1);
    if (f[6][0]) {
      guint64 n = g_ascii_strtoull(f[4], NULL, 10);
      instances += n;
      cpu += (gint64)n * g_ascii_strtoll(f[6], NULL, 10) * 10;
    }
    g_strfreev(f);
  }
  assert_int_equal(rows, 300);
  assert_int_equal(t.pods, instances);
  assert_int_equal(t.pod_cpu, cpu);
  assert_true(t.sorted);
  assert_true(t.adds >= 4);
  g_strfreev(lines);
  g_free(text);
  g_free(p);
  /* The sample is what the synth writes for seed 1 and 300 tasks. */
  char *again = g_dir_make_tmp("ksim-v2017-XXXXXX", NULL);
  GError *error = NULL;
  assert_true(ks_trace_format_alibaba_v2017.synth(again, 1, 300, &error));
  const char *const tables[] = {"batch_task.csv", "server_event.csv"};
  trace_test_assert_same_files(dir, again, tables, G_N_ELEMENTS(tables));
  trace_test_rm_tree(again);
  g_free(dir);
  g_free(src);
}

/* ---- the real table ---------------------------------------------------------------- */

static void test_real(void **state) {
  (void)state;
  char *src = trace_test_source_dir();
  char *path = g_build_filename(src, "..", "shared", "traces", "alibaba-v2017", "batch_task.csv", NULL);
  g_free(src);
  if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
    g_free(path);
    skip();
  }
  /* tr -d '\r' < batch_task.csv | awk -F, 'NR>1 && !($7=="" && $8==""){n++; c+=$7; i+=$5;
   *   if($6=="Terminated"||$6=="Failed"){cr=($1>0)?$1:0; md=($2>0)?$2:0; r=md-cr; if(r<0)r=0;
   *   rt+=r; e++}} END{print n, c, i, e, rt}'  -> 71536 4471015 11059704 68128 13001528 */
  const char *const params[] = {"pods=task", NULL};
  Totals t = read_all(path, KS_TRACE_BAD_ROWS_FAIL, params, NULL);
  assert_int_equal(t.adds, KS_ALIBABA_V2017_DEFAULT_NODES);
  assert_int_equal(t.node_cpu, (gint64)KS_ALIBABA_V2017_DEFAULT_NODES * 64000);
  assert_int_equal(t.pods, 71536);
  assert_int_equal(t.pod_cpu, (gint64)4471015 * 10);
  assert_int_equal(t.instances, 11059704);
  assert_int_equal(t.run_times, 68128);
  assert_int_equal(t.run_us, (gint64)13001528 * G_USEC_PER_SEC);
  /* 5,214 rows are earlier than the row before them; the default window
   * holds the whole table, so the output is sorted. */
  assert_true(t.sorted);
  g_free(path);
}

/* ---- bad inputs --------------------------------------------------------------------- */

typedef struct {
  const char *dir;
  const char *param;
  const char *message; /* after "<dir>/" */
  KsTraceError code;
  guint64 skipped, pods;
} BadCase;

static const BadCase bad_cases[] = {
    {"task-bad-cpu", NULL, "batch_task.csv:2: column plan_cpu: \"fifty\" is not a number",
     KS_TRACE_ERROR_FORMAT, 1, 3},
    {"task-mem-range", NULL, "batch_task.csv:2: column plan_mem: 1.5 is not in 0..1",
     KS_TRACE_ERROR_FORMAT, 1, 3},
    {"task-ended-early", NULL, "batch_task.csv:2: column modify_timestamp: 15 is before create_timestamp 20",
     KS_TRACE_ERROR_FORMAT, 1, 3},
    {"task-short-row", NULL,
     "batch_task.csv:2: column task_id: missing: the row has only 3 fields, expected an integer",
     KS_TRACE_ERROR_FORMAT, 1, 3},
    {"task-out-of-order", "sort-window=1",
     "batch_task.csv:3: column create_timestamp: 5.000000 s is before 30.000000 s, already "
     "replayed: the table is out of time order by more than sort-window=1 events (sort it: sort "
     "-t, -k1,1n)",
     KS_TRACE_ERROR_ORDER, 1, 3},
    {"event-bad-type", NULL, "server_event.csv:3: column event_type: \"reboot\" is not add, softerror or harderror",
     KS_TRACE_ERROR_FORMAT, 1, 3},
    {"event-error-before-add", NULL,
     "server_event.csv:2: column event_type: softerror for machine 2 before its add event",
     KS_TRACE_ERROR_FORMAT, 1, 3},
    {"event-bad-memory", NULL, "server_event.csv:2: column memory: 69 is not in 0..1",
     KS_TRACE_ERROR_FORMAT, 1, 3},
};

static void test_bad_rows(void **state) {
  (void)state;
  char *src = trace_test_source_dir();
  for (gsize k = 0; k < G_N_ELEMENTS(bad_cases); k++) {
    const BadCase *c = &bad_cases[k];
    char *dir = g_build_filename(src, "tests", "traces", "data", "alibaba", "v2017", c->dir, NULL);
    const char *const params[] = {"nodes=1", c->param, NULL};
    KsTraceOpenOptions opts = {KS_TRACE_BAD_ROWS_FAIL, params};
    char *want = g_strdup_printf("%s/%s", dir, c->message);
    trace_test_expect_read_error(ks_alibaba_v2017_open(dir, &opts, NULL), want, c->code, c->dir);
    guint64 skipped = 0;
    Totals t = read_all(dir, KS_TRACE_BAD_ROWS_SKIP, params, &skipped);
    assert_int_equal(skipped, c->skipped);
    assert_int_equal(t.pods, c->pods);
    g_free(want);
    g_free(dir);
  }
  g_free(src);
}

static void test_open_errors(void **state) {
  (void)state;
  char *dir = g_dir_make_tmp("ksim-v2017-XXXXXX", NULL);
  KsTraceOpenOptions opts = {0};
  GError *error = NULL;
  assert_null(ks_alibaba_v2017_open(dir, &opts, &error));
  char *want = g_strdup_printf("%s: no batch_task.csv(.gz) in this directory", dir);
  assert_string_equal(error->message, want);
  g_free(want);
  g_clear_error(&error);
  const char *const bad[] = {"pods=job", NULL};
  opts.params = bad;
  assert_null(ks_alibaba_v2017_open(dir, &opts, &error));
  assert_string_equal(error->message, "alibaba-v2017 parameter pods=job: expected instance or task");
  assert_int_equal(error->code, KS_TRACE_ERROR_OPTION);
  g_clear_error(&error);
  trace_test_rm_tree(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hand_made), cmocka_unit_test(test_sample),
      cmocka_unit_test(test_real),      cmocka_unit_test(test_bad_rows),
      cmocka_unit_test(test_open_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
