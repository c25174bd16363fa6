/* The kubelet's container restart back-off (CrashLoopBackOff), as its
 * flowcontrol.Backoff per container (pkg/kubelet/kuberuntime doBackOff,
 * v1.31): initial 10 s, doubling, at most 5 min; an entry not updated for
 * more than twice the maximum (10 min) has expired and starts over.
 *
 * When a container finishes at time f: with no entry (or an expired one)
 * it restarts at once and the entry becomes 10 s; otherwise the pod waits
 * in CrashLoopBackOff until f + backoff, restarts then, and the back-off
 * doubles. The entry's update time is the restart time, so a container that
 * ran more than 10 min since its last (re)start restarts at once.
 * Upstream restarts at the first pod sync after the expiry (a sync comes at
 * least every 10 s, with jitter); ksim restarts exactly at the expiry. */
#pragma once
#include <glib.h>

#define KS_CRASH_BACKOFF_INITIAL_US ((gint64)10 * G_USEC_PER_SEC)
#define KS_CRASH_BACKOFF_MAX_US ((gint64)300 * G_USEC_PER_SEC)

typedef struct {
  gboolean used;
  gint64 backoff_us;
  gint64 last_update_us;
} KsCrashBackoff;

/* A container finished at finished_us: returns when it restarts (>=
 * finished_us) and updates the entry as of that restart. */
gint64 ks_crash_backoff_restart_at(KsCrashBackoff *b, gint64 finished_us);
