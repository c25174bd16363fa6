/* The kubelet's image pull back-off (pkg/kubelet/images image_manager.go,
 * v1.31): one flowcontrol.Backoff for the kubelet (kubelet.go creates it
 * with backOffPeriod 10 s and MaxContainerBackOff 300 s), keyed
 * "<pod UID>_<image>".
 *
 * EnsureImageExists, for an image that must be pulled: while the key is in
 * back-off since its last update (now - lastUpdate < backoff) the container
 * waits with ImagePullBackOff ("Back-off pulling image ...") and no pull is
 * tried; otherwise the pull is tried, and a failed pull calls Next(key,
 * now): 10 s for a new or expired entry (not updated for more than twice
 * the maximum, 600 s), else double the last, at most 300 s. A failed pull
 * shows ErrImagePull until the next sync finds the key in back-off.
 * Upstream retries at the first pod sync after the back-off ends; ksim's
 * node agent re-syncs every 10 s from the failure (no jitter), which falls
 * exactly on the back-off's end. Entries are not removed on
 * success (upstream garbage-collects them with the pod). */
#pragma once
#include <glib.h>

#define KS_IMAGE_BACKOFF_INITIAL_US ((gint64)10 * G_USEC_PER_SEC)
#define KS_IMAGE_BACKOFF_MAX_US ((gint64)300 * G_USEC_PER_SEC)

typedef struct KsImageBackoff KsImageBackoff;

/* transfer full */
KsImageBackoff *ks_image_backoff_new(void);
void ks_image_backoff_free(KsImageBackoff *b);

/* TRUE while pod_uid + image is in back-off at now_us (IsInBackOffSinceUpdate). */
gboolean ks_image_backoff_in_backoff(const KsImageBackoff *b, const char *pod_uid, const char *image,
                                     gint64 now_us);
/* A pull of image for pod_uid failed at now_us: advances the entry (Next)
 * and returns the time its back-off ends, when the pull is retried. */
gint64 ks_image_backoff_failed(KsImageBackoff *b, const char *pod_uid, const char *image, gint64 now_us);
/* The current back-off of the entry (0 when none). */
gint64 ks_image_backoff_get(const KsImageBackoff *b, const char *pod_uid, const char *image);
/* Forget every entry of pod_uid (the pod is gone). */
void ks_image_backoff_forget_pod(KsImageBackoff *b, const char *pod_uid);
