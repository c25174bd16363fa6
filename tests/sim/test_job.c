/* Tests of the Job controller (sim/controllers/job.c) in a small world: the
 * store, the node agent (start-up 1 s, ksim.io/run-time, ksim.io/exit-code)
 * and a binder standing in for the scheduler (every new pod is bound to
 * node-a at once). Times are asserted to the second: pod creations at the
 * upstream back-off (10 s, 20 s, ... after the failure), the sync 1 s after
 * a pod event (syncJobBatchPeriod), conditions and status counters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sim/controllers/deletion.h"
#include "sim/controllers/garbage_collector.h"
#include "sim/controllers/job.h"
#include "sim/controllers/ttl_after_finished.h"
#include "tests/sim/controller_world.h"
#include "workloads/annotations.h"
#include "workloads/batch.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)

typedef struct {
  KsCtlWorld cw; /* no scheduler: bind_pods stands in */
  KsController *jobs, *gc, *ttl;
  guint bind_watch;
  GPtrArray *created; /* "name@seconds" of every pod created */
  GPtrArray *deleted; /* "name@seconds" */
} World;

static void bind_pods(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                      const KsStoreObject *new_obj, gpointer user_data) {
  World *w = user_data;
  gint64 now = ks_engine_now(w->cw.engine);
  if (type == KS_WATCH_DELETED) {
    g_ptr_array_add(w->deleted, g_strdup_printf("%s@%" G_GINT64_FORMAT, old_obj->name,
                                                now / G_USEC_PER_SEC));
    return;
  }
  if (type != KS_WATCH_ADDED)
    return;
  g_ptr_array_add(w->created, g_strdup_printf("%s@%" G_GINT64_FORMAT, new_obj->name,
                                              now / G_USEC_PER_SEC));
  const KsPod *p = new_obj->data;
  if (p->node_name)
    return;
  KsPod *copy = ks_pod_copy(p);
  copy->node_name = g_strdup("node-a");
  assert_true(ks_store_update(s, KS_STORE_POD, new_obj->namespace, new_obj->name, copy,
                              (GDestroyNotify)ks_pod_unref, new_obj->resource_version, NULL));
}

static World *world_new(void) {
  World *w = g_new0(World, 1);
  ks_ctl_world_open(&w->cw);
  w->created = g_ptr_array_new_with_free_func(g_free);
  w->deleted = g_ptr_array_new_with_free_func(g_free);
  w->bind_watch = ks_store_watch(w->cw.store, KS_STORE_POD, bind_pods, w);
  ks_ctl_world_start(&w->cw, FALSE, NULL);
  KsControllerOptions o;
  ks_controller_options_default(&o);
  o.seed = 42;
  w->jobs = ks_controller_new(&ks_job_controller_class, w->cw.store, &o);
  return w;
}

/* With the garbage collector and the TTL-after-finished controller too. */
static World *world_new_gc(void) {
  World *w = world_new();
  KsControllerOptions o;
  ks_controller_options_default(&o);
  w->gc = ks_controller_new(&ks_garbage_collector_class, w->cw.store, &o);
  w->ttl = ks_controller_new(&ks_ttl_after_finished_controller_class, w->cw.store, &o);
  return w;
}

static void world_free(World *w) {
  ks_controller_free(w->ttl);
  ks_controller_free(w->gc);
  ks_controller_free(w->jobs);
  ks_ctl_world_close(&w->cw);
  g_ptr_array_unref(w->created);
  g_ptr_array_unref(w->deleted);
  g_free(w);
}

/* A Job whose pods run run_s seconds (< 0: forever) and exit with exit_code. */
static KsJob *make_job(const char *name, gint64 run_s, int exit_code, KsRestartPolicy policy) {
  KsJob *j = ks_job_new("default", name);
  g_free(j->meta.uid);
  j->meta.uid = g_strdup_printf("uid-%s", name);
  j->meta.generation = 1;
  ks_pod_add_container(j->template, "main", FALSE);
  j->template->restart_policy = policy;
  if (run_s >= 0)
    ks_pod_set_run_time(j->template, S(run_s));
  if (exit_code) {
    char *v = g_strdup_printf("%d", exit_code);
    ks_labels_set(&j->template->annotations, KS_ANNOTATION_EXIT_CODE, v);
    g_free(v);
  }
  return j;
}

typedef struct {
  World *w;
  KsJob *job;
} Put;

static void put_job(KsEngine *e, gpointer data) {
  Put *p = data;
  KsJob *j = p->job;
  p->job = NULL;
  j->meta.creation_timestamp_us = ks_engine_now(e);
  assert_true(ks_store_create(p->w->cw.store, KS_STORE_JOB, j->meta.namespace, j->meta.name, j,
                              (GDestroyNotify)ks_job_free, NULL));
}

static void put_free(gpointer data) {
  Put *p = data;
  if (p->job)
    ks_job_free(p->job);
  g_free(p);
}

static void create_at(World *w, gint64 at, KsJob *j) {
  Put *p = g_new0(Put, 1);
  *p = (Put){w, j};
  ks_engine_schedule(w->cw.engine, at, put_job, p, put_free);
}

static const KsJob *get_job(World *w, const char *name) {
  const KsStoreObject *o = ks_store_get(w->cw.store, KS_STORE_JOB, "default", name);
  assert_non_null(o);
  return o->data;
}

