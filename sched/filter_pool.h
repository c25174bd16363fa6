/* A fixed set of worker threads that run one range of work split in
 * contiguous chunks, for the scheduler's parallel Filter
 * (KsSchedConfig.parallelism). The caller runs the first chunk itself and
 * returns when every chunk is done, so a pool of N runs N chunks at once.
 */
#pragma once
#include <glib.h>

typedef struct KsSchedFilterPool KsSchedFilterPool;

/* Runs items [lo, hi) of one batch. */
typedef void (*KsSchedRangeFn)(gpointer data, guint lo, guint hi);

/* threads >= 2 (one of them is the caller). transfer full */
KsSchedFilterPool *ks_sched_filter_pool_new(guint threads);
void ks_sched_filter_pool_free(KsSchedFilterPool *p); /* NULL-safe */
guint ks_sched_filter_pool_threads(const KsSchedFilterPool *p);
/* fn over [0, n) in up to `threads` contiguous chunks; returns when all ran. */
void ks_sched_filter_pool_run(KsSchedFilterPool *p, guint n, KsSchedRangeFn fn, gpointer data);
