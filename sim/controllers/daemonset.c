/* The DaemonSet controller: see daemonset.h for what a sync does.
 *
 * State kept between syncs: the expectations of each DaemonSet's own
 * creates and deletes (expectations.h) and the failed-pod back-off per
 * (DaemonSet uid, observed generation, node), upstream's failedPodsBackoff.
 * Everything else is read from the store at each sync.
 */
#include "sim/controllers/daemonset.h"

#include <string.h>

#include "sim/controllers/daemonset_util.h"
#include "sim/controllers/expectations.h"
#include "sim/controllers/history.h"
#include "sim/controllers/controller_utils.h"
#include "workloads/apps.h"

#define DS_KIND "DaemonSet"
#define DS_API_VERSION "apps/v1"

typedef struct {
  gint64 last_update_us;
  gint64 duration_us;
} Backoff;

typedef struct {
  KsController *c;
  KsExpectations *exp;
  GHashTable *backoff; /* "uid/gen/node" -> Backoff* */
} Ds;

/* ---- helpers ------------------------------------------------------------------- */

static char *ds_key(const KsDaemonSet *ds) {
  return g_strdup_printf("%s/%s", ds->meta.namespace, ds->meta.name);
}

/* The DaemonSet that controls pod (resolveControllerRef), or NULL. */
static const KsDaemonSet *owner_of(KsController *c, const KsPod *pod) {
  const KsStoreObject *o = ks_controller_pod_owner(c, pod, KS_STORE_DAEMON_SET);
  return o ? o->data : NULL;
}

static gboolean controlled_by(const KsPod *pod, const KsDaemonSet *ds) {
  const KsOwnerReference *ref = ks_pod_get_controller(pod);
  return ref && g_strcmp0(ref->kind, DS_KIND) == 0 && g_strcmp0(ref->name, ds->meta.name) == 0 &&
         g_strcmp0(ref->uid, ds->meta.uid) == 0;
}

static void enqueue_ds(KsController *c, const KsDaemonSet *ds) {
  char *key = ds_key(ds);
  ks_controller_enqueue_key(c, key);
  g_free(key);
}

/* ---- informers ------------------------------------------------------------------ */

static void pod_deleted(KsController *c, Ds *d, const KsPod *pod) {
  const KsDaemonSet *ds = owner_of(c, pod);
  if (ds == NULL)
    return;
  char *key = ds_key(ds);
  ks_expectations_deletion_observed(d->exp, key);
  ks_controller_enqueue_key(c, key);
  g_free(key);
}

static void on_pod_add(KsController *c, gpointer self, const KsStoreObject *obj) {
  Ds *d = self;
  const KsPod *pod = obj->data;
  if (ks_pod_is_terminating(pod)) {
    pod_deleted(c, d, pod);
    return;
  }
  const KsDaemonSet *ds = owner_of(c, pod);
  if (ds == NULL)
    return;
  char *key = ds_key(ds);
  ks_expectations_creation_observed(d->exp, key);
  ks_controller_enqueue_key(c, key);
  g_free(key);
}

static void on_pod_update(KsController *c, gpointer self, const KsStoreObject *old_obj,
                          const KsStoreObject *new_obj) {
  Ds *d = self;
  const KsPod *old = old_obj->data, *cur = new_obj->data;
  if (old_obj->resource_version == new_obj->resource_version)
    return; /* a resync */
  if (ks_pod_is_terminating(cur)) {
    pod_deleted(c, d, cur);
    return;
  }
  const KsDaemonSet *old_ds = owner_of(c, old), *ds = owner_of(c, cur);
  if (old_ds && old_ds != ds)
    enqueue_ds(c, old_ds);
  if (ds == NULL)
    return;
  enqueue_ds(c, ds);
  /* A pod that just became ready becomes available minReadySeconds later. */
  if (!old->ready && cur->ready && ds->min_ready_seconds > 0) {
    char *key = ds_key(ds);
    ks_controller_enqueue_after(c, key, ((gint64)ds->min_ready_seconds + 1) * G_USEC_PER_SEC);
    g_free(key);
  }
}

static void on_pod_delete(KsController *c, gpointer self, const KsStoreObject *obj) {
  pod_deleted(c, self, obj->data);
}

typedef struct {
  KsController *c;
  const KsNode *old_node, *new_node;
} NodeChange;

