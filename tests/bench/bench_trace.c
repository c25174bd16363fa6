/* Benchmark of the native ksim trace format (not a test: it prints figures
 * and asserts nothing about speed).
 *
 *   bench_trace [PODS] [DIR]   default 1000000 pods, DIR default /tmp
 *
 * Phases, on a synthetic trace (synth_ksim.c) of PODS pods:
 *   synth        generate + write the plain file
 *   read plain   events/s and MB/s of text parsed into KsPods/KsNodes
 *   write plain  read + write to another file, minus the read time
 *   write gzip   the same into a .gz (compression level 6)
 *   read gzip    events/s, MB/s of text and of compressed bytes
 * and the peak RSS at the end (the reader streams: it stays small).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "traces/trace_reader.h"
#include "traces/trace_writer.h"

static double now_s(void) {
  return g_get_monotonic_time() / 1e6;
}

static double file_mb(const char *path) {
  GStatBuf st;
  return g_stat(path, &st) == 0 ? st.st_size / 1e6 : 0.0;
}

/* Reads path (writing each event to out when out); returns the event count. */
static guint64 pass(const char *path, const char *out) {
  GError *error = NULL;
  KsTraceSource *src = ks_trace_ksim_open(path, NULL, &error);
  if (!src) {
    fprintf(stderr, "bench_trace: %s\n", error->message);
    exit(1);
  }
  KsTraceWriter *w = out ? ks_trace_writer_open(out, FALSE, &error) : NULL;
  KsTraceEvent ev;
  ks_trace_event_init(&ev);
  guint64 n = 0;
  while (ks_trace_source_next(src, &ev, &error)) {
    if (w && !ks_trace_writer_write(w, &ev, &error))
      break;
    n++;
  }
  ks_trace_event_clear(&ev);
  if (error || (w && !ks_trace_writer_close(w, &error))) {
    fprintf(stderr, "bench_trace: %s\n", error->message);
    exit(1);
  }
  ks_trace_source_free(src);
  return n;
}

int main(int argc, char **argv) {
  guint64 pods = argc > 1 ? g_ascii_strtoull(argv[1], NULL, 10) : 1000000;
  const char *dir = argc > 2 ? argv[2] : g_get_tmp_dir();
  char *plain = g_strdup_printf("%s/bench-trace-%d.ksim", dir, (int)getpid());
  char *copy = g_strdup_printf("%s/bench-trace-%d-copy.ksim", dir, (int)getpid());
  char *gz = g_strdup_printf("%s/bench-trace-%d.ksim.gz", dir, (int)getpid());
  GError *error = NULL;

  double t0 = now_s();
  if (!ks_trace_ksim_synth(plain, 1, pods, &error)) {
    fprintf(stderr, "bench_trace: %s\n", error->message);
    return 1;
  }
  double t_synth = now_s() - t0;
  double mb = file_mb(plain);

  t0 = now_s();
  guint64 n = pass(plain, NULL);
  double t_read = now_s() - t0;

  t0 = now_s();
  pass(plain, copy);
  double t_write = now_s() - t0 - t_read;

  t0 = now_s();
  pass(plain, gz);
  double t_wgz = now_s() - t0 - t_read;
  double mbz = file_mb(gz);

  t0 = now_s();
  guint64 nz = pass(gz, NULL);
  double t_rgz = now_s() - t0;

  printf("trace: %" G_GUINT64_FORMAT " events, %.1f MB plain, %.1f MB gzip (%.1f%%)\n", n, mb,
         mbz, 100.0 * mbz / mb);
  printf("synth       %8.2f s  %10.0f events/s\n", t_synth, n / t_synth);
  printf("read plain  %8.2f s  %10.0f events/s  %7.1f MB/s\n", t_read, n / t_read, mb / t_read);
  printf("write plain %8.2f s  %10.0f events/s  %7.1f MB/s\n", t_write, n / t_write, mb / t_write);
  printf("write gzip  %8.2f s  %10.0f events/s  %7.1f MB/s (text)\n", t_wgz, n / t_wgz,
         mb / t_wgz);
  printf("read gzip   %8.2f s  %10.0f events/s  %7.1f MB/s (text)  %5.1f MB/s (compressed)\n",
         t_rgz, nz / t_rgz, mb / t_rgz, mbz / t_rgz);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("peak RSS    %8.1f MiB\n", ru.ru_maxrss / 1024.0);
  g_unlink(plain);
  g_unlink(copy);
  g_unlink(gz);
  g_free(plain);
  g_free(copy);
  g_free(gz);
  return nz == n ? 0 : 1;
}
