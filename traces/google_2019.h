/* Google cluster-data 2019 (Borg v3) as exported from BigQuery: the
 * machine_events and instance_events tables in CSV (with or without a
 * header) or JSON lines, and a generator of samples in the same layout.
 * Column mapping, units and parameters: docs/traces/google-2019.md. */
#pragma once
#include "traces/google_common.h"
#include "traces/trace_source.h"

extern const KsTraceFormat ks_trace_format_google_2019;

#define KS_GOOGLE_2019_MACHINE_CPU "32"
#define KS_GOOGLE_2019_MACHINE_MEMORY "64Gi"
#define KS_GOOGLE_2019_MAX_PODS 110

/* InstanceEvent types (clusterdata_trace_format_v3.proto). */
typedef enum {
  KS_GOOGLE_2019_SUBMIT = 0,
  KS_GOOGLE_2019_QUEUE,
  KS_GOOGLE_2019_ENABLE,
  KS_GOOGLE_2019_SCHEDULE,
  KS_GOOGLE_2019_EVICT,
  KS_GOOGLE_2019_FAIL,
  KS_GOOGLE_2019_FINISH,
  KS_GOOGLE_2019_KILL,
  KS_GOOGLE_2019_LOST,
  KS_GOOGLE_2019_UPDATE_PENDING,
  KS_GOOGLE_2019_UPDATE_RUNNING,
} KsGoogle2019Event;

/* Stats of a source opened as google-2019 (zeros for any other source). */
void ks_trace_google_2019_stats(const KsTraceSource *src, KsGoogleImportStats *out);

gboolean ks_trace_google_2019_synth(const char *dir, guint64 seed, guint64 pods, GError **error);

/* The tier of a 2019 priority: free (<= 99), beb (100..115), mid (116..119),
 * production (120..359), monitoring (>= 360). */
const char *ks_trace_google_2019_tier(gint64 priority);
