/* Service, ConfigMap, Secret: construction with defaults, deep copies
 * (see core_objects.h). */
#include "workloads/core_objects.h"

#include <string.h>

static const char *const service_type_names[] = {"ClusterIP", "NodePort", "LoadBalancer",
                                                 "ExternalName"};

gboolean ks_service_type_from_string(const char *s, KsServiceType *out) {
  for (guint i = 0; s && i < G_N_ELEMENTS(service_type_names); i++) {
    if (strcmp(s, service_type_names[i]) == 0) {
      *out = (KsServiceType)i;
      return TRUE;
    }
  }
  return FALSE;
}

const char *ks_service_type_to_string(KsServiceType t) {
  return (guint)t < G_N_ELEMENTS(service_type_names) ? service_type_names[t] : "?";
}

void ks_service_port_clear(KsServicePort *p) {
  g_clear_pointer(&p->name, g_free);
  g_clear_pointer(&p->target_port_name, g_free);
}

static void service_port_clear_func(gpointer p) { ks_service_port_clear(p); }

static GArray *service_port_array_new(void) {
  GArray *a = g_array_new(FALSE, TRUE, sizeof(KsServicePort));
  g_array_set_clear_func(a, service_port_clear_func);
  return a;
}

KsService *ks_service_new(const char *ns, const char *name) {
  KsService *s = g_new0(KsService, 1);
  ks_object_meta_init(&s->meta, ns && *ns ? ns : "default", name);
  ks_labels_init(&s->selector);
  s->type = KS_SERVICE_CLUSTER_IP;
  return s;
}

void ks_service_free(KsService *s) {
  if (!s)
    return;
  ks_object_meta_clear(&s->meta);
  ks_labels_clear(&s->selector);
  if (s->ports)
    g_array_unref(s->ports);
  g_free(s->cluster_ip);
  g_free(s);
}

KsService *ks_service_copy(const KsService *s) {
  KsService *c = g_new0(KsService, 1);
  *c = *s;
  ks_object_meta_copy(&c->meta, &s->meta);
  ks_labels_copy(&c->selector, &s->selector);
  c->cluster_ip = g_strdup(s->cluster_ip);
  c->ports = NULL;
  for (guint i = 0; s->ports && i < s->ports->len; i++) {
    KsServicePort *p = ks_service_add_port(c);
    *p = g_array_index(s->ports, KsServicePort, i);
    p->name = g_strdup(p->name);
    p->target_port_name = g_strdup(p->target_port_name);
  }
  if (s->ports && !c->ports)
    c->ports = service_port_array_new();
  return c;
}

KsServicePort *ks_service_add_port(KsService *s) {
  if (!s->ports)
    s->ports = service_port_array_new();
  g_array_set_size(s->ports, s->ports->len + 1);
  return &g_array_index(s->ports, KsServicePort, s->ports->len - 1);
}

/* ---- ConfigMap, Secret -------------------------------------------------------- */

static gboolean keys_have(char *const *keys, const char *key) {
  return keys && key && g_strv_contains((const char *const *)keys, key);
}

KsConfigMap *ks_config_map_new(const char *ns, const char *name) {
  KsConfigMap *cm = g_new0(KsConfigMap, 1);
  ks_object_meta_init(&cm->meta, ns && *ns ? ns : "default", name);
  return cm;
}

void ks_config_map_free(KsConfigMap *cm) {
  if (!cm)
    return;
  ks_object_meta_clear(&cm->meta);
  g_strfreev(cm->keys);
  g_free(cm);
}

KsConfigMap *ks_config_map_copy(const KsConfigMap *cm) {
  KsConfigMap *c = g_new0(KsConfigMap, 1);
  *c = *cm;
  ks_object_meta_copy(&c->meta, &cm->meta);
  c->keys = g_strdupv(cm->keys);
  return c;
}

gboolean ks_config_map_has_key(const KsConfigMap *cm, const char *key) {
  return keys_have(cm->keys, key);
}

KsSecret *ks_secret_new(const char *ns, const char *name) {
  KsSecret *s = g_new0(KsSecret, 1);
  ks_object_meta_init(&s->meta, ns && *ns ? ns : "default", name);
  s->type = g_strdup("Opaque");
  return s;
}

void ks_secret_free(KsSecret *s) {
  if (!s)
    return;
  ks_object_meta_clear(&s->meta);
  g_free(s->type);
  g_strfreev(s->keys);
  g_free(s);
}

KsSecret *ks_secret_copy(const KsSecret *s) {
  KsSecret *c = g_new0(KsSecret, 1);
  *c = *s;
  ks_object_meta_copy(&c->meta, &s->meta);
  c->type = g_strdup(s->type);
  c->keys = g_strdupv(s->keys);
  return c;
}

gboolean ks_secret_has_key(const KsSecret *s, const char *key) { return keys_have(s->keys, key); }
