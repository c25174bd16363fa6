/* The node lifecycle controller (sim/controllers/node_lifecycle.c) with the
 * taint eviction controller on a store and engine of their own. A kubelet
 * going down is simulated as sim/node_faults.c does it: the node gets
 * ksim.io/last-lease-renewal. Times asserted to the microsecond:
 * a kubelet down at 100 s last renewed at 90 s; the monitor pass (5 s grid)
 * sees it at 90 s; Ready turns Unknown at the first pass more than 40 s
 * later (135 s); the pass after that (140 s) sees Unknown and queues the
 * node; the tainting pass adds unreachable:NoExecute at 140 s; a pod with
 * the default 300 s toleration goes at 440 s. Zones: 0.1 node/s when
 * Normal, nothing in a small partially disrupted zone, 0.01/s in a large
 * one, nothing when every zone is down. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sched/objects.h"
#include "sim/controllers/node_lifecycle.h"
#include "sim/controllers/runtime.h"
#include "sim/controllers/taint_eviction.h"
#include "sim/engine.h"
#include "sim/store.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)

typedef struct {
  KsEngine *e;
  KsStore *s;
  KsController *lc, *te;
  GString *log; /* "name@seconds " per pod DELETE (deletionTimestamp set, or gone) */
} World;

static void on_delete(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                      const KsStoreObject *new_obj, gpointer user_data) {
  (void)s;
  World *w = user_data;
  /* no kubelet runs here: a graceful DELETE leaves the pod Terminating
   * (sim/kubelet/pod_termination.h), so the DELETE is when its
   * deletionTimestamp appears */
  gboolean deleting = type == KS_WATCH_MODIFIED &&
                      ((const KsPod *)new_obj->data)->deletion_timestamp_us &&
                      !((const KsPod *)old_obj->data)->deletion_timestamp_us;
  if ((type == KS_WATCH_DELETED && !((const KsPod *)old_obj->data)->deletion_timestamp_us) ||
      deleting)
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
  w->lc = ks_controller_new(&ks_node_lifecycle_controller_class, w->s, &o);
  w->te = ks_controller_new(&ks_taint_eviction_controller_class, w->s, &o);
}

static void world_free(World *w) {
  ks_controller_free(w->te);
  ks_controller_free(w->lc);
  ks_store_free(w->s);
  ks_engine_free(w->e);
  g_string_free(w->log, TRUE);
}

static void put_node(World *w, const char *name, const char *zone) {
  KsNode *n = ks_node_new(name);
  if (zone)
    ks_labels_set(&n->labels, "topology.kubernetes.io/zone", zone);
  assert_true(ks_store_create(w->s, KS_STORE_NODE, NULL, name, n, (GDestroyNotify)ks_node_unref,
                              NULL));
}

static void put_nodes(World *w, const char *prefix, guint count, const char *zone) {
  for (guint i = 0; i < count; i++) {
    char *name = g_strdup_printf("%s%02u", prefix, i);
    put_node(w, name, zone);
    g_free(name);
  }
}

static const KsNode *node(World *w, const char *name) {
  const KsStoreObject *o = ks_store_get(w->s, KS_STORE_NODE, NULL, name);
  assert_non_null(o);
  return o->data;
}

/* The kubelet stops (renewal: its last Lease renewal) or comes back. */
static void kubelet(World *w, const char *name, gboolean down, const char *renewal) {
  const KsStoreObject *o = ks_store_get(w->s, KS_STORE_NODE, NULL, name);
  KsNode *n = ks_node_copy(o->data);
  if (down) {
    ks_labels_set(&n->annotations, KS_ANNOTATION_LAST_LEASE_RENEWAL, renewal);
  } else {
    ks_labels_remove(&n->annotations, KS_ANNOTATION_LAST_LEASE_RENEWAL);
    if (ks_node_condition_status(n, "Ready"))
      ks_node_set_condition(n, "Ready", "True", "KubeletReady");
  }
  assert_true(ks_store_update(w->s, KS_STORE_NODE, NULL, name, n, (GDestroyNotify)ks_node_unref,
                              o->resource_version, NULL));
}

/* "key:Effect@seconds" for every taint, in order. transfer full */
static char *taints(World *w, const char *name) {
  const KsNode *n = node(w, name);
  GString *g = g_string_new("");
  for (guint i = 0; n->taints && i < n->taints->len; i++) {
    const KsTaint *t = &g_array_index(n->taints, KsTaint, i);
    g_string_append_printf(g, "%s%s:%s@%" G_GINT64_FORMAT, i ? " " : "",
                           g_str_has_prefix(t->key, "node.kubernetes.io/")
                               ? t->key + strlen("node.kubernetes.io/")
                               : t->key,
                           ks_taint_effect_to_string(t->effect), t->time_added_us / G_USEC_PER_SEC);
  }
  return g_string_free(g, FALSE);
}

