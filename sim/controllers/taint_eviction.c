/* See taint_eviction.h.
 *
 * State, as upstream's: the NoExecute taints of every tainted node
 * (taintedNodes), the pods bound to each node (the informer's nodeName
 * index), and one scheduled eviction per pod (created-at, fire-at, the
 * engine event). Handlers only enqueue keys; syncs decide; the engine event
 * of a scheduled eviction deletes. Pods of a node are visited in key order
 * so the order of deletions never depends on hashing.
 */
#include "sim/controllers/taint_eviction.h"

#include <string.h>

#include "sim/controllers/deletion.h"

typedef struct {
  KsController *c;
  GHashTable *tainted;   /* node name -> GArray of KsTaint (NoExecute only) */
  GHashTable *node_pods; /* node name -> GHashTable set of pod keys "ns/name" */
  GHashTable *scheduled; /* pod key -> Eviction* */
} TaintEviction;

typedef struct {
  TaintEviction *te;
  char *pod_key;
  gint64 created_us, fire_us;
  guint64 event;
} Eviction;

/* ---- toleration arithmetic ------------------------------------------------- */

gint64 ks_taint_eviction_delay_us(const GArray *tolerations, const KsTaint *taints, guint n,
                                  gboolean *all_tolerated) {
  *all_tolerated = TRUE;
  if (n == 0)
    return 0;
  gint64 min_seconds = G_MAXINT64;
  gboolean any_used = FALSE;
  for (guint i = 0; i < n; i++) {
    const KsToleration *used = NULL;
    for (guint j = 0; tolerations && j < tolerations->len && !used; j++) {
      const KsToleration *t = &g_array_index(tolerations, KsToleration, j);
      if (ks_toleration_tolerates(t, &taints[i]))
        used = t;
    }
    if (!used) {
      *all_tolerated = FALSE;
      return 0;
    }
    any_used = TRUE;
    if (!used->has_toleration_seconds)
      continue;
    if (used->toleration_seconds <= 0)
      min_seconds = 0;
    else if (used->toleration_seconds < min_seconds)
      min_seconds = used->toleration_seconds;
  }
  if (!any_used)
    return 0;
  if (min_seconds == G_MAXINT64)
    return -1;
  /* Seconds beyond the run's horizon saturate rather than overflow. */
  return min_seconds > G_MAXINT64 / G_USEC_PER_SEC ? G_MAXINT64 : min_seconds * G_USEC_PER_SEC;
}

static GArray *no_execute_taints(const KsNode *node) {
  GArray *out = g_array_new(FALSE, TRUE, sizeof(KsTaint));
  g_array_set_clear_func(out, (GDestroyNotify)ks_taint_clear);
  for (guint i = 0; node->taints && i < node->taints->len; i++) {
    const KsTaint *t = &g_array_index(node->taints, KsTaint, i);
    if (t->effect != KS_TAINT_EFFECT_NO_EXECUTE)
      continue;
    KsTaint copy;
    ks_taint_copy(&copy, t);
    g_array_append_val(out, copy);
  }
  return out;
}

/* Semantic equality of two NoExecute lists (upstream DeepEqual, timeAdded
 * included). */
static gboolean same_taints(const GArray *a, const GArray *b) {
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++) {
    const KsTaint *x = &g_array_index(a, KsTaint, i), *y = &g_array_index(b, KsTaint, i);
    if (g_strcmp0(x->key, y->key) || g_strcmp0(x->value ? x->value : "", y->value ? y->value : "") ||
        x->effect != y->effect || x->time_added_us != y->time_added_us)
      return FALSE;
  }
  return TRUE;
}

/* ---- scheduled evictions --------------------------------------------------- */

static void eviction_free(gpointer p) {
  Eviction *e = p;
  if (e->event)
    ks_engine_cancel(ks_controller_engine(e->te->c), e->event);
  g_free(e->pod_key);
  g_free(e);
}

static void cancel(TaintEviction *te, const char *pod_key) {
  g_hash_table_remove(te->scheduled, pod_key);
}

/* upstream addConditionAndDeletePod: the DisruptionTarget condition, then
 * DELETE. A pod already being deleted is deleted again (a no-op). */
static void delete_pod(TaintEviction *te, const char *pod_key) {
  KsStore *store = ks_controller_store(te->c);
  char *ns = NULL, *name = NULL;
  ks_controller_split_key(pod_key, &ns, &name);
  GError *error = NULL;
  const KsStoreObject *obj = ks_store_get(store, KS_STORE_POD, ns, name);
  if (obj) {
    KsPod *copy = ks_pod_copy(obj->data);
    if (ks_pod_set_condition(copy, KS_POD_CONDITION_DISRUPTION_TARGET, KS_POD_CONDITION_TRUE,
                             KS_POD_REASON_DELETION_BY_TAINT_MANAGER,
                             KS_MESSAGE_DELETION_BY_TAINT_MANAGER, ks_controller_now(te->c)))
      ks_store_update(store, KS_STORE_POD, ns, name, copy, (GDestroyNotify)ks_pod_unref,
                      obj->resource_version, NULL);
    else
      ks_pod_unref(copy);
  }
  if (obj &&
      !ks_object_delete(store, KS_STORE_POD, ns, name, KS_PROPAGATION_BACKGROUND, &error)) {
    g_warning("taint eviction: %s", error->message);
    g_error_free(error);
  }
  g_free(ns);
  g_free(name);
}

