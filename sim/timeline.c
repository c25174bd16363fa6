/* See timeline.h. This file holds the execute table (one row per action,
 * in KsTimelineActionType order, as the decode table of
 * workloads/scenario_timeline.c) and the actions that are one write each:
 * delete, scale, setImage, rolloutPause / rolloutResume, cordon, uncordon.
 *
 * Every write is what kubectl sends: a read of the object, a changed copy
 * and an update of that version (kubectl patches; ksim's writers run one at
 * a time, so the update of the version read is the same thing). A spec
 * change adds 1 to metadata.generation, as the API server does, so the
 * controllers see a new generation to observe.
 */
#include "sim/timeline_actions.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sim/controllers/deletion.h"
#include "sim/controllers/object_access.h"
#include "sim/node_faults.h"
#include "workloads/apps.h"
#include "workloads/batch.h"
#include "workloads/core_objects.h"
#include "workloads/duration.h"
#include "workloads/replication_controller.h"

/* The annotation apps/v1 shows a DaemonSet's templateGeneration in. */
#define ANN_DS_TEMPLATE_GENERATION "deprecated.daemonset.template.generation"

/* ---- shared helpers (timeline_actions.h) ------------------------------------ */

void ks_timeline_warn(KsTimeline *t, const KsTimelineAction *a, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  char *now = ks_duration_format(ks_engine_now(t->engine));
  char *line = g_strdup_printf("%s:%u:%u: at %s: %s: %s", t->file, a->line, a->column, now,
                               ks_timeline_action_name(a->type), msg);
  fprintf(stderr, "ksim: %s\n", line);
  t->warning_count++;
  if (t->warnings->len < KS_TIMELINE_MAX_WARNINGS)
    g_ptr_array_add(t->warnings, line);
  else
    g_free(line);
  g_free(now);
  g_free(msg);
}

KsStoreKind ks_timeline_store_kind(KsKind kind) {
  KsStoreKind k = KS_STORE_POD;
  gboolean found = ks_object_kind_from_name(ks_kind_to_string(kind), &k);
  g_assert(found); /* every manifest kind is stored */
  return k;
}

char *ks_timeline_resource(KsStoreKind kind) {
  const char *api = ks_object_api_version(kind);
  const char *slash = strchr(api, '/');
  if (!slash)
    return g_strdup(ks_store_kind_to_string(kind));
  return g_strdup_printf("%s.%.*s", ks_store_kind_to_string(kind), (int)(slash - api), api);
}

static void warn_not_found(KsTimeline *t, const KsTimelineAction *a, KsStoreKind kind,
                           const char *name) {
  char *res = ks_timeline_resource(kind);
  ks_timeline_warn(t, a, "Error from server (NotFound): %s \"%s\" not found", res, name);
  g_free(res);
}

const KsStoreObject *ks_timeline_get(KsTimeline *t, const KsTimelineAction *a) {
  KsStoreKind kind = ks_timeline_store_kind(a->kind);
  const KsStoreObject *o = ks_store_get(t->store, kind, a->namespace, a->name);
  if (!o)
    warn_not_found(t, a, kind, a->name);
  return o;
}

gboolean ks_timeline_update(KsTimeline *t, const KsTimelineAction *a, const KsStoreObject *old,
                            gpointer data, gboolean spec_changed) {
  if (spec_changed) {
    KsObjectFields f;
    ks_object_fields(old->kind, data, &f);
    if (f.generation)
      (*f.generation)++;
  }
  GError *error = NULL;
  if (ks_store_update(t->store, old->kind, old->namespace, old->name, data,
                      ks_object_data_free_func(old->kind), old->resource_version, &error))
    return TRUE;
  ks_timeline_warn(t, a, "%s", error->message);
  g_error_free(error);
  return FALSE;
}

KsPod *ks_timeline_pod_template(KsStoreKind kind, gpointer data) {
  switch (kind) {
  case KS_STORE_POD: return data;
  case KS_STORE_DEPLOYMENT: return ((KsDeployment *)data)->template;
  case KS_STORE_REPLICA_SET: return ((KsReplicaSet *)data)->template;
  case KS_STORE_DAEMON_SET: return ((KsDaemonSet *)data)->template;
  case KS_STORE_STATEFUL_SET: return ((KsStatefulSet *)data)->template;
  case KS_STORE_JOB: return ((KsJob *)data)->template;
  case KS_STORE_CRON_JOB: return ((KsCronJob *)data)->job_template->template;
  case KS_STORE_REPLICATION_CONTROLLER: return ((KsReplicationController *)data)->template;
  default: return NULL;
  }
}

