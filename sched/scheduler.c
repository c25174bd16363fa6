/* The scheduler: ScheduleOne (kube-semantics 1.2-1.4) over the cache and the
 * queue, plus the informer-style entry points the host calls.
 *
 * Design and trade-offs.
 * - Filter stops exactly at the k-th feasible node. Upstream filters with
 *   16 goroutines and may examine a few nodes past it; we keep what its
 *   bookkeeping (processed = feasible + failed) describes, deterministic.
 *   With parallelism > 1 (filter_pool.c) nodes are filtered in batches on
 *   worker threads and booked in search order afterwards, so the feasible
 *   set, the statuses, the processed count and nextStartNodeIndex are the
 *   serial ones whatever the interleaving. Only Filter functions audited
 *   to be read-only run on workers (filter_thread_safe); a profile with any
 *   other Filter stays serial. Nodes with nominated pods are filtered by
 *   the calling thread during booking (that assumes pods into the cache).
 *   PreFilter, Score and everything else stay on the calling thread.
 * - Profiles: several KsSchedFramework share one cache, one queue (sorted
 *   by the first profile's QueueSort, which all must share) and one
 *   nominator; each has its own cycle state. A cycle switches s->fw/s->cs
 *   to the profile named by the pod's schedulerName (use_profile).
 * - Tracing (sched/trace.h): s->trace is NULL except for the one cycle a
 *   host armed it for; every hook is behind that test, and the trace only
 *   copies values the cycle computed anyway (raw scores are recorded
 *   before NormalizeScore overwrites them). With score_all the infeasible
 *   examined nodes are appended after the feasible ones for PreScore,
 *   Score and NormalizeScore; selection still reads only the feasible
 *   prefix, but normalization then spans them too, as upstream's plugin
 *   tests do, so score_all may change the choice (explain only).
 * - selectHost ROUND_ROBIN is v1.7's: max-score names sorted descending,
 *   the (lastNodeIndex % count)-th taken, lastNodeIndex per scheduler
 *   incremented on every placement, a single feasible node included
 *   (v1.7 had no single-node shortcut).
 * - The snapshot is the cache (see cache.c); the candidate list is the
 *   cache's node-tree order, searched from nextStartNodeIndex round robin.
 * - Every per-cycle buffer (per-node statuses, feasible list, score matrix,
 *   totals) lives in the scheduler and grows with the cache's capacity, so a
 *   steady-state cycle allocates nothing. Only failures allocate (the
 *   message), and only PreFilter results narrowing the list use a buffer.
 * - The binding cycle is the host's: after Permit the bind plugins run at
 *   once (DefaultBinder only claims the pod) and the host reports the outcome
 *   through ks_sched_bind_done. The cycle state is not kept per pod until
 *   then (upstream keeps it for Unreserve); Unreserve after a failed bind
 *   sees the current cycle state.
 * - selectHost draws from the scheduler's own seeded stream ("sched/tie"):
 *   reservoir sampling over the max-score nodes in search order, the j-th
 *   replacing the choice with probability 1/j. Same seed, same choices.
 * - Filter is RunFilterPluginsWithNominatedPods: when pods of equal or
 *   higher priority are nominated to the node, they are assumed onto it
 *   (the cache is the snapshot), the filters run, the pods are forgotten in
 *   reverse order (which restores the node's pod list exactly), and the
 *   filters run again without them; both runs must pass. With no nominated
 *   pod anywhere this costs one integer test per node.
 * - PostFilter (preemption) runs when no node fits, also after a PreFilter
 *   rejection (as upstream, every node then carries the PreFilter status).
 *   Preemption plugins get a KsSchedPreemptionHost (sched/preemption.h):
 *   upstream hands every plugin a framework.Handle at creation; our
 *   descriptors take only args, so the scheduler attaches the host to the
 *   DefaultPreemption instances of its profile. The nominator is the
 *   queue's; victims go back to the host in KsSchedResult.
 * - Pod start times (util.GetPodStartTime) are not in KsPod: the scheduler
 *   records the host time at which it learnt a pod was bound
 *   (ks_sched_add_assigned_pod); an assumed, unconfirmed pod starts "now".
 * - Victims the scheduler handed out stay "terminating" until the host
 *   removes them (ks_sched_remove_pod): the stand-in for deletionTimestamp
 *   plus the DisruptionTarget condition that PodEligibleToPreemptOthers
 *   reads, so a host with graceful termination does not cause a second
 *   round of preemption for the same pod.
 * - Periodic queue flushes run on upstream's wait.Until grid (every 1 s and
 *   every 30 s, anchored at time 0): ks_sched_tick performs each flush as of
 *   the latest grid point not after `now`, once per grid point, so a host
 *   that ticks more or less often than needed gets the same result, and
 *   ks_sched_next_wakeup names the grid points.
 */
#include "sched/scheduler.h"
#include "sched/cache.h"
#include "sched/queue.h"
#include "sched/rng.h"
#include "sched/preemption.h"
#include "sched/pdb.h"
#include "sched/trace.h"
#include "sched/filter_pool.h"
#include "sched/plugins/default_preemption.h"
#include "sched/plugins/inter_pod_affinity.h"
#include "sched/plugins/node_affinity.h"
#include "sched/plugins/node_name.h"
#include "sched/plugins/node_ports.h"
#include "sched/plugins/node_resources_fit.h"
#include "sched/plugins/node_unschedulable.h"
#include "sched/plugins/plugins.h"
#include "sched/plugins/pod_topology_spread.h"
#include "sched/plugins/taint_toleration.h"
#include "sched/plugins/volume_restrictions.h"

#include <string.h>

#define MIN_FEASIBLE_NODES_TO_FIND 100
#define MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND 5
#define MAX_PRE_FILTER_RESULTS 8

struct KsScheduler {
  KsSchedConfig cfg;
  KsSchedFramework **fws;   /* every profile (owned), fws[0] sorts the queue */
  KsSchedCycleState *css;   /* one cycle state per profile */
  guint n_fws;
  gboolean serve_all;       /* ks_sched_new_with_profile: default-scheduler pods too */
  KsSchedFramework *fw;     /* the current cycle's profile */
  guint profile;            /* its index */
  KsSchedCycleState *cs;    /* its cycle state */
  KsSchedCache *cache;
  KsSchedQueue *queue;
  KsRng rng;
  guint64 last_node_index;  /* v1.7 round-robin selectHost */
  KsSchedTrace *trace;      /* armed for the next cycle; NULL = off */
  guint *trace_pos;         /* slot -> index in trace->nodes (tracing only) */
  KsSchedFilterPool *pool;  /* parallel Filter (NULL = serial) */
  gboolean *parallel_ok;    /* per profile: every Filter is known to be read-only */
  guint64 parallel_batches; /* diagnostics: batches filtered by the pool */
  /* The current cycle's Filter plugins minus those that returned Skip at
   * PreFilter, in order (prepare_filters): run_filters runs per node, and
   * most profiles skip several filters for most pods. Valid while fw and
   * cs->skip_filter are those it was made for. */
  KsSchedPlugin *active_filters[KS_SCHED_MAX_PLUGINS];
  guint n_active_filters;
  const KsSchedFramework *active_fw;
  guint64 active_mask;
  guint next_start; /* nextStartNodeIndex */
  gint64 next_backoff_flush, next_unsched_flush;
  /* per-cycle buffers, sized by buf_cap >= cache->cap */
  guint buf_cap;
  KsSchedStatus *node_status;
  guint *failed, *feasible, *candidates;
  guint8 *fit;    /* parallel Filter: per candidate position, 1 = feasible */
  const char **rr_names; /* round-robin selectHost: names, then sort scratch (2 x cap) */
  guint64 *node_rank;    /* node-rank selectHost: per slot, the rank of rank_name[slot] */
  char **rank_name;      /* per slot: the node name node_rank was drawn for (owned) */
  guint rank_cap;
  gint64 *scores; /* [score plugin][feasible index] */
  gint64 *total;
  guint n_failed;
  guint64 rejectors;
  char *message;
  /* preemption */
  KsSchedPreemptionHost host;
  KsRng pre_rng;            /* "sched/preemption" */
  gint64 now;               /* time of the current cycle (start-time default) */
  GHashTable *start_times;  /* KsPod* (a ref) -> gint64* : when seen bound */
  GHashTable *preempting;   /* KsPod* (a ref): victims not yet removed by the host */
  GPtrArray *victims;       /* of the latest cycle (refs) */
  GPtrArray *cleared;       /* nominations cleared by the latest cycle (refs) */
  GPtrArray *pdbs;          /* KsPodDisruptionBudget* (owned copies), in order of arrival */
};

void ks_sched_config_init_defaults(KsSchedConfig *c) {
  memset(c, 0, sizeof *c);
  c->percentage_of_nodes_to_score = 0;
  c->pod_initial_backoff_us = G_GINT64_CONSTANT(1000000);
  c->pod_max_backoff_us = G_GINT64_CONSTANT(10000000);
  c->pod_max_in_unschedulable_us = G_GINT64_CONSTANT(300000000);
  c->parallelism = 1;
}

