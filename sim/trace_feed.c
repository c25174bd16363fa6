/* See trace_feed.h; the replay model is docs/replay.md.
 *
 * One handler, `step`, does all the work: it applies every read-ahead trace
 * event whose sim time has come, then either schedules itself at the next
 * event's time (the one pending event) or, in fill mode after a pod, hands
 * over to `fill_check`, which re-queues itself at the same instant until the
 * pod has had its scheduling attempt. Work that happens before the replay
 * proper (the window's earlier events, the node subset, a reordered
 * workload) is queued in arrays that `step` drains first, so every pod is
 * created by the same code whatever its origin.
 *
 * Randomness: the node subset, the shuffle and the resampling each draw from
 * their own stream of the run seed ("trace/nodeSubset", "trace/shuffle",
 * "trace/resample"), so choosing one never shifts another.
 */
#include "sim/trace_feed.h"

#include <stdio.h>
#include <string.h>

#include "sched/gpu.h"
#include "sched/rng.h"
#include "sim/pod_create.h"
#include "workloads/annotations.h"

struct KsTraceFeed {
  KsKubeletConfigs *kubelets; /* a reference, or NULL (ks_sim_create_node) */
  KsStore *store;
  KsEngine *engine;
  KsScheduler *sched;
  KsTraceSource *src;
  KsScenarioTrace *spec;
  guint64 seed;
  KsTraceEvent ev;       /* read ahead, valid when have_ev */
  gboolean have_ev;
  gboolean eof;
  gboolean window_open;  /* the events before the window start have been applied */
  gboolean paused;       /* fill mode: waiting for a pod's attempt */
  char *check_ns, *check_name; /* the pod being waited for */
  GError *error;
  KsTraceFeedStats stats;
  /* Pods to create before reading on: those alive at the window start, or
   * a reordered workload; `queue_at` spaces the latter in time. */
  GPtrArray *queue;      /* KsPod*, NULL once taken */
  guint queue_next;
  gint64 queue_interval_us;
  GHashTable *early;     /* "ns/name" -> index + 1 in queue, before the window opens */
  /* node subset */
  gboolean buffering_nodes;
  GPtrArray *initial_nodes; /* KsNode*, trace order, until the subset is chosen */
  GHashTable *excluded;     /* node names left out */
  guint64 nodes_kept;
  KsRng subset_rng;
  /* time mode */
  guint pod_watch;
  GHashTable *started;      /* "ns/name" -> sim start time (gint64*) of running pods */
  GHashTable *finish_after; /* "ns/name" -> PendingFinish*: trace finished it before it ran */
  GHashTable *usage;        /* "ns/name" or node name -> KsResourceList* */
  GString *key;             /* scratch "ns/name" for lookups (scratch_key) */
};

typedef struct {
  gint64 ran_us;  /* sim duration, -1: as soon as it starts */
  KsPodPhase phase;
} PendingFinish;

static void step(KsEngine *e, gpointer data);

/* ---- small helpers ---------------------------------------------------------- */

static char *key_of(const char *ns, const char *name) {
  return g_strconcat(ns ? ns : "default", "/", name, NULL);
}

/* The "ns/name" key in the feed's scratch buffer (valid until the next
 * call): the per-event lookups and removals of the time-mode tables then
 * allocate nothing; only an insert copies it. */
static const char *scratch_key(KsTraceFeed *f, const char *ns, const char *name) {
  g_string_assign(f->key, ns ? ns : "default");
  g_string_append_c(f->key, '/');
  g_string_append(f->key, name);
  return f->key->str;
}

/* Removal that skips hashing when the table is empty (usage and
 * finish_after usually are). */
static void remove_key(GHashTable *t, const char *key) {
  if (g_hash_table_size(t) > 0)
    g_hash_table_remove(t, key);
}

static gint64 mul_div(gint64 a, gint64 num, gint64 den) {
  return (gint64)(((__int128)a * num) / den);
}

KsTraceSource *ks_trace_feed_open_source(const KsScenarioTrace *spec, GError **error) {
  KsTraceOpenOptions open = {
      .bad_rows = spec->skip_bad_rows ? KS_TRACE_BAD_ROWS_SKIP : KS_TRACE_BAD_ROWS_FAIL,
      .params = spec->params ? (const char *const *)spec->params->pdata : NULL,
  };
  return ks_trace_open(spec->format, spec->path, &open, error);
}

gint64 ks_trace_feed_sim_time(const KsScenarioTrace *spec, gint64 trace_us) {
  if (trace_us <= spec->start_us)
    return 0;
  return mul_div(trace_us - spec->start_us, KS_REPLAY_PPM, spec->speed_ppm);
}

