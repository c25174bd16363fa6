/* The timeline scenarios (tests/scenarios/timeline-*.yaml; the
 * expected steps are worked out in each file's header): a Deployment's
 * rollout paused, resumed and rolled back, asserted as ReplicaSet sizes over
 * time; a DaemonSet following nodes that join and leave; a StatefulSet
 * scaled 0 -> 5 -> 2 -> 5 keeping its claims and its order. Objects over
 * time come from a world driven by the test (timeline_world.h), pods and
 * nodes from the results file of a whole run (scenario_results.h). */
#include "tests/sim/timeline_world.h"

#include "tests/sim/scenario_results.h"
#include "workloads/apps.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)

/* ---- ReplicaSet sizes over time ------------------------------------------------------- */

typedef struct {
  KsTestWorld w;
  GHashTable *sizes; /* image tag -> spec.replicas + 1, as the last event said */
  GPtrArray *log;    /* "v1=3,v2=2@20" each time the sizes change */
  char *last;
} Sizes;

static const char *tag_of(const KsReplicaSet *rs) {
  return strchr(g_array_index(rs->template->containers, KsContainer, 0).image, ':') + 1;
}

static void on_rs(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                  const KsStoreObject *new_obj, gpointer user_data) {
  (void)s;
  (void)type;
  Sizes *z = user_data;
  if (new_obj) {
    const KsReplicaSet *rs = new_obj->data;
    g_hash_table_insert(z->sizes, g_strdup(tag_of(rs)), GINT_TO_POINTER(rs->replicas + 1));
  } else {
    g_hash_table_remove(z->sizes, tag_of(old_obj->data));
  }
  GList *keys = g_list_sort(g_hash_table_get_keys(z->sizes), (GCompareFunc)strcmp);
  GString *line = g_string_new("");
  for (GList *k = keys; k; k = k->next)
    g_string_append_printf(line, "%s%s=%d", k == keys ? "" : ",", (char *)k->data,
                           GPOINTER_TO_INT(g_hash_table_lookup(z->sizes, k->data)) - 1);
  g_list_free(keys);
  if (!z->last || strcmp(z->last, line->str) != 0) {
    g_free(z->last);
    z->last = g_strdup(line->str);
    g_ptr_array_add(z->log, g_strdup_printf("%s@%" G_GINT64_FORMAT, line->str,
                                            ks_engine_now(z->w.engine) / G_USEC_PER_SEC));
  }
  g_string_free(line, TRUE);
}

/* The log joined by spaces. transfer full */
static char *sizes_log(Sizes *z) {
  g_ptr_array_add(z->log, NULL);
  char *s = g_strjoinv(" ", (char **)z->log->pdata);
  g_ptr_array_remove_index(z->log, z->log->len - 1);
  return s;
}

static void test_rollout_pause_resume_undo(void **state) {
  (void)state;
  Sizes z = {0};
  ks_test_world_init_bundled(&z.w, "timeline-rollout.yaml");
  z.sizes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  z.log = g_ptr_array_new_with_free_func(g_free);
  ks_store_watch(z.w.store, KS_STORE_REPLICA_SET, on_rs, &z);
  ks_test_world_run(&z.w, S(100));
  /* Worked through with upstream's rules (maxSurge 1, maxUnavailable 1: at most 5 by spec,
   * at least 3 available): at 20s the new ReplicaSet starts at 1 and one old pod may go;
   * the pause at 21s comes before the first v2 pods turn ready (the action was queued
   * first) and freezes v1=3,v2=2; the resume lets the rollout finish at 41s; the undo
   * at 60s makes v1's ReplicaSet the new one again, which grows as v2 shrinks. */
  char *log = sizes_log(&z);
  assert_string_equal(log, "v1=4@0 v1=4,v2=1@20 v1=3,v2=1@20 v1=3,v2=2@20 "
                           "v1=1,v2=2@40 v1=1,v2=4@40 v1=0,v2=4@41 "
                           "v1=1,v2=4@60 v1=1,v2=3@60 v1=2,v2=3@60 v1=2,v2=1@61 v1=4,v2=1@61 "
                           "v1=4,v2=0@62");
  g_free(log);
  /* two ReplicaSets throughout; v1's is revision 3 now */
  GPtrArray *rss = ks_store_list(z.w.store, KS_STORE_REPLICA_SET, "default");
  assert_int_equal(rss->len, 2);
  for (guint i = 0; i < rss->len; i++) {
    const KsReplicaSet *rs = ((const KsStoreObject *)rss->pdata[i])->data;
    assert_string_equal(ks_labels_get(&rs->meta.annotations, KS_ANN_DEPLOYMENT_REVISION),
                        strcmp(tag_of(rs), "v1") == 0 ? "3" : "2");
  }
  g_ptr_array_unref(rss);
  char *warnings = ks_test_world_warnings(&z.w);
  assert_string_equal(warnings, KSIM_TEST_DATA "/../scenarios/timeline-rollout.yaml:57:5: at "
                                               "1m20s: rolloutUndo: error: unable to find "
                                               "specified revision 5 in history");
  g_free(warnings);
  g_hash_table_unref(z.sizes);
  g_ptr_array_unref(z.log);
  g_free(z.last);
  ks_test_world_free(&z.w);
}

