/* Manifest files: documents -> kinds -> object decoders.
 *
 * This file only dispatches: it checks kind and apiVersion, unrolls `kind:
 * List` (and the typed lists the API server returns, PodList and friends,
 * whose items carry no kind of their own), collects warnings for kinds ksim
 * does not model, and hands each object node to its decoder in
 * manifest_pod.c, manifest_node.c, manifest_pdb.c, manifest_apps.c,
 * manifest_batch.c, manifest_core.c, manifest_rc.c or manifest_volume.c. The result is all-or-nothing: the first
 * error frees everything decoded so far.
 */
#include "workloads/manifest.h"

#include <string.h>

#include "workloads/manifest_decode.h"

typedef struct {
  const char *kind;
  const char *api_version;
  KsKind id;
  gboolean is_list;
} KindInfo;

static const KindInfo kinds[] = {
    {"Pod", "v1", KS_KIND_POD, FALSE},
    {"Node", "v1", KS_KIND_NODE, FALSE},
    {"Namespace", "v1", KS_KIND_NAMESPACE, FALSE},
    {"PriorityClass", "scheduling.k8s.io/v1", KS_KIND_PRIORITY_CLASS, FALSE},
    {"PodDisruptionBudget", "policy/v1", KS_KIND_POD_DISRUPTION_BUDGET, FALSE},
    {"Deployment", "apps/v1", KS_KIND_DEPLOYMENT, FALSE},
    {"ReplicaSet", "apps/v1", KS_KIND_REPLICA_SET, FALSE},
    {"DaemonSet", "apps/v1", KS_KIND_DAEMON_SET, FALSE},
    {"StatefulSet", "apps/v1", KS_KIND_STATEFUL_SET, FALSE},
    {"ControllerRevision", "apps/v1", KS_KIND_CONTROLLER_REVISION, FALSE},
    {"Job", "batch/v1", KS_KIND_JOB, FALSE},
    {"CronJob", "batch/v1", KS_KIND_CRON_JOB, FALSE},
    {"Service", "v1", KS_KIND_SERVICE, FALSE},
    {"ConfigMap", "v1", KS_KIND_CONFIG_MAP, FALSE},
    {"Secret", "v1", KS_KIND_SECRET, FALSE},
    {"PersistentVolume", "v1", KS_KIND_PERSISTENT_VOLUME, FALSE},
    {"PersistentVolumeClaim", "v1", KS_KIND_PERSISTENT_VOLUME_CLAIM, FALSE},
    {"StorageClass", "storage.k8s.io/v1", KS_KIND_STORAGE_CLASS, FALSE},
    {"ReplicationController", "v1", KS_KIND_REPLICATION_CONTROLLER, FALSE},
    {"PodList", "v1", KS_KIND_POD, TRUE},
    {"NodeList", "v1", KS_KIND_NODE, TRUE},
    {"NamespaceList", "v1", KS_KIND_NAMESPACE, TRUE},
    {"PriorityClassList", "scheduling.k8s.io/v1", KS_KIND_PRIORITY_CLASS, TRUE},
    {"PodDisruptionBudgetList", "policy/v1", KS_KIND_POD_DISRUPTION_BUDGET, TRUE},
    {"DeploymentList", "apps/v1", KS_KIND_DEPLOYMENT, TRUE},
    {"ReplicaSetList", "apps/v1", KS_KIND_REPLICA_SET, TRUE},
    {"DaemonSetList", "apps/v1", KS_KIND_DAEMON_SET, TRUE},
    {"StatefulSetList", "apps/v1", KS_KIND_STATEFUL_SET, TRUE},
    {"ControllerRevisionList", "apps/v1", KS_KIND_CONTROLLER_REVISION, TRUE},
    {"JobList", "batch/v1", KS_KIND_JOB, TRUE},
    {"CronJobList", "batch/v1", KS_KIND_CRON_JOB, TRUE},
    {"ServiceList", "v1", KS_KIND_SERVICE, TRUE},
    {"ConfigMapList", "v1", KS_KIND_CONFIG_MAP, TRUE},
    {"SecretList", "v1", KS_KIND_SECRET, TRUE},
    {"PersistentVolumeList", "v1", KS_KIND_PERSISTENT_VOLUME, TRUE},
    {"PersistentVolumeClaimList", "v1", KS_KIND_PERSISTENT_VOLUME_CLAIM, TRUE},
    {"StorageClassList", "storage.k8s.io/v1", KS_KIND_STORAGE_CLASS, TRUE},
    {"ReplicationControllerList", "v1", KS_KIND_REPLICATION_CONTROLLER, TRUE},
};

