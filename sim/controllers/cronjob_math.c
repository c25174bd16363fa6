/* The CronJob controller's schedule arithmetic (declared in cronjob.h),
 * carried over from upstream's pkg/controller/cronjob/utils.go (v1.31):
 * mostRecentScheduleTime, nextScheduleTimeDuration, getJobName. */
#include "sim/controllers/cronjob.h"

static gint64 next(const KsCronJobTimes *t, gint64 after) {
  return after == KS_CRON_NEVER ? KS_CRON_NEVER : ks_cron_next(t->schedule, t->zone, after);
}

gboolean ks_cronjob_most_recent_schedule(const KsCronJobTimes *t, gint64 now_us,
                                         gboolean include_deadline, gint64 *earliest_out,
                                         gint64 *most_recent, KsCronJobMissed *missed,
                                         GError **error) {
  gint64 earliest = t->last_schedule_us >= 0 ? t->last_schedule_us : t->creation_us;
  if (include_deadline && t->starting_deadline_s >= 0) {
    gint64 deadline = now_us - t->starting_deadline_s * G_USEC_PER_SEC;
    if (deadline > earliest)
      earliest = deadline;
  }
  *earliest_out = earliest;
  *most_recent = KS_CRON_NEVER;
  *missed = KS_CRONJOB_NONE_MISSED;
  gint64 t1 = next(t, earliest), t2 = next(t, t1);
  /* Go's zero time stands for "never": it is before every now. */
  if (t1 != KS_CRON_NEVER && now_us < t1)
    return TRUE;
  if (t1 != KS_CRON_NEVER && (t2 == KS_CRON_NEVER ? FALSE : now_us < t2)) {
    *most_recent = t1;
    return TRUE;
  }
  /* Both activations are whole seconds, so Round(time.Second) is exact. */
  gint64 between = (t1 == KS_CRON_NEVER || t2 == KS_CRON_NEVER) ? 0 : (t2 - t1) / G_USEC_PER_SEC;
  if (between < 1) {
    g_set_error_literal(error, KS_CRON_ERROR, KS_CRON_ERROR_INVALID,
                        "time difference between two schedules is less than 1 second");
    return FALSE;
  }
  gint64 elapsed = (now_us - t1) / G_USEC_PER_SEC; /* truncated, as int64(d.Seconds()) */
  gint64 n_missed = elapsed / between + 1;
  /* Step back one interval more than the estimate and let the schedule
   * walk forward to now: exact for irregular schedules too. */
  gint64 from = t1 + (n_missed - 2) * between * G_USEC_PER_SEC;
  gint64 recent = KS_CRON_NEVER;
  for (gint64 x = next(t, from); x != KS_CRON_NEVER && x <= now_us; x = next(t, x))
    recent = x;
  if (n_missed > KS_CRONJOB_MANY_MISSED)
    *missed = KS_CRONJOB_MANY_MISSED_SCHEDULES;
  else if (n_missed > 0)
    *missed = KS_CRONJOB_FEW_MISSED;
  *most_recent = recent;
  return TRUE;
}

gint64 ks_cronjob_next_schedule_delay(const KsCronJobTimes *t, gint64 now_us) {
  gint64 earliest = 0, recent = KS_CRON_NEVER;
  KsCronJobMissed missed = KS_CRONJOB_NONE_MISSED;
  gint64 from;
  if (!ks_cronjob_most_recent_schedule(t, now_us, FALSE, &earliest, &recent, &missed, NULL))
    from = now_us;
  else if (recent == KS_CRON_NEVER)
    from = missed == KS_CRONJOB_NONE_MISSED ? earliest : now_us;
  else
    from = recent;
  gint64 n = next(t, from);
  if (n == KS_CRON_NEVER)
    return G_MAXINT64; /* never again: upstream would wait for a Go zero time, i.e. not at all */
  return n + KS_CRONJOB_NEXT_SCHEDULE_DELTA_US - now_us;
}

char *ks_cronjob_job_name(const char *cronjob, gint64 scheduled_us) {
  /* time.Unix() floors to seconds; "/ 60" then truncates toward zero */
  gint64 secs = scheduled_us / G_USEC_PER_SEC - (scheduled_us % G_USEC_PER_SEC < 0);
  return g_strdup_printf("%s-%" G_GINT64_FORMAT, cronjob, secs / 60);
}
