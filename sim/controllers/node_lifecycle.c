/* See node_lifecycle.h.
 *
 * State mirrors upstream's: per node the zone, the Ready status last seen
 * (store or own write) and a probe floor (the probe reset when the cluster
 * leaves full disruption); per zone the counts of nodes and of nodes not
 * Ready, the state, the tainting queue (a FIFO plus upstream's set, which
 * keeps a processed node until it is removed) and its token bucket. The
 * bucket has burst 1, so it is one number: the time it is full again
 * (accept iff now >= full_at; accepting sets full_at = now + 1/qps).
 *
 * The node informer keeps counts and the "tracked" set: nodes that the
 * monitor pass must look at (kubelet down, Ready not True, a NoExecute taint
 * of ours, or in a queue's set). Nothing else needs a pass, which is what
 * lets the pass be scheduled only while something is tracked or a zone is
 * not Normal.
 */
#include "sim/controllers/node_lifecycle.h"

#include <string.h>

#include "workloads/duration.h"

typedef enum { READY_TRUE, READY_FALSE, READY_UNKNOWN } Ready;
typedef enum { ZONE_INITIAL, ZONE_NORMAL, ZONE_FULL, ZONE_PARTIAL } ZoneState;

typedef struct {
  char *name;
  char *zone;
  gboolean excluded;     /* node.kubernetes.io/exclude-disruption */
  Ready ready;           /* as last seen or written */
  gint64 probe_floor_us; /* probe timestamps reset at this time */
} NodeRec;

typedef struct {
  char *key;
  guint size, not_ready; /* nodes counted (not excluded) */
  ZoneState state;
  gboolean has_state;     /* in upstream's zoneStates map */
  gint64 mqps;            /* 0: the never limiter */
  gint64 full_at_us;      /* token bucket full again */
  GQueue queue;           /* node names (owned), FIFO */
  GHashTable *set;        /* names (owned) added and not yet removed */
} Zone;

typedef struct {
  KsController *c;
  GHashTable *nodes;   /* name -> NodeRec* */
  GHashTable *zones;   /* key -> Zone* */
  GHashTable *tracked; /* name set */
  guint64 tick_event, pass_event;
  gint64 pass_at_us;
  gint64 last_tick_us; /* -1 before the first pass */
} Lifecycle;

static const char *const pressure_types[] = {"MemoryPressure", "DiskPressure", "PIDPressure"};

/* ---- small helpers ------------------------------------------------------------ */

static gint64 ceil_to(gint64 t, gint64 period) {
  return t <= 0 ? 0 : ((t + period - 1) / period) * period;
}

static Ready ready_of(const KsNode *n) {
  const char *s = ks_node_condition_status(n, "Ready");
  if (!s || !strcmp(s, "True"))
    return READY_TRUE;
  return !strcmp(s, "False") ? READY_FALSE : READY_UNKNOWN;
}

static gboolean has_taint(const KsNode *n, const char *key, KsTaintEffect effect) {
  for (guint i = 0; n->taints && i < n->taints->len; i++) {
    const KsTaint *t = &g_array_index(n->taints, KsTaint, i);
    if (t->effect == effect && !g_strcmp0(t->key, key))
      return TRUE;
  }
  return FALSE;
}

static gboolean remove_taint(KsNode *n, const char *key, KsTaintEffect effect) {
  for (guint i = 0; n->taints && i < n->taints->len; i++) {
    const KsTaint *t = &g_array_index(n->taints, KsTaint, i);
    if (t->effect == effect && !g_strcmp0(t->key, key)) {
      g_array_remove_index(n->taints, i);
      return TRUE;
    }
  }
  return FALSE;
}

/* upstream AddOrUpdateTaint with SwapNodeControllerTaint's timeAdded. */
static gboolean add_taint(KsNode *n, const char *key, KsTaintEffect effect, gint64 now) {
  if (has_taint(n, key, effect))
    return FALSE;
  ks_node_add_taint(n, key, NULL, effect);
  g_array_index(n->taints, KsTaint, n->taints->len - 1).time_added_us = now;
  return TRUE;
}

