/* See simulation.h.
 *
 * Sampling is done between engine runs rather than as an engine event: the
 * run advances to each sampling instant t with ks_engine_run_until(t), which
 * runs every event at or before t, and then samples. So a sample at t is
 * the state at the end of instant t, whatever order same-time events were
 * queued in, and sampling never perturbs the event sequence.
 */
#include "sim/controllers/cron.h"
#include "sim/simulation.h"

#include <stdio.h>
#include <string.h>

#include "ks_version.h"
#include "sched/scheduler.h"
#include "sim/controllers/manager.h"
#include "sim/fgd_setup.h"
#include "sim/metrics_run.h"
#include "sim/kubelet/eviction_record.h"
#include "sim/kubelet/image_manager.h"
#include "sim/kubelet/image_results.h"
#include "sim/kubelet/kubelet_results.h"
#include "sim/controllers/node_lifecycle.h"
#include "sim/controllers/taint_eviction.h"
#include "sim/node_agent.h"
#include "workloads/kubelet_config.h"
#include "sim/node_faults.h"
#include "sim/pod_gc.h"
#include "sim/progress.h"
#include "sim/recorder.h"
#include "sim/results.h"
#include "sim/sched_driver.h"
#include "sim/scheduler_setup.h"
#include "sim/store.h"
#include "sim/timeline.h"
#include "sim/trace_feed.h"
#include "sim/workload_feed.h"
#include "workloads/annotations.h"
#include "workloads/usage.h"

void ks_run_report_clear(KsRunReport *r) {
  g_clear_pointer(&r->output, g_free);
}

static gboolean check_pod(const KsPod *pod, const char *file, guint line, guint column,
                          GError **error) {
  KsPodTiming timing;
  KsPodUsage usage;
  GError *local = NULL;
  gint64 deadline;
  gboolean ok = ks_pod_read_timing(pod, &timing, &local) &&
                ks_pod_check_container_timing(pod, &local) && ks_pod_read_usage(pod, &usage, &local);
  if (ok) {
    ks_pod_usage_clear(&usage);
    ok = ks_metrics_pod_deadline(pod, &deadline, &local);
  }
  if (ok)
    return TRUE;
  g_set_error(error, KS_ANNOTATION_ERROR, KS_ANNOTATION_ERROR_INVALID, "%s:%u:%u: %s", file, line,
              column, local->message);
  g_error_free(local);
  return FALSE;
}

/* A CronJob's schedule and time zone as the API server validates them
 * (ValidateCronJobSpec): a schedule the controller could not parse is
 * refused at load, not left to never fire; so is a zone the system's tz
 * database does not have (upstream's time.LoadLocation). */
static gboolean check_cron_job(const KsCronJob *cj, const char *file, guint line, guint column,
                               GError **error) {
  GError *local = NULL;
  KsCronSchedule *sched = ks_cron_parse(cj->schedule ? cj->schedule : "", &local);
  if (sched) {
    ks_cron_free(sched);
    GTimeZone *zone = ks_cron_time_zone(cj->time_zone, &local);
    if (zone) {
      g_time_zone_unref(zone);
      return TRUE;
    }
    g_set_error(error, KS_CRON_ERROR, local->code,
                "%s:%u:%u: spec.timeZone: Invalid value: \"%s\": %s", file, line, column,
                cj->time_zone, local->message);
    g_error_free(local);
    return FALSE;
  }
  g_set_error(error, KS_CRON_ERROR, local->code, "%s:%u:%u: spec.schedule: Invalid value: \"%s\": %s",
              file, line, column, cj->schedule ? cj->schedule : "", local->message);
  g_error_free(local);
  return FALSE;
}

/* A node's ksim.io/image-pull-bandwidth (sim/kubelet/image_manager.h). */
static gboolean check_node(const KsNode *node, const char *file, guint line, guint column,
                           GError **error) {
  gint64 bw;
  GError *local = NULL;
  if (ks_image_node_bandwidth(node, &bw, &local))
    return TRUE;
  g_set_error(error, KS_ANNOTATION_ERROR, KS_ANNOTATION_ERROR_INVALID, "%s:%u:%u: %s", file, line,
              column, local->message);
  g_error_free(local);
  return FALSE;
}

gboolean ks_simulation_check_object(const KsManifestObject *o, GError **error) {
  switch (o->kind) {
  case KS_KIND_POD: return check_pod(o->u.pod, o->file, o->line, o->column, error);
  case KS_KIND_NODE: return check_node(o->u.node, o->file, o->line, o->column, error);
  case KS_KIND_CRON_JOB: return check_cron_job(o->u.cron_job, o->file, o->line, o->column, error);
  default: return TRUE;
  }
}

