/* See node_agent.h. Each started pod has at most one pending engine event
 * (start, then finish) carrying the pod's key; the handler re-reads the pod
 * from the store, so a pod deleted in the meantime is simply skipped.
 *
 * GPU use: per node an array of used milli per GPU (sized by the node's GPU
 * count when the first GPU pod lands there), per pod the node and GPUs it
 * holds, so a pod leaving subtracts exactly what it added; a changed
 * gpu-index (a pod bound before the scheduler recorded its GPUs) moves it.
 * O(GPUs of the node) per GPU pod event, nothing for other pods. */
#include "sim/node_agent.h"

#include "sched/gpu.h"
#include "sched/objects.h"
#include "sim/kubelet/config_refs.h"
#include "sim/kubelet/eviction_manager.h"
#include "sim/kubelet/image_pull_policy.h"
#include "sim/kubelet/pod_phase.h"
#include "sim/kubelet/pod_termination.h"
#include "sim/kubelet/resource_model.h"
#include "sim/node_faults.h"
#include "workloads/annotations.h"
#include "workloads/usage.h"

struct KsNodeAgent {
  KsStore *store;
  KsEngine *engine;
  guint watch;
  GHashTable *gpu_nodes; /* node name -> GpuNode* */
  GHashTable *gpu_pods;  /* "ns/name" -> GpuHold* */
  gint64 gpu_used;       /* milli in use, all nodes */
  guint gpus_busy;       /* GPUs with used > 0 */
  KsKubeletModel *model; /* runs the pods with a usage profile (docs/node-agent.md) */
  GHashTable *down;      /* node name -> GPtrArray of Held: kubelets down (node faults) */
  guint node_watch;
  GPtrArray *blocked;    /* PodTask*: pods waiting for a ConfigMap or Secret, in order */
  guint config_watch, secret_watch;
  KsEvictionManager *evictions; /* node-pressure eviction over the model's usage */
  KsImageManager *images; /* image pulls; NULL without an image model */
  GPtrArray *never_blocked; /* PodTask*: pods waiting with ErrImageNeverPull, in order */
  KsPodTermination *termination; /* the kubelets' part of graceful deletion */
};

typedef struct {
  guint count;
  gint32 *used; /* [count] */
} GpuNode;

typedef struct {
  char *node;
  KsGpuAssignment gpu;
} GpuHold;

static void gpu_node_free(gpointer p) {
  GpuNode *n = p;
  g_free(n->used);
  g_free(n);
}

static void gpu_hold_free(gpointer p) {
  GpuHold *h = p;
  g_free(h->node);
  g_free(h);
}

typedef struct {
  KsNodeAgent *agent;
  char *namespace;
  char *name;
  gint64 run_time_us;
  char *uid; /* image path: the pod it was made for (a pod recreated under its name is another) */
} PodTask;

static void pod_task_free(gpointer p) {
  PodTask *t = p;
  g_free(t->uid);
  g_free(t->namespace);
  g_free(t->name);
  g_free(t);
}

/* ---- node faults: a down kubelet's status updates wait for it --------------- */

typedef struct {
  KsEventFn fn;
  PodTask *task;
} Held;

static void held_free(gpointer p) {
  Held *h = p;
  pod_task_free(h->task);
  g_free(h);
}

/* TRUE (and the step kept for later) when pod's kubelet is down. */
static gboolean hold(KsNodeAgent *a, const KsPod *pod, KsEventFn fn, const PodTask *t) {
  GPtrArray *held = pod->node_name ? g_hash_table_lookup(a->down, pod->node_name) : NULL;
  if (!held)
    return FALSE;
  Held *h = g_new0(Held, 1);
  h->fn = fn;
  h->task = g_new0(PodTask, 1);
  *h->task = (PodTask){t->agent, g_strdup(t->namespace), g_strdup(t->name), t->run_time_us,
                       g_strdup(t->uid)};
  g_ptr_array_add(held, h);
  return TRUE;
}

