/* Labels and annotations: a small map of string to string, kept sorted by key
 * so lookups are binary searches and iteration order is deterministic. */
#pragma once
#include <glib.h>

typedef struct {
  char *key;
  char *value;
} KsLabel;

typedef struct {
  KsLabel *items; /* sorted by key; owned */
  guint n;
} KsLabels;

void ks_labels_init(KsLabels *l);
void ks_labels_clear(KsLabels *l);
void ks_labels_copy(KsLabels *dst, const KsLabels *src); /* dst uninitialised */
void ks_labels_set(KsLabels *l, const char *key, const char *value); /* replaces */
const char *ks_labels_get(const KsLabels *l, const char *key); /* NULL if absent */
gboolean ks_labels_has(const KsLabels *l, const char *key);
/* TRUE if key was present (and is now gone). */
gboolean ks_labels_remove(KsLabels *l, const char *key);
/* Same keys with the same values. */
gboolean ks_labels_equal(const KsLabels *a, const KsLabels *b);
