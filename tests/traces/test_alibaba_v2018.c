/* The alibaba-v2018 importer: a hand-made trace (every table, one of them
 * gzipped) checked event by event with its units, the committed sample
 * against totals summed here by a separate tiny parser, the real
 * machine_meta and machine_usage head in ../shared/traces (skipped when
 * absent) against awk totals, a table of bad rows (message, and the skip
 * count), the parameters, and memory staying flat over a large generated
 * batch_instance table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traces/alibaba_v2018.h"
#include "workloads/annotations.h"
#include "trace_test_util.h"

#define GIB ((gint64)1 << 30)

typedef struct {
  guint64 adds, updates, pods, usages, run_times;
  gint64 node_cpu, pod_cpu, pod_mem, usage_cpu, usage_mem, run_us;
  gboolean sorted;
  gint64 last_us;
} Totals;

static void add_event(gpointer data, const KsTraceEvent *ev) {
  Totals *t = data;
  if (ev->time_us < t->last_us)
    t->sorted = FALSE;
  t->last_us = ev->time_us;
  switch (ev->type) {
  case KS_TRACE_NODE_ADD:
    t->adds++;
    t->node_cpu += ks_resource_list_get(&ev->node->capacity, KS_RESOURCE_CPU);
    break;
  case KS_TRACE_NODE_UPDATE:
    t->updates++;
    break;
  case KS_TRACE_POD_CREATE: {
    const KsContainer *c = &g_array_index(ev->pod->containers, KsContainer, 0);
    t->pods++;
    t->pod_cpu += ks_resource_list_get(&c->requests, KS_RESOURCE_CPU);
    t->pod_mem += ks_resource_list_get(&c->requests, KS_RESOURCE_MEMORY);
    KsPodTiming timing;
    assert_true(ks_pod_read_timing(ev->pod, &timing, NULL));
    if (timing.run_time_us != KS_RUN_TIME_FOREVER) {
      t->run_times++;
      t->run_us += timing.run_time_us;
    }
    break;
  }
  case KS_TRACE_USAGE:
    assert_null(ev->namespace);
    t->usages++;
    t->usage_cpu += ks_resource_list_get(&ev->usage, KS_RESOURCE_CPU);
    t->usage_mem += ks_resource_list_get(&ev->usage, KS_RESOURCE_MEMORY);
    break;
  default:
    fail_msg("unexpected event %s", ks_trace_event_type_to_string(ev->type));
  }
}

static Totals read_all(const char *dir, KsTraceBadRows mode, const char *const *params,
                       guint64 *skipped) {
  Totals t = {.sorted = TRUE, .last_us = G_MININT64};
  guint64 n = trace_test_read_all(&ks_trace_format_alibaba_v2018, dir, mode, params, add_event, &t);
  if (skipped)
    *skipped = n;
  return t;
}

/* Writes the gzip of text to dir/name. */
static void write_gzip(const char *dir, const char *name, const char *text) {
  GBytes *gz = trace_test_gzip_bytes(text, strlen(text));
  gsize len = 0;
  const void *data = g_bytes_get_data(gz, &len);
  g_free(trace_test_put(dir, name, data, (gssize)len));
  g_bytes_unref(gz);
}

/* ---- a hand-made trace --------------------------------------------------------- */

/* Grouped by machine as the real table: m_2 joins at 50 s installing and is
 * in service from 70 s; m_1's second row changes nothing. */
static const char hand_machines[] = "m_1,0,7,3,96,100,USING\n"
                                    "m_1,40,7,3,96,100,USING\n"
                                    "m_2,50,8,3,64,50,IMPORT_INSTALLING\n"
                                    "m_2,70,8,3,64,50,USING\n";
static const char hand_containers[] = "c_1,m_1,10,app_9,allocated,400,800,12.5\n"
                                      "c_1,m_1,12,app_9,started,400,800,12.5\n";
