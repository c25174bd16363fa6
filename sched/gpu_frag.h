/* The FGD paper's fragmentation measure (docs/fgd.md, section 2).
 *
 * A node's idle GPU milli is "fragmented" with respect to a target workload:
 * the typical pod shapes that cover 95% of the trace's pods, weighted by
 * frequency. For one shape, the node's idle milli is all fragment when the
 * shape cannot run there (no GPU request, model not allowed, CPU or GPUs
 * short), and only the milli of the GPUs too small for it when it can. The
 * node's fragmentation F is the frequency-weighted sum over shapes.
 *
 * Design: exact integers. A typical-pod set keeps each shape's count and the
 * sum `cum` of the kept counts, so frequencies are the rationals count/cum
 * and `cum * F` is an int64 (ks_gpu_frag_node_scaled); F itself (a double)
 * is only formed at the end, for scores and reports. A set is immutable once
 * built and reference counted, so the replay, the FGD plugin and the
 * reporter share one.
 *
 * Cost: F of one node is O(shapes x GPUs) with a handful of integer
 * operations each; CPU-only shapes cost O(1) together.
 */
#pragma once
#include <glib.h>
#include "sched/gpu.h"
#include "sched/objects.h"

/* Upstream's categories (pkg/utils/frag.go FragRatioDataMap), same order. */
typedef enum {
  KS_GPU_FRAG_Q1_LACK_BOTH = 0,
  KS_GPU_FRAG_Q2_LACK_GPU,
  KS_GPU_FRAG_Q3_SATISFIED, /* the only category that is not fragment */
  KS_GPU_FRAG_Q4_LACK_CPU,
  KS_GPU_FRAG_XL_SATISFIED, /* CPU-only shape, CPU fits: its idle GPUs are still fragment */
  KS_GPU_FRAG_XR_LACK_CPU,
  KS_GPU_FRAG_NO_ACCESS,    /* the shape's GPU models exclude the node's */
  KS_GPU_FRAG_N,
} KsGpuFragCategory;

/* Upstream's names ("q1_lack_both", ...). */
const char *ks_gpu_frag_category_name(KsGpuFragCategory c);

/* One typical pod shape: the key of upstream's PodResource. */
typedef struct {
  gint64 milli_cpu;  /* non-zero CPU request (0 -> 100m, as the scheduler's scoring) */
  guint gpu_count;   /* 0 = CPU-only */
  gint32 gpu_milli;  /* per GPU; 0 when gpu_count is 0 */
  guint n_models;    /* allowed card models, in the pod's order; 0 = any */
  GQuark models[KS_GPU_MAX_MODELS];
  gint64 count;      /* pods of this shape in the workload (the weight) */
} KsGpuTypicalPod;

typedef struct {
  KsGpuTypicalPod *pods; /* n, in decreasing count (upstream's order) */
  guint n;
  gint64 cum;            /* sum of the kept counts: frequency_j = pods[j].count / cum */
  gint64 total;          /* pods considered (CPU-only ones excluded when not involved) */
  guint n_shapes;        /* distinct shapes before the cut */
  gint64 cpu_count;      /* sum of the kept CPU-only shapes' counts */
  /* private */
  gint refs;
} KsGpuTypicalPods;

/* ---- building the set from a workload ------------------------------------ */

typedef struct KsGpuTypicalBuilder KsGpuTypicalBuilder;

KsGpuTypicalBuilder *ks_gpu_typical_builder_new(void); /* transfer full */
void ks_gpu_typical_builder_free(KsGpuTypicalBuilder *b);
/* Counts one pod of the given shape (milli_cpu: its non-zero CPU request;
 * r: its GPU request, NULL or count 0 = CPU-only). */
void ks_gpu_typical_builder_add(KsGpuTypicalBuilder *b, gint64 milli_cpu, const KsGpuRequest *r);
/* Counts a pod: non-zero CPU requests and ks_gpu_request_from_pod, its
 * card models interned by name (so a set built before the nodes are known
 * still tells models apart and matches them later). FALSE and *error (the
 * request's error) when its GPU request is malformed. */
gboolean ks_gpu_typical_builder_add_pod(KsGpuTypicalBuilder *b, const KsPod *pod,
                                        GError **error);
/* The typical set: shapes by decreasing count (ties: larger CPU, GPU milli,
 * GPU count, then model list first), the shortest prefix whose count
 * reaches threshold_pct (1..100; upstream 95) percent of all pods counted;
 * CPU-only pods left out entirely unless include_cpu_pods. The builder can
 * be finished more than once. transfer full */
KsGpuTypicalPods *ks_gpu_typical_builder_finish(const KsGpuTypicalBuilder *b, guint threshold_pct,
                                                gboolean include_cpu_pods);

/* A set given explicitly (copied; order kept; counts > 0). For tests and
 * for hosts that read typical pods from a file. transfer full */
KsGpuTypicalPods *ks_gpu_typical_pods_new(const KsGpuTypicalPod *pods, guint n);
KsGpuTypicalPods *ks_gpu_typical_pods_ref(KsGpuTypicalPods *tp); /* returns tp */
void ks_gpu_typical_pods_unref(KsGpuTypicalPods *tp);

/* ---- fragmentation ----------------------------------------------------------- */

/* cum x F(node) exactly, for a node with cpu_left milli CPU unrequested and
 * GPUs `v` (free milli of GPU i = 1000 - v->used[i], negative when
 * overcommitted: counted as 0). cat (optional) receives cum x the amount per
 * category (their sum is cum x idle). */
gint64 ks_gpu_frag_node_scaled(const KsGpuTypicalPods *tp, gint64 cpu_left,
                               const KsGpuNodeView *v, gint64 cat[KS_GPU_FRAG_N]);
/* F(node) in milli-GPU (0 when tp has no pods). */
double ks_gpu_frag_node(const KsGpuTypicalPods *tp, gint64 cpu_left, const KsGpuNodeView *v);

/* The same for an explicit free-milli list (free[0..count)), model `model`:
 * what the policies use to evaluate a hypothetical placement. */
gint64 ks_gpu_frag_free_scaled(const KsGpuTypicalPods *tp, gint64 cpu_left, const gint32 *free,
                               guint count, GQuark model, gint64 cat[KS_GPU_FRAG_N]);

typedef struct {
  double category[KS_GPU_FRAG_N]; /* milli-GPU per category, summed over nodes */
  double idle_milli;              /* sum of every category = idle GPU milli */
  double frag_milli;              /* every category but q3 */
  double frag_ratio_pct;          /* 100 * frag / idle (0 when idle is 0) */
  double q124_ratio_pct;          /* 100 * (q1 + q2 + q4) / idle */
  /* allocation figures (upstream's [Alloc] line) */
  gint64 total_gpus;     /* GPUs of all live nodes */
  gint64 used_gpu_milli; /* allocated milli: sum of 1000 x G - idle */
  gint64 used_nodes;     /* nodes with a used GPU or any requested CPU */
  gint64 used_gpus;      /* all GPUs of the used nodes */
} KsGpuFragReport;

typedef struct KsSchedCache KsSchedCache;
/* The cluster's fragmentation over the cache's live nodes (cpu_left =
 * allocatable - requested CPU). tp NULL or empty: the fragment categories
 * stay 0 and only idle and the allocation figures are filled. */
void ks_gpu_frag_cluster(const KsGpuTypicalPods *tp, const KsSchedCache *c, KsGpuFragReport *out);
