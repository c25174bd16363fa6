/* The taint eviction controller (sim/controllers/taint_eviction.c) on a
 * store and an engine of its own: pods deleted at once, after their
 * tolerationSeconds, never; evictions cancelled when the taint goes; the
 * first decision kept when a later taint would change it; pods bound to a
 * node already tainted; the toleration arithmetic (upstream
 * taint_eviction_test.go's getMinTolerationTime cases). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sched/objects.h"
#include "sim/controllers/runtime.h"
#include "sim/controllers/taint_eviction.h"
#include "sim/engine.h"
#include "sim/store.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)
#define FOREVER (-1)
#define NONE (-2) /* no toleration at all */

typedef struct {
  KsEngine *e;
  KsStore *s;
  KsController *c;
  GString *log; /* "name@seconds " per pod deletion */
} World;

static void on_delete(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                      const KsStoreObject *new_obj, gpointer user_data) {
  (void)s;
  (void)new_obj;
  if (type != KS_WATCH_DELETED)
    return;
  World *w = user_data;
  /* Every eviction writes the DisruptionTarget condition first, so the
   * deleted object carries it (test_pod_deleted_cancels deletes "p" itself,
   * before any eviction). */
  const KsPodCondition *dt = ks_pod_get_condition(old_obj->data, KS_POD_CONDITION_DISRUPTION_TARGET);
  if (dt) {
    assert_int_equal(dt->status, KS_POD_CONDITION_TRUE);
    assert_string_equal(dt->reason, "DeletionByTaintManager");
    assert_string_equal(dt->message, "Taint manager: deleting due to NoExecute taint");
    assert_int_equal(dt->last_transition_time_us, ks_engine_now(w->e));
  }
  g_string_append_printf(w->log, "%s", dt ? "" : "!");
  g_string_append_printf(w->log, "%s@%" G_GINT64_FORMAT " ", old_obj->name,
                         ks_engine_now(w->e) / G_USEC_PER_SEC);
}

static void world_init(World *w) {
  w->e = ks_engine_new();
  w->s = ks_store_new(w->e);
  w->log = g_string_new("");
  ks_store_watch(w->s, KS_STORE_POD, on_delete, w);
  KsControllerOptions o;
  ks_controller_options_default(&o);
  w->c = ks_controller_new(&ks_taint_eviction_controller_class, w->s, &o);
}

static void world_free(World *w) {
  ks_controller_free(w->c);
  ks_store_free(w->s);
  ks_engine_free(w->e);
  g_string_free(w->log, TRUE);
}

static void put_node(World *w, const char *name) {
  KsNode *n = ks_node_new(name);
  assert_true(ks_store_create(w->s, KS_STORE_NODE, NULL, name, n, (GDestroyNotify)ks_node_unref,
                              NULL));
}

static void add_toleration(KsPod *p, const char *key, gint64 seconds) {
  KsToleration *t = ks_pod_add_toleration(p);
  t->key = g_strdup(key);
  t->op = KS_TOLERATION_OP_EXISTS;
  t->effect = KS_TAINT_EFFECT_NO_EXECUTE;
  t->has_toleration_seconds = seconds >= 0;
  t->toleration_seconds = seconds >= 0 ? seconds : 0;
}

/* A pod bound to node tolerating taint key `key` for `seconds` (FOREVER,
 * or NONE for no toleration). */
static void put_pod(World *w, const char *name, const char *node, const char *key,
                    gint64 seconds) {
  KsPod *p = ks_pod_new("default", name);
  p->node_name = g_strdup(node);
  if (seconds != NONE)
    add_toleration(p, key, seconds);
  assert_true(ks_store_create(w->s, KS_STORE_POD, "default", name, p, (GDestroyNotify)ks_pod_unref,
                              NULL));
}

/* Sets node's taints to the NoExecute keys given (NULL-terminated). */
static void set_taints(World *w, const char *node, const char *const *keys) {
  const KsStoreObject *o = ks_store_get(w->s, KS_STORE_NODE, NULL, node);
  KsNode *n = ks_node_copy(o->data);
  if (n->taints)
    g_array_set_size(n->taints, 0);
  for (guint i = 0; keys[i]; i++) {
    ks_node_add_taint(n, keys[i], NULL, KS_TAINT_EFFECT_NO_EXECUTE);
    g_array_index(n->taints, KsTaint, i).time_added_us = ks_engine_now(w->e);
  }
  assert_true(ks_store_update(w->s, KS_STORE_NODE, NULL, node, n, (GDestroyNotify)ks_node_unref,
                              o->resource_version, NULL));
}

