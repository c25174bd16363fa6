/* The timeline's actions (sim/timeline.c and friends), one test per action
 * on a small whole world (tests/sim/timeline_world.h: the scheduler, the
 * node agent with its 1 s start latency, the controllers): what each writes
 * and when, and the warnings, word for word, for what kubectl would refuse. */
#include "tests/sim/timeline_world.h"

#include "sched/pdb.h"
#include "workloads/apps.h"
#include "workloads/object_meta.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)

/* Two nodes pool-0, pool-1 (4 CPUs); spec.workloads and spec.timeline follow. */
static const char HEAD[] = "apiVersion: ksim.io/v1alpha1\n"
                           "kind: Scenario\n"
                           "metadata: {name: t}\n"
                           "spec:\n"
                           "  duration: 10m\n"
                           "  nodePools:\n"
                           "  - name: pool\n"
                           "    count: 2\n"
                           "    template:\n"
                           "      status: {capacity: {cpu: '4', memory: 8Gi, pods: '110'}}\n";

/* A Deployment `name` of `replicas` pods of image app:v1 (container app). */
static char *deployment(const char *name, int replicas, const char *extra_spec) {
  return g_strdup_printf(
      "    - apiVersion: apps/v1\n"
      "      kind: Deployment\n"
      "      metadata: {name: %s}\n"
      "      spec:\n"
      "        replicas: %d\n%s"
      "        selector: {matchLabels: {app: %s}}\n"
      "        template:\n"
      "          metadata: {labels: {app: %s}}\n"
      "          spec:\n"
      "            containers:\n"
      "            - {name: app, image: 'app:v1', resources: {requests: {cpu: 100m}}}\n",
      name, replicas, extra_spec ? extra_spec : "", name, name);
}

static void init(KsTestWorld *w, const char *workloads, const char *timeline) {
  char *text = g_strconcat(HEAD, "  workloads:\n  - at: 0s\n    objects:\n", workloads,
                           "  timeline:\n", timeline, NULL);
  ks_test_world_init_text(w, text);
  g_free(text);
}

static const KsDeployment *get_deployment(KsTestWorld *w, const char *name) {
  const KsStoreObject *o = ks_store_get(w->store, KS_STORE_DEPLOYMENT, "default", name);
  assert_non_null(o);
  return o->data;
}

static void assert_warnings(KsTestWorld *w, const char *want) {
  char *have = ks_test_world_warnings(w);
  if (strcmp(have, want) != 0)
    fail_msg("warnings:\n%s\nwanted:\n%s", have, want);
  g_free(have);
}

/* Pods (not being deleted) whose first container has image `image`. */
static guint pods_with_image(KsTestWorld *w, const char *image) {
  GPtrArray *pods = ks_store_list(w->store, KS_STORE_POD, NULL);
  guint n = 0;
  for (guint i = 0; i < pods->len; i++) {
    const KsPod *p = ((const KsStoreObject *)pods->pdata[i])->data;
    n += !ks_pod_is_terminating(p) &&
         !g_strcmp0(g_array_index(p->containers, KsContainer, 0).image, image);
  }
  g_ptr_array_unref(pods);
  return n;
}

/* ---- scale -------------------------------------------------------------------- */

static void test_scale(void **state) {
  (void)state;
  KsTestWorld w;
  char *d = deployment("web", 2, NULL);
  init(&w, d,
       "  - {at: 10s, action: scale, kind: deployment, name: web, replicas: 4}\n"
       "  - {at: 20s, action: scale, kind: deployments, name: nope, replicas: 1}\n"
       "  - {at: 30s, action: scale, kind: sts, name: web, replicas: 1}\n"
       "  - {at: 40s, action: scale, kind: deploy, name: web, replicas: 4}\n");
  g_free(d);
  ks_test_world_run(&w, S(9));
  assert_int_equal(get_deployment(&w, "web")->meta.generation, 1);
  assert_int_equal(ks_store_count(w.store, KS_STORE_POD), 2);
  ks_test_world_run(&w, S(10));
  assert_int_equal(get_deployment(&w, "web")->replicas, 4);
  assert_int_equal(get_deployment(&w, "web")->meta.generation, 2);
  assert_int_equal(ks_store_count(w.store, KS_STORE_POD), 4); /* the controllers react at once */
  ks_test_world_run(&w, S(60));
  /* scaling to the size it has writes nothing: no new generation */
  assert_int_equal(get_deployment(&w, "web")->meta.generation, 2);
  assert_int_equal(ks_store_count(w.store, KS_STORE_POD), 4);
  assert_warnings(&w, "t.yaml:27:5: at 20s: scale: Error from server (NotFound): deployments.apps "
                      "\"nope\" not found\n"
                      "t.yaml:28:5: at 30s: scale: Error from server (NotFound): statefulsets.apps "
                      "\"web\" not found");
  assert_int_equal(ks_timeline_actions_run(w.timeline), 4);
  assert_int_equal(ks_timeline_warning_count(w.timeline), 2);
  ks_test_world_free(&w);
}