static void assert_taints(World *w, const char *name, const char *want) {
  char *got = taints(w, name);
  if (strcmp(got, want))
    fail_msg("%s at %" G_GINT64_FORMAT " us: taints \"%s\", want \"%s\"", name,
             ks_engine_now(w->e), got, want);
  g_free(got);
}

static void put_pod(World *w, const char *name, const char *on, gint64 seconds) {
  KsPod *p = ks_pod_new("default", name);
  p->node_name = g_strdup(on);
  p->ready = TRUE;
  p->phase = KS_POD_RUNNING;
  KsToleration *t = ks_pod_add_toleration(p);
  t->key = g_strdup(KS_TAINT_NODE_UNREACHABLE);
  t->op = KS_TOLERATION_OP_EXISTS;
  t->effect = KS_TAINT_EFFECT_NO_EXECUTE;
  t->has_toleration_seconds = seconds >= 0;
  t->toleration_seconds = seconds >= 0 ? seconds : 0;
  assert_true(ks_store_create(w->s, KS_STORE_POD, "default", name, p, (GDestroyNotify)ks_pod_unref,
                              NULL));
}

static void run_to_us(World *w, gint64 us) { ks_engine_run_until(w->e, us); }
static void run_to(World *w, gint64 s) { run_to_us(w, S(s)); }

static void test_node_down_unknown_tainted_evicted(void **state) {
  (void)state;
  World w;
  world_init(&w);
  put_nodes(&w, "n", 3, NULL);
  put_pod(&w, "default", "n00", 300);
  put_pod(&w, "short", "n00", 60);
  put_pod(&w, "forever", "n00", -1);
  put_pod(&w, "healthy", "n01", 300);
  run_to(&w, 100);
  kubelet(&w, "n00", TRUE, "1m30s");
  run_to(&w, 130);
  assert_null(ks_node_condition_status(node(&w, "n00"), "Ready"));
  assert_taints(&w, "n00", "");
  run_to(&w, 135);
  assert_string_equal(ks_node_condition_status(node(&w, "n00"), "Ready"), "Unknown");
  assert_string_equal(ks_node_condition_status(node(&w, "n00"), "MemoryPressure"), "Unknown");
  assert_string_equal(ks_node_condition_status(node(&w, "n00"), "PIDPressure"), "Unknown");
  const KsNodeCondition *c = &g_array_index(node(&w, "n00")->conditions, KsNodeCondition, 0);
  assert_string_equal(c->reason, "NodeStatusUnknown");
  /* TaintNodesByCondition at once; the NoExecute taint one pass later */
  assert_taints(&w, "n00", "unreachable:NoSchedule@135");
  /* MarkPodsNotReady */
  const KsPod *p = ks_store_get(w.s, KS_STORE_POD, "default", "default")->data;
  assert_false(p->ready);
  assert_int_equal(p->ready_since_us, S(135));
  assert_true(((const KsPod *)ks_store_get(w.s, KS_STORE_POD, "default", "healthy")->data)->ready);
  run_to_us(&w, S(140) - 1);
  assert_taints(&w, "n00", "unreachable:NoSchedule@135");
  run_to(&w, 140);
  assert_taints(&w, "n00", "unreachable:NoSchedule@135 unreachable:NoExecute@140");
  run_to(&w, 439);
  assert_string_equal(w.log->str, "short@200 ");
  run_to(&w, 1000);
  assert_string_equal(w.log->str, "short@200 default@440 ");
  assert_non_null(ks_store_get(w.s, KS_STORE_POD, "default", "forever"));
  assert_taints(&w, "n01", "");

  /* The kubelet comes back: NoSchedule off at once, NoExecute at the next
   * pass (1005 s, the 1000 s one ran before the write) */
  kubelet(&w, "n00", FALSE, NULL);
  run_to(&w, 1000);
  assert_string_equal(ks_node_condition_status(node(&w, "n00"), "Ready"), "True");
  assert_taints(&w, "n00", "unreachable:NoExecute@140");
  run_to(&w, 1005);
  assert_taints(&w, "n00", "");
  world_free(&w);
}

/* Three of ten nodes of a zone go down together: 30 % < 55 %, the zone stays
 * Normal and its bucket (0.1/s, burst 1) taints one node every 10 s, in name
 * order. */
