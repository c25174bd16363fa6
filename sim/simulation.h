/* One simulation run: a Scenario through the event engine, the store, the
 * scheduler, the node agent and the recorder, into one results file.
 *
 *   KsScenario --feed--> store --watch--> scheduler driver --bind--> store
 *                           \--watch--> node agent --status--> store
 *                            \--watch--> recorder --> results (HDF5)
 */
#pragma once
#include <glib.h>

#include "workloads/scenario.h"

typedef struct {
  const char *output;      /* results file; NULL: the scenario's spec.output */
  gboolean has_seed;
  guint64 seed;            /* overrides spec.seed when has_seed */
  gboolean progress;       /* draw a progress bar on stderr (when it is a TTY) */
  const char *scheduler_config; /* KubeSchedulerConfiguration; NULL: the scenario's
                                   spec.schedulerConfig, else the default profile */
  const char *const *plugins;   /* shared objects with user plugins, NULL-terminated or NULL */
  const char *builtin_profile;  /* without a configuration: "default" or "legacy-v1.7" */
  const char *tie_break;        /* selectHost among equal top scores: random (NULL, upstream),
                                   first or node-rank (docs/scheduler.md) */
  /* Trace replay (docs/replay.md). Each overrides the scenario's spec.trace;
   * a trace path alone makes a trace run of a scenario without one. */
  const char *trace_path;          /* --trace FILE */
  const char *trace_format;        /* --trace-format NAME (default: the native "ksim") */
  const char *const *trace_params; /* -O key=value importer parameters, after spec.trace.params;
                                      NULL-terminated or NULL */
  gboolean trace_skip_bad_rows;    /* --skip-bad-rows */
  const char *const *replay;       /* --replay key=value: spec.trace fields by their YAML names
                                      (ks_scenario_trace_set); NULL-terminated or NULL */
  /* The pod garbage collector (sim/pod_gc.h): kube-controller-manager's
   * --terminated-pod-gc-threshold. Without has_pod_gc_threshold the
   * upstream default, 12,500; 0 turns the collector off. */
  gboolean has_pod_gc_threshold;
  gint64 pod_gc_threshold;
  /* Store the scheduler's wall-clock time (sched_wall_us, the metric
   * sched.wall_per_cycle_us): makes the results differ run to run. */
  gboolean record_wall_time;
} KsRunOptions;

typedef struct {
  char *output;            /* the results file written; owned */
  guint64 seed;
  gint64 sim_end_us;
  guint64 events;          /* engine events run */
  guint64 pods_created;
  guint64 pods_bound;
  guint64 pods_finished;
  guint64 pods_rejected;   /* refused at admission */
  guint64 pods_garbage_collected; /* terminated pods the pod garbage collector deleted */
  guint64 cycles;          /* scheduling cycles */
  guint64 nodes_examined;  /* by Filter, over all cycles */
  gboolean traced;         /* a trace was replayed; the trace_* figures below are set */
  guint64 trace_events;    /* trace events read */
  guint64 trace_skipped_rows; /* bad rows skipped (skipBadRows) */
  guint64 pods_given_up;   /* fill mode: unschedulable at their first attempt */
  double wall_seconds;
} KsRunReport;

void ks_run_report_clear(KsRunReport *r);

/* Checks what the run will need before it starts (pod annotations of
 * batches and generator templates); errors name file:line:column. */
gboolean ks_simulation_check_scenario(const KsScenario *s, GError **error);
/* The same checks for one manifest object (pod timing annotations, CronJob
 * schedules); `ksim validate` runs them on plain manifest files. */
gboolean ks_simulation_check_object(const KsManifestObject *o, GError **error);

/* The replay options of a run: the scenario's spec.trace with the run
 * options' overrides applied and checked; NULL without error when the run
 * replays no trace. Errors name the option ("--replay speed=x: ..."). transfer full */
KsScenarioTrace *ks_simulation_trace_options(const KsScenario *scenario, const KsRunOptions *opts,
                                             GError **error);

/* Runs scenario to its duration and writes the results file. On error no
 * results file is left behind. */
gboolean ks_simulation_run(const KsScenario *scenario, const KsRunOptions *opts,
                           KsRunReport *report, GError **error);