static void fire(KsEngine *engine, gpointer data) {
  Eviction *e = data;
  (void)engine;
  e->event = 0; /* the engine frees nothing of ours: the table owns e */
  TaintEviction *te = e->te;
  char *key = g_strdup(e->pod_key);
  g_hash_table_remove(te->scheduled, key);
  delete_pod(te, key);
  g_free(key);
}

static void add_work(TaintEviction *te, const char *pod_key, gint64 created_us, gint64 fire_us) {
  if (g_hash_table_contains(te->scheduled, pod_key))
    return; /* upstream AddWork: an existing worker stays */
  Eviction *e = g_new0(Eviction, 1);
  e->te = te;
  e->pod_key = g_strdup(pod_key);
  e->created_us = created_us;
  e->fire_us = fire_us;
  e->event = ks_engine_schedule(ks_controller_engine(te->c), MAX(fire_us, ks_controller_now(te->c)), fire, e,
                                NULL);
  g_hash_table_insert(te->scheduled, g_strdup(pod_key), e);
}

/* upstream processPodOnNode. */
static void process_pod(TaintEviction *te, const char *pod_key, const KsPod *pod,
                        const GArray *taints, gint64 now) {
  if (taints->len == 0) {
    cancel(te, pod_key);
    return;
  }
  gboolean all = TRUE;
  gint64 delay = ks_taint_eviction_delay_us(pod->tolerations, (const KsTaint *)taints->data,
                                            taints->len, &all);
  if (!all) {
    cancel(te, pod_key);
    add_work(te, pod_key, now, now);
    return;
  }
  if (delay < 0) {
    cancel(te, pod_key);
    return;
  }
  gint64 start = now;
  gint64 trigger = delay > G_MAXINT64 - now ? G_MAXINT64 : now + delay;
  const Eviction *old = g_hash_table_lookup(te->scheduled, pod_key);
  if (old) {
    start = old->created_us;
    if (start < now)
      return; /* start + delay before now + delay: keep the earlier decision */
    cancel(te, pod_key);
  }
  add_work(te, pod_key, start, trigger);
}

/* ---- informers --------------------------------------------------------------- */

static char *pod_key_of(const KsPod *p) { return g_strconcat(p->namespace, "/", p->name, NULL); }

static void index_pod(TaintEviction *te, const KsPod *was, const KsPod *pod) {
  if (was && was->node_name && (!pod || g_strcmp0(was->node_name, pod->node_name))) {
    GHashTable *set = g_hash_table_lookup(te->node_pods, was->node_name);
    if (set) {
      char *key = pod_key_of(was);
      g_hash_table_remove(set, key);
      g_free(key);
      if (g_hash_table_size(set) == 0)
        g_hash_table_remove(te->node_pods, was->node_name);
    }
  }
  if (pod && pod->node_name && (!was || g_strcmp0(was->node_name, pod->node_name))) {
    GHashTable *set = g_hash_table_lookup(te->node_pods, pod->node_name);
    if (!set) {
      set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert(te->node_pods, g_strdup(pod->node_name), set);
    }
    g_hash_table_add(set, pod_key_of(pod));
  }
}

/* Only pods on a tainted node are worth a sync (upstream's sync returns at
 * once for the others; a node tainted later visits its pods itself), so a
 * replay's million bindings cost no work-queue round trip. */
static void enqueue_pod(KsController *c, const KsPod *pod) {
  char *key = g_strconcat("pod:", pod->namespace, "/", pod->name, NULL);
  ks_controller_enqueue_key(c, key);
  g_free(key);
}

static void pod_add(KsController *c, gpointer self, const KsStoreObject *obj) {
  const KsPod *pod = obj->data;
  TaintEviction *te = self;
  index_pod(te, NULL, pod);
  if (pod->node_name && g_hash_table_contains(te->tainted, pod->node_name))
    enqueue_pod(c, pod);
}

/* Tolerations never change on a stored pod (its spec is immutable), so
 * only a new nodeName matters (upstream PodUpdated). */
static void pod_update(KsController *c, gpointer self, const KsStoreObject *old_obj,
                       const KsStoreObject *new_obj) {
  const KsPod *was = old_obj->data, *pod = new_obj->data;
  TaintEviction *te = self;
  index_pod(te, was, pod);
  if (pod->node_name && g_strcmp0(was->node_name, pod->node_name) &&
      g_hash_table_contains(te->tainted, pod->node_name))
    enqueue_pod(c, pod);
}

