/* Image pull policy as the API server defaults it and the kubelet applies
 * it (v1.31: pkg/apis/core/v1/defaults.go SetDefaults_Container,
 * pkg/kubelet/images/image_manager.go shouldPullImage).
 *
 * Default: Always when the image's tag is "latest", or when it has neither
 * a tag nor a digest (the reference parser then reports tag "latest");
 * otherwise IfNotPresent (a digest without a tag included).
 * Pull: Never never pulls; Always always does (a registry round-trip even
 * when the image is present); IfNotPresent pulls when absent. */
#pragma once
#include <glib.h>

#include "sched/pod.h"

/* The API server's default for an image reference. */
KsPullPolicy ks_image_default_pull_policy(const char *image);
/* The container's policy: its own, else the default for its image. */
KsPullPolicy ks_container_pull_policy(const KsContainer *c);
/* upstream shouldPullImage */
gboolean ks_image_should_pull(KsPullPolicy policy, gboolean present);
/* The kubelet's message for a container whose image is absent under Never
 * (reason ErrImageNeverPull): Container image "x" is not present with pull
 * policy of Never. transfer full */
char *ks_image_never_pull_message(const char *image);

/* "Back-off pulling image \"x\"" (reason ImagePullBackOff). transfer full */
char *ks_image_backoff_message(const char *image);
/* The kubelet's parse of an image reference (parsers.ParseImageName over
 * distribution/reference's ParseNormalizedNamed, v1.31): TRUE when it
 * parses; FALSE with *message (transfer full) the kubelet's text for
 * reason InvalidImageName: Failed to apply default image tag "x": couldn't
 * parse image name "x": invalid reference format[: ...]. */
gboolean ks_image_reference_check(const char *image, char **message);

#define KS_REASON_ERR_IMAGE_PULL "ErrImagePull"
#define KS_REASON_IMAGE_PULL_BACKOFF "ImagePullBackOff"
#define KS_REASON_INVALID_IMAGE_NAME "InvalidImageName"
#define KS_REASON_ERR_IMAGE_NEVER_PULL "ErrImageNeverPull"
#define KS_REASON_CONTAINER_CREATING "ContainerCreating"
