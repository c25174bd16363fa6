/* See resource_model.h and docs/node-agent.md.
 *
 * State. Per node, the modelled pods in the order they were handed over
 * (that order breaks every tie); per pod, its containers (regular ones, then
 * init containers in spec order) and the pod cgroup's cpu shares and quota,
 * and how far its init containers got; per container, its run time and exit
 * code, its own requests and limits, its profiles (its own, or its part of
 * the pod's), its RNG stream, what it wants now, what it is granted, its
 * remaining work and rate, its restart back-off and the status the kubelet
 * reports for it.
 * Work is kept in microseconds x 10^6 (128-bit) so a rate of granted/wanted
 * in parts per million never loses time: a container that is never short of
 * cpu ends exactly run-time after it started.
 *
 * Every change on a node (a container starts, ends, is killed or restarts, a
 * profile steps) runs node_update: first the counters are brought to now at
 * the old rates, then memory is checked (each container's limit, then the
 * node), cpu is shared again (between pod cgroups, then inside each), and
 * each container whose rate changed gets its end event moved. A container
 * has at most three pending events: its next profile change, its end and its
 * restart; all carry the ModelContainer and are cancelled when its pod
 * leaves. Handlers find their container again by key after node_update,
 * which may kill containers and drop pods.
 *
 * Status. The model keeps each container's state, last state and restart
 * count and the pod's phase (recomputed by getPhase after every change:
 * update_phase), and writes them all at every change
 * (write_status). While the node's kubelet is down (node faults) nothing is
 * written: the pod is marked dirty and the node's pods are synced when the
 * kubelet is back (the model's own Node watch). */
#include "sim/kubelet/resource_model.h"

#include <string.h>

#include "sched/objects.h"
#include "sched/qos.h"
#include "sched/rng.h"
#include "sim/kubelet/cpu_share.h"
#include "sim/kubelet/crash_backoff.h"
#include "sim/kubelet/node_allocatable.h"
#include "sim/kubelet/oom.h"
#include "sim/kubelet/pod_phase.h"
#include "sim/node_faults.h"
#include "workloads/annotations.h"
#include "workloads/usage.h"

#define PPM 1000000
#define OOM_EXIT_CODE 137
#define R_COUNT KS_USAGE_RESOURCE_COUNT

typedef struct ModelNode ModelNode;
typedef struct ModelPod ModelPod;

typedef struct {
  ModelPod *pod;
  guint index;              /* in pod->containers */
  char *name;
  gboolean sidecar;         /* restartable init container: restarts Always, no work of its
                               own unless ksim.io/run-time.<c> gives it some */
  gboolean init;            /* plain init container: runs to completion before the next */
  gint64 run_time_us;       /* its work at full speed per run; KS_RUN_TIME_FOREVER: none */
  gint32 exit_code;         /* at the end of a run */
  gboolean started;         /* has run (a sidecar's status.started) */
  gint64 req[R_COUNT], lim[R_COUNT]; /* the container's own; lim 0: none */
  gint64 shares;            /* its cgroup's cpu.shares */
  gint oom_adj;
  /* usage: its own profile, or the pod's scaled by num/den (its part) */
  const KsUsageProfile *profile[R_COUNT]; /* borrowed from pod->usage */
  gint64 num[R_COUNT], den[R_COUNT];
  gint64 prof_req[R_COUNT], prof_lim[R_COUNT]; /* what %request / %limit are of */
  KsRng rng;
  /* the current run */
  gboolean running;
  gboolean done;            /* terminated for good */
  gboolean starting;        /* restarting: its status goes out before it runs */
  gint64 run_started_us;
  gint64 want[R_COUNT];
  gint64 next_usage_us[R_COUNT]; /* absolute; KS_USAGE_NEVER */
  gint64 granted;
  gint64 rate_ppm;
  __int128 work_left;       /* microseconds x PPM */
  gint64 restart_at;        /* -1: no restart pending */
  guint64 usage_event, end_event, restart_event;
  KsCrashBackoff backoff;
  /* what the kubelet reports */
  KsContainerState state, last_state;
  gint32 restart_count;
} ModelContainer;

struct ModelPod {
  KsKubeletModel *m;
  char *ns, *name, *key;
  ModelNode *node;
  KsQosClass qos;
  gint64 shares;            /* the pod cgroup's cpu.shares (PodRequests cpu) */
  gint64 quota;             /* its cpu quota (PodLimits cpu); 0: none */
  KsPodUsage usage;
  ModelContainer **containers; /* regular ones, then init containers in spec order */
  guint n_containers, n_regular;
  guint n_plain_init;       /* plain init containers among them */
  guint init_pos;           /* the next init container to start (index from n_regular) */
  gboolean initialized;     /* every plain init container has completed */
  gboolean upstream_restarts; /* ksim.io/run-time.<c> / exit-code.<c>: Always restarts exit 0 */
  KsRestartPolicy restart_policy;
  gint64 accounted_us;
  gint64 base_restarts;     /* ksim.io/restart-count when the model took the pod */
  KsPodPhase phase;         /* getPhase (pod_phase.h) after every change */
  gboolean ended;           /* Succeeded or Failed; waits only for its status to go out */
  gboolean dirty;           /* status changed while the kubelet was down */
  guint last_changed;       /* the container the pod-level state repeats */
  KsKubeletStats *stats;    /* the pod's totals (owned by the model's list) */
};

struct ModelNode {
  char *name;
  guint index;
  GPtrArray *pods;         /* ModelPod*, in hand-over order */
  guint64 node_rv;         /* the Node object the fields below were read from */
  gint64 alloc_cpu, cap_mem, alloc[R_COUNT];
  gint64 kubepods_mem; /* the kubepods cgroup's memory limit; -1: none (no KubeletConfiguration) */
  gint64 sys_cpu, sys_mem;
  gboolean down;           /* its kubelet is down (as of the model's Node watch) */
  KsKubeletStats stats;
};

struct KsKubeletModel {
  KsStore *store;
  KsEngine *engine;
  guint64 seed;
  guint node_watch;
  GHashTable *pods;        /* "ns/name" -> ModelPod* (owned) */
  GHashTable *nodes;       /* name -> ModelNode* (owned by node_list) */
  GPtrArray *node_list;    /* ModelNode*, first-seen order */
  GHashTable *pod_stats;   /* "ns/name" -> PodRecord* (owned by records) */
  GPtrArray *records;      /* PodRecord*: every pod ever run, first-start order */
  GArray *samples;         /* KsKubeletUsageRow */
  KsKubeletStats qos[KS_QOS_CLASS_COUNT];
  gboolean used;
  KsKubeletConfigs *kubelets; /* a reference or NULL: the nodes' kubepods limits */
};

typedef struct {
  KsKubeletStats stats; /* first: a PodRecord* is a KsKubeletStats* */
  char *ns, *name;
  KsQosClass qos;
} PodRecord;

static void record_free(gpointer data) {
  PodRecord *r = data;
  g_free(r->ns);
  g_free(r->name);
  g_free(r);
}

