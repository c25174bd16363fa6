/* The native ksim trace format: a hand-written trace read field by field
 * against hand-computed values, read -> write -> read round trips (compact
 * tokens, full objects as JSON, synthetic traces), gzip and plain giving the
 * same events, CRLF, every class of bad line with its exact message, skip
 * mode counts, header errors, the writer's .partial handling, and the
 * reader's memory staying flat over a large generated file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>

#include "traces/trace_json.h"
#include "traces/trace_reader.h"
#include "traces/trace_source.h"
#include "trace_test_util.h"
#include "traces/trace_writer.h"
#include "workloads/annotations.h"
#include "workloads/manifest.h"

typedef TraceTestFixture Fixture;

static int setup(void **state) {
  return trace_test_fixture_setup(state, "ksim-trace-XXXXXX");
}

static int teardown(void **state) {
  return trace_test_fixture_teardown(state);
}

/* Writes text to the fixture's folder. transfer full: the path */
static char *put(Fixture *f, const char *name, const char *text) {
  return trace_test_put(f->dir, name, text, -1);
}

/* All events of a trace; fails the test on error. transfer full */
static GArray *read_events(const char *path) {
  GError *error = NULL;
  KsTraceSource *src = ks_trace_ksim_open(path, NULL, &error);
  if (!src)
    fail_msg("%s", error->message);
  GArray *evs = g_array_new(FALSE, FALSE, sizeof(KsTraceEvent));
  g_array_set_clear_func(evs, (GDestroyNotify)ks_trace_event_clear);
  KsTraceEvent ev;
  ks_trace_event_init(&ev);
  while (ks_trace_source_next(src, &ev, &error)) {
    g_array_append_val(evs, ev);
    ks_trace_event_init(&ev);
  }
  if (error)
    fail_msg("%s", error->message);
  ks_trace_source_free(src);
  return evs;
}

static void write_events(const char *path, GArray *evs, gboolean gzip) {
  GError *error = NULL;
  KsTraceWriter *w = ks_trace_writer_open(path, gzip, &error);
  assert_non_null(w);
  for (guint i = 0; i < evs->len; i++) {
    if (!ks_trace_writer_write(w, &g_array_index(evs, KsTraceEvent, i), &error))
      fail_msg("%s", error->message);
  }
  if (!ks_trace_writer_close(w, &error))
    fail_msg("%s", error->message);
}

/* ---- the hand-written trace --------------------------------------------- */

