/* Fuzz target: arbitrary bytes through the KubeSchedulerConfiguration
 * loader (libyaml, the document tree, strict decoding, defaulting and
 * merging, args decoding, validation), and every loaded profile built
 * against the built-in registry. A config or a GError are both fine;
 * crashes, leaks, hangs and sanitizer reports are not. */
#include <stdint.h>
#include <stddef.h>

#include "workloads/scheduler_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  GError *error = NULL;
  KsSchedulerConfigFile *c =
      ks_scheduler_config_load_string((const char *)data, size, "fuzz.yaml", &error);
  if ((c == NULL) == (error == NULL)) /* exactly one of the two */
    __builtin_trap();
  g_clear_error(&error);
  if (c) {
    KsSchedRegistry *r = ks_sched_registry_new();
    for (guint i = 0; i < c->n_profiles; i++) {
      KsSchedFramework *fw = ks_scheduler_config_build_profile(c, i, r, &error);
      if ((fw == NULL) == (error == NULL))
        __builtin_trap();
      ks_sched_framework_free(fw);
      g_clear_error(&error);
    }
    ks_sched_registry_free(r);
  }
  ks_scheduler_config_free(c);
  return 0;
}