/* "<seconds>,<seconds>,..." of the creations whose names start with prefix */
static char *times_of(GPtrArray *log, const char *prefix) {
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < log->len; i++) {
    const char *e = log->pdata[i];
    if (!g_str_has_prefix(e, prefix))
      continue;
    if (s->len)
      g_string_append_c(s, ',');
    g_string_append(s, strchr(e, '@') + 1);
  }
  return g_string_free(s, FALSE);
}

static void assert_condition(const KsJob *j, const char *type, const char *reason, gint64 at) {
  const KsCondition *c = ks_conditions_get(j->conditions, type);
  if (!c)
    fail_msg("no %s condition", type);
  assert_int_equal(c->status, KS_CONDITION_TRUE);
  assert_string_equal(c->reason, reason);
  assert_int_equal(c->last_transition_time_us, at);
}

/* backoffLimit 2, pods fail 5 s after they start (1 s after creation):
 * pod 1 at 10 s fails at 16 s; the job notices at 17 s and waits 10 s from
 * the failure: pod 2 at 26 s fails at 32 s; 20 s: pod 3 at 52 s fails at
 * 58 s; at 59 s three failures exceed the limit: Failed. */
static void test_backoff_limit(void **state) {
  World *w = world_new();
  KsJob *j = make_job("crash", 5, 1, KS_RESTART_NEVER);
  j->backoff_limit = 2;
  create_at(w, S(10), j);
  ks_engine_run_until(w->cw.engine, S(59) - 1);
  char *t = times_of(w->created, "crash-");
  assert_string_equal(t, "10,26,52");
  g_free(t);
  const KsJob *job = get_job(w, "crash");
  assert_false(ks_job_is_finished(job));
  assert_int_equal(job->failed, 2);
  ks_engine_run_until(w->cw.engine, S(600));
  job = get_job(w, "crash");
  assert_condition(job, KS_JOB_COND_FAILURE_TARGET, KS_JOB_REASON_BACKOFF_LIMIT_EXCEEDED, S(59));
  assert_condition(job, KS_JOB_COND_FAILED, KS_JOB_REASON_BACKOFF_LIMIT_EXCEEDED, S(59));
  assert_string_equal(ks_conditions_get(job->conditions, KS_JOB_COND_FAILED)->message,
                      "Job has reached the specified backoff limit");
  assert_int_equal(job->failed, 3);
  assert_int_equal(job->succeeded, 0);
  assert_int_equal(job->active, 0);
  assert_int_equal(job->start_time_us, S(10));
  assert_int_equal(job->completion_time_us, 0);
  t = times_of(w->created, "crash-");
  assert_string_equal(t, "10,26,52"); /* nothing after the failure */
  g_free(t);
  /* counted pods lose the tracking finalizer; failed pods stay */
  GPtrArray *pods = ks_store_list(w->cw.store, KS_STORE_POD, "default");
  assert_int_equal(pods->len, 3);
  for (guint i = 0; i < pods->len; i++) {
    const KsPod *p = ((const KsStoreObject *)pods->pdata[i])->data;
    assert_int_equal(p->phase, KS_POD_FAILED);
    assert_null(p->finalizers);
    assert_string_equal(ks_pod_get_controller(p)->uid, "uid-crash");
    assert_int_equal(strlen(p->name), strlen("crash-") + 5);
  }
  g_ptr_array_unref(pods);
  world_free(w);
}

/* The back-off doubles up to 10 min (v1.31 code; docs say 6 min). */
static void test_backoff_long(void **state) {
  World *w = world_new();
  KsJob *j = make_job("long", 0, 1, KS_RESTART_NEVER); /* fails 1 s after creation */
  j->backoff_limit = 9;
  create_at(w, S(1), j);
  ks_engine_run_until(w->cw.engine, S(4000));
  /* failures at c+1; next creation at c+1+backoff: 10,20,40,80,160,320,600,600,600 */
  char *t = times_of(w->created, "long-");
  assert_string_equal(t, "1,12,33,74,155,316,637,1238,1839,2440");
  g_free(t);
  const KsJob *job = get_job(w, "long");
  /* the last pod fails at 2441 s, the instant of the sync its creation
   * queued (1 s batch), which sees it already failed */
  assert_condition(job, KS_JOB_COND_FAILED, KS_JOB_REASON_BACKOFF_LIMIT_EXCEEDED, S(2441));
  assert_int_equal(job->failed, 10);
  world_free(w);
}

/* completions 3, parallelism 2: two pods, then one, then Complete. */
static void test_completions(void **state) {
  World *w = world_new();
  KsJob *j = make_job("work", 5, 0, KS_RESTART_NEVER);
  j->completions = 3;
  j->parallelism = 2;
  create_at(w, S(10), j);
  ks_engine_run_until(w->cw.engine, S(100));
  char *t = times_of(w->created, "work-");
  assert_string_equal(t, "10,10,17");
  g_free(t);
  const KsJob *job = get_job(w, "work");
  assert_condition(job, KS_JOB_COND_SUCCESS_CRITERIA_MET, KS_JOB_REASON_COMPLETIONS_REACHED,
                   S(24));
  assert_condition(job, KS_JOB_COND_COMPLETE, KS_JOB_REASON_COMPLETIONS_REACHED, S(24));
  assert_int_equal(job->completion_time_us, S(24));
  assert_int_equal(job->succeeded, 3);
  assert_int_equal(job->failed, 0);
  assert_int_equal(job->active, 0);
  assert_null(job->completed_indexes);
  world_free(w);
}