gint64 ks_trace_feed_sim_duration(const KsScenarioTrace *spec, gint64 trace_us) {
  if (trace_us <= 0)
    return trace_us;
  return MAX(1, mul_div(trace_us, KS_REPLAY_PPM, spec->speed_ppm));
}

static void fail_feed(KsTraceFeed *f, GError *error) {
  if (!f->error)
    f->error = error;
  else
    g_error_free(error);
  f->eof = TRUE;
  ks_engine_stop(f->engine);
}

static void warn(KsTraceFeed *f, const KsTraceEvent *ev, const GError *error) {
  fprintf(stderr, "ksim: at %.3fs: %s:%" G_GUINT64_FORMAT ": %s\n",
          ks_engine_now(f->engine) / 1e6, f->src->path ? f->src->path : "trace", ev->line,
          error->message);
}

static gboolean read_next(KsTraceFeed *f) {
  if (f->have_ev)
    return TRUE;
  if (f->eof)
    return FALSE;
  GError *error = NULL;
  if (ks_trace_source_next(f->src, &f->ev, &error)) {
    f->have_ev = TRUE;
    f->stats.events++;
    return TRUE;
  }
  f->eof = TRUE;
  if (error)
    fail_feed(f, error);
  return FALSE;
}

/* ---- nodes -------------------------------------------------------------------- */

static gboolean subset_by_number(const KsTraceFeed *f) {
  return f->spec->node_count || f->spec->node_fraction_ppm;
}

static gboolean node_selected(const KsTraceFeed *f, const KsNode *node) {
  return !f->spec->node_selector || ks_label_selector_matches(f->spec->node_selector, &node->labels);
}

static void exclude(KsTraceFeed *f, const char *name) {
  g_hash_table_add(f->excluded, g_strdup(name));
  f->stats.nodes_excluded++;
}

/* node: transfer full */
static void add_node(KsTraceFeed *f, KsNode *node) {
  GError *error = NULL;
  if (ks_sim_create_node(f->store, node, f->kubelets, &error)) {
    f->stats.nodes_added++;
    f->nodes_kept++;
    return;
  }
  warn(f, &f->ev, error);
  g_error_free(error);
}

static gint compare_node_names(gconstpointer a, gconstpointer b) {
  return strcmp((*(KsNode *const *)a)->name, (*(KsNode *const *)b)->name);
}

/* How many of n candidates the subset keeps. */
static guint64 subset_size(const KsTraceFeed *f, guint64 n) {
  if (f->spec->node_count)
    return MIN(n, f->spec->node_count);
  return (guint64)mul_div((gint64)n, f->spec->node_fraction_ppm, KS_REPLAY_PPM);
}

/* Chooses the subset among the buffered nodes: the matching ones sorted by
 * name, shuffled with the seed, the first k kept; the kept ones are then
 * created in trace order. */
static void choose_subset(KsTraceFeed *f) {
  if (!f->buffering_nodes)
    return;
  f->buffering_nodes = FALSE;
  GPtrArray *cand = g_ptr_array_new();
  for (guint i = 0; i < f->initial_nodes->len; i++)
    if (node_selected(f, f->initial_nodes->pdata[i]))
      g_ptr_array_add(cand, f->initial_nodes->pdata[i]);
  g_ptr_array_sort(cand, compare_node_names);
  for (guint i = cand->len; i > 1; i--) {
    guint j = (guint)ks_rng_below(&f->subset_rng, i);
    gpointer t = cand->pdata[i - 1];
    cand->pdata[i - 1] = cand->pdata[j];
    cand->pdata[j] = t;
  }
  GHashTable *keep = g_hash_table_new(g_direct_hash, g_direct_equal);
  guint64 k = subset_size(f, cand->len);
  for (guint i = 0; i < k; i++)
    g_hash_table_add(keep, cand->pdata[i]);
  for (guint i = 0; i < f->initial_nodes->len; i++) {
    KsNode *node = f->initial_nodes->pdata[i];
    f->initial_nodes->pdata[i] = NULL;
    if (g_hash_table_contains(keep, node)) {
      add_node(f, node);
    } else {
      exclude(f, node->name);
      ks_node_unref(node);
    }
  }
  g_hash_table_destroy(keep);
  g_ptr_array_free(cand, TRUE);
  g_ptr_array_set_size(f->initial_nodes, 0);
}

/* A node that joins after the subset was chosen: kept while the count is
 * not reached, or with probability `fraction`. */
static gboolean keep_late_node(KsTraceFeed *f, const KsNode *node) {
  if (!node_selected(f, node))
    return FALSE;
  if (f->spec->node_count)
    return f->nodes_kept < f->spec->node_count;
  if (f->spec->node_fraction_ppm)
    return (gint64)ks_rng_below(&f->subset_rng, KS_REPLAY_PPM) < f->spec->node_fraction_ppm;
  return TRUE;
}