void ks_node_agent_set_node_down(KsNodeAgent *a, const char *node, gboolean down) {
  if (down) {
    if (!g_hash_table_contains(a->down, node))
      g_hash_table_insert(a->down, g_strdup(node), g_ptr_array_new_with_free_func(held_free));
    return;
  }
  GPtrArray *held = NULL;
  char *key = NULL;
  if (!g_hash_table_steal_extended(a->down, node, (gpointer *)&key, (gpointer *)&held))
    return;
  g_free(key);
  for (guint i = 0; i < held->len; i++) { /* in the order they fell due */
    Held *h = held->pdata[i];
    ks_engine_schedule_after(a->engine, 0, h->fn, h->task, pod_task_free);
    h->task = NULL;
  }
  g_ptr_array_set_free_func(held, g_free);
  g_ptr_array_unref(held);
}

static const KsPod *current_pod(KsNodeAgent *a, const PodTask *t, guint64 *rv) {
  const KsStoreObject *obj = ks_store_get(a->store, KS_STORE_POD, t->namespace, t->name);
  if (!obj)
    return NULL;
  *rv = obj->resource_version;
  return obj->data;
}

/* Writes a copy of the pod with a new phase, as the kubelet's status update.
 * A pod turns Ready when its containers start (no readiness probes are
 * modelled, and a container without one is ready once running), with
 * status.startTime then if unset. A pod that terminates turns not Ready at
 * that instant (the Ready=False transition time is what the Job controller
 * reads as its finish time). */
static void set_phase(KsNodeAgent *a, const KsPod *pod, guint64 rv, KsPodPhase phase) {
  KsPod *copy = ks_pod_copy(pod);
  copy->phase = phase;
  if (phase == KS_POD_RUNNING && copy->container_state.kind != KS_CONTAINER_STATE_NONE) {
    /* it waited for a ConfigMap or Secret: now its containers run */
    KsContainerState run = {KS_CONTAINER_RUNNING, NULL, NULL, 0, ks_engine_now(a->engine), 0};
    ks_container_state_set(&copy->container_state, &run);
  }
  if (phase == KS_POD_RUNNING) {
    copy->ready = TRUE;
    copy->ready_since_us = ks_engine_now(a->engine);
    if (!copy->has_start_time) {
      copy->start_time_us = ks_engine_now(a->engine);
      copy->has_start_time = TRUE;
    }
  }
  if (phase == KS_POD_SUCCEEDED || phase == KS_POD_FAILED) {
    copy->ready = FALSE;
    copy->ready_since_us = ks_engine_now(a->engine);
  }
  if (copy->has_start_time) /* a pod it started: the kubelet's status has Initialized */
    ks_kubelet_set_initialized_true(copy, ks_engine_now(a->engine));
  GError *error = NULL;
  if (!ks_store_update(a->store, KS_STORE_POD, pod->namespace, pod->name, copy,
                       (GDestroyNotify)ks_pod_unref, rv, &error)) {
    g_warning("node agent: %s", error->message);
    g_error_free(error);
  }
}

/* ksim.io/exit-code; a malformed value (not validated at load) counts as 1. */
static gint64 exit_code(const KsPod *pod) {
  const char *v = ks_labels_get(&pod->annotations, KS_ANNOTATION_EXIT_CODE);
  gint64 code = 0;
  if (v && !g_ascii_string_to_signed(v, 10, G_MININT32, G_MAXINT32, &code, NULL))
    code = 1;
  return code;
}

static gint64 restart_count(const KsPod *pod) {
  const char *v = ks_labels_get(&pod->annotations, KS_ANNOTATION_RESTART_COUNT);
  gint64 n = 0;
  if (v && !g_ascii_string_to_signed(v, 10, 0, G_MAXINT32, &n, NULL))
    n = 0;
  return n;
}

static void finish_pod(KsEngine *e, gpointer data);

static void set_waiting(KsNodeAgent *a, const PodTask *t, const char *reason, const char *message);
static PodTask *task_copy(const PodTask *t);
static void restart_images_ready(gpointer data, const char *reason, const char *message);

/* The pod worker re-syncs a pod whose sync failed after backOffPeriod
 * (pkg/kubelet/pod_workers.go; upstream adds up to 50% jitter, ksim none). */