gint32 ks_sched_num_feasible_nodes_to_find(gint32 percentage, gint32 n) {
  if (n < MIN_FEASIBLE_NODES_TO_FIND)
    return n;
  gint32 p = percentage;
  if (p == 0) {
    p = 50 - n / 125;
    if (p < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND)
      p = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  gint32 k = (gint32)((gint64)n * p / 100);
  return k < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : k;
}

/* ---- construction -------------------------------------------------------------- */

static gboolean check_config(const KsSchedConfig *c, GError **error) {
  if (c->percentage_of_nodes_to_score < 0 || c->percentage_of_nodes_to_score > 100) {
    g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                "percentageOfNodesToScore: Invalid value: %d: not in valid range [0-100]",
                c->percentage_of_nodes_to_score);
    return FALSE;
  }
  if (c->pod_initial_backoff_us <= 0 || c->pod_max_backoff_us < c->pod_initial_backoff_us) {
    g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                "podInitialBackoffSeconds must be > 0 and podMaxBackoffSeconds >= it");
    return FALSE;
  }
  if (c->parallelism < 0) {
    g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                "parallelism: Invalid value: %d: should be an integer value greater than zero",
                c->parallelism);
    return FALSE;
  }
  if (c->pod_max_in_unschedulable_us <= 0) {
    g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                "podMaxInUnschedulablePodsDuration must be > 0");
    return FALSE;
  }
  return TRUE;
}

/* ---- preemption host ------------------------------------------------------------------- */

static gboolean run_filters_with_nominated(KsScheduler *s, const KsPod *pod, guint slot,
                                           KsSchedStatus *st);

static gboolean host_run_filters(KsSchedPreemptionHost *h, KsSchedCycleState *cs,
                                 const KsPod *pod, guint slot, KsSchedStatus *st) {
  KsScheduler *s = h->data;
  g_return_val_if_fail(cs == s->cs, FALSE);
  return run_filters_with_nominated(s, pod, slot, st);
}

static const char *host_nominated_node(KsSchedPreemptionHost *h, const KsPod *pod) {
  KsScheduler *s = h->data;
  return ks_sched_queue_nominated_node(s->queue, pod);
}

static gboolean host_terminating(KsSchedPreemptionHost *h, const KsPod *pod) {
  KsScheduler *s = h->data;
  /* upstream reads the deletionTimestamp; ksim's own victims count from
   * the moment they are handed out */
  return ks_pod_is_terminating(pod) || g_hash_table_contains(s->preempting, pod);
}

static gint64 host_start_time(KsSchedPreemptionHost *h, const KsPod *pod) {
  KsScheduler *s = h->data;
  const gint64 *t = g_hash_table_lookup(s->start_times, pod);
  return t ? *t : s->now;
}

static void preemption_init(KsScheduler *s) {
  ks_rng_init(&s->pre_rng, s->cfg.seed, "sched/preemption");
  s->start_times = g_hash_table_new_full(ks_pod_key_hash, ks_pod_key_equal,
                                         (GDestroyNotify)ks_pod_unref, g_free);
  s->preempting = g_hash_table_new_full(ks_pod_key_hash, ks_pod_key_equal,
                                        (GDestroyNotify)ks_pod_unref, NULL);
  s->victims = g_ptr_array_new_with_free_func((GDestroyNotify)ks_pod_unref);
  s->cleared = g_ptr_array_new_with_free_func((GDestroyNotify)ks_pod_unref);
  s->pdbs = g_ptr_array_new_with_free_func((GDestroyNotify)ks_pdb_free);
  s->host = (KsSchedPreemptionHost){
      .cache = s->cache,
      .run_filters = host_run_filters,
      .nominated_node = host_nominated_node,
      .terminating = host_terminating,
      .start_time = host_start_time,
      .rng = &s->pre_rng,
      .pdbs = s->pdbs,
      .data = s,
      .victims = s->victims,
  };
  for (guint f = 0; f < s->n_fws; f++)
    for (guint i = 0; i < s->fws[f]->n_plugins; i++)
      if (s->fws[f]->plugins[i].desc == &ks_sched_plugin_default_preemption)
        ks_sched_default_preemption_attach(&s->fws[f]->plugins[i], &s->host);
}

static void free_profiles(KsSchedFramework **fws, guint n) {
  for (guint i = 0; i < n; i++)
    ks_sched_framework_free(fws[i]);
}

static const KsSchedPlugin *queue_sort_of(const KsSchedFramework *fw) {
  return fw->n_ep[KS_SCHED_EP_QUEUE_SORT] ? &fw->plugins[fw->ep[KS_SCHED_EP_QUEUE_SORT][0]] : NULL;
}

/* profile.NewMap's validation (v1.31 pkg/scheduler/profile): names present
 * and unique, one QueueSort plugin for all since the profiles share one
 * queue. Plugin args are opaque here, so "same args" is not checked. */
static gboolean check_profiles(KsSchedFramework **fws, guint n, GError **error) {
  if (n == 0) {
    g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS, "no profiles");
    return FALSE;
  }
  const KsSchedPlugin *first = queue_sort_of(fws[0]);
  for (guint i = 0; i < n; i++) {
    if (!fws[i]->name || !*fws[i]->name) {
      g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS, "scheduler name is needed");
      return FALSE;
    }
    for (guint j = 0; j < i; j++)
      if (strcmp(fws[j]->name, fws[i]->name) == 0) {
        g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                    "duplicate profile with scheduler name \"%s\"", fws[i]->name);
        return FALSE;
      }
    const KsSchedPlugin *qs = queue_sort_of(fws[i]);
    if ((qs ? qs->desc : NULL) != (first ? first->desc : NULL)) {
      g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                  "different queue sort plugins for profile \"%s\": \"%s\", first: \"%s\"",
                  fws[i]->name, qs ? qs->desc->name : "", first ? first->desc->name : "");
      return FALSE;
    }
  }
  return TRUE;
}

/* Filter functions audited to only read the cache, the pod, their args
 * and the cycle state PreFilter wrote (statuses go to per-node cells;
 * reasons are literals or g_intern_string, which locks). Compared by
 * function, so a renamed copy of a descriptor (a filter-only variant)
 * qualifies too. Any other Filter, out-of-tree ones included, keeps its
 * profile serial: we cannot know what it writes. */
static gboolean filter_thread_safe(const KsSchedPluginDesc *d) {
  const KsSchedPluginDesc *audited[] = {
      &ks_sched_plugin_inter_pod_affinity, &ks_sched_plugin_node_affinity,
      &ks_sched_plugin_node_name,          &ks_sched_plugin_node_ports,
      &ks_sched_plugin_node_resources_fit, &ks_sched_plugin_node_unschedulable,
      &ks_sched_plugin_pod_topology_spread, &ks_sched_plugin_taint_toleration,
      &ks_sched_plugin_volume_restrictions, &ks_sched_plugin_node_volume_limits,
      &ks_sched_plugin_volume_binding,      &ks_sched_plugin_volume_zone,
  };
  for (guint i = 0; i < G_N_ELEMENTS(audited); i++)
    if (d->filter == audited[i]->filter)
      return TRUE;
  return FALSE;
}

static gboolean filters_thread_safe(const KsSchedFramework *fw) {
  for (guint k = 0; k < fw->n_ep[KS_SCHED_EP_FILTER]; k++)
    if (!filter_thread_safe(fw->plugins[fw->ep[KS_SCHED_EP_FILTER][k]].desc))
      return FALSE;
  return TRUE;
}

/* Makes the profile `i` (and its cycle state) the current one. */
static void use_profile_index(KsScheduler *s, guint i) {
  s->fw = s->fws[i];
  s->cs = &s->css[i];
  s->profile = i;
}

/* The profile serving the pod's schedulerName: FALSE when none does. */
static gboolean use_profile(KsScheduler *s, const KsPod *pod) {
  for (guint i = 0; i < s->n_fws; i++)
    if (g_strcmp0(s->fws[i]->name, pod->scheduler_name) == 0) {
      use_profile_index(s, i);
      return TRUE;
    }
  use_profile_index(s, 0);
  return s->serve_all;
}

KsScheduler *ks_sched_new_with_profiles(const KsSchedConfig *config, KsSchedFramework **profiles,
                                        guint n, GError **error) {
  KsSchedConfig defaults;
  if (!config) {
    ks_sched_config_init_defaults(&defaults);
    config = &defaults;
  }
  if (!check_config(config, error) || !check_profiles(profiles, n, error)) {
    free_profiles(profiles, n);
    return NULL;
  }
  KsScheduler *s = g_new0(KsScheduler, 1);
  s->cfg = *config;
  s->n_fws = n;
  s->fws = g_memdup2(profiles, n * sizeof *profiles);
  s->css = g_new0(KsSchedCycleState, n);
  for (guint i = 0; i < n; i++)
    ks_sched_cycle_state_init(&s->css[i]);
  use_profile_index(s, 0);
  s->cache = ks_sched_cache_new();
  s->queue = ks_sched_queue_new(s->fws[0], config->pod_initial_backoff_us,
                                config->pod_max_backoff_us, config->pod_max_in_unschedulable_us);
  ks_sched_queue_set_profiles(s->queue, (const KsSchedFramework *const *)s->fws, n);
  ks_rng_init(&s->rng, config->seed, "sched/tie");
  if (config->parallelism > 1)
    s->pool = ks_sched_filter_pool_new((guint)config->parallelism);
  s->parallel_ok = g_new0(gboolean, n);
  for (guint i = 0; i < n; i++)
    s->parallel_ok[i] = filters_thread_safe(s->fws[i]);
  preemption_init(s);
  return s;
}

KsScheduler *ks_sched_new_with_profile(const KsSchedConfig *config, KsSchedFramework *fw,
                                       GError **error) {
  KsScheduler *s = ks_sched_new_with_profiles(config, &fw, 1, error);
  if (s)
    s->serve_all = TRUE;
  return s;
}

