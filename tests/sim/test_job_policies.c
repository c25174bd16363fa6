/* Tests of the Job's podFailurePolicy and successPolicy matching
 * (sim/controllers/job_policies.c): upstream's TestMatchSuccessPolicy table
 * (pkg/controller/job/success_policy_test.go, v1.31) case by case, and
 * TestMatchPodFailurePolicy-style cases with ksim's exit-code annotation
 * standing in for the container statuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sim/controllers/job.h"
#include "workloads/annotations.h"
#include "workloads/batch.h"

/* ---- successPolicy ------------------------------------------------------------- */

typedef struct {
  const char *name;
  const char *succeeded; /* the succeeded indexes ("0-2,4-7") */
  const char *indexes1;  /* rule 0's succeededIndexes (NULL: unset) */
  gint32 count1;         /* rule 0's succeededCount (-1: unset) */
  const char *indexes2;  /* a second rule, when indexes2 or count2 >= 0 */
  gint32 count2;
  const char *want; /* message, or NULL: not met */
} SuccessCase;

static const SuccessCase success_cases[] = {
    {"succeededIndexes matched", "0-2,4-7", "0-2", -1, NULL, -1, "Matched rules at index 0"},
    {"succeededIndexes didn't match", "0-2", "3", -1, NULL, -1, NULL},
    {"invalid format", "0", "invalid-form", -1, NULL, -1, NULL},
    {"succeededCount matched", "0-2", NULL, 2, NULL, -1, "Matched rules at index 0"},
    {"succeededCount didn't match", "0-2", NULL, 4, NULL, -1, NULL},
    {"multiple rules, second met", "0-2,4-7", "9", -1, "4,6", -1, "Matched rules at index 1"},
    {"multiple rules, all met", "0-2,4-7", "0,1", -1, "5", -1, "Matched rules at index 0"},
    {"indexes and count met", "0-2,4-7", "3-6", 2, NULL, -1, "Matched rules at index 0"},
    {"indexes and count not met", "0-2,6-7", "3-6", 2, NULL, -1, NULL},
    {"nothing succeeded", "", NULL, 4, NULL, -1, NULL},
    {"rules a proper subset", "1-5,6-9", "2-4,6-8", -1, NULL, -1, "Matched rules at index 0"},
    {"rules equal succeeded", "2-4,6-9", "2-4,6-9", -1, NULL, -1, "Matched rules at index 0"},
    {"rules a subset", "2-5,7-15", "2-4,8-12", -1, NULL, -1, "Matched rules at index 0"},
    {"empty rule", "1-3", "", -1, NULL, -1, NULL},
    {"empty rule, nothing succeeded", "", "", -1, NULL, -1, NULL},
    {"rules beyond completions", "1-3,5-7", "10-12,14-16", -1, NULL, -1, NULL},
    {"overlap at first", "2-4,6-8", "1-3,5-7", -1, NULL, -1, NULL},
    {"overlap at first, count", "2-4,6-8", "1-3,5-7", 4, NULL, -1, "Matched rules at index 0"},
    {"overlap at last", "1-3,5-7", "2-4,6-9", -1, NULL, -1, NULL},
    {"overlap at last, count", "1-3,5-7", "2-4,6-9", 4, NULL, -1, "Matched rules at index 0"},
    {"complete overlap", "1-3,7-8", "0-4,6-9", -1, NULL, -1, NULL},
    {"complete overlap, count", "1-3,7-8", "0-4,6-9", 5, NULL, -1, "Matched rules at index 0"},
    {"multiple at last", "1-3,5-9", "0-6,8-9", -1, NULL, -1, NULL},
    {"multiple at last, count", "1-3,5-9", "0-6,8-9", 7, NULL, -1, "Matched rules at index 0"},
    {"first and last", "1-5,7-10", "0-5,7-9", -1, NULL, -1, NULL},
    {"first and last, count", "1-5,7-10", "0-5,7-9", 8, NULL, -1, "Matched rules at index 0"},
    {"first rule at first", "1-10", "0-3,6-9", -1, NULL, -1, NULL},
    {"first rule at first, count", "1-10", "0-3,6-9", 7, NULL, -1, "Matched rules at index 0"},
};

static void add_success_rule(GArray *rules, const char *indexes, gint32 count) {
  KsSuccessPolicyRule r = {g_strdup(indexes), count >= 0, count >= 0 ? count : 0};
  g_array_append_val(rules, r);
}

