/* ksim compare: the --fail-on grammar (good rules and a table of bad ones
 * with their exact messages), rule evaluation, every output format checked
 * byte for byte, and the command's exit codes on real results files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "sim/compare.h"
#include "sim/results.h"

static void test_parse_good(void **state) {
  (void)state;
  static const struct {
    const char *text, *trimmed, *metric;
    KsRuleOp op;
    KsRuleKind kind;
    double threshold;
  } cases[] = {
    {"pending.p99>+5%", "pending.p99>+5%", "pending.p99", KS_RULE_GT, KS_RULE_PERCENT, 5},
    {"evictions>0", "evictions>0", "evictions", KS_RULE_GT, KS_RULE_VALUE, 0},
    {"throughput<-10%", "throughput<-10%", "throughput", KS_RULE_LT, KS_RULE_PERCENT, -10},
    {"makespan>+30s", "makespan>+30s", "makespan", KS_RULE_GT, KS_RULE_CHANGE, 30},
    {"makespan >= +1.5m", "makespan >= +1.5m", "makespan", KS_RULE_GE, KS_RULE_CHANGE, 90},
    {"latency.max<=2h", "latency.max<=2h", "latency.max", KS_RULE_LE, KS_RULE_VALUE, 7200},
    {"pending.p50>+250ms", "pending.p50>+250ms", "pending.p50", KS_RULE_GT, KS_RULE_CHANGE, 0.25},
    {"  alloc.cpu.mean < -0.05  ", "alloc.cpu.mean < -0.05", "alloc.cpu.mean", KS_RULE_LT,
     KS_RULE_CHANGE, -0.05},
    {"pending.p99>+0", "pending.p99>+0", "pending.p99", KS_RULE_GT, KS_RULE_CHANGE, 0},
    {"pods.never_scheduled>-0 %", "pods.never_scheduled>-0 %", "pods.never_scheduled",
     KS_RULE_GT, KS_RULE_PERCENT, 0},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    GError *error = NULL;
    KsCompareRule *r = ks_compare_rule_parse(cases[i].text, &error);
    if (!r)
      fail_msg("%s: %s", cases[i].text, error->message);
    assert_string_equal(r->text, cases[i].trimmed);
    assert_string_equal(r->metric, cases[i].metric);
    assert_int_equal(r->op, cases[i].op);
    assert_int_equal(r->kind, cases[i].kind);
    assert_true(fabs(r->threshold - cases[i].threshold) < 1e-12);
    ks_compare_rule_free(r);
  }
}

static void test_parse_bad(void **state) {
  (void)state;
  static const struct {
    const char *text, *message;
  } cases[] = {
    {"", "empty rule: expected METRIC OP THRESHOLD, e.g. 'pending.p99>+5%'"},
    {"   ", "empty rule: expected METRIC OP THRESHOLD, e.g. 'pending.p99>+5%'"},
    {"pending.p99", "'pending.p99': no comparison: expected METRIC OP THRESHOLD with OP one of "
                    "> < >= <="},
    {"pending.p99=5", "'pending.p99=5': '=' after pending.p99: expected one of > < >= <="},
    {">5", "'>5': no metric before '>'"},
    {"Pending>5", "'Pending>5': a rule starts with a metric name (lower-case letters, digits, "
                  "'_', '.')"},
    {"nope>1", "'nope>1': unknown metric 'nope' (ksim compare --list-metrics lists them)"},
    {"pending.p95>+5%", "'pending.p95>+5%': unknown metric 'pending.p95' (ksim compare "
                        "--list-metrics lists them)"},
    {"pending.p99>", "'pending.p99>': no threshold after '>'"},
    {"pending.p99 >=  ", "'pending.p99 >=': no threshold after '>='"},
    {"pending.p99>abc", "'pending.p99>abc': 'abc' is not a number (write +5%, -10%, +30s, 0 or "
                        "0.5)"},
    {"pending.p99>+", "'pending.p99>+': '+' is not a number (write +5%, -10%, +30s, 0 or 0.5)"},
    {"pending.p99>.5", "'pending.p99>.5': '.5' is not a number (write +5%, -10%, +30s, 0 or "
                       "0.5)"},
    {"pending.p99>>1", "'pending.p99>>1': '>1' is not a number (write +5%, -10%, +30s, 0 or "
                       "0.5)"},
    {"pending.p99>inf", "'pending.p99>inf': 'inf' is not a number (write +5%, -10%, +30s, 0 or "
                        "0.5)"},
    {"pending.p99>+123456789012345678901234567890123", "'pending.p99>+1234567890123456789012345"
     "67890123': '+123456789012345678901234567890123' is not a number (write +5%, -10%, +30s, "
     "0 or 0.5)"},
    {"pending.p99>5%", "'pending.p99>5%': a percentage is a change from the baseline: write +5% "
                       "or -5%"},
    {"pending.p99>+5x", "'pending.p99>+5x': unknown unit 'x' (%, ms, s, m, h)"},
    {"pending.p99>+5%%", "'pending.p99>+5%%': unknown unit '%%' (%, ms, s, m, h)"},
    {"pending.p99>1e3", "'pending.p99>1e3': unknown unit 'e3' (%, ms, s, m, h)"},
    {"pending.p99>+5.%", "'pending.p99>+5.%': unknown unit '.%' (%, ms, s, m, h)"},
    {"evictions>5s", "'evictions>5s': evictions is in count, not a time: drop the 's'"},
    {"throughput<-1h", "'throughput<-1h': throughput is in pods/s, not a time: drop the 'h'"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    GError *error = NULL;
    KsCompareRule *r = ks_compare_rule_parse(cases[i].text, &error);
    if (r)
      fail_msg("'%s' parsed", cases[i].text);
    assert_true(g_error_matches(error, KS_COMPARE_ERROR, KS_COMPARE_ERROR_RULE));
    assert_string_equal(error->message, cases[i].message);
    g_error_free(error);
  }
  char long_rule[300];
  memset(long_rule, 'a', sizeof long_rule - 1);
  long_rule[sizeof long_rule - 1] = '\0';
  GError *error = NULL;
  assert_null(ks_compare_rule_parse(long_rule, &error));
  assert_string_equal(error->message, "rule of 299 bytes: at most 256");
  g_error_free(error);
}

static KsRuleResult eval(const char *text, double base, double cand, double *change) {
  KsCompareRule *r = ks_compare_rule_parse(text, NULL);
  assert_non_null(r);
  KsRuleResult res = ks_compare_rule_eval(r, base, cand, change);
  ks_compare_rule_free(r);
  return res;
}

static void test_eval(void **state) {
  (void)state;
  double d;
  assert_int_equal(eval("pending.p99>+5%", 12, 13, &d), KS_RULE_FAIL);
  assert_true(fabs(d - 100.0 / 12) < 1e-12);
  assert_int_equal(eval("pending.p99>+5%", 20, 21, &d), KS_RULE_PASS); /* exactly 5 % */
  assert_true(d == 5);
  assert_int_equal(eval("pending.p99>+5%", 12, 6, &d), KS_RULE_PASS);
  assert_true(d == -50);
  assert_int_equal(eval("pending.p99>+5%", 0, 0, &d), KS_RULE_PASS);
  assert_true(d == 0);
  assert_int_equal(eval("pending.p99>+5%", 0, 1, &d), KS_RULE_FAIL);
  assert_true(isinf(d) && d > 0);
  assert_int_equal(eval("pending.p99>+5%", NAN, NAN, &d), KS_RULE_NA);
  assert_true(isnan(d));
  assert_int_equal(eval("pending.p99>+5%", NAN, 1, &d), KS_RULE_FAIL);
  assert_int_equal(eval("pending.p99>+5%", 1, NAN, &d), KS_RULE_FAIL);
  assert_int_equal(eval("throughput<-10%", 0.5, 0.4, &d), KS_RULE_FAIL);
  assert_true(fabs(d + 20) < 1e-9);
  assert_int_equal(eval("throughput<-10%", 0.5, 0.46, &d), KS_RULE_PASS);
  assert_int_equal(eval("throughput<-10%", -2, -3, &d), KS_RULE_FAIL); /* relative to |base| */
  assert_int_equal(eval("evictions>0", 5, 0, &d), KS_RULE_PASS);
  assert_true(d == 0);
  assert_int_equal(eval("evictions>0", 0, 2, &d), KS_RULE_FAIL);
  assert_int_equal(eval("evictions>0", 0, NAN, &d), KS_RULE_NA);
  assert_int_equal(eval("makespan>+30s", 100, 131, &d), KS_RULE_FAIL);
  assert_true(d == 31);
  assert_int_equal(eval("makespan>+30s", 100, 130, &d), KS_RULE_PASS);
  assert_int_equal(eval("makespan>=+30s", 100, 130, &d), KS_RULE_FAIL);
  assert_int_equal(eval("pending.p99>+0", 3, 3, &d), KS_RULE_PASS);
  assert_int_equal(eval("pending.p99>+0", 3, 3.000001, &d), KS_RULE_FAIL);
  assert_int_equal(eval("alloc.cpu.mean<=-0.1", 0.5, 0.4, &d), KS_RULE_PASS); /* -0.1 + eps */
  assert_int_equal(eval("alloc.cpu.mean<=-0.1", 0.5, 0.35, &d), KS_RULE_FAIL);
}

