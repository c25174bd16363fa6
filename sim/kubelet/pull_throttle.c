/* See pull_throttle.h. */
#include "sim/kubelet/pull_throttle.h"

#define ONE_TOKEN ((gint64)1000000)

void ks_pull_throttle_init(KsPullThrottle *t, gint32 qps, gint32 burst, gint64 now_us) {
  *t = (KsPullThrottle){qps, MAX(burst, 0), (gint64)MAX(burst, 0) * ONE_TOKEN, now_us};
}

gboolean ks_pull_throttle_try_accept(KsPullThrottle *t, gint64 now_us) {
  if (t->qps <= 0)
    return TRUE;
  gint64 cap = (gint64)t->burst * ONE_TOKEN;
  if (now_us > t->last_us) {
    gint64 elapsed = now_us - t->last_us;
    /* qps tokens per second = qps millionths per microsecond; avoid overflow past a full bucket */
    gint64 room = cap - t->tokens_e6;
    t->tokens_e6 = elapsed >= (room + t->qps - 1) / t->qps ? cap : t->tokens_e6 + elapsed * t->qps;
    t->last_us = now_us;
  }
  if (t->tokens_e6 < ONE_TOKEN)
    return FALSE;
  t->tokens_e6 -= ONE_TOKEN;
  return TRUE;
}
