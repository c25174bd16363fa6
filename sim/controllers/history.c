/* ControllerRevision hashing and naming: see history.h. */
#include "sim/controllers/history.h"

#include <string.h>

#include "traces/trace_json.h"

#define FNV32_OFFSET 2166136261u
#define FNV32_PRIME 16777619u

static guint32 fnv1_update(guint32 h, const void *data, gsize len) {
  const guchar *p = data;
  for (gsize i = 0; i < len; i++) {
    h *= FNV32_PRIME;
    h ^= p[i];
  }
  return h;
}

static guint32 fnv1a_update(guint32 h, const void *data, gsize len) {
  const guchar *p = data;
  for (gsize i = 0; i < len; i++) {
    h ^= p[i];
    h *= FNV32_PRIME;
  }
  return h;
}

guint32 ks_history_fnv1_32(const void *data, gsize len) {
  return fnv1_update(FNV32_OFFSET, data, len);
}

guint32 ks_history_fnv1a_32(const void *data, gsize len) {
  return fnv1a_update(FNV32_OFFSET, data, len);
}

static const char alphanums[] = "bcdfghjklmnpqrstvwxz2456789";

char *ks_history_safe_encode(const char *s) {
  gsize n = strlen(s);
  char *out = g_malloc(n + 1);
  for (gsize i = 0; i < n; i++)
    out[i] = alphanums[(guchar)s[i] % (sizeof alphanums - 1)];
  out[n] = '\0';
  return out;
}

static char *encode_sum(guint32 sum) {
  char digits[16];
  g_snprintf(digits, sizeof digits, "%u", sum);
  return ks_history_safe_encode(digits);
}

char *ks_history_hash_revision(const char *data, gsize len, const gint32 *probe) {
  guint32 h = fnv1_update(FNV32_OFFSET, data, len);
  if (probe) {
    char digits[16];
    g_snprintf(digits, sizeof digits, "%d", *probe);
    h = fnv1_update(h, digits, strlen(digits));
  }
  return encode_sum(h);
}

char *ks_history_template_data(const KsPod *template) {
  GString *o = g_string_new(NULL);
  ks_trace_json_pod(o, template);
  return g_string_free(o, FALSE);
}

char *ks_history_compute_hash(const KsPod *template, const gint32 *collision_count) {
  char *data = ks_history_template_data(template);
  guint32 h = fnv1a_update(FNV32_OFFSET, data, strlen(data));
  g_free(data);
  if (collision_count) {
    char digits[16];
    g_snprintf(digits, sizeof digits, "%d", *collision_count);
    h = fnv1a_update(h, digits, strlen(digits));
  }
  return encode_sum(h);
}

char *ks_history_revision_name(const char *prefix, const char *hash) {
  gsize n = strlen(prefix);
  if (n > KS_HISTORY_NAME_PREFIX_MAX)
    n = KS_HISTORY_NAME_PREFIX_MAX;
  return g_strdup_printf("%.*s-%s", (int)n, prefix, hash);
}
