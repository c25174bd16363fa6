/* Tests of the object store: CRUD, resource versions, errors and their
 * messages, list order, and watches delivered through the engine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sim/engine.h"
#include "sim/store.h"

/* A payload that counts its frees, so tests see when the store lets go. */
typedef struct {
  int *frees;
  char text[32];
} Payload;

static Payload *payload_new(int *frees, const char *text) {
  Payload *p = g_new0(Payload, 1);
  p->frees = frees;
  g_strlcpy(p->text, text, sizeof p->text);
  return p;
}

static void payload_free(gpointer data) {
  Payload *p = data;
  if (p->frees)
    (*p->frees)++;
  g_free(p);
}

static const char *text_of(const KsStoreObject *o) { return ((Payload *)o->data)->text; }

static guint64 create_pod(KsStore *s, const char *ns, const char *name, const char *text,
                          int *frees, GError **error) {
  return ks_store_create(s, KS_STORE_POD, ns, name, payload_new(frees, text), payload_free, error);
}

static guint64 update_pod(KsStore *s, const char *ns, const char *name, const char *text,
                          guint64 expected_rv, int *frees, GError **error) {
  return ks_store_update(s, KS_STORE_POD, ns, name, payload_new(frees, text), payload_free,
                         expected_rv, error);
}

static void assert_error(GError **error, KsStoreError code, const char *message) {
  assert_non_null(*error);
  assert_true(g_error_matches(*error, KS_STORE_ERROR, (gint)code));
  assert_string_equal((*error)->message, message);
  g_clear_error(error);
}

static void test_crud(void **state) {
  KsStore *s = ks_store_new(NULL);
  int frees = 0;
  GError *error = NULL;
  assert_int_equal(ks_store_revision(s), 0);
  guint64 rv = create_pod(s, "default", "web-1", "v1", &frees, &error);
  assert_null(error);
  assert_int_equal(rv, 1);
  const KsStoreObject *o = ks_store_get(s, KS_STORE_POD, "default", "web-1");
  assert_non_null(o);
  assert_int_equal(o->kind, KS_STORE_POD);
  assert_string_equal(o->namespace, "default");
  assert_string_equal(o->name, "web-1");
  assert_int_equal(o->resource_version, 1);
  assert_string_equal(text_of(o), "v1");
  assert_int_equal(ks_store_count(s, KS_STORE_POD), 1);
  assert_int_equal(ks_store_count(s, KS_STORE_NODE), 0);
  assert_null(ks_store_get(s, KS_STORE_POD, "other", "web-1"));
  assert_null(ks_store_get(s, KS_STORE_NODE, "default", "web-1"));

  /* A reference taken before an update keeps the old snapshot. */
  KsStoreObject *old = ks_store_object_ref(o);
  rv = update_pod(s, "default", "web-1", "v2", 0, &frees, &error);
  assert_null(error);
  assert_int_equal(rv, 2);
  o = ks_store_get(s, KS_STORE_POD, "default", "web-1");
  assert_string_equal(text_of(o), "v2");
  assert_int_equal(o->resource_version, 2);
  assert_string_equal(text_of(old), "v1");
  assert_int_equal(frees, 0);
  ks_store_object_unref(old);
  assert_int_equal(frees, 1);

  assert_true(ks_store_delete(s, KS_STORE_POD, "default", "web-1", 0, &error));
  assert_null(error);
  assert_int_equal(frees, 2);
  assert_null(ks_store_get(s, KS_STORE_POD, "default", "web-1"));
  assert_int_equal(ks_store_count(s, KS_STORE_POD), 0);
  assert_int_equal(ks_store_revision(s), 3); /* a delete takes a revision, as in etcd */

  /* Cluster-scoped kinds take NULL or "" as namespace. */
  assert_int_equal(ks_store_create(s, KS_STORE_NODE, NULL, "node-1", NULL, NULL, &error), 4);
  assert_non_null(ks_store_get(s, KS_STORE_NODE, "", "node-1"));
  assert_non_null(ks_store_get(s, KS_STORE_NODE, NULL, "node-1"));
  ks_store_free(s);
}

