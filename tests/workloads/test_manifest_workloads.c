/* The workload kinds of the manifest loader: real `kubectl get -o yaml`
 * dumps (apps, batch, core, volumes) load unchanged with every field ksim
 * keeps; the API server's defaults; and the exact message of each broken
 * input, per kind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "workloads/manifest.h"

#define DIR KSIM_TEST_DATA "/manifests/"
#define S(sec) ((gint64)(sec) * G_USEC_PER_SEC)

static KsManifestSet *load_file(const char *name) {
  char *path = g_strconcat(DIR, name, NULL);
  GError *error = NULL;
  KsManifestSet *s = ks_manifest_load_file(path, &error);
  if (!s)
    fail_msg("%s", error->message);
  assert_int_equal(s->warnings->len, 0);
  g_free(path);
  return s;
}

static KsManifestSet *load_string(const char *yaml) {
  GError *error = NULL;
  KsManifestSet *s = ks_manifest_load_string(yaml, strlen(yaml), "s.yaml", &error);
  if (!s)
    fail_msg("%s", error->message);
  return s;
}

static const KsManifestObject *obj(const KsManifestSet *s, guint i, KsKind kind) {
  assert_true(i < s->objects->len);
  const KsManifestObject *o = s->objects->pdata[i];
  assert_int_equal(o->kind, kind);
  return o;
}

static const KsCondition *cond(const GArray *conds, const char *type) {
  const KsCondition *c = ks_conditions_get(conds, type);
  if (!c)
    fail_msg("no condition %s", type);
  return c;
}

/* ---- kubectl dumps ---------------------------------------------------------- */

static void test_apps_kubectl(void **state) {
  (void)state;
  KsManifestSet *s = load_file("apps-kubectl.yaml");
  assert_int_equal(s->objects->len, 5);

  const KsDeployment *d = obj(s, 0, KS_KIND_DEPLOYMENT)->u.deployment;
  assert_string_equal(d->meta.name, "web");
  assert_string_equal(d->meta.namespace, "shop");
  assert_string_equal(d->meta.uid, "4b0c1c8e-6f4f-4c52-9a8e-0d5f2b3c9e11");
  assert_int_equal(d->meta.generation, 3);
  assert_int_equal(d->meta.creation_timestamp_us, S(1725271872));
  assert_string_equal(ks_labels_get(&d->meta.annotations, KS_ANN_DEPLOYMENT_REVISION), "2");
  assert_int_equal(d->replicas, 3);
  assert_string_equal(ks_labels_get(&d->selector->match_labels, "app"), "web");
  assert_string_equal(d->template->namespace, "shop");
  assert_string_equal(d->template->name, "");
  assert_string_equal(ks_labels_get(&d->template->labels, "app"), "web");
  assert_int_equal(d->template->containers->len, 1);
  assert_int_equal(g_array_index(d->template->containers, KsContainer, 0).requests.milli_cpu, 100);
  assert_int_equal(d->strategy, KS_DEPLOYMENT_ROLLING_UPDATE);
  assert_true(d->max_surge.set && d->max_surge.is_percent && d->max_surge.value == 25);
  assert_true(d->max_unavailable.is_percent && d->max_unavailable.value == 25);
  assert_int_equal(d->revision_history_limit, 10);
  assert_int_equal(d->progress_deadline_seconds, 600);
  assert_false(d->paused);
  assert_int_equal(d->observed_generation, 3);
  assert_int_equal(d->status_replicas, 3);
  assert_int_equal(d->updated_replicas, 3);
  assert_int_equal(d->ready_replicas, 3);
  assert_int_equal(d->available_replicas, 3);
  assert_int_equal(d->conditions->len, 2);
  const KsCondition *c = cond(d->conditions, KS_DEPLOYMENT_COND_PROGRESSING);
  assert_int_equal(c->status, KS_CONDITION_TRUE);
  assert_string_equal(c->reason, KS_DEPLOYMENT_REASON_NEW_RS_AVAILABLE);
  assert_string_equal(c->message, "ReplicaSet \"web-6d8f7c9b5\" has successfully progressed.");
  assert_int_equal(c->last_transition_time_us, S(1725271872));
  assert_int_equal(c->last_update_time_us, S(1725272140));
  c = cond(d->conditions, KS_DEPLOYMENT_COND_AVAILABLE);
  assert_string_equal(c->reason, KS_DEPLOYMENT_REASON_MIN_AVAILABLE);
  assert_int_equal(c->last_transition_time_us, S(1725271874));

  const KsReplicaSet *rs = obj(s, 1, KS_KIND_REPLICA_SET)->u.replica_set;
  assert_string_equal(rs->meta.name, "web-6d8f7c9b5");
  const KsOwnerReference *owner = ks_object_meta_get_controller(&rs->meta);
  assert_non_null(owner);
  assert_string_equal(owner->kind, "Deployment");
  assert_string_equal(owner->name, "web");
  assert_string_equal(owner->uid, d->meta.uid);
  assert_true(owner->block_owner_deletion);
  assert_string_equal(ks_labels_get(&rs->template->labels, KS_LABEL_POD_TEMPLATE_HASH),
                      "6d8f7c9b5");
  assert_int_equal(rs->replicas, 3);
  assert_int_equal(rs->fully_labeled_replicas, 3);
  assert_int_equal(rs->available_replicas, 3);
  assert_int_equal(rs->observed_generation, 1);

  const KsDaemonSet *ds = obj(s, 2, KS_KIND_DAEMON_SET)->u.daemon_set;
  assert_string_equal(ds->meta.name, "node-agent");
  assert_int_equal(ds->update_strategy, KS_DAEMON_SET_ROLLING_UPDATE);
  assert_true(ds->max_unavailable.set && !ds->max_unavailable.is_percent);
  assert_int_equal(ds->max_unavailable.value, 1);
  assert_int_equal(ds->max_surge.value, 0);
  assert_int_equal(ds->template->tolerations->len, 1);
  assert_int_equal(ds->desired_number_scheduled, 4);
  assert_int_equal(ds->number_ready, 4);
  assert_int_equal(ds->number_misscheduled, 0);

  const KsStatefulSet *ss = obj(s, 3, KS_KIND_STATEFUL_SET)->u.stateful_set;
  assert_string_equal(ss->service_name, "db");
  assert_int_equal(ss->pod_management_policy, KS_POD_MANAGEMENT_PARALLEL);
  assert_int_equal(ss->update_strategy, KS_STATEFUL_SET_ROLLING_UPDATE);
  assert_int_equal(ss->partition, 1);
  assert_false(ss->max_unavailable.set);
  assert_int_equal(ss->when_deleted, KS_PVC_RETENTION_RETAIN);
  assert_int_equal(ss->when_scaled, KS_PVC_RETENTION_DELETE);
  assert_int_equal(ss->ordinals_start, 0);
  assert_int_equal(ss->volume_claim_templates->len, 1);
  const KsPersistentVolumeClaim *vct = g_ptr_array_index(ss->volume_claim_templates, 0);
  assert_string_equal(vct->name, "data");
  assert_string_equal(vct->namespace, "shop"); /* the StatefulSet's */
  assert_int_equal(vct->access_modes, KS_ACCESS_RWO);
  assert_int_equal(vct->request, 10LL << 30);
  assert_string_equal(vct->storage_class_name, "fast");
  assert_string_equal(ss->current_revision, "db-5f6b7c8d9");
  assert_string_equal(ss->update_revision, "db-5f6b7c8d9");
  assert_int_equal(ss->available_replicas, 3);

  const KsControllerRevision *cr = obj(s, 4, KS_KIND_CONTROLLER_REVISION)->u.controller_revision;
  assert_int_equal(cr->revision, 1);
  assert_non_null(cr->data);
  assert_string_equal(ks_labels_get(&cr->data->labels, "app"), "db");
  assert_string_equal(g_array_index(cr->data->containers, KsContainer, 0).image, "postgres:16");
  assert_string_equal(ks_object_meta_get_controller(&cr->meta)->kind, "StatefulSet");
  ks_manifest_set_free(s);
}

