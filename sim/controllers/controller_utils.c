/* See controller_utils.h. */
#include "sim/controllers/controller_utils.h"

#include <stdlib.h>
#include <string.h>

#include "sim/controllers/deletion.h"
#include "sim/pod_create.h"

/* k8s.io/apimachinery/pkg/util/rand: the alphabet of generated names. */
static const char ALPHANUMS[] = "bcdfghjklmnpqrstvwxz2456789";
#define RANDOM_LENGTH 5
#define MAX_NAME_LENGTH 63
#define MAX_GENERATE_TRIES 8

char *ks_controller_generate_name(KsRng *rng, const char *base) {
  gsize n = strlen(base);
  if (n > MAX_NAME_LENGTH - RANDOM_LENGTH)
    n = MAX_NAME_LENGTH - RANDOM_LENGTH;
  char *out = g_malloc(n + RANDOM_LENGTH + 1);
  memcpy(out, base, n);
  for (int i = 0; i < RANDOM_LENGTH; i++)
    out[n + i] = ALPHANUMS[ks_rng_below(rng, sizeof ALPHANUMS - 1)];
  out[n + RANDOM_LENGTH] = '\0';
  return out;
}

char *ks_controller_new_uid(KsRng *rng) {
  guint64 a = ks_rng_next(rng), b = ks_rng_next(rng);
  /* version 4, variant 10 */
  a = (a & ~G_GUINT64_CONSTANT(0xf000)) | 0x4000;
  b = (b & ~(G_GUINT64_CONSTANT(3) << 62)) | (G_GUINT64_CONSTANT(2) << 62);
  return g_strdup_printf("%08x-%04x-%04x-%04x-%012" G_GINT64_MODIFIER "x", (guint)(a >> 32),
                         (guint)((a >> 16) & 0xffff), (guint)(a & 0xffff), (guint)(b >> 48),
                         b & G_GUINT64_CONSTANT(0xffffffffffff));
}

gboolean ks_controller_pod_is_active(const KsPod *pod) {
  return pod->phase != KS_POD_SUCCEEDED && pod->phase != KS_POD_FAILED &&
         pod->deletion_timestamp_us == 0;
}

static const char *pod_controller_uid(const KsStoreObject *obj) {
  const KsOwnerReference *r = ks_pod_get_controller(obj->data);
  return r ? r->uid : NULL;
}

static const char *pod_orphan(const KsStoreObject *obj) {
  return ks_pod_get_controller(obj->data) ? NULL : "";
}

GPtrArray *ks_controller_pods_controlled_by(KsStore *store, const char *ns, const char *uid) {
  guint ix = ks_store_index(store, KS_STORE_POD, "pod-controller-uid", pod_controller_uid);
  return ks_store_list_by_index(store, ix, uid, ns);
}

GPtrArray *ks_controller_orphan_pods(KsStore *store, const char *ns) {
  guint ix = ks_store_index(store, KS_STORE_POD, "pod-orphans", pod_orphan);
  return ks_store_list_by_index(store, ix, "", ns);
}

GPtrArray *ks_controller_claimable_pods(KsStore *store, const char *ns, const char *uid) {
  GPtrArray *own = ks_controller_pods_controlled_by(store, ns, uid);
  GPtrArray *orphans = ks_controller_orphan_pods(store, ns);
  GPtrArray *out = g_ptr_array_new_full(own->len + orphans->len,
                                        (GDestroyNotify)ks_store_object_unref);
  guint i = 0, j = 0;
  while (i < own->len || j < orphans->len) {
    /* one namespace: names order the pods as ks_store_list does */
    gboolean take_own =
        j == orphans->len ||
        (i < own->len && strcmp(((const KsStoreObject *)own->pdata[i])->name,
                                ((const KsStoreObject *)orphans->pdata[j])->name) < 0);
    GPtrArray *from = take_own ? own : orphans;
    guint k = take_own ? i++ : j++;
    g_ptr_array_add(out, ks_store_object_ref(from->pdata[k]));
  }
  g_ptr_array_unref(own);
  g_ptr_array_unref(orphans);
  return out;
}

KsPod *ks_controller_pod_from_template(const KsPod *tmpl, const char *ns,
                                       const char *generate_name, const char *api_version,
                                       const char *kind, const char *owner_name,
                                       const char *owner_uid) {
  KsPod *p = ks_pod_copy(tmpl);
  g_free(p->namespace);
  p->namespace = g_strdup(ns);
  g_clear_pointer(&p->name, g_free);
  g_free(p->generate_name);
  p->generate_name = g_strdup(generate_name);
  g_clear_pointer(&p->uid, g_free);
  g_clear_pointer(&p->owner_references, g_array_unref);
  ks_owner_reference_array_add(&p->owner_references, api_version, kind, owner_name, owner_uid,
                               TRUE, TRUE);
  p->creation_timestamp_us = 0;
  p->deletion_timestamp_us = 0;
  p->deletion_grace_period_seconds = 0;
  p->phase = KS_POD_PENDING;
  g_clear_pointer(&p->nominated_node_name, g_free);
  p->start_time_us = 0;
  p->has_start_time = FALSE;
  p->ready = FALSE;
  p->ready_since_us = 0;
  return p;
}

char *ks_controller_create_pod(KsController *c, KsPod *pod, GError **error) {
  KsStore *store = ks_controller_store(c);
  KsRng *rng = ks_controller_rng(c);
  if (!pod->uid)
    pod->uid = ks_controller_new_uid(rng);
  const char *base = pod->generate_name ? pod->generate_name : "";
  for (int tries = 0;; tries++) {
    char *name = ks_controller_generate_name(rng, base);
    if (ks_store_get(store, KS_STORE_POD, pod->namespace, name) && tries + 1 < MAX_GENERATE_TRIES) {
      g_free(name);
      continue;
    }
    g_free(pod->name);
    pod->name = name;
    break;
  }
  char *name = g_strdup(pod->name);
  if (!ks_sim_create_pod(store, pod, error)) {
    g_free(name);
    return NULL;
  }
  return name;
}

