/* VolumeRestrictions: upstream volume_restrictions_test.go (v1.31)
 * TestGCEDiskConflicts (all 5 cases), TestAWSDiskConflicts,
 * TestRBDDiskConflicts and TestISCSIDiskConflicts (4 cases each), with the
 * exact PreFilter and Filter statuses; RBD "different state" is the one
 * documented divergence (ksim's KsVolume keeps the RBD image only);
 * TestAccessModeConflicts (all 5 cases, ReadWriteOncePod claims). Then the
 * read-only rules of isVolumeConflict, volumes decoded from YAML manifests,
 * ReadWriteOncePod across nodes and namespaces, Filter without PreFilter,
 * AddPod/RemovePod (preemption's dry run with a ReadWriteOncePod claim),
 * and the events registered with queueing hints off. */
#include "tests/sched/volume_harness.h"

#include "sched/plugins/volume_restrictions.h"
#include "workloads/manifest.h"

#define DISK_CONFLICT "node(s) had no available disk"

/* st.MakePod().Volume(v): one volume of kind src and identity ref (NULL ref
 * = &v1.Pod{}, no volume at all). */
static KsPod *vol_pod(const char *name, KsVolumeSource src, const char *ref, gboolean ro) {
  KsPod *p = ks_pod_new("default", name);
  if (ref) {
    KsVolume *v = ks_pod_add_volume(p, "v", src);
    v->ref = g_strdup(ref);
    v->read_only = ro;
    if (src == KS_VOLUME_RBD) /* RBD disks are the same only behind a common monitor */
      v->monitors = g_strsplit("m1", ",", -1);
  }
  return p;
}

static void check_status(const char *name, const KsSchedStatus *st, KsSchedCode want,
                         const char *want_reason) {
  if (st->code != want)
    fail_msg("%s: code %s, want %s", name, ks_sched_code_to_string(st->code),
             ks_sched_code_to_string(want));
  if (want_reason) {
    assert_int_equal(st->n_reasons, 1);
    assert_string_equal(ks_test_reason(st), want_reason);
  } else {
    assert_int_equal(st->n_reasons, 0);
  }
}

/* One upstream case: the incoming pod's volume (NULL = none) and the volume
 * of the one pod on the node (NULL = empty node). */
typedef struct {
  const char *name;
  const char *pod, *existing;
  KsSchedCode want_pre_filter; /* 0 = nil (Success) */
  gboolean conflict;           /* Filter: errStatus, else nil */
} Case;

static void run_case(KsVolumeSource src, const char *test, const Case *tc) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_volume_restrictions, NULL);
  ks_test_env_add_node(&e, ks_test_node("m", "1", "1Gi"));
  if (tc->existing)
    ks_test_env_add_pod(&e, vol_pod("existing", src, tc->existing, FALSE), "m");
  KsPod *pod = vol_pod("p", src, tc->pod, FALSE);
  KsSchedStatus st[1];
  char *name = g_strdup_printf("%s/%s", test, tc->name);
  KsSchedCode pre = ks_test_env_filter(&e, pod, st, NULL);
  if (pre != tc->want_pre_filter)
    fail_msg("%s: PreFilter %s, want %s", name, ks_sched_code_to_string(pre),
             ks_sched_code_to_string(tc->want_pre_filter));
  /* upstream runs Filter only after a successful PreFilter; after Skip the
   * harness leaves the node's status Success, as the framework does */
  if (tc->conflict)
    check_status(name, &st[0], KS_SCHED_UNSCHEDULABLE, DISK_CONFLICT);
  else
    check_status(name, &st[0], KS_SCHED_SUCCESS, NULL);
  g_free(name);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