static void test_batch_kubectl(void **state) {
  (void)state;
  KsManifestSet *s = load_file("batch-kubectl.yaml");
  assert_int_equal(s->objects->len, 2);
  const KsJob *j = obj(s, 0, KS_KIND_JOB)->u.job;
  assert_string_equal(j->meta.name, "report-28757640");
  assert_int_equal(j->completion_mode, KS_COMPLETION_INDEXED);
  assert_true(j->has_completions);
  assert_int_equal(j->completions, 5);
  assert_int_equal(j->parallelism, 2);
  assert_int_equal(j->backoff_limit, 4);
  assert_true(j->has_ttl_seconds_after_finished);
  assert_int_equal(j->ttl_seconds_after_finished, 3600);
  assert_false(j->has_active_deadline_seconds);
  assert_false(j->manual_selector);
  assert_int_equal(j->pod_replacement_policy, KS_POD_REPLACEMENT_TERMINATING_OR_FAILED);
  assert_int_equal(j->template->restart_policy, KS_RESTART_NEVER);
  /* the generated selector is already there: nothing added */
  assert_int_equal(j->selector->match_labels.n, 1);
  assert_int_equal(j->template->labels.n, 4);
  assert_true(ks_label_selector_matches(j->selector, &j->template->labels));
  assert_int_equal(j->succeeded, 5);
  assert_string_equal(j->completed_indexes, "0-4");
  assert_int_equal(j->start_time_us, S(1725415200));
  assert_int_equal(j->completion_time_us, S(1725415390));
  assert_true(ks_job_is_finished(j));
  assert_string_equal(cond(j->conditions, KS_JOB_COND_COMPLETE)->reason,
                      KS_JOB_REASON_COMPLETIONS_REACHED);
  assert_int_equal(cond(j->conditions, KS_JOB_COND_COMPLETE)->last_update_time_us, S(1725415390));

  const KsCronJob *cj = obj(s, 1, KS_KIND_CRON_JOB)->u.cron_job;
  assert_string_equal(cj->schedule, "0 2 * * *");
  assert_string_equal(cj->time_zone, "Etc/UTC");
  assert_true(cj->has_starting_deadline_seconds);
  assert_int_equal(cj->starting_deadline_seconds, 300);
  assert_int_equal(cj->concurrency_policy, KS_CONCURRENCY_FORBID);
  assert_int_equal(cj->successful_jobs_history_limit, 3);
  assert_int_equal(cj->failed_jobs_history_limit, 1);
  assert_string_equal(ks_labels_get(&cj->job_template->meta.labels, "team"), "reports");
  assert_string_equal(cj->job_template->meta.namespace, "default");
  assert_int_equal(cj->job_template->backoff_limit, 4);
  assert_int_equal(cj->job_template->completions, 1); /* both unset: both 1 */
  assert_int_equal(cj->job_template->parallelism, 1);
  assert_int_equal(cj->job_template->template->restart_policy, KS_RESTART_ON_FAILURE);
  assert_null(cj->job_template->selector); /* no uid yet: generated when the Job is made */
  assert_int_equal(cj->active->len, 1);
  const KsObjectReference *a = g_ptr_array_index(cj->active, 0);
  assert_string_equal(a->name, "report-28757640");
  assert_string_equal(a->uid, j->meta.uid);
  assert_int_equal(cj->last_schedule_time_us, S(1725415200));
  assert_int_equal(cj->last_successful_time_us, S(1725328985));
  ks_manifest_set_free(s);
}

static void test_core_kubectl(void **state) {
  (void)state;
  KsManifestSet *s = load_file("core-kubectl.yaml");
  assert_int_equal(s->objects->len, 3);
  const KsService *svc = obj(s, 0, KS_KIND_SERVICE)->u.service;
  assert_int_equal(svc->type, KS_SERVICE_NODE_PORT);
  assert_string_equal(ks_labels_get(&svc->selector, "app"), "web");
  assert_string_equal(svc->cluster_ip, "10.96.12.34");
  assert_int_equal(svc->ports->len, 2);
  const KsServicePort *p = &g_array_index(svc->ports, KsServicePort, 0);
  assert_string_equal(p->name, "http");
  assert_int_equal(p->port, 80);
  assert_int_equal(p->node_port, 30080);
  assert_string_equal(p->target_port_name, "http");
  p = &g_array_index(svc->ports, KsServicePort, 1);
  assert_int_equal(p->target_port, 9090);
  assert_null(p->target_port_name);

  const KsConfigMap *cm = obj(s, 1, KS_KIND_CONFIG_MAP)->u.config_map;
  assert_int_equal(g_strv_length(cm->keys), 3);
  assert_string_equal(cm->keys[0], "LOG_LEVEL"); /* sorted byte-wise */
  assert_string_equal(cm->keys[1], "app.properties");
  assert_string_equal(cm->keys[2], "logo.png");
  assert_false(cm->immutable);

  const KsSecret *sec = obj(s, 2, KS_KIND_SECRET)->u.secret;
  assert_string_equal(sec->type, "kubernetes.io/basic-auth");
  assert_true(sec->immutable);
  assert_true(ks_secret_has_key(sec, "password"));
  assert_true(ks_secret_has_key(sec, "username"));
  assert_false(ks_secret_has_key(sec, "token"));
  ks_manifest_set_free(s);
}

