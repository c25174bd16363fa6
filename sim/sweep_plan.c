/* A sweep's plan: the matrix expanded into runs (docs/sweeps.md).
 *
 * Order: scenarios, then traces, then profiles, then the parameters in file
 * order, then seeds, the last varying fastest (row-major over the matrix),
 * so all seeds of one configuration are neighbours in every listing.
 *
 * Ids are made of the coordinates, not the index, so a run keeps its id
 * (and its results file, which a re-run then skips) when values are added
 * to the matrix: "<scenario>_<trace>_<profile>_<param>-<value>..._s<seed>",
 * each part reduced to letters, digits, '.' and '-'. Two runs whose parts
 * reduce to the same text are refused, not numbered, since a number would
 * change with the order of the file.
 *
 * The run list OUT/runs.tsv (tab-separated, a header row) is what ties the
 * pieces together: execution, the emitted job lists and aggregation all
 * read the same ids and coordinates. Values cannot hold tabs or newlines
 * (the decoder refuses control characters), so it needs no quoting.
 */
#include "sim/sweep.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "sim/scheduler_setup.h"
#include "workloads/scheduler_config.h"

G_DEFINE_QUARK(ks-sweep-error-quark, ks_sweep_error)

static void run_free(gpointer p) {
  KsSweepRun *r = p;
  g_free(r->id);
  g_free(r->output);
  g_strfreev(r->coords);
  g_strfreev(r->args);
  g_free(r);
}

void ks_sweep_plan_free(KsSweepPlan *p) {
  if (!p)
    return;
  g_free(p->out_dir);
  g_strfreev(p->columns);
  if (p->runs)
    g_ptr_array_free(p->runs, TRUE);
  g_free(p);
}

static KsSweepPlan *plan_new(const char *out_dir) {
  KsSweepPlan *p = g_new0(KsSweepPlan, 1);
  p->out_dir = g_strdup(out_dir);
  p->runs = g_ptr_array_new_with_free_func(run_free);
  return p;
}

/* ---- ids ----------------------------------------------------------------- */

static void append_clean(GString *s, const char *text) {
  for (const char *c = text; *c; c++)
    g_string_append_c(s, g_ascii_isalnum(*c) || *c == '.' || *c == '-' ? *c : '-');
}

/* A file's name without its folder and, for scenarios and profiles, without
 * .yaml/.yml; for traces without everything from the first dot (x.csv.gz). */
static char *stem(const char *text, gboolean trace) {
  char *base = g_path_get_basename(text);
  char *dot = trace ? strchr(base, '.') : strrchr(base, '.');
  if (dot && dot != base &&
      (trace || !strcmp(dot, ".yaml") || !strcmp(dot, ".yml")))
    *dot = '\0';
  return base;
}

/* "spec.nodePools[0].count" -> "count"; "--tie-break" -> "tie-break". */
static char *param_short(const KsSweepParam *p) {
  if (p->kind == KS_SWEEP_PARAM_OPTION)
    return g_strdup(p->name + 2);
  const char *last = strrchr(p->name, '.');
  last = last ? last + 1 : p->name;
  return g_strndup(last, strcspn(last, "["));
}

/* ---- expansion ------------------------------------------------------------ */

typedef struct {
  const KsSweepSpec *spec;
  KsSweepPlan *plan;
  guint n_dims;
  guint *sizes; /* values per dimension */
  guint dim_trace, dim_profile, dim_params, dim_seed; /* first dimension of each */
  gboolean has_trace;
} Matrix;

static const KsSweepEntry *entry_at(const GPtrArray *a, guint i) { return a->pdata[i]; }

static char *yaml_double_quote(const char *s) {
  GString *q = g_string_new("\"");
  for (const char *c = s; *c; c++) {
    if (*c == '"' || *c == '\\')
      g_string_append_c(q, '\\');
    g_string_append_c(q, *c);
  }
  g_string_append_c(q, '"');
  return g_string_free(q, FALSE);
}

