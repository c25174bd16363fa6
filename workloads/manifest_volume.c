/* v1 PersistentVolume and PersistentVolumeClaim, storage.k8s.io/v1
 * StorageClass.
 *
 * Defaulting (v1.31): a PV's persistentVolumeReclaimPolicy Retain, volumeMode
 * Filesystem, status.phase Pending; a claim's volumeMode Filesystem and
 * phase Pending; a StorageClass's reclaimPolicy Delete and volumeBindingMode
 * Immediate. A claim's storageClassName stays NULL when absent (the
 * DefaultStorageClass admission plugin, i.e. the simulator, fills it in)
 * and "" when given empty.
 *
 * Validation (upstream ValidatePersistentVolume(Claim)Spec, StorageClass):
 * required fields (PV capacity.storage and accessModes, claim accessModes
 * and resources.requests.storage, provisioner), known access modes, reclaim
 * policies and binding modes. A PV's volume source is reduced to its kind
 * and the identity the volume plugins compare (ks_pv source_driver /
 * source_id); sources ksim does not model are kind "other".
 */
#include "workloads/manifest_decode.h"

#include <string.h>

static const char *const access_mode_names[] = {"ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany",
                                                "ReadWriteOncePod"};
static const char *const volume_modes[] = {"Filesystem", "Block"};

static gboolean access_modes(KsDec *d, const KsYamlNode *m, const char *key, gboolean required,
                             guint *out) {
  char **modes = NULL;
  if (!ks_dec_string_list(d, m, key, &modes))
    return FALSE;
  if (!modes || !modes[0]) {
    g_strfreev(modes);
    return required ? ks_dec_missing(d, m, key) : TRUE;
  }
  guint bits = 0;
  const KsYamlNode *seq = ks_yaml_get(m, key);
  for (guint i = 0; modes[i]; i++) {
    guint bit = 0;
    if (!ks_access_mode_from_string(modes[i], &bit)) {
      gsize mark = ks_dec_push_field(d, key);
      gsize im = ks_dec_push_index(d, i);
      ks_dec_fail(d, ks_yaml_item(seq, i),
                  "Unsupported value: \"%s\": supported values: \"%s\", \"%s\", \"%s\", \"%s\"",
                  modes[i], access_mode_names[0], access_mode_names[1], access_mode_names[2],
                  access_mode_names[3]);
      ks_dec_pop(d, im);
      ks_dec_pop(d, mark);
      g_strfreev(modes);
      return FALSE;
    }
    bits |= bit;
  }
  g_strfreev(modes);
  *out = bits;
  return TRUE;
}

/* m[key].storage, a quantity in bytes; required when asked. */
static gboolean storage(KsDec *d, const KsYamlNode *m, const char *key, gboolean required,
                        gint64 *out) {
  const KsYamlNode *r = ks_yaml_get(m, key);
  if (ks_dec_is_absent(r))
    return required ? ks_dec_missing(d, m, key) : TRUE;
  gsize mark = ks_dec_push_field(d, key);
  gboolean ok = ks_dec_expect_mapping(d, r);
  if (ok && required && ks_dec_is_absent(ks_yaml_get(r, "storage")))
    ok = ks_dec_missing(d, r, "storage");
  ok = ok && ks_dec_quantity_value(d, r, "storage", out);
  ks_dec_pop(d, mark);
  return ok;
}

/* ---- PersistentVolume ------------------------------------------------------------- */

typedef struct {
  const char *key;         /* the spec field of the source */
  KsVolumeSource source;
  const char *id;          /* the field naming the volume */
  const char *id2;         /* a second part ("server:path", "pool/image"); may be NULL */
  const char *driver;      /* csi.driver */
} PvSource;

static const PvSource pv_sources[] = {
    {"csi", KS_VOLUME_CSI, "volumeHandle", NULL, "driver"},
    {"gcePersistentDisk", KS_VOLUME_GCE_PD, "pdName", NULL, NULL},
    {"awsElasticBlockStore", KS_VOLUME_AWS_EBS, "volumeID", NULL, NULL},
    {"azureDisk", KS_VOLUME_AZURE_DISK, "diskName", NULL, NULL},
    {"local", KS_VOLUME_LOCAL, "path", NULL, NULL},
    {"hostPath", KS_VOLUME_HOST_PATH, "path", NULL, NULL},
    {"nfs", KS_VOLUME_NFS, "server", "path", NULL},
    {"iscsi", KS_VOLUME_ISCSI, "targetPortal", "iqn", NULL},
    {"rbd", KS_VOLUME_RBD, "pool", "image", NULL},
};

