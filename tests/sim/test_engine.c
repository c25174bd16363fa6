/* Tests of the discrete-event engine: ordering, FIFO ties, cancel, run_until,
 * stop, destroy notifies, and a randomized check against a sorted reference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "sched/rng.h"
#include "sim/engine.h"

/* A log of what ran: each event's data is a Rec naming the log and a tag. */
typedef struct {
  GArray *tags; /* int */
  GArray *times; /* gint64 */
} Log;

typedef struct {
  Log *log;
  int tag;
} Rec;

static void log_init(Log *l) {
  l->tags = g_array_new(FALSE, FALSE, sizeof(int));
  l->times = g_array_new(FALSE, FALSE, sizeof(gint64));
}

static void log_clear(Log *l) {
  g_array_free(l->tags, TRUE);
  g_array_free(l->times, TRUE);
}

static void record(KsEngine *e, gpointer data) {
  Rec *r = data;
  gint64 now = ks_engine_now(e);
  g_array_append_val(r->log->tags, r->tag);
  g_array_append_val(r->log->times, now);
}

static int tag_at(const Log *l, guint i) { return g_array_index(l->tags, int, i); }

static void assert_tags(const Log *l, const int *want, guint n) {
  assert_int_equal(l->tags->len, n);
  for (guint i = 0; i < n; i++)
    assert_int_equal(tag_at(l, i), want[i]);
}

static void test_orders_by_time(void **state) {
  KsEngine *e = ks_engine_new();
  Log l;
  log_init(&l);
  Rec r[] = {{&l, 30}, {&l, 10}, {&l, 20}, {&l, 0}};
  ks_engine_schedule(e, 30, record, &r[0], NULL);
  ks_engine_schedule(e, 10, record, &r[1], NULL);
  ks_engine_schedule(e, 20, record, &r[2], NULL);
  ks_engine_schedule(e, 0, record, &r[3], NULL);
  assert_int_equal(ks_engine_pending(e), 4);
  assert_int_equal(ks_engine_next_time(e), 0);
  assert_int_equal(ks_engine_run(e), 4);
  int want[] = {0, 10, 20, 30};
  assert_tags(&l, want, 4);
  for (guint i = 0; i < 4; i++)
    assert_int_equal(g_array_index(l.times, gint64, i), want[i]);
  assert_int_equal(ks_engine_now(e), 30);
  assert_int_equal(ks_engine_events_run(e), 4);
  assert_int_equal(ks_engine_pending(e), 0);
  assert_int_equal(ks_engine_next_time(e), G_MAXINT64);
  assert_false(ks_engine_step(e));
  log_clear(&l);
  ks_engine_free(e);
}

typedef struct {
  Rec rec; /* first, so a Chain is also a Rec */
  Rec *then;
} Chain;

/* Records, then schedules c->then at the current time from inside the handler. */
static void schedule_now(KsEngine *e, gpointer data) {
  Chain *c = data;
  record(e, &c->rec);
  ks_engine_schedule(e, ks_engine_now(e), record, c->then, NULL);
}

static void test_equal_times_run_fifo(void **state) {
  KsEngine *e = ks_engine_new();
  Log l;
  log_init(&l);
  Rec late = {&l, 99};
  Chain chain = {{&l, 2}, &late};
  Rec r[8];
  for (int i = 0; i < 8; i++)
    r[i] = (Rec){&l, i};
  /* Events 0..5 at t=100, with 2 scheduling 99 at t=100; 6 and 7 at t=101
   * but scheduled first, to show time beats sequence. */
  ks_engine_schedule(e, 101, record, &r[6], NULL);
  ks_engine_schedule(e, 101, record, &r[7], NULL);
  for (int i = 0; i < 6; i++)
    if (i == 2)
      ks_engine_schedule(e, 100, schedule_now, &chain, NULL);
    else
      ks_engine_schedule(e, 100, record, &r[i], NULL);
  ks_engine_run(e);
  int want[] = {0, 1, 2, 3, 4, 5, 99, 6, 7};
  assert_tags(&l, want, G_N_ELEMENTS(want));
  log_clear(&l);
  ks_engine_free(e);
}

static void count_destroy(gpointer data) { (*(int *)data)++; }

static void noop(KsEngine *e, gpointer data) {}

typedef struct {
  guint64 own_id;
  gboolean cancelled_self;
} SelfCancel;

