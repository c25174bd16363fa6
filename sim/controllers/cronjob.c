/* The CronJob controller (see cronjob.h and docs/controllers.md, "CronJob"):
 * upstream's controllerv2 sync (v1.31): cleanupFinishedJobs, then
 * syncCronJob, one status write, and a requeue at the next activation.
 *
 * Departures: events (UnexpectedJob, SawCompletedJob, MissSchedule,
 * JobAlreadyActive, ...) are not recorded, as ksim has no Event objects;
 * the job template's selector and labels get what the API server would add
 * (batch.kubernetes.io/controller-uid, batch.kubernetes.io/job-name and the
 * legacy pair) because the Job is created here without the API server's
 * defaulting. */
#include "sim/controllers/cronjob.h"

#include <string.h>

#include "sim/controllers/controller_utils.h"
#include "sim/controllers/job.h"
#include "workloads/batch.h"

typedef struct {
  KsController *c;
} CronJobController;

static gboolean job_complete(const KsJob *j) {
  return ks_conditions_is_true(j->conditions, KS_JOB_COND_COMPLETE);
}

static gboolean job_failed(const KsJob *j) {
  return ks_conditions_is_true(j->conditions, KS_JOB_COND_FAILED);
}

static gboolean in_active(const KsCronJob *cj, const char *uid) {
  for (guint i = 0; cj->active && i < cj->active->len; i++)
    if (!g_strcmp0(((KsObjectReference *)cj->active->pdata[i])->uid, uid))
      return TRUE;
  return FALSE;
}

static gboolean in_active_by_name(const KsCronJob *cj, const char *ns, const char *name) {
  for (guint i = 0; cj->active && i < cj->active->len; i++) {
    const KsObjectReference *r = cj->active->pdata[i];
    if (!g_strcmp0(r->name, name) && !g_strcmp0(r->namespace, ns))
      return TRUE;
  }
  return FALSE;
}

static void delete_from_active(KsCronJob *cj, const char *uid) {
  for (guint i = 0; cj->active && i < cj->active->len;) {
    if (!g_strcmp0(((KsObjectReference *)cj->active->pdata[i])->uid, uid))
      g_ptr_array_remove_index(cj->active, i);
    else
      i++;
  }
}

/* byJobStartTime: jobs with a start time first, oldest first, then by name. */
static gint cmp_start(gconstpointer a, gconstpointer b) {
  const KsJob *x = *(const KsJob *const *)a, *y = *(const KsJob *const *)b;
  gboolean hx = x->start_time_us != 0, hy = y->start_time_us != 0;
  if (hx != hy)
    return hx ? -1 : 1;
  if (x->start_time_us != y->start_time_us)
    return x->start_time_us < y->start_time_us ? -1 : 1;
  return strcmp(x->meta.name, y->meta.name);
}

/* deleteJob: the Job goes (its pods follow through the garbage collector)
 * and leaves the active list. */
static gboolean delete_job(KsStore *store, KsCronJob *cj, const KsJob *job) {
  if (!ks_store_delete(store, KS_STORE_JOB, job->meta.namespace, job->meta.name, 0, NULL))
    return FALSE;
  delete_from_active(cj, job->meta.uid);
  return TRUE;
}

static gboolean remove_oldest(KsStore *store, KsCronJob *cj, GPtrArray *jobs, gint32 limit) {
  gint n = (gint)jobs->len - limit;
  if (n <= 0)
    return FALSE;
  g_ptr_array_sort(jobs, cmp_start);
  gboolean changed = FALSE;
  for (gint i = 0; i < n; i++)
    changed |= delete_job(store, cj, jobs->pdata[i]);
  return changed;
}

/* cleanupFinishedJobs */
static gboolean cleanup_finished(KsStore *store, KsCronJob *cj, GPtrArray *jobs) {
  GPtrArray *ok = g_ptr_array_new(), *failed = g_ptr_array_new();
  for (guint i = 0; i < jobs->len; i++) {
    const KsJob *j = ((const KsStoreObject *)jobs->pdata[i])->data;
    if (job_complete(j))
      g_ptr_array_add(ok, (gpointer)j);
    else if (job_failed(j))
      g_ptr_array_add(failed, (gpointer)j);
  }
  gboolean changed = remove_oldest(store, cj, ok, cj->successful_jobs_history_limit);
  changed |= remove_oldest(store, cj, failed, cj->failed_jobs_history_limit);
  g_ptr_array_free(ok, TRUE);
  g_ptr_array_free(failed, TRUE);
  return changed;
}

