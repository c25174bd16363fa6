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
  guint64 cycles;          /* scheduling cycles */
  double wall_seconds;
} KsRunReport;

void ks_run_report_clear(KsRunReport *r);

/* Checks what the run will need before it starts (pod annotations of
 * batches and generator templates); errors name file:line:column. */
gboolean ks_simulation_check_scenario(const KsScenario *s, GError **error);

/* Runs scenario to its duration and writes the results file. On error no
 * results file is left behind. */
gboolean ks_simulation_run(const KsScenario *scenario, const KsRunOptions *opts,
                           KsRunReport *report, GError **error);