KsScheduler *ks_sched_new(const KsSchedConfig *config, GError **error) {
  KsSchedRegistry *r = ks_sched_registry_new();
  KsSchedFramework *fw = ks_sched_framework_new_default(r, error);
  ks_sched_registry_free(r);
  return fw ? ks_sched_new_with_profile(config, fw, error) : NULL;
}

void ks_sched_free(KsScheduler *s) {
  if (!s)
    return;
  ks_sched_filter_pool_free(s->pool);
  for (guint i = 0; i < s->n_fws; i++)
    ks_sched_cycle_state_clear(&s->css[i], s->fws[i]);
  ks_sched_queue_free(s->queue);
  ks_sched_cache_free(s->cache);
  free_profiles(s->fws, s->n_fws);
  g_free(s->fws);
  g_free(s->css);
  g_free(s->parallel_ok);
  g_free(s->node_status);
  g_free(s->failed);
  g_free(s->feasible);
  g_free(s->candidates);
  g_free(s->fit);
  g_free(s->rr_names);
  for (guint i = 0; i < s->rank_cap; i++)
    g_free(s->rank_name[i]);
  g_free(s->rank_name);
  g_free(s->node_rank);
  g_free(s->scores);
  g_free(s->total);
  g_free(s->trace_pos);
  g_free(s->message);
  g_hash_table_destroy(s->start_times);
  g_hash_table_destroy(s->preempting);
  g_ptr_array_free(s->victims, TRUE);
  g_ptr_array_free(s->cleared, TRUE);
  if (s->pdbs)
    g_ptr_array_free(s->pdbs, TRUE);
  g_free(s);
}

static void ensure_buffers(KsScheduler *s) {
  guint cap = s->cache->cap;
  if (s->buf_cap >= cap)
    return;
  guint n_score = 1;
  for (guint i = 0; i < s->n_fws; i++)
    n_score = MAX(n_score, s->fws[i]->n_ep[KS_SCHED_EP_SCORE]);
  s->node_status = g_renew(KsSchedStatus, s->node_status, cap);
  s->failed = g_renew(guint, s->failed, cap);
  s->feasible = g_renew(guint, s->feasible, cap);
  s->candidates = g_renew(guint, s->candidates, cap);
  s->scores = g_renew(gint64, s->scores, (gsize)cap * n_score);
  s->total = g_renew(gint64, s->total, cap);
  s->trace_pos = g_renew(guint, s->trace_pos, cap);
  s->fit = g_renew(guint8, s->fit, cap);
  s->rr_names = g_renew(const char *, s->rr_names, 2 * (gsize)cap);
  s->buf_cap = cap;
}

/* ---- failure message (FitError.Error) ----------------------------------------------- */

/* "0/3 nodes are available: 1 Insufficient memory, 2 Insufficient cpu." */
static char *fit_error_message(KsScheduler *s, const KsSchedStatus *pre_filter, guint n_all) {
  return ks_sched_fit_error_message(n_all, pre_filter, s->node_status, s->failed, s->n_failed);
}

/* ---- phases -------------------------------------------------------------------------- */

static KsSchedPlugin *plugin_at(KsScheduler *s, KsSchedExtensionPoint ep, guint k) {
  return &s->fw->plugins[s->fw->ep[ep][k]];
}

static void mark_plugin(KsSchedStatus *st, const KsSchedPlugin *p) {
  st->plugin = p->desc->name;
  st->plugin_index = (gint)p->index;
}

/* Runs PreFilter; narrows the candidates into s->candidates when a plugin
 * returned a node set. Returns the candidate list and its length. */
static const guint *run_pre_filter(KsScheduler *s, const KsPod *pod, guint *n_cand,
                                   KsSchedStatus *st) {
  GHashTable *sets[MAX_PRE_FILTER_RESULTS];
  guint n_sets = 0;
  ks_sched_status_reset(st);
  for (guint k = 0; k < s->fw->n_ep[KS_SCHED_EP_PRE_FILTER]; k++) {
    KsSchedPlugin *p = plugin_at(s, KS_SCHED_EP_PRE_FILTER, k);
    GHashTable *names = NULL;
    ks_sched_status_reset(st);
    p->desc->pre_filter(p, s->cs, pod, s->cache, &names, st);
    if (st->code == KS_SCHED_SKIP) {
      s->cs->skip_filter |= G_GUINT64_CONSTANT(1) << p->index;
      ks_sched_status_reset(st);
      continue;
    }
    if (!ks_sched_status_ok(st)) {
      mark_plugin(st, p);
      return NULL;
    }
    if (names && n_sets < MAX_PRE_FILTER_RESULTS)
      sets[n_sets++] = names;
  }
  *n_cand = s->cache->n_order;
  if (n_sets == 0)
    return s->cache->order;
  guint n = 0;
  for (guint i = 0; i < s->cache->n_order; i++) {
    guint slot = s->cache->order[i];
    gboolean in_all = TRUE;
    for (guint j = 0; j < n_sets && in_all; j++)
      in_all = g_hash_table_contains(sets[j], s->cache->nodes[slot]->name);
    if (in_all)
      s->candidates[n++] = slot;
  }
  *n_cand = n;
  if (n == 0)
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE,
                        "node(s) didn't satisfy plugin(s) PreFilter result");
  return s->candidates;
}

/* RunFilterPlugins on one node; stops at the first non-success. */
/* ks_sched_status_reset, inlined: it runs once per Filter plugin per node
 * filtered and per Score plugin per node scored (tens of millions of calls
 * in a large replay). */
static inline void reset_status(KsSchedStatus *st) {
  st->code = KS_SCHED_SUCCESS;
  st->n_reasons = 0;
  st->plugin = NULL;
  st->plugin_index = -1;
}

/* Makes s->active_filters for the current profile and PreFilter outcome.
 * Called before Filter runs (never from the filter pool's threads, which
 * only read the list). */
static void prepare_filters(KsScheduler *s) {
  s->n_active_filters = 0;
  for (guint k = 0; k < s->fw->n_ep[KS_SCHED_EP_FILTER]; k++) {
    KsSchedPlugin *p = plugin_at(s, KS_SCHED_EP_FILTER, k);
    if (!(s->cs->skip_filter & (G_GUINT64_CONSTANT(1) << p->index)))
      s->active_filters[s->n_active_filters++] = p;
  }
  s->active_fw = s->fw;
  s->active_mask = s->cs->skip_filter;
}

static gboolean run_filter(KsScheduler *s, KsSchedPlugin *p, const KsPod *pod, guint slot,
                           KsSchedStatus *st) {
  reset_status(st);
  p->desc->filter(p, s->cs, pod, s->cache, slot, st);
  if (ks_sched_status_ok(st))
    return TRUE;
  mark_plugin(st, p);
  return FALSE;
}

static gboolean run_filters(KsScheduler *s, const KsPod *pod, guint slot, KsSchedStatus *st) {
  if (s->active_fw == s->fw && s->active_mask == s->cs->skip_filter) {
    for (guint k = 0; k < s->n_active_filters; k++)
      if (!run_filter(s, s->active_filters[k], pod, slot, st))
        return FALSE;
    return TRUE;
  }
  /* no list for this cycle (made by find_feasible): the plain walk */
  for (guint k = 0; k < s->fw->n_ep[KS_SCHED_EP_FILTER]; k++) {
    KsSchedPlugin *p = plugin_at(s, KS_SCHED_EP_FILTER, k);
    if (s->cs->skip_filter & (G_GUINT64_CONSTANT(1) << p->index))
      continue;
    if (!run_filter(s, p, pod, slot, st))
      return FALSE;
  }
  return TRUE;
}

/* Assumes onto `slot` the pods nominated there with priority >= the pod's
 * (not the pod itself, not pods the cache already holds); returns how many. */
static guint add_nominated(KsScheduler *s, const KsPod *pod, guint slot) {
  const GPtrArray *list = ks_sched_queue_nominated_pods(s->queue, s->cache->nodes[slot]->name);
  guint added = 0;
  for (guint i = 0; list && i < list->len; i++) {
    KsPod *np = g_ptr_array_index(list, i);
    if (np->priority < pod->priority || ks_pod_key_equal(np, pod) ||
        ks_sched_cache_pod(s->cache, np))
      continue;
    ks_sched_cache_assume_pod(s->cache, np, slot);
    /* PreFilter state (affinity, spread counts) sees it too: AddPod. */
    ks_sched_run_add_pod(s->fw, s->cs, pod, np, s->cache, slot);
    added++;
  }
  return added;
}

/* Forgets the `added` pods assumed last on `slot`, last first: each is the
 * last entry of the node's list, so the list returns to its prior order. */
static void drop_nominated(KsScheduler *s, const KsPod *pod, guint slot, guint added) {
  GPtrArray *on = s->cache->pods[slot];
  for (; added > 0; added--) {
    const KsSchedPodEntry *e = g_ptr_array_index(on, on->len - 1);
    ks_sched_run_remove_pod(s->fw, s->cs, pod, e->pod, s->cache, slot);
    ks_sched_cache_forget_pod(s->cache, e->pod);
  }
}

/* RunFilterPluginsWithNominatedPods (kube-semantics 1.2 step 6). */
static gboolean run_filters_with_nominated(KsScheduler *s, const KsPod *pod, guint slot,
                                           KsSchedStatus *st) {
  if (ks_sched_queue_nominated_len(s->queue) == 0)
    return run_filters(s, pod, slot, st);
  guint added = add_nominated(s, pod, slot);
  gboolean ok = run_filters(s, pod, slot, st);
  drop_nominated(s, pod, slot, added);
  if (!ok || added == 0)
    return ok;
  return run_filters(s, pod, slot, st);
}

