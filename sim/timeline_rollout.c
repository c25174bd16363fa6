/* The timeline's rolloutUndo: kubectl rollout undo (v1.31
 * k8s.io/kubectl/pkg/polymorphichelpers/rollback.go), done as kubectl does
 * it, on the client side.
 *
 * Deployment: the ReplicaSets it controls are its history, numbered by
 * their deployment.kubernetes.io/revision annotation. toRevision 0 picks
 * the second highest revision (the previous one), any other number that
 * revision. A paused Deployment is refused; a revision whose template
 * already equals the Deployment's (ignoring pod-template-hash) is skipped;
 * otherwise the Deployment's template becomes that ReplicaSet's (without
 * the hash label) and its annotations become the ReplicaSet's, except the
 * ones kubectl keeps from the Deployment (revision, revision-history,
 * desired-replicas, max-replicas, last-applied-configuration,
 * deprecated.deployment.rollback.to). The Deployment controller then finds
 * that old ReplicaSet as the new one and scales it back up.
 *
 * DaemonSet, StatefulSet: the ControllerRevisions they control are the
 * history (ksim keeps the template itself in a revision). toRevision 0
 * needs at least two revisions and picks the second highest; a revision
 * equal to the current template is skipped; otherwise its template is
 * written back and the controller renumbers that revision.
 *
 * Refusals and skips are warnings worded as kubectl prints them.
 */
#include "sim/timeline_actions.h"

#include <string.h>

#include "sim/controllers/deployment.h"
#include "sim/controllers/history.h"
#include "sim/controllers/object_access.h"
#include "workloads/apps.h"

#define ANN_LAST_APPLIED "kubectl.kubernetes.io/last-applied-configuration"
#define ANN_ROLLBACK_TO "deprecated.deployment.rollback.to"

/* Objects of `kind` in ns whose controller reference names owner_uid (refs). */
static GPtrArray *controlled_by(KsTimeline *t, KsStoreKind kind, const char *ns,
                                const char *owner_uid) {
  GPtrArray *all = ks_store_list(t->store, kind, ns);
  GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)ks_store_object_unref);
  for (guint i = 0; i < all->len; i++) {
    const KsStoreObject *o = all->pdata[i];
    const KsObjectMeta *m = kind == KS_STORE_REPLICA_SET
                                ? &((const KsReplicaSet *)o->data)->meta
                                : &((const KsControllerRevision *)o->data)->meta;
    const KsOwnerReference *ref = ks_object_meta_get_controller(m);
    if (ref && owner_uid && g_strcmp0(ref->uid, owner_uid) == 0)
      g_ptr_array_add(out, ks_store_object_ref(o));
  }
  g_ptr_array_unref(all);
  return out;
}

/* deploymentutil.Revision: the annotation as an int64; FALSE when absent or
 * not a number. */
static gboolean rs_revision(const KsReplicaSet *rs, gint64 *out) {
  const char *v = ks_labels_get(&rs->meta.annotations, KS_ANN_DEPLOYMENT_REVISION);
  return v && g_ascii_string_to_signed(v, 10, G_MININT64, G_MAXINT64, out, NULL);
}

/* deploymentRevision: the ReplicaSet to go back to, or NULL after warning. */
static const KsReplicaSet *deployment_revision(KsTimeline *t, const KsTimelineAction *a,
                                               const KsDeployment *d, GPtrArray *rss) {
  const KsReplicaSet *latest = NULL, *previous = NULL;
  gint64 latest_rev = -1, previous_rev = -1;
  for (guint i = 0; i < rss->len; i++) {
    const KsReplicaSet *rs = ((const KsStoreObject *)rss->pdata[i])->data;
    gint64 v;
    if (!rs_revision(rs, &v))
      continue;
    if (a->to_revision != 0) {
      if (v == a->to_revision)
        return rs;
    } else if (latest_rev < v) {
      previous_rev = latest_rev;
      previous = latest;
      latest_rev = v;
      latest = rs;
    } else if (previous_rev < v) {
      previous_rev = v;
      previous = rs;
    }
  }
  if (a->to_revision > 0)
    ks_timeline_warn(t, a, "error: unable to find specified revision %" G_GINT64_FORMAT
                           " in history", a->to_revision);
  else if (!previous)
    ks_timeline_warn(t, a, "error: no rollout history found for deployment \"%s\"",
                     d->meta.name);
  return a->to_revision > 0 ? NULL : previous;
}

static gboolean kept_annotation(const char *key) {
  static const char *const keep[] = {ANN_LAST_APPLIED, KS_ANN_DEPLOYMENT_REVISION,
                                     KS_ANN_DEPLOYMENT_REVISION_HISTORY, KS_ANN_DESIRED_REPLICAS,
                                     KS_ANN_MAX_REPLICAS, ANN_ROLLBACK_TO, NULL};
  return g_strv_contains(keep, key);
}

