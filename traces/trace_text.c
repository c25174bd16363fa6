/* See trace_text.h. Hand-written because this is the inner loop of reading
 * a trace: no locale, no floating point, no allocation. */
#include "traces/trace_text.h"

#include <string.h>

/* 9e12 s (285,000 years): whole * 1e6 + frac stays within int64. */
#define KS_TRACE_TEXT_MAX_SECONDS G_GUINT64_CONSTANT(9000000000000)

gboolean ks_trace_text_parse_time(const char *s, gint64 *us) {
  gboolean neg = *s == '-';
  if (neg)
    s++;
  if (!g_ascii_isdigit(*s))
    return FALSE;
  guint64 whole = 0;
  for (; g_ascii_isdigit(*s); s++) {
    whole = whole * 10 + (guint64)(*s - '0');
    if (whole > KS_TRACE_TEXT_MAX_SECONDS)
      return FALSE;
  }
  guint64 frac = 0;
  int digits = 0;
  if (*s == '.') {
    s++;
    for (; g_ascii_isdigit(*s); s++) {
      if (++digits > 6)
        return FALSE;
      frac = frac * 10 + (guint64)(*s - '0');
    }
    if (digits == 0)
      return FALSE;
  }
  if (*s)
    return FALSE;
  for (; digits < 6; digits++)
    frac *= 10;
  gint64 v = (gint64)(whole * 1000000u + frac);
  *us = neg ? -v : v;
  return TRUE;
}

static void append_uint(GString *out, guint64 a) {
  char buf[24];
  int i = sizeof buf;
  do {
    buf[--i] = (char)('0' + a % 10);
    a /= 10;
  } while (a);
  g_string_append_len(out, buf + i, (gssize)sizeof buf - i);
}

void ks_trace_text_append_int(GString *out, gint64 v) {
  if (v < 0)
    g_string_append_c(out, '-');
  append_uint(out, v < 0 ? (guint64)0 - (guint64)v : (guint64)v);
}

void ks_trace_text_append_time(GString *out, gint64 us) {
  guint64 a = us < 0 ? (guint64)0 - (guint64)us : (guint64)us;
  if (us < 0)
    g_string_append_c(out, '-');
  append_uint(out, a / 1000000u);
  guint64 frac = a % 1000000u;
  if (frac) {
    char buf[8] = {'.'};
    int n = 7;
    for (int i = 6; i >= 1; i--, frac /= 10)
      buf[i] = (char)('0' + frac % 10);
    while (buf[n - 1] == '0')
      n--;
    g_string_append_len(out, buf, n);
  }
}

static gboolean needs_escape(guchar c, int cls) {
  if (c <= 0x20 || c == 0x7f || c == '%')
    return TRUE;
  if (cls >= KS_TRACE_ESCAPE_KEY && (c == '=' || c == ':'))
    return TRUE;
  return cls == KS_TRACE_ESCAPE_NAME && c == '/';
}

void ks_trace_text_append_escaped(GString *out, const char *s, int cls) {
  static const char hex[] = "0123456789ABCDEF";
  const char *run = s;
  for (const char *p = s; *p; p++) {
    guchar c = (guchar)*p;
    if (!needs_escape(c, cls))
      continue;
    g_string_append_len(out, run, p - run);
    char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
    g_string_append_len(out, esc, 3);
    run = p + 1;
  }
  g_string_append(out, run);
}

gboolean ks_trace_text_unescape(char *s) {
  char *w = strchr(s, '%');
  if (!w)
    return TRUE;
  for (char *r = w; *r;) {
    if (*r != '%') {
      *w++ = *r++;
      continue;
    }
    int hi = g_ascii_xdigit_value(r[1]);
    int lo = hi < 0 ? -1 : g_ascii_xdigit_value(r[2]);
    if (lo < 0 || (hi == 0 && lo == 0))
      return FALSE;
    *w++ = (char)(hi << 4 | lo);
    r += 3;
  }
  *w = '\0';
  /* Escapes may spell any byte; the text must stay UTF-8 (JSON carries it). */
  return g_utf8_validate(s, -1, NULL);
}

gboolean ks_trace_text_is_resource_key(const char *k) {
  switch (k[0]) {
  case 'c':
    return strcmp(k, "cpu") == 0 || strchr(k, '/') != NULL;
  case 'm':
    return strcmp(k, "memory") == 0 || strchr(k, '/') != NULL;
  case 'e':
    return strcmp(k, "ephemeral-storage") == 0 || strchr(k, '/') != NULL;
  case 'p':
    return strcmp(k, "pods") == 0 || strchr(k, '/') != NULL;
  default:
    return g_str_has_prefix(k, "hugepages-") || g_str_has_prefix(k, "attachable-volumes-") ||
           strchr(k, '/') != NULL;
  }
}


int ks_trace_text_check_line(const char *line, gsize len) {
  /* Eight bytes at a time: any byte >= 0x80, any zero byte (the classic
   * (w - 0x01..) & ~w & 0x80.. test), then a byte loop for the tail. */
  const guint64 ones = G_GUINT64_CONSTANT(0x0101010101010101);
  const guint64 highs = G_GUINT64_CONSTANT(0x8080808080808080);
  guint64 high = 0, zero = 0;
  gsize i = 0;
  for (; i + 8 <= len; i += 8) {
    guint64 w;
    memcpy(&w, line + i, 8);
    high |= w & highs;
    zero |= (w - ones) & ~w & highs;
  }
  for (; i < len; i++) {
    guchar c = (guchar)line[i];
    zero |= c == 0;
    high |= c & 0x80;
  }
  if (zero)
    return 1;
  return high && !g_utf8_validate(line, (gssize)len, NULL) ? 2 : 0;
}
