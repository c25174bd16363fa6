/* Fuzz target: the sweep run list (OUT/runs.tsv) reader, which
 * `ksim sweep --aggregate` and `ksim plot SWEEPDIR` trust for run ids that
 * become file names. Every run read back must have an id without '/' that
 * does not start with '.', and as many coordinates as columns. */
#include <stdint.h>
#include <string.h>

#include "sim/sweep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = g_strndup((const char *)data, size);
  GError *error = NULL;
  KsSweepPlan *p = ks_sweep_plan_parse(text, "out", "runs.tsv", &error);
  if (p) {
    guint cols = g_strv_length(p->columns);
    for (guint i = 0; i < p->runs->len; i++) {
      const KsSweepRun *r = p->runs->pdata[i];
      if (!r->id[0] || strchr(r->id, '/') || r->id[0] == '.' || g_strv_length(r->coords) != cols)
        __builtin_trap();
    }
    ks_sweep_plan_free(p);
  } else {
    g_error_free(error);
  }
  g_free(text);
  return 0;
}
