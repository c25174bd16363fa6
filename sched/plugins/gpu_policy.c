/* Shared plumbing of the FGD paper's GPU policies (see gpu_policy.h). */
#include "sched/plugins/gpu_policy.h"

#include <string.h>

#include "sched/pod.h"

void ks_sched_gpu_pod_free(gpointer data) { g_free(data); }

/* Does the pod request anything (upstream: PodRequestsAndLimits non-empty)?
 * Approximated by a non-zero plain request or a GPU request. */
static gboolean pod_requests_anything(const KsPod *pod, const KsGpuRequest *r) {
  KsResourceList req;
  ks_resource_list_init(&req);
  ks_pod_compute_requests(pod, &req);
  gboolean any = req.milli_cpu > 0 || req.memory > 0 || (req.scalars && req.scalars->len > 0);
  ks_resource_list_clear(&req);
  return any || r->count > 0;
}

KsSchedGpuPod *ks_sched_gpu_pod_prepare(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                        const KsSchedCache *c, KsGpuChooseFunc choose,
                                        gpointer data, KsSchedStatus *st) {
  KsSchedGpuPod *gp = cs->data[p->index];
  if (!gp)
    gp = cs->data[p->index] = g_new0(KsSchedGpuPod, 1);
  memset(gp, 0, sizeof *gp);
  gp->choice = -1;
  if (!ks_gpu_request_from_pod(pod, &gp->req, NULL)) {
    memset(&gp->req, 0, sizeof gp->req);
    ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE, "invalid GPU request");
    return NULL;
  }
  gint64 mem = 0;
  ks_pod_compute_nonzero_requests(pod, &gp->cpu, &mem);
  gp->requests = pod_requests_anything(pod, &gp->req);
  if (gp->req.count > 0)
    ks_gpu_set_chooser(c, pod, choose, data);
  return gp;
}

const KsSchedGpuPod *ks_sched_gpu_pod_get(KsSchedPlugin *p, KsSchedCycleState *cs,
                                          KsSchedStatus *st) {
  const KsSchedGpuPod *gp = cs->data[p->index];
  if (!gp)
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE, "GPU policy: PreFilter did not run");
  return gp;
}

gint64 ks_sched_gpu_node(const KsSchedCache *c, guint slot, gint64 *cpu_left, gint32 *free,
                         guint *count, GQuark *model) {
  KsGpuNodeView v = ks_sched_cache_gpu_view(c, slot);
  *cpu_left = c->alloc_cpu[slot] - c->req_cpu[slot];
  *count = MIN(v.count, KS_GPU_MAX_PER_NODE);
  *model = v.model;
  gint64 total = 0;
  for (guint i = 0; i < *count; i++) {
    free[i] = ks_gpu_free(&v, i);
    total += free[i];
  }
  return total;
}

gint ks_sched_gpu_slot_of_view(const KsSchedCache *c, const KsGpuNodeView *v) {
  if (!v->used)
    return -1;
  for (guint k = 0; k < c->n_order; k++)
    if (c->gpu_used[c->order[k]] == v->used)
      return (gint)c->order[k];
  return -1;
}