char *ks_node_zone_key(const KsNode *node) {
  const char *zone = ks_labels_get(&node->labels, "topology.kubernetes.io/zone");
  if (!zone)
    zone = ks_labels_get(&node->labels, "failure-domain.beta.kubernetes.io/zone");
  const char *region = ks_labels_get(&node->labels, "topology.kubernetes.io/region");
  if (!region)
    region = ks_labels_get(&node->labels, "failure-domain.beta.kubernetes.io/region");
  if ((!zone || !*zone) && (!region || !*region))
    return g_strdup("");
  return g_strconcat(region ? region : "", ":/:", zone ? zone : "", NULL);
}

/* The kubelet's last Lease renewal when it is down; FALSE when it is up. */
static gboolean last_renewal(const KsNode *n, gint64 *out) {
  const char *v = ks_labels_get(&n->annotations, KS_ANNOTATION_LAST_LEASE_RENEWAL);
  if (!v)
    return FALSE;
  if (!ks_duration_parse(v, out, NULL) || *out < 0)
    *out = 0; /* unreadable: as if it never renewed since the start */
  return TRUE;
}

/* Edits the stored node through fn on a copy; writes when fn says it changed
 * something. */
typedef gboolean (*NodeEdit)(KsNode *n, gpointer data, gint64 now);

static gboolean edit_node(Lifecycle *lc, const char *name, NodeEdit fn, gpointer data) {
  KsStore *store = ks_controller_store(lc->c);
  const KsStoreObject *obj = ks_store_get(store, KS_STORE_NODE, NULL, name);
  if (!obj)
    return FALSE;
  KsNode *copy = ks_node_copy(obj->data);
  if (!fn(copy, data, ks_controller_now(lc->c))) {
    ks_node_unref(copy);
    return FALSE;
  }
  GError *error = NULL;
  if (!ks_store_update(store, KS_STORE_NODE, NULL, name, copy, (GDestroyNotify)ks_node_unref,
                       obj->resource_version, &error)) {
    g_warning("node lifecycle: %s", error->message);
    g_error_free(error);
    return FALSE;
  }
  return TRUE;
}

/* ---- zones and their tainting queues ----------------------------------------- */

static void zone_free(gpointer p) {
  Zone *z = p;
  g_queue_clear_full(&z->queue, g_free);
  g_hash_table_destroy(z->set);
  g_free(z->key);
  g_free(z);
}

static Zone *zone_get(Lifecycle *lc, const char *key) {
  Zone *z = g_hash_table_lookup(lc->zones, key);
  if (z)
    return z;
  /* addPodEvictorForNewZone: a full bucket at the normal rate */
  z = g_new0(Zone, 1);
  z->key = g_strdup(key);
  z->state = ZONE_INITIAL;
  z->mqps = KS_NODE_EVICTION_RATE_MQPS;
  z->full_at_us = G_MININT64;
  g_queue_init(&z->queue);
  z->set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_insert(lc->zones, z->key, z);
  return z;
}

static gint64 interval_us(gint64 mqps) { return (gint64)1000 * G_USEC_PER_SEC / mqps; }

/* flowcontrol TryAccept on the zone's limiter. */
static gboolean try_accept(Zone *z, gint64 now) {
  if (z->mqps <= 0 || now < z->full_at_us)
    return FALSE;
  z->full_at_us = now + interval_us(z->mqps);
  return TRUE;
}

/* RateLimitedTimedQueue.SwapLimiter: a new bucket, drained when the old one
 * had no token (burst 1). */
static void swap_limiter(Zone *z, gint64 mqps, gint64 now) {
  if (z->mqps == mqps)
    return;
  gboolean old_had_token = try_accept(z, now);
  z->mqps = mqps;
  z->full_at_us = G_MININT64;
  if (mqps > 0 && !old_had_token)
    try_accept(z, now);
}

static void queue_drop(Zone *z, const char *name) {
  for (GList *l = z->queue.head; l; l = l->next)
    if (!strcmp(l->data, name)) {
      g_free(l->data);
      g_queue_delete_link(&z->queue, l);
      return;
    }
}

