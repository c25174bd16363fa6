/* The Job controller (see job.h and docs/controllers.md, "Job").
 *
 * One sync follows upstream's syncJob: list the job's pods (those whose
 * controller reference is this Job), count the newly finished ones (pods
 * still carrying the job-tracking finalizer), decide whether the Job has
 * failed (back-off limit, active deadline) or succeeded, otherwise create or
 * delete pods (manageJob), then write the status and strip the finalizers
 * of the pods just counted.
 *
 * Departures (docs/controllers.md, "Job"), because the controller cannot
 * crash between two writes:
 * - status.uncountedTerminatedPods is never written: a pod is counted in
 *   the same sync that removes its finalizer (upstream writes the uid to
 *   the status first so a crash cannot lose or double-count it);
 * - deleted pods (preemption victims included) terminate gracefully and
 *   keep the finalizer until a sync counts them (a pod being deleted before
 *   it succeeded counts as failed) and removes it; a pod that vanishes
 *   from the store while still carrying it (only a direct store removal,
 *   which bypasses finalizers) is counted in pod_del the same way;
 * - the terminal condition that follows FailureTarget waits for the next
 *   sync when this sync deleted pods (upstream waits for them to
 *   terminate);
 * - orphan pods matching a Job's selector are not adopted.
 *
 * The back-off record (failures since the last success, time of the last
 * failure) lives in the controller, as upstream's podBackoffStore does.
 */
#include "sim/controllers/job.h"

#include <string.h>

#include "sim/controllers/controller_utils.h"
#include "sim/controllers/deletion.h"
#include "sim/controllers/expectations.h"
#include "sim/pod_create.h"
#include "workloads/annotations.h"
#include "workloads/batch.h"

/* upstream JobIndexFailureCountAnnotation: failures of the index before this pod */
#define ANN_INDEX_FAILURE_COUNT "batch.kubernetes.io/job-index-failure-count"
/* upstream JobIndexIgnoredFailureCountAnnotation: failures a podFailurePolicy Ignore rule forgave */
#define ANN_INDEX_IGNORED_FAILURE_COUNT "batch.kubernetes.io/job-index-ignored-failure-count"

typedef struct {
  gint32 failures;         /* failuresAfterLastSuccess */
  gint64 last_failure_us;  /* lastFailureTime; meaningful when failures > 0 */
} BackoffRecord;

typedef struct {
  gboolean succeeded;
  gboolean counts; /* a failure that counts (not forgiven by an Ignore rule) */
  gint64 finish_us;
} Vanished;

typedef struct {
  KsController *c;
  KsExpectations *exp;
  GHashTable *backoff;  /* job key -> BackoffRecord* */
  GHashTable *vanished; /* job key -> GArray of Vanished: tracked pods deleted uncounted */
} JobController;

/* ---- pods --------------------------------------------------------------------- */

static gboolean pod_has_finalizer(const KsPod *p) {
  return p->finalizers && g_strv_contains((const char *const *)p->finalizers, KS_FINALIZER_JOB_TRACKING);
}

static void pod_remove_finalizer(KsPod *p) {
  if (!pod_has_finalizer(p))
    return;
  GPtrArray *keep = g_ptr_array_new();
  for (char **f = p->finalizers; *f; f++)
    if (strcmp(*f, KS_FINALIZER_JOB_TRACKING))
      g_ptr_array_add(keep, g_strdup(*f));
  g_strfreev(p->finalizers);
  if (keep->len == 0) {
    p->finalizers = NULL;
    g_ptr_array_free(keep, TRUE);
  } else {
    g_ptr_array_add(keep, NULL);
    p->finalizers = (char **)g_ptr_array_free(keep, FALSE);
  }
}

static gboolean pod_terminal(const KsPod *p) {
  return p->phase == KS_POD_SUCCEEDED || p->phase == KS_POD_FAILED;
}

/* controller.FilterActivePods */
static gboolean pod_active(const KsPod *p) {
  return !pod_terminal(p) && p->deletion_timestamp_us == 0;
}

/* isPodFailed with podReplacementPolicy TerminatingOrFailed: a pod being
 * deleted before it succeeded counts as failed. */
static gboolean pod_failed(const KsJob *job, const KsPod *p) {
  if (p->phase == KS_POD_FAILED)
    return TRUE;
  if (job->pod_replacement_policy == KS_POD_REPLACEMENT_FAILED || job->has_pod_failure_policy)
    return FALSE;
  return p->deletion_timestamp_us != 0 && p->phase != KS_POD_SUCCEEDED;
}

/* getFinishTimeFromContainers: the latest finishedAt when every regular
 * container's status is terminated (pods the resource model runs carry
 * them; sidecars are in initContainerStatuses as upstream); -1 otherwise. */
static gint64 containers_finish_time(const KsPod *p) {
  if (!p->container_statuses || !p->containers || p->containers->len == 0)
    return -1;
  gint64 t = -1;
  for (guint i = 0; i < p->container_statuses->len; i++) {
    const KsContainerStatus *s = &g_array_index(p->container_statuses, KsContainerStatus, i);
    gboolean regular = FALSE;
    for (guint k = 0; !regular && k < p->containers->len; k++)
      regular = !g_strcmp0(g_array_index(p->containers, KsContainer, k).name, s->name);
    if (!regular)
      continue;
    if (s->state.kind != KS_CONTAINER_TERMINATED || s->state.finished_at_us <= 0)
      return -1;
    t = MAX(t, s->state.finished_at_us);
  }
  return t;
}

/* getFinishedTime: the containers' latest finish when all terminated, else
 * the Ready=False transition time (the node agent records a terminated
 * pod's; the resource model the first status of a pod that was never
 * Ready), then the deletion timestamp, then the creation time, as upstream
 * falls back. */
static gint64 pod_finish_time(const KsPod *p) {
  gint64 t = containers_finish_time(p);
  if (t >= 0)
    return t;
  if (!p->ready && p->ready_since_us > 0)
    return p->ready_since_us;
  if (p->deletion_timestamp_us)
    return p->deletion_timestamp_us - p->deletion_grace_period_seconds * G_USEC_PER_SEC;
  return p->creation_timestamp_us;
}

