/* Tests of the cron schedule parser (sim/controllers/cron.c): valid
 * expressions with their next activation after a fixed instant, bad ones
 * with upstream's exact messages (robfig/cron v3 as the API server reports
 * them), time zones (daylight saving changes in America/New_York and
 * Europe/Berlin, hand-checked against robfig/cron v3's Next), and a brute-force check that next() neither skips an
 * activation nor returns a non-activation, against predicates written with
 * GDateTime (an independent calendar). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sim/controllers/cron.h"

/* RFC 3339 UTC -> Unix microseconds */
static gint64 at(const char *iso) {
  GDateTime *d = g_date_time_new_from_iso8601(iso, NULL);
  assert_non_null(d);
  gint64 us = g_date_time_to_unix(d) * G_USEC_PER_SEC + g_date_time_get_microsecond(d);
  g_date_time_unref(d);
  return us;
}

/* Whole-second instants only (the callers pass activations and minutes). */
static GDateTime *utc(gint64 us) {
  assert_int_equal(us % G_USEC_PER_SEC, 0);
  return g_date_time_new_from_unix_utc(us / G_USEC_PER_SEC);
}

static char *iso(gint64 us) {
  if (us == KS_CRON_NEVER)
    return g_strdup("never");
  GDateTime *d = utc(us);
  char *s = g_date_time_format(d, "%Y-%m-%dT%H:%M:%SZ");
  g_date_time_unref(d);
  return s;
}

typedef struct {
  const char *spec;
  const char *tz; /* NULL: unset */
  const char *after;
  const char *want; /* "never" for none */
} NextCase;

#define NY "America/New_York"
#define BERLIN "Europe/Berlin"

/* A zone of the table; a zone of the tz database that will not load means
 * the database is missing, which the test says plainly. transfer full */
static GTimeZone *zone(const char *tz) {
  GError *error = NULL;
  GTimeZone *z = ks_cron_time_zone(tz, &error);
  if (!z)
    fail_msg("time zone %s: %s%s", tz ? tz : "(unset)", error->message,
             tz && strchr(tz, '/') && !g_str_has_prefix(tz, "Etc/")
                 ? " (is the tz database installed? Debian package tzdata, scripts/install-deps)"
                 : "");
  return z;
}

