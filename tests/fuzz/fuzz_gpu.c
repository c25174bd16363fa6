/* Fuzz target: the GPU request parser (sched/gpu.h). The input is split at
 * newlines into the pod annotations gpu-count, gpu-milli, gpu-card-model
 * and gpu-index (missing lines leave the annotation out), and the last line
 * is also parsed as a gpu-index on its own. It must never crash, hang or
 * leak; an accepted request must satisfy the model's invariants, and the
 * fit test and the chooser must agree on a fixed node. */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sched/gpu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const keys[] = {KS_GPU_KEY_COUNT, KS_GPU_KEY_MILLI, KS_GPU_KEY_MODEL,
                                   KS_GPU_KEY_INDEX};

static void check_request(const KsGpuRequest *r) {
  if (r->count == 0) {
    if (r->milli != 0 || r->pinned != 0 || r->n_models != 0)
      abort();
    return;
  }
  if (r->count > KS_GPU_MAX_PER_NODE || r->milli < 1 || r->milli > KS_GPU_MILLI)
    abort();
  if (r->milli < KS_GPU_MILLI && r->count != 1)
    abort();
  if (r->pinned && (guint)__builtin_popcountll(r->pinned) != r->count)
    abort();
  /* a node of 8 GPUs used [1000, 900, 500, 0, 0, 250, 1000, 0], no model */
  gint32 used[8] = {1000, 900, 500, 0, 0, 250, 1000, 0};
  KsGpuNodeView v = {8, 0, used};
  KsGpuAssignment a;
  gboolean fits = ks_gpu_fits(r, &v), chosen = ks_gpu_choose(r, &v, NULL, NULL, &a);
  if (fits != chosen || (chosen && !ks_gpu_assignment_valid(r, &v, &a)))
    abort();
  if (chosen) {
    ks_gpu_used_add(used, 8, &a);
    ks_gpu_used_sub(used, 8, &a);
    if (used[2] != 500 || used[5] != 250)
      abort();
  }
}

static void check_index(const char *s) {
  guint64 mask = 0, back = 0;
  GError *e = NULL;
  if (!ks_gpu_index_parse(s, &mask, &e)) {
    if (!e || e->domain != KS_GPU_ERROR)
      abort();
    g_error_free(e);
    return;
  }
  char *f = ks_gpu_index_format(mask);
  if (!ks_gpu_index_parse(f, &back, NULL) || back != mask)
    abort();
  g_free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = g_strndup((const char *)data, size);
  char **lines = g_strsplit(s, "\n", G_N_ELEMENTS(keys));
  KsPod *p = ks_pod_new("fuzz", "p");
  guint n = 0;
  for (; lines[n] && n < G_N_ELEMENTS(keys); n++)
    if (lines[n][0] != '#')  /* "#" leaves that annotation out */
      ks_labels_set(&p->annotations, keys[n], lines[n]);
  KsGpuRequest r;
  GError *e = NULL;
  if (ks_gpu_request_from_pod(p, &r, &e))
    check_request(&r);
  else if (!e || e->domain != KS_GPU_ERROR || !strstr(e->message, "pod fuzz/p: "))
    abort();
  g_clear_error(&e);
  if (n > 0)
    check_index(lines[n - 1]);
  ks_pod_unref(p);
  g_strfreev(lines);
  g_free(s);
  return 0;
}