static KsSweepRun *make_run(Matrix *m, const guint *at, guint index) {
  const KsSweepSpec *s = m->spec;
  KsSweepRun *r = g_new0(KsSweepRun, 1);
  GPtrArray *coords = g_ptr_array_new();
  GPtrArray *args = g_ptr_array_new();
  GString *id = g_string_new(NULL);
  r->index = index;

  const KsSweepEntry *scn = entry_at(s->scenarios, at[0]);
  g_autofree char *scn_stem = stem(scn->text, FALSE);
  append_clean(id, scn_stem);
  g_ptr_array_add(coords, g_strdup(scn->text));
  g_ptr_array_add(args, g_strdup("run"));
  g_ptr_array_add(args, g_strdup(scn->path));
  if (m->has_trace) {
    const KsSweepEntry *tr = entry_at(s->traces, at[m->dim_trace]);
    g_autofree char *tr_stem = stem(tr->text, TRUE);
    g_string_append_c(id, '_');
    append_clean(id, tr_stem);
    g_ptr_array_add(coords, g_strdup(tr->text));
    g_ptr_array_add(args, g_strdup("--trace"));
    g_ptr_array_add(args, g_strdup(tr->path));
    if (s->trace_format) {
      g_ptr_array_add(args, g_strdup("--trace-format"));
      g_ptr_array_add(args, g_strdup(s->trace_format));
    }
  }
  const KsSweepEntry *prof = entry_at(s->profiles, at[m->dim_profile]);
  g_autofree char *prof_stem = stem(prof->text, FALSE);
  g_string_append_c(id, '_');
  append_clean(id, prof_stem);
  g_ptr_array_add(coords, g_strdup(prof->text));
  g_ptr_array_add(args, g_strdup(prof->path ? "--config" : "--profile"));
  g_ptr_array_add(args, g_strdup(prof->path ? prof->path : prof->text));
  for (guint i = 0; i < s->params->len; i++) {
    const KsSweepParam *p = s->params->pdata[i];
    const KsSweepValue *v = p->values->pdata[at[m->dim_params + i]];
    g_autofree char *short_name = param_short(p);
    g_string_append_c(id, '_');
    append_clean(id, short_name);
    g_string_append_c(id, '-');
    append_clean(id, v->text);
    g_ptr_array_add(coords, g_strdup(v->text));
    if (p->kind == KS_SWEEP_PARAM_FIELD) {
      g_autofree char *value = v->quoted ? yaml_double_quote(v->text) : g_strdup(v->text);
      g_ptr_array_add(args, g_strdup("--set"));
      g_ptr_array_add(args, g_strdup_printf("%s=%s", p->name, value));
    } else {
      g_ptr_array_add(args, g_strdup(p->name));
      g_ptr_array_add(args, g_strdup(v->text));
    }
  }
  gint64 seed = g_array_index(s->seeds, gint64, at[m->dim_seed]);
  g_string_append_printf(id, "_s%" G_GINT64_FORMAT, seed);
  g_ptr_array_add(coords, g_strdup_printf("%" G_GINT64_FORMAT, seed));
  r->id = g_string_free(id, FALSE);
  g_autofree char *file = g_strconcat(r->id, ".h5", NULL);
  r->output = g_build_filename(m->plan->out_dir, "runs", file, NULL);
  g_ptr_array_add(args, g_strdup("--seed"));
  g_ptr_array_add(args, g_strdup_printf("%" G_GINT64_FORMAT, seed));
  g_ptr_array_add(args, g_strdup("--output"));
  g_ptr_array_add(args, g_strdup(r->output));
  g_ptr_array_add(args, g_strdup("--quiet"));
  g_ptr_array_add(coords, NULL);
  g_ptr_array_add(args, NULL);
  r->coords = (char **)g_ptr_array_free(coords, FALSE);
  r->args = (char **)g_ptr_array_free(args, FALSE);
  return r;
}

static gboolean expand(Matrix *m, GError **error) {
  const KsSweepSpec *s = m->spec;
  GHashTable *ids = g_hash_table_new(g_str_hash, g_str_equal);
  guint *at = g_new0(guint, m->n_dims);
  guint64 total = ks_sweep_spec_run_count(s);
  gboolean ok = TRUE;
  for (guint64 n = 0; ok && n < total; n++) {
    KsSweepRun *r = make_run(m, at, (guint)n);
    g_ptr_array_add(m->plan->runs, r);
    KsSweepRun *other = g_hash_table_lookup(ids, r->id);
    if (other) {
      g_set_error(error, KS_SWEEP_ERROR, KS_SWEEP_ERROR_INPUT,
                  "%s: runs %u and %u would both get the id \"%s\" (their values differ only in "
                  "characters other than letters, digits, '.' and '-'): rename a file or change a "
                  "value", s->file, other->index, r->index, r->id);
      ok = FALSE;
    } else if (strlen(r->id) > KS_SWEEP_MAX_ID_LENGTH) {
      g_set_error(error, KS_SWEEP_ERROR, KS_SWEEP_ERROR_INPUT,
                  "%s: run %u: the id \"%s\" is longer than %d characters: use shorter file "
                  "names or values", s->file, r->index, r->id, KS_SWEEP_MAX_ID_LENGTH);
      ok = FALSE;
    }
    g_hash_table_insert(ids, r->id, r);
    /* Odometer: the last dimension turns fastest. */
    for (guint d = m->n_dims; d-- > 0;) {
      if (++at[d] < m->sizes[d])
        break;
      at[d] = 0;
    }
  }
  g_free(at);
  g_hash_table_destroy(ids);
  return ok;
}