static void node_update(KsKubeletModel *m, ModelNode *n);

/* ---- bookkeeping -------------------------------------------------------------- */

static void stats_add(KsKubeletStats *acc, const KsKubeletStats *d) {
  acc->oom_kills += d->oom_kills;
  acc->node_oom_kills += d->node_oom_kills;
  acc->restarts += d->restarts;
  acc->throttled_mcpu_us += d->throttled_mcpu_us;
  acc->cpu_used_mcpu_us += d->cpu_used_mcpu_us;
}

/* Adds d to the pod's, its node's and its QoS class's totals. */
static void count(ModelPod *p, const KsKubeletStats *d) {
  stats_add(p->stats, d);
  stats_add(&p->node->stats, d);
  stats_add(&p->m->qos[p->qos], d);
}

/* Brings a pod's counters and its containers' remaining work to now at
 * their current grants and rates. */
static void account(ModelPod *p, gint64 now) {
  gint64 dt = now - p->accounted_us;
  p->accounted_us = now;
  if (dt <= 0)
    return;
  KsKubeletStats d = {0};
  for (guint i = 0; i < p->n_containers; i++) {
    ModelContainer *c = p->containers[i];
    if (!c->running)
      continue;
    d.throttled_mcpu_us += (c->want[KS_USAGE_CPU] - c->granted) * dt;
    d.cpu_used_mcpu_us += c->granted * dt;
    if (c->run_time_us != KS_RUN_TIME_FOREVER)
      c->work_left -= (__int128)dt * c->rate_ppm;
  }
  count(p, &d);
}

static void node_refresh(KsKubeletModel *m, ModelNode *n) {
  const KsStoreObject *obj = ks_store_get(m->store, KS_STORE_NODE, NULL, n->name);
  if (!obj || obj->resource_version == n->node_rv)
    return; /* a node that is gone keeps what it last had */
  const KsNode *node = obj->data;
  n->node_rv = obj->resource_version;
  n->alloc_cpu = node->allocatable.milli_cpu;
  n->alloc[KS_USAGE_CPU] = node->allocatable.milli_cpu;
  n->alloc[KS_USAGE_MEMORY] = node->allocatable.memory;
  n->alloc[KS_USAGE_EPHEMERAL_STORAGE] = node->allocatable.ephemeral_storage;
  n->cap_mem = ks_resource_list_has(&node->capacity, KS_RESOURCE_MEMORY) ? node->capacity.memory
                                                                         : node->allocatable.memory;
  const KsKubeletConfig *kc = ks_kubelet_configs_for_node(m->kubelets, node);
  n->kubepods_mem = kc ? ks_node_allocatable_kubepods_memory(kc, &node->capacity) : -1;
  GError *error = NULL;
  if (!ks_node_read_system_usage(node, &n->sys_cpu, &n->sys_mem, &error)) {
    g_warning("node agent: %s", error->message);
    g_error_free(error);
  }
}

static ModelNode *node_get(KsKubeletModel *m, const char *name) {
  ModelNode *n = g_hash_table_lookup(m->nodes, name);
  if (n)
    return n;
  n = g_new0(ModelNode, 1);
  n->name = g_strdup(name);
  n->index = m->node_list->len;
  n->pods = g_ptr_array_new();
  n->kubepods_mem = -1;
  g_ptr_array_add(m->node_list, n);
  g_hash_table_insert(m->nodes, n->name, n);
  const KsStoreObject *obj = ks_store_get(m->store, KS_STORE_NODE, NULL, name);
  n->down = obj && ks_node_fault_is_down(obj->data);
  node_refresh(m, n);
  return n;
}

static void node_free(gpointer data) {
  ModelNode *n = data;
  g_free(n->name);
  g_ptr_array_unref(n->pods);
  g_free(n);
}

static void cancel(KsKubeletModel *m, guint64 *id) {
  if (*id)
    ks_engine_cancel(m->engine, *id);
  *id = 0;
}

static void container_free(KsKubeletModel *m, ModelContainer *c) {
  cancel(m, &c->usage_event);
  cancel(m, &c->end_event);
  cancel(m, &c->restart_event);
  ks_container_state_clear(&c->state);
  ks_container_state_clear(&c->last_state);
  g_free(c->name);
  g_free(c);
}

static void model_pod_free(gpointer data) {
  ModelPod *p = data;
  for (guint i = 0; i < p->n_containers; i++)
    container_free(p->m, p->containers[i]);
  g_free(p->containers);
  ks_pod_usage_clear(&p->usage);
  g_free(p->ns);
  g_free(p->name);
  g_free(p->key);
  g_free(p);
}

static ModelPod *lookup(KsKubeletModel *m, const char *key) {
  return g_hash_table_lookup(m->pods, key);
}

static void drop(KsKubeletModel *m, ModelPod *p) {
  g_ptr_array_remove(p->node->pods, p);
  g_hash_table_remove(m->pods, p->key); /* frees p */
}

/* ---- writing the pod's status ---------------------------------------------------- */

static gint64 restart_count(const KsPod *pod) {
  const char *v = ks_labels_get(&pod->annotations, KS_ANNOTATION_RESTART_COUNT);
  gint64 n = 0;
  if (v && !g_ascii_string_to_signed(v, 10, 0, G_MAXINT32, &n, NULL))
    n = 0;
  return n;
}

/* Ready as the kubelet reports it: running, or killed and restarted at this
 * very instant (its next status shows it running again). */
static gboolean container_ready(const ModelContainer *c, gint64 now) {
  if (c->init) /* upstream: an init container is ready once it completed */
    return c->state.kind == KS_CONTAINER_TERMINATED && c->state.exit_code == 0;
  return c->running || c->starting || (c->restart_at >= 0 && c->restart_at == now);
}

/* Ready: Running and every container but the plain init ones ready. */
static gboolean pod_ready(const ModelPod *p, gint64 now) {
  if (p->phase != KS_POD_RUNNING)
    return FALSE;
  for (guint i = 0; i < p->n_containers; i++)
    if (!p->containers[i]->init && !container_ready(p->containers[i], now))
      return FALSE;
  return TRUE;
}

static GArray *status_array(guint n) {
  GArray *a = g_array_sized_new(FALSE, TRUE, sizeof(KsContainerStatus), n);
  g_array_set_clear_func(a, (GDestroyNotify)ks_container_status_clear);
  return a;
}

/* The containers as getPhase sees them (cs: n_containers entries). */
static void phase_view(const ModelPod *p, KsPhaseContainer *cs) {
  for (guint i = 0; i < p->n_containers; i++) {
    const ModelContainer *c = p->containers[i];
    cs[i] = (KsPhaseContainer){c->init ? KS_PHASE_INIT
                                       : (c->sidecar ? KS_PHASE_SIDECAR : KS_PHASE_REGULAR),
                               c->name, &c->state, &c->last_state, c->started};
  }
}

