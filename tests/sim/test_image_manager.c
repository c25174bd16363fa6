/* The kubelet's image manager (sim/kubelet/image_manager.h) driven by the
 * node agent: pull policies as upstream defaults them, start times of pods
 * whose pulls queue on one node (serialized) or share its bandwidth
 * (parallel), Never with the image absent, status.images written in
 * upstream's order and cap, ImageLocality scoring a pulled image, a second
 * pod following the first to the node that pulled its image, and the image
 * GC's order. Every time below is worked out by hand in its comment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib/gstdio.h>

#include "sched/objects.h"
#include "sched/plugins/image_locality.h"
#include "sim/engine.h"
#include "sim/kubelet/image_results.h"
#include "sim/summary.h"
#include "sim/kubelet/image_pull_policy.h"
#include "sim/node_agent.h"
#include "sim/results_read.h"
#include "sim/simulation.h"
#include "sim/store.h"
#include "tests/sched/plugin_harness.h"
#include "tests/sim/scenario_results.h"
#include "workloads/annotations.h"
#include "workloads/scenario.h"

#define MI ((gint64)1024 * 1024)
#define S(x) ((gint64)(x) * G_USEC_PER_SEC)
#define MS(x) ((gint64)(x) * 1000)

/* ---- pull policy ------------------------------------------------------------------ */

