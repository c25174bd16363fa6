/* The workload object model (object_meta, apps, batch, core_objects):
 * defaults as the API server sets them, deep copies, finalizers, and status
 * conditions as upstream's SetDeploymentCondition updates them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "workloads/apps.h"
#include "workloads/batch.h"
#include "workloads/core_objects.h"

static void test_object_meta(void **state) {
  (void)state;
  KsObjectMeta m;
  ks_object_meta_init(&m, "ns", "web");
  assert_false(ks_object_meta_remove_finalizer(&m, KS_FINALIZER_FOREGROUND));
  assert_true(ks_object_meta_add_finalizer(&m, KS_FINALIZER_FOREGROUND));
  assert_false(ks_object_meta_add_finalizer(&m, KS_FINALIZER_FOREGROUND));
  assert_true(ks_object_meta_add_finalizer(&m, KS_FINALIZER_ORPHAN));
  ks_owner_reference_array_add(&m.owner_references, "apps/v1", "Deployment", "web", "u1", TRUE,
                               TRUE);
  KsObjectMeta c;
  ks_object_meta_copy(&c, &m);
  assert_true(ks_object_meta_remove_finalizer(&m, KS_FINALIZER_FOREGROUND));
  assert_string_equal(m.finalizers[0], "orphan");
  assert_null(m.finalizers[1]);
  assert_true(ks_object_meta_remove_finalizer(&m, KS_FINALIZER_ORPHAN));
  assert_null(m.finalizers);
  /* the copy is deep */
  assert_true(ks_object_meta_has_finalizer(&c, KS_FINALIZER_FOREGROUND));
  assert_string_equal(ks_object_meta_get_controller(&c)->kind, "Deployment");
  assert_string_equal(c.namespace, "ns");
  ks_object_meta_clear(&m);
  ks_object_meta_clear(&c);
}

static void test_conditions(void **state) {
  (void)state;
  GArray *conds = NULL;
  assert_true(ks_conditions_set(&conds, KS_DEPLOYMENT_COND_PROGRESSING, KS_CONDITION_TRUE,
                                KS_DEPLOYMENT_REASON_NEW_RS_CREATED, "created", 100));
  assert_true(ks_conditions_set(&conds, KS_DEPLOYMENT_COND_AVAILABLE, KS_CONDITION_FALSE,
                                KS_DEPLOYMENT_REASON_MIN_UNAVAILABLE, NULL, 100));
  /* same status and reason: untouched, even the update time */
  assert_false(ks_conditions_set(&conds, KS_DEPLOYMENT_COND_PROGRESSING, KS_CONDITION_TRUE,
                                 KS_DEPLOYMENT_REASON_NEW_RS_CREATED, "other", 200));
  const KsCondition *p = ks_conditions_get(conds, KS_DEPLOYMENT_COND_PROGRESSING);
  assert_int_equal(p->last_update_time_us, 100);
  assert_string_equal(p->message, "created");
  /* same status, new reason: transition time kept, moved to the end */
  assert_true(ks_conditions_set(&conds, KS_DEPLOYMENT_COND_PROGRESSING, KS_CONDITION_TRUE,
                                KS_DEPLOYMENT_REASON_RS_UPDATED, NULL, 300));
  const KsCondition *last = &g_array_index(conds, KsCondition, 1);
  assert_string_equal(last->type, KS_DEPLOYMENT_COND_PROGRESSING);
  assert_int_equal(last->last_transition_time_us, 100);
  assert_int_equal(last->last_update_time_us, 300);
  /* a status change moves the transition time */
  assert_true(ks_conditions_set(&conds, KS_DEPLOYMENT_COND_AVAILABLE, KS_CONDITION_TRUE,
                                KS_DEPLOYMENT_REASON_MIN_AVAILABLE, NULL, 400));
  assert_int_equal(ks_conditions_get(conds, "Available")->last_transition_time_us, 400);
  assert_true(ks_conditions_is_true(conds, "Available"));
  assert_false(ks_conditions_is_true(conds, "ReplicaFailure"));
  GArray *copy = ks_condition_array_copy(conds);
  assert_true(ks_conditions_remove(conds, "Available"));
  assert_false(ks_conditions_remove(conds, "Available"));
  assert_int_equal(conds->len, 1);
  assert_int_equal(copy->len, 2);
  KsConditionStatus st;
  assert_true(ks_condition_status_from_string("Unknown", &st));
  assert_int_equal(st, KS_CONDITION_UNKNOWN);
  assert_false(ks_condition_status_from_string("true", &st));
  g_array_unref(conds);
  g_array_unref(copy);
}