static void test_format_names(void **state) {
  (void)state;
  KsCompareFormat f;
  assert_true(ks_compare_format_parse("table", &f) && f == KS_COMPARE_TABLE);
  assert_true(ks_compare_format_parse("markdown", &f) && f == KS_COMPARE_MARKDOWN);
  assert_true(ks_compare_format_parse("json", &f) && f == KS_COMPARE_JSON);
  assert_true(ks_compare_format_parse("junit", &f) && f == KS_COMPARE_JUNIT);
  assert_false(ks_compare_format_parse("xml", &f));
  assert_false(ks_compare_format_parse("", &f));
}

/* Two hand-made metric sets: the baseline a.h5 and the candidate b|c.h5
 * (a '|' to check markdown escaping, '&' and '<' for XML). */
static KsMetrics *metrics(double p99, double tput, double evictions, gboolean extra) {
  KsMetrics *m = g_new0(KsMetrics, 1);
  m->items = g_new0(KsMetric, 4);
  m->items[m->n++] = (KsMetric){"pending.p99", "s", KS_METRIC_BETTER_LOWER, p99};
  m->items[m->n++] = (KsMetric){"throughput", "pods/s", KS_METRIC_BETTER_HIGHER, tput};
  m->items[m->n++] = (KsMetric){"evictions", "count", KS_METRIC_BETTER_LOWER, evictions};
  if (extra)
    m->items[m->n++] = (KsMetric){"new.one", "count", KS_METRIC_BETTER_NONE, 7};
  return m;
}

