/* The scheduling queue (kube-semantics 1.1, SchedulerQueueingHints OFF).
 *
 * Design.
 * - activeQ and backoffQ are binary heaps of KsSchedQueuedPod pointers; each
 *   pod records which structure holds it (`where`) and its index there
 *   (`pos`), so deleting or moving any pod is O(log n) without searching.
 * - unschedulablePods is an array with swap-remove; moves iterate it in
 *   array order, which is deterministic. The order in which moved pods enter
 *   activeQ does not matter anyway: activeQ's order is (QueueSort, seq).
 * - `seq` is taken from a counter whenever a pod's timestamp is set, so among
 *   pods equal under QueueSort the earlier (re)queued wins, and two runs with
 *   the same input pop in the same order. Upstream leaves such ties to its
 *   heap's internals; this is our documented tie-break.
 * - A hash table (namespace/name) finds a pending pod for update/delete.
 * - The oldest timestamp among unschedulable pods (when the next
 *   podMaxInUnschedulablePodsDuration flush is due, asked after every
 *   cycle) is cached: an add lowers it, the removal or re-stamp of the pod
 *   that holds it drops the cache, and the next question scans the array.
 *   A scan per cycle made a long queue of unschedulable pods quadratic.
 * - Event moves implement the gate-OFF rule: a pod moves when any of its
 *   rejecting plugins registered an event matching the one that happened
 *   (ks_sched_framework_event_moves), or it had no rejector. Assigned-pod
 *   add/update events first narrow the candidates as upstream's
 *   getUnschedulablePodsWithCrossTopologyTerm does (PodTopologySpread
 *   rejections in the same namespace, required pod affinity terms that
 *   select the assigned pod); a request scale-down considers every pod.
 * - An update of an unschedulable pod moves it only when more than its
 *   status changed (isPodUpdated, ks_pod_equal_except_status); otherwise
 *   the new object replaces the old one where it waits.
 * - The nominator (upstream PodNominator) lives here too, as upstream's
 *   PriorityQueue embeds it: pod -> nominated node, and per node the pods
 *   nominated to it in nomination order (what Filter adds "as if running").
 *   Node names are interned (a bounded set), so records own no strings. A
 *   pod's own status.nominatedNodeName seeds its record when it is added;
 *   an update keeps the record when neither version carries a name
 *   (updateNominatedPod), and deleting the pod drops it.
 */
#include "sched/queue.h"

enum { Q_NONE = 0, Q_ACTIVE, Q_BACKOFF, Q_UNSCHED, Q_IN_FLIGHT };

struct KsSchedQueue {
  const KsSchedFramework *fw;   /* the first profile: QueueSort */
  const KsSchedFramework *const *fws; /* every profile (borrowed); NULL = fw only */
  guint n_fws;
  KsSchedPlugin *sort; /* QueueSort plugin; NULL = priority/timestamp built in */
  gint64 initial_backoff, max_backoff, max_in_unsched;
  GPtrArray *active, *backoff, *unsched;
  GHashTable *pods; /* KsPod* (ns/name) -> KsSchedQueuedPod*, every pod we hold */
  guint64 seq;
  gint64 cycle;
  gint64 move_request_cycle;
  gint64 unsched_oldest;        /* cached: min timestamp of non-gated unsched pods */
  gboolean unsched_oldest_valid;
  /* nominator */
  GHashTable *nominated; /* KsPod* (ns/name, a ref) -> interned node name */
  GHashTable *by_node;   /* interned node name -> GPtrArray of KsPod* (refs) */
};

static void qp_free(gpointer p) {
  KsSchedQueuedPod *qp = p;
  ks_pod_unref(qp->pod);
  g_free(qp);
}

