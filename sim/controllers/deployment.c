/* See deployment.h. Function names follow upstream's (sync.go, rolling.go,
 * recreate.go, progress.go, util/deployment_util.go) so the two can be
 * read side by side.
 *
 * A sync works on copies of the Deployment's ReplicaSets (RsList): every
 * write to the store is also made to the copy, so later steps of the same
 * sync see it, as upstream's do with the objects its client returns.
 */
#include "sim/controllers/deployment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/controllers/controller_utils.h"
#include "sim/controllers/deletion.h"
#include "sim/controllers/history.h"
#include "workloads/apps.h"

#define API_VERSION "apps/v1"
#define KIND "Deployment"

typedef struct {
  KsController *c;
} Dc;

static const KsDeployment *dep_of(const KsStoreObject *o) { return o->data; }
static const KsReplicaSet *rs_of(const KsStoreObject *o) { return o->data; }

/* ---- handlers ------------------------------------------------------------- */

static const KsStoreObject *resolve(Dc *dc, const char *ns, const KsOwnerReference *ref) {
  if (!ref || g_strcmp0(ref->kind, KIND) != 0)
    return NULL;
  const KsStoreObject *o = ks_store_get(ks_controller_store(dc->c), KS_STORE_DEPLOYMENT, ns,
                                        ref->name);
  return o && g_strcmp0(dep_of(o)->meta.uid, ref->uid) == 0 ? o : NULL;
}

typedef struct {
  Dc *dc;
  const char *ns;
  const KsLabels *labels;
} Orphan;

static gboolean enqueue_if_selects(const KsStoreObject *o, gpointer data) {
  Orphan *x = data;
  const KsDeployment *d = dep_of(o);
  if (strcmp(o->namespace, x->ns) == 0 && d->selector && !ks_label_selector_is_empty(d->selector) &&
      ks_label_selector_matches(d->selector, x->labels))
    ks_controller_enqueue(x->dc->c, o);
  return TRUE;
}

static void enqueue_owner_or_selecting(Dc *dc, const KsStoreObject *rs_obj) {
  const KsReplicaSet *rs = rs_of(rs_obj);
  const KsOwnerReference *ref = ks_object_meta_get_controller(&rs->meta);
  if (ref) {
    const KsStoreObject *d = resolve(dc, rs_obj->namespace, ref);
    if (d)
      ks_controller_enqueue(dc->c, d);
    return;
  }
  Orphan x = {dc, rs_obj->namespace, &rs->meta.labels};
  ks_store_foreach(ks_controller_store(dc->c), KS_STORE_DEPLOYMENT, enqueue_if_selects, &x);
}

static void on_d(KsController *c, gpointer self, const KsStoreObject *obj) {
  ks_controller_enqueue(c, obj);
}
static void on_d_update(KsController *c, gpointer self, const KsStoreObject *o,
                        const KsStoreObject *n) {
  ks_controller_enqueue(c, n);
}
static void on_rs(KsController *c, gpointer self, const KsStoreObject *obj) {
  enqueue_owner_or_selecting(self, obj);
}
static void on_rs_update(KsController *c, gpointer self, const KsStoreObject *o,
                         const KsStoreObject *n) {
  if (o->resource_version == n->resource_version)
    return;
  const KsOwnerReference *old_ref = ks_object_meta_get_controller(&rs_of(o)->meta);
  const KsOwnerReference *new_ref = ks_object_meta_get_controller(&rs_of(n)->meta);
  if (old_ref && !(new_ref && ks_owner_reference_equal(old_ref, new_ref))) {
    const KsStoreObject *d = resolve(self, o->namespace, old_ref);
    if (d)
      ks_controller_enqueue(c, d);
  }
  enqueue_owner_or_selecting(self, n);
}
static void on_rs_delete(KsController *c, gpointer self, const KsStoreObject *obj) {
  const KsStoreObject *d = resolve(self, obj->namespace,
                                   ks_object_meta_get_controller(&rs_of(obj)->meta));
  if (d)
    ks_controller_enqueue(c, d);
}
/* Recreate waits for the old pods to go: a deleted pod wakes its
 * ReplicaSet's Deployment. */
static void on_pod_delete(KsController *c, gpointer self, const KsStoreObject *obj) {
  const KsPod *p = obj->data;
  const KsOwnerReference *ref = ks_pod_get_controller(p);
  if (!ref || g_strcmp0(ref->kind, "ReplicaSet") != 0)
    return;
  const KsStoreObject *rs = ks_store_get(ks_controller_store(c), KS_STORE_REPLICA_SET,
                                         obj->namespace, ref->name);
  if (!rs || g_strcmp0(rs_of(rs)->meta.uid, ref->uid) != 0)
    return;
  const KsStoreObject *d = resolve(self, obj->namespace,
                                   ks_object_meta_get_controller(&rs_of(rs)->meta));
  if (d && dep_of(d)->strategy == KS_DEPLOYMENT_RECREATE)
    ks_controller_enqueue(c, d);
}

static gpointer dc_init(KsController *c) {
  Dc *dc = g_new0(Dc, 1);
  dc->c = c;
  KsInformerHandlers d = {on_d, on_d_update, on_d};
  KsInformerHandlers rs = {on_rs, on_rs_update, on_rs_delete};
  KsInformerHandlers pods = {NULL, NULL, on_pod_delete};
  ks_controller_watch(c, KS_STORE_DEPLOYMENT, &d, 0);
  ks_controller_watch(c, KS_STORE_REPLICA_SET, &rs, 0);
  ks_controller_watch(c, KS_STORE_POD, &pods, 0);
  return dc;
}

static void dc_free(gpointer self) { g_free(self); }

/* ---- deployment_util ------------------------------------------------------ */

static gboolean is_rolling(const KsDeployment *d) {
  return d->strategy == KS_DEPLOYMENT_ROLLING_UPDATE;
}

/* ResolveFenceposts: surge rounded up, unavailable down, both 0 -> 1. */
static void resolve_fenceposts(const KsDeployment *d, gint32 *surge, gint32 *unavailable) {
  *surge = ks_int_or_percent_scaled(&d->max_surge, d->replicas, TRUE);
  *unavailable = ks_int_or_percent_scaled(&d->max_unavailable, d->replicas, FALSE);
  if (*surge == 0 && *unavailable == 0)
    *unavailable = 1;
}

