/* The openb importer (Alibaba cluster-trace-gpu-v2023): a hand-made trace
 * checked field by field, the committed sample against totals computed by
 * a separate tiny parser here, the real files in ../shared/traces (skipped
 * when absent) against totals computed with awk, sorting of unsorted files,
 * the parameters, and a table of bad rows with their messages and skip
 * counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched/gpu.h"
#include "traces/openb.h"
#include "workloads/annotations.h"
#include "trace_test_util.h"

#define MIB ((gint64)1 << 20)

/* What a whole trace adds up to. */
typedef struct {
  guint64 nodes, pods, deletes, run_times, with_model;
  gint64 node_cpu, node_mem, node_gpus;
  gint64 pod_cpu, pod_mem, pod_gpu_milli, run_us, last_us, first_pod_us;
  gboolean sorted;
} Totals;

/* transfer full; NULL (and the test skipped) when the real data is absent */
static char *real_file(const char *name) {
  char *src = trace_test_source_dir();
  char *p = g_build_filename(src, "..", "shared", "traces", "alibaba-gpu-v2023", "csv", name, NULL);
  g_free(src);
  if (!g_file_test(p, G_FILE_TEST_EXISTS)) {
    g_free(p);
    return NULL;
  }
  return p;
}

static void add_pod(Totals *t, const KsPod *pod, gint64 time_us) {
  const KsContainer *c = &g_array_index(pod->containers, KsContainer, 0);
  t->pods++;
  t->pod_cpu += ks_resource_list_get(&c->requests, KS_RESOURCE_CPU);
  t->pod_mem += ks_resource_list_get(&c->requests, KS_RESOURCE_MEMORY);
  assert_int_equal(ks_resource_list_get(&c->limits, KS_RESOURCE_CPU),
                   ks_resource_list_get(&c->requests, KS_RESOURCE_CPU));
  KsGpuRequest req;
  assert_true(ks_gpu_request_from_pod(pod, &req, NULL));
  t->pod_gpu_milli += ks_gpu_request_total(&req);
  t->with_model += req.n_models > 0;
  KsPodTiming timing;
  assert_true(ks_pod_read_timing(pod, &timing, NULL));
  if (timing.run_time_us != KS_RUN_TIME_FOREVER) {
    t->run_times++;
    t->run_us += timing.run_time_us;
  }
  assert_int_equal(pod->creation_timestamp_us, time_us);
  if (t->pods == 1)
    t->first_pod_us = time_us;
}

static void add_event(gpointer data, const KsTraceEvent *ev) {
  Totals *t = data;
  if (ev->time_us < t->last_us)
    t->sorted = FALSE;
  t->last_us = ev->time_us;
  if (ev->type == KS_TRACE_NODE_ADD) {
    KsGpuNodeSpec spec;
    assert_true(ks_gpu_node_spec(ev->node, &spec, NULL));
    assert_int_equal(t->pods, 0); /* nodes come first */
    t->nodes++;
    t->node_cpu += ks_resource_list_get(&ev->node->allocatable, KS_RESOURCE_CPU);
    t->node_mem += ks_resource_list_get(&ev->node->allocatable, KS_RESOURCE_MEMORY);
    t->node_gpus += spec.count;
  } else if (ev->type == KS_TRACE_POD_CREATE) {
    add_pod(t, ev->pod, ev->time_us);
  } else {
    assert_int_equal(ev->type, KS_TRACE_POD_DELETE);
    assert_string_equal(ev->namespace, "default");
    t->deletes++;
  }
}

/* Reads the whole trace; params NULL-terminated (or NULL). Fails the test
 * on an error. */
static Totals read_all(const char *path, KsTraceBadRows mode, const char *const *params,
                       guint64 *skipped) {
  Totals t = {.sorted = TRUE, .last_us = G_MININT64};
  guint64 n = trace_test_read_all(&ks_trace_format_openb, path, mode, params, add_event, &t);
  if (skipped)
    *skipped = n;
  return t;
}