/* ---- checks ---------------------------------------------------------------- */

static gboolean fail_at(GError **error, const KsSweepSpec *s, guint line, guint column,
                        const char *path, GError *inner) {
  g_set_error(error, KS_SWEEP_ERROR, KS_SWEEP_ERROR_INPUT, "%s:%u:%u: %s: %s", s->file, line,
              column, path, inner->message);
  g_error_free(inner);
  return FALSE;
}

static gboolean check_scenario(const KsSweepSpec *s, guint i, GError **error) {
  const KsSweepEntry *e = s->scenarios->pdata[i];
  g_autofree char *path = g_strdup_printf("spec.scenarios[%u]", i);
  GError *inner = NULL;
  if (!g_file_test(e->path, G_FILE_TEST_IS_REGULAR)) {
    g_set_error(error, KS_SWEEP_ERROR, KS_SWEEP_ERROR_INPUT, "%s:%u:%u: %s: %s: no such file",
                s->file, e->line, e->column, path, e->path);
    return FALSE;
  }
  KsScenario *scn = ks_scenario_load_file(e->path, &inner);
  if (!scn)
    return fail_at(error, s, e->line, e->column, path, inner);
  gboolean config = scn->scheduler_config != NULL;
  ks_scenario_free(scn);
  for (guint j = 0; config && j < s->profiles->len; j++) {
    const KsSweepEntry *p = s->profiles->pdata[j];
    if (!p->path) {
      g_set_error(error, KS_SWEEP_ERROR, KS_SWEEP_ERROR_INPUT,
                  "%s:%u:%u: spec.profiles[%u]: the built-in profile \"%s\" would not apply: "
                  "scenario %s sets spec.schedulerConfig, which wins over a built-in profile "
                  "(list KubeSchedulerConfiguration files instead)",
                  s->file, p->line, p->column, j, p->text, e->text);
      return FALSE;
    }
  }
  /* Each field value alone: enough to catch a bad path or value early
   * without loading the scenario once per combination. */
  for (guint k = 0; k < s->params->len; k++) {
    const KsSweepParam *p = s->params->pdata[k];
    for (guint v = 0; p->kind == KS_SWEEP_PARAM_FIELD && v < p->values->len; v++) {
      const KsSweepValue *x = p->values->pdata[v];
      g_autofree char *value = x->quoted ? yaml_double_quote(x->text) : g_strdup(x->text);
      g_autofree char *set = g_strdup_printf("%s=%s", p->name, value);
      const char *sets[] = {set, NULL};
      scn = ks_scenario_load_file_with_sets(e->path, sets, &inner);
      if (!scn) {
        g_autofree char *vp =
          g_strdup_printf("spec.parameters[%s][%u] (with scenario %s)", p->name, v, e->text);
        return fail_at(error, s, x->line, x->column, vp, inner);
      }
      ks_scenario_free(scn);
    }
  }
  return TRUE;
}

static gboolean check_option(const KsSweepSpec *s, const KsSweepParam *p, GError **error) {
  for (guint v = 0; v < p->values->len; v++) {
    const KsSweepValue *x = p->values->pdata[v];
    GError *inner = NULL;
    gboolean ok = TRUE;
    if (!strcmp(p->name, "--tie-break")) {
      KsSchedSelectHost tie;
      ok = ks_sched_tie_break_from_string(x->text, &tie, &inner);
    } else if (!strcmp(p->name, "--replay")) {
      KsScenarioTrace *t = ks_scenario_trace_new();
      g_autofree char *key = g_strndup(x->text, strcspn(x->text, "="));
      ok = ks_scenario_trace_set(t, key, x->text + strlen(key) + 1, &inner);
      ks_scenario_trace_free(t);
    } else if (!strcmp(p->name, "--terminated-pod-gc-threshold")) {
      guint64 n;
      ok = g_ascii_string_to_unsigned(x->text, 10, 0, G_MAXINT64, &n, NULL);
      if (!ok)
        inner = g_error_new(KS_SWEEP_ERROR, KS_SWEEP_ERROR_INPUT,
                            "\"%s\" is not a non-negative integer", x->text);
    }
    if (!ok) {
      g_autofree char *vp = g_strdup_printf("spec.parameters[%s][%u]", p->name, v);
      return fail_at(error, s, x->line, x->column, vp, inner);
    }
  }
  return TRUE;
}

