/* Kubernetes manifests: ordinary YAML as `kubectl get -o yaml` writes it.
 *
 * A file may hold several documents and `kind: List` objects. Known kinds
 * are decoded into the object model; unknown fields are ignored (as the API
 * server's non-strict decoding does); unknown kinds are reported as warnings
 * and skipped. Every error names file:line:column and the field path, e.g.
 *   pods.yaml:12:18: spec.containers[0].resources.requests.cpu: "12x" is not a quantity
 */
#pragma once
#include <glib.h>
#include "sched/objects.h"
#include "sched/pdb.h"
#include "sched/volume_objects.h"
#include "workloads/apps.h"
#include "workloads/batch.h"
#include "workloads/core_objects.h"
#include "workloads/replication_controller.h"
#include "workloads/yaml_doc.h"

/* The kinds and the union member each one fills (KsManifestObject.u). */
typedef enum {
  KS_KIND_POD,                   /* v1 Pod: u.pod */
  KS_KIND_NODE,                  /* v1 Node: u.node */
  KS_KIND_NAMESPACE,             /* v1 Namespace: u.ns */
  KS_KIND_PRIORITY_CLASS,        /* scheduling.k8s.io/v1: u.priority_class */
  KS_KIND_POD_DISRUPTION_BUDGET, /* policy/v1: u.pdb */
  KS_KIND_DEPLOYMENT,            /* apps/v1: u.deployment */
  KS_KIND_REPLICA_SET,           /* apps/v1: u.replica_set */
  KS_KIND_DAEMON_SET,            /* apps/v1: u.daemon_set */
  KS_KIND_STATEFUL_SET,          /* apps/v1: u.stateful_set */
  KS_KIND_CONTROLLER_REVISION,   /* apps/v1: u.controller_revision */
  KS_KIND_JOB,                   /* batch/v1: u.job */
  KS_KIND_CRON_JOB,              /* batch/v1: u.cron_job */
  KS_KIND_SERVICE,               /* v1: u.service */
  KS_KIND_CONFIG_MAP,            /* v1: u.config_map */
  KS_KIND_SECRET,                /* v1: u.secret */
  KS_KIND_PERSISTENT_VOLUME,     /* v1: u.pv */
  KS_KIND_PERSISTENT_VOLUME_CLAIM, /* v1: u.pvc */
  KS_KIND_STORAGE_CLASS,         /* storage.k8s.io/v1: u.storage_class */
  KS_KIND_REPLICATION_CONTROLLER, /* v1: u.replication_controller */
} KsKind;
/* Number of kinds: keep in step with the last one above. */
#define KS_KIND_COUNT (KS_KIND_REPLICATION_CONTROLLER + 1)

/* The kind's name ("Deployment"); "Unknown" out of range. */
const char *ks_kind_to_string(KsKind k);

typedef struct {
  KsKind kind;
  char *file; /* owned */
  guint line, column;
  union {
    KsPod *pod;
    KsNode *node;
    KsNamespace *ns;
    KsPriorityClass *priority_class;
    KsPodDisruptionBudget *pdb;
    KsDeployment *deployment;
    KsReplicaSet *replica_set;
    KsDaemonSet *daemon_set;
    KsStatefulSet *stateful_set;
    KsControllerRevision *controller_revision;
    KsJob *job;
    KsCronJob *cron_job;
    KsService *service;
    KsConfigMap *config_map;
    KsSecret *secret;
    KsPersistentVolume *pv;
    KsPersistentVolumeClaim *pvc;
    KsStorageClass *storage_class;
    KsReplicationController *replication_controller;
  } u; /* owned */
} KsManifestObject;

void ks_manifest_object_free(KsManifestObject *o);

typedef struct {
  GPtrArray *objects;  /* KsManifestObject*, in file order */
  GPtrArray *warnings; /* char*: "file:line:column: kind Deployment (apps/v1) is not supported; skipped" */
} KsManifestSet;

/* transfer full. On error returns NULL and nothing partial. */
KsManifestSet *ks_manifest_load_file(const char *path, GError **error);
KsManifestSet *ks_manifest_load_string(const char *data, gsize len, const char *display_name,
                                       GError **error);
/* Decodes every document of an already parsed stream. */
KsManifestSet *ks_manifest_load_stream(const KsYamlStream *s, GError **error);
void ks_manifest_set_free(KsManifestSet *set);

/* Decoders for one object node, used by the scenario loader for templates.
 * `path` is the field path of n in its file ("spec.nodePools[0].template"),
 * prefixed to every error. A template may omit metadata.name (the name is
 * then ""); kind and apiVersion are not checked. transfer full. */
KsPod *ks_manifest_decode_pod(const KsYamlNode *n, const char *file, const char *path,
                              GError **error);
KsNode *ks_manifest_decode_node(const KsYamlNode *n, const char *file, const char *path,
                                GError **error);
