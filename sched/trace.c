/* The per-cycle trace's storage (sched/trace.h); the scheduler fills it
 * (sched/scheduler.c, ks_sched_trace_next_cycle).
 *
 * Design: the trace owns its strings (pod, selected node, message,
 * nomination, victims) so it outlives the cycle and the scheduler; node
 * names in the rows are borrowed from the cache's nodes, valid while the
 * scheduler and the nodes live (explain prints before freeing either).
 * Tracing allocates freely: it is a diagnostic path, off in normal cycles.
 */
#include "sched/trace.h"

#include <string.h>

void ks_sched_trace_init(KsSchedTrace *t, gboolean score_all) {
  memset(t, 0, sizeof *t);
  t->score_all = score_all;
  ks_sched_status_reset(&t->pre_filter);
  t->nodes = g_array_new(FALSE, TRUE, sizeof(KsSchedTraceNode));
  t->victims = g_ptr_array_new_with_free_func(g_free);
}

void ks_sched_trace_clear(KsSchedTrace *t) {
  g_free(t->pod);
  g_free(t->selected);
  g_free(t->message);
  g_free(t->nominated);
  if (t->nodes)
    g_array_free(t->nodes, TRUE);
  if (t->victims)
    g_ptr_array_free(t->victims, TRUE);
  memset(t, 0, sizeof *t);
}