KsSchedQueue *ks_sched_queue_new(const KsSchedFramework *fw, gint64 initial_backoff_us,
                                 gint64 max_backoff_us, gint64 max_in_unschedulable_us) {
  KsSchedQueue *q = g_new0(KsSchedQueue, 1);
  q->fw = fw;
  if (fw->n_ep[KS_SCHED_EP_QUEUE_SORT] > 0)
    q->sort = (KsSchedPlugin *)&fw->plugins[fw->ep[KS_SCHED_EP_QUEUE_SORT][0]];
  q->initial_backoff = initial_backoff_us;
  q->max_backoff = max_backoff_us;
  q->max_in_unsched = max_in_unschedulable_us;
  q->active = g_ptr_array_new();
  q->backoff = g_ptr_array_new();
  q->unsched = g_ptr_array_new();
  q->pods = g_hash_table_new_full(ks_pod_key_hash, ks_pod_key_equal, NULL, qp_free);
  q->move_request_cycle = -1;
  q->unsched_oldest = G_MAXINT64;
  q->unsched_oldest_valid = TRUE;
  q->nominated = g_hash_table_new_full(ks_pod_key_hash, ks_pod_key_equal,
                                       (GDestroyNotify)ks_pod_unref, NULL);
  q->by_node = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                     (GDestroyNotify)g_ptr_array_unref);
  return q;
}

void ks_sched_queue_free(KsSchedQueue *q) {
  if (!q)
    return;
  g_ptr_array_free(q->active, TRUE);
  g_ptr_array_free(q->backoff, TRUE);
  g_ptr_array_free(q->unsched, TRUE);
  g_hash_table_destroy(q->pods);
  g_hash_table_destroy(q->nominated);
  g_hash_table_destroy(q->by_node);
  g_free(q);
}

/* ---- nominator ------------------------------------------------------------------ */

static void nomination_drop(KsSchedQueue *q, const KsPod *pod) {
  gpointer key, node;
  if (!g_hash_table_lookup_extended(q->nominated, pod, &key, &node))
    return;
  GPtrArray *list = g_hash_table_lookup(q->by_node, node);
  for (guint i = 0; list && i < list->len; i++) {
    if (ks_pod_key_equal(g_ptr_array_index(list, i), pod)) {
      g_ptr_array_remove_index(list, i); /* keeps nomination order */
      break;
    }
  }
  if (list && list->len == 0)
    g_hash_table_remove(q->by_node, node);
  g_hash_table_remove(q->nominated, pod);
}

void ks_sched_queue_nominate(KsSchedQueue *q, KsPod *pod, const char *node) {
  nomination_drop(q, pod);
  if (!node || !*node)
    return;
  const char *n = g_intern_string(node);
  GPtrArray *list = g_hash_table_lookup(q->by_node, n);
  if (!list) {
    list = g_ptr_array_new_with_free_func((GDestroyNotify)ks_pod_unref);
    g_hash_table_insert(q->by_node, (gpointer)n, list);
  }
  g_ptr_array_add(list, ks_pod_ref(pod));
  g_hash_table_insert(q->nominated, ks_pod_ref(pod), (gpointer)n);
}

const char *ks_sched_queue_nominated_node(const KsSchedQueue *q, const KsPod *pod) {
  return g_hash_table_lookup(q->nominated, pod);
}

const GPtrArray *ks_sched_queue_nominated_pods(const KsSchedQueue *q, const char *node) {
  if (g_hash_table_size(q->nominated) == 0)
    return NULL;
  /* Look up without interning: a node never nominated has no interned
   * name, and interning every node asked about would grow glib's
   * never-freed string table with the cluster. */
  GQuark interned = g_quark_try_string(node);
  return interned ? g_hash_table_lookup(q->by_node, g_quark_to_string(interned)) : NULL;
}

guint ks_sched_queue_nominated_len(const KsSchedQueue *q) {
  return g_hash_table_size(q->nominated);
}

/* updateNominatedPodUnlocked: a new object without a name keeps the record
 * when the old one had none either (the record came from preemption). */
static void nomination_update(KsSchedQueue *q, const KsPod *old, KsPod *pod) {
  const char *keep = NULL;
  if (!(old->nominated_node_name && *old->nominated_node_name) &&
      !(pod->nominated_node_name && *pod->nominated_node_name))
    keep = ks_sched_queue_nominated_node(q, old);
  ks_sched_queue_nominate(q, pod, keep ? keep : pod->nominated_node_name);
}

/* ---- ordering ------------------------------------------------------------- */

