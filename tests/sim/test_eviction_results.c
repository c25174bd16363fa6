/* Evictions in the results file (/kubelet, docs/results.md) and in `ksim
 * summary`, from whole runs whose evictions are worked out by hand in their
 * scenario files: node pressure (workloads/examples/overcommit.yaml), taint
 * eviction (tests/scenarios/node-failure.yaml), the Eviction API
 * (workloads/examples/rolling-update.yaml's drain), the kubelet's admission
 * and a BestEffort pod kept off a node under memory pressure
 * (tests/scenarios/memory-pressure-scheduling.yaml) and a preemption
 * (tests/scenarios/preemption-eviction.yaml). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib/gstdio.h>
#include <hdf5.h>

#include "sim/controllers/manager.h"
#include "sim/controllers/node_lifecycle.h"
#include "sim/controllers/taint_eviction.h"
#include "sim/engine.h"
#include "sim/kubelet/eviction_record.h"
#include "sim/kubelet/kubelet_results.h"
#include "sim/node_agent.h"
#include "sim/results_read.h"
#include "sim/sched_driver.h"
#include "sim/scheduler_setup.h"
#include "sim/simulation.h"
#include "sim/store.h"
#include "sim/summary.h"
#include "sim/workload_feed.h"
#include "workloads/scenario.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)

#define NP KS_EVICTION_CAUSE_NODE_PRESSURE
#define ADM KS_EVICTION_CAUSE_ADMISSION
#define PRE KS_EVICTION_CAUSE_PREEMPTION

/* A run of `path` (relative to the source tree) with its results. */
typedef struct {
  char *out;
  KsResults *rows;
  KsKubeletResults *k; /* NULL when the file has no /kubelet */
} Run;

static void run(Run *r, const char *path) {
  GError *error = NULL;
  char *full = g_strdup_printf("%s/../../%s", KSIM_TEST_DATA, path);
  KsScenario *s = ks_scenario_load_file(full, &error);
  g_free(full);
  if (!s)
    fail_msg("%s", error->message);
  r->out = g_strdup_printf("%s/ksim-eviction-results-%d.h5", g_get_tmp_dir(), (int)getpid());
  KsRunOptions opts = {.output = r->out};
  KsRunReport report;
  if (!ks_simulation_run(s, &opts, &report, &error))
    fail_msg("run failed: %s", error->message);
  ks_run_report_clear(&report);
  ks_scenario_free(s);
  r->rows = ks_results_read(r->out, &error);
  if (!r->rows)
    fail_msg("%s", error->message);
  r->k = ks_kubelet_results_read(r->out, &error);
  if (error)
    fail_msg("%s", error->message);
}

static void run_clear(Run *r) {
  g_unlink(r->out);
  g_free(r->out);
  ks_results_free(r->rows);
  ks_kubelet_results_free(r->k);
}

/* `ksim summary` of the run. transfer full */
static char *summary(const Run *r, KsSummaryFormat fmt) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  GError *error = NULL;
  if (!ks_summary_print(r->out, fmt, f, &error))
    fail_msg("%s", error->message);
  fclose(f);
  return text;
}

static void assert_contains(const char *hay, const char *needle) {
  if (!strstr(hay, needle))
    fail_msg("\"%s\" not in:\n%s", needle, hay);
}

static const KsKubeletResultRow *row_named(const GArray *a, const char *name) {
  for (guint i = 0; i < a->len; i++)
    if (!strcmp(g_array_index(a, KsKubeletResultRow, i).name, name))
      return &g_array_index(a, KsKubeletResultRow, i);
  fail_msg("no row %s", name);
  return NULL;
}

/* Row r's eviction counts equal want (by cause). */
static void assert_counts(const KsKubeletResultRow *r, const gint64 want[KS_EVICTION_CAUSE_COUNT]) {
  for (guint c = 0; c < KS_EVICTION_CAUSE_COUNT; c++)
    if (r->evictions[c] != want[c])
      fail_msg("%s: evictions_%s = %" G_GINT64_FORMAT ", want %" G_GINT64_FORMAT, r->name,
               ks_eviction_cause_to_string(c), r->evictions[c], want[c]);
}