/* ---- a DaemonSet following nodes --------------------------------------------------------- */

static const KsPodRow *pod_on(const KsResults *r, const char *node) {
  const KsPodRow *found = NULL;
  for (gsize i = 0; i < r->n_pods; i++)
    if (r->pods[i].node >= 0 && strcmp(r->nodes[r->pods[i].node].name, node) == 0) {
      assert_null(found); /* one pod per node */
      found = &r->pods[i];
    }
  if (!found)
    fail_msg("no pod on %s", node);
  return found;
}

static const KsNodeRow *node_row(const KsResults *r, const char *name) {
  for (gsize i = 0; i < r->n_nodes; i++)
    if (strcmp(r->nodes[i].name, name) == 0)
      return &r->nodes[i];
  fail_msg("no node %s", name);
  return NULL;
}

static void test_daemon_set_nodes(void **state) {
  (void)state;
  KsResults *r = ks_test_run_bundled_scenario("timeline-daemonset-nodes.yaml");
  static const struct {
    const char *node;
    gint64 created, started, finished;
    KsPodOutcome outcome;
  } want[] = {{"pool-0", S(0), S(1), -1, KS_OUTCOME_RUNNING},
              {"pool-1", S(0), S(1), S(40), KS_OUTCOME_DELETED},
              {"late-0", S(20), S(21), -1, KS_OUTCOME_RUNNING},
              {"late-1", S(50), S(51), -1, KS_OUTCOME_RUNNING}};
  assert_int_equal(r->n_pods, G_N_ELEMENTS(want));
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    const KsPodRow *p = pod_on(r, want[i].node);
    assert_string_equal(p->namespace, "kube-system");
    assert_true(g_str_has_prefix(p->name, "agent-"));
    assert_int_equal(p->created_us, want[i].created);
    assert_int_equal(p->scheduled_us, want[i].created);
    assert_int_equal(p->started_us, want[i].started);
    assert_int_equal(p->finished_us, want[i].finished);
    assert_int_equal(p->outcome, want[i].outcome);
  }
  assert_int_equal(r->n_nodes, 5);
  assert_int_equal(node_row(r, "late-0")->added_us, S(20));
  assert_int_equal(node_row(r, "gpu-0")->added_us, S(20));
  assert_int_equal(node_row(r, "gpu-0")->pods_bound, 0);
  assert_int_equal(node_row(r, "pool-1")->removed_us, S(40));
  assert_int_equal(node_row(r, "late-1")->added_us, S(50));
  assert_int_equal(ks_results_attr(r, "timeline_actions")->num, 4);
  assert_int_equal(ks_results_attr(r, "timeline_warnings")->num, 1);
  char *want_warning = g_strdup_printf("%s/../scenarios/timeline-daemonset-nodes.yaml:77:5: at "
                                       "55s: delete: Error from server (NotFound): nodes "
                                       "\"pool-1\" not found",
                                       KSIM_TEST_DATA);
  assert_string_equal(ks_results_attr(r, "timeline_warning_messages")->str, want_warning);
  g_free(want_warning);
  ks_results_free(r);
}

/* ---- a StatefulSet scaled 0 -> 5 -> 2 -> 5 ------------------------------------------------ */

static char *names(KsTestWorld *w, KsStoreKind kind) {
  GPtrArray *a = ks_store_list(w->store, kind, "default");
  GString *s = g_string_new("");
  for (guint i = 0; i < a->len; i++)
    g_string_append_printf(s, "%s%s", i ? " " : "", ((const KsStoreObject *)a->pdata[i])->name);
  g_ptr_array_unref(a);
  return g_string_free(s, FALSE);
}

static void assert_names(KsTestWorld *w, KsStoreKind kind, const char *want) {
  char *have = names(w, kind);
  assert_string_equal(have, want);
  g_free(have);
}

