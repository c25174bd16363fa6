/* See node_faults.h. One engine event per faulty node is pending at any
 * time (its next failure or repair); the handler draws the time of the one
 * after from the node's own stream. */
#include "sim/node_faults.h"

#include "sched/objects.h"
#include "sim/controllers/node_lifecycle.h"
#include "workloads/annotations.h"
#include "workloads/duration.h"

gint64 ks_node_fault_last_renewal(gint64 t_us) {
  if (t_us <= 0)
    return 0;
  return ((t_us - 1) / KS_NODE_LEASE_RENEW_INTERVAL_US) * KS_NODE_LEASE_RENEW_INTERVAL_US;
}

gboolean ks_node_fault_is_down(const KsNode *node) {
  return ks_labels_get(&node->annotations, KS_ANNOTATION_LAST_LEASE_RENEWAL) != NULL;
}

/* The kubelet's status post on coming back (kubelet_node_status.go). */
static void post_ready(KsNode *n) {
  static const char *const types[] = {"MemoryPressure", "DiskPressure", "PIDPressure"};
  static const char *const reasons[] = {"KubeletHasSufficientMemory", "KubeletHasNoDiskPressure",
                                        "KubeletHasSufficientPID"};
  ks_labels_remove(&n->annotations, KS_ANNOTATION_LAST_LEASE_RENEWAL);
  const char *ready = ks_node_condition_status(n, "Ready");
  if (ready && g_strcmp0(ready, "True"))
    ks_node_set_condition(n, "Ready", "True", "KubeletReady");
  for (guint i = 0; i < G_N_ELEMENTS(types); i++)
    if (!g_strcmp0(ks_node_condition_status(n, types[i]), "Unknown"))
      ks_node_set_condition(n, types[i], "False", reasons[i]);
}

gboolean ks_node_fault_set_down(KsStore *store, const char *node, gboolean down,
                                GError **error) {
  const KsStoreObject *obj = ks_store_get(store, KS_STORE_NODE, NULL, node);
  if (!obj) {
    g_set_error(error, KS_STORE_ERROR, KS_STORE_ERROR_NOT_FOUND, "nodes \"%s\" not found", node);
    return FALSE;
  }
  if (ks_node_fault_is_down(obj->data) == down)
    return FALSE;
  KsNode *copy = ks_node_copy(obj->data);
  if (down) {
    char *v = ks_duration_format(ks_node_fault_last_renewal(ks_engine_now(ks_store_get_engine(store))));
    ks_labels_set(&copy->annotations, KS_ANNOTATION_LAST_LEASE_RENEWAL, v);
    g_free(v);
  } else {
    post_ready(copy);
  }
  return ks_store_update(store, KS_STORE_NODE, NULL, node, copy, (GDestroyNotify)ks_node_unref,
                         obj->resource_version, error) != 0;
}

/* ---- random faults ------------------------------------------------------------ */

struct KsNodeFaults {
  KsStore *store;
  KsEngine *engine;
  const GPtrArray *faults;
  guint64 seed;
  guint watch;
  GHashTable *cycles; /* node name -> Cycle* */
  guint64 failures;
};

typedef struct {
  KsNodeFaults *f;
  char *node;
  const KsScenarioFault *spec;
  KsRng rng;
  gboolean down; /* the pending event brings it back */
  guint64 event;
} Cycle;

static void cycle_free(gpointer p) {
  Cycle *c = p;
  if (c->event)
    ks_engine_cancel(c->f->engine, c->event);
  g_free(c->node);
  g_free(c);
}

static void cycle_step(KsEngine *e, gpointer data);

static void cycle_next(Cycle *c) {
  gint64 d = ks_run_time_sample(c->down ? &c->spec->mttr : &c->spec->mtbf, &c->rng);
  c->event = ks_engine_schedule_after(c->f->engine, d, cycle_step, c, NULL);
}

static void cycle_step(KsEngine *e, gpointer data) {
  (void)e;
  Cycle *c = data;
  c->event = 0;
  c->down = !c->down;
  if (c->down)
    c->f->failures++;
  GError *error = NULL;
  if (!ks_node_fault_set_down(c->f->store, c->node, c->down, &error) && error) {
    g_warning("node faults: %s", error->message);
    g_error_free(error);
  }
  cycle_next(c);
}

static const KsScenarioFault *owner(KsNodeFaults *f, const KsNode *n) {
  for (guint i = 0; i < f->faults->len; i++) {
    const KsScenarioFault *s = f->faults->pdata[i];
    if (s->pool ? !g_strcmp0(ks_labels_get(&n->labels, KS_LABEL_NODE_POOL), s->pool)
                : ks_label_selector_matches(s->selector, &n->labels))
      return s;
  }
  return NULL;
}

static void node_added(KsNodeFaults *f, const KsNode *n) {
  const KsScenarioFault *s = owner(f, n);
  if (!s || g_hash_table_contains(f->cycles, n->name))
    return;
  Cycle *c = g_new0(Cycle, 1);
  c->f = f;
  c->node = g_strdup(n->name);
  c->spec = s;
  char *stream = g_strdup_printf("fault/%u/%s", s->index, n->name);
  ks_rng_init(&c->rng, f->seed, stream);
  g_free(stream);
  g_hash_table_insert(f->cycles, c->node, c);
  cycle_next(c);
}

static void node_watch(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                       const KsStoreObject *new_obj, gpointer user_data) {
  (void)s;
  KsNodeFaults *f = user_data;
  if (type == KS_WATCH_ADDED)
    node_added(f, new_obj->data);
  else if (type == KS_WATCH_DELETED)
    g_hash_table_remove(f->cycles, ((const KsNode *)old_obj->data)->name);
}

static gboolean existing_node(const KsStoreObject *obj, gpointer user_data) {
  node_added(user_data, obj->data);
  return TRUE;
}

KsNodeFaults *ks_node_faults_new(KsStore *store, const GPtrArray *faults, guint64 seed) {
  KsNodeFaults *f = g_new0(KsNodeFaults, 1);
  f->store = store;
  f->engine = ks_store_get_engine(store);
  f->faults = faults;
  f->seed = seed;
  f->cycles = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, cycle_free);
  if (faults && faults->len) {
    f->watch = ks_store_watch(store, KS_STORE_NODE, node_watch, f);
    ks_store_foreach(store, KS_STORE_NODE, existing_node, f);
  }
  return f;
}

void ks_node_faults_free(KsNodeFaults *f) {
  if (!f)
    return;
  if (f->watch)
    ks_store_unwatch(f->store, f->watch);
  g_hash_table_destroy(f->cycles);
  g_free(f);
}

guint64 ks_node_faults_failures(const KsNodeFaults *f) { return f ? f->failures : 0; }
