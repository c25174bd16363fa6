/* See image_backoff.h. */
#include "sim/kubelet/image_backoff.h"

#include <string.h>

typedef struct {
  gint64 backoff_us;
  gint64 last_update_us;
} Entry;

struct KsImageBackoff {
  GHashTable *entries; /* "<uid>_<image>" (owned) -> Entry (owned) */
};

KsImageBackoff *ks_image_backoff_new(void) {
  KsImageBackoff *b = g_new0(KsImageBackoff, 1);
  b->entries = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  return b;
}

void ks_image_backoff_free(KsImageBackoff *b) {
  if (!b)
    return;
  g_hash_table_unref(b->entries);
  g_free(b);
}

static char *key_of(const char *pod_uid, const char *image) {
  return g_strconcat(pod_uid, "_", image, NULL);
}

static Entry *lookup(const KsImageBackoff *b, const char *pod_uid, const char *image) {
  g_autofree char *key = key_of(pod_uid, image);
  return g_hash_table_lookup(b->entries, key);
}

gboolean ks_image_backoff_in_backoff(const KsImageBackoff *b, const char *pod_uid, const char *image,
                                     gint64 now_us) {
  const Entry *e = lookup(b, pod_uid, image);
  return e && now_us - e->last_update_us < e->backoff_us;
}

gint64 ks_image_backoff_failed(KsImageBackoff *b, const char *pod_uid, const char *image, gint64 now_us) {
  Entry *e = lookup(b, pod_uid, image);
  if (!e) {
    e = g_new0(Entry, 1);
    g_hash_table_insert(b->entries, key_of(pod_uid, image), e);
    e->backoff_us = KS_IMAGE_BACKOFF_INITIAL_US;
  } else if (now_us - e->last_update_us > 2 * KS_IMAGE_BACKOFF_MAX_US) {
    e->backoff_us = KS_IMAGE_BACKOFF_INITIAL_US; /* expired: starts over */
  } else {
    e->backoff_us = MIN(2 * e->backoff_us, KS_IMAGE_BACKOFF_MAX_US);
  }
  e->last_update_us = now_us;
  return now_us + e->backoff_us;
}

gint64 ks_image_backoff_get(const KsImageBackoff *b, const char *pod_uid, const char *image) {
  const Entry *e = lookup(b, pod_uid, image);
  return e ? e->backoff_us : 0;
}

void ks_image_backoff_forget_pod(KsImageBackoff *b, const char *pod_uid) {
  gsize n = strlen(pod_uid);
  GHashTableIter it;
  gpointer k;
  g_hash_table_iter_init(&it, b->entries);
  while (g_hash_table_iter_next(&it, &k, NULL)) {
    const char *key = k;
    if (strncmp(key, pod_uid, n) == 0 && key[n] == '_')
      g_hash_table_iter_remove(&it);
  }
}
