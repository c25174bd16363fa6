/* See compare.h.
 *
 * Rows are the baseline's metrics in its order, then any metric only a
 * later file has (a file written by another ksim), so nothing is dropped;
 * a metric a file lacks is undefined there. Every rule is checked against
 * every candidate (each file after the baseline); one failed check is a
 * regression.
 *
 * Numbers: tables and markdown show at most 6 decimals with trailing
 * zeros dropped (integers as integers); JSON has the shortest text that
 * reads back to the same double, so programs lose nothing. An undefined
 * value is "-" (null in JSON).
 */
#include "sim/compare.h"

#include <math.h>
#include <string.h>

#include "sim/json.h"

gboolean ks_compare_format_parse(const char *name, KsCompareFormat *out) {
  static const char *const names[] = {"table", "markdown", "json", "junit"};
  for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
    if (!strcmp(name, names[i])) {
      *out = (KsCompareFormat)i;
      return TRUE;
    }
  }
  return FALSE;
}

typedef struct {
  const KsMetric *def; /* first file that has it */
  double *v;           /* one per file */
} Row;

typedef struct {
  const KsCompareRule *rule;
  gsize file;          /* candidate index (>= 1) */
  KsRuleResult result;
  double base, cand, change;
} Check;

typedef struct {
  const char *const *names;
  gsize n;             /* files */
  GArray *rows;        /* Row */
  GArray *checks;      /* Check */
  gsize failures, skipped;
} Cmp;

static void build_rows(Cmp *c, const KsMetrics *const *m) {
  GHashTable *index = g_hash_table_new(g_str_hash, g_str_equal);
  c->rows = g_array_new(FALSE, FALSE, sizeof(Row));
  for (gsize f = 0; f < c->n; f++) {
    for (gsize i = 0; i < m[f]->n; i++) {
      const KsMetric *x = &m[f]->items[i];
      gpointer at;
      if (!g_hash_table_lookup_extended(index, x->name, NULL, &at)) {
        Row row = {x, g_new(double, c->n)};
        for (gsize k = 0; k < c->n; k++)
          row.v[k] = NAN;
        at = GUINT_TO_POINTER(c->rows->len);
        g_array_append_val(c->rows, row);
        g_hash_table_insert(index, (gpointer)x->name, at);
      }
      g_array_index(c->rows, Row, GPOINTER_TO_UINT(at)).v[f] = x->value;
    }
  }
  g_hash_table_destroy(index);
}

static const Row *find_row(const Cmp *c, const char *name) {
  for (guint i = 0; i < c->rows->len; i++) {
    const Row *r = &g_array_index(c->rows, Row, i);
    if (!strcmp(r->def->name, name))
      return r;
  }
  return NULL;
}

static void run_checks(Cmp *c, KsCompareRule *const *rules, gsize n_rules) {
  c->checks = g_array_new(FALSE, FALSE, sizeof(Check));
  for (gsize i = 0; i < n_rules; i++) {
    const Row *row = find_row(c, rules[i]->metric);
    for (gsize f = 1; f < c->n; f++) {
      Check k = {rules[i], f, KS_RULE_NA, NAN, NAN, NAN};
      if (row) {
        k.base = row->v[0];
        k.cand = row->v[f];
      }
      k.result = ks_compare_rule_eval(rules[i], k.base, k.cand, &k.change);
      c->failures += k.result == KS_RULE_FAIL;
      c->skipped += k.result == KS_RULE_NA;
      g_array_append_val(c->checks, k);
    }
  }
}

/* ---- numbers ---- */

/* At most 6 decimals, trailing zeros dropped; "-" when undefined. */
static const char *fmt_num(double v, char buf[64]) {
  if (isnan(v))
    return "-";
  if (isinf(v))
    return v > 0 ? "inf" : "-inf";
  g_ascii_formatd(buf, 64, "%.6f", v);
  char *dot = strchr(buf, '.');
  if (dot) {
    char *end = buf + strlen(buf) - 1;
    while (end > dot && *end == '0')
      *end-- = '\0';
    if (end == dot)
      *end = '\0';
  }
  if (!strcmp(buf, "-0"))
    strcpy(buf, "0");
  return buf;
}

static const char *fmt_change(double d, char buf[64]) {
  char tmp[64];
  if (isnan(d))
    return "-";
  const char *s = fmt_num(d, tmp);
  g_snprintf(buf, 64, "%s%s", d > 0 && strcmp(s, "0") ? "+" : "", s);
  return buf;
}

