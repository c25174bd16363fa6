/* sim/kubelet/eviction_record.c on a bare store: which status changes are
 * evictions, of which cause, counted by QoS class and node, and which are
 * not (other DisruptionTarget reasons, False conditions, a condition held
 * across updates, Failed pods that were not evicted). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "sim/engine.h"
#include "sim/kubelet/eviction_record.h"
#include "sim/kubelet/kubelet_results.h"
#include "sim/kubelet/resource_model.h"
#include "sim/results.h"
#include "sim/store.h"
#include "sim/summary.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)

typedef struct {
  KsEngine *engine;
  KsStore *store;
  KsEvictionRecord *rec;
} Fixture;

static int setup(void **state) {
  Fixture *f = g_new0(Fixture, 1);
  f->engine = ks_engine_new();
  f->store = ks_store_new(f->engine);
  f->rec = ks_eviction_record_new(f->store);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  Fixture *f = *state;
  ks_eviction_record_free(f->rec);
  ks_store_free(f->store);
  ks_engine_free(f->engine);
  g_free(f);
  return 0;
}

/* A pod of QoS class q: BestEffort without requests, Burstable with a cpu
 * request, Guaranteed with equal cpu and memory requests and limits. */
static KsPod *make_pod(const char *name, const char *node, KsQosClass q) {
  KsPod *p = ks_pod_new("default", name);
  KsContainer *c = ks_pod_add_container(p, "c", FALSE);
  if (q != KS_QOS_BEST_EFFORT)
    ks_resource_list_set(&c->requests, "cpu", 100);
  if (q == KS_QOS_GUARANTEED) {
    ks_resource_list_set(&c->requests, "memory", 1 << 20);
    ks_resource_list_set(&c->limits, "cpu", 100);
    ks_resource_list_set(&c->limits, "memory", 1 << 20);
  }
  p->node_name = node ? g_strdup(node) : NULL;
  p->phase = node ? KS_POD_RUNNING : KS_POD_PENDING;
  return p;
}

static void create(Fixture *f, KsPod *p) {
  GError *error = NULL;
  if (!ks_store_create(f->store, KS_STORE_POD, p->namespace, p->name, p,
                       (GDestroyNotify)ks_pod_unref, &error))
    fail_msg("%s", error->message);
}

/* A copy of the stored pod, to change and write back with update(). */
static KsPod *copy_of(Fixture *f, const char *name) {
  const KsStoreObject *o = ks_store_get(f->store, KS_STORE_POD, "default", name);
  assert_non_null(o);
  return ks_pod_copy(o->data);
}

static void update(Fixture *f, KsPod *p) {
  GError *error = NULL;
  if (!ks_store_update(f->store, KS_STORE_POD, p->namespace, p->name, p,
                       (GDestroyNotify)ks_pod_unref, 0, &error))
    fail_msg("%s", error->message);
}

static void set_disruption(Fixture *f, const char *name, KsPodConditionStatus st,
                           const char *reason, const char *message) {
  KsPod *p = copy_of(f, name);
  ks_pod_set_condition(p, KS_POD_CONDITION_DISRUPTION_TARGET, st, reason, message,
                       ks_engine_now(f->engine));
  update(f, p);
}

static void run_to(Fixture *f, gint64 t) { ks_engine_run_until(f->engine, t); }

static void assert_row(Fixture *f, guint i, gint64 t, const char *name, const char *node,
                       KsQosClass q, KsEvictionCause c, const char *reason, const char *message) {
  assert_true(i < ks_eviction_record_n_rows(f->rec));
  KsEvictionRow r;
  ks_eviction_record_row(f->rec, i, &r);
  assert_int_equal(r.time_us, t);
  assert_string_equal(r.namespace, "default");
  assert_string_equal(r.name, name);
  assert_string_equal(r.node, node);
  assert_int_equal(r.qos, q);
  assert_int_equal(r.cause, c);
  assert_string_equal(r.reason, reason);
  assert_string_equal(r.message, message);
}

