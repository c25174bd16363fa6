/* Reading the ksim.io/ pod annotations (see annotations.h for what they mean).
 *
 * The three annotations are Go durations, parsed by the one duration parser, and
 * read together so the node agent makes one call per pod and gets one error
 * naming the pod and the annotation. Writing goes through
 * ks_duration_format, whose output ks_duration_parse reads back exactly, so
 * a sampled run time survives the round trip to the microsecond.
 */
#include "workloads/annotations.h"

#include "workloads/duration.h"

G_DEFINE_QUARK(ks-annotation-error-quark, ks_annotation_error)

static gboolean read_duration(const KsPod *pod, const char *key, gint64 absent, gint64 *out,
                              GError **error) {
  const char *v = ks_labels_get(&pod->annotations, key);
  if (!v) {
    *out = absent;
    return TRUE;
  }
  GError *inner = NULL;
  if (!ks_duration_parse(v, out, &inner)) {
    g_set_error(error, KS_ANNOTATION_ERROR, KS_ANNOTATION_ERROR_INVALID,
                "pod %s/%s: annotation %s: %s", pod->namespace ? pod->namespace : "default",
                pod->name ? pod->name : "", key, inner->message);
    g_error_free(inner);
    return FALSE;
  }
  return TRUE;
}

gboolean ks_pod_read_timing(const KsPod *pod, KsPodTiming *out, GError **error) {
  KsPodTiming t;
  if (!read_duration(pod, KS_ANNOTATION_RUN_TIME, KS_RUN_TIME_FOREVER, &t.run_time_us, error) ||
      !read_duration(pod, KS_ANNOTATION_START_LATENCY, KS_DEFAULT_START_LATENCY_US,
                     &t.start_latency_us, error) ||
      !read_duration(pod, KS_ANNOTATION_SHUTDOWN_TIME, 0, &t.shutdown_time_us, error))
    return FALSE;
  *out = t;
  return TRUE;
}

void ks_pod_set_run_time(KsPod *pod, gint64 run_time_us) {
  char *s = ks_duration_format(run_time_us);
  ks_labels_set(&pod->annotations, KS_ANNOTATION_RUN_TIME, s);
  g_free(s);
}
