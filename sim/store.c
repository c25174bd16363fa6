/* The object store and its watches.
 *
 * Objects. Each key lives in an Entry that points at the key's current
 * object (the Entry holds one reference). Per kind, a GTree orders the
 * entries by (namespace, name) byte-wise, and a hash table indexes the same
 * entries by (namespace, name). The tree buys the ordered list for free:
 * list and foreach are in-order walks, and listing one namespace is a
 * lower-bound search plus a walk, with no sort. The index makes get,
 * update and delete O(1): with a replay's thousands of pods, O(log n)
 * string compares per lookup were a visible share of a run, and gets and
 * updates outnumber creates several times. Only create and delete touch the
 * tree. An object and its two strings are one allocation.
 *
 * Copy on write. A stored object is never modified: update makes a new one
 * and points the key's Entry at it (neither the tree nor the index moves:
 * the key is the same), then drops the Entry's reference to the old one.
 * Whoever holds the old one keeps a consistent snapshot, which is what lets
 * watch events carry old and new.
 *
 * Revisions. One counter per store, bumped by every create, update and
 * delete, as etcd's revision. An object's resource_version is the revision of
 * the write that made it; a delete takes a revision too but the DELETED event
 * carries the object as last stored (objects are immutable).
 *
 * Secondary indexes. An index (ks_store_index) maps each value of its
 * function to a GTree of the Entries with that value, ordered as the kind's
 * tree, so a lookup lists them in list order without a sort. The value of
 * an object is taken again at every write; an update that changes it moves
 * the Entry between trees; an empty tree is dropped, so the index holds
 * only live values (controller UIDs come and go with their controllers).
 *
 * Watch delivery. Each change with watchers queues one Delivery {kind,
 * type, old, new, last watch id} on a FIFO owned by the store, and one
 * engine event at the current time whose data is the store itself. Delivery
 * events are scheduled at non-decreasing times with increasing engine
 * sequence numbers, so the engine runs them in exactly FIFO order: the
 * event's handler delivers the head to the kind's watchers in registration
 * order, and its destroy notify (which the engine calls right after the
 * handler, or on cancel, or when the engine is freed) pops the head and
 * drops its references. One event per change, not per watcher, gives the
 * same order of handler calls: a change's deliveries were consecutive
 * events, which nothing else could come between, and whatever a handler
 * queues runs after them either way. It keeps the per-change cost at one
 * array append and one event, with no allocation in steady state, and
 * makes both teardown orders safe: freeing the engine pops every Delivery;
 * freeing the store cancels its pending engine events. A change goes to the
 * watchers registered before it (ids up to the Delivery's last watch id)
 * that are still active when it is delivered: unwatch removes the watcher
 * at once (its user_data may be gone); watcher records are kept until the
 * store is freed, as watch churn is rare.
 */
#include "sim/store.h"

#include <string.h>

G_DEFINE_QUARK(ks-store-error-quark, ks_store_error)

static const struct {
  const char *resource;
  gboolean namespaced;
} kind_info[KS_STORE_N_KINDS] = {
  [KS_STORE_POD] = {"pods", TRUE},
  [KS_STORE_NODE] = {"nodes", FALSE},
  [KS_STORE_NAMESPACE] = {"namespaces", FALSE},
  [KS_STORE_PRIORITY_CLASS] = {"priorityclasses", FALSE},
  [KS_STORE_DEPLOYMENT] = {"deployments", TRUE},
  [KS_STORE_REPLICA_SET] = {"replicasets", TRUE},
  [KS_STORE_JOB] = {"jobs", TRUE},
  [KS_STORE_POD_DISRUPTION_BUDGET] = {"poddisruptionbudgets", TRUE},
  [KS_STORE_DAEMON_SET] = {"daemonsets", TRUE},
  [KS_STORE_STATEFUL_SET] = {"statefulsets", TRUE},
  [KS_STORE_CONTROLLER_REVISION] = {"controllerrevisions", TRUE},
  [KS_STORE_CRON_JOB] = {"cronjobs", TRUE},
  [KS_STORE_SERVICE] = {"services", TRUE},
  [KS_STORE_CONFIG_MAP] = {"configmaps", TRUE},
  [KS_STORE_SECRET] = {"secrets", TRUE},
  [KS_STORE_PERSISTENT_VOLUME] = {"persistentvolumes", FALSE},
  [KS_STORE_PERSISTENT_VOLUME_CLAIM] = {"persistentvolumeclaims", TRUE},
  [KS_STORE_STORAGE_CLASS] = {"storageclasses", FALSE},
  [KS_STORE_REPLICATION_CONTROLLER] = {"replicationcontrollers", TRUE},
};

