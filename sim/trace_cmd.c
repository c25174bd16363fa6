/* `ksim trace`: inspect, convert and synthesise traces (docs/cli.md,
 * docs/trace-format.md).
 *
 * Every subcommand works on the KsTraceSource stream of any registered
 * format, so what inspect reports for an importer is exactly what a replay
 * would see. inspect keeps only counters, fixed histograms and the pods
 * alive right now (a min-heap of end times for pods with a run time, a set
 * of keys for pods that end by a later event), so it streams a trace far
 * larger than memory. convert is source -> writer; synth calls the
 * format's generator.
 */
#include "sim/trace_cmd.h"

#include <stdio.h>
#include <string.h>

#include "sim/cli.h"
#include "sched/gpu.h"
#include "sim/json.h"
#include "traces/trace_source.h"
#include "traces/trace_writer.h"
#include "workloads/annotations.h"

/* ---- histograms --------------------------------------------------------- */

typedef struct {
  const char *name;
  const char *unit;
  const gint64 *bounds; /* upper bounds, inclusive; one more bucket above the last */
  const char *const *labels;
  guint n_bounds;
  guint64 counts[16];
  guint64 unknown; /* run time: pods without one */
} Histogram;

static const gint64 cpu_bounds[] = {100, 250, 500, 1000, 2000, 4000, 8000, 16000, 32000};
static const char *const cpu_labels[] = {"<=100m", "<=250m", "<=500m", "<=1", "<=2", "<=4",
                                         "<=8",    "<=16",   "<=32",   ">32"};
#define MI ((gint64)1 << 20)
static const gint64 mem_bounds[] = {256 * MI, 512 * MI, 1024 * MI, 2048 * MI, 4096 * MI,
                                    8192 * MI, 16384 * MI, 32768 * MI, 65536 * MI};
static const char *const mem_labels[] = {"<=256Mi", "<=512Mi", "<=1Gi",  "<=2Gi", "<=4Gi",
                                         "<=8Gi",   "<=16Gi",  "<=32Gi", "<=64Gi", ">64Gi"};
#define SEC ((gint64)1000000)
static const gint64 run_bounds[] = {SEC, 10 * SEC, 60 * SEC, 600 * SEC, 3600 * SEC,
                                    6 * 3600 * SEC, 24 * 3600 * SEC, 7 * 24 * 3600 * SEC};
static const char *const run_labels[] = {"<=1s", "<=10s", "<=1m", "<=10m", "<=1h",
                                         "<=6h", "<=1d",  "<=1w", ">1w"};
static const gint64 gap_bounds[] = {0, 1000, 10000, 100000, SEC, 10 * SEC, 60 * SEC, 600 * SEC,
                                    3600 * SEC};
static const char *const gap_labels[] = {"0",    "<=1ms", "<=10ms", "<=100ms", "<=1s",
                                         "<=10s", "<=1m", "<=10m",  "<=1h",    ">1h"};

static void hist_add(Histogram *h, gint64 v) {
  guint i = 0;
  while (i < h->n_bounds && v > h->bounds[i])
    i++;
  h->counts[i]++;
}

/* ---- inspect ------------------------------------------------------------ */

typedef struct {
  guint64 counts[KS_TRACE_EVENT_TYPE_COUNT];
  gint64 first_us, last_us;
  gboolean any;
  KsResourceList node_capacity;  /* sum over node-add */
  KsResourceList pod_requests;   /* sum over pod-create */
  guint64 pods_with_run_time;
  gint64 run_time_total_us;
  GArray *ends;                  /* min-heap of end times of alive pods with a run time */
  GHashTable *open;              /* "ns/name" of alive pods that end by an event */
  guint64 alive, peak_alive;
  gint64 peak_at_us;
  gint64 last_create_us;
  gboolean any_create;
  /* the GPU model's view (sched/gpu.h): either way of declaring GPUs */
  guint64 gpu_nodes, gpus, gpu_pods, gpu_share_pods;
  gint64 gpu_milli_requested;
  guint64 gpu_unreadable; /* objects whose GPU keys do not parse */
  Histogram cpu, mem, run, gap;
} Inspect;

static void heap_push(GArray *h, gint64 v) {
  g_array_append_val(h, v);
  gint64 *a = (gint64 *)h->data;
  for (guint i = h->len - 1; i > 0;) {
    guint p = (i - 1) / 2;
    if (a[p] <= a[i])
      break;
    gint64 t = a[p];
    a[p] = a[i];
    a[i] = t;
    i = p;
  }
}