#define POD_WORKER_ERROR_RESYNC_US ((gint64)10 * G_USEC_PER_SEC)

/* The containers start again: one more restart, and another run. */
static void do_restart(KsNodeAgent *a, const PodTask *t) {
  guint64 rv = 0;
  const KsPod *pod = current_pod(a, t, &rv);
  if (!pod || pod->phase != KS_POD_RUNNING)
    return;
  KsPod *copy = ks_pod_copy(pod);
  char *n = g_strdup_printf("%" G_GINT64_FORMAT, restart_count(pod) + 1);
  ks_labels_set(&copy->annotations, KS_ANNOTATION_RESTART_COUNT, n);
  g_free(n);
  if (copy->container_state.kind == KS_CONTAINER_WAITING) { /* it waited for a re-pull */
    KsContainerState run = {KS_CONTAINER_RUNNING, NULL, NULL, 0, ks_engine_now(a->engine), 0};
    ks_container_state_set(&copy->container_state, &run);
  }
  if (!ks_store_update(a->store, KS_STORE_POD, pod->namespace, pod->name, copy,
                       (GDestroyNotify)ks_pod_unref, rv, NULL))
    return;
  PodTask *next = g_new0(PodTask, 1);
  *next = (PodTask){a, g_strdup(t->namespace), g_strdup(t->name), t->run_time_us, NULL};
  ks_engine_schedule_after(a->engine, t->run_time_us, finish_pod, next, pod_task_free);
}

/* A restart starts the containers again, and upstream's container start
 * runs EnsureImageExists first: with the image model (and no
 * ksim.io/start-latency) an image to pull (Always, or absent) is pulled
 * again before the restart; a failed pull or a back-off leaves the pod
 * Running with its containers waiting (ErrImagePull, ImagePullBackOff)
 * and re-synced 10 s later. */
static void restart_pod(KsEngine *e, gpointer data) {
  (void)e;
  PodTask *t = data;
  KsNodeAgent *a = t->agent;
  guint64 rv = 0;
  const KsPod *pod = current_pod(a, t, &rv);
  if (!pod || pod->phase != KS_POD_RUNNING || hold(a, pod, restart_pod, t))
    return;
  if (!a->images || ks_labels_get(&pod->annotations, KS_ANNOTATION_START_LATENCY)) {
    do_restart(a, t);
    return;
  }
  char *message = NULL;
  PodTask *mine = task_copy(t);
  KsImagesStatus st =
      ks_image_manager_ensure(a->images, pod, restart_images_ready, mine, pod_task_free, &message);
  if (st == KS_IMAGES_READY) {
    do_restart(a, t);
    pod_task_free(mine);
  } else if (st != KS_IMAGES_PULLING) { /* PULLING: mine is the manager's now */
    set_waiting(a, t,
                st == KS_IMAGES_NEVER_PULL     ? KS_REASON_ERR_IMAGE_NEVER_PULL
                : st == KS_IMAGES_INVALID_NAME ? KS_REASON_INVALID_IMAGE_NAME
                                               : KS_REASON_IMAGE_PULL_BACKOFF,
                message);
    ks_engine_schedule_after(a->engine, POD_WORKER_ERROR_RESYNC_US, restart_pod, mine,
                             pod_task_free);
  }
  g_free(message);
}

static void restart_images_ready(gpointer data, const char *reason, const char *message) {
  PodTask *t = data;
  if (reason) {
    set_waiting(t->agent, t, reason, message);
    ks_engine_schedule_after(t->agent->engine, POD_WORKER_ERROR_RESYNC_US, restart_pod,
                             task_copy(t), pod_task_free);
    return;
  }
  do_restart(t->agent, t);
}

