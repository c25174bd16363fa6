/* Go's time.ParseDuration grammar: [-+]?(<decimal><unit>)+ or "0".
 * Each <decimal> may have a fraction; we keep integer arithmetic by scaling
 * everything to nanoseconds in a 128-bit accumulator before rounding up to
 * microseconds, so "1.1s" is exactly 1100000 us. Negative durations are
 * rejected: nothing in a scenario may go back in time. */
#include "workloads/duration.h"

#include <string.h>

G_DEFINE_QUARK(ks-duration-error-quark, ks_duration_error)

static const struct {
  const char *name;
  gint64 ns;
} units[] = {
  {"ns", 1},         {"us", 1000},          {"\xc2\xb5s", 1000}, {"\xce\xbcs", 1000},
  {"ms", 1000000},   {"s", 1000000000},     {"m", 60000000000},  {"h", 3600000000000},
};

static gboolean syntax_error(const char *s, GError **error) {
  g_set_error(error, KS_DURATION_ERROR, KS_DURATION_ERROR_SYNTAX,
              "\"%s\" is not a duration (use units such as 500ms, 30s, 5m, 2h)", s);
  return FALSE;
}

gboolean ks_duration_parse(const char *s, gint64 *out_us, GError **error) {
  if (!s || !*s)
    return syntax_error(s ? s : "", error);
  const char *p = s;
  if (*p == '+')
    p++;
  else if (*p == '-') {
    g_set_error(error, KS_DURATION_ERROR, KS_DURATION_ERROR_RANGE,
                "\"%s\": a duration must not be negative", s);
    return FALSE;
  }
  if (!strcmp(p, "0")) {
    *out_us = 0;
    return TRUE;
  }
  if (!*p)
    return syntax_error(s, error);
  const __int128 limit_ns = (__int128)G_MAXINT64 * 1000;
  __int128 total_ns = 0;
  while (*p) {
    /* integer part */
    __int128 whole = 0, frac = 0, frac_scale = 1;
    gboolean digits = FALSE;
    while (*p >= '0' && *p <= '9') {
      whole = whole * 10 + (*p - '0');
      if (whole > limit_ns)
        goto range;
      p++;
      digits = TRUE;
    }
    if (*p == '.') {
      p++;
      while (*p >= '0' && *p <= '9') {
        if (frac_scale < (__int128)1000000000000000000LL) { /* further digits cannot matter */
          frac = frac * 10 + (*p - '0');
          frac_scale *= 10;
        }
        p++;
        digits = TRUE;
      }
    }
    if (!digits)
      return syntax_error(s, error);
    gint64 unit = 0;
    gsize unit_len = 0;
    for (gsize i = 0; i < G_N_ELEMENTS(units); i++) {
      gsize n = strlen(units[i].name);
      /* Longest match first matters only for "m" vs "ms": check "ms" before "m". */
      if (!strncmp(p, units[i].name, n) && n > unit_len) {
        unit = units[i].ns;
        unit_len = n;
      }
    }
    if (!unit)
      return syntax_error(s, error);
    p += unit_len;
    __int128 part = whole * unit;
    /* fraction: ceil(frac * unit / frac_scale) so no positive part rounds to 0 */
    part += (frac * unit + frac_scale - 1) / frac_scale;
    total_ns += part;
    if (total_ns > limit_ns)
      goto range;
  }
  *out_us = (gint64)((total_ns + 999) / 1000);
  return TRUE;
range:
  g_set_error(error, KS_DURATION_ERROR, KS_DURATION_ERROR_RANGE, "\"%s\" is too long a duration",
              s);
  return FALSE;
}

char *ks_duration_format(gint64 us) {
  if (us == 0)
    return g_strdup("0s");
  GString *out = g_string_new(NULL);
  if (us < 0) {
    g_string_append_c(out, '-');
    us = -us;
  }
  gint64 h = us / 3600000000LL;
  gint64 m = (us / 60000000LL) % 60;
  gint64 rest = us % 60000000LL;
  if (h)
    g_string_append_printf(out, "%" G_GINT64_FORMAT "h", h);
  if (m)
    g_string_append_printf(out, "%" G_GINT64_FORMAT "m", m);
  if (rest || (!h && !m)) {
    if (!h && !m && rest < 1000000) {
      if (rest % 1000 == 0)
        g_string_append_printf(out, "%" G_GINT64_FORMAT "ms", rest / 1000);
      else
        g_string_append_printf(out, "%" G_GINT64_FORMAT "us", rest);
    } else {
      g_string_append_printf(out, "%" G_GINT64_FORMAT, rest / 1000000);
      gint64 frac = rest % 1000000;
      if (frac) {
        char buf[8];
        g_snprintf(buf, sizeof buf, "%06" G_GINT64_FORMAT, frac);
        for (int i = 5; i > 0 && buf[i] == '0'; i--)
          buf[i] = '\0';
        g_string_append_printf(out, ".%s", buf);
      }
      g_string_append_c(out, 's');
    }
  }
  return g_string_free(out, FALSE);
}
