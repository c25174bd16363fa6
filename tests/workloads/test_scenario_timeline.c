/* spec.timeline decoding (workloads/scenario_timeline.c): every action with
 * its fields asserted, the order (by at, ties in file order), the defaults,
 * and a table of bad entries with their exact messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "workloads/scenario.h"

#define S ((gint64)1000000)

/* Line 7 is the first entry. */
static const char HEAD[] = "apiVersion: ksim.io/v1alpha1\n"
                           "kind: Scenario\n"
                           "metadata: {name: x}\n"
                           "spec:\n"
                           "  duration: 1m\n"
                           "  timeline:\n";

static KsScenario *load(const char *tail) {
  char *doc = g_strconcat(HEAD, tail, NULL);
  GError *error = NULL;
  KsScenario *s = ks_scenario_load_string(doc, strlen(doc), "t.yaml", KSIM_TEST_DATA, &error);
  g_free(doc);
  if (!s)
    fail_msg("%s", error->message);
  return s;
}

static const KsTimelineAction *action(const KsScenario *s, guint i) {
  assert_true(i < s->timeline->len);
  return s->timeline->pdata[i];
}

static void test_every_action(void **state) {
  (void)state;
  KsScenario *s = load(
      "  - {at: 50s, action: drain, node: n1, ignoreDaemonSets: false, deleteEmptyDirData: true,\n"
      "     force: true, gracePeriodSeconds: 10, timeout: 2m}\n"
      "  - {at: 10s, action: scale, kind: deploy, name: web, replicas: 0}\n"
      "  - {at: 10s, action: setImage, kind: StatefulSet, name: db, namespace: data,\n"
      "     container: '*', image: 'db:2'}\n"
      "  - {at: 20s, action: rolloutUndo, kind: daemonsets, name: agent, toRevision: 3}\n"
      "  - {at: 20s, action: rolloutPause, name: web}\n"
      "  - {at: 21s, action: rolloutResume, kind: Deployment, name: web}\n"
      "  - {at: 30s, action: cordon, node: n1}\n"
      "  - {at: 31s, action: uncordon, node: n1}\n"
      "  - {at: 40s, action: delete, kind: Node, name: n2}\n"
      "  - {at: 41s, action: delete, kind: po, selector: {matchLabels: {app: web}},\n"
      "     propagationPolicy: Foreground}\n"
      "  - {at: 0s, action: apply, objects: [{apiVersion: v1, kind: Node, metadata: {name: n3}}]}\n"
      "  - at: 0s\n"
      "    action: apply\n"
      "    manifests: [manifests/pod-kubectl.yaml]\n");
  assert_int_equal(s->timeline->len, 12);
  /* sorted by at, ties in file order */
  static const KsTimelineActionType order[] = {
      KS_TIMELINE_APPLY,         KS_TIMELINE_APPLY,         KS_TIMELINE_SCALE,
      KS_TIMELINE_SET_IMAGE,     KS_TIMELINE_ROLLOUT_UNDO,  KS_TIMELINE_ROLLOUT_PAUSE,
      KS_TIMELINE_ROLLOUT_RESUME, KS_TIMELINE_CORDON,       KS_TIMELINE_UNCORDON,
      KS_TIMELINE_DELETE,        KS_TIMELINE_DELETE,        KS_TIMELINE_DRAIN};
  static const guint index[] = {10, 11, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0};
  for (guint i = 0; i < G_N_ELEMENTS(order); i++) {
    assert_int_equal(action(s, i)->type, order[i]);
    assert_int_equal(action(s, i)->index, index[i]);
  }
  const KsTimelineAction *a = action(s, 0);
  assert_int_equal(a->at_us, 0);
  assert_int_equal(a->objects->objects->len, 1);
  assert_int_equal(((KsManifestObject *)a->objects->objects->pdata[0])->kind, KS_KIND_NODE);
  assert_int_equal(action(s, 1)->objects->objects->len, 1);
  assert_int_equal(((KsManifestObject *)action(s, 1)->objects->objects->pdata[0])->kind,
                   KS_KIND_POD);

  a = action(s, 2); /* scale */
  assert_int_equal(a->at_us, 10 * S);
  assert_int_equal(a->kind, KS_KIND_DEPLOYMENT);
  assert_string_equal(a->name, "web");
  assert_string_equal(a->namespace, "default");
  assert_int_equal(a->replicas, 0);
  assert_int_equal(a->line, 9);
  assert_int_equal(a->column, 5);

  a = action(s, 3); /* setImage */
  assert_int_equal(a->kind, KS_KIND_STATEFUL_SET);
  assert_string_equal(a->namespace, "data");
  assert_string_equal(a->container, "*");
  assert_string_equal(a->image, "db:2");

  a = action(s, 4);
  assert_int_equal(a->kind, KS_KIND_DAEMON_SET);
  assert_int_equal(a->to_revision, 3);
  a = action(s, 5);
  assert_int_equal(a->kind, KS_KIND_DEPLOYMENT); /* pause: kind defaults to Deployment */
  assert_string_equal(a->name, "web");
  a = action(s, 7);
  assert_int_equal(a->kind, KS_KIND_NODE);
  assert_string_equal(a->name, "n1");
  assert_null(a->namespace);

  a = action(s, 9); /* delete a Node by name */
  assert_int_equal(a->kind, KS_KIND_NODE);
  assert_null(a->namespace);
  assert_null(a->selector);
  assert_int_equal(a->propagation, KS_TIMELINE_PROPAGATE_BACKGROUND);
  a = action(s, 10); /* delete pods by selector */
  assert_int_equal(a->kind, KS_KIND_POD);
  assert_null(a->name);
  assert_non_null(a->selector);
  assert_string_equal(a->namespace, "default");
  assert_int_equal(a->propagation, KS_TIMELINE_PROPAGATE_FOREGROUND);

  a = action(s, 11); /* drain */
  assert_string_equal(a->name, "n1");
  assert_false(a->ignore_daemonsets);
  assert_true(a->delete_emptydir_data);
  assert_true(a->force);
  assert_true(a->has_grace_period);
  assert_int_equal(a->grace_period_seconds, 10);
  assert_int_equal(a->timeout_us, 120 * S);
  ks_scenario_free(s);
}

