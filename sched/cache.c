/* The scheduler cache: node state as structure-of-arrays, updated
 * incrementally (kube-semantics 2.3).
 *
 * Design and trade-offs.
 * - Per node slot, the numbers the hot loop needs (allocatable and requested
 *   cpu/memory/ephemeral, non-zero requests, pod counts) sit in parallel
 *   int64 arrays; adding or removing a pod is O(1): a few additions, an
 *   append or a swap-remove in the node's pod list (each entry remembers its
 *   position), and a hash insert/remove.
 * - A pod's request is computed once when it enters the cache and kept in
 *   its entry, so removal subtracts exactly what was added.
 * - Pods are identified by namespace/name, not by pointer, so a host that
 *   hands in a fresh copy of the same pod still finds it.
 * - Upstream's snapshot is a copy of changed NodeInfos taken each cycle. We
 *   do not copy: the scheduler runs one cycle at a time and the host changes
 *   nothing during it, so the cache is its own snapshot.
 * - The node tree (zones in order of first appearance, nodes in insertion
 *   order, listed zone round-robin) is rebuilt into `order` on every node
 *   add/remove or zone change: O(nodes) per node event, never per pod.
 * - Image states: one global map (normalized name -> size, number of live
 *   nodes) and one small map per node slot (normalized name -> the size that
 *   node reports), so both "how many nodes have it" and "does this node have
 *   it" are single hash lookups. A node set/replace/remove rebuilds only that
 *   node's map and adjusts the global counts: O(images of the node). Node
 *   names are normalized on the way in so a hand-written "nginx" matches a
 *   pod's "nginx" (kubelet-reported names carry a tag or digest, which
 *   normalization leaves alone, so this agrees with upstream on real input).
 * - Pod (anti-)affinity lists per slot (upstream PodsWithAffinity,
 *   PodsWithRequiredAntiAffinity) hold borrowed entries that remember their
 *   index, so add/remove is an append or a swap-remove. The cluster-wide
 *   lists of live slots having such pods (upstream's
 *   HavePodsWithAffinityNodeInfoList...) are kept the same way, with a
 *   per-slot index, and are updated whenever a slot's list becomes empty or
 *   non-empty or the slot turns live/ghost. Their order is therefore the
 *   order of changes, not the node tree's; the affinity plugins only sum and
 *   count over them, so order does not change any outcome.
 * - Namespaces: a name -> labels map, so namespaceSelector can be evaluated
 *   without the host in the loop.
 *
 * - GPUs (sched/gpu.h): per slot a count, a model and an array of used
 *   milli per GPU (allocated to the node's GPU count, NULL without GPUs).
 *   Each entry keeps the GPUs it holds, so detach subtracts exactly what
 *   attach added. The assignment is the pod's gpu-index annotation when it
 *   has one (bound pods, pinned pending pods); otherwise the cache chooses
 *   when the pod enters a slot: at assume with the policy hook
 *   (ks_gpu_set_chooser) or best fit, for a bound pod without annotation by
 *   best fit (such choices are redone if the pod moves or the node's GPU
 *   count changes). Choosing at assume, which precedes Reserve, means every
 *   path that assumes (the cycle, nominated pods during Filter, preemption
 *   restore) accounts GPUs the same way.
 *
 * Label and term indexes (cache.h) are updated in attach/detach, the two
 * places every pod enters and leaves a slot, so assume, forget, bind,
 * remove and node moves all keep them exact. Their cost is a few hash
 * operations per pod add or remove.
 */
#include "sched/cache.h"
#include "sched/spread_lister.h"
#include "sched/volume_lister.h"

#include <string.h>

static void have_update(KsSchedCache *c, guint s);
static void images_remove(KsSchedCache *c, guint s);

typedef struct {
  char *key;
  GArray *slots; /* of guint, insertion order */
} Zone;

static void entry_free(gpointer p) {
  KsSchedPodEntry *e = p;
  ks_resource_list_clear(&e->req);
  ks_pod_unref(e->pod);
  g_free(e->label_pos);
  g_free(e);
}

static void labels_free(gpointer p) {
  ks_labels_clear(p);
  g_free(p);
}

static void zone_free(gpointer p) {
  Zone *z = p;
  g_free(z->key);
  g_array_free(z->slots, TRUE);
  g_free(z);
}

KsSchedCache *ks_sched_cache_new(void) {
  KsSchedCache *c = g_new0(KsSchedCache, 1);
  c->by_name = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  /* keys are the entries' own pods; the entry owns the pod reference */
  c->entries = g_hash_table_new_full(ks_pod_key_hash, ks_pod_key_equal, NULL, entry_free);
  c->free_slots = g_array_new(FALSE, FALSE, sizeof(guint));
  c->prio_counts = g_array_new(FALSE, FALSE, sizeof(KsSchedPrioCount));
  c->zones = g_ptr_array_new_with_free_func(zone_free);
  c->image_states = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  c->namespaces = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, labels_free);
  c->label_index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify)g_hash_table_unref);
  c->term_index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify)g_hash_table_unref);
  c->terms_general = g_array_new(FALSE, FALSE, sizeof(KsSchedTermRef));
  c->gpu_hook = g_new0(KsSchedGpuHook, 1);
  c->gpu_hook->placing = -1;
  c->volumes = ks_sched_volume_lister_new();
  c->spread = ks_sched_spread_lister_new();
  ks_sched_node_columns_init(&c->cols);
  return c;
}

