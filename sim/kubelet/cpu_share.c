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

/* The same order in 64 bits, when every demand is below 2^44 and every
 * share below 2^19 (cpu.shares are at most 262144 = 2^18): the products stay
 * below 2^63. */
#define SMALL_DEMAND (G_GINT64_CONSTANT(1) << 44)
#define SMALL_SHARES (G_GINT64_CONSTANT(1) << 19)

static inline gboolean before_small(const Item *a, const Item *b) {
  gint64 x = a->demand * b->c->shares, y = b->demand * a->c->shares;
  return x != y ? x < y : a->index < b->index;
}

/* Few claims (a node's pods, a pod's containers): an insertion sort, with
 * no allocation and no 128-bit products. The order is total (index breaks
 * ties), so any sort gives the same order as qsort. */
#define SMALL_N 64

static void sort_items(Item *items, guint m, gboolean small) {
  if (!small || m > SMALL_N) {
    qsort(items, m, sizeof(Item), by_demand_per_share);
    return;
  }
  for (guint i = 1; i < m; i++) {
    Item it = items[i];
    guint j = i;
    while (j > 0 && before_small(&it, &items[j - 1])) {
      items[j] = items[j - 1];
      j--;
    }
    items[j] = it;
  }
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
  Item stack[SMALL_N];
  Item *items = n <= SMALL_N ? stack : g_new(Item, n);
  guint m = 0;
  __int128 weight = 0;
  gboolean small = TRUE;
  for (guint i = 0; i < n; i++) {
    if (claims[i].granted == 0)
      continue;
    items[m++] = (Item){&claims[i], claims[i].granted, i};
    weight += claims[i].shares;
    if (claims[i].granted >= SMALL_DEMAND || claims[i].shares < 0 ||
        claims[i].shares >= SMALL_SHARES)
      small = FALSE;
  }
  sort_items(items, m, small);
  __int128 left = MAX(capacity, 0);
  guint k = 0;
  for (; k < m; k++) {
    const Item *it = &items[k];
    if ((__int128)it->demand * weight > left * it->c->shares)
      break;
    left -= it->demand; /* granted already holds the demand */
    weight -= it->c->shares;
  }
  if (small && left < SMALL_DEMAND) {
    /* left * shares < 2^63 and weight (a sum of shares) fits: 64-bit
     * division, the same quotient without __divti3. */
    gint64 l = (gint64)left, w = (gint64)weight;
    for (; k < m; k++)
      items[k].c->granted = l * items[k].c->shares / w;
  }
  for (; k < m; k++)
    items[k].c->granted = (gint64)(left * items[k].c->shares / weight);
  if (items != stack)
    g_free(items);
}