/* ---- a hand-made trace --------------------------------------------------- */

static const char hand_nodes[] = "sn,cpu_milli,memory_mib,gpu,model\n"
                                 "node-a,96000,393216,8,G2\n"
                                 "node-b,32000,262144,0,\n";
/* Rows out of creation order, a tie (p-3 and p-4 at 100 s, file order
 * kept), a pod deleted while pending (p-2), a share with models (p-1). */
static const char hand_pods[] =
    "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n"
    "p-3,4000,15258,2,1000,,LS,Running,100,400,150\n"
    "p-1,3152,5600,1,470,V100M16|V100M32,BE,Failed,20,50,30\n"
    "p-4,0,0,0,0,,Burstable,Succeeded,100,100,100\n"
    "p-2,1000,1024,1,1000,,LS,Pending,60,90,\n";

typedef TraceTestExpected Expected;

static void expect_sequence(const char *path, const char *const *params, const Expected *want,
                            gsize n) {
  KsTraceOpenOptions opts = {KS_TRACE_BAD_ROWS_FAIL, params};
  GError *error = NULL;
  KsTraceSource *src = ks_openb_open(path, &opts, &error);
  assert_non_null(src);
  KsTraceEvent ev;
  ks_trace_event_init(&ev);
  for (gsize i = 0; i < n; i++) {
    trace_test_expect_next(src, &ev, &want[i]);
  }
  trace_test_expect_end(src, &ev);
}

