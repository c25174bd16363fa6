/* Pods that need a ConfigMap or Secret (sim/kubelet/config_refs.h): the
 * manifest decoder keeps env / envFrom references and volumes' optional
 * flag; the node agent keeps a pod Pending with its containers waiting
 * (CreateContainerConfigError for env, ContainerCreating for volumes) while
 * the object is missing and starts it the moment it appears; optional
 * references never block. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sched/objects.h"
#include "sim/engine.h"
#include "sim/node_agent.h"
#include "sim/store.h"
#include "workloads/core_objects.h"
#include "workloads/manifest.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)

static KsManifestSet *load(const char *yaml, GError **error) {
  return ks_manifest_load_string(yaml, strlen(yaml), "p.yaml", error);
}

static const char *const pod_yaml =
    "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: team}\n"
    "spec:\n"
    "  nodeName: n1\n"
    "  initContainers:\n"
    "  - name: init\n"
    "    envFrom: [{secretRef: {name: init-secret, optional: true}}]\n"
    "  containers:\n"
    "  - name: app\n"
    "    env:\n"
    "    - {name: A, value: x}\n"
    "    - name: B\n"
    "      valueFrom: {configMapKeyRef: {name: cfg, key: b}}\n"
    "    - name: C\n"
    "      valueFrom: {secretKeyRef: {name: creds, key: c}}\n"
    "    envFrom: [{configMapRef: {name: more}, prefix: M_}]\n"
    "  volumes:\n"
    "  - {name: v1, configMap: {name: vol-cfg, optional: true}}\n"
    "  - {name: v2, secret: {secretName: vol-secret}}\n";

static void test_decode(void **state) {
  (void)state;
  GError *error = NULL;
  KsManifestSet *set = load(pod_yaml, &error);
  if (!set)
    fail_msg("%s", error->message);
  const KsPod *p = ((KsManifestObject *)g_ptr_array_index(set->objects, 0))->u.pod;
  const KsContainer *init = &g_array_index(p->init_containers, KsContainer, 0);
  assert_int_equal(init->config_refs->len, 1);
  const KsConfigRef *r = &g_array_index(init->config_refs, KsConfigRef, 0);
  assert_int_equal(r->kind, KS_CONFIG_REF_SECRET);
  assert_string_equal(r->name, "init-secret");
  assert_true(r->optional);
  const KsContainer *app = &g_array_index(p->containers, KsContainer, 0);
  assert_int_equal(app->config_refs->len, 3);
  static const struct {
    KsConfigRefKind kind;
    const char *name;
  } want[] = {{KS_CONFIG_REF_CONFIG_MAP, "cfg"},
              {KS_CONFIG_REF_SECRET, "creds"},
              {KS_CONFIG_REF_CONFIG_MAP, "more"}};
  for (guint i = 0; i < 3; i++) {
    r = &g_array_index(app->config_refs, KsConfigRef, i);
    assert_int_equal(r->kind, want[i].kind);
    assert_string_equal(r->name, want[i].name);
    assert_false(r->optional);
  }
  assert_true(g_array_index(p->volumes, KsVolume, 0).optional);
  assert_false(g_array_index(p->volumes, KsVolume, 1).optional);
  /* a copy keeps them and they are spec */
  KsPod *c = ks_pod_copy(p);
  assert_true(ks_pod_equal_except_status(p, c));
  g_array_index(g_array_index(c->containers, KsContainer, 0).config_refs, KsConfigRef, 0).optional =
      TRUE;
  assert_false(ks_pod_equal_except_status(p, c));
  ks_pod_unref(c);
  ks_manifest_set_free(set);

  static const struct {
    const char *yaml, *message;
  } bad[] = {
      {"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n"
       "    envFrom: {configMapRef: {name: x}}\n",
       "p.yaml:7:14: spec.containers[0].envFrom: expected a sequence, got a mapping"},
      {"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n"
       "    envFrom: [{configMapRef: {name: x, optional: maybe}}]\n",
       "p.yaml:7:50: spec.containers[0].envFrom[0].configMapRef.optional: \"maybe\" is not a "
       "boolean (true or false)"},
      {"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n"
       "    env: [{name: A, valueFrom: {secretKeyRef: [x]}}]\n",
       "p.yaml:7:47: spec.containers[0].env[0].valueFrom.secretKeyRef: expected a mapping, got a "
       "sequence"},
      {"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c}]\n"
       "  volumes: [{name: v, secret: {secretName: s, optional: 2}}]\n",
       "p.yaml:6:57: spec.volumes[0].secret.optional: \"2\" is not a boolean (true or false)"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    assert_null(load(bad[i].yaml, &error));
    if (strcmp(error->message, bad[i].message) != 0)
      fail_msg("case %u:\n got  %s\n want %s", i, error->message, bad[i].message);
    g_clear_error(&error);
  }
}

typedef struct {
  KsEngine *engine;
  KsStore *store;
  KsNodeAgent *agent;
} World;

static void world_init(World *w) {
  w->engine = ks_engine_new();
  w->store = ks_store_new(w->engine);
  w->agent = ks_node_agent_new(w->store);
  KsNode *n = ks_node_new("n1");
  ks_resource_list_set_quantity(&n->capacity, "cpu", "4", NULL);
  ks_resource_list_copy(&n->allocatable, &n->capacity);
  assert_true(ks_store_create(w->store, KS_STORE_NODE, NULL, "n1", n,
                              (GDestroyNotify)ks_node_unref, NULL));
}

