/* NodeVolumeLimits: upstream csi_test.go (v1.31) TestCSILimits, the cases
 * that need neither CSI migration, generic ephemeral volumes nor
 * VolumeAttachments (ksim models none of them): 9 limit cases and the two
 * PreFilter Skip cases (only configMap and secret volumes: Skip; a PVC
 * among them: no Skip). The limit upstream reads from CSINode
 * ("csinode": allocatable count maxVols per driver; "csinode-with-no-limit":
 * none) is the node's allocatable attachable-volumes-csi-<driver>. Fixtures
 * as upstream's getFakeCSIPVLister / getFakeCSIPVCLister: claims and CSI
 * PVs "csi-<driver>-0..3" (handle = name), "csi-4" unbound of class csi-sc
 * (provisioner ebs.csi.aws.com), "csi-5" unbound without class, "csi-6"
 * of class csi-sc bound to a PV that does not exist. Then a missing claim
 * of the new pod, a volume shared by two pods counted once, and the
 * events. */
#include "tests/sched/volume_harness.h"

#include "sched/plugins/node_volume_limits.h"

#define EBS "ebs.csi.aws.com"
#define GCE "pd.csi.storage.gke.io"
#define EXCEEDED "node(s) exceed max volume count"

static void fixtures(KsSchedVolumeLister *l, const char *const *drivers) {
  ks_test_sc(l, "csi-sc", drivers[0], KS_BINDING_IMMEDIATE);
  for (const char *const *d = drivers; *d; d++) {
    for (int j = 0; j < 4; j++) {
      char *v = g_strdup_printf("csi-%s-%d", *d, j);
      KsPersistentVolumeClaim *pvc = ks_test_pvc(l, v, NULL);
      pvc->volume_name = g_strdup(v);
      KsPersistentVolume *pv = ks_test_pv(l, v, NULL, 0);
      pv->source = KS_VOLUME_CSI;
      pv->source_driver = g_strdup(*d);
      pv->source_id = g_strdup(v);
      g_free(v);
    }
  }
  ks_test_pvc(l, "csi-4", "csi-sc");
  ks_test_pvc(l, "csi-5", NULL);
  ks_test_pvc(l, "csi-6", "csi-sc")->volume_name = g_strdup("missing-in-action");
}

enum {
  RUNNING = 1 << 0,         /* csi-ebs.csi.aws.com-3 */
  PENDING = 1 << 1,         /* csi-4 */
  UNBOUND2 = 1 << 2,        /* csi-4, another pod */
  MISSING_PV = 1 << 3,      /* csi-6 */
  NO_SC = 1 << 4,           /* csi-5 */
  GCE_TWO = 1 << 5,         /* csi-pd...-1, -2 */
  EBS_TWO = 1 << 6,         /* csi-ebs...-1, -2 */
};

static KsPod *pod_of(guint which, int n) {
  char *name = g_strdup_printf("pod-%d", n);
  KsPod *p = NULL;
  switch (which) {
  case RUNNING: p = ks_test_pvc_pod(name, "csi-" EBS "-3", NULL); break;
  case PENDING: p = ks_test_pvc_pod(name, "csi-4", NULL); break;
  case UNBOUND2: p = ks_test_pvc_pod(name, "csi-4", NULL); break;
  case MISSING_PV: p = ks_test_pvc_pod(name, "csi-6", NULL); break;
  case NO_SC: p = ks_test_pvc_pod(name, "csi-5", NULL); break;
  case GCE_TWO: p = ks_test_pvc_pod(name, "csi-" GCE "-1", "csi-" GCE "-2", NULL); break;
  case EBS_TWO: p = ks_test_pvc_pod(name, "csi-" EBS "-1", "csi-" EBS "-2", NULL); break;
  default: break;
  }
  g_free(name);
  return p;
}