static gint32 max_surge(const KsDeployment *d) {
  if (!is_rolling(d))
    return 0;
  gint32 s, u;
  resolve_fenceposts(d, &s, &u);
  return s;
}

static gint32 max_unavailable(const KsDeployment *d) {
  if (!is_rolling(d) || d->replicas == 0)
    return 0;
  gint32 s, u;
  resolve_fenceposts(d, &s, &u);
  return MIN(u, d->replicas);
}

static gboolean has_progress_deadline(const KsDeployment *d) {
  return d->progress_deadline_seconds != G_MAXINT32;
}

static gint64 revision_of(const KsReplicaSet *rs) {
  const char *v = ks_labels_get(&rs->meta.annotations, KS_ANN_DEPLOYMENT_REVISION);
  return v ? g_ascii_strtoll(v, NULL, 10) : 0;
}

static gboolean int_annotation(const KsReplicaSet *rs, const char *key, gint32 *out) {
  const char *v = ks_labels_get(&rs->meta.annotations, key);
  if (!v)
    return FALSE;
  char *end = NULL;
  gint64 x = g_ascii_strtoll(v, &end, 10);
  if (*end || x < G_MININT32 || x > G_MAXINT32)
    return FALSE;
  *out = (gint32)x;
  return TRUE;
}

static void set_int_annotation(KsReplicaSet *rs, const char *key, gint64 v) {
  char buf[24];
  g_snprintf(buf, sizeof buf, "%" G_GINT64_FORMAT, v);
  ks_labels_set(&rs->meta.annotations, key, buf);
}

/* SetReplicasAnnotations; TRUE when something changed. */
static gboolean set_replicas_annotations(KsReplicaSet *rs, gint32 desired, gint32 max) {
  gint32 a, b;
  gboolean same = int_annotation(rs, KS_ANN_DESIRED_REPLICAS, &a) && a == desired &&
                  int_annotation(rs, KS_ANN_MAX_REPLICAS, &b) && b == max;
  if (same)
    return FALSE;
  set_int_annotation(rs, KS_ANN_DESIRED_REPLICAS, desired);
  set_int_annotation(rs, KS_ANN_MAX_REPLICAS, max);
  return TRUE;
}

gboolean ks_deployment_templates_equal_ignore_hash(const KsPod *a, const KsPod *b) {
  KsPod *x = ks_pod_copy(a), *y = ks_pod_copy(b);
  ks_labels_remove(&x->labels, KS_LABEL_POD_TEMPLATE_HASH);
  ks_labels_remove(&y->labels, KS_LABEL_POD_TEMPLATE_HASH);
  gboolean eq = ks_pod_equal_except_status(x, y);
  ks_pod_unref(x);
  ks_pod_unref(y);
  return eq;
}

/* ReplicaSetsByCreationTimestamp: older first, then name. */
static gint by_creation(gconstpointer a, gconstpointer b) {
  const KsReplicaSet *x = *(KsReplicaSet *const *)a, *y = *(KsReplicaSet *const *)b;
  if (x->meta.creation_timestamp_us != y->meta.creation_timestamp_us)
    return x->meta.creation_timestamp_us < y->meta.creation_timestamp_us ? -1 : 1;
  return strcmp(x->meta.name, y->meta.name);
}
static gint by_creation_newest(gconstpointer a, gconstpointer b) { return by_creation(b, a); }

/* ReplicaSetsBySizeNewer / BySizeOlder: larger first, then newer / older. */
static gint by_size_newer(gconstpointer a, gconstpointer b) {
  const KsReplicaSet *x = *(KsReplicaSet *const *)a, *y = *(KsReplicaSet *const *)b;
  if (x->replicas != y->replicas)
    return x->replicas > y->replicas ? -1 : 1;
  return by_creation(b, a);
}
static gint by_size_older(gconstpointer a, gconstpointer b) {
  const KsReplicaSet *x = *(KsReplicaSet *const *)a, *y = *(KsReplicaSet *const *)b;
  if (x->replicas != y->replicas)
    return x->replicas > y->replicas ? -1 : 1;
  return by_creation(a, b);
}
/* ReplicaSetsByRevision: lower revision first, then older. */
static gint by_revision(gconstpointer a, gconstpointer b) {
  const KsReplicaSet *x = *(KsReplicaSet *const *)a, *y = *(KsReplicaSet *const *)b;
  gint64 rx = revision_of(x), ry = revision_of(y);
  if (rx != ry)
    return rx < ry ? -1 : 1;
  return by_creation(a, b);
}

static gint32 sum_spec(GPtrArray *rss) {
  gint32 n = 0;
  for (guint i = 0; i < rss->len; i++)
    n += ((KsReplicaSet *)rss->pdata[i])->replicas;
  return n;
}
static gint32 sum_status(GPtrArray *rss) {
  gint32 n = 0;
  for (guint i = 0; i < rss->len; i++)
    n += ((KsReplicaSet *)rss->pdata[i])->status_replicas;
  return n;
}
static gint32 sum_ready(GPtrArray *rss) {
  gint32 n = 0;
  for (guint i = 0; i < rss->len; i++)
    n += ((KsReplicaSet *)rss->pdata[i])->ready_replicas;
  return n;
}
static gint32 sum_available(GPtrArray *rss) {
  gint32 n = 0;
  for (guint i = 0; i < rss->len; i++)
    n += ((KsReplicaSet *)rss->pdata[i])->available_replicas;
  return n;
}

/* FilterActiveReplicaSets: spec.replicas > 0. transfer container */
static GPtrArray *active(GPtrArray *rss) {
  GPtrArray *out = g_ptr_array_new();
  for (guint i = 0; i < rss->len; i++)
    if (((KsReplicaSet *)rss->pdata[i])->replicas > 0)
      g_ptr_array_add(out, rss->pdata[i]);
  return out;
}

/* oldRSs + newRS (when any). transfer container */
static GPtrArray *all_of(GPtrArray *old, KsReplicaSet *new_rs) {
  GPtrArray *out = g_ptr_array_new();
  for (guint i = 0; i < old->len; i++)
    g_ptr_array_add(out, old->pdata[i]);
  if (new_rs)
    g_ptr_array_add(out, new_rs);
  return out;
}

