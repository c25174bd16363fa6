/* Running a sweep's plan on this machine.
 *
 * Each run is a child `ksim run` process, not a thread: a run that crashes
 * or runs out of memory takes only itself down, the command line is the one
 * the emitted job lists hold (so a run behaves the same here, under GNU
 * parallel and under Slurm), and nothing has to be proven thread-safe (a
 * run loads plugins and interns names). A GThreadPool of `jobs` threads
 * each waits on one child at a time. The results file a run writes appears
 * only when complete (ksim run writes .partial and renames), so "the file
 * exists" is a safe test for "the run is done" when a sweep is re-run.
 */
#include "sim/sweep.h"

#include <errno.h>
#include <string.h>
#include <sys/wait.h>

typedef struct {
  const KsSweepPlan *plan;
  const KsSweepExecOptions *opts;
  KsSweepExecReport *report;
  GMutex lock;
  guint done, total;
} Exec;

/* The last non-empty line of a child's stderr, for the one-line report. */
static char *last_line(const char *text) {
  g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);
  for (guint n = g_strv_length(lines); n-- > 0;)
    if (g_strstrip(lines[n])[0])
      return g_strdup(lines[n]);
  return g_strdup("(no message)");
}

static void work(gpointer data, gpointer user) {
  const KsSweepRun *r = data;
  Exec *x = user;
  GPtrArray *argv = g_ptr_array_new();
  g_ptr_array_add(argv, (char *)x->opts->ksim);
  for (char **a = r->args; *a; a++)
    g_ptr_array_add(argv, *a);
  g_ptr_array_add(argv, NULL);
  g_autofree char *err = NULL;
  g_autofree char *why = NULL;
  int status = 0;
  GError *spawn_error = NULL;
  gint64 t0 = g_get_monotonic_time();
  gboolean ok = g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                             NULL, NULL, &err, &status, &spawn_error);
  double secs = (double)(g_get_monotonic_time() - t0) / 1e6;
  g_ptr_array_free(argv, TRUE);
  if (!ok) {
    why = g_strdup_printf("cannot run %s: %s", x->opts->ksim, spawn_error->message);
    g_error_free(spawn_error);
  } else if (!g_spawn_check_wait_status(status, NULL)) {
    g_autofree char *line = last_line(err);
    why = WIFEXITED(status) ? g_strdup_printf("exit %d: %s", WEXITSTATUS(status), line)
                            : g_strdup_printf("killed by signal %d: %s", WTERMSIG(status), line);
    ok = FALSE;
  }
  g_autofree char *log_name = g_strconcat(r->id, ".log", NULL);
  g_autofree char *log = g_build_filename(x->plan->out_dir, "logs", log_name, NULL);
  g_file_set_contents(log, err ? err : "", -1, NULL);
  g_mutex_lock(&x->lock);
  x->done++;
  if (ok)
    x->report->ran++;
  else
    x->report->failed++;
  if (x->opts->log) {
    if (ok)
      fprintf(x->opts->log, "[%u/%u] ok %s (%.1fs)\n", x->done, x->total, r->id, secs);
    else
      fprintf(x->opts->log, "[%u/%u] FAILED %s: %s (log: %s)\n", x->done, x->total, r->id, why,
              log);
    fflush(x->opts->log);
  }
  g_mutex_unlock(&x->lock);
}

gboolean ks_sweep_execute(const KsSweepPlan *plan, const KsSweepExecOptions *opts,
                          KsSweepExecReport *report, GError **error) {
  *report = (KsSweepExecReport){0};
  if (!ks_sweep_plan_write(plan, error))
    return FALSE;
  GPtrArray *todo = g_ptr_array_new();
  for (guint i = 0; i < plan->runs->len; i++) {
    const KsSweepRun *r = plan->runs->pdata[i];
    if (!opts->force && g_file_test(r->output, G_FILE_TEST_EXISTS))
      report->skipped++;
    else
      g_ptr_array_add(todo, (gpointer)r);
  }
  if (opts->log && report->skipped)
    fprintf(opts->log, "ksim sweep: %u of %u runs already have results (--force runs them again)\n",
            report->skipped, plan->runs->len);
  Exec x = {.plan = plan, .opts = opts, .report = report, .total = todo->len};
  g_mutex_init(&x.lock);
  guint jobs = opts->jobs ? opts->jobs : MAX(g_get_num_processors(), 1);
  gboolean ok = TRUE;
  if (todo->len) {
    GError *e = NULL;
    GThreadPool *pool = g_thread_pool_new(work, &x, (gint)MIN(jobs, todo->len), FALSE, &e);
    if (!pool) {
      g_set_error(error, KS_SWEEP_ERROR, KS_SWEEP_ERROR_IO, "cannot start workers: %s", e->message);
      g_error_free(e);
      ok = FALSE;
    }
    for (guint i = 0; ok && i < todo->len; i++)
      g_thread_pool_push(pool, todo->pdata[i], NULL);
    if (pool)
      g_thread_pool_free(pool, FALSE, TRUE);
  }
  g_mutex_clear(&x.lock);
  g_ptr_array_free(todo, TRUE);
  return ok;
}
