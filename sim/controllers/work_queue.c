/* See work_queue.h. The queue is a GQueue of keys; dirty and processing are
 * hash sets used for lookup only (never iterated), so the order keys come
 * out depends on nothing but the order of calls. */
#include "sim/controllers/work_queue.h"

struct KsWorkQueue {
  KsEngine *engine;
  KsRateLimiter *limiter;
  KsWorkQueueNotify notify;
  gpointer user_data;
  GQueue queue;           /* char* (owned), ready keys in order */
  GHashTable *dirty;      /* key (owned) -> itself: to be processed */
  GHashTable *processing; /* key (owned) -> itself */
  GHashTable *waiting;    /* key -> Waiting* (owns both) */
};

typedef struct {
  KsWorkQueue *q;
  char *key;
  gint64 ready_us;
  guint64 event;
} Waiting;

static void waiting_free(gpointer p) {
  Waiting *w = p;
  g_free(w->key);
  g_free(w);
}

/* The waiting table's value destroy: cancels a still pending event. */
static void waiting_drop(gpointer p) {
  Waiting *w = p;
  if (w->event != KS_ENGINE_NO_EVENT)
    ks_engine_cancel(w->q->engine, w->event); /* runs no destroy: the event has none */
  waiting_free(w);
}

KsWorkQueue *ks_work_queue_new(KsEngine *engine, const KsRateLimiterConfig *rate_limiter,
                               KsWorkQueueNotify notify, gpointer user_data) {
  KsWorkQueue *q = g_new0(KsWorkQueue, 1);
  KsRateLimiterConfig def;
  ks_rate_limiter_config_default(&def);
  q->engine = engine;
  q->limiter = ks_rate_limiter_new(rate_limiter ? rate_limiter : &def);
  q->notify = notify;
  q->user_data = user_data;
  g_queue_init(&q->queue);
  q->dirty = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  q->processing = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  q->waiting = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, waiting_drop);
  return q;
}

void ks_work_queue_free(KsWorkQueue *q) {
  if (!q)
    return;
  g_hash_table_unref(q->waiting);
  g_queue_clear_full(&q->queue, g_free);
  g_hash_table_unref(q->dirty);
  g_hash_table_unref(q->processing);
  ks_rate_limiter_free(q->limiter);
  g_free(q);
}

void ks_work_queue_add(KsWorkQueue *q, const char *key) {
  if (g_hash_table_contains(q->dirty, key))
    return;
  g_hash_table_add(q->dirty, g_strdup(key));
  if (g_hash_table_contains(q->processing, key))
    return;
  g_queue_push_tail(&q->queue, g_strdup(key));
  if (q->notify)
    q->notify(q, q->user_data);
}

static void waiting_ready(KsEngine *e, gpointer data) {
  Waiting *w = data;
  KsWorkQueue *q = w->q;
  w->event = KS_ENGINE_NO_EVENT;
  char *key = g_strdup(w->key);
  g_hash_table_remove(q->waiting, key); /* frees w */
  ks_work_queue_add(q, key);
  g_free(key);
}

void ks_work_queue_add_after(KsWorkQueue *q, const char *key, gint64 delay_us) {
  if (delay_us <= 0) {
    ks_work_queue_add(q, key);
    return;
  }
  gint64 ready = ks_engine_now(q->engine) + delay_us;
  Waiting *w = g_hash_table_lookup(q->waiting, key);
  if (w) {
    if (ready >= w->ready_us)
      return;
    ks_engine_cancel(q->engine, w->event);
  } else {
    w = g_new0(Waiting, 1);
    w->q = q;
    w->key = g_strdup(key);
    g_hash_table_insert(q->waiting, w->key, w);
  }
  w->ready_us = ready;
  w->event = ks_engine_schedule(q->engine, ready, waiting_ready, w, NULL);
}

void ks_work_queue_add_rate_limited(KsWorkQueue *q, const char *key) {
  ks_work_queue_add_after(q, key, ks_rate_limiter_when(q->limiter, key, ks_engine_now(q->engine)));
}

void ks_work_queue_forget(KsWorkQueue *q, const char *key) {
  ks_rate_limiter_forget(q->limiter, key);
}

guint ks_work_queue_num_requeues(const KsWorkQueue *q, const char *key) {
  return ks_rate_limiter_num_requeues(q->limiter, key);
}

char *ks_work_queue_get(KsWorkQueue *q) {
  char *key = g_queue_pop_head(&q->queue);
  if (!key)
    return NULL;
  g_hash_table_add(q->processing, g_strdup(key));
  g_hash_table_remove(q->dirty, key);
  return key;
}

void ks_work_queue_done(KsWorkQueue *q, const char *key) {
  if (!g_hash_table_remove(q->processing, key))
    return;
  if (g_hash_table_contains(q->dirty, key)) {
    g_queue_push_tail(&q->queue, g_strdup(key));
    if (q->notify)
      q->notify(q, q->user_data);
  }
}

guint ks_work_queue_len(const KsWorkQueue *q) { return q->queue.length; }

guint ks_work_queue_waiting(const KsWorkQueue *q) { return g_hash_table_size(q->waiting); }

gboolean ks_work_queue_is_processing(const KsWorkQueue *q, const char *key) {
  return g_hash_table_contains(q->processing, key);
}