/* ---- writes ---------------------------------------------------------------- */

/* Writes rs (a working copy) over the stored ReplicaSet. */
static gboolean write_rs(Dc *dc, KsReplicaSet *rs) {
  return ks_store_update(ks_controller_store(dc->c), KS_STORE_REPLICA_SET, rs->meta.namespace,
                         rs->meta.name, ks_replica_set_copy(rs),
                         (GDestroyNotify)ks_replica_set_free, 0, NULL) != 0;
}

/* scaleReplicaSet / scaleReplicaSetAndRecordEvent: TRUE when it scaled. */
static gboolean scale_rs(Dc *dc, KsReplicaSet *rs, gint32 size, const KsDeployment *d,
                         gboolean *ok) {
  gboolean size_changed = rs->replicas != size;
  KsReplicaSet *copy = ks_replica_set_copy(rs);
  gboolean ann_changed = set_replicas_annotations(copy, d->replicas, d->replicas + max_surge(d));
  ks_replica_set_free(copy);
  if (!size_changed && !ann_changed)
    return FALSE;
  rs->replicas = size;
  set_replicas_annotations(rs, d->replicas, d->replicas + max_surge(d));
  if (!write_rs(dc, rs))
    *ok = FALSE;
  return size_changed;
}

/* ---- the sync's working state ---------------------------------------------- */

typedef struct {
  Dc *dc;
  KsDeployment *d;      /* working copy of the Deployment (owned) */
  guint64 d_rv;
  const KsDeployment *stored; /* the Deployment as read (status for comparisons) */
  GPtrArray *rss;       /* KsReplicaSet* working copies (owned), the claimed ones */
  KsReplicaSet *new_rs; /* borrowed from rss, or NULL */
  GPtrArray *old;       /* borrowed from rss */
  gboolean ok;          /* no write failed */
  gint64 now;
} Sync;

static void sync_clear(Sync *s) {
  if (s->old)
    g_ptr_array_unref(s->old);
  g_ptr_array_unref(s->rss);
  ks_deployment_free(s->d);
}

/* ClaimReplicaSets: the ReplicaSets the Deployment owns after adopting and
 * releasing, as working copies. */
static void claim_replica_sets(Sync *s, const KsStoreObject *d_obj) {
  KsStore *store = ks_controller_store(s->dc->c);
  const KsDeployment *d = s->stored;
  s->rss = g_ptr_array_new_with_free_func((GDestroyNotify)ks_replica_set_free);
  GPtrArray *all = ks_store_list(store, KS_STORE_REPLICA_SET, d_obj->namespace);
  gboolean deleting = d->meta.deletion_timestamp_us != 0;
  for (guint i = 0; i < all->len; i++) {
    const KsStoreObject *o = all->pdata[i];
    const KsReplicaSet *rs = rs_of(o);
    gboolean match = ks_label_selector_matches(d->selector, &rs->meta.labels);
    const KsOwnerReference *ref = ks_object_meta_get_controller(&rs->meta);
    if (ref) {
      if (g_strcmp0(ref->uid, d->meta.uid) != 0)
        continue;
      if (match) {
        g_ptr_array_add(s->rss, ks_replica_set_copy(rs));
      } else if (!deleting) {
        KsReplicaSet *r = ks_replica_set_copy(rs);
        ks_owner_reference_array_remove_uid(r->meta.owner_references, d->meta.uid);
        if (!write_rs(s->dc, r))
          s->ok = FALSE;
        ks_replica_set_free(r);
      }
      continue;
    }
    if (deleting || !match || rs->meta.deletion_timestamp_us)
      continue;
    KsReplicaSet *r = ks_replica_set_copy(rs);
    ks_owner_reference_array_add(&r->meta.owner_references, API_VERSION, KIND, d->meta.name,
                                 d->meta.uid, TRUE, TRUE);
    if (write_rs(s->dc, r))
      g_ptr_array_add(s->rss, r);
    else
      ks_replica_set_free(r);
  }
  g_ptr_array_unref(all);
}

/* FindNewReplicaSet / FindOldReplicaSets (oldest matching template wins). */
static void split_new_old(Sync *s) {
  g_ptr_array_sort(s->rss, by_creation);
  s->new_rs = NULL;
  for (guint i = 0; i < s->rss->len && !s->new_rs; i++) {
    KsReplicaSet *rs = s->rss->pdata[i];
    if (ks_deployment_templates_equal_ignore_hash(rs->template, s->d->template))
      s->new_rs = rs;
  }
  if (s->old)
    g_ptr_array_unref(s->old);
  s->old = g_ptr_array_new();
  for (guint i = 0; i < s->rss->len; i++)
    if (s->rss->pdata[i] != s->new_rs)
      g_ptr_array_add(s->old, s->rss->pdata[i]);
}

static gint64 max_old_revision(Sync *s) {
  gint64 max = 0;
  for (guint i = 0; i < s->old->len; i++)
    max = MAX(max, revision_of(s->old->pdata[i]));
  return max;
}

/* copyDeploymentAnnotationsToReplicaSet: the Deployment's annotations but
 * the ones the controller manages. */
static gboolean skip_annotation(const char *k) {
  return strcmp(k, "kubectl.kubernetes.io/last-applied-configuration") == 0 ||
         strcmp(k, KS_ANN_DEPLOYMENT_REVISION) == 0 ||
         strcmp(k, KS_ANN_DEPLOYMENT_REVISION_HISTORY) == 0 ||
         strcmp(k, KS_ANN_DESIRED_REPLICAS) == 0 || strcmp(k, KS_ANN_MAX_REPLICAS) == 0 ||
         strcmp(k, "deprecated.deployment.rollback.to") == 0;
}

