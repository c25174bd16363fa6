/* Owner and object references: deep copies and lookups (see owner_ref.h).
 * Arrays of owner references carry their clear func, as every struct array
 * of the object model does, so a dependent frees them with g_array_unref. */
#include "sched/owner_ref.h"

#include <string.h>

static gboolean str_eq(const char *a, const char *b) {
  return strcmp(a ? a : "", b ? b : "") == 0;
}

void ks_owner_reference_clear(KsOwnerReference *r) {
  g_clear_pointer(&r->api_version, g_free);
  g_clear_pointer(&r->kind, g_free);
  g_clear_pointer(&r->name, g_free);
  g_clear_pointer(&r->uid, g_free);
}

void ks_owner_reference_copy(KsOwnerReference *dst, const KsOwnerReference *src) {
  dst->api_version = g_strdup(src->api_version);
  dst->kind = g_strdup(src->kind);
  dst->name = g_strdup(src->name);
  dst->uid = g_strdup(src->uid);
  dst->controller = src->controller;
  dst->block_owner_deletion = src->block_owner_deletion;
}

gboolean ks_owner_reference_equal(const KsOwnerReference *a, const KsOwnerReference *b) {
  return str_eq(a->api_version, b->api_version) && str_eq(a->kind, b->kind) &&
         str_eq(a->name, b->name) && str_eq(a->uid, b->uid) &&
         !a->controller == !b->controller && !a->block_owner_deletion == !b->block_owner_deletion;
}

static void owner_reference_clear_func(gpointer p) { ks_owner_reference_clear(p); }

GArray *ks_owner_reference_array_new(void) {
  GArray *a = g_array_new(FALSE, TRUE, sizeof(KsOwnerReference));
  g_array_set_clear_func(a, owner_reference_clear_func);
  return a;
}

GArray *ks_owner_reference_array_copy(const GArray *src) {
  if (!src)
    return NULL;
  GArray *a = ks_owner_reference_array_new();
  g_array_set_size(a, src->len);
  for (guint i = 0; i < src->len; i++)
    ks_owner_reference_copy(&g_array_index(a, KsOwnerReference, i),
                            &g_array_index(src, KsOwnerReference, i));
  return a;
}

KsOwnerReference *ks_owner_reference_array_add(GArray **refs, const char *api_version,
                                               const char *kind, const char *name,
                                               const char *uid, gboolean controller,
                                               gboolean block_owner_deletion) {
  if (!*refs)
    *refs = ks_owner_reference_array_new();
  g_array_set_size(*refs, (*refs)->len + 1);
  KsOwnerReference *r = &g_array_index(*refs, KsOwnerReference, (*refs)->len - 1);
  r->api_version = g_strdup(api_version);
  r->kind = g_strdup(kind);
  r->name = g_strdup(name);
  r->uid = g_strdup(uid);
  r->controller = controller;
  r->block_owner_deletion = block_owner_deletion;
  return r;
}

gboolean ks_owner_reference_array_equal(const GArray *a, const GArray *b) {
  guint na = a ? a->len : 0, nb = b ? b->len : 0;
  if (na != nb)
    return FALSE;
  for (guint i = 0; i < na; i++)
    if (!ks_owner_reference_equal(&g_array_index(a, KsOwnerReference, i),
                                  &g_array_index(b, KsOwnerReference, i)))
      return FALSE;
  return TRUE;
}

const KsOwnerReference *ks_owner_reference_get_controller(const GArray *refs) {
  for (guint i = 0; refs && i < refs->len; i++) {
    const KsOwnerReference *r = &g_array_index(refs, KsOwnerReference, i);
    if (r->controller)
      return r;
  }
  return NULL;
}

const KsOwnerReference *ks_owner_reference_find_uid(const GArray *refs, const char *uid) {
  for (guint i = 0; refs && uid && i < refs->len; i++) {
    const KsOwnerReference *r = &g_array_index(refs, KsOwnerReference, i);
    if (g_strcmp0(r->uid, uid) == 0)
      return r;
  }
  return NULL;
}

gboolean ks_owner_reference_array_remove_uid(GArray *refs, const char *uid) {
  gboolean removed = FALSE;
  for (guint i = refs ? refs->len : 0; i-- > 0;) {
    if (g_strcmp0(g_array_index(refs, KsOwnerReference, i).uid, uid) == 0) {
      g_array_remove_index(refs, i); /* keeps order; the clear func frees it */
      removed = TRUE;
    }
  }
  return removed;
}

/* ---- object references ---------------------------------------------------- */

KsObjectReference *ks_object_reference_new(const char *kind, const char *ns, const char *name,
                                           const char *uid) {
  KsObjectReference *r = g_new0(KsObjectReference, 1);
  r->kind = g_strdup(kind);
  r->namespace = g_strdup(ns);
  r->name = g_strdup(name);
  r->uid = g_strdup(uid);
  return r;
}

void ks_object_reference_free(KsObjectReference *r) {
  if (!r)
    return;
  g_free(r->kind);
  g_free(r->namespace);
  g_free(r->name);
  g_free(r->uid);
  g_free(r->api_version);
  g_free(r);
}

KsObjectReference *ks_object_reference_copy(const KsObjectReference *r) {
  if (!r)
    return NULL;
  KsObjectReference *c = ks_object_reference_new(r->kind, r->namespace, r->name, r->uid);
  c->api_version = g_strdup(r->api_version);
  return c;
}

gboolean ks_object_reference_equal(const KsObjectReference *a, const KsObjectReference *b) {
  if (!a || !b)
    return a == b;
  return str_eq(a->kind, b->kind) && str_eq(a->namespace, b->namespace) &&
         str_eq(a->name, b->name) && str_eq(a->uid, b->uid) &&
         str_eq(a->api_version, b->api_version);
}

GPtrArray *ks_object_reference_array_new(void) {
  return g_ptr_array_new_with_free_func((GDestroyNotify)ks_object_reference_free);
}

GPtrArray *ks_object_reference_array_copy(const GPtrArray *src) {
  if (!src)
    return NULL;
  GPtrArray *a = ks_object_reference_array_new();
  for (guint i = 0; i < src->len; i++)
    g_ptr_array_add(a, ks_object_reference_copy(g_ptr_array_index(src, i)));
  return a;
}
