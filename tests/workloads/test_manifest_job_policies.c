/* A Job's podFailurePolicy and successPolicy as the manifest loader decodes
 * them (workloads/manifest_batch.c): every field kept, and each of upstream's
 * validation messages (pkg/apis/batch/validation ValidateJobSpec, v1.31) at
 * the line, column and field path of the offending input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "workloads/manifest.h"

#define JOB "apiVersion: batch/v1\nkind: Job\nmetadata: {name: pi}\nspec:\n"
#define NEVER                                                                                      \
  "  template:\n    spec:\n      restartPolicy: Never\n"                                           \
  "      initContainers: [{name: setup}]\n      containers: [{name: main}, {name: side}]\n"
#define INDEXED "  completionMode: Indexed\n  completions: 5\n"

static KsJob *load_job(const char *yaml, KsManifestSet **set) {
  GError *error = NULL;
  *set = ks_manifest_load_string(yaml, strlen(yaml), "s.yaml", &error);
  if (!*set)
    fail_msg("%s", error->message);
  const KsManifestObject *o = (*set)->objects->pdata[0];
  assert_int_equal(o->kind, KS_KIND_JOB);
  return o->u.job;
}

static void test_decode(void **state) {
  (void)state;
  KsManifestSet *set = NULL;
  const KsJob *j = load_job(JOB INDEXED "  backoffLimitPerIndex: 1\n"
                                "  podFailurePolicy:\n    rules:\n"
                                "    - action: FailJob\n"
                                "      onExitCodes: {containerName: main, operator: In, values: [1, 42]}\n"
                                "    - action: Ignore\n"
                                "      onPodConditions:\n"
                                "      - {type: DisruptionTarget, status: \"True\"}\n"
                                "      - {type: example.com/Evicted, status: Unknown}\n"
                                "    - action: FailIndex\n"
                                "      onExitCodes: {operator: NotIn, values: [0]}\n"
                                "    - {action: Count, onExitCodes: {operator: In, values: [3]}}\n"
                                "  successPolicy:\n    rules:\n"
                                "    - {succeededIndexes: \"0,2-4\", succeededCount: 2}\n"
                                "    - {succeededCount: 5}\n" NEVER,
                            &set);
  assert_true(j->has_pod_failure_policy);
  assert_int_equal(j->pod_replacement_policy, KS_POD_REPLACEMENT_FAILED);
  assert_non_null(j->pod_failure_rules);
  assert_int_equal(j->pod_failure_rules->len, 4);
  const KsPodFailurePolicyRule *r = &g_array_index(j->pod_failure_rules, KsPodFailurePolicyRule, 0);
  assert_int_equal(r->action, KS_PFP_ACTION_FAIL_JOB);
  assert_true(r->on_exit_codes);
  assert_string_equal(r->container_name, "main");
  assert_false(r->not_in);
  assert_int_equal(r->values->len, 2);
  assert_int_equal(g_array_index(r->values, gint32, 1), 42);
  r = &g_array_index(j->pod_failure_rules, KsPodFailurePolicyRule, 1);
  assert_int_equal(r->action, KS_PFP_ACTION_IGNORE);
  assert_false(r->on_exit_codes);
  assert_int_equal(r->patterns->len, 2);
  assert_string_equal(g_array_index(r->patterns, KsPodConditionPattern, 0).type, "DisruptionTarget");
  assert_int_equal(g_array_index(r->patterns, KsPodConditionPattern, 0).status, KS_CONDITION_TRUE);
  assert_int_equal(g_array_index(r->patterns, KsPodConditionPattern, 1).status,
                   KS_CONDITION_UNKNOWN);
  r = &g_array_index(j->pod_failure_rules, KsPodFailurePolicyRule, 2);
  assert_int_equal(r->action, KS_PFP_ACTION_FAIL_INDEX);
  assert_true(r->not_in);
  assert_null(r->container_name);
  assert_int_equal(g_array_index(j->pod_failure_rules, KsPodFailurePolicyRule, 3).action,
                   KS_PFP_ACTION_COUNT);
  assert_int_equal(j->success_rules->len, 2);
  const KsSuccessPolicyRule *s = &g_array_index(j->success_rules, KsSuccessPolicyRule, 0);
  assert_string_equal(s->succeeded_indexes, "0,2-4");
  assert_true(s->has_succeeded_count);
  assert_int_equal(s->succeeded_count, 2);
  s = &g_array_index(j->success_rules, KsSuccessPolicyRule, 1);
  assert_null(s->succeeded_indexes);
  assert_int_equal(s->succeeded_count, 5);
  /* a copy is deep */
  KsJob *c = ks_job_copy(j);
  assert_ptr_not_equal(c->pod_failure_rules, j->pod_failure_rules);
  const GArray *pats = g_array_index(c->pod_failure_rules, KsPodFailurePolicyRule, 1).patterns;
  assert_ptr_not_equal(pats, g_array_index(j->pod_failure_rules, KsPodFailurePolicyRule, 1).patterns);
  assert_string_equal(g_array_index(pats, KsPodConditionPattern, 1).type, "example.com/Evicted");
  assert_string_equal(g_array_index(c->success_rules, KsSuccessPolicyRule, 0).succeeded_indexes,
                      "0,2-4");
  ks_job_free(c);
  ks_manifest_set_free(set);
  /* the CronJob's jobTemplate carries them to its Jobs */
  GError *error = NULL;
  const char *cj = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: n}\nspec:\n"
                   "  schedule: '@daily'\n  jobTemplate:\n    spec:\n"
                   "      podFailurePolicy:\n        rules:\n"
                   "        - {action: Ignore, onExitCodes: {operator: In, values: [2]}}\n"
                   "      template:\n        spec:\n          restartPolicy: Never\n"
                   "          containers: [{name: c}]\n";
  set = ks_manifest_load_string(cj, strlen(cj), "s.yaml", &error);
  assert_non_null(set);
  const KsCronJob *cron = ((const KsManifestObject *)set->objects->pdata[0])->u.cron_job;
  assert_int_equal(cron->job_template->pod_failure_rules->len, 1);
  ks_manifest_set_free(set);
}

