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
#include "workloads/yaml_doc.h"

typedef enum {
  KS_KIND_POD,
  KS_KIND_NODE,
  KS_KIND_NAMESPACE,
  KS_KIND_PRIORITY_CLASS,
  KS_KIND_POD_DISRUPTION_BUDGET, /* policy/v1 */
} KsKind;
/* Number of kinds: keep in step with the last one above. */
#define KS_KIND_COUNT (KS_KIND_POD_DISRUPTION_BUDGET + 1)

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
