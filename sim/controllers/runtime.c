/* See runtime.h.
 *
 * Workers are slots: a slot holds the key being processed and the engine
 * event of its sync. Adding a key to the queue schedules one "kick" event
 * at the current time (unless one is pending); the kick hands ready keys
 * to free slots. Waking workers from an event rather than from the add
 * itself lets every watch event already queued at that instant (a burst of
 * pod changes for one ReplicaSet) land in the queue first, where they
 * collapse into one key, as they do upstream while the workers are busy.
 */
#include "sim/controllers/runtime.h"

#include "sim/controllers/object_access.h"

#include <string.h>

typedef struct {
  KsController *c;
  KsStoreKind kind;
  KsInformerHandlers handlers;
  gint64 resync_us;
  guint watch;
  guint64 resync_event;
} Informer;

typedef struct {
  KsController *c;
  char *key;     /* being processed; NULL: the slot is free */
  guint64 event; /* its sync */
} Worker;

struct KsController {
  const KsControllerClass *cls;
  KsStore *store;
  KsEngine *engine;
  KsControllerOptions options;
  gpointer self;
  KsWorkQueue *queue;
  KsRng rng;
  GPtrArray *informers; /* Informer* (owned) */
  Worker *workers;
  guint n_workers;
  guint64 kick_event;
  guint64 syncs;
};

void ks_controller_options_default(KsControllerOptions *o) {
  *o = (KsControllerOptions){0};
  ks_rate_limiter_config_default(&o->rate_limiter);
}

static void kick(KsEngine *e, gpointer data);

static void maybe_kick(KsController *c) {
  if (c->kick_event != KS_ENGINE_NO_EVENT || ks_work_queue_len(c->queue) == 0)
    return;
  c->kick_event = ks_engine_schedule(c->engine, ks_engine_now(c->engine), kick, c, NULL);
}

static void on_queue_add(KsWorkQueue *q, gpointer user_data) { maybe_kick(user_data); }

static void run_sync(KsEngine *e, gpointer data) {
  Worker *w = data;
  KsController *c = w->c;
  char *key = w->key;
  w->key = NULL;
  w->event = KS_ENGINE_NO_EVENT;
  c->syncs++;
  if (c->cls->sync(c, c->self, key) == KS_SYNC_DONE)
    ks_work_queue_forget(c->queue, key);
  else
    ks_work_queue_add_rate_limited(c->queue, key);
  ks_work_queue_done(c->queue, key);
  g_free(key);
  maybe_kick(c);
}

static void kick(KsEngine *e, gpointer data) {
  KsController *c = data;
  c->kick_event = KS_ENGINE_NO_EVENT;
  for (guint i = 0; i < c->n_workers && ks_work_queue_len(c->queue) > 0; i++) {
    Worker *w = &c->workers[i];
    if (w->key)
      continue;
    w->key = ks_work_queue_get(c->queue);
    w->event = ks_engine_schedule_after(c->engine, c->options.reconcile_latency_us, run_sync, w,
                                        NULL);
  }
}

static void on_watch(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                     const KsStoreObject *new_obj, gpointer user_data) {
  Informer *inf = user_data;
  const KsInformerHandlers *h = &inf->handlers;
  KsController *c = inf->c;
  switch (type) {
  case KS_WATCH_ADDED:
    if (h->add)
      h->add(c, c->self, new_obj);
    break;
  case KS_WATCH_MODIFIED:
    if (h->update)
      h->update(c, c->self, old_obj, new_obj);
    break;
  case KS_WATCH_DELETED:
    if (h->del)
      h->del(c, c->self, old_obj);
    break;
  }
}

static void resync(KsEngine *e, gpointer data) {
  Informer *inf = data;
  KsController *c = inf->c;
  GPtrArray *all = ks_store_list(c->store, inf->kind, NULL);
  for (guint i = 0; i < all->len; i++)
    inf->handlers.update(c, c->self, all->pdata[i], all->pdata[i]);
  g_ptr_array_unref(all);
  inf->resync_event = ks_engine_schedule_after(e, inf->resync_us, resync, inf, NULL);
}

static void informer_free(gpointer p) {
  Informer *inf = p;
  if (inf->watch)
    ks_store_unwatch(inf->c->store, inf->watch);
  if (inf->resync_event != KS_ENGINE_NO_EVENT)
    ks_engine_cancel(inf->c->engine, inf->resync_event);
  g_free(inf);
}

void ks_controller_watch(KsController *c, KsStoreKind kind, const KsInformerHandlers *handlers,
                         gint64 resync_us) {
  Informer *inf = g_new0(Informer, 1);
  inf->c = c;
  inf->kind = kind;
  inf->handlers = *handlers;
  inf->resync_us = resync_us;
  inf->watch = ks_store_watch(c->store, kind, on_watch, inf);
  if (resync_us > 0 && handlers->update)
    inf->resync_event = ks_engine_schedule_after(c->engine, resync_us, resync, inf, NULL);
  g_ptr_array_add(c->informers, inf);
}

