/* Fragmentation and balance: figures that need each node's allocation at
 * each sample, which /timeseries (cluster totals) does not hold.
 *
 * They are rebuilt from /pods: a pod holds its requests on its node from
 * scheduled_us up to finished_us (its departure: finished or deleted), and
 * waits from created_us until scheduled_us (or its deletion), exactly as
 * the recorder counts them for /timeseries, so the per-node sums add up to
 * the sample's totals. One sorted pass over the pods' events and one pass
 * over the nodes per sample: O(P log P + S x N x F), F the number of
 * pending request shapes no other pending shape undercuts (usually a
 * handful).
 *
 * Definitions (docs/metrics.md):
 * - fragmentation of resource r at sample t: the free r (allocatable -
 *   requested) of the nodes on which no pending pod fits, over the
 *   allocatable r of all nodes; 0 when no pod is pending (idle capacity
 *   nobody asks for is not fragmented). A pod fits a node when its CPU,
 *   memory and GPU requests are within the node's free amounts and the
 *   node has a free pod slot; GPU is checked as the node's total free
 *   milli-GPU (per-card packing is not recorded in the results).
 * - balance of resource r at t: coefficient of variation (population
 *   standard deviation / mean) of requested / allocatable over the nodes
 *   with allocatable r; undefined while nothing is allocated.
 * Both are time-weighted means over the samples.
 */
#include "sim/metrics_private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double ks_weighted_result(const KsWeightedMean *m) {
  if (m->n == 0)
    return NAN;
  if (m->sum_w > 0)
    return m->sum_wv / m->sum_w;
  return m->sum_v / (double)m->n;
}

enum { EV_CREATE, EV_BIND, EV_LEAVE };

typedef struct {
  gint64 t;
  guint32 kind;
  guint32 pod;
} Event;

typedef struct {
  gint64 req[KS_MR_N];
  gint64 count; /* pending pods of this shape */
} Shape;

static int cmp_event(const void *a, const void *b) {
  const Event *x = a, *y = b;
  if (x->t != y->t)
    return (x->t > y->t) - (x->t < y->t);
  if (x->kind != y->kind)
    return (x->kind > y->kind) - (x->kind < y->kind);
  return (x->pod > y->pod) - (x->pod < y->pod);
}

static guint shape_hash(gconstpointer p) {
  const Shape *s = p;
  guint64 h = 1469598103934665603ULL;
  for (int k = 0; k < KS_MR_N; k++)
    h = (h ^ (guint64)s->req[k]) * 1099511628211ULL;
  return (guint)(h ^ (h >> 32));
}

static gboolean shape_equal(gconstpointer a, gconstpointer b) {
  return memcmp(((const Shape *)a)->req, ((const Shape *)b)->req, sizeof(gint64) * KS_MR_N) == 0;
}

static int cmp_shape(const void *a, const void *b) {
  const Shape *x = *(Shape *const *)a, *y = *(Shape *const *)b;
  for (int k = 0; k < KS_MR_N; k++)
    if (x->req[k] != y->req[k])
      return (x->req[k] > y->req[k]) - (x->req[k] < y->req[k]);
  return 0;
}

static void pod_req(const KsPodRow *p, gint64 req[KS_MR_N]) {
  req[KS_MR_CPU] = p->cpu_request_milli;
  req[KS_MR_MEMORY] = p->memory_request;
  req[KS_MR_GPU] = p->gpu_request_milli;
}

static void node_alloc(const KsNodeRow *n, gint64 alloc[KS_MR_N]) {
  alloc[KS_MR_CPU] = n->cpu_allocatable_milli;
  alloc[KS_MR_MEMORY] = n->memory_allocatable;
  alloc[KS_MR_GPU] = (gint64)n->gpus * 1000;
}

typedef struct {
  const KsResults *r;
  gint64 (*req)[KS_MR_N]; /* per node */
  gint64 *bound;          /* per node: pods holding a slot */
  GHashTable *pending;    /* Shape* set */
  gint64 n_pending;
  GPtrArray *frontier;    /* scratch: the pending shapes nothing undercuts */
} Replay;

static void pending_add(Replay *rp, const KsPodRow *p, gint64 delta) {
  Shape key = {{0}, 0};
  pod_req(p, key.req);
  Shape *s = g_hash_table_lookup(rp->pending, &key);
  if (!s) {
    s = g_new0(Shape, 1);
    *s = key;
    g_hash_table_add(rp->pending, s);
  }
  s->count += delta;
  rp->n_pending += delta;
  if (s->count == 0)
    g_hash_table_remove(rp->pending, s);
}

static void node_add(Replay *rp, const KsPodRow *p, gint64 sign) {
  if (p->node < 0 || (gsize)p->node >= rp->r->n_nodes)
    return;
  gint64 req[KS_MR_N];
  pod_req(p, req);
  for (int k = 0; k < KS_MR_N; k++)
    rp->req[p->node][k] += sign * req[k];
  rp->bound[p->node] += sign;
}

static void apply(Replay *rp, const Event *e) {
  const KsPodRow *p = &rp->r->pods[e->pod];
  switch (e->kind) {
  case EV_CREATE:
    pending_add(rp, p, 1);
    break;
  case EV_BIND:
    if (p->created_us >= 0 && p->created_us <= p->scheduled_us)
      pending_add(rp, p, -1);
    node_add(rp, p, 1);
    break;
  default: /* EV_LEAVE */
    if (p->scheduled_us >= 0)
      node_add(rp, p, -1);
    else
      pending_add(rp, p, -1);
  }
}