static char *render(KsCompareFormat fmt, gboolean *regressed) {
  static const char *const rule_texts[] = {"pending.p99>+5%", "throughput<-10%", "evictions>0",
                                           "makespan>+30s"};
  KsCompareRule *rules[4];
  for (int i = 0; i < 4; i++)
    rules[i] = ks_compare_rule_parse(rule_texts[i], NULL);
  KsMetrics *a = metrics(12, 0.5, NAN, FALSE), *b = metrics(13, 0.4625, 2, TRUE);
  const KsMetrics *m[] = {a, b};
  const char *names[] = {"a.h5", "b|c&<.h5"};
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  ks_compare_print(m, names, 2, rules, 4, fmt, f, regressed);
  fclose(f);
  ks_metrics_free(a);
  ks_metrics_free(b);
  for (int i = 0; i < 4; i++)
    ks_compare_rule_free(rules[i]);
  return buf;
}

static void test_table(void **state) {
  (void)state;
  gboolean regressed = FALSE;
  char *got = render(KS_COMPARE_TABLE, &regressed);
  assert_true(regressed);
  assert_string_equal(got,
    "metric       unit    a.h5  b|c&<.h5   change       %\n"
    "pending.p99  s         12        13       +1  +8.33%\n"
    "throughput   pods/s   0.5    0.4625  -0.0375  -7.50%\n"
    "evictions    count      -         2        -       -\n"
    "new.one      count      -         7        -       -\n"
    "\n"
    "FAIL  pending.p99>+5%  b|c&<.h5: +8.33% (12 -> 13)\n"
    "ok    throughput<-10%  b|c&<.h5: -7.50% (0.5 -> 0.4625)\n"
    "FAIL  evictions>0  b|c&<.h5: evictions is 2\n"
    "n/a   makespan>+30s  b|c&<.h5: undefined in both runs\n"
    "regression: 2 of 4 checks failed\n");
  free(got);
}