/* 2024-01-15 is a Monday. */
static const NextCase next_cases[] = {
    {"*/15 * * * *", NULL, "2024-01-15T10:30:00Z", "2024-01-15T10:45:00Z"},
    {"0 * * * *", NULL, "2024-01-15T10:30:00Z", "2024-01-15T11:00:00Z"},
    {"30 10 * * *", NULL, "2024-01-15T10:30:00Z", "2024-01-16T10:30:00Z"}, /* strictly after */
    {"30 10 * * *", NULL, "2024-01-15T10:29:59.999Z", "2024-01-15T10:30:00Z"},
    {"* * * * *", NULL, "2024-01-15T10:30:30.5Z", "2024-01-15T10:31:00Z"},
    {"0 0 1 * *", NULL, "2024-01-15T10:30:00Z", "2024-02-01T00:00:00Z"},
    {"0 0 * * 0", NULL, "2024-01-15T10:30:00Z", "2024-01-21T00:00:00Z"},
    {"0 9 * * MON-FRI", NULL, "2024-01-15T10:30:00Z", "2024-01-16T09:00:00Z"},
    {"0 9 * * mon-fri", NULL, "2024-01-19T10:00:00Z", "2024-01-22T09:00:00Z"},
    /* both day fields restricted: either matches (Friday the 19th first) */
    {"0 0 13 * 5", NULL, "2024-01-15T10:30:00Z", "2024-01-19T00:00:00Z"},
    {"0 12 1-7 * SUN", NULL, "2024-01-15T10:30:00Z", "2024-01-21T12:00:00Z"},
    /* a stepped "*" is no star: still AND with a "*" day of week */
    {"0 12 */10 * *", NULL, "2024-01-15T10:30:00Z", "2024-01-21T12:00:00Z"},
    {"0 0 * * 1/2", NULL, "2024-01-15T10:30:00Z", "2024-01-17T00:00:00Z"},
    {"? ? ? ? ?", NULL, "2024-01-15T10:30:00Z", "2024-01-15T10:31:00Z"},
    {"5 4 * JAN,jul *", NULL, "2024-01-15T10:30:00Z", "2024-01-16T04:05:00Z"},
    {"5 4 * JAN,jul *", NULL, "2024-01-31T10:30:00Z", "2024-07-01T04:05:00Z"},
    {"0 0 29 2 *", NULL, "2024-01-15T10:30:00Z", "2024-02-29T00:00:00Z"},
    {"0 0 29 2 *", NULL, "2024-03-01T00:00:00Z", "2028-02-29T00:00:00Z"},
    {"0 0 31 * *", NULL, "2024-04-01T00:00:00Z", "2024-05-31T00:00:00Z"},
    {"59 23 31 12 *", NULL, "2024-01-15T10:30:00Z", "2024-12-31T23:59:00Z"},
    {"1,2,,3 * * * *", NULL, "2024-01-15T10:30:00Z", "2024-01-15T11:01:00Z"},
    {", * * * *", NULL, "2024-01-15T10:30:00Z", "never"},
    {"0 0 , * 1", NULL, "2024-01-15T10:30:00Z", "2024-01-22T00:00:00Z"}, /* OR: Mondays */
    {"0 0 , * *", NULL, "2024-01-15T10:30:00Z", "never"},                /* AND: no day */
    {"0 0 30 2 *", NULL, "2024-01-15T10:30:00Z", "never"},
    {"@yearly", NULL, "2024-01-15T10:30:00Z", "2025-01-01T00:00:00Z"},
    {"@annually", NULL, "2024-01-15T10:30:00Z", "2025-01-01T00:00:00Z"},
    {"@monthly", NULL, "2024-01-15T10:30:00Z", "2024-02-01T00:00:00Z"},
    {"@weekly", NULL, "2024-01-15T10:30:00Z", "2024-01-21T00:00:00Z"},
    {"@daily", NULL, "2024-01-15T10:30:00Z", "2024-01-16T00:00:00Z"},
    {"@midnight", NULL, "2024-01-15T10:30:00Z", "2024-01-16T00:00:00Z"},
    {"@hourly", NULL, "2024-01-15T10:30:00Z", "2024-01-15T11:00:00Z"},
    {"@every 90m", NULL, "2024-01-15T10:30:00Z", "2024-01-15T12:00:00Z"},
    {"@every 90m", NULL, "2024-01-15T10:30:00.7Z", "2024-01-15T12:00:00Z"},
    {"@every 1500ms", NULL, "2024-01-15T10:30:00Z", "2024-01-15T10:30:01Z"}, /* whole seconds */
    {"@every 100ms", NULL, "2024-01-15T10:30:00Z", "2024-01-15T10:30:01Z"},  /* at least 1 s */
    {"0 9 * * *", "Etc/GMT-2", "2024-01-15T10:30:00Z", "2024-01-16T07:00:00Z"}, /* UTC+2 */
    {"0 9 * * *", "Etc/GMT+5", "2024-01-15T10:30:00Z", "2024-01-15T14:00:00Z"}, /* UTC-5 */
    {"0 0 * * *", "Etc/GMT-14", "2024-01-15T10:30:00Z", "2024-01-16T10:00:00Z"},
    {"0 0 * * *", "UTC", "2024-01-15T10:30:00Z", "2024-01-16T00:00:00Z"},
    {"0 0 * * *", "Etc/UTC", "1969-12-31T12:00:00Z", "1970-01-01T00:00:00Z"},
    {"30 2 * * 4", NULL, "1970-01-01T00:00:00Z", "1970-01-01T02:30:00Z"}, /* a Thursday */
    /* Daylight saving time, robfig/cron v3's spec_test.go cases (America/New_York,
     * 2012: EST -> EDT at 2012-03-11 07:00Z, EDT -> EST at 2012-11-04 06:00Z) */
    {"30 2 11 Mar *", NY, "2012-03-11T00:00:00-05:00", "2013-03-11T06:30:00Z"}, /* 02:30 EDT a year on */
    {"30 2 4 Nov *", NY, "2012-11-04T00:00:00-04:00", "2012-11-04T07:30:00Z"},  /* 02:30 EST */
    {"30 1 4 Nov *", NY, "2012-11-04T01:45:00-04:00", "2012-11-04T06:30:00Z"},  /* 01:30 EST, again */
    /* hand-checked against v3's Next: hourly runs every real hour, 02:00 is skipped
     * on the spring day, 01:00 runs twice on the autumn day */
    {"0 * * * *", NY, "2012-03-11T01:00:00-05:00", "2012-03-11T07:00:00Z"}, /* 03:00 EDT */
    {"0 2 * * *", NY, "2012-03-11T00:00:00-05:00", "2012-03-12T06:00:00Z"}, /* not on the 11th */
    {"0 1 * * *", NY, "2012-11-04T00:00:00-04:00", "2012-11-04T05:00:00Z"}, /* 01:00 EDT */
    {"0 1 * * *", NY, "2012-11-04T01:00:00-04:00", "2012-11-04T06:00:00Z"}, /* 01:00 EST */
    {"0 1 * * *", NY, "2012-11-04T01:00:00-05:00", "2012-11-05T06:00:00Z"},
    {"0 * * * *", NY, "2012-11-04T01:00:00-04:00", "2012-11-04T06:00:00Z"}, /* 01:00 EST */
    /* Europe/Berlin, 2026: CET -> CEST at 2026-03-29 01:00Z, CEST -> CET at 2026-10-25 01:00Z */
    {"30 2 * * *", BERLIN, "2026-03-28T12:00:00+01:00", "2026-03-30T00:30:00Z"}, /* 29th skipped */
    {"0 3 * * *", BERLIN, "2026-03-28T12:00:00+01:00", "2026-03-29T01:00:00Z"},  /* 03:00 CEST */
    {"0 0 * * *", BERLIN, "2026-03-28T12:00:00+01:00", "2026-03-28T23:00:00Z"},  /* CET midnight */
    {"0 0 * * *", BERLIN, "2026-03-29T12:00:00+02:00", "2026-03-29T22:00:00Z"},  /* CEST midnight */
    {"30 2 * * *", BERLIN, "2026-10-24T12:00:00+02:00", "2026-10-25T00:30:00Z"}, /* 02:30 CEST */
    {"30 2 * * *", BERLIN, "2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z"},      /* 02:30 CET */
    {"30 2 * * *", BERLIN, "2026-10-25T01:30:00Z", "2026-10-26T01:30:00Z"},
    {"0 * * * *", BERLIN, "2026-10-25T02:00:00+02:00", "2026-10-25T01:00:00Z"}, /* 02:00 CET */
    {"0 9 * * MON", BERLIN, "2026-10-23T12:00:00+02:00", "2026-10-26T08:00:00Z"},
    /* America/Sao_Paulo, 2018: midnight of 2018-11-04 did not exist (00:00 -> 01:00);
     * robfig's hour walk passes 01:00 and finds the next real midnight */
    {"0 0 * * *", "America/Sao_Paulo", "2018-11-03T12:00:00-03:00", "2018-11-05T02:00:00Z"},
};