static gboolean pv_source(KsDec *d, const KsYamlNode *spec, KsPersistentVolume *pv) {
  for (guint i = 0; i < G_N_ELEMENTS(pv_sources); i++) {
    const PvSource *s = &pv_sources[i];
    const KsYamlNode *n = ks_yaml_get(spec, s->key);
    if (ks_dec_is_absent(n))
      continue;
    gsize mark = ks_dec_push_field(d, s->key);
    char *id = NULL, *id2 = NULL;
    gboolean ok = ks_dec_expect_mapping(d, n) && ks_dec_required_string(d, n, s->id, &id) &&
                  (!s->id2 || ks_dec_string(d, n, s->id2, &id2)) &&
                  (!s->driver || ks_dec_required_string(d, n, s->driver, &pv->source_driver)) &&
                  ks_dec_bool(d, n, "readOnly", &pv->read_only);
    ks_dec_pop(d, mark);
    if (ok) {
      pv->source = s->source;
      const char *sep = s->source == KS_VOLUME_RBD ? "/" : ":";
      pv->source_id = id2 ? g_strconcat(id, sep, id2, NULL) : g_strdup(id);
    }
    g_free(id);
    g_free(id2);
    return ok;
  }
  pv->source = KS_VOLUME_OTHER;
  return TRUE;
}

static void term_clear_func(gpointer p) { ks_node_selector_term_clear(p); }

static gboolean decode_term(KsDec *d, const KsYamlNode *n, gpointer elem) {
  if (ks_dec_is_absent(n))
    return ks_dec_fail(d, n, "expected a mapping, got null");
  return ks_dec_node_selector_term(d, n, elem);
}

static gboolean pv_node_affinity(KsDec *d, const KsYamlNode *spec, KsPersistentVolume *pv) {
  const KsYamlNode *na = ks_yaml_get(spec, "nodeAffinity");
  if (ks_dec_is_absent(na))
    return TRUE;
  gsize mark = ks_dec_push_field(d, "nodeAffinity");
  gboolean ok = ks_dec_expect_mapping(d, na);
  const KsYamlNode *req = ok ? ks_yaml_get(na, "required") : NULL;
  if (ok && !ks_dec_is_absent(req)) {
    gsize m2 = ks_dec_push_field(d, "required");
    GArray *terms = NULL;
    ok = ks_dec_expect_mapping(d, req) &&
         ks_dec_array(d, req, "nodeSelectorTerms", sizeof(KsNodeSelectorTerm), term_clear_func,
                      decode_term, &terms);
    if (ok && (!terms || terms->len == 0))
      ok = ks_dec_missing(d, req, "nodeSelectorTerms");
    if (ok) {
      pv->node_affinity = ks_node_selector_new();
      g_array_unref(pv->node_affinity->terms);
      pv->node_affinity->terms = g_steal_pointer(&terms);
    }
    if (terms)
      g_array_unref(terms);
    ks_dec_pop(d, m2);
  }
  ks_dec_pop(d, mark);
  return ok;
}

static gboolean pv_claim_ref(KsDec *d, const KsYamlNode *spec, KsPersistentVolume *pv) {
  const KsYamlNode *cr = ks_yaml_get(spec, "claimRef");
  if (ks_dec_is_absent(cr))
    return TRUE;
  gsize mark = ks_dec_push_field(d, "claimRef");
  KsObjectReference *r = ks_object_reference_new(NULL, NULL, NULL, NULL);
  gboolean ok = ks_dec_expect_mapping(d, cr) && ks_dec_string(d, cr, "kind", &r->kind) &&
                ks_dec_string(d, cr, "namespace", &r->namespace) &&
                ks_dec_required_string(d, cr, "name", &r->name) &&
                ks_dec_string(d, cr, "uid", &r->uid) &&
                ks_dec_string(d, cr, "apiVersion", &r->api_version);
  ks_dec_pop(d, mark);
  if (!ok) {
    ks_object_reference_free(r);
    return FALSE;
  }
  if (!r->namespace)
    r->namespace = g_strdup("default");
  pv->claim_ref = r;
  return TRUE;
}

static const char *const pv_reclaim[] = {"Delete", "Retain", "Recycle"};
static const char *const pv_phases[] = {"Pending", "Available", "Bound", "Released", "Failed"};