static double percent(double base, double cand) {
  if (isnan(base) || isnan(cand))
    return NAN;
  if (cand == base)
    return 0;
  return base == 0 ? (cand > base ? INFINITY : -INFINITY) : (cand - base) / fabs(base) * 100;
}

/* "+8.33%", "0.00%", "n/a" (from 0), "-". */
static const char *fmt_pct(double p, char buf[64]) {
  if (isnan(p))
    return "-";
  if (isinf(p))
    return "n/a";
  char num[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd(num, sizeof num, "%.2f", fabs(p));
  g_snprintf(buf, 64, "%s%s%%", p > 0 && strcmp(num, "0.00") ? "+" : p < 0 && strcmp(num, "0.00") ? "-" : "", num);
  return buf;
}

/* What a check compared, for people: "+8.33% (12 -> 13)". */
static char *describe(const Check *k, const char *file) {
  char a[64], b[64], d[64];
  if (k->result == KS_RULE_NA)
    return g_strdup(k->rule->kind == KS_RULE_VALUE ? "undefined" : "undefined in both runs");
  if (k->rule->kind == KS_RULE_VALUE)
    return g_strdup_printf("%s is %s", k->rule->metric, fmt_num(k->cand, a));
  if (isnan(k->base) || isnan(k->cand))
    return g_strdup_printf("undefined in %s (%s -> %s)", isnan(k->base) ? "the baseline" : file,
                           fmt_num(k->base, a), fmt_num(k->cand, b));
  const char *change = k->rule->kind == KS_RULE_PERCENT ? fmt_pct(k->change, d)
                                                        : fmt_change(k->change, d);
  return g_strdup_printf("%s (%s -> %s)", change, fmt_num(k->base, a), fmt_num(k->cand, b));
}

/* ---- table ---- */

static void pad(FILE *out, const char *s, int width, gboolean right) {
  int len = (int)g_utf8_strlen(s, -1);
  if (right)
    fprintf(out, "%*s%s", MAX(width - len, 0), "", s);
  else
    fprintf(out, "%s%*s", s, MAX(width - len, 0), "");
}

/* Cells of one line: metric, unit, baseline, then value, change, % per candidate. */
static char **cells(const Cmp *c, const Row *r) {
  gsize n = 3 + 3 * (c->n - 1);
  char **cell = g_new0(char *, n + 1);
  char buf[64];
  cell[0] = g_strdup(r->def->name);
  cell[1] = g_strdup(r->def->unit);
  cell[2] = g_strdup(fmt_num(r->v[0], buf));
  for (gsize f = 1; f < c->n; f++) {
    cell[3 * f] = g_strdup(fmt_num(r->v[f], buf));
    cell[3 * f + 1] = g_strdup(fmt_change(r->v[f] - r->v[0], buf));
    cell[3 * f + 2] = g_strdup(fmt_pct(percent(r->v[0], r->v[f]), buf));
  }
  return cell;
}

static char **header(const Cmp *c) {
  gsize n = 3 + 3 * (c->n - 1);
  char **cell = g_new0(char *, n + 1);
  cell[0] = g_strdup("metric");
  cell[1] = g_strdup("unit");
  cell[2] = g_strdup(c->names[0]);
  for (gsize f = 1; f < c->n; f++) {
    cell[3 * f] = g_strdup(c->names[f]);
    cell[3 * f + 1] = g_strdup("change");
    cell[3 * f + 2] = g_strdup("%");
  }
  return cell;
}

static void print_rules_text(const Cmp *c, FILE *out) {
  if (c->checks->len == 0)
    return;
  fputc('\n', out);
  for (guint i = 0; i < c->checks->len; i++) {
    const Check *k = &g_array_index(c->checks, Check, i);
    g_autofree char *what = describe(k, c->names[k->file]);
    fprintf(out, "%-4s  %s  %s: %s\n",
            k->result == KS_RULE_FAIL ? "FAIL" : k->result == KS_RULE_PASS ? "ok" : "n/a",
            k->rule->text, c->names[k->file], what);
  }
  if (c->failures)
    fprintf(out, "regression: %" G_GSIZE_FORMAT " of %u checks failed\n", c->failures,
            c->checks->len);
  else
    fprintf(out, "no regression: %u check%s passed%s\n", c->checks->len - (guint)c->skipped,
            c->checks->len - c->skipped == 1 ? "" : "s", c->skipped ? " (some not applicable)" : "");
}

static void print_table(const Cmp *c, FILE *out) {
  gsize ncol = 3 + 3 * (c->n - 1);
  GPtrArray *lines = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
  g_ptr_array_add(lines, header(c));
  for (guint i = 0; i < c->rows->len; i++)
    g_ptr_array_add(lines, cells(c, &g_array_index(c->rows, Row, i)));
  int *width = g_new0(int, ncol);
  for (guint l = 0; l < lines->len; l++)
    for (gsize k = 0; k < ncol; k++)
      width[k] = MAX(width[k], (int)g_utf8_strlen(((char **)lines->pdata[l])[k], -1));
  for (guint l = 0; l < lines->len; l++) {
    char **cell = lines->pdata[l];
    for (gsize k = 0; k < ncol; k++) {
      if (k)
        fputs("  ", out);
      pad(out, cell[k], width[k], k >= 2);
    }
    fputc('\n', out);
  }
  g_free(width);
  g_ptr_array_unref(lines);
  print_rules_text(c, out);
}

/* ---- markdown ---- */

static void md_cell(FILE *out, const char *s) {
  fputs(" ", out);
  for (; *s; s++) {
    if (*s == '|')
      fputs("\\|", out);
    else
      fputc(*s, out);
  }
  fputs(" |", out);
}

static void print_markdown(const Cmp *c, FILE *out) {
  gsize ncol = 3 + 3 * (c->n - 1);
  char **h = header(c);
  fputs("|", out);
  for (gsize k = 0; k < ncol; k++)
    md_cell(out, h[k]);
  fputs("\n|", out);
  for (gsize k = 0; k < ncol; k++)
    fputs(k < 2 ? " --- |" : " ---: |", out);
  fputc('\n', out);
  g_strfreev(h);
  for (guint i = 0; i < c->rows->len; i++) {
    char **cell = cells(c, &g_array_index(c->rows, Row, i));
    fputs("|", out);
    for (gsize k = 0; k < ncol; k++)
      md_cell(out, cell[k]);
    fputc('\n', out);
    g_strfreev(cell);
  }
  if (c->checks->len == 0)
    return;
  fputs("\n| rule | file | result | change |\n| --- | --- | --- | --- |\n", out);
  for (guint i = 0; i < c->checks->len; i++) {
    const Check *k = &g_array_index(c->checks, Check, i);
    g_autofree char *what = describe(k, c->names[k->file]);
    fputs("|", out);
    md_cell(out, k->rule->text);
    md_cell(out, c->names[k->file]);
    md_cell(out, k->result == KS_RULE_FAIL ? "**FAIL**" : ks_rule_result_to_string(k->result));
    md_cell(out, what);
    fputc('\n', out);
  }
  if (c->failures)
    fprintf(out, "\n**Regression:** %" G_GSIZE_FORMAT " of %u checks failed.\n", c->failures,
            c->checks->len);
  else
    fprintf(out, "\nNo regression.\n");
}

/* ---- JSON ---- */

static void json_num(KsJson *j, const char *key, double v) {
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  ks_json_raw(j, key, isnan(v) || isinf(v) ? NULL : g_ascii_dtostr(buf, sizeof buf, v));
}

static void print_json(const Cmp *c, FILE *out) {
  KsJson j;
  ks_json_init(&j, out);
  ks_json_begin_object(&j, NULL);
  ks_json_string(&j, "baseline", c->names[0]);
  ks_json_begin_array(&j, "files");
  for (gsize f = 0; f < c->n; f++)
    ks_json_string(&j, NULL, c->names[f]);
  ks_json_end_array(&j);
  ks_json_begin_array(&j, "metrics");
  for (guint i = 0; i < c->rows->len; i++) {
    const Row *r = &g_array_index(c->rows, Row, i);
    ks_json_begin_object(&j, NULL);
    ks_json_string(&j, "name", r->def->name);
    ks_json_string(&j, "unit", r->def->unit);
    ks_json_string(&j, "better", ks_metric_better_to_string(r->def->better));
    ks_json_begin_array(&j, "values");
    for (gsize f = 0; f < c->n; f++)
      json_num(&j, NULL, r->v[f]);
    ks_json_end_array(&j);
    ks_json_begin_array(&j, "changes");
    for (gsize f = 1; f < c->n; f++)
      json_num(&j, NULL, r->v[f] - r->v[0]);
    ks_json_end_array(&j);
    ks_json_begin_array(&j, "changes_percent");
    for (gsize f = 1; f < c->n; f++)
      json_num(&j, NULL, percent(r->v[0], r->v[f]));
    ks_json_end_array(&j);
    ks_json_end_object(&j);
  }
  ks_json_end_array(&j);
  ks_json_begin_array(&j, "checks");
  for (guint i = 0; i < c->checks->len; i++) {
    const Check *k = &g_array_index(c->checks, Check, i);
    ks_json_begin_object(&j, NULL);
    ks_json_string(&j, "rule", k->rule->text);
    ks_json_string(&j, "file", c->names[k->file]);
    ks_json_string(&j, "metric", k->rule->metric);
    json_num(&j, "baseline", k->base);
    json_num(&j, "value", k->cand);
    json_num(&j, "compared", k->change);
    ks_json_string(&j, "result", ks_rule_result_to_string(k->result));
    ks_json_end_object(&j);
  }
  ks_json_end_array(&j);
  ks_json_bool(&j, "regression", c->failures > 0);
  ks_json_end_object(&j);
  ks_json_finish(&j);
}

/* ---- JUnit ---- */

static void print_junit(const Cmp *c, FILE *out) {
  g_autofree char *base = g_markup_escape_text(c->names[0], -1);
  fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  fprintf(out, "<testsuites name=\"ksim compare\" tests=\"%u\" failures=\"%" G_GSIZE_FORMAT
          "\" skipped=\"%" G_GSIZE_FORMAT "\">\n", c->checks->len, c->failures, c->skipped);
  fprintf(out, "  <testsuite name=\"ksim compare against %s\" tests=\"%u\" failures=\"%"
          G_GSIZE_FORMAT "\" skipped=\"%" G_GSIZE_FORMAT "\">\n", base, c->checks->len,
          c->failures, c->skipped);
  for (guint i = 0; i < c->checks->len; i++) {
    const Check *k = &g_array_index(c->checks, Check, i);
    g_autofree char *file = g_markup_escape_text(c->names[k->file], -1);
    g_autofree char *rule = g_markup_escape_text(k->rule->text, -1);
    g_autofree char *what_raw = describe(k, c->names[k->file]);
    g_autofree char *what = g_markup_escape_text(what_raw, -1);
    fprintf(out, "    <testcase classname=\"%s\" name=\"%s\"", file, rule);
    if (k->result == KS_RULE_PASS)
      fprintf(out, "/>\n");
    else
      fprintf(out, ">\n      <%s message=\"%s\"/>\n    </testcase>\n",
              k->result == KS_RULE_FAIL ? "failure" : "skipped", what);
  }
  fprintf(out, "  </testsuite>\n</testsuites>\n");
}

void ks_compare_print(const KsMetrics *const *metrics, const char *const *names, gsize n,
                      KsCompareRule *const *rules, gsize n_rules, KsCompareFormat format,
                      FILE *out, gboolean *regressed) {
  Cmp c = {.names = names, .n = n};
  build_rows(&c, metrics);
  run_checks(&c, rules, n_rules);
  switch (format) {
  case KS_COMPARE_MARKDOWN: print_markdown(&c, out); break;
  case KS_COMPARE_JSON: print_json(&c, out); break;
  case KS_COMPARE_JUNIT: print_junit(&c, out); break;
  default: print_table(&c, out);
  }
  *regressed = c.failures > 0;
  for (guint i = 0; i < c.rows->len; i++)
    g_free(g_array_index(c.rows, Row, i).v);
  g_array_unref(c.rows);
  g_array_unref(c.checks);
}

gboolean ks_compare_run(const KsCompareOptions *o, FILE *out, gboolean *regressed,
                        GError **error) {
  g_return_val_if_fail(o->n_files >= 2, FALSE);
  KsMetrics **m = g_new0(KsMetrics *, o->n_files);
  gboolean ok = TRUE;
  for (gsize i = 0; ok && i < o->n_files; i++)
    ok = (m[i] = ks_metrics_read(o->files[i], error)) != NULL;
  if (ok)
    ks_compare_print((const KsMetrics *const *)m, o->files, o->n_files, o->rules, o->n_rules,
                     o->format, out, regressed);
  for (gsize i = 0; i < o->n_files; i++)
    ks_metrics_free(m[i]);
  g_free(m);
  return ok;
}
