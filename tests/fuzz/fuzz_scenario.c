/* Fuzz target: the Scenario loader on arbitrary bytes.
 *
 * A loaded scenario is also exercised the way the run loop uses it (a node of
 * each pool instantiated, each generator drawn from for a bounded number of
 * arrivals), so decoded values that would crash or loop the generators are
 * found here too. Manifest paths resolve against a directory that does not
 * exist, so the target never depends on files around it. */
#include <stdint.h>

#include "workloads/scenario.h"

#define FUZZ_ARRIVALS 256

static void exercise(const KsScenario *s) {
  for (guint i = 0; i < s->node_pools->len; i++) {
    const KsNodePool *pool = s->node_pools->pdata[i];
    ks_node_unref(ks_node_pool_instantiate(pool, pool->count - 1));
  }
  for (guint i = 0; i < s->generators->len; i++) {
    KsGenerator *g = ks_generator_new(s->generators->pdata[i], s->seed);
    gint64 at, prev = 0;
    KsPod *pod;
    for (int n = 0; n < FUZZ_ARRIVALS && ks_generator_next(g, &at, &pod); n++) {
      if (at < prev)
        __builtin_trap(); /* arrival times must never decrease */
      prev = at;
      ks_pod_unref(pod);
    }
    ks_generator_free(g);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  GError *error = NULL;
  KsScenario *s = ks_scenario_load_string((const char *)data, size, "fuzz.yaml",
                                          "/nonexistent-ksim-fuzz-dir", &error);
  if (s) {
    exercise(s);
    ks_scenario_free(s);
  } else {
    g_error_free(error);
  }
  return 0;
}