static void heap_pop(GArray *h) {
  gint64 *a = (gint64 *)h->data;
  a[0] = a[h->len - 1];
  g_array_set_size(h, h->len - 1);
  for (guint i = 0;;) {
    guint l = 2 * i + 1, r = l + 1, m = i;
    if (l < h->len && a[l] < a[m])
      m = l;
    if (r < h->len && a[r] < a[m])
      m = r;
    if (m == i)
      break;
    gint64 t = a[m];
    a[m] = a[i];
    a[i] = t;
    i = m;
  }
}

static void inspect_init(Inspect *s) {
  memset(s, 0, sizeof *s);
  ks_resource_list_init(&s->node_capacity);
  ks_resource_list_init(&s->pod_requests);
  s->ends = g_array_new(FALSE, FALSE, sizeof(gint64));
  s->open = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  s->cpu = (Histogram){.name = "pod cpu request", .unit = "cores", .bounds = cpu_bounds, .labels = cpu_labels, .n_bounds = G_N_ELEMENTS(cpu_bounds)};
  s->mem = (Histogram){.name = "pod memory request", .unit = "bytes", .bounds = mem_bounds, .labels = mem_labels, .n_bounds = G_N_ELEMENTS(mem_bounds)};
  s->run = (Histogram){.name = "pod run time", .unit = "seconds", .bounds = run_bounds, .labels = run_labels, .n_bounds = G_N_ELEMENTS(run_bounds)};
  s->gap = (Histogram){.name = "pod inter-arrival", .unit = "seconds", .bounds = gap_bounds, .labels = gap_labels, .n_bounds = G_N_ELEMENTS(gap_bounds)};
}

static void inspect_clear(Inspect *s) {
  ks_resource_list_clear(&s->node_capacity);
  ks_resource_list_clear(&s->pod_requests);
  g_array_unref(s->ends);
  g_hash_table_unref(s->open);
}

static void alive_up(Inspect *s, gint64 t) {
  s->alive++;
  if (s->alive > s->peak_alive) {
    s->peak_alive = s->alive;
    s->peak_at_us = t;
  }
}

static void inspect_pod(Inspect *s, const KsPod *p, gint64 t) {
  KsResourceList req;
  ks_pod_compute_requests(p, &req);
  ks_resource_list_add(&s->pod_requests, &req);
  hist_add(&s->cpu, req.milli_cpu);
  hist_add(&s->mem, req.memory);
  ks_resource_list_clear(&req);
  if (s->any_create)
    hist_add(&s->gap, t - s->last_create_us);
  s->any_create = TRUE;
  s->last_create_us = t;
  KsGpuRequest gpu;
  if (!ks_gpu_request_from_pod(p, &gpu, NULL)) {
    s->gpu_unreadable++;
  } else if (gpu.count > 0) {
    s->gpu_pods++;
    s->gpu_share_pods += gpu.milli < KS_GPU_MILLI;
    s->gpu_milli_requested += ks_gpu_request_total(&gpu);
  }
  KsPodTiming timing;
  if (ks_pod_read_timing(p, &timing, NULL) && timing.run_time_us >= 0) {
    s->pods_with_run_time++;
    s->run_time_total_us += timing.run_time_us;
    hist_add(&s->run, timing.run_time_us);
    heap_push(s->ends, t + timing.run_time_us);
  } else {
    s->run.unknown++;
    g_hash_table_add(s->open, g_strdup_printf("%s/%s", p->namespace, p->name));
  }
  alive_up(s, t);
}

static void inspect_event(Inspect *s, const KsTraceEvent *ev) {
  gint64 t = ev->time_us;
  if (!s->any)
    s->first_us = t;
  s->any = TRUE;
  s->last_us = t;
  s->counts[ev->type]++;
  /* Pods whose run time is over by now are gone (a pod ending at t is gone at t). */
  while (s->ends->len > 0 && g_array_index(s->ends, gint64, 0) <= t) {
    heap_pop(s->ends);
    s->alive--;
  }
  switch (ev->type) {
  case KS_TRACE_NODE_ADD: {
    ks_resource_list_add(&s->node_capacity, &ev->node->capacity);
    KsGpuNodeSpec spec;
    if (!ks_gpu_node_spec(ev->node, &spec, NULL)) {
      s->gpu_unreadable++;
    } else if (spec.count > 0) {
      s->gpu_nodes++;
      s->gpus += spec.count;
    }
    break;
  }
  case KS_TRACE_POD_CREATE:
    inspect_pod(s, ev->pod, t);
    break;
  case KS_TRACE_POD_DELETE:
  case KS_TRACE_POD_FINISH: {
    char *key = g_strdup_printf("%s/%s", ev->namespace ? ev->namespace : "default", ev->name);
    if (g_hash_table_remove(s->open, key))
      s->alive--;
    g_free(key);
    break;
  }
  default:
    break;
  }
}