static const KsKubeletEviction *eviction(const KsKubeletResults *k, guint i) {
  assert_true(i < k->evictions->len);
  return &g_array_index(k->evictions, KsKubeletEviction, i);
}

static const KsPodRow *pod_row(const KsResults *r, const char *name) {
  for (gsize i = 0; i < r->n_pods; i++)
    if (!strcmp(r->pods[i].name, name))
      return &r->pods[i];
  fail_msg("pod %s not in results", name);
  return NULL;
}

/* Every eviction row's pod ended Failed (node pressure, admission) or was
 * deleted (taint manager, Eviction API) at the row's time. */
static void assert_rows_match_pods(const Run *r) {
  for (guint i = 0; i < r->k->evictions->len; i++) {
    const KsKubeletEviction *e = eviction(r->k, i);
    const KsPodRow *p = pod_row(r->rows, e->name);
    KsEvictionCause cause;
    assert_true(ks_eviction_cause_from_string(e->cause, &cause));
    gboolean fails = cause == NP || cause == ADM;
    assert_int_equal(p->outcome, fails ? KS_OUTCOME_FAILED : KS_OUTCOME_DELETED);
    assert_int_equal(p->finished_us, e->time_us);
  }
}

/* ---- cause names ---------------------------------------------------------------------- */

static void test_cause_names(void **state) {
  (void)state;
  static const char *const names[] = {"node_pressure", "admission", "taint_manager",
                                      "eviction_api", "preemption"};
  for (guint c = 0; c < KS_EVICTION_CAUSE_COUNT; c++) {
    KsEvictionCause back = PRE;
    assert_string_equal(ks_eviction_cause_to_string(c), names[c]);
    assert_true(ks_eviction_cause_from_string(names[c], &back));
    assert_int_equal(back, c);
  }
  static const char *const bad[] = {"", "node-pressure", "Node_pressure", "preemption ",
                                    "TerminationByKubelet", "evicted", "taint"};
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    KsEvictionCause out = PRE;
    assert_false(ks_eviction_cause_from_string(bad[i], &out));
    assert_int_equal(out, PRE); /* untouched */
  }
  KsEvictionCause out = PRE;
  assert_false(ks_eviction_cause_from_string(NULL, &out));
}

/* ---- node pressure: workloads/examples/overcommit.yaml -------------------------------- */

/* test_eviction_manager.c works the run out: one web pod per node at 180 s
 * (the ramp at 178 s after its 1 s start: 300Mi + 800Mi * 178 / 240 =
 * 936727893 bytes, available 2Gi - 2 * 936727893 - 200Mi = 64312662) and
 * one per node at 590 s (the survivor at 1100Mi, the replacement at 660Mi:
 * available 88Mi). Nodes in the model's first-seen order. */
