/* v1 ReplicationController: the pre-ReplicaSet replica controller, whose
 * selector is a plain label map. ksim loads it for what it tells the
 * scheduler (its selector feeds the spread lister: PodTopologySpread's
 * system default constraints via DefaultSelector, and the legacy
 * SelectorSpreadPriority); the ReplicationController
 * controller (sim/controllers/replication_controller.c) runs it.
 * Defaults are the API server's (core/v1 SetDefaults_ReplicationController,
 * applied by the decoder once the whole object is read): replicas 1; an
 * empty selector and empty metadata.labels take the template's labels.
 */
#pragma once
#include <glib.h>
#include "sched/labels.h"
#include "sched/pod.h"
#include "workloads/object_meta.h"

typedef struct {
  KsObjectMeta meta;
  /* spec */
  gint32 replicas;          /* replicas, default 1 */
  gint32 min_ready_seconds; /* minReadySeconds, default 0 */
  KsLabels selector;        /* selector, a map; defaults to the template's labels */
  KsPod *template;          /* template (required by validation); never NULL once decoded */
  /* status, as written (cleared when a run creates the RC: sim/create_strategy.h) */
  gint32 status_replicas;        /* status.replicas */
  gint32 fully_labeled_replicas; /* status.fullyLabeledReplicas */
  gint32 ready_replicas;         /* status.readyReplicas */
  gint32 available_replicas;     /* status.availableReplicas */
  gint64 observed_generation;    /* status.observedGeneration */
  GArray *conditions;            /* status.conditions, of KsCondition (ReplicaFailure, as
                                    upstream's ReplicationControllerCondition: no
                                    lastUpdateTime); may be NULL */
} KsReplicationController;

/* Namespace "default" when ns is NULL or empty; replicas 1, an empty
 * template. transfer full */
KsReplicationController *ks_replication_controller_new(const char *ns, const char *name);
void ks_replication_controller_free(KsReplicationController *rc);
KsReplicationController *ks_replication_controller_copy(const KsReplicationController *rc); /* transfer full */