static void test_hand_made(void **state) {
  (void)state;
  char *dir = g_dir_make_tmp("ksim-openb-XXXXXX", NULL);
  char *nodes = trace_test_put(dir, KS_OPENB_DEFAULT_NODE_FILE, hand_nodes, -1);
  char *pods = trace_test_put(dir, "openb_pod_list_hand.csv", hand_pods, -1);
  const Expected want[] = {
      {KS_TRACE_NODE_ADD, 0, "node-a"},          {KS_TRACE_NODE_ADD, 0, "node-b"},
      {KS_TRACE_POD_CREATE, 20000000, "p-1"},    {KS_TRACE_POD_CREATE, 60000000, "p-2"},
      {KS_TRACE_POD_DELETE, 90000000, "p-2"},    {KS_TRACE_POD_CREATE, 100000000, "p-3"},
      {KS_TRACE_POD_CREATE, 100000000, "p-4"},
  };
  expect_sequence(pods, NULL, want, G_N_ELEMENTS(want));
  /* order=file: every pod at 0 in file order; the pending pod's delete 30 s
   * after its creation. */
  const char *const file_order[] = {"order=file", NULL};
  const Expected want_file[] = {
      {KS_TRACE_NODE_ADD, 0, "node-a"}, {KS_TRACE_NODE_ADD, 0, "node-b"},
      {KS_TRACE_POD_CREATE, 0, "p-3"},  {KS_TRACE_POD_CREATE, 0, "p-1"},
      {KS_TRACE_POD_CREATE, 0, "p-4"},  {KS_TRACE_POD_CREATE, 0, "p-2"},
      {KS_TRACE_POD_DELETE, 30000000, "p-2"},
  };
  expect_sequence(pods, file_order, want_file, G_N_ELEMENTS(want_file));

  /* Field by field. */
  KsTraceOpenOptions opts = {0};
  GError *error = NULL;
  KsTraceSource *src = ks_openb_open(pods, &opts, &error);
  assert_non_null(src);
  KsTraceEvent ev;
  ks_trace_event_init(&ev);
  assert_true(ks_trace_source_next(src, &ev, &error));
  KsGpuNodeSpec spec;
  assert_true(ks_gpu_node_spec(ev.node, &spec, NULL));
  assert_int_equal(spec.count, 8);
  assert_string_equal(g_quark_to_string(spec.model), "G2");
  assert_int_equal(ks_resource_list_get(&ev.node->capacity, KS_RESOURCE_CPU), 96000);
  assert_int_equal(ks_resource_list_get(&ev.node->capacity, KS_RESOURCE_MEMORY), 393216 * MIB);
  assert_int_equal(ks_resource_list_get(&ev.node->allocatable, KS_RESOURCE_PODS), 110);
  assert_string_equal(ks_labels_get(&ev.node->labels, KS_LABEL_HOSTNAME), "node-a");
  assert_true(ks_trace_source_next(src, &ev, &error));
  assert_true(ks_gpu_node_spec(ev.node, &spec, NULL));
  assert_int_equal(spec.count, 0);
  assert_true(ks_trace_source_next(src, &ev, &error)); /* p-1 */
  KsPod *p = ev.pod;
  assert_string_equal(p->namespace, "default");
  assert_int_equal(p->restart_policy, KS_RESTART_NEVER);
  assert_string_equal(ks_labels_get(&p->labels, KS_OPENB_LABEL_QOS), "BE");
  assert_string_equal(ks_labels_get(&p->annotations, KS_OPENB_ANNOTATION_PHASE), "Failed");
  const KsContainer *c = &g_array_index(p->containers, KsContainer, 0);
  assert_int_equal(ks_resource_list_get(&c->requests, KS_RESOURCE_CPU), 3152);
  assert_int_equal(ks_resource_list_get(&c->limits, KS_RESOURCE_MEMORY), 5600 * MIB);
  KsGpuRequest req;
  /* Pods look models up among those nodes declared (gpu.h): declare them. */
  GQuark v100m32 = g_quark_from_string("V100M32"), t4 = g_quark_from_string("T4");
  g_quark_from_string("V100M16");
  assert_true(ks_gpu_request_from_pod(p, &req, NULL));
  assert_int_equal(req.count, 1);
  assert_int_equal(req.milli, 470);
  assert_int_equal(req.n_models, 2);
  assert_true(ks_gpu_model_allowed(&req, v100m32));
  assert_false(ks_gpu_model_allowed(&req, t4));
  KsPodTiming timing;
  assert_true(ks_pod_read_timing(p, &timing, NULL));
  assert_int_equal(timing.run_time_us, 20000000); /* deletion 50 - scheduled 30 */
  assert_true(ks_trace_source_next(src, &ev, &error)); /* p-2: pending, no run time */
  assert_true(ks_pod_read_timing(ev.pod, &timing, NULL));
  assert_int_equal(timing.run_time_us, KS_RUN_TIME_FOREVER);
  assert_true(ks_trace_source_next(src, &ev, &error)); /* delete p-2 */
  assert_true(ks_trace_source_next(src, &ev, &error)); /* p-3 */
  assert_true(ks_gpu_request_from_pod(ev.pod, &req, NULL));
  assert_int_equal(req.count, 2);
  assert_int_equal(req.milli, 1000);
  assert_int_equal(req.n_models, 0);
  assert_true(ks_pod_read_timing(ev.pod, &timing, NULL));
  assert_int_equal(timing.run_time_us, 250000000);
  assert_true(ks_trace_source_next(src, &ev, &error)); /* p-4: no GPU, runs 0 s */
  assert_true(ks_gpu_request_from_pod(ev.pod, &req, NULL));
  assert_int_equal(req.count, 0);
  assert_true(ks_pod_read_timing(ev.pod, &timing, NULL));
  assert_int_equal(timing.run_time_us, 0);
  ks_trace_event_clear(&ev);
  ks_trace_source_free(src);

  /* run-time=created: deletion - creation, no deletes; none: no run times. */
  const char *const created[] = {"run-time=created", "max-pods=16", NULL};
  Totals t = read_all(pods, KS_TRACE_BAD_ROWS_FAIL, created, NULL);
  assert_int_equal(t.deletes, 0);
  assert_int_equal(t.run_times, 4);
  assert_int_equal(t.run_us, (300 + 30 + 0 + 30) * G_USEC_PER_SEC);
  const char *const none[] = {"run-time=none", NULL};
  t = read_all(pods, KS_TRACE_BAD_ROWS_FAIL, none, NULL);
  assert_int_equal(t.deletes + t.run_times, 0);
  assert_int_equal(t.pods, 4);
  const char *const no_nodes[] = {"nodes=none", NULL};
  t = read_all(pods, KS_TRACE_BAD_ROWS_FAIL, no_nodes, NULL);
  assert_int_equal(t.nodes, 0);
  assert_int_equal(t.pods, 4);
  g_free(nodes);
  g_free(pods);
  trace_test_rm_tree(dir);
}