static void test_pull_policy(void **state) {
  (void)state;
  static const struct {
    const char *image;
    KsPullPolicy want;
  } cases[] = {
      {"nginx", KS_PULL_ALWAYS},                   /* no tag, no digest: latest */
      {"nginx:latest", KS_PULL_ALWAYS},
      {"nginx:1.27", KS_PULL_IF_NOT_PRESENT},
      {"nginx:latest2", KS_PULL_IF_NOT_PRESENT},
      {"localhost:5000/app", KS_PULL_ALWAYS},      /* a port is not a tag */
      {"localhost:5000/app:v2", KS_PULL_IF_NOT_PRESENT},
      {"app@sha256:0123abcd", KS_PULL_IF_NOT_PRESENT}, /* digest, no tag */
      {"app:latest@sha256:0123abcd", KS_PULL_ALWAYS},
      {"registry.example/ml/trainer:2.1", KS_PULL_IF_NOT_PRESENT},
      {"", KS_PULL_ALWAYS},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
    if (ks_image_default_pull_policy(cases[i].image) != cases[i].want)
      fail_msg("%s: got %d, want %d", cases[i].image,
               ks_image_default_pull_policy(cases[i].image), cases[i].want);
  KsContainer c = {.image = (char *)"nginx", .image_pull_policy = KS_PULL_NEVER};
  assert_int_equal(ks_container_pull_policy(&c), KS_PULL_NEVER);
  c.image_pull_policy = KS_PULL_POLICY_UNSET;
  assert_int_equal(ks_container_pull_policy(&c), KS_PULL_ALWAYS);
  /* shouldPullImage */
  assert_true(ks_image_should_pull(KS_PULL_ALWAYS, TRUE));
  assert_true(ks_image_should_pull(KS_PULL_ALWAYS, FALSE));
  assert_false(ks_image_should_pull(KS_PULL_IF_NOT_PRESENT, TRUE));
  assert_true(ks_image_should_pull(KS_PULL_IF_NOT_PRESENT, FALSE));
  assert_false(ks_image_should_pull(KS_PULL_NEVER, TRUE));
  assert_false(ks_image_should_pull(KS_PULL_NEVER, FALSE));
  char *m = ks_image_never_pull_message("a\"b:1");
  assert_string_equal(m, "Container image \"a\\\"b:1\" is not present with pull policy of Never");
  g_free(m);
  KsPullPolicy p;
  assert_true(ks_pull_policy_from_string("IfNotPresent", &p));
  assert_int_equal(p, KS_PULL_IF_NOT_PRESENT);
  assert_false(ks_pull_policy_from_string("", &p));
  assert_null(ks_pull_policy_to_string(KS_PULL_POLICY_UNSET));
  assert_string_equal(ks_pull_policy_to_string(KS_PULL_NEVER), "Never");
}

/* ---- a world: engine, store, node agent with the image model ---------------------- */

typedef struct {
  KsEngine *engine;
  KsStore *store;
  KsNodeAgent *agent;
  KsImageCatalog *catalog;
} World;

/* Catalog: A 20Mi, B 30Mi, C 10Mi; 10Mi/s; 100ms registry round-trip; 1 s
 * container start. */
static void world_init(World *w, void (*tune)(KsImagePullOptions *)) {
  w->engine = ks_engine_new();
  w->store = ks_store_new(w->engine);
  w->agent = ks_node_agent_new(w->store);
  GError *error = NULL;
  static const char yaml[] = "images:\n"
                             "- {name: 'a:1', sizeBytes: 20Mi}\n"
                             "- {name: 'b:1', sizeBytes: 30Mi}\n"
                             "- {name: 'c:1', sizeBytes: 10Mi}\n"
                             "imagePulls: {bandwidth: 10Mi, registryLatency: 100ms}\n";
  KsYamlStream *st = ks_yaml_load_string(yaml, strlen(yaml), "s.yaml", &error);
  assert_non_null(st);
  assert_true(ks_image_catalog_decode(st->documents->pdata[0], "s.yaml", &w->catalog, &error));
  ks_yaml_stream_free(st);
  KsImagePullOptions o;
  ks_image_pull_options_init(&o, w->catalog);
  if (tune)
    tune(&o);
  ks_node_agent_enable_images(w->agent, &o);
}

static void world_clear(World *w) {
  ks_node_agent_free(w->agent);
  ks_store_free(w->store);
  ks_engine_free(w->engine);
  ks_image_catalog_free(w->catalog);
}

static void image_clear(gpointer p) { g_strfreev(((KsContainerImage *)p)->names); }

/* images: "name=bytes" entries, NULL-terminated (may be NULL). */
static void add_node(World *w, const char *name, const char *const *images, gint64 ephemeral,
                     const char *bandwidth) {
  KsNode *n = ks_node_new(name);
  ks_resource_list_set_quantity(&n->capacity, "cpu", "8", NULL);
  if (ephemeral)
    ks_resource_list_set(&n->capacity, KS_RESOURCE_EPHEMERAL_STORAGE, ephemeral);
  ks_resource_list_copy(&n->allocatable, &n->capacity);
  if (bandwidth)
    ks_labels_set(&n->annotations, KS_ANNOTATION_IMAGE_PULL_BANDWIDTH, bandwidth);
  for (guint i = 0; images && images[i]; i++) {
    if (!n->images) {
      n->images = g_array_new(FALSE, TRUE, sizeof(KsContainerImage));
      g_array_set_clear_func(n->images, image_clear);
    }
    char **kv = g_strsplit(images[i], "=", 2);
    KsContainerImage ci = {g_new0(char *, 2), g_ascii_strtoll(kv[1], NULL, 10)};
    ci.names[0] = g_strdup(kv[0]);
    g_array_append_val(n->images, ci);
    g_strfreev(kv);
  }
  assert_true(ks_store_create(w->store, KS_STORE_NODE, NULL, name, n,
                              (GDestroyNotify)ks_node_unref, NULL));
}

/* A pod bound to `node` at the current time with one container. */
static void add_pod(World *w, const char *name, const char *node, const char *image,
                    KsPullPolicy policy, const char *run_time, const char *start_latency) {
  KsPod *p = ks_pod_new("default", name);
  KsContainer *c = ks_pod_add_container(p, "c", FALSE);
  c->image = g_strdup(image);
  c->image_pull_policy = policy;
  p->node_name = g_strdup(node);
  if (run_time)
    ks_labels_set(&p->annotations, KS_ANNOTATION_RUN_TIME, run_time);
  if (start_latency)
    ks_labels_set(&p->annotations, KS_ANNOTATION_START_LATENCY, start_latency);
  assert_true(ks_store_create(w->store, KS_STORE_POD, "default", name, p,
                              (GDestroyNotify)ks_pod_unref, NULL));
}

static const KsPod *pod(World *w, const char *name) {
  const KsStoreObject *o = ks_store_get(w->store, KS_STORE_POD, "default", name);
  assert_non_null(o);
  return o->data;
}

static const KsNode *node(World *w, const char *name) {
  const KsStoreObject *o = ks_store_get(w->store, KS_STORE_NODE, NULL, name);
  assert_non_null(o);
  return o->data;
}

static void assert_started(World *w, const char *name, gint64 at_us) {
  const KsPod *p = pod(w, name);
  if (p->phase != KS_POD_RUNNING || p->start_time_us != at_us)
    fail_msg("%s: phase %s start %" G_GINT64_FORMAT ", want Running at %" G_GINT64_FORMAT, name,
             ks_pod_phase_to_string(p->phase), p->start_time_us, at_us);
}

/* "name=bytes,name=bytes" of the node's status.images, in order. */
static char *status_images(World *w, const char *name) {
  const KsNode *n = node(w, name);
  GString *s = g_string_new(NULL);
  for (guint i = 0; n->images && i < n->images->len; i++) {
    const KsContainerImage *ci = &g_array_index(n->images, KsContainerImage, i);
    char *names = g_strjoinv("|", ci->names);
    g_string_append_printf(s, "%s%s=%" G_GINT64_FORMAT, i ? "," : "", names, ci->size_bytes);
    g_free(names);
  }
  return g_string_free(s, FALSE);
}

static void assert_images(World *w, const char *name, const char *want) {
  char *got = status_images(w, name);
  if (strcmp(got, want))
    fail_msg("%s status.images:\n got  %s\n want %s", name, got, want);
  g_free(got);
}

static KsImageNodeStats stats_of(World *w, const char *name) {
  KsImageManager *m = ks_node_agent_images(w->agent);
  KsImageNodeStats s = {0};
  for (guint i = 0; i < ks_image_manager_n_nodes(m); i++) {
    ks_image_manager_node_stats(m, i, &s);
    if (!strcmp(s.node, name))
      return s;
  }
  fail_msg("no stats for %s", name);
  return s;
}

/* ---- serialized pulls --------------------------------------------------------------- */

/* p1 (a:1), p2 (b:1), p3 (a:1) bound to n1 at 0. One pull at a time:
 * a:1 0 -> 0.1 (registry) -> 2.1 (20Mi at 10Mi/s); b:1 2.1 -> 2.2 -> 5.2.
 * p3 shares a:1's pull. Running 1 s after: 3.1, 6.2, 3.1. */
static void test_serialized(void **state) {
  (void)state;
  World w;
  world_init(&w, NULL);
  add_node(&w, "n1", NULL, 0, NULL);
  add_pod(&w, "p1", "n1", "a:1", KS_PULL_POLICY_UNSET, NULL, NULL);
  add_pod(&w, "p2", "n1", "b:1", KS_PULL_POLICY_UNSET, NULL, NULL);
  add_pod(&w, "p3", "n1", "a:1", KS_PULL_POLICY_UNSET, NULL, NULL);
  ks_engine_run_until(w.engine, S(3));
  const KsPod *p2 = pod(&w, "p2");
  assert_int_equal(p2->phase, KS_POD_PENDING);
  assert_int_equal(p2->container_state.kind, KS_CONTAINER_WAITING);
  assert_string_equal(p2->container_state.reason, "ContainerCreating");
  assert_null(p2->container_state.message);
  assert_int_equal(pod(&w, "p1")->phase, KS_POD_PENDING);
  assert_images(&w, "n1", "a:1=20971520");
  ks_engine_run_until(w.engine, S(10));
  assert_started(&w, "p1", MS(3100));
  assert_started(&w, "p2", MS(6200));
  assert_started(&w, "p3", MS(3100));
  assert_int_equal(pod(&w, "p2")->container_state.kind, KS_CONTAINER_RUNNING);
  assert_images(&w, "n1", "b:1=31457280,a:1=20971520");
  KsImageNodeStats s = stats_of(&w, "n1");
  assert_int_equal(s.pulls, 2);
  assert_true(s.bytes == 50 * MI);
  assert_int_equal(s.registry_checks, 0);
  assert_int_equal(s.pods_waited, 3);
  assert_true(s.wait_us == MS(2100 + 5200 + 2100));
  assert_true(s.max_wait_us == MS(5200));
  world_clear(&w);
}

/* ---- parallel pulls ---------------------------------------------------------------- */

static void parallel_unlimited(KsImagePullOptions *o) { o->serialize_image_pulls = FALSE; }
static void parallel_two(KsImagePullOptions *o) {
  o->serialize_image_pulls = FALSE;
  o->max_parallel_image_pulls = 2;
}

/* a:1 (20Mi), b:1 (30Mi), c:1 (10Mi) requested at 0 on n1 (10Mi/s):
 * unlimited: all three past the registry at 0.1 and share 10Mi/s, 10/3 each:
 *   c:1 done at 0.1 + 3 = 3.1 (10Mi each moved); a:1 and b:1 then 5Mi/s:
 *   a:1's last 10Mi at 5.1; b:1 alone, 10Mi left at 10Mi/s: 6.1.
 * at most 2: a:1 and b:1 share from 0.1: a:1 done at 0.1 + 4 = 4.1 (b:1 has
 *   10Mi left); c:1 starts at 4.1, registry to 4.2; b:1 alone 4.1 -> 4.2 moves
 *   1Mi (9Mi left), then b:1 and c:1 share: b:1's 9Mi at 5Mi/s -> 6.0, c:1 has
 *   1Mi left, alone: 6.1. Running 1 s after. */
static void test_parallel(void **state) {
  (void)state;
  static const struct {
    void (*tune)(KsImagePullOptions *);
    gint64 a, b, c;
  } cases[] = {
      {parallel_unlimited, MS(6100), MS(7100), MS(4100)},
      {parallel_two, MS(5100), MS(7000), MS(7100)},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    World w;
    world_init(&w, cases[i].tune);
    add_node(&w, "n1", NULL, 0, NULL);
    add_pod(&w, "pa", "n1", "a:1", KS_PULL_POLICY_UNSET, NULL, NULL);
    add_pod(&w, "pb", "n1", "b:1", KS_PULL_POLICY_UNSET, NULL, NULL);
    add_pod(&w, "pc", "n1", "c:1", KS_PULL_POLICY_UNSET, NULL, NULL);
    ks_engine_run_until(w.engine, S(20));
    assert_started(&w, "pa", cases[i].a);
    assert_started(&w, "pb", cases[i].b);
    assert_started(&w, "pc", cases[i].c);
    assert_images(&w, "n1", "b:1=31457280,a:1=20971520,c:1=10485760");
    world_clear(&w);
  }
}

/* ---- policies ---------------------------------------------------------------------- */

/* n1 has x:1 and redis (redis:latest). At 0: ifnp (x:1, IfNotPresent by
 * default) starts at 1 s, no pull; always (redis: Always) waits for a
 * registry round-trip: 1.1 s; never (y:1 absent, Never) waits with
 * ErrImageNeverPull; explicit (z:1 absent, ksim.io/start-latency 5s) starts
 * at 5 s without a pull. At 2 s puller asks for y:1, listed nowhere and
 * reported by no node, so of the catalog's default size (0 here): registry
 * 2 -> 2.1, nothing to move: y:1 lands at 2.1; never is tried again then and
 * starts at 3.1, as puller does. */
static void test_policies(void **state) {
  (void)state;
  World w;
  world_init(&w, NULL);
  static const char *const images[] = {"x:1=1000", "redis=2000", NULL};
  add_node(&w, "n1", images, 0, NULL);
  add_pod(&w, "ifnp", "n1", "x:1", KS_PULL_POLICY_UNSET, NULL, NULL);
  add_pod(&w, "always", "n1", "redis", KS_PULL_POLICY_UNSET, NULL, NULL);
  add_pod(&w, "never", "n1", "y:1", KS_PULL_NEVER, NULL, NULL);
  add_pod(&w, "explicit", "n1", "z:1", KS_PULL_IF_NOT_PRESENT, NULL, "5s");
  ks_engine_run_until(w.engine, S(2));
  assert_started(&w, "ifnp", S(1));
  assert_started(&w, "always", MS(1100));
  const KsPod *nv = pod(&w, "never");
  assert_int_equal(nv->phase, KS_POD_PENDING);
  assert_int_equal(nv->container_state.kind, KS_CONTAINER_WAITING);
  assert_string_equal(nv->container_state.reason, "ErrImageNeverPull");
  assert_string_equal(nv->container_state.message,
                      "Container image \"y:1\" is not present with pull policy of Never");
  add_pod(&w, "puller", "n1", "y:1", KS_PULL_IF_NOT_PRESENT, NULL, NULL);
  ks_engine_run_until(w.engine, S(10));
  assert_started(&w, "never", MS(3100));
  assert_started(&w, "puller", MS(3100));
  assert_started(&w, "explicit", S(5));
  assert_images(&w, "n1", "redis=2000,x:1=1000,y:1=0");
  KsImageNodeStats s = stats_of(&w, "n1");
  assert_int_equal(s.pulls, 1);
  assert_int_equal(s.registry_checks, 1);
  assert_int_equal(s.pods_waited, 2);
  world_clear(&w);
}

/* ---- status.images: order and cap ------------------------------------------------ */

static void cap_two(KsImagePullOptions *o) { o->node_status_max_images = 2; }

/* n1 reports m:1 (15Mi, two names); a:1 (20Mi) then c:1 (10Mi) are pulled:
 * largest first, at most 2. The names of a reported image stay as they were. */
static void test_status_images(void **state) {
  (void)state;
  World w;
  world_init(&w, cap_two);
  KsNode *n = ks_node_new("n1");
  n->images = g_array_new(FALSE, TRUE, sizeof(KsContainerImage));
  g_array_set_clear_func(n->images, image_clear);
  KsContainerImage ci = {g_strsplit("m:1,example/m@sha256:ff", ",", -1), 15 * MI};
  g_array_append_val(n->images, ci);
  assert_true(ks_store_create(w.store, KS_STORE_NODE, NULL, "n1", n,
                              (GDestroyNotify)ks_node_unref, NULL));
  add_pod(&w, "p1", "n1", "c:1", KS_PULL_POLICY_UNSET, NULL, NULL);
  ks_engine_run_until(w.engine, S(2)); /* c:1 lands at 1.1 */
  assert_images(&w, "n1", "m:1|example/m@sha256:ff=15728640,c:1=10485760");
  add_pod(&w, "p2", "n1", "a:1", KS_PULL_POLICY_UNSET, NULL, NULL);
  ks_engine_run_until(w.engine, S(10)); /* a:1 lands at 4.1 */
  assert_images(&w, "n1", "a:1=20971520,m:1|example/m@sha256:ff=15728640");
  world_clear(&w);
}

/* ---- ImageLocality sees a pulled image ------------------------------------------ */

static KsNode *node_ref(World *w, const char *name) { return ks_node_ref((KsNode *)node(w, name)); }

/* n1 pulls big:1 (500Mi, the catalog default here); then the scheduler's
 * ImageLocality over n1 and n2 for a pod of big:1: the image is on 1 of 2
 * nodes, sum = int64(524288000 * 1/2) = 262144000, score
 * 100 * (262144000 - 23Mi) / (1000Mi - 23Mi) = 23 on n1, 0 on n2. Before
 * the pull both score 0. */
static void default_500mi(KsImagePullOptions *o) {
  ((KsImageCatalog *)o->catalog)->default_size_bytes = 500 * MI;
  ((KsImageCatalog *)o->catalog)->bandwidth = 0; /* unlimited: lands after the registry */
}

static void score(World *w, gint64 *got) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_image_locality, NULL);
  ks_test_env_add_node(&e, node_ref(w, "n1"));
  ks_test_env_add_node(&e, node_ref(w, "n2"));
  KsPod *p = ks_pod_new("default", "q");
  ks_pod_add_container(p, "c", FALSE)->image = g_strdup("big:1");
  assert_int_equal(ks_test_env_score(&e, p, NULL, 0, got), KS_SCHED_SUCCESS);
  ks_pod_unref(p);
  ks_test_env_clear(&e);
}

