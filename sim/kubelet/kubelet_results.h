/* The node agent's results (docs/results.md, /kubelet): the resource
 * model's OOM kills, restarts and throttled cpu, and the run's evictions by
 * cause (eviction_record.h), by QoS class, by node and by pod; the nodes'
 * usage over time; one row per eviction. Written into the run's results file
 * only when the model ran a pod or a pod was evicted, so other runs keep
 * their files as they were; read back for `ksim summary`. */
#pragma once
#include <glib.h>

#include "sim/kubelet/eviction_record.h"
#include "sim/kubelet/resource_model.h"
#include "sim/results.h"

#define KS_KUBELET_GROUP "kubelet"

/* Writes /kubelet/{qos,nodes,pods,node_usage,evictions} from m and ev
 * (nothing when the model never ran a pod and ev, which may be NULL, holds no
 * eviction). Call before the writer's commit. */
gboolean ks_kubelet_results_write(KsResultsWriter *w, KsKubeletModel *m,
                                  const KsEvictionRecord *ev, GError **error);

/* One row of /kubelet/qos, /kubelet/nodes or /kubelet/pods. */
typedef struct {
  char *name;      /* QoS class, node or pod name */
  char *namespace; /* pods; "" otherwise */
  char *qos;       /* pods and qos rows; "" for nodes */
  gint64 pods;     /* qos rows: pods of that class the model ran */
  gint64 oom_kills, node_oom_kills, restarts;
  gint64 throttled_cpu_ms; /* cpu-milliseconds (= millicore-seconds) */
  gint64 cpu_used_cpu_ms;
  gint64 evictions[KS_EVICTION_CAUSE_COUNT]; /* by KsEvictionCause */
} KsKubeletResultRow;

/* One row of /kubelet/evictions. */
typedef struct {
  gint64 time_us;
  char *name, *namespace;
  char *node;   /* "" when the pod was not bound */
  char *qos;    /* QoS class */
  char *cause;  /* ks_eviction_cause_to_string */
  char *reason; /* DisruptionTarget reason, or Evicted (admission) */
  char *message;
} KsKubeletEviction;

typedef struct {
  GArray *qos;   /* KsKubeletResultRow, Guaranteed, Burstable, BestEffort */
  GArray *nodes; /* KsKubeletResultRow: the model's nodes, then nodes with evictions only */
  guint model_nodes; /* the first model_nodes rows of nodes are the model's */
  GArray *pods;  /* KsKubeletResultRow */
  GArray *usage; /* KsKubeletUsageRow */
  GArray *evictions; /* KsKubeletEviction, in time order */
} KsKubeletResults;

/* NULL with no error when the file has no /kubelet group. transfer full */
KsKubeletResults *ks_kubelet_results_read(const char *path, GError **error);
void ks_kubelet_results_free(KsKubeletResults *r);