static void test_csi_limits(void **state) {
  const char *ebs[] = {EBS, NULL}, *both[] = {EBS, GCE, NULL};
  const struct {
    const char *test;
    gboolean new_gce_two; /* else the new pod is csiEBSOneVolPod (csi-ebs-0) */
    guint existing;
    gint64 max_vols;      /* 0: csinode-with-no-limit */
    const char *const *drivers;
    gboolean exceeded;
  } cases[] = {
      {"fits when node volume limit >= new pods CSI volume", FALSE, RUNNING | EBS_TWO, 4, ebs,
       FALSE},
      {"doesn't when node volume limit <= pods CSI volume", FALSE, RUNNING | EBS_TWO, 2, ebs, TRUE},
      {"should when driver does not support volume limits", FALSE, RUNNING | EBS_TWO, 0, ebs,
       FALSE},
      {"count pending PVCs towards volume limit <= pods CSI volume", FALSE, PENDING | EBS_TWO, 2,
       ebs, TRUE},
      {"count multiple pending pvcs towards volume limit >= pods CSI volume", FALSE,
       PENDING | UNBOUND2 | EBS_TWO, 4, ebs, FALSE},
      {"should count PVCs with invalid PV name but valid SC", FALSE, MISSING_PV | EBS_TWO, 2, ebs,
       TRUE},
      {"don't count pvcs with missing SC towards volume limit", FALSE, RUNNING | NO_SC, 2, ebs,
       FALSE},
      {"count pvcs with the same type towards volume limit", FALSE, GCE_TWO | EBS_TWO, 2, both,
       TRUE},
      {"don't count pvcs with different type towards volume limit", TRUE, EBS_TWO | RUNNING, 2,
       both, FALSE},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_node_volume_limits, NULL);
    fixtures(e.cache->volumes, cases[i].drivers);
    KsNode *node = ks_test_node("node-for-max-pd-test-1", "1", "1Gi");
    for (const char *const *d = cases[i].drivers; *d && cases[i].max_vols; d++) {
      char *key = ks_sched_csi_attach_limit_key(*d);
      ks_resource_list_set(&node->allocatable, key, cases[i].max_vols);
      g_free(key);
    }
    ks_test_env_add_node(&e, node);
    int n = 0;
    for (guint bit = 1; bit <= EBS_TWO; bit <<= 1)
      if (cases[i].existing & bit)
        ks_test_env_add_pod(&e, pod_of(bit, n++), "node-for-max-pd-test-1");
    KsPod *pod = cases[i].new_gce_two ? pod_of(GCE_TWO, 99)
                                      : ks_test_pvc_pod("new", "csi-" EBS "-0", NULL);
    KsSchedStatus st[1];
    assert_int_equal(ks_test_env_filter(&e, pod, st, NULL), KS_SCHED_SUCCESS);
    if (cases[i].exceeded)
      ks_test_check_status(cases[i].test, &st[0], KS_SCHED_UNSCHEDULABLE, EXCEEDED, NULL);
    else
      ks_test_check_status(cases[i].test, &st[0], KS_SCHED_SUCCESS, NULL);
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
}

/* "skip Filter when the pod only uses secrets and configmaps" and its
 * counterpart with a PVC among them. */
static void test_pre_filter_skip(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_node_volume_limits, NULL);
  const char *ebs[] = {EBS, NULL};
  fixtures(e.cache->volumes, ebs);
  ks_test_env_add_node(&e, ks_test_node("n", "1", "1Gi"));
  KsPod *pod = ks_pod_new("default", "p");
  ks_pod_add_volume(pod, "cm", KS_VOLUME_CONFIG_MAP);
  ks_pod_add_volume(pod, "s", KS_VOLUME_SECRET);
  KsSchedStatus st[1];
  assert_int_equal(ks_test_env_filter(&e, pod, st, NULL), KS_SCHED_SKIP);
  ks_pod_add_volume(pod, "c", KS_VOLUME_PVC)->ref = g_strdup("csi-" EBS "-0");
  assert_int_equal(ks_test_env_filter(&e, pod, st, NULL), KS_SCHED_SUCCESS);
  ks_test_check_status("pvc among them", &st[0], KS_SCHED_SUCCESS, NULL);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

