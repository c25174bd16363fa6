/* Tests of the DaemonSet controller (sim/controllers/daemonset.c) running
 * with the scheduler, the scheduler driver and the node agent: a DaemonSet
 * following nodes that join and leave (the exact pods per node over time and
 * the status after each step), nodes it must avoid (selector, taints), a
 * rolling update with maxUnavailable, OnDelete, and the revisions it keeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sched/pod.h"
#include "sim/controllers/daemonset.h"
#include "sim/controllers/daemonset_util.h"
#include "sim/controllers/history.h"
#include "sim/controllers/runtime.h"
#include "tests/sim/controller_world.h"
#include "workloads/apps.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)

typedef struct {
  KsCtlWorld cw;
  KsController *ctl;
  GString *log; /* pod events: "t=<s> +<node>" (bound) / "t=<s> -<node>" (deleted) */
} World;

static void log_pods(KsStore *s, KsWatchEventType type, const KsStoreObject *old_obj,
                     const KsStoreObject *new_obj, gpointer user_data) {
  World *w = user_data;
  gint64 t = ks_engine_now(ks_store_get_engine(s)) / G_USEC_PER_SEC;
  if (type == KS_WATCH_MODIFIED) {
    const KsPod *o = old_obj->data, *n = new_obj->data;
    if (n->node_name && !o->node_name)
      g_string_append_printf(w->log, "t=%" G_GINT64_FORMAT " +%s\n", t, n->node_name);
  } else if (type == KS_WATCH_DELETED) {
    const KsPod *o = old_obj->data;
    const char *node = ks_daemonset_target_node(o);
    g_string_append_printf(w->log, "t=%" G_GINT64_FORMAT " -%s\n", t, node ? node : "?");
  }
}

static void world_init(World *w) {
  memset(w, 0, sizeof *w);
  ks_ctl_world_open(&w->cw);
  w->log = g_string_new("");
  ks_store_watch(w->cw.store, KS_STORE_POD, log_pods, w);
  ks_ctl_world_start(&w->cw, TRUE, NULL);
  KsControllerOptions co;
  ks_controller_options_default(&co);
  co.seed = 7;
  w->ctl = ks_controller_new(&ks_daemonset_controller_class, w->cw.store, &co);
}

static void world_free(World *w) {
  ks_controller_free(w->ctl);
  ks_ctl_world_close(&w->cw);
  g_string_free(w->log, TRUE);
}

static void add_node(World *w, const char *name, const char *taint_key, KsTaintEffect effect) {
  KsNode *n = ks_ctl_node_new(name);
  if (taint_key)
    ks_node_add_taint(n, taint_key, NULL, effect);
  ks_ctl_world_add_node(&w->cw, n);
}

/* The node leaves, and its pods with it (what upstream's pod garbage
 * collector does for pods bound to a node that no longer exists). */
static void remove_node(World *w, const char *name) {
  assert_true(ks_store_delete(w->cw.store, KS_STORE_NODE, NULL, name, 0, NULL));
  GPtrArray *pods = ks_store_list(w->cw.store, KS_STORE_POD, NULL);
  for (guint i = 0; i < pods->len; i++) {
    const KsStoreObject *o = pods->pdata[i];
    const KsPod *p = o->data;
    if (g_strcmp0(p->node_name, name) == 0)
      ks_store_delete(w->cw.store, KS_STORE_POD, o->namespace, o->name, 0, NULL);
  }
  g_ptr_array_unref(pods);
}

static void set_node_taint(World *w, const char *name, const char *key, KsTaintEffect effect) {
  const KsStoreObject *o = ks_store_get(w->cw.store, KS_STORE_NODE, NULL, name);
  KsNode *n = ks_node_copy(o->data);
  if (n->taints)
    g_array_set_size(n->taints, 0);
  if (key)
    ks_node_add_taint(n, key, NULL, effect);
  assert_true(ks_store_update(w->cw.store, KS_STORE_NODE, NULL, name, n, (GDestroyNotify)ks_node_unref, 0, NULL));
}