static void test_errors_and_messages(void **state) {
  KsStore *s = ks_store_new(NULL);
  int frees = 0;
  GError *error = NULL;
  assert_int_equal(create_pod(s, "default", "web-1", "v1", &frees, &error), 1);

  /* A rejected write frees the data it was given. */
  assert_int_equal(create_pod(s, "default", "web-1", "dup", &frees, &error), 0);
  assert_error(&error, KS_STORE_ERROR_ALREADY_EXISTS, "pods \"default/web-1\" already exists");
  assert_int_equal(frees, 1);
  assert_string_equal(text_of(ks_store_get(s, KS_STORE_POD, "default", "web-1")), "v1");

  assert_int_equal(update_pod(s, "default", "nope", "x", 0, &frees, &error), 0);
  assert_error(&error, KS_STORE_ERROR_NOT_FOUND, "pods \"default/nope\" not found");
  assert_int_equal(frees, 2);
  assert_false(ks_store_delete(s, KS_STORE_NODE, NULL, "node-9", 0, &error));
  assert_error(&error, KS_STORE_ERROR_NOT_FOUND, "nodes \"node-9\" not found");

  assert_int_equal(create_pod(s, "default", "", "x", &frees, &error), 0);
  assert_error(&error, KS_STORE_ERROR_INVALID, "pods: resource name may not be empty");
  assert_int_equal(create_pod(s, NULL, "web-2", "x", &frees, &error), 0);
  assert_error(&error, KS_STORE_ERROR_INVALID,
               "pods \"web-2\" is invalid: namespace may not be empty");
  assert_int_equal(
      ks_store_create(s, KS_STORE_NODE, "default", "node-1", NULL, NULL, &error), 0);
  assert_error(&error, KS_STORE_ERROR_INVALID,
               "nodes \"default/node-1\" is invalid: a cluster-scoped resource has no namespace");
  assert_int_equal(frees, 4);

  /* Failed writes take no revision. */
  assert_int_equal(ks_store_revision(s), 1);
  assert_int_equal(ks_store_count(s, KS_STORE_POD), 1);
  /* NULL error is allowed. */
  assert_int_equal(create_pod(s, "default", "web-1", "dup", &frees, NULL), 0);
  ks_store_free(s);
  assert_int_equal(frees, 6);
}

static void test_conflict(void **state) {
  KsStore *s = ks_store_new(NULL);
  GError *error = NULL;
  guint64 rv1 = create_pod(s, "ns", "p", "v1", NULL, &error);
  guint64 rv2 = update_pod(s, "ns", "p", "v2", rv1, NULL, &error);
  assert_null(error);
  assert_true(rv2 > rv1);
  /* A writer that read rv1 loses. */
  assert_int_equal(update_pod(s, "ns", "p", "stale", rv1, NULL, &error), 0);
  assert_error(&error, KS_STORE_ERROR_CONFLICT,
               "Operation cannot be fulfilled on pods \"ns/p\": the object has been modified "
               "(resourceVersion 2, expected 1); please apply your changes to the latest "
               "version and try again");
  assert_string_equal(text_of(ks_store_get(s, KS_STORE_POD, "ns", "p")), "v2");
  assert_false(ks_store_delete(s, KS_STORE_POD, "ns", "p", rv1, &error));
  assert_true(g_error_matches(error, KS_STORE_ERROR, KS_STORE_ERROR_CONFLICT));
  g_clear_error(&error);
  assert_true(ks_store_delete(s, KS_STORE_POD, "ns", "p", rv2, &error));
  ks_store_free(s);
}

static void test_resource_versions_monotonic(void **state) {
  KsStore *s = ks_store_new(NULL);
  guint64 last = 0;
  for (int i = 0; i < 50; i++) {
    char name[16];
    g_snprintf(name, sizeof name, "n%d", i % 7);
    guint64 rv;
    if (ks_store_get(s, KS_STORE_NODE, NULL, name))
      rv = ks_store_update(s, KS_STORE_NODE, NULL, name, NULL, NULL, 0, NULL);
    else
      rv = ks_store_create(s, KS_STORE_NODE, NULL, name, NULL, NULL, NULL);
    if (i % 5 == 0 && !ks_store_get(s, KS_STORE_POD, "default", name))
      rv = create_pod(s, "default", name, "x", NULL, NULL);
    assert_true(rv > last);
    assert_int_equal(rv, ks_store_revision(s));
    last = rv;
  }
  ks_store_free(s);
}