/* getJobFromTemplate2, plus the API server's defaulting of a new Job. */
static KsJob *job_from_template(KsController *c, const KsCronJob *cj, gint64 scheduled) {
  KsJob *j = ks_job_copy(cj->job_template);
  char *name = ks_cronjob_job_name(cj->meta.name, scheduled);
  g_free(j->meta.name);
  j->meta.name = name;
  g_free(j->meta.namespace);
  j->meta.namespace = g_strdup(cj->meta.namespace);
  g_free(j->meta.uid);
  j->meta.uid = ks_controller_new_uid(ks_controller_rng(c));
  j->meta.creation_timestamp_us = ks_controller_now(c);
  j->meta.generation = 1;
  if (j->meta.owner_references)
    g_array_set_size(j->meta.owner_references, 0);
  ks_owner_reference_array_add(&j->meta.owner_references, "batch/v1", "CronJob", cj->meta.name,
                               cj->meta.uid, TRUE, TRUE);
  const char *labels[][2] = {{KS_LABEL_JOB_CONTROLLER_UID, j->meta.uid},
                             {KS_LABEL_JOB_NAME, j->meta.name},
                             {KS_LABEL_LEGACY_CONTROLLER_UID, j->meta.uid},
                             {KS_LABEL_LEGACY_JOB_NAME, j->meta.name}};
  for (guint i = 0; i < G_N_ELEMENTS(labels); i++)
    ks_labels_set(&j->template->labels, labels[i][0], labels[i][1]);
  /* a fresh status */
  j->active = j->succeeded = j->failed = j->ready = j->terminating = 0;
  j->start_time_us = j->completion_time_us = 0;
  g_clear_pointer(&j->conditions, g_array_unref);
  g_clear_pointer(&j->completed_indexes, g_free);
  g_clear_pointer(&j->failed_indexes, g_free);
  return j;
}

static gboolean owned_by(const KsJob *j, const KsCronJob *cj) {
  const KsOwnerReference *r = ks_object_meta_get_controller(&j->meta);
  return r && !g_strcmp0(r->kind, "CronJob") && !g_strcmp0(r->name, cj->meta.name);
}

/* getJobsToBeReconciled matches a Job's controller by name (not UID): the
 * store's index by controller name finds the candidates without walking the
 * namespace's other Jobs. */
static const char *job_controller_name(const KsStoreObject *obj) {
  const KsOwnerReference *r = ks_object_meta_get_controller(&((const KsJob *)obj->data)->meta);
  return r ? r->name : NULL;
}

/* The namespace's Jobs the CronJob controls, in list order. jobs: emptied
 * first, filled with borrowed pointers into *all (replaced; unref it). */
static void list_jobs(KsStore *store, const KsCronJob *cj, GPtrArray **all, GPtrArray *jobs) {
  guint ix = ks_store_index(store, KS_STORE_JOB, "job-controller-name", job_controller_name);
  if (*all)
    g_ptr_array_unref(*all);
  *all = ks_store_list_by_index(store, ix, cj->meta.name, cj->meta.namespace);
  g_ptr_array_set_size(jobs, 0);
  for (guint i = 0; i < (*all)->len; i++)
    if (owned_by(((const KsStoreObject *)(*all)->pdata[i])->data, cj))
      g_ptr_array_add(jobs, (*all)->pdata[i]);
}

static gboolean active_equal(const GPtrArray *a, const GPtrArray *b) {
  guint na = a ? a->len : 0, nb = b ? b->len : 0;
  if (na != nb)
    return FALSE;
  for (guint i = 0; i < na; i++)
    if (!ks_object_reference_equal(a->pdata[i], b->pdata[i]))
      return FALSE;
  return TRUE;
}