void ks_sched_cache_free(KsSchedCache *c) {
  if (!c)
    return;
  g_hash_table_destroy(c->entries);
  g_hash_table_destroy(c->label_index);
  g_hash_table_destroy(c->term_index);
  g_array_free(c->terms_general, TRUE);
  g_array_free(c->prio_counts, TRUE);
  ks_sched_volume_lister_free(c->volumes);
  ks_sched_spread_lister_free(c->spread);
  for (guint i = 0; i < c->cap; i++) {
    if (c->nodes[i])
      ks_node_unref(c->nodes[i]);
    ks_resource_list_clear(&c->requested[i]);
    g_ptr_array_free(c->pods[i], TRUE);
    g_ptr_array_free(c->pods_with_affinity[i], TRUE);
    g_ptr_array_free(c->pods_with_required_anti_affinity[i], TRUE);
    if (c->node_images[i])
      g_hash_table_destroy(c->node_images[i]);
    g_free(c->gpu_used[i]);
  }
  g_free(c->gpu_count);
  g_free(c->gpu_model);
  g_free(c->gpu_used);
  g_free(c->gpu_hook);
  g_hash_table_destroy(c->image_states);
  g_hash_table_destroy(c->namespaces);
  g_free(c->pods_with_affinity);
  g_free(c->pods_with_required_anti_affinity);
  g_free(c->have_affinity);
  g_free(c->have_required_anti_affinity);
  g_free(c->have_aff_pos);
  g_free(c->have_anti_pos);
  g_free(c->node_images);
  g_hash_table_destroy(c->by_name);
  g_array_free(c->free_slots, TRUE);
  g_ptr_array_free(c->zones, TRUE);
  g_free(c->nodes);
  g_free(c->alloc_cpu);
  g_free(c->alloc_mem);
  g_free(c->alloc_eph);
  g_free(c->alloc_pods);
  g_free(c->req_cpu);
  g_free(c->req_mem);
  g_free(c->req_eph);
  g_free(c->nz_cpu);
  g_free(c->nz_mem);
  g_free(c->pod_count);
  g_free(c->requested);
  g_free(c->pods);
  g_free(c->order);
  g_free(c->live);
  ks_sched_node_columns_clear(&c->cols);
  g_free(c);
}

/* ---- slots ------------------------------------------------------------------- */

#define GROW(arr, n) ((arr) = g_renew(__typeof__(*(arr)), (arr), (n)))

static void grow(KsSchedCache *c) {
  guint n = c->cap ? c->cap * 2 : 16;
  GROW(c->nodes, n);
  GROW(c->alloc_cpu, n);
  GROW(c->alloc_mem, n);
  GROW(c->alloc_eph, n);
  GROW(c->alloc_pods, n);
  GROW(c->req_cpu, n);
  GROW(c->req_mem, n);
  GROW(c->req_eph, n);
  GROW(c->nz_cpu, n);
  GROW(c->nz_mem, n);
  GROW(c->pod_count, n);
  GROW(c->requested, n);
  GROW(c->pods, n);
  GROW(c->order, n);
  GROW(c->live, n);
  GROW(c->pods_with_affinity, n);
  GROW(c->pods_with_required_anti_affinity, n);
  GROW(c->have_affinity, n);
  GROW(c->have_required_anti_affinity, n);
  GROW(c->have_aff_pos, n);
  GROW(c->have_anti_pos, n);
  GROW(c->node_images, n);
  GROW(c->gpu_count, n);
  GROW(c->gpu_model, n);
  GROW(c->gpu_used, n);
  for (guint i = c->cap; i < n; i++) {
    c->pods_with_affinity[i] = g_ptr_array_new();
    c->pods_with_required_anti_affinity[i] = g_ptr_array_new();
    c->have_aff_pos[i] = c->have_anti_pos[i] = -1;
    c->node_images[i] = NULL;
    c->gpu_count[i] = 0;
    c->gpu_model[i] = 0;
    c->gpu_used[i] = NULL;
    c->nodes[i] = NULL;
    c->alloc_cpu[i] = c->alloc_mem[i] = c->alloc_eph[i] = c->alloc_pods[i] = 0;
    c->req_cpu[i] = c->req_mem[i] = c->req_eph[i] = c->nz_cpu[i] = c->nz_mem[i] = 0;
    c->pod_count[i] = 0;
    ks_resource_list_init(&c->requested[i]);
    c->pods[i] = g_ptr_array_new();
    c->live[i] = FALSE;
  }
  /* slots handed out lowest first */
  for (guint i = n; i > c->cap; i--) {
    guint s = i - 1;
    g_array_append_val(c->free_slots, s);
  }
  c->cap = n;
  ks_sched_node_columns_grow(&c->cols, n);
}

static guint slot_alloc(KsSchedCache *c, const char *name) {
  if (c->free_slots->len == 0)
    grow(c);
  guint s = g_array_index(c->free_slots, guint, c->free_slots->len - 1);
  g_array_set_size(c->free_slots, c->free_slots->len - 1);
  g_hash_table_insert(c->by_name, g_strdup(name), GUINT_TO_POINTER(s + 1));
  return s;
}

/* Frees a ghost slot once its last pod is gone. */
static void slot_release_if_empty_ghost(KsSchedCache *c, guint s, const char *name) {
  if (c->nodes[s] || c->pods[s]->len > 0)
    return;
  g_hash_table_remove(c->by_name, name);
  ks_resource_list_clear(&c->requested[s]);
  ks_resource_list_init(&c->requested[s]);
  c->req_cpu[s] = c->req_mem[s] = c->req_eph[s] = c->nz_cpu[s] = c->nz_mem[s] = 0;
  ks_sched_node_columns_reset_slot(&c->cols, s);
  g_array_append_val(c->free_slots, s);
}

static gint slot_of(const KsSchedCache *c, const char *name) {
  gpointer v = g_hash_table_lookup(c->by_name, name);
  return v ? (gint)GPOINTER_TO_UINT(v) - 1 : -1;
}

