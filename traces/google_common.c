/* See google_common.h.
 *
 * Tables: a part file is CSV unless its name ends in .json or .json.gz. A CSV
 * part whose first field is not a number starts with a header, and columns
 * are then found by name (so BigQuery exports with a header and hand-made
 * files with the documented order both read); otherwise columns are
 * positional. JSON lines are decoded by a small, bounded, non-allocating (in
 * the steady state) extractor: it walks one flat object per line, descends
 * into nested objects (resource_request.cpus), skips arrays, and copies only
 * the scalars whose key path is one of the table's columns into one reused
 * arena. BigQuery writes INT64 as JSON strings, so a field's text is the
 * same whether it was quoted or not, and the typed getters parse it.
 */
#include "traces/google_common.h"

#include <errno.h>
#include <gio/gio.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "sched/quantity.h"
#include "traces/csv.h"
#include "traces/line_reader.h"
#include "traces/trace_node.h"
#include "workloads/annotations.h"

/* JSON nesting the extractor follows (objects and arrays); deeper is a bad row. */
#define KS_GOOGLE_JSON_MAX_DEPTH 16
/* Key paths longer than this never name a column and are only skipped. */
#define KS_GOOGLE_JSON_MAX_PATH 128
/* Characters of a bad value quoted in messages. */
#define KS_GOOGLE_QUOTE_MAX 64

/* ---- part files ---------------------------------------------------------- */

static gboolean is_table_file(const char *name) {
  if (name[0] == '.')
    return FALSE;
  return g_str_has_suffix(name, ".csv") || g_str_has_suffix(name, ".csv.gz") ||
         g_str_has_suffix(name, ".json") || g_str_has_suffix(name, ".json.gz");
}

static gint cmp_str(gconstpointer a, gconstpointer b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static gboolean list_dir(GPtrArray *out, const char *dir, const char *prefix, GError **error) {
  GError *err = NULL;
  GDir *d = g_dir_open(dir, 0, &err);
  if (!d) {
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_IO, "%s: %s", dir, err->message);
    g_error_free(err);
    return FALSE;
  }
  for (const char *name; (name = g_dir_read_name(d));) {
    if (!is_table_file(name) || (prefix && !g_str_has_prefix(name, prefix)))
      continue;
    char *full = g_build_filename(dir, name, NULL);
    if (g_file_test(full, G_FILE_TEST_IS_REGULAR))
      g_ptr_array_add(out, full);
    else
      g_free(full);
  }
  g_dir_close(d);
  g_ptr_array_sort(out, cmp_str);
  return TRUE;
}

GPtrArray *ks_google_find_parts(const char *dir, const char *table, GError **error) {
  GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
  char *sub = g_build_filename(dir, table, NULL);
  gboolean ok = g_file_test(sub, G_FILE_TEST_IS_DIR) ? list_dir(out, sub, NULL, error)
                                                     : list_dir(out, dir, table, error);
  g_free(sub);
  if (!ok) {
    g_ptr_array_free(out, TRUE);
    return NULL;
  }
  return out;
}

/* ---- tables -------------------------------------------------------------- */

struct KsGoogleTable {
  GPtrArray *parts;
  guint next_part;
  const KsGoogleColumn *cols;
  guint n_cols;
  gboolean allow_json;
  /* the current part */
  gboolean json;
  KsCsvReader *csv;
  KsLineReader *lines;
  gint *map;       /* per column: CSV field index or arena offset; -1 = absent */
  GString *arena;  /* JSON: the current row's values, NUL-separated */
  GString *scratch;
  gboolean header_pending; /* CSV: the first row may be a header */
  guint n_fields;          /* CSV: fields a row must have (positional or the header's) */
};

static gboolean part_is_json(const char *path) {
  return g_str_has_suffix(path, ".json") || g_str_has_suffix(path, ".json.gz");
}

static void close_part(KsGoogleTable *t) {
  g_clear_pointer(&t->csv, ks_csv_free);
  g_clear_pointer(&t->lines, ks_line_reader_free);
}

static void map_positional(KsGoogleTable *t) {
  for (guint k = 0; k < t->n_cols; k++)
    t->map[k] = t->cols[k].csv_index;
}