/* completions unset (a work queue): parallelism pods, done when one has
 * succeeded and none runs; no replacement after a success. */
static void test_work_queue(void **state) {
  World *w = world_new();
  KsJob *j = make_job("queue", 5, 0, KS_RESTART_NEVER);
  j->has_completions = FALSE;
  j->parallelism = 3;
  create_at(w, S(10), j);
  ks_engine_run_until(w->cw.engine, S(100));
  char *t = times_of(w->created, "queue-");
  assert_string_equal(t, "10,10,10");
  g_free(t);
  const KsJob *job = get_job(w, "queue");
  assert_condition(job, KS_JOB_COND_COMPLETE, KS_JOB_REASON_COMPLETIONS_REACHED, S(17));
  assert_int_equal(job->succeeded, 3);
  assert_int_equal(job->active, 0);
  world_free(w);
}

/* Indexed, completions 3, parallelism 2: indexes 0 and 1 first, 2 after. */
static void test_indexed(void **state) {
  World *w = world_new();
  KsJob *j = make_job("idx", 5, 0, KS_RESTART_NEVER);
  j->completions = 3;
  j->parallelism = 2;
  j->completion_mode = KS_COMPLETION_INDEXED;
  create_at(w, S(10), j);
  ks_engine_run_until(w->cw.engine, S(18));
  const KsJob *job = get_job(w, "idx");
  assert_string_equal(job->completed_indexes, "0,1");
  assert_int_equal(job->succeeded, 2);
  ks_engine_run_until(w->cw.engine, S(100));
  char *t = times_of(w->created, "idx-0-");
  assert_string_equal(t, "10");
  g_free(t);
  t = times_of(w->created, "idx-1-");
  assert_string_equal(t, "10");
  g_free(t);
  t = times_of(w->created, "idx-2-");
  assert_string_equal(t, "17");
  g_free(t);
  job = get_job(w, "idx");
  assert_string_equal(job->completed_indexes, "0-2");
  assert_int_equal(job->succeeded, 3);
  assert_condition(job, KS_JOB_COND_COMPLETE, KS_JOB_REASON_COMPLETIONS_REACHED, S(24));
  GPtrArray *pods = ks_store_list(w->cw.store, KS_STORE_POD, "default");
  for (guint i = 0; i < pods->len; i++) {
    const KsStoreObject *o = pods->pdata[i];
    const KsPod *p = o->data;
    const char *ix = ks_labels_get(&p->annotations, KS_LABEL_JOB_COMPLETION_INDEX);
    assert_non_null(ix);
    assert_string_equal(ks_labels_get(&p->labels, KS_LABEL_JOB_COMPLETION_INDEX), ix);
    char *prefix = g_strdup_printf("idx-%s-", ix);
    assert_true(g_str_has_prefix(o->name, prefix));
    assert_int_equal(strlen(o->name), strlen(prefix) + 5);
    g_free(prefix);
  }
  g_ptr_array_unref(pods);
  world_free(w);
}

/* activeDeadlineSeconds 30 with pods that never end: at 40 s the job is
 * past its deadline, its pods are deleted; Failed once they are gone. */
static void test_active_deadline(void **state) {
  World *w = world_new();
  KsJob *j = make_job("slow", -1, 0, KS_RESTART_NEVER);
  j->parallelism = 2;
  j->completions = 4;
  j->has_active_deadline_seconds = TRUE;
  j->active_deadline_seconds = 30;
  create_at(w, S(10), j);
  ks_engine_run_until(w->cw.engine, S(200));
  const KsJob *job = get_job(w, "slow");
  assert_condition(job, KS_JOB_COND_FAILURE_TARGET, KS_JOB_REASON_DEADLINE_EXCEEDED, S(40));
  assert_condition(job, KS_JOB_COND_FAILED, KS_JOB_REASON_DEADLINE_EXCEEDED, S(41));
  assert_string_equal(ks_conditions_get(job->conditions, KS_JOB_COND_FAILED)->message,
                      "Job was active longer than specified deadline");
  assert_int_equal(job->failed, 2);
  assert_int_equal(job->active, 0);
  char *t = times_of(w->deleted, "slow-");
  assert_string_equal(t, "40,40");
  g_free(t);
  assert_int_equal(ks_store_count(w->cw.store, KS_STORE_POD), 0);
  world_free(w);
}

typedef struct {
  World *w;
  gboolean suspend;
} Flip;

static void flip_suspend(KsEngine *e, gpointer data) {
  Flip *f = data;
  const KsStoreObject *o = ks_store_get(f->w->cw.store, KS_STORE_JOB, "default", "pause");
  KsJob *j = ks_job_copy(o->data);
  j->suspend = f->suspend;
  j->meta.generation++;
  assert_true(ks_store_update(f->w->cw.store, KS_STORE_JOB, "default", "pause", j,
                              (GDestroyNotify)ks_job_free, 0, NULL));
}

static void flip_at(World *w, gint64 at, gboolean suspend) {
  Flip *f = g_new0(Flip, 1);
  *f = (Flip){w, suspend};
  ks_engine_schedule(w->cw.engine, at, flip_suspend, f, g_free);
}

/* Created suspended: no pods, no start time, Suspended=True. Resumed at
 * 20 s: pods, startTime 20 s, Suspended=False JobResumed. Suspended again
 * at 30 s: its pods are deleted (not counted as failures). */