/* The four cases every upstream disk test shares. */
static void run_shared_cases(KsVolumeSource src, const char *test, const char *state1,
                             const char *state2, gboolean different_conflicts) {
  const Case cases[] = {
      {"nothing", NULL, NULL, KS_SCHED_SKIP, FALSE},
      {"one state", NULL, state1, KS_SCHED_SKIP, FALSE},
      {"same state", state1, state1, 0, TRUE},
      {"different state", state2, state1, 0, different_conflicts},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
    run_case(src, test, &cases[i]);
}

/* TestGCEDiskConflicts: pdName "foo" / "bar", and "pod with a volume that
 * doesn't have restrictions" (an empty VolumeSource: KS_VOLUME_OTHER). */
static void test_gce_disk_conflicts(void **state) {
  run_shared_cases(KS_VOLUME_GCE_PD, "TestGCEDiskConflicts", "foo", "bar", FALSE);
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_volume_restrictions, NULL);
  ks_test_env_add_node(&e, ks_test_node("m", "1", "1Gi"));
  KsPod *pod = ks_pod_new("default", "p");
  ks_pod_add_volume(pod, "volume with no restriction", KS_VOLUME_OTHER);
  KsSchedStatus st[1];
  assert_int_equal(ks_test_env_filter(&e, pod, st, NULL), KS_SCHED_SKIP);
  check_status("pod with a volume that doesn't have restrictions", &st[0], KS_SCHED_SUCCESS, NULL);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

/* TestAWSDiskConflicts: volumeID "foo" / "bar". */
static void test_aws_disk_conflicts(void **state) {
  run_shared_cases(KS_VOLUME_AWS_EBS, "TestAWSDiskConflicts", "foo", "bar", FALSE);
}

/* An RBD volume as the decoder stores it: ref "<pool>/<image>", monitors. */
static KsPod *rbd_pod(const char *name, const char *ref, const char *monitors) {
  KsPod *p = vol_pod(name, KS_VOLUME_RBD, ref, FALSE);
  if (ref) {
    KsVolume *v = &g_array_index(p->volumes, KsVolume, 0);
    g_strfreev(v->monitors);
    v->monitors = g_strsplit(monitors, ",", -1);
  }
  return p;
}

/* TestRBDDiskConflicts: volState is monitors {a, b}, pool foo, image bar;
 * volState2 is monitors {c, d}, the same pool and image: no monitor in
 * common, so "different state" fits. Plus: one monitor in common conflicts,
 * another pool fits. */
static void test_rbd_disk_conflicts(void **state) {
  const struct {
    const char *name;
    const char *pod, *pod_mon, *existing, *existing_mon;
    KsSchedCode want_pre_filter;
    gboolean conflict;
  } cases[] = {
      {"nothing", NULL, NULL, NULL, NULL, KS_SCHED_SKIP, FALSE},
      {"one state", NULL, NULL, "foo/bar", "a,b", KS_SCHED_SKIP, FALSE},
      {"same state", "foo/bar", "a,b", "foo/bar", "a,b", 0, TRUE},
      {"different state", "foo/bar", "c,d", "foo/bar", "a,b", 0, FALSE},
      {"one monitor in common", "foo/bar", "b,x", "foo/bar", "a,b", 0, TRUE},
      {"another pool", "baz/bar", "a,b", "foo/bar", "a,b", 0, FALSE},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_volume_restrictions, NULL);
    ks_test_env_add_node(&e, ks_test_node("m", "1", "1Gi"));
    if (cases[i].existing)
      ks_test_env_add_pod(&e, rbd_pod("existing", cases[i].existing, cases[i].existing_mon), "m");
    KsPod *pod = rbd_pod("p", cases[i].pod, cases[i].pod_mon);
    KsSchedStatus st[1];
    assert_int_equal(ks_test_env_filter(&e, pod, st, NULL), cases[i].want_pre_filter);
    if (cases[i].conflict)
      check_status(cases[i].name, &st[0], KS_SCHED_UNSCHEDULABLE, DISK_CONFLICT);
    else
      check_status(cases[i].name, &st[0], KS_SCHED_SUCCESS, NULL);
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
}

/* TestISCSIDiskConflicts: IQN iqn.2016-12.server:storage.target01 /
 * iqn.2017-12.server:storage.target01 (same portal and LUN, not compared). */
static void test_iscsi_disk_conflicts(void **state) {
  run_shared_cases(KS_VOLUME_ISCSI, "TestISCSIDiskConflicts", "iqn.2016-12.server:storage.target01",
                   "iqn.2017-12.server:storage.target01", FALSE);
}

/* isVolumeConflict's read-only rules: GCE PD, iSCSI and RBD are shared when
 * both mounts are read-only, and conflict when either is read-write; AWS EBS
 * always conflicts. */
static void test_read_only(void **state) {
  const struct {
    KsVolumeSource src;
    gboolean both_ro_conflict;
  } kinds[] = {
      {KS_VOLUME_GCE_PD, FALSE},
      {KS_VOLUME_ISCSI, FALSE},
      {KS_VOLUME_RBD, FALSE},
      {KS_VOLUME_AWS_EBS, TRUE},
  };
  for (guint k = 0; k < G_N_ELEMENTS(kinds); k++) {
    for (guint mask = 0; mask < 4; mask++) {
      gboolean pod_ro = mask & 1, existing_ro = (mask >> 1) & 1;
      KsTestEnv e;
      ks_test_env_init(&e, &ks_sched_plugin_volume_restrictions, NULL);
      ks_test_env_add_node(&e, ks_test_node("m", "1", "1Gi"));
      ks_test_env_add_pod(&e, vol_pod("existing", kinds[k].src, "d", existing_ro), "m");
      KsPod *pod = vol_pod("p", kinds[k].src, "d", pod_ro);
      KsSchedStatus st[1];
      assert_int_equal(ks_test_env_filter(&e, pod, st, NULL), KS_SCHED_SUCCESS);
      gboolean conflict = pod_ro && existing_ro ? kinds[k].both_ro_conflict : TRUE;
      char *name = g_strdup_printf("%s ro=%d/%d", ks_volume_source_to_string(kinds[k].src),
                                   pod_ro, existing_ro);
      if (conflict)
        check_status(name, &st[0], KS_SCHED_UNSCHEDULABLE, DISK_CONFLICT);
      else
        check_status(name, &st[0], KS_SCHED_SUCCESS, NULL);
      g_free(name);
      ks_pod_unref(pod);
      ks_test_env_clear(&e);
    }
  }
}

/* Only volumes of the same kind compare; other kinds neither conflict nor
 * make the pod take part; every pod on the node and every volume of the pod
 * count, per node. A source whose key field is missing (ref NULL) compares
 * as "" (Go's zero string): two such GCE PDs are the same disk. */
static void test_kinds_nodes_and_pods(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_volume_restrictions, NULL);
  ks_test_env_add_node(&e, ks_test_node("a", "1", "1Gi"));
  ks_test_env_add_node(&e, ks_test_node("b", "1", "1Gi"));
  ks_test_env_add_node(&e, ks_test_node("c", "1", "1Gi"));
  /* a: an EBS "d" and, on a second pod, a PVC, a hostPath and an NFS "d" */
  ks_test_env_add_pod(&e, vol_pod("a1", KS_VOLUME_AWS_EBS, "d", FALSE), "a");
  KsPod *a2 = vol_pod("a2", KS_VOLUME_PVC, "d", FALSE);
  ks_pod_add_volume(a2, "h", KS_VOLUME_HOST_PATH)->ref = g_strdup("d");
  ks_pod_add_volume(a2, "n", KS_VOLUME_NFS)->ref = g_strdup("d");
  ks_test_env_add_pod(&e, a2, "a");
  /* b: a GCE PD "d" on the second of two pods, and a GCE PD with no pdName */
  ks_test_env_add_pod(&e, vol_pod("b1", KS_VOLUME_ISCSI, "x", FALSE), "b");
  KsPod *b2 = vol_pod("b2", KS_VOLUME_CONFIG_MAP, "d", FALSE);
  ks_pod_add_volume(b2, "g", KS_VOLUME_GCE_PD)->ref = g_strdup("d");
  ks_pod_add_volume(b2, "g0", KS_VOLUME_GCE_PD);
  ks_test_env_add_pod(&e, b2, "b");
  /* c: nothing */

  KsSchedStatus st[3];
  /* GCE "d": only b conflicts (a's EBS "d" is another kind) */
  KsPod *p = vol_pod("p", KS_VOLUME_GCE_PD, "d", FALSE);
  assert_int_equal(ks_test_env_filter(&e, p, st, NULL), KS_SCHED_SUCCESS);
  check_status("gce a", &st[0], KS_SCHED_SUCCESS, NULL);
  check_status("gce b", &st[1], KS_SCHED_UNSCHEDULABLE, DISK_CONFLICT);
  check_status("gce c", &st[2], KS_SCHED_SUCCESS, NULL);
  ks_pod_unref(p);

  /* the restricted volume need not be the pod's first: PVC "d" then EBS "d" */
  ks_test_pvc(e.cache->volumes, "d", NULL);
  p = vol_pod("p", KS_VOLUME_PVC, "d", FALSE);
  ks_pod_add_volume(p, "e", KS_VOLUME_AWS_EBS)->ref = g_strdup("d");
  assert_int_equal(ks_test_env_filter(&e, p, st, NULL), KS_SCHED_SUCCESS);
  check_status("ebs a", &st[0], KS_SCHED_UNSCHEDULABLE, DISK_CONFLICT);
  check_status("ebs b", &st[1], KS_SCHED_SUCCESS, NULL);
  check_status("ebs c", &st[2], KS_SCHED_SUCCESS, NULL);
  ks_pod_unref(p);

  /* GCE PD without pdName meets b2's: "" == "" */
  p = ks_pod_new("default", "p");
  ks_pod_add_volume(p, "g0", KS_VOLUME_GCE_PD);
  assert_int_equal(ks_test_env_filter(&e, p, st, NULL), KS_SCHED_SUCCESS);
  check_status("empty a", &st[0], KS_SCHED_SUCCESS, NULL);
  check_status("empty b", &st[1], KS_SCHED_UNSCHEDULABLE, DISK_CONFLICT);
  check_status("empty c", &st[2], KS_SCHED_SUCCESS, NULL);
  ks_pod_unref(p);

  /* hostPath, NFS, configMap, azureDisk, CSI "d": not checked (Skip) */
  const KsVolumeSource unchecked[] = {KS_VOLUME_HOST_PATH, KS_VOLUME_NFS, KS_VOLUME_CONFIG_MAP,
                                      KS_VOLUME_AZURE_DISK, KS_VOLUME_CSI, KS_VOLUME_EMPTY_DIR};
  for (guint i = 0; i < G_N_ELEMENTS(unchecked); i++) {
    p = vol_pod("p", unchecked[i], "d", FALSE);
    assert_int_equal(ks_test_env_filter(&e, p, st, NULL), KS_SCHED_SKIP);
    ks_pod_unref(p);
  }

  /* the exported helpers agree */
  KsPod *ebs = vol_pod("q", KS_VOLUME_AWS_EBS, "d", TRUE);
  assert_false(ks_sched_volume_restrictions_fit(ebs, e.cache, e.slots[0]));
  assert_true(ks_sched_volume_restrictions_fit(ebs, e.cache, e.slots[1]));
  assert_true(ks_sched_volume_restrictions_fit(ebs, e.cache, e.slots[2]));
  ks_pod_unref(ebs);
  ks_test_env_clear(&e);
}

