/* DefaultBinder (Bind, kube-semantics 3.15). Upstream POSTs a Binding to the
 * API server. Here binding is the host's job (the simulator writes the store,
 * the live shim calls the API server), so Bind only claims the pod: success
 * means "the host binds it and reports back through ks_sched_bind_done". */
#include "sched/plugins/plugins.h"

static void default_binder_bind(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                const char *node, KsSchedStatus *st) {
  ks_sched_status_reset(st);
}

const KsSchedPluginDesc ks_sched_plugin_default_binder = {
    .name = "DefaultBinder",
    .bind = default_binder_bind,
};
