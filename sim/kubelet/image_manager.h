/* The kubelet's image manager: image pulls before a pod's containers start,
 * the node's status.images, and image garbage collection (upstream
 * pkg/kubelet/images, nodestatus.Images, v1.31; docs/node-agent.md
 * "Start-up: image pulls").
 *
 * Per node the manager knows the images present (from the Node's
 * status.images when it appears, then its own pulls and deletions) and
 * runs pull jobs. A pod bound to the node asks for its containers' images
 * (ks_image_manager_ensure); each image its containers' pull policies say
 * to pull becomes a job, or joins the job for that image already queued or
 * running on the node (one download per image and node). A job is one
 * registry round-trip (registryLatency) and then, when the image is absent,
 * its download: size / bandwidth. With serializeImagePulls one job runs at
 * a time per node, in request order; without it at most
 * maxParallelImagePulls (0 = unlimited) run and the downloads share the
 * node's bandwidth equally (processor sharing). When all of a pod's jobs
 * are done its `ready` callback runs.
 *
 * Pulls can fail (docs/node-agent.md "Pull failures"): a job refused by
 * the node's registryPullQPS bucket fails at once ("pull QPS exceeded"),
 * one whose image the catalog marks missing, not yet available or failing
 * at a rate fails when its registry round-trip ends; the pods waiting on
 * it get ErrImagePull and that image's back-off (pod UID + image). Before
 * pulling, ensure refuses references that do not parse (InvalidImageName)
 * and images in back-off (ImagePullBackOff).
 *
 * A downloaded image is written to the Node's status.images (largest
 * first, at most nodeStatusMaxImages) through the store, so the
 * scheduler's ImageLocality sees it. Every 5 minutes the image GC deletes
 * unused images, least recently used first, when the node's image bytes
 * reach imageGCHighThresholdPercent of its ephemeral-storage capacity.
 */
#pragma once
#include <glib.h>

#include "sched/pod.h"
#include "sim/kubelet/kubelet_configs.h"
#include "sim/store.h"
#include "workloads/image_catalog.h"

/* KubeletConfiguration defaults (v1.31). */
#define KS_IMAGE_DEFAULT_NODE_STATUS_MAX_IMAGES 50
#define KS_IMAGE_DEFAULT_GC_HIGH_PERCENT 85
#define KS_IMAGE_DEFAULT_GC_LOW_PERCENT 80
#define KS_IMAGE_DEFAULT_GC_MIN_AGE_US ((gint64)120 * G_USEC_PER_SEC) /* imageMinimumGCAge 2m */
#define KS_IMAGE_GC_PERIOD_US ((gint64)300 * G_USEC_PER_SEC)         /* ImageGCPeriod 5m */
#define KS_IMAGE_MAX_NAMES_IN_STATUS 5                               /* MaxNamesPerImageInNodeStatus */
#define KS_IMAGE_DEFAULT_REGISTRY_PULL_QPS 5
#define KS_IMAGE_DEFAULT_REGISTRY_BURST 10

typedef struct {
  const KsImageCatalog *catalog;  /* borrowed: sizes, bandwidth, latency, container start */
  gboolean serialize_image_pulls; /* default TRUE */
  gint32 max_parallel_image_pulls; /* 0 = nil: no limit (used only without serialization) */
  gint32 node_status_max_images;  /* default 50; -1 = no cap */
  gint32 image_gc_high_percent;   /* default 85; 100 turns image GC off */
  gint32 image_gc_low_percent;    /* default 80 */
  gint64 image_minimum_gc_age_us; /* default 2m */
  gint32 registry_pull_qps;       /* default 5; 0 = no limit */
  gint32 registry_burst;          /* default 10 */
  guint64 seed;                   /* the run seed: pullFailureRate's draws (stream "image-pulls") */
} KsImagePullOptions;

/* The defaults above, with `catalog`. */
void ks_image_pull_options_init(KsImagePullOptions *o, const KsImageCatalog *catalog);
/* The KubeletConfiguration's settings: serializeImagePulls,
 * maxParallelImagePulls, nodeStatusMaxImages, imageGCHigh/LowThresholdPercent,
 * imageMinimumGCAge, registryPullQPS, registryBurst (the catalog and seed
 * are kept). */
void ks_image_pull_options_set_config(KsImagePullOptions *o, const KsKubeletConfig *kc);