/* The Initialized condition of every pod the model runs
 * (GeneratePodInitializedCondition). */
static void set_initialized(const ModelPod *p, KsPod *copy, gint64 now) {
  KsPhaseContainer local[8] = {{0}};
  KsPhaseContainer *cs = p->n_containers <= G_N_ELEMENTS(local)
                             ? local
                             : g_new(KsPhaseContainer, p->n_containers);
  phase_view(p, cs);
  const char *reason;
  char *message;
  gboolean ok = ks_kubelet_pod_initialized(cs, p->n_containers, p->phase, &reason, &message);
  ks_pod_set_condition(copy, KS_POD_CONDITION_INITIALIZED,
                       ok ? KS_POD_CONDITION_TRUE : KS_POD_CONDITION_FALSE, reason, message, now);
  g_free(message);
  if (cs != local)
    g_free(cs);
}

/* Writes the pod's whole status as the model has it (the kubelet's status
 * update): phase, Ready, every container's status, the pod-level container
 * state of the container that changed last, the restart count. FALSE when
 * the pod is gone or already terminal. */
static gboolean write_status(ModelPod *p) {
  KsKubeletModel *m = p->m;
  gint64 now = ks_engine_now(m->engine);
  const KsStoreObject *obj = ks_store_get(m->store, KS_STORE_POD, p->ns, p->name);
  const KsPod *stored = obj ? obj->data : NULL;
  /* gone, or ended by someone else's write (an eviction) not yet seen by
   * the node agent's watch: a pod never leaves a terminal phase */
  if (!stored || stored->phase == KS_POD_SUCCEEDED || stored->phase == KS_POD_FAILED)
    return FALSE;
  KsPod *copy = ks_pod_copy(stored);
  copy->phase = p->phase;
  gboolean ready = pod_ready(p, now);
  if (copy->ready != ready || (!ready && copy->ready_since_us == 0)) {
    /* the kubelet's first status of a pod never Ready (init containers
     * running) sets Ready=False with its transition time */
    copy->ready = ready;
    copy->ready_since_us = now;
  }
  if (!copy->has_start_time) {
    copy->start_time_us = now;
    copy->has_start_time = TRUE;
  }
  if (copy->container_statuses)
    g_array_unref(copy->container_statuses);
  g_clear_pointer(&copy->init_container_statuses, g_array_unref);
  /* containerStatuses: the regular containers; initContainerStatuses: the
   * init containers, sidecars among them, in spec order (as upstream's
   * convertToAPIContainerStatuses over spec.containers / initContainers) */
  copy->container_statuses = status_array(p->n_regular);
  if (p->n_containers > p->n_regular)
    copy->init_container_statuses = status_array(p->n_containers - p->n_regular);
  gint64 restarts = p->base_restarts;
  for (guint i = 0; i < p->n_containers; i++) {
    const ModelContainer *c = p->containers[i];
    KsContainerStatus s = {g_strdup(c->name), container_ready(c, now), c->restart_count, {0}, {0}};
    ks_container_state_set(&s.state, &c->state);
    ks_container_state_set(&s.last_state, &c->last_state);
    g_array_append_val(c->init || c->sidecar ? copy->init_container_statuses
                                             : copy->container_statuses,
                       s);
    restarts += c->restart_count;
  }
  set_initialized(p, copy, now); /* every pod the kubelet runs, init containers or not */
  if (p->n_containers) {
    const ModelContainer *c = p->containers[p->last_changed];
    ks_container_state_set(&copy->container_state, &c->state);
    if (c->last_state.kind != KS_CONTAINER_STATE_NONE)
      ks_container_state_set(&copy->last_state, &c->last_state);
  }
  if (restarts != restart_count(copy)) {
    char *v = g_strdup_printf("%" G_GINT64_FORMAT, restarts);
    ks_labels_set(&copy->annotations, KS_ANNOTATION_RESTART_COUNT, v);
    g_free(v);
  }
  GError *error = NULL;
  if (!ks_store_update(m->store, KS_STORE_POD, p->ns, p->name, copy, (GDestroyNotify)ks_pod_unref,
                       obj->resource_version, &error)) {
    g_warning("node agent: %s", error->message);
    g_error_free(error);
    return FALSE;
  }
  return TRUE;
}

static void restart_event(KsEngine *e, gpointer data);

/* The pod's status changed (container `changed` last): written now, or
 * held while the kubelet is down. Then the restarts that fell due are put
 * on the engine, after the write as the kubelet would. A pod that ended (or
 * is gone) leaves the model once its status is out. FALSE when p was freed. */
static gboolean sync_pod(ModelPod *p, guint changed) {
  KsKubeletModel *m = p->m;
  p->last_changed = changed;
  if (p->node->down) {
    p->dirty = TRUE;
  } else if (!write_status(p) || p->ended) {
    drop(m, p); /* frees p */
    return FALSE;
  }
  for (guint i = 0; i < p->n_containers; i++) {
    ModelContainer *c = p->containers[i];
    if (c->restart_at >= 0 && !c->restart_event)
      c->restart_event = ks_engine_schedule(m->engine, c->restart_at, restart_event, c, NULL);
  }
  return TRUE;
}

/* ---- a container's run -------------------------------------------------------------- */

static void usage_event(KsEngine *e, gpointer data);
static void end_event(KsEngine *e, gpointer data);

/* Evaluates the profiles whose change time has come (all of them when
 * fresh) and moves the container's usage event to the next change. */
static void evaluate_usage(ModelContainer *c, gint64 now, gboolean fresh) {
  ModelPod *p = c->pod;
  gint64 t = now - c->run_started_us, soonest = KS_USAGE_NEVER;
  for (guint r = 0; r < R_COUNT; r++) {
    const KsUsageProfile *prof = c->profile[r];
    if (!prof) {
      c->want[r] = 0;
      c->next_usage_us[r] = KS_USAGE_NEVER;
      continue;
    }
    if (fresh || c->next_usage_us[r] <= now) {
      gint64 lim = c->prof_lim[r] > 0 ? c->prof_lim[r] : p->node->alloc[r];
      gint64 next;
      gint64 v = ks_usage_profile_eval(prof, t, c->prof_req[r], lim, &c->rng, &next);
      c->want[r] = c->num[r] == c->den[r] ? v : (gint64)(((__int128)v * c->num[r]) / c->den[r]);
      c->next_usage_us[r] = next == KS_USAGE_NEVER ? KS_USAGE_NEVER : c->run_started_us + next;
    }
    soonest = MIN(soonest, c->next_usage_us[r]);
  }
  cancel(p->m, &c->usage_event);
  if (soonest != KS_USAGE_NEVER)
    c->usage_event = ks_engine_schedule(p->m->engine, soonest, usage_event, c, NULL);
}