gboolean ks_simulation_check_scenario(const KsScenario *s, GError **error) {
  for (guint p = 0; p < s->node_pools->len; p++) {
    const KsNodePool *pool = s->node_pools->pdata[p];
    if (!check_node(pool->template, s->file, pool->line, pool->column, error))
      return FALSE;
  }
  for (guint b = 0; b < s->batches->len; b++) {
    const KsScenarioBatch *batch = s->batches->pdata[b];
    for (guint i = 0; i < batch->set->objects->len; i++)
      if (!ks_simulation_check_object(batch->set->objects->pdata[i], error))
        return FALSE;
  }
  for (guint a = 0; s->timeline && a < s->timeline->len; a++) {
    const KsTimelineAction *action = s->timeline->pdata[a];
    for (guint i = 0; action->objects && i < action->objects->objects->len; i++)
      if (!ks_simulation_check_object(action->objects->objects->pdata[i], error))
        return FALSE;
  }
  for (guint g = 0; g < s->generators->len; g++) {
    const KsGeneratorSpec *spec = s->generators->pdata[g];
    if (!check_pod(spec->template, s->file, spec->line, spec->column, error))
      return FALSE;
  }
  if (!ks_metrics_check_scenario(s, error))
    return FALSE;
  if (s->scheduler_config) {
    KsSchedulerConfigFile *config = ks_scheduler_config_load_file(s->scheduler_config, error);
    if (!config)
      return FALSE;
    ks_scheduler_config_free(config);
  }
  /* spec.kubeletConfig and the pools' kubeletConfig files */
  KsKubeletConfigs *kubelets = ks_kubelet_configs_load(s, error);
  if (!kubelets)
    return FALSE;
  ks_kubelet_configs_unref(kubelets);
  return TRUE;
}

/* Everything one run owns; freed in dependency order by world_free. */
typedef struct {
  KsEngine *engine;
  KsStore *store;
  KsSchedSetup *sched;
  KsRecorder *recorder;
  KsMetricsWatch *metrics; /* counts for the metrics (restarts) */
  KsEvictionRecord *evictions; /* every eviction, for /kubelet */
  KsNodeAgent *agent;
  KsSchedDriver *driver;
  KsWorkloadFeed *feed;
  KsTraceFeed *trace;      /* NULL without a trace */
  KsTimeline *timeline;    /* NULL without spec.timeline */
  KsPodGc *gc;
  KsControllerManager *controllers;
  KsNodeFaults *faults;    /* spec.faults (no events without entries) */
  KsKubeletConfig *kubelet_config; /* spec.kubeletConfig; NULL: the v1.31 defaults. Every
                                      node's kubelet reads it through
                                      ks_eviction_manager_config(ks_node_agent_evictions()) */
  KsKubeletConfigs *kubelets;      /* every node's configuration: spec.kubeletConfig and the
                                      pools' own (node registration, eviction, images, kubepods) */
} World;

static gboolean trace_has_overrides(const KsRunOptions *o) {
  return o->trace_path || o->trace_format || o->trace_params || o->trace_skip_bad_rows ||
         o->replay;
}

static gboolean apply_replay_option(KsScenarioTrace *t, const char *kv, GError **error) {
  const char *eq = strchr(kv, '=');
  GError *inner = NULL;
  char *key = eq ? g_strndup(kv, (gsize)(eq - kv)) : g_strdup(kv);
  gboolean ok = eq && ks_scenario_trace_set(t, key, eq + 1, &inner);
  if (!ok)
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_OPTION, "--replay %s: %s", kv,
                inner ? inner->message : "expected key=value");
  g_clear_error(&inner);
  g_free(key);
  return ok;
}