/* ---- setImage --------------------------------------------------------------------- */

static void test_set_image(void **state) {
  (void)state;
  KsTestWorld w;
  char *d = deployment("web", 2, NULL);
  char *objects = g_strconcat(d,
                              "    - apiVersion: v1\n"
                              "      kind: Pod\n"
                              "      metadata: {name: solo}\n"
                              "      spec:\n"
                              "        initContainers: [{name: init, image: 'init:1'}]\n"
                              "        containers: [{name: main, image: 'main:1'}]\n",
                              NULL);
  init(&w, objects,
       "  - {at: 10s, action: setImage, kind: deployment, name: web, container: app, image: "
       "'app:v2'}\n"
       "  - {at: 20s, action: setImage, kind: deployment, name: web, container: sidecar, image: "
       "'x:1'}\n"
       "  - {at: 30s, action: setImage, kind: pod, name: solo, container: '*', image: 'all:2'}\n");
  g_free(d);
  g_free(objects);
  ks_test_world_run(&w, S(10));
  const KsDeployment *dep = get_deployment(&w, "web");
  assert_string_equal(g_array_index(dep->template->containers, KsContainer, 0).image, "app:v2");
  assert_int_equal(dep->meta.generation, 2);
  ks_test_world_run(&w, S(29));
  /* the rollout is done: two ReplicaSets, the pods all new */
  assert_int_equal(ks_store_count(w.store, KS_STORE_REPLICA_SET), 2);
  assert_int_equal(pods_with_image(&w, "app:v2"), 2);
  assert_int_equal(pods_with_image(&w, "app:v1"), 0);
  ks_test_world_run(&w, S(30));
  const KsPod *solo = ks_store_get(w.store, KS_STORE_POD, "default", "solo")->data;
  assert_string_equal(g_array_index(solo->containers, KsContainer, 0).image, "all:2");
  assert_string_equal(g_array_index(solo->init_containers, KsContainer, 0).image, "all:2");
  assert_warnings(&w, "t.yaml:33:5: at 20s: setImage: error: unable to find container named "
                      "\"sidecar\"");
  ks_test_world_free(&w);
}

/* ---- rolloutPause / rolloutResume ---------------------------------------------------- */

static void test_pause_resume(void **state) {
  (void)state;
  KsTestWorld w;
  char *d = deployment("web", 2, NULL);
  init(&w, d,
       "  - {at: 10s, action: rolloutPause, name: web}\n"
       "  - {at: 15s, action: rolloutPause, kind: deploy, name: web}\n"
       "  - {at: 20s, action: setImage, kind: deploy, name: web, container: app, image: 'app:v2'}\n"
       "  - {at: 40s, action: rolloutResume, name: web}\n"
       "  - {at: 50s, action: rolloutResume, name: web}\n");
  g_free(d);
  ks_test_world_run(&w, S(10));
  assert_true(get_deployment(&w, "web")->paused);
  ks_test_world_run(&w, S(39));
  /* paused: the template changed, no new ReplicaSet */
  assert_int_equal(ks_store_count(w.store, KS_STORE_REPLICA_SET), 1);
  assert_int_equal(pods_with_image(&w, "app:v1"), 2);
  assert_int_equal(get_deployment(&w, "web")->meta.generation, 3);
  ks_test_world_run(&w, S(40));
  assert_false(get_deployment(&w, "web")->paused);
  assert_int_equal(ks_store_count(w.store, KS_STORE_REPLICA_SET), 2);
  ks_test_world_run(&w, S(60));
  assert_int_equal(pods_with_image(&w, "app:v2"), 2);
  assert_warnings(&w, "t.yaml:27:5: at 15s: rolloutPause: error: deployments.apps \"web\" is "
                      "already paused\n"
                      "t.yaml:30:5: at 50s: rolloutResume: error: deployments.apps \"web\" is not "
                      "paused");
  ks_test_world_free(&w);
}


/* ---- delete -------------------------------------------------------------------------- */

static const char BARE_PODS[] = "    - {apiVersion: v1, kind: Pod, metadata: {name: b1, labels: {app: batch}},\n"
                                "       spec: {containers: [{name: c, image: i}]}}\n"
                                "    - {apiVersion: v1, kind: Pod, metadata: {name: b2, labels: {app: batch}},\n"
                                "       spec: {containers: [{name: c, image: i}]}}\n"
                                "    - {apiVersion: v1, kind: Pod, metadata: {name: other},\n"
                                "       spec: {containers: [{name: c, image: i}]}}\n";