static void begin_run(ModelContainer *c, gint64 now) {
  c->running = TRUE;
  c->run_started_us = now;
  c->granted = 0;
  c->rate_ppm = -1; /* unknown: node_update sets it and the end event */
  c->started = TRUE;
  gint64 T = c->run_time_us;
  c->work_left = T == KS_RUN_TIME_FOREVER ? 0 : (__int128)T * PPM;
  KsContainerState run = {KS_CONTAINER_RUNNING, NULL, NULL, 0, now, 0};
  ks_container_state_set(&c->state, &run);
  evaluate_usage(c, now, TRUE);
}

/* The container stops (killed or done): it takes nothing until it restarts. */
static void stop_run(ModelContainer *c) {
  c->running = FALSE;
  c->granted = 0;
  for (guint r = 0; r < R_COUNT; r++)
    c->want[r] = 0;
  cancel(c->pod->m, &c->usage_event);
  cancel(c->pod->m, &c->end_event);
}

/* Go's Duration.String for whole seconds: 10s, 1m20s, 5m0s. transfer full */
static char *go_duration(gint64 us) {
  gint64 secs = us / G_USEC_PER_SEC;
  return secs < 60 ? g_strdup_printf("%" G_GINT64_FORMAT "s", secs)
                   : g_strdup_printf("%" G_GINT64_FORMAT "m%" G_GINT64_FORMAT "s", secs / 60,
                                     secs % 60);
}

/* Whether a container that exited so restarts (upstream's
 * ShouldContainerBeRestarted): a sidecar always; a plain init container
 * after a failure unless the pod's policy is Never; a regular container per
 * the pod's policy (Always: any exit, OnFailure: a non-zero one, Never:
 * none). Pods without per-container run times or exit codes keep ksim's
 * older rule for regular containers: exit code 0 ends a container whatever
 * the policy (a finite workload's pod-level ksim.io/run-time). */
static gboolean restarts(const ModelContainer *c, gint32 exit_code) {
  KsRestartPolicy policy = c->pod->restart_policy;
  if (c->sidecar)
    return TRUE;
  if (policy == KS_RESTART_NEVER)
    return FALSE;
  if (exit_code != 0)
    return TRUE;
  return !c->init && policy == KS_RESTART_ALWAYS && c->pod->upstream_restarts;
}

/* Container c terminated now (reason, exit code): it restarts after its own
 * crash back-off when `restarts` says so (and may_restart), or is done.
 * Only the model's state changes here. */
static void container_terminate(ModelContainer *c, const char *reason, gint32 exit_code,
                                gboolean may_restart) {
  ModelPod *p = c->pod;
  gint64 now = ks_engine_now(p->m->engine);
  stop_run(c);
  KsContainerState term = {KS_CONTAINER_TERMINATED, (char *)reason, NULL, exit_code,
                           c->run_started_us, now};
  if (!may_restart || !restarts(c, exit_code)) {
    c->done = TRUE;
    ks_container_state_set(&c->state, &term);
    return;
  }
  c->restart_at = ks_crash_backoff_restart_at(&c->backoff, now);
  ks_container_state_set(&c->last_state, &term);
  if (c->restart_at == now) {
    ks_container_state_set(&c->state, &term);
    return;
  }
  /* upstream's message: back-off <d> restarting failed container=<c> pod=<name_ns(uid)> */
  const KsStoreObject *obj = ks_store_get(p->m->store, KS_STORE_POD, p->ns, p->name);
  const KsPod *pod = obj ? obj->data : NULL;
  char *d = go_duration(c->restart_at - now);
  char *msg = g_strdup_printf("back-off %s restarting failed container=%s pod=%s_%s(%s)", d,
                              c->name, p->name, p->ns, pod && pod->uid ? pod->uid : "");
  KsContainerState wait = {KS_CONTAINER_WAITING, "CrashLoopBackOff", msg, 0, 0, 0};
  ks_container_state_set(&c->state, &wait);
  g_free(msg);
  g_free(d);
}

/* A container that will not restart (a pending restart is dropped). */
static void container_finish(ModelContainer *c) {
  if (c->running)
    container_terminate(c, "Completed", 0, FALSE);
  cancel(c->pod->m, &c->restart_event);
  c->restart_at = -1;
  c->done = TRUE;
}

/* The pod's phase after a change (upstream getPhase over its containers).
 * Once every regular container is done the kubelet finds the pod terminal:
 * its sidecars are stopped (Completed) and the phase is Succeeded when each
 * regular container exited 0, else Failed. A phase that is terminal anyway
 * (an init container failed with restartPolicy Never) stops everything. */
static void update_phase(ModelPod *p) {
  if (p->ended)
    return;
  gboolean all_done = p->initialized;
  for (guint i = 0; all_done && i < p->n_regular; i++)
    all_done = p->containers[i]->done;
  if (all_done)
    for (guint i = 0; i < p->n_containers; i++)
      container_finish(p->containers[i]);
  KsPhaseContainer local[8] = {{0}};
  KsPhaseContainer *cs = p->n_containers <= G_N_ELEMENTS(local)
                             ? local
                             : g_new(KsPhaseContainer, p->n_containers);
  phase_view(p, cs);
  p->phase = ks_kubelet_pod_phase(cs, p->n_containers, p->restart_policy, all_done);
  if (cs != local)
    g_free(cs);
  if (p->phase == KS_POD_SUCCEEDED || p->phase == KS_POD_FAILED) {
    p->ended = TRUE;
    for (guint i = 0; i < p->n_containers; i++)
      container_finish(p->containers[i]);
  }
}

/* Starts the init containers in spec order from init_pos: a sidecar starts
 * and the next follows at once; a plain one runs alone until it completes
 * (exit 0), when this is called again. After the last, the regular
 * containers start and the pod is initialized. */
static void advance_init(ModelPod *p, gint64 now) {
  while (p->n_regular + p->init_pos < p->n_containers) {
    ModelContainer *c = p->containers[p->n_regular + p->init_pos];
    if (c->init && c->done && c->state.kind == KS_CONTAINER_TERMINATED &&
        c->state.exit_code == 0) {
      p->init_pos++;
      continue;
    }
    if (c->init) {
      if (!c->running && !c->done && c->restart_at < 0)
        begin_run(c, now);
      return;
    }
    if (!c->running && !c->started)
      begin_run(c, now);
    p->init_pos++;
  }
  if (p->initialized)
    return;
  p->initialized = TRUE;
  for (guint i = 0; i < p->n_regular; i++)
    begin_run(p->containers[i], now);
}

static ModelContainer *find_container(KsKubeletModel *m, const char *key, guint index) {
  ModelPod *p = lookup(m, key);
  return p && index < p->n_containers ? p->containers[index] : NULL;
}

/* The container starts again: its status is written first (running, one
 * more restart), then it takes its place on the node. */
