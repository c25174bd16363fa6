/* See eviction_manager.h and docs/node-agent.md "Eviction manager".
 *
 * State per node, as upstream's manager keeps it: when each pressure
 * condition was last observed (its thresholds met) and whether the
 * condition is True now; per threshold of the KubeletConfiguration, when it
 * was first observed met and whether it drove evictions at the last pass
 * (for minimum reclaim). Arrays indexed like config->thresholds, so a pass
 * does no lookup and no allocation. One engine event,
 * the housekeeping pass, re-arms itself every 10 s once the resource model
 * has run a pod; a pass collects the running pods per node in one walk of
 * the store, then synchronizes the model's nodes in their first-seen order. */
#include "sim/kubelet/eviction_manager.h"

#include <string.h>

#include "sched/objects.h"
#include "sched/quantity.h"
#include "sim/kubelet/pod_termination.h"
#include "sim/node_faults.h"
#include "workloads/annotations.h"

/* The node conditions the observed signals drive. */
typedef enum { COND_MEMORY = 0, COND_DISK, COND_COUNT } Condition;

static const char *const condition_types[COND_COUNT] = {"MemoryPressure", "DiskPressure"};
/* the kubelet's node status reasons, True / False */
static const char *const condition_reasons[COND_COUNT][2] = {
  {"KubeletHasInsufficientMemory", "KubeletHasSufficientMemory"},
  {"KubeletHasDiskPressure", "KubeletHasNoDiskPressure"},
};

/* signalToNodeCondition; -1: PIDPressure, which ksim never observes */
static gint signal_condition(KsEvictionSignal s) {
  switch (s) {
  case KS_EVICTION_SIGNAL_MEMORY_AVAILABLE:
  case KS_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE:
    return COND_MEMORY;
  case KS_EVICTION_SIGNAL_PID_AVAILABLE:
  case KS_EVICTION_SIGNAL_COUNT:
    return -1;
  default:
    return COND_DISK;
  }
}

static gboolean is_memory_signal(KsEvictionSignal s) {
  return s == KS_EVICTION_SIGNAL_MEMORY_AVAILABLE ||
         s == KS_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE;
}

/* signalToResource for the signals ksim observes (the message's resource) */
static const char *signal_resource(KsEvictionSignal s) {
  return is_memory_signal(s) ? "memory" : "ephemeral-storage";
}

typedef struct {
  char *name;
  gint64 last_observed[COND_COUNT]; /* -1: never */
  gboolean pressure[COND_COUNT];    /* the condition as last decided */
  /* per threshold of the config (upstream's maps keyed by threshold) */
  gint64 *first_observed;           /* thresholdsFirstObservedAt; -1: not met */
  gboolean *met;                    /* thresholdsMet: met with grace periods elapsed */
  guint n_thresholds;
  guint64 evictions;
  gint index;                       /* in evicted_nodes, -1 before its first */
  /* evictPod blocks the manager until its victim is killed (killPodNow),
   * then waitForPodsCleanup polls once a second: no pass before this. */
  gint64 busy_until;
} EvNode;

/* A victim whose containers are still stopping (SIGTERM sent, SIGKILL due
 * at the end of the grace): it stays in the resource model until then. */
typedef struct {
  KsEvictionManager *em;
  char *key, *namespace, *name;
  guint64 event;
  gint64 grace; /* seconds */
} Kill;

struct KsEvictionManager {
  KsStore *store;
  KsEngine *engine;
  KsKubeletModel *model;
  KsKubeletConfig *config; /* a reference: nodes no pool configures */
  KsKubeletConfigs *kubelets; /* a reference or NULL: per-pool configurations */
  guint watch;
  guint64 tick;          /* the pending pass; 0 before the model ran a pod */
  GHashTable *nodes;     /* name -> EvNode* (owned) */
  GPtrArray *evicted_nodes; /* EvNode*, first-eviction order */
  guint64 by_qos[KS_QOS_CLASS_COUNT];
  guint64 rejections;
  GHashTable *killing; /* "ns/name" -> Kill* (owned; its event pending) */
};

static void ev_node_free(gpointer data) {
  EvNode *n = data;
  g_free(n->name);
  g_free(n->first_observed);
  g_free(n->met);
  g_free(n);
}