/* SetNewReplicaSetAnnotations; TRUE when rs changed. */
static gboolean set_new_rs_annotations(const KsDeployment *d, KsReplicaSet *rs, gint64 new_rev,
                                       gboolean exists) {
  gboolean changed = FALSE;
  for (guint i = 0; i < d->meta.annotations.n; i++) {
    const KsLabel *a = &d->meta.annotations.items[i];
    if (skip_annotation(a->key) ||
        g_strcmp0(ks_labels_get(&rs->meta.annotations, a->key), a->value) == 0)
      continue;
    ks_labels_set(&rs->meta.annotations, a->key, a->value);
    changed = TRUE;
  }
  gint64 old_rev = revision_of(rs);
  const char *old_str = ks_labels_get(&rs->meta.annotations, KS_ANN_DEPLOYMENT_REVISION);
  if (old_rev < new_rev) {
    if (old_str && *old_str) {
      const char *hist = ks_labels_get(&rs->meta.annotations, KS_ANN_DEPLOYMENT_REVISION_HISTORY);
      char *h = hist && *hist ? g_strconcat(hist, ",", old_str, NULL) : g_strdup(old_str);
      ks_labels_set(&rs->meta.annotations, KS_ANN_DEPLOYMENT_REVISION_HISTORY, h);
      g_free(h);
    }
    set_int_annotation(rs, KS_ANN_DEPLOYMENT_REVISION, new_rev);
    changed = TRUE;
  }
  if (!exists && set_replicas_annotations(rs, d->replicas, d->replicas + max_surge(d)))
    changed = TRUE;
  return changed;
}

/* SetDeploymentRevision on the working Deployment; TRUE when changed. */
static gboolean set_deployment_revision(KsDeployment *d, const char *rev) {
  if (!rev || g_strcmp0(ks_labels_get(&d->meta.annotations, KS_ANN_DEPLOYMENT_REVISION), rev) == 0)
    return FALSE;
  ks_labels_set(&d->meta.annotations, KS_ANN_DEPLOYMENT_REVISION, rev);
  return TRUE;
}

/* NewRSNewReplicas. */
static gint32 new_rs_new_replicas(const KsDeployment *d, GPtrArray *all, const KsReplicaSet *nrs) {
  if (!is_rolling(d))
    return d->replicas;
  gint32 current = sum_spec(all);
  gint32 max_total = d->replicas + max_surge(d);
  if (current >= max_total)
    return nrs->replicas;
  gint32 up = MIN(max_total - current, d->replicas - nrs->replicas);
  return nrs->replicas + up;
}

static char *fmt(const char *f, const char *a) {
  return g_strdup_printf(f, a);
}

/* Writes the working Deployment (status and annotations). */
static gboolean write_deployment(Sync *s) {
  guint64 rv = ks_store_update(ks_controller_store(s->dc->c), KS_STORE_DEPLOYMENT,
                               s->d->meta.namespace, s->d->meta.name, ks_deployment_copy(s->d),
                               (GDestroyNotify)ks_deployment_free, s->d_rv, NULL);
  if (!rv)
    s->ok = FALSE;
  else
    s->d_rv = rv;
  return rv != 0;
}

/* getNewReplicaSet: updates an existing one's annotations, or creates it. */
static void get_new_rs(Sync *s, gboolean create) {
  KsDeployment *d = s->d;
  gint64 new_rev = max_old_revision(s) + 1;
  char rev[24];
  g_snprintf(rev, sizeof rev, "%" G_GINT64_FORMAT, new_rev);
  if (s->new_rs) {
    KsReplicaSet *rs = s->new_rs;
    gboolean changed = set_new_rs_annotations(d, rs, new_rev, TRUE);
    if (changed || rs->min_ready_seconds != d->min_ready_seconds) {
      rs->min_ready_seconds = d->min_ready_seconds;
      if (!write_rs(s->dc, rs))
        s->ok = FALSE;
    }
    gboolean needs = set_deployment_revision(d, ks_labels_get(&rs->meta.annotations,
                                                              KS_ANN_DEPLOYMENT_REVISION));
    if (has_progress_deadline(d) && !ks_conditions_get(d->conditions, KS_DEPLOYMENT_COND_PROGRESSING)) {
      char *msg = fmt("Found new replica set \"%s\"", rs->meta.name);
      ks_conditions_set(&d->conditions, KS_DEPLOYMENT_COND_PROGRESSING, KS_CONDITION_TRUE,
                        KS_DEPLOYMENT_REASON_FOUND_NEW_RS, msg, s->now);
      g_free(msg);
      needs = TRUE;
    }
    if (needs)
      write_deployment(s);
    return;
  }
  if (!create)
    return;
  gint32 collision = d->collision_count;
  char *hash = ks_history_compute_hash(d->template, collision ? &collision : NULL);
  KsReplicaSet *rs = ks_replica_set_new(d->meta.namespace, NULL);
  g_free(rs->meta.name);
  rs->meta.name = g_strconcat(d->meta.name, "-", hash, NULL);
  rs->meta.uid = ks_controller_new_uid(ks_controller_rng(s->dc->c));
  rs->meta.creation_timestamp_us = s->now;
  rs->meta.generation = 1;
  ks_pod_unref(rs->template);
  rs->template = ks_pod_copy(d->template);
  ks_labels_set(&rs->template->labels, KS_LABEL_POD_TEMPLATE_HASH, hash);
  ks_labels_clear(&rs->meta.labels);
  ks_labels_copy(&rs->meta.labels, &rs->template->labels);
  rs->selector = ks_label_selector_copy(d->selector);
  ks_labels_set(&rs->selector->match_labels, KS_LABEL_POD_TEMPLATE_HASH, hash);
  rs->min_ready_seconds = d->min_ready_seconds;
  ks_owner_reference_array_add(&rs->meta.owner_references, API_VERSION, KIND, d->meta.name,
                               d->meta.uid, TRUE, TRUE);
  rs->replicas = 0;
  GPtrArray *all = all_of(s->old, rs);
  rs->replicas = new_rs_new_replicas(d, all, rs);
  g_ptr_array_unref(all);
  set_new_rs_annotations(d, rs, new_rev, FALSE);
  g_free(hash);
  KsStore *store = ks_controller_store(s->dc->c);
  GError *error = NULL;
  if (!ks_store_create(store, KS_STORE_REPLICA_SET, rs->meta.namespace, rs->meta.name,
                       ks_replica_set_copy(rs), (GDestroyNotify)ks_replica_set_free, &error)) {
    /* A ReplicaSet of that name: ours with the same template is the new
     * one (a stale list); anything else is a hash collision. */
    const KsStoreObject *o = ks_store_get(store, KS_STORE_REPLICA_SET, rs->meta.namespace,
                                          rs->meta.name);
    const KsOwnerReference *ref = o ? ks_object_meta_get_controller(&rs_of(o)->meta) : NULL;
    if (!(o && ref && g_strcmp0(ref->uid, d->meta.uid) == 0 &&
          ks_deployment_templates_equal_ignore_hash(rs_of(o)->template, d->template))) {
      d->collision_count++;
      write_deployment(s);
    }
    g_error_free(error);
    ks_replica_set_free(rs);
    s->ok = FALSE; /* requeue */
    return;
  }
  g_ptr_array_add(s->rss, rs);
  s->new_rs = rs;
  set_deployment_revision(d, rev);
  if (has_progress_deadline(d)) {
    char *msg = fmt("Created new replica set \"%s\"", rs->meta.name);
    ks_conditions_set(&d->conditions, KS_DEPLOYMENT_COND_PROGRESSING, KS_CONDITION_TRUE,
                      KS_DEPLOYMENT_REASON_NEW_RS_CREATED, msg, s->now);
    g_free(msg);
  }
  write_deployment(s);
}

