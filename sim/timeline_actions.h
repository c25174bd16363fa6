/* Private to sim/timeline*.c: the timeline's state and what the actions
 * share. timeline.c holds the execute table and the simple actions;
 * timeline_apply.c, timeline_rollout.c and timeline_drain.c the larger ones.
 */
#pragma once
#include <glib.h>

#include "sched/rng.h"
#include "sim/timeline.h"

struct KsTimeline {
  KsStore *store;
  KsEngine *engine;
  const GPtrArray *actions; /* borrowed */
  char *file;
  GPtrArray *warnings;      /* char*, at most KS_TIMELINE_MAX_WARNINGS */
  guint64 warning_count;
  guint64 actions_run;
  KsRng uids;               /* "apiserver/uid/timeline" */
  GPtrArray *drains;        /* drains in progress (timeline_drain.c), owned */
  KsKubeletConfigs *kubelets; /* applied Nodes register with them (ks_sim_create_node); NULL */
};

/* Records a warning of action a: "<file>:<line>:<column>: at <now>: <action>: <message>",
 * also printed on stderr as the workload feed prints its rejections. */
void ks_timeline_warn(KsTimeline *t, const KsTimelineAction *a, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

/* The store kind of a manifest kind (every KsKind has one). */
KsStoreKind ks_timeline_store_kind(KsKind kind);
/* kubectl's name of a resource in messages: "deployments.apps", "pods",
 * "storageclasses.storage.k8s.io". transfer full */
char *ks_timeline_resource(KsStoreKind kind);
/* The object a names (kind, namespace, name); NULL after warning
 * `Error from server (NotFound): deployments.apps "web" not found`.
 * transfer none (valid until the next write to it) */
const KsStoreObject *ks_timeline_get(KsTimeline *t, const KsTimelineAction *a);
/* Stores data (transfer full), a changed copy of old, as an update of old,
 * first adding 1 to metadata.generation when spec_changed (the API server's
 * rule for a spec change). A refused write becomes a warning. */
gboolean ks_timeline_update(KsTimeline *t, const KsTimelineAction *a, const KsStoreObject *old,
                            gpointer data, gboolean spec_changed);

/* The pod template of a workload object of kind (its spec.template; a
 * CronJob's jobTemplate.spec.template; a Pod is its own), NULL for other
 * kinds. transfer none: points into data. */
KsPod *ks_timeline_pod_template(KsStoreKind kind, gpointer data);
/* A DaemonSet's template changed: the API server adds 1 to its
 * templateGeneration, seen in apps/v1 as the annotation
 * deprecated.daemonset.template.generation (bumped when present). */
void ks_timeline_daemon_set_template_changed(gpointer daemon_set);

void ks_timeline_apply(KsTimeline *t, const KsTimelineAction *a);
void ks_timeline_rollout_undo(KsTimeline *t, const KsTimelineAction *a);
void ks_timeline_drain(KsTimeline *t, const KsTimelineAction *a);
/* Frees the drains still in progress (their events must not run again). */
void ks_timeline_drains_free(KsTimeline *t);
