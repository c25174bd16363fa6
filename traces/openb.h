/* Importer of Alibaba cluster-trace-gpu-v2023 ("openb", the FGD paper's
 * trace): a pod list CSV plus a node list CSV. Column mapping, units and
 * parameters: docs/traces/openb.md. */
#pragma once
#include "traces/trace_source.h"

/* File name of the node list looked up beside the pod list when the
 * parameter nodes= is not given. */
#define KS_OPENB_DEFAULT_NODE_FILE "openb_node_list_gpu_node.csv"
/* Default of sort-window=: pod rows held to put a file in creation order
 * (more than the largest openb pod list, 10,094 rows). */
#define KS_OPENB_DEFAULT_SORT_WINDOW 100000
/* Default of max-pods=: the nodes' pods capacity (kubelet's default). */
#define KS_OPENB_DEFAULT_MAX_PODS 110
/* Label (Alibaba's QoS class: LS, BE, Burstable, Guaranteed) and annotation
 * (the pod's last phase in the trace) every imported pod carries. */
#define KS_OPENB_LABEL_QOS "ksim.io/qos"
#define KS_OPENB_ANNOTATION_PHASE "ksim.io/trace-phase"

extern const KsTraceFormat ks_trace_format_openb;

/* The format's open and synth functions (also reachable through
 * ks_trace_format_openb). synth writes the pod list at path and the node
 * list KS_OPENB_DEFAULT_NODE_FILE beside it. transfer full */
KsTraceSource *ks_openb_open(const char *path, const KsTraceOpenOptions *opts, GError **error);
gboolean ks_openb_synth(const char *path, guint64 seed, guint64 pods, GError **error);
