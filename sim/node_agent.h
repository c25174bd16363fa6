/* The node agent: the simulated kubelet of every node.
 *
 * It watches pods. When a pod is bound to a node, the agent starts it after
 * its start-up latency (annotation ksim.io/start-latency, default 1 s):
 * the pod becomes Running. It then runs for its run time (ksim.io/run-time)
 * and becomes Succeeded; a pod with no run time runs until the end of the
 * simulation. Phase changes are written to the store as the kubelet's
 * status updates are, so every other component learns of them by watching.
 *
 * The resource model (QoS, usage, contention, OOM, eviction) comes with a
 * later issue; today a pod always runs exactly its run time.
 */
#pragma once
#include <glib.h>

#include "sim/store.h"

typedef struct KsNodeAgent KsNodeAgent;

/* transfer full */
KsNodeAgent *ks_node_agent_new(KsStore *store);
void ks_node_agent_free(KsNodeAgent *a);
