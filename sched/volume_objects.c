/* StorageClass, PersistentVolume, PersistentVolumeClaim: construction with
 * upstream's defaults, deep copies, string forms (see volume_objects.h). */
#include "sched/volume_objects.h"

#include <string.h>

static gboolean lookup(const char *const *names, guint n, const char *s, guint *out) {
  for (guint i = 0; s && i < n; i++) {
    if (strcmp(names[i], s) == 0) {
      *out = i;
      return TRUE;
    }
  }
  return FALSE;
}

#define ENUM_FUNCS(prefix, Type, names)                                                         \
  gboolean prefix##_from_string(const char *s, Type *out) {                                     \
    guint i;                                                                                    \
    if (!lookup(names, G_N_ELEMENTS(names), s, &i))                                             \
      return FALSE;                                                                             \
    *out = (Type)i;                                                                             \
    return TRUE;                                                                                \
  }                                                                                             \
  const char *prefix##_to_string(Type v) {                                                      \
    return (guint)v < G_N_ELEMENTS(names) ? names[v] : "?";                                     \
  }

static const char *const reclaim_names[] = {"Delete", "Retain", "Recycle"};
static const char *const binding_names[] = {"Immediate", "WaitForFirstConsumer"};
static const char *const volume_mode_names[] = {"Filesystem", "Block"};
static const char *const pv_phase_names[] = {"Pending", "Available", "Bound", "Released",
                                             "Failed"};
static const char *const pvc_phase_names[] = {"Pending", "Bound", "Lost"};
static const char *const access_names[] = {"ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany",
                                           "ReadWriteOncePod"};

ENUM_FUNCS(ks_reclaim_policy, KsReclaimPolicy, reclaim_names)
ENUM_FUNCS(ks_volume_binding_mode, KsVolumeBindingMode, binding_names)
ENUM_FUNCS(ks_volume_mode, KsVolumeMode, volume_mode_names)
ENUM_FUNCS(ks_pv_phase, KsPersistentVolumePhase, pv_phase_names)
ENUM_FUNCS(ks_pvc_phase, KsPersistentVolumeClaimPhase, pvc_phase_names)

gboolean ks_access_mode_from_string(const char *s, guint *out_bit) {
  guint i;
  if (!lookup(access_names, G_N_ELEMENTS(access_names), s, &i))
    return FALSE;
  *out_bit = 1u << i;
  return TRUE;
}

const char *ks_access_mode_to_string(guint bit) {
  for (guint i = 0; i < G_N_ELEMENTS(access_names); i++)
    if (bit == 1u << i)
      return access_names[i];
  return "?";
}

/* ---- StorageClass --------------------------------------------------------- */

static void term_clear_func(gpointer p) { ks_node_selector_term_clear(p); }

static GArray *terms_copy(const GArray *src) {
  if (!src)
    return NULL;
  GArray *a = g_array_new(FALSE, TRUE, sizeof(KsNodeSelectorTerm));
  g_array_set_clear_func(a, term_clear_func);
  g_array_set_size(a, src->len);
  for (guint i = 0; i < src->len; i++)
    ks_node_selector_term_copy(&g_array_index(a, KsNodeSelectorTerm, i),
                               &g_array_index(src, KsNodeSelectorTerm, i));
  return a;
}

KsStorageClass *ks_storage_class_new(const char *name, const char *provisioner) {
  KsStorageClass *sc = g_new0(KsStorageClass, 1);
  sc->name = g_strdup(name);
  sc->provisioner = g_strdup(provisioner);
  ks_labels_init(&sc->labels);
  ks_labels_init(&sc->annotations);
  ks_labels_init(&sc->parameters);
  sc->reclaim_policy = KS_RECLAIM_DELETE;
  sc->volume_binding_mode = KS_BINDING_IMMEDIATE;
  return sc;
}

void ks_storage_class_free(KsStorageClass *sc) {
  if (!sc)
    return;
  g_free(sc->name);
  g_free(sc->provisioner);
  ks_labels_clear(&sc->labels);
  ks_labels_clear(&sc->annotations);
  ks_labels_clear(&sc->parameters);
  if (sc->allowed_topologies)
    g_array_unref(sc->allowed_topologies);
  g_free(sc);
}

KsStorageClass *ks_storage_class_copy(const KsStorageClass *sc) {
  KsStorageClass *c = g_new0(KsStorageClass, 1);
  *c = *sc;
  c->name = g_strdup(sc->name);
  c->provisioner = g_strdup(sc->provisioner);
  ks_labels_copy(&c->labels, &sc->labels);
  ks_labels_copy(&c->annotations, &sc->annotations);
  ks_labels_copy(&c->parameters, &sc->parameters);
  c->allowed_topologies = terms_copy(sc->allowed_topologies);
  return c;
}

gboolean ks_storage_class_is_default(const KsStorageClass *sc) {
  /* upstream IsDefaultAnnotation: the GA annotation, then the beta one, == "true" */
  return g_strcmp0(ks_labels_get(&sc->annotations, KS_ANN_IS_DEFAULT_CLASS), "true") == 0 ||
         g_strcmp0(ks_labels_get(&sc->annotations, KS_ANN_BETA_IS_DEFAULT_CLASS), "true") == 0;
}