gboolean ks_controller_delete_pod(KsStore *store, const KsPod *pod, gint64 now_us,
                                  GError **error) {
  return ks_object_delete(store, KS_STORE_POD, pod->namespace, pod->name,
                          KS_PROPAGATION_BACKGROUND, error);
}

/* ---- ranking ---------------------------------------------------------------- */

typedef struct {
  const KsPod *pod;
  gint rank;        /* related active pods on its node */
  gint32 cost;      /* pod-deletion-cost */
} Ranked;

static int phase_ordinal(KsPodPhase p) {
  switch (p) {
  case KS_POD_PENDING:
    return 0;
  case KS_POD_UNKNOWN:
    return 1;
  case KS_POD_RUNNING:
    return 2;
  default: /* not in upstream's map: Go's zero value */
    return 0;
  }
}

/* GetDeletionCostFromPodAnnotations: an int32, or 0 when absent or invalid. */
static gint32 deletion_cost(const KsPod *p) {
  const char *v = ks_labels_get(&p->annotations, KS_ANN_POD_DELETION_COST);
  if (!v || !*v)
    return 0;
  char *end = NULL;
  gint64 x = g_ascii_strtoll(v, &end, 10);
  if (*end || x < G_MININT32 || x > G_MAXINT32)
    return 0;
  return (gint32)x;
}

/* int64(math.Log2(float64(d))) of a duration in nanoseconds, -1 for d <= 0. */
static gint64 log2_rank(gint64 since_us, gint64 now_us) {
  gint64 d_us = now_us - since_us;
  if (d_us <= 0)
    return -1;
  guint64 ns = (guint64)d_us * 1000;
  return 63 - __builtin_clzll(ns);
}

static int str_cmp0(const char *a, const char *b) { return g_strcmp0(a ? a : "", b ? b : ""); }

/* afterOrZero: t1 sorts first when it is zero, or later than t2. */
static int after_or_zero(gint64 t1, gint64 t2) {
  if (t1 == 0 || t2 == 0)
    return t1 == 0 ? -1 : 1;
  return t1 > t2 ? -1 : 1;
}

static int name_order(const KsPod *a, const KsPod *b) {
  int c = strcmp(a->namespace, b->namespace);
  return c ? c : str_cmp0(a->name, b->name);
}

/* Steps 6 and 8 for two different times: afterOrZero when a time (or now)
 * is zero; else the log2 bucket of the time since, then the uid (upstream
 * returns there: equal uids leave the pods unordered). */
static int compare_times(gint64 t1, gint64 t2, const KsPod *a, const KsPod *b, gint64 now) {
  if (now == 0 || t1 == 0 || t2 == 0)
    return after_or_zero(t1, t2);
  gint64 diff = log2_rank(t1, now) - log2_rank(t2, now);
  if (diff)
    return diff < 0 ? -1 : 1;
  int c = str_cmp0(a->uid, b->uid);
  return c ? c : name_order(a, b);
}

static int compare_ranked(const void *x, const void *y, void *data) {
  const Ranked *ri = x, *rj = y;
  const KsPod *a = ri->pod, *b = rj->pod;
  gint64 now = *(const gint64 *)data;
  gboolean a_assigned = a->node_name && *a->node_name;
  gboolean b_assigned = b->node_name && *b->node_name;
  if (a_assigned != b_assigned)
    return a_assigned ? 1 : -1;
  if (phase_ordinal(a->phase) != phase_ordinal(b->phase))
    return phase_ordinal(a->phase) < phase_ordinal(b->phase) ? -1 : 1;
  if (a->ready != b->ready)
    return a->ready ? 1 : -1;
  if (ri->cost != rj->cost)
    return ri->cost < rj->cost ? -1 : 1;
  if (ri->rank != rj->rank)
    return ri->rank > rj->rank ? -1 : 1;
  if (a->ready && b->ready && a->ready_since_us != b->ready_since_us)
    return compare_times(a->ready_since_us, b->ready_since_us, a, b, now);
  if (a->creation_timestamp_us != b->creation_timestamp_us)
    return compare_times(a->creation_timestamp_us, b->creation_timestamp_us, a, b, now);
  return name_order(a, b);
}

void ks_controller_sort_pods_to_delete(GPtrArray *pods, const GPtrArray *related, gint64 now_us) {
  GHashTable *on_node = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; related && i < related->len; i++) {
    const KsPod *p = related->pdata[i];
    if (!ks_controller_pod_is_active(p))
      continue;
    const char *node = p->node_name ? p->node_name : "";
    gpointer n = g_hash_table_lookup(on_node, node);
    g_hash_table_insert(on_node, (gpointer)node, GINT_TO_POINTER(GPOINTER_TO_INT(n) + 1));
  }
  Ranked *r = g_new(Ranked, pods->len);
  for (guint i = 0; i < pods->len; i++) {
    const KsPod *p = pods->pdata[i];
    r[i].pod = p;
    r[i].rank = GPOINTER_TO_INT(g_hash_table_lookup(on_node, p->node_name ? p->node_name : ""));
    r[i].cost = deletion_cost(p);
  }
  g_qsort_with_data(r, (gint)pods->len, sizeof *r, compare_ranked, &now_us);
  for (guint i = 0; i < pods->len; i++)
    pods->pdata[i] = (gpointer)r[i].pod;
  g_free(r);
  g_hash_table_unref(on_node);
}