static const char *const sample =
    "#ksim-trace 1 generated-by=hand\n"
    "# a comment, then a blank line\n"
    "\n"
    " \t \n"
    "0 node-add n1 cpu=32 memory=128Gi nvidia.com/gpu=8 l:zone=a t:gpu=true:NoSchedule\n"
    "0.5 node-add n%202 cpu=4 alloc:cpu=3500m memory=1Gi unschedulable=true t:dedicated:NoExecute\n"
    "12.5 pod-create default/p1 cpu=500m memory=1Gi lim:cpu=1 priority=100 run=3600 l:app=web "
    "a:note=hello%20world%25 tol:gpu=true:NoSchedule tol::NoExecute:300 sel:zone=a\n"
    "13 pod-delete default/p1\n"
    "14 pod-finish team/p2 phase=Failed ran=1.25\n"
    "15.000001 usage n1 cpu=3 memory=2Gi\n"
    "15.000001 usage default/p1 cpu=250m\n"
    "16 node-remove n1\n"
    "17 object {\"apiVersion\":\"scheduling.k8s.io/v1\",\"kind\":\"PriorityClass\","
    "\"metadata\":{\"name\":\"high\"},\"value\":1000}\n"
    "18 pod-create default/aff {\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":"
    "\"aff\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"resources\":{\"requests\":{\"cpu\":\"2\"}}}"
    "],\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":{"
    "\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":\"zone\",\"operator\":\"In\","
    "\"values\":[\"a\"]}]}]}}}}}\n";

static void test_sample_fields(void **state) {
  Fixture *f = *state;
  char *path = put(f, "sample.ksim", sample);
  GArray *evs = read_events(path);
  assert_int_equal(evs->len, 10);
  KsTraceEvent *e = &g_array_index(evs, KsTraceEvent, 0);
  assert_int_equal(e->type, KS_TRACE_NODE_ADD);
  assert_int_equal(e->time_us, 0);
  assert_int_equal(e->line, 5);
  assert_string_equal(e->node->name, "n1");
  assert_int_equal(e->node->capacity.milli_cpu, 32000);
  assert_int_equal(e->node->capacity.memory, (gint64)128 << 30);
  assert_int_equal(ks_resource_list_get(&e->node->allocatable, "nvidia.com/gpu"), 8);
  assert_true(ks_resource_list_equal(&e->node->capacity, &e->node->allocatable));
  assert_string_equal(ks_labels_get(&e->node->labels, "zone"), "a");
  assert_int_equal(e->node->taints->len, 1);
  KsTaint *t = &g_array_index(e->node->taints, KsTaint, 0);
  assert_string_equal(t->key, "gpu");
  assert_string_equal(t->value, "true");
  assert_int_equal(t->effect, KS_TAINT_EFFECT_NO_SCHEDULE);

  e = &g_array_index(evs, KsTraceEvent, 1);
  assert_int_equal(e->time_us, 500000);
  assert_string_equal(e->node->name, "n 2");
  assert_int_equal(e->node->capacity.milli_cpu, 4000);
  assert_int_equal(e->node->allocatable.milli_cpu, 3500);
  assert_false(ks_resource_list_has(&e->node->allocatable, "memory")); /* alloc: is the whole list */
  assert_true(e->node->unschedulable);
  t = &g_array_index(e->node->taints, KsTaint, 0);
  assert_null(t->value);
  assert_int_equal(t->effect, KS_TAINT_EFFECT_NO_EXECUTE);

  e = &g_array_index(evs, KsTraceEvent, 2);
  KsPod *p = e->pod;
  assert_int_equal(e->time_us, 12500000);
  assert_int_equal(p->creation_timestamp_us, 12500000);
  assert_string_equal(p->namespace, "default");
  assert_string_equal(p->name, "p1");
  KsContainer *c = &g_array_index(p->containers, KsContainer, 0);
  assert_string_equal(c->name, "main");
  assert_int_equal(c->requests.milli_cpu, 500);
  assert_int_equal(c->requests.memory, 1 << 30);
  assert_int_equal(c->limits.milli_cpu, 1000);
  assert_true(p->has_priority);
  assert_int_equal(p->priority, 100);
  KsPodTiming timing;
  assert_true(ks_pod_read_timing(p, &timing, NULL));
  assert_int_equal(timing.run_time_us, (gint64)3600 * 1000000);
  assert_string_equal(ks_labels_get(&p->annotations, "note"), "hello world%");
  assert_string_equal(ks_labels_get(&p->labels, "app"), "web");
  assert_string_equal(ks_labels_get(&p->node_selector, "zone"), "a");
  assert_int_equal(p->tolerations->len, 2);
  KsToleration *tol = &g_array_index(p->tolerations, KsToleration, 0);
  assert_string_equal(tol->key, "gpu");
  assert_int_equal(tol->op, KS_TOLERATION_OP_EQUAL);
  assert_string_equal(tol->value, "true");
  tol = &g_array_index(p->tolerations, KsToleration, 1);
  assert_null(tol->key);
  assert_int_equal(tol->op, KS_TOLERATION_OP_EXISTS);
  assert_int_equal(tol->effect, KS_TAINT_EFFECT_NO_EXECUTE);
  assert_true(tol->has_toleration_seconds);
  assert_int_equal(tol->toleration_seconds, 300);

  e = &g_array_index(evs, KsTraceEvent, 3);
  assert_int_equal(e->type, KS_TRACE_POD_DELETE);
  assert_string_equal(e->namespace, "default");
  assert_string_equal(e->name, "p1");
  e = &g_array_index(evs, KsTraceEvent, 4);
  assert_int_equal(e->type, KS_TRACE_POD_FINISH);
  assert_string_equal(e->namespace, "team");
  assert_int_equal(e->phase, KS_POD_FAILED);
  assert_int_equal(e->ran_us, 1250000);
  e = &g_array_index(evs, KsTraceEvent, 5);
  assert_int_equal(e->type, KS_TRACE_USAGE);
  assert_int_equal(e->time_us, 15000001);
  assert_null(e->namespace);
  assert_string_equal(e->name, "n1");
  assert_int_equal(e->usage.milli_cpu, 3000);
  assert_int_equal(e->usage.memory, (gint64)2 << 30);
  e = &g_array_index(evs, KsTraceEvent, 6);
  assert_string_equal(e->namespace, "default");
  assert_int_equal(e->usage.milli_cpu, 250);
  e = &g_array_index(evs, KsTraceEvent, 7);
  assert_int_equal(e->type, KS_TRACE_NODE_REMOVE);
  assert_string_equal(e->name, "n1");
  e = &g_array_index(evs, KsTraceEvent, 8);
  assert_int_equal(e->type, KS_TRACE_OBJECT);
  assert_int_equal(e->object->kind, KS_KIND_PRIORITY_CLASS);
  assert_string_equal(e->object->u.priority_class->name, "high");
  assert_int_equal(e->object->u.priority_class->value, 1000);
  e = &g_array_index(evs, KsTraceEvent, 9);
  assert_int_equal(e->type, KS_TRACE_POD_CREATE);
  assert_string_equal(e->pod->name, "aff");
  assert_int_equal(e->pod->creation_timestamp_us, 18000000);
  assert_non_null(e->pod->affinity);
  assert_non_null(e->pod->affinity->node_affinity->required);
  g_array_unref(evs);
  g_free(path);
}

/* ---- round trips ------------------------------------------------------- */

static char *pod_json(const KsPod *p) {
  GString *s = g_string_new(NULL);
  ks_trace_json_pod(s, p);
  return g_string_free(s, FALSE);
}

static void assert_same_event(const KsTraceEvent *a, const KsTraceEvent *b) {
  assert_int_equal(a->type, b->type);
  assert_int_equal(a->time_us, b->time_us);
  assert_string_equal(a->namespace ? a->namespace : "-", b->namespace ? b->namespace : "-");
  assert_string_equal(a->name ? a->name : "-", b->name ? b->name : "-");
  assert_int_equal(a->phase, b->phase);
  assert_int_equal(a->ran_us, b->ran_us);
  assert_true(ks_resource_list_equal(&a->usage, &b->usage));
  if (a->pod) {
    assert_true(ks_pod_equal_except_status(a->pod, b->pod));
    assert_int_equal(a->pod->phase, b->pod->phase);
    char *ja = pod_json(a->pod), *jb = pod_json(b->pod);
    assert_string_equal(ja, jb);
    g_free(ja);
    g_free(jb);
  }
  GString *ja = g_string_new(NULL), *jb = g_string_new(NULL);
  if (a->node) {
    ks_trace_json_node(ja, a->node);
    ks_trace_json_node(jb, b->node);
    assert_true(ks_resource_list_equal(&a->node->allocatable, &b->node->allocatable));
  }
  if (a->object) {
    assert_true(ks_trace_json_object(ja, a->object));
    assert_true(ks_trace_json_object(jb, b->object));
  }
  assert_string_equal(ja->str, jb->str);
  g_string_free(ja, TRUE);
  g_string_free(jb, TRUE);
}

static void assert_same_events(GArray *a, GArray *b) {
  assert_int_equal(a->len, b->len);
  for (guint i = 0; i < a->len; i++)
    assert_same_event(&g_array_index(a, KsTraceEvent, i), &g_array_index(b, KsTraceEvent, i));
}

static void roundtrip(Fixture *f, GArray *evs) {
  char *out = g_build_filename(f->dir, "rt.ksim", NULL);
  char *outz = g_build_filename(f->dir, "rt.ksim.gz", NULL);
  write_events(out, evs, FALSE);
  write_events(outz, evs, FALSE); /* gzip because of the name */
  GArray *back = read_events(out);
  GArray *backz = read_events(outz);
  assert_same_events(evs, back);
  assert_same_events(back, backz);
  /* The second generation is byte-identical to the first. */
  char *out2 = g_build_filename(f->dir, "rt2.ksim", NULL);
  write_events(out2, back, FALSE);
  char *t1, *t2;
  assert_true(g_file_get_contents(out, &t1, NULL, NULL));
  assert_true(g_file_get_contents(out2, &t2, NULL, NULL));
  assert_string_equal(t1, t2);
  g_free(t1);
  g_free(t2);
  g_array_unref(back);
  g_array_unref(backz);
  g_free(out);
  g_free(outz);
  g_free(out2);
}

static void test_roundtrip_sample(void **state) {
  Fixture *f = *state;
  char *path = put(f, "sample.ksim", sample);
  GArray *evs = read_events(path);
  roundtrip(f, evs);
  g_array_unref(evs);
  g_free(path);
}

/* A pod with every kind of field the compact tokens cannot say. */
static const char *const rich_yaml =
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: rich\n  namespace: ns1\n  uid: u-1\n"
    "  labels: {app: db, tier: \"back end\"}\n"
    "  annotations: {ksim.io/run-time: 90s, note: \"caf\xc3\xa9 \\\"q\\\" \\\\ x\"}\n"
    "spec:\n  schedulerName: my-sched\n  priority: 7\n  priorityClassName: mid\n"
    "  preemptionPolicy: Never\n  restartPolicy: OnFailure\n  terminationGracePeriodSeconds: 5\n"
    "  hostNetwork: true\n  nodeSelector: {disk: ssd}\n"
    "  overhead: {cpu: 10m}\n"
    "  initContainers:\n  - name: init\n    resources: {requests: {cpu: '3', memory: 1Gi}}\n"
    "  - name: side\n    restartPolicy: Always\n    resources: {requests: {cpu: 100m}}\n"
    "  containers:\n  - name: a\n    image: nginx:1\n"
    "    resources: {requests: {cpu: 1500m, example.com/foo: '2'}, limits: {memory: 2Gi}}\n"
    "    ports: [{containerPort: 80, hostPort: 8080, protocol: UDP, name: web}]\n"
    "  - name: b\n    resources: {requests: {cpu: 250m}}\n"
    "  tolerations:\n  - {key: k, operator: Equal, value: v, effect: NoExecute, tolerationSeconds: 60}\n"
    "  - {operator: Exists}\n"
    "  affinity:\n    nodeAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution:\n"
    "      - weight: 5\n        preference: {matchFields: [{key: metadata.name, operator: NotIn, values: [n9]}]}\n"
    "    podAntiAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
    "      - labelSelector: {matchLabels: {app: db}}\n        topologyKey: kubernetes.io/hostname\n"
    "        namespaces: [ns1, ns2]\n"
    "    podAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution:\n"
    "      - weight: 10\n        podAffinityTerm:\n          labelSelector: {matchExpressions: [{key: app, operator: Exists}]}\n"
    "          namespaceSelector: {}\n          topologyKey: zone\n"
    "  topologySpreadConstraints:\n  - maxSkew: 2\n    topologyKey: zone\n"
    "    whenUnsatisfiable: ScheduleAnyway\n    labelSelector: {matchLabels: {app: db}}\n"
    "    minDomains: 3\n    nodeTaintsPolicy: Honor\n"
    "  volumes:\n  - {name: data, persistentVolumeClaim: {claimName: pvc1, readOnly: true}}\n"
    "  - {name: tmp, emptyDir: {sizeLimit: 1Gi}}\n"
    "  - {name: r, rbd: {image: img, pool: p, monitors: [m1, m2]}}\n"
    "  schedulingGates: [{name: wait}]\n"
    "status: {phase: Running, nominatedNodeName: n3}\n";

static void add_manifest_events(GArray *evs, KsManifestSet *set, gint64 t) {
  for (guint i = 0; i < set->objects->len; i++) {
    KsManifestObject *o = g_ptr_array_index(set->objects, i);
    KsTraceEvent ev;
    ks_trace_event_init(&ev);
    ev.time_us = t;
    if (o->kind == KS_KIND_POD) {
      ev.type = KS_TRACE_POD_CREATE;
      ev.pod = ks_pod_ref(o->u.pod);
      ev.pod->creation_timestamp_us = t; /* what the reader gives back */
    } else if (o->kind == KS_KIND_NODE) {
      ev.type = KS_TRACE_NODE_ADD;
      ev.node = ks_node_ref(o->u.node);
    } else {
      ev.type = KS_TRACE_OBJECT;
      ev.object = g_ptr_array_steal_index(set->objects, i);
      i--;
    }
    g_array_append_val(evs, ev);
  }
}

static void test_roundtrip_full_objects(void **state) {
  Fixture *f = *state;
  GArray *evs = g_array_new(FALSE, FALSE, sizeof(KsTraceEvent));
  g_array_set_clear_func(evs, (GDestroyNotify)ks_trace_event_clear);
  GError *error = NULL;
  KsManifestSet *set = ks_manifest_load_string(rich_yaml, strlen(rich_yaml), "rich.yaml", &error);
  if (!set)
    fail_msg("%s", error->message);
  add_manifest_events(evs, set, 1);
  ks_manifest_set_free(set);
  static const char *const files[] = {"pod-kubectl.yaml", "node-kubectl.yaml", "pdb.yaml",
                                      "priorityclass.yaml", "namespace.yaml", "multi.yaml"};
  for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
    char *p = g_build_filename(KSIM_TEST_DATA, "manifests", files[i], NULL);
    set = ks_manifest_load_file(p, &error);
    if (!set)
      fail_msg("%s", error->message);
    add_manifest_events(evs, set, 2 + i);
    ks_manifest_set_free(set);
    g_free(p);
  }
  assert_true(evs->len >= 8);
  roundtrip(f, evs);
  g_array_unref(evs);
}