/* The completion index annotation; -1 when absent or malformed. */
static gint32 pod_index(const KsPod *p) {
  const char *v = ks_labels_get(&p->annotations, KS_LABEL_JOB_COMPLETION_INDEX);
  gint64 ix = 0;
  if (!v || !*v || !g_ascii_string_to_signed(v, 10, 0, G_MAXINT32, &ix, NULL))
    return -1;
  return (gint32)ix;
}

static gint32 annotation_count(const KsPod *p, const char *key) {
  const char *v = ks_labels_get(&p->annotations, key);
  gint64 n = 0;
  if (!v || !g_ascii_string_to_signed(v, 10, 0, G_MAXINT32, &n, NULL))
    return 0;
  return (gint32)n;
}

static gint32 pod_index_failures(const KsPod *p) {
  return annotation_count(p, ANN_INDEX_FAILURE_COUNT);
}

/* The last failed pod of an index: its failure counts and finish time. */
typedef struct {
  gint32 count;   /* counted failures of the index up to and including this pod */
  gint32 ignored; /* failures an Ignore rule forgave, likewise */
  gint64 finish_us;
} LastFailed;

/* matchPodFailurePolicy for a failed pod of job: whether the failure
 * counts, and whether a FailIndex rule matched. Without a policy every
 * failure counts. */
static gboolean failure_counts(const KsJob *job, const KsPod *p, gboolean *fail_index) {
  KsPodFailurePolicyAction action = KS_PFP_ACTION_COUNT;
  gboolean counts = TRUE;
  gboolean matched = job->pod_failure_rules &&
                     ks_job_match_pod_failure_policy(job->pod_failure_rules, p, &action, &counts,
                                                     NULL);
  if (fail_index)
    *fail_index = matched && action == KS_PFP_ACTION_FAIL_INDEX;
  return counts;
}

static gint32 pod_restarts(const KsPod *p) {
  const char *v = ks_labels_get(&p->annotations, KS_ANNOTATION_RESTART_COUNT);
  gint64 n = 0;
  if (!v || !g_ascii_string_to_signed(v, 10, 0, G_MAXINT32, &n, NULL))
    return 0;
  return (gint32)n;
}

static gboolean owned_by(const KsPod *p, const KsJob *job) {
  const KsOwnerReference *r = ks_pod_get_controller(p);
  return r && !g_strcmp0(r->kind, "Job") && !g_strcmp0(r->name, job->meta.name) &&
         !g_strcmp0(r->uid, job->meta.uid);
}

/* ---- the sync ------------------------------------------------------------------ */

typedef struct {
  JobController *jc;
  const char *key;
  const KsJob *job;   /* as read (transfer none) */
  KsJob *next;        /* the status being built */
  GPtrArray *pods;    /* KsStoreObject* of the job's pods (refs) */
  GPtrArray *active;  /* KsStoreObject* (no refs): active pods */
  GPtrArray *counted; /* KsStoreObject* (no refs): finished pods to count now */
  gint32 n_active, ready, succeeded, failed, terminating;
  GArray *succeeded_indexes; /* Indexed: sorted gint32 */
  GArray *failed_indexes;    /* backoffLimitPerIndex: sorted gint32; else NULL */
  GHashTable *last_failed;   /* backoffLimitPerIndex: index+1 -> LastFailed* */
  BackoffRecord backoff;      /* newBackoffRecord: the record with this sync's finishes */
  gint64 now;
  KsStore *store;
} Sync;

static gint cmp_i32(gconstpointer a, gconstpointer b) {
  gint32 x = *(const gint32 *)a, y = *(const gint32 *)b;
  return (x > y) - (x < y);
}

static gboolean has_index(const GArray *sorted, gint32 ix) {
  guint lo = 0, hi = sorted->len;
  while (lo < hi) {
    guint mid = (lo + hi) / 2;
    gint32 v = g_array_index(sorted, gint32, mid);
    if (v == ix)
      return TRUE;
    if (v < ix)
      lo = mid + 1;
    else
      hi = mid;
  }
  return FALSE;
}

static void add_index(GArray *sorted, gint32 ix) {
  if (has_index(sorted, ix))
    return;
  g_array_append_val(sorted, ix);
  g_array_sort(sorted, cmp_i32);
}

/* Creates one pod from the template; index < 0 for NonIndexed. */
static gboolean create_pod(Sync *s, gint32 index) {
  const KsJob *job = s->job;
  KsRng *rng = ks_controller_rng(s->jc->c);
  char *gen = ks_job_pod_generate_name(job->meta.name, index);
  gboolean ok = FALSE;
  for (int attempt = 0; attempt < 8 && !ok; attempt++) {
    char *name = ks_job_generate_name(gen, rng);
    KsPod *p = ks_pod_copy(job->template);
    g_free(p->name);
    p->name = name;
    g_free(p->namespace);
    p->namespace = g_strdup(job->meta.namespace);
    g_free(p->generate_name);
    p->generate_name = g_strdup(gen);
    g_free(p->uid);
    p->uid = ks_controller_new_uid(rng);
    p->creation_timestamp_us = 0;
    if (p->owner_references)
      g_array_set_size(p->owner_references, 0);
    ks_owner_reference_array_add(&p->owner_references, "batch/v1", "Job", job->meta.name,
                                 job->meta.uid, TRUE, TRUE);
    pod_remove_finalizer(p);
    char **fin = g_new0(char *, (p->finalizers ? g_strv_length(p->finalizers) : 0) + 2);
    guint n = 0;
    for (char **f = p->finalizers; f && *f; f++)
      fin[n++] = g_strdup(*f);
    fin[n] = g_strdup(KS_FINALIZER_JOB_TRACKING);
    g_strfreev(p->finalizers);
    p->finalizers = fin;
    if (index >= 0) {
      char *ix = g_strdup_printf("%d", index);
      ks_labels_set(&p->annotations, KS_LABEL_JOB_COMPLETION_INDEX, ix);
      ks_labels_set(&p->labels, KS_LABEL_JOB_COMPLETION_INDEX, ix); /* PodIndexLabel, beta */
      g_free(ix);
      if (s->last_failed) { /* addIndexFailureCountAnnotation */
        const LastFailed *lf = g_hash_table_lookup(s->last_failed, GINT_TO_POINTER(index + 1));
        char *count = g_strdup_printf("%d", lf ? lf->count : 0);
        ks_labels_set(&p->annotations, ANN_INDEX_FAILURE_COUNT, count);
        g_free(count);
        if (lf && lf->ignored > 0) {
          char *ignored = g_strdup_printf("%d", lf->ignored);
          ks_labels_set(&p->annotations, ANN_INDEX_IGNORED_FAILURE_COUNT, ignored);
          g_free(ignored);
        }
      }
    }
    GError *error = NULL;
    if (ks_sim_create_pod(s->store, p, &error)) {
      ok = TRUE;
    } else if (!g_error_matches(error, KS_STORE_ERROR, KS_STORE_ERROR_ALREADY_EXISTS)) {
      g_warning("job controller: %s/%s: %s", job->meta.namespace, job->meta.name, error->message);
      g_error_free(error);
      break;
    } else {
      g_error_free(error); /* a generated name taken: draw another, as a client retries */
    }
  }
  g_free(gen);
  return ok;
}