static void test_image_locality_sees_pull(void **state) {
  (void)state;
  World w;
  world_init(&w, default_500mi);
  add_node(&w, "n1", NULL, 0, NULL);
  add_node(&w, "n2", NULL, 0, NULL);
  ks_engine_run_until(w.engine, 0);
  gint64 got[2];
  score(&w, got);
  assert_int_equal(got[0], 0);
  assert_int_equal(got[1], 0);
  add_pod(&w, "p1", "n1", "big:1", KS_PULL_POLICY_UNSET, NULL, NULL);
  ks_engine_run_until(w.engine, S(1));
  assert_images(&w, "n1", "big:1=524288000");
  score(&w, got);
  assert_int_equal(got[0], 23);
  assert_int_equal(got[1], 0);
  world_clear(&w);
}

/* The whole run: two equal nodes; first (big:1) at 0s lands on one of them
 * and pulls; second (big:1) at 60s goes to the same node, which ImageLocality
 * now prefers by 23 (the resource scores favour the empty node by 2 or less
 * on these 64-cpu nodes), and starts 1 s after binding, without a pull. */
static const char scenario_yaml[] =
    "apiVersion: ksim.io/v1alpha1\nkind: Scenario\nmetadata: {name: follow}\n"
    "spec:\n"
    "  duration: 2m\n"
    "  images: [{name: 'big:1', sizeBytes: 500Mi}]\n"
    "  imagePulls: {bandwidth: 100Mi}\n"
    "  nodePools:\n"
    "  - name: n\n"
    "    count: 2\n"
    "    template: {apiVersion: v1, kind: Node, status: {capacity: {cpu: '64', memory: 256Gi, "
    "pods: '10'}}}\n"
    "  workloads:\n"
    "  - at: 0s\n"
    "    objects:\n"
    "    - {apiVersion: v1, kind: Pod, metadata: {name: first}, spec: {containers: [{name: c, "
    "image: 'big:1', resources: {requests: {cpu: '1'}}}]}}\n"
    "  - at: 60s\n"
    "    objects:\n"
    "    - {apiVersion: v1, kind: Pod, metadata: {name: second}, spec: {containers: [{name: c, "
    "image: 'big:1', resources: {requests: {cpu: '1'}}}]}}\n";