static void test_roundtrip_synth(void **state) {
  Fixture *f = *state;
  char *path = g_build_filename(f->dir, "synth.ksim", NULL);
  GError *error = NULL;
  assert_true(ks_trace_ksim_synth(path, 7, 3000, &error));
  GArray *evs = read_events(path);
  assert_int_equal(evs->len, 3000 + 7); /* 3000/400 = 7 nodes, but at least 4 */
  roundtrip(f, evs);
  /* Same seed, same bytes; another seed, other bytes. */
  char *again = g_build_filename(f->dir, "again.ksim", NULL);
  char *other = g_build_filename(f->dir, "other.ksim", NULL);
  assert_true(ks_trace_ksim_synth(again, 7, 3000, NULL));
  assert_true(ks_trace_ksim_synth(other, 8, 3000, NULL));
  char *a, *b, *c;
  assert_true(g_file_get_contents(path, &a, NULL, NULL));
  assert_true(g_file_get_contents(again, &b, NULL, NULL));
  assert_true(g_file_get_contents(other, &c, NULL, NULL));
  assert_string_equal(a, b);
  assert_string_not_equal(a, c);
  g_free(a);
  g_free(b);
  g_free(c);
  g_free(again);
  g_free(other);
  g_array_unref(evs);
  g_free(path);
}

