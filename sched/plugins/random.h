/* Random: a research policy (docs/policies.md). Every scored node gets an
 * independent uniform score in [0, 100] from the seeded stream
 * "policy/random", so with Random as the only score plugin the pod lands on
 * a node chosen uniformly among the feasible ones, reproducibly. */
#pragma once
#include "sched/framework.h"

typedef struct {
  guint64 seed; /* run seed of the stream "policy/random"; NULL args = seed 0 */
} KsSchedRandomArgs;

extern const KsSchedPluginDesc ks_sched_plugin_random;