KsScenarioTrace *ks_simulation_trace_options(const KsScenario *scenario, const KsRunOptions *opts,
                                             GError **error) {
  if (!scenario->trace && !trace_has_overrides(opts))
    return NULL;
  KsScenarioTrace *t =
      scenario->trace ? ks_scenario_trace_copy(scenario->trace) : ks_scenario_trace_new();
  gboolean ok = TRUE;
  if (opts->trace_path)
    ks_scenario_trace_set(t, "path", opts->trace_path, NULL);
  if (opts->trace_format)
    ks_scenario_trace_set(t, "format", opts->trace_format, NULL);
  if (opts->trace_skip_bad_rows)
    t->skip_bad_rows = TRUE;
  if (opts->trace_params) {
    g_ptr_array_remove_index(t->params, t->params->len - 1); /* the NULL */
    for (guint i = 0; opts->trace_params[i]; i++)
      g_ptr_array_add(t->params, g_strdup(opts->trace_params[i]));
    g_ptr_array_add(t->params, NULL);
  }
  for (guint i = 0; ok && opts->replay && opts->replay[i]; i++)
    ok = apply_replay_option(t, opts->replay[i], error);
  GError *inner = NULL;
  if (ok && !ks_scenario_trace_check(t, &inner)) {
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_OPTION, "trace: %s", inner->message);
    g_error_free(inner);
    ok = FALSE;
  }
  if (!ok) {
    ks_scenario_trace_free(t);
    return NULL;
  }
  return t;
}

static gboolean trace_init(World *w, const KsScenarioTrace *t, guint64 seed, GError **error) {
  KsTraceSource *src = ks_trace_feed_open_source(t, error);
  if (!src)
    return FALSE;
  KsTraceFeedOptions fo = {
      .spec = t, .seed = seed, .sched = w->sched->sched, .kubelets = w->kubelets};
  w->trace = ks_trace_feed_new(w->store, src, &fo);
  return TRUE;
}

static gboolean world_init(World *w, const KsScenario *scenario, const KsRunOptions *opts,
                           const KsScenarioTrace *trace, guint64 seed, GError **error) {
  KsSchedSetupOptions setup = {
    .config_path = opts->scheduler_config ? opts->scheduler_config : scenario->scheduler_config,
    .builtin_profile = opts->builtin_profile,
    .tie_break = opts->tie_break,
    .percentage_of_nodes_to_score = -1,
    .plugin_paths = opts->plugins,
    .seed = seed,
  };
  w->sched = ks_sched_setup_new(&setup, error);
  if (!w->sched || !ks_sim_fgd_setup(w->sched, scenario, trace, error))
    return FALSE;
  w->engine = ks_engine_new();
  w->store = ks_store_new(w->engine);
  /* Watch registration order is delivery order for each change: the
   * recorder first, so it sees a change before the components react. */
  w->recorder = ks_recorder_new(w->store);
  w->metrics = ks_metrics_watch_new(w->store);
  w->evictions = ks_eviction_record_new(w->store);
  w->driver = ks_sched_driver_new(w->store, w->sched->sched, w->recorder);
  w->agent = ks_node_agent_new_seeded(w->store, seed);
  w->kubelets = ks_kubelet_configs_load(scenario, error);
  if (!w->kubelets)
    return FALSE;
  if ((w->kubelet_config = ks_kubelet_configs_default(w->kubelets))) {
    ks_kubelet_config_ref(w->kubelet_config);
    ks_eviction_manager_set_config(ks_node_agent_evictions(w->agent), w->kubelet_config);
  }
  ks_eviction_manager_set_kubelets(ks_node_agent_evictions(w->agent), w->kubelets);
  ks_kubelet_model_set_kubelets(ks_node_agent_model(w->agent), w->kubelets);
  if (scenario->images) { /* the image model (docs/node-agent.md "Start-up: image pulls") */
    KsImagePullOptions images;
    ks_image_pull_options_init(&images, scenario->images);
    images.seed = seed;
    const KsKubeletConfig *kc = w->kubelet_config; /* spec.kubeletConfig, else the defaults */
    if (kc)
      ks_image_pull_options_set_config(&images, kc);
    ks_node_agent_enable_images(w->agent, &images);
    if (ks_kubelet_configs_has_pools(w->kubelets)) /* the pools' own settings */
      ks_image_manager_set_kubelets(ks_node_agent_images(w->agent), w->kubelets);
  }
  /* The controllers watch after the components that act on pods, so a
   * change reaches the scheduler and the node agent before a controller
   * reacts to it (docs/controllers.md). */
  KsControllerManagerOptions cm = {
    .reconcile_latency_us = scenario->controller_reconcile_latency_us, .seed = seed};
  w->controllers = ks_controller_manager_new(w->store, &cm);
  ks_controller_manager_start_builtin(w->controllers);
  /* Node health and NoExecute evictions (docs/controllers.md "Node
   * lifecycle"): without node faults or node conditions they write nothing. */
  ks_controller_manager_start(w->controllers, &ks_node_lifecycle_controller_class);
  ks_controller_manager_start(w->controllers, &ks_taint_eviction_controller_class);
  w->feed = ks_workload_feed_new(w->store, scenario, seed);
  ks_workload_feed_set_kubelets(w->feed, w->kubelets); /* the nodes' allocatable */
  /* After the feed: at one instant, the scenario's workloads are applied
   * before the timeline's actions. */
  if (scenario->timeline && scenario->timeline->len > 0)
    w->timeline = ks_timeline_new(w->store, scenario->timeline, scenario->file, seed);
  if (w->timeline)
    ks_timeline_set_kubelets(w->timeline, w->kubelets);
  w->faults = ks_node_faults_new(w->store, scenario->faults, seed);
  /* After the workload feed: the scenario's node pools exist (time 0,
   * queued first) when the trace's first event is applied. */
  if (trace && !trace_init(w, trace, seed, error))
    return FALSE;
  /* The pod garbage collector watches last: it only deletes at its own
   * checks, never in reaction to a change, so it must not come between a
   * change and the components reacting to it. */
  w->gc = ks_pod_gc_new(w->store, opts->has_pod_gc_threshold ? opts->pod_gc_threshold
                                                             : KS_POD_GC_DEFAULT_THRESHOLD);
  return TRUE;
}

