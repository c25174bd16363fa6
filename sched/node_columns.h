/* The node facts every Filter reads, as dense columns indexed by cache slot,
 * so a node that is rejected costs a few reads of hot arrays rather than
 * pointer chasing into its KsNode (part of KsSchedCache; only cache.c
 * writes them, through the functions below).
 *
 *  - unschedulable[s]: spec.unschedulable of the live node (0 for free and
 *    ghost slots).
 *  - taint_set[s]: the node's taints as an id into a table of distinct taint
 *    lists (0: no taints). Nodes of one pool share one list, so Filter reads
 *    a list that stays in cache instead of every node's own. A set keeps
 *    key, value and effect, in the node's order; time_added is 0 there (it
 *    plays no part in scheduling; read the node for it).
 *  - scalars[i]: one column per extended / scalar resource some node has
 *    allocatable of: alloc[s] (the node's allocatable) and req[s] (the sum
 *    of the requests of the slot's pods, ghosts included). A resource no
 *    node offers has no column: every node's allocatable of it is 0.
 */
#pragma once
#include <glib.h>
#include "sched/node.h"
#include "sched/resources.h"

typedef struct {
  GArray *taints; /* of KsTaint (owned) */
  guint refs;     /* slots using it */
  guint hash;
  guint32 id;     /* its index in KsSchedNodeColumns.sets */
} KsSchedTaintSet;

typedef struct {
  GQuark name;
  gint64 *alloc; /* per slot */
  gint64 *req;   /* per slot */
} KsSchedScalarColumn;

typedef struct {
  guint cap;
  guint8 *unschedulable;
  guint32 *taint_set;
  GPtrArray *sets;        /* id -> KsSchedTaintSet* (owned); id 0 is NULL */
  GArray *free_set_ids;   /* of guint32 */
  GHashTable *set_index;  /* KsSchedTaintSet* (borrowed) -> itself, by content */
  KsSchedScalarColumn *scalars;
  guint n_scalars;
} KsSchedNodeColumns;

void ks_sched_node_columns_init(KsSchedNodeColumns *nc);
void ks_sched_node_columns_clear(KsSchedNodeColumns *nc);
/* Slots [old cap, cap) start empty. */
void ks_sched_node_columns_grow(KsSchedNodeColumns *nc, guint cap);
/* The live node on slot s changed (or arrived). requested_by_slot: the
 * cache's per-slot request sums [0, cap), to fill a column the node brings. */
void ks_sched_node_columns_set_node(KsSchedNodeColumns *nc, guint s, const KsNode *node,
                                    const KsResourceList *requested_by_slot);
/* The node left slot s (its pods may stay, as a ghost): no allocatable, no
 * taints, not unschedulable. */
void ks_sched_node_columns_clear_node(KsSchedNodeColumns *nc, guint s);
/* A pod's requests added to (sign +1) or taken from (-1) slot s. */
void ks_sched_node_columns_account(KsSchedNodeColumns *nc, guint s, const KsResourceList *req,
                                   gint sign);
/* Slot s was freed: its requested sums are zero again. */
void ks_sched_node_columns_reset_slot(KsSchedNodeColumns *nc, guint s);

/* The column of scalar resource q, or NULL when no node offers it. */
static inline const KsSchedScalarColumn *ks_sched_node_columns_scalar(const KsSchedNodeColumns *nc,
                                                                      GQuark q) {
  for (guint i = 0; i < nc->n_scalars; i++)
    if (nc->scalars[i].name == q)
      return &nc->scalars[i];
  return NULL;
}

/* The taints of slot s (of KsTaint, time_added 0), or NULL when it has none. */
static inline const GArray *ks_sched_node_columns_taints(const KsSchedNodeColumns *nc, guint s) {
  guint32 id = nc->taint_set[s];
  return id ? ((const KsSchedTaintSet *)g_ptr_array_index(nc->sets, id))->taints : NULL;
}