/* UniqueQueue.Remove: out of the queue and the set. */
static gboolean zone_remove(Zone *z, const char *name) {
  queue_drop(z, name);
  return g_hash_table_remove(z->set, name);
}

/* UniqueQueue.Add: FALSE when already in the set. */
static gboolean zone_add(Zone *z, const char *name) {
  if (g_hash_table_contains(z->set, name))
    return FALSE;
  g_hash_table_add(z->set, g_strdup(name));
  g_queue_push_tail(&z->queue, g_strdup(name));
  return TRUE;
}

/* ---- node records and tracking ---------------------------------------------------- */

static void rec_free(gpointer p) {
  NodeRec *r = p;
  g_free(r->name);
  g_free(r->zone);
  g_free(r);
}

static void count(Lifecycle *lc, const NodeRec *r, gint sign) {
  if (r->excluded)
    return;
  Zone *z = zone_get(lc, r->zone);
  z->size += sign;
  if (r->ready != READY_TRUE)
    z->not_ready += sign;
}

static void set_ready(Lifecycle *lc, NodeRec *r, Ready ready) {
  count(lc, r, -1);
  r->ready = ready;
  count(lc, r, +1);
}

static gboolean in_some_set(Lifecycle *lc, const NodeRec *r) {
  const Zone *z = g_hash_table_lookup(lc->zones, r->zone);
  return z && g_hash_table_contains(z->set, r->name);
}

static gboolean needs_watching(Lifecycle *lc, const NodeRec *r, const KsNode *n) {
  gint64 renewal;
  return last_renewal(n, &renewal) || ready_of(n) != READY_TRUE ||
         has_taint(n, KS_TAINT_NODE_UNREACHABLE, KS_TAINT_EFFECT_NO_EXECUTE) ||
         has_taint(n, KS_TAINT_NODE_NOT_READY, KS_TAINT_EFFECT_NO_EXECUTE) || in_some_set(lc, r);
}

static gboolean any_zone_unsettled(Lifecycle *lc) {
  GHashTableIter it;
  gpointer v;
  g_hash_table_iter_init(&it, lc->zones);
  while (g_hash_table_iter_next(&it, NULL, &v)) {
    const Zone *z = v;
    if (z->has_state && z->state != ZONE_NORMAL && z->state != ZONE_INITIAL)
      return TRUE;
  }
  return FALSE;
}

static void monitor_pass(KsEngine *e, gpointer data);

/* The next monitor pass on the 5 s grid, at or after now. */
static void ensure_tick(Lifecycle *lc) {
  if (lc->tick_event)
    return;
  gint64 at = ceil_to(ks_controller_now(lc->c), KS_NODE_MONITOR_PERIOD_US);
  if (at == lc->last_tick_us)
    at += KS_NODE_MONITOR_PERIOD_US; /* this instant's pass has run */
  lc->tick_event = ks_engine_schedule(ks_controller_engine(lc->c), at, monitor_pass, lc, NULL);
}

static void track(Lifecycle *lc, NodeRec *r, const KsNode *n) {
  if (needs_watching(lc, r, n)) {
    g_hash_table_add(lc->tracked, g_strdup(r->name));
    ensure_tick(lc);
  } else {
    g_hash_table_remove(lc->tracked, r->name);
  }
}

/* ---- informer ------------------------------------------------------------------------ */

static void node_seen(KsController *c, Lifecycle *lc, const KsNode *n) {
  NodeRec *r = g_hash_table_lookup(lc->nodes, n->name);
  if (!r) {
    r = g_new0(NodeRec, 1);
    r->name = g_strdup(n->name);
    r->zone = ks_node_zone_key(n);
    r->excluded = ks_labels_get(&n->labels, "node.kubernetes.io/exclude-disruption") != NULL;
    r->ready = ready_of(n);
    g_hash_table_insert(lc->nodes, r->name, r);
    count(lc, r, +1);
  } else {
    char *zone = ks_node_zone_key(n);
    gboolean excluded = ks_labels_get(&n->labels, "node.kubernetes.io/exclude-disruption") != NULL;
    count(lc, r, -1);
    if (strcmp(zone, r->zone)) {
      Zone *old = g_hash_table_lookup(lc->zones, r->zone);
      if (old)
        zone_remove(old, r->name);
      g_free(r->zone);
      r->zone = zone;
      zone = NULL;
    }
    g_free(zone);
    r->excluded = excluded;
    r->ready = ready_of(n);
    count(lc, r, +1);
  }
  track(lc, r, n);
  ks_controller_enqueue_key(c, n->name);
}

