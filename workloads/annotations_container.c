/* Per-container run times and exit codes: ksim.io/run-time.<container> and
 * ksim.io/exit-code.<container> (annotations.h, docs/node-agent.md).
 *
 * They are checked once, when the scenario is loaded (the run's check of
 * every pod), so the node agent can read them without errors later: a value
 * that does not parse there counts as absent. The key is the prefix plus
 * the container's name exactly, as the usage annotations are keyed, so a
 * lookup is one binary search in the pod's sorted annotations.
 */
#include <string.h>

#include "workloads/annotations.h"
#include "workloads/duration.h"

static const char *const prefixes[] = {KS_ANNOTATION_RUN_TIME_PREFIX,
                                       KS_ANNOTATION_EXIT_CODE_PREFIX};

/* The container name a per-container key names (NULL for other keys). */
static const char *container_of(const char *key, guint *which) {
  for (guint i = 0; i < G_N_ELEMENTS(prefixes); i++) {
    gsize n = strlen(prefixes[i]);
    if (strncmp(key, prefixes[i], n) == 0) {
      *which = i;
      return key + n;
    }
  }
  return NULL;
}

gboolean ks_pod_has_container_timing(const KsPod *pod) {
  guint which;
  for (guint i = 0; i < pod->annotations.n; i++)
    if (container_of(pod->annotations.items[i].key, &which))
      return TRUE;
  return FALSE;
}

static const char *pod_ns(const KsPod *pod) { return pod->namespace ? pod->namespace : "default"; }

static gboolean key_error(const KsPod *pod, const char *key, GError **error, const char *fmt,
                          ...) G_GNUC_PRINTF(4, 5);

static gboolean key_error(const KsPod *pod, const char *key, GError **error, const char *fmt,
                          ...) {
  va_list ap;
  va_start(ap, fmt);
  char *why = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error(error, KS_ANNOTATION_ERROR, KS_ANNOTATION_ERROR_INVALID,
              "pod %s/%s: annotation %s: %s", pod_ns(pod), pod->name ? pod->name : "", key, why);
  g_free(why);
  return FALSE;
}

static gboolean has_container(const GArray *list, const char *name) {
  for (guint i = 0; list && i < list->len; i++)
    if (!g_strcmp0(g_array_index(list, KsContainer, i).name, name))
      return TRUE;
  return FALSE;
}

/* "containers: app, log; init containers: setup" (what the pod has). transfer full */
static char *container_names(const KsPod *pod) {
  GString *s = g_string_new("containers: ");
  const GArray *lists[] = {pod->containers, pod->init_containers};
  for (guint l = 0; l < 2; l++) {
    if (l == 1) {
      if (!pod->init_containers || pod->init_containers->len == 0)
        break;
      g_string_append(s, "; init containers: ");
    }
    if (!lists[l] || lists[l]->len == 0)
      g_string_append(s, "none");
    for (guint i = 0; lists[l] && i < lists[l]->len; i++)
      g_string_append_printf(s, "%s%s", i ? ", " : "",
                             g_array_index(lists[l], KsContainer, i).name);
  }
  return g_string_free(s, FALSE);
}

/* A strict exit code: decimal digits only, 0..255 (a process's exit status;
 * 137 is a SIGKILL). */
static gboolean parse_exit_code(const char *v, gint32 *out) {
  guint64 n = 0;
  if (!v || !g_ascii_string_to_unsigned(v, 10, 0, 255, &n, NULL) || v[0] == '+')
    return FALSE;
  *out = (gint32)n;
  return TRUE;
}

gboolean ks_pod_check_container_timing(const KsPod *pod, GError **error) {
  for (guint i = 0; i < pod->annotations.n; i++) { /* sorted by key */
    const char *key = pod->annotations.items[i].key;
    const char *v = pod->annotations.items[i].value;
    guint which;
    const char *cname = container_of(key, &which);
    if (!cname)
      continue;
    if (strlen(strchr(key, '/') + 1) > KS_ANNOTATION_MAX_KEY_NAME)
      return key_error(pod, key, error,
                       "the key's name part is longer than %d characters (the API server "
                       "refuses it); shorten the container's name",
                       KS_ANNOTATION_MAX_KEY_NAME);
    if (!has_container(pod->containers, cname) && !has_container(pod->init_containers, cname)) {
      char *names = container_names(pod);
      key_error(pod, key, error, "no container \"%s\" in the pod (%s)", cname, names);
      g_free(names);
      return FALSE;
    }
    if (which == 0) {
      gint64 us; /* the parser refuses negative durations */
      GError *inner = NULL;
      if (!ks_duration_parse(v, &us, &inner)) {
        key_error(pod, key, error, "%s", inner->message);
        g_error_free(inner);
        return FALSE;
      }
    } else {
      gint32 code;
      if (!parse_exit_code(v, &code))
        return key_error(pod, key, error, "\"%s\" is not an exit code (an integer 0..255)", v);
    }
  }
  return TRUE;
}

static const char *own(const KsPod *pod, guint which, const char *container) {
  char *key = g_strconcat(prefixes[which], container ? container : "", NULL);
  const char *v = ks_labels_get(&pod->annotations, key);
  g_free(key);
  return v;
}

void ks_pod_container_timing(const KsPod *pod, const char *container, KsContainerRole role,
                             KsContainerTiming *out) {
  *out = (KsContainerTiming){role == KS_CONTAINER_INIT ? 0 : KS_RUN_TIME_FOREVER, 0};
  if (role == KS_CONTAINER_REGULAR) {
    KsPodTiming t;
    if (ks_pod_read_timing(pod, &t, NULL))
      out->run_time_us = t.run_time_us;
    const char *code = ks_labels_get(&pod->annotations, KS_ANNOTATION_EXIT_CODE);
    gint64 c = 0;
    if (code && !g_ascii_string_to_signed(code, 10, G_MININT32, G_MAXINT32, &c, NULL))
      c = 1; /* as the node agent always read it */
    out->exit_code = (gint32)c;
  }
  const char *rt = own(pod, 0, container);
  gint64 us;
  if (rt && ks_duration_parse(rt, &us, NULL) && us >= 0)
    out->run_time_us = us;
  gint32 code;
  if (parse_exit_code(own(pod, 1, container), &code))
    out->exit_code = code;
}