static gboolean check_spec(const KsSweepSpec *s, GError **error) {
  for (guint i = 0; i < s->scenarios->len; i++)
    if (!check_scenario(s, i, error))
      return FALSE;
  for (guint i = 0; i < s->traces->len; i++) {
    const KsSweepEntry *e = s->traces->pdata[i];
    if (!g_file_test(e->path, G_FILE_TEST_IS_REGULAR)) {
      g_set_error(error, KS_SWEEP_ERROR, KS_SWEEP_ERROR_INPUT,
                  "%s:%u:%u: spec.traces[%u]: %s: no such file", s->file, e->line, e->column, i,
                  e->path);
      return FALSE;
    }
  }
  for (guint i = 0; i < s->profiles->len; i++) {
    const KsSweepEntry *e = s->profiles->pdata[i];
    GError *inner = NULL;
    KsSchedulerConfigFile *c = e->path ? ks_scheduler_config_load_file(e->path, &inner) : NULL;
    if (e->path && !c) {
      g_autofree char *path = g_strdup_printf("spec.profiles[%u]", i);
      return fail_at(error, s, e->line, e->column, path, inner);
    }
    if (c)
      ks_scheduler_config_free(c);
  }
  for (guint i = 0; i < s->params->len; i++) {
    const KsSweepParam *p = s->params->pdata[i];
    if (p->kind == KS_SWEEP_PARAM_OPTION && !check_option(s, p, error))
      return FALSE;
  }
  return TRUE;
}

KsSweepPlan *ks_sweep_plan_new(const KsSweepSpec *spec, const char *out_dir, gboolean check,
                               GError **error) {
  if (check && !check_spec(spec, error))
    return NULL;
  Matrix m = {.spec = spec, .plan = plan_new(out_dir ? out_dir : spec->output)};
  m.has_trace = spec->traces->len > 0;
  m.n_dims = 1 + m.has_trace + 1 + spec->params->len + 1;
  m.sizes = g_new0(guint, m.n_dims);
  GPtrArray *cols = g_ptr_array_new();
  guint d = 0;
  m.sizes[d++] = spec->scenarios->len;
  g_ptr_array_add(cols, g_strdup("scenario"));
  if (m.has_trace) {
    m.dim_trace = d;
    m.sizes[d++] = spec->traces->len;
    g_ptr_array_add(cols, g_strdup("trace"));
  }
  m.dim_profile = d;
  m.sizes[d++] = spec->profiles->len;
  g_ptr_array_add(cols, g_strdup("profile"));
  m.dim_params = d;
  for (guint i = 0; i < spec->params->len; i++) {
    const KsSweepParam *p = spec->params->pdata[i];
    m.sizes[d++] = p->values->len;
    g_ptr_array_add(cols, g_strdup(p->name));
  }
  m.dim_seed = d;
  m.sizes[d++] = spec->seeds->len;
  g_ptr_array_add(cols, g_strdup("seed"));
  g_ptr_array_add(cols, NULL);
  m.plan->columns = (char **)g_ptr_array_free(cols, FALSE);
  gboolean ok = expand(&m, error);
  g_free(m.sizes);
  if (!ok) {
    ks_sweep_plan_free(m.plan);
    return NULL;
  }
  return m.plan;
}

/* ---- the run list ---------------------------------------------------------- */

static gboolean mkdirs(const char *dir, GError **error) {
  if (g_mkdir_with_parents(dir, 0777) == 0)
    return TRUE;
  int e = errno;
  g_set_error(error, KS_SWEEP_ERROR, KS_SWEEP_ERROR_IO, "%s: cannot create directory: %s", dir,
              g_strerror(e));
  return FALSE;
}