/* ins_2 never started (start 0); ins_3 still runs at the end (end 0). */
static const char hand_instances[] =
    "ins_1,M1,j_1,1,Terminated,20,80,m_1,1,1,30.5,50.5,1.0,2.0\n"
    "ins_2,M1,j_1,1,Waiting,0,0,,,,,,,\n"
    "ins_3,R2_1,j_1,1,Running,60,0,m_2,2,3,100,150,3,4\n";
static const char hand_tasks[] = "M1,2,j_1,1,Terminated,20,80,100,0.5\n"
                                 "R2_1,1,j_1,1,Running,60,0,50,1.0\n";
static const char hand_usage[] = "m_1,30,50,25,,,1,1,1\n"
                                 "m_2,45,10,10,,,1,1,1\n" /* before m_2 joined: dropped */
                                 "m_2,60.5,25,50,,,1,1,1\n";

typedef TraceTestExpected Expected;

static void test_hand_made(void **state) {
  (void)state;
  char *dir = g_dir_make_tmp("ksim-v2018-XXXXXX", NULL);
  write_gzip(dir, "machine_meta.csv.gz", hand_machines);
  trace_test_write_file(dir, "container_meta.csv", hand_containers);
  trace_test_write_file(dir, "batch_instance.csv", hand_instances);
  trace_test_write_file(dir, "batch_task.csv", hand_tasks);
  trace_test_write_file(dir, "machine_usage.csv", hand_usage);
  const char *const params[] = {"machine-memory=100Gi", NULL};
  KsTraceOpenOptions opts = {KS_TRACE_BAD_ROWS_FAIL, params};
  GError *error = NULL;
  KsTraceSource *src = ks_alibaba_v2018_open(dir, &opts, &error);
  assert_non_null(src);
  static const Expected want[] = {
      {KS_TRACE_NODE_ADD, 0, "m_1"},           {KS_TRACE_POD_CREATE, 10000000, "c_1"},
      {KS_TRACE_POD_CREATE, 20000000, "ins_1-1"}, {KS_TRACE_USAGE, 30000000, "m_1"},
      {KS_TRACE_NODE_ADD, 50000000, "m_2"},    {KS_TRACE_POD_CREATE, 60000000, "ins_3-2"},
      {KS_TRACE_USAGE, 60500000, "m_2"},       {KS_TRACE_NODE_UPDATE, 70000000, "m_2"},
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
    case 0: /* 96 cores; memory 100 % of 100Gi; failure domains as labels */
      assert_int_equal(ks_resource_list_get(&ev.node->capacity, KS_RESOURCE_CPU), 96000);
      assert_int_equal(ks_resource_list_get(&ev.node->allocatable, KS_RESOURCE_MEMORY), 100 * GIB);
      assert_string_equal(ks_labels_get(&ev.node->labels, "ksim.io/failure-domain-1"), "7");
      assert_false(ev.node->unschedulable);
      break;
    case 1: /* cpu_request 400 = 4 cores, limit 8; mem 12.5 % of 100Gi */
      assert_int_equal(ks_resource_list_get(&c->requests, KS_RESOURCE_CPU), 4000);
      assert_int_equal(ks_resource_list_get(&c->limits, KS_RESOURCE_CPU), 8000);
      assert_int_equal(ks_resource_list_get(&c->requests, KS_RESOURCE_MEMORY), 12.5 * GIB);
      assert_string_equal(ks_labels_get(&ev.pod->labels, "ksim.io/app-du"), "app_9");
      assert_string_equal(ks_labels_get(&ev.pod->annotations, "ksim.io/trace-node"), "m_1");
      assert_int_equal(timing.run_time_us, KS_RUN_TIME_FOREVER);
      break;
    case 2: /* cpu_max 50.5 -> 505 m; mem_max 2 % of 100Gi; runs 60 s */
      assert_int_equal(ks_resource_list_get(&c->requests, KS_RESOURCE_CPU), 505);
      assert_int_equal(ks_resource_list_get(&c->requests, KS_RESOURCE_MEMORY), 2 * GIB);
      assert_string_equal(ks_labels_get(&ev.pod->labels, "ksim.io/job"), "j_1");
      assert_string_equal(ks_labels_get(&ev.pod->labels, "ksim.io/task"), "M1");
      assert_int_equal(timing.run_time_us, 60000000);
      break;
    case 3: /* 50 % of 96 cores, 25 % of 100Gi */
      assert_int_equal(ks_resource_list_get(&ev.usage, KS_RESOURCE_CPU), 48000);
      assert_int_equal(ks_resource_list_get(&ev.usage, KS_RESOURCE_MEMORY), 25 * GIB);
      break;
    case 4: /* installing: cordoned; 64 cores, 50 % of 100Gi */
      assert_true(ev.node->unschedulable);
      assert_int_equal(ks_resource_list_get(&ev.node->capacity, KS_RESOURCE_CPU), 64000);
      assert_int_equal(ks_resource_list_get(&ev.node->capacity, KS_RESOURCE_MEMORY), 50 * GIB);
      assert_string_equal(ks_labels_get(&ev.node->annotations, "ksim.io/machine-status"),
                          "IMPORT_INSTALLING");
      break;
    case 5: /* still running at the end: no run time */
      assert_int_equal(timing.run_time_us, KS_RUN_TIME_FOREVER);
      assert_int_equal(ks_resource_list_get(&c->requests, KS_RESOURCE_CPU), 1500);
      break;
    case 6: /* 25 % of 64 cores, 50 % of 50Gi */
      assert_int_equal(ks_resource_list_get(&ev.usage, KS_RESOURCE_CPU), 16000);
      assert_int_equal(ks_resource_list_get(&ev.usage, KS_RESOURCE_MEMORY), 25 * GIB);
      break;
    case 7:
      assert_false(ev.node->unschedulable);
      break;
    }
  }
  trace_test_expect_end(src, &ev);

  /* batch=tasks: instance_num pods per task with plan_cpu / plan_mem. */
  const char *const tasks[] = {"batch=tasks", "machine-memory=100Gi", "usage=false", NULL};
  Totals t = read_all(dir, KS_TRACE_BAD_ROWS_FAIL, tasks, NULL);
  assert_int_equal(t.pods, 1 + 2 + 1);
  assert_int_equal(t.pod_cpu, 4000 + 2 * 1000 + 500);
  assert_int_equal(t.pod_mem, 12.5 * GIB + 2 * GIB / 2 + 1 * GIB);
  assert_int_equal(t.run_times, 2);
  assert_int_equal(t.run_us, 2 * 60000000);
  assert_int_equal(t.usages, 0);
  const char *const none[] = {"batch=none", NULL};
  t = read_all(dir, KS_TRACE_BAD_ROWS_FAIL, none, NULL);
  assert_int_equal(t.pods, 1);
  assert_int_equal(t.usages, 2);
  trace_test_rm_tree(dir);
}

