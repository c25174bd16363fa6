/* The node an importer makes of a trace's machine row. Private to traces/.
 *
 * Every importer of a public trace (Google, Alibaba) describes a machine by
 * its name, CPU and memory, and gives it a pods capacity from a parameter;
 * the node is the same for all of them, so it is built in one place. */
#ifndef KSIM_TRACES_TRACE_NODE_H
#define KSIM_TRACES_TRACE_NODE_H

#include <glib.h>

#include "sched/objects.h"

/* A node labelled kubernetes.io/hostname=name, whose capacity and
 * allocatable are milli_cpu, memory (bytes) and max_pods. transfer full */
KsNode *ks_trace_node_new(const char *name, gint64 milli_cpu, gint64 memory, gint64 max_pods);

#endif
