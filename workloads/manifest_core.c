/* v1 Service, ConfigMap, Secret.
 *
 * Service: spec.selector, spec.type (default ClusterIP), spec.clusterIP and
 * spec.ports (protocol TCP, targetPort defaulting to port as upstream's
 * SetDefaults_Service; a named targetPort is kept by name). ConfigMap and
 * Secret keep only their keys (data and binaryData; data and stringData)
 * and `immutable`; a Secret's type defaults to Opaque. Values are never
 * stored: they can be large and nothing in ksim reads them.
 */
#include "workloads/manifest_decode.h"

#include <string.h>

static const char *const service_types[] = {"ClusterIP", "NodePort", "LoadBalancer",
                                            "ExternalName"};
static const char *const protocols[] = {"TCP", "UDP", "SCTP"};

static gboolean decode_service_port(KsDec *d, const KsYamlNode *n, gpointer elem) {
  KsServicePort *p = elem;
  if (ks_dec_is_absent(n))
    return ks_dec_fail(d, n, "expected a mapping, got null");
  gboolean has_port = FALSE;
  guint proto = KS_PROTOCOL_TCP;
  gboolean ok = ks_dec_expect_mapping(d, n) && ks_dec_string(d, n, "name", &p->name) &&
                ks_dec_enum(d, n, "protocol", protocols, G_N_ELEMENTS(protocols), &proto) &&
                ks_dec_int32(d, n, "port", &p->port, &has_port) &&
                (has_port || ks_dec_missing(d, n, "port")) &&
                ks_dec_nonneg_int32(d, n, "nodePort", &p->node_port, NULL);
  p->protocol = (KsProtocol)proto;
  if (!ok)
    return FALSE;
  /* targetPort: IntOrString, a number or a container port's name */
  const KsYamlNode *tp = ks_yaml_get(n, "targetPort");
  p->target_port = p->port;
  if (ks_dec_is_absent(tp))
    return TRUE;
  gsize mark = ks_dec_push_field(d, "targetPort");
  const char *s = NULL;
  gint64 v = 0;
  ok = ks_dec_scalar(d, tp, &s);
  if (ok && !tp->quoted && ks_selector_parse_int64(s, &v)) {
    if (v < 1 || v > 65535)
      ok = ks_dec_fail(d, tp, "%s must be between 1 and 65535, inclusive", s);
    else
      p->target_port = (gint32)v;
  } else if (ok) {
    p->target_port = 0;
    p->target_port_name = g_strdup(s);
  }
  ks_dec_pop(d, mark);
  return ok;
}

KsService *ks_dec_service(KsDec *d, const KsYamlNode *obj) {
  KsService *s = ks_service_new(NULL, NULL);
  ks_object_meta_clear(&s->meta);
  gboolean ok = ks_dec_object_meta(d, obj, TRUE, &s->meta);
  const KsYamlNode *spec = ok ? ks_yaml_get(obj, "spec") : NULL;
  if (ok && !ks_dec_is_absent(spec)) {
    guint type = s->type;
    gsize mark = ks_dec_push_field(d, "spec");
    ok = ks_dec_expect_mapping(d, spec) && ks_dec_labels(d, spec, "selector", &s->selector) &&
         ks_dec_enum(d, spec, "type", service_types, G_N_ELEMENTS(service_types), &type) &&
         ks_dec_string(d, spec, "clusterIP", &s->cluster_ip) &&
         ks_dec_array(d, spec, "ports", sizeof(KsServicePort),
                      (GDestroyNotify)ks_service_port_clear, decode_service_port, &s->ports);
    s->type = (KsServiceType)type;
    ks_dec_pop(d, mark);
  }
  if (!ok) {
    ks_service_free(s);
    return NULL;
  }
  return s; /* transfer full */
}

static gint compare_keys(gconstpointer a, gconstpointer b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The keys of the mappings obj[k] for k in fields (each absent or a mapping), sorted. */
static gboolean collect_keys(KsDec *d, const KsYamlNode *obj, const char *const *fields,
                             char ***out) {
  GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);
  gboolean ok = TRUE;
  for (guint f = 0; ok && fields[f]; f++) {
    const KsYamlNode *m = ks_yaml_get(obj, fields[f]);
    gsize mark = ks_dec_push_field(d, fields[f]);
    ok = ks_dec_expect_mapping(d, m);
    ks_dec_pop(d, mark);
    for (guint i = 0; ok && !ks_dec_is_absent(m) && i < ks_yaml_len(m); i++) {
      const char *k = ks_yaml_key(m, i);
      gboolean dup = FALSE;
      for (guint j = 0; j < keys->len && !dup; j++)
        dup = strcmp(keys->pdata[j], k) == 0;
      if (!dup)
        g_ptr_array_add(keys, g_strdup(k));
    }
  }
  if (!ok || keys->len == 0) {
    g_ptr_array_unref(keys);
    return ok;
  }
  g_ptr_array_sort(keys, compare_keys);
  g_ptr_array_add(keys, NULL);
  g_ptr_array_set_free_func(keys, NULL);
  *out = (char **)g_ptr_array_free(keys, FALSE);
  return TRUE;
}

KsConfigMap *ks_dec_config_map(KsDec *d, const KsYamlNode *obj) {
  static const char *const fields[] = {"data", "binaryData", NULL};
  KsConfigMap *cm = ks_config_map_new(NULL, NULL);
  ks_object_meta_clear(&cm->meta);
  if (!ks_dec_object_meta(d, obj, TRUE, &cm->meta) || !collect_keys(d, obj, fields, &cm->keys) ||
      !ks_dec_bool(d, obj, "immutable", &cm->immutable)) {
    ks_config_map_free(cm);
    return NULL;
  }
  return cm; /* transfer full */
}

KsSecret *ks_dec_secret(KsDec *d, const KsYamlNode *obj) {
  static const char *const fields[] = {"data", "stringData", NULL};
  KsSecret *s = ks_secret_new(NULL, NULL);
  ks_object_meta_clear(&s->meta);
  char *type = NULL;
  if (!ks_dec_object_meta(d, obj, TRUE, &s->meta) || !collect_keys(d, obj, fields, &s->keys) ||
      !ks_dec_bool(d, obj, "immutable", &s->immutable) || !ks_dec_string(d, obj, "type", &type)) {
    g_free(type);
    ks_secret_free(s);
    return NULL;
  }
  if (type && *type) {
    g_free(s->type);
    s->type = type;
  } else {
    g_free(type);
  }
  return s; /* transfer full */
}