gint ks_sched_cache_node_slot(const KsSchedCache *c, const char *name) {
  gint s = slot_of(c, name);
  return s >= 0 && c->nodes[s] ? s : -1;
}

/* ---- node tree ---------------------------------------------------------------- */

char *ks_sched_node_zone_key(const KsNode *node) {
  const char *region = ks_labels_get(&node->labels, "topology.kubernetes.io/region");
  if (!region)
    region = ks_labels_get(&node->labels, "failure-domain.beta.kubernetes.io/region");
  const char *zone = ks_labels_get(&node->labels, "topology.kubernetes.io/zone");
  if (!zone)
    zone = ks_labels_get(&node->labels, "failure-domain.beta.kubernetes.io/zone");
  if (!region)
    region = "";
  if (!zone)
    zone = "";
  if (!*region && !*zone)
    return g_strdup("");
  /* region ":\x00:" zone, with the NUL kept: build it as bytes */
  gsize lr = strlen(region), lz = strlen(zone);
  char *k = g_malloc(lr + 3 + lz + 1);
  memcpy(k, region, lr);
  k[lr] = ':';
  k[lr + 1] = '\x01'; /* stands for upstream's \x00 so the key stays a C string */
  k[lr + 2] = ':';
  memcpy(k + lr + 3, zone, lz + 1);
  return k;
}

static Zone *zone_find(KsSchedCache *c, const char *key, guint *index) {
  for (guint i = 0; i < c->zones->len; i++) {
    Zone *z = g_ptr_array_index(c->zones, i);
    if (strcmp(z->key, key) == 0) {
      if (index)
        *index = i;
      return z;
    }
  }
  return NULL;
}

static void tree_add(KsSchedCache *c, guint s) {
  char *key = ks_sched_node_zone_key(c->nodes[s]);
  Zone *z = zone_find(c, key, NULL);
  if (!z) {
    z = g_new0(Zone, 1);
    z->key = key;
    z->slots = g_array_new(FALSE, FALSE, sizeof(guint));
    g_ptr_array_add(c->zones, z);
  } else {
    g_free(key);
  }
  g_array_append_val(z->slots, s);
  c->live[s] = TRUE;
}

static void tree_remove(KsSchedCache *c, guint s) {
  for (guint i = 0; i < c->zones->len; i++) {
    Zone *z = g_ptr_array_index(c->zones, i);
    for (guint k = 0; k < z->slots->len; k++) {
      if (g_array_index(z->slots, guint, k) != s)
        continue;
      g_array_remove_index(z->slots, k); /* keeps insertion order */
      if (z->slots->len == 0)
        g_ptr_array_remove_index(c->zones, i); /* keeps zone order */
      c->live[s] = FALSE;
      return;
    }
  }
}

static void tree_list(KsSchedCache *c) {
  guint n = 0;
  for (guint idx = 0;; idx++) {
    gboolean any = FALSE;
    for (guint i = 0; i < c->zones->len; i++) {
      Zone *z = g_ptr_array_index(c->zones, i);
      if (idx < z->slots->len) {
        c->order[n++] = g_array_index(z->slots, guint, idx);
        any = TRUE;
      }
    }
    if (!any)
      break;
  }
  c->n_order = n;
}

/* ---- image states -------------------------------------------------------------- */

void ks_sched_normalize_image_name_into(GString *out, const char *image) {
  g_string_assign(out, image);
  const char *colon = strrchr(image, ':'), *slash = strrchr(image, '/');
  /* upstream: LastIndex(":") <= LastIndex("/"), both -1 when absent */
  if (!colon || (slash && colon < slash))
    g_string_append(out, ":latest");
}

char *ks_sched_normalize_image_name(const char *image) {
  GString *s = g_string_new(NULL);
  ks_sched_normalize_image_name_into(s, image);
  return g_string_free(s, FALSE);
}

static void image_ref(KsSchedCache *c, const char *name, gint64 size) {
  KsSchedImageState *st = g_hash_table_lookup(c->image_states, name);
  if (!st) {
    st = g_new0(KsSchedImageState, 1);
    st->size_bytes = size; /* the first reporter's, as upstream's cache */
    g_hash_table_insert(c->image_states, g_strdup(name), st);
  }
  st->num_nodes++;
}

static void image_unref(KsSchedCache *c, const char *name) {
  KsSchedImageState *st = g_hash_table_lookup(c->image_states, name);
  g_return_if_fail(st != NULL);
  if (--st->num_nodes == 0)
    g_hash_table_remove(c->image_states, name);
}

static void images_add(KsSchedCache *c, guint s, const KsNode *node) {
  if (!node->images || node->images->len == 0)
    return;
  GHashTable *mine = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  GString *buf = g_string_new(NULL);
  for (guint i = 0; i < node->images->len; i++) {
    const KsContainerImage *im = &g_array_index(node->images, KsContainerImage, i);
    for (char **n = im->names; n && *n; n++) {
      ks_sched_normalize_image_name_into(buf, *n);
      if (g_hash_table_contains(mine, buf->str))
        continue; /* a node counts once per name; first size wins */
      g_hash_table_insert(mine, g_strdup(buf->str), g_memdup2(&im->size_bytes, sizeof(gint64)));
      image_ref(c, buf->str, im->size_bytes);
    }
  }
  g_string_free(buf, TRUE);
  c->node_images[s] = mine;
}

static void images_remove(KsSchedCache *c, guint s) {
  GHashTable *mine = c->node_images[s];
  if (!mine)
    return;
  GHashTableIter it;
  gpointer k;
  g_hash_table_iter_init(&it, mine);
  while (g_hash_table_iter_next(&it, &k, NULL))
    image_unref(c, k);
  g_hash_table_destroy(mine);
  c->node_images[s] = NULL;
}

