/* A real cluster's `kubectl get deploy,sts,ds,job,cronjob -A -o yaml` loads
 * and runs (tests/scenarios/cluster-dump.yaml: the dump
 * tests/data/manifests/cluster-kubectl.yaml with the ConfigMaps and default
 * StorageClass its pods need, on one tainted control-plane node and three
 * workers). What runs, from the results file of a whole run
 * (scenario_results.h), and the objects' status over time in the store of
 * the same world (timeline_world.h).
 *
 * Worked out by hand (every pod is bound in the cycle after its creation
 * and starts 1 s later, the node agent's default start latency):
 *   0s  the dump's status blocks are dropped on create (sim/create_strategy.h),
 *       so every controller starts from nothing:
 *       - kube-proxy (tolerates everything): a pod on each of the 4 nodes;
 *       - node-exporter (tolerates dedicated=gpu only): the 3 workers, not
 *         the control-plane node;
 *       - coredns 2 and web 3 pods through a new ReplicaSet each,
 *         <deployment>-<hash>-<5 characters>;
 *       - db-0 (OrderedReady) with its claim data-db-0 of the default class;
 *       - the Job pi and the CronJob's running Job hello-28754540 a pod each.
 *   1s  db-0 Running and Ready: db-1 and data-db-1 are created. The claim
 *       has the default class from DefaultStorageClass admission on create
 *       (sim/admission_storage_class.h), as data-db-0 had at 0s, so db-1 is
 *       bound at 1s on its first attempt. (Before that admission, the PV
 *       controller gave the class late and db-1 backed off 1 s to 2s.)
 *  21s  hello-28754540's pod ends (20 s run time); the Job is Complete at
 *       22s (the Job controller's 1 s batch period). pi's ends at 31s, pi is
 *       Complete at 32s.
 *  10m, 20m, 30m  the CronJob (*\/10, sim time 0 = 1970-01-01T00:00Z) makes
 *       hello-10, hello-20, hello-30 at the activation + 100 ms, each
 *       Complete 22 s later. With hello-30 done the CronJob has 4 finished
 *       Jobs, one over successfulJobsHistoryLimit 3: the dump's
 *       hello-28754540 (oldest startTime) is deleted at 30m22.1s.
 */
#include "tests/sim/scenario_results.h"
#include "tests/sim/timeline_world.h"

#include "workloads/apps.h"
#include "workloads/batch.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)
#define MS(x) ((gint64)(x) * 1000)

static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";

/* name is prefix + n characters of the API server's generateName alphabet. */
static gboolean generated(const char *name, const char *prefix, gsize n) {
  if (!g_str_has_prefix(name, prefix) || strlen(name) != strlen(prefix) + n)
    return FALSE;
  return strspn(name + strlen(prefix), alphabet) == n;
}

/* The rows whose name starts with prefix, in results order. */
static GPtrArray *rows(const KsResults *r, const char *prefix) {
  GPtrArray *a = g_ptr_array_new();
  for (gsize i = 0; i < r->n_pods; i++)
    if (g_str_has_prefix(r->pods[i].name, prefix))
      g_ptr_array_add(a, (gpointer)&r->pods[i]);
  return a;
}

static void assert_started(const KsPodRow *p, gint64 created, gint64 scheduled) {
  assert_int_equal(p->created_us, created);
  assert_int_equal(p->scheduled_us, scheduled);
  assert_int_equal(p->started_us, scheduled + S(1));
}

/* A DaemonSet's pods: one per node of `nodes` (a bit per node index),
 * created at 0, running at the end. */
static void assert_daemon(const KsResults *r, const char *ds, guint nodes) {
  char *prefix = g_strdup_printf("%s-", ds);
  GPtrArray *a = rows(r, prefix);
  guint seen = 0;
  for (guint i = 0; i < a->len; i++) {
    const KsPodRow *p = a->pdata[i];
    assert_true(generated(p->name, prefix, 5));
    assert_started(p, 0, 0);
    assert_int_equal(p->outcome, KS_OUTCOME_RUNNING);
    assert_true(p->node >= 0 && p->node < 4);
    assert_false(seen & (1u << p->node)); /* one per node */
    seen |= 1u << p->node;
  }
  assert_int_equal(seen, nodes);
  g_ptr_array_unref(a);
  g_free(prefix);
}

