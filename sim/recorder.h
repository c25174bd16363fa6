/* The recorder: watches pods and nodes and keeps what the results file needs.
 *
 * One record per pod (in creation order, so rows come out deterministically)
 * with the times of its life's events, and running counters from which a
 * /timeseries sample is taken every sampling interval. Timestamps are the sim
 * times at which the watch events are delivered, which is the time of the
 * change: watch events are queued at the current time and the engine runs
 * them before time advances.
 */
#pragma once
#include <glib.h>

#include "sim/results.h"
#include "sim/store.h"

typedef struct KsRecorder KsRecorder;

/* Starts watching pods and nodes of store. transfer full */
KsRecorder *ks_recorder_new(KsStore *store);
void ks_recorder_free(KsRecorder *r);

/* The scheduler tried to place namespace/name once more. */
void ks_recorder_count_attempt(KsRecorder *r, const char *namespace, const char *name);
/* Takes a /timeseries sample at the current sim time. */
gboolean ks_recorder_sample(KsRecorder *r, KsResultsWriter *w, GError **error);
/* Appends a row per pod and per node (end of the run). */
gboolean ks_recorder_write_rows(KsRecorder *r, KsResultsWriter *w, GError **error);

guint64 ks_recorder_pods_created(const KsRecorder *r);
guint64 ks_recorder_pods_bound(const KsRecorder *r);
guint64 ks_recorder_pods_finished(const KsRecorder *r);
