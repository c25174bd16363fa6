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

/* A pod the cache accounts for. */
typedef struct {
  KsPod *pod;          /* a reference */
  guint slot;          /* node slot */
  guint pos;           /* index in pods[slot] */
  gboolean assumed;    /* assumed by the scheduler, binding not yet confirmed */
  KsResourceList req;  /* ks_pod_compute_requests, kept for an exact removal */
  gint64 nz_cpu, nz_mem;
} KsSchedPodEntry;

struct KsSchedCache {
  guint cap;             /* slots allocated */
  KsNode **nodes;        /* per slot: a reference; NULL for free and ghost slots */
  gint64 *alloc_cpu, *alloc_mem, *alloc_eph, *alloc_pods;
  gint64 *req_cpu, *req_mem, *req_eph; /* sum of pod requests */
  gint64 *nz_cpu, *nz_mem;             /* sum of non-zero requests (scoring) */
  gint32 *pod_count;
  KsResourceList *requested; /* per slot: full sum; plugins read its scalars */
  GPtrArray **pods;          /* per slot: KsSchedPodEntry* (borrowed) */
  guint *order;              /* node tree order: live slots */
  guint n_order;
  guint64 generation;        /* bumped by every change */
  /* private to cache.c */
  GHashTable *by_name;   /* node name (owned) -> slot + 1 */
  GHashTable *entries;   /* KsPod* keyed by namespace/name -> KsSchedPodEntry* (owned) */
  GArray *free_slots;    /* of guint */
  GPtrArray *zones;      /* node tree: zone records in order of first appearance */
  gboolean *live;        /* per slot: in the node tree */
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

/* Zone key of a node as upstream utilnode.GetZoneKey: "" or
 * "<region>:\x00:<zone>". transfer full */
char *ks_sched_node_zone_key(const KsNode *node);
