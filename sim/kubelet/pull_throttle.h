/* The kubelet's registry pull throttle (pkg/kubelet/images throttleImagePulling,
 * v1.31): with registryPullQPS > 0 every pull passes a token bucket of
 * registryPullQPS tokens per second holding at most registryBurst
 * (flowcontrol.NewTokenBucketRateLimiter, full at the start); a pull takes a
 * token with TryAccept and, with none left, fails at once with "pull QPS
 * exceeded" (ErrImagePull, then the image back-off). registryPullQPS 0
 * means no throttling. One bucket per node (per kubelet).
 * Tokens are kept in millionths, refilled qps * elapsed_us millionths, so the
 * same times give the same answers on every machine. */
#pragma once
#include <glib.h>

#define KS_PULL_QPS_EXCEEDED_MESSAGE "pull QPS exceeded"

typedef struct {
  gint32 qps;     /* 0: unlimited */
  gint32 burst;
  gint64 tokens_e6; /* tokens * 1e6 */
  gint64 last_us;
} KsPullThrottle;

void ks_pull_throttle_init(KsPullThrottle *t, gint32 qps, gint32 burst, gint64 now_us);
/* TryAccept at now_us (>= the last call's time): TRUE takes a token. */
gboolean ks_pull_throttle_try_accept(KsPullThrottle *t, gint64 now_us);