static void test_volumes_kubectl(void **state) {
  (void)state;
  KsManifestSet *s = load_file("volumes-kubectl.yaml");
  assert_int_equal(s->objects->len, 5);
  const KsStorageClass *sc = obj(s, 0, KS_KIND_STORAGE_CLASS)->u.storage_class;
  assert_string_equal(sc->name, "fast");
  assert_string_equal(sc->provisioner, "pd.csi.storage.gke.io");
  assert_true(ks_storage_class_is_default(sc));
  assert_int_equal(sc->reclaim_policy, KS_RECLAIM_DELETE);
  assert_int_equal(sc->volume_binding_mode, KS_BINDING_WAIT_FOR_FIRST_CONSUMER);
  assert_true(sc->allow_volume_expansion);
  assert_string_equal(ks_labels_get(&sc->parameters, "type"), "pd-ssd");
  assert_int_equal(sc->allowed_topologies->len, 1);
  const KsNodeSelectorTerm *t = &g_array_index(sc->allowed_topologies, KsNodeSelectorTerm, 0);
  KsLabels zone;
  ks_labels_init(&zone);
  ks_labels_set(&zone, "topology.kubernetes.io/zone", "europe-west1-c");
  assert_true(ks_node_selector_term_matches(t, &zone, "n"));
  ks_labels_set(&zone, "topology.kubernetes.io/zone", "europe-west1-d");
  assert_false(ks_node_selector_term_matches(t, &zone, "n"));

  const KsPersistentVolume *pv = obj(s, 1, KS_KIND_PERSISTENT_VOLUME)->u.pv;
  assert_string_equal(pv->name, "pvc-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
  assert_int_equal(pv->capacity, 10LL << 30);
  assert_int_equal(pv->access_modes, KS_ACCESS_RWO);
  assert_string_equal(ks_pv_get_class(pv), "fast");
  assert_int_equal(pv->reclaim_policy, KS_RECLAIM_DELETE);
  assert_int_equal(pv->source, KS_VOLUME_CSI);
  assert_string_equal(pv->source_driver, "pd.csi.storage.gke.io");
  assert_string_equal(pv->source_id, "projects/p/zones/europe-west1-b/disks/pvc-0a1b2c3d");
  assert_int_equal(pv->phase, KS_PV_BOUND);
  assert_string_equal(pv->claim_ref->namespace, "shop");
  assert_string_equal(pv->claim_ref->name, "data-db-0");
  assert_string_equal(pv->claim_ref->uid, "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
  assert_int_equal(g_strv_length(pv->finalizers), 2);
  ks_labels_clear(&zone);
  ks_labels_init(&zone);
  ks_labels_set(&zone, "topology.gke.io/zone", "europe-west1-b");
  assert_true(ks_node_selector_matches(pv->node_affinity, &zone, "n"));
  ks_labels_clear(&zone);

  pv = obj(s, 2, KS_KIND_PERSISTENT_VOLUME)->u.pv;
  assert_int_equal(pv->source, KS_VOLUME_LOCAL);
  assert_string_equal(pv->source_id, "/mnt/disks/ssd1");
  assert_int_equal(pv->access_modes, KS_ACCESS_RWOP);
  assert_int_equal(pv->reclaim_policy, KS_RECLAIM_RETAIN); /* a PV's default */
  assert_int_equal(pv->phase, KS_PV_PENDING);
  assert_string_equal(pv->storage_class_name, "");
  assert_null(pv->claim_ref);

  const KsPersistentVolumeClaim *c = obj(s, 3, KS_KIND_PERSISTENT_VOLUME_CLAIM)->u.pvc;
  assert_string_equal(c->namespace, "shop");
  assert_string_equal(ks_pvc_selected_node(c), "node-1");
  assert_string_equal(c->volume_name, "pvc-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
  assert_int_equal(c->phase, KS_PVC_BOUND);
  assert_int_equal(c->capacity, 10LL << 30);
  assert_int_equal(c->status_access_modes, KS_ACCESS_RWO);
  assert_string_equal(ks_owner_reference_get_controller(c->owner_references)->name, "db");
  assert_string_equal(c->finalizers[0], "kubernetes.io/pvc-protection");

  c = obj(s, 4, KS_KIND_PERSISTENT_VOLUME_CLAIM)->u.pvc;
  assert_string_equal(c->namespace, "default");
  assert_null(c->storage_class_name); /* unset: the default class, not "no class" */
  assert_int_equal(c->access_modes, KS_ACCESS_RWX);
  assert_int_equal(c->request, 1LL << 30);
  assert_int_equal(c->phase, KS_PVC_PENDING);
  assert_int_equal(c->volume_mode, KS_VOLUME_MODE_FILESYSTEM);
  ks_manifest_set_free(s);
}

/* A pod's metadata beyond what the scheduler reads: owner, generateName. */
static void test_pod_kubectl_extras(void **state) {
  (void)state;
  KsManifestSet *s = load_file("pod-kubectl.yaml");
  const KsPod *p = obj(s, 0, KS_KIND_POD)->u.pod;
  assert_string_equal(p->generate_name, "web-7d4b9c8f6d-");
  const KsOwnerReference *o = ks_pod_get_controller(p);
  assert_string_equal(o->kind, "ReplicaSet");
  assert_string_equal(o->name, "web-7d4b9c8f6d");
  assert_true(o->controller && o->block_owner_deletion);
  assert_int_equal(p->start_time_us, S(1714641225));
  assert_true(p->has_start_time);
  assert_false(p->ready); /* no Ready condition in the dump */
  assert_int_equal(p->deletion_timestamp_us, 0);
  ks_manifest_set_free(s);

  s = load_string("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
                  "  deletionTimestamp: \"2024-05-02T09:20:00Z\"\n"
                  "  deletionGracePeriodSeconds: 30\n  finalizers: [example.com/keep]\n"
                  "spec:\n  containers: [{name: c}]\n"
                  "status:\n  conditions:\n"
                  "  - {type: Ready, status: \"True\", lastTransitionTime: \"2024-05-02T09:13:45Z\"}\n");
  p = obj(s, 0, KS_KIND_POD)->u.pod;
  assert_true(ks_pod_is_terminating(p));
  assert_false(p->has_start_time); /* status without startTime */
  assert_int_equal(p->deletion_timestamp_us, S(1714641225 + 375));
  assert_int_equal(p->deletion_grace_period_seconds, 30);
  assert_string_equal(p->finalizers[0], "example.com/keep");
  assert_true(p->ready);
  assert_int_equal(p->ready_since_us, S(1714641225));
  assert_true(ks_pod_is_available(p, 10, S(1714641225 + 11)));
  assert_false(ks_pod_is_available(p, 10, S(1714641225 + 10)));
  ks_manifest_set_free(s);
}

/* ---- defaults ------------------------------------------------------------------ */

static void test_defaults(void **state) {
  (void)state;
  KsManifestSet *s = load_string(
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n"
      "spec:\n  selector: {matchLabels: {app: web}}\n"
      "  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c}]}\n"
      "---\n"
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: re}\n"
      "spec:\n  strategy: {type: Recreate}\n  selector: {matchLabels: {app: re}}\n"
      "  template:\n    metadata: {labels: {app: re}}\n    spec: {containers: [{name: c}]}\n"
      "---\n"
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: su}\n"
      "spec:\n  strategy: {rollingUpdate: {maxSurge: 3}}\n  selector: {matchLabels: {app: su}}\n"
      "  template:\n    metadata: {labels: {app: su}}\n    spec: {containers: [{name: c}]}\n");
  const KsDeployment *d = obj(s, 0, KS_KIND_DEPLOYMENT)->u.deployment;
  assert_string_equal(d->meta.namespace, "shop");
  assert_string_equal(d->template->namespace, "shop");
  assert_int_equal(d->replicas, 1);
  assert_int_equal(d->strategy, KS_DEPLOYMENT_ROLLING_UPDATE);
  assert_true(d->max_surge.is_percent && d->max_surge.value == 25);
  assert_true(d->max_unavailable.is_percent && d->max_unavailable.value == 25);
  assert_int_equal(d->revision_history_limit, 10);
  assert_int_equal(d->progress_deadline_seconds, 600);
  assert_int_equal(d->template->restart_policy, KS_RESTART_ALWAYS);
  assert_null(d->conditions);
  d = obj(s, 1, KS_KIND_DEPLOYMENT)->u.deployment;
  assert_string_equal(d->meta.namespace, "default");
  assert_int_equal(d->strategy, KS_DEPLOYMENT_RECREATE);
  assert_false(d->max_surge.set);
  assert_false(d->max_unavailable.set);
  d = obj(s, 2, KS_KIND_DEPLOYMENT)->u.deployment;
  assert_true(d->max_surge.set && !d->max_surge.is_percent && d->max_surge.value == 3);
  assert_true(d->max_unavailable.is_percent && d->max_unavailable.value == 25);
  ks_manifest_set_free(s);

  s = load_string(
      "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: a}\n"
      "spec:\n  selector: {matchLabels: {app: a}}\n"
      "  template:\n    metadata: {labels: {app: a}}\n    spec: {containers: [{name: c}]}\n"
      "---\n"
      "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: b}\n"
      "spec:\n  updateStrategy: {type: OnDelete}\n  selector: {matchLabels: {app: b}}\n"
      "  template:\n    metadata: {labels: {app: b}}\n    spec: {containers: [{name: c}]}\n"
      "---\n"
      "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: data}\n"
      "spec:\n  selector: {matchLabels: {app: db}}\n"
      "  template:\n    metadata: {labels: {app: db}}\n    spec: {containers: [{name: c}]}\n"
      "  volumeClaimTemplates:\n  - metadata: {name: data}\n"
      "    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n");
  const KsDaemonSet *ds = obj(s, 0, KS_KIND_DAEMON_SET)->u.daemon_set;
  assert_int_equal(ds->update_strategy, KS_DAEMON_SET_ROLLING_UPDATE);
  assert_true(ds->max_unavailable.set && ds->max_unavailable.value == 1);
  assert_true(ds->max_surge.set && ds->max_surge.value == 0);
  assert_int_equal(ds->revision_history_limit, 10);
  ds = obj(s, 1, KS_KIND_DAEMON_SET)->u.daemon_set;
  assert_int_equal(ds->update_strategy, KS_DAEMON_SET_ON_DELETE);
  assert_false(ds->max_unavailable.set);
  const KsStatefulSet *ss = obj(s, 2, KS_KIND_STATEFUL_SET)->u.stateful_set;
  assert_int_equal(ss->replicas, 1);
  assert_int_equal(ss->pod_management_policy, KS_POD_MANAGEMENT_ORDERED_READY);
  assert_int_equal(ss->update_strategy, KS_STATEFUL_SET_ROLLING_UPDATE);
  assert_int_equal(ss->partition, 0);
  assert_int_equal(ss->when_deleted, KS_PVC_RETENTION_RETAIN);
  assert_int_equal(ss->when_scaled, KS_PVC_RETENTION_RETAIN);
  assert_null(ss->service_name);
  const KsPersistentVolumeClaim *vct = g_ptr_array_index(ss->volume_claim_templates, 0);
  assert_string_equal(vct->namespace, "data");
  assert_null(vct->storage_class_name);
  ks_manifest_set_free(s);

  s = load_string(
      "apiVersion: batch/v1\nkind: Job\nmetadata: {name: pi}\nspec:\n"
      "  template:\n    metadata: {labels: {app: pi}}\n"
      "    spec: {restartPolicy: Never, containers: [{name: c}]}\n"
      "---\n"
      "apiVersion: batch/v1\nkind: Job\nmetadata: {name: work, uid: u-7, labels: {team: a}}\n"
      "spec:\n  completions: 8\n"
      "  template:\n    spec: {restartPolicy: OnFailure, containers: [{name: c}]}\n"
      "---\n"
      "apiVersion: batch/v1\nkind: Job\nmetadata: {name: idx}\nspec:\n"
      "  completionMode: Indexed\n  completions: 4\n  parallelism: 2\n  backoffLimitPerIndex: 1\n"
      "  podFailurePolicy: {rules: []}\n"
      "  template:\n    spec: {restartPolicy: Never, containers: [{name: c}]}\n"
      "---\n"
      "apiVersion: batch/v1\nkind: Job\nmetadata: {name: par}\nspec:\n  parallelism: 5\n"
      "  template:\n    spec: {restartPolicy: Never, containers: [{name: c}]}\n"
      "---\n"
      "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: cj}\nspec:\n  schedule: '*/5 * * * *'\n"
      "  jobTemplate:\n    spec:\n      template:\n"
      "        spec: {restartPolicy: Never, containers: [{name: c}]}\n");
  const KsJob *j = obj(s, 0, KS_KIND_JOB)->u.job;
  assert_true(j->has_completions); /* both unset: both 1 */
  assert_int_equal(j->completions, 1);
  assert_int_equal(j->parallelism, 1);
  assert_int_equal(j->backoff_limit, 6);
  assert_int_equal(j->completion_mode, KS_COMPLETION_NON_INDEXED);
  assert_int_equal(j->pod_replacement_policy, KS_POD_REPLACEMENT_TERMINATING_OR_FAILED);
  assert_false(j->suspend);
  assert_string_equal(ks_labels_get(&j->meta.labels, "app"), "pi"); /* the template's */
  assert_null(j->selector); /* no uid: left for whoever assigns one */
  j = obj(s, 1, KS_KIND_JOB)->u.job;
  assert_true(j->has_completions);
  assert_int_equal(j->completions, 8);
  assert_int_equal(j->parallelism, 1);
  assert_int_equal(j->meta.labels.n, 1); /* its own labels stay */
  /* generateSelector with the uid from the file */
  assert_string_equal(ks_labels_get(&j->selector->match_labels, KS_LABEL_JOB_CONTROLLER_UID),
                      "u-7");
  assert_int_equal(j->selector->match_labels.n, 1);
  assert_string_equal(ks_labels_get(&j->template->labels, KS_LABEL_JOB_CONTROLLER_UID), "u-7");
  assert_string_equal(ks_labels_get(&j->template->labels, KS_LABEL_LEGACY_CONTROLLER_UID), "u-7");
  assert_string_equal(ks_labels_get(&j->template->labels, KS_LABEL_JOB_NAME), "work");
  assert_string_equal(ks_labels_get(&j->template->labels, KS_LABEL_LEGACY_JOB_NAME), "work");
  j = obj(s, 2, KS_KIND_JOB)->u.job;
  assert_int_equal(j->backoff_limit, G_MAXINT32); /* with backoffLimitPerIndex */
  assert_int_equal(j->backoff_limit_per_index, 1);
  assert_true(j->has_pod_failure_policy);
  assert_int_equal(j->pod_replacement_policy, KS_POD_REPLACEMENT_FAILED);
  j = obj(s, 3, KS_KIND_JOB)->u.job;
  assert_false(j->has_completions); /* parallelism alone: completions stay unset */
  assert_int_equal(j->parallelism, 5);
  const KsCronJob *cj = obj(s, 4, KS_KIND_CRON_JOB)->u.cron_job;
  assert_int_equal(cj->concurrency_policy, KS_CONCURRENCY_ALLOW);
  assert_false(cj->suspend);
  assert_int_equal(cj->successful_jobs_history_limit, 3);
  assert_int_equal(cj->failed_jobs_history_limit, 1);
  assert_false(cj->has_starting_deadline_seconds);
  assert_null(cj->time_zone);
  assert_null(cj->active);
  ks_manifest_set_free(s);

  s = load_string(
      "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: 443}]\n"
      "---\n"
      "apiVersion: v1\nkind: Secret\nmetadata: {name: t}\nstringData: {token: abc}\n"
      "---\n"
      "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: std}\n"
      "provisioner: kubernetes.io/no-provisioner\n"
      "---\n"
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: cfg-}\n"
      "---\n"
      "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: none}\n"
      "spec: {accessModes: [ReadOnlyMany], storageClassName: \"\", "
      "resources: {requests: {storage: 500Mi}}}\n");
  const KsService *svc = obj(s, 0, KS_KIND_SERVICE)->u.service;
  assert_int_equal(svc->type, KS_SERVICE_CLUSTER_IP);
  const KsServicePort *p = &g_array_index(svc->ports, KsServicePort, 0);
  assert_int_equal(p->protocol, KS_PROTOCOL_TCP);
  assert_int_equal(p->target_port, 443); /* defaults to port */
  assert_int_equal(svc->selector.n, 0);
  const KsSecret *sec = obj(s, 1, KS_KIND_SECRET)->u.secret;
  assert_string_equal(sec->type, "Opaque");
  assert_true(ks_secret_has_key(sec, "token"));
  const KsStorageClass *sc = obj(s, 2, KS_KIND_STORAGE_CLASS)->u.storage_class;
  assert_int_equal(sc->reclaim_policy, KS_RECLAIM_DELETE);
  assert_int_equal(sc->volume_binding_mode, KS_BINDING_IMMEDIATE);
  assert_null(sc->allowed_topologies);
  assert_false(ks_storage_class_is_default(sc));
  const KsConfigMap *cm = obj(s, 3, KS_KIND_CONFIG_MAP)->u.config_map;
  assert_string_equal(cm->meta.name, "");
  assert_string_equal(cm->meta.generate_name, "cfg-");
  assert_null(cm->keys);
  const KsPersistentVolumeClaim *c = obj(s, 4, KS_KIND_PERSISTENT_VOLUME_CLAIM)->u.pvc;
  assert_string_equal(c->storage_class_name, ""); /* explicitly no class */
  assert_int_equal(c->request, 500LL << 20);
  assert_int_equal(c->access_modes, KS_ACCESS_ROX);
  ks_manifest_set_free(s);

  assert_string_equal(ks_kind_to_string(KS_KIND_STATEFUL_SET), "StatefulSet");
  assert_string_equal(ks_kind_to_string(KS_KIND_PERSISTENT_VOLUME_CLAIM), "PersistentVolumeClaim");
  assert_string_equal(ks_kind_to_string(KS_KIND_COUNT), "Unknown");
}

