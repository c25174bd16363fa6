/* Fuzz target: a pod's timing annotations, ksim.io/run-time,
 * ksim.io/start-latency and ksim.io/shutdown-time (workloads/annotations.h
 * ks_pod_read_timing) and the kill they give (sim/kubelet/pod_termination.h).
 * The input is lines "key=value" (annotations); a line "grace=N" sets
 * spec.terminationGracePeriodSeconds. Whatever it is, reading must never
 * crash, hang or leak; an accepted pod has run time >= 0 (or forever),
 * start latency >= 0 and shutdown time >= 0, which the kubelet reads back
 * the same, and its kill takes min(shutdown, grace); a refusal carries a
 * message in the annotation domain naming the pod and an annotation. */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sched/pod.h"
#include "sim/kubelet/pod_termination.h"
#include "workloads/annotations.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = g_strndup((const char *)data, size); /* stops at an embedded NUL */
  char **lines = g_strsplit(s, "\n", 16);
  KsPod *pod = ks_pod_new("default", "f");
  pod->node_name = g_strdup("n");
  pod->phase = KS_POD_RUNNING;
  for (guint i = 0; lines[i]; i++) {
    char *eq = strchr(lines[i], '=');
    if (!eq)
      continue;
    *eq = '\0';
    if (strcmp(lines[i], "grace") == 0) {
      gint64 g = 0;
      if (g_ascii_string_to_signed(eq + 1, 10, -100, 100000, &g, NULL))
        pod->termination_grace_period_seconds = g;
    } else {
      ks_labels_set(&pod->annotations, lines[i], eq + 1);
    }
  }
  KsPodTiming t;
  GError *error = NULL;
  if (ks_pod_read_timing(pod, &t, &error)) {
    if ((t.run_time_us < 0 && t.run_time_us != KS_RUN_TIME_FOREVER) || t.start_latency_us < 0 ||
        t.shutdown_time_us < 0 || ks_pod_shutdown_time_us(pod) != t.shutdown_time_us)
      abort();
    gint64 grace = ks_pod_deletion_grace_seconds(pod, NULL);
    if (grace < 0 ||
        ks_pod_kill_duration_us(pod, grace) != MIN(t.shutdown_time_us, grace * G_USEC_PER_SEC))
      abort();
  } else if (!g_error_matches(error, KS_ANNOTATION_ERROR, KS_ANNOTATION_ERROR_INVALID) ||
             !g_str_has_prefix(error->message, "pod default/f: annotation ksim.io/")) {
    abort();
  }
  g_clear_error(&error);
  ks_pod_unref(pod);
  g_strfreev(lines);
  g_free(s);
  return 0;
}
