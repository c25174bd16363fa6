/* See pod_termination.h. Each terminating pod has at most one pending
 * engine event, kept under "ns/name" with the time it is due: an earlier
 * one for the same pod (a shortened grace) cancels and replaces it; the
 * pod's delete cancels it. A kubelet that is down when the
 * event fires leaves the pod alone; when it comes back, every terminating
 * pod of its node is looked at again. */
#include "sim/kubelet/pod_termination.h"

#include "sim/controllers/deletion.h"
#include "sim/node_faults.h"
#include "workloads/annotations.h"
#include "workloads/duration.h"

gint64 ks_pod_deletion_grace_seconds(const KsPod *pod, const gint64 *requested) {
  gint64 period = requested ? *requested : pod->termination_grace_period_seconds;
  if (!pod->node_name || !*pod->node_name)
    period = 0; /* not scheduled: nothing runs it */
  if (pod->phase == KS_POD_SUCCEEDED || pod->phase == KS_POD_FAILED)
    period = 0; /* already terminated */
  return period < 0 ? 1 : period;
}

gint64 ks_pod_shutdown_time_us(const KsPod *pod) {
  const char *v = ks_labels_get(&pod->annotations, KS_ANNOTATION_SHUTDOWN_TIME);
  gint64 us = 0;
  if (!v || !ks_duration_parse(v, &us, NULL) || us < 0)
    return 0;
  return us;
}

gint64 ks_pod_kill_duration_us(const KsPod *pod, gint64 grace_seconds) {
  return MIN(ks_pod_shutdown_time_us(pod), MAX(grace_seconds, 0) * G_USEC_PER_SEC);
}

gint64 ks_pod_termination_due_us(const KsPod *pod) {
  gint64 grace = pod->deletion_grace_period_seconds;
  return pod->deletion_timestamp_us - grace * G_USEC_PER_SEC + ks_pod_kill_duration_us(pod, grace);
}

KsPodPhase ks_pod_killed_phase(const KsPod *pod, gint64 grace_seconds) {
  if (ks_pod_shutdown_time_us(pod) > MAX(grace_seconds, 0) * G_USEC_PER_SEC)
    return KS_POD_FAILED; /* SIGKILL: exit code 137 */
  const char *v = ks_labels_get(&pod->annotations, KS_ANNOTATION_EXIT_CODE);
  gint64 code = 0;
  if (v && !g_ascii_string_to_signed(v, 10, G_MININT32, G_MAXINT32, &code, NULL))
    code = 1; /* as the node agent reads it */
  return code == 0 ? KS_POD_SUCCEEDED : KS_POD_FAILED;
}

gboolean ks_pod_kubelet_up(KsStore *store, const KsPod *pod) {
  if (!pod->node_name)
    return TRUE;
  const KsStoreObject *o = ks_store_get(store, KS_STORE_NODE, NULL, pod->node_name);
  return !o || !ks_node_fault_is_down(o->data);
}

/* ---- the kubelets ------------------------------------------------------------------- */

struct KsPodTermination {
  KsStore *store;
  KsEngine *engine;
  guint pod_watch, node_watch;
  GHashTable *due;  /* "ns/name" -> Pending* */
  GHashTable *down; /* node names whose kubelet is down */
  guint64 finished;
};

typedef struct {
  gint64 due;
  guint64 event;
} Pending;

typedef struct {
  KsPodTermination *t;
  char *key, *namespace, *name;
} Finish;

static void finish_free(gpointer p) {
  Finish *f = p;
  g_free(f->key);
  g_free(f->namespace);
  g_free(f->name);
  g_free(f);
}

static gboolean gracefully_terminating(const KsPod *pod) {
  return pod->deletion_timestamp_us != 0 && pod->deletion_grace_period_seconds > 0 &&
         pod->node_name != NULL;
}

/* The kill is over: the terminal status, then the DELETE with grace 0. */
static void finish(KsEngine *e, gpointer data) {
  Finish *f = data;
  KsPodTermination *t = f->t;
  g_hash_table_remove(t->due, f->key); /* this event is the pending one */
  const KsStoreObject *o = ks_store_get(t->store, KS_STORE_POD, f->namespace, f->name);
  if (!o || !gracefully_terminating(o->data) || !ks_pod_kubelet_up(t->store, o->data))
    return; /* a down kubelet: looked at again when it is back */
  const KsPod *pod = o->data;
  GError *error = NULL;
  if (pod->phase != KS_POD_SUCCEEDED && pod->phase != KS_POD_FAILED) {
    KsPod *copy = ks_pod_copy(pod);
    copy->phase = ks_pod_killed_phase(pod, pod->deletion_grace_period_seconds);
    if (copy->ready) {
      copy->ready = FALSE;
      copy->ready_since_us = ks_engine_now(e);
    }
    if (!ks_store_update(t->store, KS_STORE_POD, f->namespace, f->name, copy,
                         (GDestroyNotify)ks_pod_unref, o->resource_version, &error)) {
      g_warning("kubelet: %s", error->message);
      g_clear_error(&error);
      return;
    }
  }
  const gint64 zero = 0;
  if (ks_object_delete_grace(t->store, KS_STORE_POD, f->namespace, f->name,
                             KS_PROPAGATION_BACKGROUND, &zero, &error))
    t->finished++;
  else {
    g_warning("kubelet: %s", error->message);
    g_error_free(error);
  }
}