static void restart_event(KsEngine *e, gpointer data) {
  ModelContainer *c = data;
  ModelPod *p = c->pod;
  KsKubeletModel *m = p->m;
  ModelNode *n = p->node;
  gint64 now = ks_engine_now(e);
  c->restart_event = 0;
  c->restart_at = -1;
  c->restart_count++;
  c->starting = TRUE;
  KsContainerState run = {KS_CONTAINER_RUNNING, NULL, NULL, 0, now, 0};
  ks_container_state_set(&c->state, &run);
  if (!sync_pod(p, c->index)) {
    node_update(m, n);
    return;
  }
  c->starting = FALSE;
  KsKubeletStats d = {0};
  d.restarts = 1;
  count(p, &d);
  node_update(m, n); /* account the others first, at their old rates */
  begin_run(c, now);
  node_update(m, n);
}

static void usage_event(KsEngine *e, gpointer data) {
  ModelContainer *c = data;
  KsKubeletModel *m = c->pod->m;
  ModelNode *n = c->pod->node;
  char *key = g_strdup(c->pod->key);
  guint index = c->index;
  c->usage_event = 0;
  node_update(m, n); /* counters to now at the old usage */
  if ((c = find_container(m, key, index)) != NULL && c->running) {
    evaluate_usage(c, ks_engine_now(e), FALSE);
    node_update(m, n);
  }
  g_free(key);
}

/* A regular container's work is done: it exits with the pod's exit code. */
static void end_event(KsEngine *e, gpointer data) {
  ModelContainer *c = data;
  KsKubeletModel *m = c->pod->m;
  ModelNode *n = c->pod->node;
  char *key = g_strdup(c->pod->key);
  guint index = c->index;
  (void)e;
  c->end_event = 0;
  node_update(m, n); /* brings the work to (at most) zero */
  /* gone, killed, or its end moved by that update: nothing to do now */
  if ((c = find_container(m, key, index)) != NULL && c->running && !c->end_event) {
    ModelPod *p = c->pod;
    container_terminate(c, c->exit_code == 0 ? "Completed" : "Error", c->exit_code, TRUE);
    if (c->init && c->done && c->exit_code == 0)
      advance_init(p, ks_engine_now(e)); /* counters are at now: the next one starts */
    update_phase(p);
    sync_pod(p, index);
    node_update(m, n);
  }
  g_free(key);
}

/* ---- the node ------------------------------------------------------------------ */

/* Kills the victims (containers; from `own` on by the node's OOM killer),
 * then writes each pod touched once, in the order of its first victim. */
static void kill_all(GPtrArray *victims, guint own) {
  GPtrArray *pods = g_ptr_array_new();
  GArray *last = g_array_new(FALSE, FALSE, sizeof(guint));
  for (guint i = 0; i < victims->len; i++) {
    ModelContainer *c = g_ptr_array_index(victims, i);
    KsKubeletStats d = {0};
    d.oom_kills = 1;
    d.node_oom_kills = i >= own ? 1 : 0;
    count(c->pod, &d);
    container_terminate(c, "OOMKilled", OOM_EXIT_CODE, TRUE);
    guint k;
    if (!g_ptr_array_find(pods, c->pod, &k)) {
      g_ptr_array_add(pods, c->pod);
      g_array_append_val(last, c->index);
    } else {
      g_array_index(last, guint, k) = c->index;
    }
  }
  for (guint i = 0; i < pods->len; i++) {
    ModelPod *p = g_ptr_array_index(pods, i);
    update_phase(p);
    sync_pod(p, g_array_index(last, guint, i));
  }
  g_array_unref(last);
  g_ptr_array_unref(pods);
}

/* Memory: containers above their own limit first, then the node's killer
 * while the node is out of memory. */
static void check_memory(ModelNode *n) {
  GPtrArray *victims = g_ptr_array_new();
  GPtrArray *alive = g_ptr_array_new();
  gint64 total = n->sys_mem;
  for (guint i = 0; i < n->pods->len; i++) {
    ModelPod *p = g_ptr_array_index(n->pods, i);
    for (guint j = 0; j < p->n_containers; j++) {
      ModelContainer *c = p->containers[j];
      if (!c->running)
        continue;
      if (c->lim[KS_USAGE_MEMORY] > 0 && c->want[KS_USAGE_MEMORY] > c->lim[KS_USAGE_MEMORY]) {
        g_ptr_array_add(victims, c);
        continue;
      }
      g_ptr_array_add(alive, c);
      total += c->want[KS_USAGE_MEMORY];
    }
  }
  guint own = victims->len;
  /* the kubepods cgroup's OOM killer (enforceNodeAllocatable "pods"): the
   * pods alone above capacity - kubeReserved - systemReserved */
  gint64 pods = total - n->sys_mem;
  while (n->kubepods_mem >= 0 && pods > n->kubepods_mem && alive->len) {
    KsOomCandidate *cand = g_new(KsOomCandidate, alive->len);
    for (guint i = 0; i < alive->len; i++) {
      ModelContainer *c = g_ptr_array_index(alive, i);
      cand[i] = (KsOomCandidate){c->want[KS_USAGE_MEMORY], c->oom_adj};
    }
    gint v = ks_oom_pick_victim(cand, alive->len, n->kubepods_mem);
    g_free(cand);
    if (v < 0)
      break;
    ModelContainer *c = g_ptr_array_index(alive, v);
    total -= c->want[KS_USAGE_MEMORY];
    pods -= c->want[KS_USAGE_MEMORY];
    g_ptr_array_remove_index(alive, (guint)v);
    g_ptr_array_add(victims, c);
  }
  while (n->cap_mem > 0 && total > n->cap_mem && alive->len) {
    KsOomCandidate *cand = g_new(KsOomCandidate, alive->len);
    for (guint i = 0; i < alive->len; i++) {
      ModelContainer *c = g_ptr_array_index(alive, i);
      cand[i] = (KsOomCandidate){c->want[KS_USAGE_MEMORY], c->oom_adj};
    }
    gint v = ks_oom_pick_victim(cand, alive->len, n->cap_mem);
    g_free(cand);
    if (v < 0)
      break;
    ModelContainer *c = g_ptr_array_index(alive, v);
    total -= c->want[KS_USAGE_MEMORY];
    g_ptr_array_remove_index(alive, (guint)v);
    g_ptr_array_add(victims, c);
  }
  if (victims->len)
    kill_all(victims, own);
  g_ptr_array_unref(victims);
  g_ptr_array_unref(alive);
}

/* A container's rate changed: its end moves to now + what is left at it. */
static void set_rate(ModelContainer *c, gint64 rate, gint64 now) {
  KsKubeletModel *m = c->pod->m;
  if (rate == c->rate_ppm || c->run_time_us == KS_RUN_TIME_FOREVER) {
    c->rate_ppm = rate;
    return;
  }
  c->rate_ppm = rate;
  cancel(m, &c->end_event);
  if (rate <= 0)
    return; /* stalled until something changes */
  __int128 left = c->work_left > 0 ? c->work_left : 0;
  gint64 dt = (gint64)((left + rate - 1) / rate);
  c->end_event = ks_engine_schedule(m->engine, now + dt, end_event, c, NULL);
}

/* CPU in two levels, as the cgroup tree: the pod cgroups share the node's
 * cpu by their shares (each capped at its quota and at what its containers
 * can use), then each pod's containers share what it got by theirs, each
 * capped at its own limit. */
