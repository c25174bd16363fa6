/* bench_replay: replay throughput of a synthetic native trace through the
 * whole simulator (trace feed, admission, store, scheduler with the default
 * profile, node agent, recorder, HDF5 results), as `ksim run` does it.
 *
 *   bench_replay [--pods N] [--seed S] [--trace PATH] [--mode replay|fill]
 *                [--pod-gc-threshold N]
 *
 * Generates PATH (default /tmp/ksim-bench-replay-<pods>.ksim.gz) with the
 * native format's synth when it does not exist (a week of pods, one node
 * per 400 pods: 2,000,000 pods -> 5,000 nodes), then replays it and prints
 * events/s, pods/s, peak RSS and memory per in-flight pod (peak RSS over the
 * largest number of pods alive at a sample). The pod garbage collector runs
 * as in `ksim run` (threshold 12,500; --pod-gc-threshold 0 turns it off, to
 * see what keeping every finished pod costs). A benchmark prints figures;
 * it is never a test.
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "sim/results_read.h"
#include "sim/simulation.h"
#include "traces/trace_reader.h"
#include "workloads/scenario.h"

static gint64 peak_rss_bytes(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (gint64)ru.ru_maxrss * 1024;
}

static gint64 peak_alive(const char *results) {
  GError *error = NULL;
  KsResults *r = ks_results_read(results, &error);
  if (!r) {
    fprintf(stderr, "bench_replay: %s\n", error->message);
    g_error_free(error);
    return 0;
  }
  gint64 peak = 0;
  for (gsize i = 0; i < r->n_samples; i++)
    peak = MAX(peak, (gint64)r->samples[i].pending + r->samples[i].running);
  ks_results_free(r);
  return peak;
}

static gboolean ensure_trace(const char *path, guint64 seed, guint64 pods) {
  if (g_file_test(path, G_FILE_TEST_EXISTS))
    return TRUE;
  GError *error = NULL;
  gint64 t0 = g_get_monotonic_time();
  if (!ks_trace_ksim_synth(path, seed, pods, &error)) {
    fprintf(stderr, "bench_replay: synth: %s\n", error->message);
    g_error_free(error);
    return FALSE;
  }
  printf("synth: %" G_GUINT64_FORMAT " pods in %.1f s -> %s\n", pods,
         (g_get_monotonic_time() - t0) / 1e6, path);
  return TRUE;
}

int main(int argc, char **argv) {
  gint64 pods = 2000000, seed = 1, gc_threshold = -1;
  char *trace = NULL, *mode = NULL;
  GOptionEntry entries[] = {
    {"pods", 0, 0, G_OPTION_ARG_INT64, &pods, "Pods in the synthetic trace (default 2000000)", "N"},
    {"seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the trace and the run", "S"},
    {"trace", 0, 0, G_OPTION_ARG_FILENAME, &trace, "Trace file (made when missing)", "PATH"},
    {"mode", 0, 0, G_OPTION_ARG_STRING, &mode, "replay (default) or fill", "MODE"},
    {"pod-gc-threshold", 0, 0, G_OPTION_ARG_INT64, &gc_threshold,
     "Terminated pods kept before the pod garbage collector deletes (default 12500; 0: off)", "N"},
    {NULL},
  };
  GOptionContext *ctx = g_option_context_new("- replay throughput");
  g_option_context_add_main_entries(ctx, entries, NULL);
  GError *error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error) || pods <= 0) {
    fprintf(stderr, "bench_replay: %s\n", error ? error->message : "--pods must be positive");
    return 2;
  }
  g_option_context_free(ctx);
  if (!ks_trace_format_lookup("ksim")) {
    fprintf(stderr, "bench_replay: the ksim trace format is not registered\n");
    return 2;
  }
  if (!trace)
    trace = g_strdup_printf("%s/ksim-bench-replay-%" G_GINT64_FORMAT ".ksim.gz", g_get_tmp_dir(),
                            pods);
  if (!ensure_trace(trace, (guint64)seed, (guint64)pods))
    return 1;
  char *yaml = g_strdup_printf("apiVersion: ksim.io/v1alpha1\nkind: Scenario\n"
                               "metadata: {name: bench-replay}\n"
                               "spec:\n  duration: 169h\n  sampleInterval: 10m\n"
                               "  trace: {path: \"%s\", mode: %s}\n",
                               trace, mode ? mode : "replay");
  KsScenario *s = ks_scenario_load_string(yaml, strlen(yaml), "bench.yaml", NULL, &error);
  if (!s) {
    fprintf(stderr, "bench_replay: %s\n", error->message);
    return 2;
  }
  char *out = g_strdup_printf("%s/ksim-bench-replay-%d.h5", g_get_tmp_dir(), (int)getpid());
  KsRunOptions opts = {.output = out, .has_seed = TRUE, .seed = (guint64)seed,
                       .has_pod_gc_threshold = gc_threshold >= 0,
                       .pod_gc_threshold = gc_threshold};
  KsRunReport report;
  if (!ks_simulation_run(s, &opts, &report, &error)) {
    fprintf(stderr, "bench_replay: %s\n", error->message);
    return 1;
  }
  gint64 rss = peak_rss_bytes(), alive = peak_alive(out);
  printf("replay: %" G_GUINT64_FORMAT " trace events, %" G_GUINT64_FORMAT " pods created, %"
         G_GUINT64_FORMAT " bound, %" G_GUINT64_FORMAT " finished, %" G_GUINT64_FORMAT
         " engine events, %" G_GUINT64_FORMAT " cycles, %" G_GUINT64_FORMAT
         " pods garbage-collected in %.1f s\n",
         report.trace_events, report.pods_created, report.pods_bound, report.pods_finished,
         report.events, report.cycles, report.pods_garbage_collected, report.wall_seconds);
  printf("throughput: %.0f trace events/s, %.0f pods/s, %.0f engine events/s\n",
         report.trace_events / report.wall_seconds, report.pods_created / report.wall_seconds,
         report.events / report.wall_seconds);
  printf("scheduler: %.1f nodes examined per cycle\n",
         report.cycles ? (double)report.nodes_examined / (double)report.cycles : 0.0);
  printf("memory: peak RSS %.1f MiB, peak pods alive %" G_GINT64_FORMAT ", %.0f bytes per in-flight pod\n",
         rss / 1048576.0, alive, alive ? (double)rss / (double)alive : 0.0);
  ks_run_report_clear(&report);
  g_unlink(out);
  g_free(out);
  g_free(yaml);
  g_free(trace);
  g_free(mode);
  ks_scenario_free(s);
  return 0;
}