static void node_add(KsController *c, gpointer self, const KsStoreObject *obj) {
  node_seen(c, self, obj->data);
}

static void node_update(KsController *c, gpointer self, const KsStoreObject *old_obj,
                        const KsStoreObject *new_obj) {
  node_seen(c, self, new_obj->data);
}

static void node_del(KsController *c, gpointer self, const KsStoreObject *obj) {
  Lifecycle *lc = self;
  const KsNode *n = obj->data;
  NodeRec *r = g_hash_table_lookup(lc->nodes, n->name);
  if (!r)
    return;
  count(lc, r, -1);
  Zone *z = g_hash_table_lookup(lc->zones, r->zone);
  if (z)
    zone_remove(z, r->name);
  g_hash_table_remove(lc->tracked, n->name);
  g_hash_table_remove(lc->nodes, n->name);
}

/* ---- NoSchedule pass (TaintNodesByCondition) ------------------------------------ */

static const char *condition_taint(const KsNodeCondition *c) {
  if (!c->type || !c->status)
    return NULL;
  if (!strcmp(c->type, "Ready"))
    return !strcmp(c->status, "False")     ? KS_TAINT_NODE_NOT_READY
           : !strcmp(c->status, "Unknown") ? KS_TAINT_NODE_UNREACHABLE
                                           : NULL;
  if (strcmp(c->status, "True"))
    return NULL;
  if (!strcmp(c->type, "MemoryPressure"))
    return KS_TAINT_NODE_MEMORY_PRESSURE;
  if (!strcmp(c->type, "DiskPressure"))
    return KS_TAINT_NODE_DISK_PRESSURE;
  if (!strcmp(c->type, "NetworkUnavailable"))
    return KS_TAINT_NODE_NETWORK_UNAVAILABLE;
  if (!strcmp(c->type, "PIDPressure"))
    return KS_TAINT_NODE_PID_PRESSURE;
  return NULL;
}

static gboolean is_condition_taint_key(const char *key) {
  static const char *const keys[] = {
    KS_TAINT_NODE_NOT_READY,      KS_TAINT_NODE_UNREACHABLE,         KS_TAINT_NODE_MEMORY_PRESSURE,
    KS_TAINT_NODE_DISK_PRESSURE,  KS_TAINT_NODE_NETWORK_UNAVAILABLE, KS_TAINT_NODE_PID_PRESSURE,
    KS_TAINT_NODE_UNSCHEDULABLE, NULL};
  return key && g_strv_contains(keys, key);
}

/* The wanted NoSchedule keys, in upstream's order (conditions in their
 * order, then unschedulable), NULL-terminated. transfer container */
static const char **wanted_no_schedule(const KsNode *n) {
  GPtrArray *want = g_ptr_array_new();
  for (guint i = 0; n->conditions && i < n->conditions->len; i++) {
    const char *key = condition_taint(&g_array_index(n->conditions, KsNodeCondition, i));
    if (key)
      g_ptr_array_add(want, (gpointer)key);
  }
  if (n->unschedulable)
    g_ptr_array_add(want, (gpointer)KS_TAINT_NODE_UNSCHEDULABLE);
  g_ptr_array_add(want, NULL);
  return (const char **)g_ptr_array_free(want, FALSE);
}

static gboolean swap_no_schedule(KsNode *n, gpointer data, gint64 now) {
  const char **want = data;
  gboolean changed = FALSE;
  for (guint i = 0; n->taints && i < n->taints->len;) {
    const KsTaint *t = &g_array_index(n->taints, KsTaint, i);
    if (t->effect == KS_TAINT_EFFECT_NO_SCHEDULE && is_condition_taint_key(t->key) &&
        !g_strv_contains(want, t->key)) {
      g_array_remove_index(n->taints, i);
      changed = TRUE;
    } else {
      i++;
    }
  }
  for (guint i = 0; want[i]; i++)
    changed |= add_taint(n, want[i], KS_TAINT_EFFECT_NO_SCHEDULE, now);
  return changed;
}