static void test_markdown(void **state) {
  (void)state;
  gboolean regressed = FALSE;
  char *got = render(KS_COMPARE_MARKDOWN, &regressed);
  assert_true(regressed);
  assert_string_equal(got,
    "| metric | unit | a.h5 | b\\|c&<.h5 | change | % |\n"
    "| --- | --- | ---: | ---: | ---: | ---: |\n"
    "| pending.p99 | s | 12 | 13 | +1 | +8.33% |\n"
    "| throughput | pods/s | 0.5 | 0.4625 | -0.0375 | -7.50% |\n"
    "| evictions | count | - | 2 | - | - |\n"
    "| new.one | count | - | 7 | - | - |\n"
    "\n"
    "| rule | file | result | change |\n"
    "| --- | --- | --- | --- |\n"
    "| pending.p99>+5% | b\\|c&<.h5 | **FAIL** | +8.33% (12 -> 13) |\n"
    "| throughput<-10% | b\\|c&<.h5 | pass | -7.50% (0.5 -> 0.4625) |\n"
    "| evictions>0 | b\\|c&<.h5 | **FAIL** | evictions is 2 |\n"
    "| makespan>+30s | b\\|c&<.h5 | n/a | undefined in both runs |\n"
    "\n"
    "**Regression:** 2 of 4 checks failed.\n");
  free(got);
}

