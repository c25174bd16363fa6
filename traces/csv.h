/* CSV rows over a KsLineReader (RFC 4180 quoting; gzip transparent).
 *
 * The importers of public traces read their tables through this, so every
 * bad value is reported the same way: "path:line: column <name>: <reason>".
 * Tables without a header (Google's, Alibaba's v2018) get their column names
 * from the importer (ks_csv_set_columns) so messages still name the field.
 */
#pragma once
#include <glib.h>

typedef struct KsCsvReader KsCsvReader;

/* With header TRUE the first line names the columns. transfer full */
KsCsvReader *ks_csv_open(const char *path, gboolean header, GError **error);
/* Names the columns of a headerless table (NULL-terminated; copied). */
void ks_csv_set_columns(KsCsvReader *r, const char *const *names);
/* Index of a column by name, -1 when the table has none. */
gint ks_csv_column(const KsCsvReader *r, const char *name);

/* Advances to the next row (blank lines are skipped). FALSE at the end
 * (error unset) or on error (I/O, an unterminated quote). */
gboolean ks_csv_next(KsCsvReader *r, GError **error);
guint ks_csv_n_fields(const KsCsvReader *r);
/* Field i of the current row, unquoted; "" when the row is shorter. */
const char *ks_csv_field(const KsCsvReader *r, guint i);
/* Typed fields. Empty or malformed values fail with
 * "path:line: column <name>: "<text>" is not an integer" (KS_TRACE_ERROR_FORMAT). */
gboolean ks_csv_int64(const KsCsvReader *r, guint i, gint64 *out, GError **error);
gboolean ks_csv_double(const KsCsvReader *r, guint i, double *out, GError **error);
/* Formats "path:line: column <name>: " + message, for importers' own checks. transfer full */
char *ks_csv_error_prefix(const KsCsvReader *r, guint i);

guint64 ks_csv_line(const KsCsvReader *r);
const char *ks_csv_path(const KsCsvReader *r);
guint64 ks_csv_offset(const KsCsvReader *r);
void ks_csv_free(KsCsvReader *r);