static void share_cpu(ModelNode *n, gint64 now) {
  guint np = n->pods->len;
  KsCpuClaim *pods = g_new0(KsCpuClaim, MAX(np, 1));
  for (guint i = 0; i < np; i++) {
    ModelPod *p = g_ptr_array_index(n->pods, i);
    gint64 demand = 0;
    for (guint j = 0; j < p->n_containers; j++) {
      const ModelContainer *c = p->containers[j];
      if (!c->running)
        continue;
      gint64 d = MAX(c->want[KS_USAGE_CPU], 0);
      demand += c->lim[KS_USAGE_CPU] > 0 ? MIN(d, c->lim[KS_USAGE_CPU]) : d;
    }
    pods[i] = (KsCpuClaim){demand, p->quota, p->shares, 0};
  }
  ks_cpu_share(pods, np, MAX(n->alloc_cpu, 0));
  for (guint i = 0; i < np; i++) {
    ModelPod *p = g_ptr_array_index(n->pods, i);
    KsCpuClaim local[8]; /* pods rarely have more containers: no allocation per update */
    KsCpuClaim *cs = p->n_containers <= G_N_ELEMENTS(local) ? local
                                                            : g_new0(KsCpuClaim, p->n_containers);
    guint k = 0;
    for (guint j = 0; j < p->n_containers; j++) {
      const ModelContainer *c = p->containers[j];
      if (c->running)
        cs[k++] = (KsCpuClaim){c->want[KS_USAGE_CPU], c->lim[KS_USAGE_CPU], c->shares, 0};
    }
    ks_cpu_share(cs, k, pods[i].granted);
    k = 0;
    for (guint j = 0; j < p->n_containers; j++) {
      ModelContainer *c = p->containers[j];
      if (!c->running)
        continue;
      c->granted = cs[k++].granted;
      gint64 want = c->want[KS_USAGE_CPU];
      set_rate(c, want > 0 ? (gint64)(((__int128)c->granted * PPM) / want) : PPM, now);
    }
    if (cs != local)
      g_free(cs);
  }
  g_free(pods);
}

static void node_update(KsKubeletModel *m, ModelNode *n) {
  gint64 now = ks_engine_now(m->engine);
  node_refresh(m, n);
  for (guint i = 0; i < n->pods->len; i++)
    account(g_ptr_array_index(n->pods, i), now);
  check_memory(n);
  share_cpu(n, now);
}

/* The kubelet is back (upstream: its status manager syncs every pod): the
 * pods whose status changed while it was down, or whose Ready the node
 * lifecycle controller took away, get the model's status now. */
static void node_back(KsKubeletModel *m, ModelNode *n) {
  gint64 now = ks_engine_now(m->engine);
  GPtrArray *pods = g_ptr_array_copy(n->pods, NULL, NULL);
  for (guint i = 0; i < pods->len; i++) {
    ModelPod *p = g_ptr_array_index(pods, i);
    const KsStoreObject *obj = ks_store_get(m->store, KS_STORE_POD, p->ns, p->name);
    gboolean stale = obj && ((const KsPod *)obj->data)->ready != pod_ready(p, now);
    if (p->dirty || stale) {
      p->dirty = FALSE;
      sync_pod(p, p->last_changed);
    }
  }
  g_ptr_array_unref(pods);
  node_update(m, n);
}

static void node_watch(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                       const KsStoreObject *new_obj, gpointer user_data) {
  (void)s;
  (void)old_obj;
  KsKubeletModel *m = user_data;
  if (type == KS_WATCH_DELETED || !new_obj)
    return;
  const KsNode *node = new_obj->data;
  ModelNode *n = g_hash_table_lookup(m->nodes, node->name);
  if (!n)
    return;
  gboolean was = n->down;
  n->down = ks_node_fault_is_down(node);
  if (was && !n->down)
    node_back(m, n);
}

/* ---- the API --------------------------------------------------------------------- */

KsKubeletModel *ks_kubelet_model_new(KsStore *store, guint64 seed) {
  KsKubeletModel *m = g_new0(KsKubeletModel, 1);
  m->store = store;
  m->engine = ks_store_get_engine(store);
  m->seed = seed;
  m->pods = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, model_pod_free);
  m->nodes = g_hash_table_new(g_str_hash, g_str_equal);
  m->node_list = g_ptr_array_new_with_free_func(node_free);
  m->pod_stats = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  m->records = g_ptr_array_new_with_free_func(record_free);
  m->samples = g_array_new(FALSE, FALSE, sizeof(KsKubeletUsageRow));
  m->node_watch = ks_store_watch(store, KS_STORE_NODE, node_watch, m);
  return m;
}

void ks_kubelet_model_free(KsKubeletModel *m) {
  if (!m)
    return;
  ks_store_unwatch(m->store, m->node_watch);
  g_hash_table_destroy(m->pods);
  g_hash_table_destroy(m->nodes);
  g_ptr_array_unref(m->node_list);
  g_hash_table_destroy(m->pod_stats);
  g_ptr_array_unref(m->records);
  g_array_unref(m->samples);
  ks_kubelet_configs_unref(m->kubelets);
  g_free(m);
}

void ks_kubelet_model_set_kubelets(KsKubeletModel *m, KsKubeletConfigs *kubelets) {
  KsKubeletConfigs *k = kubelets ? ks_kubelet_configs_ref(kubelets) : NULL;
  ks_kubelet_configs_unref(m->kubelets);
  m->kubelets = k;
}

static char *pod_key(const char *ns, const char *name) {
  return g_strconcat(ns ? ns : "", "/", name ? name : "", NULL);
}

static void resources_of(const KsResourceList *l, gint64 out[R_COUNT]) {
  out[KS_USAGE_CPU] = l->milli_cpu;
  out[KS_USAGE_MEMORY] = l->memory;
  out[KS_USAGE_EPHEMERAL_STORAGE] = l->ephemeral_storage;
}

/* The containers the model runs: regular ones, then the init containers
 * (sidecars and plain ones) in spec order (a pod with none runs as one
 * nameless container with the pod's requests). Each has its own run time
 * and exit code (ksim.io/run-time.<c>, exit-code.<c>; a regular one falls
 * back on the pod's run_time_us and ksim.io/exit-code). Before the plain
 * init containers have completed the others wait with PodInitializing. */