/* ---- the committed sample -------------------------------------------------- */

/* Sums column `col` of a plain (unquoted) CSV with a header, independently
 * of the importer; with `filter_col` >= 0 only rows whose filter column is
 * non-empty (or, with product, sums col x filter). */
static gint64 sum_column(const char *path, guint col, gint filter_col, gboolean product,
                         guint64 *rows) {
  char *text = NULL;
  assert_true(g_file_get_contents(path, &text, NULL, NULL));
  char **lines = g_strsplit(text, "\n", -1);
  gint64 sum = 0;
  *rows = 0;
  for (char **l = lines + 1; *l; l++) {
    if (!**l)
      continue;
    char **f = g_strsplit(*l, ",", -1);
    gint64 v = g_ascii_strtoll(f[col], NULL, 10);
    if (filter_col < 0) {
      sum += v;
      (*rows)++;
    } else if (product) {
      gint64 w = g_ascii_strtoll(f[filter_col], NULL, 10);
      sum += w > 0 ? v * w : 0;
      (*rows)++;
    } else if (f[filter_col][0]) {
      sum += v;
      (*rows)++;
    }
    g_strfreev(f);
  }
  g_strfreev(lines);
  g_free(text);
  return sum;
}

static void test_sample(void **state) {
  (void)state;
  char *src = trace_test_source_dir();
  char *pods = g_build_filename(src, "traces", "samples", "openb", "openb_pod_list_default.csv", NULL);
  char *nodes = g_build_filename(src, "traces", "samples", "openb", KS_OPENB_DEFAULT_NODE_FILE, NULL);
  Totals t = read_all(pods, KS_TRACE_BAD_ROWS_FAIL, NULL, NULL);
  guint64 rows = 0, n = 0;
  assert_int_equal(t.node_cpu, sum_column(nodes, 1, -1, FALSE, &rows));
  assert_int_equal(t.nodes, rows);
  assert_int_equal(t.node_mem, sum_column(nodes, 2, -1, FALSE, &rows) * MIB);
  assert_int_equal(t.node_gpus, sum_column(nodes, 3, -1, FALSE, &rows));
  assert_int_equal(t.pod_cpu, sum_column(pods, 1, -1, FALSE, &rows));
  assert_int_equal(t.pods, rows);
  assert_int_equal(rows, 300);
  assert_int_equal(t.pod_mem, sum_column(pods, 2, -1, FALSE, &rows) * MIB);
  assert_int_equal(t.pod_gpu_milli, sum_column(pods, 4, 3, TRUE, &rows));
  /* run time = deletion - scheduled over the scheduled pods; the others
   * (pending) are deleted at deletion_time. */
  gint64 deleted = sum_column(pods, 9, 10, FALSE, &n);
  gint64 scheduled = sum_column(pods, 10, 10, FALSE, &n);
  assert_int_equal(t.run_times, n);
  assert_int_equal(t.run_us, (deleted - scheduled) * G_USEC_PER_SEC);
  assert_int_equal(t.deletes, 300 - n);
  assert_true(t.sorted);
  /* The sample is what the synth writes for seed 1 and 300 pods. */
  char *dir = g_dir_make_tmp("ksim-openb-XXXXXX", NULL);
  char *again = g_build_filename(dir, "openb_pod_list_default.csv", NULL);
  GError *error = NULL;
  assert_true(ks_trace_format_openb.synth(again, 1, 300, &error));
  trace_test_assert_same_file(pods, again);
  char *again_nodes = g_build_filename(dir, KS_OPENB_DEFAULT_NODE_FILE, NULL);
  trace_test_assert_same_file(nodes, again_nodes);
  /* Another seed, other bytes. */
  char *a = NULL, *b = NULL;
  assert_true(ks_trace_format_openb.synth(again, 2, 300, &error));
  assert_true(g_file_get_contents(again, &b, NULL, NULL));
  assert_true(g_file_get_contents(pods, &a, NULL, NULL));
  assert_string_not_equal(a, b);
  g_free(a);
  g_free(b);
  g_free(again_nodes);
  g_free(again);
  trace_test_rm_tree(dir);
  g_free(pods);
  g_free(nodes);
  g_free(src);
}