/* ---- the sample ------------------------------------------------------------------ */

/* Sum of column col (a number) over the rows of a headerless CSV, and the
 * row count; with min_col >= 0 only rows whose column min_col is > 0. */
static double sum_column(const char *dir, const char *name, guint col, gint min_col,
                         guint64 *rows) {
  char *p = g_build_filename(dir, name, NULL), *text = NULL;
  assert_true(g_file_get_contents(p, &text, NULL, NULL));
  char **lines = g_strsplit(text, "\n", -1);
  double sum = 0;
  *rows = 0;
  for (char **l = lines; *l; l++) {
    if (!**l)
      continue;
    char **f = g_strsplit(*l, ",", -1);
    if (min_col < 0 || g_ascii_strtod(f[min_col], NULL) > 0) {
      sum += g_ascii_strtod(f[col], NULL);
      (*rows)++;
    }
    g_strfreev(f);
  }
  g_strfreev(lines);
  g_free(text);
  g_free(p);
  return sum;
}

static void test_sample(void **state) {
  (void)state;
  char *src = trace_test_source_dir();
  char *dir = g_build_filename(src, "traces", "samples", "alibaba-v2018", NULL);
  Totals t = read_all(dir, KS_TRACE_BAD_ROWS_FAIL, NULL, NULL);
  guint64 rows = 0, containers = 0, instances = 0;
  /* Each container has two rows (allocated, started), one pod. */
  sum_column(dir, "container_meta.csv", 5, -1, &containers);
  double inst_cpu = sum_column(dir, "batch_instance.csv", 11, 5, &instances);
  double cont_cpu = sum_column(dir, "container_meta.csv", 5, -1, &rows);
  assert_int_equal(t.pods, containers / 2 + instances);
  assert_int_equal(t.pods, 300);
  /* CPU 100 = 1 core: millicores = 10 x value (cpu_max has 2 decimals). */
  double want_cpu = cont_cpu / 2 * 10 + inst_cpu * 10;
  assert_true(t.pod_cpu > want_cpu - instances && t.pod_cpu < want_cpu + instances);
  sum_column(dir, "machine_meta.csv", 4, -1, &rows);
  assert_true(t.adds > 0 && t.adds <= rows);
  double usage_cpu = sum_column(dir, "machine_usage.csv", 2, -1, &rows);
  assert_int_equal(t.usages, rows);
  /* every machine has 96 cores: usage millicores = pct x 960 */
  assert_int_equal(t.usage_cpu, (gint64)usage_cpu * 960);
  assert_true(t.sorted);
  /* The sample is what the synth writes for seed 1 and 300 pods. */
  char *again = g_dir_make_tmp("ksim-v2018-XXXXXX", NULL);
  GError *error = NULL;
  assert_true(ks_trace_format_alibaba_v2018.synth(again, 1, 300, &error));
  const char *const tables[] = {"machine_meta.csv", "container_meta.csv", "batch_task.csv",
                                "batch_instance.csv", "machine_usage.csv"};
  trace_test_assert_same_files(dir, again, tables, G_N_ELEMENTS(tables));
  trace_test_rm_tree(again);
  g_free(dir);
  g_free(src);
}