/* Pods decoded from manifests carry what upstream compares: GCE PD
 * (pdName), AWS EBS (volumeID), iSCSI (iqn), RBD (monitors, pool, image). */
static const char manifests[] =
    "apiVersion: v1\nkind: Pod\nmetadata: {name: existing}\nspec:\n"
    "  containers: [{name: c, image: i}]\n"
    "  volumes:\n"
    "  - {name: g, gcePersistentDisk: {pdName: foo, readOnly: true}}\n"
    "  - {name: e, awsElasticBlockStore: {volumeID: vol-1}}\n"
    "  - {name: s, iscsi: {targetPortal: '127.0.0.1:3260', iqn: 'iqn.2016-12.server:storage.target01', lun: 0}}\n"
    "  - {name: r, rbd: {monitors: [a, b], pool: foo, image: bar}}\n"
    "---\n"
    "apiVersion: v1\nkind: Pod\nmetadata: {name: gce-ro}\nspec:\n"
    "  containers: [{name: c, image: i}]\n"
    "  volumes: [{name: g, gcePersistentDisk: {pdName: foo, readOnly: true}}]\n"
    "---\n"
    "apiVersion: v1\nkind: Pod\nmetadata: {name: gce-rw}\nspec:\n"
    "  containers: [{name: c, image: i}]\n"
    "  volumes: [{name: g, gcePersistentDisk: {pdName: foo}}]\n"
    "---\n"
    "apiVersion: v1\nkind: Pod\nmetadata: {name: ebs-other}\nspec:\n"
    "  containers: [{name: c, image: i}]\n"
    "  volumes: [{name: e, awsElasticBlockStore: {volumeID: vol-2}}]\n"
    "---\n"
    "apiVersion: v1\nkind: Pod\nmetadata: {name: iscsi-other-portal}\nspec:\n"
    "  containers: [{name: c, image: i}]\n"
    "  volumes: [{name: s, iscsi: {targetPortal: '10.0.0.1:3260', iqn: 'iqn.2016-12.server:storage.target01', lun: 1}}]\n"
    "---\n"
    "apiVersion: v1\nkind: Pod\nmetadata: {name: rbd-other-monitors}\nspec:\n"
    "  containers: [{name: c, image: i}]\n"
    "  volumes: [{name: r, rbd: {monitors: [c, d], pool: foo, image: bar}}]\n";