static gboolean open_part(KsGoogleTable *t, const char *path, GError **error) {
  t->json = part_is_json(path);
  if (t->json && !t->allow_json) {
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_FORMAT,
                "%s: this trace format has no JSON form (expected .csv or .csv.gz)", path);
    return FALSE;
  }
  if (t->json) {
    t->lines = ks_line_reader_open(path, error);
    return t->lines != NULL;
  }
  t->csv = ks_csv_open(path, FALSE, error);
  if (!t->csv)
    return FALSE;
  /* Positional names, so messages of the CSV reader itself name columns too. */
  guint n = 0;
  for (guint k = 0; k < t->n_cols; k++)
    n = MAX(n, (guint)(t->cols[k].csv_index + 1));
  const char **names = g_new0(const char *, n + 1);
  for (guint i = 0; i < n; i++)
    names[i] = "";
  for (guint k = 0; k < t->n_cols; k++)
    if (t->cols[k].csv_index >= 0)
      names[t->cols[k].csv_index] = t->cols[k].name;
  ks_csv_set_columns(t->csv, names);
  g_free(names);
  map_positional(t);
  t->n_fields = n;
  t->header_pending = t->allow_json; /* BigQuery exports may carry a header */
  return TRUE;
}

KsGoogleTable *ks_google_table_open(GPtrArray *parts, const KsGoogleColumn *columns,
                                    guint n_columns, gboolean allow_json, GError **error) {
  KsGoogleTable *t = g_new0(KsGoogleTable, 1);
  t->parts = parts;
  t->cols = columns;
  t->n_cols = n_columns;
  t->allow_json = allow_json;
  t->map = g_new(gint, n_columns);
  t->arena = g_string_sized_new(256);
  t->scratch = g_string_sized_new(64);
  for (guint i = 0; i < parts->len; i++) {
    const char *p = g_ptr_array_index(parts, i);
    if (part_is_json(p) && !allow_json) {
      g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_FORMAT,
                  "%s: this trace format has no JSON form (expected .csv or .csv.gz)", p);
      ks_google_table_free(t);
      return NULL;
    }
  }
  return t;
}

gboolean ks_google_table_open_dir(const char *dir, const char *name, const KsGoogleColumn *columns,
                                  guint n_columns, gboolean bigquery, KsGoogleTable **out,
                                  GError **error) {
  *out = NULL;
  GPtrArray *parts = ks_google_find_parts(dir, name, error);
  if (!parts)
    return FALSE;
  if (parts->len == 0) {
    g_ptr_array_free(parts, TRUE);
    return TRUE;
  }
  *out = ks_google_table_open(parts, columns, n_columns, bigquery, error);
  return *out != NULL;
}

void ks_google_table_free(KsGoogleTable *t) {
  if (!t)
    return;
  close_part(t);
  g_ptr_array_free(t->parts, TRUE);
  g_free(t->map);
  g_string_free(t->arena, TRUE);
  g_string_free(t->scratch, TRUE);
  g_free(t);
}

const char *ks_google_table_path(const KsGoogleTable *t) {
  if (t->csv)
    return ks_csv_path(t->csv);
  if (t->lines)
    return ks_line_reader_path(t->lines);
  return t->parts->len ? g_ptr_array_index(t->parts, 0) : "";
}

guint64 ks_google_table_line(const KsGoogleTable *t) {
  if (t->csv)
    return ks_csv_line(t->csv);
  if (t->lines)
    return ks_line_reader_line(t->lines);
  return 0;
}

static gboolean header_matches(const KsGoogleColumn *c, const char *field) {
  if (g_ascii_strcasecmp(c->name, field) == 0)
    return TRUE;
  if (c->json && g_ascii_strcasecmp(c->json, field) == 0)
    return TRUE;
  if (!c->aliases)
    return FALSE;
  char **alts = g_strsplit(c->aliases, "|", -1);
  gboolean hit = FALSE;
  for (char **a = alts; *a && !hit; a++)
    hit = g_ascii_strcasecmp(*a, field) == 0;
  g_strfreev(alts);
  return hit;
}

/* A header row starts with a field that is not a number. */
static gboolean row_is_header(const KsGoogleTable *t) {
  const char *f = ks_csv_field(t->csv, 0);
  return f[0] != '\0' && !g_ascii_isdigit(f[0]) && f[0] != '-' && f[0] != '+';
}

static void map_header(KsGoogleTable *t) {
  guint n = ks_csv_n_fields(t->csv);
  const char **names = g_new0(const char *, n + 1);
  for (guint i = 0; i < n; i++)
    names[i] = ks_csv_field(t->csv, i);
  for (guint k = 0; k < t->n_cols; k++) {
    t->map[k] = -1;
    for (guint i = 0; i < n && t->map[k] < 0; i++)
      if (header_matches(&t->cols[k], names[i]))
        t->map[k] = (gint)i;
  }
  ks_csv_set_columns(t->csv, names);
  g_free(names);
  t->n_fields = n;
}

/* ---- JSON lines ---------------------------------------------------------- */

typedef struct {
  const char *p, *end, *start;
  KsGoogleTable *t;
  GString *path;
  char *err; /* first error (static text) */
} JsonCursor;

static void json_ws(JsonCursor *c) {
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n'))
    c->p++;
}

