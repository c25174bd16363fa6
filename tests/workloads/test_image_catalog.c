/* spec.images and spec.imagePulls (workloads/image_catalog.h): the decoded
 * catalog and defaults, names normalized as ImageLocality normalizes them,
 * a table of bad inputs with their exact messages, the node annotation
 * ksim.io/image-pull-bandwidth, and imagePullPolicy in pod manifests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sched/objects.h"
#include "workloads/image_catalog.h"
#include "workloads/manifest.h"
#include "workloads/scenario.h"

#define MI ((gint64)1024 * 1024)

static const char head[] = "apiVersion: ksim.io/v1alpha1\nkind: Scenario\nmetadata: {name: s}\n"
                           "spec:\n  duration: 1m\n";

static KsScenario *load(const char *spec, GError **error) {
  char *text = g_strconcat(head, spec, NULL);
  KsScenario *s = ks_scenario_load_string(text, strlen(text), "s.yaml", NULL, error);
  g_free(text);
  return s;
}

static void test_decode(void **state) {
  (void)state;
  GError *error = NULL;
  KsScenario *s = load("  images:\n"
                       "  - {name: nginx, sizeBytes: 60Mi}\n"
                       "  - {name: 'registry.example/ml/trainer:2.1', sizeBytes: 1258291200}\n"
                       "  imagePulls:\n"
                       "    defaultImageSize: 100M\n"
                       "    bandwidth: 50Mi\n"
                       "    registryLatency: 250ms\n"
                       "    containerStartTime: 2s\n",
                       &error);
  if (!s)
    fail_msg("%s", error->message);
  const KsImageCatalog *c = s->images;
  assert_non_null(c);
  assert_true(ks_image_catalog_size(c, "nginx:latest") == 60 * MI); /* normalized */
  assert_true(ks_image_catalog_size(c, "nginx") == 60 * MI);
  assert_true(ks_image_catalog_size(c, "registry.example/ml/trainer:2.1") == 1258291200);
  assert_true(ks_image_catalog_size(c, "nginx:1.27") == -1);
  assert_int_equal(c->names->len, 2);
  assert_string_equal(c->names->pdata[0], "nginx:latest");
  assert_true(c->default_size_bytes == 100000000);
  assert_true(c->bandwidth == 50 * MI);
  assert_true(c->registry_latency_us == 250000);
  assert_true(c->container_start_us == 2000000);
  ks_scenario_free(s);

  /* how pulls fail: missing (sizeBytes optional), availableAfter, pullFailureRate */
  s = load("  images:\n"
           "  - {name: gone, missing: true}\n"
           "  - {name: 'late:1', sizeBytes: 1Mi, availableAfter: 90s}\n"
           "  - {name: 'flaky:1', sizeBytes: 1Mi, pullFailureRate: 0.25}\n"
           "  - {name: 'sure:1', sizeBytes: 1Mi, pullFailureRate: 1, missing: false}\n"
           "  - {name: 'never:1', sizeBytes: 1Mi, pullFailureRate: .000001}\n"
           "  - {name: 'ok:1', sizeBytes: 1Mi, pullFailureRate: 0, availableAfter: 0s}\n",
           &error);
  if (!s)
    fail_msg("%s", error->message);
  c = s->images;
  const KsImageFailure *f = ks_image_catalog_failure(c, "gone:latest");
  assert_non_null(f);
  assert_true(f->missing);
  assert_true(ks_image_catalog_size(c, "gone") == 0);
  f = ks_image_catalog_failure(c, "late:1");
  assert_false(f->missing);
  assert_true(f->available_after_us == 90000000);
  assert_int_equal(f->failure_rate_ppm, 0);
  assert_int_equal(ks_image_catalog_failure(c, "flaky:1")->failure_rate_ppm, 250000);
  assert_int_equal(ks_image_catalog_failure(c, "sure:1")->failure_rate_ppm, 1000000);
  assert_int_equal(ks_image_catalog_failure(c, "never:1")->failure_rate_ppm, 1);
  assert_null(ks_image_catalog_failure(c, "ok:1")); /* nothing fails */
  assert_null(ks_image_catalog_failure(c, "unlisted:1"));
  ks_scenario_free(s);

  /* imagePulls alone: the defaults */
  s = load("  imagePulls: {}\n", &error);
  assert_non_null(s);
  assert_non_null(s->images);
  assert_true(s->images->default_size_bytes == 0);
  assert_true(s->images->bandwidth == 0);
  assert_true(s->images->registry_latency_us == 100000);
  assert_true(s->images->container_start_us == 1000000);
  ks_scenario_free(s);

  /* neither: no image model */
  s = load("", &error);
  assert_non_null(s);
  assert_null(s->images);
  ks_scenario_free(s);
}