/* A large synthetic trace keeps the real one's shape: 8,152 pods over
 * 1,213 nodes, ~13 % CPU-only pods, ~38 % GPU shares (real: 1,088 and
 * 3,078 of 8,152). */
static void test_synth_statistics(void **state) {
  (void)state;
  char *dir = g_dir_make_tmp("ksim-openb-XXXXXX", NULL);
  char *path = g_build_filename(dir, "openb_pod_list_default.csv", NULL);
  GError *error = NULL;
  assert_true(ks_openb_synth(path, 7, 8152, &error));
  Totals t = read_all(path, KS_TRACE_BAD_ROWS_FAIL, NULL, NULL);
  assert_int_equal(t.pods, 8152);
  assert_int_equal(t.nodes, 1213);
  /* Mean request per pod within 10 % of the real 10,480 mCPU (85,436,012 /
   * 8,152) and of the real 747 milli-GPU (6,086,800 / 8,152). */
  double cpu = (double)t.pod_cpu / 8152, gpu = (double)t.pod_gpu_milli / 8152;
  assert_true(cpu > 10480 * 0.9 && cpu < 10480 * 1.1);
  assert_true(gpu > 747 * 0.9 && gpu < 747 * 1.1);
  /* Pending share: real 897 / 8,152 = 11 %. */
  assert_true(t.deletes > 8152 * 8 / 100 && t.deletes < 8152 * 14 / 100);
  assert_true(t.sorted);
  g_free(path);
  trace_test_rm_tree(dir);
}

/* ---- the real data set ------------------------------------------------------- */

static void test_real_default(void **state) {
  (void)state;
  char *pods = real_file("openb_pod_list_default.csv");
  if (!pods)
    skip();
  Totals t = read_all(pods, KS_TRACE_BAD_ROWS_FAIL, NULL, NULL);
  /* awk -F, 'NR>1{n++; c+=$2; m+=$3; g+=$4} END{print n,c,m,g}' openb_node_list_gpu_node.csv
   *   -> 1213 107018000 503828480 6212 */
  assert_int_equal(t.nodes, 1213);
  assert_int_equal(t.node_cpu, 107018000);
  assert_int_equal(t.node_mem, 503828480 * MIB);
  assert_int_equal(t.node_gpus, 6212);
  /* awk -F, 'NR>1{n++; c+=$2; m+=$3; if($4>0) gm+=$4*$5; if($11!=""){rt+=$10-$11; s++} else p++;
   *   if($9>mx)mx=$9} END{print n,c,m,gm,s,rt,p,mx}' openb_pod_list_default.csv
   *   -> 8152 85436012 303546211 6086800 7255 210028342 897 12901761 */
  assert_int_equal(t.pods, 8152);
  assert_int_equal(t.pod_cpu, 85436012);
  assert_int_equal(t.pod_mem, 303546211 * MIB);
  assert_int_equal(t.pod_gpu_milli, 6086800);
  assert_int_equal(t.run_times, 7255);
  assert_int_equal(t.run_us, (gint64)210028342 * G_USEC_PER_SEC);
  assert_int_equal(t.deletes, 897);
  assert_true(t.sorted);
  assert_int_equal(t.first_pod_us, 0);
  g_free(pods);
}

