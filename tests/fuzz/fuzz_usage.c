/* Fuzz target: any byte string is parsed as a usage profile for each
 * resource; whatever parses is evaluated over its first points with a fixed
 * RNG stream. It must never crash, hang or leak; a parse error must carry a
 * message in the usage domain; an evaluation must never go negative (except
 * through a percentage of a negative request, which callers never pass)
 * and its next change must lie after the time asked. */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/usage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const KsUsageProfile *p) {
  KsRng rng;
  ks_rng_init(&rng, 1, "fuzz");
  gint64 t = 0;
  for (int i = 0; i < 64 && t != KS_USAGE_NEVER; i++) {
    gint64 next = 0;
    gint64 v = ks_usage_profile_eval(p, t, 500, 1000, &rng, &next);
    if (v < 0 || next <= t)
      abort();
    t = next;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = g_strndup((const char *)data, size); /* stops at an embedded NUL */
  for (int r = 0; r < KS_USAGE_RESOURCE_COUNT; r++) {
    GError *error = NULL;
    KsUsageProfile *p = ks_usage_profile_parse(s, (KsUsageResource)r, &error);
    if (p)
      walk(p);
    else if (!error || !error->message || error->domain != KS_USAGE_ERROR)
      abort();
    g_clear_error(&error);
    ks_usage_profile_free(p);
  }
  g_free(s);
  return 0;
}
