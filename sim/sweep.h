/* Parameter sweeps: `ksim sweep SWEEP.yaml` (docs/sweeps.md).
 *
 * A Sweep file (workloads/sweep_spec.h) is expanded into a plan: one run
 * per point of the matrix, in a fixed order, each with a stable id, a
 * results path OUT/runs/<id>.h5 and the `ksim run` command line that makes
 * it. The plan is then either executed here (child ksim processes, -j at a
 * time), or emitted as a job list for GNU parallel or a Slurm array script.
 * Either way OUT/runs.tsv lists the runs and their coordinates, so
 * `ksim sweep --aggregate OUT` can build the table of all runs later, on
 * any machine that sees OUT.
 *
 *   sweep_plan.c       expansion, ids, command lines, runs.tsv
 *   sweep_exec.c       running the plan on this machine
 *   sweep_emit.c       GNU parallel job list, Slurm array script
 *   sweep_aggregate.c  OUT/sweep.csv and OUT/sweep.h5
 *   sweep_plot.c       the comparison plots of a sweep (`ksim plot SWEEPDIR`)
 */
#pragma once
#include <stdio.h>

#include <glib.h>

#include "workloads/sweep_spec.h"

#define KS_SWEEP_ERROR (ks_sweep_error_quark())
GQuark ks_sweep_error_quark(void);
typedef enum {
  KS_SWEEP_ERROR_INPUT, /* the sweep names a file or value that does not work */
  KS_SWEEP_ERROR_IO,    /* OUT or a file in it cannot be written or read */
  KS_SWEEP_ERROR_FORMAT, /* OUT/runs.tsv is not a run list */
} KsSweepError;

#define KS_SWEEP_MAX_ID_LENGTH 200
#define KS_SWEEP_RUN_LIST "runs.tsv"

typedef struct {
  guint index;  /* position in the matrix order, 0-based */
  char *id;     /* stable: made of the coordinates, not the index */
  char *output; /* OUT/runs/<id>.h5 */
  char **coords; /* one per plan column, the values as written in the sweep file */
  char **args;  /* `ksim` arguments ("run", SCENARIO, options...), NULL-terminated;
                   NULL in a plan read back from runs.tsv */
} KsSweepRun;

typedef struct {
  char *out_dir;
  char **columns;  /* coordinate columns: scenario, [trace,] profile, parameters..., seed */
  GPtrArray *runs; /* KsSweepRun*, in matrix order */
} KsSweepPlan;

/* Expands spec in its documented order (scenarios, traces, profiles,
 * parameters in file order, seeds; the last varies fastest). out_dir
 * overrides spec.output. With check, every scenario is loaded (once with
 * each field parameter value), every KubeSchedulerConfiguration too, and
 * option values are parsed, so a bad matrix fails before anything runs;
 * errors name the sweep file's line and column. transfer full */
KsSweepPlan *ks_sweep_plan_new(const KsSweepSpec *spec, const char *out_dir, gboolean check,
                               GError **error);
void ks_sweep_plan_free(KsSweepPlan *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(KsSweepPlan, ks_sweep_plan_free)

/* Creates OUT and OUT/runs and writes OUT/runs.tsv. */
gboolean ks_sweep_plan_write(const KsSweepPlan *plan, GError **error);
/* Reads OUT/runs.tsv back (runs without args). transfer full */
KsSweepPlan *ks_sweep_plan_read(const char *out_dir, GError **error);
/* The same from its text; path names it in messages. transfer full */
KsSweepPlan *ks_sweep_plan_parse(const char *text, const char *out_dir, const char *path,
                                 GError **error);
/* A run's command line as one shell-quoted line, with `ksim` as the
 * program name. transfer full */
char *ks_sweep_run_command(const KsSweepRun *run, const char *ksim);

typedef struct {
  const char *ksim; /* the ksim executable the runs use */
  guint jobs;       /* runs at a time; 0: the number of processors */
  gboolean force;   /* run even when OUT/runs/<id>.h5 exists */
  FILE *log;        /* one line per run as it ends; NULL: quiet */
} KsSweepExecOptions;

typedef struct {
  guint ran, skipped, failed;
} KsSweepExecReport;

/* Runs every run of the plan whose results file is missing (all with
 * force), jobs at a time, each as `ksim run ... --quiet` whose stderr goes
 * to OUT/logs/<id>.log. A failed run is counted and logged; the others go
 * on. FALSE only when the sweep itself cannot proceed (OUT not writable). */
gboolean ks_sweep_execute(const KsSweepPlan *plan, const KsSweepExecOptions *opts,
                          KsSweepExecReport *report, GError **error);

typedef enum { KS_SWEEP_EMIT_PARALLEL, KS_SWEEP_EMIT_SLURM } KsSweepEmit;

/* Writes OUT/jobs.txt (GNU parallel: one shell command per line) or
 * OUT/sweep.slurm (an sbatch array script, one run per task) for the runs
 * without results (all with force). ksim: the program name written into
 * the commands; workdir: the directory the commands run in (relative paths
 * in them are relative to it). *n_jobs: runs written. Returns the path of
 * the file written, or NULL with *n_jobs 0 when nothing is left to run.
 * transfer full */
char *ks_sweep_emit(const KsSweepPlan *plan, KsSweepEmit kind, gboolean force, const char *ksim,
                    const char *workdir, guint *n_jobs, GError **error);

/* The table of a sweep: one row per run of OUT/runs.tsv. */
typedef struct {
  char **columns;       /* coordinate columns */
  char **metrics;       /* metric names */
  GPtrArray *runs;      /* KsSweepRun* (no args) */
  gboolean *present;    /* per run: its results file was read */
  double *values;       /* runs->len x n_metrics, row-major; NAN when absent */
  guint n_metrics;
} KsSweepTable;

/* Reads OUT/runs.tsv and every OUT/runs/<id>.h5 there is. A missing
 * results file gives a row with present FALSE; an unreadable one is an
 * error. transfer full */
KsSweepTable *ks_sweep_table_collect(const char *out_dir, GError **error);
void ks_sweep_table_free(KsSweepTable *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(KsSweepTable, ks_sweep_table_free)
/* Index of a metric by name, or -1. */
int ks_sweep_table_metric(const KsSweepTable *t, const char *name);

/* Collects the table and writes OUT/sweep.csv and OUT/sweep.h5.
 * *n_missing: runs without a results file (their metrics are empty). */
gboolean ks_sweep_aggregate(const char *out_dir, guint *n_missing, GError **error);

/* Renders the comparison plots of a sweep into plot_dir (NULL: OUT/plots),
 * as format "png" or "svg" (docs/sweeps.md lists them): each metric named
 * (NULL or empty: pending.p99, pending.mean, alloc.cpu.mean, makespan) by
 * group with error bars over seeds, pending-time CDFs and allocation over
 * time per group, and a node x time heat map of allocation per group.
 * Errors: KS_PLOT_ERROR as ks_plot_render, KS_SWEEP_ERROR_INPUT for an
 * unknown metric. */
gboolean ks_sweep_plot(const char *out_dir, const char *plot_dir, const char *format,
                       const char *const *metrics, GError **error);