/* The state a kubelet starts with (and has again after a restart). */
static void ev_node_reset(EvNode *n, guint n_thresholds) {
  for (guint c = 0; c < COND_COUNT; c++) {
    n->last_observed[c] = -1;
    n->pressure[c] = FALSE;
  }
  n->busy_until = 0;
  if (n->n_thresholds != n_thresholds) {
    g_free(n->first_observed);
    g_free(n->met);
    n->first_observed = g_new(gint64, n_thresholds ? n_thresholds : 1);
    n->met = g_new(gboolean, n_thresholds ? n_thresholds : 1);
    n->n_thresholds = n_thresholds;
  }
  for (guint i = 0; i < n_thresholds; i++) {
    n->first_observed[i] = -1;
    n->met[i] = FALSE;
  }
}

static EvNode *ev_node(KsEvictionManager *em, const char *name) {
  EvNode *n = g_hash_table_lookup(em->nodes, name);
  if (n)
    return n;
  n = g_new0(EvNode, 1);
  n->name = g_strdup(name);
  n->n_thresholds = G_MAXUINT; /* forces the arrays */
  ev_node_reset(n, em->config->thresholds->len);
  n->index = -1;
  g_hash_table_insert(em->nodes, n->name, n);
  return n;
}

static void count_eviction(KsEvictionManager *em, EvNode *n, const KsPod *pod) {
  em->by_qos[ks_pod_qos(pod)]++;
  n->evictions++;
  if (n->index < 0) {
    n->index = (gint)em->evicted_nodes->len;
    g_ptr_array_add(em->evicted_nodes, n);
  }
}

/* ---- thresholds and observations ------------------------------------------------ */

typedef struct {
  gboolean observed;
  gint64 available, capacity;
} Observation;

/* makeSignalObservations for the signals ksim has: memory.available and
 * nodefs.available; imagefs.available is the node filesystem's own
 * observation (no node has a dedicated image filesystem, and upstream's
 * summary then reports the root filesystem as the image filesystem). */
static void observe(KsEvictionManager *em, guint model_index, const KsNode *node,
                    Observation obs[KS_EVICTION_SIGNAL_COUNT]) {
  gint64 cpu = 0, mem = 0, eph = 0;
  ks_kubelet_model_node_usage(em->model, model_index, &cpu, &mem, &eph);
  memset(obs, 0, sizeof(Observation) * KS_EVICTION_SIGNAL_COUNT);
  if (!node)
    return;
  gint64 cap_mem = ks_resource_list_has(&node->capacity, KS_RESOURCE_MEMORY)
                     ? node->capacity.memory
                     : node->allocatable.memory;
  if (cap_mem > 0)
    obs[KS_EVICTION_SIGNAL_MEMORY_AVAILABLE] = (Observation){TRUE, cap_mem - mem, cap_mem};
  if (ks_resource_list_has(&node->capacity, KS_RESOURCE_EPHEMERAL_STORAGE) &&
      node->capacity.ephemeral_storage > 0) {
    Observation fs = {TRUE, node->capacity.ephemeral_storage - eph,
                      node->capacity.ephemeral_storage};
    obs[KS_EVICTION_SIGNAL_NODEFS_AVAILABLE] = fs;
    obs[KS_EVICTION_SIGNAL_IMAGEFS_AVAILABLE] = fs;
  }
}

/* thresholdsMet for one threshold: quantity (plus its minimum reclaim when
 * enforce_min_reclaim) > available. */
static gboolean threshold_met(const KsEvictionThreshold *t,
                              const Observation obs[KS_EVICTION_SIGNAL_COUNT],
                              gboolean enforce_min_reclaim) {
  const Observation *o = &obs[t->signal];
  if (!o->observed)
    return FALSE;
  gint64 q = ks_threshold_value_quantity(&t->value, o->capacity);
  if (enforce_min_reclaim && t->has_min_reclaim)
    q += ks_threshold_value_quantity(&t->min_reclaim, o->capacity);
  return q > o->available;
}

/* ---- node conditions ---------------------------------------------------------------- */