static void test_apps_defaults_and_copies(void **state) {
  (void)state;
  KsDeployment *d = ks_deployment_new(NULL, "web");
  assert_string_equal(d->meta.namespace, "default");
  assert_int_equal(d->replicas, 1);
  assert_int_equal(d->strategy, KS_DEPLOYMENT_ROLLING_UPDATE);
  assert_true(d->max_surge.set && d->max_surge.is_percent && d->max_surge.value == 25);
  assert_true(d->max_unavailable.is_percent && d->max_unavailable.value == 25);
  assert_int_equal(d->revision_history_limit, 10);
  assert_int_equal(d->progress_deadline_seconds, 600);
  assert_non_null(d->template);
  /* maxSurge rounds up, maxUnavailable down: 25% of 10 is 3 and 2 */
  assert_int_equal(ks_int_or_percent_scaled(&d->max_surge, 10, TRUE), 3);
  assert_int_equal(ks_int_or_percent_scaled(&d->max_unavailable, 10, FALSE), 2);
  d->selector = ks_label_selector_new();
  ks_labels_set(&d->selector->match_labels, "app", "web");
  ks_labels_set(&d->template->labels, "app", "web");
  ks_conditions_set(&d->conditions, "Available", KS_CONDITION_TRUE, "MinimumReplicasAvailable",
                    NULL, 1);
  KsDeployment *dc = ks_deployment_copy(d);
  ks_labels_set(&d->template->labels, "app", "changed");
  assert_string_equal(ks_labels_get(&dc->template->labels, "app"), "web");
  assert_true(ks_label_selector_matches(dc->selector, &dc->template->labels));
  assert_true(ks_conditions_is_true(dc->conditions, "Available"));
  ks_deployment_free(d);
  ks_deployment_free(dc);

  KsDaemonSet *ds = ks_daemon_set_new("kube-system", "agent");
  assert_int_equal(ds->update_strategy, KS_DAEMON_SET_ROLLING_UPDATE);
  assert_true(ds->max_unavailable.set && !ds->max_unavailable.is_percent &&
              ds->max_unavailable.value == 1);
  assert_true(ds->max_surge.set && ds->max_surge.value == 0);
  KsDaemonSet *dsc = ks_daemon_set_copy(ds);
  assert_string_equal(dsc->meta.namespace, "kube-system");
  ks_daemon_set_free(ds);
  ks_daemon_set_free(dsc);

  KsStatefulSet *ss = ks_stateful_set_new("db", "pg");
  assert_int_equal(ss->pod_management_policy, KS_POD_MANAGEMENT_ORDERED_READY);
  assert_int_equal(ss->when_deleted, KS_PVC_RETENTION_RETAIN);
  assert_int_equal(ss->when_scaled, KS_PVC_RETENTION_RETAIN);
  assert_int_equal(ss->revision_history_limit, 10);
  ss->volume_claim_templates = ks_pvc_array_new();
  g_ptr_array_add(ss->volume_claim_templates, ks_pvc_new("db", "data"));
  ss->service_name = g_strdup("pg");
  ss->update_revision = g_strdup("pg-7d9");
  KsStatefulSet *ssc = ks_stateful_set_copy(ss);
  assert_int_equal(ssc->volume_claim_templates->len, 1);
  assert_ptr_not_equal(g_ptr_array_index(ssc->volume_claim_templates, 0),
                       g_ptr_array_index(ss->volume_claim_templates, 0));
  assert_string_equal(ssc->service_name, "pg");
  assert_string_equal(ssc->update_revision, "pg-7d9");
  ks_stateful_set_free(ss);
  ks_stateful_set_free(ssc);

  KsReplicaSet *rs = ks_replica_set_new("ns", "web-5d4");
  assert_int_equal(rs->replicas, 1);
  KsReplicaSet *rsc = ks_replica_set_copy(rs);
  ks_replica_set_free(rs);
  ks_replica_set_free(rsc);

  KsControllerRevision *cr = ks_controller_revision_new("db", "pg-7d9");
  cr->revision = 2;
  cr->data = ks_pod_new("db", "");
  KsControllerRevision *crc = ks_controller_revision_copy(cr);
  assert_int_equal(crc->revision, 2);
  assert_ptr_not_equal(crc->data, cr->data);
  ks_controller_revision_free(cr);
  ks_controller_revision_free(crc);

  KsPodManagementPolicy pmp;
  assert_true(ks_pod_management_policy_from_string("Parallel", &pmp));
  assert_int_equal(pmp, KS_POD_MANAGEMENT_PARALLEL);
  assert_false(ks_pod_management_policy_from_string("parallel", &pmp));
  assert_string_equal(ks_deployment_strategy_type_to_string(KS_DEPLOYMENT_RECREATE), "Recreate");
}

