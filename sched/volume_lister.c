/* See volume_lister.h.
 *
 * PVs live in a name-sorted array of entries (binary search; insertion is
 * O(#PVs), rare next to lookups) with a parallel array of the visible
 * version of each (the assumed copy or the API one), so matching walks a
 * plain pointer array in name order without allocating. PVCs are a hash of
 * namespace -> (name -> entry), so a lookup by (namespace, name) builds no
 * key string. Storage classes are a hash by name.
 */
#include "sched/volume_lister.h"

#include <string.h>

typedef struct {
  KsPersistentVolume *api;     /* owned */
  KsPersistentVolume *assumed; /* owned; NULL when none */
} PvEntry;

typedef struct {
  KsPersistentVolumeClaim *api;
  KsPersistentVolumeClaim *assumed;
} PvcEntry;

struct KsSchedVolumeLister {
  GPtrArray *pv_entries; /* PvEntry* (owned) sorted by name */
  GPtrArray *pv_visible; /* const KsPersistentVolume*, parallel to pv_entries */
  GHashTable *pvcs;      /* namespace (owned) -> GHashTable name (borrowed from api) -> PvcEntry* */
  guint n_pvcs;
  GHashTable *classes;   /* name (borrowed) -> KsStorageClass* (owned) */
  KsSchedVolumeWriter writer;
  gboolean has_writer;
};

static void pv_entry_free(gpointer p) {
  PvEntry *e = p;
  ks_pv_free(e->api);
  if (e->assumed)
    ks_pv_free(e->assumed);
  g_free(e);
}

static void pvc_entry_free(gpointer p) {
  PvcEntry *e = p;
  ks_pvc_free(e->api);
  if (e->assumed)
    ks_pvc_free(e->assumed);
  g_free(e);
}

KsSchedVolumeLister *ks_sched_volume_lister_new(void) {
  KsSchedVolumeLister *l = g_new0(KsSchedVolumeLister, 1);
  l->pv_entries = g_ptr_array_new_with_free_func(pv_entry_free);
  l->pv_visible = g_ptr_array_new();
  l->pvcs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                  (GDestroyNotify)g_hash_table_destroy);
  l->classes = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                     (GDestroyNotify)ks_storage_class_free);
  return l;
}

void ks_sched_volume_lister_free(KsSchedVolumeLister *l) {
  if (!l)
    return;
  g_ptr_array_unref(l->pv_visible);
  g_ptr_array_unref(l->pv_entries);
  g_hash_table_destroy(l->pvcs);
  g_hash_table_destroy(l->classes);
  g_free(l);
}

void ks_sched_volume_lister_set_writer(KsSchedVolumeLister *l, const KsSchedVolumeWriter *w) {
  l->has_writer = w != NULL;
  if (w)
    l->writer = *w;
}

const KsSchedVolumeWriter *ks_sched_volume_lister_writer(const KsSchedVolumeLister *l) {
  return l->has_writer ? &l->writer : NULL;
}

/* ---- PVs ---------------------------------------------------------------------------------- */

/* Index of `name` in pv_entries, or -(insertion point) - 1. */
static gint pv_find(const KsSchedVolumeLister *l, const char *name) {
  guint lo = 0, hi = l->pv_entries->len;
  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;
    int c = strcmp(((const PvEntry *)l->pv_entries->pdata[mid])->api->name, name);
    if (c == 0)
      return (gint)mid;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -(gint)lo - 1;
}

static void pv_sync_visible(KsSchedVolumeLister *l, guint i) {
  const PvEntry *e = l->pv_entries->pdata[i];
  l->pv_visible->pdata[i] = e->assumed ? e->assumed : e->api;
}

void ks_sched_volume_lister_set_pv(KsSchedVolumeLister *l, KsPersistentVolume *pv) {
  gint i = pv_find(l, pv->name);
  if (i >= 0) {
    PvEntry *e = l->pv_entries->pdata[i];
    ks_pv_free(e->api);
    if (e->assumed)
      ks_pv_free(e->assumed);
    e->api = pv;
    e->assumed = NULL;
    pv_sync_visible(l, (guint)i);
    return;
  }
  PvEntry *e = g_new0(PvEntry, 1);
  e->api = pv;
  guint at = (guint)(-i - 1);
  g_ptr_array_insert(l->pv_entries, (gint)at, e);
  g_ptr_array_insert(l->pv_visible, (gint)at, pv);
}

gboolean ks_sched_volume_lister_remove_pv(KsSchedVolumeLister *l, const char *name) {
  gint i = pv_find(l, name);
  if (i < 0)
    return FALSE;
  g_ptr_array_remove_index(l->pv_visible, (guint)i);
  g_ptr_array_remove_index(l->pv_entries, (guint)i);
  return TRUE;
}