static void test_defaults(void **state) {
  (void)state;
  KsScenario *s = load("  - {at: 1s, action: drain, node: n1}\n"
                       "  - {at: 2s, action: rolloutUndo, kind: deployment, name: web}\n");
  const KsTimelineAction *a = action(s, 0);
  assert_true(a->ignore_daemonsets); /* ksim's default; kubectl's flag defaults to false */
  assert_false(a->delete_emptydir_data);
  assert_false(a->force);
  assert_false(a->has_grace_period);
  assert_int_equal(a->timeout_us, 0);
  assert_int_equal(action(s, 1)->to_revision, 0);
  ks_scenario_free(s);
  /* no timeline: an empty list */
  s = load("    []\n");
  assert_int_equal(s->timeline->len, 0);
  ks_scenario_free(s);
}

static void expect_error(const char *tail, const char *message) {
  char *doc = g_strconcat(HEAD, tail, NULL);
  GError *error = NULL;
  KsScenario *s = ks_scenario_load_string(doc, strlen(doc), "t.yaml", KSIM_TEST_DATA, &error);
  g_free(doc);
  if (s)
    fail_msg("loaded: %s", tail);
  if (strcmp(error->message, message) != 0)
    fail_msg("for %s\n  got  %s\n  want %s", tail, error->message, message);
  g_error_free(error);
}

