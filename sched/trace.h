/* A trace of one scheduling cycle: what `ksim explain` shows.
 *
 * A host hands the scheduler a KsSchedTrace before a cycle
 * (ks_sched_trace_next_cycle); the cycle fills it as it goes: the
 * PreFilter outcome, for every node whether it was examined (the search may
 * stop early under percentageOfNodesToScore) and its Filter status (the
 * failing plugin and its reasons), each score plugin's raw, normalized and
 * weighted score, the total, the chosen node, and the PostFilter
 * (preemption) outcome. With score_all, PreScore/Score/NormalizeScore also
 * run over nodes that failed a filter (marked infeasible and never
 * selected), as upstream's score-plugin unit tests score every given node.
 * Tracing is off (a NULL check) in normal cycles.
 */
#pragma once
#include <glib.h>
#include "sched/framework.h"

typedef struct {
  const char *plugin; /* upstream name (static) */
  gint64 raw;
  gint64 normalized;  /* after NormalizeScore (= raw when the plugin has none) */
  gint32 weight;      /* the plugin's score weight in the profile */
  gint64 weighted;    /* normalized x weight */
} KsSchedTraceScore;

typedef struct {
  const char *name;        /* node name (borrowed from the cache's node) */
  gboolean examined;       /* Filter ran on it */
  gboolean feasible;       /* passed every filter */
  KsSchedStatus status;    /* the filter status when infeasible (status.plugin names the plugin) */
  gboolean scored;         /* Score ran on it */
  KsSchedTraceScore scores[KS_SCHED_MAX_PLUGINS]; /* in profile order of score plugins */
  guint n_scores;
  gint64 total;            /* Σ weighted */
} KsSchedTraceNode;

typedef struct {
  /* input */
  gboolean score_all;
  /* output */
  char *pod;               /* namespace/name */
  KsSchedStatus pre_filter;/* the PreFilter rejection, code SUCCESS if none */
  GArray *nodes;           /* KsSchedTraceNode, in node-tree order over all live nodes */
  char *selected;          /* chosen node, NULL when none */
  char *message;           /* the FitError message when unschedulable */
  char *nominated;         /* PostFilter: nominated node, NULL when none */
  GPtrArray *victims;      /* PostFilter: "namespace/name" of the pods to preempt */
} KsSchedTrace;

void ks_sched_trace_init(KsSchedTrace *t, gboolean score_all);
void ks_sched_trace_clear(KsSchedTrace *t);
