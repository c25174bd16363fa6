/* Node faults: a node's kubelet going down and coming back, by hand
 * (timeline actions nodeDown / nodeUp) or at random (spec.faults).
 *
 * The down state lives in the store, on the Node, as the annotation
 * ksim.io/last-lease-renewal (sim/controllers/node_lifecycle.h): the sim
 * time of the kubelet's last Lease renewal. Kubelets renew every 10 s on
 * the grid of sim time (0 s, 10 s, ...), so a kubelet going down at t last
 * renewed at the grid point before t (at 0 s when t is 0). Everyone learns
 * of it by watching: the node lifecycle controller (Ready=Unknown after the
 * grace period, taints), and the node agent, whose status updates for the
 * node's pods are held until the kubelet is back (sim/node_agent.h).
 * Coming back, the kubelet posts its status in one write: the annotation
 * goes, Ready turns True (KubeletReady) if it was not, and pressure
 * conditions the controller set to Unknown turn False (the kubelet's
 * reasons).
 *
 * Random faults: every node a spec.faults entry selects (its pool, or its
 * nodeSelector; the first entry that matches a node owns it) fails after an
 * up time drawn from mtbf, stays down for a time drawn from mttr, and so on
 * until the end of the run. Each node draws from its own RNG stream,
 * "fault/<entry index>/<node name>", up time then down time alternately, so
 * adding a pool, a node or an entry never shifts another node's faults.
 * Nodes created later (trace nodes) are picked up when they appear; a
 * deleted node's faults stop.
 */
#pragma once
#include <glib.h>

#include "sim/store.h"
#include "workloads/scenario.h"

#define KS_NODE_LEASE_RENEW_INTERVAL_US ((gint64)10 * G_USEC_PER_SEC) /* kubelet: 0.25 x 40 s */

/* The kubelet's last Lease renewal when it goes down at t_us. */
gint64 ks_node_fault_last_renewal(gint64 t_us);

/* Takes node's kubelet down (or brings it back) now, as described above.
 * Nothing is written when it is already in that state (FALSE with no
 * error). FALSE with *error (KS_STORE_ERROR_NOT_FOUND) when there is no
 * such node. */
gboolean ks_node_fault_set_down(KsStore *store, const char *node, gboolean down,
                                GError **error);

/* TRUE while node's kubelet is down. */
gboolean ks_node_fault_is_down(const KsNode *node);

typedef struct KsNodeFaults KsNodeFaults;

/* Random faults of faults (KsScenarioFault*, borrowed, outlive it) for the
 * nodes in store now and to come. NULL-safe: no entries, no events.
 * transfer full */
KsNodeFaults *ks_node_faults_new(KsStore *store, const GPtrArray *faults, guint64 seed);
void ks_node_faults_free(KsNodeFaults *f);
/* Failures started so far. */
guint64 ks_node_faults_failures(const KsNodeFaults *f);
