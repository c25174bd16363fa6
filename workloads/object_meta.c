/* Object metadata and status conditions (see object_meta.h). */
#include "workloads/object_meta.h"

#include <string.h>

void ks_object_meta_init(KsObjectMeta *m, const char *ns, const char *name) {
  memset(m, 0, sizeof *m);
  m->name = g_strdup(name);
  m->namespace = g_strdup(ns);
  ks_labels_init(&m->labels);
  ks_labels_init(&m->annotations);
}

void ks_object_meta_clear(KsObjectMeta *m) {
  g_free(m->name);
  g_free(m->generate_name);
  g_free(m->namespace);
  g_free(m->uid);
  ks_labels_clear(&m->labels);
  ks_labels_clear(&m->annotations);
  if (m->owner_references)
    g_array_unref(m->owner_references);
  g_strfreev(m->finalizers);
  memset(m, 0, sizeof *m);
}

void ks_object_meta_copy(KsObjectMeta *dst, const KsObjectMeta *src) {
  *dst = *src; /* scalars; every pointer is replaced below */
  dst->name = g_strdup(src->name);
  dst->generate_name = g_strdup(src->generate_name);
  dst->namespace = g_strdup(src->namespace);
  dst->uid = g_strdup(src->uid);
  ks_labels_copy(&dst->labels, &src->labels);
  ks_labels_copy(&dst->annotations, &src->annotations);
  dst->owner_references = ks_owner_reference_array_copy(src->owner_references);
  dst->finalizers = g_strdupv(src->finalizers);
}

const KsOwnerReference *ks_object_meta_get_controller(const KsObjectMeta *m) {
  return ks_owner_reference_get_controller(m->owner_references);
}

gboolean ks_object_meta_has_finalizer(const KsObjectMeta *m, const char *finalizer) {
  return m->finalizers && g_strv_contains((const char *const *)m->finalizers, finalizer);
}

gboolean ks_object_meta_add_finalizer(KsObjectMeta *m, const char *finalizer) {
  if (ks_object_meta_has_finalizer(m, finalizer))
    return FALSE;
  guint n = m->finalizers ? g_strv_length(m->finalizers) : 0;
  m->finalizers = g_renew(char *, m->finalizers, n + 2);
  m->finalizers[n] = g_strdup(finalizer);
  m->finalizers[n + 1] = NULL;
  return TRUE;
}

gboolean ks_object_meta_remove_finalizer(KsObjectMeta *m, const char *finalizer) {
  if (!ks_object_meta_has_finalizer(m, finalizer))
    return FALSE;
  guint w = 0;
  for (guint r = 0; m->finalizers[r]; r++) {
    if (strcmp(m->finalizers[r], finalizer) == 0)
      g_free(m->finalizers[r]);
    else
      m->finalizers[w++] = m->finalizers[r];
  }
  m->finalizers[w] = NULL;
  if (w == 0)
    g_clear_pointer(&m->finalizers, g_strfreev);
  return TRUE;
}

/* ---- conditions ------------------------------------------------------------- */

static const char *const condition_status_names[] = {"Unknown", "True", "False"};

const char *ks_condition_status_to_string(KsConditionStatus s) {
  return (guint)s < G_N_ELEMENTS(condition_status_names) ? condition_status_names[s] : "?";
}

gboolean ks_condition_status_from_string(const char *s, KsConditionStatus *out) {
  for (guint i = 0; s && i < G_N_ELEMENTS(condition_status_names); i++) {
    if (strcmp(s, condition_status_names[i]) == 0) {
      *out = (KsConditionStatus)i;
      return TRUE;
    }
  }
  return FALSE;
}

void ks_condition_clear(KsCondition *c) {
  g_clear_pointer(&c->type, g_free);
  g_clear_pointer(&c->reason, g_free);
  g_clear_pointer(&c->message, g_free);
}

static void condition_clear_func(gpointer p) { ks_condition_clear(p); }

GArray *ks_condition_array_new(void) {
  GArray *a = g_array_new(FALSE, TRUE, sizeof(KsCondition));
  g_array_set_clear_func(a, condition_clear_func);
  return a;
}

GArray *ks_condition_array_copy(const GArray *src) {
  if (!src)
    return NULL;
  GArray *a = ks_condition_array_new();
  for (guint i = 0; i < src->len; i++) {
    KsCondition c = g_array_index(src, KsCondition, i);
    c.type = g_strdup(c.type);
    c.reason = g_strdup(c.reason);
    c.message = g_strdup(c.message);
    g_array_append_val(a, c);
  }
  return a;
}

static gint condition_index(const GArray *conds, const char *type) {
  for (guint i = 0; conds && i < conds->len; i++)
    if (g_strcmp0(g_array_index(conds, KsCondition, i).type, type) == 0)
      return (gint)i;
  return -1;
}

const KsCondition *ks_conditions_get(const GArray *conds, const char *type) {
  gint i = condition_index(conds, type);
  return i < 0 ? NULL : &g_array_index(conds, KsCondition, i);
}

gboolean ks_conditions_is_true(const GArray *conds, const char *type) {
  const KsCondition *c = ks_conditions_get(conds, type);
  return c && c->status == KS_CONDITION_TRUE;
}

gboolean ks_conditions_set(GArray **conds, const char *type, KsConditionStatus status,
                           const char *reason, const char *message, gint64 now_us) {
  gint i = condition_index(*conds, type);
  KsCondition c = {.type = g_strdup(type),
                   .status = status,
                   .reason = g_strdup(reason),
                   .message = g_strdup(message),
                   .last_transition_time_us = now_us,
                   .last_update_time_us = now_us};
  if (i >= 0) {
    const KsCondition *old = &g_array_index(*conds, KsCondition, i);
    if (old->status == status && g_strcmp0(old->reason, reason) == 0) {
      ks_condition_clear(&c);
      return FALSE;
    }
    if (old->status == status)
      c.last_transition_time_us = old->last_transition_time_us;
    g_array_remove_index(*conds, (guint)i);
  }
  if (!*conds)
    *conds = ks_condition_array_new();
  g_array_append_val(*conds, c);
  return TRUE;
}

gboolean ks_conditions_remove(GArray *conds, const char *type) {
  gint i = condition_index(conds, type);
  if (i < 0)
    return FALSE;
  g_array_remove_index(conds, (guint)i);
  return TRUE;
}
