/* Fuzz target: any byte string is parsed as a cron schedule and as a time
 * zone. It must never crash, hang or leak; a failure must carry a
 * KS_CRON_ERROR message; a parsed schedule's next activation must lie
 * strictly after the instant asked about (or be KS_CRON_NEVER), on a whole
 * second, and asking again from it must move forward. */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>

#include "sim/controllers/cron.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = g_strndup((const char *)data, size); /* stops at an embedded NUL */
  GError *error = NULL;
  KsCronSchedule *sched = ks_cron_parse(s, &error);
  if (!sched) {
    if (!error || !error->message || error->domain != KS_CRON_ERROR)
      abort();
    g_clear_error(&error);
  } else {
    static const gint64 starts[] = {0, 1718000000123456, -86400000000, 4102444800000000,
                                    1792890000000000 /* 2026-10-25, Berlin's DST end */};
    GTimeZone *zones[] = {NULL, g_time_zone_new_offset(-3600), g_time_zone_new_offset(3600),
                          ks_cron_time_zone("Europe/Berlin", NULL),
                          ks_cron_time_zone("America/New_York", NULL)};
    for (guint i = 0; i < G_N_ELEMENTS(starts); i++) {
      gint64 t = starts[i];
      for (guint k = 0; k < G_N_ELEMENTS(zones); k++) {
        gint64 next = ks_cron_next(sched, zones[k], t);
        if (next == KS_CRON_NEVER)
          break;
        if (next <= t || next % 1000000 != 0)
          abort();
        t = next;
      }
    }
    for (guint k = 0; k < G_N_ELEMENTS(zones); k++)
      if (zones[k])
        g_time_zone_unref(zones[k]);
    ks_cron_free(sched);
  }
  GTimeZone *zone = ks_cron_time_zone(s, &error);
  if (!zone) {
    if (!error || error->domain != KS_CRON_ERROR)
      abort();
    g_clear_error(&error);
  } else {
    gint32 off = g_time_zone_get_offset(zone, g_time_zone_find_interval(zone, G_TIME_TYPE_UNIVERSAL, 0));
    if (off < -12 * 3600 || off > 14 * 3600)
      abort();
    g_time_zone_unref(zone);
  }
  g_free(s);
  return 0;
}