static void finish_pod(KsEngine *e, gpointer data) {
  PodTask *t = data;
  guint64 rv = 0;
  const KsPod *pod = current_pod(t->agent, t, &rv);
  if (!pod || pod->phase != KS_POD_RUNNING || hold(t->agent, pod, finish_pod, t))
    return;
  if (exit_code(pod) == 0) {
    set_phase(t->agent, pod, rv, KS_POD_SUCCEEDED);
    return;
  }
  if (pod->restart_policy == KS_RESTART_NEVER) {
    set_phase(t->agent, pod, rv, KS_POD_FAILED);
    return;
  }
  /* kubelet crash back-off: restart k (from 0) waits 0, 10 s, 20 s, ... 5 min */
  gint64 k = restart_count(pod), delay = 0;
  if (k > 0) {
    delay = KS_CONTAINER_BACKOFF_US;
    for (gint64 i = 1; i < k && delay < KS_CONTAINER_BACKOFF_MAX_US; i++)
      delay *= 2;
    delay = MIN(delay, KS_CONTAINER_BACKOFF_MAX_US);
  }
  PodTask *next = g_new0(PodTask, 1);
  *next = (PodTask){t->agent, g_strdup(t->namespace), g_strdup(t->name), t->run_time_us, NULL};
  ks_engine_schedule_after(e, delay, restart_pod, next, pod_task_free);
}

/* A pod with a usage profile or per-container run times / exit codes:
 * Running with its container state, then the resource model runs it (a pod
 * with plain init containers stays Pending: the model writes its status
 * from the start). FALSE (nothing written) when its profile does not parse;
 * it then runs as any other pod. */
static gboolean start_modelled(KsNodeAgent *a, const KsPod *pod, guint64 rv, gint64 run_time_us) {
  KsPodUsage usage;
  GError *error = NULL;
  if (!ks_pod_read_usage(pod, &usage, &error)) {
    g_warning("node agent: %s", error->message);
    g_error_free(error);
    return FALSE;
  }
  ks_pod_usage_clear(&usage);
  if (ks_kubelet_model_runs_init(pod)) {
    if (!ks_kubelet_model_start(a->model, pod, run_time_us, &error)) {
      g_warning("node agent: %s", error->message);
      g_error_free(error);
      return FALSE;
    }
    return TRUE;
  }
  gint64 now = ks_engine_now(a->engine);
  KsPod *copy = ks_pod_copy(pod);
  copy->phase = KS_POD_RUNNING;
  copy->ready = TRUE;
  copy->ready_since_us = now;
  if (!copy->has_start_time) {
    copy->start_time_us = now;
    copy->has_start_time = TRUE;
  }
  ks_kubelet_set_initialized_true(copy, now);
  KsContainerState run = {KS_CONTAINER_RUNNING, NULL, NULL, 0, now, 0};
  ks_container_state_set(&copy->container_state, &run);
  if (!ks_store_update(a->store, KS_STORE_POD, pod->namespace, pod->name, copy,
                       (GDestroyNotify)ks_pod_unref, rv, &error)) {
    g_warning("node agent: %s", error->message);
    g_error_free(error);
    return TRUE;
  }
  if (!ks_kubelet_model_start(a->model, pod, run_time_us, &error)) {
    g_warning("node agent: %s", error->message);
    g_error_free(error);
  }
  return TRUE;
}

/* The pod cannot start yet (config_refs.h): its containers wait with that
 * reason (written once) until a ConfigMap or Secret appears in its
 * namespace, when it is tried again. */
static void block_pod(KsNodeAgent *a, const PodTask *t, const KsPod *pod, guint64 rv,
                      const char *reason, const char *message) {
  if (pod->container_state.kind != KS_CONTAINER_WAITING ||
      g_strcmp0(pod->container_state.reason, reason) ||
      g_strcmp0(pod->container_state.message, message)) {
    KsPod *copy = ks_pod_copy(pod);
    KsContainerState wait = {KS_CONTAINER_WAITING, (char *)reason, (char *)message, 0, 0, 0};
    ks_container_state_set(&copy->container_state, &wait);
    GError *error = NULL;
    if (!ks_store_update(a->store, KS_STORE_POD, pod->namespace, pod->name, copy,
                         (GDestroyNotify)ks_pod_unref, rv, &error)) {
      g_warning("node agent: %s", error->message);
      g_error_free(error);
    }
  }
  PodTask *b = g_new0(PodTask, 1);
  *b = (PodTask){a, g_strdup(t->namespace), g_strdup(t->name), t->run_time_us, NULL};
  g_ptr_array_add(a->blocked, b);
}