static void test_second_pod_follows_image(void **state) {
  (void)state;
  for (guint64 seed = 1; seed <= 4; seed++) { /* whichever node the first takes */
    GError *error = NULL;
    KsScenario *s = ks_scenario_load_string(scenario_yaml, strlen(scenario_yaml), "follow.yaml",
                                            NULL, &error);
    if (!s)
      fail_msg("%s", error->message);
    char *out = g_strdup_printf("%s/ksim-image-follow-%d.h5", g_get_tmp_dir(), (int)getpid());
    KsRunOptions opts = {.output = out, .has_seed = TRUE, .seed = seed};
    KsRunReport report;
    if (!ks_simulation_run(s, &opts, &report, &error))
      fail_msg("%s", error->message);
    ks_run_report_clear(&report);
    KsResults *r = ks_results_read(out, &error);
    assert_non_null(r);
    assert_int_equal(r->n_pods, 2);
    const KsPodRow *first = &r->pods[0], *second = &r->pods[1];
    assert_string_equal(first->name, "first");
    /* 0.1 s registry + 500Mi at 100Mi/s + 1 s */
    assert_true(first->started_us == MS(6100));
    assert_int_equal(second->node, first->node);
    assert_true(second->started_us == second->scheduled_us + S(1));
    ks_results_free(r);
    g_unlink(out);
    g_free(out);
    ks_scenario_free(s);
  }
}

