/* Tests of the CronJob controller (sim/controllers/cronjob.c) with the Job
 * controller, the node agent and a binder standing in for the scheduler:
 * a CronJob every 2 h ("0 *\/2 * * *") whose pods run 3 h, over a simulated day, under
 * each concurrencyPolicy, with exact job names, creation and deletion times
 * (to 0.1 s: a sync runs 100 ms after each activation), history limits and
 * status. Sim time 0 is 1970-01-01T00:00:00Z. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sim/controllers/cronjob.h"
#include "sim/controllers/garbage_collector.h"
#include "sim/controllers/job.h"
#include "sim/engine.h"
#include "sim/node_agent.h"
#include "sim/store.h"
#include "workloads/annotations.h"
#include "workloads/batch.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)
#define H(x) S((gint64)(x) * 3600)

typedef struct {
  KsEngine *e;
  KsStore *s;
  KsNodeAgent *agent;
  KsController *jobs, *cronjobs, *gc;
  GString *log; /* "+name@t" / "-name@t" for Jobs, t in seconds with tenths */
} World;

static void log_jobs(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                     const KsStoreObject *new_obj, gpointer user_data) {
  World *w = user_data;
  if (type == KS_WATCH_MODIFIED)
    return;
  gint64 t = ks_engine_now(w->e) / 100000; /* tenths of a second */
  const KsStoreObject *o = new_obj ? new_obj : old_obj;
  g_string_append_printf(w->log, "%c%s@%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT " ",
                         type == KS_WATCH_ADDED ? '+' : '-', o->name, t / 10, t % 10);
}

static void bind_pods(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                      const KsStoreObject *new_obj, gpointer user_data) {
  if (type != KS_WATCH_ADDED || ((const KsPod *)new_obj->data)->node_name)
    return;
  KsPod *copy = ks_pod_copy(new_obj->data);
  copy->node_name = g_strdup("node-a");
  assert_true(ks_store_update(s, KS_STORE_POD, new_obj->namespace, new_obj->name, copy,
                              (GDestroyNotify)ks_pod_unref, new_obj->resource_version, NULL));
}

static World *world_new(void) {
  World *w = g_new0(World, 1);
  w->e = ks_engine_new();
  w->s = ks_store_new(w->e);
  w->log = g_string_new(NULL);
  ks_store_watch(w->s, KS_STORE_POD, bind_pods, w);
  ks_store_watch(w->s, KS_STORE_JOB, log_jobs, w);
  w->agent = ks_node_agent_new(w->s);
  KsControllerOptions o;
  ks_controller_options_default(&o);
  o.seed = 7;
  w->jobs = ks_controller_new(&ks_job_controller_class, w->s, &o);
  w->cronjobs = ks_controller_new(&ks_cronjob_controller_class, w->s, &o);
  w->gc = ks_controller_new(&ks_garbage_collector_class, w->s, &o);
  return w;
}

static void world_free(World *w) {
  ks_controller_free(w->gc);
  ks_controller_free(w->cronjobs);
  ks_controller_free(w->jobs);
  ks_node_agent_free(w->agent);
  ks_store_free(w->s);
  ks_engine_free(w->e);
  g_string_free(w->log, TRUE);
  g_free(w);
}

static KsCronJob *make_cronjob(const char *name, const char *schedule, KsConcurrencyPolicy p) {
  KsCronJob *cj = ks_cron_job_new("default", name);
  g_free(cj->meta.uid);
  cj->meta.uid = g_strdup_printf("uid-%s", name);
  cj->schedule = g_strdup(schedule);
  cj->concurrency_policy = p;
  KsPod *t = cj->job_template->template;
  ks_pod_add_container(t, "main", FALSE);
  t->restart_policy = KS_RESTART_NEVER;
  ks_pod_set_run_time(t, H(3));
  return cj;
}

static void put(KsEngine *e, gpointer data) {
  World *w = ((gpointer *)data)[0];
  KsCronJob *cj = ((gpointer *)data)[1];
  ((gpointer *)data)[1] = NULL;
  cj->meta.creation_timestamp_us = ks_engine_now(e);
  assert_true(ks_store_create(w->s, KS_STORE_CRON_JOB, "default", cj->meta.name, cj,
                              (GDestroyNotify)ks_cron_job_free, NULL));
}

static void put_free(gpointer data) {
  gpointer *p = data;
  if (p[1])
    ks_cron_job_free(p[1]);
  g_free(p);
}

static void create_at(World *w, gint64 at, KsCronJob *cj) {
  gpointer *p = g_new0(gpointer, 2);
  p[0] = w;
  p[1] = cj;
  ks_engine_schedule(w->e, at, put, p, put_free);
}