static void test_json(void **state) {
  (void)state;
  gboolean regressed = FALSE;
  char *got = render(KS_COMPARE_JSON, &regressed);
  assert_true(regressed);
  assert_string_equal(got,
    "{\n"
    "  \"baseline\": \"a.h5\",\n"
    "  \"files\": [\n"
    "    \"a.h5\",\n"
    "    \"b|c&<.h5\"\n"
    "  ],\n"
    "  \"metrics\": [\n"
    "    {\n"
    "      \"name\": \"pending.p99\",\n"
    "      \"unit\": \"s\",\n"
    "      \"better\": \"lower\",\n"
    "      \"values\": [\n"
    "        12,\n"
    "        13\n"
    "      ],\n"
    "      \"changes\": [\n"
    "        1\n"
    "      ],\n"
    "      \"changes_percent\": [\n"
    "        8.3333333333333321\n"
    "      ]\n"
    "    },\n"
    "    {\n"
    "      \"name\": \"throughput\",\n"
    "      \"unit\": \"pods/s\",\n"
    "      \"better\": \"higher\",\n"
    "      \"values\": [\n"
    "        0.5,\n"
    "        0.46250000000000002\n"
    "      ],\n"
    "      \"changes\": [\n"
    "        -0.037499999999999978\n"
    "      ],\n"
    "      \"changes_percent\": [\n"
    "        -7.4999999999999956\n"
    "      ]\n"
    "    },\n"
    "    {\n"
    "      \"name\": \"evictions\",\n"
    "      \"unit\": \"count\",\n"
    "      \"better\": \"lower\",\n"
    "      \"values\": [\n"
    "        null,\n"
    "        2\n"
    "      ],\n"
    "      \"changes\": [\n"
    "        null\n"
    "      ],\n"
    "      \"changes_percent\": [\n"
    "        null\n"
    "      ]\n"
    "    },\n"
    "    {\n"
    "      \"name\": \"new.one\",\n"
    "      \"unit\": \"count\",\n"
    "      \"better\": \"none\",\n"
    "      \"values\": [\n"
    "        null,\n"
    "        7\n"
    "      ],\n"
    "      \"changes\": [\n"
    "        null\n"
    "      ],\n"
    "      \"changes_percent\": [\n"
    "        null\n"
    "      ]\n"
    "    }\n"
    "  ],\n"
    "  \"checks\": [\n"
    "    {\n"
    "      \"rule\": \"pending.p99>+5%\",\n"
    "      \"file\": \"b|c&<.h5\",\n"
    "      \"metric\": \"pending.p99\",\n"
    "      \"baseline\": 12,\n"
    "      \"value\": 13,\n"
    "      \"compared\": 8.3333333333333321,\n"
    "      \"result\": \"fail\"\n"
    "    },\n"
    "    {\n"
    "      \"rule\": \"throughput<-10%\",\n"
    "      \"file\": \"b|c&<.h5\",\n"
    "      \"metric\": \"throughput\",\n"
    "      \"baseline\": 0.5,\n"
    "      \"value\": 0.46250000000000002,\n"
    "      \"compared\": -7.4999999999999956,\n"
    "      \"result\": \"pass\"\n"
    "    },\n"
    "    {\n"
    "      \"rule\": \"evictions>0\",\n"
    "      \"file\": \"b|c&<.h5\",\n"
    "      \"metric\": \"evictions\",\n"
    "      \"baseline\": null,\n"
    "      \"value\": 2,\n"
    "      \"compared\": 2,\n"
    "      \"result\": \"fail\"\n"
    "    },\n"
    "    {\n"
    "      \"rule\": \"makespan>+30s\",\n"
    "      \"file\": \"b|c&<.h5\",\n"
    "      \"metric\": \"makespan\",\n"
    "      \"baseline\": null,\n"
    "      \"value\": null,\n"
    "      \"compared\": null,\n"
    "      \"result\": \"n/a\"\n"
    "    }\n"
    "  ],\n"
    "  \"regression\": true\n"
    "}\n");
  free(got);
}

static void test_junit(void **state) {
  (void)state;
  gboolean regressed = FALSE;
  char *got = render(KS_COMPARE_JUNIT, &regressed);
  assert_true(regressed);
  assert_string_equal(got,
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<testsuites name=\"ksim compare\" tests=\"4\" failures=\"2\" skipped=\"1\">\n"
    "  <testsuite name=\"ksim compare against a.h5\" tests=\"4\" failures=\"2\" skipped=\"1\">\n"
    "    <testcase classname=\"b|c&amp;&lt;.h5\" name=\"pending.p99&gt;+5%\">\n"
    "      <failure message=\"+8.33% (12 -&gt; 13)\"/>\n"
    "    </testcase>\n"
    "    <testcase classname=\"b|c&amp;&lt;.h5\" name=\"throughput&lt;-10%\"/>\n"
    "    <testcase classname=\"b|c&amp;&lt;.h5\" name=\"evictions&gt;0\">\n"
    "      <failure message=\"evictions is 2\"/>\n"
    "    </testcase>\n"
    "    <testcase classname=\"b|c&amp;&lt;.h5\" name=\"makespan&gt;+30s\">\n"
    "      <skipped message=\"undefined in both runs\"/>\n"
    "    </testcase>\n"
    "  </testsuite>\n"
    "</testsuites>\n");
  free(got);
}

/* ---- the command on real files ---- */