static void write_conditions(KsEvictionManager *em, const EvNode *n) {
  const KsStoreObject *obj = ks_store_get(em->store, KS_STORE_NODE, NULL, n->name);
  if (!obj)
    return;
  const KsNode *node = obj->data;
  gboolean change = FALSE;
  for (guint s = 0; s < COND_COUNT; s++) {
    const char *now = ks_node_condition_status(node, condition_types[s]);
    gboolean was = now && !strcmp(now, "True");
    if (was != n->pressure[s] && (n->pressure[s] || now))
      change = TRUE;
  }
  if (!change)
    return;
  KsNode *copy = ks_node_copy(node);
  for (guint s = 0; s < COND_COUNT; s++) {
    const char *now = ks_node_condition_status(node, condition_types[s]);
    if (!n->pressure[s] && !now)
      continue; /* never reported: stays absent (absent reads as False) */
    ks_node_set_condition(copy, condition_types[s], n->pressure[s] ? "True" : "False",
                          condition_reasons[s][n->pressure[s] ? 0 : 1]);
  }
  GError *error = NULL;
  if (!ks_store_update(em->store, KS_STORE_NODE, NULL, n->name, copy,
                       (GDestroyNotify)ks_node_unref, obj->resource_version, &error)) {
    g_warning("eviction manager: %s", error->message);
    g_error_free(error);
  }
}

/* ---- ranking ---------------------------------------------------------------------- */

typedef struct {
  const KsPod *pod;
  gint64 usage, request; /* of the resource to reclaim */
} Candidate;

/* orderedBy(exceedRequests, priority, usage above requests), name last. */
static gint candidate_cmp(gconstpointer pa, gconstpointer pb) {
  const Candidate *a = pa, *b = pb;
  gboolean ea = a->usage > a->request, eb = b->usage > b->request;
  if (ea != eb)
    return ea ? -1 : 1;
  if (a->pod->priority != b->pod->priority)
    return a->pod->priority < b->pod->priority ? -1 : 1;
  gint64 oa = a->usage - a->request, ob = b->usage - b->request;
  if (oa != ob)
    return oa > ob ? -1 : 1;
  gint c = g_strcmp0(a->pod->namespace, b->pod->namespace);
  return c ? c : g_strcmp0(a->pod->name, b->pod->name);
}

/* ---- eviction ---------------------------------------------------------------------- */

static char *format_bytes(gint64 v) { return ks_quantity_format_value(v, TRUE); }

/* evictionMessage (helpers.go): nodeLowMessageFmt, thresholdMetMessageFmt,
 * then containerMessageFmt when usage exceeds the request. ksim's pod has
 * one usage, told against its first container and the pod's request. */
static char *eviction_message(const KsEvictionThreshold *t, const Observation *obs,
                              const Candidate *c) {
  GString *m = g_string_new(NULL);
  const char *res = signal_resource(t->signal);
  char *q = format_bytes(ks_threshold_value_quantity(&t->value, obs->capacity));
  char *avail = format_bytes(obs->available);
  g_string_append_printf(m, "The node was low on resource: %s. ", res);
  g_string_append_printf(m, "Threshold quantity: %s, available: %s. ", q, avail);
  if (c->usage > c->request && c->pod->containers && c->pod->containers->len) {
    char *u = format_bytes(c->usage), *r = format_bytes(c->request);
    g_string_append_printf(m, "Container %s was using %s, request is %s, has larger consumption of %s. ",
                           g_array_index(c->pod->containers, KsContainer, 0).name, u, r, res);
    g_free(u);
    g_free(r);
  }
  g_free(q);
  g_free(avail);
  return g_string_free(m, FALSE);
}

/* The pod becomes Failed, reason Evicted (the kubelet's status after
 * killPodFunc), with DisruptionTarget=True written in the same update. */
static gboolean fail_pod(KsEvictionManager *em, const KsPod *pod, const char *message,
                         gboolean disruption) {
  const KsStoreObject *obj = ks_store_get(em->store, KS_STORE_POD, pod->namespace, pod->name);
  if (!obj)
    return FALSE;
  gint64 now = ks_engine_now(em->engine);
  KsPod *copy = ks_pod_copy(obj->data);
  copy->phase = KS_POD_FAILED;
  if (copy->ready) {
    copy->ready = FALSE;
    copy->ready_since_us = now;
  }
  ks_pod_set_status_reason(copy, KS_EVICTION_REASON, message);
  if (disruption)
    ks_pod_set_condition(copy, KS_POD_CONDITION_DISRUPTION_TARGET, KS_POD_CONDITION_TRUE,
                         KS_POD_REASON_TERMINATION_BY_KUBELET, message, now);
  GError *error = NULL;
  if (!ks_store_update(em->store, KS_STORE_POD, pod->namespace, pod->name, copy,
                       (GDestroyNotify)ks_pod_unref, obj->resource_version, &error)) {
    g_warning("eviction manager: %s", error->message);
    g_error_free(error);
    return FALSE;
  }
  return TRUE;
}