static gboolean json_fail(JsonCursor *c, const char *what) {
  if (!c->err)
    c->err = g_strdup_printf("%s at byte %ld", what, (long)(c->p - c->start) + 1);
  return FALSE;
}

static int hex_digit(char ch) {
  if (ch >= '0' && ch <= '9')
    return ch - '0';
  ch = g_ascii_tolower(ch);
  return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* A string after its opening quote, unescaped into out (when non-NULL). */
static gboolean json_string(JsonCursor *c, GString *out) {
  while (c->p < c->end) {
    char ch = *c->p++;
    if (ch == '"')
      return TRUE;
    if ((unsigned char)ch < 0x20)
      return json_fail(c, "control character in a string");
    if (ch != '\\') {
      if (out)
        g_string_append_c(out, ch);
      continue;
    }
    if (c->p >= c->end)
      break;
    char e = *c->p++;
    const char *simple = strchr("\"\\/bfnrt", e);
    if (e && simple) {
      static const char repl[] = "\"\\/\b\f\n\r\t";
      if (out)
        g_string_append_c(out, repl[simple - "\"\\/bfnrt"]);
      continue;
    }
    if (e != 'u')
      return json_fail(c, "bad escape in a string");
    gunichar u = 0;
    for (int i = 0; i < 4; i++) {
      int d = c->p < c->end ? hex_digit(*c->p++) : -1;
      if (d < 0)
        return json_fail(c, "bad \\u escape in a string");
      u = u * 16 + (gunichar)d;
    }
    if (u >= 0xD800 && u <= 0xDFFF)
      u = 0xFFFD; /* surrogate halves are not decoded: no column needs them */
    if (out)
      g_string_append_unichar(out, u);
  }
  return json_fail(c, "unterminated string");
}

static gint json_column(const JsonCursor *c) {
  for (guint k = 0; k < c->t->n_cols; k++)
    if (c->t->cols[k].json && strcmp(c->t->cols[k].json, c->path->str) == 0)
      return (gint)k;
  return -1;
}

/* Stores a scalar's text for the column at the current path, if any. */
static void json_store(JsonCursor *c, const char *text, gsize len) {
  gint k = json_column(c);
  if (k < 0)
    return;
  c->t->map[k] = (gint)c->t->arena->len;
  g_string_append_len(c->t->arena, text, (gssize)len);
  g_string_append_c(c->t->arena, '\0');
}

static gboolean json_value(JsonCursor *c, guint depth);

static gboolean json_object(JsonCursor *c, guint depth) {
  gsize base = c->path->len;
  json_ws(c);
  if (c->p < c->end && *c->p == '}') {
    c->p++;
    return TRUE;
  }
  for (;;) {
    json_ws(c);
    if (c->p >= c->end || *c->p != '"')
      return json_fail(c, "expected a key");
    c->p++;
    if (base)
      g_string_append_c(c->path, '.');
    if (!json_string(c, c->path))
      return FALSE;
    json_ws(c);
    if (c->p >= c->end || *c->p != ':')
      return json_fail(c, "expected ':'");
    c->p++;
    if (!json_value(c, depth + 1))
      return FALSE;
    g_string_truncate(c->path, base);
    json_ws(c);
    if (c->p < c->end && *c->p == ',') {
      c->p++;
      continue;
    }
    if (c->p < c->end && *c->p == '}') {
      c->p++;
      return TRUE;
    }
    return json_fail(c, "expected ',' or '}'");
  }
}

static gboolean json_array(JsonCursor *c, guint depth) {
  /* Arrays (constraints) name no column: "[]" in the path matches none, so
   * their items are checked and skipped. */
  gsize base = c->path->len;
  g_string_append(c->path, "[]");
  json_ws(c);
  gboolean ok = TRUE;
  if (c->p < c->end && *c->p == ']')
    c->p++;
  else {
    for (;;) {
      if (!(ok = json_value(c, depth + 1)))
        break;
      g_string_truncate(c->path, base + 2);
      json_ws(c);
      if (c->p < c->end && *c->p == ',') {
        c->p++;
        continue;
      }
      if (c->p < c->end && *c->p == ']')
        c->p++;
      else
        ok = json_fail(c, "expected ',' or ']'");
      break;
    }
  }
  g_string_truncate(c->path, base);
  return ok;
}

static gboolean json_literal(JsonCursor *c, const char *word) {
  gsize n = strlen(word);
  if ((gsize)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
    return json_fail(c, "unexpected character");
  c->p += n;
  return TRUE;
}

static gboolean json_value(JsonCursor *c, guint depth) {
  if (depth > KS_GOOGLE_JSON_MAX_DEPTH)
    return json_fail(c, "nested too deeply");
  json_ws(c);
  if (c->p >= c->end)
    return json_fail(c, "expected a value");
  char ch = *c->p;
  if (ch == '{') {
    c->p++;
    if (c->path->len > KS_GOOGLE_JSON_MAX_PATH)
      g_string_truncate(c->path, KS_GOOGLE_JSON_MAX_PATH); /* matches nothing any more */
    return json_object(c, depth);
  }
  if (ch == '[') {
    c->p++;
    return json_array(c, depth);
  }
  if (ch == '"') {
    c->p++;
    g_string_truncate(c->t->scratch, 0);
    if (!json_string(c, c->t->scratch))
      return FALSE;
    json_store(c, c->t->scratch->str, c->t->scratch->len);
    return TRUE;
  }
  if (ch == 't' || ch == 'f') {
    const char *w = ch == 't' ? "true" : "false";
    if (!json_literal(c, w))
      return FALSE;
    json_store(c, w, strlen(w));
    return TRUE;
  }
  if (ch == 'n')
    return json_literal(c, "null"); /* null: the column stays absent */
  const char *s = c->p;
  while (c->p < c->end && strchr("+-0123456789.eE", *c->p) && *c->p)
    c->p++;
  if (c->p == s)
    return json_fail(c, "unexpected character");
  json_store(c, s, (gsize)(c->p - s));
  return TRUE;
}

static gboolean json_row(KsGoogleTable *t, const char *line, gsize len, char **bad) {
  JsonCursor c = {line, line + len, line, t, g_string_sized_new(32), NULL};
  g_string_truncate(t->arena, 0);
  for (guint k = 0; k < t->n_cols; k++)
    t->map[k] = -1;
  json_ws(&c);
  gboolean ok = c.p < c.end && *c.p == '{';
  if (!ok)
    json_fail(&c, "expected a JSON object");
  else {
    c.p++;
    ok = json_object(&c, 1);
    if (ok) {
      json_ws(&c);
      if (c.p != c.end)
        ok = json_fail(&c, "text after the object");
    }
  }
  g_string_free(c.path, TRUE);
  if (!ok) {
    for (guint k = 0; k < t->n_cols; k++)
      t->map[k] = -1;
    *bad = g_strdup_printf("%s:%" G_GUINT64_FORMAT ": not a JSON object: %s",
                           ks_google_table_path(t), ks_google_table_line(t), c.err);
  }
  g_free(c.err);
  return ok;
}

/* ---- rows ---------------------------------------------------------------- */

/* Next line of the current JSON part; FALSE at its end or on error. */
static gboolean next_json(KsGoogleTable *t, char **bad, GError **error, gboolean *got) {
  for (;;) {
    gsize len = 0;
    char *line = ks_line_reader_next(t->lines, &len, error);
    if (!line)
      return error == NULL || *error == NULL;
    gsize i = 0;
    while (i < len && g_ascii_isspace(line[i]))
      i++;
    if (i == len)
      continue;
    json_row(t, line, len, bad);
    *got = TRUE;
    return TRUE;
  }
}

static gboolean next_csv(KsGoogleTable *t, char **bad, GError **error, gboolean *got) {
  GError *err = NULL;
  for (;;) {
    if (!ks_csv_next(t->csv, &err)) {
      if (err && g_error_matches(err, KS_TRACE_ERROR, KS_TRACE_ERROR_FORMAT)) {
        /* A malformed row (quoting): the reader goes on after it. */
        t->header_pending = FALSE;
        *bad = g_strdup(err->message);
        g_error_free(err);
        *got = TRUE;
        return TRUE;
      }
      if (err) {
        g_propagate_error(error, err);
        return FALSE;
      }
      return TRUE;
    }
    if (t->header_pending) {
      t->header_pending = FALSE;
      if (row_is_header(t)) {
        map_header(t);
        continue;
      }
    }
    *got = TRUE;
    guint n = ks_csv_n_fields(t->csv);
    if (n < t->n_fields)
      *bad = g_strdup_printf("%s:%" G_GUINT64_FORMAT ": %u columns, expected %u",
                             ks_csv_path(t->csv), ks_csv_line(t->csv), n, t->n_fields);
    return TRUE;
  }
}

gboolean ks_google_table_next(KsGoogleTable *t, char **bad, GError **error) {
  *bad = NULL;
  for (;;) {
    if (!t->csv && !t->lines) {
      if (t->next_part >= t->parts->len)
        return FALSE;
      if (!open_part(t, g_ptr_array_index(t->parts, t->next_part++), error))
        return FALSE;
    }
    gboolean got = FALSE;
    GError *err = NULL;
    gboolean ok = t->json ? next_json(t, bad, &err, &got) : next_csv(t, bad, &err, &got);
    if (!ok) {
      g_propagate_error(error, err);
      return FALSE;
    }
    if (got)
      return TRUE;
    close_part(t);
  }
}

const char *ks_google_table_text(const KsGoogleTable *t, guint k) {
  gint i = t->map[k];
  if (i < 0)
    return "";
  if (t->json)
    return t->arena->str + i;
  return t->csv ? ks_csv_field(t->csv, (guint)i) : "";
}

char *ks_google_table_where(const KsGoogleTable *t, guint k) {
  return g_strdup_printf("%s:%" G_GUINT64_FORMAT ": column %s: ", ks_google_table_path(t),
                         ks_google_table_line(t), t->cols[k].name);
}

static char *bad_value(const KsGoogleTable *t, guint k, const char *text, const char *what) {
  char *where = ks_google_table_where(t, k);
  char *msg;
  if (!text[0])
    msg = g_strdup_printf("%smissing value", where);
  else
    msg = g_strdup_printf("%s\"%.*s%s\" is not %s", where, KS_GOOGLE_QUOTE_MAX, text,
                          strlen(text) > KS_GOOGLE_QUOTE_MAX ? "..." : "", what);
  g_free(where);
  return msg;
}

/* Column k's text for a typed read (*present: not empty); NULL when it is
 * empty and optional, so there is nothing to parse. */
static const char *typed_text(const KsGoogleTable *t, guint k, gboolean required,
                              gboolean *present) {
  const char *s = ks_google_table_text(t, k);
  if (present)
    *present = s[0] != '\0';
  return !s[0] && !required ? NULL : s;
}

gboolean ks_google_table_int(const KsGoogleTable *t, guint k, gboolean required, gint64 *out,
                             gboolean *present, char **bad) {
  const char *s = typed_text(t, k, required, present);
  if (!s)
    return TRUE;
  char *end = NULL;
  errno = 0;
  gint64 v = s[0] ? g_ascii_strtoll(s, &end, 10) : 0;
  if (!s[0] || errno != 0 || end == s || *end != '\0' || g_ascii_isspace(s[0])) {
    *bad = bad_value(t, k, s, "an integer");
    return FALSE;
  }
  *out = v;
  return TRUE;
}

gboolean ks_google_table_double(const KsGoogleTable *t, guint k, gboolean required, double *out,
                                gboolean *present, char **bad) {
  const char *s = typed_text(t, k, required, present);
  if (!s)
    return TRUE;
  char *end = NULL;
  double v = s[0] ? g_ascii_strtod(s, &end) : 0;
  gboolean plain = s[0] && strspn(s, "+-0123456789.eE") == strlen(s);
  if (!plain || end == s || *end != '\0' || !isfinite(v)) {
    *bad = bad_value(t, k, s, "a number");
    return FALSE;
  }
  *out = v;
  return TRUE;
}

/* ---- streams ------------------------------------------------------------- */

gboolean ks_google_bad_row(KsTraceSource *src, char *message, GError **error) {
  gboolean go_on = ks_trace_source_bad_row(src, error, message);
  g_free(message);
  return go_on;
}

void ks_google_stream_init(KsGoogleStream *s, KsGoogleTable *table, guint time_col) {
  memset(s, 0, sizeof *s);
  s->table = table;
  s->time_col = time_col;
  s->done = table == NULL;
  s->last_us = G_MININT64;
}

void ks_google_stream_clear(KsGoogleStream *s) {
  g_clear_pointer(&s->table, ks_google_table_free);
}

/* Checks the current row's time; FALSE with *bad set when it is unusable. */
static gboolean row_time(KsGoogleStream *s, gint64 *t, char **bad) {
  if (!ks_google_table_int(s->table, s->time_col, TRUE, t, NULL, bad))
    return FALSE;
  char *where = NULL;
  if (*t < 0)
    *bad = g_strdup_printf("%s%" G_GINT64_FORMAT " is negative",
                           (where = ks_google_table_where(s->table, s->time_col)), *t);
  else if (*t < s->last_us)
    *bad = g_strdup_printf("%s%" G_GINT64_FORMAT " is before the previous row's time %" G_GINT64_FORMAT
                           " (each table must be sorted by time)",
                           (where = ks_google_table_where(s->table, s->time_col)), *t, s->last_us);
  g_free(where);
  return *bad == NULL;
}

gboolean ks_google_stream_fill(KsGoogleStream *s, KsTraceSource *src, GError **error) {
  while (!s->have && !s->done) {
    char *bad = NULL;
    GError *err = NULL;
    if (!ks_google_table_next(s->table, &bad, &err)) {
      s->done = TRUE;
      if (err) {
        g_propagate_error(error, err);
        return FALSE;
      }
      break;
    }
    gint64 t = 0;
    if (!bad && row_time(s, &t, &bad) && t == KS_GOOGLE_TIME_AFTER_END) {
      s->after_end++;
      continue;
    }
    if (bad) {
      if (!ks_google_bad_row(src, bad, error))
        return FALSE;
      continue;
    }
    s->have = TRUE;
    s->time_us = t;
    s->last_us = t;
  }
  return TRUE;
}

KsGoogleStream *ks_google_stream_pick(KsGoogleStream *a, KsGoogleStream *b) {
  if (a->have && (!b->have || a->time_us <= b->time_us))
    return a;
  return b->have ? b : NULL;
}

KsGoogleStream *ks_google_stream_take(KsGoogleStream *a, KsGoogleStream *b, KsTraceSource *src,
                                      GError **error) {
  if (!ks_google_stream_fill(a, src, error) || !ks_google_stream_fill(b, src, error))
    return NULL;
  KsGoogleStream *s = ks_google_stream_pick(a, b);
  if (s)
    s->have = FALSE;
  return s;
}

/* ---- live tasks ---------------------------------------------------------- */

struct KsGoogleLive {
  GHashTable *tasks; /* KsGoogleTask* (key and value, owned) */
};

static guint task_hash(gconstpointer p) {
  const KsGoogleTask *t = p;
  guint64 h = (guint64)t->job * 0x9E3779B97F4A7C15ull ^ (guint64)t->task;
  return (guint)(h ^ (h >> 32));
}

static gboolean task_equal(gconstpointer a, gconstpointer b) {
  const KsGoogleTask *x = a, *y = b;
  return x->job == y->job && x->task == y->task;
}

KsGoogleLive *ks_google_live_new(void) {
  KsGoogleLive *l = g_new0(KsGoogleLive, 1);
  l->tasks = g_hash_table_new_full(task_hash, task_equal, g_free, NULL);
  return l;
}

void ks_google_live_free(KsGoogleLive *l) {
  if (!l)
    return;
  g_hash_table_destroy(l->tasks);
  g_free(l);
}

KsGoogleTask *ks_google_live_lookup(KsGoogleLive *l, gint64 job, gint64 task) {
  KsGoogleTask key = {job, task, 0, 0};
  return g_hash_table_lookup(l->tasks, &key);
}

KsGoogleTask *ks_google_live_insert(KsGoogleLive *l, gint64 job, gint64 task, gint64 submit_us) {
  KsGoogleTask *t = g_new(KsGoogleTask, 1);
  *t = (KsGoogleTask){job, task, submit_us, -1};
  g_hash_table_replace(l->tasks, t, t);
  return t;
}

void ks_google_live_remove(KsGoogleLive *l, gint64 job, gint64 task) {
  KsGoogleTask key = {job, task, 0, 0};
  g_hash_table_remove(l->tasks, &key);
}

guint ks_google_live_size(const KsGoogleLive *l) {
  return g_hash_table_size(l->tasks);
}

char *ks_google_task_pod_name(const KsGoogleTask *t) {
  return g_strdup_printf("%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT, t->job,
                         t->task, t->submit_us);
}

/* ---- output queue -------------------------------------------------------- */

KsTraceEvent *ks_google_queue_push(GQueue *q, KsTraceEventType type, gint64 time_us,
                                   guint64 line) {
  KsTraceEvent *ev = g_new(KsTraceEvent, 1);
  ks_trace_event_init(ev);
  ev->type = type;
  ev->time_us = time_us;
  ev->line = line;
  g_queue_push_tail(q, ev);
  return ev;
}

KsTraceEvent *ks_google_push_machine(GQueue *q, KsTraceEventType type, gint64 id, double cpus,
                                     double mem, const KsGoogleScale *scale, const char *platform,
                                     gint64 now, guint64 line) {
  char *name = g_strdup_printf("%" G_GINT64_FORMAT, id);
  KsTraceEvent *ev = ks_google_queue_push(q, type, now, line);
  if (type == KS_TRACE_NODE_REMOVE) {
    ev->name = name;
    return ev;
  }
  ev->node = ks_google_node_new(name, ks_google_scale_value(cpus, scale->machine_milli_cpu),
                                ks_google_scale_value(mem, scale->machine_memory), scale->max_pods,
                                platform);
  g_free(name);
  return ev;
}

void ks_google_task_end(KsGoogleLive *live, GQueue *q, KsGoogleTask *task, KsGoogleEnd end,
                        gint64 now, guint64 line) {
  gboolean finish = end != KS_GOOGLE_END_DELETE;
  KsTraceEvent *ev =
      ks_google_queue_push(q, finish ? KS_TRACE_POD_FINISH : KS_TRACE_POD_DELETE, now, line);
  ev->namespace = g_strdup("default");
  ev->name = ks_google_task_pod_name(task);
  if (finish) {
    ev->phase = end == KS_GOOGLE_END_SUCCEEDED ? KS_POD_SUCCEEDED : KS_POD_FAILED;
    ev->ran_us = task->start_us >= 0 ? now - task->start_us : -1;
  }
  ks_google_live_remove(live, task->job, task->task);
}

KsGoogleTask *ks_google_task_submit(KsGoogleLive *live, GQueue *q, KsGoogleTask *old, gint64 job,
                                    gint64 task, gint64 now, guint64 line, guint64 *live_peak) {
  if (old)
    ks_google_task_end(live, q, old, KS_GOOGLE_END_DELETE, now, line);
  KsGoogleTask *t = ks_google_live_insert(live, job, task, now);
  *live_peak = MAX(*live_peak, ks_google_live_size(live));
  return t;
}

void ks_google_task_event(KsGoogleLive *live, GQueue *q, KsGoogleTask *task, gboolean schedule,
                          KsGoogleEnd end, gint64 now, guint64 line, KsGoogleImportStats *stats) {
  if (!task)
    stats->orphans++;
  else if (schedule)
    task->start_us = now;
  else
    ks_google_task_end(live, q, task, end, now, line);
}

gboolean ks_google_queue_pop(GQueue *q, KsTraceEvent *ev) {
  KsTraceEvent *head = g_queue_pop_head(q);
  if (!head)
    return FALSE;
  ks_trace_event_clear(ev);
  *ev = *head;
  g_free(head);
  return TRUE;
}

void ks_google_queue_clear(GQueue *q) {
  for (KsTraceEvent *ev; (ev = g_queue_pop_head(q));) {
    ks_trace_event_clear(ev);
    g_free(ev);
  }
}

/* ---- units and objects --------------------------------------------------- */

static gboolean option_error(GError **error, const char *format, const char *key, const char *v,
                             const char *what) {
  g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_OPTION, "trace format %s: parameter %s: \"%s\" %s",
              format, key, v, what);
  return FALSE;
}

gboolean ks_google_scale_parse(KsGoogleScale *s, const KsTraceOpenOptions *opts,
                               const char *format, GError **error) {
  const char *v;
  gint64 value = 0, milli = 0;
  if ((v = ks_trace_param(opts, "machine-cpu"))) {
    if (!ks_quantity_parse(v, NULL, &milli, NULL) || milli <= 0)
      return option_error(error, format, "machine-cpu", v, "is not a positive cpu quantity");
    s->machine_milli_cpu = milli;
  }
  if ((v = ks_trace_param(opts, "machine-memory"))) {
    if (!ks_quantity_parse(v, &value, NULL, NULL) || value <= 0)
      return option_error(error, format, "machine-memory", v, "is not a positive quantity");
    s->machine_memory = value;
  }
  if ((v = ks_trace_param(opts, "max-pods"))) {
    char *end = NULL;
    gint64 n = g_ascii_strtoll(v, &end, 10);
    if (!v[0] || *end || n <= 0 || n > G_MAXINT32)
      return option_error(error, format, "max-pods", v, "is not a positive integer");
    s->max_pods = n;
  }
  return TRUE;
}

gint64 ks_google_scale_value(double norm, gint64 unit) {
  double v = norm * (double)unit;
  if (!(v > 0))
    return 0;
  if (v >= 9.2e18)
    return G_MAXINT64;
  return (gint64)llround(v);
}

KsNode *ks_google_node_new(const char *name, gint64 milli_cpu, gint64 memory, gint64 max_pods,
                           const char *platform) {
  KsNode *n = ks_trace_node_new(name, milli_cpu, memory, max_pods);
  if (platform && platform[0])
    ks_labels_set(&n->annotations, KS_GOOGLE_ANNOTATION_PLATFORM, platform);
  return n;
}

KsPod *ks_google_pod_new(const char *name, gint64 time_us, gint64 milli_cpu, gint64 memory,
                         const char *priority_class, const char *const *labels) {
  KsPod *pod = ks_pod_new("default", name);
  pod->creation_timestamp_us = time_us;
  for (const char *const *l = labels; l && l[0]; l += 2)
    ks_labels_set(&pod->labels, l[0], l[1]);
  KsContainer *c = ks_pod_add_container(pod, "task", FALSE);
  if (milli_cpu >= 0) {
    ks_resource_list_set(&c->requests, KS_RESOURCE_CPU, milli_cpu);
    ks_resource_list_set(&c->limits, KS_RESOURCE_CPU, milli_cpu);
  }
  if (memory >= 0) {
    ks_resource_list_set(&c->requests, KS_RESOURCE_MEMORY, memory);
    ks_resource_list_set(&c->limits, KS_RESOURCE_MEMORY, memory);
  }
  pod->priority_class_name = g_strdup(priority_class);
  /* A task that ended is not restarted in place: the trace resubmits it. */
  pod->restart_policy = KS_RESTART_NEVER;
  return pod;
}

void ks_google_pod_add_spread(KsPod *pod, const char *key, const char *value) {
  if (!pod->affinity)
    pod->affinity = ks_affinity_new();
  if (!pod->affinity->pod_anti_affinity)
    pod->affinity->pod_anti_affinity = ks_pod_affinity_new();
  KsPodAffinity *anti = pod->affinity->pod_anti_affinity;
  if (!anti->required)
    anti->required = ks_pod_affinity_term_array_new();
  KsPodAffinityTerm term = {0};
  term.label_selector = ks_label_selector_new();
  ks_labels_set(&term.label_selector->match_labels, key, value);
  term.topology_key = g_strdup(KS_LABEL_HOSTNAME);
  g_array_append_val(anti->required, term);
}

KsManifestObject *ks_google_priority_class(const char *path, const char *name, gint32 value,
                                           const char *description) {
  KsManifestObject *o = g_new0(KsManifestObject, 1);
  o->kind = KS_KIND_PRIORITY_CLASS;
  o->file = g_strdup(path);
  o->u.priority_class = ks_priority_class_new(name, value);
  o->u.priority_class->description = g_strdup(description);
  return o;
}

/* ---- synthetic output ---------------------------------------------------- */

struct KsGoogleOut {
  GOutputStream *file;
  GOutputStream *out; /* file, or a converter stream over it */
  GString *buf;
  GError *error;      /* first write error */
};

KsGoogleOut *ks_google_out_open(const char *path, gboolean gzip, GError **error) {
  GFile *f = g_file_new_for_path(path);
  GError *err = NULL;
  GFileOutputStream *fs = g_file_replace(f, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &err);
  g_object_unref(f);
  if (!fs) {
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_IO, "%s: %s", path, err->message);
    g_error_free(err);
    return NULL;
  }
  KsGoogleOut *o = g_new0(KsGoogleOut, 1);
  o->file = G_OUTPUT_STREAM(fs);
  if (gzip) {
    GZlibCompressor *z = g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
    o->out = g_converter_output_stream_new(o->file, G_CONVERTER(z));
    g_object_unref(z);
  } else {
    o->out = g_object_ref(o->file);
  }
  o->buf = g_string_sized_new(1 << 16);
  return o;
}