/* A missing claim of the new pod: every node UnschedulableAndUnresolvable
 * with upstream's wrapped lister error. One volume used by two pods on the
 * node counts once; the new pod's volume already attached adds nothing. */
static void test_missing_and_shared(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_node_volume_limits, NULL);
  const char *ebs[] = {EBS, NULL};
  fixtures(e.cache->volumes, ebs);
  KsNode *node = ks_test_node("n", "1", "1Gi");
  ks_resource_list_set(&node->allocatable, "attachable-volumes-csi-" EBS, 2);
  ks_test_env_add_node(&e, node);
  KsPod *pod = ks_test_pvc_pod("p", "nope", NULL);
  KsSchedStatus st[1];
  assert_int_equal(ks_test_env_filter(&e, pod, st, NULL), KS_SCHED_SUCCESS);
  ks_test_check_status("missing", &st[0], KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE,
                       "looking up PVC default/nope: persistentvolumeclaim \"nope\" not found", NULL);
  ks_pod_unref(pod);
  ks_test_env_add_pod(&e, ks_test_pvc_pod("a", "csi-" EBS "-1", NULL), "n");
  ks_test_env_add_pod(&e, ks_test_pvc_pod("b", "csi-" EBS "-1", NULL), "n");
  /* attached: 1 distinct; new: 1 -> 2 <= 2 */
  pod = ks_test_pvc_pod("p", "csi-" EBS "-0", NULL);
  assert_int_equal(ks_test_env_filter(&e, pod, st, NULL), KS_SCHED_SUCCESS);
  ks_test_check_status("shared counted once", &st[0], KS_SCHED_SUCCESS, NULL);
  ks_pod_unref(pod);
  ks_test_env_add_pod(&e, ks_test_pvc_pod("c", "csi-" EBS "-2", NULL), "n");
  /* attached 2: a new volume exceeds, an attached one does not */
  pod = ks_test_pvc_pod("p", "csi-" EBS "-0", NULL);
  ks_test_env_filter(&e, pod, st, NULL);
  ks_test_check_status("exceeds", &st[0], KS_SCHED_UNSCHEDULABLE, EXCEEDED, NULL);
  ks_pod_unref(pod);
  pod = ks_test_pvc_pod("p", "csi-" EBS "-2", "csi-" EBS "-1", NULL);
  ks_test_env_filter(&e, pod, st, NULL);
  ks_test_check_status("already attached", &st[0], KS_SCHED_SUCCESS, NULL);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

/* v1.31, queueing hints off: CSINode Add (here node Add or allocatable
 * update), Pod Delete, PVC Add. */
static void test_events(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_node_volume_limits, NULL);
  guint64 rej = G_GUINT64_CONSTANT(1) << e.plugin->index;
  const KsSchedClusterEvent yes[] = {
      KS_SCHED_EVENT_NODE_ADD,
      {KS_SCHED_EV_NODE, KS_SCHED_ACT_UPDATE_NODE_ALLOCATABLE, "NodeAllocatableChange"},
      KS_SCHED_EVENT_ASSIGNED_POD_DELETE,
      {KS_SCHED_EV_PVC, KS_SCHED_ACT_ADD, "PvcAdd"},
  };
  const KsSchedClusterEvent no[] = {
      {KS_SCHED_EV_NODE, KS_SCHED_ACT_UPDATE_NODE_LABEL, "NodeLabelChange"},
      {KS_SCHED_EV_PVC, KS_SCHED_ACT_UPDATE, "PvcUpdate"},
      {KS_SCHED_EV_PV, KS_SCHED_ACT_ADD, "PvAdd"},
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
      cmocka_unit_test(test_csi_limits),
      cmocka_unit_test(test_pre_filter_skip),
      cmocka_unit_test(test_missing_and_shared),
      cmocka_unit_test(test_events),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