static KsSyncResult sync(KsController *c, gpointer self, const char *key) {
  const KsStoreObject *obj = ks_store_get(ks_controller_store(c), KS_STORE_NODE, NULL, key);
  if (!obj)
    return KS_SYNC_DONE;
  const char **want = wanted_no_schedule(obj->data);
  edit_node(self, key, swap_no_schedule, want);
  g_free(want);
  return KS_SYNC_DONE;
}

/* ---- the monitor pass ------------------------------------------------------------------ */

static gboolean set_unknown(KsNode *n, gpointer data, gint64 now) {
  (void)data;
  (void)now;
  gboolean ready_changed = ready_of(n) != READY_UNKNOWN ||
                           !ks_node_condition_status(n, "Ready");
  const char *types[] = {"Ready", pressure_types[0], pressure_types[1], pressure_types[2]};
  for (guint i = 0; i < G_N_ELEMENTS(types); i++) {
    const char *s = ks_node_condition_status(n, types[i]);
    if (!s || strcmp(s, "Unknown"))
      ks_node_set_condition(n, types[i], "Unknown", KS_NODE_REASON_STATUS_UNKNOWN);
  }
  /* upstream writes only when the Ready condition changed */
  return ready_changed;
}

typedef struct {
  const char *add, *del;
} Swap;

static gboolean swap_no_execute(KsNode *n, gpointer data, gint64 now) {
  const Swap *s = data;
  gboolean changed = s->del ? remove_taint(n, s->del, KS_TAINT_EFFECT_NO_EXECUTE) : FALSE;
  if (s->add)
    changed |= add_taint(n, s->add, KS_TAINT_EFFECT_NO_EXECUTE, now);
  return changed;
}

static gboolean remove_no_execute(KsNode *n, gpointer data, gint64 now) {
  (void)data;
  (void)now;
  gboolean a = remove_taint(n, KS_TAINT_NODE_UNREACHABLE, KS_TAINT_EFFECT_NO_EXECUTE);
  gboolean b = remove_taint(n, KS_TAINT_NODE_NOT_READY, KS_TAINT_EFFECT_NO_EXECUTE);
  return a || b;
}

/* markNodeAsReachable */
static void mark_reachable(Lifecycle *lc, NodeRec *r) {
  edit_node(lc, r->name, remove_no_execute, NULL);
  Zone *z = g_hash_table_lookup(lc->zones, r->zone);
  if (z)
    zone_remove(z, r->name);
}

/* markNodeForTainting */
static void mark_for_tainting(Lifecycle *lc, NodeRec *r, const KsNode *n, Ready status) {
  Zone *z = zone_get(lc, r->zone);
  const char *key = status == READY_FALSE ? KS_TAINT_NODE_NOT_READY : KS_TAINT_NODE_UNREACHABLE;
  if (!has_taint(n, key, KS_TAINT_EFFECT_NO_EXECUTE))
    zone_remove(z, r->name);
  zone_add(z, r->name);
}

/* processTaintBaseEviction, with the Ready status observed before the pass
 * updated it. */
static void taint_based_eviction(Lifecycle *lc, NodeRec *r, const KsNode *n, Ready observed) {
  switch (observed) {
  case READY_FALSE:
    if (has_taint(n, KS_TAINT_NODE_UNREACHABLE, KS_TAINT_EFFECT_NO_EXECUTE)) {
      Swap s = {KS_TAINT_NODE_NOT_READY, KS_TAINT_NODE_UNREACHABLE};
      edit_node(lc, r->name, swap_no_execute, &s);
    } else {
      mark_for_tainting(lc, r, n, READY_FALSE);
    }
    break;
  case READY_UNKNOWN:
    if (has_taint(n, KS_TAINT_NODE_NOT_READY, KS_TAINT_EFFECT_NO_EXECUTE)) {
      Swap s = {KS_TAINT_NODE_UNREACHABLE, KS_TAINT_NODE_NOT_READY};
      edit_node(lc, r->name, swap_no_execute, &s);
    } else {
      mark_for_tainting(lc, r, n, READY_UNKNOWN);
    }
    break;
  case READY_TRUE:
    mark_reachable(lc, r);
    break;
  }
}