const char *ks_store_kind_to_string(KsStoreKind kind) {
  g_return_val_if_fail((guint)kind < KS_STORE_N_KINDS, "unknown");
  return kind_info[kind].resource;
}

gboolean ks_store_kind_is_namespaced(KsStoreKind kind) {
  g_return_val_if_fail((guint)kind < KS_STORE_N_KINDS, FALSE);
  return kind_info[kind].namespaced;
}

const char *ks_watch_event_type_to_string(KsWatchEventType type) {
  switch (type) {
  case KS_WATCH_ADDED: return "ADDED";
  case KS_WATCH_MODIFIED: return "MODIFIED";
  case KS_WATCH_DELETED: return "DELETED";
  }
  return "UNKNOWN";
}

/* --- objects ------------------------------------------------------------ */

/* transfer full. The strings live in the same block, after the struct. */
static KsStoreObject *object_new(KsStoreKind kind, const char *ns, const char *name, guint64 rv,
                                 gpointer data, GDestroyNotify free_data) {
  gsize ns_len = strlen(ns) + 1, name_len = strlen(name) + 1;
  KsStoreObject *o = g_malloc(sizeof *o + ns_len + name_len);
  char *strings = (char *)(o + 1);
  memcpy(strings, ns, ns_len);
  memcpy(strings + ns_len, name, name_len);
  *o = (KsStoreObject){.kind = kind,
                       .namespace = strings,
                       .name = strings + ns_len,
                       .resource_version = rv,
                       .data = data,
                       .free_data = free_data,
                       .ref_count = 1};
  return o;
}

KsStoreObject *ks_store_object_ref(const KsStoreObject *obj) {
  g_return_val_if_fail(obj != NULL, NULL);
  KsStoreObject *o = (KsStoreObject *)obj;
  o->ref_count++;
  return o;
}

void ks_store_object_unref(KsStoreObject *obj) {
  if (!obj)
    return;
  g_return_if_fail(obj->ref_count > 0);
  if (--obj->ref_count > 0)
    return;
  if (obj->free_data)
    obj->free_data(obj->data);
  g_free(obj);
}

/* A key's home in the tree and the index (see the top comment). */
typedef struct {
  KsStoreObject *obj; /* a reference: the key's current object */
} Entry;

static void entry_free(gpointer p) {
  Entry *e = p;
  ks_store_object_unref(e->obj);
  g_free(e);
}

static int entry_cmp(gconstpointer a, gconstpointer b, gpointer unused) {
  const KsStoreObject *x = ((const Entry *)a)->obj, *y = ((const Entry *)b)->obj;
  int c = strcmp(x->namespace, y->namespace);
  return c ? c : strcmp(x->name, y->name);
}

static guint entry_hash(gconstpointer p) {
  const KsStoreObject *o = ((const Entry *)p)->obj;
  return g_str_hash(o->namespace) * 31u + g_str_hash(o->name);
}

static gboolean entry_equal(gconstpointer a, gconstpointer b) {
  return entry_cmp(a, b, NULL) == 0;
}

/* --- the store ---------------------------------------------------------- */

typedef struct {
  KsWatchFn fn;
  gpointer user_data;
  KsStoreKind kind;
  gboolean active;
} Watcher;

typedef struct {
  KsStoreKind kind;
  KsWatchEventType type;
  guint last_watch_id;    /* watchers registered after the change do not get it */
  guint recipients;       /* the kind's watchers at the change */
  guint delivered;        /* of them, handlers run so far */
  KsStoreObject *old_obj; /* owned reference or NULL */
  KsStoreObject *new_obj; /* owned reference or NULL */
  guint64 event_id;
} Delivery;