static void test_delete(void **state) {
  (void)state;
  KsTestWorld w;
  char *d = deployment("web", 2, NULL);
  char *objects = g_strconcat(d, BARE_PODS, NULL);
  init(&w, objects,
       "  - {at: 10s, action: delete, kind: deployment, name: web}\n"
       "  - {at: 20s, action: delete, kind: pods, selector: {matchLabels: {app: batch}}}\n"
       "  - {at: 21s, action: delete, kind: pods, selector: {matchLabels: {app: nothing}}}\n"
       "  - {at: 22s, action: delete, kind: pod, name: b1}\n"
       "  - {at: 30s, action: delete, kind: Node, name: pool-1}\n");
  g_free(d);
  g_free(objects);
  ks_test_world_run(&w, S(9));
  assert_int_equal(ks_store_count(w.store, KS_STORE_POD), 5);
  ks_test_world_run(&w, S(10));
  /* background: the Deployment at once, its ReplicaSet and pods after it, by the garbage
   * collector, at the same instant */
  assert_null(ks_store_get(w.store, KS_STORE_DEPLOYMENT, "default", "web"));
  assert_int_equal(ks_store_count(w.store, KS_STORE_REPLICA_SET), 0);
  assert_int_equal(ks_store_count(w.store, KS_STORE_POD), 3);
  ks_test_world_run(&w, S(20));
  assert_int_equal(ks_store_count(w.store, KS_STORE_POD), 1);
  assert_non_null(ks_store_get(w.store, KS_STORE_POD, "default", "other"));
  const KsPod *other = ks_store_get(w.store, KS_STORE_POD, "default", "other")->data;
  gboolean on_pool_1 = !g_strcmp0(other->node_name, "pool-1");
  ks_test_world_run(&w, S(30));
  /* a deleted Node takes its pods with it (the pod garbage collector's part) */
  assert_null(ks_store_get(w.store, KS_STORE_NODE, NULL, "pool-1"));
  assert_int_equal(ks_store_count(w.store, KS_STORE_POD), on_pool_1 ? 0 : 1);
  assert_warnings(&w, "t.yaml:34:5: at 21s: delete: No resources found in default namespace.\n"
                      "t.yaml:35:5: at 22s: delete: Error from server (NotFound): pods \"b1\" "
                      "not found");
  ks_test_world_free(&w);
}

static void test_delete_orphan(void **state) {
  (void)state;
  KsTestWorld w;
  char *d = deployment("web", 2, NULL);
  init(&w, d, "  - {at: 10s, action: delete, kind: deploy, name: web, propagationPolicy: Orphan}\n");
  g_free(d);
  ks_test_world_run(&w, S(11));
  /* the ReplicaSet and its pods stay, without an owner */
  assert_null(ks_store_get(w.store, KS_STORE_DEPLOYMENT, "default", "web"));
  assert_int_equal(ks_store_count(w.store, KS_STORE_REPLICA_SET), 1);
  assert_int_equal(ks_store_count(w.store, KS_STORE_POD), 2);
  GPtrArray *rss = ks_store_list(w.store, KS_STORE_REPLICA_SET, "default");
  const KsReplicaSet *rs = ((const KsStoreObject *)rss->pdata[0])->data;
  assert_null(ks_object_meta_get_controller(&rs->meta));
  g_ptr_array_unref(rss);
  assert_warnings(&w, "");
  ks_test_world_free(&w);
}

/* ---- cordon / uncordon -------------------------------------------------------------- */

static guint pods_on(KsTestWorld *w, const char *node) {
  GPtrArray *pods = ks_store_list(w->store, KS_STORE_POD, NULL);
  guint n = 0;
  for (guint i = 0; i < pods->len; i++) {
    const KsPod *p = ((const KsStoreObject *)pods->pdata[i])->data;
    n += !g_strcmp0(p->node_name, node) && !ks_pod_is_terminating(p);
  }
  g_ptr_array_unref(pods);
  return n;
}

static gboolean unschedulable(KsTestWorld *w, const char *node) {
  return ((const KsNode *)ks_store_get(w->store, KS_STORE_NODE, NULL, node)->data)->unschedulable;
}

