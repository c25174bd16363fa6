/* Fuzz target: the Sweep decoder, the planner's expansion and ids, and
 * setting scenario fields by path, on arbitrary bytes.
 *
 * A decoded sweep is planned without its checks (which open files), when
 * its matrix is small enough to expand quickly, and every run's command
 * line is built. Each field parameter's path is then set, with each of its
 * values, in the input's own YAML tree (ks_yaml_set_path), so odd paths
 * against odd documents are covered too. */
#include <stdint.h>
#include <string.h>

#include "sim/sweep.h"

#define FUZZ_MAX_RUNS 256

static void set_paths(const uint8_t *data, size_t size, const KsSweepSpec *s) {
  for (guint i = 0; i < s->params->len; i++) {
    const KsSweepParam *p = s->params->pdata[i];
    for (guint j = 0; p->kind == KS_SWEEP_PARAM_FIELD && j < p->values->len; j++) {
      KsYamlStream *y = ks_yaml_load_string((const char *)data, size, "fuzz.yaml", NULL);
      GError *error = NULL;
      if (!y)
        continue;
      if (!ks_yaml_set_path(y, p->name, ((const KsSweepValue *)p->values->pdata[j])->text, &error))
        g_error_free(error);
      ks_yaml_stream_free(y);
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  GError *error = NULL;
  KsSweepSpec *s = ks_sweep_spec_load_string((const char *)data, size, "fuzz.yaml",
                                             "/nonexistent-ksim-fuzz-dir", &error);
  if (!s) {
    g_error_free(error);
    return 0;
  }
  if (ks_sweep_spec_run_count(s) <= FUZZ_MAX_RUNS) {
    KsSweepPlan *p = ks_sweep_plan_new(s, "out", FALSE, &error);
    if (p) {
      for (guint i = 0; i < p->runs->len; i++)
        g_free(ks_sweep_run_command(p->runs->pdata[i], "ksim"));
      ks_sweep_plan_free(p);
    } else {
      g_error_free(error);
    }
  }
  set_paths(data, size, s);
  ks_sweep_spec_free(s);
  return 0;
}