static void start_pod(KsEngine *e, gpointer data) {
  PodTask *t = data;
  KsNodeAgent *a = t->agent;
  guint64 rv = 0;
  const KsPod *pod = current_pod(a, t, &rv);
  if (!pod || pod->phase != KS_POD_PENDING || hold(a, pod, start_pod, t))
    return;
  const char *reason;
  char *message;
  if (ks_kubelet_missing_config(a->store, pod, &reason, &message)) {
    block_pod(a, t, pod, rv, reason, message);
    g_free(message);
    return;
  }
  if ((ks_pod_has_usage(pod) || ks_pod_has_container_timing(pod)) &&
      start_modelled(a, pod, rv, t->run_time_us))
    return;
  set_phase(a, pod, rv, KS_POD_RUNNING);
  if (t->run_time_us == KS_RUN_TIME_FOREVER)
    return;
  PodTask *next = g_new0(PodTask, 1);
  *next = (PodTask){a, g_strdup(t->namespace), g_strdup(t->name), t->run_time_us, NULL};
  ks_engine_schedule_after(e, t->run_time_us, finish_pod, next, pod_task_free);
}

/* Writes the containers' waiting state (once: nothing when unchanged). */
static void set_waiting(KsNodeAgent *a, const PodTask *t, const char *reason, const char *message) {
  guint64 rv = 0;
  const KsPod *pod = current_pod(a, t, &rv);
  if (!pod || (pod->container_state.kind == KS_CONTAINER_WAITING &&
               !g_strcmp0(pod->container_state.reason, reason) &&
               !g_strcmp0(pod->container_state.message, message)))
    return;
  KsPod *copy = ks_pod_copy(pod);
  KsContainerState wait = {KS_CONTAINER_WAITING, (char *)reason, (char *)message, 0, 0, 0};
  ks_container_state_set(&copy->container_state, &wait);
  GError *error = NULL;
  if (!ks_store_update(a->store, KS_STORE_POD, pod->namespace, pod->name, copy,
                       (GDestroyNotify)ks_pod_unref, rv, &error)) {
    g_warning("node agent: %s", error->message);
    g_error_free(error);
  }
}

static PodTask *task_copy(const PodTask *t) {
  PodTask *c = g_new0(PodTask, 1);
  *c = (PodTask){t->agent, g_strdup(t->namespace), g_strdup(t->name), t->run_time_us,
                 g_strdup(t->uid)};
  return c;
}

static void retry_pull(KsEngine *e, gpointer data);

/* The pod's images are on its node: its containers start after the
 * container start time. A failed pull leaves them waiting with
 * ErrImagePull until the pod's next sync. */
static void images_ready(gpointer data, const char *reason, const char *message) {
  PodTask *t = data;
  if (reason) {
    set_waiting(t->agent, t, reason, message);
    ks_engine_schedule_after(t->agent->engine, POD_WORKER_ERROR_RESYNC_US, retry_pull,
                             task_copy(t), pod_task_free);
    return;
  }
  ks_engine_schedule_after(t->agent->engine, ks_image_manager_container_start_us(t->agent->images),
                           start_pod, task_copy(t), pod_task_free);
}