/* Each cause once, at its time, with the evictor's reason and message. */
static void test_causes(void **state) {
  Fixture *f = *state;
  create(f, make_pod("a", "n1", KS_QOS_BURSTABLE));
  create(f, make_pod("b", "n2", KS_QOS_BEST_EFFORT));
  create(f, make_pod("c", "n1", KS_QOS_GUARANTEED));
  create(f, make_pod("d", "n2", KS_QOS_BURSTABLE));
  create(f, make_pod("e", "n3", KS_QOS_BEST_EFFORT));
  run_to(f, S(1));
  assert_int_equal(ks_eviction_record_n_rows(f->rec), 0);

  /* the kubelet's eviction manager: Failed, Evicted and the condition in one write */
  KsPod *p = copy_of(f, "a");
  p->phase = KS_POD_FAILED;
  ks_pod_set_status_reason(p, "Evicted", "low on memory");
  ks_pod_set_condition(p, KS_POD_CONDITION_DISRUPTION_TARGET, KS_POD_CONDITION_TRUE,
                       KS_POD_REASON_TERMINATION_BY_KUBELET, "low on memory", S(1));
  update(f, p);
  run_to(f, S(2));
  /* the kubelet's admission: Failed, Evicted, no condition */
  p = copy_of(f, "b");
  p->phase = KS_POD_FAILED;
  ks_pod_set_status_reason(p, "Evicted", "The node had condition: [MemoryPressure]. ");
  update(f, p);
  run_to(f, S(3));
  set_disruption(f, "c", KS_POD_CONDITION_TRUE, KS_POD_REASON_DELETION_BY_TAINT_MANAGER,
                 "Taint manager: deleting due to NoExecute taint");
  run_to(f, S(4));
  set_disruption(f, "d", KS_POD_CONDITION_TRUE, KS_POD_REASON_EVICTION_BY_EVICTION_API,
                 "Eviction API: evicting");
  run_to(f, S(5));
  set_disruption(f, "e", KS_POD_CONDITION_TRUE, KS_POD_REASON_PREEMPTION_BY_SCHEDULER,
                 "default-scheduler: preempting to accommodate a higher priority pod");
  run_to(f, S(6));

  assert_int_equal(ks_eviction_record_n_rows(f->rec), 5);
  assert_row(f, 0, S(1), "a", "n1", KS_QOS_BURSTABLE, KS_EVICTION_CAUSE_NODE_PRESSURE,
             "TerminationByKubelet", "low on memory");
  assert_row(f, 1, S(2), "b", "n2", KS_QOS_BEST_EFFORT, KS_EVICTION_CAUSE_ADMISSION, "Evicted",
             "The node had condition: [MemoryPressure]. ");
  assert_row(f, 2, S(3), "c", "n1", KS_QOS_GUARANTEED, KS_EVICTION_CAUSE_TAINT_MANAGER,
             "DeletionByTaintManager", "Taint manager: deleting due to NoExecute taint");
  assert_row(f, 3, S(4), "d", "n2", KS_QOS_BURSTABLE, KS_EVICTION_CAUSE_EVICTION_API,
             "EvictionByEvictionAPI", "Eviction API: evicting");
  assert_row(f, 4, S(5), "e", "n3", KS_QOS_BEST_EFFORT, KS_EVICTION_CAUSE_PREEMPTION,
             "PreemptionByScheduler",
             "default-scheduler: preempting to accommodate a higher priority pod");

  /* by QoS class and cause */
  static const guint64 want[KS_QOS_CLASS_COUNT][KS_EVICTION_CAUSE_COUNT] = {
      {0, 0, 1, 0, 0}, /* Guaranteed: c */
      {1, 0, 0, 1, 0}, /* Burstable: a, d */
      {0, 1, 0, 0, 1}, /* BestEffort: b, e */
  };
  for (guint q = 0; q < KS_QOS_CLASS_COUNT; q++)
    for (guint c = 0; c < KS_EVICTION_CAUSE_COUNT; c++)
      assert_int_equal(ks_eviction_record_qos_count(f->rec, q, c), want[q][c]);
  /* by node, first-eviction order */
  assert_int_equal(ks_eviction_record_n_nodes(f->rec), 3);
  static const char *const nodes[] = {"n1", "n2", "n3"};
  static const guint64 by_node[3][KS_EVICTION_CAUSE_COUNT] = {
      {1, 0, 1, 0, 0}, {0, 1, 0, 1, 0}, {0, 0, 0, 0, 1}};
  for (guint i = 0; i < 3; i++) {
    assert_string_equal(ks_eviction_record_node_name(f->rec, i), nodes[i]);
    for (guint c = 0; c < KS_EVICTION_CAUSE_COUNT; c++)
      assert_int_equal(ks_eviction_record_node_count(f->rec, i, c), by_node[i][c]);
  }
}

