/* See resource_model.h and docs/node-agent.md.
 *
 * State. Per node, the modelled pods in the order they were handed over
 * (that order breaks every tie); per pod, its resolved requests and limits,
 * its profiles and RNG stream, what it wants now, what it is granted, its
 * remaining work and its rate. Work is kept in microseconds x 10^6 (128-bit)
 * so a rate of granted/wanted in parts per million never loses time: a pod
 * that is never short of cpu ends exactly run-time after it started.
 *
 * Every change on a node (a pod starts, ends, is killed or restarts, a
 * profile steps) runs node_update: first the counters are brought to now at
 * the old rates, then memory is checked (per-pod limit, then the node), cpu
 * is shared again, and each pod whose rate changed gets its end event moved.
 * A pod has at most three pending events: its next profile change, its end,
 * and its restart; all carry the ModelPod and are cancelled when it leaves.
 */
#include "sim/kubelet/resource_model.h"

#include <string.h>

#include "sched/objects.h"
#include "sched/qos.h"
#include "sched/rng.h"
#include "sim/kubelet/cpu_share.h"
#include "sim/kubelet/crash_backoff.h"
#include "sim/kubelet/oom.h"
#include "workloads/annotations.h"
#include "workloads/usage.h"

#define PPM 1000000
#define OOM_EXIT_CODE 137

typedef struct ModelNode ModelNode;

typedef struct {
  KsKubeletModel *m;
  char *ns, *name, *key;
  ModelNode *node;
  KsQosClass qos;
  gint oom_adj;
  gint64 req[KS_USAGE_RESOURCE_COUNT], lim[KS_USAGE_RESOURCE_COUNT]; /* lim 0: none */
  gint64 shares;
  KsPodUsage usage;
  KsRng rng;
  KsRestartPolicy restart_policy;
  gint64 run_time_us;       /* KS_RUN_TIME_FOREVER: runs until stopped */
  gint32 exit_code;         /* at the end of a run */
  /* the current run */
  gboolean running;
  gint64 run_started_us;
  gint64 want[KS_USAGE_RESOURCE_COUNT];
  gint64 next_usage_us[KS_USAGE_RESOURCE_COUNT]; /* absolute; KS_USAGE_NEVER */
  gint64 granted;
  gint64 rate_ppm;
  __int128 work_left;       /* microseconds x PPM */
  gint64 accounted_us;
  guint64 usage_event, end_event, restart_event;
  KsCrashBackoff backoff;
  KsKubeletStats *stats;    /* the pod's totals (owned by the model's list) */
} ModelPod;

struct ModelNode {
  char *name;
  guint index;
  GPtrArray *pods;         /* ModelPod*, in hand-over order */
  guint64 node_rv;         /* the Node object the fields below were read from */
  gint64 alloc_cpu, cap_mem, alloc[KS_USAGE_RESOURCE_COUNT];
  gint64 sys_cpu, sys_mem;
  KsKubeletStats stats;
};

