/* See garbage_collector.h.
 *
 * The graph: owner uid -> the set of dependents' queue keys, updated from
 * the watch events (a dependent's references are diffed old against new).
 * Sets are hash tables used for membership; whenever dependents are walked
 * they are sorted first, so the order of writes never depends on hashing.
 */
#include "sim/controllers/garbage_collector.h"

#include <string.h>

#include "sched/owner_ref.h"
#include "sim/controllers/deletion.h"
#include "sim/controllers/object_access.h"
#include "workloads/object_meta.h"

typedef struct {
  KsController *c;
  GHashTable *dependents; /* owner uid (owned) -> GHashTable of dependent keys (owned) */
  GHashTable *owner_keys; /* owner uid (owned) -> its key (owned), for owners in the store */
} Gc;

/* The kinds the collector watches: those with owner references or finalizers. */
static const KsStoreKind WATCHED[] = {
  KS_STORE_POD,          KS_STORE_REPLICA_SET,    KS_STORE_DEPLOYMENT,
  KS_STORE_DAEMON_SET,   KS_STORE_STATEFUL_SET,   KS_STORE_CONTROLLER_REVISION,
  KS_STORE_JOB,          KS_STORE_CRON_JOB,       KS_STORE_SERVICE,
  KS_STORE_CONFIG_MAP,   KS_STORE_SECRET,         KS_STORE_PERSISTENT_VOLUME,
  KS_STORE_PERSISTENT_VOLUME_CLAIM, KS_STORE_REPLICATION_CONTROLLER,
};

char *ks_garbage_collector_key(KsStoreKind kind, const char *ns, const char *name) {
  return g_strdup_printf("%s/%s/%s", ks_store_kind_to_string(kind), ns ? ns : "", name);
}

static gboolean parse_key(const char *key, KsStoreKind *kind, char **ns, char **name) {
  const char *a = strchr(key, '/');
  const char *b = a ? strchr(a + 1, '/') : NULL;
  if (!b)
    return FALSE;
  for (int k = 0; k < KS_STORE_N_KINDS; k++)
    if (strncmp(key, ks_store_kind_to_string(k), (gsize)(a - key)) == 0 &&
        ks_store_kind_to_string(k)[a - key] == '\0') {
      *kind = (KsStoreKind)k;
      *ns = g_strndup(a + 1, (gsize)(b - a - 1));
      *name = g_strdup(b + 1);
      return TRUE;
    }
  return FALSE;
}

static KsStoreKind kind_of(const KsStoreObject *o) { return o->kind; }

static char *key_of(const KsStoreObject *o) {
  return ks_garbage_collector_key(kind_of(o), o->namespace, o->name);
}

static void fields_of(const KsStoreObject *o, KsObjectFields *f) {
  ks_object_fields(kind_of(o), o->data, f);
}

static const GArray *refs_of(const KsStoreObject *o) {
  KsObjectFields f;
  fields_of(o, &f);
  return f.owner_references ? *f.owner_references : NULL;
}

static const char *uid_of(const KsStoreObject *o) {
  KsObjectFields f;
  fields_of(o, &f);
  return f.uid ? *f.uid : NULL;
}

static void link_owner(Gc *g, const char *owner_uid, const char *dep_key) {
  GHashTable *set = g_hash_table_lookup(g->dependents, owner_uid);
  if (!set) {
    set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_hash_table_insert(g->dependents, g_strdup(owner_uid), set);
  }
  g_hash_table_add(set, g_strdup(dep_key));
}

static void unlink_owner(Gc *g, const char *owner_uid, const char *dep_key) {
  GHashTable *set = g_hash_table_lookup(g->dependents, owner_uid);
  if (set && g_hash_table_remove(set, dep_key) && g_hash_table_size(set) == 0)
    g_hash_table_remove(g->dependents, owner_uid);
}

static gboolean refs_have_uid(const GArray *refs, const char *uid) {
  return refs && uid && ks_owner_reference_find_uid(refs, uid) != NULL;
}

