/* A pod manifest's status: reason, message and the conditions other than
 * Ready are decoded into the pod (Ready goes to ready / ready_since_us, as
 * before), bad status fields fail with file:line:column and the field path,
 * and the native trace's JSON writes them back so a round trip keeps them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "workloads/manifest.h"
#include "traces/trace_json.h"

#define T_2024_01_15_10 1705312800LL /* 2024-01-15T10:00:00Z in seconds */

static const char *const evicted =
    "apiVersion: v1\n"
    "kind: Pod\n"
    "metadata: {name: p, namespace: ns}\n"
    "spec:\n"
    "  containers: [{name: c, image: nginx}]\n"
    "status:\n"
    "  phase: Failed\n"
    "  reason: Evicted\n"
    "  message: 'The node was low on resource: memory.'\n"
    "  conditions:\n"
    "  - type: DisruptionTarget\n"
    "    status: 'True'\n"
    "    reason: TerminationByKubelet\n"
    "    message: evicted\n"
    "    lastTransitionTime: '2024-01-15T10:00:00Z'\n"
    "  - {type: Ready, status: 'True', lastTransitionTime: '2024-01-15T10:00:05Z'}\n"
    "  - {type: PodScheduled, status: 'False', reason: Unschedulable}\n";

static KsPod *load_pod(const char *yaml, KsManifestSet **set) {
  GError *error = NULL;
  *set = ks_manifest_load_string(yaml, strlen(yaml), "s.yaml", &error);
  if (!*set)
    fail_msg("%s", error->message);
  KsManifestObject *o = g_ptr_array_index((*set)->objects, 0);
  assert_int_equal(o->kind, KS_KIND_POD);
  return o->u.pod;
}

static void check_evicted(const KsPod *p) {
  assert_int_equal(p->phase, KS_POD_FAILED);
  assert_string_equal(p->reason, "Evicted");
  assert_string_equal(p->message, "The node was low on resource: memory.");
  assert_int_equal(p->conditions->len, 2); /* Ready is not among them */
  const KsPodCondition *c = &g_array_index(p->conditions, KsPodCondition, 0);
  assert_string_equal(c->type, "DisruptionTarget");
  assert_int_equal(c->status, KS_POD_CONDITION_TRUE);
  assert_string_equal(c->reason, "TerminationByKubelet");
  assert_string_equal(c->message, "evicted");
  assert_true(c->last_transition_time_us == T_2024_01_15_10 * G_USEC_PER_SEC);
  c = &g_array_index(p->conditions, KsPodCondition, 1);
  assert_string_equal(c->type, "PodScheduled");
  assert_int_equal(c->status, KS_POD_CONDITION_FALSE);
  assert_string_equal(c->reason, "Unschedulable");
  assert_null(c->message);
  assert_true(c->last_transition_time_us == 0);
  assert_null(ks_pod_get_condition(p, "Ready"));
}

static void test_decode(void **state) {
  (void)state;
  KsManifestSet *set;
  KsPod *p = load_pod(evicted, &set);
  check_evicted(p);
  assert_true(p->ready);
  assert_true(p->ready_since_us == (T_2024_01_15_10 + 5) * G_USEC_PER_SEC);
  ks_manifest_set_free(set);
}

/* JSON is YAML: what the trace writer writes loads back the same. */
static void test_trace_json_round_trip(void **state) {
  (void)state;
  KsManifestSet *set;
  KsPod *p = load_pod(evicted, &set);
  GString *o = g_string_new(NULL);
  ks_trace_json_pod(o, p);
  assert_non_null(strstr(o->str, "\"reason\":\"Evicted\""));
  assert_non_null(strstr(o->str, "{\"type\":\"DisruptionTarget\",\"status\":\"True\",\"reason\":"
                                 "\"TerminationByKubelet\",\"message\":\"evicted\","
                                 "\"lastTransitionTime\":\"2024-01-15T10:00:00Z\"}"));
  assert_null(strstr(o->str, "\"Ready\""));
  KsManifestSet *back_set;
  KsPod *back = load_pod(o->str, &back_set);
  check_evicted(back);
  assert_true(ks_pod_equal_except_status(p, back));
  g_string_free(o, TRUE);
  ks_manifest_set_free(back_set);
  ks_manifest_set_free(set);
}

/* A pod with no status beyond Pending writes no status at all, as before. */
static void test_pending_writes_no_status(void **state) {
  (void)state;
  KsPod *p = ks_pod_new("ns", "p");
  ks_pod_add_container(p, "c", FALSE);
  GString *o = g_string_new(NULL);
  ks_trace_json_pod(o, p);
  assert_null(strstr(o->str, "status"));
  ks_pod_set_condition(p, "PodScheduled", KS_POD_CONDITION_FALSE, "SchedulingGated", NULL, 0);
  g_string_truncate(o, 0);
  ks_trace_json_pod(o, p);
  assert_non_null(strstr(o->str, ",\"status\":{\"phase\":\"Pending\",\"conditions\":[{\"type\":"
                                 "\"PodScheduled\",\"status\":\"False\",\"reason\":"
                                 "\"SchedulingGated\"}]}"));
  g_string_free(o, TRUE);
  ks_pod_unref(p);
}

static const char *const head = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
                                "spec:\n  containers: [{name: c}]\nstatus:\n";

static const struct {
  const char *status; /* lines after "status:" (line 7 on) */
  const char *message;
} bad[] = {
    {"  reason: [a]\n", "s.yaml:7:11: status.reason: expected a string, got a sequence"},
    {"  message: {a: b}\n", "s.yaml:7:12: status.message: expected a string, got a mapping"},
    {"  conditions: {type: Ready}\n",
     "s.yaml:7:15: status.conditions: expected a sequence, got a mapping"},
    {"  conditions:\n  - {status: 'True'}\n",
     "s.yaml:8:5: status.conditions[0].type: required field is missing"},
    {"  conditions:\n  - {type: DisruptionTarget}\n",
     "s.yaml:8:5: status.conditions[0].status: required field is missing"},
    {"  conditions:\n  - {type: DisruptionTarget, status: yes}\n",
     "s.yaml:8:38: status.conditions[0].status: Unsupported value: \"yes\": supported values: "
     "\"Unknown\", \"True\", \"False\""},
    {"  conditions:\n  - {type: PodScheduled, status: 'True', lastTransitionTime: now}\n",
     "s.yaml:8:62: status.conditions[0].lastTransitionTime: \"now\" is not an RFC 3339 timestamp "
     "(e.g. 2024-01-15T10:00:00Z)"},
    {"  conditions:\n  - null\n", "s.yaml:8:5: status.conditions[0]: expected a mapping, got null"},
};

static void test_bad_status(void **state) {
  (void)state;
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    char *yaml = g_strconcat(head, bad[i].status, NULL);
    GError *error = NULL;
    KsManifestSet *set = ks_manifest_load_string(yaml, strlen(yaml), "s.yaml", &error);
    if (set)
      fail_msg("case %u loaded", i);
    assert_non_null(error);
    assert_string_equal(error->message, bad[i].message);
    g_error_free(error);
    g_free(yaml);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_decode),
      cmocka_unit_test(test_trace_json_round_trip),
      cmocka_unit_test(test_pending_writes_no_status),
      cmocka_unit_test(test_bad_status),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