/* How many feasible nodes the search looks for. */
static guint feasible_to_find(const KsScheduler *s, guint n_cand) {
  gint32 pct = s->fw->percentage_of_nodes_to_score >= 0 ? s->fw->percentage_of_nodes_to_score
                                                        : s->cfg.percentage_of_nodes_to_score;
  guint k = (guint)ks_sched_num_feasible_nodes_to_find(pct, (gint32)n_cand);
  return s->fw->n_ep[KS_SCHED_EP_SCORE] == 0 ? 1 : k;
}

/* Books one examined node, as the serial search does. Returns 1 when it
 * was feasible, 0 when it failed, -1 on a filter error (the slot is left
 * at failed[n_failed] for the error report). */
static gint book_node(KsScheduler *s, guint slot, gboolean ok, guint *nf) {
  const KsSchedStatus *st = &s->node_status[slot];
  if (ok) {
    s->feasible[(*nf)++] = slot;
    return 1;
  }
  s->failed[s->n_failed] = slot;
  if (st->code == KS_SCHED_ERROR_CODE)
    return -1;
  s->n_failed++;
  s->rejectors |= G_GUINT64_CONSTANT(1) << st->plugin_index;
  return 0;
}

static gint find_feasible_serial(KsScheduler *s, const KsPod *pod, const guint *cand,
                                 guint n_cand, guint k, guint *processed) {
  guint nf = 0, i = 0;
  /* the search starts at next_start and wraps: an index that wraps, not a
   * division per node */
  guint at = n_cand ? s->next_start % n_cand : 0;
  for (; i < n_cand && nf < k; i++, at = at + 1 == n_cand ? 0 : at + 1) {
    guint slot = cand[at];
    gboolean ok = run_filters_with_nominated(s, pod, slot, &s->node_status[slot]);
    if (book_node(s, slot, ok, &nf) < 0)
      return -1;
  }
  *processed = i;
  return (gint)nf;
}

/* Nodes per chunk of the chunked search. */
#define FILTER_CHUNK 64

/* The serial search in chunks: each active Filter plugin filters the
 * chunk's surviving nodes in one call (filter_nodes), in plugin order, then
 * the chunk is booked in search order exactly as the serial loop books,
 * stopping where it stops (the k-th feasible node, or an Error). A node's
 * status is its first failing plugin in order either way, so the outcome
 * (feasible list, statuses, processed count) is the serial one; nodes
 * filtered past the stop are dropped (filter_nodes only reads). Used when
 * every active Filter plugin has filter_nodes and no pod is nominated. */
static gint find_feasible_chunked(KsScheduler *s, const KsPod *pod, const guint *cand,
                                  guint n_cand, guint k, guint *processed) {
  guint nf = 0, i = 0;
  guint at = n_cand ? s->next_start % n_cand : 0;
  guint chunk[FILTER_CHUNK], alive[FILTER_CHUNK];
  while (i < n_cand && nf < k) {
    /* a little more than the feasible nodes still wanted: little waste at the end */
    guint want = k - nf;
    guint b = MIN(MIN(FILTER_CHUNK, n_cand - i), MAX(want + want / 4, 8u));
    for (guint j = 0; j < b; j++) {
      chunk[j] = alive[j] = cand[at];
      reset_status(&s->node_status[cand[at]]);
      at = at + 1 == n_cand ? 0 : at + 1;
    }
    guint n_alive = b;
    for (guint f = 0; f < s->n_active_filters && n_alive > 0; f++) {
      KsSchedPlugin *p = s->active_filters[f];
      p->desc->filter_nodes(p, s->cs, pod, s->cache, alive, n_alive, s->node_status);
      guint kept = 0;
      for (guint j = 0; j < n_alive; j++) {
        KsSchedStatus *st = &s->node_status[alive[j]];
        if (ks_sched_status_ok(st))
          alive[kept++] = alive[j];
        else
          mark_plugin(st, p);
      }
      n_alive = kept;
    }
    for (guint j = 0; j < b && nf < k; j++, i++) {
      guint slot = chunk[j];
      if (book_node(s, slot, ks_sched_status_ok(&s->node_status[slot]), &nf) < 0)
        return -1;
    }
  }
  *processed = i;
  return (gint)nf;
}

/* TRUE when the chunked search gives the serial outcome for this cycle. */
static gboolean can_chunk(const KsScheduler *s) {
  if (ks_sched_queue_nominated_len(s->queue) > 0)
    return FALSE; /* filtering a node then first assumes the pods nominated there */
  for (guint f = 0; f < s->n_active_filters; f++)
    if (!s->active_filters[f]->desc->filter_nodes)
      return FALSE;
  return TRUE;
}

typedef struct {
  KsScheduler *s;
  const KsPod *pod;
  const guint *cand;
  guint n_cand, base;
  gboolean nominations; /* some pod is nominated somewhere */
} FilterBatch;

enum { FIT_NO = 0, FIT_YES = 1, FIT_DEFER = 2 };

/* A worker's share: Filter reads the cache and the cycle state only, and
 * each node's status has its own cell, so chunks never share a write.
 * Nodes with nominated pods are deferred: filtering them assumes those
 * pods into the shared cache, which only the caller may do, alone. */
static void filter_range(gpointer data, guint lo, guint hi) {
  FilterBatch *b = data;
  KsScheduler *s = b->s;
  for (guint i = lo; i < hi; i++) {
    guint pos = b->base + i;
    guint slot = b->cand[(s->next_start + pos) % b->n_cand];
    if (b->nominations && ks_sched_queue_nominated_pods(s->queue, s->cache->nodes[slot]->name)) {
      s->fit[pos] = FIT_DEFER;
      continue;
    }
    s->fit[pos] = run_filters(s, b->pod, slot, &s->node_status[slot]) ? FIT_YES : FIT_NO;
  }
}

/* The serial search's outcome, computed in batches: every node of a batch
 * is filtered in parallel, then the batch is booked in search order (the
 * deferred nodes filtered then, by the caller alone) and booking stops
 * exactly where the serial loop would: at the k-th feasible node or the
 * first error. Nodes filtered past that point are discarded: their
 * statuses are never read since they are in neither list. */
static gint find_feasible_parallel(KsScheduler *s, const KsPod *pod, const guint *cand,
                                   guint n_cand, guint k, guint *processed) {
  guint threads = ks_sched_filter_pool_threads(s->pool);
  gboolean nominations = ks_sched_queue_nominated_len(s->queue) > 0;
  guint nf = 0, pos = 0;
  while (pos < n_cand && nf < k) {
    guint want = k - nf;
    guint w = MIN(n_cand - pos, MAX(want + want / 4, 32 * threads));
    FilterBatch b = {s, pod, cand, n_cand, pos, nominations};
    ks_sched_filter_pool_run(s->pool, w, filter_range, &b);
    s->parallel_batches++;
    for (guint end = pos + w; pos < end && nf < k; pos++) {
      guint slot = cand[(s->next_start + pos) % n_cand];
      gboolean ok = s->fit[pos] == FIT_DEFER
                        ? run_filters_with_nominated(s, pod, slot, &s->node_status[slot])
                        : s->fit[pos] == FIT_YES;
      if (book_node(s, slot, ok, &nf) < 0)
        return -1;
    }
  }
  *processed = pos;
  return (gint)nf;
}

/* Returns the number of feasible nodes (in s->feasible), -1 on a filter
 * error. */
static gint find_feasible(KsScheduler *s, const KsPod *pod, const guint *cand, guint n_cand,
                          guint *processed) {
  guint k = feasible_to_find(s, n_cand);
  prepare_filters(s);
  if (s->pool && s->parallel_ok[s->profile] && n_cand > 1)
    return find_feasible_parallel(s, pod, cand, n_cand, k, processed);
  if (can_chunk(s))
    return find_feasible_chunked(s, pod, cand, n_cand, k, processed);
  return find_feasible_serial(s, pod, cand, n_cand, k, processed);
}

/* ---- tracing (ksim explain) --------------------------------------------------------- */

static KsSchedTraceNode *trace_node(KsScheduler *s, guint slot) {
  return &g_array_index(s->trace->nodes, KsSchedTraceNode, s->trace_pos[slot]);
}

/* Score plugin `p` produced `sc` for nodes list[0..n): record raw scores
 * (before NormalizeScore) or the normalized and weighted ones (after). */
static void trace_scores(KsScheduler *s, const KsSchedPlugin *p, const guint *list,
                         const gint64 *sc, guint n, gboolean normalized) {
  for (guint i = 0; i < n; i++) {
    KsSchedTraceNode *tn = trace_node(s, list[i]);
    if (!normalized) {
      tn->scored = TRUE;
      tn->scores[tn->n_scores++] = (KsSchedTraceScore){p->desc->name, sc[i], 0, p->weight, 0};
      continue;
    }
    KsSchedTraceScore *ts = &tn->scores[tn->n_scores - 1];
    ts->normalized = sc[i];
    ts->weighted = sc[i] * p->weight;
    tn->total += ts->weighted;
  }
}

/* PreScore, Score, NormalizeScore and the weighted sum into s->total, over
 * the nodes s->feasible[0..n). */