gint64 ks_sched_queue_backoff_duration(const KsSchedQueue *q, gint32 attempts) {
  gint64 d = q->initial_backoff;
  for (gint32 i = 1; i < attempts; i++) {
    if (d > q->max_backoff - d)
      return q->max_backoff;
    d += d;
  }
  return d;
}

static gint64 backoff_expiry(const KsSchedQueue *q, const KsSchedQueuedPod *qp) {
  return qp->timestamp + ks_sched_queue_backoff_duration(q, qp->attempts);
}

static gboolean is_backing_off(const KsSchedQueue *q, const KsSchedQueuedPod *qp, gint64 now) {
  return !qp->gated && backoff_expiry(q, qp) > now;
}

static gboolean active_less(const KsSchedQueue *q, const KsSchedQueuedPod *a,
                            const KsSchedQueuedPod *b) {
  if (q->sort) {
    if (q->sort->desc->less(q->sort, a, b))
      return TRUE;
    if (q->sort->desc->less(q->sort, b, a))
      return FALSE;
  } else if (a->pod->priority != b->pod->priority) {
    return a->pod->priority > b->pod->priority;
  } else if (a->timestamp != b->timestamp) {
    return a->timestamp < b->timestamp;
  }
  return a->seq < b->seq;
}

static gboolean backoff_less(const KsSchedQueue *q, const KsSchedQueuedPod *a,
                             const KsSchedQueuedPod *b) {
  gint64 ea = backoff_expiry(q, a), eb = backoff_expiry(q, b);
  return ea != eb ? ea < eb : a->seq < b->seq;
}

/* ---- heaps ------------------------------------------------------------------ */

typedef gboolean (*LessFn)(const KsSchedQueue *, const KsSchedQueuedPod *, const KsSchedQueuedPod *);

static void heap_set(GPtrArray *h, guint i, KsSchedQueuedPod *qp) {
  g_ptr_array_index(h, i) = qp;
  qp->pos = i;
}

static void sift_up(const KsSchedQueue *q, GPtrArray *h, LessFn less, guint i) {
  KsSchedQueuedPod *x = g_ptr_array_index(h, i);
  while (i > 0) {
    guint parent = (i - 1) / 2;
    KsSchedQueuedPod *p = g_ptr_array_index(h, parent);
    if (!less(q, x, p))
      break;
    heap_set(h, i, p);
    i = parent;
  }
  heap_set(h, i, x);
}

static void sift_down(const KsSchedQueue *q, GPtrArray *h, LessFn less, guint i) {
  KsSchedQueuedPod *x = g_ptr_array_index(h, i);
  for (;;) {
    guint l = 2 * i + 1, best = i;
    KsSchedQueuedPod *bx = x;
    if (l < h->len && less(q, g_ptr_array_index(h, l), bx))
      best = l, bx = g_ptr_array_index(h, l);
    if (l + 1 < h->len && less(q, g_ptr_array_index(h, l + 1), bx))
      best = l + 1, bx = g_ptr_array_index(h, l + 1);
    if (best == i)
      break;
    heap_set(h, i, bx);
    i = best;
  }
  heap_set(h, i, x);
}

static void heap_push(const KsSchedQueue *q, GPtrArray *h, LessFn less, KsSchedQueuedPod *qp) {
  g_ptr_array_add(h, qp);
  qp->pos = h->len - 1;
  sift_up(q, h, less, qp->pos);
}

static void heap_remove(const KsSchedQueue *q, GPtrArray *h, LessFn less, guint i) {
  guint last = h->len - 1;
  if (i != last) {
    KsSchedQueuedPod *moved = g_ptr_array_index(h, last);
    heap_set(h, i, moved);
    g_ptr_array_set_size(h, last);
    sift_down(q, h, less, i);
    sift_up(q, h, less, moved->pos);
  } else {
    g_ptr_array_set_size(h, last);
  }
}

/* ---- placing pods -------------------------------------------------------------- */