static void test_cordon_uncordon(void **state) {
  (void)state;
  KsTestWorld w;
  char *d = deployment("web", 4, NULL);
  char *late = deployment("late", 6, NULL);
  char *text = g_strconcat(HEAD, "  workloads:\n  - at: 0s\n    objects:\n", d,
                           "  - at: 20s\n    objects:\n", late,
                           "  timeline:\n"
                           "  - {at: 0s, action: cordon, node: pool-1}\n"
                           "  - {at: 5s, action: cordon, node: pool-1}\n"
                           "  - {at: 10s, action: uncordon, node: pool-1}\n"
                           "  - {at: 11s, action: cordon, node: ghost}\n",
                           NULL);
  ks_test_world_init_text(&w, text);
  g_free(text);
  g_free(d);
  g_free(late);
  /* cordoned before the Deployment's pods exist (the timeline runs after the batch of its
   * instant, before the controllers react): all four go to pool-0 */
  ks_test_world_run(&w, S(1));
  assert_true(unschedulable(&w, "pool-1"));
  assert_int_equal(pods_on(&w, "pool-0"), 4);
  assert_int_equal(pods_on(&w, "pool-1"), 0);
  ks_test_world_run(&w, S(10));
  assert_false(unschedulable(&w, "pool-1"));
  ks_test_world_run(&w, S(21));
  /* uncordoned, pool-1 takes pods again */
  assert_int_equal(pods_on(&w, "pool-0") + pods_on(&w, "pool-1"), 10);
  assert_true(pods_on(&w, "pool-1") > 0);
  assert_warnings(&w, "t.yaml:42:5: at 11s: cordon: Error from server (NotFound): nodes \"ghost\" "
                      "not found");
  ks_test_world_free(&w);
}

/* ---- apply ---------------------------------------------------------------------------- */

static void test_apply(void **state) {
  (void)state;
  KsTestWorld w;
  char *d = deployment("web", 2, NULL);
  char *d3 = deployment("web", 3, NULL);
  char *text = g_strconcat(
      HEAD, "  workloads:\n  - at: 0s\n    objects:\n", d, BARE_PODS,
      "  timeline:\n"
      "  - at: 10s\n    action: apply\n    objects:\n", d3,
      "    - {apiVersion: v1, kind: Node, metadata: {name: extra, labels: {disk: ssd}},\n"
      "       status: {capacity: {cpu: '2', memory: 4Gi, pods: '10'}}}\n"
      "  - at: 20s\n    action: apply\n    objects:\n", d3,
      "  - at: 30s\n    action: apply\n    objects:\n"
      "    - {apiVersion: v1, kind: Pod, metadata: {name: b1}, spec: {containers: [{name: c, "
      "image: j}]}}\n"
      "    - {apiVersion: v1, kind: Node, metadata: {name: extra, labels: {disk: hdd}},\n"
      "       status: {capacity: {cpu: '2', memory: 4Gi, pods: '10'}}}\n"
      "    - {apiVersion: v1, kind: ConfigMap, metadata: {generateName: gen-}}\n",
      NULL);
  ks_test_world_init_text(&w, text);
  g_free(text);
  g_free(d);
  g_free(d3);
  ks_test_world_run(&w, S(9));
  char *uid = g_strdup(get_deployment(&w, "web")->meta.uid);
  assert_non_null(uid);
  ks_test_world_run(&w, S(10));
  /* the existing Deployment takes the new spec, keeps its identity and status */
  const KsDeployment *dep = get_deployment(&w, "web");
  assert_int_equal(dep->replicas, 3);
  assert_int_equal(dep->meta.generation, 2);
  assert_string_equal(dep->meta.uid, uid);
  assert_non_null(ks_labels_get(&dep->meta.annotations, KS_ANN_DEPLOYMENT_REVISION));
  assert_int_equal(ks_store_count(w.store, KS_STORE_NODE), 3);
  ks_test_world_run(&w, S(20));
  /* the same manifest again: nothing to change */
  assert_int_equal(get_deployment(&w, "web")->meta.generation, 2);
  const KsNode *extra = ks_store_get(w.store, KS_STORE_NODE, NULL, "extra")->data;
  char *node_uid = g_strdup(extra->uid);
  ks_test_world_run(&w, S(30));
  extra = ks_store_get(w.store, KS_STORE_NODE, NULL, "extra")->data;
  assert_string_equal(ks_labels_get(&extra->labels, "disk"), "hdd"); /* replaced */
  assert_string_equal(g_strcmp0(extra->uid, node_uid) == 0 ? "same" : "other", "same");
  const KsPod *b1 = ks_store_get(w.store, KS_STORE_POD, "default", "b1")->data;
  assert_string_equal(g_array_index(b1->containers, KsContainer, 0).image, "i"); /* left */
  assert_warnings(&w, "t.yaml:62:5: at 30s: apply: pods \"b1\" exists: ksim's apply updates "
                      "Deployments, ReplicaSets, DaemonSets, StatefulSets and simple objects "
                      "only; left as it is\n"
                      "t.yaml:62:5: at 30s: apply: error: from t.yaml:68:7: cannot use generate "
                      "name with apply");
  assert_int_equal(ks_store_count(w.store, KS_STORE_CONFIG_MAP), 0);
  g_free(uid);
  g_free(node_uid);
  ks_test_world_free(&w);
}