static gboolean prioritize(KsScheduler *s, const KsPod *pod, guint n, KsSchedStatus *st) {
  const KsSchedFramework *fw = s->fw;
  for (guint k = 0; k < fw->n_ep[KS_SCHED_EP_PRE_SCORE]; k++) {
    KsSchedPlugin *p = plugin_at(s, KS_SCHED_EP_PRE_SCORE, k);
    ks_sched_status_reset(st);
    p->desc->pre_score(p, s->cs, pod, s->cache, s->feasible, n, st);
    if (st->code == KS_SCHED_SKIP)
      s->cs->skip_score |= G_GUINT64_CONSTANT(1) << p->index;
    else if (!ks_sched_status_ok(st))
      return mark_plugin(st, p), FALSE;
  }
  memset(s->total, 0, n * sizeof *s->total);
  if (fw->n_ep[KS_SCHED_EP_SCORE] == 0) {
    for (guint i = 0; i < n; i++)
      s->total[i] = 1;
    return TRUE;
  }
  for (guint k = 0; k < fw->n_ep[KS_SCHED_EP_SCORE]; k++) {
    KsSchedPlugin *p = plugin_at(s, KS_SCHED_EP_SCORE, k);
    if (s->cs->skip_score & (G_GUINT64_CONSTANT(1) << p->index))
      continue;
    gint64 *sc = &s->scores[(gsize)k * s->buf_cap];
    if (p->desc->score_nodes) {
      reset_status(st);
      memset(sc, 0, n * sizeof *sc);
      p->desc->score_nodes(p, s->cs, pod, s->cache, s->feasible, n, sc, st);
      if (!ks_sched_status_ok(st))
        return mark_plugin(st, p), FALSE;
    } else {
      for (guint i = 0; i < n; i++) {
        reset_status(st);
        sc[i] = 0;
        p->desc->score(p, s->cs, pod, s->cache, s->feasible[i], &sc[i], st);
        if (!ks_sched_status_ok(st))
          return mark_plugin(st, p), FALSE;
      }
    }
    if (s->trace)
      trace_scores(s, p, s->feasible, sc, n, FALSE);
    if (p->desc->normalize_score) {
      ks_sched_status_reset(st);
      p->desc->normalize_score(p, s->cs, pod, sc, n, st);
      if (!ks_sched_status_ok(st))
        return mark_plugin(st, p), FALSE;
    }
    for (guint i = 0; i < n; i++) {
      if (sc[i] < KS_SCHED_MIN_NODE_SCORE || sc[i] > KS_SCHED_MAX_NODE_SCORE) {
        ks_sched_status_set(st, KS_SCHED_ERROR_CODE, "plugin returned an invalid score");
        return mark_plugin(st, p), FALSE;
      }
      s->total[i] += sc[i] * p->weight;
    }
    if (s->trace)
      trace_scores(s, p, s->feasible, sc, n, TRUE);
  }
  return TRUE;
}

/* selectHost: uniform among the max-score nodes by seeded reservoir sampling. */
static guint select_host_random(KsScheduler *s, guint nf) {
  guint best = 0, count = 1;
  for (guint i = 1; i < nf; i++) {
    if (s->total[i] > s->total[best]) {
      best = i;
      count = 1;
    } else if (s->total[i] == s->total[best]) {
      count++;
      if (ks_rng_below(&s->rng, count) == 0)
        best = i;
    }
  }
  return s->feasible[best];
}

static int name_desc(const void *a, const void *b) {
  return strcmp(*(const char *const *)b, *(const char *const *)a);
}

guint ks_sched_select_host_round_robin(const char *const *names, const gint64 *totals, guint n,
                                       guint64 *last_node_index, const char **scratch) {
  if (n == 0)
    return G_MAXUINT; /* v1.7: "empty priorityList" */
  /* v1.7 sorts the whole list by (score, name) descending; only the
   * max-score prefix matters, so sort just those names, descending. */
  gint64 max = totals[0];
  for (guint i = 1; i < n; i++)
    max = MAX(max, totals[i]);
  guint count = 0;
  for (guint i = 0; i < n; i++)
    if (totals[i] == max)
      scratch[count++] = names[i];
  qsort(scratch, count, sizeof *scratch, name_desc);
  const char *chosen = scratch[*last_node_index % count];
  (*last_node_index)++;
  for (guint i = 0; i < n; i++)
    if (totals[i] == max && strcmp(names[i], chosen) == 0)
      return i;
  g_return_val_if_reached(0);
}

/* v1.7 round robin over the cache's node names. */
static guint select_host_round_robin(KsScheduler *s, guint nf) {
  for (guint i = 0; i < nf; i++)
    s->rr_names[i] = s->cache->nodes[s->feasible[i]]->name;
  guint best = ks_sched_select_host_round_robin(s->rr_names, s->total, nf, &s->last_node_index,
                                                s->rr_names + nf);
  return s->feasible[best];
}

/* The first max-score node in the order the nodes were examined. */
static guint select_host_first(KsScheduler *s, guint nf) {
  guint best = 0;
  for (guint i = 1; i < nf; i++)
    if (s->total[i] > s->total[best])
      best = i;
  return s->feasible[best];
}

/* A node's rank: a draw from the stream named after the node, so it depends
 * only on the seed and the name (not on slots, order or earlier cycles). */
static guint64 node_rank(KsScheduler *s, guint slot) {
  if (slot >= s->rank_cap) {
    guint cap = MAX(slot + 1, 2 * s->rank_cap);
    s->node_rank = g_renew(guint64, s->node_rank, cap);
    s->rank_name = g_renew(char *, s->rank_name, cap);
    memset(s->rank_name + s->rank_cap, 0, (cap - s->rank_cap) * sizeof *s->rank_name);
    s->rank_cap = cap;
  }
  const char *name = s->cache->nodes[slot]->name;
  if (!s->rank_name[slot] || strcmp(s->rank_name[slot], name) != 0) {
    KsRng r;
    ks_rng_init(&r, s->cfg.seed, name);
    s->node_rank[slot] = ks_rng_next(&r);
    g_free(s->rank_name[slot]);
    s->rank_name[slot] = g_strdup(name);
  }
  return s->node_rank[slot];
}

/* The max-score node of lowest rank: "first in a per-seed random node
 * order" without reordering anything. Equal ranks (2^-64) fall to the name. */
static guint select_host_node_rank(KsScheduler *s, guint nf) {
  guint best = 0;
  guint64 best_rank = node_rank(s, s->feasible[0]);
  for (guint i = 1; i < nf; i++) {
    if (s->total[i] < s->total[best])
      continue;
    guint64 r = node_rank(s, s->feasible[i]);
    if (s->total[i] > s->total[best] || r < best_rank ||
        (r == best_rank && strcmp(s->cache->nodes[s->feasible[i]]->name,
                                  s->cache->nodes[s->feasible[best]]->name) < 0)) {
      best = i;
      best_rank = r;
    }
  }
  return s->feasible[best];
}

static guint select_host(KsScheduler *s, guint nf) {
  switch (s->fw->select_host) {
  case KS_SCHED_SELECT_HOST_ROUND_ROBIN:
    return select_host_round_robin(s, nf);
  case KS_SCHED_SELECT_HOST_FIRST:
    return select_host_first(s, nf);
  case KS_SCHED_SELECT_HOST_NODE_RANK:
    return select_host_node_rank(s, nf);
  case KS_SCHED_SELECT_HOST_RANDOM:
    break;
  }
  return select_host_random(s, nf);
}

/* Runs a per-node-name extension point (Reserve, Permit, PreBind, Bind). */
static gboolean run_node_point(KsScheduler *s, KsSchedExtensionPoint ep, const KsPod *pod,
                               const char *node, KsSchedStatus *st) {
  for (guint k = 0; k < s->fw->n_ep[ep]; k++) {
    KsSchedPlugin *p = plugin_at(s, ep, k);
    ks_sched_status_reset(st);
    switch (ep) {
    case KS_SCHED_EP_RESERVE: p->desc->reserve(p, s->cs, pod, node, st); break;
    case KS_SCHED_EP_PERMIT: p->desc->permit(p, s->cs, pod, node, st); break;
    case KS_SCHED_EP_PRE_BIND: p->desc->pre_bind(p, s->cs, pod, node, st); break;
    case KS_SCHED_EP_BIND:
      p->desc->bind(p, s->cs, pod, node, st);
      if (st->code == KS_SCHED_SKIP)
        continue;
      if (ks_sched_status_ok(st))
        return TRUE; /* the first binder that does not skip binds */
      break;
    default: break;
    }
    if (!ks_sched_status_ok(st)) {
      if (st->code == KS_SCHED_WAIT) /* waiting pods are not modelled yet */
        ks_sched_status_set(st, KS_SCHED_ERROR_CODE, "Permit Wait is not supported");
      return mark_plugin(st, p), FALSE;
    }
  }
  return TRUE;
}

static void run_unreserve(KsScheduler *s, const KsPod *pod, const char *node) {
  /* reverse order, as upstream */
  for (guint k = s->fw->n_ep[KS_SCHED_EP_RESERVE]; k-- > 0;) {
    KsSchedPlugin *p = plugin_at(s, KS_SCHED_EP_RESERVE, k);
    if (p->desc->unreserve)
      p->desc->unreserve(p, s->cs, pod, node);
  }
}

/* ---- outcomes ------------------------------------------------------------------------- */

static void set_message(KsScheduler *s, KsSchedResult *out, char *msg) {
  g_free(s->message);
  s->message = msg;
  out->message = msg;
}

