/* The v1 kinds loaded for what they tell other parts, not run by a
 * controller of their own: Service (its selector feeds the spreading
 * plugins' default constraints and SelectorSpread), ConfigMap and Secret (a
 * pod referring to a missing one does not start, as upstream's kubelet
 * reports CreateContainerConfigError). Values are not kept, only keys.
 * Each object owns everything hanging off it; *_copy is deep; *_free
 * accepts NULL.
 */
#pragma once
#include <glib.h>
#include "sched/labels.h"
#include "sched/pod.h"
#include "workloads/object_meta.h"

/* ---- Service --------------------------------------------------------------- */
typedef enum {
  KS_SERVICE_CLUSTER_IP = 0, /* ClusterIP (default) */
  KS_SERVICE_NODE_PORT,      /* NodePort */
  KS_SERVICE_LOAD_BALANCER,  /* LoadBalancer */
  KS_SERVICE_EXTERNAL_NAME,  /* ExternalName */
} KsServiceType;
gboolean ks_service_type_from_string(const char *s, KsServiceType *out);
const char *ks_service_type_to_string(KsServiceType t);

typedef struct {
  char *name;              /* name; may be NULL */
  KsProtocol protocol;     /* protocol, default TCP */
  gint32 port;             /* port */
  gint32 target_port;      /* targetPort as a number; defaults to port */
  char *target_port_name;  /* targetPort as a container port name; NULL when a number */
  gint32 node_port;        /* nodePort; 0 when unset */
} KsServicePort;

void ks_service_port_clear(KsServicePort *p);

typedef struct {
  KsObjectMeta meta;
  KsLabels selector;       /* spec.selector; empty = the service selects no pods */
  KsServiceType type;      /* spec.type, default ClusterIP */
  GArray *ports;           /* spec.ports, of KsServicePort (clear func set); may be NULL */
  char *cluster_ip;        /* spec.clusterIP; may be NULL ("None" = headless) */
} KsService;

KsService *ks_service_new(const char *ns, const char *name); /* transfer full */
void ks_service_free(KsService *s);
KsService *ks_service_copy(const KsService *s); /* transfer full */
/* Appends a zeroed port (TCP) creating the array on first use; the pointer
 * is valid until the next append. */
KsServicePort *ks_service_add_port(KsService *s);

/* ---- ConfigMap and Secret ---------------------------------------------------- */
typedef struct {
  KsObjectMeta meta;
  char **keys;             /* the keys of data and binaryData, sorted; NULL when none */
  gboolean immutable;      /* immutable */
} KsConfigMap;

KsConfigMap *ks_config_map_new(const char *ns, const char *name); /* transfer full */
void ks_config_map_free(KsConfigMap *cm);
KsConfigMap *ks_config_map_copy(const KsConfigMap *cm); /* transfer full */
gboolean ks_config_map_has_key(const KsConfigMap *cm, const char *key);

typedef struct {
  KsObjectMeta meta;
  char *type;              /* type, default "Opaque" */
  char **keys;             /* the keys of data and stringData, sorted; NULL when none */
  gboolean immutable;      /* immutable */
} KsSecret;

KsSecret *ks_secret_new(const char *ns, const char *name); /* transfer full; type Opaque */
void ks_secret_free(KsSecret *s);
KsSecret *ks_secret_copy(const KsSecret *s); /* transfer full */
gboolean ks_secret_has_key(const KsSecret *s, const char *key);
