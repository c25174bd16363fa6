/* Usage profiles (workloads/usage.h): what each form parses to, how it
 * evaluates over time (exact integers), the pod and node annotation readers,
 * and a table of bad inputs with their exact messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "workloads/usage.h"

#define S ((gint64)G_USEC_PER_SEC)
#define GI (1024LL * 1024 * 1024)

static KsUsageProfile *parse(const char *text, KsUsageResource r) {
  GError *error = NULL;
  KsUsageProfile *p = ks_usage_profile_parse(text, r, &error);
  if (!p)
    fail_msg("%s: %s", text, error->message);
  return p;
}

static gint64 eval(const KsUsageProfile *p, gint64 t, gint64 *next) {
  return ks_usage_profile_eval(p, t, 400, 1000, NULL, next);
}

static void test_constants(void **state) {
  (void)state;
  gint64 next = 0, v = 0;
  KsUsageProfile *p = parse("500m", KS_USAGE_CPU);
  assert_int_equal(p->kind, KS_USAGE_CONSTANT);
  assert_true(ks_usage_profile_is_constant(p, &v));
  assert_int_equal(v, 500);
  assert_int_equal(eval(p, 0, &next), 500);
  assert_true(next == KS_USAGE_NEVER);
  ks_usage_profile_free(p);

  p = parse("  1.5Gi ", KS_USAGE_MEMORY);
  assert_true(eval(p, 7 * S, &next) == 1610612736LL);
  ks_usage_profile_free(p);
  /* cpu quantities are millicores: "2" is 2000 */
  p = parse("2", KS_USAGE_CPU);
  assert_int_equal(eval(p, 0, NULL), 2000);
  ks_usage_profile_free(p);

  /* percentages: of the request (400) and of the limit (1000), to basis points */
  p = parse("80%request", KS_USAGE_CPU);
  assert_false(ks_usage_profile_is_constant(p, &v));
  assert_int_equal(p->a.base, KS_USAGE_OF_REQUEST);
  assert_int_equal(p->a.v, 8000);
  assert_int_equal(eval(p, 0, NULL), 320);
  ks_usage_profile_free(p);
  p = parse("12.5%limit", KS_USAGE_CPU);
  assert_int_equal(p->a.v, 1250);
  assert_int_equal(eval(p, 0, NULL), 125);
  ks_usage_profile_free(p);
  p = parse("150.05%request", KS_USAGE_MEMORY);
  assert_int_equal(p->a.v, 15005);
  /* 400 * 15005 / 10000 = 600.2 -> 600 */
  assert_int_equal(eval(p, 0, NULL), 600);
  ks_usage_profile_free(p);
}

static void test_step_series_ramp(void **state) {
  (void)state;
  gint64 next = 0;
  KsUsageProfile *p = parse("step(0s=100m, 30s=1, 1m30s=50%request)", KS_USAGE_CPU);
  assert_int_equal(p->n_points, 3);
  assert_int_equal(eval(p, 0, &next), 100);
  assert_true(next == 30 * S);
  assert_int_equal(eval(p, 30 * S - 1, &next), 100);
  assert_int_equal(eval(p, 30 * S, &next), 1000);
  assert_true(next == 90 * S);
  assert_int_equal(eval(p, 90 * S, &next), 200);
  assert_true(next == KS_USAGE_NEVER);
  assert_int_equal(eval(p, 1000 * S, &next), 200);
  ks_usage_profile_free(p);

  p = parse("series(10s, 1Gi, 2Gi, 512Mi)", KS_USAGE_MEMORY);
  assert_int_equal(p->kind, KS_USAGE_STEP);
  assert_true(eval(p, 0, &next) == GI);
  assert_true(next == 10 * S);
  assert_true(eval(p, 15 * S, &next) == 2 * GI);
  assert_true(next == 20 * S);
  assert_true(eval(p, 25 * S, &next) == GI / 2);
  assert_true(next == KS_USAGE_NEVER);
  ks_usage_profile_free(p);

  /* ramp 0 -> 1000m over 4 s, then down to 200m at 6 s: 1 s ticks */
  p = parse("ramp(0s=0, 4s=1, 6s=200m)", KS_USAGE_CPU);
  static const struct {
    gint64 t, v, next;
  } want[] = {
      {0, 0, 1 * S},           {1 * S, 250, 2 * S},     {2 * S, 500, 3 * S},
      {3 * S, 750, 4 * S},     {4 * S, 1000, 5 * S},    {5 * S, 600, 6 * S},
      {6 * S, 200, KS_USAGE_NEVER}, {2500000, 625, 3500000},
  };
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    gint64 v = eval(p, want[i].t, &next);
    if (v != want[i].v || next != want[i].next)
      fail_msg("ramp at %" G_GINT64_FORMAT ": %" G_GINT64_FORMAT " next %" G_GINT64_FORMAT,
               want[i].t, v, next);
  }
  ks_usage_profile_free(p);
  /* a flat ramp segment waits for the next point */
  p = parse("ramp(0s=1, 1m=1, 2m=2)", KS_USAGE_CPU);
  assert_int_equal(eval(p, 0, &next), 1000);
  assert_true(next == 60 * S);
  ks_usage_profile_free(p);
}