static void run_to(World *w, gint64 s) { ks_engine_run_until(w->e, S(s)); }

static void test_evicted_at_once_after_seconds_or_never(void **state) {
  (void)state;
  World w;
  world_init(&w);
  put_node(&w, "n1");
  put_node(&w, "n2");
  put_pod(&w, "bare", "n1", NULL, NONE);
  put_pod(&w, "sixty", "n1", "node.kubernetes.io/unreachable", 60);
  put_pod(&w, "default", "n1", "node.kubernetes.io/unreachable", 300);
  put_pod(&w, "forever", "n1", "node.kubernetes.io/unreachable", FOREVER);
  put_pod(&w, "zero", "n1", "node.kubernetes.io/unreachable", 0);
  put_pod(&w, "elsewhere", "n2", NULL, NONE);
  put_pod(&w, "other-key", "n1", "example.com/x", 5);
  run_to(&w, 10);
  static const char *const unreachable[] = {"node.kubernetes.io/unreachable", NULL};
  set_taints(&w, "n1", unreachable);
  run_to(&w, 10);
  /* untolerated (no toleration; one for another key) and tolerationSeconds
   * 0: deleted at the taint's instant, in key order */
  assert_string_equal(w.log->str, "bare@10 other-key@10 zero@10 ");
  run_to(&w, 1000);
  assert_string_equal(w.log->str, "bare@10 other-key@10 zero@10 sixty@70 default@310 ");
  assert_non_null(ks_store_get(w.s, KS_STORE_POD, "default", "forever"));
  assert_non_null(ks_store_get(w.s, KS_STORE_POD, "default", "elsewhere"));
  world_free(&w);
}

static void test_taint_removed_cancels(void **state) {
  (void)state;
  World w;
  world_init(&w);
  put_node(&w, "n1");
  put_pod(&w, "p", "n1", "node.kubernetes.io/not-ready", 60);
  static const char *const not_ready[] = {"node.kubernetes.io/not-ready", NULL};
  static const char *const none[] = {NULL};
  set_taints(&w, "n1", not_ready);
  run_to(&w, 59);
  set_taints(&w, "n1", none);
  run_to(&w, 500);
  assert_string_equal(w.log->str, "");
  /* tainted again: a new clock from this instant */
  set_taints(&w, "n1", not_ready);
  run_to(&w, 1000);
  assert_string_equal(w.log->str, "p@560 ");
  world_free(&w);
}

/* upstream: "Pod with multiple tolerations are evicted when first one runs
 * out" (tolerations 1 s and 100 s for two taints: the pod goes after 1 s). */
static void test_smallest_toleration_wins(void **state) {
  (void)state;
  World w;
  world_init(&w);
  put_node(&w, "n1");
  KsPod *p = ks_pod_new("default", "p");
  p->node_name = g_strdup("n1");
  add_toleration(p, "a", 100);
  add_toleration(p, "b", 1);
  assert_true(ks_store_create(w.s, KS_STORE_POD, "default", "p", p, (GDestroyNotify)ks_pod_unref,
                              NULL));
  static const char *const both[] = {"a", "b", NULL};
  set_taints(&w, "n1", both);
  run_to(&w, 200);
  assert_string_equal(w.log->str, "p@1 ");
  world_free(&w);
}

/* A second taint tolerated for less does not pull the eviction in: the
 * first decision (300 s from t=0) stands (upstream processPodOnNode). */
static void test_first_decision_kept(void **state) {
  (void)state;
  World w;
  world_init(&w);
  put_node(&w, "n1");
  KsPod *p = ks_pod_new("default", "p");
  p->node_name = g_strdup("n1");
  add_toleration(p, "a", 300);
  add_toleration(p, "b", 60);
  assert_true(ks_store_create(w.s, KS_STORE_POD, "default", "p", p, (GDestroyNotify)ks_pod_unref,
                              NULL));
  static const char *const a[] = {"a", NULL};
  static const char *const ab[] = {"a", "b", NULL};
  set_taints(&w, "n1", a);
  run_to(&w, 10);
  set_taints(&w, "n1", ab);
  run_to(&w, 1000);
  assert_string_equal(w.log->str, "p@300 ");
  world_free(&w);
}

