/* See gpu_curve.h. The arithmetic repeats the paper's pandas steps in
 * doubles, in the same order (A / N / 10), so that the binning of an event
 * that sits exactly on a half percent falls the same way. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/gpu_curve.h"

/* Python's round(x, 2) for the non-negative values seen here. */
static double round2(double x) {
  return nearbyint(x * 100.0) / 100.0;
}

gboolean ks_gpu_curve_compute(const KsResults *r, KsGpuCurve *out, GError **error) {
  memset(out, 0, sizeof *out);
  for (gsize i = 0; i < r->n_nodes; i++)
    out->total_gpus += r->nodes[i].gpus;
  if (out->total_gpus <= 0) {
    g_set_error(error, KS_RESULTS_ERROR, KS_RESULTS_ERROR_FORMAT,
                "the run's nodes have no GPUs: no GPU allocation curve");
    return FALSE;
  }
  double sum[KS_GPU_CURVE_MAX_PCT + 2] = {0};
  guint64 n[KS_GPU_CURVE_MAX_PCT + 2] = {0};
  const double N = (double)out->total_gpus;
  for (gsize i = 0; i < r->n_pods; i++) {
    const KsPodRow *p = &r->pods[i];
    out->arrived_milli += p->gpu_request_milli;
    if (p->scheduled_us >= 0)
      out->allocated_milli += p->gpu_request_milli;
    /* nearbyint rounds half to even in the default rounding mode, as pandas'
     * round(x, 0) does. */
    double arrive = nearbyint((double)out->arrived_milli / N / 10.0);
    double alloc = round2((double)out->allocated_milli / N / 10.0);
    /* Events past the last point can still count for it (x +- 1). */
    if (arrive < 0 || arrive > KS_GPU_CURVE_MAX_PCT + 1)
      continue;
    sum[(int)arrive] += alloc;
    n[(int)arrive]++;
  }
  out->pods = r->n_pods;
  for (int x = 0; x <= KS_GPU_CURVE_MAX_PCT; x++) {
    double s = sum[x];
    guint64 k = n[x];
    if (k == 0) {
      for (int y = MAX(0, x - 1); y <= x + 1; y++) {
        s += sum[y];
        k += n[y];
      }
    }
    if (k > 0) {
      out->alloc_pct[x] = round2(s / (double)k);
      out->has[x] = TRUE;
    }
  }
  return TRUE;
}

void ks_gpu_curve_write_csv(const KsGpuCurve *c, FILE *out) {
  fprintf(out, "# gpus=%" G_GINT64_FORMAT " arrived_milli=%" G_GINT64_FORMAT
               " allocated_milli=%" G_GINT64_FORMAT " pods=%" G_GUINT64_FORMAT "\n",
          c->total_gpus, c->arrived_milli, c->allocated_milli, c->pods);
  fprintf(out, "arrived_pct,alloc_pct,unalloc_pct\n");
  for (int x = 0; x <= KS_GPU_CURVE_MAX_PCT; x++) {
    if (c->has[x])
      fprintf(out, "%d,%.2f,%.2f\n", x, c->alloc_pct[x], 100.0 - c->alloc_pct[x]);
  }
}
