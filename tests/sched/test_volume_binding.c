/* VolumeBinding: upstream volume_binding_test.go (v1.31) TestVolumeBinding,
 * all 14 cases: PreFilter statuses, Filter statuses per node and, for the
 * four capacity-scoring cases (gate on), the scores 25/50/0, 38/75/0,
 * 25/25/50/50/0/0 and, with the custom shape {(0,0),(50,3),(100,5)},
 * 15/15/30/30/0/0. Then what the table does not reach: the smallest PV is
 * chosen and excluded for the pod's next claim, provisioning through a
 * class's provisioner and allowedTopologies, the selected-node fast path,
 * Reserve / Unreserve through the assume cache, PreBind's writes, args
 * validation and the events. */
#include "tests/sched/volume_harness.h"

#include "sched/plugins/volume_binding.h"

#define HOSTNAME "kubernetes.io/hostname"
#define UU KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE

/* upstream's classes: no provisioner */
static void classes(KsSchedVolumeLister *l) {
  ks_test_sc(l, "immediate-sc", NULL, KS_BINDING_IMMEDIATE);
  ks_test_sc(l, "wait-sc", NULL, KS_BINDING_WAIT_FOR_FIRST_CONSUMER);
  ks_test_sc(l, "wait-hdd-sc", NULL, KS_BINDING_WAIT_FOR_FIRST_CONSUMER);
}

static void env_init(KsTestEnv *e, const KsSchedVolumeBindingArgs *args) {
  ks_test_env_init(e, &ks_sched_plugin_volume_binding, args);
  classes(e->cache->volumes);
}

static KsSchedCode prefilter(KsTestEnv *e, const KsPod *pod, KsSchedStatus *st) {
  return ks_test_env_filter(e, pod, st, NULL);
}

