/* See image_manager.h.
 *
 * Jobs. A node keeps a FIFO of waiting jobs and a list of active ones (in
 * activation order). An active job first waits out the registry latency
 * (its own engine event), then transfers. Transfers share the node's
 * bandwidth B equally: each of the k transferring jobs moves B/k bytes per
 * second. Remaining work is kept as bytes x 10^6 (so progress per
 * microsecond is an integer division, B/k per us), brought up to date
 * whenever k changes; one engine event per node stands for the earliest
 * finishing transfer, at now + ceil(W_min * k / B). Unlimited bandwidth
 * (B = 0) makes every transfer take no time. 128-bit intermediates: a year
 * of microseconds times bytes per second does not fit in 64 bits.
 *
 * Images. Per node an array of images (names as reported, size, first
 * detected, last used) and a map from each normalized name to its image.
 * Images the Node reports when it appears were "detected" at time 0
 * (upstream: initial detection is "unknown in the past"); a pulled one at
 * its pull's end. lastUsed is set at each GC pass for the images in use
 * (upstream's detectImages), never otherwise.
 *
 * Ties are broken by names (status order for equal sizes, GC order for
 * equal times) where upstream's sorts are not stable, so runs repeat.
 */
#include "sim/kubelet/image_manager.h"

#include <string.h>

#include "sched/cache.h"
#include "sched/objects.h"
#include "sched/rng.h"
#include "sim/kubelet/image_backoff.h"
#include "sim/kubelet/image_pull_policy.h"
#include "sim/kubelet/pull_throttle.h"

typedef __int128 i128;
#define WORK_SCALE ((i128)1000000)

typedef struct ImgNode ImgNode;

typedef struct {
  char **names; /* as reported; names[0] is what a pull names it */
  gint64 size;
  gint64 first_detected_us;
  gint64 last_used_us; /* G_MININT64: never seen in use */
} Img;

typedef struct {
  KsImagesReadyFn ready;
  gpointer data;
  GDestroyNotify destroy;
  guint pending; /* jobs not done */
  gint64 since_us;
  char *key;     /* the pod's UID (else namespace/name): its back-off entries */
  char *error;   /* the first failed pull's message, or NULL */
} Waiter;

typedef struct {
  ImgNode *node;
  char *image;       /* normalized */
  gint64 size;       /* bytes to download; 0 for a registry check */
  gboolean download; /* absent when requested: lands in the node's images */
  gboolean transferring;
  i128 work;         /* remaining, bytes x 10^6 */
  guint64 latency_event;
  char *error;        /* set: the pull fails when its event fires (throttle) */
  GPtrArray *waiters; /* Waiter*, not owned (freed when their last job is done) */
} Job;

struct ImgNode {
  KsImageManager *m;
  char *name;
  gboolean gone;       /* deleted from the store; kept for its counters */
  gint64 bandwidth;    /* bytes/s; 0 = unlimited */
  GPtrArray *images;   /* Img*, owned */
  GHashTable *by_name; /* normalized name -> Img* */
  GQueue queue;        /* Job* waiting */
  GPtrArray *active;   /* Job* running */
  guint transferring;
  gint64 last_advance_us;
  guint64 transfer_event;
  KsImageNodeStats stats;
  KsImagePullOptions opts; /* the manager's, or its pool's KubeletConfiguration's */
  KsPullThrottle throttle; /* registryPullQPS / registryBurst */
};

struct KsImageManager {
  KsStore *store;
  KsEngine *engine;
  KsImagePullOptions opts;
  GHashTable *nodes;       /* name -> ImgNode* */
  GPtrArray *order;        /* ImgNode*, owned, first-seen order */
  GHashTable *known_sizes; /* normalized name -> gint64*: first size any node reported */
  guint watch;
  guint64 gc_event;
  KsImageAddedFn added;
  gpointer added_data;
  KsKubeletConfigs *kubelets; /* a reference or NULL: per-pool settings */
  KsImageBackoff *backoff;    /* the kubelets' image pull back-off (keys carry the pod UID) */
  KsRng rng;                  /* pullFailureRate's draws */
};

void ks_image_pull_options_set_config(KsImagePullOptions *o, const KsKubeletConfig *kc) {
  o->serialize_image_pulls = kc->serialize_image_pulls;
  o->max_parallel_image_pulls = kc->has_max_parallel_image_pulls ? kc->max_parallel_image_pulls : 0;
  o->node_status_max_images = kc->node_status_max_images;
  o->image_gc_high_percent = kc->image_gc_high_threshold_percent;
  o->image_gc_low_percent = kc->image_gc_low_threshold_percent;
  o->image_minimum_gc_age_us = kc->image_minimum_gc_age_us;
  o->registry_pull_qps = kc->registry_pull_qps;
  o->registry_burst = kc->registry_burst;
}

