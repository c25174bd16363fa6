/* See node_allocatable.h. The reservations are applied as upstream's
 * kubelet applies them after reading its flags (cmd/kubelet/app/server.go):
 * reservedSystemCPUs overwrites systemReserved's cpu with its CPU count and
 * deletes kubeReserved's; only then are the lists summed. */
#include "sim/kubelet/node_allocatable.h"

/* systemReserved + kubeReserved of resource `name`, after reservedSystemCPUs. */
static gint64 reserved(const KsKubeletConfig *c, const char *name) {
  if (c->reserved_system_cpus > 0 && g_strcmp0(name, KS_RESOURCE_CPU) == 0)
    return (gint64)c->reserved_system_cpus * 1000;
  return ks_resource_list_get(&c->system_reserved, name) +
         ks_resource_list_get(&c->kube_reserved, name);
}

/* hardEvictionReservation: the hard threshold of `signal` as a quantity of
 * `capacity`, 0 without one. */
static gint64 eviction_reserved(const KsKubeletConfig *c, KsEvictionSignal signal,
                                gint64 capacity) {
  const KsEvictionThreshold *t = ks_kubelet_config_threshold(c, signal, TRUE);
  return t ? ks_threshold_value_quantity(&t->value, capacity) : 0;
}

typedef struct {
  const KsKubeletConfig *c;
  KsResourceList *out;
  gboolean with_eviction; /* FALSE: the enforcement (kubepods) reservation */
  gboolean subtract;      /* TRUE: out gets capacity - reservation, floored */
  gint64 hugepages;       /* Σ capacity of hugepages-* */
} Walk;

static void each_capacity(const char *name, gint64 value, gpointer data) {
  Walk *w = data;
  gint64 r = reserved(w->c, name);
  if (w->with_eviction && g_strcmp0(name, KS_RESOURCE_MEMORY) == 0)
    r += eviction_reserved(w->c, KS_EVICTION_SIGNAL_MEMORY_AVAILABLE, value);
  else if (w->with_eviction && g_strcmp0(name, KS_RESOURCE_EPHEMERAL_STORAGE) == 0)
    r += eviction_reserved(w->c, KS_EVICTION_SIGNAL_NODEFS_AVAILABLE, value);
  if (ks_resource_is_hugepages(name))
    w->hugepages += value;
  if (!w->subtract) {
    if (r != 0)
      ks_resource_list_set(w->out, name, r);
    return;
  }
  ks_resource_list_set(w->out, name, value - r < 0 ? 0 : value - r);
}

void ks_node_allocatable_reservation(const KsKubeletConfig *c, const KsResourceList *capacity,
                                     KsResourceList *out) {
  ks_resource_list_clear(out);
  Walk w = {c, out, TRUE, FALSE, 0};
  ks_resource_list_foreach(capacity, each_capacity, &w);
}

/* capacity - reservation per resource, floored at 0, then the hugepages off
 * memory (the status setter; getNodeAllocatableAbsolute without eviction). */
static void subtract(const KsKubeletConfig *c, const KsResourceList *capacity,
                     gboolean with_eviction, KsResourceList *out) {
  ks_resource_list_clear(out);
  Walk w = {c, out, with_eviction, TRUE, 0};
  ks_resource_list_foreach(capacity, each_capacity, &w);
  if (w.hugepages > 0) {
    gint64 mem = ks_resource_list_get(out, KS_RESOURCE_MEMORY) - w.hugepages;
    ks_resource_list_set(out, KS_RESOURCE_MEMORY, mem < 0 ? 0 : mem);
  }
}

void ks_node_allocatable_compute(const KsKubeletConfig *c, const KsResourceList *capacity,
                                 KsResourceList *capacity_out, KsResourceList *allocatable) {
  KsResourceList cap;
  ks_resource_list_copy(&cap, capacity);
  if (!ks_resource_list_has(&cap, KS_RESOURCE_PODS)) {
    /* the MachineInfo setter: min(NumCores * podsPerCore, maxPods) when
     * podsPerCore is set; the machine's cores are whole cpus of capacity */
    gint64 pods = c->max_pods;
    if (c->pods_per_core > 0)
      pods = MIN(cap.milli_cpu / 1000 * c->pods_per_core, pods);
    ks_resource_list_set(&cap, KS_RESOURCE_PODS, pods);
  }
  subtract(c, &cap, TRUE, allocatable);
  if (capacity_out) {
    ks_resource_list_clear(capacity_out);
    ks_resource_list_copy(capacity_out, &cap);
  }
  ks_resource_list_clear(&cap);
}

gint64 ks_node_allocatable_kubepods_memory(const KsKubeletConfig *c,
                                           const KsResourceList *capacity) {
  if (!ks_resource_list_has(capacity, KS_RESOURCE_MEMORY))
    return -1;
  if (!(c->enforce_node_allocatable & KS_ENFORCE_PODS))
    return capacity->memory;
  KsResourceList abs;
  ks_resource_list_init(&abs);
  subtract(c, capacity, FALSE, &abs);
  gint64 mem = abs.memory;
  ks_resource_list_clear(&abs);
  return mem;
}

void ks_node_allocatable_apply(KsNode *node, const KsKubeletConfig *c) {
  if (!node->allocatable_from_capacity)
    return;
  if (!c) {
    /* No configuration named: allocatable stays the capacity, but the
     * kubelet still reports a pods capacity (its default maxPods); a node
     * without one would take no pod at all. */
    if (!ks_resource_list_has(&node->capacity, KS_RESOURCE_PODS)) {
      ks_resource_list_set(&node->capacity, KS_RESOURCE_PODS, KS_KUBELET_DEFAULT_MAX_PODS);
      ks_resource_list_set(&node->allocatable, KS_RESOURCE_PODS, KS_KUBELET_DEFAULT_MAX_PODS);
    }
    return;
  }
  KsResourceList cap;
  ks_resource_list_init(&cap);
  ks_node_allocatable_compute(c, &node->capacity, &cap, &node->allocatable);
  ks_resource_list_clear(&node->capacity);
  node->capacity = cap; /* moved: cap's scalars now belong to the node */
}