const KsPersistentVolume *ks_sched_volume_lister_pv(const KsSchedVolumeLister *l,
                                                    const char *name) {
  gint i = name ? pv_find(l, name) : -1;
  return i >= 0 ? l->pv_visible->pdata[i] : NULL;
}

const GPtrArray *ks_sched_volume_lister_pvs(const KsSchedVolumeLister *l) {
  return l->pv_visible;
}

gboolean ks_sched_volume_lister_assume_pv(KsSchedVolumeLister *l, KsPersistentVolume *assumed) {
  gint i = pv_find(l, assumed->name);
  if (i < 0) {
    ks_pv_free(assumed);
    return FALSE;
  }
  PvEntry *e = l->pv_entries->pdata[i];
  if (e->assumed)
    ks_pv_free(e->assumed);
  e->assumed = assumed;
  pv_sync_visible(l, (guint)i);
  return TRUE;
}

void ks_sched_volume_lister_restore_pv(KsSchedVolumeLister *l, const char *name) {
  gint i = pv_find(l, name);
  if (i < 0)
    return;
  PvEntry *e = l->pv_entries->pdata[i];
  if (e->assumed) {
    ks_pv_free(e->assumed);
    e->assumed = NULL;
    pv_sync_visible(l, (guint)i);
  }
}

/* ---- PVCs --------------------------------------------------------------------------------- */

static PvcEntry *pvc_entry(const KsSchedVolumeLister *l, const char *ns, const char *name) {
  GHashTable *by_name = g_hash_table_lookup(l->pvcs, ns && *ns ? ns : "default");
  return by_name && name ? g_hash_table_lookup(by_name, name) : NULL;
}

void ks_sched_volume_lister_set_pvc(KsSchedVolumeLister *l, KsPersistentVolumeClaim *pvc) {
  GHashTable *by_name = g_hash_table_lookup(l->pvcs, pvc->namespace);
  if (!by_name) {
    by_name = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, pvc_entry_free);
    g_hash_table_insert(l->pvcs, g_strdup(pvc->namespace), by_name);
  }
  PvcEntry *e = g_hash_table_lookup(by_name, pvc->name);
  if (e) {
    /* the key is borrowed from e->api: steal it before the old claim goes */
    g_hash_table_steal(by_name, pvc->name);
    ks_pvc_free(e->api);
    if (e->assumed)
      ks_pvc_free(e->assumed);
    e->assumed = NULL;
  } else {
    e = g_new0(PvcEntry, 1);
    l->n_pvcs++;
  }
  e->api = pvc;
  g_hash_table_insert(by_name, pvc->name, e);
}

gboolean ks_sched_volume_lister_remove_pvc(KsSchedVolumeLister *l, const char *ns,
                                           const char *name) {
  GHashTable *by_name = g_hash_table_lookup(l->pvcs, ns && *ns ? ns : "default");
  if (!by_name || !g_hash_table_remove(by_name, name))
    return FALSE;
  l->n_pvcs--;
  return TRUE;
}

const KsPersistentVolumeClaim *ks_sched_volume_lister_pvc(const KsSchedVolumeLister *l,
                                                          const char *ns, const char *name) {
  const PvcEntry *e = pvc_entry(l, ns, name);
  return e ? (e->assumed ? e->assumed : e->api) : NULL;
}

guint ks_sched_volume_lister_n_pvcs(const KsSchedVolumeLister *l) {
  return l->n_pvcs;
}

gboolean ks_sched_volume_lister_assume_pvc(KsSchedVolumeLister *l,
                                           KsPersistentVolumeClaim *assumed) {
  PvcEntry *e = pvc_entry(l, assumed->namespace, assumed->name);
  if (!e) {
    ks_pvc_free(assumed);
    return FALSE;
  }
  if (e->assumed)
    ks_pvc_free(e->assumed);
  e->assumed = assumed;
  return TRUE;
}

void ks_sched_volume_lister_restore_pvc(KsSchedVolumeLister *l, const char *ns,
                                        const char *name) {
  PvcEntry *e = pvc_entry(l, ns, name);
  if (e && e->assumed) {
    ks_pvc_free(e->assumed);
    e->assumed = NULL;
  }
}

/* ---- storage classes ---------------------------------------------------------------------- */

void ks_sched_volume_lister_set_storage_class(KsSchedVolumeLister *l, KsStorageClass *sc) {
  g_hash_table_remove(l->classes, sc->name);
  g_hash_table_insert(l->classes, sc->name, sc);
}

