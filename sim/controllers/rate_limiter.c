/* See rate_limiter.h. */
#include "sim/controllers/rate_limiter.h"

#define MICRO 1000000 /* token fractions per token */

struct KsRateLimiter {
  KsRateLimiterConfig config;
  GHashTable *failures; /* key (owned) -> requeues (GUINT_TO_POINTER) */
  gint64 tokens;        /* millionths of a token; negative: debt */
  gint64 last_us;       /* time of the last take; G_MININT64 before the first */
};

void ks_rate_limiter_config_default(KsRateLimiterConfig *c) {
  *c = (KsRateLimiterConfig){
    .base_delay_us = KS_RATE_LIMITER_BASE_DELAY_US,
    .max_delay_us = KS_RATE_LIMITER_MAX_DELAY_US,
    .qps = KS_RATE_LIMITER_QPS,
    .burst = KS_RATE_LIMITER_BURST,
  };
}

KsRateLimiter *ks_rate_limiter_new(const KsRateLimiterConfig *config) {
  KsRateLimiter *r = g_new0(KsRateLimiter, 1);
  r->config = *config;
  r->failures = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  r->tokens = config->burst * MICRO;
  r->last_us = G_MININT64;
  return r;
}

void ks_rate_limiter_free(KsRateLimiter *r) {
  if (!r)
    return;
  g_hash_table_unref(r->failures);
  g_free(r);
}

/* ItemExponentialFailureRateLimiter.When: base * 2^n, n the requeues so far. */
static gint64 item_delay(KsRateLimiter *r, const char *key) {
  guint n = GPOINTER_TO_UINT(g_hash_table_lookup(r->failures, key));
  g_hash_table_insert(r->failures, g_strdup(key), GUINT_TO_POINTER(n + 1));
  const KsRateLimiterConfig *c = &r->config;
  gint64 d = c->base_delay_us;
  for (guint i = 0; i < n && d < c->max_delay_us; i++)
    d = d > G_MAXINT64 / 2 ? G_MAXINT64 : d * 2;
  return MIN(d, c->max_delay_us);
}

/* BucketRateLimiter.When = Limiter.Reserve().Delay(): refill for the time
 * since the last take (capped at burst), take one token, wait off the debt. */
static gint64 bucket_delay(KsRateLimiter *r, gint64 now_us) {
  const KsRateLimiterConfig *c = &r->config;
  if (c->qps <= 0)
    return 0;
  gint64 full = c->burst * MICRO;
  if (r->last_us == G_MININT64) {
    r->tokens = full;
  } else if (now_us > r->last_us) {
    gint64 missing = full - r->tokens; /* > 0 unless full */
    gint64 elapsed = now_us - r->last_us;
    r->tokens = elapsed >= (missing + c->qps - 1) / c->qps ? full : r->tokens + elapsed * c->qps;
  }
  r->last_us = MAX(r->last_us, now_us);
  r->tokens -= MICRO;
  return r->tokens < 0 ? -r->tokens / c->qps : 0;
}

gint64 ks_rate_limiter_when(KsRateLimiter *r, const char *key, gint64 now_us) {
  gint64 item = item_delay(r, key);
  gint64 bucket = bucket_delay(r, now_us);
  return MAX(item, bucket);
}

void ks_rate_limiter_forget(KsRateLimiter *r, const char *key) {
  g_hash_table_remove(r->failures, key);
}

guint ks_rate_limiter_num_requeues(const KsRateLimiter *r, const char *key) {
  return GPOINTER_TO_UINT(g_hash_table_lookup(r->failures, key));
}