static void test_distributions(void **state) {
  (void)state;
  KsRng a, b;
  ks_rng_init(&a, 42, "pod/default/p");
  ks_rng_init(&b, 42, "pod/default/p");
  KsUsageProfile *p = parse("uniform(100m, 300m) every 30s", KS_USAGE_CPU);
  assert_int_equal(p->kind, KS_USAGE_UNIFORM);
  assert_true(p->every_us == 30 * S);
  gint64 next = 0;
  for (int i = 0; i < 100; i++) {
    gint64 v = ks_usage_profile_eval(p, i * 30 * S, 0, 0, &a, &next);
    assert_true(v >= 100 && v <= 300);
    assert_true(next == (i + 1) * 30 * S);
    /* the same stream gives the same draws */
    assert_int_equal(v, ks_usage_profile_eval(p, i * 30 * S, 0, 0, &b, NULL));
  }
  ks_usage_profile_free(p);

  /* drawn once when there is no period; normal is clamped at 0 */
  p = parse("normal(100m, 1)", KS_USAGE_CPU);
  for (int i = 0; i < 200; i++) {
    assert_true(ks_usage_profile_eval(p, 0, 0, 0, &a, &next) >= 0);
    assert_true(next == KS_USAGE_NEVER);
  }
  ks_usage_profile_free(p);
  /* exponential: mean of 20000 draws within 2 % of 1 GiB */
  p = parse("exponential(1Gi)", KS_USAGE_MEMORY);
  gint64 sum = 0;
  for (int i = 0; i < 20000; i++)
    sum += ks_usage_profile_eval(p, 0, 0, 0, &a, NULL) / 1024;
  gint64 mean = sum / 20000;
  assert_true(mean > GI / 1024 * 98 / 100 && mean < GI / 1024 * 102 / 100);
  ks_usage_profile_free(p);
}

static const struct {
  const char *text;
  const char *message;
} bad[] = {
    {"", "\"\": column 1: expected a value, got the end"},
    {"12x", "\"12x\": column 1: \"12x\" is not a quantity"},
    {"-1", "\"-1\": column 1: \"-1\" is negative"},
    {"50%node", "\"50%node\": column 1: \"50%node\": a percentage is of \"request\" or \"limit\" "
                "(e.g. 80%request)"},
    {"1.234%request", "\"1.234%request\": column 1: \"1.234%request\": the percentage must be a "
                      "number from 0 to 100000 with at most two decimals"},
    {"100001%limit", "\"100001%limit\": column 1: \"100001%limit\": the percentage must be a "
                     "number from 0 to 100000 with at most two decimals"},
    {"sawtooth(1)", "\"sawtooth(1)\": column 1: unknown profile \"sawtooth\" (use a value, "
                    "uniform, normal, exponential, step, ramp or series)"},
    {"uniform(2, 1)", "\"uniform(2, 1)\": column 1: uniform: the minimum exceeds the maximum"},
    {"uniform(1 2)", "\"uniform(1 2)\": column 11: expected ',', got '2'"},
    {"normal(1, 2", "\"normal(1, 2\": column 12: expected ')', got the end"},
    {"uniform(1, 2) every 0s",
     "\"uniform(1, 2) every 0s\": column 21: \"0s\": the duration must be positive"},
    {"uniform(1, 2) every", "\"uniform(1, 2) every\": column 20: expected a duration"},
    {"exponential(1) 2", "\"exponential(1) 2\": column 16: unexpected \"2\" after the profile"},
    {"step(5s=1)", "\"step(5s=1)\": column 6: the first point must be at 0s"},
    {"step(0s=1, 0s=2)", "\"step(0s=1, 0s=2)\": column 12: point times must increase"},
    {"ramp(0s=1, 5x=2)",
     "\"ramp(0s=1, 5x=2)\": column 12: \"5x\" is not a duration (use units such as 500ms, 30s, 5m, 2h)"},
    {"step(0s 1)", "\"step(0s 1)\": column 9: expected '=', got '1'"},
    {"step(0s=)", "\"step(0s=)\": column 9: expected a value, got ')'"},
    {"series(0s, 1)", "\"series(0s, 1)\": column 8: \"0s\": the duration must be positive"},
    {"series(1s)", "\"series(1s)\": column 10: expected ',', got ')'"},
    {"1 1", "\"1 1\": column 3: unexpected \"1\" after the profile"},
    {"(((", "\"(((\": column 1: unknown profile \"\" (use a value, uniform, normal, exponential, "
            "step, ramp or series)"},
};

