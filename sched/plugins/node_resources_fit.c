/* NodeResourcesFit (PreFilter, Filter, PreScore, Score; kube-semantics 3.8).
 *
 * Filter follows upstream fitsRequest: every insufficiency is reported, not
 * only the first, because the FitError message and preemption both use the
 * full list. Reasons are interned strings so a failing node costs no
 * allocation after the first time a resource name is seen.
 *
 * Score implements all three upstream strategies over the configured
 * resources: LeastAllocated (the default), MostAllocated and
 * RequestedToCapacityRatio. CPU and memory use the "non-zero" requests of
 * both the pod and the node (2.2); ephemeral storage and scalars use plain
 * requests; a scalar the pod does not request is skipped, as is any resource
 * the node has no allocatable of. All arithmetic is int64 with truncating
 * division except RTCR's final mean (float, rounded), as upstream.
 *
 * ignoredResources / ignoredResourceGroups are honoured by Filter for
 * extended resources, as upstream.
 */
#include "sched/plugins/node_resources_fit.h"
#include "sched/cache.h"
#include "sched/plugins/plugins.h"

#include <math.h>
#include <string.h>

#define MAX_SCORE_RESOURCES 16

typedef enum { RES_CPU, RES_MEMORY, RES_EPHEMERAL, RES_SCALAR } ResKind;

typedef struct {
  ResKind kind;
  const char *name; /* interned */
  gint64 weight;
} ScoreResource;

typedef struct {
  char **ignored;        /* NULL-terminated */
  char **ignored_groups; /* NULL-terminated */
  KsSchedFitStrategy strategy;
  ScoreResource res[MAX_SCORE_RESOURCES];
  guint n_res;
  KsSchedShapePoint shape[MAX_SCORE_RESOURCES];
  guint n_shape;
  GHashTable *insufficient; /* scalar GQuark -> InsufficientReason* (owned) */
  GMutex lock;              /* of `insufficient` (Filter may run on pool threads) */
  gpointer last;            /* InsufficientReason*: the last one used (atomic; lock-free hits) */
} Fit;

typedef struct {
  GQuark resource;
  const char *reason; /* "Insufficient <name>", interned */
} InsufficientReason;

typedef struct {
  KsResourceList req;                     /* PreFilter: effective request */
  gint64 score_req[MAX_SCORE_RESOURCES];  /* PreScore: per configured resource */
} FitCycle;

/* ---- args --------------------------------------------------------------------- */

static ResKind kind_of(const char *name) {
  if (strcmp(name, KS_RESOURCE_CPU) == 0)
    return RES_CPU;
  if (strcmp(name, KS_RESOURCE_MEMORY) == 0)
    return RES_MEMORY;
  if (strcmp(name, KS_RESOURCE_EPHEMERAL_STORAGE) == 0)
    return RES_EPHEMERAL;
  return RES_SCALAR;
}

static gboolean set_resources(Fit *f, const KsSchedFitArgs *a, GError **error) {
  static const KsSchedResourceSpec defaults[] = {{"cpu", 1}, {"memory", 1}};
  const KsSchedResourceSpec *rs = a && a->n_resources ? a->resources : defaults;
  guint n = a && a->n_resources ? a->n_resources : G_N_ELEMENTS(defaults);
  if (n > MAX_SCORE_RESOURCES) {
    g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                "scoringStrategy.resources: at most %d resources", MAX_SCORE_RESOURCES);
    return FALSE;
  }
  for (guint i = 0; i < n; i++) {
    if (rs[i].weight < 1 || rs[i].weight > KS_SCHED_MAX_NODE_SCORE) {
      g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                  "scoringStrategy.resources[%u].weight: Invalid value: %" G_GINT64_FORMAT
                  ": resource weight of %s should be in the range [1, 100]",
                  i, rs[i].weight, rs[i].name);
      return FALSE;
    }
    f->res[i] = (ScoreResource){kind_of(rs[i].name), g_intern_string(rs[i].name), rs[i].weight};
  }
  f->n_res = n;
  return TRUE;
}

static gboolean set_shape(Fit *f, const KsSchedFitArgs *a, GError **error) {
  if (a->n_shape == 0 || a->n_shape > MAX_SCORE_RESOURCES) {
    g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                "scoringStrategy.requestedToCapacityRatio.shape: 1 to %d points required",
                MAX_SCORE_RESOURCES);
    return FALSE;
  }
  for (guint i = 0; i < a->n_shape; i++) {
    const KsSchedShapePoint *pt = &a->shape[i];
    if (pt->utilization < 0 || pt->utilization > 100 || pt->score < 0 || pt->score > 10 ||
        (i > 0 && pt->utilization <= a->shape[i - 1].utilization)) {
      g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                  "scoringStrategy.requestedToCapacityRatio.shape[%u]: utilization must be in "
                  "[0, 100] and increasing, score in [0, 10]", i);
      return FALSE;
    }
    /* scaled to MaxNodeScore, as upstream does when building the function */
    f->shape[i] = (KsSchedShapePoint){pt->utilization, pt->score * (KS_SCHED_MAX_NODE_SCORE / 10)};
  }
  f->n_shape = a->n_shape;
  return TRUE;
}

