/* Importer of Alibaba cluster-trace-v2018: a directory of its CSV tables.
 * Column mapping, units and parameters: docs/traces/alibaba-v2018.md. */
#pragma once
#include "traces/trace_source.h"

/* Default of machine-memory=: what a normalised memory of 100 is (the trace
 * does not publish it; 96-core machines at 4 GiB per core). */
#define KS_ALIBABA_V2018_DEFAULT_MACHINE_MEMORY ((gint64)384 << 30)

extern const KsTraceFormat ks_trace_format_alibaba_v2018;

/* transfer full */
KsTraceSource *ks_alibaba_v2018_open(const char *path, const KsTraceOpenOptions *opts,
                                     GError **error);
/* Writes machine_meta, container_meta, batch_task, batch_instance and
 * machine_usage (.csv) into the directory path (created if needed). */
gboolean ks_alibaba_v2018_synth(const char *path, guint64 seed, guint64 pods, GError **error);
