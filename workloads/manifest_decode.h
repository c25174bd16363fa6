/* Private to workloads/manifest*.c: the decoding context and the typed field
 * readers every object decoder is built from.
 *
 * A KsDec carries the file name, the field path of the node being decoded
 * (a GString that grows as we descend and is truncated as we come back up)
 * and the GError slot. Every reader returns FALSE after setting an error
 * that names file:line:column and the path, so a decoder is a sequence of
 * `if (!read_x(...)) return FALSE;` and never has to format a message.
 *
 * Absent fields and YAML nulls are the same thing (as in upstream's JSON
 * decoding, where null leaves a field at its zero value): readers leave the
 * output untouched and return TRUE.
 */
#pragma once
#include <glib.h>
#include "sched/objects.h"
#include "sched/pdb.h"
#include "workloads/yaml_doc.h"

typedef struct {
  const char *file;
  GString *path;
  GError **error;
  gboolean name_optional; /* templates: metadata.name may be absent (then "") */
} KsDec;

/* Path building: push returns the old length; pop restores it. */
gsize ks_dec_push_field(KsDec *d, const char *name); /* ".name", or "[name]" for odd keys */
gsize ks_dec_push_index(KsDec *d, guint i);         /* "[i]" */
void ks_dec_pop(KsDec *d, gsize mark);