static void world_free(World *w) {
  /* Components unwatch and cancel their events first; the engine then
   * drops what is left; the feed last, since queued arrivals point at it. */
  ks_pod_gc_free(w->gc);
  ks_node_faults_free(w->faults);
  ks_controller_manager_free(w->controllers);
  ks_sched_driver_free(w->driver);
  ks_node_agent_free(w->agent);
  ks_recorder_free(w->recorder);
  ks_metrics_watch_free(w->metrics);
  ks_eviction_record_free(w->evictions);
  ks_store_free(w->store);
  ks_engine_free(w->engine);
  ks_workload_feed_free(w->feed);
  ks_timeline_free(w->timeline);
  ks_trace_feed_free(w->trace);
  ks_sched_setup_free(w->sched);
  ks_kubelet_config_unref(w->kubelet_config);
  ks_kubelet_configs_unref(w->kubelets);
}

static void set_metadata(KsResultsWriter *out, const KsScenario *scenario, const World *w,
                         guint64 seed) {
  ks_results_writer_set_attr_string(out, "scenario", scenario->name);
  ks_results_writer_set_attr_string(out, "scenario_file", scenario->file);
  ks_results_writer_set_attr_string(out, "profile", w->sched->profile_label);
  if (w->sched->config)
    ks_results_writer_set_attr_string(out, "scheduler_config", w->sched->config->file);
  if (w->kubelet_config)
    ks_results_writer_set_attr_string(out, "kubelet_config", w->kubelet_config->file);
  ks_results_writer_set_attr_string(out, "kubernetes_semantics", "v1.31");
  ks_results_writer_set_attr_int(out, "seed", (gint64)seed);
  ks_results_writer_set_attr_int(out, "duration_us", scenario->duration_us);
  ks_results_writer_set_attr_int(out, "sample_interval_us", scenario->sample_interval_us);
  ks_results_writer_set_attr_int(out, "sim_end_us", scenario->duration_us);
}

static void set_trace_metadata(KsResultsWriter *out, const KsScenarioTrace *t) {
  ks_results_writer_set_attr_string(out, "trace_path", t->path);
  ks_results_writer_set_attr_string(out, "trace_format", t->format ? t->format : "ksim");
  ks_results_writer_set_attr_string(out, "replay_mode",
                                    t->mode == KS_REPLAY_MODE_FILL ? "fill" : "replay");
  ks_results_writer_set_attr_int(out, "replay_speed_ppm", t->speed_ppm);
  ks_results_writer_set_attr_int(out, "replay_window_start_us", t->start_us);
  if (t->end_us != G_MAXINT64)
    ks_results_writer_set_attr_int(out, "replay_window_end_us", t->end_us);
}

/* A failed trace feed ends the run with its error. */
static gboolean trace_ok(const World *w, GError **error) {
  const GError *e = w->trace ? ks_trace_feed_error(w->trace) : NULL;
  if (!e)
    return TRUE;
  g_set_error_literal(error, e->domain, e->code, e->message);
  return FALSE;
}

static gboolean run_and_sample(World *w, const KsScenario *scenario, KsResultsWriter *out,
                               gboolean progress, GError **error) {
  KsProgress bar;
  ks_progress_init(&bar, progress);
  gboolean ok = TRUE;
  for (gint64 t = 0; ok; t += scenario->sample_interval_us) {
    gint64 at = MIN(t, scenario->duration_us);
    ks_engine_run_until(w->engine, at);
    ok = trace_ok(w, error) && ks_recorder_sample(w->recorder, out, error);
    ks_kubelet_model_sample(ks_node_agent_model(w->agent));
    ks_progress_update(&bar, at, scenario->duration_us);
    if (at == scenario->duration_us)
      break;
  }
  ks_progress_finish(&bar);
  return ok;
}