static void fit_destroy(gpointer self) {
  Fit *f = self;
  if (!f)
    return;
  g_strfreev(f->ignored);
  g_strfreev(f->ignored_groups);
  if (f->insufficient)
    g_hash_table_destroy(f->insufficient);
  g_mutex_clear(&f->lock);
  g_free(f);
}

static gpointer fit_create(gconstpointer args, GError **error) {
  const KsSchedFitArgs *a = args;
  Fit *f = g_new0(Fit, 1);
  f->insufficient = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
  g_mutex_init(&f->lock);
  f->ignored = g_strdupv(a && a->ignored_resources ? (char **)a->ignored_resources : NULL);
  f->ignored_groups =
      g_strdupv(a && a->ignored_resource_groups ? (char **)a->ignored_resource_groups : NULL);
  f->strategy = a ? a->strategy : KS_SCHED_FIT_LEAST_ALLOCATED;
  if (!set_resources(f, a, error) ||
      (f->strategy == KS_SCHED_FIT_REQUESTED_TO_CAPACITY_RATIO && !set_shape(f, a, error))) {
    fit_destroy(f);
    return NULL;
  }
  return f;
}

static void fit_cycle_free(gpointer data) {
  FitCycle *fc = data;
  ks_resource_list_clear(&fc->req);
  g_free(fc);
}

static FitCycle *cycle_data(KsSchedPlugin *p, KsSchedCycleState *cs) {
  if (!cs->data[p->index]) {
    FitCycle *fc = g_new0(FitCycle, 1);
    ks_resource_list_init(&fc->req);
    cs->data[p->index] = fc;
  }
  return cs->data[p->index];
}

/* ---- filter ---------------------------------------------------------------------------- */

static gboolean is_ignored(const Fit *f, const char *name) {
  /* Nothing ignored (the default): skip ks_resource_is_extended, which
   * allocates, for every scalar of every node filtered. */
  if (!f->ignored && !f->ignored_groups)
    return FALSE;
  if (!ks_resource_is_extended(name))
    return FALSE;
  if (f->ignored && g_strv_contains((const char *const *)f->ignored, name))
    return TRUE;
  if (f->ignored_groups) {
    const char *slash = strchr(name, '/');
    gsize len = slash ? (gsize)(slash - name) : strlen(name);
    for (char **g = f->ignored_groups; *g; g++)
      if (strlen(*g) == len && strncmp(*g, name, len) == 0)
        return TRUE;
  }
  return FALSE;
}

/* "Insufficient <name>", made once per resource and plugin instance:
 * formatting and g_intern_string (a global lock) on every node that lacks
 * the resource cost more than the whole fit test. */
static const char *insufficient(Fit *f, GQuark q) {
  const InsufficientReason *last = g_atomic_pointer_get(&f->last);
  if (last && last->resource == q)
    return last->reason;
  g_mutex_lock(&f->lock);
  InsufficientReason *r = g_hash_table_lookup(f->insufficient, GUINT_TO_POINTER(q));
  if (!r) {
    char buf[320];
    g_snprintf(buf, sizeof buf, "Insufficient %s", g_quark_to_string(q));
    r = g_new(InsufficientReason, 1);
    *r = (InsufficientReason){q, g_intern_string(buf)};
    g_hash_table_insert(f->insufficient, GUINT_TO_POINTER(q), r);
  }
  g_atomic_pointer_set(&f->last, r);
  g_mutex_unlock(&f->lock);
  return r->reason;
}

