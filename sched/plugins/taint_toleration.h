/* TaintToleration plugin (kube-semantics 3.6). No args. */
#pragma once
#include "sched/framework.h"

extern const KsSchedPluginDesc ks_sched_plugin_taint_toleration;