static gboolean enqueue_if_changed(const KsStoreObject *obj, gpointer user_data) {
  NodeChange *nc = user_data;
  const KsDaemonSet *ds = obj->data;
  KsPod *dp = ks_daemonset_new_pod(ds->template, ds->meta.namespace);
  gboolean run_new = FALSE, cont_new = FALSE, run_old = FALSE, cont_old = FALSE;
  ks_daemonset_node_should_run(dp, nc->new_node, &run_new, &cont_new);
  if (nc->old_node)
    ks_daemonset_node_should_run(dp, nc->old_node, &run_old, &cont_old);
  ks_pod_unref(dp);
  /* addNode: every DaemonSet that should run there; updateNode: those whose
   * answer changed. */
  if (nc->old_node ? (run_old != run_new || cont_old != cont_new) : run_new)
    ks_controller_enqueue(nc->c, obj);
  return TRUE;
}

static void on_node_add(KsController *c, gpointer self, const KsStoreObject *obj) {
  (void)self;
  NodeChange nc = {c, NULL, obj->data};
  ks_store_foreach(ks_controller_store(c), KS_STORE_DAEMON_SET, enqueue_if_changed, &nc);
}

static void on_node_update(KsController *c, gpointer self, const KsStoreObject *old_obj,
                           const KsStoreObject *new_obj) {
  (void)self;
  if (old_obj->resource_version == new_obj->resource_version)
    return;
  NodeChange nc = {c, old_obj->data, new_obj->data};
  ks_store_foreach(ks_controller_store(c), KS_STORE_DAEMON_SET, enqueue_if_changed, &nc);
}

/* ---- revisions ------------------------------------------------------------------- */

typedef struct {
  const KsDaemonSet *ds;
  GPtrArray *revs; /* const KsStoreObject* refs of the DaemonSet's revisions */
} RevList;

static gboolean collect_rev(const KsStoreObject *obj, gpointer user_data) {
  RevList *rl = user_data;
  const KsControllerRevision *cr = obj->data;
  if (g_strcmp0(obj->namespace, rl->ds->meta.namespace) != 0)
    return TRUE;
  const KsOwnerReference *ref = ks_object_meta_get_controller(&cr->meta);
  if (ref && g_strcmp0(ref->kind, DS_KIND) == 0 && g_strcmp0(ref->uid, rl->ds->meta.uid) == 0)
    g_ptr_array_add(rl->revs, ks_store_object_ref(obj));
  return TRUE;
}

static gint rev_compare(gconstpointer a, gconstpointer b) {
  const KsControllerRevision *x = (*(const KsStoreObject *const *)a)->data;
  const KsControllerRevision *y = (*(const KsStoreObject *const *)b)->data;
  if (x->revision != y->revision)
    return x->revision < y->revision ? -1 : 1;
  return strcmp(x->meta.name, y->meta.name);
}

static gboolean rev_matches(const KsControllerRevision *cr, const char *want) {
  if (cr->data == NULL)
    return FALSE;
  char *have = ks_history_template_data(cr->data);
  gboolean eq = strcmp(have, want) == 0;
  g_free(have);
  return eq;
}

/* upstream constructHistory. Returns the hash of the current revision
 * (transfer full), or NULL (a failed write: retry). *old gets the other
 * revisions (refs). */