static void on_node_add(KsTraceFeed *f, KsTraceEvent *ev) {
  KsNode *node = ev->node;
  ev->node = NULL;
  if (f->spec->no_trace_nodes) {
    f->stats.nodes_excluded++;
    ks_node_unref(node);
  } else if (f->buffering_nodes) {
    g_ptr_array_add(f->initial_nodes, node);
  } else if (keep_late_node(f, node)) {
    add_node(f, node);
  } else {
    exclude(f, node->name);
    ks_node_unref(node);
  }
}

static void on_node_update(KsTraceFeed *f, KsTraceEvent *ev) {
  KsNode *node = ev->node;
  if (f->spec->no_trace_nodes || g_hash_table_contains(f->excluded, node->name)) {
    f->stats.ignored++;
    return;
  }
  ev->node = NULL;
  GError *error = NULL;
  gboolean exists = ks_store_get(f->store, KS_STORE_NODE, NULL, node->name) != NULL;
  if (exists) /* the kubelet's status update: allocatable as at registration */
    ks_kubelet_configs_register_node(f->kubelets, node);
  gboolean ok = exists ? ks_store_update(f->store, KS_STORE_NODE, NULL, node->name, node,
                                         (GDestroyNotify)ks_node_unref, 0, &error) != 0
                       : ks_sim_create_node(f->store, node, f->kubelets, &error);
  if (!ok) {
    warn(f, ev, error);
    g_error_free(error);
  }
}

typedef struct {
  const char *node;
  GPtrArray *pods; /* KsStoreObject refs bound to node */
} Orphans;

static gboolean collect_orphan(const KsStoreObject *obj, gpointer user_data) {
  Orphans *o = user_data;
  const KsPod *pod = obj->data;
  if (pod->node_name && !strcmp(pod->node_name, o->node))
    g_ptr_array_add(o->pods, ks_store_object_ref(obj));
  return TRUE;
}

/* The node left: so do its pods (the pod garbage collector deletes pods
 * bound to a node that no longer exists). */
static void on_node_remove(KsTraceFeed *f, const KsTraceEvent *ev) {
  if (f->spec->no_trace_nodes || g_hash_table_remove(f->excluded, ev->name) ||
      !ks_store_get(f->store, KS_STORE_NODE, NULL, ev->name)) {
    f->stats.ignored++;
    return;
  }
  ks_store_delete(f->store, KS_STORE_NODE, NULL, ev->name, 0, NULL);
  f->nodes_kept--;
  Orphans o = {ev->name, g_ptr_array_new_with_free_func((GDestroyNotify)ks_store_object_unref)};
  ks_store_foreach(f->store, KS_STORE_POD, collect_orphan, &o);
  for (guint i = 0; i < o.pods->len; i++) {
    const KsStoreObject *obj = o.pods->pdata[i];
    ks_store_delete(f->store, KS_STORE_POD, obj->namespace, obj->name, 0, NULL);
  }
  g_ptr_array_free(o.pods, TRUE);
}

/* ---- pods ---------------------------------------------------------------------- */

/* Run time in sim units; fill mode drops it (pods never leave). */
static void adjust_run_time(KsTraceFeed *f, KsPod *pod, gint64 already_ran_trace_us,
                            gboolean *gone) {
  *gone = FALSE;
  if (f->spec->mode == KS_REPLAY_MODE_FILL) {
    ks_labels_remove(&pod->annotations, KS_ANNOTATION_RUN_TIME);
    return;
  }
  KsPodTiming timing;
  if (!ks_labels_get(&pod->annotations, KS_ANNOTATION_RUN_TIME) ||
      !ks_pod_read_timing(pod, &timing, NULL) || timing.run_time_us == KS_RUN_TIME_FOREVER)
    return;
  gint64 left = timing.run_time_us - already_ran_trace_us;
  if (left <= 0 && already_ran_trace_us > 0) {
    *gone = TRUE;
    return;
  }
  if (f->spec->speed_ppm != KS_REPLAY_PPM || already_ran_trace_us > 0)
    ks_pod_set_run_time(pod, ks_trace_feed_sim_duration(f->spec, left));
}

static void start_fill_check(KsTraceFeed *f, const KsPod *pod);

/* pod: transfer full. */
static void create_pod(KsTraceFeed *f, KsPod *pod) {
  pod->creation_timestamp_us = ks_engine_now(f->engine);
  char *ns = g_strdup(pod->namespace), *name = g_strdup(pod->name);
  GError *error = NULL;
  if (ks_sim_create_pod(f->store, pod, &error)) {
    f->stats.pods_created++;
    if (f->spec->mode == KS_REPLAY_MODE_FILL) {
      KsPod probe = {.namespace = ns, .name = name};
      start_fill_check(f, &probe);
    }
  } else {
    f->stats.pods_rejected++;
    fprintf(stderr, "ksim: at %.3fs: %s\n", ks_engine_now(f->engine) / 1e6, error->message);
    g_error_free(error);
  }
  g_free(ns);
  g_free(name);
}

