/* See metrics_run.h. Prices are checked before the run starts (so a bad
 * annotation never costs a whole run) and stored per pool in millionths,
 * so cost is computed from integers the file holds exactly. */
#include "sim/metrics_run.h"

#include "sim/metrics.h"
#include "workloads/duration.h"

#define KS_ANNOTATION_HOURLY_COST "ksim.io/hourly-cost"

gboolean ks_metrics_pod_deadline(const KsPod *pod, gint64 *us, GError **error) {
  *us = 0;
  const char *text = ks_labels_get(&pod->annotations, KS_ANNOTATION_DEADLINE);
  if (!text)
    return TRUE;
  GError *local = NULL;
  gint64 v = 0;
  if (ks_duration_parse(text, &v, &local) && v <= 0)
    g_set_error(&local, KS_RESULTS_ERROR, KS_RESULTS_ERROR_FORMAT,
                "\"%s\" is not a positive duration", text);
  if (local) {
    g_set_error(error, KS_RESULTS_ERROR, KS_RESULTS_ERROR_FORMAT, "pod %s/%s: annotation %s: %s",
                pod->namespace ? pod->namespace : "default", pod->name ? pod->name : "",
                KS_ANNOTATION_DEADLINE, local->message);
    g_error_free(local);
    return FALSE;
  }
  *us = v;
  return TRUE;
}

static const char *pool_price(const KsNodePool *pool) {
  return ks_labels_get(&pool->template->annotations, KS_ANNOTATION_HOURLY_COST);
}

gboolean ks_metrics_check_scenario(const KsScenario *s, GError **error) {
  for (guint i = 0; i < s->node_pools->len; i++) {
    const KsNodePool *pool = s->node_pools->pdata[i];
    const char *price = pool_price(pool);
    gint64 micro;
    GError *local = NULL;
    if (price && !ks_metrics_parse_hourly_cost(price, &micro, &local)) {
      g_set_error(error, KS_RESULTS_ERROR, KS_RESULTS_ERROR_FORMAT,
                  "%s:%u:%u: spec.nodePools[%u].template.metadata.annotations[%s]: %s", s->file,
                  pool->line, pool->column, i, KS_ANNOTATION_HOURLY_COST, local->message);
      g_error_free(local);
      return FALSE;
    }
  }
  return TRUE;
}

void ks_metrics_record_run(KsResultsWriter *w, const KsScenario *s,
                           const KsSchedDriverStats *stats) {
  ks_results_writer_set_attr_int(w, "sched_cycles", (gint64)stats->cycles);
  ks_results_writer_set_attr_int(w, "sched_nodes_examined", (gint64)stats->nodes_examined);
  ks_results_writer_set_attr_int(w, "preemptions", (gint64)stats->preempted);
  for (guint i = 0; i < s->node_pools->len; i++) {
    const KsNodePool *pool = s->node_pools->pdata[i];
    const char *price = pool_price(pool);
    gint64 micro;
    if (price && ks_metrics_parse_hourly_cost(price, &micro, NULL)) {
      g_autofree char *key = g_strconcat("hourly_cost.", pool->name, NULL);
      ks_results_writer_set_attr_int(w, key, micro);
    }
  }
  ks_metrics_attach(w);
}