static void test_no_pvcs(void **state) {
  KsTestEnv e;
  env_init(&e, NULL);
  ks_test_env_add_node(&e, ks_test_node("node-a", "1", "1Gi"));
  KsPod *pod = ks_test_pvc_pod("pod-a", NULL);
  KsSchedStatus st[1];
  assert_int_equal(prefilter(&e, pod, st), KS_SCHED_SKIP);
  ks_test_check_status("pod has not pvcs", &st[0], KS_SCHED_SUCCESS, NULL);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

/* The PreFilter rejections and the single-node Filter outcomes. */
static void test_prefilter_and_filter(void **state) {
  KsSchedStatus st[1];
  KsTestEnv e;

  /* all bound */
  env_init(&e, NULL);
  ks_test_env_add_node(&e, ks_test_node("node-a", "1", "1Gi"));
  ks_test_pvc_bound(ks_test_pvc(e.cache->volumes, "pvc-a", "wait-sc"), "pv-a");
  ks_test_pv(e.cache->volumes, "pv-a", "wait-sc", 0);
  KsPod *pod = ks_test_pvc_pod("pod-a", "pvc-a", NULL);
  assert_int_equal(prefilter(&e, pod, st), KS_SCHED_SUCCESS);
  ks_test_check_status("all bound", &st[0], KS_SCHED_SUCCESS, NULL);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);

  /* PVC does not exist; Part of PVCs do not exist; pvc not found */
  env_init(&e, NULL);
  ks_test_env_add_node(&e, ks_test_node("node-a", "1", "1Gi"));
  pod = ks_test_pvc_pod("pod-a", "pvc-a", NULL);
  assert_int_equal(prefilter(&e, pod, st), UU);
  ks_test_check_status("PVC does not exist", &st[0], UU,
                       "persistentvolumeclaim \"pvc-a\" not found", NULL);
  ks_pod_unref(pod);
  ks_test_pvc_bound(ks_test_pvc(e.cache->volumes, "pvc-a", "wait-sc"), "pv-a");
  pod = ks_test_pvc_pod("pod-a", "pvc-a", "pvc-b", NULL);
  assert_int_equal(prefilter(&e, pod, st), UU);
  ks_test_check_status("Part of PVCs do not exist", &st[0], UU,
                       "persistentvolumeclaim \"pvc-b\" not found", NULL);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);

  /* immediate claims not bound */
  env_init(&e, NULL);
  ks_test_env_add_node(&e, ks_test_node("node-a", "1", "1Gi"));
  ks_test_pvc(e.cache->volumes, "pvc-a", "immediate-sc");
  pod = ks_test_pvc_pod("pod-a", "pvc-a", NULL);
  assert_int_equal(prefilter(&e, pod, st), UU);
  ks_test_check_status("immediate claims not bound", &st[0], UU,
                       "pod has unbound immediate PersistentVolumeClaims", NULL);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);

  /* unbound claims no matches (wait-sc cannot provision) */
  env_init(&e, NULL);
  ks_test_env_add_node(&e, ks_test_node("node-a", "1", "1Gi"));
  ks_test_pvc(e.cache->volumes, "pvc-a", "wait-sc");
  pod = ks_test_pvc_pod("pod-a", "pvc-a", NULL);
  assert_int_equal(prefilter(&e, pod, st), KS_SCHED_SUCCESS);
  ks_test_check_status("unbound claims no matches", &st[0], UU,
                       KS_SCHED_VOLUME_BINDING_BIND_CONFLICT, NULL);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);

  /* bound and unbound unsatisfied */
  env_init(&e, NULL);
  ks_test_env_add_node(&e, ks_test_labeled_node("node-a", "foo", "barbar", NULL));
  ks_test_pvc_bound(ks_test_pvc(e.cache->volumes, "pvc-a", "wait-sc"), "pv-a");
  ks_test_pvc(e.cache->volumes, "pvc-b", "wait-sc");
  ks_test_pv_affinity(ks_test_pv(e.cache->volumes, "pv-a", "wait-sc", 0), "foo", "bar", NULL);
  pod = ks_test_pvc_pod("pod-a", "pvc-a", "pvc-b", NULL);
  assert_int_equal(prefilter(&e, pod, st), KS_SCHED_SUCCESS);
  ks_test_check_status("bound and unbound unsatisfied", &st[0], UU,
                       "node(s) had volume node affinity conflict",
                       "node(s) didn't find available persistent volumes to bind", NULL);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);

  /* pv not found */
  env_init(&e, NULL);
  ks_test_env_add_node(&e, ks_test_node("node-a", "1", "1Gi"));
  KsPersistentVolumeClaim *pvc =
      ks_test_pvc_bound(ks_test_pvc(e.cache->volumes, "pvc-a", "wait-sc"), "pv-a");
  pod = ks_test_pvc_pod("pod-a", "pvc-a", NULL);
  assert_int_equal(prefilter(&e, pod, st), KS_SCHED_SUCCESS);
  ks_test_check_status("pv not found", &st[0], UU,
                       "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)",
                       NULL);
  /* pv not found claim lost */
  pvc->phase = KS_PVC_LOST;
  assert_int_equal(prefilter(&e, pod, st), UU);
  ks_test_check_status("pv not found claim lost", &st[0], UU,
                       "persistentvolumeclaim \"pvc-a\" bound to non-existent persistentvolume "
                       "\"pv-a\"",
                       NULL);
  /* a claim being deleted */
  pvc->phase = KS_PVC_BOUND;
  pvc->deletion_timestamp_us = 1;
  assert_int_equal(prefilter(&e, pod, st), UU);
  ks_test_check_status("being deleted", &st[0], UU,
                       "persistentvolumeclaim \"pvc-a\" is being deleted", NULL);
  /* volumeName set but not bind-completed: a pre-bound claim, unbound immediate */
  pvc->deletion_timestamp_us = 0;
  ks_labels_remove(&pvc->annotations, KS_ANN_BIND_COMPLETED);
  assert_int_equal(prefilter(&e, pod, st), UU);
  ks_test_check_status("pre-bound", &st[0], UU, KS_SCHED_VOLUME_BINDING_UNBOUND_IMMEDIATE, NULL);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

/* The four capacity-scoring cases. */
typedef struct {
  const char *pv;
  const char *sc;
  gint64 gi;
  const char *zone; /* NULL: hostname affinity node-<x> from the name "pv-<x>-<i>" */
} PvSpec;