/* getAllReplicaSetsAndSyncRevision. */
static void sync_revision(Sync *s, gboolean create) {
  split_new_old(s);
  get_new_rs(s, create);
}

/* ---- status ------------------------------------------------------------------ */

typedef struct {
  gint64 observed_generation;
  gint32 replicas, updated, ready, available, unavailable;
} Status;

/* calculateStatus, into the working Deployment. */
static void calculate_status(Sync *s, GPtrArray *all) {
  KsDeployment *d = s->d;
  gint32 available = sum_available(all);
  gint32 total = sum_spec(all);
  d->observed_generation = d->meta.generation;
  d->status_replicas = sum_status(all);
  d->updated_replicas = s->new_rs ? s->new_rs->status_replicas : 0;
  d->ready_replicas = sum_ready(all);
  d->available_replicas = available;
  d->unavailable_replicas = MAX(0, total - available);
  if (available >= d->replicas - max_unavailable(d))
    ks_conditions_set(&d->conditions, KS_DEPLOYMENT_COND_AVAILABLE, KS_CONDITION_TRUE,
                      KS_DEPLOYMENT_REASON_MIN_AVAILABLE, "Deployment has minimum availability.",
                      s->now);
  else
    ks_conditions_set(&d->conditions, KS_DEPLOYMENT_COND_AVAILABLE, KS_CONDITION_FALSE,
                      KS_DEPLOYMENT_REASON_MIN_UNAVAILABLE,
                      "Deployment does not have minimum availability.", s->now);
}

static gboolean conditions_equal(const GArray *a, const GArray *b) {
  guint na = a ? a->len : 0, nb = b ? b->len : 0;
  if (na != nb)
    return FALSE;
  for (guint i = 0; i < na; i++) {
    const KsCondition *x = &g_array_index(a, KsCondition, i);
    const KsCondition *y = ks_conditions_get(b, x->type);
    if (!y || x->status != y->status || g_strcmp0(x->reason, y->reason) ||
        g_strcmp0(x->message, y->message) || x->last_update_time_us != y->last_update_time_us ||
        x->last_transition_time_us != y->last_transition_time_us)
      return FALSE;
  }
  return TRUE;
}

static gboolean status_equal(const KsDeployment *a, const KsDeployment *b) {
  return a->observed_generation == b->observed_generation &&
         a->status_replicas == b->status_replicas && a->updated_replicas == b->updated_replicas &&
         a->ready_replicas == b->ready_replicas && a->available_replicas == b->available_replicas &&
         a->unavailable_replicas == b->unavailable_replicas &&
         a->collision_count == b->collision_count && conditions_equal(a->conditions, b->conditions) &&
         ks_labels_equal(&a->meta.annotations, &b->meta.annotations);
}

/* DeploymentComplete on the working (new) status. */
static gboolean complete(const KsDeployment *d) {
  return d->updated_replicas == d->replicas && d->status_replicas == d->replicas &&
         d->available_replicas == d->replicas && d->observed_generation >= d->meta.generation;
}

/* DeploymentProgressing: new status against the stored one. */
static gboolean progressing(const KsDeployment *old, const KsDeployment *n) {
  gint32 old_old = old->status_replicas - old->updated_replicas;
  gint32 new_old = n->status_replicas - n->updated_replicas;
  return n->updated_replicas > old->updated_replicas || new_old < old_old ||
         n->ready_replicas > old->ready_replicas || n->available_replicas > old->available_replicas;
}

static gboolean timed_out(const KsDeployment *d, gint64 now) {
  if (!has_progress_deadline(d))
    return FALSE;
  const KsCondition *c = ks_conditions_get(d->conditions, KS_DEPLOYMENT_COND_PROGRESSING);
  if (!c || g_strcmp0(c->reason, KS_DEPLOYMENT_REASON_NEW_RS_AVAILABLE) == 0)
    return FALSE;
  if (g_strcmp0(c->reason, KS_DEPLOYMENT_REASON_TIMED_OUT) == 0)
    return TRUE;
  return c->last_update_time_us + (gint64)d->progress_deadline_seconds * G_USEC_PER_SEC < now;
}

/* requeueStuckDeployment. */
static void requeue_stuck(Sync *s, const char *key) {
  const KsDeployment *d = s->d;
  const KsCondition *c = ks_conditions_get(s->stored->conditions, KS_DEPLOYMENT_COND_PROGRESSING);
  if (!has_progress_deadline(d) || !c || complete(d) ||
      g_strcmp0(c->reason, KS_DEPLOYMENT_REASON_TIMED_OUT) == 0)
    return;
  gint64 after = c->last_update_time_us + (gint64)d->progress_deadline_seconds * G_USEC_PER_SEC -
                 s->now;
  if (after < G_USEC_PER_SEC)
    ks_work_queue_add_rate_limited(ks_controller_queue(s->dc->c), key);
  else
    ks_controller_enqueue_after(s->dc->c, key, after + G_USEC_PER_SEC);
}

/* The ReplicaFailure condition of the new ReplicaSet, or of any. */
static const KsCondition *replica_failure(Sync *s) {
  if (s->new_rs) {
    const KsCondition *c = ks_conditions_get(s->new_rs->conditions, KS_RS_COND_REPLICA_FAILURE);
    if (c)
      return c;
  }
  for (guint i = 0; i < s->old->len; i++) {
    const KsCondition *c = ks_conditions_get(((KsReplicaSet *)s->old->pdata[i])->conditions,
                                             KS_RS_COND_REPLICA_FAILURE);
    if (c)
      return c;
  }
  return NULL;
}

