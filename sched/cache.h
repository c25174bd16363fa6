/* The scheduler cache: what every node offers and what its pods take, kept
 * as structure-of-arrays indexed by a node "slot" so the filter and score
 * loops read a few contiguous int64 arrays (kube-semantics 2.3, NodeInfo).
 *
 * Plugins read the public arrays directly; only cache.c writes them.
 * Slots are stable for a node's lifetime (a free list reuses them); the
 * search order is `order[0..n_order)`, the zone round-robin node tree list
 * (kube-semantics 1.3). A removed node whose pods are still known keeps its
 * slot as a "ghost" (nodes[slot] == NULL, not in `order`), as upstream keeps
 * a NodeInfo without a Node until its pods are gone.
 */
#pragma once
#include <glib.h>
#include "sched/objects.h"
#include "sched/gpu.h"
#include "sched/node_columns.h"

/* A pod the cache accounts for. */
typedef struct {
  KsPod *pod;          /* a reference */
  guint slot;          /* node slot */
  guint pos;           /* index in pods[slot] */
  gboolean assumed;    /* assumed by the scheduler, binding not yet confirmed */
  KsResourceList req;  /* ks_pod_compute_requests, kept for an exact removal */
  gint64 nz_cpu, nz_mem;
  gint aff_pos;        /* index in pods_with_affinity[slot], -1 if not there */
  gint anti_pos;       /* index in pods_with_required_anti_affinity[slot], -1 if not there */
  guint *label_pos;    /* per pod label: index in its label_index bucket (cache.c) */
  const char *ns;      /* g_intern_string(pod->namespace): compare namespaces by pointer */
  /* GPUs (sched/gpu.h): what the pod asked for, and the GPUs it holds on
   * its slot. The assignment comes from the pod's gpu-index annotation
   * when it has one, else it was chosen by the cache (gpu_chosen): at
   * assume by the policy hook or best fit, at add for a bound pod without
   * annotation by best fit. mask 0 with gpu_count > 0: nothing fitted
   * (the node is unknown yet or full); it holds no GPU. */
  guint gpu_count;
  KsGpuAssignment gpu;
  gboolean gpu_chosen;
} KsSchedPodEntry;

/* The GPU policy hook (ks_gpu_set_chooser): scratch for the next assume of `pod`. */
typedef struct {
  const KsPod *pod;       /* the pod the chooser is for; NULL = none */
  KsGpuChooseFunc choose;
  gpointer data;
  gint placing;           /* during a chooser call: the slot it chooses on; else -1 */
} KsSchedGpuHook;

/* Pods per priority (KsSchedCache.prio_counts). */
typedef struct {
  gint32 priority;
  guint count;
} KsSchedPrioCount;

struct KsSchedCache {
  guint cap;             /* slots allocated */
  KsNode **nodes;        /* per slot: a reference; NULL for free and ghost slots */
  gint64 *alloc_cpu, *alloc_mem, *alloc_eph, *alloc_pods;
  gint64 *req_cpu, *req_mem, *req_eph; /* sum of pod requests */
  gint64 *nz_cpu, *nz_mem;             /* sum of non-zero requests (scoring) */
  gint32 *pod_count;
  KsResourceList *requested; /* per slot: full sum */
  KsSchedNodeColumns cols;   /* unschedulable, taints and scalars as dense columns: read
                                these in Filter rather than nodes[slot] */
  GPtrArray **pods;          /* per slot: KsSchedPodEntry* (borrowed) */
  guint *order;              /* node tree order: live slots */
  guint n_order;
  guint64 generation;        /* bumped by every change */
  /* GPUs per slot (sched/gpu.h; live slots only, ghosts have 0): count,
   * card model, and per GPU the milli used by the slot's pods
   * (gpu_used[slot][0..gpu_count[slot]), NULL when the node has none).
   * Read through ks_sched_cache_gpu_view. */
  guint *gpu_count;
  GQuark *gpu_model;
  gint32 **gpu_used;
  KsSchedGpuHook *gpu_hook;  /* written through const pointers by ks_gpu_set_chooser */
  /* Pod (anti-)affinity bookkeeping, as upstream NodeInfo.PodsWithAffinity /
   * PodsWithRequiredAntiAffinity and the snapshot's
   * HavePodsWithAffinityNodeInfoList / HavePodsWithRequiredAntiAffinityNodeInfoList.
   * Per slot (live or ghost): the pods whose spec has podAffinity or
   * podAntiAffinity set / has required anti-affinity terms (borrowed
   * entries; order unspecified, swap-removed in O(1)).
   * Cluster-wide: the LIVE slots (nodes[slot] != NULL) having at least one
   * such pod, in unspecified (but deterministic) order; ghost slots are left
   * out, as upstream lists only nodes of the node tree. */
  GPtrArray **pods_with_affinity;
  GPtrArray **pods_with_required_anti_affinity;
  guint *have_affinity;                 /* [0, n_have_affinity) */
  guint n_have_affinity;
  guint *have_required_anti_affinity;   /* [0, n_have_required_anti_affinity) */
  guint n_have_required_anti_affinity;
  /* PVs, PVCs, StorageClasses and the assume cache the volume plugins read
   * (sched/volume_lister.h): owned by the cache, filled by the host. */
  struct KsSchedVolumeLister *volumes;
  /* Services, RCs, ReplicaSets, StatefulSets by their selectors, for
   * PodTopologySpread's default selector (sched/spread_lister.h): owned by
   * the cache, filled by the host. */
  struct KsSchedSpreadLister *spread;
  /* private to cache.c */
  GHashTable *by_name;   /* node name (owned) -> slot + 1 */
  GHashTable *entries;   /* KsPod* keyed by namespace/name -> KsSchedPodEntry* (owned) */
  GArray *free_slots;    /* of guint */
  GPtrArray *zones;      /* node tree: zone records in order of first appearance */
  gboolean *live;        /* per slot: in the node tree */
  gint *have_aff_pos;    /* per slot: index in have_affinity, -1 */
  gint *have_anti_pos;   /* per slot: index in have_required_anti_affinity, -1 */
  GHashTable **node_images;  /* per slot: normalized name (owned) -> gint64* size; NULL if none */
  GHashTable *image_states;  /* normalized name (owned) -> KsSchedImageState* (owned) */
  GHashTable *namespaces;    /* name (owned) -> KsLabels* (owned) */
  GHashTable *label_index;   /* label key (borrowed) -> value (borrowed) -> GPtrArray of entries */
  GHashTable *term_index;    /* label key -> value -> GArray of KsSchedTermRef */
  GArray *terms_general;     /* KsSchedTermRef whose selector has no matchLabels */
  GArray *prio_counts;       /* KsSchedPrioCount ascending by priority: every pod accounted */
};
typedef struct KsSchedCache KsSchedCache;

