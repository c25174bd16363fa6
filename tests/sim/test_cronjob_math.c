/* Tests of the CronJob controller's schedule arithmetic
 * (sim/controllers/cronjob_math.c): upstream's mostRecentScheduleTime with
 * none, few and many missed start times and startingDeadlineSeconds, the
 * requeue delay (next activation + 100 ms), a Europe/Berlin schedule across
 * both daylight saving changes of 2026, and job names in minutes since
 * the epoch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sim/controllers/cronjob.h"

static gint64 at(const char *iso) {
  GDateTime *d = g_date_time_new_from_iso8601(iso, NULL);
  assert_non_null(d);
  gint64 us = g_date_time_to_unix(d) * G_USEC_PER_SEC + g_date_time_get_microsecond(d);
  g_date_time_unref(d);
  return us;
}

#define H ((gint64)3600 * G_USEC_PER_SEC)

typedef struct {
  const char *name;
  const char *schedule;
  const char *created;
  const char *last; /* NULL: unset */
  gint64 sds;       /* < 0: unset */
  const char *now;
  const char *want; /* NULL: none */
  KsCronJobMissed missed;
} Case;

static const Case cases[] = {
    {"before the first", "@hourly", "2016-05-19T10:00:30Z", NULL, -1, "2016-05-19T10:30:00Z", NULL,
     KS_CRONJOB_NONE_MISSED},
    {"exactly at the first", "@hourly", "2016-05-19T10:00:30Z", NULL, -1, "2016-05-19T11:00:00Z",
     "2016-05-19T11:00:00Z", KS_CRONJOB_NONE_MISSED},
    {"between the first two", "@hourly", "2016-05-19T10:00:30Z", NULL, -1,
     "2016-05-19T11:59:59Z", "2016-05-19T11:00:00Z", KS_CRONJOB_NONE_MISSED},
    {"three missed", "@hourly", "2016-05-19T10:00:30Z", NULL, -1, "2016-05-19T13:30:00Z",
     "2016-05-19T13:00:00Z", KS_CRONJOB_FEW_MISSED},
    {"from the last schedule", "@hourly", "2016-05-19T10:00:30Z", "2016-05-19T13:00:00Z", -1,
     "2016-05-19T13:30:00Z", NULL, KS_CRONJOB_NONE_MISSED},
    {"151 missed", "@hourly", "2016-05-19T10:00:30Z", NULL, -1, "2016-05-25T17:05:00Z",
     "2016-05-25T17:00:00Z", KS_CRONJOB_MANY_MISSED_SCHEDULES},
    {"deadline narrows the window", "@hourly", "2016-05-19T10:00:30Z", NULL, 600,
     "2016-05-25T17:05:00Z", "2016-05-25T17:00:00Z", KS_CRONJOB_NONE_MISSED},
    {"deadline passed", "@hourly", "2016-05-19T10:00:30Z", NULL, 60, "2016-05-25T17:05:00Z", NULL,
     KS_CRONJOB_NONE_MISSED},
    /* irregular: 6:30, 10:30, 14:30 on weekdays (2016-05-20 is a Friday) */
    {"irregular schedule", "30 6-16/4 * * 1-5", "2016-05-19T10:00:30Z", NULL, -1,
     "2016-05-23T07:00:00Z", "2016-05-23T06:30:00Z", KS_CRONJOB_FEW_MISSED},
};

static void test_most_recent(void **state) {
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    const Case *c = &cases[i];
    g_autoptr(KsCronSchedule) s = ks_cron_parse(c->schedule, NULL);
    assert_non_null(s);
    KsCronJobTimes t = {s, NULL, at(c->created), c->last ? at(c->last) : -1, c->sds};
    gint64 earliest = 0, recent = 0;
    KsCronJobMissed missed = 99;
    GError *error = NULL;
    if (!ks_cronjob_most_recent_schedule(&t, at(c->now), TRUE, &earliest, &recent, &missed,
                                         &error))
      fail_msg("%s: %s", c->name, error->message);
    if (c->want)
      assert_int_equal(recent, at(c->want));
    else if (recent != KS_CRON_NEVER)
      fail_msg("%s: want none, got %" G_GINT64_FORMAT, c->name, recent);
    if (missed != c->missed)
      fail_msg("%s: missed %d, want %d", c->name, missed, c->missed);
  }
}

static void test_never_firing_schedule(void **state) {
  g_autoptr(KsCronSchedule) s = ks_cron_parse("0 0 30 2 *", NULL);
  assert_non_null(s);
  KsCronJobTimes t = {s, NULL, at("2016-05-19T10:00:30Z"), -1, -1};
  gint64 earliest = 0, recent = 0;
  KsCronJobMissed missed = 0;
  GError *error = NULL;
  assert_false(ks_cronjob_most_recent_schedule(&t, at("2016-05-20T00:00:00Z"), TRUE, &earliest,
                                               &recent, &missed, &error));
  assert_string_equal(error->message, "time difference between two schedules is less than 1 second");
  g_error_free(error);
  assert_int_equal(ks_cronjob_next_schedule_delay(&t, at("2016-05-20T00:00:00Z")), G_MAXINT64);
}