void ks_timeline_daemon_set_template_changed(gpointer daemon_set) {
  KsDaemonSet *ds = daemon_set;
  const char *v = ks_labels_get(&ds->meta.annotations, ANN_DS_TEMPLATE_GENERATION);
  gint64 gen = 0;
  if (!v || !g_ascii_string_to_signed(v, 10, 0, G_MAXINT64 - 1, &gen, NULL))
    return;
  char *next = g_strdup_printf("%" G_GINT64_FORMAT, gen + 1);
  ks_labels_set(&ds->meta.annotations, ANN_DS_TEMPLATE_GENERATION, next);
  g_free(next);
}

/* ---- delete -------------------------------------------------------------------- */

/* The labels of a stored object; NULL for the kinds that carry none here
 * (PriorityClass, PodDisruptionBudget: a selector never matches them). */
static const KsLabels *object_labels(KsStoreKind kind, gconstpointer data) {
  switch (kind) {
  case KS_STORE_POD: return &((const KsPod *)data)->labels;
  case KS_STORE_NODE: return &((const KsNode *)data)->labels;
  case KS_STORE_NAMESPACE: return &((const KsNamespace *)data)->labels;
  case KS_STORE_DEPLOYMENT: return &((const KsDeployment *)data)->meta.labels;
  case KS_STORE_REPLICA_SET: return &((const KsReplicaSet *)data)->meta.labels;
  case KS_STORE_DAEMON_SET: return &((const KsDaemonSet *)data)->meta.labels;
  case KS_STORE_STATEFUL_SET: return &((const KsStatefulSet *)data)->meta.labels;
  case KS_STORE_CONTROLLER_REVISION: return &((const KsControllerRevision *)data)->meta.labels;
  case KS_STORE_JOB: return &((const KsJob *)data)->meta.labels;
  case KS_STORE_CRON_JOB: return &((const KsCronJob *)data)->meta.labels;
  case KS_STORE_SERVICE: return &((const KsService *)data)->meta.labels;
  case KS_STORE_CONFIG_MAP: return &((const KsConfigMap *)data)->meta.labels;
  case KS_STORE_SECRET: return &((const KsSecret *)data)->meta.labels;
  case KS_STORE_PERSISTENT_VOLUME: return &((const KsPersistentVolume *)data)->labels;
  case KS_STORE_PERSISTENT_VOLUME_CLAIM:
    return &((const KsPersistentVolumeClaim *)data)->labels;
  case KS_STORE_STORAGE_CLASS: return &((const KsStorageClass *)data)->labels;
  case KS_STORE_REPLICATION_CONTROLLER:
    return &((const KsReplicationController *)data)->meta.labels;
  default: return NULL;
  }
}

/* Upstream's pod garbage collector deletes the pods bound to a node that is
 * gone (gcOrphaned, after a 40 s quarantine, with grace 0: no kubelet is
 * left to finish them); ksim does it with the node's delete, as its trace
 * feed does, so the pods' controllers replace them. */
static void delete_pods_of_node(KsTimeline *t, const char *node) {
  static const gint64 force = 0;
  GPtrArray *pods = ks_store_list(t->store, KS_STORE_POD, NULL);
  for (guint i = 0; i < pods->len; i++) {
    const KsStoreObject *o = pods->pdata[i];
    const KsPod *p = o->data;
    if (g_strcmp0(p->node_name, node) == 0)
      ks_object_delete_grace(t->store, KS_STORE_POD, p->namespace, p->name,
                             KS_PROPAGATION_BACKGROUND, &force, NULL);
  }
  g_ptr_array_unref(pods);
}

static void delete_one(KsTimeline *t, const KsTimelineAction *a, KsStoreKind kind,
                       const char *ns, const char *name) {
  static const KsPropagation policies[] = {
      [KS_TIMELINE_PROPAGATE_BACKGROUND] = KS_PROPAGATION_BACKGROUND,
      [KS_TIMELINE_PROPAGATE_FOREGROUND] = KS_PROPAGATION_FOREGROUND,
      [KS_TIMELINE_PROPAGATE_ORPHAN] = KS_PROPAGATION_ORPHAN,
  };
  GError *error = NULL;
  char *node = kind == KS_STORE_NODE ? g_strdup(name) : NULL;
  /* gracePeriodSeconds: the DeleteOptions of kubectl delete --grace-period */
  if (ks_object_delete_grace(t->store, kind, ns, name, policies[a->propagation],
                             a->has_grace_period ? &a->grace_period_seconds : NULL, &error)) {
    if (node)
      delete_pods_of_node(t, node);
  } else if (g_error_matches(error, KS_STORE_ERROR, KS_STORE_ERROR_NOT_FOUND)) {
    warn_not_found(t, a, kind, name);
  } else {
    ks_timeline_warn(t, a, "%s", error->message);
  }
  g_clear_error(&error);
  g_free(node);
}

