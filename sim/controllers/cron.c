/* See cron.h. The parser mirrors robfig/cron v3 (the library upstream's
 * CronJob validation and controller call): each field becomes a 64-bit set
 * of allowed values plus a "star" bit that says the field was written as
 * "*" or "?" (it selects the AND/OR rule for the two day fields). Errors
 * carry robfig's messages, including Go's strconv wording, because that is
 * what the API server answers.
 *
 * next() is robfig's SpecSchedule.Next: start at the next whole second,
 * then advance month, day, hour, minute, second in turn, each time
 * restarting from the month when a field wraps. It follows Go's time
 * package in the CronJob's zone (a GTimeZone read from the system's tz
 * database): fields are read from the wall clock, AddDate and Date work on
 * the wall clock and resolve times a DST change skips or repeats as Go's
 * time.Date does, Add(hour) and Truncate work on real time. So, as
 * upstream: an activation in a skipped hour does not happen that day
 * ("30 2 * * *" in America/New_York on 2026-03-08), one in a repeated hour
 * happens twice ("30 1 * * *" on 2026-11-01: 01:30 EDT and 01:30 EST), and
 * hourly schedules fire every real hour. */
#include "sim/controllers/cron.h"

#include <string.h>

#include "workloads/duration.h"

G_DEFINE_QUARK(ks-cron-error-quark, ks_cron_error)

#define STAR_BIT (G_GUINT64_CONSTANT(1) << 63)
#define US_PER_S G_GINT64_CONSTANT(1000000)

struct KsCronSchedule {
  gboolean every;   /* "@every d": a constant delay */
  gint64 every_s;   /* whole seconds, >= 1 */
  guint64 minute, hour, dom, month, dow;
};

typedef struct {
  guint64 min, max;
  const char *const *names; /* names[i] is value min+i... or NULL */
  guint64 names_base;
} Bounds;

static const char *const month_names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                          "jul", "aug", "sep", "oct", "nov", "dec", NULL};
static const char *const dow_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL};

static const Bounds b_minute = {0, 59, NULL, 0};
static const Bounds b_hour = {0, 23, NULL, 0};
static const Bounds b_dom = {1, 31, NULL, 0};
static const Bounds b_month = {1, 12, month_names, 1};
static const Bounds b_dow = {0, 6, dow_names, 0};