static void detach(KsSchedQueue *q, KsSchedQueuedPod *qp) {
  switch (qp->where) {
  case Q_ACTIVE:
    heap_remove(q, q->active, active_less, qp->pos);
    break;
  case Q_BACKOFF:
    heap_remove(q, q->backoff, backoff_less, qp->pos);
    break;
  case Q_UNSCHED: {
    if (!qp->gated && qp->timestamp == q->unsched_oldest)
      q->unsched_oldest_valid = FALSE;
    KsSchedQueuedPod *last = g_ptr_array_index(q->unsched, q->unsched->len - 1);
    g_ptr_array_index(q->unsched, qp->pos) = last;
    last->pos = qp->pos;
    g_ptr_array_set_size(q->unsched, q->unsched->len - 1);
    break;
  }
  default:
    break;
  }
  qp->where = Q_NONE;
}

static void to_active(KsSchedQueue *q, KsSchedQueuedPod *qp) {
  qp->where = Q_ACTIVE;
  heap_push(q, q->active, active_less, qp);
}

static void to_backoff(KsSchedQueue *q, KsSchedQueuedPod *qp) {
  qp->where = Q_BACKOFF;
  heap_push(q, q->backoff, backoff_less, qp);
}

static void to_unsched(KsSchedQueue *q, KsSchedQueuedPod *qp) {
  qp->where = Q_UNSCHED;
  if (!qp->gated && qp->timestamp < q->unsched_oldest)
    q->unsched_oldest = qp->timestamp; /* a valid cache stays valid; an invalid one is rescanned */
  qp->pos = q->unsched->len;
  g_ptr_array_add(q->unsched, qp);
}

void ks_sched_queue_set_profiles(KsSchedQueue *q, const KsSchedFramework *const *fws, guint n) {
  q->fws = fws;
  q->n_fws = n;
}

/* The profile serving the pod (its spec.schedulerName); the first profile
 * when there is only one or none matches (the scheduler admits only pods
 * it serves, so the fallback is for single-profile hosts and tests). */
static const KsSchedFramework *pod_fw(const KsSchedQueue *q, const KsPod *pod) {
  for (guint i = 0; q->n_fws > 1 && i < q->n_fws; i++)
    if (g_strcmp0(q->fws[i]->name, pod->scheduler_name) == 0)
      return q->fws[i];
  return q->fw;
}

/* PreEnqueue plugins in order; TRUE when all pass. */
static gboolean pre_enqueue(KsSchedQueue *q, KsSchedQueuedPod *qp) {
  const KsSchedFramework *fw = pod_fw(q, qp->pod);
  for (guint k = 0; k < fw->n_ep[KS_SCHED_EP_PRE_ENQUEUE]; k++) {
    KsSchedPlugin *p = (KsSchedPlugin *)&fw->plugins[fw->ep[KS_SCHED_EP_PRE_ENQUEUE][k]];
    KsSchedStatus st;
    ks_sched_status_reset(&st);
    p->desc->pre_enqueue(p, qp->pod, &st);
    if (!ks_sched_status_ok(&st)) {
      qp->rejectors = G_GUINT64_CONSTANT(1) << p->index;
      return FALSE;
    }
  }
  return TRUE;
}

/* moveToActiveQ: runs PreEnqueue; gated pods go (back) to unschedulablePods. */
static void admit_to_active(KsSchedQueue *q, KsSchedQueuedPod *qp) {
  if (pre_enqueue(q, qp)) {
    qp->gated = FALSE;
    to_active(q, qp);
  } else {
    qp->gated = TRUE;
    to_unsched(q, qp);
  }
}

static void stamp(KsSchedQueue *q, KsSchedQueuedPod *qp, gint64 now) {
  if (qp->where == Q_UNSCHED && !qp->gated && qp->timestamp == q->unsched_oldest)
    q->unsched_oldest_valid = FALSE;
  qp->timestamp = now;
  qp->seq = q->seq++;
}

void ks_sched_queue_add(KsSchedQueue *q, KsPod *pod, gint64 now) {
  KsSchedQueuedPod *qp = g_hash_table_lookup(q->pods, pod);
  if (qp) { /* already queued: treat as an update */
    ks_sched_queue_update(q, pod, now);
    return;
  }
  qp = g_new0(KsSchedQueuedPod, 1);
  qp->pod = ks_pod_ref(pod);
  qp->initial_attempt = -1;
  stamp(q, qp, now);
  g_hash_table_insert(q->pods, qp->pod, qp);
  if (pod->nominated_node_name && *pod->nominated_node_name)
    ks_sched_queue_nominate(q, pod, pod->nominated_node_name);
  admit_to_active(q, qp);
}

