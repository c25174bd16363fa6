/* KubeletConfiguration files (kubelet.config.k8s.io/v1beta1, as the v1.31
 * kubelet reads them with `--config`).
 *
 * A file is decoded strictly: an unknown or duplicated field is an error
 * naming file:line:column and the field path, and the fields ksim uses are
 * type-checked. Every other field of the v1beta1 type (authentication,
 * cgroupDriver, clusterDNS, ...) is accepted by name and ignored, so a real
 * cluster's file loads unchanged. (Upstream's kubelet falls back to lenient
 * decoding with a warning when strict decoding fails; ksim stops, so a
 * misspelt field never silently leaves a default in place.)
 *
 * Loading applies upstream's defaulting (v1beta1/defaults.go,
 * defaults_linux.go) and validation (validation/validation.go), then parses
 * the eviction maps as pkg/kubelet/eviction ParseThresholdConfig does, with
 * upstream's messages, e.g.
 *   kubelet.yaml:7:3: evictionSoft[memory.available]: grace period must be specified for the soft eviction threshold memory.available
 *
 * v1.31 defaulting of evictionHard: the default map (memory.available 100Mi,
 * nodefs.available 10%, nodefs.inodesFree 5%, imagefs.available 15%) is used
 * only when the field is absent (or null). A file that gives evictionHard,
 * even `{}`, gets exactly the thresholds it lists: default signals it does
 * not name are NOT kept (mergeDefaultEvictionSettings came after v1.31 and
 * is refused).
 */
#pragma once
#include <glib.h>
#include "sched/resources.h"

#define KS_KUBELET_CONFIG_API_VERSION "kubelet.config.k8s.io/v1beta1"
#define KS_KUBELET_CONFIG_KIND "KubeletConfiguration"
/* The kubelet's maxPods when the configuration leaves it 0 (or no
 * configuration is named): the pods capacity it reports. */
#define KS_KUBELET_DEFAULT_MAX_PODS 110

/* Eviction signals the v1.31 kubelet accepts (evictionapi.Signal), in
 * ksim's fixed order (memory first, as byEvictionPriority ranks them). */
typedef enum {
  KS_EVICTION_SIGNAL_MEMORY_AVAILABLE,             /* memory.available */
  KS_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE, /* allocatableMemory.available */
  KS_EVICTION_SIGNAL_NODEFS_AVAILABLE,             /* nodefs.available */
  KS_EVICTION_SIGNAL_NODEFS_INODES_FREE,           /* nodefs.inodesFree */
  KS_EVICTION_SIGNAL_IMAGEFS_AVAILABLE,            /* imagefs.available */
  KS_EVICTION_SIGNAL_IMAGEFS_INODES_FREE,          /* imagefs.inodesFree */
  KS_EVICTION_SIGNAL_CONTAINERFS_AVAILABLE,        /* containerfs.available */
  KS_EVICTION_SIGNAL_CONTAINERFS_INODES_FREE,      /* containerfs.inodesFree */
  KS_EVICTION_SIGNAL_PID_AVAILABLE,                /* pid.available */
  KS_EVICTION_SIGNAL_COUNT
} KsEvictionSignal;

/* The signal's name ("memory.available"). transfer none */
const char *ks_eviction_signal_name(KsEvictionSignal s);
/* -1 when `name` is not a signal. */
gint ks_eviction_signal_from_name(const char *name);

/* evictionapi.ThresholdValue: a quantity, or a percentage of capacity kept
 * as upstream keeps it, a float32 fraction (10% = 0.1f). */
typedef struct {
  gboolean is_percentage;
  gint64 quantity;  /* Value(): bytes, inodes or pids */
  float percentage; /* fraction, when is_percentage */
} KsThresholdValue;

/* GetThresholdQuantity: the quantity, or int64(float64(percentage) *
 * float64(capacity)). */
gint64 ks_threshold_value_quantity(const KsThresholdValue *v, gint64 capacity);

