/* See trace_heap.h: the array-backed binary heap (children of i at 2i+1 and
 * 2i+2), so a push or pop costs O(log n) swaps and no allocation beyond the
 * array's own growth. */
#include "traces/trace_heap.h"

static void swap(GPtrArray *h, guint i, guint j) {
  gpointer t = h->pdata[i];
  h->pdata[i] = h->pdata[j];
  h->pdata[j] = t;
}

void ks_trace_heap_sift_up(GPtrArray *h, guint i, KsTraceHeapLess less) {
  while (i > 0 && less(h->pdata[i], h->pdata[(i - 1) / 2])) {
    swap(h, i, (i - 1) / 2);
    i = (i - 1) / 2;
  }
}

void ks_trace_heap_push(GPtrArray *h, gpointer item, KsTraceHeapLess less) {
  g_ptr_array_add(h, item);
  ks_trace_heap_sift_up(h, h->len - 1, less);
}

gpointer ks_trace_heap_pop(GPtrArray *h, KsTraceHeapLess less) {
  if (h->len == 0)
    return NULL;
  gpointer top = h->pdata[0];
  h->pdata[0] = h->pdata[h->len - 1];
  g_ptr_array_set_size(h, h->len - 1);
  for (guint i = 0;;) {
    guint l = 2 * i + 1, r = l + 1, m = i;
    if (l < h->len && less(h->pdata[l], h->pdata[m]))
      m = l;
    if (r < h->len && less(h->pdata[r], h->pdata[m]))
      m = r;
    if (m == i)
      break;
    swap(h, i, m);
    i = m;
  }
  return top;
}