/* ---- rolloutUndo ------------------------------------------------------------------------ */

static gint compare_strings(gconstpointer a, gconstpointer b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *template_image(const KsPod *tmpl) {
  return g_array_index(tmpl->containers, KsContainer, 0).image;
}

/* "image=revision" of every ReplicaSet of the namespace (solo's too), sorted. */
static char *rs_revisions(KsTestWorld *w) {
  GPtrArray *rss = ks_store_list(w->store, KS_STORE_REPLICA_SET, "default");
  GPtrArray *items = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < rss->len; i++) {
    const KsReplicaSet *rs = ((const KsStoreObject *)rss->pdata[i])->data;
    g_ptr_array_add(items, g_strdup_printf("%s=%s", template_image(rs->template),
                                           ks_labels_get(&rs->meta.annotations,
                                                         KS_ANN_DEPLOYMENT_REVISION)));
  }
  g_ptr_array_sort(items, compare_strings);
  g_ptr_array_add(items, NULL);
  char *out = g_strjoinv(" ", (char **)items->pdata);
  g_ptr_array_unref(items);
  g_ptr_array_unref(rss);
  return out;
}

static void assert_revisions(KsTestWorld *w, const char *want) {
  char *have = rs_revisions(w);
  assert_string_equal(have, want);
  g_free(have);
}

static void test_rollout_undo_deployment(void **state) {
  (void)state;
  KsTestWorld w;
  char *d = deployment("web", 2, NULL);
  char *solo = deployment("solo", 1, NULL);
  char *objects = g_strconcat(d, solo, NULL);
  init(&w, objects,
       "  - {at: 10s, action: setImage, kind: deploy, name: web, container: app, image: 'app:v2'}\n"
       "  - {at: 30s, action: setImage, kind: deploy, name: web, container: app, image: 'app:v3'}\n"
       "  - {at: 50s, action: rolloutUndo, kind: deploy, name: web}\n"
       "  - {at: 70s, action: rolloutUndo, kind: deploy, name: web, toRevision: 1}\n"
       "  - {at: 80s, action: rolloutUndo, kind: deploy, name: web}\n"
       "  - {at: 85s, action: rolloutUndo, kind: deploy, name: web, toRevision: 1}\n"
       "  - {at: 86s, action: rolloutUndo, kind: deploy, name: web, toRevision: 6}\n"
       "  - {at: 90s, action: rolloutPause, name: web}\n"
       "  - {at: 95s, action: rolloutUndo, kind: deploy, name: web, toRevision: 3}\n"
       "  - {at: 96s, action: rolloutUndo, kind: deploy, name: solo}\n");
  g_free(d);
  g_free(solo);
  g_free(objects);
  ks_test_world_run(&w, S(49));
  assert_string_equal(template_image(get_deployment(&w, "web")->template), "app:v3");
  assert_revisions(&w, "app:v1=1 app:v1=1 app:v2=2 app:v3=3");
  ks_test_world_run(&w, S(50));
  /* back to the previous revision: v2's ReplicaSet is the new one again, revision 4 */
  assert_string_equal(template_image(get_deployment(&w, "web")->template), "app:v2");
  assert_int_equal(get_deployment(&w, "web")->meta.generation, 4);
  ks_test_world_run(&w, S(69));
  assert_revisions(&w, "app:v1=1 app:v1=1 app:v2=4 app:v3=3");
  assert_int_equal(pods_with_image(&w, "app:v2"), 2);
  assert_int_equal(pods_with_image(&w, "app:v3"), 0);
  ks_test_world_run(&w, S(79));
  assert_string_equal(template_image(get_deployment(&w, "web")->template), "app:v1");
  assert_revisions(&w, "app:v1=1 app:v1=5 app:v2=4 app:v3=3");
  ks_test_world_run(&w, S(100));
  /* 80s: the previous of 3, 4, 5 is 4 (v2), renumbered 6 */
  assert_string_equal(template_image(get_deployment(&w, "web")->template), "app:v2");
  assert_revisions(&w, "app:v1=1 app:v1=5 app:v2=6 app:v3=3");
  assert_int_equal(pods_with_image(&w, "app:v2"), 2);
  assert_warnings(&w,
                  "t.yaml:42:5: at 1m25s: rolloutUndo: error: unable to find specified revision 1 "
                  "in history\n"
                  "t.yaml:43:5: at 1m26s: rolloutUndo: skipped rollback (current template already "
                  "matches revision 6)\n"
                  "t.yaml:45:5: at 1m35s: rolloutUndo: error: you cannot rollback a paused "
                  "deployment; resume it first with 'kubectl rollout resume deployment/web' and "
                  "try again\n"
                  "t.yaml:46:5: at 1m36s: rolloutUndo: error: no rollout history found for "
                  "deployment \"solo\"");
  ks_test_world_free(&w);
}

