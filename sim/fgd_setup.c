/* See fgd_setup.h. */
#include "sim/fgd_setup.h"

#include "sched/gpu_frag.h"
#include "sched/plugins/fgd.h"
#include "sim/trace_feed.h"

/* The FGD instances of every profile the setup built. transfer container */
static GPtrArray *fgd_instances(KsSchedSetup *setup) {
  GPtrArray *out = g_ptr_array_new();
  guint n = setup->config ? setup->config->n_profiles : 1;
  for (guint i = 0; i < n; i++) {
    const char *name =
        setup->config ? setup->config->profiles[i].scheduler_name : KS_DEFAULT_SCHEDULER_NAME;
    KsSchedFramework *fw = ks_sched_profile(setup->sched, name);
    KsSchedPlugin *p = fw ? ks_sched_framework_plugin(fw, ks_sched_plugin_fgd.name) : NULL;
    if (p)
      g_ptr_array_add(out, p);
  }
  return out;
}

static gboolean learn_from_trace(KsGpuTypicalBuilder *b, const KsScenarioTrace *t,
                                 GError **error) {
  KsTraceSource *src = ks_trace_feed_open_source(t, error);
  if (!src)
    return FALSE;
  KsTraceEvent ev;
  ks_trace_event_init(&ev);
  gboolean ok = TRUE;
  GError *local = NULL;
  while (ok && ks_trace_source_next(src, &ev, &local)) {
    if (ev.type == KS_TRACE_POD_CREATE && !ks_gpu_typical_builder_add_pod(b, ev.pod, &local))
      ok = FALSE;
  }
  ks_trace_event_clear(&ev);
  ks_trace_source_free(src);
  if (local) {
    g_propagate_prefixed_error(error, local, "FGD's typical pods: ");
    return FALSE;
  }
  return ok;
}

/* Without a trace, the pods of the scenario's manifest batches; there must
 * be some. */
static gboolean learn_from_batches(KsGpuTypicalBuilder *b, const KsScenario *s, GError **error) {
  guint64 pods = 0;
  for (guint i = 0; i < s->batches->len; i++) {
    const KsScenarioBatch *batch = s->batches->pdata[i];
    for (guint j = 0; j < batch->set->objects->len; j++) {
      const KsManifestObject *o = batch->set->objects->pdata[j];
      if (o->kind != KS_KIND_POD)
        continue;
      if (!ks_gpu_typical_builder_add_pod(b, o->u.pod, error))
        return FALSE;
      pods++;
    }
  }
  if (pods == 0) {
    g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                "FGD needs the workload's typical pods (docs/fgd.md 2.1): give the scenario "
                "a trace (spec.trace) or pods in its manifests");
    return FALSE;
  }
  return TRUE;
}

gboolean ks_sim_fgd_setup(KsSchedSetup *setup, const KsScenario *scenario,
                          const KsScenarioTrace *trace, GError **error) {
  GPtrArray *fgd = fgd_instances(setup);
  if (fgd->len == 0) {
    g_ptr_array_free(fgd, TRUE);
    return TRUE;
  }
  KsGpuTypicalBuilder *b = ks_gpu_typical_builder_new();
  /* An empty trace gives an empty set: it has nothing to place either. */
  gboolean ok = trace ? learn_from_trace(b, trace, error)
                      : learn_from_batches(b, scenario, error);
  if (ok) {
    KsGpuTypicalPods *tp = ks_gpu_typical_builder_finish(b, KS_FGD_TYPICAL_THRESHOLD_PCT, TRUE);
    for (guint i = 0; i < fgd->len; i++)
      ks_sched_fgd_set_typical_pods(fgd->pdata[i], tp);
    ks_gpu_typical_pods_unref(tp);
  }
  ks_gpu_typical_builder_free(b);
  g_ptr_array_free(fgd, TRUE);
  return ok;
}
