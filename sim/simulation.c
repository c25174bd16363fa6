/* See simulation.h.
 *
 * Sampling is done between engine runs rather than as an engine event: the
 * run advances to each sampling instant t with ks_engine_run_until(t), which
 * runs every event at or before t, and then samples. So a sample at t is
 * the state at the end of instant t, whatever order same-time events were
 * queued in, and sampling never perturbs the event sequence.
 */
#include "sim/simulation.h"

#include <stdio.h>

#include "ks_version.h"
#include "sched/scheduler.h"
#include "sim/node_agent.h"
#include "sim/progress.h"
#include "sim/recorder.h"
#include "sim/results.h"
#include "sim/sched_driver.h"
#include "sim/scheduler_setup.h"
#include "sim/store.h"
#include "sim/workload_feed.h"
#include "workloads/annotations.h"

void ks_run_report_clear(KsRunReport *r) {
  g_clear_pointer(&r->output, g_free);
}

static gboolean check_pod(const KsPod *pod, const char *file, guint line, guint column,
                          GError **error) {
  KsPodTiming timing;
  GError *local = NULL;
  if (ks_pod_read_timing(pod, &timing, &local))
    return TRUE;
  g_set_error(error, KS_ANNOTATION_ERROR, KS_ANNOTATION_ERROR_INVALID, "%s:%u:%u: %s", file, line,
              column, local->message);
  g_error_free(local);
  return FALSE;
}

gboolean ks_simulation_check_scenario(const KsScenario *s, GError **error) {
  for (guint b = 0; b < s->batches->len; b++) {
    const KsScenarioBatch *batch = s->batches->pdata[b];
    for (guint i = 0; i < batch->set->objects->len; i++) {
      const KsManifestObject *o = batch->set->objects->pdata[i];
      if (o->kind == KS_KIND_POD && !check_pod(o->u.pod, o->file, o->line, o->column, error))
        return FALSE;
    }
  }
  for (guint g = 0; g < s->generators->len; g++) {
    const KsGeneratorSpec *spec = s->generators->pdata[g];
    if (!check_pod(spec->template, s->file, spec->line, spec->column, error))
      return FALSE;
  }
  if (s->scheduler_config) {
    KsSchedulerConfigFile *config = ks_scheduler_config_load_file(s->scheduler_config, error);
    if (!config)
      return FALSE;
    ks_scheduler_config_free(config);
  }
  return TRUE;
}

/* Everything one run owns; freed in dependency order by world_free. */
typedef struct {
  KsEngine *engine;
  KsStore *store;
  KsSchedSetup *sched;
  KsRecorder *recorder;
  KsNodeAgent *agent;
  KsSchedDriver *driver;
  KsWorkloadFeed *feed;
} World;

static gboolean world_init(World *w, const KsScenario *scenario, const KsRunOptions *opts,
                           guint64 seed, GError **error) {
  KsSchedSetupOptions setup = {
    .config_path = opts->scheduler_config ? opts->scheduler_config : scenario->scheduler_config,
    .builtin_profile = opts->builtin_profile,
    .percentage_of_nodes_to_score = -1,
    .plugin_paths = opts->plugins,
    .seed = seed,
  };
  w->sched = ks_sched_setup_new(&setup, error);
  if (!w->sched)
    return FALSE;
  w->engine = ks_engine_new();
  w->store = ks_store_new(w->engine);
  /* Watch registration order is delivery order for each change: the
   * recorder first, so it sees a change before the components react. */
  w->recorder = ks_recorder_new(w->store);
  w->driver = ks_sched_driver_new(w->store, w->sched->sched, w->recorder);
  w->agent = ks_node_agent_new(w->store);
  w->feed = ks_workload_feed_new(w->store, scenario, seed);
  return TRUE;
}

static void world_free(World *w) {
  /* Components unwatch and cancel their events first; the engine then
   * drops what is left; the feed last, since queued arrivals point at it. */
  ks_sched_driver_free(w->driver);
  ks_node_agent_free(w->agent);
  ks_recorder_free(w->recorder);
  ks_store_free(w->store);
  ks_engine_free(w->engine);
  ks_workload_feed_free(w->feed);
  ks_sched_setup_free(w->sched);
}

static void set_metadata(KsResultsWriter *out, const KsScenario *scenario, const World *w,
                         guint64 seed) {
  ks_results_writer_set_attr_string(out, "scenario", scenario->name);
  ks_results_writer_set_attr_string(out, "scenario_file", scenario->file);
  ks_results_writer_set_attr_string(out, "profile", w->sched->profile_label);
  if (w->sched->config)
    ks_results_writer_set_attr_string(out, "scheduler_config", w->sched->config->file);
  ks_results_writer_set_attr_string(out, "kubernetes_semantics", "v1.31");
  ks_results_writer_set_attr_int(out, "seed", (gint64)seed);
  ks_results_writer_set_attr_int(out, "duration_us", scenario->duration_us);
  ks_results_writer_set_attr_int(out, "sample_interval_us", scenario->sample_interval_us);
  ks_results_writer_set_attr_int(out, "sim_end_us", scenario->duration_us);
}

static gboolean run_and_sample(World *w, const KsScenario *scenario, KsResultsWriter *out,
                               gboolean progress, GError **error) {
  KsProgress bar;
  ks_progress_init(&bar, progress);
  gboolean ok = TRUE;
  for (gint64 t = 0; ok; t += scenario->sample_interval_us) {
    gint64 at = MIN(t, scenario->duration_us);
    ks_engine_run_until(w->engine, at);
    ok = ks_recorder_sample(w->recorder, out, error);
    ks_progress_update(&bar, at, scenario->duration_us);
    if (at == scenario->duration_us)
      break;
  }
  ks_progress_finish(&bar);
  return ok;
}

gboolean ks_simulation_run(const KsScenario *scenario, const KsRunOptions *opts,
                           KsRunReport *report, GError **error) {
  *report = (KsRunReport){0};
  gint64 wall_start = g_get_monotonic_time();
  guint64 seed = opts->has_seed ? opts->seed : scenario->seed;
  const char *output = opts->output ? opts->output : scenario->output;
  if (!ks_simulation_check_scenario(scenario, error))
    return FALSE;

  World w = {0};
  KsResultsWriter *out = NULL;
  gboolean ok = world_init(&w, scenario, opts, seed, error);
  if (ok)
    ok = (out = ks_results_writer_open(output, error)) != NULL;
  if (ok) {
    set_metadata(out, scenario, &w, seed);
    ok = run_and_sample(&w, scenario, out, opts->progress, error) &&
         ks_recorder_write_rows(w.recorder, out, error);
  }
  if (ok) {
    KsSchedDriverStats stats;
    ks_sched_driver_get_stats(w.driver, &stats);
    report->cycles = stats.cycles;
    report->events = ks_engine_events_run(w.engine);
    report->pods_created = ks_recorder_pods_created(w.recorder);
    report->pods_bound = ks_recorder_pods_bound(w.recorder);
    report->pods_finished = ks_recorder_pods_finished(w.recorder);
    report->pods_rejected = ks_workload_feed_rejected(w.feed);
    ok = ks_results_writer_commit(out, error);
    out = NULL;
  }
  if (out)
    ks_results_writer_abort(out);
  world_free(&w);
  if (!ok)
    return FALSE;
  report->output = g_strdup(output);
  report->seed = seed;
  report->sim_end_us = scenario->duration_us;
  report->wall_seconds = (double)(g_get_monotonic_time() - wall_start) / 1e6;
  return TRUE;
}
