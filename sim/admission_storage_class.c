/* See admission_storage_class.h. */
#include "sim/admission_storage_class.h"

typedef struct {
  const KsStorageClass *best;
} DefaultSearch;

/* Whole seconds of a creationTimestamp, floored (negative times too). */
static gint64 whole_seconds(gint64 us) {
  gint64 s = us / G_USEC_PER_SEC;
  return (us % G_USEC_PER_SEC < 0) ? s - 1 : s;
}

/* TRUE when a comes before b in upstream's order: newest first, then name. */
static gboolean newer(const KsStorageClass *a, const KsStorageClass *b) {
  gint64 ta = whole_seconds(a->creation_timestamp_us);
  gint64 tb = whole_seconds(b->creation_timestamp_us);
  if (ta != tb)
    return ta > tb;
  return g_strcmp0(a->name, b->name) < 0;
}

static void consider(DefaultSearch *ds, const KsStorageClass *sc) {
  if (ks_storage_class_is_default(sc) && (!ds->best || newer(sc, ds->best)))
    ds->best = sc;
}

static gboolean consider_stored(const KsStoreObject *obj, gpointer user_data) {
  consider(user_data, obj->data);
  return TRUE;
}

const KsStorageClass *ks_sim_default_storage_class(const KsStore *store) {
  DefaultSearch ds = {NULL};
  ks_store_foreach(store, KS_STORE_STORAGE_CLASS, consider_stored, &ds);
  return ds.best;
}

const KsStorageClass *ks_default_storage_class_among(const GPtrArray *classes) {
  DefaultSearch ds = {NULL};
  for (guint i = 0; i < classes->len; i++)
    consider(&ds, classes->pdata[i]);
  return ds.best;
}

gboolean ks_pvc_apply_default_storage_class(KsPersistentVolumeClaim *pvc,
                                            const KsStorageClass *def) {
  if (!def || pvc->storage_class_name ||
      ks_labels_get(&pvc->annotations, KS_ANN_BETA_STORAGE_CLASS))
    return FALSE; /* no default, or the user asked for a class (or for none) */
  pvc->storage_class_name = g_strdup(def->name);
  return TRUE;
}

gboolean ks_admit_pvc_default_storage_class(KsPersistentVolumeClaim *pvc, const KsStore *store) {
  if (pvc->storage_class_name || ks_labels_get(&pvc->annotations, KS_ANN_BETA_STORAGE_CLASS))
    return FALSE; /* skip the search: the claim keeps its own choice */
  return ks_pvc_apply_default_storage_class(pvc, ks_sim_default_storage_class(store));
}