gboolean ks_sched_cache_image_state(const KsSchedCache *c, const char *normalized_name,
                                    gint64 *size_bytes, guint *num_nodes) {
  const KsSchedImageState *st = g_hash_table_lookup(c->image_states, normalized_name);
  if (!st)
    return FALSE;
  if (size_bytes)
    *size_bytes = st->size_bytes;
  if (num_nodes)
    *num_nodes = st->num_nodes;
  return TRUE;
}

gint64 ks_sched_cache_node_image_size(const KsSchedCache *c, guint slot,
                                      const char *normalized_name) {
  if (slot >= c->cap || !c->nodes[slot] || !c->node_images[slot])
    return -1;
  const gint64 *size = g_hash_table_lookup(c->node_images[slot], normalized_name);
  return size ? *size : -1;
}

guint ks_sched_cache_image_num_nodes(const KsSchedCache *c, const char *normalized_name) {
  const KsSchedImageState *st = g_hash_table_lookup(c->image_states, normalized_name);
  return st ? st->num_nodes : 0;
}

/* ---- pod (anti-)affinity lists ------------------------------------------------------- */

gboolean ks_sched_pod_has_affinity(const KsPod *pod) {
  const KsAffinity *a = pod->affinity;
  return a && (a->pod_affinity || a->pod_anti_affinity);
}

gboolean ks_sched_pod_has_required_anti_affinity(const KsPod *pod) {
  const KsAffinity *a = pod->affinity;
  return a && a->pod_anti_affinity && a->pod_anti_affinity->required &&
         a->pod_anti_affinity->required->len > 0;
}

/* Puts slot s into, or takes it out of, one cluster-wide list so that it is
 * there exactly when `want`. */
static void have_set(guint *list, guint *n, gint *pos, guint s, gboolean want) {
  if (want && pos[s] < 0) {
    pos[s] = (gint)*n;
    list[(*n)++] = s;
  } else if (!want && pos[s] >= 0) {
    guint last = list[--*n];
    list[pos[s]] = last;
    pos[last] = pos[s];
    pos[s] = -1;
  }
}

static void have_update(KsSchedCache *c, guint s) {
  gboolean live = c->nodes[s] != NULL;
  have_set(c->have_affinity, &c->n_have_affinity, c->have_aff_pos, s,
           live && c->pods_with_affinity[s]->len > 0);
  have_set(c->have_required_anti_affinity, &c->n_have_required_anti_affinity, c->have_anti_pos,
           s, live && c->pods_with_required_anti_affinity[s]->len > 0);
}

/* ---- namespaces ----------------------------------------------------------------------- */

void ks_sched_cache_set_namespace(KsSchedCache *c, const char *name, const KsLabels *labels) {
  KsLabels *l = g_new0(KsLabels, 1);
  if (labels)
    ks_labels_copy(l, labels);
  else
    ks_labels_init(l);
  g_hash_table_insert(c->namespaces, g_strdup(name), l);
  c->generation++;
}

gboolean ks_sched_cache_remove_namespace(KsSchedCache *c, const char *name) {
  gboolean had = g_hash_table_remove(c->namespaces, name);
  if (had)
    c->generation++;
  return had;
}

const KsLabels *ks_sched_cache_namespace_labels(const KsSchedCache *c, const char *name) {
  return g_hash_table_lookup(c->namespaces, name);
}

/* ---- GPUs ----------------------------------------------------------------------------- */

/* The request a cache entry places: count and milli (models were checked by
 * Filter; a bound pod is where it is). */
static KsGpuRequest gpu_entry_request(const KsSchedPodEntry *e) {
  KsGpuRequest r;
  memset(&r, 0, sizeof r);
  r.count = e->gpu_count;
  r.milli = e->gpu.milli;
  return r;
}

static void gpu_entry_init(KsSchedPodEntry *e, const KsPod *pod) {
  KsGpuRequest r;
  if (!ks_gpu_request_from_pod(pod, &r, NULL) || r.count == 0)
    return; /* no GPU (a malformed request is refused by GpuShare's PreFilter) */
  e->gpu_count = r.count;
  e->gpu.milli = r.milli;
  e->gpu.mask = r.pinned;
}

/* Chooses GPUs for an entry without an assignment on its slot, as the slot is now. */
static void gpu_place(KsSchedCache *c, KsSchedPodEntry *e, const KsGpuRequest *r,
                      KsGpuChooseFunc choose, gpointer data) {
  KsGpuNodeView v = ks_sched_cache_gpu_view(c, e->slot);
  KsGpuAssignment a;
  c->gpu_hook->placing = (gint)e->slot;
  gboolean ok = v.count > 0 && ks_gpu_choose(r, &v, choose, data, &a);
  c->gpu_hook->placing = -1;
  if (ok) {
    e->gpu = a;
    e->gpu_chosen = TRUE;
  }
}

static void gpu_attach(KsSchedCache *c, KsSchedPodEntry *e, KsGpuChooseFunc choose,
                       gpointer data) {
  if (e->gpu_count == 0)
    return;
  if (e->gpu.mask == 0) {
    KsGpuRequest r = gpu_entry_request(e);
    gpu_place(c, e, &r, choose, data);
  }
  if (c->gpu_used[e->slot])
    ks_gpu_used_add(c->gpu_used[e->slot], c->gpu_count[e->slot], &e->gpu);
}

static void gpu_detach(KsSchedCache *c, KsSchedPodEntry *e) {
  if (e->gpu_count > 0 && c->gpu_used[e->slot])
    ks_gpu_used_sub(c->gpu_used[e->slot], c->gpu_count[e->slot], &e->gpu);
}