static void build_containers(ModelPod *p, const KsPod *pod, const gint64 preq[R_COUNT],
                             const gint64 plim[R_COUNT], gint64 run_time_us) {
  GPtrArray *spec = g_ptr_array_new();
  for (guint i = 0; pod->containers && i < pod->containers->len; i++)
    g_ptr_array_add(spec, &g_array_index(pod->containers, KsContainer, i));
  p->n_regular = spec->len;
  for (guint i = 0; pod->init_containers && i < pod->init_containers->len; i++) {
    KsContainer *k = &g_array_index(pod->init_containers, KsContainer, i);
    g_ptr_array_add(spec, k);
    p->n_plain_init += !k->restart_always;
  }
  gboolean anonymous = spec->len == 0;
  p->n_containers = anonymous ? 1 : spec->len;
  p->n_regular = anonymous ? 1 : p->n_regular;
  p->containers = g_new0(ModelContainer *, p->n_containers);
  gint64 cap = MAX(p->node->cap_mem, 1);
  for (guint i = 0; i < p->n_containers; i++) {
    const KsContainer *k = anonymous ? NULL : g_ptr_array_index(spec, i);
    ModelContainer *c = g_new0(ModelContainer, 1);
    c->pod = p;
    c->index = i;
    c->name = g_strdup(k ? k->name : "");
    c->sidecar = i >= p->n_regular && k->restart_always;
    c->init = i >= p->n_regular && !k->restart_always;
    c->restart_at = -1;
    KsContainerTiming timing;
    ks_pod_container_timing(pod, c->name,
                            c->init ? KS_CONTAINER_INIT
                                    : (c->sidecar ? KS_CONTAINER_SIDECAR : KS_CONTAINER_REGULAR),
                            &timing);
    c->run_time_us = timing.run_time_us;
    c->exit_code = timing.exit_code;
    if (!c->init && !c->sidecar) {
      char *own = g_strconcat(KS_ANNOTATION_RUN_TIME_PREFIX, c->name, NULL);
      if (!ks_labels_get(&pod->annotations, own))
        c->run_time_us = run_time_us; /* the pod's, as the node agent read it */
      g_free(own);
    }
    if (p->n_plain_init > 0) {
      KsContainerState wait = {KS_CONTAINER_WAITING, KS_REASON_POD_INITIALIZING, NULL, 0, 0, 0};
      ks_container_state_set(&c->state, &wait);
    }
    if (k) {
      resources_of(&k->requests, c->req);
      resources_of(&k->limits, c->lim);
      c->oom_adj = ks_qos_container_oom_score_adj(pod, k, cap);
    } else {
      memcpy(c->req, preq, sizeof c->req);
      memcpy(c->lim, plim, sizeof c->lim);
      c->oom_adj = KS_OOM_SCORE_ADJ_BEST_EFFORT;
    }
    c->shares = ks_cpu_milli_to_shares(c->req[KS_USAGE_CPU]);
    /* the first container draws from the pod's stream (as when the model ran
     * a pod as one container), the others from their own */
    char *stream = i == 0 ? g_strconcat("kubelet/usage/", p->key, NULL)
                          : g_strconcat("kubelet/usage/", p->key, "/", c->name, NULL);
    ks_rng_init(&c->rng, p->m->seed, stream);
    g_free(stream);
    p->containers[i] = c;
  }
  g_ptr_array_unref(spec);
  /* profiles: a container's own, else its part of the pod's, split by the
   * requests of the containers without their own (equal parts if none);
   * a plain init container has only its own (it runs alone, before the
   * containers the pod-level profile describes) */
  for (guint r = 0; r < R_COUNT; r++) {
    gint64 total = 0, n = 0;
    for (guint i = 0; i < p->n_containers; i++) {
      ModelContainer *c = p->containers[i];
      const KsUsageProfile *own = ks_pod_usage_container(&p->usage, c->name, r);
      if (own) {
        c->profile[r] = own;
        c->num[r] = c->den[r] = 1;
        c->prof_req[r] = c->req[r];
        c->prof_lim[r] = c->lim[r];
        continue;
      }
      if (c->init)
        continue; /* no part of the pod's */
      total += c->req[r];
      n++;
    }
    for (guint i = 0; i < p->n_containers; i++) {
      ModelContainer *c = p->containers[i];
      if (c->init || c->profile[r] || !p->usage.profile[r])
        continue;
      c->profile[r] = p->usage.profile[r];
      c->num[r] = total > 0 ? c->req[r] : 1;
      c->den[r] = total > 0 ? total : n;
      c->prof_req[r] = preq[r];
      c->prof_lim[r] = plim[r];
    }
  }
}

gboolean ks_kubelet_model_start(KsKubeletModel *m, const KsPod *pod, gint64 run_time_us,
                                GError **error) {
  g_return_val_if_fail(pod->node_name != NULL, FALSE);
  KsPodUsage usage;
  if (!ks_pod_read_usage(pod, &usage, error))
    return FALSE;
  char *key = pod_key(pod->namespace, pod->name);
  ks_kubelet_model_forget(m, pod->namespace, pod->name);
  ModelPod *p = g_new0(ModelPod, 1);
  p->m = m;
  p->ns = g_strdup(pod->namespace);
  p->name = g_strdup(pod->name);
  p->key = key;
  p->usage = usage;
  p->node = node_get(m, pod->node_name);
  p->qos = ks_pod_qos(pod);
  p->restart_policy = pod->restart_policy;
  p->upstream_restarts = ks_pod_has_container_timing(pod);
  p->base_restarts = restart_count(pod);
  KsResourceList req, lim;
  ks_pod_compute_requests(pod, &req);
  ks_pod_compute_limits(pod, &lim);
  gint64 preq[R_COUNT], plim[R_COUNT];
  resources_of(&req, preq);
  resources_of(&lim, plim);
  ks_resource_list_clear(&req);
  ks_resource_list_clear(&lim);
  p->shares = ks_cpu_milli_to_shares(preq[KS_USAGE_CPU]);
  p->quota = plim[KS_USAGE_CPU];
  build_containers(p, pod, preq, plim, run_time_us);
  p->phase = p->n_plain_init > 0 ? KS_POD_PENDING : KS_POD_RUNNING;
  PodRecord *rec = g_hash_table_lookup(m->pod_stats, key);
  if (!rec) {
    rec = g_new0(PodRecord, 1);
    rec->ns = g_strdup(p->ns);
    rec->name = g_strdup(p->name);
    g_ptr_array_add(m->records, rec);
    g_hash_table_insert(m->pod_stats, g_strdup(key), rec);
  }
  rec->qos = p->qos;
  p->stats = &rec->stats;
  g_hash_table_insert(m->pods, p->key, p);
  m->used = TRUE;
  ModelNode *n = p->node;
  node_update(m, n); /* the others' counters to now */
  g_ptr_array_add(n->pods, p);
  gint64 now = ks_engine_now(m->engine);
  p->accounted_us = now;
  if (p->n_plain_init == 0) {
    p->initialized = TRUE;
    for (guint i = 0; i < p->n_containers; i++)
      begin_run(p->containers[i], now);
    node_update(m, n);
    return TRUE;
  }
  /* init containers first: the pod is Pending, Initialized False, until they complete */
  advance_init(p, now);
  char *k = g_strdup(p->key);
  node_update(m, n);
  if ((p = lookup(m, k)) != NULL && sync_pod(p, p->n_regular))
    node_update(m, n);
  g_free(k);
  return TRUE;
}