static void test_crlf(void **state) {
  Fixture *f = *state;
  GString *crlf = g_string_new(NULL);
  for (const char *p = sample; *p; p++) {
    if (*p == '\n')
      g_string_append_c(crlf, '\r');
    g_string_append_c(crlf, *p);
  }
  char *a = put(f, "lf.ksim", sample), *b = put(f, "crlf.ksim", crlf->str);
  GArray *ea = read_events(a), *eb = read_events(b);
  assert_same_events(ea, eb);
  g_array_unref(ea);
  g_array_unref(eb);
  g_string_free(crlf, TRUE);
  g_free(a);
  g_free(b);
}

/* ---- bad lines ---------------------------------------------------------- */

static const struct {
  const char *line;
  const char *message; /* after "PATH:2: " */
} bad[] = {
    {"x node-add n1", "time \"x\" is not seconds with up to 6 decimals"},
    {"1.1234567 node-add n1", "time \"1.1234567\" is not seconds with up to 6 decimals"},
    {"1e3 node-add n1", "time \"1e3\" is not seconds with up to 6 decimals"},
    {"99999999999999 node-add n1", "time \"99999999999999\" is not seconds with up to 6 decimals"},
    {"1", "unknown event \"\" (use node-add, node-update, node-remove, pod-create, pod-delete, "
          "pod-finish, usage or object)"},
    {"1 pod-explode default/p", "unknown event \"pod-explode\" (use node-add, node-update, "
                                "node-remove, pod-create, pod-delete, pod-finish, usage or object)"},
    {"1 pod-create", "pod-create: missing identity"},
    {"1 pod-create p1 cpu=1", "pod-create p1: expected namespace/name"},
    {"1 pod-create default/ cpu=1", "pod-create default/: expected namespace/name"},
    {"1 pod-create default/p1 cpu=1x", "pod-create default/p1: field cpu: \"1x\" is not a quantity"},
    {"1 pod-create default/p1 lim:memory=lots",
     "pod-create default/p1: field lim:memory: \"lots\" is not a quantity"},
    {"1 pod-create default/p1 cpu", "pod-create default/p1: field cpu: expected key=value"},
    {"1 pod-create default/p1 colour=red", "pod-create default/p1: field colour: unknown field"},
    {"1 pod-create default/p1 x:y=z", "pod-create default/p1: field x:y: unknown prefix \"x:\""},
    {"1 pod-create default/p1 priority=high",
     "pod-create default/p1: field priority: \"high\" is not an integer"},
    {"1 pod-create default/p1 priority=3000000000",
     "pod-create default/p1: field priority: 3000000000 is out of range [-2147483648, 2147483647]"},
    {"1 pod-create default/p1 run=-5",
     "pod-create default/p1: field run: \"-5\" is not a duration in seconds (up to 6 decimals)"},
    {"1 pod-create default/p1 l:app=a%2",
     "pod-create default/p1: field l:app: malformed %-escape (or not UTF-8)"},
    {"1 pod-create default/p1 l:app=%FF", "pod-create default/p1: field l:app: malformed %-escape (or not UTF-8)"},
    {"1 pod-create default/p1 l:app=\xff", "the line is not UTF-8"},
    {"1 pod-create default/p1 lim:colour=1", "pod-create default/p1: field lim:colour: not a resource name (cpu, memory, ..., or domain/name)"},
    {"1 node-add n1 alloc:gpu=1", "node-add n1: field alloc:gpu: not a resource name (cpu, memory, ..., or domain/name)"},
    {"1 pod-create default/p1 l:=x", "pod-create default/p1: field l:: empty key"},
    {"1 pod-create default/p1 restart=Sometimes",
     "pod-create default/p1: field restart: unknown policy \"Sometimes\" (use Always, OnFailure or "
     "Never)"},
    {"1 pod-create default/p1 tol:k=v:Sometimes",
     "pod-create default/p1: field tol:k: unknown effect \"Sometimes\" (use NoSchedule, "
     "PreferNoSchedule or NoExecute)"},
    {"1 pod-create default/p1 tol:k", "pod-create default/p1: field tol:k: expected tol:key[=value]:effect"},
    {"1 pod-create default/p1 class=", "pod-create default/p1: field class: empty value"},
    {"1 node-add n1 uid=", "node-add n1: field uid: empty value"},
    {"1 pod-create default/p1 tol:=v:NoSchedule",
     "pod-create default/p1: field tol:: a toleration without a key must be tol::effect (Exists)"},
    {"1 pod-create default/p1 hostNetwork=yes",
     "pod-create default/p1: field hostNetwork: \"yes\" is not true or false"},
    {"1 node-add n1 t:k=v:", "node-add n1: field t:k: a taint needs a key and an effect (t:key[=value]:effect)"},
    {"1 node-add n1 unschedulable=maybe",
     "node-add n1: field unschedulable: \"maybe\" is not true or false"},
    {"1 node-add n1 memory=1Q", "node-add n1: field memory: \"1Q\" is not a quantity"},
    {"1 node-remove n1 cpu=1", "node-remove n1: unexpected \"cpu=1\""},
    {"1 pod-delete default/p1 now", "pod-delete default/p1: unexpected \"now\""},
    {"1 pod-finish default/p1 phase=Done",
     "pod-finish default/p1: field phase: \"Done\" is not Succeeded or Failed"},
    {"1 usage n1 priority=3", "usage n1: field priority: unknown field"},
    {"1 object nope", "object: expected a JSON object"},
    {"1 object {\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{\"name\":\"d\"}}",
     NULL /* manifest warning, checked by prefix below */},
    {"1 pod-create default/p1 {\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p2\"},"
     "\"spec\":{\"containers\":[{\"name\":\"c\"}]}}",
     "pod-create default/p1: the object is default/p2"},
    {"1 node-add n1 {\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p2\"},"
     "\"spec\":{\"containers\":[{\"name\":\"c\"}]}}",
     "node-add n1: expected a Node, found a Pod"},
    /* the manifest decoder's message, moved onto this line and column */
    {"1 pod-create default/p1 {\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p1\"},"
     "\"spec\":{\"containers\":[{\"name\":\"c\",\"resources\":{\"requests\":{\"cpu\":\"1x\"}}}]}}",
     "@"},
};

