/* Job lists for running a sweep elsewhere: GNU parallel (several machines
 * over ssh) and a Slurm array job (docs/sweeps.md shows both commands).
 *
 * Both hold exactly the command lines `ksim sweep` would run itself
 * (ks_sweep_run_command), so a run is the same wherever it runs. Paths in
 * them are as the sweep resolved them, relative to `workdir` unless the
 * sweep file used absolute ones: GNU parallel is told the directory with
 * --workdir and the Slurm script with --chdir, which assumes the machines
 * share that file system (as a cluster's home or project space does). The
 * run list OUT/runs.tsv is written too, for `ksim sweep --aggregate OUT`.
 */
#include "sim/sweep.h"

#include <string.h>

static char *slurm_script(const KsSweepPlan *plan, GPtrArray *todo, const char *ksim,
                          const char *workdir) {
  GString *s = g_string_new("#!/bin/bash\n");
  g_autofree char *base = g_path_get_basename(plan->out_dir);
  g_string_append_printf(s,
                         "# ksim sweep: %u runs, one per array task (ksim sweep --emit slurm).\n"
                         "# Submit: sbatch %s/sweep.slurm\n"
                         "# Then:   ksim sweep --aggregate %s\n",
                         todo->len, plan->out_dir, plan->out_dir);
  g_string_append_printf(s, "#SBATCH --job-name=ksim-%s\n", base);
  g_string_append_printf(s, "#SBATCH --array=0-%u\n", todo->len - 1);
  g_string_append(s, "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n");
  g_string_append_printf(s, "#SBATCH --chdir=%s\n", workdir);
  g_string_append_printf(s, "#SBATCH --output=%s/logs/slurm-%%A_%%a.out\n", plan->out_dir);
  g_string_append(s, "set -euo pipefail\ncase \"$SLURM_ARRAY_TASK_ID\" in\n");
  for (guint i = 0; i < todo->len; i++) {
    g_autofree char *cmd = ks_sweep_run_command(todo->pdata[i], ksim);
    g_string_append_printf(s, "  %u) exec %s ;;\n", i, cmd);
  }
  g_string_append(s, "  *) echo \"ksim sweep: no run for array task $SLURM_ARRAY_TASK_ID\" >&2; "
                     "exit 2 ;;\nesac\n");
  return g_string_free(s, FALSE);
}

char *ks_sweep_emit(const KsSweepPlan *plan, KsSweepEmit kind, gboolean force, const char *ksim,
                    const char *workdir, guint *n_jobs, GError **error) {
  *n_jobs = 0;
  if (!ks_sweep_plan_write(plan, error))
    return NULL;
  GPtrArray *todo = g_ptr_array_new();
  for (guint i = 0; i < plan->runs->len; i++) {
    const KsSweepRun *r = plan->runs->pdata[i];
    if (force || !g_file_test(r->output, G_FILE_TEST_EXISTS))
      g_ptr_array_add(todo, (gpointer)r);
  }
  if (todo->len == 0) {
    g_ptr_array_free(todo, TRUE);
    return NULL;
  }
  char *text;
  if (kind == KS_SWEEP_EMIT_SLURM) {
    text = slurm_script(plan, todo, ksim, workdir);
  } else {
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < todo->len; i++) {
      g_autofree char *cmd = ks_sweep_run_command(todo->pdata[i], ksim);
      g_string_append_printf(s, "%s\n", cmd);
    }
    text = g_string_free(s, FALSE);
  }
  char *path = g_build_filename(plan->out_dir,
                                kind == KS_SWEEP_EMIT_SLURM ? "sweep.slurm" : "jobs.txt", NULL);
  GError *e = NULL;
  if (!g_file_set_contents(path, text, -1, &e)) {
    g_set_error(error, KS_SWEEP_ERROR, KS_SWEEP_ERROR_IO, "%s", e->message);
    g_error_free(e);
    g_clear_pointer(&path, g_free);
  } else {
    *n_jobs = todo->len;
  }
  g_free(text);
  g_ptr_array_free(todo, TRUE);
  return path;
}
