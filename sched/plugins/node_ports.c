/* NodePorts (PreFilter, Filter; kube-semantics 3.5, upstream
 * plugins/nodeports, v1.31).
 *
 * PreFilter collects the host ports the pod asks for: ports with
 * hostPort > 0 of its regular containers (v1.31 ignores init containers,
 * sidecars included). A pod with none returns Skip, as upstream does since
 * v1.28, so its Filter never runs; that is nearly every pod.
 *
 * Filter checks each wanted (hostIP, protocol, hostPort) against the ports
 * used by the pods on the node, with upstream HostPortInfo.CheckConflict
 * semantics: same protocol and port, and host IPs that overlap, where an
 * empty IP means 0.0.0.0 and 0.0.0.0 overlaps every IP; other IPs compare
 * as strings. Protocols are an enum whose default is TCP, as upstream's
 * sanitize.
 *
 * Trade-off: upstream keeps NodeInfo.UsedPorts, a map updated on every pod
 * add/remove. ksim's cache does not (most pods use no host ports), so
 * Filter walks the node's pods (c->pods[slot]) and their container ports.
 * That costs O(pods on node x containers) but allocates nothing, and it runs
 * only for the rare pods that want host ports. The wanted ports live in the
 * plugin's cycle-state slot, an array reused across cycles.
 */
#include "sched/plugins/node_ports.h"
#include "sched/cache.h"

#include <string.h>

#define BIND_ALL "0.0.0.0"

typedef struct {
  const char *ip; /* borrowed from the pod; sanitised ("" -> 0.0.0.0) */
  KsProtocol protocol;
  gint32 port;
} WantedPort;

typedef struct {
  GArray *want;        /* of WantedPort */
  const KsPod *pod;    /* whose ports `want` holds; guards against stale state */
} PortsCycle;

static const char *sanitize_ip(const char *ip) {
  return ip && ip[0] ? ip : BIND_ALL;
}

/* Walks the host ports (hostPort > 0) of a pod's regular containers, the
 * ports upstream getContainerPorts and NodeInfo.UsedPorts both consider. */
typedef struct {
  const KsPod *pod;
  guint container, port;
} PortIter;

static const KsContainerPort *next_host_port(PortIter *it) {
  const GArray *cs = it->pod->containers;
  for (; cs && it->container < cs->len; it->container++, it->port = 0) {
    const GArray *ports = g_array_index(cs, KsContainer, it->container).ports;
    while (ports && it->port < ports->len) {
      const KsContainerPort *cp = &g_array_index(ports, KsContainerPort, it->port++);
      if (cp->host_port > 0)
        return cp;
    }
  }
  return NULL;
}

static WantedPort wanted_of(const KsContainerPort *cp) {
  return (WantedPort){sanitize_ip(cp->host_ip), cp->protocol, cp->host_port};
}

/* CheckConflict of one wanted port against one used port */
static gboolean ports_conflict(const WantedPort *w, const KsContainerPort *used) {
  if (used->host_port != w->port || used->protocol != w->protocol)
    return FALSE;
  const char *uip = sanitize_ip(used->host_ip);
  return strcmp(w->ip, BIND_ALL) == 0 || strcmp(uip, BIND_ALL) == 0 || strcmp(uip, w->ip) == 0;
}

static gboolean node_uses_port(const KsSchedCache *c, guint slot, const WantedPort *w) {
  const GPtrArray *pods = c->pods[slot];
  for (guint i = 0; pods && i < pods->len; i++) {
    PortIter it = {((const KsSchedPodEntry *)g_ptr_array_index(pods, i))->pod, 0, 0};
    for (const KsContainerPort *cp; (cp = next_host_port(&it));)
      if (ports_conflict(w, cp))
        return TRUE;
  }
  return FALSE;
}

gboolean ks_sched_node_ports_fit(const KsPod *pod, const KsSchedCache *c, guint slot) {
  PortIter it = {pod, 0, 0};
  for (const KsContainerPort *cp; (cp = next_host_port(&it));) {
    WantedPort w = wanted_of(cp);
    if (node_uses_port(c, slot, &w))
      return FALSE;
  }
  return TRUE;
}

/* ---- extension points ------------------------------------------------------------ */

static void ports_cycle_free(gpointer data) {
  PortsCycle *pc = data;
  g_array_unref(pc->want);
  g_free(pc);
}

static PortsCycle *cycle_data(KsSchedPlugin *p, KsSchedCycleState *cs) {
  if (!cs->data[p->index]) {
    PortsCycle *pc = g_new0(PortsCycle, 1);
    pc->want = g_array_new(FALSE, FALSE, sizeof(WantedPort));
    cs->data[p->index] = pc;
  }
  return cs->data[p->index];
}

static void node_ports_pre_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                                  const KsSchedCache *c, GHashTable **node_names,
                                  KsSchedStatus *st) {
  PortsCycle *pc = cycle_data(p, cs);
  g_array_set_size(pc->want, 0);
  PortIter it = {pod, 0, 0};
  for (const KsContainerPort *cp; (cp = next_host_port(&it));) {
    WantedPort w = wanted_of(cp);
    g_array_append_val(pc->want, w);
  }
  if (pc->want->len == 0) {
    pc->pod = NULL;
    ks_sched_status_set(st, KS_SCHED_SKIP, NULL);
    return;
  }
  pc->pod = pod;
}

static void node_ports_filter(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                              const KsSchedCache *c, guint slot, KsSchedStatus *st) {
  const PortsCycle *pc = cs->data[p->index];
  if (!pc || pc->pod != pod) {
    ks_sched_status_set(st, KS_SCHED_ERROR_CODE,
                        "reading \"PreFilterNodePorts\" from cycleState: not found");
    return;
  }
  for (guint i = 0; i < pc->want->len; i++) {
    if (node_uses_port(c, slot, &g_array_index(pc->want, WantedPort, i))) {
      ks_sched_status_set(st, KS_SCHED_UNSCHEDULABLE, KS_SCHED_NODE_PORTS_REASON);
      return;
    }
  }
}

static gboolean node_ports_admit(KsSchedPlugin *p, const KsPod *pod, const KsSchedCache *c,
                                 guint slot) {
  return ks_sched_node_ports_fit(pod, c, slot);
}

/* v1.31, queueing hints off: a deleted pod may free a port (ports are
 * immutable, so pod updates are ignored); a new node has every port free;
 * taint and label updates as for every Node/Add plugin (upstream 109437). */
static const KsSchedClusterEvent node_ports_events[] = {
    {KS_SCHED_EV_POD, KS_SCHED_ACT_DELETE, "AssignedPodDelete"},
    {KS_SCHED_EV_NODE,
     KS_SCHED_ACT_ADD | KS_SCHED_ACT_UPDATE_NODE_TAINT | KS_SCHED_ACT_UPDATE_NODE_LABEL,
     "NodeAdd|NodeTaintChange|NodeLabelChange"},
};

const KsSchedPluginDesc ks_sched_plugin_node_ports = {
    .name = "NodePorts",
    .cycle_data_free = ports_cycle_free,
    .events = node_ports_events,
    .n_events = G_N_ELEMENTS(node_ports_events),
    .pre_filter = node_ports_pre_filter,
    .filter = node_ports_filter,
    .admit = node_ports_admit,
};
