/* What the google-2011 and google-2019 importer tests count of a trace.
 *
 * Why shared: both importers produce the same kinds of events with the same
 * KsGoogleImportStats, and their tests check the same totals and the same
 * one-line log of each event; only the format and its stats function
 * differ. Include after <cmocka.h> and trace_test_util.h. */
#ifndef KSIM_TESTS_TRACES_GOOGLE_TEST_UTIL_H
#define KSIM_TESTS_TRACES_GOOGLE_TEST_UTIL_H

#include "traces/google_common.h"
#include "trace_test_util.h"

#define GI ((gint64)1 << 30)

typedef struct {
  guint n[KS_TRACE_EVENT_TYPE_COUNT];
  gint64 cpu, memory;    /* summed requests of created pods */
  gint64 node_cpu;       /* summed cpu capacity of node-add events */
  gint64 first_us, last_us;
  guint64 skipped;
  KsGoogleImportStats stats;
  GPtrArray *log;        /* "time type name [detail]" per event */
} Tally;

/* Adds one event to the Tally (data) and, when it keeps one, to its log. */
static inline void google_tally_event(gpointer data, const KsTraceEvent *ev) {
  Tally *t = data;
  t->n[ev->type]++;
  if (t->n[0] + t->n[1] + t->n[2] + t->n[3] + t->n[4] + t->n[5] + t->n[6] + t->n[7] == 1)
    t->first_us = ev->time_us;
  t->last_us = ev->time_us;
  const char *name = ev->name;
  char detail[96] = "";
  if (ev->pod) {
    KsResourceList req;
    ks_pod_compute_requests(ev->pod, &req);
    t->cpu += req.milli_cpu;
    t->memory += req.memory;
    name = ev->pod->name;
    g_snprintf(detail, sizeof detail, " %s cpu=%" G_GINT64_FORMAT " mem=%" G_GINT64_FORMAT "%s",
               ev->pod->priority_class_name, req.milli_cpu, req.memory,
               ev->pod->affinity ? " anti" : "");
    ks_resource_list_clear(&req);
  }
  if (ev->node) {
    name = ev->node->name;
    if (ev->type == KS_TRACE_NODE_ADD)
      t->node_cpu += ev->node->capacity.milli_cpu;
    g_snprintf(detail, sizeof detail, " cpu=%" G_GINT64_FORMAT " mem=%" G_GINT64_FORMAT,
               ev->node->capacity.milli_cpu, ev->node->capacity.memory);
  }
  if (ev->object)
    name = ev->object->u.priority_class->name;
  if (ev->type == KS_TRACE_POD_FINISH)
    g_snprintf(detail, sizeof detail, " %s ran=%" G_GINT64_FORMAT, ks_pod_phase_to_string(ev->phase),
               ev->ran_us);
  if (t->log)
    g_ptr_array_add(t->log, g_strdup_printf("%" G_GINT64_FORMAT " %s %s%s", ev->time_us,
                                            ks_trace_event_type_to_string(ev->type), name, detail));
}

/* An importer's ks_trace_google_*_stats. */
typedef void (*GoogleStatsFunc)(const KsTraceSource *src, KsGoogleImportStats *out);

/* Reads path with fmt to the end into t; returns the error (or NULL). transfer full */
static inline GError *google_tally_drain(const KsTraceFormat *fmt, GoogleStatsFunc stats,
                                         const char *path, KsTraceBadRows mode,
                                         const char *const *params, Tally *t) {
  KsTraceOpenOptions opts = {mode, params};
  GError *error = NULL;
  KsTraceSource *src = fmt->open(path, &opts, &error);
  if (!src)
    return error;
  error = trace_test_drain(src, google_tally_event, t);
  t->skipped = src->skipped;
  stats(src, &t->stats);
  ks_trace_source_free(src);
  return error;
}

/* What the streaming-memory tests watch while reading a large table. */
typedef struct {
  guint64 events, creates, classes;
  gint64 rss_early, rss_peak; /* KiB after 100k events; the most seen every 50k */
} GoogleStreamWatch;

/* Counts one event into a GoogleStreamWatch (data) and samples the RSS. */
static inline void google_stream_watch(gpointer data, const KsTraceEvent *ev) {
  GoogleStreamWatch *w = data;
  w->events++;
  w->creates += ev->type == KS_TRACE_POD_CREATE;
  w->classes += ev->type == KS_TRACE_OBJECT;
  if (w->events == 100000)
    w->rss_early = trace_test_rss_kib();
  if (w->events % 50000 == 0)
    w->rss_peak = MAX(w->rss_peak, trace_test_rss_kib());
}

/* Prints the watch's figures, as "<format> streaming: ...". */
static inline void google_stream_report(const char *format, const GoogleStreamWatch *w) {
  print_message("%s streaming: %" G_GUINT64_FORMAT " events, RSS %" G_GINT64_FORMAT
                " KiB after 100k, peak %" G_GINT64_FORMAT " KiB\n",
                format, w->events, w->rss_early, w->rss_peak);
}

#endif
