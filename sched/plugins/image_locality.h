/* ImageLocality (Score; kube-semantics 3.10). No args. */
#pragma once
#include "sched/framework.h"

extern const KsSchedPluginDesc ks_sched_plugin_image_locality;
