/* The small world the workload-controller tests (DaemonSet, StatefulSet,
 * Job) run a controller in: an engine, a store, the node agent and, unless
 * the test binds pods itself, the scheduler with its driver. Smaller than
 * timeline_world.h's whole run: the test starts the controllers it needs
 * and watches what it likes.
 *
 * Watch order is delivery order, so a test registers the watches that must
 * see a change first between ks_ctl_world_open and ks_ctl_world_start.
 * Header-only (static functions) so each test file stays one executable. */
#pragma once
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib/gstdio.h>

#include "sched/node.h"
#include "sim/engine.h"
#include "sim/node_agent.h"
#include "sim/sched_driver.h"
#include "sim/scheduler_setup.h"
#include "sim/store.h"

typedef struct {
  KsEngine *engine;
  KsStore *store;
  KsSchedSetup *sched;   /* NULL without a scheduler */
  KsSchedDriver *driver; /* NULL without a scheduler */
  KsNodeAgent *agent;
} KsCtlWorld;

/* The engine and the store. */
static inline void ks_ctl_world_open(KsCtlWorld *w) {
  memset(w, 0, sizeof *w);
  w->engine = ks_engine_new();
  w->store = ks_store_new(w->engine);
}

/* The scheduler's setup from a KubeSchedulerConfiguration's text (NULL: the
 * default profile), seed 1. transfer full */
static inline KsSchedSetup *ks_ctl_sched_setup(const char *config) {
  GError *error = NULL;
  char *path = NULL;
  if (config) {
    int fd = g_file_open_tmp("ksim-ctl-XXXXXX.yaml", &path, &error);
    if (fd < 0)
      fail_msg("%s", error->message);
    close(fd);
    if (!g_file_set_contents(path, config, -1, &error))
      fail_msg("%s", error->message);
  }
  KsSchedSetupOptions o = {.config_path = path, .percentage_of_nodes_to_score = -1, .seed = 1};
  KsSchedSetup *setup = ks_sched_setup_new(&o, &error);
  if (!setup)
    fail_msg("%s", error->message);
  if (path)
    g_unlink(path);
  g_free(path);
  return setup;
}

/* With a scheduler (sched_config as ks_ctl_sched_setup takes it) and its
 * driver, then the node agent; without, the node agent only. */
static inline void ks_ctl_world_start(KsCtlWorld *w, gboolean scheduler, const char *sched_config) {
  if (scheduler) {
    w->sched = ks_ctl_sched_setup(sched_config);
    w->driver = ks_sched_driver_new(w->store, w->sched->sched, NULL);
  }
  w->agent = ks_node_agent_new(w->store);
}

/* Frees the world once the test has freed its controllers. */
static inline void ks_ctl_world_close(KsCtlWorld *w) {
  if (w->driver)
    ks_sched_driver_free(w->driver);
  ks_node_agent_free(w->agent);
  ks_store_free(w->store);
  ks_engine_free(w->engine);
  if (w->sched)
    ks_sched_setup_free(w->sched);
}

/* A node of 4 cpu, 8 GiB and 110 pods labelled kubernetes.io/hostname.
 * transfer full */
static inline KsNode *ks_ctl_node_new(const char *name) {
  KsNode *n = ks_node_new(name);
  ks_labels_set(&n->labels, "kubernetes.io/hostname", name);
  ks_resource_list_set(&n->allocatable, "cpu", 4000);
  ks_resource_list_set(&n->allocatable, "memory", (gint64)8 << 30);
  ks_resource_list_set(&n->allocatable, "pods", 110);
  ks_resource_list_copy(&n->capacity, &n->allocatable);
  return n;
}

/* Creates node n (transfer full). */
static inline void ks_ctl_world_add_node(KsCtlWorld *w, KsNode *n) {
  assert_true(ks_store_create(w->store, KS_STORE_NODE, NULL, n->name, n,
                              (GDestroyNotify)ks_node_unref, NULL));
}