/* One threshold "signal < value" (every v1.31 signal uses LessThan). */
typedef struct {
  KsEvictionSignal signal;
  KsThresholdValue value;
  gboolean hard;           /* from evictionHard; soft ones have a grace period */
  gint64 grace_period_us;  /* evictionSoftGracePeriod (0 for hard) */
  gboolean has_min_reclaim;
  KsThresholdValue min_reclaim; /* evictionMinimumReclaim of the signal */
} KsEvictionThreshold;

/* enforceNodeAllocatable keys (kubetypes, v1.31). */
#define KS_ENFORCE_PODS (1u << 0)            /* "pods": the kubepods cgroup limit */
#define KS_ENFORCE_SYSTEM_RESERVED (1u << 1) /* "system-reserved" */
#define KS_ENFORCE_KUBE_RESERVED (1u << 2)   /* "kube-reserved" */

typedef struct {
  gint ref_count;
  char *file; /* display name; NULL for the built-in defaults */

  /* Eviction (ParseThresholdConfig): hard thresholds in signal order, then
   * soft ones in signal order. "0%" and "100%" entries are dropped, as
   * upstream drops them. Array of KsEvictionThreshold. */
  GArray *thresholds;
  gint64 eviction_pressure_transition_period_us; /* default 5m ("0s" means 5m) */
  gint32 eviction_max_pod_grace_period;          /* seconds; default 0 */

  /* Image pulls and image GC (used by sim/kubelet/image_*.c). */
  gboolean serialize_image_pulls;     /* default true; false when maxParallelImagePulls >= 2 is given */
  gboolean has_max_parallel_image_pulls; /* FALSE: nil, no limit */
  gint32 max_parallel_image_pulls;    /* >= 1 when set */
  gint32 image_gc_high_threshold_percent; /* default 85 */
  gint32 image_gc_low_threshold_percent;  /* default 80 */
  gint64 image_minimum_gc_age_us;         /* default 2m */
  gint64 image_maximum_gc_age_us;         /* default 0: disabled */
  gint32 node_status_max_images;          /* default 50; -1 = no cap */
  gint32 registry_pull_qps;               /* default 5; 0 = no limit */
  gint32 registry_burst;                  /* default 10 */

  /* Node allocatable reservations (cpu in millicores, memory and
   * ephemeral-storage in bytes; "pid" as the scalar "pid"), as given: the
   * arithmetic (and reservedSystemCPUs replacing their cpu) is
   * sim/kubelet/node_allocatable.h. */
  KsResourceList system_reserved;
  KsResourceList kube_reserved;
  /* reservedSystemCPUs (a Linux cpu list, "0-1,6"): the number of CPUs it
   * names, 0 when unset or "". */
  gint32 reserved_system_cpus;
  /* enforceNodeAllocatable: KS_ENFORCE_* bits; default (absent or null)
   * {"pods"}; [] and ["none"] enforce nothing. */
  guint enforce_node_allocatable;

  gint32 max_pods; /* default KS_KUBELET_DEFAULT_MAX_PODS */
  gint32 pods_per_core; /* podsPerCore; default 0: off (pods = maxPods) */
} KsKubeletConfig;

/* The v1.31 defaults, as a kubelet without a config file runs. transfer full */
KsKubeletConfig *ks_kubelet_config_new_default(void);
/* transfer full. NULL with error (KS_YAML_ERROR) on any decoding or
 * validation failure; never a partial config. */
KsKubeletConfig *ks_kubelet_config_load_file(const char *path, GError **error);
KsKubeletConfig *ks_kubelet_config_load_string(const char *data, gsize len,
                                               const char *display_name, GError **error);
KsKubeletConfig *ks_kubelet_config_ref(KsKubeletConfig *c);
void ks_kubelet_config_unref(KsKubeletConfig *c);

/* The threshold (hard or soft) of `signal`, or NULL. transfer none */
const KsEvictionThreshold *ks_kubelet_config_threshold(const KsKubeletConfig *c,
                                                       KsEvictionSignal signal, gboolean hard);