static char *construct_history(Ds *d, const KsDaemonSet *ds, guint64 ds_rv, GPtrArray *old) {
  KsStore *s = ks_controller_store(d->c);
  RevList rl = {ds, g_ptr_array_new_with_free_func((GDestroyNotify)ks_store_object_unref)};
  ks_store_foreach(s, KS_STORE_CONTROLLER_REVISION, collect_rev, &rl);
  g_ptr_array_sort(rl.revs, rev_compare);
  char *want = ks_history_template_data(ds->template);
  const KsStoreObject *cur = NULL;
  gint64 max_old = 0;
  for (guint i = 0; i < rl.revs->len; i++) {
    const KsStoreObject *o = rl.revs->pdata[i];
    const KsControllerRevision *cr = o->data;
    if (rev_matches(cr, want)) {
      cur = o; /* several equal ones: the highest revision (dedupCurHistories) */
    } else {
      g_ptr_array_add(old, ks_store_object_ref(o));
      max_old = MAX(max_old, cr->revision);
    }
  }
  g_free(want);
  char *hash = NULL;
  GError *error = NULL;
  if (cur == NULL) {
    gint32 cc = ds->collision_count;
    hash = ks_history_compute_hash(ds->template, cc > 0 ? &cc : NULL);
    char *name = ks_history_revision_name(ds->meta.name, hash);
    KsControllerRevision *cr = ks_controller_revision_new(ds->meta.namespace, name);
    ks_labels_copy(&cr->meta.labels, &ds->template->labels);
    ks_labels_set(&cr->meta.labels, KS_DAEMONSET_HASH_LABEL, hash);
    ks_labels_clear(&cr->meta.annotations);
    ks_labels_copy(&cr->meta.annotations, &ds->meta.annotations);
    ks_owner_reference_array_add(&cr->meta.owner_references, DS_API_VERSION, DS_KIND,
                                 ds->meta.name, ds->meta.uid, TRUE, TRUE);
    cr->meta.creation_timestamp_us = ks_controller_now(d->c);
    cr->revision = max_old + 1;
    cr->data = ks_pod_copy(ds->template);
    if (!ks_store_create(s, KS_STORE_CONTROLLER_REVISION, ds->meta.namespace, name, cr,
                         (GDestroyNotify)ks_controller_revision_free, &error)) {
      /* A revision of that name with other data: a hash collision. Bump
       * status.collisionCount so the next sync names it differently. */
      g_clear_error(&error);
      KsDaemonSet *bumped = ks_daemon_set_copy(ds);
      bumped->collision_count++;
      ks_store_update(s, KS_STORE_DAEMON_SET, ds->meta.namespace, ds->meta.name, bumped,
                      (GDestroyNotify)ks_daemon_set_free, ds_rv, NULL);
      g_free(hash);
      hash = NULL;
    }
    g_free(name);
  } else {
    const KsControllerRevision *cr = cur->data;
    const char *h = ks_labels_get(&cr->meta.labels, KS_DAEMONSET_HASH_LABEL);
    hash = g_strdup(h ? h : cr->meta.name);
    if (cr->revision < max_old + 1) {
      KsControllerRevision *up = ks_controller_revision_copy(cr);
      up->revision = max_old + 1;
      if (!ks_store_update(s, KS_STORE_CONTROLLER_REVISION, cur->namespace, cur->name, up,
                           (GDestroyNotify)ks_controller_revision_free, cur->resource_version,
                           NULL)) {
        g_free(hash);
        hash = NULL;
      }
    }
  }
  g_ptr_array_unref(rl.revs);
  return hash;
}

/* upstream cleanupHistory: delete old revisions beyond revisionHistoryLimit,
 * lowest revision first, never one a live pod carries. */
static void cleanup_history(Ds *d, const KsDaemonSet *ds, GPtrArray *old, GPtrArray *pods) {
  gint64 to_kill = (gint64)old->len - ds->revision_history_limit;
  if (to_kill <= 0)
    return;
  GHashTable *live = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < pods->len; i++) {
    const char *h = ks_labels_get(&((const KsPod *)pods->pdata[i])->labels, KS_DAEMONSET_HASH_LABEL);
    if (h && h[0])
      g_hash_table_add(live, (gpointer)h);
  }
  KsStore *s = ks_controller_store(d->c);
  for (guint i = 0; i < old->len && to_kill > 0; i++) {
    const KsStoreObject *o = old->pdata[i];
    const char *h = ks_labels_get(&((const KsControllerRevision *)o->data)->meta.labels,
                                  KS_DAEMONSET_HASH_LABEL);
    if (h && g_hash_table_contains(live, h))
      continue;
    ks_store_delete(s, KS_STORE_CONTROLLER_REVISION, o->namespace, o->name, 0, NULL);
    to_kill--;
  }
  g_hash_table_unref(live);
}

/* ---- pods per node ----------------------------------------------------------------- */

typedef struct {
  const KsDaemonSet *ds;
  GPtrArray *pods;        /* KsPod* (ref) controlled by ds */
  GHashTable *by_node;    /* node name -> GPtrArray of KsPod* (no ref) */
} DsPods;

static gboolean collect_pod(const KsStoreObject *obj, gpointer user_data) {
  DsPods *dp = user_data;
  const KsPod *pod = obj->data;
  if (g_strcmp0(obj->namespace, dp->ds->meta.namespace) != 0 || !controlled_by(pod, dp->ds))
    return TRUE;
  g_ptr_array_add(dp->pods, ks_pod_ref((KsPod *)pod));
  return TRUE;
}

/* getNodesToDaemonPods: the DaemonSet's pods grouped by target node (pods
 * without one are skipped). */
