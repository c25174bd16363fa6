/* See csv.h.
 *
 * Design: the line reader hands out each line in its own buffer, which we
 * may modify, so a row is split in place: separators become NULs, quoted
 * fields are unquoted by moving bytes left over the quotes ("" -> "), and
 * `fields` points into the line. The steady state allocates nothing; the
 * field array only grows to the widest row seen.
 *
 * RFC 4180: fields are separated by ',', a field that starts with '"' runs
 * to the matching '"' with "" standing for one quote, and may hold commas
 * and line breaks. A row that ends inside a quoted field
 * continues on the next line: only then the lines are copied into `row`
 * (joined with "\n"), so the common unquoted case never copies. Text after
 * a closing quote ("ab"c) is an error rather than a guess, as is the end of
 * the file inside a quoted field. A quote inside an unquoted field (ab"c)
 * is kept as text, as most writers and readers do.
 *
 * Messages name the row's first line, and the column by its header name or
 * the importer's name (ks_csv_set_columns), else by its 1-based position
 * ("#3"), always "path:line: column <name>: reason".
 */
#include "traces/csv.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "traces/line_reader.h"
#include "traces/trace_source.h"

struct KsCsvReader {
  KsLineReader *lines;
  GPtrArray *names;     /* column names (owned strings) */
  const char **fields;  /* current row's fields, pointing into the line or `row` */
  guint n_fields, cap_fields;
  GString *row;         /* a row spanning several lines, joined */
  guint64 line;         /* first line of the current row */
  gboolean broken;      /* the line reader failed: nothing more can be read */
};

static void set_names(KsCsvReader *r, const char *const *names, guint n) {
  g_ptr_array_set_size(r->names, 0);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add(r->names, g_strdup(names[i]));
}

/* Name of column i for messages: its name, else "#<i+1>". Writes into buf
 * when it has to make one. */
static const char *column_name(const KsCsvReader *r, guint i, char *buf, gsize size) {
  if (i < r->names->len && ((const char *)r->names->pdata[i])[0])
    return r->names->pdata[i];
  g_snprintf(buf, size, "#%u", i + 1);
  return buf;
}

char *ks_csv_error_prefix(const KsCsvReader *r, guint i) {
  char buf[16];
  return g_strdup_printf("%s:%" G_GUINT64_FORMAT ": column %s: ", ks_csv_path(r), r->line,
                         column_name(r, i, buf, sizeof buf));
}

static void set_field_error(const KsCsvReader *r, guint i, GError **error, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);
static void set_field_error(const KsCsvReader *r, guint i, GError **error, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *reason = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  char *prefix = ks_csv_error_prefix(r, i);
  g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_FORMAT, "%s%s", prefix, reason);
  g_free(prefix);
  g_free(reason);
}

static void add_field(KsCsvReader *r, const char *f) {
  if (r->n_fields == r->cap_fields) {
    r->cap_fields = r->cap_fields ? 2 * r->cap_fields : 16;
    r->fields = g_renew(const char *, r->fields, r->cap_fields);
  }
  r->fields[r->n_fields++] = f;
}

/* Splits s (NUL-terminated, modified) into fields. FALSE with an error on
 * text after a closing quote or an unterminated quote. */
static gboolean split(KsCsvReader *r, char *s, GError **error) {
  r->n_fields = 0;
  for (;;) {
    if (*s != '"') {
      add_field(r, s);
      char *comma = strchr(s, ',');
      if (!comma)
        return TRUE;
      *comma = '\0';
      s = comma + 1;
      continue;
    }
    char *out = s, *in = s + 1;
    add_field(r, out);
    for (;;) {
      if (*in == '\0') {
        set_field_error(r, r->n_fields - 1, error, "unterminated quoted field");
        return FALSE;
      }
      if (*in == '"') {
        if (in[1] != '"')
          break;
        in++;
      }
      *out++ = *in++;
    }
    in++; /* the closing quote */
    *out = '\0';
    if (*in == '\0')
      return TRUE;
    if (*in != ',') {
      set_field_error(r, r->n_fields - 1, error, "text after the closing quote of a quoted field");
      return FALSE;
    }
    s = in + 1;
  }
}

/* Does a row still sit inside a quoted field at the end of s, given
 * whether it was inside one at the start? Only a quote at the start of a
 * field opens one, so a stray quote in unquoted text does not swallow the
 * next lines. */
static gboolean ends_quoted(const char *s, gsize len, gboolean quoted) {
  if (!memchr(s, '"', len))
    return quoted;
  gboolean at_start = !quoted;
  for (gsize k = 0; k < len; k++) {
    char c = s[k];
    if (quoted) {
      if (c == '"') {
        if (k + 1 < len && s[k + 1] == '"')
          k++;
        else
          quoted = FALSE;
      }
    } else if (c == ',') {
      at_start = TRUE;
    } else {
      quoted = c == '"' && at_start;
      at_start = FALSE;
    }
  }
  return quoted;
}

/* The next non-blank row's text in *out (the line itself, or `row` when a
 * quoted field spans lines). FALSE at the end or on error. */