/* ---- the real data ---------------------------------------------------------------- */

static char *real_dir(void) {
  char *src = trace_test_source_dir();
  char *p = g_build_filename(src, "..", "shared", "traces", "alibaba-v2018", NULL);
  g_free(src);
  char *mm = g_build_filename(p, "machine_meta.csv", NULL);
  gboolean ok = g_file_test(mm, G_FILE_TEST_EXISTS);
  g_free(mm);
  if (!ok)
    g_clear_pointer(&p, g_free);
  return p;
}

static gint compare_by_time(gconstpointer a, gconstpointer b) {
  const char *x = strchr(*(const char *const *)a, ','), *y = strchr(*(const char *const *)b, ',');
  double tx = g_ascii_strtod(x + 1, NULL), ty = g_ascii_strtod(y + 1, NULL);
  return tx < ty ? -1 : tx > ty;
}

static void test_real(void **state) {
  (void)state;
  char *real = real_dir();
  if (!real)
    skip();
  /* machine_meta: 4,034 machines of 96 cores; rows that change a machine's
   * status, domains or size after its first:
   *   awk -F, '{k=$1; if(k in s && s[k]!=$3","$4","$5","$6","$7) c++; s[k]=$3","$4","$5","$6","$7}
   *   END{print c}' machine_meta.csv -> 68 */
  char *tmp = g_dir_make_tmp("ksim-v2018-XXXXXX", NULL);
  char *mm = g_build_filename(real, "machine_meta.csv", NULL), *link = g_build_filename(tmp, "machine_meta.csv", NULL);
  assert_int_equal(symlink(mm, link), 0);
  const char *const params[] = {"machine-memory=100Gi", NULL};
  Totals t = read_all(tmp, KS_TRACE_BAD_ROWS_FAIL, params, NULL);
  assert_int_equal(t.adds, 4034);
  assert_int_equal(t.node_cpu, (gint64)4034 * 96000);
  assert_int_equal(t.updates, 68);
  assert_true(t.sorted);
  /* machine_usage (first 100,002 rows) is grouped by machine: sorted here
   * by time first, as docs/traces/alibaba-v2018.md asks (sort -t, -k2,2n).
   *   awk -F, 'NR==FNR{if(!($1 in f)||$2<f[$1])f[$1]=$2; next} {if($2>=f[$1]){n++; c+=$3; m+=$4}}
   *   END{print n, c, m}' machine_meta.csv machine_usage_head100k.csv -> 100002 3477685 8960319 */
  char *head = g_build_filename(real, "machine_usage_head100k.csv", NULL), *text = NULL;
  assert_true(g_file_get_contents(head, &text, NULL, NULL));
  char **lines = g_strsplit(text, "\n", -1);
  GPtrArray *rows = g_ptr_array_new();
  for (char **l = lines; *l; l++)
    if (**l)
      g_ptr_array_add(rows, *l);
  g_ptr_array_sort(rows, compare_by_time);
  char *usage = g_build_filename(tmp, "machine_usage.csv", NULL);
  FILE *f = fopen(usage, "w");
  for (guint i = 0; i < rows->len; i++)
    fprintf(f, "%s\n", (char *)rows->pdata[i]);
  fclose(f);
  t = read_all(tmp, KS_TRACE_BAD_ROWS_FAIL, params, NULL);
  assert_int_equal(t.usages, 100002);
  assert_int_equal(t.usage_cpu, (gint64)3477685 * 960);  /* pct of 96,000 m */
  assert_int_equal(t.usage_mem, (gint64)8960319 * GIB); /* pct of 100Gi */
  assert_true(t.sorted);
  /* Unsorted, the table is out of order beyond the window: an order error
   * that says how to sort it. */
  g_unlink(usage);
  assert_int_equal(symlink(head, usage), 0);
  KsTraceOpenOptions opts = {KS_TRACE_BAD_ROWS_FAIL, params};
  KsTraceSource *src = ks_alibaba_v2018_open(tmp, &opts, NULL);
  assert_non_null(src);
  GError *error = trace_test_drain(src, NULL, NULL);
  assert_non_null(error);
  assert_int_equal(error->code, KS_TRACE_ERROR_ORDER);
  assert_non_null(strstr(error->message, "machine_usage.csv:"));
  assert_non_null(strstr(error->message, "(sort it: sort -t, -k2,2n)"));
  g_clear_error(&error);
  ks_trace_source_free(src);
  g_ptr_array_unref(rows);
  g_strfreev(lines);
  g_free(text);
  g_free(head);
  g_free(usage);
  g_free(mm);
  g_free(link);
  trace_test_rm_tree(tmp);
  g_free(real);
}