static KsDaemonSet *daemon_set(const char *image) {
  KsDaemonSet *ds = ks_daemon_set_new("kube-system", "agent");
  ds->meta.uid = g_strdup("ds-uid-1");
  ds->meta.generation = 1;
  ds->selector = ks_label_selector_new();
  ks_labels_set(&ds->selector->match_labels, "app", "agent");
  ks_pod_unref(ds->template);
  ds->template = ks_pod_new("kube-system", "");
  ks_labels_set(&ds->template->labels, "app", "agent");
  KsContainer *c = ks_pod_add_container(ds->template, "agent", FALSE);
  c->image = g_strdup(image);
  ks_resource_list_set(&c->requests, "cpu", 100);
  return ds;
}

static void put_ds(World *w, KsDaemonSet *ds) {
  const KsStoreObject *o = ks_store_get(w->cw.store, KS_STORE_DAEMON_SET, "kube-system", "agent");
  if (o == NULL)
    assert_true(ks_store_create(w->cw.store, KS_STORE_DAEMON_SET, "kube-system", "agent", ds,
                                (GDestroyNotify)ks_daemon_set_free, NULL));
  else
    assert_true(ks_store_update(w->cw.store, KS_STORE_DAEMON_SET, "kube-system", "agent", ds,
                                (GDestroyNotify)ks_daemon_set_free, 0, NULL));
}

static const KsDaemonSet *get_ds(World *w) {
  const KsStoreObject *o = ks_store_get(w->cw.store, KS_STORE_DAEMON_SET, "kube-system", "agent");
  assert_non_null(o);
  return o->data;
}