static gboolean fail(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static gboolean fail(GError **error, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error_literal(error, KS_CRON_ERROR, KS_CRON_ERROR_INVALID, msg);
  g_free(msg);
  return FALSE;
}

/* Go's strconv.Quote, closely enough for error messages: printable UTF-8
 * kept, quotes and backslashes escaped, other bytes as \xNN. */
static char *go_quote(const char *s) {
  GString *out = g_string_new("\"");
  const char *p = s;
  while (*p) {
    gunichar c = g_utf8_get_char_validated(p, -1);
    if (c == (gunichar)-1 || c == (gunichar)-2) {
      g_string_append_printf(out, "\\x%02x", (guint)(guchar)*p);
      p++;
      continue;
    }
    const char *next = g_utf8_next_char(p);
    switch (c) {
    case '"': g_string_append(out, "\\\""); break;
    case '\\': g_string_append(out, "\\\\"); break;
    case '\n': g_string_append(out, "\\n"); break;
    case '\t': g_string_append(out, "\\t"); break;
    case '\r': g_string_append(out, "\\r"); break;
    default:
      if (c < 0x80 && !g_ascii_isprint((char)c))
        g_string_append_printf(out, "\\x%02x", c);
      else if (c >= 0x80 && !g_unichar_isprint(c))
        g_string_append_printf(out, c > 0xffff ? "\\U%08x" : "\\u%04x", c);
      else
        g_string_append_len(out, p, next - p);
    }
    p = next;
  }
  g_string_append_c(out, '"');
  return g_string_free(out, FALSE);
}

/* Go's strconv.Atoi (base 10, optional sign, int64 range), with robfig's
 * mustParseInt on top (negative numbers rejected). */
static gboolean parse_uint(const char *expr, guint64 *out, GError **error) {
  const char *p = expr;
  gboolean neg = FALSE;
  if (*p == '+' || *p == '-')
    neg = *p++ == '-';
  gboolean syntax = *p == '\0', range = FALSE;
  guint64 v = 0;
  for (; *p && !syntax; p++) {
    if (*p < '0' || *p > '9') {
      syntax = TRUE;
      break;
    }
    guint d = (guint)(*p - '0');
    if (v > ((guint64)G_MAXINT64 + 1 - d) / 10)
      range = TRUE; /* keep scanning: a later non-digit is a syntax error */
    else
      v = v * 10 + d;
  }
  if (!syntax && !range && (neg ? v > (guint64)G_MAXINT64 + 1 : v > (guint64)G_MAXINT64))
    range = TRUE;
  if (syntax || range) {
    char *q = go_quote(expr);
    fail(error, "failed to parse int from %s: strconv.Atoi: parsing %s: %s", expr, q,
         syntax ? "invalid syntax" : "value out of range");
    g_free(q);
    return FALSE;
  }
  if (neg && v != 0) {
    /* %d of the negative number; v <= 2^63 here */
    return fail(error, "negative number (-%" G_GUINT64_FORMAT ") not allowed: %s", v, expr);
  }
  *out = v;
  return TRUE;
}

static gboolean parse_int_or_name(const char *expr, const Bounds *r, guint64 *out, GError **error) {
  if (r->names) {
    char *lower = g_ascii_strdown(expr, -1);
    for (guint i = 0; r->names[i]; i++) {
      if (!strcmp(lower, r->names[i])) {
        g_free(lower);
        *out = r->names_base + i;
        return TRUE;
      }
    }
    g_free(lower);
  }
  return parse_uint(expr, out, error);
}

static guint64 get_bits(guint64 min, guint64 max, guint64 step) {
  guint64 bits = 0;
  for (guint64 i = min; i <= max; i += step)
    bits |= G_GUINT64_CONSTANT(1) << i;
  return bits;
}

/* number | number "-" number [ "/" number ], or "*" / "?" [ "/" number ] */
static gboolean get_range(const char *expr, const Bounds *r, guint64 *out, GError **error) {
  gboolean ok = FALSE;
  char **range_and_step = g_strsplit(expr, "/", -1);
  char **low_and_high = g_strsplit(range_and_step[0], "-", -1);
  guint n_rs = g_strv_length(range_and_step), n_lh = g_strv_length(low_and_high);
  gboolean single = n_lh == 1;
  guint64 start = 0, end = 0, step = 1, extra = 0;
  if (!strcmp(low_and_high[0], "*") || !strcmp(low_and_high[0], "?")) {
    start = r->min;
    end = r->max;
    extra = STAR_BIT;
  } else {
    if (!parse_int_or_name(low_and_high[0], r, &start, error))
      goto out;
    if (n_lh == 1)
      end = start;
    else if (n_lh == 2) {
      if (!parse_int_or_name(low_and_high[1], r, &end, error))
        goto out;
    } else {
      fail(error, "too many hyphens: %s", expr);
      goto out;
    }
  }
  if (n_rs == 2) {
    if (!parse_uint(range_and_step[1], &step, error))
      goto out;
    if (single)
      end = r->max; /* "N/step" means "N-max/step" */
    if (step > 1)
      extra = 0;
  } else if (n_rs > 2) {
    fail(error, "too many slashes: %s", expr);
    goto out;
  }
  if (start < r->min)
    fail(error, "beginning of range (%" G_GUINT64_FORMAT ") below minimum (%" G_GUINT64_FORMAT
                "): %s", start, r->min, expr);
  else if (end > r->max)
    fail(error, "end of range (%" G_GUINT64_FORMAT ") above maximum (%" G_GUINT64_FORMAT "): %s",
         end, r->max, expr);
  else if (start > end)
    fail(error, "beginning of range (%" G_GUINT64_FORMAT ") beyond end of range (%"
                G_GUINT64_FORMAT "): %s", start, end, expr);
  else if (step == 0)
    fail(error, "step of range should be a positive number: %s", expr);
  else {
    *out = get_bits(start, end, step) | extra;
    ok = TRUE;
  }
out:
  g_strfreev(low_and_high);
  g_strfreev(range_and_step);
  return ok;
}

/* A comma-separated list; empty items are skipped (Go's strings.FieldsFunc),
 * so "," is a field that matches nothing, as upstream. */
static gboolean get_field(const char *field, const Bounds *r, guint64 *out, GError **error) {
  guint64 bits = 0;
  char **items = g_strsplit(field, ",", -1);
  gboolean ok = TRUE;
  for (guint i = 0; ok && items[i]; i++) {
    guint64 b = 0;
    if (!*items[i])
      continue;
    ok = get_range(items[i], r, &b, error);
    bits |= b;
  }
  g_strfreev(items);
  *out = bits;
  return ok;
}

static gboolean is_go_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Go's strings.Fields on ASCII white space. transfer full */
static GPtrArray *split_fields(const char *s) {
  GPtrArray *f = g_ptr_array_new_with_free_func(g_free);
  const char *p = s;
  while (*p) {
    while (*p && is_go_space(*p))
      p++;
    const char *start = p;
    while (*p && !is_go_space(*p))
      p++;
    if (p > start)
      g_ptr_array_add(f, g_strndup(start, p - start));
  }
  return f;
}

static KsCronSchedule *descriptor(const char *spec, GError **error) {
  static const struct {
    const char *name;
    const char *fields; /* minute hour dom month dow */
  } table[] = {
      {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
      {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
      {"@hourly", "0 * * * *"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(table); i++)
    if (!strcmp(spec, table[i].name))
      return ks_cron_parse(table[i].fields, error);
  const char *every = "@every ";
  if (g_str_has_prefix(spec, every)) {
    const char *d = spec + strlen(every);
    gint64 us = 0;
    /* Go accepts a negative duration here; robfig rounds anything below 1s up to 1s. */
    const char *abs = (*d == '-' && d[1]) ? d + 1 : d;
    if (!ks_duration_parse(abs, &us, NULL)) {
      char *q = go_quote(d);
      fail(error, "failed to parse duration %s: time: invalid duration %s", spec, q);
      g_free(q);
      return NULL;
    }
    KsCronSchedule *s = g_new0(KsCronSchedule, 1);
    s->every = TRUE;
    s->every_s = abs != d ? 1 : MAX(us / US_PER_S, 1);
    return s;
  }
  fail(error, "unrecognized descriptor: %s", spec);
  return NULL;
}

KsCronSchedule *ks_cron_parse(const char *spec, GError **error) {
  if (!spec || !*spec) {
    fail(error, "empty spec string");
    return NULL;
  }
  if (strstr(spec, "TZ")) {
    fail(error, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
    return NULL;
  }
  if (spec[0] == '@')
    return descriptor(spec, error);
  GPtrArray *f = split_fields(spec);
  KsCronSchedule *s = NULL;
  if (f->len != 5) {
    GString *list = g_string_new("[");
    for (guint i = 0; i < f->len; i++)
      g_string_append_printf(list, "%s%s", i ? " " : "", (char *)f->pdata[i]);
    g_string_append_c(list, ']');
    fail(error, "expected exactly 5 fields, found %u: %s", f->len, list->str);
    g_string_free(list, TRUE);
    goto out;
  }
  s = g_new0(KsCronSchedule, 1);
  if (!get_field(f->pdata[0], &b_minute, &s->minute, error) ||
      !get_field(f->pdata[1], &b_hour, &s->hour, error) ||
      !get_field(f->pdata[2], &b_dom, &s->dom, error) ||
      !get_field(f->pdata[3], &b_month, &s->month, error) ||
      !get_field(f->pdata[4], &b_dow, &s->dow, error))
    g_clear_pointer(&s, g_free);
out:
  g_ptr_array_free(f, TRUE);
  return s;
}

void ks_cron_free(KsCronSchedule *s) { g_free(s); }

/* ---- time zones -------------------------------------------------------------- */

static gboolean tz_part_ok(const char *part) {
  gsize n = strlen(part);
  if (n < 1 || n > 14 || !strcmp(part, ".") || !strcmp(part, "..") || part[0] == '-')
    return FALSE;
  for (const char *p = part; *p; p++)
    if (!g_ascii_isalnum(*p) && !strchr(".-_+", *p))
      return FALSE;
  return TRUE;
}

/* The directory of the system's tz database, as Go's time.LoadLocation
 * looks for it on Linux ($ZONEINFO is Go's own override; TZDIR is the C
 * library's). */
static gboolean tz_database_has(const char *tz) {
  const char *dirs[] = {g_getenv("ZONEINFO"), g_getenv("TZDIR"), "/usr/share/zoneinfo",
                        "/usr/share/lib/zoneinfo", "/usr/lib/locale/TZ"};
  for (guint i = 0; i < G_N_ELEMENTS(dirs); i++) {
    if (!dirs[i] || !*dirs[i])
      continue;
    char *path = g_build_filename(dirs[i], tz, NULL);
    gboolean ok = g_file_test(path, G_FILE_TEST_IS_REGULAR);
    g_free(path);
    if (ok)
      return TRUE;
  }
  return FALSE;
}

GTimeZone *ks_cron_time_zone(const char *tz, GError **error) {
  if (!tz)
    return g_time_zone_new_utc();
  if (!*tz) {
    fail(error, "timeZone must be nil or non-empty string");
    return NULL;
  }
  char **parts = g_strsplit(tz, "/", -1);
  gboolean ok = TRUE;
  for (guint i = 0; ok && parts[i]; i++)
    ok = tz_part_ok(parts[i]);
  g_strfreev(parts);
  if (!ok) {
    fail(error, "unknown time zone %s", tz);
    return NULL;
  }
  if (!g_ascii_strcasecmp(tz, "Local")) {
    fail(error, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones");
    return NULL;
  }
  static const char *const utc[] = {"UTC",       "Etc/UTC",  "UCT",       "Etc/UCT",
                                    "GMT",       "Etc/GMT",  "GMT0",      "Etc/GMT0",
                                    "GMT+0",     "Etc/GMT+0", "GMT-0",    "Etc/GMT-0",
                                    "Greenwich", "Etc/Greenwich", "Universal", "Etc/Universal",
                                    "Zulu",      "Etc/Zulu"};
  for (guint i = 0; i < G_N_ELEMENTS(utc); i++)
    if (!strcmp(tz, utc[i]))
      return g_time_zone_new_utc(); /* Go knows "UTC" without the database; so do we */
  /* Etc/GMT+N is N hours *west* of Greenwich (POSIX sign convention):
   * Etc/GMT+1 .. +12 and Etc/GMT-1 .. -14 exist. Kept without the
   * database, as before. */
  if (g_str_has_prefix(tz, "Etc/GMT") && (tz[7] == '+' || tz[7] == '-')) {
    const char *n = tz + 8;
    guint64 h = 0;
    if (*n && *n != '0' && strlen(n) <= 2 && g_ascii_string_to_unsigned(n, 10, 1, 14, &h, NULL) &&
        (tz[7] == '-' || h <= 12))
      return g_time_zone_new_offset((gint32)h * 3600 * (tz[7] == '+' ? -1 : 1));
    fail(error, "unknown time zone %s", tz);
    return NULL;
  }
  /* Any other zone comes from the system's tz database, as upstream's
   * time.LoadLocation reads it: a name that is not a file there is
   * unknown (glib alone would also take a POSIX TZ string such as "EST5"). */
  GTimeZone *zone = tz_database_has(tz) ? g_time_zone_new_identifier(tz) : NULL;
  if (!zone)
    fail(error, "unknown time zone %s", tz);
  return zone; /* transfer full */
}

/* ---- next activation --------------------------------------------------------- */

static gint64 floor_div(gint64 a, gint64 b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil); month 1..12, day may overflow the month. */
static gint64 days_from_civil(gint64 y, gint m, gint64 d) {
  y -= m <= 2;
  gint64 era = floor_div(y, 400);
  gint64 yoe = y - era * 400;
  gint64 doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  gint64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

typedef struct {
  gint64 year;
  gint month, day, hour, minute, second, weekday; /* weekday: Sunday 0 */
} Civil;

static Civil civil_from_seconds(gint64 t) {
  Civil c;
  gint64 days = floor_div(t, 86400), sod = t - days * 86400;
  c.hour = (gint)(sod / 3600);
  c.minute = (gint)(sod / 60 % 60);
  c.second = (gint)(sod % 60);
  c.weekday = (gint)(((days % 7) + 11) % 7); /* 1970-01-01 was a Thursday (4) */
  gint64 z = days + 719468, era = floor_div(z, 146097);
  gint64 doe = z - era * 146097;
  gint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  gint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  gint64 mp = (5 * doy + 2) / 153;
  c.day = (gint)(doy - (153 * mp + 2) / 5 + 1);
  c.month = (gint)(mp < 10 ? mp + 3 : mp - 9);
  c.year = yoe + era * 400 + (c.month <= 2);
  return c;
}

static gboolean has(guint64 set, gint v) { return (set >> v) & 1; }

/* Go's time arithmetic in a zone (NULL: UTC), on Unix seconds. */
static gint32 offset_at(GTimeZone *tz, gint64 u) {
  return tz ? g_time_zone_get_offset(tz, g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL, u))
            : 0;
}

/* t.Year(), t.Month(), ... of instant u in the zone */
static Civil civil_at(GTimeZone *tz, gint64 u) { return civil_from_seconds(u + offset_at(tz, u)); }

/* Go's time.Date: month and day may overflow and are normalised; a local
 * time that does not exist (a DST gap) or exists twice (a DST overlap) is
 * resolved as Go does: the offset in force at the wall-clock time read as
 * UTC, unless the instant that gives falls outside that offset's period,
 * then the offset of the period it falls in. */
static gint64 go_date(GTimeZone *tz, gint64 y, gint64 m, gint64 d, gint64 h, gint64 mi, gint64 s) {
  gint64 ym = floor_div(m - 1, 12);
  gint64 local = days_from_civil(y + ym, (gint)(m - 1 - ym * 12) + 1, d) * 86400 + h * 3600 +
                 mi * 60 + s;
  if (!tz)
    return local;
  gint i = g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL, local);
  gint64 utc = local - g_time_zone_get_offset(tz, i);
  gint j = g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL, utc);
  return j == i ? utc : local - g_time_zone_get_offset(tz, j);
}

static gboolean day_matches(const KsCronSchedule *s, const Civil *c) {
  gboolean dom = has(s->dom, c->day), dow = has(s->dow, c->weekday);
  if ((s->dom & STAR_BIT) || (s->dow & STAR_BIT))
    return dom && dow;
  return dom || dow;
}

/* A field that allows nothing (upstream accepts "," as a field) makes the
 * search below walk five years minute by minute before giving up; answer
 * at once instead. */
static gboolean can_match(const KsCronSchedule *s) {
  guint64 m = ~STAR_BIT;
  if (!(s->minute & m) || !(s->hour & m) || !(s->month & m))
    return FALSE;
  if ((s->dom & STAR_BIT) || (s->dow & STAR_BIT))
    return (s->dom & m) && (s->dow & m);
  return (s->dom & m) || (s->dow & m);
}

gint64 ks_cron_next(const KsCronSchedule *s, GTimeZone *tz, gint64 after_us) {
  /* the next whole second */
  gint64 t = floor_div(after_us, US_PER_S) + 1;
  if (s->every)
    return t - 1 > G_MAXINT64 / US_PER_S - s->every_s ? KS_CRON_NEVER
                                                      : (t - 1 + s->every_s) * US_PER_S;
  if (!can_match(s))
    return KS_CRON_NEVER;
  gboolean added = FALSE;
  Civil c = civil_at(tz, t);
  gint64 year_limit = c.year + 5;
wrap:
  c = civil_at(tz, t);
  if (c.year > year_limit)
    return KS_CRON_NEVER;
  while (!has(s->month, c.month)) {
    if (!added) {
      added = TRUE;
      t = go_date(tz, c.year, c.month, 1, 0, 0, 0);
      c = civil_at(tz, t);
    }
    t = go_date(tz, c.year, c.month + 1, c.day, c.hour, c.minute, c.second); /* AddDate(0, 1, 0) */
    c = civil_at(tz, t);
    if (c.month == 1)
      goto wrap;
  }
  while (!day_matches(s, &c)) {
    if (!added) {
      added = TRUE;
      t = go_date(tz, c.year, c.month, c.day, 0, 0, 0);
      c = civil_at(tz, t);
    }
    t = go_date(tz, c.year, c.month, c.day + 1, c.hour, c.minute, c.second); /* AddDate(0, 0, 1) */
    c = civil_at(tz, t);
    /* robfig: midnight may not exist (a DST change at 0:00); back to the
     * day's first hour, or on to the next day's */
    if (c.hour != 0) {
      t += c.hour > 12 ? (gint64)(24 - c.hour) * 3600 : -(gint64)c.hour * 3600;
      c = civil_at(tz, t);
    }
    if (c.day == 1)
      goto wrap;
  }
  while (!has(s->hour, c.hour)) {
    if (!added) {
      added = TRUE;
      t = go_date(tz, c.year, c.month, c.day, c.hour, 0, 0);
    }
    t += 3600; /* t.Add(time.Hour): an hour of real time, whatever the clock says */
    c = civil_at(tz, t);
    if (c.hour == 0)
      goto wrap;
  }
  while (!has(s->minute, c.minute)) {
    if (!added) {
      added = TRUE;
      t -= t - floor_div(t, 60) * 60; /* Truncate(time.Minute) */
    }
    t += 60;
    c = civil_at(tz, t);
    if (c.minute == 0)
      goto wrap;
  }
  while (c.second != 0) { /* the seconds field of the five-field form is "0" */
    added = TRUE;
    t += 1;
    c = civil_at(tz, t);
    if (c.second == 0)
      goto wrap;
  }
  return t * US_PER_S;
}
