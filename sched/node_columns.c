/* Dense per-slot node columns for Filter (node_columns.h). */
#include "sched/node_columns.h"

#include <string.h>

static guint str_hash0(const char *s) { return s ? g_str_hash(s) : 0; }

static gboolean str_equal0(const char *a, const char *b) {
  return g_strcmp0(a ? a : "", b ? b : "") == 0;
}

static guint taints_hash(const GArray *taints) {
  guint h = taints->len;
  for (guint i = 0; i < taints->len; i++) {
    const KsTaint *t = &g_array_index(taints, KsTaint, i);
    h = h * 31u + str_hash0(t->key);
    h = h * 31u + str_hash0(t->value && *t->value ? t->value : NULL);
    h = h * 31u + (guint)t->effect;
  }
  return h;
}

static gboolean taints_equal(const GArray *a, const GArray *b) {
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++) {
    const KsTaint *x = &g_array_index(a, KsTaint, i), *y = &g_array_index(b, KsTaint, i);
    if (x->effect != y->effect || !str_equal0(x->key, y->key) || !str_equal0(x->value, y->value))
      return FALSE;
  }
  return TRUE;
}

static guint set_hash(gconstpointer p) { return ((const KsSchedTaintSet *)p)->hash; }

static gboolean set_equal(gconstpointer a, gconstpointer b) {
  const KsSchedTaintSet *x = a, *y = b;
  return x->hash == y->hash && taints_equal(x->taints, y->taints);
}

static void set_free(gpointer p) {
  KsSchedTaintSet *set = p;
  if (!set)
    return;
  g_array_unref(set->taints);
  g_free(set);
}

void ks_sched_node_columns_init(KsSchedNodeColumns *nc) {
  memset(nc, 0, sizeof *nc);
  nc->sets = g_ptr_array_new_with_free_func(set_free);
  g_ptr_array_add(nc->sets, NULL); /* id 0: no taints */
  nc->free_set_ids = g_array_new(FALSE, FALSE, sizeof(guint32));
  nc->set_index = g_hash_table_new(set_hash, set_equal);
}

void ks_sched_node_columns_clear(KsSchedNodeColumns *nc) {
  g_hash_table_destroy(nc->set_index);
  g_ptr_array_free(nc->sets, TRUE);
  g_array_free(nc->free_set_ids, TRUE);
  for (guint i = 0; i < nc->n_scalars; i++) {
    g_free(nc->scalars[i].alloc);
    g_free(nc->scalars[i].req);
  }
  g_free(nc->scalars);
  g_free(nc->unschedulable);
  g_free(nc->taint_set);
  memset(nc, 0, sizeof *nc);
}

void ks_sched_node_columns_grow(KsSchedNodeColumns *nc, guint cap) {
  g_return_if_fail(cap >= nc->cap);
  nc->unschedulable = g_renew(guint8, nc->unschedulable, cap);
  nc->taint_set = g_renew(guint32, nc->taint_set, cap);
  memset(nc->unschedulable + nc->cap, 0, (cap - nc->cap) * sizeof *nc->unschedulable);
  memset(nc->taint_set + nc->cap, 0, (cap - nc->cap) * sizeof *nc->taint_set);
  for (guint i = 0; i < nc->n_scalars; i++) {
    KsSchedScalarColumn *col = &nc->scalars[i];
    col->alloc = g_renew(gint64, col->alloc, cap);
    col->req = g_renew(gint64, col->req, cap);
    memset(col->alloc + nc->cap, 0, (cap - nc->cap) * sizeof(gint64));
    memset(col->req + nc->cap, 0, (cap - nc->cap) * sizeof(gint64));
  }
  nc->cap = cap;
}

/* ---- taint sets ---------------------------------------------------------------- */

static void set_release(KsSchedNodeColumns *nc, guint32 id) {
  if (!id)
    return;
  KsSchedTaintSet *set = g_ptr_array_index(nc->sets, id);
  if (--set->refs > 0)
    return;
  g_hash_table_remove(nc->set_index, set);
  set_free(set);
  g_ptr_array_index(nc->sets, id) = NULL;
  g_array_append_val(nc->free_set_ids, id);
}