/* syncRolloutStatus. */
static void sync_rollout_status(Sync *s, const char *key) {
  KsDeployment *d = s->d;
  GPtrArray *all = all_of(s->old, s->new_rs);
  calculate_status(s, all);
  g_ptr_array_unref(all);
  if (!has_progress_deadline(d) && d->conditions)
    ks_conditions_remove(d->conditions, KS_DEPLOYMENT_COND_PROGRESSING);
  const KsCondition *cur = ks_conditions_get(d->conditions, KS_DEPLOYMENT_COND_PROGRESSING);
  gboolean is_complete = d->status_replicas == d->updated_replicas && cur &&
                         g_strcmp0(cur->reason, KS_DEPLOYMENT_REASON_NEW_RS_AVAILABLE) == 0;
  const char *name = s->new_rs ? s->new_rs->meta.name : "";
  if (has_progress_deadline(d) && !is_complete) {
    if (complete(d)) {
      char *msg = fmt("ReplicaSet \"%s\" has successfully progressed.", name);
      ks_conditions_set(&d->conditions, KS_DEPLOYMENT_COND_PROGRESSING, KS_CONDITION_TRUE,
                        KS_DEPLOYMENT_REASON_NEW_RS_AVAILABLE, msg, s->now);
      g_free(msg);
    } else if (progressing(s->stored, d)) {
      /* a fresh lastUpdateTime, the transition time kept while True */
      gint64 transition = cur && cur->status == KS_CONDITION_TRUE ? cur->last_transition_time_us
                                                                   : s->now;
      char *msg = fmt("ReplicaSet \"%s\" is progressing.", name);
      if (cur)
        ks_conditions_remove(d->conditions, KS_DEPLOYMENT_COND_PROGRESSING);
      ks_conditions_set(&d->conditions, KS_DEPLOYMENT_COND_PROGRESSING, KS_CONDITION_TRUE,
                        KS_DEPLOYMENT_REASON_RS_UPDATED, msg, s->now);
      for (guint i = 0; i < d->conditions->len; i++) {
        KsCondition *c = &g_array_index(d->conditions, KsCondition, i);
        if (strcmp(c->type, KS_DEPLOYMENT_COND_PROGRESSING) == 0)
          c->last_transition_time_us = transition;
      }
      g_free(msg);
    } else if (timed_out(d, s->now)) {
      char *msg = fmt("ReplicaSet \"%s\" has timed out progressing.", name);
      ks_conditions_set(&d->conditions, KS_DEPLOYMENT_COND_PROGRESSING, KS_CONDITION_FALSE,
                        KS_DEPLOYMENT_REASON_TIMED_OUT, msg, s->now);
      g_free(msg);
    }
  }
  const KsCondition *failure = replica_failure(s);
  if (failure)
    ks_conditions_set(&d->conditions, KS_DEPLOYMENT_COND_REPLICA_FAILURE, failure->status,
                      failure->reason, failure->message, s->now);
  else if (d->conditions)
    ks_conditions_remove(d->conditions, KS_DEPLOYMENT_COND_REPLICA_FAILURE);
  if (status_equal(d, s->stored)) {
    requeue_stuck(s, key);
    return;
  }
  write_deployment(s);
}

/* syncDeploymentStatus: status without the Progressing bookkeeping. */
static void sync_deployment_status(Sync *s) {
  GPtrArray *all = all_of(s->old, s->new_rs);
  calculate_status(s, all);
  g_ptr_array_unref(all);
  if (!status_equal(s->d, s->stored))
    write_deployment(s);
}

/* ---- cleanup ------------------------------------------------------------------ */

/* cleanupDeployment: old ReplicaSets beyond revisionHistoryLimit. */
static void cleanup(Sync *s) {
  const KsDeployment *d = s->d;
  GPtrArray *cleanable = g_ptr_array_new();
  for (guint i = 0; i < s->old->len; i++) {
    KsReplicaSet *rs = s->old->pdata[i];
    if (!rs->meta.deletion_timestamp_us)
      g_ptr_array_add(cleanable, rs);
  }
  gint diff = (gint)cleanable->len - d->revision_history_limit;
  if (diff > 0) {
    g_ptr_array_sort(cleanable, by_revision);
    for (gint i = 0; i < diff; i++) {
      KsReplicaSet *rs = cleanable->pdata[i];
      if (rs->status_replicas != 0 || rs->replicas != 0 ||
          rs->meta.generation > rs->observed_generation || rs->meta.deletion_timestamp_us)
        continue;
      ks_object_delete(ks_controller_store(s->dc->c), KS_STORE_REPLICA_SET, rs->meta.namespace,
                       rs->meta.name, KS_PROPAGATION_BACKGROUND, NULL);
    }
  }
  g_ptr_array_unref(cleanable);
}

/* ---- scaling (sync.go scale) ------------------------------------------------- */

/* FindActiveOrLatest. */
static KsReplicaSet *active_or_latest(Sync *s) {
  if (!s->new_rs && s->old->len == 0)
    return NULL;
  GPtrArray *old = g_ptr_array_copy(s->old, NULL, NULL);
  g_ptr_array_sort(old, by_creation_newest);
  GPtrArray *all = all_of(old, s->new_rs);
  GPtrArray *act = active(all);
  KsReplicaSet *r = NULL;
  if (act->len == 0)
    r = s->new_rs ? s->new_rs : old->pdata[0];
  else if (act->len == 1)
    r = act->pdata[0];
  g_ptr_array_unref(act);
  g_ptr_array_unref(all);
  g_ptr_array_unref(old);
  return r;
}

static gboolean saturated(const KsDeployment *d, const KsReplicaSet *rs) {
  gint32 desired;
  return rs && int_annotation(rs, KS_ANN_DESIRED_REPLICAS, &desired) && desired == d->replicas &&
         rs->replicas == d->replicas && rs->available_replicas == d->replicas;
}

