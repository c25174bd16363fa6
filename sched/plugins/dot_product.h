/* DotProduct: a research policy (docs/policies.md), the Tetris alignment
 * score (Grandl et al., "Multi-resource packing for cluster schedulers",
 * SIGCOMM 2014): the dot product of the pod's demand and the node's free
 * resources, both as fractions of the node's capacity. No args. */
#pragma once
#include "sched/framework.h"

/* Fixed-point scale of each fraction (1e4: resolution 0.01%). */
#define KS_SCHED_DOT_PRODUCT_SCALE 10000

extern const KsSchedPluginDesc ks_sched_plugin_dot_product;
