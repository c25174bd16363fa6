/* Command dispatch for ksim. Each command parses its own options with
 * GOptionContext, so `ksim CMD --help` is always accurate. */
#include "sim/cli.h"

#include <stdio.h>
#include <string.h>

#include "ks_version.h"
#include "sim/bench_sched.h"
#include "sim/compare.h"
#include "sim/explain.h"
#include "sim/gpu_curve.h"
#include "sim/plot.h"
#include "sim/simulation.h"
#include "sim/summary.h"
#include "sim/sweep_cli.h"
#include "sim/trace_cmd.h"
#include "sim/kubelet/kubelet_configs.h"
#include "workloads/kubelet_config.h"
#include "workloads/manifest.h"
#include "workloads/scenario.h"
#include "workloads/sweep_spec.h"

typedef struct {
  const char *name;
  const char *summary;
  int (*run)(int argc, char **argv);
} KsCommand;

static int cmd_run(int argc, char **argv);
static int cmd_validate(int argc, char **argv);
static int cmd_summary(int argc, char **argv);
static int cmd_plot(int argc, char **argv);
static int cmd_bench(int argc, char **argv);
static int cmd_explain(int argc, char **argv);
static int cmd_gpu_curve(int argc, char **argv);

static const KsCommand commands[] = {
  {"run", "run a scenario and write its results file (HDF5)", cmd_run},
  {"summary", "print the headline figures of a results file", cmd_summary},
  {"plot", "render a results file's plots (PNG or SVG), or a sweep's comparison plots, with gnuplot", cmd_plot},
  {"compare", "compare the metrics of runs against a baseline; exit 1 on a --fail-on regression", ks_cli_compare},
  {"validate", "check manifests and scenarios without running them", cmd_validate},
  {"explain", "show why a pod goes where it goes: filters and scores per node", cmd_explain},
  {"bench", "benchmarks that print figures (bench sched: scheduler pods/s)", cmd_bench},
  {"trace", "inspect, convert and synthesise traces (ksim trace --help)", ks_cli_trace},
  {"sweep", "run a matrix of scenarios x profiles x parameters x seeds; one table (docs/sweeps.md)", ks_cli_sweep},
  {"gpu-curve", "GPU allocation against arrived GPU workload of a fill run (docs/fgd.md)", cmd_gpu_curve},
  {NULL, NULL, NULL},
};

/* Parses a command's options; on --help prints and returns FALSE with
 * *exit_code 0, on bad usage prints the error and returns FALSE with 2. */
static gboolean parse_options(GOptionContext *ctx, int *argc, char ***argv, int *exit_code) {
  GError *error = NULL;
  gboolean ok = g_option_context_parse(ctx, argc, argv, &error);
  if (!ok) {
    fprintf(stderr, "ksim: %s\n", error->message);
    fprintf(stderr, "Run 'ksim %s --help' for usage.\n", (*argv)[0]);
    g_error_free(error);
    *exit_code = KS_EXIT_USAGE;
  }
  return ok;
}

static GOptionContext *new_context(const char *args, const char *summary) {
  GOptionContext *ctx = g_option_context_new(args);
  g_option_context_set_summary(ctx, summary);
  g_option_context_set_description(ctx, "Exit codes: 0 ok, 1 run-time failure, 2 bad usage or input.");
  return ctx;
}

/* Errors in what the user gave us (files, fields) exit 2; failures while
 * producing output (writing results, running gnuplot) exit 1. */
static int exit_code_for(const GError *error) {
  if (error->domain == KS_RESULTS_ERROR && error->code == KS_RESULTS_ERROR_IO)
    return KS_EXIT_FAILURE;
  if (error->domain == KS_PLOT_ERROR)
    return KS_EXIT_FAILURE;
  return KS_EXIT_USAGE;
}

/* Reading a results file: any failure is a problem with the input. */
static int read_exit_code_for(const GError *error) {
  return error->domain == KS_PLOT_ERROR ? KS_EXIT_FAILURE : KS_EXIT_USAGE;
}

