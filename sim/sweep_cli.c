/* `ksim sweep`: plan, run (or emit) and aggregate a sweep (docs/sweeps.md).
 *
 * Exit codes as every ksim command: 2 for a bad sweep file or usage, 1 when
 * a run failed or the table could not be written (the other runs still
 * ran and the table still holds them), 0 otherwise.
 */
#include "sim/sweep_cli.h"

#include <stdio.h>
#include <string.h>

#include "sim/cli.h"
#include "sim/plot.h"
#include "sim/results.h"
#include "sim/sweep.h"

/* The ksim executable the child runs use: this very program. transfer full */
static char *self_path(void) {
  char *p = g_file_read_link("/proc/self/exe", NULL);
  return p ? p : g_find_program_in_path("ksim");
}

static int aggregate(const char *out_dir) {
  GError *error = NULL;
  guint missing = 0;
  if (!ks_sweep_aggregate(out_dir, &missing, &error)) {
    fprintf(stderr, "ksim sweep: %s\n", error->message);
    /* Writing the table, or a results file that cannot be read: 1; a
     * folder that is no sweep or a results file that is no ksim's: 2. */
    int code = (error->domain == KS_SWEEP_ERROR && error->code == KS_SWEEP_ERROR_IO) ||
                   (error->domain == KS_RESULTS_ERROR && error->code == KS_RESULTS_ERROR_IO)
                 ? KS_EXIT_FAILURE
                 : KS_EXIT_USAGE;
    g_error_free(error);
    return code;
  }
  printf("ksim sweep: wrote %s/sweep.csv and %s/sweep.h5", out_dir, out_dir);
  if (missing)
    printf(" (%u runs have no results yet: their rows have status missing)", missing);
  printf("\n");
  return missing ? KS_EXIT_FAILURE : KS_EXIT_OK;
}

static void print_list(const KsSweepPlan *plan) {
  printf("index\trun_id");
  for (char **c = plan->columns; *c; c++)
    printf("\t%s", *c);
  printf("\n");
  for (guint i = 0; i < plan->runs->len; i++) {
    const KsSweepRun *r = plan->runs->pdata[i];
    printf("%u\t%s", r->index, r->id);
    for (char **c = r->coords; *c; c++)
      printf("\t%s", *c);
    printf("\n");
  }
}

static int emit(const KsSweepPlan *plan, const char *how, gboolean force, const char *ksim) {
  KsSweepEmit kind = !strcmp(how, "slurm") ? KS_SWEEP_EMIT_SLURM : KS_SWEEP_EMIT_PARALLEL;
  g_autofree char *cwd = g_get_current_dir();
  GError *error = NULL;
  guint n = 0;
  g_autofree char *path = ks_sweep_emit(plan, kind, force, ksim, cwd, &n, &error);
  if (error) {
    fprintf(stderr, "ksim sweep: %s\n", error->message);
    g_error_free(error);
    return KS_EXIT_FAILURE;
  }
  if (!path) {
    printf("ksim sweep: all %u runs have results; nothing to emit (--force emits them all)\n",
           plan->runs->len);
    return KS_EXIT_OK;
  }
  printf("ksim sweep: wrote %s (%u of %u runs)\n", path, n, plan->runs->len);
  if (kind == KS_SWEEP_EMIT_SLURM)
    printf("run it:   sbatch %s\n", path);
  else
    printf("run it:   parallel --jobs 2 --sshloginfile HOSTS --workdir %s --joblog %s/parallel.log < %s\n",
           cwd, plan->out_dir, path);
  printf("then:     ksim sweep --aggregate %s\n", plan->out_dir);
  return KS_EXIT_OK;
}

