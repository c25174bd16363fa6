/* A controller's work queue of keys: client-go's rate-limiting, delaying
 * work queue (k8s.io/client-go/util/workqueue), on sim time.
 *
 * Semantics kept from upstream (queue.go, delaying_queue.go,
 * rate_limiting_queue.go):
 * - a key is in the queue at most once: adding a key already waiting to be
 *   processed does nothing (dirty set);
 * - a key is never processed twice at once: adding a key that is being
 *   processed marks it dirty, and it goes back to the end of the queue when
 *   its processing is done;
 * - keys come out in the order they went in (FIFO);
 * - add_after puts the key in after a delay; a key already waiting keeps
 *   the earlier of its two ready times;
 * - add_rate_limited is add_after with the rate limiter's delay
 *   (sim/controllers/rate_limiter.h); forget clears the key's requeue count.
 *
 * Delays are engine events (one per waiting key), so keys that become ready
 * at the same instant enter the queue in the order their delays were set.
 * Keys are strings ("namespace/name"), copied in.
 */
#pragma once
#include <glib.h>

#include "sim/controllers/rate_limiter.h"
#include "sim/engine.h"

typedef struct KsWorkQueue KsWorkQueue;

/* Called when a key has been put in the queue (not when an add was a
 * no-op): the controller's cue to wake a worker. May be NULL. */
typedef void (*KsWorkQueueNotify)(KsWorkQueue *q, gpointer user_data);

/* transfer full. engine: transfer none, outlives the queue. rate_limiter:
 * NULL for upstream's default. */
KsWorkQueue *ks_work_queue_new(KsEngine *engine, const KsRateLimiterConfig *rate_limiter,
                               KsWorkQueueNotify notify, gpointer user_data);
/* Cancels the waiting keys' events. NULL is a no-op. */
void ks_work_queue_free(KsWorkQueue *q);

void ks_work_queue_add(KsWorkQueue *q, const char *key);
/* delay_us <= 0 is add. */
void ks_work_queue_add_after(KsWorkQueue *q, const char *key, gint64 delay_us);
void ks_work_queue_add_rate_limited(KsWorkQueue *q, const char *key);
void ks_work_queue_forget(KsWorkQueue *q, const char *key);
guint ks_work_queue_num_requeues(const KsWorkQueue *q, const char *key);

/* The next key, now being processed: transfer full, NULL when the queue is
 * empty. Call done with it when its processing ends. */
char *ks_work_queue_get(KsWorkQueue *q);
void ks_work_queue_done(KsWorkQueue *q, const char *key);

/* Keys ready in the queue (not those waiting on a delay or processing). */
guint ks_work_queue_len(const KsWorkQueue *q);
/* Keys waiting on a delay. */
guint ks_work_queue_waiting(const KsWorkQueue *q);
gboolean ks_work_queue_is_processing(const KsWorkQueue *q, const char *key);