gboolean ks_dec_fail(KsDec *d, const KsYamlNode *at, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
gboolean ks_dec_missing(KsDec *d, const KsYamlNode *parent, const char *field);

/* Type checks: NULL or a YAML null counts as absent and passes. */
gboolean ks_dec_is_absent(const KsYamlNode *n);
gboolean ks_dec_expect_mapping(KsDec *d, const KsYamlNode *n);
gboolean ks_dec_expect_sequence(KsDec *d, const KsYamlNode *n);

/* Field readers: `m` is the parent mapping, `key` the field's JSON name. */
gboolean ks_dec_string(KsDec *d, const KsYamlNode *m, const char *key, char **out);
gboolean ks_dec_required_string(KsDec *d, const KsYamlNode *m, const char *key, char **out);
gboolean ks_dec_int32(KsDec *d, const KsYamlNode *m, const char *key, gint32 *out,
                      gboolean *present);
gboolean ks_dec_int64(KsDec *d, const KsYamlNode *m, const char *key, gint64 *out,
                      gboolean *present);
gboolean ks_dec_bool(KsDec *d, const KsYamlNode *m, const char *key, gboolean *out);
gboolean ks_dec_string_list(KsDec *d, const KsYamlNode *m, const char *key, char ***out);
gboolean ks_dec_labels(KsDec *d, const KsYamlNode *m, const char *key, KsLabels *out);
gboolean ks_dec_resources(KsDec *d, const KsYamlNode *m, const char *key, KsResourceList *out);
gboolean ks_dec_timestamp(KsDec *d, const KsYamlNode *m, const char *key, gint64 *out_us);
gboolean ks_dec_quantity_value(KsDec *d, const KsYamlNode *m, const char *key, gint64 *out);

/* Scalar text of a node known to be a scalar (after ks_dec_string's checks). */
gboolean ks_dec_scalar(KsDec *d, const KsYamlNode *n, const char **out);

/* Object pieces shared by several kinds (manifest_common.c). */
typedef struct {
  char *name, *namespace, *uid;
  KsLabels labels, annotations;
  gint64 creation_timestamp_us;
} KsDecMeta;
void ks_dec_meta_clear(KsDecMeta *m);
gboolean ks_dec_metadata(KsDec *d, const KsYamlNode *obj, KsDecMeta *out);

gboolean ks_dec_label_selector(KsDec *d, const KsYamlNode *m, const char *key,
                               KsLabelSelector **out);
gboolean ks_dec_node_selector_term(KsDec *d, const KsYamlNode *n, KsNodeSelectorTerm *out);
/* A sequence m[key] of fixed-size structs, each decoded by `one` into a
 * zeroed element (path "[i]" pushed); absent: TRUE and *out untouched. On
 * failure the whole array, the failed element included, is cleared with
 * `clear` and nothing is stored. */
typedef gboolean (*KsDecElemFn)(KsDec *d, const KsYamlNode *n, gpointer elem);
gboolean ks_dec_array(KsDec *d, const KsYamlNode *m, const char *key, guint elem_size,
                      GDestroyNotify clear, KsDecElemFn one, GArray **out);

gboolean ks_dec_tolerations(KsDec *d, const KsYamlNode *m, const char *key, GArray **out);
gboolean ks_dec_taints(KsDec *d, const KsYamlNode *m, const char *key, GArray **out);
gboolean ks_dec_affinity(KsDec *d, const KsYamlNode *m, const char *key, KsAffinity **out);
gboolean ks_dec_topology_spread(KsDec *d, const KsYamlNode *m, const char *key, GArray **out);

/* Object decoders (manifest_pod.c, manifest_node.c). transfer full; NULL on error. */
KsPod *ks_dec_pod(KsDec *d, const KsYamlNode *obj);
KsNode *ks_dec_node(KsDec *d, const KsYamlNode *obj);
KsNamespace *ks_dec_namespace(KsDec *d, const KsYamlNode *obj);
KsPriorityClass *ks_dec_priority_class(KsDec *d, const KsYamlNode *obj);
/* manifest_pdb.c. transfer full; NULL on error. */
KsPodDisruptionBudget *ks_dec_pdb(KsDec *d, const KsYamlNode *obj);

/* ---- the workload kinds (manifest_meta.c, manifest_apps.c, manifest_batch.c,
 * manifest_core.c, manifest_volume.c) ------------------------------------- */
#include "workloads/apps.h"
#include "workloads/batch.h"
#include "workloads/core_objects.h"
#include "workloads/object_meta.h"
#include "workloads/replication_controller.h"
#include "sched/volume_objects.h"

/* Full metadata (KsDecMeta plus generateName, ownerReferences,
 * deletionTimestamp, deletionGracePeriodSeconds, finalizers, generation).
 * A name may be absent when generateName is given (then it is ""); the
 * namespace defaults to "default" for a namespaced kind and is dropped for a
 * cluster-scoped one. out is initialised here; on failure it is cleared. */
gboolean ks_dec_object_meta(KsDec *d, const KsYamlNode *obj, gboolean namespaced,
                            KsObjectMeta *out);
/* metadata.ownerReferences of obj (absent: *out untouched). */
gboolean ks_dec_owner_references(KsDec *d, const KsYamlNode *md, GArray **out);
/* A pod's fields beyond ks_dec_pod: the metadata above, status.startTime and
 * the Ready condition (ready, ready_since_us). */
gboolean ks_dec_pod_extras(KsDec *d, const KsYamlNode *obj, KsPod *p);
/* status.conditions-style sequence of KsCondition. */
gboolean ks_dec_conditions(KsDec *d, const KsYamlNode *m, const char *key, GArray **out);
/* intstr.IntOrString for maxSurge/maxUnavailable: a non-negative integer or
 * "<digits>%"; max_100 rejects a percentage above 100%. */
gboolean ks_dec_int_or_percent(KsDec *d, const KsYamlNode *m, const char *key, gboolean max_100,
                               KsIntOrPercent *out);
/* An int32/int64 field that must be >= 0 (upstream ValidateNonnegativeField). */
gboolean ks_dec_nonneg_int32(KsDec *d, const KsYamlNode *m, const char *key, gint32 *out,
                             gboolean *present);
gboolean ks_dec_nonneg_int64(KsDec *d, const KsYamlNode *m, const char *key, gint64 *out,
                             gboolean *present);
/* A string field that must be one of names[0..n) (absent: *out untouched);
 * otherwise `Unsupported value: "x": supported values: "a", "b"`. */
gboolean ks_dec_enum(KsDec *d, const KsYamlNode *m, const char *key, const char *const *names,
                     guint n, guint *out);
/* spec.template (required): a pod template decoded as a pod whose name may
 * be absent, in namespace ns. */
gboolean ks_dec_pod_template(KsDec *d, const KsYamlNode *spec, const char *key, const char *ns,
                             KsPod **out);
/* Fails at `spec.template.spec.restartPolicy` unless the template's policy
 * is one of allowed (upstream's NotSupported wording). */
gboolean ks_dec_check_restart_policy(KsDec *d, const KsYamlNode *spec, const KsPod *tmpl,
                                     const KsRestartPolicy *allowed, guint n_allowed);
/* The replica controllers' template rule (upstream's
 * ValidatePodTemplateSpecForReplicaSet / ForRC, shared by ReplicaSet,
 * Deployment, DaemonSet, StatefulSet and ReplicationController), in its
 * order: the selector must match the template's labels ("`selector` does
 * not match template `labels`" at spec.template.metadata.labels, or the
 * nearest node there is), then restartPolicy must be Always. The caller
 * has pushed "spec" and says whether its selector matches. */
gboolean ks_dec_check_replica_template(KsDec *d, const KsYamlNode *spec, gboolean selector_matches,
                                       const KsPod *tmpl);
/* Where a ReplicaSet's or ReplicationController's status goes (the two
 * kinds' status has one schema: apps/v1 ReplicaSetStatus, v1
 * ReplicationControllerStatus). */
typedef struct {
  gint32 *replicas, *fully_labeled_replicas, *ready_replicas, *available_replicas;
  gint64 *observed_generation;
  GArray **conditions;
} KsDecReplicaStatus;
/* obj's status (absent: nothing set), as written. */
gboolean ks_dec_replica_status(KsDec *d, const KsYamlNode *obj, KsDecReplicaStatus *out);
/* Node pointer of m.a.b... (NULL when any step is absent). */
const KsYamlNode *ks_dec_get_path(const KsYamlNode *m, const char *dotted);

/* Object decoders. transfer full; NULL on error. */
KsDeployment *ks_dec_deployment(KsDec *d, const KsYamlNode *obj);
KsReplicaSet *ks_dec_replica_set(KsDec *d, const KsYamlNode *obj);
KsDaemonSet *ks_dec_daemon_set(KsDec *d, const KsYamlNode *obj);
KsStatefulSet *ks_dec_stateful_set(KsDec *d, const KsYamlNode *obj);
KsControllerRevision *ks_dec_controller_revision(KsDec *d, const KsYamlNode *obj);
KsJob *ks_dec_job(KsDec *d, const KsYamlNode *obj);
KsCronJob *ks_dec_cron_job(KsDec *d, const KsYamlNode *obj);
KsService *ks_dec_service(KsDec *d, const KsYamlNode *obj);
KsReplicationController *ks_dec_replication_controller(KsDec *d, const KsYamlNode *obj);
KsConfigMap *ks_dec_config_map(KsDec *d, const KsYamlNode *obj);
KsSecret *ks_dec_secret(KsDec *d, const KsYamlNode *obj);
KsPersistentVolume *ks_dec_persistent_volume(KsDec *d, const KsYamlNode *obj);
/* ns: the namespace to use when the claim has none (a volumeClaimTemplate's
 * owner); NULL for "default". */
KsPersistentVolumeClaim *ks_dec_persistent_volume_claim(KsDec *d, const KsYamlNode *obj,
                                                        const char *ns);
KsStorageClass *ks_dec_storage_class(KsDec *d, const KsYamlNode *obj);
