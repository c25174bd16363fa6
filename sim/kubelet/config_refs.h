/* The ConfigMaps and Secrets a pod needs before its containers can start
 * (docs/node-agent.md, Start-up). Upstream's kubelet mounts volumes first: a
 * configMap or secret volume whose object is missing keeps the pod Pending,
 * its containers waiting in ContainerCreating (the FailedMount event); then
 * it builds each container's environment: an env / envFrom reference to a
 * missing object fails with CreateContainerConfigError, message
 * `configmap "x" not found` / `secret "x" not found`. References marked
 * optional never block. */
#pragma once
#include <glib.h>

#include "sched/pod.h"
#include "sim/store.h"

#define KS_REASON_CONTAINER_CREATING "ContainerCreating"
#define KS_REASON_CREATE_CONTAINER_CONFIG_ERROR "CreateContainerConfigError"

/* TRUE when something the pod needs is missing from the store: *reason (a
 * static string) and *message (transfer full; NULL for ContainerCreating) say
 * what, for the first missing object in the kubelet's order (volumes, then
 * init containers, then containers, each in manifest order). */
gboolean ks_kubelet_missing_config(const KsStore *store, const KsPod *pod, const char **reason,
                                   char **message);