static void cancel_self(KsEngine *e, gpointer data) {
  SelfCancel *sc = data;
  sc->cancelled_self = ks_engine_cancel(e, sc->own_id);
}

static void test_cancel(void **state) {
  KsEngine *e = ks_engine_new();
  Log l;
  log_init(&l);
  Rec r[] = {{&l, 1}, {&l, 2}, {&l, 3}};
  guint64 a = ks_engine_schedule(e, 10, record, &r[0], NULL);
  guint64 b = ks_engine_schedule(e, 20, record, &r[1], NULL);
  guint64 c = ks_engine_schedule(e, 30, record, &r[2], NULL);
  assert_true(a != KS_ENGINE_NO_EVENT && b != a && c != b);
  int destroyed = 0;
  guint64 d = ks_engine_schedule(e, 5, noop, &destroyed, count_destroy);

  assert_true(ks_engine_cancel(e, b));
  assert_false(ks_engine_cancel(e, b));
  assert_true(ks_engine_cancel(e, d));
  assert_int_equal(destroyed, 1);
  assert_false(ks_engine_cancel(e, KS_ENGINE_NO_EVENT));
  assert_false(ks_engine_cancel(e, G_MAXUINT64));
  assert_int_equal(ks_engine_pending(e), 2);

  assert_true(ks_engine_step(e));
  assert_false(ks_engine_cancel(e, a)); /* already ran */
  /* The freed slot is reused; the stale id must not cancel the new event. */
  guint64 a2 = ks_engine_schedule(e, 40, record, &r[0], NULL);
  assert_true(a2 != a);
  assert_false(ks_engine_cancel(e, a));
  assert_int_equal(ks_engine_pending(e), 2);

  SelfCancel sc = {0};
  sc.own_id = ks_engine_schedule(e, 35, cancel_self, &sc, NULL);
  ks_engine_run(e);
  assert_false(sc.cancelled_self);
  int want[] = {1, 3, 1};
  assert_tags(&l, want, G_N_ELEMENTS(want));
  log_clear(&l);
  ks_engine_free(e);
}

static void test_destroy_notify(void **state) {
  KsEngine *e = ks_engine_new();
  int ran_destroyed = 0, pending_destroyed = 0;
  ks_engine_schedule(e, 1, noop, &ran_destroyed, count_destroy);
  ks_engine_schedule(e, 2, noop, &pending_destroyed, count_destroy);
  ks_engine_schedule(e, 3, noop, &pending_destroyed, count_destroy);
  ks_engine_run_until(e, 1);
  assert_int_equal(ran_destroyed, 1);
  assert_int_equal(pending_destroyed, 0);
  ks_engine_free(e);
  assert_int_equal(pending_destroyed, 2);
  ks_engine_free(NULL);
}

static void test_run_until_leaves_clock_at_end(void **state) {
  KsEngine *e = ks_engine_new();
  Log l;
  log_init(&l);
  Rec r[] = {{&l, 10}, {&l, 20}, {&l, 30}};
  for (int i = 0; i < 3; i++)
    ks_engine_schedule(e, r[i].tag, record, &r[i], NULL);
  assert_int_equal(ks_engine_run_until(e, 20), 2); /* inclusive of end */
  assert_int_equal(ks_engine_now(e), 20);
  assert_int_equal(ks_engine_run_until(e, 25), 0);
  assert_int_equal(ks_engine_now(e), 25);
  assert_int_equal(ks_engine_run_until(e, 5), 0); /* never backwards */
  assert_int_equal(ks_engine_now(e), 25);
  assert_int_equal(ks_engine_next_time(e), 30);
  assert_int_equal(ks_engine_run_until(e, 1000), 1);
  assert_int_equal(ks_engine_now(e), 1000);
  ks_engine_schedule_after(e, 7, record, &r[0], NULL);
  assert_int_equal(ks_engine_next_time(e), 1007);
  log_clear(&l);
  ks_engine_free(e);
}

static void stop_here(KsEngine *e, gpointer data) {
  record(e, data);
  ks_engine_stop(e);
}