static void test_real_all_nodes_and_multigpu(void **state) {
  (void)state;
  char *pods = real_file("openb_pod_list_multigpu50.csv");
  char *nodes = real_file("openb_node_list_all_node.csv");
  if (!pods || !nodes) {
    g_free(pods);
    g_free(nodes);
    skip();
  }
  char *param = g_strdup_printf("nodes=%s", nodes);
  const char *const params[] = {param, NULL};
  Totals t = read_all(pods, KS_TRACE_BAD_ROWS_FAIL, params, NULL);
  /* awk -F, 'NR>1{n++; c+=$2; m+=$3; g+=$4} END{print n,c,m,g}' openb_node_list_all_node.csv
   *   -> 1523 125514000 612028416 6212 */
  assert_int_equal(t.nodes, 1523);
  assert_int_equal(t.node_cpu, 125514000);
  assert_int_equal(t.node_mem, 612028416 * MIB);
  assert_int_equal(t.node_gpus, 6212);
  /* The multigpu files have 5 columns (no times): every pod at 0, no run
   * time. awk -F, 'NR>1{n++; c+=$2; m+=$3; if($4>0) gm+=$4*$5} END{print n,c,m,gm}'
   *   openb_pod_list_multigpu50.csv -> 9061 137776412 530427459 11358800 */
  assert_int_equal(t.pods, 9061);
  assert_int_equal(t.pod_cpu, 137776412);
  assert_int_equal(t.pod_mem, 530427459 * MIB);
  assert_int_equal(t.pod_gpu_milli, 11358800);
  assert_int_equal(t.last_us, 0);
  assert_int_equal(t.run_times + t.deletes, 0);
  g_free(param);
  g_free(pods);
  g_free(nodes);
}

static void test_real_unsorted_and_gpuspec(void **state) {
  (void)state;
  char *pods = real_file("openb_pod_list_gpushare40.csv");
  char *spec = real_file("openb_pod_list_gpuspec33.csv");
  if (!pods || !spec) {
    g_free(pods);
    g_free(spec);
    skip();
  }
  /* 3,518 rows of gpushare40 are earlier than the row before them:
   * awk -F, 'NR>2 && $9+0<p{u++} {p=$9+0} END{print u}' -> 3518 */
  Totals t = read_all(pods, KS_TRACE_BAD_ROWS_FAIL, NULL, NULL);
  assert_int_equal(t.pods, 8152);
  assert_true(t.sorted);
  /* With a tiny window the file cannot be sorted: an order error in fail
   * mode, skipped rows in skip mode (every pod accounted for). */
  const char *const small[] = {"sort-window=10", NULL};
  KsTraceOpenOptions opts = {KS_TRACE_BAD_ROWS_FAIL, small};
  KsTraceSource *src = ks_openb_open(pods, &opts, NULL);
  assert_non_null(src);
  GError *error = trace_test_drain(src, NULL, NULL);
  assert_non_null(error);
  assert_int_equal(error->code, KS_TRACE_ERROR_ORDER);
  assert_non_null(strstr(error->message, ": column creation_time: "));
  assert_non_null(strstr(error->message, "sort-window=10"));
  g_clear_error(&error);
  ks_trace_source_free(src);
  guint64 skipped = 0;
  t = read_all(pods, KS_TRACE_BAD_ROWS_SKIP, small, &skipped);
  assert_true(skipped > 0);
  assert_int_equal(t.pods + skipped, 8152);
  assert_true(t.sorted);
  /* awk -F, 'NR>1 && $6!=""{n++} END{print n}' openb_pod_list_gpuspec33.csv -> 2388 */
  t = read_all(spec, KS_TRACE_BAD_ROWS_FAIL, NULL, NULL);
  assert_int_equal(t.with_model, 2388);
  g_free(pods);
  g_free(spec);
}