static void replace_pod(KsSchedQueue *q, KsSchedQueuedPod *qp, KsPod *pod) {
  if (qp->pod == pod)
    return;
  nomination_update(q, qp->pod, pod);
  g_hash_table_steal(q->pods, qp->pod);
  ks_pod_unref(qp->pod);
  qp->pod = ks_pod_ref(pod);
  g_hash_table_insert(q->pods, qp->pod, qp);
}

gboolean ks_sched_queue_update(KsSchedQueue *q, KsPod *pod, gint64 now) {
  KsSchedQueuedPod *qp = g_hash_table_lookup(q->pods, pod);
  if (!qp)
    return FALSE;
  guint where = qp->where;
  if (where == Q_IN_FLIGHT) {
    replace_pod(q, qp, pod);
    return TRUE;
  }
  if (where == Q_UNSCHED && ks_pod_equal_except_status(qp->pod, pod)) {
    /* isPodUpdated is false: only the status changed, the pod stays */
    replace_pod(q, qp, pod);
    return TRUE;
  }
  detach(q, qp);
  replace_pod(q, qp, pod);
  if (where == Q_UNSCHED) {
    /* the spec or metadata changed: it may now fit (or its gates are gone) */
    if (is_backing_off(q, qp, now))
      to_backoff(q, qp);
    else
      admit_to_active(q, qp);
  } else if (where == Q_BACKOFF) {
    to_backoff(q, qp);
  } else {
    to_active(q, qp); /* priority may have changed: re-sift */
  }
  return TRUE;
}

gboolean ks_sched_queue_delete(KsSchedQueue *q, const KsPod *pod) {
  KsSchedQueuedPod *qp = g_hash_table_lookup(q->pods, pod);
  if (!qp)
    return FALSE;
  detach(q, qp);
  nomination_drop(q, qp->pod);
  g_hash_table_remove(q->pods, qp->pod); /* frees qp */
  return TRUE;
}

/* ---- scheduling ------------------------------------------------------------------ */

KsSchedQueuedPod *ks_sched_queue_pop(KsSchedQueue *q) {
  if (q->active->len == 0)
    return NULL;
  KsSchedQueuedPod *qp = g_ptr_array_index(q->active, 0);
  detach(q, qp);
  qp->where = Q_IN_FLIGHT;
  qp->attempts++;
  q->cycle++;
  qp->popped_cycle = q->cycle;
  return qp;
}

KsSchedQueuedPod *ks_sched_queue_in_flight(KsSchedQueue *q, const KsPod *pod) {
  KsSchedQueuedPod *qp = g_hash_table_lookup(q->pods, pod);
  return qp && qp->where == Q_IN_FLIGHT ? qp : NULL;
}

void ks_sched_queue_done(KsSchedQueue *q, KsSchedQueuedPod *qp) {
  g_return_if_fail(qp->where == Q_IN_FLIGHT);
  nomination_drop(q, qp->pod);
  g_hash_table_remove(q->pods, qp->pod);
}

void ks_sched_queue_requeue(KsSchedQueue *q, KsSchedQueuedPod *qp, guint64 rejectors,
                            gint64 now) {
  g_return_if_fail(qp->where == Q_IN_FLIGHT);
  stamp(q, qp, now);
  qp->rejectors = rejectors;
  qp->gated = FALSE;
  if (q->move_request_cycle >= qp->popped_cycle || rejectors == 0)
    to_backoff(q, qp);
  else
    to_unsched(q, qp);
}

/* ---- moves -------------------------------------------------------------------------- */

static void move_one(KsSchedQueue *q, KsSchedQueuedPod *qp, gint64 now) {
  detach(q, qp);
  if (is_backing_off(q, qp, now))
    to_backoff(q, qp);
  else
    admit_to_active(q, qp);
}

