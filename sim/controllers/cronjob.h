/* The CronJob controller (upstream pkg/controller/cronjob, controllerv2,
 * v1.31), and the schedule arithmetic it runs on, exposed for tests.
 *
 * Each sync: finished jobs beyond successfulJobsHistoryLimit /
 * failedJobsHistoryLimit are deleted (oldest start first); status.active
 * loses finished and vanished jobs; lastSuccessfulTime follows the newest
 * completion; then, unless suspended, the most recent unmet schedule time
 * is found (mostRecentScheduleTime) and, if it is not later than
 * startingDeadlineSeconds ago, a Job "<cronjob>-<minutes since the epoch>"
 * is made from jobTemplate under concurrencyPolicy Allow / Forbid (skip
 * while one is active) / Replace (delete the active ones first). The key
 * is requeued at the next schedule time + 100 ms.
 *
 * Clock: sim time is read as Unix time; sim 0 is 1970-01-01T00:00:00Z (a
 * Thursday). Job names and schedules use that clock.
 */
#pragma once
#include <glib.h>

#include "sim/controllers/cron.h"
#include "sim/controllers/runtime.h"

#define KS_CRONJOB_DEFAULT_WORKERS 5 /* --concurrent-cron-job-syncs */

/* The controller class, for the manager's table. */
extern const KsControllerClass ks_cronjob_controller_class;

#define KS_CRONJOB_NEXT_SCHEDULE_DELTA_US ((gint64)100000) /* nextScheduleDelta: 100 ms */
#define KS_CRONJOB_MANY_MISSED 100 /* more missed start times than this: "too many" */

typedef enum {
  KS_CRONJOB_NONE_MISSED,
  KS_CRONJOB_FEW_MISSED,
  KS_CRONJOB_MANY_MISSED_SCHEDULES,
} KsCronJobMissed;

typedef struct {
  const KsCronSchedule *schedule;
  GTimeZone *zone;              /* spec.timeZone (transfer none; NULL: UTC) */
  gint64 creation_us;          /* metadata.creationTimestamp */
  gint64 last_schedule_us;     /* status.lastScheduleTime; < 0: unset */
  gint64 starting_deadline_s;  /* spec.startingDeadlineSeconds; < 0: unset */
} KsCronJobTimes;

/* Upstream mostRecentScheduleTime: earliest = lastScheduleTime or the
 * creation time (moved up to now - startingDeadlineSeconds when
 * include_deadline); *most_recent is the latest activation in
 * (earliest, now], KS_CRON_NEVER when none; *missed says whether more than
 * one (few) or more than 100 (many) fell in that window, estimated from the
 * gap between the first two activations as upstream does. FALSE with an
 * error for a schedule whose two next activations are less than a second
 * apart (one that never fires: "time difference between two schedules is
 * less than 1 second"). */
gboolean ks_cronjob_most_recent_schedule(const KsCronJobTimes *t, gint64 now_us,
                                         gboolean include_deadline, gint64 *earliest,
                                         gint64 *most_recent, KsCronJobMissed *missed,
                                         GError **error);
/* Upstream nextScheduleTimeDuration: how long from now_us until the sync
 * after the next activation (that activation + 100 ms - now). */
gint64 ks_cronjob_next_schedule_delay(const KsCronJobTimes *t, gint64 now_us);
/* "<cronjob>-<scheduled time in whole minutes since the epoch>". transfer full */
char *ks_cronjob_job_name(const char *cronjob, gint64 scheduled_us);
