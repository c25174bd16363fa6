/* Streaming generators: determinism under a seed, the statistics of the
 * arrival process, the count and stop limits, and the pods they make. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "workloads/annotations.h"
#include "workloads/generator.h"

#define S ((gint64)1000000)

/* A generator spec of pods "batch-<i>" asking for 1 cpu. transfer full */
static KsGeneratorSpec *spec_new(KsArrivalProcess arrivals, gint64 interval_us) {
  KsGeneratorSpec *spec = g_new0(KsGeneratorSpec, 1);
  spec->name = g_strdup("batch");
  spec->stop_us = 1000000 * S;
  spec->arrivals = arrivals;
  spec->interval_us = interval_us;
  spec->run_time.distribution = KS_RUN_TIME_CONSTANT;
  spec->run_time.value_us = 5 * 60 * S;
  spec->template = ks_pod_new("default", "batch");
  KsContainer *c = ks_pod_add_container(spec->template, "work", FALSE);
  ks_resource_list_set(&c->requests, KS_RESOURCE_CPU, 1000);
  return spec;
}

static gint64 run_time_of(const KsPod *pod) {
  KsPodTiming t;
  GError *error = NULL;
  if (!ks_pod_read_timing(pod, &t, &error))
    fail_msg("%s", error->message);
  return t.run_time_us;
}

static void test_deterministic(void **state) {
  KsGeneratorSpec *spec = spec_new(KS_ARRIVALS_POISSON, 30 * S);
  spec->run_time = (KsRunTimeSpec){.distribution = KS_RUN_TIME_LOGNORMAL, .mu = 5.0, .sigma = 1.0,
                                   .unit_us = S};
  KsGenerator *a = ks_generator_new(spec, 42), *b = ks_generator_new(spec, 42),
              *c = ks_generator_new(spec, 43);
  gboolean differs = FALSE;
  for (int i = 0; i < 1000; i++) {
    gint64 ta, tb, tc;
    KsPod *pa, *pb, *pc;
    assert_true(ks_generator_next(a, &ta, &pa));
    assert_true(ks_generator_next(b, &tb, &pb));
    assert_true(ks_generator_next(c, &tc, &pc));
    assert_int_equal(ta, tb);
    assert_string_equal(pa->name, pb->name);
    assert_int_equal(run_time_of(pa), run_time_of(pb));
    differs |= ta != tc;
    ks_pod_unref(pa);
    ks_pod_unref(pb);
    ks_pod_unref(pc);
  }
  assert_true(differs);
  ks_generator_free(a);
  ks_generator_free(b);
  ks_generator_free(c);
  ks_generator_spec_free(spec);
}

/* Pinned first values: a change here means every published run changes. */
static void test_poisson_first_values_and_mean(void **state) {
  KsGeneratorSpec *spec = spec_new(KS_ARRIVALS_POISSON, 30 * S);
  KsGenerator *g = ks_generator_new(spec, 42);
  static const gint64 first[] = {392155, 15845562, 56579259, 75159303, 114846512};
  gint64 at = 0, prev = 0;
  double sum = 0, sum_sq = 0;
  const int n = 10000;
  for (int i = 0; i < n; i++) {
    KsPod *pod;
    assert_true(ks_generator_next(g, &at, &pod));
    if (i < (int)G_N_ELEMENTS(first))
      assert_int_equal(at, first[i]);
    assert_true(at >= prev);
    double gap = (double)(at - prev) / S;
    sum += gap;
    sum_sq += gap * gap;
    prev = at;
    ks_pod_unref(pod);
  }
  double mean = sum / n, sd = sqrt(sum_sq / n - mean * mean);
  /* Mean within 4 standard errors (30s / sqrt(10000) = 0.3s); an
   * exponential's standard deviation equals its mean. */
  assert_true(fabs(mean - 30.0) < 4 * 0.3);
  assert_true(fabs(sd - 30.0) < 2.0);
  assert_int_equal(ks_generator_emitted(g), n);
  ks_generator_free(g);
  ks_generator_spec_free(spec);
}

static void test_fixed_and_stop(void **state) {
  KsGeneratorSpec *spec = spec_new(KS_ARRIVALS_FIXED, 10 * S);
  spec->start_us = 5 * S;
  spec->stop_us = 65 * S; /* exclusive: arrivals at 5, 15, ..., 55 */
  KsGenerator *g = ks_generator_new(spec, 1);
  gint64 at;
  KsPod *pod;
  for (int i = 0; i < 6; i++) {
    assert_true(ks_generator_next(g, &at, &pod));
    assert_int_equal(at, 5 * S + i * 10 * S);
    ks_pod_unref(pod);
  }
  at = -7;
  pod = NULL;
  assert_false(ks_generator_next(g, &at, &pod));
  assert_false(ks_generator_next(g, &at, &pod));
  assert_int_equal(at, -7);
  assert_null(pod);
  assert_int_equal(ks_generator_emitted(g), 6);
  ks_generator_free(g);
  ks_generator_spec_free(spec);
}

static void test_count(void **state) {
  KsGeneratorSpec *spec = spec_new(KS_ARRIVALS_POISSON, 1 * S);
  spec->count = 5;
  KsGenerator *g = ks_generator_new(spec, 7);
  gint64 at;
  KsPod *pod;
  int n = 0;
  while (ks_generator_next(g, &at, &pod)) {
    ks_pod_unref(pod);
    n++;
  }
  assert_int_equal(n, 5);
  assert_false(ks_generator_next(g, &at, &pod));
  ks_generator_free(g);
  ks_generator_spec_free(spec);
}