guint ks_sched_fit_insufficient(KsSchedPlugin *p, const KsResourceList *req,
                                const KsSchedCache *c, guint s, const char **reasons,
                                guint max) {
  const Fit *f = p->self;
  guint n = 0;
#define ADD_REASON(r)                                                                              \
  do {                                                                                             \
    if (n < max)                                                                                   \
      reasons[n++] = (r);                                                                          \
  } while (0)
  if ((gint64)c->pod_count[s] + 1 > c->alloc_pods[s])
    ADD_REASON("Too many pods");
  gboolean has_scalars = req->scalars && req->scalars->len > 0;
  if (req->milli_cpu == 0 && req->memory == 0 && req->ephemeral_storage == 0 && !has_scalars)
    return n;
  if (req->milli_cpu > 0 && req->milli_cpu > c->alloc_cpu[s] - c->req_cpu[s])
    ADD_REASON("Insufficient cpu");
  if (req->memory > 0 && req->memory > c->alloc_mem[s] - c->req_mem[s])
    ADD_REASON("Insufficient memory");
  if (req->ephemeral_storage > 0 && req->ephemeral_storage > c->alloc_eph[s] - c->req_eph[s])
    ADD_REASON("Insufficient ephemeral-storage");
  for (guint i = 0; has_scalars && i < req->scalars->len; i++) {
    const KsScalarResource *r = &g_array_index(req->scalars, KsScalarResource, i);
    if (r->value == 0 || is_ignored(f, g_quark_to_string(r->name)))
      continue;
    /* the cache's columns: no node offers a resource without one, and a
     * request above 0 never fits in 0 */
    const KsSchedScalarColumn *col = ks_sched_node_columns_scalar(&c->cols, r->name);
    if (!col || r->value > col->alloc[s] - col->req[s])
      ADD_REASON(insufficient((Fit *)f, r->name));
  }
#undef ADD_REASON
  return n;
}

static void fit_pre_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                           const KsSchedCache *c, GHashTable **node_names, KsSchedStatus *st) {
  FitCycle *fc = cycle_data(p, cs);
  ks_resource_list_clear(&fc->req);
  ks_pod_compute_requests(pod, &fc->req);
}

/* Filter on one node with the cycle's state fc (NULL: PreFilter did not run). */
static inline void fit_filter_one(KsSchedPlugin *p, const FitCycle *fc, const KsSchedCache *c,
                                  guint slot, KsSchedStatus *st) {
  if (!fc) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE,
                        "error reading \"PreFilterNodeResourcesFit\" from cycleState: not found");
    return;
  }
  guint n = ks_sched_fit_insufficient(p, &fc->req, c, slot, st->reasons, KS_SCHED_MAX_REASONS);
  if (n > 0) {
    st->code = KS_SCHED_UNSCHEDULABLE;
    st->n_reasons = n;
  }
}

static void fit_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                       const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  fit_filter_one(p, cs->data[p->index], c, slot, st);
}

static void fit_filter_nodes(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                             const KsSchedCache *c, const guint *slots, guint n,
                             KsSchedStatus *statuses) {
  const FitCycle *fc = cs->data[p->index];
  for (guint i = 0; i < n; i++)
    fit_filter_one(p, fc, c, slots[i], &statuses[slots[i]]);
}

static gboolean fit_admit(KsSchedPlugin *p, const KsPod *pod, const KsSchedCache *c, guint slot) {
  KsResourceList req;
  const char *reasons[1];
  ks_pod_compute_requests(pod, &req);
  guint n = ks_sched_fit_insufficient(p, &req, c, slot, reasons, 1);
  ks_resource_list_clear(&req);
  return n == 0;
}

/* ---- score ---------------------------------------------------------------------------------- */

static void fit_pre_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                          const KsSchedCache *c, const guint *slots, guint n, KsSchedStatus *st) {
  const Fit *f = p->self;
  FitCycle *fc = cycle_data(p, cs);
  gint64 nz_cpu, nz_mem;
  ks_pod_compute_nonzero_requests(pod, &nz_cpu, &nz_mem);
  /* PreFilter may have been skipped (e.g. Score-only profiles): recompute */
  KsResourceList req;
  ks_pod_compute_requests(pod, &req);
  for (guint i = 0; i < f->n_res; i++) {
    switch (f->res[i].kind) {
    case RES_CPU: fc->score_req[i] = nz_cpu; break;
    case RES_MEMORY: fc->score_req[i] = nz_mem; break;
    case RES_EPHEMERAL: fc->score_req[i] = req.ephemeral_storage; break;
    case RES_SCALAR: fc->score_req[i] = ks_resource_list_get(&req, f->res[i].name); break;
    }
  }
  ks_resource_list_clear(&req);
}

/* calculateResourceAllocatableRequest: (0, 0) means "skip this resource". */
static void alloc_and_request(const ScoreResource *r, gint64 pod_req, const KsSchedCache *c,
                              guint s, gint64 *alloc, gint64 *req) {
  *alloc = *req = 0;
  switch (r->kind) {
  case RES_CPU: *alloc = c->alloc_cpu[s]; *req = c->nz_cpu[s] + pod_req; break;
  case RES_MEMORY: *alloc = c->alloc_mem[s]; *req = c->nz_mem[s] + pod_req; break;
  case RES_EPHEMERAL: *alloc = c->alloc_eph[s]; *req = c->req_eph[s] + pod_req; break;
  case RES_SCALAR:
    if (pod_req == 0 || !ks_resource_list_has(&c->nodes[s]->allocatable, r->name))
      return;
    *alloc = ks_resource_list_get(&c->nodes[s]->allocatable, r->name);
    *req = ks_resource_list_get(&c->requested[s], r->name) + pod_req;
    break;
  }
}