/* Two pods created at 0, scheduled after 1 s and after `second` s; with
 * wall_us >= 0, 4 scheduling cycles that took wall_us in all (as `ksim run
 * --record-wall-time` records them). */
static char *write_run_wall(const char *dir, const char *name, int second, gint64 wall_us) {
  char *path = g_build_filename(dir, name, NULL);
  KsResultsWriter *w = ks_results_writer_open(path, NULL);
  assert_non_null(w);
  if (wall_us >= 0) {
    ks_results_writer_set_attr_int(w, "sched_cycles", 4);
    ks_results_writer_set_attr_int(w, "sched_wall_us", wall_us);
  }
  for (int i = 0; i < 2; i++) {
    KsPodRow p = {.name = i ? "p1" : "p0", .namespace = "default", .created_us = 0,
                  .scheduled_us = (i ? second : 1) * 1000000LL, .started_us = -1,
                  .finished_us = -1, .node = -1, .attempts = 1, .outcome = KS_OUTCOME_RUNNING};
    assert_true(ks_results_writer_append_pod(w, &p, NULL));
  }
  assert_true(ks_results_writer_commit(w, NULL));
  return path;
}

static char *write_run(const char *dir, const char *name, int second) {
  return write_run_wall(dir, name, second, -1);
}

static int run_ksim(const char *const *args, char **out, char **err) {
  GPtrArray *argv = g_ptr_array_new();
  g_ptr_array_add(argv, (gpointer)KSIM_BINARY);
  g_ptr_array_add(argv, (gpointer)"compare");
  for (int i = 0; args[i]; i++)
    g_ptr_array_add(argv, (gpointer)args[i]);
  g_ptr_array_add(argv, NULL);
  int status = 0;
  GError *error = NULL;
  if (!g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err,
                    &status, &error))
    fail_msg("spawn: %s", error->message);
  g_ptr_array_unref(argv);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void expect(const char *const *args, int code, const char *stdout_prefix,
                   const char *stderr_text) {
  char *out = NULL, *err = NULL;
  int got = run_ksim(args, &out, &err);
  if (got != code)
    fail_msg("exit %d, want %d; stderr: %s", got, code, err);
  if (stdout_prefix && !g_str_has_prefix(out, stdout_prefix))
    fail_msg("stdout:\n%s\nwant it to start with:\n%s", out, stdout_prefix);
  if (stderr_text)
    assert_string_equal(err, stderr_text);
  g_free(out);
  g_free(err);
}

static void test_exit_codes(void **state) {
  (void)state;
  g_autofree char *dir = g_dir_make_tmp("ksim-compare-XXXXXX", NULL);
  g_autofree char *a = write_run(dir, "a.h5", 2); /* pending.p99 2 s */
  g_autofree char *b = write_run(dir, "b.h5", 4); /* 4 s: +100 % */
  g_autofree char *missing = g_build_filename(dir, "missing.h5", NULL);

  expect((const char *[]){a, b, NULL}, 0, "metric ", "");
  expect((const char *[]){a, b, "--fail-on", "pending.p99>+5%", NULL}, 1, NULL, "");
  expect((const char *[]){a, b, "--fail-on", "pending.p99>+100%", NULL}, 0, NULL, "");
  expect((const char *[]){a, b, "--fail-on", "pending.p99>=+100%", NULL}, 1, NULL, "");
  expect((const char *[]){a, b, "--fail-on", "pending.max>+1s", NULL}, 1, NULL, "");
  expect((const char *[]){a, b, "--fail-on", "pending.max>+2s", NULL}, 0, NULL, "");
  /* b as the baseline: a is an improvement */
  expect((const char *[]){"--baseline", b, a, "--fail-on", "pending.p99>+0%", NULL}, 0, NULL,
         "");
  /* three files: each candidate is checked, one regression suffices */
  expect((const char *[]){a, a, b, "--fail-on", "pending.p99>+0", NULL}, 1, NULL, "");
  expect((const char *[]){a, b, "-o", "junit", "--fail-on", "pods.never_scheduled>0", NULL}, 0,
         "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"ksim compare\" "
         "tests=\"1\" failures=\"0\" skipped=\"0\">\n", "");

  expect((const char *[]){a, b, "--fail-on", "pending.p99>5%", NULL}, 2, "",
         "ksim compare: --fail-on 'pending.p99>5%': a percentage is a change from the baseline: "
         "write +5% or -5%\n");
  expect((const char *[]){a, NULL}, 2, "",
         "ksim compare: expected a baseline and at least one more results file\n"
         "Run 'ksim compare --help' for usage.\n");
  expect((const char *[]){a, b, "-o", "xml", NULL}, 2, "",
         "ksim compare: --output must be table, markdown, json or junit\n"
         "Run 'ksim compare --help' for usage.\n");
  g_autofree char *no_file = g_strdup_printf("ksim compare: %s: No such file or directory\n",
                                             missing);
  expect((const char *[]){a, missing, NULL}, 2, "", no_file);
  expect((const char *[]){"--list-metrics", NULL}, 0,
         "pods.total                       pods    none\n"
         "pods.scheduled                   pods    higher\n", "");
  g_unlink(a);
  g_unlink(b);
  g_rmdir(dir);
}

