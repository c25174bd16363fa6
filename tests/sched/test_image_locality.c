/* ImageLocality, ported from upstream v1.31
 * pkg/scheduler/framework/plugins/imagelocality/image_locality_test.go
 * TestImageLocalityPriority (every case, exact scores), plus: the spread
 * counts all nodes of the cluster even when only some are scored, and a
 * Score after the cluster changed does not reuse stale per-cycle data. */
#include "tests/sched/plugin_harness.h"

#include "sched/plugins/image_locality.h"

#define MB (G_GINT64_CONSTANT(1024) * 1024)
#define V(...) ((const char *const[]){__VA_ARGS__, NULL})

static void image_clear(gpointer p) {
  g_strfreev(((KsContainerImage *)p)->names);
}

static void add_image(KsNode *n, gint64 size_mb, const char *const *names) {
  if (!n->images) {
    n->images = g_array_new(FALSE, TRUE, sizeof(KsContainerImage));
    g_array_set_clear_func(n->images, image_clear);
  }
  KsContainerImage im = {g_strdupv((char **)names), size_mb * MB};
  g_array_append_val(n->images, im);
}

/* ---- node statuses of the upstream test ---------------------------------------- */

typedef void (*NodeStatusFn)(KsNode *);

static void node403002000(KsNode *n) {
  add_image(n, 40, V("gcr.io/40:latest", "gcr.io/40:v1", "gcr.io/40:v1"));
  add_image(n, 300, V("gcr.io/300:latest", "gcr.io/300:v1"));
  add_image(n, 2000, V("gcr.io/2000:latest"));
}
static void node25010(KsNode *n) {
  add_image(n, 250, V("gcr.io/250:latest"));
  add_image(n, 10, V("gcr.io/10:latest", "gcr.io/10:v1"));
}
static void node60040900(KsNode *n) {
  add_image(n, 600, V("gcr.io/600:latest"));
  add_image(n, 40, V("gcr.io/40:latest"));
  add_image(n, 900, V("gcr.io/900:latest"));
}
static void node300600900(KsNode *n) {
  add_image(n, 300, V("gcr.io/300:latest"));
  add_image(n, 600, V("gcr.io/600:latest"));
  add_image(n, 900, V("gcr.io/900:latest"));
}
static void node400030(KsNode *n) {
  add_image(n, 4000, V("gcr.io/4000:latest"));
  add_image(n, 30, V("gcr.io/30:latest"));
}
static void node203040(KsNode *n) {
  add_image(n, 20, V("gcr.io/20:latest"));
  add_image(n, 30, V("gcr.io/30:latest"));
  add_image(n, 40, V("gcr.io/40:latest"));
}
static void no_images(KsNode *n) { (void)n; }

typedef struct {
  const char *name; /* upstream case name */
  const char *const *images; /* pod containers */
  const char *const *init_images;
  NodeStatusFn nodes[3];
  guint n_nodes;
  gint64 want[3];
} Case;

static const Case cases[] = {
    {"two images spread on two nodes, prefer the larger image one", V("gcr.io/40", "gcr.io/250"),
     NULL, {node403002000, node25010}, 2, {0, 5}},
    {"two images on one node, prefer this node", V("gcr.io/40", "gcr.io/300"), NULL,
     {node403002000, node25010}, 2, {7, 0}},
    {"if exceed limit, use limit", V("gcr.io/10", "gcr.io/4000"), NULL, {node400030, node25010}, 2,
     {100, 0}},
    {"if exceed limit, use limit (with node which has no images present)",
     V("gcr.io/10", "gcr.io/4000"), NULL, {node400030, node25010, no_images}, 3, {66, 0, 0}},
    {"pod with multiple large images, node2 is preferred",
     V("gcr.io/300", "gcr.io/600", "gcr.io/900"), NULL, {node60040900, node300600900, no_images},
     3, {32, 36, 0}},
    {"pod with multiple small images", V("gcr.io/30", "gcr.io/40"), NULL, {node203040, node400030},
     2, {1, 0}},
    {"include InitContainers: two images spread on two nodes, prefer the larger image one",
     V("gcr.io/30"), V("gcr.io/300"), {node403002000, node203040}, 2, {6, 0}},
};