static gint cmp_str(gconstpointer a, gconstpointer b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "node=count node=count ..." over the DaemonSet's pods by target node
 * (bound node or injected affinity), sorted by node. transfer full */
static char *pods_per_node(World *w) {
  GPtrArray *pods = ks_store_list(w->cw.store, KS_STORE_POD, NULL);
  GPtrArray *nodes = g_ptr_array_new();
  for (guint i = 0; i < pods->len; i++) {
    const char *node = ks_daemonset_target_node(((const KsStoreObject *)pods->pdata[i])->data);
    g_ptr_array_add(nodes, (gpointer)(node ? node : "?"));
  }
  g_ptr_array_sort(nodes, cmp_str);
  GString *s = g_string_new("");
  for (guint i = 0; i < nodes->len;) {
    guint j = i;
    while (j < nodes->len && strcmp(nodes->pdata[j], nodes->pdata[i]) == 0)
      j++;
    g_string_append_printf(s, "%s%s=%u", s->len ? " " : "", (const char *)nodes->pdata[i], j - i);
    i = j;
  }
  g_ptr_array_unref(nodes);
  g_ptr_array_unref(pods);
  return g_string_free(s, FALSE);
}

static void assert_pods(World *w, const char *want) {
  char *have = pods_per_node(w);
  assert_string_equal(have, want);
  g_free(have);
}

/* desired current ready available misscheduled updated */
static void assert_status(World *w, gint32 desired, gint32 current, gint32 ready,
                          gint32 available, gint32 mis, gint32 updated) {
  const KsDaemonSet *ds = get_ds(w);
  assert_int_equal(ds->desired_number_scheduled, desired);
  assert_int_equal(ds->current_number_scheduled, current);
  assert_int_equal(ds->number_ready, ready);
  assert_int_equal(ds->number_available, available);
  assert_int_equal(ds->number_unavailable, desired - available);
  assert_int_equal(ds->number_misscheduled, mis);
  assert_int_equal(ds->updated_number_scheduled, updated);
  assert_int_equal(ds->observed_generation, ds->meta.generation);
}

/* The controller-revision-hash every pod of the DaemonSet carries (they
 * must agree). transfer full */
static char *pod_hash(World *w) {
  GPtrArray *pods = ks_store_list(w->cw.store, KS_STORE_POD, NULL);
  assert_true(pods->len > 0);
  char *hash = NULL;
  for (guint i = 0; i < pods->len; i++) {
    const KsPod *p = ((const KsStoreObject *)pods->pdata[i])->data;
    const char *h = ks_labels_get(&p->labels, KS_DAEMONSET_HASH_LABEL);
    assert_non_null(h);
    if (hash == NULL)
      hash = g_strdup(h);
    assert_string_equal(h, hash);
  }
  g_ptr_array_unref(pods);
  return hash;
}

/* The test: a DaemonSet following nodes that join and leave. */
static void test_follows_nodes(void **state) {
  (void)state;
  World w;
  world_init(&w);
  add_node(&w, "n1", NULL, 0);
  add_node(&w, "n2", NULL, 0);
  put_ds(&w, daemon_set("agent:1"));
  ks_engine_run_until(w.cw.engine, S(10));
  assert_pods(&w, "n1=1 n2=1");
  assert_status(&w, 2, 2, 2, 2, 0, 2);

  /* a node joins: a pod follows at once, bound by the scheduler */
  ks_engine_run_until(w.cw.engine, S(20));
  add_node(&w, "n3", NULL, 0);
  ks_engine_run_until(w.cw.engine, S(25));
  assert_pods(&w, "n1=1 n2=1 n3=1");
  assert_status(&w, 3, 3, 3, 3, 0, 3);

  /* a tainted node joins: nothing goes there */
  add_node(&w, "n4", "dedicated", KS_TAINT_EFFECT_NO_SCHEDULE);
  ks_engine_run_until(w.cw.engine, S(30));
  assert_pods(&w, "n1=1 n2=1 n3=1");
  assert_status(&w, 3, 3, 3, 3, 0, 3);

  /* a node leaves with its pod: no replacement anywhere */
  remove_node(&w, "n1");
  ks_engine_run_until(w.cw.engine, S(40));
  assert_pods(&w, "n2=1 n3=1");
  assert_status(&w, 2, 2, 2, 2, 0, 2);

  /* the taint goes: a pod follows */
  set_node_taint(&w, "n4", NULL, 0);
  ks_engine_run_until(w.cw.engine, S(50));
  assert_pods(&w, "n2=1 n3=1 n4=1");
  assert_status(&w, 3, 3, 3, 3, 0, 3);

  /* an untolerated NoExecute taint: the pod is deleted */
  set_node_taint(&w, "n2", "maintenance", KS_TAINT_EFFECT_NO_EXECUTE);
  ks_engine_run_until(w.cw.engine, S(60));
  assert_pods(&w, "n3=1 n4=1");
  assert_status(&w, 2, 2, 2, 2, 0, 2);

  /* not-ready NoExecute: the daemon tolerations keep it */
  set_node_taint(&w, "n3", KS_TAINT_NODE_NOT_READY, KS_TAINT_EFFECT_NO_EXECUTE);
  ks_engine_run_until(w.cw.engine, S(70));
  assert_pods(&w, "n3=1 n4=1");

  /* pods per node over time: bound at once (the start latency is the node
   * agent's 1 s, after binding), deleted when their node goes */
  assert_string_equal(w.log->str, "t=0 +n1\n"
                                  "t=0 +n2\n"
                                  "t=20 +n3\n"
                                  "t=30 -n1\n"
                                  "t=40 +n4\n"
                                  "t=50 -n2\n");
  world_free(&w);
}

static void relabel_node(World *w, const char *name, const char *key, const char *value) {
  const KsStoreObject *o = ks_store_get(w->cw.store, KS_STORE_NODE, NULL, name);
  KsNode *n = ks_node_copy(o->data);
  ks_labels_set(&n->labels, key, value);
  assert_true(ks_store_update(w->cw.store, KS_STORE_NODE, NULL, name, n, (GDestroyNotify)ks_node_unref, 0, NULL));
}

/* nodeSelector: only matching nodes; a node that stops matching loses its
 * pod; one that gets an untolerated NoSchedule taint keeps it, counted as
 * misscheduled. */
static void test_node_selector_and_misscheduled(void **state) {
  (void)state;
  World w;
  world_init(&w);
  add_node(&w, "n1", NULL, 0);
  add_node(&w, "n2", NULL, 0);
  add_node(&w, "n3", NULL, 0);
  relabel_node(&w, "n2", "role", "infra");
  relabel_node(&w, "n3", "role", "infra");
  KsDaemonSet *ds = daemon_set("agent:1");
  ks_labels_set(&ds->template->node_selector, "role", "infra");
  put_ds(&w, ds);
  ks_engine_run_until(w.cw.engine, S(10));
  assert_pods(&w, "n2=1 n3=1");
  assert_status(&w, 2, 2, 2, 2, 0, 2);
  relabel_node(&w, "n3", "role", "batch");
  ks_engine_run_until(w.cw.engine, S(20));
  assert_pods(&w, "n2=1");
  assert_status(&w, 1, 1, 1, 1, 0, 1);
  set_node_taint(&w, "n2", "dedicated", KS_TAINT_EFFECT_NO_SCHEDULE);
  ks_engine_run_until(w.cw.engine, S(30));
  assert_pods(&w, "n2=1");
  assert_status(&w, 0, 0, 0, 0, 1, 0);
  assert_string_equal(w.log->str, "t=0 +n2\n"
                                  "t=0 +n3\n"
                                  "t=10 -n3\n");
  world_free(&w);
}

/* RollingUpdate, maxUnavailable 1 (the default): one node at a time, each
 * old pod deleted only when every other node is available again. */
static void test_rolling_update(void **state) {
  (void)state;
  World w;
  world_init(&w);
  add_node(&w, "n1", NULL, 0);
  add_node(&w, "n2", NULL, 0);
  add_node(&w, "n3", NULL, 0);
  put_ds(&w, daemon_set("agent:1"));
  ks_engine_run_until(w.cw.engine, S(10));
  char *hash1 = pod_hash(&w);
  g_string_truncate(w.log, 0);
  KsDaemonSet *ds = daemon_set("agent:2");
  ds->meta.generation = 2;
  put_ds(&w, ds);
  ks_engine_run_until(w.cw.engine, S(30));
  assert_pods(&w, "n1=1 n2=1 n3=1");
  assert_status(&w, 3, 3, 3, 3, 0, 3);
  /* node order, one at a time: delete, the new pod is bound at once and
   * Running 1 s later, then the next node */
  assert_string_equal(w.log->str, "t=10 -n1\n"
                                  "t=10 +n1\n"
                                  "t=11 -n2\n"
                                  "t=11 +n2\n"
                                  "t=12 -n3\n"
                                  "t=12 +n3\n");
  /* every pod at the new hash; two revisions, the new one numbered 2 and
   * named after its hash */
  char *hash2 = pod_hash(&w);
  assert_string_not_equal(hash1, hash2);
  GPtrArray *revs = ks_store_list(w.cw.store, KS_STORE_CONTROLLER_REVISION, "kube-system");
  assert_int_equal(revs->len, 2);
  for (guint i = 0; i < revs->len; i++) {
    const KsControllerRevision *cr = ((const KsStoreObject *)revs->pdata[i])->data;
    const char *h = ks_labels_get(&cr->meta.labels, KS_DAEMONSET_HASH_LABEL);
    char *want = g_strdup_printf("agent-%s", h);
    assert_string_equal(cr->meta.name, want);
    assert_int_equal(cr->revision, strcmp(h, hash2) == 0 ? 2 : 1);
    g_free(want);
  }
  g_ptr_array_unref(revs);
  g_free(hash1);
  g_free(hash2);
  world_free(&w);
}

/* maxSurge 1, maxUnavailable 0: a new pod starts next to the old one, the
 * old one goes when the new one is available, one node at a time. */
static void test_surge_update(void **state) {
  (void)state;
  World w;
  world_init(&w);
  add_node(&w, "n1", NULL, 0);
  add_node(&w, "n2", NULL, 0);
  KsDaemonSet *ds = daemon_set("agent:1");
  ds->max_unavailable = (KsIntOrPercent){.set = TRUE, .value = 0};
  ds->max_surge = (KsIntOrPercent){.set = TRUE, .value = 1};
  put_ds(&w, ds);
  ks_engine_run_until(w.cw.engine, S(10));
  g_string_truncate(w.log, 0);
  ds = daemon_set("agent:2");
  ds->meta.generation = 2;
  ds->max_unavailable = (KsIntOrPercent){.set = TRUE, .value = 0};
  ds->max_surge = (KsIntOrPercent){.set = TRUE, .value = 1};
  put_ds(&w, ds);
  ks_engine_run_until(w.cw.engine, S(10));
  assert_pods(&w, "n1=2 n2=1"); /* surged onto n1 */
  ks_engine_run_until(w.cw.engine, S(30));
  assert_pods(&w, "n1=1 n2=1");
  assert_status(&w, 2, 2, 2, 2, 0, 2);
  assert_string_equal(w.log->str, "t=10 +n1\n"
                                  "t=11 -n1\n"
                                  "t=11 +n2\n"
                                  "t=12 -n2\n");
  world_free(&w);
}

/* OnDelete: a template change touches no pod; a pod deleted by hand comes
 * back at the new revision. */
static void test_on_delete(void **state) {
  (void)state;
  World w;
  world_init(&w);
  add_node(&w, "n1", NULL, 0);
  add_node(&w, "n2", NULL, 0);
  KsDaemonSet *ds = daemon_set("agent:1");
  ds->update_strategy = KS_DAEMON_SET_ON_DELETE;
  put_ds(&w, ds);
  ks_engine_run_until(w.cw.engine, S(10));
  ds = daemon_set("agent:2");
  ds->meta.generation = 2;
  ds->update_strategy = KS_DAEMON_SET_ON_DELETE;
  put_ds(&w, ds);
  ks_engine_run_until(w.cw.engine, S(20));
  assert_status(&w, 2, 2, 2, 2, 0, 0);
  GPtrArray *pods = ks_store_list(w.cw.store, KS_STORE_POD, "kube-system");
  for (guint i = 0; i < pods->len; i++) {
    const KsStoreObject *o = pods->pdata[i];
    if (strcmp(((const KsPod *)o->data)->node_name, "n1") == 0)
      assert_true(ks_store_delete(w.cw.store, KS_STORE_POD, o->namespace, o->name, 0, NULL));
  }
  g_ptr_array_unref(pods);
  ks_engine_run_until(w.cw.engine, S(30));
  assert_status(&w, 2, 2, 2, 2, 0, 1);
  pods = ks_store_list(w.cw.store, KS_STORE_POD, "kube-system");
  for (guint i = 0; i < pods->len; i++) {
    const KsPod *p = ((const KsStoreObject *)pods->pdata[i])->data;
    assert_string_equal(g_array_index(p->containers, KsContainer, 0).image,
                        strcmp(p->node_name, "n1") == 0 ? "agent:2" : "agent:1");
  }
  g_ptr_array_unref(pods);
  world_free(&w);
}

static void fail_pod_on(World *w, const char *node) {
  GPtrArray *pods = ks_store_list(w->cw.store, KS_STORE_POD, "kube-system");
  for (guint i = 0; i < pods->len; i++) {
    const KsStoreObject *o = pods->pdata[i];
    const KsPod *p = o->data;
    if (g_strcmp0(p->node_name, node) != 0)
      continue;
    KsPod *f = ks_pod_copy(p);
    f->phase = KS_POD_FAILED;
    f->ready = FALSE;
    assert_true(ks_store_update(w->cw.store, KS_STORE_POD, o->namespace, o->name, f,
                                (GDestroyNotify)ks_pod_unref, 0, NULL));
  }
  g_ptr_array_unref(pods);
}

/* A Failed pod is deleted and replaced; failing again at once, its
 * deletion waits out the back-off (1 s, then 2 s, ...). */
static void test_failed_pod_backoff(void **state) {
  (void)state;
  World w;
  world_init(&w);
  add_node(&w, "n1", NULL, 0);
  put_ds(&w, daemon_set("agent:1"));
  ks_engine_run_until(w.cw.engine, S(10));
  g_string_truncate(w.log, 0);
  fail_pod_on(&w, "n1");
  ks_engine_run_until(w.cw.engine, S(10));
  fail_pod_on(&w, "n1"); /* the replacement, bound at t=10 */
  ks_engine_run_until(w.cw.engine, S(11));
  fail_pod_on(&w, "n1"); /* the next one, bound at t=11 */
  ks_engine_run_until(w.cw.engine, S(20));
  assert_string_equal(w.log->str, "t=10 -n1\n"
                                  "t=10 +n1\n"
                                  "t=11 -n1\n"
                                  "t=11 +n1\n"
                                  "t=13 -n1\n"
                                  "t=13 +n1\n");
  assert_status(&w, 1, 1, 1, 1, 0, 1);
  world_free(&w);
}

/* revisionHistoryLimit 1: after three templates, the oldest unused
 * revision is gone. */
static void test_history_limit(void **state) {
  (void)state;
  World w;
  world_init(&w);
  add_node(&w, "n1", NULL, 0);
  const char *images[] = {"agent:1", "agent:2", "agent:3"};
  for (int i = 0; i < 3; i++) {
    KsDaemonSet *ds = daemon_set(images[i]);
    ds->meta.generation = i + 1;
    ds->revision_history_limit = 1;
    put_ds(&w, ds);
    ks_engine_run_until(w.cw.engine, S(10 * (i + 1)));
  }
  GPtrArray *revs = ks_store_list(w.cw.store, KS_STORE_CONTROLLER_REVISION, "kube-system");
  assert_int_equal(revs->len, 2);
  gint64 numbers = 0;
  for (guint i = 0; i < revs->len; i++)
    numbers += ((const KsControllerRevision *)((const KsStoreObject *)revs->pdata[i])->data)->revision;
  assert_int_equal(numbers, 2 + 3);
  g_ptr_array_unref(revs);
  world_free(&w);
}

/* A revision name taken by other data (a hash collision, forced here by
 * creating it first): the DaemonSet's collisionCount goes to 1 and the
 * revision and pods use the hash made with it. */
static void test_hash_collision(void **state) {
  (void)state;
  World w;
  world_init(&w);
  add_node(&w, "n1", NULL, 0);
  KsDaemonSet *ds = daemon_set("agent:1");
  char *hash0 = ks_history_compute_hash(ds->template, NULL);
  gint32 one = 1;
  char *hash1 = ks_history_compute_hash(ds->template, &one);
  char *name0 = ks_history_revision_name("agent", hash0);
  KsControllerRevision *squatter = ks_controller_revision_new("kube-system", name0);
  squatter->revision = 1;
  squatter->data = ks_pod_new("kube-system", "");
  assert_true(ks_store_create(w.cw.store, KS_STORE_CONTROLLER_REVISION, "kube-system", name0, squatter,
                              (GDestroyNotify)ks_controller_revision_free, NULL));
  put_ds(&w, ds);
  ks_engine_run_until(w.cw.engine, S(10));
  assert_int_equal(get_ds(&w)->collision_count, 1);
  char *have = pod_hash(&w);
  assert_string_equal(have, hash1);
  char *name1 = ks_history_revision_name("agent", hash1);
  assert_non_null(ks_store_get(w.cw.store, KS_STORE_CONTROLLER_REVISION, "kube-system", name1));
  assert_pods(&w, "n1=1");
  g_free(have);
  g_free(name0);
  g_free(name1);
  g_free(hash0);
  g_free(hash1);
  world_free(&w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_follows_nodes),
      cmocka_unit_test(test_node_selector_and_misscheduled),
      cmocka_unit_test(test_rolling_update),
      cmocka_unit_test(test_surge_update),
      cmocka_unit_test(test_on_delete),
      cmocka_unit_test(test_failed_pod_backoff),
      cmocka_unit_test(test_history_limit),
      cmocka_unit_test(test_hash_collision),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
