/* See create_strategy.h. One function per kind, each clearing exactly the
 * status fields its type has, as the kind's PrepareForCreate assigns an
 * empty status struct. */
#include "sim/create_strategy.h"

#include "workloads/apps.h"
#include "workloads/batch.h"
#include "workloads/replication_controller.h"

static void clear_conditions(GArray **conds) {
  if (*conds)
    g_array_unref(*conds);
  *conds = NULL;
}

static void clear_replica_set(KsReplicaSet *rs) {
  rs->status_replicas = rs->fully_labeled_replicas = rs->ready_replicas = 0;
  rs->available_replicas = 0;
  rs->observed_generation = 0;
  clear_conditions(&rs->conditions);
}

static void clear_deployment(KsDeployment *d) {
  d->observed_generation = 0;
  d->status_replicas = d->updated_replicas = d->ready_replicas = 0;
  d->available_replicas = d->unavailable_replicas = d->collision_count = 0;
  clear_conditions(&d->conditions);
}

static void clear_daemon_set(KsDaemonSet *ds) {
  ds->current_number_scheduled = ds->number_misscheduled = ds->desired_number_scheduled = 0;
  ds->number_ready = ds->updated_number_scheduled = ds->number_available = 0;
  ds->number_unavailable = ds->collision_count = 0;
  ds->observed_generation = 0;
  clear_conditions(&ds->conditions);
}

static void clear_stateful_set(KsStatefulSet *ss) {
  ss->observed_generation = 0;
  ss->status_replicas = ss->ready_replicas = ss->current_replicas = 0;
  ss->updated_replicas = ss->available_replicas = ss->collision_count = 0;
  g_clear_pointer(&ss->current_revision, g_free);
  g_clear_pointer(&ss->update_revision, g_free);
  clear_conditions(&ss->conditions);
}

static void clear_job(KsJob *j) {
  j->active = j->succeeded = j->failed = j->ready = j->terminating = 0;
  j->start_time_us = j->completion_time_us = 0;
  clear_conditions(&j->conditions);
  g_clear_pointer(&j->completed_indexes, g_free);
  g_clear_pointer(&j->failed_indexes, g_free);
}

static void clear_cron_job(KsCronJob *cj) {
  g_clear_pointer(&cj->active, g_ptr_array_unref);
  cj->last_schedule_time_us = cj->last_successful_time_us = 0;
}

static void clear_replication_controller(KsReplicationController *rc) {
  rc->status_replicas = rc->fully_labeled_replicas = rc->ready_replicas = 0;
  rc->available_replicas = 0;
  rc->observed_generation = 0;
  clear_conditions(&rc->conditions);
}

void ks_sim_prepare_for_create(KsStoreKind kind, gpointer data, gint64 now_us) {
  KsObjectMeta *meta;
  switch (kind) {
  case KS_STORE_REPLICA_SET:
    clear_replica_set(data);
    meta = &((KsReplicaSet *)data)->meta;
    break;
  case KS_STORE_DEPLOYMENT:
    clear_deployment(data);
    meta = &((KsDeployment *)data)->meta;
    break;
  case KS_STORE_DAEMON_SET:
    clear_daemon_set(data);
    meta = &((KsDaemonSet *)data)->meta;
    break;
  case KS_STORE_STATEFUL_SET:
    clear_stateful_set(data);
    meta = &((KsStatefulSet *)data)->meta;
    break;
  case KS_STORE_JOB:
    clear_job(data);
    meta = &((KsJob *)data)->meta;
    break;
  case KS_STORE_CRON_JOB:
    clear_cron_job(data);
    meta = &((KsCronJob *)data)->meta;
    break;
  case KS_STORE_REPLICATION_CONTROLLER:
    clear_replication_controller(data);
    meta = &((KsReplicationController *)data)->meta;
    break;
  default:
    return;
  }
  meta->creation_timestamp_us = now_us;
}