static void test_stateful_set_scale_objects(void **state) {
  (void)state;
  KsTestWorld w;
  ks_test_world_init_bundled(&w, "timeline-statefulset-scale.yaml");
  ks_test_world_run(&w, S(29));
  assert_names(&w, KS_STORE_POD, "web-0 web-1 web-2 web-3 web-4");
  assert_names(&w, KS_STORE_PERSISTENT_VOLUME_CLAIM,
               "data-web-0 data-web-1 data-web-2 data-web-3 data-web-4");
  ks_test_world_run(&w, S(49));
  assert_names(&w, KS_STORE_POD, "web-0 web-1");
  assert_names(&w, KS_STORE_PERSISTENT_VOLUME_CLAIM,
               "data-web-0 data-web-1 data-web-2 data-web-3 data-web-4");
  ks_test_world_run(&w, S(70));
  assert_names(&w, KS_STORE_POD, "web-0 web-1 web-2 web-3 web-4");
  assert_names(&w, KS_STORE_PERSISTENT_VOLUME_CLAIM,
               "data-web-0 data-web-1 data-web-2 data-web-3 data-web-4");
  /* each member back on its own claim */
  for (int i = 0; i < 5; i++) {
    char *pn = g_strdup_printf("web-%d", i), *cn = g_strdup_printf("data-web-%d", i);
    const KsPod *p = ks_store_get(w.store, KS_STORE_POD, "default", pn)->data;
    assert_string_equal(g_array_index(p->volumes, KsVolume, 0).ref, cn);
    g_free(pn);
    g_free(cn);
  }
  const KsStatefulSet *ss = ks_store_get(w.store, KS_STORE_STATEFUL_SET, "default", "web")->data;
  assert_int_equal(ss->meta.generation, 4); /* three scales */
  assert_int_equal(ss->ready_replicas, 5);
  assert_int_equal(ks_timeline_warning_count(w.timeline), 0);
  ks_test_world_free(&w);
}

static void test_stateful_set_scale_results(void **state) {
  (void)state;
  KsResults *r = ks_test_run_bundled_scenario("timeline-statefulset-scale.yaml");
  /* in creation order: name, created (= bound), started, finished, outcome */
  static const struct {
    const char *name;
    gint64 created, finished;
    KsPodOutcome outcome;
  } want[] = {{"web-0", S(10), -1, KS_OUTCOME_RUNNING},  {"web-1", S(11), -1, KS_OUTCOME_RUNNING},
              {"web-2", S(12), S(30), KS_OUTCOME_DELETED}, {"web-3", S(13), S(30), KS_OUTCOME_DELETED},
              {"web-4", S(14), S(30), KS_OUTCOME_DELETED}, {"web-2", S(50), -1, KS_OUTCOME_RUNNING},
              {"web-3", S(51), -1, KS_OUTCOME_RUNNING},  {"web-4", S(52), -1, KS_OUTCOME_RUNNING}};
  assert_int_equal(r->n_pods, G_N_ELEMENTS(want));
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    const KsPodRow *p = &r->pods[i];
    assert_string_equal(p->name, want[i].name);
    assert_int_equal(p->created_us, want[i].created);
    assert_int_equal(p->scheduled_us, want[i].created);
    assert_int_equal(p->started_us, want[i].created + S(1));
    assert_int_equal(p->finished_us, want[i].finished);
    assert_int_equal(p->outcome, want[i].outcome);
  }
  assert_int_equal(ks_results_attr(r, "timeline_actions")->num, 3);
  assert_int_equal(ks_results_attr(r, "timeline_warnings")->num, 0);
  assert_string_equal(ks_results_attr(r, "timeline_warning_messages")->str, "");
  ks_results_free(r);
}

/* ---- the bundled example ---------------------------------------------------------------- */

/* workloads/examples/rolling-update.yaml: the drain at 2m30s evicts pool-2's two web pods,
 * the second after one 5 s retry; nothing comes back to pool-2 after the uncordon. */
static void test_rolling_update_example(void **state) {
  (void)state;
  KsResults *r = ks_test_run_scenario(KSIM_TEST_DATA "/../../workloads/examples/rolling-update.yaml");
  guint web_running = 0, exporters = 0, evicted = 0;
  gint64 evicted_at[2] = {0};
  for (gsize i = 0; i < r->n_pods; i++) {
    const KsPodRow *p = &r->pods[i];
    const char *node = p->node >= 0 ? r->nodes[p->node].name : "";
    if (g_str_has_prefix(p->name, "node-exporter-")) {
      exporters++;
      assert_int_equal(p->outcome, KS_OUTCOME_RUNNING);
      continue;
    }
    if (p->outcome == KS_OUTCOME_RUNNING) {
      web_running++;
      assert_string_not_equal(node, "pool-2");
    } else if (!strcmp(node, "pool-2") && p->finished_us >= S(150)) {
      assert_true(evicted < 2);
      evicted_at[evicted++] = p->finished_us;
    }
  }
  assert_int_equal(exporters, 3);
  assert_int_equal(web_running, 6);
  assert_int_equal(evicted, 2);
  assert_int_equal(evicted_at[0], S(150));
  assert_int_equal(evicted_at[1], S(155));
  assert_int_equal(ks_results_attr(r, "timeline_actions")->num, 6);
  assert_int_equal(ks_results_attr(r, "timeline_warnings")->num, 1);
  ks_results_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rollout_pause_resume_undo),
      cmocka_unit_test(test_daemon_set_nodes),
      cmocka_unit_test(test_stateful_set_scale_objects),
      cmocka_unit_test(test_stateful_set_scale_results),
      cmocka_unit_test(test_rolling_update_example),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
