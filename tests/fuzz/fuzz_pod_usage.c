/* Fuzz target: a pod's ksim.io/usage-* annotations, per container included
 * (workloads/usage.h ks_pod_read_usage). The input is lines: the first names
 * the containers, comma-separated ("+name" a sidecar, "-name" a plain init
 * container), every other line is "key=value" (an annotation). Whatever it
 * is, reading must never crash, hang or leak; an accepted pod's container
 * entries must each name a container of the pod (regular or init) and hold
 * at least one profile; a refusal must carry a message in the usage domain that
 * names the pod and an annotation. */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sched/objects.h"
#include "workloads/usage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gboolean runs(const KsPod *pod, const char *name) {
  for (guint i = 0; pod->containers && i < pod->containers->len; i++)
    if (!g_strcmp0(g_array_index(pod->containers, KsContainer, i).name, name))
      return TRUE;
  for (guint i = 0; pod->init_containers && i < pod->init_containers->len; i++) {
    const KsContainer *c = &g_array_index(pod->init_containers, KsContainer, i);
    if (!g_strcmp0(c->name, name))
      return TRUE;
  }
  return FALSE;
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
  KsPodUsage u;
  GError *error = NULL;
  if (ks_pod_read_usage(pod, &u, &error)) {
    for (guint i = 0; u.containers && i < u.containers->len; i++) {
      const KsContainerUsage *c = g_ptr_array_index(u.containers, i);
      if (!runs(pod, c->name) || (!c->profile[0] && !c->profile[1] && !c->profile[2]))
        abort();
    }
    ks_pod_usage_clear(&u);
  } else if (!error || error->domain != KS_USAGE_ERROR ||
             !g_str_has_prefix(error->message, "pod default/f: annotation ksim.io/usage-") ||
             u.containers) {
    abort();
  }
  g_clear_error(&error);
  ks_pod_unref(pod);
  g_strfreev(lines);
  g_free(s);
  return 0;
}