/* syncCronJob: returns the requeue delay, or G_MAXINT64 for none. */
static gint64 sync_cron_job(KsController *c, KsCronJob *cj, GPtrArray *jobs) {
  KsStore *store = ks_controller_store(c);
  gint64 now = ks_controller_now(c);
  for (guint i = 0; i < jobs->len; i++) {
    const KsJob *j = ((const KsStoreObject *)jobs->pdata[i])->data;
    gboolean found = in_active(cj, j->meta.uid), finished = ks_job_is_finished(j);
    if (found && finished) {
      delete_from_active(cj, j->meta.uid);
    } else if (!found && !finished) {
      /* UnexpectedJob: a job of ours we do not remember starting (upstream only
       * warns) */
    } else if (job_complete(j) && j->completion_time_us &&
               j->completion_time_us > cj->last_successful_time_us) {
      cj->last_successful_time_us = j->completion_time_us;
    }
  }
  /* active entries whose Job is gone (MissingJob) */
  for (guint i = 0; cj->active && i < cj->active->len;) {
    const KsObjectReference *r = cj->active->pdata[i];
    if (!ks_store_get(store, KS_STORE_JOB, r->namespace, r->name))
      g_ptr_array_remove_index(cj->active, i);
    else
      i++;
  }
  if (cj->meta.deletion_timestamp_us)
    return G_MAXINT64;
  g_autoptr(GTimeZone) tz = ks_cron_time_zone(cj->time_zone, NULL);
  if (!tz)
    return G_MAXINT64; /* UnknownTimeZone: not until the spec changes */
  if (cj->suspend)
    return G_MAXINT64;
  g_autoptr(KsCronSchedule) sched = ks_cron_parse(cj->schedule, NULL);
  if (!sched)
    return G_MAXINT64; /* UnparseableSchedule */
  KsCronJobTimes t = {sched, tz, cj->meta.creation_timestamp_us,
                      cj->last_schedule_time_us ? cj->last_schedule_time_us : -1,
                      cj->has_starting_deadline_seconds ? cj->starting_deadline_seconds : -1};
  gint64 earliest = 0, scheduled = KS_CRON_NEVER;
  KsCronJobMissed missed;
  if (!ks_cronjob_most_recent_schedule(&t, now, TRUE, &earliest, &scheduled, &missed, NULL))
    return G_MAXINT64; /* InvalidSchedule */
  if (scheduled == KS_CRON_NEVER || scheduled > now)
    return ks_cronjob_next_schedule_delay(&t, now);
  if (cj->has_starting_deadline_seconds &&
      scheduled + cj->starting_deadline_seconds * G_USEC_PER_SEC < now)
    return ks_cronjob_next_schedule_delay(&t, now); /* MissSchedule */
  char *name = ks_cronjob_job_name(cj->meta.name, scheduled);
  gboolean done = in_active_by_name(cj, cj->meta.namespace, name) ||
                  (cj->last_schedule_time_us && cj->last_schedule_time_us == scheduled);
  g_free(name);
  if (done)
    return ks_cronjob_next_schedule_delay(&t, now);
  if (cj->concurrency_policy == KS_CONCURRENCY_FORBID && cj->active && cj->active->len > 0)
    return ks_cronjob_next_schedule_delay(&t, now); /* JobAlreadyActive */
  if (cj->concurrency_policy == KS_CONCURRENCY_REPLACE) {
    while (cj->active && cj->active->len > 0) {
      const KsObjectReference *r = cj->active->pdata[0];
      const KsStoreObject *o = ks_store_get(store, KS_STORE_JOB, r->namespace, r->name);
      if (!o || !delete_job(store, cj, o->data))
        return -1; /* "could not replace job": retry */
    }
  }
  KsJob *job = job_from_template(c, cj, scheduled);
  KsObjectReference *ref = ks_object_reference_new("Job", job->meta.namespace, job->meta.name,
                                                   job->meta.uid);
  ref->api_version = g_strdup("batch/v1");
  char *job_name = g_strdup(job->meta.name);
  GError *error = NULL;
  if (!ks_store_create(store, KS_STORE_JOB, job->meta.namespace, job->meta.name, job,
                       (GDestroyNotify)ks_job_free, &error)) {
    gboolean exists = g_error_matches(error, KS_STORE_ERROR, KS_STORE_ERROR_ALREADY_EXISTS);
    g_error_free(error);
    ks_object_reference_free(ref);
    ref = NULL;
    const KsStoreObject *o = exists ? ks_store_get(store, KS_STORE_JOB, cj->meta.namespace,
                                                   job_name)
                                    : NULL;
    g_free(job_name);
    if (!exists)
      return -1;
    /* made earlier but not recorded (upstream: a crash between the two
     * writes): record it if it is ours and not yet in the active list */
    const KsJob *j = o->data;
    const KsOwnerReference *r = ks_object_meta_get_controller(&j->meta);
    if (!r || g_strcmp0(r->uid, cj->meta.uid) || in_active(cj, j->meta.uid))
      return G_MAXINT64;
    ref = ks_object_reference_new("Job", j->meta.namespace, j->meta.name, j->meta.uid);
    ref->api_version = g_strdup("batch/v1");
  } else {
    g_free(job_name);
  }
  if (!cj->active)
    cj->active = ks_object_reference_array_new();
  g_ptr_array_add(cj->active, ref);
  cj->last_schedule_time_us = scheduled;
  return ks_cronjob_next_schedule_delay(&t, now);
}