/* Start-up through the image manager (t: transfer full). */
static void pull_images(KsNodeAgent *a, PodTask *t) {
  guint64 rv = 0;
  const KsPod *pod = current_pod(a, t, &rv);
  if (!pod || pod->phase != KS_POD_PENDING || !pod->node_name ||
      (t->uid && g_strcmp0(t->uid, pod->uid))) {
    pod_task_free(t);
    return;
  }
  char *message = NULL;
  switch (ks_image_manager_ensure(a->images, pod, images_ready, t, pod_task_free, &message)) {
  case KS_IMAGES_READY:
    images_ready(t, NULL, NULL);
    pod_task_free(t);
    break;
  case KS_IMAGES_PULLING: /* t is the manager's now */
    if (pod->container_state.kind != KS_CONTAINER_WAITING ||
        (g_strcmp0(pod->container_state.reason, KS_REASON_ERR_IMAGE_PULL) &&
         g_strcmp0(pod->container_state.reason, KS_REASON_IMAGE_PULL_BACKOFF)))
      set_waiting(a, t, KS_REASON_CONTAINER_CREATING, NULL); /* a retry keeps its last error */
    break;
  case KS_IMAGES_NEVER_PULL:
    set_waiting(a, t, KS_REASON_ERR_IMAGE_NEVER_PULL, message);
    g_ptr_array_add(a->never_blocked, t);
    break;
  case KS_IMAGES_BACKOFF: /* ImagePullBackOff until a sync finds the back-off over */
    set_waiting(a, t, KS_REASON_IMAGE_PULL_BACKOFF, message);
    ks_engine_schedule_after(a->engine, POD_WORKER_ERROR_RESYNC_US, retry_pull, t, pod_task_free);
    break;
  case KS_IMAGES_INVALID_NAME: /* Pending for good: the spec must change */
    set_waiting(a, t, KS_REASON_INVALID_IMAGE_NAME, message);
    pod_task_free(t);
    break;
  }
  g_free(message);
}

static void retry_pull(KsEngine *e, gpointer data) {
  (void)e;
  PodTask *t = data;
  pull_images(t->agent, task_copy(t));
}

/* An image landed on `node`: pods there waiting with ErrImageNeverPull are
 * tried again now (upstream: at their next sync), in the order they
 * blocked. */
static void image_added(const char *node, gpointer data) {
  KsNodeAgent *a = data;
  for (guint i = 0; i < a->never_blocked->len;) {
    PodTask *t = g_ptr_array_index(a->never_blocked, i);
    guint64 rv = 0;
    const KsPod *pod = current_pod(a, t, &rv);
    if (pod && g_strcmp0(pod->node_name, node)) {
      i++;
      continue;
    }
    g_ptr_array_steal_index(a->never_blocked, i);
    if (pod)
      ks_engine_schedule_after(a->engine, 0, retry_pull, t, pod_task_free);
    else
      pod_task_free(t);
  }
}

void ks_node_agent_enable_images(KsNodeAgent *a, const KsImagePullOptions *opts) {
  g_return_if_fail(a->images == NULL);
  a->images = ks_image_manager_new(a->store, opts);
  ks_image_manager_set_image_added(a->images, image_added, a);
}

KsImageManager *ks_node_agent_images(const KsNodeAgent *a) { return a->images; }

static void on_bound(KsNodeAgent *a, const KsPod *pod) {
  KsPodTiming timing;
  GError *error = NULL;
  /* Annotations were validated when the workload was loaded; a pod that
   * still fails here came from elsewhere and runs with the defaults. */
  if (!ks_pod_read_timing(pod, &timing, &error)) {
    g_warning("node agent: %s", error->message);
    g_clear_error(&error);
    timing = (KsPodTiming){KS_RUN_TIME_FOREVER, KS_DEFAULT_START_LATENCY_US, 0};
  }
  PodTask *t = g_new0(PodTask, 1);
  *t = (PodTask){a, g_strdup(pod->namespace), g_strdup(pod->name), timing.run_time_us,
                 NULL};
  /* An explicit ksim.io/start-latency is the whole start-up, image model or not. */
  if (a->images && !ks_labels_get(&pod->annotations, KS_ANNOTATION_START_LATENCY)) {
    t->uid = g_strdup(pod->uid);
    pull_images(a, t);
    return;
  }
  ks_engine_schedule_after(a->engine, timing.start_latency_us, start_pod, t, pod_task_free);
}

/* ---- GPU use ------------------------------------------------------------------- */

static GpuNode *gpu_node(KsNodeAgent *a, const char *name) {
  GpuNode *n = g_hash_table_lookup(a->gpu_nodes, name);
  if (n)
    return n;
  const KsStoreObject *obj = ks_store_get(a->store, KS_STORE_NODE, NULL, name);
  KsGpuNodeSpec spec = {0, 0};
  if (obj && !ks_gpu_node_spec(obj->data, &spec, NULL))
    spec.count = 0;
  n = g_new0(GpuNode, 1);
  n->count = spec.count;
  n->used = g_new0(gint32, MAX(spec.count, 1));
  g_hash_table_insert(a->gpu_nodes, g_strdup(name), n);
  return n;
}