void ks_image_pull_options_init(KsImagePullOptions *o, const KsImageCatalog *catalog) {
  *o = (KsImagePullOptions){
      .catalog = catalog,
      .serialize_image_pulls = TRUE,
      .max_parallel_image_pulls = 0,
      .node_status_max_images = KS_IMAGE_DEFAULT_NODE_STATUS_MAX_IMAGES,
      .image_gc_high_percent = KS_IMAGE_DEFAULT_GC_HIGH_PERCENT,
      .image_gc_low_percent = KS_IMAGE_DEFAULT_GC_LOW_PERCENT,
      .image_minimum_gc_age_us = KS_IMAGE_DEFAULT_GC_MIN_AGE_US,
      .registry_pull_qps = KS_IMAGE_DEFAULT_REGISTRY_PULL_QPS,
      .registry_burst = KS_IMAGE_DEFAULT_REGISTRY_BURST,
  };
}

/* ---- images of a node ------------------------------------------------------- */

static void img_free(gpointer p) {
  Img *i = p;
  g_strfreev(i->names);
  g_free(i);
}

static void img_index(ImgNode *n, Img *img) {
  for (char **s = img->names; s && *s; s++) {
    char *key = ks_sched_normalize_image_name(*s);
    if (g_hash_table_contains(n->by_name, key))
      g_free(key); /* an earlier image has that name */
    else
      g_hash_table_insert(n->by_name, key, img);
  }
}

static void img_unindex(ImgNode *n, Img *img) {
  for (char **s = img->names; s && *s; s++) {
    char *key = ks_sched_normalize_image_name(*s);
    if (g_hash_table_lookup(n->by_name, key) == img)
      g_hash_table_remove(n->by_name, key);
    g_free(key);
  }
}

static gint img_status_cmp(gconstpointer pa, gconstpointer pb) {
  const Img *a = *(Img *const *)pa, *b = *(Img *const *)pb;
  if (a->size != b->size)
    return a->size > b->size ? -1 : 1; /* sizes descending */
  return g_strcmp0(a->names ? a->names[0] : NULL, b->names ? b->names[0] : NULL);
}

static void container_image_clear(gpointer p) { g_strfreev(((KsContainerImage *)p)->names); }

/* nodestatus.Images: the node's images, largest first, at most
 * nodeStatusMaxImages, each with at most 5 names, written to the Node. */
static void write_status(ImgNode *n) {
  KsImageManager *m = n->m;
  const KsStoreObject *obj = ks_store_get(m->store, KS_STORE_NODE, NULL, n->name);
  if (!obj)
    return;
  GPtrArray *sorted = g_ptr_array_new();
  for (guint i = 0; i < n->images->len; i++)
    g_ptr_array_add(sorted, n->images->pdata[i]);
  g_ptr_array_sort(sorted, img_status_cmp);
  guint count = sorted->len;
  if (n->opts.node_status_max_images > -1 && (guint)n->opts.node_status_max_images < count)
    count = (guint)n->opts.node_status_max_images;
  KsNode *copy = ks_node_copy(obj->data);
  if (copy->images)
    g_array_unref(copy->images);
  copy->images = g_array_new(FALSE, TRUE, sizeof(KsContainerImage));
  g_array_set_clear_func(copy->images, container_image_clear);
  for (guint i = 0; i < count; i++) {
    const Img *img = sorted->pdata[i];
    guint names = img->names ? g_strv_length(img->names) : 0;
    KsContainerImage ci = {g_new0(char *, MIN(names, KS_IMAGE_MAX_NAMES_IN_STATUS) + 1),
                           img->size};
    for (guint j = 0; j < names && j < KS_IMAGE_MAX_NAMES_IN_STATUS; j++)
      ci.names[j] = g_strdup(img->names[j]);
    g_array_append_val(copy->images, ci);
  }
  g_ptr_array_free(sorted, TRUE);
  GError *error = NULL;
  if (!ks_store_update(m->store, KS_STORE_NODE, NULL, n->name, copy, (GDestroyNotify)ks_node_unref,
                       obj->resource_version, &error)) {
    g_warning("image manager: %s", error->message);
    g_error_free(error);
  }
}

/* ---- nodes -------------------------------------------------------------------------- */