static void fail(KsScheduler *s, KsSchedQueuedPod *qp, KsSchedResult *out, KsSchedResultKind kind,
                 guint64 rejectors, char *msg, gint64 now) {
  out->kind = kind;
  set_message(s, out, msg);
  ks_sched_queue_requeue(s->queue, qp, kind == KS_SCHED_RESULT_ERROR ? 0 : rejectors, now);
}

static void error_status(KsScheduler *s, KsSchedQueuedPod *qp, KsSchedResult *out,
                         const KsSchedStatus *st, gint64 now) {
  char *m = ks_sched_status_message(st);
  char *msg = g_strdup_printf("running %s plugin %s: %s", ks_sched_code_to_string(st->code),
                              st->plugin ? st->plugin : "?", m);
  g_free(m);
  fail(s, qp, out, KS_SCHED_RESULT_ERROR, 0, msg, now);
}

/* Assume, Reserve, Permit, and the (synchronous) start of binding. */
static void commit(KsScheduler *s, KsSchedQueuedPod *qp, guint slot, KsSchedResult *out,
                   gint64 now) {
  KsPod *pod = qp->pod;
  const char *node = s->cache->nodes[slot]->name;
  KsSchedStatus st;
  ks_sched_cache_assume_pod(s->cache, pod, slot);
  /* assume: DeleteNominatedPodIfExists (a later failure clears it too) */
  ks_sched_queue_nominate(s->queue, pod, NULL);
  gboolean ok = run_node_point(s, KS_SCHED_EP_RESERVE, pod, node, &st);
  if (ok)
    ok = run_node_point(s, KS_SCHED_EP_PERMIT, pod, node, &st);
  if (ok)
    ok = run_node_point(s, KS_SCHED_EP_PRE_BIND, pod, node, &st);
  if (ok)
    ok = run_node_point(s, KS_SCHED_EP_BIND, pod, node, &st);
  if (!ok) {
    run_unreserve(s, pod, node);
    ks_sched_cache_forget_pod(s->cache, pod);
    if (ks_sched_status_rejects(&st)) {
      char *m = ks_sched_status_message(&st);
      fail(s, qp, out, KS_SCHED_RESULT_UNSCHEDULABLE,
           G_GUINT64_CONSTANT(1) << st.plugin_index, m, now);
    } else {
      error_status(s, qp, out, &st, now);
    }
    return;
  }
  out->kind = KS_SCHED_RESULT_SCHEDULED;
  out->node = node;
}

/* ---- ScheduleOne -------------------------------------------------------------------------- */

/* evaluateNominatedNode: the pod's nominated node alone, before the search.
 * Returns the node's slot when it was tried (its status is in node_status),
 * -1 otherwise; *fits tells whether it passed. */
static gint try_nominated(KsScheduler *s, const KsPod *pod, gboolean *fits) {
  *fits = FALSE;
  const char *nn = ks_sched_queue_nominated_node(s->queue, pod);
  gint slot = nn ? ks_sched_cache_node_slot(s->cache, nn) : -1;
  if (slot < 0)
    return -1;
  KsSchedStatus *st = &s->node_status[slot];
  *fits = run_filters_with_nominated(s, pod, (guint)slot, st);
  if (*fits)
    s->feasible[0] = (guint)slot;
  return slot;
}

/* Upstream counts processed nodes as feasible + len(NodeToStatusMap), and a
 * failed nominated node stays in that map even when the search stopped
 * before reaching it: count it (and its reasons) once. */
static void keep_nominated_failure(KsScheduler *s, gint slot, guint *processed) {
  if (slot < 0 || s->node_status[slot].code == KS_SCHED_ERROR_CODE)
    return;
  for (guint i = 0; i < s->n_failed; i++)
    if (s->failed[i] == (guint)slot)
      return;
  s->failed[s->n_failed++] = (guint)slot;
  s->rejectors |= G_GUINT64_CONSTANT(1) << s->node_status[slot].plugin_index;
  (*processed)++;
}

/* RunPostFilterPlugins. Returns the nomination (a slot, or
 * KS_SCHED_NOMINATE_NOOP / _CLEAR); *st is the aggregated status. */
static gint run_post_filter(KsScheduler *s, const KsPod *pod, const KsSchedStatus *pre,
                            KsSchedStatus *st) {
  KsSchedDiagnosis d = {s->node_status, s->failed, s->n_failed, *pre, s->rejectors};
  gint result = KS_SCHED_NOMINATE_NOOP;
  ks_sched_status_reset(st);
  g_ptr_array_set_size(s->victims, 0);
  for (guint k = 0; k < s->fw->n_ep[KS_SCHED_EP_POST_FILTER]; k++) {
    KsSchedPlugin *p = plugin_at(s, KS_SCHED_EP_POST_FILTER, k);
    KsSchedStatus one;
    gint nom = KS_SCHED_NOMINATE_NOOP;
    ks_sched_status_reset(&one);
    p->desc->post_filter(p, s->cs, pod, s->cache, &d, &nom, &one);
    if (ks_sched_status_ok(&one) || one.code == KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE) {
      *st = one;
      mark_plugin(st, p);
      return nom;
    }
    if (!ks_sched_status_rejects(&one)) { /* any other code is an error */
      *st = one;
      st->code = KS_SCHED_ERROR_CODE;
      mark_plugin(st, p);
      g_ptr_array_set_size(s->victims, 0);
      return KS_SCHED_NOMINATE_NOOP;
    }
    if (nom != KS_SCHED_NOMINATE_NOOP)
      result = nom;
    for (guint r = 0; r < one.n_reasons; r++)
      ks_sched_status_add_reason(st, one.reasons[r]);
    if (!st->plugin)
      mark_plugin(st, p);
  }
  st->code = KS_SCHED_UNSCHEDULABLE;
  return result;
}

/* prepareCandidate's bookkeeping and the failure handler's nomination:
 * victims become "terminating", lower-priority pods nominated to the node
 * lose their nomination, the pod is nominated (or its nomination cleared). */
static void apply_nomination(KsScheduler *s, KsPod *pod, gint nom, KsSchedResult *out) {
  if (nom == KS_SCHED_NOMINATE_NOOP)
    return;
  if (nom == KS_SCHED_NOMINATE_CLEAR) {
    if (ks_sched_queue_nominated_node(s->queue, pod)) {
      ks_sched_queue_nominate(s->queue, pod, NULL);
      out->nominated_node = "";
    }
    return;
  }
  const char *node = s->cache->nodes[nom]->name;
  for (guint i = 0; i < s->victims->len; i++) {
    KsPod *v = g_ptr_array_index(s->victims, i);
    g_hash_table_add(s->preempting, ks_pod_ref(v));
  }
  const GPtrArray *list = ks_sched_queue_nominated_pods(s->queue, node);
  for (guint i = 0; list && i < list->len; i++) {
    KsPod *np = g_ptr_array_index(list, i);
    if (np->priority < pod->priority)
      g_ptr_array_add(s->cleared, ks_pod_ref(np));
  }
  for (guint i = 0; i < s->cleared->len; i++)
    ks_sched_queue_nominate(s->queue, g_ptr_array_index(s->cleared, i), NULL);
  ks_sched_queue_nominate(s->queue, pod, node);
  out->nominated_node = ks_sched_queue_nominated_node(s->queue, pod);
  out->victims = (KsPod **)s->victims->pdata;
  out->n_victims = s->victims->len;
  out->cleared_nominations = (KsPod **)s->cleared->pdata;
  out->n_cleared_nominations = s->cleared->len;
}

/* No node fits: PostFilter, then the FitError message and requeue. */
static void unschedulable(KsScheduler *s, KsSchedQueuedPod *qp, const KsSchedStatus *pre,
                          guint64 rejectors, guint n_all, gint64 now, KsSchedResult *out) {
  char *msg = fit_error_message(s, pre, n_all);
  if (s->fw->n_ep[KS_SCHED_EP_POST_FILTER] > 0) {
    KsSchedStatus pf;
    gint nom = run_post_filter(s, qp->pod, pre, &pf);
    if (pf.n_reasons > 0) { /* FitError: " %v" with the PostFilter message */
      char *m = ks_sched_status_message(&pf);
      char *full = g_strconcat(msg, " ", m, NULL);
      g_free(m);
      g_free(msg);
      msg = full;
    }
    apply_nomination(s, qp->pod, nom, out);
  }
  fail(s, qp, out, KS_SCHED_RESULT_UNSCHEDULABLE, rejectors, msg, now);
}

/* The trace's per-node rows, in node-tree order, and slot -> row. */
static void trace_begin(KsScheduler *s, const KsPod *pod) {
  KsSchedTrace *t = s->trace;
  t->pod = g_strdup_printf("%s/%s", pod->namespace, pod->name);
  g_array_set_size(t->nodes, s->cache->n_order);
  memset(t->nodes->data, 0, s->cache->n_order * sizeof(KsSchedTraceNode));
  for (guint i = 0; i < s->cache->n_order; i++) {
    guint slot = s->cache->order[i];
    KsSchedTraceNode *tn = &g_array_index(t->nodes, KsSchedTraceNode, i);
    tn->name = s->cache->nodes[slot]->name;
    ks_sched_status_reset(&tn->status);
    s->trace_pos[slot] = i;
  }
}

/* Filter outcomes: feasible[0..nf), failed[0..n_failed), and the node
 * whose filter errored (failed[n_failed]) when `errored`. */