gboolean ks_kubelet_model_runs_init(const KsPod *pod) {
  for (guint i = 0; pod->init_containers && i < pod->init_containers->len; i++)
    if (!g_array_index(pod->init_containers, KsContainer, i).restart_always)
      return TRUE;
  return FALSE;
}

void ks_kubelet_model_forget(KsKubeletModel *m, const char *ns, const char *name) {
  char *key = pod_key(ns, name);
  ModelPod *p = g_hash_table_lookup(m->pods, key);
  g_free(key);
  if (!p)
    return;
  ModelNode *n = p->node;
  char *k = g_strdup(p->key);
  node_update(m, n); /* its counters and the others' to now */
  if ((p = lookup(m, k)) != NULL) {
    drop(m, p);
    node_update(m, n);
  }
  g_free(k);
}

gboolean ks_kubelet_model_has(const KsKubeletModel *m, const char *ns, const char *name) {
  char *key = pod_key(ns, name);
  gboolean has = g_hash_table_contains(m->pods, key);
  g_free(key);
  return has;
}

const KsKubeletStats *ks_kubelet_model_qos_stats(const KsKubeletModel *m, KsQosClass q) {
  g_return_val_if_fail((guint)q < KS_QOS_CLASS_COUNT, NULL);
  return &m->qos[q];
}

guint ks_kubelet_model_n_nodes(const KsKubeletModel *m) { return m->node_list->len; }

const char *ks_kubelet_model_node_name(const KsKubeletModel *m, guint i) {
  return ((ModelNode *)g_ptr_array_index(m->node_list, i))->name;
}

const KsKubeletStats *ks_kubelet_model_node_stats(const KsKubeletModel *m, guint i) {
  return &((ModelNode *)g_ptr_array_index(m->node_list, i))->stats;
}

/* A running pod's usage summed over its running containers. */
static gboolean pod_sum(const ModelPod *p, gint64 *granted, gint64 want[R_COUNT]) {
  gboolean any = FALSE;
  *granted = 0;
  for (guint r = 0; r < R_COUNT; r++)
    want[r] = 0;
  for (guint i = 0; p && i < p->n_containers; i++) {
    const ModelContainer *c = p->containers[i];
    if (!c->running)
      continue;
    any = TRUE;
    *granted += c->granted;
    for (guint r = 0; r < R_COUNT; r++)
      want[r] += c->want[r];
  }
  return any;
}

void ks_kubelet_model_node_usage(KsKubeletModel *m, guint i, gint64 *milli_cpu, gint64 *memory,
                                 gint64 *ephemeral_storage) {
  ModelNode *n = g_ptr_array_index(m->node_list, i);
  gint64 now = ks_engine_now(m->engine);
  gint64 cpu = n->sys_cpu, mem = n->sys_mem, eph = 0;
  for (guint j = 0; j < n->pods->len; j++) {
    ModelPod *p = g_ptr_array_index(n->pods, j);
    account(p, now);
    gint64 g, want[R_COUNT];
    if (!pod_sum(p, &g, want))
      continue;
    cpu += g;
    mem += want[KS_USAGE_MEMORY];
    eph += want[KS_USAGE_EPHEMERAL_STORAGE];
  }
  *milli_cpu = cpu;
  *memory = mem;
  *ephemeral_storage = eph;
}

gboolean ks_kubelet_model_used(const KsKubeletModel *m) { return m->used; }

const KsKubeletStats *ks_kubelet_model_pod_stats(const KsKubeletModel *m, const char *ns,
                                                 const char *name) {
  char *key = pod_key(ns, name);
  const KsKubeletStats *s = g_hash_table_lookup(m->pod_stats, key);
  g_free(key);
  return s;
}

static const ModelPod *find_pod(const KsKubeletModel *m, const char *ns, const char *name) {
  char *key = pod_key(ns, name);
  const ModelPod *p = g_hash_table_lookup(m->pods, key);
  g_free(key);
  return p;
}

gboolean ks_kubelet_model_pod_cpu(const KsKubeletModel *m, const char *ns, const char *name,
                                  gint64 *granted, gint64 *wanted) {
  gint64 g, want[R_COUNT];
  if (!pod_sum(find_pod(m, ns, name), &g, want))
    return FALSE;
  *granted = g;
  *wanted = want[KS_USAGE_CPU];
  return TRUE;
}

/* The container named so of a pod the model runs. */
static const ModelContainer *find_model_container(const KsKubeletModel *m, const char *ns,
                                                  const char *name, const char *container) {
  const ModelPod *p = find_pod(m, ns, name);
  for (guint i = 0; p && i < p->n_containers; i++)
    if (!g_strcmp0(p->containers[i]->name, container))
      return p->containers[i];
  return NULL;
}

gboolean ks_kubelet_model_container_cpu(const KsKubeletModel *m, const char *ns, const char *name,
                                        const char *container, gint64 *granted, gint64 *wanted) {
  const ModelContainer *c = find_model_container(m, ns, name, container);
  if (!c || !c->running)
    return FALSE;
  *granted = c->granted;
  *wanted = c->want[KS_USAGE_CPU];
  return TRUE;
}

gboolean ks_kubelet_model_container_memory(const KsKubeletModel *m, const char *ns,
                                           const char *name, const char *container,
                                           gint64 *memory) {
  const ModelContainer *c = find_model_container(m, ns, name, container);
  if (!c || !c->running)
    return FALSE;
  *memory = c->want[KS_USAGE_MEMORY];
  return TRUE;
}

guint ks_kubelet_model_n_pods(const KsKubeletModel *m) { return m->records->len; }

const KsKubeletStats *ks_kubelet_model_pod_record(const KsKubeletModel *m, guint i,
                                                  const char **ns, const char **name,
                                                  KsQosClass *qos) {
  const PodRecord *r = g_ptr_array_index(m->records, i);
  *ns = r->ns;
  *name = r->name;
  *qos = r->qos;
  return &r->stats;
}

void ks_kubelet_model_sample(KsKubeletModel *m) {
  if (!m->used)
    return;
  gint64 now = ks_engine_now(m->engine);
  for (guint i = 0; i < m->node_list->len; i++) {
    KsKubeletUsageRow row = {now, (gint32)i, 0, 0, 0};
    ks_kubelet_model_node_usage(m, i, &row.milli_cpu, &row.memory, &row.ephemeral_storage);
    g_array_append_val(m->samples, row);
  }
}

const GArray *ks_kubelet_model_samples(const KsKubeletModel *m) { return m->samples; }

gboolean ks_kubelet_model_pod_usage(const KsKubeletModel *m, const char *ns, const char *name,
                                    gint64 *memory, gint64 *ephemeral_storage) {
  gint64 g, want[R_COUNT];
  if (!pod_sum(find_pod(m, ns, name), &g, want))
    return FALSE;
  *memory = want[KS_USAGE_MEMORY];
  *ephemeral_storage = want[KS_USAGE_EPHEMERAL_STORAGE];
  return TRUE;
}
