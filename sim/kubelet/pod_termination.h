/* Graceful pod termination: the grace arithmetic of the API server
 * (pkg/registry/core/pod/strategy.go CheckGracefulDelete, v1.31) and the
 * kubelet's part (kill the containers, write the terminal status, delete
 * the pod with grace 0). docs/node-agent.md "Pod termination" has the
 * timeline.
 *
 * A DELETE of a pod (sim/controllers/deletion.h) takes its grace period
 * from DeleteOptions.gracePeriodSeconds when given, else from
 * spec.terminationGracePeriodSeconds (default 30); a pod not bound to a
 * node or already Succeeded/Failed gets 0, a negative value counts as 1.
 * With a grace > 0 the pod stays, Terminating, with deletionTimestamp =
 * now + grace and deletionGracePeriodSeconds = grace.
 *
 * The kubelet of the pod's node then sends SIGTERM; the containers take
 * ksim.io/shutdown-time to exit (default 0), and SIGKILL comes at the end of
 * the grace: the kill takes min(shutdown-time, grace). Then the pod is
 * terminal (v1.31 getPhase with podIsTerminal: containers that exited by
 * themselves with ksim.io/exit-code 0 make it Succeeded, anything else
 * Failed; SIGKILL is exit code 137) and the kubelet deletes it with grace
 * 0: only then does it leave the store. Until then it runs in the resource
 * model and counts on its node in the scheduler's cache.
 *
 * A kubelet that is down (sim/node_faults.h) finishes nothing: its pods
 * stay Terminating until it is back, then the kill completes at
 * max(back, deletion start + kill). A pod whose own run ends during the
 * grace is deleted as soon as it is terminal.
 *
 * ksim's shortcut: a pod whose kill takes 0 s on a live kubelet (the
 * default: no shutdown-time) is removed by the DELETE itself, in the same
 * instant, as before graceful termination existed: upstream's kubelet
 * would do the same a few milliseconds later. A pod bound to a node the
 * store does not hold counts as on a live kubelet (PodGC's orphan pass is
 * not modelled beyond the node's own delete). */
#pragma once
#include <glib.h>

#include "sched/pod.h"
#include "sim/store.h"

#define KS_DEFAULT_TERMINATION_GRACE_SECONDS 30
/* The exit code the kubelet reports for a container killed by SIGKILL. */
#define KS_EXIT_CODE_SIGKILL 137

/* CheckGracefulDelete: the grace period of a DELETE of pod, from
 * requested (DeleteOptions.gracePeriodSeconds; NULL when not given). */
gint64 ks_pod_deletion_grace_seconds(const KsPod *pod, const gint64 *requested);

/* ksim.io/shutdown-time in microseconds; 0 when absent or malformed
 * (validated at load). */
gint64 ks_pod_shutdown_time_us(const KsPod *pod);

/* How long the kill of a pod takes with grace_seconds: min(shutdown, grace). */
gint64 ks_pod_kill_duration_us(const KsPod *pod, gint64 grace_seconds);

/* When the kubelet finishes a terminating pod: deletion start (the
 * deletionTimestamp minus the grace) + the kill. */
gint64 ks_pod_termination_due_us(const KsPod *pod);

/* The phase a pod ends in when killed with grace_seconds: Failed when the
 * kill needs SIGKILL (shutdown-time > grace) or its exit code is not 0,
 * else Succeeded. */
KsPodPhase ks_pod_killed_phase(const KsPod *pod, gint64 grace_seconds);

/* TRUE unless the pod's node is in store with its kubelet down. */
gboolean ks_pod_kubelet_up(KsStore *store, const KsPod *pod);

/* The kubelets' part, for every node: watches pods and nodes. transfer full */
typedef struct KsPodTermination KsPodTermination;
KsPodTermination *ks_pod_termination_new(KsStore *store);
void ks_pod_termination_free(KsPodTermination *t);
/* Pods the kubelets finished (deleted after their kill) so far. */
guint64 ks_pod_termination_finished(const KsPodTermination *t);
