/* The KubeletConfigurations of a run's nodes: spec.kubeletConfig for every
 * node, overridden per node pool by the pool's own kubeletConfig (real
 * clusters run pools with different reservations and thresholds;
 * docs/formats.md, docs/node-agent.md "Node allocatable").
 *
 * A node's kubelet runs with its pool's file when its ksim.io/node-pool
 * label names a pool that has one, else with spec.kubeletConfig's, else
 * with none: the v1.31 defaults for eviction and images, and the node keeps
 * the allocatable it declares or its capacity (runs without a
 * KubeletConfiguration are as before). Everything that acts per node reads
 * it here: node registration (allocatable), the eviction manager, the image
 * manager, the resource model's kubepods limit. Each distinct path is
 * loaded once. Reference counted, read-only once loaded.
 */
#pragma once
#include <glib.h>

#include "sched/node.h"
#include "workloads/kubelet_config.h"
#include "workloads/scenario.h"

typedef struct KsKubeletConfigs KsKubeletConfigs;

/* transfer full. default_config (a reference is taken; may be NULL): the
 * configuration of nodes no pool configures. */
KsKubeletConfigs *ks_kubelet_configs_new(KsKubeletConfig *default_config);
/* transfer full. spec.kubeletConfig and every pool's kubeletConfig. NULL
 * with *error on the first file that does not load: spec.kubeletConfig's
 * error is the file's own; a pool's names the scenario field first,
 *   scenario.yaml:14:20: spec.nodePools[1].kubeletConfig: big.yaml:4:3: evictionHard...
 */
KsKubeletConfigs *ks_kubelet_configs_load(const KsScenario *s, GError **error);
KsKubeletConfigs *ks_kubelet_configs_ref(KsKubeletConfigs *k);
void ks_kubelet_configs_unref(KsKubeletConfigs *k);

/* Pool `pool`'s nodes run with c (a reference is taken). */
void ks_kubelet_configs_set_pool(KsKubeletConfigs *k, const char *pool, KsKubeletConfig *c);

/* transfer none. The default configuration, NULL when none. */
KsKubeletConfig *ks_kubelet_configs_default(const KsKubeletConfigs *k);
/* TRUE when some pool has its own configuration. */
gboolean ks_kubelet_configs_has_pools(const KsKubeletConfigs *k);
/* transfer none. The configuration node's kubelet runs with (above); NULL
 * when none (k NULL too). */
const KsKubeletConfig *ks_kubelet_configs_for_node(const KsKubeletConfigs *k, const KsNode *node);
/* The same, for a node of pool `pool` (NULL: of no pool). */
const KsKubeletConfig *ks_kubelet_configs_for_pool(const KsKubeletConfigs *k, const char *pool);

/* What node's kubelet registers: ks_node_allocatable_apply with its
 * configuration (a node that declares status.allocatable keeps it). k may
 * be NULL (nothing changes). */
void ks_kubelet_configs_register_node(const KsKubeletConfigs *k, KsNode *node);

/* For `ksim validate`: "allocatable cpu 3500m, memory 6668Mi, pods 110
 * (kubelet.yaml)", the allocatable pool's nodes register with, or NULL when
 * no configuration applies to the pool or its template declares
 * status.allocatable. transfer full */
char *ks_kubelet_configs_describe_pool(const KsKubeletConfigs *k, const KsNodePool *pool);