static void node_load(KsImageManager *m, ImgNode *n, const KsNode *node) {
  n->opts = m->opts;
  if (ks_kubelet_configs_has_pools(m->kubelets)) {
    const KsKubeletConfig *kc = ks_kubelet_configs_for_node(m->kubelets, node);
    if (kc)
      ks_image_pull_options_set_config(&n->opts, kc);
  }
  n->bandwidth = m->opts.catalog ? m->opts.catalog->bandwidth : 0;
  gint64 bw = -1;
  GError *error = NULL;
  if (!ks_image_node_bandwidth(node, &bw, &error)) {
    g_warning("image manager: %s", error->message); /* refused at load for scenario nodes */
    g_error_free(error);
  } else if (bw > 0) {
    n->bandwidth = bw;
  }
  for (guint i = 0; node->images && i < node->images->len; i++) {
    const KsContainerImage *ci = &g_array_index(node->images, KsContainerImage, i);
    Img *img = g_new0(Img, 1);
    img->names = g_strdupv(ci->names);
    img->size = ci->size_bytes;
    img->first_detected_us = 0;
    img->last_used_us = G_MININT64;
    g_ptr_array_add(n->images, img);
    img_index(n, img);
    for (char **s = img->names; s && *s; s++) {
      char *key = ks_sched_normalize_image_name(*s);
      if (g_hash_table_contains(m->known_sizes, key)) {
        g_free(key);
        continue;
      }
      gint64 *v = g_new(gint64, 1);
      *v = img->size;
      g_hash_table_insert(m->known_sizes, key, v);
    }
  }
}

static void job_free(Job *j) {
  KsEngine *e = j->node->m->engine;
  if (j->latency_event)
    ks_engine_cancel(e, j->latency_event);
  g_free(j->image);
  g_free(j->error);
  g_ptr_array_free(j->waiters, TRUE);
  g_free(j);
}

static void waiter_free(Waiter *w) {
  g_free(w->key);
  g_free(w->error);
  g_free(w);
}

/* The node's jobs dropped (node deleted): waiters are told nothing but
 * their data is released, once. */
static void node_drop_jobs(ImgNode *n) {
  GHashTable *seen = g_hash_table_new(g_direct_hash, g_direct_equal);
  GPtrArray *jobs = g_ptr_array_new();
  for (GList *l = n->queue.head; l; l = l->next)
    g_ptr_array_add(jobs, l->data);
  for (guint i = 0; i < n->active->len; i++)
    g_ptr_array_add(jobs, n->active->pdata[i]);
  for (guint i = 0; i < jobs->len; i++) {
    Job *j = jobs->pdata[i];
    for (guint w = 0; w < j->waiters->len; w++)
      g_hash_table_add(seen, j->waiters->pdata[w]);
    job_free(j);
  }
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init(&it, seen);
  GPtrArray *waiters = g_ptr_array_new();
  while (g_hash_table_iter_next(&it, &key, NULL))
    g_ptr_array_add(waiters, key);
  for (guint i = 0; i < waiters->len; i++) {
    Waiter *w = waiters->pdata[i];
    if (w->destroy)
      w->destroy(w->data);
    waiter_free(w);
  }
  g_ptr_array_free(waiters, TRUE);
  g_ptr_array_free(jobs, TRUE);
  g_hash_table_destroy(seen);
  g_queue_clear(&n->queue);
  g_ptr_array_set_size(n->active, 0);
  n->transferring = 0;
  if (n->transfer_event)
    ks_engine_cancel(n->m->engine, n->transfer_event);
  n->transfer_event = 0;
}

static void img_node_free(gpointer p) {
  ImgNode *n = p;
  node_drop_jobs(n);
  g_ptr_array_free(n->active, TRUE);
  g_hash_table_destroy(n->by_name);
  g_ptr_array_free(n->images, TRUE);
  g_free(n->name);
  g_free(n);
}

static ImgNode *node_add(KsImageManager *m, const KsNode *node) {
  ImgNode *n = g_hash_table_lookup(m->nodes, node->name);
  if (n && !n->gone)
    return n;
  if (!n) {
    n = g_new0(ImgNode, 1);
    n->m = m;
    n->name = g_strdup(node->name);
    n->stats.node = n->name;
    n->images = g_ptr_array_new_with_free_func(img_free);
    n->by_name = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    n->active = g_ptr_array_new();
    g_queue_init(&n->queue);
    g_hash_table_insert(m->nodes, n->name, n);
    g_ptr_array_add(m->order, n);
  }
  n->gone = FALSE;
  n->last_advance_us = ks_engine_now(m->engine);
  node_load(m, n, node);
  ks_pull_throttle_init(&n->throttle, n->opts.registry_pull_qps, n->opts.registry_burst,
                        ks_engine_now(m->engine));
  return n;
}