static void test_decoded_manifests(void **state) {
  GError *err = NULL;
  KsManifestSet *set = ks_manifest_load_string(manifests, strlen(manifests), "vr.yaml", &err);
  if (!set)
    fail_msg("%s", err->message);
  assert_int_equal(set->objects->len, 6);
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_volume_restrictions, NULL);
  ks_test_env_add_node(&e, ks_test_node("m", "1", "1Gi"));
  KsManifestObject *o = set->objects->pdata[0];
  ks_test_env_add_pod(&e, ks_pod_ref(o->u.pod), "m");
  const struct {
    const char *pod;
    gboolean conflict;
  } want[] = {
      {"gce-ro", FALSE},            /* both read-only */
      {"gce-rw", TRUE},             /* one read-write */
      {"ebs-other", FALSE},         /* another volumeID */
      {"iscsi-other-portal", TRUE}, /* IQN alone decides (upstream) */
      {"rbd-other-monitors", FALSE}, /* no monitor in common */
  };
  KsSchedStatus st[1];
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    o = set->objects->pdata[i + 1];
    assert_string_equal(o->u.pod->name, want[i].pod);
    assert_int_equal(ks_test_env_filter(&e, o->u.pod, st, NULL), KS_SCHED_SUCCESS);
    if (want[i].conflict)
      check_status(want[i].pod, &st[0], KS_SCHED_UNSCHEDULABLE, DISK_CONFLICT);
    else
      check_status(want[i].pod, &st[0], KS_SCHED_SUCCESS, NULL);
  }
  ks_test_env_clear(&e);
  ks_manifest_set_free(set);
}