static void test_bad_inputs(void **state) {
  (void)state;
  static const struct {
    const char *spec, *message;
  } bad[] = {
      {"  images: {name: a}\n", "s.yaml:6:11: spec.images: must be a sequence, not a mapping"},
      {"  images: [a]\n", "s.yaml:6:12: spec.images[0]: must be a mapping, not a scalar"},
      {"  images: [{name: a, size: 1}]\n",
       "s.yaml:6:22: spec.images[0].size: unknown field (known fields: name, sizeBytes, missing, "
       "availableAfter, pullFailureRate)"},
      {"  images: [{name: a, sizeBytes: 1, missing: yes}]\n",
       "s.yaml:6:45: spec.images[0].missing: must be true or false"},
      {"  images: [{name: a, sizeBytes: 1, missing: [true]}]\n",
       "s.yaml:6:45: spec.images[0].missing: must be true or false"},
      {"  images: [{name: a, missing: true, availableAfter: 30s}]\n",
       "s.yaml:6:31: spec.images[0].missing: a missing image never becomes available: drop "
       "availableAfter and pullFailureRate"},
      {"  images: [{name: a, missing: true, pullFailureRate: 0.5}]\n",
       "s.yaml:6:31: spec.images[0].missing: a missing image never becomes available: drop "
       "availableAfter and pullFailureRate"},
      {"  images: [{name: a, sizeBytes: 1, availableAfter: soon}]\n",
       "s.yaml:6:52: spec.images[0].availableAfter: \"soon\" is not a duration (use units such "
       "as 500ms, 30s, 5m, 2h)"},
      {"  images: [{name: a, sizeBytes: 1, availableAfter: 9000h}]\n",
       "s.yaml:6:52: spec.images[0].availableAfter: must be at most 8784h"},
      {"  images: [{name: a, sizeBytes: 1, pullFailureRate: 1.5}]\n",
       "s.yaml:6:53: spec.images[0].pullFailureRate: must be a probability from 0 to 1 with at "
       "most 6 decimals, such as 0.25"},
      {"  images: [{name: a, sizeBytes: 1, pullFailureRate: -0.1}]\n",
       "s.yaml:6:53: spec.images[0].pullFailureRate: must be a probability from 0 to 1 with at "
       "most 6 decimals, such as 0.25"},
      {"  images: [{name: a, sizeBytes: 1, pullFailureRate: 0.0000001}]\n",
       "s.yaml:6:53: spec.images[0].pullFailureRate: must be a probability from 0 to 1 with at "
       "most 6 decimals, such as 0.25"},
      {"  images: [{name: a, sizeBytes: 1, pullFailureRate: 50%}]\n",
       "s.yaml:6:53: spec.images[0].pullFailureRate: must be a probability from 0 to 1 with at "
       "most 6 decimals, such as 0.25"},
      {"  images: [{name: a, sizeBytes: 1, pullFailureRate: 1.}]\n",
       "s.yaml:6:53: spec.images[0].pullFailureRate: must be a probability from 0 to 1 with at "
       "most 6 decimals, such as 0.25"},
      {"  images: [{name: a, sizeBytes: 1, pullFailureRate: {p: 1}}]\n",
       "s.yaml:6:53: spec.images[0].pullFailureRate: must be a probability from 0 to 1 with at "
       "most 6 decimals, such as 0.25"},
      {"  images: [{sizeBytes: 1}]\n", "s.yaml:6:12: spec.images[0].name: required field is missing"},
      {"  images: [{name: [a], sizeBytes: 1}]\n",
       "s.yaml:6:19: spec.images[0].name: must be a string"},
      {"  images: [{name: 'a b', sizeBytes: 1}]\n",
       "s.yaml:6:19: spec.images[0].name: must be an image reference without blanks"},
      {"  images: [{name: a}]\n", "s.yaml:6:12: spec.images[0].sizeBytes: required field is missing"},
      {"  images: [{name: a, sizeBytes: 12x}]\n",
       "s.yaml:6:33: spec.images[0].sizeBytes: \"12x\" is not a quantity"},
      {"  images: [{name: a, sizeBytes: -1}]\n",
       "s.yaml:6:33: spec.images[0].sizeBytes: must not be negative"},
      {"  images: [{name: a, sizeBytes: {x: 1}}]\n",
       "s.yaml:6:33: spec.images[0].sizeBytes: must be a quantity such as 50Mi, not a mapping"},
      {"  images:\n  - {name: a, sizeBytes: 1}\n  - {name: 'a:latest', sizeBytes: 2}\n",
       "s.yaml:8:12: spec.images[1].name: duplicate image \"a:latest\" (listed before as the same "
       "name)"},
      {"  imagePulls: [1]\n", "s.yaml:6:15: spec.imagePulls: must be a mapping, not a sequence"},
      {"  imagePulls: {bandwith: 1Mi}\n",
       "s.yaml:6:16: spec.imagePulls.bandwith: unknown field (known fields: defaultImageSize, "
       "bandwidth, registryLatency, containerStartTime)"},
      {"  imagePulls: {bandwidth: 0}\n",
       "s.yaml:6:27: spec.imagePulls.bandwidth: must be greater than 0"},
      {"  imagePulls: {bandwidth: fast}\n",
       "s.yaml:6:27: spec.imagePulls.bandwidth: \"fast\" is not a quantity"},
      {"  imagePulls: {defaultImageSize: -5Mi}\n",
       "s.yaml:6:34: spec.imagePulls.defaultImageSize: must not be negative"},
      {"  imagePulls: {registryLatency: 1 s}\n",
       "s.yaml:6:33: spec.imagePulls.registryLatency: \"1 s\" is not a duration (use units such "
       "as 500ms, 30s, 5m, 2h)"},
      {"  imagePulls: {containerStartTime: -1s}\n",
       "s.yaml:6:36: spec.imagePulls.containerStartTime: \"-1s\": a duration must not be "
       "negative"},
      {"  imagePulls: {containerStartTime: 9000h}\n",
       "s.yaml:6:36: spec.imagePulls.containerStartTime: must be at most 8784h"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    GError *error = NULL;
    KsScenario *s = load(bad[i].spec, &error);
    if (s)
      fail_msg("case %u loaded", i);
    if (strcmp(error->message, bad[i].message))
      fail_msg("case %u:\n got  %s\n want %s", i, error->message, bad[i].message);
    g_error_free(error);
  }
}

static void test_node_bandwidth(void **state) {
  (void)state;
  KsNode *n = ks_node_new("n1");
  gint64 bw = 0;
  GError *error = NULL;
  assert_true(ks_image_node_bandwidth(n, &bw, &error));
  assert_true(bw == -1);
  ks_labels_set(&n->annotations, KS_ANNOTATION_IMAGE_PULL_BANDWIDTH, "50Mi");
  assert_true(ks_image_node_bandwidth(n, &bw, &error));
  assert_true(bw == 50 * MI);
  ks_labels_set(&n->annotations, KS_ANNOTATION_IMAGE_PULL_BANDWIDTH, "0");
  assert_false(ks_image_node_bandwidth(n, &bw, &error));
  assert_string_equal(error->message, "node n1: annotation ksim.io/image-pull-bandwidth: \"0\" "
                                      "must be greater than 0 (bytes per second)");
  g_clear_error(&error);
  ks_labels_set(&n->annotations, KS_ANNOTATION_IMAGE_PULL_BANDWIDTH, "lots");
  assert_false(ks_image_node_bandwidth(n, &bw, &error));
  assert_string_equal(error->message,
                      "node n1: annotation ksim.io/image-pull-bandwidth: \"lots\" is not a quantity");
  g_clear_error(&error);
  ks_node_unref(n);
}

static void test_pull_policy_field(void **state) {
  (void)state;
  static const char ok[] = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
                           "  containers:\n  - {name: a, image: x, imagePullPolicy: Never}\n"
                           "  - {name: b, image: x}\n";
  GError *error = NULL;
  KsManifestSet *set = ks_manifest_load_string(ok, strlen(ok), "p.yaml", &error);
  assert_non_null(set);
  const KsPod *p = ((KsManifestObject *)set->objects->pdata[0])->u.pod;
  assert_int_equal(g_array_index(p->containers, KsContainer, 0).image_pull_policy, KS_PULL_NEVER);
  assert_int_equal(g_array_index(p->containers, KsContainer, 1).image_pull_policy,
                   KS_PULL_POLICY_UNSET);
  KsPod *c = ks_pod_copy(p);
  assert_true(ks_pod_equal_except_status(p, c));
  g_array_index(c->containers, KsContainer, 0).image_pull_policy = KS_PULL_ALWAYS;
  assert_false(ks_pod_equal_except_status(p, c));
  ks_pod_unref(c);
  ks_manifest_set_free(set);
  static const char bad[] = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
                            "  containers:\n  - {name: a, image: x, imagePullPolicy: Sometimes}\n";
  assert_null(ks_manifest_load_string(bad, strlen(bad), "p.yaml", &error));
  assert_string_equal(error->message,
                      "p.yaml:6:42: spec.containers[0].imagePullPolicy: Unsupported value: "
                      "\"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\"");
  g_clear_error(&error);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_decode),
      cmocka_unit_test(test_bad_inputs),
      cmocka_unit_test(test_node_bandwidth),
      cmocka_unit_test(test_pull_policy_field),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
