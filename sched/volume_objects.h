/* The volume objects: StorageClass (storage.k8s.io/v1), PersistentVolume and
 * PersistentVolumeClaim (v1), as the scheduler's volume plugins
 * (VolumeBinding, VolumeZone, the volume limits) and the simulator's PV
 * controller see them. Names follow upstream; a pod's own volume entries are
 * KsVolume (pod.h).
 *
 * Metadata is inline ("meta-lite"): sched cannot use workloads' KsObjectMeta.
 * Claims carry owner references and a deletion timestamp because a
 * StatefulSet's persistentVolumeClaimRetentionPolicy and the garbage
 * collector work through them.
 *
 * Storage class names: a claim's storageClassName NULL (unset) means "the
 * default class" (the DefaultStorageClass admission plugin fills it in at
 * create time), "" means "no class" (binds only to PVs without one); the
 * legacy annotation volume.beta.kubernetes.io/storage-class wins over the
 * field, as upstream's storagehelpers.GetPersistentVolume(Claim)Class.
 */
#pragma once
#include <glib.h>
#include "sched/labels.h"
#include "sched/selector.h"
#include "sched/owner_ref.h"
#include "sched/pod.h"

/* Annotations upstream's PV controller and scheduler use. */
#define KS_ANN_SELECTED_NODE "volume.kubernetes.io/selected-node"
#define KS_ANN_BIND_COMPLETED "pv.kubernetes.io/bind-completed"
#define KS_ANN_BOUND_BY_CONTROLLER "pv.kubernetes.io/bound-by-controller"
#define KS_ANN_STORAGE_PROVISIONER "volume.kubernetes.io/storage-provisioner"
#define KS_ANN_BETA_STORAGE_PROVISIONER "volume.beta.kubernetes.io/storage-provisioner"
#define KS_ANN_DYNAMICALLY_PROVISIONED "pv.kubernetes.io/provisioned-by"
#define KS_ANN_BETA_STORAGE_CLASS "volume.beta.kubernetes.io/storage-class"
#define KS_ANN_IS_DEFAULT_CLASS "storageclass.kubernetes.io/is-default-class"
#define KS_ANN_BETA_IS_DEFAULT_CLASS "storageclass.beta.kubernetes.io/is-default-class"

/* accessModes as a bit set. */
typedef enum {
  KS_ACCESS_RWO = 1 << 0,  /* ReadWriteOnce */
  KS_ACCESS_ROX = 1 << 1,  /* ReadOnlyMany */
  KS_ACCESS_RWX = 1 << 2,  /* ReadWriteMany */
  KS_ACCESS_RWOP = 1 << 3, /* ReadWriteOncePod */
} KsAccessMode;
/* "ReadWriteOnce" -> KS_ACCESS_RWO, ...; FALSE for anything else. */
gboolean ks_access_mode_from_string(const char *s, guint *out_bit);
/* One mode's upstream name; "?" for anything but a single known bit. */
const char *ks_access_mode_to_string(guint bit);

typedef enum {
  KS_RECLAIM_DELETE = 0, /* Delete (StorageClass default; dynamically provisioned PVs) */
  KS_RECLAIM_RETAIN,     /* Retain (default of a PV created by hand) */
  KS_RECLAIM_RECYCLE,    /* Recycle (deprecated) */
} KsReclaimPolicy;
gboolean ks_reclaim_policy_from_string(const char *s, KsReclaimPolicy *out);
const char *ks_reclaim_policy_to_string(KsReclaimPolicy p);

typedef enum {
  KS_BINDING_IMMEDIATE = 0,        /* Immediate (default) */
  KS_BINDING_WAIT_FOR_FIRST_CONSUMER, /* WaitForFirstConsumer */
} KsVolumeBindingMode;
gboolean ks_volume_binding_mode_from_string(const char *s, KsVolumeBindingMode *out);
const char *ks_volume_binding_mode_to_string(KsVolumeBindingMode m);

typedef enum { KS_VOLUME_MODE_FILESYSTEM = 0, KS_VOLUME_MODE_BLOCK } KsVolumeMode;
gboolean ks_volume_mode_from_string(const char *s, KsVolumeMode *out);
const char *ks_volume_mode_to_string(KsVolumeMode m);

/* ---- StorageClass --------------------------------------------------------- */
typedef struct {
  char *name;
  KsLabels labels;
  KsLabels annotations;            /* incl. storageclass.kubernetes.io/is-default-class */
  gint64 creation_timestamp_us;    /* metadata.creationTimestamp: the newest default class wins */
  char *provisioner;               /* provisioner (required) */
  KsLabels parameters;             /* parameters */
  KsReclaimPolicy reclaim_policy;  /* reclaimPolicy, default Delete */
  KsVolumeBindingMode volume_binding_mode; /* volumeBindingMode, default Immediate */
  gboolean allow_volume_expansion; /* allowVolumeExpansion */
  /* allowedTopologies: TopologySelectorTerms (ORed), each holding
   * matchLabelExpressions {key, values}; kept as node selector terms whose
   * requirements are all `key In values`. NULL = no restriction. */
  GArray *allowed_topologies;      /* of KsNodeSelectorTerm; may be NULL */
} KsStorageClass;

KsStorageClass *ks_storage_class_new(const char *name, const char *provisioner); /* transfer full */
void ks_storage_class_free(KsStorageClass *sc);
KsStorageClass *ks_storage_class_copy(const KsStorageClass *sc); /* transfer full */
/* The is-default-class annotation (or its beta form) is "true". */
gboolean ks_storage_class_is_default(const KsStorageClass *sc);

