/* A progress bar on stderr for long runs: drawn only when stderr is a
 * terminal and the run has lasted more than a second, redrawn at most ten
 * times a second, erased at the end. */
#pragma once
#include <glib.h>

typedef struct {
  gboolean enabled;
  gint64 started;   /* monotonic µs */
  gint64 last_draw; /* monotonic µs, 0 before the first */
  gboolean drawn;
} KsProgress;

void ks_progress_init(KsProgress *p, gboolean want);
/* done/total in sim microseconds. Cheap when nothing is drawn. */
void ks_progress_update(KsProgress *p, gint64 done, gint64 total);
void ks_progress_finish(KsProgress *p);