/* ---- image garbage collection ------------------------------------------------------ */

/* n1: 1000Mi of ephemeral storage; i1 100Mi, i2 200Mi, i3 300Mi already
 * there; 100Mi/s. GC every 5 minutes (0, 300, 600 s), high 85 %, low 80 %,
 * minimum age 2 minutes.
 *   u2 (i2, runs 700 s) and u3 (i3, runs 320 s) start at 1 s; u4 pulls i4
 *   (300Mi): 0.1 + 3 s, runs 300 s from 4.1 s.
 *   300 s: usage 900Mi = 90 % >= 85: free 1000Mi * 20 % - 100Mi = 100Mi.
 *     In use: i2, i3, i4 (lastUsed = 300 s). Unused: i1 -> deleted.
 *   u5 pulls i5 (100Mi) at 400 s (lands 401.1, runs on); u6 pulls i6 (50Mi)
 *   at 550 s (lands 550.6), runs 5 s.
 *   600 s: usage 950Mi = 95 %: free 200Mi - 50Mi = 150Mi. In use: i2, i5.
 *     Unused in order: i6 (never used; detected 550.6 s: too young,
 *     skipped), i3 (used at 300 s, detected at 0), i4 (used at 300 s,
 *     detected at 4.1 s): i3 deleted (300Mi >= 150Mi), i4 kept. */