static void ds_pods_init(DsPods *dp, KsStore *s, const KsDaemonSet *ds) {
  dp->ds = ds;
  dp->pods = g_ptr_array_new_with_free_func((GDestroyNotify)ks_pod_unref);
  dp->by_node = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                      (GDestroyNotify)g_ptr_array_unref);
  GPtrArray *own = ks_controller_pods_controlled_by(s, ds->meta.namespace, ds->meta.uid);
  for (guint i = 0; i < own->len; i++)
    collect_pod(own->pdata[i], dp);
  g_ptr_array_unref(own);
  for (guint i = 0; i < dp->pods->len; i++) {
    KsPod *pod = dp->pods->pdata[i];
    const char *node = ks_daemonset_target_node(pod);
    if (node == NULL)
      continue;
    GPtrArray *a = g_hash_table_lookup(dp->by_node, node);
    if (a == NULL) {
      a = g_ptr_array_new();
      g_hash_table_insert(dp->by_node, (gpointer)node, a);
    }
    g_ptr_array_add(a, pod);
  }
}

static void ds_pods_clear(DsPods *dp) {
  g_hash_table_unref(dp->by_node);
  g_ptr_array_unref(dp->pods);
}

/* ---- failed-pod back-off (flowcontrol.Backoff) -------------------------------------- */

static gboolean in_backoff(Ds *d, const char *key, gint64 now, gint64 *delay) {
  Backoff *b = g_hash_table_lookup(d->backoff, key);
  if (b == NULL)
    return FALSE;
  *delay = b->duration_us;
  return now - b->last_update_us < b->duration_us;
}

static void backoff_next(Ds *d, const char *key, gint64 now) {
  Backoff *b = g_hash_table_lookup(d->backoff, key);
  if (b == NULL) {
    b = g_new0(Backoff, 1);
    g_hash_table_insert(d->backoff, g_strdup(key), b);
    b->duration_us = KS_DAEMONSET_FAILED_BACKOFF_INITIAL_US;
  } else if (now - b->last_update_us > 2 * KS_DAEMONSET_FAILED_BACKOFF_MAX_US) {
    b->duration_us = KS_DAEMONSET_FAILED_BACKOFF_INITIAL_US; /* expired: start over */
  } else {
    b->duration_us = MIN(b->duration_us * 2, KS_DAEMONSET_FAILED_BACKOFF_MAX_US);
  }
  b->last_update_us = now;
}

/* ---- manage ------------------------------------------------------------------------- */

static gboolean allows_surge(const KsDaemonSet *ds) {
  return ds->update_strategy == KS_DAEMON_SET_ROLLING_UPDATE && ds->max_surge.set &&
         ks_int_or_percent_scaled(&ds->max_surge, 1, TRUE) > 0;
}

/* podsShouldBeOnNode for one node. */
static void pods_should_be_on_node(Ds *d, const KsDaemonSet *ds, const KsPod *daemon_pod,
                                   const KsNode *node, DsPods *dp, const char *hash,
                                   GPtrArray *create_on, GPtrArray *to_delete) {
  gboolean run = FALSE, cont = FALSE;
  ks_daemonset_node_should_run(daemon_pod, node, &run, &cont);
  GPtrArray *pods = g_hash_table_lookup(dp->by_node, node->name);
  gboolean exists = pods != NULL && pods->len > 0;
  gint64 now = ks_controller_now(d->c);
  if (run && !exists) {
    g_ptr_array_add(create_on, (gpointer)node->name);
    return;
  }
  if (cont) {
    GPtrArray *running = g_ptr_array_new();
    for (guint i = 0; exists && i < pods->len; i++) {
      KsPod *pod = pods->pdata[i];
      if (ks_pod_is_terminating(pod))
        continue;
      if (pod->phase == KS_POD_FAILED) {
        /* The DaemonSet often fights a kubelet that rejects its pods: back off. */
        char *bkey = g_strdup_printf("%s/%" G_GINT64_FORMAT "/%s", ds->meta.uid ? ds->meta.uid : "",
                                     ds->observed_generation, node->name);
        gint64 delay = 0;
        if (in_backoff(d, bkey, now, &delay)) {
          char *key = ds_key(ds);
          ks_controller_enqueue_after(d->c, key, delay);
          g_free(key);
        } else {
          backoff_next(d, bkey, now);
          g_ptr_array_add(to_delete, pod);
        }
        g_free(bkey);
      } else if (pod->phase == KS_POD_SUCCEEDED) {
        g_ptr_array_add(to_delete, pod);
      } else {
        g_ptr_array_add(running, pod);
      }
    }
    g_ptr_array_sort(running, ks_daemonset_pod_compare);
    if (!allows_surge(ds)) {
      for (guint i = 1; i < running->len; i++) /* keep the oldest */
        g_ptr_array_add(to_delete, running->pdata[i]);
    } else if (running->len == 0) {
      if (run) /* surging: at least one pod not being deleted */
        g_ptr_array_add(create_on, (gpointer)node->name);
    } else if (running->len > 1) {
      KsPod *oldest_new = NULL, *oldest_old = NULL;
      for (guint i = 0; i < running->len; i++) {
        KsPod *pod = running->pdata[i];
        KsPod **slot = ks_daemonset_pod_is_updated(pod, hash) ? &oldest_new : &oldest_old;
        if (*slot == NULL)
          *slot = pod;
        else
          g_ptr_array_add(to_delete, pod);
      }
      if (oldest_new && oldest_old &&
          (!oldest_old->ready || ks_pod_is_available(oldest_new, ds->min_ready_seconds, now)))
        g_ptr_array_add(to_delete, oldest_old);
    }
    g_ptr_array_unref(running);
    return;
  }
  if (exists) {
    for (guint i = 0; i < pods->len; i++) {
      KsPod *pod = pods->pdata[i];
      if (!ks_pod_is_terminating(pod))
        g_ptr_array_add(to_delete, pod);
    }
  }
}

