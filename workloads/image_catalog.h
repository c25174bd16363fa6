/* The image model's inputs in a Scenario (docs/formats.md "Images"):
 *
 *   spec.images       the registry's catalog: a list of {name, sizeBytes}, and
 *                     per image how its pulls fail: missing (always: the
 *                     registry does not have it), availableAfter (until
 *                     that run time), pullFailureRate (each pull with that
 *                     probability, 0..1, at most 6 decimals)
 *   spec.imagePulls   defaultImageSize (unlisted images), bandwidth (a
 *                     node's pull bandwidth, bytes per second, unless the
 *                     node's ksim.io/image-pull-bandwidth says otherwise),
 *                     registryLatency (one registry round-trip per pull),
 *                     containerStartTime (pulled -> Running)
 *
 * A scenario with neither has no image model: pods start after their
 * ksim.io/start-latency (1 s) as they always did. Decoded strictly, like the
 * rest of the Scenario; errors read "file:line:column: spec.images[2]
 * .sizeBytes: ...". Image names are kept normalized as the scheduler's
 * ImageLocality normalizes them (":latest" added when there is no tag), so
 * "nginx" and "nginx:latest" are one entry.
 */
#pragma once
#include <glib.h>

#include "sched/node.h"
#include "workloads/yaml_doc.h"

#define KS_ANNOTATION_IMAGE_PULL_BANDWIDTH "ksim.io/image-pull-bandwidth"

#define KS_IMAGE_CATALOG_MAX_IMAGES 100000
#define KS_IMAGE_DEFAULT_REGISTRY_LATENCY_US ((gint64)100000)  /* 100ms */
#define KS_IMAGE_DEFAULT_CONTAINER_START_US ((gint64)1000000) /* 1s, the old start latency */

#define KS_IMAGE_FAILURE_RATE_SCALE 1000000 /* pullFailureRate kept in millionths */

/* How pulls of one image fail (docs/formats.md "Images"). */
typedef struct {
  gboolean missing;           /* every pull fails */
  gint64 available_after_us;  /* pulls whose registry answer comes before fail; 0: none */
  gint32 failure_rate_ppm;    /* each pull fails with this chance, in millionths */
} KsImageFailure;

typedef struct {
  GHashTable *failures;       /* normalized name -> KsImageFailure*: images that can fail */
  GHashTable *sizes;          /* normalized name -> gint64* bytes (spec.images) */
  GPtrArray *names;           /* the same names, in file order */
  gint64 default_size_bytes;  /* imagePulls.defaultImageSize; default 0 */
  gint64 bandwidth;           /* imagePulls.bandwidth, bytes/s; 0 = unlimited (default) */
  gint64 registry_latency_us; /* imagePulls.registryLatency; default 100ms */
  gint64 container_start_us;  /* imagePulls.containerStartTime; default 1s */
} KsImageCatalog;

/* An empty catalog with the defaults. transfer full */
KsImageCatalog *ks_image_catalog_new(void);
void ks_image_catalog_free(KsImageCatalog *c);
/* Size of an image (any spelling; normalized here) listed in the catalog;
 * -1 when it is not listed. */
gint64 ks_image_catalog_size(const KsImageCatalog *c, const char *image);

/* How pulls of an image (any spelling) fail; NULL when they do not. */
const KsImageFailure *ks_image_catalog_failure(const KsImageCatalog *c, const char *image);

/* Reads spec.images and spec.imagePulls of `spec` (the Scenario's spec
 * mapping). *out is NULL when neither is present (no image model).
 * FALSE with a "file:line:column: path: reason" error otherwise. */
gboolean ks_image_catalog_decode(const KsYamlNode *spec, const char *file, KsImageCatalog **out,
                                 GError **error);

/* A pull bandwidth ("50Mi": bytes per second, a quantity > 0). The error is
 * the bare reason: "\"fast\" is not a quantity". */
gboolean ks_image_bandwidth_parse(const char *text, gint64 *out, GError **error);
/* A node's ksim.io/image-pull-bandwidth, when it has one that parses;
 * FALSE (and the error) for a bad one; TRUE with *out = -1 when absent. */
gboolean ks_image_node_bandwidth(const KsNode *node, gint64 *out, GError **error);