static void test_gc(void **state) {
  (void)state;
  World w;
  world_init(&w, NULL);
  ((KsImageCatalog *)w.catalog)->bandwidth = 100 * MI;
  KsImageCatalog *c = w.catalog;
  static const struct {
    const char *name;
    gint64 mi;
  } sizes[] = {{"i4:1", 300}, {"i5:1", 100}, {"i6:1", 50}};
  for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
    gint64 *v = g_new(gint64, 1);
    *v = sizes[i].mi * MI;
    g_hash_table_insert(c->sizes, g_strdup(sizes[i].name), v);
  }
  char *i1 = g_strdup_printf("i1:1=%" G_GINT64_FORMAT, 100 * MI);
  char *i2 = g_strdup_printf("i2:1=%" G_GINT64_FORMAT, 200 * MI);
  char *i3 = g_strdup_printf("i3:1=%" G_GINT64_FORMAT, 300 * MI);
  const char *const images[] = {i1, i2, i3, NULL};
  add_node(&w, "n1", images, 1000 * MI, NULL);
  add_pod(&w, "u2", "n1", "i2:1", KS_PULL_POLICY_UNSET, "700s", NULL);
  add_pod(&w, "u3", "n1", "i3:1", KS_PULL_POLICY_UNSET, "320s", NULL);
  add_pod(&w, "u4", "n1", "i4:1", KS_PULL_POLICY_UNSET, "300s", NULL);
  ks_engine_run_until(w.engine, S(299));
  assert_images(&w, "n1", "i3:1=314572800,i4:1=314572800,i2:1=209715200,i1:1=104857600");
  ks_engine_run_until(w.engine, S(300));
  assert_images(&w, "n1", "i3:1=314572800,i4:1=314572800,i2:1=209715200");
  ks_engine_run_until(w.engine, S(400));
  add_pod(&w, "u5", "n1", "i5:1", KS_PULL_POLICY_UNSET, NULL, NULL);
  ks_engine_run_until(w.engine, S(550));
  add_pod(&w, "u6", "n1", "i6:1", KS_PULL_POLICY_UNSET, "5s", NULL);
  ks_engine_run_until(w.engine, S(599));
  assert_int_equal(pod(&w, "u6")->phase, KS_POD_SUCCEEDED);
  assert_int_equal(pod(&w, "u3")->phase, KS_POD_SUCCEEDED);
  ks_engine_run_until(w.engine, S(600));
  assert_images(&w, "n1", "i4:1=314572800,i2:1=209715200,i5:1=104857600,i6:1=52428800");
  KsImageNodeStats s = stats_of(&w, "n1");
  assert_int_equal(s.gc_images, 2);
  assert_true(s.gc_bytes == 400 * MI);
  assert_int_equal(s.pulls, 3);
  g_free(i1);
  g_free(i2);
  g_free(i3);
  world_clear(&w);
}

