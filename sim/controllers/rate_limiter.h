/* The work queue's rate limiter: client-go's DefaultControllerRateLimiter
 * (k8s.io/client-go/util/workqueue/default_rate_limiters.go).
 *
 * It is the maximum of two limiters, both consulted on every call:
 * - per key, exponential: the n-th requeue of a key since it was last
 *   forgotten waits base * 2^n (n from 0), capped at max (upstream 5 ms
 *   doubling to 1000 s);
 * - overall, a token bucket (golang.org/x/time/rate) of qps tokens per
 *   second holding at most burst tokens, full at the start (upstream 10 qps,
 *   burst 100): a call takes one token, going into debt when there is none,
 *   and waits until the debt would be repaid.
 *
 * Time is the caller's (sim time in µs), so the arithmetic is exact and
 * deterministic: tokens are counted in millionths, a bucket refills qps
 * millionths per µs, and a debt of d millionths waits d / qps µs (Go
 * truncates the same duration to nanoseconds; at 10 qps both are exact).
 */
#pragma once
#include <glib.h>

typedef struct {
  gint64 base_delay_us; /* first per-key delay (5 ms) */
  gint64 max_delay_us;  /* per-key cap (1000 s) */
  gint64 qps;           /* bucket refill per second (10); 0: no bucket */
  gint64 burst;         /* bucket size (100) */
} KsRateLimiterConfig;

#define KS_RATE_LIMITER_BASE_DELAY_US ((gint64)5000)
#define KS_RATE_LIMITER_MAX_DELAY_US ((gint64)1000 * G_USEC_PER_SEC)
#define KS_RATE_LIMITER_QPS 10
#define KS_RATE_LIMITER_BURST 100

/* DefaultControllerRateLimiter's figures. */
void ks_rate_limiter_config_default(KsRateLimiterConfig *c);

typedef struct KsRateLimiter KsRateLimiter;

/* transfer full; config copied. */
KsRateLimiter *ks_rate_limiter_new(const KsRateLimiterConfig *config);
void ks_rate_limiter_free(KsRateLimiter *r);

/* How long key must wait before its next try, asked at now_us (When):
 * records one more requeue of key and takes a token. */
gint64 ks_rate_limiter_when(KsRateLimiter *r, const char *key, gint64 now_us);
/* Clears key's requeue count (Forget): its next delay is base again. */
void ks_rate_limiter_forget(KsRateLimiter *r, const char *key);
/* Requeues of key since it was last forgotten (NumRequeues). */
guint ks_rate_limiter_num_requeues(const KsRateLimiter *r, const char *key);