typedef struct {
  char *name;
  KsStoreKind kind;
  KsStoreIndexFn fn;
  GHashTable *buckets; /* value (owned) -> GTree of Entry (borrowed), by key */
} Index;

static void index_free(gpointer p) {
  Index *ix = p;
  g_hash_table_destroy(ix->buckets);
  g_free(ix->name);
  g_free(ix);
}

static void index_add(Index *ix, Entry *e) {
  const char *v = ix->fn(e->obj);
  if (!v)
    return;
  GTree *t = g_hash_table_lookup(ix->buckets, v);
  if (!t) {
    t = g_tree_new_full(entry_cmp, NULL, NULL, NULL);
    g_hash_table_insert(ix->buckets, g_strdup(v), t);
  }
  g_tree_insert(t, e, e);
}

/* Removes e, filed under value v (the value of the object it was filed with). */
static void index_remove(Index *ix, Entry *e, const char *v) {
  if (!v)
    return;
  GTree *t = g_hash_table_lookup(ix->buckets, v);
  if (!t)
    return;
  g_tree_remove(t, e);
  if (g_tree_nnodes(t) == 0)
    g_hash_table_remove(ix->buckets, v);
}

struct KsStore {
  KsEngine *engine;                          /* borrowed; NULL: no watches */
  GTree *objects[KS_STORE_N_KINDS];          /* Entry (owned) -> itself, by key */
  GHashTable *index[KS_STORE_N_KINDS];       /* Entry (borrowed from the tree), by key */
  GArray *watchers;                          /* Watcher; watch id = index + 1 */
  GArray *kind_watchers[KS_STORE_N_KINDS];   /* active watch ids, registration order */
  GArray *queue;                             /* Delivery FIFO; live from queue_head on */
  guint queue_head;
  gsize pending;                             /* watcher deliveries queued, not yet run */
  guint64 revision;
  GPtrArray *indexes;                        /* Index (owned); index id = position + 1 */
};

KsStore *ks_store_new(KsEngine *engine) {
  KsStore *s = g_new0(KsStore, 1);
  s->engine = engine;
  for (int k = 0; k < KS_STORE_N_KINDS; k++) {
    s->objects[k] = g_tree_new_full(entry_cmp, NULL, entry_free, NULL);
    s->index[k] = g_hash_table_new(entry_hash, entry_equal);
    s->kind_watchers[k] = g_array_new(FALSE, FALSE, sizeof(guint));
  }
  s->watchers = g_array_new(FALSE, FALSE, sizeof(Watcher));
  s->queue = g_array_new(FALSE, FALSE, sizeof(Delivery));
  s->indexes = g_ptr_array_new_with_free_func(index_free);
  return s;
}

static gsize queue_len(const KsStore *s) { return s->queue->len - s->queue_head; }

void ks_store_free(KsStore *s) {
  if (!s)
    return;
  /* Each cancel runs delivery_pop (the destroy notify), which pops the head. */
  while (queue_len(s) > 0) {
    Delivery *d = &g_array_index(s->queue, Delivery, s->queue_head);
    if (!ks_engine_cancel(s->engine, d->event_id)) {
      g_critical("ks_store_free: watch event %" G_GUINT64_FORMAT " was not pending", d->event_id);
      break;
    }
  }
  for (guint i = s->queue_head; i < s->queue->len; i++) {
    Delivery *d = &g_array_index(s->queue, Delivery, i);
    ks_store_object_unref(d->old_obj);
    ks_store_object_unref(d->new_obj);
  }
  g_ptr_array_free(s->indexes, TRUE); /* before the Entries its trees borrow */
  for (int k = 0; k < KS_STORE_N_KINDS; k++) {
    g_hash_table_destroy(s->index[k]);
    g_tree_unref(s->objects[k]);
    g_array_free(s->kind_watchers[k], TRUE);
  }
  g_array_free(s->watchers, TRUE);
  g_array_free(s->queue, TRUE);
  g_free(s);
}