static const char *const kind_names[KS_KIND_COUNT] = {
    [KS_KIND_POD] = "Pod",
    [KS_KIND_NODE] = "Node",
    [KS_KIND_NAMESPACE] = "Namespace",
    [KS_KIND_PRIORITY_CLASS] = "PriorityClass",
    [KS_KIND_POD_DISRUPTION_BUDGET] = "PodDisruptionBudget",
    [KS_KIND_DEPLOYMENT] = "Deployment",
    [KS_KIND_REPLICA_SET] = "ReplicaSet",
    [KS_KIND_DAEMON_SET] = "DaemonSet",
    [KS_KIND_STATEFUL_SET] = "StatefulSet",
    [KS_KIND_CONTROLLER_REVISION] = "ControllerRevision",
    [KS_KIND_JOB] = "Job",
    [KS_KIND_CRON_JOB] = "CronJob",
    [KS_KIND_SERVICE] = "Service",
    [KS_KIND_CONFIG_MAP] = "ConfigMap",
    [KS_KIND_SECRET] = "Secret",
    [KS_KIND_PERSISTENT_VOLUME] = "PersistentVolume",
    [KS_KIND_PERSISTENT_VOLUME_CLAIM] = "PersistentVolumeClaim",
    [KS_KIND_STORAGE_CLASS] = "StorageClass",
    [KS_KIND_REPLICATION_CONTROLLER] = "ReplicationController",
};

const char *ks_kind_to_string(KsKind k) {
  return (guint)k < KS_KIND_COUNT && kind_names[k] ? kind_names[k] : "Unknown";
}

void ks_manifest_object_free(KsManifestObject *o) {
  if (!o)
    return;
  switch (o->kind) {
  case KS_KIND_POD:
    if (o->u.pod)
      ks_pod_unref(o->u.pod);
    break;
  case KS_KIND_NODE:
    if (o->u.node)
      ks_node_unref(o->u.node);
    break;
  case KS_KIND_NAMESPACE:
    ks_namespace_free(o->u.ns);
    break;
  case KS_KIND_PRIORITY_CLASS:
    ks_priority_class_free(o->u.priority_class);
    break;
  case KS_KIND_POD_DISRUPTION_BUDGET:
    ks_pdb_free(o->u.pdb);
    break;
  case KS_KIND_DEPLOYMENT:
    ks_deployment_free(o->u.deployment);
    break;
  case KS_KIND_REPLICA_SET:
    ks_replica_set_free(o->u.replica_set);
    break;
  case KS_KIND_DAEMON_SET:
    ks_daemon_set_free(o->u.daemon_set);
    break;
  case KS_KIND_STATEFUL_SET:
    ks_stateful_set_free(o->u.stateful_set);
    break;
  case KS_KIND_CONTROLLER_REVISION:
    ks_controller_revision_free(o->u.controller_revision);
    break;
  case KS_KIND_JOB:
    ks_job_free(o->u.job);
    break;
  case KS_KIND_CRON_JOB:
    ks_cron_job_free(o->u.cron_job);
    break;
  case KS_KIND_SERVICE:
    ks_service_free(o->u.service);
    break;
  case KS_KIND_CONFIG_MAP:
    ks_config_map_free(o->u.config_map);
    break;
  case KS_KIND_SECRET:
    ks_secret_free(o->u.secret);
    break;
  case KS_KIND_PERSISTENT_VOLUME:
    ks_pv_free(o->u.pv);
    break;
  case KS_KIND_PERSISTENT_VOLUME_CLAIM:
    ks_pvc_free(o->u.pvc);
    break;
  case KS_KIND_STORAGE_CLASS:
    ks_storage_class_free(o->u.storage_class);
    break;
  case KS_KIND_REPLICATION_CONTROLLER:
    ks_replication_controller_free(o->u.replication_controller);
    break;
  }
  g_free(o->file);
  g_free(o);
}

void ks_manifest_set_free(KsManifestSet *set) {
  if (!set)
    return;
  g_ptr_array_free(set->objects, TRUE);
  g_ptr_array_free(set->warnings, TRUE);
  g_free(set);
}

static KsManifestSet *set_new(void) {
  KsManifestSet *set = g_new0(KsManifestSet, 1);
  set->objects = g_ptr_array_new_with_free_func((GDestroyNotify)ks_manifest_object_free);
  set->warnings = g_ptr_array_new_with_free_func(g_free);
  return set;
}