static void test_overcommit(void **state) {
  (void)state;
  Run r;
  run(&r, "workloads/examples/overcommit.yaml");
  const KsKubeletResults *k = r.k;
  assert_non_null(k);
  assert_int_equal(k->model_nodes, 3);
  assert_int_equal(k->nodes->len, 3);
  assert_int_equal(k->pods->len, 12); /* 3 cache + 6 web + 3 replacements run */
  static const gint64 none[KS_EVICTION_CAUSE_COUNT] = {0}, two[] = {2, 0, 0, 0, 0},
                      six[] = {6, 0, 0, 0, 0}, one[] = {1, 0, 0, 0, 0};
  assert_counts(row_named(k->qos, "Guaranteed"), none);
  assert_counts(row_named(k->qos, "Burstable"), six);
  assert_counts(row_named(k->qos, "BestEffort"), none);
  static const char *const order[] = {"small-0", "small-2", "small-1"};
  for (guint i = 0; i < 3; i++) {
    const KsKubeletResultRow *n = &g_array_index(k->nodes, KsKubeletResultRow, i);
    assert_string_equal(n->name, order[i]);
    assert_counts(n, two);
  }
  guint evicted_pods = 0;
  for (guint i = 0; i < k->pods->len; i++) {
    const KsKubeletResultRow *p = &g_array_index(k->pods, KsKubeletResultRow, i);
    if (p->evictions[NP]) {
      evicted_pods++;
      assert_counts(p, one);
      assert_int_equal(pod_row(r.rows, p->name)->outcome, KS_OUTCOME_FAILED);
    } else {
      assert_counts(p, none);
    }
  }
  assert_int_equal(evicted_pods, 6);

  const char *first = "The node was low on resource: memory. Threshold quantity: 100Mi, "
                      "available: 64312662. Container web was using 936727893, request is "
                      "512Mi, has larger consumption of memory. ";
  const char *second = "The node was low on resource: memory. Threshold quantity: 100Mi, "
                       "available: 88Mi. Container web was using 1100Mi, request is 512Mi, "
                       "has larger consumption of memory. ";
  assert_int_equal(k->evictions->len, 6);
  for (guint i = 0; i < 6; i++) {
    const KsKubeletEviction *e = eviction(k, i);
    assert_int_equal(e->time_us, i < 3 ? S(180) : S(590));
    assert_true(g_str_has_prefix(e->name, "web-"));
    assert_string_equal(e->namespace, "default");
    assert_string_equal(e->node, order[i % 3]); /* the pass visits the model's nodes in order */
    assert_string_equal(e->qos, "Burstable");
    assert_string_equal(e->cause, "node_pressure");
    assert_string_equal(e->reason, "TerminationByKubelet");
    assert_string_equal(e->message, i < 3 ? first : second);
  }
  assert_rows_match_pods(&r);

  char *text = summary(&r, KS_SUMMARY_TABLE);
  assert_contains(text, "usage-modelled pods  12 on 3 nodes\n");
  assert_contains(text, "evictions            6: Guaranteed 0, Burstable 6, BestEffort 0\n");
  assert_contains(text, "evictions by cause   node_pressure 6, admission 0, taint_manager 0, "
                        "eviction_api 0, preemption 0\n");
  assert_contains(text, "evictions by node    small-0 2, small-2 2, small-1 2\n");
  g_free(text);
  text = summary(&r, KS_SUMMARY_JSON);
  assert_contains(text, "\"evictions\": {\n    \"total\": 6,\n    \"by_cause\": {\n"
                        "      \"node_pressure\": 6,\n      \"admission\": 0,\n"
                        "      \"taint_manager\": 0,\n      \"eviction_api\": 0,\n"
                        "      \"preemption\": 0\n    },\n");
  assert_contains(text, "\"by_node\": {\n      \"small-0\": {\n        \"node_pressure\": 2,\n");
  assert_contains(text, "\"kubelet\": {");
  g_free(text);
  run_clear(&r);
}

/* ---- taint eviction: tests/scenarios/node-failure.yaml -------------------------------- */

/* No usage profile: /kubelet is written for the evictions alone. "short"
 * at 200 s (140 + 60), "plain" and web's pod on n-0 at 440 s (140 + 300),
 * in that order (the taint manager's pods of a node in key order); all
 * Burstable (cpu requests only). */