/* workloads/examples/image-pulls.yaml, timed in its header: web on the
 * 20Mi/s nodes 0.1 + 3 + 1 = 4.1 s, on fast-0 0.1 + 0.6 + 1 = 1.7 s; the
 * trainer on big-0 (its image there) at 11 s; cache (redis, Always, 40Mi)
 * at 20 + 0.1 + 2 + 1 = 23.1 s; offline never starts. */
static void test_example(void **state) {
  (void)state;
  char *path = g_strdup_printf("%s/../../workloads/examples/image-pulls.yaml", KSIM_TEST_DATA);
  KsResults *r = ks_test_run_scenario(path);
  g_free(path);
  guint fast = 0, at_41 = 0;
  for (gsize i = 0; i < r->n_pods; i++) {
    const KsPodRow *p = &r->pods[i];
    if (strncmp(p->name, "web-", 4))
      continue;
    if (!strcmp(r->nodes[p->node].name, "fast-0")) {
      fast++;
      assert_true(p->started_us == MS(1700));
    } else {
      at_41++;
      assert_true(p->started_us == MS(4100));
    }
  }
  assert_int_equal(fast, 1);
  assert_int_equal(at_41, 2);
  const KsPodRow *t = ks_test_pod_row(r, "trainer-0");
  assert_string_equal(r->nodes[t->node].name, "big-0");
  assert_true(t->started_us == S(11));
  assert_true(ks_test_pod_row(r, "cache")->started_us == MS(23100));
  assert_true(ks_test_pod_row(r, "offline")->started_us == -1);
  ks_results_free(r);
}