/* ---- bad inputs ------------------------------------------------------------ */

typedef struct {
  const char *file;       /* under tests/traces/data/alibaba/openb/ */
  const char *param;      /* one extra parameter or NULL */
  const char *message;    /* after "<path>:" of the file named in `where` */
  const char *where;      /* the file the message names (NULL: `file`) */
  guint64 pods_skipping;  /* pods read in skip mode (the good rows) */
  guint64 skipped;
  KsTraceError code;
} BadCase;

static const BadCase bad_cases[] = {
    {"short-row.csv", NULL, "3: column memory_mib: missing: the row has only 2 fields, expected an integer",
     NULL, 2, 1, KS_TRACE_ERROR_FORMAT},
    {"bad-cpu.csv", NULL, "3: column cpu_milli: \"12x\" is not an integer", NULL, 2, 1,
     KS_TRACE_ERROR_FORMAT},
    {"negative-memory.csv", NULL, "3: column memory_mib: -5 is not in 0..8796093022207", NULL, 2, 1,
     KS_TRACE_ERROR_FORMAT},
    {"multi-gpu-share.csv", NULL,
     "3: column gpu_milli: 500 with num_gpu 2: a share of a GPU (< 1000) needs num_gpu 1", NULL, 2, 1,
     KS_TRACE_ERROR_FORMAT},
    {"gpu-milli-range.csv", NULL, "3: column gpu_milli: 1500 is not in 0..1000", NULL, 2, 1,
     KS_TRACE_ERROR_FORMAT},
    {"deleted-before-created.csv", NULL, "3: column deletion_time: 15 is before creation_time 20",
     NULL, 2, 1, KS_TRACE_ERROR_FORMAT},
    {"deleted-before-scheduled.csv", NULL, "3: column deletion_time: 25 is before scheduled_time 27",
     NULL, 2, 1, KS_TRACE_ERROR_FORMAT},
    {"empty-name.csv", NULL, "3: column name: empty pod name", NULL, 2, 1, KS_TRACE_ERROR_FORMAT},
    {"too-many-models.csv", NULL, "3: column gpu_spec: 9 GPU models; at most 8 are allowed", NULL, 2,
     1, KS_TRACE_ERROR_FORMAT},
    {"bad-time.csv", NULL, "3: column creation_time: \"x20\" is not an integer", NULL, 2, 1,
     KS_TRACE_ERROR_FORMAT},
    {"out-of-order.csv", "sort-window=1",
     "4: column creation_time: 5 s is before 30 s, already replayed: rows are out of order by more "
     "than sort-window=1 rows (sort the file by creation_time, or raise sort-window)",
     NULL, 2, 1, KS_TRACE_ERROR_ORDER},
    {"unterminated-quote.csv", NULL, "3: column name: unterminated quoted field", NULL, 1, 1,
     KS_TRACE_ERROR_FORMAT},
    {"good.csv", "nodes=nodes-too-many-gpus.csv", "3: column gpu: 65 is not in 0..64",
     "nodes-too-many-gpus.csv", 2, 1, KS_TRACE_ERROR_FORMAT},
};

static char *fixture(const char *name) {
  char *src = trace_test_source_dir();
  char *p = g_build_filename(src, "tests", "traces", "data", "alibaba", "openb", name, NULL);
  g_free(src);
  return p;
}