/* Which unschedulable pods an event considers (upstream's podInfoList). */
typedef gboolean (*Candidate)(KsSchedQueue *q, const KsSchedQueuedPod *qp, gpointer data);

/* movePodsToActiveOrBackoffQueue over the candidates, in unschedulablePods
 * order: gated pods stay, the others move when a rejector registered the
 * event (or they have no rejector); the move request is recorded even when
 * nothing moves. */
static void move_pods(KsSchedQueue *q, const KsSchedClusterEvent *ev, Candidate candidate,
                      gpointer data, gint64 now) {
  /* collect first: moving edits q->unsched */
  GPtrArray *moving = g_ptr_array_new();
  for (guint i = 0; i < q->unsched->len; i++) {
    KsSchedQueuedPod *qp = g_ptr_array_index(q->unsched, i);
    if (qp->gated)
      continue; /* only an update of the pod itself can un-gate it */
    if (!ks_sched_framework_event_moves(pod_fw(q, qp->pod), qp->rejectors, ev))
      continue;
    if (candidate && !candidate(q, qp, data))
      continue;
    g_ptr_array_add(moving, qp);
  }
  for (guint i = 0; i < moving->len; i++)
    move_one(q, g_ptr_array_index(moving, i), now);
  g_ptr_array_free(moving, TRUE);
  q->move_request_cycle = q->cycle;
}

typedef struct {
  KsSchedQueuePreCheck fn;
  gpointer user_data;
} PreCheckCall;

static gboolean passes_pre_check(KsSchedQueue *q, const KsSchedQueuedPod *qp, gpointer data) {
  const PreCheckCall *pc = data;
  return pc->fn(qp->pod, pc->user_data);
}

void ks_sched_queue_move_all(KsSchedQueue *q, const KsSchedClusterEvent *ev,
                             KsSchedQueuePreCheck pre_check, gpointer user_data, gint64 now) {
  PreCheckCall pc = {pre_check, user_data};
  move_pods(q, ev, pre_check ? passes_pre_check : NULL, &pc, now);
}

/* ---- assigned-pod events (AssignedPodAdded / AssignedPodUpdated) ---------------- */

static const KsSchedClusterEvent ASSIGNED_POD_ADD = {KS_SCHED_EV_POD, KS_SCHED_ACT_ADD,
                                                     "AssignedPodAdd"};
static const KsSchedClusterEvent ASSIGNED_POD_UPDATE = {KS_SCHED_EV_POD, KS_SCHED_ACT_UPDATE_POD,
                                                        "AssignedPodUpdate"};

typedef struct {
  const KsPod *pod;          /* the assigned pod */
  const KsLabels *ns_labels; /* its namespace's labels, NULL if unknown */
} CrossTopology;

static gboolean rejected_by(const KsSchedQueue *q, const KsSchedQueuedPod *qp, const char *name) {
  const KsSchedFramework *fw = pod_fw(q, qp->pod);
  for (guint i = 0; i < fw->n_plugins; i++)
    if (g_strcmp0(fw->plugins[i].desc->name, name) == 0)
      return (qp->rejectors >> fw->plugins[i].index) & 1;
  return FALSE;
}

/* getUnschedulablePodsWithCrossTopologyTerm: rejected by PodTopologySpread
 * in the assigned pod's namespace, or a required pod *affinity* term (not
 * anti-affinity: a new pod cannot lift an anti-affinity rejection) selects
 * the assigned pod. */
static gboolean cross_topology(KsSchedQueue *q, const KsSchedQueuedPod *qp, gpointer data) {
  const CrossTopology *ct = data;
  const KsPod *p = qp->pod;
  if (g_strcmp0(p->namespace, ct->pod->namespace) == 0 &&
      rejected_by(q, qp, "PodTopologySpread"))
    return TRUE;
  const GArray *terms =
      p->affinity && p->affinity->pod_affinity ? p->affinity->pod_affinity->required : NULL;
  for (guint i = 0; terms && i < terms->len; i++)
    if (ks_pod_affinity_term_matches(&g_array_index(terms, KsPodAffinityTerm, i), p->namespace,
                                     ct->pod->namespace, &ct->pod->labels, ct->ns_labels))
      return TRUE;
  return FALSE;
}

