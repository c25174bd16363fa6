/* FirstFit: a research policy (docs/policies.md). Prefers the scored node
 * that comes first in the cache's node-tree order. No args. Use it with
 * percentageOfNodesToScore 100, or it is first fit among the nodes the
 * scheduler examined this cycle (see the .c). */
#pragma once
#include "sched/framework.h"

extern const KsSchedPluginDesc ks_sched_plugin_first_fit;