/* Deletes a pod the Job no longer wants; its finalizer goes first, so it is
 * not counted (deleteJobPods). */
static gboolean delete_pod(Sync *s, const KsStoreObject *o) {
  const KsPod *p = o->data;
  if (pod_has_finalizer(p) &&
      !ks_object_remove_finalizer(s->store, KS_STORE_POD, o->namespace, o->name,
                                  KS_FINALIZER_JOB_TRACKING, NULL))
    return FALSE;
  if (!ks_store_get(s->store, KS_STORE_POD, o->namespace, o->name))
    return TRUE; /* it was being deleted already: the finalizer was the last thing holding it */
  return ks_object_delete(s->store, KS_STORE_POD, o->namespace, o->name,
                          KS_PROPAGATION_BACKGROUND, NULL);
}

/* activePodsForRemoval: for an Indexed job, pods without a valid index or
 * repeating one go first; then not-ready before ready, unscheduled before
 * scheduled, pending before running. */
static int removal_rank(const KsPod *p) {
  return (p->ready ? 4 : 0) + (p->node_name ? 2 : 0) + (p->phase == KS_POD_RUNNING ? 1 : 0);
}

static gint cmp_removal(gconstpointer a, gconstpointer b) {
  const KsStoreObject *x = *(const KsStoreObject *const *)a, *y = *(const KsStoreObject *const *)b;
  int rx = removal_rank(x->data), ry = removal_rank(y->data);
  if (rx != ry)
    return rx - ry;
  return strcmp(x->name, y->name);
}

static GPtrArray *pods_for_removal(Sync *s, gint32 at_least) {
  GPtrArray *out = g_ptr_array_new();
  GPtrArray *rest = g_ptr_array_new();
  gboolean indexed = s->job->completion_mode == KS_COMPLETION_INDEXED;
  GHashTable *seen = g_hash_table_new(g_direct_hash, g_direct_equal);
  g_ptr_array_sort(s->active, cmp_removal);
  for (guint i = 0; i < s->active->len; i++) {
    const KsStoreObject *o = s->active->pdata[i];
    gint32 ix = pod_index(o->data);
    if (indexed && (ix < 0 || ix >= s->job->completions ||
                    g_hash_table_contains(seen, GINT_TO_POINTER(ix + 1)) ||
                    has_index(s->succeeded_indexes, ix)))
      g_ptr_array_add(out, (gpointer)o);
    else {
      g_hash_table_add(seen, GINT_TO_POINTER(ix + 1));
      g_ptr_array_add(rest, (gpointer)o);
    }
  }
  for (guint i = 0; (gint32)out->len < at_least && i < rest->len; i++)
    g_ptr_array_add(out, rest->pdata[i]);
  g_hash_table_destroy(seen);
  g_ptr_array_free(rest, TRUE);
  return out;
}

static void enqueue_after(JobController *jc, const char *key, gint64 delay) {
  ks_controller_enqueue_after(jc->c, key, MAX(delay, KS_JOB_SYNC_BATCH_PERIOD_US));
}

static BackoffRecord *backoff_record(JobController *jc, const char *key) {
  BackoffRecord *b = g_hash_table_lookup(jc->backoff, key);
  if (!b) {
    b = g_new0(BackoffRecord, 1);
    g_hash_table_insert(jc->backoff, g_strdup(key), b);
  }
  return b;
}

/* newBackoffRecord: failures since the last success among the newly
 * finished pods (by finish time). */
typedef struct {
  gint64 t;
  gboolean ok;
} Finish;

static gint cmp_finish(gconstpointer a, gconstpointer b) {
  const Finish *x = a, *y = b;
  return (x->t > y->t) - (x->t < y->t);
}

static BackoffRecord new_backoff(const BackoffRecord *old, GArray *finishes) {
  BackoffRecord b = *old;
  g_array_sort(finishes, cmp_finish);
  gint64 last_success = G_MININT64;
  gint32 n_fail = 0;
  for (guint i = 0; i < finishes->len; i++) {
    Finish *f = &g_array_index(finishes, Finish, i);
    if (f->ok)
      last_success = f->t;
    else
      n_fail++;
  }
  if (last_success == G_MININT64) {
    if (n_fail) {
      b.failures += n_fail;
      b.last_failure_us = g_array_index(finishes, Finish, finishes->len - 1).t;
    }
    return b;
  }
  b.failures = 0;
  b.last_failure_us = 0;
  for (gint i = (gint)finishes->len - 1; i >= 0; i--) {
    Finish *f = &g_array_index(finishes, Finish, i);
    if (f->ok)
      continue;
    if (f->t <= last_success)
      break;
    if (b.failures == 0)
      b.last_failure_us = f->t;
    b.failures++;
  }
  return b;
}

