/* apps/v1: Deployment, ReplicaSet, DaemonSet, StatefulSet, ControllerRevision.
 *
 * Defaulting is the API server's (apps/v1 SetDefaults_*, v1.31): replicas 1;
 * Deployment strategy RollingUpdate with maxSurge and maxUnavailable 25%,
 * revisionHistoryLimit 10, progressDeadlineSeconds 600; DaemonSet
 * updateStrategy RollingUpdate with maxUnavailable 1 and maxSurge 0;
 * StatefulSet podManagementPolicy OrderedReady, updateStrategy RollingUpdate
 * with partition 0, PVC retention Retain/Retain, revisionHistoryLimit 10.
 * These come from the ks_*_new constructors; the decoder overrides what the
 * file gives.
 *
 * Validation is the part of upstream's ValidateXxxSpec that changes what a
 * controller would do, with upstream's words: spec.selector is required
 * (Deployment, ReplicaSet, StatefulSet; a DaemonSet without one fails the
 * match below, as upstream), must not be empty, and must match the
 * template's labels; the template's restartPolicy must be Always; the
 * rolling-update parameters must make progress possible. Status is read as
 * written (a `kubectl get -o yaml` dump loads unchanged).
 */
#include "workloads/manifest_decode.h"

#include <string.h>

/* Selector present, non-empty, matching the template, and the template's
 * restartPolicy Always (in upstream's order: required, empty, mismatch,
 * restart policy). `what` names the kind in the empty message. */
static gboolean check_selector(KsDec *d, const KsYamlNode *spec, const KsLabelSelector *sel,
                               const KsPod *tmpl, const char *what, gboolean required) {
  if (!sel && required)
    return ks_dec_missing(d, spec, "selector");
  if (sel && ks_label_selector_is_empty(sel)) {
    gsize mark = ks_dec_push_field(d, "selector");
    ks_dec_fail(d, ks_yaml_get(spec, "selector"), "empty selector is invalid for %s", what);
    ks_dec_pop(d, mark);
    return FALSE;
  }
  return ks_dec_check_replica_template(d, spec, ks_label_selector_matches(sel, &tmpl->labels),
                                       tmpl);
}

/* Reads spec (a mapping, required for these kinds), pushing "spec". */
static const KsYamlNode *enter_spec(KsDec *d, const KsYamlNode *obj, gsize *mark) {
  const KsYamlNode *spec = ks_yaml_get(obj, "spec");
  if (ks_dec_is_absent(spec)) {
    ks_dec_missing(d, obj, "spec");
    return NULL;
  }
  *mark = ks_dec_push_field(d, "spec");
  if (!ks_dec_expect_mapping(d, spec)) {
    ks_dec_pop(d, *mark);
    return NULL;
  }
  return spec;
}

/* status: absent is fine (*st NULL, nothing pushed); else a mapping, with
 * "status" pushed. */
static gboolean enter_status(KsDec *d, const KsYamlNode *obj, const KsYamlNode **st, gsize *mark) {
  *st = ks_yaml_get(obj, "status");
  if (ks_dec_is_absent(*st)) {
    *st = NULL;
    return TRUE;
  }
  *mark = ks_dec_push_field(d, "status");
  if (!ks_dec_expect_mapping(d, *st)) {
    ks_dec_pop(d, *mark);
    return FALSE;
  }
  return TRUE;
}

static gboolean fail_at(KsDec *d, const KsYamlNode *m, const char *key, const KsYamlNode *fallback,
                        const char *msg) {
  const KsYamlNode *at = ks_yaml_get(m, key);
  gsize mark = ks_dec_push_field(d, key);
  ks_dec_fail(d, at ? at : fallback, "%s", msg);
  ks_dec_pop(d, mark);
  return FALSE;
}

/* ---- ReplicaSet ------------------------------------------------------------------ */

static gboolean rs_spec(KsDec *d, const KsYamlNode *obj, KsReplicaSet *rs) {
  gsize mark;
  const KsYamlNode *spec = enter_spec(d, obj, &mark);
  if (!spec)
    return FALSE;
  gboolean ok = ks_dec_nonneg_int32(d, spec, "replicas", &rs->replicas, NULL) &&
                ks_dec_nonneg_int32(d, spec, "minReadySeconds", &rs->min_ready_seconds, NULL) &&
                ks_dec_label_selector(d, spec, "selector", &rs->selector) &&
                ks_dec_pod_template(d, spec, "template", rs->meta.namespace, &rs->template) &&
                check_selector(d, spec, rs->selector, rs->template, "deployment", TRUE);
  ks_dec_pop(d, mark);
  return ok;
}