/* One pod of template for node (upstream CreatePods with the node affinity
 * replaced); FALSE when the store refused it. */
static gboolean create_pod(Ds *d, const KsDaemonSet *ds, const KsPod *template,
                           const char *node) {
  char *generate_name = g_strdup_printf("%s-", ds->meta.name);
  KsPod *pod = ks_controller_pod_from_template(template, ds->meta.namespace, generate_name,
                                               DS_API_VERSION, DS_KIND, ds->meta.name,
                                               ds->meta.uid);
  g_free(generate_name);
  ks_daemonset_set_target_node(pod, node);
  GError *error = NULL;
  char *name = ks_controller_create_pod(d->c, pod, &error);
  g_clear_error(&error);
  g_free(name);
  return name != NULL;
}

/* upstream GetTemplateGeneration: the deprecated annotation, or -1. */
static gint64 template_generation(const KsDaemonSet *ds) {
  const char *v = ks_labels_get(&ds->meta.annotations, KS_DAEMONSET_TEMPLATE_GENERATION_ANNOTATION);
  if (v == NULL || v[0] == '\0')
    return -1;
  char *end = NULL;
  gint64 g = g_ascii_strtoll(v, &end, 10);
  return end && *end == '\0' ? g : -1;
}

/* syncNodes: delete the pods, create one pod on each node (slow start). */
static void sync_nodes(Ds *d, const KsDaemonSet *ds, GPtrArray *to_delete, GPtrArray *create_on,
                       const char *hash) {
  char *key = ds_key(ds);
  guint create_diff = MIN(create_on->len, KS_DAEMONSET_BURST_REPLICAS);
  guint delete_diff = MIN(to_delete->len, KS_DAEMONSET_BURST_REPLICAS);
  ks_expectations_set(d->exp, key, create_diff, delete_diff);
  if (create_diff > 0) {
    /* CreatePodTemplate: the daemon tolerations, the generation and hash labels. */
    KsPod *template = ks_pod_copy(ds->template);
    ks_daemonset_add_daemon_tolerations(template);
    gint64 gen = template_generation(ds);
    if (gen >= 0) {
      char buf[24];
      g_snprintf(buf, sizeof buf, "%" G_GINT64_FORMAT, gen);
      ks_labels_set(&template->labels, KS_DAEMONSET_TEMPLATE_GENERATION_LABEL, buf);
    }
    if (hash && hash[0])
      ks_labels_set(&template->labels, KS_DAEMONSET_HASH_LABEL, hash);
    guint batch = MIN(create_diff, 1u);
    for (guint pos = 0; pos < create_diff; pos += batch, batch = MIN(2 * batch, create_diff - pos)) {
      guint errors = 0;
      for (guint i = pos; i < pos + batch; i++) {
        if (!create_pod(d, ds, template, create_on->pdata[i])) {
          ks_expectations_creation_observed(d->exp, key);
          errors++;
        }
      }
      guint skipped = create_diff - (pos + batch);
      if (errors > 0 && skipped > 0) {
        ks_expectations_lower(d->exp, key, skipped, 0);
        break;
      }
    }
    ks_pod_unref(template);
  }
  KsStore *s = ks_controller_store(d->c);
  for (guint i = 0; i < delete_diff; i++) {
    const KsPod *pod = to_delete->pdata[i];
    GError *error = NULL;
    if (!ks_controller_delete_pod(s, pod, ks_controller_now(d->c), &error))
      ks_expectations_deletion_observed(d->exp, key);
    g_clear_error(&error);
  }
  g_free(key);
}

