/* One-line JSON manifests of Pods, Nodes and other objects, as the native
 * trace carries the objects its compact tokens cannot say. The output is
 * read back by workloads/manifest.h (JSON is YAML flow syntax). */
#pragma once
#include <glib.h>

#include "sched/objects.h"
#include "workloads/manifest.h"

/* Append one line (no newline) to o. */
void ks_trace_json_pod(GString *o, const KsPod *p);
void ks_trace_json_node(GString *o, const KsNode *n);
/* FALSE (nothing appended) for a kind it cannot encode. A
 * PodDisruptionBudget is written without its status. */
gboolean ks_trace_json_object(GString *o, const KsManifestObject *obj);