static gboolean collect_until_b(const KsStoreObject *o, gpointer data) {
  g_ptr_array_add(data, g_strdup_printf("%s/%s", o->namespace, o->name));
  return strcmp(o->namespace, "b") < 0;
}

static void test_list_order(void **state) {
  KsStore *s = ks_store_new(NULL);
  const char *keys[][2] = {{"b", "x"}, {"a", "2"}, {"c", "a"}, {"a", "10"}, {"b", "a"},
                           {"a", "b"}, {"ab", "a"}};
  for (guint i = 0; i < G_N_ELEMENTS(keys); i++)
    assert_true(create_pod(s, keys[i][0], keys[i][1], keys[i][1], NULL, NULL) > 0);
  const char *want[] = {"a/10", "a/2", "a/b", "ab/a", "b/a", "b/x", "c/a"};
  GPtrArray *all = ks_store_list(s, KS_STORE_POD, NULL);
  assert_int_equal(all->len, G_N_ELEMENTS(want));
  for (guint i = 0; i < all->len; i++) {
    const KsStoreObject *o = g_ptr_array_index(all, i);
    g_autofree char *key = g_strdup_printf("%s/%s", o->namespace, o->name);
    assert_string_equal(key, want[i]);
  }
  g_ptr_array_unref(all);

  GPtrArray *a = ks_store_list(s, KS_STORE_POD, "a");
  assert_int_equal(a->len, 3);
  assert_string_equal(((KsStoreObject *)g_ptr_array_index(a, 2))->name, "b");
  g_ptr_array_unref(a);
  GPtrArray *none = ks_store_list(s, KS_STORE_POD, "aa");
  assert_int_equal(none->len, 0);
  g_ptr_array_unref(none);
  GPtrArray *last = ks_store_list(s, KS_STORE_POD, "c");
  assert_int_equal(last->len, 1);
  g_ptr_array_unref(last);

  /* The list holds references: it outlives a delete. */
  GPtrArray *held = ks_store_list(s, KS_STORE_POD, "b");
  assert_true(ks_store_delete(s, KS_STORE_POD, "b", "x", 0, NULL));
  assert_string_equal(text_of(g_ptr_array_index(held, 1)), "x");
  g_ptr_array_unref(held);

  GPtrArray *seen = g_ptr_array_new_with_free_func(g_free);
  ks_store_foreach(s, KS_STORE_POD, collect_until_b, seen);
  assert_int_equal(seen->len, 5); /* stops after the first "b/" */
  assert_string_equal(g_ptr_array_index(seen, 4), "b/a");
  g_ptr_array_unref(seen);
  ks_store_free(s);
}

/* --- secondary indexes ---------------------------------------------------- */

/* Index value: the payload's text after ':' ("x:u1" -> "u1", a string
 * inside the object as the index wants), none without one. */
static const char *owner_of(const KsStoreObject *o) {
  const char *colon = strchr(((Payload *)o->data)->text, ':');
  return colon ? colon + 1 : NULL;
}

static char *keys_of(GPtrArray *objs) {
  GString *out = g_string_new(NULL);
  for (guint i = 0; i < objs->len; i++) {
    const KsStoreObject *o = objs->pdata[i];
    g_string_append_printf(out, "%s%s/%s", i ? " " : "", o->namespace, o->name);
  }
  g_ptr_array_unref(objs);
  return g_string_free(out, FALSE);
}

static void assert_indexed(KsStore *s, guint ix, const char *value, const char *ns,
                           const char *want) {
  g_autofree char *got = keys_of(ks_store_list_by_index(s, ix, value, ns));
  assert_string_equal(got, want);
}

/* Objects stored before the index exists are in it; creates, updates that
 * change the value, and deletes keep it current; lists come in key order. */