static void test_next_delay(void **state) {
  g_autoptr(KsCronSchedule) s = ks_cron_parse("@hourly", NULL);
  KsCronJobTimes t = {s, NULL, at("2016-05-19T10:00:30Z"), -1, -1};
  /* 11:00:00.1 - 10:00:30 */
  assert_int_equal(ks_cronjob_next_schedule_delay(&t, at("2016-05-19T10:00:30Z")),
                   (gint64)3570100000);
  /* just scheduled at 13:00: the next is 14:00 */
  t.last_schedule_us = at("2016-05-19T13:00:00Z");
  assert_int_equal(ks_cronjob_next_schedule_delay(&t, at("2016-05-19T13:00:00Z")),
                   H + 100000);
  /* missed ones since the last schedule: from the most recent, not the last */
  t.last_schedule_us = at("2016-05-19T11:00:00Z");
  assert_int_equal(ks_cronjob_next_schedule_delay(&t, at("2016-05-19T13:30:00Z")),
                   H / 2 + 100000);
  /* time zones shift the activations */
  g_autoptr(KsCronSchedule) nine = ks_cron_parse("0 9 * * *", NULL);
  g_autoptr(GTimeZone) gmt5 = ks_cron_time_zone("Etc/GMT+5", NULL);
  KsCronJobTimes z = {nine, gmt5, at("2016-05-19T10:00:00Z"), -1, -1};
  assert_int_equal(ks_cronjob_next_schedule_delay(&z, at("2016-05-19T10:00:00Z")),
                   4 * H + 100000); /* 09:00 at UTC-5 is 14:00Z */
}

/* A CronJob "30 2 * * *" in Europe/Berlin across 2026's changes: the
 * spring day has no 02:30 (no Job that day), the autumn day has two. */
static void test_daylight_saving(void **state) {
  g_autoptr(KsCronSchedule) s = ks_cron_parse("30 2 * * *", NULL);
  GError *error = NULL;
  g_autoptr(GTimeZone) berlin = ks_cron_time_zone("Europe/Berlin", &error);
  if (!berlin)
    fail_msg("%s (is the tz database installed? Debian package tzdata)", error->message);
  /* last run 2026-03-28 02:30 CET; at noon on the 29th nothing is due */
  KsCronJobTimes t = {s, berlin, at("2026-03-01T00:00:00Z"), at("2026-03-28T01:30:00Z"), -1};
  gint64 earliest = 0, recent = 0;
  KsCronJobMissed missed = 99;
  assert_true(ks_cronjob_most_recent_schedule(&t, at("2026-03-29T12:00:00Z"), TRUE, &earliest,
                                              &recent, &missed, NULL));
  assert_int_equal(recent, KS_CRON_NEVER);
  assert_int_equal(missed, KS_CRONJOB_NONE_MISSED);
  /* the next is 2026-03-30 02:30 CEST = 00:30Z: 12.5 h + 100 ms on */
  assert_int_equal(ks_cronjob_next_schedule_delay(&t, at("2026-03-29T12:00:00Z")),
                   12 * H + H / 2 + 100000);
  /* autumn: after 02:30 CEST (00:30Z) comes 02:30 CET (01:30Z) */
  t.last_schedule_us = at("2026-10-25T00:30:00Z");
  assert_int_equal(ks_cronjob_next_schedule_delay(&t, at("2026-10-25T01:00:00Z")),
                   H / 2 + 100000);
  assert_true(ks_cronjob_most_recent_schedule(&t, at("2026-10-25T01:30:00Z"), TRUE, &earliest,
                                              &recent, &missed, NULL));
  assert_int_equal(recent, at("2026-10-25T01:30:00Z"));
  /* then a day later, 02:30 CET */
  t.last_schedule_us = recent;
  assert_int_equal(ks_cronjob_next_schedule_delay(&t, at("2026-10-25T01:30:00Z")),
                   24 * H + 100000);
}

static void test_job_names(void **state) {
  char *n = ks_cronjob_job_name("hello", at("2016-05-19T10:00:00Z"));
  assert_string_equal(n, "hello-24394200");
  g_free(n);
  n = ks_cronjob_job_name("hello", at("2016-05-19T10:00:59.9Z"));
  assert_string_equal(n, "hello-24394200");
  g_free(n);
  n = ks_cronjob_job_name("day", (gint64)1440 * 60 * G_USEC_PER_SEC);
  assert_string_equal(n, "day-1440");
  g_free(n);
  n = ks_cronjob_job_name("x", (gint64)-90 * G_USEC_PER_SEC); /* Go: -90 / 60 truncates to -1 */
  assert_string_equal(n, "x--1");
  g_free(n);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_most_recent),
      cmocka_unit_test(test_never_firing_schedule),
      cmocka_unit_test(test_next_delay),
      cmocka_unit_test(test_daylight_saving),
      cmocka_unit_test(test_job_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
