/* See node_agent.h. Each started pod has at most one pending engine event
 * (start, then finish) carrying the pod's key; the handler re-reads the pod
 * from the store, so a pod deleted in the meantime is simply skipped. */
#include "sim/node_agent.h"

#include "sched/objects.h"
#include "workloads/annotations.h"

struct KsNodeAgent {
  KsStore *store;
  KsEngine *engine;
  guint watch;
};

typedef struct {
  KsNodeAgent *agent;
  char *namespace;
  char *name;
  gint64 run_time_us;
} PodTask;

static void pod_task_free(gpointer p) {
  PodTask *t = p;
  g_free(t->namespace);
  g_free(t->name);
  g_free(t);
}

static const KsPod *current_pod(KsNodeAgent *a, const PodTask *t, guint64 *rv) {
  const KsStoreObject *obj = ks_store_get(a->store, KS_STORE_POD, t->namespace, t->name);
  if (!obj)
    return NULL;
  *rv = obj->resource_version;
  return obj->data;
}

/* Writes a copy of the pod with a new phase, as the kubelet's status update. */
static void set_phase(KsNodeAgent *a, const KsPod *pod, guint64 rv, KsPodPhase phase) {
  KsPod *copy = ks_pod_copy(pod);
  copy->phase = phase;
  GError *error = NULL;
  if (!ks_store_update(a->store, KS_STORE_POD, pod->namespace, pod->name, copy,
                       (GDestroyNotify)ks_pod_unref, rv, &error)) {
    g_warning("node agent: %s", error->message);
    g_error_free(error);
  }
}

static void finish_pod(KsEngine *e, gpointer data) {
  PodTask *t = data;
  guint64 rv = 0;
  const KsPod *pod = current_pod(t->agent, t, &rv);
  if (pod && pod->phase == KS_POD_RUNNING)
    set_phase(t->agent, pod, rv, KS_POD_SUCCEEDED);
}

static void start_pod(KsEngine *e, gpointer data) {
  PodTask *t = data;
  KsNodeAgent *a = t->agent;
  guint64 rv = 0;
  const KsPod *pod = current_pod(a, t, &rv);
  if (!pod || pod->phase != KS_POD_PENDING)
    return;
  set_phase(a, pod, rv, KS_POD_RUNNING);
  if (t->run_time_us == KS_RUN_TIME_FOREVER)
    return;
  PodTask *next = g_new0(PodTask, 1);
  *next = (PodTask){a, g_strdup(t->namespace), g_strdup(t->name), t->run_time_us};
  ks_engine_schedule_after(e, t->run_time_us, finish_pod, next, pod_task_free);
}

static void on_bound(KsNodeAgent *a, const KsPod *pod) {
  KsPodTiming timing;
  GError *error = NULL;
  /* Annotations were validated when the workload was loaded; a pod that
   * still fails here came from elsewhere and runs with the defaults. */
  if (!ks_pod_read_timing(pod, &timing, &error)) {
    g_warning("node agent: %s", error->message);
    g_clear_error(&error);
    timing = (KsPodTiming){KS_RUN_TIME_FOREVER, KS_DEFAULT_START_LATENCY_US};
  }
  PodTask *t = g_new0(PodTask, 1);
  *t = (PodTask){a, g_strdup(pod->namespace), g_strdup(pod->name), timing.run_time_us};
  ks_engine_schedule_after(a->engine, timing.start_latency_us, start_pod, t, pod_task_free);
}

static void pod_watch(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                      const KsStoreObject *new_obj, gpointer user_data) {
  KsNodeAgent *a = user_data;
  const KsPod *pod = new_obj ? new_obj->data : NULL;
  if (!pod || !pod->node_name || pod->phase != KS_POD_PENDING)
    return;
  const KsPod *old = old_obj ? old_obj->data : NULL;
  if (type == KS_WATCH_ADDED || (old && !old->node_name))
    on_bound(a, pod);
}

KsNodeAgent *ks_node_agent_new(KsStore *store) {
  KsNodeAgent *a = g_new0(KsNodeAgent, 1);
  a->store = store;
  a->engine = ks_store_get_engine(store);
  a->watch = ks_store_watch(store, KS_STORE_POD, pod_watch, a);
  return a;
}

void ks_node_agent_free(KsNodeAgent *a) {
  if (!a)
    return;
  ks_store_unwatch(a->store, a->watch);
  g_free(a);
}