static void test_index(void **state) {
  KsStore *s = ks_store_new(NULL);
  assert_true(create_pod(s, "b", "p2", "x:u1", NULL, NULL) > 0);
  assert_true(create_pod(s, "a", "p9", "x:u1", NULL, NULL) > 0);
  assert_true(create_pod(s, "a", "p1", "plain", NULL, NULL) > 0);
  guint ix = ks_store_index(s, KS_STORE_POD, "owner", owner_of);
  assert_true(ix > 0);
  assert_int_equal(ks_store_index(s, KS_STORE_POD, "owner", owner_of), ix); /* shared by name */
  assert_indexed(s, ix, "u1", NULL, "a/p9 b/p2");
  assert_true(create_pod(s, "a", "p3", "y:u1", NULL, NULL) > 0);
  assert_indexed(s, ix, "u1", NULL, "a/p3 a/p9 b/p2");
  assert_indexed(s, ix, "u1", "a", "a/p3 a/p9");
  assert_indexed(s, ix, "u1", "c", "");
  assert_indexed(s, ix, "u2", NULL, "");
  assert_indexed(s, ix, NULL, NULL, "");
  /* the value changes: the object moves; it goes; it comes in */
  assert_true(update_pod(s, "a", "p9", "x:u2", 0, NULL, NULL) > 0);
  assert_true(update_pod(s, "a", "p3", "z:u1", 0, NULL, NULL) > 0); /* same value: stays */
  assert_true(update_pod(s, "b", "p2", "orphan", 0, NULL, NULL) > 0);
  assert_true(update_pod(s, "a", "p1", "w:u1", 0, NULL, NULL) > 0);
  assert_indexed(s, ix, "u1", NULL, "a/p1 a/p3");
  assert_indexed(s, ix, "u2", NULL, "a/p9");
  GPtrArray *held = ks_store_list_by_index(s, ix, "u1", "a");
  assert_string_equal(text_of(g_ptr_array_index(held, 1)), "z:u1"); /* the current object */
  g_ptr_array_unref(held);
  assert_true(ks_store_delete(s, KS_STORE_POD, "a", "p9", 0, NULL));
  assert_true(ks_store_delete(s, KS_STORE_POD, "a", "p1", 0, NULL));
  assert_indexed(s, ix, "u2", NULL, "");
  assert_indexed(s, ix, "u1", NULL, "a/p3");
  /* another kind's objects never enter the pod index */
  assert_true(ks_store_create(s, KS_STORE_NODE, NULL, "n1", payload_new(NULL, "n:u1"),
                              payload_free, NULL) > 0);
  assert_indexed(s, ix, "u1", NULL, "a/p3");
  guint node_ix = ks_store_index(s, KS_STORE_NODE, "owner", owner_of);
  assert_true(node_ix != ix);
  assert_indexed(s, node_ix, "u1", NULL, "/n1");
  ks_store_free(s);
}

/* --- watches ------------------------------------------------------------ */

typedef struct {
  GPtrArray *lines; /* one "who TYPE old->new" line per delivery */
} WatchLog;

typedef struct {
  WatchLog *log;
  const char *who;
} Watcher;

static char *describe(const KsStoreObject *o) {
  if (!o)
    return g_strdup("-");
  return g_strdup_printf("%s@%" G_GUINT64_FORMAT ":%s", o->name, o->resource_version,
                         o->data ? text_of(o) : "");
}

static void on_change(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                      const KsStoreObject *new_obj, gpointer user_data) {
  Watcher *w = user_data;
  g_autofree char *o = describe(old_obj), *n = describe(new_obj);
  g_ptr_array_add(w->log->lines, g_strdup_printf("%s %s %s -> %s", w->who,
                                                 ks_watch_event_type_to_string(type), o, n));
}

static void assert_lines(const WatchLog *log, const char *const *want, guint n) {
  for (guint i = 0; i < MIN(n, log->lines->len); i++)
    assert_string_equal(g_ptr_array_index(log->lines, i), want[i]);
  assert_int_equal(log->lines->len, n);
}

