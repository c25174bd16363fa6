/* The object model the scheduler sees; include this for all of it. */
#pragma once
#include "sched/quantity.h"
#include "sched/resources.h"
#include "sched/labels.h"
#include "sched/selector.h"
#include "sched/taints.h"
#include "sched/affinity.h"
#include "sched/pod.h"
#include "sched/node.h"
#include "sched/priority_class.h"
