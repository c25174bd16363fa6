/* See eviction_record.h. Rows keep the pod's name as their own copy and
 * share namespaces and messages through a per-record pool (a message is
 * often the same for many pods: "Taint manager: deleting due to NoExecute
 * taint"); the pool dies with the record, so nothing grows glib's
 * never-freed quark table. Nodes are an index into the record's node list. */
#include "sim/kubelet/eviction_record.h"

#include <string.h>

#include "sim/engine.h"
#include "sim/kubelet/eviction_manager.h"

static const char *const cause_names[KS_EVICTION_CAUSE_COUNT] = {
    "node_pressure", "admission", "taint_manager", "eviction_api", "preemption"};

/* The reason a row carries for each cause. */
static const char *const cause_reasons[KS_EVICTION_CAUSE_COUNT] = {
    KS_POD_REASON_TERMINATION_BY_KUBELET, KS_EVICTION_REASON,
    KS_POD_REASON_DELETION_BY_TAINT_MANAGER, KS_POD_REASON_EVICTION_BY_EVICTION_API,
    KS_POD_REASON_PREEMPTION_BY_SCHEDULER};

const char *ks_eviction_cause_to_string(KsEvictionCause c) {
  g_return_val_if_fail((guint)c < KS_EVICTION_CAUSE_COUNT, "");
  return cause_names[c];
}

gboolean ks_eviction_cause_from_string(const char *s, KsEvictionCause *out) {
  for (guint c = 0; s && c < KS_EVICTION_CAUSE_COUNT; c++)
    if (!strcmp(s, cause_names[c])) {
      *out = (KsEvictionCause)c;
      return TRUE;
    }
  return FALSE;
}

typedef struct {
  gint64 time_us;
  const char *namespace; /* pooled */
  char *name;
  guint node;            /* index into nodes, G_MAXUINT when unbound */
  KsQosClass qos;
  KsEvictionCause cause;
  const char *message;   /* pooled */
} Row;

typedef struct {
  char *name;
  guint64 counts[KS_EVICTION_CAUSE_COUNT];
} Node;

struct KsEvictionRecord {
  KsStore *store;
  guint watch;
  GArray *rows;           /* Row */
  GPtrArray *nodes;       /* Node*, first-eviction order */
  GHashTable *node_index; /* name (borrowed from Node) -> index + 1 */
  GHashTable *pool;       /* owned strings, key == value */
  guint64 by_qos[KS_QOS_CLASS_COUNT][KS_EVICTION_CAUSE_COUNT];
};

static const char *pooled(KsEvictionRecord *r, const char *s) {
  s = s ? s : "";
  char *held = g_hash_table_lookup(r->pool, s);
  if (!held) {
    held = g_strdup(s);
    g_hash_table_add(r->pool, held);
  }
  return held;
}

static guint node_of(KsEvictionRecord *r, const char *name) {
  if (!name || !*name)
    return G_MAXUINT;
  guint i = GPOINTER_TO_UINT(g_hash_table_lookup(r->node_index, name));
  if (i)
    return i - 1;
  Node *n = g_new0(Node, 1);
  n->name = g_strdup(name);
  g_ptr_array_add(r->nodes, n);
  g_hash_table_insert(r->node_index, n->name, GUINT_TO_POINTER(r->nodes->len));
  return r->nodes->len - 1;
}

/* The DisruptionTarget=True condition of a known evicting reason: its
 * cause, or -1. */
static gint disruption_cause(const KsPod *p, const KsPodCondition **cond) {
  const KsPodCondition *c = p ? ks_pod_get_condition(p, KS_POD_CONDITION_DISRUPTION_TARGET) : NULL;
  if (!c || c->status != KS_POD_CONDITION_TRUE || !c->reason)
    return -1;
  for (guint k = 0; k < KS_EVICTION_CAUSE_COUNT; k++)
    if (k != KS_EVICTION_CAUSE_ADMISSION && !strcmp(c->reason, cause_reasons[k])) {
      if (cond)
        *cond = c;
      return (gint)k;
    }
  return -1;
}

/* Failed with reason Evicted and no DisruptionTarget=True: rejected by the
 * kubelet's admission. */