static void test_suspend(void **state) {
  World *w = world_new();
  KsJob *j = make_job("pause", -1, 0, KS_RESTART_NEVER);
  j->suspend = TRUE;
  j->parallelism = 2;
  j->completions = 2;
  create_at(w, S(10), j);
  ks_engine_run_until(w->cw.engine, S(15));
  const KsJob *job = get_job(w, "pause");
  assert_int_equal(w->created->len, 0);
  assert_int_equal(job->start_time_us, 0);
  assert_condition(job, KS_JOB_COND_SUSPENDED, KS_JOB_REASON_SUSPENDED, S(10));
  flip_at(w, S(20), FALSE);
  ks_engine_run_until(w->cw.engine, S(25));
  job = get_job(w, "pause");
  char *t = times_of(w->created, "pause-");
  assert_string_equal(t, "20,20");
  g_free(t);
  assert_int_equal(job->start_time_us, S(20));
  const KsCondition *c = ks_conditions_get(job->conditions, KS_JOB_COND_SUSPENDED);
  assert_int_equal(c->status, KS_CONDITION_FALSE);
  assert_string_equal(c->reason, KS_JOB_REASON_RESUMED);
  assert_int_equal(c->last_transition_time_us, S(20));
  assert_int_equal(job->active, 2);
  flip_at(w, S(30), TRUE);
  ks_engine_run_until(w->cw.engine, S(60));
  job = get_job(w, "pause");
  t = times_of(w->deleted, "pause-");
  assert_string_equal(t, "30,30");
  g_free(t);
  assert_int_equal(job->active, 0);
  assert_int_equal(job->failed, 0);
  assert_false(ks_job_is_finished(job));
  assert_condition(job, KS_JOB_COND_SUSPENDED, KS_JOB_REASON_SUSPENDED, S(30));
  world_free(w);
}

/* restartPolicy OnFailure: the pod restarts in place (at once, then after
 * 10 s); restarts count against backoffLimit 2: the second restart (at
 * 31 s) reaches it, the job fails at 32 s and its pod is deleted. */
static void test_on_failure_restarts(void **state) {
  World *w = world_new();
  KsJob *j = make_job("flaky", 5, 3, KS_RESTART_ON_FAILURE);
  j->backoff_limit = 2;
  create_at(w, S(10), j);
  ks_engine_run_until(w->cw.engine, S(31) - 1);
  const KsStoreObject *o = NULL;
  GPtrArray *pods = ks_store_list(w->cw.store, KS_STORE_POD, "default");
  assert_int_equal(pods->len, 1);
  o = pods->pdata[0];
  assert_int_equal(((const KsPod *)o->data)->phase, KS_POD_RUNNING);
  assert_string_equal(ks_labels_get(&((const KsPod *)o->data)->annotations,
                                    KS_ANNOTATION_RESTART_COUNT), "1");
  g_ptr_array_unref(pods);
  ks_engine_run_until(w->cw.engine, S(100));
  const KsJob *job = get_job(w, "flaky");
  assert_condition(job, KS_JOB_COND_FAILURE_TARGET, KS_JOB_REASON_BACKOFF_LIMIT_EXCEEDED, S(32));
  assert_condition(job, KS_JOB_COND_FAILED, KS_JOB_REASON_BACKOFF_LIMIT_EXCEEDED, S(33));
  assert_int_equal(job->failed, 1);
  char *t = times_of(w->deleted, "flaky-");
  assert_string_equal(t, "32");
  g_free(t);
  world_free(w);
}

/* A running pod deleted by someone else (a preemption) counts as failed
 * and is replaced after the back-off. */
static void del_first_pod(KsEngine *e, gpointer data) {
  World *w = data;
  GPtrArray *pods = ks_store_list(w->cw.store, KS_STORE_POD, "default");
  assert_int_equal(pods->len, 1);
  const KsStoreObject *o = pods->pdata[0];
  assert_true(ks_store_delete(w->cw.store, KS_STORE_POD, o->namespace, o->name, 0, NULL));
  g_ptr_array_unref(pods);
}

static void test_vanished_pod(void **state) {
  World *w = world_new();
  KsJob *j = make_job("gone", 100, 0, KS_RESTART_NEVER);
  create_at(w, S(10), j);
  ks_engine_schedule(w->cw.engine, S(20), del_first_pod, w, NULL);
  ks_engine_run_until(w->cw.engine, S(40));
  const KsJob *job = get_job(w, "gone");
  assert_int_equal(job->failed, 1);
  char *t = times_of(w->created, "gone-");
  assert_string_equal(t, "10,30"); /* deleted at 20 s: 10 s back-off from then */
  g_free(t);
  world_free(w);
}

/* ttlSecondsAfterFinished 100: the Job completes at 24 s and is deleted at
 * 124 s with its pods (foreground: the pods first). */