/* Adds (sign +1) or removes (-1) an assignment on node n, keeping the
 * cluster totals in step: O(GPUs of the node). */
static void gpu_apply(KsNodeAgent *a, GpuNode *n, const KsGpuAssignment *g, gint sign) {
  for (guint i = 0; i < n->count; i++) {
    if (!((g->mask >> i) & 1))
      continue;
    gboolean was = n->used[i] > 0;
    n->used[i] += sign * g->milli;
    a->gpu_used += sign * g->milli;
    a->gpus_busy += (n->used[i] > 0) - was;
  }
}

static void gpu_release(KsNodeAgent *a, const char *key) {
  GpuHold *h = g_hash_table_lookup(a->gpu_pods, key);
  if (!h)
    return;
  GpuNode *n = g_hash_table_lookup(a->gpu_nodes, h->node);
  if (n)
    gpu_apply(a, n, &h->gpu, -1);
  g_hash_table_remove(a->gpu_pods, key);
}

/* Brings the GPUs the pod holds in line with its current object (NULL: gone). */
static void gpu_track(KsNodeAgent *a, const KsPod *was, const KsPod *pod) {
  const KsPod *any = pod ? pod : was;
  char *key = g_strconcat(any->namespace, "/", any->name, NULL);
  KsGpuAssignment g = {0, 0};
  if (pod && pod->node_name && pod->phase != KS_POD_SUCCEEDED && pod->phase != KS_POD_FAILED)
    g = ks_gpu_pod_assignment(pod);
  GpuHold *h = g_hash_table_lookup(a->gpu_pods, key);
  if (h && g.mask == h->gpu.mask && g.milli == h->gpu.milli && !g_strcmp0(h->node, pod->node_name)) {
    g_free(key);
    return; /* unchanged */
  }
  gpu_release(a, key);
  if (g.mask) {
    GpuNode *n = gpu_node(a, pod->node_name);
    gpu_apply(a, n, &g, +1);
    h = g_new0(GpuHold, 1);
    h->node = g_strdup(pod->node_name);
    h->gpu = g;
    g_hash_table_insert(a->gpu_pods, key, h);
    return;
  }
  g_free(key);
}

const gint32 *ks_node_agent_gpu_used(const KsNodeAgent *a, const char *node, guint *n_gpus) {
  const GpuNode *n = g_hash_table_lookup(a->gpu_nodes, node);
  *n_gpus = n ? n->count : 0;
  return n ? n->used : NULL;
}

gint64 ks_node_agent_gpu_used_total(const KsNodeAgent *a) { return a->gpu_used; }

KsKubeletModel *ks_node_agent_model(const KsNodeAgent *a) { return a->model; }

KsEvictionManager *ks_node_agent_evictions(const KsNodeAgent *a) { return a->evictions; }

guint ks_node_agent_gpus_busy(const KsNodeAgent *a) { return a->gpus_busy; }

/* ---- the watch --------------------------------------------------------------------- */

static void pod_watch(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                      const KsStoreObject *new_obj, gpointer user_data) {
  KsNodeAgent *a = user_data;
  const KsPod *pod = new_obj ? new_obj->data : NULL;
  const KsPod *was = old_obj ? old_obj->data : NULL;
  if ((pod && ks_labels_get(&pod->annotations, KS_GPU_KEY_INDEX)) ||
      (was && ks_labels_get(&was->annotations, KS_GPU_KEY_INDEX)))
    gpu_track(a, was, type == KS_WATCH_DELETED ? NULL : pod);
  if (type == KS_WATCH_DELETED && was) {
    GPtrArray *lists[] = {a->blocked, a->never_blocked};
    for (guint l = 0; l < G_N_ELEMENTS(lists); l++)
      for (guint i = 0; i < lists[l]->len; i++) {
        PodTask *t = g_ptr_array_index(lists[l], i);
        if (!g_strcmp0(t->namespace, was->namespace) && !g_strcmp0(t->name, was->name)) {
          g_ptr_array_remove_index(lists[l], i);
          break;
        }
      }
    if (a->images)
      ks_image_manager_forget_pod(a->images, was);
  }
  if (ks_kubelet_model_used(a->model) &&
      (type == KS_WATCH_DELETED || !pod || pod->phase == KS_POD_SUCCEEDED ||
       (pod->phase == KS_POD_FAILED &&
        !ks_eviction_manager_killing(a->evictions, pod->namespace, pod->name)))) {
    const KsPod *any = pod ? pod : was;
    if (any)
      ks_kubelet_model_forget(a->model, any->namespace, any->name);
  }
  if (!pod || !pod->node_name || pod->phase != KS_POD_PENDING)
    return;
  const KsPod *old = old_obj ? old_obj->data : NULL;
  if (type == KS_WATCH_ADDED || (old && !old->node_name))
    on_bound(a, pod);
}