#define RWOP_CONFLICT                                                                       \
  "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode"

/* upstream TestAccessModeConflicts: claims claim-with-rwop-1 and -2
 * (ReadWriteOncePod) and claim-with-rwx (ReadWriteMany); pods on node-1. */
static KsPersistentVolumeClaim *mode_pvc(KsSchedVolumeLister *l, const char *name, guint modes) {
  KsPersistentVolumeClaim *pvc = ks_test_pvc(l, name, NULL);
  pvc->access_modes = modes;
  return pvc;
}

static void test_access_mode_conflicts(void **state) {
  enum { NONE = 0, ONE_PVC = 1, TWO_PVCS = 2, RWX = 4 };
  const struct {
    const char *name;
    const char *pod;        /* NULL: &v1.Pod{} */
    gboolean two_claims;    /* the pod names claim-with-rwop-1 and -2, else -1 only */
    guint existing;         /* pods on node-1 */
    guint pvcs;             /* 1: rwop-1 + rwx; 2: rwop-1, rwop-2 + rwx; 0: none */
    KsSchedCode want_pre_filter;
    const char *pre_filter_reason;
    gboolean conflict;
  } cases[] = {
      {"nothing", NULL, FALSE, NONE, 0, KS_SCHED_SKIP, NULL, FALSE},
      {"failed to get PVC", "pod-with-one-pvc", FALSE, NONE, 0,
       KS_SCHED_UNSCHEDULABLE_AND_UNRESOLVABLE, "persistentvolumeclaim \"claim-with-rwop-1\" not found",
       FALSE},
      {"no access mode conflict", "pod-with-one-pvc", FALSE, RWX, 1, KS_SCHED_SKIP, NULL, FALSE},
      {"access mode conflict, unschedulable", "pod-with-one-conflict", FALSE, ONE_PVC | RWX, 1,
       KS_SCHED_SUCCESS, NULL, TRUE},
      {"two conflicts, unschedulable", "pod-with-two-conflicts", TRUE, TWO_PVCS | RWX, 2,
       KS_SCHED_SUCCESS, NULL, TRUE},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    KsTestEnv e;
    ks_test_env_init(&e, &ks_sched_plugin_volume_restrictions, NULL);
    KsSchedVolumeLister *l = e.cache->volumes;
    ks_test_env_add_node(&e, ks_test_node("node-1", "1", "1Gi"));
    if (cases[i].pvcs >= 1) {
      mode_pvc(l, "claim-with-rwop-1", KS_ACCESS_RWOP);
      mode_pvc(l, "claim-with-rwx", KS_ACCESS_RWX);
    }
    if (cases[i].pvcs >= 2)
      mode_pvc(l, "claim-with-rwop-2", KS_ACCESS_RWOP);
    if (cases[i].existing & ONE_PVC)
      ks_test_env_add_pod(&e, ks_test_pvc_pod("pod-with-one-pvc", "claim-with-rwop-1", NULL),
                          "node-1");
    if (cases[i].existing & TWO_PVCS)
      ks_test_env_add_pod(&e,
                          ks_test_pvc_pod("pod-with-two-pvcs", "claim-with-rwop-1",
                                          "claim-with-rwop-2", NULL),
                          "node-1");
    if (cases[i].existing & RWX)
      ks_test_env_add_pod(&e, ks_test_pvc_pod("pod-with-rwx", "claim-with-rwx", NULL), "node-1");
    KsPod *pod = !cases[i].pod ? ks_pod_new("", "")
                 : cases[i].two_claims
                     ? ks_test_pvc_pod(cases[i].pod, "claim-with-rwop-1", "claim-with-rwop-2", NULL)
                     : ks_test_pvc_pod(cases[i].pod, "claim-with-rwop-1", NULL);
    KsSchedStatus st[1];
    KsSchedCode pre = ks_test_env_filter(&e, pod, st, NULL);
    if (pre != cases[i].want_pre_filter)
      fail_msg("%s: PreFilter %s", cases[i].name, ks_sched_code_to_string(pre));
    if (cases[i].pre_filter_reason)
      ks_test_check_status(cases[i].name, &st[0], pre, cases[i].pre_filter_reason, NULL);
    else if (cases[i].conflict)
      ks_test_check_status(cases[i].name, &st[0], KS_SCHED_UNSCHEDULABLE, RWOP_CONFLICT, NULL);
    else
      ks_test_check_status(cases[i].name, &st[0], KS_SCHED_SUCCESS, NULL);
    ks_pod_unref(pod);
    ks_test_env_clear(&e);
  }
}