static void test_ttl_after_finished(void **state) {
  World *w = world_new_gc();
  KsJob *j = make_job("ttl", 5, 0, KS_RESTART_NEVER);
  j->completions = 3;
  j->parallelism = 2;
  j->has_ttl_seconds_after_finished = TRUE;
  j->ttl_seconds_after_finished = 100;
  create_at(w, S(10), j);
  ks_engine_run_until(w->cw.engine, S(124) - 1);
  const KsJob *job = get_job(w, "ttl");
  assert_condition(job, KS_JOB_COND_COMPLETE, KS_JOB_REASON_COMPLETIONS_REACHED, S(24));
  assert_int_equal(ks_store_count(w->cw.store, KS_STORE_POD), 3);
  ks_engine_run_until(w->cw.engine, S(200));
  assert_null(ks_store_get(w->cw.store, KS_STORE_JOB, "default", "ttl"));
  assert_int_equal(ks_store_count(w->cw.store, KS_STORE_POD), 0);
  char *t = times_of(w->deleted, "ttl-");
  assert_string_equal(t, "124,124,124");
  g_free(t);
  world_free(w);
}

/* A Job deleted while it runs (background): the garbage collector deletes
 * its pods, whose tracking finalizer the Job controller then removes as
 * orphans', so they go at once. */
static void del_job(KsEngine *e, gpointer data) {
  World *w = data;
  assert_true(ks_object_delete(w->cw.store, KS_STORE_JOB, "default", "bye", KS_PROPAGATION_BACKGROUND,
                               NULL));
}

static void test_job_deleted_cascades(void **state) {
  World *w = world_new_gc();
  KsJob *j = make_job("bye", -1, 0, KS_RESTART_NEVER);
  j->parallelism = 2;
  j->completions = 2;
  create_at(w, S(10), j);
  ks_engine_schedule(w->cw.engine, S(30), del_job, w, NULL);
  ks_engine_run_until(w->cw.engine, S(60));
  assert_null(ks_store_get(w->cw.store, KS_STORE_JOB, "default", "bye"));
  assert_int_equal(ks_store_count(w->cw.store, KS_STORE_POD), 0);
  char *t = times_of(w->deleted, "bye-");
  assert_string_equal(t, "30,30");
  g_free(t);
  world_free(w);
}

/* backoffLimitPerIndex 1: each index may fail twice. Both indexes fail at
 * 16 s; each waits its own 10 s back-off (replacements at 26 s, annotated
 * with one failure); both fail again at 32 s: at 33 s every index has
 * failed: Failed (FailedIndexes). */
static void test_backoff_limit_per_index(void **state) {
  World *w = world_new();
  KsJob *j = make_job("pix", 5, 1, KS_RESTART_NEVER);
  j->completion_mode = KS_COMPLETION_INDEXED;
  j->completions = 2;
  j->parallelism = 2;
  j->has_backoff_limit_per_index = TRUE;
  j->backoff_limit_per_index = 1;
  j->backoff_limit = G_MAXINT32; /* the API server's default with backoffLimitPerIndex */
  create_at(w, S(10), j);
  ks_engine_run_until(w->cw.engine, S(100));
  char *t = times_of(w->created, "pix-0-");
  assert_string_equal(t, "10,26");
  g_free(t);
  t = times_of(w->created, "pix-1-");
  assert_string_equal(t, "10,26");
  g_free(t);
  const KsJob *job = get_job(w, "pix");
  assert_condition(job, KS_JOB_COND_FAILED, KS_JOB_REASON_FAILED_INDEXES, S(33));
  assert_string_equal(ks_conditions_get(job->conditions, KS_JOB_COND_FAILED)->message,
                      "Job has failed indexes");
  assert_string_equal(job->failed_indexes, "0,1");
  assert_int_equal(job->failed, 4);
  GPtrArray *pods = ks_store_list(w->cw.store, KS_STORE_POD, "default");
  guint second = 0;
  for (guint i = 0; i < pods->len; i++) {
    const KsPod *p = ((const KsStoreObject *)pods->pdata[i])->data;
    const char *n = ks_labels_get(&p->annotations, "batch.kubernetes.io/job-index-failure-count");
    assert_non_null(n);
    second += !strcmp(n, "1");
  }
  assert_int_equal(second, 2);
  g_ptr_array_unref(pods);
  world_free(w);
}

/* maxFailedIndexes 1 with backoffLimitPerIndex 0: three indexes fail at
 * 16 s, more than one: MaxFailedIndexesExceeded at 17 s. */
static void test_max_failed_indexes(void **state) {
  World *w = world_new();
  KsJob *j = make_job("mfi", 5, 1, KS_RESTART_NEVER);
  j->completion_mode = KS_COMPLETION_INDEXED;
  j->completions = 3;
  j->parallelism = 3;
  j->has_backoff_limit_per_index = TRUE;
  j->backoff_limit_per_index = 0;
  j->has_max_failed_indexes = TRUE;
  j->max_failed_indexes = 1;
  j->backoff_limit = G_MAXINT32;
  create_at(w, S(10), j);
  ks_engine_run_until(w->cw.engine, S(100));
  const KsJob *job = get_job(w, "mfi");
  assert_condition(job, KS_JOB_COND_FAILED, KS_JOB_REASON_MAX_FAILED_INDEXES_EXCEEDED, S(17));
  assert_string_equal(ks_conditions_get(job->conditions, KS_JOB_COND_FAILED)->message,
                      "Job has exceeded the specified maximal number of failed indexes");
  assert_string_equal(job->failed_indexes, "0-2");
  assert_int_equal(w->created->len, 3);
  world_free(w);
}

/* ---- podFailurePolicy and successPolicy -------------------------------------------- */

