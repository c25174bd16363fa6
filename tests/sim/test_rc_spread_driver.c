/* The scheduler driver copies ReplicationControllers' selector maps into
 * the cache's spread lister (listed at start, then watched: added,
 * modified, deleted), so a pod whose controller is a v1
 * ReplicationController gets its selector merged into PodTopologySpread's
 * default selector (upstream helper.DefaultSelector) and SelectorSpread
 * counts its pods. */
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
#include "workloads/replication_controller.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)

static KsReplicationController *rc_new(const char *name, const char *k, const char *v) {
  KsReplicationController *rc = ks_replication_controller_new("default", name);
  ks_labels_set(&rc->selector, k, v);
  return rc; /* transfer full */
}

/* The default selector of a pod labeled app=web owned by the v1
 * ReplicationController `name` (no Service selects it), as "k=v,k=v".
 * transfer full */
static char *default_selector(KsScheduler *sched, const char *name) {
  KsPod *pod = ks_pod_new("default", "p");
  ks_labels_set(&pod->labels, "app", "web");
  ks_owner_reference_array_add(&pod->owner_references, "v1", "ReplicationController", name, "u",
                               TRUE, TRUE);
  KsLabelSelector *sel = ks_label_selector_new();
  ks_sched_spread_lister_default_selector(ks_sched_cache(sched)->spread, pod, sel);
  GString *s = g_string_new("");
  for (guint i = 0; i < sel->match_labels.n; i++)
    g_string_append_printf(s, "%s%s=%s", i ? "," : "", sel->match_labels.items[i].key,
                           sel->match_labels.items[i].value);
  ks_label_selector_free(sel);
  ks_pod_unref(pod);
  return g_string_free(s, FALSE);
}

#define EXPECT_SEL(sched, name, want)                 \
  do {                                                \
    char *got_ = default_selector(sched, name);       \
    assert_string_equal(got_, want);                  \
    g_free(got_);                                     \
  } while (0)

static void test_driver_lists_and_watches_rcs(void **state) {
  (void)state;
  KsEngine *engine = ks_engine_new();
  KsStore *store = ks_store_new(engine);
  GError *error = NULL;
  KsSchedSetupOptions o = {.percentage_of_nodes_to_score = -1, .seed = 1};
  KsSchedSetup *setup = ks_sched_setup_new(&o, &error);
  assert_non_null(setup);
  KsScheduler *sched = setup->sched;
  /* stored before the driver starts: listed */
  assert_true(ks_store_create(store, KS_STORE_REPLICATION_CONTROLLER, "default", "rc-a",
                              rc_new("rc-a", "rc", "a"),
                              (GDestroyNotify)ks_replication_controller_free, NULL) != 0);
  ks_engine_run_until(engine, S(1));
  KsSchedDriver *driver = ks_sched_driver_new(store, sched, NULL);
  KsSchedSpreadLister *l = ks_sched_cache(sched)->spread;
  assert_int_equal(ks_sched_spread_lister_size(l), 1);
  EXPECT_SEL(sched, "rc-a", "rc=a");
  EXPECT_SEL(sched, "rc-b", ""); /* unknown RC: nothing */

  /* watched: added */
  assert_true(ks_store_create(store, KS_STORE_REPLICATION_CONTROLLER, "default", "rc-b",
                              rc_new("rc-b", "rc", "b"),
                              (GDestroyNotify)ks_replication_controller_free, NULL) != 0);
  ks_engine_run_until(engine, S(2));
  assert_int_equal(ks_sched_spread_lister_size(l), 2);
  EXPECT_SEL(sched, "rc-b", "rc=b");

  /* modified: the new selector replaces the old one */
  assert_true(ks_store_update(store, KS_STORE_REPLICATION_CONTROLLER, "default", "rc-b",
                              rc_new("rc-b", "rc", "b2"),
                              (GDestroyNotify)ks_replication_controller_free, 0, NULL) != 0);
  ks_engine_run_until(engine, S(3));
  assert_int_equal(ks_sched_spread_lister_size(l), 2);
  EXPECT_SEL(sched, "rc-b", "rc=b2");

  /* deleted */
  assert_true(ks_store_delete(store, KS_STORE_REPLICATION_CONTROLLER, "default", "rc-a", 0, NULL));
  ks_engine_run_until(engine, S(4));
  assert_int_equal(ks_sched_spread_lister_size(l), 1);
  EXPECT_SEL(sched, "rc-a", "");

  ks_sched_driver_free(driver);
  ks_store_free(store);
  ks_engine_free(engine);
  ks_sched_setup_free(setup);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_driver_lists_and_watches_rcs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