static void test_bad_lines(void **state) {
  Fixture *f = *state;
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    char *text = g_strdup_printf("#ksim-trace 1\n%s\n", bad[i].line);
    char *path = put(f, "bad.ksim", text);
    GError *error = NULL;
    KsTraceSource *src = ks_trace_ksim_open(path, NULL, &error);
    assert_non_null(src);
    KsTraceEvent ev;
    ks_trace_event_init(&ev);
    if (ks_trace_source_next(src, &ev, &error))
      fail_msg("case %zu (%s): read without error", i, bad[i].line);
    if (!error)
      fail_msg("case %zu (%s): no error", i, bad[i].line);
    assert_int_equal(error->code, KS_TRACE_ERROR_FORMAT);
    char *prefix = g_strdup_printf("%s:2: ", path);
    if (!bad[i].message) {
      char *want = g_strdup_printf("%s:2:", path);
      if (!g_str_has_prefix(error->message, want) || !strstr(error->message, "Ingress"))
        fail_msg("case %zu: %s", i, error->message);
      g_free(want);
    } else if (bad[i].message[0] == '@') {
      /* column of the "1x" scalar: counted from the start of the trace line */
      const char *at = strstr(bad[i].line, "\"1x\"");
      char *want = g_strdup_printf("%s:2:%d: spec.containers[0].resources.requests.cpu: \"1x\" is "
                                   "not a quantity",
                                   path, (int)(at - bad[i].line) + 1);
      assert_string_equal(error->message, want);
      g_free(want);
    } else {
      char *want = g_strconcat(prefix, bad[i].message, NULL);
      if (strcmp(error->message, want) != 0)
        fail_msg("case %zu:\n got: %s\nwant: %s", i, error->message, want);
      g_free(want);
    }
    g_free(prefix);
    g_error_free(error);
    ks_trace_source_free(src);
    g_free(path);
    g_free(text);
  }
}