static void test_watch_events_in_order(void **state) {
  KsEngine *e = ks_engine_new();
  KsStore *s = ks_store_new(e);
  assert_ptr_equal(ks_store_get_engine(s), e);
  WatchLog log = {g_ptr_array_new_with_free_func(g_free)};
  Watcher a = {&log, "A"}, b = {&log, "B"}, c = {&log, "C"};
  assert_true(ks_store_watch(s, KS_STORE_POD, on_change, &a) > 0);
  assert_true(ks_store_watch(s, KS_STORE_POD, on_change, &b) > 0);
  assert_true(ks_store_watch(s, KS_STORE_NODE, on_change, &c) > 0);

  ks_engine_run_until(e, 1000);
  create_pod(s, "default", "p", "v1", NULL, NULL);
  update_pod(s, "default", "p", "v2", 0, NULL, NULL);
  ks_store_create(s, KS_STORE_NODE, NULL, "n", NULL, NULL, NULL);
  ks_store_delete(s, KS_STORE_POD, "default", "p", 0, NULL);
  /* Asynchronous: nothing is delivered until the engine runs. */
  assert_int_equal(log.lines->len, 0);
  assert_int_equal(ks_store_pending_events(s), 7);
  assert_int_equal(ks_engine_pending(e), 4); /* one engine event per change */
  assert_int_equal(ks_engine_next_time(e), 1000); /* queued at the current time */

  assert_int_equal(ks_engine_run(e), 4);
  const char *want[] = {
      "A ADDED - -> p@1:v1",          "B ADDED - -> p@1:v1",
      "A MODIFIED p@1:v1 -> p@2:v2",  "B MODIFIED p@1:v1 -> p@2:v2",
      "C ADDED - -> n@3:",            "A DELETED p@2:v2 -> -",
      "B DELETED p@2:v2 -> -",
  };
  assert_lines(&log, want, G_N_ELEMENTS(want));
  assert_int_equal(ks_store_pending_events(s), 0);
  assert_int_equal(ks_engine_now(e), 1000);
  g_ptr_array_unref(log.lines);
  ks_store_free(s);
  ks_engine_free(e);
}

static void test_delete_keeps_queued_object_alive(void **state) {
  KsEngine *e = ks_engine_new();
  KsStore *s = ks_store_new(e);
  WatchLog log = {g_ptr_array_new_with_free_func(g_free)};
  Watcher a = {&log, "A"};
  ks_store_watch(s, KS_STORE_POD, on_change, &a);
  int frees = 0;
  create_pod(s, "default", "short", "alive", &frees, NULL);
  assert_true(ks_store_delete(s, KS_STORE_POD, "default", "short", 0, NULL));
  assert_null(ks_store_get(s, KS_STORE_POD, "default", "short"));
  assert_int_equal(frees, 0); /* held by the two queued events */
  ks_engine_step(e);
  assert_int_equal(frees, 0); /* still held by the DELETED event */
  ks_engine_step(e);
  assert_int_equal(frees, 1);
  const char *want[] = {"A ADDED - -> short@1:alive", "A DELETED short@1:alive -> -"};
  assert_lines(&log, want, G_N_ELEMENTS(want));
  g_ptr_array_unref(log.lines);
  ks_store_free(s);
  ks_engine_free(e);
}

/* A controller-like watcher: writes back on ADDED, as a reconcile would. */
static void label_on_add(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                         const KsStoreObject *new_obj, gpointer user_data) {
  on_change(s, type, old_obj, new_obj, user_data);
  if (type == KS_WATCH_ADDED)
    update_pod(s, new_obj->namespace, new_obj->name, "labelled", new_obj->resource_version,
               NULL, NULL);
}