static gboolean decode_object(KsDec *d, const KsYamlNode *obj, KsKind kind, KsManifestSet *set) {
  KsManifestObject *o = g_new0(KsManifestObject, 1);
  o->kind = kind;
  o->file = g_strdup(d->file);
  o->line = obj->line;
  o->column = obj->column;
  gboolean ok = FALSE;
  switch (kind) {
  case KS_KIND_POD:
    ok = (o->u.pod = ks_dec_pod(d, obj)) != NULL && ks_dec_pod_extras(d, obj, o->u.pod);
    break;
  case KS_KIND_NODE:
    ok = (o->u.node = ks_dec_node(d, obj)) != NULL;
    break;
  case KS_KIND_NAMESPACE:
    ok = (o->u.ns = ks_dec_namespace(d, obj)) != NULL;
    break;
  case KS_KIND_PRIORITY_CLASS:
    ok = (o->u.priority_class = ks_dec_priority_class(d, obj)) != NULL;
    break;
  case KS_KIND_POD_DISRUPTION_BUDGET:
    ok = (o->u.pdb = ks_dec_pdb(d, obj)) != NULL;
    break;
  case KS_KIND_DEPLOYMENT:
    ok = (o->u.deployment = ks_dec_deployment(d, obj)) != NULL;
    break;
  case KS_KIND_REPLICA_SET:
    ok = (o->u.replica_set = ks_dec_replica_set(d, obj)) != NULL;
    break;
  case KS_KIND_DAEMON_SET:
    ok = (o->u.daemon_set = ks_dec_daemon_set(d, obj)) != NULL;
    break;
  case KS_KIND_STATEFUL_SET:
    ok = (o->u.stateful_set = ks_dec_stateful_set(d, obj)) != NULL;
    break;
  case KS_KIND_CONTROLLER_REVISION:
    ok = (o->u.controller_revision = ks_dec_controller_revision(d, obj)) != NULL;
    break;
  case KS_KIND_JOB:
    ok = (o->u.job = ks_dec_job(d, obj)) != NULL;
    break;
  case KS_KIND_CRON_JOB:
    ok = (o->u.cron_job = ks_dec_cron_job(d, obj)) != NULL;
    break;
  case KS_KIND_SERVICE:
    ok = (o->u.service = ks_dec_service(d, obj)) != NULL;
    break;
  case KS_KIND_CONFIG_MAP:
    ok = (o->u.config_map = ks_dec_config_map(d, obj)) != NULL;
    break;
  case KS_KIND_SECRET:
    ok = (o->u.secret = ks_dec_secret(d, obj)) != NULL;
    break;
  case KS_KIND_PERSISTENT_VOLUME:
    ok = (o->u.pv = ks_dec_persistent_volume(d, obj)) != NULL;
    break;
  case KS_KIND_PERSISTENT_VOLUME_CLAIM:
    ok = (o->u.pvc = ks_dec_persistent_volume_claim(d, obj, NULL)) != NULL;
    break;
  case KS_KIND_STORAGE_CLASS:
    ok = (o->u.storage_class = ks_dec_storage_class(d, obj)) != NULL;
    break;
  case KS_KIND_REPLICATION_CONTROLLER:
    ok = (o->u.replication_controller = ks_dec_replication_controller(d, obj)) != NULL;
    break;
  }
  if (!ok) {
    ks_manifest_object_free(o);
    return FALSE;
  }
  g_ptr_array_add(set->objects, o);
  return TRUE;
}

static gboolean decode_node_any(KsDec *d, const KsYamlNode *obj, gboolean in_list,
                                const KindInfo *implied, KsManifestSet *set);

static gboolean decode_list(KsDec *d, const KsYamlNode *obj, const KindInfo *info,
                            KsManifestSet *set) {
  const KsYamlNode *items = ks_yaml_get(obj, "items");
  gsize mark = ks_dec_push_field(d, "items");
  gboolean ok = ks_dec_expect_sequence(d, items);
  for (guint i = 0; ok && i < ks_yaml_len(items); i++) {
    gsize im = ks_dec_push_index(d, i);
    ok = decode_node_any(d, ks_yaml_item(items, i), TRUE, info, set);
    ks_dec_pop(d, im);
  }
  ks_dec_pop(d, mark);
  return ok;
}

static const KindInfo *find_kind(const char *kind) {
  for (guint i = 0; i < G_N_ELEMENTS(kinds); i++)
    if (!strcmp(kinds[i].kind, kind))
      return &kinds[i];
  return NULL;
}

static gboolean check_api_version(KsDec *d, const KsYamlNode *obj, const char *kind,
                                  const char *api_version, const char *want) {
  if (!api_version)
    return ks_dec_missing(d, obj, "apiVersion");
  if (!strcmp(api_version, want))
    return TRUE;
  gsize mark = ks_dec_push_field(d, "apiVersion");
  ks_dec_fail(d, ks_yaml_get(obj, "apiVersion"), "\"%s\" is not a valid apiVersion for kind %s (use %s)",
              api_version, kind, want);
  ks_dec_pop(d, mark);
  return FALSE;
}

