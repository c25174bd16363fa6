/* The TTL-after-finished controller (upstream pkg/controller/ttlafterfinished,
 * v1.31): a finished Job (Complete or Failed) with ttlSecondsAfterFinished is
 * deleted, with foreground propagation (its pods first, by the garbage
 * collector), once that many seconds have passed since it finished (the
 * lastTransitionTime of its Complete / Failed condition). Until then the Job's
 * key waits in the queue for exactly the time left.
 */
#pragma once
#include <glib.h>

#include "sim/controllers/runtime.h"

#define KS_TTL_AFTER_FINISHED_DEFAULT_WORKERS 5 /* --concurrent-ttl-after-finished-syncs */

extern const KsControllerClass ks_ttl_after_finished_controller_class;

/* When a finished job with a TTL expires (finish time + TTL), or -1 when the
 * job is not finished or has no TTL. */
gint64 ks_ttl_after_finished_expiry(gconstpointer job);