static KsSyncResult sync(KsController *c, gpointer self, const char *key) {
  KsStore *store = ks_controller_store(c);
  char *ns = NULL, *name = NULL;
  ks_controller_split_key(key, &ns, &name);
  const KsStoreObject *obj = ks_store_get(store, KS_STORE_CRON_JOB, ns, name);
  g_free(ns);
  g_free(name);
  if (!obj)
    return KS_SYNC_DONE;
  const KsCronJob *cj = obj->data;
  guint64 rv = obj->resource_version;
  GPtrArray *all = NULL;
  GPtrArray *jobs = g_ptr_array_new();
  list_jobs(store, cj, &all, jobs);
  KsCronJob *next = ks_cron_job_copy(cj);
  cleanup_finished(store, next, jobs);
  /* the cleanup may have deleted some: list again for the sync */
  list_jobs(store, cj, &all, jobs);
  gint64 delay = sync_cron_job(c, next, jobs);
  g_ptr_array_free(jobs, TRUE);
  g_ptr_array_unref(all);
  KsSyncResult result = delay == -1 ? KS_SYNC_RETRY : KS_SYNC_DONE;
  if (!active_equal(cj->active, next->active) ||
      cj->last_schedule_time_us != next->last_schedule_time_us ||
      cj->last_successful_time_us != next->last_successful_time_us) {
    if (!ks_store_update(store, KS_STORE_CRON_JOB, cj->meta.namespace, cj->meta.name, next,
                         (GDestroyNotify)ks_cron_job_free, rv, NULL))
      return KS_SYNC_RETRY;
  } else {
    ks_cron_job_free(next);
  }
  if (delay >= 0 && delay < G_MAXINT64)
    ks_controller_enqueue_after(c, key, delay);
  return result;
}

/* ---- informers ----------------------------------------------------------------- */

static void cj_add(KsController *c, gpointer self, const KsStoreObject *obj) {
  ks_controller_enqueue(c, obj);
}

static void cj_update(KsController *c, gpointer self, const KsStoreObject *old_obj,
                      const KsStoreObject *new_obj) {
  const KsCronJob *was = old_obj->data, *cj = new_obj->data;
  if (g_strcmp0(was->schedule, cj->schedule) || g_strcmp0(was->time_zone, cj->time_zone)) {
    /* a new schedule: requeue at its next activation */
    g_autoptr(KsCronSchedule) s = ks_cron_parse(cj->schedule, NULL);
    g_autoptr(GTimeZone) tz = s ? ks_cron_time_zone(cj->time_zone, NULL) : NULL;
    if (!tz)
      return;
    KsCronJobTimes t = {s, tz, cj->meta.creation_timestamp_us,
                        cj->last_schedule_time_us ? cj->last_schedule_time_us : -1, -1};
    gint64 d = ks_cronjob_next_schedule_delay(&t, ks_controller_now(c));
    if (d != G_MAXINT64) {
      char *key = ks_controller_key(new_obj);
      ks_controller_enqueue_after(c, key, d);
      g_free(key);
    }
    return;
  }
  ks_controller_enqueue(c, new_obj);
}

/* The CronJob that controls a Job (resolveControllerRef), enqueued. */
static void enqueue_owner(KsController *c, const KsJob *j) {
  const KsOwnerReference *r = ks_object_meta_get_controller(&j->meta);
  if (!r || g_strcmp0(r->kind, "CronJob"))
    return;
  const KsStoreObject *o =
      ks_store_get(ks_controller_store(c), KS_STORE_CRON_JOB, j->meta.namespace, r->name);
  if (o && !g_strcmp0(((const KsCronJob *)o->data)->meta.uid, r->uid))
    ks_controller_enqueue(c, o);
}

static void job_add(KsController *c, gpointer self, const KsStoreObject *obj) {
  enqueue_owner(c, obj->data);
}

static void job_update(KsController *c, gpointer self, const KsStoreObject *old_obj,
                       const KsStoreObject *new_obj) {
  if (old_obj->resource_version == new_obj->resource_version)
    return;
  enqueue_owner(c, new_obj->data);
}

static void job_del(KsController *c, gpointer self, const KsStoreObject *obj) {
  enqueue_owner(c, obj->data);
}

static gpointer init(KsController *c) {
  CronJobController *cc = g_new0(CronJobController, 1);
  cc->c = c;
  static const KsInformerHandlers cronjobs = {cj_add, cj_update, NULL};
  static const KsInformerHandlers jobs = {job_add, job_update, job_del};
  ks_controller_watch(c, KS_STORE_CRON_JOB, &cronjobs, 0);
  ks_controller_watch(c, KS_STORE_JOB, &jobs, 0);
  return cc;
}

const KsControllerClass ks_cronjob_controller_class = {
    .name = "cronjob",
    .default_workers = KS_CRONJOB_DEFAULT_WORKERS,
    .init = init,
    .sync = sync,
    .free = g_free,
};
