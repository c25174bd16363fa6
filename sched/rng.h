/* Seeded random number streams.
 *
 * Every consumer of randomness (each generator, the scheduler's tie-break,
 * the node agent) owns its own stream, derived from the run seed and a stream
 * name, so adding draws to one stream never shifts another's sequence and a
 * run is reproducible bit for bit. xoshiro256** seeded through splitmix64:
 * fast, small, and independent of the glib version (GRand is not specified
 * to stay the same across releases).
 */
#pragma once
#include <glib.h>

typedef struct {
  guint64 s[4];
} KsRng;

/* Stream `name` of run seed `seed`. */
void ks_rng_init(KsRng *r, guint64 seed, const char *name);
guint64 ks_rng_next(KsRng *r);
/* Uniform integer in [0, n) without modulo bias; n > 0. */
guint64 ks_rng_below(KsRng *r, guint64 n);
/* Uniform double in [0, 1) with 53 random bits. */
double ks_rng_uniform(KsRng *r);
/* Exponential with the given mean (> 0). */
double ks_rng_exponential(KsRng *r, double mean);
/* Standard normal (Box-Muller, one value per call, no cached state). */
double ks_rng_normal(KsRng *r);
/* Log-normal: exp(mu + sigma * N(0,1)). */
double ks_rng_lognormal(KsRng *r, double mu, double sigma);