static void test_next_times(void **state) {
  for (guint i = 0; i < G_N_ELEMENTS(next_cases); i++) {
    const NextCase *c = &next_cases[i];
    GError *error = NULL;
    g_autoptr(KsCronSchedule) s = ks_cron_parse(c->spec, &error);
    if (!s)
      fail_msg("%s: %s", c->spec, error->message);
    GTimeZone *z = zone(c->tz);
    char *got = iso(ks_cron_next(s, z, at(c->after)));
    g_time_zone_unref(z);
    if (strcmp(got, c->want))
      fail_msg("%s after %s: got %s, want %s", c->spec, c->after, got, c->want);
    g_free(got);
  }
}

typedef struct {
  const char *spec;
  const char *message;
} BadCase;

static const BadCase bad_cases[] = {
    {"", "empty spec string"},
    {"* * * *", "expected exactly 5 fields, found 4: [* * * *]"},
    {"* * * * * *", "expected exactly 5 fields, found 6: [* * * * * *]"},
    {" @daily", "expected exactly 5 fields, found 1: [@daily]"},
    {"61 * * * *", "end of range (61) above maximum (59): 61"},
    {"* 24 * * *", "end of range (24) above maximum (23): 24"},
    {"* * 0 * *", "beginning of range (0) below minimum (1): 0"},
    {"* * 32 * *", "end of range (32) above maximum (31): 32"},
    {"* * * 13 *", "end of range (13) above maximum (12): 13"},
    {"* * * 0 *", "beginning of range (0) below minimum (1): 0"},
    {"* * * * 7", "end of range (7) above maximum (6): 7"},
    {"5-3 * * * *", "beginning of range (5) beyond end of range (3): 5-3"},
    {"* * * * SAT-MON", "beginning of range (6) beyond end of range (1): SAT-MON"},
    {"*/0 * * * *", "step of range should be a positive number: */0"},
    {"1-2-3 * * * *", "too many hyphens: 1-2-3"},
    {"*/2/3 * * * *", "too many slashes: */2/3"},
    {"x * * * *", "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax"},
    {"-1 * * * *", "failed to parse int from : strconv.Atoi: parsing \"\": invalid syntax"},
    {"*/-5 * * * *", "negative number (-5) not allowed: -5"},
    {"* * * FOO *", "failed to parse int from FOO: strconv.Atoi: parsing \"FOO\": invalid syntax"},
    {"* * * * MON-FOO",
     "failed to parse int from FOO: strconv.Atoi: parsing \"FOO\": invalid syntax"},
    {"99999999999999999999 * * * *",
     "failed to parse int from 99999999999999999999: strconv.Atoi: parsing "
     "\"99999999999999999999\": value out of range"},
    /* the first bad field is reported */
    {"60 24 * * *", "end of range (60) above maximum (59): 60"},
    {"@fortnightly", "unrecognized descriptor: @fortnightly"},
    {"@daily ", "unrecognized descriptor: @daily "},
    {"@every x", "failed to parse duration @every x: time: invalid duration \"x\""},
    {"CRON_TZ=UTC 0 * * * *", "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"},
    {"TZ=Europe/Paris @daily", "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"},
};

