/* v1.Node, v1.Namespace and scheduling.k8s.io/v1 PriorityClass decoders.
 *
 * A Node from `kubectl get node -o yaml` carries far more status than the
 * scheduler needs (addresses, nodeInfo, daemonEndpoints, volumesAttached);
 * only capacity, allocatable, conditions and images are read. Allocatable
 * defaults to capacity when absent, as the kubelet reports it when no
 * reservations are configured.
 */
#include "workloads/manifest_decode.h"

#include <string.h>

static gboolean decode_condition(KsDec *d, const KsYamlNode *n, KsNode *node) {
  char *type = NULL, *status = NULL, *reason = NULL;
  gboolean ok = (!ks_dec_is_absent(n) || ks_dec_fail(d, n, "expected a mapping, got null")) &&
                ks_dec_expect_mapping(d, n) && ks_dec_required_string(d, n, "type", &type) &&
                ks_dec_required_string(d, n, "status", &status) &&
                ks_dec_string(d, n, "reason", &reason);
  if (ok)
    ks_node_set_condition(node, type, status, reason);
  g_free(type);
  g_free(status);
  g_free(reason);
  return ok;
}

static gboolean decode_conditions(KsDec *d, const KsYamlNode *st, KsNode *node) {
  const KsYamlNode *seq = ks_yaml_get(st, "conditions");
  gsize mark = ks_dec_push_field(d, "conditions");
  gboolean ok = ks_dec_expect_sequence(d, seq);
  for (guint i = 0; ok && i < ks_yaml_len(seq); i++) {
    gsize im = ks_dec_push_index(d, i);
    ok = decode_condition(d, ks_yaml_item(seq, i), node);
    ks_dec_pop(d, im);
  }
  ks_dec_pop(d, mark);
  return ok;
}

static void image_clear(KsContainerImage *im) {
  g_strfreev(im->names);
  im->names = NULL;
}

static void image_clear_func(gpointer p) {
  image_clear(p);
}

static gboolean decode_image(KsDec *d, const KsYamlNode *n, gpointer elem) {
  KsContainerImage *im = elem;
  return (!ks_dec_is_absent(n) || ks_dec_fail(d, n, "expected a mapping, got null")) &&
         ks_dec_expect_mapping(d, n) && ks_dec_string_list(d, n, "names", &im->names) &&
         ks_dec_int64(d, n, "sizeBytes", &im->size_bytes, NULL);
}

static gboolean decode_images(KsDec *d, const KsYamlNode *st, KsNode *node) {
  return ks_dec_array(d, st, "images", sizeof(KsContainerImage), image_clear_func, decode_image,
                      &node->images);
}

static gboolean decode_node_status(KsDec *d, const KsYamlNode *obj, KsNode *node) {
  const KsYamlNode *st = ks_yaml_get(obj, "status");
  gsize mark = ks_dec_push_field(d, "status");
  gboolean ok = ks_dec_expect_mapping(d, st) &&
                ks_dec_resources(d, st, "capacity", &node->capacity) &&
                ks_dec_resources(d, st, "allocatable", &node->allocatable) &&
                decode_conditions(d, st, node) && decode_images(d, st, node);
  ks_dec_pop(d, mark);
  if (ok && ks_dec_is_absent(ks_yaml_get(st, "allocatable"))) {
    ks_resource_list_clear(&node->allocatable);
    ks_resource_list_copy(&node->allocatable, &node->capacity);
    node->allocatable_from_capacity = TRUE;
  }
  return ok;
}

static gboolean decode_node_spec(KsDec *d, const KsYamlNode *obj, KsNode *node) {
  const KsYamlNode *spec = ks_yaml_get(obj, "spec");
  gsize mark = ks_dec_push_field(d, "spec");
  gboolean ok = ks_dec_expect_mapping(d, spec) && ks_dec_taints(d, spec, "taints", &node->taints) &&
                ks_dec_bool(d, spec, "unschedulable", &node->unschedulable);
  ks_dec_pop(d, mark);
  return ok;
}

static void move_labels(KsLabels *dst, KsLabels *src) {
  ks_labels_clear(dst);
  *dst = *src;
  ks_labels_init(src);
}

KsNode *ks_dec_node(KsDec *d, const KsYamlNode *obj) {
  KsDecMeta meta;
  if (!ks_dec_metadata(d, obj, &meta)) {
    ks_dec_meta_clear(&meta);
    return NULL;
  }
  KsNode *node = ks_node_new(meta.name);
  node->uid = g_steal_pointer(&meta.uid);
  move_labels(&node->labels, &meta.labels);
  move_labels(&node->annotations, &meta.annotations);
  ks_dec_meta_clear(&meta);
  if (!decode_node_spec(d, obj, node) || !decode_node_status(d, obj, node)) {
    ks_node_unref(node);
    return NULL;
  }
  return node; /* transfer full */
}

KsNamespace *ks_dec_namespace(KsDec *d, const KsYamlNode *obj) {
  KsDecMeta meta;
  if (!ks_dec_metadata(d, obj, &meta)) {
    ks_dec_meta_clear(&meta);
    return NULL;
  }
  KsNamespace *ns = ks_namespace_new(meta.name);
  move_labels(&ns->labels, &meta.labels);
  ks_dec_meta_clear(&meta);
  return ns; /* transfer full */
}

KsPriorityClass *ks_dec_priority_class(KsDec *d, const KsYamlNode *obj) {
  KsDecMeta meta;
  if (!ks_dec_metadata(d, obj, &meta)) {
    ks_dec_meta_clear(&meta);
    return NULL;
  }
  KsPriorityClass *pc = ks_priority_class_new(meta.name, 0);
  ks_dec_meta_clear(&meta);
  gboolean has_value = FALSE;
  char *policy = NULL;
  gboolean ok = ks_dec_int32(d, obj, "value", &pc->value, &has_value) &&
                (has_value || ks_dec_missing(d, obj, "value")) &&
                ks_dec_bool(d, obj, "globalDefault", &pc->global_default) &&
                ks_dec_string(d, obj, "description", &pc->description) &&
                ks_dec_string(d, obj, "preemptionPolicy", &policy);
  if (ok && policy) {
    if (!strcmp(policy, "PreemptLowerPriority"))
      pc->preemption_policy = KS_PREEMPT_LOWER_PRIORITY;
    else if (!strcmp(policy, "Never"))
      pc->preemption_policy = KS_PREEMPT_NEVER;
    else {
      gsize mark = ks_dec_push_field(d, "preemptionPolicy");
      ok = ks_dec_fail(d, ks_yaml_get(obj, "preemptionPolicy"),
                       "unknown value \"%s\" (use PreemptLowerPriority or Never)", policy);
      ks_dec_pop(d, mark);
    }
  }
  g_free(policy);
  if (!ok) {
    ks_priority_class_free(pc);
    return NULL;
  }
  return pc; /* transfer full */
}