static const KsCronJob *get_cj(World *w, const char *name) {
  const KsStoreObject *o = ks_store_get(w->s, KS_STORE_CRON_JOB, "default", name);
  assert_non_null(o);
  return o->data;
}

static char *active_names(const KsCronJob *cj) {
  GString *s = g_string_new(NULL);
  for (guint i = 0; cj->active && i < cj->active->len; i++)
    g_string_append_printf(s, "%s%s", i ? " " : "", ((KsObjectReference *)cj->active->pdata[i])->name);
  return g_string_free(s, FALSE);
}

static char *job_names(World *w) {
  GString *s = g_string_new(NULL);
  GPtrArray *jobs = ks_store_list(w->s, KS_STORE_JOB, "default");
  for (guint i = 0; i < jobs->len; i++)
    g_string_append_printf(s, "%s%s", i ? " " : "", ((const KsStoreObject *)jobs->pdata[i])->name);
  g_ptr_array_unref(jobs);
  return g_string_free(s, FALSE);
}

#define END (H(24) + S(1800))

/* Allow: a Job every 2 h whatever runs; a Job completes 3 h 2.1 s after its
 * activation (pod created at +0.1 s, Running 1 s later, 3 h of work, the
 * Job's sync 1 s after); with successfulJobsHistoryLimit 3 the oldest
 * complete Job is deleted when a fourth completes. */
static void test_day_allow(void **state) {
  World *w = world_new();
  create_at(w, S(60), make_cronjob("every", "0 */2 * * *", KS_CONCURRENCY_ALLOW));
  ks_engine_run_until(w->e, END);
  assert_string_equal(w->log->str,
                      "+every-120@7200.1 +every-240@14400.1 +every-360@21600.1 "
                      "+every-480@28800.1 +every-600@36000.1 -every-120@39602.1 "
                      "+every-720@43200.1 -every-240@46802.1 +every-840@50400.1 "
                      "-every-360@54002.1 +every-960@57600.1 -every-480@61202.1 "
                      "+every-1080@64800.1 -every-600@68402.1 +every-1200@72000.1 "
                      "-every-720@75602.1 +every-1320@79200.1 -every-840@82802.1 "
                      "+every-1440@86400.1 ");
  char *names = job_names(w);
  assert_string_equal(names, "every-1080 every-1200 every-1320 every-1440 every-960");
  g_free(names);
  /* the deleted Jobs' pods went with them (garbage collector) */
  assert_int_equal(ks_store_count(w->s, KS_STORE_POD), 5);
  const KsCronJob *cj = get_cj(w, "every");
  char *act = active_names(cj);
  assert_string_equal(act, "every-1320 every-1440");
  g_free(act);
  assert_int_equal(cj->last_schedule_time_us, H(24));
  assert_int_equal(cj->last_successful_time_us, H(20) + H(3) + S(2) + 100000);
  world_free(w);
}

/* Forbid, startingDeadlineSeconds 600: the 4 h activation finds the 2 h Job
 * running and is skipped; when that Job completes (5 h 2.1 s) the missed
 * 4 h start is more than 600 s late; so a Job every 4 h. */
static void test_day_forbid(void **state) {
  World *w = world_new();
  KsCronJob *cj0 = make_cronjob("one", "0 */2 * * *", KS_CONCURRENCY_FORBID);
  cj0->has_starting_deadline_seconds = TRUE;
  cj0->starting_deadline_seconds = 600;
  create_at(w, S(60), cj0);
  ks_engine_run_until(w->e, END);
  assert_string_equal(w->log->str,
                      "+one-120@7200.1 +one-360@21600.1 +one-600@36000.1 +one-840@50400.1 "
                      "-one-120@61202.1 +one-1080@64800.1 -one-360@75602.1 +one-1320@79200.1 ");
  const KsCronJob *cj = get_cj(w, "one");
  char *act = active_names(cj);
  assert_string_equal(act, "one-1320");
  g_free(act);
  assert_int_equal(cj->last_schedule_time_us, H(22));
  world_free(w);
}

/* Forbid without a deadline: the skipped activation is started late, as
 * soon as the running Job completes (upstream starts the most recent missed
 * time); the next one is then skipped in turn. */
static void test_forbid_late_start(void **state) {
  World *w = world_new();
  create_at(w, S(60), make_cronjob("late", "0 */2 * * *", KS_CONCURRENCY_FORBID));
  ks_engine_run_until(w->e, H(12));
  /* the 2 h Job completes at 5:00:02.1 and the 4 h start runs then; that
   * one completes at 8:00:04.1, when the most recent missed start is 8 h
   * (6 h was missed too: only the latest runs); and so on */
  assert_string_equal(w->log->str, "+late-120@7200.1 +late-240@18002.1 +late-480@28804.1 "
                                    "+late-600@39606.1 ");
  world_free(w);
}