/* ---- PersistentVolume ----------------------------------------------------- */

KsPersistentVolume *ks_pv_new(const char *name) {
  KsPersistentVolume *pv = g_new0(KsPersistentVolume, 1);
  pv->name = g_strdup(name);
  ks_labels_init(&pv->labels);
  ks_labels_init(&pv->annotations);
  pv->reclaim_policy = KS_RECLAIM_RETAIN;
  pv->volume_mode = KS_VOLUME_MODE_FILESYSTEM;
  pv->phase = KS_PV_PENDING;
  return pv;
}

void ks_pv_free(KsPersistentVolume *pv) {
  if (!pv)
    return;
  g_free(pv->name);
  g_free(pv->uid);
  ks_labels_clear(&pv->labels);
  ks_labels_clear(&pv->annotations);
  g_strfreev(pv->finalizers);
  g_free(pv->storage_class_name);
  ks_node_selector_free(pv->node_affinity);
  ks_object_reference_free(pv->claim_ref);
  g_free(pv->source_driver);
  g_free(pv->source_id);
  g_free(pv);
}

KsPersistentVolume *ks_pv_copy(const KsPersistentVolume *pv) {
  KsPersistentVolume *c = g_new0(KsPersistentVolume, 1);
  *c = *pv;
  c->name = g_strdup(pv->name);
  c->uid = g_strdup(pv->uid);
  ks_labels_copy(&c->labels, &pv->labels);
  ks_labels_copy(&c->annotations, &pv->annotations);
  c->finalizers = g_strdupv(pv->finalizers);
  c->storage_class_name = g_strdup(pv->storage_class_name);
  c->node_affinity = pv->node_affinity ? ks_node_selector_copy(pv->node_affinity) : NULL;
  c->claim_ref = ks_object_reference_copy(pv->claim_ref);
  c->source_driver = g_strdup(pv->source_driver);
  c->source_id = g_strdup(pv->source_id);
  return c;
}

const char *ks_pv_get_class(const KsPersistentVolume *pv) {
  const char *a = ks_labels_get(&pv->annotations, KS_ANN_BETA_STORAGE_CLASS);
  if (a)
    return a;
  return pv->storage_class_name ? pv->storage_class_name : "";
}

/* ---- PersistentVolumeClaim -------------------------------------------------- */

KsPersistentVolumeClaim *ks_pvc_new(const char *ns, const char *name) {
  KsPersistentVolumeClaim *pvc = g_new0(KsPersistentVolumeClaim, 1);
  pvc->namespace = g_strdup(ns && *ns ? ns : "default");
  pvc->name = g_strdup(name);
  ks_labels_init(&pvc->labels);
  ks_labels_init(&pvc->annotations);
  pvc->volume_mode = KS_VOLUME_MODE_FILESYSTEM;
  pvc->phase = KS_PVC_PENDING;
  return pvc;
}

void ks_pvc_free(KsPersistentVolumeClaim *pvc) {
  if (!pvc)
    return;
  g_free(pvc->namespace);
  g_free(pvc->name);
  g_free(pvc->uid);
  ks_labels_clear(&pvc->labels);
  ks_labels_clear(&pvc->annotations);
  if (pvc->owner_references)
    g_array_unref(pvc->owner_references);
  g_strfreev(pvc->finalizers);
  g_free(pvc->storage_class_name);
  g_free(pvc->volume_name);
  ks_label_selector_free(pvc->selector);
  g_free(pvc);
}

KsPersistentVolumeClaim *ks_pvc_copy(const KsPersistentVolumeClaim *pvc) {
  KsPersistentVolumeClaim *c = g_new0(KsPersistentVolumeClaim, 1);
  *c = *pvc;
  c->namespace = g_strdup(pvc->namespace);
  c->name = g_strdup(pvc->name);
  c->uid = g_strdup(pvc->uid);
  ks_labels_copy(&c->labels, &pvc->labels);
  ks_labels_copy(&c->annotations, &pvc->annotations);
  c->owner_references = ks_owner_reference_array_copy(pvc->owner_references);
  c->finalizers = g_strdupv(pvc->finalizers);
  c->storage_class_name = g_strdup(pvc->storage_class_name);
  c->volume_name = g_strdup(pvc->volume_name);
  c->selector = ks_label_selector_copy(pvc->selector);
  return c;
}

const char *ks_pvc_get_class(const KsPersistentVolumeClaim *pvc) {
  const char *a = ks_labels_get(&pvc->annotations, KS_ANN_BETA_STORAGE_CLASS);
  if (a)
    return a;
  return pvc->storage_class_name ? pvc->storage_class_name : "";
}

const char *ks_pvc_selected_node(const KsPersistentVolumeClaim *pvc) {
  return ks_labels_get(&pvc->annotations, KS_ANN_SELECTED_NODE);
}

GPtrArray *ks_pvc_array_new(void) {
  return g_ptr_array_new_with_free_func((GDestroyNotify)ks_pvc_free);
}

GPtrArray *ks_pvc_array_copy(const GPtrArray *src) {
  if (!src)
    return NULL;
  GPtrArray *a = ks_pvc_array_new();
  for (guint i = 0; i < src->len; i++)
    g_ptr_array_add(a, ks_pvc_copy(g_ptr_array_index(src, i)));
  return a;
}
