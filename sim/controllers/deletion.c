/* See deletion.h. */
#include "sim/controllers/deletion.h"

#include <string.h>

#include "sim/controllers/object_access.h"
#include "sim/kubelet/pod_termination.h"
#include "workloads/object_meta.h"

gboolean ks_propagation_from_string(const char *s, KsPropagation *out) {
  static const char *const names[] = {"Background", "Foreground", "Orphan"};
  for (int i = 0; i < 3; i++)
    if (g_strcmp0(s, names[i]) == 0) {
      *out = (KsPropagation)i;
      return TRUE;
    }
  return FALSE;
}

const char *ks_propagation_to_string(KsPropagation p) {
  switch (p) {
  case KS_PROPAGATION_FOREGROUND:
    return "Foreground";
  case KS_PROPAGATION_ORPHAN:
    return "Orphan";
  default:
    return "Background";
  }
}

gboolean ks_finalizers_have(char *const *finalizers, const char *finalizer) {
  for (guint i = 0; finalizers && finalizers[i]; i++)
    if (strcmp(finalizers[i], finalizer) == 0)
      return TRUE;
  return FALSE;
}

/* A new NULL-terminated copy of src without `drop` (NULL: keep all) and
 * without the GC finalizers when strip_gc, plus `add` (NULL: none) at the
 * end. NULL when empty. transfer full */
static char **finalizers_edit(char *const *src, const char *drop, gboolean strip_gc,
                              const char *add) {
  GPtrArray *out = g_ptr_array_new();
  for (guint i = 0; src && src[i]; i++) {
    if (drop && strcmp(src[i], drop) == 0)
      continue;
    if (strip_gc && (strcmp(src[i], KS_FINALIZER_ORPHAN) == 0 ||
                     strcmp(src[i], KS_FINALIZER_FOREGROUND) == 0))
      continue;
    g_ptr_array_add(out, g_strdup(src[i]));
  }
  if (add)
    g_ptr_array_add(out, g_strdup(add));
  if (out->len == 0) {
    g_ptr_array_unref(out);
    return NULL;
  }
  g_ptr_array_add(out, NULL);
  return (char **)g_ptr_array_free(out, FALSE);
}

static gboolean same_set(char *const *a, char *const *b) {
  guint na = a ? g_strv_length((char **)a) : 0, nb = b ? g_strv_length((char **)b) : 0;
  if (na != nb)
    return FALSE;
  for (guint i = 0; i < na; i++)
    if (!ks_finalizers_have(b, a[i]))
      return FALSE;
  return TRUE;
}

static const KsStoreObject *get_or_error(KsStore *store, KsStoreKind kind, const char *ns,
                                         const char *name, GError **error) {
  const KsStoreObject *o = ks_store_get(store, kind, ns, name);
  if (!o)
    g_set_error(error, KS_STORE_ERROR, KS_STORE_ERROR_NOT_FOUND, "%s \"%s\" not found",
                ks_store_kind_to_string(kind), name);
  return o;
}

static gboolean update_pod(KsStore *store, const KsStoreObject *o, KsPod *copy, GError **error) {
  return ks_store_update(store, KS_STORE_POD, o->namespace, o->name, copy,
                         (GDestroyNotify)ks_pod_unref, o->resource_version, error) != 0;
}

/* rest.BeforeDelete for a pod already gracefully terminating: only a
 * shorter grace period counts; 0 ends the grace now. */
static gboolean pod_shorten_grace(KsStore *store, const KsStoreObject *o, const gint64 *grace,
                                  GError **error) {
  const KsPod *pod = o->data;
  gint64 period = grace ? MAX(*grace, 0) : pod->deletion_grace_period_seconds;
  if (grace && *grace < 0)
    period = 1;
  if (period >= pod->deletion_grace_period_seconds)
    return TRUE; /* graceful deletion pending: nothing to do */
  if (period == 0 && !pod->finalizers)
    return ks_store_delete(store, KS_STORE_POD, o->namespace, o->name, o->resource_version,
                           error);
  KsPod *copy = ks_pod_copy(pod);
  copy->deletion_timestamp_us =
      pod->deletion_timestamp_us - (pod->deletion_grace_period_seconds - period) * G_USEC_PER_SEC;
  copy->deletion_grace_period_seconds = period;
  return update_pod(store, o, copy, error);
}