/* getUnscheduledPodsWithoutNode. */
static void unscheduled_without_node(GPtrArray *nodes, DsPods *dp, GPtrArray *to_delete) {
  GHashTable *exists = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < nodes->len; i++)
    g_hash_table_add(exists, ((const KsNode *)((const KsStoreObject *)nodes->pdata[i])->data)->name);
  for (guint i = 0; i < dp->pods->len; i++) {
    KsPod *pod = dp->pods->pdata[i];
    const char *target = ks_daemonset_target_node(pod);
    if (target && !g_hash_table_contains(exists, target) &&
        (pod->node_name == NULL || pod->node_name[0] == '\0'))
      g_ptr_array_add(to_delete, pod);
  }
  g_hash_table_unref(exists);
}

static void manage(Ds *d, const KsDaemonSet *ds, const KsPod *daemon_pod, GPtrArray *nodes,
                   const char *hash) {
  DsPods dp;
  ds_pods_init(&dp, ks_controller_store(d->c), ds);
  GPtrArray *create_on = g_ptr_array_new();
  GPtrArray *to_delete = g_ptr_array_new();
  for (guint i = 0; i < nodes->len; i++)
    pods_should_be_on_node(d, ds, daemon_pod, ((const KsStoreObject *)nodes->pdata[i])->data, &dp,
                           hash, create_on, to_delete);
  unscheduled_without_node(nodes, &dp, to_delete);
  sync_nodes(d, ds, to_delete, create_on, hash);
  g_ptr_array_unref(create_on);
  g_ptr_array_unref(to_delete);
  ds_pods_clear(&dp);
}

/* ---- rolling update ---------------------------------------------------------------- */

/* findUpdatedPodsOnNode: FALSE when the node has more than one new or more
 * than one old pod (manage cleans that up first). */
static gboolean updated_pods_on_node(GPtrArray *pods, const char *hash, KsPod **new_pod,
                                     KsPod **old_pod) {
  *new_pod = *old_pod = NULL;
  for (guint i = 0; pods && i < pods->len; i++) {
    KsPod *pod = pods->pdata[i];
    if (ks_pod_is_terminating(pod))
      continue;
    KsPod **slot = ks_daemonset_pod_is_updated(pod, hash) ? new_pod : old_pod;
    if (*slot != NULL)
      return FALSE;
    *slot = pod;
  }
  return TRUE;
}