/* A deleted pod's scheduled eviction is cancelled by its sync. */
static void pod_del(KsController *c, gpointer self, const KsStoreObject *obj) {
  const KsPod *pod = obj->data;
  TaintEviction *te = self;
  index_pod(te, pod, NULL);
  char *key = pod_key_of(pod);
  gboolean scheduled = g_hash_table_contains(te->scheduled, key);
  g_free(key);
  if (scheduled)
    enqueue_pod(c, pod);
}

static void enqueue_node(KsController *c, const char *name) {
  char *key = g_strconcat("node:", name, NULL);
  ks_controller_enqueue_key(c, key);
  g_free(key);
}

static void node_add(KsController *c, gpointer self, const KsStoreObject *obj) {
  enqueue_node(c, ((const KsNode *)obj->data)->name);
}

static void node_update(KsController *c, gpointer self, const KsStoreObject *old_obj,
                        const KsStoreObject *new_obj) {
  GArray *a = no_execute_taints(old_obj->data), *b = no_execute_taints(new_obj->data);
  if (!same_taints(a, b))
    enqueue_node(c, ((const KsNode *)new_obj->data)->name);
  g_array_unref(a);
  g_array_unref(b);
}

static void node_del(KsController *c, gpointer self, const KsStoreObject *obj) {
  enqueue_node(c, ((const KsNode *)obj->data)->name);
}

/* ---- syncs --------------------------------------------------------------------- */

static gint compare_strings(gconstpointer a, gconstpointer b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* upstream handleNodeUpdate. */
static void sync_node(TaintEviction *te, const char *name) {
  KsStore *store = ks_controller_store(te->c);
  const KsStoreObject *obj = ks_store_get(store, KS_STORE_NODE, NULL, name);
  if (!obj) {
    g_hash_table_remove(te->tainted, name);
    return;
  }
  GArray *taints = no_execute_taints(obj->data);
  if (taints->len)
    g_hash_table_insert(te->tainted, g_strdup(name), g_array_ref(taints));
  else
    g_hash_table_remove(te->tainted, name);
  GHashTable *set = g_hash_table_lookup(te->node_pods, name);
  guint n = 0;
  char **keys = set ? (char **)g_hash_table_get_keys_as_array(set, &n) : NULL;
  if (keys)
    qsort(keys, n, sizeof *keys, compare_strings);
  gint64 now = ks_controller_now(te->c);
  for (guint i = 0; i < n; i++) {
    if (taints->len == 0) {
      cancel(te, keys[i]);
      continue;
    }
    char *ns = NULL, *pname = NULL;
    ks_controller_split_key(keys[i], &ns, &pname);
    const KsStoreObject *p = ks_store_get(store, KS_STORE_POD, ns, pname);
    if (p)
      process_pod(te, keys[i], p->data, taints, now);
    g_free(ns);
    g_free(pname);
  }
  g_free(keys);
  g_array_unref(taints);
}

/* upstream handlePodUpdate. */
static void sync_pod(TaintEviction *te, const char *pod_key) {
  char *ns = NULL, *name = NULL;
  ks_controller_split_key(pod_key, &ns, &name);
  const KsStoreObject *obj = ks_store_get(ks_controller_store(te->c), KS_STORE_POD, ns, name);
  g_free(ns);
  g_free(name);
  if (!obj) {
    cancel(te, pod_key);
    return;
  }
  const KsPod *pod = obj->data;
  const GArray *taints = pod->node_name ? g_hash_table_lookup(te->tainted, pod->node_name) : NULL;
  if (taints)
    process_pod(te, pod_key, pod, taints, ks_controller_now(te->c));
}

static KsSyncResult sync(KsController *c, gpointer self, const char *key) {
  (void)c;
  if (g_str_has_prefix(key, "node:"))
    sync_node(self, key + 5);
  else if (g_str_has_prefix(key, "pod:"))
    sync_pod(self, key + 4);
  return KS_SYNC_DONE;
}

static gpointer init(KsController *c) {
  static const KsInformerHandlers nodes = {node_add, node_update, node_del};
  static const KsInformerHandlers pods = {pod_add, pod_update, pod_del};
  TaintEviction *te = g_new0(TaintEviction, 1);
  te->c = c;
  te->tainted = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify)g_array_unref);
  te->node_pods = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify)g_hash_table_destroy);
  te->scheduled = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, eviction_free);
  ks_controller_watch(c, KS_STORE_NODE, &nodes, 0);
  ks_controller_watch(c, KS_STORE_POD, &pods, 0);
  return te;
}

static void te_free(gpointer self) {
  TaintEviction *te = self;
  g_hash_table_destroy(te->scheduled);
  g_hash_table_destroy(te->node_pods);
  g_hash_table_destroy(te->tainted);
  g_free(te);
}

const KsControllerClass ks_taint_eviction_controller_class = {
    .name = "taint-eviction-controller",
    .default_workers = KS_TAINT_EVICTION_DEFAULT_WORKERS,
    .init = init,
    .sync = sync,
    .free = te_free,
};