/* pastBackoffLimitOnFailure */
static gboolean past_backoff_limit_on_failure(const KsJob *job, GPtrArray *pods) {
  if (job->template->restart_policy != KS_RESTART_ON_FAILURE)
    return FALSE;
  gint64 restarts = 0;
  for (guint i = 0; i < pods->len; i++) {
    const KsPod *p = ((const KsStoreObject *)pods->pdata[i])->data;
    if (p->phase == KS_POD_RUNNING || p->phase == KS_POD_PENDING)
      restarts += pod_restarts(p);
  }
  return job->backoff_limit == 0 ? restarts > 0 : restarts >= job->backoff_limit;
}

/* ensureJobConditionStatus: a False condition is only written over an existing one. */
static gboolean ensure_condition(KsJob *j, const char *type, KsConditionStatus st,
                                 const char *reason, const char *msg, gint64 now) {
  const KsCondition *c = ks_conditions_get(j->conditions, type);
  if (c && c->status == st)
    return FALSE;
  if (!c && st != KS_CONDITION_TRUE)
    return FALSE;
  if (c)
    ks_conditions_remove(j->conditions, type);
  ks_conditions_set(&j->conditions, type, st, reason, msg, now);
  return TRUE;
}

static void append_condition(KsJob *j, const char *type, const char *reason, const char *msg,
                             gint64 now) {
  ks_conditions_set(&j->conditions, type, KS_CONDITION_TRUE, reason, msg, now);
}

/* getFailJobMessage: the message of the first failed pod (in name order)
 * that matches a FailJob rule; NULL if none. transfer full */
static char *fail_job_message(const KsJob *job, GPtrArray *pods) {
  if (!job->pod_failure_rules)
    return NULL;
  for (guint i = 0; i < pods->len; i++) {
    const KsPod *p = ((const KsStoreObject *)pods->pdata[i])->data;
    KsPodFailurePolicyAction action;
    gboolean counts;
    char *msg = NULL;
    if (pod_failed(job, p) &&
        ks_job_match_pod_failure_policy(job->pod_failure_rules, p, &action, &counts, &msg) && msg)
      return msg;
  }
  return NULL;
}

/* manageJob; returns the number of active pods after it. */
static gint32 manage(Sync *s) {
  JobController *jc = s->jc;
  const KsJob *job = s->job;
  gint32 active = s->n_active;
  if (job->suspend) {
    GPtrArray *del = pods_for_removal(s, active);
    ks_expectations_expect_deletions(jc->exp, s->key, del->len);
    for (guint i = 0; i < del->len; i++) {
      if (delete_pod(s, del->pdata[i]))
        active--;
      else
        ks_expectations_deletion_observed(jc->exp, s->key);
    }
    g_ptr_array_free(del, TRUE);
    return active;
  }
  gint32 want = ks_job_want_active(job->parallelism, job->has_completions ? job->completions : -1,
                                   s->succeeded, active);
  gint32 rm = MAX(active - want, 0);
  GPtrArray *del = pods_for_removal(s, rm);
  if (del->len > KS_JOB_MAX_POD_CREATE_DELETE_PER_SYNC)
    g_ptr_array_set_size(del, KS_JOB_MAX_POD_CREATE_DELETE_PER_SYNC);
  if (del->len > 0) {
    ks_expectations_expect_deletions(jc->exp, s->key, del->len);
    for (guint i = 0; i < del->len; i++) {
      if (delete_pod(s, del->pdata[i]))
        active--;
      else
        ks_expectations_deletion_observed(jc->exp, s->key);
    }
    g_ptr_array_free(del, TRUE);
    return active;
  }
  g_ptr_array_free(del, TRUE);
  gint32 diff = want - active; /* terminating pods are always 0 here */
  if (diff <= 0)
    return active;
  gint64 remaining =
      s->last_failed ? 0
                     : ks_job_backoff_remaining_us(s->backoff.failures, s->backoff.last_failure_us,
                                                   s->now);
  if (remaining > 0) {
    enqueue_after(jc, s->key, remaining);
    return active;
  }
  diff = MIN(diff, KS_JOB_MAX_POD_CREATE_DELETE_PER_SYNC);
  GArray *indexes = NULL;
  if (job->completion_mode == KS_COMPLETION_INDEXED) {
    /* firstPendingIndexes: the lowest indexes neither succeeded nor running */
    GArray *running = g_array_new(FALSE, FALSE, sizeof(gint32));
    for (guint i = 0; i < s->active->len; i++) {
      gint32 ix = pod_index(((const KsStoreObject *)s->active->pdata[i])->data);
      if (ix >= 0)
        add_index(running, ix);
    }
    indexes = g_array_new(FALSE, FALSE, sizeof(gint32));
    for (gint32 ix = 0; ix < job->completions && (gint32)indexes->len < diff; ix++)
      if (!has_index(s->succeeded_indexes, ix) && !has_index(running, ix) &&
          !(s->failed_indexes && has_index(s->failed_indexes, ix)))
        g_array_append_val(indexes, ix);
    g_array_free(running, TRUE);
    if (s->last_failed) {
      /* getPodCreationInfoForIndependentIndexes: each index waits out its own back-off */
      GArray *now_ok = g_array_new(FALSE, FALSE, sizeof(gint32));
      gint64 min_left = G_MAXINT64;
      for (guint i = 0; i < indexes->len; i++) {
        gint32 ix = g_array_index(indexes, gint32, i);
        const LastFailed *lf = g_hash_table_lookup(s->last_failed, GINT_TO_POINTER(ix + 1));
        /* getRemainingTimePerIndex: every failure of the index, ignored ones too */
        gint64 left =
            lf ? ks_job_backoff_remaining_us(lf->count + lf->ignored, lf->finish_us, s->now) : 0;
        if (left == 0)
          g_array_append_val(now_ok, ix);
        else
          min_left = MIN(min_left, left);
      }
      g_array_free(indexes, TRUE);
      indexes = now_ok;
      if (indexes->len == 0 && min_left != G_MAXINT64) {
        g_array_free(indexes, TRUE);
        enqueue_after(jc, s->key, min_left);
        return active;
      }
    }
    diff = (gint32)indexes->len;
  }
  ks_expectations_expect_creations(jc->exp, s->key, diff);
  /* slow start: batches of 1, 2, 4, ... stop at the first batch with a failure */
  gint32 made = 0, left = diff;
  for (gint32 batch = MIN(left, 1); left > 0; batch = MIN(2 * batch, left)) {
    gint32 failed = 0;
    for (gint32 i = 0; i < batch; i++) {
      gint32 ix = indexes ? g_array_index(indexes, gint32, made + i) : -1;
      if (!create_pod(s, ix)) {
        failed++;
        ks_expectations_creation_observed(jc->exp, s->key);
      }
    }
    made += batch;
    left -= batch;
    active += batch - failed;
    if (failed) {
      for (gint32 i = 0; i < left; i++)
        ks_expectations_creation_observed(jc->exp, s->key);
      break;
    }
  }
  if (indexes)
    g_array_free(indexes, TRUE);
  return active;
}

