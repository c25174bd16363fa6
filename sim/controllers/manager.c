/* See manager.h. */
#include "sim/controllers/manager.h"

#include <string.h>

#include "sim/controllers/daemonset.h"
#include "sim/controllers/deployment.h"
#include "sim/controllers/pv_controller.h"
#include "sim/controllers/garbage_collector.h"
#include "sim/controllers/replica_set.h"
#include "sim/controllers/replication_controller.h"
#include "sim/controllers/statefulset.h"
#include "sim/controllers/cronjob.h"
#include "sim/controllers/job.h"
#include "sim/controllers/ttl_after_finished.h"

/* The built-in controllers, in start order. Add a controller's class here
 * (declared in its header) to run it in every simulation. */
static const KsControllerClass *const builtin[] = {
  &ks_deployment_controller_class,
  &ks_replica_set_controller_class,
  &ks_replication_controller_class,
  &ks_daemonset_controller_class,
  &ks_statefulset_controller_class,
  &ks_job_controller_class,
  &ks_pv_controller_class,
  &ks_garbage_collector_class,
  &ks_cronjob_controller_class,
  &ks_ttl_after_finished_controller_class,
  NULL,
};

struct KsControllerManager {
  KsStore *store;
  KsControllerManagerOptions options;
  GPtrArray *controllers; /* KsController* (owned), start order */
};

KsControllerManager *ks_controller_manager_new(KsStore *store,
                                               const KsControllerManagerOptions *options) {
  KsControllerManager *m = g_new0(KsControllerManager, 1);
  m->store = store;
  m->options = *options;
  m->controllers = g_ptr_array_new();
  return m;
}

void ks_controller_manager_free(KsControllerManager *m) {
  if (!m)
    return;
  for (guint i = m->controllers->len; i > 0; i--)
    ks_controller_free(m->controllers->pdata[i - 1]);
  g_ptr_array_unref(m->controllers);
  g_free(m);
}

KsController *ks_controller_manager_start(KsControllerManager *m, const KsControllerClass *cls) {
  KsControllerOptions o;
  ks_controller_options_default(&o);
  o.reconcile_latency_us = m->options.reconcile_latency_us;
  o.seed = m->options.seed;
  KsController *c = ks_controller_new(cls, m->store, &o);
  g_ptr_array_add(m->controllers, c);
  return c;
}

void ks_controller_manager_start_builtin(KsControllerManager *m) {
  for (const KsControllerClass *const *cls = builtin; *cls; cls++)
    ks_controller_manager_start(m, *cls);
}

KsController *ks_controller_manager_get(const KsControllerManager *m, const char *name) {
  for (guint i = 0; i < m->controllers->len; i++)
    if (strcmp(ks_controller_name(m->controllers->pdata[i]), name) == 0)
      return m->controllers->pdata[i];
  return NULL;
}

const KsControllerClass *const *ks_controller_manager_builtin(void) { return builtin; }