KsPersistentVolume *ks_dec_persistent_volume(KsDec *d, const KsYamlNode *obj) {
  KsObjectMeta meta;
  if (!ks_dec_object_meta(d, obj, FALSE, &meta))
    return NULL;
  KsPersistentVolume *pv = ks_pv_new(meta.name);
  pv->uid = g_steal_pointer(&meta.uid);
  ks_labels_clear(&pv->labels);
  ks_labels_clear(&pv->annotations);
  ks_labels_copy(&pv->labels, &meta.labels);
  ks_labels_copy(&pv->annotations, &meta.annotations);
  pv->creation_timestamp_us = meta.creation_timestamp_us;
  pv->deletion_timestamp_us = meta.deletion_timestamp_us;
  pv->finalizers = g_steal_pointer(&meta.finalizers);
  ks_object_meta_clear(&meta);

  const KsYamlNode *spec = ks_yaml_get(obj, "spec");
  gboolean ok = !ks_dec_is_absent(spec) || ks_dec_missing(d, obj, "spec");
  if (ok) {
    guint reclaim = pv->reclaim_policy, mode = pv->volume_mode;
    gsize mark = ks_dec_push_field(d, "spec");
    ok = ks_dec_expect_mapping(d, spec) && storage(d, spec, "capacity", TRUE, &pv->capacity) &&
         access_modes(d, spec, "accessModes", TRUE, &pv->access_modes) &&
         ks_dec_string(d, spec, "storageClassName", &pv->storage_class_name) &&
         pv_node_affinity(d, spec, pv) && pv_claim_ref(d, spec, pv) &&
         ks_dec_enum(d, spec, "persistentVolumeReclaimPolicy", pv_reclaim,
                     G_N_ELEMENTS(pv_reclaim), &reclaim) &&
         ks_dec_enum(d, spec, "volumeMode", volume_modes, G_N_ELEMENTS(volume_modes), &mode) &&
         pv_source(d, spec, pv);
    pv->reclaim_policy = (KsReclaimPolicy)reclaim;
    pv->volume_mode = (KsVolumeMode)mode;
    ks_dec_pop(d, mark);
  }
  const KsYamlNode *st = ok ? ks_yaml_get(obj, "status") : NULL;
  if (ok && !ks_dec_is_absent(st)) {
    guint phase = pv->phase;
    gsize mark = ks_dec_push_field(d, "status");
    ok = ks_dec_expect_mapping(d, st) &&
         ks_dec_enum(d, st, "phase", pv_phases, G_N_ELEMENTS(pv_phases), &phase);
    pv->phase = (KsPersistentVolumePhase)phase;
    ks_dec_pop(d, mark);
  }
  if (!ok) {
    ks_pv_free(pv);
    return NULL;
  }
  return pv; /* transfer full */
}

/* ---- PersistentVolumeClaim --------------------------------------------------------- */

static const char *const pvc_phases[] = {"Pending", "Bound", "Lost"};

KsPersistentVolumeClaim *ks_dec_persistent_volume_claim(KsDec *d, const KsYamlNode *obj,
                                                        const char *ns) {
  KsObjectMeta meta;
  if (!ks_dec_object_meta(d, obj, TRUE, &meta))
    return NULL;
  const KsYamlNode *given_ns = ks_dec_get_path(obj, "metadata.namespace");
  KsPersistentVolumeClaim *c =
      ks_pvc_new(ks_dec_is_absent(given_ns) && ns ? ns : meta.namespace, meta.name);
  c->uid = g_steal_pointer(&meta.uid);
  ks_labels_clear(&c->labels);
  ks_labels_clear(&c->annotations);
  ks_labels_copy(&c->labels, &meta.labels);
  ks_labels_copy(&c->annotations, &meta.annotations);
  c->creation_timestamp_us = meta.creation_timestamp_us;
  c->deletion_timestamp_us = meta.deletion_timestamp_us;
  c->owner_references = g_steal_pointer(&meta.owner_references);
  c->finalizers = g_steal_pointer(&meta.finalizers);
  ks_object_meta_clear(&meta);

  const KsYamlNode *spec = ks_yaml_get(obj, "spec");
  gboolean ok = !ks_dec_is_absent(spec) || ks_dec_missing(d, obj, "spec");
  if (ok) {
    guint mode = c->volume_mode;
    const KsYamlNode *res = ks_yaml_get(spec, "resources");
    gsize mark = ks_dec_push_field(d, "spec");
    ok = ks_dec_expect_mapping(d, spec) &&
         access_modes(d, spec, "accessModes", TRUE, &c->access_modes) &&
         (!ks_dec_is_absent(res) || ks_dec_missing(d, spec, "resources"));
    if (ok) {
      gsize m2 = ks_dec_push_field(d, "resources");
      ok = ks_dec_expect_mapping(d, res) && storage(d, res, "requests", TRUE, &c->request);
      ks_dec_pop(d, m2);
    }
    ok = ok && ks_dec_string(d, spec, "storageClassName", &c->storage_class_name) &&
         ks_dec_string(d, spec, "volumeName", &c->volume_name) &&
         ks_dec_label_selector(d, spec, "selector", &c->selector) &&
         ks_dec_enum(d, spec, "volumeMode", volume_modes, G_N_ELEMENTS(volume_modes), &mode);
    c->volume_mode = (KsVolumeMode)mode;
    ks_dec_pop(d, mark);
  }
  const KsYamlNode *st = ok ? ks_yaml_get(obj, "status") : NULL;
  if (ok && !ks_dec_is_absent(st)) {
    guint phase = c->phase;
    gsize mark = ks_dec_push_field(d, "status");
    ok = ks_dec_expect_mapping(d, st) &&
         ks_dec_enum(d, st, "phase", pvc_phases, G_N_ELEMENTS(pvc_phases), &phase) &&
         storage(d, st, "capacity", FALSE, &c->capacity) &&
         access_modes(d, st, "accessModes", FALSE, &c->status_access_modes);
    c->phase = (KsPersistentVolumeClaimPhase)phase;
    ks_dec_pop(d, mark);
  }
  if (!ok) {
    ks_pvc_free(c);
    return NULL;
  }
  return c; /* transfer full */
}