static void test_match_success_policy(void **state) {
  (void)state;
  for (guint i = 0; i < G_N_ELEMENTS(success_cases); i++) {
    const SuccessCase *c = &success_cases[i];
    GArray *rules = ks_success_rule_array_new();
    add_success_rule(rules, c->indexes1, c->count1);
    if (c->indexes2 || c->count2 >= 0)
      add_success_rule(rules, c->indexes2, c->count2);
    /* upstream's orderedIntervals may hold index 10 of 10 completions */
    GArray *succeeded = ks_job_parse_indexes(c->succeeded, 100);
    char *msg = NULL;
    gboolean met = ks_job_match_success_policy(rules, 10, succeeded, &msg);
    if (met != (c->want != NULL) || g_strcmp0(msg, c->want))
      fail_msg("%s: got %d \"%s\"", c->name, met, msg ? msg : "");
    g_free(msg);
    g_array_free(succeeded, TRUE);
    g_array_unref(rules);
  }
  /* no policy: never met */
  GArray *succeeded = ks_job_parse_indexes("0-9", 10);
  char *msg = (char *)"x";
  assert_false(ks_job_match_success_policy(NULL, 10, succeeded, &msg));
  assert_null(msg);
  g_array_free(succeeded, TRUE);
}

/* ---- podFailurePolicy ----------------------------------------------------------- */

static void add_exit_rule(GArray *rules, KsPodFailurePolicyAction action, const char *container,
                          gboolean not_in, const gint32 *values, guint n) {
  KsPodFailurePolicyRule r = {0};
  r.action = action;
  r.on_exit_codes = TRUE;
  r.container_name = g_strdup(container);
  r.not_in = not_in;
  r.values = g_array_new(FALSE, FALSE, sizeof(gint32));
  g_array_append_vals(r.values, values, n);
  g_array_append_val(rules, r);
}

static void pattern_clear(gpointer p) { g_free(((KsPodConditionPattern *)p)->type); }

static void add_condition_rule(GArray *rules, KsPodFailurePolicyAction action, const char *type,
                               KsConditionStatus status) {
  KsPodFailurePolicyRule r = {0};
  r.action = action;
  r.patterns = g_array_new(FALSE, FALSE, sizeof(KsPodConditionPattern));
  g_array_set_clear_func(r.patterns, pattern_clear);
  KsPodConditionPattern p = {g_strdup(type), status};
  g_array_append_val(r.patterns, p);
  g_array_append_val(rules, r);
}

/* A failed pod default/mypod with containers main-container and
 * sidecar-container (and an init container) exiting with code. */
static KsPod *failed_pod(int code) {
  KsPod *p = ks_pod_new("default", "mypod");
  ks_pod_add_container(p, "init-container", TRUE);
  ks_pod_add_container(p, "main-container", FALSE);
  ks_pod_add_container(p, "sidecar-container", FALSE);
  p->phase = KS_POD_FAILED;
  if (code) {
    char *v = g_strdup_printf("%d", code);
    ks_labels_set(&p->annotations, KS_ANNOTATION_EXIT_CODE, v);
    g_free(v);
  }
  return p;
}

typedef struct {
  gboolean matched;
  KsPodFailurePolicyAction action;
  gboolean counts;
  char *msg;
} Match;

static Match match(const GArray *rules, const KsPod *p) {
  Match m = {0};
  m.action = (KsPodFailurePolicyAction)-1;
  m.matched = ks_job_match_pod_failure_policy(rules, p, &m.action, &m.counts, &m.msg);
  return m;
}