static void add_exit_rule(KsJob *j, KsPodFailurePolicyAction action, gint32 code) {
  if (!j->pod_failure_rules)
    j->pod_failure_rules = ks_pod_failure_rule_array_new();
  j->has_pod_failure_policy = TRUE;
  j->pod_replacement_policy = KS_POD_REPLACEMENT_FAILED; /* the default with a policy */
  KsPodFailurePolicyRule r = {0};
  r.action = action;
  r.on_exit_codes = TRUE;
  r.values = g_array_new(FALSE, FALSE, sizeof(gint32));
  g_array_append_val(r.values, code);
  g_array_append_val(j->pod_failure_rules, r);
}

/* A FailJob rule on exit code 42: the first pod fails at 16 s; at 17 s the
 * Job fails with reason PodFailurePolicy and upstream's message, though
 * backoffLimit (6) is far away. */
static void test_pod_failure_policy_fail_job(void **state) {
  World *w = world_new();
  KsJob *j = make_job("pfp", 5, 42, KS_RESTART_NEVER);
  add_exit_rule(j, KS_PFP_ACTION_FAIL_JOB, 42);
  create_at(w, S(10), j);
  ks_engine_run_until(w->cw.engine, S(100));
  assert_int_equal(w->created->len, 1);
  char *pod = g_strndup(w->created->pdata[0], strcspn(w->created->pdata[0], "@"));
  const KsJob *job = get_job(w, "pfp");
  assert_condition(job, KS_JOB_COND_FAILURE_TARGET, KS_JOB_REASON_POD_FAILURE_POLICY, S(17));
  assert_condition(job, KS_JOB_COND_FAILED, KS_JOB_REASON_POD_FAILURE_POLICY, S(17));
  char *want = g_strdup_printf("Container main for pod default/%s failed with exit code 42 "
                               "matching FailJob rule at index 0", pod);
  assert_string_equal(ks_conditions_get(job->conditions, KS_JOB_COND_FAILED)->message, want);
  assert_int_equal(job->failed, 1);
  g_free(want);
  g_free(pod);
  world_free(w);
}

/* onExitCodes with containerName over per-container exit codes (the
 * resource model's container statuses): main runs 10 s and exits 0, worker
 * runs 5 s and exits 42 (ksim.io/run-time.<c>, exit-code.<c>). Rule 0 names
 * main (exit 0: skipped), rule 1 names worker. The pod starts at 11 s,
 * worker terminates at 16 s, main at 21 s: the pod is Failed then, and the
 * Job's sync at 22 s fails it by rule 1. */
static void test_pod_failure_policy_container_name(void **state) {
  World *w = world_new();
  KsJob *j = make_job("pfc", -1, 0, KS_RESTART_NEVER);
  ks_pod_add_container(j->template, "worker", FALSE);
  ks_labels_set(&j->template->annotations, "ksim.io/run-time.main", "10s");
  ks_labels_set(&j->template->annotations, "ksim.io/run-time.worker", "5s");
  ks_labels_set(&j->template->annotations, "ksim.io/exit-code.worker", "42");
  add_exit_rule(j, KS_PFP_ACTION_FAIL_JOB, 42);
  add_exit_rule(j, KS_PFP_ACTION_FAIL_JOB, 42);
  g_array_index(j->pod_failure_rules, KsPodFailurePolicyRule, 0).container_name = g_strdup("main");
  g_array_index(j->pod_failure_rules, KsPodFailurePolicyRule, 1).container_name =
      g_strdup("worker");
  create_at(w, S(10), j);
  ks_engine_run_until(w->cw.engine, S(21) - 1);
  assert_int_equal(w->created->len, 1);
  char *pod = g_strndup(w->created->pdata[0], strcspn(w->created->pdata[0], "@"));
  const KsStoreObject *o = ks_store_get(w->cw.store, KS_STORE_POD, "default", pod);
  const KsPod *p = o->data;
  assert_int_equal(p->phase, KS_POD_RUNNING); /* worker ended, main runs on */
  const KsContainerStatus *wk = &g_array_index(p->container_statuses, KsContainerStatus, 1);
  assert_string_equal(wk->name, "worker");
  assert_int_equal(wk->state.exit_code, 42);
  assert_int_equal(wk->state.finished_at_us, S(16));
  ks_engine_run_until(w->cw.engine, S(100));
  p = ks_store_get(w->cw.store, KS_STORE_POD, "default", pod)->data;
  assert_int_equal(p->phase, KS_POD_FAILED);
  const KsJob *job = get_job(w, "pfc");
  assert_condition(job, KS_JOB_COND_FAILED, KS_JOB_REASON_POD_FAILURE_POLICY, S(22));
  char *want = g_strdup_printf("Container worker for pod default/%s failed with exit code 42 "
                               "matching FailJob rule at index 1", pod);
  assert_string_equal(ks_conditions_get(job->conditions, KS_JOB_COND_FAILED)->message, want);
  assert_int_equal(job->failed, 1);
  assert_int_equal(w->created->len, 1);
  g_free(want);
  g_free(pod);
  world_free(w);
}

static void pattern_clear(gpointer p) { g_free(((KsPodConditionPattern *)p)->type); }

/* onPodConditions over the kubelet's Initialized condition: the pods' init
 * container exits 1 after 5 s (restartPolicy Never), so each pod is Failed
 * with Initialized=False (ContainersNotInitialized) and its app never runs.
 * An Ignore rule on Initialized=False keeps the failures out of
 * status.failed, so backoffLimit 0 never fails the Job. Replacements follow
 * the back-off from upstream's finish time (getFinishedTime): the app
 * container never terminated, so it is the Ready=False transition, the
 * kubelet's first status at 11 s: pod 2 at 21 s (10 s), first status at
 * 22 s, pod 3 at 42 s (20 s). */