static void trace_filtered(KsScheduler *s, guint nf, gboolean errored) {
  for (guint i = 0; i < nf; i++) {
    KsSchedTraceNode *tn = trace_node(s, s->feasible[i]);
    tn->examined = tn->feasible = TRUE;
  }
  for (guint i = 0; i < s->n_failed + (errored ? 1u : 0u); i++) {
    KsSchedTraceNode *tn = trace_node(s, s->failed[i]);
    tn->examined = TRUE;
    tn->status = s->node_status[s->failed[i]];
  }
}

static void trace_finish(KsScheduler *s, const KsSchedResult *out) {
  KsSchedTrace *t = s->trace;
  if (out->kind == KS_SCHED_RESULT_SCHEDULED)
    t->selected = g_strdup(out->node);
  if (out->message)
    t->message = g_strdup(out->message);
  if (out->nominated_node && *out->nominated_node)
    t->nominated = g_strdup(out->nominated_node);
  for (guint i = 0; i < out->n_victims; i++)
    g_ptr_array_add(t->victims,
                    g_strdup_printf("%s/%s", out->victims[i]->namespace, out->victims[i]->name));
}

/* Scores the feasible nodes, or with a score_all trace every examined node
 * (feasible first, so selection still sees only feasible[0..nf)). Returns
 * FALSE on a score error (in *st). */
static gboolean score_nodes(KsScheduler *s, const KsPod *pod, guint nf, KsSchedStatus *st) {
  if (s->trace && s->trace->score_all) {
    memcpy(s->feasible + nf, s->failed, s->n_failed * sizeof *s->failed);
    guint n = nf + s->n_failed;
    return n == 0 || prioritize(s, pod, n, st);
  }
  return nf <= 1 || prioritize(s, pod, nf, st);
}

static guint choose(KsScheduler *s, guint nf) {
  if (nf > 1)
    return select_host(s, nf);
  if (s->fw->select_host == KS_SCHED_SELECT_HOST_ROUND_ROBIN)
    s->last_node_index++; /* v1.7 ran selectHost for a single node too */
  return s->feasible[0];
}

static void schedule_pod(KsScheduler *s, KsSchedQueuedPod *qp, gint64 now, KsSchedResult *out) {
  KsPod *pod = qp->pod;
  guint n_all = s->cache->n_order;
  s->cs->skip_filter = s->cs->skip_score = 0;
  s->n_failed = 0;
  s->rejectors = 0;
  if (n_all == 0) {
    fail(s, qp, out, KS_SCHED_RESULT_ERROR, 0, g_strdup("no nodes available to schedule pods"), now);
    return;
  }
  ensure_buffers(s);
  if (s->trace)
    trace_begin(s, pod);
  KsSchedStatus st, none;
  ks_sched_status_reset(&none);
  guint n_cand = 0;
  const guint *cand = run_pre_filter(s, pod, &n_cand, &st);
  if (!cand || n_cand == 0) {
    if (s->trace)
      s->trace->pre_filter = st;
    if (st.code == KS_SCHED_ERROR_CODE) {
      error_status(s, qp, out, &st, now);
      return;
    }
    guint64 rej = st.plugin_index >= 0 ? G_GUINT64_CONSTANT(1) << st.plugin_index : 0;
    unschedulable(s, qp, &st, rej, n_all, now, out);
    return;
  }
  for (guint i = 0; i < s->fw->n_plugins; i++) {
    KsSchedPlugin *p = (KsSchedPlugin *)&s->fw->plugins[i];
    if (p->desc->cycle_start)
      p->desc->cycle_start(p, s->cs, pod, s->cache);
  }
  gint nf;
  gboolean fits;
  gint nom_slot = try_nominated(s, pod, &fits);
  if (fits) {
    nf = 1;
    out->nodes_examined = 1;
  } else {
    if (nom_slot >= 0 && s->node_status[nom_slot].code == KS_SCHED_ERROR_CODE)
      nom_slot = -1; /* upstream logs the error and searches all nodes */
    guint processed = 0;
    nf = find_feasible(s, pod, cand, n_cand, &processed);
    if (nf >= 0)
      keep_nominated_failure(s, nom_slot, &processed);
    s->next_start = (s->next_start + processed) % n_all;
    out->nodes_examined = (gint32)processed;
    if (nf < 0) {
      if (s->trace)
        trace_filtered(s, 0, TRUE);
      error_status(s, qp, out, &s->node_status[s->failed[s->n_failed]], now);
      return;
    }
  }
  if (s->trace)
    trace_filtered(s, (guint)nf, FALSE);
  out->feasible_nodes = nf;
  if (!score_nodes(s, pod, (guint)nf, &st)) {
    error_status(s, qp, out, &st, now);
    return;
  }
  if (nf == 0) {
    unschedulable(s, qp, &none, s->rejectors, n_all, now, out);
    return;
  }
  commit(s, qp, choose(s, (guint)nf), out, now);
}

void ks_sched_schedule_one(KsScheduler *s, gint64 now, KsSchedResult *out) {
  memset(out, 0, sizeof *out);
  s->now = now;
  g_ptr_array_set_size(s->victims, 0); /* the previous cycle's, now released */
  g_ptr_array_set_size(s->cleared, 0);
  for (;;) {
    KsSchedQueuedPod *qp = ks_sched_queue_pop(s->queue);
    if (!qp) {
      out->kind = KS_SCHED_RESULT_NONE;
      break;
    }
    if (ks_sched_cache_pod(s->cache, qp->pod)) {
      /* skipPodSchedule: already assumed or bound */
      ks_sched_queue_done(s->queue, qp);
      continue;
    }
    if (qp->initial_attempt < 0)
      qp->initial_attempt = now;
    out->pod = qp->pod;
    out->attempts = qp->attempts;
    use_profile(s, qp->pod);
    schedule_pod(s, qp, now, out);
    break;
  }
  if (s->trace) {
    if (out->pod)
      trace_finish(s, out);
    s->trace = NULL; /* one cycle */
  }
}

void ks_sched_trace_next_cycle(KsScheduler *s, KsSchedTrace *t) {
  if (t) {
    KsSchedTrace fresh;
    ks_sched_trace_init(&fresh, t->score_all);
    ks_sched_trace_clear(t);
    *t = fresh;
  }
  s->trace = t;
}

void ks_sched_bind_done(KsScheduler *s, KsPod *pod, gboolean ok, gint64 now) {
  KsSchedQueuedPod *qp = ks_sched_queue_in_flight(s->queue, pod);
  const KsSchedPodEntry *e = ks_sched_cache_pod(s->cache, pod);
  if (ok) {
    ks_sched_cache_finish_binding(s->cache, pod);
    if (qp)
      ks_sched_queue_done(s->queue, qp);
    return;
  }
  if (e && e->assumed) {
    use_profile(s, pod);
    const char *node = s->cache->nodes[e->slot] ? s->cache->nodes[e->slot]->name : "";
    run_unreserve(s, pod, node);
    ks_sched_cache_forget_pod(s->cache, pod);
  }
  /* upstream: a failed binding frees resources, so everything may move */
  ks_sched_queue_move_all(s->queue, &KS_SCHED_EVENT_ASSIGNED_POD_DELETE, NULL, NULL, now);
  if (qp)
    ks_sched_queue_requeue(s->queue, qp, 0, now);
}

/* ---- cluster state ------------------------------------------------------------------------ */

typedef struct {
  KsScheduler *s;
  guint slot;
} PreCheck;

/* preCheckForNode: every plugin with an admission check must admit the pod. */
static gboolean pre_check_node(const KsPod *pod, gpointer user_data) {
  PreCheck *pc = user_data;
  use_profile(pc->s, pod);
  KsSchedFramework *fw = pc->s->fw;
  for (guint i = 0; i < fw->n_plugins; i++) {
    KsSchedPlugin *p = &fw->plugins[i];
    if (p->desc->admit && !p->desc->admit(p, pod, pc->s->cache, pc->slot))
      return FALSE;
  }
  return TRUE;
}

static void node_event(KsScheduler *s, guint slot, guint32 actions, gint64 now) {
  KsSchedClusterEvent ev = {KS_SCHED_EV_NODE, actions, "NodeChange"};
  PreCheck pc = {s, slot};
  ks_sched_queue_move_all(s->queue, &ev, pre_check_node, &pc, now);
}

void ks_sched_add_node(KsScheduler *s, KsNode *node, gint64 now) {
  guint slot = ks_sched_cache_set_node(s->cache, node);
  node_event(s, slot, KS_SCHED_ACT_ADD, now);
}

static gboolean taints_equal(const GArray *a, const GArray *b) {
  guint na = a ? a->len : 0, nb = b ? b->len : 0;
  if (na != nb)
    return FALSE;
  for (guint i = 0; i < na; i++) {
    const KsTaint *x = &g_array_index(a, KsTaint, i), *y = &g_array_index(b, KsTaint, i);
    if (g_strcmp0(x->key, y->key) || g_strcmp0(x->value, y->value) || x->effect != y->effect)
      return FALSE;
  }
  return TRUE;
}

static gboolean conditions_equal(const GArray *a, const GArray *b) {
  guint na = a ? a->len : 0, nb = b ? b->len : 0;
  if (na != nb)
    return FALSE;
  for (guint i = 0; i < na; i++) {
    const KsNodeCondition *x = &g_array_index(a, KsNodeCondition, i);
    const KsNodeCondition *y = &g_array_index(b, KsNodeCondition, i);
    if (g_strcmp0(x->type, y->type) || g_strcmp0(x->status, y->status))
      return FALSE;
  }
  return TRUE;
}

