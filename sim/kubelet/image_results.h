/* The image manager's counters in the results file (docs/results.md,
 * "/image_pulls") and their reader for `ksim summary`.
 *
 * /image_pulls is a top-level compound dataset, one row per node that
 * pulled, checked or garbage-collected an image (first-seen order):
 * node, pulls, bytes, registry_checks, pods_waited, wait_us, max_wait_us,
 * gc_images, gc_bytes. It is written only when some node did, so runs
 * without an image model (or without pulls) keep their files unchanged.
 * It is not under /kubelet, whose reader expects the resource model's
 * tables there.
 *
 * /image_pull_failures, beside it, one row per node where a pull failed,
 * waited in back-off or named an invalid image: node, failed_pulls,
 * qps_refused, backoff_waits, invalid_names; written only when some node
 * had one, so runs without failures keep their files unchanged. */
#pragma once
#include <glib.h>
#include <stdio.h>

#include "sim/json.h"
#include "sim/kubelet/image_manager.h"
#include "sim/results.h"

#define KS_IMAGE_RESULTS_DATASET "image_pulls"
#define KS_IMAGE_FAILURES_DATASET "image_pull_failures"

gboolean ks_image_results_write(KsResultsWriter *w, const KsImageManager *m, GError **error);

/* The run's totals over /image_pulls. */
typedef struct {
  gint64 nodes; /* rows */
  gint64 pulls, bytes, registry_checks, pods_waited, wait_us, max_wait_us, gc_images, gc_bytes;
  gboolean has_failures; /* the file has /image_pull_failures */
  gint64 failure_nodes;  /* its rows */
  gint64 failed_pulls, qps_refused, backoff_waits, invalid_names;
} KsImagePullTotals;

/* *present FALSE (and TRUE returned) when the file has neither
 * /image_pulls nor /image_pull_failures. */
gboolean ks_image_results_read_totals(const char *path, KsImagePullTotals *out, gboolean *present,
                                      GError **error);
/* The `ksim summary` line ("image pulls ...", then "image pull failures
 * ..." when the file has them) and its JSON object (failure members only
 * then). */
void ks_image_results_print_row(FILE *f, const KsImagePullTotals *t);
void ks_image_results_print_json(KsJson *j, const KsImagePullTotals *t);
