/* Google cluster-data 2011 (clusterdata-2011-2): machine_events and
 * task_events importer, and a generator of samples in the same layout.
 * Column mapping, units and parameters: docs/traces/google-2011.md. */
#pragma once
#include "traces/google_common.h"
#include "traces/trace_source.h"

extern const KsTraceFormat ks_trace_format_google_2011;

/* Defaults of the parameters (what a normalised 1.0 is). */
#define KS_GOOGLE_2011_MACHINE_CPU "32"
#define KS_GOOGLE_2011_MACHINE_MEMORY "64Gi"
#define KS_GOOGLE_2011_MAX_PODS 110

/* task_events event types (schema document v2.1). */
typedef enum {
  KS_GOOGLE_2011_SUBMIT = 0,
  KS_GOOGLE_2011_SCHEDULE,
  KS_GOOGLE_2011_EVICT,
  KS_GOOGLE_2011_FAIL,
  KS_GOOGLE_2011_FINISH,
  KS_GOOGLE_2011_KILL,
  KS_GOOGLE_2011_LOST,
  KS_GOOGLE_2011_UPDATE_PENDING,
  KS_GOOGLE_2011_UPDATE_RUNNING,
} KsGoogle2011TaskEvent;

/* Stats of a source opened as google-2011 (zeros for any other source). */
void ks_trace_google_2011_stats(const KsTraceSource *src, KsGoogleImportStats *out);

/* The synth function behind ks_trace_format_google_2011.synth. */
gboolean ks_trace_google_2011_synth(const char *dir, guint64 seed, guint64 pods, GError **error);

/* The PriorityClass a 2011 priority (0..11) maps to, and its tier. */
const char *ks_trace_google_2011_tier(gint64 priority);