/* Replace: every activation deletes the running Job and starts a new one. */
static void test_day_replace(void **state) {
  World *w = world_new();
  create_at(w, S(60), make_cronjob("swap", "0 */2 * * *", KS_CONCURRENCY_REPLACE));
  ks_engine_run_until(w->e, END);
  GString *want = g_string_new("+swap-120@7200.1 ");
  for (int k = 2; k <= 12; k++)
    g_string_append_printf(want, "-swap-%d@%d.1 +swap-%d@%d.1 ", 120 * (k - 1), 7200 * k,
                           120 * k, 7200 * k);
  assert_string_equal(w->log->str, want->str);
  g_string_free(want, TRUE);
  char *names = job_names(w);
  assert_string_equal(names, "swap-1440");
  g_free(names);
  assert_int_equal(ks_store_count(w->s, KS_STORE_POD), 1);
  const KsCronJob *cj = get_cj(w, "swap");
  char *act = active_names(cj);
  assert_string_equal(act, "swap-1440");
  g_free(act);
  assert_int_equal(cj->last_successful_time_us, 0);
  world_free(w);
}

/* suspend: no Job while suspended; a bad schedule or time zone: none at all. */
static void test_suspended_and_invalid(void **state) {
  World *w = world_new();
  KsCronJob *a = make_cronjob("held", "*/5 * * * *", KS_CONCURRENCY_ALLOW);
  a->suspend = TRUE;
  create_at(w, S(1), a);
  create_at(w, S(1), make_cronjob("bad", "61 * * * *", KS_CONCURRENCY_ALLOW));
  KsCronJob *z = make_cronjob("mars", "*/5 * * * *", KS_CONCURRENCY_ALLOW);
  z->time_zone = g_strdup("Mars/Olympus_Mons"); /* UnknownTimeZone: never */
  create_at(w, S(1), z);
  KsCronJob *paris = make_cronjob("paris", "30 7 * * *", KS_CONCURRENCY_ALLOW);
  paris->time_zone = g_strdup("Europe/Paris"); /* CET all of 1970: 07:30 is 06:30Z */
  create_at(w, S(1), paris);
  KsCronJob *off = make_cronjob("east", "0 9 * * *", KS_CONCURRENCY_ALLOW);
  off->time_zone = g_strdup("Etc/GMT-2"); /* 09:00 at UTC+2 is 07:00Z */
  create_at(w, S(1), off);
  ks_engine_run_until(w->e, H(8));
  assert_string_equal(w->log->str, "+paris-390@23400.1 +east-420@25200.1 ");
  world_free(w);
}

static void put_old(KsEngine *e, gpointer data) {
  World *w = ((gpointer *)data)[0];
  KsCronJob *cj = ((gpointer *)data)[1];
  ((gpointer *)data)[1] = NULL;
  /* creationTimestamp as loaded from a file: long before now */
  assert_true(ks_store_create(w->s, KS_STORE_CRON_JOB, "default", cj->meta.name, cj,
                              (GDestroyNotify)ks_cron_job_free, NULL));
}

/* More than 100 missed start times (upstream only warns: TooManyMissedTimes)
 * still start the most recent one; with a startingDeadlineSeconds shorter
 * than the delay, none is started until the next activation. */
static void test_many_missed(void **state) {
  World *w = world_new();
  KsCronJob *a = make_cronjob("busy", "* * * * *", KS_CONCURRENCY_ALLOW);
  a->meta.creation_timestamp_us = S(1);
  KsCronJob *b = make_cronjob("strict", "* * * * *", KS_CONCURRENCY_ALLOW);
  b->meta.creation_timestamp_us = S(1);
  b->has_starting_deadline_seconds = TRUE;
  b->starting_deadline_seconds = 10;
  gpointer *pa = g_new0(gpointer, 2), *pb = g_new0(gpointer, 2);
  pa[0] = pb[0] = w;
  pa[1] = a;
  pb[1] = b;
  ks_engine_schedule(w->e, H(3) + S(30), put_old, pa, put_free);
  ks_engine_schedule(w->e, H(3) + S(30), put_old, pb, put_free);
  ks_engine_run_until(w->e, H(3) + S(61));
  assert_string_equal(w->log->str, "+busy-180@10830.0 +busy-181@10860.1 +strict-181@10860.1 ");
  world_free(w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_day_allow),         cmocka_unit_test(test_day_forbid),
      cmocka_unit_test(test_forbid_late_start), cmocka_unit_test(test_day_replace),
      cmocka_unit_test(test_suspended_and_invalid), cmocka_unit_test(test_many_missed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