/* A line of more tokens than KS_TRACE_MAX_FIELDS (4096) is refused, not
 * turned into quadratic label insertion. */
static void test_field_limit(void **state) {
  Fixture *f = *state;
  GString *t = g_string_new("#ksim-trace 1\n1 pod-create default/p");
  for (guint i = 0; i < 4096; i++)
    g_string_append_printf(t, " l:k%u=v", i);
  g_string_append(t, "\n2 pod-create default/q");
  for (guint i = 0; i < 4097; i++)
    g_string_append_printf(t, " l:k%u=v", i);
  g_string_append_c(t, '\n');
  char *path = put(f, "many.ksim", t->str);
  GError *error = NULL;
  KsTraceSource *src = ks_trace_ksim_open(path, NULL, &error);
  KsTraceEvent ev;
  ks_trace_event_init(&ev);
  assert_true(ks_trace_source_next(src, &ev, &error));
  assert_int_equal(ev.pod->labels.n, 4096);
  assert_false(ks_trace_source_next(src, &ev, &error));
  char *want = g_strdup_printf("%s:3: pod-create default/q: more than 4096 fields (use the JSON "
                               "form)",
                               path);
  assert_string_equal(error->message, want);
  g_free(want);
  g_error_free(error);
  ks_trace_event_clear(&ev);
  ks_trace_source_free(src);
  /* The writer puts such a pod into the JSON form, which reads back. */
  GArray *evs = g_array_new(FALSE, FALSE, sizeof(KsTraceEvent));
  g_array_set_clear_func(evs, (GDestroyNotify)ks_trace_event_clear);
  ks_trace_event_init(&ev);
  ev.type = KS_TRACE_POD_CREATE;
  ev.pod = ks_pod_new("default", "big");
  ks_pod_add_container(ev.pod, "main", FALSE);
  for (guint i = 0; i < 5000; i++) {
    char k[16];
    g_snprintf(k, sizeof k, "k%u", i);
    ks_labels_set(&ev.pod->labels, k, "v");
  }
  g_array_append_val(evs, ev);
  roundtrip(f, evs);
  char *text;
  char *rt = g_build_filename(f->dir, "rt.ksim", NULL);
  assert_true(g_file_get_contents(rt, &text, NULL, NULL));
  assert_non_null(strstr(text, "0 pod-create default/big {\"apiVersion\":\"v1\""));
  g_free(text);
  g_free(rt);
  g_array_unref(evs);
  g_string_free(t, TRUE);
  g_free(path);
}