static void test_bad_inputs(void **state) {
  (void)state;
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    GError *error = NULL;
    KsUsageProfile *p = ks_usage_profile_parse(bad[i].text, KS_USAGE_CPU, &error);
    if (p)
      fail_msg("\"%s\" parsed", bad[i].text);
    assert_true(error->domain == KS_USAGE_ERROR);
    if (strcmp(error->message, bad[i].message) != 0)
      fail_msg("\"%s\":\n got  %s\n want %s", bad[i].text, error->message, bad[i].message);
    g_error_free(error);
  }
  /* named limits */
  GString *s = g_string_new("series(1s");
  for (int i = 0; i <= KS_USAGE_MAX_POINTS; i++)
    g_string_append(s, ",1");
  g_string_append_c(s, ')');
  GError *error = NULL;
  assert_null(ks_usage_profile_parse(s->str, KS_USAGE_CPU, &error));
  assert_non_null(strstr(error->message, ": more than 1000 points"));
  g_clear_error(&error);
  g_string_truncate(s, 0);
  for (int i = 0; i < KS_USAGE_MAX_TEXT + 1; i++)
    g_string_append_c(s, ' ');
  assert_null(ks_usage_profile_parse(s->str, KS_USAGE_CPU, &error));
  assert_string_equal(error->message, "the profile is longer than 4096 characters");
  g_clear_error(&error);
  g_string_free(s, TRUE);
}

static void test_annotations(void **state) {
  (void)state;
  KsPod *pod = ks_pod_new("team", "web");
  assert_false(ks_pod_has_usage(pod));
  KsPodUsage u;
  assert_true(ks_pod_read_usage(pod, &u, NULL));
  assert_null(u.profile[KS_USAGE_CPU]);
  ks_labels_set(&pod->annotations, KS_ANNOTATION_USAGE_MEMORY, "ramp(0s=0, 1m=2Gi)");
  assert_true(ks_pod_has_usage(pod));
  assert_true(ks_pod_read_usage(pod, &u, NULL));
  assert_null(u.profile[KS_USAGE_CPU]);
  assert_int_equal(u.profile[KS_USAGE_MEMORY]->kind, KS_USAGE_RAMP);
  ks_pod_usage_clear(&u);
  assert_null(u.profile[KS_USAGE_MEMORY]);
  ks_labels_set(&pod->annotations, KS_ANNOTATION_USAGE_EPHEMERAL_STORAGE, "1Gx");
  GError *error = NULL;
  assert_false(ks_pod_read_usage(pod, &u, &error));
  assert_null(u.profile[KS_USAGE_MEMORY]);
  assert_string_equal(error->message, "pod team/web: annotation ksim.io/usage-ephemeral-storage: "
                                      "\"1Gx\": column 1: \"1Gx\" is not a quantity");
  g_clear_error(&error);
  ks_pod_unref(pod);

  KsNode *n = ks_node_new("n1");
  gint64 cpu = -1, mem = -1;
  assert_true(ks_node_read_system_usage(n, &cpu, &mem, NULL));
  assert_int_equal(cpu, 0);
  assert_int_equal(mem, 0);
  ks_labels_set(&n->annotations, KS_ANNOTATION_SYSTEM_USAGE_CPU, "250m");
  ks_labels_set(&n->annotations, KS_ANNOTATION_SYSTEM_USAGE_MEMORY, "1Gi");
  assert_true(ks_node_read_system_usage(n, &cpu, &mem, NULL));
  assert_int_equal(cpu, 250);
  assert_true(mem == GI);
  ks_labels_set(&n->annotations, KS_ANNOTATION_SYSTEM_USAGE_MEMORY, "10%request");
  assert_false(ks_node_read_system_usage(n, &cpu, &mem, &error));
  assert_string_equal(error->message, "node n1: annotation ksim.io/system-usage-memory: "
                                      "\"10%request\": the system usage must be a constant "
                                      "quantity");
  g_clear_error(&error);
  ks_node_unref(n);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_constants),    cmocka_unit_test(test_step_series_ramp),
      cmocka_unit_test(test_distributions), cmocka_unit_test(test_bad_inputs),
      cmocka_unit_test(test_annotations),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