static int cmd_run(int argc, char **argv) {
  char *output = NULL, *config = NULL, *profile = NULL;
  char **plugins = NULL;
  gint64 seed = -1, pod_gc = -1;
  gboolean quiet = FALSE, no_progress = FALSE, skip_bad_rows = FALSE, wall_time = FALSE;
  char *format = NULL, *trace = NULL, *trace_format = NULL, *tie_break = NULL;
  char **trace_params = NULL, **replay = NULL, **sets = NULL;
  GOptionEntry entries[] = {
    {"set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Set a scenario field before the run, by its path, to a YAML value (repeatable; docs/sweeps.md)", "PATH=VALUE"},
    {"config", 0, 0, G_OPTION_ARG_FILENAME, &config, "KubeSchedulerConfiguration file (overrides the scenario's spec.schedulerConfig)", "FILE"},
    {"plugin", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &plugins, "Load scheduler plugins from a shared object (repeatable; docs/plugins.md)", "PATH.so"},
    {"profile", 0, 0, G_OPTION_ARG_STRING, &profile, "Built-in profile when no configuration is given: default (v1.31) or legacy-v1.7 (the 2017 scheduler)", "NAME"},
    {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Results file (default: the scenario's spec.output)", "FILE.h5"},
    {"seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed (default: the scenario's spec.seed)", "N"},
    {"summary-output", 0, 0, G_OPTION_ARG_STRING, &format, "Summary format: table (default) or json", "FORMAT"},
    {"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print no summary", NULL},
    {"no-progress", 0, 0, G_OPTION_ARG_NONE, &no_progress, "Never draw a progress bar", NULL},
    {"record-wall-time", 0, 0, G_OPTION_ARG_NONE, &wall_time, "Store the scheduler's wall-clock time per cycle (metric sched.wall_per_cycle_us); the results file then differs between identical runs", NULL},
    {"tie-break", 0, 0, G_OPTION_ARG_STRING, &tie_break, "Among nodes with equal top scores pick: random (default, upstream), first (in node order) or node-rank (lowest seeded random rank per node; docs/scheduler.md)", "MODE"},
    {"terminated-pod-gc-threshold", 0, 0, G_OPTION_ARG_INT64, &pod_gc, "Terminated pods kept before the pod garbage collector deletes the oldest (default 12500, as kube-controller-manager; 0 = never)", "N"},
    {"trace", 0, 0, G_OPTION_ARG_FILENAME, &trace, "Replay this trace (overrides spec.trace.path; docs/replay.md)", "FILE"},
    {"trace-format", 0, 0, G_OPTION_ARG_STRING, &trace_format, "Format of --trace: ksim (default), openb, alibaba-v2018, alibaba-v2017, google-2011, google-2019", "NAME"},
    {"trace-param", 'O', 0, G_OPTION_ARG_STRING_ARRAY, &trace_params, "Importer parameter (repeatable; docs/traces/)", "KEY=VALUE"},
    {"skip-bad-rows", 0, 0, G_OPTION_ARG_NONE, &skip_bad_rows, "Skip and count malformed trace rows instead of failing", NULL},
    {"replay", 0, 0, G_OPTION_ARG_STRING_ARRAY, &replay, "Replay option by its spec.trace name: mode, speed, start, end, nodes, nodeSelector, nodeCount, nodeFraction, shuffle, gpuShare, arrivalInterval (repeatable)", "KEY=VALUE"},
    {NULL, 0, 0, 0, NULL, NULL, NULL}};
  GOptionContext *ctx = new_context("SCENARIO.yaml", "Run a scenario and write one HDF5 results file. With --trace (or spec.trace), a trace is replayed into it.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  int code = KS_EXIT_OK;
  KsScenario *scenario = NULL;
  KsRunReport report = {0};
  GError *error = NULL;
  KsSummaryFormat fmt = KS_SUMMARY_TABLE;
  if (!parse_options(ctx, &argc, &argv, &code))
    goto out;
  if (argc != 2 || (format && strcmp(format, "table") && strcmp(format, "json"))) {
    fprintf(stderr, "ksim run: %s\n", argc != 2 ? "expected exactly one SCENARIO.yaml"
                                                 : "--summary-output must be table or json");
    code = KS_EXIT_USAGE;
    goto out;
  }
  if (format && !strcmp(format, "json"))
    fmt = KS_SUMMARY_JSON;
  if (seed < -1 || pod_gc < -1) {
    fprintf(stderr, "ksim run: %s must not be negative\n",
            seed < -1 ? "--seed" : "--terminated-pod-gc-threshold");
    code = KS_EXIT_USAGE;
    goto out;
  }
  scenario = ks_scenario_load_file_with_sets(argv[1], (const char *const *)sets, &error);
  if (!scenario) {
    code = KS_EXIT_USAGE;
    goto fail;
  }
  for (guint i = 0; i < scenario->warnings->len; i++)
    fprintf(stderr, "ksim: warning: %s\n", (const char *)scenario->warnings->pdata[i]);
  KsRunOptions opts = {.output = output, .has_seed = seed >= 0, .seed = (guint64)seed,
                       .progress = !no_progress && !quiet, .scheduler_config = config,
                       .plugins = (const char *const *)plugins, .builtin_profile = profile,
                       .trace_path = trace, .trace_format = trace_format,
                       .trace_params = (const char *const *)trace_params,
                       .trace_skip_bad_rows = skip_bad_rows, .replay = (const char *const *)replay,
                       .tie_break = tie_break, .has_pod_gc_threshold = pod_gc >= 0,
                       .pod_gc_threshold = pod_gc >= 0 ? pod_gc : 0,
                       .record_wall_time = wall_time};
  if (!ks_simulation_run(scenario, &opts, &report, &error)) {
    code = exit_code_for(error);
    goto fail;
  }
  if (!quiet) {
    double wall = MAX(report.wall_seconds, 1e-6);
    fprintf(stderr,
            "ksim: ran %s (seed %" G_GUINT64_FORMAT "): %" G_GUINT64_FORMAT " pods, %" G_GUINT64_FORMAT
            " events, %" G_GUINT64_FORMAT " scheduling cycles in %.2fs wall (%.0f pods/s, %.0f "
            "events/s); wrote %s\n",
            scenario->name, report.seed, report.pods_created, report.events, report.cycles,
            report.wall_seconds, report.pods_created / wall, report.events / wall, report.output);
    if (report.pods_rejected)
      fprintf(stderr, "ksim: %" G_GUINT64_FORMAT " pods were rejected at admission (see above)\n",
              report.pods_rejected);
    if (report.traced)
      fprintf(stderr,
              "ksim: trace: %" G_GUINT64_FORMAT " events, %" G_GUINT64_FORMAT
              " bad rows skipped, %" G_GUINT64_FORMAT " pods given up (fill mode)\n",
              report.trace_events, report.trace_skipped_rows, report.pods_given_up);
    fflush(stderr);
    if (!ks_summary_print(report.output, fmt, stdout, &error)) {
      code = KS_EXIT_FAILURE;
      goto fail;
    }
  }
  goto out;
fail:
  fprintf(stderr, "ksim run: %s\n", error->message);
  g_clear_error(&error);
out:
  ks_run_report_clear(&report);
  if (scenario)
    ks_scenario_free(scenario);
  g_free(output);
  g_free(format);
  g_free(config);
  g_free(profile);
  g_strfreev(plugins);
  g_free(trace);
  g_free(trace_format);
  g_free(tie_break);
  g_strfreev(trace_params);
  g_strfreev(replay);
  g_strfreev(sets);
  g_option_context_free(ctx);
  return code;
}

static gboolean scalar_is(const KsYamlNode *n, const char *prefix, gboolean whole) {
  if (!n || n->kind != KS_YAML_SCALAR || !n->scalar)
    return FALSE;
  return whole ? !strcmp(n->scalar, prefix) : g_str_has_prefix(n->scalar, prefix);
}

/* A scenario's first document says kind: Scenario or an apiVersion of ours
 * (so a misspelt kind gets the scenario loader's error, not a skip). */
static gboolean is_scenario_file(const char *path) {
  KsYamlStream *s = ks_yaml_load_file(path, NULL);
  gboolean yes = FALSE;
  if (s && s->documents->len > 0 && s->documents->pdata[0]) {
    const KsYamlNode *doc = s->documents->pdata[0];
    yes = scalar_is(ks_yaml_get(doc, "kind"), KS_SCENARIO_KIND, TRUE) ||
          scalar_is(ks_yaml_get(doc, "apiVersion"), "ksim.io/", FALSE);
  }
  if (s)
    ks_yaml_stream_free(s);
  return yes;
}

static gboolean is_kubelet_config_file(const char *path) {
  KsYamlStream *s = ks_yaml_load_file(path, NULL);
  gboolean yes = s && s->documents->len > 0 && s->documents->pdata[0] &&
                 scalar_is(ks_yaml_get(s->documents->pdata[0], "kind"), KS_KUBELET_CONFIG_KIND, TRUE);
  if (s)
    ks_yaml_stream_free(s);
  return yes;
}

/* A KubeletConfiguration (spec.kubeletConfig's files) on its own. */
static gboolean validate_kubelet_config(const char *path, GError **error) {
  KsKubeletConfig *c = ks_kubelet_config_load_file(path, error);
  if (!c)
    return FALSE;
  guint hard = 0;
  for (guint i = 0; i < c->thresholds->len; i++)
    hard += g_array_index(c->thresholds, KsEvictionThreshold, i).hard;
  printf("%s: ok: KubeletConfiguration, %u hard and %u soft eviction thresholds\n", path, hard,
         c->thresholds->len - hard);
  ks_kubelet_config_unref(c);
  return TRUE;
}

static gboolean validate_scenario(const char *path, GError **error) {
  KsScenario *s = ks_scenario_load_file(path, error);
  if (!s || !ks_simulation_check_scenario(s, error)) {
    if (s)
      ks_scenario_free(s);
    return FALSE;
  }
  for (guint i = 0; i < s->warnings->len; i++)
    printf("%s: warning: %s\n", path, (const char *)s->warnings->pdata[i]);
  printf("%s: ok: scenario %s, %" G_GUINT64_FORMAT " nodes in %u pools, %u batches, %u generators",
         path, s->name, ks_scenario_node_count(s), s->node_pools->len, s->batches->len,
         s->generators->len);
  /* what else was checked, when the scenario has it */
  if (s->timeline && s->timeline->len)
    printf(", %u timeline actions", s->timeline->len);
  if (s->faults->len)
    printf(", %u fault entries", s->faults->len);
  printf("\n");
  /* the allocatable the pools' kubelets register (docs/node-agent.md "Node allocatable") */
  KsKubeletConfigs *kubelets = ks_kubelet_configs_load(s, NULL);
  for (guint i = 0; kubelets && i < s->node_pools->len; i++) {
    const KsNodePool *pool = s->node_pools->pdata[i];
    char *alloc = ks_kubelet_configs_describe_pool(kubelets, pool);
    if (alloc)
      printf("%s: pool %s: %s\n", path, pool->name, alloc);
    g_free(alloc);
  }
  ks_kubelet_configs_unref(kubelets);
  ks_scenario_free(s);
  return TRUE;
}

static gboolean validate_manifests(const char *path, GError **error) {
  KsManifestSet *set = ks_manifest_load_file(path, error);
  if (!set)
    return FALSE;
  if (set->objects->len == 0 && set->warnings->len == 0) {
    /* As kubectl apply: a file with nothing in it is a mistake, not a success. */
    g_set_error(error, KS_YAML_ERROR, KS_YAML_ERROR_FIELD,
                "%s: no objects found (the file is empty)", path);
    ks_manifest_set_free(set);
    return FALSE;
  }
  guint counts[KS_KIND_COUNT] = {0};
  for (guint i = 0; i < set->objects->len; i++) {
    if (!ks_simulation_check_object(set->objects->pdata[i], error)) {
      ks_manifest_set_free(set);
      return FALSE;
    }
    counts[((KsManifestObject *)set->objects->pdata[i])->kind]++;
  }
  for (guint i = 0; i < set->warnings->len; i++)
    printf("warning: %s\n", (const char *)set->warnings->pdata[i]);
  /* "3 objects (1 Pod, 2 Node)": every kind present, in kind order. */
  GString *kinds = g_string_new(NULL);
  for (guint k = 0; k < KS_KIND_COUNT; k++)
    if (counts[k])
      g_string_append_printf(kinds, "%s%u %s", kinds->len ? ", " : "", counts[k],
                             ks_kind_to_string((KsKind)k));
  printf("%s: ok: %u objects (%s)\n", path, set->objects->len, kinds->str);
  g_string_free(kinds, TRUE);
  ks_manifest_set_free(set);
  return TRUE;
}

static int cmd_validate(int argc, char **argv) {
  GOptionEntry entries[] = {{NULL, 0, 0, 0, NULL, NULL, NULL}};
  GOptionContext *ctx = new_context("FILE...", "Check Kubernetes manifests (every kind ksim loads, docs/formats.md, and List), ksim scenarios and KubeletConfiguration files.\nEvery error names file:line:column and the field path.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  int code = KS_EXIT_OK;
  if (!parse_options(ctx, &argc, &argv, &code))
    goto out;
  if (argc < 2) {
    fprintf(stderr, "ksim validate: expected at least one FILE\n");
    code = KS_EXIT_USAGE;
    goto out;
  }
  for (int i = 1; i < argc; i++) {
    GError *error = NULL;
    gboolean ok = is_scenario_file(argv[i])         ? validate_scenario(argv[i], &error)
                  : is_kubelet_config_file(argv[i]) ? validate_kubelet_config(argv[i], &error)
                                                    : validate_manifests(argv[i], &error);
    if (!ok) {
      fprintf(stderr, "%s\n", error->message);
      g_error_free(error);
      code = KS_EXIT_USAGE;
    }
  }
out:
  g_option_context_free(ctx);
  return code;
}

static int cmd_gpu_curve(int argc, char **argv) {
  GOptionContext *ctx = new_context(
      "FILE.h5", "Print the GPU allocation curve of a fill run as CSV: allocated and unallocated "
                 "GPU share (%) at each arrived GPU workload (% of the cluster's GPUs), binned "
                 "as the FGD paper's analysis (docs/fgd.md, 4.5).");
  int code = KS_EXIT_OK;
  if (!parse_options(ctx, &argc, &argv, &code))
    goto out;
  if (argc != 2) {
    fprintf(stderr, "ksim gpu-curve: expected exactly one FILE.h5\n");
    code = KS_EXIT_USAGE;
    goto out;
  }
  GError *error = NULL;
  KsResults *r = ks_results_read(argv[1], &error);
  KsGpuCurve curve;
  if (r && ks_gpu_curve_compute(r, &curve, &error)) {
    ks_gpu_curve_write_csv(&curve, stdout);
  } else {
    fprintf(stderr, "ksim gpu-curve: %s%s%s\n", r ? argv[1] : "", r ? ": " : "", error->message);
    code = read_exit_code_for(error);
    g_error_free(error);
  }
  if (r)
    ks_results_free(r);
out:
  g_option_context_free(ctx);
  return code;
}

static int cmd_summary(int argc, char **argv) {
  char *format = NULL;
  GOptionEntry entries[] = {
    {"output", 'o', 0, G_OPTION_ARG_STRING, &format, "table (default) or json", "FORMAT"},
    {NULL, 0, 0, 0, NULL, NULL, NULL}};
  GOptionContext *ctx = new_context("FILE.h5", "Print the headline figures of a run (docs/results.md defines them).");
  g_option_context_add_main_entries(ctx, entries, NULL);
  int code = KS_EXIT_OK;
  if (!parse_options(ctx, &argc, &argv, &code))
    goto out;
  if (argc != 2 || (format && strcmp(format, "table") && strcmp(format, "json"))) {
    fprintf(stderr, "ksim summary: %s\n", argc != 2 ? "expected exactly one FILE.h5"
                                                     : "--output must be table or json");
    code = KS_EXIT_USAGE;
    goto out;
  }
  GError *error = NULL;
  KsSummaryFormat fmt = format && !strcmp(format, "json") ? KS_SUMMARY_JSON : KS_SUMMARY_TABLE;
  if (!ks_summary_print(argv[1], fmt, stdout, &error)) {
    fprintf(stderr, "ksim summary: %s\n", error->message);
    code = read_exit_code_for(error);
    g_error_free(error);
  }
out:
  g_free(format);
  g_option_context_free(ctx);
  return code;
}

static int cmd_plot(int argc, char **argv) {
  char *out_dir = NULL, *sweep = NULL, *format = NULL;
  char **metrics = NULL;
  GOptionEntry entries[] = {
    {"output-dir", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir, "Folder for the plots (default: FILE without .h5, plus -plots; for a sweep SWEEPDIR/plots)", "DIR"},
    {"sweep", 0, 0, G_OPTION_ARG_FILENAME, &sweep, "Plot the sweep whose output folder is DIR (as giving DIR itself; docs/sweeps.md)", "DIR"},
    {"format", 0, 0, G_OPTION_ARG_STRING, &format, "Image format: png (default) or svg", "FORMAT"},
    {"metric", 'm', 0, G_OPTION_ARG_STRING_ARRAY, &metrics, "Sweep plots: a metric to plot by group with error bars over seeds (repeatable; default pending.p99, pending.mean, alloc.cpu.mean, makespan)", "NAME"},
    {NULL, 0, 0, 0, NULL, NULL, NULL}};
  GOptionContext *ctx = new_context("FILE.h5|SWEEPDIR", "Render a run's utilization, pending pods and pending-time CDF plots with gnuplot (and, with usage\nprofiles, memory per node with the evictions), or a sweep's comparison plots (a metric by\nprofile with error bars over seeds, pending-time CDFs, utilization over time, node x time heat\nmaps of allocation per resource).");
  g_option_context_add_main_entries(ctx, entries, NULL);
  int code = KS_EXIT_OK;
  if (!parse_options(ctx, &argc, &argv, &code))
    goto out;
  if (argc != (sweep ? 1 : 2) || (format && strcmp(format, "png") && strcmp(format, "svg"))) {
    fprintf(stderr, "ksim plot: %s\n", argc != (sweep ? 1 : 2) ? "expected exactly one FILE.h5 or SWEEPDIR"
                                                               : "--format must be png or svg");
    code = KS_EXIT_USAGE;
    goto out;
  }
  if (sweep || g_file_test(argv[1], G_FILE_TEST_IS_DIR)) {
    code = ks_cli_plot_sweep(sweep ? sweep : argv[1], out_dir, format, (const char *const *)metrics);
    goto out;
  }
  if (metrics) {
    fprintf(stderr, "ksim plot: --metric is for sweep plots\n");
    code = KS_EXIT_USAGE;
    goto out;
  }
  if (!out_dir) {
    char *base = g_str_has_suffix(argv[1], ".h5") ? g_strndup(argv[1], strlen(argv[1]) - 3)
                                                  : g_strdup(argv[1]);
    out_dir = g_strconcat(base, "-plots", NULL);
    g_free(base);
  }
  GError *error = NULL;
  gboolean node_memory = FALSE;
  const char *ext = format ? format : "png";
  if (!ks_plot_render(argv[1], out_dir, ext, &node_memory, &error)) {
    fprintf(stderr, "ksim plot: %s\n", error->message);
    code = read_exit_code_for(error);
    g_error_free(error);
  } else {
    printf("ksim plot: wrote %s/utilization.%s, pending.%s, pending-cdf.%s%s%s\n", out_dir, ext,
           ext, ext, node_memory ? ", node-memory." : "", node_memory ? ext : "");
  }
out:
  g_free(out_dir);
  g_free(sweep);
  g_free(format);
  g_strfreev(metrics);
  g_option_context_free(ctx);
  return code;
}

static void print_usage(FILE *out) {
  fprintf(out, "Usage: ksim <command> [options]\n\nCommands:\n");
  for (const KsCommand *c = commands; c->name; c++)
    fprintf(out, "  %-10s %s\n", c->name, c->summary);
  fprintf(out, "\nRun 'ksim <command> --help' for a command's options.\n"
               "Exit codes: 0 ok, 1 run-time failure, 2 bad usage or input.\n");
}

int ks_cli_main(int argc, char **argv) {
  if (argc < 2) {
    print_usage(stderr);
    return KS_EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
    printf("ksim %s\n", KSIM_VERSION);
    return KS_EXIT_OK;
  }
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    print_usage(stdout);
    return KS_EXIT_OK;
  }
  for (const KsCommand *c = commands; c->name; c++)
    if (!strcmp(c->name, cmd))
      return c->run(argc - 1, argv + 1);
  fprintf(stderr, "ksim: unknown command '%s'\n", cmd);
  print_usage(stderr);
  return KS_EXIT_USAGE;
}

static gboolean parse_constraints(const char *s, KsBenchConstraints *out) {
  static const char *const names[] = {"none", "affinity", "spread"};
  for (guint i = 0; i < G_N_ELEMENTS(names); i++)
    if (!g_strcmp0(s, names[i])) {
      *out = (KsBenchConstraints)i;
      return TRUE;
    }
  return FALSE;
}

static int cmd_bench(int argc, char **argv) {
  gint nodes = 5000, pods = 10000, per_node = 30, percentage = -1, parallelism = 1;
  gint64 seed = 1;
  char *constraints = NULL, *config = NULL;
  GOptionEntry entries[] = {
    {"nodes", 0, 0, G_OPTION_ARG_INT, &nodes, "Nodes in the cluster (default 5000)", "N"},
    {"pods", 0, 0, G_OPTION_ARG_INT, &pods, "Pods to schedule (default 10000)", "M"},
    {"pods-per-node", 0, 0, G_OPTION_ARG_INT, &per_node, "Pods already bound to each node (default 30)", "K"},
    {"constraints", 0, 0, G_OPTION_ARG_STRING, &constraints, "none (default), affinity or spread", "KIND"},
    {"percentage-of-nodes-to-score", 0, 0, G_OPTION_ARG_INT, &percentage, "0 = adaptive (the default, or the configuration's), 100 = score all nodes", "P"},
    {"config", 0, 0, G_OPTION_ARG_FILENAME, &config, "KubeSchedulerConfiguration whose default-scheduler profile runs (default: the v1.31 default profile)", "FILE"},
    {"seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the synthetic cluster and the tie-break (default 1)", "N"},
    {"parallelism", 0, 0, G_OPTION_ARG_INT, &parallelism, "Threads that run Filter (default 1: serial)", "N"},
    {NULL, 0, 0, 0, NULL, NULL, NULL}};
  GOptionContext *ctx = new_context("sched", "Benchmark the scheduler on a synthetic cluster: prints pods/s and ns per node examined;\nthe last line is pods_per_s=<number>.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  int code = KS_EXIT_OK;
  KsBenchConstraints kind = KS_BENCH_CONSTRAINTS_NONE;
  if (!parse_options(ctx, &argc, &argv, &code))
    goto out;
  if (argc != 2 || strcmp(argv[1], "sched")) {
    fprintf(stderr, "ksim bench: expected 'sched' (the only benchmark so far)\n");
    code = KS_EXIT_USAGE;
    goto out;
  }
  if (nodes < 1 || pods < 0 || per_node < 0 || per_node > 110 || percentage < -1 ||
      percentage > 100 || seed < 0 || parallelism < 1 ||
      (constraints && !parse_constraints(constraints, &kind))) {
    fprintf(stderr, "ksim bench sched: --nodes >= 1, --pods >= 0, 0 <= --pods-per-node <= 110, "
                    "0 <= --percentage-of-nodes-to-score <= 100, --constraints none|affinity|spread, "
                    "--parallelism >= 1\n");
    code = KS_EXIT_USAGE;
    goto out;
  }
  KsBenchSchedOptions opts = {(guint)nodes, (guint)pods, (guint)per_node, kind, percentage,
                              (guint64)seed, parallelism, config};
  GError *error = NULL;
  if (!ks_bench_sched_print(&opts, stdout, &error)) {
    fprintf(stderr, "ksim bench sched: %s\n", error->message);
    g_error_free(error);
    code = exit_code_for(error);
  }
out:
  g_free(constraints);
  g_free(config);
  g_option_context_free(ctx);
  return code;
}

static int cmd_explain(int argc, char **argv) {
  char **files = NULL, **plugins = NULL;
  char *config = NULL, *format = NULL, *profile = NULL;
  gboolean score_all = FALSE;
  gint64 seed = 1;
  GOptionEntry entries[] = {
    {"filename", 'f', 0, G_OPTION_ARG_FILENAME_ARRAY, &files, "Manifests: Nodes, bound Pods, Namespaces, PriorityClasses, volumes (PVs, claims, StorageClasses), Services and workloads for spreading, and the one Pod to place (repeatable; files may also follow the options)", "FILE"},
    {"config", 0, 0, G_OPTION_ARG_FILENAME, &config, "KubeSchedulerConfiguration file (default: the v1.31 default profile)", "FILE"},
    {"profile", 0, 0, G_OPTION_ARG_STRING, &profile, "Built-in profile when no configuration is given: default or legacy-v1.7", "NAME"},
    {"plugin", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &plugins, "Load scheduler plugins from a shared object (repeatable)", "PATH.so"},
    {"output", 'o', 0, G_OPTION_ARG_STRING, &format, "table (default) or json", "FORMAT"},
    {"score-all", 0, 0, G_OPTION_ARG_NONE, &score_all, "Also score nodes that failed a filter (never selected), as upstream's score-plugin tests do", NULL},
    {"seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the tie-break among equal top scores (default 1)", "N"},
    {NULL, 0, 0, 0, NULL, NULL, NULL}};
  GOptionContext *ctx = new_context("[FILE...]", "Run one scheduling cycle for the one Pod without spec.nodeName and print, per node, the filter\nverdict (plugin and reason) and every score plugin's raw, normalized and weighted score.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  int code = KS_EXIT_OK;
  GPtrArray *all = g_ptr_array_new();
  if (!parse_options(ctx, &argc, &argv, &code))
    goto out;
  for (char **f = files; f && *f; f++)
    g_ptr_array_add(all, *f);
  for (int i = 1; i < argc; i++)
    g_ptr_array_add(all, argv[i]);
  g_ptr_array_add(all, NULL);
  if (all->len == 1 || seed < 0 || (format && strcmp(format, "table") && strcmp(format, "json"))) {
    fprintf(stderr, "ksim explain: %s\n", all->len == 1 ? "expected manifests (-f FILE)"
                                          : seed < 0 ? "--seed must not be negative"
                                                     : "--output must be table or json");
    code = KS_EXIT_USAGE;
    goto out;
  }
  KsExplainOptions opts = {
    .files = (const char *const *)all->pdata,
    .config = config,
    .builtin_profile = profile,
    .plugins = (const char *const *)plugins,
    .score_all = score_all,
    .format = format && !strcmp(format, "json") ? KS_EXPLAIN_JSON : KS_EXPLAIN_TABLE,
    .seed = (guint64)seed,
  };
  GError *error = NULL;
  if (!ks_explain(&opts, stdout, &error)) {
    fprintf(stderr, "ksim explain: %s\n", error->message);
    code = exit_code_for(error);
    g_error_free(error);
  }
out:
  g_ptr_array_free(all, TRUE);
  g_strfreev(files);
  g_strfreev(plugins);
  g_free(config);
  g_free(profile);
  g_free(format);
  g_option_context_free(ctx);
  return code;
}
