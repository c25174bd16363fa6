/* See trace_source.h: the contract every trace format shares (time order,
 * the bad-row policy, importer parameters) is enforced here once, so the
 * importers only turn rows into events. */
#include "traces/trace_source.h"

#include <stdio.h>
#include <string.h>

/* How many skipped rows are still reported on stderr in SKIP mode. */
#define KS_TRACE_SKIP_REPORTS 10

G_DEFINE_QUARK(ks-trace-error-quark, ks_trace_error)

void ks_trace_source_init(KsTraceSource *src, const KsTraceSourceVTable *vt,
                          const KsTraceOpenOptions *opts, const char *path) {
  src->vt = vt;
  src->path = g_strdup(path);
  src->bad_rows = opts ? opts->bad_rows : KS_TRACE_BAD_ROWS_FAIL;
  src->skipped = 0;
  src->events = 0;
  src->last_time_us = G_MININT64;
}

gboolean ks_trace_source_bad_row(KsTraceSource *src, GError **error, const char *message) {
  if (src->bad_rows == KS_TRACE_BAD_ROWS_FAIL) {
    g_set_error_literal(error, KS_TRACE_ERROR, KS_TRACE_ERROR_FORMAT, message);
    return FALSE;
  }
  src->skipped++;
  if (src->skipped <= KS_TRACE_SKIP_REPORTS)
    fprintf(stderr, "ksim: skipped: %s\n", message);
  if (src->skipped == KS_TRACE_SKIP_REPORTS)
    fprintf(stderr, "ksim: (further skipped rows are only counted)\n");
  return TRUE;
}

gboolean ks_trace_source_next(KsTraceSource *src, KsTraceEvent *ev, GError **error) {
  for (;;) {
    ks_trace_event_clear(ev);
    if (!src->vt->next(src, ev, error))
      return FALSE;
    if (ev->time_us >= src->last_time_us)
      break;
    /* An importer that cannot order its rows reports them here, the same way
     * for every format. */
    char *msg = g_strdup_printf("%s:%" G_GUINT64_FORMAT ": %s at %.6f s is before the previous "
                                "event (%.6f s): the trace must be sorted by time",
                                src->path ? src->path : "trace", ev->line, ks_trace_event_type_to_string(ev->type),
                                ev->time_us / 1e6, src->last_time_us / 1e6);
    gboolean go_on = ks_trace_source_bad_row(src, error, msg);
    g_free(msg);
    if (!go_on) {
      if (error && *error)
        (*error)->code = KS_TRACE_ERROR_ORDER;
      ks_trace_event_clear(ev);
      return FALSE;
    }
  }
  src->last_time_us = ev->time_us;
  src->events++;
  return TRUE;
}

void ks_trace_source_free(KsTraceSource *src) {
  if (!src)
    return;
  g_clear_pointer(&src->path, g_free);
  src->vt->free(src);
}

const KsTraceFormat *ks_trace_format_lookup(const char *name) {
  for (const KsTraceFormat *const *f = ks_trace_formats(); *f; f++) {
    if (strcmp((*f)->name, name) == 0)
      return *f;
  }
  return NULL;
}

KsTraceSource *ks_trace_open(const char *format, const char *path, const KsTraceOpenOptions *opts,
                             GError **error) {
  const char *name = format ? format : "ksim";
  const KsTraceFormat *f = ks_trace_format_lookup(name);
  if (!f) {
    GString *known = g_string_new(NULL);
    for (const KsTraceFormat *const *k = ks_trace_formats(); *k; k++)
      g_string_append_printf(known, "%s%s", known->len ? ", " : "", (*k)->name);
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_UNKNOWN_FORMAT,
                "unknown trace format \"%s\" (known: %s)", name, known->str);
    g_string_free(known, TRUE);
    return NULL;
  }
  return f->open(path, opts, error);
}

const char *ks_trace_param(const KsTraceOpenOptions *opts, const char *key) {
  if (!opts || !opts->params)
    return NULL;
  gsize n = strlen(key);
  for (const char *const *p = opts->params; *p; p++) {
    if (strncmp(*p, key, n) == 0 && (*p)[n] == '=')
      return *p + n + 1;
  }
  return NULL;
}

gboolean ks_trace_params_check(const KsTraceOpenOptions *opts, const char *format,
                               const char *const *known, GError **error) {
  if (!opts || !opts->params)
    return TRUE;
  for (const char *const *p = opts->params; *p; p++) {
    const char *eq = strchr(*p, '=');
    if (!eq || eq == *p) {
      g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_OPTION,
                  "trace parameter \"%s\": expected key=value", *p);
      return FALSE;
    }
    gboolean ok = FALSE;
    for (const char *const *k = known; *k && !ok; k++)
      ok = strlen(*k) == (gsize)(eq - *p) && strncmp(*k, *p, eq - *p) == 0;
    if (!ok) {
      GString *list = g_string_new(NULL);
      for (const char *const *k = known; *k; k++)
        g_string_append_printf(list, "%s%s", list->len ? ", " : "", *k);
      g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_OPTION,
                  "trace format %s has no parameter \"%.*s\" (known: %s)", format,
                  (int)(eq - *p), *p, list->len ? list->str : "none");
      g_string_free(list, TRUE);
      return FALSE;
    }
  }
  return TRUE;
}
