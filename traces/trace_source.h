/* Trace sources: a pull iterator of KsTraceEvent, one per trace format.
 *
 * The native ksim format (trace_reader.c) and every importer of a public
 * trace (openb.c, alibaba_v2018.c, ...) implement the same small vtable, so
 * `ksim trace convert` is source -> writer and `ksim run --trace` is
 * source -> replay. Sources stream: memory does not grow with the file.
 *
 * ks_trace_source_next enforces the contract for every format in one place:
 * times never go backwards. A row that cannot be used (missing columns, a bad
 * number, a time before the previous one) is an error naming file:line and
 * the column, or, with KS_TRACE_BAD_ROWS_SKIP, is counted and skipped (the
 * first few are still reported on stderr).
 */
#pragma once
#include <glib.h>

#include "traces/trace_event.h"

#define KS_TRACE_ERROR (ks_trace_error_quark())
GQuark ks_trace_error_quark(void);
typedef enum {
  KS_TRACE_ERROR_IO,        /* cannot open / read / write */
  KS_TRACE_ERROR_FORMAT,    /* a malformed line or row */
  KS_TRACE_ERROR_ORDER,     /* time went backwards */
  KS_TRACE_ERROR_OPTION,    /* a bad importer parameter */
  KS_TRACE_ERROR_UNKNOWN_FORMAT,
} KsTraceError;

typedef enum {
  KS_TRACE_BAD_ROWS_FAIL = 0, /* stop at the first bad row with file:line: column: reason */
  KS_TRACE_BAD_ROWS_SKIP,     /* count it, report the first few on stderr, go on */
} KsTraceBadRows;

typedef struct {
  KsTraceBadRows bad_rows;
  /* Importer parameters, "key=value", NULL-terminated or NULL. Each format
   * documents its keys (docs/traces.md); an unknown key is an error. */
  const char *const *params;
} KsTraceOpenOptions;

typedef struct KsTraceSource KsTraceSource;

typedef struct {
  /* Fills ev (already initialised and empty). Returns FALSE at the end
   * (error unset) or on error. */
  gboolean (*next)(KsTraceSource *src, KsTraceEvent *ev, GError **error);
  void (*free)(KsTraceSource *src);
} KsTraceSourceVTable;

/* Every source embeds this as its first member. */
struct KsTraceSource {
  const KsTraceSourceVTable *vt;
  KsTraceBadRows bad_rows;
  guint64 skipped;        /* rows skipped so far (SKIP mode) */
  guint64 events;         /* events returned so far */
  gint64 last_time_us;    /* time of the last event returned (G_MININT64 before the first) */
  char *path;             /* what was opened, for messages; owned by the base */
};

/* Initialise the embedded base (importers call it from their open function). */
void ks_trace_source_init(KsTraceSource *src, const KsTraceSourceVTable *vt,
                          const KsTraceOpenOptions *opts, const char *path);
/* Reports a bad row: in FAIL mode sets error and returns FALSE; in SKIP mode
 * counts it, prints the first 10 messages on stderr and returns TRUE.
 * `message` is the full text, "path:line: column: reason". */
gboolean ks_trace_source_bad_row(KsTraceSource *src, GError **error, const char *message);

/* The next event in time order. ev must be initialised; it is cleared
 * first. Returns FALSE at the end (error unset) or on error. */
gboolean ks_trace_source_next(KsTraceSource *src, KsTraceEvent *ev, GError **error);
/* Frees the base's path, then calls vt->free (which frees the struct). */
void ks_trace_source_free(KsTraceSource *src);

typedef struct {
  const char *name;    /* "ksim", "openb", "alibaba-v2018", "alibaba-v2017", "google-2011", "google-2019" */
  const char *summary; /* one line for --help */
  /* path: a file or a directory, as the format documents. transfer full */
  KsTraceSource *(*open)(const char *path, const KsTraceOpenOptions *opts, GError **error);
  /* Writes a small synthetic sample of this format at path (a file or a
   * directory, as open expects), with the statistics of the real data set
   * and about `pods` pods/tasks, from `seed` (same seed, same bytes). */
  gboolean (*synth)(const char *path, guint64 seed, guint64 pods, GError **error);
} KsTraceFormat;

/* All formats, NULL-terminated, in a fixed order. */
const KsTraceFormat *const *ks_trace_formats(void);
const KsTraceFormat *ks_trace_format_lookup(const char *name);
/* Opens path with the named format ("ksim" when format is NULL). transfer full */
KsTraceSource *ks_trace_open(const char *format, const char *path, const KsTraceOpenOptions *opts,
                             GError **error);

/* Looks up "key=value" among params; NULL when absent. */
const char *ks_trace_param(const KsTraceOpenOptions *opts, const char *key);
/* Fails with KS_TRACE_ERROR_OPTION naming the first param whose key is not
 * in known (NULL-terminated), or that lacks '='. */
gboolean ks_trace_params_check(const KsTraceOpenOptions *opts, const char *format,
                               const char *const *known, GError **error);
