/* The timeline's drain: kubectl drain NODE (v1.31 k8s.io/kubectl/pkg/drain
 * and cmd/drain).
 *
 * 1. Cordon: spec.unschedulable = true (nothing written if it already is).
 * 2. The pods bound to the node, in store order, through kubectl's filters
 *    in order, the first that does not delete a pod deciding for it:
 *    DaemonSet-managed (not finished): kept with ignoreDaemonSets, else an
 *    error; one whose DaemonSet is gone is deleted with force, else an
 *    error); mirror pods (annotation kubernetes.io/config.mirror): skipped;
 *    emptyDir volumes (not finished): an error unless deleteEmptyDirData;
 *    no controller (not finished): an error unless force. Any error and
 *    nothing is evicted: the drain stops there, the node stays cordoned.
 * 3. Every remaining pod is evicted through the Eviction API
 *    (sim/eviction.h), all at the drain's instant in pod order. A refusal
 *    (429: a PodDisruptionBudget allows no disruption) is retried every 5 s
 *    until the eviction goes through or `timeout` (from the drain's start;
 *    0 = none) has passed; the first refusal of each pod and the timeout
 *    are warnings, in kubectl's words. A pod that is gone or was replaced
 *    (another uid, e.g. a StatefulSet member recreated) counts as evicted.
 * Each eviction carries the action's gracePeriodSeconds (kubectl drain
 * --grace-period; absent: -1, each pod's own) as its DeleteOptions: the
 * pods then terminate gracefully (sim/kubelet/pod_termination.h). kubectl's
 * wait for the pods to be gone changes nothing in the cluster, so the
 * drain does not model it.
 */
#include "sim/timeline_actions.h"

#include <string.h>

#include "sim/eviction.h"
#include "workloads/apps.h"

#define RETRY_US ((gint64)5 * G_USEC_PER_SEC)
#define MIRROR_ANNOTATION "kubernetes.io/config.mirror"
#define DS_FATAL "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)"
#define LOCAL_STORAGE_FATAL "Pods with local storage (use --delete-emptydir-data to override)"
#define UNMANAGED_FATAL "cannot delete Pods that declare no controller (use --force to override)"

typedef struct {
  KsTimeline *t;
  const KsTimelineAction *a;
  char *ns, *name, *uid; /* the pod being evicted */
  gint64 deadline_us;    /* G_MAXINT64: no timeout */
  gboolean refused;      /* a 429 was reported already */
  gboolean done;
} Eviction;

static void eviction_free(gpointer p) {
  Eviction *ev = p;
  g_free(ev->ns);
  g_free(ev->name);
  g_free(ev->uid);
  g_free(ev);
}

void ks_timeline_drains_free(KsTimeline *t) {
  for (guint i = 0; i < t->drains->len; i++)
    eviction_free(t->drains->pdata[i]);
  g_ptr_array_set_size(t->drains, 0);
}

/* Go's time.Duration.String for the durations a timeout takes ("1m0s",
 * "30s", "1h0m0s", "1.5s", "500ms"). transfer full */
static char *go_duration(gint64 us) {
  if (us < G_USEC_PER_SEC)
    return us % 1000 == 0 ? g_strdup_printf("%" G_GINT64_FORMAT "ms", us / 1000)
                          : g_strdup_printf("%" G_GINT64_FORMAT "\xc2\xb5s", us);
  gint64 h = us / ((gint64)3600 * G_USEC_PER_SEC), m = us / (60 * G_USEC_PER_SEC) % 60;
  gint64 s = us / G_USEC_PER_SEC % 60, frac = us % G_USEC_PER_SEC;
  GString *out = g_string_new(NULL);
  if (h)
    g_string_append_printf(out, "%" G_GINT64_FORMAT "h", h);
  if (h || m)
    g_string_append_printf(out, "%" G_GINT64_FORMAT "m", m);
  g_string_append_printf(out, "%" G_GINT64_FORMAT, s);
  if (frac) {
    char digits[8];
    g_snprintf(digits, sizeof digits, "%06" G_GINT64_FORMAT, frac);
    for (int i = 5; i >= 0 && digits[i] == '0'; i--)
      digits[i] = '\0';
    g_string_append_printf(out, ".%s", digits);
  }
  g_string_append_c(out, 's');
  return g_string_free(out, FALSE);
}