static void out_flush(KsGoogleOut *o) {
  if (!o->error && o->buf->len)
    g_output_stream_write_all(o->out, o->buf->str, o->buf->len, NULL, NULL, &o->error);
  g_string_truncate(o->buf, 0);
}

void ks_google_out_printf(KsGoogleOut *o, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  g_string_append_vprintf(o->buf, fmt, ap);
  va_end(ap);
  if (o->buf->len >= (1 << 16))
    out_flush(o);
}

gboolean ks_google_out_close(KsGoogleOut *o, GError **error) {
  out_flush(o);
  if (!o->error)
    g_output_stream_close(o->out, NULL, &o->error);
  if (!o->error && o->out != o->file)
    g_output_stream_close(o->file, NULL, &o->error);
  gboolean ok = o->error == NULL;
  if (!ok)
    g_set_error(error, KS_TRACE_ERROR, KS_TRACE_ERROR_IO, "writing a sample: %s",
                o->error->message);
  g_clear_error(&o->error);
  g_object_unref(o->out);
  g_object_unref(o->file);
  g_string_free(o->buf, TRUE);
  g_free(o);
  return ok;
}

KsGoogleOut *ks_google_parts_next(KsGoogleParts *p, GError **error) {
  if (!p->out || (p->written >= (p->part * p->total) / p->parts && p->part < p->parts)) {
    KsGoogleOut *done = g_steal_pointer(&p->out);
    if (done && !ks_google_out_close(done, error))
      return NULL;
    char *name = p->name(p->part++);
    char *path = g_build_filename(p->dir, name, NULL);
    p->out = ks_google_out_open(path, TRUE, error);
    g_free(name);
    g_free(path);
    if (!p->out)
      return NULL;
  }
  p->written++;
  return p->out;
}

gboolean ks_google_parts_close(KsGoogleParts *p, gboolean ok, GError **error) {
  ok = ok && p->written == p->total;
  KsGoogleOut *last = g_steal_pointer(&p->out);
  if (last)
    ok = ks_google_out_close(last, ok ? error : NULL) && ok;
  return ok;
}

void ks_google_format_double(char *buf, gsize size, double v) {
  char fmt[8];
  for (int prec = 1; prec <= 17; prec++) {
    g_snprintf(fmt, sizeof fmt, "%%.%dg", prec);
    g_ascii_formatd(buf, (gint)size, fmt, v);
    if (g_ascii_strtod(buf, NULL) == v)
      return;
  }
}