KsEngine *ks_store_get_engine(const KsStore *s) { return s->engine; }

guint64 ks_store_revision(const KsStore *s) { return s->revision; }

/* --- watch delivery ----------------------------------------------------- */

/* Index in the kind's watcher ids (ascending) of the first id > after. */
static guint first_watch_after(const GArray *ids, guint after) {
  guint i = 0;
  while (i < ids->len && g_array_index(ids, guint, i) <= after)
    i++;
  return i;
}

/* Engine handler: delivers the FIFO head (see the top comment for why the
 * head is this event's Delivery) to each watcher in turn. A handler may
 * watch, unwatch and queue changes (moving the queue array), so the next
 * watcher is found again by id after each call. */
static void delivery_run(KsEngine *e, gpointer data) {
  KsStore *s = data;
  g_return_if_fail(queue_len(s) > 0);
  guint head = s->queue_head;
  Delivery d = g_array_index(s->queue, Delivery, head);
  const GArray *ids = s->kind_watchers[d.kind];
  guint last = 0;
  for (guint i = first_watch_after(ids, 0);
       i < ids->len && g_array_index(ids, guint, i) <= d.last_watch_id;
       i = first_watch_after(ids, last)) {
    last = g_array_index(ids, guint, i);
    Watcher w = g_array_index(s->watchers, Watcher, last - 1);
    w.fn(s, d.type, d.old_obj, d.new_obj, w.user_data);
    g_array_index(s->queue, Delivery, head).delivered++;
    s->pending--;
  }
}

/* Engine destroy notify: pops the head and drops its references. */
static void delivery_pop(gpointer data) {
  KsStore *s = data;
  g_return_if_fail(queue_len(s) > 0);
  Delivery d = g_array_index(s->queue, Delivery, s->queue_head);
  s->pending -= d.recipients - d.delivered; /* unwatched before their turn */
  s->queue_head++;
  if (s->queue_head == s->queue->len) {
    g_array_set_size(s->queue, 0);
    s->queue_head = 0;
  } else if (s->queue_head >= 1024 && s->queue_head * 2 >= s->queue->len) {
    /* Compact when the dead prefix dominates: amortised O(1) per pop. */
    g_array_remove_range(s->queue, 0, s->queue_head);
    s->queue_head = 0;
  }
  ks_store_object_unref(d.old_obj);
  ks_store_object_unref(d.new_obj);
}

static void notify(KsStore *s, KsStoreKind kind, KsWatchEventType type, KsStoreObject *old_obj,
                   KsStoreObject *new_obj) {
  GArray *ids = s->kind_watchers[kind];
  if (ids->len == 0)
    return;
  Delivery d = {.kind = kind,
                .type = type,
                .last_watch_id = g_array_index(ids, guint, ids->len - 1),
                .recipients = ids->len,
                .old_obj = old_obj ? ks_store_object_ref(old_obj) : NULL,
                .new_obj = new_obj ? ks_store_object_ref(new_obj) : NULL};
  g_array_append_val(s->queue, d);
  s->pending += ids->len;
  guint64 id = ks_engine_schedule(s->engine, ks_engine_now(s->engine), delivery_run, s,
                                  delivery_pop);
  g_array_index(s->queue, Delivery, s->queue->len - 1).event_id = id;
}

guint ks_store_watch(KsStore *s, KsStoreKind kind, KsWatchFn fn, gpointer user_data) {
  g_return_val_if_fail(s != NULL && fn != NULL, 0);
  g_return_val_if_fail((guint)kind < KS_STORE_N_KINDS, 0);
  g_return_val_if_fail(s->engine != NULL, 0);
  Watcher w = {.fn = fn, .user_data = user_data, .kind = kind, .active = TRUE};
  g_array_append_val(s->watchers, w);
  guint id = s->watchers->len;
  g_array_append_val(s->kind_watchers[kind], id);
  return id;
}