/* Changes that are not evictions, and one eviction counted once however
 * often the pod is written afterwards. */
static void test_not_evictions(void **state) {
  Fixture *f = *state;
  create(f, make_pod("gc", "n1", KS_QOS_BURSTABLE));
  create(f, make_pod("false", "n1", KS_QOS_BURSTABLE));
  create(f, make_pod("crashed", "n1", KS_QOS_BURSTABLE));
  create(f, make_pod("outofcpu", "n1", KS_QOS_BURSTABLE));
  create(f, make_pod("held", "n1", KS_QOS_BURSTABLE));
  run_to(f, S(1));
  /* the pod GC's reason is not an eviction */
  set_disruption(f, "gc", KS_POD_CONDITION_TRUE, KS_POD_REASON_DELETION_BY_POD_GC, "PodGC");
  /* a False condition is not one */
  set_disruption(f, "false", KS_POD_CONDITION_FALSE, KS_POD_REASON_EVICTION_BY_EVICTION_API, "x");
  /* a container that failed, and a kubelet rejection of another reason */
  KsPod *p = copy_of(f, "crashed");
  p->phase = KS_POD_FAILED;
  update(f, p);
  p = copy_of(f, "outofcpu");
  p->phase = KS_POD_FAILED;
  ks_pod_set_status_reason(p, "OutOfcpu", "Node didn't have enough resource: cpu");
  update(f, p);
  run_to(f, S(2));
  assert_int_equal(ks_eviction_record_n_rows(f->rec), 0);
  assert_int_equal(ks_eviction_record_n_nodes(f->rec), 0);

  /* gained at 2 s; kept by later writes (a deletion timestamp, the
   * Failed phase) and by deletion: one row */
  set_disruption(f, "held", KS_POD_CONDITION_TRUE, KS_POD_REASON_DELETION_BY_TAINT_MANAGER, "t");
  run_to(f, S(3));
  p = copy_of(f, "held");
  p->deletion_timestamp_us = S(3);
  update(f, p);
  run_to(f, S(4));
  p = copy_of(f, "held");
  p->phase = KS_POD_FAILED;
  update(f, p);
  run_to(f, S(5));
  assert_true(ks_store_delete(f->store, KS_STORE_POD, "default", "held", 0, NULL));
  run_to(f, S(6));
  assert_int_equal(ks_eviction_record_n_rows(f->rec), 1);
  assert_row(f, 0, S(2), "held", "n1", KS_QOS_BURSTABLE, KS_EVICTION_CAUSE_TAINT_MANAGER,
             "DeletionByTaintManager", "t");
  assert_int_equal(ks_eviction_record_qos_count(f->rec, KS_QOS_BURSTABLE,
                                                KS_EVICTION_CAUSE_TAINT_MANAGER), 1);
}

/* A pod evicted before it was bound counts by QoS class, in no node; a
 * condition without a message gives "". An admission rejection followed by
 * a taint eviction of the same pod is two evictions, as the run's metric
 * counts the second. */
