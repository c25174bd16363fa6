/* `ksim explain`: why a pod goes where it goes.
 *
 * The manifests hold Nodes, the Pods already bound to them (spec.nodeName
 * set), Namespaces, PriorityClasses, and exactly one Pod without a nodeName:
 * the pod to place. One scheduling cycle runs with a trace (sched/trace.h)
 * and the outcome is printed per node: the filter verdict (the failing
 * plugin and its reason, in upstream wording), each score plugin's raw,
 * normalized and weighted score, the total, the chosen node, and when no
 * node fits, the PostFilter (preemption) outcome.
 */
#pragma once
#include <stdio.h>

#include <glib.h>

#define KS_EXPLAIN_ERROR (ks_explain_error_quark())
GQuark ks_explain_error_quark(void);

typedef enum { KS_EXPLAIN_TABLE, KS_EXPLAIN_JSON } KsExplainFormat;

typedef struct {
  const char *const *files;  /* manifests, NULL-terminated */
  const char *config;        /* KubeSchedulerConfiguration file, or NULL for the default profile */
  const char *const *plugins;/* shared objects with user plugins, NULL-terminated or NULL */
  const char *builtin_profile; /* without config: "default" or "legacy-v1.7" */
  gboolean score_all;        /* score nodes that failed a filter too */
  KsExplainFormat format;
  guint64 seed;              /* tie-break stream */
} KsExplainOptions;

/* Errors: bad input (files, manifests, no or several pods to place). */
gboolean ks_explain(const KsExplainOptions *opts, FILE *out, GError **error);