static void test_headers(void **state) {
  Fixture *f = *state;
  static const struct {
    const char *text;
    const char *message;
  } cases[] = {
      {"", "%s:1: not a ksim trace (the first line must be \"#ksim-trace 1\")"},
      {"0 node-add n1\n", "%s:1: not a ksim trace (the first line must be \"#ksim-trace 1\")"},
      {"#ksim-trace\n", "%s:1: not a ksim trace (the first line must be \"#ksim-trace 1\")"},
      {"#ksim-trace 2\n", "%s:1: ksim trace version 2 is not one this ksim reads (1)"},
      {"#ksim-trace 1x\n", "%s:1: ksim trace version 1x is not one this ksim reads (1)"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    char *path = put(f, "h.ksim", cases[i].text);
    GError *error = NULL;
    assert_null(ks_trace_ksim_open(path, NULL, &error));
    char *want = g_strdup_printf(cases[i].message, path);
    assert_string_equal(error->message, want);
    g_free(want);
    g_error_free(error);
    g_free(path);
  }
  /* Unknown parameters are refused. */
  const char *params[] = {"speed=2", NULL};
  KsTraceOpenOptions opts = {KS_TRACE_BAD_ROWS_FAIL, params};
  GError *error = NULL;
  assert_null(ks_trace_ksim_open("/nonexistent", &opts, &error));
  assert_string_equal(error->message, "trace format ksim has no parameter \"speed\" (known: none)");
  g_error_free(error);
}

static void test_skip_mode(void **state) {
  Fixture *f = *state;
  char *path = put(f, "skip.ksim",
                   "#ksim-trace 1\n"
                   "1 node-add n1 cpu=1\n"
                   "2 node-add n2 cpu=zz\n"
                   "3 pod-create default/a cpu=1\n"
                   "2.5 pod-create default/late cpu=1\n" /* goes backwards */
                   "4 nonsense\n"
                   "5 pod-delete default/a\n");
  KsTraceOpenOptions opts = {KS_TRACE_BAD_ROWS_SKIP, NULL};
  GError *error = NULL;
  KsTraceSource *src = ks_trace_ksim_open(path, &opts, &error);
  KsTraceEvent ev;
  ks_trace_event_init(&ev);
  guint n = 0;
  guint64 lines[8];
  while (ks_trace_source_next(src, &ev, &error))
    lines[n++] = ev.line;
  ks_trace_event_clear(&ev);
  assert_null(error);
  assert_int_equal(n, 3);
  assert_int_equal(lines[0], 2);
  assert_int_equal(lines[1], 4);
  assert_int_equal(lines[2], 7);
  assert_int_equal(src->skipped, 3);
  ks_trace_source_free(src);
  /* The same file in FAIL mode stops at line 3. */
  src = ks_trace_ksim_open(path, NULL, &error);
  ks_trace_event_init(&ev);
  assert_true(ks_trace_source_next(src, &ev, &error));
  assert_false(ks_trace_source_next(src, &ev, &error));
  char *want = g_strdup_printf("%s:3: node-add n2: field cpu: \"zz\" is not a quantity", path);
  assert_string_equal(error->message, want);
  g_free(want);
  g_clear_error(&error);
  ks_trace_event_clear(&ev);
  ks_trace_source_free(src);
  g_free(path);
}

static void test_writer_files(void **state) {
  Fixture *f = *state;
  char *path = g_build_filename(f->dir, "w.ksim", NULL);
  char *partial = g_strconcat(path, ".partial", NULL);
  GError *error = NULL;
  KsTraceWriter *w = ks_trace_writer_open(path, FALSE, &error);
  KsTraceEvent ev;
  ks_trace_event_init(&ev);
  ev.type = KS_TRACE_NODE_REMOVE;
  ev.time_us = 5;
  ev.name = g_strdup("n1");
  assert_true(ks_trace_writer_write(w, &ev, &error));
  assert_true(g_file_test(partial, G_FILE_TEST_EXISTS));
  assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
  ev.time_us = 4;
  assert_false(ks_trace_writer_write(w, &ev, &error));
  assert_int_equal(error->code, KS_TRACE_ERROR_ORDER);
  g_clear_error(&error);
  /* Events the format cannot say are refused, naming the event. */
  KsTraceEvent odd;
  ks_trace_event_init(&odd);
  odd.type = KS_TRACE_USAGE;
  odd.time_us = 9;
  odd.name = g_strdup("n1");
  ks_resource_list_set(&odd.usage, "foo", 1);
  assert_false(ks_trace_writer_write(w, &odd, &error));
  char *want = g_strdup_printf("%s: event 2 (usage): no usage with resource names the format "
                               "takes (cpu, memory, ..., domain/name) to write",
                               path);
  assert_string_equal(error->message, want);
  g_free(want);
  g_clear_error(&error);
  ks_trace_event_clear(&odd);
  odd.type = KS_TRACE_POD_CREATE;
  odd.time_us = 9;
  assert_false(ks_trace_writer_write(w, &odd, &error));
  want = g_strdup_printf("%s: event 2 (pod-create): no pod to write", path);
  assert_string_equal(error->message, want);
  g_free(want);
  g_clear_error(&error);
  ks_trace_writer_abort(w);
  assert_false(g_file_test(partial, G_FILE_TEST_EXISTS));
  assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
  /* A complete file: the header, then the exact line. */
  w = ks_trace_writer_open(path, FALSE, &error);
  ev.time_us = 1500000;
  assert_true(ks_trace_writer_write(w, &ev, &error));
  assert_true(ks_trace_writer_close(w, &error));
  assert_false(g_file_test(partial, G_FILE_TEST_EXISTS));
  char *text;
  assert_true(g_file_get_contents(path, &text, NULL, NULL));
  assert_string_equal(text, "#ksim-trace 1\n1.5 node-remove n1\n");
  g_free(text);
  ks_trace_event_clear(&ev);
  g_free(partial);
  g_free(path);
}

/* ---- bad files in tests/traces/data/ksim -------------------------------- */

static const struct {
  const char *file;
  int code;
  const char *message; /* after the path; "*" matches any line number */
} bad_files[] = {
    {"truncated.ksim.gz", KS_TRACE_ERROR_IO,
     ":*: gzip data is truncated (the file ends inside a compressed member)"},
    {"order.ksim", KS_TRACE_ERROR_ORDER,
     ":3: pod-create at 1.000000 s is before the previous event (2.000000 s): the trace must be "
     "sorted by time"},
    {"crlf-bad.ksim", KS_TRACE_ERROR_FORMAT,
     ":2: pod-create default/p: field cpu: \"1x\" is not a quantity"},
    {"nul.ksim", KS_TRACE_ERROR_FORMAT, ":2: a NUL byte in the line"},
    {"not-a-trace.csv", KS_TRACE_ERROR_FORMAT,
     ":1: not a ksim trace (the first line must be \"#ksim-trace 1\")"},
};

static void test_bad_files(void **state) {
  const char *src_dir = g_getenv("KSIM_SOURCE_DIR");
  if (!src_dir)
    skip();
  for (gsize i = 0; i < G_N_ELEMENTS(bad_files); i++) {
    char *path = g_build_filename(src_dir, "tests", "traces", "data", "ksim", bad_files[i].file, NULL);
    GError *error = NULL;
    KsTraceSource *src = ks_trace_ksim_open(path, NULL, &error);
    if (src) {
      KsTraceEvent ev;
      ks_trace_event_init(&ev);
      while (ks_trace_source_next(src, &ev, &error))
        ;
      ks_trace_event_clear(&ev);
      ks_trace_source_free(src);
    }
    if (!error)
      fail_msg("%s: no error", bad_files[i].file);
    assert_int_equal(error->code, bad_files[i].code);
    const char *m = bad_files[i].message;
    assert_true(g_str_has_prefix(error->message, path));
    const char *rest = error->message + strlen(path);
    if (m[1] == '*') {
      /* ":<digits>" then the text after the star */
      assert_int_equal(rest[0], ':');
      const char *p = rest + 1;
      while (g_ascii_isdigit(*p))
        p++;
      assert_true(p > rest + 1);
      assert_string_equal(p, m + 2);
    } else {
      assert_string_equal(rest, m);
    }
    g_error_free(error);
    g_free(path);
  }
}

/* ---- memory stays flat ------------------------------------------------- */

static glong max_rss_kib(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

static void test_memory_flat(void **state) {
#if defined(__SANITIZE_ADDRESS__)
  skip(); /* ASan's quarantine keeps freed memory: RSS says nothing here */
#endif
  Fixture *f = *state;
  char *path = g_build_filename(f->dir, "big.ksim.gz", NULL);
  GError *error = NULL;
  const guint64 pods = 1000000;
  assert_true(ks_trace_ksim_synth(path, 3, pods, &error));
  /* the writer gzips because of the name */
  KsTraceSource *src = ks_trace_ksim_open(path, NULL, &error);
  assert_non_null(src);
  KsTraceEvent ev;
  ks_trace_event_init(&ev);
  guint64 n = 0;
  glong after_warmup = 0;
  while (ks_trace_source_next(src, &ev, &error)) {
    if (++n == 20000)
      after_warmup = max_rss_kib();
  }
  assert_null(error);
  ks_trace_event_clear(&ev);
  glong end = max_rss_kib();
  ks_trace_source_free(src);
  assert_int_equal(n, pods + pods / 400);
  /* ~1M events (~155 MB of text) read after the warm-up: keeping even 1 byte
   * per 100 events would be 1.5 MB, a leak of one pod per 1000 events about
   * 1 MB per 1000 pods... allow 8 MiB for allocator noise. */
  print_message("peak RSS %ld KiB after 20000 events, %ld KiB after %" G_GUINT64_FORMAT "\n",
                after_warmup, end, n);
  if (end - after_warmup > 8 * 1024)
    fail_msg("peak RSS grew by %ld KiB while streaming", end - after_warmup);
  g_free(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_sample_fields, setup, teardown),
      cmocka_unit_test_setup_teardown(test_roundtrip_sample, setup, teardown),
      cmocka_unit_test_setup_teardown(test_roundtrip_full_objects, setup, teardown),
      cmocka_unit_test_setup_teardown(test_roundtrip_synth, setup, teardown),
      cmocka_unit_test_setup_teardown(test_crlf, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bad_lines, setup, teardown),
      cmocka_unit_test_setup_teardown(test_headers, setup, teardown),
      cmocka_unit_test(test_bad_files),
      cmocka_unit_test_setup_teardown(test_field_limit, setup, teardown),
      cmocka_unit_test_setup_teardown(test_skip_mode, setup, teardown),
      cmocka_unit_test_setup_teardown(test_writer_files, setup, teardown),
      cmocka_unit_test_setup_teardown(test_memory_flat, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