static void test_unbound_and_twice(void **state) {
  Fixture *f = *state;
  create(f, make_pod("pending", NULL, KS_QOS_BEST_EFFORT));
  create(f, make_pod("twice", "n9", KS_QOS_BEST_EFFORT));
  run_to(f, S(1));
  set_disruption(f, "pending", KS_POD_CONDITION_TRUE, KS_POD_REASON_EVICTION_BY_EVICTION_API,
                 NULL);
  KsPod *p = copy_of(f, "twice");
  p->phase = KS_POD_FAILED;
  ks_pod_set_status_reason(p, "Evicted", "The node had condition: [DiskPressure]. ");
  update(f, p);
  run_to(f, S(2));
  set_disruption(f, "twice", KS_POD_CONDITION_TRUE, KS_POD_REASON_DELETION_BY_TAINT_MANAGER,
                 "Taint manager: deleting due to NoExecute taint");
  run_to(f, S(3));
  assert_int_equal(ks_eviction_record_n_rows(f->rec), 3);
  assert_row(f, 0, S(1), "pending", "", KS_QOS_BEST_EFFORT, KS_EVICTION_CAUSE_EVICTION_API,
             "EvictionByEvictionAPI", "");
  assert_row(f, 1, S(1), "twice", "n9", KS_QOS_BEST_EFFORT, KS_EVICTION_CAUSE_ADMISSION,
             "Evicted", "The node had condition: [DiskPressure]. ");
  assert_row(f, 2, S(2), "twice", "n9", KS_QOS_BEST_EFFORT, KS_EVICTION_CAUSE_TAINT_MANAGER,
             "DeletionByTaintManager", "Taint manager: deleting due to NoExecute taint");
  assert_int_equal(ks_eviction_record_n_nodes(f->rec), 1);
  assert_string_equal(ks_eviction_record_node_name(f->rec, 0), "n9");
  assert_int_equal(ks_eviction_record_node_count(f->rec, 0, KS_EVICTION_CAUSE_EVICTION_API), 0);
  assert_int_equal(ks_eviction_record_node_count(f->rec, 0, KS_EVICTION_CAUSE_ADMISSION), 1);
  assert_int_equal(ks_eviction_record_node_count(f->rec, 0, KS_EVICTION_CAUSE_TAINT_MANAGER), 1);
  assert_int_equal(ks_eviction_record_qos_count(f->rec, KS_QOS_BEST_EFFORT,
                                                KS_EVICTION_CAUSE_EVICTION_API), 1);
}

/* Writes the record (and a model that ran nothing) into a results file
 * and reads /kubelet back; NULL when the file has none. transfer full */
static KsKubeletResults *write_and_read(Fixture *f) {
  char *path = g_strdup_printf("%s/ksim-eviction-record-%d.h5", g_get_tmp_dir(), (int)getpid());
  GError *error = NULL;
  KsKubeletModel *m = ks_kubelet_model_new(f->store, 1);
  KsResultsWriter *w = ks_results_writer_open(path, &error);
  if (!w || !ks_kubelet_results_write(w, m, f->rec, &error) ||
      !ks_results_writer_commit(w, &error))
    fail_msg("%s", error->message);
  ks_kubelet_model_free(m);
  KsKubeletResults *k = ks_kubelet_results_read(path, &error);
  if (error)
    fail_msg("%s", error->message);
  g_unlink(path);
  g_free(path);
  return k;
}

/* `ksim summary` of a file holding only /kubelet's evictions: the nodes
 * with the most evictions first (ties in first-eviction order), ten of
 * them, then how many more. Node i gets (i % 4) + 1 evictions. */
static void test_summary_top_nodes(void **state) {
  Fixture *f = *state;
  guint n = 0;
  for (guint i = 0; i < 12; i++)
    for (guint k = 0; k <= i % 4; k++) {
      char name[32], node[32];
      g_snprintf(name, sizeof name, "p%02u", n++);
      g_snprintf(node, sizeof node, "n%u", i);
      create(f, make_pod(name, node, KS_QOS_GUARANTEED));
    }
  run_to(f, S(1));
  for (guint i = 0; i < n; i++) {
    char name[32];
    g_snprintf(name, sizeof name, "p%02u", i);
    set_disruption(f, name, KS_POD_CONDITION_TRUE, KS_POD_REASON_DELETION_BY_TAINT_MANAGER, "t");
  }
  run_to(f, S(2));
  char *path = g_strdup_printf("%s/ksim-eviction-summary-%d.h5", g_get_tmp_dir(), (int)getpid());
  GError *error = NULL;
  KsKubeletModel *m = ks_kubelet_model_new(f->store, 1);
  KsResultsWriter *w = ks_results_writer_open(path, &error);
  if (!w || !ks_kubelet_results_write(w, m, f->rec, &error) ||
      !ks_results_writer_commit(w, &error))
    fail_msg("%s", error->message);
  ks_kubelet_model_free(m);
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  if (!ks_summary_print(path, KS_SUMMARY_TABLE, out, &error))
    fail_msg("%s", error->message);
  fclose(out);
  const char *want =
      "evictions            30: Guaranteed 30, Burstable 0, BestEffort 0\n"
      "evictions by cause   node_pressure 0, admission 0, taint_manager 30, eviction_api 0, "
      "preemption 0\n"
      "evictions by node    n3 4, n7 4, n11 4, n2 3, n6 3, n10 3, n1 2, n5 2, n9 2, n0 1 "
      "and 2 more nodes\n";
  assert_true(g_str_has_suffix(text, want));
  assert_null(strstr(text, "usage-modelled pods"));
  g_free(text);
  g_unlink(path);
  g_free(path);
}

