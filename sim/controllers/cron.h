/* Cron schedules as the CronJob controller reads spec.schedule (upstream
 * v1.31 parses it with robfig/cron v3's ParseStandard).
 *
 * Syntax: five fields "minute hour day-of-month month day-of-week", each a
 * comma-separated list of "*", "?", N, N-M, with an optional "/step"
 * ("N/step" means N-max/step); months JAN-DEC and days SUN-SAT by name (any
 * case; Sunday is 0, 7 is rejected as upstream does); the descriptors
 * @yearly @annually @monthly @weekly @daily @midnight @hourly and
 * "@every <Go duration>". When neither day field starts with "*" or "?" a day
 * matches either of them (cron's OR rule); otherwise both must match.
 *
 * A schedule containing "TZ" is rejected as the API server rejects it on
 * create ("CRON_TZ=" / "TZ=" prefixes: use spec.timeZone instead).
 * spec.timeZone: UTC and its aliases and the fixed-offset zones
 * (Etc/GMT+N, Etc/GMT-N) need nothing; every other IANA zone
 * (Europe/Berlin, America/New_York, ...) is read from the system's tz
 * database (Debian package tzdata), daylight saving time included.
 *
 * Times are Unix time in microseconds (UTC). Error messages are upstream's
 * words, so what kubectl would print for a bad schedule is what ksim prints.
 */
#pragma once
#include <glib.h>

#define KS_CRON_ERROR (ks_cron_error_quark())
GQuark ks_cron_error_quark(void);
typedef enum {
  KS_CRON_ERROR_INVALID,     /* the API server would reject it */
} KsCronError;

/* "no next time": the schedule never fires again (e.g. "0 0 30 2 *"). As
 * robfig/cron, the search gives up after five years. */
#define KS_CRON_NEVER G_MININT64

typedef struct KsCronSchedule KsCronSchedule;

/* Parses a schedule (spec.schedule). On error returns NULL and sets a
 * KS_CRON_ERROR whose message is upstream's, e.g.
 *   end of range (61) above maximum (59): 61
 *   expected exactly 5 fields, found 4: [* * * *]
 *   cannot use TZ or CRON_TZ in schedule, use timeZone field instead
 * transfer full */
KsCronSchedule *ks_cron_parse(const char *spec, GError **error);
void ks_cron_free(KsCronSchedule *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(KsCronSchedule, ks_cron_free)

/* spec.timeZone as a zone (upstream validateTimeZone, then
 * time.LoadLocation). NULL means unset: the controller's zone, which ksim
 * takes to be UTC. Messages as upstream's: "unknown time zone Foo/Bar"
 * (also for a real zone when the tz database is not installed), "timeZone
 * must be nil or non-empty string", "timeZone must be an explicit time zone
 * as defined in https://www.iana.org/time-zones" (Local). transfer full */
GTimeZone *ks_cron_time_zone(const char *time_zone, GError **error);

/* The first activation strictly after after_us (Unix µs), in zone (NULL:
 * UTC), as robfig/cron v3's SpecSchedule.Next computes it across daylight
 * saving changes (see cron.c); KS_CRON_NEVER when none within five years.
 * Activations fall on whole seconds (whole minutes for the five-field form). */
gint64 ks_cron_next(const KsCronSchedule *s, GTimeZone *zone, gint64 after_us);