static const char DAEMON_SET[] = "    - apiVersion: apps/v1\n"
                                 "      kind: DaemonSet\n"
                                 "      metadata: {name: agent}\n"
                                 "      spec:\n"
                                 "        selector: {matchLabels: {app: agent}}\n"
                                 "        template:\n"
                                 "          metadata: {labels: {app: agent}}\n"
                                 "          spec:\n"
                                 "            containers: [{name: agent, image: 'agent:1'}]\n";

static const KsDaemonSet *get_daemon_set(KsTestWorld *w) {
  const KsStoreObject *o = ks_store_get(w->store, KS_STORE_DAEMON_SET, "default", "agent");
  assert_non_null(o);
  return o->data;
}

/* "image=revision" of the ControllerRevisions, sorted. */
static char *cr_revisions(KsTestWorld *w) {
  GPtrArray *crs = ks_store_list(w->store, KS_STORE_CONTROLLER_REVISION, "default");
  GPtrArray *items = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < crs->len; i++) {
    const KsControllerRevision *cr = ((const KsStoreObject *)crs->pdata[i])->data;
    g_ptr_array_add(items, g_strdup_printf("%s=%" G_GINT64_FORMAT, template_image(cr->data),
                                           cr->revision));
  }
  g_ptr_array_sort(items, compare_strings);
  g_ptr_array_add(items, NULL);
  char *out = g_strjoinv(" ", (char **)items->pdata);
  g_ptr_array_unref(items);
  g_ptr_array_unref(crs);
  return out;
}

static void test_rollout_undo_daemon_set(void **state) {
  (void)state;
  KsTestWorld w;
  init(&w, DAEMON_SET,
       "  - {at: 5s, action: rolloutUndo, kind: ds, name: agent}\n"
       "  - {at: 10s, action: setImage, kind: ds, name: agent, container: agent, image: "
       "'agent:2'}\n"
       "  - {at: 30s, action: rolloutUndo, kind: ds, name: agent}\n"
       "  - {at: 40s, action: rolloutUndo, kind: ds, name: agent, toRevision: 7}\n"
       "  - {at: 41s, action: rolloutUndo, kind: sts, name: agent}\n");
  ks_test_world_run(&w, S(29));
  assert_string_equal(template_image(get_daemon_set(&w)->template), "agent:2");
  char *revs = cr_revisions(&w);
  assert_string_equal(revs, "agent:1=1 agent:2=2");
  g_free(revs);
  ks_test_world_run(&w, S(30));
  assert_string_equal(template_image(get_daemon_set(&w)->template), "agent:1");
  assert_int_equal(get_daemon_set(&w)->meta.generation, 3);
  ks_test_world_run(&w, S(60));
  /* the controller renumbers the revision gone back to, and rolls the pods back */
  revs = cr_revisions(&w);
  assert_string_equal(revs, "agent:1=3 agent:2=2");
  g_free(revs);
  assert_int_equal(pods_with_image(&w, "agent:1"), 2);
  assert_warnings(&w, "t.yaml:24:5: at 5s: rolloutUndo: error: no last revision to roll back to\n"
                      "t.yaml:27:5: at 40s: rolloutUndo: error: unable to find specified "
                      "revision 7 in history\n"
                      "t.yaml:28:5: at 41s: rolloutUndo: Error from server (NotFound): "
                      "statefulsets.apps \"agent\" not found");
  ks_test_world_free(&w);
}

static void test_rollout_undo_stateful_set(void **state) {
  (void)state;
  KsTestWorld w;
  init(&w,
       "    - apiVersion: apps/v1\n"
       "      kind: StatefulSet\n"
       "      metadata: {name: db}\n"
       "      spec:\n"
       "        replicas: 2\n"
       "        serviceName: db\n"
       "        selector: {matchLabels: {app: db}}\n"
       "        template:\n"
       "          metadata: {labels: {app: db}}\n"
       "          spec:\n"
       "            containers: [{name: db, image: 'db:1'}]\n",
       "  - {at: 10s, action: setImage, kind: sts, name: db, container: db, image: 'db:2'}\n"
       "  - {at: 30s, action: rolloutUndo, kind: statefulset, name: db}\n"
       "  - {at: 31s, action: rolloutUndo, kind: statefulset, name: db, toRevision: 3}\n");
  ks_test_world_run(&w, S(29));
  assert_int_equal(pods_with_image(&w, "db:2"), 2);
  ks_test_world_run(&w, S(60));
  const KsStatefulSet *ss = ks_store_get(w.store, KS_STORE_STATEFUL_SET, "default", "db")->data;
  assert_string_equal(template_image(ss->template), "db:1");
  assert_int_equal(ss->meta.generation, 3);
  /* the members replaced one at a time, back on db:1; revision 1 renumbered 3 */
  assert_int_equal(pods_with_image(&w, "db:1"), 2);
  char *revs = cr_revisions(&w);
  assert_string_equal(revs, "db:1=3 db:2=2");
  g_free(revs);
  assert_warnings(&w, "t.yaml:28:5: at 31s: rolloutUndo: skipped rollback (current template "
                      "already matches revision 3)");
  ks_test_world_free(&w);
}