gboolean ks_object_delete(KsStore *store, KsStoreKind kind, const char *ns, const char *name,
                          KsPropagation policy, GError **error) {
  return ks_object_delete_grace(store, kind, ns, name, policy, NULL, error);
}

gboolean ks_object_delete_grace(KsStore *store, KsStoreKind kind, const char *ns,
                                const char *name, KsPropagation policy,
                                const gint64 *grace_seconds, GError **error) {
  const KsStoreObject *o = get_or_error(store, kind, ns, name, error);
  if (!o)
    return FALSE;
  if (kind == KS_STORE_POD) {
    const KsPod *pod = o->data;
    if (pod->deletion_timestamp_us && pod->deletion_grace_period_seconds > 0)
      return pod_shorten_grace(store, o, grace_seconds, error);
    gint64 grace = pod->deletion_timestamp_us ? 0 : ks_pod_deletion_grace_seconds(pod, grace_seconds);
    if (grace > 0 && (ks_pod_kill_duration_us(pod, grace) > 0 || !ks_pod_kubelet_up(store, pod))) {
      const char *gc = policy == KS_PROPAGATION_ORPHAN       ? KS_FINALIZER_ORPHAN
                       : policy == KS_PROPAGATION_FOREGROUND ? KS_FINALIZER_FOREGROUND
                                                             : NULL;
      KsPod *copy = ks_pod_copy(pod);
      char **wanted = finalizers_edit(pod->finalizers, NULL, TRUE, gc);
      g_strfreev(copy->finalizers);
      copy->finalizers = wanted;
      copy->deletion_timestamp_us = ks_engine_now(ks_store_get_engine(store)) + grace * G_USEC_PER_SEC;
      copy->deletion_grace_period_seconds = grace;
      return update_pod(store, o, copy, error);
    }
  }
  KsObjectFields f;
  ks_object_fields(kind, o->data, &f);
  if (!f.finalizers || !f.deletion_timestamp_us)
    return ks_store_delete(store, kind, ns, name, 0, error);
  const char *gc = policy == KS_PROPAGATION_ORPHAN       ? KS_FINALIZER_ORPHAN
                   : policy == KS_PROPAGATION_FOREGROUND ? KS_FINALIZER_FOREGROUND
                                                         : NULL;
  char **wanted = finalizers_edit(*f.finalizers, NULL, TRUE, gc);
  if (!wanted)
    return ks_store_delete(store, kind, ns, name, 0, error);
  if (*f.deletion_timestamp_us && same_set(wanted, *f.finalizers)) {
    g_strfreev(wanted);
    return TRUE; /* already being deleted this way */
  }
  gpointer copy = ks_object_data_copy(kind, o->data);
  ks_object_fields(kind, copy, &f);
  g_strfreev(*f.finalizers);
  *f.finalizers = wanted;
  if (!*f.deletion_timestamp_us)
    *f.deletion_timestamp_us = ks_engine_now(ks_store_get_engine(store));
  return ks_store_update(store, kind, ns, name, copy, ks_object_data_free_func(kind),
                         o->resource_version, error) != 0;
}

gboolean ks_object_remove_finalizer(KsStore *store, KsStoreKind kind, const char *ns,
                                    const char *name, const char *finalizer, GError **error) {
  const KsStoreObject *o = get_or_error(store, kind, ns, name, error);
  if (!o)
    return FALSE;
  KsObjectFields f;
  ks_object_fields(kind, o->data, &f);
  if (!f.finalizers || !ks_finalizers_have(*f.finalizers, finalizer))
    return TRUE;
  char **rest = finalizers_edit(*f.finalizers, finalizer, FALSE, NULL);
  gboolean in_grace =
      kind == KS_STORE_POD && ((const KsPod *)o->data)->deletion_grace_period_seconds > 0;
  if (!rest && f.deletion_timestamp_us && *f.deletion_timestamp_us && !in_grace)
    return ks_store_delete(store, kind, ns, name, o->resource_version, error);
  gpointer copy = ks_object_data_copy(kind, o->data);
  ks_object_fields(kind, copy, &f);
  g_strfreev(*f.finalizers);
  *f.finalizers = rest;
  return ks_store_update(store, kind, ns, name, copy, ks_object_data_free_func(kind),
                         o->resource_version, error) != 0;
}
