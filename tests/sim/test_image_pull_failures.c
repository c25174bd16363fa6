/* Image pull failures (sim/kubelet/image_manager.h, docs/node-agent.md
 * "Start-up: image pulls"): the kubelet's parse of image references
 * (InvalidImageName and its message), ErrImagePull then ImagePullBackOff
 * second by second with the retries at 10/30/70 s, an image that appears
 * in the registry, the failure-rate draws replayed from the run seed's
 * "image-pulls" stream, and tests/scenarios/image-pull-failures.yaml end to
 * end (start times, /image_pull_failures, the summary lines). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib/gstdio.h>

#include "sched/objects.h"
#include "sched/rng.h"
#include "sim/engine.h"
#include "sim/kubelet/image_pull_policy.h"
#include "sim/kubelet/image_results.h"
#include "sim/node_agent.h"
#include "sim/results_read.h"
#include "sim/simulation.h"
#include "sim/store.h"
#include "sim/summary.h"
#include "tests/sim/scenario_results.h"
#include "workloads/annotations.h"
#include "workloads/scenario.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)
#define MS(x) ((gint64)(x) * 1000)

/* ---- references ---------------------------------------------------------------- */

static void test_reference_check(void **state) {
  (void)state;
  static const char *const good[] = {
      "nginx", "nginx:1.27", "library/nginx:latest", "docker.io/library/nginx",
      "localhost:5000/app:v2", "registry.example/ml/trainer:2.1", "a__b/c-d.e_f:Tag_1.0",
      "app@sha256:0123456789abcdef0123456789abcdef", "app:latest@sha256:0123456789abcdef0123456789abcdef",
      "Registry.Example:443/team/app", "a---b"};
  for (guint i = 0; i < G_N_ELEMENTS(good); i++) {
    char *m = NULL;
    if (!ks_image_reference_check(good[i], &m))
      fail_msg("%s refused: %s", good[i], m);
  }
  static const struct {
    const char *image, *why;
  } bad[] = {
      {"registry.example/App:1", "invalid reference format: repository name (App) must be lowercase"},
      {"busyBOX", "invalid reference format: repository name (library/busyBOX) must be lowercase"},
      {"nginx::1", "invalid reference format"},
      {"nginx:", "invalid reference format"},
      {"-nginx", "invalid reference format"},
      {"a//b", "invalid reference format"},
      {"a:b/c", "invalid reference format"},
      {"app@sha256:0123", "invalid reference format"},
      {"nginx:" "0123456789012345678901234567890123456789012345678901234567890123456789"
       "0123456789012345678901234567890123456789012345678901234567890", "invalid reference format"},
      {"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
       "invalid repository name (0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef),"
       " cannot specify 64-byte hexadecimal strings"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    char *m = NULL;
    if (ks_image_reference_check(bad[i].image, &m))
      fail_msg("%s accepted", bad[i].image);
    char *want = g_strdup_printf("Failed to apply default image tag \"%s\": couldn't parse image "
                                 "name \"%s\": %s", bad[i].image, bad[i].image, bad[i].why);
    if (strcmp(m, want))
      fail_msg("%s:\n got  %s\n want %s", bad[i].image, m, want);
    g_free(want);
    g_free(m);
  }
  char *m = ks_image_backoff_message("a\"b:1");
  assert_string_equal(m, "Back-off pulling image \"a\\\"b:1\"");
  g_free(m);
}

/* ---- a world: engine, store, node agent with the image model ---------------------- */

typedef struct {
  KsEngine *engine;
  KsStore *store;
  KsNodeAgent *agent;
  KsImageCatalog *catalog;
} World;

/* late:1 appears at 65 s, gone:1 is missing, flaky:1 fails half its pulls;
 * 10Mi images at 10Mi/s, registry round-trips take no time. */
static void world_init_latency(World *w, guint64 seed, gint32 qps, gint32 burst,
                               const char *latency) {
  w->engine = ks_engine_new();
  w->store = ks_store_new(w->engine);
  w->agent = ks_node_agent_new(w->store);
  GError *error = NULL;
  char *yaml = g_strdup_printf("images:\n"
                               "- {name: 'late:1', sizeBytes: 10Mi, availableAfter: 65s}\n"
                               "- {name: 'gone:1', missing: true}\n"
                               "- {name: 'flaky:1', sizeBytes: 10Mi, pullFailureRate: 0.5}\n"
                               "imagePulls: {bandwidth: 10Mi, defaultImageSize: 10Mi, "
                               "registryLatency: %s}\n", latency);
  KsYamlStream *st = ks_yaml_load_string(yaml, strlen(yaml), "s.yaml", &error);
  g_free(yaml);
  assert_non_null(st);
  assert_true(ks_image_catalog_decode(st->documents->pdata[0], "s.yaml", &w->catalog, &error));
  ks_yaml_stream_free(st);
  KsImagePullOptions o;
  ks_image_pull_options_init(&o, w->catalog);
  o.seed = seed;
  o.registry_pull_qps = qps;
  o.registry_burst = burst;
  o.serialize_image_pulls = FALSE;
  ks_node_agent_enable_images(w->agent, &o);
  KsNode *n = ks_node_new("n1");
  ks_resource_list_set_quantity(&n->capacity, "cpu", "8", NULL);
  ks_resource_list_copy(&n->allocatable, &n->capacity);
  assert_true(ks_store_create(w->store, KS_STORE_NODE, NULL, "n1", n, (GDestroyNotify)ks_node_unref,
                              NULL));
}

static void world_init(World *w, guint64 seed, gint32 qps, gint32 burst) {
  world_init_latency(w, seed, qps, burst, "0s");
}

static void world_clear(World *w) {
  ks_node_agent_free(w->agent);
  ks_store_free(w->store);
  ks_engine_free(w->engine);
  ks_image_catalog_free(w->catalog);
}

static void add_pod_uid(World *w, const char *name, const char *image, const char *uid) {
  KsPod *p = ks_pod_new("default", name);
  KsContainer *c = ks_pod_add_container(p, "c", FALSE);
  c->image = g_strdup(image);
  p->node_name = g_strdup("n1");
  p->uid = g_strdup(uid);
  assert_true(ks_store_create(w->store, KS_STORE_POD, "default", name, p,
                              (GDestroyNotify)ks_pod_unref, NULL));
}

static void add_pod(World *w, const char *name, const char *image) {
  add_pod_uid(w, name, image, NULL);
}

static const KsPod *pod(World *w, const char *name) {
  const KsStoreObject *o = ks_store_get(w->store, KS_STORE_POD, "default", name);
  assert_non_null(o);
  return o->data;
}

/* The pod at `at` (run up to it): Pending and waiting with reason, or Running. */
static void expect(World *w, const char *name, gint64 at, const char *reason) {
  ks_engine_run_until(w->engine, at);
  const KsPod *p = pod(w, name);
  if (!reason) {
    if (p->phase != KS_POD_RUNNING)
      fail_msg("%s at %.1fs: %s, want Running", name, at / 1e6, ks_pod_phase_to_string(p->phase));
    return;
  }
  if (p->phase != KS_POD_PENDING || p->container_state.kind != KS_CONTAINER_WAITING ||
      g_strcmp0(p->container_state.reason, reason))
    fail_msg("%s at %.1fs: %s %s, want Pending waiting %s", name, at / 1e6,
             ks_pod_phase_to_string(p->phase),
             p->container_state.reason ? p->container_state.reason : "(none)", reason);
}

static KsImageNodeStats stats(World *w) {
  KsImageNodeStats s = {0};
  ks_image_manager_node_stats(ks_node_agent_images(w->agent), 0, &s);
  return s;
}

/* late:1: pulls fail at 0, 10 and 30 (ErrImagePull), the syncs at 20 and
 * 40-60 find the back-off running (ImagePullBackOff), the pull at 70 gets
 * it (65 s passed): downloaded at 71, Running at 72. gone:1 the same until
 * 70 and on: 150, 310, 610. */
static void test_backoff_timeline(void **state) {
  (void)state;
  World w;
  world_init(&w, 1, 0, 0);
  add_pod(&w, "late", "late:1");
  add_pod(&w, "gone", "gone:1");
  expect(&w, "late", 0, "ErrImagePull");
  assert_string_equal(pod(&w, "late")->container_state.message,
                      "rpc error: code = NotFound desc = failed to pull and unpack image "
                      "\"late:1\": failed to resolve reference \"late:1\": late:1: not found");
  expect(&w, "late", S(9), "ErrImagePull");
  expect(&w, "late", S(10), "ErrImagePull"); /* retried at 10 and failed again */
  assert_int_equal(stats(&w).failed_pulls, 4);
  expect(&w, "late", S(19), "ErrImagePull");
  expect(&w, "late", S(20), "ImagePullBackOff");
  assert_string_equal(pod(&w, "late")->container_state.message, "Back-off pulling image \"late:1\"");
  expect(&w, "late", S(29), "ImagePullBackOff");
  assert_int_equal(stats(&w).failed_pulls, 4);
  expect(&w, "late", S(30), "ErrImagePull");
  assert_int_equal(stats(&w).failed_pulls, 6);
  expect(&w, "late", S(40), "ImagePullBackOff");
  expect(&w, "late", S(69), "ImagePullBackOff");
  assert_int_equal(stats(&w).failed_pulls, 6);
  expect(&w, "late", S(70), "ImagePullBackOff"); /* pulling: the last status stays */
  expect(&w, "gone", S(70), "ErrImagePull");
  assert_int_equal(stats(&w).failed_pulls, 7); /* late 0, 10, 30; gone 0, 10, 30, 70 */
  expect(&w, "late", S(72) - 1, "ImagePullBackOff");
  expect(&w, "late", S(72), NULL);
  assert_true(pod(&w, "late")->start_time_us == S(72));
  expect(&w, "gone", S(149), "ImagePullBackOff");
  assert_int_equal(stats(&w).failed_pulls, 7);
  expect(&w, "gone", S(150), "ErrImagePull");
  expect(&w, "gone", S(310), "ErrImagePull");
  expect(&w, "gone", S(609), "ImagePullBackOff");
  assert_int_equal(stats(&w).failed_pulls, 9);
  expect(&w, "gone", S(610), "ErrImagePull");
  assert_int_equal(stats(&w).failed_pulls, 10);
  KsImageNodeStats s = stats(&w);
  assert_int_equal(s.pulls, 1);
  assert_int_equal(s.pods_waited, 1);
  assert_true(s.wait_us == S(1)); /* late's successful attempt: 70 -> 71 */
  /* syncs in back-off: late 20, 40-60 (4); gone 20, 40-60, 80-140, 160-300, 320-600 (55) */
  assert_int_equal(s.backoff_waits, 4 + 55);
  world_clear(&w);
}

/* A deleted pod's back-off entries go with it, and its re-syncs do not act
 * on a pod created again under its name: "gone" fails at 0 and 10
 * (back-off 20 s), is deleted at 15 and created again; the new pod's first
 * pull fails at once (not ImagePullBackOff) and its own re-syncs follow:
 * retry at 25 (10 s), ImagePullBackOff at 35, retry at 45. Without a UID
 * (keyed namespace/name) the entries must be dropped for the pull at 15;
 * with UIDs the old pod's re-sync at 20 must not touch the new pod. */
static void recreated(const char *uid1, const char *uid2) {
  World w;
  world_init(&w, 1, 0, 0);
  add_pod_uid(&w, "gone", "gone:1", uid1);
  expect(&w, "gone", S(15), "ErrImagePull");
  assert_int_equal(stats(&w).failed_pulls, 2);
  assert_true(ks_store_delete(w.store, KS_STORE_POD, "default", "gone", 0, NULL));
  add_pod_uid(&w, "gone", "gone:1", uid2);
  expect(&w, "gone", S(15), "ErrImagePull");
  assert_int_equal(stats(&w).failed_pulls, 3);
  if (!uid2) { /* the old pod's re-syncs cannot tell the new one apart */
    world_clear(&w);
    return;
  }
  guint64 waits = stats(&w).backoff_waits;
  expect(&w, "gone", S(24), "ErrImagePull");
  expect(&w, "gone", S(25), "ErrImagePull");
  assert_int_equal(stats(&w).failed_pulls, 4);
  expect(&w, "gone", S(35), "ImagePullBackOff");
  expect(&w, "gone", S(45), "ErrImagePull");
  assert_int_equal(stats(&w).failed_pulls, 5);
  assert_int_equal(stats(&w).backoff_waits - waits, 1); /* 35 only: one re-sync chain */
  world_clear(&w);
}

static void test_recreated_pod(void **state) {
  (void)state;
  recreated("uid-1", "uid-2");
  recreated(NULL, NULL);
}

/* An image reference that does not parse: InvalidImageName with the
 * kubelet's message, no pull, never tried again. */
static void test_invalid_name(void **state) {
  (void)state;
  World w;
  world_init(&w, 1, 0, 0);
  add_pod(&w, "bad", "registry.example/App:1");
  expect(&w, "bad", 0, "InvalidImageName");
  assert_string_equal(pod(&w, "bad")->container_state.message,
                      "Failed to apply default image tag \"registry.example/App:1\": couldn't "
                      "parse image name \"registry.example/App:1\": invalid reference format: "
                      "repository name (App) must be lowercase");
  expect(&w, "bad", S(600), "InvalidImageName");
  KsImageNodeStats s = stats(&w);
  assert_int_equal(s.invalid_names, 1);
  assert_int_equal(s.failed_pulls + s.pulls + s.backoff_waits, 0);
  world_clear(&w);
}

/* registryPullQPS 1, registryBurst 2, parallel pulls: three pods at 0 (10Mi
 * each, unlisted: defaultImageSize): two take the tokens and share the
 * bandwidth (2 s: Running at 3); the third fails with "pull QPS exceeded",
 * is in back-off until 10 and then pulls alone: Running at 12. */
static void test_qps(void **state) {
  (void)state;
  World w;
  world_init(&w, 1, 1, 2);
  add_pod(&w, "p1", "x1:1");
  add_pod(&w, "p2", "x2:1");
  add_pod(&w, "p3", "x3:1");
  expect(&w, "p3", 0, "ErrImagePull");
  assert_string_equal(pod(&w, "p3")->container_state.message, "pull QPS exceeded");
  expect(&w, "p1", S(3) - 1, "ContainerCreating");
  expect(&w, "p1", S(3), NULL);
  expect(&w, "p2", S(3), NULL);
  expect(&w, "p3", S(12) - 1, "ErrImagePull");
  expect(&w, "p3", S(12), NULL);
  KsImageNodeStats s = stats(&w);
  assert_int_equal(s.qps_refused, 1);
  assert_int_equal(s.pulls, 3);
  world_clear(&w);
}

/* pullFailureRate 0.5: attempts at 0, 10, 30, 70, 150, ... fail while the
 * run seed's "image-pulls" stream draws below 500000 (of 10^6); the first
 * success downloads for 1 s and starts 1 s later. Replayed for seeds 1,
 * 4 and 10 (1, 0 and 3 failures before the success). */
static void test_failure_rate(void **state) {
  (void)state;
  static const gint64 attempts[] = {0, 10, 30, 70, 150, 310, 610, 910, 1210, 1510, 1810, 2110};
  static const guint64 seeds[] = {1, 4, 10};
  guint most = 0;
  for (guint i = 0; i < G_N_ELEMENTS(seeds); i++) {
    guint64 seed = seeds[i];
    KsRng r;
    ks_rng_init(&r, seed, "image-pulls");
    guint k = 0;
    while (ks_rng_below(&r, 1000000) < 500000)
      k++;
    assert_true(k < G_N_ELEMENTS(attempts));
    World w;
    world_init(&w, seed, 0, 0);
    add_pod(&w, "f", "flaky:1");
    /* while the successful pull runs: its first try, a retry right after
     * the first failure, or a retry after syncs in back-off */
    expect(&w, "f", S(attempts[k]) + S(2) - 1,
           k == 0 ? "ContainerCreating" : k == 1 ? "ErrImagePull" : "ImagePullBackOff");
    expect(&w, "f", S(attempts[k]) + S(2), NULL);
    assert_int_equal(stats(&w).failed_pulls, k);
    most = MAX(most, k);
    world_clear(&w);
  }
  assert_int_equal(most, 3); /* seed 10: Running at 70 + 2 s */
}

static gint64 restarts(World *w, const char *name) {
  const char *v = ks_labels_get(&pod(w, name)->annotations, KS_ANNOTATION_RESTART_COUNT);
  return v ? g_ascii_strtoll(v, NULL, 10) : 0;
}

/* A restart pulls again (EnsureImageExists at every container start):
 * x:1 under Always, 100 ms registry round-trip, run time 5 s, exit code 1.
 * Pulled 0 -> 0.1 -> 1.1, Running at 2.1, exits at 7.1; the restart checks
 * the registry 7.1 -> 7.2 and starts then (restart 1); exits at 12.2, waits
 * out the crash back-off (10 s) to 22.2, checks again: restart 2 at 22.3. */
static void test_restart_pulls_again(void **state) {
  (void)state;
  World w;
  world_init_latency(&w, 1, 0, 0, "100ms");
  KsPod *p = ks_pod_new("default", "r");
  KsContainer *c = ks_pod_add_container(p, "c", FALSE);
  c->image = g_strdup("x:1");
  c->image_pull_policy = KS_PULL_ALWAYS;
  p->node_name = g_strdup("n1");
  ks_labels_set(&p->annotations, KS_ANNOTATION_RUN_TIME, "5s");
  ks_labels_set(&p->annotations, KS_ANNOTATION_EXIT_CODE, "1");
  assert_true(ks_store_create(w.store, KS_STORE_POD, "default", "r", p,
                              (GDestroyNotify)ks_pod_unref, NULL));
  expect(&w, "r", MS(2100), NULL);
  ks_engine_run_until(w.engine, MS(7199));
  assert_int_equal(restarts(&w, "r"), 0);
  ks_engine_run_until(w.engine, MS(7200));
  assert_int_equal(restarts(&w, "r"), 1);
  ks_engine_run_until(w.engine, MS(22299));
  assert_int_equal(restarts(&w, "r"), 1);
  ks_engine_run_until(w.engine, MS(22300));
  assert_int_equal(restarts(&w, "r"), 2);
  KsImageNodeStats s = stats(&w);
  assert_int_equal(s.pulls, 1);
  assert_int_equal(s.registry_checks, 2);
  world_clear(&w);
}

/* ---- the scenario ---------------------------------------------------------------- */

static void test_scenario(void **state) {
  (void)state;
  GError *error = NULL;
  char *out = ks_test_run_scenario_to_file(KSIM_TEST_DATA "/../scenarios/image-pull-failures.yaml",
                                           "image-failures");
  KsResults *r = ks_results_read(out, &error);
  assert_non_null(r);
  assert_true(ks_test_pod_row(r, "late")->started_us == S(72));
  assert_true(ks_test_pod_row(r, "q1")->started_us == S(3));
  assert_true(ks_test_pod_row(r, "q2")->started_us == S(3));
  assert_true(ks_test_pod_row(r, "q3")->started_us == S(13));
  assert_true(ks_test_pod_row(r, "q4")->started_us == S(13));
  assert_true(ks_test_pod_row(r, "gone")->started_us == -1);
  assert_true(ks_test_pod_row(r, "bad")->started_us == -1);
  ks_results_free(r);
  KsImagePullTotals t;
  gboolean present = FALSE;
  assert_true(ks_image_results_read_totals(out, &t, &present, &error));
  assert_true(present);
  assert_true(t.has_failures);
  assert_int_equal(t.failure_nodes, 4);
  assert_int_equal(t.failed_pulls, 3 + 7);
  assert_int_equal(t.qps_refused, 2);
  assert_int_equal(t.backoff_waits, 4 + 55);
  assert_int_equal(t.invalid_names, 1);
  assert_int_equal(t.pulls, 5);
  assert_true(t.wait_us == S(1 + 2 + 2 + 2 + 2));
  char *text = NULL;
  gsize len = 0;
  FILE *f = open_memstream(&text, &len);
  assert_true(ks_summary_print(out, KS_SUMMARY_TABLE, f, &error));
  fclose(f);
  assert_non_null(strstr(text, "\nimage pull failures  10 failed pulls, 2 refused by "
                               "registryPullQPS, 59 syncs in back-off, 1 invalid image names on "
                               "4 nodes\n"));
  free(text);
  g_unlink(out);
  g_free(out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reference_check), cmocka_unit_test(test_backoff_timeline),
      cmocka_unit_test(test_recreated_pod), cmocka_unit_test(test_invalid_name),
      cmocka_unit_test(test_qps),
      cmocka_unit_test(test_failure_rate),    cmocka_unit_test(test_restart_pulls_again),
      cmocka_unit_test(test_scenario),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