/* The node's state for `name`, read from the store on first sight. */
static ImgNode *node_get(KsImageManager *m, const char *name) {
  ImgNode *n = g_hash_table_lookup(m->nodes, name);
  if (n && !n->gone)
    return n;
  const KsStoreObject *obj = ks_store_get(m->store, KS_STORE_NODE, NULL, name);
  return obj ? node_add(m, obj->data) : NULL;
}

static void node_watch(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                       const KsStoreObject *new_obj, gpointer user_data) {
  (void)s;
  KsImageManager *m = user_data;
  if (type == KS_WATCH_ADDED) {
    node_add(m, new_obj->data);
    return;
  }
  if (type != KS_WATCH_DELETED)
    return;
  ImgNode *n = g_hash_table_lookup(m->nodes, ((const KsNode *)old_obj->data)->name);
  if (!n || n->gone)
    return;
  node_drop_jobs(n);
  g_hash_table_remove_all(n->by_name);
  g_ptr_array_set_size(n->images, 0);
  n->gone = TRUE;
}

/* ---- jobs ------------------------------------------------------------------------------- */

static void reschedule(ImgNode *n);
static void start_jobs(ImgNode *n);

/* Transfers brought up to now at the current share. */
static void advance(ImgNode *n) {
  gint64 now = ks_engine_now(n->m->engine);
  if (n->transferring && n->bandwidth > 0 && now > n->last_advance_us) {
    i128 delta = (i128)(now - n->last_advance_us) * n->bandwidth / n->transferring;
    for (guint i = 0; i < n->active->len; i++) {
      Job *j = n->active->pdata[i];
      if (j->transferring)
        j->work = j->work > delta ? j->work - delta : 0;
    }
  }
  n->last_advance_us = now;
}

/* The waiter's last job is done: ready, or ErrImagePull with the first
 * failure. Only successful waits count in pods_waited. */
static void waiter_done(ImgNode *n, Waiter *w) {
  if (w->error) {
    w->ready(w->data, KS_REASON_ERR_IMAGE_PULL, w->error);
  } else {
    gint64 wait = ks_engine_now(n->m->engine) - w->since_us;
    n->stats.pods_waited++;
    n->stats.wait_us += wait;
    n->stats.max_wait_us = MAX(n->stats.max_wait_us, wait);
    w->ready(w->data, NULL, NULL);
  }
  if (w->destroy)
    w->destroy(w->data);
  waiter_free(w);
}

/* The pull failed with `message`: each waiting pod's back-off for the
 * image advances (Next) and the job is gone. */
static void job_fail(ImgNode *n, Job *j, const char *message) {
  KsImageManager *m = n->m;
  gint64 now = ks_engine_now(m->engine);
  guint at;
  if (g_ptr_array_find(n->active, j, &at))
    g_ptr_array_remove_index(n->active, at); /* keeps the order */
  for (guint i = 0; i < j->waiters->len; i++) {
    Waiter *w = j->waiters->pdata[i];
    ks_image_backoff_failed(m->backoff, w->key, j->image, now);
    if (!w->error)
      w->error = g_strdup(message);
    if (--w->pending == 0)
      waiter_done(n, w);
  }
  g_ptr_array_set_size(j->waiters, 0);
  job_free(j);
  start_jobs(n);
}

/* The registry's answer for a pull of `image` at now: NULL when it serves
 * the image, else the runtime's error text (ksim's wording after
 * containerd's). Draws from the failure-rate stream only for an image with
 * a rate. transfer full */
static char *registry_refuses(KsImageManager *m, const char *image) {
  const KsImageFailure *f = ks_image_catalog_failure(m->opts.catalog, image);
  if (!f)
    return NULL;
  gint64 now = ks_engine_now(m->engine);
  if (f->missing || now < f->available_after_us)
    return g_strdup_printf("rpc error: code = NotFound desc = failed to pull and unpack image "
                           "\"%s\": failed to resolve reference \"%s\": %s: not found",
                           image, image, image);
  if (f->failure_rate_ppm > 0 &&
      ks_rng_below(&m->rng, KS_IMAGE_FAILURE_RATE_SCALE) < (guint64)f->failure_rate_ppm)
    return g_strdup_printf("rpc error: code = Unavailable desc = failed to pull and unpack image "
                           "\"%s\": unexpected status code 503 Service Unavailable", image);
  return NULL;
}

