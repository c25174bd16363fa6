/* See crash_backoff.h. */
#include "sim/kubelet/crash_backoff.h"

gint64 ks_crash_backoff_restart_at(KsCrashBackoff *b, gint64 finished_us) {
  gboolean expired = !b->used || finished_us - b->last_update_us > 2 * KS_CRASH_BACKOFF_MAX_US;
  if (expired) {
    /* not in back-off: restart now; Next() starts the entry over */
    *b = (KsCrashBackoff){TRUE, KS_CRASH_BACKOFF_INITIAL_US, finished_us};
    return finished_us;
  }
  gint64 at = finished_us + b->backoff_us;
  b->backoff_us = MIN(2 * b->backoff_us, KS_CRASH_BACKOFF_MAX_US);
  b->last_update_us = at;
  return at;
}
