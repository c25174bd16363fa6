/* Resource quantities as upstream apimachinery parses them.
 *
 * A quantity string ("100m", "1.5", "2Gi", "1e3", "500M") is parsed exactly
 * (no floating point) and reduced to the two integers the scheduler uses:
 * Value() (ceil of the number) and MilliValue() (ceil of the number x 1000).
 * CPU is kept in millicores, everything else in plain units (bytes, counts).
 */
#pragma once
#include <glib.h>

#define KS_QUANTITY_ERROR (ks_quantity_error_quark())
GQuark ks_quantity_error_quark(void);

typedef enum {
  KS_QUANTITY_ERROR_SYNTAX,   /* not a quantity at all */
  KS_QUANTITY_ERROR_RANGE,    /* does not fit in int64 after scaling */
} KsQuantityError;

/* Parses s. On success stores ceil(q) in *value and ceil(q*1000) in *milli
 * (either may be NULL). Error messages are the bare reason, e.g.
 * "\"12x\" is not a quantity"; callers prefix the file and field path. */
gboolean ks_quantity_parse(const char *s, gint64 *value, gint64 *milli, GError **error);

/* Parses s as the quantity of resource `resource`: millicores for "cpu",
 * Value() for every other resource. */
gboolean ks_quantity_parse_for_resource(const char *resource, const char *s, gint64 *out,
                                        GError **error);

/* Canonical printing, as upstream's String(): "1500m", "2", "1536Mi".
 * transfer full */
char *ks_quantity_format_milli(gint64 milli);
/* transfer full; binary suffix when the value is a multiple of 1024 */
char *ks_quantity_format_value(gint64 value, gboolean binary);