/* ---- bad inputs --------------------------------------------------------------------- */

typedef struct {
  const char *dir;     /* under tests/traces/data/alibaba/v2018/ */
  const char *param;   /* or NULL */
  const char *message; /* after "<dir>/" */
  KsTraceError code;
  guint64 skipped, pods, usages;
} BadCase;

static const BadCase bad_cases[] = {
    {"machine-bad-cpu", NULL, "machine_meta.csv:3: column cpu_num: \"x96\" is not an integer",
     KS_TRACE_ERROR_FORMAT, 1, 0, 0},
    {"machine-mem-range", NULL, "machine_meta.csv:3: column mem_size: 101 is not in 0..100",
     KS_TRACE_ERROR_FORMAT, 1, 0, 0},
    {"machine-time-order", NULL,
     "machine_meta.csv:2: column time_stamp: 50 is before this machine's previous row (100): a "
     "machine's rows must be in time order",
     KS_TRACE_ERROR_FORMAT, 1, 0, 0},
    {"machine-short-row", NULL,
     "machine_meta.csv:3: column cpu_num: missing: the row has only 2 fields, expected an integer",
     KS_TRACE_ERROR_FORMAT, 1, 0, 0},
    {"usage-unknown-machine", NULL,
     "machine_usage.csv:2: column machine_id: machine \"m_9\" is not in machine_meta (or "
     "machine_meta has more than sort-window=10000 events: raise it)",
     KS_TRACE_ERROR_FORMAT, 1, 0, 2},
    {"usage-out-of-order", "sort-window=1",
     "machine_usage.csv:3: column time_stamp: 5.000000 s is before 20.000000 s, already replayed: "
     "the table is out of time order by more than sort-window=1 events (sort it: sort -t, -k2,2n)",
     KS_TRACE_ERROR_ORDER, 1, 0, 2},
    {"usage-cpu-range", NULL, "machine_usage.csv:2: column cpu_util_percent: 150 is not in 0..100",
     KS_TRACE_ERROR_FORMAT, 1, 0, 2},
    {"instance-bad-start", NULL, "batch_instance.csv:2: column start_time: \"abc\" is not an integer",
     KS_TRACE_ERROR_FORMAT, 1, 2, 0},
    {"container-bad-mem", NULL, "container_meta.csv:2: column mem_size: -1 is not in 0..100",
     KS_TRACE_ERROR_FORMAT, 1, 2, 0},
    {"task-too-many", NULL, "batch_task.csv:2: column instance_num: 200000 is not in 0..100000",
     KS_TRACE_ERROR_FORMAT, 1, 3, 0},
};