/* ---- StorageClass ------------------------------------------------------------------ */

static const char *const sc_reclaim[] = {"Delete", "Retain"};
static const char *const binding_modes[] = {"Immediate", "WaitForFirstConsumer"};

/* TopologySelectorTerm {matchLabelExpressions: [{key, values}]} as a node
 * selector term of `key In values` requirements. */
static gboolean decode_label_expression(KsDec *d, const KsYamlNode *n, gpointer elem) {
  KsSelectorRequirement *r = elem;
  if (ks_dec_is_absent(n))
    return ks_dec_fail(d, n, "expected a mapping, got null");
  r->op = KS_SELECTOR_OP_IN;
  gboolean ok = ks_dec_expect_mapping(d, n) && ks_dec_required_string(d, n, "key", &r->key) &&
                ks_dec_string_list(d, n, "values", &r->values);
  if (ok && (!r->values || !r->values[0]))
    ok = ks_dec_missing(d, n, "values");
  return ok;
}

static void requirement_clear_func(gpointer p) { ks_selector_requirement_clear(p); }

static gboolean decode_topology_term(KsDec *d, const KsYamlNode *n, gpointer elem) {
  KsNodeSelectorTerm *t = elem;
  if (ks_dec_is_absent(n))
    return ks_dec_fail(d, n, "expected a mapping, got null");
  return ks_dec_expect_mapping(d, n) &&
         ks_dec_array(d, n, "matchLabelExpressions", sizeof(KsSelectorRequirement),
                      requirement_clear_func, decode_label_expression, &t->match_expressions);
}

KsStorageClass *ks_dec_storage_class(KsDec *d, const KsYamlNode *obj) {
  KsObjectMeta meta;
  if (!ks_dec_object_meta(d, obj, FALSE, &meta))
    return NULL;
  KsStorageClass *sc = ks_storage_class_new(meta.name, NULL);
  ks_labels_clear(&sc->labels);
  ks_labels_clear(&sc->annotations);
  ks_labels_copy(&sc->labels, &meta.labels);
  ks_labels_copy(&sc->annotations, &meta.annotations);
  sc->creation_timestamp_us = meta.creation_timestamp_us;
  ks_object_meta_clear(&meta);
  guint reclaim = sc->reclaim_policy, binding = sc->volume_binding_mode;
  gboolean ok =
      ks_dec_required_string(d, obj, "provisioner", &sc->provisioner) &&
      ks_dec_labels(d, obj, "parameters", &sc->parameters) &&
      ks_dec_enum(d, obj, "reclaimPolicy", sc_reclaim, G_N_ELEMENTS(sc_reclaim), &reclaim) &&
      ks_dec_enum(d, obj, "volumeBindingMode", binding_modes, G_N_ELEMENTS(binding_modes),
                  &binding) &&
      ks_dec_bool(d, obj, "allowVolumeExpansion", &sc->allow_volume_expansion) &&
      ks_dec_array(d, obj, "allowedTopologies", sizeof(KsNodeSelectorTerm), term_clear_func,
                   decode_topology_term, &sc->allowed_topologies);
  sc->reclaim_policy = (KsReclaimPolicy)reclaim;
  sc->volume_binding_mode = (KsVolumeBindingMode)binding;
  if (!ok) {
    ks_storage_class_free(sc);
    return NULL;
  }
  return sc; /* transfer full */
}