static void test_handler_writes_are_queued_in_turn(void **state) {
  KsEngine *e = ks_engine_new();
  KsStore *s = ks_store_new(e);
  WatchLog log = {g_ptr_array_new_with_free_func(g_free)};
  Watcher a = {&log, "A"}, b = {&log, "B"};
  ks_store_watch(s, KS_STORE_POD, label_on_add, &a);
  ks_store_watch(s, KS_STORE_POD, on_change, &b);
  create_pod(s, "ns", "p", "v1", NULL, NULL);
  create_pod(s, "ns", "q", "v1", NULL, NULL);
  ks_engine_run(e);
  const char *want[] = {
      "A ADDED - -> p@1:v1",
      "B ADDED - -> p@1:v1",
      "A ADDED - -> q@2:v1",
      "B ADDED - -> q@2:v1",
      "A MODIFIED p@1:v1 -> p@3:labelled",
      "B MODIFIED p@1:v1 -> p@3:labelled",
      "A MODIFIED q@2:v1 -> q@4:labelled",
      "B MODIFIED q@2:v1 -> q@4:labelled",
  };
  assert_lines(&log, want, G_N_ELEMENTS(want));
  g_ptr_array_unref(log.lines);
  ks_store_free(s);
  ks_engine_free(e);
}

static void test_unwatch_drops_queued_events(void **state) {
  KsEngine *e = ks_engine_new();
  KsStore *s = ks_store_new(e);
  WatchLog log = {g_ptr_array_new_with_free_func(g_free)};
  Watcher a = {&log, "A"}, b = {&log, "B"};
  guint wa = ks_store_watch(s, KS_STORE_POD, on_change, &a);
  ks_store_watch(s, KS_STORE_POD, on_change, &b);
  create_pod(s, "ns", "p", "v1", NULL, NULL);
  assert_true(ks_store_unwatch(s, wa));
  assert_false(ks_store_unwatch(s, wa));
  assert_false(ks_store_unwatch(s, 0));
  assert_false(ks_store_unwatch(s, 99));
  create_pod(s, "ns", "q", "v1", NULL, NULL);
  ks_engine_run(e);
  const char *want[] = {"B ADDED - -> p@1:v1", "B ADDED - -> q@2:v1"};
  assert_lines(&log, want, G_N_ELEMENTS(want));
  g_ptr_array_unref(log.lines);
  ks_store_free(s);
  ks_engine_free(e);
}

/* During one change's delivery: a watcher registered by a handler does not
 * get that change (only later ones); a watcher unwatched by an earlier
 * watcher's handler is skipped at once. */
typedef struct {
  KsStore *store;
  Watcher *late;      /* registered by the first call */
  guint victim;       /* unwatched by the first call */
  guint late_id;
  WatchLog *log;
} Meddler;

static void meddle(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                   const KsStoreObject *new_obj, gpointer user_data) {
  Meddler *m = user_data;
  g_ptr_array_add(m->log->lines, g_strdup_printf("M %s", ks_watch_event_type_to_string(type)));
  if (m->late_id == 0) {
    m->late_id = ks_store_watch(s, KS_STORE_POD, on_change, m->late);
    assert_true(ks_store_unwatch(s, m->victim));
  }
}

static void test_watch_changes_during_delivery(void **state) {
  KsEngine *e = ks_engine_new();
  KsStore *s = ks_store_new(e);
  WatchLog log = {g_ptr_array_new_with_free_func(g_free)};
  Watcher a = {&log, "A"}, c = {&log, "C"}, late = {&log, "L"};
  Meddler m = {s, &late, 0, 0, &log};
  ks_store_watch(s, KS_STORE_POD, on_change, &a);
  ks_store_watch(s, KS_STORE_POD, meddle, &m);
  m.victim = ks_store_watch(s, KS_STORE_POD, on_change, &c);
  create_pod(s, "ns", "p", "v1", NULL, NULL);
  assert_int_equal(ks_store_pending_events(s), 3);
  assert_int_equal(ks_engine_run(e), 1);
  assert_int_equal(ks_store_pending_events(s), 0);
  update_pod(s, "ns", "p", "v2", 0, NULL, NULL);
  assert_int_equal(ks_store_pending_events(s), 3); /* A, M, L */
  assert_int_equal(ks_engine_run(e), 1);
  const char *want[] = {
      "A ADDED - -> p@1:v1", "M ADDED",
      "A MODIFIED p@1:v1 -> p@2:v2", "M MODIFIED", "L MODIFIED p@1:v1 -> p@2:v2",
  };
  assert_lines(&log, want, G_N_ELEMENTS(want));
  g_ptr_array_unref(log.lines);
  ks_store_free(s);
  ks_engine_free(e);
}