/* A ReadWriteOncePod claim in use blocks every node, not only the user's
 * (upstream counts users in the whole snapshot); a pod of another
 * namespace using a claim of the same name does not count at PreFilter
 * (claims are namespaced), but AddPod matches by claim name only, as
 * upstream's conflictingPVCRefCountForPod. */
static void test_rwop_cluster_wide(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_volume_restrictions, NULL);
  KsSchedVolumeLister *l = e.cache->volumes;
  ks_test_env_add_node(&e, ks_test_node("a", "1", "1Gi"));
  ks_test_env_add_node(&e, ks_test_node("b", "1", "1Gi"));
  mode_pvc(l, "data", KS_ACCESS_RWOP);
  KsPod *other_ns = ks_test_pvc_pod("x", "data", NULL);
  g_free(other_ns->namespace);
  other_ns->namespace = g_strdup("other");
  ks_test_env_add_pod(&e, other_ns, "a");
  KsPod *pod = ks_test_pvc_pod("p", "data", NULL);
  KsSchedStatus st[2];
  assert_int_equal(ks_test_env_filter(&e, pod, st, NULL), KS_SCHED_SKIP);
  ks_test_env_add_pod(&e, ks_test_pvc_pod("user", "data", NULL), "a");
  assert_int_equal(ks_test_env_filter(&e, pod, st, NULL), KS_SCHED_SUCCESS);
  ks_test_check_status("a", &st[0], KS_SCHED_UNSCHEDULABLE, RWOP_CONFLICT, NULL);
  ks_test_check_status("b", &st[1], KS_SCHED_UNSCHEDULABLE, RWOP_CONFLICT, NULL);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

/* Filter without PreFilter state: upstream checks disks first (no state
 * needed), then reads the state: a conflicting node is Unschedulable, any
 * other an Error. State written for another pod, or left by a Skip, counts
 * as missing; the state is allocated once and reused. */
