/* GpuShare (PreFilter, Filter, Reserve, Unreserve): the scheduler side of
 * the GPU sharing model (sched/gpu.h; the FGD simulator's open-gpu-share
 * plugin, whose Filter this follows).
 *
 * PreFilter reads the pod's GPU request once per cycle into the plugin's
 * cycle-state slot (a fixed-size value, reused across cycles). A pod
 * without a GPU request returns Skip, so its Filter never runs: the plugin
 * can sit in the default profile at no cost to ordinary pods. A malformed
 * request is UnschedulableAndUnresolvable with the parser's message.
 *
 * Filter reads the node's GPU state from the cache
 * (ks_sched_cache_gpu_view, O(GPUs on the node)): no GPU or a model the pod
 * does not allow is UnschedulableAndUnresolvable (preemption cannot help);
 * too little free GPU is Unschedulable (preempting GPU pods may help: the
 * preemption dry run removes victims from the cache, which frees their
 * GPUs, so no AddPod/RemovePod extension is needed: the PreFilter state
 * does not depend on other pods).
 *
 * The GPU(s) are chosen when the scheduler assumes the pod onto the node,
 * just before Reserve (cache.c: the policy hook of ks_gpu_set_chooser, else
 * best fit). Reserve checks that the cache placed the pod (it fails with the
 * "not enough free GPU" reason otherwise) and remembers the assignment;
 * Unreserve drops it (forgetting the assumed pod frees its GPUs). The
 * binder side writes the choice into the bound pod's gpu-index annotation
 * (sim/sched_driver.c reads ks_sched_cache_pod_gpus).
 */
#include "sched/plugins/gpu_share.h"
#include "sched/cache.h"
#include "sched/gpu.h"

typedef struct {
  const KsPod *pod;          /* whose request `req` is; NULL when skipped */
  KsGpuRequest req;
  const KsSchedCache *cache; /* from PreFilter: Reserve has no cache argument */
  KsGpuAssignment reserved;  /* set at Reserve */
} GpuCycle;

static GpuCycle *cycle_data(KsSchedPlugin *p, KsSchedCycleState *cs) {
  if (!cs->data[p->index])
    cs->data[p->index] = g_new0(GpuCycle, 1);
  return cs->data[p->index];
}

static void gpu_share_pre_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                 const KsSchedCache *c, GHashTable **node_names,
                                 KsSchedStatus *st) {
  GpuCycle *gc = cycle_data(p, cs);
  GError *error = NULL;
  gc->pod = NULL;
  gc->cache = c;
  gc->reserved = (KsGpuAssignment){0, 0};
  if (!ks_gpu_request_from_pod(pod, &gc->req, &error)) {
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE,
                        g_intern_string(error->message));
    g_error_free(error);
    return;
  }
  if (gc->req.count == 0) {
    ks_sched_status_set(st, KS_SCHED_SKIP, NULL);
    return;
  }
  gc->pod = pod;
}

/* The reason the request does not fit the node's GPUs, or NULL when it fits. */
static const char *misfit(const KsGpuRequest *r, const KsGpuNodeView *v, KsSchedCode *code) {
  *code = KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE;
  if (v->count == 0)
    return KS_SCHED_GPU_SHARE_REASON_NO_GPU;
  if (!ks_gpu_model_allowed(r, v->model))
    return KS_SCHED_GPU_SHARE_REASON_MODEL;
  if (r->count > v->count || (r->pinned && v->count < 64 && (r->pinned >> v->count) != 0))
    return KS_SCHED_GPU_SHARE_REASON_FREE; /* more GPUs than the node has */
  *code = KS_SCHED_UNSCHEDULABLE;
  return ks_gpu_fits(r, v) ? NULL : KS_SCHED_GPU_SHARE_REASON_FREE;
}

static void gpu_share_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                             const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  const GpuCycle *gc = cs->data[p->index];
  if (!gc || gc->pod != pod) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE,
                        "reading \"PreFilterGpuShare\" from cycleState: not found");
    return;
  }
  KsGpuNodeView v = ks_sched_cache_gpu_view(c, slot);
  KsSchedCode code;
  const char *why = misfit(&gc->req, &v, &code);
  if (why)
    ks_sched_status_set(st, code, why);
}

static void gpu_share_reserve(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                              const char *node, KsSchedStatus *st) {
  GpuCycle *gc = cs->data[p->index];
  if (!gc || gc->pod != pod)
    return; /* skipped at PreFilter: no GPU */
  gc->reserved = ks_sched_cache_pod_gpus(gc->cache, pod);
  if (gc->reserved.mask == 0)
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE, KS_SCHED_GPU_SHARE_REASON_FREE);
}

static void gpu_share_unreserve(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                const char *node) {
  GpuCycle *gc = cs->data[p->index];
  if (gc && gc->pod == pod)
    gc->reserved = (KsGpuAssignment){0, 0};
}

static gboolean gpu_share_admit(KsSchedPlugin *p, const KsPod *pod, const KsSchedCache *c,
                                guint slot) {
  KsGpuRequest r;
  if (!ks_gpu_request_from_pod(pod, &r, NULL))
    return FALSE;
  KsGpuNodeView v = ks_sched_cache_gpu_view(c, slot);
  return ks_gpu_fits(&r, &v);
}

/* A deleted pod frees GPUs; a node may gain GPUs or change model (add,
 * allocatable, label). Pod updates are not registered (as NodeResourcesFit
 * here): every pod start is one, and retrying every GPU-rejected pod on each
 * would cost much and free nothing (only a rewritten gpu-index of a pod
 * created bound moves GPU use, and it moves it, it does not free it). */
static const KsSchedClusterEvent gpu_share_events[] = {
    {KS_SCHED_EV_POD, KS_SCHED_ACT_DELETE, "AssignedPodDelete"},
    {KS_SCHED_EV_NODE,
     KS_SCHED_ACT_ADD | KS_SCHED_ACT_UPDATE_NODE_ALLOCATABLE | KS_SCHED_ACT_UPDATE_NODE_LABEL,
     "NodeAdd|NodeAllocatableChange|NodeLabelChange"},
};

const KsSchedPluginDesc ks_sched_plugin_gpu_share = {
    .name = KS_SCHED_GPU_SHARE_NAME,
    .cycle_data_free = g_free,
    .events = gpu_share_events,
    .n_events = G_N_ELEMENTS(gpu_share_events),
    .pre_filter = gpu_share_pre_filter,
    .filter = gpu_share_filter,
    .reserve = gpu_share_reserve,
    .unreserve = gpu_share_unreserve,
    .admit = gpu_share_admit,
};
