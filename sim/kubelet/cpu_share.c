/* See cpu_share.h. Water-filling with integer arithmetic: pods are visited
 * in increasing order of demand per share (d_i / s_i, compared by cross
 * products); a pod whose demand fits in its proportional part of what is
 * left (d_i * W <= R * s_i) gets it all and leaves the rest to the others;
 * at the first that does not fit, it and every later pod (each wanting more
 * per share) get R * s_j / W. */
#include "sim/kubelet/cpu_share.h"

#include <stdlib.h>

gint64 ks_cpu_milli_to_shares(gint64 milli_cpu) {
  if (milli_cpu <= 0)
    return KS_CPU_MIN_SHARES;
  gint64 shares = milli_cpu * KS_CPU_SHARES_PER_CPU / 1000;
  return CLAMP(shares, KS_CPU_MIN_SHARES, KS_CPU_MAX_SHARES);
}

typedef struct {
  KsCpuClaim *c;
  gint64 demand;
  guint index;
} Item;

static gint by_demand_per_share(gconstpointer pa, gconstpointer pb) {
  const Item *a = pa, *b = pb;
  __int128 x = (__int128)a->demand * b->c->shares, y = (__int128)b->demand * a->c->shares;
  if (x != y)
    return x < y ? -1 : 1;
  return a->index < b->index ? -1 : a->index > b->index;
}

void ks_cpu_share(KsCpuClaim *claims, guint n, gint64 capacity) {
  gint64 total = 0;
  for (guint i = 0; i < n; i++) {
    KsCpuClaim *c = &claims[i];
    gint64 d = MAX(c->want, 0);
    if (c->limit > 0 && d > c->limit)
      d = c->limit;
    c->granted = d;
    total += d;
  }
  if (total <= capacity)
    return;
  Item *items = g_new(Item, n);
  guint m = 0;
  __int128 weight = 0;
  for (guint i = 0; i < n; i++) {
    if (claims[i].granted == 0)
      continue;
    items[m++] = (Item){&claims[i], claims[i].granted, i};
    weight += claims[i].shares;
  }
  qsort(items, m, sizeof(Item), by_demand_per_share);
  __int128 left = MAX(capacity, 0);
  guint k = 0;
  for (; k < m; k++) {
    const Item *it = &items[k];
    if ((__int128)it->demand * weight > left * it->c->shares)
      break;
    left -= it->demand; /* granted already holds the demand */
    weight -= it->c->shares;
  }
  for (; k < m; k++)
    items[k].c->granted = (gint64)(left * items[k].c->shares / weight);
  g_free(items);
}
