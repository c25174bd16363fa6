/* The scheduler driver fills the cache's spread lister from the store:
 * Services (listed at start and watched), ReplicaSets and StatefulSets
 * (watched: added, modified, deleted), so PodTopologySpread's default
 * selector (upstream helper.DefaultSelector) sees them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sched/cache.h"
#include "sched/owner_ref.h"
#include "sched/pod.h"
#include "sched/spread_lister.h"
#include "sim/engine.h"
#include "sim/sched_driver.h"
#include "sim/scheduler_setup.h"
#include "sim/store.h"
#include "workloads/apps.h"
#include "workloads/core_objects.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)

static void add_service(KsStore *st, const char *ns, const char *name, const char *k,
                        const char *v) {
  KsService *svc = ks_service_new(ns, name);
  ks_labels_set(&svc->selector, k, v);
  assert_true(ks_store_create(st, KS_STORE_SERVICE, ns, name, svc, (GDestroyNotify)ks_service_free,
                              NULL) != 0);
}

static KsReplicaSet *replica_set(const char *name, const char *k, const char *v) {
  KsReplicaSet *rs = ks_replica_set_new("default", name);
  if (!rs->selector)
    rs->selector = ks_label_selector_new();
  ks_labels_set(&rs->selector->match_labels, k, v);
  return rs;
}

/* The default selector for a pod labeled app=web,tier=front owned by
 * kind/name, as "k=v,k=v" of its matchLabels plus the number of
 * expressions after a '+'. */
static char *default_selector(KsScheduler *sched, const char *kind, const char *name) {
  KsPod *pod = ks_pod_new("default", "p");
  ks_labels_set(&pod->labels, "app", "web");
  ks_labels_set(&pod->labels, "tier", "front");
  if (kind)
    ks_owner_reference_array_add(&pod->owner_references, "apps/v1", kind, name, "u", TRUE, TRUE);
  KsLabelSelector *sel = ks_label_selector_new();
  ks_sched_spread_lister_default_selector(ks_sched_cache(sched)->spread, pod, sel);
  GString *s = g_string_new("");
  for (guint i = 0; i < sel->match_labels.n; i++)
    g_string_append_printf(s, "%s%s=%s", i ? "," : "", sel->match_labels.items[i].key,
                           sel->match_labels.items[i].value);
  g_string_append_printf(s, "+%u", sel->match_expressions ? sel->match_expressions->len : 0);
  ks_label_selector_free(sel);
  ks_pod_unref(pod);
  return g_string_free(s, FALSE);
}

#define EXPECT_SEL(sched, kind, name, want)                   \
  do {                                                        \
    char *got_ = default_selector(sched, kind, name);         \
    assert_string_equal(got_, want);                          \
    g_free(got_);                                             \
  } while (0)

static void test_driver_fills_spread_lister(void **state) {
  (void)state;
  KsEngine *engine = ks_engine_new();
  KsStore *store = ks_store_new(engine);
  GError *error = NULL;
  KsSchedSetupOptions o = {.percentage_of_nodes_to_score = -1, .seed = 1};
  KsSchedSetup *setup = ks_sched_setup_new(&o, &error);
  assert_non_null(setup);
  KsScheduler *sched = setup->sched;
  /* a Service stored before the driver starts is listed */
  add_service(store, "default", "web", "app", "web");
  ks_engine_run_until(engine, S(1));
  KsSchedDriver *driver = ks_sched_driver_new(store, sched, NULL);
  KsSchedSpreadLister *l = ks_sched_cache(sched)->spread;
  assert_int_equal(ks_sched_spread_lister_size(l), 1);
  EXPECT_SEL(sched, NULL, NULL, "app=web+0");

  /* watched: a second Service, a ReplicaSet, a StatefulSet */
  add_service(store, "default", "front", "tier", "front");
  add_service(store, "other", "web", "app", "web");
  assert_true(ks_store_create(store, KS_STORE_REPLICA_SET, "default", "rs1",
                              replica_set("rs1", "pod-template-hash", "abc"),
                              (GDestroyNotify)ks_replica_set_free, NULL) != 0);
  KsStatefulSet *ss = ks_stateful_set_new("default", "db");
  if (!ss->selector)
    ss->selector = ks_label_selector_new();
  ks_labels_set(&ss->selector->match_labels, "app", "db");
  assert_true(ks_store_create(store, KS_STORE_STATEFUL_SET, "default", "db", ss,
                              (GDestroyNotify)ks_stateful_set_free, NULL) != 0);
  ks_engine_run_until(engine, S(2));
  assert_int_equal(ks_sched_spread_lister_size(l), 5);
  EXPECT_SEL(sched, NULL, NULL, "app=web,tier=front+0");
  EXPECT_SEL(sched, "ReplicaSet", "rs1", "app=web,pod-template-hash=abc,tier=front+0");
  /* the StatefulSet's app=db is ANDed with the services' app=web */
  EXPECT_SEL(sched, "StatefulSet", "db", "app=web,tier=front+1");

  /* modified: the ReplicaSet's new selector replaces the old one */
  assert_true(ks_store_update(store, KS_STORE_REPLICA_SET, "default", "rs1",
                              replica_set("rs1", "pod-template-hash", "xyz"),
                              (GDestroyNotify)ks_replica_set_free, 0, NULL) != 0);
  ks_engine_run_until(engine, S(3));
  EXPECT_SEL(sched, "ReplicaSet", "rs1", "app=web,pod-template-hash=xyz,tier=front+0");

  /* deleted: gone from the lister */
  assert_true(ks_store_delete(store, KS_STORE_REPLICA_SET, "default", "rs1", 0, NULL));
  assert_true(ks_store_delete(store, KS_STORE_SERVICE, "default", "web", 0, NULL));
  assert_true(ks_store_delete(store, KS_STORE_STATEFUL_SET, "default", "db", 0, NULL));
  ks_engine_run_until(engine, S(4));
  assert_int_equal(ks_sched_spread_lister_size(l), 2);
  EXPECT_SEL(sched, "ReplicaSet", "rs1", "tier=front+0");

  ks_sched_driver_free(driver);
  ks_store_free(store);
  ks_engine_free(engine);
  ks_sched_setup_free(setup);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_driver_fills_spread_lister),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