static void test_bad_schedules(void **state) {
  for (guint i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
    GError *error = NULL;
    KsCronSchedule *s = ks_cron_parse(bad_cases[i].spec, &error);
    if (s)
      fail_msg("\"%s\" parsed", bad_cases[i].spec);
    assert_non_null(error);
    assert_true(g_error_matches(error, KS_CRON_ERROR, KS_CRON_ERROR_INVALID));
    if (strcmp(error->message, bad_cases[i].message))
      fail_msg("\"%s\": got \"%s\"", bad_cases[i].spec, error->message);
    g_error_free(error);
  }
}

static gint32 offset_at(GTimeZone *z, const char *when) {
  gint64 t = at(when) / G_USEC_PER_SEC;
  return g_time_zone_get_offset(z, g_time_zone_find_interval(z, G_TIME_TYPE_UNIVERSAL, t));
}

static void test_time_zones(void **state) {
  static const struct {
    const char *tz;
    gint32 winter, summer; /* offsets on 2026-01-15 and 2026-07-15 */
  } good[] = {{"UTC", 0, 0},
              {"Etc/UTC", 0, 0},
              {"GMT", 0, 0},
              {"Zulu", 0, 0},
              {"Etc/GMT+0", 0, 0},
              {"Etc/GMT+5", -5 * 3600, -5 * 3600},
              {"Etc/GMT-14", 14 * 3600, 14 * 3600},
              {"Etc/GMT+12", -12 * 3600, -12 * 3600},
              {"Etc/GMT-1", 3600, 3600},
              {NY, -5 * 3600, -4 * 3600},
              {BERLIN, 3600, 2 * 3600},
              {"Australia/Sydney", 11 * 3600, 10 * 3600},
              {"Asia/Kolkata", 19800, 19800}};
  for (guint i = 0; i < G_N_ELEMENTS(good); i++) {
    GTimeZone *z = zone(good[i].tz);
    assert_int_equal(offset_at(z, "2026-01-15T12:00:00Z"), good[i].winter);
    assert_int_equal(offset_at(z, "2026-07-15T12:00:00Z"), good[i].summer);
    g_time_zone_unref(z);
  }
  static const struct {
    const char *tz;
    const char *message;
  } bad[] = {
      {"", "timeZone must be nil or non-empty string"},
      {"Local", "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"},
      {"Foo//Bar", "unknown time zone Foo//Bar"},
      {"/UTC", "unknown time zone /UTC"},
      {"Etc/-UTC", "unknown time zone Etc/-UTC"},
      {"America/Argentina/Buenos Aires", "unknown time zone America/Argentina/Buenos Aires"},
      {"Etc/GMT+13", "unknown time zone Etc/GMT+13"},
      {"Etc/GMT-15", "unknown time zone Etc/GMT-15"},
      {"Etc/GMT+05", "unknown time zone Etc/GMT+05"},
      {"Mars/Olympus_Mons", "unknown time zone Mars/Olympus_Mons"},
      /* a POSIX TZ string glib would read, but no zone of the database */
      {"XYZ5", "unknown time zone XYZ5"},
      {"America", "unknown time zone America"}, /* a directory of the database */
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    GError *error = NULL;
    assert_null(ks_cron_time_zone(bad[i].tz, &error));
    assert_true(g_error_matches(error, KS_CRON_ERROR, KS_CRON_ERROR_INVALID));
    assert_string_equal(error->message, bad[i].message);
    g_error_free(error);
  }
  GTimeZone *z = ks_cron_time_zone(NULL, NULL);
  assert_int_equal(offset_at(z, "2026-07-15T12:00:00Z"), 0);
  g_time_zone_unref(z);
}