static void job_complete(ImgNode *n, Job *j) {
  KsImageManager *m = n->m;
  gboolean added = FALSE;
  if (j->download) {
    n->stats.pulls++;
    n->stats.bytes += j->size;
    if (!g_hash_table_contains(n->by_name, j->image)) {
      Img *img = g_new0(Img, 1);
      img->names = g_new0(char *, 2);
      img->names[0] = g_strdup(j->image);
      img->size = j->size;
      img->first_detected_us = ks_engine_now(m->engine);
      img->last_used_us = G_MININT64;
      g_ptr_array_add(n->images, img);
      img_index(n, img);
      added = TRUE;
    }
  } else {
    n->stats.registry_checks++;
  }
  if (added)
    write_status(n);
  for (guint i = 0; i < j->waiters->len; i++) {
    Waiter *w = j->waiters->pdata[i];
    if (--w->pending == 0)
      waiter_done(n, w);
  }
  g_ptr_array_set_size(j->waiters, 0);
  job_free(j);
  if (added && m->added)
    m->added(n->name, m->added_data);
}

static void transfer_event(KsEngine *e, gpointer data) {
  (void)e;
  ImgNode *n = data;
  n->transfer_event = 0;
  advance(n);
  GPtrArray *done = g_ptr_array_new();
  for (guint i = 0; i < n->active->len;) {
    Job *j = n->active->pdata[i];
    if (j->transferring && (j->work <= 0 || n->bandwidth == 0)) {
      g_ptr_array_add(done, j);
      g_ptr_array_remove_index(n->active, i); /* keeps the order */
      n->transferring--;
    } else {
      i++;
    }
  }
  for (guint i = 0; i < done->len; i++)
    job_complete(n, done->pdata[i]);
  g_ptr_array_free(done, TRUE);
  start_jobs(n);
  reschedule(n);
}

/* One event at the earliest end of a transfer. */
static void reschedule(ImgNode *n) {
  KsEngine *e = n->m->engine;
  if (n->transfer_event)
    ks_engine_cancel(e, n->transfer_event);
  n->transfer_event = 0;
  if (!n->transferring)
    return;
  i128 min = -1;
  for (guint i = 0; i < n->active->len; i++) {
    const Job *j = n->active->pdata[i];
    if (j->transferring && (min < 0 || j->work < min))
      min = j->work;
  }
  gint64 after = 0;
  if (n->bandwidth > 0 && min > 0) {
    i128 num = min * n->transferring;
    i128 t = (num + n->bandwidth - 1) / n->bandwidth;
    after = t > G_MAXINT64 / 2 ? G_MAXINT64 / 2 : (gint64)t;
  }
  n->transfer_event = ks_engine_schedule_after(e, after, transfer_event, n, NULL);
}

static void begin_transfer(Job *j) {
  ImgNode *n = j->node;
  advance(n);
  j->transferring = TRUE;
  j->work = (i128)j->size * WORK_SCALE;
  n->transferring++;
  reschedule(n);
}

/* The registry answered (or the throttle refused the pull). */
static void latency_event(KsEngine *e, gpointer data) {
  (void)e;
  Job *j = data;
  j->latency_event = 0;
  ImgNode *n = j->node;
  if (j->error) {
    char *msg = g_strdup(j->error);
    n->stats.qps_refused++;
    job_fail(n, j, msg);
    g_free(msg);
    return;
  }
  char *refused = registry_refuses(n->m, j->image);
  if (refused) {
    n->stats.failed_pulls++;
    job_fail(n, j, refused);
    g_free(refused);
    return;
  }
  begin_transfer(j);
}

static void start_jobs(ImgNode *n) {
  KsImageManager *m = n->m;
  guint limit = G_MAXUINT;
  if (n->opts.serialize_image_pulls)
    limit = 1;
  else if (n->opts.max_parallel_image_pulls > 0)
    limit = (guint)n->opts.max_parallel_image_pulls;
  while (!g_queue_is_empty(&n->queue) && n->active->len < limit) {
    Job *j = g_queue_pop_head(&n->queue);
    g_ptr_array_add(n->active, j);
    gint64 latency = m->opts.catalog ? m->opts.catalog->registry_latency_us : 0;
    /* throttleImagePulling: a refused pull fails at once (from an event:
     * the caller may be inside ensure) */
    if (!ks_pull_throttle_try_accept(&n->throttle, ks_engine_now(m->engine))) {
      j->error = g_strdup(KS_PULL_QPS_EXCEEDED_MESSAGE);
      latency = 0;
    }
    if (latency > 0 || j->error || ks_image_catalog_failure(m->opts.catalog, j->image))
      j->latency_event = ks_engine_schedule_after(m->engine, latency, latency_event, j, NULL);
    else
      begin_transfer(j);
  }
}

