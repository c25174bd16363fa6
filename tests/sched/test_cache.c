/* Cache additions: image states (upstream NodeInfo.ImageStates and the
 * image-name normalization of imagelocality), namespace labels, and the pod
 * (anti-)affinity lists (NodeInfo.PodsWithAffinity /
 * PodsWithRequiredAntiAffinity and the snapshot's HavePodsWith... lists). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sched/cache.h"
#include "sched/objects.h"

#define MB (G_GINT64_CONSTANT(1024) * 1024)

static void image_clear(gpointer p) {
  g_strfreev(((KsContainerImage *)p)->names);
}

/* Appends an image entry with the given NULL-terminated names. */
static void add_image(KsNode *n, gint64 size, const char *const *names) {
  if (!n->images) {
    n->images = g_array_new(FALSE, TRUE, sizeof(KsContainerImage));
    g_array_set_clear_func(n->images, image_clear);
  }
  KsContainerImage im = {g_strdupv((char **)names), size};
  g_array_append_val(n->images, im);
}

/* ---- normalization (upstream TestNormalizedImageName) ------------------------ */

static void test_normalize(void **state) {
  (void)state;
  static const struct {
    const char *in, *out;
  } cases[] = {
      {"root", "root:latest"},                       /* add :latest postfix 1 */
      {"gcr.io:5000/root", "gcr.io:5000/root:latest"}, /* add :latest postfix 2 */
      {"root:tag", "root:tag"},                      /* keep it as is 1 */
      /* keep it as is 2: a digest (sha256 of "root") */
      {"root@sha256:4813494d137e1631bba301d5acab6e7bb7aa74ce1185d456565ef51d737677b2",
       "root@sha256:4813494d137e1631bba301d5acab6e7bb7aa74ce1185d456565ef51d737677b2"},
      {"gcr.io:5000/root:v2", "gcr.io:5000/root:v2"},
      {"", ":latest"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    char *got = ks_sched_normalize_image_name(cases[i].in);
    assert_string_equal(got, cases[i].out);
    g_free(got);
  }
  GString *buf = g_string_new("left over");
  ks_sched_normalize_image_name_into(buf, "busybox");
  assert_string_equal(buf->str, "busybox:latest");
  g_string_free(buf, TRUE);
}

/* ---- image states ------------------------------------------------------------ */

static void test_image_states(void **state) {
  (void)state;
  KsSchedCache *c = ks_sched_cache_new();
  KsNode *n1 = ks_node_new("node1");
  add_image(n1, 40 * MB, (const char *const[]){"gcr.io/40:latest", "gcr.io/40:v1", "gcr.io/40:v1", NULL});
  add_image(n1, 300 * MB, (const char *const[]){"gcr.io/300:latest", NULL});
  KsNode *n2 = ks_node_new("node2");
  add_image(n2, 41 * MB, (const char *const[]){"gcr.io/40", NULL}); /* stored normalized */
  add_image(n2, 10 * MB, (const char *const[]){"gcr.io/10:latest", NULL});
  KsNode *n3 = ks_node_new("node3"); /* no images */
  guint s1 = ks_sched_cache_set_node(c, n1);
  guint s2 = ks_sched_cache_set_node(c, n2);
  guint s3 = ks_sched_cache_set_node(c, n3);

  gint64 size = 0;
  guint num = 0;
  assert_true(ks_sched_cache_image_state(c, "gcr.io/40:latest", &size, &num));
  assert_int_equal(num, 2);
  assert_int_equal(size, 40 * MB); /* the first reporter's size */
  assert_int_equal(ks_sched_cache_image_num_nodes(c, "gcr.io/40:v1"), 1); /* listed twice, one node */
  assert_int_equal(ks_sched_cache_image_num_nodes(c, "gcr.io/300:latest"), 1);
  assert_int_equal(ks_sched_cache_image_num_nodes(c, "gcr.io/40"), 0); /* callers normalize */
  assert_false(ks_sched_cache_image_state(c, "gcr.io/missing:latest", &size, &num));
  assert_int_equal(ks_sched_cache_node_image_size(c, s1, "gcr.io/40:latest"), 40 * MB);
  assert_int_equal(ks_sched_cache_node_image_size(c, s2, "gcr.io/40:latest"), 41 * MB);
  assert_int_equal(ks_sched_cache_node_image_size(c, s2, "gcr.io/300:latest"), -1);
  assert_int_equal(ks_sched_cache_node_image_size(c, s3, "gcr.io/40:latest"), -1);
  assert_int_equal(ks_sched_cache_node_image_size(c, 1000, "gcr.io/40:latest"), -1);

  /* replace node2: drops 40 and 10, adds 300 */
  KsNode *n2b = ks_node_copy(n2);
  g_array_set_size(n2b->images, 0);
  add_image(n2b, 300 * MB, (const char *const[]){"gcr.io/300:latest", NULL});
  assert_int_equal(ks_sched_cache_set_node(c, n2b), s2);
  assert_int_equal(ks_sched_cache_image_num_nodes(c, "gcr.io/40:latest"), 1);
  assert_int_equal(ks_sched_cache_image_num_nodes(c, "gcr.io/10:latest"), 0);
  assert_false(ks_sched_cache_image_state(c, "gcr.io/10:latest", NULL, NULL));
  assert_int_equal(ks_sched_cache_image_num_nodes(c, "gcr.io/300:latest"), 2);
  assert_int_equal(ks_sched_cache_node_image_size(c, s2, "gcr.io/40:latest"), -1);
  assert_int_equal(ks_sched_cache_node_image_size(c, s2, "gcr.io/300:latest"), 300 * MB);

  /* remove node1 while it still hosts a pod: the ghost slot reports nothing */
  KsPod *p = ks_pod_new("default", "p");
  ks_sched_cache_add_pod(c, p, "node1");
  assert_true(ks_sched_cache_remove_node(c, "node1"));
  assert_int_equal(ks_sched_cache_image_num_nodes(c, "gcr.io/40:latest"), 0);
  assert_int_equal(ks_sched_cache_image_num_nodes(c, "gcr.io/300:latest"), 1);
  assert_int_equal(ks_sched_cache_node_image_size(c, s1, "gcr.io/300:latest"), -1);
  /* the node comes back on its ghost slot */
  assert_int_equal(ks_sched_cache_set_node(c, n1), s1);
  assert_int_equal(ks_sched_cache_image_num_nodes(c, "gcr.io/300:latest"), 2);
  assert_int_equal(ks_sched_cache_node_image_size(c, s1, "gcr.io/40:v1"), 40 * MB);

  ks_pod_unref(p);
  ks_node_unref(n1);
  ks_node_unref(n2);
  ks_node_unref(n2b);
  ks_node_unref(n3);
  ks_sched_cache_free(c);
}

/* ---- namespaces -------------------------------------------------------------- */

static void test_namespaces(void **state) {
  (void)state;
  KsSchedCache *c = ks_sched_cache_new();
  assert_null(ks_sched_cache_namespace_labels(c, "team-a"));
  KsLabels l;
  ks_labels_init(&l);
  ks_labels_set(&l, "team", "a");
  ks_sched_cache_set_namespace(c, "team-a", &l);
  ks_labels_set(&l, "team", "changed"); /* the cache holds a copy */
  const KsLabels *got = ks_sched_cache_namespace_labels(c, "team-a");
  assert_non_null(got);
  assert_string_equal(ks_labels_get(got, "team"), "a");
  ks_sched_cache_set_namespace(c, "team-a", &l); /* replace */
  assert_string_equal(ks_labels_get(ks_sched_cache_namespace_labels(c, "team-a"), "team"),
                      "changed");
  ks_sched_cache_set_namespace(c, "bare", NULL);
  assert_int_equal(ks_sched_cache_namespace_labels(c, "bare")->n, 0);
  assert_true(ks_sched_cache_remove_namespace(c, "team-a"));
  assert_false(ks_sched_cache_remove_namespace(c, "team-a"));
  assert_null(ks_sched_cache_namespace_labels(c, "team-a"));
  ks_labels_clear(&l);
  ks_sched_cache_free(c);
}

/* ---- pod (anti-)affinity lists ----------------------------------------------- */

static KsPod *pod_with(const char *name, gboolean affinity, gboolean anti_required,
                       gboolean anti_preferred) {
  KsPod *p = ks_pod_new("default", name);
  if (!affinity && !anti_required && !anti_preferred)
    return p;
  p->affinity = ks_affinity_new();
  if (affinity)
    p->affinity->pod_affinity = ks_pod_affinity_new();
  if (anti_required || anti_preferred) {
    p->affinity->pod_anti_affinity = ks_pod_affinity_new();
    if (anti_required) {
      p->affinity->pod_anti_affinity->required = ks_pod_affinity_term_array_new();
      g_array_set_size(p->affinity->pod_anti_affinity->required, 1);
      KsPodAffinityTerm *t =
          &g_array_index(p->affinity->pod_anti_affinity->required, KsPodAffinityTerm, 0);
      t->label_selector = ks_label_selector_new();
      t->topology_key = g_strdup("kubernetes.io/hostname");
    }
  }
  return p;
}

/* Every index the cache keeps agrees with the lists, and the cluster-wide
 * lists hold exactly the live slots with a non-empty per-slot list. */
static void check_lists(const KsSchedCache *c) {
  guint want_aff = 0, want_anti = 0;
  for (guint s = 0; s < c->cap; s++) {
    for (guint i = 0; i < c->pods_with_affinity[s]->len; i++) {
      const KsSchedPodEntry *e = g_ptr_array_index(c->pods_with_affinity[s], i);
      assert_int_equal(e->aff_pos, i);
      assert_int_equal(e->slot, s);
      assert_true(ks_sched_pod_has_affinity(e->pod));
    }
    for (guint i = 0; i < c->pods_with_required_anti_affinity[s]->len; i++) {
      const KsSchedPodEntry *e = g_ptr_array_index(c->pods_with_required_anti_affinity[s], i);
      assert_int_equal(e->anti_pos, i);
      assert_true(ks_sched_pod_has_required_anti_affinity(e->pod));
    }
    gboolean live = c->nodes[s] != NULL;
    gboolean has_aff = live && c->pods_with_affinity[s]->len > 0;
    gboolean has_anti = live && c->pods_with_required_anti_affinity[s]->len > 0;
    want_aff += has_aff;
    want_anti += has_anti;
    assert_int_equal(c->have_aff_pos[s] >= 0, has_aff);
    assert_int_equal(c->have_anti_pos[s] >= 0, has_anti);
    if (has_aff)
      assert_int_equal(c->have_affinity[c->have_aff_pos[s]], s);
    if (has_anti)
      assert_int_equal(c->have_required_anti_affinity[c->have_anti_pos[s]], s);
  }
  assert_int_equal(c->n_have_affinity, want_aff);
  assert_int_equal(c->n_have_required_anti_affinity, want_anti);
}

static void test_affinity_lists(void **state) {
  (void)state;
  KsSchedCache *c = ks_sched_cache_new();
  KsNode *n[3] = {ks_node_new("n0"), ks_node_new("n1"), ks_node_new("n2")};
  guint s[3];
  for (int i = 0; i < 3; i++)
    s[i] = ks_sched_cache_set_node(c, n[i]);
  KsPod *plain = pod_with("plain", FALSE, FALSE, FALSE);
  KsPod *aff = pod_with("aff", TRUE, FALSE, FALSE);
  KsPod *anti = pod_with("anti", FALSE, TRUE, FALSE);
  KsPod *soft = pod_with("soft", FALSE, FALSE, TRUE); /* preferred anti only */
  KsPod *both = pod_with("both", TRUE, TRUE, FALSE);
  assert_false(ks_sched_pod_has_affinity(plain));
  assert_true(ks_sched_pod_has_affinity(soft));
  assert_false(ks_sched_pod_has_required_anti_affinity(soft));
  assert_true(ks_sched_pod_has_required_anti_affinity(both));

  ks_sched_cache_add_pod(c, plain, "n0");
  ks_sched_cache_add_pod(c, aff, "n0");
  ks_sched_cache_add_pod(c, soft, "n1");
  ks_sched_cache_add_pod(c, anti, "n2");
  ks_sched_cache_assume_pod(c, both, s[0]);
  check_lists(c);
  assert_int_equal(c->pods_with_affinity[s[0]]->len, 2);
  assert_int_equal(c->pods_with_required_anti_affinity[s[0]]->len, 1);
  assert_int_equal(c->pods_with_affinity[s[1]]->len, 1);
  assert_int_equal(c->pods_with_required_anti_affinity[s[1]]->len, 0);
  assert_int_equal(c->n_have_affinity, 3);
  assert_int_equal(c->n_have_required_anti_affinity, 2);

  /* the first of two pods leaves: the second takes its place */
  assert_true(ks_sched_cache_remove_pod(c, aff));
  check_lists(c);
  assert_ptr_equal(((KsSchedPodEntry *)g_ptr_array_index(c->pods_with_affinity[s[0]], 0))->pod,
                   both);
  /* binding failed: the assumed pod goes, n0 has no affinity pods left */
  ks_sched_cache_forget_pod(c, both);
  check_lists(c);
  assert_int_equal(c->pods_with_affinity[s[0]]->len, 0);
  assert_int_equal(c->n_have_affinity, 2);
  assert_int_equal(c->n_have_required_anti_affinity, 1);

  /* a confirmed pod on another node moves with its lists */
  ks_sched_cache_assume_pod(c, both, s[0]);
  ks_sched_cache_add_pod(c, both, "n1");
  check_lists(c);
  assert_int_equal(c->pods_with_affinity[s[0]]->len, 0);
  assert_int_equal(c->pods_with_required_anti_affinity[s[1]]->len, 1);

  /* a removed node with pods is a ghost: out of the cluster lists, back when re-added */
  assert_true(ks_sched_cache_remove_node(c, "n2"));
  check_lists(c);
  assert_int_equal(c->n_have_required_anti_affinity, 1);
  assert_int_equal(c->have_required_anti_affinity[0], s[1]);
  assert_int_equal(ks_sched_cache_set_node(c, n[2]), s[2]);
  check_lists(c);
  assert_int_equal(c->n_have_required_anti_affinity, 2);

  /* a pod bound to an unknown node lands on a ghost slot: listed per slot only */
  KsPod *far = pod_with("far", TRUE, TRUE, FALSE);
  ks_sched_cache_add_pod(c, far, "unknown");
  check_lists(c);
  assert_int_equal(c->n_have_affinity, 2); /* n1 (soft, both), n2 (anti) */
  KsNode *unknown = ks_node_new("unknown");
  ks_sched_cache_set_node(c, unknown);
  check_lists(c);
  assert_int_equal(c->n_have_affinity, 3);

  assert_true(ks_sched_cache_remove_pod(c, anti));
  assert_true(ks_sched_cache_remove_pod(c, soft));
  assert_true(ks_sched_cache_remove_pod(c, both));
  assert_true(ks_sched_cache_remove_pod(c, far));
  check_lists(c);
  assert_int_equal(c->n_have_affinity, 0);
  assert_int_equal(c->n_have_required_anti_affinity, 0);

  KsPod *pods[] = {plain, aff, anti, soft, both, far};
  for (guint i = 0; i < G_N_ELEMENTS(pods); i++)
    ks_pod_unref(pods[i]);
  for (int i = 0; i < 3; i++)
    ks_node_unref(n[i]);
  ks_node_unref(unknown);
  ks_sched_cache_free(c);
}

/* Label and term indexes follow add, assume, forget, remove and node moves;
 * buckets emptied by removals disappear (their keys borrowed pod strings). */
static void test_label_term_indexes(void **state) {
  (void)state;
  KsSchedCache *c = ks_sched_cache_new();
  KsNode *n1 = ks_node_new("n1"), *n2 = ks_node_new("n2");
  ks_sched_cache_set_node(c, n1);
  guint s2 = ks_sched_cache_set_node(c, n2);
  KsPod *a = ks_pod_new("default", "a"), *b = ks_pod_new("default", "b");
  ks_labels_set(&a->labels, "app", "web");
  ks_labels_set(&b->labels, "app", "web");
  ks_labels_set(&b->labels, "tier", "fe");
  b->affinity = ks_affinity_new();
  b->affinity->pod_anti_affinity = ks_pod_affinity_new();
  b->affinity->pod_anti_affinity->required = ks_pod_affinity_term_array_new();
  KsPodAffinityTerm t1 = {.label_selector = ks_label_selector_new(), .topology_key = g_strdup("h")};
  ks_labels_set(&t1.label_selector->match_labels, "app", "web");
  KsPodAffinityTerm t2 = {.label_selector = ks_label_selector_new(), .topology_key = g_strdup("h")};
  ks_label_selector_add_expression(t2.label_selector, "app", KS_SELECTOR_OP_EXISTS, NULL);
  KsPodAffinityTerm t3 = {.label_selector = NULL, .topology_key = g_strdup("h")};
  g_array_append_val(b->affinity->pod_anti_affinity->required, t1);
  g_array_append_val(b->affinity->pod_anti_affinity->required, t2);
  g_array_append_val(b->affinity->pod_anti_affinity->required, t3);

  ks_sched_cache_add_pod(c, a, "n1");
  ks_sched_cache_assume_pod(c, b, s2);
  assert_int_equal(ks_sched_cache_pods_with_label(c, "app", "web")->len, 2);
  assert_int_equal(ks_sched_cache_pods_with_label(c, "tier", "fe")->len, 1);
  assert_null(ks_sched_cache_pods_with_label(c, "app", "db"));
  const GArray *tw = ks_sched_cache_terms_with_label(c, "app", "web");
  assert_int_equal(tw->len, 1); /* t1; t2 is general; t3 (nil) selects nothing */
  assert_int_equal(g_array_index(tw, KsSchedTermRef, 0).kind,
                   KS_SCHED_TERM_REQUIRED_ANTI_AFFINITY);
  assert_int_equal(ks_sched_cache_terms_general(c)->len, 1);

  ks_sched_cache_forget_pod(c, b);
  assert_int_equal(ks_sched_cache_pods_with_label(c, "app", "web")->len, 1);
  assert_null(ks_sched_cache_pods_with_label(c, "tier", "fe"));
  assert_null(ks_sched_cache_terms_with_label(c, "app", "web"));
  assert_int_equal(ks_sched_cache_terms_general(c)->len, 0);

  /* the bucket's key must not point into a removed pod: remove the pod that
   * created the bucket while another stays */
  ks_sched_cache_add_pod(c, b, "n2");
  assert_true(ks_sched_cache_remove_pod(c, a));
  ks_pod_unref(a);
  assert_int_equal(ks_sched_cache_pods_with_label(c, "app", "web")->len, 1);
  assert_true(ks_sched_cache_remove_pod(c, b));
  assert_null(ks_sched_cache_pods_with_label(c, "app", "web"));
  ks_pod_unref(b);
  ks_node_unref(n1);
  ks_node_unref(n2);
  ks_sched_cache_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_normalize),
      cmocka_unit_test(test_image_states),
      cmocka_unit_test(test_namespaces),
      cmocka_unit_test(test_affinity_lists),
      cmocka_unit_test(test_label_term_indexes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
