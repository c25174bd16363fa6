/* The GPU sharing model (issue 4, part 3): what a node offers, what a pod
 * asks for, whether a request fits a node's GPUs, and which GPU(s) it takes.
 *
 * Model (the FGD simulator's, hkust-adsl/kubernetes-scheduler-simulator,
 * pkg/type/open-gpu-share): a node has `count` GPUs of one card model, each
 * of KS_GPU_MILLI (1000) milli-GPU. A pod asks for `count` GPUs of `milli`
 * each: either a share of ONE GPU (count == 1, milli in 1..1000) or whole
 * GPUs (count >= 1, milli == 1000), optionally restricted to a list of card
 * models. The scheduler keeps per node per GPU the used milli (cache.h,
 * ks_sched_cache_gpu_view) and chooses the GPU index(es) when the pod is
 * assumed onto a node; the bound pod carries them in its gpu-index
 * annotation ("0" or "0-1-2", ascending).
 *
 * Two ways to declare GPUs, both read here (docs/gpu-sharing.md has the
 * table):
 *  - the FGD simulator's YAML, unchanged: node status capacity/allocatable
 *    `alibabacloud.com/gpu-count` (and `alibabacloud.com/gpu-milli`, count x
 *    1000, informational) and label `alibabacloud.com/gpu-card-model`; pod
 *    annotations `alibabacloud.com/gpu-count`, `alibabacloud.com/gpu-milli`
 *    (per GPU), `alibabacloud.com/gpu-card-model` ("A|B": allowed models),
 *    `alibabacloud.com/gpu-index` (set on binding; on a pending pod it pins
 *    the GPUs, as the FGD simulator honours it);
 *  - plain Kubernetes whole GPUs: node allocatable `nvidia.com/gpu` and
 *    label `nvidia.com/gpu.product`; pod container requests/limits
 *    `nvidia.com/gpu` (count, milli 1000).
 * The alibabacloud.com form wins when both are present on one object.
 *
 * Values are value types (no heap): a request or assignment lives in cycle
 * state or a cache entry without ownership questions. Models are GQuarks
 * (glib's process-wide string table; 0 = unknown model).
 *
 * Cost: a pod's request is parsed once per scheduling cycle (PreFilter); the
 * fit test and the default choice are O(GPUs on the node).
 */
#pragma once
#include <glib.h>
#include "sched/objects.h"

/* ---- names ----------------------------------------------------------------- */

#define KS_GPU_MILLI 1000                 /* milli-GPU in one GPU */
#define KS_GPU_MAX_PER_NODE 64            /* limit on a node's (and a pod's) GPU count */
#define KS_GPU_MAX_MODELS 8               /* limit on a pod's allowed-model list */
/* A pod's model that is not yet a quark matches no node: pods look models up
 * (g_quark_try_string) instead of interning them, so that odd pod input
 * never grows glib's process-wide quark table; nodes intern theirs. */
#define KS_GPU_MODEL_UNKNOWN ((GQuark)G_MAXUINT32)

#define KS_GPU_KEY_MILLI "alibabacloud.com/gpu-milli"      /* pod annotation; node resource */
#define KS_GPU_KEY_COUNT "alibabacloud.com/gpu-count"      /* pod annotation; node resource */
#define KS_GPU_KEY_MODEL "alibabacloud.com/gpu-card-model" /* pod annotation; node label */
#define KS_GPU_KEY_INDEX "alibabacloud.com/gpu-index"      /* pod annotation */
#define KS_GPU_RESOURCE_NVIDIA "nvidia.com/gpu"            /* extended resource, whole GPUs */
#define KS_GPU_LABEL_NVIDIA_PRODUCT "nvidia.com/gpu.product" /* node label (GPU feature discovery) */

GQuark ks_gpu_error_quark(void);
#define KS_GPU_ERROR ks_gpu_error_quark()
typedef enum {
  KS_GPU_ERROR_INVALID, /* a malformed or out-of-range value; the message names the key */
} KsGpuError;

