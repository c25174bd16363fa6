/* Shared plumbing of the FGD paper's GPU policies (docs/fgd.md section 3):
 * FGD, GpuBestFit, GpuPacking, GpuClustering, GpuDotProduct, GpuRandom.
 *
 * Each of them is a Score plugin with a PreFilter that (1) reads the pod's
 * GPU request and non-zero CPU request once per cycle into its cycle-state
 * slot and (2) installs the policy's in-node GPU chooser with
 * ks_gpu_set_chooser (PreFilter runs for every pod; PreScore/Score are
 * skipped when a single node is feasible, yet the GPU must still be chosen
 * the policy's way). Score then reads the node as the paper's simulator
 * does (`NodeResource`): CPU left = allocatable - requested (plain
 * requests), per-GPU free milli, card model.
 *
 * A malformed GPU request is refused at PreFilter (UnschedulableAndUnresolvable),
 * as the GpuShare filter refuses it.
 */
#pragma once
#include "sched/cache.h"
#include "sched/framework.h"
#include "sched/gpu.h"

/* The largest node the paper's simulator normalises by (upstream
 * MaxSpecCpu / MaxSpecGpu in open-gpu-share/utils/const.go). */
#define KS_GPU_MAX_SPEC_CPU 128000 /* milli CPU */
#define KS_GPU_MAX_SPEC_GPU 8000   /* milli GPU: 8 GPUs */

/* The pod, as the policies see it (upstream PodResource). */
typedef struct {
  KsGpuRequest req;   /* count 0 = no GPU */
  gint64 cpu;         /* non-zero CPU request (0 -> 100m) */
  gboolean requests;  /* the pod requests anything at all (plain requests or GPU) */
  gint choice;        /* GpuRandom: the cache slot drawn at PreScore, -1 none */
} KsSchedGpuPod;

/* PreFilter body: fills the plugin's cycle slot (allocated on first use,
 * freed with g_free: use ks_sched_gpu_pod_free as cycle_data_free) and
 * installs `choose`/`data` as the pod's GPU chooser when it asks for GPUs.
 * Returns the cycle data, or NULL with st set on a malformed request. */
KsSchedGpuPod *ks_sched_gpu_pod_prepare(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                        const KsSchedCache *c, KsGpuChooseFunc choose,
                                        gpointer data, KsSchedStatus *st);
void ks_sched_gpu_pod_free(gpointer data);

/* The cycle data PreFilter left, or NULL with an error status naming the plugin. */
const KsSchedGpuPod *ks_sched_gpu_pod_get(KsSchedPlugin *p, KsSchedCycleState *cs,
                                          KsSchedStatus *st);

/* Node `slot` as upstream NodeResource: CPU left and per-GPU free milli
 * (free[0..*count), raw: negative when overcommitted), *model. Returns the
 * total free milli (upstream GetTotalMilliGpuLeft). */
gint64 ks_sched_gpu_node(const KsSchedCache *c, guint slot, gint64 *cpu_left, gint32 *free,
                         guint *count, GQuark *model);

/* The cache slot whose GPU array `v` views (a chooser only gets the view),
 * or -1. O(nodes); called once per pod at assume. */
gint ks_sched_gpu_slot_of_view(const KsSchedCache *c, const KsGpuNodeView *v);