gboolean ks_store_unwatch(KsStore *s, guint watch_id) {
  g_return_val_if_fail(s != NULL, FALSE);
  if (watch_id == 0 || watch_id > s->watchers->len)
    return FALSE;
  Watcher *w = &g_array_index(s->watchers, Watcher, watch_id - 1);
  if (!w->active)
    return FALSE;
  w->active = FALSE;
  GArray *ids = s->kind_watchers[w->kind];
  for (guint i = 0; i < ids->len; i++) {
    if (g_array_index(ids, guint, i) == watch_id) {
      g_array_remove_index(ids, i); /* keeps registration order */
      break;
    }
  }
  return TRUE;
}

gsize ks_store_pending_events(const KsStore *s) { return s->pending; }

/* --- writes ------------------------------------------------------------- */

/* "default/web-1" for namespaced keys, "node-1" otherwise; for messages. */
static void set_key_error(GError **error, KsStoreError code, KsStoreKind kind, const char *ns,
                          const char *name, const char *what) {
  g_set_error(error, KS_STORE_ERROR, code, "%s \"%s%s%s\" %s", kind_info[kind].resource, ns,
              *ns ? "/" : "", name, what);
}

/* Checks the key; on success *ns is the namespace with NULL read as "". */
static gboolean validate_key(KsStoreKind kind, const char **ns, const char *name,
                             GError **error) {
  if ((guint)kind >= KS_STORE_N_KINDS) {
    g_set_error(error, KS_STORE_ERROR, KS_STORE_ERROR_INVALID, "unknown object kind %d",
                (int)kind);
    return FALSE;
  }
  if (!*ns)
    *ns = "";
  if (!name || !*name) {
    g_set_error(error, KS_STORE_ERROR, KS_STORE_ERROR_INVALID,
                "%s: resource name may not be empty", kind_info[kind].resource);
    return FALSE;
  }
  if (kind_info[kind].namespaced && !**ns) {
    set_key_error(error, KS_STORE_ERROR_INVALID, kind, "", name,
                  "is invalid: namespace may not be empty");
    return FALSE;
  }
  if (!kind_info[kind].namespaced && **ns) {
    set_key_error(error, KS_STORE_ERROR_INVALID, kind, *ns, name,
                  "is invalid: a cluster-scoped resource has no namespace");
    return FALSE;
  }
  return TRUE;
}

static Entry *lookup_entry(const KsStore *s, KsStoreKind kind, const char *ns,
                           const char *name) {
  KsStoreObject key = {.namespace = ns, .name = name};
  Entry probe = {&key};
  return g_hash_table_lookup(s->index[kind], &probe);
}

static KsStoreObject *lookup(const KsStore *s, KsStoreKind kind, const char *ns,
                             const char *name) {
  Entry *e = lookup_entry(s, kind, ns, name);
  return e ? e->obj : NULL;
}

/* Finds the object a write or delete applies to, checking expected_rv. */
static Entry *lookup_for_write(KsStore *s, KsStoreKind kind, const char *ns, const char *name,
                               guint64 expected_rv, GError **error) {
  Entry *e = lookup_entry(s, kind, ns, name);
  if (!e) {
    set_key_error(error, KS_STORE_ERROR_NOT_FOUND, kind, ns, name, "not found");
    return NULL;
  }
  const KsStoreObject *cur = e->obj;
  if (expected_rv && cur->resource_version != expected_rv) {
    g_set_error(error, KS_STORE_ERROR, KS_STORE_ERROR_CONFLICT,
                "Operation cannot be fulfilled on %s \"%s%s%s\": the object has been modified "
                "(resourceVersion %" G_GUINT64_FORMAT ", expected %" G_GUINT64_FORMAT
                "); please apply your changes to the latest version and try again",
                kind_info[kind].resource, ns, *ns ? "/" : "", name, cur->resource_version,
                expected_rv);
    return NULL;
  }
  return e;
}

static guint64 reject(gpointer data, GDestroyNotify free_data) {
  if (free_data)
    free_data(data);
  return 0;
}

