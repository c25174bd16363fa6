/* See ttl_after_finished.h. */
#include "sim/controllers/ttl_after_finished.h"

#include "sim/controllers/deletion.h"
#include "workloads/batch.h"

/* jobFinishTime: the finished condition's lastTransitionTime. */
static gint64 finish_time(const KsJob *j) {
  const char *types[] = {KS_JOB_COND_COMPLETE, KS_JOB_COND_FAILED};
  for (guint i = 0; i < G_N_ELEMENTS(types); i++) {
    const KsCondition *c = ks_conditions_get(j->conditions, types[i]);
    if (c && c->status == KS_CONDITION_TRUE)
      return c->last_transition_time_us;
  }
  return -1;
}

gint64 ks_ttl_after_finished_expiry(gconstpointer data) {
  const KsJob *j = data;
  if (!j->has_ttl_seconds_after_finished || j->meta.deletion_timestamp_us)
    return -1;
  gint64 f = finish_time(j);
  return f < 0 ? -1 : f + (gint64)j->ttl_seconds_after_finished * G_USEC_PER_SEC;
}

static void consider(KsController *c, const KsStoreObject *obj) {
  if (ks_ttl_after_finished_expiry(obj->data) >= 0)
    ks_controller_enqueue(c, obj);
}

static void job_add(KsController *c, gpointer self, const KsStoreObject *obj) {
  consider(c, obj);
}

static void job_update(KsController *c, gpointer self, const KsStoreObject *old_obj,
                       const KsStoreObject *new_obj) {
  consider(c, new_obj);
}

static KsSyncResult sync(KsController *c, gpointer self, const char *key) {
  KsStore *store = ks_controller_store(c);
  char *ns = NULL, *name = NULL;
  ks_controller_split_key(key, &ns, &name);
  const KsStoreObject *o = ks_store_get(store, KS_STORE_JOB, ns, name);
  KsSyncResult r = KS_SYNC_DONE;
  gint64 expiry = o ? ks_ttl_after_finished_expiry(o->data) : -1;
  gint64 now = ks_controller_now(c);
  if (expiry >= 0 && expiry > now)
    ks_controller_enqueue_after(c, key, expiry - now);
  else if (expiry >= 0 &&
           !ks_object_delete(store, KS_STORE_JOB, ns, name, KS_PROPAGATION_FOREGROUND, NULL))
    r = KS_SYNC_RETRY;
  g_free(ns);
  g_free(name);
  return r;
}

static gpointer init(KsController *c) {
  static const KsInformerHandlers jobs = {job_add, job_update, NULL};
  ks_controller_watch(c, KS_STORE_JOB, &jobs, 0);
  return NULL;
}

const KsControllerClass ks_ttl_after_finished_controller_class = {
    .name = "ttl-after-finished",
    .default_workers = KS_TTL_AFTER_FINISHED_DEFAULT_WORKERS,
    .init = init,
    .sync = sync,
    .free = NULL,
};