gboolean ks_dec_replica_status(KsDec *d, const KsYamlNode *obj, KsDecReplicaStatus *out) {
  gsize mark = 0;
  const KsYamlNode *st = NULL;
  if (!enter_status(d, obj, &st, &mark))
    return FALSE;
  if (!st)
    return TRUE;
  gboolean ok =
      ks_dec_nonneg_int32(d, st, "replicas", out->replicas, NULL) &&
      ks_dec_nonneg_int32(d, st, "fullyLabeledReplicas", out->fully_labeled_replicas, NULL) &&
      ks_dec_nonneg_int32(d, st, "readyReplicas", out->ready_replicas, NULL) &&
      ks_dec_nonneg_int32(d, st, "availableReplicas", out->available_replicas, NULL) &&
      ks_dec_nonneg_int64(d, st, "observedGeneration", out->observed_generation, NULL) &&
      ks_dec_conditions(d, st, "conditions", out->conditions);
  ks_dec_pop(d, mark);
  return ok;
}

static gboolean rs_status(KsDec *d, const KsYamlNode *obj, KsReplicaSet *rs) {
  KsDecReplicaStatus st = {&rs->status_replicas,    &rs->fully_labeled_replicas,
                           &rs->ready_replicas,     &rs->available_replicas,
                           &rs->observed_generation, &rs->conditions};
  return ks_dec_replica_status(d, obj, &st);
}

KsReplicaSet *ks_dec_replica_set(KsDec *d, const KsYamlNode *obj) {
  KsReplicaSet *rs = ks_replica_set_new(NULL, NULL);
  ks_object_meta_clear(&rs->meta);
  if (!ks_dec_object_meta(d, obj, TRUE, &rs->meta) || !rs_spec(d, obj, rs) ||
      !rs_status(d, obj, rs)) {
    ks_replica_set_free(rs);
    return NULL;
  }
  return rs; /* transfer full */
}

/* ---- Deployment ------------------------------------------------------------------ */

static const char *const deployment_strategies[] = {"RollingUpdate", "Recreate"};

static gboolean deployment_strategy(KsDec *d, const KsYamlNode *spec, KsDeployment *dp) {
  const KsYamlNode *st = ks_yaml_get(spec, "strategy");
  if (ks_dec_is_absent(st))
    return TRUE;
  gsize mark = ks_dec_push_field(d, "strategy");
  guint type = KS_DEPLOYMENT_ROLLING_UPDATE;
  const KsYamlNode *ru = ks_yaml_get(st, "rollingUpdate");
  gboolean ok = ks_dec_expect_mapping(d, st) &&
                ks_dec_enum(d, st, "type", deployment_strategies,
                            G_N_ELEMENTS(deployment_strategies), &type);
  dp->strategy = (KsDeploymentStrategyType)type;
  if (ok && dp->strategy == KS_DEPLOYMENT_RECREATE) {
    dp->max_surge.set = dp->max_unavailable.set = FALSE;
    if (!ks_dec_is_absent(ru))
      ok = fail_at(d, st, "rollingUpdate", st,
                   "Forbidden: may not be specified when strategy `type` is 'Recreate'");
  } else if (ok && !ks_dec_is_absent(ru)) {
    gsize m2 = ks_dec_push_field(d, "rollingUpdate");
    ok = ks_dec_expect_mapping(d, ru) &&
         ks_dec_int_or_percent(d, ru, "maxSurge", FALSE, &dp->max_surge) &&
         ks_dec_int_or_percent(d, ru, "maxUnavailable", TRUE, &dp->max_unavailable);
    if (ok && dp->max_surge.value == 0 && dp->max_unavailable.value == 0)
      ok = fail_at(d, ru, "maxUnavailable", ru, "may not be 0 when `maxSurge` is 0");
    ks_dec_pop(d, m2);
  }
  ks_dec_pop(d, mark);
  return ok;
}