static void test_batch_defaults_and_copies(void **state) {
  (void)state;
  KsJob *j = ks_job_new(NULL, "pi");
  assert_int_equal(j->parallelism, 1);
  assert_true(j->has_completions);
  assert_int_equal(j->completions, 1);
  assert_int_equal(j->backoff_limit, 6);
  assert_int_equal(j->completion_mode, KS_COMPLETION_NON_INDEXED);
  assert_int_equal(j->pod_replacement_policy, KS_POD_REPLACEMENT_TERMINATING_OR_FAILED);
  assert_false(ks_job_is_finished(j));
  ks_conditions_set(&j->conditions, KS_JOB_COND_FAILED, KS_CONDITION_TRUE,
                    KS_JOB_REASON_BACKOFF_LIMIT_EXCEEDED, "Job has reached the specified backoff limit", 9);
  assert_true(ks_job_is_finished(j));
  j->completed_indexes = g_strdup("0-2");
  KsJob *jc = ks_job_copy(j);
  assert_true(ks_job_is_finished(jc));
  assert_string_equal(jc->completed_indexes, "0-2");
  ks_job_free(j);
  ks_job_free(jc);

  KsCronJob *cj = ks_cron_job_new("ns", "nightly");
  assert_int_equal(cj->concurrency_policy, KS_CONCURRENCY_ALLOW);
  assert_int_equal(cj->successful_jobs_history_limit, 3);
  assert_int_equal(cj->failed_jobs_history_limit, 1);
  assert_non_null(cj->job_template);
  cj->schedule = g_strdup("0 2 * * *");
  cj->active = ks_object_reference_array_new();
  g_ptr_array_add(cj->active, ks_object_reference_new("Job", "ns", "nightly-123", "u"));
  KsCronJob *cjc = ks_cron_job_copy(cj);
  assert_string_equal(cjc->schedule, "0 2 * * *");
  assert_int_equal(cjc->active->len, 1);
  ks_cron_job_free(cj);
  ks_cron_job_free(cjc);
  KsConcurrencyPolicy cp;
  assert_true(ks_concurrency_policy_from_string("Replace", &cp));
  assert_int_equal(cp, KS_CONCURRENCY_REPLACE);
}

static void test_core_objects(void **state) {
  (void)state;
  KsService *s = ks_service_new(NULL, "web");
  assert_int_equal(s->type, KS_SERVICE_CLUSTER_IP);
  ks_labels_set(&s->selector, "app", "web");
  KsServicePort *p = ks_service_add_port(s);
  p->port = 80;
  p->target_port_name = g_strdup("http");
  KsService *sc = ks_service_copy(s);
  assert_int_equal(sc->ports->len, 1);
  assert_string_equal(g_array_index(sc->ports, KsServicePort, 0).target_port_name, "http");
  assert_string_equal(ks_labels_get(&sc->selector, "app"), "web");
  ks_service_free(s);
  ks_service_free(sc);

  KsConfigMap *cm = ks_config_map_new("ns", "cfg");
  cm->keys = g_strsplit("a,b", ",", -1);
  KsConfigMap *cmc = ks_config_map_copy(cm);
  assert_true(ks_config_map_has_key(cmc, "b"));
  assert_false(ks_config_map_has_key(cmc, "c"));
  ks_config_map_free(cm);
  ks_config_map_free(cmc);

  KsSecret *sec = ks_secret_new("ns", "tls");
  assert_string_equal(sec->type, "Opaque");
  assert_false(ks_secret_has_key(sec, "tls.crt"));
  KsSecret *secc = ks_secret_copy(sec);
  ks_secret_free(sec);
  ks_secret_free(secc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_object_meta),
      cmocka_unit_test(test_conditions),
      cmocka_unit_test(test_apps_defaults_and_copies),
      cmocka_unit_test(test_batch_defaults_and_copies),
      cmocka_unit_test(test_core_objects),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
