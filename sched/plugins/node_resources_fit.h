/* NodeResourcesFit args (upstream NodeResourcesFitArgs, v1.31). The config
 * loader fills this struct; NULL args mean the upstream defaults
 * (LeastAllocated over cpu:1, memory:1, nothing ignored). */
#pragma once
#include <glib.h>
#include "sched/framework.h"

typedef enum {
  KS_SCHED_FIT_LEAST_ALLOCATED = 0,
  KS_SCHED_FIT_MOST_ALLOCATED,
  KS_SCHED_FIT_REQUESTED_TO_CAPACITY_RATIO,
} KsSchedFitStrategy;

typedef struct {
  const char *name;
  gint64 weight; /* 1..100 */
} KsSchedResourceSpec;

typedef struct {
  gint64 utilization; /* 0..100, strictly increasing */
  gint64 score;       /* 0..10 (MaxCustomPriorityScore) */
} KsSchedShapePoint;

typedef struct {
  const char *const *ignored_resources;       /* NULL-terminated; may be NULL */
  const char *const *ignored_resource_groups; /* NULL-terminated; may be NULL */
  KsSchedFitStrategy strategy;
  const KsSchedResourceSpec *resources; /* n_resources == 0: cpu:1, memory:1 */
  guint n_resources;
  const KsSchedShapePoint *shape;       /* RequestedToCapacityRatio only */
  guint n_shape;
} KsSchedFitArgs;

/* Upstream Fits(): the insufficiency reasons of `pod` on node `slot`, in
 * upstream order (pods, cpu, memory, ephemeral-storage, scalars by name).
 * `req` is the pod's ks_pod_compute_requests. Returns the number of reasons
 * written (at most max). */
guint ks_sched_fit_insufficient(KsSchedPlugin *p, const KsResourceList *req,
                                const KsSchedCache *c, guint slot, const char **reasons,
                                guint max);