/* ---- drain ---------------------------------------------------------------------------- */

/* Pods labelled app=<app> on node, not being deleted, by name (space separated). */
static char *app_pods_on(KsTestWorld *w, const char *app, const char *node) {
  GPtrArray *pods = ks_store_list(w->store, KS_STORE_POD, "default");
  GString *out = g_string_new("");
  for (guint i = 0; i < pods->len; i++) {
    const KsPod *p = ((const KsStoreObject *)pods->pdata[i])->data;
    if (!g_strcmp0(p->node_name, node) && !ks_pod_is_terminating(p) &&
        !g_strcmp0(ks_labels_get(&p->labels, "app"), app))
      g_string_append_printf(out, "%s%s", out->len ? " " : "", p->name);
  }
  g_ptr_array_unref(pods);
  return g_string_free(out, FALSE);
}

static guint count_words(const char *s) {
  char **v = g_strsplit(s, " ", -1);
  guint n = *s ? g_strv_length(v) : 0;
  g_strfreev(v);
  return n;
}

static guint app_count_on(KsTestWorld *w, const char *app, const char *node) {
  char *names = app_pods_on(w, app, node);
  guint n = count_words(names);
  g_free(names);
  return n;
}

/* web's pods all start on pool-0 (pool-1 is cordoned until 5s). */
static void drain_world(KsTestWorld *w, const char *pdb_spec, const char *drain) {
  char *d = deployment("web", 4, NULL);
  char *objects = g_strdup_printf("%s%s"
                                  "    - apiVersion: policy/v1\n"
                                  "      kind: PodDisruptionBudget\n"
                                  "      metadata: {name: web}\n"
                                  "      spec: {%s, selector: {matchLabels: {app: web}}}\n",
                                  d, DAEMON_SET, pdb_spec);
  char *timeline = g_strconcat("  - {at: 0s, action: cordon, node: pool-1}\n"
                               "  - {at: 5s, action: uncordon, node: pool-1}\n",
                               drain, NULL);
  init(w, objects, timeline);
  g_free(d);
  g_free(objects);
  g_free(timeline);
}

/* A budget of one unavailable pod: kubectl's evictions go one per 5 s retry, each
 * after the last evicted pod's replacement is Ready (1 s after it was created). */
static void test_drain_budget(void **state) {
  (void)state;
  KsTestWorld w;
  drain_world(&w, "maxUnavailable: 1", "  - {at: 10s, action: drain, node: pool-0}\n");
  ks_test_world_run(&w, S(9));
  char *names = app_pods_on(&w, "web", "pool-0");
  char **web = g_strsplit(names, " ", -1);
  assert_int_equal(g_strv_length(web), 4);
  assert_int_equal(app_count_on(&w, "agent", "pool-0"), 1);
  static const struct {
    gint64 at;
    guint on_0, on_1;
  } steps[] = {{10, 3, 1}, {14, 3, 1}, {15, 2, 2}, {19, 2, 2}, {20, 1, 3}, {24, 1, 3}, {25, 0, 4}};
  for (guint i = 0; i < G_N_ELEMENTS(steps); i++) {
    ks_test_world_run(&w, S(steps[i].at));
    assert_int_equal(app_count_on(&w, "web", "pool-0"), steps[i].on_0);
    assert_int_equal(app_count_on(&w, "web", "pool-1"), steps[i].on_1);
  }
  /* the first pod (by name) went first, then the next at each retry */
  assert_null(ks_store_get(w.store, KS_STORE_POD, "default", web[3]));
  assert_true(unschedulable(&w, "pool-0"));
  assert_int_equal(app_count_on(&w, "agent", "pool-0"), 1); /* DaemonSet pods stay */
  GString *want = g_string_new("");
  for (guint i = 1; i < 4; i++)
    g_string_append_printf(want,
                           "%st.yaml:41:5: at 10s: drain: error when evicting pods/\"%s\" -n "
                           "\"default\" (will retry after 5s): Cannot evict pod as it would "
                           "violate the pod's disruption budget.",
                           i > 1 ? "\n" : "", web[i]);
  assert_warnings(&w, want->str);
  g_string_free(want, TRUE);
  g_strfreev(web);
  g_free(names);
  ks_test_world_free(&w);
}

/* A budget that never allows a disruption: refused at 10, 15 and 20 s; at the 25 s retry
 * the 12 s timeout (from 10 s) has passed. */