static void test_pod_failure_policy_init_condition(void **state) {
  World *w = world_new();
  KsJob *j = make_job("pfi", 60, 0, KS_RESTART_NEVER);
  j->backoff_limit = 0;
  ks_pod_add_container(j->template, "setup", TRUE);
  ks_labels_set(&j->template->annotations, "ksim.io/run-time.setup", "5s");
  ks_labels_set(&j->template->annotations, "ksim.io/exit-code.setup", "1");
  j->pod_failure_rules = ks_pod_failure_rule_array_new();
  j->has_pod_failure_policy = TRUE;
  j->pod_replacement_policy = KS_POD_REPLACEMENT_FAILED;
  KsPodFailurePolicyRule r = {0};
  r.action = KS_PFP_ACTION_IGNORE;
  r.patterns = g_array_new(FALSE, FALSE, sizeof(KsPodConditionPattern));
  g_array_set_clear_func(r.patterns, pattern_clear);
  KsPodConditionPattern pat = {g_strdup(KS_POD_CONDITION_INITIALIZED), KS_CONDITION_FALSE};
  g_array_append_val(r.patterns, pat);
  g_array_append_val(j->pod_failure_rules, r);
  create_at(w, S(10), j);
  ks_engine_run_until(w->cw.engine, S(60));
  char *got = times_of(w->created, "pfi-");
  assert_string_equal(got, "10,21,42");
  g_free(got);
  char *pod = g_strndup(w->created->pdata[0], strcspn(w->created->pdata[0], "@"));
  const KsPod *p = ks_store_get(w->cw.store, KS_STORE_POD, "default", pod)->data;
  assert_int_equal(p->phase, KS_POD_FAILED);
  const KsPodCondition *init = ks_pod_get_condition(p, KS_POD_CONDITION_INITIALIZED);
  assert_int_equal(init->status, KS_POD_CONDITION_FALSE);
  assert_string_equal(init->reason, "ContainersNotInitialized");
  const KsContainerStatus *app = &g_array_index(p->container_statuses, KsContainerStatus, 0);
  assert_string_equal(app->state.reason, "PodInitializing");
  const KsJob *job = get_job(w, "pfi");
  assert_int_equal(job->failed, 0);
  assert_null(ks_conditions_get(job->conditions, KS_JOB_COND_FAILED));
  g_free(pod);
  world_free(w);
}

/* An Ignore rule on exit code 1 with backoffLimit 0: failures never count
 * (status.failed stays 0, the Job never fails), but they still feed the
 * back-off (nonIgnoredFailedPodsCount is for the counter only): pods at
 * 10 s, 26 s (10 s after the failure at 16 s), 52 s (20 s after 32 s), 98 s
 * (40 s after 58 s). */
static void test_pod_failure_policy_ignore(void **state) {
  World *w = world_new();
  KsJob *j = make_job("ign", 5, 1, KS_RESTART_NEVER);
  j->backoff_limit = 0;
  add_exit_rule(j, KS_PFP_ACTION_IGNORE, 1);
  create_at(w, S(10), j);
  ks_engine_run_until(w->cw.engine, S(99));
  char *t = times_of(w->created, "ign-");
  assert_string_equal(t, "10,26,52,98");
  g_free(t);
  const KsJob *job = get_job(w, "ign");
  assert_false(ks_job_is_finished(job));
  assert_null(ks_conditions_get(job->conditions, KS_JOB_COND_FAILURE_TARGET));
  assert_int_equal(job->failed, 0);
  assert_int_equal(job->active, 1);
  world_free(w);
}

/* FailIndex on exit code 1 with backoffLimitPerIndex 3: both indexes fail
 * on their first failure (16 s); at 17 s every index has failed. */
static void test_pod_failure_policy_fail_index(void **state) {
  World *w = world_new();
  KsJob *j = make_job("fix", 5, 1, KS_RESTART_NEVER);
  j->completion_mode = KS_COMPLETION_INDEXED;
  j->completions = 2;
  j->parallelism = 2;
  j->has_backoff_limit_per_index = TRUE;
  j->backoff_limit_per_index = 3;
  j->backoff_limit = G_MAXINT32;
  add_exit_rule(j, KS_PFP_ACTION_FAIL_INDEX, 1);
  create_at(w, S(10), j);
  ks_engine_run_until(w->cw.engine, S(100));
  const KsJob *job = get_job(w, "fix");
  assert_condition(job, KS_JOB_COND_FAILED, KS_JOB_REASON_FAILED_INDEXES, S(17));
  assert_string_equal(job->failed_indexes, "0,1");
  assert_int_equal(job->failed, 2);
  assert_int_equal(w->created->len, 2);
  world_free(w);
}

/* Ignore with backoffLimitPerIndex: the replacement pod carries the
 * ignored-failure count, and its failure count stays 0. */
