/* The taint eviction controller (upstream pkg/controller/tainteviction,
 * v1.31, the "taint manager"): pods on a node with NoExecute taints are
 * deleted, at once or after their tolerationSeconds.
 *
 * For every pod bound to a node whose spec.taints hold NoExecute taints:
 * - a taint that none of the pod's tolerations tolerates: the pod is deleted
 *   now;
 * - all tolerated: the toleration used for each taint is the first of the
 *   pod's that tolerates it; the pod may stay for the smallest
 *   tolerationSeconds among them (a value <= 0 counts as 0; a toleration
 *   without one lasts forever, and if none has one the pod stays);
 * - an eviction already scheduled is kept unless it was scheduled at this
 *   very instant (upstream processPodOnNode: the first decision's start time
 *   wins, so a later taint never pushes an eviction back or pulls it in);
 * - a node losing its last NoExecute taint cancels its pods' evictions, as
 *   does the pod's deletion.
 * The clock starts when the controller sees the taint (the node update
 * reaching its sync), which is the taint's timeAdded when the reconcile
 * latency is 0.
 *
 * Deleting: the pod gets the condition DisruptionTarget=True, reason
 * DeletionByTaintManager, message "Taint manager: deleting due to NoExecute
 * taint" (PodDisruptionConditions, GA in v1.31), then a DELETE
 * (sim/controllers/deletion.h; ksim has no grace period, so the pod is
 * gone at once and its controller replaces it).
 *
 * Scheduled evictions are engine events at the exact trigger time (upstream
 * TimedWorkerQueue); node and pod changes reach the controller through its
 * informers and work queue (keys "node:<name>", "pod:<ns>/<name>").
 */
#pragma once
#include <glib.h>

#include "sched/objects.h"
#include "sim/controllers/runtime.h"

#define KS_TAINT_EVICTION_DEFAULT_WORKERS 8 /* upstream UpdateWorkerSize */
#define KS_MESSAGE_DELETION_BY_TAINT_MANAGER "Taint manager: deleting due to NoExecute taint"

extern const KsControllerClass ks_taint_eviction_controller_class;

/* upstream getMinTolerationTime over the tolerations a pod uses for the n
 * NoExecute taints: -1 when the pod may stay forever, else microseconds
 * (0: evict now). *all_tolerated FALSE when some taint is not tolerated
 * (the result is then 0). */
gint64 ks_taint_eviction_delay_us(const GArray *tolerations, const KsTaint *taints, guint n,
                                  gboolean *all_tolerated);
