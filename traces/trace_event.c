/* See trace_event.h. */
#include "traces/trace_event.h"

#include <string.h>

/* The native format's keywords, indexed by KsTraceEventType. */
static const char *const type_names[KS_TRACE_EVENT_TYPE_COUNT] = {
    [KS_TRACE_NODE_ADD] = "node-add",     [KS_TRACE_NODE_UPDATE] = "node-update",
    [KS_TRACE_NODE_REMOVE] = "node-remove", [KS_TRACE_POD_CREATE] = "pod-create",
    [KS_TRACE_POD_DELETE] = "pod-delete", [KS_TRACE_POD_FINISH] = "pod-finish",
    [KS_TRACE_USAGE] = "usage",           [KS_TRACE_OBJECT] = "object",
};

void ks_trace_event_init(KsTraceEvent *ev) {
  memset(ev, 0, sizeof *ev);
  ev->ran_us = -1;
  ks_resource_list_init(&ev->usage);
}

void ks_trace_event_clear(KsTraceEvent *ev) {
  if (ev->node)
    ks_node_unref(ev->node);
  if (ev->pod)
    ks_pod_unref(ev->pod);
  if (ev->object)
    ks_manifest_object_free(ev->object);
  g_free(ev->namespace);
  g_free(ev->name);
  ks_resource_list_clear(&ev->usage);
  ks_trace_event_init(ev);
}

const char *ks_trace_event_type_to_string(KsTraceEventType t) {
  return (guint)t < KS_TRACE_EVENT_TYPE_COUNT ? type_names[t] : "unknown";
}

gboolean ks_trace_event_type_from_string(const char *s, KsTraceEventType *out) {
  for (guint i = 0; i < KS_TRACE_EVENT_TYPE_COUNT; i++) {
    if (strcmp(s, type_names[i]) == 0) {
      *out = (KsTraceEventType)i;
      return TRUE;
    }
  }
  return FALSE;
}