/* The grace period the victim is killed with: synchronize's override
 * (immediateEvictionGracePeriodSeconds = 1 for a hard threshold, i.e. one
 * without a grace period; min(evictionMaxPodGracePeriod,
 * terminationGracePeriodSeconds) for a soft one), then the pod worker's
 * calculateEffectiveGracePeriod for a pod not yet terminating: an override
 * of 0 falls back to terminationGracePeriodSeconds, and anything below 1
 * becomes 1. */
gint64 ks_eviction_grace_seconds(const KsKubeletConfig *config, const KsEvictionThreshold *t,
                                 const KsPod *pod) {
  gint64 grace = KS_EVICTION_IMMEDIATE_GRACE_SECONDS;
  if (t->grace_period_us != 0)
    grace = MIN((gint64)config->eviction_max_pod_grace_period,
                pod->termination_grace_period_seconds);
  if (grace == 0)
    grace = pod->termination_grace_period_seconds;
  return grace < 1 ? 1 : grace;
}

static void kill_free(gpointer data) {
  Kill *k = data;
  g_free(k->key);
  g_free(k->namespace);
  g_free(k->name);
  g_free(k);
}

/* A container the kill ended: SIGKILL (137) when it needed more than the
 * grace, else its own ksim.io/exit-code; reason Error / Completed. */
static void terminate_state(KsContainerState *st, gint32 code, gint64 now) {
  if (st->kind != KS_CONTAINER_RUNNING)
    return;
  KsContainerState term = {KS_CONTAINER_TERMINATED, (char *)(code ? "Error" : "Completed"), NULL,
                           code, st->started_at_us, now};
  ks_container_state_set(st, &term);
}

/* SIGKILL (or the containers' own exit): the victim stops using resources,
 * and its running containers are reported terminated. */
static void kill_done(KsEngine *e, gpointer data) {
  Kill *k = data;
  KsEvictionManager *em = k->em;
  ks_kubelet_model_forget(em->model, k->namespace, k->name);
  const KsStoreObject *o = ks_store_get(em->store, KS_STORE_POD, k->namespace, k->name);
  if (o && ((const KsPod *)o->data)->phase == KS_POD_FAILED) {
    const KsPod *pod = o->data;
    gint32 code = KS_EXIT_CODE_SIGKILL;
    if (ks_pod_killed_phase(pod, k->grace) == KS_POD_SUCCEEDED)
      code = 0;
    else if (ks_pod_shutdown_time_us(pod) <= k->grace * G_USEC_PER_SEC)
      code = 1; /* exited by itself with a non-zero ksim.io/exit-code */
    const char *v = ks_labels_get(&pod->annotations, KS_ANNOTATION_EXIT_CODE);
    gint64 own = 0;
    if (code == 1 && v && g_ascii_string_to_signed(v, 10, G_MININT32, G_MAXINT32, &own, NULL))
      code = (gint32)own;
    KsPod *copy = ks_pod_copy(pod);
    gint64 now = ks_engine_now(e);
    terminate_state(&copy->container_state, code, now);
    for (guint i = 0; copy->container_statuses && i < copy->container_statuses->len; i++)
      terminate_state(&g_array_index(copy->container_statuses, KsContainerStatus, i).state, code,
                      now);
    GError *error = NULL;
    if (!ks_store_update(em->store, KS_STORE_POD, k->namespace, k->name, copy,
                         (GDestroyNotify)ks_pod_unref, o->resource_version, &error)) {
      g_warning("eviction manager: %s", error->message);
      g_error_free(error);
    }
  }
  g_hash_table_remove(em->killing, k->key); /* frees k */
}

gboolean ks_eviction_manager_killing(const KsEvictionManager *em, const char *ns,
                                     const char *name) {
  if (!em || !g_hash_table_size(em->killing))
    return FALSE;
  char *key = g_strdup_printf("%s/%s", ns, name);
  gboolean r = g_hash_table_contains(em->killing, key);
  g_free(key);
  return r;
}