static void report_trace(KsRunReport *report, const World *w, KsResultsWriter *out) {
  KsTraceFeedStats st;
  ks_trace_feed_get_stats(w->trace, &st);
  report->traced = TRUE;
  report->trace_events = st.events;
  report->trace_skipped_rows = st.skipped_rows;
  report->pods_given_up = st.pods_given_up;
  report->pods_rejected += st.pods_rejected;
  ks_results_writer_set_attr_int(out, "trace_events", (gint64)st.events);
  ks_results_writer_set_attr_int(out, "trace_skipped_rows", (gint64)st.skipped_rows);
  ks_results_writer_set_attr_int(out, "pods_given_up", (gint64)st.pods_given_up);
  ks_results_writer_set_attr_int(out, "pods_resampled_in", (gint64)st.pods_resampled_in);
  ks_results_writer_set_attr_int(out, "pods_resampled_out", (gint64)st.pods_resampled_out);
  ks_results_writer_set_attr_int(out, "nodes_excluded", (gint64)st.nodes_excluded);
}

/* Only with a timeline, so other runs' files stay as they were. */
static void report_timeline(const World *w, KsResultsWriter *out) {
  const GPtrArray *warnings = ks_timeline_warnings(w->timeline);
  GString *text = g_string_new(NULL);
  for (guint i = 0; i < warnings->len; i++)
    g_string_append_printf(text, "%s%s", i ? "\n" : "", (const char *)warnings->pdata[i]);
  ks_results_writer_set_attr_int(out, "timeline_actions", (gint64)ks_timeline_actions_run(w->timeline));
  ks_results_writer_set_attr_int(out, "timeline_warnings",
                                 (gint64)ks_timeline_warning_count(w->timeline));
  ks_results_writer_set_attr_string(out, "timeline_warning_messages", text->str);
  g_string_free(text, TRUE);
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
  GError *trace_error = NULL;
  KsScenarioTrace *trace = ks_simulation_trace_options(scenario, opts, &trace_error);
  if (trace_error) {
    g_propagate_error(error, trace_error);
    return FALSE;
  }
  gboolean ok = world_init(&w, scenario, opts, trace, seed, error);
  if (ok)
    ok = (out = ks_results_writer_open(output, error)) != NULL;
  if (ok) {
    set_metadata(out, scenario, &w, seed);
    if (trace)
      set_trace_metadata(out, trace);
    ok = run_and_sample(&w, scenario, out, opts->progress, error) &&
         ks_recorder_write_rows(w.recorder, out, error) &&
         ks_kubelet_results_write(out, ks_node_agent_model(w.agent), w.evictions, error) &&
         ks_image_results_write(out, ks_node_agent_images(w.agent), error);
  }
  if (ok) {
    KsSchedDriverStats stats;
    ks_sched_driver_get_stats(w.driver, &stats);
    report->cycles = stats.cycles;
    report->nodes_examined = stats.nodes_examined;
    report->events = ks_engine_events_run(w.engine);
    report->pods_created = ks_recorder_pods_created(w.recorder);
    report->pods_bound = ks_recorder_pods_bound(w.recorder);
    report->pods_finished = ks_recorder_pods_finished(w.recorder);
    report->pods_rejected = ks_workload_feed_rejected(w.feed);
    report->pods_garbage_collected = ks_pod_gc_deleted(w.gc);
    if (w.trace)
      report_trace(report, &w, out);
    if (w.timeline)
      report_timeline(&w, out);
    /* Only with spec.faults, so other runs' files stay as they were. */
    if (scenario->faults->len)
      ks_results_writer_set_attr_int(out, "node_failures",
                                     (gint64)ks_node_faults_failures(w.faults));
    ks_metrics_record_run(out, scenario, &stats, w.metrics, ks_node_agent_model(w.agent),
                          opts->record_wall_time);
    ok = ks_results_writer_commit(out, error);
    out = NULL;
  }
  if (out)
    ks_results_writer_abort(out);
  world_free(&w);
  ks_scenario_trace_free(trace);
  if (!ok)
    return FALSE;
  report->output = g_strdup(output);
  report->seed = seed;
  report->sim_end_us = scenario->duration_us;
  report->wall_seconds = (double)(g_get_monotonic_time() - wall_start) / 1e6;
  return TRUE;
}
