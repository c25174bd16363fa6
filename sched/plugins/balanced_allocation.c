/* NodeResourcesBalancedAllocation (PreScore, Score; kube-semantics 3.9),
 * exactly as kube-scheduler v1.31 scores it:
 *
 *   req_r = node.Requested_r + pod.Request_r      (plain requests: no
 *                                                  100m / 200Mi defaults)
 *   f_r   = min(req_r / alloc_r, 1)               (float64)
 *   std   = |f_0 - f_1| / 2                        when two resources remain
 *         = sqrt(Σ (f_r - mean)^2 / n)             when more than two
 *         = 0                                      otherwise
 *   score = int64((1 - std) * 100)                 (truncation)
 *
 * A resource is left out of the fractions when the node has no allocatable
 * of it, or when it is a scalar (extended, hugepages-*, ...) the pod does not
 * request. Names that are neither cpu, memory, ephemeral-storage nor scalars
 * (e.g. "pods") never score, as upstream's switch falls through to "not
 * found". v1.31 has no best-effort skip: a pod requesting nothing is scored
 * like any other (Skip at PreScore came in v1.33).
 *
 * Floating point is kept on purpose: upstream computes in float64 and
 * truncates, so integer arithmetic would drift by one point on some nodes.
 * The operations are done in upstream's order (sum, mean, squared
 * deviations, sqrt, (1 - std) * 100); the build is ISO C11 (no
 * -ffp-contract=fast), so no fused multiply-add changes the last bit.
 *
 * PreScore classifies nothing (that was done once at create) and computes
 * the pod's request per configured resource into the cycle-state slot, which
 * is reused across cycles; Score reads it and the cache's arrays
 * (req_cpu/alloc_cpu..., requested[slot] for scalars). Score called without
 * PreScore (upstream supports it) recomputes the request on the spot.
 */
#include "sched/plugins/balanced_allocation.h"

#include <math.h>
#include <string.h>

#include "sched/cache.h"

typedef enum { BA_CPU, BA_MEMORY, BA_EPHEMERAL, BA_SCALAR, BA_NONE } BaKind;

typedef struct {
  BaKind kind[KS_SCHED_BALANCED_MAX_RESOURCES];
  const char *name[KS_SCHED_BALANCED_MAX_RESOURCES]; /* interned */
  guint n;
} Balanced;

typedef struct {
  KsResourceList scratch; /* the pod's effective request, reused across cycles */
  gint64 req[KS_SCHED_BALANCED_MAX_RESOURCES];
} BalancedCycle;

/* ---- args ------------------------------------------------------------------------------ */

static BaKind kind_of(const char *name) {
  if (strcmp(name, KS_RESOURCE_CPU) == 0)
    return BA_CPU;
  if (strcmp(name, KS_RESOURCE_MEMORY) == 0)
    return BA_MEMORY;
  if (strcmp(name, KS_RESOURCE_EPHEMERAL_STORAGE) == 0)
    return BA_EPHEMERAL;
  return ks_resource_is_scalar(name) ? BA_SCALAR : BA_NONE;
}

/* Upstream ValidateNodeResourcesBalancedAllocationArgs: every error is
 * collected; one is reported alone, several as an aggregate "[a, b]". */
static gboolean validate(const KsSchedResourceSpec *rs, guint n, GError **error) {
  if (n > KS_SCHED_BALANCED_MAX_RESOURCES) { /* ksim's limit, checked first */
    g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                "resources: Too many: %u: must have at most %d items", n,
                KS_SCHED_BALANCED_MAX_RESOURCES);
    return FALSE;
  }
  GPtrArray *errs = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < n; i++) {
    if (!rs[i].name || !*rs[i].name) {
      g_ptr_array_add(errs, g_strdup_printf("resources[%u].name: Required value", i));
      continue;
    }
    for (guint j = 0; j < i; j++) {
      if (rs[j].name && strcmp(rs[j].name, rs[i].name) == 0) {
        g_ptr_array_add(errs, g_strdup_printf("resources[%u].name: Duplicate value: \"%s\"", i,
                                              rs[i].name));
        break;
      }
    }
    if (rs[i].weight != 1)
      g_ptr_array_add(errs, g_strdup_printf("resources[%u].weight: Invalid value: %" G_GINT64_FORMAT
                                            ": must be 1",
                                            i, rs[i].weight));
  }
  gboolean ok = errs->len == 0;
  if (errs->len == 1) {
    g_set_error_literal(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS, errs->pdata[0]);
  } else if (errs->len > 1) {
    g_ptr_array_add(errs, NULL);
    char *joined = g_strjoinv(", ", (char **)errs->pdata);
    g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS, "[%s]", joined);
    g_free(joined);
  }
  g_ptr_array_free(errs, TRUE);
  return ok;
}

static gpointer balanced_create(gconstpointer args, GError **error) {
  static const KsSchedResourceSpec defaults[] = {{"cpu", 1}, {"memory", 1}};
  const KsSchedBalancedAllocationArgs *a = args;
  const KsSchedResourceSpec *rs = a && a->n_resources ? a->resources : defaults;
  guint n = a && a->n_resources ? a->n_resources : G_N_ELEMENTS(defaults);
  if (!validate(rs, n, error))
    return NULL;
  Balanced *b = g_new0(Balanced, 1);
  for (guint i = 0; i < n; i++) {
    b->name[i] = g_intern_string(rs[i].name);
    b->kind[i] = kind_of(rs[i].name);
  }
  b->n = n;
  return b; /* transfer full */
}

static void balanced_destroy(gpointer self) { g_free(self); }