typedef struct {
  FILE *out;
  KsJson *json;
} ResPrint;

static void res_print(const char *name, gint64 v, gpointer data) {
  ResPrint *p = data;
  char buf[64];
  if (strcmp(name, KS_RESOURCE_CPU) == 0)
    g_snprintf(buf, sizeof buf, "%.3f", v / 1000.0);
  else
    g_snprintf(buf, sizeof buf, "%" G_GINT64_FORMAT, v);
  if (p->json) {
    ks_json_raw(p->json, name, buf);
    return;
  }
  if (strcmp(name, KS_RESOURCE_CPU) == 0) {
    fprintf(p->out, "  %-24s %s cores\n", name, buf);
  } else if (strcmp(name, KS_RESOURCE_MEMORY) == 0 ||
             strcmp(name, KS_RESOURCE_EPHEMERAL_STORAGE) == 0) {
    /* bytes, and the same in IEC units for people */
    char *human = g_format_size_full((guint64)MAX(v, 0), G_FORMAT_SIZE_IEC_UNITS);
    fprintf(p->out, "  %-24s %s bytes (%s)\n", name, buf, human);
    g_free(human);
  } else {
    fprintf(p->out, "  %-24s %s\n", name, buf);
  }
}

static void print_hist_text(FILE *out, const Histogram *h, guint64 total) {
  fprintf(out, "\n%s:\n", h->name);
  for (guint i = 0; i <= h->n_bounds; i++) {
    double pct = total ? 100.0 * (double)h->counts[i] / (double)total : 0.0;
    int bar = (int)(pct / 2.0 + 0.5);
    fprintf(out, "  %-9s %12" G_GUINT64_FORMAT " %6.2f%% ", h->labels[i], h->counts[i], pct);
    for (int k = 0; k < bar; k++)
      fputc('#', out);
    fputc('\n', out);
  }
  if (h->unknown)
    fprintf(out, "  %-9s %12" G_GUINT64_FORMAT "\n", "none", h->unknown);
}

static void print_text(FILE *out, const char *path, const Inspect *s, guint64 skipped) {
  fprintf(out, "trace: %s\n", path);
  guint64 total = 0;
  for (guint i = 0; i < KS_TRACE_EVENT_TYPE_COUNT; i++)
    total += s->counts[i];
  fprintf(out, "events: %" G_GUINT64_FORMAT " (skipped bad rows: %" G_GUINT64_FORMAT ")\n", total,
          skipped);
  for (guint i = 0; i < KS_TRACE_EVENT_TYPE_COUNT; i++)
    fprintf(out, "  %-12s %" G_GUINT64_FORMAT "\n", ks_trace_event_type_to_string(i),
            s->counts[i]);
  if (s->any)
    fprintf(out, "time span: %.6f s .. %.6f s (%.6f s)\n", s->first_us / 1e6, s->last_us / 1e6,
            (s->last_us - s->first_us) / 1e6);
  ResPrint rp = {out, NULL};
  fprintf(out, "node capacity (sum over node-add):\n");
  ks_resource_list_foreach(&s->node_capacity, res_print, &rp);
  fprintf(out, "pod requests (sum over pod-create):\n");
  ks_resource_list_foreach(&s->pod_requests, res_print, &rp);
  fprintf(out, "peak alive pods: %" G_GUINT64_FORMAT " at %.6f s\n", s->peak_alive,
          s->peak_at_us / 1e6);
  fprintf(out,
          "GPUs: %" G_GUINT64_FORMAT " on %" G_GUINT64_FORMAT " nodes; %" G_GUINT64_FORMAT
          " pods ask for %.3f GPUs (%" G_GUINT64_FORMAT " of them a share of one GPU)\n",
          s->gpus, s->gpu_nodes, s->gpu_pods, s->gpu_milli_requested / 1000.0, s->gpu_share_pods);
  if (s->gpu_unreadable)
    fprintf(out, "objects with unreadable GPU keys: %" G_GUINT64_FORMAT "\n", s->gpu_unreadable);
  guint64 pods = s->counts[KS_TRACE_POD_CREATE];
  print_hist_text(out, &s->cpu, pods);
  print_hist_text(out, &s->mem, pods);
  print_hist_text(out, &s->run, s->pods_with_run_time);
  print_hist_text(out, &s->gap, pods ? pods - 1 : 0);
}