static Event *build_events(const KsResults *r, gsize *n_out) {
  Event *ev = g_new(Event, 3 * r->n_pods + 1);
  gsize n = 0;
  for (gsize i = 0; i < r->n_pods; i++) {
    const KsPodRow *p = &r->pods[i];
    gboolean waits = p->created_us >= 0 && (p->scheduled_us < 0 || p->created_us <= p->scheduled_us);
    if (waits)
      ev[n++] = (Event){p->created_us, EV_CREATE, (guint32)i};
    if (p->scheduled_us >= 0)
      ev[n++] = (Event){p->scheduled_us, EV_BIND, (guint32)i};
    gboolean leaves = p->finished_us >= 0 &&
                      (p->scheduled_us >= 0 ? p->finished_us >= p->scheduled_us
                                            : waits && p->finished_us >= p->created_us);
    if (leaves)
      ev[n++] = (Event){p->finished_us, EV_LEAVE, (guint32)i};
  }
  qsort(ev, n, sizeof *ev, cmp_event);
  *n_out = n;
  return ev;
}

/* The pending shapes no other pending shape undercuts in every resource:
 * a node takes some pending pod iff it takes one of these. */
static void build_frontier(Replay *rp) {
  g_ptr_array_set_size(rp->frontier, 0);
  if (rp->n_pending <= 0)
    return;
  guint n = 0;
  Shape **all = (Shape **)g_hash_table_get_keys_as_array(rp->pending, &n);
  qsort(all, n, sizeof *all, cmp_shape);
  for (guint i = 0; i < n; i++) {
    gboolean undercut = FALSE;
    for (guint j = 0; j < rp->frontier->len && !undercut; j++) {
      const Shape *k = rp->frontier->pdata[j];
      undercut = k->req[0] <= all[i]->req[0] && k->req[1] <= all[i]->req[1] &&
                 k->req[2] <= all[i]->req[2];
    }
    if (!undercut)
      g_ptr_array_add(rp->frontier, all[i]);
  }
  g_free(all);
}

static gboolean fits_some(const Replay *rp, const gint64 free_[KS_MR_N]) {
  for (guint j = 0; j < rp->frontier->len; j++) {
    const Shape *s = rp->frontier->pdata[j];
    if (s->req[0] <= free_[0] && s->req[1] <= free_[1] && s->req[2] <= free_[2])
      return TRUE;
  }
  return FALSE;
}

static gboolean present(const KsNodeRow *n, gint64 t) {
  return n->added_us >= 0 && n->added_us <= t && (n->removed_us < 0 || n->removed_us > t);
}

static void evaluate(Replay *rp, gint64 t, double w, KsWeightedMean frag[KS_MR_N],
                     KsWeightedMean cv[KS_MR_N]) {
  const KsResults *r = rp->r;
  double frag_free[KS_MR_N] = {0}, total[KS_MR_N] = {0};
  double sum[KS_MR_N] = {0}, sum2[KS_MR_N] = {0};
  gsize cnt[KS_MR_N] = {0};
  build_frontier(rp);
  for (gsize i = 0; i < r->n_nodes; i++) {
    const KsNodeRow *node = &r->nodes[i];
    if (!present(node, t))
      continue;
    gint64 alloc[KS_MR_N], free_[KS_MR_N];
    node_alloc(node, alloc);
    for (int k = 0; k < KS_MR_N; k++)
      free_[k] = alloc[k] - rp->req[i][k];
    gboolean stranded = rp->n_pending > 0 &&
                        (rp->bound[i] >= node->pods_allocatable || !fits_some(rp, free_));
    for (int k = 0; k < KS_MR_N; k++) {
      if (alloc[k] <= 0)
        continue;
      total[k] += (double)alloc[k];
      if (stranded)
        frag_free[k] += (double)MAX(free_[k], 0);
      double ratio = (double)rp->req[i][k] / (double)alloc[k];
      sum[k] += ratio;
      sum2[k] += ratio * ratio;
      cnt[k]++;
    }
  }
  for (int k = 0; k < KS_MR_N; k++) {
    if (total[k] > 0)
      ks_weighted_add(&frag[k], frag_free[k] / total[k], w);
    double mean = cnt[k] ? sum[k] / (double)cnt[k] : 0;
    if (mean > 0) {
      double var = MAX(sum2[k] / (double)cnt[k] - mean * mean, 0);
      ks_weighted_add(&cv[k], sqrt(var) / mean, w);
    }
  }
}

void ks_metrics_node_figures(const KsResults *r, KsNodeFigures *out) {
  KsWeightedMean frag[KS_MR_N] = {{0}}, cv[KS_MR_N] = {{0}};
  gsize n_ev = 0;
  Event *ev = build_events(r, &n_ev);
  Replay rp = {.r = r,
               .req = (gint64(*)[KS_MR_N])g_malloc0_n(MAX(r->n_nodes, 1), sizeof(gint64[KS_MR_N])),
               .bound = g_new0(gint64, MAX(r->n_nodes, 1)),
               .pending = g_hash_table_new_full(shape_hash, shape_equal, g_free, NULL),
               .frontier = g_ptr_array_new()};
  gsize e = 0;
  for (gsize i = 0; i < r->n_samples; i++) {
    gint64 t = r->samples[i].time_us;
    while (e < n_ev && ev[e].t <= t)
      apply(&rp, &ev[e++]);
    double w = i + 1 < r->n_samples ? (double)(r->samples[i + 1].time_us - t) : 0;
    evaluate(&rp, t, MAX(w, 0), frag, cv);
  }
  for (int k = 0; k < KS_MR_N; k++) {
    out->fragmentation[k] = ks_weighted_result(&frag[k]);
    out->balance_cv[k] = ks_weighted_result(&cv[k]);
  }
  g_ptr_array_unref(rp.frontier);
  g_hash_table_destroy(rp.pending);
  g_free(rp.bound);
  g_free(rp.req);
  g_free(ev);
}