static void test_normal_zone_rate(void **state) {
  (void)state;
  World w;
  world_init(&w);
  put_nodes(&w, "a", 10, "zone-a");
  run_to(&w, 100);
  kubelet(&w, "a00", TRUE, "1m30s");
  kubelet(&w, "a01", TRUE, "1m30s");
  kubelet(&w, "a02", TRUE, "1m30s");
  run_to(&w, 1000);
  assert_taints(&w, "a00", "unreachable:NoSchedule@135 unreachable:NoExecute@140");
  assert_taints(&w, "a01", "unreachable:NoSchedule@135 unreachable:NoExecute@150");
  assert_taints(&w, "a02", "unreachable:NoSchedule@135 unreachable:NoExecute@160");
  assert_taints(&w, "a03", "");
  world_free(&w);
}

/* Six of ten: partial disruption in a zone of at most 50 nodes: the rate is
 * 0, nobody is tainted NoExecute; when four come back the zone is Normal
 * again and the bucket, swapped from the never limiter, starts drained:
 * the first taint waits 10 s. */
static void test_small_partial_zone_stops(void **state) {
  (void)state;
  World w;
  world_init(&w);
  put_nodes(&w, "a", 10, "zone-a");
  run_to(&w, 100);
  for (guint i = 0; i < 6; i++) {
    char *name = g_strdup_printf("a%02u", i);
    kubelet(&w, name, TRUE, "1m30s");
    g_free(name);
  }
  run_to(&w, 1000);
  for (guint i = 0; i < 6; i++) {
    char *name = g_strdup_printf("a%02u", i);
    assert_taints(&w, name, "unreachable:NoSchedule@135");
    g_free(name);
  }
  /* 2 of 10 down: Normal at the 1005 s pass, drained bucket: 1015 s, 1025 s */
  for (guint i = 2; i < 6; i++) {
    char *name = g_strdup_printf("a%02u", i);
    kubelet(&w, name, FALSE, NULL);
    g_free(name);
  }
  run_to(&w, 2000);
  assert_taints(&w, "a00", "unreachable:NoSchedule@135 unreachable:NoExecute@1015");
  assert_taints(&w, "a01", "unreachable:NoSchedule@135 unreachable:NoExecute@1025");
  assert_taints(&w, "a02", "");
  world_free(&w);
}

/* 40 of 60 in one zone: partial disruption in a zone above the large
 * cluster threshold: 0.01/s, one node every 100 s. The swap happens at the
 * 135 s pass, while the old bucket still had its token: the new one starts
 * full. */
static void test_large_partial_zone_secondary_rate(void **state) {
  (void)state;
  World w;
  world_init(&w);
  put_nodes(&w, "b", 60, "zone-b");
  run_to(&w, 100);
  for (guint i = 0; i < 40; i++) {
    char *name = g_strdup_printf("b%02u", i);
    kubelet(&w, name, TRUE, "1m30s");
    g_free(name);
  }
  run_to(&w, 400);
  assert_taints(&w, "b00", "unreachable:NoSchedule@135 unreachable:NoExecute@140");
  assert_taints(&w, "b01", "unreachable:NoSchedule@135 unreachable:NoExecute@240");
  assert_taints(&w, "b02", "unreachable:NoSchedule@135 unreachable:NoExecute@340");
  assert_taints(&w, "b03", "unreachable:NoSchedule@135");
  world_free(&w);
}

/* Every node of the only zone down: full disruption everywhere, no
 * evictions at all. With a second, healthy zone the down zone is fully
 * disrupted alone and tainted at the normal rate. */
static void test_full_disruption(void **state) {
  (void)state;
  World w;
  world_init(&w);
  put_nodes(&w, "a", 2, "zone-a");
  put_pod(&w, "p", "a00", 300);
  run_to(&w, 100);
  kubelet(&w, "a00", TRUE, "1m30s");
  kubelet(&w, "a01", TRUE, "1m30s");
  run_to(&w, 1000);
  assert_taints(&w, "a00", "unreachable:NoSchedule@135");
  assert_string_equal(w.log->str, "");
  world_free(&w);

  world_init(&w);
  put_nodes(&w, "a", 2, "zone-a");
  put_nodes(&w, "b", 1, "zone-b");
  run_to(&w, 100);
  kubelet(&w, "a00", TRUE, "1m30s");
  kubelet(&w, "a01", TRUE, "1m30s");
  run_to(&w, 1000);
  assert_taints(&w, "a00", "unreachable:NoSchedule@135 unreachable:NoExecute@140");
  assert_taints(&w, "a01", "unreachable:NoSchedule@135 unreachable:NoExecute@150");
  world_free(&w);
}

/* Ready=False posted by a kubelet (not a missing heartbeat): not-ready
 * taints; a later Unknown swaps the NoExecute taint at once. */
