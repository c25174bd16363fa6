/* Every eviction of a run, whoever made it, by cause, QoS class and node
 * (docs/results.md, /kubelet; docs/node-agent.md "Results").
 *
 * One pod watch, not a hook in each evictor: an eviction is a change of the
 * pod's status that upstream's evictors all write the same way.
 *
 *  - node_pressure: DisruptionTarget=True gained with reason
 *    TerminationByKubelet (the kubelet's eviction manager);
 *  - admission: the pod turned Failed with status.reason Evicted while it
 *    has no DisruptionTarget=True (the kubelet's eviction admit handler
 *    rejecting a pod under node pressure);
 *  - taint_manager: DeletionByTaintManager (NoExecute taint eviction);
 *  - eviction_api: EvictionByEvictionAPI (kubectl drain, the Eviction API);
 *  - preemption: PreemptionByScheduler (sim/sched_driver.c writes the
 *    condition on its victims before deleting them, as upstream's does).
 *
 * The DisruptionTarget causes are counted when the pod gains the condition
 * (True, that reason), as the run's `evictions` metric counts them
 * (sim/metrics_run.c), so node_pressure + taint_manager + eviction_api of
 * this record equals that metric. The node is the pod's spec.nodeName at
 * that moment ("" for a pod evicted before it was bound: counted by QoS
 * class, not by node). */
#pragma once
#include <glib.h>

#include "sched/qos.h"
#include "sim/store.h"

typedef enum {
  KS_EVICTION_CAUSE_NODE_PRESSURE = 0,
  KS_EVICTION_CAUSE_ADMISSION,
  KS_EVICTION_CAUSE_TAINT_MANAGER,
  KS_EVICTION_CAUSE_EVICTION_API,
  KS_EVICTION_CAUSE_PREEMPTION,
} KsEvictionCause;
#define KS_EVICTION_CAUSE_COUNT 5

/* "node_pressure", "admission", "taint_manager", "eviction_api",
 * "preemption": the /kubelet/evictions cause column and the suffix of the
 * evictions_* columns. */
const char *ks_eviction_cause_to_string(KsEvictionCause c);
gboolean ks_eviction_cause_from_string(const char *s, KsEvictionCause *out);

/* One eviction. Strings are transfer none: valid while the record lives. */
typedef struct {
  gint64 time_us;
  const char *namespace;
  const char *name;
  const char *node;    /* "" when the pod was not bound */
  KsQosClass qos;
  KsEvictionCause cause;
  const char *reason;  /* the DisruptionTarget reason, or "Evicted" for admission */
  const char *message; /* the condition's message (admission: status.message); "" if none */
} KsEvictionRow;

typedef struct KsEvictionRecord KsEvictionRecord;

/* Watches the store's pods (register it with the other observers, before
 * the components that react). transfer full */
KsEvictionRecord *ks_eviction_record_new(KsStore *store);
void ks_eviction_record_free(KsEvictionRecord *r);

/* Evictions in the order they happened. */
guint ks_eviction_record_n_rows(const KsEvictionRecord *r);
void ks_eviction_record_row(const KsEvictionRecord *r, guint i, KsEvictionRow *out);
/* Counts by QoS class and cause. */
guint64 ks_eviction_record_qos_count(const KsEvictionRecord *r, KsQosClass q, KsEvictionCause c);
/* Nodes with at least one eviction, in first-eviction order. */
guint ks_eviction_record_n_nodes(const KsEvictionRecord *r);
const char *ks_eviction_record_node_name(const KsEvictionRecord *r, guint i); /* transfer none */
guint64 ks_eviction_record_node_count(const KsEvictionRecord *r, guint i, KsEvictionCause c);
