/* The replay options: the Scenario's `trace:` block (strict decoding, exact
 * error messages), the run options that override it (`--replay key=value`,
 * `--trace`, `-O`), and whole runs of a native trace through
 * ks_simulation_run: time replay, fill mode, and byte-identical results on
 * reruns with the same seed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib/gstdio.h>

#include "sim/results_read.h"
#include "sim/simulation.h"
#include "traces/trace_source.h"
#include "traces/trace_writer.h"
#include "workloads/annotations.h"
#include "workloads/scenario.h"

#define S(x) ((gint64)(x) * 1000000)

static const char *head = "apiVersion: ksim.io/v1alpha1\n"
                          "kind: Scenario\n"
                          "metadata: {name: t}\n"
                          "spec:\n"
                          "  duration: 1h\n";

static KsScenario *load(const char *spec_tail, GError **error) {
  char *text = g_strconcat(head, spec_tail, NULL);
  KsScenario *s = ks_scenario_load_string(text, strlen(text), "t.yaml", "/data", error);
  g_free(text);
  return s;
}

static void test_trace_block_decoded(void **state) {
  GError *error = NULL;
  KsScenario *s = load("  trace:\n"
                       "    path: traces/openb.csv\n"
                       "    format: openb\n"
                       "    params: [nodes=n.csv, gpu=true]\n"
                       "    skipBadRows: true\n"
                       "    window: {start: 1h, end: 25h}\n"
                       "    speed: 60.5\n"
                       "    mode: fill\n"
                       "    nodes: trace\n"
                       "    nodeSubset:\n"
                       "      selector: {matchLabels: {zone: a}}\n"
                       "      fraction: 0.25\n"
                       "    shuffle: true\n"
                       "    gpuShare: 1.3\n"
                       "    arrivalInterval: 2s\n",
                       &error);
  if (!s)
    fail_msg("%s", error->message);
  const KsScenarioTrace *t = s->trace;
  assert_non_null(t);
  assert_string_equal(t->path, "/data/traces/openb.csv");
  assert_string_equal(t->format, "openb");
  assert_int_equal(t->params->len, 3); /* two and the NULL */
  assert_string_equal(t->params->pdata[0], "nodes=n.csv");
  assert_string_equal(t->params->pdata[1], "gpu=true");
  assert_null(t->params->pdata[2]);
  assert_true(t->skip_bad_rows);
  assert_int_equal(t->start_us, S(3600));
  assert_int_equal(t->end_us, S(25 * 3600));
  assert_int_equal(t->speed_ppm, 60500000);
  assert_int_equal(t->mode, KS_REPLAY_MODE_FILL);
  assert_false(t->no_trace_nodes);
  assert_non_null(t->node_selector);
  assert_string_equal(ks_labels_get(&t->node_selector->match_labels, "zone"), "a");
  assert_int_equal(t->node_fraction_ppm, 250000);
  assert_int_equal(t->node_count, 0);
  assert_true(t->shuffle);
  assert_int_equal(t->gpu_share_ppm, 1300000);
  assert_int_equal(t->arrival_interval_us, S(2));
  assert_int_equal(t->line, 7);
  ks_scenario_free(s);

  s = load("  trace: {path: /abs/t.ksim}\n", &error);
  assert_non_null(s);
  assert_string_equal(s->trace->path, "/abs/t.ksim");
  assert_null(s->trace->format);
  assert_int_equal(s->trace->speed_ppm, 1000000);
  assert_int_equal(s->trace->end_us, G_MAXINT64);
  assert_int_equal(s->trace->mode, KS_REPLAY_MODE_TIME);
  ks_scenario_free(s);
}