/* A `kind: List` or `<Kind>List` has items; inside a typed list, items may
 * omit kind and apiVersion (the API server leaves them out). */
static gboolean decode_node_any(KsDec *d, const KsYamlNode *obj, gboolean in_list,
                                const KindInfo *implied, KsManifestSet *set) {
  if (ks_dec_is_absent(obj) || obj->kind != KS_YAML_MAPPING) {
    char *what = obj ? g_strdup(ks_yaml_kind_name(obj)) : g_strdup("nothing");
    ks_dec_fail(d, obj, "expected a Kubernetes object (a mapping), got %s", what);
    g_free(what);
    return FALSE;
  }
  char *kind = NULL, *api = NULL;
  gboolean ok = ks_dec_string(d, obj, "kind", &kind) && ks_dec_string(d, obj, "apiVersion", &api);
  if (ok && (!kind || !*kind)) {
    if (implied && implied->is_list) {
      kind = (g_free(kind), g_strdup(ks_kind_to_string(implied->id)));
      if (!api)
        api = g_strdup(implied->api_version);
    } else {
      ok = ks_dec_missing(d, obj, "kind");
    }
  }
  const KindInfo *info = ok ? find_kind(kind) : NULL;
  gboolean generic_list = ok && !strcmp(kind, "List");
  if (ok && in_list && (generic_list || (info && info->is_list))) {
    gsize mark = ks_dec_push_field(d, "kind");
    ok = ks_dec_fail(d, ks_yaml_get(obj, "kind"), "a List may not contain another List");
    ks_dec_pop(d, mark);
  } else if (ok && generic_list) {
    ok = check_api_version(d, obj, kind, api, "v1") && decode_list(d, obj, NULL, set);
  } else if (ok && !info) {
    g_ptr_array_add(set->warnings,
                    g_strdup_printf("%s:%u:%u: kind %s (%s) is not supported; skipped", d->file,
                                    obj->line, obj->column, kind, api ? api : "no apiVersion"));
  } else if (ok) {
    ok = check_api_version(d, obj, kind, api, info->api_version) &&
         (info->is_list ? decode_list(d, obj, info, set) : decode_object(d, obj, info->id, set));
  }
  g_free(kind);
  g_free(api);
  return ok;
}

KsManifestSet *ks_manifest_load_stream(const KsYamlStream *s, GError **error) {
  KsManifestSet *set = set_new();
  KsDec d = {s->file, g_string_new(""), error, FALSE};
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < s->documents->len; i++) {
    const KsYamlNode *doc = s->documents->pdata[i];
    if (doc) /* empty documents (a trailing ---) are allowed */
      ok = decode_node_any(&d, doc, FALSE, NULL, set);
  }
  g_string_free(d.path, TRUE);
  if (!ok) {
    ks_manifest_set_free(set);
    return NULL;
  }
  return set; /* transfer full */
}

KsManifestSet *ks_manifest_load_string(const char *data, gsize len, const char *display_name,
                                       GError **error) {
  KsYamlStream *s = ks_yaml_load_string(data, len, display_name, error);
  if (!s)
    return NULL;
  KsManifestSet *set = ks_manifest_load_stream(s, error);
  ks_yaml_stream_free(s);
  return set; /* transfer full */
}

KsManifestSet *ks_manifest_load_file(const char *path, GError **error) {
  KsYamlStream *s = ks_yaml_load_file(path, error);
  if (!s)
    return NULL;
  KsManifestSet *set = ks_manifest_load_stream(s, error);
  ks_yaml_stream_free(s);
  return set; /* transfer full */
}

/* Templates (the scenario loader's) are decoded the same way, under their
 * own path prefix. */
KsPod *ks_manifest_decode_pod(const KsYamlNode *n, const char *file, const char *path,
                              GError **error) {
  KsDec d = {file, g_string_new(path ? path : ""), error, TRUE};
  KsPod *p = NULL;
  if (n && n->kind == KS_YAML_MAPPING)
    p = ks_dec_pod(&d, n);
  else
    ks_dec_fail(&d, n, "expected a mapping, got %s", ks_yaml_kind_name(n));
  g_string_free(d.path, TRUE);
  return p; /* transfer full */
}

KsNode *ks_manifest_decode_node(const KsYamlNode *n, const char *file, const char *path,
                                GError **error) {
  KsDec d = {file, g_string_new(path ? path : ""), error, TRUE};
  KsNode *node = NULL;
  if (n && n->kind == KS_YAML_MAPPING)
    node = ks_dec_node(&d, n);
  else
    ks_dec_fail(&d, n, "expected a mapping, got %s", ks_yaml_kind_name(n));
  g_string_free(d.path, TRUE);
  return node; /* transfer full */
}
