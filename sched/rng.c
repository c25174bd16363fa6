/* xoshiro256** (Blackman & Vigna, public domain algorithm) seeded with
 * splitmix64 over the run seed mixed with a hash of the stream name. */
#include "sched/rng.h"

#include <math.h>

static guint64 splitmix64(guint64 *x) {
  guint64 z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* FNV-1a: a stable hash of the stream name (g_str_hash is not promised stable). */
static guint64 name_hash(const char *name) {
  guint64 h = 0xcbf29ce484222325ULL;
  for (const unsigned char *p = (const unsigned char *)(name ? name : ""); *p; p++) {
    h ^= *p;
    h *= 0x100000001b3ULL;
  }
  return h;
}

void ks_rng_init(KsRng *r, guint64 seed, const char *name) {
  guint64 x = seed ^ name_hash(name);
  for (int i = 0; i < 4; i++)
    r->s[i] = splitmix64(&x);
}

static inline guint64 rotl(guint64 x, int k) { return (x << k) | (x >> (64 - k)); }

guint64 ks_rng_next(KsRng *r) {
  guint64 *s = r->s;
  guint64 result = rotl(s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

guint64 ks_rng_below(KsRng *r, guint64 n) {
  g_return_val_if_fail(n > 0, 0);
  /* Rejection sampling: discard the top partial block so every value is equally likely. */
  guint64 limit = G_MAXUINT64 - (G_MAXUINT64 % n);
  guint64 x;
  do
    x = ks_rng_next(r);
  while (x >= limit);
  return x % n;
}

double ks_rng_uniform(KsRng *r) { return (double)(ks_rng_next(r) >> 11) * 0x1.0p-53; }

double ks_rng_exponential(KsRng *r, double mean) {
  /* 1 - u lies in (0, 1], so the logarithm is finite. */
  return -mean * log(1.0 - ks_rng_uniform(r));
}

double ks_rng_normal(KsRng *r) {
  double u1 = 1.0 - ks_rng_uniform(r); /* (0, 1] */
  double u2 = ks_rng_uniform(r);
  return sqrt(-2.0 * log(u1)) * cos(2.0 * G_PI * u2);
}

double ks_rng_lognormal(KsRng *r, double mu, double sigma) {
  return exp(mu + sigma * ks_rng_normal(r));
}