static void on_pod_create(KsTraceFeed *f, KsTraceEvent *ev) {
  KsPod *pod = ev->pod;
  ev->pod = NULL;
  gboolean gone = FALSE;
  adjust_run_time(f, pod, 0, &gone);
  create_pod(f, pod);
}

/* Before the window: remember the pod with its trace creation time. */
static void early_pod_create(KsTraceFeed *f, KsTraceEvent *ev) {
  KsPod *pod = ev->pod;
  ev->pod = NULL;
  pod->creation_timestamp_us = ev->time_us;
  char *key = key_of(pod->namespace, pod->name);
  gpointer old = g_hash_table_lookup(f->early, key);
  if (old) {
    guint idx = GPOINTER_TO_UINT(old) - 1;
    ks_pod_unref(f->queue->pdata[idx]);
    f->queue->pdata[idx] = NULL;
  }
  g_ptr_array_add(f->queue, pod);
  g_hash_table_insert(f->early, key, GUINT_TO_POINTER(f->queue->len));
}

static void early_pod_gone(KsTraceFeed *f, const KsTraceEvent *ev) {
  char *key = key_of(ev->namespace, ev->name);
  gpointer idx = g_hash_table_lookup(f->early, key);
  if (idx) {
    guint i = GPOINTER_TO_UINT(idx) - 1;
    ks_pod_unref(f->queue->pdata[i]);
    f->queue->pdata[i] = NULL;
    g_hash_table_remove(f->early, key);
  } else {
    f->stats.ignored++;
  }
  g_free(key);
}

/* The window opens: the pods still alive at its start, with what is left
 * of their run time, are created now (sim time 0), in trace order. */
static void open_window(KsTraceFeed *f) {
  if (f->window_open)
    return;
  f->window_open = TRUE;
  if (g_hash_table_size(f->early) > 0)
    choose_subset(f); /* the nodes before the pods alive at the start */
  g_hash_table_remove_all(f->early);
  GPtrArray *alive = g_ptr_array_new();
  for (guint i = 0; i < f->queue->len; i++) {
    KsPod *pod = f->queue->pdata[i];
    f->queue->pdata[i] = NULL;
    if (!pod)
      continue;
    gboolean gone = FALSE;
    adjust_run_time(f, pod, f->spec->start_us - pod->creation_timestamp_us, &gone);
    if (gone) {
      ks_pod_unref(pod);
      continue;
    }
    g_ptr_array_add(alive, pod);
  }
  f->stats.pods_before_window = alive->len;
  g_ptr_array_set_size(f->queue, 0);
  for (guint i = 0; i < alive->len; i++)
    g_ptr_array_add(f->queue, alive->pdata[i]);
  g_ptr_array_free(alive, TRUE);
  f->queue_next = 0;
  f->queue_interval_us = 0;
}

static void pod_delete(KsTraceFeed *f, const KsTraceEvent *ev) {
  if (f->spec->mode == KS_REPLAY_MODE_FILL ||
      !ks_store_delete(f->store, KS_STORE_POD, ev->namespace, ev->name, 0, NULL)) {
    f->stats.ignored++;
    return;
  }
  f->stats.pods_deleted++;
}

/* Writes the pod's terminal phase, as its kubelet would. */
static void end_pod(KsTraceFeed *f, const char *ns, const char *name, KsPodPhase phase) {
  const KsStoreObject *obj = ks_store_get(f->store, KS_STORE_POD, ns, name);
  const KsPod *pod = obj ? obj->data : NULL;
  if (!pod || pod->phase != KS_POD_RUNNING)
    return;
  KsPod *copy = ks_pod_copy(pod);
  copy->phase = phase;
  if (ks_store_update(f->store, KS_STORE_POD, ns, name, copy, (GDestroyNotify)ks_pod_unref,
                      obj->resource_version, NULL))
    f->stats.pods_finished++;
}

typedef struct {
  KsTraceFeed *feed;
  char *namespace, *name;
  KsPodPhase phase;
} FinishTimer;

static void finish_timer_free(gpointer p) {
  FinishTimer *t = p;
  g_free(t->namespace);
  g_free(t->name);
  g_free(t);
}

static void finish_timer_fired(KsEngine *e, gpointer data) {
  FinishTimer *t = data;
  end_pod(t->feed, t->namespace, t->name, t->phase);
}