typedef struct {
  const char *node;
  GPtrArray *keys; /* "ns\0name" pairs as two strings */
} PodsOn;

static gboolean collect_ready_pod(const KsStoreObject *obj, gpointer user_data) {
  PodsOn *p = user_data;
  const KsPod *pod = obj->data;
  if (pod->ready && !g_strcmp0(pod->node_name, p->node)) {
    g_ptr_array_add(p->keys, g_strdup(pod->namespace));
    g_ptr_array_add(p->keys, g_strdup(pod->name));
  }
  return TRUE;
}

/* MarkPodsNotReady: the pods on the node lose their Ready condition. */
static void mark_pods_not_ready(Lifecycle *lc, const char *node) {
  KsStore *store = ks_controller_store(lc->c);
  PodsOn p = {node, g_ptr_array_new_with_free_func(g_free)};
  ks_store_foreach(store, KS_STORE_POD, collect_ready_pod, &p);
  gint64 now = ks_controller_now(lc->c);
  for (guint i = 0; i + 1 < p.keys->len; i += 2) {
    const char *ns = p.keys->pdata[i], *name = p.keys->pdata[i + 1];
    const KsStoreObject *obj = ks_store_get(store, KS_STORE_POD, ns, name);
    if (!obj || !((const KsPod *)obj->data)->ready)
      continue;
    KsPod *copy = ks_pod_copy(obj->data);
    copy->ready = FALSE;
    copy->ready_since_us = now;
    ks_store_update(store, KS_STORE_POD, ns, name, copy, (GDestroyNotify)ks_pod_unref,
                    obj->resource_version, NULL);
  }
  g_ptr_array_unref(p.keys);
}

/* tryUpdateNodeHealth + the rest of monitorNodeHealth's per-node work. */
static void monitor_node(Lifecycle *lc, NodeRec *r, gint64 now) {
  KsStore *store = ks_controller_store(lc->c);
  const KsStoreObject *obj = ks_store_get(store, KS_STORE_NODE, NULL, r->name);
  if (!obj)
    return;
  const KsNode *n = obj->data;
  Ready observed = ready_of(n), current = observed;
  gint64 renewal;
  if (last_renewal(n, &renewal)) {
    gint64 probe = MAX(ceil_to(renewal, KS_NODE_MONITOR_PERIOD_US), r->probe_floor_us);
    if (now > probe + KS_NODE_MONITOR_GRACE_PERIOD_US) {
      edit_node(lc, r->name, set_unknown, NULL);
      current = READY_UNKNOWN;
    }
  }
  if (current != r->ready)
    set_ready(lc, r, current);
  /* the taints as they are now (a write above changed only conditions) */
  obj = ks_store_get(store, KS_STORE_NODE, NULL, r->name);
  taint_based_eviction(lc, r, obj->data, observed);
  if (current != READY_TRUE && observed == READY_TRUE)
    mark_pods_not_ready(lc, r->name);
}