static void test_bad_rows(void **state) {
  (void)state;
  char *src = trace_test_source_dir();
  for (gsize k = 0; k < G_N_ELEMENTS(bad_cases); k++) {
    const BadCase *c = &bad_cases[k];
    char *dir = g_build_filename(src, "tests", "traces", "data", "alibaba", "v2018", c->dir, NULL);
    const char *const params[] = {c->param, NULL};
    KsTraceOpenOptions opts = {KS_TRACE_BAD_ROWS_FAIL, params};
    char *want = g_strdup_printf("%s/%s", dir, c->message);
    trace_test_expect_read_error(ks_alibaba_v2018_open(dir, &opts, NULL), want, c->code, c->dir);
    guint64 skipped = 0;
    Totals t = read_all(dir, KS_TRACE_BAD_ROWS_SKIP, params, &skipped);
    assert_int_equal(skipped, c->skipped);
    assert_int_equal(t.pods, c->pods);
    assert_int_equal(t.usages, c->usages);
    g_free(want);
    g_free(dir);
  }
  g_free(src);
}

static void expect_open_error(const char *dir, const char *param, KsTraceError code, const char *want) {
  const char *const params[] = {param, NULL};
  KsTraceOpenOptions opts = {KS_TRACE_BAD_ROWS_FAIL, params};
  GError *error = NULL;
  assert_null(ks_alibaba_v2018_open(dir, &opts, &error));
  assert_int_equal(error->code, code);
  if (strcmp(error->message, want) != 0)
    fail_msg("got  %s\nwant %s", error->message, want);
  g_clear_error(&error);
}

static void test_open_errors(void **state) {
  (void)state;
  char *dir = g_dir_make_tmp("ksim-v2018-XXXXXX", NULL);
  char *want = g_strdup_printf("%s: no machine_meta.csv(.gz) in this directory (an alibaba-v2018 "
                               "trace needs at least machine_meta)",
                               dir);
  expect_open_error(dir, NULL, KS_TRACE_ERROR_IO, want);
  g_free(want);
  trace_test_write_file(dir, "machine_meta.csv", "m_1,0,1,1,96,100,USING\n");
  char *file = g_build_filename(dir, "machine_meta.csv", NULL);
  want = g_strdup_printf("%s: not a directory (an alibaba-v2018 trace is the directory of its CSV tables)",
                         file);
  expect_open_error(file, NULL, KS_TRACE_ERROR_IO, want);
  g_free(want);
  g_free(file);
  expect_open_error(dir, "machine-memory=lots", KS_TRACE_ERROR_OPTION,
                    "alibaba-v2018 parameter machine-memory=lots: expected a positive quantity such as 384Gi");
  expect_open_error(dir, "batch=jobs", KS_TRACE_ERROR_OPTION,
                    "alibaba-v2018 parameter batch=jobs: expected instances, tasks or none");
  expect_open_error(dir, "nodes=x", KS_TRACE_ERROR_OPTION,
                    "trace format alibaba-v2018 has no parameter \"nodes\" (known: machine-memory, "
                    "max-pods, sort-window, batch, usage, max-instances)");
  /* The default machine memory: 384 GiB for a normalised 100. */
  Totals t = read_all(dir, KS_TRACE_BAD_ROWS_FAIL, NULL, NULL);
  assert_int_equal(t.adds, 1);
  trace_test_rm_tree(dir);
}