static Job *find_job(ImgNode *n, const char *image) {
  for (guint i = 0; i < n->active->len; i++)
    if (!strcmp(((Job *)n->active->pdata[i])->image, image))
      return n->active->pdata[i];
  for (GList *l = n->queue.head; l; l = l->next)
    if (!strcmp(((Job *)l->data)->image, image))
      return l->data;
  return NULL;
}

/* Bytes of an image: the scenario's catalog, else the size a node
 * reported for it, else the catalog's default. */
static gint64 image_size(const KsImageManager *m, const char *image) {
  gint64 size = m->opts.catalog ? ks_image_catalog_size(m->opts.catalog, image) : -1;
  if (size >= 0)
    return size;
  const gint64 *known = g_hash_table_lookup(m->known_sizes, image);
  if (known)
    return *known;
  return m->opts.catalog ? m->opts.catalog->default_size_bytes : 0;
}

static void add_containers(ImgNode *n, const GArray *cs, Waiter **w, const KsImagesReadyFn ready,
                           gpointer data, GDestroyNotify destroy, const char *key) {
  for (guint i = 0; cs && i < cs->len; i++) {
    const KsContainer *c = &g_array_index(cs, KsContainer, i);
    char *name = ks_sched_normalize_image_name(c->image ? c->image : "");
    gboolean present = g_hash_table_contains(n->by_name, name);
    if (!ks_image_should_pull(ks_container_pull_policy(c), present)) {
      g_free(name);
      continue;
    }
    if (!*w) {
      *w = g_new0(Waiter, 1);
      **w = (Waiter){ready, data, destroy, 0, ks_engine_now(n->m->engine), g_strdup(key), NULL};
    }
    Job *j = find_job(n, name);
    if (!j) {
      j = g_new0(Job, 1);
      j->node = n;
      j->image = g_strdup(name);
      j->download = !present;
      j->size = present ? 0 : image_size(n->m, name);
      j->waiters = g_ptr_array_new();
      g_queue_push_tail(&n->queue, j);
    }
    guint at;
    if (!g_ptr_array_find(j->waiters, *w, &at)) {
      g_ptr_array_add(j->waiters, *w);
      (*w)->pending++;
    }
    g_free(name);
  }
}

/* The first container (init containers first) failing upstream's checks
 * before a pull, in their order: the reference parses, an absent image is
 * not under Never, an image to pull is not in back-off. */
static KsImagesStatus precheck(ImgNode *n, const KsPod *pod, const char *key, char **message) {
  KsImageManager *m = n->m;
  gint64 now = ks_engine_now(m->engine);
  const GArray *lists[] = {pod->init_containers, pod->containers};
  for (guint l = 0; l < 2; l++)
    for (guint i = 0; lists[l] && i < lists[l]->len; i++) {
      const KsContainer *c = &g_array_index(lists[l], KsContainer, i);
      /* an empty image (the API server would refuse the pod) is ksim's "no image" */
      if (c->image && *c->image && !ks_image_reference_check(c->image, message)) {
        n->stats.invalid_names++;
        return KS_IMAGES_INVALID_NAME;
      }
      char *name = ks_sched_normalize_image_name(c->image ? c->image : "");
      gboolean present = g_hash_table_contains(n->by_name, name);
      KsPullPolicy policy = ks_container_pull_policy(c);
      KsImagesStatus st = KS_IMAGES_READY;
      if (policy == KS_PULL_NEVER && !present) {
        *message = ks_image_never_pull_message(c->image);
        st = KS_IMAGES_NEVER_PULL;
      } else if (ks_image_should_pull(policy, present) &&
                 ks_image_backoff_in_backoff(m->backoff, key, name, now)) {
        *message = ks_image_backoff_message(c->image);
        n->stats.backoff_waits++;
        st = KS_IMAGES_BACKOFF;
      }
      g_free(name);
      if (st != KS_IMAGES_READY)
        return st;
    }
  return KS_IMAGES_READY;
}

/* The pod's part of the back-off keys: its UID, else namespace/name. transfer full */
static char *backoff_key(const KsPod *pod) {
  return pod->uid && *pod->uid ? g_strdup(pod->uid)
                               : g_strdup_printf("%s/%s", pod->namespace, pod->name);
}

void ks_image_manager_forget_pod(KsImageManager *m, const KsPod *pod) {
  char *key = backoff_key(pod);
  ks_image_backoff_forget_pod(m->backoff, key);
  g_free(key);
}