/* A typed list whose items carry no kind, as the API server returns them. */
static void test_typed_lists(void **state) {
  (void)state;
  KsManifestSet *s = load_string(
      "apiVersion: apps/v1\nkind: StatefulSetList\nitems:\n"
      "- metadata: {name: a}\n  spec:\n    selector: {matchLabels: {app: a}}\n"
      "    template:\n      metadata: {labels: {app: a}}\n      spec: {containers: [{name: c}]}\n"
      "---\n"
      "apiVersion: v1\nkind: PersistentVolumeClaimList\nitems:\n"
      "- metadata: {name: c}\n  spec: {accessModes: [ReadWriteOnce], "
      "resources: {requests: {storage: 1Gi}}}\n");
  assert_int_equal(s->objects->len, 2);
  assert_string_equal(obj(s, 0, KS_KIND_STATEFUL_SET)->u.stateful_set->meta.name, "a");
  assert_string_equal(obj(s, 1, KS_KIND_PERSISTENT_VOLUME_CLAIM)->u.pvc->name, "c");
  ks_manifest_set_free(s);
}

/* ---- bad inputs: the exact message of each --------------------------------------- */

#define DEP "apiVersion: apps/v1\n" "kind: Deployment\n" "metadata: {name: web}\n" "spec:\n"
#define TMPL "  template:\n" "    metadata: {labels: {app: web}}\n" "    spec:\n" "      containers: [{name: c, image: nginx}]\n"
#define SEL "  selector: {matchLabels: {app: web}}\n"
#define DS "apiVersion: apps/v1\n" "kind: DaemonSet\n" "metadata: {name: agent}\n" "spec:\n"
#define STS "apiVersion: apps/v1\n" "kind: StatefulSet\n" "metadata: {name: db}\n" "spec:\n"
#define JOB "apiVersion: batch/v1\n" "kind: Job\n" "metadata: {name: pi}\n" "spec:\n"
#define JT "  template:\n" "    spec:\n" "      restartPolicy: Never\n" "      containers: [{name: c, image: perl}]\n"
#define CJ "apiVersion: batch/v1\n" "kind: CronJob\n" "metadata: {name: nightly}\n" "spec:\n"
#define CJT "  jobTemplate:\n" "    spec:\n" "      template:\n" "        spec:\n" "          restartPolicy: OnFailure\n" "          containers: [{name: c}]\n"
#define SVC "apiVersion: v1\n" "kind: Service\n" "metadata: {name: web}\n" "spec:\n"
#define PV "apiVersion: v1\n" "kind: PersistentVolume\n" "metadata: {name: pv1}\n" "spec:\n"
#define PVC "apiVersion: v1\n" "kind: PersistentVolumeClaim\n" "metadata: {name: c1}\n" "spec:\n"
#define SC "apiVersion: storage.k8s.io/v1\n" "kind: StorageClass\n" "metadata: {name: fast}\n"
#define POD "apiVersion: v1\n" "kind: Pod\n" "metadata:\n" "  name: p\n"

