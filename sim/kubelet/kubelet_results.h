/* The resource model's results (docs/results.md, /kubelet): OOM kills,
 * restarts and throttled cpu by QoS class, by node and by pod, and the
 * nodes' usage over time. Written into the run's results file only when the
 * model ran a pod, so runs without usage profiles keep their files as they
 * were; read back for `ksim summary`. */
#pragma once
#include <glib.h>

#include "sim/kubelet/resource_model.h"
#include "sim/results.h"

#define KS_KUBELET_GROUP "kubelet"

/* Writes /kubelet/{qos,nodes,pods,node_usage} from m (nothing when the model
 * never ran a pod). Call before the writer's commit. */
gboolean ks_kubelet_results_write(KsResultsWriter *w, KsKubeletModel *m, GError **error);

/* One row of /kubelet/qos, /kubelet/nodes or /kubelet/pods. */
typedef struct {
  char *name;      /* QoS class, node or pod name */
  char *namespace; /* pods; "" otherwise */
  char *qos;       /* pods and qos rows; "" for nodes */
  gint64 pods;     /* qos rows: pods of that class the model ran */
  gint64 oom_kills, node_oom_kills, restarts;
  gint64 throttled_cpu_ms; /* cpu-milliseconds (= millicore-seconds) */
  gint64 cpu_used_cpu_ms;
} KsKubeletResultRow;

typedef struct {
  GArray *qos;   /* KsKubeletResultRow, Guaranteed, Burstable, BestEffort */
  GArray *nodes; /* KsKubeletResultRow */
  GArray *pods;  /* KsKubeletResultRow */
  GArray *usage; /* KsKubeletUsageRow */
} KsKubeletResults;

/* NULL with no error when the file has no /kubelet group. transfer full */
KsKubeletResults *ks_kubelet_results_read(const char *path, GError **error);
void ks_kubelet_results_free(KsKubeletResults *r);