static guint32 set_acquire(KsSchedNodeColumns *nc, const GArray *taints) {
  if (!taints || taints->len == 0)
    return 0;
  KsSchedTaintSet probe = {(GArray *)taints, 0, taints_hash(taints), 0};
  KsSchedTaintSet *set = g_hash_table_lookup(nc->set_index, &probe);
  if (set) {
    set->refs++;
    return set->id;
  }
  set = g_new0(KsSchedTaintSet, 1);
  set->taints = ks_taint_array_copy(taints);
  for (guint i = 0; i < set->taints->len; i++)
    g_array_index(set->taints, KsTaint, i).time_added_us = 0;
  set->hash = probe.hash;
  set->refs = 1;
  guint32 id;
  if (nc->free_set_ids->len > 0) {
    id = g_array_index(nc->free_set_ids, guint32, nc->free_set_ids->len - 1);
    g_array_set_size(nc->free_set_ids, nc->free_set_ids->len - 1);
    g_ptr_array_index(nc->sets, id) = set;
  } else {
    id = nc->sets->len;
    g_ptr_array_add(nc->sets, set);
  }
  set->id = id;
  g_hash_table_add(nc->set_index, set);
  return id;
}

/* ---- scalar columns ------------------------------------------------------------- */

static KsSchedScalarColumn *scalar_column(KsSchedNodeColumns *nc, GQuark q) {
  return (KsSchedScalarColumn *)ks_sched_node_columns_scalar(nc, q);
}

/* A column for q, its requested sums filled from the slots' sums. */
static KsSchedScalarColumn *scalar_column_add(KsSchedNodeColumns *nc, GQuark q,
                                              const KsResourceList *requested_by_slot) {
  nc->scalars = g_renew(KsSchedScalarColumn, nc->scalars, nc->n_scalars + 1);
  KsSchedScalarColumn *col = &nc->scalars[nc->n_scalars++];
  col->name = q;
  col->alloc = g_new0(gint64, nc->cap);
  col->req = g_new0(gint64, nc->cap);
  for (guint i = 0; i < nc->cap; i++)
    col->req[i] = ks_resource_list_get(&requested_by_slot[i], g_quark_to_string(q));
  return col;
}

void ks_sched_node_columns_set_node(KsSchedNodeColumns *nc, guint s, const KsNode *node,
                                    const KsResourceList *requested_by_slot) {
  g_return_if_fail(s < nc->cap);
  nc->unschedulable[s] = node->unschedulable ? 1 : 0;
  guint32 old = nc->taint_set[s];
  nc->taint_set[s] = set_acquire(nc, node->taints);
  set_release(nc, old);
  for (guint i = 0; i < nc->n_scalars; i++)
    nc->scalars[i].alloc[s] = 0;
  const GArray *scalars = node->allocatable.scalars;
  for (guint i = 0; scalars && i < scalars->len; i++) {
    const KsScalarResource *r = &g_array_index(scalars, KsScalarResource, i);
    KsSchedScalarColumn *col = scalar_column(nc, r->name);
    if (!col)
      col = scalar_column_add(nc, r->name, requested_by_slot);
    col->alloc[s] = r->value;
  }
}

void ks_sched_node_columns_clear_node(KsSchedNodeColumns *nc, guint s) {
  g_return_if_fail(s < nc->cap);
  nc->unschedulable[s] = 0;
  set_release(nc, nc->taint_set[s]);
  nc->taint_set[s] = 0;
  for (guint i = 0; i < nc->n_scalars; i++)
    nc->scalars[i].alloc[s] = 0;
}

void ks_sched_node_columns_account(KsSchedNodeColumns *nc, guint s, const KsResourceList *req,
                                   gint sign) {
  const GArray *scalars = req->scalars;
  for (guint i = 0; scalars && i < scalars->len; i++) {
    const KsScalarResource *r = &g_array_index(scalars, KsScalarResource, i);
    KsSchedScalarColumn *col = scalar_column(nc, r->name);
    if (col)
      col->req[s] += sign * r->value;
  }
}

void ks_sched_node_columns_reset_slot(KsSchedNodeColumns *nc, guint s) {
  for (guint i = 0; i < nc->n_scalars; i++)
    nc->scalars[i].req[s] = 0;
}