static void test_stop(void **state) {
  KsEngine *e = ks_engine_new();
  Log l;
  log_init(&l);
  Rec r[] = {{&l, 10}, {&l, 20}, {&l, 30}};
  ks_engine_schedule(e, 10, record, &r[0], NULL);
  ks_engine_schedule(e, 20, stop_here, &r[1], NULL);
  ks_engine_schedule(e, 30, record, &r[2], NULL);
  assert_int_equal(ks_engine_run_until(e, 100), 2);
  assert_int_equal(ks_engine_now(e), 20); /* at the stopping event, not at end */
  assert_false(ks_engine_stop_requested(e));
  assert_int_equal(ks_engine_pending(e), 1);
  assert_int_equal(ks_engine_run_until(e, 100), 1);
  assert_int_equal(ks_engine_now(e), 100);
  /* A stop requested outside a run makes the next run return at once. */
  ks_engine_schedule(e, 200, record, &r[0], NULL);
  ks_engine_stop(e);
  assert_int_equal(ks_engine_run(e), 0);
  assert_int_equal(ks_engine_run(e), 1);
  log_clear(&l);
  ks_engine_free(e);
}

static void count_warning(const gchar *domain, GLogLevelFlags level, const gchar *msg,
                          gpointer data) {
  (*(int *)data)++;
}

static void test_schedule_in_past_is_clamped(void **state) {
  int warnings = 0;
  guint h = g_log_set_handler(NULL, G_LOG_LEVEL_WARNING, count_warning, &warnings);
  KsEngine *e = ks_engine_new();
  Log l;
  log_init(&l);
  Rec r = {&l, 1};
  ks_engine_run_until(e, 50);
  assert_true(ks_engine_schedule(e, 10, record, &r, NULL) != KS_ENGINE_NO_EVENT);
  assert_int_equal(warnings, 1);
  assert_int_equal(ks_engine_next_time(e), 50);
  ks_engine_run(e);
  assert_int_equal(g_array_index(l.times, gint64, 0), 50);
  log_clear(&l);
  ks_engine_free(e);
  g_log_remove_handler(NULL, h);
}

/* --- randomized check against a sorted reference ------------------------ */

typedef struct {
  gint64 at;
  int idx; /* insertion order, the tie-break */
} Ref;

static int ref_cmp(const void *a, const void *b) {
  const Ref *x = a, *y = b;
  if (x->at != y->at)
    return x->at < y->at ? -1 : 1;
  return (x->idx > y->idx) - (x->idx < y->idx);
}

/* 100k events with many equal times, 10% cancelled at random, then run:
 * the run must equal the sorted survivors exactly. */
static void test_random_against_sorted_reference(void **state) {
  enum { N = 100000 };
  KsRng rng;
  ks_rng_init(&rng, 42, "test_engine");
  KsEngine *e = ks_engine_new();
  Log l;
  log_init(&l);
  Rec *recs = g_new(Rec, N);
  Ref *refs = g_new(Ref, N);
  guint64 *ids = g_new(guint64, N);
  gboolean *cancelled = g_new0(gboolean, N);
  for (int i = 0; i < N; i++) {
    recs[i] = (Rec){&l, i};
    refs[i] = (Ref){(gint64)ks_rng_below(&rng, 5000), i};
    ids[i] = ks_engine_schedule(e, refs[i].at, record, &recs[i], NULL);
  }
  int n_cancelled = 0;
  for (int k = 0; k < N / 10; k++) {
    int i = (int)ks_rng_below(&rng, N);
    gboolean ok = ks_engine_cancel(e, ids[i]);
    assert_int_equal(ok, !cancelled[i]);
    n_cancelled += ok;
    cancelled[i] = TRUE;
  }
  assert_int_equal(ks_engine_pending(e), N - n_cancelled);
  qsort(refs, N, sizeof(Ref), ref_cmp);
  assert_int_equal(ks_engine_run(e), N - n_cancelled);
  guint j = 0;
  for (int i = 0; i < N; i++) {
    if (cancelled[refs[i].idx])
      continue;
    assert_int_equal(tag_at(&l, j), refs[i].idx);
    assert_int_equal(g_array_index(l.times, gint64, j), refs[i].at);
    j++;
  }
  assert_int_equal(j, l.tags->len);
  g_free(cancelled);
  g_free(ids);
  g_free(refs);
  g_free(recs);
  log_clear(&l);
  ks_engine_free(e);
}

/* Interleaved schedule/step/cancel, each pop checked against a linear scan
 * of a reference list of pending events. */
/* Random schedules at now + [0, spread), steps and cancels, each step
 * checked against the (time, insertion) order of a reference list. */
