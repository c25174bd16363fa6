/* See expectations.h. */
#include "sim/controllers/expectations.h"

struct KsExpectations {
  KsEngine *engine;
  GHashTable *records; /* key (owned) -> Record* (owned) */
};

typedef struct {
  gint64 add, del;
  gint64 stamp_us;
  GHashTable *expected_deletes; /* object keys (owned); NULL when not tracked */
} Record;

static void record_free(gpointer p) {
  Record *r = p;
  if (r->expected_deletes)
    g_hash_table_unref(r->expected_deletes);
  g_free(r);
}

KsExpectations *ks_expectations_new(KsEngine *engine) {
  KsExpectations *x = g_new0(KsExpectations, 1);
  x->engine = engine;
  x->records = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, record_free);
  return x;
}

void ks_expectations_free(KsExpectations *x) {
  if (!x)
    return;
  g_hash_table_unref(x->records);
  g_free(x);
}

static Record *record_set(KsExpectations *x, const char *key, gint64 add, gint64 del) {
  Record *r = g_new0(Record, 1);
  *r = (Record){add, del, ks_engine_now(x->engine), NULL};
  g_hash_table_replace(x->records, g_strdup(key), r);
  return r;
}

void ks_expectations_set(KsExpectations *x, const char *key, gint64 add, gint64 del) {
  record_set(x, key, add, del);
}

void ks_expectations_expect_creations(KsExpectations *x, const char *key, gint64 n) {
  record_set(x, key, n, 0);
}

void ks_expectations_expect_deletions(KsExpectations *x, const char *key, gint64 n) {
  record_set(x, key, 0, n);
}

void ks_expectations_expect_deletions_of(KsExpectations *x, const char *key,
                                         const char *const *object_keys, guint n) {
  GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < n; i++)
    g_hash_table_add(set, g_strdup(object_keys[i]));
  Record *r = record_set(x, key, 0, g_hash_table_size(set));
  r->expected_deletes = set;
}

void ks_expectations_lower(KsExpectations *x, const char *key, gint64 add, gint64 del) {
  Record *r = g_hash_table_lookup(x->records, key);
  if (r) {
    r->add -= add;
    r->del -= del;
  }
}

void ks_expectations_raise(KsExpectations *x, const char *key, gint64 add, gint64 del) {
  ks_expectations_lower(x, key, -add, -del);
}

void ks_expectations_creation_observed(KsExpectations *x, const char *key) {
  ks_expectations_lower(x, key, 1, 0);
}

void ks_expectations_deletion_observed(KsExpectations *x, const char *key) {
  ks_expectations_lower(x, key, 0, 1);
}

void ks_expectations_deletion_observed_of(KsExpectations *x, const char *key,
                                          const char *object_key) {
  Record *r = g_hash_table_lookup(x->records, key);
  if (r && r->expected_deletes && g_hash_table_remove(r->expected_deletes, object_key))
    r->del--;
}

void ks_expectations_delete(KsExpectations *x, const char *key) {
  g_hash_table_remove(x->records, key);
}

gboolean ks_expectations_satisfied(const KsExpectations *x, const char *key) {
  const Record *r = g_hash_table_lookup(x->records, key);
  if (!r || (r->add <= 0 && r->del <= 0))
    return TRUE;
  return ks_engine_now(x->engine) - r->stamp_us > KS_EXPECTATIONS_TIMEOUT_US;
}

gboolean ks_expectations_get(const KsExpectations *x, const char *key, gint64 *add,
                             gint64 *del) {
  const Record *r = g_hash_table_lookup(x->records, key);
  if (!r)
    return FALSE;
  *add = r->add;
  *del = r->del;
  return TRUE;
}