/* A Deployment's pods: n, all of one ReplicaSet <name>-<hash>, running. */
static void assert_deployment(const KsResults *r, const char *name, guint n) {
  char *prefix = g_strdup_printf("%s-", name);
  GPtrArray *a = rows(r, prefix);
  assert_int_equal(a->len, n);
  const char *first = ((const KsPodRow *)a->pdata[0])->name;
  gsize rs_len = strrchr(first, '-') - first; /* <name>-<hash> */
  for (guint i = 0; i < a->len; i++) {
    const KsPodRow *p = a->pdata[i];
    char *rs = g_strndup(p->name, rs_len + 1);
    assert_true(generated(p->name, rs, 5));
    assert_int_equal(strncmp(p->name, first, rs_len + 1), 0);
    g_free(rs);
    assert_started(p, 0, 0);
    assert_int_equal(p->outcome, KS_OUTCOME_RUNNING);
  }
  /* the hash: upstream's alphabet, at most 10 characters */
  gsize hash = rs_len - strlen(prefix);
  assert_true(hash >= 1 && hash <= 10);
  assert_int_equal(strspn(first + strlen(prefix), alphabet), hash);
  g_ptr_array_unref(a);
  g_free(prefix);
}

/* A batch pod: created at `created`, bound at once, ran `run` seconds. */
static void assert_batch(const KsResults *r, const char *job, gint64 created, gint64 run) {
  char *prefix = g_strdup_printf("%s-", job);
  GPtrArray *a = rows(r, prefix);
  assert_int_equal(a->len, 1);
  const KsPodRow *p = a->pdata[0];
  assert_true(generated(p->name, prefix, 5));
  assert_started(p, created, created);
  assert_int_equal(p->finished_us, created + S(1) + S(run));
  assert_int_equal(p->outcome, KS_OUTCOME_SUCCEEDED);
  g_ptr_array_unref(a);
  g_free(prefix);
}

static void test_what_runs(void **state) {
  (void)state;
  KsResults *r = ks_test_run_bundled_scenario("cluster-dump.yaml");
  assert_int_equal(r->n_nodes, 4);
  assert_string_equal(r->nodes[0].name, "control-plane-0");
  /* 4 kube-proxy + 3 node-exporter + 2 coredns + 3 web + 2 db + pi +
   * hello-28754540 + hello-10, -20, -30 */
  assert_int_equal(r->n_pods, 19);
  assert_daemon(r, "kube-proxy", 0xf);
  assert_daemon(r, "node-exporter", 0xe);
  assert_deployment(r, "coredns", 2);
  assert_deployment(r, "web", 3);
  /* StatefulSet: ordinals, one after the other */
  const KsPodRow *db0 = ks_test_pod_row(r, "db-0"), *db1 = ks_test_pod_row(r, "db-1");
  assert_started(db0, 0, 0);
  assert_started(db1, S(1), S(1));
  assert_int_equal(db1->attempts, 1);
  assert_int_equal(db0->outcome, KS_OUTCOME_RUNNING);
  assert_int_equal(db1->outcome, KS_OUTCOME_RUNNING);
  GPtrArray *db = rows(r, "db-");
  assert_int_equal(db->len, 2);
  g_ptr_array_unref(db);
  /* Jobs and the CronJob's runs */
  assert_batch(r, "pi", 0, 30);
  assert_batch(r, "hello-28754540", 0, 20);
  assert_batch(r, "hello-10", S(600) + MS(100), 20);
  assert_batch(r, "hello-20", S(1200) + MS(100), 20);
  assert_batch(r, "hello-30", S(1800) + MS(100), 20);
  GPtrArray *hello = rows(r, "hello-");
  assert_int_equal(hello->len, 4);
  g_ptr_array_unref(hello);
  ks_results_free(r);
}

static gconstpointer get(KsTestWorld *w, KsStoreKind kind, const char *ns, const char *name) {
  const KsStoreObject *o = ks_store_get(w->store, kind, ns, name);
  return o ? o->data : NULL;
}

/* Complete (and SuccessCriteriaMet before it) at `at`, started at `start`. */
static void assert_complete(const KsJob *j, gint64 start, gint64 at) {
  assert_non_null(j);
  assert_int_equal(j->start_time_us, start);
  assert_int_equal(j->completion_time_us, at);
  assert_int_equal(j->succeeded, 1);
  assert_int_equal(j->active, 0);
  assert_int_equal(j->conditions->len, 2);
  const KsCondition *c = &g_array_index(j->conditions, KsCondition, 0);
  assert_string_equal(c->type, "SuccessCriteriaMet");
  c = &g_array_index(j->conditions, KsCondition, 1);
  assert_string_equal(c->type, "Complete");
  assert_int_equal(c->status, KS_CONDITION_TRUE);
  assert_string_equal(c->reason, "CompletionsReached");
  assert_string_equal(c->message, "Reached expected number of succeeded pods");
  assert_int_equal(c->last_transition_time_us, at);
}