KsSchedCache *ks_sched_cache_new(void); /* transfer full */
void ks_sched_cache_free(KsSchedCache *c);

/* Add or replace a node (takes a ref). Returns its slot. */
guint ks_sched_cache_set_node(KsSchedCache *c, KsNode *node);
/* Removes the node; its pods stay accounted on a ghost slot. FALSE if unknown. */
gboolean ks_sched_cache_remove_node(KsSchedCache *c, const char *name);
/* Slot of live node `name`, or -1. */
gint ks_sched_cache_node_slot(const KsSchedCache *c, const char *name);
/* Number of live nodes. */
static inline guint ks_sched_cache_n_nodes(const KsSchedCache *c) { return c->n_order; }

/* A bound pod (takes a ref). A pod already assumed is confirmed (and moved if
 * the node differs). A node not yet known gets a ghost slot. */
void ks_sched_cache_add_pod(KsSchedCache *c, KsPod *pod, const char *node);
/* Removes the pod, whatever its state. FALSE if unknown. */
gboolean ks_sched_cache_remove_pod(KsSchedCache *c, const KsPod *pod);
/* Assume pod on live node `slot` (takes a ref). */
void ks_sched_cache_assume_pod(KsSchedCache *c, KsPod *pod, guint slot);
/* Binding failed: drop the assumed pod. */
void ks_sched_cache_forget_pod(KsSchedCache *c, const KsPod *pod);
/* Binding succeeded. */
void ks_sched_cache_finish_binding(KsSchedCache *c, const KsPod *pod);
/* The entry of a known pod, or NULL. */
const KsSchedPodEntry *ks_sched_cache_pod(const KsSchedCache *c, const KsPod *pod);
/* TRUE when some pod the cache accounts for (on any slot, ghosts included)
 * has a priority below `priority`. O(1): DefaultPreemption asks it before
 * scanning a node's pods for victims, so that a cluster where nobody can be
 * preempted costs no pointer chasing per node. */
gboolean ks_sched_cache_has_pod_below(const KsSchedCache *c, gint32 priority);

/* Zone key of a node as upstream utilnode.GetZoneKey: "" or
 * "<region>:\x00:<zone>". transfer full */
char *ks_sched_node_zone_key(const KsNode *node);

/* ---- additions: image states (upstream NodeInfo.ImageStates) ------------------
 * Node images come from node.status.images[*].names; every name is
 * normalized (below) before it is stored (upstream stores node names as
 * reported; kubelet always reports a tag or digest, which normalization
 * leaves alone), and every name of an entry maps to that entry's size (a
 * name listed twice on one node keeps its first size). Only live nodes
 * count; states follow node set, replace and remove incrementally. */
typedef struct {
  gint64 size_bytes; /* size reported by the node that first reported it (upstream cache) */
  guint num_nodes;   /* live nodes reporting it */
} KsSchedImageState;

/* kube-semantics 3.10: append ":latest" when the last ':' is not after the
 * last '/' (no tag); digests ("name@sha256:...") are left alone. transfer full */
char *ks_sched_normalize_image_name(const char *image);
/* The same into `out` (replacing its contents), for callers that reuse a
 * buffer to stay allocation-free. */