static gboolean read_row(KsCsvReader *r, char **out, GError **error) {
  gsize len = 0;
  char *line;
  GError *local = NULL;
  do {
    line = ks_line_reader_next(r->lines, &len, &local);
    if (!line) {
      if (local) {
        r->broken = TRUE;
        g_propagate_error(error, local);
      }
      return FALSE;
    }
  } while (len == 0);
  r->line = ks_line_reader_line(r->lines);
  if (!ends_quoted(line, len, FALSE)) {
    *out = line;
    return TRUE;
  }
  g_string_assign(r->row, line);
  gboolean quoted = TRUE;
  while (quoted) {
    line = ks_line_reader_next(r->lines, &len, &local);
    if (!line) {
      if (local) {
        r->broken = TRUE;
        g_propagate_error(error, local);
        return FALSE;
      }
      break; /* end of file inside quotes: split reports it */
    }
    if (r->row->len + len + 1 > KS_LINE_READER_MAX_LINE) {
      r->broken = TRUE;
      g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_FORMAT,
                  "%s:%" G_GUINT64_FORMAT ": quoted field longer than %u MiB", ks_csv_path(r),
                  r->line, KS_LINE_READER_MAX_LINE >> 20);
      return FALSE;
    }
    g_string_append_c(r->row, '\n');
    g_string_append_len(r->row, line, (gssize)len);
    quoted = ends_quoted(line, len, TRUE);
  }
  *out = r->row->str;
  return TRUE;
}

KsCsvReader *ks_csv_open(const char *path, gboolean header, GError **error) {
  KsLineReader *lines = ks_line_reader_open(path, error);
  if (!lines)
    return NULL;
  KsCsvReader *r = g_new0(KsCsvReader, 1);
  r->lines = lines;
  r->names = g_ptr_array_new_with_free_func(g_free);
  r->row = g_string_new(NULL);
  if (!header)
    return r;
  GError *local = NULL;
  if (!ks_csv_next(r, &local)) {
    if (!local)
      g_set_error(&local, KS_TRACE_ERROR, KS_TRACE_ERROR_FORMAT,
                  "%s:1: empty file: expected a header line", path);
    g_propagate_error(error, local);
    ks_csv_free(r);
    return NULL;
  }
  /* A UTF-8 byte order mark (spreadsheet exports) is not part of the name. */
  if (r->n_fields > 0 && g_str_has_prefix(r->fields[0], "\xEF\xBB\xBF"))
    r->fields[0] += 3;
  set_names(r, r->fields, r->n_fields);
  return r;
}

void ks_csv_set_columns(KsCsvReader *r, const char *const *names) {
  set_names(r, names, names ? g_strv_length((char **)names) : 0);
}

gint ks_csv_column(const KsCsvReader *r, const char *name) {
  for (guint i = 0; i < r->names->len; i++) {
    if (strcmp(r->names->pdata[i], name) == 0)
      return (gint)i;
  }
  return -1;
}

gboolean ks_csv_next(KsCsvReader *r, GError **error) {
  char *text = NULL;
  /* A row error (quotes) leaves the reader after the row, so an importer in
   * skip mode can go on; a line reader error (I/O, a line over the limit)
   * does not, and must not be retried forever. */
  if (r->broken) {
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_IO, "%s: cannot read on after an earlier error",
                ks_csv_path(r));
    return FALSE;
  }
  if (!read_row(r, &text, error))
    return FALSE;
  return split(r, text, error);
}

guint ks_csv_n_fields(const KsCsvReader *r) {
  return r->n_fields;
}

const char *ks_csv_field(const KsCsvReader *r, guint i) {
  return i < r->n_fields ? r->fields[i] : "";
}

/* Shared check of typed fields: present and not empty. */
static gboolean field_present(const KsCsvReader *r, guint i, const char *what, GError **error) {
  if (i >= r->n_fields) {
    set_field_error(r, i, error, "missing: the row has only %u field%s, expected %s", r->n_fields,
                    r->n_fields == 1 ? "" : "s", what);
    return FALSE;
  }
  return TRUE;
}

gboolean ks_csv_int64(const KsCsvReader *r, guint i, gint64 *out, GError **error) {
  if (!field_present(r, i, "an integer", error))
    return FALSE;
  const char *s = r->fields[i];
  char *end = NULL;
  errno = 0;
  gint64 v = g_ascii_strtoll(s, &end, 10);
  if (s[0] == '\0' || g_ascii_isspace(s[0]) || *end != '\0') {
    set_field_error(r, i, error, "\"%s\" is not an integer", s);
    return FALSE;
  }
  if (errno == ERANGE) {
    set_field_error(r, i, error, "\"%s\" is out of range (64-bit integer)", s);
    return FALSE;
  }
  *out = v;
  return TRUE;
}

gboolean ks_csv_double(const KsCsvReader *r, guint i, double *out, GError **error) {
  if (!field_present(r, i, "a number", error))
    return FALSE;
  const char *s = r->fields[i];
  char *end = NULL;
  errno = 0;
  double v = g_ascii_strtod(s, &end);
  if (s[0] == '\0' || g_ascii_isspace(s[0]) || *end != '\0' || !isfinite(v)) {
    set_field_error(r, i, error, "\"%s\" is not a number", s);
    return FALSE;
  }
  if (errno == ERANGE && fabs(v) > 1.0) {
    set_field_error(r, i, error, "\"%s\" is out of range", s);
    return FALSE;
  }
  *out = v;
  return TRUE;
}

guint64 ks_csv_line(const KsCsvReader *r) {
  return r->line;
}

const char *ks_csv_path(const KsCsvReader *r) {
  return ks_line_reader_path(r->lines);
}

guint64 ks_csv_offset(const KsCsvReader *r) {
  return ks_line_reader_offset(r->lines);
}

void ks_csv_free(KsCsvReader *r) {
  if (!r)
    return;
  ks_line_reader_free(r->lines);
  g_ptr_array_unref(r->names);
  g_free(r->fields);
  g_string_free(r->row, TRUE);
  g_free(r);
}