static void attempt(KsEngine *e, gpointer data);

/* One eviction attempt of kubectl's loop for this pod. */
static void attempt(KsEngine *e, gpointer data) {
  Eviction *ev = data;
  KsTimeline *t = ev->t;
  const KsStoreObject *o = ks_store_get(t->store, KS_STORE_POD, ev->ns, ev->name);
  const KsPod *pod = o ? o->data : NULL;
  if (!pod || g_strcmp0(pod->uid, ev->uid) != 0) {
    ev->done = TRUE; /* gone, or replaced by another pod of that name */
    return;
  }
  if (ks_engine_now(e) >= ev->deadline_us) {
    char *d = go_duration(ev->a->timeout_us);
    ks_timeline_warn(t, ev->a, "error when evicting pods/\"%s\" -n \"%s\": global timeout reached: %s",
                     ev->name, ev->ns, d);
    g_free(d);
    ev->done = TRUE;
    return;
  }
  char *message = NULL;
  KsEvictionResult r =
      ks_sim_evict_pod_grace(t->store, ev->ns, ev->name,
                             ev->a->has_grace_period ? &ev->a->grace_period_seconds : NULL, &message);
  if (r == KS_EVICTION_TOO_MANY_REQUESTS) {
    if (!ev->refused)
      ks_timeline_warn(t, ev->a, "error when evicting pods/\"%s\" -n \"%s\" (will retry after 5s): %s",
                       ev->name, ev->ns, message);
    ev->refused = TRUE;
    ks_engine_schedule_after(e, RETRY_US, attempt, ev, NULL);
  } else {
    if (r == KS_EVICTION_ERROR)
      ks_timeline_warn(t, ev->a, "error when evicting pods/\"%s\" -n \"%s\": %s", ev->name, ev->ns,
                       message);
    ev->done = TRUE;
  }
  g_free(message);
}

/* ---- kubectl's filters ------------------------------------------------------------------- */

typedef enum { KEEP_OK = 0, KEEP_SKIP, KEEP_ERROR } Verdict;

static gboolean finished(const KsPod *p) {
  return p->phase == KS_POD_SUCCEEDED || p->phase == KS_POD_FAILED;
}

static gboolean has_local_storage(const KsPod *p) {
  for (guint i = 0; p->volumes && i < p->volumes->len; i++)
    if (g_array_index(p->volumes, KsVolume, i).source == KS_VOLUME_EMPTY_DIR)
      return TRUE;
  return FALSE;
}

/* The filters for one pod: KEEP_OK to evict it, KEEP_SKIP to leave it
 * (quietly or with a warning), KEEP_ERROR with *msg (transfer full). */
static Verdict filter(KsTimeline *t, const KsTimelineAction *a, const KsPod *p, char **msg) {
  const KsOwnerReference *ref = ks_pod_get_controller(p);
  if (ref && !g_strcmp0(ref->kind, "DaemonSet") && !finished(p)) {
    if (!ks_store_get(t->store, KS_STORE_DAEMON_SET, p->namespace, ref->name)) {
      if (!a->force) {
        *msg = g_strdup_printf("daemonsets.apps \"%s\" not found", ref->name);
        return KEEP_ERROR;
      } /* an orphan: deleted with a warning */
    } else if (!a->ignore_daemonsets) {
      *msg = g_strdup(DS_FATAL);
      return KEEP_ERROR;
    } else {
      return KEEP_SKIP; /* "ignoring DaemonSet-managed Pods" */
    }
  }
  if (ks_labels_has(&p->annotations, MIRROR_ANNOTATION))
    return KEEP_SKIP;
  if (has_local_storage(p) && !finished(p) && !a->delete_emptydir_data) {
    *msg = g_strdup(LOCAL_STORAGE_FATAL);
    return KEEP_ERROR;
  }
  if (!finished(p) && !ref && !a->force) {
    *msg = g_strdup(UNMANAGED_FATAL);
    return KEEP_ERROR;
  }
  return KEEP_OK;
}