/* At assume: the policy hook's choice when it was set for this pod (the
 * hook is consumed), else attach's best fit. A pinned pod keeps its GPUs. */
static void gpu_choose_for_assume(KsSchedCache *c, KsSchedPodEntry *e, guint slot) {
  KsSchedGpuHook *h = c->gpu_hook;
  gboolean mine = h->pod && h->pod == e->pod; /* by pointer: the hook may outlive its pod */
  KsGpuChooseFunc choose = mine ? h->choose : NULL;
  gpointer data = mine ? h->data : NULL;
  if (mine)
    h->pod = NULL;
  if (e->gpu_count == 0 || e->gpu.mask || !choose)
    return;
  KsGpuRequest r;
  if (!ks_gpu_request_from_pod(e->pod, &r, NULL))
    return;
  e->slot = slot;
  gpu_place(c, e, &r, choose, data);
}

static void gpu_clear_slot(KsSchedCache *c, guint s) {
  g_free(c->gpu_used[s]);
  c->gpu_used[s] = NULL;
  c->gpu_count[s] = 0;
  c->gpu_model[s] = 0;
}

/* Recounts slot s's GPU use from its pods: annotated (and still valid)
 * assignments first, then the cache's own choices again, in pod order. */
static void gpu_rebuild(KsSchedCache *c, guint s) {
  GPtrArray *pods = c->pods[s];
  for (guint i = 0; i < pods->len; i++) {
    KsSchedPodEntry *e = g_ptr_array_index(pods, i);
    if (e->gpu_chosen) {
      e->gpu.mask = 0;
      e->gpu_chosen = FALSE;
    }
    if (e->gpu_count > 0 && e->gpu.mask && c->gpu_used[s])
      ks_gpu_used_add(c->gpu_used[s], c->gpu_count[s], &e->gpu);
  }
  for (guint i = 0; i < pods->len; i++) {
    KsSchedPodEntry *e = g_ptr_array_index(pods, i);
    if (e->gpu_count > 0 && e->gpu.mask == 0)
      gpu_attach(c, e, NULL, NULL);
  }
}

static void gpu_set_node(KsSchedCache *c, guint s, const KsNode *node) {
  KsGpuNodeSpec spec = {0, 0};
  if (!ks_gpu_node_spec(node, &spec, NULL))
    spec.count = 0;
  c->gpu_model[s] = spec.model;
  if (spec.count == c->gpu_count[s] && (spec.count == 0) == (c->gpu_used[s] == NULL))
    return;
  g_free(c->gpu_used[s]);
  c->gpu_count[s] = spec.count;
  c->gpu_used[s] = spec.count ? g_new0(gint32, spec.count) : NULL;
  gpu_rebuild(c, s);
}

/* ---- nodes ---------------------------------------------------------------------- */

static void set_allocatable(KsSchedCache *c, guint s, const KsNode *n) {
  c->alloc_cpu[s] = n->allocatable.milli_cpu;
  c->alloc_mem[s] = n->allocatable.memory;
  c->alloc_eph[s] = n->allocatable.ephemeral_storage;
  c->alloc_pods[s] = n->allocatable.pods;
}

guint ks_sched_cache_set_node(KsSchedCache *c, KsNode *node) {
  gint existing = slot_of(c, node->name);
  guint s = existing >= 0 ? (guint)existing : slot_alloc(c, node->name);
  KsNode *old = c->nodes[s];
  ks_node_ref(node);
  if (old) {
    images_remove(c, s);
    char *ko = ks_sched_node_zone_key(old), *kn = ks_sched_node_zone_key(node);
    gboolean moved = strcmp(ko, kn) != 0;
    g_free(ko);
    g_free(kn);
    c->nodes[s] = node;
    if (moved) {
      tree_remove(c, s);
      tree_add(c, s);
      tree_list(c);
    }
    ks_node_unref(old);
  } else {
    c->nodes[s] = node;
    tree_add(c, s);
    tree_list(c);
  }
  set_allocatable(c, s, node);
  ks_sched_node_columns_set_node(&c->cols, s, node, c->requested);
  gpu_set_node(c, s, node);
  images_add(c, s, node);
  have_update(c, s);
  c->generation++;
  return s;
}

gboolean ks_sched_cache_remove_node(KsSchedCache *c, const char *name) {
  gint s = ks_sched_cache_node_slot(c, name);
  if (s < 0)
    return FALSE;
  tree_remove(c, (guint)s);
  tree_list(c);
  images_remove(c, (guint)s);
  ks_node_unref(c->nodes[s]);
  c->nodes[s] = NULL;
  gpu_clear_slot(c, (guint)s);
  ks_sched_node_columns_clear_node(&c->cols, (guint)s);
  have_update(c, (guint)s);
  c->alloc_cpu[s] = c->alloc_mem[s] = c->alloc_eph[s] = c->alloc_pods[s] = 0;
  slot_release_if_empty_ghost(c, (guint)s, name);
  c->generation++;
  return TRUE;
}

/* ---- pods --------------------------------------------------------------------------- */

static void account(KsSchedCache *c, KsSchedPodEntry *e, gint sign) {
  guint s = e->slot;
  c->req_cpu[s] += sign * e->req.milli_cpu;
  c->req_mem[s] += sign * e->req.memory;
  c->req_eph[s] += sign * e->req.ephemeral_storage;
  c->nz_cpu[s] += sign * e->nz_cpu;
  c->nz_mem[s] += sign * e->nz_mem;
  c->pod_count[s] += sign;
  if (sign > 0)
    ks_resource_list_add(&c->requested[s], &e->req);
  else
    ks_resource_list_sub(&c->requested[s], &e->req);
  ks_sched_node_columns_account(&c->cols, s, &e->req, sign);
}

