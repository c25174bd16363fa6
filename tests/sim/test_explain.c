/* `ksim explain`: the per-node verdicts and scores of one scheduling cycle,
 * checked against hand-computed v1.31 numbers (LeastAllocated,
 * BalancedAllocation, TaintToleration normalization), the preemption outcome,
 * --score-all, and the input errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/explain.h"

static char *data_path(const char *rel) { return g_build_filename(KSIM_TEST_DATA, rel, NULL); }

/* Runs explain on one file; returns the output (transfer full) or NULL with *error. */
static char *explain(const char *rel, KsExplainFormat fmt, gboolean score_all, GError **error) {
  char *path = data_path(rel);
  const char *files[] = {path, NULL};
  KsExplainOptions opts = {.files = files, .format = fmt, .score_all = score_all, .seed = 1};
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  gboolean ok = ks_explain(&opts, out, error);
  fclose(out);
  g_free(path);
  if (!ok) {
    free(buf);
    return NULL;
  }
  char *copy = g_strdup(buf);
  free(buf);
  return copy;
}

static void assert_contains(const char *haystack, const char *needle) {
  if (!strstr(haystack, needle))
    fail_msg("expected \"%s\" in:\n%s", needle, haystack);
}

static void test_scores_and_filters_json(void **state) {
  char *out = explain("explain/three-nodes.yaml", KS_EXPLAIN_JSON, FALSE, NULL);
  assert_non_null(out);
  assert_contains(out, "\"pod\": \"default/web\"");
  assert_contains(out, "\"selected\": \"node-b\"");
  /* node-a: cpu (4000-3500)*100/4000 = 12, memory (8-3)*100/8 = 62 -> 37;
   * balance |0.875-0.375|/2 = 0.25 -> 75; no taints: 0 -> 100 x 3. */
  assert_contains(out, "\"NodeResourcesFit\": {\n          \"raw\": 37,\n          \"normalized\": 37,\n          \"weighted\": 37\n        }");
  assert_contains(out, "\"NodeResourcesBalancedAllocation\": {\n          \"raw\": 75,");
  assert_contains(out, "\"TaintToleration\": {\n          \"raw\": 0,\n          \"normalized\": 100,\n          \"weighted\": 300\n        }");
  assert_contains(out, "\"total\": 412");
  assert_contains(out, "\"total\": 475");
  /* node-c: filtered by its NoSchedule taint, not scored. */
  assert_contains(out, "\"name\": \"node-c\",\n      \"examined\": true,\n      \"feasible\": false,\n"
                       "      \"plugin\": \"TaintToleration\",\n"
                       "      \"reason\": \"node(s) had untolerated taint {dedicated: gpu}\",\n"
                       "      \"scores\": {},\n      \"total\": null");
  assert_contains(out, "\"preemption\": null");
  g_free(out);
}

static void test_score_all_scores_infeasible_nodes(void **state) {
  char *out = explain("explain/three-nodes.yaml", KS_EXPLAIN_TABLE, TRUE, NULL);
  assert_non_null(out);
  assert_contains(out, "pod default/web: scheduled to node-b");
  /* node-c (8 cpu, 16Gi, empty): cpu 93, memory 93; balanced 100; still never selected. */
  assert_contains(out, "node-c                   filtered   TaintToleration: node(s) had untolerated "
                       "taint {dedicated: gpu} total 493:");
  g_free(out);
}

static void test_preemption(void **state) {
  char *out = explain("explain/preempt.yaml", KS_EXPLAIN_JSON, FALSE, NULL);
  assert_non_null(out);
  assert_contains(out, "\"selected\": null");
  assert_contains(out, "\"reason\": \"Insufficient cpu\"");
  assert_contains(out, "\"preemption\": {\n    \"node\": \"node-2\",\n    \"victims\": [\n"
                       "      \"default/low-2\"\n    ]\n  }");
  g_free(out);
}

/* The 2017 scheduler on the same cluster: v1.7 priorities on the 0-10 scale.
 * node-a: LeastRequested (cpu 500*10/4000 = 1, memory 5*10/8 = 6) / 2 = 3;
 * BalancedResourceAllocation 10 - |0.875 - 0.375| * 10 = 5; SelectorSpread
 * and TaintToleration 10 (nothing to spread, no PreferNoSchedule taints). */