/* Teardown with deliveries still queued, in both orders: every payload is
 * freed exactly once (and ASan sees no leak or use after free). */
static void test_teardown_with_queued_events(void **state) {
  for (int engine_first = 0; engine_first < 2; engine_first++) {
    KsEngine *e = ks_engine_new();
    KsStore *s = ks_store_new(e);
    WatchLog log = {g_ptr_array_new_with_free_func(g_free)};
    Watcher a = {&log, "A"}, b = {&log, "B"};
    ks_store_watch(s, KS_STORE_POD, on_change, &a);
    ks_store_watch(s, KS_STORE_POD, on_change, &b);
    int frees = 0;
    create_pod(s, "ns", "p", "v1", &frees, NULL);
    update_pod(s, "ns", "p", "v2", 0, &frees, NULL);
    ks_store_delete(s, KS_STORE_POD, "ns", "p", 0, NULL);
    ks_engine_step(e); /* the create, to A and B */
    assert_int_equal(log.lines->len, 2);
    assert_int_equal(ks_store_pending_events(s), 4);
    if (engine_first) {
      ks_engine_free(e);
      assert_int_equal(ks_store_pending_events(s), 0);
      ks_store_free(s);
    } else {
      ks_store_free(s);
      assert_int_equal(ks_engine_pending(e), 0);
      ks_engine_free(e);
    }
    assert_int_equal(frees, 2);
    g_ptr_array_unref(log.lines);
  }
}

static void test_many_deliveries_compact_queue(void **state) {
  KsEngine *e = ks_engine_new();
  KsStore *s = ks_store_new(e);
  WatchLog log = {g_ptr_array_new_with_free_func(g_free)};
  Watcher a = {&log, "A"};
  ks_store_watch(s, KS_STORE_POD, on_change, &a);
  /* Interleave writes and deliveries so the FIFO both grows and compacts. */
  for (int i = 0; i < 5000; i++) {
    char name[16];
    g_snprintf(name, sizeof name, "p%05d", i);
    create_pod(s, "ns", name, "v", NULL, NULL);
    if (i % 3 == 0)
      ks_engine_step(e);
  }
  ks_engine_run(e);
  assert_int_equal(log.lines->len, 5000);
  for (guint i = 0; i < log.lines->len; i++) {
    g_autofree char *want = g_strdup_printf("A ADDED - -> p%05u@%u:v", i, i + 1);
    assert_string_equal(g_ptr_array_index(log.lines, i), want);
  }
  g_ptr_array_unref(log.lines);
  ks_store_free(s);
  ks_engine_free(e);
}

static void test_kind_names(void **state) {
  assert_string_equal(ks_store_kind_to_string(KS_STORE_POD), "pods");
  assert_string_equal(ks_store_kind_to_string(KS_STORE_PRIORITY_CLASS), "priorityclasses");
  assert_true(ks_store_kind_is_namespaced(KS_STORE_POD));
  assert_false(ks_store_kind_is_namespaced(KS_STORE_NODE));
  for (int k = 0; k < KS_STORE_N_KINDS; k++)
    assert_non_null(ks_store_kind_to_string((KsStoreKind)k));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_crud),
      cmocka_unit_test(test_errors_and_messages),
      cmocka_unit_test(test_conflict),
      cmocka_unit_test(test_resource_versions_monotonic),
      cmocka_unit_test(test_list_order),
      cmocka_unit_test(test_index),
      cmocka_unit_test(test_watch_events_in_order),
      cmocka_unit_test(test_delete_keeps_queued_object_alive),
      cmocka_unit_test(test_handler_writes_are_queued_in_turn),
      cmocka_unit_test(test_unwatch_drops_queued_events),
      cmocka_unit_test(test_watch_changes_during_delivery),
      cmocka_unit_test(test_teardown_with_queued_events),
      cmocka_unit_test(test_many_deliveries_compact_queue),
      cmocka_unit_test(test_kind_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