static gboolean rejected(const KsPod *p) {
  if (!p || p->phase != KS_POD_FAILED || g_strcmp0(p->reason, KS_EVICTION_REASON))
    return FALSE;
  const KsPodCondition *c = ks_pod_get_condition(p, KS_POD_CONDITION_DISRUPTION_TARGET);
  return !c || c->status != KS_POD_CONDITION_TRUE;
}

static void add_row(KsEvictionRecord *r, const KsPod *p, KsEvictionCause cause,
                    const char *message) {
  KsQosClass qos = ks_pod_qos(p);
  Row row = {ks_engine_now(ks_store_get_engine(r->store)), pooled(r, p->namespace),
             g_strdup(p->name), node_of(r, p->node_name), qos, cause, pooled(r, message)};
  g_array_append_val(r->rows, row);
  r->by_qos[qos][cause]++;
  if (row.node != G_MAXUINT)
    ((Node *)g_ptr_array_index(r->nodes, row.node))->counts[cause]++;
}

static void pod_watch(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                      const KsStoreObject *new_obj, gpointer user_data) {
  (void)s;
  KsEvictionRecord *r = user_data;
  if (type == KS_WATCH_DELETED || !new_obj)
    return;
  const KsPod *p = new_obj->data, *old = old_obj ? old_obj->data : NULL;
  const KsPodCondition *c = NULL;
  gint cause = disruption_cause(p, &c);
  if (cause >= 0 && disruption_cause(old, NULL) < 0)
    add_row(r, p, (KsEvictionCause)cause, c->message);
  else if (rejected(p) && !rejected(old))
    add_row(r, p, KS_EVICTION_CAUSE_ADMISSION, p->message);
}

static void row_clear(gpointer p) { g_free(((Row *)p)->name); }

static void node_free(gpointer p) {
  Node *n = p;
  g_free(n->name);
  g_free(n);
}

KsEvictionRecord *ks_eviction_record_new(KsStore *store) {
  KsEvictionRecord *r = g_new0(KsEvictionRecord, 1);
  r->store = store;
  r->rows = g_array_new(FALSE, TRUE, sizeof(Row));
  g_array_set_clear_func(r->rows, row_clear);
  r->nodes = g_ptr_array_new_with_free_func(node_free);
  r->node_index = g_hash_table_new(g_str_hash, g_str_equal);
  r->pool = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  r->watch = ks_store_watch(store, KS_STORE_POD, pod_watch, r);
  return r;
}

void ks_eviction_record_free(KsEvictionRecord *r) {
  if (!r)
    return;
  ks_store_unwatch(r->store, r->watch);
  g_array_unref(r->rows);
  g_hash_table_destroy(r->node_index);
  g_ptr_array_unref(r->nodes);
  g_hash_table_destroy(r->pool);
  g_free(r);
}

guint ks_eviction_record_n_rows(const KsEvictionRecord *r) { return r->rows->len; }

void ks_eviction_record_row(const KsEvictionRecord *r, guint i, KsEvictionRow *out) {
  g_return_if_fail(i < r->rows->len);
  const Row *row = &g_array_index(r->rows, Row, i);
  *out = (KsEvictionRow){row->time_us,
                         row->namespace,
                         row->name,
                         row->node == G_MAXUINT
                             ? ""
                             : ((const Node *)g_ptr_array_index(r->nodes, row->node))->name,
                         row->qos,
                         row->cause,
                         cause_reasons[row->cause],
                         row->message};
}

guint64 ks_eviction_record_qos_count(const KsEvictionRecord *r, KsQosClass q, KsEvictionCause c) {
  g_return_val_if_fail((guint)q < KS_QOS_CLASS_COUNT && (guint)c < KS_EVICTION_CAUSE_COUNT, 0);
  return r->by_qos[q][c];
}

guint ks_eviction_record_n_nodes(const KsEvictionRecord *r) { return r->nodes->len; }

const char *ks_eviction_record_node_name(const KsEvictionRecord *r, guint i) {
  g_return_val_if_fail(i < r->nodes->len, NULL);
  return ((const Node *)g_ptr_array_index(r->nodes, i))->name;
}

guint64 ks_eviction_record_node_count(const KsEvictionRecord *r, guint i, KsEvictionCause c) {
  g_return_val_if_fail(i < r->nodes->len && (guint)c < KS_EVICTION_CAUSE_COUNT, 0);
  return ((const Node *)g_ptr_array_index(r->nodes, i))->counts[c];
}
