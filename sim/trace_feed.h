/* The trace feed: a trace source (traces/trace_source.h) replayed into the
 * simulation, with the replay options of a Scenario's `trace:` block
 * (workloads/scenario.h; the model is docs/replay.md).
 *
 * It streams: at any time it holds exactly one pending engine event (the
 * handler that applies the next trace event at its sim time) and the one
 * event read ahead, so a trace larger than memory replays in constant
 * memory plus the live objects. Three things need more, and say so: the
 * node subset by count or fraction buffers the nodes the trace has before
 * its first pod; a window start buffers the pods alive at that start; a
 * reordered workload (shuffle, gpuShare) reads all of the trace's pods.
 *
 * Event by event: node-add/update/remove write nodes (a removed node's pods
 * are deleted, as the pod garbage collector does); pod-create admits and
 * creates the pod (sim/pod_create.h); pod-delete deletes it; pod-finish ends
 * it as the trace says (a running pod ran_us after its sim start, or now if
 * that is past; a pod not yet running ran_us after it starts); usage is kept
 * for the node agent (ks_trace_feed_usage); object creates the object.
 *
 * Fill mode (the FGD simulator's experiment): deletes and finishes are
 * ignored, run times are dropped, and each pod is given exactly one
 * scheduling attempt: the feed waits until the scheduler has no active pod
 * and no watch event is pending, and deletes the pod (counting it as given
 * up) if it is still unbound, before it reads the next trace event.
 */
#pragma once
#include <glib.h>

#include "sched/scheduler.h"
#include "sim/kubelet/kubelet_configs.h"
#include "sim/store.h"
#include "traces/trace_source.h"
#include "workloads/scenario.h"

typedef struct KsTraceFeed KsTraceFeed;

typedef struct {
  const KsScenarioTrace *spec; /* the replay options; copied */
  guint64 seed;                /* node subset, shuffle and resampling streams */
  KsScheduler *sched;          /* borrowed; fill mode waits on its active queue (may be NULL) */
  KsKubeletConfigs *kubelets;  /* the trace nodes' kubelet configurations (their allocatable,
                                  sim/kubelet/kubelet_configs.h); a reference is taken; NULL */
} KsTraceFeedOptions;

typedef struct {
  guint64 events;          /* trace events read */
  guint64 nodes_added;     /* node-add applied */
  guint64 nodes_excluded;  /* nodes left out (nodes: none, the subset) */
  guint64 pods_created;
  guint64 pods_rejected;   /* refused at admission or by the store */
  guint64 pods_deleted;    /* trace deletes applied */
  guint64 pods_finished;   /* trace finishes applied */
  guint64 pods_given_up;   /* fill mode: unschedulable at their first attempt, deleted */
  guint64 pods_before_window; /* pods alive at the window start, created at sim time 0 */
  guint64 pods_resampled_in;  /* gpuShare: copies added */
  guint64 pods_resampled_out; /* gpuShare: pods removed */
  guint64 usage_events;
  guint64 ignored;         /* events with nothing to act on (unknown pod, fill-mode deletes, ...) */
  guint64 skipped_rows;    /* bad rows the source skipped (skipBadRows) */
  gboolean finished;       /* the trace (or its window) has been fully replayed */
} KsTraceFeedStats;

/* src: transfer full. Queues the first event at sim time 0, after anything
 * already queued at 0 (the scenario's node pools). transfer full */
KsTraceFeed *ks_trace_feed_new(KsStore *store, KsTraceSource *src, const KsTraceFeedOptions *opts);
/* Frees the feed. Free it after the store and the engine (its watch and
 * pending events point at it), as the simulation does. NULL is a no-op. */
void ks_trace_feed_free(KsTraceFeed *f);

/* The error that stopped the feed (a bad row in fail mode, an unusable
 * option); NULL while all is well. The feed stops the engine when it fails.
 * transfer none */
const GError *ks_trace_feed_error(const KsTraceFeed *f);
void ks_trace_feed_get_stats(const KsTraceFeed *f, KsTraceFeedStats *out);

/* The last usage sample of pod namespace/name, or of node `name` when
 * namespace is NULL; NULL when none. transfer none (until the next event) */
const KsResourceList *ks_trace_feed_usage(const KsTraceFeed *f, const char *namespace,
                                          const char *name);

/* Opens the trace a spec.trace names, with its format, importer parameters
 * and bad-row policy. transfer full */
KsTraceSource *ks_trace_feed_open_source(const KsScenarioTrace *spec, GError **error);

/* Trace time -> sim time: (trace - start) / speed, rounded down; times
 * before the window start map to 0. */
gint64 ks_trace_feed_sim_time(const KsScenarioTrace *spec, gint64 trace_us);
/* A trace duration (run time) -> sim duration: duration / speed, rounded
 * down, at least 1 us when the trace's is positive. */
gint64 ks_trace_feed_sim_duration(const KsScenarioTrace *spec, gint64 trace_us);