/* ---- node inventory ------------------------------------------------------ */

typedef struct {
  guint count;  /* GPUs on the node, 0..KS_GPU_MAX_PER_NODE */
  GQuark model; /* card model, 0 when the node does not say */
} KsGpuNodeSpec;

/* Reads the node's GPUs (allocatable, which defaults to capacity). A node
 * without GPU keys has count 0. FALSE and *error (naming node and key) on a
 * negative, fractional or too large count. */
gboolean ks_gpu_node_spec(const KsNode *node, KsGpuNodeSpec *out, GError **error);

/* For importers: declares `count` GPUs of `model` (NULL = none) on the node in
 * the FGD simulator's form (capacity and allocatable gpu-count and gpu-milli,
 * label gpu-card-model). count <= KS_GPU_MAX_PER_NODE. */
void ks_gpu_node_set(KsNode *node, guint count, const char *model);

/* ---- pod request --------------------------------------------------------- */

typedef struct {
  guint count;   /* GPUs asked for; 0 = the pod uses no GPU (everything else is 0) */
  gint32 milli;  /* per GPU: 1..1000; < 1000 only when count == 1 (a share) */
  guint n_models;                    /* 0 = any model */
  GQuark models[KS_GPU_MAX_MODELS];  /* allowed card models; KS_GPU_MODEL_UNKNOWN for a
                                      * name no node has declared (yet) */
  guint64 pinned; /* GPU indexes preset by a gpu-index annotation (bit i = GPU i); 0 = free choice */
} KsGpuRequest;

/* Reads the pod's request: the alibabacloud.com annotations when gpu-count or
 * gpu-milli is present (gpu-milli alone means count 1, gpu-count alone
 * means whole GPUs), else the sum of the containers' nvidia.com/gpu requests
 * (limits when requests are absent, as for extended resources). gpu-milli
 * 0 or gpu-count 0 means no GPU (as the FGD simulator). FALSE and *error
 * (naming pod and key) on bad numbers, milli > 1000, count > 1 with milli
 * < 1000, too many models, a malformed gpu-index. */
gboolean ks_gpu_request_from_pod(const KsPod *pod, KsGpuRequest *out, GError **error);

/* For importers: sets the FGD simulator's annotations on the pod: count,
 * milli per GPU, models as "A|B" (NULL or "" = any). count == 0 removes them. */
void ks_gpu_pod_set(KsPod *pod, guint count, gint32 milli, const char *models);

/* Total milli the request takes (count x milli). */
static inline gint64 ks_gpu_request_total(const KsGpuRequest *r) {
  return (gint64)r->count * r->milli;
}
/* TRUE when the request allows card model `model` (any model when none listed). */
gboolean ks_gpu_model_allowed(const KsGpuRequest *r, GQuark model);

/* ---- a node's GPU state and assignments ------------------------------------- */

/* A read-only view of one node's GPUs as the scheduler cache holds them
 * (ks_sched_cache_gpu_view, cache.h). Valid until the cache next changes. */
typedef struct {
  guint count;         /* GPUs */
  GQuark model;        /* card model, 0 unknown */
  const gint32 *used;  /* [count]: milli in use per GPU, 0..1000 */
} KsGpuNodeView;

/* The GPUs a pod holds on its node: the same milli on each GPU of `mask`. */
typedef struct {
  guint64 mask;  /* bit i: GPU i; 0 = no GPU */
  gint32 milli;  /* per GPU */
} KsGpuAssignment;

/* Free milli on GPU i of the view. */
static inline gint32 ks_gpu_free(const KsGpuNodeView *v, guint i) {
  return KS_GPU_MILLI - v->used[i];
}
/* Number of fully free GPUs / sum of free milli over the node's GPUs. */
guint ks_gpu_free_whole(const KsGpuNodeView *v);
gint64 ks_gpu_free_total(const KsGpuNodeView *v);

/* Can the request be placed on the node as it is now: model allowed, and
 * `count` GPUs each with >= milli free (whole GPUs for count > 1; one GPU
 * with enough free milli for a share; the pinned GPUs when pinned). A
 * request with count 0 always fits. */