static void end_pod_at(KsTraceFeed *f, const char *ns, const char *name, KsPodPhase phase,
                       gint64 at) {
  if (at <= ks_engine_now(f->engine)) {
    end_pod(f, ns, name, phase);
    return;
  }
  FinishTimer *t = g_new0(FinishTimer, 1);
  *t = (FinishTimer){f, g_strdup(ns), g_strdup(name), phase};
  ks_engine_schedule(f->engine, at, finish_timer_fired, t, finish_timer_free);
}

static void pod_finish(KsTraceFeed *f, const KsTraceEvent *ev) {
  const KsStoreObject *obj = ks_store_get(f->store, KS_STORE_POD, ev->namespace, ev->name);
  const KsPod *pod = obj ? obj->data : NULL;
  if (f->spec->mode == KS_REPLAY_MODE_FILL || !pod || pod->phase == KS_POD_SUCCEEDED ||
      pod->phase == KS_POD_FAILED) {
    f->stats.ignored++;
    return;
  }
  KsPodPhase phase = ev->phase == KS_POD_FAILED ? KS_POD_FAILED : KS_POD_SUCCEEDED;
  gint64 ran = ev->ran_us >= 0 ? ks_trace_feed_sim_duration(f->spec, ev->ran_us) : -1;
  const char *key = scratch_key(f, pod->namespace, pod->name);
  if (pod->phase == KS_POD_RUNNING) {
    const gint64 *start = g_hash_table_lookup(f->started, key);
    gint64 now = ks_engine_now(f->engine);
    gint64 at = ran >= 0 && start ? *start + ran : now;
    end_pod_at(f, pod->namespace, pod->name, phase, at);
    return;
  }
  PendingFinish *pf = g_new(PendingFinish, 1);
  *pf = (PendingFinish){ran, phase};
  g_hash_table_replace(f->finish_after, g_strdup(key), pf);
}

static void pod_watch(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                      const KsStoreObject *new_obj, gpointer user_data) {
  KsTraceFeed *f = user_data;
  const KsPod *pod = (new_obj ? new_obj : old_obj)->data;
  const KsPod *old = old_obj ? old_obj->data : NULL;
  if (type == KS_WATCH_DELETED || pod->phase == KS_POD_SUCCEEDED || pod->phase == KS_POD_FAILED) {
    const char *key = scratch_key(f, pod->namespace, pod->name);
    remove_key(f->started, key);
    remove_key(f->finish_after, key);
    remove_key(f->usage, key);
  } else if (pod->phase == KS_POD_RUNNING && (!old || old->phase != KS_POD_RUNNING)) {
    gint64 now = ks_engine_now(f->engine);
    char *key = key_of(pod->namespace, pod->name); /* kept by `started` */
    PendingFinish *pf = g_hash_table_size(f->finish_after) > 0
                            ? g_hash_table_lookup(f->finish_after, key)
                            : NULL;
    if (pf) {
      end_pod_at(f, pod->namespace, pod->name, pf->phase, now + MAX(pf->ran_us, 0));
      g_hash_table_remove(f->finish_after, key);
    }
    gint64 *start = g_new(gint64, 1);
    *start = now;
    g_hash_table_replace(f->started, key, start);
  }
}

static void on_usage(KsTraceFeed *f, const KsTraceEvent *ev) {
  KsResourceList *u = g_new(KsResourceList, 1);
  ks_resource_list_copy(u, &ev->usage);
  char *key = ev->namespace ? key_of(ev->namespace, ev->name) : g_strdup(ev->name);
  g_hash_table_replace(f->usage, key, u);
  f->stats.usage_events++;
}

static void on_object(KsTraceFeed *f, const KsTraceEvent *ev) {
  GError *error = NULL;
  if (ev->object->kind == KS_KIND_POD) {
    create_pod(f, ks_pod_copy(ev->object->u.pod));
    return;
  }
  if (!ks_sim_create_object_kubelets(f->store, ev->object, f->kubelets, &error)) {
    warn(f, ev, error);
    g_error_free(error);
  }
}

/* ---- fill mode: one attempt per pod ------------------------------------------ */

static void fill_check(KsEngine *e, gpointer data);

static void start_fill_check(KsTraceFeed *f, const KsPod *pod) {
  f->paused = TRUE;
  f->check_ns = g_strdup(pod->namespace);
  f->check_name = g_strdup(pod->name);
  ks_engine_schedule(f->engine, ks_engine_now(f->engine), fill_check, f, NULL);
}

/* The pod has had its attempt once every watch event is delivered and the
 * scheduler's active queue is empty (cycles take no sim time). */
