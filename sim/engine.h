/* The discrete-event engine: a simulation clock and a queue of timed events.
 *
 * Time is an int64 count of microseconds since the start of the run. Events
 * are ordered by (time, sequence), where the sequence is a per-engine
 * insertion counter: events at the same time run in the order they were
 * scheduled, including events scheduled from inside a handler at the current
 * time (they run after every event already queued for that time). Same
 * schedule calls, same run: deterministic.
 *
 * Every event has an optional destroy notify that is called exactly once,
 * when the event is finished with: right after its handler returned, when it
 * is cancelled, or when the engine is freed with the event still pending.
 * So an event may own its data.
 *
 * Single-threaded: one engine belongs to one simulation run (parallel sweeps
 * run one engine per thread).
 */
#pragma once
#include <glib.h>

typedef struct KsEngine KsEngine;

/* Runs at the event's time; ks_engine_now() is that time. The handler may
 * schedule, cancel, and stop. */
typedef void (*KsEventFn)(KsEngine *e, gpointer data);

/* An event id is never 0, so 0 can mean "no event". Ids of finished events
 * are not reused for 2^32 reuses of the same slot. */
#define KS_ENGINE_NO_EVENT ((guint64)0)

/* transfer full. The clock starts at 0. */
KsEngine *ks_engine_new(void);
/* Runs the destroy notify of every pending event, then frees e. NULL is a no-op. */
void ks_engine_free(KsEngine *e);

/* Queues fn(e, data) at at_us. at_us < now is a programming error: it is
 * warned about and clamped to now, so causality holds. data: transfer full
 * when destroy is set. Returns the event id (never 0). */
guint64 ks_engine_schedule(KsEngine *e, gint64 at_us, KsEventFn fn, gpointer data,
                           GDestroyNotify destroy);
/* Queues fn at now + delay_us (delay_us >= 0). */
guint64 ks_engine_schedule_after(KsEngine *e, gint64 delay_us, KsEventFn fn, gpointer data,
                                 GDestroyNotify destroy);
/* Removes a pending event and runs its destroy notify; O(log n). FALSE when id
 * is not pending (already run, running now, cancelled, or never issued). */
gboolean ks_engine_cancel(KsEngine *e, guint64 id);

gint64 ks_engine_now(const KsEngine *e);
/* Time of the next pending event, G_MAXINT64 when none. */
gint64 ks_engine_next_time(const KsEngine *e);
/* Events run since ks_engine_new(). */
guint64 ks_engine_events_run(const KsEngine *e);
/* Events queued and not yet run or cancelled. */
gsize ks_engine_pending(const KsEngine *e);

/* Runs the next event, advancing the clock to its time. FALSE when none is
 * pending. Ignores (and does not clear) a stop request. */
gboolean ks_engine_step(KsEngine *e);
/* Runs every event with time <= end_us, in order, then leaves the clock at
 * end_us (never moves it backwards). If a handler calls ks_engine_stop(), it
 * returns after that handler, with the clock at that event's time, and the
 * stop request is cleared. Returns the number of events run. */
guint64 ks_engine_run_until(KsEngine *e, gint64 end_us);
/* Runs until no event is pending or a handler stops; the clock stays at the
 * last event's time. Returns the number of events run. */
guint64 ks_engine_run(KsEngine *e);
/* Asks the running ks_engine_run_until()/ks_engine_run() to return after the
 * current handler. Called outside a run, the next run returns at once. */
void ks_engine_stop(KsEngine *e);
gboolean ks_engine_stop_requested(const KsEngine *e);