/* getReplicaSetFraction, with Go's math.Round (half away from zero). */
static gint32 rs_fraction(const KsReplicaSet *rs, const KsDeployment *d, gint32 status_replicas) {
  if (d->replicas == 0)
    return -rs->replicas;
  gint64 dmax = (gint64)d->replicas + max_surge(d);
  gint32 annotated;
  if (!int_annotation(rs, KS_ANN_MAX_REPLICAS, &annotated))
    annotated = status_replicas;
  if (annotated == 0)
    return 0;
  gint64 num = (gint64)rs->replicas * dmax;
  gint64 rounded = (2 * num + annotated) / (2 * (gint64)annotated); /* num, annotated > 0 */
  return (gint32)(rounded - rs->replicas);
}

static gint32 proportion(const KsReplicaSet *rs, const KsDeployment *d, gint32 to_add,
                         gint32 added, gint32 status_replicas) {
  if (!rs || rs->replicas == 0 || to_add == 0 || to_add == added)
    return 0;
  gint32 fraction = rs_fraction(rs, d, status_replicas);
  gint32 allowed = to_add - added;
  return to_add > 0 ? MIN(fraction, allowed) : MAX(fraction, allowed);
}

static void scale(Sync *s) {
  const KsDeployment *d = s->d;
  KsReplicaSet *aol = active_or_latest(s);
  if (aol) {
    if (aol->replicas != d->replicas)
      scale_rs(s->dc, aol, d->replicas, d, &s->ok);
    return;
  }
  if (saturated(d, s->new_rs)) {
    GPtrArray *act = active(s->old);
    for (guint i = 0; i < act->len; i++)
      scale_rs(s->dc, act->pdata[i], 0, d, &s->ok);
    g_ptr_array_unref(act);
    return;
  }
  if (!is_rolling(d))
    return;
  GPtrArray *all = all_of(s->old, s->new_rs);
  GPtrArray *rss = active(all);
  g_ptr_array_unref(all);
  gint32 allowed = d->replicas > 0 ? d->replicas + max_surge(d) : 0;
  gint32 to_add = allowed - sum_spec(rss);
  if (to_add > 0)
    g_ptr_array_sort(rss, by_size_newer);
  else if (to_add < 0)
    g_ptr_array_sort(rss, by_size_older);
  gint32 added = 0;
  gint32 *size = g_new0(gint32, rss->len + 1);
  for (guint i = 0; i < rss->len; i++) {
    KsReplicaSet *rs = rss->pdata[i];
    gint32 p = to_add ? proportion(rs, d, to_add, added, s->stored->status_replicas) : 0;
    size[i] = rs->replicas + p;
    added += p;
  }
  for (guint i = 0; i < rss->len; i++) {
    if (i == 0 && to_add != 0)
      size[i] = MAX(0, size[i] + to_add - added);
    scale_rs(s->dc, rss->pdata[i], size[i], d, &s->ok);
  }
  g_free(size);
  g_ptr_array_unref(rss);
}

/* sync: scaling and paused Deployments. */
static void sync_scale(Sync *s) {
  sync_revision(s, FALSE);
  scale(s);
  if (s->d->paused)
    cleanup(s);
  sync_deployment_status(s);
}

/* isScalingEvent. */
static gboolean scaling_event(Sync *s) {
  sync_revision(s, FALSE);
  GPtrArray *all = all_of(s->old, s->new_rs);
  GPtrArray *act = active(all);
  gboolean yes = FALSE;
  for (guint i = 0; i < act->len && !yes; i++) {
    gint32 desired;
    if (int_annotation(act->pdata[i], KS_ANN_DESIRED_REPLICAS, &desired) &&
        desired != s->d->replicas)
      yes = TRUE;
  }
  g_ptr_array_unref(act);
  g_ptr_array_unref(all);
  return yes;
}

/* ---- RollingUpdate (rolling.go) ------------------------------------------------ */

static gboolean reconcile_new(Sync *s) {
  const KsDeployment *d = s->d;
  KsReplicaSet *nrs = s->new_rs;
  if (nrs->replicas == d->replicas)
    return FALSE;
  if (nrs->replicas > d->replicas)
    return scale_rs(s->dc, nrs, d->replicas, d, &s->ok);
  GPtrArray *all = all_of(s->old, nrs);
  gint32 n = new_rs_new_replicas(d, all, nrs);
  g_ptr_array_unref(all);
  return scale_rs(s->dc, nrs, n, d, &s->ok);
}

/* cleanupUnhealthyReplicas. */
static gint32 cleanup_unhealthy(Sync *s, GPtrArray *old, gint32 max_cleanup) {
  g_ptr_array_sort(old, by_creation);
  gint32 total = 0;
  for (guint i = 0; i < old->len && total < max_cleanup; i++) {
    KsReplicaSet *rs = old->pdata[i];
    if (rs->replicas == 0 || rs->replicas == rs->available_replicas)
      continue;
    gint32 down = MIN(max_cleanup - total, rs->replicas - rs->available_replicas);
    scale_rs(s->dc, rs, rs->replicas - down, s->d, &s->ok);
    total += down;
  }
  return total;
}

/* scaleDownOldReplicaSetsForRollingUpdate. */
static gint32 scale_down_old_rolling(Sync *s, GPtrArray *old) {
  const KsDeployment *d = s->d;
  gint32 min_available = d->replicas - max_unavailable(d);
  GPtrArray *all = all_of(old, s->new_rs);
  gint32 available = sum_available(all);
  g_ptr_array_unref(all);
  if (available <= min_available)
    return 0;
  g_ptr_array_sort(old, by_creation);
  gint32 total = 0, target = available - min_available;
  for (guint i = 0; i < old->len && total < target; i++) {
    KsReplicaSet *rs = old->pdata[i];
    if (rs->replicas == 0)
      continue;
    gint32 down = MIN(rs->replicas, target - total);
    scale_rs(s->dc, rs, rs->replicas - down, d, &s->ok);
    total += down;
  }
  return total;
}

