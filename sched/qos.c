/* QoS classes and OOM score adjust; see qos.h. Both run once per pod (the
 * node agent caches the class with its per-pod state), so they walk the
 * containers without caching anything themselves.
 *
 * Sums are int64 millicores and bytes: upstream adds exact Quantities and
 * compares them, ksim's quantities were rounded up to those units at load,
 * so two quantities that differ below a millicore or a byte compare equal
 * here (they cannot be told apart anywhere in ksim). */
#include "sched/qos.h"

#include <string.h>

static const char *const qos_names[] = {"Guaranteed", "Burstable", "BestEffort"};

const char *ks_qos_class_to_string(KsQosClass q) {
  return (guint)q < G_N_ELEMENTS(qos_names) ? qos_names[q] : "?";
}

gboolean ks_qos_class_from_string(const char *s, KsQosClass *out) {
  for (guint i = 0; s && i < G_N_ELEMENTS(qos_names); i++) {
    if (strcmp(qos_names[i], s) == 0) {
      *out = (KsQosClass)i;
      return TRUE;
    }
  }
  return FALSE;
}

/* Positive cpu and memory sums of requests and limits, with a presence flag
 * per entry (upstream's maps only get an entry for a positive quantity). */
typedef struct {
  gint64 req_cpu, req_mem, lim_cpu, lim_mem;
  gboolean has_req_cpu, has_req_mem, has_lim_cpu, has_lim_mem;
  gboolean guaranteed;
} QosSums;

static void add_container(QosSums *s, const KsContainer *c) {
  if (c->requests.milli_cpu > 0) {
    s->req_cpu += c->requests.milli_cpu;
    s->has_req_cpu = TRUE;
  }
  if (c->requests.memory > 0) {
    s->req_mem += c->requests.memory;
    s->has_req_mem = TRUE;
  }
  gboolean cpu = c->limits.milli_cpu > 0, mem = c->limits.memory > 0;
  if (cpu) {
    s->lim_cpu += c->limits.milli_cpu;
    s->has_lim_cpu = TRUE;
  }
  if (mem) {
    s->lim_mem += c->limits.memory;
    s->has_lim_mem = TRUE;
  }
  if (!cpu || !mem)
    s->guaranteed = FALSE;
}

KsQosClass ks_pod_qos(const KsPod *p) {
  QosSums s = {0};
  s.guaranteed = TRUE;
  for (guint i = 0; p->containers && i < p->containers->len; i++)
    add_container(&s, &g_array_index(p->containers, KsContainer, i));
  for (guint i = 0; p->init_containers && i < p->init_containers->len; i++)
    add_container(&s, &g_array_index(p->init_containers, KsContainer, i));
  if (!s.has_req_cpu && !s.has_req_mem && !s.has_lim_cpu && !s.has_lim_mem)
    return KS_QOS_BEST_EFFORT;
  /* every request has an equal limit, and there are as many limits as requests */
  if (s.guaranteed && s.has_req_cpu == s.has_lim_cpu && s.has_req_mem == s.has_lim_mem &&
      (!s.has_req_cpu || s.req_cpu == s.lim_cpu) && (!s.has_req_mem || s.req_mem == s.lim_mem))
    return KS_QOS_GUARANTEED;
  return KS_QOS_BURSTABLE;
}

gboolean ks_pod_is_critical(const KsPod *p) {
  return p->has_priority && p->priority >= KS_SYSTEM_CRITICAL_PRIORITY;
}

gboolean ks_pod_is_node_critical(const KsPod *p) {
  return ks_pod_is_critical(p) && g_strcmp0(p->priority_class_name, "system-node-critical") == 0;
}

static gint64 burstable_adj(gint64 mem_request, gint64 capacity) {
  return 1000 - (1000 * mem_request) / capacity;
}

gint ks_qos_container_oom_score_adj(const KsPod *p, const KsContainer *c,
                                    gint64 memory_capacity) {
  if (ks_pod_is_node_critical(p))
    return KS_OOM_SCORE_ADJ_GUARANTEED;
  switch (ks_pod_qos(p)) {
  case KS_QOS_GUARANTEED:
    return KS_OOM_SCORE_ADJ_GUARANTEED;
  case KS_QOS_BEST_EFFORT:
    return KS_OOM_SCORE_ADJ_BEST_EFFORT;
  default:
    break;
  }
  if (memory_capacity <= 0)
    return KS_OOM_SCORE_ADJ_BEST_EFFORT - 1;
  gint64 adj = burstable_adj(c->requests.memory, memory_capacity);
  if (c->restart_always) {
    /* A sidecar must not die before the regular containers it serves: take
     * at most the adj of the regular container with the smallest request. */
    gint64 min_req = -1;
    for (guint i = 0; p->containers && i < p->containers->len; i++) {
      gint64 r = g_array_index(p->containers, KsContainer, i).requests.memory;
      if (min_req < 0 || r < min_req)
        min_req = r;
    }
    if (min_req >= 0)
      adj = MIN(adj, burstable_adj(min_req, memory_capacity));
  }
  if (adj < 1000 + KS_OOM_SCORE_ADJ_GUARANTEED)
    return 1000 + KS_OOM_SCORE_ADJ_GUARANTEED;
  if (adj == KS_OOM_SCORE_ADJ_BEST_EFFORT)
    return KS_OOM_SCORE_ADJ_BEST_EFFORT - 1;
  return (gint)adj;
}