static const struct {
  const char *yaml;
  const char *message; /* after "s.yaml:" */
} bad[] = {
    {DEP TMPL,
     "5:3: spec.selector: required field is missing"},
    {DEP "  selector: {}\n" TMPL,
     "5:13: spec.selector: empty selector is invalid for deployment"},
    {DEP "  selector: {matchLabels: {app: db}}\n" TMPL,
     "7:24: spec.template.metadata.labels: `selector` does not match template `labels`"},
    {DEP SEL "  template:\n    spec:\n      containers: [{name: c}]\n",
     "7:5: spec.template.metadata.labels: `selector` does not match template `labels`"},
    {DEP SEL TMPL "      restartPolicy: Never\n",
     "10:22: spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""},
    {DEP SEL,
     "5:3: spec.template: required field is missing"},
    {DEP SEL TMPL "  strategy: {type: BlueGreen}\n",
     "10:20: spec.strategy.type: Unsupported value: \"BlueGreen\": supported values: \"RollingUpdate\", \"Recreate\""},
    {DEP SEL TMPL "  strategy:\n    type: Recreate\n    rollingUpdate: {maxSurge: 1}\n",
     "12:20: spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"},
    {DEP SEL TMPL "  strategy:\n    rollingUpdate: {maxSurge: 0, maxUnavailable: 0%}\n",
     "11:50: spec.strategy.rollingUpdate.maxUnavailable: may not be 0 when `maxSurge` is 0"},
    {DEP SEL TMPL "  strategy:\n    rollingUpdate: {maxUnavailable: 150%}\n",
     "11:37: spec.strategy.rollingUpdate.maxUnavailable: \"150%\" must not be greater than 100%"},
    {DEP SEL TMPL "  strategy:\n    rollingUpdate: {maxSurge: lots}\n",
     "11:31: spec.strategy.rollingUpdate.maxSurge: \"lots\" must be an integer or percentage (e.g '5%')"},
    {DEP SEL TMPL "  strategy:\n    rollingUpdate: {maxSurge: \"3\"}\n",
     "11:31: spec.strategy.rollingUpdate.maxSurge: \"3\" must be an integer or percentage (e.g '5%')"},
    {DEP SEL TMPL "  minReadySeconds: 10\n  progressDeadlineSeconds: 10\n",
     "11:28: spec.progressDeadlineSeconds: must be greater than minReadySeconds"},
    {DEP "  replicas: -1\n" SEL TMPL,
     "5:13: spec.replicas: -1 must be greater than or equal to 0"},
    {"apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: web}\nspec: {}\n",
     "1:13: apiVersion: \"extensions/v1beta1\" is not a valid apiVersion for kind Deployment (use apps/v1)"},
    {"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n",
     "1:1: spec: required field is missing"},
    {DEP SEL TMPL "status:\n  conditions:\n  - {type: Available, status: Maybe}\n",
     "12:31: status.conditions[0].status: Unsupported value: \"Maybe\": supported values: \"Unknown\", \"True\", \"False\""},
    {DEP SEL TMPL "status:\n  conditions:\n  - {status: \"True\"}\n",
     "12:5: status.conditions[0].type: required field is missing"},
    {"apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: web-1\n  ownerReferences:\n  - {apiVersion: apps/v1, kind: Deployment, name: a, uid: u1, controller: true}\n  - {apiVersion: apps/v1, kind: Deployment, name: b, uid: u2, controller: true}\nspec:\n" SEL TMPL,
     "6:3: metadata.ownerReferences: Only one reference can have Controller set to true. Found \"true\" in references for Deployment/a and Deployment/b"},
    {"apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: web-1\n  ownerReferences:\n  - {apiVersion: apps/v1, kind: Deployment, name: a}\nspec:\n" SEL TMPL,
     "6:5: metadata.ownerReferences[0].uid: required field is missing"},
    {"apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: web-1}\nspec:\n" TMPL,
     "5:3: spec.selector: required field is missing"},
    {"apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: web-1}\nspec:\n  selector: {matchLabels: {}}\n" TMPL,
     "5:13: spec.selector: empty selector is invalid for deployment"},
    {DS TMPL,
     "6:24: spec.template.metadata.labels: `selector` does not match template `labels`"},
    {DS "  selector: {}\n" TMPL,
     "5:13: spec.selector: empty selector is invalid for daemonset"},
    {DS SEL TMPL "  updateStrategy:\n    rollingUpdate: {maxSurge: 1, maxUnavailable: 1}\n",
     "11:31: spec.updateStrategy.rollingUpdate.maxSurge: may not be set when maxUnavailable is non-zero"},
    {DS SEL TMPL "  updateStrategy:\n    rollingUpdate: {maxSurge: 0, maxUnavailable: 0}\n",
     "11:50: spec.updateStrategy.rollingUpdate.maxUnavailable: cannot be 0 when maxSurge is 0"},
    {DS SEL TMPL "  updateStrategy: {type: Rolling}\n",
     "10:26: spec.updateStrategy.type: Unsupported value: \"Rolling\": supported values: \"RollingUpdate\", \"OnDelete\""},
    {STS "  selector: {}\n" TMPL,
     "5:13: spec.selector: empty selector is invalid for statefulset"},
    {STS SEL TMPL "  updateStrategy:\n    type: OnDelete\n    rollingUpdate: {partition: 1}\n",
     "12:20: spec.updateStrategy.rollingUpdate: only allowed for updateStrategy 'RollingUpdate'"},
    {STS SEL TMPL "  updateStrategy:\n    rollingUpdate: {partition: -2}\n",
     "11:32: spec.updateStrategy.rollingUpdate.partition: -2 must be greater than or equal to 0"},
    {STS SEL TMPL "  updateStrategy:\n    rollingUpdate: {maxUnavailable: 0}\n",
     "11:37: spec.updateStrategy.rollingUpdate.maxUnavailable: cannot be 0"},
    {STS SEL TMPL "  podManagementPolicy: Serial\n",
     "10:24: spec.podManagementPolicy: Unsupported value: \"Serial\": supported values: \"OrderedReady\", \"Parallel\""},
    {STS SEL TMPL "  persistentVolumeClaimRetentionPolicy: {whenScaled: Keep}\n",
     "10:54: spec.persistentVolumeClaimRetentionPolicy.whenScaled: Unsupported value: \"Keep\": supported values: \"Retain\", \"Delete\""},
    {STS SEL TMPL "  volumeClaimTemplates:\n  - metadata: {name: data}\n    spec:\n      resources: {requests: {storage: 1Gi}}\n",
     "13:7: spec.volumeClaimTemplates[0].spec.accessModes: required field is missing"},
    {STS SEL TMPL "  ordinals: {start: -1}\n",
     "10:21: spec.ordinals.start: -1 must be greater than or equal to 0"},
    {"apiVersion: apps/v1\nkind: ControllerRevision\nmetadata: {name: db-1}\nrevision: 1\n",
     "1:1: data: required field is missing"},
    {"apiVersion: apps/v1\nkind: ControllerRevision\nmetadata: {name: db-1}\nrevision: -1\ndata: {}\n",
     "4:11: revision: -1 must be greater than or equal to 0"},
    {JOB "  template:\n    spec:\n      containers: [{name: c, image: perl}]\n",
     "7:7: spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\""},
    {JOB "  completionMode: Indexed\n  parallelism: 3\n" JT,
     "5:3: spec.completions: Required value: when completion mode is Indexed"},
    {JOB "  backoffLimitPerIndex: 1\n" JT,
     "5:25: spec.backoffLimitPerIndex: requires indexed completion mode"},
    {JOB "  completionMode: Indexed\n  completions: 3\n  maxFailedIndexes: 4\n" JT,
     "7:21: spec.maxFailedIndexes: must be less than or equal to completions"},
    {JOB "  maxFailedIndexes: 1\n" JT,
     "5:21: spec.maxFailedIndexes: requires indexed completion mode"},
    {JOB "  podFailurePolicy: {rules: []}\n  podReplacementPolicy: TerminatingOrFailed\n" JT,
     "6:25: spec.podReplacementPolicy: Unsupported value: \"TerminatingOrFailed\": supported values: \"Failed\""},
    {JOB "  podFailurePolicy: {rules: []}\n  template:\n    spec:\n      restartPolicy: OnFailure\n"
         "      containers: [{name: c}]\n",
     "8:22: spec.template.spec.restartPolicy: only \"Never\" is supported when podFailurePolicy is specified"},
    {JOB "  manualSelector: true\n" JT,
     "5:3: spec.selector: required field is missing"},
    {JOB "  manualSelector: true\n  selector: {matchLabels: {app: pi}}\n" JT,
     "8:5: spec.template.metadata.labels: `selector` does not match template `labels`"},
    {JOB "  completionMode: Sometimes\n" JT,
     "5:19: spec.completionMode: Unsupported value: \"Sometimes\": supported values: \"NonIndexed\", \"Indexed\""},
    {JOB "  backoffLimit: -1\n" JT,
     "5:17: spec.backoffLimit: -1 must be greater than or equal to 0"},
    {JOB "  podReplacementPolicy: Never\n" JT,
     "5:25: spec.podReplacementPolicy: Unsupported value: \"Never\": supported values: \"Failed\", \"TerminatingOrFailed\""},
    {CJ CJT,
     "5:3: spec.schedule: required field is missing"},
    {CJ "  schedule: '@daily'\n  concurrencyPolicy: Sometimes\n" CJT,
     "6:22: spec.concurrencyPolicy: Unsupported value: \"Sometimes\": supported values: \"Allow\", \"Forbid\", \"Replace\""},
    {CJ "  schedule: '@daily'\n",
     "5:3: spec.jobTemplate: required field is missing"},
    {CJ "  schedule: '@daily'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: c}]\n",
     "10:11: spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\""},
    {CJ "  schedule: '@daily'\n  successfulJobsHistoryLimit: -3\n" CJT,
     "6:31: spec.successfulJobsHistoryLimit: -3 must be greater than or equal to 0"},
    {"apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: nightly}\nspec: {}\n",
     "1:13: apiVersion: \"batch/v1beta1\" is not a valid apiVersion for kind CronJob (use batch/v1)"},
    {SVC "  ports:\n  - {name: http, targetPort: 8080}\n",
     "6:5: spec.ports[0].port: required field is missing"},
    {SVC "  type: Internal\n",
     "5:9: spec.type: Unsupported value: \"Internal\": supported values: \"ClusterIP\", \"NodePort\", \"LoadBalancer\", \"ExternalName\""},
    {SVC "  ports:\n  - {port: 80, targetPort: 70000}\n",
     "6:28: spec.ports[0].targetPort: 70000 must be between 1 and 65535, inclusive"},
    {SVC "  ports:\n  - {port: 80, protocol: HTTP}\n",
     "6:26: spec.ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"TCP\", \"UDP\", \"SCTP\""},
    {"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: [a, b]\n",
     "4:7: data: expected a mapping, got a sequence"},
    {"apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nimmutable: sometimes\n",
     "4:12: immutable: \"sometimes\" is not a boolean (true or false)"},
    {PV "  accessModes: [ReadWriteOnce]\n  hostPath: {path: /data}\n",
     "5:3: spec.capacity: required field is missing"},
    {PV "  capacity: {storage: 1Gi}\n  hostPath: {path: /data}\n",
     "5:3: spec.accessModes: required field is missing"},
    {PV "  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteOnce, ReadWriteAll]\n",
     "6:32: spec.accessModes[1]: Unsupported value: \"ReadWriteAll\": supported values: \"ReadWriteOnce\", \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOncePod\""},
    {PV "  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteOnce]\n  csi: {volumeHandle: h1}\n",
     "7:8: spec.csi.driver: required field is missing"},
    {PV "  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteOnce]\n  persistentVolumeReclaimPolicy: Keep\n",
     "7:34: spec.persistentVolumeReclaimPolicy: Unsupported value: \"Keep\": supported values: \"Delete\", \"Retain\", \"Recycle\""},
    {PV "  capacity: {storage: 1Gb}\n  accessModes: [ReadWriteOnce]\n",
     "5:23: spec.capacity.storage: \"1Gb\" is not a quantity"},
    {PV "  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteOnce]\n  nodeAffinity:\n    required: {nodeSelectorTerms: []}\n",
     "8:15: spec.nodeAffinity.required.nodeSelectorTerms: required field is missing"},
    {PV "  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteOnce]\nstatus: {phase: Lost}\n",
     "7:17: status.phase: Unsupported value: \"Lost\": supported values: \"Pending\", \"Available\", \"Bound\", \"Released\", \"Failed\""},
    {PVC "  accessModes: [ReadWriteOnce]\n  resources: {requests: {}}\n",
     "6:25: spec.resources.requests.storage: required field is missing"},
    {PVC "  accessModes: [ReadWriteOnce]\n",
     "5:3: spec.resources: required field is missing"},
    {PVC "  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n  volumeMode: Raw\n",
     "7:15: spec.volumeMode: Unsupported value: \"Raw\": supported values: \"Filesystem\", \"Block\""},
    {PVC "  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\nstatus: {phase: Available}\n",
     "7:17: status.phase: Unsupported value: \"Available\": supported values: \"Pending\", \"Bound\", \"Lost\""},
    {SC "reclaimPolicy: Delete\n",
     "1:1: provisioner: required field is missing"},
    {SC "provisioner: p\nvolumeBindingMode: Later\n",
     "5:20: volumeBindingMode: Unsupported value: \"Later\": supported values: \"Immediate\", \"WaitForFirstConsumer\""},
    {SC "provisioner: p\nreclaimPolicy: Recycle\n",
     "5:16: reclaimPolicy: Unsupported value: \"Recycle\": supported values: \"Delete\", \"Retain\""},
    {SC "provisioner: p\nallowedTopologies:\n- matchLabelExpressions:\n  - {key: zone}\n",
     "7:5: allowedTopologies[0].matchLabelExpressions[0].values: required field is missing"},
    {"apiVersion: storage.k8s.io/v1beta1\nkind: StorageClass\nmetadata: {name: fast}\nprovisioner: p\n",
     "1:13: apiVersion: \"storage.k8s.io/v1beta1\" is not a valid apiVersion for kind StorageClass (use storage.k8s.io/v1)"},
    {POD "  ownerReferences:\n  - {apiVersion: apps/v1, kind: ReplicaSet, name: a, uid: u1, controller: true}\n  - {apiVersion: apps/v1, kind: ReplicaSet, name: b, uid: u2, controller: true}\nspec:\n  containers: [{name: c}]\n",
     "6:3: metadata.ownerReferences: Only one reference can have Controller set to true. Found \"true\" in references for ReplicaSet/a and ReplicaSet/b"},
    {POD "  deletionTimestamp: yesterday\nspec:\n  containers: [{name: c}]\n",
     "5:22: metadata.deletionTimestamp: \"yesterday\" is not an RFC 3339 timestamp (e.g. 2024-01-15T10:00:00Z)"},
    {POD "spec:\n  containers: [{name: c}]\nstatus:\n  conditions:\n  - {type: Ready, status: yes}\n",
     "9:27: status.conditions[0].status: Unsupported value: \"yes\": supported values: \"Unknown\", \"True\", \"False\""},
    {"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, generation: -1}\n",
     "3:35: metadata.generation: -1 must be greater than or equal to 0"},
    {"apiVersion: v1\nkind: ConfigMap\nmetadata: {namespace: x}\n",
     "3:11: metadata.name: required field is missing"},
};

static void test_bad_inputs(void **state) {
  (void)state;
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    GError *error = NULL;
    KsManifestSet *set = ks_manifest_load_string(bad[i].yaml, strlen(bad[i].yaml), "s.yaml", &error);
    if (set)
      fail_msg("case %u loaded but should not:\n%s", i, bad[i].yaml);
    assert_true(error->domain == KS_YAML_ERROR);
    char *want = g_strconcat("s.yaml:", bad[i].message, NULL);
    if (strcmp(error->message, want))
      fail_msg("case %u\ngot  %s\nwant %s", i, error->message, want);
    g_free(want);
    g_error_free(error);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_apps_kubectl),
      cmocka_unit_test(test_batch_kubectl),
      cmocka_unit_test(test_core_kubectl),
      cmocka_unit_test(test_volumes_kubectl),
      cmocka_unit_test(test_pod_kubectl_extras),
      cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_typed_lists),
      cmocka_unit_test(test_bad_inputs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