static void test_legacy_profile(void **state) {
  char *path = data_path("explain/three-nodes.yaml");
  const char *files[] = {path, NULL};
  KsExplainOptions opts = {.files = files, .format = KS_EXPLAIN_TABLE, .seed = 1,
                           .builtin_profile = "legacy-v1.7"};
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  assert_true(ks_explain(&opts, out, NULL));
  fclose(out);
  assert_contains(buf, "pod default/web: scheduled to node-b");
  assert_contains(buf, "node-a                   feasible   total 28: SelectorSpreadPriority 0 -> 10, "
                       "LeastRequestedPriority 3 -> 3, BalancedResourceAllocation 5 -> 5");
  assert_contains(buf, "node-c                   filtered   PodToleratesNodeTaints");
  free(buf);
  opts.builtin_profile = "v1.0";
  GError *error = NULL;
  out = open_memstream(&buf, &len);
  assert_false(ks_explain(&opts, out, &error));
  fclose(out);
  free(buf);
  assert_string_equal(error->message, "unknown built-in profile \"v1.0\" (use default or legacy-v1.7)");
  g_error_free(error);
  g_free(path);
}

/* Services, ReplicaSets and StatefulSets reach the scheduler's spread lister:
 * the Service selecting the pod turns on PodTopologySpread's system default
 * constraints (numbers worked out in the file's header). */
static void test_service_default_spreading(void **state) {
  char *out = explain("explain/service-spread.yaml", KS_EXPLAIN_TABLE, FALSE, NULL);
  assert_non_null(out);
  assert_contains(out, "pod default/web-2: scheduled to node-b");
  assert_contains(out, "PodTopologySpread 9 -> 66 x 2 = 132");
  assert_contains(out, "PodTopologySpread 6 -> 100 x 2 = 200");
  g_free(out);
}

/* PVs, claims and StorageClasses reach the volume lister: an unbound claim
 * of an Immediate class stops the pod at VolumeBinding's PreFilter (without
 * the claim known, the message would be that it is not found). */
static void test_unbound_immediate_claim(void **state) {
  char *out = explain("explain/unbound-claim.yaml", KS_EXPLAIN_JSON, FALSE, NULL);
  assert_non_null(out);
  assert_contains(out, "\"selected\": null");
  assert_contains(out, "\"message\": \"0/1 nodes are available: pod has unbound immediate "
                       "PersistentVolumeClaims.");
  g_free(out);
}

/* A claim without a class gets the default StorageClass, as DefaultStorageClass
 * admission gives it in a run: the default class binds WaitForFirstConsumer,
 * so the pod is scheduled where a class-less (Immediate) claim stops it. */
static void test_claim_gets_default_class(void **state) {
  char *out = explain("explain/default-class-claim.yaml", KS_EXPLAIN_JSON, FALSE, NULL);
  assert_non_null(out);
  assert_contains(out, "\"selected\": \"node-a\"");
  g_free(out);
}

static void test_input_errors(void **state) {
  GError *error = NULL;
  assert_null(explain("manifests/nodelist.yaml", KS_EXPLAIN_JSON, FALSE, &error));
  assert_string_equal(error->message,
                      "expected exactly one Pod without spec.nodeName (the pod to place), found 0");
  g_clear_error(&error);
  assert_null(explain("manifests/bad/quantity.yaml", KS_EXPLAIN_JSON, FALSE, &error));
  assert_non_null(strstr(error->message, "is not a quantity"));
  g_clear_error(&error);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_scores_and_filters_json),
    cmocka_unit_test(test_score_all_scores_infeasible_nodes),
    cmocka_unit_test(test_preemption),
    cmocka_unit_test(test_legacy_profile),
    cmocka_unit_test(test_service_default_spreading),
    cmocka_unit_test(test_unbound_immediate_claim),
    cmocka_unit_test(test_claim_gets_default_class),
    cmocka_unit_test(test_input_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