/* Updates the graph for a change from old_obj to new_obj (either NULL). */
static void track(Gc *g, const KsStoreObject *old_obj, const KsStoreObject *new_obj) {
  const KsStoreObject *any = new_obj ? new_obj : old_obj;
  const GArray *old_refs = old_obj ? refs_of(old_obj) : NULL;
  const GArray *new_refs = new_obj ? refs_of(new_obj) : NULL;
  const char *old_uid = old_obj ? uid_of(old_obj) : NULL;
  const char *new_uid = new_obj ? uid_of(new_obj) : NULL;
  if (!old_refs && !new_refs && !old_uid && !new_uid)
    return; /* most pods of a replay: nothing to track, no allocation */
  char *key = key_of(any);
  for (guint i = 0; old_refs && i < old_refs->len; i++) {
    const KsOwnerReference *r = &g_array_index(old_refs, KsOwnerReference, i);
    if (r->uid && !refs_have_uid(new_refs, r->uid))
      unlink_owner(g, r->uid, key);
  }
  for (guint i = 0; new_refs && i < new_refs->len; i++) {
    const KsOwnerReference *r = &g_array_index(new_refs, KsOwnerReference, i);
    if (r->uid)
      link_owner(g, r->uid, key);
  }
  if (old_uid && g_strcmp0(old_uid, new_uid) != 0)
    g_hash_table_remove(g->owner_keys, old_uid);
  if (new_uid)
    g_hash_table_replace(g->owner_keys, g_strdup(new_uid), g_strdup(key));
  g_free(key);
}

/* Queue keys of uid's dependents, unsorted. transfer container (strings borrowed) */
static GPtrArray *dependents_of(Gc *g, const char *uid) {
  GPtrArray *out = g_ptr_array_new();
  GHashTable *set = uid ? g_hash_table_lookup(g->dependents, uid) : NULL;
  if (set) {
    GHashTableIter it;
    gpointer k;
    g_hash_table_iter_init(&it, set);
    while (g_hash_table_iter_next(&it, &k, NULL))
      g_ptr_array_add(out, k);
  }
  return out;
}

static int cmp_str_ptr(gconstpointer a, gconstpointer b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static GPtrArray *sorted_dependents(Gc *g, const char *uid) {
  GPtrArray *out = dependents_of(g, uid);
  g_ptr_array_sort(out, cmp_str_ptr);
  return out;
}

static void enqueue_dependents(Gc *g, const char *uid) {
  GPtrArray *deps = sorted_dependents(g, uid);
  for (guint i = 0; i < deps->len; i++)
    ks_controller_enqueue_key(g->c, deps->pdata[i]);
  g_ptr_array_unref(deps);
}

/* The owners of o (by its references) that the collector knows, queued. */
static void enqueue_owners(Gc *g, const KsStoreObject *o) {
  const GArray *refs = refs_of(o);
  for (guint i = 0; refs && i < refs->len; i++) {
    const char *owner = g_hash_table_lookup(g->owner_keys,
                                            g_array_index(refs, KsOwnerReference, i).uid);
    if (owner)
      ks_controller_enqueue_key(g->c, owner);
  }
}

static gboolean being_deleted(const KsStoreObject *o);

static gboolean has_refs(const KsStoreObject *o) {
  const GArray *refs = refs_of(o);
  return refs && refs->len;
}

/* Worth a sync: added with references or being deleted. */
static gboolean interesting(const KsStoreObject *o) { return has_refs(o) || being_deleted(o); }

static void on_add(KsController *c, gpointer self, const KsStoreObject *obj) {
  Gc *g = self;
  track(g, NULL, obj);
  if (interesting(obj)) {
    char *key = key_of(obj);
    ks_controller_enqueue_key(c, key);
    g_free(key);
  }
}

static void on_update(KsController *c, gpointer self, const KsStoreObject *old_obj,
                      const KsStoreObject *new_obj) {
  Gc *g = self;
  track(g, old_obj, new_obj);
  /* only a change of references or of deletion state matters (a pod's
   * phase changes do not) */
  if (being_deleted(new_obj) ||
      ((has_refs(old_obj) || has_refs(new_obj)) &&
       !ks_owner_reference_array_equal(refs_of(old_obj), refs_of(new_obj)))) {
    char *key = key_of(new_obj);
    ks_controller_enqueue_key(c, key);
    g_free(key);
    enqueue_owners(g, old_obj); /* references removed: owners waiting on them */
  }
}

static void on_delete(KsController *c, gpointer self, const KsStoreObject *obj) {
  Gc *g = self;
  track(g, obj, NULL);
  enqueue_dependents(g, uid_of(obj));
  enqueue_owners(g, obj);
}

static gpointer gc_init(KsController *c) {
  Gc *g = g_new0(Gc, 1);
  g->c = c;
  g->dependents = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify)g_hash_table_unref);
  g->owner_keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  KsInformerHandlers h = {on_add, on_update, on_delete};
  for (guint i = 0; i < G_N_ELEMENTS(WATCHED); i++)
    ks_controller_watch(c, WATCHED[i], &h, 0);
  return g;
}