struct KsKubeletModel {
  KsStore *store;
  KsEngine *engine;
  guint64 seed;
  GHashTable *pods;        /* "ns/name" -> ModelPod* (owned) */
  GHashTable *nodes;       /* name -> ModelNode* (owned by node_list) */
  GPtrArray *node_list;    /* ModelNode*, first-seen order */
  GHashTable *pod_stats;   /* "ns/name" -> PodRecord* (owned by records) */
  GPtrArray *records;      /* PodRecord*: every pod ever run, first-start order */
  GArray *samples;         /* KsKubeletUsageRow */
  KsKubeletStats qos[KS_QOS_CLASS_COUNT];
  gboolean used;
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

/* Brings a running pod's counters and remaining work to now at its current
 * grant and rate. */
static void account(ModelPod *p, gint64 now) {
  gint64 dt = now - p->accounted_us;
  p->accounted_us = now;
  if (!p->running || dt <= 0)
    return;
  KsKubeletStats d = {0};
  d.throttled_mcpu_us = (p->want[KS_USAGE_CPU] - p->granted) * dt;
  d.cpu_used_mcpu_us = p->granted * dt;
  count(p, &d);
  if (p->run_time_us != KS_RUN_TIME_FOREVER)
    p->work_left -= (__int128)dt * p->rate_ppm;
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
  g_ptr_array_add(m->node_list, n);
  g_hash_table_insert(m->nodes, n->name, n);
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

static void model_pod_free(gpointer data) {
  ModelPod *p = data;
  cancel(p->m, &p->usage_event);
  cancel(p->m, &p->end_event);
  cancel(p->m, &p->restart_event);
  ks_pod_usage_clear(&p->usage);
  g_free(p->ns);
  g_free(p->name);
  g_free(p->key);
  g_free(p);
}

/* ---- writing the pod's status ---------------------------------------------------- */

typedef void (*Mutate)(KsPod *copy, ModelPod *p, gpointer data);

/* Writes a copy of the stored pod changed by fn, as the kubelet's status
 * update. FALSE when the pod is gone. */
static gboolean write_pod(ModelPod *p, Mutate fn, gpointer data) {
  KsKubeletModel *m = p->m;
  const KsStoreObject *obj = ks_store_get(m->store, KS_STORE_POD, p->ns, p->name);
  if (!obj)
    return FALSE;
  KsPod *copy = ks_pod_copy(obj->data);
  fn(copy, p, data);
  GError *error = NULL;
  if (!ks_store_update(m->store, KS_STORE_POD, p->ns, p->name, copy, (GDestroyNotify)ks_pod_unref,
                       obj->resource_version, &error)) {
    g_warning("node agent: %s", error->message);
    g_error_free(error);
    return FALSE;
  }
  return TRUE;
}

static void set_not_ready(KsPod *copy, gint64 now) {
  if (copy->ready) {
    copy->ready = FALSE;
    copy->ready_since_us = now;
  }
}

typedef struct {
  const char *reason;
  gint32 exit_code;
  gint64 restart_at; /* -1: never (the pod ends) */
  KsPodPhase phase;  /* when it ends */
  gint64 backoff_us; /* for the CrashLoopBackOff message */
} Termination;

static void mutate_terminated(KsPod *copy, ModelPod *p, gpointer data) {
  const Termination *t = data;
  gint64 now = ks_engine_now(p->m->engine);
  KsContainerState term = {KS_CONTAINER_TERMINATED, (char *)t->reason, NULL, t->exit_code,
                           p->run_started_us, now};
  if (t->restart_at < 0) {
    copy->phase = t->phase;
    set_not_ready(copy, now);
    ks_container_state_set(&copy->container_state, &term);
    return;
  }
  ks_container_state_set(&copy->last_state, &term);
  if (t->restart_at == now) {
    ks_container_state_set(&copy->container_state, &term);
    return;
  }
  /* upstream's message: back-off <d> restarting failed container=<c> pod=<name_ns(uid)> */
  const char *cname = copy->containers->len ? g_array_index(copy->containers, KsContainer, 0).name
                                            : "";
  gint64 secs = t->backoff_us / G_USEC_PER_SEC; /* Go's Duration.String: 10s, 1m20s, 5m0s */
  char *d = secs < 60 ? g_strdup_printf("%" G_GINT64_FORMAT "s", secs)
                      : g_strdup_printf("%" G_GINT64_FORMAT "m%" G_GINT64_FORMAT "s", secs / 60,
                                        secs % 60);
  char *msg = g_strdup_printf("back-off %s restarting failed container=%s pod=%s_%s(%s)", d, cname,
                              copy->name, copy->namespace, copy->uid ? copy->uid : "");
  KsContainerState wait = {KS_CONTAINER_WAITING, "CrashLoopBackOff", msg, 0, 0, 0};
  ks_container_state_set(&copy->container_state, &wait);
  set_not_ready(copy, now);
  g_free(msg);
  g_free(d);
}

static gint64 restart_count(const KsPod *pod) {
  const char *v = ks_labels_get(&pod->annotations, KS_ANNOTATION_RESTART_COUNT);
  gint64 n = 0;
  if (v && !g_ascii_string_to_signed(v, 10, 0, G_MAXINT32, &n, NULL))
    n = 0;
  return n;
}

static void mutate_restarted(KsPod *copy, ModelPod *p, gpointer data) {
  (void)data;
  gint64 now = ks_engine_now(p->m->engine);
  char *n = g_strdup_printf("%" G_GINT64_FORMAT, restart_count(copy) + 1);
  ks_labels_set(&copy->annotations, KS_ANNOTATION_RESTART_COUNT, n);
  g_free(n);
  KsContainerState run = {KS_CONTAINER_RUNNING, NULL, NULL, 0, now, 0};
  ks_container_state_set(&copy->container_state, &run);
  if (!copy->ready) {
    copy->ready = TRUE;
    copy->ready_since_us = now;
  }
}

/* ---- a run -------------------------------------------------------------------------- */

static void usage_event(KsEngine *e, gpointer data);
static void end_event(KsEngine *e, gpointer data);
static void restart_event(KsEngine *e, gpointer data);

/* Evaluates the profiles whose change time has come (all of them when
 * fresh) and moves the pod's usage event to the next change. */
static void evaluate_usage(ModelPod *p, gint64 now, gboolean fresh) {
  gint64 t = now - p->run_started_us, soonest = KS_USAGE_NEVER;
  for (guint r = 0; r < KS_USAGE_RESOURCE_COUNT; r++) {
    const KsUsageProfile *prof = p->usage.profile[r];
    if (!prof) {
      p->want[r] = 0;
      p->next_usage_us[r] = KS_USAGE_NEVER;
      continue;
    }
    if (fresh || p->next_usage_us[r] <= now) {
      gint64 lim = p->lim[r] > 0 ? p->lim[r] : p->node->alloc[r];
      gint64 next;
      p->want[r] = ks_usage_profile_eval(prof, t, p->req[r], lim, &p->rng, &next);
      p->next_usage_us[r] = next == KS_USAGE_NEVER ? KS_USAGE_NEVER : p->run_started_us + next;
    }
    soonest = MIN(soonest, p->next_usage_us[r]);
  }
  cancel(p->m, &p->usage_event);
  if (soonest != KS_USAGE_NEVER)
    p->usage_event = ks_engine_schedule(p->m->engine, soonest, usage_event, p, NULL);
}

static void begin_run(ModelPod *p, gint64 now) {
  p->running = TRUE;
  p->run_started_us = now;
  p->accounted_us = now;
  p->granted = 0;
  p->rate_ppm = -1; /* unknown: node_update sets it and the end event */
  p->work_left = p->run_time_us == KS_RUN_TIME_FOREVER ? 0 : (__int128)p->run_time_us * PPM;
  evaluate_usage(p, now, TRUE);
}

/* The containers stop (killed or done): the pod keeps its place on the node
 * but takes nothing until it restarts. */
static void stop_run(ModelPod *p) {
  p->running = FALSE;
  p->granted = 0;
  for (guint r = 0; r < KS_USAGE_RESOURCE_COUNT; r++)
    p->want[r] = 0;
  cancel(p->m, &p->usage_event);
  cancel(p->m, &p->end_event);
}

static void drop(KsKubeletModel *m, ModelPod *p) {
  g_ptr_array_remove(p->node->pods, p);
  g_hash_table_remove(m->pods, p->key); /* frees p */
}

/* The containers terminated (reason, exit code) at now: restart per the
 * pod's restartPolicy after the crash back-off, or end the pod. Exit code 0
 * ends it Succeeded whatever the policy, as the node agent always did. */
static void terminate(ModelPod *p, const char *reason, gint32 exit_code) {
  KsKubeletModel *m = p->m;
  gint64 now = ks_engine_now(m->engine);
  stop_run(p);
  Termination t = {reason, exit_code, -1, KS_POD_SUCCEEDED, 0};
  if (exit_code != 0) {
    t.phase = KS_POD_FAILED;
    if (p->restart_policy != KS_RESTART_NEVER) {
      t.restart_at = ks_crash_backoff_restart_at(&p->backoff, now);
      t.backoff_us = t.restart_at - now;
    }
  }
  if (!write_pod(p, mutate_terminated, &t) || t.restart_at < 0)
    drop(m, p); /* frees p */
  else
    p->restart_event = ks_engine_schedule(m->engine, t.restart_at, restart_event, p, NULL);
}

static ModelPod *lookup(KsKubeletModel *m, const char *key) {
  return g_hash_table_lookup(m->pods, key);
}

static void restart_event(KsEngine *e, gpointer data) {
  ModelPod *p = data;
  KsKubeletModel *m = p->m;
  p->restart_event = 0;
  if (!write_pod(p, mutate_restarted, NULL)) {
    ModelNode *n = p->node;
    drop(m, p);
    node_update(m, n);
    return;
  }
  KsKubeletStats d = {0};
  d.restarts = 1;
  count(p, &d);
  ModelNode *n = p->node;
  node_update(m, n); /* account the others first, at their old rates */
  begin_run(p, ks_engine_now(e));
  node_update(m, n);
}

/* node_update may kill and drop any pod of the node (an OOM kill of a pod
 * that never restarts), so handlers find their pod again by key after it. */
static void usage_event(KsEngine *e, gpointer data) {
  ModelPod *p = data;
  KsKubeletModel *m = p->m;
  ModelNode *n = p->node;
  char *key = g_strdup(p->key);
  p->usage_event = 0;
  node_update(m, n); /* counters to now at the old usage */
  if ((p = lookup(m, key)) != NULL && p->running) {
    evaluate_usage(p, ks_engine_now(e), FALSE);
    node_update(m, n);
  }
  g_free(key);
}

static void end_event(KsEngine *e, gpointer data) {
  ModelPod *p = data;
  KsKubeletModel *m = p->m;
  ModelNode *n = p->node;
  char *key = g_strdup(p->key);
  (void)e;
  p->end_event = 0;
  node_update(m, n); /* brings the work to (at most) zero */
  /* gone, killed, or its end moved by that update: nothing to do now */
  if ((p = lookup(m, key)) != NULL && p->running && !p->end_event) {
    terminate(p, p->exit_code == 0 ? "Completed" : "Error", p->exit_code);
    node_update(m, n);
  }
  g_free(key);
}

/* ---- the node ------------------------------------------------------------------ */

static void oom_kill(ModelPod *p, gboolean by_node) {
  KsKubeletStats d = {0};
  d.oom_kills = 1;
  d.node_oom_kills = by_node ? 1 : 0;
  count(p, &d);
  terminate(p, "OOMKilled", OOM_EXIT_CODE);
}

/* Memory: pods above their own limit first, then the node's killer while
 * the node is out of memory. Returns TRUE when it killed anyone. */
static gboolean check_memory(KsKubeletModel *m, ModelNode *n) {
  GPtrArray *victims = g_ptr_array_new();
  GPtrArray *alive = g_ptr_array_new();
  gint64 total = n->sys_mem;
  for (guint i = 0; i < n->pods->len; i++) {
    ModelPod *p = g_ptr_array_index(n->pods, i);
    if (!p->running)
      continue;
    if (p->lim[KS_USAGE_MEMORY] > 0 && p->want[KS_USAGE_MEMORY] > p->lim[KS_USAGE_MEMORY]) {
      g_ptr_array_add(victims, p);
      continue;
    }
    g_ptr_array_add(alive, p);
    total += p->want[KS_USAGE_MEMORY];
  }
  guint own = victims->len;
  while (n->cap_mem > 0 && total > n->cap_mem && alive->len) {
    KsOomCandidate *c = g_new(KsOomCandidate, alive->len);
    for (guint i = 0; i < alive->len; i++) {
      ModelPod *p = g_ptr_array_index(alive, i);
      c[i] = (KsOomCandidate){p->want[KS_USAGE_MEMORY], p->oom_adj};
    }
    gint v = ks_oom_pick_victim(c, alive->len, n->cap_mem);
    g_free(c);
    if (v < 0)
      break;
    ModelPod *p = g_ptr_array_index(alive, v);
    total -= p->want[KS_USAGE_MEMORY];
    g_ptr_array_remove_index(alive, (guint)v);
    g_ptr_array_add(victims, p);
  }
  for (guint i = 0; i < victims->len; i++)
    oom_kill(g_ptr_array_index(victims, i), i >= own);
  gboolean killed = victims->len > 0;
  g_ptr_array_unref(victims);
  g_ptr_array_unref(alive);
  (void)m;
  return killed;
}

static void share_cpu(KsKubeletModel *m, ModelNode *n, gint64 now) {
  guint k = 0;
  KsCpuClaim *claims = g_new0(KsCpuClaim, MAX(n->pods->len, 1));
  for (guint i = 0; i < n->pods->len; i++) {
    ModelPod *p = g_ptr_array_index(n->pods, i);
    if (p->running)
      claims[k++] = (KsCpuClaim){p->want[KS_USAGE_CPU], p->lim[KS_USAGE_CPU], p->shares, 0};
  }
  ks_cpu_share(claims, k, MAX(n->alloc_cpu, 0));
  k = 0;
  for (guint i = 0; i < n->pods->len; i++) {
    ModelPod *p = g_ptr_array_index(n->pods, i);
    if (!p->running)
      continue;
    p->granted = claims[k++].granted;
    gint64 want = p->want[KS_USAGE_CPU];
    gint64 rate = want > 0 ? (gint64)(((__int128)p->granted * PPM) / want) : PPM;
    if (rate == p->rate_ppm || p->run_time_us == KS_RUN_TIME_FOREVER) {
      p->rate_ppm = rate;
      continue;
    }
    p->rate_ppm = rate;
    cancel(m, &p->end_event);
    if (rate <= 0)
      continue; /* stalled until something changes */
    __int128 left = p->work_left > 0 ? p->work_left : 0;
    gint64 dt = (gint64)((left + rate - 1) / rate);
    p->end_event = ks_engine_schedule(m->engine, now + dt, end_event, p, NULL);
  }
  g_free(claims);
}

static void node_update(KsKubeletModel *m, ModelNode *n) {
  gint64 now = ks_engine_now(m->engine);
  node_refresh(m, n);
  for (guint i = 0; i < n->pods->len; i++)
    account(g_ptr_array_index(n->pods, i), now);
  check_memory(m, n);
  share_cpu(m, n, now);
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
  return m;
}

void ks_kubelet_model_free(KsKubeletModel *m) {
  if (!m)
    return;
  g_hash_table_destroy(m->pods);
  g_hash_table_destroy(m->nodes);
  g_ptr_array_unref(m->node_list);
  g_hash_table_destroy(m->pod_stats);
  g_ptr_array_unref(m->records);
  g_array_unref(m->samples);
  g_free(m);
}

static char *pod_key(const char *ns, const char *name) {
  return g_strconcat(ns ? ns : "", "/", name ? name : "", NULL);
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
  p->run_time_us = run_time_us;
  const char *code = ks_labels_get(&pod->annotations, KS_ANNOTATION_EXIT_CODE);
  gint64 c = 0;
  if (code && !g_ascii_string_to_signed(code, 10, G_MININT32, G_MAXINT32, &c, NULL))
    c = 1; /* as the node agent reads it */
  p->exit_code = (gint32)c;
  KsResourceList req, lim;
  ks_pod_compute_requests(pod, &req);
  ks_pod_compute_limits(pod, &lim);
  p->req[KS_USAGE_CPU] = req.milli_cpu;
  p->req[KS_USAGE_MEMORY] = req.memory;
  p->req[KS_USAGE_EPHEMERAL_STORAGE] = req.ephemeral_storage;
  p->lim[KS_USAGE_CPU] = lim.milli_cpu;
  p->lim[KS_USAGE_MEMORY] = lim.memory;
  p->lim[KS_USAGE_EPHEMERAL_STORAGE] = lim.ephemeral_storage;
  ks_resource_list_clear(&req);
  ks_resource_list_clear(&lim);
  p->shares = ks_cpu_milli_to_shares(p->req[KS_USAGE_CPU]);
  const KsContainer *first =
      pod->containers && pod->containers->len ? &g_array_index(pod->containers, KsContainer, 0)
                                              : NULL;
  p->oom_adj = first ? ks_qos_container_oom_score_adj(pod, first, MAX(p->node->cap_mem, 1))
                     : KS_OOM_SCORE_ADJ_BEST_EFFORT;
  char *stream = g_strconcat("kubelet/usage/", p->key, NULL);
  ks_rng_init(&p->rng, m->seed, stream);
  g_free(stream);
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
  begin_run(p, ks_engine_now(m->engine));
  node_update(m, n);
  return TRUE;
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

void ks_kubelet_model_node_usage(KsKubeletModel *m, guint i, gint64 *milli_cpu, gint64 *memory,
                                 gint64 *ephemeral_storage) {
  ModelNode *n = g_ptr_array_index(m->node_list, i);
  gint64 now = ks_engine_now(m->engine);
  gint64 cpu = n->sys_cpu, mem = n->sys_mem, eph = 0;
  for (guint j = 0; j < n->pods->len; j++) {
    ModelPod *p = g_ptr_array_index(n->pods, j);
    account(p, now);
    if (!p->running)
      continue;
    cpu += p->granted;
    mem += p->want[KS_USAGE_MEMORY];
    eph += p->want[KS_USAGE_EPHEMERAL_STORAGE];
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

gboolean ks_kubelet_model_pod_cpu(const KsKubeletModel *m, const char *ns, const char *name,
                                  gint64 *granted, gint64 *wanted) {
  char *key = pod_key(ns, name);
  const ModelPod *p = g_hash_table_lookup(m->pods, key);
  g_free(key);
  if (!p || !p->running)
    return FALSE;
  *granted = p->granted;
  *wanted = p->want[KS_USAGE_CPU];
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
  char *key = pod_key(ns, name);
  const ModelPod *p = g_hash_table_lookup(m->pods, key);
  g_free(key);
  if (!p || !p->running)
    return FALSE;
  *memory = p->want[KS_USAGE_MEMORY];
  *ephemeral_storage = p->want[KS_USAGE_EPHEMERAL_STORAGE];
  return TRUE;
}