static void run_delete(KsTimeline *t, const KsTimelineAction *a) {
  KsStoreKind kind = ks_timeline_store_kind(a->kind);
  if (a->name) {
    delete_one(t, a, kind, a->namespace, a->name);
    return;
  }
  /* kubectl delete -l: list, then delete each match in list order */
  GPtrArray *all = ks_store_list(t->store, kind, a->namespace);
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < all->len; i++) {
    const KsStoreObject *o = all->pdata[i];
    const KsLabels *labels = object_labels(kind, o->data);
    if (labels && ks_label_selector_matches(a->selector, labels))
      g_ptr_array_add(names, g_strdup(o->name));
  }
  g_ptr_array_unref(all);
  if (names->len == 0) {
    if (a->namespace)
      ks_timeline_warn(t, a, "No resources found in %s namespace.", a->namespace);
    else
      ks_timeline_warn(t, a, "No resources found");
  }
  for (guint i = 0; i < names->len; i++)
    delete_one(t, a, kind, a->namespace, names->pdata[i]);
  g_ptr_array_unref(names);
}

/* ---- scale ---------------------------------------------------------------------- */

static gint32 *replicas_field(KsStoreKind kind, gpointer data) {
  switch (kind) {
  case KS_STORE_DEPLOYMENT: return &((KsDeployment *)data)->replicas;
  case KS_STORE_REPLICA_SET: return &((KsReplicaSet *)data)->replicas;
  case KS_STORE_STATEFUL_SET: return &((KsStatefulSet *)data)->replicas;
  case KS_STORE_REPLICATION_CONTROLLER: return &((KsReplicationController *)data)->replicas;
  default: return NULL;
  }
}

/* The scale subresource: spec.replicas, nothing written when it is already
 * that (kubectl still says "scaled"). */
static void run_scale(KsTimeline *t, const KsTimelineAction *a) {
  const KsStoreObject *o = ks_timeline_get(t, a);
  if (!o || *replicas_field(o->kind, o->data) == a->replicas)
    return;
  gpointer copy = ks_object_data_copy(o->kind, o->data);
  *replicas_field(o->kind, copy) = a->replicas;
  ks_timeline_update(t, a, o, copy, TRUE);
}

/* ---- set image -------------------------------------------------------------------- */

/* Sets the image of the containers named `name` ("*": all) among arr;
 * *found when one matched; TRUE when an image changed. */
static gboolean set_images(GArray *arr, const char *name, const char *image, gboolean *found) {
  gboolean changed = FALSE;
  for (guint i = 0; arr && i < arr->len; i++) {
    KsContainer *c = &g_array_index(arr, KsContainer, i);
    if (strcmp(name, "*") && g_strcmp0(c->name, name))
      continue;
    *found = TRUE;
    if (g_strcmp0(c->image, image)) {
      g_free(c->image);
      c->image = g_strdup(image);
      changed = TRUE;
    }
  }
  return changed;
}

/* kubectl set image: init containers and containers with that name (or
 * all, for "*"); nothing written when no image changes. */
static void run_set_image(KsTimeline *t, const KsTimelineAction *a) {
  const KsStoreObject *o = ks_timeline_get(t, a);
  if (!o)
    return;
  gpointer copy = ks_object_data_copy(o->kind, o->data);
  KsPod *tmpl = ks_timeline_pod_template(o->kind, copy);
  gboolean found = FALSE;
  gboolean changed = set_images(tmpl->init_containers, a->container, a->image, &found);
  changed = set_images(tmpl->containers, a->container, a->image, &found) || changed;
  if (!found)
    ks_timeline_warn(t, a, "error: unable to find container named \"%s\"", a->container);
  if (!changed) {
    ks_object_data_free_func(o->kind)(copy);
    return;
  }
  if (o->kind == KS_STORE_DAEMON_SET)
    ks_timeline_daemon_set_template_changed(copy);
  ks_timeline_update(t, a, o, copy, TRUE);
}

/* ---- rollout pause / resume ------------------------------------------------------- */

static void run_pause_resume(KsTimeline *t, const KsTimelineAction *a) {
  gboolean pause = a->type == KS_TIMELINE_ROLLOUT_PAUSE;
  const KsStoreObject *o = ks_timeline_get(t, a);
  if (!o)
    return;
  const KsDeployment *d = o->data;
  if (d->paused == pause) {
    char *res = ks_timeline_resource(o->kind);
    ks_timeline_warn(t, a, "error: %s \"%s\" %s", res, a->name,
                     pause ? "is already paused" : "is not paused");
    g_free(res);
    return;
  }
  KsDeployment *copy = ks_deployment_copy(d);
  copy->paused = pause;
  ks_timeline_update(t, a, o, copy, TRUE);
}