/* ---- brute force ---------------------------------------------------------------- */

typedef gboolean (*Pred)(GDateTime *d);

static gboolean p_quarter_office(GDateTime *d) {
  gint wd = g_date_time_get_day_of_week(d) % 7; /* Sunday 0 */
  gint h = g_date_time_get_hour(d);
  return g_date_time_get_minute(d) % 15 == 0 && h >= 9 && h <= 17 && wd >= 1 && wd <= 5;
}
static gboolean p_friday_13(GDateTime *d) {
  return g_date_time_get_minute(d) == 0 && g_date_time_get_hour(d) == 0 &&
         (g_date_time_get_day_of_month(d) == 13 || g_date_time_get_day_of_week(d) == 5);
}
static gboolean p_odd_months_last(GDateTime *d) {
  gint m = g_date_time_get_month(d);
  return g_date_time_get_minute(d) == 30 && g_date_time_get_hour(d) == 23 &&
         g_date_time_get_day_of_month(d) == 31 && m % 2 == 1;
}
static gboolean p_every_7(GDateTime *d) {
  /* 7,14,...,56 then 0: "*" stepped restarts each hour */
  return g_date_time_get_minute(d) % 7 == 0;
}
static gboolean p_weekend_noon(GDateTime *d) {
  gint wd = g_date_time_get_day_of_week(d) % 7;
  return g_date_time_get_minute(d) == 0 && g_date_time_get_hour(d) == 12 && (wd == 0 || wd == 6);
}

static void test_brute_force(void **state) {
  static const struct {
    const char *spec;
    Pred pred;
    gint64 step_s; /* how far apart the starting instants are */
  } cases[] = {
      {"*/15 9-17 * * MON-FRI", p_quarter_office, 3 * 3600 + 7},
      {"0 0 13 * FRI", p_friday_13, 5 * 86400 + 3},
      {"30 23 31 JAN-DEC/2 *", p_odd_months_last, 23 * 86400 + 11},
      {"*/7 * * * *", p_every_7, 1999},
      {"0 12 * * SAT,SUN", p_weekend_noon, 86400 + 17},
  };
  gint64 start = at("2023-11-20T05:06:07Z");
  for (guint c = 0; c < G_N_ELEMENTS(cases); c++) {
    g_autoptr(KsCronSchedule) s = ks_cron_parse(cases[c].spec, NULL);
    assert_non_null(s);
    for (guint k = 0; k < 20; k++) {
      gint64 after = start + (gint64)k * cases[c].step_s * G_USEC_PER_SEC;
      gint64 next = ks_cron_next(s, NULL, after);
      assert_true(next > after);
      assert_int_equal(next % (60 * G_USEC_PER_SEC), 0);
      GDateTime *d = utc(next);
      assert_true(cases[c].pred(d));
      g_date_time_unref(d);
      /* no activation in between: every whole minute in (after, next) fails */
      for (gint64 m = (after / (60 * G_USEC_PER_SEC) + 1) * 60 * G_USEC_PER_SEC; m < next;
           m += 60 * G_USEC_PER_SEC) {
        GDateTime *x = utc(m);
        gboolean hit = cases[c].pred(x);
        g_date_time_unref(x);
        if (hit) {
          char *a = iso(after), *n = iso(next), *mm = iso(m);
          fail_msg("%s after %s: next %s skips %s", cases[c].spec, a, n, mm);
        }
      }
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_next_times),
      cmocka_unit_test(test_bad_schedules),
      cmocka_unit_test(test_time_zones),
      cmocka_unit_test(test_brute_force),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
