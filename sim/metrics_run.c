/* See metrics_run.h. Prices are checked before the run starts (so a bad
 * annotation never costs a whole run) and stored per pool in millionths,
 * so cost is computed from integers the file holds exactly. */
#include "sim/metrics_run.h"

#include <string.h>

#include "sim/metrics.h"
#include "workloads/annotations.h"
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

struct KsMetricsWatch {
  KsStore *store;
  guint watch;
  gint64 restarts;
  gint64 evictions;
};

static gint64 restart_count(const KsStoreObject *o) {
  const KsPod *pod = o ? o->data : NULL;
  const char *v = pod ? ks_labels_get(&pod->annotations, KS_ANNOTATION_RESTART_COUNT) : NULL;
  gint64 n = 0;
  return v && g_ascii_string_to_signed(v, 10, 0, G_MAXINT32, &n, NULL) ? n : 0;
}

/* An eviction is the moment a pod gains DisruptionTarget=True for one of
 * the three evicting reasons (taint eviction, the Eviction API, the
 * kubelet's eviction manager); preemption (PreemptionByScheduler) and the
 * pod GC are counted elsewhere or not at all. */
static gboolean evicted(const KsStoreObject *o) {
  const KsPodCondition *c = o ? ks_pod_get_condition(o->data, KS_POD_CONDITION_DISRUPTION_TARGET) : NULL;
  return c && c->status == KS_POD_CONDITION_TRUE && c->reason &&
         (!strcmp(c->reason, KS_POD_REASON_DELETION_BY_TAINT_MANAGER) ||
          !strcmp(c->reason, KS_POD_REASON_EVICTION_BY_EVICTION_API) ||
          !strcmp(c->reason, KS_POD_REASON_TERMINATION_BY_KUBELET));
}

static void pod_watch(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                      const KsStoreObject *new_obj, gpointer user_data) {
  (void)s;
  KsMetricsWatch *mw = user_data;
  if (type != KS_WATCH_MODIFIED)
    return;
  mw->restarts += MAX(restart_count(new_obj) - restart_count(old_obj), 0);
  if (evicted(new_obj) && !evicted(old_obj))
    mw->evictions++;
}

KsMetricsWatch *ks_metrics_watch_new(KsStore *store) {
  KsMetricsWatch *mw = g_new0(KsMetricsWatch, 1);
  mw->store = store;
  mw->watch = ks_store_watch(store, KS_STORE_POD, pod_watch, mw);
  return mw;
}

void ks_metrics_watch_free(KsMetricsWatch *mw) {
  if (!mw)
    return;
  ks_store_unwatch(mw->store, mw->watch);
  g_free(mw);
}

void ks_metrics_record_run(KsResultsWriter *w, const KsScenario *s,
                           const KsSchedDriverStats *stats, const KsMetricsWatch *mw,
                           const KsKubeletModel *model, gboolean record_wall_time) {
  guint64 oom = 0;
  for (int q = 0; model && q < KS_QOS_CLASS_COUNT; q++)
    oom += ks_kubelet_model_qos_stats(model, (KsQosClass)q)->oom_kills;
  ks_results_writer_set_attr_int(w, "oom_kills", (gint64)oom);
  if (mw) {
    ks_results_writer_set_attr_int(w, "restarts", mw->restarts);
    ks_results_writer_set_attr_int(w, "evictions", mw->evictions);
  }
  ks_results_writer_set_attr_int(w, "sched_cycles", (gint64)stats->cycles);
  ks_results_writer_set_attr_int(w, "sched_nodes_examined", (gint64)stats->nodes_examined);
  ks_results_writer_set_attr_int(w, "preemptions", (gint64)stats->preempted);
  if (record_wall_time)
    ks_results_writer_set_attr_int(w, "sched_wall_us", (gint64)(stats->wall_ns / 1000));
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
