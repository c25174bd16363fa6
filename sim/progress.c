/* See progress.h. */
#include "sim/progress.h"

#include <stdio.h>
#include <unistd.h>

#define KS_PROGRESS_DELAY_US 1000000
#define KS_PROGRESS_PERIOD_US 100000
#define KS_PROGRESS_WIDTH 40

void ks_progress_init(KsProgress *p, gboolean want) {
  *p = (KsProgress){0};
  p->enabled = want && isatty(STDERR_FILENO);
  p->started = g_get_monotonic_time();
}

void ks_progress_update(KsProgress *p, gint64 done, gint64 total) {
  if (!p->enabled || total <= 0)
    return;
  gint64 now = g_get_monotonic_time();
  if (now - p->started < KS_PROGRESS_DELAY_US || now - p->last_draw < KS_PROGRESS_PERIOD_US)
    return;
  p->last_draw = now;
  p->drawn = TRUE;
  int filled = (int)(KS_PROGRESS_WIDTH * (double)done / (double)total);
  filled = CLAMP(filled, 0, KS_PROGRESS_WIDTH);
  fprintf(stderr, "\r[%.*s%*s] %5.1f%% of sim time", filled,
          "########################################", KS_PROGRESS_WIDTH - filled, "",
          100.0 * (double)done / (double)total);
  fflush(stderr);
}

void ks_progress_finish(KsProgress *p) {
  if (p->drawn)
    fprintf(stderr, "\r%*s\r", KS_PROGRESS_WIDTH + 24, "");
}