static void test_match_pod_failure_policy(void **state) {
  (void)state;
  static const gint32 in123[] = {1, 2, 3}, in567[] = {5, 6, 7}, in42[] = {42};
  /* FailJob on exit code 2 (In 1,2,3): upstream's message names the first container */
  GArray *rules = ks_pod_failure_rule_array_new();
  add_exit_rule(rules, KS_PFP_ACTION_FAIL_JOB, NULL, FALSE, in123, 3);
  KsPod *p = failed_pod(2);
  Match m = match(rules, p);
  assert_true(m.matched);
  assert_int_equal(m.action, KS_PFP_ACTION_FAIL_JOB);
  assert_true(m.counts);
  assert_string_equal(m.msg, "Container main-container for pod default/mypod failed with exit "
                             "code 2 matching FailJob rule at index 0");
  g_free(m.msg);
  ks_pod_unref(p);
  /* exit code 4: no rule matches, the failure counts */
  p = failed_pod(4);
  m = match(rules, p);
  assert_false(m.matched);
  assert_true(m.counts);
  assert_null(m.msg);
  ks_pod_unref(p);
  g_array_unref(rules);

  /* Ignore, Count, FailJob: the first rule that matches decides */
  rules = ks_pod_failure_rule_array_new();
  add_exit_rule(rules, KS_PFP_ACTION_IGNORE, NULL, FALSE, in123, 3);
  add_exit_rule(rules, KS_PFP_ACTION_COUNT, NULL, FALSE, in567, 3);
  add_exit_rule(rules, KS_PFP_ACTION_FAIL_JOB, NULL, TRUE, in123, 3); /* NotIn 1,2,3 */
  p = failed_pod(3);
  m = match(rules, p);
  assert_true(m.matched);
  assert_int_equal(m.action, KS_PFP_ACTION_IGNORE);
  assert_false(m.counts);
  assert_null(m.msg);
  ks_pod_unref(p);
  p = failed_pod(6);
  m = match(rules, p);
  assert_int_equal(m.action, KS_PFP_ACTION_COUNT);
  assert_true(m.counts);
  assert_null(m.msg);
  ks_pod_unref(p);
  p = failed_pod(42);
  m = match(rules, p);
  assert_int_equal(m.action, KS_PFP_ACTION_FAIL_JOB);
  assert_string_equal(m.msg, "Container main-container for pod default/mypod failed with exit "
                             "code 42 matching FailJob rule at index 2");
  g_free(m.msg);
  ks_pod_unref(p);
  /* exit code 0 (no annotation) never matches, not even NotIn */
  p = failed_pod(0);
  m = match(rules, p);
  assert_false(m.matched);
  assert_true(m.counts);
  ks_pod_unref(p);
  g_array_unref(rules);

  /* the node agent's terminated state wins over the annotation (an OOM kill) */
  static const gint32 in137[] = {137};
  GArray *oom = ks_pod_failure_rule_array_new();
  add_exit_rule(oom, KS_PFP_ACTION_FAIL_JOB, NULL, FALSE, in137, 1);
  p = failed_pod(2);
  p->container_state.kind = KS_CONTAINER_TERMINATED;
  p->container_state.exit_code = 137;
  m = match(oom, p);
  assert_string_equal(m.msg, "Container main-container for pod default/mypod failed with exit "
                             "code 137 matching FailJob rule at index 0");
  g_free(m.msg);
  ks_pod_unref(p);
  g_array_unref(oom);

  /* containerName: only that container's status is looked at */
  rules = ks_pod_failure_rule_array_new();
  add_exit_rule(rules, KS_PFP_ACTION_FAIL_JOB, "sidecar-container", FALSE, in42, 1);
  p = failed_pod(42);
  m = match(rules, p);
  assert_string_equal(m.msg, "Container sidecar-container for pod default/mypod failed with exit "
                             "code 42 matching FailJob rule at index 0");
  g_free(m.msg);
  ks_pod_unref(p);
  g_array_unref(rules);
  /* an init container exited 0: a rule naming it does not match */
  rules = ks_pod_failure_rule_array_new();
  add_exit_rule(rules, KS_PFP_ACTION_FAIL_JOB, "init-container", TRUE, in42, 1);
  p = failed_pod(7);
  m = match(rules, p);
  assert_false(m.matched);
  ks_pod_unref(p);
  g_array_unref(rules);

  /* onPodConditions */
  rules = ks_pod_failure_rule_array_new();
  add_condition_rule(rules, KS_PFP_ACTION_FAIL_JOB, "Ready", KS_CONDITION_TRUE);
  add_condition_rule(rules, KS_PFP_ACTION_IGNORE, "Ready", KS_CONDITION_FALSE);
  p = failed_pod(1);
  m = match(rules, p);
  assert_true(m.matched);
  assert_int_equal(m.action, KS_PFP_ACTION_IGNORE);
  assert_false(m.counts);
  ks_pod_unref(p);
  p = failed_pod(1);
  p->ready = TRUE;
  m = match(rules, p);
  assert_int_equal(m.action, KS_PFP_ACTION_FAIL_JOB);
  assert_string_equal(m.msg, "Pod default/mypod has condition Ready matching FailJob rule at index 0");
  g_free(m.msg);
  ks_pod_unref(p);
  g_array_unref(rules);

  /* DisruptionTarget (written by the taint eviction, preemption, ...): the
   * first pod condition some pattern matches names the message */
  rules = ks_pod_failure_rule_array_new();
  add_condition_rule(rules, KS_PFP_ACTION_IGNORE, "DisruptionTarget", KS_CONDITION_FALSE);
  add_condition_rule(rules, KS_PFP_ACTION_FAIL_JOB, "DisruptionTarget", KS_CONDITION_TRUE);
  p = failed_pod(137);
  m = match(rules, p);
  assert_false(m.matched); /* no such condition */
  ks_pod_set_condition(p, KS_POD_CONDITION_POD_SCHEDULED, KS_POD_CONDITION_TRUE, NULL, NULL, 1);
  ks_pod_set_condition(p, KS_POD_CONDITION_DISRUPTION_TARGET, KS_POD_CONDITION_TRUE,
                       KS_POD_REASON_DELETION_BY_TAINT_MANAGER, "Taint manager: deleting due to NoExecute taint", 2);
  m = match(rules, p);
  assert_true(m.matched);
  assert_int_equal(m.action, KS_PFP_ACTION_FAIL_JOB);
  assert_string_equal(m.msg, "Pod default/mypod has condition DisruptionTarget matching FailJob "
                             "rule at index 1");
  g_free(m.msg);
  ks_pod_unref(p);
  g_array_unref(rules);
}