static void random_interleaved(guint64 spread, const char *stream) {
  enum { OPS = 20000 };
  KsRng rng;
  ks_rng_init(&rng, 7, stream);
  KsEngine *e = ks_engine_new();
  Log l;
  log_init(&l);
  Rec *recs = g_new(Rec, OPS);
  guint64 *ids = g_new(guint64, OPS);
  GArray *pending = g_array_new(FALSE, FALSE, sizeof(Ref));
  int next = 0;
  for (int op = 0; op < OPS; op++) {
    guint64 dice = ks_rng_below(&rng, 10);
    if (dice < 5) {
      gint64 at = ks_engine_now(e) + (gint64)ks_rng_below(&rng, spread);
      recs[next] = (Rec){&l, next};
      ids[next] = ks_engine_schedule(e, at, record, &recs[next], NULL);
      Ref ref = {at, next++};
      g_array_append_val(pending, ref);
    } else if (dice < 8 || pending->len == 0) {
      guint best = 0;
      for (guint i = 1; i < pending->len; i++)
        if (ref_cmp(&g_array_index(pending, Ref, i), &g_array_index(pending, Ref, best)) < 0)
          best = i;
      gboolean ran = ks_engine_step(e);
      assert_int_equal(ran, pending->len > 0);
      if (ran) {
        assert_int_equal(tag_at(&l, l.tags->len - 1), g_array_index(pending, Ref, best).idx);
        g_array_remove_index_fast(pending, best);
      }
    } else {
      guint i = (guint)ks_rng_below(&rng, pending->len);
      assert_true(ks_engine_cancel(e, ids[g_array_index(pending, Ref, i).idx]));
      g_array_remove_index_fast(pending, i);
    }
    assert_int_equal(ks_engine_pending(e), pending->len);
  }
  g_array_free(pending, TRUE);
  g_free(ids);
  g_free(recs);
  log_clear(&l);
  ks_engine_free(e);
}

static void test_random_interleaved(void **state) {
  random_interleaved(100, "test_engine_interleaved");
}

/* Most events at the current time: the FIFO of "now" events and the heap
 * interleave (and cancel) in exact (time, insertion) order. */
static void test_random_interleaved_now(void **state) {
  random_interleaved(3, "test_engine_interleaved_now");
}

/* An event scheduled at t before time reached t runs before one scheduled
 * at t while at t (the first from the heap, the second from the FIFO of
 * "now" events), and a cancelled "now" event never runs. */
static void schedule_c_and_d_now(KsEngine *e, gpointer data) {
  Rec *r = data; /* r[0] is this event (B); r[2], r[3] are C and D */
  record(e, &r[0]);
  ks_engine_schedule(e, ks_engine_now(e), record, &r[2], NULL);
  guint64 d = ks_engine_schedule(e, ks_engine_now(e), record, &r[3], NULL);
  ks_engine_schedule(e, ks_engine_now(e), record, &r[4], NULL);
  assert_true(ks_engine_cancel(e, d));
  assert_false(ks_engine_cancel(e, d));
}

static void test_now_events_after_earlier_scheduled(void **state) {
  KsEngine *e = ks_engine_new();
  Log l;
  log_init(&l);
  Rec r[5] = {{&l, 1}, {&l, 0}, {&l, 3}, {&l, 4}, {&l, 5}};
  ks_engine_schedule(e, 10, schedule_c_and_d_now, &r[0], NULL); /* B */
  ks_engine_schedule(e, 10, record, &r[1], NULL);              /* A: tag 0 */
  assert_int_equal(ks_engine_pending(e), 2);
  assert_int_equal(ks_engine_run(e), 4);
  int want[] = {1, 0, 3, 5};
  assert_int_equal(l.tags->len, G_N_ELEMENTS(want));
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    assert_int_equal(tag_at(&l, i), want[i]);
    assert_int_equal(g_array_index(l.times, gint64, i), 10);
  }
  assert_int_equal(ks_engine_pending(e), 0);
  assert_int_equal(ks_engine_next_time(e), G_MAXINT64);
  log_clear(&l);
  ks_engine_free(e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_orders_by_time),
      cmocka_unit_test(test_equal_times_run_fifo),
      cmocka_unit_test(test_cancel),
      cmocka_unit_test(test_destroy_notify),
      cmocka_unit_test(test_run_until_leaves_clock_at_end),
      cmocka_unit_test(test_stop),
      cmocka_unit_test(test_schedule_in_past_is_clamped),
      cmocka_unit_test(test_random_against_sorted_reference),
      cmocka_unit_test(test_random_interleaved),
      cmocka_unit_test(test_random_interleaved_now),
      cmocka_unit_test(test_now_events_after_earlier_scheduled),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