/* Schedules (or brings forward) the end of pod's termination. */
static void consider(KsPodTermination *t, const KsPod *pod) {
  if (!gracefully_terminating(pod) || g_hash_table_contains(t->down, pod->node_name))
    return;
  gint64 now = ks_engine_now(t->engine);
  gint64 at = pod->phase == KS_POD_SUCCEEDED || pod->phase == KS_POD_FAILED
                  ? now /* it ended by itself: the kubelet deletes it now */
                  : MAX(now, ks_pod_termination_due_us(pod));
  char *key = g_strdup_printf("%s/%s", pod->namespace, pod->name);
  Pending *p = g_hash_table_lookup(t->due, key);
  if (p && p->due <= at) {
    g_free(key);
    return;
  }
  if (p)
    ks_engine_cancel(t->engine, p->event);
  else {
    p = g_new0(Pending, 1);
    g_hash_table_insert(t->due, g_strdup(key), p);
  }
  Finish *f = g_new0(Finish, 1);
  *f = (Finish){t, key, g_strdup(pod->namespace), g_strdup(pod->name)};
  p->due = at;
  p->event = ks_engine_schedule(t->engine, at, finish, f, finish_free);
}

static void cancel_pending(gpointer key, gpointer value, gpointer data) {
  (void)key;
  ks_engine_cancel(data, ((Pending *)value)->event);
}

static void pod_watch(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                      const KsStoreObject *new_obj, gpointer user_data) {
  (void)s;
  KsPodTermination *t = user_data;
  if (type == KS_WATCH_DELETED) {
    char *key = g_strdup_printf("%s/%s", old_obj->namespace, old_obj->name);
    Pending *p = g_hash_table_lookup(t->due, key);
    if (p) {
      ks_engine_cancel(t->engine, p->event);
      g_hash_table_remove(t->due, key);
    }
    g_free(key);
    return;
  }
  consider(t, new_obj->data);
}

static void node_back(KsPodTermination *t, const char *node) {
  GPtrArray *pods = ks_store_list(t->store, KS_STORE_POD, NULL);
  for (guint i = 0; i < pods->len; i++) {
    const KsPod *p = ((const KsStoreObject *)pods->pdata[i])->data;
    if (g_strcmp0(p->node_name, node) == 0)
      consider(t, p);
  }
  g_ptr_array_unref(pods);
}

static void node_watch(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                       const KsStoreObject *new_obj, gpointer user_data) {
  (void)s;
  KsPodTermination *t = user_data;
  if (type == KS_WATCH_DELETED) {
    g_hash_table_remove(t->down, ((const KsNode *)old_obj->data)->name);
    return;
  }
  const KsNode *n = new_obj->data;
  if (ks_node_fault_is_down(n))
    g_hash_table_add(t->down, g_strdup(n->name));
  else if (g_hash_table_remove(t->down, n->name))
    node_back(t, n->name);
}

KsPodTermination *ks_pod_termination_new(KsStore *store) {
  KsPodTermination *t = g_new0(KsPodTermination, 1);
  t->store = store;
  t->engine = ks_store_get_engine(store);
  t->due = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  t->down = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  t->pod_watch = ks_store_watch(store, KS_STORE_POD, pod_watch, t);
  t->node_watch = ks_store_watch(store, KS_STORE_NODE, node_watch, t);
  return t;
}

void ks_pod_termination_free(KsPodTermination *t) {
  if (!t)
    return;
  ks_store_unwatch(t->store, t->pod_watch);
  ks_store_unwatch(t->store, t->node_watch);
  g_hash_table_foreach(t->due, cancel_pending, t->engine);
  g_hash_table_destroy(t->due);
  g_hash_table_destroy(t->down);
  g_free(t);
}

guint64 ks_pod_termination_finished(const KsPodTermination *t) { return t ? t->finished : 0; }