/* PodDeleteList.errors(), aggregated as utilerrors does: one message, or
 * "[a, b]". Messages sorted (upstream's order is a Go map's). */
static char *aggregate_errors(GHashTable *failed) {
  GList *keys = g_list_sort(g_hash_table_get_keys(failed), (GCompareFunc)strcmp);
  GString *out = g_string_new(NULL);
  guint n = g_list_length(keys);
  if (n > 1)
    g_string_append_c(out, '[');
  for (GList *k = keys; k; k = k->next) {
    const char *msg = k->data;
    GString *pods = g_hash_table_lookup(failed, msg);
    if (k != keys)
      g_string_append(out, ", ");
    if (g_ascii_strncasecmp(msg, "cannot delete", 13) == 0)
      g_string_append_printf(out, "%s: %s", msg, pods->str);
    else
      g_string_append_printf(out, "cannot delete %s: %s", msg, pods->str);
  }
  if (n > 1)
    g_string_append_c(out, ']');
  g_list_free(keys);
  return g_string_free(out, FALSE);
}

static void string_free(gpointer s) { g_string_free(s, TRUE); }

/* The pods to evict (refs) or NULL after reporting the filters' errors. */
static GPtrArray *pods_for_deletion(KsTimeline *t, const KsTimelineAction *a) {
  GPtrArray *all = ks_store_list(t->store, KS_STORE_POD, NULL);
  GPtrArray *evict = g_ptr_array_new_with_free_func((GDestroyNotify)ks_store_object_unref);
  GHashTable *failed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, string_free);
  for (guint i = 0; i < all->len; i++) {
    const KsStoreObject *o = all->pdata[i];
    const KsPod *p = o->data;
    if (g_strcmp0(p->node_name, a->name) != 0)
      continue;
    char *msg = NULL;
    Verdict v = filter(t, a, p, &msg);
    if (v == KEEP_OK) {
      g_ptr_array_add(evict, ks_store_object_ref(o));
    } else if (v == KEEP_ERROR) {
      GString *pods = g_hash_table_lookup(failed, msg);
      if (!pods) {
        pods = g_string_new(NULL);
        g_hash_table_insert(failed, g_strdup(msg), pods);
      } else {
        g_string_append(pods, ", ");
      }
      g_string_append_printf(pods, "%s/%s", p->namespace, p->name);
    }
    g_free(msg);
  }
  g_ptr_array_unref(all);
  if (g_hash_table_size(failed) > 0) {
    char *agg = aggregate_errors(failed);
    ks_timeline_warn(t, a, "error: unable to drain node \"%s\": %s", a->name, agg);
    g_free(agg);
    g_ptr_array_unref(evict);
    evict = NULL;
  }
  g_hash_table_destroy(failed);
  return evict;
}

void ks_timeline_drain(KsTimeline *t, const KsTimelineAction *a) {
  const KsStoreObject *o = ks_timeline_get(t, a);
  if (!o)
    return;
  if (!((const KsNode *)o->data)->unschedulable) {
    KsNode *copy = ks_node_copy(o->data);
    copy->unschedulable = TRUE;
    if (!ks_timeline_update(t, a, o, copy, FALSE))
      return;
  }
  GPtrArray *pods = pods_for_deletion(t, a);
  if (!pods)
    return;
  gint64 now = ks_engine_now(t->engine);
  for (guint i = 0; i < pods->len; i++) {
    const KsPod *p = ((const KsStoreObject *)pods->pdata[i])->data;
    Eviction *ev = g_new0(Eviction, 1);
    ev->t = t;
    ev->a = a;
    ev->ns = g_strdup(p->namespace);
    ev->name = g_strdup(p->name);
    ev->uid = g_strdup(p->uid);
    ev->deadline_us = a->timeout_us > 0 ? now + a->timeout_us : G_MAXINT64;
    g_ptr_array_add(t->drains, ev);
    attempt(t->engine, ev);
  }
  g_ptr_array_unref(pods);
}