static void test_drain_timeout(void **state) {
  (void)state;
  KsTestWorld w;
  drain_world(&w, "minAvailable: 4", "  - {at: 10s, action: drain, node: pool-0, timeout: 12s}\n");
  ks_test_world_run(&w, S(9));
  char *names = app_pods_on(&w, "web", "pool-0");
  char **web = g_strsplit(names, " ", -1);
  ks_test_world_run(&w, S(60));
  assert_int_equal(app_count_on(&w, "web", "pool-0"), 4);
  GString *want = g_string_new("");
  for (guint i = 0; i < 4; i++)
    g_string_append_printf(want,
                           "t.yaml:41:5: at 10s: drain: error when evicting pods/\"%s\" -n "
                           "\"default\" (will retry after 5s): Cannot evict pod as it would "
                           "violate the pod's disruption budget.\n",
                           web[i]);
  for (guint i = 0; i < 4; i++)
    g_string_append_printf(want,
                           "%st.yaml:41:5: at 25s: drain: error when evicting pods/\"%s\" -n "
                           "\"default\": global timeout reached: 12s",
                           i ? "\n" : "", web[i]);
  assert_warnings(&w, want->str);
  g_string_free(want, TRUE);
  g_strfreev(web);
  g_free(names);
  ks_test_world_free(&w);
}

/* kubectl's filters: any error and nothing is evicted; force and deleteEmptyDirData let
 * the same pods go. */
static void test_drain_filters(void **state) {
  (void)state;
  KsTestWorld w;
  char *objects = g_strconcat(DAEMON_SET,
                              "    - {apiVersion: v1, kind: Pod, metadata: {name: bare},\n"
                              "       spec: {nodeName: pool-0, containers: [{name: c, image: i}]}}\n"
                              "    - {apiVersion: v1, kind: Pod, metadata: {name: scratch},\n"
                              "       spec: {nodeName: pool-0, containers: [{name: c, image: i}],\n"
                              "              volumes: [{name: tmp, emptyDir: {}}]}}\n"
                              "    - apiVersion: v1\n"
                              "      kind: Pod\n"
                              "      metadata: {name: mirror, annotations: {kubernetes.io/config.mirror: x}}\n"
                              "      spec: {nodeName: pool-0, containers: [{name: c, image: i}]}\n",
                              NULL);
  init(&w, objects,
       "  - {at: 10s, action: drain, node: pool-0, ignoreDaemonSets: false}\n"
       "  - {at: 20s, action: drain, node: pool-0, force: true, deleteEmptyDirData: true}\n"
       "  - {at: 30s, action: drain, node: pool-9}\n");
  g_free(objects);
  ks_test_world_run(&w, S(10));
  char *agent = app_pods_on(&w, "agent", "pool-0");
  assert_true(unschedulable(&w, "pool-0")); /* cordoned even so */
  assert_int_equal(ks_store_count(w.store, KS_STORE_POD), 5);
  ks_test_world_run(&w, S(20));
  /* bare and scratch evicted; the DaemonSet's pod and the mirror pod stay */
  assert_null(ks_store_get(w.store, KS_STORE_POD, "default", "bare"));
  assert_null(ks_store_get(w.store, KS_STORE_POD, "default", "scratch"));
  assert_non_null(ks_store_get(w.store, KS_STORE_POD, "default", "mirror"));
  assert_int_equal(ks_store_count(w.store, KS_STORE_POD), 3);
  ks_test_world_run(&w, S(30));
  char *want = g_strdup_printf(
      "t.yaml:33:5: at 10s: drain: error: unable to drain node \"pool-0\": [cannot delete "
      "DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/%s, cannot delete "
      "Pods with local storage (use --delete-emptydir-data to override): default/scratch, "
      "cannot delete Pods that declare no controller (use --force to override): default/bare]\n"
      "t.yaml:35:5: at 30s: drain: Error from server (NotFound): nodes \"pool-9\" not found",
      agent);
  assert_warnings(&w, want);
  g_free(want);
  g_free(agent);
  ks_test_world_free(&w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scale),
      cmocka_unit_test(test_set_image),
      cmocka_unit_test(test_pause_resume),
      cmocka_unit_test(test_delete),
      cmocka_unit_test(test_delete_orphan),
      cmocka_unit_test(test_cordon_uncordon),
      cmocka_unit_test(test_apply),
      cmocka_unit_test(test_rollout_undo_deployment),
      cmocka_unit_test(test_rollout_undo_daemon_set),
      cmocka_unit_test(test_rollout_undo_stateful_set),
      cmocka_unit_test(test_drain_budget),
      cmocka_unit_test(test_drain_timeout),
      cmocka_unit_test(test_drain_filters),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