static void fill_check(KsEngine *e, gpointer data) {
  KsTraceFeed *f = data;
  if (ks_store_pending_events(f->store) > 0 || (f->sched && ks_sched_active_len(f->sched) > 0)) {
    ks_engine_schedule(e, ks_engine_now(e), fill_check, f, NULL);
    return;
  }
  const KsStoreObject *obj = ks_store_get(f->store, KS_STORE_POD, f->check_ns, f->check_name);
  if (obj && !((const KsPod *)obj->data)->node_name) {
    ks_store_delete(f->store, KS_STORE_POD, f->check_ns, f->check_name, 0, NULL);
    f->stats.pods_given_up++;
  }
  g_clear_pointer(&f->check_ns, g_free);
  g_clear_pointer(&f->check_name, g_free);
  f->paused = FALSE;
  step(e, f);
}

/* ---- a reordered workload (fill mode: shuffle, gpuShare) ------------------- */

static gint64 pod_gpu_milli(const KsPod *pod, gint32 *per_gpu) {
  KsGpuRequest r;
  if (!ks_gpu_request_from_pod(pod, &r, NULL))
    return 0;
  if (per_gpu)
    *per_gpu = r.milli;
  return ks_gpu_request_total(&r);
}

static gboolean sum_node_gpus(const KsStoreObject *obj, gpointer user_data) {
  KsGpuNodeSpec spec;
  if (ks_gpu_node_spec(obj->data, &spec, NULL))
    *(gint64 *)user_data += (gint64)spec.count * KS_GPU_MILLI;
  return TRUE;
}

static gint compare_pod_names(gconstpointer a, gconstpointer b) {
  const KsPod *x = *(KsPod *const *)a, *y = *(KsPod *const *)b;
  int c = strcmp(x->name, y->name);
  return c ? c : strcmp(x->namespace, y->namespace);
}

static void shuffle(GPtrArray *a, KsRng *rng) {
  for (guint i = a->len; i > 1; i--) {
    guint j = (guint)ks_rng_below(rng, i);
    gpointer t = a->pdata[i - 1];
    a->pdata[i - 1] = a->pdata[j];
    a->pdata[j] = t;
  }
}

/* total > target: remove pods at random until total <= target. */
static void tune_down(KsTraceFeed *f, GPtrArray *pods, gint64 *total, __int128 target_x,
                      KsRng *rng) {
  while ((__int128)*total * KS_REPLAY_PPM > target_x && pods->len > 0) {
    guint idx = (guint)ks_rng_below(rng, pods->len);
    KsPod *p = g_ptr_array_steal_index(pods, idx);
    *total -= pod_gpu_milli(p, NULL);
    ks_pod_unref(p);
    f->stats.pods_resampled_out++;
  }
}

/* total < target: copies of pods drawn with replacement from the original
 * workload (sorted by name), named "<name>-tuned-<i>", until the next one
 * would pass the target. As the FGD simulator, the stop test adds the
 * candidate's milli per GPU (not its total) to the running total. */
static void tune_up(KsTraceFeed *f, GPtrArray *pods, const GPtrArray *base, gint64 *total,
                    __int128 target_x, KsRng *rng) {
  for (guint64 i = 0; base->len > 0; i++) {
    const KsPod *src = base->pdata[ks_rng_below(rng, base->len)];
    gint32 per_gpu = 0;
    gint64 milli = pod_gpu_milli(src, &per_gpu);
    if ((__int128)(*total + (milli ? per_gpu : 0)) * KS_REPLAY_PPM > target_x)
      break;
    KsPod *copy = ks_pod_copy(src);
    g_free(copy->name);
    copy->name = g_strdup_printf("%s-tuned-%" G_GUINT64_FORMAT, src->name, i);
    g_ptr_array_add(pods, copy);
    *total += milli;
    f->stats.pods_resampled_in++;
  }
}

static gboolean resample(KsTraceFeed *f, GPtrArray *pods) {
  gint64 capacity = 0, total = 0;
  ks_store_foreach(f->store, KS_STORE_NODE, sum_node_gpus, &capacity);
  if (capacity == 0) {
    fail_feed(f, g_error_new(KS_TRACE_ERROR, KS_TRACE_ERROR_OPTION,
                             "trace gpuShare: the cluster has no GPUs to share"));
    return FALSE;
  }
  for (guint i = 0; i < pods->len; i++)
    total += pod_gpu_milli(pods->pdata[i], NULL);
  __int128 target_x = (__int128)capacity * f->spec->gpu_share_ppm;
  KsRng rng;
  ks_rng_init(&rng, f->seed, "trace/resample");
  if ((__int128)total * KS_REPLAY_PPM > target_x) {
    tune_down(f, pods, &total, target_x, &rng);
  } else if ((__int128)total * KS_REPLAY_PPM < target_x) {
    GPtrArray *base = g_ptr_array_new_with_free_func((GDestroyNotify)ks_pod_unref);
    for (guint i = 0; i < pods->len; i++)
      g_ptr_array_add(base, ks_pod_ref(pods->pdata[i]));
    g_ptr_array_sort(base, compare_pod_names);
    tune_up(f, pods, base, &total, target_x, &rng);
    g_ptr_array_free(base, TRUE);
  }
  return TRUE;
}