static void test_bad_entries(void **state) {
  (void)state;
  static const struct {
    const char *tail, *message;
  } bad[] = {
      {"    5\n", "t.yaml:7:5: spec.timeline: must be a sequence, not a scalar"},
      {"  - 5\n", "t.yaml:7:5: spec.timeline[0]: must be a mapping, not a scalar"},
      {"  - {action: cordon, node: n1}\n", "t.yaml:7:5: spec.timeline[0].at: required field is missing"},
      {"  - {at: soon, action: cordon, node: n1}\n",
       "t.yaml:7:10: spec.timeline[0].at: \"soon\" is not a duration (use units such as 500ms, "
       "30s, 5m, 2h)"},
      {"  - {at: 1m, action: cordon, node: n1}\n",
       "t.yaml:7:10: spec.timeline[0].at: must be before the end of the run (spec.duration: 1m)"},
      {"  - {at: -1s, action: cordon, node: n1}\n",
       "t.yaml:7:10: spec.timeline[0].at: \"-1s\": a duration must not be negative"},
      {"  - {at: [1s], action: cordon, node: n1}\n",
       "t.yaml:7:10: spec.timeline[0].at: must be a duration such as 30s, not a sequence"},
      {"  - {at: 1s, node: n1}\n", "t.yaml:7:5: spec.timeline[0].action: required field is missing"},
      {"  - {at: 1s, action: reboot, node: n1}\n",
       "t.yaml:7:22: spec.timeline[0].action: \"reboot\" is not an action (apply, delete, scale, "
       "setImage, rolloutUndo, rolloutPause, rolloutResume, cordon, uncordon, drain, nodeDown, nodeUp)"},
      {"  - {at: 1s, action: cordon, node: n1, force: true}\n",
       "t.yaml:7:40: spec.timeline[0].force: unknown field (known fields: at, action, node)"},
      {"  - {at: 1s, action: scale, kind: deploy, name: web, replica: 3}\n",
       "t.yaml:7:54: spec.timeline[0].replica: unknown field (known fields: at, action, kind, "
       "name, namespace, replicas)"},
      {"  - {at: 1s, action: scale, kind: deploy, name: web}\n",
       "t.yaml:7:5: spec.timeline[0].replicas: required field is missing"},
      {"  - {at: 1s, action: scale, kind: deploy, name: web, replicas: -1}\n",
       "t.yaml:7:64: spec.timeline[0].replicas: -1 must be greater than or equal to 0"},
      {"  - {at: 1s, action: scale, kind: deploy, name: web, replicas: many}\n",
       "t.yaml:7:64: spec.timeline[0].replicas: \"many\" is not an integer"},
      {"  - {at: 1s, action: scale, kind: DaemonSet, name: web, replicas: 1}\n",
       "t.yaml:7:35: spec.timeline[0].kind: \"DaemonSet\" is not a kind scale acts on "
       "(Deployment, ReplicaSet, StatefulSet, ReplicationController)"},
      {"  - {at: 1s, action: scale, kind: Gadget, name: web, replicas: 1}\n",
       "t.yaml:7:35: spec.timeline[0].kind: \"Gadget\" is not a kind scale acts on "
       "(Deployment, ReplicaSet, StatefulSet, ReplicationController)"},
      {"  - {at: 1s, action: scale, name: web, replicas: 1}\n",
       "t.yaml:7:5: spec.timeline[0].kind: required field is missing"},
      {"  - {at: 1s, action: scale, kind: rs, replicas: 1}\n",
       "t.yaml:7:5: spec.timeline[0].name: required field is missing"},
      {"  - {at: 1s, action: scale, kind: rs, name: '', replicas: 1}\n",
       "t.yaml:7:45: spec.timeline[0].name: must not be empty"},
      {"  - {at: 1s, action: scale, kind: rs, name: [a], replicas: 1}\n",
       "t.yaml:7:45: spec.timeline[0].name: expected a string, got a sequence"},
      {"  - {at: 1s, action: delete, kind: Node, name: n1, namespace: x}\n",
       "t.yaml:7:63: spec.timeline[0].namespace: must not be set: Node is cluster-scoped"},
      {"  - {at: 1s, action: delete, kind: Pod}\n",
       "t.yaml:7:5: spec.timeline[0]: needs name or selector"},
      {"  - {at: 1s, action: delete, kind: Pod, name: a, selector: {matchLabels: {app: a}}}\n",
       "t.yaml:7:60: spec.timeline[0].selector: give name or selector, not both"},
      {"  - {at: 1s, action: delete, kind: Pod, name: a, propagationPolicy: Later}\n",
       "t.yaml:7:69: spec.timeline[0].propagationPolicy: Unsupported value: \"Later\": supported "
       "values: \"Background\", \"Foreground\", \"Orphan\""},
      {"  - {at: 1s, action: delete, kind: Pod, name: a, gracePeriodSeconds: -5}\n",
       "t.yaml:7:70: spec.timeline[0].gracePeriodSeconds: -5 must be greater than or equal to 0"},
      {"  - {at: 1s, action: setImage, kind: Job, name: j, container: c, image: i}\n",
       "t.yaml:7:38: spec.timeline[0].kind: \"Job\" is not a kind setImage acts on (Pod, "
       "Deployment, ReplicaSet, DaemonSet, StatefulSet, CronJob, ReplicationController)"},
      {"  - {at: 1s, action: setImage, kind: Deployment, name: web, image: i}\n",
       "t.yaml:7:5: spec.timeline[0].container: required field is missing"},
      {"  - {at: 1s, action: rolloutUndo, kind: rs, name: web}\n",
       "t.yaml:7:41: spec.timeline[0].kind: \"rs\" is not a kind rolloutUndo acts on "
       "(Deployment, DaemonSet, StatefulSet)"},
      {"  - {at: 1s, action: rolloutUndo, kind: deploy, name: web, toRevision: -2}\n",
       "t.yaml:7:72: spec.timeline[0].toRevision: -2 must be greater than or equal to 0"},
      {"  - {at: 1s, action: rolloutPause, kind: StatefulSet, name: db}\n",
       "t.yaml:7:42: spec.timeline[0].kind: \"StatefulSet\" is not a kind rolloutPause acts on "
       "(Deployment)"},
      {"  - {at: 1s, action: cordon}\n", "t.yaml:7:5: spec.timeline[0].node: required field is missing"},
      {"  - {at: 1s, action: drain, node: n1, ignoreDaemonSets: maybe}\n",
       "t.yaml:7:57: spec.timeline[0].ignoreDaemonSets: \"maybe\" is not a boolean (true or false)"},
      {"  - {at: 1s, action: drain, node: n1, timeout: forever}\n",
       "t.yaml:7:48: spec.timeline[0].timeout: \"forever\" is not a duration (use units such as "
       "500ms, 30s, 5m, 2h)"},
      {"  - {at: 1s, action: apply}\n", "t.yaml:7:5: spec.timeline[0]: needs manifests or objects"},
      {"  - {at: 1s, action: apply, objects: []}\n",
       "t.yaml:7:38: spec.timeline[0].objects: must not be empty"},
      {"  - {at: 1s, action: apply, manifests: [nowhere.yaml]}\n",
       "t.yaml:7:41: spec.timeline[0].manifests[0]: " KSIM_TEST_DATA "/nowhere.yaml: no such file"},
      {"  - {at: 1s, action: apply, objects: [{apiVersion: v1, kind: Pod, metadata: {name: p},\n"
       "     spec: {containers: [{name: c, resources: {requests: {cpu: 2x}}}]}}]}\n",
       "t.yaml:8:64: spec.containers[0].resources.requests.cpu: \"2x\" is not a quantity"},
      {"  - {at: 1s, action: cordon, node: n1}\n  - {at: 2s, action: uncordon, nod: n1}\n",
       "t.yaml:8:32: spec.timeline[1].nod: unknown field (known fields: at, action, node)"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++)
    expect_error(bad[i].tail, bad[i].message);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_action),
      cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_bad_entries),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