/* ---- memory on a large table ---------------------------------------------------------- */

/* 400,000 batch instances (~40 MB): the resident memory after the last
 * event is within 16 MiB of what it was after the first 40,000 (the window
 * and the CSV buffer are all that is held; a reader that kept rows would
 * grow by hundreds of MB). */
static void test_memory_flat(void **state) {
  (void)state;
  if (trace_test_rss_kib() < 0)
    skip();
#ifdef TRACE_TEST_ASAN
  /* AddressSanitizer holds freed memory in quarantine: resident memory
   * says nothing about what the reader keeps. */
  skip();
#endif
  const guint64 n = 400000;
  char *dir = g_dir_make_tmp("ksim-v2018-XXXXXX", NULL);
  trace_test_write_file(dir, "machine_meta.csv", "m_1,0,1,1,96,100,USING\n");
  char *path = g_build_filename(dir, "batch_instance.csv", NULL);
  FILE *f = fopen(path, "w");
  for (guint64 i = 0; i < n; i++)
    fprintf(f, "ins_%" G_GUINT64_FORMAT ",M1,j_%" G_GUINT64_FORMAT ",1,Terminated,%" G_GUINT64_FORMAT
               ",%" G_GUINT64_FORMAT ",m_1,1,1,40.5,55.25,0.8,1.2\n",
            i, i / 8, 1 + i / 4, 100 + i / 4);
  fclose(f);
  KsTraceOpenOptions opts = {0};
  GError *error = NULL;
  KsTraceSource *src = ks_alibaba_v2018_open(dir, &opts, &error);
  assert_non_null(src);
  KsTraceEvent ev;
  ks_trace_event_init(&ev);
  guint64 pods = 0;
  gint64 early = 0, cpu = 0;
  while (ks_trace_source_next(src, &ev, &error)) {
    if (ev.type != KS_TRACE_POD_CREATE)
      continue;
    cpu += ks_resource_list_get(&g_array_index(ev.pod->containers, KsContainer, 0).requests,
                                KS_RESOURCE_CPU);
    if (++pods == n / 10)
      early = trace_test_rss_kib();
  }
  assert_null(error);
  gint64 late = trace_test_rss_kib();
  assert_int_equal(pods, n);
  assert_int_equal(cpu, (gint64)n * 553); /* cpu_max 55.25 -> 552.5 m, rounded half away */
  print_message("resident memory: %" G_GINT64_FORMAT " KiB after %" G_GUINT64_FORMAT
                " pods, %" G_GINT64_FORMAT " KiB after %" G_GUINT64_FORMAT "\n",
                early, n / 10, late, n);
  if (late - early > 16 * 1024)
    fail_msg("resident memory grew from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT " KiB", early, late);
  ks_trace_event_clear(&ev);
  ks_trace_source_free(src);
  g_free(path);
  trace_test_rm_tree(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hand_made),   cmocka_unit_test(test_sample),
      cmocka_unit_test(test_real),        cmocka_unit_test(test_bad_rows),
      cmocka_unit_test(test_open_errors), cmocka_unit_test(test_memory_flat),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
