/* Fuzz target: arbitrary bytes through the native ksim trace reader (line
 * reader, gzip, tokens, escapes, one-line JSON manifests), in both bad-row
 * modes. Every event read is written back and must read back to the same
 * number of events: the writer never writes what the reader refuses.
 * Success or a GError are both fine; crashes, leaks, hangs, sanitizer
 * reports and a round trip that fails are not. */
#include <stdint.h>
#include <stddef.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "traces/trace_reader.h"
#include "traces/trace_writer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads path; writes what it read to out (when out); returns the count, -1 on error. */
static gint64 read_all(const char *path, KsTraceBadRows mode, const char *out) {
  KsTraceOpenOptions opts = {mode, NULL};
  GError *error = NULL;
  KsTraceSource *src = ks_trace_ksim_open(path, &opts, &error);
  if (!src) {
    g_error_free(error);
    return -1;
  }
  KsTraceWriter *w = out ? ks_trace_writer_open(out, FALSE, NULL) : NULL;
  KsTraceEvent ev;
  ks_trace_event_init(&ev);
  gint64 n = 0;
  while (ks_trace_source_next(src, &ev, &error)) {
    n++;
    if (w && !ks_trace_writer_write(w, &ev, NULL))
      __builtin_trap(); /* events come in order and whole: writing cannot fail */
  }
  ks_trace_event_clear(&ev);
  if (error) {
    g_error_free(error);
    n = -1;
  }
  ks_trace_source_free(src);
  if (w && n < 0)
    ks_trace_writer_abort(w);
  else if (w && !ks_trace_writer_close(w, NULL))
    __builtin_trap();
  return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *dir = g_dir_make_tmp("ksim-fuzz-trace-XXXXXX", NULL);
  if (!dir)
    return 0;
  char *in = g_build_filename(dir, "in.ksim", NULL);
  char *out = g_build_filename(dir, "out.ksim", NULL);
  if (g_file_set_contents(in, (const char *)data, (gssize)size, NULL)) {
    gint64 n = read_all(in, KS_TRACE_BAD_ROWS_FAIL, out);
    if (n >= 0 && read_all(out, KS_TRACE_BAD_ROWS_FAIL, NULL) != n)
      __builtin_trap();
    int saved = dup(2); /* skip mode reports rows on stderr: keep the log small */
    (void)freopen("/dev/null", "w", stderr);
    read_all(in, KS_TRACE_BAD_ROWS_SKIP, NULL);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
  }
  g_unlink(in);
  g_unlink(out);
  g_rmdir(dir);
  g_free(in);
  g_free(out);
  g_free(dir);
  return 0;
}
