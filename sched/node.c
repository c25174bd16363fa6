/* Nodes and namespaces: construction, reference counting, deep copies,
 * taints and conditions.
 *
 * A KsNode owns its strings and arrays; the taint, condition and image
 * arrays carry their element clear funcs so freeing is "unref every array",
 * and copies produce arrays of the same kind. Conditions are few (a handful
 * of well-known types), so they are a small array searched linearly rather
 * than a map; set_condition replaces an existing entry of the same type so
 * there is never more than one, as in the API.
 */
#include "sched/node.h"

#include <string.h>

static void taint_clear_func(gpointer p) { ks_taint_clear(p); }

static void condition_clear(KsNodeCondition *c) {
  g_clear_pointer(&c->type, g_free);
  g_clear_pointer(&c->status, g_free);
  g_clear_pointer(&c->reason, g_free);
}

static void condition_clear_func(gpointer p) { condition_clear(p); }

static void image_clear_func(gpointer p) {
  KsContainerImage *img = p;
  g_clear_pointer(&img->names, g_strfreev);
}

static GArray *condition_array_new(void) {
  GArray *a = g_array_new(FALSE, TRUE, sizeof(KsNodeCondition));
  g_array_set_clear_func(a, condition_clear_func);
  return a;
}

static GArray *image_array_new(void) {
  GArray *a = g_array_new(FALSE, TRUE, sizeof(KsContainerImage));
  g_array_set_clear_func(a, image_clear_func);
  return a;
}

KsNode *ks_node_new(const char *name) {
  KsNode *n = g_new0(KsNode, 1);
  n->ref_count = 1;
  n->name = g_strdup(name);
  ks_labels_init(&n->labels);
  ks_labels_init(&n->annotations);
  ks_resource_list_init(&n->capacity);
  ks_resource_list_init(&n->allocatable);
  return n;
}

KsNode *ks_node_ref(KsNode *n) {
  g_return_val_if_fail(n != NULL, NULL);
  g_atomic_int_inc(&n->ref_count);
  return n;
}

static void node_free(KsNode *n) {
  g_free(n->name);
  g_free(n->uid);
  ks_labels_clear(&n->labels);
  ks_labels_clear(&n->annotations);
  if (n->taints)
    g_array_unref(n->taints);
  ks_resource_list_clear(&n->capacity);
  ks_resource_list_clear(&n->allocatable);
  if (n->conditions)
    g_array_unref(n->conditions);
  if (n->images)
    g_array_unref(n->images);
  g_free(n);
}

void ks_node_unref(KsNode *n) {
  if (n && g_atomic_int_dec_and_test(&n->ref_count))
    node_free(n);
}

static GArray *conditions_copy(const GArray *src) {
  if (!src)
    return NULL;
  GArray *a = condition_array_new();
  for (guint i = 0; i < src->len; i++) {
    const KsNodeCondition *s = &g_array_index(src, KsNodeCondition, i);
    KsNodeCondition c = {g_strdup(s->type), g_strdup(s->status), g_strdup(s->reason)};
    g_array_append_val(a, c);
  }
  return a;
}

static GArray *images_copy(const GArray *src) {
  if (!src)
    return NULL;
  GArray *a = image_array_new();
  for (guint i = 0; i < src->len; i++) {
    const KsContainerImage *s = &g_array_index(src, KsContainerImage, i);
    KsContainerImage c = {g_strdupv(s->names), s->size_bytes};
    g_array_append_val(a, c);
  }
  return a;
}

KsNode *ks_node_copy(const KsNode *n) {
  g_return_val_if_fail(n != NULL, NULL);
  KsNode *c = g_new0(KsNode, 1);
  c->ref_count = 1;
  c->name = g_strdup(n->name);
  c->uid = g_strdup(n->uid);
  ks_labels_copy(&c->labels, &n->labels);
  ks_labels_copy(&c->annotations, &n->annotations);
  c->taints = ks_taint_array_copy(n->taints);
  c->unschedulable = n->unschedulable;
  ks_resource_list_copy(&c->capacity, &n->capacity);
  ks_resource_list_copy(&c->allocatable, &n->allocatable);
  c->allocatable_from_capacity = n->allocatable_from_capacity;
  c->conditions = conditions_copy(n->conditions);
  c->images = images_copy(n->images);
  return c;
}

void ks_node_add_taint(KsNode *n, const char *key, const char *value, KsTaintEffect effect) {
  if (!n->taints) {
    n->taints = g_array_new(FALSE, TRUE, sizeof(KsTaint));
    g_array_set_clear_func(n->taints, taint_clear_func);
  }
  KsTaint t = {g_strdup(key), g_strdup(value), effect, 0};
  g_array_append_val(n->taints, t);
}

static KsNodeCondition *find_condition(const KsNode *n, const char *type) {
  for (guint i = 0; n->conditions && i < n->conditions->len; i++) {
    KsNodeCondition *c = &g_array_index(n->conditions, KsNodeCondition, i);
    if (g_strcmp0(c->type, type) == 0)
      return c;
  }
  return NULL;
}

const char *ks_node_condition_status(const KsNode *n, const char *type) {
  const KsNodeCondition *c = find_condition(n, type);
  return c ? c->status : NULL;
}

void ks_node_set_condition(KsNode *n, const char *type, const char *status, const char *reason) {
  KsNodeCondition *c = find_condition(n, type);
  if (!c) {
    if (!n->conditions)
      n->conditions = condition_array_new();
    KsNodeCondition fresh = {g_strdup(type), NULL, NULL};
    g_array_append_val(n->conditions, fresh);
    c = &g_array_index(n->conditions, KsNodeCondition, n->conditions->len - 1);
  }
  char *s = g_strdup(status), *r = g_strdup(reason);
  g_free(c->status);
  g_free(c->reason);
  c->status = s;
  c->reason = r;
}

KsNamespace *ks_namespace_new(const char *name) {
  KsNamespace *ns = g_new0(KsNamespace, 1);
  ns->name = g_strdup(name);
  ks_labels_init(&ns->labels);
  return ns;
}

void ks_namespace_free(KsNamespace *ns) {
  if (!ns)
    return;
  g_free(ns->name);
  ks_labels_clear(&ns->labels);
  g_free(ns);
}
