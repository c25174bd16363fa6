/* Building the scheduler a command runs: the registry of built-in plugins,
 * user plugins loaded from shared objects (--plugin), and the profiles of a
 * KubeSchedulerConfiguration file (--config), or the v1.31 default profile.
 * `ksim run`, `ksim explain` and `ksim bench sched` all build it here, so a
 * configuration means the same thing everywhere.
 */
#pragma once
#include <glib.h>

#include "sched/plugin_loader.h"
#include "sched/scheduler.h"
#include "workloads/scheduler_config.h"

typedef struct {
  const char *config_path;          /* KubeSchedulerConfiguration, NULL: defaults */
  const char *builtin_profile;      /* without a config: "default" (v1.31, also NULL) or
                                       "legacy-v1.7" (the 2017 scheduler) */
  const char *const *plugin_paths;  /* NULL-terminated, may be NULL */
  guint64 seed;                     /* tie-break and policy streams */
  gint32 percentage_of_nodes_to_score; /* >= 0 overrides the configuration's; -1 keeps it */
  gint32 parallelism;               /* Filter threads; 0 = serial (decisions are the same) */
  const char *tie_break;            /* selectHost among equal top scores for every profile:
                                       "random" (upstream), "first", "node-rank"
                                       (docs/scheduler.md); NULL = each profile's own */
} KsSchedSetupOptions;

typedef struct {
  KsSchedRegistry *registry;
  KsSchedPluginLoader *loader;
  KsSchedulerConfigFile *config;    /* NULL without --config */
  KsScheduler *sched;
  char *profile_label;              /* what ran: the built-in profile's name, or the
                                       config's schedulerNames joined by ',' */
} KsSchedSetup;

/* transfer full. Errors name the file (config: file:line:column). */
/* "random" | "first" | "node-rank" -> the selectHost mode; else an error. */
gboolean ks_sched_tie_break_from_string(const char *s, KsSchedSelectHost *out, GError **error);

KsSchedSetup *ks_sched_setup_new(const KsSchedSetupOptions *opts, GError **error);
/* Frees in the safe order: scheduler, registry, loaded modules, config. */
void ks_sched_setup_free(KsSchedSetup *s);
