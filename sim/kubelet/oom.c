/* See oom.h. */
#include "sim/kubelet/oom.h"

#include "sched/qos.h"

gint64 ks_oom_badness(gint64 usage, gint adj, gint64 capacity) {
  if (adj <= KS_OOM_SCORE_ADJ_MIN)
    return G_MININT64;
  return usage + (gint64)adj * (capacity / 1000);
}

gint ks_oom_pick_victim(const KsOomCandidate *c, guint n, gint64 capacity) {
  gint best = -1;
  gint64 best_points = G_MININT64;
  for (guint i = 0; i < n; i++) {
    gint64 points = ks_oom_badness(c[i].usage, c[i].adj, capacity);
    if (points == G_MININT64)
      continue;
    if (best < 0 || points > best_points) {
      best = (gint)i;
      best_points = points;
    }
  }
  return best;
}
