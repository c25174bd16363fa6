/* The writer of the native ksim trace format (docs/trace-format.md).
 *
 * Writes to PATH.partial and renames on close, so an interrupted conversion
 * never leaves a file that looks complete. gzip when asked (or when the path
 * ends in .gz). Events must come in non-decreasing time order.
 */
#pragma once
#include <glib.h>

#include "traces/trace_event.h"

typedef struct KsTraceWriter KsTraceWriter;

/* gzip: compress (TRUE also when path ends in ".gz"). transfer full */
KsTraceWriter *ks_trace_writer_open(const char *path, gboolean gzip, GError **error);
gboolean ks_trace_writer_write(KsTraceWriter *w, const KsTraceEvent *ev, GError **error);
/* Flushes, renames PATH.partial to PATH and frees w (also on error). */
gboolean ks_trace_writer_close(KsTraceWriter *w, GError **error);
/* Removes PATH.partial and frees w. */
void ks_trace_writer_abort(KsTraceWriter *w);