gboolean ks_sched_volume_lister_remove_storage_class(KsSchedVolumeLister *l, const char *name) {
  return g_hash_table_remove(l->classes, name);
}

const KsStorageClass *ks_sched_volume_lister_storage_class(const KsSchedVolumeLister *l,
                                                           const char *name) {
  return name ? g_hash_table_lookup(l->classes, name) : NULL;
}

/* ---- shared helpers ------------------------------------------------------------------------- */

gboolean ks_sched_pv_node_affinity_matches(const KsPersistentVolume *pv,
                                           const KsLabels *node_labels) {
  if (!pv->node_affinity)
    return TRUE;
  return ks_node_selector_matches(pv->node_affinity, node_labels, "");
}

gboolean ks_sched_pv_bound_to_claim(const KsPersistentVolume *pv,
                                    const KsPersistentVolumeClaim *claim) {
  const KsObjectReference *r = pv->claim_ref;
  if (!r)
    return FALSE;
  if (g_strcmp0(r->name, claim->name) != 0 ||
      g_strcmp0(r->namespace ? r->namespace : "", claim->namespace) != 0)
    return FALSE;
  if (r->uid && *r->uid && g_strcmp0(r->uid, claim->uid) != 0)
    return FALSE;
  return TRUE;
}

const KsPersistentVolume *ks_sched_find_matching_volume(const KsPersistentVolumeClaim *claim,
                                                        const KsPersistentVolume *const *pvs,
                                                        guint n, const KsLabels *node_labels,
                                                        const KsPersistentVolume *const *excluded,
                                                        guint n_excluded, gboolean delay_binding) {
  const KsPersistentVolume *smallest = NULL;
  const char *requested_class = ks_pvc_get_class(claim);
  for (guint i = 0; i < n; i++) {
    const KsPersistentVolume *pv = pvs[i];
    if (node_labels && strcmp(ks_pv_get_class(pv), requested_class) != 0)
      continue;
    gboolean skip = FALSE;
    for (guint k = 0; k < n_excluded && !skip; k++)
      skip = excluded[k] == pv;
    if (skip)
      continue;
    gboolean bound_to_claim = ks_sched_pv_bound_to_claim(pv, claim);
    if (pv->claim_ref && !bound_to_claim)
      continue;
    if (pv->capacity < claim->request)
      continue;
    if (pv->volume_mode != claim->volume_mode)
      continue;
    if (pv->deletion_timestamp_us != 0)
      continue;
    gboolean affinity_ok = !node_labels || ks_sched_pv_node_affinity_matches(pv, node_labels);
    if (bound_to_claim)
      return affinity_ok ? pv : NULL;
    if (!node_labels && delay_binding)
      continue;
    if (pv->phase != KS_PV_AVAILABLE)
      continue;
    if (claim->selector && !ks_label_selector_matches(claim->selector, &pv->labels))
      continue;
    if (strcmp(ks_pv_get_class(pv), requested_class) != 0)
      continue;
    if (!affinity_ok)
      continue;
    if (node_labels && (pv->access_modes & claim->access_modes) != claim->access_modes)
      continue;
    if (!smallest || smallest->capacity > pv->capacity)
      smallest = pv;
  }
  return smallest;
}

#define CSI_ATTACH_LIMIT_PREFIX "attachable-volumes-csi-"
#define RESOURCE_NAME_LENGTH_LIMIT 63

char *ks_sched_csi_attach_limit_key(const char *driver) {
  gsize prefix = strlen(CSI_ATTACH_LIMIT_PREFIX);
  if (prefix + strlen(driver) < RESOURCE_NAME_LENGTH_LIMIT)
    return g_strconcat(CSI_ATTACH_LIMIT_PREFIX, driver, NULL);
  char *sha = g_compute_checksum_for_string(G_CHECKSUM_SHA1, driver, -1);
  char *key = g_strdup_printf("%s%.23s%.16s", CSI_ATTACH_LIMIT_PREFIX, driver, sha);
  g_free(sha);
  return key;
}

const KsPersistentVolumeClaim *ks_sched_volume_lister_pod_claim(const KsSchedVolumeLister *l,
                                                                const KsPod *pod,
                                                                const KsVolume *v) {
  if (!l || v->source != KS_VOLUME_PVC)
    return NULL;
  return ks_sched_volume_lister_pvc(l, pod->namespace, v->ref);
}

gboolean ks_sched_pod_has_pvc(const KsPod *pod) {
  for (guint i = 0; pod->volumes && i < pod->volumes->len; i++)
    if (g_array_index(pod->volumes, KsVolume, i).source == KS_VOLUME_PVC)
      return TRUE;
  return FALSE;
}
