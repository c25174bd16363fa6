/* Fuzz target: arbitrary bytes through the whole manifest path (libyaml,
 * the document tree, every decoder). Success or a GError are both fine;
 * crashes, leaks, hangs and sanitizer reports are not. */
#include <stdint.h>
#include <stddef.h>

#include "workloads/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  GError *error = NULL;
  KsManifestSet *set = ks_manifest_load_string((const char *)data, size, "fuzz.yaml", &error);
  /* exactly one of the two */
  if ((set == NULL) == (error == NULL))
    __builtin_trap();
  ks_manifest_set_free(set);
  g_clear_error(&error);
  return 0;
}