/* No eviction and no model: no /kubelet at all. */
static void test_nothing_written(void **state) {
  Fixture *f = *state;
  create(f, make_pod("a", "n1", KS_QOS_BURSTABLE));
  run_to(f, S(1));
  assert_null(write_and_read(f));
}

/* More rows than one write chunk (4096), read back in order; a message
 * longer than the member (256 bytes) cut before a character it would
 * split; nodes with evictions only, in first-eviction order. */
static void test_written_rows(void **state) {
  Fixture *f = *state;
  enum { N = 5000 };
  for (guint i = 0; i < N; i++) {
    char name[32], node[32];
    g_snprintf(name, sizeof name, "p%04u", i);
    g_snprintf(node, sizeof node, "n%u", i % 7);
    create(f, make_pod(name, node, i % 2 ? KS_QOS_BURSTABLE : KS_QOS_BEST_EFFORT));
  }
  run_to(f, S(1));
  /* 255 ASCII bytes then "é" (2 bytes): byte 256 would be its first half */
  GString *longmsg = g_string_new(NULL);
  for (guint i = 0; i < 255; i++)
    g_string_append_c(longmsg, 'x');
  g_string_append(longmsg, "\xc3\xa9 and more");
  for (guint i = 0; i < N; i++) {
    char name[32];
    g_snprintf(name, sizeof name, "p%04u", i);
    set_disruption(f, name, KS_POD_CONDITION_TRUE, KS_POD_REASON_EVICTION_BY_EVICTION_API,
                   i == N - 1 ? longmsg->str : "Eviction API: evicting");
  }
  run_to(f, S(2));
  KsKubeletResults *k = write_and_read(f);
  assert_non_null(k);
  assert_int_equal(k->evictions->len, N);
  for (guint i = 0; i < N; i++) {
    const KsKubeletEviction *e = &g_array_index(k->evictions, KsKubeletEviction, i);
    char name[32], node[32];
    g_snprintf(name, sizeof name, "p%04u", i);
    g_snprintf(node, sizeof node, "n%u", i % 7);
    assert_string_equal(e->name, name);
    assert_string_equal(e->node, node);
    assert_string_equal(e->qos, i % 2 ? "Burstable" : "BestEffort");
    assert_string_equal(e->cause, "eviction_api");
    assert_int_equal(e->time_us, S(1));
    if (i < N - 1)
      assert_string_equal(e->message, "Eviction API: evicting");
  }
  const char *cut = g_array_index(k->evictions, KsKubeletEviction, N - 1).message;
  assert_int_equal(strlen(cut), 255);
  assert_true(g_utf8_validate(cut, -1, NULL));
  g_string_free(longmsg, TRUE);
  /* no model: every node row is an eviction-only node */
  assert_int_equal(k->model_nodes, 0);
  assert_int_equal(k->pods->len, 0);
  assert_int_equal(k->nodes->len, 7);
  for (guint i = 0; i < 7; i++) {
    const KsKubeletResultRow *n = &g_array_index(k->nodes, KsKubeletResultRow, i);
    char node[32];
    g_snprintf(node, sizeof node, "n%u", i);
    assert_string_equal(n->name, node);
    /* 5000 = 7 * 714 + 2: n0 and n1 get one more */
    assert_int_equal(n->evictions[KS_EVICTION_CAUSE_EVICTION_API], i < 2 ? 715 : 714);
  }
  const KsKubeletResultRow *be = &g_array_index(k->qos, KsKubeletResultRow, KS_QOS_BEST_EFFORT);
  assert_string_equal(be->name, "BestEffort");
  assert_int_equal(be->evictions[KS_EVICTION_CAUSE_EVICTION_API], N / 2);
  assert_int_equal(be->pods, 0);
  ks_kubelet_results_free(k);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_causes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_not_evictions, setup, teardown),
      cmocka_unit_test_setup_teardown(test_unbound_and_twice, setup, teardown),
      cmocka_unit_test_setup_teardown(test_nothing_written, setup, teardown),
      cmocka_unit_test_setup_teardown(test_written_rows, setup, teardown),
      cmocka_unit_test_setup_teardown(test_summary_top_nodes, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