static void test_node_failure(void **state) {
  (void)state;
  Run r;
  run(&r, "tests/scenarios/node-failure.yaml");
  const KsKubeletResults *k = r.k;
  assert_non_null(k);
  assert_int_equal(k->model_nodes, 0);
  assert_int_equal(k->pods->len, 0);
  assert_int_equal(k->usage->len, 0);
  assert_int_equal(k->nodes->len, 1);
  static const gint64 none[KS_EVICTION_CAUSE_COUNT] = {0}, three[] = {0, 0, 3, 0, 0};
  const KsKubeletResultRow *n = &g_array_index(k->nodes, KsKubeletResultRow, 0);
  assert_string_equal(n->name, "n-0");
  assert_string_equal(n->qos, "");
  assert_int_equal(n->pods, 0);
  assert_int_equal(n->oom_kills, 0);
  assert_counts(n, three);
  assert_counts(row_named(k->qos, "Burstable"), three);
  assert_int_equal(row_named(k->qos, "Burstable")->pods, 0);
  assert_counts(row_named(k->qos, "Guaranteed"), none);
  assert_counts(row_named(k->qos, "BestEffort"), none);
  assert_int_equal(k->evictions->len, 3);
  const gint64 times[] = {S(200), S(440), S(440)};
  for (guint i = 0; i < 3; i++) {
    const KsKubeletEviction *e = eviction(k, i);
    assert_int_equal(e->time_us, times[i]);
    assert_string_equal(e->node, "n-0");
    assert_string_equal(e->qos, "Burstable");
    assert_string_equal(e->cause, "taint_manager");
    assert_string_equal(e->reason, "DeletionByTaintManager");
    assert_string_equal(e->message, "Taint manager: deleting due to NoExecute taint");
  }
  assert_string_equal(eviction(k, 0)->name, "short");
  assert_string_equal(eviction(k, 1)->name, "plain");
  assert_true(g_str_has_prefix(eviction(k, 2)->name, "web-"));
  /* n-0's kubelet is down from 100 s to 600 s: the DELETEs leave the pods
   * Terminating, and they are gone only when it is back (graceful
   * termination, sim/kubelet/pod_termination.h) */
  for (guint i = 0; i < 3; i++) {
    const KsPodRow *p = pod_row(r.rows, eviction(k, i)->name);
    assert_int_equal(p->outcome, KS_OUTCOME_DELETED);
    assert_int_equal(p->finished_us, S(600));
  }
  /* the run's evictions metric counts the same pods */
  const KsResultsAttr *metric = ks_results_attr(r.rows, "evictions");
  assert_non_null(metric);
  assert_int_equal(metric->num, 3);

  char *text = summary(&r, KS_SUMMARY_TABLE);
  assert_null(strstr(text, "usage-modelled pods")); /* no model: no model rows */
  assert_null(strstr(text, "oom kills"));
  assert_contains(text, "evictions            3: Guaranteed 0, Burstable 3, BestEffort 0\n");
  assert_contains(text, "evictions by cause   node_pressure 0, admission 0, taint_manager 3, "
                        "eviction_api 0, preemption 0\n");
  assert_contains(text, "evictions by node    n-0 3\n");
  g_free(text);
  text = summary(&r, KS_SUMMARY_JSON);
  assert_null(strstr(text, "\"kubelet\""));
  assert_contains(text, "\"by_node\": {\n      \"n-0\": {\n        \"node_pressure\": 0,\n"
                        "        \"admission\": 0,\n        \"taint_manager\": 3,\n");
  g_free(text);
  run_clear(&r);
}

/* ---- preemption: tests/scenarios/preemption-eviction.yaml ----------------------------- */

/* "high" (priority 1000) preempts "low" at 30 s: the victim gains upstream's
 * DisruptionTarget condition before it is deleted, so the record counts a
 * preemption; "high" is bound after its 1 s back-off. */
