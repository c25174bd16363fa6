/* Importer of Alibaba cluster-trace-v2017: batch_task (+ server_event).
 * Column mapping, units and parameters: docs/traces/alibaba-v2017.md. */
#pragma once
#include "traces/trace_source.h"

/* Default of machine-memory=: what a normalised memory of 1 is (the trace
 * does not publish it; 64 cores at 4 GiB per core). */
#define KS_ALIBABA_V2017_DEFAULT_MACHINE_MEMORY ((gint64)256 << 30)
/* Default of sort-window=: more than the whole published batch_task
 * (80,553 rows), which is not sorted by time. */
#define KS_ALIBABA_V2017_DEFAULT_SORT_WINDOW 100000
/* The cluster made when there is no server_event: nodes= machines (about
 * the trace's 1,300) of node-cpu= cores. */
#define KS_ALIBABA_V2017_DEFAULT_NODES 1300
#define KS_ALIBABA_V2017_DEFAULT_NODE_CPU 64

extern const KsTraceFormat ks_trace_format_alibaba_v2017;

/* path: a directory with batch_task.csv[.gz] (and server_event.csv[.gz]),
 * or the batch_task file. transfer full */
KsTraceSource *ks_alibaba_v2017_open(const char *path, const KsTraceOpenOptions *opts,
                                     GError **error);
/* Writes batch_task.csv and server_event.csv into the directory path. */
gboolean ks_alibaba_v2017_synth(const char *path, guint64 seed, guint64 pods, GError **error);