/* Evicts the first non-critical pod in rank order. */
static void evict_one(KsEvictionManager *em, EvNode *n, const KsKubeletConfig *config,
                      const KsEvictionThreshold *t, const Observation *obs, GPtrArray *pods) {
  gboolean memory = is_memory_signal(t->signal);
  GArray *cands = g_array_new(FALSE, FALSE, sizeof(Candidate));
  for (guint i = 0; pods && i < pods->len; i++) {
    const KsPod *p = g_ptr_array_index(pods, i);
    gint64 mem = 0, eph = 0;
    if (!ks_kubelet_model_pod_usage(em->model, p->namespace, p->name, &mem, &eph))
      mem = eph = 0; /* not run by the model: it uses nothing */
    KsResourceList req;
    ks_pod_compute_requests(p, &req);
    Candidate c = {p, memory ? mem : eph, memory ? req.memory : req.ephemeral_storage};
    ks_resource_list_clear(&req);
    g_array_append_val(cands, c);
  }
  g_array_sort(cands, candidate_cmp);
  for (guint i = 0; i < cands->len; i++) {
    const Candidate *c = &g_array_index(cands, Candidate, i);
    if (ks_pod_is_critical(c->pod))
      continue; /* "cannot evict a critical pod": the next one is tried */
    char *msg = eviction_message(t, obs, c);
    KsPod *held = ks_pod_ref((KsPod *)c->pod);
    gint64 now = ks_engine_now(em->engine);
    gint64 grace = ks_eviction_grace_seconds(config, t, held);
    gint64 kill = ks_pod_kill_duration_us(held, grace);
    n->busy_until = now + kill + KS_EVICTION_CLEANUP_POLL_US;
    Kill *k = NULL;
    if (kill > 0) { /* registered first: the node agent keeps it in the model */
      k = g_new0(Kill, 1);
      *k = (Kill){em, g_strdup_printf("%s/%s", held->namespace, held->name),
                  g_strdup(held->namespace), g_strdup(held->name), 0, grace};
      g_hash_table_replace(em->killing, k->key, k);
    }
    if (fail_pod(em, held, msg, TRUE)) {
      count_eviction(em, n, held);
      if (k)
        k->event = ks_engine_schedule(em->engine, now + kill, kill_done, k, NULL);
    } else if (k) {
      g_hash_table_remove(em->killing, k->key);
    }
    ks_pod_unref(held);
    g_free(msg);
    break;
  }
  g_array_unref(cands);
}

/* synchronize for one node (upstream's synchronize, one node at a time):
 * thresholds met now, plus those met last pass that have not yet reclaimed
 * their minimum (mergeThresholds); when each was first observed; the node
 * conditions from all of them (soft ones count before their grace period
 * has passed); then the thresholds whose grace period has passed drive at
 * most one eviction, memory first (byEvictionPriority). A node whose kubelet
 * is down gets no pass, and its kubelet starts over when it is back. */
static void synchronize(KsEvictionManager *em, guint model_index, GPtrArray *pods) {
  const char *name = ks_kubelet_model_node_name(em->model, model_index);
  const KsStoreObject *obj = ks_store_get(em->store, KS_STORE_NODE, NULL, name);
  EvNode *n = ev_node(em, name);
  const KsKubeletConfig *config = ks_eviction_manager_node_config(em, obj ? obj->data : NULL);
  const GArray *ths = config->thresholds;
  if (n->n_thresholds != ths->len) /* a pool's own configuration: its kubelet's first state */
    ev_node_reset(n, ths->len);
  if (obj && ks_node_fault_is_down(obj->data)) {
    ev_node_reset(n, ths->len);
    return;
  }
  if (ks_engine_now(em->engine) < n->busy_until)
    return; /* still in evictPod / waitForPodsCleanup */
  Observation obs[KS_EVICTION_SIGNAL_COUNT];
  observe(em, model_index, obj ? obj->data : NULL, obs);
  gint64 now = ks_engine_now(em->engine);
  gboolean observed[COND_COUNT] = {FALSE, FALSE};
  for (guint i = 0; i < ths->len; i++) {
    const KsEvictionThreshold *t = &g_array_index(ths, KsEvictionThreshold, i);
    gboolean met = threshold_met(t, obs, FALSE) || (n->met[i] && threshold_met(t, obs, TRUE));
    if (!met) {
      n->first_observed[i] = -1;
      n->met[i] = FALSE;
      continue;
    }
    if (n->first_observed[i] < 0)
      n->first_observed[i] = now;
    n->met[i] = now - n->first_observed[i] >= t->grace_period_us;
    gint c = signal_condition(t->signal);
    if (c >= 0)
      observed[c] = TRUE;
  }
  for (guint c = 0; c < COND_COUNT; c++) {
    if (observed[c])
      n->last_observed[c] = now;
    n->pressure[c] = n->last_observed[c] >= 0 &&
                     now - n->last_observed[c] < config->eviction_pressure_transition_period_us;
  }
  write_conditions(em, n);
  const KsEvictionThreshold *reclaim = NULL;
  for (guint i = 0; i < ths->len && !reclaim; i++) /* memory signals first */
    if (n->met[i] && is_memory_signal(g_array_index(ths, KsEvictionThreshold, i).signal))
      reclaim = &g_array_index(ths, KsEvictionThreshold, i);
  for (guint i = 0; i < ths->len && !reclaim; i++)
    if (n->met[i])
      reclaim = &g_array_index(ths, KsEvictionThreshold, i);
  if (reclaim)
    evict_one(em, n, config, reclaim, &obs[reclaim->signal], pods);
}