static void test_preemption(void **state) {
  (void)state;
  Run r;
  run(&r, "tests/scenarios/preemption-eviction.yaml");
  const KsKubeletResults *k = r.k;
  assert_non_null(k);
  assert_int_equal(k->model_nodes, 0);
  assert_int_equal(k->nodes->len, 1);
  static const gint64 one[KS_EVICTION_CAUSE_COUNT] = {0, 0, 0, 0, 1},
                      none[KS_EVICTION_CAUSE_COUNT] = {0};
  assert_counts(&g_array_index(k->nodes, KsKubeletResultRow, 0), one);
  assert_counts(row_named(k->qos, "Burstable"), one);
  assert_counts(row_named(k->qos, "BestEffort"), none);
  assert_int_equal(k->evictions->len, 1);
  const KsKubeletEviction *e = eviction(k, 0);
  assert_int_equal(e->time_us, S(30));
  assert_string_equal(e->name, "low");
  assert_string_equal(e->node, "n-0");
  assert_string_equal(e->cause, "preemption");
  assert_string_equal(e->reason, "PreemptionByScheduler");
  assert_string_equal(e->message, "default-scheduler: preempting to accommodate a higher priority pod");
  assert_rows_match_pods(&r);
  assert_int_equal(pod_row(r.rows, "high")->scheduled_us, S(31));
  /* preemptions are their own metric, not evictions */
  assert_int_equal(ks_results_attr(r.rows, "preemptions")->num, 1);
  assert_int_equal(ks_results_attr(r.rows, "evictions")->num, 0);
  run_clear(&r);
}

/* ---- the Eviction API: workloads/examples/rolling-update.yaml's drain ----------------- */

/* kubectl drain pool-2 at 2m30s: the budget lets one of web's two pods on
 * pool-2 go at once, the other at the 5 s retry. */
static void test_drain(void **state) {
  (void)state;
  Run r;
  run(&r, "workloads/examples/rolling-update.yaml");
  const KsKubeletResults *k = r.k;
  assert_non_null(k);
  assert_int_equal(k->model_nodes, 0);
  assert_int_equal(k->evictions->len, 2);
  for (guint i = 0; i < 2; i++) {
    const KsKubeletEviction *e = eviction(k, i);
    assert_int_equal(e->time_us, i ? S(155) : S(150));
    assert_true(g_str_has_prefix(e->name, "web-"));
    assert_string_equal(e->node, "pool-2");
    assert_string_equal(e->cause, "eviction_api");
    assert_string_equal(e->reason, "EvictionByEvictionAPI");
    assert_string_equal(e->message, "Eviction API: evicting");
  }
  static const gint64 two[] = {0, 0, 0, 2, 0};
  assert_counts(row_named(k->nodes, "pool-2"), two);
  assert_rows_match_pods(&r);
  char *text = summary(&r, KS_SUMMARY_TABLE);
  assert_contains(text, "evictions by cause   node_pressure 0, admission 0, taint_manager 0, "
                        "eviction_api 2, preemption 0\n");
  assert_contains(text, "evictions by node    pool-2 2\n");
  g_free(text);
  run_clear(&r);
}

/* ---- neither model nor eviction: no /kubelet ------------------------------------------ */

static void test_no_evictions_no_group(void **state) {
  (void)state;
  Run r;
  run(&r, "workloads/examples/tiny.yaml");
  assert_null(r.k);
  char *text = summary(&r, KS_SUMMARY_TABLE);
  assert_contains(text, "\nevictions            0\n"); /* the metric attribute, no table */
  assert_null(strstr(text, "evictions by"));
  assert_null(strstr(text, "evictions            0:"));
  g_free(text);
  run_clear(&r);
}