static gint str_compare(gconstpointer a, gconstpointer b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void rolling_update(Ds *d, const KsDaemonSet *ds, const KsPod *daemon_pod,
                           GPtrArray *nodes, const char *hash) {
  DsPods dp;
  ds_pods_init(&dp, ks_controller_store(d->c), ds);
  gint64 now = ks_controller_now(d->c);
  /* updatedDesiredNodeCounts: every node that wants a pod gets an entry. */
  gint32 desired = 0;
  for (guint i = 0; i < nodes->len; i++) {
    const KsNode *node = ((const KsStoreObject *)nodes->pdata[i])->data;
    gboolean run = FALSE;
    ks_daemonset_node_should_run(daemon_pod, node, &run, NULL);
    if (!run)
      continue;
    desired++;
    if (!g_hash_table_contains(dp.by_node, node->name))
      g_hash_table_insert(dp.by_node, (gpointer)node->name, g_ptr_array_new());
  }
  gint32 max_unavailable = ds->update_strategy == KS_DAEMON_SET_ROLLING_UPDATE && ds->max_unavailable.set
                               ? ks_int_or_percent_scaled(&ds->max_unavailable, desired, TRUE)
                               : 0;
  gint32 max_surge = allows_surge(ds) ? ks_int_or_percent_scaled(&ds->max_surge, desired, TRUE) : 0;
  if (desired > 0 && max_unavailable == 0 && max_surge == 0)
    max_unavailable = 1;

  GPtrArray *names = g_ptr_array_new();
  GHashTableIter it;
  gpointer k;
  g_hash_table_iter_init(&it, dp.by_node);
  while (g_hash_table_iter_next(&it, &k, NULL))
    g_ptr_array_add(names, k);
  g_ptr_array_sort(names, str_compare);
  GPtrArray *to_delete = g_ptr_array_new();
  GPtrArray *create_on = g_ptr_array_new();
  if (max_surge == 0) {
    gint32 unavailable = 0;
    GPtrArray *candidates = g_ptr_array_new();
    for (guint i = 0; i < names->len; i++) {
      KsPod *np, *op;
      if (!updated_pods_on_node(g_hash_table_lookup(dp.by_node, names->pdata[i]), hash, &np, &op)) {
        unavailable++; /* excess pods: manage's; count the node unavailable */
        continue;
      }
      if ((np == NULL) == (op == NULL)) {
        unavailable++; /* none, or both: manage creates or deletes */
      } else if (np != NULL) {
        if (!ks_pod_is_available(np, ds->min_ready_seconds, now))
          unavailable++;
      } else if (!ks_pod_is_available(op, ds->min_ready_seconds, now)) {
        g_ptr_array_add(to_delete, op); /* not available anyway: replace at once */
      } else if (unavailable < max_unavailable) {
        g_ptr_array_add(candidates, op);
      }
    }
    gint32 remaining = MAX(max_unavailable - unavailable, 0);
    for (guint i = 0; i < candidates->len && (gint32)i < remaining; i++)
      g_ptr_array_add(to_delete, candidates->pdata[i]);
    g_ptr_array_unref(candidates);
  } else {
    gint32 surge = 0;
    GPtrArray *candidates = g_ptr_array_new();
    for (guint i = 0; i < names->len; i++) {
      const char *node = names->pdata[i];
      KsPod *np, *op;
      if (!updated_pods_on_node(g_hash_table_lookup(dp.by_node, node), hash, &np, &op)) {
        surge++;
        continue;
      }
      if (op == NULL)
        continue; /* manage handles it */
      if (np == NULL) {
        if (!ks_pod_is_available(op, ds->min_ready_seconds, now))
          g_ptr_array_add(create_on, (gpointer)node);
        else if (surge < max_surge)
          g_ptr_array_add(candidates, (gpointer)node);
      } else if (!ks_pod_is_available(np, ds->min_ready_seconds, now)) {
        surge++; /* waiting for the new pod */
      } else {
        g_ptr_array_add(to_delete, op);
      }
    }
    gint32 remaining = MAX(max_surge - surge, 0);
    for (guint i = 0; i < candidates->len && (gint32)i < remaining; i++)
      g_ptr_array_add(create_on, candidates->pdata[i]);
    g_ptr_array_unref(candidates);
  }
  sync_nodes(d, ds, to_delete, create_on, hash);
  g_ptr_array_unref(to_delete);
  g_ptr_array_unref(create_on);
  g_ptr_array_unref(names);
  ds_pods_clear(&dp);
}

/* ---- status -------------------------------------------------------------------------- */

static void update_status(Ds *d, const KsDaemonSet *ds, guint64 rv, const KsPod *daemon_pod,
                          GPtrArray *nodes, const char *hash, gboolean observed_gen) {
  DsPods dp;
  ds_pods_init(&dp, ks_controller_store(d->c), ds);
  gint64 now = ks_controller_now(d->c);
  gint32 desired = 0, current = 0, mis = 0, ready = 0, updated = 0, available = 0;
  for (guint i = 0; i < nodes->len; i++) {
    const KsNode *node = ((const KsStoreObject *)nodes->pdata[i])->data;
    gboolean run = FALSE;
    ks_daemonset_node_should_run(daemon_pod, node, &run, NULL);
    GPtrArray *pods = g_hash_table_lookup(dp.by_node, node->name);
    gboolean scheduled = pods && pods->len > 0;
    if (!run) {
      mis += scheduled;
      continue;
    }
    desired++;
    if (!scheduled)
      continue;
    current++;
    g_ptr_array_sort(pods, ks_daemonset_pod_compare);
    const KsPod *pod = pods->pdata[0];
    if (pod->ready) {
      ready++;
      available += ks_pod_is_available(pod, ds->min_ready_seconds, now);
    }
    updated += ks_daemonset_pod_is_updated(pod, hash);
  }
  ds_pods_clear(&dp);
  gint32 unavailable = desired - available;
  if (ds->desired_number_scheduled != desired || ds->current_number_scheduled != current ||
      ds->number_misscheduled != mis || ds->number_ready != ready ||
      ds->updated_number_scheduled != updated || ds->number_available != available ||
      ds->number_unavailable != unavailable || ds->observed_generation < ds->meta.generation) {
    KsDaemonSet *up = ks_daemon_set_copy(ds);
    if (observed_gen)
      up->observed_generation = ds->meta.generation;
    up->desired_number_scheduled = desired;
    up->current_number_scheduled = current;
    up->number_misscheduled = mis;
    up->number_ready = ready;
    up->updated_number_scheduled = updated;
    up->number_available = available;
    up->number_unavailable = unavailable;
    ks_store_update(ks_controller_store(d->c), KS_STORE_DAEMON_SET, ds->meta.namespace,
                    ds->meta.name, up, (GDestroyNotify)ks_daemon_set_free, rv, NULL);
  }
  if (ds->min_ready_seconds > 0 && ready != available) {
    char *key = ds_key(ds);
    /* + 1 us: availability is strictly after minReadySeconds, and ksim's
     * sync runs at the instant the pod turned ready (upstream's runs a few
     * ms later), as the ReplicaSet does. */
    ks_controller_enqueue_after(d->c, key, (gint64)ds->min_ready_seconds * G_USEC_PER_SEC + 1);
    g_free(key);
  }
}

/* ---- sync ---------------------------------------------------------------------------- */

static KsSyncResult ds_sync(KsController *c, gpointer self, const char *key) {
  Ds *d = self;
  KsStore *s = ks_controller_store(c);
  char *ns = NULL, *name = NULL;
  ks_controller_split_key(key, &ns, &name);
  guint64 rv = 0;
  const KsStoreObject *obj = ks_store_get(s, KS_STORE_DAEMON_SET, ns, name);
  g_free(ns);
  g_free(name);
  if (obj == NULL) {
    ks_expectations_delete(d->exp, key);
    return KS_SYNC_DONE;
  }
  /* Hold the object: our own writes replace it in the store. */
  KsStoreObject *held = ks_store_object_ref(obj);
  const KsDaemonSet *ds = held->data;
  rv = held->resource_version;
  KsSyncResult result = KS_SYNC_DONE;
  /* A selector that selects everything is refused (upstream SelectingAll),
   * and a DaemonSet being deleted keeps its status as it is. */
  if (ds->selector == NULL || ks_label_selector_is_empty(ds->selector) ||
      ds->meta.deletion_timestamp_us != 0)
    goto out;
  GPtrArray *nodes = ks_store_list(s, KS_STORE_NODE, NULL);
  GPtrArray *old = g_ptr_array_new_with_free_func((GDestroyNotify)ks_store_object_unref);
  char *hash = construct_history(d, ds, rv, old);
  if (hash == NULL) {
    result = KS_SYNC_RETRY;
  } else {
    /* construct_history may have written the DaemonSet (collision count); a
     * status write below is then refused on its resource version and the
     * DaemonSet's own watch event brings it back. */
    KsPod *daemon_pod = ks_daemonset_new_pod(ds->template, ds->meta.namespace);
    if (!ks_expectations_satisfied(d->exp, key)) {
      update_status(d, ds, rv, daemon_pod, nodes, hash, FALSE);
    } else {
      manage(d, ds, daemon_pod, nodes, hash);
      if (ks_expectations_satisfied(d->exp, key) && ds->update_strategy == KS_DAEMON_SET_ROLLING_UPDATE)
        rolling_update(d, ds, daemon_pod, nodes, hash);
      DsPods dp;
      ds_pods_init(&dp, s, ds);
      cleanup_history(d, ds, old, dp.pods);
      ds_pods_clear(&dp);
      update_status(d, ds, rv, daemon_pod, nodes, hash, TRUE);
    }
    ks_pod_unref(daemon_pod);
  }
  g_free(hash);
  g_ptr_array_unref(old);
  g_ptr_array_unref(nodes);
out:
  ks_store_object_unref(held);
  return result;
}

static gpointer ds_init(KsController *c) {
  Ds *d = g_new0(Ds, 1);
  d->c = c;
  d->exp = ks_expectations_new(ks_controller_engine(c));
  d->backoff = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  ks_controller_watch(c, KS_STORE_DAEMON_SET, &ks_controller_enqueue_handlers, 0);
  KsInformerHandlers ph = {on_pod_add, on_pod_update, on_pod_delete};
  ks_controller_watch(c, KS_STORE_POD, &ph, 0);
  KsInformerHandlers nh = {on_node_add, on_node_update, NULL};
  ks_controller_watch(c, KS_STORE_NODE, &nh, 0);
  return d;
}

static void ds_free(gpointer self) {
  Ds *d = self;
  ks_expectations_free(d->exp);
  g_hash_table_unref(d->backoff);
  g_free(d);
}

const KsControllerClass ks_daemonset_controller_class = {
    .name = "daemonset",
    .default_workers = 2,
    .init = ds_init,
    .sync = ds_sync,
    .free = ds_free,
};