static gboolean statuses_equal(const KsJob *a, const KsJob *b) {
  if (a->active != b->active || a->ready != b->ready || a->succeeded != b->succeeded ||
      a->failed != b->failed || a->terminating != b->terminating ||
      a->start_time_us != b->start_time_us || a->completion_time_us != b->completion_time_us ||
      g_strcmp0(a->completed_indexes, b->completed_indexes) ||
      g_strcmp0(a->failed_indexes, b->failed_indexes))
    return FALSE;
  guint na = a->conditions ? a->conditions->len : 0, nb = b->conditions ? b->conditions->len : 0;
  if (na != nb)
    return FALSE;
  for (guint i = 0; i < na; i++) {
    const KsCondition *x = &g_array_index(a->conditions, KsCondition, i);
    const KsCondition *y = &g_array_index(b->conditions, KsCondition, i);
    if (strcmp(x->type, y->type) || x->status != y->status || g_strcmp0(x->reason, y->reason) ||
        x->last_transition_time_us != y->last_transition_time_us)
      return FALSE;
  }
  return TRUE;
}

/* Removes the tracking finalizer from pods (an update, or the removal of a
 * pod already being deleted). */
static void strip_finalizers(KsStore *store, GPtrArray *pods) {
  for (guint i = 0; i < pods->len; i++) {
    const KsStoreObject *o = pods->pdata[i];
    if (pod_has_finalizer(o->data))
      ks_object_remove_finalizer(store, KS_STORE_POD, o->namespace, o->name,
                                 KS_FINALIZER_JOB_TRACKING, NULL);
  }
}

static GPtrArray *list_pods(KsStore *store, const KsJob *job) {
  GPtrArray *all = ks_controller_pods_controlled_by(store, job->meta.namespace, job->meta.uid);
  GPtrArray *mine = g_ptr_array_new_with_free_func((GDestroyNotify)ks_store_object_unref);
  for (guint i = 0; i < all->len; i++) {
    const KsStoreObject *o = all->pdata[i];
    if (owned_by(o->data, job))
      g_ptr_array_add(mine, ks_store_object_ref(o));
  }
  g_ptr_array_unref(all);
  return mine;
}

#define ORPHAN_PREFIX "orphan-pod:"

static char *job_key_of(KsStore *store, const KsPod *p);

/* syncOrphanPod: a pod with the tracking finalizer whose Job is gone,
 * finished or being deleted loses the finalizer (so it can go). */
static KsSyncResult sync_orphan(KsController *c, const char *pod_key) {
  KsStore *store = ks_controller_store(c);
  char *ns = NULL, *name = NULL;
  ks_controller_split_key(pod_key, &ns, &name);
  const KsStoreObject *o = ks_store_get(store, KS_STORE_POD, ns, name);
  if (o && pod_has_finalizer(o->data)) {
    char *jk = job_key_of(store, o->data);
    const KsStoreObject *jo = NULL;
    if (jk) {
      char *jns = NULL, *jname = NULL;
      ks_controller_split_key(jk, &jns, &jname);
      jo = ks_store_get(store, KS_STORE_JOB, jns, jname);
      g_free(jns);
      g_free(jname);
    }
    if (!jo || ks_job_is_finished(jo->data))
      ks_object_remove_finalizer(store, KS_STORE_POD, ns, name, KS_FINALIZER_JOB_TRACKING, NULL);
    g_free(jk);
  }
  g_free(ns);
  g_free(name);
  return KS_SYNC_DONE;
}