/* A pod bound to a node already tainted: its clock starts at binding. */
static void test_pod_bound_to_tainted_node(void **state) {
  (void)state;
  World w;
  world_init(&w);
  put_node(&w, "n1");
  static const char *const unreachable[] = {"node.kubernetes.io/unreachable", NULL};
  set_taints(&w, "n1", unreachable);
  run_to(&w, 20);
  put_pod(&w, "late", "n1", "node.kubernetes.io/unreachable", 300);
  put_pod(&w, "late-bare", "n1", NULL, NONE);
  run_to(&w, 1000);
  assert_string_equal(w.log->str, "late-bare@20 late@320 ");
  world_free(&w);
}

/* A pod deleted by someone else: its eviction is cancelled (no second
 * delete, no warning). */
static void test_pod_deleted_cancels(void **state) {
  (void)state;
  World w;
  world_init(&w);
  put_node(&w, "n1");
  put_pod(&w, "p", "n1", "node.kubernetes.io/unreachable", 30);
  static const char *const unreachable[] = {"node.kubernetes.io/unreachable", NULL};
  set_taints(&w, "n1", unreachable);
  run_to(&w, 5);
  assert_true(ks_store_delete(w.s, KS_STORE_POD, "default", "p", 0, NULL));
  run_to(&w, 5);
  put_pod(&w, "p", "n1", "node.kubernetes.io/unreachable", FOREVER);
  run_to(&w, 100);
  assert_string_equal(w.log->str, "!p@5 ");
  assert_non_null(ks_store_get(w.s, KS_STORE_POD, "default", "p"));
  world_free(&w);
}

static void test_delay_arithmetic(void **state) {
  (void)state;
  KsTaint taints[2] = {{.key = "a", .effect = KS_TAINT_EFFECT_NO_EXECUTE},
                       {.key = "b", .effect = KS_TAINT_EFFECT_NO_EXECUTE}};
  GArray *tols = g_array_new(FALSE, TRUE, sizeof(KsToleration));
  gboolean all = FALSE;
  /* no taints: nothing to wait for */
  assert_int_equal(ks_taint_eviction_delay_us(tols, taints, 0, &all), 0);
  assert_true(all);
  /* no tolerations */
  assert_int_equal(ks_taint_eviction_delay_us(tols, taints, 1, &all), 0);
  assert_false(all);
  KsToleration forever = {.key = "a", .op = KS_TOLERATION_OP_EXISTS,
                          .effect = KS_TAINT_EFFECT_NO_EXECUTE};
  g_array_append_val(tols, forever);
  assert_int_equal(ks_taint_eviction_delay_us(tols, taints, 1, &all), -1);
  assert_true(all);
  /* b untolerated */
  assert_int_equal(ks_taint_eviction_delay_us(tols, taints, 2, &all), 0);
  assert_false(all);
  KsToleration b = {.key = "b", .op = KS_TOLERATION_OP_EXISTS, .effect = KS_TAINT_EFFECT_ALL,
                    .has_toleration_seconds = TRUE, .toleration_seconds = 15};
  g_array_append_val(tols, b);
  assert_int_equal(ks_taint_eviction_delay_us(tols, taints, 2, &all), S(15));
  assert_true(all);
  g_array_index(tols, KsToleration, 1).toleration_seconds = -5; /* <= 0 counts as 0 */
  assert_int_equal(ks_taint_eviction_delay_us(tols, taints, 2, &all), 0);
  assert_true(all);
  /* the first toleration that matches is the one used: an Exists-all
   * toleration first hides a later one with seconds */
  g_array_set_size(tols, 0);
  KsToleration all_keys = {.op = KS_TOLERATION_OP_EXISTS};
  KsToleration a10 = {.key = "a", .op = KS_TOLERATION_OP_EXISTS,
                      .effect = KS_TAINT_EFFECT_NO_EXECUTE, .has_toleration_seconds = TRUE,
                      .toleration_seconds = 10};
  g_array_append_val(tols, all_keys);
  g_array_append_val(tols, a10);
  assert_int_equal(ks_taint_eviction_delay_us(tols, taints, 2, &all), -1);
  g_array_free(tols, TRUE);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_evicted_at_once_after_seconds_or_never),
    cmocka_unit_test(test_taint_removed_cancels),
    cmocka_unit_test(test_smallest_toleration_wins),
    cmocka_unit_test(test_first_decision_kept),
    cmocka_unit_test(test_pod_bound_to_tainted_node),
    cmocka_unit_test(test_pod_deleted_cancels),
    cmocka_unit_test(test_delay_arithmetic),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