/* Swap-removes the entry at pos from one of the per-slot affinity lists,
 * fixing the moved entry's index (anti: which index field the list uses). */
static void entry_list_remove(GPtrArray *a, gint pos, gboolean anti) {
  KsSchedPodEntry *last = g_ptr_array_index(a, a->len - 1);
  g_ptr_array_index(a, pos) = last;
  if (anti)
    last->anti_pos = pos;
  else
    last->aff_pos = pos;
  g_ptr_array_set_size(a, a->len - 1);
}

/* ---- label and term indexes (see cache.h) -------------------------------------------
 * Two-level tables key -> value -> bucket so that a lookup needs no joined
 * string. Label keys (few) are copied; values are borrowed from an element
 * of their bucket: a removal re-keys the bucket by a remaining element's
 * string, and drops it once empty, so no value key outlives its string.
 * Label buckets remove in O(1): each entry knows its index in the bucket of
 * each of its labels (label_pos); term buckets are scanned. */

static gpointer index_bucket(GHashTable *top, const char *key, const char *value,
                             GDestroyNotify free_bucket, gboolean create, gboolean terms) {
  GHashTable *inner = g_hash_table_lookup(top, key);
  if (!inner) {
    if (!create)
      return NULL;
    inner = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, free_bucket);
    g_hash_table_insert(top, g_strdup(key), inner);
  }
  gpointer b = g_hash_table_lookup(inner, value);
  if (!b && create) {
    b = terms ? (gpointer)g_array_new(FALSE, FALSE, sizeof(KsSchedTermRef))
              : (gpointer)g_ptr_array_new();
    g_hash_table_insert(inner, (gpointer)value, b);
  }
  return b;
}

/* After a removal from bucket b (keyed key/value): drop it when empty (and
 * the key's table with its last bucket), else re-key it by `keep`, a value
 * string of one of its remaining elements. */
static void index_after_remove(GHashTable *top, const char *key, const char *value, guint len,
                               const char *keep) {
  GHashTable *inner = g_hash_table_lookup(top, key);
  if (len > 0) {
    gpointer held_key, b;
    if (!g_hash_table_lookup_extended(inner, value, &held_key, &b) || held_key != value)
      return; /* keyed by a remaining element's string */
    g_hash_table_steal(inner, value);
    g_hash_table_insert(inner, (gpointer)keep, b);
    return;
  }
  g_hash_table_remove(inner, value);
  if (g_hash_table_size(inner) == 0)
    g_hash_table_remove(top, key);
}

static void free_ptr_bucket(gpointer b) { g_ptr_array_free(b, TRUE); }
static void free_term_bucket(gpointer b) { g_array_free(b, TRUE); }