static KsSyncResult sync_job(KsController *c, gpointer self, const char *key) {
  JobController *jc = self;
  if (g_str_has_prefix(key, ORPHAN_PREFIX))
    return sync_orphan(c, key + strlen(ORPHAN_PREFIX));
  KsStore *store = ks_controller_store(c);
  char *ns = NULL, *name = NULL;
  ks_controller_split_key(key, &ns, &name);
  const KsStoreObject *obj = ks_store_get(store, KS_STORE_JOB, ns, name);
  g_free(ns);
  g_free(name);
  if (!obj) {
    ks_expectations_delete(jc->exp, key);
    g_hash_table_remove(jc->backoff, key);
    g_hash_table_remove(jc->vanished, key);
    return KS_SYNC_DONE;
  }
  guint64 rv = obj->resource_version;
  const KsJob *job = obj->data;
  Sync s = {.jc = jc, .key = key, .job = job, .now = ks_controller_now(c), .store = store};
  s.pods = list_pods(store, job);
  if (ks_job_is_finished(job) || job->meta.deletion_timestamp_us) {
    /* finished, or being deleted (foreground): its pods may all go */
    g_hash_table_remove(jc->backoff, key);
    g_hash_table_remove(jc->vanished, key);
    strip_finalizers(store, s.pods);
    g_ptr_array_unref(s.pods);
    return KS_SYNC_DONE;
  }
  gboolean satisfied = ks_expectations_satisfied(jc->exp, key);
  s.active = g_ptr_array_new();
  s.counted = g_ptr_array_new();
  gboolean indexed = job->completion_mode == KS_COMPLETION_INDEXED;
  s.succeeded_indexes = ks_job_parse_indexes(job->completed_indexes, job->completions);
  gboolean per_index = indexed && job->has_backoff_limit_per_index;
  if (per_index) {
    s.failed_indexes = ks_job_parse_indexes(job->failed_indexes, job->completions);
    s.last_failed = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    for (guint i = 0; i < s.pods->len; i++) {
      const KsPod *p = ((const KsStoreObject *)s.pods->pdata[i])->data;
      gint32 ix = pod_index(p);
      if (ix < 0 || ix >= job->completions || !pod_failed(job, p))
        continue;
      /* isIndexFailed: a FailIndex rule, or a counted failure one more than
       * its annotation says */
      gboolean fail_index = FALSE;
      gboolean counts = failure_counts(job, p, &fail_index);
      if (fail_index || (counts && pod_index_failures(p) >= job->backoff_limit_per_index))
        add_index(s.failed_indexes, ix);
      LastFailed *lf = g_hash_table_lookup(s.last_failed, GINT_TO_POINTER(ix + 1));
      gint64 f = pod_finish_time(p);
      if (!lf) {
        lf = g_new0(LastFailed, 1);
        lf->finish_us = G_MININT64;
        g_hash_table_insert(s.last_failed, GINT_TO_POINTER(ix + 1), lf);
      }
      if (f >= lf->finish_us) { /* getNewIndexFailureCounts */
        lf->finish_us = f;
        lf->count = pod_index_failures(p) + counts;
        lf->ignored = annotation_count(p, ANN_INDEX_IGNORED_FAILURE_COUNT) + !counts;
      }
    }
  }
  GArray *finishes = g_array_new(FALSE, FALSE, sizeof(Finish));
  gint32 new_succeeded = 0, new_failed = 0;
  for (guint i = 0; i < s.pods->len; i++) {
    const KsStoreObject *o = s.pods->pdata[i];
    const KsPod *p = o->data;
    if (pod_active(p)) {
      g_ptr_array_add(s.active, (gpointer)o);
      s.ready += p->ready;
    } else if (p->deletion_timestamp_us && !pod_terminal(p)) {
      s.terminating++;
    }
    if (!pod_has_finalizer(p))
      continue;
    if (p->phase == KS_POD_SUCCEEDED) {
      g_ptr_array_add(s.counted, (gpointer)o);
      Finish f = {pod_finish_time(p), TRUE};
      g_array_append_val(finishes, f);
      gint32 ix = pod_index(p);
      if (!indexed)
        new_succeeded++;
      else if (ix >= 0 && ix < job->completions)
        add_index(s.succeeded_indexes, ix);
    } else if (pod_failed(job, p)) {
      /* the finalizer goes either way; an Ignore rule keeps it out of
       * status.failed (nonIgnoredFailedPodsCount) but not out of the
       * back-off record */
      g_ptr_array_add(s.counted, (gpointer)o);
      Finish f = {pod_finish_time(p), FALSE};
      g_array_append_val(finishes, f);
      new_failed += failure_counts(job, p, NULL);
    }
  }
  GArray *gone = g_hash_table_lookup(jc->vanished, key);
  for (guint i = 0; gone && i < gone->len; i++) {
    Vanished *v = &g_array_index(gone, Vanished, i);
    Finish f = {v->finish_us, v->succeeded};
    g_array_append_val(finishes, f);
    if (v->succeeded)
      new_succeeded += !indexed;
    else
      new_failed += v->counts;
  }
  s.n_active = (gint32)s.active->len;
  s.succeeded = indexed ? (gint32)s.succeeded_indexes->len : job->succeeded + new_succeeded;
  s.failed = job->failed + new_failed;

  KsJob *next = ks_job_copy(job);
  s.next = next;
  if (next->start_time_us == 0 && !job->suspend)
    next->start_time_us = s.now;
  BackoffRecord *brec = backoff_record(jc, key);
  s.backoff = new_backoff(brec, finishes);
  g_array_free(finishes, TRUE);

  /* the verdict */
  const char *fail_reason = NULL, *fail_msg = NULL;
  char *pfp_msg = NULL; /* a FailJob rule's message */
  gboolean failure_target = FALSE; /* a FailureTarget condition is (to be) written */
  const KsCondition *ft = ks_conditions_get(job->conditions, KS_JOB_COND_FAILURE_TARGET);
  gboolean success_met = ks_conditions_is_true(job->conditions, KS_JOB_COND_SUCCESS_CRITERIA_MET);
  gboolean success_now = FALSE; /* the successPolicy was met in this sync */
  if (!success_met && ft && ft->status == KS_CONDITION_TRUE) {
    failure_target = TRUE;
    fail_reason = ft->reason;
    fail_msg = ft->message;
  } else if (!success_met && (pfp_msg = fail_job_message(job, s.pods))) {
    fail_reason = KS_JOB_REASON_POD_FAILURE_POLICY;
    fail_msg = pfp_msg;
  } else if (!success_met) {
    if (s.failed > job->backoff_limit || past_backoff_limit_on_failure(job, s.pods)) {
      fail_reason = KS_JOB_REASON_BACKOFF_LIMIT_EXCEEDED;
      fail_msg = "Job has reached the specified backoff limit";
    } else if (job->has_active_deadline_seconds && next->start_time_us && !job->suspend &&
               s.now - next->start_time_us >= job->active_deadline_seconds * G_USEC_PER_SEC) {
      fail_reason = KS_JOB_REASON_DEADLINE_EXCEEDED;
      fail_msg = "Job was active longer than specified deadline";
    } else if (job->has_active_deadline_seconds && !job->suspend) {
      ks_controller_enqueue_after(c, key, job->active_deadline_seconds * G_USEC_PER_SEC -
                                              (s.now - next->start_time_us));
    }
    if (!fail_reason && per_index) {
      gint32 nf = (gint32)s.failed_indexes->len;
      if (job->has_max_failed_indexes && nf > job->max_failed_indexes) {
        fail_reason = KS_JOB_REASON_MAX_FAILED_INDEXES_EXCEEDED;
        fail_msg = "Job has exceeded the specified maximal number of failed indexes";
      } else if (nf > 0 && nf + (gint32)s.succeeded_indexes->len >= job->completions) {
        fail_reason = KS_JOB_REASON_FAILED_INDEXES;
        fail_msg = "Job has failed indexes";
      }
    }
    char *msg = NULL;
    if (!fail_reason && indexed &&
        ks_job_match_success_policy(job->success_rules, job->completions, s.succeeded_indexes,
                                    &msg)) {
      append_condition(next, KS_JOB_COND_SUCCESS_CRITERIA_MET, KS_JOB_REASON_SUCCESS_POLICY, msg,
                       s.now);
      success_met = success_now = TRUE;
    }
    g_free(msg);
  }
  gboolean finishing = fail_reason != NULL || success_met;
  gint32 active = s.n_active;
  gboolean deleted_now = FALSE;
  if (fail_reason) {
    /* deleteActivePods: every pod still running counts as failed */
    for (guint i = 0; i < s.active->len; i++) {
      const KsStoreObject *o = s.active->pdata[i];
      gboolean tracked = pod_has_finalizer(o->data);
      if (delete_pod(&s, o)) {
        active--;
        deleted_now = TRUE;
        s.failed += tracked;
        s.ready -= ((const KsPod *)o->data)->ready;
      }
    }
    if (!failure_target)
      append_condition(next, KS_JOB_COND_FAILURE_TARGET, fail_reason, fail_msg, s.now);
  } else if (success_now) {
    /* the lingering pods go, and are not failures (isSuccessCriteriaMetCondition) */
    for (guint i = 0; i < s.active->len; i++) {
      const KsStoreObject *o = s.active->pdata[i];
      if (delete_pod(&s, o)) {
        active--;
        deleted_now = TRUE;
        s.ready -= ((const KsPod *)o->data)->ready;
      }
    }
  } else if (!success_met) {
    if (satisfied && job->meta.deletion_timestamp_us == 0)
      active = manage(&s);
    gboolean complete = job->has_completions ? s.succeeded >= job->completions && active == 0
                                             : s.succeeded > 0 && active == 0;
    if (complete) {
      append_condition(next, KS_JOB_COND_SUCCESS_CRITERIA_MET, KS_JOB_REASON_COMPLETIONS_REACHED,
                       "Reached expected number of succeeded pods", s.now);
      success_met = finishing = TRUE;
    } else if (satisfied && job->meta.deletion_timestamp_us == 0) {
      if (job->suspend) {
        ensure_condition(next, KS_JOB_COND_SUSPENDED, KS_CONDITION_TRUE, KS_JOB_REASON_SUSPENDED,
                         "Job suspended", s.now);
      } else if (ensure_condition(next, KS_JOB_COND_SUSPENDED, KS_CONDITION_FALSE,
                                  KS_JOB_REASON_RESUMED, "Job resumed", s.now)) {
        next->start_time_us = s.now; /* resumed: activeDeadlineSeconds counts again */
      }
    }
  }
  next->active = active;
  next->ready = MAX(s.ready, 0);
  next->terminating = s.terminating;
  next->succeeded = s.succeeded;
  next->failed = s.failed;
  if (indexed) {
    g_free(next->completed_indexes);
    next->completed_indexes = ks_job_format_indexes((const gint32 *)s.succeeded_indexes->data,
                                                    s.succeeded_indexes->len);
    if (!*next->completed_indexes && !job->completed_indexes)
      g_clear_pointer(&next->completed_indexes, g_free);
    if (per_index) {
      g_free(next->failed_indexes);
      next->failed_indexes = ks_job_format_indexes((const gint32 *)s.failed_indexes->data,
                                                   s.failed_indexes->len);
    }
  }
  /* enactJobFinished: the terminal condition once no pod is left running */
  if (finishing && !deleted_now) {
    if (fail_reason) {
      ensure_condition(next, KS_JOB_COND_FAILED, KS_CONDITION_TRUE, fail_reason, fail_msg, s.now);
    } else {
      const KsCondition *m = ks_conditions_get(next->conditions, KS_JOB_COND_SUCCESS_CRITERIA_MET);
      ensure_condition(next, KS_JOB_COND_COMPLETE, KS_CONDITION_TRUE, m ? m->reason : NULL,
                       m ? m->message : NULL, s.now);
      next->completion_time_us = s.now;
    }
  }
  KsSyncResult result = KS_SYNC_DONE;
  gboolean changed = !statuses_equal(job, next);
  gboolean counted_any = s.counted->len > 0 || (gone && gone->len > 0);
  if (changed || counted_any) {
    GError *error = NULL;
    if (!ks_store_update(store, KS_STORE_JOB, job->meta.namespace, job->meta.name, next,
                         (GDestroyNotify)ks_job_free, rv, &error)) {
      g_clear_error(&error);
      next = NULL;
      result = KS_SYNC_RETRY; /* a conflict: read again */
    } else {
      next = NULL;
      *brec = s.backoff; /* updateBackoffRecord happens with the status write */
      g_hash_table_remove(jc->vanished, key);
      strip_finalizers(store, s.counted);
    }
  }
  if (next)
    ks_job_free(next);
  g_free(pfp_msg);
  g_array_free(s.succeeded_indexes, TRUE);
  if (s.failed_indexes)
    g_array_free(s.failed_indexes, TRUE);
  if (s.last_failed)
    g_hash_table_destroy(s.last_failed);
  g_ptr_array_free(s.counted, TRUE);
  g_ptr_array_free(s.active, TRUE);
  g_ptr_array_unref(s.pods);
  return result;
}