/* spec.kubeletConfig sets the pulls parallel, at most 2 (the times of
 * test_parallel's second case); /image_pulls and the summary line. */
static void test_kubelet_config_and_results(void **state) {
  (void)state;
  GError *error = NULL;
  char *out = ks_test_run_scenario_to_file(KSIM_TEST_DATA "/../scenarios/image-pulls-parallel.yaml",
                                           "image-kubelet");
  KsResults *r = ks_results_read(out, &error);
  assert_non_null(r);
  assert_true(ks_test_pod_row(r, "pa")->started_us == MS(5100));
  assert_true(ks_test_pod_row(r, "pb")->started_us == MS(7000));
  assert_true(ks_test_pod_row(r, "pc")->started_us == MS(7100));
  ks_results_free(r);
  KsImagePullTotals t;
  gboolean present = FALSE;
  assert_true(ks_image_results_read_totals(out, &t, &present, &error));
  assert_true(present);
  assert_int_equal(t.nodes, 1);
  assert_int_equal(t.pulls, 3);
  assert_true(t.bytes == 60 * MI);
  assert_int_equal(t.pods_waited, 3);
  assert_true(t.wait_us == MS(4100 + 6000 + 6100));
  assert_true(t.max_wait_us == MS(6100));
  char *text = NULL;
  gsize len = 0;
  FILE *f = open_memstream(&text, &len);
  assert_true(ks_summary_print(out, KS_SUMMARY_TABLE, f, &error));
  fclose(f);
  assert_non_null(strstr(text, "\nimage pulls          3 pulls (60.0 MiB) on 1 nodes, 0 registry "
                               "checks; 3 pods waited, mean 5.400s max 6.100s; GC deleted 0 "
                               "images (0.0 MiB)\n"));
  free(text);
  g_unlink(out);
  g_free(out);
}

/* A run without an image model has no /image_pulls and no summary line. */
static void test_no_model_no_dataset(void **state) {
  (void)state;
  char *path = g_strdup_printf("%s/../../workloads/examples/tiny.yaml", KSIM_TEST_DATA);
  GError *error = NULL;
  KsScenario *s = ks_scenario_load_file(path, &error);
  assert_non_null(s);
  assert_null(s->images);
  char *out = g_strdup_printf("%s/ksim-image-none-%d.h5", g_get_tmp_dir(), (int)getpid());
  KsRunOptions opts = {.output = out};
  KsRunReport report;
  assert_true(ks_simulation_run(s, &opts, &report, &error));
  ks_run_report_clear(&report);
  KsImagePullTotals t;
  gboolean present = TRUE;
  assert_true(ks_image_results_read_totals(out, &t, &present, &error));
  assert_false(present);
  g_unlink(out);
  g_free(out);
  g_free(path);
  ks_scenario_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pull_policy),
      cmocka_unit_test(test_serialized),
      cmocka_unit_test(test_parallel),
      cmocka_unit_test(test_policies),
      cmocka_unit_test(test_status_images),
      cmocka_unit_test(test_image_locality_sees_pull),
      cmocka_unit_test(test_second_pod_follows_image),
      cmocka_unit_test(test_gc),
      cmocka_unit_test(test_example),
      cmocka_unit_test(test_kubelet_config_and_results),
      cmocka_unit_test(test_no_model_no_dataset),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