/* A kubelet goes down or comes back (sim/node_faults.h). */
static void node_watch(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                       const KsStoreObject *new_obj, gpointer user_data) {
  (void)s;
  (void)old_obj;
  if (type == KS_WATCH_DELETED)
    return;
  const KsNode *n = new_obj->data;
  ks_node_agent_set_node_down(user_data, n->name, ks_node_fault_is_down(n));
}

KsNodeAgent *ks_node_agent_new(KsStore *store) { return ks_node_agent_new_seeded(store, 0); }

/* A ConfigMap or Secret appeared (or changed): the pods of its namespace
 * that wait for one are tried again now, in the order they blocked. */
static void config_watch(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                         const KsStoreObject *new_obj, gpointer user_data) {
  (void)s;
  (void)old_obj;
  KsNodeAgent *a = user_data;
  if (type == KS_WATCH_DELETED || !new_obj)
    return;
  for (guint i = 0; i < a->blocked->len;) {
    PodTask *t = g_ptr_array_index(a->blocked, i);
    if (g_strcmp0(t->namespace, new_obj->namespace) != 0) {
      i++;
      continue;
    }
    g_ptr_array_steal_index(a->blocked, i); /* keeps the order; t is ours now */
    ks_engine_schedule_after(a->engine, 0, start_pod, t, pod_task_free);
  }
}

KsNodeAgent *ks_node_agent_new_seeded(KsStore *store, guint64 seed) {
  KsNodeAgent *a = g_new0(KsNodeAgent, 1);
  a->model = ks_kubelet_model_new(store, seed);
  a->store = store;
  a->engine = ks_store_get_engine(store);
  a->watch = ks_store_watch(store, KS_STORE_POD, pod_watch, a);
  a->blocked = g_ptr_array_new_with_free_func(pod_task_free);
  a->never_blocked = g_ptr_array_new_with_free_func(pod_task_free);
  a->config_watch = ks_store_watch(store, KS_STORE_CONFIG_MAP, config_watch, a);
  a->secret_watch = ks_store_watch(store, KS_STORE_SECRET, config_watch, a);
  a->gpu_nodes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, gpu_node_free);
  a->gpu_pods = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, gpu_hold_free);
  a->down = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                  (GDestroyNotify)g_ptr_array_unref);
  a->node_watch = ks_store_watch(store, KS_STORE_NODE, node_watch, a);
  a->evictions = ks_eviction_manager_new(store, a->model); /* watches after the agent */
  a->termination = ks_pod_termination_new(store);
  return a;
}

void ks_node_agent_free(KsNodeAgent *a) {
  if (!a)
    return;
  ks_store_unwatch(a->store, a->watch);
  ks_store_unwatch(a->store, a->node_watch);
  g_hash_table_destroy(a->down);
  ks_store_unwatch(a->store, a->config_watch);
  ks_store_unwatch(a->store, a->secret_watch);
  g_ptr_array_unref(a->blocked);
  ks_image_manager_free(a->images);
  g_ptr_array_unref(a->never_blocked);
  ks_eviction_manager_free(a->evictions);
  ks_pod_termination_free(a->termination);
  ks_kubelet_model_free(a->model);
  g_hash_table_destroy(a->gpu_nodes);
  g_hash_table_destroy(a->gpu_pods);
  g_free(a);
}