/* Reads the whole trace: nodes and objects are applied as they come (at the
 * start), the pods of the window are collected, then shuffled and
 * resampled and queued one per arrivalInterval. Deletes and finishes do
 * not matter: this is fill mode. */
static void load_reordered(KsTraceFeed *f) {
  f->window_open = TRUE;
  while (read_next(f)) {
    KsTraceEvent *ev = &f->ev;
    f->have_ev = FALSE;
    if (ev->time_us >= f->spec->end_us)
      break;
    if (ev->type != KS_TRACE_NODE_ADD)
      choose_subset(f);
    if (ev->type == KS_TRACE_POD_CREATE) {
      g_ptr_array_add(f->queue, ev->pod);
      ev->pod = NULL;
    } else if (ev->type == KS_TRACE_NODE_ADD) {
      on_node_add(f, ev);
    } else if (ev->type == KS_TRACE_NODE_UPDATE) {
      on_node_update(f, ev);
    } else if (ev->type == KS_TRACE_NODE_REMOVE) {
      on_node_remove(f, ev);
    } else if (ev->type == KS_TRACE_OBJECT) {
      on_object(f, ev);
    } else {
      f->stats.ignored++;
    }
    ks_trace_event_clear(ev);
  }
  f->eof = TRUE;
  choose_subset(f);
  if (f->error)
    return;
  if (f->spec->shuffle) {
    KsRng rng;
    ks_rng_init(&rng, f->seed, "trace/shuffle");
    g_ptr_array_sort(f->queue, compare_pod_names);
    shuffle(f->queue, &rng);
  }
  if (f->spec->gpu_share_ppm)
    resample(f, f->queue);
  for (guint i = 0; i < f->queue->len; i++) {
    gboolean gone;
    adjust_run_time(f, f->queue->pdata[i], 0, &gone);
  }
  f->queue_next = 0;
  f->queue_interval_us = f->spec->arrival_interval_us;
}

/* ---- the step ------------------------------------------------------------------- */

/* Creates the next queued pod if its time has come; FALSE when it has not
 * (the step is rescheduled) or the queue is empty. */
static gboolean drain_queue(KsTraceFeed *f, gboolean *waiting) {
  *waiting = FALSE;
  while (f->queue_next < f->queue->len && !f->queue->pdata[f->queue_next])
    f->queue_next++;
  if (f->queue_next >= f->queue->len) {
    g_ptr_array_set_size(f->queue, 0);
    f->queue_next = 0;
    return FALSE;
  }
  gint64 at = (gint64)f->queue_next * f->queue_interval_us;
  if (at > ks_engine_now(f->engine)) {
    ks_engine_schedule(f->engine, at, step, f, NULL);
    *waiting = TRUE;
    return FALSE;
  }
  KsPod *pod = f->queue->pdata[f->queue_next];
  f->queue->pdata[f->queue_next++] = NULL;
  create_pod(f, pod);
  return TRUE;
}

/* An event before the window start: applied now, pods remembered. */
static void apply_early(KsTraceFeed *f, KsTraceEvent *ev) {
  switch (ev->type) {
  case KS_TRACE_POD_CREATE:
    early_pod_create(f, ev);
    return;
  case KS_TRACE_POD_DELETE:
  case KS_TRACE_POD_FINISH:
    if (f->spec->mode == KS_REPLAY_MODE_FILL)
      f->stats.ignored++;
    else
      early_pod_gone(f, ev);
    return;
  default:
    break;
  }
}

static void apply(KsTraceFeed *f, KsTraceEvent *ev, gboolean early) {
  if (ev->type != KS_TRACE_NODE_ADD)
    choose_subset(f);
  switch (ev->type) {
  case KS_TRACE_NODE_ADD:
    on_node_add(f, ev);
    break;
  case KS_TRACE_NODE_UPDATE:
    on_node_update(f, ev);
    break;
  case KS_TRACE_NODE_REMOVE:
    on_node_remove(f, ev);
    break;
  case KS_TRACE_USAGE:
    on_usage(f, ev);
    break;
  case KS_TRACE_OBJECT:
    on_object(f, ev);
    break;
  case KS_TRACE_POD_CREATE:
  case KS_TRACE_POD_DELETE:
  case KS_TRACE_POD_FINISH:
    if (early)
      apply_early(f, ev);
    else if (ev->type == KS_TRACE_POD_CREATE)
      on_pod_create(f, ev);
    else if (ev->type == KS_TRACE_POD_DELETE)
      pod_delete(f, ev);
    else
      pod_finish(f, ev);
    break;
  }
}

static void finish(KsTraceFeed *f) {
  choose_subset(f);
  f->stats.finished = f->error == NULL;
}

