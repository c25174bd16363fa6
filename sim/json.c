/* See json.h. */
#include "sim/json.h"

void ks_json_init(KsJson *j, FILE *f) {
  *j = (KsJson){.f = f};
}

static void write_escaped(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
    if (*c == '"' || *c == '\\')
      fprintf(f, "\\%c", *c);
    else if (*c < 0x20)
      fprintf(f, "\\u%04x", *c);
    else
      fputc(*c, f);
  }
  fputc('"', f);
}

/* Separator, newline and indent before a member or element; the key if any. */
static void next(KsJson *j, const char *key) {
  if (j->depth > 0) {
    fprintf(j->f, "%s\n%*s", j->has_members[j->depth] ? "," : "", 2 * j->depth, "");
    j->has_members[j->depth] = TRUE;
  }
  if (key) {
    write_escaped(j->f, key);
    fputs(": ", j->f);
  }
}

static void open(KsJson *j, const char *key, char bracket) {
  g_return_if_fail(j->depth + 1 < KS_JSON_MAX_DEPTH);
  next(j, key);
  fputc(bracket, j->f);
  j->depth++;
  j->has_members[j->depth] = FALSE;
}

static void close_level(KsJson *j, char bracket) {
  g_return_if_fail(j->depth > 0);
  gboolean any = j->has_members[j->depth];
  j->depth--;
  if (any)
    fprintf(j->f, "\n%*s", 2 * j->depth, "");
  fputc(bracket, j->f);
}

void ks_json_begin_object(KsJson *j, const char *key) { open(j, key, '{'); }
void ks_json_end_object(KsJson *j) { close_level(j, '}'); }
void ks_json_begin_array(KsJson *j, const char *key) { open(j, key, '['); }
void ks_json_end_array(KsJson *j) { close_level(j, ']'); }

void ks_json_raw(KsJson *j, const char *key, const char *text) {
  next(j, key);
  fputs(text ? text : "null", j->f);
}

void ks_json_string(KsJson *j, const char *key, const char *value) {
  next(j, key);
  if (value)
    write_escaped(j->f, value);
  else
    fputs("null", j->f);
}

void ks_json_int(KsJson *j, const char *key, gint64 value) {
  next(j, key);
  fprintf(j->f, "%" G_GINT64_FORMAT, value);
}

void ks_json_bool(KsJson *j, const char *key, gboolean value) {
  ks_json_raw(j, key, value ? "true" : "false");
}

void ks_json_finish(KsJson *j) { fputc('\n', j->f); }