/* ---- PersistentVolume ----------------------------------------------------- */
typedef enum {
  KS_PV_PENDING = 0, /* Pending (the default of a new PV's status) */
  KS_PV_AVAILABLE,   /* Available */
  KS_PV_BOUND,       /* Bound */
  KS_PV_RELEASED,    /* Released */
  KS_PV_FAILED,      /* Failed */
} KsPersistentVolumePhase;
gboolean ks_pv_phase_from_string(const char *s, KsPersistentVolumePhase *out);
const char *ks_pv_phase_to_string(KsPersistentVolumePhase p);

typedef struct {
  char *name;
  char *uid;                       /* may be NULL */
  KsLabels labels;                 /* incl. topology.kubernetes.io/zone for VolumeZone */
  KsLabels annotations;
  gint64 creation_timestamp_us;
  gint64 deletion_timestamp_us;    /* 0 = not being deleted */
  char **finalizers;               /* NULL-terminated; NULL when none */
  /* spec */
  gint64 capacity;                 /* capacity.storage in bytes */
  guint access_modes;              /* accessModes, KsAccessMode bits */
  char *storage_class_name;        /* storageClassName; NULL or "" = no class */
  KsNodeSelector *node_affinity;   /* nodeAffinity.required; NULL when unset */
  KsObjectReference *claim_ref;    /* claimRef (namespace, name, uid); NULL when unset */
  KsReclaimPolicy reclaim_policy;  /* persistentVolumeReclaimPolicy, default Retain */
  KsVolumeMode volume_mode;        /* volumeMode, default Filesystem */
  KsVolumeSource source;           /* which volume source the spec has */
  char *source_driver;             /* csi.driver; NULL for in-tree sources */
  char *source_id;                 /* csi.volumeHandle, gcePersistentDisk.pdName,
                                      awsElasticBlockStore.volumeID, azureDisk.diskName,
                                      local.path, hostPath.path, nfs "server:path", ... */
  gboolean read_only;
  /* status */
  KsPersistentVolumePhase phase;   /* status.phase, default Pending */
} KsPersistentVolume;

KsPersistentVolume *ks_pv_new(const char *name); /* transfer full; Retain, Filesystem, Pending */
void ks_pv_free(KsPersistentVolume *pv);
KsPersistentVolume *ks_pv_copy(const KsPersistentVolume *pv); /* transfer full */
/* storagehelpers.GetPersistentVolumeClass: the beta annotation, else the
 * field, else "". transfer none */
const char *ks_pv_get_class(const KsPersistentVolume *pv);

/* ---- PersistentVolumeClaim ------------------------------------------------- */
typedef enum {
  KS_PVC_PENDING = 0, /* Pending (default) */
  KS_PVC_BOUND,       /* Bound */
  KS_PVC_LOST,        /* Lost */
} KsPersistentVolumeClaimPhase;
gboolean ks_pvc_phase_from_string(const char *s, KsPersistentVolumeClaimPhase *out);
const char *ks_pvc_phase_to_string(KsPersistentVolumeClaimPhase p);

typedef struct {
  char *namespace;                 /* "default" when absent */
  char *name;                      /* "" in a volumeClaimTemplate without one */
  char *uid;                       /* may be NULL */
  KsLabels labels;
  KsLabels annotations;            /* incl. volume.kubernetes.io/selected-node */
  gint64 creation_timestamp_us;
  gint64 deletion_timestamp_us;    /* 0 = not being deleted */
  GArray *owner_references;        /* of KsOwnerReference; may be NULL */
  char **finalizers;               /* NULL-terminated; NULL when none */
  /* spec */
  guint access_modes;              /* accessModes, KsAccessMode bits */
  gint64 request;                  /* resources.requests.storage in bytes; 0 when unset */
  char *storage_class_name;        /* storageClassName: NULL = unset (default class),
                                      "" = explicitly none */
  char *volume_name;               /* volumeName (pre-bound PV); NULL when unset */
  KsLabelSelector *selector;       /* selector; NULL when unset */
  KsVolumeMode volume_mode;        /* volumeMode, default Filesystem */
  /* status */
  KsPersistentVolumeClaimPhase phase; /* status.phase, default Pending */
  gint64 capacity;                 /* status.capacity.storage in bytes; 0 when unset */
  guint status_access_modes;       /* status.accessModes bits */
} KsPersistentVolumeClaim;

KsPersistentVolumeClaim *ks_pvc_new(const char *ns, const char *name); /* transfer full */
void ks_pvc_free(KsPersistentVolumeClaim *pvc);
KsPersistentVolumeClaim *ks_pvc_copy(const KsPersistentVolumeClaim *pvc); /* transfer full */
/* storagehelpers.GetPersistentVolumeClaimClass: the beta annotation, else
 * the field, else "" (NULL and "" both give ""; ask the field itself when
 * the difference matters). transfer none */
const char *ks_pvc_get_class(const KsPersistentVolumeClaim *pvc);
/* The selected-node annotation, or NULL. transfer none */
const char *ks_pvc_selected_node(const KsPersistentVolumeClaim *pvc);
/* A GPtrArray of KsPersistentVolumeClaim* that frees its elements. transfer full */
GPtrArray *ks_pvc_array_new(void);
GPtrArray *ks_pvc_array_copy(const GPtrArray *src); /* transfer full; NULL->NULL */