guint64 ks_store_create(KsStore *s, KsStoreKind kind, const char *namespace, const char *name,
                        gpointer data, GDestroyNotify free_data, GError **error) {
  g_return_val_if_fail(s != NULL, reject(data, free_data));
  if (!validate_key(kind, &namespace, name, error))
    return reject(data, free_data);
  if (lookup(s, kind, namespace, name)) {
    set_key_error(error, KS_STORE_ERROR_ALREADY_EXISTS, kind, namespace, name, "already exists");
    return reject(data, free_data);
  }
  KsStoreObject *obj = object_new(kind, namespace, name, ++s->revision, data, free_data);
  Entry *e = g_new(Entry, 1);
  e->obj = obj;
  g_tree_insert(s->objects[kind], e, e);
  g_hash_table_add(s->index[kind], e);
  for (guint i = 0; i < s->indexes->len; i++) {
    Index *ix = s->indexes->pdata[i];
    if (ix->kind == kind)
      index_add(ix, e);
  }
  notify(s, kind, KS_WATCH_ADDED, NULL, obj);
  return obj->resource_version;
}

guint64 ks_store_update(KsStore *s, KsStoreKind kind, const char *namespace, const char *name,
                        gpointer data, GDestroyNotify free_data, guint64 expected_rv,
                        GError **error) {
  g_return_val_if_fail(s != NULL, reject(data, free_data));
  if (!validate_key(kind, &namespace, name, error))
    return reject(data, free_data);
  Entry *e = lookup_for_write(s, kind, namespace, name, expected_rv, error);
  if (!e)
    return reject(data, free_data);
  /* namespace and name may be old's strings: copied before old can go. */
  KsStoreObject *obj = object_new(kind, namespace, name, ++s->revision, data, free_data);
  KsStoreObject *old = e->obj;
  e->obj = obj; /* same key: the tree and the index stay as they are */
  for (guint i = 0; i < s->indexes->len; i++) {
    Index *ix = s->indexes->pdata[i];
    if (ix->kind != kind)
      continue;
    const char *was = ix->fn(old), *is = ix->fn(obj);
    if (g_strcmp0(was, is) != 0) {
      index_remove(ix, e, was); /* e's key is unchanged: found by obj's */
      index_add(ix, e);
    }
  }
  notify(s, kind, KS_WATCH_MODIFIED, old, obj);
  ks_store_object_unref(old); /* the Entry's reference */
  return obj->resource_version;
}

gboolean ks_store_delete(KsStore *s, KsStoreKind kind, const char *namespace, const char *name,
                         guint64 expected_rv, GError **error) {
  g_return_val_if_fail(s != NULL, FALSE);
  if (!validate_key(kind, &namespace, name, error))
    return FALSE;
  Entry *e = lookup_for_write(s, kind, namespace, name, expected_rv, error);
  if (!e)
    return FALSE;
  s->revision++;
  /* Our own reference: the watchers need old after the Entry is freed. */
  KsStoreObject *old = ks_store_object_ref(e->obj);
  for (guint i = 0; i < s->indexes->len; i++) {
    Index *ix = s->indexes->pdata[i];
    if (ix->kind == kind)
      index_remove(ix, e, ix->fn(old));
  }
  g_hash_table_remove(s->index[kind], e);
  g_tree_remove(s->objects[kind], e); /* frees the Entry and its reference */
  notify(s, kind, KS_WATCH_DELETED, old, NULL);
  ks_store_object_unref(old);
  return TRUE;
}

/* --- reads -------------------------------------------------------------- */

const KsStoreObject *ks_store_get(const KsStore *s, KsStoreKind kind, const char *namespace,
                                  const char *name) {
  g_return_val_if_fail(s != NULL && (guint)kind < KS_STORE_N_KINDS, NULL);
  if (!name)
    return NULL;
  return lookup(s, kind, namespace ? namespace : "", name);
}

static KsStoreObject *node_object(GTreeNode *n) { return ((Entry *)g_tree_node_key(n))->obj; }

