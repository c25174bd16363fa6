/* spec.timeline of a Scenario: actions a user would take with kubectl at
 * given times of the run (apply, delete, scale, set image, rollout undo /
 * pause / resume, cordon, uncordon, drain). Format: docs/formats.md,
 * "Timeline"; execution: sim/timeline.h.
 *
 * Each entry is `{at: DURATION, action: NAME, ...fields}`. The entries are
 * decoded strictly, as the rest of the Scenario: a field the action does not
 * know is an error naming file:line:column and the field path, e.g.
 *   s.yaml:31:7: spec.timeline[2].replica: unknown field (known fields: at,
 *   action, kind, name, namespace, replicas)
 *
 * The actions form a table (one row per action: its name, its fields and
 * its decoder; sim/timeline.c has the matching row that executes it), so an
 * action is added by appending an enum value and a row on each side.
 * Checks that need the run's state (does the object exist?) happen when the
 * action runs, as with kubectl: a failure there is a warning of the run,
 * never a load error.
 */
#pragma once
#include <glib.h>

#include "sched/selector.h"
#include "workloads/manifest.h"
#include "workloads/yaml_doc.h"

#define KS_SCENARIO_MAX_TIMELINE 100000 /* entries of spec.timeline */

/* Append new actions before KS_TIMELINE_N_ACTIONS (and give each a row in
 * the decode table of scenario_timeline.c and the execute table of
 * sim/timeline.c). */
typedef enum {
  KS_TIMELINE_APPLY,          /* kubectl apply -f (creates what is missing) */
  KS_TIMELINE_DELETE,         /* kubectl delete KIND NAME | -l SELECTOR */
  KS_TIMELINE_SCALE,          /* kubectl scale KIND NAME --replicas=N */
  KS_TIMELINE_SET_IMAGE,      /* kubectl set image KIND NAME CONTAINER=IMAGE */
  KS_TIMELINE_ROLLOUT_UNDO,   /* kubectl rollout undo KIND NAME [--to-revision=N] */
  KS_TIMELINE_ROLLOUT_PAUSE,  /* kubectl rollout pause deployment NAME */
  KS_TIMELINE_ROLLOUT_RESUME, /* kubectl rollout resume deployment NAME */
  KS_TIMELINE_CORDON,         /* kubectl cordon NODE */
  KS_TIMELINE_UNCORDON,       /* kubectl uncordon NODE */
  KS_TIMELINE_DRAIN,          /* kubectl drain NODE */
  KS_TIMELINE_NODE_DOWN,      /* the node's kubelet stops (sim/node_faults.h) */
  KS_TIMELINE_NODE_UP,        /* ... and comes back */
  KS_TIMELINE_N_ACTIONS
} KsTimelineActionType;

/* The action's YAML name ("rolloutUndo"); NULL out of range. */
const char *ks_timeline_action_name(KsTimelineActionType t);

/* delete's propagationPolicy (metav1.DeletionPropagation; kubectl's
 * --cascade=background is the default). */
typedef enum {
  KS_TIMELINE_PROPAGATE_BACKGROUND = 0,
  KS_TIMELINE_PROPAGATE_FOREGROUND,
  KS_TIMELINE_PROPAGATE_ORPHAN,
} KsTimelinePropagation;

/* One entry. Fields an action does not use stay zero/NULL. */
typedef struct {
  gint64 at_us;
  KsTimelineActionType type;
  guint index;               /* position in spec.timeline (messages say timeline[index]) */
  guint line, column;        /* of the entry */
  /* the object acted on (all but apply) */
  KsKind kind;               /* Node for cordon, uncordon, drain, nodeDown, nodeUp */
  char *name;                /* NULL for a delete by selector */
  char *namespace;           /* "default" when absent; NULL for cluster-scoped kinds */
  KsLabelSelector *selector; /* delete: the label selector (kubectl -l) instead of a name */
  /* apply */
  KsManifestSet *objects;    /* manifests (in order), then inline objects */
  /* delete */
  KsTimelinePropagation propagation;
  gboolean has_grace_period;
  gint64 grace_period_seconds; /* delete, drain: DeleteOptions.gracePeriodSeconds of the pods */
  /* scale */
  gint32 replicas;
  /* setImage */
  char *container;           /* a container or init container name, or "*" for all */
  char *image;
  /* rolloutUndo */
  gint64 to_revision;        /* 0 = the previous revision */
  /* drain */
  gboolean ignore_daemonsets;    /* default true */
  gboolean delete_emptydir_data; /* default false */
  gboolean force;                /* default false: pods with no controller stop the drain */
  gint64 timeout_us;             /* default 0 = wait for ever, as kubectl's --timeout=0s */
} KsTimelineAction;

void ks_timeline_action_free(KsTimelineAction *a);

/* What the Scenario loader lends the timeline decoder. */
typedef struct {
  const char *file;      /* display name in messages */
  gint64 duration_us;    /* spec.duration: every `at` must be before it */
  /* Decodes an apply entry's `manifests` and `objects` exactly as the
   * loader decodes a spec.workloads batch (path: the entry's field path);
   * sets *out (transfer full) or fails with *error set. */
  gboolean (*load_objects)(gpointer ctx, const KsYamlNode *entry, const char *path,
                           KsManifestSet **out, GError **error);
  gpointer ctx;
} KsTimelineDecodeContext;

/* Decodes spec.timeline (seq may be NULL: no timeline). Returns the actions
 * (KsTimelineAction*, with free func) sorted by at, ties in file order;
 * NULL with *error on the first bad entry. transfer full */
GPtrArray *ks_timeline_decode(const KsYamlNode *seq, const KsTimelineDecodeContext *c,
                              GError **error);