static KsPod *make_pod(const char *const *images, const char *const *init_images) {
  KsPod *p = ks_pod_new("default", "p");
  for (guint i = 0; init_images && init_images[i]; i++)
    ks_pod_add_container(p, "init", TRUE)->image = g_strdup(init_images[i]);
  for (guint i = 0; images && images[i]; i++)
    ks_pod_add_container(p, "c", FALSE)->image = g_strdup(images[i]);
  return p;
}

static void add_nodes(KsTestEnv *e, const NodeStatusFn *fns, guint n) {
  for (guint i = 0; i < n; i++) {
    char *name = g_strdup_printf("node%u", i + 1);
    KsNode *node = ks_node_new(name);
    g_free(name);
    fns[i](node);
    ks_test_env_add_node(e, node);
  }
}

static void test_image_locality_priority(void **state) {
  (void)state;
  for (guint c = 0; c < G_N_ELEMENTS(cases); c++) {
    const Case *tc = &cases[c];
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_image_locality, NULL);
    add_nodes(&e, tc->nodes, tc->n_nodes);
    KsPod *pod = make_pod(tc->images, tc->init_images);
    gint64 got[3];
    assert_int_equal(ks_test_env_score(&e, pod, NULL, 0, got), KS_SCHED_SUCCESS);
    for (guint i = 0; i < tc->n_nodes; i++)
      if (got[i] != tc->want[i])
        fail_msg("%s: node%u scored %" G_GINT64_FORMAT ", want %" G_GINT64_FORMAT, tc->name,
                 i + 1, got[i], tc->want[i]);
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
}

/* Scoring only node2 of case 5: the spread still divides by all 3 nodes
 * (kube-semantics 3.10, 9.5), so node2 keeps 36. */
static void test_spread_counts_all_nodes(void **state) {
  (void)state;
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_image_locality, NULL);
  add_nodes(&e, cases[4].nodes, 3);
  KsPod *pod = make_pod(cases[4].images, NULL);
  guint only[] = {1};
  gint64 got[1];
  assert_int_equal(ks_test_env_score(&e, pod, only, 1, got), KS_SCHED_SUCCESS);
  assert_int_equal(got[0], 36);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

/* The per-cycle data follows the cluster: after node1 of case 2 goes, the
 * same pod scores its images on node2 against one node, not two. */
static void test_stale_cycle_data(void **state) {
  (void)state;
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_image_locality, NULL);
  add_nodes(&e, (NodeStatusFn[]){node403002000, node403002000}, 2);
  KsPod *pod = make_pod(V("gcr.io/40", "gcr.io/300"), NULL);
  gint64 got[2];
  assert_int_equal(ks_test_env_score(&e, pod, NULL, 0, got), KS_SCHED_SUCCESS);
  /* (40 + 300) MiB * 2/2 = 340 MiB: 100 * (340 - 23) / (2000 - 23) = 16 */
  assert_int_equal(got[0], 16);
  assert_int_equal(got[1], 16);
  /* a third node without the images: the spread becomes 2/3; Score without PreScore rebuilds */
  KsNode *bare = ks_node_new("node3");
  ks_test_env_add_node(&e, bare);
  KsSchedStatus st;
  ks_sched_status_reset(&st);
  gint64 s = -1;
  e.plugin->desc->score(e.plugin, &e.cs, pod, e.cache, e.slots[0], &s, &st);
  /* int64(40 MiB * 2/3) + int64(300 MiB * 2/3): 100 * (sum - 23 MiB) / (2000 MiB - 23 MiB) */
  gint64 sum = (gint64)((double)(40 * MB) * (2.0 / 3.0)) + (gint64)((double)(300 * MB) * (2.0 / 3.0));
  assert_int_equal(s, 100 * (sum - 23 * MB) / (2000 * MB - 23 * MB));
  assert_int_equal(s, 10);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

/* A pod without containers scores 0 (no division by zero). */
static void test_no_containers(void **state) {
  (void)state;
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_image_locality, NULL);
  add_nodes(&e, (NodeStatusFn[]){node403002000}, 1);
  KsPod *pod = make_pod(NULL, NULL);
  gint64 got[1];
  assert_int_equal(ks_test_env_score(&e, pod, NULL, 0, got), KS_SCHED_SUCCESS);
  assert_int_equal(got[0], 0);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_image_locality_priority),
      cmocka_unit_test(test_spread_counts_all_nodes),
      cmocka_unit_test(test_stale_cycle_data),
      cmocka_unit_test(test_no_containers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
