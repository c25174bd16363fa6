/* Streaming pod generators (see generator.h).
 *
 * State is the clock of the last arrival, the index of the next pod and two
 * RNG streams, one for arrivals and one for run times, so changing the
 * run-time distribution leaves the arrival times of a run unchanged (and the
 * other way round), which is what one wants when comparing runs.
 *
 * Time stays an exact int64: each Poisson gap is drawn as a double and
 * rounded to the nearest microsecond before it is added, so the clock never
 * accumulates floating-point error and a run is identical on every machine
 * with the same libm. Fixed arrivals are start + index * interval, computed
 * afresh for each pod, so they never drift either.
 */
#include "workloads/generator.h"

#include <math.h>

#include "workloads/annotations.h"

struct KsGenerator {
  const KsGeneratorSpec *spec;
  KsRng arrivals;
  KsRng run_times;
  gint64 clock_us;  /* last arrival (Poisson) */
  guint64 emitted;
  gboolean done;
};

const char *ks_arrival_process_to_string(KsArrivalProcess p) {
  return p == KS_ARRIVALS_FIXED ? "fixed" : "poisson";
}

const char *ks_run_time_distribution_to_string(KsRunTimeDistribution d) {
  switch (d) {
  case KS_RUN_TIME_CONSTANT: return "constant";
  case KS_RUN_TIME_EXPONENTIAL: return "exponential";
  case KS_RUN_TIME_UNIFORM: return "uniform";
  case KS_RUN_TIME_LOGNORMAL: return "lognormal";
  case KS_RUN_TIME_TEMPLATE: break;
  }
  return "template";
}

void ks_generator_spec_free(KsGeneratorSpec *spec) {
  if (!spec)
    return;
  g_free(spec->name);
  if (spec->template)
    ks_pod_unref(spec->template);
  g_free(spec);
}

KsGenerator *ks_generator_new(const KsGeneratorSpec *spec, guint64 seed) {
  KsGenerator *g = g_new0(KsGenerator, 1);
  g->spec = spec;
  char *name = g_strdup_printf("generator/%s/arrivals", spec->name);
  ks_rng_init(&g->arrivals, seed, name);
  g_free(name);
  name = g_strdup_printf("generator/%s/runTime", spec->name);
  ks_rng_init(&g->run_times, seed, name);
  g_free(name);
  g->clock_us = spec->start_us;
  return g;
}

void ks_generator_free(KsGenerator *gen) { g_free(gen); }

guint64 ks_generator_emitted(const KsGenerator *gen) { return gen->emitted; }

/* A double of microseconds to a whole count in [lo, hi]; NaN counts as hi. */
static gint64 clamp_us(double x, gint64 lo, gint64 hi) {
  if (!(x < (double)hi))
    return hi;
  gint64 v = (gint64)llround(x);
  return v < lo ? lo : v > hi ? hi : v;
}

gint64 ks_run_time_sample(const KsRunTimeSpec *spec, KsRng *rng) {
  gint64 v = 1;
  switch (spec->distribution) {
  case KS_RUN_TIME_CONSTANT:
    v = spec->value_us;
    break;
  case KS_RUN_TIME_EXPONENTIAL:
    v = clamp_us(ks_rng_exponential(rng, (double)spec->mean_us), 1, KS_GENERATOR_MAX_RUN_TIME_US);
    break;
  case KS_RUN_TIME_UNIFORM:
    v = spec->min_us + (gint64)ks_rng_below(rng, (guint64)(spec->max_us - spec->min_us) + 1);
    break;
  case KS_RUN_TIME_LOGNORMAL:
    v = clamp_us(ks_rng_lognormal(rng, spec->mu, spec->sigma) * (double)spec->unit_us, 1,
                 KS_GENERATOR_MAX_RUN_TIME_US);
    break;
  case KS_RUN_TIME_TEMPLATE:
    break;
  }
  return CLAMP(v, 1, KS_GENERATOR_MAX_RUN_TIME_US);
}

/* The next arrival time, or FALSE if it would overflow the clock. */
static gboolean next_arrival(KsGenerator *g, gint64 *at) {
  const KsGeneratorSpec *s = g->spec;
  if (s->arrivals == KS_ARRIVALS_FIXED) {
    guint64 i = g->emitted;
    if (i && (guint64)s->interval_us > (guint64)(G_MAXINT64 - s->start_us) / i)
      return FALSE;
    *at = s->start_us + (gint64)i * s->interval_us;
    return TRUE;
  }
  gint64 gap = clamp_us(ks_rng_exponential(&g->arrivals, (double)s->interval_us), 0, G_MAXINT64 / 2);
  if (gap > G_MAXINT64 - g->clock_us)
    return FALSE;
  *at = g->clock_us + gap;
  return TRUE;
}

static KsPod *instantiate(KsGenerator *g, gint64 at) {
  const KsGeneratorSpec *s = g->spec;
  KsPod *pod = ks_pod_copy(s->template);
  g_free(pod->name);
  pod->name = g_strdup_printf("%s-%" G_GUINT64_FORMAT, s->template->name, g->emitted);
  pod->creation_timestamp_us = at;
  if (s->run_time.distribution != KS_RUN_TIME_TEMPLATE)
    ks_pod_set_run_time(pod, ks_run_time_sample(&s->run_time, &g->run_times));
  return pod;
}

gboolean ks_generator_next(KsGenerator *gen, gint64 *at_us, KsPod **pod) {
  const KsGeneratorSpec *s = gen->spec;
  gint64 at = 0;
  if (gen->done || (s->count && gen->emitted >= s->count) || !next_arrival(gen, &at) ||
      at >= s->stop_us) {
    gen->done = TRUE;
    return FALSE;
  }
  gen->clock_us = at;
  *pod = instantiate(gen, at);
  *at_us = at;
  gen->emitted++;
  return TRUE;
}
