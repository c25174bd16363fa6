/* The pure parts of the StatefulSet controller: see statefulset_util.h. */
#include "sim/controllers/statefulset_util.h"

#include <string.h>

char *ks_statefulset_pod_name(const char *set_name, gint ordinal) {
  return g_strdup_printf("%s-%d", set_name, ordinal);
}

char *ks_statefulset_claim_name(const char *claim_template, const char *set_name, gint ordinal) {
  return g_strdup_printf("%s-%s-%d", claim_template, set_name, ordinal);
}

gint ks_statefulset_parse_ordinal(const char *pod_name, char **parent) {
  if (parent)
    *parent = NULL;
  gsize len = strlen(pod_name);
  gsize digits = 0;
  while (digits < len && g_ascii_isdigit(pod_name[len - 1 - digits]))
    digits++;
  /* (.*)-([0-9]+)$: at least one digit, preceded by '-'. The greedy (.*)
   * takes everything before that '-'. */
  if (digits == 0 || digits == len || pod_name[len - 1 - digits] != '-')
    return -1;
  if (parent)
    *parent = g_strndup(pod_name, len - 1 - digits);
  /* strconv.ParseInt(s, 10, 32): leading zeros are fine, int32 range. */
  gint64 v = 0;
  for (gsize i = len - digits; i < len; i++) {
    v = v * 10 + (pod_name[i] - '0');
    if (v > G_MAXINT32)
      return -1;
  }
  return (gint)v;
}

gboolean ks_statefulset_is_member(const char *set_name, const char *pod_name) {
  char *parent = NULL;
  ks_statefulset_parse_ordinal(pod_name, &parent);
  gboolean member = g_strcmp0(parent ? parent : "", set_name) == 0;
  g_free(parent);
  return member;
}

gboolean ks_statefulset_in_range(gint ordinal, gint start, gint replicas) {
  return ordinal >= start && (gint64)ordinal <= (gint64)start + replicas - 1;
}

void ks_statefulset_set_identity(KsPod *pod, const char *set_name, const char *set_namespace,
                                 gint ordinal) {
  g_free(pod->name);
  pod->name = ks_statefulset_pod_name(set_name, ordinal);
  g_free(pod->namespace);
  pod->namespace = g_strdup(set_namespace);
  ks_labels_set(&pod->labels, KS_STATEFULSET_POD_NAME_LABEL, pod->name);
  char idx[16];
  g_snprintf(idx, sizeof idx, "%d", ordinal);
  ks_labels_set(&pod->labels, KS_STATEFULSET_POD_INDEX_LABEL, idx);
}

gboolean ks_statefulset_identity_matches(const KsPod *pod, const char *set_name,
                                         const char *set_namespace) {
  char *parent = NULL;
  gint ordinal = ks_statefulset_parse_ordinal(pod->name, &parent);
  gboolean ok = ordinal >= 0 && g_strcmp0(parent, set_name) == 0 &&
                g_strcmp0(pod->namespace, set_namespace) == 0 &&
                g_strcmp0(ks_labels_get(&pod->labels, KS_STATEFULSET_POD_NAME_LABEL), pod->name) == 0;
  if (ok) {
    char *want = ks_statefulset_pod_name(set_name, ordinal);
    ok = strcmp(want, pod->name) == 0; /* "web-01" names ordinal 1 but is not web-1 */
    g_free(want);
  }
  g_free(parent);
  return ok;
}

static gboolean is_template(const char *const *templates, const char *name) {
  for (guint i = 0; templates && templates[i]; i++)
    if (g_strcmp0(templates[i], name) == 0)
      return TRUE;
  return FALSE;
}

static void volume_clear_func(gpointer p) {
  ks_volume_clear(p);
}

void ks_statefulset_set_storage(KsPod *pod, const char *set_name, const char *const *templates,
                                gint ordinal) {
  GArray *old = pod->volumes;
  pod->volumes = NULL;
  for (guint i = 0; templates && templates[i]; i++) {
    KsVolume *v = ks_pod_add_volume(pod, templates[i], KS_VOLUME_PVC);
    v->ref = ks_statefulset_claim_name(templates[i], set_name, ordinal);
  }
  if (old == NULL)
    return;
  /* Move the other volumes over; the claim volumes they shadowed are freed
   * with the old array. */
  g_array_set_clear_func(old, NULL);
  for (guint i = 0; i < old->len; i++) {
    KsVolume *v = &g_array_index(old, KsVolume, i);
    if (is_template(templates, v->name)) {
      ks_volume_clear(v);
      continue;
    }
    if (pod->volumes == NULL) {
      pod->volumes = g_array_new(FALSE, TRUE, sizeof(KsVolume));
      g_array_set_clear_func(pod->volumes, volume_clear_func);
    }
    g_array_append_val(pod->volumes, *v);
  }
  g_array_unref(old);
}

gboolean ks_statefulset_storage_matches(const KsPod *pod, const char *set_name,
                                        const char *const *templates) {
  gint ordinal = ks_statefulset_parse_ordinal(pod->name, NULL);
  if (ordinal < 0)
    return FALSE;
  for (guint i = 0; templates && templates[i]; i++) {
    const KsVolume *found = NULL;
    for (guint j = 0; pod->volumes && j < pod->volumes->len; j++) {
      const KsVolume *v = &g_array_index(pod->volumes, KsVolume, j);
      if (g_strcmp0(v->name, templates[i]) == 0)
        found = v; /* upstream keeps the last of equal names (a map) */
    }
    if (found == NULL || found->source != KS_VOLUME_PVC)
      return FALSE;
    char *want = ks_statefulset_claim_name(templates[i], set_name, ordinal);
    gboolean same = g_strcmp0(found->ref, want) == 0;
    g_free(want);
    if (!same)
      return FALSE;
  }
  return TRUE;
}

gboolean ks_statefulset_new_pod_gets_current(gboolean rolling_update, gboolean has_rolling_block,
                                             gint partition, gint start, gint current_replicas,
                                             gint ordinal) {
  return (rolling_update && !has_rolling_block && (gint64)ordinal < (gint64)start + current_replicas) ||
         (has_rolling_block && (gint64)ordinal < (gint64)start + partition);
}

const char *ks_statefulset_pod_revision(const KsPod *pod) {
  const char *v = ks_labels_get(&pod->labels, KS_STATEFULSET_REVISION_LABEL);
  return v ? v : "";
}