KsImagesStatus ks_image_manager_ensure(KsImageManager *m, const KsPod *pod, KsImagesReadyFn ready,
                                       gpointer data, GDestroyNotify destroy, char **message) {
  ImgNode *n = pod->node_name ? node_get(m, pod->node_name) : NULL;
  if (!n)
    return KS_IMAGES_READY;
  char *key = backoff_key(pod);
  KsImagesStatus st = precheck(n, pod, key, message);
  if (st != KS_IMAGES_READY) {
    g_free(key);
    return st;
  }
  Waiter *w = NULL;
  add_containers(n, pod->init_containers, &w, ready, data, destroy, key);
  add_containers(n, pod->containers, &w, ready, data, destroy, key);
  g_free(key);
  if (!w)
    return KS_IMAGES_READY;
  start_jobs(n);
  return KS_IMAGES_PULLING;
}

/* ---- image garbage collection ------------------------------------------------------------ */

typedef struct {
  KsImageManager *m;
  GHashTable *in_use; /* "node\nimage" (normalized) */
} UseScan;

static gboolean scan_pod(const KsStoreObject *obj, gpointer user_data) {
  UseScan *u = user_data;
  const KsPod *p = obj->data;
  if (!p->node_name || p->phase == KS_POD_SUCCEEDED || p->phase == KS_POD_FAILED)
    return TRUE;
  const GArray *lists[] = {p->init_containers, p->containers};
  for (guint l = 0; l < 2; l++)
    for (guint i = 0; lists[l] && i < lists[l]->len; i++) {
      const KsContainer *c = &g_array_index(lists[l], KsContainer, i);
      char *name = ks_sched_normalize_image_name(c->image ? c->image : "");
      g_hash_table_add(u->in_use, g_strconcat(p->node_name, "\n", name, NULL));
      g_free(name);
    }
  return TRUE;
}

static gboolean img_in_use(GHashTable *in_use, const char *node, const Img *img) {
  gboolean used = FALSE;
  for (char **s = img->names; s && *s && !used; s++) {
    char *name = ks_sched_normalize_image_name(*s);
    char *key = g_strconcat(node, "\n", name, NULL);
    used = g_hash_table_contains(in_use, key);
    g_free(key);
    g_free(name);
  }
  return used;
}

/* byLastUsedAndDetected, then names */
static gint img_gc_cmp(gconstpointer pa, gconstpointer pb) {
  const Img *a = *(Img *const *)pa, *b = *(Img *const *)pb;
  if (a->last_used_us != b->last_used_us)
    return a->last_used_us < b->last_used_us ? -1 : 1;
  if (a->first_detected_us != b->first_detected_us)
    return a->first_detected_us < b->first_detected_us ? -1 : 1;
  return g_strcmp0(a->names ? a->names[0] : NULL, b->names ? b->names[0] : NULL);
}

/* realImageGCManager.GarbageCollect on one node: usage is the images'
 * bytes against the node's ephemeral-storage capacity. */
static void gc_node(KsImageManager *m, ImgNode *n, gint64 capacity, GHashTable *in_use) {
  gint64 now = ks_engine_now(m->engine);
  i128 usage = 0;
  for (guint i = 0; i < n->images->len; i++) {
    Img *img = n->images->pdata[i];
    if (img_in_use(in_use, n->name, img))
      img->last_used_us = now;
    usage += img->size;
  }
  i128 available = capacity - usage;
  i128 usage_percent = 100 - available * 100 / capacity; /* truncated, as Go's int division */
  if (usage_percent < n->opts.image_gc_high_percent)
    return;
  i128 to_free = (i128)capacity * (100 - n->opts.image_gc_low_percent) / 100 - available;
  GPtrArray *order = g_ptr_array_new();
  for (guint i = 0; i < n->images->len; i++) {
    Img *img = n->images->pdata[i];
    if (img->last_used_us < now)
      g_ptr_array_add(order, img);
  }
  g_ptr_array_sort(order, img_gc_cmp);
  i128 freed = 0;
  guint deleted = 0;
  for (guint i = 0; i < order->len && freed < to_free; i++) {
    Img *img = order->pdata[i];
    if (now - img->first_detected_us < n->opts.image_minimum_gc_age_us)
      continue;
    freed += img->size;
    n->stats.gc_images++;
    n->stats.gc_bytes += img->size;
    img_unindex(n, img);
    g_ptr_array_remove(n->images, img); /* frees it */
    deleted++;
  }
  g_ptr_array_free(order, TRUE);
  if (deleted)
    write_status(n);
}

