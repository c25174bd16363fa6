/* One event of a trace: what happened to the cluster at one instant.
 *
 * Every trace source (the native reader, each importer of a public trace)
 * yields these in non-decreasing time order; the replay (sim/trace_feed.c),
 * `ksim trace inspect` and the writer consume them. An event owns what it
 * points to; ks_trace_event_clear releases it and leaves the event reusable.
 */
#pragma once
#include <glib.h>

#include "sched/objects.h"
#include "workloads/manifest.h"

typedef enum {
  KS_TRACE_NODE_ADD = 0, /* node: the full Node */
  KS_TRACE_NODE_UPDATE,  /* node: the Node as it is from now on (labels, capacity, taints, ...) */
  KS_TRACE_NODE_REMOVE,  /* name: the node left the cluster (its pods are lost) */
  KS_TRACE_POD_CREATE,   /* pod: the full Pod; its run time as ksim.io/run-time when known */
  KS_TRACE_POD_DELETE,   /* namespace/name: deleted by its owner or a user at this time */
  KS_TRACE_POD_FINISH,   /* namespace/name: its containers exited (phase, ran_us) */
  KS_TRACE_USAGE,        /* namespace/name of a pod, or name of a node (namespace NULL) */
  KS_TRACE_OBJECT,       /* object: any other Kubernetes object (PriorityClass, Namespace, ...) */
} KsTraceEventType;

#define KS_TRACE_EVENT_TYPE_COUNT (KS_TRACE_OBJECT + 1)

typedef struct {
  KsTraceEventType type;
  gint64 time_us;            /* trace time, microseconds from the trace's origin */
  guint64 line;              /* source line it came from (for messages); 0 when unknown */
  KsNode *node;              /* NODE_ADD, NODE_UPDATE; owned */
  KsPod *pod;                /* POD_CREATE; owned */
  KsManifestObject *object;  /* OBJECT; owned */
  char *namespace;           /* POD_DELETE, POD_FINISH, USAGE of a pod; owned */
  char *name;                /* NODE_REMOVE, POD_DELETE, POD_FINISH, USAGE; owned */
  KsPodPhase phase;          /* POD_FINISH: KS_POD_SUCCEEDED or KS_POD_FAILED */
  gint64 ran_us;             /* POD_FINISH: how long it ran in the trace; -1 when unknown */
  KsResourceList usage;      /* USAGE: cpu (millicores), memory (bytes), ... */
} KsTraceEvent;

void ks_trace_event_init(KsTraceEvent *ev);
/* Frees what ev owns and re-initialises it. */
void ks_trace_event_clear(KsTraceEvent *ev);
/* "node-add", "pod-create", ... (the native format's keywords). */
const char *ks_trace_event_type_to_string(KsTraceEventType t);
gboolean ks_trace_event_type_from_string(const char *s, KsTraceEventType *out);