static void test_trace_block_errors(void **state) {
  static const struct {
    const char *yaml, *message;
  } cases[] = {
    {"  trace: {path: t, sped: 2}\n",
     "t.yaml:6:20: spec.trace.sped: unknown field (known fields: path, format, params, "
     "skipBadRows, window, speed, mode, nodes, nodeSubset, shuffle, gpuShare, arrivalInterval)"},
    {"  trace: {format: ksim}\n", "t.yaml:6:10: spec.trace.path: required field is missing"},
    {"  trace: {path: t, speed: 0}\n", "t.yaml:6:27: spec.trace.speed: must be greater than 0"},
    {"  trace: {path: t, speed: fast}\n",
     "t.yaml:6:27: spec.trace.speed: \"fast\" is not a decimal number"},
    {"  trace: {path: t, speed: 0.0000001}\n",
     "t.yaml:6:27: spec.trace.speed: \"0.0000001\" has more than 6 decimals"},
    {"  trace: {path: t, mode: sometimes}\n",
     "t.yaml:6:26: spec.trace.mode: must be replay or fill, not \"sometimes\""},
    {"  trace: {path: t, nodes: all}\n",
     "t.yaml:6:27: spec.trace.nodes: must be trace or none, not \"all\""},
    {"  trace: {path: t, window: {start: 2h, end: 1h}}\n",
     "t.yaml:6:10: spec.trace: window: end must be after start"},
    {"  trace: {path: t, window: {start: soon}}\n",
     "t.yaml:6:36: spec.trace.window.start: \"soon\" is not a duration (use units such as 500ms, 30s, 5m, 2h)"},
    {"  trace: {path: t, shuffle: true}\n",
     "t.yaml:6:10: spec.trace: shuffle: needs mode: fill (a reordered workload has no trace "
     "times)"},
    {"  trace: {path: t, gpuShare: 1.2}\n",
     "t.yaml:6:10: spec.trace: gpuShare: needs mode: fill (a reordered workload has no trace "
     "times)"},
    {"  trace: {path: t, params: [nodes]}\n",
     "t.yaml:6:29: spec.trace.params[0]: \"nodes\" is not key=value"},
    {"  trace: {path: t, shuffle: yes}\n",
     "t.yaml:6:29: spec.trace.shuffle: must be true or false, not \"yes\""},
    {"  trace: {path: t, nodeSubset: {count: 2, fraction: 0.5}}\n",
     "t.yaml:6:10: spec.trace: nodeSubset: give count or fraction, not both"},
    {"  trace: {path: t, nodeSubset: {fraction: 1.5}}\n",
     "t.yaml:6:43: spec.trace.nodeSubset.fraction: must be at most 1"},
    {"  trace: {path: t, nodeSubset: {count: -1}}\n",
     "t.yaml:6:40: spec.trace.nodeSubset.count: must be a positive integer, not \"-1\""},
    {"  trace: {path: t, nodeSubset: {selector: {matchLabels: {zone: [a]}}}}\n", NULL},
    {"  trace: [t]\n", "t.yaml:6:10: spec.trace: must be a mapping, not a sequence"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    GError *error = NULL;
    KsScenario *s = load(cases[i].yaml, &error);
    if (s)
      fail_msg("case %u loaded: %s", i, cases[i].yaml);
    if (cases[i].message && strcmp(error->message, cases[i].message))
      fail_msg("case %u:\n got: %s\nwant: %s", i, error->message, cases[i].message);
    if (!cases[i].message)
      assert_non_null(strstr(error->message, "spec.trace.nodeSubset.selector.matchLabels"));
    g_error_free(error);
  }
}

static void test_run_option_overrides(void **state) {
  GError *error = NULL;
  KsScenario *s = load("  trace: {path: t.ksim, params: [a=1]}\n", &error);
  assert_non_null(s);
  const char *replay[] = {"speed=2", "mode=fill", "nodeSelector=zone=a,!spot", NULL};
  const char *params[] = {"b=2", NULL};
  KsRunOptions o = {.replay = replay, .trace_params = params, .trace_format = "openb"};
  KsScenarioTrace *t = ks_simulation_trace_options(s, &o, &error);
  assert_non_null(t);
  assert_string_equal(t->path, "/data/t.ksim");
  assert_string_equal(t->format, "openb");
  assert_int_equal(t->speed_ppm, 2000000);
  assert_int_equal(t->mode, KS_REPLAY_MODE_FILL);
  assert_string_equal(t->params->pdata[0], "a=1");
  assert_string_equal(t->params->pdata[1], "b=2");
  assert_null(t->params->pdata[2]);
  assert_non_null(t->node_selector);
  assert_int_equal(t->node_selector->match_expressions->len, 2);
  ks_scenario_trace_free(t);
  /* the scenario's own block is untouched */
  assert_int_equal(s->trace->speed_ppm, 1000000);

  const char *bad[] = {"speed=-1", NULL};
  KsRunOptions ob = {.replay = bad};
  assert_null(ks_simulation_trace_options(s, &ob, &error));
  assert_string_equal(error->message, "--replay speed=-1: \"-1\" is not a decimal number");
  g_clear_error(&error);
  const char *unknown[] = {"warp=9", NULL};
  KsRunOptions ou = {.replay = unknown};
  assert_null(ks_simulation_trace_options(s, &ou, &error));
  assert_non_null(strstr(error->message, "--replay warp=9: unknown replay option \"warp\""));
  g_clear_error(&error);
  const char *shuffle[] = {"shuffle=true", NULL};
  KsRunOptions os = {.replay = shuffle};
  assert_null(ks_simulation_trace_options(s, &os, &error));
  assert_string_equal(error->message,
                      "trace: shuffle: needs mode: fill (a reordered workload has no trace times)");
  g_clear_error(&error);
  ks_scenario_free(s);

  /* no spec.trace: --trace makes a trace run; nothing makes none */
  s = load("", &error);
  KsRunOptions none = {0};
  assert_null(ks_simulation_trace_options(s, &none, &error));
  assert_null(error);
  KsRunOptions with = {.trace_path = "x.ksim", .trace_skip_bad_rows = TRUE};
  t = ks_simulation_trace_options(s, &with, &error);
  assert_non_null(t);
  assert_string_equal(t->path, "x.ksim");
  assert_true(t->skip_bad_rows);
  ks_scenario_trace_free(t);
  const char *only_replay[] = {"speed=2", NULL};
  KsRunOptions no_path = {.replay = only_replay};
  assert_null(ks_simulation_trace_options(s, &no_path, &error));
  assert_string_equal(error->message, "trace: path: required field is missing");
  g_clear_error(&error);
  ks_scenario_free(s);
}

/* ---- whole runs --------------------------------------------------------- */

static KsNode *node(const char *name, gint64 cpu_milli) {
  KsNode *n = ks_node_new(name);
  ks_resource_list_set(&n->capacity, "cpu", cpu_milli);
  ks_resource_list_set(&n->capacity, "memory", (gint64)8 << 30);
  ks_resource_list_set(&n->capacity, "pods", 110);
  ks_resource_list_copy(&n->allocatable, &n->capacity);
  ks_labels_set(&n->labels, KS_LABEL_HOSTNAME, name);
  return n;
}

static KsPod *pod(const char *name, gint64 cpu_milli, gint64 run_us) {
  KsPod *p = ks_pod_new("default", name);
  KsContainer *c = ks_pod_add_container(p, "main", FALSE);
  ks_resource_list_set(&c->requests, "cpu", cpu_milli);
  ks_resource_list_copy(&c->limits, &c->requests);
  if (run_us >= 0)
    ks_pod_set_run_time(p, run_us);
  return p;
}

static void write_event(KsTraceWriter *w, KsTraceEventType type, gint64 t, KsNode *n, KsPod *p,
                        const char *name) {
  KsTraceEvent ev;
  ks_trace_event_init(&ev);
  ev.type = type;
  ev.time_us = t;
  ev.node = n;
  ev.pod = p;
  if (name) {
    ev.namespace = g_strdup("default");
    ev.name = g_strdup(name);
  }
  GError *error = NULL;
  if (!ks_trace_writer_write(w, &ev, &error))
    fail_msg("write: %s", error->message);
  ks_trace_event_clear(&ev);
}

/* Two nodes of 1 cpu; pods of 600m every 10s for 100s, each running 25s,
 * and one deleted early. */
static char *write_trace(void) {
  char *path = g_strdup_printf("%s/ksim-replay-%d.ksim", g_get_tmp_dir(), (int)getpid());
  GError *error = NULL;
  KsTraceWriter *w = ks_trace_writer_open(path, FALSE, &error);
  assert_non_null(w);
  write_event(w, KS_TRACE_NODE_ADD, 0, node("n1", 1000), NULL, NULL);
  write_event(w, KS_TRACE_NODE_ADD, 0, node("n2", 1000), NULL, NULL);
  for (int i = 0; i < 10; i++) {
    char name[16];
    g_snprintf(name, sizeof name, "p%d", i);
    write_event(w, KS_TRACE_POD_CREATE, S(10 * i), NULL, pod(name, 600, S(25)), NULL);
    if (i == 3)
      write_event(w, KS_TRACE_POD_DELETE, S(10 * i + 5), NULL, NULL, "p1");
  }
  assert_true(ks_trace_writer_close(w, &error));
  return path;
}

static gboolean have_ksim_format(void) { return ks_trace_format_lookup("ksim") != NULL; }

static char *run(const char *trace, const char *extra, guint64 seed, const char *tag,
                 KsRunReport *report) {
  char *yaml = g_strdup_printf("%s  sampleInterval: 10s\n  trace:\n    path: %s\n%s", head, trace,
                               extra);
  GError *error = NULL;
  KsScenario *s = ks_scenario_load_string(yaml, strlen(yaml), "run.yaml", NULL, &error);
  if (!s)
    fail_msg("%s", error->message);
  char *out = g_strdup_printf("%s/ksim-replay-%d-%s.h5", g_get_tmp_dir(), (int)getpid(), tag);
  KsRunOptions o = {.output = out, .has_seed = TRUE, .seed = seed};
  if (!ks_simulation_run(s, &o, report, &error))
    fail_msg("run: %s", error->message);
  ks_scenario_free(s);
  g_free(yaml);
  return out;
}

static gboolean same_bytes(const char *a, const char *b) {
  gchar *x = NULL, *y = NULL;
  gsize nx = 0, ny = 0;
  assert_true(g_file_get_contents(a, &x, &nx, NULL));
  assert_true(g_file_get_contents(b, &y, &ny, NULL));
  gboolean same = nx == ny && !memcmp(x, y, nx);
  g_free(x);
  g_free(y);
  return same;
}

static const KsPodRow *row(const KsResults *r, const char *name) {
  for (gsize i = 0; i < r->n_pods; i++)
    if (!strcmp(r->pods[i].name, name))
      return &r->pods[i];
  fail_msg("pod %s not in the results", name);
  return NULL;
}

/* Time replay: pods leave as the trace says. n1 and n2 hold one 600m pod
 * each; p0 (0s) and p1 (10s) are placed at once; p1 is deleted at 35s; p0
 * runs 1s..26s. Byte-identical results on a rerun with the same seed. */
static void test_time_replay_run(void **state) {
  if (!have_ksim_format())
    skip();
  char *trace = write_trace();
  KsRunReport a, b;
  char *out_a = run(trace, "", 7, "a", &a);
  char *out_b = run(trace, "", 7, "b", &b);
  assert_true(same_bytes(out_a, out_b));
  assert_true(a.traced);
  assert_int_equal(a.trace_events, 13);
  assert_int_equal(a.pods_created, 10);
  assert_int_equal(a.pods_given_up, 0);
  GError *error = NULL;
  KsResults *r = ks_results_read(out_a, &error);
  assert_non_null(r);
  const KsPodRow *p0 = row(r, "p0"), *p1 = row(r, "p1");
  assert_int_equal(p0->created_us, 0);
  assert_int_equal(p0->started_us, S(1));
  assert_int_equal(p0->finished_us, S(26));
  assert_int_equal(p1->created_us, S(10));
  assert_int_equal(p1->finished_us, S(35)); /* deleted by the trace */
  ks_results_free(r);
  ks_run_report_clear(&a);
  ks_run_report_clear(&b);
  g_unlink(out_a);
  g_unlink(out_b);
  g_free(out_a);
  g_free(out_b);
  g_unlink(trace);
  g_free(trace);
}

/* Fill mode at speed 10: nobody leaves; two nodes hold two 600m pods, the
 * other eight fail their one attempt and are given up. */
static void test_fill_run(void **state) {
  if (!have_ksim_format())
    skip();
  char *trace = write_trace();
  KsRunReport a;
  char *out = run(trace, "    mode: fill\n    speed: 10\n", 1, "fill", &a);
  assert_int_equal(a.pods_created, 10);
  assert_int_equal(a.pods_bound, 2);
  assert_int_equal(a.pods_given_up, 8);
  assert_int_equal(a.pods_finished, 0);
  GError *error = NULL;
  KsResults *r = ks_results_read(out, &error);
  assert_non_null(r);
  assert_int_equal(row(r, "p1")->created_us, S(1)); /* 10s / 10 */
  assert_int_equal(row(r, "p1")->finished_us, -1);  /* the trace's delete is ignored */
  ks_results_free(r);
  ks_run_report_clear(&a);
  g_unlink(out);
  g_free(out);
  g_unlink(trace);
  g_free(trace);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_trace_block_decoded),
    cmocka_unit_test(test_trace_block_errors),
    cmocka_unit_test(test_run_option_overrides),
    cmocka_unit_test(test_time_replay_run),
    cmocka_unit_test(test_fill_run),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