/* ---- informers ----------------------------------------------------------------- */

/* resolveControllerRef: the key of the Job that controls pod, or NULL. transfer full */
static char *job_key_of(KsStore *store, const KsPod *p) {
  const KsOwnerReference *r = ks_pod_get_controller(p);
  if (!r || g_strcmp0(r->kind, "Job"))
    return NULL;
  const KsStoreObject *o = ks_store_get(store, KS_STORE_JOB, p->namespace, r->name);
  if (!o || g_strcmp0(((const KsJob *)o->data)->meta.uid, r->uid))
    return NULL;
  return ks_controller_key(o);
}

static void enqueue_orphan(KsController *c, const KsStoreObject *obj) {
  if (!pod_has_finalizer(obj->data))
    return;
  char *pk = ks_controller_key(obj);
  char *key = g_strconcat(ORPHAN_PREFIX, pk, NULL);
  ks_controller_enqueue_key(c, key);
  g_free(key);
  g_free(pk);
}

/* The Job of pod's key when it is live; else NULL, and an orphan pod with
 * our finalizer is queued for its cleanup. transfer full */
static char *live_job_key(KsController *c, const KsStoreObject *obj) {
  KsStore *store = ks_controller_store(c);
  char *key = job_key_of(store, obj->data);
  if (key) {
    const KsPod *p = obj->data;
    const KsStoreObject *jo =
        ks_store_get(store, KS_STORE_JOB, p->namespace, ks_pod_get_controller(p)->name);
    if (jo && !ks_job_is_finished(jo->data))
      return key;
    g_free(key);
  }
  enqueue_orphan(c, obj);
  return NULL;
}