static gint64 least_requested(gint64 req, gint64 alloc) {
  if (alloc == 0 || req > alloc)
    return 0;
  return (alloc - req) * KS_SCHED_MAX_NODE_SCORE / alloc;
}

static gint64 most_requested(gint64 req, gint64 alloc) {
  if (alloc == 0)
    return 0;
  if (req > alloc)
    req = alloc; /* non-zero defaults can push requests past capacity */
  return req * KS_SCHED_MAX_NODE_SCORE / alloc;
}

/* helper.BuildBrokenLinearFunction over the scaled shape */
static gint64 broken_linear(const Fit *f, gint64 p) {
  for (guint i = 0; i < f->n_shape; i++) {
    if (p <= f->shape[i].utilization) {
      if (i == 0)
        return f->shape[0].score;
      const KsSchedShapePoint *a = &f->shape[i - 1], *b = &f->shape[i];
      return a->score + (b->score - a->score) * (p - a->utilization) / (b->utilization - a->utilization);
    }
  }
  return f->shape[f->n_shape - 1].score;
}

static gint64 rtcr_score(const Fit *f, const gint64 *alloc, const gint64 *req, guint n) {
  double sum = 0, wsum = 0;
  for (guint i = 0; i < n; i++) {
    if (alloc[i] == 0)
      continue;
    gint64 util = req[i] > alloc[i] ? KS_SCHED_MAX_NODE_SCORE : req[i] * KS_SCHED_MAX_NODE_SCORE / alloc[i];
    gint64 s = broken_linear(f, util);
    if (s <= 0)
      continue; /* upstream drops zero-scored resources from the mean */
    sum += (double)(s * f->res[i].weight);
    wsum += (double)f->res[i].weight;
  }
  return wsum == 0 ? 0 : (gint64)round(sum / wsum);
}

static inline gint64 fit_score_one(const Fit *f, const FitCycle *fc, const KsSchedCache *c,
                                   guint slot) {
  gint64 alloc[MAX_SCORE_RESOURCES], req[MAX_SCORE_RESOURCES];
  for (guint i = 0; i < f->n_res; i++)
    alloc_and_request(&f->res[i], fc->score_req[i], c, slot, &alloc[i], &req[i]);
  if (f->strategy == KS_SCHED_FIT_REQUESTED_TO_CAPACITY_RATIO)
    return rtcr_score(f, alloc, req, f->n_res);
  gint64 sum = 0, wsum = 0;
  for (guint i = 0; i < f->n_res; i++) {
    if (alloc[i] == 0)
      continue;
    gint64 s = f->strategy == KS_SCHED_FIT_MOST_ALLOCATED ? most_requested(req[i], alloc[i])
                                                          : least_requested(req[i], alloc[i]);
    sum += s * f->res[i].weight;
    wsum += f->res[i].weight;
  }
  return wsum == 0 ? 0 : sum / wsum;
}

static void fit_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                      const KsSchedCache *c, guint slot, gint64 *score, KsSchedStatus *st) {
  *score = fit_score_one(p->self, cs->data[p->index], c, slot);
}

static void fit_score_nodes(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                            const KsSchedCache *c, const guint *slots, guint n, gint64 *scores,
                            KsSchedStatus *st) {
  const Fit *f = p->self;
  const FitCycle *fc = cs->data[p->index];
  for (guint i = 0; i < n; i++)
    scores[i] = fit_score_one(f, fc, c, slots[i]);
}

/* ---- descriptor ---------------------------------------------------------------------------- */

/* v1.31 with queueing hints off: any node add/update and any assigned pod
 * deletion may make room. */
static const KsSchedClusterEvent fit_events[] = {
    {KS_SCHED_EV_POD, KS_SCHED_ACT_DELETE, "AssignedPodDelete"},
    {KS_SCHED_EV_NODE, KS_SCHED_ACT_ADD | KS_SCHED_ACT_UPDATE, "NodeAdd|NodeUpdate"},
};

const KsSchedPluginDesc ks_sched_plugin_node_resources_fit = {
    .name = "NodeResourcesFit",
    .create = fit_create,
    .destroy = fit_destroy,
    .cycle_data_free = fit_cycle_free,
    .events = fit_events,
    .n_events = G_N_ELEMENTS(fit_events),
    .pre_filter = fit_pre_filter,
    .filter = fit_filter,
    .filter_nodes = fit_filter_nodes,
    .pre_score = fit_pre_score,
    .score = fit_score,
    .score_nodes = fit_score_nodes,
    .admit = fit_admit,
};