void ks_sched_queue_assigned_pod_added(KsSchedQueue *q, const KsPod *pod,
                                       const KsLabels *ns_labels, gint64 now) {
  CrossTopology ct = {pod, ns_labels};
  move_pods(q, &ASSIGNED_POD_ADD, cross_topology, &ct, now);
}

static void scale_down_entry(const char *name, gint64 value, gpointer data) {
  gpointer *d = data; /* {new requests, gboolean *found} */
  const KsResourceList *n = d[0];
  if (!ks_resource_list_has(n, name) || ks_resource_list_get(n, name) < value)
    *(gboolean *)d[1] = TRUE;
}

/* extractPodScaleDown: some request of the old pod is gone or smaller. */
static gboolean scaled_down(const KsPod *old, const KsPod *pod) {
  KsResourceList o, n;
  ks_pod_compute_requests(old, &o);
  ks_pod_compute_requests(pod, &n);
  gboolean found = FALSE;
  gpointer d[2] = {&n, &found};
  ks_resource_list_foreach(&o, scale_down_entry, d);
  ks_resource_list_clear(&o);
  ks_resource_list_clear(&n);
  return found;
}

void ks_sched_queue_assigned_pod_updated(KsSchedQueue *q, const KsPod *old, const KsPod *pod,
                                         const KsLabels *ns_labels, gint64 now) {
  if (scaled_down(old, pod)) {
    /* freed resources may help pods any plugin rejected: no pre-filtering */
    move_pods(q, &ASSIGNED_POD_UPDATE, NULL, NULL, now);
    return;
  }
  CrossTopology ct = {pod, ns_labels};
  move_pods(q, &ASSIGNED_POD_UPDATE, cross_topology, &ct, now);
}

void ks_sched_queue_flush_backoff(KsSchedQueue *q, gint64 now) {
  while (q->backoff->len > 0) {
    KsSchedQueuedPod *qp = g_ptr_array_index(q->backoff, 0);
    if (is_backing_off(q, qp, now))
      break;
    detach(q, qp);
    admit_to_active(q, qp);
  }
}

void ks_sched_queue_flush_unschedulable(KsSchedQueue *q, gint64 now) {
  GPtrArray *moving = g_ptr_array_new();
  for (guint i = 0; i < q->unsched->len; i++) {
    KsSchedQueuedPod *qp = g_ptr_array_index(q->unsched, i);
    if (!qp->gated && now - qp->timestamp > q->max_in_unsched)
      g_ptr_array_add(moving, qp);
  }
  for (guint i = 0; i < moving->len; i++)
    move_one(q, g_ptr_array_index(moving, i), now);
  if (moving->len > 0)
    q->move_request_cycle = q->cycle;
  g_ptr_array_free(moving, TRUE);
}

/* ---- inspection ------------------------------------------------------------------------ */

gint64 ks_sched_queue_next_backoff_expiry(const KsSchedQueue *q) {
  if (q->backoff->len == 0)
    return G_MAXINT64;
  return backoff_expiry(q, g_ptr_array_index(q->backoff, 0));
}

gint64 ks_sched_queue_oldest_unschedulable(KsSchedQueue *q) {
  if (!q->unsched_oldest_valid) {
    gint64 t = G_MAXINT64;
    for (guint i = 0; i < q->unsched->len; i++) {
      const KsSchedQueuedPod *qp = g_ptr_array_index(q->unsched, i);
      if (!qp->gated && qp->timestamp < t)
        t = qp->timestamp;
    }
    q->unsched_oldest = t;
    q->unsched_oldest_valid = TRUE;
  }
  return q->unsched_oldest;
}

guint ks_sched_queue_active_len(const KsSchedQueue *q) { return q->active->len; }
guint ks_sched_queue_backoff_len(const KsSchedQueue *q) { return q->backoff->len; }
guint ks_sched_queue_unschedulable_len(const KsSchedQueue *q) { return q->unsched->len; }
gint64 ks_sched_queue_scheduling_cycle(const KsSchedQueue *q) { return q->cycle; }