static gboolean deployment_spec(KsDec *d, const KsYamlNode *obj, KsDeployment *dp) {
  gsize mark;
  const KsYamlNode *spec = enter_spec(d, obj, &mark);
  if (!spec)
    return FALSE;
  gboolean has_deadline = FALSE;
  gboolean ok =
      ks_dec_nonneg_int32(d, spec, "replicas", &dp->replicas, NULL) &&
      ks_dec_label_selector(d, spec, "selector", &dp->selector) &&
      ks_dec_pod_template(d, spec, "template", dp->meta.namespace, &dp->template) &&
      check_selector(d, spec, dp->selector, dp->template, "deployment", TRUE) &&
      deployment_strategy(d, spec, dp) &&
      ks_dec_nonneg_int32(d, spec, "minReadySeconds", &dp->min_ready_seconds, NULL) &&
      ks_dec_nonneg_int32(d, spec, "revisionHistoryLimit", &dp->revision_history_limit, NULL) &&
      ks_dec_bool(d, spec, "paused", &dp->paused) &&
      ks_dec_nonneg_int32(d, spec, "progressDeadlineSeconds", &dp->progress_deadline_seconds,
                          &has_deadline);
  if (ok && has_deadline && dp->progress_deadline_seconds <= dp->min_ready_seconds)
    ok = fail_at(d, spec, "progressDeadlineSeconds", spec, "must be greater than minReadySeconds");
  ks_dec_pop(d, mark);
  return ok;
}

static gboolean deployment_status(KsDec *d, const KsYamlNode *obj, KsDeployment *dp) {
  gsize mark = 0;
  const KsYamlNode *st = NULL;
  if (!enter_status(d, obj, &st, &mark))
    return FALSE;
  if (!st)
    return TRUE;
  gboolean ok =
      ks_dec_nonneg_int64(d, st, "observedGeneration", &dp->observed_generation, NULL) &&
      ks_dec_nonneg_int32(d, st, "replicas", &dp->status_replicas, NULL) &&
      ks_dec_nonneg_int32(d, st, "updatedReplicas", &dp->updated_replicas, NULL) &&
      ks_dec_nonneg_int32(d, st, "readyReplicas", &dp->ready_replicas, NULL) &&
      ks_dec_nonneg_int32(d, st, "availableReplicas", &dp->available_replicas, NULL) &&
      ks_dec_nonneg_int32(d, st, "unavailableReplicas", &dp->unavailable_replicas, NULL) &&
      ks_dec_nonneg_int32(d, st, "collisionCount", &dp->collision_count, NULL) &&
      ks_dec_conditions(d, st, "conditions", &dp->conditions);
  ks_dec_pop(d, mark);
  return ok;
}

KsDeployment *ks_dec_deployment(KsDec *d, const KsYamlNode *obj) {
  KsDeployment *dp = ks_deployment_new(NULL, NULL);
  ks_object_meta_clear(&dp->meta);
  if (!ks_dec_object_meta(d, obj, TRUE, &dp->meta) || !deployment_spec(d, obj, dp) ||
      !deployment_status(d, obj, dp)) {
    ks_deployment_free(dp);
    return NULL;
  }
  return dp; /* transfer full */
}

/* ---- DaemonSet -------------------------------------------------------------------- */

static const char *const update_strategies[] = {"RollingUpdate", "OnDelete"};

static gboolean daemon_set_strategy(KsDec *d, const KsYamlNode *spec, KsDaemonSet *ds) {
  const KsYamlNode *st = ks_yaml_get(spec, "updateStrategy");
  if (ks_dec_is_absent(st))
    return TRUE;
  gsize mark = ks_dec_push_field(d, "updateStrategy");
  guint type = KS_DAEMON_SET_ROLLING_UPDATE;
  const KsYamlNode *ru = ks_yaml_get(st, "rollingUpdate");
  gboolean ok = ks_dec_expect_mapping(d, st) &&
                ks_dec_enum(d, st, "type", update_strategies, G_N_ELEMENTS(update_strategies),
                            &type);
  ds->update_strategy = (KsDaemonSetUpdateStrategyType)type;
  if (ok && ds->update_strategy == KS_DAEMON_SET_ON_DELETE && ks_dec_is_absent(ru)) {
    ds->max_unavailable.set = ds->max_surge.set = FALSE;
  } else if (ok && !ks_dec_is_absent(ru)) {
    gsize m2 = ks_dec_push_field(d, "rollingUpdate");
    ok = ks_dec_expect_mapping(d, ru) &&
         ks_dec_int_or_percent(d, ru, "maxUnavailable", TRUE, &ds->max_unavailable) &&
         ks_dec_int_or_percent(d, ru, "maxSurge", TRUE, &ds->max_surge);
    if (ok && ds->update_strategy == KS_DAEMON_SET_ROLLING_UPDATE) {
      gboolean unavail = ds->max_unavailable.value != 0, surge = ds->max_surge.value != 0;
      if (unavail && surge)
        ok = fail_at(d, ru, "maxSurge", ru, "may not be set when maxUnavailable is non-zero");
      else if (!unavail && !surge)
        ok = fail_at(d, ru, "maxUnavailable", ru, "cannot be 0 when maxSurge is 0");
    }
    ks_dec_pop(d, m2);
  }
  ks_dec_pop(d, mark);
  return ok;
}

