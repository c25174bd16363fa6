/* Benchmark of the event engine and the store's watch path (not a test:
 * it prints figures and asserts nothing about speed).
 *
 *   bench_engine [N]     N events per phase, default 1000000
 *
 * Phases:
 *   fill+drain  schedule N events at random times, then run them all;
 *   hold        the classic "hold" model: a queue of 100k pending events in
 *               which each handler schedules one successor (steady state,
 *               no allocation), N events run;
 *   cancel      schedule N, cancel every other one, drain the rest;
 *   store       N/10 pod creates + updates with two watchers, all delivered.
 */
#include <stdio.h>
#include <stdlib.h>

#include "sched/rng.h"
#include "sim/engine.h"
#include "sim/store.h"

typedef struct {
  KsRng rng;
  guint64 sum; /* keeps the handlers from being optimised away */
} Bench;

static void count(KsEngine *e, gpointer data) {
  Bench *b = data;
  b->sum += (guint64)ks_engine_now(e);
}

static void hold(KsEngine *e, gpointer data) {
  Bench *b = data;
  b->sum++;
  ks_engine_schedule(e, ks_engine_now(e) + 1 + (gint64)ks_rng_below(&b->rng, 1000000), hold, b,
                     NULL);
}

static double seconds_since(gint64 t0) { return (double)(g_get_monotonic_time() - t0) / 1e6; }

static void report(const char *phase, guint64 n, double secs) {
  printf("%-12s %10" G_GUINT64_FORMAT " events  %8.3f s  %7.2f M events/s\n", phase, n, secs,
         (double)n / secs / 1e6);
}

static void bench_fill_drain(guint64 n) {
  Bench b = {0};
  ks_rng_init(&b.rng, 1, "bench");
  KsEngine *e = ks_engine_new();
  gint64 t0 = g_get_monotonic_time();
  for (guint64 i = 0; i < n; i++)
    ks_engine_schedule(e, (gint64)ks_rng_below(&b.rng, 3600000000ull), count, &b, NULL);
  double fill = seconds_since(t0);
  guint64 ran = ks_engine_run(e);
  double total = seconds_since(t0);
  report("schedule", n, fill);
  report("run", ran, total - fill);
  report("fill+drain", ran, total);
  ks_engine_free(e);
}

static void bench_hold(guint64 n) {
  enum { QUEUE = 100000 };
  Bench b = {0};
  ks_rng_init(&b.rng, 2, "bench");
  KsEngine *e = ks_engine_new();
  for (int i = 0; i < QUEUE; i++)
    ks_engine_schedule(e, (gint64)ks_rng_below(&b.rng, 1000000), hold, &b, NULL);
  gint64 t0 = g_get_monotonic_time();
  guint64 ran = 0;
  while (ran < n && ks_engine_step(e))
    ran++;
  report("hold(100k)", ran, seconds_since(t0));
  ks_engine_free(e);
}

static void bench_cancel(guint64 n) {
  Bench b = {0};
  ks_rng_init(&b.rng, 3, "bench");
  KsEngine *e = ks_engine_new();
  guint64 *ids = g_new(guint64, n);
  gint64 t0 = g_get_monotonic_time();
  for (guint64 i = 0; i < n; i++)
    ids[i] = ks_engine_schedule(e, (gint64)ks_rng_below(&b.rng, 3600000000ull), count, &b, NULL);
  for (guint64 i = 0; i < n; i += 2)
    ks_engine_cancel(e, ids[i]);
  ks_engine_run(e);
  report("sched+cancel", n, seconds_since(t0));
  g_free(ids);
  ks_engine_free(e);
}

static void on_pod(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                   const KsStoreObject *new_obj, gpointer user_data) {
  (*(guint64 *)user_data)++;
}

static void bench_store(guint64 n) {
  KsEngine *e = ks_engine_new();
  KsStore *s = ks_store_new(e);
  guint64 delivered = 0;
  ks_store_watch(s, KS_STORE_POD, on_pod, &delivered);
  ks_store_watch(s, KS_STORE_POD, on_pod, &delivered);
  gint64 t0 = g_get_monotonic_time();
  char name[32];
  for (guint64 i = 0; i < n; i++) {
    g_snprintf(name, sizeof name, "pod-%08" G_GUINT64_FORMAT, i);
    ks_store_create(s, KS_STORE_POD, "default", name, NULL, NULL, NULL);
    ks_store_update(s, KS_STORE_POD, "default", name, NULL, NULL, 0, NULL);
    if (i % 64 == 0)
      ks_engine_run(e);
  }
  ks_engine_run(e);
  double secs = seconds_since(t0);
  printf("%-12s %10" G_GUINT64_FORMAT " writes  %8.3f s  %7.2f M writes/s (%" G_GUINT64_FORMAT
         " watch events delivered)\n",
         "store", 2 * n, secs, 2.0 * (double)n / secs / 1e6, delivered);
  ks_store_free(s);
  ks_engine_free(e);
}

int main(int argc, char **argv) {
  guint64 n = argc > 1 ? g_ascii_strtoull(argv[1], NULL, 10) : 1000000;
  if (n == 0) {
    fprintf(stderr, "usage: bench_engine [N>0]\n");
    return 2;
  }
  bench_fill_drain(n);
  bench_hold(n);
  bench_cancel(n);
  bench_store(n / 10 ? n / 10 : 1);
  return 0;
}