/* A /kubelet group without its datasets is refused with the file named. */
static void test_damaged_group(void **state) {
  (void)state;
  char *path = g_strdup_printf("%s/ksim-eviction-damaged-%d.h5", g_get_tmp_dir(), (int)getpid());
  hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  hid_t g = H5Gcreate2(f, "kubelet", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Gclose(g);
  H5Fclose(f);
  GError *error = NULL;
  assert_null(ks_kubelet_results_read(path, &error));
  assert_non_null(error);
  char *want = g_strdup_printf("%s: /kubelet is incomplete or damaged", path);
  assert_string_equal(error->message, want);
  g_free(want);
  g_error_free(error);
  g_unlink(path);
  g_free(path);
}

/* ---- memory pressure: tests/scenarios/memory-pressure-scheduling.yaml ----------------- */

static void test_memory_pressure_results(void **state) {
  (void)state;
  Run r;
  run(&r, "tests/scenarios/memory-pressure-scheduling.yaml");
  const KsPodRow *hog = pod_row(r.rows, "hog"), *be = pod_row(r.rows, "be"),
                 *tol = pod_row(r.rows, "be-tolerant"), *pinned = pod_row(r.rows, "be-pinned");
  assert_int_equal(hog->outcome, KS_OUTCOME_FAILED);
  assert_int_equal(hog->finished_us, S(10));
  /* held Pending by the memory-pressure taint until the condition clears */
  assert_int_equal(be->created_us, S(60));
  assert_int_equal(be->scheduled_us, S(310));
  assert_int_equal(be->started_us, S(311));
  assert_int_equal(be->attempts, 2);
  assert_int_equal(be->outcome, KS_OUTCOME_RUNNING);
  /* tolerating the taint: bound at once, admitted by the kubelet */
  assert_int_equal(tol->scheduled_us, S(60));
  assert_int_equal(tol->started_us, S(61));
  assert_int_equal(tol->outcome, KS_OUTCOME_RUNNING);
  /* bound by spec.nodeName: rejected by the kubelet's admission */
  assert_int_equal(pinned->outcome, KS_OUTCOME_FAILED);
  assert_int_equal(pinned->finished_us, S(60));
  assert_int_equal(pinned->started_us, -1);

  const KsKubeletResults *k = r.k;
  assert_non_null(k);
  assert_int_equal(k->evictions->len, 2);
  const KsKubeletEviction *e = eviction(k, 0);
  assert_int_equal(e->time_us, S(10));
  assert_string_equal(e->name, "hog");
  assert_string_equal(e->node, "n-0");
  assert_string_equal(e->qos, "Burstable");
  assert_string_equal(e->cause, "node_pressure");
  assert_string_equal(e->message, "The node was low on resource: memory. Threshold quantity: "
                                  "100Mi, available: 74Mi. Container hog was using 950Mi, "
                                  "request is 100Mi, has larger consumption of memory. ");
  e = eviction(k, 1);
  assert_int_equal(e->time_us, S(60));
  assert_string_equal(e->name, "be-pinned");
  assert_string_equal(e->node, "n-0");
  assert_string_equal(e->qos, "BestEffort");
  assert_string_equal(e->cause, "admission");
  assert_string_equal(e->reason, "Evicted");
  assert_string_equal(e->message, "The node had condition: [MemoryPressure]. ");
  static const gint64 burstable[] = {1, 0, 0, 0, 0}, best_effort[] = {0, 1, 0, 0, 0},
                      node[] = {1, 1, 0, 0, 0};
  assert_counts(row_named(k->qos, "Burstable"), burstable);
  assert_counts(row_named(k->qos, "BestEffort"), best_effort);
  assert_int_equal(k->model_nodes, 1);
  assert_int_equal(k->nodes->len, 1);
  assert_counts(row_named(k->nodes, "n-0"), node);
  assert_rows_match_pods(&r);
  /* the metric leaves admission rejections out */
  assert_int_equal(ks_results_attr(r.rows, "evictions")->num, 1);
  char *text = summary(&r, KS_SUMMARY_TABLE);
  assert_contains(text, "evictions            2: Guaranteed 0, Burstable 1, BestEffort 1\n");
  assert_contains(text, "evictions by cause   node_pressure 1, admission 1, taint_manager 0, "
                        "eviction_api 0, preemption 0\n");
  g_free(text);
  run_clear(&r);
}

/* The same run driven here, as sim/simulation.c builds it, to look at the
 * node and ask a scheduler about "be" while the taint holds. */
typedef struct {
  KsScenario *scenario;
  KsSchedSetup *sched;
  KsEngine *engine;
  KsStore *store;
  KsSchedDriver *driver;
  KsNodeAgent *agent;
  KsControllerManager *controllers;
  KsWorkloadFeed *feed;
  KsEvictionRecord *rec;
} World;

static void world_init(World *w, const char *file) {
  memset(w, 0, sizeof *w);
  GError *error = NULL;
  char *path = g_strdup_printf("%s/../scenarios/%s", KSIM_TEST_DATA, file);
  w->scenario = ks_scenario_load_file(path, &error);
  g_free(path);
  if (!w->scenario)
    fail_msg("%s", error->message);
  KsSchedSetupOptions setup = {.percentage_of_nodes_to_score = -1, .seed = w->scenario->seed};
  w->sched = ks_sched_setup_new(&setup, &error);
  if (!w->sched)
    fail_msg("%s", error->message);
  w->engine = ks_engine_new();
  w->store = ks_store_new(w->engine);
  w->rec = ks_eviction_record_new(w->store);
  w->driver = ks_sched_driver_new(w->store, w->sched->sched, NULL);
  w->agent = ks_node_agent_new_seeded(w->store, w->scenario->seed);
  KsControllerManagerOptions cm = {.seed = w->scenario->seed};
  w->controllers = ks_controller_manager_new(w->store, &cm);
  ks_controller_manager_start_builtin(w->controllers);
  ks_controller_manager_start(w->controllers, &ks_node_lifecycle_controller_class);
  ks_controller_manager_start(w->controllers, &ks_taint_eviction_controller_class);
  w->feed = ks_workload_feed_new(w->store, w->scenario, w->scenario->seed);
}

static void world_free(World *w) {
  ks_controller_manager_free(w->controllers);
  ks_sched_driver_free(w->driver);
  ks_node_agent_free(w->agent);
  ks_eviction_record_free(w->rec);
  ks_store_free(w->store);
  ks_engine_free(w->engine);
  ks_workload_feed_free(w->feed);
  ks_sched_setup_free(w->sched);
  ks_scenario_free(w->scenario);
}

static const KsPod *pod_at(World *w, const char *name) {
  const KsStoreObject *o = ks_store_get(w->store, KS_STORE_POD, "default", name);
  assert_non_null(o);
  return o->data;
}

static const KsNode *node_at(World *w) {
  const KsStoreObject *o = ks_store_get(w->store, KS_STORE_NODE, NULL, "n-0");
  assert_non_null(o);
  return o->data;
}

static gboolean has_taint(const KsNode *n, const char *key, KsTaintEffect effect) {
  for (guint i = 0; n->taints && i < n->taints->len; i++) {
    const KsTaint *t = &g_array_index(n->taints, KsTaint, i);
    if (!strcmp(t->key, key) && t->effect == effect)
      return TRUE;
  }
  return FALSE;
}

/* One scheduling cycle for the pending pod against the store's nodes and
 * bound pods now: upstream's FailedScheduling message. transfer full */
static char *failed_scheduling(World *w, const char *pod_name) {
  GError *error = NULL;
  KsSchedSetupOptions setup = {.percentage_of_nodes_to_score = -1, .seed = 1};
  KsSchedSetup *s = ks_sched_setup_new(&setup, &error);
  if (!s)
    fail_msg("%s", error->message);
  gint64 now = ks_engine_now(w->engine);
  GPtrArray *nodes = ks_store_list(w->store, KS_STORE_NODE, NULL);
  for (guint i = 0; i < nodes->len; i++)
    ks_sched_add_node(s->sched, ((const KsStoreObject *)nodes->pdata[i])->data, now);
  g_ptr_array_unref(nodes);
  GPtrArray *pods = ks_store_list(w->store, KS_STORE_POD, NULL);
  for (guint i = 0; i < pods->len; i++) {
    KsPod *p = ((const KsStoreObject *)pods->pdata[i])->data;
    if (p->node_name && p->phase != KS_POD_FAILED && p->phase != KS_POD_SUCCEEDED)
      ks_sched_add_assigned_pod(s->sched, p, p->node_name, now);
  }
  g_ptr_array_unref(pods);
  assert_true(ks_sched_add_pending_pod(s->sched, (KsPod *)pod_at(w, pod_name), now));
  KsSchedResult res;
  ks_sched_schedule_one(s->sched, now, &res);
  assert_int_equal(res.kind, KS_SCHED_RESULT_UNSCHEDULABLE);
  assert_int_equal(res.n_victims, 0);
  char *msg = g_strdup(res.message);
  ks_sched_setup_free(s);
  return msg;
}

static void test_memory_pressure_scheduling(void **state) {
  (void)state;
  World w;
  world_init(&w, "memory-pressure-scheduling.yaml");
  ks_engine_run_until(w.engine, S(9));
  assert_null(ks_node_condition_status(node_at(&w), "MemoryPressure"));
  assert_false(has_taint(node_at(&w), "node.kubernetes.io/memory-pressure",
                         KS_TAINT_EFFECT_NO_SCHEDULE));
  ks_engine_run_until(w.engine, S(10));
  assert_string_equal(ks_node_condition_status(node_at(&w), "MemoryPressure"), "True");
  assert_true(has_taint(node_at(&w), "node.kubernetes.io/memory-pressure",
                        KS_TAINT_EFFECT_NO_SCHEDULE));
  assert_int_equal(pod_at(&w, "hog")->phase, KS_POD_FAILED);

  ks_engine_run_until(w.engine, S(60));
  assert_null(pod_at(&w, "be")->node_name);
  assert_string_equal(pod_at(&w, "be-tolerant")->node_name, "n-0");
  assert_int_equal(pod_at(&w, "be-pinned")->phase, KS_POD_FAILED);
  char *msg = failed_scheduling(&w, "be");
  assert_string_equal(msg, "0/1 nodes are available: 1 node(s) had untolerated taint "
                           "{node.kubernetes.io/memory-pressure: }. preemption: 0/1 nodes are "
                           "available: 1 Preemption is not helpful for scheduling.");
  g_free(msg);

  /* held until the pass at 310 s turns the condition False */
  ks_engine_run_until(w.engine, S(309));
  assert_null(pod_at(&w, "be")->node_name);
  assert_string_equal(ks_node_condition_status(node_at(&w), "MemoryPressure"), "True");
  ks_engine_run_until(w.engine, S(310));
  assert_string_equal(ks_node_condition_status(node_at(&w), "MemoryPressure"), "False");
  assert_false(has_taint(node_at(&w), "node.kubernetes.io/memory-pressure",
                         KS_TAINT_EFFECT_NO_SCHEDULE));
  assert_string_equal(pod_at(&w, "be")->node_name, "n-0");
  ks_engine_run_until(w.engine, S(311));
  assert_int_equal(pod_at(&w, "be")->phase, KS_POD_RUNNING);

  /* the record agrees with the eviction manager's own counters */
  const KsEvictionManager *em = ks_node_agent_evictions(w.agent);
  guint64 admissions = 0;
  for (guint q = 0; q < KS_QOS_CLASS_COUNT; q++) {
    assert_int_equal(ks_eviction_record_qos_count(w.rec, q, NP),
                     ks_eviction_manager_evictions_by_qos(em, q));
    admissions += ks_eviction_record_qos_count(w.rec, q, ADM);
  }
  assert_int_equal(admissions, 1);
  assert_int_equal(ks_eviction_manager_rejections(em), 1);
  assert_int_equal(ks_eviction_manager_n_nodes(em), 1);
  assert_string_equal(ks_eviction_manager_node_name(em, 0), ks_eviction_record_node_name(w.rec, 0));
  assert_int_equal(ks_eviction_manager_node_evictions(em, 0),
                   ks_eviction_record_node_count(w.rec, 0, NP));
  assert_int_equal(ks_eviction_record_node_count(w.rec, 0, NP), 1);
  world_free(&w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cause_names),
      cmocka_unit_test(test_overcommit),
      cmocka_unit_test(test_node_failure),
      cmocka_unit_test(test_drain),
      cmocka_unit_test(test_preemption),
      cmocka_unit_test(test_no_evictions_no_group),
      cmocka_unit_test(test_damaged_group),
      cmocka_unit_test(test_memory_pressure_results),
      cmocka_unit_test(test_memory_pressure_scheduling),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