static void balanced_cycle_free(gpointer data) {
  BalancedCycle *bc = data;
  ks_resource_list_clear(&bc->scratch);
  g_free(bc);
}

/* ---- pre-score ---------------------------------------------------------------------------- */

/* calculatePodResourceRequestList with useRequested: plain effective
 * requests (cpu in millicores). `scratch` must be initialised. */
static void pod_request_vector(const Balanced *b, const KsPod *pod, KsResourceList *scratch,
                               gint64 *out) {
  ks_resource_list_clear(scratch);
  ks_pod_compute_requests(pod, scratch);
  for (guint i = 0; i < b->n; i++) {
    switch (b->kind[i]) {
    case BA_CPU: out[i] = scratch->milli_cpu; break;
    case BA_MEMORY: out[i] = scratch->memory; break;
    case BA_EPHEMERAL: out[i] = scratch->ephemeral_storage; break;
    case BA_SCALAR: out[i] = ks_resource_list_get(scratch, b->name[i]); break;
    case BA_NONE: out[i] = 0; break;
    }
  }
}

static void balanced_pre_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                               const KsSchedCache *c, const guint *slots, guint n,
                               KsSchedStatus *st) {
  BalancedCycle *bc = cs->data[p->index];
  if (!bc) {
    bc = g_new0(BalancedCycle, 1);
    ks_resource_list_init(&bc->scratch);
    cs->data[p->index] = bc;
  }
  pod_request_vector(p->self, pod, &bc->scratch, bc->req);
}

/* ---- score ------------------------------------------------------------------------------- */

/* calculateResourceAllocatableRequest with useRequested; alloc 0 = skip. */
static void alloc_and_request(const Balanced *b, guint i, gint64 pod_req, const KsSchedCache *c,
                              guint s, gint64 *alloc, gint64 *req) {
  *alloc = *req = 0;
  switch (b->kind[i]) {
  case BA_CPU: *alloc = c->alloc_cpu[s]; *req = c->req_cpu[s] + pod_req; break;
  case BA_MEMORY: *alloc = c->alloc_mem[s]; *req = c->req_mem[s] + pod_req; break;
  case BA_EPHEMERAL: *alloc = c->alloc_eph[s]; *req = c->req_eph[s] + pod_req; break;
  case BA_SCALAR:
    if (pod_req == 0) /* a scalar the pod does not ask for says nothing about balance */
      return;
    *alloc = ks_resource_list_get(&c->nodes[s]->allocatable, b->name[i]);
    *req = ks_resource_list_get(&c->requested[s], b->name[i]) + pod_req;
    break;
  case BA_NONE: break;
  }
}

/* balancedResourceScorer */
static gint64 balanced_score_of(const double *f, guint n) {
  double std = 0.0;
  if (n == 2) {
    std = fabs((f[0] - f[1]) / 2);
  } else if (n > 2) {
    double total = 0.0;
    for (guint i = 0; i < n; i++)
      total += f[i];
    double mean = total / (double)n, sum = 0.0;
    for (guint i = 0; i < n; i++)
      sum = sum + (f[i] - mean) * (f[i] - mean);
    std = sqrt(sum / (double)n);
  }
  return (gint64)((1 - std) * (double)KS_SCHED_MAX_NODE_SCORE);
}

static inline gint64 balanced_score_one(const Balanced *b, const gint64 *pod_req,
                                        const KsSchedCache *c, guint slot) {
  double f[KS_SCHED_BALANCED_MAX_RESOURCES];
  guint nf = 0;
  for (guint i = 0; i < b->n; i++) {
    gint64 alloc, req;
    alloc_and_request(b, i, pod_req[i], c, slot, &alloc, &req);
    if (alloc == 0)
      continue;
    double fr = (double)req / (double)alloc;
    f[nf++] = fr > 1 ? 1 : fr;
  }
  return balanced_score_of(f, nf);
}

/* The pod's request vector: PreScore's, else computed into `local`. */
static const gint64 *pod_request(const Balanced *b, const BalancedCycle *bc, const KsPod *pod,
                                 gint64 *local) {
  if (bc)
    return bc->req;
  /* PreScore not run: compute here (allocates; never in a scheduler cycle) */
  KsResourceList scratch;
  ks_resource_list_init(&scratch);
  pod_request_vector(b, pod, &scratch, local);
  ks_resource_list_clear(&scratch);
  return local;
}

static void balanced_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                           const KsSchedCache *c, guint slot, gint64 *score, KsSchedStatus *st) {
  gint64 local[KS_SCHED_BALANCED_MAX_RESOURCES];
  const gint64 *pod_req = pod_request(p->self, cs->data[p->index], pod, local);
  *score = balanced_score_one(p->self, pod_req, c, slot);
}

static void balanced_score_nodes(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                 const KsSchedCache *c, const guint *slots, guint n,
                                 gint64 *scores, KsSchedStatus *st) {
  gint64 local[KS_SCHED_BALANCED_MAX_RESOURCES];
  const gint64 *pod_req = pod_request(p->self, cs->data[p->index], pod, local);
  for (guint i = 0; i < n; i++)
    scores[i] = balanced_score_one(p->self, pod_req, c, slots[i]);
}

const KsSchedPluginDesc ks_sched_plugin_balanced_allocation = {
    .name = "NodeResourcesBalancedAllocation",
    .create = balanced_create,
    .destroy = balanced_destroy,
    .cycle_data_free = balanced_cycle_free,
    .pre_score = balanced_pre_score,
    .score = balanced_score,
    .score_nodes = balanced_score_nodes,
};
