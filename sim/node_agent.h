/* The node agent: the simulated kubelet of every node.
 *
 * It watches pods. When a pod is bound to a node, the agent starts it after
 * its start-up latency (annotation ksim.io/start-latency, default 1 s), or,
 * with an image model, after its image pulls and the container start time:
 * the pod becomes Running. It then runs for its run time (ksim.io/run-time)
 * and becomes Succeeded; a pod with no run time runs until the end of the
 * simulation. Phase changes are written to the store as the kubelet's
 * status updates are, so every other component learns of them by watching.
 *
 * A pod with a usage profile (ksim.io/usage-* annotations, workloads/usage.h)
 * is run by the resource model (sim/kubelet/resource_model.h,
 * docs/node-agent.md): cpu sharing stretches its run time, memory beyond its
 * limit or the node's OOM-kills it, and it restarts with CrashLoopBackOff.
 * Pods without one run exactly their run time, as they always have.
 */
#pragma once
#include <glib.h>

#include "sim/kubelet/eviction_manager.h"
#include "sim/kubelet/image_manager.h"
#include "sim/kubelet/resource_model.h"
#include "sim/store.h"

typedef struct KsNodeAgent KsNodeAgent;

/* transfer full; the resource model's RNG streams derive from seed (0 for
 * ks_node_agent_new). */
KsNodeAgent *ks_node_agent_new(KsStore *store);
KsNodeAgent *ks_node_agent_new_seeded(KsStore *store, guint64 seed);
/* The resource model (for results). transfer none */
KsKubeletModel *ks_node_agent_model(const KsNodeAgent *a);
/* The eviction manager (sim/kubelet/eviction_manager.h). transfer none */
KsEvictionManager *ks_node_agent_evictions(const KsNodeAgent *a);
void ks_node_agent_free(KsNodeAgent *a);

/* ---- image pulls (sim/kubelet/image_manager.h) -------------------------------
 * With an image model (a scenario with spec.images or spec.imagePulls) a
 * bound pod without ksim.io/start-latency waits for its images: its
 * containers wait with reason ContainerCreating while they are pulled (or
 * ErrImageNeverPull, until the image lands on the node, for an absent image
 * with policy Never), then start containerStartTime later. Without one,
 * start-up is ksim.io/start-latency (1 s) as before. Call once, before any
 * pod is bound; opts is copied (its catalog must outlive the agent). */
void ks_node_agent_enable_images(KsNodeAgent *a, const KsImagePullOptions *opts);
/* The image manager, NULL without an image model. transfer none */
KsImageManager *ks_node_agent_images(const KsNodeAgent *a);

/* ---- GPUs (sched/gpu.h, docs/gpu-sharing.md) -------------------------------
 * The agent tracks, per node, the milli-GPU in use on each GPU: a pod holds
 * the GPUs of its gpu-index annotation (written at binding) with its
 * gpu-milli from the moment it is bound until it is deleted or terminal
 * (Succeeded/Failed), as the device plugin allocates at admission. GPU
 * indexes beyond the node's GPU count are ignored. */

/* Per-GPU used milli of node `node` (borrowed; valid until the next store
 * event the agent sees), *n_gpus its GPU count; NULL and 0 for a node the
 * agent has never seen a GPU pod on. */
const gint32 *ks_node_agent_gpu_used(const KsNodeAgent *a, const char *node, guint *n_gpus);
/* Milli-GPU in use over all nodes; number of GPUs with some use (> 0).
 * O(1): kept up to date with every change (for a per-sample recorder). */
gint64 ks_node_agent_gpu_used_total(const KsNodeAgent *a);
guint ks_node_agent_gpus_busy(const KsNodeAgent *a);

/* ---- node faults (sim/node_faults.h) ----------------------------------------
 * While a node's kubelet is down its status updates wait: a pod step that
 * falls due then (start, finish, restart) is held and carried out, in the
 * order they fell due, when the kubelet is back. The containers are taken
 * to keep running meanwhile (an unreachable node's pods are not known to
 * have stopped); the taint eviction controller deletes them after their
 * tolerationSeconds. The agent follows the node's ksim.io/last-lease-renewal
 * annotation by itself; this is the call its node watch makes. The kubelet
 * resource model (pods with a usage profile) is not paused. */
void ks_node_agent_set_node_down(KsNodeAgent *a, const char *node, gboolean down);