/* Index of `key` in sorted labels l (present). */
static guint label_index_of(const KsLabels *l, const char *key) {
  guint lo = 0, hi = l->n;
  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;
    int cmp = strcmp(l->items[mid].key, key);
    if (cmp == 0)
      return mid;
    if (cmp < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  g_assert_not_reached();
}

static void label_index_update(KsSchedCache *c, KsSchedPodEntry *e, gboolean add) {
  const KsLabels *l = &e->pod->labels;
  if (add && l->n > 0)
    e->label_pos = g_renew(guint, e->label_pos, l->n);
  for (guint i = 0; i < l->n; i++) {
    const char *k = l->items[i].key, *v = l->items[i].value;
    GPtrArray *b = index_bucket(c->label_index, k, v, free_ptr_bucket, add, FALSE);
    if (add) {
      e->label_pos[i] = b->len;
      g_ptr_array_add(b, e);
      continue;
    }
    /* swap-remove: the last entry takes e's place */
    guint pos = e->label_pos[i];
    KsSchedPodEntry *last = g_ptr_array_index(b, b->len - 1);
    g_ptr_array_index(b, pos) = last;
    if (last != e)
      last->label_pos[label_index_of(&last->pod->labels, k)] = pos;
    g_ptr_array_set_size(b, b->len - 1);
    const char *keep =
        b->len ? ks_labels_get(&((const KsSchedPodEntry *)g_ptr_array_index(b, 0))->pod->labels, k)
               : NULL;
    index_after_remove(c->label_index, k, v, b->len, keep);
  }
}

static const KsLabel *first_match_label(const KsPodAffinityTerm *t) {
  const KsLabelSelector *s = t->label_selector;
  return s->match_labels.n > 0 ? &s->match_labels.items[0] : NULL;
}

/* Indexes or unindexes one term (see cache.h for which terms). */
static void term_index_update(KsSchedCache *c, const KsSchedPodEntry *e,
                              const KsPodAffinityTerm *t, gint32 weight, KsSchedTermKind kind,
                              gboolean add) {
  if (!t->label_selector || !ks_label_selector_is_valid(t->label_selector))
    return;
  const KsLabel *ml = first_match_label(t);
  GArray *b = ml ? index_bucket(c->term_index, ml->key, ml->value, free_term_bucket, add, TRUE)
                 : c->terms_general;
  if (add) {
    KsSchedTermRef r = {e, t, weight, kind};
    g_array_append_val(b, r);
    return;
  }
  for (guint i = 0; i < b->len; i++) {
    if (g_array_index(b, KsSchedTermRef, i).term == t) {
      g_array_remove_index_fast(b, i);
      break;
    }
  }
  if (ml)
    index_after_remove(c->term_index, ml->key, ml->value, b->len,
                       b->len ? first_match_label(g_array_index(b, KsSchedTermRef, 0).term)->value
                              : NULL);
}

static void terms_update(KsSchedCache *c, const KsSchedPodEntry *e, const KsPodAffinity *pa,
                         gboolean anti, gboolean add) {
  if (!pa)
    return;
  for (guint i = 0; pa->required && i < pa->required->len; i++)
    term_index_update(c, e, &g_array_index(pa->required, KsPodAffinityTerm, i), 0,
                      anti ? KS_SCHED_TERM_REQUIRED_ANTI_AFFINITY
                           : KS_SCHED_TERM_REQUIRED_AFFINITY,
                      add);
  for (guint i = 0; pa->preferred && i < pa->preferred->len; i++) {
    const KsWeightedPodAffinityTerm *w =
        &g_array_index(pa->preferred, KsWeightedPodAffinityTerm, i);
    term_index_update(c, e, &w->term, w->weight,
                      anti ? KS_SCHED_TERM_PREFERRED_ANTI_AFFINITY
                           : KS_SCHED_TERM_PREFERRED_AFFINITY,
                      add);
  }
}

static void index_update(KsSchedCache *c, KsSchedPodEntry *e, gboolean add) {
  label_index_update(c, e, add);
  const KsAffinity *a = e->pod->affinity;
  if (a) {
    terms_update(c, e, a->pod_affinity, FALSE, add);
    terms_update(c, e, a->pod_anti_affinity, TRUE, add);
  }
}

const GPtrArray *ks_sched_cache_pods_with_label(const KsSchedCache *c, const char *key,
                                                const char *value) {
  return index_bucket(c->label_index, key, value, NULL, FALSE, FALSE);
}

const GArray *ks_sched_cache_terms_with_label(const KsSchedCache *c, const char *key,
                                              const char *value) {
  return index_bucket(c->term_index, key, value, NULL, FALSE, TRUE);
}

const GArray *ks_sched_cache_terms_general(const KsSchedCache *c) { return c->terms_general; }

/* Counts one pod more (+1) or less (-1) at `priority`; the array stays
 * sorted and holds no zero counts, so its first element is the lowest
 * priority present. Few distinct priorities: a linear walk. */
static void prio_count(KsSchedCache *c, gint32 priority, gint delta) {
  GArray *a = c->prio_counts;
  guint i = 0;
  while (i < a->len && g_array_index(a, KsSchedPrioCount, i).priority < priority)
    i++;
  if (i == a->len || g_array_index(a, KsSchedPrioCount, i).priority != priority) {
    g_return_if_fail(delta > 0);
    KsSchedPrioCount pc = {priority, 0};
    g_array_insert_val(a, i, pc);
  }
  KsSchedPrioCount *pc = &g_array_index(a, KsSchedPrioCount, i);
  pc->count = (guint)((gint)pc->count + delta);
  if (pc->count == 0)
    g_array_remove_index(a, i);
}

gboolean ks_sched_cache_has_pod_below(const KsSchedCache *c, gint32 priority) {
  return c->prio_counts->len > 0 &&
         g_array_index(c->prio_counts, KsSchedPrioCount, 0).priority < priority;
}

static void attach(KsSchedCache *c, KsSchedPodEntry *e, guint slot) {
  e->slot = slot;
  e->pos = c->pods[slot]->len;
  g_ptr_array_add(c->pods[slot], e);
  account(c, e, +1);
  prio_count(c, e->pod->priority, +1);
  gpu_attach(c, e, NULL, NULL);
  if (ks_sched_pod_has_affinity(e->pod)) {
    e->aff_pos = (gint)c->pods_with_affinity[slot]->len;
    g_ptr_array_add(c->pods_with_affinity[slot], e);
  }
  if (ks_sched_pod_has_required_anti_affinity(e->pod)) {
    e->anti_pos = (gint)c->pods_with_required_anti_affinity[slot]->len;
    g_ptr_array_add(c->pods_with_required_anti_affinity[slot], e);
  }
  index_update(c, e, TRUE);
  have_update(c, slot);
}

static void detach(KsSchedCache *c, KsSchedPodEntry *e) {
  GPtrArray *a = c->pods[e->slot];
  KsSchedPodEntry *last = g_ptr_array_index(a, a->len - 1);
  g_ptr_array_index(a, e->pos) = last;
  last->pos = e->pos;
  g_ptr_array_set_size(a, a->len - 1);
  account(c, e, -1);
  prio_count(c, e->pod->priority, -1);
  gpu_detach(c, e);
  if (e->aff_pos >= 0) {
    entry_list_remove(c->pods_with_affinity[e->slot], e->aff_pos, FALSE);
    e->aff_pos = -1;
  }
  if (e->anti_pos >= 0) {
    entry_list_remove(c->pods_with_required_anti_affinity[e->slot], e->anti_pos, TRUE);
    e->anti_pos = -1;
  }
  index_update(c, e, FALSE);
  have_update(c, e->slot);
}

static const char *slot_name(const KsSchedCache *c, guint slot) {
  GHashTableIter it;
  gpointer k, v;
  if (c->nodes[slot])
    return c->nodes[slot]->name;
  g_hash_table_iter_init(&it, c->by_name); /* ghosts only: rare */
  while (g_hash_table_iter_next(&it, &k, &v))
    if (GPOINTER_TO_UINT(v) == slot + 1)
      return k;
  return NULL;
}

static void entry_remove(KsSchedCache *c, KsSchedPodEntry *e) {
  guint slot = e->slot;
  detach(c, e);
  if (!c->nodes[slot]) {
    char *name = g_strdup(slot_name(c, slot));
    slot_release_if_empty_ghost(c, slot, name);
    g_free(name);
  }
  g_hash_table_remove(c->entries, e->pod); /* frees e */
  c->generation++;
}

static KsSchedPodEntry *entry_new(KsPod *pod) {
  KsSchedPodEntry *e = g_new0(KsSchedPodEntry, 1);
  e->pod = ks_pod_ref(pod);
  e->aff_pos = e->anti_pos = -1;
  e->ns = g_intern_string(pod->namespace);
  ks_pod_compute_requests(pod, &e->req);
  ks_pod_compute_nonzero_requests(pod, &e->nz_cpu, &e->nz_mem);
  gpu_entry_init(e, pod);
  return e;
}

/* A GPU pod confirmed with a new object (the bound copy carrying its
 * gpu-index): the entry takes the new object, in place on its slot, so that
 * a later remove and re-add of e->pod (preemption's save/restore) reads the
 * same GPUs back. The GPUs are the annotation's, else the entry's own when
 * the request is unchanged. Other pods keep their first object (and their
 * place in pods[slot]), as before. */
static void entry_set_pod(KsSchedCache *c, KsSchedPodEntry *e, KsPod *pod) {
  guint slot = e->slot, count = e->gpu_count;
  KsGpuAssignment had = e->gpu;
  gboolean chosen = e->gpu_chosen;
  detach(c, e);
  g_hash_table_steal(c->entries, e->pod);
  ks_resource_list_clear(&e->req);
  ks_pod_unref(e->pod);
  e->pod = ks_pod_ref(pod);
  e->ns = g_intern_string(pod->namespace);
  ks_pod_compute_requests(pod, &e->req);
  ks_pod_compute_nonzero_requests(pod, &e->nz_cpu, &e->nz_mem);
  e->gpu_count = 0;
  e->gpu = (KsGpuAssignment){0, 0};
  e->gpu_chosen = FALSE;
  gpu_entry_init(e, pod);
  if (!e->gpu.mask && e->gpu_count == count && e->gpu.milli == had.milli) {
    e->gpu = had;
    e->gpu_chosen = chosen;
  }
  g_hash_table_insert(c->entries, e->pod, e);
  attach(c, e, slot);
}

void ks_sched_cache_add_pod(KsSchedCache *c, KsPod *pod, const char *node) {
  KsSchedPodEntry *e = g_hash_table_lookup(c->entries, pod);
  if (e && e->pod != pod &&
      (e->gpu_count > 0 || ks_labels_get(&pod->annotations, KS_GPU_KEY_INDEX)))
    entry_set_pod(c, e, pod);
  gint s = slot_of(c, node);
  guint slot = s >= 0 ? (guint)s : slot_alloc(c, node);
  if (e) {
    e->assumed = FALSE;
    KsGpuAssignment ann = ks_gpu_pod_assignment(pod);
    gboolean gpu_moved = ann.mask && (ann.mask != e->gpu.mask || ann.milli != e->gpu.milli);
    if (e->slot != slot || gpu_moved) {
      guint old = e->slot;
      detach(c, e);
      if (gpu_moved) {
        e->gpu = ann;
        e->gpu_chosen = FALSE;
      } else if (e->gpu_chosen) {
        e->gpu.mask = 0; /* chosen for the old node: choose again */
      }
      attach(c, e, slot);
      if (!c->nodes[old]) {
        char *name = g_strdup(slot_name(c, old));
        slot_release_if_empty_ghost(c, old, name);
        g_free(name);
      }
    }
    c->generation++;
    return;
  }
  e = entry_new(pod);
  g_hash_table_insert(c->entries, e->pod, e);
  attach(c, e, slot);
  c->generation++;
}

gboolean ks_sched_cache_remove_pod(KsSchedCache *c, const KsPod *pod) {
  KsSchedPodEntry *e = g_hash_table_lookup(c->entries, pod);
  if (!e)
    return FALSE;
  entry_remove(c, e);
  return TRUE;
}

void ks_sched_cache_assume_pod(KsSchedCache *c, KsPod *pod, guint slot) {
  g_return_if_fail(slot < c->cap && c->nodes[slot]);
  g_return_if_fail(!g_hash_table_contains(c->entries, pod));
  KsSchedPodEntry *e = entry_new(pod);
  e->assumed = TRUE;
  g_hash_table_insert(c->entries, e->pod, e);
  gpu_choose_for_assume(c, e, slot);
  attach(c, e, slot);
  c->generation++;
}

void ks_sched_cache_forget_pod(KsSchedCache *c, const KsPod *pod) {
  KsSchedPodEntry *e = g_hash_table_lookup(c->entries, pod);
  if (e && e->assumed)
    entry_remove(c, e);
}

void ks_sched_cache_finish_binding(KsSchedCache *c, const KsPod *pod) {
  KsSchedPodEntry *e = g_hash_table_lookup(c->entries, pod);
  if (e)
    e->assumed = FALSE;
}

const KsSchedPodEntry *ks_sched_cache_pod(const KsSchedCache *c, const KsPod *pod) {
  return g_hash_table_lookup(c->entries, pod);
}

KsGpuAssignment ks_sched_cache_pod_gpus(const KsSchedCache *c, const KsPod *pod) {
  const KsSchedPodEntry *e = g_hash_table_lookup(c->entries, pod);
  KsGpuAssignment none = {0, 0};
  return e ? e->gpu : none;
}

gint ks_sched_cache_gpu_slot_of_view(const KsSchedCache *c, const KsGpuNodeView *v) {
  gint p = c->gpu_hook->placing;
  if (!v->used)
    return -1;
  if (p >= 0 && c->gpu_used[p] == v->used)
    return p;
  for (guint k = 0; k < c->n_order; k++)
    if (c->gpu_used[c->order[k]] == v->used)
      return (gint)c->order[k];
  return -1;
}
