/* The pod annotations and node labels the simulator reads or writes.
 *
 * A pod manifest says what a pod asks for, not how long it runs; the
 * simulator needs that too, so it reads it from annotations (which the API
 * server keeps verbatim and a real cluster ignores, so the same manifests
 * load unchanged in both). Documented in docs/formats.md.
 *
 *   ksim.io/run-time       Go duration: how long the containers run once the
 *                          pod is Running; then the pod Succeeds. Absent: the
 *                          pod runs until the end of the simulation (a service).
 *   ksim.io/start-latency  Go duration from bind to Running (image pull,
 *                          container start). Absent: 1s.
 *   ksim.io/exit-code      integer: the containers' exit code at the end of
 *                          the run time. Absent or 0: the pod Succeeds. Not 0:
 *                          with restartPolicy Never the pod ends Failed; with
 *                          OnFailure (or Always) the containers restart in
 *                          place after the kubelet's crash back-off (none,
 *                          then 10 s doubling to 5 min) and run again, the
 *                          pod staying Running (a Job counts those restarts).
 *   ksim.io/shutdown-time  Go duration: how long the containers take to exit
 *                          after SIGTERM when the pod is deleted (or evicted
 *                          by its kubelet). Absent: 0, the process exits at
 *                          SIGTERM. The kill takes min(shutdown-time, grace
 *                          period): past the grace the kubelet sends SIGKILL
 *                          (sim/kubelet/pod_termination.h).
 *   ksim.io/restart-count  written by the node agent: restarts so far, ksim's
 *                          stand-in for status.containerStatuses[].restartCount.
 *   ksim.io/run-time.<c>   one container's own run time and exit code (a
 *   ksim.io/exit-code.<c>  regular, init or sidecar container of the pod);
 *                          the pod-level ones apply to the regular containers
 *                          without their own. A pod with any of them is run
 *                          by the resource model, container by container, with
 *                          upstream's restart rules (annotations_container.c,
 *                          docs/node-agent.md).
 *
 * Generators write the run time they sample into ksim.io/run-time, so the
 * node agent has one way to read run times.
 */
#pragma once
#include <glib.h>
#include "sched/pod.h"

#define KS_ANNOTATION_RUN_TIME "ksim.io/run-time"
#define KS_ANNOTATION_START_LATENCY "ksim.io/start-latency"
#define KS_ANNOTATION_EXIT_CODE "ksim.io/exit-code"
#define KS_ANNOTATION_RESTART_COUNT "ksim.io/restart-count"
#define KS_ANNOTATION_SHUTDOWN_TIME "ksim.io/shutdown-time"
/* The kubelet's container restart back-off (v1.31): the first restart is
 * immediate, then 10 s doubling, capped at 5 min. */
#define KS_CONTAINER_BACKOFF_US ((gint64)10 * G_USEC_PER_SEC)
#define KS_CONTAINER_BACKOFF_MAX_US ((gint64)300 * G_USEC_PER_SEC)
/* Set on every node built from a Scenario node pool: the pool's name. */
#define KS_LABEL_NODE_POOL "ksim.io/node-pool"
/* Set on every node by the kubelet upstream (and by us): the node's name. */
#define KS_LABEL_HOSTNAME "kubernetes.io/hostname"

#define KS_DEFAULT_START_LATENCY_US ((gint64)1000000)
/* run_time_us when the pod has no ksim.io/run-time: it never finishes by itself. */
#define KS_RUN_TIME_FOREVER ((gint64)-1)

#define KS_ANNOTATION_ERROR (ks_annotation_error_quark())
GQuark ks_annotation_error_quark(void);
typedef enum { KS_ANNOTATION_ERROR_INVALID } KsAnnotationError;

typedef struct {
  gint64 run_time_us;      /* >= 0, or KS_RUN_TIME_FOREVER */
  gint64 start_latency_us; /* >= 0 */
  gint64 shutdown_time_us; /* >= 0; 0 when absent */
} KsPodTiming;

/* Reads the three annotations. On error `out` is untouched and the message names
 * the pod and the annotation:
 *   pod default/web-0: annotation ksim.io/run-time: "5x" is not a duration (...) */
gboolean ks_pod_read_timing(const KsPod *pod, KsPodTiming *out, GError **error);
/* Writes ksim.io/run-time in the shortest exact form ("1m30.5s"). */
void ks_pod_set_run_time(KsPod *pod, gint64 run_time_us);

/* ---- per container (annotations_container.c) -------------------------------- */

#define KS_ANNOTATION_RUN_TIME_PREFIX "ksim.io/run-time."
#define KS_ANNOTATION_EXIT_CODE_PREFIX "ksim.io/exit-code."
/* Upstream's limit on the name part of an annotation key (after the "/"). */
#define KS_ANNOTATION_MAX_KEY_NAME 63

typedef struct {
  gint64 run_time_us; /* >= 0, or KS_RUN_TIME_FOREVER */
  gint32 exit_code;
} KsContainerTiming;

/* Which of a pod's containers a per-container timing is for. */
typedef enum {
  KS_CONTAINER_REGULAR = 0, /* spec.containers */
  KS_CONTAINER_INIT,        /* spec.initContainers without restartPolicy */
  KS_CONTAINER_SIDECAR,     /* spec.initContainers with restartPolicy: Always */
} KsContainerRole;

/* TRUE when the pod has any ksim.io/run-time.<c> or ksim.io/exit-code.<c>
 * annotation (a cheap test, no parsing). */
gboolean ks_pod_has_container_timing(const KsPod *pod);
/* Checks every per-container annotation strictly: the key names a container
 * of the pod and is at most 63 characters after "ksim.io/", the run time is
 * a Go duration >= 0, the exit code a decimal integer in 0..255. Errors
 * (KS_ANNOTATION_ERROR) name the pod and the annotation:
 *   pod default/web: annotation ksim.io/exit-code.app: "x" is not an exit code (an integer 0..255)
 *   pod default/web: annotation ksim.io/run-time.lgo: no container "lgo" in the pod (containers: app, log) */
gboolean ks_pod_check_container_timing(const KsPod *pod, GError **error);
/* A container's run time and exit code: its own annotations, else for a
 * regular container the pod-level ksim.io/run-time (absent: forever) and
 * ksim.io/exit-code (absent or malformed: 0 / 1, as the node agent always
 * read it); an init container runs 0 s and exits 0, a sidecar runs until
 * the pod ends. Malformed own values (not checked at load) count as
 * absent. */
void ks_pod_container_timing(const KsPod *pod, const char *container, KsContainerRole role,
                             KsContainerTiming *out);