static gboolean daemon_set_spec(KsDec *d, const KsYamlNode *obj, KsDaemonSet *ds) {
  gsize mark;
  const KsYamlNode *spec = enter_spec(d, obj, &mark);
  if (!spec)
    return FALSE;
  gboolean ok =
      ks_dec_label_selector(d, spec, "selector", &ds->selector) &&
      ks_dec_pod_template(d, spec, "template", ds->meta.namespace, &ds->template) &&
      check_selector(d, spec, ds->selector, ds->template, "daemonset", FALSE) &&
      ks_dec_nonneg_int32(d, spec, "minReadySeconds", &ds->min_ready_seconds, NULL) &&
      daemon_set_strategy(d, spec, ds) &&
      ks_dec_nonneg_int32(d, spec, "revisionHistoryLimit", &ds->revision_history_limit, NULL);
  ks_dec_pop(d, mark);
  return ok;
}

static gboolean daemon_set_status(KsDec *d, const KsYamlNode *obj, KsDaemonSet *ds) {
  gsize mark = 0;
  const KsYamlNode *st = NULL;
  if (!enter_status(d, obj, &st, &mark))
    return FALSE;
  if (!st)
    return TRUE;
  gboolean ok =
      ks_dec_nonneg_int32(d, st, "currentNumberScheduled", &ds->current_number_scheduled, NULL) &&
      ks_dec_nonneg_int32(d, st, "numberMisscheduled", &ds->number_misscheduled, NULL) &&
      ks_dec_nonneg_int32(d, st, "desiredNumberScheduled", &ds->desired_number_scheduled, NULL) &&
      ks_dec_nonneg_int32(d, st, "numberReady", &ds->number_ready, NULL) &&
      ks_dec_nonneg_int32(d, st, "updatedNumberScheduled", &ds->updated_number_scheduled, NULL) &&
      ks_dec_nonneg_int32(d, st, "numberAvailable", &ds->number_available, NULL) &&
      ks_dec_nonneg_int32(d, st, "numberUnavailable", &ds->number_unavailable, NULL) &&
      ks_dec_nonneg_int64(d, st, "observedGeneration", &ds->observed_generation, NULL) &&
      ks_dec_nonneg_int32(d, st, "collisionCount", &ds->collision_count, NULL) &&
      ks_dec_conditions(d, st, "conditions", &ds->conditions);
  ks_dec_pop(d, mark);
  return ok;
}

KsDaemonSet *ks_dec_daemon_set(KsDec *d, const KsYamlNode *obj) {
  KsDaemonSet *ds = ks_daemon_set_new(NULL, NULL);
  ks_object_meta_clear(&ds->meta);
  if (!ks_dec_object_meta(d, obj, TRUE, &ds->meta) || !daemon_set_spec(d, obj, ds) ||
      !daemon_set_status(d, obj, ds)) {
    ks_daemon_set_free(ds);
    return NULL;
  }
  return ds; /* transfer full */
}

/* ---- StatefulSet ------------------------------------------------------------------ */

static const char *const pod_management_policies[] = {"OrderedReady", "Parallel"};
static const char *const retention_policies[] = {"Retain", "Delete"};