static void print_hist_json(KsJson *j, const char *key, const Histogram *h) {
  ks_json_begin_array(j, key);
  for (guint i = 0; i <= h->n_bounds; i++) {
    ks_json_begin_object(j, NULL);
    ks_json_string(j, "bucket", h->labels[i]);
    if (i < h->n_bounds)
      ks_json_int(j, "le", h->bounds[i]);
    ks_json_int(j, "count", (gint64)h->counts[i]);
    ks_json_end_object(j);
  }
  ks_json_end_array(j);
}

static void print_json(FILE *out, const char *path, const Inspect *s, guint64 skipped) {
  KsJson j;
  ks_json_init(&j, out);
  ks_json_begin_object(&j, NULL);
  ks_json_string(&j, "trace", path);
  ks_json_begin_object(&j, "events");
  for (guint i = 0; i < KS_TRACE_EVENT_TYPE_COUNT; i++)
    ks_json_int(&j, ks_trace_event_type_to_string(i), (gint64)s->counts[i]);
  ks_json_end_object(&j);
  ks_json_int(&j, "skipped_rows", (gint64)skipped);
  ks_json_int(&j, "first_us", s->any ? s->first_us : 0);
  ks_json_int(&j, "last_us", s->any ? s->last_us : 0);
  ResPrint rp = {out, &j};
  ks_json_begin_object(&j, "node_capacity");
  ks_resource_list_foreach(&s->node_capacity, res_print, &rp);
  ks_json_end_object(&j);
  ks_json_begin_object(&j, "pod_requests");
  ks_resource_list_foreach(&s->pod_requests, res_print, &rp);
  ks_json_end_object(&j);
  ks_json_int(&j, "peak_alive_pods", (gint64)s->peak_alive);
  ks_json_int(&j, "peak_alive_at_us", s->peak_at_us);
  ks_json_int(&j, "pods_without_run_time", (gint64)s->run.unknown);
  ks_json_begin_object(&j, "gpu");
  ks_json_int(&j, "nodes", (gint64)s->gpu_nodes);
  ks_json_int(&j, "gpus", (gint64)s->gpus);
  ks_json_int(&j, "pods", (gint64)s->gpu_pods);
  ks_json_int(&j, "share_pods", (gint64)s->gpu_share_pods);
  ks_json_int(&j, "milli_requested", s->gpu_milli_requested);
  ks_json_int(&j, "unreadable", (gint64)s->gpu_unreadable);
  ks_json_end_object(&j);
  ks_json_begin_object(&j, "histograms");
  print_hist_json(&j, "cpu_millicores", &s->cpu);
  print_hist_json(&j, "memory_bytes", &s->mem);
  print_hist_json(&j, "run_time_us", &s->run);
  print_hist_json(&j, "inter_arrival_us", &s->gap);
  ks_json_end_object(&j);
  ks_json_end_object(&j);
  ks_json_finish(&j);
}

/* ---- option plumbing ---------------------------------------------------- */

static gboolean parse_sub_options(GOptionContext *ctx, const char *sub, int *argc, char ***argv,
                                  int *code) {
  GError *error = NULL;
  if (g_option_context_parse(ctx, argc, argv, &error))
    return TRUE;
  fprintf(stderr, "ksim trace %s: %s\nRun 'ksim trace %s --help' for usage.\n", sub,
          error->message, sub);
  g_error_free(error);
  *code = KS_EXIT_USAGE;
  return FALSE;
}

static GOptionContext *sub_context(const char *args, const char *summary) {
  GOptionContext *ctx = g_option_context_new(args);
  g_option_context_set_summary(ctx, summary);
  g_option_context_set_description(ctx,
                                   "Exit codes: 0 ok, 1 run-time failure, 2 bad usage or input.");
  return ctx;
}

static int report(const char *sub, GError *error, int code) {
  fprintf(stderr, "ksim trace %s: %s\n", sub, error->message);
  g_error_free(error);
  return code;
}