static const struct {
  const char *yaml;
  const char *message; /* after "s.yaml:" */
} bad[] = {
    {JOB "  podFailurePolicy:\n    rules:\n    - onExitCodes: {operator: In, values: [1]}\n" NEVER,
     "7:7: spec.podFailurePolicy.rules[0].action: Required value: valid values: "
     "[\"Count\" \"FailIndex\" \"FailJob\" \"Ignore\"]"},
    {JOB "  podFailurePolicy:\n    rules:\n    - {action: Retry, onExitCodes: {operator: In, values: [1]}}\n" NEVER,
     "7:16: spec.podFailurePolicy.rules[0].action: Unsupported value: \"Retry\": supported values: "
     "\"Count\", \"FailIndex\", \"FailJob\", \"Ignore\""},
    {JOB "  podFailurePolicy:\n    rules:\n    - {action: FailIndex, onExitCodes: {operator: In, values: [1]}}\n" NEVER,
     "7:16: spec.podFailurePolicy.rules[0].action: requires the backoffLimitPerIndex to be set"},
    {JOB "  podFailurePolicy:\n    rules:\n    - {action: Ignore, onExitCodes: {values: [1]}}\n" NEVER,
     "7:37: spec.podFailurePolicy.rules[0].onExitCodes.operator: Required value: valid values: "
     "[\"In\" \"NotIn\"]"},
    {JOB "  podFailurePolicy:\n    rules:\n    - {action: Ignore, onExitCodes: {operator: Maybe, values: [1]}}\n" NEVER,
     "7:48: spec.podFailurePolicy.rules[0].onExitCodes.operator: Unsupported value: \"Maybe\": "
     "supported values: \"In\", \"NotIn\""},
    {JOB "  podFailurePolicy:\n    rules:\n"
         "    - {action: Ignore, onExitCodes: {containerName: abc, operator: In, values: [1]}}\n"
         "    - {action: FailJob, onExitCodes: {containerName: xyz, operator: In, values: [5]}}\n" NEVER,
     "7:53: spec.podFailurePolicy.rules[0].onExitCodes.containerName: must be one of the container "
     "or initContainer names in the pod template"},
    {JOB "  podFailurePolicy:\n    rules:\n"
         "    - {action: Ignore, onExitCodes: {containerName: setup, operator: In, values: [1]}}\n"
         "    - {action: FailJob, onExitCodes: {containerName: xyz, operator: In, values: [5]}}\n" NEVER,
     "8:54: spec.podFailurePolicy.rules[1].onExitCodes.containerName: must be one of the container "
     "or initContainer names in the pod template"},
    {JOB "  podFailurePolicy:\n    rules:\n    - {action: Ignore, onExitCodes: {operator: In, values: []}}\n" NEVER,
     "7:60: spec.podFailurePolicy.rules[0].onExitCodes.values: at least one value is required"},
    {JOB "  podFailurePolicy:\n    rules:\n    - {action: Ignore, onExitCodes: {operator: In, values: [1, 0, 2]}}\n" NEVER,
     "7:64: spec.podFailurePolicy.rules[0].onExitCodes.values[1]: must not be 0 for the In operator"},
    {JOB "  podFailurePolicy:\n    rules:\n    - {action: Ignore, onExitCodes: {operator: NotIn, values: [1, 2, 1]}}\n" NEVER,
     "7:70: spec.podFailurePolicy.rules[0].onExitCodes.values[2]: Duplicate value: 1"},
    {JOB "  podFailurePolicy:\n    rules:\n    - {action: Ignore, onExitCodes: {operator: NotIn, values: [3, 2]}}\n" NEVER,
     "7:63: spec.podFailurePolicy.rules[0].onExitCodes.values: must be ordered"},
    {JOB "  podFailurePolicy:\n    rules:\n    - {action: Ignore, onExitCodes: {operator: In, values: [one]}}\n" NEVER,
     "7:61: spec.podFailurePolicy.rules[0].onExitCodes.values[0]: \"one\" is not an integer"},
    {JOB "  podFailurePolicy:\n    rules:\n    - {action: Ignore}\n" NEVER,
     "7:7: spec.podFailurePolicy.rules[0]: Invalid value: specifying one of OnExitCodes and "
     "OnPodConditions is required"},
    {JOB "  podFailurePolicy:\n    rules:\n    - action: Ignore\n"
         "      onExitCodes: {operator: In, values: [1]}\n"
         "      onPodConditions: [{type: DisruptionTarget, status: \"True\"}]\n" NEVER,
     "7:7: spec.podFailurePolicy.rules[0]: Invalid value: specifying both OnExitCodes and "
     "OnPodConditions is not supported"},
    {JOB "  podFailurePolicy:\n    rules:\n    - action: Ignore\n"
         "      onPodConditions: [{type: DisruptionTarget}]\n" NEVER,
     "8:25: spec.podFailurePolicy.rules[0].onPodConditions[0].status: Required value: valid "
     "values: [\"False\" \"True\" \"Unknown\"]"},
    {JOB "  podFailurePolicy:\n    rules:\n    - action: Ignore\n"
         "      onPodConditions: [{type: DisruptionTarget, status: Maybe}]\n" NEVER,
     "8:58: spec.podFailurePolicy.rules[0].onPodConditions[0].status: Unsupported value: \"Maybe\": "
     "supported values: \"False\", \"True\", \"Unknown\""},
    {JOB "  podFailurePolicy:\n    rules:\n    - action: Ignore\n"
         "      onPodConditions: [{type: -Bad-, status: \"True\"}]\n" NEVER,
     "8:32: spec.podFailurePolicy.rules[0].onPodConditions[0].type: name part must consist of "
     "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
     "character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
     "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"},
    {JOB "  podFailurePolicy: {rules: {}}\n" NEVER,
     "5:29: spec.podFailurePolicy.rules: expected a sequence, got a mapping"},
    {JOB "  podFailurePolicy: {}\n" NEVER,
     "5:21: spec.podFailurePolicy.rules: required field is missing"},
    /* successPolicy */
    {JOB "  successPolicy:\n    rules: [{succeededCount: 1}]\n" NEVER,
     "6:5: spec.successPolicy: requires indexed completion mode"},
    {JOB INDEXED "  successPolicy:\n    rules: []\n" NEVER,
     "8:12: spec.successPolicy.rules: Required value: at least one rules must be specified when "
     "the successPolicy is specified"},
    {JOB INDEXED "  successPolicy:\n    rules: [{}]\n" NEVER,
     "8:13: spec.successPolicy.rules[0]: Required value: at least one of succeededCount or "
     "succeededIndexes must be specified"},
    {JOB INDEXED "  successPolicy:\n    rules: [{succeededIndexes: \"1-3,4-a\"}]\n" NEVER,
     "8:32: spec.successPolicy.rules[0].succeededIndexes: error parsing succeededIndexes: cannot "
     "convert string to integer for index: \"a\""},
    {JOB INDEXED "  successPolicy:\n    rules: [{succeededIndexes: \"1-7\"}]\n" NEVER,
     "8:32: spec.successPolicy.rules[0].succeededIndexes: error parsing succeededIndexes: too "
     "large index: \"7\""},
    {JOB INDEXED "  successPolicy:\n    rules: [{succeededIndexes: \"3,1\"}]\n" NEVER,
     "8:32: spec.successPolicy.rules[0].succeededIndexes: error parsing succeededIndexes: "
     "non-increasing order, previous: 3, current: 1"},
    {JOB INDEXED "  successPolicy:\n    rules: [{succeededIndexes: \"1-2-3\"}]\n" NEVER,
     "8:32: spec.successPolicy.rules[0].succeededIndexes: error parsing succeededIndexes: the "
     "fragment \"1-2-3\" violates the requirement that an index interval can have at most two "
     "parts separated by '-'"},
    {JOB INDEXED "  successPolicy:\n    rules: [{succeededCount: 6}]\n" NEVER,
     "8:30: spec.successPolicy.rules[0].succeededCount: must be less than or equal to 5 (the "
     "number of specified completions)"},
    {JOB INDEXED "  successPolicy:\n    rules: [{succeededIndexes: \"0-1\", succeededCount: 3}]\n" NEVER,
     "8:55: spec.successPolicy.rules[0].succeededCount: must be less than or equal to 2 (the "
     "number of indexes in the specified succeededIndexes field)"},
    {JOB INDEXED "  successPolicy:\n    rules: [{succeededCount: -1}]\n" NEVER,
     "8:30: spec.successPolicy.rules[0].succeededCount: -1 must be greater than or equal to 0"},
};

static void test_bad_inputs(void **state) {
  (void)state;
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    GError *error = NULL;
    KsManifestSet *set = ks_manifest_load_string(bad[i].yaml, strlen(bad[i].yaml), "s.yaml", &error);
    if (set)
      fail_msg("case %u loaded but should not:\n%s", i, bad[i].yaml);
    char *want = g_strconcat("s.yaml:", bad[i].message, NULL);
    if (strcmp(error->message, want))
      fail_msg("case %u\ngot  %s\nwant %s", i, error->message, want);
    g_free(want);
    g_error_free(error);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_decode),
      cmocka_unit_test(test_bad_inputs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
