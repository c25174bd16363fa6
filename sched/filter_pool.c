/* Parallel-for over a range, for Filter (see filter_pool.h).
 *
 * Design and trade-offs.
 * - Upstream's parallelizer hands nodes to 16 goroutines one index at a
 *   time; here a batch is cut into `threads` contiguous chunks, the caller
 *   runs chunk 0 and the GThreadPool workers run the rest. Contiguous
 *   chunks keep each thread on neighbouring slots (cache lines of the
 *   cache's arrays) and cost one push per chunk, not per node.
 * - The chunk records are preallocated, so a batch allocates nothing of
 *   ours (GAsyncQueue may allocate a list link per push).
 * - Completion is a counter under a mutex with a condition variable: the
 *   caller waits for the last chunk. The workers only run the callback; all
 *   decisions (which results count) stay with the caller, which keeps the
 *   outcome independent of the interleaving.
 */
#include "sched/filter_pool.h"

typedef struct {
  KsSchedFilterPool *pool;
  guint lo, hi;
} Chunk;

struct KsSchedFilterPool {
  GThreadPool *workers;
  guint threads;
  Chunk *chunks;
  KsSchedRangeFn fn;
  gpointer data;
  GMutex mu;
  GCond done;
  guint pending;
};

static void worker(gpointer item, gpointer user_data) {
  Chunk *c = item;
  KsSchedFilterPool *p = c->pool;
  (void)user_data;
  p->fn(p->data, c->lo, c->hi);
  g_mutex_lock(&p->mu);
  if (--p->pending == 0)
    g_cond_signal(&p->done);
  g_mutex_unlock(&p->mu);
}

KsSchedFilterPool *ks_sched_filter_pool_new(guint threads) {
  KsSchedFilterPool *p = g_new0(KsSchedFilterPool, 1);
  p->threads = MAX(threads, 2u);
  p->chunks = g_new0(Chunk, p->threads);
  g_mutex_init(&p->mu);
  g_cond_init(&p->done);
  /* exclusive: the threads start now and stay for the pool's life */
  p->workers = g_thread_pool_new(worker, NULL, (gint)p->threads - 1, TRUE, NULL);
  return p;
}

void ks_sched_filter_pool_free(KsSchedFilterPool *p) {
  if (!p)
    return;
  g_thread_pool_free(p->workers, FALSE, TRUE);
  g_mutex_clear(&p->mu);
  g_cond_clear(&p->done);
  g_free(p->chunks);
  g_free(p);
}

guint ks_sched_filter_pool_threads(const KsSchedFilterPool *p) { return p->threads; }

void ks_sched_filter_pool_run(KsSchedFilterPool *p, guint n, KsSchedRangeFn fn, gpointer data) {
  guint parts = MIN(p->threads, n);
  if (parts <= 1) {
    if (n)
      fn(data, 0, n);
    return;
  }
  p->fn = fn;
  p->data = data;
  for (guint i = 0; i < parts; i++)
    p->chunks[i] = (Chunk){p, (guint)((guint64)n * i / parts), (guint)((guint64)n * (i + 1) / parts)};
  g_mutex_lock(&p->mu);
  p->pending = parts - 1;
  g_mutex_unlock(&p->mu);
  for (guint i = 1; i < parts; i++)
    g_thread_pool_push(p->workers, &p->chunks[i], NULL);
  fn(data, p->chunks[0].lo, p->chunks[0].hi);
  g_mutex_lock(&p->mu);
  while (p->pending > 0)
    g_cond_wait(&p->done, &p->mu);
  g_mutex_unlock(&p->mu);
}