/* First node of namespace ns (all namespaces when NULL), or NULL. */
static GTreeNode *first_node(const KsStore *s, KsStoreKind kind, const char *ns) {
  if (!ns)
    return g_tree_node_first(s->objects[kind]);
  KsStoreObject key = {.namespace = ns, .name = ""};
  Entry probe = {&key};
  GTreeNode *n = g_tree_lower_bound(s->objects[kind], &probe);
  return n && !strcmp(node_object(n)->namespace, ns) ? n : NULL;
}

static gboolean in_namespace(GTreeNode *n, const char *ns) {
  return !ns || !strcmp(node_object(n)->namespace, ns);
}

GPtrArray *ks_store_list(const KsStore *s, KsStoreKind kind, const char *namespace) {
  g_return_val_if_fail(s != NULL && (guint)kind < KS_STORE_N_KINDS, NULL);
  guint n = namespace ? 0 : (guint)g_tree_nnodes(s->objects[kind]);
  GPtrArray *out = g_ptr_array_new_full(n, (GDestroyNotify)ks_store_object_unref);
  for (GTreeNode *node = first_node(s, kind, namespace); node && in_namespace(node, namespace);
       node = g_tree_node_next(node))
    g_ptr_array_add(out, ks_store_object_ref(node_object(node)));
  return out;
}

void ks_store_foreach(const KsStore *s, KsStoreKind kind, KsStoreForeachFn fn,
                      gpointer user_data) {
  g_return_if_fail(s != NULL && fn != NULL && (guint)kind < KS_STORE_N_KINDS);
  for (GTreeNode *node = g_tree_node_first(s->objects[kind]); node; node = g_tree_node_next(node))
    if (!fn(node_object(node), user_data))
      return;
}

guint ks_store_count(const KsStore *s, KsStoreKind kind) {
  g_return_val_if_fail(s != NULL && (guint)kind < KS_STORE_N_KINDS, 0);
  return (guint)g_tree_nnodes(s->objects[kind]);
}

/* --- secondary indexes -------------------------------------------------- */

static gboolean index_existing(gpointer key, gpointer value, gpointer data) {
  index_add(data, key);
  return FALSE;
}

guint ks_store_index(KsStore *s, KsStoreKind kind, const char *name, KsStoreIndexFn fn) {
  g_return_val_if_fail(s != NULL && name != NULL && fn != NULL, 0);
  g_return_val_if_fail((guint)kind < KS_STORE_N_KINDS, 0);
  for (guint i = 0; i < s->indexes->len; i++) {
    const Index *ix = s->indexes->pdata[i];
    if (ix->kind == kind && !strcmp(ix->name, name)) {
      g_return_val_if_fail(ix->fn == fn, 0);
      return i + 1;
    }
  }
  Index *ix = g_new(Index, 1);
  *ix = (Index){.name = g_strdup(name),
                .kind = kind,
                .fn = fn,
                .buckets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                 (GDestroyNotify)g_tree_unref)};
  g_tree_foreach(s->objects[kind], index_existing, ix);
  g_ptr_array_add(s->indexes, ix);
  return s->indexes->len;
}

typedef struct {
  GPtrArray *out;
  const char *ns;
} IndexWalk;

static gboolean collect_indexed(gpointer key, gpointer value, gpointer data) {
  IndexWalk *w = data;
  KsStoreObject *o = ((Entry *)key)->obj;
  if (!w->ns || !strcmp(o->namespace, w->ns))
    g_ptr_array_add(w->out, ks_store_object_ref(o));
  return FALSE;
}

GPtrArray *ks_store_list_by_index(const KsStore *s, guint index_id, const char *value,
                                  const char *namespace) {
  g_return_val_if_fail(s != NULL && index_id > 0 && index_id <= s->indexes->len, NULL);
  const Index *ix = s->indexes->pdata[index_id - 1];
  GTree *t = value ? g_hash_table_lookup(ix->buckets, value) : NULL;
  IndexWalk w = {g_ptr_array_new_full(t ? (guint)g_tree_nnodes(t) : 0,
                                      (GDestroyNotify)ks_store_object_unref),
                 namespace};
  if (t)
    g_tree_foreach(t, collect_indexed, &w);
  return w.out;
}
