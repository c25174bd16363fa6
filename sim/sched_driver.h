/* The scheduler driver: runs the scheduler (sched/) inside the simulation.
 *
 * It plays the part of kube-scheduler's informers and main loop: it watches
 * nodes and pods and tells the scheduler about them, runs one scheduling
 * cycle per engine event while the active queue has pods (cycles take no sim
 * time), binds a placed pod by writing spec.nodeName to the store (the
 * binding subresource), carries out preemption (deletes the victims,
 * records status.nominatedNodeName), and keeps one timer event at the
 * scheduler's next wakeup (backoff expiry, the unschedulable flush).
 */
#pragma once
#include <glib.h>

#include "sched/scheduler.h"
#include "sim/recorder.h"
#include "sim/store.h"

typedef struct KsSchedDriver KsSchedDriver;

typedef struct {
  guint64 cycles;          /* scheduling cycles run */
  guint64 scheduled;       /* pods bound */
  guint64 unschedulable;   /* cycles that found no node */
  guint64 preempted;       /* victims deleted by preemption */
  guint64 nodes_examined;  /* over all cycles */
  guint64 wall_ns;         /* wall-clock time in ks_sched_schedule_one over those cycles
                              (never in results unless asked: docs/metrics.md) */
} KsSchedDriverStats;

/* sched and recorder are borrowed; recorder may be NULL. transfer full */
KsSchedDriver *ks_sched_driver_new(KsStore *store, KsScheduler *sched, KsRecorder *recorder);
void ks_sched_driver_free(KsSchedDriver *d);
void ks_sched_driver_get_stats(const KsSchedDriver *d, KsSchedDriverStats *out);
