/* Fuzz target: a pod's per-container ksim.io/run-time.<c> and
 * ksim.io/exit-code.<c> annotations (workloads/annotations.h
 * ks_pod_check_container_timing, ks_pod_container_timing). The input is
 * lines: the first names the containers, comma-separated ("+name" a
 * sidecar, "-name" a plain init container), every other line is
 * "key=value" (an annotation). Whatever it is, checking must never crash,
 * hang or leak; an accepted pod's containers each read a run time >= 0 (or
 * forever) and an exit code in 0..255 when they have their own; a refusal
 * must carry a message in the annotation domain that names the pod and a
 * per-container annotation. */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sched/objects.h"
#include "workloads/annotations.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_list(const KsPod *pod, const GArray *list, gboolean init) {
  for (guint i = 0; list && i < list->len; i++) {
    const KsContainer *c = &g_array_index(list, KsContainer, i);
    KsContainerRole role = !init ? KS_CONTAINER_REGULAR
                                 : (c->restart_always ? KS_CONTAINER_SIDECAR : KS_CONTAINER_INIT);
    KsContainerTiming t;
    ks_pod_container_timing(pod, c->name, role, &t);
    if (t.run_time_us < 0 && t.run_time_us != KS_RUN_TIME_FOREVER)
      abort();
    char *key = g_strconcat(KS_ANNOTATION_EXIT_CODE_PREFIX, c->name, NULL);
    if (ks_labels_get(&pod->annotations, key) && (t.exit_code < 0 || t.exit_code > 255))
      abort();
    g_free(key);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = g_strndup((const char *)data, size); /* stops at an embedded NUL */
  char **lines = g_strsplit(s, "\n", 64);
  KsPod *pod = ks_pod_new("default", "f");
  if (lines[0]) {
    char **names = g_strsplit(lines[0], ",", 16);
    for (guint i = 0; names[i]; i++) {
      const char *n = names[i];
      gboolean init = n[0] == '+' || n[0] == '-';
      KsContainer *c = ks_pod_add_container(pod, init ? n + 1 : n, init);
      c->restart_always = n[0] == '+';
    }
    g_strfreev(names);
    for (guint i = 1; lines[i]; i++) {
      char *eq = strchr(lines[i], '=');
      if (!eq)
        continue;
      *eq = '\0';
      ks_labels_set(&pod->annotations, lines[i], eq + 1);
    }
  }
  GError *error = NULL;
  if (ks_pod_check_container_timing(pod, &error)) {
    check_list(pod, pod->containers, FALSE);
    check_list(pod, pod->init_containers, TRUE);
  } else if (!error || error->domain != KS_ANNOTATION_ERROR ||
             (!g_str_has_prefix(error->message, "pod default/f: annotation ksim.io/run-time.") &&
              !g_str_has_prefix(error->message, "pod default/f: annotation ksim.io/exit-code."))) {
    abort();
  }
  g_clear_error(&error);
  ks_pod_unref(pod);
  g_strfreev(lines);
  g_free(s);
  return 0;
}