static void pod_add(KsController *c, gpointer self, const KsStoreObject *obj) {
  JobController *jc = self;
  char *key = live_job_key(c, obj);
  if (!key)
    return;
  if (((const KsPod *)obj->data)->deletion_timestamp_us == 0)
    ks_expectations_creation_observed(jc->exp, key);
  ks_controller_enqueue_after(c, key, KS_JOB_SYNC_BATCH_PERIOD_US);
  g_free(key);
}

static void pod_update(KsController *c, gpointer self, const KsStoreObject *old_obj,
                       const KsStoreObject *new_obj) {
  if (old_obj->resource_version == new_obj->resource_version)
    return; /* a resync */
  char *key = live_job_key(c, new_obj);
  if (!key)
    return;
  ks_controller_enqueue_after(c, key, KS_JOB_SYNC_BATCH_PERIOD_US);
  g_free(key);
}

static void pod_del(KsController *c, gpointer self, const KsStoreObject *obj) {
  JobController *jc = self;
  KsStore *store = ks_controller_store(c);
  const KsPod *p = obj->data;
  char *key = job_key_of(store, p);
  if (!key)
    return;
  const KsStoreObject *jo = ks_store_get(store, KS_STORE_JOB, p->namespace,
                                         ks_pod_get_controller(p)->name);
  if (jo && ks_job_is_finished(jo->data)) {
    g_free(key);
    return;
  }
  ks_expectations_deletion_observed(jc->exp, key);
  if (pod_has_finalizer(p)) {
    GArray *gone = g_hash_table_lookup(jc->vanished, key);
    if (!gone) {
      gone = g_array_new(FALSE, FALSE, sizeof(Vanished));
      g_hash_table_insert(jc->vanished, g_strdup(key), gone);
    }
    gboolean counts = TRUE;
    if (p->phase == KS_POD_FAILED && jo)
      counts = failure_counts(jo->data, p, NULL);
    Vanished v = {p->phase == KS_POD_SUCCEEDED, counts,
                  pod_terminal(p) ? pod_finish_time(p) : ks_controller_now(c)};
    g_array_append_val(gone, v);
  }
  ks_controller_enqueue_after(c, key, KS_JOB_SYNC_BATCH_PERIOD_US);
  g_free(key);
}

static void job_add(KsController *c, gpointer self, const KsStoreObject *obj) {
  ks_controller_enqueue(c, obj);
}

static void job_update(KsController *c, gpointer self, const KsStoreObject *old_obj,
                       const KsStoreObject *new_obj) {
  const KsJob *was = old_obj->data, *job = new_obj->data;
  char *key = ks_controller_key(new_obj);
  if (was->meta.generation == job->meta.generation)
    ks_controller_enqueue_after(c, key, KS_JOB_SYNC_BATCH_PERIOD_US);
  else
    ks_controller_enqueue(c, new_obj);
  if (job->start_time_us && job->has_active_deadline_seconds &&
      (!was->has_active_deadline_seconds ||
       was->active_deadline_seconds != job->active_deadline_seconds)) {
    gint64 passed = ks_controller_now(c) - job->start_time_us;
    ks_controller_enqueue_after(c, key, job->active_deadline_seconds * G_USEC_PER_SEC - passed);
  }
  g_free(key);
}

static void job_del(KsController *c, gpointer self, const KsStoreObject *obj) {
  ks_controller_enqueue(c, obj);
}

static void vanished_free(gpointer p) { g_array_free(p, TRUE); }

static gpointer job_init(KsController *c) {
  JobController *jc = g_new0(JobController, 1);
  jc->c = c;
  jc->exp = ks_expectations_new(ks_controller_engine(c));
  jc->backoff = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  jc->vanished = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, vanished_free);
  static const KsInformerHandlers jobs = {job_add, job_update, job_del};
  static const KsInformerHandlers pods = {pod_add, pod_update, pod_del};
  ks_controller_watch(c, KS_STORE_JOB, &jobs, 0);
  ks_controller_watch(c, KS_STORE_POD, &pods, 0);
  return jc;
}

static void job_free(gpointer self) {
  JobController *jc = self;
  ks_expectations_free(jc->exp);
  g_hash_table_destroy(jc->backoff);
  g_hash_table_destroy(jc->vanished);
  g_free(jc);
}

const KsControllerClass ks_job_controller_class = {
    .name = "job",
    .default_workers = KS_JOB_DEFAULT_WORKERS,
    .init = job_init,
    .sync = sync_job,
    .free = job_free,
};