static void test_pod_failure_policy_ignore_per_index(void **state) {
  World *w = world_new();
  KsJob *j = make_job("ipx", 5, 1, KS_RESTART_NEVER);
  j->completion_mode = KS_COMPLETION_INDEXED;
  j->completions = 1;
  j->parallelism = 1;
  j->has_backoff_limit_per_index = TRUE;
  j->backoff_limit_per_index = 0;
  j->backoff_limit = G_MAXINT32;
  add_exit_rule(j, KS_PFP_ACTION_IGNORE, 1);
  create_at(w, S(10), j);
  ks_engine_run_until(w->cw.engine, S(30));
  char *t = times_of(w->created, "ipx-0-");
  assert_string_equal(t, "10,26");
  g_free(t);
  const KsJob *job = get_job(w, "ipx");
  assert_false(ks_job_is_finished(job));
  assert_string_equal(job->failed_indexes, "");
  const char *second = w->created->pdata[1];
  char *name = g_strndup(second, strcspn(second, "@"));
  const KsPod *p = ks_store_get(w->cw.store, KS_STORE_POD, "default", name)->data;
  assert_string_equal(ks_labels_get(&p->annotations, "batch.kubernetes.io/job-index-failure-count"), "0");
  assert_string_equal(
      ks_labels_get(&p->annotations, "batch.kubernetes.io/job-index-ignored-failure-count"), "1");
  g_free(name);
  world_free(w);
}

typedef struct {
  World *w;
  const char *prefix;
} Finish;

/* The kubelet's part for one pod: it ends Succeeded now. */
static void succeed_pod(KsEngine *e, gpointer data) {
  Finish *f = data;
  GPtrArray *pods = ks_store_list(f->w->cw.store, KS_STORE_POD, "default");
  for (guint i = 0; i < pods->len; i++) {
    const KsStoreObject *o = pods->pdata[i];
    if (!g_str_has_prefix(o->name, f->prefix))
      continue;
    KsPod *copy = ks_pod_copy(o->data);
    copy->phase = KS_POD_SUCCEEDED;
    copy->ready = FALSE;
    copy->ready_since_us = ks_engine_now(e);
    assert_true(ks_store_update(f->w->cw.store, KS_STORE_POD, o->namespace, o->name, copy,
                                (GDestroyNotify)ks_pod_unref, o->resource_version, NULL));
  }
  g_ptr_array_unref(pods);
}

/* successPolicy {succeededIndexes: "1"} on an Indexed Job of 3 pods that
 * run forever: index 1 succeeds at 20 s; at 21 s SuccessCriteriaMet
 * (SuccessPolicy, "Matched rules at index 0") and the other two pods are
 * deleted, not counted as failures; Complete with the same reason follows
 * at the next sync (22 s). */
static void test_success_policy(void **state) {
  World *w = world_new();
  KsJob *j = make_job("sp", -1, 0, KS_RESTART_NEVER);
  j->completion_mode = KS_COMPLETION_INDEXED;
  j->completions = 3;
  j->parallelism = 3;
  j->success_rules = ks_success_rule_array_new();
  KsSuccessPolicyRule r = {g_strdup("1"), FALSE, 0};
  g_array_append_val(j->success_rules, r);
  create_at(w, S(10), j);
  Finish f = {w, "sp-1-"};
  ks_engine_schedule(w->cw.engine, S(20), succeed_pod, &f, NULL);
  ks_engine_run_until(w->cw.engine, S(100));
  const KsJob *job = get_job(w, "sp");
  assert_condition(job, KS_JOB_COND_SUCCESS_CRITERIA_MET, KS_JOB_REASON_SUCCESS_POLICY, S(21));
  assert_string_equal(ks_conditions_get(job->conditions, KS_JOB_COND_SUCCESS_CRITERIA_MET)->message,
                      "Matched rules at index 0");
  assert_condition(job, KS_JOB_COND_COMPLETE, KS_JOB_REASON_SUCCESS_POLICY, S(22));
  assert_string_equal(ks_conditions_get(job->conditions, KS_JOB_COND_COMPLETE)->message,
                      "Matched rules at index 0");
  assert_int_equal(job->completion_time_us, S(22));
  assert_string_equal(job->completed_indexes, "1");
  assert_int_equal(job->succeeded, 1);
  assert_int_equal(job->failed, 0);
  assert_int_equal(job->active, 0);
  char *t = times_of(w->deleted, "sp-0-");
  assert_string_equal(t, "21");
  g_free(t);
  t = times_of(w->deleted, "sp-2-");
  assert_string_equal(t, "21");
  g_free(t);
  assert_int_equal(w->created->len, 3);
  world_free(w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_backoff_limit),   cmocka_unit_test(test_backoff_long),
      cmocka_unit_test(test_completions),     cmocka_unit_test(test_indexed),
      cmocka_unit_test(test_work_queue),
      cmocka_unit_test(test_active_deadline), cmocka_unit_test(test_suspend),
      cmocka_unit_test(test_on_failure_restarts), cmocka_unit_test(test_vanished_pod),
      cmocka_unit_test(test_ttl_after_finished), cmocka_unit_test(test_job_deleted_cascades),
      cmocka_unit_test(test_backoff_limit_per_index), cmocka_unit_test(test_max_failed_indexes),
      cmocka_unit_test(test_pod_failure_policy_fail_job),
      cmocka_unit_test(test_pod_failure_policy_container_name),
      cmocka_unit_test(test_pod_failure_policy_init_condition),
      cmocka_unit_test(test_pod_failure_policy_ignore),
      cmocka_unit_test(test_pod_failure_policy_fail_index),
      cmocka_unit_test(test_pod_failure_policy_ignore_per_index),
      cmocka_unit_test(test_success_policy),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