static void gc_event(KsEngine *e, gpointer data) {
  KsImageManager *m = data;
  m->gc_event = ks_engine_schedule_after(e, KS_IMAGE_GC_PERIOD_US, gc_event, m, NULL);
  gboolean any = FALSE;
  for (guint i = 0; i < m->order->len && !any; i++) {
    const ImgNode *n = m->order->pdata[i];
    any = !n->gone && n->images->len > 0;
  }
  if (!any)
    return;
  UseScan u = {m, g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL)};
  ks_store_foreach(m->store, KS_STORE_POD, scan_pod, &u);
  for (guint i = 0; i < m->order->len; i++) {
    ImgNode *n = m->order->pdata[i];
    const KsStoreObject *obj = n->gone ? NULL : ks_store_get(m->store, KS_STORE_NODE, NULL, n->name);
    const KsNode *node = obj ? obj->data : NULL;
    if (!node || !ks_resource_list_has(&node->capacity, KS_RESOURCE_EPHEMERAL_STORAGE) ||
        node->capacity.ephemeral_storage <= 0)
      continue; /* upstream: invalid capacity 0 on image filesystem */
    gc_node(m, n, node->capacity.ephemeral_storage, u.in_use);
  }
  g_hash_table_destroy(u.in_use);
}

/* ---- the manager ---------------------------------------------------------------------------- */

KsImageManager *ks_image_manager_new(KsStore *store, const KsImagePullOptions *opts) {
  KsImageManager *m = g_new0(KsImageManager, 1);
  m->store = store;
  m->engine = ks_store_get_engine(store);
  m->opts = *opts;
  m->nodes = g_hash_table_new(g_str_hash, g_str_equal);
  m->order = g_ptr_array_new_with_free_func(img_node_free);
  m->known_sizes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  m->watch = ks_store_watch(store, KS_STORE_NODE, node_watch, m);
  m->backoff = ks_image_backoff_new();
  ks_rng_init(&m->rng, opts->seed, "image-pulls");
  if (opts->image_gc_high_percent < 100)
    m->gc_event = ks_engine_schedule_after(m->engine, 0, gc_event, m, NULL);
  return m;
}

void ks_image_manager_free(KsImageManager *m) {
  if (!m)
    return;
  ks_store_unwatch(m->store, m->watch);
  if (m->gc_event)
    ks_engine_cancel(m->engine, m->gc_event);
  g_hash_table_destroy(m->nodes);
  g_ptr_array_free(m->order, TRUE);
  g_hash_table_destroy(m->known_sizes);
  ks_image_backoff_free(m->backoff);
  ks_kubelet_configs_unref(m->kubelets);
  g_free(m);
}

void ks_image_manager_set_kubelets(KsImageManager *m, KsKubeletConfigs *kubelets) {
  KsKubeletConfigs *k = kubelets ? ks_kubelet_configs_ref(kubelets) : NULL;
  ks_kubelet_configs_unref(m->kubelets);
  m->kubelets = k;
  if (!m->gc_event) /* a pool may collect images where the default does not */
    m->gc_event = ks_engine_schedule_after(m->engine, 0, gc_event, m, NULL);
}

gint64 ks_image_manager_container_start_us(const KsImageManager *m) {
  return m->opts.catalog ? m->opts.catalog->container_start_us : KS_IMAGE_DEFAULT_CONTAINER_START_US;
}

void ks_image_manager_set_image_added(KsImageManager *m, KsImageAddedFn fn, gpointer data) {
  m->added = fn;
  m->added_data = data;
}

guint ks_image_manager_n_nodes(const KsImageManager *m) { return m->order->len; }

void ks_image_manager_node_stats(const KsImageManager *m, guint i, KsImageNodeStats *out) {
  *out = ((const ImgNode *)m->order->pdata[i])->stats;
}

gboolean ks_image_manager_active(const KsImageManager *m) {
  for (guint i = 0; i < m->order->len; i++) {
    const KsImageNodeStats *s = &((const ImgNode *)m->order->pdata[i])->stats;
    if (s->pulls || s->registry_checks || s->gc_images || s->pods_waited)
      return TRUE;
  }
  return FALSE;
}

gboolean ks_image_manager_failures(const KsImageManager *m) {
  for (guint i = 0; i < m->order->len; i++) {
    const KsImageNodeStats *s = &((const ImgNode *)m->order->pdata[i])->stats;
    if (s->failed_pulls || s->qps_refused || s->backoff_waits || s->invalid_names)
      return TRUE;
  }
  return FALSE;
}