static void gc_free(gpointer self) {
  Gc *g = self;
  g_hash_table_unref(g->dependents);
  g_hash_table_unref(g->owner_keys);
  g_free(g);
}

/* ---- sync ------------------------------------------------------------------ */

static const KsStoreObject *lookup_key(KsStore *s, const char *key) {
  KsStoreKind kind;
  char *ns, *name;
  if (!parse_key(key, &kind, &ns, &name))
    return NULL;
  const KsStoreObject *o = ks_store_get(s, kind, ns, name);
  g_free(ns);
  g_free(name);
  return o;
}

static gboolean being_deleted(const KsStoreObject *o) {
  KsObjectFields f;
  fields_of(o, &f);
  return f.deletion_timestamp_us && *f.deletion_timestamp_us;
}

static gboolean has_finalizer(const KsStoreObject *o, const char *fin) {
  KsObjectFields f;
  fields_of(o, &f);
  return f.finalizers && ks_finalizers_have(*f.finalizers, fin);
}

/* Writes a copy of o without its references to the uids in drop. */
static gboolean remove_refs(KsStore *s, const KsStoreObject *o, GPtrArray *drop) {
  gpointer copy = ks_object_data_copy(kind_of(o), o->data);
  KsObjectFields f;
  ks_object_fields(kind_of(o), copy, &f);
  for (guint i = 0; i < drop->len; i++)
    ks_owner_reference_array_remove_uid(*f.owner_references, drop->pdata[i]);
  if ((*f.owner_references)->len == 0)
    g_clear_pointer(f.owner_references, g_array_unref);
  return ks_store_update(s, kind_of(o), o->namespace, o->name, copy,
                         ks_object_data_free_func(kind_of(o)), o->resource_version, NULL) != 0;
}

/* orphanDependents, then the orphan finalizer goes. */
static gboolean orphan_dependents(Gc *g, const KsStoreObject *o) {
  KsStore *s = ks_controller_store(g->c);
  const char *uid = uid_of(o);
  GPtrArray *deps = sorted_dependents(g, uid);
  GPtrArray *drop = g_ptr_array_new();
  g_ptr_array_add(drop, (gpointer)uid);
  gboolean ok = TRUE;
  for (guint i = 0; i < deps->len; i++) {
    const KsStoreObject *d = lookup_key(s, deps->pdata[i]);
    if (d && refs_have_uid(refs_of(d), uid) && !remove_refs(s, d, drop))
      ok = FALSE;
  }
  g_ptr_array_unref(drop);
  g_ptr_array_unref(deps);
  return ok && ks_object_remove_finalizer(s, kind_of(o), o->namespace, o->name,
                                          KS_FINALIZER_ORPHAN, NULL);
}

/* processDeletingDependentsItem: blocking dependents are deleted first. */
static gboolean delete_dependents_first(Gc *g, const KsStoreObject *o) {
  KsStore *s = ks_controller_store(g->c);
  const char *uid = uid_of(o);
  GPtrArray *deps = sorted_dependents(g, uid);
  guint blocking = 0;
  for (guint i = 0; i < deps->len; i++) {
    const KsStoreObject *d = lookup_key(s, deps->pdata[i]);
    const KsOwnerReference *r = d ? ks_owner_reference_find_uid(refs_of(d), uid) : NULL;
    if (r && r->block_owner_deletion) {
      blocking++;
      ks_controller_enqueue_key(g->c, deps->pdata[i]);
    }
  }
  g_ptr_array_unref(deps);
  if (blocking)
    return TRUE; /* their deletions queue this owner again */
  return ks_object_remove_finalizer(s, kind_of(o), o->namespace, o->name,
                                    KS_FINALIZER_FOREGROUND, NULL);
}