int ks_cli_sweep(int argc, char **argv) {
  gint jobs = 0;
  gboolean force = FALSE, list = FALSE;
  char *out_dir = NULL, *emit_kind = NULL, *aggregate_dir = NULL, *ksim_cmd = NULL;
  GOptionEntry entries[] = {
    {"jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Runs at a time (default: the number of processors)", "N"},
    {"output-dir", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir, "Output folder (default: the sweep's spec.output, else results/sweeps/NAME)", "DIR"},
    {"force", 0, 0, G_OPTION_ARG_NONE, &force, "Run (or emit) runs whose results file already exists", NULL},
    {"list", 0, 0, G_OPTION_ARG_NONE, &list, "Print the runs (index, id, coordinates) and run nothing", NULL},
    {"emit", 0, 0, G_OPTION_ARG_STRING, &emit_kind, "Write a job list instead of running: parallel (GNU parallel, OUT/jobs.txt) or slurm (array job, OUT/sweep.slurm)", "KIND"},
    {"ksim-command", 0, 0, G_OPTION_ARG_STRING, &ksim_cmd, "Program name written into emitted jobs (default: ksim, found on PATH where they run)", "CMD"},
    {"aggregate", 0, 0, G_OPTION_ARG_FILENAME, &aggregate_dir, "Only build OUT/sweep.csv and OUT/sweep.h5 from the runs' results", "OUT"},
    {NULL, 0, 0, 0, NULL, NULL, NULL}};
  GOptionContext *ctx = g_option_context_new("SWEEP.yaml");
  g_option_context_set_summary(ctx, "Expand a Sweep file (scenarios or traces x profiles x parameter values x seeds) into runs,\n"
                                    "run them in parallel (or emit a GNU parallel / Slurm job list) and aggregate one table\n"
                                    "with a row per run (OUT/sweep.csv, OUT/sweep.h5). Format: docs/sweeps.md.");
  g_option_context_set_description(ctx, "Exit codes: 0 ok, 1 a run failed (the others ran) or output failed, 2 bad usage or input.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  int code = KS_EXIT_OK;
  GError *error = NULL;
  KsSweepSpec *spec = NULL;
  KsSweepPlan *plan = NULL;
  g_autofree char *self = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    fprintf(stderr, "ksim: %s\nRun 'ksim sweep --help' for usage.\n", error->message);
    g_clear_error(&error);
    code = KS_EXIT_USAGE;
    goto out;
  }
  if (aggregate_dir) {
    if (argc != 1) {
      fprintf(stderr, "ksim sweep: --aggregate OUT takes no SWEEP.yaml\n");
      code = KS_EXIT_USAGE;
    } else {
      code = aggregate(aggregate_dir);
    }
    goto out;
  }
  const char *bad = argc != 2 ? "expected exactly one SWEEP.yaml"
                    : jobs < 0 ? "--jobs must not be negative"
                    : emit_kind && strcmp(emit_kind, "parallel") && strcmp(emit_kind, "slurm")
                      ? "--emit must be parallel or slurm"
                      : NULL;
  if (bad) {
    fprintf(stderr, "ksim sweep: %s\n", bad);
    code = KS_EXIT_USAGE;
    goto out;
  }
  spec = ks_sweep_spec_load_file(argv[1], &error);
  plan = spec ? ks_sweep_plan_new(spec, out_dir, !list, &error) : NULL;
  if (!plan) {
    fprintf(stderr, "ksim sweep: %s\n", error->message);
    g_clear_error(&error);
    code = KS_EXIT_USAGE;
    goto out;
  }
  if (list) {
    print_list(plan);
    goto out;
  }
  if (emit_kind) {
    code = emit(plan, emit_kind, force, ksim_cmd ? ksim_cmd : "ksim");
    goto out;
  }
  self = self_path();
  if (!self) {
    fprintf(stderr, "ksim sweep: cannot find the ksim executable to run\n");
    code = KS_EXIT_FAILURE;
    goto out;
  }
  KsSweepExecOptions opts = {.ksim = self, .jobs = (guint)jobs, .force = force, .log = stderr};
  KsSweepExecReport rep;
  if (!ks_sweep_execute(plan, &opts, &rep, &error)) {
    fprintf(stderr, "ksim sweep: %s\n", error->message);
    g_clear_error(&error);
    code = KS_EXIT_FAILURE;
    goto out;
  }
  fprintf(stderr, "ksim sweep: %u runs: %u ran, %u skipped (results exist), %u failed\n",
          plan->runs->len, rep.ran, rep.skipped, rep.failed);
  code = aggregate(plan->out_dir);
  if (rep.failed)
    code = KS_EXIT_FAILURE;
out:
  if (plan)
    ks_sweep_plan_free(plan);
  if (spec)
    ks_sweep_spec_free(spec);
  g_free(out_dir);
  g_free(emit_kind);
  g_free(aggregate_dir);
  g_free(ksim_cmd);
  g_option_context_free(ctx);
  return code;
}

int ks_cli_plot_sweep(const char *sweep_dir, const char *out_dir, const char *format,
                      const char *const *metrics) {
  GError *error = NULL;
  g_autofree char *dir = out_dir ? g_strdup(out_dir) : g_build_filename(sweep_dir, "plots", NULL);
  if (!ks_sweep_plot(sweep_dir, dir, format, metrics, &error)) {
    fprintf(stderr, "ksim plot: %s\n", error->message);
    int code = error->domain == KS_PLOT_ERROR ||
                   (error->domain == KS_RESULTS_ERROR && error->code == KS_RESULTS_ERROR_IO)
                 ? KS_EXIT_FAILURE
                 : KS_EXIT_USAGE;
    g_error_free(error);
    return code;
  }
  const char *fmt = format ? format : "png";
  printf("ksim plot: wrote %s/metric-*.%s, pending-cdf.%s, utilization.%s, heatmap-*.%s "
         "(groups in %s/groups.gp)\n", dir, fmt, fmt, fmt, fmt, dir);
  return KS_EXIT_OK;
}
