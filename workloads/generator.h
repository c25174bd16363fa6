/* Synthetic workload generators: a stream of pods from a template.
 *
 * A KsGeneratorSpec (decoded from a Scenario's `spec.workloads[].generator`)
 * says when pods arrive and how long they run; a KsGenerator turns it into a
 * stream, one arrival at a time, so a generator of a million pods costs the
 * memory of one. Each generator draws from its own KsRng streams, named
 * "generator/<name>/arrivals" and "generator/<name>/runTime" under the
 * scenario seed: adding a generator, or changing one's run-time distribution,
 * never shifts another stream's draws.
 */
#pragma once
#include <glib.h>
#include "sched/pod.h"
#include "sched/rng.h"

/* Limits, enforced by the Scenario loader. */
#define KS_GENERATOR_MAX_COUNT ((guint64)100000000) /* pods per generator */
#define KS_GENERATOR_MIN_INTERVAL_US ((gint64)1)    /* (mean) interval between arrivals */
/* A sampled run time is clamped to [1us, this] so a heavy tail cannot overflow. */
#define KS_GENERATOR_MAX_RUN_TIME_US ((gint64)10 * 366 * 24 * 3600 * 1000000)

typedef enum {
  KS_ARRIVALS_POISSON = 0, /* exponential gaps with mean interval_us; first at start + gap */
  KS_ARRIVALS_FIXED,       /* one every interval_us; first at start */
} KsArrivalProcess;
const char *ks_arrival_process_to_string(KsArrivalProcess p);

typedef enum {
  KS_RUN_TIME_TEMPLATE = 0, /* no runTime: pods keep the template's ksim.io/run-time (if any) */
  KS_RUN_TIME_CONSTANT,     /* value_us */
  KS_RUN_TIME_EXPONENTIAL,  /* mean_us */
  KS_RUN_TIME_UNIFORM,      /* integer microseconds uniform in [min_us, max_us] */
  KS_RUN_TIME_LOGNORMAL,    /* exp(mu + sigma * N(0,1)) * unit_us */
} KsRunTimeDistribution;
const char *ks_run_time_distribution_to_string(KsRunTimeDistribution d);

typedef struct {
  KsRunTimeDistribution distribution;
  gint64 value_us;         /* constant */
  gint64 mean_us;          /* exponential */
  gint64 min_us, max_us;   /* uniform */
  double mu, sigma;        /* lognormal */
  gint64 unit_us;          /* lognormal: the unit the log-normal variate is in (default 1s) */
} KsRunTimeSpec;

typedef struct {
  char *name;              /* unique in its scenario; names the RNG streams */
  gint64 start_us;         /* no arrival before this */
  gint64 stop_us;          /* no arrival at or after this (the scenario duration if unset) */
  guint64 count;           /* at most this many pods; 0 = no limit but stop_us */
  KsArrivalProcess arrivals;
  gint64 interval_us;      /* fixed interval, or Poisson mean interval; >= 1 */
  KsRunTimeSpec run_time;
  KsPod *template;         /* owned reference; metadata.name is the pod name prefix */
  guint line, column;      /* where the generator was declared */
} KsGeneratorSpec;

void ks_generator_spec_free(KsGeneratorSpec *spec);

typedef struct KsGenerator KsGenerator;

/* `spec` is borrowed and must outlive the generator. transfer full */
KsGenerator *ks_generator_new(const KsGeneratorSpec *spec, guint64 seed);
void ks_generator_free(KsGenerator *gen);

/* The next arrival: its time and a fresh pod (transfer full, refcount 1),
 * a copy of the template named "<template name>-<index>" (index from 0),
 * creationTimestamp = arrival, and the sampled run time (whole microseconds,
 * at least 1) in ksim.io/run-time. Returns FALSE, leaving the outputs
 * untouched, once count or stop is reached; every later call returns FALSE
 * too. Arrival times never decrease. */
gboolean ks_generator_next(KsGenerator *gen, gint64 *at_us, KsPod **pod);
/* Pods emitted so far. */
guint64 ks_generator_emitted(const KsGenerator *gen);

/* One run-time sample from `spec` (exposed for tests and for tools). */
gint64 ks_run_time_sample(const KsRunTimeSpec *spec, KsRng *rng);