static void test_not_ready_and_swap(void **state) {
  (void)state;
  World w;
  world_init(&w);
  put_nodes(&w, "n", 3, NULL);
  run_to(&w, 12);
  const KsStoreObject *o = ks_store_get(w.s, KS_STORE_NODE, NULL, "n00");
  KsNode *n = ks_node_copy(o->data);
  ks_node_set_condition(n, "Ready", "False", "KubeletNotReady");
  assert_true(ks_store_update(w.s, KS_STORE_NODE, NULL, "n00", n, (GDestroyNotify)ks_node_unref,
                              o->resource_version, NULL));
  run_to(&w, 15);
  /* 15 s pass: observed False: queued and tainted at once */
  assert_taints(&w, "n00", "not-ready:NoSchedule@12 not-ready:NoExecute@15");
  kubelet(&w, "n00", TRUE, "10s");
  run_to(&w, 60);
  /* Unknown at 55 s (> 10 + 40); at 60 s the not-ready NoExecute is swapped */
  assert_string_equal(ks_node_condition_status(node(&w, "n00"), "Ready"), "Unknown");
  assert_taints(&w, "n00", "unreachable:NoSchedule@55 unreachable:NoExecute@60");
  world_free(&w);
}

/* TaintNodesByCondition: pressure conditions and spec.unschedulable get
 * their NoSchedule taints; a user's own taints stay; taints go when the
 * condition clears. No monitor pass is needed for any of it. */
static void test_no_schedule_by_condition(void **state) {
  (void)state;
  World w;
  world_init(&w);
  KsNode *n = ks_node_new("n");
  ks_node_add_taint(n, "dedicated", "gpu", KS_TAINT_EFFECT_NO_SCHEDULE);
  ks_node_set_condition(n, "MemoryPressure", "True", "KubeletHasInsufficientMemory");
  ks_node_set_condition(n, "DiskPressure", "False", "KubeletHasNoDiskPressure");
  ks_node_set_condition(n, "PIDPressure", "True", NULL);
  ks_node_set_condition(n, "NetworkUnavailable", "True", NULL);
  n->unschedulable = TRUE;
  assert_true(ks_store_create(w.s, KS_STORE_NODE, NULL, "n", n, (GDestroyNotify)ks_node_unref,
                              NULL));
  run_to(&w, 3);
  char *got = taints(&w, "n");
  assert_string_equal(got, "dedicated:NoSchedule@0 memory-pressure:NoSchedule@0 "
                           "pid-pressure:NoSchedule@0 network-unavailable:NoSchedule@0 "
                           "unschedulable:NoSchedule@0");
  g_free(got);
  const KsStoreObject *o = ks_store_get(w.s, KS_STORE_NODE, NULL, "n");
  n = ks_node_copy(o->data);
  ks_node_set_condition(n, "MemoryPressure", "False", NULL);
  n->unschedulable = FALSE;
  assert_true(ks_store_update(w.s, KS_STORE_NODE, NULL, "n", n, (GDestroyNotify)ks_node_unref,
                              o->resource_version, NULL));
  run_to(&w, 4);
  got = taints(&w, "n");
  assert_string_equal(got, "dedicated:NoSchedule@0 pid-pressure:NoSchedule@0 "
                           "network-unavailable:NoSchedule@0");
  g_free(got);
  /* nothing was down or not ready: no monitor pass ever ran */
  assert_int_equal(ks_engine_pending(w.e), 0);
  world_free(&w);
}

static void test_zone_key(void **state) {
  (void)state;
  KsNode *n = ks_node_new("n");
  char *k = ks_node_zone_key(n);
  assert_string_equal(k, "");
  g_free(k);
  ks_labels_set(&n->labels, "failure-domain.beta.kubernetes.io/zone", "old");
  k = ks_node_zone_key(n);
  assert_string_equal(k, ":/:old");
  g_free(k);
  ks_labels_set(&n->labels, "topology.kubernetes.io/zone", "z1");
  ks_labels_set(&n->labels, "topology.kubernetes.io/region", "r1");
  k = ks_node_zone_key(n);
  assert_string_equal(k, "r1:/:z1");
  g_free(k);
  ks_node_unref(n);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_node_down_unknown_tainted_evicted),
    cmocka_unit_test(test_normal_zone_rate),
    cmocka_unit_test(test_small_partial_zone_stops),
    cmocka_unit_test(test_large_partial_zone_secondary_rate),
    cmocka_unit_test(test_full_disruption),
    cmocka_unit_test(test_not_ready_and_swap),
    cmocka_unit_test(test_no_schedule_by_condition),
    cmocka_unit_test(test_zone_key),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