static gint compare_strings(gconstpointer a, gconstpointer b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Keys of a string-keyed table, sorted. transfer container */
static const char **sorted_keys(GHashTable *t, guint *n) {
  const char **keys = (const char **)g_hash_table_get_keys_as_array(t, n);
  qsort(keys, *n, sizeof *keys, compare_strings);
  return keys;
}

/* upstream ComputeZoneState */
static ZoneState zone_state(const Zone *z) {
  guint ready = z->size - z->not_ready;
  if (ready == 0 && z->not_ready > 0)
    return ZONE_FULL;
  if (z->not_ready > 2 && (guint64)z->not_ready * 100 >=
                              (guint64)KS_UNHEALTHY_ZONE_THRESHOLD_PERCENT * z->size)
    return ZONE_PARTIAL;
  return ZONE_NORMAL;
}

static void set_limiter_in_zone(Zone *z, ZoneState state, gint64 now) {
  switch (state) {
  case ZONE_NORMAL:
  case ZONE_FULL:
    swap_limiter(z, KS_NODE_EVICTION_RATE_MQPS, now);
    break;
  case ZONE_PARTIAL:
    swap_limiter(z, z->size > KS_LARGE_CLUSTER_SIZE_THRESHOLD ? KS_SECONDARY_NODE_EVICTION_RATE_MQPS
                                                              : 0,
                 now);
    break;
  case ZONE_INITIAL:
    break;
  }
}

static void handle_disruption(Lifecycle *lc, gint64 now) {
  guint nz = 0;
  const char **keys = sorted_keys(lc->zones, &nz);
  gboolean all_are = TRUE, all_was = TRUE, any_state = FALSE;
  for (guint i = 0; i < nz; i++) {
    Zone *z = g_hash_table_lookup(lc->zones, keys[i]);
    if (z->size == 0) {
      z->has_state = FALSE; /* a zone without nodes leaves zoneStates */
      continue;
    }
    if (zone_state(z) != ZONE_FULL)
      all_are = FALSE;
    if (!z->has_state) {
      z->has_state = TRUE;
      z->state = ZONE_INITIAL;
    }
    any_state = TRUE;
    if (z->state != ZONE_FULL)
      all_was = FALSE;
  }
  if (!any_state)
    all_was = TRUE;
  if (all_are && all_was) {
    g_free(keys);
    return;
  }
  if (all_are) {
    /* every zone down: stop all evictions, take the NoExecute taints off */
    guint nn = 0;
    const char **names = sorted_keys(lc->nodes, &nn);
    for (guint i = 0; i < nn; i++)
      mark_reachable(lc, g_hash_table_lookup(lc->nodes, names[i]));
    g_free(names);
    for (guint i = 0; i < nz; i++) {
      Zone *z = g_hash_table_lookup(lc->zones, keys[i]);
      if (!z->has_state)
        continue;
      swap_limiter(z, 0, now);
      z->state = ZONE_FULL;
    }
    g_free(keys);
    return;
  }
  if (all_was) {
    /* leaving full disruption: every node's probe restarts now */
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, lc->nodes);
    while (g_hash_table_iter_next(&it, NULL, &v))
      ((NodeRec *)v)->probe_floor_us = now;
  }
  for (guint i = 0; i < nz; i++) {
    Zone *z = g_hash_table_lookup(lc->zones, keys[i]);
    if (!z->has_state)
      continue;
    ZoneState s = zone_state(z);
    if (!all_was && s == z->state)
      continue;
    set_limiter_in_zone(z, s, now);
    z->state = s;
  }
  g_free(keys);
}

/* ---- the tainting pass ------------------------------------------------------------------- */

static gboolean apply_no_execute(KsNode *n, gpointer data, gint64 now) {
  (void)data;
  Ready r = ready_of(n);
  Swap s = {r == READY_FALSE ? KS_TAINT_NODE_NOT_READY : KS_TAINT_NODE_UNREACHABLE,
            r == READY_FALSE ? KS_TAINT_NODE_UNREACHABLE : KS_TAINT_NODE_NOT_READY};
  return swap_no_execute(n, &s, now);
}

static void tainting_pass(KsEngine *e, gpointer data);

static void schedule_pass(Lifecycle *lc) {
  gint64 now = ks_controller_now(lc->c), next = G_MAXINT64;
  GHashTableIter it;
  gpointer v;
  g_hash_table_iter_init(&it, lc->zones);
  while (g_hash_table_iter_next(&it, NULL, &v)) {
    const Zone *z = v;
    if (z->queue.length && z->mqps > 0)
      next = MIN(next, MAX(z->full_at_us, now));
  }
  if (next == G_MAXINT64)
    return;
  next = ceil_to(next, KS_NODE_EVICTION_PASS_US);
  if (lc->pass_event && lc->pass_at_us <= next)
    return;
  if (lc->pass_event)
    ks_engine_cancel(ks_controller_engine(lc->c), lc->pass_event);
  lc->pass_at_us = next;
  lc->pass_event = ks_engine_schedule(ks_controller_engine(lc->c), next, tainting_pass, lc, NULL);
}

