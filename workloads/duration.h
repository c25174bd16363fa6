/* Durations as Kubernetes and Go write them: "300ms", "1.5s", "2h45m", "10us".
 * Units: ns, us (or µs), ms, s, m, h; a bare "0" is zero. Results are int64
 * microseconds (the sim clock's unit); nanoseconds round up to the next
 * microsecond so a positive duration never becomes zero. */
#pragma once
#include <glib.h>

#define KS_DURATION_ERROR (ks_duration_error_quark())
GQuark ks_duration_error_quark(void);
typedef enum { KS_DURATION_ERROR_SYNTAX, KS_DURATION_ERROR_RANGE } KsDurationError;

/* Error messages are the bare reason ("\"5x\" is not a duration"). */
gboolean ks_duration_parse(const char *s, gint64 *out_us, GError **error);
/* "1h2m3.5s" style, the shortest exact form. transfer full */
char *ks_duration_format(gint64 us);