/* ---- cordon / uncordon ------------------------------------------------------------ */

/* spec.unschedulable; nothing written when it already is (kubectl: "node/x
 * already cordoned"). The NoSchedule taint node.kubernetes.io/unschedulable
 * is not kubectl's: the node lifecycle controller follows spec.unschedulable
 * with it. */
static void run_cordon(KsTimeline *t, const KsTimelineAction *a) {
  gboolean cordon = a->type == KS_TIMELINE_CORDON;
  const KsStoreObject *o = ks_timeline_get(t, a);
  if (!o || ((const KsNode *)o->data)->unschedulable == cordon)
    return;
  KsNode *copy = ks_node_copy(o->data);
  copy->unschedulable = cordon;
  ks_timeline_update(t, a, o, copy, TRUE);
}

/* ---- nodeDown / nodeUp ------------------------------------------------------------ */

/* The node's kubelet stops or comes back (sim/node_faults.h); nothing when
 * it already is. */
static void run_node_fault(KsTimeline *t, const KsTimelineAction *a) {
  if (ks_timeline_get(t, a))
    ks_node_fault_set_down(t->store, a->name, a->type == KS_TIMELINE_NODE_DOWN, NULL);
}

/* ---- the table and the events ------------------------------------------------------ */

typedef void (*ExecuteFn)(KsTimeline *t, const KsTimelineAction *a);

/* In KsTimelineActionType order. */
static const ExecuteFn execute[KS_TIMELINE_N_ACTIONS] = {
    [KS_TIMELINE_APPLY] = ks_timeline_apply,
    [KS_TIMELINE_DELETE] = run_delete,
    [KS_TIMELINE_SCALE] = run_scale,
    [KS_TIMELINE_SET_IMAGE] = run_set_image,
    [KS_TIMELINE_ROLLOUT_UNDO] = ks_timeline_rollout_undo,
    [KS_TIMELINE_ROLLOUT_PAUSE] = run_pause_resume,
    [KS_TIMELINE_ROLLOUT_RESUME] = run_pause_resume,
    [KS_TIMELINE_CORDON] = run_cordon,
    [KS_TIMELINE_UNCORDON] = run_cordon,
    [KS_TIMELINE_DRAIN] = ks_timeline_drain,
    [KS_TIMELINE_NODE_DOWN] = run_node_fault,
    [KS_TIMELINE_NODE_UP] = run_node_fault,
};

typedef struct {
  KsTimeline *t;
  const KsTimelineAction *a;
} Due;

static void on_due(KsEngine *e, gpointer data) {
  (void)e;
  Due *d = data;
  d->t->actions_run++;
  execute[d->a->type](d->t, d->a);
}

KsTimeline *ks_timeline_new(KsStore *store, const GPtrArray *actions, const char *file,
                            guint64 seed) {
  KsTimeline *t = g_new0(KsTimeline, 1);
  t->store = store;
  t->engine = ks_store_get_engine(store);
  t->actions = actions;
  t->file = g_strdup(file ? file : "<scenario>");
  t->warnings = g_ptr_array_new_with_free_func(g_free);
  t->drains = g_ptr_array_new();
  ks_rng_init(&t->uids, seed, "apiserver/uid/timeline");
  for (guint i = 0; actions && i < actions->len; i++) {
    Due *d = g_new(Due, 1);
    *d = (Due){t, actions->pdata[i]};
    g_assert((guint)d->a->type < KS_TIMELINE_N_ACTIONS && execute[d->a->type]);
    ks_engine_schedule(t->engine, d->a->at_us, on_due, d, g_free);
  }
  return t;
}

void ks_timeline_free(KsTimeline *t) {
  if (!t)
    return;
  ks_timeline_drains_free(t);
  g_ptr_array_unref(t->drains);
  g_ptr_array_unref(t->warnings);
  g_free(t->file);
  ks_kubelet_configs_unref(t->kubelets);
  g_free(t);
}

void ks_timeline_set_kubelets(KsTimeline *t, KsKubeletConfigs *kubelets) {
  KsKubeletConfigs *k = kubelets ? ks_kubelet_configs_ref(kubelets) : NULL;
  ks_kubelet_configs_unref(t->kubelets);
  t->kubelets = k;
}

const GPtrArray *ks_timeline_warnings(const KsTimeline *t) { return t->warnings; }
guint64 ks_timeline_warning_count(const KsTimeline *t) { return t->warning_count; }
guint64 ks_timeline_actions_run(const KsTimeline *t) { return t->actions_run; }
