/* The pod's phase from its containers' states, as the kubelet computes it
 * (upstream pkg/kubelet/kubelet_pods.go getPhase, v1.31), and its
 * Initialized condition (pkg/kubelet/status GeneratePodInitializedCondition).
 * Pure functions over the states the resource model reports, so upstream's
 * table of state combinations runs without a store
 * (tests/sim/test_pod_phase.c). */
#pragma once
#include <glib.h>

#include "sched/pod.h"

typedef enum {
  KS_PHASE_INIT = 0, /* an init container (spec.initContainers, no restartPolicy) */
  KS_PHASE_SIDECAR,  /* an init container with restartPolicy: Always */
  KS_PHASE_REGULAR,  /* spec.containers */
} KsPhaseRole;

typedef struct {
  KsPhaseRole role;
  const char *name;
  /* NULL: no status reported for it (upstream: not in the status list) */
  const KsContainerState *state;
  const KsContainerState *last_state; /* may be NULL */
  gboolean started; /* sidecars: status.started (no startup probes: once running) */
} KsPhaseContainer;

/* getPhase: containers in any order (init containers' relative order does
 * not matter here). terminal: the kubelet has decided the pod is terminal
 * (no container will run again), so a pod whose containers all stopped is
 * Succeeded or Failed whatever its restartPolicy. */
KsPodPhase ks_kubelet_pod_phase(const KsPhaseContainer *cs, guint n, KsRestartPolicy policy,
                                gboolean terminal);

/* The Initialized condition: TRUE when it is True; else *message (transfer
 * full) is upstream's "containers with incomplete status: [a b]" (and/or
 * "containers with unknown status: [..]") and the reason is
 * ContainersNotInitialized. *reason (static) is "PodCompleted" for a
 * Succeeded pod, else NULL when True. Init containers in spec order. */
gboolean ks_kubelet_pod_initialized(const KsPhaseContainer *cs, guint n, KsPodPhase phase,
                                    const char **reason, char **message);

/* Sets Initialized on a pod the kubelet runs without container statuses (no
 * init containers, or the plain path's, which complete at once): True, with
 * reason PodCompleted once the pod Succeeded, as GeneratePodInitializedCondition
 * gives when every init container is known; the transition time stays that
 * of the first write. */
void ks_kubelet_set_initialized_true(KsPod *pod, gint64 now_us);

#define KS_REASON_CONTAINERS_NOT_INITIALIZED "ContainersNotInitialized"
#define KS_REASON_POD_COMPLETED "PodCompleted"
#define KS_REASON_POD_INITIALIZING "PodInitializing"