static void test_status_recomputed(void **state) {
  (void)state;
  KsTestWorld w;
  ks_test_world_init_bundled(&w, "cluster-dump.yaml");
  ks_test_world_run(&w, 0);
  /* created afresh: the dump's status and creation times are gone */
  const KsJob *pi = get(&w, KS_STORE_JOB, "default", "pi");
  assert_int_equal(pi->meta.creation_timestamp_us, 0);
  assert_null(ks_conditions_get(pi->conditions, "Complete"));
  assert_int_equal(pi->meta.generation, 1);
  assert_string_equal(pi->meta.uid, "819881ed-8265-410d-87ef-22fa0ef8d52e"); /* kept */
  const KsCronJob *cj = get(&w, KS_STORE_CRON_JOB, "default", "hello");
  assert_int_equal(cj->last_schedule_time_us, 0);
  const KsStatefulSet *ss = get(&w, KS_STORE_STATEFUL_SET, "default", "db");
  assert_string_not_equal(ss->update_revision, "db-6f5d8b9c7d");
  ks_test_world_run(&w, S(22) - 1);
  assert_null(ks_conditions_get(((const KsJob *)get(&w, KS_STORE_JOB, "default",
                                                    "hello-28754540"))->conditions,
                                "Complete"));
  ks_test_world_run(&w, S(40));
  /* startTime 1 s: a Job created at sim time 0 reads as unstarted until its
   * next sync (docs/controllers.md, Job departures) */
  assert_complete(get(&w, KS_STORE_JOB, "default", "hello-28754540"), S(1), S(22));
  assert_complete(get(&w, KS_STORE_JOB, "default", "pi"), S(1), S(32));
  const KsDeployment *web = get(&w, KS_STORE_DEPLOYMENT, "default", "web");
  assert_int_equal(web->available_replicas, 3);
  assert_int_equal(web->observed_generation, 2); /* the dump's generation, kept */
  /* the revision is this run's: one ReplicaSet, revision 1 (the dump said 2) */
  assert_string_equal(ks_labels_get(&web->meta.annotations, "deployment.kubernetes.io/revision"),
                      "1");
  const KsDaemonSet *proxy = get(&w, KS_STORE_DAEMON_SET, "kube-system", "kube-proxy");
  assert_int_equal(proxy->desired_number_scheduled, 4);
  assert_int_equal(proxy->number_ready, 4);
  const KsDaemonSet *exporter = get(&w, KS_STORE_DAEMON_SET, "monitoring", "node-exporter");
  assert_int_equal(exporter->desired_number_scheduled, 3);
  ss = get(&w, KS_STORE_STATEFUL_SET, "default", "db");
  assert_int_equal(ss->ready_replicas, 2);
  assert_non_null(get(&w, KS_STORE_PERSISTENT_VOLUME_CLAIM, "default", "data-db-1"));
  /* the CronJob's runs; its history keeps 3 succeeded Jobs */
  ks_test_world_run(&w, S(1822) + MS(100) - 1);
  assert_non_null(get(&w, KS_STORE_JOB, "default", "hello-28754540"));
  ks_test_world_run(&w, S(1822) + MS(100));
  assert_null(get(&w, KS_STORE_JOB, "default", "hello-28754540"));
  assert_complete(get(&w, KS_STORE_JOB, "default", "hello-10"), S(600) + MS(100),
                  S(622) + MS(100));
  assert_complete(get(&w, KS_STORE_JOB, "default", "hello-30"), S(1800) + MS(100),
                  S(1822) + MS(100));
  cj = get(&w, KS_STORE_CRON_JOB, "default", "hello");
  assert_int_equal(cj->last_schedule_time_us, S(1800));
  assert_int_equal(cj->last_successful_time_us, S(1822) + MS(100));
  assert_int_equal(cj->active ? cj->active->len : 0, 0);
  ks_test_world_free(&w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_what_runs),
    cmocka_unit_test(test_status_recomputed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
