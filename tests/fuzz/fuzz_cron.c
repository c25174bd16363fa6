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
    static const gint64 starts[] = {0, 1718000000123456, -86400000000, 4102444800000000};
    for (guint i = 0; i < G_N_ELEMENTS(starts); i++) {
      gint64 t = starts[i];
      for (int k = 0; k < 3; k++) {
        gint64 next = ks_cron_next(sched, (k - 1) * 3600, t);
        if (next == KS_CRON_NEVER)
          break;
        if (next <= t || next % 1000000 != 0)
          abort();
        t = next;
      }
    }
    ks_cron_free(sched);
  }
  gint32 off = 0;
  if (!ks_cron_time_zone_offset(s, &off, &error)) {
    if (!error || error->domain != KS_CRON_ERROR)
      abort();
    g_clear_error(&error);
  } else if (off < -12 * 3600 || off > 14 * 3600) {
    abort();
  }
  g_free(s);
  return 0;
}
