/* Labels: a string-to-string map stored as an array sorted by key.
 *
 * Why an array and not a GHashTable: objects carry few labels (typically
 * under a dozen) and the scheduler reads them far more often than it writes
 * them. A sorted array is one allocation, cache friendly, gives O(log n)
 * lookups by binary search, and iterates in a deterministic (key) order,
 * which the simulator's byte-identical output depends on. Insertion is
 * O(n) (a memmove), acceptable because labels change rarely.
 *
 * Capacity is not stored (the header fixes the struct): the array is
 * reallocated to exactly n items on every insertion. g_renew of a small
 * block is cheap and keeps the struct two words.
 */
#include "sched/labels.h"

#include <string.h>

void ks_labels_init(KsLabels *l) {
  l->items = NULL;
  l->n = 0;
}

void ks_labels_clear(KsLabels *l) {
  for (guint i = 0; i < l->n; i++) {
    g_free(l->items[i].key);
    g_free(l->items[i].value);
  }
  g_free(l->items);
  ks_labels_init(l);
}

void ks_labels_copy(KsLabels *dst, const KsLabels *src) {
  ks_labels_init(dst);
  if (src == NULL || src->n == 0)
    return;
  dst->items = g_new(KsLabel, src->n);
  for (guint i = 0; i < src->n; i++) {
    dst->items[i].key = g_strdup(src->items[i].key);
    dst->items[i].value = g_strdup(src->items[i].value);
  }
  dst->n = src->n;
}

/* Index of key if present (*found = TRUE), else the index where it would be
 * inserted to keep the order. Keys compare bytewise (strcmp), as Go strings
 * sort, so the order matches upstream's sorted label printing. */
static guint labels_search(const KsLabels *l, const char *key, gboolean *found) {
  guint lo = 0, hi = l->n;
  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;
    int c = strcmp(l->items[mid].key, key);
    if (c == 0) {
      *found = TRUE;
      return mid;
    }
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  *found = FALSE;
  return lo;
}

void ks_labels_set(KsLabels *l, const char *key, const char *value) {
  g_return_if_fail(key != NULL);
  gboolean found;
  guint i = labels_search(l, key, &found);
  char *v = g_strdup(value != NULL ? value : "");
  if (found) {
    g_free(l->items[i].value);
    l->items[i].value = v;
    return;
  }
  l->items = g_renew(KsLabel, l->items, l->n + 1);
  memmove(&l->items[i + 1], &l->items[i], (l->n - i) * sizeof(KsLabel));
  l->items[i].key = g_strdup(key);
  l->items[i].value = v;
  l->n++;
}

const char *ks_labels_get(const KsLabels *l, const char *key) {
  if (l == NULL || key == NULL)
    return NULL;
  gboolean found;
  guint i = labels_search(l, key, &found);
  return found ? l->items[i].value : NULL;
}

gboolean ks_labels_has(const KsLabels *l, const char *key) {
  return ks_labels_get(l, key) != NULL;
}

gboolean ks_labels_remove(KsLabels *l, const char *key) {
  if (l == NULL || key == NULL)
    return FALSE;
  gboolean found;
  guint i = labels_search(l, key, &found);
  if (!found)
    return FALSE;
  g_free(l->items[i].key);
  g_free(l->items[i].value);
  memmove(&l->items[i], &l->items[i + 1], (l->n - i - 1) * sizeof(KsLabel));
  l->n--;
  if (l->n == 0) {
    g_free(l->items);
    l->items = NULL;
  }
  return TRUE;
}

gboolean ks_labels_equal(const KsLabels *a, const KsLabels *b) {
  if (a->n != b->n)
    return FALSE;
  for (guint i = 0; i < a->n; i++) {
    if (strcmp(a->items[i].key, b->items[i].key) != 0 ||
        strcmp(a->items[i].value, b->items[i].value) != 0)
      return FALSE;
  }
  return TRUE;
}