/* A status of the resource model: name, terminated with code (or running
 * when code < 0, with a last termination of -code). */
static void add_status(GArray **list, const char *name, int code) {
  if (!*list) {
    *list = g_array_new(FALSE, TRUE, sizeof(KsContainerStatus));
    g_array_set_clear_func(*list, (GDestroyNotify)ks_container_status_clear);
  }
  KsContainerStatus s = {g_strdup(name), FALSE, 0, {0}, {0}};
  if (code >= 0) {
    s.state.kind = KS_CONTAINER_TERMINATED;
    s.state.exit_code = code;
  } else {
    s.state.kind = KS_CONTAINER_RUNNING;
    s.last_state.kind = KS_CONTAINER_TERMINATED;
    s.last_state.exit_code = -code;
  }
  g_array_append_val(*list, s);
}

/* Pods the resource model ran carry one terminated state per container
 * (containerStatuses, then initContainerStatuses, as upstream's
 * matchOnExitCodes reads them); the pod-level annotation is not read. */
static void test_match_container_statuses(void **state) {
  (void)state;
  static const gint32 in42[] = {42}, in5[] = {5}, in3[] = {3};
  /* main exited 0, sidecar-container 42 (the annotation says 7: ignored) */
  KsPod *p = failed_pod(7);
  add_status(&p->container_statuses, "main-container", 0);
  add_status(&p->container_statuses, "sidecar-container", 42);
  add_status(&p->init_container_statuses, "init-container", 0);
  GArray *rules = ks_pod_failure_rule_array_new();
  add_exit_rule(rules, KS_PFP_ACTION_FAIL_JOB, NULL, FALSE, in42, 1);
  Match m = match(rules, p);
  assert_true(m.matched);
  assert_string_equal(m.msg, "Container sidecar-container for pod default/mypod failed with exit "
                             "code 42 matching FailJob rule at index 0");
  g_free(m.msg);
  g_array_unref(rules);
  /* containerName main-container: it exited 0, so no match */
  rules = ks_pod_failure_rule_array_new();
  add_exit_rule(rules, KS_PFP_ACTION_FAIL_JOB, "main-container", FALSE, in42, 1);
  m = match(rules, p);
  assert_false(m.matched);
  assert_true(m.counts);
  g_array_unref(rules);
  /* NotIn 42: 42 is in, 0 is skipped: no match */
  rules = ks_pod_failure_rule_array_new();
  add_exit_rule(rules, KS_PFP_ACTION_FAIL_JOB, NULL, TRUE, in42, 1);
  m = match(rules, p);
  assert_false(m.matched);
  g_array_unref(rules);
  ks_pod_unref(p);

  /* an init container that failed (the app containers never ran) */
  p = failed_pod(0);
  add_status(&p->init_container_statuses, "init-container", 5);
  rules = ks_pod_failure_rule_array_new();
  add_exit_rule(rules, KS_PFP_ACTION_FAIL_JOB, "init-container", FALSE, in5, 1);
  m = match(rules, p);
  assert_string_equal(m.msg, "Container init-container for pod default/mypod failed with exit "
                             "code 5 matching FailJob rule at index 0");
  g_free(m.msg);
  g_array_unref(rules);
  ks_pod_unref(p);

  /* regular containers before init containers; a running container's last
   * termination is not looked at */
  p = failed_pod(0);
  add_status(&p->container_statuses, "main-container", -3);
  add_status(&p->container_statuses, "sidecar-container", 3);
  add_status(&p->init_container_statuses, "init-container", 3);
  rules = ks_pod_failure_rule_array_new();
  add_exit_rule(rules, KS_PFP_ACTION_COUNT, NULL, FALSE, in3, 1);
  add_exit_rule(rules, KS_PFP_ACTION_FAIL_JOB, "init-container", FALSE, in3, 1);
  m = match(rules, p);
  assert_int_equal(m.action, KS_PFP_ACTION_COUNT);
  g_array_unref(rules);
  rules = ks_pod_failure_rule_array_new();
  add_exit_rule(rules, KS_PFP_ACTION_FAIL_JOB, "main-container", FALSE, in3, 1);
  add_exit_rule(rules, KS_PFP_ACTION_FAIL_JOB, NULL, FALSE, in3, 1);
  m = match(rules, p);
  assert_string_equal(m.msg, "Container sidecar-container for pod default/mypod failed with exit "
                             "code 3 matching FailJob rule at index 1");
  g_free(m.msg);
  g_array_unref(rules);
  ks_pod_unref(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_match_success_policy),
      cmocka_unit_test(test_match_pod_failure_policy),
      cmocka_unit_test(test_match_container_statuses),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