/* sched.wall_per_cycle_us exists only in files written with
 * --record-wall-time: compared like any metric when both runs have it,
 * n/a when neither has, and a change rule fails when only one has. */
static void test_wall_time(void **state) {
  (void)state;
  g_autofree char *dir = g_dir_make_tmp("ksim-compare-XXXXXX", NULL);
  g_autofree char *plain = write_run(dir, "plain.h5", 2);
  g_autofree char *plain2 = write_run(dir, "plain2.h5", 2);
  g_autofree char *w20 = write_run_wall(dir, "w20.h5", 2, 20); /* 5 us per cycle */
  g_autofree char *w30 = write_run_wall(dir, "w30.h5", 2, 30); /* 7.5 us: +50 % */
  const char *rule = "sched.wall_per_cycle_us>+20%";
  expect((const char *[]){w20, w30, "--fail-on", rule, NULL}, 1, NULL, "");
  expect((const char *[]){w30, w20, "--fail-on", rule, NULL}, 0, NULL, "");
  expect((const char *[]){w20, w30, "--fail-on", "sched.wall_per_cycle_us>+50%", NULL}, 0, NULL,
         "");
  expect((const char *[]){plain, plain2, "--fail-on", rule, NULL}, 0, NULL, "");
  expect((const char *[]){plain, w20, "--fail-on", rule, NULL}, 1, NULL, "");
  char *out = NULL, *err = NULL;
  assert_int_equal(run_ksim((const char *[]){plain, w20, "--fail-on", rule, NULL}, &out, &err), 1);
  const char *line = strstr(out, "\nsched.wall_per_cycle_us ");
  assert_non_null(line);
  g_autofree char *row = g_strndup(line + 1, strcspn(line + 1, "\n"));
  g_auto(GStrv) cells = g_regex_split_simple(" +", row, 0, 0);
  assert_int_equal(g_strv_length(cells), 6); /* metric, unit, baseline, run, change, % */
  assert_string_equal(cells[2], "-");
  assert_string_equal(cells[3], "5");
  assert_string_equal(cells[4], "-");
  assert_non_null(strstr(out, "undefined in the baseline (- -> 5)"));
  g_free(out);
  g_free(err);
  g_unlink(plain);
  g_unlink(plain2);
  g_unlink(w20);
  g_unlink(w30);
  g_rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_parse_good), cmocka_unit_test(test_parse_bad),
    cmocka_unit_test(test_eval),       cmocka_unit_test(test_format_names),
    cmocka_unit_test(test_table),      cmocka_unit_test(test_markdown),
    cmocka_unit_test(test_json),       cmocka_unit_test(test_junit),
    cmocka_unit_test(test_exit_codes), cmocka_unit_test(test_wall_time),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
