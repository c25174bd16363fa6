/* Fuzz target: the Google importers (google-2011 and google-2019, CSV and
 * JSON lines). The first byte picks the table the rest is written to; the
 * folder is then read to the end in both bad-row modes. It must never
 * crash, hang or leak; events must come in time order; a failure must be a
 * KS_TRACE_ERROR with a message. */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "traces/google_2011.h"
#include "traces/google_2019.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
  const KsTraceFormat *format;
  const char *file;
} targets[] = {
    {&ks_trace_format_google_2011, "task_events.csv"},
    {&ks_trace_format_google_2011, "machine_events.csv"},
    {&ks_trace_format_google_2019, "instance_events.json"},
    {&ks_trace_format_google_2019, "instance_events.csv"},
    {&ks_trace_format_google_2019, "machine_events.json"},
    {&ks_trace_format_google_2019, "machine_events.csv"},
};

static void drain(const KsTraceFormat *f, const char *dir, KsTraceBadRows mode) {
  KsTraceOpenOptions opts = {mode, NULL};
  GError *error = NULL;
  KsTraceSource *src = f->open(dir, &opts, &error);
  if (!src)
    abort(); /* the folder holds a table: opening cannot fail */
  KsTraceEvent ev;
  ks_trace_event_init(&ev);
  gint64 last = G_MININT64;
  while (ks_trace_source_next(src, &ev, &error)) {
    if (ev.time_us < last)
      abort();
    last = ev.time_us;
  }
  if (error && (error->domain != KS_TRACE_ERROR || !error->message[0]))
    abort();
  g_clear_error(&error);
  ks_trace_event_clear(&ev);
  ks_trace_source_free(src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  guint which = data[0] % G_N_ELEMENTS(targets);
  char *dir = g_dir_make_tmp("ksim-fuzz-google-XXXXXX", NULL);
  if (!dir)
    return 0;
  char *path = g_build_filename(dir, targets[which].file, NULL);
  if (g_file_set_contents(path, (const char *)data + 1, (gssize)size - 1, NULL)) {
    drain(targets[which].format, dir, KS_TRACE_BAD_ROWS_FAIL);
    drain(targets[which].format, dir, KS_TRACE_BAD_ROWS_SKIP);
  }
  g_unlink(path);
  g_rmdir(dir);
  g_free(path);
  g_free(dir);
  return 0;
}
