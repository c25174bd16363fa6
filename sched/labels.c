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
 * reallocated to exactly n items (plus the tail entry below) on every
 * insertion. g_renew of a small block is cheap and keeps the struct two
 * words.
 *
 * Copies are one block. Every pod status update (the node agent's phase
 * changes) copies the pod, and a replay makes millions of them: a copy that
 * strdup'ed each key and value cost 2n+1 allocations and as many frees
 * later. ks_labels_copy therefore packs the array and all its strings into
 * one allocation. To tell the two layouts apart without widening the
 * struct, a non-empty array always has one hidden tail entry, items[n]:
 *   - packed:   {NULL, PACKED_TAG}: the strings live in the array's block;
 *   - unpacked: {retired, NULL}: each string is its own allocation, and
 *     `retired` (NULL or a packed block this array was unpacked from) is
 *     freed only by ks_labels_clear.
 * set/remove unpack first (strdup each string into a new array) and retire
 * the packed block rather than free it, so a string returned by
 * ks_labels_get stays valid at least as long as it did before packing
 * existed: until that key is set or removed, or the labels are cleared.
 */
#include "sched/labels.h"

#include <string.h>

static const char PACKED_TAG[] = "packed";

void ks_labels_init(KsLabels *l) {
  l->items = NULL;
  l->n = 0;
}

static gboolean is_packed(const KsLabels *l) {
  return l->items && l->items[l->n].value == PACKED_TAG;
}

void ks_labels_clear(KsLabels *l) {
  if (l->items && !is_packed(l)) {
    for (guint i = 0; i < l->n; i++) {
      g_free(l->items[i].key);
      g_free(l->items[i].value);
    }
    g_free(l->items[l->n].key); /* the retired packed block, if any */
  }
  g_free(l->items);
  ks_labels_init(l);
}

static char *pack_string(char **cursor, const char *s) {
  if (!s)
    return NULL;
  gsize len = strlen(s) + 1;
  char *out = memcpy(*cursor, s, len);
  *cursor += len;
  return out;
}

void ks_labels_copy(KsLabels *dst, const KsLabels *src) {
  ks_labels_init(dst);
  if (src == NULL || src->n == 0)
    return;
  guint n = src->n;
  gsize bytes = (n + 1) * sizeof(KsLabel);
  for (guint i = 0; i < n; i++) {
    bytes += strlen(src->items[i].key) + 1;
    bytes += src->items[i].value ? strlen(src->items[i].value) + 1 : 0;
  }
  KsLabel *items = g_malloc(bytes);
  char *cursor = (char *)(items + n + 1);
  for (guint i = 0; i < n; i++) {
    items[i].key = pack_string(&cursor, src->items[i].key);
    items[i].value = pack_string(&cursor, src->items[i].value);
  }
  items[n] = (KsLabel){NULL, (char *)PACKED_TAG};
  dst->items = items;
  dst->n = n;
}

/* Gives a packed array's strings their own allocations, retiring the block
 * (kept until ks_labels_clear: see the top of the file). */
static void unpack(KsLabels *l) {
  if (!is_packed(l))
    return;
  KsLabel *items = g_new(KsLabel, l->n + 1);
  for (guint i = 0; i < l->n; i++) {
    items[i].key = g_strdup(l->items[i].key);
    items[i].value = g_strdup(l->items[i].value);
  }
  items[l->n] = (KsLabel){(char *)l->items, NULL};
  l->items = items;
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
  unpack(l);
  gboolean found;
  guint i = labels_search(l, key, &found);
  char *v = g_strdup(value != NULL ? value : "");
  if (found) {
    g_free(l->items[i].value);
    l->items[i].value = v;
    return;
  }
  if (!l->items)
    l->items = g_new0(KsLabel, 1); /* the tail entry alone */
  l->items = g_renew(KsLabel, l->items, l->n + 2);
  /* the tail entry moves along */
  memmove(&l->items[i + 1], &l->items[i], (l->n - i + 1) * sizeof(KsLabel));
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
  unpack(l);
  g_free(l->items[i].key);
  g_free(l->items[i].value);
  /* the tail entry moves along */
  memmove(&l->items[i], &l->items[i + 1], (l->n - i) * sizeof(KsLabel));
  l->n--;
  if (l->n == 0) {
    g_free(l->items[0].key); /* the retired packed block, if any */
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