typedef struct KsImageManager KsImageManager;

/* transfer full. Watches nodes (each node's images and bandwidth are read
 * when it appears) and, unless GC is off, checks images every 5 minutes
 * from the current time. opts is copied; its catalog must outlive it. */
KsImageManager *ks_image_manager_new(KsStore *store, const KsImagePullOptions *opts);
void ks_image_manager_free(KsImageManager *m);
/* Per-pool KubeletConfigurations (a reference is taken): a node whose
 * pool has its own pulls and collects images with its settings, read when
 * the node appears; the others with the manager's options. Set before the
 * nodes appear. */
void ks_image_manager_set_kubelets(KsImageManager *m, KsKubeletConfigs *kubelets);
/* containerStartTime: from images ready to Running. */
gint64 ks_image_manager_container_start_us(const KsImageManager *m);

typedef enum {
  KS_IMAGES_READY,      /* nothing to pull: the containers can start now */
  KS_IMAGES_PULLING,    /* `ready` will be called when the pulls are done */
  KS_IMAGES_NEVER_PULL, /* a container's image is absent with policy Never */
  KS_IMAGES_BACKOFF,    /* an image to pull is in its back-off (ImagePullBackOff) */
  KS_IMAGES_INVALID_NAME, /* an image reference does not parse (InvalidImageName) */
} KsImagesStatus;

/* reason NULL: every pull succeeded. Otherwise reason ErrImagePull and the
 * first failed pull's message (both transfer none): the failed images are
 * in back-off for the pod from now. */
typedef void (*KsImagesReadyFn)(gpointer data, const char *reason, const char *message);

/* Asks for the images of pod (bound to its node) at the current time.
 * PULLING: the manager owns data and calls ready(data) from an engine
 * event once every job is done, then destroy(data); if the node is
 * deleted first, only destroy(data). Otherwise the caller keeps data and
 * nothing is pulled; with NEVER_PULL, BACKOFF and INVALID_NAME *message is
 * upstream's message for the first such container (transfer full). The
 * checks run in upstream's order per container (reference, policy,
 * back-off), over init containers then containers; the first failing
 * check decides for the whole pod. */
KsImagesStatus ks_image_manager_ensure(KsImageManager *m, const KsPod *pod, KsImagesReadyFn ready,
                                       gpointer data, GDestroyNotify destroy, char **message);

/* The pod is gone: its image back-off entries are dropped (upstream's
 * back-off GC drops them later, unused for 600 s; a pod's UID never comes
 * back, but ksim keys pods without one by namespace/name). */
void ks_image_manager_forget_pod(KsImageManager *m, const KsPod *pod);

/* Called (from the job's engine event) after an image lands on a node. */
typedef void (*KsImageAddedFn)(const char *node, gpointer data);
void ks_image_manager_set_image_added(KsImageManager *m, KsImageAddedFn fn, gpointer data);

/* ---- counters (results) ---------------------------------------------------- */

typedef struct {
  const char *node;         /* transfer none */
  guint64 pulls;            /* images downloaded */
  gint64 bytes;             /* bytes downloaded */
  guint64 registry_checks;  /* pulls of an image already present (policy Always) */
  guint64 pods_waited;      /* pods whose start waited for a pull */
  gint64 wait_us;           /* their waits summed (bound -> images ready) */
  gint64 max_wait_us;
  guint64 gc_images;        /* images deleted by the image GC */
  gint64 gc_bytes;
  guint64 failed_pulls;     /* pulls the registry refused (missing, not yet available, failure rate) */
  guint64 qps_refused;      /* pulls refused by registryPullQPS ("pull QPS exceeded") */
  guint64 backoff_waits;    /* pod syncs that found an image in back-off (ImagePullBackOff) */
  guint64 invalid_names;    /* pods with an image reference that does not parse */
} KsImageNodeStats;

/* Nodes in the order the manager first saw them. */
guint ks_image_manager_n_nodes(const KsImageManager *m);
void ks_image_manager_node_stats(const KsImageManager *m, guint i, KsImageNodeStats *out);
/* TRUE when some node pulled or checked an image, or GC deleted one. */
gboolean ks_image_manager_active(const KsImageManager *m);
/* TRUE when some pull failed, waited in back-off or had an invalid name. */
gboolean ks_image_manager_failures(const KsImageManager *m);
