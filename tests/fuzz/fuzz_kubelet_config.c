/* Fuzz target: arbitrary bytes through the KubeletConfiguration loader
 * (libyaml, the document tree, strict decoding, defaulting, validation, the
 * eviction threshold maps). A config or a GError are both fine; crashes,
 * leaks, hangs and sanitizer reports are not. A loaded config must hold
 * only valid thresholds. */
#include <stdint.h>
#include <stddef.h>

#include "workloads/kubelet_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  GError *error = NULL;
  KsKubeletConfig *c = ks_kubelet_config_load_string((const char *)data, size, "fuzz.yaml", &error);
  if ((c == NULL) == (error == NULL)) /* exactly one of the two */
    __builtin_trap();
  g_clear_error(&error);
  if (c) {
    for (guint i = 0; i < c->thresholds->len; i++) {
      const KsEvictionThreshold *t = &g_array_index(c->thresholds, KsEvictionThreshold, i);
      if ((guint)t->signal >= KS_EVICTION_SIGNAL_COUNT || t->grace_period_us < 0 ||
          (t->hard && t->grace_period_us != 0))
        __builtin_trap();
      if (t->value.is_percentage ? !(t->value.percentage >= 0 && t->value.percentage <= 1)
                                 : t->value.quantity <= 0)
        __builtin_trap();
      (void)ks_threshold_value_quantity(&t->value, G_MAXINT64 / 2);
    }
    if (c->serialize_image_pulls && c->has_max_parallel_image_pulls &&
        c->max_parallel_image_pulls > 1)
      __builtin_trap();
  }
  ks_kubelet_config_unref(c);
  return 0;
}