/* nodeSchedulingPropertiesChange */
static guint32 node_changes(const KsNode *o, const KsNode *n) {
  guint32 a = 0;
  if (o->unschedulable != n->unschedulable || !taints_equal(o->taints, n->taints))
    a |= KS_SCHED_ACT_UPDATE_NODE_TAINT;
  if (!ks_resource_list_equal(&o->allocatable, &n->allocatable))
    a |= KS_SCHED_ACT_UPDATE_NODE_ALLOCATABLE;
  if (!ks_labels_equal(&o->labels, &n->labels))
    a |= KS_SCHED_ACT_UPDATE_NODE_LABEL;
  if (!conditions_equal(o->conditions, n->conditions))
    a |= KS_SCHED_ACT_UPDATE_NODE_CONDITION;
  return a;
}

void ks_sched_update_node(KsScheduler *s, KsNode *node, gint64 now) {
  gint old_slot = ks_sched_cache_node_slot(s->cache, node->name);
  if (old_slot < 0) {
    ks_sched_add_node(s, node, now);
    return;
  }
  KsNode *old = ks_node_ref(s->cache->nodes[old_slot]);
  guint slot = ks_sched_cache_set_node(s->cache, node);
  guint32 actions = node_changes(old, node);
  ks_node_unref(old);
  if (actions)
    node_event(s, slot, actions, now);
}

void ks_sched_remove_node(KsScheduler *s, const char *name, gint64 now) {
  ks_sched_cache_remove_node(s->cache, name);
}

gboolean ks_sched_serves(const KsScheduler *s, const char *scheduler_name) {
  for (guint i = 0; i < s->n_fws; i++)
    if (g_strcmp0(s->fws[i]->name, scheduler_name) == 0)
      return TRUE;
  return FALSE;
}

gboolean ks_sched_add_pending_pod(KsScheduler *s, KsPod *pod, gint64 now) {
  gboolean legacy = s->serve_all && g_strcmp0(pod->scheduler_name, KS_DEFAULT_SCHEDULER_NAME) == 0;
  if (!legacy && !ks_sched_serves(s, pod->scheduler_name))
    return FALSE; /* another scheduler's pod */
  ks_sched_queue_add(s->queue, pod, now);
  return TRUE;
}

void ks_sched_set_namespace(KsScheduler *s, const char *name, const KsLabels *labels) {
  ks_sched_cache_set_namespace(s->cache, name, labels);
}

void ks_sched_remove_namespace(KsScheduler *s, const char *name) {
  ks_sched_cache_remove_namespace(s->cache, name);
}

static gint pdb_index(const KsScheduler *s, const char *ns, const char *name) {
  for (guint i = 0; i < s->pdbs->len; i++) {
    const KsPodDisruptionBudget *b = g_ptr_array_index(s->pdbs, i);
    if (!strcmp(b->namespace, ns) && !strcmp(b->name, name))
      return (gint)i;
  }
  return -1;
}

/* Linear in the number of PDBs: updates are rare next to cycles, and
 * preemption walks them all anyway (upstream lists every PDB). */
void ks_sched_set_pdb(KsScheduler *s, const KsPodDisruptionBudget *b) {
  KsPodDisruptionBudget *copy = ks_pdb_copy(b);
  gint i = pdb_index(s, copy->namespace, copy->name);
  if (i < 0) {
    g_ptr_array_add(s->pdbs, copy);
  } else {
    ks_pdb_free(g_ptr_array_index(s->pdbs, i));
    g_ptr_array_index(s->pdbs, i) = copy;
  }
}

void ks_sched_remove_pdb(KsScheduler *s, const char *namespace, const char *name) {
  gint i = pdb_index(s, namespace && *namespace ? namespace : "default", name);
  if (i >= 0)
    g_ptr_array_remove_index(s->pdbs, (guint)i);
}

struct KsSchedVolumeLister *ks_sched_volume_lister(KsScheduler *s) {
  return s->cache->volumes;
}

void ks_sched_volume_event(KsScheduler *s, guint32 resource, guint32 actions, gint64 now) {
  KsSchedClusterEvent ev = {resource, actions, "VolumeChange"};
  ks_sched_queue_move_all(s->queue, &ev, NULL, NULL, now);
}

void ks_sched_update_pending_pod(KsScheduler *s, KsPod *pod, gint64 now) {
  if (!ks_sched_queue_update(s->queue, pod, now))
    ks_sched_add_pending_pod(s, pod, now);
}

void ks_sched_add_assigned_pod(KsScheduler *s, KsPod *pod, const char *node, gint64 now) {
  KsSchedQueuedPod *qp = ks_sched_queue_in_flight(s->queue, pod);
  if (!qp)
    ks_sched_queue_delete(s->queue, pod); /* bound by someone else while pending */
  /* The assigned-pod informer: its first sight of the pod is an Add (also
   * when it confirms a pod this scheduler assumed or bound), later ones are
   * updates (cache.UpdatePod: the new object replaces the old). The same
   * object again carries no change and raises nothing. */
  gboolean seen = g_hash_table_contains(s->start_times, pod);
  const KsSchedPodEntry *e = ks_sched_cache_pod(s->cache, pod);
  KsPod *old = seen && e && e->pod != pod ? ks_pod_ref(e->pod) : NULL;
  if (old)
    ks_sched_cache_remove_pod(s->cache, old);
  ks_sched_cache_add_pod(s->cache, pod, node);
  if (!seen) {
    gint64 *t = g_new(gint64, 1);
    *t = now;
    g_hash_table_insert(s->start_times, ks_pod_ref(pod), t);
  }
  const KsLabels *ns_labels = ks_sched_cache_namespace_labels(s->cache, pod->namespace);
  if (!seen || !e)
    ks_sched_queue_assigned_pod_added(s->queue, pod, ns_labels, now);
  else if (old)
    ks_sched_queue_assigned_pod_updated(s->queue, old, pod, ns_labels, now);
  if (old)
    ks_pod_unref(old);
}

void ks_sched_remove_pod(KsScheduler *s, KsPod *pod, gint64 now) {
  KsSchedQueuedPod *qp = ks_sched_queue_in_flight(s->queue, pod);
  if (!qp && ks_sched_queue_delete(s->queue, pod))
    return; /* a pending pod went away */
  gboolean held = ks_sched_cache_remove_pod(s->cache, pod);
  g_hash_table_remove(s->start_times, pod);
  g_hash_table_remove(s->preempting, pod);
  if (qp)
    ks_sched_queue_done(s->queue, qp);
  if (held)
    ks_sched_queue_move_all(s->queue, &KS_SCHED_EVENT_ASSIGNED_POD_DELETE, NULL, NULL, now);
}

/* ---- time ------------------------------------------------------------------------------------ */

static gint64 grid_at_or_after(gint64 t, gint64 period) {
  return t % period == 0 ? t : (t / period + 1) * period;
}

/* Each flush runs as of the latest grid point <= now, at most once per grid
 * point, so the outcome does not depend on how often the host ticks. */
void ks_sched_tick(KsScheduler *s, gint64 now) {
  gint64 g = now - now % KS_SCHED_BACKOFF_FLUSH_PERIOD_US;
  if (now >= 0 && g >= s->next_backoff_flush) {
    ks_sched_queue_flush_backoff(s->queue, g);
    s->next_backoff_flush = g + KS_SCHED_BACKOFF_FLUSH_PERIOD_US;
  }
  g = now - now % KS_SCHED_UNSCHEDULABLE_FLUSH_PERIOD_US;
  if (now >= 0 && g >= s->next_unsched_flush) {
    ks_sched_queue_flush_unschedulable(s->queue, g);
    s->next_unsched_flush = g + KS_SCHED_UNSCHEDULABLE_FLUSH_PERIOD_US;
  }
}

gint64 ks_sched_next_wakeup(const KsScheduler *s, gint64 now) {
  gint64 t = G_MAXINT64;
  gint64 e = ks_sched_queue_next_backoff_expiry(s->queue);
  if (e != G_MAXINT64)
    t = grid_at_or_after(MAX(e, now + 1), KS_SCHED_BACKOFF_FLUSH_PERIOD_US);
  gint64 o = ks_sched_queue_oldest_unschedulable(s->queue);
  if (o != G_MAXINT64) {
    gint64 due = o + s->cfg.pod_max_in_unschedulable_us + 1;
    t = MIN(t, grid_at_or_after(MAX(due, now + 1), KS_SCHED_UNSCHEDULABLE_FLUSH_PERIOD_US));
  }
  return t;
}

guint ks_sched_active_len(const KsScheduler *s) { return ks_sched_queue_active_len(s->queue); }

guint ks_sched_pending_len(const KsScheduler *s) {
  return ks_sched_queue_active_len(s->queue) + ks_sched_queue_backoff_len(s->queue) +
         ks_sched_queue_unschedulable_len(s->queue);
}

guint ks_sched_next_start_node_index(const KsScheduler *s) { return s->next_start; }
KsSchedFramework *ks_sched_framework(KsScheduler *s) { return s->fws[0]; }
KsSchedFramework *ks_sched_profile(KsScheduler *s, const char *name) {
  for (guint i = 0; i < s->n_fws; i++)
    if (g_strcmp0(s->fws[i]->name, name) == 0)
      return s->fws[i];
  return NULL;
}
KsSchedCache *ks_sched_cache(KsScheduler *s) { return s->cache; }
guint64 ks_sched_parallel_batches(const KsScheduler *s) { return s->parallel_batches; }