typedef enum { OWNER_SOLID, OWNER_DANGLING, OWNER_WAITING } OwnerState;

static OwnerState owner_state(KsStore *s, const char *ns, const KsOwnerReference *r) {
  KsStoreKind kind;
  if (!ks_object_kind_from_name(r->kind, &kind))
    return OWNER_SOLID; /* a kind ksim does not store: never collected */
  const KsStoreObject *o = ks_store_get(s, kind, ks_store_kind_is_namespaced(kind) ? ns : "",
                                        r->name);
  if (!o || g_strcmp0(uid_of(o), r->uid) != 0)
    return OWNER_DANGLING;
  if (being_deleted(o) && has_finalizer(o, KS_FINALIZER_FOREGROUND))
    return OWNER_WAITING;
  return OWNER_SOLID;
}

/* attemptToDeleteItem. */
static gboolean attempt_to_delete(Gc *g, const KsStoreObject *o) {
  KsStore *s = ks_controller_store(g->c);
  const GArray *refs = refs_of(o);
  if (!refs || refs->len == 0)
    return TRUE;
  guint solid = 0;
  gboolean waiting = FALSE;
  GPtrArray *drop = g_ptr_array_new();
  for (guint i = 0; i < refs->len; i++) {
    const KsOwnerReference *r = &g_array_index(refs, KsOwnerReference, i);
    OwnerState st = owner_state(s, o->namespace, r);
    if (st == OWNER_SOLID)
      solid++;
    else
      g_ptr_array_add(drop, r->uid);
    if (st == OWNER_WAITING)
      waiting = TRUE;
  }
  gboolean ok = TRUE;
  if (solid) {
    if (drop->len)
      ok = remove_refs(s, o, drop);
  } else if (waiting && g_hash_table_lookup(g->dependents, uid_of(o) ? uid_of(o) : "")) {
    ok = ks_object_delete(s, kind_of(o), o->namespace, o->name, KS_PROPAGATION_FOREGROUND, NULL);
  } else {
    KsPropagation p = has_finalizer(o, KS_FINALIZER_ORPHAN)       ? KS_PROPAGATION_ORPHAN
                      : has_finalizer(o, KS_FINALIZER_FOREGROUND) ? KS_PROPAGATION_FOREGROUND
                                                                  : KS_PROPAGATION_BACKGROUND;
    if (!being_deleted(o))
      ok = ks_object_delete(s, kind_of(o), o->namespace, o->name, p, NULL);
  }
  g_ptr_array_unref(drop);
  return ok;
}

static KsSyncResult gc_sync(KsController *c, gpointer self, const char *key) {
  Gc *g = self;
  KsStore *s = ks_controller_store(c);
  const KsStoreObject *found = lookup_key(s, key);
  if (!found)
    return KS_SYNC_DONE;
  KsStoreObject *o = ks_store_object_ref(found);
  gboolean ok = TRUE;
  if (being_deleted(o)) {
    KsObjectFields f;
    fields_of(o, &f);
    /* a pod in its grace period is its kubelet's to remove (pod_termination.h) */
    gboolean in_grace = kind_of(o) == KS_STORE_POD &&
                        ((const KsPod *)o->data)->deletion_grace_period_seconds > 0;
    if ((!f.finalizers || !*f.finalizers) && !in_grace)
      ok = ks_store_delete(s, kind_of(o), o->namespace, o->name, o->resource_version, NULL);
    else if (has_finalizer(o, KS_FINALIZER_ORPHAN))
      ok = orphan_dependents(g, o);
    else if (has_finalizer(o, KS_FINALIZER_FOREGROUND))
      ok = delete_dependents_first(g, o);
  } else {
    ok = attempt_to_delete(g, o);
  }
  ks_store_object_unref(o);
  return ok ? KS_SYNC_DONE : KS_SYNC_RETRY;
}

const KsControllerClass ks_garbage_collector_class = {
  .name = "garbagecollector",
  .default_workers = KS_GARBAGE_COLLECTOR_WORKERS,
  .init = gc_init,
  .sync = gc_sync,
  .free = gc_free,
};