static void undo_deployment(KsTimeline *t, const KsTimelineAction *a, const KsStoreObject *o) {
  const KsDeployment *d = o->data;
  GPtrArray *rss = controlled_by(t, KS_STORE_REPLICA_SET, d->meta.namespace, d->meta.uid);
  const KsReplicaSet *rs = deployment_revision(t, a, d, rss);
  if (!rs) {
    g_ptr_array_unref(rss);
    return;
  }
  if (d->paused) {
    ks_timeline_warn(t, a,
                     "error: you cannot rollback a paused deployment; resume it first with "
                     "'kubectl rollout resume deployment/%s' and try again",
                     d->meta.name);
  } else if (ks_deployment_templates_equal_ignore_hash(rs->template, d->template)) {
    ks_timeline_warn(t, a, "skipped rollback (current template already matches revision %" G_GINT64_FORMAT ")",
                     a->to_revision);
  } else {
    KsDeployment *copy = ks_deployment_copy(d);
    ks_pod_unref(copy->template);
    copy->template = ks_pod_copy(rs->template);
    ks_labels_remove(&copy->template->labels, KS_LABEL_POD_TEMPLATE_HASH);
    KsLabels ann;
    ks_labels_init(&ann);
    for (guint i = 0; i < d->meta.annotations.n; i++)
      if (kept_annotation(d->meta.annotations.items[i].key))
        ks_labels_set(&ann, d->meta.annotations.items[i].key, d->meta.annotations.items[i].value);
    for (guint i = 0; i < rs->meta.annotations.n; i++)
      if (!kept_annotation(rs->meta.annotations.items[i].key))
        ks_labels_set(&ann, rs->meta.annotations.items[i].key, rs->meta.annotations.items[i].value);
    ks_labels_clear(&copy->meta.annotations);
    copy->meta.annotations = ann;
    ks_timeline_update(t, a, o, copy, TRUE);
  }
  g_ptr_array_unref(rss);
}

static gint by_revision(gconstpointer pa, gconstpointer pb) {
  const KsControllerRevision *x = (*(const KsStoreObject *const *)pa)->data;
  const KsControllerRevision *y = (*(const KsStoreObject *const *)pb)->data;
  return x->revision < y->revision ? -1 : x->revision > y->revision;
}

/* DaemonSetRollbacker / StatefulSetRollbacker. */
static void undo_from_history(KsTimeline *t, const KsTimelineAction *a, const KsStoreObject *o) {
  gpointer data = o->data;
  const KsObjectMeta *m = o->kind == KS_STORE_DAEMON_SET ? &((KsDaemonSet *)data)->meta
                                                          : &((KsStatefulSet *)data)->meta;
  GPtrArray *history = controlled_by(t, KS_STORE_CONTROLLER_REVISION, m->namespace, m->uid);
  const KsControllerRevision *to = NULL;
  if (a->to_revision == 0 && history->len <= 1) {
    ks_timeline_warn(t, a, "error: no last revision to roll back to");
    g_ptr_array_unref(history);
    return;
  }
  if (a->to_revision == 0) {
    g_ptr_array_sort(history, by_revision); /* findHistory: the second highest */
    to = ((const KsStoreObject *)history->pdata[history->len - 2])->data;
  }
  for (guint i = 0; !to && i < history->len; i++) {
    const KsControllerRevision *cr = ((const KsStoreObject *)history->pdata[i])->data;
    if (cr->revision == a->to_revision)
      to = cr;
  }
  if (!to || !to->data) {
    ks_timeline_warn(t, a, "error: unable to find specified revision %" G_GINT64_FORMAT
                           " in history", a->to_revision);
    g_ptr_array_unref(history);
    return;
  }
  KsPod *current = ks_timeline_pod_template(o->kind, data);
  char *have = ks_history_template_data(current), *want = ks_history_template_data(to->data);
  if (strcmp(have, want) == 0) {
    ks_timeline_warn(t, a, "skipped rollback (current template already matches revision %" G_GINT64_FORMAT ")",
                     a->to_revision);
  } else {
    gpointer copy = ks_object_data_copy(o->kind, data);
    KsPod **slot = o->kind == KS_STORE_DAEMON_SET ? &((KsDaemonSet *)copy)->template
                                                   : &((KsStatefulSet *)copy)->template;
    ks_pod_unref(*slot);
    *slot = ks_pod_copy(to->data);
    if (o->kind == KS_STORE_DAEMON_SET)
      ks_timeline_daemon_set_template_changed(copy);
    ks_timeline_update(t, a, o, copy, TRUE);
  }
  g_free(have);
  g_free(want);
  g_ptr_array_unref(history);
}

void ks_timeline_rollout_undo(KsTimeline *t, const KsTimelineAction *a) {
  const KsStoreObject *o = ks_timeline_get(t, a);
  if (!o)
    return;
  if (o->kind == KS_STORE_DEPLOYMENT)
    undo_deployment(t, a, o);
  else
    undo_from_history(t, a, o);
}