/* doNoExecuteTaintingPass over every zone, in key order. */
static void run_tainting(Lifecycle *lc) {
  KsStore *store = ks_controller_store(lc->c);
  gint64 now = ks_controller_now(lc->c);
  guint nz = 0;
  const char **keys = sorted_keys(lc->zones, &nz);
  for (guint i = 0; i < nz; i++) {
    Zone *z = g_hash_table_lookup(lc->zones, keys[i]);
    while (z->queue.length && try_accept(z, now)) {
      char *name = g_queue_pop_head(&z->queue); /* RemoveFromQueue: stays in the set */
      const KsStoreObject *obj = ks_store_get(store, KS_STORE_NODE, NULL, name);
      if (obj && ready_of(obj->data) != READY_TRUE)
        edit_node(lc, name, apply_no_execute, NULL);
      g_free(name);
    }
  }
  g_free(keys);
  schedule_pass(lc);
}

static void tainting_pass(KsEngine *e, gpointer data) {
  (void)e;
  Lifecycle *lc = data;
  lc->pass_event = 0;
  run_tainting(lc);
}

static void monitor_pass(KsEngine *e, gpointer data) {
  (void)e;
  Lifecycle *lc = data;
  lc->tick_event = 0;
  gint64 now = ks_controller_now(lc->c);
  lc->last_tick_us = now;
  guint n = 0;
  const char **names = sorted_keys(lc->tracked, &n);
  /* the names are the table's: copy before records change */
  char **copy = g_new0(char *, n + 1);
  for (guint i = 0; i < n; i++)
    copy[i] = g_strdup(names[i]);
  g_free(names);
  for (guint i = 0; i < n; i++) {
    NodeRec *r = g_hash_table_lookup(lc->nodes, copy[i]);
    if (r)
      monitor_node(lc, r, now);
  }
  handle_disruption(lc, now);
  run_tainting(lc);
  /* re-evaluate tracking from the store as it is now */
  for (guint i = 0; i < n; i++) {
    NodeRec *r = g_hash_table_lookup(lc->nodes, copy[i]);
    const KsStoreObject *obj =
        r ? ks_store_get(ks_controller_store(lc->c), KS_STORE_NODE, NULL, r->name) : NULL;
    if (obj && !needs_watching(lc, r, obj->data))
      g_hash_table_remove(lc->tracked, r->name);
  }
  g_strfreev(copy);
  if (g_hash_table_size(lc->tracked) || any_zone_unsettled(lc)) {
    gint64 at = now + KS_NODE_MONITOR_PERIOD_US;
    lc->tick_event = ks_engine_schedule(e, at, monitor_pass, lc, NULL);
  }
}

/* ---- the class ------------------------------------------------------------------------------ */

static gpointer init(KsController *c) {
  static const KsInformerHandlers nodes = {node_add, node_update, node_del};
  Lifecycle *lc = g_new0(Lifecycle, 1);
  lc->c = c;
  lc->last_tick_us = -1;
  lc->nodes = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, rec_free);
  lc->zones = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, zone_free);
  lc->tracked = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  ks_controller_watch(c, KS_STORE_NODE, &nodes, 0);
  return lc;
}

static void lc_free(gpointer self) {
  Lifecycle *lc = self;
  KsEngine *e = ks_controller_engine(lc->c);
  if (lc->tick_event)
    ks_engine_cancel(e, lc->tick_event);
  if (lc->pass_event)
    ks_engine_cancel(e, lc->pass_event);
  g_hash_table_destroy(lc->tracked);
  g_hash_table_destroy(lc->nodes);
  g_hash_table_destroy(lc->zones);
  g_free(lc);
}

const KsControllerClass ks_node_lifecycle_controller_class = {
    .name = "node-lifecycle-controller",
    .default_workers = KS_NODE_LIFECYCLE_DEFAULT_WORKERS,
    .init = init,
    .sync = sync,
    .free = lc_free,
};
