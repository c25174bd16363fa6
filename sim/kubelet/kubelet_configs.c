/* See kubelet_configs.h. */
#include "sim/kubelet/kubelet_configs.h"

#include "sched/quantity.h"
#include "sim/kubelet/node_allocatable.h"
#include "workloads/annotations.h"
#include "workloads/yaml_doc.h"

struct KsKubeletConfigs {
  gint ref_count;
  KsKubeletConfig *default_config; /* a reference, or NULL */
  GHashTable *pools;               /* pool name -> KsKubeletConfig* (references) */
};

KsKubeletConfigs *ks_kubelet_configs_new(KsKubeletConfig *default_config) {
  KsKubeletConfigs *k = g_new0(KsKubeletConfigs, 1);
  k->ref_count = 1;
  k->default_config = default_config ? ks_kubelet_config_ref(default_config) : NULL;
  k->pools = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                   (GDestroyNotify)ks_kubelet_config_unref);
  return k; /* transfer full */
}

KsKubeletConfigs *ks_kubelet_configs_ref(KsKubeletConfigs *k) {
  g_return_val_if_fail(k != NULL, NULL);
  k->ref_count++;
  return k;
}

void ks_kubelet_configs_unref(KsKubeletConfigs *k) {
  if (!k || --k->ref_count > 0)
    return;
  ks_kubelet_config_unref(k->default_config);
  g_hash_table_destroy(k->pools);
  g_free(k);
}

void ks_kubelet_configs_set_pool(KsKubeletConfigs *k, const char *pool, KsKubeletConfig *c) {
  g_hash_table_replace(k->pools, g_strdup(pool), ks_kubelet_config_ref(c));
}

/* Loads path once: `loaded` maps paths to configs (references). transfer none */
static KsKubeletConfig *load_once(GHashTable *loaded, const char *path, GError **error) {
  KsKubeletConfig *c = g_hash_table_lookup(loaded, path);
  if (c)
    return c;
  c = ks_kubelet_config_load_file(path, error);
  if (c)
    g_hash_table_insert(loaded, g_strdup(path), c);
  return c;
}

KsKubeletConfigs *ks_kubelet_configs_load(const KsScenario *s, GError **error) {
  GHashTable *loaded = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify)ks_kubelet_config_unref);
  KsKubeletConfig *def = NULL;
  if (s->kubelet_config && !(def = load_once(loaded, s->kubelet_config, error))) {
    g_hash_table_destroy(loaded);
    return NULL;
  }
  KsKubeletConfigs *k = ks_kubelet_configs_new(def);
  for (guint i = 0; i < s->node_pools->len; i++) {
    const KsNodePool *pool = s->node_pools->pdata[i];
    if (!pool->kubelet_config)
      continue;
    GError *inner = NULL;
    KsKubeletConfig *c = load_once(loaded, pool->kubelet_config, &inner);
    if (!c) {
      g_set_error(error, KS_YAML_ERROR, KS_YAML_ERROR_FIELD,
                  "%s:%u:%u: spec.nodePools[%u].kubeletConfig: %s", s->file,
                  pool->kubelet_config_line, pool->kubelet_config_column, i, inner->message);
      g_error_free(inner);
      ks_kubelet_configs_unref(k);
      g_hash_table_destroy(loaded);
      return NULL;
    }
    ks_kubelet_configs_set_pool(k, pool->name, c);
  }
  g_hash_table_destroy(loaded);
  return k; /* transfer full */
}

KsKubeletConfig *ks_kubelet_configs_default(const KsKubeletConfigs *k) {
  return k ? k->default_config : NULL;
}

gboolean ks_kubelet_configs_has_pools(const KsKubeletConfigs *k) {
  return k && g_hash_table_size(k->pools) > 0;
}

const KsKubeletConfig *ks_kubelet_configs_for_pool(const KsKubeletConfigs *k, const char *pool) {
  if (!k)
    return NULL;
  const KsKubeletConfig *c = pool ? g_hash_table_lookup(k->pools, pool) : NULL;
  return c ? c : k->default_config;
}

const KsKubeletConfig *ks_kubelet_configs_for_node(const KsKubeletConfigs *k, const KsNode *node) {
  if (!k || !node)
    return k ? k->default_config : NULL;
  return ks_kubelet_configs_for_pool(k, ks_labels_get(&node->labels, KS_LABEL_NODE_POOL));
}

void ks_kubelet_configs_register_node(const KsKubeletConfigs *k, KsNode *node) {
  ks_node_allocatable_apply(node, ks_kubelet_configs_for_node(k, node));
}

static void describe_entry(const char *name, gint64 value, gpointer data) {
  GString *out = data;
  gboolean bytes = !g_strcmp0(name, KS_RESOURCE_MEMORY) ||
                   !g_strcmp0(name, KS_RESOURCE_EPHEMERAL_STORAGE) ||
                   ks_resource_is_hugepages(name);
  char *q = !g_strcmp0(name, KS_RESOURCE_CPU) ? ks_quantity_format_milli(value)
                                               : ks_quantity_format_value(value, bytes);
  g_string_append_printf(out, "%s%s %s", out->len ? ", " : "", name, q);
  g_free(q);
}

char *ks_kubelet_configs_describe_pool(const KsKubeletConfigs *k, const KsNodePool *pool) {
  const KsKubeletConfig *c = ks_kubelet_configs_for_node(k, pool->template);
  if (!c || !pool->template->allocatable_from_capacity)
    return NULL;
  KsResourceList alloc;
  ks_resource_list_init(&alloc);
  ks_node_allocatable_compute(c, &pool->template->capacity, NULL, &alloc);
  GString *list = g_string_new(NULL);
  ks_resource_list_foreach(&alloc, describe_entry, list);
  ks_resource_list_clear(&alloc);
  char *base = c->file ? g_path_get_basename(c->file) : g_strdup("defaults");
  char *out = g_strdup_printf("allocatable %s (%s)", list->str, base);
  g_free(base);
  g_string_free(list, TRUE);
  return out; /* transfer full */
}