static void test_pod_names_and_annotation(void **state) {
  KsGeneratorSpec *spec = spec_new(KS_ARRIVALS_FIXED, 10 * S);
  KsGenerator *g = ks_generator_new(spec, 1);
  gint64 at;
  KsPod *p0, *p1;
  assert_true(ks_generator_next(g, &at, &p0));
  assert_true(ks_generator_next(g, &at, &p1));
  assert_string_equal(p0->name, "batch-0");
  assert_string_equal(p1->name, "batch-1");
  assert_string_equal(p1->namespace, "default");
  assert_int_equal(p1->creation_timestamp_us, 10 * S);
  assert_string_equal(ks_labels_get(&p0->annotations, KS_ANNOTATION_RUN_TIME), "5m");
  assert_int_equal(run_time_of(p0), 5 * 60 * S);
  /* a fresh copy: the template keeps its name and has no run time */
  assert_string_equal(spec->template->name, "batch");
  assert_false(ks_labels_has(&spec->template->annotations, KS_ANNOTATION_RUN_TIME));
  assert_int_equal(p0->ref_count, 1);
  assert_int_equal(((KsContainer *)p0->containers->data)->requests.milli_cpu, 1000);
  ks_pod_unref(p0);
  ks_pod_unref(p1);
  ks_generator_free(g);
  ks_generator_spec_free(spec);
}

static void test_template_run_time_kept(void **state) {
  KsGeneratorSpec *spec = spec_new(KS_ARRIVALS_FIXED, 10 * S);
  spec->run_time.distribution = KS_RUN_TIME_TEMPLATE;
  ks_labels_set(&spec->template->annotations, KS_ANNOTATION_RUN_TIME, "90s");
  KsGenerator *g = ks_generator_new(spec, 1);
  gint64 at;
  KsPod *pod;
  assert_true(ks_generator_next(g, &at, &pod));
  assert_int_equal(run_time_of(pod), 90 * S);
  ks_pod_unref(pod);
  ks_generator_free(g);
  ks_generator_spec_free(spec);
}

static void test_run_time_distributions(void **state) {
  KsRng rng;
  ks_rng_init(&rng, 3, "test");
  KsRunTimeSpec u = {.distribution = KS_RUN_TIME_UNIFORM, .min_us = 10, .max_us = 12};
  gboolean seen[3] = {FALSE, FALSE, FALSE};
  for (int i = 0; i < 200; i++) {
    gint64 v = ks_run_time_sample(&u, &rng);
    assert_true(v >= 10 && v <= 12);
    seen[v - 10] = TRUE;
  }
  assert_true(seen[0] && seen[1] && seen[2]);
  /* A run time is at least 1us, however small the distribution's values. */
  KsRunTimeSpec tiny = {.distribution = KS_RUN_TIME_LOGNORMAL, .mu = -40, .sigma = 1, .unit_us = 1};
  assert_int_equal(ks_run_time_sample(&tiny, &rng), 1);
  /* ... and a heavy tail is clamped, not overflowed. */
  KsRunTimeSpec huge = {.distribution = KS_RUN_TIME_LOGNORMAL, .mu = 700, .sigma = 0, .unit_us = S};
  assert_int_equal(ks_run_time_sample(&huge, &rng), KS_GENERATOR_MAX_RUN_TIME_US);
  KsRunTimeSpec e = {.distribution = KS_RUN_TIME_EXPONENTIAL, .mean_us = 60 * S};
  double sum = 0;
  for (int i = 0; i < 10000; i++)
    sum += (double)ks_run_time_sample(&e, &rng);
  assert_true(fabs(sum / 10000 / S - 60.0) < 4 * 0.6);
}

/* Arrivals and run times use separate streams: changing one leaves the other. */
static void test_streams_independent(void **state) {
  KsGeneratorSpec *a = spec_new(KS_ARRIVALS_POISSON, 30 * S);
  KsGeneratorSpec *b = spec_new(KS_ARRIVALS_POISSON, 30 * S);
  b->run_time = (KsRunTimeSpec){.distribution = KS_RUN_TIME_EXPONENTIAL, .mean_us = 60 * S};
  KsGenerator *ga = ks_generator_new(a, 9), *gb = ks_generator_new(b, 9);
  for (int i = 0; i < 100; i++) {
    gint64 ta, tb;
    KsPod *pa, *pb;
    assert_true(ks_generator_next(ga, &ta, &pa));
    assert_true(ks_generator_next(gb, &tb, &pb));
    assert_int_equal(ta, tb);
    ks_pod_unref(pa);
    ks_pod_unref(pb);
  }
  ks_generator_free(ga);
  ks_generator_free(gb);
  ks_generator_spec_free(a);
  ks_generator_spec_free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_deterministic),
      cmocka_unit_test(test_poisson_first_values_and_mean),
      cmocka_unit_test(test_fixed_and_stop),
      cmocka_unit_test(test_count),
      cmocka_unit_test(test_pod_names_and_annotation),
      cmocka_unit_test(test_template_run_time_kept),
      cmocka_unit_test(test_run_time_distributions),
      cmocka_unit_test(test_streams_independent),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