static gboolean collect_running(const KsStoreObject *obj, gpointer data) {
  GHashTable *by_node = data;
  const KsPod *p = obj->data;
  if (!p->node_name || p->phase != KS_POD_RUNNING || p->deletion_timestamp_us)
    return TRUE;
  GPtrArray *a = g_hash_table_lookup(by_node, p->node_name);
  if (!a) {
    a = g_ptr_array_new_with_free_func((GDestroyNotify)ks_pod_unref);
    g_hash_table_insert(by_node, p->node_name, a);
  }
  g_ptr_array_add(a, ks_pod_ref((KsPod *)p));
  return TRUE;
}

static void housekeeping(KsEngine *e, gpointer data) {
  KsEvictionManager *em = data;
  em->tick = ks_engine_schedule(e, ks_engine_now(e) + KS_EVICTION_HOUSEKEEPING_US, housekeeping,
                                em, NULL);
  /* keys borrowed from the pods the arrays hold */
  GHashTable *by_node = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                              (GDestroyNotify)g_ptr_array_unref);
  ks_store_foreach(em->store, KS_STORE_POD, collect_running, by_node);
  guint n = ks_kubelet_model_n_nodes(em->model);
  for (guint i = 0; i < n; i++)
    synchronize(em, i, g_hash_table_lookup(by_node, ks_kubelet_model_node_name(em->model, i)));
  g_hash_table_destroy(by_node);
}

/* ---- admission ---------------------------------------------------------------------- */

/* The eviction admit handler (Admit): NULL to admit, else the message. */
static char *admit(KsEvictionManager *em, const KsPod *pod) {
  EvNode *n = g_hash_table_lookup(em->nodes, pod->node_name);
  if (!n || (!n->pressure[COND_MEMORY] && !n->pressure[COND_DISK]))
    return NULL;
  if (ks_pod_is_critical(pod))
    return NULL;
  if (!n->pressure[COND_DISK]) {
    if (ks_pod_qos(pod) != KS_QOS_BEST_EFFORT)
      return NULL;
    KsTaint t = {(char *)"node.kubernetes.io/memory-pressure", NULL, KS_TAINT_EFFECT_NO_SCHEDULE, 0};
    if (pod->tolerations &&
        ks_tolerations_tolerate((const KsToleration *)pod->tolerations->data,
                                pod->tolerations->len, &t))
      return NULL;
  }
  /* fmt's %v of the condition list: [MemoryPressure DiskPressure] */
  GString *m = g_string_new("The node had condition: [");
  gboolean first = TRUE;
  for (guint s = 0; s < COND_COUNT; s++)
    if (n->pressure[s]) {
      g_string_append_printf(m, "%s%s", first ? "" : " ", condition_types[s]);
      first = FALSE;
    }
  g_string_append(m, "]. ");
  return g_string_free(m, FALSE);
}