gboolean ks_sweep_plan_write(const KsSweepPlan *plan, GError **error) {
  g_autofree char *runs = g_build_filename(plan->out_dir, "runs", NULL);
  g_autofree char *logs = g_build_filename(plan->out_dir, "logs", NULL);
  if (!mkdirs(runs, error) || !mkdirs(logs, error))
    return FALSE;
  GString *s = g_string_new("run_id");
  for (char **c = plan->columns; *c; c++)
    g_string_append_printf(s, "\t%s", *c);
  g_string_append_c(s, '\n');
  for (guint i = 0; i < plan->runs->len; i++) {
    const KsSweepRun *r = plan->runs->pdata[i];
    g_string_append(s, r->id);
    for (char **c = r->coords; *c; c++)
      g_string_append_printf(s, "\t%s", *c);
    g_string_append_c(s, '\n');
  }
  g_autofree char *path = g_build_filename(plan->out_dir, KS_SWEEP_RUN_LIST, NULL);
  GError *e = NULL;
  gboolean ok = g_file_set_contents(path, s->str, (gssize)s->len, &e);
  g_string_free(s, TRUE);
  if (!ok) {
    g_set_error(error, KS_SWEEP_ERROR, KS_SWEEP_ERROR_IO, "%s", e->message);
    g_error_free(e);
  }
  return ok;
}

KsSweepPlan *ks_sweep_plan_read(const char *out_dir, GError **error) {
  g_autofree char *path = g_build_filename(out_dir, KS_SWEEP_RUN_LIST, NULL);
  g_autofree char *text = NULL;
  GError *e = NULL;
  if (!g_file_get_contents(path, &text, NULL, &e)) {
    g_set_error(error, KS_SWEEP_ERROR, KS_SWEEP_ERROR_IO,
                "%s (is %s the output folder of a sweep?)", e->message, out_dir);
    g_error_free(e);
    return NULL;
  }
  return ks_sweep_plan_parse(text, out_dir, path, error);
}

KsSweepPlan *ks_sweep_plan_parse(const char *text, const char *out_dir, const char *path,
                                 GError **error) {
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  guint n_lines = g_strv_length(lines);
  if (n_lines > 0 && !lines[n_lines - 1][0])
    n_lines--; /* the final newline */
  g_auto(GStrv) header = n_lines ? g_strsplit(lines[0], "\t", -1) : NULL;
  guint n_cols = header ? g_strv_length(header) : 0;
  if (n_cols < 3 || strcmp(header[0], "run_id") || strcmp(header[n_cols - 1], "seed")) {
    g_set_error(error, KS_SWEEP_ERROR, KS_SWEEP_ERROR_FORMAT,
                "%s:1: not a sweep run list (expected a header run_id<TAB>...<TAB>seed)", path);
    return NULL;
  }
  KsSweepPlan *plan = plan_new(out_dir);
  plan->columns = g_strdupv(header + 1);
  GHashTable *ids = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 1; i < n_lines; i++) {
    char **f = g_strsplit(lines[i], "\t", -1);
    const char *bad = g_strv_length(f) != n_cols ? "expected %u fields, found %u"
                      : !f[0][0] || strchr(f[0], '/') || f[0][0] == '.' ? "bad run id"
                      : g_hash_table_contains(ids, f[0]) ? "duplicate run id"
                                                          : NULL;
    if (bad) {
      g_autofree char *why = g_strdup_printf(bad, n_cols, g_strv_length(f));
      g_set_error(error, KS_SWEEP_ERROR, KS_SWEEP_ERROR_FORMAT, "%s:%u: %s", path, i + 1, why);
      g_strfreev(f);
      g_hash_table_destroy(ids);
      ks_sweep_plan_free(plan);
      return NULL;
    }
    KsSweepRun *r = g_new0(KsSweepRun, 1);
    r->index = i - 1;
    r->id = g_strdup(f[0]);
    g_autofree char *file = g_strconcat(r->id, ".h5", NULL);
    r->output = g_build_filename(out_dir, "runs", file, NULL);
    r->coords = g_strdupv(f + 1);
    g_strfreev(f);
    g_ptr_array_add(plan->runs, r);
    g_hash_table_add(ids, r->id);
  }
  g_hash_table_destroy(ids);
  return plan;
}

/* Arguments needing no quotes stay bare, so job lists read naturally. */
static void append_arg(GString *s, const char *arg) {
  gboolean bare = arg[0] != '\0';
  for (const char *c = arg; *c; c++)
    if (!g_ascii_isalnum(*c) && !strchr("-_./=:,+@%", *c))
      bare = FALSE;
  if (s->len)
    g_string_append_c(s, ' ');
  if (bare) {
    g_string_append(s, arg);
  } else {
    g_autofree char *q = g_shell_quote(arg);
    g_string_append(s, q);
  }
}

char *ks_sweep_run_command(const KsSweepRun *run, const char *ksim) {
  GString *s = g_string_new(NULL);
  append_arg(s, ksim);
  for (char **a = run->args; a && *a; a++)
    append_arg(s, *a);
  return g_string_free(s, FALSE);
}