static void world_clear(World *w) {
  ks_node_agent_free(w->agent);
  ks_store_free(w->store);
  ks_engine_free(w->engine);
}

static void create_pod(World *w, const char *yaml) {
  GError *error = NULL;
  KsManifestSet *set = load(yaml, &error);
  if (!set)
    fail_msg("%s", error->message);
  KsPod *p = ks_pod_ref(((KsManifestObject *)g_ptr_array_index(set->objects, 0))->u.pod);
  assert_true(ks_store_create(w->store, KS_STORE_POD, p->namespace, p->name, p,
                              (GDestroyNotify)ks_pod_unref, NULL));
  ks_manifest_set_free(set);
}

static const KsPod *get(World *w, const char *ns, const char *name) {
  const KsStoreObject *o = ks_store_get(w->store, KS_STORE_POD, ns, name);
  return o ? o->data : NULL;
}

static void add_config_map(World *w, const char *ns, const char *name) {
  assert_true(ks_store_create(w->store, KS_STORE_CONFIG_MAP, ns, name, ks_config_map_new(ns, name),
                              (GDestroyNotify)ks_config_map_free, NULL));
}

static void add_secret(World *w, const char *ns, const char *name) {
  assert_true(ks_store_create(w->store, KS_STORE_SECRET, ns, name, ks_secret_new(ns, name),
                              (GDestroyNotify)ks_secret_free, NULL));
}

/* web (above) needs, in the kubelet's order: the secret volume vol-secret
 * (ContainerCreating), then cfg, creds and more for its env
 * (CreateContainerConfigError); the optional ones never matter. The
 * objects appear at 5, 10, 20 and 30 s; the pod starts at 30 s. */
static void test_waits_then_starts(void **state) {
  (void)state;
  World w;
  world_init(&w);
  create_pod(&w, pod_yaml);
  ks_engine_run_until(w.engine, S(5));
  const KsPod *p = get(&w, "team", "web");
  assert_int_equal(p->phase, KS_POD_PENDING);
  assert_int_equal(p->container_state.kind, KS_CONTAINER_WAITING);
  assert_string_equal(p->container_state.reason, "ContainerCreating");
  assert_null(p->container_state.message);
  add_secret(&w, "team", "vol-secret");
  add_config_map(&w, "other", "cfg"); /* another namespace: no help */
  ks_engine_run_until(w.engine, S(10));
  p = get(&w, "team", "web");
  assert_string_equal(p->container_state.reason, "CreateContainerConfigError");
  assert_string_equal(p->container_state.message, "configmap \"cfg\" not found");
  add_config_map(&w, "team", "cfg");
  ks_engine_run_until(w.engine, S(20));
  p = get(&w, "team", "web");
  assert_string_equal(p->container_state.message, "secret \"creds\" not found");
  add_secret(&w, "team", "creds");
  ks_engine_run_until(w.engine, S(30));
  p = get(&w, "team", "web");
  assert_string_equal(p->container_state.message, "configmap \"more\" not found");
  assert_int_equal(p->phase, KS_POD_PENDING);
  assert_false(p->ready);
  add_config_map(&w, "team", "more");
  ks_engine_run_until(w.engine, S(40));
  p = get(&w, "team", "web");
  assert_int_equal(p->phase, KS_POD_RUNNING);
  assert_true(p->ready);
  assert_true(p->start_time_us == S(30));
  assert_int_equal(p->container_state.kind, KS_CONTAINER_RUNNING);
  assert_true(p->container_state.started_at_us == S(30));
  world_clear(&w);
}

/* Every reference optional, or present: the pod starts after the usual 1 s
 * and reports no container state (as any pod without a usage profile). */
static void test_optional_never_blocks(void **state) {
  (void)state;
  World w;
  world_init(&w);
  add_config_map(&w, "default", "present");
  create_pod(&w, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  nodeName: n1\n"
                 "  containers:\n  - name: c\n"
                 "    envFrom: [{configMapRef: {name: present}}, {secretRef: {name: s, "
                 "optional: true}}]\n"
                 "  volumes: [{name: v, configMap: {name: gone, optional: true}}]\n");
  ks_engine_run_until(w.engine, S(2));
  const KsPod *p = get(&w, "default", "p");
  assert_int_equal(p->phase, KS_POD_RUNNING);
  assert_true(p->start_time_us == S(1));
  assert_int_equal(p->container_state.kind, KS_CONTAINER_STATE_NONE);
  world_clear(&w);
}

/* A blocked pod that is deleted is forgotten (ASan: nothing left behind). */
static void test_deleted_while_blocked(void **state) {
  (void)state;
  World w;
  world_init(&w);
  create_pod(&w, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  nodeName: n1\n"
                 "  containers: [{name: c, envFrom: [{secretRef: {name: s}}]}]\n");
  ks_engine_run_until(w.engine, S(2));
  assert_true(ks_store_delete(w.store, KS_STORE_POD, "default", "p", 0, NULL));
  ks_engine_run_until(w.engine, S(3));
  add_secret(&w, "default", "s");
  ks_engine_run_until(w.engine, S(4));
  assert_null(get(&w, "default", "p"));
  world_clear(&w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_decode),
      cmocka_unit_test(test_waits_then_starts),
      cmocka_unit_test(test_optional_never_blocks),
      cmocka_unit_test(test_deleted_while_blocked),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