static gboolean reconcile_old(Sync *s) {
  const KsDeployment *d = s->d;
  GPtrArray *old = active(s->old);
  gint32 old_pods = sum_spec(old);
  gboolean scaled = FALSE;
  if (old_pods > 0) {
    GPtrArray *all = all_of(s->old, s->new_rs);
    gint32 all_pods = sum_spec(all);
    g_ptr_array_unref(all);
    gint32 min_available = d->replicas - max_unavailable(d);
    gint32 new_unavailable = s->new_rs->replicas - s->new_rs->available_replicas;
    gint32 max_scaled_down = all_pods - min_available - new_unavailable;
    if (max_scaled_down > 0) {
      gint32 cleaned = cleanup_unhealthy(s, old, max_scaled_down);
      gint32 down = scale_down_old_rolling(s, old);
      scaled = cleaned + down > 0;
    }
  }
  g_ptr_array_unref(old);
  return scaled;
}

static void rollout_rolling(Sync *s, const char *key) {
  sync_revision(s, TRUE);
  if (!s->new_rs)
    return; /* the create failed: retried */
  if (reconcile_new(s) || reconcile_old(s)) {
    sync_rollout_status(s, key);
    return;
  }
  /* upstream tests the stored status: cleanup comes a sync after completion */
  if (complete(s->stored))
    cleanup(s);
  sync_rollout_status(s, key);
}

/* ---- Recreate (recreate.go) ------------------------------------------------- */

/* oldPodsRunning: old ReplicaSets still have pods (by status), or a pod
 * of one is not finished. */
static gboolean old_pods_running(Sync *s) {
  if (sum_status(s->old) > 0)
    return TRUE;
  GPtrArray *pods = ks_store_list(ks_controller_store(s->dc->c), KS_STORE_POD,
                                  s->d->meta.namespace);
  gboolean running = FALSE;
  for (guint i = 0; i < pods->len && !running; i++) {
    const KsPod *p = ((const KsStoreObject *)pods->pdata[i])->data;
    const KsOwnerReference *ref = ks_pod_get_controller(p);
    if (!ref || (s->new_rs && g_strcmp0(ref->uid, s->new_rs->meta.uid) == 0))
      continue;
    for (guint j = 0; j < s->old->len; j++)
      if (g_strcmp0(ref->uid, ((KsReplicaSet *)s->old->pdata[j])->meta.uid) == 0 &&
          p->phase != KS_POD_SUCCEEDED && p->phase != KS_POD_FAILED)
        running = TRUE;
  }
  g_ptr_array_unref(pods);
  return running;
}

static void rollout_recreate(Sync *s, const char *key) {
  sync_revision(s, FALSE);
  GPtrArray *act = active(s->old);
  gboolean scaled = FALSE;
  for (guint i = 0; i < act->len; i++)
    scaled |= scale_rs(s->dc, act->pdata[i], 0, s->d, &s->ok);
  g_ptr_array_unref(act);
  if (scaled || old_pods_running(s)) {
    sync_rollout_status(s, key);
    return;
  }
  if (!s->new_rs) {
    sync_revision(s, TRUE);
    if (!s->new_rs)
      return;
  }
  scale_rs(s->dc, s->new_rs, s->d->replicas, s->d, &s->ok);
  if (complete(s->stored))
    cleanup(s);
  sync_rollout_status(s, key);
}

/* ---- syncDeployment ------------------------------------------------------------ */

/* checkPausedConditions; TRUE when the Deployment was written. */
static void check_paused(Sync *s) {
  KsDeployment *d = s->d;
  if (!has_progress_deadline(d))
    return;
  const KsCondition *c = ks_conditions_get(d->conditions, KS_DEPLOYMENT_COND_PROGRESSING);
  if (c && g_strcmp0(c->reason, KS_DEPLOYMENT_REASON_TIMED_OUT) == 0)
    return;
  gboolean paused_cond = c && g_strcmp0(c->reason, KS_DEPLOYMENT_REASON_PAUSED) == 0;
  if (d->paused && !paused_cond)
    ks_conditions_set(&d->conditions, KS_DEPLOYMENT_COND_PROGRESSING, KS_CONDITION_UNKNOWN,
                      KS_DEPLOYMENT_REASON_PAUSED, "Deployment is paused", s->now);
  else if (!d->paused && paused_cond)
    ks_conditions_set(&d->conditions, KS_DEPLOYMENT_COND_PROGRESSING, KS_CONDITION_UNKNOWN,
                      KS_DEPLOYMENT_REASON_RESUMED, "Deployment is resumed", s->now);
  else
    return;
  write_deployment(s);
}

static KsSyncResult dc_sync(KsController *c, gpointer self, const char *key) {
  Dc *dc = self;
  char *ns, *name;
  ks_controller_split_key(key, &ns, &name);
  const KsStoreObject *found = ks_store_get(ks_controller_store(c), KS_STORE_DEPLOYMENT, ns, name);
  g_free(ns);
  g_free(name);
  if (!found)
    return KS_SYNC_DONE;
  KsStoreObject *held = ks_store_object_ref(found);
  Sync s = {.dc = dc, .stored = dep_of(held), .d = ks_deployment_copy(dep_of(held)),
            .d_rv = held->resource_version, .ok = TRUE, .now = ks_controller_now(c)};
  if (!s.d->selector || ks_label_selector_is_empty(s.d->selector)) {
    /* upstream: an empty selector selects nothing here; only observe */
    if (s.d->observed_generation < s.d->meta.generation) {
      s.d->observed_generation = s.d->meta.generation;
      s.rss = g_ptr_array_new();
      write_deployment(&s);
    } else {
      s.rss = g_ptr_array_new();
    }
    sync_clear(&s);
    ks_store_object_unref(held);
    return KS_SYNC_DONE;
  }
  claim_replica_sets(&s, held);
  if (s.d->meta.deletion_timestamp_us) {
    sync_revision(&s, FALSE);
    sync_deployment_status(&s);
  } else {
    check_paused(&s);
    if (s.d->paused) {
      sync_scale(&s);
    } else if (scaling_event(&s)) {
      sync_scale(&s);
    } else if (s.d->strategy == KS_DEPLOYMENT_RECREATE) {
      rollout_recreate(&s, key);
    } else {
      rollout_rolling(&s, key);
    }
  }
  gboolean ok = s.ok;
  sync_clear(&s);
  ks_store_object_unref(held);
  return ok ? KS_SYNC_DONE : KS_SYNC_RETRY;
}

const KsControllerClass ks_deployment_controller_class = {
  .name = "deployment",
  .default_workers = KS_DEPLOYMENT_WORKERS,
  .init = dc_init,
  .sync = dc_sync,
  .free = dc_free,
};