static void run_scoring(const char *name, const KsSchedVolumeBindingArgs *args, gboolean zonal,
                        const char *const *claims, const char *const *claim_sc,
                        const gint64 *claim_gi, guint n_claims, const PvSpec *pvs, guint n_pvs,
                        const gboolean *want_fit, const gint64 *want_scores) {
  KsTestEnv e;
  env_init(&e, args);
  KsSchedVolumeLister *l = e.cache->volumes;
  const char *zones[] = {"a", "b", "c"};
  guint n_nodes = zonal ? 6 : 3;
  for (guint i = 0; i < n_nodes; i++) {
    if (zonal) {
      char *node = g_strdup_printf("zone-%s-node-%s", zones[i / 2], i % 2 ? "b" : "a");
      char *region = g_strdup_printf("region-%s", zones[i / 2]);
      char *zone = g_strdup_printf("zone-%s", zones[i / 2]);
      ks_test_env_add_node(&e, ks_test_labeled_node(node, "topology.kubernetes.io/region", region,
                                                    "topology.kubernetes.io/zone", zone, NULL));
      g_free(node), g_free(region), g_free(zone);
    } else {
      char *node = g_strdup_printf("node-%s", zones[i]);
      ks_test_env_add_node(&e, ks_test_labeled_node(node, HOSTNAME, node, NULL));
      g_free(node);
    }
  }
  for (guint i = 0; i < n_claims; i++)
    ks_test_pvc(l, claims[i], claim_sc[i])->request = claim_gi[i] * KS_GI;
  for (guint i = 0; i < n_pvs; i++) {
    KsPersistentVolume *pv = ks_test_pv(l, pvs[i].pv, pvs[i].sc, pvs[i].gi * KS_GI);
    if (zonal) {
      char *region = g_strdup_printf("region-%s", pvs[i].zone);
      char *zone = g_strdup_printf("zone-%s", pvs[i].zone);
      ks_test_pv_affinity(pv, "topology.kubernetes.io/region", region,
                          "topology.kubernetes.io/zone", zone, NULL);
      g_free(region), g_free(zone);
    } else {
      char *node = g_strdup_printf("node-%c", pvs[i].pv[3]);
      ks_test_pv_affinity(pv, HOSTNAME, node, NULL);
      g_free(node);
    }
  }
  KsPod *pod = ks_pod_new("default", "pod-a");
  for (guint i = 0; i < n_claims; i++)
    ks_pod_add_volume(pod, claims[i], KS_VOLUME_PVC)->ref = g_strdup(claims[i]);
  KsSchedStatus st[6];
  assert_int_equal(prefilter(&e, pod, st), KS_SCHED_SUCCESS);
  for (guint i = 0; i < n_nodes; i++) {
    char *what = g_strdup_printf("%s: node %u", name, i);
    if (want_fit[i])
      ks_test_check_status(what, &st[i], KS_SCHED_SUCCESS, NULL);
    else
      ks_test_check_status(what, &st[i], UU, KS_SCHED_VOLUME_BINDING_BIND_CONFLICT, NULL);
    g_free(what);
  }
  gint64 scores[6];
  assert_int_equal(ks_test_env_score(&e, pod, NULL, n_nodes, scores), KS_SCHED_SUCCESS);
  for (guint i = 0; i < n_nodes; i++)
    if (scores[i] != want_scores[i])
      fail_msg("%s: node %u score %" G_GINT64_FORMAT ", want %" G_GINT64_FORMAT, name, i,
               scores[i], want_scores[i]);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

static void test_capacity_scoring(void **state) {
  const KsSchedVolumeBindingArgs on = {300, TRUE, NULL, 0};
  const char *one[] = {"pvc-a"}, *one_sc[] = {"wait-sc"};
  const gint64 one_gi[] = {50};
  const PvSpec local[] = {{"pv-a-0", "wait-sc", 200, NULL},
                          {"pv-a-1", "wait-sc", 200, NULL},
                          {"pv-b-0", "wait-sc", 100, NULL},
                          {"pv-b-1", "wait-sc", 100, NULL}};
  const gboolean fit3[] = {TRUE, TRUE, FALSE};
  run_scoring("local volumes with close capacity are preferred", &on, FALSE, one, one_sc, one_gi,
              1, local, G_N_ELEMENTS(local), fit3, (const gint64[]){25, 50, 0});

  const char *two[] = {"pvc-0", "pvc-1"}, *two_sc[] = {"wait-sc", "wait-hdd-sc"};
  const gint64 two_gi[] = {50, 100};
  const PvSpec local2[] = {{"pv-a-0", "wait-sc", 200, NULL},     {"pv-a-1", "wait-sc", 200, NULL},
                           {"pv-a-2", "wait-hdd-sc", 200, NULL}, {"pv-a-3", "wait-hdd-sc", 200, NULL},
                           {"pv-b-0", "wait-sc", 100, NULL},     {"pv-b-1", "wait-sc", 100, NULL},
                           {"pv-b-2", "wait-hdd-sc", 100, NULL}, {"pv-b-3", "wait-hdd-sc", 100, NULL}};
  run_scoring("local volumes with close capacity are preferred (multiple pvcs)", &on, FALSE, two,
              two_sc, two_gi, 2, local2, G_N_ELEMENTS(local2), fit3, (const gint64[]){38, 75, 0});

  const PvSpec zonal[] = {{"pv-a-0", "wait-sc", 200, "a"},
                          {"pv-a-1", "wait-sc", 200, "a"},
                          {"pv-b-0", "wait-sc", 100, "b"},
                          {"pv-b-1", "wait-sc", 100, "b"}};
  const gboolean fit6[] = {TRUE, TRUE, TRUE, TRUE, FALSE, FALSE};
  run_scoring("zonal volumes with close capacity are preferred", &on, TRUE, one, one_sc, one_gi, 1,
              zonal, G_N_ELEMENTS(zonal), fit6, (const gint64[]){25, 25, 50, 50, 0, 0});

  const KsSchedShapePoint shape[] = {{0, 0}, {50, 3}, {100, 5}};
  const KsSchedVolumeBindingArgs custom = {300, TRUE, shape, 3};
  run_scoring("zonal volumes with close capacity are preferred (custom shape)", &custom, TRUE, one,
              one_sc, one_gi, 1, zonal, G_N_ELEMENTS(zonal), fit6,
              (const gint64[]){15, 15, 30, 30, 0, 0});
}

/* Gate off (the default): PreScore skips, whatever the bindings. */
static void test_scoring_off(void **state) {
  KsTestEnv e;
  env_init(&e, NULL);
  ks_test_env_add_node(&e, ks_test_node("n", "1", "1Gi"));
  ks_test_pvc(e.cache->volumes, "c", "wait-sc")->request = KS_GI;
  ks_test_pv(e.cache->volumes, "pv", "wait-sc", 2 * KS_GI);
  KsPod *pod = ks_test_pvc_pod("p", "c", NULL);
  KsSchedStatus st[1];
  gint64 score[1];
  assert_int_equal(prefilter(&e, pod, st), KS_SCHED_SUCCESS);
  assert_int_equal(ks_test_env_score(&e, pod, NULL, 1, score), KS_SCHED_SKIP);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

/* FindMatchingVolume's choice, through the assume cache: two claims of one
 * pod take the two smallest fitting PVs (smallest claim first); Reserve
 * marks them taken (claimRef), so another pod's claim finds nothing;
 * Unreserve gives them back. */
static GPtrArray *written_pvs, *written_pvcs;

static gboolean write_pv(gpointer data, const KsPersistentVolume *pv, GError **error) {
  g_ptr_array_add(written_pvs, ks_pv_copy(pv));
  return TRUE;
}

static gboolean write_pvc(gpointer data, const KsPersistentVolumeClaim *pvc, GError **error) {
  if (data) {
    g_set_error(error, KS_SCHED_ERROR, 0, "conflict");
    return FALSE;
  }
  g_ptr_array_add(written_pvcs, ks_pvc_copy(pvc));
  return TRUE;
}

static void test_reserve_prebind_unreserve(void **state) {
  written_pvs = g_ptr_array_new_with_free_func((GDestroyNotify)ks_pv_free);
  written_pvcs = g_ptr_array_new_with_free_func((GDestroyNotify)ks_pvc_free);
  KsTestEnv e;
  env_init(&e, NULL);
  KsSchedVolumeLister *l = e.cache->volumes;
  ks_test_env_add_node(&e, ks_test_node("n", "1", "1Gi"));
  ks_test_pvc(l, "big", "wait-sc")->request = 5 * KS_GI;
  ks_test_pvc(l, "small", "wait-sc")->request = 1 * KS_GI;
  ks_test_pv(l, "pv-10", "wait-sc", 10 * KS_GI);
  ks_test_pv(l, "pv-5", "wait-sc", 5 * KS_GI);
  ks_test_pv(l, "pv-1", "wait-sc", 1 * KS_GI);
  ks_test_pv(l, "pv-1b", "wait-sc", 1 * KS_GI);   /* same size as pv-1, later name */
  ks_test_pv(l, "pv-other", "wait-hdd-sc", 1 * KS_GI); /* another class */
  KsPersistentVolume *pending = ks_test_pv(l, "pv-0pending", "wait-sc", 1 * KS_GI);
  pending->phase = KS_PV_PENDING;
  KsPod *pod = ks_test_pvc_pod("p", "big", "small", NULL);
  KsSchedStatus st[1], s;
  assert_int_equal(prefilter(&e, pod, st), KS_SCHED_SUCCESS);
  ks_test_check_status("fits", &st[0], KS_SCHED_SUCCESS, NULL);
  const KsSchedPluginDesc *d = e.plugin->desc;
  ks_sched_status_reset(&s);
  d->reserve(e.plugin, &e.cs, pod, "n", &s);
  ks_test_check_status("reserve", &s, KS_SCHED_SUCCESS, NULL);
  const KsPersistentVolume *pv1 = ks_sched_volume_lister_pv(l, "pv-1");
  const KsPersistentVolume *pv5 = ks_sched_volume_lister_pv(l, "pv-5");
  assert_non_null(pv1->claim_ref);
  assert_string_equal(pv1->claim_ref->name, "small");
  assert_non_null(pv5->claim_ref);
  assert_string_equal(pv5->claim_ref->name, "big");
  assert_string_equal(ks_labels_get(&pv5->annotations, KS_ANN_BOUND_BY_CONTROLLER), "yes");
  assert_null(ks_sched_volume_lister_pv(l, "pv-1b")->claim_ref);
  assert_null(ks_sched_volume_lister_pv(l, "pv-10")->claim_ref);

  /* another pod's 5Gi claim now gets pv-10, a 6Gi one nothing */
  ks_test_pvc(l, "q5", "wait-sc")->request = 5 * KS_GI;
  ks_test_pvc(l, "q11", "wait-sc")->request = 11 * KS_GI;
  KsPod *q = ks_test_pvc_pod("q", "q5", "q11", NULL);
  KsTestEnv *pe = &e;
  KsSchedCycleState cs2;
  ks_sched_cycle_state_init(&cs2);
  KsSchedCycleState saved = pe->cs;
  pe->cs = cs2;
  assert_int_equal(prefilter(pe, q, st), KS_SCHED_SUCCESS);
  ks_test_check_status("q", &st[0], UU, KS_SCHED_VOLUME_BINDING_BIND_CONFLICT, NULL);
  ks_sched_cycle_state_clear(&pe->cs, pe->fw);
  pe->cs = saved;

  /* PreBind with no writer: Error */
  ks_sched_status_reset(&s);
  d->pre_bind(e.plugin, &e.cs, pod, "n", &s);
  ks_test_check_status("no writer", &s, KS_SCHED_ERROR_CODE, "binding volumes: no API writer",
                       NULL);
  KsSchedVolumeWriter w = {write_pv, write_pvc, NULL};
  ks_sched_volume_lister_set_writer(l, &w);
  ks_sched_status_reset(&s);
  d->pre_bind(e.plugin, &e.cs, pod, "n", &s);
  ks_test_check_status("prebind", &s, KS_SCHED_SUCCESS, NULL);
  assert_int_equal(written_pvs->len, 2);
  assert_int_equal(written_pvcs->len, 0);
  const KsPersistentVolume *w0 = written_pvs->pdata[0];
  assert_string_equal(w0->name, "pv-1"); /* smallest claim first, as findMatchingVolumes sorts */
  assert_string_equal(w0->claim_ref->namespace, "default");
  assert_string_equal(w0->claim_ref->name, "small");

  d->unreserve(e.plugin, &e.cs, pod, "n");
  assert_null(ks_sched_volume_lister_pv(l, "pv-1")->claim_ref);
  assert_null(ks_sched_volume_lister_pv(l, "pv-5")->claim_ref);
  ks_pod_unref(q);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
  g_ptr_array_unref(written_pvs);
  g_ptr_array_unref(written_pvcs);
}

/* Provisioning: no PV fits, the class has a provisioner; allowedTopologies
 * restrict the nodes; Reserve sets selected-node on an assumed copy,
 * PreBind writes it (a failing write is an Error naming the writer's
 * message), and with the claim selected for node a, node b fails at once. */
static void test_provisioning(void **state) {
  written_pvs = g_ptr_array_new_with_free_func((GDestroyNotify)ks_pv_free);
  written_pvcs = g_ptr_array_new_with_free_func((GDestroyNotify)ks_pvc_free);
  KsTestEnv e;
  env_init(&e, NULL);
  KsSchedVolumeLister *l = e.cache->volumes;
  KsStorageClass *sc = ks_test_sc(l, "fast", "csi.example.com", KS_BINDING_WAIT_FOR_FIRST_CONSUMER);
  sc->allowed_topologies = g_array_new(FALSE, TRUE, sizeof(KsNodeSelectorTerm));
  g_array_set_clear_func(sc->allowed_topologies, (GDestroyNotify)ks_node_selector_term_clear);
  g_array_set_size(sc->allowed_topologies, 1);
  const char *za[] = {"zone-a", NULL};
  ks_node_selector_term_add_expression(&g_array_index(sc->allowed_topologies, KsNodeSelectorTerm, 0),
                                       "topology.kubernetes.io/zone", KS_SELECTOR_OP_IN, za);
  ks_test_sc(l, "static", "kubernetes.io/no-provisioner", KS_BINDING_WAIT_FOR_FIRST_CONSUMER);
  ks_test_env_add_node(&e, ks_test_labeled_node("a", "topology.kubernetes.io/zone", "zone-a", NULL));
  ks_test_env_add_node(&e, ks_test_labeled_node("b", "topology.kubernetes.io/zone", "zone-b", NULL));
  ks_test_pvc(l, "data", "fast")->request = KS_GI;
  ks_test_pvc(l, "local", "static");
  KsPod *pod = ks_test_pvc_pod("p", "data", NULL);
  KsSchedStatus st[2], s;
  assert_int_equal(prefilter(&e, pod, st), KS_SCHED_SUCCESS);
  ks_test_check_status("a", &st[0], KS_SCHED_SUCCESS, NULL);
  ks_test_check_status("b", &st[1], UU, KS_SCHED_VOLUME_BINDING_BIND_CONFLICT, NULL);
  KsPod *np = ks_test_pvc_pod("np", "local", NULL);
  assert_int_equal(prefilter(&e, np, st), KS_SCHED_SUCCESS);
  ks_test_check_status("no-provisioner a", &st[0], UU, KS_SCHED_VOLUME_BINDING_BIND_CONFLICT, NULL);
  ks_pod_unref(np);

  assert_int_equal(prefilter(&e, pod, st), KS_SCHED_SUCCESS);
  const KsSchedPluginDesc *d = e.plugin->desc;
  ks_sched_status_reset(&s);
  d->reserve(e.plugin, &e.cs, pod, "a", &s);
  ks_test_check_status("reserve", &s, KS_SCHED_SUCCESS, NULL);
  assert_string_equal(ks_pvc_selected_node(ks_sched_volume_lister_pvc(l, "default", "data")), "a");
  /* a failing write */
  KsSchedVolumeWriter w = {write_pv, write_pvc, GINT_TO_POINTER(1)};
  ks_sched_volume_lister_set_writer(l, &w);
  d->pre_bind(e.plugin, &e.cs, pod, "a", &s);
  ks_test_check_status("prebind fails", &s, KS_SCHED_ERROR_CODE, "binding volumes: conflict", NULL);
  w.data = NULL;
  ks_sched_volume_lister_set_writer(l, &w);
  ks_sched_status_reset(&s);
  d->pre_bind(e.plugin, &e.cs, pod, "a", &s);
  ks_test_check_status("prebind", &s, KS_SCHED_SUCCESS, NULL);
  assert_int_equal(written_pvcs->len, 1);
  assert_string_equal(ks_pvc_selected_node(written_pvcs->pdata[0]), "a");

  /* the host stores it: the informer's copy replaces the assumed one */
  ks_sched_volume_lister_set_pvc(l, ks_pvc_copy(written_pvcs->pdata[0]));
  d->unreserve(e.plugin, &e.cs, pod, "a"); /* nothing assumed any more: no change */
  assert_string_equal(ks_pvc_selected_node(ks_sched_volume_lister_pvc(l, "default", "data")), "a");
  /* selected for a: b fails fast, a still fits */
  assert_int_equal(prefilter(&e, pod, st), KS_SCHED_SUCCESS);
  ks_test_check_status("a selected", &st[0], KS_SCHED_SUCCESS, NULL);
  ks_test_check_status("b not selected", &st[1], UU, KS_SCHED_VOLUME_BINDING_BIND_CONFLICT, NULL);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
  g_ptr_array_unref(written_pvs);
  g_ptr_array_unref(written_pvcs);
}

/* FindMatchingVolume's filters, PV by PV: mode, deletion, selector, access
 * modes, node affinity; a PV pre-bound to the claim wins whatever its size
 * (and fails the node when its affinity does not match). */
static void test_matching_rules(void **state) {
  KsSchedVolumeLister *l = ks_sched_volume_lister_new();
  KsPersistentVolumeClaim *c = ks_pvc_new("default", "c");
  c->storage_class_name = g_strdup("x");
  c->request = 10;
  c->access_modes = KS_ACCESS_RWO | KS_ACCESS_ROX;
  KsLabels node;
  ks_labels_init(&node);
  ks_labels_set(&node, "zone", "a");
  KsPersistentVolume *p[6];
  for (guint i = 0; i < 6; i++) {
    char name[8];
    g_snprintf(name, sizeof name, "pv%u", i);
    p[i] = ks_test_pv(l, name, "x", 20 + i);
    p[i]->access_modes = KS_ACCESS_RWO | KS_ACCESS_ROX;
  }
  p[0]->volume_mode = KS_VOLUME_MODE_BLOCK;
  p[1]->deletion_timestamp_us = 5;
  ks_labels_set(&p[2]->labels, "tier", "gold");
  p[3]->access_modes = KS_ACCESS_RWO;
  ks_test_pv_affinity(p[4], "zone", "b", NULL);
  for (guint i = 3; i < 6; i++)
    ks_labels_set(&p[i]->labels, "tier", "silver");
  const GPtrArray *all = ks_sched_volume_lister_pvs(l);
  const KsPersistentVolume *const *pvs = (const KsPersistentVolume *const *)all->pdata;
  const KsPersistentVolume *m = ks_sched_find_matching_volume(c, pvs, all->len, &node, NULL, 0, TRUE);
  assert_string_equal(m->name, "pv2"); /* smallest left */
  c->selector = ks_label_selector_new();
  ks_labels_set(&c->selector->match_labels, "tier", "silver");
  m = ks_sched_find_matching_volume(c, pvs, all->len, &node, NULL, 0, TRUE);
  assert_string_equal(m->name, "pv5");
  /* without a node (the PV controller): no access-mode or affinity check */
  m = ks_sched_find_matching_volume(c, pvs, all->len, NULL, NULL, 0, FALSE);
  assert_string_equal(m->name, "pv3");
  /* delay binding without a node: nothing unless pre-bound */
  assert_null(ks_sched_find_matching_volume(c, pvs, all->len, NULL, NULL, 0, TRUE));
  p[5]->claim_ref = ks_object_reference_new("PersistentVolumeClaim", "default", "c", NULL);
  m = ks_sched_find_matching_volume(c, pvs, all->len, NULL, NULL, 0, TRUE);
  assert_string_equal(m->name, "pv5");
  /* pre-bound PV whose affinity does not fit: no match at all */
  ks_object_reference_free(p[5]->claim_ref);
  p[5]->claim_ref = NULL;
  p[4]->claim_ref = ks_object_reference_new("PersistentVolumeClaim", "default", "c", NULL);
  assert_null(ks_sched_find_matching_volume(c, pvs, all->len, &node, NULL, 0, TRUE));
  /* claimRef uid must agree when both have one */
  g_free(p[4]->claim_ref->uid);
  p[4]->claim_ref->uid = g_strdup("u1");
  c->uid = g_strdup("u2");
  assert_false(ks_sched_pv_bound_to_claim(p[4], c));
  ks_labels_clear(&node);
  ks_pvc_free(c);
  ks_sched_volume_lister_free(l);
}

static void test_args(void **state) {
  GError *err = NULL;
  const KsSchedVolumeBindingArgs neg = {-1, FALSE, NULL, 0};
  assert_null(ks_sched_plugin_volume_binding.create(&neg, &err));
  assert_string_equal(err->message, "bindTimeoutSeconds: Invalid value: -1: invalid "
                                    "BindTimeoutSeconds, should not be a negative value");
  g_clear_error(&err);
  const KsSchedShapePoint unsorted[] = {{50, 1}, {10, 2}};
  const KsSchedVolumeBindingArgs bad = {600, TRUE, unsorted, 2};
  assert_null(ks_sched_plugin_volume_binding.create(&bad, &err));
  assert_string_equal(err->message,
                      "shape[1]: Invalid value: utilization values must be sorted in increasing order");
  g_clear_error(&err);
  const KsSchedShapePoint big[] = {{0, 11}};
  const KsSchedVolumeBindingArgs bad2 = {600, TRUE, big, 1};
  assert_null(ks_sched_plugin_volume_binding.create(&bad2, &err));
  assert_string_equal(err->message, "shape[0]: Invalid value: score");
  g_clear_error(&err);
}

/* CSI attach limit keys (upstream GetCSIAttachLimitKey). */
static void test_attach_limit_key(void **state) {
  char *k = ks_sched_csi_attach_limit_key("ebs.csi.aws.com");
  assert_string_equal(k, "attachable-volumes-csi-ebs.csi.aws.com");
  g_free(k);
  /* 23 + 40 = 63 >= 63: hashed */
  k = ks_sched_csi_attach_limit_key("0123456789012345678901234567890123456789");
  char *sha = g_compute_checksum_for_string(G_CHECKSUM_SHA1,
                                            "0123456789012345678901234567890123456789", -1);
  char *want = g_strdup_printf("attachable-volumes-csi-01234567890123456789012%.16s", sha);
  assert_string_equal(k, want);
  assert_int_equal(strlen(k), 23 + 23 + 16);
  g_free(k), g_free(sha), g_free(want);
}

/* v1.31, queueing hints off: StorageClass Add|Update, PVC Add|Update, PV
 * Add|Update, Node Add|UpdateNodeLabel|UpdateNodeTaint. */
static void test_events(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_volume_binding, NULL);
  guint64 rej = G_GUINT64_CONSTANT(1) << e.plugin->index;
  const KsSchedClusterEvent yes[] = {
      {KS_SCHED_EV_STORAGE_CLASS, KS_SCHED_ACT_ADD, "StorageClassAdd"},
      {KS_SCHED_EV_STORAGE_CLASS, KS_SCHED_ACT_UPDATE, "StorageClassUpdate"},
      {KS_SCHED_EV_PVC, KS_SCHED_ACT_ADD, "PvcAdd"},
      {KS_SCHED_EV_PVC, KS_SCHED_ACT_UPDATE, "PvcUpdate"},
      {KS_SCHED_EV_PV, KS_SCHED_ACT_ADD, "PvAdd"},
      {KS_SCHED_EV_PV, KS_SCHED_ACT_UPDATE, "PvUpdate"},
      KS_SCHED_EVENT_NODE_ADD,
      {KS_SCHED_EV_NODE, KS_SCHED_ACT_UPDATE_NODE_LABEL, "NodeLabelChange"},
      {KS_SCHED_EV_NODE, KS_SCHED_ACT_UPDATE_NODE_TAINT, "NodeTaintChange"},
  };
  const KsSchedClusterEvent no[] = {
      KS_SCHED_EVENT_ASSIGNED_POD_DELETE,
      {KS_SCHED_EV_NODE, KS_SCHED_ACT_UPDATE_NODE_ALLOCATABLE, "NodeAllocatableChange"},
      {KS_SCHED_EV_PVC, KS_SCHED_ACT_DELETE, "PvcDelete"},
      {KS_SCHED_EV_PV, KS_SCHED_ACT_DELETE, "PvDelete"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(yes); i++)
    if (!ks_sched_framework_event_moves(e.fw, rej, &yes[i]))
      fail_msg("%s should move the pod", yes[i].label);
  for (guint i = 0; i < G_N_ELEMENTS(no); i++)
    if (ks_sched_framework_event_moves(e.fw, rej, &no[i]))
      fail_msg("%s should not move the pod", no[i].label);
  ks_test_env_clear(&e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_no_pvcs),
      cmocka_unit_test(test_prefilter_and_filter),
      cmocka_unit_test(test_capacity_scoring),
      cmocka_unit_test(test_scoring_off),
      cmocka_unit_test(test_reserve_prebind_unreserve),
      cmocka_unit_test(test_provisioning),
      cmocka_unit_test(test_matching_rules),
      cmocka_unit_test(test_args),
      cmocka_unit_test(test_attach_limit_key),
      cmocka_unit_test(test_events),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
