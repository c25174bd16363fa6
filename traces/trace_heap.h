/* A binary min-heap of pointers in a GPtrArray, ordered by the caller's
 * less function: the reorder buffer of importers whose rows are nearly, but
 * not quite, in time order (alibaba_table.c, openb.c). Private to traces/.
 *
 * The heap owns nothing: items stay the caller's, and an array that is freed
 * with items still in it must have them freed by the caller. With keys that
 * never tie (time, then a row sequence number) the pop order is fully
 * determined, whatever the heap's internal layout. */
#ifndef KSIM_TRACES_TRACE_HEAP_H
#define KSIM_TRACES_TRACE_HEAP_H

#include <glib.h>

/* TRUE when item a must come out before item b. */
typedef gboolean (*KsTraceHeapLess)(gconstpointer a, gconstpointer b);

/* Moves h[i] up to its place (after it was appended with g_ptr_array_add). */
void ks_trace_heap_sift_up(GPtrArray *h, guint i, KsTraceHeapLess less);

/* Adds item to the heap. */
void ks_trace_heap_push(GPtrArray *h, gpointer item, KsTraceHeapLess less);

/* Takes the least item out of the heap; NULL when empty. transfer full (the item) */
gpointer ks_trace_heap_pop(GPtrArray *h, KsTraceHeapLess less);

#endif