static void test_filter_without_pre_filter(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_volume_restrictions, NULL);
  ks_test_env_add_node(&e, ks_test_node("a", "1", "1Gi"));
  ks_test_env_add_node(&e, ks_test_node("b", "1", "1Gi"));
  ks_test_env_add_pod(&e, vol_pod("x", KS_VOLUME_GCE_PD, "foo", FALSE), "a");
  KsPod *pod = vol_pod("p", KS_VOLUME_GCE_PD, "foo", FALSE);
  KsSchedStatus st;
  const KsSchedPluginDesc *d = e.plugin->desc;

  ks_sched_status_reset(&st);
  d->filter(e.plugin, &e.cs, pod, e.cache, e.slots[0], &st);
  check_status("no state, conflict", &st, KS_SCHED_UNSCHEDULABLE, DISK_CONFLICT);
  ks_sched_status_reset(&st);
  d->filter(e.plugin, &e.cs, pod, e.cache, e.slots[1], &st);
  check_status("no state", &st, KS_SCHED_ERROR_CODE,
               "cannot read \"PreFilterVolumeRestrictions\" from cycleState");

  KsSchedStatus out[2];
  assert_int_equal(ks_test_env_filter(&e, pod, out, NULL), KS_SCHED_SUCCESS);
  gpointer slot = e.cs.data[e.plugin->index];
  assert_non_null(slot);
  check_status("a", &out[0], KS_SCHED_UNSCHEDULABLE, DISK_CONFLICT);
  check_status("b", &out[1], KS_SCHED_SUCCESS, NULL);

  /* another pod's PreFilter (here a Skip) replaces this pod's state */
  KsPod *other = ks_pod_new("default", "other");
  assert_int_equal(ks_test_env_filter(&e, other, out, NULL), KS_SCHED_SKIP);
  assert_ptr_equal(e.cs.data[e.plugin->index], slot);
  ks_sched_status_reset(&st);
  d->filter(e.plugin, &e.cs, pod, e.cache, e.slots[1], &st);
  assert_int_equal(st.code, KS_SCHED_ERROR_CODE);
  ks_pod_unref(other);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

/* PreFilterExtensions: AddPod/RemovePod succeed on this pod's state and
 * are an Error without it; another pod's claims that are not among the
 * pod's ReadWriteOncePod claims change nothing. Through the framework they
 * are not called for a pod skipped at PreFilter. */
static void test_add_remove_pod(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_volume_restrictions, NULL);
  ks_test_env_add_node(&e, ks_test_node("n", "1", "1Gi"));
  const KsSchedPluginDesc *d = e.plugin->desc;
  KsPod *pod = vol_pod("p", KS_VOLUME_GCE_PD, "foo", FALSE);
  KsPod *other = vol_pod("o", KS_VOLUME_PVC, "claim", FALSE);
  KsSchedStatus st;

  ks_sched_status_reset(&st);
  d->add_pod(e.plugin, &e.cs, pod, other, e.cache, e.slots[0], &st);
  check_status("add, no state", &st, KS_SCHED_ERROR_CODE,
               "cannot read \"PreFilterVolumeRestrictions\" from cycleState");

  KsSchedStatus out[1];
  assert_int_equal(ks_test_env_filter(&e, pod, out, NULL), KS_SCHED_SUCCESS);
  ks_sched_status_reset(&st);
  d->add_pod(e.plugin, &e.cs, pod, other, e.cache, e.slots[0], &st);
  check_status("add", &st, KS_SCHED_SUCCESS, NULL);
  d->remove_pod(e.plugin, &e.cs, pod, other, e.cache, e.slots[0], &st);
  check_status("remove", &st, KS_SCHED_SUCCESS, NULL);
  ks_sched_status_reset(&st);
  d->filter(e.plugin, &e.cs, pod, e.cache, e.slots[0], &st);
  check_status("filter after add/remove", &st, KS_SCHED_SUCCESS, NULL);
  ks_pod_unref(other);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

/* Preemption's view: removing the pod that uses the ReadWriteOncePod claim
 * (RemovePod) lifts the conflict, adding it back restores it; a pod using
 * two of the claims counts twice. */