static int cmd_inspect(int argc, char **argv) {
  char *format = NULL, *output = NULL;
  char **params = NULL;
  gboolean skip = FALSE;
  GOptionEntry entries[] = {
      {"format", 0, 0, G_OPTION_ARG_STRING, &format, "Trace format (default ksim; see 'ksim trace --help')", "F"},
      {"param", 'O', 0, G_OPTION_ARG_STRING_ARRAY, &params, "Importer parameter (repeatable)", "KEY=VALUE"},
      {"skip-bad-rows", 0, 0, G_OPTION_ARG_NONE, &skip, "Count and skip malformed rows instead of failing", NULL},
      {"output", 'o', 0, G_OPTION_ARG_STRING, &output, "table (default) or json", "FORMAT"},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  GOptionContext *ctx = sub_context("FILE", "Counts, time span, resource totals, peak alive pods and histograms of a trace.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  int code = KS_EXIT_OK;
  if (!parse_sub_options(ctx, "inspect", &argc, &argv, &code))
    goto out;
  gboolean json = output && strcmp(output, "json") == 0;
  if (argc != 2 || (output && !json && strcmp(output, "table") != 0)) {
    fprintf(stderr, "ksim trace inspect: expected one FILE and -o table|json\n");
    code = KS_EXIT_USAGE;
    goto out;
  }
  KsTraceOpenOptions opts = {skip ? KS_TRACE_BAD_ROWS_SKIP : KS_TRACE_BAD_ROWS_FAIL,
                             (const char *const *)params};
  GError *error = NULL;
  KsTraceSource *src = ks_trace_open(format, argv[1], &opts, &error);
  if (!src) {
    code = report("inspect", error, KS_EXIT_USAGE);
    goto out;
  }
  Inspect s;
  inspect_init(&s);
  KsTraceEvent ev;
  ks_trace_event_init(&ev);
  while (ks_trace_source_next(src, &ev, &error))
    inspect_event(&s, &ev);
  ks_trace_event_clear(&ev);
  if (error) {
    code = report("inspect", error, KS_EXIT_USAGE);
  } else if (json) {
    print_json(stdout, argv[1], &s, src->skipped);
  } else {
    print_text(stdout, argv[1], &s, src->skipped);
  }
  inspect_clear(&s);
  ks_trace_source_free(src);
out:
  g_free(format);
  g_free(output);
  g_strfreev(params);
  g_option_context_free(ctx);
  return code;
}

/* Streams src into w; on failure tells whether the input (2) or the output (1) failed. */
static int convert_stream(KsTraceSource *src, KsTraceWriter *w, guint64 *events) {
  KsTraceEvent ev;
  ks_trace_event_init(&ev);
  GError *error = NULL;
  int code = KS_EXIT_OK;
  while (ks_trace_source_next(src, &ev, &error)) {
    if (!ks_trace_writer_write(w, &ev, &error)) {
      code = report("convert", error, KS_EXIT_FAILURE);
      break;
    }
    (*events)++;
  }
  ks_trace_event_clear(&ev);
  if (code == KS_EXIT_OK && error)
    code = report("convert", error, KS_EXIT_USAGE);
  return code;
}

static int cmd_convert(int argc, char **argv) {
  char *from = NULL, *output = NULL;
  char **params = NULL;
  gboolean skip = FALSE, gzip = FALSE, quiet = FALSE;
  GOptionEntry entries[] = {
      {"from", 0, 0, G_OPTION_ARG_STRING, &from, "Format of IN (default ksim)", "FORMAT"},
      {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "The ksim trace to write (gzip when it ends in .gz)", "OUT"},
      {"param", 'O', 0, G_OPTION_ARG_STRING_ARRAY, &params, "Importer parameter (repeatable)", "KEY=VALUE"},
      {"skip-bad-rows", 0, 0, G_OPTION_ARG_NONE, &skip, "Count and skip malformed rows instead of failing", NULL},
      {"gzip", 'z', 0, G_OPTION_ARG_NONE, &gzip, "Compress OUT even without .gz", NULL},
      {"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Do not print the throughput line", NULL},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  GOptionContext *ctx = sub_context("IN", "Convert a trace of any format into the native ksim trace format.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  int code = KS_EXIT_OK;
  if (!parse_sub_options(ctx, "convert", &argc, &argv, &code))
    goto out;
  if (argc != 2 || !output) {
    fprintf(stderr, "ksim trace convert: expected one IN and -o OUT\n");
    code = KS_EXIT_USAGE;
    goto out;
  }
  KsTraceOpenOptions opts = {skip ? KS_TRACE_BAD_ROWS_SKIP : KS_TRACE_BAD_ROWS_FAIL,
                             (const char *const *)params};
  GError *error = NULL;
  KsTraceSource *src = ks_trace_open(from, argv[1], &opts, &error);
  if (!src) {
    code = report("convert", error, KS_EXIT_USAGE);
    goto out;
  }
  KsTraceWriter *w = ks_trace_writer_open(output, gzip, &error);
  if (!w) {
    code = report("convert", error, KS_EXIT_FAILURE);
    ks_trace_source_free(src);
    goto out;
  }
  gint64 t0 = g_get_monotonic_time(); /* throughput report only, never in output files */
  guint64 events = 0;
  code = convert_stream(src, w, &events);
  if (code != KS_EXIT_OK)
    ks_trace_writer_abort(w);
  else if (!ks_trace_writer_close(w, &error))
    code = report("convert", error, KS_EXIT_FAILURE);
  if (code == KS_EXIT_OK && !quiet) {
    double secs = MAX((g_get_monotonic_time() - t0) / 1e6, 1e-6);
    fprintf(stderr, "ksim trace convert: %" G_GUINT64_FORMAT " events in %.2f s (%.0f events/s)"
            ", %" G_GUINT64_FORMAT " bad rows skipped\n",
            events, secs, events / secs, src->skipped);
  }
  ks_trace_source_free(src);
out:
  g_free(from);
  g_free(output);
  g_strfreev(params);
  g_option_context_free(ctx);
  return code;
}

static int cmd_synth(int argc, char **argv) {
  char *output = NULL;
  gint64 seed = 1, pods = 0;
  GOptionEntry entries[] = {
      {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Where to write (a file or a directory, as the format reads)", "PATH"},
      {"seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed (default 1): same seed, same bytes", "N"},
      {"pods", 0, 0, G_OPTION_ARG_INT64, &pods, "About how many pods/tasks (default: the format's)", "N"},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  GOptionContext *ctx = sub_context("FORMAT", "Write a synthetic trace of FORMAT with the statistics of the real data.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  int code = KS_EXIT_OK;
  if (!parse_sub_options(ctx, "synth", &argc, &argv, &code))
    goto out;
  if (argc != 2 || !output || seed < 0 || pods < 0) {
    fprintf(stderr, "ksim trace synth: expected FORMAT, -o PATH, --seed >= 0, --pods >= 0\n");
    code = KS_EXIT_USAGE;
    goto out;
  }
  const KsTraceFormat *f = ks_trace_format_lookup(argv[1]);
  if (!f || !f->synth) {
    fprintf(stderr, "ksim trace synth: no synthetic generator for format \"%s\"\n", argv[1]);
    code = KS_EXIT_USAGE;
    goto out;
  }
  GError *error = NULL;
  if (!f->synth(output, (guint64)seed, (guint64)pods, &error))
    code = report("synth", error, KS_EXIT_FAILURE);
out:
  g_free(output);
  g_option_context_free(ctx);
  return code;
}

static void print_trace_usage(FILE *out) {
  fprintf(out, "Usage: ksim trace <subcommand> [options]\n\n"
               "Subcommands:\n"
               "  inspect FILE   counts, time span, totals, histograms (-o json)\n"
               "  convert IN     convert any format into a ksim trace (-o OUT)\n"
               "  synth FORMAT   write a synthetic trace (-o PATH)\n\nFormats:\n");
  for (const KsTraceFormat *const *f = ks_trace_formats(); *f; f++)
    fprintf(out, "  %-14s %s\n", (*f)->name, (*f)->summary);
  fprintf(out, "\nRun 'ksim trace <subcommand> --help' for its options.\n"
               "Exit codes: 0 ok, 1 run-time failure, 2 bad usage or input.\n");
}

int ks_cli_trace(int argc, char **argv) {
  if (argc < 2) {
    print_trace_usage(stderr);
    return KS_EXIT_USAGE;
  }
  const char *sub = argv[1];
  if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) {
    print_trace_usage(stdout);
    return KS_EXIT_OK;
  }
  if (!strcmp(sub, "inspect"))
    return cmd_inspect(argc - 1, argv + 1);
  if (!strcmp(sub, "convert"))
    return cmd_convert(argc - 1, argv + 1);
  if (!strcmp(sub, "synth"))
    return cmd_synth(argc - 1, argv + 1);
  fprintf(stderr, "ksim trace: unknown subcommand '%s'\n", sub);
  print_trace_usage(stderr);
  return KS_EXIT_USAGE;
}
