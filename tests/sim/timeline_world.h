/* A whole run's world built from a Scenario, as sim/simulation.c builds it
 * (recorder, scheduler driver, node agent, controller manager, workload
 * feed, timeline), but driven by the test: run to a time, look at the
 * store, watch what it likes. For tests of the timeline (sim/timeline.h)
 * that assert objects over time, which a results file does not hold.
 * Header-only (static functions) so each test file stays one executable. */
#pragma once
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sim/controllers/manager.h"
#include "sim/engine.h"
#include "sim/node_agent.h"
#include "sim/recorder.h"
#include "sim/sched_driver.h"
#include "sim/scheduler_setup.h"
#include "sim/store.h"
#include "sim/timeline.h"
#include "sim/workload_feed.h"
#include "workloads/scenario.h"

typedef struct {
  KsScenario *scenario;
  KsSchedSetup *sched;
  KsEngine *engine;
  KsStore *store;
  KsRecorder *recorder;
  KsSchedDriver *driver;
  KsNodeAgent *agent;
  KsControllerManager *controllers;
  KsWorkloadFeed *feed;
  KsTimeline *timeline;
} KsTestWorld;

/* The world of scenario s (transfer full: freed with the world). */
static inline void ks_test_world_init(KsTestWorld *w, KsScenario *s) {
  memset(w, 0, sizeof *w);
  w->scenario = s;
  GError *error = NULL;
  KsSchedSetupOptions setup = {.percentage_of_nodes_to_score = -1, .seed = s->seed};
  w->sched = ks_sched_setup_new(&setup, &error);
  if (!w->sched)
    fail_msg("%s", error->message);
  w->engine = ks_engine_new();
  w->store = ks_store_new(w->engine);
  w->recorder = ks_recorder_new(w->store);
  w->driver = ks_sched_driver_new(w->store, w->sched->sched, w->recorder);
  w->agent = ks_node_agent_new(w->store);
  KsControllerManagerOptions cm = {.reconcile_latency_us = s->controller_reconcile_latency_us,
                                   .seed = s->seed};
  w->controllers = ks_controller_manager_new(w->store, &cm);
  ks_controller_manager_start_builtin(w->controllers);
  w->feed = ks_workload_feed_new(w->store, s, s->seed);
  w->timeline = ks_timeline_new(w->store, s->timeline, s->file, s->seed);
}

/* The world of a scenario given as text (manifest paths relative to
 * tests/data). */
static inline void ks_test_world_init_text(KsTestWorld *w, const char *text) {
  GError *error = NULL;
  KsScenario *s = ks_scenario_load_string(text, strlen(text), "t.yaml", KSIM_TEST_DATA, &error);
  if (!s)
    fail_msg("%s", error->message);
  ks_test_world_init(w, s);
}

/* The world of tests/scenarios/<file>. */
static inline void ks_test_world_init_bundled(KsTestWorld *w, const char *file) {
  char *path = g_strdup_printf("%s/../scenarios/%s", KSIM_TEST_DATA, file);
  GError *error = NULL;
  KsScenario *s = ks_scenario_load_file(path, &error);
  if (!s)
    fail_msg("%s", error->message);
  g_free(path);
  ks_test_world_init(w, s);
}

static inline void ks_test_world_run(KsTestWorld *w, gint64 until_us) {
  ks_engine_run_until(w->engine, until_us);
}

/* In simulation.c's order: components first, the engine, then what queued
 * events point at. */
static inline void ks_test_world_free(KsTestWorld *w) {
  ks_controller_manager_free(w->controllers);
  ks_sched_driver_free(w->driver);
  ks_node_agent_free(w->agent);
  ks_recorder_free(w->recorder);
  ks_store_free(w->store);
  ks_engine_free(w->engine);
  ks_workload_feed_free(w->feed);
  ks_timeline_free(w->timeline);
  ks_sched_setup_free(w->sched);
  ks_scenario_free(w->scenario);
}

/* The warnings of the timeline so far, joined by newlines. transfer full */
static inline char *ks_test_world_warnings(const KsTestWorld *w) {
  const GPtrArray *warnings = ks_timeline_warnings(w->timeline);
  GString *s = g_string_new("");
  for (guint i = 0; i < warnings->len; i++)
    g_string_append_printf(s, "%s%s", i ? "\n" : "", (const char *)warnings->pdata[i]);
  return g_string_free(s, FALSE);
}
