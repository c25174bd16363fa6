/* Builders for the volume plugin tests, shaped like upstream's test helpers
 * (makePVC(...).withBoundPV(...), makePV(...).withPhase(...)): each puts
 * the object into a lister (transfer full to it) and returns it borrowed
 * for further tweaks before the cycle runs. Header-only, as
 * plugin_harness.h. */
#pragma once
#include "tests/sched/plugin_harness.h"

#include "sched/volume_lister.h"

#define KS_GI (G_GINT64_CONSTANT(1) << 30)

/* A StorageClass (provisioner may be NULL = ""). */
static inline KsStorageClass *ks_test_sc(KsSchedVolumeLister *l, const char *name,
                                         const char *provisioner, KsVolumeBindingMode mode) {
  KsStorageClass *sc = ks_storage_class_new(name, provisioner ? provisioner : "");
  sc->volume_binding_mode = mode;
  ks_sched_volume_lister_set_storage_class(l, sc);
  return sc;
}

/* A claim in namespace "default" with class sc (NULL = unset), access
 * mode ReadWriteOnce and no request. */
static inline KsPersistentVolumeClaim *ks_test_pvc(KsSchedVolumeLister *l, const char *name,
                                                   const char *sc) {
  KsPersistentVolumeClaim *pvc = ks_pvc_new("default", name);
  pvc->storage_class_name = g_strdup(sc);
  pvc->access_modes = KS_ACCESS_RWO;
  ks_sched_volume_lister_set_pvc(l, pvc);
  return pvc;
}

/* upstream withBoundPV: spec.volumeName and pv.kubernetes.io/bind-completed. */
static inline KsPersistentVolumeClaim *ks_test_pvc_bound(KsPersistentVolumeClaim *pvc,
                                                         const char *pv) {
  g_free(pvc->volume_name);
  pvc->volume_name = g_strdup(pv);
  ks_labels_set(&pvc->annotations, KS_ANN_BIND_COMPLETED, "yes");
  pvc->phase = KS_PVC_BOUND;
  return pvc;
}

/* A PV of class sc with access mode ReadWriteOnce, capacity bytes, Available. */
static inline KsPersistentVolume *ks_test_pv(KsSchedVolumeLister *l, const char *name,
                                             const char *sc, gint64 capacity) {
  KsPersistentVolume *pv = ks_pv_new(name);
  pv->storage_class_name = g_strdup(sc);
  pv->capacity = capacity;
  pv->access_modes = KS_ACCESS_RWO;
  pv->phase = KS_PV_AVAILABLE;
  ks_sched_volume_lister_set_pv(l, pv);
  return pv;
}

/* upstream withNodeAffinity: one term, `key In values` for each pair of the
 * NULL-terminated list key, "v1,v2", key, "v", ... */
static inline KsPersistentVolume *ks_test_pv_affinity(KsPersistentVolume *pv, ...) {
  if (!pv->node_affinity)
    pv->node_affinity = ks_node_selector_new();
  KsNodeSelectorTerm *t = ks_node_selector_add_term(pv->node_affinity);
  va_list ap;
  va_start(ap, pv);
  for (const char *key; (key = va_arg(ap, const char *));) {
    char **values = g_strsplit(va_arg(ap, const char *), ",", -1);
    ks_node_selector_term_add_expression(t, key, KS_SELECTOR_OP_IN, (const char *const *)values);
    g_strfreev(values);
  }
  va_end(ap);
  return pv;
}

/* A pod in "default" with one PVC volume per NULL-terminated claim name. */
static inline KsPod *ks_test_pvc_pod(const char *name, ...) {
  KsPod *p = ks_pod_new("default", name);
  va_list ap;
  va_start(ap, name);
  for (const char *claim; (claim = va_arg(ap, const char *));)
    ks_pod_add_volume(p, claim, KS_VOLUME_PVC)->ref = g_strdup(claim);
  va_end(ap);
  return p;
}

/* A node with labels given as NULL-terminated key, value pairs. */
static inline KsNode *ks_test_labeled_node(const char *name, ...) {
  KsNode *n = ks_test_node(name, "1", "1Gi");
  va_list ap;
  va_start(ap, name);
  for (const char *key; (key = va_arg(ap, const char *));)
    ks_labels_set(&n->labels, key, va_arg(ap, const char *));
  va_end(ap);
  return n;
}

/* Checks a status' code and its reasons (NULL-terminated). */
static inline void ks_test_check_status(const char *name, const KsSchedStatus *st,
                                        KsSchedCode want, ...) {
  if (st->code != want)
    fail_msg("%s: code %s, want %s (%s)", name, ks_sched_code_to_string(st->code),
             ks_sched_code_to_string(want), st->n_reasons ? st->reasons[0] : "");
  va_list ap;
  va_start(ap, want);
  guint i = 0;
  for (const char *r; (r = va_arg(ap, const char *)); i++) {
    if (i >= st->n_reasons)
      fail_msg("%s: missing reason %u \"%s\"", name, i, r);
    if (strcmp(st->reasons[i], r) != 0)
      fail_msg("%s: reason %u is \"%s\", want \"%s\"", name, i, st->reasons[i], r);
  }
  va_end(ap);
  if (i != st->n_reasons)
    fail_msg("%s: %u reasons, want %u", name, st->n_reasons, i);
}