/* The informers' initial list: every existing object is an add. */
static void initial_list(KsController *c) {
  for (guint i = 0; i < c->informers->len; i++) {
    Informer *inf = c->informers->pdata[i];
    if (!inf->handlers.add)
      continue;
    GPtrArray *all = ks_store_list(c->store, inf->kind, NULL);
    for (guint j = 0; j < all->len; j++)
      inf->handlers.add(c, c->self, all->pdata[j]);
    g_ptr_array_unref(all);
  }
}

KsController *ks_controller_new(const KsControllerClass *cls, KsStore *store,
                                const KsControllerOptions *options) {
  KsController *c = g_new0(KsController, 1);
  c->cls = cls;
  c->store = store;
  c->engine = ks_store_get_engine(store);
  c->options = *options;
  c->options.reconcile_latency_us = MAX(0, options->reconcile_latency_us);
  c->n_workers = options->workers ? options->workers : MAX(1, cls->default_workers);
  c->workers = g_new0(Worker, c->n_workers);
  for (guint i = 0; i < c->n_workers; i++)
    c->workers[i].c = c;
  c->queue = ks_work_queue_new(c->engine, &c->options.rate_limiter, on_queue_add, c);
  char *stream = g_strconcat("controller/", cls->name, NULL);
  ks_rng_init(&c->rng, options->seed, stream);
  g_free(stream);
  c->informers = g_ptr_array_new_with_free_func(informer_free);
  c->self = cls->init ? cls->init(c) : NULL;
  initial_list(c);
  return c;
}

void ks_controller_free(KsController *c) {
  if (!c)
    return;
  if (c->kick_event != KS_ENGINE_NO_EVENT)
    ks_engine_cancel(c->engine, c->kick_event);
  for (guint i = 0; i < c->n_workers; i++) {
    if (c->workers[i].event != KS_ENGINE_NO_EVENT)
      ks_engine_cancel(c->engine, c->workers[i].event);
    g_free(c->workers[i].key);
  }
  g_free(c->workers);
  g_ptr_array_unref(c->informers);
  ks_work_queue_free(c->queue);
  if (c->cls->free)
    c->cls->free(c->self);
  g_free(c);
}

const char *ks_controller_name(const KsController *c) { return c->cls->name; }
KsStore *ks_controller_store(const KsController *c) { return c->store; }
KsEngine *ks_controller_engine(const KsController *c) { return c->engine; }
gint64 ks_controller_now(const KsController *c) { return ks_engine_now(c->engine); }
KsWorkQueue *ks_controller_queue(const KsController *c) { return c->queue; }
KsRng *ks_controller_rng(KsController *c) { return &c->rng; }
guint64 ks_controller_syncs(const KsController *c) { return c->syncs; }

char *ks_controller_key(const KsStoreObject *obj) {
  if (!obj->namespace || !*obj->namespace)
    return g_strdup(obj->name);
  return g_strconcat(obj->namespace, "/", obj->name, NULL);
}

void ks_controller_split_key(const char *key, char **namespace, char **name) {
  const char *slash = strchr(key, '/');
  *namespace = slash ? g_strndup(key, (gsize)(slash - key)) : g_strdup("");
  *name = g_strdup(slash ? slash + 1 : key);
}

void ks_controller_enqueue(KsController *c, const KsStoreObject *obj) {
  char *key = ks_controller_key(obj);
  ks_work_queue_add(c->queue, key);
  g_free(key);
}

void ks_controller_enqueue_key(KsController *c, const char *key) {
  ks_work_queue_add(c->queue, key);
}

void ks_controller_enqueue_after(KsController *c, const char *key, gint64 delay_us) {
  ks_work_queue_add_after(c->queue, key, delay_us);
}

/* ---- generic informer handlers ------------------------------------------------ */

static void enqueue_added(KsController *c, gpointer self, const KsStoreObject *obj) {
  (void)self;
  ks_controller_enqueue(c, obj);
}

static void enqueue_updated(KsController *c, gpointer self, const KsStoreObject *old_obj,
                            const KsStoreObject *new_obj) {
  (void)self;
  (void)old_obj;
  ks_controller_enqueue(c, new_obj);
}

const KsInformerHandlers ks_controller_enqueue_handlers = {enqueue_added, enqueue_updated,
                                                           enqueue_added};

const KsStoreObject *ks_controller_pod_owner(KsController *c, const KsPod *pod,
                                             KsStoreKind owner_kind) {
  const KsOwnerReference *ref = ks_pod_get_controller(pod);
  if (ref == NULL || g_strcmp0(ref->kind, ks_object_kind_name(owner_kind)) != 0)
    return NULL;
  const KsStoreObject *o =
      ks_store_get(ks_controller_store(c), owner_kind, pod->namespace, ref->name);
  if (o == NULL)
    return NULL;
  KsObjectFields f;
  ks_object_fields(owner_kind, o->data, &f);
  return f.uid && g_strcmp0(*f.uid, ref->uid) == 0 ? o : NULL;
}

const KsStoreObject *ks_controller_enqueue_pod_owner(KsController *c, const KsPod *pod,
                                                     KsStoreKind owner_kind) {
  const KsStoreObject *o = ks_controller_pod_owner(c, pod, owner_kind);
  if (o)
    ks_controller_enqueue(c, o);
  return o;
}