/* Applies the next read-ahead event if its time has come. FALSE when the
 * feed must stop for now (rescheduled, paused, or done). */
static gboolean advance(KsTraceFeed *f) {
  gboolean waiting = FALSE;
  if (f->window_open && drain_queue(f, &waiting))
    return !f->paused;
  if (waiting)
    return FALSE;
  if (!read_next(f) || f->ev.time_us >= f->spec->end_us) {
    if (!f->window_open && !f->error) {
      open_window(f);
      return TRUE; /* drain what was alive at the start */
    }
    finish(f);
    return FALSE;
  }
  gboolean early = f->ev.time_us < f->spec->start_us;
  if (!early && !f->window_open) {
    open_window(f);
    return TRUE;
  }
  gint64 at = ks_trace_feed_sim_time(f->spec, f->ev.time_us);
  if (at > ks_engine_now(f->engine)) {
    ks_engine_schedule(f->engine, at, step, f, NULL);
    return FALSE;
  }
  f->have_ev = FALSE;
  apply(f, &f->ev, early);
  ks_trace_event_clear(&f->ev);
  return !f->paused;
}

static void step(KsEngine *e, gpointer data) {
  KsTraceFeed *f = data;
  if (!f->paused && f->spec->mode == KS_REPLAY_MODE_FILL &&
      (f->spec->shuffle || f->spec->gpu_share_ppm) && !f->window_open)
    load_reordered(f);
  while (!f->paused && !f->error && advance(f))
    ;
}

/* ---- life cycle ------------------------------------------------------------------ */

static void resource_list_free(gpointer p) {
  ks_resource_list_clear(p);
  g_free(p);
}

static void pod_unref_or_null(gpointer p) {
  if (p)
    ks_pod_unref(p);
}

static void node_unref_or_null(gpointer p) {
  if (p)
    ks_node_unref(p);
}

KsTraceFeed *ks_trace_feed_new(KsStore *store, KsTraceSource *src, const KsTraceFeedOptions *opts) {
  KsTraceFeed *f = g_new0(KsTraceFeed, 1);
  f->store = store;
  f->engine = ks_store_get_engine(store);
  f->sched = opts->sched;
  f->kubelets = opts->kubelets ? ks_kubelet_configs_ref(opts->kubelets) : NULL;
  f->src = src;
  f->spec = ks_scenario_trace_copy(opts->spec);
  f->seed = opts->seed;
  ks_trace_event_init(&f->ev);
  f->queue = g_ptr_array_new_with_free_func(pod_unref_or_null);
  f->early = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  f->initial_nodes = g_ptr_array_new_with_free_func(node_unref_or_null);
  f->excluded = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  f->started = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  f->finish_after = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  f->usage = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, resource_list_free);
  f->key = g_string_sized_new(64);
  f->buffering_nodes = subset_by_number(f) && !f->spec->no_trace_nodes;
  ks_rng_init(&f->subset_rng, f->seed, "trace/nodeSubset");
  if (f->spec->mode == KS_REPLAY_MODE_TIME)
    f->pod_watch = ks_store_watch(store, KS_STORE_POD, pod_watch, f);
  ks_engine_schedule(f->engine, 0, step, f, NULL);
  return f;
}

void ks_trace_feed_free(KsTraceFeed *f) {
  if (!f)
    return;
  /* No unwatch: the store is gone by now (see trace_feed.h). */
  ks_trace_event_clear(&f->ev);
  ks_trace_source_free(f->src);
  ks_scenario_trace_free(f->spec);
  g_ptr_array_free(f->queue, TRUE);
  g_hash_table_destroy(f->early);
  g_ptr_array_free(f->initial_nodes, TRUE);
  g_hash_table_destroy(f->excluded);
  g_hash_table_destroy(f->started);
  g_hash_table_destroy(f->finish_after);
  g_hash_table_destroy(f->usage);
  g_string_free(f->key, TRUE);
  g_free(f->check_ns);
  g_free(f->check_name);
  g_clear_error(&f->error);
  ks_kubelet_configs_unref(f->kubelets);
  g_free(f);
}

const GError *ks_trace_feed_error(const KsTraceFeed *f) { return f->error; }

void ks_trace_feed_get_stats(const KsTraceFeed *f, KsTraceFeedStats *out) {
  *out = f->stats;
  out->skipped_rows = f->src->skipped;
}

const KsResourceList *ks_trace_feed_usage(const KsTraceFeed *f, const char *namespace,
                                          const char *name) {
  if (g_hash_table_size(f->usage) == 0)
    return NULL;
  char *key = namespace ? key_of(namespace, name) : g_strdup(name);
  const KsResourceList *u = g_hash_table_lookup(f->usage, key);
  g_free(key);
  return u;
}
