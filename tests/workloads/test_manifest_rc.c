/* v1 ReplicationController manifests (workloads/manifest_rc.c): a
 * `kubectl get -o yaml` dump loads unchanged; the API server's defaults
 * (SetDefaults_ReplicationController: the selector and the object's labels
 * from the template's labels, replicas 1); typed lists; and the exact
 * message of each input ValidateReplicationControllerSpec refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "workloads/manifest.h"

#define DIR KSIM_TEST_DATA "/manifests/"

static KsManifestSet *load_string(const char *yaml) {
  GError *error = NULL;
  KsManifestSet *s = ks_manifest_load_string(yaml, strlen(yaml), "s.yaml", &error);
  if (!s)
    fail_msg("%s", error->message);
  assert_int_equal(s->warnings->len, 0);
  return s; /* transfer full */
}

static const KsReplicationController *rc_at(const KsManifestSet *s, guint i) {
  assert_true(i < s->objects->len);
  const KsManifestObject *o = s->objects->pdata[i];
  assert_int_equal(o->kind, KS_KIND_REPLICATION_CONTROLLER);
  return o->u.replication_controller;
}

static void test_kubectl_dump(void **state) {
  (void)state;
  GError *error = NULL;
  KsManifestSet *s = ks_manifest_load_file(DIR "rc-kubectl.yaml", &error);
  if (!s)
    fail_msg("%s", error->message);
  assert_int_equal(s->objects->len, 1);
  assert_int_equal(s->warnings->len, 0);
  const KsReplicationController *rc = rc_at(s, 0);
  assert_string_equal(rc->meta.name, "legacy");
  assert_string_equal(rc->meta.namespace, "shop");
  assert_string_equal(rc->meta.uid, "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
  assert_int_equal(rc->meta.generation, 2);
  assert_int_equal(rc->replicas, 3);
  assert_int_equal(rc->min_ready_seconds, 5);
  assert_int_equal(rc->selector.n, 1);
  assert_string_equal(ks_labels_get(&rc->selector, "app"), "legacy");
  assert_string_equal(rc->template->namespace, "shop");
  assert_string_equal(ks_labels_get(&rc->template->labels, "tier"), "back");
  assert_int_equal(rc->template->containers->len, 1);
  assert_int_equal(rc->status_replicas, 2);
  assert_int_equal(rc->fully_labeled_replicas, 2);
  assert_int_equal(rc->ready_replicas, 2);
  assert_int_equal(rc->available_replicas, 2);
  assert_int_equal(rc->observed_generation, 2);
  /* the ReplicaFailure condition a quota refusal left (a folded message) */
  assert_int_equal(rc->conditions->len, 1);
  const KsCondition *cond = &g_array_index(rc->conditions, KsCondition, 0);
  assert_string_equal(cond->type, "ReplicaFailure");
  assert_int_equal(cond->status, KS_CONDITION_TRUE);
  assert_string_equal(cond->reason, "FailedCreate");
  assert_string_equal(cond->message, "pods \"legacy-7xk2p\" is forbidden: exceeded quota: compute, "
                                     "requested: requests.cpu=100m, used: requests.cpu=200m, "
                                     "limited: requests.cpu=200m");
  assert_int_equal(cond->last_transition_time_us, G_GINT64_CONSTANT(1725272431) * G_USEC_PER_SEC);
  assert_string_equal(ks_kind_to_string(KS_KIND_REPLICATION_CONTROLLER), "ReplicationController");
  /* a deep copy */
  KsReplicationController *c = ks_replication_controller_copy(rc);
  assert_string_equal(ks_labels_get(&c->selector, "app"), "legacy");
  assert_true(c->template != rc->template);
  assert_string_equal(c->meta.name, "legacy");
  assert_true(c->conditions != rc->conditions);
  assert_string_equal(g_array_index(c->conditions, KsCondition, 0).reason, "FailedCreate");
  ks_replication_controller_free(c);
  ks_manifest_set_free(s);
}

#define RC "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: rc}\n"
#define TMPL_AB \
  "  template:\n    metadata: {labels: {app: a, tier: b}}\n    spec: {containers: [{name: c}]}\n"

static void test_defaults(void **state) {
  (void)state;
  KsManifestSet *s = load_string(RC "spec:\n" TMPL_AB
                                 "---\n" RC "spec:\n  replicas: 0\n  selector: {app: a}\n" TMPL_AB
                                 "---\napiVersion: v1\nkind: ReplicationController\n"
                                 "metadata: {name: own, labels: {mine: yes}}\nspec:\n" TMPL_AB);
  /* no selector, no labels, no replicas: all from the template, replicas 1 */
  const KsReplicationController *rc = rc_at(s, 0);
  assert_int_equal(rc->replicas, 1);
  assert_int_equal(rc->selector.n, 2);
  assert_string_equal(ks_labels_get(&rc->selector, "app"), "a");
  assert_string_equal(ks_labels_get(&rc->selector, "tier"), "b");
  assert_int_equal(rc->meta.labels.n, 2);
  assert_string_equal(ks_labels_get(&rc->meta.labels, "tier"), "b");
  assert_string_equal(rc->meta.namespace, "default");
  assert_string_equal(rc->template->namespace, "default");
  /* a given selector and an explicit 0 are kept */
  rc = rc_at(s, 1);
  assert_int_equal(rc->replicas, 0);
  assert_int_equal(rc->selector.n, 1);
  assert_int_equal(rc->meta.labels.n, 2); /* labels still defaulted */
  /* the object's own labels are kept; the selector is still defaulted */
  rc = rc_at(s, 2);
  assert_int_equal(rc->meta.labels.n, 1);
  assert_string_equal(ks_labels_get(&rc->meta.labels, "mine"), "yes");
  assert_int_equal(rc->selector.n, 2);
  ks_manifest_set_free(s);

  /* a typed list whose items carry no kind */
  s = load_string("apiVersion: v1\nkind: ReplicationControllerList\nitems:\n"
                  "- metadata: {name: x, namespace: ns1}\n  spec:\n"
                  "    template:\n      metadata: {labels: {app: a, tier: b}}\n"
                  "      spec: {containers: [{name: c}]}\n");
  rc = rc_at(s, 0);
  assert_string_equal(rc->meta.namespace, "ns1");
  assert_string_equal(rc->template->namespace, "ns1");
  assert_int_equal(rc->selector.n, 2);
  ks_manifest_set_free(s);
}

static const struct {
  const char *yaml;
  const char *message; /* after "s.yaml:" */
} bad[] = {
    /* no selector and a template without labels: nothing to default from */
    {RC "spec:\n  template:\n    spec: {containers: [{name: c}]}\n",
     "5:3: spec.selector: Required value"},
    {RC "spec:\n  selector: {}\n  template:\n    spec: {containers: [{name: c}]}\n",
     "5:13: spec.selector: Required value"},
    /* no spec at all: the selector is the first error, as upstream's order */
    {RC, "1:1: spec.selector: Required value"},
    {RC "spec:\n  selector: {app: a}\n",
     "5:3: spec.template: required field is missing"},
    {RC "spec:\n  selector: {app: z}\n" TMPL_AB,
     "7:24: spec.template.metadata.labels: `selector` does not match template `labels`"},
    {RC "spec:\n  selector: {app: a}\n  template:\n    metadata: {labels: {app: a}}\n"
        "    spec:\n      containers: [{name: c}]\n      restartPolicy: Never\n",
     "10:22: spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""},
    {RC "spec:\n  replicas: -1\n" TMPL_AB,
     "5:13: spec.replicas: -1 must be greater than or equal to 0"},
    {RC "spec:\n  minReadySeconds: -5\n" TMPL_AB,
     "5:20: spec.minReadySeconds: -5 must be greater than or equal to 0"},
    {RC "spec:\n  selector: [app, a]\n" TMPL_AB,
     "5:13: spec.selector: expected a mapping, got a sequence"},
    {RC "spec:\n" TMPL_AB "status: {replicas: -1}\n",
     "8:20: status.replicas: -1 must be greater than or equal to 0"},
    {RC "spec:\n" TMPL_AB "status: {conditions: [{type: ReplicaFailure, status: Maybe}]}\n",
     "8:54: status.conditions[0].status: Unsupported value: \"Maybe\": supported values: "
     "\"Unknown\", \"True\", \"False\""},
    {RC "spec:\n" TMPL_AB "status: {conditions: {type: ReplicaFailure}}\n",
     "8:22: status.conditions: expected a sequence, got a mapping"},
    {"apiVersion: apps/v1\nkind: ReplicationController\nmetadata: {name: rc}\n",
     "1:13: apiVersion: \"apps/v1\" is not a valid apiVersion for kind ReplicationController (use v1)"},
};

static void test_bad_inputs(void **state) {
  (void)state;
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    GError *error = NULL;
    KsManifestSet *set = ks_manifest_load_string(bad[i].yaml, strlen(bad[i].yaml), "s.yaml", &error);
    if (set)
      fail_msg("case %u loaded but should not:\n%s", i, bad[i].yaml);
    assert_true(error->domain == KS_YAML_ERROR);
    char *want = g_strconcat("s.yaml:", bad[i].message, NULL);
    if (strcmp(error->message, want))
      fail_msg("case %u\ngot  %s\nwant %s", i, error->message, want);
    g_free(want);
    g_error_free(error);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_kubectl_dump),
      cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_bad_inputs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