gboolean ks_gpu_fits(const KsGpuRequest *r, const KsGpuNodeView *v);

/* Is `a` a placement of `r` on `v` (right count and milli, in range, each
 * GPU with enough free milli, the pinned GPUs when pinned)? */
gboolean ks_gpu_assignment_valid(const KsGpuRequest *r, const KsGpuNodeView *v,
                                 const KsGpuAssignment *a);

/* ---- choosing the GPU(s) inside a node --------------------------------------
 * A chooser fills *out with a valid assignment of r on v and returns TRUE,
 * or returns FALSE when the request does not fit. `data` is the chooser's
 * own (a policy's state). Choosers are called with a request whose count is
 * > 0 and not pinned (pinned requests take their pinned GPUs). */
typedef gboolean (*KsGpuChooseFunc)(const KsGpuRequest *r, const KsGpuNodeView *v, gpointer data,
                                    KsGpuAssignment *out);

/* The default: a share goes to the GPU with the least free milli that still
 * fits (best fit), lowest index on ties; whole GPUs are the lowest-indexed
 * free ones (the FGD simulator's AllocateGpuId). */
gboolean ks_gpu_choose_best_fit(const KsGpuRequest *r, const KsGpuNodeView *v, gpointer data,
                                KsGpuAssignment *out);

/* Chooses with `choose` (NULL = best fit), honouring a pinned request, and
 * checks the chooser's answer: FALSE when it does not fit or the chooser's
 * answer is not valid. */
gboolean ks_gpu_choose(const KsGpuRequest *r, const KsGpuNodeView *v, KsGpuChooseFunc choose,
                       gpointer data, KsGpuAssignment *out);

/* Adds / removes an assignment to / from a per-GPU used array of `count`
 * GPUs (bits beyond count are ignored). Exact, never clamped, so that a
 * removal undoes its addition: used exceeds 1000 only when bound pods'
 * gpu-index annotations overcommit a GPU (its free milli is then negative
 * and nothing more fits there). */
void ks_gpu_used_add(gint32 *used, guint count, const KsGpuAssignment *a);
void ks_gpu_used_sub(gint32 *used, guint count, const KsGpuAssignment *a);

/* ---- the gpu-index annotation --------------------------------------------- */

/* "2" or "0-1-3" (ascending) for mask != 0. transfer full */
char *ks_gpu_index_format(guint64 mask);
/* Parses "2" / "0-1-3" (indexes < KS_GPU_MAX_PER_NODE, no repeats) into a
 * mask. FALSE and *error (quoting the value) otherwise. */
gboolean ks_gpu_index_parse(const char *s, guint64 *mask, GError **error);
/* The assignment a bound pod carries: mask from its gpu-index annotation and
 * milli from its request; mask 0 when the pod has no GPU request or no
 * (valid) annotation. */
KsGpuAssignment ks_gpu_pod_assignment(const KsPod *pod);

/* ---- the policy hook ----------------------------------------------------------
 * Which GPU(s) a pod takes is decided when the scheduler assumes it onto
 * the chosen node (ks_sched_cache_assume_pod, before Reserve). By default
 * that is ks_gpu_choose_best_fit. A GPU policy (a Score plugin: FGD,
 * BestFit, GpuPacking, ...) substitutes its own choice by calling
 * ks_gpu_set_chooser from its PreFilter (which runs for every pod, unlike
 * PreScore/Score which are skipped when one node is feasible): the chooser
 * is used for that pod only (the hook records the pod, any other pod gets
 * best fit), so profiles without a GPU policy are unaffected. The hook lives
 * in the cache (written through the const cache pointer plugins hold: it is
 * scratch, not node state, and never read by filters). */
typedef struct KsSchedCache KsSchedCache;
void ks_gpu_set_chooser(const KsSchedCache *c, const KsPod *pod, KsGpuChooseFunc choose,
                        gpointer data);