static void test_bad_rows(void **state) {
  (void)state;
  for (gsize k = 0; k < G_N_ELEMENTS(bad_cases); k++) {
    const BadCase *c = &bad_cases[k];
    char *path = fixture(c->file);
    char *param = NULL;
    const char *params[3] = {"nodes=none", c->param, NULL};
    if (c->param && g_str_has_prefix(c->param, "nodes=")) {
      char *nodes = fixture(c->param + 6);
      param = g_strdup_printf("nodes=%s", nodes);
      g_free(nodes);
      params[0] = param;
      params[1] = NULL;
    }
    KsTraceOpenOptions opts = {KS_TRACE_BAD_ROWS_FAIL, params};
    char *where = c->where ? fixture(c->where) : g_strdup(path);
    char *want = g_strdup_printf("%s:%s", where, c->message);
    trace_test_expect_read_error(ks_openb_open(path, &opts, NULL), want, c->code, c->file);
    guint64 skipped = 0;
    Totals t = read_all(path, KS_TRACE_BAD_ROWS_SKIP, params, &skipped);
    assert_int_equal(t.pods, c->pods_skipping);
    assert_int_equal(skipped, c->skipped);
    g_free(want);
    g_free(where);
    g_free(param);
    g_free(path);
  }
}

static void expect_open_error(const char *path, const char *const *params, KsTraceError code,
                              const char *want) {
  KsTraceOpenOptions opts = {KS_TRACE_BAD_ROWS_FAIL, params};
  GError *error = NULL;
  assert_null(ks_openb_open(path, &opts, &error));
  assert_non_null(error);
  assert_int_equal(error->code, code);
  if (strcmp(error->message, want) != 0)
    fail_msg("got  %s\nwant %s", error->message, want);
  g_clear_error(&error);
}

static void test_open_errors(void **state) {
  (void)state;
  char *good = fixture("good.csv");
  char *missing = fixture("missing-column.csv");
  const char *const none[] = {"nodes=none", NULL};
  char *want = g_strdup_printf("%s:1: no column \"num_gpu\" in the header (an openb pod list has "
                               "at least name,cpu_milli,memory_mib,num_gpu)",
                               missing);
  expect_open_error(missing, none, KS_TRACE_ERROR_FORMAT, want);
  g_free(want);
  const char *const unknown[] = {"nodes=none", "speed=2", NULL};
  expect_open_error(good, unknown, KS_TRACE_ERROR_OPTION,
                    "trace format openb has no parameter \"speed\" (known: nodes, max-pods, "
                    "sort-window, run-time, order)");
  const char *const run[] = {"run-time=deleted", NULL};
  expect_open_error(good, run, KS_TRACE_ERROR_OPTION,
                    "openb parameter run-time=deleted: expected scheduled, created or none");
  const char *const window[] = {"sort-window=0", NULL};
  KsTraceOpenOptions opts = {KS_TRACE_BAD_ROWS_FAIL, window};
  GError *error = NULL;
  assert_null(ks_openb_open(good, &opts, &error));
  assert_int_equal(error->code, KS_TRACE_ERROR_OPTION);
  assert_true(g_str_has_prefix(error->message, "openb parameter sort-window=0: "));
  g_clear_error(&error);
  /* No node list beside the pod list: say how to give one. */
  char *dir = g_path_get_dirname(good);
  char *nodes = g_build_filename(dir, KS_OPENB_DEFAULT_NODE_FILE, NULL);
  want = g_strdup_printf("%s: no node list beside the pod list; pass nodes=PATH (e.g. "
                         "openb_node_list_all_node.csv) or nodes=none",
                         nodes);
  expect_open_error(good, NULL, KS_TRACE_ERROR_IO, want);
  g_free(want);
  g_free(nodes);
  g_free(dir);
  g_free(good);
  g_free(missing);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hand_made),
      cmocka_unit_test(test_sample),
      cmocka_unit_test(test_synth_statistics),
      cmocka_unit_test(test_real_default),
      cmocka_unit_test(test_real_all_nodes_and_multigpu),
      cmocka_unit_test(test_real_unsorted_and_gpuspec),
      cmocka_unit_test(test_bad_rows),
      cmocka_unit_test(test_open_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