static void pod_watch(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                      const KsStoreObject *new_obj, gpointer user_data) {
  (void)s;
  KsEvictionManager *em = user_data;
  if (!em->tick && ks_kubelet_model_used(em->model)) {
    gint64 now = ks_engine_now(em->engine), p = KS_EVICTION_HOUSEKEEPING_US;
    em->tick = ks_engine_schedule(em->engine, (now + p - 1) / p * p, housekeeping, em, NULL);
  }
  if (type == KS_WATCH_DELETED && g_hash_table_size(em->killing)) {
    char *key = g_strdup_printf("%s/%s", old_obj->namespace, old_obj->name);
    Kill *k = g_hash_table_lookup(em->killing, key);
    if (k) { /* gone from the store: the node agent forgot it */
      ks_engine_cancel(em->engine, k->event);
      g_hash_table_remove(em->killing, key);
    }
    g_free(key);
  }
  if (type == KS_WATCH_DELETED || !new_obj)
    return;
  const KsPod *pod = new_obj->data;
  const KsPod *old = old_obj ? old_obj->data : NULL;
  if (!pod->node_name || pod->phase != KS_POD_PENDING || (old && old->node_name))
    return;
  char *msg = admit(em, pod);
  if (!msg)
    return;
  KsPod *held = ks_pod_ref((KsPod *)pod);
  if (fail_pod(em, held, msg, FALSE))
    em->rejections++;
  ks_pod_unref(held);
  g_free(msg);
}

/* ---- lifecycle and results ------------------------------------------------------------ */

KsEvictionManager *ks_eviction_manager_new(KsStore *store, KsKubeletModel *model) {
  KsEvictionManager *em = g_new0(KsEvictionManager, 1);
  em->store = store;
  em->engine = ks_store_get_engine(store);
  em->model = model;
  em->config = ks_kubelet_config_new_default();
  em->nodes = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, ev_node_free);
  em->evicted_nodes = g_ptr_array_new();
  em->killing = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, kill_free);
  em->watch = ks_store_watch(store, KS_STORE_POD, pod_watch, em);
  return em;
}

void ks_eviction_manager_free(KsEvictionManager *em) {
  if (!em)
    return;
  ks_store_unwatch(em->store, em->watch);
  if (em->tick)
    ks_engine_cancel(em->engine, em->tick);
  GHashTableIter it;
  gpointer v;
  g_hash_table_iter_init(&it, em->killing);
  while (g_hash_table_iter_next(&it, NULL, &v))
    ks_engine_cancel(em->engine, ((Kill *)v)->event);
  g_hash_table_destroy(em->killing);
  g_ptr_array_unref(em->evicted_nodes);
  g_hash_table_destroy(em->nodes);
  ks_kubelet_config_unref(em->config);
  ks_kubelet_configs_unref(em->kubelets);
  g_free(em);
}

void ks_eviction_manager_set_config(KsEvictionManager *em, KsKubeletConfig *config) {
  KsKubeletConfig *c = config ? ks_kubelet_config_ref(config) : ks_kubelet_config_new_default();
  ks_kubelet_config_unref(em->config);
  em->config = c;
  GHashTableIter it;
  gpointer v;
  g_hash_table_iter_init(&it, em->nodes);
  while (g_hash_table_iter_next(&it, NULL, &v))
    ev_node_reset(v, c->thresholds->len);
}

const KsKubeletConfig *ks_eviction_manager_config(const KsEvictionManager *em) {
  return em->config;
}

void ks_eviction_manager_set_kubelets(KsEvictionManager *em, KsKubeletConfigs *kubelets) {
  KsKubeletConfigs *k = kubelets ? ks_kubelet_configs_ref(kubelets) : NULL;
  ks_kubelet_configs_unref(em->kubelets);
  em->kubelets = k;
}

const KsKubeletConfig *ks_eviction_manager_node_config(const KsEvictionManager *em,
                                                       const KsNode *node) {
  const KsKubeletConfig *c =
      ks_kubelet_configs_has_pools(em->kubelets) ? ks_kubelet_configs_for_node(em->kubelets, node)
                                                 : NULL;
  return c ? c : em->config;
}

guint64 ks_eviction_manager_evictions_by_qos(const KsEvictionManager *em, KsQosClass q) {
  g_return_val_if_fail((guint)q < KS_QOS_CLASS_COUNT, 0);
  return em->by_qos[q];
}

guint ks_eviction_manager_n_nodes(const KsEvictionManager *em) { return em->evicted_nodes->len; }

const char *ks_eviction_manager_node_name(const KsEvictionManager *em, guint i) {
  return ((const EvNode *)g_ptr_array_index(em->evicted_nodes, i))->name;
}

guint64 ks_eviction_manager_node_evictions(const KsEvictionManager *em, guint i) {
  return ((const EvNode *)g_ptr_array_index(em->evicted_nodes, i))->evictions;
}

guint64 ks_eviction_manager_rejections(const KsEvictionManager *em) { return em->rejections; }