void ks_sched_normalize_image_name_into(GString *out, const char *image);
/* The cluster-wide state of an image; FALSE (outputs untouched) when no live
 * node reports it. Either output may be NULL. */
gboolean ks_sched_cache_image_state(const KsSchedCache *c, const char *normalized_name,
                                    gint64 *size_bytes, guint *num_nodes);
/* Size of the image as node `slot` reports it, or -1 if the node does not
 * report it (or the slot is not a live node). O(1). */
gint64 ks_sched_cache_node_image_size(const KsSchedCache *c, guint slot,
                                      const char *normalized_name);
/* Number of live nodes reporting the image (0 if none). O(1). */
guint ks_sched_cache_image_num_nodes(const KsSchedCache *c, const char *normalized_name);

/* ---- additions: namespaces (labels for namespaceSelector) ------------------- */

/* Adds or replaces namespace `name` with a copy of `labels` (NULL = none). */
void ks_sched_cache_set_namespace(KsSchedCache *c, const char *name, const KsLabels *labels);
/* FALSE if unknown. */
gboolean ks_sched_cache_remove_namespace(KsSchedCache *c, const char *name);
/* The labels of namespace `name` (borrowed, valid until it changes), or NULL if unknown. */
const KsLabels *ks_sched_cache_namespace_labels(const KsSchedCache *c, const char *name);

/* ---- additions: pod (anti-)affinity lists (see the struct) ------------------- */

/* upstream podWithAffinity: affinity set with podAffinity or podAntiAffinity. */
gboolean ks_sched_pod_has_affinity(const KsPod *pod);
/* upstream podWithRequiredAntiAffinity: at least one required anti-affinity term. */
gboolean ks_sched_pod_has_required_anti_affinity(const KsPod *pod);

/* ---- additions: label and term indexes (speed of InterPodAffinity) ---------
 * Two indexes over every pod the cache holds (live and ghost slots; callers
 * skip ghost slots, nodes[slot] == NULL), kept in step with pod add, remove,
 * assume and forget. Both are candidate filters only: callers still match
 * each candidate fully, so no decision depends on them.
 *  - pods by label: the entries of pods having label key=value;
 *  - pod (anti-)affinity terms by selector: every term (required and
 *    preferred, affinity and anti-affinity) of a pod with a non-nil, valid
 *    label selector is listed under its selector's FIRST matchLabels pair
 *    (a pod it selects must carry that label), or in the general list when
 *    the selector has no matchLabels (empty, or expressions only). Terms
 *    with a nil or invalid selector select nothing and are not listed.
 * Lists are in unspecified order; sums over them must not depend on it. */
typedef enum {
  KS_SCHED_TERM_REQUIRED_AFFINITY,
  KS_SCHED_TERM_REQUIRED_ANTI_AFFINITY,
  KS_SCHED_TERM_PREFERRED_AFFINITY,
  KS_SCHED_TERM_PREFERRED_ANTI_AFFINITY,
} KsSchedTermKind;

typedef struct {
  const KsSchedPodEntry *entry;  /* the pod owning the term */
  const KsPodAffinityTerm *term; /* borrowed from entry->pod */
  gint32 weight;                 /* preferred terms' weight; 0 for required ones */
  KsSchedTermKind kind;
} KsSchedTermRef;

/* Entries of pods with label key=value (borrowed), or NULL when none. */
const GPtrArray *ks_sched_cache_pods_with_label(const KsSchedCache *c, const char *key,
                                                const char *value);
/* Terms whose selector's first matchLabels pair is key=value, or NULL. */
const GArray *ks_sched_cache_terms_with_label(const KsSchedCache *c, const char *key,
                                              const char *value);
/* Terms whose selector has no matchLabels (never NULL). */
const GArray *ks_sched_cache_terms_general(const KsSchedCache *c);

/* ---- additions: GPUs (sched/gpu.h, docs/gpu-sharing.md) ---------------------
 * Per node slot the GPU count, model and per-GPU used milli, updated
 * incrementally with the pods (attach/detach: O(GPUs of the node)). A node
 * whose GPU declaration is malformed counts as having no GPU (the manifest
 * loader and importers validate it first). */

/* Node `slot`'s GPUs as they are now (count 0 for a node without GPUs or a
 * ghost slot). O(1), no allocation. */
static inline KsGpuNodeView ks_sched_cache_gpu_view(const KsSchedCache *c, guint slot) {
  KsGpuNodeView v = {c->gpu_count[slot], c->gpu_model[slot], c->gpu_used[slot]};
  return v;
}
/* The slot whose GPUs `v` views, or -1: O(1) for the view a chooser is
 * given while the cache places a pod (the common use: a policy's chooser
 * needs the node's other resources), else a scan of the live slots. */
gint ks_sched_cache_gpu_slot_of_view(const KsSchedCache *c, const KsGpuNodeView *v);
/* The GPUs a known pod holds (mask 0 when none), or mask 0 for an unknown pod. */
KsGpuAssignment ks_sched_cache_pod_gpus(const KsSchedCache *c, const KsPod *pod);
