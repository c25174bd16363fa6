/* The workload feed creates a scenario's objects as the API server would:
 * here, a Job from a manifest without a uid gets one, and with it the
 * selector and template labels the API server generates (unless
 * manualSelector). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sim/engine.h"
#include "sim/store.h"
#include "sim/workload_feed.h"
#include "workloads/batch.h"
#include "workloads/scenario.h"

static const char SCENARIO[] =
    "apiVersion: ksim.io/v1alpha1\n"
    "kind: Scenario\n"
    "metadata: {name: feed}\n"
    "spec:\n"
    "  duration: 10s\n"
    "  workloads:\n"
    "  - at: 0s\n"
    "    objects:\n"
    "    - apiVersion: batch/v1\n"
    "      kind: Job\n"
    "      metadata: {name: pi, namespace: default}\n"
    "      spec:\n"
    "        template:\n"
    "          spec:\n"
    "            restartPolicy: Never\n"
    "            containers: [{name: pi, image: perl}]\n"
    "    - apiVersion: batch/v1\n"
    "      kind: Job\n"
    "      metadata: {name: manual, namespace: default}\n"
    "      spec:\n"
    "        manualSelector: true\n"
    "        selector: {matchLabels: {app: manual}}\n"
    "        template:\n"
    "          metadata: {labels: {app: manual}}\n"
    "          spec:\n"
    "            restartPolicy: Never\n"
    "            containers: [{name: c, image: busybox}]\n";

static const KsJob *stored_job(KsStore *s, const char *name) {
  const KsStoreObject *o = ks_store_get(s, KS_STORE_JOB, "default", name);
  assert_non_null(o);
  return o->data;
}

static void test_job_gets_generated_selector(void **state) {
  GError *error = NULL;
  KsScenario *sc = ks_scenario_load_string(SCENARIO, strlen(SCENARIO), "feed.yaml", ".", &error);
  if (!sc)
    fail_msg("%s", error->message);
  KsEngine *e = ks_engine_new();
  KsStore *s = ks_store_new(e);
  KsWorkloadFeed *f = ks_workload_feed_new(s, sc, 1);
  ks_engine_run_until(e, 0);

  const KsJob *j = stored_job(s, "pi");
  assert_non_null(j->meta.uid);
  assert_true(strlen(j->meta.uid) > 0);
  assert_non_null(j->selector);
  assert_string_equal(ks_labels_get(&j->selector->match_labels, KS_LABEL_JOB_CONTROLLER_UID),
                      j->meta.uid);
  assert_string_equal(ks_labels_get(&j->template->labels, KS_LABEL_JOB_CONTROLLER_UID),
                      j->meta.uid);
  assert_string_equal(ks_labels_get(&j->template->labels, KS_LABEL_JOB_NAME), "pi");

  const KsJob *m = stored_job(s, "manual");
  assert_null(ks_labels_get(&m->selector->match_labels, KS_LABEL_JOB_CONTROLLER_UID));
  assert_null(ks_labels_get(&m->template->labels, KS_LABEL_JOB_CONTROLLER_UID));
  assert_string_equal(ks_labels_get(&m->selector->match_labels, "app"), "manual");

  ks_workload_feed_free(f);
  ks_store_free(s);
  ks_engine_free(e);
  ks_scenario_free(sc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_job_gets_generated_selector),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