static gboolean stateful_set_strategy(KsDec *d, const KsYamlNode *spec, KsStatefulSet *ss) {
  const KsYamlNode *st = ks_yaml_get(spec, "updateStrategy");
  if (ks_dec_is_absent(st))
    return TRUE;
  gsize mark = ks_dec_push_field(d, "updateStrategy");
  guint type = KS_STATEFUL_SET_ROLLING_UPDATE;
  const KsYamlNode *ru = ks_yaml_get(st, "rollingUpdate");
  gboolean ok = ks_dec_expect_mapping(d, st) &&
                ks_dec_enum(d, st, "type", update_strategies, G_N_ELEMENTS(update_strategies),
                            &type);
  ss->update_strategy = (KsStatefulSetUpdateStrategyType)type;
  if (ok && ss->update_strategy == KS_STATEFUL_SET_ON_DELETE && !ks_dec_is_absent(ru)) {
    ok = fail_at(d, st, "rollingUpdate", st, "only allowed for updateStrategy 'RollingUpdate'");
  } else if (ok && !ks_dec_is_absent(ru)) {
    gsize m2 = ks_dec_push_field(d, "rollingUpdate");
    ok = ks_dec_expect_mapping(d, ru) &&
         ks_dec_nonneg_int32(d, ru, "partition", &ss->partition, NULL) &&
         ks_dec_int_or_percent(d, ru, "maxUnavailable", TRUE, &ss->max_unavailable);
    if (ok && ss->max_unavailable.set && ss->max_unavailable.value == 0)
      ok = fail_at(d, ru, "maxUnavailable", ru, "cannot be 0");
    ks_dec_pop(d, m2);
  }
  ks_dec_pop(d, mark);
  return ok;
}

static gboolean stateful_set_retention(KsDec *d, const KsYamlNode *spec, KsStatefulSet *ss) {
  const KsYamlNode *p = ks_yaml_get(spec, "persistentVolumeClaimRetentionPolicy");
  if (ks_dec_is_absent(p))
    return TRUE;
  gsize mark = ks_dec_push_field(d, "persistentVolumeClaimRetentionPolicy");
  guint deleted = ss->when_deleted, scaled = ss->when_scaled;
  gboolean ok = ks_dec_expect_mapping(d, p) &&
                ks_dec_enum(d, p, "whenDeleted", retention_policies,
                            G_N_ELEMENTS(retention_policies), &deleted) &&
                ks_dec_enum(d, p, "whenScaled", retention_policies,
                            G_N_ELEMENTS(retention_policies), &scaled);
  ss->when_deleted = (KsPvcRetentionPolicyType)deleted;
  ss->when_scaled = (KsPvcRetentionPolicyType)scaled;
  ks_dec_pop(d, mark);
  return ok;
}

static gboolean stateful_set_claims(KsDec *d, const KsYamlNode *spec, KsStatefulSet *ss) {
  const KsYamlNode *seq = ks_yaml_get(spec, "volumeClaimTemplates");
  if (ks_dec_is_absent(seq))
    return TRUE;
  gsize mark = ks_dec_push_field(d, "volumeClaimTemplates");
  gboolean ok = ks_dec_expect_sequence(d, seq);
  GPtrArray *claims = ks_pvc_array_new();
  for (guint i = 0; ok && i < ks_yaml_len(seq); i++) {
    gsize im = ks_dec_push_index(d, i);
    const KsYamlNode *it = ks_yaml_item(seq, i);
    KsPersistentVolumeClaim *c = NULL;
    if (ks_dec_is_absent(it))
      ks_dec_fail(d, it, "expected a mapping, got null");
    else if (ks_dec_expect_mapping(d, it))
      c = ks_dec_persistent_volume_claim(d, it, ss->meta.namespace);
    ks_dec_pop(d, im);
    ok = c != NULL;
    if (c)
      g_ptr_array_add(claims, c);
  }
  ks_dec_pop(d, mark);
  if (!ok) {
    g_ptr_array_unref(claims);
    return FALSE;
  }
  ss->volume_claim_templates = claims;
  return TRUE;
}

