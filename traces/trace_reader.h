/* The native ksim trace format: its reader (docs/trace-format.md).
 *
 * A ksim trace is UTF-8 text, one event per line, optionally gzip'd:
 *
 *   #ksim-trace 1
 *   0 node-add n1 cpu=32 memory=128Gi nvidia.com/gpu=8 l:zone=a t:gpu=true:NoSchedule
 *   12.5 pod-create default/p1 cpu=500m memory=1Gi priority=100 run=3600 l:app=web
 *   13 object {"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass",...}
 *
 * The common objects are key=value tokens parsed by hand (no per-line
 * allocation beyond the objects built); anything else is carried as a
 * one-line JSON manifest decoded by workloads/manifest.h.
 */
#pragma once
#include <glib.h>

#include "traces/trace_source.h"

/* The version this reader reads and the writer writes. */
#define KS_TRACE_FORMAT_VERSION 1
/* The first line of every ksim trace, followed by " <version>". */
#define KS_TRACE_FORMAT_MAGIC "#ksim-trace"

extern const KsTraceFormat ks_trace_format_ksim;

/* Opens a ksim trace (plain or gzip). transfer full */
KsTraceSource *ks_trace_ksim_open(const char *path, const KsTraceOpenOptions *opts,
                                  GError **error);

/* The format's synth (synth_ksim.c): a synthetic cluster trace, streamed.
 * pods 0 means the default (10,000). */
gboolean ks_trace_ksim_synth(const char *path, guint64 seed, guint64 pods, GError **error);