static void test_rwop_add_remove_pod(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_volume_restrictions, NULL);
  KsSchedVolumeLister *l = e.cache->volumes;
  ks_test_env_add_node(&e, ks_test_node("node-1", "1", "1Gi"));
  mode_pvc(l, "claim-with-rwop-1", KS_ACCESS_RWOP);
  mode_pvc(l, "claim-with-rwop-2", KS_ACCESS_RWOP);
  KsPod *user = ks_test_pvc_pod("user", "claim-with-rwop-1", "claim-with-rwop-2", NULL);
  ks_test_env_add_pod(&e, ks_pod_ref(user), "node-1");
  KsPod *pod = ks_test_pvc_pod("p", "claim-with-rwop-1", "claim-with-rwop-2", NULL);
  const KsSchedPluginDesc *d = e.plugin->desc;
  KsSchedStatus out[1], st;
  assert_int_equal(ks_test_env_filter(&e, pod, out, NULL), KS_SCHED_SUCCESS);
  ks_test_check_status("before", &out[0], KS_SCHED_UNSCHEDULABLE, RWOP_CONFLICT, NULL);
  ks_sched_status_reset(&st);
  d->remove_pod(e.plugin, &e.cs, pod, user, e.cache, e.slots[0], &st);
  ks_test_check_status("remove", &st, KS_SCHED_SUCCESS, NULL);
  d->filter(e.plugin, &e.cs, pod, e.cache, e.slots[0], &st);
  ks_test_check_status("after remove", &st, KS_SCHED_SUCCESS, NULL);
  d->add_pod(e.plugin, &e.cs, pod, user, e.cache, e.slots[0], &st);
  d->filter(e.plugin, &e.cs, pod, e.cache, e.slots[0], &st);
  ks_test_check_status("after add", &st, KS_SCHED_UNSCHEDULABLE, RWOP_CONFLICT, NULL);
  ks_pod_unref(user);
  ks_pod_unref(pod);
  ks_test_env_clear(&e);
}

/* v1.31, queueing hints off: Pod Delete; Node Add | UpdateNodeTaint |
 * UpdateNodeLabel; PersistentVolumeClaim Add. Not: pod add or update,
 * node allocatable or condition updates, PVC update, PV or StorageClass. */
static void test_events(void **state) {
  KsTestEnv e;
  ks_test_env_init(&e, &ks_sched_plugin_volume_restrictions, NULL);
  guint64 rej = G_GUINT64_CONSTANT(1) << e.plugin->index;
  const KsSchedClusterEvent yes[] = {
      KS_SCHED_EVENT_ASSIGNED_POD_DELETE,
      KS_SCHED_EVENT_NODE_ADD,
      {KS_SCHED_EV_NODE, KS_SCHED_ACT_UPDATE_NODE_TAINT, "NodeTaintChange"},
      {KS_SCHED_EV_NODE, KS_SCHED_ACT_UPDATE_NODE_LABEL, "NodeLabelChange"},
      {KS_SCHED_EV_PVC, KS_SCHED_ACT_ADD, "PvcAdd"},
  };
  const KsSchedClusterEvent no[] = {
      {KS_SCHED_EV_POD, KS_SCHED_ACT_ADD, "AssignedPodAdd"},
      {KS_SCHED_EV_POD, KS_SCHED_ACT_UPDATE_POD, "AssignedPodUpdate"},
      {KS_SCHED_EV_NODE, KS_SCHED_ACT_UPDATE_NODE_ALLOCATABLE, "NodeAllocatableChange"},
      {KS_SCHED_EV_NODE, KS_SCHED_ACT_UPDATE_NODE_CONDITION, "NodeConditionChange"},
      {KS_SCHED_EV_NODE, KS_SCHED_ACT_DELETE, "NodeDelete"},
      {KS_SCHED_EV_PVC, KS_SCHED_ACT_UPDATE, "PvcUpdate"},
      {KS_SCHED_EV_PV, KS_SCHED_ACT_ADD, "PvAdd"},
      {KS_SCHED_EV_STORAGE_CLASS, KS_SCHED_ACT_ADD, "StorageClassAdd"},
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
      cmocka_unit_test(test_gce_disk_conflicts),
      cmocka_unit_test(test_aws_disk_conflicts),
      cmocka_unit_test(test_rbd_disk_conflicts),
      cmocka_unit_test(test_iscsi_disk_conflicts),
      cmocka_unit_test(test_read_only),
      cmocka_unit_test(test_kinds_nodes_and_pods),
      cmocka_unit_test(test_decoded_manifests),
      cmocka_unit_test(test_access_mode_conflicts),
      cmocka_unit_test(test_rwop_cluster_wide),
      cmocka_unit_test(test_filter_without_pre_filter),
      cmocka_unit_test(test_add_remove_pod),
      cmocka_unit_test(test_rwop_add_remove_pod),
      cmocka_unit_test(test_events),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