static gboolean stateful_set_spec(KsDec *d, const KsYamlNode *obj, KsStatefulSet *ss) {
  gsize mark;
  const KsYamlNode *spec = enter_spec(d, obj, &mark);
  if (!spec)
    return FALSE;
  guint pmp = ss->pod_management_policy;
  const KsYamlNode *ord = ks_yaml_get(spec, "ordinals");
  gboolean ok =
      ks_dec_nonneg_int32(d, spec, "replicas", &ss->replicas, NULL) &&
      ks_dec_label_selector(d, spec, "selector", &ss->selector) &&
      ks_dec_pod_template(d, spec, "template", ss->meta.namespace, &ss->template) &&
      check_selector(d, spec, ss->selector, ss->template, "statefulset", TRUE) &&
      ks_dec_string(d, spec, "serviceName", &ss->service_name) &&
      ks_dec_enum(d, spec, "podManagementPolicy", pod_management_policies,
                  G_N_ELEMENTS(pod_management_policies), &pmp) &&
      stateful_set_strategy(d, spec, ss) && stateful_set_claims(d, spec, ss) &&
      stateful_set_retention(d, spec, ss) &&
      ks_dec_nonneg_int32(d, spec, "minReadySeconds", &ss->min_ready_seconds, NULL) &&
      ks_dec_nonneg_int32(d, spec, "revisionHistoryLimit", &ss->revision_history_limit, NULL);
  ss->pod_management_policy = (KsPodManagementPolicy)pmp;
  if (ok && !ks_dec_is_absent(ord)) {
    gsize m2 = ks_dec_push_field(d, "ordinals");
    ok = ks_dec_expect_mapping(d, ord) &&
         ks_dec_nonneg_int32(d, ord, "start", &ss->ordinals_start, NULL);
    ks_dec_pop(d, m2);
  }
  ks_dec_pop(d, mark);
  return ok;
}

static gboolean stateful_set_status(KsDec *d, const KsYamlNode *obj, KsStatefulSet *ss) {
  gsize mark = 0;
  const KsYamlNode *st = NULL;
  if (!enter_status(d, obj, &st, &mark))
    return FALSE;
  if (!st)
    return TRUE;
  gboolean ok =
      ks_dec_nonneg_int64(d, st, "observedGeneration", &ss->observed_generation, NULL) &&
      ks_dec_nonneg_int32(d, st, "replicas", &ss->status_replicas, NULL) &&
      ks_dec_nonneg_int32(d, st, "readyReplicas", &ss->ready_replicas, NULL) &&
      ks_dec_nonneg_int32(d, st, "currentReplicas", &ss->current_replicas, NULL) &&
      ks_dec_nonneg_int32(d, st, "updatedReplicas", &ss->updated_replicas, NULL) &&
      ks_dec_nonneg_int32(d, st, "availableReplicas", &ss->available_replicas, NULL) &&
      ks_dec_string(d, st, "currentRevision", &ss->current_revision) &&
      ks_dec_string(d, st, "updateRevision", &ss->update_revision) &&
      ks_dec_nonneg_int32(d, st, "collisionCount", &ss->collision_count, NULL) &&
      ks_dec_conditions(d, st, "conditions", &ss->conditions);
  ks_dec_pop(d, mark);
  return ok;
}

KsStatefulSet *ks_dec_stateful_set(KsDec *d, const KsYamlNode *obj) {
  KsStatefulSet *ss = ks_stateful_set_new(NULL, NULL);
  ks_object_meta_clear(&ss->meta);
  if (!ks_dec_object_meta(d, obj, TRUE, &ss->meta) || !stateful_set_spec(d, obj, ss) ||
      !stateful_set_status(d, obj, ss)) {
    ks_stateful_set_free(ss);
    return NULL;
  }
  return ss; /* transfer full */
}

/* ---- ControllerRevision ------------------------------------------------------------- */

/* data is a RawExtension: for DaemonSets and StatefulSets a strategic merge
 * patch {spec: {template: {..., $patch: replace}}}; the template is kept. */
KsControllerRevision *ks_dec_controller_revision(KsDec *d, const KsYamlNode *obj) {
  KsControllerRevision *cr = ks_controller_revision_new(NULL, NULL);
  ks_object_meta_clear(&cr->meta);
  const KsYamlNode *data = ks_yaml_get(obj, "data");
  gboolean ok = ks_dec_object_meta(d, obj, TRUE, &cr->meta) &&
                ks_dec_nonneg_int64(d, obj, "revision", &cr->revision, NULL) &&
                (!ks_dec_is_absent(data) || ks_dec_missing(d, obj, "data"));
  const KsYamlNode *spec = ok ? ks_dec_get_path(data, "spec") : NULL;
  if (ok && spec && !ks_dec_is_absent(ks_yaml_get(spec, "template"))) {
    gsize mark = ks_dec_push_field(d, "data");
    gsize m2 = ks_dec_push_field(d, "spec");
    ok = ks_dec_pod_template(d, spec, "template", cr->meta.namespace, &cr->data);
    ks_dec_pop(d, m2);
    ks_dec_pop(d, mark);
  }
  if (!ok) {
    ks_controller_revision_free(cr);
    return NULL;
  }
  return cr; /* transfer full */
}
